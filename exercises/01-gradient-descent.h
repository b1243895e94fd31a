/*
 * 01-gradient-descent.h: the exercises of chapter 1, manual gradient descent.
 *
 * You write these functions in exercises/01-gradient-descent.c; `make check
 * CH=01` grades them. Each comment below is the contract your function must
 * keep. The lesson, chapters/01-gradient-descent.md, explains the math; the
 * section named after each function is the one to read first.
 *
 * Conventions: the data are arrays of n doubles, x (inputs) and y (targets),
 * owned by the caller and never modified. The model is the line
 * prediction = w·x + b. The residual of example i is prediction minus
 * target, r_i = w·x_i + b - y_i.
 */
#ifndef EXERCISES_01_GRADIENT_DESCENT_H
#define EXERCISES_01_GRADIENT_DESCENT_H

#include <stddef.h>

/* Gradient descent on the parabola f(w) = (w - 3)^2, whose derivative is
 * f'(w) = 2(w - 3). Starting from w = start, takes `steps` steps of
 * w ← w - lr·f'(w) and returns the final w. steps = 0 returns start. */
double parabola_descend(double start, double lr, size_t steps);

/* The mean squared error of the line w·x + b over n >= 1 examples:
 * L = (1/n) Σ_i (w·x_i + b - y_i)^2. */
double mse_loss(const double *x, const double *y, size_t n, double w,
                double b);

/* The gradient of mse_loss with respect to w and b, written to *grad_w and
 * *grad_b (which the caller owns):
 *   ∂L/∂w = (2/n) Σ_i r_i·x_i     ∂L/∂b = (2/n) Σ_i r_i,
 * with the residual r_i = w·x_i + b - y_i. */
void mse_grad(const double *x, const double *y, size_t n, double w, double b,
              double *grad_w, double *grad_b);

/* One step of gradient descent on mse_loss with learning rate lr: both
 * partial derivatives are computed at the current (w, b), then both
 * parameters move, w ← w - lr·∂L/∂w and b ← b - lr·∂L/∂b. */
void linreg_step(const double *x, const double *y, size_t n, double lr,
                 double *w, double *b);

/* A loss as a function of a parameter vector theta; ctx carries whatever
 * else it needs (the data, for instance). */
typedef double (*LossFn)(const double *theta, const void *ctx);

/* Estimates the gradient of loss at theta (dim parameters) by central
 * differences, writing
 *   grad[j] = (loss(θ + h·e_j) - loss(θ - h·e_j)) / (2h)
 * for every j. theta may be changed during the call but must hold exactly
 * its original values when the function returns. grad has dim entries and
 * is owned by the caller. */
void numerical_gradient(LossFn loss, const void *ctx, double *theta,
                        size_t dim, double h, double *grad);

/* How a training run ended. */
typedef enum {
    TRAIN_MAX_STEPS, /* every step was taken */
    TRAIN_DIVERGED   /* the loss stopped being a finite number */
} TrainStatus;

/* Trains the line on (x, y) with `steps` steps of linreg_step from the
 * caller's *w, *b, leaving the result in *w, *b. When loss_history is not
 * NULL, it has room for steps + 1 values and receives the loss before every
 * step and after the last: loss_history[k] = mse_loss at the parameters
 * after k steps. If a loss is not finite (inf or nan), stores it like the
 * others, then stops right there, without stepping further, and returns
 * TRAIN_DIVERGED; otherwise returns TRAIN_MAX_STEPS. */
TrainStatus linreg_train(const double *x, const double *y, size_t n,
                         double lr, size_t steps, double *w, double *b,
                         double *loss_history);

#endif
