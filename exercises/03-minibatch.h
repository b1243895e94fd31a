/*
 * 03-minibatch.h: the exercises of chapter 3, full-batch, stochastic and
 * minibatch gradient descent.
 *
 * You write these functions in exercises/03-minibatch.c; `make check CH=03`
 * grades them. Each comment below is the contract your function must keep.
 * The lesson, chapters/03-minibatch.md, explains the ideas; the section
 * named in each function's TODO is the one to read first.
 *
 * Conventions: the model is linear, prediction x·w + b for an example with
 * d features x; the residual of example i is prediction minus target,
 * r_i = x_i·w + b - y_i. Arrays are owned by the caller; a function writes
 * only through the pointers its contract names.
 */
#ifndef EXERCISES_03_MINIBATCH_H
#define EXERCISES_03_MINIBATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "rng.h" /* the course's generator: rng_below(rng, bound) */

/* The training examples, read-only: n examples of d features each. */
typedef struct {
    size_t n, d;
    const double *x; /* n × d, row-major: example i's features are
                        x[i*d], ..., x[i*d + d - 1] */
    const double *y; /* n targets */
} Examples;

/* Shuffles order[0..n-1] in place with the Fisher-Yates algorithm in
 * Durstenfeld's form: for i = n-1 down to 1, draw j = rng_below(rng, i + 1)
 * (so 0 <= j <= i) and swap order[i] with order[j]. Every one of the n!
 * orders is then equally likely. Draws exactly n - 1 numbers from rng, in
 * that order (none when n <= 1), so a seed fixes the result. */
void shuffle_indices(size_t *order, size_t n, Rng *rng);

/* Cuts an epoch of n examples into batches, like a framework's data loader:
 * consecutive runs of batch_size positions 0..batch_size-1,
 * batch_size..2·batch_size-1, and so on. When batch_size does not divide n
 * the last batch is smaller (the partial batch), or, with drop_last, left
 * out. */
typedef struct {
    size_t n;          /* positions in an epoch, n >= 1 */
    size_t batch_size; /* positions per batch, 1 <= batch_size <= n */
    bool drop_last;    /* leave out a last batch smaller than batch_size */
    size_t next;       /* the next batch's first position */
} BatchIterator;

/* Sets every field of *it for a new epoch: the first batch starts at
 * position 0. */
void batch_iterator_init(BatchIterator *it, size_t n, size_t batch_size,
                         bool drop_last);

/* Gives the next batch as its first position (*first) and its number of
 * positions (*count), advances the iterator, and returns true; returns
 * false, without writing *first or *count, when the epoch has no batch
 * left. */
bool batch_iterator_next(BatchIterator *it, size_t *first, size_t *count);

/* The mean squared error over a minibatch and its gradient. The batch is
 * the `count` examples rows[0], ..., rows[count-1] (indices into data,
 * count >= 1); with residuals r_k of those examples it computes
 *   L_B     = (1/count) Σ_k r_k²,
 *   ∂L_B/∂w = (2/count) Σ_k r_k·x_k     (d numbers, written to grad_w),
 *   ∂L_B/∂b = (2/count) Σ_k r_k         (written to *grad_b),
 * overwriting whatever grad_w and *grad_b held. Returns L_B. w has d
 * entries. */
double minibatch_mse_grad(const Examples *data, const size_t *rows,
                          size_t count, const double *w, double b,
                          double *grad_w, double *grad_b);

/* One epoch: walks the examples in the order order[0..n-1], batch after
 * batch (a BatchIterator over n positions with batch_size and drop_last);
 * for each batch, computes minibatch_mse_grad at the current w and b over
 * that batch's examples, then steps w ← w - lr·∂L_B/∂w and
 * b ← b - lr·∂L_B/∂b. grad_w is room for d numbers that the function may
 * overwrite. When batch_losses is not NULL, batch_losses[s] receives L_B of
 * step s (its loss before the step). Returns the number of steps taken. */
size_t train_epoch(const Examples *data, const size_t *order,
                   size_t batch_size, bool drop_last, double lr, double *w,
                   double *b, double *grad_w, double *batch_losses);

/* The settings of a training run. */
typedef struct {
    size_t batch_size; /* 1 <= batch_size <= n */
    bool drop_last;
    double lr;
    size_t epochs;
} MinibatchConfig;

/* How a training run ended. */
typedef enum {
    MINIBATCH_ALL_EPOCHS, /* every epoch ran */
    MINIBATCH_DIVERGED    /* the loss stopped being a finite number */
} MinibatchStatus;

/* Minibatch gradient descent for cfg->epochs epochs from the caller's w and
 * b, leaving the result in w and b. Sets order[0..n-1] to 0, 1, ..., n-1
 * first; then every epoch begins by reshuffling order with shuffle_indices
 * and rng, and runs train_epoch in that order. (Shuffling a fresh 0..n-1
 * at every epoch instead is just as good and is accepted too; either way,
 * order holds 0..n-1 before the first epoch, even when no epoch runs.)
 * grad_w is room for d numbers.
 * Before the first epoch and after each one, computes the loss over all n
 * examples (the whole dataset, in any order, is itself a batch, so
 * minibatch_mse_grad computes it) and, when epoch_losses is not NULL,
 * stores it: epoch_losses[0] before training, epoch_losses[e] after epoch
 * e, epochs + 1 numbers in all. If that loss is not finite (inf or nan),
 * stops right there and returns MINIBATCH_DIVERGED; otherwise returns
 * MINIBATCH_ALL_EPOCHS. */
MinibatchStatus minibatch_train(const Examples *data, const MinibatchConfig *cfg,
                            Rng *rng, size_t *order, double *grad_w,
                            double *w, double *b, double *epoch_losses);

#endif
