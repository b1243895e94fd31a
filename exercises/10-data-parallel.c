/*
 * exercises/10-data-parallel.c: chapter 10, data-parallel training:
 * shards, their weights, the ring's and the tree's all-reduce steps.
 *
 * Implement each function as its contract in 10-data-parallel.h says.
 * Grade your work with `make check CH=10`; the lesson is
 * chapters/10-data-parallel.md.
 */
#include "10-data-parallel.h"

Shard shard_of(size_t items, size_t ranks, size_t rank)
{
    (void)items; (void)ranks; (void)rank;
    return (Shard){0, 0}; /* TODO: lesson section "Sharding the global batch" */
}

double shard_weight(size_t items, size_t ranks, size_t rank)
{
    (void)items; (void)ranks; (void)rank;
    return -1.0; /* TODO: lesson section "Weighting uneven shards" */
}

void combine_shard_means(const double *const *means, const size_t *counts,
                         size_t shards, size_t n, double *out)
{
    (void)means; (void)counts; (void)shards; (void)n; (void)out;
    /* TODO: lesson section "Weighting uneven shards" */
}

size_t ring_reduce_send(size_t rank, size_t ranks, size_t step)
{
    (void)rank; (void)ranks; (void)step;
    return ranks; /* TODO: lesson section "The ring all-reduce" */
}

size_t ring_reduce_recv(size_t rank, size_t ranks, size_t step)
{
    (void)rank; (void)ranks; (void)step;
    return ranks; /* TODO: lesson section "The ring all-reduce" */
}

size_t ring_gather_send(size_t rank, size_t ranks, size_t step)
{
    (void)rank; (void)ranks; (void)step;
    return ranks; /* TODO: lesson section "The ring all-reduce" */
}

size_t ring_gather_recv(size_t rank, size_t ranks, size_t step)
{
    (void)rank; (void)ranks; (void)step;
    return ranks; /* TODO: lesson section "The ring all-reduce" */
}

size_t tree_steps(size_t ranks)
{
    (void)ranks;
    return 0; /* TODO: lesson section "A tree all-reduce" */
}

TreeRole tree_reduce_step(size_t rank, size_t ranks, size_t step,
                          size_t *partner)
{
    (void)rank; (void)ranks; (void)step; (void)partner;
    return TREE_IDLE; /* TODO: lesson section "A tree all-reduce" */
}
