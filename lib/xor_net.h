/*
 * xor_net.h: chapter 6's network, a 2-H-1 perceptron learning XOR, as an
 * Objective (lib/objective.h) over one flat parameter vector, so that any
 * chapter can train it with any optimizer through lib/loop.c: chapter 6
 * shows why its hidden units must not start identical, chapter 7 tunes its
 * learning rate.
 */
#ifndef XOR_NET_H
#define XOR_NET_H

#include <stddef.h>

#include "rng.h"

enum { XOR_INPUTS = 2, XOR_EXAMPLES = 4, XOR_MAX_HIDDEN = 8 };

/* The four XOR examples: the target is 1 when exactly one input is 1. */
extern const double xor_x[XOR_EXAMPLES][XOR_INPUTS];
extern const double xor_y[XOR_EXAMPLES];

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
enum { XOR_UNIT_PARAMS = XOR_INPUTS + 2 }; /* w_in[j][0], w_in[j][1], b_in[j], w_out[j] */
static inline size_t xor_w_in(size_t j, size_t i) { return j * XOR_UNIT_PARAMS + i; }
static inline size_t xor_b_in(size_t j) { return j * XOR_UNIT_PARAMS + XOR_INPUTS; }
static inline size_t xor_w_out(size_t j) { return j * XOR_UNIT_PARAMS + XOR_INPUTS + 1; }
static inline size_t xor_b_out(size_t hidden) { return hidden * XOR_UNIT_PARAMS; }
static inline size_t xor_net_size(size_t hidden) { return hidden * XOR_UNIT_PARAMS + 1; }
//< xor-net

enum { XOR_MAX_PARAMS = XOR_MAX_HIDDEN * XOR_UNIT_PARAMS + 1 };

/* The mean binary cross-entropy over the four examples at θ and, unless
 * grad is NULL, its gradient (overwriting grad): a LossGradFn whose ctx is
 * a const size_t *, the number of hidden units. */
double xor_loss_grad(const double *theta, double *grad, const void *hidden);

typedef enum { XOR_INIT_RANDOM, XOR_INIT_SYMMETRIC } XorInit;

/* Initial weights into theta (xor_net_size(hidden) numbers), drawn from
 * rng; see xor_net.c. */
void xor_net_init(double *theta, size_t hidden, XorInit kind, double scale,
                  double jitter, Rng *rng);

/* The share of the four examples the network gets right (p > 1/2 is 1). */
double xor_accuracy(const double *theta, size_t hidden);

/* How far the hidden units are from being copies of each other (0: they
 * are identical): the largest range, across the units, of any of a unit's
 * parameters. Chapter 6's hidden_units_identical asks whether that is
 * within a tolerance; see xor_net.c. */
double xor_units_spread(const double *theta, size_t hidden);

/* Parameter k's name: h<j>_w1, h<j>_w2, h<j>_b, h<j>_out, or b_out. */
void xor_param_name(char *buf, size_t size, size_t k, size_t hidden);

#endif
