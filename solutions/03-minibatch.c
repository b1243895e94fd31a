// BEGIN SOLUTION
/*
 * solutions/03-minibatch.c: reference solutions of chapter 3.
 *
 * exercises/03-minibatch.c is generated from this file (`make stubs`): the
 * lines between BEGIN and END SOLUTION markers are dropped and the STUB
 * lines become code. Check yours with `make check CH=03`; look here after.
 */
// END SOLUTION
// STUB: /*
// STUB:  * exercises/03-minibatch.c: chapter 3, full-batch, stochastic and
// STUB:  * minibatch gradient descent.
// STUB:  *
// STUB:  * Implement each function as its contract in 03-minibatch.h says.
// STUB:  * Grade your work with `make check CH=03`; the lesson is
// STUB:  * chapters/03-minibatch.md.
// STUB:  */
#include "03-minibatch.h"

#include <math.h>

//> shuffle
void shuffle_indices(size_t *order, size_t n, Rng *rng)
{
    // BEGIN SOLUTION
    for (size_t i = n; i-- > 1;) {
        size_t j = (size_t)rng_below(rng, (uint64_t)i + 1);
        size_t held = order[i];
        order[i] = order[j];
        order[j] = held;
    }
    // END SOLUTION
    // STUB: (void)order; (void)n; (void)rng;
    // STUB: /* TODO: lesson section "Shuffling every epoch" */
}
//< shuffle

//> batch-iterator
void batch_iterator_init(BatchIterator *it, size_t n, size_t batch_size,
                         bool drop_last)
{
    // BEGIN SOLUTION
    it->n = n;
    it->batch_size = batch_size;
    it->drop_last = drop_last;
    it->next = 0;
    // END SOLUTION
    // STUB: (void)it; (void)n; (void)batch_size; (void)drop_last;
    // STUB: /* TODO: lesson section "The batch iterator" */
}

bool batch_iterator_next(BatchIterator *it, size_t *first, size_t *count)
{
    // BEGIN SOLUTION
    size_t left = it->n - it->next;
    if (left == 0)
        return false;
    if (it->drop_last && left < it->batch_size)
        return false;
    *first = it->next;
    *count = left < it->batch_size ? left : it->batch_size;
    it->next += *count;
    return true;
    // END SOLUTION
    // STUB: (void)it; (void)first; (void)count;
    // STUB: return false; /* TODO: lesson section "The batch iterator" */
}
//< batch-iterator

//> minibatch-grad
double minibatch_mse_grad(const Examples *data, const size_t *rows,
                          size_t count, const double *w, double b,
                          double *grad_w, double *grad_b)
{
    // BEGIN SOLUTION
    size_t d = data->d;
    for (size_t j = 0; j < d; j++)
        grad_w[j] = 0.0;
    double sum_r2 = 0.0, sum_r = 0.0;
    for (size_t k = 0; k < count; k++) {
        const double *x = data->x + rows[k] * d;
        double residual = b - data->y[rows[k]];
        for (size_t j = 0; j < d; j++)
            residual += x[j] * w[j];
        sum_r2 += residual * residual;
        sum_r += residual;
        for (size_t j = 0; j < d; j++)
            grad_w[j] += residual * x[j];
    }
    for (size_t j = 0; j < d; j++)
        grad_w[j] *= 2.0 / (double)count;
    *grad_b = 2.0 * sum_r / (double)count;
    return sum_r2 / (double)count;
    // END SOLUTION
    // STUB: (void)data; (void)rows; (void)count; (void)w; (void)b;
    // STUB: (void)grad_w; (void)grad_b;
    // STUB: return 0.0; /* TODO: lesson section "Minibatches: an unbiased estimate" */
}
//< minibatch-grad

size_t train_epoch(const Examples *data, const size_t *order,
                   size_t batch_size, bool drop_last, double lr, double *w,
                   double *b, double *grad_w, double *batch_losses)
{
    // BEGIN SOLUTION
    BatchIterator it;
    batch_iterator_init(&it, data->n, batch_size, drop_last);
    size_t first, count, steps = 0;
    while (batch_iterator_next(&it, &first, &count)) {
        double grad_b;
        double loss = minibatch_mse_grad(data, order + first, count, w, *b,
                                         grad_w, &grad_b);
        for (size_t j = 0; j < data->d; j++)
            w[j] -= lr * grad_w[j];
        *b -= lr * grad_b;
        if (batch_losses)
            batch_losses[steps] = loss;
        steps++;
    }
    return steps;
    // END SOLUTION
    // STUB: (void)data; (void)order; (void)batch_size; (void)drop_last;
    // STUB: (void)lr; (void)w; (void)b; (void)grad_w; (void)batch_losses;
    // STUB: return 0; /* TODO: lesson section "One epoch" */
}

MinibatchStatus minibatch_train(const Examples *data, const MinibatchConfig *cfg,
                            Rng *rng, size_t *order, double *grad_w,
                            double *w, double *b, double *epoch_losses)
{
    // BEGIN SOLUTION
    for (size_t i = 0; i < data->n; i++)
        order[i] = i;
    for (size_t epoch = 0;; epoch++) {
        double grad_b;
        double loss = minibatch_mse_grad(data, order, data->n, w, *b, grad_w,
                                         &grad_b);
        if (epoch_losses)
            epoch_losses[epoch] = loss;
        if (!isfinite(loss))
            return MINIBATCH_DIVERGED;
        if (epoch == cfg->epochs)
            return MINIBATCH_ALL_EPOCHS;
        shuffle_indices(order, data->n, rng);
        train_epoch(data, order, cfg->batch_size, cfg->drop_last, cfg->lr, w,
                    b, grad_w, NULL);
    }
    // END SOLUTION
    // STUB: (void)data; (void)cfg; (void)rng; (void)order; (void)grad_w;
    // STUB: (void)w; (void)b; (void)epoch_losses;
    // STUB: return MINIBATCH_DIVERGED; /* TODO: lesson section "Training for many epochs" */
}
