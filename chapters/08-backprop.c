/*
 * 08-backprop.c: Chapter 8, backpropagation, and a real network on real
 * data: a multilayer perceptron on Fashion-MNIST, in C, from scratch.
 *
 * Every derivative is chapter 8's exercises' (linear_backward,
 * activation_backward, softmax_cross_entropy: solutions/08-backprop.c, or
 * your own file under `make try`), wired into a network by lib/mlp.c. The
 * training is the course's own: chapter 3's shuffles and minibatches,
 * chapter 4's optimizers, chapter 5's clipping, chapter 7's schedules.
 *
 *   --task train      trains on the training images less a held-out
 *                     validation split; a row per epoch; with --test FILE,
 *                     the test set's accuracy per class (the only task
 *                     that ever reads the test set)
 *   --task gradcheck  the gradient of every tensor of a network on a
 *                     minibatch against central differences
 *   --task init       a deep network's activations and gradients, layer
 *                     by layer, at its initial weights
 *   --task timing     how long a training step takes, and at how many
 *                     GFLOP/s
 *
 * Build and run (make builds it):
 *   make build/bin/08-backprop
 *   build/bin/08-backprop --epochs 1
 *   build/bin/08-backprop --help
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "03-minibatch.h"
#include "05-gradient-clipping.h"
#include "08-backprop.h"
#include "cli.h"
#include "clipping.h"
#include "epochs.h"
#include "fashion_mnist.h"
#include "loop.h"
#include "mlp.h"
#include "optimizer.h"
#include "output.h"
#include "rng.h"
#include "schedule.h"
#include "timing.h"

/* "08-backprop": set by the build, from this file's name. */
static const char program[] = PROGRAM_NAME;

typedef struct {
    const char *task, *data_dir, *activation, *init;
    DoubleList hidden;
    double init_scale, h;
    Clipping clipping;
    size_t epochs, batch_size, validation, coords, steps, repeats;
    OptimizerFlags optimizer;
    ScheduleFlags schedule;
    uint64_t seed;
    const char *out, *test;
} Settings;

/* ================================================================ the data
 * Fashion-MNIST's 60,000 training images, split once by --seed into a
 * held-out validation set (the first --validation of a shuffled order) and
 * the images trained on; the 10,000 test images are read only by --task
 * train --test. A pixel p becomes (p/255 - mean)/std, the mean and the
 * standard deviation being those of the training pixels: inputs of mean 0
 * and variance 1, which the initialisations assume. */

typedef struct {
    FashionMnist train_file;   /* all 60,000 */
    FashionMnist test_file;    /* the 10,000, read only with --test */
    size_t *order;             /* train_file's rows: validation, then train */
    size_t validation, train;  /* how many of each */
    double pixel[256];         /* what each pixel value becomes */
} Data;

/* Loads the training images and, for --test, the test images (read now,
 * so that a missing file is refused before the training, but looked at
 * only after it). Returns the exit status: after one line naming
 * --data-dir, EXIT_BAD_INPUT when a file is missing or not what it should
 * be, or the images trained on are blank; EXIT_FAILURE when memory ran
 * out (nothing the user typed is wrong). */
static int data_load(Data *d, Cli *cli, const Settings *s)
{
    *d = (Data){.validation = s->validation};
    FashionMnistError err;
    if (!fashion_mnist_load(s->data_dir, "train", &d->train_file, &err) ||
        (s->test && !fashion_mnist_load(s->data_dir, "t10k", &d->test_file,
                                        &err))) {
        fashion_mnist_print_error(stderr, PROGRAM_NAME ": --data-dir: ", &err);
        return fashion_mnist_out_of_memory(&err) ? EXIT_FAILURE : EXIT_BAD_INPUT;
    }
    size_t n = d->train_file.n;
    if (d->validation >= n) {
        char why[96];
        snprintf(why, sizeof why, "must leave images to train on (the "
                 "training set has %zu)", n);
        cli_reject(cli, "validation", NULL, why);
        return EXIT_BAD_INPUT;
    }
    d->train = n - d->validation;
    if (!(d->order = malloc(n * sizeof *d->order))) {
        fprintf(stderr, "%s: out of memory for the split\n", program);
        return EXIT_FAILURE;
    }
    Rng split;
    rng_seed(&split, s->seed ^ 0x53504c4954u); /* "SPLIT" */
    for (size_t i = 0; i < n; i++)
        d->order[i] = i;
    shuffle_indices(d->order, n, &split); /* chapter 3's */
    /* The training pixels' mean and standard deviation, from their
     * histogram: exact sums of whole numbers. */
    double count[256] = {0};
    for (size_t t = d->validation; t < n; t++) {
        const uint8_t *img = d->train_file.pixels +
                             d->order[t] * FASHION_MNIST_PIXELS;
        for (size_t k = 0; k < FASHION_MNIST_PIXELS; k++)
            count[img[k]] += 1.0;
    }
    double total = (double)d->train * FASHION_MNIST_PIXELS, mean = 0, var = 0;
    for (int p = 0; p < 256; p++)
        mean += count[p] * (p / 255.0);
    mean /= total;
    for (int p = 0; p < 256; p++)
        var += count[p] * (p / 255.0 - mean) * (p / 255.0 - mean);
    double std = sqrt(var / total);
    if (!(std > 0.0)) { /* scaling by it would make every input nan */
        cli_reject(cli, "data-dir", s->data_dir,
                   "its training images are blank (every pixel the same "
                   "value): nothing to learn from");
        return EXIT_BAD_INPUT;
    }
    for (int p = 0; p < 256; p++)
        d->pixel[p] = (p / 255.0 - mean) / std;
    return EXIT_SUCCESS;
}

static void data_free(Data *d)
{
    fashion_mnist_free(&d->train_file);
    fashion_mnist_free(&d->test_file);
    free(d->order);
}

/* ============================================================ the network */

static const char *const activation_names[] = {"relu", "tanh", "sigmoid",
                                               NULL};
static const char *const init_names[] = {"xavier", "he", NULL};

static Activation activation_of(const char *name)
{
    if (strcmp(name, "tanh") == 0)
        return ACTIVATION_TANH;
    if (strcmp(name, "sigmoid") == 0)
        return ACTIVATION_SIGMOID;
    return ACTIVATION_RELU;
}

/* 784 inputs, the --hidden widths, 10 classes. */
static bool network_shape(Mlp *net, const Settings *s)
{
    return mlp_shape_classifier(net, FASHION_MNIST_PIXELS, s->hidden.values,
                                s->hidden.count, FASHION_MNIST_CLASSES,
                                activation_of(s->activation));
}

/* Everything a task works with: the network, its parameters and gradient,
 * the activations, and a minibatch's inputs. */
typedef struct {
    Mlp net;
    MlpBuffers buf;
    double *theta, *grad, *x;
    uint8_t *labels;
    size_t capacity;
} Work;

static bool work_alloc(Work *w, const Settings *s, size_t capacity)
{
    *w = (Work){.capacity = capacity};
    if (!network_shape(&w->net, s))
        return false;
    w->theta = malloc(w->net.params * sizeof(double));
    w->grad = malloc(w->net.params * sizeof(double));
    w->x = malloc(capacity * FASHION_MNIST_PIXELS * sizeof(double));
    w->labels = malloc(capacity);
    return w->theta && w->grad && w->x && w->labels &&
           mlp_buffers_alloc(&w->buf, &w->net, capacity);
}

static void work_free(Work *w)
{
    mlp_buffers_free(&w->buf);
    free(w->theta);
    free(w->grad);
    free(w->x);
    free(w->labels);
}

/* The initial weights --init, --init-scale and --seed give. */
static void work_init(Work *w, const Settings *s)
{
    Rng rng;
    rng_seed(&rng, s->seed);
    InitScheme scheme = strcmp(s->init, "he") == 0 ? INIT_HE : INIT_XAVIER;
    mlp_init(&w->net, w->theta, scheme, s->init_scale, &rng);
}

/* The mean loss and the accuracy over rows[0..n-1] of `set`, in batches. */
static void evaluate(Work *w, const Data *d, const FashionMnist *set,
                     const size_t *rows, size_t n, double *loss,
                     double *accuracy)
{
    double total = 0.0;
    size_t correct = 0, classes = FASHION_MNIST_CLASSES;
    for (size_t first = 0; first < n; first += w->capacity) {
        size_t count = n - first < w->capacity ? n - first : w->capacity;
        fashion_mnist_gather(set, rows + first, count, d->pixel,
                             w->x, w->labels);
        const double *logits = mlp_forward(&w->net, &w->buf, w->theta, w->x,
                                           count);
        total += softmax_cross_entropy(logits, w->labels, count, classes,
                                       NULL) * (double)count;
        correct += mlp_correct(logits, w->labels, count, classes);
    }
    *loss = total / (double)n;
    *accuracy = (double)correct / (double)n;
}

/* ============================================================== training */

/* Batches per epoch: the last one may be short (chapter 3's iterator
 * without drop_last). */
static size_t batches_per_epoch(const Data *d, const Settings *s)
{
    return (d->train + s->batch_size - 1) / s->batch_size;
}

//> train-epoch
/* One epoch: chapter 3's shuffle and minibatches (lib/epochs.h), this
 * chapter's forward and backward passes, chapter 5's clipping when
 * --clip-norm or --clip-value asks for it (lib/clipping.h), then chapter
 * 4's optimizer at chapter 7's rate. Adds the minibatches' summed losses
 * and correct answers to *loss_sum and *correct; false when a loss or
 * gradient stopped being finite (at step *step). */
static bool train_epoch_mlp(Work *w, const Data *d, const Settings *s,
                            ScheduledOptimizer *so, Epochs *epochs,
                            size_t *step, double *loss_sum, size_t *correct)
{
    epochs_start(epochs);
    const size_t *rows;
    size_t count;
    while (epochs_next(epochs, &rows, &count)) {
        fashion_mnist_gather(&d->train_file, rows, count, d->pixel,
                             w->x, w->labels);
        double loss = mlp_loss_grad(&w->net, &w->buf, w->theta, w->x,
                                    w->labels, count, w->grad);
        Parameter all = {w->theta, w->grad, w->net.params};
        if (!isfinite(loss) || !grads_all_finite(&all, 1))
            return false;
        *loss_sum += loss * (double)count;
        *correct += mlp_correct(w->buf.z[w->net.layers - 1], w->labels,
                                count, FASHION_MNIST_CLASSES);
        clipping_apply(&s->clipping, w->grad, w->net.params);
        so->loss = loss;
        scheduled_optimizer_step(w->theta, w->grad, w->net.params, so);
        (*step)++;
    }
    return true;
}
//< train-epoch

/* The test set, per class: class,name,images,correct,accuracy, and a last
 * row "10,all" for all of them. */
static void test_report(Work *w, const Data *d, FILE *out)
{
    const FashionMnist test = d->test_file;
    size_t images[FASHION_MNIST_CLASSES + 1] = {0};
    size_t right[FASHION_MNIST_CLASSES + 1] = {0};
    size_t rows[256]; /* the work buffers hold at least 256 images */
    for (size_t first = 0; first < test.n; first += 256) {
        size_t count = test.n - first < 256 ? test.n - first : 256;
        for (size_t i = 0; i < count; i++)
            rows[i] = first + i;
        fashion_mnist_gather(&test, rows, count, d->pixel, w->x, w->labels);
        const double *logits = mlp_forward(&w->net, &w->buf, w->theta, w->x,
                                           count);
        for (size_t i = 0; i < count; i++) {
            size_t label = w->labels[i];
            size_t ok = mlp_correct(logits + i * FASHION_MNIST_CLASSES,
                                    w->labels + i, 1, FASHION_MNIST_CLASSES);
            images[label]++, right[label] += ok;
            images[FASHION_MNIST_CLASSES]++, right[FASHION_MNIST_CLASSES] += ok;
        }
    }
    fputs("class,name,images,correct,accuracy\n", out);
    for (size_t c = 0; c <= FASHION_MNIST_CLASSES; c++)
        fprintf(out, "%zu,%s,%zu,%zu,%.17g\n", c,
                c < FASHION_MNIST_CLASSES ? fashion_mnist_class_names[c]
                                          : "all",
                images[c], right[c],
                output_plain_nan((double)right[c] / (double)images[c]));
}

/* --task train: epoch,step,lr,train_loss,train_accuracy,val_loss,
 * val_accuracy; row 0 is the network before training (train columns
 * nan). Returns the exit status; *diverged says whether a failure was the
 * loss becoming inf or nan, whose rows are worth keeping. */
static int train_task(Cli *cli, const Settings *s, const Data *d, Work *w,
                      FILE *out, FILE *test, bool *diverged)
{
    OptimizerConfig ocfg = optimizer_flags_config(cli, &s->optimizer);
    size_t steps = s->epochs * batches_per_epoch(d, s);
    ScheduleConfig scfg = schedule_flags_config(cli, &s->schedule, steps,
                                                optimizer_lr(&ocfg));
    ScheduledOptimizer so;
    if (!scheduled_optimizer_init(&so, &ocfg, &scfg, w->net.params)) {
        fprintf(stderr, "%s: out of memory for the optimizer\n", program);
        return EXIT_FAILURE;
    }
    work_init(w, s);
    Epochs epochs; /* the training images, after the validation ones */
    epochs_init(&epochs, d->order + d->validation, d->train, s->batch_size,
                false, s->seed);
    fputs("epoch,step,lr,train_loss,train_accuracy,val_loss,val_accuracy\n",
          out);
    size_t step = 0;
    int status = EXIT_SUCCESS;
    for (size_t epoch = 0; epoch <= s->epochs; epoch++) {
        double lr = so.schedule.lr, loss_sum = 0.0, val_loss, val_accuracy;
        size_t correct = 0;
        if (epoch > 0 && !train_epoch_mlp(w, d, s, &so, &epochs, &step,
                                          &loss_sum, &correct)) {
            if (!schedule_blame(&so.schedule, program, s->schedule.name,
                                step) &&
                !optimizer_blame(&ocfg, program, step)) {
                loop_say_diverged(program, step);
                fprintf(stderr, " (epoch %zu): --lr %g is too large for "
                        "--optimizer %s (divide it by 10, or try "
                        "--clip-norm 1)\n", epoch, optimizer_lr(&ocfg),
                        s->optimizer.name);
            }
            status = EXIT_FAILURE;
            *diverged = true;
            break;
        }
        evaluate(w, d, &d->train_file, d->order, d->validation, &val_loss,
                 &val_accuracy);
        double seen = epoch > 0 ? (double)d->train : NAN;
        output_row(out, epoch,
                   (const double[]){(double)step, lr, loss_sum / seen,
                                    (double)correct / seen, val_loss,
                                    val_accuracy}, 6);
    }
    scheduled_optimizer_free(&so);
    if (status == EXIT_SUCCESS && test)
        test_report(w, d, test);
    return status;
}

/* ======================================================== gradient check */

/* The entries of layer l's weights (bias 0) or biases (bias 1). */
static size_t tensor_entries(const Mlp *net, size_t l, int bias)
{
    return net->sizes[l + 1] * (bias ? 1 : net->sizes[l]);
}

//> gradcheck-task
/* --task gradcheck: on the first --batch-size images of the training
 * split, the analytic gradient of every tensor against central differences
 * on --coords of its entries, spread evenly over it (all of a smaller
 * one): layer,tensor,entries,checked,max_relative_error, a row per tensor,
 * and a last row "0,all" over every entry checked. */
static int gradcheck_task(const Settings *s, const Data *d, Work *w,
                          FILE *out)
{
    size_t n = s->batch_size;
    work_init(w, s);
    fashion_mnist_gather(&d->train_file, d->order + d->validation, n, d->pixel,
                         w->x, w->labels);
    MlpBatch batch = {&w->net, &w->buf, w->x, w->labels, n};
    mlp_batch_loss_grad(w->theta, w->grad, &batch);
    size_t *coords = malloc(s->coords * sizeof *coords);
    if (!coords) {
        fprintf(stderr, "%s: out of memory for --coords\n", program);
        return EXIT_FAILURE;
    }
    fputs("layer,tensor,entries,checked,max_relative_error\n", out);
    double worst = 0.0;
    size_t checked = 0;
    for (size_t l = 0; l < w->net.layers; l++)
        for (int bias = 0; bias <= 1; bias++) {
            size_t at = bias ? w->net.b[l] : w->net.w[l];
            size_t size = tensor_entries(&w->net, l, bias);
            size_t count = size < s->coords ? size : s->coords;
            for (size_t t = 0; t < count; t++) /* evenly over the tensor */
                coords[t] = at + t * size / count;
            double error = gradient_check(mlp_batch_loss, &batch, w->theta,
                                          w->grad, coords, count, s->h);
            fprintf(out, "%zu,%s,%zu,%zu,%.17g\n", l + 1, bias ? "b" : "W",
                    size, count, output_plain_nan(error));
            worst = error > worst || isnan(error) ? error : worst;
            checked += count;
        }
    fprintf(out, "0,all,%zu,%zu,%.17g\n", w->net.params, checked,
            output_plain_nan(worst));
    free(coords);
    return EXIT_SUCCESS;
}
//< gradcheck-task

/* ======================================================= initialisation */

/* How far the units of a hidden layer are from a useful range: the share
 * of ReLU units at exactly 0 (dead for this example), or of tanh and
 * sigmoid units within 1 % of their bounds (saturated: f' is near 0). */
static bool saturated(Activation f, double a)
{
    switch (f) {
    case ACTIVATION_RELU: return a == 0.0;
    case ACTIVATION_TANH: return fabs(a) > 0.99;
    case ACTIVATION_SIGMOID: return a < 0.01 || a > 0.99;
    case ACTIVATION_IDENTITY: break;
    }
    return false;
}

/* --task init: one forward and backward pass of --batch-size training
 * images at the initial weights: layer,activation_std,saturated,
 * weight_grad_norm — per linear layer, the standard deviation of its
 * output after the activation (the logits for the last), the share of
 * saturated units, and the norm of ∂L/∂W. */
static int init_task(const Settings *s, const Data *d, Work *w, FILE *out)
{
    size_t n = s->batch_size;
    work_init(w, s);
    fashion_mnist_gather(&d->train_file, d->order + d->validation, n, d->pixel,
                         w->x, w->labels);
    mlp_loss_grad(&w->net, &w->buf, w->theta, w->x, w->labels, n, w->grad);
    fputs("layer,activation_std,saturated,weight_grad_norm\n", out);
    for (size_t l = 0; l < w->net.layers; l++) {
        size_t count = n * w->net.sizes[l + 1];
        const double *a = w->buf.a[l];
        double mean = 0.0, var = 0.0, sq = 0.0;
        size_t flat = 0;
        for (size_t j = 0; j < count; j++)
            mean += a[j];
        mean /= (double)count;
        for (size_t j = 0; j < count; j++) {
            var += (a[j] - mean) * (a[j] - mean);
            flat += l + 1 < w->net.layers && saturated(w->net.activation, a[j]);
        }
        const double *g = w->grad + w->net.w[l];
        for (size_t j = 0; j < w->net.sizes[l] * w->net.sizes[l + 1]; j++)
            sq += g[j] * g[j];
        output_row(out, l + 1,
                   (const double[]){sqrt(var / (double)count),
                                    (double)flat / (double)count, sqrt(sq)},
                   3);
    }
    return EXIT_SUCCESS;
}

/* ================================================================ timing */

/* Floating-point operations of one training step of n examples: each
 * linear layer's product costs 2·n·in·out forward, as much for ∂W, and as
 * much again for ∂x except in the first layer. */
static double step_flops(const Mlp *net, size_t n)
{
    double flops = 0.0;
    for (size_t l = 0; l < net->layers; l++)
        flops += 2.0 * (double)n * (double)(net->sizes[l] * net->sizes[l + 1]) *
                 (l == 0 ? 2.0 : 3.0);
    return flops;
}

/* --task timing: --repeats runs of --steps training steps (each with
 * --optimizer's update, AdamW by default, as in training):
 * steps,batch_size,seconds_median,
 * seconds_min,seconds_max,gflops (at the median), epoch_seconds (the
 * median scaled to one epoch of the training split). */
static int timing_task(Cli *cli, const Settings *s, const Data *d, Work *w,
                       FILE *out)
{
    OptimizerConfig ocfg = optimizer_flags_config(cli, &s->optimizer);
    Optimizer opt;
    double *seconds = malloc(s->repeats * sizeof *seconds);
    if (!seconds || !optimizer_init(&opt, &ocfg, w->net.params)) {
        fprintf(stderr, "%s: out of memory for the optimizer\n", program);
        free(seconds);
        return EXIT_FAILURE;
    }
    size_t n = s->batch_size, *train = d->order + d->validation;
    for (size_t r = 0; r < s->repeats; r++) {
        work_init(w, s);
        double start = timing_now();
        for (size_t k = 0; k < s->steps; k++) {
            size_t first = (k * n) % (d->train - n + 1);
            fashion_mnist_gather(&d->train_file, train + first, n, d->pixel,
                                 w->x, w->labels);
            mlp_loss_grad(&w->net, &w->buf, w->theta, w->x, w->labels, n,
                          w->grad);
            optimizer_step(w->theta, w->grad, w->net.params, &opt);
        }
        seconds[r] = timing_now() - start;
    }
    optimizer_free(&opt);
    double median = timing_median(seconds, s->repeats); /* sorts them */
    double per_step = median / (double)s->steps;
    fputs("steps,batch_size,seconds_median,seconds_min,seconds_max,gflops,"
          "epoch_seconds\n", out);
    output_numbers(out,
                   (const double[]){(double)s->steps, (double)n, median,
                                    seconds[0], seconds[s->repeats - 1],
                                    step_flops(&w->net, n) / per_step / 1e9,
                                    per_step * (double)batches_per_epoch(d, s)},
                   7);
    free(seconds);
    return EXIT_SUCCESS;
}

/* ==================================================================== main */

static const char usage[] =
    PROGRAM_NAME ": chapter 8, backpropagation: a multilayer perceptron on\n"
    "Fashion-MNIST (28x28 grey images of clothes, 10 classes), from scratch.\n"
    "\n"
    "The network: 784 inputs, the --hidden layers (each a linear layer and\n"
    "--activation), a linear layer to 10 logits, softmax cross-entropy. All\n"
    "parameters in one flat vector; weights drawn by --init, biases 0.\n"
    "The data: the 60,000 training images of --data-dir, split by --seed\n"
    "into --validation held out and the rest trained on; pixels scaled to\n"
    "mean 0 and variance 1 over the training split.\n"
    "Tasks (CSV on stdout or --out, with a header line):\n"
    "  train      --epochs of minibatches: epoch,step,lr,train_loss,\n"
    "             train_accuracy,val_loss,val_accuracy (epoch 0: before\n"
    "             training); --test FILE: the test set's accuracy per class\n"
    "  gradcheck  the gradient of each tensor against central differences\n"
    "             on --coords entries: layer,tensor,entries,checked,\n"
    "             max_relative_error\n"
    "  init       one pass at the initial weights, per layer: layer,\n"
    "             activation_std,saturated,weight_grad_norm\n"
    "  timing     --repeats runs of --steps steps: steps,batch_size,\n"
    "             seconds_median,seconds_min,seconds_max,gflops,epoch_seconds\n"
    "At most 6e13 weight uses for train and timing, 2e12 for gradcheck (a\n"
    "forward pass of an image uses every parameter once; a training step,\n"
    "three for each image of its batch and about 64 images' worth more): a\n"
    "larger run is refused before it starts.\n"
    "Exit status: 0 done; 1 the training diverged (the rows before it are\n"
    "kept; --test is not written), a file could not be written, or memory\n"
    "ran out; 2 bad input (a --data-dir whose files are missing or damaged\n"
    "included).";

static const char *const task_names[] = {"train", "gradcheck", "init",
                                         "timing", NULL};

/* A task's size in weight uses: a forward pass of one image uses each of
 * the network's parameters once, and a training step costs
 * mlp_step_uses (lib/mlp.h).
 * Bounded so that a digit too many is an error rather than a run of days,
 * at about 2e10 uses a second here:
 *   training and timing at most TRAIN_MAX_USES: the default run is 5.8e11
 *   (half a minute), --epochs 1000 of it 45 minutes, and --hidden
 *   4096,4096,4096 --epochs 1000 asked for 9e16;
 *   the gradient check, two forward passes of the batch for each entry it
 *   checks, at most GRADCHECK_MAX_USES (about a minute and a half;
 *   --coords 1e6 asked for 1.4e13 on the default network). */
#define TRAIN_MAX_USES 6e13
#define GRADCHECK_MAX_USES 2e12

static CliStatus check_task_size(Cli *cli, const Settings *s)
{
    Mlp net;
    if (!network_shape(&net, s))
        return CLI_RUN; /* cannot be: cli_check_widths bounds the layers */
    double params = (double)net.params;
    if (strcmp(s->task, "gradcheck") == 0) {
        double checked = 0.0; /* as gradcheck_task counts them */
        for (size_t l = 0; l < net.layers; l++)
            for (int bias = 0; bias <= 1; bias++)
                checked += fmin((double)tensor_entries(&net, l, bias),
                                (double)s->coords);
        return cli_check_work(
            cli, (const char *const[]){"coords", "batch-size", "hidden", NULL},
            checked * 2.0 * (double)s->batch_size * params,
            GRADCHECK_MAX_USES,
            "weight uses (two forward passes of the batch for each entry "
            "checked)");
    }
    if (strcmp(s->task, "train") == 0) {
        double trained = FASHION_MNIST_TRAIN_IMAGES - (double)s->validation;
        double steps = ceil(trained / (double)s->batch_size);
        return cli_check_work(
            cli,
            (const char *const[]){"epochs", "batch-size", "hidden",
                                  "validation", NULL},
            (double)s->epochs * (steps * mlp_step_uses(&net, s->batch_size) +
                                 (double)s->validation * params),
            TRAIN_MAX_USES,
            "weight uses (--epochs of training steps and validation)");
    }
    if (strcmp(s->task, "timing") == 0)
        return cli_check_work(
            cli,
            (const char *const[]){"steps", "repeats", "batch-size", "hidden",
                                  NULL},
            (double)s->steps * (double)s->repeats *
                mlp_step_uses(&net, s->batch_size),
            TRAIN_MAX_USES, "weight uses (--repeats runs of --steps steps)");
    return CLI_RUN;
}

/* Bounds the table cannot state. */
static CliStatus check_settings(Cli *cli, const Settings *s)
{
    if (cli_check_widths(cli, "hidden", MLP_MAX_LAYERS - 1) != CLI_RUN ||
        clipping_flags_check(cli) != CLI_RUN ||
        check_task_size(cli, s) != CLI_RUN)
        return CLI_BAD_INPUT;
    /* (The schedule's bounds need the run's steps, which the data's size
     * sets: they are checked in run(), once it is read.) */
    return optimizer_flags_check(cli, &s->optimizer);
}

/* The task, writing to `out` (and `test`, for --test); *diverged as
 * train_task sets it. */
static int run_task(Cli *cli, const Settings *s, const Data *d, Work *w,
                    FILE *out, FILE *test, bool *diverged)
{
    if (strcmp(s->task, "train") == 0)
        return train_task(cli, s, d, w, out, test, diverged);
    if (strcmp(s->task, "gradcheck") == 0)
        return gradcheck_task(s, d, w, out);
    if (strcmp(s->task, "init") == 0)
        return init_task(s, d, w, out);
    return timing_task(cli, s, d, w, out);
}

static int run(Cli *cli, const Settings *s)
{
    Data d;
    int status = data_load(&d, cli, s);
    if (status != EXIT_SUCCESS) {
        data_free(&d);
        return status;
    }
    if (s->batch_size > d.train) {
        char why[64];
        snprintf(why, sizeof why, "above the %zu training images", d.train);
        cli_reject(cli, "batch-size", NULL, why);
        data_free(&d);
        return EXIT_BAD_INPUT;
    }
    /* The run's steps come from the images --data-dir holds, not from
     * Fashion-MNIST's 60,000: a smaller training file makes a shorter run,
     * and a warm-up or cycle must fit that one. */
    if (strcmp(s->task, "train") == 0 &&
        schedule_flags_check(cli, &s->schedule,
                             s->epochs * batches_per_epoch(&d, s),
                             s->optimizer.name) != CLI_RUN) {
        data_free(&d);
        return EXIT_BAD_INPUT;
    }
    status = EXIT_FAILURE;
    Work w;
    Output out, test;
    if (!work_alloc(&w, s, s->batch_size > 256 ? s->batch_size : 256))
        fprintf(stderr, "%s: out of memory for the network\n", program);
    else if (output_open(&out, program, "--out", s->out)) {
        if (s->test && !output_open(&test, program, "--test", s->test)) {
            output_discard(&out);
        } else {
            bool diverged = false;
            status = run_task(cli, s, &d, &w, out.file,
                              s->test ? test.file : NULL, &diverged);
            /* The test report is written only after a training that
             * finished: a failed run's --test holds nothing, and must
             * not replace the file there. The --out rows of a run that
             * diverged are kept; any other failure leaves no file. */
            bool tested = s->test && status == EXIT_SUCCESS;
            if (s->test && !tested)
                output_discard(&test);
            if (status != EXIT_SUCCESS && !diverged) {
                output_discard(&out);
            } else {
                Output *const outputs[] = {&out, tested ? &test : NULL};
                if (!output_commit_all(outputs, 2, program))
                    status = EXIT_FAILURE;
            }
        }
    }
    work_free(&w);
    data_free(&d);
    return status;
}

int main(int argc, char **argv)
{
    Settings s = {.task = "train", .data_dir = FASHION_MNIST_DIR,
                  .activation = "relu", .init = "he",
                  .hidden = {2, {256, 128}}, .init_scale = 1.0,
                  .h = 1e-5, .epochs = 10,
                  .batch_size = 128, .validation = 5000, .coords = 20,
                  .steps = 50, .repeats = 5,
                  .optimizer = {.name = "adamw"},
                  .schedule = SCHEDULE_FLAGS_DEFAULTS, .seed = 1};
    s.schedule.name = "cosine";
    Flag flags[] = {
        {.name = "task", .kind = FLAG_CHOICE, .value = &s.task,
         .help = "what to run", .choices = task_names},
        {.name = "data-dir", .kind = FLAG_TEXT, .value = &s.data_dir,
         .reads_folder = true,
         .help = "the folder of Fashion-MNIST's four .gz files (Debian's "
                 "dataset-fashion-mnist)"},
        {.name = "hidden", .kind = FLAG_LIST, .value = &s.hidden,
         .whole = true, .help = "the hidden layers' widths, comma-separated"},
        {.name = "activation", .kind = FLAG_CHOICE, .value = &s.activation,
         .help = "after every hidden layer", .choices = activation_names},
        {.name = "init", .kind = FLAG_CHOICE, .value = &s.init,
         .help = "the weights' scale: Glorot's or He's", .choices = init_names},
        {.name = "init-scale", .kind = FLAG_DOUBLE, .value = &s.init_scale,
         .help = "multiplies the scheme's standard deviation", .min = 0,
         .min_exclusive = true, .max = 1e3},
        {.name = "validation", .kind = FLAG_COUNT, .value = &s.validation,
         .help = "training images held out to validate on", .min = 1,
         .max = FASHION_MNIST_TRAIN_IMAGES - 1},
        {.name = "batch-size", .kind = FLAG_COUNT, .value = &s.batch_size,
         .help = "examples per step", .min = 1, .max = 4096},
        {.name = "epochs", .kind = FLAG_COUNT, .value = &s.epochs,
         .help = "passes over the training images", .min = 1, .max = 1000,
         .scope = "task=train"},
        OPTIMIZER_FLAGS(&s.optimizer, "task=train|timing", "task=train|timing"),
        SCHEDULE_FLAGS(&s.schedule, "task=train", "task=train"),
        CLIPPING_FLAGS(&s.clipping, "task=train"),
        {.name = "test", .kind = FLAG_TEXT, .value = &s.test, .writes = true,
         .help = "after training, the test set's accuracy per class, here",
         .default_text = "none: the test set is not read",
         .scope = "task=train"},
        {.name = "coords", .kind = FLAG_COUNT, .value = &s.coords,
         .help = "entries of each tensor to check", .min = 1, .max = 1e6,
         .scope = "task=gradcheck"},
        {.name = "h", .kind = FLAG_DOUBLE, .value = &s.h,
         .help = "the central difference's step", .min = 0,
         .min_exclusive = true, .max = 1, .scope = "task=gradcheck"},
        {.name = "steps", .kind = FLAG_COUNT, .value = &s.steps,
         .help = "training steps per timed run", .min = 1, .max = 1e5,
         .scope = "task=timing"},
        {.name = "repeats", .kind = FLAG_COUNT, .value = &s.repeats,
         .help = "timed runs (the median is reported)", .min = 1, .max = 100,
         .scope = "task=timing"},
        {.name = "seed", .kind = FLAG_SEED, .value = &s.seed,
         .help = "random seed for the split, the weights and the shuffles"},
        CLI_OUT_FLAG(&s.out),
    };
    Cli cli = {.program = program, .usage = usage, CLI_TABLE(flags)};
    int exit_status;
    if (!cli_start(&cli, argc, argv, &exit_status))
        return exit_status;
    if (check_settings(&cli, &s) != CLI_RUN)
        return EXIT_BAD_INPUT;
    return run(&cli, &s);
}
