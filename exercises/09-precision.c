/*
 * exercises/09-precision.c: chapter 9, mixed precision: fp16 and bf16,
 * rounding to them exactly, and loss scaling.
 *
 * Implement each function as its contract in 09-precision.h says. Grade
 * your work with `make check CH=09`; the lesson is
 * chapters/09-precision.md.
 */
#include "09-precision.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* A float's bits and back: memcpy is the one conversion C defines (a
 * pointer cast would break the aliasing rules), and compilers turn it
 * into a plain register move. */
static uint32_t float_bits(float x)
{
    uint32_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static float float_from_bits(uint32_t b)
{
    float x;
    memcpy(&x, &b, sizeof x);
    return x;
}

uint16_t bf16_from_float(float x)
{
    (void)x; (void)float_bits;
    return 0; /* TODO: lesson section "Rounding to nearest even, by bits" */
}

float bf16_to_float(uint16_t h)
{
    (void)h; (void)float_from_bits;
    return -1.0f; /* TODO: lesson section "Rounding to nearest even, by bits" */
}

uint16_t fp16_from_float(float x)
{
    (void)x;
    return 0; /* TODO: lesson section "fp16: subnormals and a narrow range" */
}

float fp16_to_float(uint16_t h)
{
    (void)h;
    return -1.0f; /* TODO: lesson section "fp16: subnormals and a narrow range" */
}

uint16_t fp16_from_double(double x)
{
    (void)x;
    return 0; /* TODO: lesson section "Double rounding" */
}

uint16_t bf16_from_double(double x)
{
    (void)x;
    return 0; /* TODO: lesson section "Double rounding" */
}

bool grads_overflowed(const double *grads, size_t n)
{
    (void)grads; (void)n;
    return false; /* TODO: lesson section "Loss scaling" */
}

void grads_unscale(double *grads, size_t n, double scale)
{
    (void)grads; (void)n; (void)scale;
    /* TODO: lesson section "Loss scaling" */
}

void master_weight_step(double *master, uint16_t *low, LowFormat format,
                        const double *grads, size_t n, double lr)
{
    (void)master; (void)low; (void)format; (void)grads; (void)n; (void)lr;
    /* TODO: lesson section "Master weights" */
}

void loss_scaler_update(LossScaler *s, bool found_inf)
{
    (void)s; (void)found_inf;
    /* TODO: lesson section "The dynamic loss scaler" */
}

bool scaled_sgd_step(double *master, uint16_t *low, LowFormat format,
                     double *grads, size_t n, double lr, LossScaler *s)
{
    (void)master; (void)low; (void)format; (void)grads; (void)n; (void)lr; (void)s;
    return true; /* TODO: lesson section "The dynamic loss scaler" */
}
