/*
 * 06-nonconvexity.xor.c: Chapter 6, nonconvexity: a small network learning
 * XOR, and why hidden units that start identical stay identical.
 *
 * A 2-H-1 network (H tanh hidden units, a sigmoid output) trained by
 * full-batch gradient descent on the four XOR examples, with the mean
 * binary cross-entropy as its loss. Its parameters are one flat vector, as
 * genann and llm.c keep theirs; the network is an Objective of lib/ and
 * trains through the course's one loop (lib/loop.c) with chapter 4's
 * sgd_step; the gradient check is chapter 1's numerical_gradient.
 *   train      a run: step,loss,accuracy,spread and every parameter
 *   seeds      --trials runs from seeds --seed, --seed + 1, ...
 *   gradcheck  the backward pass against central differences
 * build/bin/06-nonconvexity --problem xor [flags] runs this program.
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

static const char program[] = PROGRAM_NAME;

enum { XOR_INPUTS = 2, XOR_EXAMPLES = 4, MAX_HIDDEN = 8 };

/* The four XOR examples: the target is 1 when exactly one input is 1. */
static const double xor_x[XOR_EXAMPLES][XOR_INPUTS] = {
    {0, 0}, {0, 1}, {1, 0}, {1, 1}};
static const double xor_y[XOR_EXAMPLES] = {0, 1, 1, 0};

//> xor-net
/* A two-layer network: H hidden tanh units, then one sigmoid output.
 *   a_j = Σ_i w_in[j][i]·x_i + b_in[j]      hidden pre-activation
 *   h_j = tanh(a_j)                          hidden unit j
 *   z   = Σ_j w_out[j]·h_j + b_out           output logit
 *   p   = σ(z)                               predicted P(y = 1)
 * Hidden unit j is everything that belongs to it alone: its incoming
 * weights w_in[j][·], its bias b_in[j] and its outgoing weight w_out[j].
 * All 4H + 1 parameters live in one flat vector θ, unit by unit, then
 * b_out; a gradient is a vector of the same shape. These name the places: */
enum { UNIT_PARAMS = XOR_INPUTS + 2 }; /* w_in[j][0], w_in[j][1], b_in[j], w_out[j] */
static size_t w_in(size_t j, size_t i) { return j * UNIT_PARAMS + i; }
static size_t b_in(size_t j) { return j * UNIT_PARAMS + XOR_INPUTS; }
static size_t w_out(size_t j) { return j * UNIT_PARAMS + XOR_INPUTS + 1; }
static size_t b_out(size_t hidden) { return hidden * UNIT_PARAMS; }
static size_t net_size(size_t hidden) { return hidden * UNIT_PARAMS + 1; }
//< xor-net

enum { MAX_NET_PARAMS = MAX_HIDDEN * UNIT_PARAMS + 1 };

/* σ(z) = 1/(1 + e^(-z)), computed from e^(-|z|) so that nothing overflows
 * for large |z|. */
static double sigmoid(double z)
{
    return z >= 0.0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
}

/* log(1 + e^z) without overflow for large z or lost digits for small. */
static double softplus(double z)
{
    return fmax(z, 0.0) + log1p(exp(-fabs(z)));
}

//> xor-forward-backward
/* The forward pass for one example: fills h[0..H-1] and returns z. */
static double xor_forward(const double *t, size_t hidden, const double *x,
                          double *h)
{
    double z = t[b_out(hidden)];
    for (size_t j = 0; j < hidden; j++) {
        double a = t[b_in(j)];
        for (size_t i = 0; i < XOR_INPUTS; i++)
            a += t[w_in(j, i)] * x[i];
        h[j] = tanh(a);
        z += t[w_out(j)] * h[j];
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
 * The gradient starts at zero and the example loop adds into it. As an
 * Objective: ctx is the number of hidden units, grad may be NULL. */
static double xor_loss_grad(const double *t, double *grad, const void *ctx)
{
    size_t hidden = *(const size_t *)ctx;
    double g[MAX_NET_PARAMS] = {0.0};
    double loss = 0.0, n = XOR_EXAMPLES;
    for (size_t e = 0; e < XOR_EXAMPLES; e++) {
        double h[MAX_HIDDEN];
        double z = xor_forward(t, hidden, xor_x[e], h);
        loss += (softplus(z) - xor_y[e] * z) / n;
        double dz = (sigmoid(z) - xor_y[e]) / n;
        g[b_out(hidden)] += dz;
        for (size_t j = 0; j < hidden; j++) {
            g[w_out(j)] += dz * h[j];
            double da = dz * t[w_out(j)] * (1.0 - h[j] * h[j]);
            for (size_t i = 0; i < XOR_INPUTS; i++)
                g[w_in(j, i)] += da * xor_x[e][i];
            g[b_in(j)] += da;
        }
    }
    if (grad)
        memcpy(grad, g, net_size(hidden) * sizeof *g);
    return loss;
}
//< xor-forward-backward

//> units-spread
/* How far the hidden units are from being copies of each other: for every
 * parameter a unit owns (each incoming weight, the bias, the outgoing
 * weight), the largest minus the smallest value across the units; the
 * result is the largest of those ranges. 0 means every unit is identical,
 * and then they stay identical: each receives the same inputs, computes
 * the same activation, and gets the same gradient, so one step moves them
 * all alike. (Chapter 6's exercise hidden_units_identical asks the same
 * question with a tolerance.) */
static double units_spread(const double *t, size_t hidden)
{
    double spread = 0.0;
    for (size_t k = 0; k < UNIT_PARAMS; k++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t j = 0; j < hidden; j++) {
            double v = t[j * UNIT_PARAMS + k];
            lo = fmin(lo, v);
            hi = fmax(hi, v);
        }
        spread = fmax(spread, hi - lo);
    }
    return spread;
}
//< units-spread

typedef enum { INIT_RANDOM, INIT_SYMMETRIC } InitKind;

//> xor-init
/* Random: every weight drawn from N(0, scale²), each unit its own. Symmetric:
 * one unit drawn that way and copied into every hidden unit, so the units
 * start identical though the weights are not all zero. Biases start at 0.
 * jitter > 0 then adds jitter·N(0, 1) to every hidden parameter: a tiny
 * asymmetry, to see whether it is enough. */
static void net_init(double *t, size_t hidden, InitKind kind, double scale,
                     double jitter, Rng *rng)
{
    memset(t, 0, net_size(hidden) * sizeof *t);
    for (size_t j = 0; j < hidden; j++) {
        if (kind == INIT_SYMMETRIC && j > 0) {
            for (size_t i = 0; i < XOR_INPUTS; i++)
                t[w_in(j, i)] = t[w_in(0, i)];
            t[w_out(j)] = t[w_out(0)];
            continue;
        }
        for (size_t i = 0; i < XOR_INPUTS; i++)
            t[w_in(j, i)] = scale * rng_normal(rng);
        t[w_out(j)] = scale * rng_normal(rng);
    }
    if (jitter > 0.0)
        for (size_t j = 0; j < hidden; j++) {
            for (size_t i = 0; i < XOR_INPUTS; i++)
                t[w_in(j, i)] += jitter * rng_normal(rng);
            t[b_in(j)] += jitter * rng_normal(rng);
            t[w_out(j)] += jitter * rng_normal(rng);
        }
}
//< xor-init

/* How many of the four examples the net gets right (p > 1/2 means 1). */
static double xor_accuracy(const double *t, size_t hidden)
{
    size_t right = 0;
    for (size_t e = 0; e < XOR_EXAMPLES; e++) {
        double h[MAX_HIDDEN];
        right += (xor_forward(t, hidden, xor_x[e], h) > 0.0) == (xor_y[e] > 0.5);
    }
    return (double)right / XOR_EXAMPLES;
}

/* A parameter's column name: h<j>_w1, h<j>_w2, h<j>_b, h<j>_out, b_out. */
static void param_name(char *buf, size_t size, size_t k, size_t hidden)
{
    static const char *const fields[UNIT_PARAMS] = {"w1", "w2", "b", "out"};
    if (k == b_out(hidden))
        snprintf(buf, size, "b_out");
    else
        snprintf(buf, size, "h%zu_%s", k / UNIT_PARAMS + 1,
                 fields[k % UNIT_PARAMS]);
}

//> xor-train
/* lib/loop.h's row callback: the loss, the accuracy, the units' spread and
 * every parameter. */
static bool write_row(size_t step, double loss, const double *t,
                      const double *grads, size_t n, void *out)
{
    (void)grads;
    size_t hidden = (n - 1) / UNIT_PARAMS;
    double row[3 + MAX_NET_PARAMS];
    row[0] = loss;
    row[1] = xor_accuracy(t, hidden);
    row[2] = units_spread(t, hidden);
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
    Objective net = {net_size(hidden), xor_loss_grad, &hidden};
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
    Objective net = {net_size(hidden), xor_loss_grad, &hidden};
    double grad[MAX_NET_PARAMS], central[MAX_NET_PARAMS];
    objective_loss_grad(&net, t, grad);
    numerical_gradient(objective_loss_of, &net, t, net.dim, 1e-5, central);
    fprintf(out, "param,grad,central,rel_error\n");
    for (size_t k = 0; k < net.dim; k++) {
        char name[32];
        param_name(name, sizeof name, k, hidden);
        double scale = fmax(fabs(grad[k]), fabs(central[k]));
        double row[3] = {grad[k], central[k],
                         scale == 0.0 ? 0.0 : fabs(grad[k] - central[k]) / scale};
        fprintf(out, "%s,", name);
        output_numbers(out, row, 3);
    }
}

/* ==================================================================== main */

static const char *const task_names[] = {"train", "seeds", "gradcheck", NULL};
static const char *const init_names[] = {"random", "symmetric", NULL};

typedef struct {
    const char *task, *init, *out;
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
    "Exit status: 0 done; 1 the loss became inf or nan; 2 bad input.";

static InitKind init_kind(const Settings *s)
{
    return strcmp(s->init, "symmetric") == 0 ? INIT_SYMMETRIC : INIT_RANDOM;
}

static int out_of_memory(void)
{
    fprintf(stderr, "%s: out of memory\n", program);
    return EXIT_FAILURE;
}

static int run_seeds(const Settings *s, FILE *out)
{
    double t[MAX_NET_PARAMS];
    fprintf(out, "trial,seed,loss,accuracy,spread,solved\n");
    size_t solved = 0;
    for (size_t trial = 0; trial < s->trials; trial++) {
        Rng rng;
        rng_seed(&rng, s->seed + trial);
        net_init(t, s->hidden, init_kind(s), s->init_scale, s->jitter, &rng);
        LoopResult r;
        if (!xor_train(t, s->hidden, s->lr, s->steps, NULL, &r))
            return out_of_memory();
        double accuracy = r.status == LOOP_DIVERGED ? 0.0
                                                    : xor_accuracy(t, s->hidden);
        solved += accuracy == 1.0;
        fprintf(out, "%zu,%llu,%.17g,%.17g,%.17g,%zu\n", trial,
                (unsigned long long)(s->seed + trial), r.loss, accuracy,
                units_spread(t, s->hidden), solved);
    }
    return EXIT_SUCCESS;
}

static int run(const Settings *s, FILE *out)
{
    if (strcmp(s->task, "seeds") == 0)
        return run_seeds(s, out);
    double t[MAX_NET_PARAMS];
    Rng rng;
    rng_seed(&rng, s->seed);
    net_init(t, s->hidden, init_kind(s), s->init_scale, s->jitter, &rng);
    if (strcmp(s->task, "gradcheck") == 0) {
        xor_gradcheck(t, s->hidden, out);
        return EXIT_SUCCESS;
    }
    fprintf(out, "step,loss,accuracy,spread");
    for (size_t k = 0; k < net_size(s->hidden); k++) {
        char name[32];
        param_name(name, sizeof name, k, s->hidden);
        fprintf(out, ",%s", name);
    }
    fputc('\n', out);
    LoopResult r;
    if (!xor_train(t, s->hidden, s->lr, s->steps, out, &r))
        return out_of_memory();
    if (r.status != LOOP_DIVERGED)
        return EXIT_SUCCESS;
    fprintf(stderr,
            "%s: the loss stopped being a finite number at step %zu: --lr %g "
            "is too large for this network (divide --lr by 10)\n",
            program, r.step, s->lr);
    return EXIT_FAILURE;
}

int main(int argc, char **argv)
{
    Settings s = {.task = "train", .init = "random", .lr = 1.0,
                  .init_scale = 0.5, .steps = 2000, .hidden = 3,
                  .trials = 20, .seed = 1};
    Flag flags[] = {
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
    Cli cli = {.program = program, .usage = usage, CLI_TABLE(flags)};
    int exit_status;
    if (!cli_start(&cli, argc, argv, &exit_status))
        return exit_status;
    Output out;
    if (!output_open(&out, program, s.out))
        return EXIT_FAILURE;
    int status = run(&s, out.file);
    if (!output_commit(&out, program))
        return EXIT_FAILURE;
    return status;
}
