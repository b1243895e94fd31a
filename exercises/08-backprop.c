/*
 * exercises/08-backprop.c: chapter 8, backpropagation, and a real
 * network on real data.
 *
 * Implement each function as its contract in 08-backprop.h says.
 * Plain loops are fine: lib/matmul.h's matmul_add is the same sums,
 * faster, if you want it later. Grade your work with
 * `make check CH=08`; the lesson is chapters/08-backprop.md.
 */
#include "08-backprop.h"

#include <math.h>
#include <string.h>

#include "matmul.h"

void linear_forward(const double *x, const double *w, const double *b,
                    size_t n, size_t in, size_t out, double *y)
{
    (void)x; (void)w; (void)b; (void)n; (void)in; (void)out; (void)y;
    /* TODO: lesson section "A linear layer" */
}

void linear_backward(const double *x, const double *w, const double *dy,
                     size_t n, size_t in, size_t out, double *dw, double *db,
                     double *dx, double *scratch)
{
    (void)x; (void)w; (void)dy; (void)n; (void)in; (void)out;
    (void)dw; (void)db; (void)dx; (void)scratch;
    /* TODO: lesson section "A linear layer" */
}

void activation_forward(Activation f, const double *z, size_t count,
                        double *a)
{
    (void)f; (void)z; (void)count; (void)a;
    /* TODO: lesson section "Activation functions" */
}

void activation_backward(Activation f, const double *z, const double *a,
                         const double *da, size_t count, double *dz)
{
    (void)f; (void)z; (void)a; (void)da; (void)count; (void)dz;
    /* TODO: lesson section "Activation functions" */
}

double softmax_cross_entropy(const double *logits, const uint8_t *labels,
                             size_t n, size_t classes, double *dlogits)
{
    (void)logits; (void)labels; (void)n; (void)classes; (void)dlogits;
    return -1.0; /* TODO: lesson section "Softmax and cross-entropy" */
}

double relative_error(double a, double b)
{
    (void)a; (void)b;
    return -1.0; /* TODO: lesson section "Checking the gradient" */
}

double gradient_check(LossFn loss, const void *ctx, double *theta,
                      const double *grad, const size_t *coords, size_t count,
                      double h)
{
    (void)loss; (void)ctx; (void)theta; (void)grad; (void)coords;
    (void)count; (void)h;
    return -1.0; /* TODO: lesson section "Checking the gradient" */
}

double init_std(InitScheme scheme, Activation activation, size_t fan_in,
                size_t fan_out)
{
    (void)scheme; (void)activation; (void)fan_in; (void)fan_out;
    return -1.0; /* TODO: lesson section "Initialisation" */
}
