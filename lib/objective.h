/*
 * objective.h: the one shape of a loss the chapter programs minimise.
 *
 * An Objective is a function of a flat parameter vector θ of `dim` doubles
 * (always one flat buffer, as genann and llm.c keep theirs). Its
 * loss_grad computes the loss at θ and, when `grad` is not NULL, writes
 * ∇L(θ) into the caller's buffer of `dim` doubles (overwriting it). Data
 * it needs (a dataset, a condition number) hangs off `ctx`, which the
 * objective never changes. A parabola, a regression, Rosenbrock's valley
 * and a small neural network are all the same shape, so the training loop,
 * the optimizers and the gradient check are written once for all of them.
 */
#ifndef OBJECTIVE_H
#define OBJECTIVE_H

#include <stddef.h>

/* The loss at theta; also ∇L(theta) into grad[0..dim-1] unless grad is
 * NULL. */
typedef double (*LossGradFn)(const double *theta, double *grad,
                             const void *ctx);

typedef struct {
    size_t dim;           /* how many parameters θ has */
    LossGradFn loss_grad;
    const void *ctx;      /* the objective's data, read-only */
} Objective;

/* The loss alone at theta. */
double objective_loss(const Objective *objective, const double *theta);

/* The loss at theta, with ∇L(theta) written into grad. */
double objective_loss_grad(const Objective *objective, const double *theta,
                           double *grad);

/* An adapter for chapter 1's numerical_gradient(LossFn loss, ctx, ...):
 * pass objective_loss_of as the loss and the Objective itself as ctx. */
double objective_loss_of(const double *theta, const void *objective);

#endif
