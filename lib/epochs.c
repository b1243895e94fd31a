/*
 * epochs.c: see epochs.h. The shuffle and the batches are chapter 3's
 * graded shuffle_indices and batch_iterator_init/_next, linked from
 * solutions/03-minibatch.c like any earlier chapter's code.
 */
#include "epochs.h"

void epochs_seed(Rng *shuffles, uint64_t seed)
{
    rng_seed(shuffles, seed ^ 0x53485546464c45u); /* "SHUFFLE" */
}

void epochs_init(Epochs *e, size_t *order, size_t n, size_t batch_size,
                 bool drop_last, uint64_t seed)
{
    *e = (Epochs){.order = order, .n = n, .batch_size = batch_size,
                  .drop_last = drop_last};
    epochs_seed(&e->shuffles, seed);
}

void epochs_start(Epochs *e)
{
    shuffle_indices(e->order, e->n, &e->shuffles);
    batch_iterator_init(&e->batches, e->n, e->batch_size, e->drop_last);
}

bool epochs_next(Epochs *e, const size_t **rows, size_t *count)
{
    size_t first;
    if (!batch_iterator_next(&e->batches, &first, count))
        return false;
    *rows = e->order + first;
    return true;
}

void epochs_next_step(Epochs *e, const size_t **rows, size_t *count)
{
    if (epochs_next(e, rows, count))
        return;
    epochs_start(e);
    epochs_next(e, rows, count);
}

/* Asks a copy of the iterator, so that the answer is chapter 3's, drop_last
 * and the partial last batch included. */
bool epochs_ended(const Epochs *e)
{
    BatchIterator ahead = e->batches;
    size_t first, count;
    return !batch_iterator_next(&ahead, &first, &count);
}
