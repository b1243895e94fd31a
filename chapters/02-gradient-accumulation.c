/*
 * 02-gradient-accumulation.c: Chapter 2, gradient accumulation.
 *
 * Trains chapter 1's line, w·x + b fitted to noisy points of y = 2x + 1, with
 * parameters that work the way a framework's do: each owns a value and a
 * gradient, backward adds into the gradient, and only an explicit zero_grad
 * clears it. Three ways to train, chosen with --mode:
 *   correct     zero_grad, forward, backward, step: ordinary gradient descent;
 *   no-zero     the same loop without zero_grad, the classic bug: every
 *               update uses the sum of all the gradients so far;
 *   accumulate  one update from k micro-batches, their gradients added up
 *               with a weight each (--weighting), as when a large batch does
 *               not fit in memory.
 * Beside every run, the program trains a reference from the same start, by
 * correct full-batch gradient descent, and prints how far apart the two are,
 * which is how the lesson shows that accumulation (done right) is the large
 * batch's update to the last few bits.
 *
 * Build (make does this, linking lib/ and the solutions of chapters 1 and 2):
 *   make build/bin/02-gradient-accumulation
 * Run:
 *   build/bin/02-gradient-accumulation --mode accumulate --micro-sizes 40,30,20,10
 *   build/bin/02-gradient-accumulation --help
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "01-gradient-descent.h"
#include "02-gradient-accumulation.h"
#include "cli.h"
#include "dataset.h"
#include "loop.h"
#include "output.h"
#include "problems.h"
#include "vec.h"

static const char program[] = PROGRAM_NAME;

/* ======================================================= the graded code
 * Param, param_zero_grad, linreg_backward_accumulate, param_sgd_step and the
 * two training steps are chapter 2's exercises: this program runs their
 * reference solutions (solutions/02-gradient-accumulation.c), and the loss
 * is chapter 1's mse_loss. What is written here is only what the lesson
 * shows going wrong, and the bookkeeping of the runs. */

/* One correct update (zero_grad, forward, backward, step); returns the loss
 * at the values before the step. The forward pass only reads the values,
 * so taking the loss first changes nothing. */
static double train_step(Param *line, const Dataset *ds, double lr)
{
    double loss = mse_loss(ds->x, ds->y, ds->n, line[LINE_W].value,
                           line[LINE_B].value);
    linreg_train_step(ds->x, ds->y, ds->n, lr, line);
    return loss;
}

//> forgot-zero
/* The classic bug: the same loop without zero_grad. Backward adds this
 * step's gradient to everything earlier steps left in grad, so the update
 * uses the sum of all the gradients since training began. */
static double train_step_without_zero_grad(Param *line, const Dataset *ds,
                                           double lr)
{
    double loss = mse_loss(ds->x, ds->y, ds->n, line[LINE_W].value,
                           line[LINE_B].value);
    linreg_backward_accumulate(ds->x, ds->y, ds->n, 1.0, line);
    param_sgd_step(line, LINE_PARAMS, lr);
    return loss;
}
//< forgot-zero

/* How a micro-batch's gradient is weighted when the k of them are added. */
typedef enum { WEIGHT_BY_SIZE, WEIGHT_EQUALLY, WEIGHT_NONE } Weighting;

//> micro-batch-weight
/* The weight of a micro-batch of `size` examples out of `total`, one of k.
 * Each micro-batch's loss is a mean over its own examples, so the mean over
 * all of them is Σ_m (n_m / N)·L_m: weighting by size is right for any
 * split. 1/k is the same number only when every micro-batch has N/k
 * examples; no weight at all adds up k means, about k times the gradient. */
static double micro_batch_weight(Weighting weighting, size_t size,
                                 size_t total, size_t k)
{
    switch (weighting) {
    case WEIGHT_BY_SIZE: return (double)size / (double)total;
    case WEIGHT_EQUALLY: return 1.0 / (double)k;
    case WEIGHT_NONE:    return 1.0;
    }
    return NAN;
}
//< micro-batch-weight

enum { MAX_MICRO_BATCHES = 1000 };

/* How the N examples are cut into k consecutive micro-batches. */
typedef struct {
    size_t k;
    size_t size[MAX_MICRO_BATCHES];
} MicroBatches;

/* The loss over all N examples at the line's values: the size-weighted sum
 * of the micro-batch losses, Σ_m (n_m / N)·L_m, whatever weights the
 * gradients get, so that every run reports the same thing. */
static double micro_batches_loss(const Param *line, const Dataset *ds,
                                 const MicroBatches *micro)
{
    double loss = 0.0;
    size_t first = 0;
    for (size_t m = 0; m < micro->k; m++) {
        size_t n = micro->size[m];
        loss += (double)n / (double)ds->n *
                mse_loss(ds->x + first, ds->y + first, n, line[LINE_W].value,
                         line[LINE_B].value);
        first += n;
    }
    return loss;
}

//> wrong-weights
/* One update from k micro-batches with the weighting chosen. Weighted by
 * size, it is the graded linreg_train_step_accumulated. The other two are
 * the mistakes the lesson measures: the same loop, zero once, each
 * micro-batch's gradient added with its (wrong) weight, one step. Returns
 * the loss before the step. */
static double accumulated_step(Param *line, const Dataset *ds,
                               const MicroBatches *micro, Weighting weighting,
                               double lr)
{
    double loss = micro_batches_loss(line, ds, micro);
    if (weighting == WEIGHT_BY_SIZE) {
        linreg_train_step_accumulated(ds->x, ds->y, micro->size, micro->k, lr,
                                      line);
        return loss;
    }
    param_zero_grad(line, LINE_PARAMS);
    size_t first = 0;
    for (size_t m = 0; m < micro->k; m++) {
        size_t n = micro->size[m];
        double weight = micro_batch_weight(weighting, n, ds->n, micro->k);
        linreg_backward_accumulate(ds->x + first, ds->y + first, n, weight,
                                   line);
        first += n;
    }
    param_sgd_step(line, LINE_PARAMS, lr);
    return loss;
}
//< wrong-weights

/* The gradient of the full-batch loss at the line's values, written into
 * grad[]: chapter 1's mse_grad, which leaves the line's own grads alone. */
static void full_batch_gradient(const Param *line, const Dataset *ds,
                                double *grad)
{
    mse_grad(ds->x, ds->y, ds->n, line[LINE_W].value, line[LINE_B].value,
             &grad[0], &grad[1]);
}

typedef enum { MODE_CORRECT, MODE_NO_ZERO, MODE_ACCUMULATE } Mode;

typedef struct {
    Mode mode;
    double lr;
    size_t steps;
    MicroBatches micro;   /* MODE_ACCUMULATE only */
    Weighting weighting;  /* MODE_ACCUMULATE only */
} Training;

/* How a run ended: every step taken, or stopped at a number that was not
 * finite, in the chosen mode's run or in the reference beside it. */
typedef enum {
    RUN_MAX_STEPS,
    RUN_DIVERGED,
    RUN_REFERENCE_DIVERGED
} RunStatus;

/* One update of the chosen mode. */
static double mode_step(const Training *t, Param *line, const Dataset *ds)
{
    switch (t->mode) {
    case MODE_CORRECT: return train_step(line, ds, t->lr);
    case MODE_NO_ZERO: return train_step_without_zero_grad(line, ds, t->lr);
    case MODE_ACCUMULATE:
        return accumulated_step(line, ds, &t->micro, t->weighting, t->lr);
    }
    return NAN;
}

/* The columns of a training row, after the step number. */
enum {
    COL_LOSS, COL_W, COL_B, COL_GRAD_W, COL_GRAD_B, COL_USED_GRAD_W,
    COL_USED_GRAD_B, COL_REF_LOSS, COL_REF_W, COL_REF_B, COL_PARAM_DIFF,
    COL_MAX_PARAM_DIFF, COLUMNS
};
static const char *const column_names[1 + COLUMNS] = {
    "step", "loss", "w", "b", "grad_w", "grad_b", "used_grad_w",
    "used_grad_b", "ref_loss", "ref_w", "ref_b", "param_diff",
    "max_param_diff"};

/* Trains the line with the chosen mode and, beside it, a reference copy
 * from the same start by correct full-batch steps, writing one row per step
 * from step 0 (the start). Row k holds the parameters after k updates and
 * the loss there; grad_* is the full-batch gradient at those values (what a
 * correct update uses) and used_grad_* what the parameters' grad held when
 * the update from there was taken. Stops at the first row with a number
 * that is not finite, returning RUN_DIVERGED (the mode's run) or
 * RUN_REFERENCE_DIVERGED (only the reference) and the step in
 * *stopped_at. */
static RunStatus train(const Training *t, Param *line, const Dataset *ds,
                         FILE *out, size_t *stopped_at)
{
    Param ref[LINE_PARAMS];
    memcpy(ref, line, sizeof ref);
    double max_diff = 0.0;
    for (size_t step = 0; step <= t->steps; step++) {
        double row[COLUMNS];
        row[COL_W] = line[LINE_W].value;
        row[COL_B] = line[LINE_B].value;
        full_batch_gradient(line, ds, &row[COL_GRAD_W]);
        row[COL_REF_W] = ref[LINE_W].value;
        row[COL_REF_B] = ref[LINE_B].value;
        double diff = fmax(fabs(row[COL_W] - row[COL_REF_W]),
                           fabs(row[COL_B] - row[COL_REF_B]));
        max_diff = fmax(max_diff, diff);
        row[COL_PARAM_DIFF] = diff;
        row[COL_MAX_PARAM_DIFF] = max_diff;
        /* The update from this row gives its loss and the grads it used.
         * After the last row, the parameters it moves are not printed. */
        row[COL_LOSS] = mode_step(t, line, ds);
        row[COL_USED_GRAD_W] = line[LINE_W].grad;
        row[COL_USED_GRAD_B] = line[LINE_B].grad;
        row[COL_REF_LOSS] = train_step(ref, ds, t->lr);
        if (!vec_all_finite(row, COLUMNS)) {
            *stopped_at = step;
            return vec_all_finite(row, COL_REF_LOSS) ? RUN_REFERENCE_DIVERGED
                                                 : RUN_DIVERGED;
        }
        output_row(out, step, row, COLUMNS);
    }
    return RUN_MAX_STEPS;
}

/* ================================================================== main */

static const char *const mode_names[] = {"correct", "no-zero", "accumulate",
                                         NULL};
static const char *const weighting_names[] = {"size", "equal", "none", NULL};

typedef struct {
    const char *mode, *weighting, *out;
    double lr, noise;
    size_t steps, n, k;
    uint64_t seed;
    DoubleList start, micro_sizes;
} Settings;

static const char usage[] =
    PROGRAM_NAME ": chapter 2, gradient accumulation.\n"
    "\n"
    "Fits the line w x + b to N points, x_i evenly spaced on [-2, 2],\n"
    "y_i = 2 x_i + 1 + noise*N(0,1), by minimising the mean squared error\n"
    "  L(w, b) = (1/N) sum_i (w x_i + b - y_i)^2,\n"
    "  dL/dw = (2/N) sum_i r_i x_i,  dL/db = (2/N) sum_i r_i,  r_i = w x_i + b - y_i.\n"
    "Each parameter owns a value and a grad; backward adds into grad.\n"
    "Modes:\n"
    "  correct     each step: zero_grad, forward, backward, step\n"
    "  no-zero     each step: forward, backward, step (grad is never cleared)\n"
    "  accumulate  each step: zero_grad, then for each of k consecutive\n"
    "              micro-batches (sizes n_m) a backward of weight * L_m, then\n"
    "              one step; weight n_m/N (size), 1/k (equal) or 1 (none)\n"
    "Output: CSV with a header, one row per step (step 0 = the start):\n"
    "  step,loss,w,b,grad_w,grad_b,used_grad_w,used_grad_b,\n"
    "  ref_loss,ref_w,ref_b,param_diff,max_param_diff\n"
    "loss and grad_* are the full-batch loss and gradient at w, b; used_grad_*\n"
    "is what the parameters' grad held when the step from there was taken;\n"
    "ref_* is correct full-batch training from the same start; param_diff is\n"
    "max(|w - ref_w|, |b - ref_b|) and max_param_diff its largest value so far.\n"
    "A run makes at most 1e11 point visits (five passes over the N points a\n"
    "step): a larger one is refused before it starts.\n"
    "Exit status: 0 done; 1 a loss became inf or nan (the rows before it are\n"
    "kept), memory ran out, or a file could not be written; 2 bad input.";

/* Cuts n examples into the micro-batches the flags ask for: --micro-sizes
 * as given, or k as equal as possible (the first n mod k one larger). */
static CliStatus plan_micro_batches(Cli *cli, const Settings *s,
                                    MicroBatches *micro)
{
    if (cli_given(cli, "micro-sizes")) {
        size_t sum = 0;
        micro->k = s->micro_sizes.count;
        for (size_t m = 0; m < micro->k; m++) {
            double v = s->micro_sizes.values[m];
            if (v < 1.0 || v != floor(v) || v > (double)s->n)
                return cli_reject_against(cli, "micro-sizes",
                                          "each size must be a whole number "
                                          "from 1 to", "n");
            micro->size[m] = (size_t)v;
            sum += micro->size[m];
        }
        if (sum != s->n) {
            char why[96];
            snprintf(why, sizeof why, "the sizes add up to %zu, not to the "
                     "--n %zu examples", sum, s->n);
            return cli_reject(cli, "micro-sizes", NULL, why);
        }
        return CLI_RUN;
    }
    if (s->k > s->n) {
        char value[32], why[96];
        snprintf(value, sizeof value, "%zu", s->k);
        snprintf(why, sizeof why, "more micro-batches than the --n %zu "
                 "examples", s->n);
        return cli_reject(cli, "k", value, why);
    }
    micro->k = s->k;
    for (size_t m = 0; m < s->k; m++)
        micro->size[m] = s->n / s->k + (m < s->n % s->k ? 1 : 0);
    return CLI_RUN;
}

/* Where each flag applies (accumulation's flags only with --mode
 * accumulate, --micro-sizes only without --k) is its scope in main's
 * table, and cli_parse refuses it elsewhere; these are the rules a scope
 * cannot say: lengths, and sizes that must add up. */
static CliStatus check_combinations(Cli *cli, const Settings *s,
                                    MicroBatches *micro)
{
    bool accumulate = strcmp(s->mode, "accumulate") == 0;
    if (cli_given(cli, "start") && s->start.count != LINE_PARAMS)
        return cli_reject(cli, "start", NULL, "needs two numbers: w,b");
    return accumulate ? plan_micro_batches(cli, s, micro) : CLI_RUN;
}

/* Every step passes over all N points five times (the full-batch gradient
 * of its row; the mode's loss and update; the reference's loss and
 * update), so a run is bounded in point visits: --n 1e8 --steps 1e7 asked
 * for 5e15, over a month. At most RUN_MAX_VISITS (about two minutes),
 * which --n 1e8 at the default 200 steps just fits. */
#define RUN_MAX_VISITS 1e11

static CliStatus check_run_size(Cli *cli, const Settings *s)
{
    return cli_check_work(cli, (const char *const[]){"steps", "n", NULL},
                          5.0 * (double)s->steps * (double)s->n,
                          RUN_MAX_VISITS,
                          "point visits (five passes over the N points a "
                          "step)");
}

static Mode mode_from_name(const char *name)
{
    return strcmp(name, "no-zero") == 0      ? MODE_NO_ZERO
           : strcmp(name, "accumulate") == 0 ? MODE_ACCUMULATE
                                             : MODE_CORRECT;
}

static Weighting weighting_from_name(const char *name)
{
    return strcmp(name, "equal") == 0  ? WEIGHT_EQUALLY
           : strcmp(name, "none") == 0 ? WEIGHT_NONE
                                       : WEIGHT_BY_SIZE;
}

/* Says on stderr why the run stopped at `step`, naming the likeliest cause
 * for the mode (or for the reference run, if only that one failed). */
static void explain_divergence(const Training *t, RunStatus status,
                               size_t step)
{
    if (loop_blame_start(program, step, "--start is too far out"))
        return;
    loop_say_diverged(program, step);
    fprintf(stderr, "%s: ",
            status == RUN_REFERENCE_DIVERGED
                ? " in the reference run (correct full-batch training)"
                : "");
    if (status == RUN_REFERENCE_DIVERGED)
        fprintf(stderr, "--lr %g is above these data's stable limit, so every "
                "step overshoots further than the last (divide --lr by 10; "
                "01-gradient-descent --problem linreg --task solve prints "
                "the limit)\n", t->lr);
    /* No branch for --mode no-zero: on this quadratic loss the run without
     * zero_grad stays bounded for every lr below twice the limit of correct
     * training (see the lesson), so its reference always fails first. */
    else if (t->mode == MODE_ACCUMULATE && t->weighting == WEIGHT_NONE)
        fprintf(stderr,
                "the %zu micro-batch gradients were added without weights, "
                "about %zu times the mean gradient, so --lr %g acts like "
                "%g (use --weighting size)\n",
                t->micro.k, t->micro.k, t->lr, t->lr * (double)t->micro.k);
    else
        fprintf(stderr,
                "--lr %g is above these data's stable limit, so every step "
                "overshoots further than the last (divide --lr by 10; "
                "01-gradient-descent --problem linreg --task solve prints "
                "the limit)\n",
                t->lr);
}

static int run(const Settings *s, const Training *t, Param *line,
               const Dataset *ds)
{
    Output out;
    if (!output_open(&out, program, "--out", s->out))
        return EXIT_FAILURE;
    output_header(out.file, column_names, 1 + COLUMNS);
    size_t stopped_at = 0;
    int status = EXIT_SUCCESS;
    RunStatus ended = train(t, line, ds, out.file, &stopped_at);
    if (ended != RUN_MAX_STEPS) {
        explain_divergence(t, ended, stopped_at);
        status = EXIT_FAILURE;
    }
    if (!output_commit(&out, program))
        return EXIT_FAILURE;
    return status;
}

int main(int argc, char **argv)
{
    Settings s = {.mode = "correct", .weighting = "size", .lr = 0.05,
                  .noise = 0.1, .steps = 200, .n = 100, .k = 4, .seed = 1};
    Flag flags[] = {
        {.name = "mode", .kind = FLAG_CHOICE, .value = &s.mode,
         .help = "how to train", .choices = mode_names},
        {.name = "lr", .kind = FLAG_DOUBLE, .value = &s.lr,
         .help = "learning rate η", .min = 0, .min_exclusive = true,
         .max = 1e6},
        {.name = "steps", .kind = FLAG_COUNT, .value = &s.steps,
         .help = "updates (steps; a row each)", .min = 0, .max = 1e7},
        {.name = "k", .kind = FLAG_COUNT, .value = &s.k,
         .help = "number of micro-batches, as equal in size as N allows",
         .min = 1, .max = MAX_MICRO_BATCHES, .scope = "mode=accumulate"},
        {.name = "micro-sizes", .kind = FLAG_LIST, .value = &s.micro_sizes,
         .whole = true,
         .help = "the micro-batch sizes, in order, adding up to N; up to 8",
         .default_text = "--k equal parts", .scope = "mode=accumulate !k"},
        {.name = "weighting", .kind = FLAG_CHOICE, .value = &s.weighting,
         .help = "each micro-batch gradient's weight",
         .choices = weighting_names, .scope = "mode=accumulate"},
        {.name = "start", .kind = FLAG_LIST, .value = &s.start,
         .help = "starting point w,b", .default_text = "w, b ~ N(0, 1)"},
        {.name = "seed", .kind = FLAG_SEED, .value = &s.seed,
         .help = "random seed for the data and the start"},
        {.name = "n", .kind = FLAG_COUNT, .value = &s.n,
         .help = "number of data points N", .min = 2, .max = 1e8},
        {.name = "noise", .kind = FLAG_DOUBLE, .value = &s.noise,
         .help = "standard deviation of the label noise", .min = 0,
         .max = 1e6},
        CLI_OUT_FLAG(&s.out),
    };
    Cli cli = {.program = program, .usage = usage, CLI_TABLE(flags)};
    int exit_status;
    if (!cli_start(&cli, argc, argv, &exit_status))
        return exit_status;
    Training t = {.mode = mode_from_name(s.mode), .lr = s.lr,
                  .steps = s.steps,
                  .weighting = weighting_from_name(s.weighting)};
    if (check_combinations(&cli, &s, &t.micro) != CLI_RUN ||
        check_run_size(&cli, &s) != CLI_RUN)
        return EXIT_BAD_INPUT;

    /* Chapter 1's data and start (problem_line_data): the same seed gives
     * the same points and the same first guess, so correct training here
     * retraces chapter 1. */
    Dataset ds;
    double start[LINE_PARAMS];
    if (!problem_line_data(&ds, s.n, s.noise, s.seed, start)) {
        fprintf(stderr, "%s: out of memory for --n %zu\n", program, s.n);
        return EXIT_FAILURE;
    }
    if (s.start.count)
        memcpy(start, s.start.values, sizeof start);
    Param line[LINE_PARAMS] = {{0.0, 0.0}, {0.0, 0.0}};
    line[LINE_W].value = start[0];
    line[LINE_B].value = start[1];
    int status = run(&s, &t, line, &ds);
    dataset_free(&ds);
    return status;
}
