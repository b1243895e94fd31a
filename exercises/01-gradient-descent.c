/*
 * exercises/01-gradient-descent.c: chapter 1, manual gradient descent.
 *
 * Implement each function as its contract in 01-gradient-descent.h says.
 * Grade your work with `make check CH=01`; the lesson is
 * chapters/01-gradient-descent.md.
 */
#include "01-gradient-descent.h"

#include <math.h>

double parabola_descend(double start, double lr, size_t steps)
{
    (void)start; (void)lr; (void)steps;
    return 0.0; /* TODO: lesson section "A first descent" */
}

double mse_loss(const double *x, const double *y, size_t n, double w,
                double b)
{
    (void)x; (void)y; (void)n; (void)w; (void)b;
    return 0.0; /* TODO: lesson section "The loss" */
}

void mse_grad(const double *x, const double *y, size_t n, double w, double b,
              double *grad_w, double *grad_b)
{
    (void)x; (void)y; (void)n; (void)w; (void)b;
    *grad_w = 0.0; /* TODO: lesson section "The gradient by hand" */
    *grad_b = 0.0;
}

void linreg_step(const double *x, const double *y, size_t n, double lr,
                 double *w, double *b)
{
    (void)x; (void)y; (void)n; (void)lr; (void)w; (void)b;
    /* TODO: lesson section "One step" */
}

void numerical_gradient(LossFn loss, const void *ctx, double *theta,
                        size_t dim, double h, double *grad)
{
    (void)loss; (void)ctx; (void)theta; (void)h;
    for (size_t j = 0; j < dim; j++)
        grad[j] = 0.0; /* TODO: lesson section "Checking the gradient" */
}

TrainStatus linreg_train(const double *x, const double *y, size_t n,
                         double lr, size_t steps, double *w, double *b,
                         double *loss_history)
{
    (void)x; (void)y; (void)n; (void)lr; (void)steps; (void)w; (void)b;
    (void)loss_history;
    return TRAIN_DIVERGED; /* TODO: lesson section "The training loop" */
}
