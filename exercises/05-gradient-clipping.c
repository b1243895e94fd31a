/*
 * exercises/05-gradient-clipping.c: chapter 5, gradient clipping, and why
 * losses become nan.
 *
 * Implement each function as its contract in 05-gradient-clipping.h says.
 * Grade your work with `make check CH=05`; the lesson is
 * chapters/05-gradient-clipping.md.
 */
#include "05-gradient-clipping.h"

#include <math.h>

double grad_global_norm(const Parameter *params, size_t count)
{
    (void)params; (void)count;
    return -1.0; /* TODO: lesson section "Clipping by global norm" */
}

double clip_grad_norm(Parameter *params, size_t count, double max_norm)
{
    (void)params; (void)count; (void)max_norm;
    return -1.0; /* TODO: lesson section "Clipping by global norm" */
}

void clip_grad_value(Parameter *params, size_t count, double clip_value)
{
    (void)params; (void)count; (void)clip_value;
    /* TODO: lesson section "Clipping by value" */
}

bool grads_all_finite(const Parameter *params, size_t count)
{
    (void)params; (void)count;
    return false; /* TODO: lesson section "Checking for nan and inf" */
}

double sgd_step_clipped(Parameter *params, size_t count, double lr,
                        double max_norm)
{
    (void)params; (void)count; (void)lr; (void)max_norm;
    return -1.0; /* TODO: lesson section "Where clipping goes" */
}

Diagnosis diagnose_run(const RunHistory *history)
{
    (void)history;
    /* TODO: lesson section "A diagnosis from the run's history" */
    return (Diagnosis){CAUSE_NONE, 0, 0};
}
