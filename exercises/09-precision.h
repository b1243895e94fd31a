/*
 * 09-precision.h: the exercises of chapter 9, mixed precision: the
 * formats fp16 and bf16, rounding to them exactly, and loss scaling.
 *
 * You write these functions in exercises/09-precision.c; `make check
 * CH=09` grades them. Each comment below is the contract your function
 * must keep; the lesson, chapters/09-precision.md, explains the ideas, and
 * the section named in each comment is the one to read first.
 *
 * Conventions. A 16-bit value is held as its bit pattern, a uint16_t:
 *   fp16 (IEEE 754 binary16)  sign 1 bit, exponent 5 bits (bias 15),
 *                             mantissa 10 bits
 *   bf16 (bfloat16)           sign 1 bit, exponent 8 bits (bias 127),
 *                             mantissa 7 bits: the top half of a float
 * Rounding is to nearest, ties to even (IEEE 754's default, and what
 * PyTorch's .to(torch.float16) and .to(torch.bfloat16) do from float32).
 * A value beyond the largest finite one by half a unit in the last place
 * or more becomes ±inf. A nan becomes a quiet nan of the same sign: its
 * payload's top bits are kept (the mantissa shifted right by 13 bits for
 * fp16, by 16 for bf16) and the quiet bit, the mantissa's top bit, is set,
 * as x86's F16C and AVX512-BF16 instructions and GCC's _Float16 do.
 * ±0 keeps its sign. float is IEEE binary32 and double binary64, and
 * their arithmetic rounds to nearest even (C's default mode). A function
 * handed n and arrays reads and writes entries 0..n-1 of each, and never
 * the one past them: the arrays belong to the caller, and what follows
 * them may be anything of the caller's.
 */
#ifndef EXERCISES_09_PRECISION_H
#define EXERCISES_09_PRECISION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Which 16-bit format a low-precision copy is held in. */
typedef enum { FORMAT_FP16, FORMAT_BF16 } LowFormat;

/* ---------------------- lesson: "Rounding to nearest even, by bits" */

/* x rounded to the nearest bf16, ties to even, by integer operations on
 * x's bits: the top 16 bits of the float, rounded up by one unit when the
 * 16 bits dropped are more than half a unit (0x8000), or exactly half and
 * the kept part is odd. A nan is kept a quiet nan (see the conventions);
 * ±inf stays ±inf; a finite value that rounds past the largest bf16
 * becomes ±inf. */
uint16_t bf16_from_float(float x);

/* The float a bf16 stands for: exact (every bf16 is a float). */
float bf16_to_float(uint16_t h);

/* --------------------- lesson: "fp16: subnormals and a narrow range" */

/* x rounded to the nearest fp16, ties to even: normal numbers keep 11
 * significant bits; below 2^-14 (fp16's smallest normal number) the
 * result is a subnormal, a multiple of 2^-24, and what is below half of
 * 2^-24 becomes ±0; from 65520 = 65504 + 16 (the largest fp16 plus half
 * its unit in the last place) up, the result is ±inf. A nan is kept a
 * quiet nan (see the conventions); ±inf stays ±inf. */
uint16_t fp16_from_float(float x);

/* The float an fp16 stands for, subnormals included: exact. A nan gives
 * a quiet float nan of the same sign, its payload shifted left by 13 bits
 * and the quiet bit set (as GCC's _Float16 and F16C do). */
float fp16_to_float(uint16_t h);

/* --------------------------------------- lesson: "Double rounding" */

/* x rounded ONCE, straight from the double, to the nearest fp16 and bf16,
 * with the rules above: the result is the representable value nearest to
 * x itself (ties to even), which rounding x to a float first and then the
 * float to fp16 does not always give (that is double rounding, and what
 * PyTorch 1.13 does from a float64 tensor). A nan keeps its sign and its
 * payload's top bits, the double's mantissa shifted right by 42 bits for
 * fp16 and by 45 for bf16, with the quiet bit set. */
uint16_t fp16_from_double(double x);
uint16_t bf16_from_double(double x);

/* ---------------------------------------- lesson: "Loss scaling" */

/* True when any of grads[0..n-1] is inf or nan: the scaled backward pass
 * overflowed, and this step must be skipped (PyTorch's found_inf). */
bool grads_overflowed(const double *grads, size_t n);

/* Unscales the gradients in place: each is multiplied by inv_scale =
 * 1.0/scale, computed once, in double (an inf or nan stays one). PyTorch's
 * unscale_ also multiplies by an inverse computed once, but rounds it to
 * float32; for a power-of-two scale, as its scaler's always are with its
 * default factors, the two agree exactly. scale > 0. */
void grads_unscale(double *grads, size_t n, double scale);

/* ---------------------------------------- lesson: "Master weights" */

/* One SGD step on the master weights, then their low-precision copy: for
 * each i, master[i] = master[i] - lr·grads[i] (in double, grads being
 * unscaled), then low[i] = master[i] rounded once to `format`
 * (fp16_from_double or bf16_from_double). The master weights keep what
 * the copy cannot hold, so that updates smaller than half a unit in the
 * copy's last place add up instead of vanishing. */
void master_weight_step(double *master, uint16_t *low, LowFormat format,
                        const double *grads, size_t n, double lr);

/* ----------------------------- lesson: "The dynamic loss scaler" */

/* PyTorch's GradScaler (torch.cuda.amp, 1.13): its settings and state. */
typedef struct {
    double scale;           /* what the loss is multiplied by [2^16] */
    double growth_factor;   /* scale's factor after enough clean steps [2] */
    double backoff_factor;  /* scale's factor after an overflow [0.5] */
    size_t growth_interval; /* clean steps in a row before it grows [2000] */
    size_t growth_tracker;  /* clean steps in a row so far [0] */
} LossScaler;

/* PyTorch's defaults. */
#define LOSS_SCALER_DEFAULTS                                                \
    {.scale = 65536.0, .growth_factor = 2.0, .backoff_factor = 0.5,         \
     .growth_interval = 2000, .growth_tracker = 0}

/* The scaler's update after a step, as torch._amp_update_scale_:
 *   found_inf:  scale = (float)(scale·backoff_factor), growth_tracker = 0;
 *   otherwise:  growth_tracker + 1 clean steps; when that reaches
 *               growth_interval, scale = (float)(scale·growth_factor),
 *               kept only if it is finite, and growth_tracker = 0; else
 *               growth_tracker counts it.
 * PyTorch keeps the scale in a float32 tensor: each product is taken in
 * double, then stored, rounded, as a float32, and the scale here is a
 * double that holds that float32. With factors that are powers of two,
 * as PyTorch's defaults (2, 0.5) are, the rounding changes nothing down
 * to float32's smallest number, 2^-149; with others it does: a
 * backoff_factor of 0.3 takes 2^16 to 19660.80078125, the float32 nearest
 * 19660.8. */
void loss_scaler_update(LossScaler *s, bool found_inf);

/* One step of mixed-precision SGD, PyTorch's scaler.step(optimizer) then
 * scaler.update(): grads[0..n-1] are the gradients of the SCALED loss (the
 * loss times s->scale). In order: check them for inf or nan
 * (grads_overflowed); unscale them in place (grads_unscale), overflowed
 * or not; when none overflowed, take master_weight_step with them; then
 * loss_scaler_update. Returns true when the step was taken, false when
 * it was skipped. */

bool scaled_sgd_step(double *master, uint16_t *low, LowFormat format,
                     double *grads, size_t n, double lr, LossScaler *s);

/* ------------------------------------- lesson: "Kahan-compensated updates" */

/* One SGD step on weights held ONLY in `format` (no master copy), with
 * Kahan's compensated summation (Kahan, 1965): comp[i], held in `format`
 * too and 0 at the start, carries what the rounding of earlier updates
 * lost, and is added back. For each i, with w and c the values of low[i]
 * and comp[i]:
 *   y = -lr·grads[i] - c              the update, less what is owed (double)
 *   t = w + y, rounded once to format (fp16_from_double or bf16_from_double)
 *   comp[i] = (t - w) - y, rounded once to format   what the rounding lost,
 *                                                   negated
 *   low[i] = t
 * An update smaller than half a unit in w's last place leaves low[i] as
 * it was but not comp[i], and those add up until they move the weight. */
void kahan_weight_step(uint16_t *low, uint16_t *comp, LowFormat format,
                       const double *grads, size_t n, double lr);

/* ---------------------------------------- lesson: "Stochastic rounding" */

/* x rounded to one of its two neighbours in `format` at random: with lo
 * and hi the representable values nearest x from below and above
 * (lo < x < hi), the result is hi when u < (x - lo)/(hi - lo) and lo
 * otherwise, so that for u uniform in [0, 1) its expected value is x
 * itself: an update too small for the format moves the weight with a
 * probability in proportion to its size. A representable x comes back as
 * it is, whatever u, and so do nan and ±inf (as fp16_from_double and
 * bf16_from_double give them); an x whose magnitude is beyond the
 * largest finite value, so that its neighbour away from 0 would be inf or
 * -inf, rounds to nearest. 0 <= u < 1. The comparison may be written any
 * way that decides alike: hi - lo is a power of two, so dividing by it is
 * exact, and u·(hi - lo) < x - lo is the same test (for any u from 2^-889
 * up; below, the product can underflow). lo + u·(hi - lo) < x is not: its
 * sum rounds to a double, and a u just below the fraction can go down. */
uint16_t round_stochastic(double x, LowFormat format, double u);

#endif
