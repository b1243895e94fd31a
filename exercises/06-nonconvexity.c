/*
 * exercises/06-nonconvexity.c: chapter 6, nonconvex landscapes.
 *
 * Implement each function as its contract in 06-nonconvexity.h says.
 * Grade your work with `make check CH=06`; the lesson is
 * chapters/06-nonconvexity.md.
 */
#include "06-nonconvexity.h"

#include <math.h>

void himmelblau_grad(const double theta[2], double grad[2])
{
    (void)theta;
    grad[0] = 0.0; /* TODO: lesson section "Himmelblau's function" */
    grad[1] = 0.0;
}

Hessian2 himmelblau_hessian(const double theta[2])
{
    (void)theta;
    Hessian2 h = {0.0, 0.0, 0.0}; /* TODO: lesson section "Himmelblau's function" */
    return h;
}

void hessian_eigenvalues(Hessian2 h, double *lambda_min, double *lambda_max)
{
    (void)h;
    *lambda_min = 0.0; /* TODO: lesson section "Critical points and the Hessian" */
    *lambda_max = 0.0;
}

CriticalKind hessian_classify(Hessian2 h, double tol)
{
    (void)h; (void)tol;
    return CRITICAL_DEGENERATE; /* TODO: lesson section "Critical points and the Hessian" */
}

int basin_label(GradFn grad, const void *ctx, const double start[2],
                const double *minima, size_t n_minima,
                const BasinConfig *cfg)
{
    (void)grad; (void)ctx; (void)start; (void)minima; (void)n_minima;
    (void)cfg;
    return -4; /* TODO: lesson section "Basins of attraction" */
}

bool hidden_units_identical(const double *w_in, const double *b_in,
                            const double *w_out, size_t hidden,
                            size_t inputs, double tol)
{
    (void)w_in; (void)b_in; (void)w_out; (void)hidden; (void)inputs;
    (void)tol;
    return false; /* TODO: lesson section "Symmetric initialisation" */
}
