/*
 * exercises/02-gradient-accumulation.c: chapter 2, gradient accumulation.
 *
 * Implement each function as its contract in 02-gradient-accumulation.h
 * says. Grade your work with `make check CH=02`; the lesson is
 * chapters/02-gradient-accumulation.md.
 */
#include "02-gradient-accumulation.h"

void param_zero_grad(Param *params, size_t count)
{
    (void)params; (void)count;
    /* TODO: lesson section "Clearing gradients" */
}

void linreg_backward_accumulate(const double *x, const double *y, size_t n,
                                double loss_scale, Param *params)
{
    (void)x; (void)y; (void)n; (void)loss_scale; (void)params;
    /* TODO: lesson section "A backward pass that adds" */
}

void param_sgd_step(Param *params, size_t count, double lr)
{
    (void)params; (void)count; (void)lr;
    /* TODO: lesson section "The optimizer's step" */
}

void linreg_train_step(const double *x, const double *y, size_t n, double lr,
                       Param *params)
{
    (void)x; (void)y; (void)n; (void)lr; (void)params;
    /* TODO: lesson section "The training loop" */
}

void linreg_train_step_accumulated(const double *x, const double *y,
                                   const size_t *micro_sizes, size_t k,
                                   double lr, Param *params)
{
    (void)x; (void)y; (void)micro_sizes; (void)k; (void)lr; (void)params;
    /* TODO: lesson section "Accumulating over micro-batches" */
}
