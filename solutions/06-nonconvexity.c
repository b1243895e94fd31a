// BEGIN SOLUTION
/*
 * solutions/06-nonconvexity.c: reference solutions of chapter 6.
 *
 * exercises/06-nonconvexity.c is generated from this file (`make stubs`):
 * the lines between BEGIN and END SOLUTION markers are dropped and the STUB
 * lines become code. Check yours with `make check CH=06`; look here after.
 */
// END SOLUTION
// STUB: /*
// STUB:  * exercises/06-nonconvexity.c: chapter 6, nonconvex landscapes.
// STUB:  *
// STUB:  * Implement each function as its contract in 06-nonconvexity.h says.
// STUB:  * Grade your work with `make check CH=06`; the lesson is
// STUB:  * chapters/06-nonconvexity.md.
// STUB:  */
#include "06-nonconvexity.h"

#include <math.h>

//> himmelblau-derivatives
void himmelblau_grad(const double theta[2], double grad[2])
{
    // BEGIN SOLUTION
    double x = theta[0], y = theta[1];
    double p = x * x + y - 11.0, q = x + y * y - 7.0;
    grad[0] = 4.0 * x * p + 2.0 * q;
    grad[1] = 2.0 * p + 4.0 * y * q;
    // END SOLUTION
    // STUB: (void)theta;
    // STUB: grad[0] = 0.0; /* TODO: lesson section "Himmelblau's function" */
    // STUB: grad[1] = 0.0;
}

Hessian2 himmelblau_hessian(const double theta[2])
{
    // BEGIN SOLUTION
    double x = theta[0], y = theta[1];
    Hessian2 h = {
        .xx = 12.0 * x * x + 4.0 * y - 42.0,
        .xy = 4.0 * x + 4.0 * y,
        .yy = 12.0 * y * y + 4.0 * x - 26.0,
    };
    return h;
    // END SOLUTION
    // STUB: (void)theta;
    // STUB: Hessian2 h = {0.0, 0.0, 0.0}; /* TODO: lesson section "Himmelblau's function" */
    // STUB: return h;
}
//< himmelblau-derivatives

//> hessian-eigenvalues
void hessian_eigenvalues(Hessian2 h, double *lambda_min, double *lambda_max)
{
    // BEGIN SOLUTION
    double mean = 0.5 * (h.xx + h.yy);
    double radius = sqrt(0.25 * (h.xx - h.yy) * (h.xx - h.yy) + h.xy * h.xy);
    *lambda_min = mean - radius;
    *lambda_max = mean + radius;
    // END SOLUTION
    // STUB: (void)h;
    // STUB: *lambda_min = 0.0; /* TODO: lesson section "Critical points and the Hessian" */
    // STUB: *lambda_max = 0.0;
}
//< hessian-eigenvalues

//> classify
CriticalKind hessian_classify(Hessian2 h, double tol)
{
    // BEGIN SOLUTION
    double lambda_min, lambda_max;
    hessian_eigenvalues(h, &lambda_min, &lambda_max);
    if (fabs(lambda_min) <= tol || fabs(lambda_max) <= tol)
        return CRITICAL_DEGENERATE;
    if (lambda_min > 0.0)
        return CRITICAL_MINIMUM;
    if (lambda_max < 0.0)
        return CRITICAL_MAXIMUM;
    return CRITICAL_SADDLE;
    // END SOLUTION
    // STUB: (void)h; (void)tol;
    // STUB: return CRITICAL_DEGENERATE; /* TODO: lesson section "Critical points and the Hessian" */
}
//< classify

//> basin-label
int basin_label(GradFn grad, const void *ctx, const double start[2],
                const double *minima, size_t n_minima,
                const BasinConfig *cfg)
{
    // BEGIN SOLUTION
    double theta[2] = {start[0], start[1]};
    for (size_t step = 0;; step++) {
        double g[2];
        grad(theta, ctx, g);
        if (!isfinite(theta[0]) || !isfinite(theta[1]) ||
            !isfinite(g[0]) || !isfinite(g[1]))
            return BASIN_DIVERGED;
        if (hypot(g[0], g[1]) <= cfg->grad_tol)
            break;
        if (step == cfg->max_steps)
            return BASIN_UNFINISHED;
        theta[0] -= cfg->lr * g[0];
        theta[1] -= cfg->lr * g[1];
    }
    for (size_t k = 0; k < n_minima; k++) {
        double dx = theta[0] - minima[2 * k];
        double dy = theta[1] - minima[2 * k + 1];
        if (hypot(dx, dy) <= cfg->radius)
            return (int)k;
    }
    return BASIN_OTHER;
    // END SOLUTION
    // STUB: (void)grad; (void)ctx; (void)start; (void)minima; (void)n_minima;
    // STUB: (void)cfg;
    // STUB: return -4; /* TODO: lesson section "Basins of attraction" */
}
//< basin-label

bool hidden_units_identical(const double *w_in, const double *b_in,
                            const double *w_out, size_t hidden,
                            size_t inputs, double tol)
{
    // BEGIN SOLUTION
    /* Position i < inputs is incoming weight i, then the bias, then the
     * outgoing weight: compare each across every unit. */
    for (size_t i = 0; i < inputs + 2; i++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t j = 0; j < hidden; j++) {
            double v = i < inputs ? w_in[j * inputs + i]
                       : i == inputs ? b_in[j]
                                     : w_out[j];
            lo = fmin(lo, v);
            hi = fmax(hi, v);
        }
        if (hi - lo > tol)
            return false;
    }
    return true;
    // END SOLUTION
    // STUB: (void)w_in; (void)b_in; (void)w_out; (void)hidden; (void)inputs;
    // STUB: (void)tol;
    // STUB: return false; /* TODO: lesson section "Symmetric initialisation" */
}
