/*
 * 03-minibatch.c: Chapter 3, full-batch, stochastic and minibatch gradient
 * descent.
 *
 * Trains a linear model y ≈ x·w + b on N examples of d features by
 * gradient descent on the mean squared error, taking each step from the
 * whole dataset (full batch), from one example (stochastic), or from a
 * minibatch of B examples, and prints CSV:
 *   - train:  the loss, step by step, of one of the three methods;
 *   - solve:  the exact least-squares answer (the normal equations);
 *   - sweep:  the final loss over a grid of batch sizes and learning rates;
 *   - noise:  how far a minibatch gradient lands from the full gradient;
 *   - timing: seconds per full-batch pass and per minibatch step, next to
 *             the machine's read bandwidth (not reproducible: a measurement).
 * Every lesson number and figure of chapter 3 comes from a run of this file.
 *
 * The shuffle, the batch iterator and the minibatch gradient are chapter
 * 3's graded code (solutions/03-minibatch.c, linked by make; make try
 * CH=03 links yours). The tuned full-batch pass the timing task measures
 * is lib/linreg_pass.c: the lesson's lesson in speed.
 *
 * Build: make (it links the solution and lib/).
 * Run:
 *   build/bin/03-minibatch --method sgd --epochs 5
 *   build/bin/03-minibatch --task timing --n 1000000 --d 100
 *   build/bin/03-minibatch --help
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "03-minibatch.h"
#include "cli.h"
#include "csv.h"
#include "dataset.h"
#include "epochs.h"
#include "hash.h"
#include "linreg_pass.h"
#include "loop.h"
#include "output.h"
#include "rng.h"
#include "timing.h"
#include "vec.h"

static const char program[] = PROGRAM_NAME;

/* Memory ran out: one line, and the status of a failed run. */
static int out_of_memory(void)
{
    fprintf(stderr, "%s: out of memory\n", program);
    return EXIT_FAILURE;
}

/* The examples, with what passes over all of them need: the order 0, 1,
 * ..., n - 1 (the storage order, in which full-batch steps read them) and
 * room for a gradient nobody reads (where only the loss is wanted). The
 * first four fields are those of lib/dataset.h's Dataset. */
typedef struct {
    size_t n, d;
    const double *x, *y;
    Examples examples; /* the same, as chapter 3's exercises take them */
    size_t *all;
    double *scratch;
} Data;

static bool data_init(Data *dt, const Dataset *ds)
{
    *dt = (Data){.n = ds->n, .d = ds->d, .x = ds->x, .y = ds->y,
                 .examples = {ds->n, ds->d, ds->x, ds->y},
                 .all = malloc(ds->n * sizeof *dt->all),
                 .scratch = malloc(ds->d * sizeof *dt->scratch)};
    if (!dt->all || !dt->scratch)
        return false;
    for (size_t i = 0; i < ds->n; i++)
        dt->all[i] = i;
    return true;
}

static void data_free(Data *dt)
{
    free(dt->all);
    free(dt->scratch);
}

/* ============================================================ the model */

/* The mean squared error over every example: the training loss L, by
 * chapter 3's minibatch_mse_grad over the batch of all N. */
static double full_loss(const Data *ds, const double *w, double b)
{
    double unused;
    return minibatch_mse_grad(&ds->examples, ds->all, ds->n, w, b,
                              ds->scratch, &unused);
}

/* ============================================================= training */

/* The shuffle (Fisher-Yates) and the batch iterator it uses are chapter
 * 3's exercises shuffle_indices and batch_iterator_init/_next. */

typedef enum { SHUFFLE_EVERY_EPOCH, SHUFFLE_ONCE, SHUFFLE_NEVER } Shuffle;

typedef struct {
    size_t batch_size;  /* N for full batch, 1 for stochastic */
    bool drop_last;
    Shuffle shuffle;
    bool full_batch;    /* read the examples in storage order, unshuffled */
    double lr;
    size_t epochs;
    size_t log_every;   /* write a row every this many steps; 0: per epoch */
} TrainConfig;

typedef struct {
    size_t step, examples, epoch;
    double epoch_fraction; /* epochs done, counting the current one's part */
    double loss, batch_loss;
} Progress;

static void write_train_row(FILE *out, const Progress *p, const double *w,
                            double b, size_t d)
{
    fprintf(out, "%.17g,%zu,%zu,%.17g,%.17g", p->epoch_fraction, p->step,
            p->examples, p->loss, p->batch_loss);
    for (size_t j = 0; j < d; j++)
        fprintf(out, ",%.17g", w[j]);
    fprintf(out, ",%.17g\n", b);
}

typedef enum { RUN_DONE, RUN_DIVERGED, RUN_OUT_OF_MEMORY } RunStatus;

//> sgd-step
/* One step on the batch rows[0..count-1] (storage order when rows is
 * NULL): the batch's gradient at the current w and b, then
 * θ ← θ - η·∇L_B. grad_w is room for d numbers. Returns L_B, the batch's
 * loss before the step. */
static double minibatch_step(const Data *ds, const size_t *rows,
                             size_t count, double lr, double *w, double *b,
                             double *grad_w)
{
    double grad_b;
    double batch_loss = minibatch_mse_grad(&ds->examples, rows ? rows : ds->all,
                                           count, w, *b, grad_w, &grad_b);
    for (size_t j = 0; j < ds->d; j++)
        w[j] -= lr * grad_w[j];
    *b -= lr * grad_b;
    return batch_loss;
}
//< sgd-step

//> train-loop
/* Trains w (d entries) and b from their current values. Every epoch
 * reshuffles the order of the examples (unless told otherwise), then takes
 * one step per batch: the batch's gradient, then θ ← θ - η·∇L_B. Writes a
 * row to `out` (when not NULL) at the start, then every log_every steps and
 * at the end, or at the end of every epoch when log_every is 0. A loss that
 * is not finite stops training (RUN_DIVERGED, with *at saying where). */
static RunStatus train(const Data *ds, const TrainConfig *cfg,
                         Rng *rng, double *w, double *b, FILE *out,
                         Progress *at)
{
    size_t n = ds->n, d = ds->d;
    size_t *order = malloc(n * sizeof *order);
    double *grad_w = malloc(d * sizeof *grad_w);
    if (!order || !grad_w) {
        free(order);
        free(grad_w);
        return RUN_OUT_OF_MEMORY;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    Progress p = {.loss = full_loss(ds, w, *b)};
    p.batch_loss = p.loss; /* no batch yet: the start's row repeats L */
    if (out)
        write_train_row(out, &p, w, *b, d);
    RunStatus status = isfinite(p.loss) ? RUN_DONE : RUN_DIVERGED;
    for (p.epoch = 0; p.epoch < cfg->epochs && status == RUN_DONE;
         p.epoch++) {
        if (cfg->shuffle == SHUFFLE_EVERY_EPOCH ||
            (cfg->shuffle == SHUFFLE_ONCE && p.epoch == 0))
            shuffle_indices(order, n, rng);
        BatchIterator it;
        batch_iterator_init(&it, n, cfg->batch_size, cfg->drop_last);
        size_t steps_per_epoch = cfg->drop_last ? n / cfg->batch_size
                                 : (n + cfg->batch_size - 1) / cfg->batch_size;
        size_t first, count, epoch_step = 0;
        while (batch_iterator_next(&it, &first, &count)) {
            const size_t *rows = cfg->full_batch ? NULL : order + first;
            p.batch_loss = minibatch_step(ds, rows, count, cfg->lr, w, b,
                                          grad_w);
            p.step++, epoch_step++;
            p.examples += count;
            p.epoch_fraction = (double)p.epoch +
                               (double)epoch_step / (double)steps_per_epoch;
            bool epoch_end = epoch_step == steps_per_epoch;
            bool last = epoch_end && p.epoch + 1 == cfg->epochs;
            bool logged = cfg->log_every ? p.step % cfg->log_every == 0 || last
                                         : epoch_end;
            if (!logged && isfinite(p.batch_loss))
                continue;
            p.loss = full_loss(ds, w, *b);
            if (!isfinite(p.loss) || !isfinite(p.batch_loss)) {
                status = RUN_DIVERGED;
                break;
            }
            if (out)
                write_train_row(out, &p, w, *b, d);
        }
        if (status != RUN_DONE)
            break;
    }
    *at = p;
    free(order);
    free(grad_w);
    return status;
}
//< train-loop

/* ==================================================== the exact answer */

//> normal-equations
/* The least-squares minimiser, where every partial derivative is zero.
 * With x̃ = (x, 1), so that the bias is the last weight θ_d, setting
 * ∇L = 0 gives the normal equations A θ = c, with A = Σ x̃ x̃ᵀ and
 * c = Σ x̃ y. A is symmetric and, when no feature is a combination of
 * the others, positive definite, so a Cholesky factorisation A = L Lᵀ
 * solves it. Writes θ (d + 1 entries), using `a` for A and c (scratch of
 * (d + 1)(d + 2) doubles); returns false when A is singular. */
static bool least_squares(const Data *ds, double *a, double *theta)
{
    size_t d = ds->d, p = d + 1;
    double *c = a + p * p;
    memset(a, 0, (p * p + p) * sizeof *a);
    for (size_t i = 0; i < ds->n; i++) {
        const double *x = ds->x + i * d;
        for (size_t r = 0; r < p; r++) {
            double xr = r < d ? x[r] : 1.0;
            for (size_t k = 0; k <= r; k++)
                a[r * p + k] += xr * (k < d ? x[k] : 1.0);
            c[r] += xr * ds->y[i];
        }
    }
    bool ok = true;
    for (size_t r = 0; r < p && ok; r++) { /* A = L Lᵀ, L below the diagonal */
        for (size_t k = 0; k <= r; k++) {
            double s = a[r * p + k];
            for (size_t m = 0; m < k; m++)
                s -= a[r * p + m] * a[k * p + m];
            if (k < r)
                a[r * p + k] = s / a[k * p + k];
            else if (s > 1e-12 * a[r * p + r])
                a[r * p + r] = sqrt(s);
            else
                ok = false;
        }
    }
    for (size_t r = 0; r < p && ok; r++) { /* L z = c */
        double s = c[r];
        for (size_t m = 0; m < r; m++)
            s -= a[r * p + m] * theta[m];
        theta[r] = s / a[r * p + r];
    }
    for (size_t r = p; r-- > 0 && ok;) { /* Lᵀ θ = z */
        double s = theta[r];
        for (size_t m = r + 1; m < p; m++)
            s -= a[m * p + r] * theta[m];
        theta[r] = s / a[r * p + r];
    }
    return ok;
}
//< normal-equations

/* ============================================================ settings */

static const char *const task_names[] = {"train", "solve", "sweep", "noise",
                                         "timing", NULL};
static const char *const method_names[] = {"minibatch", "sgd", "full", NULL};
static const char *const shuffle_names[] = {"every-epoch", "once", "never",
                                            NULL};
/* In the order of lib/linreg_pass.h's PassIsa. */
static const char *const isa_names[] = {"auto", "baseline", "avx2",
                                        "avx2-no-prefetch", NULL};

typedef struct {
    const char *task, *method, *shuffle, *data, *save_data, *out, *isa;
    size_t batch_size, epochs, log_every, n, d;
    double lr, noise;
    bool drop_last, ladder;
    uint64_t seed;
} Settings;

static const char usage[] =
    PROGRAM_NAME ": chapter 3, full-batch, stochastic and minibatch gradient\n"
    "descent on linear regression.\n"
    "\n"
    "Model and loss: prediction x.w + b for d features; the loss over a\n"
    "batch B of examples is L_B = (1/|B|) sum_{i in B} (x_i.w + b - y_i)^2,\n"
    "and each step is w <- w - lr dL_B/dw, b <- b - lr dL_B/db, from w = 0,\n"
    "b = 0. Methods: full (B = all N examples, in storage order), sgd (one\n"
    "example a step), minibatch (--batch-size examples a step). An epoch is\n"
    "one pass over the examples, reshuffled (Fisher-Yates) every epoch.\n"
    "Data: N examples with x ~ N(0, I) in d dimensions and y = x.w + 0.7 +\n"
    "noise*N(0,1), w = (2, -1, 0.5, 3, -2, 2, -1, ...); or --data FILE, a CSV\n"
    "file with a header line, then one row per example: the features, then\n"
    "the target (the format --save-data writes). Generated data hold at most\n"
    "2e9 numbers (--n times --d).\n"
    "Tasks (CSV on stdout or --out, with a header line):\n"
    "  train   epoch,step,examples,loss,batch_loss,w1..wd,b: loss is L over\n"
    "          all N examples, batch_loss the step's L_B before it stepped;\n"
    "          at most 1e9 steps, 1e11 numbers read and 1e7 rows or 1 GB\n"
    "          of CSV a run (minutes of work): more is refused before it\n"
    "          starts\n"
    "  solve   loss,w1..wd,b: the least-squares minimum (normal equations)\n"
    "  sweep   batch_size,lr,loss,diverged: final L after --epochs of the\n"
    "          graded train_epoch for batch sizes 1, 8, 32, 128, N and\n"
    "          lr = 10^(k/8), k = -32..4; at most 1e9 steps and 1e11\n"
    "          numbers read in all\n"
    "  noise   batch_size,draws,rms_error,predicted_rms,mean_error,grad_norm:\n"
    "          minibatch gradients at w = 0, b = 0 against the full one;\n"
    "          at most 1e10 examples shuffled in all\n"
    "  timing  what,batch_size,seconds,gigabytes_per_second,fraction_of_read,\n"
    "          isa,result_bits,difference_from_graded: a full-batch gradient\n"
    "          pass (lib/linreg_pass.c, compiled for --isa), a minibatch step\n"
    "          (--batch-size) and an SGD step, against a plain read of the\n"
    "          data; each time the median of several runs. Measured, so never\n"
    "          the same twice, except result_bits (a hash of the pass's loss\n"
    "          and gradient bytes: the same for every isa) and\n"
    "          difference_from_graded (its largest relative difference from\n"
    "          chapter 3's graded minibatch_mse_grad over all N). With\n"
    "          --ladder, also: graded-pass (minibatch_mse_grad over all N),\n"
    "          pass-baseline, pass-avx2-no-prefetch and pass-avx2 (where the\n"
    "          processor has AVX2), and\n"
    "          minibatch-step-prefetch (the next batch's rows fetched ahead)\n"
    "Exit status: 0 done; 1 the loss became inf or nan (the rows before it\n"
    "are kept), memory ran out, or a file could not be written; 2 bad input.";

/* --isa as its enum (isa_names lists the names in the enum's order). */
static PassIsa pass_isa(const Settings *s)
{
    return (PassIsa)cli_choice_index(isa_names, s->isa);
}

/* A run's work in numbers read: every epoch reads each of the n examples'
 * d features once, and so does every loss over all of them. At about 1e9
 * a second, RUN_MAX_WORK is a couple of minutes. */
#define RUN_MAX_WORK 1e11

/* Refuses --epochs when a run (or the sweep's runs together) would take
 * over 1e9 steps or read over RUN_MAX_WORK numbers. */
static CliStatus check_work(Cli *cli, bool sweep, double steps, double work,
                            size_t n, size_t d)
{
    const char *asks = sweep ? "asks the sweep" : "asks a run";
    const char *one = sweep ? "a sweep" : "a run";
    char why[200];
    if (steps > 1e9)
        snprintf(why, sizeof why, "%s for %.3g steps on %zu examples; %s "
                 "takes at most 1e9", asks, steps, n, one);
    else if (work > RUN_MAX_WORK)
        snprintf(why, sizeof why, "%s to read %.3g numbers (%zu examples of "
                 "%zu features); %s reads at most %g", asks, work, n, d, one,
                 RUN_MAX_WORK);
    else
        return CLI_RUN;
    return cli_reject(cli, "epochs", NULL, why);
}

/* A training run's size is bounded by design, so that a typo in --epochs
 * cannot start a run that never ends or fills the disk: at most 1e9 steps,
 * RUN_MAX_WORK numbers read, and 1e7 rows or 1 GB of CSV (a row is d + 5
 * numbers of up to 24 characters). Known once the data's n and d are. */
static CliStatus check_run_size(Cli *cli, const Settings *s, size_t n,
                                size_t d)
{
    size_t batch = strcmp(s->method, "sgd") == 0    ? 1
                   : strcmp(s->method, "full") == 0 ? n
                                                    : s->batch_size;
    double per_epoch = s->drop_last ? floor((double)n / (double)batch)
                                    : ceil((double)n / (double)batch);
    double steps = (double)s->epochs * per_epoch;
    /* The start's row, then one every --log-every steps and the last, or
     * one at the end of every epoch (train). */
    double rows = s->log_every ? floor(steps / (double)s->log_every) + 2.0
                               : (double)s->epochs + 1.0;
    double work = ((double)s->epochs + rows) * (double)n * (double)d;
    double bytes = rows * ((double)d + 5.0) * 24.0;
    if (check_work(cli, false, steps, work, n, d) != CLI_RUN)
        return CLI_BAD_INPUT;
    if (rows > 1e7 || bytes > 1e9) {
        char why[160];
        snprintf(why, sizeof why, "would write %.3g rows (%.3g GB); a run "
                 "writes at most 1e7 rows and 1 GB%s", rows, bytes / 1e9,
                 s->log_every ? " (raise --log-every)" : "");
        return cli_reject(cli, s->log_every ? "log-every" : "epochs", NULL,
                          why);
    }
    return CLI_RUN;
}

/* The sweep's batch sizes below N, and its rates 10^(k/8) for k from -32
 * to 4 (task_sweep). */
#define SWEEP_SIZES 1, 8, 32, 128
enum { SWEEP_RATES = 37 };

/* The sweep's size, bounded as a training run's is: all its runs together
 * take at most 1e9 steps and read at most RUN_MAX_WORK numbers. (A run of
 * --epochs 1000000000 was accepted, and would have taken about two
 * months.) */
static CliStatus check_sweep_size(Cli *cli, const Settings *s, size_t n,
                                  size_t d)
{
    const size_t sizes[] = {SWEEP_SIZES, n};
    double steps = 0.0, work = 0.0;
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
        if (sizes[i] <= n && (i == 0 || sizes[i] > sizes[i - 1])) {
            steps += SWEEP_RATES * (double)s->epochs *
                     ceil((double)n / (double)sizes[i]);
            work += SWEEP_RATES * ((double)s->epochs + 1.0) * (double)n *
                    (double)d;
        }
    return check_work(cli, true, steps, work, n, d);
}

/* --task noise shuffles all n examples NOISE_DRAWS times for each batch
 * size, 1, 2, 4, ... up to n: at most 1e10 examples shuffled in all
 * (about two minutes; --n 1e9 would have taken days). */
enum { NOISE_DRAWS = 400 };

static CliStatus check_noise_size(Cli *cli, const Settings *s, size_t n)
{
    double sizes = ceil(log2((double)n)) + 1.0;
    double shuffled = NOISE_DRAWS * sizes * (double)n;
    if (shuffled <= 1e10)
        return CLI_RUN;
    char why[160];
    snprintf(why, sizeof why, "asks the noise task to shuffle %.3g examples "
             "(%d draws of %zu, for %.0f batch sizes); it shuffles at most "
             "1e10", shuffled, NOISE_DRAWS, n, sizes);
    return cli_reject(cli, s->data ? "data" : "n", NULL, why);
}

/* The bound of the task, for train, sweep and noise, on n examples of d
 * features: checked before generated data are drawn (a refused run once
 * drew 3.9 GB of them first), and again on data read from a file. */
static CliStatus check_size(Cli *cli, const Settings *s, size_t n, size_t d)
{
    if (strcmp(s->task, "train") == 0)
        return check_run_size(cli, s, n, d);
    if (strcmp(s->task, "sweep") == 0)
        return check_sweep_size(cli, s, n, d);
    if (strcmp(s->task, "noise") == 0)
        return check_noise_size(cli, s, n);
    return CLI_RUN;
}

static CliStatus check_settings(Cli *cli, const Settings *s)
{
    if (!s->data && cli_check_work(cli, (const char *const[]){"n", "d", NULL},
                                   (double)s->n * (double)s->d,
                                   DATASET_MAX_NUMBERS,
                                   "numbers of data (--n times --d, 8 bytes "
                                   "each)") != CLI_RUN)
        return CLI_BAD_INPUT;
    if (!linreg_pass_available(pass_isa(s)))
        return cli_reject(cli, "isa", s->isa, "this processor cannot run it");
    /* --seed draws the generated data and the shuffles: with --data, the
     * exact answer and a run that never shuffles draw nothing. */
    bool shuffles = strcmp(s->task, "train") != 0 ||
                    (strcmp(s->method, "full") != 0 &&
                     strcmp(s->shuffle, "never") != 0);
    if (cli_given(cli, "seed") && s->data &&
        (strcmp(s->task, "solve") == 0 || !shuffles))
        return cli_reject(cli, "seed", NULL,
                          "changes nothing here: the data come from --data, "
                          "and this run draws nothing at random");
    return CLI_RUN;
}

/* The data, generated or read. A bad file is bad input: one line on stderr
 * naming the file, line and column, and exit status 2. Memory running out
 * while reading it is a failed run (1): the file may be fine. */
static int load_data(const Settings *s, Dataset *ds)
{
    if (s->data) {
        CsvError err;
        if (!csv_read_dataset(s->data, 0, ds, &err)) {
            csv_print_error(stderr, PROGRAM_NAME ": --data ", s->data, &err);
            return err.out_of_memory ? EXIT_FAILURE : EXIT_BAD_INPUT;
        }
        return EXIT_SUCCESS;
    }
    if (!dataset_alloc(ds, s->n, s->d)) {
        fprintf(stderr, "%s: out of memory for --n %zu --d %zu\n", program,
                s->n, s->d);
        return EXIT_FAILURE;
    }
    Rng rng;
    rng_seed(&rng, s->seed);
    if (!dataset_fill_reference(ds, s->noise, &rng)) {
        dataset_free(ds);
        return out_of_memory();
    }
    return EXIT_SUCCESS;
}

static void write_weight_header(FILE *out, size_t d)
{
    for (size_t j = 0; j < d; j++)
        fprintf(out, ",w%zu", j + 1);
    fprintf(out, ",b\n");
}

/* ================================================================ tasks */

/* Trains into `out`. *diverged says whether a failure was the loss
 * becoming inf or nan, whose rows are worth keeping. */
static int task_train(const Settings *s, const Data *ds, FILE *out,
                      bool *diverged)
{
    TrainConfig cfg = {.batch_size = s->batch_size, .drop_last = s->drop_last,
                       .lr = s->lr, .epochs = s->epochs,
                       .log_every = s->log_every};
    cfg.shuffle = strcmp(s->shuffle, "once") == 0    ? SHUFFLE_ONCE
                  : strcmp(s->shuffle, "never") == 0 ? SHUFFLE_NEVER
                                                      : SHUFFLE_EVERY_EPOCH;
    if (strcmp(s->method, "full") == 0) {
        cfg.batch_size = ds->n;
        cfg.full_batch = true;
        cfg.shuffle = SHUFFLE_NEVER;
    } else if (strcmp(s->method, "sgd") == 0) {
        cfg.batch_size = 1;
    }
    double *w = calloc(ds->d, sizeof *w), b = 0.0;
    if (!w)
        return out_of_memory();
    fprintf(out, "epoch,step,examples,loss,batch_loss");
    write_weight_header(out, ds->d);
    Rng rng;
    epochs_seed(&rng, s->seed);
    Progress at;
    RunStatus status = train(ds, &cfg, &rng, w, &b, out, &at);
    free(w);
    if (status == RUN_OUT_OF_MEMORY)
        return out_of_memory();
    if (status == RUN_DIVERGED) {
        *diverged = true;
        if (!loop_blame_start(program, at.step,
                              "the --data values are too large")) {
            loop_say_diverged(program, at.step);
            fprintf(stderr,
                    " (epoch %zu): --lr %g is too large for batch size %zu, "
                    "so the steps overshoot and grow; smaller batches need "
                    "smaller learning rates (divide --lr by 10)\n",
                    at.epoch + 1, s->lr, cfg.batch_size);
        }
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}

/* Whether some feature is not all zeros, yet its largest square is below
 * the smallest normal double: the normal equations then hold a column of
 * zeros (or of a few bits), which the data do not have. */
static bool squares_vanish(const Data *ds)
{
    for (size_t j = 0; j < ds->d; j++) {
        double largest = 0.0;
        for (size_t i = 0; i < ds->n; i++)
            largest = fmax(largest, fabs(ds->x[i * ds->d + j]));
        if (largest > 0.0 && largest * largest < DBL_MIN)
            return true;
    }
    return false;
}

/* The data are at fault (why says how): bad input, reported against the
 * flag they came from, --data or --n. */
static int data_refused(const Settings *s, const char *why)
{
    char q[QUOTED_MAX];
    if (s->data)
        fprintf(stderr, "%s: --data %s: %s\n", program,
                quote_text(s->data, strlen(s->data), q), why);
    else
        fprintf(stderr, "%s: --n '%zu': %s\n", program, s->n, why);
    return EXIT_BAD_INPUT;
}

/* The least-squares weights into theta (d + 1 numbers). A singular
 * problem, or one too large or too small for double precision, is the
 * data's fault, so it is bad input (exit status 2), reported against the
 * flag the data came from. */
static int solve_or_refuse(const Settings *s, const Data *ds, double *theta)
{
    /* Sums that overflow are inf, and squares that underflow are 0, which
     * a solver cannot tell from a singular problem: asked first. */
    const char *why = NULL;
    if (!dataset_squares_finite(ds->x, ds->y, ds->n, ds->d))
        why = "the normal equations overflow in double precision: the "
              "squares of x or y add up to more than 1.8e308 (rescale them)";
    else if (squares_vanish(ds))
        why = "the normal equations underflow in double precision: some "
              "feature's squares are all below 2.2e-308 (rescale it)";
    else if (ds->n <= ds->d) /* known without the (d + 1)^2 matrix */
        why = "the least-squares problem has no unique solution: there are "
              "fewer than d + 1 examples (see --help)";
    if (!why) {
        size_t p = ds->d + 1;
        double *scratch = malloc((p * p + p) * sizeof *scratch);
        if (!scratch)
            return out_of_memory();
        bool solved = least_squares(ds, scratch, theta);
        free(scratch);
        if (solved)
            return EXIT_SUCCESS;
        why = "the least-squares problem has no unique solution: some "
              "feature is a combination of the others, or there are fewer "
              "than d + 1 examples (see --help)";
    }
    return data_refused(s, why);
}

/* The row of --task solve: the loss at the least-squares weights theta
 * (solved, and a singular problem refused, before anything was written). */
static int task_solve(const Data *ds, const double *theta, FILE *out)
{
    fprintf(out, "loss");
    write_weight_header(out, ds->d);
    fprintf(out, "%.17g", full_loss(ds, theta, theta[ds->d]));
    for (size_t j = 0; j <= ds->d; j++)
        fprintf(out, ",%.17g", theta[j]);
    fputc('\n', out);
    return EXIT_SUCCESS;
}

//> sweep
/* One run of the sweep: `epochs` epochs of the graded train_epoch from
 * w = 0, b = 0, each on a reshuffle of the running order with shuffles
 * drawn from seed (the full batch, B = N, in storage order: no shuffle),
 * as --task train runs them. order and grad_w are room for n and d
 * numbers. Returns the loss over every example at the end: inf or nan
 * when the run diverged. */
static double sweep_run(const Data *ds, size_t batch_size, double lr,
                        size_t epochs, uint64_t seed, size_t *order,
                        double *w, double *grad_w)
{
    memset(w, 0, ds->d * sizeof *w);
    double b = 0.0;
    Rng rng;
    epochs_seed(&rng, seed);
    for (size_t i = 0; i < ds->n; i++)
        order[i] = i;
    for (size_t e = 0; e < epochs; e++) {
        if (batch_size < ds->n)
            shuffle_indices(order, ds->n, &rng);
        train_epoch(&ds->examples, order, batch_size, false, lr, w, &b,
                    grad_w, NULL);
    }
    return full_loss(ds, w, b);
}

/* For each batch size, trains from zero with learning rates 10^(k/8) and
 * records the final loss. Every run shuffles with the same seed, so runs
 * differ only in B and η. A run counts as diverged when its loss ends
 * above where it started (or is not finite). */
static int task_sweep(const Settings *s, const Data *ds, FILE *out)
{
    const size_t sizes[] = {SWEEP_SIZES, ds->n};
    double *w = calloc(ds->d, sizeof *w);
    double *grad_w = malloc(ds->d * sizeof *grad_w);
    size_t *order = malloc(ds->n * sizeof *order);
    if (!w || !grad_w || !order) {
        free(w);
        free(grad_w);
        free(order);
        return out_of_memory();
    }
    double start_loss = full_loss(ds, w, 0.0);
    fprintf(out, "batch_size,lr,loss,diverged\n");
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        if (sizes[i] > ds->n || (i > 0 && sizes[i] <= sizes[i - 1]))
            continue;
        for (int k = -32; k <= 4; k++) {
            double lr = pow(10.0, k / 8.0);
            double loss = sweep_run(ds, sizes[i], lr, s->epochs, s->seed,
                                    order, w, grad_w);
            fprintf(out, "%zu,%.17g,", sizes[i], lr);
            if (loss <= start_loss) /* false for nan */
                fprintf(out, "%.17g,0\n", loss);
            else
                fprintf(out, "nan,1\n");
        }
    }
    free(w);
    free(grad_w);
    free(order);
    return EXIT_SUCCESS;
}
//< sweep

//> gradient-noise
/* How good an estimate of the full gradient g is a minibatch gradient g_B?
 * At the start (w = 0, b = 0), draws `draws` batches of each size B, each
 * the first B examples of a fresh shuffle, and measures the error g_B - g:
 * its average over the draws (near 0: the estimate is unbiased) and its
 * root mean square size, next to the prediction for sampling B of N
 * examples without replacement:
 *   E|g_B - g|² = (σ²/B)·(N - B)/(N - 1),   σ² = (1/N) Σ_i |g_i - g|²,
 * with g_i the gradient of example i's loss alone. */
static int task_noise(const Settings *s, const Data *ds, FILE *out)
{
    size_t n = ds->n, p = ds->d + 1;
    double *w = calloc(ds->d, sizeof *w);
    double *g = malloc(3 * p * sizeof *g), *g_b = g + p, *mean_error = g + 2 * p;
    size_t *order = malloc(n * sizeof *order);
    if (!w || !g || !order) {
        free(w);
        free(g);
        free(order);
        return out_of_memory();
    }
    minibatch_mse_grad(&ds->examples, ds->all, n, w, 0.0, g, &g[p - 1]);
    double sigma2 = 0.0; /* example i's gradient is 2 r_i (x_i, 1) */
    for (size_t i = 0; i < n; i++) {
        double r = -ds->y[i];
        for (size_t j = 0; j < p; j++) {
            double gi = 2.0 * r * (j < ds->d ? ds->x[i * ds->d + j] : 1.0);
            sigma2 += (gi - g[j]) * (gi - g[j]) / (double)n;
        }
    }
    /* The examples' gradients, squared, past double precision: every
     * error below would be inf or nan (rows of them, with status 0). */
    if (!isfinite(sigma2)) {
        free(w);
        free(g);
        free(order);
        return data_refused(s, "the examples' gradients, squared, add up to "
                               "more than 1.8e308 in double precision "
                               "(rescale x or y)");
    }
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    Rng rng;
    epochs_seed(&rng, s->seed);
    fprintf(out, "batch_size,draws,rms_error,predicted_rms,mean_error,"
                 "grad_norm\n");
    for (size_t size = 1;; size = size * 2 < n ? size * 2 : n) {
        double sum_sq = 0.0;
        memset(mean_error, 0, p * sizeof *mean_error);
        for (int draw = 0; draw < NOISE_DRAWS; draw++) {
            shuffle_indices(order, n, &rng);
            minibatch_mse_grad(&ds->examples, order, size, w, 0.0, g_b,
                               &g_b[p - 1]);
            for (size_t j = 0; j < p; j++) {
                double e = g_b[j] - g[j];
                sum_sq += e * e / NOISE_DRAWS;
                mean_error[j] += e / NOISE_DRAWS;
            }
        }
        double predicted = n > 1 ? sigma2 / (double)size *
                                       (double)(n - size) / (double)(n - 1)
                                 : 0.0;
        fprintf(out, "%zu,%d,%.17g,%.17g,%.17g,%.17g\n", size, NOISE_DRAWS,
                sqrt(sum_sq), sqrt(predicted), vec_norm(mean_error, p),
                vec_norm(g, p));
        if (size == n)
            break;
    }
    free(w);
    free(g);
    free(order);
    return EXIT_SUCCESS;
}
//< gradient-noise

/* ============================================================== timing */

/* Keeps the compiler from skipping work whose result is never used. */
static volatile double timing_sink;

/* Several timings of one thing and their median: the typical run, which
 * one lucky or unlucky run cannot move. Enough runs means at least 7 and
 * half a second in all, or TIMER_RUNS, whichever comes first. */
enum { TIMER_RUNS = 64 };
typedef struct {
    double seconds[TIMER_RUNS], total;
    int runs;
} Timer;

static void timer_add(Timer *t, double start)
{
    double elapsed = timing_now() - start;
    if (t->runs < TIMER_RUNS)
        t->seconds[t->runs++] = elapsed;
    t->total += elapsed;
}

static bool timer_enough(const Timer *t)
{
    return t->runs == TIMER_RUNS || (t->runs >= 7 && t->total >= 0.5);
}

static double timer_median(Timer *t)
{
    return timing_median(t->seconds, (size_t)t->runs);
}

/* The pass's loss and gradient, hashed, and their largest relative
 * difference from the graded minibatch_mse_grad over every example: the
 * two add in different orders, so they differ by rounding only. False
 * when out of memory. */
static bool check_pass(const Data *ds, PassIsa isa, const double *w,
                       uint64_t *bits, double *difference)
{
    size_t d = ds->d;
    double *grad = calloc(2 * d, sizeof *grad), *graded = grad ? grad + d : NULL;
    if (!grad)
        return false;
    double grad_b, graded_b;
    double loss = linreg_pass(isa, ds->x, ds->y, ds->n, d, w, 0.5, grad, &grad_b);
    double graded_loss = minibatch_mse_grad(&ds->examples, ds->all, ds->n, w,
                                            0.5, graded, &graded_b);
    uint64_t h = hash_fnv1a(HASH_FNV1A_START, &loss, sizeof loss);
    h = hash_fnv1a(h, &grad_b, sizeof grad_b);
    *bits = hash_fnv1a(h, grad, d * sizeof *grad);
    double worst = fabs(loss - graded_loss) / fabs(graded_loss);
    worst = fmax(worst, fabs(grad_b - graded_b) / fmax(fabs(graded_b), 1e-300));
    for (size_t j = 0; j < d; j++)
        worst = fmax(worst, fabs(grad[j] - graded[j]) / fmax(fabs(graded[j]), 1e-300));
    *difference = worst;
    free(grad);
    return true;
}

/* Asks the memory system to start fetching the rows of the next batch
 * now, one request per 64-byte cache line, so that they arrive while the
 * current batch is computed. Only a hint: it changes no result. */
static void prefetch_rows(const Data *ds, const size_t *rows, size_t count)
{
#if defined(__GNUC__)
    size_t row_bytes = ds->d * sizeof *ds->x;
    for (size_t k = 0; k < count; k++) {
        const char *row = (const char *)(ds->x + rows[k] * ds->d);
        for (size_t offset = 0; offset < row_bytes; offset += 64)
            __builtin_prefetch(row + offset);
    }
#else
    (void)ds, (void)rows, (void)count;
#endif
}

/* One rung of the ladder: a pass over all N examples, timed against the
 * read measured beside it. */
static void time_pass(const char *what, const Data *ds, PassIsa isa,
                      bool graded, const double *w, double *grad_w,
                      double read_s, FILE *out)
{
    Timer timer = {0};
    while (!timer_enough(&timer)) {
        double grad_b, start = timing_now();
        timing_sink = graded ? minibatch_mse_grad(&ds->examples, ds->all, ds->n,
                                                  w, 0.0, grad_w, &grad_b)
                             : linreg_pass(isa, ds->x, ds->y, ds->n, ds->d, w,
                                           0.0, grad_w, &grad_b);
        timer_add(&timer, start);
    }
    double bytes = (double)ds->n * (double)ds->d * sizeof *ds->x;
    double t = timer_median(&timer);
    fprintf(out, "%s,%zu,%.6g,%.4g,%.3g,%s,,\n", what, ds->n, t, bytes / t / 1e9,
            read_s / t, graded ? "" : linreg_pass_isa_name(isa));
}

/* The ladder from the graded pass (one example at a time, one running sum)
 * to the tuned pass, each copy where the processor can run it. */
static void time_ladder(const Data *ds, const double *w, double *grad_w,
                        double read_s, FILE *out)
{
    time_pass("graded-pass", ds, PASS_ISA_BASELINE, true, w, grad_w, read_s, out);
    time_pass("pass-baseline", ds, PASS_ISA_BASELINE, false, w, grad_w, read_s, out);
    if (linreg_pass_available(PASS_ISA_AVX2)) {
        time_pass("pass-avx2-no-prefetch", ds, PASS_ISA_AVX2_NO_PREFETCH,
                  false, w, grad_w, read_s, out);
        time_pass("pass-avx2", ds, PASS_ISA_AVX2, false, w, grad_w, read_s, out);
    }
}

static int task_timing(const Settings *s, const Data *ds, FILE *out)
{
    size_t n = ds->n, d = ds->d;
    PassIsa isa = pass_isa(s);
    double *w = calloc(2 * d, sizeof *w), *grad_w = w ? w + d : NULL;
    size_t *order = malloc(n * sizeof *order);
    if (!w || !order) {
        free(w);
        free(order);
        return out_of_memory();
    }
    for (size_t j = 0; j < d; j++)
        w[j] = 1.0 / (double)(j + 1); /* any weights but zero: real residuals */
    uint64_t bits;
    double difference;
    if (!check_pass(ds, isa, w, &bits, &difference)) {
        free(w);
        free(order);
        return out_of_memory();
    }
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    Rng rng;
    epochs_seed(&rng, s->seed);
    shuffle_indices(order, n, &rng);

    /* The read and the full-batch pass take turns, so that both meet the
     * same conditions (other programs, the memory's temperature...). */
    Timer read = {0}, pass = {0};
    while (!timer_enough(&read) || !timer_enough(&pass)) {
        double grad_b, start = timing_now();
        timing_sink = linreg_read(ds->x, n * d);
        timer_add(&read, start);
        start = timing_now();
        timing_sink = linreg_pass(isa, ds->x, ds->y, n, d, w, 0.0, grad_w,
                                  &grad_b);
        timer_add(&pass, start);
    }
    double bytes = (double)n * (double)d * sizeof *ds->x;
    double read_s = timer_median(&read), pass_s = timer_median(&pass);
    fprintf(out, "what,batch_size,seconds,gigabytes_per_second,"
                 "fraction_of_read,isa,result_bits,difference_from_graded\n");
    fprintf(out, "read,%zu,%.6g,%.4g,1,,,\n", n, read_s, bytes / read_s / 1e9);
    fprintf(out, "full-batch-pass,%zu,%.6g,%.4g,%.3g,%s,%016llx,%.3g\n", n,
            pass_s, bytes / pass_s / 1e9, read_s / pass_s,
            linreg_pass_isa_name(isa), (unsigned long long)bits, difference);

    if (s->ladder)
        time_ladder(ds, w, grad_w, read_s, out);

    /* A step's time: up to 20000 steps through a shuffled order (a tiny lr,
     * so nothing blows up), divided by their number. The examples of a
     * shuffled batch lie scattered in memory, unlike a full pass's. */
    const size_t sizes[] = {s->batch_size, 1};
    const char *const names[] = {"minibatch-step", "sgd-step"};
    for (size_t i = 0; i < 2; i++) {
        size_t steps = n / sizes[i] < 20000 ? n / sizes[i] : 20000;
        Timer timer = {0};
        while (!timer_enough(&timer)) {
            double b = 0.0, start = timing_now();
            for (size_t k = 0; k < steps; k++)
                timing_sink = minibatch_step(ds, order + k * sizes[i],
                                             sizes[i], 1e-9, w, &b, grad_w);
            timer_add(&timer, start);
        }
        double step = timer_median(&timer) / (double)steps;
        double step_bytes = bytes / (double)n * (double)sizes[i];
        fprintf(out, "%s,%zu,%.6g,%.4g,%.3g,,,\n", names[i], sizes[i], step,
                step_bytes / step / 1e9, read_s * step_bytes / bytes / step);
    }
    if (s->ladder) {
        size_t steps = n / s->batch_size < 20000 ? n / s->batch_size : 20000;
        Timer timer = {0};
        while (!timer_enough(&timer)) {
            double b = 0.0, start = timing_now();
            for (size_t k = 0; k < steps; k++) {
                if (k + 1 < steps)
                    prefetch_rows(ds, order + (k + 1) * s->batch_size, s->batch_size);
                timing_sink = minibatch_step(ds, order + k * s->batch_size,
                                             s->batch_size, 1e-9, w, &b, grad_w);
            }
            timer_add(&timer, start);
        }
        double step = timer_median(&timer) / (double)steps;
        double step_bytes = bytes / (double)n * (double)s->batch_size;
        fprintf(out, "minibatch-step-prefetch,%zu,%.6g,%.4g,%.3g,,,\n",
                s->batch_size, step, step_bytes / step / 1e9,
                read_s * step_bytes / bytes / step);
    }
    free(w);
    free(order);
    return EXIT_SUCCESS;
}

/* ================================================================ main */

/* Runs the task into --out; theta holds the least-squares weights for
 * --task solve (NULL for the others); *saved holds the --save-data file
 * (empty without it), committed or discarded with --out: a run that
 * cannot write one of them leaves neither. */
static int run(const Settings *s, const Data *ds, const double *theta,
               Output *saved)
{
    Output out;
    if (!output_open(&out, program, "--out", s->out)) {
        output_discard(saved);
        return EXIT_FAILURE;
    }
    int status;
    bool diverged = false;
    if (strcmp(s->task, "train") == 0)
        status = task_train(s, ds, out.file, &diverged);
    else if (strcmp(s->task, "solve") == 0)
        status = task_solve(ds, theta, out.file);
    else if (strcmp(s->task, "sweep") == 0)
        status = task_sweep(s, ds, out.file);
    else if (strcmp(s->task, "noise") == 0)
        status = task_noise(s, ds, out.file);
    else
        status = task_timing(s, ds, out.file);
    /* A run that failed leaves no file behind, but one that diverged keeps
     * its rows up to the divergence, like chapter 1. */
    if (status != EXIT_SUCCESS && !diverged) {
        output_discard(&out);
        output_discard(saved);
        return status;
    }
    Output *const outputs[] = {&out, s->save_data ? saved : NULL};
    if (!output_commit_all(outputs, 2, program))
        return EXIT_FAILURE;
    return status;
}

/* Bad input that shows only once the data exist (a singular problem for
 * --task solve) is refused before --save-data writes anything: a refused
 * command leaves no file. So --task solve solves first; then the data are
 * written, and the task runs (run commits them with --out). */
static int save_and_run(const Settings *s, const Dataset *ds, const Data *data)
{
    double *theta = NULL;
    if (strcmp(s->task, "solve") == 0) {
        theta = malloc((data->d + 1) * sizeof *theta);
        if (!theta)
            return out_of_memory();
        int status = solve_or_refuse(s, data, theta);
        if (status != EXIT_SUCCESS) {
            free(theta);
            return status;
        }
    }
    int status = EXIT_FAILURE;
    Output saved;
    if (dataset_open_csv(ds, program, s->save_data, &saved))
        status = run(s, data, theta, &saved);
    free(theta);
    return status;
}

int main(int argc, char **argv)
{
    Settings s = {.task = "train", .method = "minibatch",
                  .shuffle = "every-epoch", .isa = "auto", .batch_size = 32,
                  .epochs = 20,
                  .n = 1000, .d = 5, .lr = 0.05, .noise = 0.1, .seed = 1};
    Flag flags[] = {
        {.name = "task", .kind = FLAG_CHOICE, .value = &s.task,
         .help = "what to compute", .choices = task_names},
        {.name = "method", .kind = FLAG_CHOICE, .value = &s.method,
         .help = "examples per step: --batch-size, 1, or all N",
         .choices = method_names,
         .scope = "task=train"},
        {.name = "batch-size", .kind = FLAG_COUNT, .value = &s.batch_size,
         .help = "examples per step B (minibatch; timing), at most N",
         .min = 1, .max = 1e9, .default_text = "32, or N when N < 32",
         .scope = "task=train|timing method=minibatch"},
        {.name = "drop-last", .kind = FLAG_SWITCH, .value = &s.drop_last,
         .help = "skip an epoch's last batch when it has fewer than B "
                 "examples (minibatch)",
         .scope = "task=train method=minibatch"},
        {.name = "shuffle", .kind = FLAG_CHOICE, .value = &s.shuffle,
         .help = "when to reshuffle the examples' order (sgd, minibatch)",
         .choices = shuffle_names,
         .scope = "task=train method!=full"},
        {.name = "lr", .kind = FLAG_DOUBLE, .value = &s.lr,
         .help = "learning rate η", .min = 0, .min_exclusive = true,
         .max = 1e6,
         .scope = "task=train"},
        {.name = "epochs", .kind = FLAG_COUNT, .value = &s.epochs,
         .help = "passes over the data (train, sweep)", .min = 0, .max = 1e9,
         .scope = "task=train|sweep"},
        {.name = "log-every", .kind = FLAG_COUNT, .value = &s.log_every,
         .help = "write a row every this many steps; 0: one per epoch",
         .min = 0, .max = 1e12,
         .scope = "task=train"},
        {.name = "ladder", .kind = FLAG_SWITCH, .value = &s.ladder,
         .help = "also time the steps from the graded pass to the tuned one, "
                 "and the minibatch step with its next batch prefetched",
         .scope = "task=timing"},
        {.name = "isa", .kind = FLAG_CHOICE, .value = &s.isa,
         .help = "the compiled copy of the full-batch pass to time: the "
                 "fastest here, any x86-64's, or AVX2's",
         .choices = isa_names,
         .scope = "task=timing"},
        {.name = "seed", .kind = FLAG_SEED, .value = &s.seed,
         .help = "random seed for the data and the shuffles (with --data, "
                 "only where a run shuffles: not solve, full, never)"},
        {.name = "n", .kind = FLAG_COUNT, .value = &s.n,
         .help = "number of examples N (generated data)", .min = 1,
         .max = 1e9,
         .scope = "!data"},
        {.name = "d", .kind = FLAG_COUNT, .value = &s.d,
         .help = "number of features d (generated data)", .min = 1,
         .max = 1e5,
         .scope = "!data"},
        {.name = "noise", .kind = FLAG_DOUBLE, .value = &s.noise,
         .help = "standard deviation of the label noise (generated data)",
         .min = 0, .max = 1e6,
         .scope = "!data"},
        {.name = "data", .kind = FLAG_TEXT, .value = &s.data, .reads = true,
         .help = "train on this CSV file instead: header line, then features "
                 "and target per row",
         .default_text = "generated"},
        {.name = "save-data", .kind = FLAG_TEXT, .value = &s.save_data, .writes = true,
         .help = "also write the dataset as CSV (x1,...,xd,y)",
         .default_text = "none"},
        CLI_OUT_FLAG(&s.out),
    };
    Cli cli = {.program = program, .usage = usage, CLI_TABLE(flags)};
    int exit_status;
    if (!cli_start(&cli, argc, argv, &exit_status))
        return exit_status;
    if (check_settings(&cli, &s) != CLI_RUN ||
        (!s.data && check_size(&cli, &s, s.n, s.d) != CLI_RUN))
        return EXIT_BAD_INPUT;

    Dataset ds;
    int status = load_data(&s, &ds);
    if (status != EXIT_SUCCESS)
        return status;
    if (s.batch_size > ds.n && cli_given(&cli, "batch-size")) {
        char value[32];
        snprintf(value, sizeof value, "%zu", s.batch_size);
        dataset_free(&ds);
        cli_reject(&cli, "batch-size", value,
                   "larger than the number of examples N");
        return EXIT_BAD_INPUT;
    }
    if (s.batch_size > ds.n)
        s.batch_size = ds.n; /* the default 32, on a dataset smaller than that */
    if (check_size(&cli, &s, ds.n, ds.d) != CLI_RUN) {
        dataset_free(&ds);
        return EXIT_BAD_INPUT;
    }
    status = EXIT_FAILURE;
    Data data;
    if (!data_init(&data, &ds))
        fprintf(stderr, "%s: out of memory for %zu examples\n", program, ds.n);
    else
        status = save_and_run(&s, &ds, &data);
    data_free(&data);
    dataset_free(&ds);
    return status;
}
