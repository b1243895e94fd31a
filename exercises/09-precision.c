/*
 * exercises/09-precision.c: chapter 9, mixed precision: fp16 and bf16,
 * rounding to them exactly, and loss scaling.
 *
 * Implement each function as its contract in 09-precision.h says. Grade
 * your work with `make check CH=09`; the lesson is
 * chapters/09-precision.md.
 */
#include "09-precision.h"

#include <math.h>

#include "bits.h"

uint16_t bf16_from_float(float x)
{
    (void)x;
    return 0; /* TODO: lesson section "Rounding to nearest even, by bits" */
}

float bf16_to_float(uint16_t h)
{
    (void)h;
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

void kahan_weight_step(uint16_t *low, uint16_t *comp, LowFormat format,
                       const double *grads, size_t n, double lr)
{
    (void)low; (void)comp; (void)format; (void)grads; (void)n; (void)lr;
    /* TODO: lesson section "Kahan-compensated updates" */
}

uint16_t round_stochastic(double x, LowFormat format, double u)
{
    (void)x; (void)format; (void)u;
    return 0; /* TODO: lesson section "Stochastic rounding" */
}
