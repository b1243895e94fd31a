/*
 * 04-optimizers.experiments.c: Chapter 4's comparisons of optimizers.
 *
 * The lesson's experiments that run many optimizers, each with chapter 4's
 * own step functions (solutions/04-optimizers.c, or yours under
 * `make try CH=04`), through lib/loop.c's training loop:
 *   --experiment conditioning  steps to reach a loss of 1e-6 on
 *                              diag(1, κ) for gradient descent and
 *                              heavy-ball momentum, each at its best setting
 *   --experiment lr-sweep      final loss against the learning rate for
 *                              every optimizer on one problem
 *   --experiment tuned         each optimizer's best learning rate from
 *                              that sweep, and the loss it reaches
 * build/bin/04-optimizers --experiment NAME runs this program, so both
 * names work.
 *
 * Build and run (make builds it):
 *   make build/bin/04-optimizers.experiments
 *   build/bin/04-optimizers.experiments --experiment tuned --problem rosenbrock
 *   build/bin/04-optimizers.experiments --help
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "loop.h"
#include "optimizer.h"
#include "output.h"
#include "problems.h"

/* "04-optimizers.experiments": set by the build, from this file's name. */
static const char program[] = PROGRAM_NAME;

/* Out of memory for an optimizer's state: said once, here. */
static bool out_of_memory(void)
{
    fprintf(stderr, "%s: out of memory for the optimizer\n", program);
    return false;
}

/* ============================================== experiment: conditioning */

enum { CONDITIONING_MAX_STEPS = 10000000 };
#define CONDITIONING_TOLERANCE 1e-6

/* Stops the run at the first step whose loss is within the tolerance. */
static bool above_tolerance(size_t step, double loss, const double *theta,
                            const double *grads, size_t n, void *unused)
{
    (void)step, (void)theta, (void)grads, (void)n, (void)unused;
    return loss > CONDITIONING_TOLERANCE;
}

typedef enum {
    TOLERANCE_REACHED,
    TOLERANCE_NOT_REACHED, /* in CONDITIONING_MAX_STEPS */
    TOLERANCE_NO_MEMORY,
} ToleranceStatus;

/* *steps: the first step at which the loss is at most the tolerance. */
static ToleranceStatus steps_to_tolerance(const Objective *objective,
                                          const OptimizerConfig *cfg,
                                          const double *start, double *steps)
{
    Loop loop = {.steps = CONDITIONING_MAX_STEPS, .row = above_tolerance};
    double theta[PROBLEM_DIM] = {start[0], start[1]};
    LoopResult result;
    if (!optimizer_train(cfg, objective, loop, theta, &result))
        return TOLERANCE_NO_MEMORY;
    if (result.status != LOOP_STOPPED)
        return TOLERANCE_NOT_REACHED;
    *steps = (double)result.step;
    return TOLERANCE_REACHED;
}

//> conditioning
/* The columns of the conditioning table, in order. */
enum {
    COL_KAPPA,
    COL_GD_LR, COL_GD_RATE, COL_GD_STEPS,
    COL_HB_LR, COL_HB_MOMENTUM, COL_HB_RATE, COL_HB_STEPS,
    COL_GD_SLOPE, COL_HB_SLOPE,
    CONDITIONING_COLUMNS
};

/* On f = (x² + κy²)/2 the curvatures are μ = 1 and L = κ. The best fixed
 * step of gradient descent and the best heavy-ball settings (Polyak, 1964)
 * have closed forms, and so do the factors by which they shrink the
 * distance to the minimum per step:
 *   gradient descent  η = 2/(L + μ)            rate (κ - 1)/(κ + 1)
 *   heavy ball        η = 4/(√L + √μ)²,
 *                     β = ((√κ - 1)/(√κ + 1))²  rate (√κ - 1)/(√κ + 1)
 * torch's SGD with momentum β and no dampening is exactly the heavy ball
 * θ_{k+1} = θ_k - η∇f(θ_k) + β(θ_k - θ_{k-1}). Fills the row up to the
 * slopes and returns the worse of the two runs' statuses. */
static ToleranceStatus conditioning_row(double kappa, double *row)
{
    double root = sqrt(kappa);
    Objective quadratic = {PROBLEM_DIM, quadratic_loss_grad, &kappa};
    /* A start that gives both directions the same share of the loss:
     * f = 1/2 + 1/2 = 1, whatever κ. */
    double start[PROBLEM_DIM] = {1.0, 1.0 / root};
    OptimizerConfig gd = optimizer_default_config(OPTIMIZER_SGD);
    gd.sgd.lr = 2.0 / (kappa + 1.0);
    OptimizerConfig heavy_ball = optimizer_default_config(OPTIMIZER_SGD);
    heavy_ball.sgd.lr = 4.0 / ((root + 1.0) * (root + 1.0));
    heavy_ball.sgd.momentum = ((root - 1.0) / (root + 1.0)) *
                              ((root - 1.0) / (root + 1.0));
    row[COL_KAPPA] = kappa;
    row[COL_GD_LR] = gd.sgd.lr;
    row[COL_GD_RATE] = (kappa - 1.0) / (kappa + 1.0);
    row[COL_HB_LR] = heavy_ball.sgd.lr;
    row[COL_HB_MOMENTUM] = heavy_ball.sgd.momentum;
    row[COL_HB_RATE] = (root - 1.0) / (root + 1.0);
    ToleranceStatus gd_run = steps_to_tolerance(&quadratic, &gd, start,
                                                &row[COL_GD_STEPS]);
    ToleranceStatus hb_run = steps_to_tolerance(&quadratic, &heavy_ball,
                                                start, &row[COL_HB_STEPS]);
    return gd_run > hb_run ? gd_run : hb_run; /* the enum runs best to worst */
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
    double previous[CONDITIONING_COLUMNS];
    for (size_t k = 0; k < sizeof kappas / sizeof *kappas; k++) {
        double row[CONDITIONING_COLUMNS];
        ToleranceStatus status = conditioning_row(kappas[k], row);
        if (status == TOLERANCE_NO_MEMORY)
            return out_of_memory();
        if (status == TOLERANCE_NOT_REACHED) {
            fprintf(stderr, "%s: κ = %g needs more than %d steps\n", program,
                    kappas[k], CONDITIONING_MAX_STEPS);
            return false;
        }
        double span = log(row[COL_KAPPA]) -
                      (k ? log(previous[COL_KAPPA]) : 0.0);
        row[COL_GD_SLOPE] = k ? (log(row[COL_GD_STEPS]) -
                                 log(previous[COL_GD_STEPS])) / span
                              : NAN;
        row[COL_HB_SLOPE] = k ? (log(row[COL_HB_STEPS]) -
                                 log(previous[COL_HB_STEPS])) / span
                              : NAN;
        output_numbers(out, row, CONDITIONING_COLUMNS);
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
    static const OptimizerKind kinds[CONTESTANTS] = {
        OPTIMIZER_SGD,     OPTIMIZER_SGD,     OPTIMIZER_ADAM,
        OPTIMIZER_RMSPROP, OPTIMIZER_ADAGRAD, OPTIMIZER_LION};
    OptimizerConfig cfg = optimizer_default_config(kinds[c]);
    if (c == 1)
        cfg.sgd.momentum = 0.9;
    optimizer_set_lr(&cfg, lr);
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

typedef struct {
    size_t steps;
    double worst; /* the largest loss of the last SETTLE_STEPS so far */
} Settling;

static bool track_settling(size_t step, double loss, const double *theta,
                           const double *grads, size_t n, void *settling)
{
    (void)theta, (void)grads, (void)n;
    Settling *s = settling;
    if (step + SETTLE_STEPS > s->steps)
        s->worst = fmax(s->worst, loss);
    return true;
}

/* The final loss as above, or -1 when out of memory. */
static double final_loss(const Problem *p, const OptimizerConfig *cfg,
                         size_t steps)
{
    Settling settling = {steps, 0.0};
    Loop loop = {.steps = steps, .row = track_settling, .row_ctx = &settling};
    double theta[PROBLEM_DIM] = {p->start[0], p->start[1]};
    LoopResult result;
    if (!optimizer_train(cfg, &p->objective, loop, theta, &result))
        return -1.0;
    return result.status == LOOP_DIVERGED ? NAN : settling.worst;
}

static bool run_lr_sweep(const Problem *p, size_t steps, FILE *out)
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
            row[1 + c] = final_loss(p, &cfg, steps);
            if (row[1 + c] < 0.0)
                return out_of_memory();
        }
        output_numbers(out, row, 1 + CONTESTANTS);
    }
    return true;
}

/* For each contestant, the swept learning rate with the lowest final loss
 * (the smaller rate on a tie). */
static bool run_tuned(const Problem *p, size_t steps, FILE *out)
{
    fputs("optimizer,best_lr,loss\n", out);
    for (size_t c = 0; c < CONTESTANTS; c++) {
        double best_lr = NAN, best = INFINITY;
        for (size_t i = 0; i < SWEEP_RATES; i++) {
            OptimizerConfig cfg = contestant(c, sweep_rate(i));
            double loss = final_loss(p, &cfg, steps);
            if (loss < 0.0)
                return out_of_memory();
            if (loss < best) {
                best = loss;
                best_lr = sweep_rate(i);
            }
        }
        fprintf(out, "%s,%.17g,%.17g\n", contestant_names[c], best_lr, best);
    }
    return true;
}

/* ==================================================================== main */

static const char *const experiment_names[] = {"conditioning", "lr-sweep",
                                               "tuned", NULL};

typedef struct {
    const char *experiment, *out;
    ProblemFlags problem;
    size_t steps;
} Settings;

static const char usage[] =
    PROGRAM_NAME ": chapter 4's comparisons of optimizers\n"
    "(build/bin/04-optimizers --experiment NAME runs this program).\n"
    "\n"
    "Output (CSV on stdout or --out, with a header line):\n"
    "  --experiment conditioning    per K in 1, 10, 100, 1000: the steps to a\n"
    "      loss of 1e-6 on the quadratic from (1, 1/sqrt(K)) for gradient\n"
    "      descent (lr 2/(K+1)) and heavy-ball momentum (lr 4/(sqrt(K)+1)^2,\n"
    "      momentum ((sqrt(K)-1)/(sqrt(K)+1))^2), and the log-log slopes\n"
    "      from the previous K\n"
    "  --experiment lr-sweep        the final loss after --steps on --problem\n"
    "      (the largest of the last 10 steps) for each optimizer at its\n"
    "      defaults but adamw (whose decay toward 0 would win on the\n"
    "      quadratic for a reason unrelated to its rule), plus sgd with\n"
    "      momentum 0.9, and lr 1e-5, 2e-5, 5e-5,\n"
    "      ..., 10; nan where the run diverged\n"
    "  --experiment tuned           each optimizer's best lr in that sweep\n"
    "The problems are 04-optimizers's (its --help gives their formulas).\n"
    "Exit status: 0 done; 1 memory ran out, a file could not be written, or\n"
    "the loss overflows at --start; 2 bad input.";

/* *saved, the --save-data file (empty without it), is committed or
 * discarded with --out: a run that cannot write one of them leaves
 * neither. */
static int run(const Settings *s, const Problem *p, Output *saved)
{
    /* A sweep from a start where the loss overflows has nothing to
     * compare: every rate's run diverges at step 0 (rows of nan, with
     * status 0, where 04-optimizers stops and blames --start). */
    if (strcmp(s->experiment, "conditioning") != 0 &&
        !isfinite(objective_loss(&p->objective, p->start))) {
        loop_blame_start(program, 0, "--start is too far out");
        output_discard(saved);
        return EXIT_FAILURE;
    }
    Output out;
    if (!output_open(&out, program, "--out", s->out)) {
        output_discard(saved);
        return EXIT_FAILURE;
    }
    bool done = strcmp(s->experiment, "conditioning") == 0
                    ? run_conditioning(out.file)
                : strcmp(s->experiment, "lr-sweep") == 0
                    ? run_lr_sweep(p, s->steps, out.file)
                    : run_tuned(p, s->steps, out.file);
    if (!done) {
        output_discard(&out);
        output_discard(saved);
        return EXIT_FAILURE;
    }
    Output *const outputs[] = {&out, s->problem.save_data ? saved : NULL};
    return output_commit_all(outputs, 2, program) ? EXIT_SUCCESS : EXIT_FAILURE;
}

int main(int argc, char **argv)
{
    Settings s = {.experiment = "conditioning",
                  .problem = {.name = "quadratic", .condition = 10.0,
                              .seed = 1},
                  .steps = 100};
    Flag flags[] = {
        {.name = "experiment", .kind = FLAG_CHOICE, .value = &s.experiment,
         .help = "which of the lesson's experiments",
         .choices = experiment_names},
        PROBLEM_FLAGS(&s.problem, "experiment!=conditioning"),
        /* Each experiment runs SWEEP_RATES × CONTESTANTS = 114 runs:
         * 1e6 steps each is at most half a minute (on linreg, whose 100
         * points make it the slowest problem); 1e8 was 40 minutes. */
        {.name = "steps", .kind = FLAG_COUNT, .value = &s.steps,
         .help = "optimizer steps of every run", .min = 0, .max = 1e6,
         .scope = "experiment!=conditioning"},
        CLI_OUT_FLAG(&s.out),
    };
    Cli cli = {.program = program, .usage = usage, CLI_TABLE(flags)};
    int exit_status;
    if (!cli_start(&cli, argc, argv, &exit_status))
        return exit_status;
    if (problem_flags_check(&cli, &s.problem) != CLI_RUN)
        return EXIT_BAD_INPUT;
    Problem p;
    Output saved;
    if (!problem_from_flags(&p, &s.problem, program, &saved))
        return EXIT_FAILURE;
    int status = run(&s, &p, &saved);
    problem_free(&p);
    return status;
}
