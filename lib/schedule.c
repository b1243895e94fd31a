/*
 * schedule.c: chapter 7's schedules as PyTorch's scheduler objects run them
 * (see schedule.h). The rates themselves are chapter 7's functions; this
 * file keeps the count, the state, and the order of calls.
 */
#include "schedule.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const schedule_names[] = {
    "constant", "step",   "multistep", "exponential",   "cosine",
    "cosine-restarts", "linear", "onecycle", "warmup-cosine", "plateau",
    NULL};
const char *const anneal_strategy_names[] = {"cos", "linear", NULL};
const char *const threshold_mode_names[] = {"rel", "abs", NULL};

//> schedule-rate
/* The rate of step s->k, from the rate of step k - 1 in s->lr: PyTorch's
 * get_lr() for every kind. */
static double rate(Schedule *s)
{
    const ScheduleConfig *c = &s->config;
    size_t k = s->k;
    switch (c->kind) {
    case SCHEDULE_CONSTANT: return s->lr;
    case SCHEDULE_STEP: return step_lr_next(s->lr, k, c->step_size, c->gamma);
    case SCHEDULE_MULTISTEP:
        return multistep_lr_next(s->lr, k, c->milestones, c->milestone_count,
                                 c->gamma);
    case SCHEDULE_EXPONENTIAL: return exponential_lr_next(s->lr, k, c->gamma);
    case SCHEDULE_COSINE:
        return cosine_lr_next(s->lr, c->base_lr, c->eta_min, k, c->t_max);
    case SCHEDULE_COSINE_RESTARTS:
        return cosine_lr(c->base_lr, c->eta_min, s->restarts.t_cur,
                         s->restarts.t_i);
    case SCHEDULE_LINEAR:
        return linear_lr_next(s->lr, k, c->start_factor, c->end_factor,
                              c->total_iters);
    case SCHEDULE_ONECYCLE:
        return onecycle_lr(&c->onecycle, k, &s->momentum);
    case SCHEDULE_WARMUP_COSINE:
        return warmup_cosine_lr_next(s->lr, c->base_lr, k, &c->warmup);
    case SCHEDULE_PLATEAU: return s->lr; /* it changes only in advance */
    }
    assert(!"rate: not a ScheduleKind");
    return NAN;
}

/* Notes the first step whose rate no schedule should give, so that a run
 * that then diverges can blame the schedule rather than the base rate. */
static void watch_rate(Schedule *s)
{
    if (!s->went_bad && !(s->lr >= 0.0 && isfinite(s->lr))) {
        s->went_bad = true;
        s->bad_step = s->k;
        s->bad_lr = s->lr;
    }
}

void schedule_start(Schedule *s, const ScheduleConfig *cfg)
{
    *s = (Schedule){.config = *cfg, .k = 0, .lr = cfg->base_lr};
    s->restarts = (Restarts){.t_cur = 0, .t_i = cfg->t_0};
    s->plateau = (PlateauState){
        .best = cfg->plateau.mode == PLATEAU_MIN ? INFINITY : -INFINITY};
    s->lr = rate(s);
    watch_rate(s);
}

void schedule_advance(Schedule *s, double loss)
{
    if (s->config.kind == SCHEDULE_PLATEAU) {
        s->lr = plateau_step(&s->plateau, &s->config.plateau, s->lr, loss);
        s->k++;
    } else {
        s->k++;
        if (s->config.kind == SCHEDULE_COSINE_RESTARTS)
            restarts_advance(&s->restarts, s->config.t_mult);
        s->lr = rate(s);
    }
    watch_rate(s);
}
//< schedule-rate

bool schedule_blame(const Schedule *s, const char *program, const char *name,
                    size_t step)
{
    if (!s->went_bad)
        return false;
    loop_say_diverged(program, step);
    fprintf(stderr,
            ", after --schedule %s gave step %zu a rate of %g: a rate must "
            "be a number >= 0 (check chapter 7's functions)\n",
            name, s->bad_step, s->bad_lr);
    return true;
}

/* ----------------------------------------------------------- training */

/* Where one cycle's momentum goes in each optimizer: SGD's and RMSprop's
 * momentum, Adam's, AdamW's and Lion's β1 (PyTorch's "betas"); Adagrad
 * has none. */
static double *momentum_of(OptimizerConfig *cfg)
{
    switch (cfg->kind) {
    case OPTIMIZER_SGD: return &cfg->sgd.momentum;
    case OPTIMIZER_ADAM:
    case OPTIMIZER_ADAMW: return &cfg->adam.beta1;
    case OPTIMIZER_RMSPROP: return &cfg->rmsprop.momentum;
    case OPTIMIZER_LION: return &cfg->lion.beta1;
    case OPTIMIZER_ADAGRAD: return NULL;
    }
    return NULL;
}

/* The schedule's rate (and one cycle's momentum) into an optimizer's
 * settings. */
static void apply_schedule(const Schedule *schedule, OptimizerConfig *cfg)
{
    optimizer_set_lr(cfg, schedule->lr);
    double *momentum = momentum_of(cfg);
    if (schedule->config.kind == SCHEDULE_ONECYCLE &&
        schedule->config.cycle_momentum && momentum)
        *momentum = schedule->momentum;
}

bool scheduled_optimizer_init(ScheduledOptimizer *so,
                              const OptimizerConfig *ocfg,
                              const ScheduleConfig *scfg, size_t n)
{
    *so = (ScheduledOptimizer){.loss = NAN};
    ScheduleConfig c = *scfg;
    c.base_lr = optimizer_lr(ocfg);
    schedule_start(&so->schedule, &c);
    /* The optimizer starts with step 0's settings, as PyTorch's does once
     * the scheduler is built (one cycle sets the momentum then, so that
     * RMSprop creates its momentum buffer). */
    OptimizerConfig first = *ocfg;
    apply_schedule(&so->schedule, &first);
    return optimizer_init(&so->optimizer, &first, n);
}

void scheduled_optimizer_free(ScheduledOptimizer *so)
{
    optimizer_free(&so->optimizer);
}

//> scheduled-step
/* optimizer.step(); scheduler.step(): the rate of this step was set
 * before it, and the next one's is set after. */
void scheduled_optimizer_step(double *params, const double *grads, size_t n,
                              void *scheduled)
{
    ScheduledOptimizer *so = scheduled;
    optimizer_step(params, grads, n, &so->optimizer);
    schedule_advance(&so->schedule, so->loss);
    apply_schedule(&so->schedule, &so->optimizer.config);
}
//< scheduled-step

/* The caller's row callback, after noting the loss the step will be
 * taken at (ReduceLROnPlateau's metric). */
typedef struct {
    ScheduledOptimizer *so;
    RowFn row;
    void *row_ctx;
} RowRelay;

static bool relay_row(size_t step, double loss, const double *params,
                      const double *grads, size_t n, void *relay)
{
    RowRelay *r = relay;
    r->so->loss = loss;
    return r->row ? r->row(step, loss, params, grads, n, r->row_ctx) : true;
}

LoopResult scheduled_optimizer_run(ScheduledOptimizer *so,
                                   const Objective *objective, Loop loop,
                                   double *theta, double *grads)
{
    RowRelay relay = {so, loop.row, loop.row_ctx};
    loop.step = scheduled_optimizer_step;
    loop.optimizer = so;
    loop.row = relay_row;
    loop.row_ctx = &relay;
    return loop_run(objective, &loop, theta, grads);
}

/* ------------------------------------------------------------- the flags */

static ScheduleKind schedule_kind(const char *name)
{
    return (ScheduleKind)cli_choice_index(schedule_names, name);
}

/* The flags a schedule cannot run without (PyTorch has no default). */
static CliStatus require(Cli *cli, const char *schedule, const char *flag)
{
    if (cli_given(cli, flag))
        return CLI_RUN;
    char why[120];
    snprintf(why, sizeof why,
             "is required by --schedule %s (PyTorch has no default for it)",
             schedule);
    return cli_reject(cli, flag, "(missing)", why);
}

/* One cycle's phase ends (schedule.h's formulas), each of which must come
 * at least a step after the one before. This is stricter than PyTorch,
 * which divides by 0 only at a phase of exactly 0 steps and runs a
 * shorter one: a phase with no step of its own is not the cycle the
 * lesson draws (4 steps at --pct-start 0.3 never take the peak rate). */
static CliStatus check_one_cycle(Cli *cli, const ScheduleFlags *f,
                                 size_t total)
{
    double up = f->pct_start * (double)total;
    double ends[3] = {up - 1.0, (double)total - 1.0, 0.0};
    size_t count = 2;
    if (f->three_phase) {
        ends[1] = 2.0 * f->pct_start * (double)total - 2.0;
        ends[2] = (double)total - 1.0;
        count = 3;
    }
    double start = 0.0;
    for (size_t i = 0; i < count; i++) {
        if (!(ends[i] - start >= 1.0)) {
            char why[160];
            snprintf(why, sizeof why, "leaves a phase of the %zu-step cycle "
                     "shorter than a step: each needs one (a longer run or "
                     "--total-steps, or another --pct-start)", total);
            return cli_reject(cli, "pct-start", NULL, why);
        }
        start = ends[i];
    }
    return CLI_RUN;
}

CliStatus schedule_flags_check(Cli *cli, const ScheduleFlags *f,
                               size_t steps, const char *optimizer)
{
    ScheduleKind kind = schedule_kind(f->name);
    switch (kind) {
    case SCHEDULE_STEP: return require(cli, f->name, "step-size");
    case SCHEDULE_EXPONENTIAL: return require(cli, f->name, "gamma");
    case SCHEDULE_COSINE_RESTARTS: return require(cli, f->name, "t-0");
    case SCHEDULE_MULTISTEP:
        if (require(cli, f->name, "milestones") != CLI_RUN)
            return CLI_BAD_INPUT;
        for (size_t i = 0; i < f->milestones.count; i++) {
            double m = f->milestones.values[i];
            if (!(m >= 0 && m <= 1e7 && m == floor(m)) ||
                (i > 0 && m < f->milestones.values[i - 1]))
                return cli_reject(cli, "milestones", NULL,
                                  "must be whole steps from 0 to 1e7, in "
                                  "ascending order");
        }
        return CLI_RUN;
    case SCHEDULE_ONECYCLE: {
        size_t total = cli_given(cli, "total-steps") ? f->total_steps : steps;
        if (total < steps || total < 2) {
            char why[160];
            snprintf(why, sizeof why, "must be at least the run's %zu steps, "
                     "and 2 (PyTorch refuses to step past the end of the "
                     "cycle)", steps);
            return cli_reject(cli, "total-steps", NULL, why);
        }
        if (f->base_momentum > f->max_momentum)
            return cli_reject_against(cli, "base-momentum", "must not exceed",
                                      "max-momentum");
        /* The cycled value replaces the optimizer's own momentum or β1,
         * which optimizer_flags_check keeps below 1: Adam's bias
         * correction divides by 1 - β1^t, and a momentum of 1 never
         * forgets a gradient. */
        if (optimizer && !f->no_cycle_momentum && f->max_momentum >= 1.0) {
            bool beta = strcmp(optimizer, "adam") == 0 ||
                        strcmp(optimizer, "adamw") == 0 ||
                        strcmp(optimizer, "lion") == 0;
            char why[160];
            snprintf(why, sizeof why, "must be below 1: it becomes "
                     "--optimizer %s's %s, which must be in [0, 1)",
                     optimizer, beta ? "beta1" : "momentum");
            return cli_reject(cli, "max-momentum", NULL, why);
        }
        if (optimizer && strcmp(optimizer, "adagrad") == 0 &&
            !f->no_cycle_momentum)
            return cli_reject(cli, "optimizer", optimizer,
                              "has no momentum for --schedule onecycle to "
                              "cycle (add --no-cycle-momentum)");
        return check_one_cycle(cli, f, total);
    }
    case SCHEDULE_WARMUP_COSINE:
        if (require(cli, f->name, "warmup-steps") != CLI_RUN)
            return CLI_BAD_INPUT;
        if (!cli_given(cli, "t-max") && f->warmup_steps >= steps) {
            /* "the run's steps": chapter 8 counts them from --epochs */
            char why[128];
            snprintf(why, sizeof why, "leaves no step for the cosine: make "
                     "it less than the run's %zu steps, or give --t-max",
                     steps);
            return cli_reject(cli, "warmup-steps", NULL, why);
        }
        return CLI_RUN;
    case SCHEDULE_PLATEAU:
        if (!optimizer)
            return cli_reject(cli, "schedule", f->name,
                              "needs --problem: it watches the training "
                              "loss");
        return CLI_RUN;
    case SCHEDULE_CONSTANT:
    case SCHEDULE_COSINE:
    case SCHEDULE_LINEAR: return CLI_RUN;
    }
    return CLI_RUN;
}

ScheduleConfig schedule_flags_config(Cli *cli, const ScheduleFlags *f,
                                     size_t steps, double lr)
{
    ScheduleConfig c = {
        .kind = schedule_kind(f->name),
        .base_lr = lr,
        .step_size = f->step_size,
        .gamma = f->gamma,
        .milestone_count = f->milestones.count,
        .t_max = cli_given(cli, "t-max") ? f->t_max : steps,
        .eta_min = f->eta_min,
        .t_0 = f->t_0,
        .t_mult = f->t_mult,
        .start_factor = f->start_factor,
        .end_factor = f->end_factor,
        .total_iters = f->total_iters,
        .cycle_momentum = !f->no_cycle_momentum,
        .plateau = {.mode = PLATEAU_MIN,
                    .factor = f->factor,
                    .patience = f->patience,
                    .threshold = f->threshold,
                    .threshold_mode = strcmp(f->threshold_mode, "abs") == 0
                                          ? THRESHOLD_ABS
                                          : THRESHOLD_REL,
                    .cooldown = f->cooldown,
                    .min_lr = f->min_lr,
                    .eps = 1e-8}};
    for (size_t i = 0; i < f->milestones.count; i++)
        c.milestones[i] = (size_t)f->milestones.values[i];
    c.onecycle = (OneCycle){
        .max_lr = cli_given(cli, "max-lr") ? f->max_lr : lr,
        .total_steps = cli_given(cli, "total-steps") ? f->total_steps : steps,
        .pct_start = f->pct_start,
        .anneal_linear = strcmp(f->anneal_strategy, "linear") == 0,
        .div_factor = f->div_factor,
        .final_div_factor = f->final_div_factor,
        .three_phase = f->three_phase,
        .base_momentum = f->base_momentum,
        .max_momentum = f->max_momentum};
    c.warmup = (WarmupCosine){
        .start_factor = f->start_factor,
        .warmup_steps = f->warmup_steps,
        .t_max = cli_given(cli, "t-max") ? f->t_max
                                         : steps - f->warmup_steps,
        .eta_min = f->eta_min};
    return c;
}
