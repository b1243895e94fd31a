/*
 * 06-nonconvexity.c: Chapter 6, nonconvex landscapes.
 *
 * Runs the lesson's experiments and prints their numbers as CSV:
 *   - gradient descent (optionally with momentum and gradient noise) on five
 *     small landscapes: two valleys of different depth, a sharp and a flat
 *     minimum, a plateau, the saddle x² - y², and Himmelblau's function;
 *   - basin-of-attraction maps: which minimum descent reaches from every
 *     start on a grid;
 *   - every critical point of a landscape, found by Newton's method and
 *     classified by the eigenvalues of its Hessian;
 *   - how much the same perturbation raises the loss at a sharp and at a flat
 *     minimum;
 * The chapter's other experiments, a network learning XOR, are
 * chapters/06-nonconvexity.xor.c; --problem xor hands the command line over
 * to that program, so scripts written before the split still run.
 * Himmelblau's derivatives, the Hessian's eigenvalues and the second-
 * derivative test are chapter 6's graded code, every descent steps through
 * chapter 4's sgd_step (solutions/, linked by make).
 *
 * Build: make (it links the solutions and lib/).
 * Run:
 *   build/bin/06-nonconvexity --problem himmelblau --start 0,0
 *   build/bin/06-nonconvexity --problem himmelblau --task basins --grid 100
 *   build/bin/06-nonconvexity --problem xor --init symmetric
 *   build/bin/06-nonconvexity --help
 */
#define _POSIX_C_SOURCE 200809L /* readlink, execv */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "04-optimizers.h"
#include "06-nonconvexity.h"
#include "cli.h"
#include "output.h"
#include "rng.h"
#include "vec.h"

static const char PROGRAM[] = PROGRAM_NAME;

enum { MAX_DIM = 2, MAX_MINIMA = 4, MAX_CRITICAL = 64 };

/* A landscape is a loss of one or two parameters with everything the
 * experiments need: the loss, its gradient and its Hessian in closed form,
 * the minima that basin maps label, and the lesson's reference settings. */
typedef struct {
    const char *name;
    size_t dim;                      /* 1 or 2 parameters */
    const char *const *param_names;  /* column names */
    double (*loss)(const double *theta);
    void (*grad)(const double *theta, double *grad);
    /* Writes the Hessian as [xx, xy, yy] (2-D) or [f''] (1-D). */
    void (*hessian)(const double *theta, double *hess);
    size_t minima_count;             /* 0: the landscape has no minimum */
    double minima[MAX_MINIMA][MAX_DIM];
    double lr, range_lo, range_hi;   /* reference settings */
    size_t steps;
    double start[MAX_DIM];
} Landscape;

/* ============================================================== landscapes */

//> two-wells
/* f(w) = w⁴/4 + w³/6 - 3w²/4, built from its derivative
 * f'(w) = w³ + w²/2 - 3w/2 = w (w - 1)(w + 3/2): critical points at
 * w = -3/2 (the deep minimum, f = -63/64), w = 0 (a maximum, f = 0) and
 * w = 1 (the shallow minimum, f = -1/3). */
static double two_wells_loss(const double *theta)
{
    double w = theta[0];
    return w * w * w * w / 4.0 + w * w * w / 6.0 - 0.75 * w * w;
}

static void two_wells_grad(const double *theta, double *grad)
{
    double w = theta[0];
    grad[0] = w * (w - 1.0) * (w + 1.5);
}
//< two-wells

static void two_wells_hessian(const double *theta, double *hess)
{
    double w = theta[0];
    hess[0] = 3.0 * w * w + w - 1.5;
}

//> sharp-flat
/* f(w) = (w² - 1)² ((w + 1)² + 1/4): zero, its smallest value, at both
 * w = -1 and w = 1. Near a double root the first factor is 4(w ∓ 1)², so
 * the curvature there is f'' = 8·((w + 1)² + 1/4): 2 at w = -1 (flat) and
 * 34 at w = 1 (sharp). */
static double sharp_flat_loss(const double *theta)
{
    double w = theta[0], well = w * w - 1.0, shape = (w + 1.0) * (w + 1.0);
    return well * well * (shape + 0.25);
}

static void sharp_flat_grad(const double *theta, double *grad)
{
    double w = theta[0], well = w * w - 1.0, shape = (w + 1.0) * (w + 1.0);
    grad[0] = 4.0 * w * well * (shape + 0.25) + well * well * 2.0 * (w + 1.0);
}
//< sharp-flat

static void sharp_flat_hessian(const double *theta, double *hess)
{
    double w = theta[0], well = w * w - 1.0, shape = (w + 1.0) * (w + 1.0);
    /* Product rule twice on u·v with u = (w² - 1)², v = (w + 1)² + 1/4:
     * u' = 4w(w² - 1), u'' = 12w² - 4, v' = 2(w + 1), v'' = 2. */
    double u = well * well, du = 4.0 * w * well, d2u = 12.0 * w * w - 4.0;
    double v = shape + 0.25, dv = 2.0 * (w + 1.0);
    hess[0] = d2u * v + 2.0 * du * dv + u * 2.0;
}

//> plateau
/* One sigmoid unit σ(w) = 1/(1 + e^-w) asked to output 0.9:
 * f(w) = (σ(w) - 0.9)², f'(w) = 2(σ(w) - 0.9)·σ(w)(1 - σ(w)).
 * Its minimum is where σ(w) = 0.9, at w = ln 9. For very negative w the
 * unit is saturated, σ(w) ≈ e^w ≈ 0: the loss sits near 0.81 and the factor
 * σ(1 - σ) makes the gradient almost zero, a plateau. */
static double sigmoid(double z)
{
    return z >= 0.0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
}

static double plateau_loss(const double *theta)
{
    double miss = sigmoid(theta[0]) - 0.9;
    return miss * miss;
}

static void plateau_grad(const double *theta, double *grad)
{
    double s = sigmoid(theta[0]);
    grad[0] = 2.0 * (s - 0.9) * s * (1.0 - s);
}
//< plateau

static void plateau_hessian(const double *theta, double *hess)
{
    /* d/dw of 2(s - 0.9)·s', with s' = s(1 - s) and s'' = s'(1 - 2s). */
    double s = sigmoid(theta[0]), ds = s * (1.0 - s);
    hess[0] = 2.0 * ds * ds + 2.0 * (s - 0.9) * ds * (1.0 - 2.0 * s);
}

//> saddle
/* f(x, y) = x² - y²: a minimum along x, a maximum along y. The gradient
 * (2x, -2y) vanishes only at the origin, and the loss has no lower bound. */
static double saddle_loss(const double *theta)
{
    return theta[0] * theta[0] - theta[1] * theta[1];
}

static void saddle_grad(const double *theta, double *grad)
{
    grad[0] = 2.0 * theta[0];
    grad[1] = 0.0 - 2.0 * theta[1]; /* 0 - 0 is +0: no "-0" in the output */
}
//< saddle

static void saddle_hessian(const double *theta, double *hess)
{
    (void)theta;
    hess[0] = 2.0, hess[1] = 0.0, hess[2] = -2.0;
}

//> himmelblau
/* Himmelblau's function, f(x, y) = (x² + y - 11)² + (x + y² - 7)², and its
 * gradient by the chain rule, with the two brackets p = x² + y - 11 and
 * q = x + y² - 7:
 *   ∂f/∂x = 2p·2x + 2q·1 = 4xp + 2q
 *   ∂f/∂y = 2p·1 + 2q·2y = 2p + 4yq */
static double himmelblau_loss(const double *theta)
{
    double x = theta[0], y = theta[1];
    double p = x * x + y - 11.0, q = x + y * y - 7.0;
    return p * p + q * q;
}

/* Its gradient and its Hessian (differentiating the gradient once more:
 *   ∂²f/∂x² = 4p + 8x² + 2 = 12x² + 4y - 42
 *   ∂²f/∂x∂y = 4x + 4y
 *   ∂²f/∂y² = 2 + 4q + 8y² = 12y² + 4x - 26)
 * are chapter 6's exercises himmelblau_grad and himmelblau_hessian: the
 * landscape runs the graded code. */
static void himmelblau_hessian3(const double *theta, double *hess)
{
    Hessian2 h = himmelblau_hessian(theta);
    hess[0] = h.xx, hess[1] = h.xy, hess[2] = h.yy;
}
//< himmelblau

static const char *const w_names[] = {"w"};
static const char *const xy_names[] = {"x", "y"};

/* The lesson's landscapes with their reference settings. The minima of
 * Himmelblau's function other than (3, 2) have no closed form: the table
 * holds the published four-digit locations, and main() sharpens them with
 * Newton's method before use (see refine_minima). */
static const Landscape landscapes[] = {
    {.name = "two-wells", .dim = 1, .param_names = w_names,
     .loss = two_wells_loss, .grad = two_wells_grad,
     .hessian = two_wells_hessian, .minima_count = 2,
     .minima = {{-1.5}, {1.0}}, .lr = 0.1, .steps = 60, .start = {0.5},
     .range_lo = -2.5, .range_hi = 2.5},
    {.name = "sharp-flat", .dim = 1, .param_names = w_names,
     .loss = sharp_flat_loss, .grad = sharp_flat_grad,
     .hessian = sharp_flat_hessian, .minima_count = 2,
     .minima = {{-1.0}, {1.0}}, .lr = 0.01, .steps = 100, .start = {1.01},
     .range_lo = -2.0, .range_hi = 2.0},
    {.name = "plateau", .dim = 1, .param_names = w_names,
     .loss = plateau_loss, .grad = plateau_grad, .hessian = plateau_hessian,
     .minima_count = 1, .minima = {{2.1972245773362196}}, /* ln 9 */
     .lr = 2.0, .steps = 1500, .start = {-8.0}, .range_lo = -10.0,
     .range_hi = 10.0},
    {.name = "saddle", .dim = 2, .param_names = xy_names,
     .loss = saddle_loss, .grad = saddle_grad, .hessian = saddle_hessian,
     .minima_count = 0, .lr = 0.1, .steps = 80, .start = {1.0, 0.0},
     .range_lo = -2.0, .range_hi = 2.0},
    {.name = "himmelblau", .dim = 2, .param_names = xy_names,
     .loss = himmelblau_loss, .grad = himmelblau_grad,
     .hessian = himmelblau_hessian3, .minima_count = 4,
     .minima = {{3.0, 2.0}, {-2.8051, 3.1313}, {-3.7793, -3.2832},
                {3.5844, -1.8481}},
     .lr = 0.01, .steps = 100, .start = {0.0, 0.0}, .range_lo = -5.0,
     .range_hi = 5.0},
};

/* ============================================== critical points, Hessian */

/* The eigenvalues of the Hessian, and the second-derivative test on them,
 * are chapter 6's exercises hessian_eigenvalues and hessian_classify. */

/* Named in the order of chapter 6's CriticalKind. */
static const char *const kind_names[] = {"minimum", "maximum", "saddle",
                                         "degenerate"};

/* The eigenvalues of the landscape's Hessian at theta (for one parameter,
 * both are f''), and the tolerance below which one counts as zero: a few
 * million units of rounding relative to the larger one. */
static CriticalKind classify_at(const Landscape *ls, const double *theta,
                                double *lambda_min, double *lambda_max)
{
    double hess[3];
    ls->hessian(theta, hess);
    /* One parameter: the 1×1 Hessian f'' as diag(f'', f''), whose two
     * eigenvalues are both f'' exactly. */
    Hessian2 h = ls->dim == 1 ? (Hessian2){hess[0], 0.0, hess[0]}
                              : (Hessian2){hess[0], hess[1], hess[2]};
    hessian_eigenvalues(h, lambda_min, lambda_max);
    double scale = fmax(1.0, fmax(fabs(*lambda_min), fabs(*lambda_max)));
    return hessian_classify(h, 1e-9 * scale);
}

//> newton
/* Newton's method on the gradient: solve H·d = ∇f and move θ ← θ - d. It
 * jumps to the nearby point where the gradient is zero, whatever kind of
 * critical point that is, because it models f by its quadratic
 * approximation and goes to that quadratic's critical point. (Gradient
 * descent, in contrast, only goes downhill.) Once |∇f| is below tol, two
 * more steps polish the last digits (near a critical point each step
 * roughly doubles the number of correct digits) and it returns true. It
 * returns false if H is singular or the iterates stop being finite. */
static bool newton_step(const Landscape *ls, double *theta, const double *g)
{
    double h[3];
    ls->hessian(theta, h);
    if (ls->dim == 1) {
        if (h[0] == 0.0)
            return false;
        theta[0] -= g[0] / h[0];
        return isfinite(theta[0]);
    }
    /* [[a, b], [b, c]]⁻¹ = [[c, -b], [-b, a]] / (ac - b²) */
    double det = h[0] * h[2] - h[1] * h[1];
    if (det == 0.0)
        return false;
    theta[0] -= (h[2] * g[0] - h[1] * g[1]) / det;
    theta[1] -= (h[0] * g[1] - h[1] * g[0]) / det;
    return vec_all_finite(theta, 2);
}

static bool newton_critical_point(const Landscape *ls, double *theta,
                                  double tol)
{
    double g[MAX_DIM];
    for (int iter = 0; iter < 100; iter++) {
        ls->grad(theta, g);
        if (!vec_all_finite(g, ls->dim))
            return false;
        if (vec_norm(g, ls->dim) <= tol) {
            for (int polish = 0; polish < 2; polish++) {
                if (!newton_step(ls, theta, g))
                    return false;
                ls->grad(theta, g);
            }
            return true;
        }
        if (!newton_step(ls, theta, g))
            return false;
    }
    return false;
}
//< newton

/* Sharpens the table's approximate minima to full precision. */
static void refine_minima(Landscape *ls)
{
    for (size_t k = 0; k < ls->minima_count; k++) {
        bool converged = newton_critical_point(ls, ls->minima[k], 1e-12);
        assert(converged && "the table's minima are off by 1e-4 at most");
        (void)converged;
    }
}

/* ======================================================= gradient descent */

typedef struct {
    double lr;        /* learning rate η */
    double momentum;  /* μ: 0 is plain gradient descent */
    double noise;     /* σ: standard deviation of noise added to the gradient */
} DescentConfig;

typedef enum { DESCENT_CONVERGED, DESCENT_MAX_STEPS, DESCENT_DIVERGED }
    DescentStatus;

//> descent-step
/* One step of gradient descent with momentum: chapter 4's sgd_step, which
 * is PyTorch's SGD (buffer b ← μ·b + g, b = g on the first step; θ ← θ -
 * η·b; μ = 0 is plain descent). When noise is on, the step sees the true
 * gradient plus σ·N(0, 1) in every coordinate, the way a minibatch's
 * gradient scatters around the full-batch one. g receives the gradient
 * the step used. */
static void descent_step(double *theta, SgdState *state, const double *grad,
                         double *g, size_t dim, const DescentConfig *cfg,
                         Rng *rng)
{
    for (size_t j = 0; j < dim; j++)
        g[j] = cfg->noise > 0.0 ? grad[j] + cfg->noise * rng_normal(rng)
                                : grad[j];
    SgdConfig sgd = {.lr = cfg->lr, .momentum = cfg->momentum};
    sgd_step(theta, g, dim, &sgd, state);
}
//< descent-step

/* Runs up to `steps` steps from theta. With out, writes a row per step
 * (step 0 is the start): step, loss, parameters, gradient, gradient norm.
 * With grad_tol > 0, stops early once both the gradient and the last step
 * are shorter than grad_tol (with momentum a small gradient alone is not
 * enough: the ball may be rolling through). *taken receives the number of
 * steps made, or the step at which the loss stopped being finite. */
static DescentStatus descend(const Landscape *ls, double *theta,
                             const DescentConfig *cfg, size_t steps,
                             double grad_tol, Rng *rng, FILE *out,
                             size_t *taken)
{
    double grad[MAX_DIM], used[MAX_DIM] = {0.0, 0.0};
    double momentum_buffer[MAX_DIM] = {0.0, 0.0};
    SgdState state = {.momentum_buffer = momentum_buffer};
    /* The last step was η times this: the momentum buffer, or without
     * momentum the gradient the step used. */
    const double *velocity = cfg->momentum != 0.0 ? momentum_buffer : used;
    size_t dim = ls->dim;
    for (size_t step = 0;; step++) {
        *taken = step;
        double loss = out ? ls->loss(theta) : 0.0;
        ls->grad(theta, grad);
        if (!isfinite(loss) || !vec_all_finite(grad, dim) || !vec_all_finite(theta, dim))
            return DESCENT_DIVERGED;
        if (out) {
            double row[2 + 2 * MAX_DIM];
            size_t c = 0;
            row[c++] = loss;
            for (size_t j = 0; j < dim; j++)
                row[c++] = theta[j];
            for (size_t j = 0; j < dim; j++)
                row[c++] = grad[j];
            row[c++] = vec_norm(grad, dim);
            output_row(out, step, row, c);
        }
        if (grad_tol > 0.0 && vec_norm(grad, dim) <= grad_tol &&
            cfg->lr * vec_norm(velocity, dim) <= grad_tol)
            return DESCENT_CONVERGED;
        if (step == steps)
            return DESCENT_MAX_STEPS;
        descent_step(theta, &state, grad, used, dim, cfg, rng);
    }
}

/* ==================================================== basins of attraction */

/* Labels for a start that does not end in a listed minimum. An end point
 * within BASIN_RADIUS of a listed minimum has reached it. */
#define BASIN_RADIUS 1e-3
/* (BASIN_OTHER, BASIN_UNFINISHED and BASIN_DIVERGED are chapter 6's.) */

//> basin-label
/* Which minimum gradient descent reaches from `start`: run it to
 * convergence (a tiny gradient), then name the listed minimum the end point
 * is close to. A run that converges somewhere else (a saddle point or a
 * maximum: the gradient is zero there too) is BASIN_OTHER; one that uses up
 * its steps is BASIN_UNFINISHED; one that overflows is BASIN_DIVERGED. The
 * end point, not the start, decides: the minimum nearest to the start is
 * often not the one descent goes to. */
static int basin_reached(const Landscape *ls, const double *start,
                       const DescentConfig *cfg, size_t steps,
                       double grad_tol, size_t *taken)
{
    double theta[MAX_DIM];
    memcpy(theta, start, ls->dim * sizeof *theta);
    switch (descend(ls, theta, cfg, steps, grad_tol, NULL, NULL, taken)) {
    case DESCENT_DIVERGED: return BASIN_DIVERGED;
    case DESCENT_MAX_STEPS: return BASIN_UNFINISHED;
    case DESCENT_CONVERGED: break;
    }
    for (size_t k = 0; k < ls->minima_count; k++) {
        double d[MAX_DIM];
        for (size_t j = 0; j < ls->dim; j++)
            d[j] = theta[j] - ls->minima[k][j];
        if (vec_norm(d, ls->dim) < BASIN_RADIUS)
            return (int)k;
    }
    return BASIN_OTHER;
}
//< basin-label

/* The start of grid cell i (of n) on [lo, hi]: the cell's centre. */
static double grid_point(double lo, double hi, size_t i, size_t n)
{
    return lo + (hi - lo) * ((double)i + 0.5) / (double)n;
}

/* The basin map: one row per start, x (and y), label, steps taken. With
 * counts, writes instead one row per label: how many starts got it. */
static void basin_map(const Landscape *ls, const DescentConfig *cfg,
                      size_t steps, double grad_tol, size_t n, double lo,
                      double hi, bool counts, FILE *out)
{
    enum { LABELS = MAX_MINIMA + 3 };
    size_t tally[LABELS] = {0}; /* index label + 3 */
    size_t rows = ls->dim == 2 ? n : 1;
    for (size_t r = 0; r < rows; r++)
        for (size_t i = 0; i < n; i++) {
            double start[MAX_DIM] = {grid_point(lo, hi, i, n),
                                     grid_point(lo, hi, r, n)};
            size_t taken;
            int label = basin_reached(ls, start, cfg, steps, grad_tol, &taken);
            tally[label + 3]++;
            if (counts)
                continue;
            double row[MAX_DIM + 2];
            memcpy(row, start, ls->dim * sizeof *row);
            row[ls->dim] = label;
            row[ls->dim + 1] = (double)taken;
            output_numbers(out, row, ls->dim + 2);
        }
    if (!counts)
        return;
    double total = (double)(rows * n);
    for (int label = -3; label < (int)ls->minima_count; label++) {
        fprintf(out, "%d,%zu,%.17g", label, tally[label + 3],
                (double)tally[label + 3] / total);
        for (size_t j = 0; j < ls->dim; j++)
            fprintf(out, ",%.17g", label >= 0 ? ls->minima[label][j] : NAN);
        fputc('\n', out);
    }
}

/* ======================================================== critical points */

typedef struct {
    double theta[MAX_DIM];
    double loss, lambda_min, lambda_max;
    CriticalKind kind;
} CriticalPoint;

static int compare_points(const void *pa, const void *pb)
{
    const CriticalPoint *a = pa, *b = pb;
    for (int j = 0; j < MAX_DIM; j++)
        if (a->theta[j] != b->theta[j])
            return a->theta[j] < b->theta[j] ? -1 : 1;
    return 0;
}

/* Starts Newton's method from every point of an n (× n) grid, keeps each
 * distinct critical point it finds, classifies it, and returns how many
 * there are, sorted by x (then y). */
static size_t find_critical_points(const Landscape *ls, size_t n, double lo,
                                   double hi, CriticalPoint *found)
{
    size_t count = 0, rows = ls->dim == 2 ? n : 1;
    for (size_t r = 0; r < rows; r++)
        for (size_t i = 0; i < n; i++) {
            double theta[MAX_DIM] = {grid_point(lo, hi, i, n),
                                     grid_point(lo, hi, r, n)};
            /* Points outside the range are dropped: on a plateau Newton's
             * method runs off towards infinity, where the gradient
             * vanishes without ever being zero. */
            if (!newton_critical_point(ls, theta, 1e-10) ||
                theta[0] < lo || theta[0] > hi ||
                (ls->dim == 2 && (theta[1] < lo || theta[1] > hi)))
                continue;
            bool seen = false;
            for (size_t k = 0; k < count && !seen; k++) {
                double d[MAX_DIM] = {theta[0] - found[k].theta[0],
                                     theta[1] - found[k].theta[1]};
                seen = vec_norm(d, ls->dim) < 1e-6;
            }
            if (seen || count == MAX_CRITICAL)
                continue;
            CriticalPoint *p = &found[count++];
            memcpy(p->theta, theta, sizeof theta);
            if (ls->dim == 1)
                p->theta[1] = 0.0;
            p->loss = ls->loss(theta);
            p->kind = classify_at(ls, theta, &p->lambda_min, &p->lambda_max);
        }
    qsort(found, count, sizeof *found, compare_points);
    return count;
}

/* ========================================================= sharp and flat */

//> perturb
/* How much the loss rises when the parameters move by δ away from a
 * minimum θ*: f(θ* + δ) - f(θ*) ≈ ½ f''(θ*) δ² for small δ. The same δ
 * costs more where the curvature is larger, so a sharp minimum punishes a
 * small shift of the parameters (or of the loss surface itself, as when the
 * test data differ from the training data) far more than a flat one. */
static double loss_rise(const Landscape *ls, const double *minimum,
                        double delta)
{
    double moved[MAX_DIM];
    memcpy(moved, minimum, ls->dim * sizeof *moved);
    moved[0] += delta;
    return ls->loss(moved) - ls->loss(minimum);
}
//< perturb

/* ==================================================================== main */

static const char *const problem_names[] = {
    "himmelblau", "two-wells", "sharp-flat", "plateau", "saddle", "xor", NULL};
static const char *const task_names[] = {
    "train", "basins", "basin-counts", "critical", "perturb", NULL};

typedef struct {
    const char *problem, *task, *out;
    double lr, momentum, noise, tol, delta;
    size_t steps, grid;
    uint64_t seed;
    DoubleList start, range;
} Settings;

static const char usage[] =
    "06-nonconvexity: chapter 6, nonconvex landscapes.\n"
    "\n"
    "Problems:\n"
    "  himmelblau  f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2: four minima\n"
    "              (f = 0), one maximum, four saddle points\n"
    "  two-wells   f(w) = w^4/4 + w^3/6 - 3w^2/4: minima w = -1.5 (f = -63/64)\n"
    "              and w = 1 (f = -1/3), a maximum at w = 0\n"
    "  sharp-flat  f(w) = (w^2 - 1)^2 ((w + 1)^2 + 1/4): minima f = 0 at w = -1\n"
    "              (flat, f'' = 2) and w = 1 (sharp, f'' = 34)\n"
    "  plateau     f(w) = (sigmoid(w) - 0.9)^2: minimum at w = ln 9, a plateau\n"
    "              with a near-zero gradient for w << 0\n"
    "  saddle      f(x, y) = x^2 - y^2: a saddle point at the origin\n"
    "  xor         the XOR network: runs 06-nonconvexity.xor with the other\n"
    "              flags (see 06-nonconvexity.xor --help)\n"
    "Tasks (CSV on stdout or --out, with a header line):\n"
    "  train         gradient descent: step,loss,<params>,grad_<params>,\n"
    "                grad_norm\n"
    "  basins        descent from every start of a grid: <start>,label,steps;\n"
    "                label k >= 0: minimum k; -1 converged elsewhere (a saddle\n"
    "                or maximum); -2 not converged in --steps; -3 diverged\n"
    "  basin-counts  the same grid, counted: label,count,fraction,<minimum>\n"
    "  critical      every critical point Newton's method finds from a grid:\n"
    "                <point>,loss,lambda_min,lambda_max,kind,max_stable_lr\n"
    "  perturb       (sharp-flat) the rise f(w* + delta) - f(w*) at both minima:\n"
    "                delta,rise_flat,rise_sharp,ratio\n"

    "Minima of himmelblau: 0 = (3, 2), 1 = (-2.81, 3.13), 2 = (-3.78, -3.28),\n"
    "3 = (3.58, -1.85). Exit status: 0 done; 1 the loss became inf or nan;\n"
    "2 bad input.";

/* What the flags' scopes (in main's table) cannot say: which tasks a
 * landscape has, and the shapes of --start and --range. */
static CliStatus check_combinations(Cli *cli, const Settings *s,
                                    const Landscape *ls)
{
    if (strcmp(s->task, "perturb") == 0 && strcmp(ls->name, "sharp-flat") != 0)
        return cli_reject(cli, "task", s->task,
                          "applies only to --problem sharp-flat");
    if (strncmp(s->task, "basin", 5) == 0 && ls->minima_count == 0)
        return cli_reject(cli, "task", s->task,
                          "x^2 - y^2 has no minimum to reach");
    if (cli_given(cli, "seed") && s->noise == 0.0)
        return cli_reject(cli, "seed", NULL,
                          "draws the gradient noise: give --noise too");
    if (s->start.count && s->start.count != ls->dim)
        return cli_reject(cli, "start", NULL,
                          ls->dim == 1 ? "this problem needs one number: w"
                                       : "this problem needs two numbers: x,y");
    if (s->range.count &&
        (s->range.count != 2 || !(s->range.values[0] < s->range.values[1])))
        return cli_reject(cli, "range", NULL,
                          "expected two numbers LO,HI with LO < HI");
    if (strcmp(s->task, "perturb") == 0 && s->grid > 1000)
        return cli_reject(cli, "grid", NULL,
                          "perturb takes at most 1000 points a side");
    return CLI_RUN;
}

/* ------------------------------------------------------------- the tasks */

static void write_param_header(FILE *out, const Landscape *ls,
                               const char *prefix)
{
    for (size_t j = 0; j < ls->dim; j++)
        fprintf(out, "%s%s%s", j ? "," : "", prefix, ls->param_names[j]);
}

static int run_train(const Settings *s, const Landscape *ls, FILE *out)
{
    fprintf(out, "step,loss,");
    write_param_header(out, ls, "");
    fputc(',', out);
    write_param_header(out, ls, "grad_");
    fprintf(out, ",grad_norm\n");
    double theta[MAX_DIM];
    memcpy(theta, s->start.count ? s->start.values : ls->start,
           sizeof theta);
    DescentConfig cfg = {s->lr, s->momentum, s->noise};
    Rng rng;
    rng_seed(&rng, s->seed);
    size_t taken;
    if (descend(ls, theta, &cfg, s->steps, 0.0, &rng, out, &taken) !=
        DESCENT_DIVERGED)
        return EXIT_SUCCESS;
    if (taken == 0)
        fprintf(stderr,
                "%s: the loss stopped being a finite number at step 0: it "
                "overflows at the start, before any step, so no learning "
                "rate is to blame: --start is too far out (start nearer the "
                "origin)\n", PROGRAM);
    else if (ls->minima_count == 0)
        fprintf(stderr,
                "%s: the loss stopped being a finite number at step %zu: "
                "x^2 - y^2 has no minimum, so once y is off zero it grows "
                "by a factor 1 + 2η a step until it overflows (take fewer "
                "--steps)\n", PROGRAM, taken);
    else
        fprintf(stderr,
                "%s: the loss stopped being a finite number at step %zu: "
                "--lr %g is too large for the curvature along the way (a "
                "minimum with largest Hessian eigenvalue λ is stable only "
                "for --lr below 2/λ): divide --lr by 10\n",
                PROGRAM, taken, s->lr);
    return EXIT_FAILURE;
}

static int run_basins(const Settings *s, const Landscape *ls, bool counts,
                      FILE *out)
{
    if (counts) {
        fprintf(out, "label,count,fraction,");
        write_param_header(out, ls, "");
        fputc('\n', out);
    } else {
        write_param_header(out, ls, "");
        fprintf(out, ",label,steps\n");
    }
    DescentConfig cfg = {s->lr, s->momentum, 0.0};
    basin_map(ls, &cfg, s->steps, s->tol, s->grid, s->range.values[0],
              s->range.values[1], counts, out);
    return EXIT_SUCCESS;
}

static int run_critical(const Settings *s, const Landscape *ls, FILE *out)
{
    static CriticalPoint found[MAX_CRITICAL];
    size_t n = find_critical_points(ls, s->grid, s->range.values[0],
                                    s->range.values[1], found);
    write_param_header(out, ls, "");
    fprintf(out, ",loss,lambda_min,lambda_max,kind,max_stable_lr\n");
    for (size_t k = 0; k < n; k++) {
        const CriticalPoint *p = &found[k];
        for (size_t j = 0; j < ls->dim; j++)
            fprintf(out, "%.17g,", p->theta[j]);
        fprintf(out, "%.17g,%.17g,%.17g,%s,%.17g\n", p->loss, p->lambda_min,
                p->lambda_max, kind_names[p->kind],
                p->kind == CRITICAL_MINIMUM ? 2.0 / p->lambda_max : NAN);
    }
    return EXIT_SUCCESS;
}

static int run_perturb(const Settings *s, const Landscape *ls, FILE *out)
{
    fprintf(out, "delta,rise_flat,rise_sharp,ratio\n");
    long n = (long)s->grid;
    for (long k = -n; k <= n; k++) {
        double delta = s->delta * (double)k / (double)n;
        double flat = loss_rise(ls, ls->minima[0], delta);
        double sharp = loss_rise(ls, ls->minima[1], delta);
        double row[4] = {delta, flat, sharp, k == 0 ? NAN : sharp / flat};
        output_numbers(out, row, 4);
    }
    return EXIT_SUCCESS;
}

static int run(const Settings *s, const Landscape *ls)
{
    Output out;
    if (!output_open(&out, PROGRAM, s->out))
        return EXIT_FAILURE;
    int status;
    if (strcmp(s->task, "train") == 0)
        status = run_train(s, ls, out.file);
    else if (strcmp(s->task, "basins") == 0)
        status = run_basins(s, ls, false, out.file);
    else if (strcmp(s->task, "basin-counts") == 0)
        status = run_basins(s, ls, true, out.file);
    else if (strcmp(s->task, "critical") == 0)
        status = run_critical(s, ls, out.file);
    else
        status = run_perturb(s, ls, out.file);
    if (!output_commit(&out, PROGRAM))
        return EXIT_FAILURE;
    return status;
}

/* The reference settings of the chosen problem and task, for every flag the
 * user did not give. */
static void apply_defaults(Cli *cli, Settings *s, const Landscape *ls)
{
    bool train = strcmp(s->task, "train") == 0;
    bool basins = !train && (strcmp(s->task, "basins") == 0 ||
                             strcmp(s->task, "basin-counts") == 0);
    if (!cli_given(cli, "lr"))
        s->lr = ls->lr;
    if (!cli_given(cli, "steps"))
        s->steps = basins ? 1000 : ls->steps;
    if (!cli_given(cli, "grid"))
        s->grid = strcmp(s->task, "perturb") == 0 ? 20
                  : basins ? (ls->dim == 1 ? 1000 : 200)
                  : (ls->dim == 1 ? 200 : 20);
    if (!cli_given(cli, "range")) {
        s->range.count = 2;
        s->range.values[0] = ls->range_lo;
        s->range.values[1] = ls->range_hi;
    }
}

/* --problem xor (or --problem=xor): the XOR network is the program beside
 * this one, 06-nonconvexity.xor; it gets the other arguments. The program's
 * own directory comes from /proc/self/exe, so a link to this program (such
 * as build/bin/nonconvexity) finds it too. Returns only if it cannot run. */
static void hand_over_xor(int argc, char **argv)
{
    int at = -1;
    for (int i = 1; i < argc && at < 0; i++)
        if (strcmp(argv[i], "--problem=xor") == 0)
            at = i;
        else if (strcmp(argv[i], "--problem") == 0 && i + 1 < argc &&
                 strcmp(argv[i + 1], "xor") == 0)
            at = i;
    if (at < 0)
        return;
    char path[4096];
    ssize_t len = readlink("/proc/self/exe", path, sizeof path - 32);
    if (len <= 0)
        return;
    path[len] = '\0';
    char *slash = strrchr(path, '/');
    strcpy(slash ? slash + 1 : path, PROGRAM_NAME ".xor");
    int skip = strchr(argv[at], '=') ? 1 : 2;
    char **args = malloc((size_t)argc * sizeof *args);
    if (!args)
        return;
    int n = 0;
    args[n++] = path;
    for (int i = 1; i < argc; i++)
        if (i < at || i >= at + skip)
            args[n++] = argv[i];
    args[n] = NULL;
    execv(path, args);
    fprintf(stderr, "%s: --problem xor: cannot run %s: %s\n", PROGRAM, path,
            strerror(errno));
    free(args);
    exit(EXIT_FAILURE);
}

int main(int argc, char **argv)
{
    hand_over_xor(argc, argv);
    Settings s = {.problem = "himmelblau", .task = "train",
                  .lr = 0.01, .tol = 1e-6, .delta = 0.2,
                  .steps = 100, .grid = 200,
                  .seed = 1};
    Flag flags[] = {
        {.name = "problem", .kind = FLAG_CHOICE, .value = &s.problem,
         .help = "the landscape (or xor: the XOR network's program)",
         .choices = problem_names},
        {.name = "task", .kind = FLAG_CHOICE, .value = &s.task,
         .help = "what to compute", .choices = task_names},
        {.name = "lr", .kind = FLAG_DOUBLE, .value = &s.lr,
         .help = "learning rate η", .min = 0, .min_exclusive = true,
         .max = 1e6,
         .default_text = "himmelblau 0.01, two-wells 0.1, sharp-flat 0.01, "
                         "plateau 2, saddle 0.1", .scope = "task=train|basins|basin-counts"},
        {.name = "steps", .kind = FLAG_COUNT, .value = &s.steps,
         .help = "gradient steps (basins: the most per start)", .min = 0,
         .max = 1e9,
         .default_text = "himmelblau 100, two-wells 60, sharp-flat 100, "
                         "plateau 1500, saddle 80; basins 1000",
         .scope = "task=train|basins|basin-counts"},
        {.name = "momentum", .kind = FLAG_DOUBLE, .value = &s.momentum,
         .help = "momentum μ (0: plain gradient descent)", .min = 0,
         .max = 0.999,
         .scope = "task=train|basins|basin-counts"},
        {.name = "noise", .kind = FLAG_DOUBLE, .value = &s.noise,
         .help = "std. deviation of Gaussian noise added to each gradient "
                 "coordinate", .min = 0, .max = 1e6,
         .scope = "task=train"},
        {.name = "seed", .kind = FLAG_SEED, .value = &s.seed,
         .help = "random seed of the gradient noise", .scope = "task=train"},
        {.name = "start", .kind = FLAG_LIST, .value = &s.start,
         .help = "starting point: w, or x,y",
         .default_text = "himmelblau 0,0; two-wells 0.5; sharp-flat 1.01; "
                         "plateau -8; saddle 1,0",
         .scope = "task=train"},
        {.name = "grid", .kind = FLAG_COUNT, .value = &s.grid,
         .help = "starts per axis (basins, critical); points per side "
                 "(perturb)", .min = 1, .max = 4000,
         .default_text = "basins 200 (1-D: 1000), critical 20 (1-D: 200), "
                         "perturb 20",
         .scope = "task!=train"},
        {.name = "range", .kind = FLAG_LIST, .value = &s.range,
         .help = "LO,HI: the grid covers [LO, HI] on each axis",
         .default_text = "himmelblau -5,5; two-wells -2.5,2.5; sharp-flat "
                         "-2,2; plateau -10,10; saddle -2,2",
         .scope = "task=basins|basin-counts|critical"},
        {.name = "tol", .kind = FLAG_DOUBLE, .value = &s.tol,
         .help = "basins: converged when the gradient and the step are "
                 "shorter",
         .min = 0, .min_exclusive = true, .max = 1,
         .scope = "task=basins|basin-counts"},
        {.name = "delta", .kind = FLAG_DOUBLE, .value = &s.delta,
         .help = "largest perturbation of w (perturb)", .min = 0,
         .min_exclusive = true, .max = 10,
         .scope = "task=perturb"},
        CLI_OUT_FLAG(&s.out),
    };
    Cli cli = {.program = PROGRAM, .usage = usage, CLI_TABLE(flags)};
    int exit_status;
    if (!cli_start(&cli, argc, argv, &exit_status))
        return exit_status;
    Landscape chosen;
    const Landscape *ls = NULL;
    for (size_t i = 0; i < sizeof landscapes / sizeof *landscapes; i++)
        if (strcmp(landscapes[i].name, s.problem) == 0) {
            chosen = landscapes[i];
            refine_minima(&chosen);
            ls = &chosen;
        }
    if (!ls) /* xor, in a form hand_over_xor does not recognise */
        return cli_reject(&cli, "problem", s.problem,
                          "give it as --problem xor, or run "
                          PROGRAM_NAME ".xor"), EXIT_BAD_INPUT;
    if (check_combinations(&cli, &s, ls) != CLI_RUN)
        return EXIT_BAD_INPUT;
    apply_defaults(&cli, &s, ls);
    return run(&s, ls);
}
