/*
 * 05-gradient-clipping.h: the exercises of chapter 5, gradient clipping,
 * and why losses become nan.
 *
 * You write these functions in exercises/05-gradient-clipping.c; `make
 * check CH=05` grades them. Each comment below is the contract your
 * function must keep; the lesson, chapters/05-gradient-clipping.md,
 * explains the ideas, and the section named in each comment is the one to
 * read first.
 *
 * Conventions. A model's parameters come in several tensors (a weight
 * matrix, a bias vector, ...), each a flat array of doubles with the
 * gradient beside it, as PyTorch's model.parameters() gives them. A
 * function that takes `const Parameter *params, size_t count` looks at all
 * `count` tensors, and at exactly params[t].size numbers of each; the
 * arrays belong to the caller. Clipping works on the gradients only, never
 * on the values.
 */
#ifndef EXERCISES_05_GRADIENT_CLIPPING_H
#define EXERCISES_05_GRADIENT_CLIPPING_H

#include <stdbool.h>
#include <stddef.h>

/* One parameter tensor: `size` values and their gradient. */
typedef struct {
    double *value; /* size numbers: the parameters */
    double *grad;  /* size numbers: dL/dvalue, from the backward pass */
    size_t size;   /* may be 0 */
} Parameter;

/* ----------------------------- lesson: "Clipping by global norm" */

/* The L2 norm of the whole gradient, every entry of every tensor taken as
 * one vector: sqrt(Σ_t Σ_i grad_t[i]²), the squares summed in doubles as
 * torch sums them, so entries whose squares overflow (1e200) give inf, as
 * torch's norm does. 0 when there are no entries. */
double grad_global_norm(const Parameter *params, size_t count);

/* Clips the gradient by its global norm, in place, with the semantics of
 * torch.nn.utils.clip_grad_norm_: with n = grad_global_norm(params, count)
 * and c = max_norm / (n + 1e-6), every gradient entry of every tensor is
 * multiplied by c unless c >= 1, in which case nothing changes. So a nan
 * anywhere in the gradient makes n and c nan, and every entry becomes nan,
 * as torch's does: clipping must not hide a broken gradient. Returns n,
 * the norm before clipping. max_norm > 0. An inf norm with a finite
 * max_norm gives c = 0: finite entries become 0 and inf ones nan (0·inf).
 * max_norm = INFINITY never clips a finite norm, and makes every entry nan
 * when the norm is inf or nan (c = inf/inf or nan), as torch does. */
double clip_grad_norm(Parameter *params, size_t count, double max_norm);

/* ----------------------------------- lesson: "Clipping by value" */

/* Clips the gradient entry by entry, in place, as
 * torch.nn.utils.clip_grad_value_: an entry above clip_value becomes
 * clip_value, one below -clip_value becomes -clip_value (so +inf and -inf
 * become the bounds), and the rest stay. A nan stays nan, as with
 * torch.clamp: clipping must not turn a broken gradient into a usable
 * one. clip_value > 0. */
void clip_grad_value(Parameter *params, size_t count, double clip_value);

/* ------------------------------- lesson: "Checking for nan and inf" */

/* True when every gradient entry of every tensor is a finite number: no
 * nan, no +inf, no -inf. True when there are no entries. */
bool grads_all_finite(const Parameter *params, size_t count);

/* ---------------------------------- lesson: "Where clipping goes" */

/* One step of gradient descent with the gradient clipped first: clips the
 * gradients in place exactly as clip_grad_norm(params, count, max_norm)
 * does, then moves every value against its (clipped) gradient,
 * value[i] ← value[i] - lr·grad[i]. Returns the gradient's global norm
 * before clipping, which a training loop logs. The gradients are left
 * clipped, as torch leaves .grad after clip_grad_norm_. */
double sgd_step_clipped(Parameter *params, size_t count, double lr,
                        double max_norm);

/* ---------------------- lesson: "A diagnosis from the run's history" */

/* Everything a training run recorded, one row per step: step k's loss,
 * its parameters (before step k's update) and its gradient (before any
 * clipping). A run that stopped at a non-finite step has that step as
 * its last row. */
typedef struct {
    size_t rows;          /* steps recorded, 0 .. rows - 1; at least 1 */
    size_t n_params;      /* numbers per row of params and grads; at least 1 */
    const double *loss;   /* rows losses */
    const double *params; /* rows × n_params, row-major: step k's row is
                             params[k·n_params .. k·n_params + n_params - 1] */
    const double *grads;  /* rows × n_params, the same layout */
    double baseline;      /* the loss of the best constant prediction (the
                             mean target), or NAN when unknown */
} RunHistory;

/* The causes diagnose_run can name. */
typedef enum {
    CAUSE_NONE,               /* nothing wrong found */
    CAUSE_NONFINITE_AT_START, /* not finite before any step */
    CAUSE_LR_TOO_LARGE,       /* steady growth, then not finite */
    CAUSE_EXPLODING_GRADIENT, /* a sudden jump, then not finite */
    CAUSE_INVALID_OPERATION,  /* not finite, with nothing growing */
    CAUSE_NO_STEP,            /* no parameter ever moved */
    CAUSE_FROZEN_PARAMETER,   /* a pushed parameter never moved */
    CAUSE_AT_BASELINE,        /* converged at the baseline: wrong targets */
    CAUSE_CANNOT_REPRESENT,   /* converged, far above zero */
    CAUSE_LR_TOO_SMALL        /* the gradient has hardly shrunk */
} Cause;

typedef struct {
    Cause cause;
    size_t step;  /* k*, the first non-finite step, for the four causes
                     NONFINITE_AT_START to INVALID_OPERATION; else 0 */
    size_t param; /* the parameter's index for CAUSE_FROZEN_PARAMETER (the
                     lowest, if several); 0 otherwise */
} Diagnosis;

/* Names the likely cause of a failed run from its history, with these
 * rules, checked in this order. Write n_k for the global L2 norm of step
 * k's gradient, and k* for the first step whose loss or any gradient
 * entry is not finite (nan, +inf or -inf).
 *   If there is such a step:
 *   1. k* = 0: CAUSE_NONFINITE_AT_START.
 *   2. k* ≥ 6, and the five growth factors n_k / n_{k-1} for
 *      k = k*-5 .. k*-1 are all above 1, the largest at most twice the
 *      smallest: CAUSE_LR_TOO_LARGE (steady growth).
 *   3. Some factor n_k / n_{k-1} with 1 ≤ k < k* is at least 100:
 *      CAUSE_EXPLODING_GRADIENT (a spike).
 *   4. Otherwise CAUSE_INVALID_OPERATION.
 *   In these four, .step = k*. If every step is finite:
 *   5. With a single row, CAUSE_NONE. Call parameter j "moved" if its
 *      value at some step differs from its value at step 0, and "pushed"
 *      if its gradient was nonzero at some step.
 *   6. No parameter moved, and some was pushed: CAUSE_NO_STEP.
 *   7. Some moved, and some other was pushed but never moved:
 *      CAUSE_FROZEN_PARAMETER, .param = the lowest such index.
 *   8. If n_last ≤ 1e-3 · n_0 (converged) and the baseline is not nan:
 *      loss_last ≥ 0.99 · baseline gives CAUSE_AT_BASELINE, and
 *      loss_last > 0.1 · baseline gives CAUSE_CANNOT_REPRESENT.
 *   9. n_last > 0.5 · n_0: CAUSE_LR_TOO_SMALL.
 *  10. Otherwise CAUSE_NONE.
 * (n_last and loss_last are those of the last row.) Reads only. */
Diagnosis diagnose_run(const RunHistory *history);

#endif
