/*
 * epochs.h: the training examples in minibatches, epoch after epoch, drawn
 * the way chapter 3 draws them.
 *
 * Chapter 3's exercises are the pieces: at the start of every epoch
 * shuffle_indices puts the examples in a new order, and a BatchIterator
 * cuts that order into batches. Every program that trains on minibatches
 * after chapter 3 (chapter 7's regression, chapter 8's and 9's networks,
 * chapter 10's ranks) draws its batches this way, so the drawing is
 * written once, here, and each loop keeps only what its chapter adds.
 *
 *     Epochs e;
 *     epochs_init(&e, order, n, batch_size, drop_last, seed);
 *     for each epoch:
 *         epochs_start(&e);                       shuffles order
 *         while (epochs_next(&e, &rows, &count))  rows[0..count-1]
 *             ...the batch of examples rows[0], ..., rows[count - 1]...
 *
 * A loop counted in steps instead starts the first epoch, then takes
 * epochs_next_step, which starts the next epoch itself when one runs out.
 */
#ifndef EPOCHS_H
#define EPOCHS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "03-minibatch.h"
#include "rng.h"

/* Seeds the stream that a run seeded `seed` shuffles from. It is not the
 * stream of the data or of the initial weights, so that drawing one never
 * moves another: a run on generated data and a run on the same data saved
 * and read back shuffle alike. */
void epochs_seed(Rng *shuffles, uint64_t seed);

typedef struct {
    size_t *order;         /* the caller's n example indices */
    size_t n, batch_size;  /* 1 <= batch_size <= n */
    bool drop_last;        /* leave out a last batch smaller than batch_size */
    Rng shuffles;          /* epochs_seed's stream */
    BatchIterator batches; /* the current epoch's */
} Epochs;

/* Sets up *e to draw from order[0..n-1], whose first order the caller
 * chose (0, 1, ..., n - 1, say), with the shuffles of `seed`. No epoch has
 * started yet: epochs_start starts the first. */
void epochs_init(Epochs *e, size_t *order, size_t n, size_t batch_size,
                 bool drop_last, uint64_t seed);

/* Starts an epoch: shuffles e->order, and goes back to its first batch. */
void epochs_start(Epochs *e);

/* The current epoch's next batch, as the `*count` example indices from
 * *rows on; false when the epoch has none left. */
bool epochs_next(Epochs *e, const size_t **rows, size_t *count);

/* The next batch, after starting a new epoch if the current one has none
 * left. */
void epochs_next_step(Epochs *e, const size_t **rows, size_t *count);

/* True when the current epoch has no batch left: the last batch given
 * was its last. */
bool epochs_ended(const Epochs *e);

#endif
