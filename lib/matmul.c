/*
 * matmul.c: C += A·B, bit-identical to the naive loop, near the core's
 * arithmetic limit (see matmul.h for the contract; tests/matmul-exact.c
 * checks the bits, tests/matmul-bench.c measures the speed).
 *
 * What the naive loop forbids and what it allows. Each C[i][j] must be one
 * chain c = c + a·b, k = 0, 1, ..., m-1, with a multiplication and an
 * addition per step (no fused multiply-add: the Makefile compiles with
 * -ffp-contract=off). A chain cannot be split into partial sums, so one
 * entry alone runs at the latency of an addition, a few cycles a step. But
 * the n·p chains are independent of each other, and a core can run many
 * additions at once if it has many independent ones to run. So:
 *   - a vector holds 4 (AVX2) or 8 (AVX-512) neighbouring entries of a
 *     row of C (j, j+1, ...): as many independent chains, advanced by one
 *     instruction;
 *   - a tile of several rows × several vectors of C stays in registers for a
 *     whole block of k, enough independent chains to keep every adder busy
 *     (the micro-kernel, tile_update);
 *   - k is cut into blocks of KC for the cache, and a chain goes on from
 *     the value stored in C by the block before, so no sum is reordered:
 *     a double stored and loaded again is the same double.
 * A and B are copied ("packed") block by block into the order the
 * micro-kernel reads them, zero-padded to whole tiles, so the micro-kernel
 * never meets an edge; a tile of C at an edge goes through a small buffer.
 */
#include "matmul.h"

#include <stdlib.h>
#include <string.h>

/* Vectors of four and of eight doubles, loaded from and stored to any
 * address a double may have: an AVX2 register holds four, an AVX-512
 * register eight. (A vector of eight compiled for AVX2 would be split in
 * two by the compiler, which then keeps it in memory, not in registers.) */
typedef double Vec4 __attribute__((vector_size(4 * sizeof(double)), aligned(sizeof(double))));
typedef double Vec8 __attribute__((vector_size(8 * sizeof(double)), aligned(sizeof(double))));

/* Inlined into each compiled copy, so that each is compiled for its own
 * instruction set, with the tile's sizes as constants. */
#define INLINE static inline __attribute__((always_inline))

/* Block sizes. KC steps of k per pass over a tile: a packed panel of B
 * (KC × the tile's columns) then fits in the fastest cache (48 KiB on the
 * course's machine) while the micro-kernel sweeps down the rows. MC rows
 * of packed A (MC × KC) and NC columns of packed B (KC × NC) stay in the
 * second-level cache. */
enum { KC = 128, MC = 128, NC = 512 };

/* The largest tile any copy uses (see the copies at the end). */
enum { MAX_ROWS = 8, MAX_VECTORS = 3, MAX_WIDTH = 24 };

//> naive
/* The contract itself, as a reference and for processors without vectors. */
static void matmul_scalar(size_t n, size_t m, size_t p, const double *a,
                          const double *b, double *c)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++)
            for (size_t k = 0; k < m; k++)
                c[i * p + j] = c[i * p + j] + a[i * m + k] * b[k * p + j];
}
//< naive

//> micro-kernel
/* The micro-kernel: a tile of rows × vectors vectors of C (row stride ldc)
 * advanced by kc steps of k. ap holds the tile's rows of A for those steps,
 * `rows` numbers per step; bp its columns of B, a row of the tile's width
 * per step. The tile lives in rows × vectors registers from the first step
 * to the last, and each step costs `rows` broadcasts of a number of A and
 * `vectors` loads of B for rows × vectors multiplications and as many
 * additions: few enough loads to leave the arithmetic units the
 * bottleneck. Each register holds as many chains as it has lanes, each
 * stepped by one product and one addition per k, in increasing k.
 * Written once for both vector types, as tile_update_Vec4 and
 * tile_update_Vec8. */
#define DEFINE_TILE_UPDATE(Vec)                                                 \
    INLINE void tile_update_##Vec(size_t rows, size_t vectors, size_t kc,       \
                                  const double *ap, const double *bp,           \
                                  double *c, size_t ldc)                        \
    {                                                                           \
        enum { LANES = sizeof(Vec) / sizeof(double) };                          \
        Vec acc[MAX_ROWS][MAX_VECTORS];                                         \
        _Pragma("GCC unroll 16") for (size_t i = 0; i < rows; i++)              \
        _Pragma("GCC unroll 16") for (size_t v = 0; v < vectors; v++)           \
            acc[i][v] = *(const Vec *)(c + i * ldc + v * LANES);                \
        for (size_t k = 0; k < kc; k++) {                                       \
            const double *ak = ap + k * rows, *bk = bp + k * vectors * LANES;   \
            _Pragma("GCC unroll 16") for (size_t i = 0; i < rows; i++)          \
            _Pragma("GCC unroll 16") for (size_t v = 0; v < vectors; v++)       \
                acc[i][v] = acc[i][v] + ak[i] * *(const Vec *)(bk + v * LANES); \
        }                                                                       \
        _Pragma("GCC unroll 16") for (size_t i = 0; i < rows; i++)              \
        _Pragma("GCC unroll 16") for (size_t v = 0; v < vectors; v++)           \
            *(Vec *)(c + i * ldc + v * LANES) = acc[i][v];                      \
    }
DEFINE_TILE_UPDATE(Vec4)
DEFINE_TILE_UPDATE(Vec8)

/* The micro-kernel for vectors of `lanes` doubles. */
INLINE void tile_update(size_t lanes, size_t rows, size_t vectors, size_t kc,
                        const double *ap, const double *bp, double *c,
                        size_t ldc)
{
    if (lanes == 8)
        tile_update_Vec8(rows, vectors, kc, ap, bp, c, ldc);
    else
        tile_update_Vec4(rows, vectors, kc, ap, bp, c, ldc);
}
//< micro-kernel

/* A tile at the bottom or right edge of C (valid_rows × valid_cols of a
 * full tile): copied into a full-sized buffer, updated there, copied back.
 * The buffer's extra entries meet the zero padding of the packed panels
 * and are thrown away. */
INLINE void tile_update_edge(size_t lanes, size_t rows, size_t vectors,
                             size_t kc, const double *ap, const double *bp,
                             double *c, size_t ldc, size_t valid_rows,
                             size_t valid_cols)
{
    double buffer[MAX_ROWS * MAX_WIDTH] = {0};
    size_t width = vectors * lanes;
    for (size_t i = 0; i < valid_rows; i++)
        memcpy(buffer + i * width, c + i * ldc, valid_cols * sizeof *c);
    tile_update(lanes, rows, vectors, kc, ap, bp, buffer, width);
    for (size_t i = 0; i < valid_rows; i++)
        memcpy(c + i * ldc, buffer + i * width, valid_cols * sizeof *c);
}

/* Packs rows × kc of A (row stride lda) into micro-panels of `tile_rows`
 * rows: for each panel, step after step, its tile_rows numbers of that step
 * (zeros past the last row). */
INLINE void pack_a(size_t tile_rows, size_t rows, size_t kc, const double *a,
                   size_t lda, double *packed)
{
    for (size_t i0 = 0; i0 < rows; i0 += tile_rows)
        for (size_t k = 0; k < kc; k++)
            for (size_t i = i0; i < i0 + tile_rows; i++)
                *packed++ = i < rows ? a[i * lda + k] : 0.0;
}

/* Packs kc × cols of B (row stride ldb) into micro-panels `width` columns
 * wide: for each panel, step after step, its width numbers of that row of
 * B (zeros past the last column). */
INLINE void pack_b(size_t width, size_t kc, size_t cols, const double *b,
                   size_t ldb, double *packed)
{
    for (size_t j0 = 0; j0 < cols; j0 += width) {
        size_t valid = cols - j0 < width ? cols - j0 : width;
        for (size_t k = 0; k < kc; k++, packed += width) {
            memcpy(packed, b + k * ldb + j0, valid * sizeof *b);
            memset(packed + valid, 0, (width - valid) * sizeof *b);
        }
    }
}

static size_t min_size(size_t x, size_t y) { return x < y ? x : y; }

//> blocked
/* C += A·B block by block. For each band of NC columns, k goes forward in
 * blocks of KC (so every chain of C goes on in increasing k), B's block is
 * packed once and A's block of MC rows once per band; then every tile of
 * the band is advanced by the micro-kernel. Returns false, having changed
 * nothing, when the packing buffers cannot be had. */
INLINE bool matmul_blocked(size_t lanes, size_t rows, size_t vectors,
                           size_t n, size_t m, size_t p, const double *a,
                           const double *b, double *c)
{
    size_t width = vectors * lanes;
    size_t mc = (MC + rows - 1) / rows * rows, nc = (NC + width - 1) / width * width;
    double *packed_a = aligned_alloc(64, mc * KC * sizeof *a);
    double *packed_b = aligned_alloc(64, KC * nc * sizeof *b);
    if (!packed_a || !packed_b) {
        free(packed_a);
        free(packed_b);
        return false;
    }
    for (size_t j0 = 0; j0 < p; j0 += nc) {
        size_t cols = min_size(nc, p - j0);
        for (size_t k0 = 0; k0 < m; k0 += KC) {
            size_t kc = min_size(KC, m - k0);
            pack_b(width, kc, cols, b + k0 * p + j0, p, packed_b);
            for (size_t i0 = 0; i0 < n; i0 += mc) {
                size_t band = min_size(mc, n - i0);
                pack_a(rows, band, kc, a + i0 * m + k0, m, packed_a);
                for (size_t jr = 0; jr < cols; jr += width) {
                    const double *bp = packed_b + jr * kc;
                    for (size_t ir = 0; ir < band; ir += rows) {
                        const double *ap = packed_a + ir * kc;
                        double *ct = c + (i0 + ir) * p + j0 + jr;
                        size_t valid_rows = min_size(rows, band - ir);
                        size_t valid_cols = min_size(width, cols - jr);
                        if (valid_rows == rows && valid_cols == width)
                            tile_update(lanes, rows, vectors, kc, ap, bp, ct, p);
                        else
                            tile_update_edge(lanes, rows, vectors, kc, ap, bp,
                                             ct, p, valid_rows, valid_cols);
                    }
                }
            }
        }
    }
    free(packed_a);
    free(packed_b);
    return true;
}
//< blocked

/* The compiled copies, each with the tile that suits its registers.
 * AVX2 has 16 registers of 4 doubles: a tile of 5 rows × 2 vectors (8
 * columns) holds 10, leaving 2 for B's row, one for the broadcast number
 * of A and one for a product. AVX-512 has 32 registers of 8 doubles: 8
 * rows × 3 vectors (24 columns) holds 24, leaving 3 for B, one for A and
 * two for products. Either tile has more independent chains than the
 * adders need to stay busy (an addition's latency, a few cycles, times two
 * adders). Measured on the course's machine (tests/matmul-bench.c), these
 * were the fastest of the tiles that fit without spilling registers to
 * memory; KC, MC and NC above were tuned with them. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_X86_COPIES 1
__attribute__((target("avx2"))) static bool
matmul_avx2(size_t n, size_t m, size_t p, const double *a, const double *b,
            double *c)
{
    return matmul_blocked(4, 5, 2, n, m, p, a, b, c);
}

__attribute__((target("avx512f"))) static bool
matmul_avx512(size_t n, size_t m, size_t p, const double *a, const double *b,
              double *c)
{
    return matmul_blocked(8, 8, 3, n, m, p, a, b, c);
}
#else
#define HAVE_X86_COPIES 0
#endif

static MatmulIsa resolve(MatmulIsa isa)
{
    if (isa != MATMUL_ISA_AUTO)
        return isa;
    if (matmul_isa_available(MATMUL_ISA_AVX512))
        return MATMUL_ISA_AVX512;
    if (matmul_isa_available(MATMUL_ISA_AVX2))
        return MATMUL_ISA_AVX2;
    return MATMUL_ISA_SCALAR;
}

bool matmul_isa_available(MatmulIsa isa)
{
    switch (isa) {
    case MATMUL_ISA_AUTO:
    case MATMUL_ISA_SCALAR:
        return true;
#if HAVE_X86_COPIES
    case MATMUL_ISA_AVX2:
        return __builtin_cpu_supports("avx2");
    case MATMUL_ISA_AVX512:
        return __builtin_cpu_supports("avx512f");
#else
    case MATMUL_ISA_AVX2:
    case MATMUL_ISA_AVX512:
        return false;
#endif
    }
    return false;
}

const char *matmul_isa_name(MatmulIsa isa)
{
    switch (resolve(isa)) {
    case MATMUL_ISA_AVX2: return "avx2";
    case MATMUL_ISA_AVX512: return "avx512";
    default: return "scalar";
    }
}

void matmul_add_isa(MatmulIsa isa, size_t n, size_t m, size_t p,
                    const double *a, const double *b, double *c)
{
    if (n == 0 || m == 0 || p == 0)
        return;
#if HAVE_X86_COPIES
    /* A copy that cannot get its buffers changes nothing, and the naive
     * loop then gives the same bits, only slower. */
    switch (resolve(isa)) {
    case MATMUL_ISA_AVX2:
        if (matmul_avx2(n, m, p, a, b, c))
            return;
        break;
    case MATMUL_ISA_AVX512:
        if (matmul_avx512(n, m, p, a, b, c))
            return;
        break;
    default:
        break;
    }
#else
    (void)isa;
#endif
    matmul_scalar(n, m, p, a, b, c);
}

void matmul_add(size_t n, size_t m, size_t p, const double *a, const double *b,
                double *c)
{
    matmul_add_isa(MATMUL_ISA_AUTO, n, m, p, a, b, c);
}

//> transpose
/* dst = srcᵀ, in square blocks of 32 × 32, so that both the rows read and
 * the columns written stay in cache while a block is copied (a plain
 * double loop would touch a new cache line for every number written). */
void matrix_transpose(size_t rows, size_t cols, const double *src, double *dst)
{
    enum { BLOCK = 32 };
    for (size_t i0 = 0; i0 < rows; i0 += BLOCK)
        for (size_t j0 = 0; j0 < cols; j0 += BLOCK) {
            size_t i1 = min_size(i0 + BLOCK, rows), j1 = min_size(j0 + BLOCK, cols);
            for (size_t i = i0; i < i1; i++)
                for (size_t j = j0; j < j1; j++)
                    dst[j * rows + i] = src[i * cols + j];
        }
}
//< transpose
