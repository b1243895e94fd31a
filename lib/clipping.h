/*
 * clipping.h: chapter 5's gradient clipping as the chapter programs offer
 * it, two flags and a hook for lib/loop.h's one loop.
 *
 * Chapter 4's optimizers, chapter 5's program and chapter 8's network all
 * clip the gradient between the backward pass and the step, when
 * --clip-norm or --clip-value asks for it, and mean the same by it; so
 * the flags, their help and the clipping are written once, here. The clipping itself is
 * chapter 5's graded clip_grad_norm and clip_grad_value, which treat all
 * of θ's gradient as one tensor.
 */
#ifndef CLIPPING_H
#define CLIPPING_H

#include <stdbool.h>
#include <stddef.h>

#include "05-gradient-clipping.h"
#include "cli.h"

/* The thresholds of --clip-norm and --clip-value; 0 when not given (a
 * threshold must be above 0, so 0 can mean "not asked for"). */
typedef struct {
    double max_norm, clip_value;
} Clipping;

/* The lines of a program's usage text that say what the flags do. */
#define CLIPPING_USAGE                                                      \
    "  --clip-norm C   g <- g C/(|g| + 1e-6) when that shrinks it (|g| the "  \
    "L2 norm)\n"                                                            \
    "  --clip-value V  every entry of g into [-V, V] (one or the other, "     \
    "not both)\n"

/* The two flags' entries in a lib/cli.h flag table, filling the Clipping
 * at `c`, given where they apply (lib/cli.h's scope; "" everywhere):
 * Flag flags[] = {..., CLIPPING_FLAGS(&s.clipping, ""), ...}. */
#define CLIPPING_FLAGS(c, SCOPE)                                            \
    {.name = "clip-norm", .kind = FLAG_DOUBLE, .value = &(c)->max_norm,     \
     .help = "before every step, scale the gradient down to this L2 "       \
             "norm if it is longer (torch.nn.utils.clip_grad_norm_)",       \
     .min = 0, .min_exclusive = true, .max = 1e300,                         \
     .default_text = "no clipping", .scope = SCOPE},                        \
    {.name = "clip-value", .kind = FLAG_DOUBLE, .value = &(c)->clip_value,  \
     .help = "before every step, clamp every gradient entry into "          \
             "[-N, N] (torch.nn.utils.clip_grad_value_)",                   \
     .min = 0, .min_exclusive = true, .max = 1e300,                         \
     .default_text = "no clipping", .scope = SCOPE}

/* The one rule the table cannot say: not both flags at once, which would
 * leave the order of the two to guess. CLI_RUN, or CLI_BAD_INPUT after
 * the one-line message. */
CliStatus clipping_flags_check(Cli *cli);

/* True when either threshold was given. */
bool clipping_asked(const Clipping *c);

/* Clips the n entries of a gradient, taken as one tensor, by norm or by
 * value as c asks (or not at all). */
void clipping_apply(const Clipping *c, double *grads, size_t n);

/* clipping_apply as lib/loop.h's GradHookFn, with a Clipping as ctx. */
void clipping_hook(double *grads, size_t n, size_t step, void *clipping);

#endif
