/*
 * optimizer.c: one door to chapter 4's optimizers (see optimizer.h). Every
 * function here only picks which of chapter 4's functions to call.
 */
#include "optimizer.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const optimizer_names[] = {"sgd",     "adam",    "adamw",
                                       "rmsprop", "adagrad", "lion",
                                       NULL};

OptimizerKind optimizer_kind(const char *name)
{
    return (OptimizerKind)cli_choice_index(optimizer_names, name);
}

OptimizerConfig optimizer_default_config(OptimizerKind kind)
{
    OptimizerConfig c = {.kind = kind};
    switch (kind) {
    case OPTIMIZER_SGD: c.sgd = sgd_default_config(); break;
    case OPTIMIZER_ADAM: c.adam = adam_default_config(); break;
    case OPTIMIZER_ADAMW: c.adam = adamw_default_config(); break;
    case OPTIMIZER_RMSPROP: c.rmsprop = rmsprop_default_config(); break;
    case OPTIMIZER_ADAGRAD: c.adagrad = adagrad_default_config(); break;
    case OPTIMIZER_LION: c.lion = lion_default_config(); break;
    }
    return c;
}

/* Where the learning rate sits in each kind's config. */
static double *lr_of(OptimizerConfig *cfg)
{
    switch (cfg->kind) {
    case OPTIMIZER_SGD: return &cfg->sgd.lr;
    case OPTIMIZER_ADAM:
    case OPTIMIZER_ADAMW: return &cfg->adam.lr;
    case OPTIMIZER_RMSPROP: return &cfg->rmsprop.lr;
    case OPTIMIZER_ADAGRAD: return &cfg->adagrad.lr;
    case OPTIMIZER_LION: return &cfg->lion.lr;
    }
    assert(!"lr_of: not an OptimizerKind");
    return NULL;
}

double optimizer_lr(const OptimizerConfig *cfg)
{
    return *lr_of((OptimizerConfig *)cfg);
}

void optimizer_set_lr(OptimizerConfig *cfg, double lr)
{
    *lr_of(cfg) = lr;
}

/* Adam's step per parameter is lr times m̂/(√v̂ + ε). By Cauchy-Schwarz,
 * |m̂| ≤ √v̂ times a constant when β1² < β2; when β1² ≥ β2 (--beta2 0, say)
 * there is no such bound (unless β1 = 0: m̂ is then the gradient itself),
 * and a parameter whose gradient falls to 0 after being large (a ReLU unit
 * idle for a batch) steps by about lr·m̂/ε. AMSGrad divides by the
 * largest v̂ so far, which keeps a bound. */
static bool adam_unbounded(const OptimizerConfig *cfg, const char *program,
                           size_t step)
{
    if ((cfg->kind != OPTIMIZER_ADAM && cfg->kind != OPTIMIZER_ADAMW) ||
        cfg->adam.amsgrad || cfg->adam.beta1 == 0.0 ||
        cfg->adam.beta1 * cfg->adam.beta1 < cfg->adam.beta2)
        return false;
    loop_say_diverged(program, step);
    fprintf(stderr,
            ": with --beta1 %g and --beta2 %g (beta1 squared at least "
            "beta2), --optimizer %s's steps have no bound: a parameter whose "
            "gradient falls to 0 after being large moves by about --lr times "
            "m/eps (keep --beta2 above --beta1 squared, as torch's 0.999 is, "
            "or add --amsgrad)\n",
            cfg->adam.beta1, cfg->adam.beta2, optimizer_names[cfg->kind]);
    return true;
}

bool optimizer_blame(const OptimizerConfig *cfg, const char *program,
                     size_t step)
{
    if (adam_unbounded(cfg, program, step))
        return true;
    double eps = cfg->kind == OPTIMIZER_ADAM || cfg->kind == OPTIMIZER_ADAMW
                     ? cfg->adam.eps
                 : cfg->kind == OPTIMIZER_RMSPROP ? cfg->rmsprop.eps
                 : cfg->kind == OPTIMIZER_ADAGRAD ? cfg->adagrad.eps
                                                  : 1.0;
    if (eps != 0.0)
        return false;
    loop_say_diverged(program, step);
    fprintf(stderr,
            ": with --eps 0, --optimizer %s divides 0 by 0 for any parameter "
            "whose gradient has been 0 so far (give --eps a small positive "
            "value, torch's %s; if no gradient was 0, divide --lr by 10)\n",
            optimizer_names[cfg->kind],
            cfg->kind == OPTIMIZER_ADAGRAD ? "1e-10" : "1e-8");
    return true;
}

bool optimizer_init(Optimizer *optimizer, const OptimizerConfig *cfg,
                    size_t n)
{
    *optimizer = (Optimizer){.config = *cfg};
    switch (cfg->kind) {
    case OPTIMIZER_SGD: return sgd_state_init(&optimizer->state.sgd, n);
    case OPTIMIZER_ADAM:
    case OPTIMIZER_ADAMW: return adam_state_init(&optimizer->state.adam, n);
    case OPTIMIZER_RMSPROP:
        return rmsprop_state_init(&optimizer->state.rmsprop, n);
    case OPTIMIZER_ADAGRAD:
        return adagrad_state_init(&optimizer->state.adagrad, n,
                                  &cfg->adagrad);
    case OPTIMIZER_LION: return lion_state_init(&optimizer->state.lion, n);
    }
    return false;
}

//> optimizer-step
/* The training loop calls this one function whatever the optimizer: the
 * kind picks chapter 4's step, with its config and its own state. */
void optimizer_step(double *params, const double *grads, size_t n,
                    void *optimizer)
{
    Optimizer *o = optimizer;
    const OptimizerConfig *c = &o->config;
    switch (c->kind) {
    case OPTIMIZER_SGD:
        sgd_step(params, grads, n, &c->sgd, &o->state.sgd);
        break;
    case OPTIMIZER_ADAM:
        adam_step(params, grads, n, &c->adam, &o->state.adam);
        break;
    case OPTIMIZER_ADAMW:
        adamw_step(params, grads, n, &c->adam, &o->state.adam);
        break;
    case OPTIMIZER_RMSPROP:
        rmsprop_step(params, grads, n, &c->rmsprop, &o->state.rmsprop);
        break;
    case OPTIMIZER_ADAGRAD:
        adagrad_step(params, grads, n, &c->adagrad, &o->state.adagrad);
        break;
    case OPTIMIZER_LION:
        lion_step(params, grads, n, &c->lion, &o->state.lion);
        break;
    }
}
//< optimizer-step

void optimizer_free(Optimizer *optimizer)
{
    switch (optimizer->config.kind) {
    case OPTIMIZER_SGD: sgd_state_free(&optimizer->state.sgd); break;
    case OPTIMIZER_ADAM:
    case OPTIMIZER_ADAMW: adam_state_free(&optimizer->state.adam); break;
    case OPTIMIZER_RMSPROP:
        rmsprop_state_free(&optimizer->state.rmsprop);
        break;
    case OPTIMIZER_ADAGRAD:
        adagrad_state_free(&optimizer->state.adagrad);
        break;
    case OPTIMIZER_LION: lion_state_free(&optimizer->state.lion); break;
    }
}

bool optimizer_train(const OptimizerConfig *cfg, const Objective *objective,
                     Loop loop, double *theta, LoopResult *result)
{
    size_t n = objective->dim;
    Optimizer optimizer;
    double *grads = malloc((n ? n : 1) * sizeof *grads);
    if (!grads || !optimizer_init(&optimizer, cfg, n)) {
        free(grads);
        return false;
    }
    loop.step = optimizer_step;
    loop.optimizer = &optimizer;
    *result = loop_run(objective, &loop, theta, grads);
    optimizer_free(&optimizer);
    free(grads);
    return true;
}

/* ------------------------------------------------------------- the flags */

CliStatus optimizer_flags_check(Cli *cli, const OptimizerFlags *flags)
{
    /* The flags' own bounds are only >= 0, so that 1.5 and 1 get this one
     * message. */
    const struct {
        const char *name;
        double value;
    } below_one[] = {{"beta1", flags->beta1},
                     {"beta2", flags->beta2},
                     {"alpha", flags->alpha},
                     {"momentum", flags->momentum}};
    for (size_t i = 0; i < sizeof below_one / sizeof *below_one; i++)
        if (cli_given(cli, below_one[i].name) && below_one[i].value >= 1.0)
            return cli_reject(cli, below_one[i].name, NULL,
                              "must be in [0, 1)");
    if (flags->nesterov && (flags->momentum == 0.0 || flags->dampening != 0.0))
        return cli_reject(cli, "nesterov", NULL,
                          "needs --momentum above 0 and no --dampening");
    if (cli_given(cli, "dampening") && flags->momentum == 0.0)
        return cli_reject(cli, "dampening", NULL,
                          "has no effect without --momentum");
    return CLI_RUN;
}

/* Sets *setting to value when the flag was given; the defaults stay
 * otherwise. */
static void apply(Cli *cli, const char *name, double *setting, double value)
{
    if (cli_given(cli, name))
        *setting = value;
}

OptimizerConfig optimizer_flags_config(Cli *cli, const OptimizerFlags *flags)
{
    OptimizerConfig c = optimizer_default_config(optimizer_kind(flags->name));
    if (cli_given(cli, "lr"))
        optimizer_set_lr(&c, flags->lr);
    /* The scopes have refused every flag the kind does not have. */
    switch (c.kind) {
    case OPTIMIZER_SGD:
        apply(cli, "momentum", &c.sgd.momentum, flags->momentum);
        apply(cli, "dampening", &c.sgd.dampening, flags->dampening);
        apply(cli, "weight-decay", &c.sgd.weight_decay, flags->weight_decay);
        if (flags->nesterov)
            c.sgd.nesterov = true;
        break;
    case OPTIMIZER_ADAM:
    case OPTIMIZER_ADAMW:
        apply(cli, "beta1", &c.adam.beta1, flags->beta1);
        apply(cli, "beta2", &c.adam.beta2, flags->beta2);
        apply(cli, "eps", &c.adam.eps, flags->eps);
        apply(cli, "weight-decay", &c.adam.weight_decay, flags->weight_decay);
        if (flags->amsgrad)
            c.adam.amsgrad = true;
        break;
    case OPTIMIZER_RMSPROP:
        apply(cli, "alpha", &c.rmsprop.alpha, flags->alpha);
        apply(cli, "eps", &c.rmsprop.eps, flags->eps);
        apply(cli, "weight-decay", &c.rmsprop.weight_decay,
              flags->weight_decay);
        apply(cli, "momentum", &c.rmsprop.momentum, flags->momentum);
        if (flags->centered)
            c.rmsprop.centered = true;
        break;
    case OPTIMIZER_ADAGRAD:
        apply(cli, "lr-decay", &c.adagrad.lr_decay, flags->lr_decay);
        apply(cli, "weight-decay", &c.adagrad.weight_decay,
              flags->weight_decay);
        apply(cli, "initial-accumulator-value",
              &c.adagrad.initial_accumulator_value,
              flags->initial_accumulator_value);
        apply(cli, "eps", &c.adagrad.eps, flags->eps);
        break;
    case OPTIMIZER_LION:
        apply(cli, "beta1", &c.lion.beta1, flags->beta1);
        apply(cli, "beta2", &c.lion.beta2, flags->beta2);
        apply(cli, "weight-decay", &c.lion.weight_decay, flags->weight_decay);
        break;
    }
    return c;
}
