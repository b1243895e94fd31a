/*
 * 09-precision.c: Chapter 9, mixed precision (build/bin/precision).
 *
 * The number formats of mixed-precision training, computed with chapter
 * 9's conversions (solutions/09-precision.c, or yours under `make try
 * CH=09`):
 *   precision --task round --format fp16|bf16 < numbers   each rounded
 *   precision --task formats                              each format's facts
 *   precision --task spacing                              the gap between
 *                                                         neighbours, by size
 *   precision --task train --precision fp16 --scaling none   chapter 8's
 *                                    network with every tensor in fp16
 *   precision --task train-regression --precision fp16    chapter 3's
 *                                    regression with every tensor in fp16
 *   precision --task pass                                 chapter 3's pass
 *                                                         over bf16 data
 *
 * Build and run (make builds it, linking chapter 9's solution):
 *   make build/bin/09-precision
 *   printf '1\n65519.99\n65520\n1e-8\n' | build/bin/precision --task round --format fp16
 *   build/bin/precision --help
 */
#define _POSIX_C_SOURCE 200809L /* getline */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "03-minibatch.h"
#include "04-optimizers.h"
#include "08-backprop.h"
#include "09-precision.h"
#include "bits.h"
#include "cli.h"
#include "csv.h"
#include "dataset.h"
#include "epochs.h"
#include "fashion_mnist.h"
#include "linreg_pass.h"
#include "loop.h"
#include "mlp.h"
#include "output.h"
#include "rng.h"
#include "timing.h"
#include "vec.h"

/* "09-precision": set by the build, from this file's name. */
static const char program[] = PROGRAM_NAME;

/* ============================================================ formats */

/* A binary floating-point format: its fields, and the value of a bit
 * pattern and the pattern nearest to a double, both by the chapter's own
 * conversions for fp16 and bf16 (and by C's for float and double). */
typedef struct {
    const char *name;
    unsigned bits, exponent_bits, mantissa_bits;
    double (*value)(uint64_t pattern);
    uint64_t (*nearest)(double x);
} Format;

static double fp16_value(uint64_t p) { return fp16_to_float((uint16_t)p); }
static uint64_t fp16_nearest(double x) { return fp16_from_double(x); }
static double bf16_value(uint64_t p) { return bf16_to_float((uint16_t)p); }
static uint64_t bf16_nearest(double x) { return bf16_from_double(x); }

static double fp32_value(uint64_t p) { return float_from_bits((uint32_t)p); }
/* The hardware's rounding to float, once. */
static uint64_t fp32_nearest(double x) { return float_bits((float)x); }
static double fp64_value(uint64_t p) { return double_from_bits(p); }
static uint64_t fp64_nearest(double x) { return double_bits(x); }

static const Format FORMATS[] = {
    {"fp16", 16, 5, 10, fp16_value, fp16_nearest},
    {"bf16", 16, 8, 7, bf16_value, bf16_nearest},
    {"fp32", 32, 8, 23, fp32_value, fp32_nearest},
    {"fp64", 64, 11, 52, fp64_value, fp64_nearest},
};
enum { FORMAT_COUNT = sizeof FORMATS / sizeof *FORMATS };

//> landmarks
/* The bit patterns of the landmarks: the largest finite number (exponent
 * field all ones but the last, mantissa all ones), the smallest normal one
 * (exponent field 1) and the smallest subnormal one (the last bit). */
static double largest(const Format *f)
{
    uint64_t top_exponent = (UINT64_C(1) << f->exponent_bits) - 2;
    uint64_t mantissa = (UINT64_C(1) << f->mantissa_bits) - 1;
    return f->value(top_exponent << f->mantissa_bits | mantissa);
}

static double smallest_normal(const Format *f)
{
    return f->value(UINT64_C(1) << f->mantissa_bits);
}

static double smallest_subnormal(const Format *f) { return f->value(1); }

/* The gap between neighbours near x > 0, inside x's binade (all gaps in
 * [2^e, 2^(e+1)) are equal): from the largest value <= x to the next one
 * up, or down to the one before when x's neighbour is the binade's last
 * value (65504 in fp16 has inf above it). */
static double spacing_near(const Format *f, double x)
{
    uint64_t p = f->nearest(x);
    if (f->value(p) > x)
        p -= 1;
    uint64_t mantissa_mask = (UINT64_C(1) << f->mantissa_bits) - 1;
    if ((p & mantissa_mask) == mantissa_mask)
        return f->value(p) - f->value(p - 1);
    return f->value(p + 1) - f->value(p);
}
//< landmarks

static void print_formats(FILE *out)
{
    fputs("format,bits,exponent_bits,mantissa_bits,largest,smallest_normal,"
          "smallest_subnormal,epsilon,spacing_near_1,spacing_near_1e-4,"
          "spacing_near_65504\n", out);
    for (size_t i = 0; i < FORMAT_COUNT; i++) {
        const Format *f = &FORMATS[i];
        /* machine epsilon: from 1 to the next value up */
        double epsilon = f->value(f->nearest(1.0) + 1) - 1.0;
        fprintf(out, "%s,%u,%u,%u,", f->name, f->bits, f->exponent_bits,
                f->mantissa_bits);
        output_numbers(out,
                       (const double[]){largest(f), smallest_normal(f),
                                        smallest_subnormal(f), epsilon,
                                        spacing_near(f, 1.0),
                                        spacing_near(f, 1e-4),
                                        spacing_near(f, 65504.0)},
                       7);
    }
}

/* magnitude,fp16,bf16,fp32,fp64: the spacing near 10^(k/20), from 1e-45 to
 * 1e39, nan outside a format's range (below its smallest subnormal, above
 * its largest number). */
static void print_spacing(FILE *out)
{
    fputs("magnitude", out);
    for (size_t i = 0; i < FORMAT_COUNT; i++)
        fprintf(out, ",%s", FORMATS[i].name);
    fputc('\n', out);
    for (int k = -900; k <= 780; k++) {
        double x = pow(10.0, k / 20.0);
        double row[1 + FORMAT_COUNT] = {x};
        for (size_t i = 0; i < FORMAT_COUNT; i++) {
            const Format *f = &FORMATS[i];
            bool inside = x >= smallest_subnormal(f) && x <= largest(f);
            row[1 + i] = inside ? spacing_near(f, x) : NAN;
        }
        output_numbers(out, row, 1 + FORMAT_COUNT);
    }
}

/* ============================================================ rounding */

/* The numbers on stdin, one a line, all read before anything is printed:
 * a bad line anywhere refuses the whole input, and nothing is printed. */
typedef struct {
    double *values;
    size_t count, capacity;
} Numbers;

/* Reads every line of `in` into *n. A line is a number as strtod reads it
 * (decimal, hexadecimal, inf, nan), with spaces, tabs or a carriage
 * return around it allowed. On a bad line: one message naming the line
 * and what it holds, and false (*status 2); out of memory, status 1. */
static bool read_numbers(FILE *in, Numbers *n, int *status)
{
    char *line = NULL;
    size_t size = 0, length;
    size_t number = 0;
    *status = EXIT_BAD_INPUT;
    /* (lib/csv.h's line reader: a line past 16 MiB, such as a binary file
     * with no newline, is refused rather than read whole into memory, and
     * memory running out is said, not taken for the end of the input.) */
    CsvLine got;
    while ((got = csv_read_line(in, &line, &size, &length)) == LINE_READ) {
        number++;
        while (length > 0 && strchr(" \t\r\n", line[length - 1]))
            line[--length] = '\0';
        char *start = line + strspn(line, " \t");
        char *end;
        double x = strtod(start, &end);
        /* a NUL inside the line would hide what follows it from strtod */
        bool whole = strlen(line) == length;
        if (end == start || *end != '\0' || !whole) {
            fprintf(stderr, "%s: stdin line %zu: '%.40s' is not a number "
                    "(one a line: decimal, hexadecimal as 0x1p-24, inf or "
                    "nan; see --help)\n", program,
                    number, start);
            free(line);
            return false;
        }
        if (n->count == n->capacity) {
            size_t grown = n->capacity ? 2 * n->capacity : 1024;
            double *v = realloc(n->values, grown * sizeof *v);
            if (!v) {
                fprintf(stderr, "%s: out of memory at stdin line %zu\n",
                        program, number);
                free(line);
                *status = EXIT_FAILURE;
                return false;
            }
            n->values = v;
            n->capacity = grown;
        }
        n->values[n->count++] = x;
    }
    free(line);
    if (got == LINE_TOO_LONG) {
        fprintf(stderr, "%s: stdin line %zu: longer than %d MiB: not a "
                "number (one a line; see --help)\n", program, number + 1,
                CSV_MAX_LINE >> 20);
        return false;
    }
    if (got == LINE_NO_MEMORY) {
        fprintf(stderr, "%s: out of memory at stdin line %zu\n", program,
                number + 1);
        *status = EXIT_FAILURE;
        return false;
    }
    if (got == LINE_ERROR) {
        fprintf(stderr, "%s: cannot read stdin\n", program);
        *status = EXIT_FAILURE;
        return false;
    }
    return true;
}

//> round-task
/* Each number rounded to the format and printed back as a double: once,
 * straight from the double (the course's rounding), or through a float
 * first, as PyTorch 1.13's .to() does from a float64 tensor. */
static double round_to(const char *format, double x, bool via_float32)
{
    bool fp16 = strcmp(format, "fp16") == 0;
    if (via_float32) {
        float f = (float)x;
        return fp16 ? fp16_to_float(fp16_from_float(f))
                    : bf16_to_float(bf16_from_float(f));
    }
    return fp16 ? fp16_to_float(fp16_from_double(x))
                : bf16_to_float(bf16_from_double(x));
}
//< round-task

static void print_rounded(const Numbers *n, const char *format,
                          bool via_float32, FILE *out)
{
    for (size_t i = 0; i < n->count; i++) {
        double r = round_to(format, n->values[i], via_float32);
        fprintf(out, "%.17g\n", output_plain_nan(r));
    }
}


/* ============================================================ training
 * Chapter 8's network on Fashion-MNIST, with every tensor its passes
 * write (activations, and the gradients of the backward pass) rounded to
 * --precision as it is written, the way a 16-bit network stores them:
 * each layer's products are added in double (the hardware's matrix units
 * add in float32) and the result is rounded once. The weights are kept as
 * --weights says; the loss is scaled as --scaling says; the step is SGD.
 * The images come from the 10,000 of Fashion-MNIST's t10k file (the first
 * --train-images to train on, the last --test-images to measure), which is
 * six times quicker to decompress than the training file: what the runs
 * compare is the precisions, on the same images. */

typedef enum { PRECISION_FP64, PRECISION_FP32, PRECISION_FP16,
               PRECISION_BF16 } Precision;

typedef struct {
    const char *precision, *scaling, *weights, *data_dir;
    DoubleList hidden;
    double lr, scale;
    size_t epochs, batch_size, train_images, test_images, growth_interval;
    size_t steps;      /* train-regression's */
    double data_scale; /* train-regression's */
    uint64_t seed;
} TrainSettings;

/* What the rounding hook does, and what it saw this step. */
typedef struct {
    Precision precision;
    LowFormat format;        /* for fp16 and bf16 */
    double loss_scale;       /* multiplies the loss's gradient */
    size_t layers;
    size_t flushed[MLP_MAX_LAYERS], nonzero[MLP_MAX_LAYERS]; /* ∂L/∂W_l */
    size_t flushed_activation_grads, nonzero_activation_grads;
} Rounding;

static double low_value(uint16_t h, LowFormat f)
{
    return f == FORMAT_FP16 ? fp16_to_float(h) : bf16_to_float(h);
}

static uint16_t low_nearest(double x, LowFormat f)
{
    return f == FORMAT_FP16 ? fp16_from_double(x) : bf16_from_double(x);
}

/* x as --precision stores it: fp16 and bf16 by this chapter's conversions,
 * fp32 by C's own (the hardware's), fp64 as it is. */
static double rounded_to(const Rounding *r, double x)
{
    switch (r->precision) {
    case PRECISION_FP16:
    case PRECISION_BF16: return low_value(low_nearest(x, r->format), r->format);
    case PRECISION_FP32: return (float)x;
    default: return x;
    }
}

/* x rounded as --precision stores it, in place, count at a time; each x
 * first multiplied by scale (exactly, for a scale that is a power of two,
 * as this chapter's are). An entry that was not 0 and rounds to 0 is
 * counted as flushed, and every entry that was not 0 as nonzero. */
static void round_counting(const Rounding *r, double *values, size_t count,
                           double scale, size_t *flushed, size_t *nonzero)
{
    for (size_t i = 0; i < count; i++) {
        double v = values[i] * scale;
        values[i] = rounded_to(r, v);
        *nonzero += v != 0.0;
        *flushed += v != 0.0 && values[i] == 0.0;
    }
}

//> rounding-hook
/* lib/mlp's hook: every tensor a pass writes is rounded to --precision as
 * it is written; the loss's gradient is multiplied by the loss scale
 * first, so that every gradient after it is the scaled one. Flushed
 * gradient entries are counted per layer for the weights' gradients, all
 * together for the activations'. */
static void round_tensor(void *ctx, MlpTensor tensor, size_t layer,
                         double *values, size_t count)
{
    Rounding *r = ctx;
    bool logits_grad = tensor == MLP_GRAD_Z && layer + 1 == r->layers;
    size_t flushed = 0, nonzero = 0;
    round_counting(r, values, count, logits_grad ? r->loss_scale : 1.0,
                   &flushed, &nonzero);
    if (tensor == MLP_GRAD_W) {
        r->flushed[layer] += flushed;
        r->nonzero[layer] += nonzero;
    } else if (tensor == MLP_GRAD_Z || tensor == MLP_GRAD_A) {
        r->flushed_activation_grads += flushed;
        r->nonzero_activation_grads += nonzero;
    }
}
//< rounding-hook

typedef enum { WEIGHTS_MASTER, WEIGHTS_PURE, WEIGHTS_KAHAN,
               WEIGHTS_STOCHASTIC } Weights;

/* A model's weights as --weights holds them (master: double master weights
 * and their 16-bit copy; pure, kahan, stochastic: the 16-bit weights only,
 * with Kahan's compensation beside them), theta, the weights the passes
 * read (doubles holding the values of --precision), and the gradient: the
 * network's and the regression's alike. */
typedef struct {
    size_t n;
    double *theta, *master, *grad;
    uint16_t *low, *comp, *before;
} Params;

static bool params_alloc(Params *p, size_t n)
{
    *p = (Params){.n = n};
    p->theta = malloc(n * sizeof(double));
    p->master = malloc(n * sizeof(double));
    p->grad = malloc(n * sizeof(double));
    p->low = calloc(n, sizeof(uint16_t));
    p->comp = calloc(n, sizeof(uint16_t));
    p->before = calloc(n, sizeof(uint16_t));
    return p->theta && p->master && p->grad && p->low && p->comp && p->before;
}

static void params_free(Params *p)
{
    free(p->theta);
    free(p->master);
    free(p->grad);
    free(p->low);
    free(p->comp);
    free(p->before);
}

//> weights-step
/* One step on the weights as --weights keeps them, from the gradients of
 * the scaled loss, through the scaler (PyTorch's scaler.step and update):
 *   master      this chapter's scaled_sgd_step on the master weights;
 *   pure        the same with master weights that forget, every step,
 *               whatever their 16-bit copy does not hold: 16-bit weights;
 *   kahan       16-bit weights and kahan_weight_step;
 *   stochastic  16-bit weights, each new value rounded by
 *               round_stochastic.
 * Returns whether the step was taken (false: skipped on an overflow). */
static bool weights_step(Params *p, LowFormat f, Weights weights, double lr,
                         LossScaler *s, Rng *rng)
{
    size_t n = p->n;
    if (weights == WEIGHTS_PURE)
        for (size_t i = 0; i < n; i++)
            p->master[i] = low_value(p->low[i], f);
    if (weights == WEIGHTS_MASTER || weights == WEIGHTS_PURE)
        return scaled_sgd_step(p->master, p->low, f, p->grad, n, lr, s);
    bool found_inf = grads_overflowed(p->grad, n);
    grads_unscale(p->grad, n, s->scale);
    if (!found_inf && weights == WEIGHTS_KAHAN)
        kahan_weight_step(p->low, p->comp, f, p->grad, n, lr);
    if (!found_inf && weights == WEIGHTS_STOCHASTIC)
        for (size_t i = 0; i < n; i++)
            p->low[i] = round_stochastic(low_value(p->low[i], f) -
                                         lr * p->grad[i], f, rng_uniform(rng));
    loss_scaler_update(s, found_inf);
    return !found_inf;
}
//< weights-step

static const char *const precision_names[] = {"fp64", "fp32", "fp16", "bf16",
                                              NULL};
static const char *const scaling_names[] = {"none", "static", "dynamic", NULL};
static const char *const weights_names[] = {"master", "pure", "kahan",
                                            "stochastic", NULL};

/* The scaler --scaling asks for: none is a scale of 1 that never changes,
 * static one of --scale; both still skip a step that overflowed. fp64 and
 * fp32 are never scaled. */
static LossScaler scaler_of(const TrainSettings *s, bool low)
{
    LossScaler scaler = LOSS_SCALER_DEFAULTS;
    scaler.scale = s->scale;
    scaler.growth_interval = s->growth_interval;
    if (strcmp(s->scaling, "dynamic") != 0) {
        scaler.growth_factor = scaler.backoff_factor = 1.0;
        scaler.growth_interval = SIZE_MAX;
    }
    if (strcmp(s->scaling, "none") == 0 || !low)
        scaler.scale = 1.0;
    return scaler;
}

/* What a training run keeps besides its model: the weights, the rounding,
 * the scaler, chapter 4's SGD for fp64 and fp32, and the coins of
 * stochastic rounding. */
typedef struct {
    Params p;
    Rounding rounding;
    Weights weights;
    bool low; /* fp16 or bf16 */
    LossScaler scaler;
    SgdConfig sgd_config; /* its lr is the run's, for every precision */
    SgdState sgd;
    Rng coins;
} Trainer;

/* A trainer for n weights as --precision, --scaling and --weights say,
 * stepping by lr. Returns false when out of memory. */
static bool trainer_init(Trainer *t, const TrainSettings *s, size_t n,
                         double lr)
{
    Precision precision = cli_choice_index(precision_names, s->precision);
    *t = (Trainer){
        .rounding = {.precision = precision,
                     .format = precision == PRECISION_BF16 ? FORMAT_BF16
                                                           : FORMAT_FP16},
        .weights = cli_choice_index(weights_names, s->weights),
        .low = precision == PRECISION_FP16 || precision == PRECISION_BF16,
        .sgd_config = sgd_default_config()};
    t->scaler = scaler_of(s, t->low);
    t->sgd_config.lr = lr;
    rng_seed(&t->coins, s->seed ^ 0x434f494e53u); /* "COINS" */
    return params_alloc(&t->p, n) && sgd_state_init(&t->sgd, n);
}

static void trainer_free(Trainer *t)
{
    params_free(&t->p);
    sgd_state_free(&t->sgd);
}

/* The initial weights, drawn into p.master, rounded to what --precision
 * and --weights keep. */
static void trainer_round_weights(Trainer *t)
{
    for (size_t i = 0; i < t->p.n; i++) {
        t->p.low[i] = low_nearest(t->p.master[i], t->rounding.format);
        t->p.comp[i] = 0;
        t->p.theta[i] = rounded_to(&t->rounding, t->p.master[i]);
    }
}

/* One step from the gradient in p.grad: in fp16 and bf16 by weights_step,
 * in fp64 and fp32 by chapter 4's SGD on the master weights; then theta,
 * what the next pass reads. Returns whether the step was taken, and in
 * *unchanged the fraction of weights with a nonzero gradient whose 16-bit
 * value did not move (NAN for fp64 and fp32, and for a skipped step). */
static bool trainer_step(Trainer *t, double *unchanged)
{
    Params *p = &t->p;
    bool taken = true;
    size_t moved = 0, stuck = 0;
    if (t->low) {
        memcpy(p->before, p->low, p->n * sizeof *p->low);
        taken = weights_step(p, t->rounding.format, t->weights,
                             t->sgd_config.lr, &t->scaler, &t->coins);
        for (size_t i = 0; i < p->n; i++) {
            p->theta[i] = low_value(p->low[i], t->rounding.format);
            moved += p->grad[i] != 0.0;
            stuck += p->grad[i] != 0.0 && p->low[i] == p->before[i];
        }
    } else {
        sgd_step(p->master, p->grad, p->n, &t->sgd_config, &t->sgd);
        for (size_t i = 0; i < p->n; i++)
            p->theta[i] = rounded_to(&t->rounding, p->master[i]);
    }
    *unchanged = t->low && taken && moved ? (double)stuck / (double)moved : NAN;
    return taken;
}

/* The rounding's counts back to 0, and the step's loss scale. */
static void rounding_reset(Rounding *r, double loss_scale)
{
    memset(r->flushed, 0, sizeof r->flushed);
    memset(r->nonzero, 0, sizeof r->nonzero);
    r->flushed_activation_grads = r->nonzero_activation_grads = 0;
    r->loss_scale = loss_scale;
}

/* The network and what its passes need: the trainer, the inputs and
 * labels of a batch, and what each pixel value becomes. */
typedef struct {
    Mlp net;
    MlpBuffers buf;
    Trainer t;
    double pixel[256];
    double *x;
    uint8_t *labels;
    size_t capacity;
} Net;

/* 784 inputs, the --hidden widths with ReLU after each, 10 classes. */
static bool network_shape(Mlp *net, const TrainSettings *s)
{
    return mlp_shape_classifier(net, FASHION_MNIST_PIXELS, s->hidden.values,
                                s->hidden.count, FASHION_MNIST_CLASSES,
                                ACTIVATION_RELU);
}

static bool net_alloc(Net *w, const TrainSettings *s)
{
    *w = (Net){.capacity = s->batch_size > 256 ? s->batch_size : 256};
    if (!network_shape(&w->net, s))
        return false;
    w->x = malloc(w->capacity * FASHION_MNIST_PIXELS * sizeof(double));
    w->labels = malloc(w->capacity);
    bool trainer = trainer_init(&w->t, s, w->net.params, s->lr);
    w->t.rounding.layers = w->net.layers;
    /* A pixel p becomes (p/255 - 0.2860)/0.3530, torchvision's usual
     * normalisation for Fashion-MNIST (the mean and the standard deviation
     * of its training pixels), rounded to --precision. */
    for (int p = 0; p < 256; p++)
        w->pixel[p] = rounded_to(&w->t.rounding,
                                 (p / 255.0 - 0.2860) / 0.3530);
    return trainer && w->x && w->labels &&
           mlp_buffers_alloc(&w->buf, &w->net, w->capacity);
}

static void net_free(Net *w)
{
    mlp_buffers_free(&w->buf);
    trainer_free(&w->t);
    free(w->x);
    free(w->labels);
}

/* The accuracy on the last --test-images images, in --precision. */
static double test_accuracy(Net *w, const FashionMnist *images, size_t first,
                            size_t n)
{
    size_t correct = 0, rows[256];
    for (size_t done = 0; done < n; done += 256) {
        size_t count = n - done < 256 ? n - done : 256;
        for (size_t i = 0; i < count; i++)
            rows[i] = first + done + i;
        fashion_mnist_gather(images, rows, count, w->pixel, w->x,
                             w->labels);
        const double *logits = mlp_forward(&w->net, &w->buf, w->t.p.theta,
                                           w->x, count);
        correct += mlp_correct(logits, w->labels, count,
                               FASHION_MNIST_CLASSES);
    }
    return (double)correct / (double)n;
}

/* The initial weights: chapter 8's He initialisation from --seed, then
 * each rounded to what --precision and --weights keep. */
static void net_init(Net *w, const TrainSettings *s)
{
    Rng rng;
    rng_seed(&rng, s->seed);
    mlp_init(&w->net, w->t.p.master, INIT_HE, 1.0, &rng);
    trainer_round_weights(&w->t);
}

/* Says why a run stopped at `step`: both tasks that train blame --lr. */
static void lr_too_large(size_t step, double lr)
{
    loop_say_diverged(program, step);
    fprintf(stderr, ": --lr %g is too large (divide it by 10)\n", lr);
}

/* --task train: one row a step, step,epoch,loss,scale,skipped,
 * flushed_w1..flushed_wL,flushed_activation_grads,unchanged,test_accuracy
 * (row 0: the initial network). Returns the exit status. */
static int train_task(const TrainSettings *s, FILE *out)
{
    FashionMnist images;
    FashionMnistError err;
    if (!fashion_mnist_load(s->data_dir, "t10k", &images, &err)) {
        fashion_mnist_print_error(stderr, PROGRAM_NAME ": --data-dir: ", &err);
        return fashion_mnist_out_of_memory(&err) ? EXIT_FAILURE : EXIT_BAD_INPUT;
    }
    if (s->train_images + s->test_images > images.n) {
        fprintf(stderr, "%s: --train-images %zu and --test-images %zu: "
                "together more than the file's %zu images\n", program,
                s->train_images, s->test_images, images.n);
        fashion_mnist_free(&images);
        return EXIT_BAD_INPUT;
    }
    Net w = {0}; /* net_free below must find nothing to free without order */
    size_t *order = malloc(s->train_images * sizeof *order);
    if (!order || !net_alloc(&w, s)) {
        fprintf(stderr, "%s: out of memory for the network\n", program);
        free(order);
        net_free(&w);
        fashion_mnist_free(&images);
        return EXIT_FAILURE;
    }
    w.buf.hook = round_tensor;
    w.buf.hook_ctx = &w.t.rounding;
    net_init(&w, s);
    for (size_t i = 0; i < s->train_images; i++)
        order[i] = i;
    Epochs epochs; /* chapter 3's shuffles and batches */
    epochs_init(&epochs, order, s->train_images, s->batch_size, false,
                s->seed);

    fputs("step,epoch,loss,scale,skipped", out);
    for (size_t l = 0; l < w.net.layers; l++)
        fprintf(out, ",flushed_w%zu", l + 1);
    fputs(",flushed_activation_grads,unchanged,test_accuracy\n", out);
    size_t test_first = images.n - s->test_images, columns = w.net.layers + 7;
    double row[MLP_MAX_LAYERS + 8];
    for (size_t c = 0; c < columns; c++)
        row[c] = NAN;
    row[0] = 0;
    row[columns - 1] = test_accuracy(&w, &images, test_first, s->test_images);
    output_row(out, 0, row, columns);
    size_t step = 0;
    int status = EXIT_SUCCESS;
    for (size_t epoch = 1; epoch <= s->epochs && status == EXIT_SUCCESS;
         epoch++) {
        epochs_start(&epochs);
        const size_t *rows;
        size_t count;
        while (epochs_next(&epochs, &rows, &count)) {
            Rounding *r = &w.t.rounding;
            double scale = w.t.scaler.scale;
            rounding_reset(r, scale);
            fashion_mnist_gather(&images, rows, count, w.pixel, w.x,
                                 w.labels);
            double loss = mlp_loss_grad(&w.net, &w.buf, w.t.p.theta, w.x,
                                        w.labels, count, w.t.p.grad);
            step++;
            if (!isfinite(loss)) {
                lr_too_large(step, s->lr);
                status = EXIT_FAILURE;
                break;
            }
            double unchanged;
            bool taken = trainer_step(&w.t, &unchanged);
            row[0] = (double)epoch, row[1] = loss, row[2] = scale;
            row[3] = !taken;
            for (size_t l = 0; l < w.net.layers; l++)
                row[4 + l] = r->nonzero[l] ? (double)r->flushed[l] /
                                             (double)r->nonzero[l] : 0.0;
            row[columns - 3] = r->nonzero_activation_grads ?
                (double)r->flushed_activation_grads /
                (double)r->nonzero_activation_grads : 0.0;
            row[columns - 2] = unchanged;
            row[columns - 1] = epochs_ended(&epochs) ?
                test_accuracy(&w, &images, test_first, s->test_images) : NAN;
            output_row(out, step, row, columns);
        }
    }
    free(order);
    net_free(&w);
    fashion_mnist_free(&images);
    return status;
}


/* ================================================ chapter 3's regression
 * Chapter 3's reference problem (1,000 examples, 5 Gaussian features,
 * noise 0.1) trained full-batch in --precision. Its gradient shrinks as
 * the fit converges, towards the noise's floor: the place to watch fp16
 * flush gradients that are small but not negligible. To make them as
 * small as a network's are, every number of the data is multiplied by
 * --data-scale (2^-11 by default: features of about 5e-4, in fp16's
 * normal range), the bias written as a sixth, constant feature so that it
 * scales with them. A power of two changes no bit of the problem: the
 * weights that fit it are chapter 3's own, and its loss is chapter 3's
 * times the scale squared, the gradient too. So the step divides --lr by
 * the scale squared, and the loss is reported in chapter 3's units. */

enum { REG_EXAMPLES = 1000, REG_FEATURES = 5, REG_WEIGHTS = REG_FEATURES + 1 };

/* The scaled problem as doubles (exact) and as --precision stores it,
 * with the rows of the full batch. */
typedef struct {
    double x[REG_EXAMPLES * REG_WEIGHTS], y[REG_EXAMPLES];
    double x_low[REG_EXAMPLES * REG_WEIGHTS], y_low[REG_EXAMPLES];
    size_t rows[REG_EXAMPLES];
    Examples exact, stored;
    double scale; /* --data-scale */
} Regression;

/* Chapter 3's reference data from --seed, the bias's feature appended,
 * all multiplied by scale, then rounded as r stores numbers. */
static bool regression_make(Regression *g, const TrainSettings *s,
                            const Rounding *r)
{
    Dataset ref;
    Rng rng;
    rng_seed(&rng, s->seed);
    if (!dataset_alloc(&ref, REG_EXAMPLES, REG_FEATURES) ||
        !dataset_fill_reference(&ref, 0.1, &rng)) {
        dataset_free(&ref);
        return false;
    }
    for (size_t i = 0; i < REG_EXAMPLES; i++) {
        for (size_t j = 0; j < REG_WEIGHTS; j++) {
            double v = j < REG_FEATURES ? ref.x[i * REG_FEATURES + j] : 1.0;
            g->x[i * REG_WEIGHTS + j] = v * s->data_scale;
            g->x_low[i * REG_WEIGHTS + j] = rounded_to(r, v * s->data_scale);
        }
        g->y[i] = ref.y[i] * s->data_scale;
        g->y_low[i] = rounded_to(r, g->y[i]);
        g->rows[i] = i;
    }
    dataset_free(&ref);
    g->exact = (Examples){REG_EXAMPLES, REG_WEIGHTS, g->x, g->y};
    g->stored = (Examples){REG_EXAMPLES, REG_WEIGHTS, g->x_low, g->y_low};
    g->scale = s->data_scale;
    return true;
}

//> regression-step
/* The full batch's loss and gradient by chapter 3's minibatch_mse_grad,
 * from the data and the weights as --precision stores them (the sums in
 * double, as a tensor core's are in float), then the gradient it writes
 * multiplied by the loss scale and rounded: where fp16 flushes what is
 * below half its smallest subnormal, 2^-25. */
static void regression_gradient(Regression *g, Trainer *t)
{
    double unused_b;
    rounding_reset(&t->rounding, t->scaler.scale);
    minibatch_mse_grad(&g->stored, g->rows, REG_EXAMPLES, t->p.theta, 0.0,
                       t->p.grad, &unused_b);
    round_counting(&t->rounding, t->p.grad, REG_WEIGHTS, t->scaler.scale,
                   &t->rounding.flushed[0], &t->rounding.nonzero[0]);
}
//< regression-step

/* The loss of the weights a run holds, on the exact data, in chapter 3's
 * units. */
static double regression_loss(Regression *g, const Trainer *t)
{
    double grad[REG_WEIGHTS], grad_b;
    return minibatch_mse_grad(&g->exact, g->rows, REG_EXAMPLES, t->p.theta,
                              0.0, grad, &grad_b) /
           (g->scale * g->scale);
}

/* --task train-regression: one row a step, step,loss,scale,skipped,
 * flushed,unchanged,w1..w5,b (row 0: w = 0, chapter 3's start). Returns
 * the exit status. */
static int regression_task(const TrainSettings *s, FILE *out)
{
    Regression *g = malloc(sizeof *g);
    Trainer t;
    bool ready = trainer_init(&t, s, REG_WEIGHTS,
                              s->lr / (s->data_scale * s->data_scale));
    if (!g || !ready || !regression_make(g, s, &t.rounding)) {
        fprintf(stderr, "%s: out of memory for the regression\n", program);
        free(g);
        trainer_free(&t);
        return EXIT_FAILURE;
    }
    memset(t.p.master, 0, REG_WEIGHTS * sizeof(double));
    trainer_round_weights(&t);
    fputs("step,loss,scale,skipped,flushed,unchanged,w1,w2,w3,w4,w5,b\n", out);
    double row[5 + REG_WEIGHTS] = {regression_loss(g, &t), NAN, NAN, NAN, NAN};
    memcpy(row + 5, t.p.theta, REG_WEIGHTS * sizeof(double));
    output_row(out, 0, row, 5 + REG_WEIGHTS);
    int status = EXIT_SUCCESS;
    for (size_t step = 1; step <= s->steps; step++) {
        double scale = t.scaler.scale, unchanged;
        regression_gradient(g, &t);
        bool taken = trainer_step(&t, &unchanged);
        row[0] = regression_loss(g, &t), row[1] = scale, row[2] = !taken;
        row[3] = t.rounding.nonzero[0] ? (double)t.rounding.flushed[0] /
                                         (double)t.rounding.nonzero[0] : 0.0;
        row[4] = unchanged;
        memcpy(row + 5, t.p.theta, REG_WEIGHTS * sizeof(double));
        output_row(out, step, row, 5 + REG_WEIGHTS);
        if (!isfinite(row[0])) {
            lr_too_large(step, s->lr);
            status = EXIT_FAILURE;
            break;
        }
    }
    free(g);
    trainer_free(&t);
    return status;
}


/* ======================================================= the data in bf16
 * Chapter 3's full-batch gradient pass of linear regression, over the
 * data stored as doubles and stored as bf16 (a quarter of the bytes),
 * accumulated in double either way (lib/linreg_pass). A pass reads every
 * number once and does little with it, so its time is the time to read
 * the data: fewer bytes, less time. */

typedef struct {
    size_t n, d, repeats;
    bool timing;
    uint64_t seed;
} PassSettings;

static volatile double pass_sink; /* timed results, kept from the optimizer */

/* The median of `repeats` timings of the read of the doubles, the double
 * pass and the bf16 pass, taking turns so that all three meet the same
 * conditions. */
static void time_passes(const Dataset *ds, const uint16_t *xh,
                        const double *w, double *g, double *wide,
                        size_t repeats, double seconds[3])
{
    double *t = malloc(3 * repeats * sizeof *t);
    if (!t) {
        seconds[0] = seconds[1] = seconds[2] = NAN;
        return;
    }
    for (size_t r = 0; r < repeats; r++) {
        double gb, start = timing_now();
        pass_sink = linreg_read(ds->x, ds->n * ds->d);
        t[r] = timing_now() - start;
        start = timing_now();
        pass_sink = linreg_pass(PASS_ISA_AUTO, ds->x, ds->y, ds->n, ds->d, w,
                                0.5, g, &gb);
        t[repeats + r] = timing_now() - start;
        start = timing_now();
        pass_sink = linreg_pass_bf16(PASS_ISA_AUTO, xh, ds->y, ds->n, ds->d,
                                     w, 0.5, g, &gb, wide);
        t[2 * repeats + r] = timing_now() - start;
    }
    for (size_t k = 0; k < 3; k++)
        seconds[k] = timing_median(t + k * repeats, repeats);
    free(t);
}

/* --task pass: what,bytes,loss,grad_norm,loss_difference,grad_difference,
 * same_as_widened,seconds,fraction_of_read. N examples of d standard
 * normal features (chapter 3's generator), targets y = x·w* + 0.5 + noise
 * 0.1, with w*_j = 1/(j+1); the pass is taken at w_j = w*_j / 2, b = 0.5.
 * The bf16 copy of x is made by this chapter's bf16_from_double; the
 * differences are relative to the double pass (the gradient's: the norm
 * of the difference over the norm). same_as_widened: the bf16 pass gave
 * the very bits of the double pass over the data widened back by
 * bf16_to_float. */
static int pass_task(const PassSettings *s, FILE *out)
{
    size_t n = s->n, d = s->d, count = n * d;
    Dataset ds, wide_ds;
    double *w = malloc(6 * d * sizeof *w);
    double *g = malloc(3 * d * sizeof *g);
    uint16_t *xh = malloc(count * sizeof *xh);
    if (!dataset_alloc(&ds, n, d) || !dataset_alloc(&wide_ds, n, d) || !w ||
        !g || !xh) {
        fprintf(stderr, "%s: out of memory for %zu x %zu examples\n", program,
                n, d);
        dataset_free(&ds);
        dataset_free(&wide_ds);
        free(w), free(g), free(xh);
        return EXIT_FAILURE;
    }
    double *truth = w + d, *wide = w + 2 * d; /* 4·d more: the scratch */
    for (size_t j = 0; j < d; j++)
        truth[j] = 1.0 / (double)(j + 1), w[j] = truth[j] / 2;
    Rng rng;
    rng_seed(&rng, s->seed);
    dataset_fill_gaussian(&ds, truth, 0.5, 0.1, &rng);
    for (size_t k = 0; k < count; k++) {
        xh[k] = bf16_from_double(ds.x[k]);
        wide_ds.x[k] = bf16_to_float(xh[k]);
    }
    memcpy(wide_ds.y, ds.y, n * sizeof *ds.y);
    double *g64 = g, *g16 = g + d, *gw = g + 2 * d, b64, b16, bw;
    double loss64 = linreg_pass(PASS_ISA_AUTO, ds.x, ds.y, n, d, w, 0.5, g64,
                                &b64);
    double loss16 = linreg_pass_bf16(PASS_ISA_AUTO, xh, ds.y, n, d, w, 0.5,
                                     g16, &b16, wide);
    double lossw = linreg_pass(PASS_ISA_AUTO, wide_ds.x, wide_ds.y, n, d, w,
                               0.5, gw, &bw);
    bool same = double_bits(loss16) == double_bits(lossw) && b16 == bw &&
                memcmp(g16, gw, d * sizeof *g16) == 0;
    double seconds[3] = {NAN, NAN, NAN};
    if (s->timing)
        time_passes(&ds, xh, w, gw, wide, s->repeats, seconds);
    for (size_t j = 0; j < d; j++)
        gw[j] = g16[j] - g64[j];
    double bytes64 = (double)count * sizeof(double);
    double bytes16 = (double)count * sizeof(uint16_t);
    fputs("what,bytes,loss,grad_norm,loss_difference,grad_difference,"
          "same_as_widened,seconds,fraction_of_read\n", out);
    fprintf(out, "read,%.17g,nan,nan,nan,nan,nan,%.6g,1\n", bytes64,
            seconds[0]);
    fprintf(out, "double,%.17g,%.17g,%.17g,0,0,nan,%.6g,%.4g\n", bytes64,
            loss64, vec_norm(g64, d), seconds[1], seconds[0] / seconds[1]);
    /* the read limit of the bf16 bytes: a quarter of the doubles' read */
    fprintf(out, "bf16,%.17g,%.17g,%.17g,%.17g,%.17g,%d,%.6g,%.4g\n", bytes16,
            loss16, vec_norm(g16, d), fabs(loss16 - loss64) / loss64,
            vec_norm(gw, d) / vec_norm(g64, d), same, seconds[2],
            seconds[0] * bytes16 / bytes64 / seconds[2]);
    dataset_free(&ds);
    dataset_free(&wide_ds);
    free(w), free(g), free(xh);
    if (!same) /* possible only with another bf16_to_float (make try) */
        fprintf(stderr, "%s: the bf16 pass differs from the double pass over "
                "the numbers bf16_to_float gives back: bf16_to_float must "
                "put a bf16's 16 bits on top of 16 zero bits, as the pass "
                "widens them\n", program);
    return same ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* ==================================================================== main */

static const char usage[] =
    PROGRAM_NAME ": chapter 9, mixed precision: the formats fp16 and bf16,\n"
    "rounded to exactly (to nearest, ties to even, subnormals, overflow to\n"
    "inf, nan kept) by chapter 9's conversions.\n"
    "\n"
    "Tasks:\n"
    "  round     reads numbers from stdin, one a line (decimal as 0.1 or\n"
    "            6.1e-5, C's hexadecimal as 0x1p-24 for an exact power of\n"
    "            two, inf or nan), and prints each rounded to --format,\n"
    "            with %.17g (inf, -inf and nan as such), in order. The\n"
    "            number read is the nearest double, rounded once to the\n"
    "            format (--via-float32: to a float first, as PyTorch 1.13\n"
    "            does from float64). A line that is not a number refuses\n"
    "            the whole input: one message naming the line, exit\n"
    "            status 2, nothing printed.\n"
    "  formats   fp16, bf16, fp32, fp64: bits, exponent and mantissa bits,\n"
    "            largest finite, smallest normal and subnormal numbers,\n"
    "            machine epsilon (the gap from 1 to the next number up),\n"
    "            and the gap between neighbours near 1, 1e-4 and 65504\n"
    "            (2^(floor(log2 x) - mantissa bits), not below the\n"
    "            subnormals' gap)\n"
    "  spacing   magnitude,fp16,bf16,fp32,fp64: the gap near 10^(k/20) from\n"
    "            1e-45 to 1e39, nan outside each format's range\n"
    "  train     chapter 8's network (784-hidden-10, ReLU) trained by SGD on\n"
    "            Fashion-MNIST's t10k images, every activation and gradient\n"
    "            rounded to --precision as it is written; the loss's\n"
    "            gradient multiplied by the loss scale (--scaling); the\n"
    "            weights kept as --weights says. One row a step:\n"
    "            step,epoch,loss,scale,skipped,flushed_w1..flushed_wL,\n"
    "            flushed_activation_grads,unchanged,test_accuracy: flushed\n"
    "            is the fraction of a step's nonzero gradient entries that\n"
    "            rounded to 0 (per layer for the weights'), unchanged the\n"
    "            fraction of weights with a nonzero gradient whose 16-bit\n"
    "            value did not move, test_accuracy after each epoch\n"
    "  train-regression\n"
    "            chapter 3's regression (1,000 examples, 5 features) trained\n"
    "            full-batch the same way, its data times --data-scale so\n"
    "            that gradients are as small as a network's: step,loss,\n"
    "            scale,skipped,flushed,unchanged,w1..w5,b (loss in chapter\n"
    "            3's units)\n"
    "  pass      chapter 3's full-batch pass, L = (1/N) sum (x.w + b - y)^2,\n"
    "            over N x d examples stored as doubles and as bf16,\n"
    "            accumulated in double: the loss and gradient each gives\n"
    "            (--timing: and how long each takes, against a read)\n"
    "Training is bounded at 1.5e12 weight uses (chapter 8's measure), the\n"
    "pass's data at 2e9 numbers and its timed runs at 1e11 numbers read:\n"
    "a larger run is refused before it starts.\n"
    "Exit status: 0 done; 1 the loss became inf or nan (no --out file is\n"
    "left), a file could not be written, or memory ran out; 2 bad input.";

static const char *const task_names[] = {"round", "formats", "spacing",
                                         "train", "train-regression", "pass",
                                         NULL};
static const char *const format_names[] = {"fp16", "bf16", NULL};

/* A run's size, bounded so that a digit too many is an error rather than
 * a run of days. Training is counted in weight uses as chapter 8's is
 * (lib/mlp.h's mlp_step_uses, and a forward pass of each test image an
 * epoch), at about 4.7e9 a second here, every number rounded included: at
 * most TRAIN_MAX_USES, about five minutes (the lesson's runs are 2.5e9,
 * and --epochs 1000 of them, 1.3e12, fits; --hidden 4096,4096,4096
 * --epochs 1000 --train-images 10000 asked for 2.3e15, five days). The
 * pass's data hold at most DATASET_MAX_NUMBERS (--n 1e8 --d 10000 asked
 * for 8 TB), and its timed runs read at most PASS_MAX_READS numbers. */
#define TRAIN_MAX_USES 1.5e12
#define PASS_MAX_READS 1e11

static CliStatus check_task_size(Cli *cli, const char *task,
                                 const TrainSettings *t, const PassSettings *p)
{
    if (strcmp(task, "train") == 0) {
        Mlp net;
        if (!network_shape(&net, t))
            return CLI_RUN; /* cannot be: cli_check_widths bounds it */
        double steps = ceil((double)t->train_images / (double)t->batch_size);
        double tests = (double)t->test_images * (double)net.params;
        return cli_check_work(
            cli,
            (const char *const[]){"epochs", "train-images", "batch-size",
                                  "test-images", "hidden", NULL},
            (double)t->epochs * (steps * mlp_step_uses(&net, t->batch_size) +
                                 tests) + tests,
            TRAIN_MAX_USES,
            "weight uses (--epochs of training steps and test images)");
    }
    if (strcmp(task, "pass") != 0)
        return CLI_RUN;
    double numbers = (double)p->n * (double)p->d;
    if (cli_check_work(cli, (const char *const[]){"n", "d", NULL}, numbers,
                       DATASET_MAX_NUMBERS,
                       "numbers of data (--n times --d, 8 bytes each)") !=
        CLI_RUN)
        return CLI_BAD_INPUT;
    return cli_check_work(
        cli, (const char *const[]){"repeats", "n", "d", NULL},
        p->timing ? 3.0 * (double)p->repeats * numbers : 0.0, PASS_MAX_READS,
        "numbers read (--repeats timed runs of three passes over the data)");
}

int main(int argc, char **argv)
{
    const char *task = "formats", *format = "fp16", *out_path = NULL;
    bool via_float32 = false;
    TrainSettings t = {.precision = "fp16", .scaling = "dynamic",
                       .weights = "master", .data_dir = FASHION_MNIST_DIR,
                       .hidden = {1, {64}}, .lr = 0.05, .scale = 65536.0,
                       .epochs = 2, .batch_size = 64, .train_images = 4000,
                       .test_images = 2000, .growth_interval = 2000,
                       .steps = 300, .data_scale = 0x1p-11, .seed = 1};
    PassSettings p = {.n = 10000, .d = 100, .repeats = 20, .seed = 1};
    Flag flags[] = {
        {.name = "task", .kind = FLAG_CHOICE, .value = &task,
         .help = "what to print", .choices = task_names},
        {.name = "format", .kind = FLAG_CHOICE, .value = &format,
         .help = "the format to round to", .choices = format_names,
         .scope = "task=round"},
        {.name = "via-float32", .kind = FLAG_SWITCH, .value = &via_float32,
         .help = "round to a float first (double rounding, as PyTorch 1.13 "
                 "from float64)", .scope = "task=round"},
        {.name = "precision", .kind = FLAG_CHOICE, .value = &t.precision,
         .help = "what every activation and gradient is rounded to (fp64: "
                 "the double reference)", .choices = precision_names,
         .scope = "task=train|train-regression"},
        {.name = "scaling", .kind = FLAG_CHOICE, .value = &t.scaling,
         .help = "loss scaling: none, a fixed --scale, or PyTorch's "
                 "GradScaler", .choices = scaling_names,
         .scope = "task=train|train-regression precision=fp16|bf16"},
        {.name = "scale", .kind = FLAG_DOUBLE, .value = &t.scale,
         .help = "the static scale, or the dynamic scaler's first",
         .min = 1, .max = 0x1p100,
         .scope = "task=train|train-regression precision=fp16|bf16 scaling=static|dynamic"},
        {.name = "growth-interval", .kind = FLAG_COUNT,
         .value = &t.growth_interval,
         .help = "clean steps before the dynamic scale doubles", .min = 1,
         .max = 1e9,
         .scope = "task=train|train-regression precision=fp16|bf16 scaling=dynamic"},
        {.name = "weights", .kind = FLAG_CHOICE, .value = &t.weights,
         .help = "double master weights, or 16-bit weights updated plainly, "
                 "with Kahan's compensation or by stochastic rounding",
         .choices = weights_names, .scope = "task=train|train-regression precision=fp16|bf16"},
        {.name = "hidden", .kind = FLAG_LIST, .value = &t.hidden,
         .whole = true, .help = "the hidden layers' widths (ReLU after each)",
         .scope = "task=train"},
        {.name = "lr", .kind = FLAG_DOUBLE, .value = &t.lr,
         .help = "SGD's learning rate (train-regression: chapter 3's, "
                 "on the unscaled problem)", .min = 0, .min_exclusive = true,
         .max = 100, .scope = "task=train|train-regression"},
        {.name = "epochs", .kind = FLAG_COUNT, .value = &t.epochs,
         .help = "passes over the training images", .min = 1, .max = 1000,
         .scope = "task=train"},
        {.name = "batch-size", .kind = FLAG_COUNT, .value = &t.batch_size,
         .help = "images per step", .min = 1, .max = 4096,
         .scope = "task=train"},
        {.name = "train-images", .kind = FLAG_COUNT, .value = &t.train_images,
         .help = "the first images of Fashion-MNIST's t10k file, trained on",
         .min = 1, .max = 10000, .scope = "task=train"},
        {.name = "test-images", .kind = FLAG_COUNT, .value = &t.test_images,
         .help = "its last images, the accuracy is measured on", .min = 1,
         .max = 10000, .scope = "task=train"},
        {.name = "data-dir", .kind = FLAG_TEXT, .value = &t.data_dir,
         .reads_folder = true,
         .help = "the folder of Fashion-MNIST's .gz files",
         .scope = "task=train"},
        {.name = "seed", .kind = FLAG_SEED, .value = &t.seed,
         .help = "random seed for the weights or the regression's data, "
                 "the shuffles and the stochastic rounding", .scope = "task=train|train-regression"},
        {.name = "steps", .kind = FLAG_COUNT, .value = &t.steps,
         .help = "full-batch steps", .min = 1, .max = 100000,
         .scope = "task=train-regression"},
        {.name = "data-scale", .kind = FLAG_DOUBLE, .value = &t.data_scale,
         .help = "what every number of the regression's data is multiplied "
                 "by", .min = 0x1p-20, .max = 1,
         .scope = "task=train-regression"},
        {.name = "n", .kind = FLAG_COUNT, .value = &p.n,
         .help = "examples N of the regression", .min = 1, .max = 1e8,
         .scope = "task=pass"},
        {.name = "d", .kind = FLAG_COUNT, .value = &p.d,
         .help = "features d of each", .min = 1, .max = 10000,
         .scope = "task=pass"},
        {.name = "timing", .kind = FLAG_SWITCH, .value = &p.timing,
         .help = "time the read and the passes (not reproducible: for make "
                 "bench)", .scope = "task=pass"},
        {.name = "repeats", .kind = FLAG_COUNT, .value = &p.repeats,
         .help = "timed runs of each (the median is reported)", .min = 1,
         .max = 1000, .scope = "task=pass"},
        {.name = "data-seed", .kind = FLAG_SEED, .value = &p.seed,
         .help = "random seed for the regression's data",
         .scope = "task=pass"},
        CLI_OUT_FLAG(&out_path),
    };
    Cli cli = {.program = program, .usage = usage, CLI_TABLE(flags)};
    int status;
    if (!cli_start(&cli, argc, argv, &status))
        return status;
    bool train = strcmp(task, "train") == 0;
    bool regression = strcmp(task, "train-regression") == 0;
    if (train || regression || strcmp(task, "pass") == 0) {
        if ((train &&
             cli_check_widths(&cli, "hidden", MLP_MAX_LAYERS - 1) != CLI_RUN) ||
            check_task_size(&cli, task, &t, &p) != CLI_RUN)
            return EXIT_BAD_INPUT;
        if (train && t.batch_size > t.train_images) { /* as chapter 8 */
            cli_reject_against(&cli, "batch-size", "must not exceed",
                               "train-images");
            return EXIT_BAD_INPUT;
        }
        Output out;
        if (!output_open(&out, program, "--out", out_path))
            return EXIT_FAILURE;
        status = train        ? train_task(&t, out.file)
                 : regression ? regression_task(&t, out.file)
                              : pass_task(&p, out.file);
        if (status != EXIT_SUCCESS) {
            output_discard(&out);
            return status;
        }
        return output_commit(&out, program) ? EXIT_SUCCESS : EXIT_FAILURE;
    }

    Numbers numbers = {NULL, 0, 0};
    bool rounding = strcmp(task, "round") == 0;
    if (rounding && !read_numbers(stdin, &numbers, &status)) {
        free(numbers.values);
        return status;
    }
    Output out;
    if (!output_open(&out, program, "--out", out_path)) {
        free(numbers.values);
        return EXIT_FAILURE;
    }
    if (rounding)
        print_rounded(&numbers, format, via_float32, out.file);
    else if (strcmp(task, "formats") == 0)
        print_formats(out.file);
    else
        print_spacing(out.file);
    free(numbers.values);
    return output_commit(&out, program) ? EXIT_SUCCESS : EXIT_FAILURE;
}
