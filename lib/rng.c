/*
 * rng.c: xoshiro256** seeded by splitmix64, with uniform, bounded and normal
 * samples. See rng.h for why the course carries its own generator.
 */
#include "rng.h"

#include <assert.h>
#include <math.h>

/* splitmix64 (Steele, Lea and Flood, 2014): turns any seed, even 0, into
 * well-mixed words for the main generator's state. */
static uint64_t splitmix64_next(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t rotate_left(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void rng_seed(Rng *rng, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64_next(&seed);
    rng->has_spare = false;
    rng->spare_normal = 0.0;
}

uint64_t rng_next_u64(Rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotate_left(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotate_left(s[3], 45);
    return result;
}

double rng_uniform(Rng *rng)
{
    /* The top 53 bits fill a double's significand exactly. */
    return (double)(rng_next_u64(rng) >> 11) * 0x1.0p-53;
}

uint64_t rng_below(Rng *rng, uint64_t bound)
{
    assert(bound > 0);
    /* Reject the few values at the bottom, r < 2^64 mod bound, that would
     * make some results more likely than others (Lemire's threshold). */
    uint64_t threshold = -bound % bound;
    for (;;) {
        uint64_t r = rng_next_u64(rng);
        if (r >= threshold)
            return r % bound;
    }
}

double rng_normal(Rng *rng)
{
    if (rng->has_spare) {
        rng->has_spare = false;
        return rng->spare_normal;
    }
    /* Marsaglia's polar method: a uniform point in the unit disc, scaled,
     * gives two independent standard normals. */
    double u, v, s;
    do {
        u = 2.0 * rng_uniform(rng) - 1.0;
        v = 2.0 * rng_uniform(rng) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double scale = sqrt(-2.0 * log(s) / s);
    rng->spare_normal = v * scale;
    rng->has_spare = true;
    return u * scale;
}
