/*
 * 07-schedules.training.c: Chapter 7, schedules on noisy gradients, and
 * the learning-rate range test.
 *
 * --task train trains with any of chapter 7's schedules (lib/schedule.h)
 * and chapter 4's optimizers on minibatches, where a schedule matters
 * most: the gradient is noisy, and a constant rate leaves the loss
 * bouncing at a floor that only a smaller rate lowers.
 *
 * --task find is Smith's range test as fastai's lr_find runs it: one minibatch per step,
 * the rate growing exponentially from --lr-min towards --lr-max over
 * --steps steps (chapter 7's range_test_lr), the loss smoothed by a
 * bias-corrected moving average (smooth_loss), the test stopped once the
 * smoothed loss exceeds 4 times its minimum, and two suggestions: where
 * the smoothed loss falls fastest against log lr (lr_suggestion), and the
 * rate of the minimum divided by 10. --task sweep trains once per rate
 * instead, at that rate throughout, to check the suggestions against.
 * The models are chapter 3's linear regression on minibatches (chapter 3's
 * shuffle, batches and gradient) and chapter 6's XOR network; the steps
 * are chapter 4's optimizers.
 *
 * Build and run (make builds it):
 *   make build/bin/07-schedules.training
 *   build/bin/07-schedules.training --task find --model linreg
 *   build/bin/07-schedules.training --help
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "03-minibatch.h"
#include "07-schedules.h"
#include "cli.h"
#include "dataset.h"
#include "epochs.h"
#include "loop.h"
#include "optimizer.h"
#include "output.h"
#include "rng.h"
#include "schedule.h"
#include "xor_net.h"

/* "07-schedules.training": set by the build, from this file's name. */
static const char program[] = PROGRAM_NAME;

typedef struct {
    const char *model, *task;
    OptimizerFlags optimizer;
    ScheduleFlags schedule;
    double lr_min, lr_max, beta;
    size_t steps, points;
    bool no_stop;
    size_t n, d, batch_size, hidden, trials;
    double target;
    double noise;
    uint64_t seed;
    const char *out, *suggestion;
} Settings;

/* ============================================================ the models
 * Either model gives the loss and gradient of the next minibatch (the
 * regression walks shuffled epochs; XOR's batch is its four examples) and
 * the loss over every example. θ is one flat vector of `dim` doubles. */

typedef struct {
    bool xor;
    size_t dim, hidden;
    Dataset data;      /* the regression's examples */
    Examples examples; /* the same, as chapter 3's functions take them */
    size_t *order;     /* the current epoch's order */
    size_t *all;       /* 0, 1, ..., n - 1: every example, for the full
                          loss */
    size_t batch_size;
    Epochs epochs;     /* chapter 3's shuffles and batches of order */
} Model;

static bool model_init(Model *m, const Settings *s)
{
    *m = (Model){.xor = strcmp(s->model, "xor") == 0, .hidden = s->hidden,
                 .batch_size = s->batch_size};
    if (m->xor) {
        m->dim = xor_net_size(s->hidden);
        return true;
    }
    m->dim = s->d + 1; /* the weights, then the bias */
    if (!dataset_alloc(&m->data, s->n, s->d))
        return false;
    m->order = malloc(s->n * sizeof *m->order);
    m->all = malloc(s->n * sizeof *m->all);
    double *w = malloc(s->d * sizeof *w);
    if (!m->order || !m->all || !w) {
        free(w);
        return false;
    }
    for (size_t i = 0; i < s->n; i++)
        m->all[i] = i;
    /* The true weights and the examples from one seeded stream; the
     * shuffles from another. */
    Rng data_rng;
    rng_seed(&data_rng, s->seed);
    for (size_t j = 0; j < s->d; j++)
        w[j] = rng_normal(&data_rng);
    dataset_fill_gaussian(&m->data, w, 0.5, s->noise, &data_rng);
    free(w);
    m->examples = (Examples){s->n, s->d, m->data.x, m->data.y};
    return true;
}

static void model_free(Model *m)
{
    dataset_free(&m->data);
    free(m->order);
    free(m->all);
}

/* A fresh start: the weights, and the regression's first epoch. */
static void model_start(Model *m, double *theta, uint64_t seed)
{
    Rng init;
    rng_seed(&init, seed);
    if (m->xor) {
        xor_net_init(theta, m->hidden, XOR_INIT_RANDOM, 0.5, 0.0, &init);
        return;
    }
    memset(theta, 0, m->dim * sizeof *theta);
    for (size_t i = 0; i < m->examples.n; i++)
        m->order[i] = i;
    epochs_init(&m->epochs, m->order, m->examples.n, m->batch_size, false,
                seed);
    epochs_start(&m->epochs);
}

/* The loss of the next minibatch at theta, its gradient into grad. */
static double model_batch(Model *m, const double *theta, double *grad)
{
    if (m->xor)
        return xor_loss_grad(theta, grad, &m->hidden);
    const size_t *rows;
    size_t count, d = m->examples.d;
    epochs_next_step(&m->epochs, &rows, &count);
    return minibatch_mse_grad(&m->examples, rows, count, theta,
                              theta[d], grad, grad + d);
}

/* The loss over every example; grad is scratch of dim doubles. */
static double model_full_loss(Model *m, const double *theta, double *grad)
{
    if (m->xor)
        return xor_loss_grad(theta, NULL, &m->hidden);
    size_t d = m->examples.d;
    return minibatch_mse_grad(&m->examples, m->all, m->examples.n, theta,
                              theta[d], grad, grad + d);
}

/* ========================================================= the range test */

/* What the test found: its rows' rates and smoothed losses, and where it
 * stopped. */
typedef struct {
    double *lrs, *smoothed;
    size_t rows;       /* rows recorded */
    size_t stop;       /* the row that stopped it, or `rows` */
} RangeTest;

//> range-test-loop
/* Steps at rates growing from lr_min; one row per step: step,lr,loss,
 * smoothed. Stops after the first step whose smoothed loss exceeds 4
 * times the smallest so far (unless no_stop), or whose loss is not
 * finite. */
static bool range_test(const Settings *s, const OptimizerConfig *cfg,
                       Model *m, double *theta, double *grad, FILE *out,
                       RangeTest *t)
{
    Optimizer opt;
    if (!optimizer_init(&opt, cfg, m->dim))
        return false;
    SmoothedLoss smooth = {.beta = s->beta};
    double best = INFINITY;
    t->rows = 0;
    t->stop = s->steps;
    for (size_t k = 0; k < s->steps; k++) {
        double lr = range_test_lr(s->lr_min, s->lr_max, k, s->steps);
        optimizer_set_lr(&opt.config, lr);
        double loss = model_batch(m, theta, grad);
        double smoothed = isfinite(loss) ? smooth_loss(&smooth, loss) : NAN;
        output_row(out, k, (const double[]){lr, loss, smoothed}, 3);
        t->lrs[k] = lr;
        t->smoothed[k] = smoothed;
        t->rows = k + 1;
        if (!isfinite(smoothed) || (!s->no_stop && smoothed > 4.0 * best)) {
            t->stop = k;
            break;
        }
        best = fmin(best, smoothed);
        optimizer_step(theta, grad, m->dim, &opt);
    }
    optimizer_free(&opt);
    return true;
}
//< range-test-loop

//> suggestions
/* The two suggestions. As fastai's lr_find, they look only at the rows
 * from the tenth of the test on (the first averages are of a few noisy
 * batches) up to five rows before the end (the last rows climb towards the
 * stop): the steepest fall against log lr, and the minimum's rate / 10. */
static void suggest(const RangeTest *t, size_t steps, FILE *file)
{
    size_t from = steps / 10, to = t->stop < t->rows ? t->stop : t->rows;
    to = to > 5 ? to - 5 : 0;
    if (to < from + 2) { /* too short a test to trim: every usable row */
        from = 0;
        to = t->stop < t->rows ? t->stop : t->rows;
    }
    size_t steepest = from;
    if (to >= from + 2)
        steepest += lr_suggestion(t->lrs + from, t->smoothed + from, to - from);
    size_t lowest = from;
    for (size_t k = from + 1; k < to; k++)
        if (t->smoothed[k] < t->smoothed[lowest])
            lowest = k;
    static const char *const names[] = {
        "steepest_lr", "steepest_step", "minimum_lr", "minimum_step",
        "minimum_lr_over_10", "stop_step"};
    output_header(file, names, 6);
    output_numbers(file,
                   (const double[]){t->lrs[steepest], (double)steepest,
                                    t->lrs[lowest], (double)lowest,
                                    t->lrs[lowest] / 10.0, (double)t->stop},
                   6);
}
//< suggestions

/* ========================================================= a training run */

//> train-minibatch
/* --steps steps with the schedule from the start `seed` gives, with a row
 * per step unless out is NULL: step,lr,batch_loss,loss, the rate of step
 * k, the loss of its minibatch, and the loss over every example before
 * it; row N is where the last step landed. *end_loss is the final loss
 * over every example; *diverged_at is the step whose loss was not
 * finite (the rows stop before it), or N + 1. False when out of memory. */
static bool train(const Settings *s, const OptimizerConfig *ocfg,
                  const ScheduleConfig *scfg, Model *m, uint64_t seed,
                  double *theta, double *grad, FILE *out, double *end_loss,
                  size_t *diverged_at, Schedule *final)
{
    ScheduledOptimizer so;
    *diverged_at = s->steps + 1;
    if (!scheduled_optimizer_init(&so, ocfg, scfg, m->dim))
        return false;
    model_start(m, theta, seed);
    double loss = NAN;
    for (size_t k = 0; k <= s->steps; k++) {
        loss = model_full_loss(m, theta, grad);
        double batch = k < s->steps ? model_batch(m, theta, grad) : loss;
        if (!isfinite(batch) || !isfinite(loss)) {
            *diverged_at = k; /* its row is not written: the run ended */
            break;
        }
        if (out)
            output_row(out, k, (const double[]){so.schedule.lr, batch, loss},
                       3);
        if (k == s->steps)
            break;
        so.loss = batch; /* what ReduceLROnPlateau watches */
        scheduled_optimizer_step(theta, grad, m->dim, &so);
    }
    if (final)
        *final = so.schedule;
    scheduled_optimizer_free(&so);
    *end_loss = loss;
    return true;
}
//< train-minibatch

/* --trials runs from seeds --seed, --seed + 1, ...: trial,seed,loss,solved
 * (a running count of the runs whose final loss is below --target). False
 * when out of memory. */
static bool seeds(const Settings *s, const OptimizerConfig *ocfg,
                  const ScheduleConfig *scfg, Model *m, double *theta,
                  double *grad, FILE *out)
{
    fputs("trial,seed,loss,solved\n", out);
    size_t solved = 0;
    for (size_t t = 0; t < s->trials; t++) {
        size_t diverged_at;
        double loss;
        if (!train(s, ocfg, scfg, m, s->seed + t, theta, grad, NULL, &loss,
                   &diverged_at, NULL))
            return false;
        solved += loss < s->target;
        /* (The seed as a whole number: as a double, a seed above 2^53
         * printed as another one, which does not reproduce the row.) */
        fprintf(out, "%zu,%" PRIu64 ",%.17g,%zu\n", t, s->seed + t,
                output_plain_nan(loss), solved);
    }
    return true;
}

/* ============================================================== the sweep */

/* --points runs at base rates log-spaced from --lr-min to --lr-max, each
 * of --steps steps with --schedule from the same start: run,lr,final_loss
 * (the loss over every example at the end; nan where the run diverged). */
static bool sweep(Cli *cli, const Settings *s, const OptimizerConfig *ocfg,
                  Model *m, double *theta, double *grad, FILE *out)
{
    fputs("run,lr,final_loss\n", out);
    for (size_t i = 0; i < s->points; i++) {
        double lr = range_test_lr(s->lr_min, s->lr_max, i, s->points - 1);
        OptimizerConfig c = *ocfg;
        optimizer_set_lr(&c, lr);
        ScheduleConfig scfg = schedule_flags_config(cli, &s->schedule,
                                                    s->steps, lr);
        size_t diverged_at;
        double final;
        if (!train(s, &c, &scfg, m, s->seed, theta, grad, NULL, &final,
                   &diverged_at, NULL))
            return false;
        output_row(out, i, (const double[]){lr, isfinite(final) ? final : NAN},
                   2);
    }
    return true;
}

/* ==================================================================== main */

static const char usage[] =
    PROGRAM_NAME ": chapter 7, the learning-rate range test (Smith, 2015;\n"
    "as fastai's lr_find runs it).\n"
    "\n"
    "Models, over one flat parameter vector:\n"
    "  linreg  chapter 3's regression: y = x.w + 0.5 + --noise times N(0,1),\n"
    "          x and the true w drawn N(0,1) from --seed (0.5 is the bias);\n"
    "          mean squared error on minibatches of --batch-size from\n"
    "          shuffled epochs; starts at 0\n"
    "  xor     chapter 6's 2-H-1 network on the four XOR examples (full\n"
    "          batch), started as chapter 6 starts it (scale 0.5, --seed)\n"
    "Tasks (CSV on stdout or --out, with a header line):\n"
    "  train  --steps steps with --schedule (as build/bin/schedules takes it)\n"
    "         and --optimizer: step,lr,batch_loss,loss (the minibatch's loss,\n"
    "         and the loss over every example before step k)\n"
    "  seeds  --trials such runs from seeds --seed, --seed + 1, ...:\n"
    "         trial,seed,loss,solved (the final loss over every example,\n"
    "         inf or nan where the run diverged, and a running count of the\n"
    "         runs that ended below --target)\n"
    "  find   step k at rate lr_min (lr_max/lr_min)^(k/steps), one minibatch\n"
    "         each: step,lr,loss,smoothed (the loss smoothed by a moving\n"
    "         average with factor --beta, bias-corrected); stops after the\n"
    "         first step whose smoothed loss exceeds 4x its minimum. The\n"
    "         suggestions go to --suggestion FILE, or to stderr:\n"
    "         the rate where the smoothed loss falls fastest against log lr,\n"
    "         and the rate of its minimum / 10.\n"
    "  sweep  --points runs of --steps steps, at base rates log-spaced from\n"
    "         --lr-min to --lr-max, with --schedule (constant by default):\n"
    "         run,lr,final_loss (over every example; nan where it diverged).\n"
    "At most 2e9 numbers of data and 5e10 numbers read in all (linreg), and\n"
    "5e7 steps in all (xor): a larger run is refused before it starts.\n"
    "Exit status: 0 done; 1 --task train's run diverged (the rows before it\n"
    "are kept), memory ran out, or a file could not be written; 2 bad input.";

static const char *const model_names[] = {"linreg", "xor", NULL};
static const char *const task_names[] = {"train", "seeds", "find", "sweep",
                                         NULL};

/* A run's size, bounded so that a digit too many is an error rather than
 * a run of days or a machine out of memory. The regression's data hold at
 * most DATASET_MAX_NUMBERS (--n 1e7 --d 1000 asked for 80 GB), and its
 * runs read at most LINREG_MAX_READS numbers in all: every step reads its
 * minibatch and, but in the range test, all n examples for the loss over
 * every example. XOR's runs take at most XOR_MAX_STEPS in all. Either is
 * about two minutes here. */
#define LINREG_MAX_READS 5e10
#define XOR_MAX_STEPS 5e7

static CliStatus check_run_size(Cli *cli, const Settings *s)
{
    bool seeds = strcmp(s->task, "seeds") == 0,
         sweep = strcmp(s->task, "sweep") == 0,
         find = strcmp(s->task, "find") == 0;
    const char *runs_flag = seeds ? "trials" : sweep ? "points" : "steps";
    double runs = seeds ? (double)s->trials : sweep ? (double)s->points : 1.0;
    double steps = runs * (double)s->steps;
    if (strcmp(s->model, "xor") == 0)
        return cli_check_work(cli, (const char *const[]){runs_flag, "steps",
                                                         NULL},
                              steps, XOR_MAX_STEPS,
                              "steps in all (--steps of every run)");
    if (cli_check_work(cli, (const char *const[]){"n", "d", NULL},
                       (double)s->n * (double)s->d, DATASET_MAX_NUMBERS,
                       "numbers of data (--n times --d, 8 bytes each)") !=
        CLI_RUN)
        return CLI_BAD_INPUT;
    double rows = (double)s->batch_size + (find ? 0.0 : (double)s->n);
    return cli_check_work(
        cli,
        (const char *const[]){runs_flag, "steps", "n", "batch-size", "d",
                              NULL},
        steps * rows * ((double)s->d + 1.0), LINREG_MAX_READS,
        find ? "numbers read (--steps minibatches of --d + 1 numbers an "
               "example)"
             : "numbers read (a step reads its minibatch and all --n "
               "examples, --d + 1 numbers each)");
}

/* Bounds the table cannot state. */
static CliStatus check_settings(Cli *cli, const Settings *s)
{
    if (schedule_flags_check(cli, &s->schedule, s->steps,
                             s->optimizer.name) != CLI_RUN)
        return CLI_BAD_INPUT;
    if (!(s->lr_min < s->lr_max))
        return cli_reject_against(cli, "lr-max", "must exceed", "lr-min");
    if (strcmp(s->model, "linreg") == 0 && s->batch_size > s->n)
        return cli_reject_against(cli, "batch-size", "must not exceed", "n");
    if (check_run_size(cli, s) != CLI_RUN)
        return CLI_BAD_INPUT;
    return optimizer_flags_check(cli, &s->optimizer);
}

/* The range test, and its suggestions into `suggestions`; false when out
 * of memory. */
static bool find_task(const Settings *s, const OptimizerConfig *cfg, Model *m,
                      double *theta, double *grad, FILE *out,
                      FILE *suggestions)
{
    fputs("step,lr,loss,smoothed\n", out);
    RangeTest t = {malloc(s->steps * sizeof(double)),
                   malloc(s->steps * sizeof(double)), 0, 0};
    model_start(m, theta, s->seed);
    bool done = t.lrs && t.smoothed &&
                range_test(s, cfg, m, theta, grad, out, &t);
    if (done)
        suggest(&t, s->steps, suggestions);
    free(t.lrs);
    free(t.smoothed);
    return done;
}

/* Why a training run stopped being finite at `step`: the schedule's fault
 * when it handed out a rate no schedule should, the base rate's otherwise. */
static void report_divergence(const Settings *s, const OptimizerConfig *cfg,
                              size_t step, const Schedule *final)
{
    if (schedule_blame(final, program, s->schedule.name, step) ||
        optimizer_blame(cfg, program, step))
        return;
    loop_say_diverged(program, step);
    fprintf(stderr,
            ": --lr %g is too large for --optimizer %s with --schedule %s "
            "(divide --lr by 10)\n",
            optimizer_lr(cfg), s->optimizer.name, s->schedule.name);
}

static int run(Cli *cli, const Settings *s, const OptimizerConfig *cfg,
               Model *m, double *theta, double *grad)
{
    Output out, sug;
    bool find = strcmp(s->task, "find") == 0;
    bool with_suggestions = find && s->suggestion;
    if (!output_open(&out, program, "--out", s->out))
        return EXIT_FAILURE;
    if (with_suggestions &&
        !output_open(&sug, program, "--suggestion", s->suggestion)) {
        output_discard(&out);
        return EXIT_FAILURE;
    }
    ScheduleConfig scfg = schedule_flags_config(cli, &s->schedule, s->steps,
                                                optimizer_lr(cfg));
    size_t diverged_at = s->steps + 1; /* set by a training run */
    Schedule final = {0};
    bool done = true;
    if (strcmp(s->task, "train") == 0) {
        fputs("step,lr,batch_loss,loss\n", out.file);
        double end_loss;
        done = train(s, cfg, &scfg, m, s->seed, theta, grad, out.file,
                     &end_loss, &diverged_at, &final);
    } else if (strcmp(s->task, "seeds") == 0) {
        done = seeds(s, cfg, &scfg, m, theta, grad, out.file);
    } else if (find) {
        done = find_task(s, cfg, m, theta, grad, out.file,
                         with_suggestions ? sug.file : stderr);
    } else {
        done = sweep(cli, s, cfg, m, theta, grad, out.file);
    }
    if (!done) {
        fprintf(stderr, "%s: out of memory\n", program);
        output_discard(&out);
        if (with_suggestions)
            output_discard(&sug);
        return EXIT_FAILURE;
    }
    Output *const outputs[] = {&out, with_suggestions ? &sug : NULL};
    bool ok = output_commit_all(outputs, 2, program);
    if (diverged_at <= s->steps) {
        report_divergence(s, cfg, diverged_at, &final);
        return EXIT_FAILURE;
    }
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

int main(int argc, char **argv)
{
    Settings s = {.model = "linreg", .task = "train",
                  .optimizer = {.name = "sgd"},
                  .schedule = SCHEDULE_FLAGS_DEFAULTS,
                  .lr_min = 1e-7, .lr_max = 10, .beta = 0.98, .steps = 100,
                  .points = 9, .n = 1000, .d = 10, .batch_size = 32,
                  .hidden = 3, .noise = 0.5, .seed = 1, .trials = 20,
                  .target = 0.05};
    Flag flags[] = {
        {.name = "model", .kind = FLAG_CHOICE, .value = &s.model,
         .help = "what to train", .choices = model_names},
        {.name = "task", .kind = FLAG_CHOICE, .value = &s.task,
         .help = "the range test, or a sweep of constant rates",
         .choices = task_names},
        {.name = "lr-min", .kind = FLAG_DOUBLE, .value = &s.lr_min,
         .help = "the first rate (fastai's start_lr)", .min = 1e-300,
         .max = 1e6, .scope = "task=find|sweep"},
        {.name = "lr-max", .kind = FLAG_DOUBLE, .value = &s.lr_max,
         .help = "the rate approached at the last step (fastai's end_lr)",
         .min = 0, .min_exclusive = true, .max = 1e6,
         .scope = "task=find|sweep"},
        {.name = "steps", .kind = FLAG_COUNT, .value = &s.steps,
         .help = "train: steps; find: steps of the test; sweep: steps of "
                 "each run", .min = 2, .max = 1e6},
        SCHEDULE_FLAGS(&s.schedule, "task!=find", "task=train|seeds"),
        {.name = "beta", .kind = FLAG_DOUBLE, .value = &s.beta,
         .help = "how much of the past the smoothed loss keeps", .min = 0,
         .max = 0.9999, .scope = "task=find"},
        {.name = "no-stop", .kind = FLAG_SWITCH, .value = &s.no_stop,
         .help = "go on past 4x the minimum (fastai's stop_div=False)",
         .scope = "task=find"},
        {.name = "suggestion", .kind = FLAG_TEXT, .value = &s.suggestion,
         .writes = true, .help = "write the suggestions here as CSV",
         .default_text = "stderr", .scope = "task=find"},
        {.name = "trials", .kind = FLAG_COUNT, .value = &s.trials,
         .help = "runs, one per seed", .min = 1, .max = 1e5,
         .scope = "task=seeds"},
        {.name = "target", .kind = FLAG_DOUBLE, .value = &s.target,
         .help = "a run whose final loss is below this counts as solved",
         .min = 0, .max = 1e300, .scope = "task=seeds"},
        {.name = "points", .kind = FLAG_COUNT, .value = &s.points,
         .help = "how many rates to sweep", .min = 2, .max = 1000,
         .scope = "task=sweep"},
        {.name = "n", .kind = FLAG_COUNT, .value = &s.n,
         .help = "examples", .min = 1, .max = 1e7, .scope = "model=linreg"},
        {.name = "d", .kind = FLAG_COUNT, .value = &s.d,
         .help = "features", .min = 1, .max = 1000, .scope = "model=linreg"},
        {.name = "batch-size", .kind = FLAG_COUNT, .value = &s.batch_size,
         .help = "examples per step", .min = 1, .max = 1e7,
         .scope = "model=linreg"},
        {.name = "noise", .kind = FLAG_DOUBLE, .value = &s.noise,
         .help = "the targets' noise", .min = 0, .max = 1e6,
         .scope = "model=linreg"},
        {.name = "hidden", .kind = FLAG_COUNT, .value = &s.hidden,
         .help = "hidden units", .min = 1, .max = XOR_MAX_HIDDEN,
         .scope = "model=xor"},
        {.name = "seed", .kind = FLAG_SEED, .value = &s.seed,
         .help = "random seed for the data, the start and the shuffles"},
        OPTIMIZER_FLAGS(&s.optimizer, "", "task=train|seeds"),
        CLI_OUT_FLAG(&s.out),
    };
    Cli cli = {.program = program, .usage = usage, CLI_TABLE(flags)};
    int exit_status;
    if (!cli_start(&cli, argc, argv, &exit_status))
        return exit_status;
    if (check_settings(&cli, &s) != CLI_RUN)
        return EXIT_BAD_INPUT;

    OptimizerConfig cfg = optimizer_flags_config(&cli, &s.optimizer);
    Model m;
    double *theta = NULL, *grad = NULL;
    int status = EXIT_FAILURE;
    if (model_init(&m, &s) &&
        (theta = malloc(m.dim * sizeof *theta)) != NULL &&
        (grad = malloc(m.dim * sizeof *grad)) != NULL)
        status = run(&cli, &s, &cfg, &m, theta, grad);
    else
        fprintf(stderr, "%s: out of memory for the model\n", program);
    free(theta);
    free(grad);
    model_free(&m);
    return status;
}
