/*
 * linreg_pass.h: the full-batch gradient pass of a linear model, tuned to
 * run at the speed of memory (chapter 3, "Speed at scale").
 *
 * For N examples of d features, stored row after row in x (N·d doubles),
 * targets y, weights w and bias b, one pass computes
 *   L = (1/N) Σ_i r_i²,  ∂L/∂w = (2/N) Σ_i r_i·x_i,  ∂L/∂b = (2/N) Σ_i r_i,
 * with r_i = x_i·w + b - y_i: the same numbers as chapter 3's graded
 * minibatch_mse_grad over all N examples, but in another fixed order of
 * additions (linreg_pass.c), so they agree to rounding, not to the bit.
 *
 * The pass is compiled for any x86-64 (SSE2) and for AVX2, the latter
 * also asking for the rows ahead of it (prefetching). All add in the same
 * order, so they give the same bytes; the AVX2 one is simply faster where
 * the processor has it.
 */
#ifndef LINREG_PASS_H
#define LINREG_PASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    PASS_ISA_AUTO,     /* the fastest this processor runs */
    PASS_ISA_BASELINE, /* any x86-64 (or any other processor) */
    PASS_ISA_AVX2,     /* x86-64 with AVX2 */
    PASS_ISA_AVX2_NO_PREFETCH, /* the same without asking for rows ahead:
                                  a rung of the lesson's ladder */
} PassIsa;

/* Whether this processor can run the pass compiled for isa. */
bool linreg_pass_available(PassIsa isa);

/* The name of what isa runs here: "avx2", "avx2-no-prefetch" or
 * "baseline" (AUTO resolved). */
const char *linreg_pass_isa_name(PassIsa isa);

/* The sum of x[0..count-1], read as fast as this core can (the widest
 * vectors it has): the yardstick a pass's speed is measured against. */
double linreg_read(const double *x, size_t count);

/* One pass over every example with the code compiled for isa (which must be
 * available): writes ∂L/∂w into grad_w (d entries) and ∂L/∂b into *grad_b,
 * and returns L. */
double linreg_pass(PassIsa isa, const double *x, const double *y, size_t n,
                   size_t d, const double *w, double b, double *grad_w,
                   double *grad_b);

/* The same pass over x stored as bf16 bit patterns (N·d of them, a
 * quarter of the bytes; chapter 9), each row widened to doubles exactly
 * and then added in the pass's order, in double: the result has the bits
 * linreg_pass gives on the widened data. scratch holds 4·d doubles.
 * isa's AVX2 variants both run the AVX2 copy, without prefetching. */
double linreg_pass_bf16(PassIsa isa, const uint16_t *x, const double *y,
                        size_t n, size_t d, const double *w, double b,
                        double *grad_w, double *grad_b, double *scratch);

#endif
