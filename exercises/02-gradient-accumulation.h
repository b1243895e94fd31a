/*
 * 02-gradient-accumulation.h: the exercises of chapter 2, gradient
 * accumulation.
 *
 * You write these functions in exercises/02-gradient-accumulation.c; `make
 * check CH=02` grades them. Each comment below is the contract your function
 * must keep. The lesson, chapters/02-gradient-accumulation.md, explains why;
 * the section named after each function is the one to read first.
 *
 * Conventions: as in chapter 1, the data are arrays x (inputs) and y
 * (targets), owned by the caller and never modified; the model is the line
 * prediction = w·x + b; the residual of example i is r_i = w·x_i + b - y_i;
 * the loss of a batch of n examples is their mean squared error
 * L = (1/n) Σ_i r_i². The line's parameters live in an array of two Params,
 * params[LINE_W] and params[LINE_B], owned by the caller.
 *
 * (The lines //> NAME and //< NAME around some declarations mark what the
 * lesson quotes; to the compiler they are comments.)
 */
#ifndef EXERCISES_02_GRADIENT_ACCUMULATION_H
#define EXERCISES_02_GRADIENT_ACCUMULATION_H

#include <stddef.h>

//> param
/* A trainable number: its value, and the gradient that backward calls have
 * added into it since the last zero_grad (PyTorch's tensor.grad). */
typedef struct {
    double value;
    double grad;
} Param;

/* Where the line's two parameters sit in a params array. */
enum { LINE_W, LINE_B, LINE_PARAMS };
//< param

/* Sets params[i].grad to exactly 0 for every i < count, whatever it held
 * before (inf and nan included), and leaves every value, and anything past
 * params[count - 1], unchanged. count may be 0. */
void param_zero_grad(Param *params, size_t count);

/* The backward pass of the line's loss on a batch of n >= 1 examples:
 * ADDS the gradient of loss_scale·L, at the current values, to the grads,
 *   params[LINE_W].grad += loss_scale · (2/n) Σ_i r_i·x_i
 *   params[LINE_B].grad += loss_scale · (2/n) Σ_i r_i,
 * keeping whatever the grads held before. Each grad gets one addition,
 * the whole batch's term, summed first: so two calls from grads of 0
 * leave exactly twice what one leaves, to the last bit (the grader checks
 * it). Adding each example's term into .grad as it comes is the same in
 * exact arithmetic, but rounds against what .grad held, and misses that.
 * loss_scale is the factor a framework's (loss * loss_scale).backward()
 * would apply. The values are read, never changed. */
void linreg_backward_accumulate(const double *x, const double *y, size_t n,
                                double loss_scale, Param *params);

/* One step of plain gradient descent: params[i].value -= lr·params[i].grad
 * for every i < count. The grads are read and left exactly as they were. */
void param_sgd_step(Param *params, size_t count, double lr);

/* One training step on the batch (x, y) of n >= 1 examples, with learning
 * rate lr: clears the grads (whatever an earlier step left in them), runs
 * the backward pass, and steps. Afterwards the values have moved by -lr
 * times the gradient of L at the values before the call, and the grads
 * hold that gradient. */
void linreg_train_step(const double *x, const double *y, size_t n, double lr,
                       Param *params);

/* One training step with gradient accumulation: the N = Σ micro_sizes[m]
 * examples of x and y are cut into k >= 1 consecutive micro-batches, the
 * first micro_sizes[0] examples, then the next micro_sizes[1], and so on
 * (every size >= 1). Clears the grads once, runs one backward pass per
 * micro-batch, each weighted so that the grads end up holding the gradient
 * of the mean squared error over all N examples, then takes one step with
 * learning rate lr. The result is the same as linreg_train_step on all N
 * examples at once, up to rounding, whatever the sizes. */
void linreg_train_step_accumulated(const double *x, const double *y,
                                   const size_t *micro_sizes, size_t k,
                                   double lr, Param *params);

#endif
