/*
 * clip.h: gradient clipping, with the semantics of torch.nn.utils.
 *
 * A model's gradient is spread over several arrays, one per parameter
 * tensor (PyTorch's model.parameters()). Clipping treats them as one long
 * vector, and runs after the backward pass and before the optimizer step:
 *   by norm   one L2 norm over every entry of every tensor; when
 *             c = max_norm / (norm + 1e-6) is below 1, every entry is
 *             multiplied by c, so the gradient keeps its direction and its
 *             norm becomes (just under) max_norm
 *             (torch.nn.utils.clip_grad_norm_);
 *   by value  every entry is clamped into [-v, v] on its own, which can
 *             change the gradient's direction (torch.nn.utils.clip_grad_value_).
 * Chapter 5 teaches both; the chapter programs of chapters 4 and 5 use them.
 * The functions are not called by torch's names, clip_grad_norm and
 * clip_grad_value: chapter 5's exercises are, and the grader links lib/
 * into every exercise suite.
 */
#ifndef CLIP_H
#define CLIP_H

#include <stddef.h>

/* The gradient of one parameter tensor: `size` doubles at `grad`, owned by
 * the caller. A model's gradient is an array of these. */
typedef struct {
    double *grad;
    size_t size;
} GradTensor;

/* The L2 norm of all `count` tensors' entries together, as if they were one
 * vector: sqrt(Σ_t Σ_i grad_t[i]²). Reads only. */
double clip_global_norm(const GradTensor *tensors, size_t count);

/* Clips by global norm, in place, as torch.nn.utils.clip_grad_norm_: every
 * entry is multiplied by max_norm / (norm + 1e-6) when that is below 1, and
 * left alone otherwise. Returns the norm before clipping. max_norm > 0. */
double clip_by_norm(GradTensor *tensors, size_t count, double max_norm);

/* Clips by value, in place, as torch.nn.utils.clip_grad_value_: every entry
 * is clamped into [-clip_value, clip_value]. A nan stays nan, as with
 * torch.clamp, so that clipping never hides a broken gradient.
 * clip_value > 0. */
void clip_by_value(GradTensor *tensors, size_t count, double clip_value);

/* Which clipping a training loop applies, and its threshold (max_norm or
 * clip_value). */
typedef enum { CLIP_NONE, CLIP_NORM, CLIP_VALUE } ClipKind;

typedef struct {
    ClipKind kind;
    double threshold;
} ClipConfig;

/* Applies the clipping that cfg names (none, by norm, by value) to the
 * tensors, in place, and returns their global norm before clipping. */
double clip_apply(const ClipConfig *cfg, GradTensor *tensors, size_t count);

#endif
