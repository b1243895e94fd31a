/*
 * 10-data-parallel.h: the exercises of chapter 10, data-parallel training:
 * how a global batch is cut into shards, how the shards' gradients are
 * weighted, which chunk each rank sends and adds at each step of the ring
 * all-reduce, and what each rank does at each step of a tree all-reduce.
 *
 * You write these functions in exercises/10-data-parallel.c; `make check
 * CH=10` grades them, with the ranks simulated in one process (no mpirun).
 * Each comment below is the contract your function must keep; the lesson,
 * chapters/10-data-parallel.md, explains the ideas, and the section named
 * in each comment is the one to read first.
 *
 * Conventions. P = ranks >= 1 processes, numbered 0..P-1. A rank's
 * neighbours on the ring are rank + 1 (it sends to it) and rank - 1 (it
 * receives from it), both modulo P.
 */
#ifndef EXERCISES_10_DATA_PARALLEL_H
#define EXERCISES_10_DATA_PARALLEL_H

#include <stddef.h>

/* ------------------------------- lesson: "Sharding the global batch" */

/* A contiguous run of items: first, first + 1, ..., first + count - 1. */
typedef struct {
    size_t first, count;
} Shard;

/* Rank `rank`'s shard of `items` items over `ranks` ranks (rank < ranks):
 * every rank gets items / ranks of them, and the first items % ranks ranks
 * one more; the shards are contiguous, in rank order, and together cover
 * 0..items-1 exactly once. 10 items over 4 ranks: {0,3}, {3,3}, {6,2},
 * {8,2}. A rank may get none (count 0) when items < ranks. The same rule
 * cuts a vector of n numbers into the ring's P chunks: chunk c is
 * shard_of(n, P, c). */
Shard shard_of(size_t items, size_t ranks, size_t rank);

/* -------------------------------- lesson: "Weighting uneven shards" */

/* The weight of rank `rank`'s shard mean in the global batch's mean: its
 * share of the items, shard_of(...).count / items (items >= 1). With
 * these weights the weighted sum of the shards' mean gradients is the
 * mean gradient of the whole batch (chapter 2's accumulation); 1/ranks is
 * right only when the shards are equal. */
double shard_weight(size_t items, size_t ranks, size_t rank);

/* The mean of a batch from its shards' means, as a fixed-order reduction:
 * shard s holds counts[s] items and its mean vector means[s][0..n-1]
 * (shards >= 1, the counts adding to total >= 1). Writes
 *   out[i] = Σ_s (counts[s] / total) · means[s][i]
 * adding the shards in order s = 0, 1, ..., with each weight computed as
 * (double)counts[s] / (double)total, one rounding (counts[s]·(1/total)
 * rounds twice: 3·(1/10) and 7·(1/35) are a unit off), and multiplied
 * into the mean before it is added. Starting the sum from 0.0 or from the
 * first term added is yours to choose: the two differ only in the sign of
 * a zero (0.0 + -0.0 is +0.0), which is left open. Written in this one
 * order, the result is the same bits however the shards are spread over
 * ranks. A shard with counts[s] = 0 adds nothing; a shard that holds
 * items is added whatever its mean, so a nan or inf in it reaches out, as
 * it would in the mean of the whole batch taken in one process. out must
 * not overlap any means[s]. */
void combine_shard_means(const double *const *means, const size_t *counts,
                         size_t shards, size_t n, double *out);

/* ------------------------------------ lesson: "The ring all-reduce" */

/* The ring all-reduce of a vector cut into P chunks (shard_of's rule):
 * P - 1 steps of reduce-scatter, then P - 1 steps of all-gather. At each
 * step every rank sends one chunk to rank + 1 and receives one from
 * rank - 1, at once (MPI_Sendrecv).
 *
 * Reduce-scatter, step s = 0..P-2: rank r sends chunk (r - s) mod P and
 * receives chunk (r - s - 1) mod P, which it ADDS to its own copy of that
 * chunk. After the last step rank r holds the whole sum of chunk
 * (r + 1) mod P. */
size_t ring_reduce_send(size_t rank, size_t ranks, size_t step);
size_t ring_reduce_recv(size_t rank, size_t ranks, size_t step);

/* All-gather, step s = 0..P-2: rank r sends chunk (r + 1 - s) mod P (at
 * s = 0 the one it finished) and receives chunk (r - s) mod P, which it
 * COPIES over its own. After the last step every rank holds every summed
 * chunk. */
size_t ring_gather_send(size_t rank, size_t ranks, size_t step);
size_t ring_gather_recv(size_t rank, size_t ranks, size_t step);

/* ------------------------------------- lesson: "A tree all-reduce" */

/* The binomial-tree all-reduce: the ranks' vectors summed up a tree into
 * rank 0 (the reduce), then the sum sent back down the same tree (the
 * broadcast). At each step a rank sends its whole vector, receives one,
 * or waits. */
typedef enum { TREE_IDLE, TREE_SEND, TREE_RECEIVE } TreeRole;

/* The number of steps of the reduce over `ranks` >= 1 ranks: the least s
 * with 2^s >= ranks, ⌈log2 P⌉ (0 for one rank, 2 for 3 or 4, 3 for 5 to
 * 8). The count is a size_t and may be any value up to SIZE_MAX / 2 + 1
 * (2^63 with a 64-bit size_t), far past what an int or a 32-bit unsigned
 * holds: 2^31 + 1 ranks take 32 steps, 2^40 + 1 take 41. The broadcast
 * takes as many steps. */
size_t tree_steps(size_t ranks);

/* What rank `rank` (of `ranks`) does at step s of the reduce
 * (0 <= s < tree_steps(ranks)), with d = 2^s:
 *   - a rank that is not a multiple of d sent its partial sum at an
 *     earlier step and is done: TREE_IDLE;
 *   - an odd multiple of d SENDS its partial sum to rank - d;
 *   - an even multiple of d (a multiple of 2d) RECEIVES the partial sum of
 *     rank + d and adds it to its own, if rank + d < ranks; otherwise it
 *     has no partner this step: TREE_IDLE.
 * Sets *partner to the rank it sends to or receives from; leaves it alone
 * when IDLE. After the last step rank 0 holds the sum of every rank's
 * vector, each rank but 0 having sent exactly once. The broadcast is the
 * reduce run backwards: its steps from the last to the first, with SEND
 * and RECEIVE swapped, and what is received copied, not added. */
TreeRole tree_reduce_step(size_t rank, size_t ranks, size_t step,
                          size_t *partner);

#endif
