/*
 * clip.c: gradient clipping by global norm and by value (see clip.h).
 * Chapter 5's lesson quotes these functions.
 */
#include "clip.h"

#include <math.h>

//> global-norm
/* One norm over every entry of every tensor: the tensors are pieces of one
 * gradient vector, so their squares are added up before the square root. */
double clip_global_norm(const GradTensor *tensors, size_t count)
{
    double sum_of_squares = 0.0;
    for (size_t t = 0; t < count; t++)
        for (size_t i = 0; i < tensors[t].size; i++)
            sum_of_squares += tensors[t].grad[i] * tensors[t].grad[i];
    return sqrt(sum_of_squares);
}
//< global-norm

//> clip-by-norm
/* torch.nn.utils.clip_grad_norm_: one coefficient for all tensors, so the
 * gradient's direction is kept. The 1e-6 keeps the division safe when the
 * norm is 0. torch multiplies by min(coefficient, 1) unconditionally;
 * multiplying by 1 changes nothing, so skipping it is the same, and the
 * test is written so that a nan coefficient (from a nan gradient) is
 * applied too and spreads, as torch's does. */
double clip_by_norm(GradTensor *tensors, size_t count, double max_norm)
{
    double norm = clip_global_norm(tensors, count);
    double coefficient = max_norm / (norm + 1e-6);
    if (!(coefficient >= 1.0))
        for (size_t t = 0; t < count; t++)
            for (size_t i = 0; i < tensors[t].size; i++)
                tensors[t].grad[i] *= coefficient;
    return norm;
}
//< clip-by-norm

//> clip-by-value
/* torch.nn.utils.clip_grad_value_: each entry on its own into [-v, v].
 * Written with comparisons rather than fmin/fmax, which would turn a nan
 * into a bound and let a broken gradient pass for a clipped one. */
void clip_by_value(GradTensor *tensors, size_t count, double clip_value)
{
    for (size_t t = 0; t < count; t++)
        for (size_t i = 0; i < tensors[t].size; i++) {
            double *g = &tensors[t].grad[i];
            if (*g > clip_value)
                *g = clip_value;
            else if (*g < -clip_value)
                *g = -clip_value;
        }
}
//< clip-by-value

double clip_apply(const ClipConfig *cfg, GradTensor *tensors, size_t count)
{
    switch (cfg->kind) {
    case CLIP_NORM: return clip_by_norm(tensors, count, cfg->threshold);
    case CLIP_VALUE: {
        double norm = clip_global_norm(tensors, count);
        clip_by_value(tensors, count, cfg->threshold);
        return norm;
    }
    case CLIP_NONE: break;
    }
    return clip_global_norm(tensors, count);
}
