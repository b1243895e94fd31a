/*
 * 07-schedules.h: the exercises of chapter 7, learning-rate schedules,
 * warm-up and the learning-rate range test.
 *
 * You write these functions in exercises/07-schedules.c; `make check
 * CH=07` grades them. Each comment below is the contract your function
 * must keep; the lesson, chapters/07-schedules.md, explains the ideas, and
 * the section named in each comment is the one to read first.
 *
 * Conventions. Steps are counted from 0: the learning rate of step k is
 * the one the k-th optimizer step uses, and a schedule is stepped once
 * after every optimizer step, as PyTorch's documented loop does
 * (optimizer.step(); scheduler.step()). Every formula is written in the
 * order of operations of PyTorch 1.13's torch.optim.lr_scheduler, so
 * that your numbers equal PyTorch's in double precision, bit for bit.
 *
 * PyTorch computes most schedules in a *chainable* form: the learning
 * rate of step k from the one of step k - 1 (a function named *_next
 * here), not from the base rate. At k = 0 such a function is handed the
 * base learning rate, and for k >= 1 the rate it returned for step k - 1.
 *
 * What a schedule remembers between steps (Restarts, PlateauState,
 * SmoothedLoss) lives in the struct handed in, all of it; every other
 * function answers from its arguments alone. A program may step several
 * schedules in turn (one per parameter group, or two runs compared), so a
 * static variable, which all of them would share, has no place here: the
 * grader steps two at once.
 */
#ifndef EXERCISES_07_SCHEDULES_H
#define EXERCISES_07_SCHEDULES_H

#include <stdbool.h>
#include <stddef.h>

/* ------------------------------------------------ lesson: "Step decay" */

/* StepLR(step_size, gamma): the rate is multiplied by gamma at steps
 * step_size, 2·step_size, ... Returns lr·gamma when k > 0 and k is a
 * multiple of step_size, otherwise lr unchanged. step_size >= 1. */
double step_lr_next(double lr, size_t k, size_t step_size, double gamma);

/* MultiStepLR(milestones, gamma): the rate is multiplied by gamma at each
 * milestone. milestones[0..count-1] are ascending and may repeat (as
 * PyTorch's Counter allows): when step k appears m >= 1 times, returns
 * lr·pow(gamma, m); otherwise lr unchanged. */
double multistep_lr_next(double lr, size_t k, const size_t *milestones,
                         size_t count, double gamma);

/* ----------------------------------------- lesson: "Exponential decay" */

/* ExponentialLR(gamma): lr at k = 0, lr·gamma at every later step. */
double exponential_lr_next(double lr, size_t k, double gamma);

/* ------------------------------------------ lesson: "Cosine annealing" */

/* The closed form of cosine annealing from base_lr down to eta_min over
 * t_max steps, as PyTorch writes it:
 *   eta_min + (base_lr - eta_min)·(1 + cos(π·k/t_max))/2
 * with π·k/t_max computed as (π·k)/t_max. Past t_max the cosine goes on
 * (back up to base_lr at 2·t_max). t_max >= 1. Also the rate of a warm
 * restart: k steps into a period of t_max (CosineAnnealingWarmRestarts). */
double cosine_lr(double base_lr, double eta_min, size_t k, size_t t_max);

/* ----------------------- lesson: "What PyTorch computes: the chain" */

/* CosineAnnealingLR's chainable step, from lr (the rate of step k - 1):
 *   k = 0:                        lr
 *   (k - 1) mod 2·t_max = t_max, that is k - 1 = t_max, 3·t_max,
 *   5·t_max, ... (where the ratio below would divide by zero):
 *                                 lr + (base_lr - eta_min)·(1 - cos(π/t_max))/2
 *   otherwise:  (1 + cos(π·k/t_max)) / (1 + cos(π·(k - 1)/t_max))
 *               · (lr - eta_min) + eta_min
 * Mathematically equal to cosine_lr; in floating point it differs by a
 * few units in the last place, and it is what PyTorch computes. */
double cosine_lr_next(double lr, double base_lr, double eta_min, size_t k,
                      size_t t_max);

/* --------------------------------------------- lesson: "Warm restarts" */

/* Where CosineAnnealingWarmRestarts(T_0, T_mult) is within its periods:
 * t_cur steps into the current period, which lasts t_i steps. Before the
 * first step t_cur = 0 and t_i = T_0. */
typedef struct {
    size_t t_cur, t_i;
} Restarts;

/* One scheduler step: t_cur grows by 1; when it reaches t_i, a new period
 * starts (t_cur goes back by t_i) and lasts t_mult times as long. The
 * rate is then cosine_lr(base_lr, eta_min, t_cur, t_i). t_mult >= 1. */
void restarts_advance(Restarts *r, size_t t_mult);

/* ---------------------------------------------------- lesson: "Warm-up" */

/* LinearLR(start_factor, end_factor, total_iters)'s chainable step: the
 * factor on the base rate goes linearly from start_factor (step 0) to
 * end_factor (step total_iters), then stays:
 *   k = 0:            lr·start_factor      (lr is the base rate then)
 *   k > total_iters:  lr
 *   otherwise:        lr·(1 + (end_factor - start_factor) /
 *                         (total_iters·start_factor
 *                          + (k - 1)·(end_factor - start_factor)))
 * 0 < start_factor <= 1, 0 <= end_factor <= 1, total_iters >= 1. */
double linear_lr_next(double lr, size_t k, double start_factor,
                      double end_factor, size_t total_iters);

/* Linear warm-up, then cosine annealing: PyTorch's
 *   SequentialLR([LinearLR(start_factor, 1, warmup_steps),
 *                 CosineAnnealingLR(t_max, eta_min)],
 *                milestones=[warmup_steps])
 * which hands step k to the first schedule while k < warmup_steps, and
 * after that to the second one counting from 0 at k = warmup_steps, where
 * it restarts the cosine from its closed form (cosine_lr at 0).
 * warmup_steps >= 1, t_max >= 1. */
typedef struct {
    double start_factor;
    size_t warmup_steps;
    size_t t_max;
    double eta_min;
} WarmupCosine;

/* The rate of step k from lr, the rate of step k - 1 (base_lr at k = 0),
 * using linear_lr_next, cosine_lr and cosine_lr_next. */
double warmup_cosine_lr_next(double lr, double base_lr, size_t k,
                             const WarmupCosine *c);

/* -------------------------------------------------- lesson: "One cycle" */

/* OneCycleLR (Smith and Topin, 2018, as PyTorch implements it). */
typedef struct {
    double max_lr;
    size_t total_steps;      /* >= 2 */
    double pct_start;        /* the share of the cycle spent going up */
    bool anneal_linear;      /* false: cosine ('cos'), true: 'linear' */
    double div_factor;       /* the first rate is max_lr / div_factor */
    double final_div_factor; /* the last is that / final_div_factor */
    bool three_phase;
    double base_momentum, max_momentum;
} OneCycle;

/* The rate of step k (0 <= k <= total_steps), and the momentum (or Adam's
 * β1) for it into *momentum unless momentum is NULL. With
 *   initial = max_lr/div_factor,  min = initial/final_div_factor,
 * the cycle is made of phases, each ending at a step e (a double):
 *   two phases:    e1 = pct_start·total_steps - 1:   initial -> max_lr
 *                  e2 = total_steps - 1:             max_lr  -> min
 *   three_phase:   e1 = pct_start·total_steps - 1:   initial -> max_lr
 *                  e2 = 2·pct_start·total_steps - 2: max_lr  -> initial
 *                  e3 = total_steps - 1:             initial -> min
 * and the momentum goes max -> base -> max (three phases: max -> base ->
 * max -> max) at the same time. Step k belongs to the first phase with
 * k <= its end (or to the last phase); with s the previous phase's end
 * (0 for the first), pct = (k - s)/(e - s), and the value goes from
 * `from` to `to` as
 *   cosine:  to + (from - to)/2·(cos(π·pct) + 1)
 *   linear:  (to - from)·pct + from
 * Each phase must be at least a step long (the caller checks). */
double onecycle_lr(const OneCycle *c, size_t k, double *momentum);

/* ------------------------------------ lesson: "Reduce on plateau" */

typedef enum { PLATEAU_MIN, PLATEAU_MAX } PlateauMode;
typedef enum { THRESHOLD_REL, THRESHOLD_ABS } ThresholdMode;

/* ReduceLROnPlateau's settings (PyTorch's defaults in brackets). */
typedef struct {
    PlateauMode mode;             /* min: lower is better [min] */
    double factor;                /* new rate = rate·factor, < 1 [0.1] */
    size_t patience;              /* bad steps tolerated [10] */
    double threshold;             /* what counts as better [1e-4] */
    ThresholdMode threshold_mode; /* [rel] */
    size_t cooldown;              /* steps to wait after a cut [0] */
    double min_lr;                /* a cut goes no lower [0]; a rate
                                     already below it is left alone */
    double eps;                   /* cuts smaller than this are skipped [1e-8] */
} PlateauConfig;

/* What it remembers: the best value so far, the bad steps since it, and
 * the steps of cooldown left. Starts as {best = +inf (mode min) or -inf
 * (mode max), 0, 0}. */
typedef struct {
    double best;
    size_t num_bad_epochs;
    size_t cooldown_counter;
} PlateauState;

/* True when `current` is better than `best` by more than the threshold:
 *   min, rel:  current < best·(1 - threshold)
 *   min, abs:  current < best - threshold
 *   max, rel:  current > best·(threshold + 1)
 *   max, abs:  current > best + threshold
 * A tie is never better. */
bool plateau_is_better(const PlateauConfig *c, double current, double best);

/* One ReduceLROnPlateau step with this step's loss (the metric), from the
 * current rate lr; returns the rate of the next step. In order: a better
 * loss becomes the best and clears the bad count, a worse or equal one
 * adds a bad step; during a cooldown the counter goes down by one and bad
 * steps are not counted (the count is cleared); when the count exceeds
 * patience, the rate becomes max(lr·factor, min_lr) (kept as lr when that
 * lowers it by eps or less), the cooldown starts (cooldown_counter =
 * cooldown) and the count is cleared. */
double plateau_step(PlateauState *s, const PlateauConfig *c, double lr,
                    double loss);

/* ------------------------------ lesson: "The learning-rate range test" */

/* The rate of step k of a range test that grows it exponentially from
 * lr_min (step 0) towards lr_max over `steps` steps, as fastai's lr_find:
 * lr_min·(lr_max/lr_min)^(k/steps). 0 < lr_min < lr_max. */
double range_test_lr(double lr_min, double lr_max, size_t k, size_t steps);

/* An exponential moving average of the loss with bias correction. */
typedef struct {
    double beta;  /* how much of the past it keeps, in [0, 1) */
    double avg;   /* the raw average; starts at 0 */
    size_t count; /* losses seen; starts at 0 */
} SmoothedLoss;

/* Adds a loss: avg = beta·avg + (1 - beta)·loss, then returns the
 * average corrected for its start at 0: avg/(1 - beta^count), count
 * counting this loss. */
double smooth_loss(SmoothedLoss *s, double loss);

/* The range test's suggestion: the index i (0 <= i < n - 1) where the
 * smoothed loss falls fastest against log lr, the smallest slope
 *   (smoothed[i+1] - smoothed[i]) / (log lrs[i+1] - log lrs[i]),
 * compared with its sign, negative or not: the steepest fall, or, where
 * the loss only rises, the gentlest rise. The first such i on a tie. lrs
 * ascend; n >= 2. */
size_t lr_suggestion(const double *lrs, const double *smoothed, size_t n);

#endif
