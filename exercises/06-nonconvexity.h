/*
 * 06-nonconvexity.h: the exercises of chapter 6, nonconvex landscapes.
 *
 * You write these functions in exercises/06-nonconvexity.c; `make check
 * CH=06` grades them. Each comment below is the contract your function must
 * keep. The lesson, chapters/06-nonconvexity.md, explains the math; the
 * section named in each comment is the one to read first.
 *
 * Conventions: a point of a two-parameter landscape is an array theta[2] =
 * {x, y}; arrays are owned by the caller. Himmelblau's function is
 *   f(x, y) = (x² + y - 11)² + (x + y² - 7)².
 */
#ifndef EXERCISES_06_NONCONVEXITY_H
#define EXERCISES_06_NONCONVEXITY_H

#include <stdbool.h>
#include <stddef.h>

/* The gradient of Himmelblau's function at theta, written to grad[0] =
 * ∂f/∂x and grad[1] = ∂f/∂y (overwritten, not added to). Section
 * "Himmelblau's function". */
void himmelblau_grad(const double theta[2], double grad[2]);

/* A symmetric 2×2 matrix [[xx, xy], [xy, yy]], such as the Hessian of a
 * two-parameter function: xx = ∂²f/∂x², xy = ∂²f/∂x∂y, yy = ∂²f/∂y². */
typedef struct {
    double xx, xy, yy;
} Hessian2;

/* The Hessian of Himmelblau's function at theta. Section "Himmelblau's
 * function". */
Hessian2 himmelblau_hessian(const double theta[2]);

/* The two eigenvalues of the symmetric matrix h, in closed form, written to
 * *lambda_min and *lambda_max with *lambda_min <= *lambda_max. Both are
 * real for every symmetric matrix. Section "Critical points and the
 * Hessian". */
void hessian_eigenvalues(Hessian2 h, double *lambda_min,
                         double *lambda_max);

/* What the second-derivative test says about a critical point whose
 * Hessian is h. */
typedef enum {
    CRITICAL_MINIMUM,   /* every eigenvalue > 0 */
    CRITICAL_MAXIMUM,   /* every eigenvalue < 0 */
    CRITICAL_SADDLE,    /* one eigenvalue > 0, the other < 0 */
    CRITICAL_DEGENERATE /* an eigenvalue is zero: the test cannot decide */
} CriticalKind;

/* Classifies a critical point by the eigenvalues of its Hessian h. An
 * eigenvalue whose absolute value is at most tol (>= 0) counts as zero,
 * which makes the point CRITICAL_DEGENERATE whatever the other one is.
 * Section "Critical points and the Hessian". */
CriticalKind hessian_classify(Hessian2 h, double tol);

/* A gradient as a function of a point: writes ∇f(theta) to grad[0..1].
 * ctx carries whatever else the function needs (it may be NULL). */
typedef void (*GradFn)(const double theta[2], const void *ctx,
                       double grad[2]);

/* Settings of basin_label. */
typedef struct {
    double lr;        /* learning rate η > 0 */
    size_t max_steps; /* the most gradient steps to take */
    double grad_tol;  /* converged once |∇f| (Euclidean norm) <= grad_tol */
    double radius;    /* an end point within this distance of a minimum
                         (Euclidean) has reached it */
} BasinConfig;

/* What basin_label returns when the run does not end in a listed minimum. */
enum {
    BASIN_OTHER = -1,      /* converged, but to no listed minimum (a saddle
                              point or a maximum, where ∇f = 0 too) */
    BASIN_UNFINISHED = -2, /* max_steps steps taken, not converged */
    BASIN_DIVERGED = -3    /* the point or its gradient became inf or nan */
};

/* Which basin of attraction `start` lies in: runs plain gradient descent
 * θ ← θ - lr·∇f(θ) from start until it converges, then returns the index k
 * of the first of the n_minima listed minima within cfg->radius of where it
 * ended, or BASIN_OTHER if none is. minima holds the points one after the
 * other, minimum k at (minima[2k], minima[2k + 1]).
 *
 * Before every step, and after the last one, it evaluates the gradient at
 * the current point: a non-finite point or gradient gives BASIN_DIVERGED; a
 * gradient norm <= grad_tol means converged; otherwise, if max_steps steps
 * have been taken already, the answer is BASIN_UNFINISHED. (So max_steps =
 * 0 only checks the start.) start and minima are not modified. Section
 * "Basins of attraction". */
int basin_label(GradFn grad, const void *ctx, const double start[2],
                const double *minima, size_t n_minima,
                const BasinConfig *cfg);

/* The symmetric-initialisation detector: true when all `hidden` hidden
 * units of a two-layer network are copies of each other to within tol
 * (>= 0), false otherwise. Hidden unit j owns its `inputs` incoming weights
 * w_in[j*inputs + i] (row j of a hidden × inputs row-major matrix), its bias
 * b_in[j] and its outgoing weight w_out[j]. The units are identical when,
 * for each of those inputs + 2 positions, the largest value across the units
 * minus the smallest is at most tol. One unit is always identical to itself.
 * Nothing is modified. Section "Symmetric initialisation". */
bool hidden_units_identical(const double *w_in, const double *b_in,
                            const double *w_out, size_t hidden,
                            size_t inputs, double tol);

#endif
