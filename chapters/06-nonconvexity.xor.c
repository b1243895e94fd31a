/*
 * 06-nonconvexity.xor.c: Chapter 6, nonconvexity: a small network learning
 * XOR, and why hidden units that start identical stay identical.
 *
 * A 2-H-1 network (H tanh hidden units, a sigmoid output) trained by
 * full-batch gradient descent on the four XOR examples, with the mean
 * binary cross-entropy as its loss. The network is lib/xor_net.c, an
 * Objective over one flat parameter vector (as genann and llm.c keep
 * theirs), so later chapters train it too; here it trains through the
 * course's one loop (lib/loop.c) with chapter 4's sgd_step, and the
 * gradient check is chapter 1's numerical_gradient.
 *   train      a run: step,loss,accuracy,spread and every parameter
 *   seeds      --trials runs from seeds --seed, --seed + 1, ...
 *   gradcheck  the backward pass against central differences
 * build/bin/06-nonconvexity --problem xor [flags] runs this program, with
 * the same flags. The units' spread is lib/xor_net.c's xor_units_spread:
 * the measurement chapter 6's graded hidden_units_identical turns into a
 * yes or no, made here on the network's flat vector, unit after unit.
 *
 * Build: make (it links the solutions and lib/).
 * Run:
 *   build/bin/06-nonconvexity.xor --init symmetric
 *   build/bin/06-nonconvexity.xor --help
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "01-gradient-descent.h"
#include "cli.h"
#include "loop.h"
#include "objective.h"
#include "optimizer.h"
#include "output.h"
#include "rng.h"
#include "xor_net.h"

static const char program[] = PROGRAM_NAME;

//> xor-train
/* lib/loop.h's row callback: the loss, the accuracy, the units' spread and
 * every parameter. */
static bool write_row(size_t step, double loss, const double *t,
                      const double *grads, size_t n, void *out)
{
    (void)grads;
    size_t hidden = (n - 1) / XOR_UNIT_PARAMS;
    double row[3 + XOR_MAX_PARAMS];
    row[0] = loss;
    row[1] = xor_accuracy(t, hidden);
    row[2] = xor_units_spread(t, hidden);
    memcpy(row + 3, t, n * sizeof *t);
    output_row(out, step, row, 3 + n);
    return true;
}

/* Full-batch gradient descent on the network from t: the course's loop
 * with chapter 4's SGD (no momentum), whose rows go to `out` unless it is
 * NULL. False when out of memory. */
static bool xor_train(double *t, size_t hidden, double lr, size_t steps,
                      FILE *out, LoopResult *result)
{
    Objective net = {xor_net_size(hidden), xor_loss_grad, &hidden};
    OptimizerConfig sgd = {.kind = OPTIMIZER_SGD, .sgd = {.lr = lr}};
    Loop loop = {.steps = steps, .row = out ? write_row : NULL,
                 .row_ctx = out};
    return optimizer_train(&sgd, &net, loop, t, result);
}
//< xor-train

/* The backward pass against chapter 1's numerical_gradient, the central
 * differences of the loss with h = 1e-5: the check that the hand-written
 * gradient is right. */
static void xor_gradcheck(double *t, size_t hidden, FILE *out)
{
    Objective net = {xor_net_size(hidden), xor_loss_grad, &hidden};
    double grad[XOR_MAX_PARAMS], central[XOR_MAX_PARAMS];
    objective_loss_grad(&net, t, grad);
    numerical_gradient(objective_loss_of, &net, t, net.dim, 1e-5, central);
    fprintf(out, "param,grad,central,rel_error\n");
    for (size_t k = 0; k < net.dim; k++) {
        char name[32];
        xor_param_name(name, sizeof name, k, hidden);
        double scale = fmax(fabs(grad[k]), fabs(central[k]));
        double row[3] = {grad[k], central[k],
                         scale == 0.0 ? 0.0 : fabs(grad[k] - central[k]) / scale};
        fprintf(out, "%s,", name);
        output_numbers(out, row, 3);
    }
}

/* ==================================================================== main */

static const char *const problem_names[] = {"xor", NULL};
static const char *const task_names[] = {"train", "seeds", "gradcheck", NULL};
static const char *const init_names[] = {"random", "symmetric", NULL};

typedef struct {
    const char *problem, *task, *init, *out;
    double lr, init_scale, jitter;
    size_t steps, hidden, trials;
    uint64_t seed;
} Settings;

static const char usage[] =
    PROGRAM_NAME ": chapter 6, a network learning XOR.\n"
    "\n"
    "A 2-H-1 network (tanh hidden units, sigmoid output) on the four XOR\n"
    "examples, mean binary cross-entropy, full-batch gradient descent.\n"
    "Tasks (CSV on stdout or --out, with a header line):\n"
    "  train      step,loss,accuracy,spread, then every unit's\n"
    "             h<j>_w1,h<j>_w2,h<j>_b,h<j>_out, and b_out\n"
    "  seeds      --trials runs from seeds --seed, --seed + 1, ...:\n"
    "             trial,seed,loss,accuracy,spread,solved (a running count)\n"
    "  gradcheck  the backward pass against central differences:\n"
    "             param,grad,central,rel_error\n"
    "A run writes at most 1 GB of CSV (train) and takes at most 1e8 steps in\n"
    "all (seeds): a larger one is refused before it starts.\n"
    "Exit status: 0 done; 1 the loss became inf or nan (the rows before it\n"
    "are kept), memory ran out, or a file could not be written; 2 bad input.";

static XorInit init_kind(const Settings *s)
{
    return strcmp(s->init, "symmetric") == 0 ? XOR_INIT_SYMMETRIC : XOR_INIT_RANDOM;
}

static int out_of_memory(void)
{
    fprintf(stderr, "%s: out of memory\n", program);
    return EXIT_FAILURE;
}

static int run_seeds(const Settings *s, FILE *out)
{
    double t[XOR_MAX_PARAMS];
    fprintf(out, "trial,seed,loss,accuracy,spread,solved\n");
    size_t solved = 0;
    for (size_t trial = 0; trial < s->trials; trial++) {
        Rng rng;
        rng_seed(&rng, s->seed + trial);
        xor_net_init(t, s->hidden, init_kind(s), s->init_scale, s->jitter, &rng);
        LoopResult r;
        if (!xor_train(t, s->hidden, s->lr, s->steps, NULL, &r))
            return out_of_memory();
        double accuracy = r.status == LOOP_DIVERGED ? 0.0
                                                    : xor_accuracy(t, s->hidden);
        solved += accuracy == 1.0;
        fprintf(out, "%zu,%llu,%.17g,%.17g,%.17g,%zu\n", trial,
                (unsigned long long)(s->seed + trial),
                output_plain_nan(r.loss), accuracy,
                xor_units_spread(t, s->hidden), solved);
    }
    return EXIT_SUCCESS;
}

/* A run's size, bounded so that a digit too many is an error rather than
 * a full disk or a run of days: train writes a row a step, at most
 * TRAIN_MAX_BYTES (--steps 1e7 --hidden 8 was 7 GB); the seeds task takes
 * at most SEEDS_MAX_STEPS in all, about a minute (--trials 1e5 --steps 1e7
 * asked for 1e12, about ten days). */
#define TRAIN_MAX_BYTES 1e9
#define SEEDS_MAX_STEPS 1e8

static CliStatus check_run_size(Cli *cli, const Settings *s)
{
    if (strcmp(s->task, "train") == 0) {
        double columns = 4.0 + (double)xor_net_size(s->hidden);
        return cli_check_work(cli, (const char *const[]){"steps", "hidden",
                                                         NULL},
                              ((double)s->steps + 1.0) * columns * 24.0,
                              TRAIN_MAX_BYTES,
                              "bytes of CSV (a row a step, a number up to "
                              "24 characters)");
    }
    if (strcmp(s->task, "seeds") == 0)
        return cli_check_work(cli, (const char *const[]){"trials", "steps",
                                                         NULL},
                              (double)s->trials * (double)s->steps,
                              SEEDS_MAX_STEPS,
                              "steps in all (--trials times --steps)");
    return CLI_RUN;
}

/* Runs the task into `out`. *diverged says whether a failure was the
 * loss becoming inf or nan, whose rows are worth keeping. */
static int run(const Settings *s, FILE *out, bool *diverged)
{
    if (strcmp(s->task, "seeds") == 0)
        return run_seeds(s, out);
    double t[XOR_MAX_PARAMS];
    Rng rng;
    rng_seed(&rng, s->seed);
    xor_net_init(t, s->hidden, init_kind(s), s->init_scale, s->jitter, &rng);
    if (strcmp(s->task, "gradcheck") == 0) {
        xor_gradcheck(t, s->hidden, out);
        return EXIT_SUCCESS;
    }
    fprintf(out, "step,loss,accuracy,spread");
    for (size_t k = 0; k < xor_net_size(s->hidden); k++) {
        char name[32];
        xor_param_name(name, sizeof name, k, s->hidden);
        fprintf(out, ",%s", name);
    }
    fputc('\n', out);
    LoopResult r;
    if (!xor_train(t, s->hidden, s->lr, s->steps, out, &r))
        return out_of_memory();
    if (r.status != LOOP_DIVERGED)
        return EXIT_SUCCESS;
    *diverged = true;
    loop_say_diverged(program, r.step);
    fprintf(stderr, ": --lr %g is too large for this network (divide --lr "
            "by 10)\n", s->lr);
    return EXIT_FAILURE;
}

int main(int argc, char **argv)
{
    Settings s = {.problem = "xor", .task = "train", .init = "random", .lr = 1.0,
                  .init_scale = 0.5, .steps = 2000, .hidden = 3,
                  .trials = 20, .seed = 1};
    Flag flags[] = {
        /* 06-nonconvexity hands its --problem xor command lines over
         * whole (lib/family.h), so this program takes the flag too. */
        {.name = "problem", .kind = FLAG_CHOICE, .value = &s.problem,
         .help = "the XOR network, the only problem here",
         .choices = problem_names},
        {.name = "task", .kind = FLAG_CHOICE, .value = &s.task,
         .help = "what to compute", .choices = task_names},
        {.name = "lr", .kind = FLAG_DOUBLE, .value = &s.lr,
         .help = "learning rate η", .min = 0, .min_exclusive = true,
         .max = 1e6, .scope = "task=train|seeds"},
        {.name = "steps", .kind = FLAG_COUNT, .value = &s.steps,
         .help = "gradient steps (a row each)", .min = 0, .max = 1e7,
         .scope = "task=train|seeds"},
        {.name = "seed", .kind = FLAG_SEED, .value = &s.seed,
         .help = "random seed of the initial weights (seeds: the first)"},
        {.name = "hidden", .kind = FLAG_COUNT, .value = &s.hidden,
         .help = "hidden units H", .min = 1, .max = XOR_MAX_HIDDEN},
        {.name = "init", .kind = FLAG_CHOICE, .value = &s.init,
         .help = "initial weights", .choices = init_names},
        {.name = "init-scale", .kind = FLAG_DOUBLE, .value = &s.init_scale,
         .help = "initial weights ~ N(0, scale^2)", .min = 0,
         .min_exclusive = true, .max = 100},
        {.name = "jitter", .kind = FLAG_DOUBLE, .value = &s.jitter,
         .help = "then add jitter*N(0,1) to every hidden parameter",
         .min = 0, .max = 100},
        {.name = "trials", .kind = FLAG_COUNT, .value = &s.trials,
         .help = "runs, one per seed", .min = 1, .max = 100000,
         .scope = "task=seeds"},
        CLI_OUT_FLAG(&s.out),
    };
    Cli cli = {.program = program, .usage = usage, CLI_TABLE(flags)};
    int exit_status;
    if (!cli_start(&cli, argc, argv, &exit_status))
        return exit_status;
    if (check_run_size(&cli, &s) != CLI_RUN)
        return EXIT_BAD_INPUT;
    Output out;
    if (!output_open(&out, program, "--out", s.out))
        return EXIT_FAILURE;
    bool diverged = false;
    int status = run(&s, out.file, &diverged);
    if (status != EXIT_SUCCESS && !diverged) { /* no rows worth keeping */
        output_discard(&out);
        return status;
    }
    if (!output_commit(&out, program))
        return EXIT_FAILURE;
    return status;
}
