/*
 * schedule.h: chapter 7's learning-rate schedules behind one interface,
 * for the programs that train with any of them.
 *
 * Chapter 7's exercises (07-schedules.h) give each schedule's formula on
 * its own. A program that lets the user pick one by name (--schedule
 * cosine) needs what PyTorch's scheduler objects add around the formula:
 * the base rate, the step count, what a schedule remembers (warm
 * restarts' period, ReduceLROnPlateau's best loss), and the loop that
 * applies the rate to the optimizer before every step and steps the
 * schedule after it (optimizer.step(); scheduler.step()). Every rate comes
 * from chapter 7's functions (solutions/07-schedules.c, or yours under
 * `make try CH=07`); every step from chapter 4's optimizers.
 */
#ifndef SCHEDULE_H
#define SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>

#include "07-schedules.h"
#include "cli.h"
#include "loop.h"
#include "optimizer.h"

typedef enum {
    SCHEDULE_CONSTANT,
    SCHEDULE_STEP,
    SCHEDULE_MULTISTEP,
    SCHEDULE_EXPONENTIAL,
    SCHEDULE_COSINE,
    SCHEDULE_COSINE_RESTARTS,
    SCHEDULE_LINEAR,
    SCHEDULE_ONECYCLE,
    SCHEDULE_WARMUP_COSINE,
    SCHEDULE_PLATEAU
} ScheduleKind;

/* The names --schedule takes, in ScheduleKind's order; NULL-terminated. */
extern const char *const schedule_names[];

/* A schedule's settings; only its kind's members are read. */
typedef struct {
    ScheduleKind kind;
    double base_lr;                     /* the optimizer's lr */
    size_t step_size;                   /* step */
    double gamma;                       /* step, multistep, exponential */
    size_t milestones[CLI_MAX_LIST];    /* multistep, ascending */
    size_t milestone_count;
    size_t t_max;                       /* cosine */
    double eta_min;                     /* cosine, cosine-restarts */
    size_t t_0, t_mult;                 /* cosine-restarts */
    double start_factor, end_factor;    /* linear */
    size_t total_iters;                 /* linear */
    OneCycle onecycle;                  /* onecycle */
    bool cycle_momentum;                /* onecycle: also sets momentum/β1 */
    WarmupCosine warmup;                /* warmup-cosine */
    PlateauConfig plateau;              /* plateau */
} ScheduleConfig;

/* A schedule in motion: the rate (and one cycle's momentum) of step k. */
typedef struct {
    ScheduleConfig config;
    size_t k;
    double lr;
    double momentum; /* onecycle with cycle_momentum only */
    Restarts restarts;
    PlateauState plateau;
    bool went_bad;     /* a rate was negative, inf or nan: a broken schedule */
    size_t bad_step;   /* the first such step */
    double bad_lr;     /* and its rate */
} Schedule;

/* The schedule at step 0 (PyTorch's scheduler just constructed). */
void schedule_start(Schedule *s, const ScheduleConfig *cfg);

/* The scheduler's step after optimizer step k: s->lr becomes step k + 1's
 * rate. `loss` is step k's loss, which only plateau reads. */
void schedule_advance(Schedule *s, double loss);

/* When the schedule gave a rate below 0, inf or nan (a broken schedule
 * function), says so on stderr for a run that diverged at step `step`,
 * naming `program` and --schedule `name`, and returns true; false, saying
 * nothing, when every rate was sound. */
bool schedule_blame(const Schedule *s, const char *program, const char *name,
                    size_t step);

/* ------------------------------------------------ training with a schedule */

/* Chapter 4's optimizer driven by a schedule: before every step the
 * optimizer's lr (and, for one cycle, its momentum or β1) is the
 * schedule's; after it the schedule advances with that step's loss. */
typedef struct {
    Optimizer optimizer;
    Schedule schedule;
    double loss; /* the loss of the step about to be taken */
} ScheduledOptimizer;

/* The optimizer from ocfg for n parameters, driven by scfg (whose base_lr
 * this sets to ocfg's lr). False when out of memory; free it with
 * scheduled_optimizer_free. */
bool scheduled_optimizer_init(ScheduledOptimizer *so,
                              const OptimizerConfig *ocfg,
                              const ScheduleConfig *scfg, size_t n);
void scheduled_optimizer_free(ScheduledOptimizer *so);

/* One step, as lib/loop.h's StepFn with `scheduled` a ScheduledOptimizer
 * *: chapter 4's step at the schedule's rate, then the schedule advanced
 * with so->loss, the loss this step was taken at (set it first; only
 * plateau reads it). */
void scheduled_optimizer_step(double *params, const double *grads, size_t n,
                              void *scheduled);

/* lib/loop.c's loop with `so` stepping: `loop`'s steps, hook and row are
 * the caller's (its row callback can read so->schedule.lr: the rate of the
 * step that row is before); its step and optimizer are filled in here. */
LoopResult scheduled_optimizer_run(ScheduledOptimizer *so,
                                   const Objective *objective, Loop loop,
                                   double *theta, double *grads);

/* ------------------------------------------------------------- the flags */

/* Where cli_parse puts the schedule flags' values. Set `name` and the
 * defaults below before parsing (SCHEDULE_FLAGS_DEFAULTS). */
typedef struct {
    const char *name;
    size_t step_size;
    double gamma;
    DoubleList milestones;
    size_t t_max;
    double eta_min;
    size_t t_0, t_mult;
    double start_factor, end_factor;
    size_t total_iters;
    double max_lr;
    size_t total_steps;
    double pct_start;
    const char *anneal_strategy;
    double div_factor, final_div_factor;
    bool three_phase, no_cycle_momentum;
    double base_momentum, max_momentum;
    size_t warmup_steps;
    double factor;
    size_t patience;
    double threshold;
    const char *threshold_mode;
    size_t cooldown;
    double min_lr;
} ScheduleFlags;

/* PyTorch's defaults, where it has them. */
#define SCHEDULE_FLAGS_DEFAULTS                                              \
    {.name = "constant", .gamma = 0.1, .t_mult = 1,                          \
     .start_factor = 1.0 / 3.0, .end_factor = 1.0, .total_iters = 5,         \
     .pct_start = 0.3, .anneal_strategy = "cos", .div_factor = 25.0,         \
     .final_div_factor = 1e4, .base_momentum = 0.85, .max_momentum = 0.95,   \
     .factor = 0.1, .patience = 10, .threshold = 1e-4,                       \
     .threshold_mode = "rel"}

extern const char *const anneal_strategy_names[];
extern const char *const threshold_mode_names[];

/* The entries of a Flag table for --schedule and its settings, named as
 * PyTorch's arguments with dashes, each scoped to the schedules that have
 * it, and to SCOPE (a string literal, "" for everywhere: where the program
 * runs a schedule at all); --max-lr to PEAK_SCOPE, which leaves out the
 * tasks that set each run's peak themselves (a sweep of base rates). Use
 * inside a table:
 * Flag flags[] = {..., SCHEDULE_FLAGS(&s.sched, "task=train", "task=train"),
 * ...}. */
#define SCHEDULE_FLAGS(f, SCOPE, PEAK_SCOPE)                                 \
    {.name = "schedule", .kind = FLAG_CHOICE, .value = &(f)->name,           \
     .help = "the learning-rate schedule", .choices = schedule_names,        \
     .scope = SCOPE},                                                        \
    {.name = "step-size", .kind = FLAG_COUNT, .value = &(f)->step_size,      \
     .help = "StepLR: multiply the rate by gamma every this many steps",     \
     .min = 1, .max = 1e7, .default_text = "none: required",                 \
     .scope = "schedule=step " SCOPE},                                       \
    {.name = "gamma", .kind = FLAG_DOUBLE, .value = &(f)->gamma,             \
     .help = "the factor of each decay", .min = 0, .min_exclusive = true,    \
     .max = 1e6, .default_text = "0.1; exponential: none, required",         \
     .scope = "schedule=step|multistep|exponential " SCOPE},                 \
    {.name = "milestones", .kind = FLAG_LIST, .value = &(f)->milestones,     \
     .help = "MultiStepLR: the steps at which to multiply by gamma, "        \
             "ascending, as 30,80", .default_text = "none: required",        \
     .scope = "schedule=multistep " SCOPE},                                  \
    {.name = "t-max", .kind = FLAG_COUNT, .value = &(f)->t_max,              \
     .help = "CosineAnnealingLR: steps from the base rate down to eta-min",  \
     .min = 1, .max = 1e7,                                                   \
     .default_text = "the run's steps; warmup-cosine: those less "           \
                     "--warmup-steps",                                       \
     .scope = "schedule=cosine|warmup-cosine " SCOPE},                       \
    {.name = "eta-min", .kind = FLAG_DOUBLE, .value = &(f)->eta_min,         \
     .help = "the cosine's lowest rate", .min = 0, .max = 1e6,               \
     .scope = "schedule=cosine|cosine-restarts|warmup-cosine " SCOPE},       \
    {.name = "t-0", .kind = FLAG_COUNT, .value = &(f)->t_0,                  \
     .help = "CosineAnnealingWarmRestarts: the first period, in steps",      \
     .min = 1, .max = 1e7, .default_text = "none: required",                 \
     .scope = "schedule=cosine-restarts " SCOPE},                            \
    {.name = "t-mult", .kind = FLAG_COUNT, .value = &(f)->t_mult,            \
     .help = "each period is this many times the last", .min = 1,            \
     .max = 1e3, .scope = "schedule=cosine-restarts " SCOPE},                \
    {.name = "start-factor", .kind = FLAG_DOUBLE,                            \
     .value = &(f)->start_factor,                                            \
     .help = "LinearLR: the first step's rate as a share of the base rate",  \
     .min = 1e-300, .max = 1, .default_text = "1/3",                         \
     .scope = "schedule=linear|warmup-cosine " SCOPE},                       \
    {.name = "end-factor", .kind = FLAG_DOUBLE, .value = &(f)->end_factor,   \
     .help = "LinearLR: the share reached at --total-iters", .min = 0,       \
     .max = 1, .scope = "schedule=linear " SCOPE},                           \
    {.name = "total-iters", .kind = FLAG_COUNT, .value = &(f)->total_iters,  \
     .help = "LinearLR: steps from --start-factor to --end-factor",          \
     .min = 1, .max = 1e7, .scope = "schedule=linear " SCOPE},               \
    {.name = "max-lr", .kind = FLAG_DOUBLE, .value = &(f)->max_lr,           \
     .help = "OneCycleLR: the peak rate", .min = 0, .min_exclusive = true,   \
     .max = 1e6, .default_text = "--lr",                                     \
     .scope = "schedule=onecycle " PEAK_SCOPE},                              \
    {.name = "total-steps", .kind = FLAG_COUNT, .value = &(f)->total_steps,  \
     .help = "OneCycleLR: the length of the cycle (at least the run's "      \
             "steps)", .min = 2, .max = 1e7,                                 \
     .default_text = "the run's steps",                                      \
     .scope = "schedule=onecycle " SCOPE},                                   \
    {.name = "pct-start", .kind = FLAG_DOUBLE, .value = &(f)->pct_start,     \
     .help = "OneCycleLR: the share of the cycle spent going up", .min = 0,  \
     .max = 1, .scope = "schedule=onecycle " SCOPE},                         \
    {.name = "anneal-strategy", .kind = FLAG_CHOICE,                         \
     .value = &(f)->anneal_strategy, .choices = anneal_strategy_names,       \
     .help = "OneCycleLR: the shape of each phase",                          \
     .scope = "schedule=onecycle " SCOPE},                                   \
    {.name = "div-factor", .kind = FLAG_DOUBLE, .value = &(f)->div_factor,   \
     .help = "OneCycleLR: the first rate is --max-lr / this", .min = 1e-6,   \
     .max = 1e12, .scope = "schedule=onecycle " SCOPE},                      \
    {.name = "final-div-factor", .kind = FLAG_DOUBLE,                        \
     .value = &(f)->final_div_factor,                                        \
     .help = "OneCycleLR: the last rate is the first / this", .min = 1e-6,   \
     .max = 1e12, .scope = "schedule=onecycle " SCOPE},                      \
    {.name = "three-phase", .kind = FLAG_SWITCH, .value = &(f)->three_phase, \
     .help = "OneCycleLR: up, down to the first rate, then down to the "     \
             "last", .scope = "schedule=onecycle " SCOPE},                   \
    {.name = "base-momentum", .kind = FLAG_DOUBLE,                           \
     .value = &(f)->base_momentum,                                           \
     .help = "OneCycleLR: the momentum (or beta1) at the peak rate",         \
     .min = 0, .max = 1, .scope = "schedule=onecycle " SCOPE},               \
    {.name = "max-momentum", .kind = FLAG_DOUBLE,                            \
     .value = &(f)->max_momentum,                                            \
     .help = "OneCycleLR: the momentum (or beta1) at the lowest rates",      \
     .min = 0, .max = 1, .scope = "schedule=onecycle " SCOPE},               \
    {.name = "no-cycle-momentum", .kind = FLAG_SWITCH,                       \
     .value = &(f)->no_cycle_momentum,                                       \
     .help = "OneCycleLR: leave the optimizer's momentum alone",             \
     .scope = "schedule=onecycle " SCOPE},                                   \
    {.name = "warmup-steps", .kind = FLAG_COUNT, .value = &(f)->warmup_steps, \
     .help = "linear warm-up over this many steps, then the cosine",         \
     .min = 1, .max = 1e7, .default_text = "none: required",                 \
     .scope = "schedule=warmup-cosine " SCOPE},                              \
    {.name = "factor", .kind = FLAG_DOUBLE, .value = &(f)->factor,           \
     .help = "ReduceLROnPlateau: multiply the rate by this on a plateau "    \
             "(below 1, as PyTorch requires: a plateau lowers the rate)",    \
     .min = 0, .min_exclusive = true, .max = 1, .max_exclusive = true,       \
     .scope = "schedule=plateau " SCOPE},                                    \
    {.name = "patience", .kind = FLAG_COUNT, .value = &(f)->patience,        \
     .help = "ReduceLROnPlateau: steps without improvement tolerated",       \
     .min = 0, .max = 1e7, .scope = "schedule=plateau " SCOPE},              \
    {.name = "threshold", .kind = FLAG_DOUBLE, .value = &(f)->threshold,     \
     .help = "ReduceLROnPlateau: how much better counts as better",          \
     .min = 0, .max = 1e6, .scope = "schedule=plateau " SCOPE},              \
    {.name = "threshold-mode", .kind = FLAG_CHOICE,                          \
     .value = &(f)->threshold_mode, .choices = threshold_mode_names,         \
     .help = "ReduceLROnPlateau: rel (best·(1 - threshold)) or abs "         \
             "(best - threshold)", .scope = "schedule=plateau " SCOPE},      \
    {.name = "cooldown", .kind = FLAG_COUNT, .value = &(f)->cooldown,        \
     .help = "ReduceLROnPlateau: steps to wait after a cut", .min = 0,       \
     .max = 1e7, .scope = "schedule=plateau " SCOPE},                        \
    {.name = "min-lr", .kind = FLAG_DOUBLE, .value = &(f)->min_lr,           \
     .help = "ReduceLROnPlateau: the rate never goes below this", .min = 0,  \
     .max = 1e6, .scope = "schedule=plateau " SCOPE}

/* What the table cannot check, for a run of `steps` steps at base rate
 * `lr`, with the optimizer `optimizer` (one of optimizer_names, or NULL
 * when there is none): the flags a schedule requires, --milestones being
 * whole ascending steps, --gamma given for exponential, --total-steps
 * covering the run, one cycle's phases each at least a step long,
 * momentum cycling on an optimizer without momentum (Adagrad), the warm-up
 * shorter than the run, plateau without a loss to watch. Returns CLI_RUN
 * or, after the message, CLI_BAD_INPUT. */
CliStatus schedule_flags_check(Cli *cli, const ScheduleFlags *flags,
                               size_t steps, const char *optimizer);

/* The schedule the flags describe, for a run of `steps` steps from base
 * rate `lr`. */
ScheduleConfig schedule_flags_config(Cli *cli, const ScheduleFlags *flags,
                                     size_t steps, double lr);

#endif
