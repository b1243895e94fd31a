/*
 * 04-optimizers.h: the exercises of chapter 4, optimizers.
 *
 * You write the step functions (and the default settings) in
 * exercises/04-optimizers.c; `make check CH=04` grades them against numbers
 * worked by hand and against trajectories computed with PyTorch. The
 * lesson, chapters/04-optimizers.md, gives each update rule as math; the
 * section named in each comment below is the one to read first.
 *
 * Every optimizer has the same three parts, so that a training loop can
 * swap one for another:
 *   - a Config: its hyperparameters, named as in torch.optim, with a
 *     *_default_config() that returns torch.optim's defaults;
 *   - a State: what it remembers between steps, arrays of n doubles owned by
 *     the caller, created zeroed by *_state_init (false when out of memory)
 *     and released by *_state_free; `step` counts the steps taken so far,
 *     one per call of the step function (a call with n = 0 counts too);
 *   - a step: void *_step(double *params, const double *grads, size_t n,
 *     const Config *cfg, State *state), which reads the n gradients (never
 *     modified), updates the n parameters in place, and updates the state.
 * A step touches exactly n entries of each array. The caller computes the
 * gradient at the current params before every step; the step never calls
 * the loss. Use one State per parameter array, for the whole run.
 *
 * Weight decay as L2 (SGD, Adam, RMSprop, Adagrad) is g = grad + λθ with
 * every λ, 0 included. PyTorch adds λθ only when λ is not 0; the results
 * differ only at a parameter that is already +inf or -inf, where 0·inf
 * makes g nan here (and the parameter with it) while PyTorch's stays
 * infinite, if the gradient there is finite. On the lesson's four problems
 * it never is (inf or nan at an infinite parameter), and both give nan.
 *
 * (The lines //> NAME and //< NAME around some declarations mark what the
 * lesson quotes; to the compiler they are comments.)
 */
#ifndef EXERCISES_04_OPTIMIZERS_H
#define EXERCISES_04_OPTIMIZERS_H

#include <stdbool.h>
#include <stddef.h>

/* ------------------------------------------ SGD (lesson: SGD with momentum) */

//> sgd-contract
typedef struct {
    double lr;           /* learning rate η (torch's default 1e-3) */
    double momentum;     /* μ; 0 turns momentum off (default 0) */
    double dampening;    /* τ, scales the new gradient into the buffer (0) */
    double weight_decay; /* λ, L2: adds λ·θ to the gradient (0) */
    bool nesterov;       /* Nesterov momentum; needs μ > 0, τ = 0 (false) */
} SgdConfig;

typedef struct {
    double *momentum_buffer; /* n values b */
    size_t step;
} SgdState;

SgdConfig sgd_default_config(void);
bool sgd_state_init(SgdState *state, size_t n);
void sgd_state_free(SgdState *state);

/* One step of torch.optim.SGD: g = grad + λθ; with momentum, the buffer is
 * b = g on the first step (no dampening then) and b = μ·b + (1 - τ)·g
 * after; the direction is d = g + μ·b with Nesterov, d = b without, and
 * d = g with no momentum at all; finally θ ← θ - η·d. */
void sgd_step(double *params, const double *grads, size_t n,
              const SgdConfig *cfg, SgdState *state);
//< sgd-contract

/* ------------------------------------------------- Adam (lesson: Adam) */

typedef struct {
    double lr;           /* η (default 1e-3) */
    double beta1, beta2; /* decay rates of the two moments (0.9, 0.999) */
    double eps;          /* ε, added to the denominator (1e-8) */
    double weight_decay; /* λ: L2 for Adam (0), decoupled for AdamW (1e-2) */
    bool amsgrad;        /* divide by the largest second moment so far */
} AdamConfig;

/* AdamW takes the same settings as Adam; only the meaning of weight_decay
 * differs. */
typedef AdamConfig AdamWConfig;

typedef struct {
    double *exp_avg;        /* n values m, the first moment */
    double *exp_avg_sq;     /* n values v, the second moment */
    double *max_exp_avg_sq; /* n values, the largest v so far (AMSGrad) */
    size_t step;
} AdamState;

AdamConfig adam_default_config(void);
bool adam_state_init(AdamState *state, size_t n);
void adam_state_free(AdamState *state);

/* One step of torch.optim.Adam. With t = state->step after counting this
 * step (so t = 1 on the first step): g = grad + λθ;
 * m ← β1·m + (1 - β1)·g; v ← β2·v + (1 - β2)·g²; with AMSGrad,
 * v_max ← max(v_max, v) is used in place of v below;
 * θ ← θ - η/(1 - β1^t) · m / (√v / √(1 - β2^t) + ε). */
void adam_step(double *params, const double *grads, size_t n,
               const AdamConfig *cfg, AdamState *state);

/* --------------------------- AdamW (lesson: AdamW: decoupled weight decay) */

AdamWConfig adamw_default_config(void);

/* One step of torch.optim.AdamW: first θ ← θ·(1 - η·λ), then exactly Adam's
 * step with the gradient as given (no λθ added to it). Uses an AdamState. */
void adamw_step(double *params, const double *grads, size_t n,
                const AdamWConfig *cfg, AdamState *state);

/* ------------------------------------------- RMSprop (lesson: RMSprop) */

typedef struct {
    double lr;           /* η (default 1e-2) */
    double alpha;        /* decay rate α of the mean square (0.99) */
    double eps;          /* ε, added after the square root (1e-8) */
    double weight_decay; /* λ, L2 (0) */
    double momentum;     /* μ (0) */
    bool centered;       /* divide by the estimated standard deviation */
} RmspropConfig;

typedef struct {
    double *square_avg;      /* n values s, the mean square */
    double *grad_avg;        /* n values a, the mean (centered only) */
    double *momentum_buffer; /* n values b (momentum only) */
    size_t step;
} RmspropState;

RmspropConfig rmsprop_default_config(void);
bool rmsprop_state_init(RmspropState *state, size_t n);
void rmsprop_state_free(RmspropState *state);

/* One step of torch.optim.RMSprop: g = grad + λθ; s ← α·s + (1 - α)·g²;
 * r = √s + ε, or when centered a ← α·a + (1 - α)·g and r = √(s - a²) + ε;
 * with momentum μ > 0, b ← μ·b + g/r and θ ← θ - η·b (b starts at 0);
 * otherwise θ ← θ - η·g/r. */
void rmsprop_step(double *params, const double *grads, size_t n,
                  const RmspropConfig *cfg, RmspropState *state);

/* ------------------------------------------- Adagrad (lesson: Adagrad) */

typedef struct {
    double lr;                        /* η (default 1e-2) */
    double lr_decay;                  /* (0) */
    double weight_decay;              /* λ, L2 (0) */
    double initial_accumulator_value; /* where the sum starts (0) */
    double eps;                       /* ε, added after the root (1e-10) */
} AdagradConfig;

typedef struct {
    double *sum; /* n values s, the sum of squared gradients */
    size_t step;
} AdagradState;

AdagradConfig adagrad_default_config(void);
/* Also sets every entry of the sum to cfg->initial_accumulator_value. */
bool adagrad_state_init(AdagradState *state, size_t n,
                        const AdagradConfig *cfg);
void adagrad_state_free(AdagradState *state);

/* One step of torch.optim.Adagrad. With t = state->step after counting
 * this step: g = grad + λθ; η_t = η / (1 + (t - 1)·lr_decay); s ← s + g²;
 * θ ← θ - η_t · g / (√s + ε). */
void adagrad_step(double *params, const double *grads, size_t n,
                  const AdagradConfig *cfg, AdagradState *state);

/* ------------------------------------------------- Lion (lesson: Lion) */

typedef struct {
    double lr;           /* η (lion-pytorch's default 1e-4) */
    double beta1, beta2; /* (0.9, 0.99) */
    double weight_decay; /* λ, decoupled as in AdamW (0) */
} LionConfig;

typedef struct {
    double *exp_avg; /* n values m */
    size_t step;
} LionState;

LionConfig lion_default_config(void);
bool lion_state_init(LionState *state, size_t n);
void lion_state_free(LionState *state);

/* One step of Lion (Chen et al., 2023): c = β1·m + (1 - β1)·g;
 * θ ← θ·(1 - η·λ) - η·sign(c), with sign(0) = 0; then, after c is used,
 * m ← β2·m + (1 - β2)·g. */
void lion_step(double *params, const double *grads, size_t n,
               const LionConfig *cfg, LionState *state);

#endif
