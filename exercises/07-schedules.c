/*
 * exercises/07-schedules.c: chapter 7, learning-rate schedules, warm-up
 * and the learning-rate range test.
 *
 * Implement each function as its contract in 07-schedules.h says. Grade
 * your work with `make check CH=07`; the lesson is
 * chapters/07-schedules.md.
 */
#include "07-schedules.h"

#include <math.h>

/* π as Python's math.pi has it: the double nearest to π. */
#define PI 3.141592653589793

double step_lr_next(double lr, size_t k, size_t step_size, double gamma)
{
    (void)lr; (void)k; (void)step_size; (void)gamma;
    return -1.0; /* TODO: lesson section "Step decay" */
}

double multistep_lr_next(double lr, size_t k, const size_t *milestones,
                         size_t count, double gamma)
{
    (void)lr; (void)k; (void)milestones; (void)count; (void)gamma;
    return -1.0; /* TODO: lesson section "Step decay" */
}

double exponential_lr_next(double lr, size_t k, double gamma)
{
    (void)lr; (void)k; (void)gamma;
    return -1.0; /* TODO: lesson section "Exponential decay" */
}

double cosine_lr(double base_lr, double eta_min, size_t k, size_t t_max)
{
    (void)base_lr; (void)eta_min; (void)k; (void)t_max;
    return -1.0; /* TODO: lesson section "Cosine annealing" */
}

double cosine_lr_next(double lr, double base_lr, double eta_min, size_t k,
                      size_t t_max)
{
    (void)lr; (void)base_lr; (void)eta_min; (void)k; (void)t_max;
    return -1.0; /* TODO: lesson section "What PyTorch computes: the chain" */
}

void restarts_advance(Restarts *r, size_t t_mult)
{
    (void)r; (void)t_mult;
    /* TODO: lesson section "Warm restarts" */
}

double linear_lr_next(double lr, size_t k, double start_factor,
                      double end_factor, size_t total_iters)
{
    (void)lr; (void)k; (void)start_factor; (void)end_factor; (void)total_iters;
    return -1.0; /* TODO: lesson section "Warm-up" */
}

double warmup_cosine_lr_next(double lr, double base_lr, size_t k,
                             const WarmupCosine *c)
{
    (void)lr; (void)base_lr; (void)k; (void)c;
    return -1.0; /* TODO: lesson section "Warm-up" */
}

double onecycle_lr(const OneCycle *c, size_t k, double *momentum)
{
    (void)c; (void)k; (void)momentum;
    return -1.0; /* TODO: lesson section "One cycle" */
}

bool plateau_is_better(const PlateauConfig *c, double current, double best)
{
    (void)c; (void)current; (void)best;
    return false; /* TODO: lesson section "Reduce on plateau" */
}

double plateau_step(PlateauState *s, const PlateauConfig *c, double lr,
                    double loss)
{
    (void)s; (void)c; (void)lr; (void)loss;
    return -1.0; /* TODO: lesson section "Reduce on plateau" */
}

double range_test_lr(double lr_min, double lr_max, size_t k, size_t steps)
{
    (void)lr_min; (void)lr_max; (void)k; (void)steps;
    return -1.0; /* TODO: lesson section "The learning-rate range test" */
}

double smooth_loss(SmoothedLoss *s, double loss)
{
    (void)s; (void)loss;
    return -1.0; /* TODO: lesson section "The learning-rate range test" */
}

size_t lr_suggestion(const double *lrs, const double *smoothed, size_t n)
{
    (void)lrs; (void)smoothed;
    return n; /* TODO: lesson section "The learning-rate range test" */
}
