/*
 * 05-gradient-clipping.c: Chapter 5, gradient clipping, and why losses
 * become nan.
 *
 * Trains a model with two parameters, w and b, by gradient descent on one
 * of three problems:
 *   recurrence  a linear recurrent cell run for T steps, whose gradient
 *               grows like w^T: a loss with a cliff, where one step can
 *               throw the parameters to infinity;
 *   linreg      chapter 1's line through noisy points;
 *   logistic    a logistic regression on points that a threshold separates.
 * Between the backward pass and the step, the gradient can be clipped by
 * its global norm (--clip-norm) or entry by entry (--clip-value), with
 * torch.nn.utils's semantics. The classic bugs behind a nan
 * loss or a loss that does not decrease can be put in on purpose (--bug),
 * and the program names the likely cause of a failed run from the run's
 * own history: the step where the loss stopped being finite, how the
 * gradient's norm grew before it, which parameters never moved. Every
 * lesson number and figure of chapter 5 comes from a run of this file.
 *
 * The clipping, the global norm and the diagnosis are chapter 5's graded
 * code (solutions/05-gradient-clipping.c, linked by make; make try CH=05
 * links yours); the regression is chapter 1's and the descent step
 * chapter 4's sgd_step; the training loop is the course's one loop,
 * lib/loop.c.
 *
 * Build: make (it links the solutions and lib/).
 * Run:
 *   build/bin/05-gradient-clipping --clip-norm 1
 *   build/bin/05-gradient-clipping --problem linreg --bug freeze-b --diagnose
 *   build/bin/05-gradient-clipping --help
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "04-optimizers.h"
#include "05-gradient-clipping.h"
#include "cli.h"
#include "clipping.h"
#include "dataset.h"
#include "loop.h"
#include "objective.h"
#include "output.h"
#include "problems.h"
#include "vec.h"

enum { PARAMS = 2 };         /* every model here has two parameters, w and b */
enum { MAX_LENGTH = 1000 };  /* the longest recurrence --length allows */
static const char *const param_names[PARAMS] = {"w", "b"};
static const char program[] = PROGRAM_NAME;

/* What a run trains: the objective (the forward and backward passes in one
 * call), and, to judge the run by, the loss of the best constant
 * prediction (the "baseline"). */
typedef struct {
    Objective objective;
    double baseline;
} Scenario;

/* ============================================================ recurrence */

/* The two training examples of the recurrence: inputs x = -1 and 1, with
 * targets from chapter 1's line, y = 2x + 1. */
enum { SEQUENCES = 2 };
static const double sequence_x[SEQUENCES] = {-1.0, 1.0};
static const double sequence_y[SEQUENCES] = {-1.0, 3.0};
/* Their baseline: the targets' mean is 1, and ((-1 - 1)² + (3 - 1)²)/2 = 4. */
#define RECURRENCE_BASELINE 4.0

//> recurrence
/* A linear recurrent cell run for T steps from the input: h_0 = x,
 * h_t = w·h_{t-1} + b, and the prediction is h_T. The loss is the mean of
 * (h_T - y)² over the two examples. The backward pass goes through time
 * in reverse, from dL/dh_T = 2(h_T - y)/2:
 *   dL/dw += dL/dh_t · h_{t-1}     dL/db += dL/dh_t
 *   dL/dh_{t-1} = dL/dh_t · w      (h_t depends on h_{t-1} through w)
 * so the signal that reaches step t has been multiplied by w, T - t
 * times: by w^(T-1) at the first step. */
static double recurrence_loss_grad(const double *theta, double *grad_out,
                                   const void *data)
{
    size_t length = *(const size_t *)data;
    double w = theta[0], b = theta[1];
    double loss = 0.0, grad[PARAMS] = {0.0, 0.0};
    for (size_t i = 0; i < SEQUENCES; i++) {
        double h[MAX_LENGTH + 1]; /* the states h_0 .. h_T */
        h[0] = sequence_x[i];
        for (size_t t = 1; t <= length; t++)
            h[t] = w * h[t - 1] + b;
        double residual = h[length] - sequence_y[i];
        loss += residual * residual / SEQUENCES;
        double grad_h = 2.0 * residual / SEQUENCES; /* dL/dh_T */
        for (size_t t = length; t >= 1; t--) {
            grad[0] += grad_h * h[t - 1];
            grad[1] += grad_h;
            grad_h *= w;
        }
    }
    if (grad_out)
        memcpy(grad_out, grad, sizeof grad);
    return loss;
}
//< recurrence

/* ======================================================= linear regression */

/* The right loss is chapter 1's mean squared error of the line w·x + b,
 * lib/problems.c's linreg_loss_grad (chapter 1's mse_loss and mse_grad). */

//> broadcast
/* The wrong target format (--bug broadcast): predictions of shape (N, 1)
 * compared with targets of shape (N). PyTorch's MSELoss broadcasts the two
 * to (N, N), with only a warning, and averages over every pair:
 *   L = (1/N²) Σ_i Σ_j (p_i - y_j)²,
 * whose gradient pulls every prediction toward the mean target, never
 * toward its own. */
static double broadcast_mse_loss_grad(const double *theta, double *grad,
                                      const void *data)
{
    const Dataset *ds = data;
    double w = theta[0], b = theta[1], n = (double)ds->n;
    double sum = 0.0, sum_rx = 0.0, sum_r = 0.0;
    for (size_t i = 0; i < ds->n; i++) {
        double prediction = w * ds->x[i] + b;
        for (size_t j = 0; j < ds->n; j++) {
            double residual = prediction - ds->y[j];
            sum += residual * residual;
            sum_rx += residual * ds->x[i];
            sum_r += residual;
        }
    }
    if (grad) {
        grad[0] = 2.0 * sum_rx / (n * n);
        grad[1] = 2.0 * sum_r / (n * n);
    }
    return sum / (n * n);
}
//< broadcast

/* ===================================================== logistic regression */

static double sigmoid(double z)
{
    return 1.0 / (1.0 + exp(-z)); /* exp(-z) = inf for z < -709.78 gives 0 */
}

//> bce
/* The mean binary cross-entropy of p_i = σ(w·x_i + b) against labels
 * y_i ∈ {0, 1}, ℓ = -[y·log p + (1 - y)·log(1 - p)], in two ways.
 * Stable (PyTorch's BCEWithLogitsLoss), from z = w·x + b directly:
 *   ℓ = max(z, 0) - z·y + log(1 + e^(-|z|)),
 * where e^(-|z|) is at most 1, so nothing overflows and no log sees 0.
 * Naive (--bug naive-bce), the formula as written: once z > 53·ln 2 ≈ 36.7,
 * e^(-z) < 2^-53 vanishes beside 1, σ(z) rounds to exactly 1, 1 - p is 0,
 * log(1 - p) = -inf, and the label's 0·(-inf) is nan. The gradient is the
 * same in both, dℓ/dz = σ(z) - y, and stays finite. */
static double bce_terms(double z, double y, bool naive)
{
    if (!naive)
        return fmax(z, 0.0) - z * y + log1p(exp(-fabs(z)));
    double p = sigmoid(z);
    return -(y * log(p) + (1.0 - y) * log(1.0 - p));
}

typedef struct {
    const Dataset *ds;
    bool naive;
} Logistic;

static double bce_loss_grad(const double *theta, double *grad,
                            const void *data)
{
    const Logistic *lg = data;
    const Dataset *ds = lg->ds;
    double w = theta[0], b = theta[1];
    double sum = 0.0, sum_dx = 0.0, sum_d = 0.0;
    for (size_t i = 0; i < ds->n; i++) {
        double z = w * ds->x[i] + b;
        sum += bce_terms(z, ds->y[i], lg->naive);
        double dz = sigmoid(z) - ds->y[i];
        sum_dx += dz * ds->x[i];
        sum_d += dz;
    }
    if (grad) {
        grad[0] = sum_dx / (double)ds->n;
        grad[1] = sum_d / (double)ds->n;
    }
    return sum / (double)ds->n;
}
//< bce

/* ================================================================ training */

/* The checklist's bugs, put in on purpose. */
typedef enum {
    BUG_NONE,
    BUG_NO_STEP,   /* the step is never taken: a forgotten optimizer.step() */
    BUG_FREEZE_W,  /* w is left out of the optimizer */
    BUG_FREEZE_B,  /* b is left out of the optimizer */
    BUG_BROADCAST, /* targets of the wrong shape (linreg) */
    BUG_NAIVE_BCE  /* the cross-entropy typed as written (logistic) */
} Bug;

typedef struct {
    double lr;
    size_t steps;
    Clipping clipping; /* before each step, as lib/clipping.h does it */
    Bug bug;
    bool record_nonfinite; /* write the first non-finite step too */
} TrainConfig;

/* Everything a run did, one row per step: the loss, the parameters and
 * the gradient before clipping, each row-major with PARAMS per row, as
 * chapter 5's RunHistory reads them. The baseline is the scenario's (the
 * loss of the best constant prediction). */
typedef struct {
    size_t rows, capacity;
    double *loss, *params, *grads;
    double baseline;
} History;

static bool history_alloc(History *h, size_t capacity, double baseline)
{
    *h = (History){.capacity = capacity, .baseline = baseline};
    h->loss = malloc(capacity * sizeof *h->loss);
    h->params = malloc(capacity * PARAMS * sizeof *h->params);
    h->grads = malloc(capacity * PARAMS * sizeof *h->grads);
    return h->loss && h->params && h->grads;
}

static void history_free(History *h)
{
    free(h->loss);
    free(h->params);
    free(h->grads);
    *h = (History){0};
}

/* The run as chapter 5's diagnose_run reads it. */
static RunHistory history_view(const History *h)
{
    return (RunHistory){.rows = h->rows, .n_params = PARAMS, .loss = h->loss,
                        .params = h->params, .grads = h->grads,
                        .baseline = h->baseline};
}

static void history_append(History *h, double loss, const double *theta,
                           const double *grad)
{
    h->loss[h->rows] = loss;
    memcpy(h->params + h->rows * PARAMS, theta, PARAMS * sizeof *theta);
    memcpy(h->grads + h->rows * PARAMS, grad, PARAMS * sizeof *grad);
    h->rows++;
}

/* The angle between two vectors of the plane, in degrees. atan2 of the
 * cross and dot products stays accurate near 0, where acos of a cosine
 * just below 1 would report a sizeable angle for two parallel vectors. */
static double angle_degrees(const double *a, const double *b)
{
    double cross = a[0] * b[1] - a[1] * b[0];
    double dot = a[0] * b[0] + a[1] * b[1];
    return atan2(fabs(cross), dot) * 180.0 / acos(-1.0);
}

/* A CSV row: step,loss,w,b,grad_w,grad_b,grad_norm,clipped_norm,angle,
 * where grad is the gradient before clipping and clipped the one the step
 * uses; the angle between them is the direction clipping changed. */
static void write_row(FILE *out, size_t step, double loss,
                      const double *theta, const double *grad,
                      const double *clipped)
{
    double row[8] = {loss, theta[0], theta[1], grad[0], grad[1],
                     vec_norm(grad, PARAMS), vec_norm(clipped, PARAMS),
                     angle_degrees(grad, clipped)};
    output_row(out, step, row, 8);
}

//> step
/* One step of gradient descent, θ ← θ - η·g: chapter 4's sgd_step with
 * momentum 0 (torch.optim.SGD's default), given the parameters the
 * optimizer holds. Two of the checklist's bugs live here: --bug no-step
 * never updates anything (the training loop forgot optimizer.step()),
 * and --bug freeze-w or freeze-b leaves w or b out of the optimizer, so
 * it keeps its value whatever its gradient. */
static void descent_step(double *theta, const double *grad, size_t n,
                         void *config)
{
    const TrainConfig *cfg = config;
    if (cfg->bug == BUG_NO_STEP)
        return;
    size_t first = 0, count = n; /* theta is (w, b) */
    if (cfg->bug == BUG_FREEZE_W)
        first = 1, count = n - 1;
    else if (cfg->bug == BUG_FREEZE_B)
        count = n - 1;
    SgdConfig sgd = {.lr = cfg->lr}; /* no momentum: no state to keep */
    SgdState state = {0};
    sgd_step(theta + first, grad + first, count, &sgd, &state);
}
//< step

/* What the training loop's hook and row callback share: the run's
 * settings, its history and output, and the gradient as it was before the
 * hook clipped it. */
typedef struct {
    const TrainConfig *cfg;
    History *history;
    FILE *out;
    double raw[PARAMS];
} Run;

//> clip-hook
/* lib/loop.h's hook: between the backward pass and the step, keep the
 * gradient as it came (for the history and the CSV), then clip it as
 * lib/clipping.h does, with chapter 5's clip_grad_norm or
 * clip_grad_value. */
static void clip_hook(double *grads, size_t n, size_t step, void *run)
{
    (void)step;
    Run *r = run;
    memcpy(r->raw, grads, n * sizeof *grads);
    clipping_apply(&r->cfg->clipping, grads, n);
}
//< clip-hook

/* lib/loop.h's row callback: the step into the history and the CSV. */
static bool record_row(size_t step, double loss, const double *theta,
                       const double *grads, size_t n, void *run)
{
    (void)n;
    Run *r = run;
    history_append(r->history, loss, theta, r->raw);
    write_row(r->out, step, loss, theta, r->raw, grads);
    return true;
}

//> train-loop
/* Trains from theta for cfg->steps steps through the course's loop, with
 * clipping as its hook. Every step goes into the history, the gradient as
 * it was before clipping, and into `out` as a row. At the first step whose
 * loss or gradient is not finite the loop stops: nothing after it could
 * mean anything. That step goes into the history too, and into `out` only
 * with cfg->record_nonfinite, for plotting a blow-up. */
static LoopStatus train(const Scenario *sc, const TrainConfig *cfg,
                        double *theta, History *history, FILE *out)
{
    Run run = {.cfg = cfg, .history = history, .out = out};
    Loop loop = {.steps = cfg->steps, .step = descent_step,
                 .optimizer = (void *)cfg, .hook = clip_hook,
                 .hook_ctx = &run, .row = record_row, .row_ctx = &run};
    double grad[PARAMS];
    LoopResult result = loop_run(&sc->objective, &loop, theta, grad);
    if (result.status == LOOP_DIVERGED) {
        history_append(history, result.loss, theta, grad);
        if (cfg->record_nonfinite)
            write_row(out, result.step, result.loss, theta, grad,
                      (const double[PARAMS]){NAN, NAN});
    }
    return result.status;
}
//< train-loop

/* ============================================================= diagnosis
 * The diagnosis is chapter 5's graded diagnose_run; what follows only puts
 * its verdict into words, with the run's numbers. */

/* The norm of step k's gradient (before clipping). */
static double history_grad_norm(const History *h, size_t k)
{
    return vec_norm(h->grads + k * PARAMS, PARAMS);
}

/* The step with the largest one-step growth of the gradient's norm before
 * step k, and that growth factor. */
static size_t largest_jump(const History *h, size_t k, double *factor)
{
    size_t at = 1;
    *factor = 0.0;
    for (size_t i = 1; i < k; i++) {
        double f = history_grad_norm(h, i) / history_grad_norm(h, i - 1);
        if (f > *factor) {
            *factor = f;
            at = i;
        }
    }
    return at;
}

/* Says what the diagnosis means for this run, with its numbers, on one
 * line of stderr. */
static void describe(const Diagnosis *d, const History *h, double lr)
{
    size_t last = h->rows - 1, k = d->step;
    double first_norm = history_grad_norm(h, 0);
    double last_norm = history_grad_norm(h, last);
    switch (d->cause) {
    case CAUSE_NONFINITE_AT_START:
        fprintf(stderr, "the loss is %g at the start, before any step: it "
                "cannot be computed at the initial parameters (an invalid "
                "operation such as log(0), or an overflow, in the loss; "
                "check its formula and --start)",
                output_plain_nan(h->loss[0]));
        break;
    case CAUSE_LR_TOO_LARGE: {
        double factor = history_grad_norm(h, k - 1) / history_grad_norm(h, k - 2);
        fprintf(stderr, "for the last %d steps the gradient's norm grew by a "
                "steady factor, about %.3g a step, to %.3g: --lr %g is too "
                "large, each step overshoots the minimum further than the "
                "last (divide --lr by 10)", 5, factor,
                history_grad_norm(h, k - 1), lr);
        break;
    }
    case CAUSE_EXPLODING_GRADIENT: {
        double factor;
        size_t at = largest_jump(h, k, &factor);
        fprintf(stderr, "at step %zu the gradient's norm jumped from %.3g to "
                "%.3g in one step", at, history_grad_norm(h, at - 1),
                history_grad_norm(h, at));
        if (isfinite(factor))
            fprintf(stderr, ", %.3g times larger", factor);
        fprintf(stderr, ": an exploding gradient (a cliff in the loss) threw "
                "the parameters far away (clip the gradient, for instance "
                "--clip-norm 1)");
        break;
    }
    case CAUSE_INVALID_OPERATION:
        fprintf(stderr, "the loss became %g although the parameters (w = %.4g, "
                "b = %.4g) and the gradient before it were finite and its norm "
                "(%.3g) was not growing: the loss computation itself failed, an "
                "invalid operation such as log(0), 0*inf or inf - inf (rewrite "
                "the loss in a stable form)", output_plain_nan(h->loss[k]),
                h->params[k * PARAMS],
                h->params[k * PARAMS + 1], history_grad_norm(h, k - 1));
        break;
    case CAUSE_NO_STEP:
        fprintf(stderr, "in %zu steps no parameter changed, although the "
                "gradient's norm was %.3g: the update is never made (is the "
                "optimizer's step called?)", last, first_norm);
        break;
    case CAUSE_FROZEN_PARAMETER:
        fprintf(stderr, "parameter %s never changed in %zu steps although its "
                "gradient was %.3g at the start, while the other parameters "
                "moved: it is frozen (left out of the optimizer, or not "
                "requiring a gradient)", param_names[d->param], last,
                h->grads[d->param]);
        break;
    case CAUSE_AT_BASELINE:
        fprintf(stderr, "the gradient has vanished (its norm fell from %.3g to "
                "%.3g) but the loss settled at %.6g, the loss of always "
                "predicting the mean target (%.6g): the model learned nothing "
                "from its inputs (check the targets' format and shape)",
                first_norm, last_norm, h->loss[last], h->baseline);
        break;
    case CAUSE_CANNOT_REPRESENT:
        fprintf(stderr, "the gradient has vanished (its norm fell from %.3g to "
                "%.3g) but the loss settled at %.4g, %.0f%% of the %.4g of "
                "always predicting the mean target: this is the best this "
                "model can do, it cannot represent the target (or the targets "
                "are that noisy)", first_norm, last_norm, h->loss[last],
                100.0 * h->loss[last] / h->baseline, h->baseline);
        break;
    case CAUSE_LR_TOO_SMALL:
        fprintf(stderr, "after %zu steps the gradient's norm is still %.0f%% of "
                "its start and the loss only fell from %.4g to %.4g: --lr %g "
                "is too small (multiply it by 10, or train longer)", last,
                100.0 * last_norm / first_norm, h->loss[0], h->loss[last], lr);
        break;
    case CAUSE_NONE:
        /* Only a diagnose_run that breaks its contract (make try with a
         * student's) gives no cause for a run that stopped being finite. */
        if (!isfinite(h->loss[last]) || !isfinite(last_norm)) {
            fprintf(stderr, "diagnose_run named no cause, yet the loss became "
                    "%g: a run that stops being finite always has one (rules "
                    "1 to 4 of its contract, exercises/05-gradient-clipping.h)",
                    output_plain_nan(h->loss[last]));
            break;
        }
        fprintf(stderr, "nothing wrong found: the loss fell from %.4g to %.4g "
                "and the gradient's norm from %.3g to %.3g", h->loss[0],
                h->loss[last], first_norm, last_norm);
        break;
    }
}

/* ==================================================================== main */

static const char *const scenario_names[] = {"recurrence", "linreg",
                                            "logistic", NULL};
static const char *const bug_names[] = {"none",      "no-step",  "freeze-w",
                                        "freeze-b",  "broadcast", "naive-bce",
                                        NULL};
static const char *const target_names[] = {"line", "curve", NULL};
static const char *const nonfinite_names[] = {"stop", "record", NULL};

typedef struct {
    const char *problem, *bug, *target, *nonfinite, *out;
    double lr;
    Clipping clipping;
    size_t steps, length;
    uint64_t seed;
    bool diagnose;
    DoubleList start;
} Settings;

static const char usage[] =
    PROGRAM_NAME ": chapter 5, gradient clipping, and why losses\n"
    "become nan.\n"
    "\n"
    "Gradient descent on a model with parameters (w, b), on one of:\n"
    "  recurrence  h_0 = x, h_t = w h_{t-1} + b for t = 1..T (T = --length),\n"
    "              prediction h_T, mean squared error over x = -1, 1 with\n"
    "              targets y = 2x + 1. In closed form\n"
    "              L = (w^T - 2)^2 + (b S(w) - 1)^2, S(w) = 1 + w + ... + w^(T-1),\n"
    "              minimum 0 at w = 2^(1/T), b = w - 1\n"
    "  linreg      chapter 1's line: mean (w x_i + b - y_i)^2 over 100 points,\n"
    "              x_i evenly spaced on [-2, 2], y_i = 2 x_i + 1 + 0.1 N(0,1)\n"
    "              (--target curve: y_i = x_i^2 + 2 x_i + 1 + the same noise)\n"
    "  logistic    mean binary cross-entropy of sigmoid(w x_i + b) against\n"
    "              y_i = 1 if x_i > 0 else 0, the same 100 x_i\n"
    "Each step: the loss and gradient g; clipping, as torch.nn.utils does:\n"
    CLIPPING_USAGE
    "then (w, b) <- (w, b) - lr g. --bug puts in a classic mistake:\n"
    "  no-step    the update is never made (a forgotten optimizer step)\n"
    "  freeze-w   w is never updated (left out of the optimizer);\n"
    "  freeze-b   the same for b\n"
    "  broadcast  (linreg) every prediction compared with every target\n"
    "  naive-bce  (logistic) the cross-entropy as written, from p = sigmoid\n"
    "Output (CSV on stdout or --out, with a header line):\n"
    "  step,loss,w,b,grad_w,grad_b,grad_norm,clipped_norm,angle\n"
    "  for steps 0 (the start) to N: grad is the gradient before clipping,\n"
    "  clipped_norm the norm after, angle the degrees clipping turned it by.\n"
    "A loss or gradient that stops being finite ends the run, and the\n"
    "likely cause, named from the run's history, goes to stderr (with\n"
    "--nonfinite record only under --diagnose, which also judges runs that\n"
    "did not fail).\n"
    "Exit status: 0 done; 1 the loss became inf or nan (the rows before it\n"
    "are kept), memory ran out, or a file could not be written; 2 bad input.";

/* Flags that do not apply to the chosen problem are refused rather than
 * ignored, so that a typo in a script cannot go unnoticed. */
static CliStatus check_combinations(Cli *cli, const Settings *s)
{
    bool linreg = strcmp(s->problem, "linreg") == 0;
    bool logistic = strcmp(s->problem, "logistic") == 0;
    if (!linreg && strcmp(s->bug, "broadcast") == 0)
        return cli_reject(cli, "bug", s->bug,
                          "applies only to --problem linreg");
    if (!logistic && strcmp(s->bug, "naive-bce") == 0)
        return cli_reject(cli, "bug", s->bug,
                          "applies only to --problem logistic");
    if (clipping_flags_check(cli) != CLI_RUN)
        return CLI_BAD_INPUT;
    if (cli_given(cli, "start") && s->start.count != PARAMS)
        return cli_reject(cli, "start", NULL, "needs two numbers: w,b");
    return CLI_RUN;
}

/* The mean of (y - mean y)², the loss of predicting the mean everywhere. */
static double variance(const double *y, size_t n)
{
    double mean = 0.0, sum = 0.0;
    for (size_t i = 0; i < n; i++)
        mean += y[i] / (double)n;
    for (size_t i = 0; i < n; i++)
        sum += (y[i] - mean) * (y[i] - mean);
    return sum / (double)n;
}

/* The cross-entropy of predicting the share of 1 labels, p̄, everywhere:
 * -(p̄ log p̄ + (1 - p̄) log(1 - p̄)), the best a constant can do. */
static double base_rate_entropy(const double *y, size_t n)
{
    double share = 0.0;
    for (size_t i = 0; i < n; i++)
        share += y[i] / (double)n;
    if (share <= 0.0 || share >= 1.0)
        return 0.0;
    return -(share * log(share) + (1.0 - share) * log(1.0 - share));
}

static int run(const Settings *s, const Scenario *sc, const TrainConfig *cfg,
               double *theta)
{
    History history;
    if (!history_alloc(&history, cfg->steps + 1, sc->baseline)) {
        history_free(&history);
        fprintf(stderr, "%s: out of memory for a history of --steps %zu\n",
                program, cfg->steps);
        return EXIT_FAILURE;
    }
    Output out;
    if (!output_open(&out, program, "--out", s->out)) {
        history_free(&history);
        return EXIT_FAILURE;
    }
    fputs("step,loss,w,b,grad_w,grad_b,grad_norm,clipped_norm,angle\n",
          out.file);
    LoopStatus status = train(sc, cfg, theta, &history, out.file);
    bool failed = status == LOOP_DIVERGED && !cfg->record_nonfinite;
    if (failed || s->diagnose) {
        RunHistory view = history_view(&history);
        Diagnosis d = diagnose_run(&view);
        fprintf(stderr, "%s: %s", program, failed ? "" : "diagnosis: ");
        if (status == LOOP_DIVERGED) /* (its last row: the step itself,
                                        whatever a student's diagnosis says) */
            fprintf(stderr, "the loss stopped being a finite number at step "
                    "%zu: ", history.rows - 1);
        describe(&d, &history, cfg->lr);
        fputc('\n', stderr);
    }
    history_free(&history);
    if (!output_commit(&out, program))
        return EXIT_FAILURE;
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
    Settings s = {.problem = "recurrence", .bug = "none", .target = "line",
                  .nonfinite = "stop", .lr = 0.002, .steps = 300,
                  .length = 10, .seed = 1};
    Flag flags[] = {
        {.name = "problem", .kind = FLAG_CHOICE, .value = &s.problem,
         .help = "what to train", .choices = scenario_names},
        {.name = "lr", .kind = FLAG_DOUBLE, .value = &s.lr,
         .help = "learning rate", .min = 0, .min_exclusive = true,
         .max = 1e6,
         .default_text = "0.002 recurrence, 0.05 linreg, 5 logistic"},
        {.name = "steps", .kind = FLAG_COUNT, .value = &s.steps,
         .help = "gradient steps (the run is kept in memory)", .min = 0,
         .max = 1e6,
         .default_text = "300 recurrence, 200 linreg, 2000 logistic"},
        {.name = "start", .kind = FLAG_LIST, .value = &s.start,
         .help = "starting point w,b",
         .default_text = "recurrence 1.5,0; linreg chapter 1's random "
                         "start; logistic 0,0"},
        {.name = "length", .kind = FLAG_COUNT, .value = &s.length,
         .help = "steps T of the recurrence", .min = 1, .max = MAX_LENGTH,
         .scope = "problem=recurrence"},
        CLIPPING_FLAGS(&s.clipping, ""),
        {.name = "bug", .kind = FLAG_CHOICE, .value = &s.bug,
         .help = "a classic mistake to put in", .choices = bug_names},
        {.name = "target", .kind = FLAG_CHOICE, .value = &s.target,
         .help = "the targets' shape (linreg)", .choices = target_names,
         .scope = "problem=linreg"},
        {.name = "seed", .kind = FLAG_SEED, .value = &s.seed,
         .help = "random seed for the data and the start (linreg)",
         .scope = "problem=linreg"},
        {.name = "nonfinite", .kind = FLAG_CHOICE, .value = &s.nonfinite,
         .help = "at a non-finite loss: stop with exit status 1, or record "
                 "that step as a row and stop with status 0",
         .choices = nonfinite_names},
        {.name = "diagnose", .kind = FLAG_SWITCH, .value = &s.diagnose,
         .help = "name the likely cause of a failed run on stderr, even "
                 "when nothing became nan"},
        CLI_OUT_FLAG(&s.out),
    };
    Cli cli = {.program = program, .usage = usage, CLI_TABLE(flags)};
    int exit_status;
    if (!cli_start(&cli, argc, argv, &exit_status))
        return exit_status;
    if (check_combinations(&cli, &s) != CLI_RUN)
        return EXIT_BAD_INPUT;

    TrainConfig cfg = {.lr = s.lr, .steps = s.steps,
                       .bug = (Bug)cli_choice_index(bug_names, s.bug),
                       .clipping = s.clipping,
                       .record_nonfinite = strcmp(s.nonfinite, "record") == 0};
    double theta[PARAMS] = {1.5, 0.0};
    Scenario sc = {{PARAMS, recurrence_loss_grad, &s.length},
                   RECURRENCE_BASELINE};
    Dataset ds = {0};
    Logistic logistic = {&ds, cfg.bug == BUG_NAIVE_BCE};
    if (strcmp(s.problem, "recurrence") != 0) {
        /* Chapter 1's 100 points and its random start, drawn in its
         * order (lib/problems.c); the logistic problem takes the same x
         * with no noise, and starts at 0. */
        bool linreg = strcmp(s.problem, "linreg") == 0;
        double line_start[PARAMS];
        if (!problem_line_data(&ds, 100, linreg ? 0.1 : 0.0, s.seed,
                               line_start)) {
            fprintf(stderr, "%s: out of memory for the dataset\n", program);
            return EXIT_FAILURE;
        }
        if (linreg) {
            /* The curve adds x² to the very same points. */
            memcpy(theta, line_start, sizeof theta);
            if (strcmp(s.target, "curve") == 0)
                for (size_t i = 0; i < ds.n; i++)
                    ds.y[i] += ds.x[i] * ds.x[i];
            sc = (Scenario){{PARAMS, cfg.bug == BUG_BROADCAST
                                         ? broadcast_mse_loss_grad
                                         : linreg_loss_grad, &ds},
                            variance(ds.y, ds.n)};
        } else {
            for (size_t i = 0; i < ds.n; i++)
                ds.y[i] = ds.x[i] > 0.0 ? 1.0 : 0.0;
            sc = (Scenario){{PARAMS, bce_loss_grad, &logistic},
                            base_rate_entropy(ds.y, ds.n)};
            theta[0] = theta[1] = 0.0;
        }
        /* The lesson's reference settings for the problem, unless given. */
        if (!cli_given(&cli, "lr"))
            cfg.lr = linreg ? 0.05 : 5.0;
        if (!cli_given(&cli, "steps"))
            cfg.steps = linreg ? 200 : 2000;
    }
    if (s.start.count)
        memcpy(theta, s.start.values, sizeof theta);
    int status = run(&s, &sc, &cfg, theta);
    dataset_free(&ds);
    return status;
}
