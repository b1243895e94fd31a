/*
 * 08-backprop.h: the exercises of chapter 8, backpropagation, and a real
 * network on real data.
 *
 * You write these functions in exercises/08-backprop.c; `make check CH=08`
 * grades them. Each comment below is the contract your function must keep;
 * the lesson, chapters/08-backprop.md, explains the ideas, and the section
 * named in each comment is the one to read first.
 *
 * Conventions. A minibatch is n examples, one per row; every matrix is a
 * flat array of doubles, row-major, its shape written beside it:
 *   x   n × in    row i is example i's inputs (x[i*in + k])
 *   w   in × out  w[k*out + o] is the weight from input k to output o
 *   b   out
 *   y   n × out   row i is example i's outputs
 * A weight matrix is stored "inputs by outputs", the transpose of
 * PyTorch's nn.Linear.weight, so that a row of x times w walks w row by
 * row. Where a sum has an order, the contract states it: the chapter's
 * fast matrix product (lib/matmul.h) adds in that same order, so your
 * plain loops and the fast product give the very same bits. Where two
 * formulas for one number round differently (the sigmoid's, a slope's,
 * the softmax's, the gradient check's quotient, an initial scale's), the
 * contract names the one the reference uses, for the same bits again.
 */
#ifndef EXERCISES_08_BACKPROP_H
#define EXERCISES_08_BACKPROP_H

#include <stddef.h>
#include <stdint.h>

#include "01-gradient-descent.h" /* LossFn, a loss of a parameter vector */

/* ------------------------------------------ lesson: "A linear layer" */

/* The forward pass of a linear layer over a minibatch: y = x·w + b, that
 * is, for every example i and output o,
 *   y[i][o] = b[o] + x[i][0]·w[0][o] + x[i][1]·w[1][o] + ... + x[i][in-1]·w[in-1][o]
 * added from left to right (starting from the bias, increasing k). y is
 * written (n × out); x, w and b are read only. */
void linear_forward(const double *x, const double *w, const double *b,
                    size_t n, size_t in, size_t out, double *y);

/* The backward pass of linear_forward: given dy = ∂L/∂y (n × out) and the
 * layer's input x and weights w, for every k, o and i
 *   dw[k][o] += x[0][k]·dy[0][o], += x[1][k]·dy[1][o], ...  (in × out: xᵀ·dy)
 *   db[o]    += dy[0][o], += dy[1][o], ...                   (out: summed
 *                                                             over the batch)
 *   dx[i][k]  = dy[i][0]·w[k][0] + dy[i][1]·w[k][1] + ...    (n × in: dy·wᵀ)
 * each sum over the batch (i) or the outputs (o) in increasing order; dw's
 * and db's terms are added to them one at a time, starting from what they
 * hold (as matmul_add adds). dw and db are ADDED to, never overwritten: a
 * gradient accumulates over everything the loss depends on, and the
 * caller zeroes it once per step (PyTorch's zero_grad). dx is
 * overwritten, its sums starting from 0, and
 * skipped when dx is NULL (the first layer's inputs are data: nobody needs
 * their gradient). scratch holds at least in·max(n, out) doubles that the
 * function may overwrite (room to transpose x or w; a plain loop needs
 * none of it). */
void linear_backward(const double *x, const double *w, const double *dy,
                     size_t n, size_t in, size_t out, double *dw, double *db,
                     double *dx, double *scratch);

/* ----------------------------------- lesson: "Activation functions" */

/* The nonlinearity between two linear layers (IDENTITY: none). */
typedef enum {
    ACTIVATION_RELU,
    ACTIVATION_TANH,
    ACTIVATION_SIGMOID,
    ACTIVATION_IDENTITY
} Activation;

/* a[j] = f(z[j]) for the count entries of z: ReLU max(z, 0), tanh
 * (math.h's tanh()), the logistic sigmoid 1/(1 + e^-z), or z itself. The
 * sigmoid is taken as
 *   e = exp(-|z|)
 *   a = 1/(1 + e)   for z >= 0
 *   a = e/(1 + e)   for z < 0
 * so that no intermediate is inf for any z. For z < 0 that is not always
 * the same double as 1/(1 + exp(-z)), nor is a tanh built from exp
 * always tanh()'s. */
void activation_forward(Activation f, const double *z, size_t count,
                        double *a);

/* dz[j] = da[j]·s, s = f'(z[j]) the slope, given the forward pass's
 * input z and output a = f(z). ReLU's slope is 1 where z > 0 and 0 where
 * z <= 0 (at the kink, 0, as PyTorch takes it), the identity's 1; tanh's,
 * 1 - tanh², and the sigmoid's, σ·(1 - σ), are taken from a:
 *   tanh:     s = 1 - a·a
 *   sigmoid:  s = a·(1 - a)
 * the slope first, then da[j]·s. (1 - a)·(1 + a), a - a·a and
 * da·a·(1 - a) (which C multiplies from the left) are the same numbers
 * in exact arithmetic but not in doubles. dz is written. */
void activation_backward(Activation f, const double *z, const double *a,
                         const double *da, size_t count, double *dz);

/* --------------------------- lesson: "Softmax and cross-entropy" */

/* The mean cross-entropy of a minibatch of n examples, each with `classes`
 * logits (n × classes) and a label labels[i] < classes:
 *   loss = (1/n) Σ_i [ log Σ_c exp(z[i][c]) - z[i][labels[i]] ]
 * with the log-sum-exp of row i taken as
 *   m   = the row's largest logit
 *   s   = exp(z[i][0] - m) + exp(z[i][1] - m) + ...   (increasing c)
 *   lse = m + log(s)
 * so that any finite logits give a finite loss. The rows' lse -
 * z[i][labels[i]] are added in increasing i, and the total divided by n.
 * Unless dlogits is NULL, writes the gradient of that mean loss
 * (n × classes):
 *   dlogits[i][c] = (p - [c == labels[i]]) / n,  p = exp(z[i][c] - lse)
 * p is softmax(z[i])[c], taken as exp(z - lse) rather than exp(z - m)/s:
 * the two are equal in exact arithmetic but not in doubles. */
double softmax_cross_entropy(const double *logits, const uint8_t *labels,
                             size_t n, size_t classes, double *dlogits);

/* ------------------------------------ lesson: "Checking the gradient" */

/* Below this size, a gradient entry is at the level of the rounding noise
 * of a difference quotient; see the lesson. */
#define GRADCHECK_FLOOR 1e-10

/* |a - b| / max(|a|, |b|, GRADCHECK_FLOOR): 0 when a and b agree, about 1
 * when one is 0 and the other is not, and never a division by 0. */
double relative_error(double a, double b);

/* Checks the analytic gradient `grad` of `loss` at theta on `count` of its
 * coordinates, coords[0..count-1]: for each, j = coords[t], the central
 * difference
 *   (loss(θ + h·e_j) - loss(θ - h·e_j)) / (2h)
 * is compared with grad[j] by relative_error. With saved the value θ_j
 * holds on entry, that is
 *   up    = loss with θ_j = saved + h
 *   down  = loss with θ_j = saved - h
 *   error = relative_error(grad[j], (up - down) / (2.0·h))
 * each point set from saved (saved + h - 2h is not always saved - h in
 * doubles), and the difference divided by 2.0·h itself, not by the
 * distance (saved + h) - (saved - h) between the rounded points, which
 * is not always 2h. Returns the largest relative error (0 when count is
 * 0); an error that is nan (a nan loss, or a nan in grad) counts as the
 * largest of all, so the result is then nan, whatever the other
 * coordinates gave. theta may change during the call but holds exactly
 * its original values when the function returns. Each call starts
 * afresh: nothing carries over from an earlier call. */
double gradient_check(LossFn loss, const void *ctx, double *theta,
                      const double *grad, const size_t *coords, size_t count,
                      double h);

/* ------------------------------------------ lesson: "Initialisation" */

typedef enum {
    INIT_XAVIER, /* Glorot and Bengio, 2010 */
    INIT_HE      /* He, Zhang, Ren and Sun, 2015 (Kaiming) */
} InitScheme;

/* The standard deviation of a layer's initial weights, drawn from a normal
 * distribution, as torch.nn.init.xavier_normal_ and kaiming_normal_ (mode
 * fan_in) give it with the gain torch.nn.init.calculate_gain gives the
 * activation that follows the layer: √2 for ReLU, 5/3 for tanh, 1 for the
 * sigmoid and for none (IDENTITY):
 *   Xavier: gain·√(2 / (fan_in + fan_out))
 *   He:     gain / √fan_in
 * computed as PyTorch does, in that order: gain * sqrt(2.0 / (fan_in +
 * fan_out)) and gain / sqrt(fan_in), with gain = sqrt(2.0), 5.0 / 3 or
 * 1, which give PyTorch's very doubles; gain·√(1/fan_in), √(2/fan_in)
 * for ReLU or gain·√2/√(fan_in + fan_out) do not. fan_in, fan_out >= 1. */
double init_std(InitScheme scheme, Activation activation, size_t fan_in,
                size_t fan_out);

#endif
