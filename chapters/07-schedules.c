/*
 * 07-schedules.c: Chapter 7, learning-rate schedules (build/bin/schedules).
 *
 * Prints the learning rate of every step of one of PyTorch's schedules,
 * computed by chapter 7's functions (solutions/07-schedules.c, or yours
 * under `make try CH=07`) exactly as torch.optim.lr_scheduler computes it,
 * and, with --problem, trains on one of chapter 4's problems with one of
 * chapter 4's optimizers driven by that schedule:
 *   schedules --schedule NAME --lr F --steps N [flags]          step,lr
 *   schedules --schedule NAME --lr F --steps N --problem P ...  step,lr,loss,x,y
 * The learning-rate range test is 07-schedules.training --task find.
 *
 * Build and run (make builds it, linking chapters 1, 4 and 7's solutions):
 *   make build/bin/07-schedules
 *   build/bin/schedules --schedule cosine --lr 0.1 --steps 10
 *   build/bin/schedules --help
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "loop.h"
#include "optimizer.h"
#include "output.h"
#include "problems.h"
#include "schedule.h"

/* "07-schedules": set by the build, from this file's name. */
static const char program[] = PROGRAM_NAME;

typedef struct {
    ProblemFlags problem;
    OptimizerFlags optimizer;
    ScheduleFlags schedule;
    size_t steps;
    bool closed_form;
    const char *out;
} Settings;

/* ==================================================== the schedule alone */

//> schedule-alone
/* Rows k = 0 .. steps - 1: the rate of optimizer step k, the schedule
 * stepped after each, as in PyTorch's loop. */
static void print_schedule(const ScheduleConfig *cfg, size_t steps,
                           FILE *out)
{
    fputs("step,lr\n", out);
    Schedule s;
    schedule_start(&s, cfg);
    for (size_t k = 0; k < steps; k++) {
        output_row(out, k, (const double[]){s.lr}, 1);
        schedule_advance(&s, 0.0);
    }
}
//< schedule-alone

/* A growing schedule (--gamma above 1) can pass the largest double within
 * --steps, and would print inf rates: refused before anything is written,
 * naming the step where the rate overflows. (LinearLR's first step divides
 * by --start-factor, which is at least 1e-300 so that the quotient stays
 * finite: 1e-320 made the second rate inf.) */
static CliStatus check_rates_finite(Cli *cli, const ScheduleConfig *cfg,
                                    size_t steps)
{
    Schedule s;
    schedule_start(&s, cfg);
    for (size_t k = 0; k < steps; k++, schedule_advance(&s, 0.0))
        if (!isfinite(s.lr)) {
            char why[96];
            snprintf(why, sizeof why, "the rate overflows to inf at step %zu "
                     "of --steps %zu", k, steps);
            return cli_reject(cli, cli_given(cli, "gamma") ? "gamma"
                                                           : "schedule",
                              NULL, why);
        }
    return CLI_RUN;
}

/* The cosine's closed form instead (what PyTorch computes when step() is
 * given the epoch): the same curve, rounded differently. */
static void print_closed_form(const ScheduleConfig *cfg, size_t steps,
                              FILE *out)
{
    fputs("step,lr\n", out);
    for (size_t k = 0; k < steps; k++)
        output_row(out, k,
                   (const double[]){cosine_lr(cfg->base_lr, cfg->eta_min, k,
                                              cfg->t_max)},
                   1);
}

/* ========================================================== a training run */

typedef struct {
    const ScheduledOptimizer *so;
    FILE *out;
} RowContext;

/* step,lr,loss,x,y: the rate of step k, and where step k starts from. */
static bool write_row(size_t step, double loss, const double *theta,
                      const double *grads, size_t n, void *ctx)
{
    (void)grads;
    (void)n;
    const RowContext *r = ctx;
    output_row(r->out, step,
               (const double[]){r->so->schedule.lr, loss, theta[0], theta[1]},
               4);
    return true;
}

/* Trains and reports; a run that diverged says where. Rows k = 0 .. N: the
 * last one is where step N - 1 landed, with the rate a next step would
 * use. The rows before a divergence are kept. */
static int train(const Settings *s, const OptimizerConfig *ocfg,
                 const ScheduleConfig *scfg, const Problem *p, FILE *out)
{
    ScheduledOptimizer so;
    if (!scheduled_optimizer_init(&so, ocfg, scfg, PROBLEM_DIM)) {
        fprintf(stderr, "%s: out of memory for the optimizer\n", program);
        return EXIT_FAILURE;
    }
    fputs("step,lr,loss,x,y\n", out);
    RowContext rows = {&so, out};
    Loop loop = {.steps = s->steps, .row = write_row, .row_ctx = &rows};
    double theta[PROBLEM_DIM] = {p->start[0], p->start[1]};
    double grads[PROBLEM_DIM];
    LoopResult r = scheduled_optimizer_run(&so, &p->objective, loop, theta,
                                           grads);
    if (r.status == LOOP_DIVERGED &&
        !schedule_blame(&so.schedule, program, s->schedule.name, r.step) &&
        !optimizer_blame(&so.optimizer.config, program, r.step)) {
        loop_say_diverged(program, r.step);
        fprintf(stderr,
                ", where --schedule %s had the rate at %g: too large for "
                "--optimizer %s on --problem %s (lower --lr, or --max-lr)\n",
                s->schedule.name, so.schedule.lr, s->optimizer.name,
                s->problem.name);
    }
    scheduled_optimizer_free(&so);
    return r.status == LOOP_DIVERGED ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* ==================================================================== main */

static const char usage[] =
    PROGRAM_NAME ": chapter 7, learning-rate schedules, exact to PyTorch's\n"
    "torch.optim.lr_scheduler (1.13) in double precision.\n"
    "\n"
    "Schedules (eta is the base rate --lr; k counts optimizer steps from 0):\n"
    "  constant         eta\n"
    "  step             StepLR: eta gamma^floor(k / step-size)\n"
    "  multistep        MultiStepLR: times gamma at each of --milestones\n"
    "  exponential      ExponentialLR: eta gamma^k\n"
    "  cosine           CosineAnnealingLR: eta-min + (eta - eta-min)\n"
    "                   (1 + cos(pi k / t-max))/2, in PyTorch's chained form\n"
    "  cosine-restarts  CosineAnnealingWarmRestarts: the cosine over periods\n"
    "                   t-0, t-0 t-mult, ...\n"
    "  linear           LinearLR: eta times a factor going linearly from\n"
    "                   start-factor to end-factor over total-iters steps\n"
    "  onecycle         OneCycleLR: max-lr/div-factor up to max-lr, then down\n"
    "                   to that / final-div-factor; momentum (or beta1) the\n"
    "                   other way\n"
    "  warmup-cosine    SequentialLR: LinearLR over warmup-steps, then cosine\n"
    "  plateau          ReduceLROnPlateau on the training loss (mode min,\n"
    "                   eps 1e-8): needs --problem\n"
    "Row k is the rate of optimizer step k, the schedule stepped once after\n"
    "each step (optimizer.step(); scheduler.step()).\n"
    "Without --problem: step,lr for k = 0 .. N-1.\n"
    "With --problem (chapter 4's problems and optimizers, as in\n"
    "build/bin/optimizers): step,lr,loss,x,y for k = 0 .. N, the loss and\n"
    "parameters before step k; row N is where the last step landed, with\n"
    "the rate a next step would use.\n"
    "Exit status: 0 done; 1 the loss became inf or nan (the rows before it\n"
    "are kept), memory ran out, or a file could not be written; 2 bad input.";

int main(int argc, char **argv)
{
    Settings s = {.problem = {.name = NULL, .condition = 10.0, .seed = 1},
                  .optimizer = {.name = "sgd"},
                  .schedule = SCHEDULE_FLAGS_DEFAULTS,
                  .steps = 100};
    Flag flags[] = {
        SCHEDULE_FLAGS(&s.schedule, "", ""),
        {.name = "steps", .kind = FLAG_COUNT, .value = &s.steps,
         .help = "optimizer steps (a row each)", .min = 1, .max = 1e7},
        {.name = "closed-form", .kind = FLAG_SWITCH, .value = &s.closed_form,
         .help = "print the cosine's closed form instead of PyTorch's "
                 "chained steps", .scope = "schedule=cosine !problem"},
        PROBLEM_FLAGS(&s.problem, "problem"),
        OPTIMIZER_FLAGS(&s.optimizer, "problem", ""),
        CLI_OUT_FLAG(&s.out),
    };
    Cli cli = {.program = program, .usage = usage, CLI_TABLE(flags)};
    int exit_status;
    if (!cli_start(&cli, argc, argv, &exit_status))
        return exit_status;
    bool training = s.problem.name != NULL;
    if (optimizer_flags_check(&cli, &s.optimizer) != CLI_RUN ||
        problem_flags_check(&cli, &s.problem) != CLI_RUN ||
        schedule_flags_check(&cli, &s.schedule, s.steps,
                             training ? s.optimizer.name : NULL) != CLI_RUN)
        return EXIT_BAD_INPUT;

    OptimizerConfig ocfg = optimizer_flags_config(&cli, &s.optimizer);
    ScheduleConfig scfg = schedule_flags_config(&cli, &s.schedule, s.steps,
                                                optimizer_lr(&ocfg));
    if (!training && !s.closed_form &&
        check_rates_finite(&cli, &scfg, s.steps) != CLI_RUN)
        return EXIT_BAD_INPUT;
    Problem p;
    Output saved = {0}; /* --save-data, committed with --out */
    if (training && !problem_from_flags(&p, &s.problem, program, &saved))
        return EXIT_FAILURE;
    Output out;
    if (!output_open(&out, program, "--out", s.out)) {
        output_discard(&saved);
        if (training)
            problem_free(&p);
        return EXIT_FAILURE;
    }
    int status = EXIT_SUCCESS;
    if (training) {
        status = train(&s, &ocfg, &scfg, &p, out.file);
        problem_free(&p);
    } else if (s.closed_form) {
        print_closed_form(&scfg, s.steps, out.file);
    } else {
        print_schedule(&scfg, s.steps, out.file);
    }
    /* A run that cannot write one of its files leaves neither. */
    Output *const outputs[] = {&out, s.problem.save_data ? &saved : NULL};
    if (!output_commit_all(outputs, 2, program))
        return EXIT_FAILURE;
    return status;
}
