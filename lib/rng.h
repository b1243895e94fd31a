/*
 * rng.h: the course's random number generator.
 *
 * Every random number in the course (datasets, initial weights, shuffles) comes
 * from here, never from rand(): rand()'s sequence differs between C libraries,
 * and the course promises that the same seed gives the same bytes everywhere.
 *
 * Algorithm: xoshiro256** (Blackman and Vigna, "Scrambled linear pseudorandom
 * number generators", 2018), its 256-bit state filled from the seed by
 * splitmix64, as its authors recommend. Normal samples use Marsaglia's polar
 * method, which needs only log and sqrt (no trigonometry).
 *
 * The state is an explicit value owned by the caller: two generators never
 * interfere, and there is no hidden global.
 */
#ifndef RNG_H
#define RNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t s[4];       /* xoshiro256** state; never all zero */
    double spare_normal; /* the polar method makes normals in pairs */
    bool has_spare;
} Rng;

/* Seeds the generator. Any 64-bit seed is valid, including 0. */
void rng_seed(Rng *rng, uint64_t seed);

/* The next 64 random bits. */
uint64_t rng_next_u64(Rng *rng);

/* A uniform double in [0, 1) with 53 random bits (every multiple of 2^-53). */
double rng_uniform(Rng *rng);

/* A uniform integer in [0, bound), without modulo bias. bound must be > 0. */
uint64_t rng_below(Rng *rng, uint64_t bound);

/* A standard normal sample: mean 0, variance 1. */
double rng_normal(Rng *rng);

#endif
