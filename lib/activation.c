/*
 * activation.c: see activation.h.
 */
#include "activation.h"

#include <math.h>

double activation_sigmoid(double z)
{
    return z >= 0.0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
}

double activation_softplus(double z)
{
    return fmax(z, 0.0) + log1p(exp(-fabs(z)));
}
