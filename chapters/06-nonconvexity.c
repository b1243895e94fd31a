/*
 * 06-nonconvexity.c: Chapter 6, nonconvex landscapes.
 *
 * Runs the lesson's experiments on five small landscapes and prints their
 * numbers as CSV:
 *   - gradient descent (optionally with momentum and gradient noise) on
 *     two valleys of different depth, a sharp and a flat minimum, a
 *     plateau, the saddle x² - y², and Himmelblau's function;
 *   - basin-of-attraction maps: which minimum descent reaches from every
 *     start on a grid;
 *   - every critical point of a landscape, found by Newton's method and
 *     classified by the eigenvalues of its Hessian;
 *   - how much the same perturbation raises the loss at a sharp and at a
 *     flat minimum.
 * The lesson's other experiment, a two-layer network learning XOR, is the
 * program 06-nonconvexity.xor; `--problem xor` here runs it.
 *
 * It runs the graded code: Himmelblau's gradient and Hessian, the
 * Hessian's eigenvalues, the second-derivative test and the basin label are
 * chapter 6's exercises (solutions/06-nonconvexity.c, or yours under
 * `make try CH=06`), and every descent steps with chapter 4's sgd_step
 * through the course's one training loop, lib/loop.c.
 *
 * Build and run (make builds it, linking chapters 4 and 6's solutions):
 *   make build/bin/06-nonconvexity
 *   build/bin/06-nonconvexity --problem himmelblau --start 0,0
 *   build/bin/06-nonconvexity --problem himmelblau --task basins --grid 100
 *   build/bin/06-nonconvexity --help
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "04-optimizers.h"
#include "06-nonconvexity.h"
#include "activation.h"
#include "cli.h"
#include "family.h"
#include "loop.h"
#include "objective.h"
#include "output.h"
#include "rng.h"
#include "vec.h"

static const char program[] = PROGRAM_NAME;

enum { MAX_DIM = 2, MAX_MINIMA = 4, MAX_CRITICAL = 64 };

/* A landscape is a loss of one or two parameters with everything the
 * experiments need: the loss and its gradient as an Objective, its Hessian
 * in closed form, the minima that basin maps label, and the lesson's
 * reference settings. */
typedef struct {
    const char *name;
    Objective objective;             /* dim: 1 or 2 parameters */
    const char *const *param_names;  /* column names */
    Hessian2 (*hessian)(const double theta[2]);
    size_t minima_count;             /* 0: the landscape has no minimum */
    double minima[MAX_MINIMA][MAX_DIM]; /* one after the other, as
                                           basin_label reads them */
    double lr, range_lo, range_hi;   /* reference settings */
    size_t steps;
    double start[MAX_DIM];
} Landscape;

/* ============================================================== landscapes
 * Each loss is a lib/objective.h LossGradFn: the loss at theta and, unless
 * grad is NULL, its gradient. */

/* The Hessian of a one-parameter landscape is the 1×1 matrix f''. It is
 * kept as diag(f'', f''), whose two eigenvalues are both exactly f'', so
 * that chapter 6's 2×2 eigenvalues and second-derivative test serve every
 * landscape. */
static Hessian2 one_by_one(double second_derivative)
{
    return (Hessian2){second_derivative, 0.0, second_derivative};
}

//> two-wells
/* f(w) = w⁴/4 + w³/6 - 3w²/4, built from its derivative
 * f'(w) = w³ + w²/2 - 3w/2 = w (w - 1)(w + 3/2): critical points at
 * w = -3/2 (the deep minimum, f = -63/64), w = 0 (a maximum, f = 0) and
 * w = 1 (the shallow minimum, f = -1/3). */
static double two_wells(const double *theta, double *grad, const void *unused)
{
    (void)unused;
    double w = theta[0];
    if (grad)
        grad[0] = w * (w - 1.0) * (w + 1.5);
    return w * w * w * w / 4.0 + w * w * w / 6.0 - 0.75 * w * w;
}
//< two-wells

static Hessian2 two_wells_hessian(const double *theta)
{
    double w = theta[0];
    return one_by_one(3.0 * w * w + w - 1.5);
}

//> sharp-flat
/* f(w) = (w² - 1)² ((w + 1)² + 1/4): zero, its smallest value, at both
 * w = -1 and w = 1. Near a double root the first factor is 4(w ∓ 1)², so
 * the curvature there is f'' = 8·((w + 1)² + 1/4): 2 at w = -1 (flat) and
 * 34 at w = 1 (sharp). */
static double sharp_flat(const double *theta, double *grad,
                         const void *unused)
{
    (void)unused;
    double w = theta[0], well = w * w - 1.0, shape = (w + 1.0) * (w + 1.0);
    if (grad)
        grad[0] = 4.0 * w * well * (shape + 0.25) +
                  well * well * 2.0 * (w + 1.0);
    return well * well * (shape + 0.25);
}
//< sharp-flat

static Hessian2 sharp_flat_hessian(const double *theta)
{
    double w = theta[0], well = w * w - 1.0, shape = (w + 1.0) * (w + 1.0);
    /* Product rule twice on u·v with u = (w² - 1)², v = (w + 1)² + 1/4:
     * u' = 4w(w² - 1), u'' = 12w² - 4, v' = 2(w + 1), v'' = 2. */
    double u = well * well, du = 4.0 * w * well, d2u = 12.0 * w * w - 4.0;
    double v = shape + 0.25, dv = 2.0 * (w + 1.0);
    return one_by_one(d2u * v + 2.0 * du * dv + u * 2.0);
}

//> plateau
/* One sigmoid unit σ(w) = 1/(1 + e^-w) asked to output 0.9:
 * f(w) = (σ(w) - 0.9)², f'(w) = 2(σ(w) - 0.9)·σ(w)(1 - σ(w)).
 * Its minimum is where σ(w) = 0.9, at w = ln 9. For very negative w the
 * unit is saturated, σ(w) ≈ e^w ≈ 0: the loss sits near 0.81 and the factor
 * σ(1 - σ) makes the gradient almost zero, a plateau. */
static double plateau(const double *theta, double *grad, const void *unused)
{
    (void)unused;
    double s = activation_sigmoid(theta[0]), miss = s - 0.9;
    if (grad)
        grad[0] = 2.0 * miss * s * (1.0 - s);
    return miss * miss;
}
//< plateau

static Hessian2 plateau_hessian(const double *theta)
{
    /* d/dw of 2(s - 0.9)·s', with s' = s(1 - s) and s'' = s'(1 - 2s). */
    double s = activation_sigmoid(theta[0]), ds = s * (1.0 - s);
    return one_by_one(2.0 * ds * ds + 2.0 * (s - 0.9) * ds * (1.0 - 2.0 * s));
}

//> saddle
/* f(x, y) = x² - y²: a minimum along x, a maximum along y. The gradient
 * (2x, -2y) vanishes only at the origin, and the loss has no lower bound. */
static double saddle(const double *theta, double *grad, const void *unused)
{
    (void)unused;
    if (grad) {
        grad[0] = 2.0 * theta[0];
        grad[1] = 0.0 - 2.0 * theta[1]; /* 0 - 0 is +0: no "-0" printed */
    }
    return theta[0] * theta[0] - theta[1] * theta[1];
}
//< saddle

static Hessian2 saddle_hessian(const double *theta)
{
    (void)theta;
    return (Hessian2){2.0, 0.0, -2.0};
}

//> himmelblau
/* Himmelblau's function, f(x, y) = (x² + y - 11)² + (x + y² - 7)², with
 * the two brackets p = x² + y - 11 and q = x + y² - 7. Its gradient, by
 * the chain rule,
 *   ∂f/∂x = 2p·2x + 2q·1 = 4xp + 2q
 *   ∂f/∂y = 2p·1 + 2q·2y = 2p + 4yq,
 * and its Hessian, differentiating once more,
 *   ∂²f/∂x² = 4p + 8x² + 2 = 12x² + 4y - 42
 *   ∂²f/∂x∂y = 4x + 4y
 *   ∂²f/∂y² = 2 + 4q + 8y² = 12y² + 4x - 26,
 * are chapter 6's exercises himmelblau_grad and himmelblau_hessian: the
 * landscape runs the graded code. */
static double himmelblau(const double *theta, double *grad,
                         const void *unused)
{
    (void)unused;
    double x = theta[0], y = theta[1];
    double p = x * x + y - 11.0, q = x + y * y - 7.0;
    if (grad)
        himmelblau_grad(theta, grad);
    return p * p + q * q;
}
//< himmelblau

static const char *const w_names[] = {"w"};
static const char *const xy_names[] = {"x", "y"};

/* The lesson's landscapes with their reference settings. The minima of
 * Himmelblau's function other than (3, 2) have no closed form: the table
 * holds the published four-digit locations, and main() sharpens them with
 * Newton's method before use (see refine_minima). */
static const Landscape landscapes[] = {
    {.name = "two-wells", .objective = {1, two_wells, NULL},
     .param_names = w_names, .hessian = two_wells_hessian,
     .minima_count = 2, .minima = {{-1.5}, {1.0}}, .lr = 0.1, .steps = 60,
     .start = {0.5}, .range_lo = -2.5, .range_hi = 2.5},
    {.name = "sharp-flat", .objective = {1, sharp_flat, NULL},
     .param_names = w_names, .hessian = sharp_flat_hessian,
     .minima_count = 2, .minima = {{-1.0}, {1.0}}, .lr = 0.01, .steps = 100,
     .start = {1.01}, .range_lo = -2.0, .range_hi = 2.0},
    {.name = "plateau", .objective = {1, plateau, NULL},
     .param_names = w_names, .hessian = plateau_hessian,
     .minima_count = 1, .minima = {{2.1972245773362196}}, /* ln 9 */
     .lr = 2.0, .steps = 1500, .start = {-8.0}, .range_lo = -10.0,
     .range_hi = 10.0},
    {.name = "saddle", .objective = {2, saddle, NULL},
     .param_names = xy_names, .hessian = saddle_hessian, .minima_count = 0,
     .lr = 0.1, .steps = 80, .start = {1.0, 0.0}, .range_lo = -2.0,
     .range_hi = 2.0},
    {.name = "himmelblau", .objective = {2, himmelblau, NULL},
     .param_names = xy_names, .hessian = himmelblau_hessian,
     .minima_count = 4,
     .minima = {{3.0, 2.0}, {-2.8051, 3.1313}, {-3.7793, -3.2832},
                {3.5844, -1.8481}},
     .lr = 0.01, .steps = 100, .start = {0.0, 0.0}, .range_lo = -5.0,
     .range_hi = 5.0},
};

/* The landscape's gradient at theta, into grad. */
static void landscape_grad(const Landscape *ls, const double *theta,
                           double *grad)
{
    objective_loss_grad(&ls->objective, theta, grad);
}

/* ============================================== critical points, Hessian */

/* Named in the order of chapter 6's CriticalKind. */
static const char *const kind_names[] = {"minimum", "maximum", "saddle",
                                         "degenerate"};

/* The eigenvalues of the landscape's Hessian at theta and what the
 * second-derivative test makes of them (chapter 6's hessian_eigenvalues
 * and hessian_classify). An eigenvalue counts as zero below a few million
 * units of rounding relative to the larger one. */
static CriticalKind classify_at(const Landscape *ls, const double *theta,
                                double *lambda_min, double *lambda_max)
{
    Hessian2 h = ls->hessian(theta);
    hessian_eigenvalues(h, lambda_min, lambda_max);
    double scale = fmax(1.0, fmax(fabs(*lambda_min), fabs(*lambda_max)));
    return hessian_classify(h, 1e-9 * scale);
}

//> newton
/* One step of Newton's method on the gradient g at θ: solve H·d = ∇f and
 * move θ ← θ - d. It jumps to the nearby point where the gradient is
 * zero, whatever kind of critical point that is, because it models f by
 * its quadratic approximation and goes to that quadratic's critical point.
 * (Gradient descent, in contrast, only goes downhill.) False if H is
 * singular or θ stops being finite. */
static bool newton_step(const Landscape *ls, double *theta, const double *g)
{
    Hessian2 h = ls->hessian(theta);
    if (ls->objective.dim == 1) {
        if (h.xx == 0.0)
            return false;
        theta[0] -= g[0] / h.xx;
        return isfinite(theta[0]);
    }
    /* [[a, b], [b, c]]⁻¹ = [[c, -b], [-b, a]] / (ac - b²) */
    double det = h.xx * h.yy - h.xy * h.xy;
    if (det == 0.0)
        return false;
    theta[0] -= (h.yy * g[0] - h.xy * g[1]) / det;
    theta[1] -= (h.xx * g[1] - h.xy * g[0]) / det;
    return vec_all_finite(theta, 2);
}

/* Newton's steps from θ until |∇f| is below tol; then two more polish the
 * last digits (near a critical point each step roughly doubles the number
 * of correct digits), and it returns true. False if a step fails, the
 * gradient stops being finite, or 100 steps do not get there. */
static bool newton_critical_point(const Landscape *ls, double *theta,
                                  double tol)
{
    size_t dim = ls->objective.dim;
    double g[MAX_DIM];
    for (int iter = 0; iter < 100; iter++) {
        landscape_grad(ls, theta, g);
        if (!vec_all_finite(g, dim))
            return false;
        if (vec_norm(g, dim) <= tol) {
            for (int polish = 0; polish < 2; polish++) {
                if (!newton_step(ls, theta, g))
                    return false;
                landscape_grad(ls, theta, g);
            }
            return true;
        }
        if (!newton_step(ls, theta, g))
            return false;
    }
    return false;
}
//< newton

/* Sharpens the table's approximate minima to full precision. False, with
 * the minimum left as the table has it, when Newton's method does not get
 * there: the table is off by 1e-4 at most, so then the gradient or the
 * Hessian is wrong (under make try CH=06, Himmelblau's are yours). */
static bool refine_minima(Landscape *ls)
{
    for (size_t k = 0; k < ls->minima_count; k++) {
        double theta[MAX_DIM];
        memcpy(theta, ls->minima[k], sizeof theta);
        if (!newton_critical_point(ls, theta, 1e-12)) {
            fprintf(stderr,
                    "%s: Newton's method finds no critical point near the "
                    "minimum (%g, %g) of %s: its gradient or its Hessian is "
                    "wrong (for himmelblau: check himmelblau_grad and "
                    "himmelblau_hessian)\n", program, ls->minima[k][0],
                    ls->minima[k][1], ls->name);
            return false;
        }
        memcpy(ls->minima[k], theta, sizeof theta);
    }
    return true;
}

/* ======================================================= gradient descent */

//> descent
/* Gradient descent on a landscape, with momentum and gradient noise. The
 * step is chapter 4's sgd_step, which is PyTorch's SGD (buffer b ← μ·b + g,
 * b = g on the first step; θ ← θ - η·b; μ = 0 is plain descent). When noise
 * is on, the step sees the true gradient plus σ·N(0, 1) in every
 * coordinate, the way a minibatch's gradient scatters around the
 * full-batch one; the rows still report the landscape's own gradient. */
typedef struct {
    SgdConfig sgd;                    /* η and μ */
    double noise;                     /* σ: 0 for the true gradient */
} DescentConfig;

typedef struct {
    DescentConfig cfg;
    SgdState state;                   /* chapter 4's: the momentum buffer */
    double momentum_buffer[MAX_DIM];
    double used[MAX_DIM];             /* the gradient the last step used */
    Rng *rng;                         /* draws the noise */
} Descent;

/* One step, as lib/loop.h's StepFn (descent is a Descent *). */
static void descent_step(double *theta, const double *grad, size_t dim,
                         void *descent)
{
    Descent *d = descent;
    for (size_t j = 0; j < dim; j++)
        d->used[j] = d->cfg.noise > 0.0
                         ? grad[j] + d->cfg.noise * rng_normal(d->rng)
                         : grad[j];
    sgd_step(theta, d->used, dim, &d->cfg.sgd, &d->state);
}
//< descent

/* What lib/loop shows every row: a CSV row per step (step 0 is the start)
 * to `out`, if any: step, loss, parameters, gradient, gradient norm. With
 * grad_tol > 0 the run stops, converged, once both the gradient and the
 * last step are shorter than grad_tol (with momentum a small gradient alone
 * is not enough: the ball may be rolling through). */
typedef struct {
    FILE *out;
    double grad_tol;
    const Descent *descent;
} DescentRows;

static bool descent_row(size_t step, double loss, const double *theta,
                        const double *grad, size_t dim, void *rows)
{
    const DescentRows *r = rows;
    if (r->out) {
        double row[2 + 2 * MAX_DIM];
        size_t c = 0;
        row[c++] = loss;
        for (size_t j = 0; j < dim; j++)
            row[c++] = theta[j];
        for (size_t j = 0; j < dim; j++)
            row[c++] = grad[j];
        row[c++] = vec_norm(grad, dim);
        output_row(r->out, step, row, c);
    }
    if (r->grad_tol <= 0.0)
        return true;
    /* The last step was η times this: the momentum buffer, or without
     * momentum the gradient the step used. */
    const Descent *d = r->descent;
    const double *velocity =
        d->cfg.sgd.momentum != 0.0 ? d->momentum_buffer : d->used;
    return !(vec_norm(grad, dim) <= r->grad_tol &&
             d->cfg.sgd.lr * vec_norm(velocity, dim) <= r->grad_tol);
}

/* Runs up to `steps` steps from theta (updated in place) through lib/loop's
 * loop_run: LOOP_STOPPED means converged (grad_tol > 0), LOOP_FINISHED
 * every step taken, LOOP_DIVERGED the loss or the gradient stopped being
 * finite at the result's step. */
static LoopResult descend(const Landscape *ls, double *theta,
                          const DescentConfig *cfg, size_t steps,
                          double grad_tol, Rng *rng, FILE *out)
{
    Descent d = {.cfg = *cfg, .rng = rng};
    d.state.momentum_buffer = d.momentum_buffer;
    DescentRows rows = {out, grad_tol, &d};
    Loop loop = {.steps = steps, .step = descent_step, .optimizer = &d,
                 .row = descent_row, .row_ctx = &rows};
    double grad[MAX_DIM];
    return loop_run(&ls->objective, &loop, theta, grad);
}

/* ==================================================== basins of attraction */

/* An end point within BASIN_RADIUS of a listed minimum has reached it. */
#define BASIN_RADIUS 1e-3

/* The landscape's gradient in the shape basin_label calls (GradFn): two
 * coordinates always, the second 0 for a one-parameter landscape. */
static void basin_grad(const double theta[2], const void *landscape,
                       double grad[2])
{
    grad[1] = 0.0;
    landscape_grad(landscape, theta, grad);
}

//> basin-of
/* Which minimum descent reaches from `start`. Chapter 6's basin_label
 * names it for plain descent; the maps also want momentum, so the descent
 * here is the one above (chapter 4's sgd_step, through lib/loop), run to
 * convergence, and basin_label is handed its end point with max_steps = 0:
 * it then takes no step of its own, checks that the point has converged
 * and names the listed minimum within BASIN_RADIUS of it, or BASIN_OTHER.
 * *taken receives the steps made (or the step at which the run diverged). */
static int basin_of(const Landscape *ls, const double *start,
                    const DescentConfig *cfg, size_t steps, double grad_tol,
                    size_t *taken)
{
    double theta[MAX_DIM] = {start[0], ls->objective.dim == 2 ? start[1] : 0};
    LoopResult run = descend(ls, theta, cfg, steps, grad_tol, NULL, NULL);
    *taken = run.step;
    switch (run.status) {
    case LOOP_DIVERGED: return BASIN_DIVERGED;
    case LOOP_FINISHED: return BASIN_UNFINISHED;
    case LOOP_STOPPED: break;
    }
    BasinConfig label = {.lr = cfg->sgd.lr, .max_steps = 0,
                         .grad_tol = grad_tol, .radius = BASIN_RADIUS};
    return basin_label(basin_grad, ls, theta, &ls->minima[0][0],
                       ls->minima_count, &label);
}
//< basin-of

/* Grid cell i (of n) on [lo, hi], by its centre. */
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
    size_t dim = ls->objective.dim;
    size_t tally[LABELS] = {0}; /* index label + 3 */
    size_t rows = dim == 2 ? n : 1;
    for (size_t r = 0; r < rows; r++)
        for (size_t i = 0; i < n; i++) {
            double start[MAX_DIM] = {grid_point(lo, hi, i, n),
                                     grid_point(lo, hi, r, n)};
            size_t taken;
            int label = basin_of(ls, start, cfg, steps, grad_tol, &taken);
            /* Under make try the label is your basin_label's, which may be
             * none of these: the map shows it, the counts leave it out. */
            if (label >= -3 && label < (int)ls->minima_count)
                tally[label + 3]++;
            if (counts)
                continue;
            double row[MAX_DIM + 2];
            memcpy(row, start, dim * sizeof *row);
            row[dim] = label;
            row[dim + 1] = (double)taken;
            output_numbers(out, row, dim + 2);
        }
    if (!counts)
        return;
    double total = (double)(rows * n);
    for (int label = -3; label < (int)ls->minima_count; label++) {
        fprintf(out, "%d,%zu,%.17g", label, tally[label + 3],
                (double)tally[label + 3] / total);
        for (size_t j = 0; j < dim; j++)
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
    size_t dim = ls->objective.dim;
    size_t count = 0, rows = dim == 2 ? n : 1;
    for (size_t r = 0; r < rows; r++)
        for (size_t i = 0; i < n; i++) {
            double theta[MAX_DIM] = {grid_point(lo, hi, i, n),
                                     grid_point(lo, hi, r, n)};
            /* Points outside the range are dropped: on a plateau Newton's
             * method runs off towards infinity, where the gradient
             * vanishes without ever being zero. */
            if (!newton_critical_point(ls, theta, 1e-10) ||
                theta[0] < lo || theta[0] > hi ||
                (dim == 2 && (theta[1] < lo || theta[1] > hi)))
                continue;
            bool seen = false;
            for (size_t k = 0; k < count && !seen; k++) {
                double d[MAX_DIM] = {theta[0] - found[k].theta[0],
                                     theta[1] - found[k].theta[1]};
                seen = vec_norm(d, dim) < 1e-6;
            }
            if (seen || count == MAX_CRITICAL)
                continue;
            CriticalPoint *p = &found[count++];
            memcpy(p->theta, theta, sizeof theta);
            if (dim == 1)
                p->theta[1] = 0.0;
            p->loss = objective_loss(&ls->objective, theta);
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
    memcpy(moved, minimum, sizeof moved);
    moved[0] += delta;
    return objective_loss(&ls->objective, moved) -
           objective_loss(&ls->objective, minimum);
}
//< perturb

/* ==================================================================== main */

static const char *const problem_names[] = {
    "himmelblau", "two-wells", "sharp-flat", "plateau", "saddle", NULL};
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
    PROGRAM_NAME ": chapter 6, nonconvex landscapes.\n"
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
    "  xor         the XOR network: --problem xor runs " PROGRAM_NAME ".xor\n"
    "              with the whole command line (its --help has its flags)\n"
    "Tasks (CSV on stdout or --out, with a header line):\n"
    "  train         gradient descent: step,loss,<params>,grad_<params>,\n"
    "                grad_norm; at most 1e7 rows (--steps + 1)\n"
    "  basins        descent from every start of a grid: <start>,label,steps;\n"
    "                label k >= 0: minimum k; -1 converged elsewhere (a saddle\n"
    "                or maximum); -2 not converged in --steps; -3 diverged;\n"
    "                at most 1e11 steps in all (the starts times --steps)\n"
    "  basin-counts  the same grid, counted: label,count,fraction,<minimum>\n"
    "  critical      every critical point Newton's method finds from a grid:\n"
    "                <point>,loss,lambda_min,lambda_max,kind,max_stable_lr\n"
    "  perturb       (sharp-flat) the rise f(w* + delta) - f(w*) at both minima:\n"
    "                delta,rise_flat,rise_sharp,ratio; at most 1000 points a side\n"
    "Minima of himmelblau: 0 = (3, 2), 1 = (-2.81, 3.13), 2 = (-3.78, -3.28),\n"
    "3 = (3.58, -1.85).\n"
    "Exit status: 0 done; 1 the loss became inf or nan (the rows before it\n"
    "are kept), memory ran out, or a file could not be written; 2 bad input.";

/* Whether the task runs descent from every start of a grid: the basin map
 * and its counts. */
static bool maps_basins(const Settings *s)
{
    return strcmp(s->task, "basins") == 0 ||
           strcmp(s->task, "basin-counts") == 0;
}

/* What the flag table's scopes cannot say: a task that needs a particular
 * landscape, and flags whose values must fit each other or the landscape. */
static CliStatus check_combinations(Cli *cli, const Settings *s,
                                    const Landscape *ls)
{
    bool basins = maps_basins(s);
    bool perturb = strcmp(s->task, "perturb") == 0;
    if (perturb && strcmp(ls->name, "sharp-flat") != 0)
        return cli_reject(cli, "task", s->task,
                          "applies only to --problem sharp-flat");
    if (basins && ls->minima_count == 0)
        return cli_reject(cli, "task", s->task,
                          "x^2 - y^2 has no minimum to reach");
    if (cli_given(cli, "seed") && s->noise == 0.0)
        return cli_reject(cli, "seed", NULL,
                          "draws the gradient noise: give --noise too");
    if (s->start.count && s->start.count != ls->objective.dim)
        return cli_reject(cli, "start", NULL,
                          ls->objective.dim == 1
                              ? "this problem needs one number: w"
                              : "this problem needs two numbers: x,y");
    if (s->range.count &&
        (s->range.count != 2 || !(s->range.values[0] < s->range.values[1])))
        return cli_reject(cli, "range", NULL,
                          "expected two numbers LO,HI with LO < HI");
    /* The grid's points are LO + (i + 1/2)·(HI - LO)/grid: a width past
     * the largest double made every point inf (every basin "inf,-3,0"). */
    if (s->range.count &&
        !isfinite(s->range.values[1] - s->range.values[0]))
        return cli_reject(cli, "range", NULL,
                          "HI - LO is past the largest number a double "
                          "holds: narrow it");
    if (perturb && s->grid > 1000)
        return cli_reject(cli, "grid", NULL,
                          "perturb takes at most 1000 points a side");
    return CLI_RUN;
}

/* A typo in --steps or --grid must not start a run that fills the disk or
 * never ends: a train run writes a row a step, at most 1e7; the basins
 * take at most 1e11 steps in all (half an hour if no start converges;
 * --grid 4000 at the default 1000 steps a start converges in seconds).
 * Checked once the defaults are in. */
static CliStatus check_run_size(Cli *cli, const Settings *s,
                                const Landscape *ls)
{
    bool basins = maps_basins(s);
    double starts = ls->objective.dim == 1 ? (double)s->grid
                                           : (double)s->grid * (double)s->grid;
    char why[160];
    if (strcmp(s->task, "train") == 0 && (double)s->steps + 1.0 > 1e7) {
        snprintf(why, sizeof why, "would write %.3g rows; a run writes at "
                 "most 1e7", (double)s->steps + 1.0);
        return cli_reject(cli, "steps", NULL, why);
    }
    if (basins && starts * (double)s->steps > 1e11) {
        snprintf(why, sizeof why, "asks for up to %.3g steps in all (%.3g "
                 "starts of up to %zu); the basins take at most 1e11",
                 starts * (double)s->steps, starts, s->steps);
        return cli_reject(cli, cli_given(cli, "steps") ? "steps" : "grid",
                          NULL, why);
    }
    return CLI_RUN;
}

/* ------------------------------------------------------------- the tasks */

static void write_param_header(FILE *out, const Landscape *ls,
                               const char *prefix)
{
    for (size_t j = 0; j < ls->objective.dim; j++)
        fprintf(out, "%s%s%s", j ? "," : "", prefix, ls->param_names[j]);
}

static DescentConfig descent_config(const Settings *s, double noise)
{
    return (DescentConfig){.sgd = {.lr = s->lr, .momentum = s->momentum},
                           .noise = noise};
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
    DescentConfig cfg = descent_config(s, s->noise);
    Rng rng;
    rng_seed(&rng, s->seed);
    LoopResult run = descend(ls, theta, &cfg, s->steps, 0.0, &rng, out);
    if (run.status != LOOP_DIVERGED)
        return EXIT_SUCCESS;
    if (loop_blame_start(program, run.step,
                         "--start is too far out (start nearer the origin)"))
        return EXIT_FAILURE;
    loop_say_diverged(program, run.step);
    if (ls->minima_count == 0)
        fprintf(stderr,
                ": x^2 - y^2 has no minimum, so once y is off zero it grows "
                "by a factor 1 + 2η a step until it overflows (take fewer "
                "--steps)\n");
    else
        fprintf(stderr,
                ": --lr %g is too large for the curvature along the way (a "
                "minimum with largest Hessian eigenvalue λ is stable only "
                "for --lr below 2/λ): divide --lr by 10\n", s->lr);
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
    DescentConfig cfg = descent_config(s, 0.0);
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
        for (size_t j = 0; j < ls->objective.dim; j++)
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
    if (!output_open(&out, program, "--out", s->out))
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
    if (!output_commit(&out, program))
        return EXIT_FAILURE;
    return status;
}

/* The reference settings of the chosen landscape and task, for every flag
 * the user did not give. */
static void apply_defaults(Cli *cli, Settings *s, const Landscape *ls)
{
    bool one_d = ls->objective.dim == 1;
    bool basins = maps_basins(s);
    if (!cli_given(cli, "lr"))
        s->lr = ls->lr;
    if (!cli_given(cli, "steps"))
        s->steps = basins ? 1000 : ls->steps;
    if (!cli_given(cli, "grid"))
        s->grid = strcmp(s->task, "perturb") == 0 ? 20
                  : basins ? (one_d ? 1000 : 200)
                           : (one_d ? 200 : 20);
    if (!cli_given(cli, "range")) {
        s->range.count = 2;
        s->range.values[0] = ls->range_lo;
        s->range.values[1] = ls->range_hi;
    }
}

int main(int argc, char **argv)
{
    /* The XOR network is a program of its own: a command line for it is
     * handed over whole, so that scripts written when both were one
     * program keep working. */
    const char *problem = family_flag_value(argc, argv, "problem");
    if (problem && strcmp(problem, "xor") == 0)
        return family_exec(program, "xor", argv);

    Settings s = {.problem = "himmelblau", .task = "train", .tol = 1e-6,
                  .delta = 0.2, .steps = 100, .grid = 200, .seed = 1};
    Flag flags[] = {
        {.name = "problem", .kind = FLAG_CHOICE, .value = &s.problem,
         .help = "the landscape (xor: the XOR network, " PROGRAM_NAME
                 ".xor)", .choices = problem_names},
        {.name = "task", .kind = FLAG_CHOICE, .value = &s.task,
         .help = "what to compute", .choices = task_names},
        {.name = "lr", .kind = FLAG_DOUBLE, .value = &s.lr,
         .help = "learning rate η", .min = 0, .min_exclusive = true,
         .max = 1e6,
         .default_text = "himmelblau 0.01, two-wells 0.1, sharp-flat 0.01, "
                         "plateau 2, saddle 0.1",
         .scope = "task=train|basins|basin-counts"},
        {.name = "steps", .kind = FLAG_COUNT, .value = &s.steps,
         .help = "gradient steps (basins: the most per start)", .min = 0,
         .max = 1e9,
         .default_text = "himmelblau 100, two-wells 60, sharp-flat 100, "
                         "plateau 1500, saddle 80; basins 1000",
         .scope = "task=train|basins|basin-counts"},
        {.name = "momentum", .kind = FLAG_DOUBLE, .value = &s.momentum,
         .help = "momentum μ (0: plain gradient descent)", .min = 0,
         .max = 0.999, .scope = "task=train|basins|basin-counts"},
        {.name = "noise", .kind = FLAG_DOUBLE, .value = &s.noise,
         .help = "std. deviation of Gaussian noise added to each gradient "
                 "coordinate", .min = 0, .max = 1e6, .scope = "task=train"},
        {.name = "seed", .kind = FLAG_SEED, .value = &s.seed,
         .help = "random seed of the gradient noise (needs --noise)",
         .scope = "task=train"},
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
         .scope = "task=basins|basin-counts|critical|perturb"},
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
         .help = "largest perturbation of w", .min = 0,
         .min_exclusive = true, .max = 10, .scope = "task=perturb"},
        CLI_OUT_FLAG(&s.out),
    };
    Cli cli = {.program = program, .usage = usage, CLI_TABLE(flags)};
    int exit_status;
    if (!cli_start(&cli, argc, argv, &exit_status))
        return exit_status;
    Landscape ls = landscapes[0];
    for (size_t i = 1; i < sizeof landscapes / sizeof *landscapes; i++)
        if (strcmp(landscapes[i].name, s.problem) == 0)
            ls = landscapes[i];
    if (check_combinations(&cli, &s, &ls) != CLI_RUN)
        return EXIT_BAD_INPUT;
    /* Only the basin maps and the perturbation read the minima. */
    bool minima_used = strcmp(s.task, "train") != 0 &&
                       strcmp(s.task, "critical") != 0;
    if (minima_used && !refine_minima(&ls))
        return EXIT_FAILURE;
    apply_defaults(&cli, &s, &ls);
    if (check_run_size(&cli, &s, &ls) != CLI_RUN)
        return EXIT_BAD_INPUT;
    return run(&s, &ls);
}
