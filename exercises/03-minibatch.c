/*
 * exercises/03-minibatch.c: chapter 3, full-batch, stochastic and
 * minibatch gradient descent.
 *
 * Implement each function as its contract in 03-minibatch.h says.
 * Grade your work with `make check CH=03`; the lesson is
 * chapters/03-minibatch.md.
 */
#include "03-minibatch.h"

#include <math.h>

void shuffle_indices(size_t *order, size_t n, Rng *rng)
{
    (void)order; (void)n; (void)rng;
    /* TODO: lesson section "Shuffling every epoch" */
}

void batch_iterator_init(BatchIterator *it, size_t n, size_t batch_size,
                         bool drop_last)
{
    (void)it; (void)n; (void)batch_size; (void)drop_last;
    /* TODO: lesson section "The batch iterator" */
}

bool batch_iterator_next(BatchIterator *it, size_t *first, size_t *count)
{
    (void)it; (void)first; (void)count;
    return false; /* TODO: lesson section "The batch iterator" */
}

double minibatch_mse_grad(const Examples *data, const size_t *rows,
                          size_t count, const double *w, double b,
                          double *grad_w, double *grad_b)
{
    (void)data; (void)rows; (void)count; (void)w; (void)b;
    (void)grad_w; (void)grad_b;
    return 0.0; /* TODO: lesson section "Minibatches: an unbiased estimate" */
}

size_t train_epoch(const Examples *data, const size_t *order,
                   size_t batch_size, bool drop_last, double lr, double *w,
                   double *b, double *grad_w, double *batch_losses)
{
    (void)data; (void)order; (void)batch_size; (void)drop_last;
    (void)lr; (void)w; (void)b; (void)grad_w; (void)batch_losses;
    return 0; /* TODO: lesson section "One epoch" */
}

MinibatchStatus minibatch_train(const Examples *data, const MinibatchConfig *cfg,
                            Rng *rng, size_t *order, double *grad_w,
                            double *w, double *b, double *epoch_losses)
{
    (void)data; (void)cfg; (void)rng; (void)order; (void)grad_w;
    (void)w; (void)b; (void)epoch_losses;
    return MINIBATCH_DIVERGED; /* TODO: lesson section "Training for many epochs" */
}
