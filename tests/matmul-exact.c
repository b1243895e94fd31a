/*
 * matmul-exact.c: checks that matmul_add (lib/matmul.c) gives, bit for
 * bit, what the naive loop of its contract gives, with every instruction
 * set this processor runs, and that matrix_transpose transposes.
 *
 * Build and run (tests/matmul.sh does, also at -O0 and with clang):
 *   cc -O2 -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Werror \
 *      -ffp-contract=off -Ilib tests/matmul-exact.c lib/matmul.c lib/rng.c \
 *      -lm -o matmul-exact && ./matmul-exact
 * Exit status 0 when everything agrees; otherwise 1, after one line naming
 * the instruction set, the shape and the first entry that differs.
 *
 * Why the values are drawn the way they are: with numbers of similar size,
 * a product computed in another order of additions often rounds to the same
 * double, and a reordering could slip through. Here every number has a
 * random exponent over a wide range (2^-30 to 2^30), so partial sums differ
 * by many orders of magnitude and nearly any change of order changes the
 * last bits (tests/matmul.sh checks that two such changes are caught).
 */
#include "matmul.h"
#include "rng.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The contract's loop, written again here so that the library is never
 * compared with itself. */
static void naive_matmul_add(size_t n, size_t m, size_t p, const double *a,
                             const double *b, double *c)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++)
            for (size_t k = 0; k < m; k++)
                c[i * p + j] = c[i * p + j] + a[i * m + k] * b[k * p + j];
}

/* ±(1 to 2) · 2^e with e uniform in -30..30; now and then (one in `rare`,
 * when rare > 0) an infinity of either sign or a nan instead. */
static double wide_value(Rng *rng, uint64_t rare)
{
    if (rare && rng_below(rng, rare) == 0) {
        static const double special[] = {INFINITY, -INFINITY, NAN};
        return special[rng_below(rng, 3)];
    }
    /* One draw per statement: the order in which a call's arguments are
     * evaluated is unspecified (GCC and clang differ), and so would the
     * numbers be. */
    double mantissa = 1.0 + rng_uniform(rng);
    int exponent = (int)rng_below(rng, 61) - 30;
    double x = ldexp(mantissa, exponent);
    return rng_below(rng, 2) ? x : -x;
}

static void fill(Rng *rng, double *x, size_t count, uint64_t rare)
{
    for (size_t i = 0; i < count; i++)
        x[i] = wide_value(rng, rare);
}

static uint64_t bits_of(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

/* Same bits, or both nan (the contract does not promise nan payloads). */
static int same(double x, double y)
{
    return bits_of(x) == bits_of(y) || (isnan(x) && isnan(y));
}

/* Folds x into a 64-bit FNV-1a digest (every nan counted as one value),
 * so that two builds of this program can be seen to compute the same
 * bits: tests/matmul.sh compares -O2, -O0 and clang. */
static uint64_t digest_add(uint64_t digest, double x)
{
    uint64_t u = isnan(x) ? 0x7ff8000000000000u : bits_of(x);
    for (int byte = 0; byte < 8; byte++, u >>= 8)
        digest = (digest ^ (u & 0xff)) * 0x100000001b3u;
    return digest;
}

/* Guard entries on each side of C: a copy that wrote past its edges fails. */
enum { GUARD = 8 };
static const double GUARD_VALUE = -12345.678;

/* One shape, one instruction set: C (preloaded with wide values) is updated
 * by matmul_add_isa and compared entry by entry with the naive loop's C.
 * `offset` shifts A, B and C by that many doubles from an aligned start. */
static int check_product(MatmulIsa isa, size_t n, size_t m, size_t p,
                         uint64_t rare, size_t offset, Rng *rng,
                         uint64_t *digest)
{
    size_t na = n * m, nb = m * p, nc = n * p;
    double *a = malloc((na + offset + 1) * sizeof *a);
    double *b = malloc((nb + offset + 1) * sizeof *b);
    double *c = malloc((nc + 2 * GUARD + offset) * sizeof *c);
    double *want = malloc((nc + 1) * sizeof *want);
    if (!a || !b || !c || !want) {
        fprintf(stderr, "matmul-exact: out of memory at %zux%zux%zu\n", n, m, p);
        exit(1);
    }
    double *ao = a + offset, *bo = b + offset, *co = c + offset + GUARD;
    fill(rng, ao, na, rare);
    fill(rng, bo, nb, rare);
    fill(rng, co, nc, rare);
    for (size_t g = 0; g < GUARD; g++)
        co[-1 - (ptrdiff_t)g] = co[nc + g] = GUARD_VALUE;
    memcpy(want, co, nc * sizeof *want);
    naive_matmul_add(n, m, p, ao, bo, want);
    if (isa == MATMUL_ISA_AUTO)
        matmul_add(n, m, p, ao, bo, co);
    else
        matmul_add_isa(isa, n, m, p, ao, bo, co);

    int ok = 1;
    for (size_t e = 0; e < nc; e++)
        *digest = digest_add(*digest, co[e]);
    for (size_t e = 0; e < nc && ok; e++)
        if (!same(co[e], want[e])) {
            printf("matmul-exact: %s, n=%zu m=%zu p=%zu (offset %zu%s): C[%zu][%zu] is %.17g "
                   "(0x%016" PRIx64 "), the naive loop gives %.17g (0x%016" PRIx64 ")\n",
                   matmul_isa_name(isa), n, m, p, offset, rare ? ", with inf/nan" : "",
                   e / p, e % p, co[e], bits_of(co[e]), want[e], bits_of(want[e]));
            ok = 0;
        }
    for (size_t g = 0; g < GUARD && ok; g++)
        if (co[-1 - (ptrdiff_t)g] != GUARD_VALUE || co[nc + g] != GUARD_VALUE) {
            printf("matmul-exact: %s, n=%zu m=%zu p=%zu: wrote outside C\n",
                   matmul_isa_name(isa), n, m, p);
            ok = 0;
        }
    free(a), free(b), free(c), free(want);
    return ok;
}

/* matrix_transpose against its definition, dst[j][i] = src[i][j]. */
static int check_transpose(size_t rows, size_t cols, Rng *rng)
{
    double *src = malloc((rows * cols + 1) * sizeof *src);
    double *dst = malloc((rows * cols + 1) * sizeof *dst);
    if (!src || !dst) {
        fprintf(stderr, "matmul-exact: out of memory\n");
        exit(1);
    }
    fill(rng, src, rows * cols, 0);
    matrix_transpose(rows, cols, src, dst);
    int ok = 1;
    for (size_t i = 0; i < rows && ok; i++)
        for (size_t j = 0; j < cols && ok; j++)
            if (bits_of(dst[j * rows + i]) != bits_of(src[i * cols + j])) {
                printf("matmul-exact: transpose of %zux%zu: dst[%zu][%zu] is %.17g, src[%zu][%zu] is %.17g\n",
                       rows, cols, j, i, dst[j * rows + i], i, j, src[i * cols + j]);
                ok = 0;
            }
    free(src), free(dst);
    return ok;
}

/* Chapter 8's products for a minibatch of 128 through 784-256-128-10
 * (forward X·W, dW += Xᵀ·dY, dX = dY·Wᵀ), a batch of one, and shapes
 * that are one off every tile and block size. */
static const size_t SHAPES[][3] = {
    {128, 784, 256}, {128, 256, 128}, {128, 128, 10}, {784, 128, 256},
    {256, 128, 128}, {128, 10, 10}, {128, 128, 256}, {128, 10, 128},
    {1, 784, 256}, {1, 256, 128}, {1, 128, 10}, {784, 1, 256}, {10, 1, 128},
    {1, 1, 1}, {0, 5, 5}, {5, 0, 5}, {5, 5, 0}, {0, 0, 0},
    {7, 129, 25}, {9, 257, 23}, {129, 127, 513}, {8, 128, 24}, {17, 3, 1},
};

int main(void)
{
    Rng rng;
    rng_seed(&rng, 8);
    const MatmulIsa isas[] = {MATMUL_ISA_SCALAR, MATMUL_ISA_AVX2,
                              MATMUL_ISA_AVX512, MATMUL_ISA_AUTO};
    size_t shapes = sizeof SHAPES / sizeof SHAPES[0], random_shapes = 60;
    size_t checks = 0;
    uint64_t digest = 0xcbf29ce484222325u; /* FNV-1a's starting value */
    for (size_t s = 0; s < shapes + random_shapes; s++) {
        size_t n, m, p;
        if (s < shapes)
            n = SHAPES[s][0], m = SHAPES[s][1], p = SHAPES[s][2];
        else
            n = rng_below(&rng, 301), m = rng_below(&rng, 301), p = rng_below(&rng, 301);
        /* Every fourth shape with infinities and nans, a dozen or so
         * among its numbers (more would turn nearly all of C into nan);
         * every other one shifted off alignment by an odd number of doubles. */
        uint64_t rare = s % 4 == 3 ? (n * m + m * p + n * p) / 12 + 1 : 0;
        size_t offset = s % 2 ? 1 + 2 * rng_below(&rng, 4) : 0;
        for (size_t t = 0; t < sizeof isas / sizeof isas[0]; t++) {
            if (!matmul_isa_available(isas[t]))
                continue;
            if (!check_product(isas[t], n, m, p, rare, offset, &rng, &digest))
                return 1;
            checks++;
        }
        if (!check_transpose(n, p, &rng))
            return 1;
    }
    printf("matmul-exact: %zu products bit-identical to the naive loop (",
           checks);
    for (size_t t = 0; t + 1 < sizeof isas / sizeof isas[0]; t++)
        if (matmul_isa_available(isas[t]))
            printf("%s%s", t ? " " : "", matmul_isa_name(isas[t]));
    printf("; auto runs %s), transposes exact\n", matmul_isa_name(MATMUL_ISA_AUTO));
    printf("matmul-exact: digest of every product's bits 0x%016" PRIx64 "\n", digest);
    return 0;
}
