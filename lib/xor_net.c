/*
 * xor_net.c: chapter 6's network on XOR (see xor_net.h), the forward and
 * backward passes a few lines apart.
 */
#include "xor_net.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "activation.h"

const double xor_x[XOR_EXAMPLES][XOR_INPUTS] = {
    {0, 0}, {0, 1}, {1, 0}, {1, 1}};
const double xor_y[XOR_EXAMPLES] = {0, 1, 1, 0};

//> xor-forward-backward
/* The forward pass for one example: fills h[0..H-1] and returns z. */
static double xor_forward(const double *t, size_t hidden, const double *x,
                          double *h)
{
    double z = t[xor_b_out(hidden)];
    for (size_t j = 0; j < hidden; j++) {
        double a = t[xor_b_in(j)];
        for (size_t i = 0; i < XOR_INPUTS; i++)
            a += t[xor_w_in(j, i)] * x[i];
        h[j] = tanh(a);
        z += t[xor_w_out(j)] * h[j];
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
double xor_loss_grad(const double *t, double *grad, const void *ctx)
{
    size_t hidden = *(const size_t *)ctx;
    double g[XOR_MAX_PARAMS] = {0.0};
    double loss = 0.0, n = XOR_EXAMPLES;
    for (size_t e = 0; e < XOR_EXAMPLES; e++) {
        double h[XOR_MAX_HIDDEN];
        double z = xor_forward(t, hidden, xor_x[e], h);
        loss += (activation_softplus(z) - xor_y[e] * z) / n;
        double dz = (activation_sigmoid(z) - xor_y[e]) / n;
        g[xor_b_out(hidden)] += dz;
        for (size_t j = 0; j < hidden; j++) {
            g[xor_w_out(j)] += dz * h[j];
            double da = dz * t[xor_w_out(j)] * (1.0 - h[j] * h[j]);
            for (size_t i = 0; i < XOR_INPUTS; i++)
                g[xor_w_in(j, i)] += da * xor_x[e][i];
            g[xor_b_in(j)] += da;
        }
    }
    if (grad)
        memcpy(grad, g, xor_net_size(hidden) * sizeof *g);
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
 * all alike. (Chapter 6's exercise hidden_units_identical asks whether
 * this is within a tolerance.) */
double xor_units_spread(const double *t, size_t hidden)
{
    double spread = 0.0;
    for (size_t k = 0; k < XOR_UNIT_PARAMS; k++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t j = 0; j < hidden; j++) {
            double v = t[j * XOR_UNIT_PARAMS + k];
            lo = fmin(lo, v);
            hi = fmax(hi, v);
        }
        spread = fmax(spread, hi - lo);
    }
    return spread;
}
//< units-spread

//> xor-init
/* Random: every weight drawn from N(0, scale²), each unit its own. Symmetric:
 * one unit drawn that way and copied into every hidden unit, so the units
 * start identical though the weights are not all zero. Biases start at 0.
 * jitter > 0 then adds jitter·N(0, 1) to every hidden parameter: a tiny
 * asymmetry, to see whether it is enough. */
void xor_net_init(double *t, size_t hidden, XorInit kind, double scale,
                  double jitter, Rng *rng)
{
    memset(t, 0, xor_net_size(hidden) * sizeof *t);
    for (size_t j = 0; j < hidden; j++) {
        if (kind == XOR_INIT_SYMMETRIC && j > 0) {
            for (size_t i = 0; i < XOR_INPUTS; i++)
                t[xor_w_in(j, i)] = t[xor_w_in(0, i)];
            t[xor_w_out(j)] = t[xor_w_out(0)];
            continue;
        }
        for (size_t i = 0; i < XOR_INPUTS; i++)
            t[xor_w_in(j, i)] = scale * rng_normal(rng);
        t[xor_w_out(j)] = scale * rng_normal(rng);
    }
    if (jitter > 0.0)
        for (size_t j = 0; j < hidden; j++) {
            for (size_t i = 0; i < XOR_INPUTS; i++)
                t[xor_w_in(j, i)] += jitter * rng_normal(rng);
            t[xor_b_in(j)] += jitter * rng_normal(rng);
            t[xor_w_out(j)] += jitter * rng_normal(rng);
        }
}
//< xor-init

/* How many of the four examples the net gets right (p > 1/2 means 1). */
double xor_accuracy(const double *t, size_t hidden)
{
    size_t right = 0;
    for (size_t e = 0; e < XOR_EXAMPLES; e++) {
        double h[XOR_MAX_HIDDEN];
        right += (xor_forward(t, hidden, xor_x[e], h) > 0.0) == (xor_y[e] > 0.5);
    }
    return (double)right / XOR_EXAMPLES;
}

/* A parameter's column name: h<j>_w1, h<j>_w2, h<j>_b, h<j>_out, b_out. */
void xor_param_name(char *buf, size_t size, size_t k, size_t hidden)
{
    static const char *const fields[XOR_UNIT_PARAMS] = {"w1", "w2", "b", "out"};
    if (k == xor_b_out(hidden))
        snprintf(buf, size, "b_out");
    else
        snprintf(buf, size, "h%zu_%s", k / XOR_UNIT_PARAMS + 1,
                 fields[k % XOR_UNIT_PARAMS]);
}

