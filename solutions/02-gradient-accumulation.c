// BEGIN SOLUTION
/*
 * solutions/02-gradient-accumulation.c: reference solutions of chapter 2.
 *
 * exercises/02-gradient-accumulation.c is generated from this file (`make
 * stubs`): the lines between BEGIN and END SOLUTION markers are dropped and
 * the STUB lines become code. Check yours with `make check CH=02`; look here
 * after.
 */
// END SOLUTION
// STUB: /*
// STUB:  * exercises/02-gradient-accumulation.c: chapter 2, gradient accumulation.
// STUB:  *
// STUB:  * Implement each function as its contract in 02-gradient-accumulation.h
// STUB:  * says. Grade your work with `make check CH=02`; the lesson is
// STUB:  * chapters/02-gradient-accumulation.md.
// STUB:  */
#include "02-gradient-accumulation.h"

//> zero-grad
void param_zero_grad(Param *params, size_t count)
{
    // BEGIN SOLUTION
    for (size_t i = 0; i < count; i++)
        params[i].grad = 0.0;
    // END SOLUTION
    // STUB: (void)params; (void)count;
    // STUB: /* TODO: lesson section "Clearing gradients" */
}
//< zero-grad

//> backward
void linreg_backward_accumulate(const double *x, const double *y, size_t n,
                                double loss_scale, Param *params)
{
    // BEGIN SOLUTION
    double w = params[LINE_W].value, b = params[LINE_B].value;
    double sum_rx = 0.0, sum_r = 0.0;
    for (size_t i = 0; i < n; i++) {
        double residual = w * x[i] + b - y[i];
        sum_rx += residual * x[i];
        sum_r += residual;
    }
    params[LINE_W].grad += loss_scale * (2.0 * sum_rx / (double)n);
    params[LINE_B].grad += loss_scale * (2.0 * sum_r / (double)n);
    // END SOLUTION
    // STUB: (void)x; (void)y; (void)n; (void)loss_scale; (void)params;
    // STUB: /* TODO: lesson section "A backward pass that adds" */
}
//< backward

//> sgd-step
void param_sgd_step(Param *params, size_t count, double lr)
{
    // BEGIN SOLUTION
    for (size_t i = 0; i < count; i++)
        params[i].value -= lr * params[i].grad;
    // END SOLUTION
    // STUB: (void)params; (void)count; (void)lr;
    // STUB: /* TODO: lesson section "The optimizer's step" */
}
//< sgd-step

//> train-step
void linreg_train_step(const double *x, const double *y, size_t n, double lr,
                       Param *params)
{
    // BEGIN SOLUTION
    param_zero_grad(params, LINE_PARAMS);
    linreg_backward_accumulate(x, y, n, 1.0, params);
    param_sgd_step(params, LINE_PARAMS, lr);
    // END SOLUTION
    // STUB: (void)x; (void)y; (void)n; (void)lr; (void)params;
    // STUB: /* TODO: lesson section "The training loop" */
}
//< train-step

//> accumulated-step
void linreg_train_step_accumulated(const double *x, const double *y,
                                   const size_t *micro_sizes, size_t k,
                                   double lr, Param *params)
{
    // BEGIN SOLUTION
    size_t total = 0;
    for (size_t m = 0; m < k; m++)
        total += micro_sizes[m];
    param_zero_grad(params, LINE_PARAMS); /* once, before the first micro-batch */
    size_t first = 0;
    for (size_t m = 0; m < k; m++) {
        double weight = (double)micro_sizes[m] / (double)total;
        linreg_backward_accumulate(x + first, y + first, micro_sizes[m],
                                   weight, params);
        first += micro_sizes[m];
    }
    param_sgd_step(params, LINE_PARAMS, lr); /* once, after the last micro-batch */
    // END SOLUTION
    // STUB: (void)x; (void)y; (void)micro_sizes; (void)k; (void)lr; (void)params;
    // STUB: /* TODO: lesson section "Accumulating over micro-batches" */
}
//< accumulated-step
