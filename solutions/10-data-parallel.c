// BEGIN SOLUTION
/*
 * solutions/10-data-parallel.c: reference solutions of chapter 10.
 *
 * exercises/10-data-parallel.c is generated from this file (`make stubs`):
 * the lines between BEGIN and END SOLUTION markers are dropped and the STUB
 * lines become code. Check yours with `make check CH=10`; look here after.
 */
// END SOLUTION
// STUB: /*
// STUB:  * exercises/10-data-parallel.c: chapter 10, data-parallel training:
// STUB:  * shards, their weights, the ring's and the tree's all-reduce steps.
// STUB:  *
// STUB:  * Implement each function as its contract in 10-data-parallel.h says.
// STUB:  * Grade your work with `make check CH=10`; the lesson is
// STUB:  * chapters/10-data-parallel.md.
// STUB:  */
#include "10-data-parallel.h"

//> shard-of
Shard shard_of(size_t items, size_t ranks, size_t rank)
{
    // BEGIN SOLUTION
    size_t base = items / ranks, extra = items % ranks;
    Shard s;
    s.count = base + (rank < extra ? 1 : 0);
    s.first = rank * base + (rank < extra ? rank : extra);
    return s;
    // END SOLUTION
    // STUB: (void)items; (void)ranks; (void)rank;
    // STUB: return (Shard){0, 0}; /* TODO: lesson section "Sharding the global batch" */
}
//< shard-of

//> shard-weight
double shard_weight(size_t items, size_t ranks, size_t rank)
{
    // BEGIN SOLUTION
    return (double)shard_of(items, ranks, rank).count / (double)items;
    // END SOLUTION
    // STUB: (void)items; (void)ranks; (void)rank;
    // STUB: return -1.0; /* TODO: lesson section "Weighting uneven shards" */
}
//< shard-weight

//> combine-shard-means
void combine_shard_means(const double *const *means, const size_t *counts,
                         size_t shards, size_t n, double *out)
{
    // BEGIN SOLUTION
    size_t total = 0;
    for (size_t s = 0; s < shards; s++)
        total += counts[s];
    for (size_t i = 0; i < n; i++)
        out[i] = 0.0;
    for (size_t s = 0; s < shards; s++) {
        if (counts[s] == 0)
            continue; /* its mean, a sum over no items / 0, may be nan */
        double weight = (double)counts[s] / (double)total;
        for (size_t i = 0; i < n; i++)
            out[i] += weight * means[s][i];
    }
    // END SOLUTION
    // STUB: (void)means; (void)counts; (void)shards; (void)n; (void)out;
    // STUB: /* TODO: lesson section "Weighting uneven shards" */
}
//< combine-shard-means

//> ring-steps
size_t ring_reduce_send(size_t rank, size_t ranks, size_t step)
{
    // BEGIN SOLUTION
    /* (r - s) mod P, with P added before the subtraction: a size_t cannot
     * go below 0, and would wrap to 2^64 - 1 instead. */
    return (rank + ranks - step % ranks) % ranks;
    // END SOLUTION
    // STUB: (void)rank; (void)ranks; (void)step;
    // STUB: return ranks; /* TODO: lesson section "The ring all-reduce" */
}

size_t ring_reduce_recv(size_t rank, size_t ranks, size_t step)
{
    // BEGIN SOLUTION
    /* (r - s - 1) mod P: what rank r - 1 sends at this step. */
    return (rank + 2 * ranks - step % ranks - 1) % ranks;
    // END SOLUTION
    // STUB: (void)rank; (void)ranks; (void)step;
    // STUB: return ranks; /* TODO: lesson section "The ring all-reduce" */
}

size_t ring_gather_send(size_t rank, size_t ranks, size_t step)
{
    // BEGIN SOLUTION
    /* (r + 1 - s) mod P: first the chunk the reduce finished here. */
    return (rank + 1 + ranks - step % ranks) % ranks;
    // END SOLUTION
    // STUB: (void)rank; (void)ranks; (void)step;
    // STUB: return ranks; /* TODO: lesson section "The ring all-reduce" */
}

size_t ring_gather_recv(size_t rank, size_t ranks, size_t step)
{
    // BEGIN SOLUTION
    /* (r - s) mod P: what rank r - 1 sends, and this rank sends next. */
    return (ranks + rank - step % ranks) % ranks;
    // END SOLUTION
    // STUB: (void)rank; (void)ranks; (void)step;
    // STUB: return ranks; /* TODO: lesson section "The ring all-reduce" */
}
//< ring-steps

//> tree-steps
size_t tree_steps(size_t ranks)
{
    // BEGIN SOLUTION
    size_t steps = 0;
    while (((size_t)1 << steps) < ranks)
        steps++;
    return steps;
    // END SOLUTION
    // STUB: (void)ranks;
    // STUB: return 0; /* TODO: lesson section "A tree all-reduce" */
}

TreeRole tree_reduce_step(size_t rank, size_t ranks, size_t step,
                          size_t *partner)
{
    // BEGIN SOLUTION
    size_t d = (size_t)1 << step;
    if (rank % d != 0)
        return TREE_IDLE; /* it sent its partial sum at an earlier step */
    if (rank % (2 * d) != 0) {
        *partner = rank - d;
        return TREE_SEND;
    }
    if (rank + d < ranks) {
        *partner = rank + d;
        return TREE_RECEIVE;
    }
    return TREE_IDLE;
    // END SOLUTION
    // STUB: (void)rank; (void)ranks; (void)step; (void)partner;
    // STUB: return TREE_IDLE; /* TODO: lesson section "A tree all-reduce" */
}
//< tree-steps
