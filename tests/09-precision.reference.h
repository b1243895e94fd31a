/*
 * tests/09-precision.reference.h: the independent references chapter 9's
 * conversions are graded against (tests/09-precision.c) and swept over
 * every float (tests/precision-sweep.c). None of it calls the course's
 * code, and none of it works on the bits the way the exercises do:
 *   fp16: GCC's _Float16. Its conversions from float and double, and back,
 *         are libgcc's soft-float routines (__truncsfhf2, __truncdfhf2,
 *         __extendhfsf2, from the same source as GCC's and glibc's
 *         soft-fp), or the F16C instruction when built with -mf16c.
 *   bf16: arithmetic in double: x rounded to a multiple of its unit in
 *         the last place by the FPU's own addition, which rounds to
 *         nearest even (reference_bf16_magnitude says how).
 * A nan's bits are the header's rule written out: a quiet nan of the same
 * sign with the payload's top bits (GCC's _Float16 does the same).
 */
#ifndef TESTS_09_PRECISION_REFERENCE_H
#define TESTS_09_PRECISION_REFERENCE_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "bits.h"

/* ISO C11 has no _Float16; GCC has it on x86-64 since GCC 12 (an
 * extension that -Wpedantic names unless marked as one). */
__extension__ typedef _Float16 Half;

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

/* The bf16 nearest to a (a double >= 0, finite), as a bf16 bit pattern
 * without the sign. a lies in [2^e, 2^(e+1)) (e read from the double's
 * exponent field); 8 significant bits make its unit in the last place
 * 2^(e - 7), never below bf16's smallest subnormal 2^-133. Adding
 * c = 2^(q + 52) puts the sum where a double's own unit is 2^q, so the
 * FPU's addition rounds a to a multiple of 2^q, to nearest, ties to even
 * (C's default mode), and subtracting c again is exact. (The same as
 * ldexp(rint(ldexp(a, -q)), q), five times as fast: the whole sweep
 * needs it.) */
static inline uint16_t reference_bf16_magnitude(double a)
{
    if (a == 0.0)
        return 0;
    int e = (int)(double_bits(a) >> 52) - 1023; /* a is a normal double */
    int q = e - 7 < -133 ? -133 : e - 7;
    double c = double_from_bits((uint64_t)(q + 52 + 1023) << 52);
    double r = (a + c) - c;
    if (r >= 0x1p128) /* past (2 - 2^-7)·2^127 by half a unit or more */
        return 0x7F80;
    /* exact: at most 8 significant bits */
    return (uint16_t)(float_bits((float)r) >> 16);
}

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
