/*
 * 04-optimizers.c: Chapter 4, optimizers.
 *
 * Minimises a two-parameter loss with one of chapter 4's six optimizers,
 * the very functions the exercises grade (solutions/04-optimizers.c, or
 * yours under `make try CH=04`), each written to match torch.optim's
 * documented algorithm and defaults in double precision (Lion, which
 * torch.optim lacks, follows Chen et al., 2023):
 *   sgd      SGD with momentum, dampening, Nesterov momentum, weight decay
 *   adam     Adam (with AMSGrad and L2 weight decay)
 *   adamw    AdamW: Adam with decoupled weight decay
 *   rmsprop  RMSprop (with momentum, centering, weight decay)
 *   adagrad  Adagrad (with learning-rate decay, initial accumulator)
 *   lion     Lion: the sign of an interpolated momentum
 * on one of four problems (lib/problems.h): an ill-conditioned quadratic,
 * Rosenbrock's valley, Himmelblau's four minima, and chapter 1's
 * regression line. --clip-norm or --clip-value clips the gradient before
 * every step with chapter 5's clip_grad_norm or clip_grad_value.
 * It prints the trajectory as CSV, step,loss,x,y, from step 0 (the start)
 * to step N. The lesson's other experiments (--experiment) are the program
 * 04-optimizers.experiments, which this one runs for them.
 *
 * Build and run (make builds it, linking chapters 1, 4 and 5's solutions):
 *   make build/bin/04-optimizers
 *   build/bin/04-optimizers --problem rosenbrock --optimizer adam --lr 0.01
 *   build/bin/04-optimizers --help
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clipping.h"
#include "family.h"
#include "loop.h"
#include "optimizer.h"
#include "output.h"
#include "problems.h"

/* "04-optimizers": set by the build, from this file's name. */
static const char program[] = PROGRAM_NAME;

typedef struct {
    ProblemFlags problem;
    OptimizerFlags optimizer;
    size_t steps;
    Clipping clipping;
    const char *experiment, *out;
} Settings;

/* ================================================================ a run */

/* One CSV row per step: step,loss,x,y. */
static bool write_row(size_t step, double loss, const double *theta,
                      const double *grads, size_t n, void *out)
{
    (void)grads;
    (void)n;
    output_row(out, step, (const double[]){loss, theta[0], theta[1]}, 3);
    return true;
}

//> train-loop
/* The run: lib/loop.c's loop with this program's pieces, `--steps` steps
 * of the chosen optimizer from the problem's start, a row per step, and
 * chapter 5's clipping as the hook (lib/clipping.h) if a threshold was
 * given. False when out of memory. */
static bool train(const Settings *s, const OptimizerConfig *cfg,
                  const Problem *p, FILE *out, LoopResult *result)
{
    Clipping clipping = s->clipping;
    Loop loop = {.steps = s->steps,
                 .hook = clipping_asked(&clipping) ? clipping_hook : NULL,
                 .hook_ctx = &clipping,
                 .row = write_row,
                 .row_ctx = out};
    double theta[PROBLEM_DIM] = {p->start[0], p->start[1]};
    return optimizer_train(cfg, &p->objective, loop, theta, result);
}
//< train-loop

/* Runs and reports: a run that diverged says where and why. The rows
 * written before a divergence are kept, since they show how it went.
 * *saved, the --save-data file (empty without it), is committed with
 * --out: a run that cannot write one of them leaves neither. */
static int run(const Settings *s, const OptimizerConfig *cfg,
               const Problem *p, Output *saved)
{
    Output out;
    if (!output_open(&out, program, "--out", s->out)) {
        output_discard(saved);
        return EXIT_FAILURE;
    }
    fputs("step,loss,x,y\n", out.file);
    LoopResult result;
    int status = EXIT_SUCCESS;
    if (!train(s, cfg, p, out.file, &result)) { /* no rows worth keeping */
        fprintf(stderr, "%s: out of memory for the optimizer\n", program);
        output_discard(&out);
        output_discard(saved);
        return EXIT_FAILURE;
    }
    if (result.status == LOOP_DIVERGED) {
        if (!loop_blame_start(program, result.step, "--start is too far out") &&
            !optimizer_blame(cfg, program, result.step)) {
            loop_say_diverged(program, result.step);
            fprintf(stderr,
                    ": --lr %g is too large for --optimizer %s on --problem "
                    "%s, so the steps overshoot further and further (divide "
                    "--lr by 10)\n",
                    optimizer_lr(cfg), s->optimizer.name, s->problem.name);
        }
        status = EXIT_FAILURE;
    }
    Output *const outputs[] = {&out, s->problem.save_data ? saved : NULL};
    if (!output_commit_all(outputs, 2, program))
        return EXIT_FAILURE;
    return status;
}

/* ======================================================= the experiments
 * The lesson's experiments are a family of their own, with flags of
 * their own: build/bin/04-optimizers.experiments. A command line with
 * --experiment (other than none) is handed over to it whole
 * (lib/family.h), so that scripts written when both were one program keep
 * working. */

static bool wants_experiment(int argc, char **argv)
{
    const char *experiment = family_flag_value(argc, argv, "experiment");
    return experiment && strcmp(experiment, "none") != 0;
}

/* ==================================================================== main */

static const char *const experiment_names[] = {"none", "conditioning",
                                               "lr-sweep", "tuned", NULL};

static const char usage[] =
    PROGRAM_NAME ": chapter 4, optimizers, exact to torch.optim.\n"
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
    "al., 2023); a flag applies only to the optimizers that have it, as\n"
    "its [only with --optimizer ...] below says.\n"
    "Before every step of any optimizer, the gradient g can be clipped\n"
    "(chapter 5), as torch.nn.utils does:\n"
    CLIPPING_USAGE
    "Output (CSV on stdout or --out, with a header line): step,loss,x,y for\n"
    "steps 0 (the start) to N.\n"
    "With --experiment NAME this runs 04-optimizers.experiments instead,\n"
    "the lesson's comparisons (its --help has their flags and columns).\n"
    "Exit status: 0 done; 1 the loss became inf or nan (the rows before it\n"
    "are kept), memory ran out, or a file could not be written; 2 bad input.";

int main(int argc, char **argv)
{
    if (wants_experiment(argc, argv))
        return family_exec(program, "experiments", argv);
    Settings s = {.problem = {.name = "quadratic", .condition = 10.0,
                              .seed = 1},
                  .optimizer = {.name = "sgd"},
                  .steps = 100,
                  .experiment = "none"};
    Flag flags[] = {
        PROBLEM_FLAGS(&s.problem, ""),
        {.name = "steps", .kind = FLAG_COUNT, .value = &s.steps,
         .help = "optimizer steps (a row each)", .min = 0, .max = 1e7},
        OPTIMIZER_FLAGS(&s.optimizer, "", ""),
        CLIPPING_FLAGS(&s.clipping, ""),
        {.name = "experiment", .kind = FLAG_CHOICE, .value = &s.experiment,
         .help = "run one of the lesson's experiments instead "
                 "(04-optimizers.experiments)",
         .choices = experiment_names},
        CLI_OUT_FLAG(&s.out),
    };
    Cli cli = {.program = program, .usage = usage, CLI_TABLE(flags)};
    int exit_status;
    if (!cli_start(&cli, argc, argv, &exit_status))
        return exit_status;
    if (optimizer_flags_check(&cli, &s.optimizer) != CLI_RUN ||
        problem_flags_check(&cli, &s.problem) != CLI_RUN ||
        clipping_flags_check(&cli) != CLI_RUN)
        return EXIT_BAD_INPUT;

    OptimizerConfig cfg = optimizer_flags_config(&cli, &s.optimizer);
    Problem p;
    Output saved;
    if (!problem_from_flags(&p, &s.problem, program, &saved))
        return EXIT_FAILURE;
    int status = run(&s, &cfg, &p, &saved);
    problem_free(&p);
    return status;
}
