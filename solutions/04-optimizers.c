// BEGIN SOLUTION
/*
 * solutions/04-optimizers.c: reference solutions of chapter 4.
 *
 * exercises/04-optimizers.c is generated from this file (`make stubs`):
 * the lines between BEGIN and END SOLUTION markers are dropped and the STUB
 * lines become code. Check yours with `make check CH=04`; look here after.
 */
// END SOLUTION
// STUB: /*
// STUB:  * exercises/04-optimizers.c: chapter 4, optimizers.
// STUB:  *
// STUB:  * Implement each *_default_config and *_step as its contract in
// STUB:  * 04-optimizers.h says. The state functions are written for you: every
// STUB:  * array starts at zero (Adagrad's sum at its initial value). Grade your
// STUB:  * work with `make check CH=04`; the lesson is chapters/04-optimizers.md.
// STUB:  */
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

//> sgd
/* torch.optim.SGD. With weight decay λ, momentum μ and dampening τ:
 *   g ← g + λθ
 *   b ← g on the first step, else μb + (1 - τ)g
 *   d ← g + μb (Nesterov) or b (heavy ball); without momentum d ← g
 *   θ ← θ - η·d
 * Its defaults are torch 2.x's (SGD's lr had no default before 2.2). */
SgdConfig sgd_default_config(void)
{
    // BEGIN SOLUTION
    return (SgdConfig){.lr = 1e-3, .momentum = 0.0, .dampening = 0.0,
                       .weight_decay = 0.0, .nesterov = false};
    // END SOLUTION
    // STUB: return (SgdConfig){0}; /* TODO: torch.optim.SGD's defaults */
}

void sgd_step(double *params, const double *grads, size_t n,
              const SgdConfig *cfg, SgdState *state)
{
    // BEGIN SOLUTION
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
    // END SOLUTION
    // STUB: (void)params; (void)grads; (void)n; (void)cfg; (void)state;
    // STUB: /* TODO: lesson section "SGD with momentum" */
}
//< sgd

/* ================================================================= Adam */

//> adam
/* torch.optim.Adam (Kingma and Ba, 2015; AMSGrad: Reddi et al., 2018).
 * At step t = 1, 2, ...:
 *   g ← g + λθ                       (L2: the decay joins the gradient)
 *   m ← β1·m + (1 - β1)·g            v ← β2·v + (1 - β2)·g²
 *   v_max ← max(v_max, v)            (AMSGrad only; then v_max replaces v)
 *   θ ← θ - η/(1 - β1^t) · m / (√v / √(1 - β2^t) + ε)                    */
AdamConfig adam_default_config(void)
{
    // BEGIN SOLUTION
    return (AdamConfig){.lr = 1e-3, .beta1 = 0.9, .beta2 = 0.999,
                        .eps = 1e-8, .weight_decay = 0.0, .amsgrad = false};
    // END SOLUTION
    // STUB: return (AdamConfig){0}; /* TODO: torch.optim.Adam's defaults */
}

// BEGIN SOLUTION
/* Adam's per-step scalars, computed once per step rather than once per
 * parameter: the step size η/(1 - β1^t) and √(1 - β2^t). */
typedef struct {
    double step_size, bias_correction2_sqrt;
} AdamScalars;

static AdamScalars adam_count_step(const AdamConfig *cfg, AdamState *state)
{
    size_t t = ++state->step; /* t = 1 on the first step */
    return (AdamScalars){
        .step_size = cfg->lr / (1.0 - pow(cfg->beta1, (double)t)),
        .bias_correction2_sqrt = sqrt(1.0 - pow(cfg->beta2, (double)t)),
    };
}

/* The part Adam and AdamW share, for parameter i: the moments and the
 * step, with g already holding Adam's L2 term if there is one. */
static void adam_update(double *params, double g, size_t i,
                        const AdamConfig *cfg, AdamState *state,
                        AdamScalars k)
{
    double *m = &state->exp_avg[i], *v = &state->exp_avg_sq[i];
    *m = cfg->beta1 * *m + (1.0 - cfg->beta1) * g;
    *v = cfg->beta2 * *v + (1.0 - cfg->beta2) * g * g;
    double second = *v;
    if (cfg->amsgrad) {
        double *v_max = &state->max_exp_avg_sq[i];
        *v_max = fmax(*v_max, *v);
        second = *v_max;
    }
    double denom = sqrt(second) / k.bias_correction2_sqrt + cfg->eps;
    params[i] -= k.step_size * *m / denom;
}
// END SOLUTION

void adam_step(double *params, const double *grads, size_t n,
               const AdamConfig *cfg, AdamState *state)
{
    // BEGIN SOLUTION
    AdamScalars k = adam_count_step(cfg, state);
    for (size_t i = 0; i < n; i++) {
        double g = grads[i] + cfg->weight_decay * params[i];
        adam_update(params, g, i, cfg, state, k);
    }
    // END SOLUTION
    // STUB: (void)params; (void)grads; (void)n; (void)cfg; (void)state;
    // STUB: /* TODO: lesson section "Adam" */
}
//< adam

/* ================================================================ AdamW */

//> adamw
/* torch.optim.AdamW (Loshchilov and Hutter, 2019): the same moments, but
 * weight decay shrinks the weights directly, before the Adam step, instead
 * of joining the gradient:   θ ← θ·(1 - ηλ), then Adam's step without λ.
 * With L2 (Adam above) the decay term is divided by √v like the rest of
 * the gradient, so weights with large gradients are barely decayed;
 * decoupled, every weight shrinks by the same factor. */
AdamWConfig adamw_default_config(void)
{
    // BEGIN SOLUTION
    return (AdamWConfig){.lr = 1e-3, .beta1 = 0.9, .beta2 = 0.999,
                         .eps = 1e-8, .weight_decay = 1e-2, .amsgrad = false};
    // END SOLUTION
    // STUB: return (AdamWConfig){0}; /* TODO: torch.optim.AdamW's defaults */
}

void adamw_step(double *params, const double *grads, size_t n,
                const AdamWConfig *cfg, AdamState *state)
{
    // BEGIN SOLUTION
    AdamScalars k = adam_count_step(cfg, state);
    for (size_t i = 0; i < n; i++) {
        params[i] *= 1.0 - cfg->lr * cfg->weight_decay;
        adam_update(params, grads[i], i, cfg, state, k);
    }
    // END SOLUTION
    // STUB: (void)params; (void)grads; (void)n; (void)cfg; (void)state;
    // STUB: /* TODO: lesson section "AdamW: decoupled weight decay" */
}
//< adamw

/* ============================================================== RMSprop */

//> rmsprop
/* torch.optim.RMSprop (Hinton's lecture 6e, 2012; centering: Graves, 2013):
 *   g ← g + λθ
 *   s ← α·s + (1 - α)·g²             a ← α·a + (1 - α)·g   (centered)
 *   r ← √s + ε, or √(s - a²) + ε when centered
 *   b ← μb + g/r, θ ← θ - η·b (momentum μ > 0); else θ ← θ - η·g/r       */
RmspropConfig rmsprop_default_config(void)
{
    // BEGIN SOLUTION
    return (RmspropConfig){.lr = 1e-2, .alpha = 0.99, .eps = 1e-8,
                           .weight_decay = 0.0, .momentum = 0.0,
                           .centered = false};
    // END SOLUTION
    // STUB: return (RmspropConfig){0}; /* TODO: torch.optim.RMSprop's defaults */
}

void rmsprop_step(double *params, const double *grads, size_t n,
                  const RmspropConfig *cfg, RmspropState *state)
{
    // BEGIN SOLUTION
    for (size_t i = 0; i < n; i++) {
        double g = grads[i] + cfg->weight_decay * params[i];
        double *s = &state->square_avg[i];
        *s = cfg->alpha * *s + (1.0 - cfg->alpha) * g * g;
        double mean_square = *s;
        if (cfg->centered) {
            double *a = &state->grad_avg[i];
            *a = cfg->alpha * *a + (1.0 - cfg->alpha) * g;
            mean_square = *s - *a * *a;
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
    // END SOLUTION
    // STUB: (void)params; (void)grads; (void)n; (void)cfg; (void)state;
    // STUB: /* TODO: lesson section "RMSprop" */
}
//< rmsprop

/* ============================================================== Adagrad */

//> adagrad
/* torch.optim.Adagrad (Duchi, Hazan and Singer, 2011). The accumulator
 * starts at initial_accumulator_value (adagrad_state_init); at step
 * t = 1, 2, ...:
 *   g ← g + λθ      η_t ← η / (1 + (t - 1)·lr_decay)
 *   s ← s + g²      θ ← θ - η_t · g / (√s + ε)                            */
AdagradConfig adagrad_default_config(void)
{
    // BEGIN SOLUTION
    return (AdagradConfig){.lr = 1e-2, .lr_decay = 0.0, .weight_decay = 0.0,
                           .initial_accumulator_value = 0.0, .eps = 1e-10};
    // END SOLUTION
    // STUB: return (AdagradConfig){0}; /* TODO: torch.optim.Adagrad's defaults */
}

void adagrad_step(double *params, const double *grads, size_t n,
                  const AdagradConfig *cfg, AdagradState *state)
{
    // BEGIN SOLUTION
    state->step++;
    double t = (double)state->step;
    double clr = cfg->lr / (1.0 + (t - 1.0) * cfg->lr_decay);
    for (size_t i = 0; i < n; i++) {
        double g = grads[i] + cfg->weight_decay * params[i];
        state->sum[i] += g * g;
        double std = sqrt(state->sum[i]) + cfg->eps;
        params[i] -= clr * g / std;
    }
    // END SOLUTION
    // STUB: (void)params; (void)grads; (void)n; (void)cfg; (void)state;
    // STUB: /* TODO: lesson section "Adagrad" */
}
//< adagrad

/* ================================================================= Lion */

//> lion
/* Lion (Chen et al., "Symbolic Discovery of Optimization Algorithms",
 * 2023, Algorithm 2). Not in torch.optim; the common PyTorch version is
 * lucidrains' lion-pytorch, whose defaults (η = 1e-4, λ = 0) are used here.
 *   c ← β1·m + (1 - β1)·g
 *   θ ← θ·(1 - ηλ) - η·sign(c)
 *   m ← β2·m + (1 - β2)·g        (after c: two different betas)          */
LionConfig lion_default_config(void)
{
    // BEGIN SOLUTION
    return (LionConfig){.lr = 1e-4, .beta1 = 0.9, .beta2 = 0.99,
                        .weight_decay = 0.0};
    // END SOLUTION
    // STUB: return (LionConfig){0}; /* TODO: lion-pytorch's defaults */
}

void lion_step(double *params, const double *grads, size_t n,
               const LionConfig *cfg, LionState *state)
{
    // BEGIN SOLUTION
    for (size_t i = 0; i < n; i++) {
        double *m = &state->exp_avg[i];
        double c = cfg->beta1 * *m + (1.0 - cfg->beta1) * grads[i];
        double sign_c = (double)((c > 0.0) - (c < 0.0)); /* sign(0) = 0 */
        double decayed = params[i] * (1.0 - cfg->lr * cfg->weight_decay);
        params[i] = decayed - cfg->lr * sign_c;
        *m = cfg->beta2 * *m + (1.0 - cfg->beta2) * grads[i];
    }
    state->step++;
    // END SOLUTION
    // STUB: (void)params; (void)grads; (void)n; (void)cfg; (void)state;
    // STUB: /* TODO: lesson section "Lion" */
}
//< lion
