/*
 * matmul-bench.c: the speed of matmul_add (lib/matmul.c) at chapter 8's
 * shapes, with each instruction set this processor runs, against the
 * fastest this core multiplies and adds.
 *
 * Build and run (tests/matmul.sh builds it; running it is a measurement,
 * not a check):
 *   cc -O2 -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Werror \
 *      -ffp-contract=off -Ilib tests/matmul-bench.c lib/matmul.c lib/rng.c \
 *      -lm -o matmul-bench && ./matmul-bench [RUNS]
 * Prints CSV: one row per probe and per shape and instruction set, the
 * median of RUNS timings (7 by default, at least 5) and their range, in
 * GFLOP/s (a multiplication and an addition count as two), and the median
 * as a fraction of the probe's peak for the same vector width.
 */
#include "matmul.h"
#include "rng.h"
#include "timing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef double Vec4 __attribute__((vector_size(4 * sizeof(double))));
typedef double Vec8 __attribute__((vector_size(8 * sizeof(double))));

//> peak-probe
/* The yardstick: the most multiplications and additions per second this
 * core runs as separate instructions, as matmul_add's must be. `chains`
 * vectors each go x <- x*s + t, `steps` times: a product then a sum, with
 * the chains independent so that no instruction waits for the one before
 * (x tends to t / (1 - s) = 2, never overflowing nor becoming subnormal).
 * 12 chains of 4 (AVX2: 12 of its 16 registers) or 24 of 8 (AVX-512: 24
 * of 32), as many as matmul_add's tiles hold: more than enough to hide the
 * latency of a multiplication followed by an addition. Returns the number
 * of GFLOP/s. */
#define DEFINE_PROBE(Vec, chains, isa)                                        \
    __attribute__((target(isa))) static double                                \
    probe_##Vec(size_t steps, double s, double t)                             \
    {                                                                         \
        enum { LANES = sizeof(Vec) / sizeof(double) };                        \
        Vec x[chains];                                                        \
        for (size_t c = 0; c < chains; c++)                                   \
            x[c] = (Vec){0} + (double)c;                                      \
        double start = timing_now();                                          \
        for (size_t k = 0; k < steps; k++)                                    \
            _Pragma("GCC unroll 24") for (size_t c = 0; c < chains; c++)      \
                x[c] = x[c] * s + t;                                          \
        double elapsed = timing_now() - start;                                \
        for (size_t c = 0; c < chains; c++)                                   \
            for (size_t l = 0; l < LANES; l++)                                \
                sink += x[c][l];                                              \
        return 2.0 * LANES * chains * (double)steps / elapsed * 1e-9;         \
    }

/* volatile, so the compiler cannot know s and t and fold the probe away,
 * nor drop the chains' results. */
static volatile double probe_s = 0.5, probe_t = 1.0;
static volatile double sink;

DEFINE_PROBE(Vec4, 12, "avx2")
DEFINE_PROBE(Vec8, 24, "avx512f")
//< peak-probe

/* One timing of the probe in GFLOP/s. */
static double probe_rate(MatmulIsa isa)
{
    size_t steps = 2000000;
    return isa == MATMUL_ISA_AVX512 ? probe_Vec8(steps, probe_s, probe_t)
                                    : probe_Vec4(steps, probe_s, probe_t);
}

/* One timing of matmul_add_isa at n×m×p in GFLOP/s: as many calls as fill
 * a tenth of a second (C grows by A·B each call; with entries in [-1, 1]
 * it stays far from overflow). */
static double product_rate(MatmulIsa isa, size_t n, size_t m, size_t p,
                           const double *a, const double *b, double *c)
{
    size_t calls = 0;
    double start = timing_now(), elapsed;
    do {
        matmul_add_isa(isa, n, m, p, a, b, c);
        calls++;
        elapsed = timing_now() - start;
    } while (elapsed < 0.1);
    return 2.0 * (double)n * (double)m * (double)p * (double)calls / elapsed * 1e-9;
}

enum { MAX_RUNS = 101 };

/* Median, minimum and maximum of rates[0..runs-1] (sorts them). */
static void summarize(double *rates, int runs, double *median, double *low, double *high)
{
    *median = timing_median(rates, (size_t)runs);
    *low = rates[0], *high = rates[runs - 1];
}

/* Chapter 8's products, (n, m, p) for a minibatch of 128 through
 * 784-256-128-10, then a batch of one. */
static const size_t SHAPES[][3] = {
    {128, 784, 256}, {128, 256, 128}, {128, 128, 10}, {784, 128, 256},
    {256, 128, 128}, {128, 10, 10}, {128, 128, 256}, {128, 10, 128},
    {1, 784, 256}, {1, 256, 128},
};

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 7;
    if (argc > 2 || runs < 5 || runs > MAX_RUNS) {
        fprintf(stderr, "usage: matmul-bench [RUNS]  (RUNS from 5 to %d, 7 by default)\n", MAX_RUNS);
        return 2;
    }
    const MatmulIsa isas[] = {MATMUL_ISA_SCALAR, MATMUL_ISA_AVX2, MATMUL_ISA_AVX512};
    double rates[MAX_RUNS], median, low, high;
    double peak[sizeof isas / sizeof isas[0]] = {0};

    printf("what,n,m,p,isa,gflops_median,gflops_min,gflops_max,fraction_of_peak\n");
    for (size_t t = 1; t < sizeof isas / sizeof isas[0]; t++) {
        if (!matmul_isa_available(isas[t]))
            continue;
        for (int r = 0; r < runs; r++)
            rates[r] = probe_rate(isas[t]);
        summarize(rates, runs, &median, &low, &high);
        peak[t] = median;
        printf("mul+add-peak,,,,%s,%.2f,%.2f,%.2f,1\n", matmul_isa_name(isas[t]), median, low, high);
    }
    /* The scalar loop is measured against the AVX2 peak's quarter: one
     * double per instruction instead of four. */
    peak[0] = peak[1] / 4;

    Rng rng;
    rng_seed(&rng, 8);
    for (size_t s = 0; s < sizeof SHAPES / sizeof SHAPES[0]; s++) {
        size_t n = SHAPES[s][0], m = SHAPES[s][1], p = SHAPES[s][2];
        double *a = malloc(n * m * sizeof *a), *b = malloc(m * p * sizeof *b);
        double *c = malloc(n * p * sizeof *c);
        if (!a || !b || !c) {
            fprintf(stderr, "matmul-bench: out of memory\n");
            return 1;
        }
        for (size_t e = 0; e < n * m; e++)
            a[e] = 2 * rng_uniform(&rng) - 1;
        for (size_t e = 0; e < m * p; e++)
            b[e] = 2 * rng_uniform(&rng) - 1;
        memset(c, 0, n * p * sizeof *c);
        for (size_t t = 0; t < sizeof isas / sizeof isas[0]; t++) {
            if (!matmul_isa_available(isas[t]))
                continue;
            for (int r = 0; r < runs; r++)
                rates[r] = product_rate(isas[t], n, m, p, a, b, c);
            summarize(rates, runs, &median, &low, &high);
            printf("matmul_add,%zu,%zu,%zu,%s,%.2f,%.2f,%.2f,%.3f\n", n, m, p,
                   matmul_isa_name(isas[t]), median, low, high,
                   peak[t] > 0 ? median / peak[t] : 0.0);
        }
        free(a), free(b), free(c);
    }
    return 0;
}
