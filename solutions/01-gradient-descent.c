// BEGIN SOLUTION
/*
 * solutions/01-gradient-descent.c: reference solutions of chapter 1.
 *
 * exercises/01-gradient-descent.c is generated from this file (`make stubs`):
 * the lines between BEGIN and END SOLUTION markers are dropped and the STUB
 * lines become code. Check yours with `make check CH=01`; look here after.
 */
// END SOLUTION
// STUB: /*
// STUB:  * exercises/01-gradient-descent.c: chapter 1, manual gradient descent.
// STUB:  *
// STUB:  * Implement each function as its contract in 01-gradient-descent.h says.
// STUB:  * Grade your work with `make check CH=01`; the lesson is
// STUB:  * chapters/01-gradient-descent.md.
// STUB:  */
#include "01-gradient-descent.h"

#include <math.h>

//> parabola-descend
double parabola_descend(double start, double lr, size_t steps)
{
    // BEGIN SOLUTION
    double w = start;
    for (size_t k = 0; k < steps; k++)
        w -= lr * 2.0 * (w - 3.0);
    return w;
    // END SOLUTION
    // STUB: (void)start; (void)lr; (void)steps;
    // STUB: return 0.0; /* TODO: lesson section "A first descent" */
}
//< parabola-descend

//> mse-loss
double mse_loss(const double *x, const double *y, size_t n, double w,
                double b)
{
    // BEGIN SOLUTION
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        double residual = w * x[i] + b - y[i];
        sum += residual * residual;
    }
    return sum / (double)n;
    // END SOLUTION
    // STUB: (void)x; (void)y; (void)n; (void)w; (void)b;
    // STUB: return 0.0; /* TODO: lesson section "The loss" */
}
//< mse-loss

//> mse-grad
void mse_grad(const double *x, const double *y, size_t n, double w, double b,
              double *grad_w, double *grad_b)
{
    // BEGIN SOLUTION
    double sum_rx = 0.0, sum_r = 0.0;
    for (size_t i = 0; i < n; i++) {
        double residual = w * x[i] + b - y[i];
        sum_rx += residual * x[i];
        sum_r += residual;
    }
    *grad_w = 2.0 * sum_rx / (double)n;
    *grad_b = 2.0 * sum_r / (double)n;
    // END SOLUTION
    // STUB: (void)x; (void)y; (void)n; (void)w; (void)b;
    // STUB: *grad_w = 0.0; /* TODO: lesson section "The gradient by hand" */
    // STUB: *grad_b = 0.0;
}
//< mse-grad

//> linreg-step
void linreg_step(const double *x, const double *y, size_t n, double lr,
                 double *w, double *b)
{
    // BEGIN SOLUTION
    double grad_w, grad_b;
    mse_grad(x, y, n, *w, *b, &grad_w, &grad_b);
    *w -= lr * grad_w;
    *b -= lr * grad_b;
    // END SOLUTION
    // STUB: (void)x; (void)y; (void)n; (void)lr; (void)w; (void)b;
    // STUB: /* TODO: lesson section "One step" */
}
//< linreg-step

//> numerical-gradient
void numerical_gradient(LossFn loss, const void *ctx, double *theta,
                        size_t dim, double h, double *grad)
{
    // BEGIN SOLUTION
    for (size_t j = 0; j < dim; j++) {
        double saved = theta[j];
        theta[j] = saved + h;
        double loss_plus = loss(theta, ctx);
        theta[j] = saved - h;
        double loss_minus = loss(theta, ctx);
        theta[j] = saved;
        grad[j] = (loss_plus - loss_minus) / (2.0 * h);
    }
    // END SOLUTION
    // STUB: (void)loss; (void)ctx; (void)theta; (void)h;
    // STUB: for (size_t j = 0; j < dim; j++)
    // STUB:     grad[j] = 0.0; /* TODO: lesson section "Checking the gradient" */
}
//< numerical-gradient

//> linreg-train
TrainStatus linreg_train(const double *x, const double *y, size_t n,
                         double lr, size_t steps, double *w, double *b,
                         double *loss_history)
{
    // BEGIN SOLUTION
    for (size_t k = 0;; k++) {
        double loss = mse_loss(x, y, n, *w, *b);
        if (loss_history)
            loss_history[k] = loss;
        if (!isfinite(loss))
            return TRAIN_DIVERGED;
        if (k == steps)
            return TRAIN_MAX_STEPS;
        linreg_step(x, y, n, lr, w, b);
    }
    // END SOLUTION
    // STUB: (void)x; (void)y; (void)n; (void)lr; (void)steps; (void)w; (void)b;
    // STUB: (void)loss_history;
    // STUB: return TRAIN_DIVERGED; /* TODO: lesson section "The training loop" */
}
//< linreg-train
