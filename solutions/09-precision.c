// BEGIN SOLUTION
/*
 * solutions/09-precision.c: reference solutions of chapter 9.
 *
 * exercises/09-precision.c is generated from this file (`make stubs`):
 * the lines between BEGIN and END SOLUTION markers are dropped and the STUB
 * lines become code. Check yours with `make check CH=09`; look here after.
 */
// END SOLUTION
// STUB: /*
// STUB:  * exercises/09-precision.c: chapter 9, mixed precision: fp16 and bf16,
// STUB:  * rounding to them exactly, and loss scaling.
// STUB:  *
// STUB:  * Implement each function as its contract in 09-precision.h says. Grade
// STUB:  * your work with `make check CH=09`; the lesson is
// STUB:  * chapters/09-precision.md.
// STUB:  */
#include "09-precision.h"

#include <math.h>

#include "bits.h"
// BEGIN SOLUTION

//> round-shift
/* v shifted right by `shift` bits (1 to 31), rounded to nearest, ties to
 * even: the dropped bits are compared with half of the kept part's unit. */
static uint32_t round_shift(uint32_t v, unsigned shift)
{
    uint32_t kept = v >> shift;
    uint32_t dropped = v & ((UINT32_C(1) << shift) - 1);
    uint32_t half = UINT32_C(1) << (shift - 1);
    if (dropped > half || (dropped == half && (kept & 1)))
        kept += 1;
    return kept;
}
//< round-shift
// END SOLUTION

//> bf16-from-float
uint16_t bf16_from_float(float x)
{
    // BEGIN SOLUTION
    uint32_t b = float_bits(x);
    if ((b & 0x7FFFFFFF) > 0x7F800000)      /* nan: keep it, quiet */
        return (uint16_t)((b >> 16) | 0x0040);
    uint32_t lsb = (b >> 16) & 1;           /* the last bit kept */
    b += 0x7FFF + lsb;                      /* half a unit, less 1 if even */
    return (uint16_t)(b >> 16);             /* a carry may reach inf: right */
    // END SOLUTION
    // STUB: (void)x;
    // STUB: return 0; /* TODO: lesson section "Rounding to nearest even, by bits" */
}
//< bf16-from-float

//> bf16-to-float
float bf16_to_float(uint16_t h)
{
    // BEGIN SOLUTION
    return float_from_bits((uint32_t)h << 16);
    // END SOLUTION
    // STUB: (void)h;
    // STUB: return -1.0f; /* TODO: lesson section "Rounding to nearest even, by bits" */
}
//< bf16-to-float

//> fp16-from-float
uint16_t fp16_from_float(float x)
{
    // BEGIN SOLUTION
    uint32_t b = float_bits(x);
    uint16_t sign = (uint16_t)((b >> 16) & 0x8000);
    uint32_t a = b & 0x7FFFFFFF;            /* |x|'s bits */
    if (a > 0x7F800000)                     /* nan: keep it, quiet */
        return (uint16_t)(sign | 0x7E00 | ((a & 0x7FFFFF) >> 13));
    if (a >= 0x477FF000)                    /* |x| >= 65520 (and inf) */
        return sign | 0x7C00;
    if (a >= 0x38800000)                    /* |x| >= 2^-14: normal */
        /* bias 127 -> 15: the exponent field goes down by 112 */
        return (uint16_t)(sign | round_shift(a - (112u << 23), 13));
    unsigned e = a >> 23;                   /* float's biased exponent */
    if (e < 102)                            /* |x| < 2^-25: half of 2^-24 */
        return sign;
    /* |x| = significand·2^(e - 150), with the hidden bit; in units of
     * 2^-24 (fp16's smallest subnormal) that is a shift by 126 - e. */
    uint32_t significand = (a & 0x7FFFFF) | 0x800000;
    return (uint16_t)(sign | round_shift(significand, 126 - e));
    // END SOLUTION
    // STUB: (void)x;
    // STUB: return 0; /* TODO: lesson section "fp16: subnormals and a narrow range" */
}
//< fp16-from-float

//> fp16-to-float
float fp16_to_float(uint16_t h)
{
    // BEGIN SOLUTION
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t e = (h >> 10) & 0x1F, m = h & 0x3FF;
    if (e == 0x1F && m == 0)                /* inf */
        return float_from_bits(sign | 0x7F800000);
    if (e == 0x1F)                          /* nan: payload kept, quiet */
        return float_from_bits(sign | 0x7FC00000 | (m << 13));
    if (e == 0) {                           /* ±0 and subnormals: m·2^-24 */
        float v = (float)m * 0x1p-24f;      /* exact: m < 2^10 */
        return sign ? -v : v;
    }
    return float_from_bits(sign | ((e + 112) << 23) | (m << 13));
    // END SOLUTION
    // STUB: (void)h;
    // STUB: return -1.0f; /* TODO: lesson section "fp16: subnormals and a narrow range" */
}
//< fp16-to-float
// BEGIN SOLUTION

//> round-to-odd
/* x rounded to a float "to odd": toward zero, and when that lost anything,
 * with the last bit set. It keeps the one fact a second rounding needs
 * (x was not exactly this float, and on which side of it x lies), so
 * rounding the result to nearest even at 13 or more bits fewer, as fp16
 * (11 bits) and bf16 (8 bits) are against a float's 24, gives the same as
 * rounding x itself (Boldo and Melquiond, 2008). */
static float float_round_to_odd(double x)
{
    double a = fabs(x);
    float f = (float)a;                     /* nearest: maybe above a */
    if ((double)f > a)
        f = nextafterf(f, 0.0f);            /* now toward zero */
    uint32_t b = float_bits(f);
    if ((double)f != a && !isnan(a))
        b |= 1;                             /* inexact: make it odd */
    if (signbit(x))
        b |= 0x80000000;
    return float_from_bits(b);
}
//< round-to-odd
// END SOLUTION

//> from-double
uint16_t fp16_from_double(double x)
{
    // BEGIN SOLUTION
    return fp16_from_float(float_round_to_odd(x));
    // END SOLUTION
    // STUB: (void)x;
    // STUB: return 0; /* TODO: lesson section "Double rounding" */
}

uint16_t bf16_from_double(double x)
{
    // BEGIN SOLUTION
    return bf16_from_float(float_round_to_odd(x));
    // END SOLUTION
    // STUB: (void)x;
    // STUB: return 0; /* TODO: lesson section "Double rounding" */
}
//< from-double

//> overflow-check
bool grads_overflowed(const double *grads, size_t n)
{
    // BEGIN SOLUTION
    for (size_t i = 0; i < n; i++)
        if (!isfinite(grads[i]))
            return true;
    return false;
    // END SOLUTION
    // STUB: (void)grads; (void)n;
    // STUB: return false; /* TODO: lesson section "Loss scaling" */
}
//< overflow-check

//> unscale
void grads_unscale(double *grads, size_t n, double scale)
{
    // BEGIN SOLUTION
    double inv_scale = 1.0 / scale;
    for (size_t i = 0; i < n; i++)
        grads[i] *= inv_scale;
    // END SOLUTION
    // STUB: (void)grads; (void)n; (void)scale;
    // STUB: /* TODO: lesson section "Loss scaling" */
}
//< unscale

//> master-step
void master_weight_step(double *master, uint16_t *low, LowFormat format,
                        const double *grads, size_t n, double lr)
{
    // BEGIN SOLUTION
    for (size_t i = 0; i < n; i++) {
        master[i] -= lr * grads[i];
        low[i] = format == FORMAT_FP16 ? fp16_from_double(master[i])
                                       : bf16_from_double(master[i]);
    }
    // END SOLUTION
    // STUB: (void)master; (void)low; (void)format; (void)grads; (void)n; (void)lr;
    // STUB: /* TODO: lesson section "Master weights" */
}
//< master-step

//> scaler-update
void loss_scaler_update(LossScaler *s, bool found_inf)
{
    // BEGIN SOLUTION
    /* PyTorch's scale is a float32: each new one is rounded to it. */
    if (found_inf) {
        s->scale = (float)(s->scale * s->backoff_factor);
        s->growth_tracker = 0;
        return;
    }
    size_t successful = s->growth_tracker + 1;
    if (successful == s->growth_interval) {
        double grown = s->scale * s->growth_factor;
        if (isfinite((float)grown))         /* not past float32's largest */
            s->scale = (float)grown;
        s->growth_tracker = 0;              /* a new count starts */
    } else {
        s->growth_tracker = successful;
    }
    // END SOLUTION
    // STUB: (void)s; (void)found_inf;
    // STUB: /* TODO: lesson section "The dynamic loss scaler" */
}
//< scaler-update

//> scaled-step
bool scaled_sgd_step(double *master, uint16_t *low, LowFormat format,
                     double *grads, size_t n, double lr, LossScaler *s)
{
    // BEGIN SOLUTION
    bool found_inf = grads_overflowed(grads, n);
    grads_unscale(grads, n, s->scale);
    if (!found_inf)
        master_weight_step(master, low, format, grads, n, lr);
    loss_scaler_update(s, found_inf);
    return !found_inf;
    // END SOLUTION
    // STUB: (void)master; (void)low; (void)format; (void)grads; (void)n; (void)lr; (void)s;
    // STUB: return true; /* TODO: lesson section "The dynamic loss scaler" */
}
//< scaled-step

//> kahan-step
void kahan_weight_step(uint16_t *low, uint16_t *comp, LowFormat format,
                       const double *grads, size_t n, double lr)
{
    // BEGIN SOLUTION
    bool fp16 = format == FORMAT_FP16;
    for (size_t i = 0; i < n; i++) {
        double w = fp16 ? fp16_to_float(low[i]) : bf16_to_float(low[i]);
        double c = fp16 ? fp16_to_float(comp[i]) : bf16_to_float(comp[i]);
        double y = -lr * grads[i] - c;      /* the update, less what is owed */
        uint16_t t = fp16 ? fp16_from_double(w + y) : bf16_from_double(w + y);
        double moved = (fp16 ? fp16_to_float(t) : bf16_to_float(t)) - w;
        double lost = moved - y;            /* exact: both near y */
        comp[i] = fp16 ? fp16_from_double(lost) : bf16_from_double(lost);
        low[i] = t;
    }
    // END SOLUTION
    // STUB: (void)low; (void)comp; (void)format; (void)grads; (void)n; (void)lr;
    // STUB: /* TODO: lesson section "Kahan-compensated updates" */
}
//< kahan-step

//> round-stochastic
uint16_t round_stochastic(double x, LowFormat format, double u)
{
    // BEGIN SOLUTION
    bool fp16 = format == FORMAT_FP16;
    uint16_t near = fp16 ? fp16_from_double(x) : bf16_from_double(x);
    double v = fp16 ? fp16_to_float(near) : bf16_to_float(near);
    if (v == x || !isfinite(v))             /* exact, nan or inf */
        return near;
    /* the neighbour on x's other side: one pattern away from zero when x
     * is farther from zero than v, one toward it otherwise */
    bool outward = (v < x) != (signbit(v) != 0);
    uint16_t other = outward ? (uint16_t)(near + 1) : (uint16_t)(near - 1);
    double o = fp16 ? fp16_to_float(other) : bf16_to_float(other);
    if (!isfinite(o))                       /* past the largest: nearest */
        return near;
    double lo = v < o ? v : o, hi = v < o ? o : v;
    bool up = u < (x - lo) / (hi - lo);
    return up == (hi == v) ? near : other;
    // END SOLUTION
    // STUB: (void)x; (void)format; (void)u;
    // STUB: return 0; /* TODO: lesson section "Stochastic rounding" */
}
//< round-stochastic
