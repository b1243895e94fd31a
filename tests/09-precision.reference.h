/*
 * tests/09-precision.reference.h: the independent references chapter 9's
 * conversions are graded against (tests/09-precision.c) and swept over
 * every float (tests/precision-sweep.c). None of it calls the course's
 * code, and none of it works on the bits the way the exercises do:
 *   fp16 from a double, and back: the compiler's _Float16, where it has
 *         one (GCC since 12, clang since 15, on x86-64). Its conversions
 *         are libgcc's soft-float routines (__truncdfhf2, __extendhfsf2,
 *         from the same source as GCC's and glibc's soft-fp), or the F16C
 *         instruction when built with -mf16c. An older compiler (Ubuntu
 *         22.04's GCC 11, Debian's clang 14) gets the arithmetic below.
 *   bf16, and fp16 from a float: arithmetic in double: x rounded to a
 *         multiple of its unit in the last place by the FPU's own
 *         addition, which rounds to nearest even (reference_round says
 *         how); the bit pattern is then worked from that value. The
 *         sweep checks the fp16 one against _Float16 over every float
 *         (and the patterns back). The graded test of fp16_from_float
 *         runs it on 2^22 floats in about 0.04 s; with _Float16's
 *         soft-float __truncsfhf2 that took 0.4 s, most of make check's
 *         time.
 * A nan's bits are the header's rule written out: a quiet nan of the same
 * sign with the payload's top bits (GCC's _Float16 does the same).
 */
#ifndef TESTS_09_PRECISION_REFERENCE_H
#define TESTS_09_PRECISION_REFERENCE_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "bits.h"

/* ------------------------------------------ rounding by the FPU itself */

/* a (a double >= 0, finite) rounded to the nearest number with `bits`
 * significant bits and a unit in the last place of at least 2^lowest.
 * a lies in [2^e, 2^(e+1)) (e read from the double's exponent field), so
 * its unit is to be 2^q, q = e - (bits - 1), or 2^lowest if that is
 * larger (a subnormal of the format). Adding c = 2^(q + 52) puts the sum
 * where a double's own unit is 2^q, so the FPU's addition rounds a to a
 * multiple of 2^q, to nearest, ties to even (C's default mode), and
 * subtracting c again is exact. (The same as ldexp(rint(ldexp(a, -q)), q),
 * five times as fast: the whole sweep needs it.) */
static inline double reference_round(double a, int bits, int lowest)
{
    int e = (int)(double_bits(a) >> 52) - 1023; /* -1023 for 0 and subnormals */
    int q = e - (bits - 1) < lowest ? lowest : e - (bits - 1);
    double c = double_from_bits((uint64_t)(q + 52 + 1023) << 52);
    return (a + c) - c;
}

/* The bf16 nearest to a (a double >= 0, finite), as a bf16 bit pattern
 * without the sign: 8 significant bits, never a unit below bf16's
 * smallest subnormal 2^-133. */
static inline uint16_t reference_bf16_magnitude(double a)
{
    double r = reference_round(a, 8, -133);
    if (r >= 0x1p128) /* past (2 - 2^-7)·2^127 by half a unit or more */
        return 0x7F80;
    /* exact: at most 8 significant bits */
    return (uint16_t)(float_bits((float)r) >> 16);
}

/* The fp16 nearest to a (a double >= 0, finite), as an fp16 bit pattern
 * without the sign: 11 significant bits, never a unit below fp16's
 * smallest subnormal 2^-24. The pattern is read off the rounded value r:
 * below 2^-14 a subnormal, r / 2^-24 units; above, r's own exponent e
 * (r in [2^e, 2^(e+1))) biased by 15, then the 10 bits after its leading
 * one, the top of the double's mantissa (exact: r has 11 significant
 * bits). A rounding up that reaches the next power of two is there
 * already, in r's exponent. */
static inline uint16_t reference_fp16_magnitude(double a)
{
    double r = reference_round(a, 11, -24);
    if (r >= 0x1p16) /* past 65504 by half a unit (16) or more */
        return 0x7C00;
    if (r < 0x1p-14)
        return (uint16_t)(r * 0x1p24);
    uint64_t bits = double_bits(r);
    int e = (int)(bits >> 52) - 1023;
    return (uint16_t)((e + 15) << 10 | (int)(bits >> 42 & 0x3FF));
}

/* ------------------------------------------------ fp16, by arithmetic */

/* The graded tests' fp16 reference from a float on every compiler; from a
 * double, and back, where the compiler has no _Float16 (GCC before 12,
 * clang before 15, on x86-64). tests/precision-sweep.c checks it against
 * _Float16 over every float, and the patterns back. */
static inline uint16_t reference_fp16_arithmetic(float x)
{
    uint32_t b = float_bits(x);
    uint16_t sign = (uint16_t)((b >> 16) & 0x8000);
    if (isnan(x))
        return sign | 0x7E00 | (uint16_t)((b >> 13) & 0x03FF);
    if (isinf(x))
        return sign | 0x7C00;
    return sign | reference_fp16_magnitude(fabs((double)x));
}

static inline uint16_t reference_fp16_from_double_arithmetic(double x)
{
    uint16_t sign = signbit(x) ? 0x8000 : 0;
    if (isnan(x))
        return sign | 0x7E00 | (uint16_t)((double_bits(x) >> 42) & 0x03FF);
    if (isinf(x))
        return sign | 0x7C00;
    return sign | reference_fp16_magnitude(fabs(x));
}

/* The value of an fp16 bit pattern, from the format's definition:
 * (-1)^s·2^(e - 15)·(1 + m/1024), or 2^-14·(m/1024) when e = 0; a nan is
 * the float nan of the same sign with the quiet bit set and the payload
 * shifted left by 13 bits. */
static inline float reference_fp16_value_arithmetic(uint16_t b)
{
    int s = b >> 15, e = (b >> 10) & 0x1F, m = b & 0x3FF;
    if (e == 0x1F && m)
        return float_from_bits((uint32_t)s << 31 | 0x7FC00000 | (uint32_t)m << 13);
    double v = e == 0x1F ? INFINITY
             : e == 0    ? ldexp(m / 1024.0, -14)
                         : ldexp(1.0 + m / 1024.0, e - 15);
    return (float)(s ? -v : v);
}

/* ------------------------------------- fp16, by the compiler's _Float16 */

/* ISO C11 has no _Float16; GCC has it on x86-64 since GCC 12 and clang
 * since clang 15 (an extension that -Wpedantic names unless marked as
 * one), and both then define __FLT16_MANT_DIG__. */
#ifdef __FLT16_MANT_DIG__
#define REFERENCE_HAS_FLOAT16 1
__extension__ typedef _Float16 Half;

/* From a float: the sweep's witness alone (tests/precision-sweep.c, which
 * needs _Float16); the graded tests use reference_fp16_arithmetic. */
static inline uint16_t reference_fp16(float x)
{
    Half h = (Half)x;
    uint16_t b;
    memcpy(&b, &h, sizeof b);
    return b;
}

static inline uint16_t reference_fp16_from_double(double x)
{
    Half h = (Half)x; /* one rounding, straight from the double */
    uint16_t b;
    memcpy(&b, &h, sizeof b);
    return b;
}

static inline float reference_fp16_value(uint16_t b)
{
    Half h;
    memcpy(&h, &b, sizeof h);
    return (float)h;
}
#else
#define REFERENCE_HAS_FLOAT16 0
static inline uint16_t reference_fp16_from_double(double x) { return reference_fp16_from_double_arithmetic(x); }
static inline float reference_fp16_value(uint16_t b) { return reference_fp16_value_arithmetic(b); }
#endif

/* ------------------------------------------------------------------ bf16 */

static inline uint16_t reference_bf16(float x)
{
    uint32_t b = float_bits(x);
    if (isnan(x))
        return (uint16_t)((b >> 16) | 0x0040);
    uint16_t sign = (uint16_t)((b >> 16) & 0x8000);
    if (isinf(x))
        return sign | 0x7F80;
    return sign | reference_bf16_magnitude(fabs((double)x));
}

/* From a double: the same arithmetic, on the double itself. */
static inline uint16_t reference_bf16_from_double(double x)
{
    if (isnan(x))
        return signbit(x) ? 0xFFC0 : 0x7FC0;
    uint16_t sign = signbit(x) ? 0x8000 : 0;
    if (isinf(x))
        return sign | 0x7F80;
    return sign | reference_bf16_magnitude(fabs(x));
}

/* The value of a bf16 bit pattern, from the format's definition:
 * (-1)^s·2^(e - 127)·(1 + m/128), or 2^-126·(m/128) when e = 0. */
static inline float reference_bf16_value(uint16_t b)
{
    int s = b >> 15, e = (b >> 7) & 0xFF, m = b & 0x7F;
    double v;
    if (e == 0xFF)
        v = m ? NAN : INFINITY;
    else if (e == 0)
        v = ldexp(m / 128.0, -126);
    else
        v = ldexp(1.0 + m / 128.0, e - 127);
    if (e == 0xFF && m) /* a nan: its own bits */
        return float_from_bits((uint32_t)b << 16);
    return (float)(s ? -v : v);
}

#endif
