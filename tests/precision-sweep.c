/*
 * tests/precision-sweep.c: every one of the 2^32 float bit patterns
 * rounded to fp16 and bf16 by chapter 9's code, against independent
 * references: GCC's _Float16 (its conversion from float, done by libgcc's
 * soft-float __truncsfhf2, or by the F16C instruction, not by the course's
 * code) for fp16, and an arithmetic rounding (frexp, rint, ldexp in double,
 * round-to-nearest-even mode) for bf16. Also every 16-bit pattern back to
 * float. Prints the number of differences, the first few of them, and
 * exits 1 when there is any. tests/09-precision.sh builds it with -mf16c
 * and runs it (about 20 s); the graded suite runs an exhaustive subset of
 * about 4.6 million patterns (under a second), since libgcc's soft-float
 * reference would take minutes over all of them.
 *
 * `sweep subset` checks 2^26 patterns instead, for a processor without
 * F16C (where libgcc's soft-float takes about six minutes over all 2^32,
 * and seconds over these): every one of the 2^24 combinations of the top
 * 24 bits (sign, exponent, 15 mantissa bits) with the low 8 bits 0x00,
 * 0x01, 0x80 and 0xFF. That is every float, up to an equivalence: the
 * lowest bit either rounding looks at is bit 12 (fp16 drops 13 mantissa
 * bits from a normal number, more from a subnormal; bf16 drops 16), and a
 * nan's payload loses its low 13 or 16 bits, so bits 0-7 reach a result
 * only as "all zero or not" (the sticky part of a tie), which 0x00 and
 * the other three cover.
 *
 *   cc -std=c11 -O2 -mf16c -Ilib -Iexercises -Itests tests/precision-sweep.c \
 *      solutions/09-precision.c -lm -o sweep && ./sweep
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "09-precision.h"
#include "bits.h"
#include "09-precision.reference.h"

#if !REFERENCE_HAS_FLOAT16
#error the sweep compares with _Float16: build it with GCC 12 or later, or clang 15 or later
#endif

/* The low bytes of `sweep subset`: zero, and nonzero three ways. */
static const uint32_t LOW_BYTES[] = {0x00, 0x01, 0x80, 0xFF};

int main(int argc, char **argv)
{
    bool subset = argc > 1 && strcmp(argv[1], "subset") == 0;
    uint64_t count = subset ? UINT64_C(1) << 26 : UINT64_C(1) << 32;
    unsigned long long bad = 0;
    for (uint64_t i = 0; i < count; i++) {
        uint32_t b = subset ? (uint32_t)(i >> 2) << 8 | LOW_BYTES[i & 3]
                            : (uint32_t)i;
        float x = float_from_bits(b);
        uint16_t want16 = reference_fp16(x), got16 = fp16_from_float(x);
        uint16_t wantb = reference_bf16(x), gotb = bf16_from_float(x);
        uint16_t arith16 = reference_fp16_arithmetic(x);
        if (got16 != want16 || gotb != wantb || arith16 != want16) {
            if (bad < 5)
                printf("float 0x%08x (%.9g): fp16 0x%04x, expected 0x%04x "
                       "(the arithmetic reference: 0x%04x); bf16 0x%04x, "
                       "expected 0x%04x\n", b, (double)x, got16, want16,
                       arith16, gotb, wantb);
            bad++;
        }
    }
    for (uint32_t h = 0; h <= 0xFFFF; h++) {
        float want = reference_fp16_value((uint16_t)h), got = fp16_to_float((uint16_t)h);
        float wantb = reference_bf16_value((uint16_t)h), gotb = bf16_to_float((uint16_t)h);
        float arith = reference_fp16_value_arithmetic((uint16_t)h);
        if (memcmp(&want, &got, sizeof got) != 0 || memcmp(&wantb, &gotb, sizeof gotb) != 0 ||
            memcmp(&want, &arith, sizeof arith) != 0) {
            if (bad < 5)
                printf("pattern 0x%04x: fp16 %.9g, expected %.9g (the arithmetic reference: "
                       "%.9g); bf16 %.9g, expected %.9g\n", h, (double)got, (double)want,
                       (double)arith, (double)gotb, (double)wantb);
            bad++;
        }
    }
    printf("%llu differences over %s floats and 2^16 patterns each way\n", bad,
           subset ? "2^26 (the subset)" : "2^32");
    return bad ? EXIT_FAILURE : EXIT_SUCCESS;
}
