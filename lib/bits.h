/*
 * bits.h: a float's or a double's bit pattern, and back.
 *
 * memcpy is the one conversion between a number and its bits that C
 * defines (a pointer cast breaks the aliasing rules, a union is C99's
 * grey area); compilers turn it into a plain register move. Chapter 9's
 * conversions, its program and its tests all read bits this one way.
 */
#ifndef BITS_H
#define BITS_H

#include <stdint.h>
#include <string.h>

static inline uint32_t float_bits(float x)
{
    uint32_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static inline float float_from_bits(uint32_t b)
{
    float x;
    memcpy(&x, &b, sizeof x);
    return x;
}

static inline uint64_t double_bits(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static inline double double_from_bits(uint64_t b)
{
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

#endif
