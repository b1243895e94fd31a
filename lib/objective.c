/*
 * objective.c: the three ways to ask an Objective for its loss.
 */
#include "objective.h"

double objective_loss(const Objective *objective, const double *theta)
{
    return objective->loss_grad(theta, NULL, objective->ctx);
}

double objective_loss_grad(const Objective *objective, const double *theta,
                           double *grad)
{
    return objective->loss_grad(theta, grad, objective->ctx);
}

double objective_loss_of(const double *theta, const void *objective)
{
    return objective_loss(objective, theta);
}
