// BEGIN SOLUTION
/*
 * solutions/05-gradient-clipping.c: reference solutions of chapter 5.
 *
 * exercises/05-gradient-clipping.c is generated from this file (`make
 * stubs`): the lines between BEGIN and END SOLUTION markers are dropped and
 * the STUB lines become code. Check yours with `make check CH=05`; look
 * here after.
 */
// END SOLUTION
// STUB: /*
// STUB:  * exercises/05-gradient-clipping.c: chapter 5, gradient clipping, and why
// STUB:  * losses become nan.
// STUB:  *
// STUB:  * Implement each function as its contract in 05-gradient-clipping.h says.
// STUB:  * Grade your work with `make check CH=05`; the lesson is
// STUB:  * chapters/05-gradient-clipping.md.
// STUB:  */
#include "05-gradient-clipping.h"

#include <math.h>

//> global-norm
double grad_global_norm(const Parameter *params, size_t count)
{
    // BEGIN SOLUTION
    double sum_of_squares = 0.0;
    for (size_t t = 0; t < count; t++)
        for (size_t i = 0; i < params[t].size; i++)
            sum_of_squares += params[t].grad[i] * params[t].grad[i];
    return sqrt(sum_of_squares);
    // END SOLUTION
    // STUB: (void)params; (void)count;
    // STUB: return -1.0; /* TODO: lesson section "Clipping by global norm" */
}
//< global-norm

//> clip-by-norm
double clip_grad_norm(Parameter *params, size_t count, double max_norm)
{
    // BEGIN SOLUTION
    double norm = grad_global_norm(params, count);
    /* max_norm / (norm + 1e-6), rounded as torch rounds it: its
     * `max_norm / tensor` is the tensor's reciprocal times max_norm, two
     * roundings; one division differs in the last bit for most max_norm
     * but powers of two, and a long run can grow that bit. */
    double coefficient = (1.0 / (norm + 1e-6)) * max_norm;
    if (!(coefficient >= 1.0)) /* true for a nan coefficient too */
        for (size_t t = 0; t < count; t++)
            for (size_t i = 0; i < params[t].size; i++)
                params[t].grad[i] *= coefficient;
    return norm;
    // END SOLUTION
    // STUB: (void)params; (void)count; (void)max_norm;
    // STUB: return -1.0; /* TODO: lesson section "Clipping by global norm" */
}
//< clip-by-norm

//> clip-by-value
void clip_grad_value(Parameter *params, size_t count, double clip_value)
{
    // BEGIN SOLUTION
    for (size_t t = 0; t < count; t++)
        for (size_t i = 0; i < params[t].size; i++) {
            double *g = &params[t].grad[i];
            if (*g > clip_value)
                *g = clip_value;
            else if (*g < -clip_value)
                *g = -clip_value;
        }
    // END SOLUTION
    // STUB: (void)params; (void)count; (void)clip_value;
    // STUB: /* TODO: lesson section "Clipping by value" */
}
//< clip-by-value

bool grads_all_finite(const Parameter *params, size_t count)
{
    // BEGIN SOLUTION
    for (size_t t = 0; t < count; t++)
        for (size_t i = 0; i < params[t].size; i++)
            if (!isfinite(params[t].grad[i]))
                return false;
    return true;
    // END SOLUTION
    // STUB: (void)params; (void)count;
    // STUB: return false; /* TODO: lesson section "Checking for nan and inf" */
}

double sgd_step_clipped(Parameter *params, size_t count, double lr,
                        double max_norm)
{
    // BEGIN SOLUTION
    double pre_clip_norm = clip_grad_norm(params, count, max_norm);
    for (size_t t = 0; t < count; t++)
        for (size_t i = 0; i < params[t].size; i++)
            params[t].value[i] -= lr * params[t].grad[i];
    return pre_clip_norm;
    // END SOLUTION
    // STUB: (void)params; (void)count; (void)lr; (void)max_norm;
    // STUB: return -1.0; /* TODO: lesson section "Where clipping goes" */
}

// BEGIN SOLUTION
/* The global norm of step k's gradient. */
static double step_grad_norm(const RunHistory *h, size_t k)
{
    double sum = 0.0;
    for (size_t j = 0; j < h->n_params; j++) {
        double g = h->grads[k * h->n_params + j];
        sum += g * g;
    }
    return sqrt(sum);
}

static bool step_is_finite(const RunHistory *h, size_t k)
{
    if (!isfinite(h->loss[k]))
        return false;
    for (size_t j = 0; j < h->n_params; j++)
        if (!isfinite(h->grads[k * h->n_params + j]))
            return false;
    return true;
}

//> diagnose-nonfinite
/* Rule 2: over the five steps before k, the norm grew by factors above 1
 * that differ by at most 2x. Two norms of 0 in a row make a factor 0/0,
 * nan, which is not above 1; fmin and fmax would skip it, so each factor
 * is compared with 1 on its own. */
static bool steady_growth(const RunHistory *h, size_t k)
{
    bool all_grew = true;
    double lowest = INFINITY, highest = 0.0;
    for (size_t i = k - 5; i < k; i++) {
        double factor = step_grad_norm(h, i) / step_grad_norm(h, i - 1);
        all_grew = all_grew && factor > 1.0;
        lowest = fmin(lowest, factor);
        highest = fmax(highest, factor);
    }
    return all_grew && highest <= 2.0 * lowest;
}

/* Rule 3: some step before k multiplied the norm by 100 or more. The
 * factor is divided out, as the rule writes it: a nan factor 0/0 is no
 * spike, where n_i >= 100·n_{i-1} would hold as 0 >= 0. */
static bool spike(const RunHistory *h, size_t k)
{
    for (size_t i = 1; i < k; i++)
        if (step_grad_norm(h, i) / step_grad_norm(h, i - 1) >= 100.0)
            return true;
    return false;
}

/* Rules 2 to 4, for a first non-finite step k > 0. */
static Cause nonfinite_cause(const RunHistory *h, size_t k)
{
    bool steady = k >= 6 && steady_growth(h, k);
    bool jumped = spike(h, k);
    if (steady)
        return CAUSE_LR_TOO_LARGE;
    if (jumped)
        return CAUSE_EXPLODING_GRADIENT;
    return CAUSE_INVALID_OPERATION;
}

//< diagnose-nonfinite

/* Rules 6 and 7: the lowest pushed parameter that never moved, or
 * h->n_params if there is none; *any_moved says whether any moved. */
static size_t unmoved_pushed(const RunHistory *h, bool *any_moved)
{
    size_t found = h->n_params;
    *any_moved = false;
    for (size_t j = 0; j < h->n_params; j++) {
        bool moved = false, pushed = false;
        for (size_t k = 0; k < h->rows; k++) {
            if (h->params[k * h->n_params + j] != h->params[j])
                moved = true;
            if (h->grads[k * h->n_params + j] != 0.0)
                pushed = true;
        }
        *any_moved = *any_moved || moved;
        if (!moved && pushed && found == h->n_params)
            found = j;
    }
    return found;
}

// END SOLUTION
//> diagnose
Diagnosis diagnose_run(const RunHistory *history)
{
    // BEGIN SOLUTION
    const RunHistory *h = history;
    for (size_t k = 0; k < h->rows; k++)
        if (!step_is_finite(h, k)) {
            Cause cause = k == 0 ? CAUSE_NONFINITE_AT_START : nonfinite_cause(h, k);
            return (Diagnosis){cause, k, 0};
        }
    if (h->rows < 2)
        return (Diagnosis){CAUSE_NONE, 0, 0};
    bool any_moved;
    size_t j = unmoved_pushed(h, &any_moved);
    if (j < h->n_params)
        return any_moved ? (Diagnosis){CAUSE_FROZEN_PARAMETER, 0, j}
                         : (Diagnosis){CAUSE_NO_STEP, 0, 0};
    size_t last = h->rows - 1;
    double first_norm = step_grad_norm(h, 0), last_norm = step_grad_norm(h, last);
    if (last_norm <= 1e-3 * first_norm && !isnan(h->baseline)) {
        if (h->loss[last] >= 0.99 * h->baseline)
            return (Diagnosis){CAUSE_AT_BASELINE, 0, 0};
        if (h->loss[last] > 0.1 * h->baseline)
            return (Diagnosis){CAUSE_CANNOT_REPRESENT, 0, 0};
    }
    if (last_norm > 0.5 * first_norm)
        return (Diagnosis){CAUSE_LR_TOO_SMALL, 0, 0};
    return (Diagnosis){CAUSE_NONE, 0, 0};
    // END SOLUTION
    // STUB: (void)history;
    // STUB: /* TODO: lesson section "A diagnosis from the run's history" */
    // STUB: return (Diagnosis){CAUSE_NONE, 0, 0};
}
//< diagnose
