/*
 * 04-optimizers.c: Chapter 4, optimizers.
 *
 * Minimises a two-parameter loss with one of six update rules, each written
 * to match torch.optim's documented algorithm and defaults in double
 * precision (Lion, which torch.optim lacks, follows Chen et al., 2023):
 *   sgd      SGD with momentum, dampening, Nesterov momentum, weight decay
 *   adam     Adam (with AMSGrad and L2 weight decay)
 *   adamw    AdamW: Adam with decoupled weight decay
 *   rmsprop  RMSprop (with momentum, centering, weight decay)
 *   adagrad  Adagrad (with learning-rate decay, initial accumulator)
 *   lion     Lion: the sign of an interpolated momentum
 * on one of four problems: an ill-conditioned quadratic, Rosenbrock's
 * valley, Himmelblau's four minima, and chapter 1's regression line.
 * --clip-norm or --clip-value clips the gradient before every step, as
 * torch.nn.utils does (lib/clip.c; chapter 5).
 * It prints the trajectory as CSV, step,loss,x,y, from step 0 (the start)
 * to step N. Two more modes run the lesson's experiments:
 *   --experiment conditioning  steps to reach a loss of 1e-6 on
 *                              diag(1, κ) for gradient descent and
 *                              heavy-ball momentum, each at its best setting
 *   --experiment lr-sweep      final loss against the learning rate for
 *                              every optimizer on one problem
 *   --experiment tuned         each optimizer's best learning rate from
 *                              that sweep, and the loss it reaches
 * Every lesson number and figure of chapter 4 comes from a run of this file.
 *
 * Build (make does this):
 *   cc -std=c11 -O2 -ffp-contract=off -Ilib chapters/04-optimizers.c \
 *      lib/cli.c lib/clip.c lib/dataset.c lib/output.c lib/rng.c -lm \
 *      -o 04-optimizers
 * Run:
 *   build/bin/04-optimizers --problem rosenbrock --optimizer adam --lr 0.01
 *   build/bin/04-optimizers --help
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clip.h"
#include "dataset.h"
#include "output.h"
#include "rng.h"

enum { DIM = 2 }; /* every problem here has two parameters, (x, y) */

/* ================================================================ problems */

/* A problem is a loss and its gradient over θ = (x, y); data points at
 * whatever else the loss needs (the condition number, the dataset). */
typedef struct {
    double (*loss)(const double *theta, const void *data);
    void (*grad)(const double *theta, const void *data, double *grad);
    const void *data;
} Problem;

//> problems
/* f = (x² + κ·y²)/2: a bowl whose curvature is 1 along x and κ along y,
 * so κ is the Hessian's condition number. Minimum 0 at (0, 0). */
static double quadratic_loss(const double *t, const void *data)
{
    double kappa = *(const double *)data;
    return 0.5 * (t[0] * t[0] + kappa * t[1] * t[1]);
}

static void quadratic_grad(const double *t, const void *data, double *g)
{
    double kappa = *(const double *)data;
    g[0] = t[0];
    g[1] = kappa * t[1];
}

/* f = (1 - x)² + 100·(y - x²)²: a curved, narrow valley along y = x²
 * with its minimum 0 at (1, 1). */
static double rosenbrock_loss(const double *t, const void *unused)
{
    (void)unused;
    double a = 1.0 - t[0], b = t[1] - t[0] * t[0];
    return a * a + 100.0 * b * b;
}

static void rosenbrock_grad(const double *t, const void *unused, double *g)
{
    (void)unused;
    double b = t[1] - t[0] * t[0];
    g[0] = -2.0 * (1.0 - t[0]) - 400.0 * t[0] * b;
    g[1] = 200.0 * b;
}

/* f = (x² + y - 11)² + (x + y² - 7)²: four minima of value 0, one of them
 * at (3, 2). */
static double himmelblau_loss(const double *t, const void *unused)
{
    (void)unused;
    double a = t[0] * t[0] + t[1] - 11.0, b = t[0] + t[1] * t[1] - 7.0;
    return a * a + b * b;
}

static void himmelblau_grad(const double *t, const void *unused, double *g)
{
    (void)unused;
    double a = t[0] * t[0] + t[1] - 11.0, b = t[0] + t[1] * t[1] - 7.0;
    g[0] = 4.0 * t[0] * a + 2.0 * b;
    g[1] = 2.0 * a + 4.0 * t[1] * b;
}
//< problems

/* Chapter 1's regression: the mean squared error of the line x·u + y over
 * the dataset's points (u_i, v_i); here the slope is called x and the
 * intercept y, so that every problem writes the same columns. */
static double linreg_loss(const double *t, const void *data)
{
    const Dataset *ds = data;
    double sum = 0.0;
    for (size_t i = 0; i < ds->n; i++) {
        double residual = t[0] * ds->x[i] + t[1] - ds->y[i];
        sum += residual * residual;
    }
    return sum / (double)ds->n;
}

static void linreg_grad(const double *t, const void *data, double *g)
{
    const Dataset *ds = data;
    double sum_rx = 0.0, sum_r = 0.0;
    for (size_t i = 0; i < ds->n; i++) {
        double residual = t[0] * ds->x[i] + t[1] - ds->y[i];
        sum_rx += residual * ds->x[i];
        sum_r += residual;
    }
    g[0] = 2.0 * sum_rx / (double)ds->n;
    g[1] = 2.0 * sum_r / (double)ds->n;
}

/* ============================================================= optimizers
 * Each optimizer is a config (its hyperparameters, named as in torch.optim),
 * a state (what it remembers between steps, zero-initialised), and a step
 * that reads the gradient and updates the parameters in place. The
 * per-step scalars (bias corrections, the decayed learning rate) are
 * computed once, outside the loop over parameters. */

//> sgd
/* torch.optim.SGD. With weight decay λ, momentum μ and dampening τ:
 *   g ← g + λθ
 *   b ← g on the first step, else μb + (1 - τ)g
 *   d ← g + μb (Nesterov) or b (heavy ball); without momentum d ← g
 *   θ ← θ - η·d                                                          */
typedef struct {
    double lr, momentum, dampening, weight_decay;
    bool nesterov;
} SgdConfig;

typedef struct {
    double momentum_buffer[DIM];
    size_t step; /* steps taken so far */
} SgdState;

static void sgd_step(double *params, const double *grads, size_t n,
                     const SgdConfig *cfg, SgdState *state)
{
    for (size_t i = 0; i < n; i++) {
        double g = grads[i] + cfg->weight_decay * params[i];
        if (cfg->momentum != 0.0) {
            double *b = &state->momentum_buffer[i];
            if (state->step == 0)
                *b = g; /* no dampening on the first step */
            else
                *b = cfg->momentum * *b + (1.0 - cfg->dampening) * g;
            g = cfg->nesterov ? g + cfg->momentum * *b : *b;
        }
        params[i] -= cfg->lr * g;
    }
    state->step++;
}
//< sgd

//> adam
/* torch.optim.Adam (Kingma and Ba, 2015; AMSGrad: Reddi et al., 2018).
 * At step t = 1, 2, ...:
 *   g ← g + λθ                       (L2: the decay joins the gradient)
 *   m ← β1·m + (1 - β1)·g            v ← β2·v + (1 - β2)·g²
 *   v_max ← max(v_max, v)            (AMSGrad only; then v_max replaces v)
 *   θ ← θ - η/(1 - β1^t) · m / (√v / √(1 - β2^t) + ε)                    */
typedef struct {
    double lr, beta1, beta2, eps, weight_decay;
    bool amsgrad;
} AdamConfig;

typedef struct {
    double exp_avg[DIM], exp_avg_sq[DIM], max_exp_avg_sq[DIM];
    size_t step;
} AdamState;

/* The moment updates and the step that Adam and AdamW share; g already
 * includes Adam's L2 term when there is one. */
static void adam_update(double *params, const double *g, size_t n,
                        const AdamConfig *cfg, AdamState *state)
{
    state->step++;
    double t = (double)state->step;
    double bias_correction1 = 1.0 - pow(cfg->beta1, t);
    double bias_correction2_sqrt = sqrt(1.0 - pow(cfg->beta2, t));
    double step_size = cfg->lr / bias_correction1;
    for (size_t i = 0; i < n; i++) {
        double *m = &state->exp_avg[i], *v = &state->exp_avg_sq[i];
        *m = cfg->beta1 * *m + (1.0 - cfg->beta1) * g[i];
        *v = cfg->beta2 * *v + (1.0 - cfg->beta2) * g[i] * g[i];
        double second = *v;
        if (cfg->amsgrad) {
            double *v_max = &state->max_exp_avg_sq[i];
            *v_max = fmax(*v_max, *v);
            second = *v_max;
        }
        double denom = sqrt(second) / bias_correction2_sqrt + cfg->eps;
        params[i] -= step_size * *m / denom;
    }
}

static void adam_step(double *params, const double *grads, size_t n,
                      const AdamConfig *cfg, AdamState *state)
{
    double g[DIM];
    for (size_t i = 0; i < n; i++)
        g[i] = grads[i] + cfg->weight_decay * params[i];
    adam_update(params, g, n, cfg, state);
}
//< adam

//> adamw
/* torch.optim.AdamW (Loshchilov and Hutter, 2019): the same moments, but
 * weight decay shrinks the weights directly, before the Adam step, instead
 * of joining the gradient:   θ ← θ·(1 - ηλ), then Adam's step without λ.
 * With L2 (Adam above) the decay term is divided by √v like the rest of
 * the gradient, so weights with large gradients are barely decayed;
 * decoupled, every weight shrinks by the same factor. */
typedef AdamConfig AdamWConfig; /* same settings; λ means something else */

static void adamw_step(double *params, const double *grads, size_t n,
                       const AdamWConfig *cfg, AdamState *state)
{
    for (size_t i = 0; i < n; i++)
        params[i] *= 1.0 - cfg->lr * cfg->weight_decay;
    adam_update(params, grads, n, cfg, state);
}
//< adamw

//> rmsprop
/* torch.optim.RMSprop (Hinton's lecture 6e, 2012; centering: Graves, 2013):
 *   g ← g + λθ
 *   s ← α·s + (1 - α)·g²             a ← α·a + (1 - α)·g   (centered)
 *   r ← √s + ε, or √(s - a²) + ε when centered
 *   b ← μb + g/r, θ ← θ - η·b (momentum μ > 0); else θ ← θ - η·g/r       */
typedef struct {
    double lr, alpha, eps, weight_decay, momentum;
    bool centered;
} RmspropConfig;

typedef struct {
    double square_avg[DIM], grad_avg[DIM], momentum_buffer[DIM];
    size_t step;
} RmspropState;

static void rmsprop_step(double *params, const double *grads, size_t n,
                         const RmspropConfig *cfg, RmspropState *state)
{
    for (size_t i = 0; i < n; i++) {
        double g = grads[i] + cfg->weight_decay * params[i];
        double *s = &state->square_avg[i];
        *s = cfg->alpha * *s + (1.0 - cfg->alpha) * g * g;
        double mean_square = *s;
        if (cfg->centered) {
            double *a = &state->grad_avg[i];
            *a = cfg->alpha * *a + (1.0 - cfg->alpha) * g;
            mean_square = *s - *a * *a; /* the variance of g */
        }
        double rms = sqrt(mean_square) + cfg->eps;
        if (cfg->momentum > 0.0) {
            double *b = &state->momentum_buffer[i];
            *b = cfg->momentum * *b + g / rms;
            params[i] -= cfg->lr * *b;
        } else {
            params[i] -= cfg->lr * g / rms;
        }
    }
    state->step++;
}
//< rmsprop

//> adagrad
/* torch.optim.Adagrad (Duchi, Hazan and Singer, 2011). The accumulator
 * starts at initial_accumulator_value; at step t = 1, 2, ...:
 *   g ← g + λθ      η_t ← η / (1 + (t - 1)·lr_decay)
 *   s ← s + g²      θ ← θ - η_t · g / (√s + ε)                            */
typedef struct {
    double lr, lr_decay, weight_decay, initial_accumulator_value, eps;
} AdagradConfig;

typedef struct {
    double sum[DIM];
    size_t step;
} AdagradState;

static void adagrad_step(double *params, const double *grads, size_t n,
                         const AdagradConfig *cfg, AdagradState *state)
{
    if (state->step == 0)
        for (size_t i = 0; i < n; i++)
            state->sum[i] = cfg->initial_accumulator_value;
    state->step++;
    double clr = cfg->lr / (1.0 + (double)(state->step - 1) * cfg->lr_decay);
    for (size_t i = 0; i < n; i++) {
        double g = grads[i] + cfg->weight_decay * params[i];
        state->sum[i] += g * g;
        double std = sqrt(state->sum[i]) + cfg->eps;
        params[i] -= clr * g / std;
    }
}
//< adagrad

//> lion
/* Lion (Chen et al., "Symbolic Discovery of Optimization Algorithms",
 * 2023, Algorithm 2). Not in torch.optim; the common PyTorch version is
 * lucidrains' lion-pytorch, whose defaults (η = 1e-4, λ = 0) are used here.
 *   c ← β1·m + (1 - β1)·g
 *   θ ← θ·(1 - ηλ) - η·sign(c)
 *   m ← β2·m + (1 - β2)·g        (after c: two different betas)          */
typedef struct {
    double lr, beta1, beta2, weight_decay;
} LionConfig;

typedef struct {
    double exp_avg[DIM];
    size_t step;
} LionState;

static double sign(double v)
{
    return (double)((v > 0.0) - (v < 0.0)); /* sign(0) = 0, as torch.sign */
}

static void lion_step(double *params, const double *grads, size_t n,
                      const LionConfig *cfg, LionState *state)
{
    for (size_t i = 0; i < n; i++) {
        double *m = &state->exp_avg[i];
        double c = cfg->beta1 * *m + (1.0 - cfg->beta1) * grads[i];
        params[i] *= 1.0 - cfg->lr * cfg->weight_decay;
        params[i] -= cfg->lr * sign(c);
        *m = cfg->beta2 * *m + (1.0 - cfg->beta2) * grads[i];
    }
    state->step++;
}
//< lion

/* One optimizer of any kind: which one, its settings, its state. */
typedef enum { SGD, ADAM, ADAMW, RMSPROP, ADAGRAD, LION } OptimizerKind;

typedef struct {
    OptimizerKind kind;
    SgdConfig sgd;
    AdamConfig adam; /* Adam and AdamW */
    RmspropConfig rmsprop;
    AdagradConfig adagrad;
    LionConfig lion;
} OptimizerConfig;

typedef struct {
    SgdState sgd;
    AdamState adam;
    RmspropState rmsprop;
    AdagradState adagrad;
    LionState lion;
} OptimizerState;

static void optimizer_step(double *params, const double *grads, size_t n,
                           const OptimizerConfig *cfg, OptimizerState *state)
{
    switch (cfg->kind) {
    case SGD: sgd_step(params, grads, n, &cfg->sgd, &state->sgd); break;
    case ADAM: adam_step(params, grads, n, &cfg->adam, &state->adam); break;
    case ADAMW: adamw_step(params, grads, n, &cfg->adam, &state->adam); break;
    case RMSPROP:
        rmsprop_step(params, grads, n, &cfg->rmsprop, &state->rmsprop);
        break;
    case ADAGRAD:
        adagrad_step(params, grads, n, &cfg->adagrad, &state->adagrad);
        break;
    case LION: lion_step(params, grads, n, &cfg->lion, &state->lion); break;
    }
}

/* The learning rate, whichever optimizer it belongs to. */
static double *optimizer_lr(OptimizerConfig *cfg)
{
    switch (cfg->kind) {
    case SGD: return &cfg->sgd.lr;
    case ADAM:
    case ADAMW: return &cfg->adam.lr;
    case RMSPROP: return &cfg->rmsprop.lr;
    case ADAGRAD: return &cfg->adagrad.lr;
    case LION: return &cfg->lion.lr;
    }
    return NULL;
}

//> defaults
/* torch.optim's defaults (torch 2.x; SGD's lr had no default before 2.2),
 * and lion-pytorch's for Lion. */
static OptimizerConfig optimizer_default_config(OptimizerKind kind)
{
    OptimizerConfig c = {.kind = kind};
    c.sgd = (SgdConfig){.lr = 1e-3, .momentum = 0.0, .dampening = 0.0,
                        .weight_decay = 0.0, .nesterov = false};
    c.adam = (AdamConfig){.lr = 1e-3, .beta1 = 0.9, .beta2 = 0.999,
                          .eps = 1e-8, .weight_decay = 0.0, .amsgrad = false};
    if (kind == ADAMW)
        c.adam.weight_decay = 1e-2;
    c.rmsprop = (RmspropConfig){.lr = 1e-2, .alpha = 0.99, .eps = 1e-8,
                                .weight_decay = 0.0, .momentum = 0.0,
                                .centered = false};
    c.adagrad = (AdagradConfig){.lr = 1e-2, .lr_decay = 0.0,
                                .weight_decay = 0.0,
                                .initial_accumulator_value = 0.0,
                                .eps = 1e-10};
    c.lion = (LionConfig){.lr = 1e-4, .beta1 = 0.9, .beta2 = 0.99,
                          .weight_decay = 0.0};
    return c;
}
//< defaults

/* ============================================================ the descent */

typedef enum { RUN_MAX_STEPS, RUN_DIVERGED } RunStatus;

//> train-loop
/* Runs `steps` optimizer steps from theta. Each step: the loss and its
 * gradient at the current point (the forward and backward passes of a
 * network), the clipping `clip` asks for, then the optimizer's update.
 * When `out` is not NULL, writes a row step,loss,x,y per step, step 0
 * being the start. Stops, returning RUN_DIVERGED with the step in
 * *stopped_at, if the loss or the gradient stops being a finite number. */
static RunStatus descend(const Problem *p, const OptimizerConfig *cfg,
                         const ClipConfig *clip, double *theta, size_t steps,
                         FILE *out, size_t *stopped_at, double *final_loss)
{
    OptimizerState state = {0};
    double grad[DIM];
    for (size_t step = 0;; step++) {
        double loss = p->loss(theta, p->data);
        p->grad(theta, p->data, grad);
        *final_loss = loss;
        if (!isfinite(loss) || !isfinite(grad[0]) || !isfinite(grad[1])) {
            *stopped_at = step;
            return RUN_DIVERGED;
        }
        if (out)
            output_row(out, step, (const double[]){loss, theta[0], theta[1]},
                       3);
        if (step == steps)
            return RUN_MAX_STEPS;
        /* Anything that reshapes the gradient before the update goes
         * here, between the backward pass and the step: chapter 5's
         * clipping (lib/clip.c), by norm, by value, or not at all. */
        clip_apply(clip, &(GradTensor){grad, DIM}, 1);
        optimizer_step(theta, grad, DIM, cfg, &state);
    }
}
//< train-loop

/* ============================================== experiment: conditioning */

enum { CONDITIONING_MAX_STEPS = 10000000 };
#define CONDITIONING_TOLERANCE 1e-6

/* The first step at which the loss is at most the tolerance, or 0 when
 * CONDITIONING_MAX_STEPS are not enough. */
static size_t steps_to_tolerance(const Problem *p, const OptimizerConfig *cfg,
                                 const double *start)
{
    OptimizerState state = {0};
    double theta[DIM] = {start[0], start[1]}, grad[DIM];
    for (size_t step = 0; step <= CONDITIONING_MAX_STEPS; step++) {
        if (p->loss(theta, p->data) <= CONDITIONING_TOLERANCE)
            return step;
        p->grad(theta, p->data, grad);
        optimizer_step(theta, grad, DIM, cfg, &state);
    }
    return 0;
}

//> conditioning
/* On f = (x² + κy²)/2 the curvatures are μ = 1 and L = κ. The best fixed
 * step of gradient descent and the best heavy-ball settings (Polyak, 1964)
 * have closed forms, and so do the factors by which they shrink the
 * distance to the minimum per step:
 *   gradient descent  η = 2/(L + μ)            rate (κ - 1)/(κ + 1)
 *   heavy ball        η = 4/(√L + √μ)²,
 *                     β = ((√κ - 1)/(√κ + 1))²  rate (√κ - 1)/(√κ + 1)
 * torch's SGD with momentum β and no dampening is exactly the heavy ball
 * θ_{k+1} = θ_k - η∇f(θ_k) + β(θ_k - θ_{k-1}). */
static void conditioning_row(double kappa, double *row)
{
    double root = sqrt(kappa);
    Problem p = {quadratic_loss, quadratic_grad, &kappa};
    /* A start that gives both directions the same share of the loss:
     * f = 1/2 + 1/2 = 1, whatever κ. */
    double start[DIM] = {1.0, 1.0 / root};
    OptimizerConfig gd = optimizer_default_config(SGD);
    gd.sgd.lr = 2.0 / (kappa + 1.0);
    OptimizerConfig heavy_ball = optimizer_default_config(SGD);
    heavy_ball.sgd.lr = 4.0 / ((root + 1.0) * (root + 1.0));
    heavy_ball.sgd.momentum = ((root - 1.0) / (root + 1.0)) *
                              ((root - 1.0) / (root + 1.0));
    row[0] = kappa;
    row[1] = gd.sgd.lr;
    row[2] = (kappa - 1.0) / (kappa + 1.0);
    row[3] = (double)steps_to_tolerance(&p, &gd, start);
    row[4] = heavy_ball.sgd.lr;
    row[5] = heavy_ball.sgd.momentum;
    row[6] = (root - 1.0) / (root + 1.0);
    row[7] = (double)steps_to_tolerance(&p, &heavy_ball, start);
}
//< conditioning

/* One row per κ; the slopes are those of log(steps) against log(κ) from
 * the previous row to this one, so the last row's slopes describe the
 * largest decade. */
static bool run_conditioning(FILE *out)
{
    static const double kappas[] = {1.0, 10.0, 100.0, 1000.0};
    fputs("kappa,gd_lr,gd_rate,gd_steps,hb_lr,hb_momentum,hb_rate,hb_steps,"
          "gd_slope,hb_slope\n", out);
    double previous[8];
    for (size_t k = 0; k < sizeof kappas / sizeof *kappas; k++) {
        double row[10];
        conditioning_row(kappas[k], row);
        if (row[3] == 0.0 || row[7] == 0.0) {
            fprintf(stderr, "04-optimizers: κ = %g needs more than %d steps\n",
                    kappas[k], CONDITIONING_MAX_STEPS);
            return false;
        }
        double span = log(row[0]) - (k ? log(previous[0]) : 0.0);
        row[8] = k ? (log(row[3]) - log(previous[3])) / span : NAN;
        row[9] = k ? (log(row[7]) - log(previous[7])) / span : NAN;
        output_numbers(out, row, 10);
        memcpy(previous, row, sizeof previous);
    }
    return true;
}

/* ===================================================== experiment: sweeps */

/* The contestants of the sweeps: the optimizers at torch's defaults, plus
 * SGD with the standard momentum 0.9; only the learning rate varies.
 * AdamW is left out: its default decay pulls every weight toward 0, which
 * on the quadratic happens to be the answer, so it would win for a reason
 * that has nothing to do with the update rule. */
static const char *const contestant_names[] = {
    "sgd", "momentum", "adam", "rmsprop", "adagrad", "lion"};
enum { CONTESTANTS = 6 };

static OptimizerConfig contestant(size_t c, double lr)
{
    static const OptimizerKind kinds[CONTESTANTS] = {SGD,     SGD,     ADAM,
                                                     RMSPROP, ADAGRAD, LION};
    OptimizerConfig cfg = optimizer_default_config(kinds[c]);
    if (c == 1)
        cfg.sgd.momentum = 0.9;
    *optimizer_lr(&cfg) = lr;
    return cfg;
}

/* Learning rates 1e-5, 2e-5, 5e-5, 1e-4, ... 5, 10: three per decade. */
enum { SWEEP_RATES = 19 };

static double sweep_rate(size_t i)
{
    static const double mantissa[] = {1.0, 2.0, 5.0};
    return mantissa[i % 3] * pow(10.0, (double)(i / 3) - 5.0);
}

/* How low a run ends: the largest loss over its last SETTLE_STEPS steps.
 * Not just the last loss, because sign-like steps (Adam, Lion) hop around
 * the minimum and can land close to it on one step by luck; the largest
 * of the last few says how low the run stays. nan when the run diverged
 * (an honest gap in a plot, rather than a made-up value). */
enum { SETTLE_STEPS = 10 };

static double final_loss(const Problem *p, const OptimizerConfig *cfg,
                         const double *start, size_t steps)
{
    OptimizerState state = {0};
    double theta[DIM] = {start[0], start[1]}, grad[DIM], worst = 0.0;
    for (size_t step = 0;; step++) {
        double loss = p->loss(theta, p->data);
        p->grad(theta, p->data, grad);
        if (!isfinite(loss) || !isfinite(grad[0]) || !isfinite(grad[1]))
            return NAN;
        if (step + SETTLE_STEPS > steps)
            worst = fmax(worst, loss);
        if (step == steps)
            return worst;
        optimizer_step(theta, grad, DIM, cfg, &state);
    }
}

static void run_lr_sweep(const Problem *p, const double *start, size_t steps,
                         FILE *out)
{
    fputs("lr", out);
    for (size_t c = 0; c < CONTESTANTS; c++)
        fprintf(out, ",%s", contestant_names[c]);
    fputc('\n', out);
    for (size_t i = 0; i < SWEEP_RATES; i++) {
        double row[1 + CONTESTANTS];
        row[0] = sweep_rate(i);
        for (size_t c = 0; c < CONTESTANTS; c++) {
            OptimizerConfig cfg = contestant(c, row[0]);
            row[1 + c] = final_loss(p, &cfg, start, steps);
        }
        output_numbers(out, row, 1 + CONTESTANTS);
    }
}

/* For each contestant, the swept learning rate with the lowest final loss
 * (the smaller rate on a tie). */
static void run_tuned(const Problem *p, const double *start, size_t steps,
                      FILE *out)
{
    fputs("optimizer,best_lr,loss\n", out);
    for (size_t c = 0; c < CONTESTANTS; c++) {
        double best_lr = NAN, best = INFINITY;
        for (size_t i = 0; i < SWEEP_RATES; i++) {
            OptimizerConfig cfg = contestant(c, sweep_rate(i));
            double loss = final_loss(p, &cfg, start, steps);
            if (loss < best) {
                best = loss;
                best_lr = sweep_rate(i);
            }
        }
        fprintf(out, "%s,%.17g,%.17g\n", contestant_names[c], best_lr, best);
    }
}

/* ==================================================================== main */

static const char *const problem_names[] = {"quadratic", "rosenbrock",
                                            "himmelblau", "linreg", NULL};
static const char *const optimizer_names[] = {"sgd", "adam", "adamw",
                                              "rmsprop", "adagrad", "lion",
                                              NULL};
static const char *const experiment_names[] = {"none", "conditioning",
                                               "lr-sweep", "tuned", NULL};

typedef struct {
    const char *problem, *optimizer, *experiment, *out, *save_data;
    double lr, momentum, dampening, weight_decay, beta1, beta2, eps, alpha,
        lr_decay, initial_accumulator_value, condition, clip_norm, clip_value;
    bool nesterov, amsgrad, centered;
    size_t steps;
    uint64_t seed;
    DoubleList start;
} Settings;

static const char usage[] =
    "04-optimizers: chapter 4, optimizers, exact to torch.optim.\n"
    "\n"
    "Problems, over parameters (x, y):\n"
    "  quadratic   f = (x^2 + K y^2)/2, K = --condition; minimum 0 at (0, 0)\n"
    "  rosenbrock  f = (1 - x)^2 + 100 (y - x^2)^2; minimum 0 at (1, 1)\n"
    "  himmelblau  f = (x^2 + y - 11)^2 + (x + y^2 - 7)^2; four minima of 0,\n"
    "              one at (3, 2)\n"
    "  linreg      chapter 1's regression: f = (1/N) sum_i (x u_i + y - v_i)^2\n"
    "              over 100 points u_i evenly spaced on [-2, 2],\n"
    "              v_i = 2 u_i + 1 + 0.1 N(0,1); x is the slope, y the intercept\n"
    "Gradients are analytic. Optimizers follow torch.optim (Lion: Chen et\n"
    "al., 2023); a flag applies only to the optimizers that have it:\n"
    "  sgd      --lr --momentum --dampening --nesterov --weight-decay\n"
    "  adam     --lr --beta1 --beta2 --eps --weight-decay --amsgrad\n"
    "  adamw    --lr --beta1 --beta2 --eps --weight-decay --amsgrad\n"
    "  rmsprop  --lr --alpha --eps --weight-decay --momentum --centered\n"
    "  adagrad  --lr --lr-decay --weight-decay --initial-accumulator-value --eps\n"
    "  lion     --lr --beta1 --beta2 --weight-decay\n"
    "Before every step of any optimizer, the gradient g can be clipped\n"
    "(chapter 5), as torch.nn.utils does:\n"
    "  --clip-norm C   g <- g C/(|g| + 1e-6) when that shrinks it (|g| the L2 norm)\n"
    "  --clip-value V  every entry of g into [-V, V]\n"
    "Output (CSV on stdout or --out, with a header line):\n"
    "  a run                        step,loss,x,y for steps 0 (the start) to N\n"
    "  --experiment conditioning    per K in 1, 10, 100, 1000: the steps to a\n"
    "      loss of 1e-6 on the quadratic from (1, 1/sqrt(K)) for gradient\n"
    "      descent (lr 2/(K+1)) and heavy-ball momentum (lr 4/(sqrt(K)+1)^2,\n"
    "      momentum ((sqrt(K)-1)/(sqrt(K)+1))^2), and the log-log slopes\n"
    "      from the previous K\n"
    "  --experiment lr-sweep        the final loss after --steps for each\n"
    "      optimizer at its defaults (plus sgd with momentum 0.9) and lr\n"
    "      1e-5, 2e-5, 5e-5, ..., 10; nan where the run diverged\n"
    "  --experiment tuned           each optimizer's best lr in that sweep\n"
    "Exit status: 0 done; 1 the loss became inf or nan, or a file could not\n"
    "be written; 2 bad input.";

/* Which optimizers each hyperparameter flag belongs to, as in torch.optim. */
typedef struct {
    const char *flag;
    const char *optimizers; /* space-separated */
} Applies;

static const Applies applies[] = {
    {"momentum", "sgd rmsprop"},
    {"dampening", "sgd"},
    {"nesterov", "sgd"},
    {"weight-decay", "sgd adam adamw rmsprop adagrad lion"},
    {"beta1", "adam adamw lion"},
    {"beta2", "adam adamw lion"},
    {"eps", "adam adamw rmsprop adagrad"},
    {"amsgrad", "adam adamw"},
    {"alpha", "rmsprop"},
    {"centered", "rmsprop"},
    {"lr-decay", "adagrad"},
    {"initial-accumulator-value", "adagrad"},
};

static bool word_in(const char *word, const char *list)
{
    size_t len = strlen(word);
    for (const char *p = list; (p = strstr(p, word)) != NULL; p += len)
        if ((p == list || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0'))
            return true;
    return false;
}

/* Flags that do not apply to the chosen optimizer, problem or mode are
 * refused, so that a typo in a script cannot go unnoticed. */
static CliStatus check_combinations(Cli *cli, const Settings *s)
{
    bool experiment = strcmp(s->experiment, "none") != 0;
    bool conditioning = strcmp(s->experiment, "conditioning") == 0;
    if (cli_refuse_unless(cli, !experiment,
                          (const char *const[]){"optimizer", "lr", "clip-norm",
                                                "clip-value", NULL},
                          "does not apply to --experiment (the experiments "
                          "choose their own)") != CLI_RUN)
        return CLI_BAD_INPUT;
    if (cli_refuse_unless(cli, !conditioning,
                          (const char *const[]){"problem", "steps", "start",
                                                "condition", "seed",
                                                "save-data", NULL},
                          "does not apply to --experiment conditioning") !=
        CLI_RUN)
        return CLI_BAD_INPUT;
    for (size_t i = 0; i < sizeof applies / sizeof *applies; i++) {
        if (!cli_given(cli, applies[i].flag))
            continue;
        if (experiment)
            return cli_reject(cli, applies[i].flag, NULL,
                              "does not apply to --experiment (the "
                              "experiments use torch's defaults)");
        if (!word_in(s->optimizer, applies[i].optimizers)) {
            char why[160];
            snprintf(why, sizeof why, "does not apply to --optimizer %s "
                     "(only to: %s)", s->optimizer, applies[i].optimizers);
            return cli_reject(cli, applies[i].flag, NULL, why);
        }
    }
    /* Both at once would leave the order of the two to guess. */
    if (cli_given(cli, "clip-norm") && cli_given(cli, "clip-value"))
        return cli_reject(cli, "clip-value", NULL,
                          "cannot be combined with --clip-norm (choose one)");
    /* torch.optim.SGD refuses Nesterov without momentum or with dampening;
     * dampening without momentum would silently do nothing. */
    if (s->nesterov && (s->momentum == 0.0 || s->dampening != 0.0))
        return cli_reject(cli, "nesterov", NULL,
                          "needs --momentum above 0 and no --dampening");
    if (cli_given(cli, "dampening") && s->momentum == 0.0)
        return cli_reject(cli, "dampening", NULL,
                          "has no effect without --momentum");
    bool quadratic = strcmp(s->problem, "quadratic") == 0;
    bool linreg = strcmp(s->problem, "linreg") == 0;
    if (!quadratic && cli_given(cli, "condition"))
        return cli_reject(cli, "condition", NULL,
                          "applies only to --problem quadratic");
    if (cli_refuse_unless(cli, linreg,
                          (const char *const[]){"seed", "save-data", NULL},
                          "applies only to --problem linreg") != CLI_RUN)
        return CLI_BAD_INPUT;
    if (cli_given(cli, "start") && s->start.count != DIM)
        return cli_reject(cli, "start", NULL, "needs two numbers: x,y");
    return CLI_RUN;
}

static OptimizerKind kind_of(const char *name)
{
    size_t k = 0;
    while (strcmp(optimizer_names[k], name) != 0)
        k++;
    return (OptimizerKind)k;
}

/* The optimizer's defaults, overridden by the flags that were given. */
static OptimizerConfig settings_config(Cli *cli, const Settings *s)
{
    OptimizerConfig c = optimizer_default_config(kind_of(s->optimizer));
    if (cli_given(cli, "lr"))
        *optimizer_lr(&c) = s->lr;
    if (cli_given(cli, "momentum"))
        c.sgd.momentum = c.rmsprop.momentum = s->momentum;
    if (cli_given(cli, "dampening"))
        c.sgd.dampening = s->dampening;
    c.sgd.nesterov = s->nesterov;
    if (cli_given(cli, "weight-decay"))
        c.sgd.weight_decay = c.adam.weight_decay = c.rmsprop.weight_decay =
            c.adagrad.weight_decay = c.lion.weight_decay = s->weight_decay;
    if (cli_given(cli, "beta1"))
        c.adam.beta1 = c.lion.beta1 = s->beta1;
    if (cli_given(cli, "beta2"))
        c.adam.beta2 = c.lion.beta2 = s->beta2;
    if (cli_given(cli, "eps"))
        c.adam.eps = c.rmsprop.eps = c.adagrad.eps = s->eps;
    c.adam.amsgrad = s->amsgrad;
    if (cli_given(cli, "alpha"))
        c.rmsprop.alpha = s->alpha;
    c.rmsprop.centered = s->centered;
    if (cli_given(cli, "lr-decay"))
        c.adagrad.lr_decay = s->lr_decay;
    if (cli_given(cli, "initial-accumulator-value"))
        c.adagrad.initial_accumulator_value = s->initial_accumulator_value;
    return c;
}

static int run_descent(const Settings *s, const Problem *p,
                       OptimizerConfig *cfg, double *theta, FILE *out)
{
    fputs("step,loss,x,y\n", out);
    ClipConfig clip = {CLIP_NONE, 0.0};
    if (s->clip_norm > 0.0)
        clip = (ClipConfig){CLIP_NORM, s->clip_norm};
    else if (s->clip_value > 0.0)
        clip = (ClipConfig){CLIP_VALUE, s->clip_value};
    size_t stopped_at = 0;
    double loss;
    if (descend(p, cfg, &clip, theta, s->steps, out, &stopped_at, &loss) ==
        RUN_MAX_STEPS)
        return EXIT_SUCCESS;
    fprintf(stderr,
            "04-optimizers: the loss stopped being a finite number at step "
            "%zu: --lr %g is too large for --optimizer %s on --problem %s, "
            "so the steps overshoot further and further (divide --lr by 10)\n",
            stopped_at, *optimizer_lr(cfg), s->optimizer,
            s->problem);
    return EXIT_FAILURE;
}

static int run(Cli *cli, const Settings *s, const Problem *p, double *theta)
{
    const char *program = "04-optimizers";
    Output out;
    if (!output_open(&out, program, s->out))
        return EXIT_FAILURE;
    int status = EXIT_SUCCESS;
    if (strcmp(s->experiment, "conditioning") == 0) {
        if (!run_conditioning(out.file))
            status = EXIT_FAILURE;
    } else if (strcmp(s->experiment, "lr-sweep") == 0) {
        run_lr_sweep(p, theta, s->steps, out.file);
    } else if (strcmp(s->experiment, "tuned") == 0) {
        run_tuned(p, theta, s->steps, out.file);
    } else {
        OptimizerConfig cfg = settings_config(cli, s);
        status = run_descent(s, p, &cfg, theta, out.file);
    }
    if (status != EXIT_SUCCESS && strcmp(s->experiment, "none") != 0) {
        output_discard(&out);
        return status;
    }
    if (!output_commit(&out, program))
        return EXIT_FAILURE;
    return status;
}

/* The text given for --name, as typed (--name VALUE or --name=VALUE), so a
 * refusal can quote it; NULL when absent. */
static const char *given_text(int argc, char **argv, const char *name)
{
    size_t len = strlen(name);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0 || strncmp(arg + 2, name, len) != 0)
            continue;
        if (arg[2 + len] == '=')
            return arg + 3 + len;
        if (arg[2 + len] == '\0' && i + 1 < argc)
            return argv[i + 1];
    }
    return NULL;
}

int main(int argc, char **argv)
{
    Settings s = {.problem = "quadratic", .optimizer = "sgd",
                  .experiment = "none", .steps = 100, .seed = 1,
                  .condition = 10.0};
    Flag flags[] = {
        {.name = "problem", .kind = FLAG_CHOICE, .value = &s.problem,
         .help = "what to minimise", .choices = problem_names},
        {.name = "optimizer", .kind = FLAG_CHOICE, .value = &s.optimizer,
         .help = "the update rule", .choices = optimizer_names},
        {.name = "lr", .kind = FLAG_DOUBLE, .value = &s.lr,
         .help = "learning rate", .min = 0, .min_exclusive = true,
         .max = 1e6,
         .default_text = "torch's: 1e-3 sgd, adam, adamw; 1e-2 rmsprop, "
                         "adagrad; 1e-4 lion"},
        {.name = "steps", .kind = FLAG_COUNT, .value = &s.steps,
         .help = "optimizer steps", .min = 0, .max = 1e8},
        {.name = "start", .kind = FLAG_LIST, .value = &s.start,
         .help = "starting point x,y",
         .default_text = "quadratic -3,1; rosenbrock -1.2,1; himmelblau "
                         "0,0; linreg chapter 1's random start"},
        {.name = "momentum", .kind = FLAG_DOUBLE, .value = &s.momentum,
         .help = "momentum factor μ (sgd, rmsprop)", .min = 0,
         .max = HUGE_VAL, /* below 1: checked after parsing */
         .min_exclusive = false, .default_text = "0"},
        {.name = "dampening", .kind = FLAG_DOUBLE, .value = &s.dampening,
         .help = "dampening τ of the momentum (sgd)", .min = 0, .max = 1},
        {.name = "nesterov", .kind = FLAG_SWITCH, .value = &s.nesterov,
         .help = "Nesterov momentum (sgd; needs --momentum)"},
        {.name = "weight-decay", .kind = FLAG_DOUBLE, .value = &s.weight_decay,
         .help = "weight decay λ: L2 in the gradient, decoupled for adamw "
                 "and lion", .min = 0, .max = 1e6,
         .default_text = "0; 0.01 adamw"},
        {.name = "beta1", .kind = FLAG_DOUBLE, .value = &s.beta1,
         .help = "first-moment decay β1 (adam, adamw, lion)", .min = 0,
         .max = HUGE_VAL, .default_text = "0.9"},
        {.name = "beta2", .kind = FLAG_DOUBLE, .value = &s.beta2,
         .help = "second-moment decay β2 (adam, adamw; lion's momentum "
                 "decay)", .min = 0, .max = HUGE_VAL,
         .default_text = "0.999; 0.99 lion"},
        {.name = "eps", .kind = FLAG_DOUBLE, .value = &s.eps,
         .help = "ε added to the denominator (adam, adamw, rmsprop, "
                 "adagrad)", .min = 0, .max = 1e6,
         .default_text = "1e-8; 1e-10 adagrad"},
        {.name = "amsgrad", .kind = FLAG_SWITCH, .value = &s.amsgrad,
         .help = "AMSGrad: divide by the largest second moment so far "
                 "(adam, adamw)"},
        {.name = "alpha", .kind = FLAG_DOUBLE, .value = &s.alpha,
         .help = "smoothing constant α of the mean square (rmsprop)",
         .min = 0, .max = HUGE_VAL, .default_text = "0.99"},
        {.name = "centered", .kind = FLAG_SWITCH, .value = &s.centered,
         .help = "divide by the gradient's estimated standard deviation "
                 "instead of its root mean square (rmsprop)"},
        {.name = "lr-decay", .kind = FLAG_DOUBLE, .value = &s.lr_decay,
         .help = "learning-rate decay (adagrad)", .min = 0, .max = 1e6,
         .default_text = "0"},
        {.name = "initial-accumulator-value", .kind = FLAG_DOUBLE,
         .value = &s.initial_accumulator_value,
         .help = "starting value of the sum of squares (adagrad)", .min = 0,
         .max = 1e6, .default_text = "0"},
        {.name = "clip-norm", .kind = FLAG_DOUBLE, .value = &s.clip_norm,
         .help = "before every step, scale the gradient down to this L2 "
                 "norm if it is longer (torch.nn.utils.clip_grad_norm_)",
         .min = 0,
         .min_exclusive = true, .max = 1e300, .default_text = "no clipping"},
        {.name = "clip-value", .kind = FLAG_DOUBLE, .value = &s.clip_value,
         .help = "before every step, clamp every gradient entry into "
                 "[-N, N] (torch.nn.utils.clip_grad_value_)", .min = 0,
         .min_exclusive = true, .max = 1e300, .default_text = "no clipping"},
        {.name = "condition", .kind = FLAG_DOUBLE, .value = &s.condition,
         .help = "condition number K of the quadratic", .min = 1e-6,
         .max = 1e12},
        {.name = "seed", .kind = FLAG_SEED, .value = &s.seed,
         .help = "random seed for the data and the start (linreg)"},
        {.name = "experiment", .kind = FLAG_CHOICE, .value = &s.experiment,
         .help = "run one of the lesson's experiments instead",
         .choices = experiment_names},
        {.name = "out", .kind = FLAG_TEXT, .value = &s.out,
         .help = "write the CSV here instead of stdout",
         .default_text = "stdout"},
        {.name = "save-data", .kind = FLAG_TEXT, .value = &s.save_data,
         .help = "also write the dataset as x,y CSV (linreg)",
         .default_text = "none"},
    };
    Cli cli = {.program = "04-optimizers", .usage = usage, .flags = flags,
               .flag_count = sizeof flags / sizeof *flags};
    switch (cli_parse(&cli, argc, argv)) {
    case CLI_HELP_SHOWN: return EXIT_SUCCESS;
    case CLI_BAD_INPUT: return EXIT_BAD_INPUT;
    case CLI_RUN: break;
    }
    /* Torch's β and α must lie in [0, 1): at 1 an average never forgets
     * its start (and Adam's bias correction divides by zero). The flags'
     * own bounds are only >= 0, so that 1.5 and 1 get the same message. */
    static const char *const below_one[] = {"beta1", "beta2", "alpha",
                                            "momentum"};
    double below_one_values[] = {s.beta1, s.beta2, s.alpha, s.momentum};
    for (size_t i = 0; i < 4; i++)
        if (cli_given(&cli, below_one[i]) && below_one_values[i] >= 1.0) {
            const char *text = given_text(argc, argv, below_one[i]);
            cli_reject(&cli, below_one[i], text ? text : "?",
                       "must be in [0, 1)");
            return EXIT_BAD_INPUT;
        }
    if (check_combinations(&cli, &s) != CLI_RUN)
        return EXIT_BAD_INPUT;

    double theta[DIM] = {-3.0, 1.0};
    Problem p = {quadratic_loss, quadratic_grad, &s.condition};
    Dataset ds = {0};
    if (strcmp(s.problem, "rosenbrock") == 0) {
        p = (Problem){rosenbrock_loss, rosenbrock_grad, NULL};
        theta[0] = -1.2;
    } else if (strcmp(s.problem, "himmelblau") == 0) {
        p = (Problem){himmelblau_loss, himmelblau_grad, NULL};
        theta[0] = theta[1] = 0.0;
    } else if (strcmp(s.problem, "linreg") == 0) {
        /* Chapter 1's data and start: the same seed gives the same
         * points and the same random (w, b). */
        if (!dataset_alloc(&ds, 100, 1)) {
            fprintf(stderr, "04-optimizers: out of memory for the dataset\n");
            return EXIT_FAILURE;
        }
        Rng rng;
        rng_seed(&rng, s.seed);
        dataset_fill_line(&ds, -2.0, 2.0, 2.0, 1.0, 0.1, &rng);
        theta[0] = rng_normal(&rng);
        theta[1] = rng_normal(&rng);
        p = (Problem){linreg_loss, linreg_grad, &ds};
    }
    if (s.start.count)
        memcpy(theta, s.start.values, sizeof theta);
    int status = EXIT_FAILURE;
    if (!s.save_data ||
        dataset_save_csv(&ds, "04-optimizers", s.save_data))
        status = run(&cli, &s, &p, theta);
    dataset_free(&ds);
    return status;
}
