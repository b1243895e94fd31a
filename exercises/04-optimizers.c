/*
 * exercises/04-optimizers.c: chapter 4, optimizers.
 *
 * Implement each *_default_config and *_step as its contract in
 * 04-optimizers.h says. The state functions are written for you: every
 * array starts at zero (Adagrad's sum at its initial value). Grade your
 * work with `make check CH=04`; the lesson is chapters/04-optimizers.md.
 */
#include "04-optimizers.h"

#include <math.h>
#include <stdlib.h>

/* ============================================================ the states */

/* n zeroed doubles; NULL when out of memory. calloc(0) may return NULL, so
 * n = 0 gets one element. */
static double *zeros(size_t n)
{
    return calloc(n ? n : 1, sizeof(double));
}

bool sgd_state_init(SgdState *state, size_t n)
{
    *state = (SgdState){.momentum_buffer = zeros(n)};
    return state->momentum_buffer != NULL;
}

void sgd_state_free(SgdState *state)
{
    free(state->momentum_buffer);
    *state = (SgdState){0};
}

bool adam_state_init(AdamState *state, size_t n)
{
    *state = (AdamState){.exp_avg = zeros(n), .exp_avg_sq = zeros(n),
                         .max_exp_avg_sq = zeros(n)};
    if (state->exp_avg && state->exp_avg_sq && state->max_exp_avg_sq)
        return true;
    adam_state_free(state);
    return false;
}

void adam_state_free(AdamState *state)
{
    free(state->exp_avg);
    free(state->exp_avg_sq);
    free(state->max_exp_avg_sq);
    *state = (AdamState){0};
}

bool rmsprop_state_init(RmspropState *state, size_t n)
{
    *state = (RmspropState){.square_avg = zeros(n), .grad_avg = zeros(n),
                            .momentum_buffer = zeros(n)};
    if (state->square_avg && state->grad_avg && state->momentum_buffer)
        return true;
    rmsprop_state_free(state);
    return false;
}

void rmsprop_state_free(RmspropState *state)
{
    free(state->square_avg);
    free(state->grad_avg);
    free(state->momentum_buffer);
    *state = (RmspropState){0};
}

bool adagrad_state_init(AdagradState *state, size_t n,
                        const AdagradConfig *cfg)
{
    *state = (AdagradState){.sum = zeros(n)};
    if (!state->sum)
        return false;
    for (size_t i = 0; i < n; i++)
        state->sum[i] = cfg->initial_accumulator_value;
    return true;
}

void adagrad_state_free(AdagradState *state)
{
    free(state->sum);
    *state = (AdagradState){0};
}

bool lion_state_init(LionState *state, size_t n)
{
    *state = (LionState){.exp_avg = zeros(n)};
    return state->exp_avg != NULL;
}

void lion_state_free(LionState *state)
{
    free(state->exp_avg);
    *state = (LionState){0};
}

/* ================================================================== SGD */

/* torch.optim.SGD. With weight decay λ, momentum μ and dampening τ:
 *   g ← g + λθ
 *   b ← g on the first step, else μb + (1 - τ)g
 *   d ← g + μb (Nesterov) or b (heavy ball); without momentum d ← g
 *   θ ← θ - η·d
 * Its defaults are torch 2.x's (SGD's lr had no default before 2.2). */
SgdConfig sgd_default_config(void)
{
    return (SgdConfig){0}; /* TODO: torch.optim.SGD's defaults */
}

void sgd_step(double *params, const double *grads, size_t n,
              const SgdConfig *cfg, SgdState *state)
{
    (void)params; (void)grads; (void)n; (void)cfg; (void)state;
    /* TODO: lesson section "SGD with momentum" */
}

/* ================================================================= Adam */

/* torch.optim.Adam (Kingma and Ba, 2015; AMSGrad: Reddi et al., 2018).
 * At step t = 1, 2, ...:
 *   g ← g + λθ                       (L2: the decay joins the gradient)
 *   m ← β1·m + (1 - β1)·g            v ← β2·v + (1 - β2)·g²
 *   v_max ← max(v_max, v)            (AMSGrad only; then v_max replaces v)
 *   θ ← θ - η/(1 - β1^t) · m / (√v / √(1 - β2^t) + ε)                    */
AdamConfig adam_default_config(void)
{
    return (AdamConfig){0}; /* TODO: torch.optim.Adam's defaults */
}


void adam_step(double *params, const double *grads, size_t n,
               const AdamConfig *cfg, AdamState *state)
{
    (void)params; (void)grads; (void)n; (void)cfg; (void)state;
    /* TODO: lesson section "Adam" */
}

/* ================================================================ AdamW */

/* torch.optim.AdamW (Loshchilov and Hutter, 2019): the same moments, but
 * weight decay shrinks the weights directly, before the Adam step, instead
 * of joining the gradient:   θ ← θ·(1 - ηλ), then Adam's step without λ.
 * With L2 (Adam above) the decay term is divided by √v like the rest of
 * the gradient, so weights with large gradients are barely decayed;
 * decoupled, every weight shrinks by the same factor. */
AdamWConfig adamw_default_config(void)
{
    return (AdamWConfig){0}; /* TODO: torch.optim.AdamW's defaults */
}

void adamw_step(double *params, const double *grads, size_t n,
                const AdamWConfig *cfg, AdamState *state)
{
    (void)params; (void)grads; (void)n; (void)cfg; (void)state;
    /* TODO: lesson section "AdamW: decoupled weight decay" */
}

/* ============================================================== RMSprop */

/* torch.optim.RMSprop (Hinton's lecture 6e, 2012; centering: Graves, 2013):
 *   g ← g + λθ
 *   s ← α·s + (1 - α)·g²             a ← α·a + (1 - α)·g   (centered)
 *   r ← √s + ε, or √(s - a²) + ε when centered
 *   b ← μb + g/r, θ ← θ - η·b (momentum μ > 0); else θ ← θ - η·g/r       */
RmspropConfig rmsprop_default_config(void)
{
    return (RmspropConfig){0}; /* TODO: torch.optim.RMSprop's defaults */
}

void rmsprop_step(double *params, const double *grads, size_t n,
                  const RmspropConfig *cfg, RmspropState *state)
{
    (void)params; (void)grads; (void)n; (void)cfg; (void)state;
    /* TODO: lesson section "RMSprop" */
}

/* ============================================================== Adagrad */

/* torch.optim.Adagrad (Duchi, Hazan and Singer, 2011). The accumulator
 * starts at initial_accumulator_value (adagrad_state_init); at step
 * t = 1, 2, ...:
 *   g ← g + λθ      η_t ← η / (1 + (t - 1)·lr_decay)
 *   s ← s + g²      θ ← θ - η_t · g / (√s + ε)                            */
AdagradConfig adagrad_default_config(void)
{
    return (AdagradConfig){0}; /* TODO: torch.optim.Adagrad's defaults */
}

void adagrad_step(double *params, const double *grads, size_t n,
                  const AdagradConfig *cfg, AdagradState *state)
{
    (void)params; (void)grads; (void)n; (void)cfg; (void)state;
    /* TODO: lesson section "Adagrad" */
}

/* ================================================================= Lion */

/* Lion (Chen et al., "Symbolic Discovery of Optimization Algorithms",
 * 2023, Algorithm 2). Not in torch.optim; the common PyTorch version is
 * lucidrains' lion-pytorch, whose defaults (η = 1e-4, λ = 0) are used here.
 *   c ← β1·m + (1 - β1)·g
 *   θ ← θ·(1 - ηλ) - η·sign(c)
 *   m ← β2·m + (1 - β2)·g        (after c: two different betas)          */
LionConfig lion_default_config(void)
{
    return (LionConfig){0}; /* TODO: lion-pytorch's defaults */
}

void lion_step(double *params, const double *grads, size_t n,
               const LionConfig *cfg, LionState *state)
{
    (void)params; (void)grads; (void)n; (void)cfg; (void)state;
    /* TODO: lesson section "Lion" */
}
