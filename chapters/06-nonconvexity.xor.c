/*
 * 06-nonconvexity.xor.c: Chapter 6, a two-layer network learning XOR.
 *
 * The lesson's last experiments, on a real (if tiny) neural network with a
 * hand-written backward pass, printed as CSV:
 *   - training from a symmetric and from a random initialisation, with
 *     every parameter, the loss, the accuracy and how far apart the hidden
 *     units are at every step;
 *   - the backward pass checked against central differences;
 *   - how many of many seeds fit XOR, for each number of hidden units.
 *
 * It builds on the earlier chapters: the network's parameters are one flat
 * vector, an Objective (lib/objective.h) trained by the course's one
 * training loop (lib/loop.c) with chapter 4's sgd_step; the gradient check
 * is chapter 1's numerical_gradient; how far apart the hidden units are is
 * measured with chapter 6's symmetric-initialisation detector. The
 * landscapes of chapter 6 are the program 06-nonconvexity, which hands
 * `--problem xor` command lines over to this one.
 *
 * Build and run (make builds it, linking chapters 1, 4 and 6's solutions):
 *   make build/bin/06-nonconvexity.xor
 *   build/bin/06-nonconvexity.xor --init symmetric
 *   build/bin/06-nonconvexity.xor --task seeds --hidden 2
 *   build/bin/06-nonconvexity.xor --help
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "01-gradient-descent.h"
#include "06-nonconvexity.h"
#include "activation.h"
#include "cli.h"
#include "loop.h"
#include "objective.h"
#include "optimizer.h"
#include "output.h"
#include "rng.h"

static const char PROGRAM[] = PROGRAM_NAME;

enum { XOR_INPUTS = 2, XOR_EXAMPLES = 4, MAX_HIDDEN = 8 };
enum { MAX_PARAMS = MAX_HIDDEN * (XOR_INPUTS + 2) + 1 };

/* The four XOR examples: the target is 1 when exactly one input is 1. */
static const double xor_x[XOR_EXAMPLES][XOR_INPUTS] = {
    {0, 0}, {0, 1}, {1, 0}, {1, 1}};
static const double xor_y[XOR_EXAMPLES] = {0, 1, 1, 0};

/* ===================================================== a network for XOR */

//> xor-net
/* A two-layer network: H hidden tanh units, then one sigmoid output.
 *   a_j = Σ_i w_in[j][i]·x_i + b_in[j]      hidden pre-activation
 *   h_j = tanh(a_j)                          hidden unit j
 *   z   = Σ_j w_out[j]·h_j + b_out           output logit
 *   p   = σ(z)                               predicted P(y = 1)
 * Hidden unit j is everything that belongs to it alone: its incoming
 * weights w_in[j][·], its bias b_in[j] and its outgoing weight w_out[j].
 * All 4H + 1 parameters are one flat vector θ, as genann and llm.c keep
 * theirs, so that chapter 4's optimizers, the training loop and chapter 1's
 * gradient check take the network as they take any Objective; the
 * gradient is a second vector of the same layout. The named tensors are
 * views into it, at these offsets: */
typedef struct {
    size_t hidden; /* H <= MAX_HIDDEN */
    size_t w_in;   /* H × 2, row-major: w_in[j][i] is at w_in + j·2 + i */
    size_t b_in;   /* H */
    size_t w_out;  /* H */
    size_t b_out;  /* 1 */
    size_t count;  /* 4H + 1 parameters in all */
} NetLayout;

static NetLayout net_layout(size_t hidden)
{
    return (NetLayout){.hidden = hidden,
                       .w_in = 0,
                       .b_in = XOR_INPUTS * hidden,
                       .w_out = (XOR_INPUTS + 1) * hidden,
                       .b_out = (XOR_INPUTS + 2) * hidden,
                       .count = (XOR_INPUTS + 2) * hidden + 1};
}
//< xor-net

//> xor-forward-backward
/* The forward pass for one example: fills h[0..H-1] and returns z. */
static double xor_forward(const NetLayout *net, const double *theta,
                          const double *x, double *h)
{
    const double *w_in = theta + net->w_in, *b_in = theta + net->b_in;
    const double *w_out = theta + net->w_out;
    double z = theta[net->b_out];
    for (size_t j = 0; j < net->hidden; j++) {
        double a = b_in[j];
        for (size_t i = 0; i < XOR_INPUTS; i++)
            a += w_in[j * XOR_INPUTS + i] * x[i];
        h[j] = tanh(a);
        z += w_out[j] * h[j];
    }
    return z;
}

/* The loss is the mean binary cross-entropy over the four examples,
 * -[y log p + (1 - y) log(1 - p)], written as softplus(z) - y·z so that it
 * never takes log(0). The backward pass runs the forward formulas in
 * reverse, one chain-rule factor at a time:
 *   ∂L/∂z          = (p - y)/N              (sigmoid + cross-entropy)
 *   ∂L/∂w_out[j]  += ∂L/∂z · h_j,   ∂L/∂b_out += ∂L/∂z
 *   ∂L/∂a_j        = ∂L/∂z · w_out[j] · (1 - h_j²)   (tanh' = 1 - tanh²)
 *   ∂L/∂w_in[j][i] += ∂L/∂a_j · x_i,  ∂L/∂b_in[j] += ∂L/∂a_j
 * The example loop accumulates into grad, so it is zeroed first. As a
 * LossGradFn (lib/objective.h): returns the loss, and writes the gradient
 * unless grad is NULL; layout is the network's NetLayout. */
static double xor_loss_grad(const double *theta, double *grad,
                            const void *layout)
{
    const NetLayout *net = layout;
    const double *w_out = theta + net->w_out;
    if (grad)
        for (size_t k = 0; k < net->count; k++)
            grad[k] = 0.0;
    double loss = 0.0, n = XOR_EXAMPLES;
    for (size_t e = 0; e < XOR_EXAMPLES; e++) {
        double h[MAX_HIDDEN];
        double z = xor_forward(net, theta, xor_x[e], h);
        loss += (activation_softplus(z) - xor_y[e] * z) / n;
        if (!grad)
            continue;
        double *grad_w_in = grad + net->w_in, *grad_b_in = grad + net->b_in;
        double *grad_w_out = grad + net->w_out;
        double dz = (activation_sigmoid(z) - xor_y[e]) / n;
        grad[net->b_out] += dz;
        for (size_t j = 0; j < net->hidden; j++) {
            grad_w_out[j] += dz * h[j];
            double da = dz * w_out[j] * (1.0 - h[j] * h[j]);
            for (size_t i = 0; i < XOR_INPUTS; i++)
                grad_w_in[j * XOR_INPUTS + i] += da * xor_x[e][i];
            grad_b_in[j] += da;
        }
    }
    return loss;
}
//< xor-forward-backward

/* The network as an Objective; it points at *net, which must outlive it. */
static Objective net_objective(const NetLayout *net)
{
    return (Objective){net->count, xor_loss_grad, net};
}

/* The order of the parameters in the CSV files: unit by unit (h1_w1,
 * h1_w2, h1_b, h1_out, h2_w1, ...), then b_out, as a reader compares the
 * units. Fills index[k] with where column k's parameter is in θ; returns
 * how many there are. */
static size_t net_columns(const NetLayout *net, size_t *index)
{
    size_t n = 0;
    for (size_t j = 0; j < net->hidden; j++) {
        for (size_t i = 0; i < XOR_INPUTS; i++)
            index[n++] = net->w_in + j * XOR_INPUTS + i;
        index[n++] = net->b_in + j;
        index[n++] = net->w_out + j;
    }
    index[n++] = net->b_out;
    return n;
}

/* Writes column k's name: h<j>_w1, h<j>_w2, h<j>_b, h<j>_out, or b_out. */
static void write_column_name(FILE *out, const NetLayout *net, size_t k)
{
    static const char *const fields[] = {"w1", "w2", "b", "out"};
    if (k + 1 == net->count)
        fprintf(out, "b_out");
    else
        fprintf(out, "h%zu_%s", k / (XOR_INPUTS + 2) + 1,
                fields[k % (XOR_INPUTS + 2)]);
}

//> units-spread
/* How far the hidden units are from being copies of each other, measured
 * with chapter 6's symmetric-initialisation detector: the smallest
 * tolerance at which hidden_units_identical calls them identical. The
 * detector looks, for every parameter a unit owns (each incoming weight,
 * the bias, the outgoing weight), at the largest minus the smallest value
 * across the units, so this is the largest of those ranges, and 0 exactly
 * when every unit is identical. (Then they stay identical: each receives
 * the same inputs, computes the same activation, and gets the same
 * gradient, so one step moves them all alike.)
 * The smallest such tolerance is found by bisection over the doubles
 * themselves: for doubles >= 0 the order of their bit patterns, read as
 * integers, is the order of the numbers, so about 63 halvings of [0, ∞]
 * pin it down exactly. */
static bool units_identical(const NetLayout *net, const double *theta,
                            double tol)
{
    return hidden_units_identical(theta + net->w_in, theta + net->b_in,
                                  theta + net->w_out, net->hidden,
                                  XOR_INPUTS, tol);
}

static double units_spread(const NetLayout *net, const double *theta)
{
    if (units_identical(net, theta, 0.0))
        return 0.0;
    double tol = INFINITY;
    uint64_t lo = 0, hi; /* not identical at lo (0.0); identical at hi */
    memcpy(&hi, &tol, sizeof hi);
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        memcpy(&tol, &mid, sizeof tol);
        if (units_identical(net, theta, tol))
            hi = mid;
        else
            lo = mid;
    }
    memcpy(&tol, &hi, sizeof tol);
    return tol;
}
//< units-spread

typedef enum { INIT_RANDOM, INIT_SYMMETRIC } InitKind;

//> xor-init
/* Random: every weight drawn from N(0, scale²), each unit its own. Symmetric:
 * one unit drawn that way and copied into every hidden unit, so the units
 * start identical though the weights are not all zero. Biases start at 0.
 * jitter > 0 then adds jitter·N(0, 1) to every hidden parameter: a tiny
 * asymmetry, to see whether it is enough. */
static void net_init(const NetLayout *net, double *theta, InitKind kind,
                     double scale, double jitter, Rng *rng)
{
    double *w_in = theta + net->w_in, *b_in = theta + net->b_in;
    double *w_out = theta + net->w_out;
    for (size_t k = 0; k < net->count; k++)
        theta[k] = 0.0;
    for (size_t j = 0; j < net->hidden; j++) {
        if (kind == INIT_SYMMETRIC && j > 0) {
            for (size_t i = 0; i < XOR_INPUTS; i++)
                w_in[j * XOR_INPUTS + i] = w_in[i];
            w_out[j] = w_out[0];
            continue;
        }
        for (size_t i = 0; i < XOR_INPUTS; i++)
            w_in[j * XOR_INPUTS + i] = scale * rng_normal(rng);
        w_out[j] = scale * rng_normal(rng);
    }
    if (jitter > 0.0)
        for (size_t j = 0; j < net->hidden; j++) {
            for (size_t i = 0; i < XOR_INPUTS; i++)
                w_in[j * XOR_INPUTS + i] += jitter * rng_normal(rng);
            b_in[j] += jitter * rng_normal(rng);
            w_out[j] += jitter * rng_normal(rng);
        }
}
//< xor-init

/* How many of the four examples the net gets right (p > 1/2 means 1). */
static double xor_accuracy(const NetLayout *net, const double *theta)
{
    size_t right = 0;
    for (size_t e = 0; e < XOR_EXAMPLES; e++) {
        double h[MAX_HIDDEN];
        right += (xor_forward(net, theta, xor_x[e], h) > 0.0) ==
                 (xor_y[e] > 0.5);
    }
    return (double)right / XOR_EXAMPLES;
}

/* ================================================================ training */

/* A row per step: the loss, the accuracy, the units' spread and every
 * parameter, in net_columns' order. */
typedef struct {
    FILE *out;
    const NetLayout *net;
} TrainRows;

static bool train_row(size_t step, double loss, const double *theta,
                      const double *grad, size_t n, void *rows)
{
    (void)grad;
    const TrainRows *r = rows;
    size_t index[MAX_PARAMS];
    double row[3 + MAX_PARAMS];
    size_t c = 0, count = net_columns(r->net, index);
    row[c++] = loss;
    row[c++] = xor_accuracy(r->net, theta);
    row[c++] = units_spread(r->net, theta);
    for (size_t k = 0; k < count && k < n; k++)
        row[c++] = theta[index[k]];
    output_row(r->out, step, row, c);
    return true;
}

//> xor-train
/* Full-batch gradient descent on the network: lib/loop's loop_run (forward,
 * zero the gradient, backward, the divergence check, the row) stepping
 * with chapter 4's sgd_step at learning rate lr, without momentum. With
 * out, writes a row per step. False when out of memory for the
 * optimizer; otherwise *result says how the run ended. */
static bool xor_train(const NetLayout *net, double *theta, double lr,
                      size_t steps, FILE *out, LoopResult *result)
{
    OptimizerConfig sgd = optimizer_default_config(OPTIMIZER_SGD);
    optimizer_set_lr(&sgd, lr);
    Objective objective = net_objective(net);
    TrainRows rows = {out, net};
    Loop loop = {.steps = steps, .row = out ? train_row : NULL,
                 .row_ctx = &rows};
    return optimizer_train(&sgd, &objective, loop, theta, result);
}
//< xor-train

/* The backward pass against central differences (chapter 1's
 * numerical_gradient, h = 1e-5) for every parameter: the check that the
 * hand-written gradient is right. */
static void xor_gradcheck(const NetLayout *net, double *theta, FILE *out)
{
    Objective objective = net_objective(net);
    double grad[MAX_PARAMS], central[MAX_PARAMS];
    objective_loss_grad(&objective, theta, grad);
    numerical_gradient(objective_loss_of, &objective, theta, net->count,
                       1e-5, central);
    size_t index[MAX_PARAMS];
    size_t n = net_columns(net, index);
    fprintf(out, "param,grad,central,rel_error\n");
    for (size_t k = 0; k < n; k++) {
        double g = grad[index[k]], c = central[index[k]];
        double scale = fmax(fabs(g), fabs(c));
        write_column_name(out, net, k);
        fputc(',', out);
        double row[3] = {g, c, scale == 0.0 ? 0.0 : fabs(g - c) / scale};
        output_numbers(out, row, 3);
    }
}

/* ==================================================================== main */

static const char *const problem_names[] = {"xor", NULL};
static const char *const task_names[] = {"train", "seeds", "gradcheck",
                                         NULL};
static const char *const init_names[] = {"random", "symmetric", NULL};

typedef struct {
    const char *problem, *task, *init, *out;
    double lr, init_scale, jitter;
    size_t steps, hidden, trials;
    uint64_t seed;
} Settings;

static const char usage[] =
    PROGRAM_NAME ": chapter 6, a 2-H-1 network learning XOR.\n"
    "\n"
    "The network: H tanh hidden units and a sigmoid output, trained by\n"
    "full-batch gradient descent on the four XOR examples, loss the mean\n"
    "binary cross-entropy.\n"
    "Tasks (CSV on stdout or --out, with a header line):\n"
    "  train      step,loss,accuracy,spread, then every unit's\n"
    "             h<j>_w1,h<j>_w2,h<j>_b,h<j>_out, and b_out (spread: how\n"
    "             far apart the hidden units are, 0 when identical)\n"
    "  seeds      --trials runs from seeds --seed, --seed + 1, ...:\n"
    "             trial,seed,loss,accuracy,spread,solved (a running count)\n"
    "  gradcheck  the backward pass against central differences:\n"
    "             param,grad,central,rel_error (param: h<j>_w1, ..., b_out)\n"
    "Exit status: 0 done; 1 the loss became inf or nan; 2 bad input.";

static InitKind init_kind(const Settings *s)
{
    return strcmp(s->init, "symmetric") == 0 ? INIT_SYMMETRIC : INIT_RANDOM;
}

static int run_seeds(const Settings *s, const NetLayout *net, FILE *out)
{
    fprintf(out, "trial,seed,loss,accuracy,spread,solved\n");
    size_t solved = 0;
    for (size_t t = 0; t < s->trials; t++) {
        Rng rng;
        double theta[MAX_PARAMS];
        LoopResult result;
        rng_seed(&rng, s->seed + t);
        net_init(net, theta, init_kind(s), s->init_scale, s->jitter, &rng);
        if (!xor_train(net, theta, s->lr, s->steps, NULL, &result))
            return EXIT_FAILURE;
        double accuracy = result.status == LOOP_DIVERGED
                              ? 0.0 : xor_accuracy(net, theta);
        solved += accuracy == 1.0;
        fprintf(out, "%zu,%llu,%.17g,%.17g,%.17g,%zu\n", t,
                (unsigned long long)(s->seed + t), result.loss, accuracy,
                units_spread(net, theta), solved);
    }
    return EXIT_SUCCESS;
}

static int run_train(const Settings *s, const NetLayout *net, FILE *out)
{
    Rng rng;
    double theta[MAX_PARAMS];
    rng_seed(&rng, s->seed);
    net_init(net, theta, init_kind(s), s->init_scale, s->jitter, &rng);
    if (strcmp(s->task, "gradcheck") == 0) {
        xor_gradcheck(net, theta, out);
        return EXIT_SUCCESS;
    }
    fprintf(out, "step,loss,accuracy,spread");
    for (size_t k = 0; k < net->count; k++) {
        fputc(',', out);
        write_column_name(out, net, k);
    }
    fputc('\n', out);
    LoopResult result;
    if (!xor_train(net, theta, s->lr, s->steps, out, &result))
        return EXIT_FAILURE;
    if (result.status != LOOP_DIVERGED)
        return EXIT_SUCCESS;
    fprintf(stderr,
            "%s: the loss stopped being a finite number at step %zu: --lr %g "
            "is too large for this network (divide --lr by 10)\n",
            PROGRAM, result.step, s->lr);
    return EXIT_FAILURE;
}

int main(int argc, char **argv)
{
    Settings s = {.problem = "xor", .task = "train", .init = "random",
                  .lr = 1.0, .init_scale = 0.5, .steps = 2000, .hidden = 3,
                  .trials = 20, .seed = 1};
    Flag flags[] = {
        {.name = "problem", .kind = FLAG_CHOICE, .value = &s.problem,
         .help = "the XOR network, the only one here (kept so that "
                 "06-nonconvexity's command lines run unchanged)",
         .choices = problem_names},
        {.name = "task", .kind = FLAG_CHOICE, .value = &s.task,
         .help = "what to compute", .choices = task_names},
        {.name = "lr", .kind = FLAG_DOUBLE, .value = &s.lr,
         .help = "learning rate η", .min = 0, .min_exclusive = true,
         .max = 1e6, .scope = "task=train|seeds"},
        {.name = "steps", .kind = FLAG_COUNT, .value = &s.steps,
         .help = "gradient steps", .min = 0, .max = 1e9,
         .scope = "task=train|seeds"},
        {.name = "seed", .kind = FLAG_SEED, .value = &s.seed,
         .help = "random seed of the initial weights (seeds: the first)"},
        {.name = "hidden", .kind = FLAG_COUNT, .value = &s.hidden,
         .help = "hidden units H", .min = 1, .max = MAX_HIDDEN},
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
    Cli cli = {.program = PROGRAM, .usage = usage, CLI_TABLE(flags)};
    int exit_status;
    if (!cli_start(&cli, argc, argv, &exit_status))
        return exit_status;
    NetLayout net = net_layout(s.hidden);
    Output out;
    if (!output_open(&out, PROGRAM, s.out))
        return EXIT_FAILURE;
    int status = strcmp(s.task, "seeds") == 0 ? run_seeds(&s, &net, out.file)
                                              : run_train(&s, &net, out.file);
    if (!output_commit(&out, PROGRAM))
        return EXIT_FAILURE;
    return status;
}
