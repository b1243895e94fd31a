/*
 * linreg_pass.c: the full-batch gradient pass at the speed of memory (see
 * linreg_pass.h; chapter 3's lesson explains every choice, with its
 * measurements).
 *
 * The pass reads every number of x once from memory and does a dot
 * product and a scaled add with it: about one addition and one
 * multiplication per 8 bytes in each, far too little arithmetic to hide a
 * slow loop behind the memory traffic. What keeps it at the memory's pace:
 *   - 16 partial sums in each dot product, so that no addition waits for
 *     the one before it;
 *   - four examples per sweep of the gradient, so that each gradient entry
 *     is loaded and stored once per four examples instead of once per one;
 *   - vectors of four doubles (GCC's and Clang's vector extension), which
 *     the compiler turns into two SSE2 instructions or one AVX2 instruction
 *     each, the same additions in the same order either way.
 * No fused multiply-adds (the Makefile compiles with -ffp-contract=off), so
 * the bytes do not depend on the processor.
 */
#include "linreg_pass.h"

#include <string.h>

#include "bits.h"

/* Four doubles, loaded from and stored to any address a double may have. */
typedef double Vec4 __attribute__((vector_size(4 * sizeof(double)), aligned(sizeof(double))));
#define LOAD(p) (*(const Vec4 *)(p))
#define STORE(p, v) (*(Vec4 *)(p) = (v))

/* Inlined into each compiled copy of the pass, so that each is compiled
 * for its own instruction set. */
#define INLINE static inline __attribute__((always_inline))

/* How far ahead the pass asks for rows: two blocks of four. Measured on
 * one core of the course's machine (an AMD EPYC whose fastest read of
 * 10^6 x 100 doubles is 39 GB/s), the AVX2 pass ran at 27 GB/s without
 * prefetching, 34 GB/s asking 4 rows ahead, 35 at 8 and 33 at 16. */
enum { PREFETCH_ROWS = 8 };

//> read-probe
/* The yardstick: the fastest a single core reads the data, summing every
 * number into 16 partial sums held in four vectors, so that memory, not
 * arithmetic or the count of load instructions, sets the pace (a scalar
 * loop with 8 sums reads about 10% slower on the course's machine). A
 * gradient pass reads the same bytes, so its time can hardly beat this
 * one's. */
INLINE double read_body(const double *x, size_t count)
{
    Vec4 a = {0.0, 0.0, 0.0, 0.0}, b = a, c = a, e = a;
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        a += LOAD(x + i);
        b += LOAD(x + i + 4);
        c += LOAD(x + i + 8);
        e += LOAD(x + i + 12);
    }
    Vec4 s = (a + b) + (c + e);
    double total = (s[0] + s[1]) + (s[2] + s[3]);
    for (; i < count; i++)
        total += x[i];
    return total;
}
//< read-probe

//> pass-dot
/* x·w with 16 partial sums: lane l of the four accumulators adds the
 * products x[j]·w[j] with j ≡ l (mod 16), up to the last multiple of 16;
 * lanes 0-3 of the first take the next multiple of 4. Then the
 * accumulators are added lane by lane, (a + b) + (c + e), lane 0 of that
 * sum takes the last few products, and the four lanes are added as
 * (s0 + s1) + (s2 + s3). A fixed order: the same bytes
 * on every processor, however wide its vectors. */
INLINE double row_dot(const double *x, const double *w, size_t d)
{
    Vec4 a = {0.0, 0.0, 0.0, 0.0}, b = a, c = a, e = a;
    size_t d16 = d / 16 * 16, d4 = d / 4 * 4, j = 0;
    for (; j < d16; j += 16) {
        a += LOAD(x + j) * LOAD(w + j);
        b += LOAD(x + j + 4) * LOAD(w + j + 4);
        c += LOAD(x + j + 8) * LOAD(w + j + 8);
        e += LOAD(x + j + 12) * LOAD(w + j + 12);
    }
    for (; j < d4; j += 4)
        a += LOAD(x + j) * LOAD(w + j);
    Vec4 s = (a + b) + (c + e);
    double s0 = s[0];
    for (; j < d; j++)
        s0 += x[j] * w[j];
    return (s0 + s[1]) + (s[2] + s[3]);
}
//< pass-dot

//> widen-bf16
/* Rows stored as bf16 (chapter 9), widened a block at a time into a few
 * doubles that stay in the fastest cache: a bf16's 16 bits on top of 16
 * zero bits are the float it stands for, exactly (chapter 9's
 * bf16_to_float, which this shared layer cannot call: chapter 3's program
 * does not link chapter 9). The pass then adds in its usual order, so
 * that it gives the bits the double pass gives on the widened data.
 *
 * Eight numbers at a time, all in registers: their 16 bytes loaded at
 * once, each widened to 32 bits and shifted up, then the eight floats
 * widened to doubles four at a time. With AVX2 that is one instruction
 * each (a load that zero-extends, a shift, two conversions), plus the
 * two stores. The vectors are written lane by lane, {e[0], ..., e[7]},
 * because GCC 12 compiles the shorter __builtin_convertvector into
 * half-width pieces here, twice the instructions. */
typedef uint16_t U16x8 __attribute__((vector_size(16), aligned(2)));
typedef uint32_t U32x8 __attribute__((vector_size(32)));
typedef float F32x8 __attribute__((vector_size(32)));

INLINE const double *widen_bf16(const uint16_t *h, double *x, size_t count)
{
    size_t k = 0;
    for (; k + 8 <= count; k += 8) {
        U16x8 e = *(const U16x8 *)(h + k);
        U32x8 bits = (U32x8){e[0], e[1], e[2], e[3], e[4], e[5], e[6], e[7]} << 16;
        F32x8 f;
        memcpy(&f, &bits, sizeof f);
        STORE(x + k, ((Vec4){f[0], f[1], f[2], f[3]}));
        STORE(x + k + 4, ((Vec4){f[4], f[5], f[6], f[7]}));
    }
    for (; k < count; k++)
        x[k] = float_from_bits((uint32_t)h[k] << 16);
    return x;
}
//< widen-bf16

//> pass
/* One pass: four examples at a time, their residuals first (each row read
 * from memory by its dot product), then one sweep of the gradient adding
 * r0·x0, r1·x1, r2·x2 and r3·x3 to each entry, in that order, while the
 * four rows are still in the fastest cache. Meanwhile, with `prefetch`, it
 * asks for the rows PREFETCH_ROWS ahead, two cache lines (16 doubles) per
 * four gradient entries, which covers the 4·d doubles of a block: the
 * processor's own prefetcher, which guesses from the misses it sees, does
 * not run far enough ahead of a loop that computes between its loads.
 * Leftover examples go one at a time, in the same order of additions. */
INLINE double pass_body(const double *x, const double *y, size_t n, size_t d,
                        const double *w, double bias, double *g,
                        double *grad_b, bool prefetch, const uint16_t *xh,
                        double *wide)
{
    double sum_r2 = 0.0, sum_r = 0.0;
    size_t d4 = d / 4 * 4, i = 0;
    memset(g, 0, d * sizeof *g);
    for (; i + 4 <= n; i += 4) {
        const double *x0 = xh ? widen_bf16(xh + i * d, wide, 4 * d) : x + i * d;
        const double *x1 = x0 + d, *x2 = x1 + d, *x3 = x2 + d;
        bool ahead = prefetch && i + PREFETCH_ROWS + 4 <= n; /* rows to ask for */
        double r0 = row_dot(x0, w, d) + bias - y[i];
        double r1 = row_dot(x1, w, d) + bias - y[i + 1];
        double r2 = row_dot(x2, w, d) + bias - y[i + 2];
        double r3 = row_dot(x3, w, d) + bias - y[i + 3];
        sum_r2 += r0 * r0, sum_r += r0;
        sum_r2 += r1 * r1, sum_r += r1;
        sum_r2 += r2 * r2, sum_r += r2;
        sum_r2 += r3 * r3, sum_r += r3;
        size_t j = 0;
        for (; j < d4; j += 4) {
            if (ahead) {
                __builtin_prefetch(x0 + PREFETCH_ROWS * d + 4 * j);
                __builtin_prefetch(x0 + PREFETCH_ROWS * d + 4 * j + 8);
            }
            Vec4 gj = LOAD(g + j);
            gj += r0 * LOAD(x0 + j);
            gj += r1 * LOAD(x1 + j);
            gj += r2 * LOAD(x2 + j);
            gj += r3 * LOAD(x3 + j);
            STORE(g + j, gj);
        }
        for (; j < d; j++)
            g[j] = (((g[j] + r0 * x0[j]) + r1 * x1[j]) + r2 * x2[j]) + r3 * x3[j];
    }
    for (; i < n; i++) {
        const double *xi = xh ? widen_bf16(xh + i * d, wide, d) : x + i * d;
        double r = row_dot(xi, w, d) + bias - y[i];
        sum_r2 += r * r, sum_r += r;
        for (size_t j = 0; j < d; j++)
            g[j] += r * xi[j];
    }
    double scale = 2.0 / (double)n;
    for (size_t j = 0; j < d; j++)
        g[j] *= scale;
    *grad_b = scale * sum_r;
    return sum_r2 / (double)n;
}
//< pass

/* The compiled copies. GCC's target_clones would pick one by itself;
 * written out, each can be called by name, so a test can check that they
 * give the same bytes. The baseline copy does not prefetch: with two
 * instructions for every vector operation it is limited by its own
 * instructions, and the hints only add to them (17 GB/s with them, 19
 * without, on the same machine). The AVX2 copy is compiled with and
 * without, for the ladder of chapter 3's lesson. */
static double pass_baseline(const double *x, const double *y, size_t n,
                            size_t d, const double *w, double b, double *g,
                            double *grad_b)
{
    return pass_body(x, y, n, d, w, b, g, grad_b, false, NULL, NULL);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_AVX2_COPY 1
__attribute__((target("avx2"))) static double
pass_avx2(const double *x, const double *y, size_t n, size_t d,
          const double *w, double b, double *g, double *grad_b)
{
    return pass_body(x, y, n, d, w, b, g, grad_b, true, NULL, NULL);
}

__attribute__((target("avx2"))) static double
pass_avx2_no_prefetch(const double *x, const double *y, size_t n, size_t d,
                      const double *w, double b, double *g, double *grad_b)
{
    return pass_body(x, y, n, d, w, b, g, grad_b, false, NULL, NULL);
}
#else
#define HAVE_AVX2_COPY 0
#endif

static double pass_bf16_baseline(const uint16_t *xh, const double *y, size_t n,
                                 size_t d, const double *w, double b,
                                 double *g, double *grad_b, double *wide)
{
    return pass_body(NULL, y, n, d, w, b, g, grad_b, false, xh, wide);
}

#if HAVE_AVX2_COPY
__attribute__((target("avx2"))) static double
pass_bf16_avx2(const uint16_t *xh, const double *y, size_t n, size_t d,
               const double *w, double b, double *g, double *grad_b,
               double *wide)
{
    return pass_body(NULL, y, n, d, w, b, g, grad_b, false, xh, wide);
}
#endif

static double read_baseline(const double *x, size_t count)
{
    return read_body(x, count);
}

#if HAVE_AVX2_COPY
__attribute__((target("avx2"))) static double read_avx2(const double *x,
                                                        size_t count)
{
    return read_body(x, count);
}
#endif

static PassIsa resolve(PassIsa isa)
{
    if (isa != PASS_ISA_AUTO)
        return isa;
    return linreg_pass_available(PASS_ISA_AVX2) ? PASS_ISA_AVX2 : PASS_ISA_BASELINE;
}

bool linreg_pass_available(PassIsa isa)
{
    switch (isa) {
    case PASS_ISA_AUTO:
    case PASS_ISA_BASELINE:
        return true;
    case PASS_ISA_AVX2:
    case PASS_ISA_AVX2_NO_PREFETCH:
#if HAVE_AVX2_COPY
        return __builtin_cpu_supports("avx2");
#else
        return false;
#endif
    }
    return false;
}

double linreg_read(const double *x, size_t count)
{
#if HAVE_AVX2_COPY
    if (linreg_pass_available(PASS_ISA_AVX2))
        return read_avx2(x, count);
#endif
    return read_baseline(x, count);
}

const char *linreg_pass_isa_name(PassIsa isa)
{
    switch (resolve(isa)) {
    case PASS_ISA_AVX2: return "avx2";
    case PASS_ISA_AVX2_NO_PREFETCH: return "avx2-no-prefetch";
    default: return "baseline";
    }
}

double linreg_pass(PassIsa isa, const double *x, const double *y, size_t n,
                   size_t d, const double *w, double b, double *grad_w,
                   double *grad_b)
{
#if HAVE_AVX2_COPY
    if (resolve(isa) == PASS_ISA_AVX2)
        return pass_avx2(x, y, n, d, w, b, grad_w, grad_b);
    if (isa == PASS_ISA_AVX2_NO_PREFETCH)
        return pass_avx2_no_prefetch(x, y, n, d, w, b, grad_w, grad_b);
#else
    (void)isa;
#endif
    return pass_baseline(x, y, n, d, w, b, grad_w, grad_b);
}

double linreg_pass_bf16(PassIsa isa, const uint16_t *x, const double *y,
                        size_t n, size_t d, const double *w, double b,
                        double *grad_w, double *grad_b, double *scratch)
{
#if HAVE_AVX2_COPY
    if (resolve(isa) != PASS_ISA_BASELINE)
        return pass_bf16_avx2(x, y, n, d, w, b, grad_w, grad_b, scratch);
#else
    (void)isa;
#endif
    return pass_bf16_baseline(x, y, n, d, w, b, grad_w, grad_b, scratch);
}
