/*
 * tests/06-nonconvexity.c: the graded tests of chapter 6.
 *
 * Expected values are worked by hand below (the working is in the
 * comments), come from closed forms, from finite differences of functions
 * written here, or from Newton's method run here on this file's own
 * Himmelblau gradient; none is computed by the reference solution. Where a
 * classic mistake gives a recognisable wrong answer, the test names the
 * mistake.
 */
#include "grading.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "06-nonconvexity.h"

/* Hand-computed numbers involve a few roundings at most. */
#define TIGHT 1e-12

/* ============================================= this file's own Himmelblau */

/* f = p² + q² with p = x² + y - 11 and q = x + y² - 7, and its gradient
 * and Hessian, written here so that no expected value depends on the
 * student's functions. */
static double ref_loss(double x, double y)
{
    double p = x * x + y - 11.0, q = x + y * y - 7.0;
    return p * p + q * q;
}

static void ref_grad(double x, double y, double g[2])
{
    double p = x * x + y - 11.0, q = x + y * y - 7.0;
    g[0] = 4.0 * x * p + 2.0 * q;
    g[1] = 2.0 * p + 4.0 * y * q;
}

/* GradFn form for basin_label, with a check that ctx is passed through:
 * any ctx other than &HIMMELBLAU_CTX gives a nan gradient. */
static const int HIMMELBLAU_CTX = 6;

static void ref_grad_fn(const double theta[2], const void *ctx,
                        double g[2])
{
    if (ctx != &HIMMELBLAU_CTX) {
        g[0] = g[1] = NAN;
        return;
    }
    ref_grad(theta[0], theta[1], g);
}

/* Newton's method on ref_grad: (x, y) ← (x, y) - H⁻¹∇f, with the Hessian
 * [[12x² + 4y - 42, 4x + 4y], [4x + 4y, 12y² + 4x - 26]]. */
static void ref_newton(double *x, double *y)
{
    for (int i = 0; i < 50; i++) {
        double g[2];
        ref_grad(*x, *y, g);
        double a = 12 * *x * *x + 4 * *y - 42, b = 4 * *x + 4 * *y;
        double c = 12 * *y * *y + 4 * *x - 26, det = a * c - b * b;
        *x -= (c * g[0] - b * g[1]) / det;
        *y -= (a * g[1] - b * g[0]) / det;
    }
}

/* The four minima of Himmelblau's function. (3, 2) is exact (both brackets
 * vanish); the other three have no closed form and are computed here by
 * Newton's method from the four-digit values published with the function
 * (Himmelblau, "Applied Nonlinear Programming", 1972), to |∇f| < 1e-12. */
static double minima[4][2] = {
    {3.0, 2.0}, {-2.8051, 3.1313}, {-3.7793, -3.2832}, {3.5844, -1.8481}};

static void refine_minima(void)
{
    for (int k = 1; k < 4; k++) {
        ref_newton(&minima[k][0], &minima[k][1]);
        double g[2];
        ref_grad(minima[k][0], minima[k][1], g);
        ck_assert_msg(hypot(g[0], g[1]) < 1e-12,
                      "the test's own Newton refinement failed (a bug in "
                      "the test, not in your code)");
    }
}

/* ============================================= himmelblau_grad() */

/* The well-known wrong gradients, written out so that a wrong answer can be
 * named. Each returns ∂f/∂x and ∂f/∂y of the mistake at (x, y). */
typedef struct {
    const char *why;
    void (*grad)(double x, double y, double g[2]);
} WrongGrad;

#define P(x, y) ((x) * (x) + (y) - 11.0)
#define Q(x, y) ((x) + (y) * (y) - 7.0)

static void no_inner_x(double x, double y, double g[2])
{
    g[0] = 2 * P(x, y) + 2 * Q(x, y);
    g[1] = 2 * P(x, y) + 4 * y * Q(x, y);
}
static void no_inner_y(double x, double y, double g[2])
{
    g[0] = 4 * x * P(x, y) + 2 * Q(x, y);
    g[1] = 2 * P(x, y) + 2 * Q(x, y);
}
static void no_outer_x(double x, double y, double g[2])
{
    g[0] = 2 * x * P(x, y) + 2 * Q(x, y);
    g[1] = 2 * P(x, y) + 4 * y * Q(x, y);
}
static void no_outer_y(double x, double y, double g[2])
{
    g[0] = 4 * x * P(x, y) + 2 * Q(x, y);
    g[1] = 2 * P(x, y) + 2 * y * Q(x, y);
}
static void no_cross_terms(double x, double y, double g[2])
{
    g[0] = 4 * x * P(x, y);
    g[1] = 4 * y * Q(x, y);
}
static void swapped(double x, double y, double g[2])
{
    g[1] = 4 * x * P(x, y) + 2 * Q(x, y);
    g[0] = 2 * P(x, y) + 4 * y * Q(x, y);
}
static void halved(double x, double y, double g[2])
{
    g[0] = 2 * x * P(x, y) + Q(x, y);
    g[1] = P(x, y) + 2 * y * Q(x, y);
}
static void negated(double x, double y, double g[2])
{
    g[0] = -(4 * x * P(x, y) + 2 * Q(x, y));
    g[1] = -(2 * P(x, y) + 4 * y * Q(x, y));
}
static void sign_slip_p(double x, double y, double g[2])
{
    double p = x * x - y - 11.0; /* y with the wrong sign in the bracket */
    g[0] = 4 * x * p + 2 * Q(x, y);
    g[1] = 2 * p + 4 * y * Q(x, y);
}
static void sign_slip_q(double x, double y, double g[2])
{
    double q = x - y * y - 7.0; /* y² with the wrong sign in the bracket */
    g[0] = 4 * x * P(x, y) + 2 * q;
    g[1] = 2 * P(x, y) + 4 * y * q;
}

static const WrongGrad wrong_grads[] = {
    {"∂f/∂x lacks the inner derivative: d(x² + y - 11)²/dx = "
     "2(x² + y - 11)·2x, the chain rule's factor 2x is missing", no_inner_x},
    {"∂f/∂y lacks the inner derivative: d(x + y² - 7)²/dy = "
     "2(x + y² - 7)·2y, the chain rule's factor 2y is missing", no_inner_y},
    {"∂f/∂x has a factor slip: the first term is 2·(x² + y - 11)·2x = "
     "4x(x² + y - 11), not 2x(x² + y - 11)", no_outer_x},
    {"∂f/∂y has a factor slip: the second term is 2·(x + y² - 7)·2y = "
     "4y(x + y² - 7), not 2y(x + y² - 7)", no_outer_y},
    {"each partial uses only one square: x and y appear in both brackets, "
     "so ∂f/∂x also gets 2(x + y² - 7) and ∂f/∂y also gets 2(x² + y - 11)",
     no_cross_terms},
    {"grad[0] and grad[1] are swapped: grad[0] is ∂f/∂x", swapped},
    {"that is half the gradient (the gradient of f/2): d(u²) = 2u·du",
     halved},
    {"the gradient has the wrong sign: it points uphill, descent subtracts "
     "it", negated},
    {"a sign slip in the first bracket: it is x² + y - 11 (plus y)",
     sign_slip_p},
    {"a sign slip in the second bracket: it is x + y² - 7 (plus y²)",
     sign_slip_q},
};

static const char *diagnose_grad(double x, double y, const double got[2])
{
    if (got[0] == 0.0 && got[1] == 0.0)
        return "both are 0: nothing was computed yet";
    for (size_t i = 0; i < sizeof wrong_grads / sizeof *wrong_grads; i++) {
        double g[2];
        wrong_grads[i].grad(x, y, g);
        if (grading_near(got[0], g[0], TIGHT) &&
            grading_near(got[1], g[1], TIGHT))
            return wrong_grads[i].why;
    }
    double want[2];
    ref_grad(x, y, want);
    /* float keeps about 7 significant digits: every part right to about
     * 1e-7 of the brackets' size, none exactly. */
    if (grading_near(got[0], want[0], GRADING_FLOAT_TOL) &&
        grading_near(got[1], want[1], GRADING_FLOAT_TOL))
        return "the gradient is right to about 7 digits only: something "
               "was computed in float (single precision: a float variable "
               "for p or q, or a cast); use double throughout";
    if (grading_near(got[0], want[0], TIGHT))
        return "∂f/∂x is right, ∂f/∂y is not: ∂f/∂y = 2(x² + y - 11) + "
               "4y(x + y² - 7)";
    if (grading_near(got[1], want[1], TIGHT))
        return "∂f/∂y is right, ∂f/∂x is not: ∂f/∂x = 4x(x² + y - 11) + "
               "2(x + y² - 7)";
    return "differentiate each square with the chain rule, as in the lesson";
}

START_TEST(himmelblau_grad_hand_worked)
{
    /* p = x² + y - 11, q = x + y² - 7; ∂f/∂x = 4xp + 2q, ∂f/∂y = 2p + 4yq.
     *   (2, 3):  p = -4,  q = 4:   (-32 + 8, -8 + 48)     = (-24, 40)
     *   (-1, 2): p = -8,  q = -4:  (32 - 8, -16 - 32)     = (24, -48)
     *   (0, 0):  p = -11, q = -7:  (0 - 14, -22 + 0)      = (-14, -22)
     *   (3, 2):  p = 0,   q = 0:   a minimum, exactly (0, 0)
     * (0, 0) is not first: there the terms with a factor x or y vanish,
     * so several mistakes give the same wrong numbers. */
    static const double cases[][4] = {
        {2, 3, -24, 40}, {-1, 2, 24, -48}, {0, 0, -14, -22}, {3, 2, 0, 0}};
    /* grad is overwritten: starting from (100, 100), a function that adds
     * to it gives (-24 + 100, 40 + 100) at (2, 3). */
    double first[2] = {2, 3}, added[2] = {100, 100};
    himmelblau_grad(first, added);
    ck_assert_msg(!(grading_near(added[0], 76, TIGHT) &&
                    grading_near(added[1], 140, TIGHT)),
                  "himmelblau_grad at (2, 3), given grad = (100, 100), left "
                  "(%g, %g), which is (100, 100) + (-24, 40): grad was added "
                  "to; overwrite it", added[0], added[1]);
    for (size_t i = 0; i < 4; i++) {
        double theta[2] = {cases[i][0], cases[i][1]}, got[2] = {NAN, NAN};
        himmelblau_grad(theta, got);
        require_finite(got[0], "grad[0] from himmelblau_grad()");
        require_finite(got[1], "grad[1] from himmelblau_grad()");
        ck_assert_msg(grading_near(got[0], cases[i][2], TIGHT) &&
                          grading_near(got[1], cases[i][3], TIGHT),
                      "himmelblau_grad at (%g, %g) gave (%.10g, %.10g), "
                      "expected (%g, %g): %s",
                      theta[0], theta[1], got[0], got[1], cases[i][2],
                      cases[i][3], diagnose_grad(theta[0], theta[1], got));
        ck_assert_msg(theta[0] == cases[i][0] && theta[1] == cases[i][1],
                      "himmelblau_grad changed theta: it only reads it");
    }
}
END_TEST

START_TEST(himmelblau_grad_matches_finite_differences)
{
    /* Central differences of this file's loss with h = 1e-5: truncation
     * error about h²·|f'''|/6 ≈ 1e-9 here, rounding about 1e-16·f/h ≈ 1e-9;
     * so a relative tolerance of 1e-7. */
    static const double points[][2] = {
        {0.3, -1.7}, {-2.2, 0.9}, {4.1, 3.6}, {-0.27, -0.92}};
    const double h = 1e-5;
    for (size_t i = 0; i < 4; i++) {
        double x = points[i][0], y = points[i][1];
        double theta[2] = {x, y}, got[2] = {NAN, NAN};
        himmelblau_grad(theta, got);
        double nx = (ref_loss(x + h, y) - ref_loss(x - h, y)) / (2 * h);
        double ny = (ref_loss(x, y + h) - ref_loss(x, y - h)) / (2 * h);
        require_finite(got[0], "grad[0] from himmelblau_grad()");
        require_finite(got[1], "grad[1] from himmelblau_grad()");
        ck_assert_msg(grading_near(got[0], nx, 1e-7) &&
                          grading_near(got[1], ny, 1e-7),
                      "at (%g, %g) himmelblau_grad gave (%.10g, %.10g) but "
                      "central differences of f give (%.10g, %.10g): %s",
                      x, y, got[0], got[1], nx, ny,
                      diagnose_grad(x, y, got));
    }
}
END_TEST

START_TEST(himmelblau_grad_vanishes_at_the_minima)
{
    /* Also a nonzero point, so that a function returning 0 cannot pass. */
    refine_minima();
    for (size_t k = 0; k < 4; k++) {
        double got[2] = {NAN, NAN};
        himmelblau_grad(minima[k], got);
        ck_assert_msg(fabs(got[0]) < 1e-9 && fabs(got[1]) < 1e-9,
                      "at the minimum (%.6f, %.6f) the gradient must vanish "
                      "(to 1e-9); himmelblau_grad gave (%.3g, %.3g)",
                      minima[k][0], minima[k][1], got[0], got[1]);
    }
    double theta[2] = {1.0, 1.0}, got[2] = {NAN, NAN};
    himmelblau_grad(theta, got);
    /* p = -9, q = -5: (-36 - 10, -18 - 20) = (-46, -38) */
    ck_assert_msg(grading_near(got[0], -46.0, TIGHT) &&
                      grading_near(got[1], -38.0, TIGHT),
                  "himmelblau_grad at (1, 1) gave (%.10g, %.10g), expected "
                  "(-46, -38): %s", got[0], got[1], diagnose_grad(1, 1, got));
}
END_TEST

static void add_grad_tests(TCase *tc)
{
    tcase_add_test(tc, himmelblau_grad_hand_worked);
    tcase_add_test(tc, himmelblau_grad_matches_finite_differences);
    tcase_add_test(tc, himmelblau_grad_vanishes_at_the_minima);
}

/* ============================================= himmelblau_hessian() */

static const char *diagnose_hessian(double x, double y, Hessian2 got)
{
    double xx = 12 * x * x + 4 * y - 42, xy = 4 * x + 4 * y;
    double yy = 12 * y * y + 4 * x - 26;
    if (got.xx == 0.0 && got.xy == 0.0 && got.yy == 0.0)
        return "all three are 0: nothing was computed yet";
    if (grading_near(got.xx, yy, TIGHT) && grading_near(got.yy, xx, TIGHT))
        return "xx and yy are swapped: xx is ∂²f/∂x²";
    if (!grading_near(got.xx, xx, TIGHT) &&
        grading_near(got.xx, 4 * x * x + 4 * y - 42, TIGHT))
        return "∂²f/∂x² misses a term of the product rule: ∂(4x·p)/∂x = "
               "4p + 4x·2x, so 12x² + 4y - 42";
    if (!grading_near(got.yy, yy, TIGHT) &&
        grading_near(got.yy, 4 * y * y + 4 * x - 26, TIGHT))
        return "∂²f/∂y² misses a term of the product rule: ∂(4y·q)/∂y = "
               "4q + 4y·2y, so 12y² + 4x - 26";
    /* ∂f/∂x = 4xp + 2q and q = x + y² - 7 holds x too: ∂(2q)/∂x = 2, so
     * ∂²f/∂x² = 4p + 8x² + 2 = 12x² + 4y - 42; likewise ∂(2p)/∂y = 2 in
     * ∂²f/∂y² = 2 + 4q + 8y² = 12y² + 4x - 26. Dropping it leaves 2 short. */
    if (!grading_near(got.xx, xx, TIGHT) &&
        grading_near(got.xx, xx - 2, TIGHT))
        return "∂²f/∂x² is 2 short: in ∂f/∂x = 4x(x² + y - 11) + "
               "2(x + y² - 7) the second term depends on x too, and its "
               "derivative 2 belongs in 12x² + 4y - 42";
    if (!grading_near(got.yy, yy, TIGHT) &&
        grading_near(got.yy, yy - 2, TIGHT))
        return "∂²f/∂y² is 2 short: in ∂f/∂y = 2(x² + y - 11) + "
               "4y(x + y² - 7) the first term depends on y too, and its "
               "derivative 2 belongs in 12y² + 4x - 26";
    if (!grading_near(got.xy, xy, TIGHT) &&
        (grading_near(got.xy, xy / 2, TIGHT) ||
         grading_near(got.xy, 2 * xy, TIGHT)))
        return "the mixed derivative ∂²f/∂x∂y has a factor slip: "
               "∂(4x·p)/∂y = 4x and ∂(2q)/∂y = 4y, so 4x + 4y";
    if (!grading_near(got.xy, xy, TIGHT))
        return "the mixed derivative ∂²f/∂x∂y is off: it is 4x + 4y";
    return "differentiate each partial derivative once more";
}

START_TEST(himmelblau_hessian_hand_worked)
{
    /* xx = 12x² + 4y - 42, xy = 4x + 4y, yy = 12y² + 4x - 26:
     *   (3, 2):  108 + 8 - 42 = 74,   20,   48 + 12 - 26 = 34
     *   (0, 0):  -42,                  0,   -26
     *   (1, 2):  12 + 8 - 42 = -22,   12,   48 + 4 - 26 = 26 */
    static const double cases[][5] = {
        {3, 2, 74, 20, 34}, {0, 0, -42, 0, -26}, {1, 2, -22, 12, 26}};
    for (size_t i = 0; i < 3; i++) {
        double theta[2] = {cases[i][0], cases[i][1]};
        Hessian2 got = himmelblau_hessian(theta);
        require_finite(got.xx, "xx from himmelblau_hessian()");
        require_finite(got.xy, "xy from himmelblau_hessian()");
        require_finite(got.yy, "yy from himmelblau_hessian()");
        ck_assert_msg(grading_near(got.xx, cases[i][2], TIGHT) &&
                          grading_near(got.xy, cases[i][3], TIGHT) &&
                          grading_near(got.yy, cases[i][4], TIGHT),
                      "himmelblau_hessian at (%g, %g) gave xx = %.10g, xy = "
                      "%.10g, yy = %.10g; expected %g, %g, %g: %s",
                      theta[0], theta[1], got.xx, got.xy, got.yy,
                      cases[i][2], cases[i][3], cases[i][4],
                      diagnose_hessian(theta[0], theta[1], got));
    }
}
END_TEST

START_TEST(himmelblau_hessian_matches_finite_differences)
{
    /* Central differences of this file's gradient, h = 1e-5: the gradient
     * is a cubic, so the truncation error is h²·|∂³g|/6 ≈ 1e-9; tolerance
     * 1e-7 relative. The mixed entry is checked both ways (∂g_x/∂y and
     * ∂g_y/∂x), which must agree for a smooth f. */
    static const double points[][2] = {{0.3, -1.7}, {-2.2, 0.9}, {4.1, 3.6}};
    const double h = 1e-5;
    for (size_t i = 0; i < 3; i++) {
        double x = points[i][0], y = points[i][1], gp[2], gm[2];
        double theta[2] = {x, y};
        Hessian2 got = himmelblau_hessian(theta);
        ref_grad(x + h, y, gp);
        ref_grad(x - h, y, gm);
        double xx = (gp[0] - gm[0]) / (2 * h), yx = (gp[1] - gm[1]) / (2 * h);
        ref_grad(x, y + h, gp);
        ref_grad(x, y - h, gm);
        double xy = (gp[0] - gm[0]) / (2 * h), yy = (gp[1] - gm[1]) / (2 * h);
        ck_assert_msg(grading_near(got.xx, xx, 1e-7) &&
                          grading_near(got.xy, xy, 1e-7) &&
                          grading_near(got.xy, yx, 1e-7) &&
                          grading_near(got.yy, yy, 1e-7),
                      "at (%g, %g) himmelblau_hessian gave (%.8g, %.8g, %.8g) "
                      "but differences of the gradient give (%.8g, %.8g, "
                      "%.8g): %s", x, y, got.xx, got.xy, got.yy, xx, xy, yy,
                      diagnose_hessian(x, y, got));
    }
}
END_TEST

static void add_hessian_tests(TCase *tc)
{
    tcase_add_test(tc, himmelblau_hessian_hand_worked);
    tcase_add_test(tc, himmelblau_hessian_matches_finite_differences);
}

/* ============================================= hessian_eigenvalues() */

/* What the tests put in *lambda_min and *lambda_max before the call: no
 * eigenvalue of any matrix tested here, and not a nan, so that outputs left
 * unwritten are told apart from a nan computed by the student. */
#define UNWRITTEN (-7777.0)

static const char *diagnose_eigenvalues(Hessian2 h, double lo, double hi,
                                        double want_lo, double want_hi)
{
    double a = h.xx, b = h.xy, c = h.yy, m = (a + c) / 2;
    double d = (a - c) / 2;
    if (lo == UNWRITTEN || hi == UNWRITTEN)
        return "-7777 is what the caller's variable held before the call: "
               "the result was never written to it. Store through the "
               "pointer, *lambda_min = ... and *lambda_max = ...; assigning "
               "to lambda_min itself only changes your local copy of the "
               "address";
    if (isnan(lo) || isnan(hi))
        return "nan: the square root got a negative number, so the "
               "discriminant has the wrong sign: what is under it, "
               "((a - c)/2)² + b², is a sum of squares and never negative";
    if (lo == 0.0 && hi == 0.0)
        return "both are 0: nothing was computed yet";
    if (grading_near(lo, want_hi, TIGHT) && grading_near(hi, want_lo, TIGHT))
        return "the two are swapped: *lambda_min gets the smaller one";
    if (b != 0.0 && grading_near(lo, fmin(a, c), TIGHT) &&
        grading_near(hi, fmax(a, c), TIGHT))
        return "those are the diagonal entries: the eigenvalues equal them "
               "only when the off-diagonal entry b is 0";
    double r_minus = sqrt(fmax(d * d - b * b, 0.0));
    if (grading_near(lo, m - r_minus, TIGHT) &&
        grading_near(hi, m + r_minus, TIGHT))
        return "the discriminant has the wrong sign: it is ((a - c)/2)² + "
               "b², plus b²";
    double r_unhalved = sqrt(4 * d * d + b * b);
    if (grading_near(lo, m - r_unhalved, TIGHT) &&
        grading_near(hi, m + r_unhalved, TIGHT))
        return "a factor slip in the discriminant: it is ((a - c)/2)² + b², "
               "with (a - c) halved before squaring";
    double r_4b = sqrt(d * d + 4 * b * b);
    if (grading_near(lo, m - r_4b, TIGHT) && grading_near(hi, m + r_4b, TIGHT))
        return "a factor slip in the discriminant: with (a - c)/2 the "
               "off-diagonal term is b², not 4b² (4b² goes with (a - c)² "
               "and an overall 1/2)";
    double r = sqrt(d * d + b * b);
    if (grading_near(lo, 2 * m - r, TIGHT) && grading_near(hi, 2 * m + r, TIGHT))
        return "the centre is (a + c)/2, the mean of the diagonal: the "
               "1/2 is missing";
    if (grading_near(hi - lo, 2 * r, TIGHT))
        return "the gap between them is right but the centre is not: they "
               "are centred on (a + c)/2";
    if (grading_near(lo, m - r, GRADING_FLOAT_TOL) &&
        grading_near(hi, m + r, GRADING_FLOAT_TOL))
        return "right to about 7 digits only: something was computed in "
               "float (single precision, sqrtf or a float variable); use "
               "double throughout";
    if (grading_near((lo + hi) / 2, m, TIGHT))
        return "the centre (a + c)/2 is right but the gap is not: they lie "
               "√(((a - c)/2)² + b²) either side of it";
    return "solve λ² - (a + c)λ + (ac - b²) = 0 as in the lesson";
}

static void expect_eigenvalues(Hessian2 h, double want_lo, double want_hi,
                               const char *working)
{
    double lo = UNWRITTEN, hi = UNWRITTEN;
    hessian_eigenvalues(h, &lo, &hi);
    ck_assert_msg(grading_near(lo, want_lo, TIGHT) &&
                      grading_near(hi, want_hi, TIGHT),
                  "hessian_eigenvalues([[%g, %g], [%g, %g]]) gave %.10g and "
                  "%.10g, expected %.10g and %.10g (%s): %s",
                  h.xx, h.xy, h.xy, h.yy, lo, hi, want_lo, want_hi, working,
                  diagnose_eigenvalues(h, lo, hi, want_lo, want_hi));
}

START_TEST(eigenvalues_hand_worked)
{
    /* λ = m ∓ r, m = (a + c)/2, r = √(((a - c)/2)² + b²). */
    expect_eigenvalues((Hessian2){2, 0, -2}, -2, 2,
                       "the saddle x² - y²: m = 0, r = 2");
    expect_eigenvalues((Hessian2){1, 2, 1}, -1, 3, "m = 1, r = √(0 + 4) = 2");
    expect_eigenvalues((Hessian2){5, 0, 1}, 1, 5,
                       "diagonal: m = 3, r = 2; the smaller one first");
    expect_eigenvalues((Hessian2){74, 20, 34}, 54 - 20 * sqrt(2.0),
                       54 + 20 * sqrt(2.0),
                       "Himmelblau at (3, 2): m = 54, r = √(400 + 400)");
    expect_eigenvalues((Hessian2){-6, 4, 0}, -8, 2,
                       "m = -3, r = √(9 + 16) = 5");
}
END_TEST

START_TEST(eigenvalues_trace_and_determinant)
{
    /* For any matrix the eigenvalues sum to the trace a + c and multiply to
     * the determinant ac - b². Checked on matrices with every sign
     * pattern; tolerance 1e-12 relative to the entries' scale. */
    static const double cases[][3] = {
        {0.3, -1.7, 2.9}, {-4.4, 0.6, -0.1}, {12.5, 7.25, -3.0},
        {1e-3, 2e-3, 5e-4}, {100.0, -0.01, 100.0}};
    for (size_t i = 0; i < 5; i++) {
        Hessian2 h = {cases[i][0], cases[i][1], cases[i][2]};
        double lo = UNWRITTEN, hi = UNWRITTEN;
        hessian_eigenvalues(h, &lo, &hi);
        double a = h.xx, b = h.xy, c = h.yy;
        double scale = fabs(a) + fabs(b) + fabs(c);
        double r = sqrt((a - c) * (a - c) / 4 + b * b);
        ck_assert_msg(fabs(lo + hi - (a + c)) <= 1e-12 * scale &&
                          fabs(lo * hi - (a * c - b * b)) <= 1e-12 * scale * scale &&
                          lo <= hi,
                      "for [[%g, %g], [%g, %g]] the eigenvalues must sum to "
                      "the trace %g and multiply to the determinant %g, with "
                      "the smaller first; got %.10g and %.10g: %s",
                      a, b, b, c, a + c, a * c - b * b, lo, hi,
                      diagnose_eigenvalues(h, lo, hi, (a + c) / 2 - r,
                                           (a + c) / 2 + r));
    }
}
END_TEST

START_TEST(eigenvalues_close_together)
{
    /* [[1, 1e-9], [1e-9, 1]]: m = 1, r = √(0 + 1e-18) = 1e-9, so the
     * eigenvalues are 1 ∓ 1e-9, to within a rounding of 1 (1.1e-16).
     * The first form of the quadratic formula, √(((a + c)/2)² - (ac - b²))
     * (or √((a + c)² - 4(ac - b²))/2), subtracts 1 - (1 - 1e-18), and 1e-18
     * is lost against 1 before the subtraction: it gives r = 0 (or the
     * root of a negative rounding error, nan). */
    double lo = NAN, hi = NAN;
    hessian_eigenvalues((Hessian2){1, 1e-9, 1}, &lo, &hi);
    if (grading_near(lo, 1 - 1e-9, TIGHT) && grading_near(hi, 1 + 1e-9, TIGHT))
        return;
    ck_abort_msg("hessian_eigenvalues([[1, 1e-9], [1e-9, 1]]) gave %.17g and "
                 "%.17g, expected 1 - 1e-9 and 1 + 1e-9 (m = 1, r = √(0 + "
                 "1e-18)): %s", lo, hi,
                 (lo == hi && grading_near(lo, 1.0, TIGHT)) || isnan(lo) ||
                         isnan(hi)
                     ? "the root of ((a + c)/2)² - (ac - b²) cancels: two "
                       "numbers near 1 are subtracted and the 1e-18 in them "
                       "is lost; compute r = √(((a - c)/2)² + b²), the form "
                       "that is a sum of squares"
                     : "λ = (a + c)/2 ∓ √(((a - c)/2)² + b²)");
}
END_TEST

static void add_eigenvalue_tests(TCase *tc)
{
    tcase_add_test(tc, eigenvalues_hand_worked);
    tcase_add_test(tc, eigenvalues_trace_and_determinant);
    tcase_add_test(tc, eigenvalues_close_together);
}

/* ============================================= hessian_classify() */

static const char *const kind_names[] = {"CRITICAL_MINIMUM",
                                         "CRITICAL_MAXIMUM",
                                         "CRITICAL_SADDLE",
                                         "CRITICAL_DEGENERATE"};

static const char *kind_name(CriticalKind k)
{
    return (unsigned)k < 4 ? kind_names[k] : "not a CriticalKind";
}

typedef struct {
    Hessian2 h;
    double tol;
    CriticalKind want;
    const char *what;   /* the matrix, in the lesson's words */
} ClassifyCase;

static const char *diagnose_classify(const ClassifyCase *c, CriticalKind got)
{
    /* First make sure the student's eigenvalues are right for this matrix:
     * classification builds on them. */
    double a = c->h.xx, b = c->h.xy, d = c->h.yy;
    double m = (a + d) / 2, r = sqrt((a - d) * (a - d) / 4 + b * b);
    double lo = NAN, hi = NAN;
    hessian_eigenvalues(c->h, &lo, &hi);
    if (!grading_near(lo, m - r, 1e-9) || !grading_near(hi, m + r, 1e-9))
        return "hessian_eigenvalues() is wrong for this matrix (see its own "
               "test), and classification builds on it: fix it first";
    double small = fabs(lo) < fabs(hi) ? lo : hi;
    if (fabs(small) == c->tol && got != CRITICAL_DEGENERATE &&
        hessian_classify(c->h, nextafter(c->tol, INFINITY)) ==
            CRITICAL_DEGENERATE)
        return "the eigenvalue's size equals tol exactly, and \"at most "
               "tol\" counts as zero: compare |λ| <= tol, not < tol";
    /* Degeneracy judged by the determinant D = f_xx·f_yy - f_xy² =
     * λmin·λmax, as the calculus textbook's second-derivative test does
     * (|D| <= tol degenerate, D < 0 a saddle, else f_xx's sign): told by
     * two diagonal matrices where the tests disagree, [[0.5, 0], [0,
     * 0.5]] with tol 0.3 (D = 0.25, degenerate by D, a minimum by each λ)
     * and [[0.1, 0], [0, 100]] with tol 1 (D = 10, the reverse). */
    if (got != c->want &&
        hessian_classify((Hessian2){0.5, 0.0, 0.5}, 0.3) ==
            CRITICAL_DEGENERATE &&
        hessian_classify((Hessian2){0.1, 0.0, 100.0}, 1.0) ==
            CRITICAL_MINIMUM)
        return "degeneracy was judged by the determinant D = f_xx·f_yy - "
               "f_xy², as in the textbook's second-derivative test, but D = "
               "λmin·λmax, and a product can pass tol when neither λ does, "
               "or the reverse: judge degeneracy by the eigenvalues "
               "themselves, |λ| <= tol";
    if (fabs(small) == c->tol && got != CRITICAL_DEGENERATE)
        return "the smaller eigenvalue's size equals tol exactly, and \"at "
               "most tol\" counts as zero; judge degeneracy by the "
               "eigenvalues themselves, |λ| <= tol, as the contract says";
    if (c->want == CRITICAL_DEGENERATE && got != CRITICAL_DEGENERATE &&
        fabs(small) > 1e-9)
        return "the smaller eigenvalue is within this call's tol of zero: "
               "use the tol argument, not a threshold of your own";
    if (c->want != CRITICAL_DEGENERATE && got == CRITICAL_DEGENERATE)
        return fabs(small) < 1.0
                   ? "the smaller eigenvalue is above this call's tol (with "
                     "tol = 0 only an exact zero is degenerate): use the tol "
                     "argument, not a threshold of your own, and fabs(): "
                     "abs() of a double takes an int in C (abs(1e-6) is 0)"
                   : "the smaller eigenvalue is above this call's tol (with "
                     "tol = 0 only an exact zero is degenerate): use the tol "
                     "argument, not a threshold of your own";
    static char near_zero[256];
    if (fabs(small) <= c->tol && small != 0.0 && got != CRITICAL_DEGENERATE) {
        snprintf(near_zero, sizeof near_zero,
                 "an eigenvalue is %.2g: not exactly 0, but within tol of "
                 "it; compare |λ| <= tol, never λ == 0, because computed "
                 "eigenvalues are rarely exactly zero", small);
        return near_zero;
    }
    static char larger_zero[256];
    if (c->want == CRITICAL_DEGENERATE && got != CRITICAL_DEGENERATE &&
        fabs(hi) <= c->tol && fabs(lo) > c->tol) {
        snprintf(larger_zero, sizeof larger_zero,
                 "the eigenvalue within tol of zero is the LARGER one, "
                 "lambda_max = %g (lambda_min = %g): test both against tol, "
                 "|lambda_min| <= tol or |lambda_max| <= tol, not only "
                 "lambda_min", hi, lo);
        return larger_zero;
    }
    if (c->want == CRITICAL_DEGENERATE && got == CRITICAL_MINIMUM)
        return "one eigenvalue is zero: the test cannot decide, since x² + "
               "y⁴ (a minimum) and x² + y³ (not one) have the same Hessian "
               "at the origin; λ >= 0 is not enough for a minimum";
    if (c->want == CRITICAL_DEGENERATE && got == CRITICAL_MAXIMUM)
        return "one eigenvalue is zero: the test cannot decide; λ <= 0 is "
               "not enough for a maximum";
    if (c->want == CRITICAL_DEGENERATE && got == CRITICAL_SADDLE)
        return "one eigenvalue is zero, and zero is neither positive nor "
               "negative: that is the degenerate case, not a saddle";
    if (c->want == CRITICAL_SADDLE && got == CRITICAL_MINIMUM && a > 0 && d > 0)
        return "both diagonal entries are positive, yet one eigenvalue is "
               "negative: positive second derivatives along x and y do not "
               "make a minimum, the signs of the eigenvalues do";
    if (c->want == CRITICAL_SADDLE && got == CRITICAL_MAXIMUM && a < 0 && d < 0)
        return "both diagonal entries are negative, yet one eigenvalue is "
               "positive: classify by the eigenvalues, not the diagonal";
    if (c->want == CRITICAL_MAXIMUM && got == CRITICAL_MINIMUM)
        return "both eigenvalues are negative: that is a maximum (a positive "
               "determinant only says they have the same sign)";
    if (c->want == CRITICAL_SADDLE && got == CRITICAL_MINIMUM)
        return "one eigenvalue is negative: downhill along it, so a saddle "
               "(a positive trace does not make a minimum)";
    if (c->want == CRITICAL_SADDLE && got == CRITICAL_DEGENERATE)
        return "both eigenvalues are well away from zero, one of each sign: "
               "a saddle";
    return "all eigenvalues > 0: minimum; all < 0: maximum; mixed signs: "
           "saddle; any |λ| <= tol: degenerate";
}

static void expect_classification(const ClassifyCase *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const ClassifyCase *c = &cases[i];
        CriticalKind got = hessian_classify(c->h, c->tol);
        ck_assert_msg(got == c->want,
                      "hessian_classify([[%g, %g], [%g, %g]], tol = %g) gave "
                      "%s, expected %s (%s): %s",
                      c->h.xx, c->h.xy, c->h.xy, c->h.yy, c->tol,
                      kind_name(got), kind_name(c->want), c->what,
                      diagnose_classify(c, got));
    }
}

START_TEST(classify_clear_cases)
{
    static const ClassifyCase cases[] = {
        {{74, 20, 34}, 1e-9, CRITICAL_MINIMUM,
         "Himmelblau at (3, 2): eigenvalues 54 ∓ 28.3, both positive"},
        {{-42, 0, -26}, 1e-9, CRITICAL_MAXIMUM, "eigenvalues -42 and -26"},
        {{2, 0, -2}, 1e-9, CRITICAL_SADDLE, "x² - y²: eigenvalues -2 and 2"},
        {{-3, 1, -3}, 1e-9, CRITICAL_MAXIMUM, "eigenvalues -4 and -2"},
        {{3, 0, -1}, 1e-9, CRITICAL_SADDLE,
         "eigenvalues -1 and 3: the trace is positive, the point a saddle"},
    };
    expect_classification(cases, sizeof cases / sizeof *cases);
}
END_TEST

START_TEST(classify_by_eigenvalues_not_the_diagonal)
{
    static const ClassifyCase cases[] = {
        {{3, 1, 3}, 1e-9, CRITICAL_MINIMUM, "eigenvalues 2 and 4"},
        {{1, 2, 1}, 1e-9, CRITICAL_SADDLE,
         "positive diagonal, but eigenvalues -1 and 3"},
        {{-1, 2, -1}, 1e-9, CRITICAL_SADDLE,
         "negative diagonal, but eigenvalues -3 and 1"},
    };
    expect_classification(cases, sizeof cases / sizeof *cases);
}
END_TEST

START_TEST(classify_zero_eigenvalue_is_degenerate)
{
    static const ClassifyCase cases[] = {
        {{2, 0, 0}, 1e-9, CRITICAL_DEGENERATE,
         "eigenvalues 0 and 2: the Hessian of x² + y⁴, and of x² + y³"},
        {{-2, 0, 0}, 1e-9, CRITICAL_DEGENERATE, "eigenvalues -2 and 0"},
        {{0, 0, 0}, 1e-9, CRITICAL_DEGENERATE, "the zero matrix"},
        {{2, 0, 1e-12}, 1e-9, CRITICAL_DEGENERATE,
         "eigenvalues 1e-12 and 2: 1e-12 is below tol, so zero"},
        {{2, 0, 1e-6}, 1e-9, CRITICAL_MINIMUM,
         "eigenvalues 1e-6 and 2: small but above tol, so a minimum"},
    };
    expect_classification(cases, sizeof cases / sizeof *cases);
}
END_TEST

START_TEST(classify_rounding_needs_a_tolerance)
{
    /* The Hessian of ½(u·x + v·y - t)² is [[u², uv], [uv, v²]]: singular,
     * a whole valley of minima along u·x + v·y = t. Built here in floating
     * point, its computed smaller eigenvalue is not 0 but a rounding error
     * of about ±1e-16 (u = 0.3, v = 1.1 gives +1.1e-16 with the lesson's
     * formula; u = 1.1, v = 0.17 gives -1.1e-16). */
    double u1 = 0.3, v1 = 1.1, u2 = 1.1, v2 = 0.17;
    ClassifyCase cases[] = {
        {{u1 * u1, u1 * v1, v1 * v1}, 1e-12, CRITICAL_DEGENERATE,
         "the Hessian of ½(0.3x + 1.1y - t)², singular"},
        {{u2 * u2, u2 * v2, v2 * v2}, 1e-12, CRITICAL_DEGENERATE,
         "the Hessian of ½(1.1x + 0.17y - t)², singular"},
        {{u1 * u1 + 1e-6, u1 * v1, v1 * v1}, 1e-12, CRITICAL_MINIMUM,
         "the same plus 1e-6 on the diagonal: eigenvalues about 9.3e-7 and 1.3"},
    };
    expect_classification(cases, sizeof cases / sizeof *cases);
}
END_TEST

START_TEST(classify_uses_the_tol_given)
{
    /* diag(2, ε) has eigenvalues ε and 2 exactly (m = 1 + ε/2, r = 1 - ε/2,
     * all exact for these ε): whether ε counts as zero is up to tol alone.
     * 0.5 is a power of 2, so |λ| = tol exactly in the boundary cases. */
    static const ClassifyCase cases[] = {
        {{2, 0, 1e-6}, 1e-5, CRITICAL_DEGENERATE,
         "eigenvalues 1e-6 and 2, with tol = 1e-5: 1e-6 counts as zero"},
        {{2, 0, 0x1p-40}, 0.0, CRITICAL_MINIMUM,
         "eigenvalues 2^-40 and 2, with tol = 0: only an exact zero counts"},
        {{2, 0, 0.5}, 0.5, CRITICAL_DEGENERATE,
         "eigenvalues 0.5 and 2, with tol = 0.5: |λ| <= tol counts as zero"},
        {{-0.5, 0, -2}, 0.5, CRITICAL_DEGENERATE,
         "eigenvalues -2 and -0.5, with tol = 0.5: |λ| <= tol counts as "
         "zero"},
        {{2, 0, 0.5}, 0.25, CRITICAL_MINIMUM,
         "eigenvalues 0.5 and 2, with tol = 0.25"},
    };
    expect_classification(cases, sizeof cases / sizeof *cases);
}
END_TEST

static void add_classify_tests(TCase *tc)
{
    tcase_add_test(tc, classify_clear_cases);
    tcase_add_test(tc, classify_by_eigenvalues_not_the_diagonal);
    tcase_add_test(tc, classify_zero_eigenvalue_is_degenerate);
    tcase_add_test(tc, classify_rounding_needs_a_tolerance);
    tcase_add_test(tc, classify_uses_the_tol_given);
}

/* ============================================= basin_label() */

static const char *label_name(int label)
{
    static char buf[4][32];
    static int next;
    char *s = buf[next++ % 4];
    switch (label) {
    case BASIN_OTHER: return "BASIN_OTHER";
    case BASIN_UNFINISHED: return "BASIN_UNFINISHED";
    case BASIN_DIVERGED: return "BASIN_DIVERGED";
    default: snprintf(s, 32, "%d", label); return s;
    }
}

/* A landscape whose basins are known exactly: f(x, y) = g(x) + y², with
 * g'(x) = x(x - 1)(x + 3), that is g(x) = x⁴/4 + 2x³/3 - 3x²/2. It
 * separates: descent moves x by g' alone and shrinks y by the factor
 * 1 - 2η. The minima are (1, 0) and (-3, 0), and (0, 0) is a saddle. For
 * small η (below 2/g'' at both minima: g''(1) = 4, g''(-3) = 12), every
 * start with x > 0 ends at (1, 0), every start with x < 0 at (-3, 0) (g' > 0
 * on (-3, 0), so x falls steadily), and x = 0 stays exactly 0: those starts
 * end on the saddle. The nearest minimum to a start is a different
 * question: (-0.5, 1) is 1.80 from (1, 0) but 2.69 from (-3, 0). */
static void wells_grad(const double theta[2], const void *ctx, double g[2])
{
    (void)ctx;
    double x = theta[0];
    g[0] = x * (x - 1.0) * (x + 3.0);
    g[1] = 2.0 * theta[1];
}

static const double wells_minima[] = {1.0, 0.0, -3.0, 0.0};

/* f = x² + y²: with η = 1/4 each step halves the point exactly (binary
 * arithmetic), so from (1, 0) the gradient norm after k steps is exactly
 * 2·2^-k. With grad_tol = 2^-9 the run converges at step k = 10. */
/* The last point bowl_grad was asked about: where a run stopped. */
static double bowl_last[2];

static void bowl_grad(const double theta[2], const void *ctx, double g[2])
{
    (void)ctx;
    bowl_last[0] = theta[0], bowl_last[1] = theta[1];
    g[0] = 2.0 * theta[0];
    g[1] = 2.0 * theta[1];
}

static const double bowl_minimum[] = {0.0, 0.0};

/* A wrong answer basin_label might give, and what it means. Lists end with
 * an entry whose why is NULL. */
typedef struct {
    int label;
    const char *why;
} WrongLabel;

/* The gradient expect_label hands basin_label, and the first point the
 * run asked it about: a run starts at `start`, on every call. */
static GradFn probed_grad;
static bool probe_asked;
static double probe_first[2];

static void first_point_probe(const double theta[2], const void *ctx,
                              double g[2])
{
    if (!probe_asked)
        probe_first[0] = theta[0], probe_first[1] = theta[1];
    probe_asked = true;
    probed_grad(theta, ctx, g);
}

static const char NOT_FROM_START[] =
    "the run did not begin at the start handed in, but where an earlier "
    "call had left off: copy start into a point of this call's own (a "
    "static point keeps its value from one call to the next)";

static void expect_label(GradFn grad, double x, double y, const double *mins,
                         size_t n, const BasinConfig *cfg, int want,
                         const WrongLabel *wrong)
{
    double start[2] = {x, y};
    probed_grad = grad, probe_asked = false;
    int got = basin_label(first_point_probe, NULL, start, mins, n, cfg);
    if (got == want)
        return;
    const char *why = "compare with the steps in the lesson";
    if (got == -4)
        why = "-4 is the untouched stub's value";
    for (; wrong && wrong->why; wrong++)
        if (wrong->label == got) {
            why = wrong->why;
            break;
        }
    if (probe_asked && (probe_first[0] != x || probe_first[1] != y))
        why = NOT_FROM_START;
    ck_abort_msg("basin_label from (%g, %g) with lr %g, max_steps %zu, "
                 "grad_tol %g, radius %g returned %s, expected %s: %s",
                 x, y, cfg->lr, cfg->max_steps, cfg->grad_tol, cfg->radius,
                 label_name(got), label_name(want), why);
}

static const char BY_START[] =
    "(1, 0) is the minimum nearest to the START, but descent from x < 0 "
    "goes to (-3, 0): label the point where descent ENDS, not the start";
static const char WRONG_INDEX[] =
    "the end point was matched to the wrong minimum: minimum k is the point "
    "(minima[2k], minima[2k + 1]), and the answer is its index k in the "
    "list you are given";
static const char NOT_RECOGNISED[] =
    "descent does converge to a listed minimum, but it was not recognised: "
    "compare the END point of the descent (not the start) with each minimum "
    "k, the point (minima[2k], minima[2k + 1]), within cfg->radius";
static const char FLAT_INDEX[] =
    "2 is where minimum 1 starts in the flat array (minima[2k] with k = "
    "1): return the minimum's index k, not its position 2k in minima";
static const char SKIPS_LAST[] =
    "descent ends at (1, 0), the only minimum listed, and it was not "
    "matched, though it was when listed first of two: the loop over the "
    "list stops one short; visit every minimum, k = 0 to n_minima - 1 "
    "(k < n_minima)";
static const char OVERFLOW[] =
    "the iterates overflowed to inf and the gradient became nan: every "
    "comparison with nan is false, so check isfinite() on the point and "
    "the gradient every step and return BASIN_DIVERGED";

START_TEST(basin_label_is_where_descent_ends)
{
    BasinConfig cfg = {.lr = 0.05, .max_steps = 5000, .grad_tol = 1e-9,
                       .radius = 1e-3};
    expect_label(wells_grad, 0.5, -2.0, wells_minima, 2, &cfg, 0,
                 (const WrongLabel[]){{1, WRONG_INDEX},
                                      {BASIN_OTHER, NOT_RECOGNISED},
                                      {0, NULL}});
    /* The same run with (1, 0) the only minimum listed: it is minimum 0,
     * and also the last. */
    expect_label(wells_grad, 0.5, -2.0, wells_minima, 1, &cfg, 0,
                 (const WrongLabel[]){{BASIN_OTHER, SKIPS_LAST},
                                      {0, NULL}});
    expect_label(wells_grad, -0.5, 1.0, wells_minima, 2, &cfg, 1,
                 (const WrongLabel[]){{0, BY_START},
                                      {2, FLAT_INDEX},
                                      {BASIN_OTHER, NOT_RECOGNISED},
                                      {0, NULL}});
    /* Listed the other way round, the same start is minimum 0. */
    static const double swapped_minima[] = {-3.0, 0.0, 1.0, 0.0};
    expect_label(wells_grad, -0.5, 1.0, swapped_minima, 2, &cfg, 0,
                 (const WrongLabel[]){{1, WRONG_INDEX},
                                      {BASIN_OTHER, NOT_RECOGNISED},
                                      {0, NULL}});
}
END_TEST

START_TEST(basin_label_saddle_is_other)
{
    /* From (0, 1.5), x stays exactly 0 (g'(0) = 0) and y shrinks to 0:
     * descent converges to the saddle (0, 0), 1 away from (1, 0) and 3 from
     * (-3, 0), far outside the radius. Plus a start that does reach a
     * minimum, so that always answering BASIN_OTHER cannot pass. */
    BasinConfig cfg = {.lr = 0.05, .max_steps = 5000, .grad_tol = 1e-9,
                       .radius = 1e-3};
    expect_label(wells_grad, 2.0, 0.5, wells_minima, 2, &cfg, 0,
                 (const WrongLabel[]){{BASIN_OTHER, NOT_RECOGNISED},
                                      {0, NULL}});
    expect_label(wells_grad, 0.0, 1.5, wells_minima, 2, &cfg, BASIN_OTHER,
                 (const WrongLabel[]){
                     {0, "descent ended on the saddle point (0, 0), where the "
                         "gradient is zero too; the nearest minimum is 1 "
                         "away, far beyond the radius: only an end point "
                         "within cfg->radius of a minimum counts, otherwise "
                         "BASIN_OTHER"},
                     {0, NULL}});
}
END_TEST

START_TEST(basin_label_unfinished_run)
{
    /* From (-0.5, 0), 3 steps of η = 0.05 move x only to about -0.85
     * (g' = 1.88, 2.28, 2.77 on the way, and 3.36 there): not converged,
     * nowhere near a minimum, and still nearer to (1, 0) than to (-3, 0).
     * The exact bowl run converges at step 10: max_steps = 10 is enough,
     * 9 is not. */
    static const char NOT_CONVERGED[] =
        "did not converge: after 3 steps the gradient is still about 3.4, so "
        "the run cannot be labelled; iterate until the gradient is small, "
        "and return BASIN_UNFINISHED when max_steps runs out first";
    BasinConfig cfg = {.lr = 0.05, .max_steps = 3, .grad_tol = 1e-9,
                       .radius = 1e-3};
    expect_label(wells_grad, -0.5, 0.0, wells_minima, 2, &cfg,
                 BASIN_UNFINISHED,
                 (const WrongLabel[]){{0, NOT_CONVERGED},
                                      {1, NOT_CONVERGED},
                                      {BASIN_OTHER, NOT_CONVERGED},
                                      {0, NULL}});
    /* "Converged once |∇f| <= grad_tol" includes equality. From
     * (2^-10, 0) the gradient is (2^-9, 0), of norm exactly grad_tol = 2^-9:
     * converged at the start, before max_steps = 0 is looked at; the start
     * is 2^-10 = 0.00098 from (0, 0), within the radius 1e-3. */
    BasinConfig bowl = {.lr = 0.25, .max_steps = 0, .grad_tol = 0x1p-9,
                        .radius = 1e-3};
    /* Which of two mistakes: from (2^-11, 0), whose gradient norm 2^-10 is
     * below grad_tol however it is compared, a run that answers
     * BASIN_UNFINISHED never looked at the start (the budget came first, as
     * in a loop of max_steps rounds); one that answers 0 there compares
     * with <. */
    const double inside[2] = {0x1p-11, 0.0};
    bool budget_first = basin_label(bowl_grad, NULL, inside, bowl_minimum, 1,
                                    &bowl) == BASIN_UNFINISHED;
    expect_label(bowl_grad, 0x1p-10, 0.0, bowl_minimum, 1, &bowl, 0,
                 (const WrongLabel[]){
                     {BASIN_UNFINISHED,
                      budget_first
                          ? "with max_steps = 0 no step is taken, but the "
                            "start is still looked at: its gradient's norm, "
                            "2^-9, is within grad_tol, so it has converged, "
                            "and that is checked before the step budget (a "
                            "loop of max_steps rounds with the check inside "
                            "never looks at the start when max_steps is 0, "
                            "nor at the point after the last step)"
                          : "at the start the gradient's norm is 2^-9, "
                            "exactly grad_tol: converged means |∇f| <= "
                            "grad_tol, so a norm equal to grad_tol has "
                            "converged (compare with <=, not <)"},
                     {0, NULL}});
    bowl.max_steps = 10;
    /* Compared as |∇f|² <= grad_tol, the run stops where 4·2^-2k <= 2^-9,
     * at step 6, (2^-6, 0): said before the step-length reading below,
     * which stops at step 8. */
    const double one[2] = {1.0, 0.0};
    bowl_last[0] = NAN;
    ck_assert_msg(basin_label(bowl_grad, NULL, one, bowl_minimum, 1, &bowl) != BASIN_OTHER ||
                      bowl_last[0] != 0x1p-6,
                  "basin_label from (1, 0) with lr 0.25, grad_tol 2^-9 "
                  "stopped at (2^-6, 0), outside the radius: that is where "
                  "the squared norm gx² + gy² reaches grad_tol; converged "
                  "means the norm itself, sqrt(gx² + gy²), is <= grad_tol "
                  "(at step 10)");
    expect_label(bowl_grad, 1.0, 0.0, bowl_minimum, 1, &bowl, 0,
                 (const WrongLabel[]){
                     {BASIN_UNFINISHED,
                      "one step too few: from (1, 0) the gradient norm is "
                      "2·2^-k after k steps and reaches grad_tol = 2^-9 at "
                      "step 10, so max_steps = 10 is enough; check the "
                      "gradient after the last step before giving up"},
                     {BASIN_OTHER,
                      "the run stopped short of (0, 0), outside the radius: "
                      "after k steps the point is (2^-k, 0) and the gradient "
                      "norm 2·2^-k, which reaches grad_tol = 2^-9 only at "
                      "step 10, at (2^-10, 0). The step's length lr·|∇f| "
                      "reaches grad_tol already at step 8, at (2^-8, 0): "
                      "compare the gradient's norm itself with grad_tol, "
                      "not the step's length"},
                     {0, NULL}});
    bowl.max_steps = 9;
    expect_label(bowl_grad, 1.0, 0.0, bowl_minimum, 1, &bowl,
                 BASIN_UNFINISHED,
                 (const WrongLabel[]){
                     {0, "one step too many, or no convergence check: with "
                         "max_steps = 9 the gradient norm is still 2^-8 > "
                         "grad_tol after the last step"},
                     {0, NULL}});
    bowl.max_steps = 0;
    expect_label(bowl_grad, 0.0, 0.0, bowl_minimum, 1, &bowl, 0,
                 (const WrongLabel[]){
                     {BASIN_UNFINISHED,
                      "a start exactly at the minimum has a zero gradient: "
                      "it has converged before any step"},
                     {0, NULL}});
}
END_TEST

START_TEST(basin_label_diverged_run)
{
    /* From x = 50, g'(50) = 50·49·53 = 129850 and η = 0.05 throws x to
     * -6442.5, then to about 1.3e10, ... until it overflows to inf and the
     * gradient to nan. Plus a finite start, so that always answering BASIN_DIVERGED
     * cannot pass. */
    BasinConfig cfg = {.lr = 0.05, .max_steps = 5000, .grad_tol = 1e-9,
                       .radius = 1e-3};
    expect_label(wells_grad, -1.0, 0.0, wells_minima, 2, &cfg, 1,
                 (const WrongLabel[]){{0, WRONG_INDEX},
                                      {BASIN_OTHER, NOT_RECOGNISED},
                                      {0, NULL}});
    expect_label(wells_grad, 50.0, 0.0, wells_minima, 2, &cfg,
                 BASIN_DIVERGED,
                 (const WrongLabel[]){{0, OVERFLOW},
                                      {1, OVERFLOW},
                                      {BASIN_OTHER, OVERFLOW},
                                      {BASIN_UNFINISHED, OVERFLOW},
                                      {0, NULL}});
}
END_TEST

/* A gradient that stays finite however far the point goes: a slope of
 * 1e307 everywhere, along x or along y. With lr = 1 the point falls by
 * 1e307 a step and passes the largest double (about 1.8e308) after 18
 * steps, to -inf, while the gradient is still 1e307. The contract's check
 * covers the point as well as its gradient, both coordinates. */
static void steep_slope_grad(const double theta[2], const void *ctx, double g[2])
{
    (void)theta, (void)ctx;
    g[0] = 1e307;
    g[1] = 0.0;
}

static void steep_slope_y_grad(const double theta[2], const void *ctx, double g[2])
{
    (void)theta, (void)ctx;
    g[0] = 0.0;
    g[1] = 1e307;
}

START_TEST(basin_label_point_diverges_with_finite_gradient)
{
    static const struct {
        GradFn grad;
        const char *why;
    } slopes[] = {
        {steep_slope_grad, "the point itself went to infinity (after 18 "
                           "steps) while its gradient stayed finite: check "
                           "isfinite() on the point too, not only on the "
                           "gradient"},
        {steep_slope_y_grad, "the point's y went to -infinity (after 18 "
                             "steps): check isfinite() on both coordinates "
                             "of the point, not only x"},
    };
    BasinConfig cfg = {.lr = 1.0, .max_steps = 100, .grad_tol = 1e-9,
                       .radius = 1e-3};
    for (size_t i = 0; i < sizeof slopes / sizeof *slopes; i++)
        expect_label(slopes[i].grad, 0.0, 0.0, bowl_minimum, 1, &cfg,
                     BASIN_DIVERGED,
                     (const WrongLabel[]){{BASIN_UNFINISHED, slopes[i].why},
                                          {0, NULL}});
}
END_TEST

/* A gradient whose y entry is nan at a finite point: the check covers both
 * entries of the gradient, not only x's (every run above diverges along x
 * first), and comes before the step budget. */
static void nan_in_y_grad(const double theta[2], const void *ctx, double g[2])
{
    (void)ctx;
    g[0] = theta[0];
    g[1] = NAN;
}

START_TEST(basin_label_checks_both_coordinates)
{
    BasinConfig cfg = {.lr = 1.0, .max_steps = 0, .grad_tol = 1e-9,
                       .radius = 1e-3};
    expect_label(nan_in_y_grad, 0.5, 0.0, bowl_minimum, 1, &cfg,
                 BASIN_DIVERGED,
                 (const WrongLabel[]){{BASIN_UNFINISHED,
                                       "the gradient's y entry is nan at the "
                                       "start: check isfinite() on both "
                                       "entries of the gradient, before the "
                                       "step budget"},
                                      {0, NULL}});
}
END_TEST

/* The mirror image of nan_in_y_grad: the x entry is nan, the y entry
 * finite. With steps left, a nan in x alone would be found one step later
 * anyway (the point's x becomes nan); only where the budget is spent, here
 * at the start with max_steps = 0, does a missing check on g[0] change the
 * answer. */
static void nan_in_x_grad(const double theta[2], const void *ctx, double g[2])
{
    (void)ctx;
    g[0] = NAN;
    g[1] = theta[1];
}

START_TEST(basin_label_checks_the_gradients_x_entry)
{
    /* From (0, 0.5) the gradient is (nan, 0.5): not finite, so
     * BASIN_DIVERGED before max_steps = 0 is looked at. Unchecked, its
     * norm hypot(nan, 0.5) is nan, which is not <= grad_tol, and the
     * spent budget answers BASIN_UNFINISHED. */
    BasinConfig cfg = {.lr = 1.0, .max_steps = 0, .grad_tol = 1e-9,
                       .radius = 1e-3};
    expect_label(nan_in_x_grad, 0.0, 0.5, bowl_minimum, 1, &cfg,
                 BASIN_DIVERGED,
                 (const WrongLabel[]){{BASIN_UNFINISHED,
                                       "the gradient's x entry is nan at the "
                                       "start and went unnoticed: check "
                                       "isfinite() on g[0] as well as g[1] "
                                       "(a copy-paste slip that tests g[1] "
                                       "twice?), before the step budget"},
                                      {0, NULL}});
}
END_TEST

START_TEST(basin_label_on_himmelblau)
{
    /* Four starts near Himmelblau's maximum (-0.271, -0.923), from 0.23 to
     * 1.18 away from it, each descending (η = 0.01) into a different one of
     * the four minima. The
     * labels were found with the chapter program (build/bin/06-nonconvexity
     * --start X,Y --steps 3000 at η = 0.002, 0.005 and 0.01, all agreeing)
     * and are far from any basin boundary. The gradient is this file's own;
     * it returns nan unless basin_label passes ctx through. */
    refine_minima();
    double flat[8];
    for (size_t k = 0; k < 4; k++) {
        flat[2 * k] = minima[k][0];
        flat[2 * k + 1] = minima[k][1];
    }
    BasinConfig cfg = {.lr = 0.01, .max_steps = 2000, .grad_tol = 1e-6,
                       .radius = 1e-3};
    static const double starts[4][2] = {
        {-0.27, -0.5}, {-1.0, 0.0}, {-0.5, -0.92}, {0.0, -0.92}};
    for (int k = 0; k < 4; k++) {
        double start[2] = {starts[k][0], starts[k][1]};
        const double saved[2] = {start[0], start[1]};
        int got = basin_label(ref_grad_fn, &HIMMELBLAU_CTX, start, flat, 4,
                              &cfg);
        ck_assert_msg(start[0] == saved[0] && start[1] == saved[1],
                      "basin_label changed start: copy it and move the copy");
        const char *why = "descend from the start until the gradient is "
                          "small, then find the minimum near the end point";
        if (got == BASIN_DIVERGED)
            why = "the gradient function returns nan unless it receives "
                  "the ctx pointer given to basin_label; pass ctx through";
        else if (got >= 0 && got < 4)
            why = WRONG_INDEX;
        ck_assert_msg(got == k,
                      "on Himmelblau's function from (%g, %g) with lr 0.01, "
                      "descent ends at minimum %d (%.4f, %.4f); basin_label "
                      "returned %s: %s", start[0], start[1], k, minima[k][0],
                      minima[k][1], label_name(got), why);
    }
}
END_TEST

START_TEST(basin_label_measures_euclidean_lengths)
{
    /* Convergence is |∇f| <= grad_tol with the Euclidean norm. On the bowl
     * from (1, 1) with η = 1/4 the gradient after k steps is exactly
     * 2^(1-k)·(1, 1), of length √2·2^(1-k): it reaches grad_tol = 2^-9 at
     * step 11 (k >= 10.5), while its largest component 2^(1-k) does at
     * step 10. */
    static const char NOT_EUCLID[] =
        "after 10 steps the gradient is 2^-9·(1, 1): each component is at "
        "grad_tol, but its length √2·2^-9 is not, so the run has not "
        "converged; measure |∇f| with the Euclidean norm, √(g0² + g1²)";
    BasinConfig bowl = {.lr = 0.25, .max_steps = 10, .grad_tol = 0x1p-9,
                        .radius = 1e-3};
    expect_label(bowl_grad, 1.0, 1.0, bowl_minimum, 1, &bowl,
                 BASIN_UNFINISHED,
                 (const WrongLabel[]){{0, NOT_EUCLID},
                                      {BASIN_OTHER, NOT_EUCLID},
                                      {0, NULL}});
    bowl.max_steps = 11;
    expect_label(bowl_grad, 1.0, 1.0, bowl_minimum, 1, &bowl, 0,
                 (const WrongLabel[]){
                     {BASIN_UNFINISHED,
                      "after 11 steps the gradient 2^-10·(1, 1) has length "
                      "√2·2^-10 <= 2^-9: converged"},
                     {0, NULL}});
    /* The radius is a Euclidean distance too. From (2, 0.5) descent ends
     * at the minimum (1, 0) (to about 1e-9); listed roughly, at
     * (1.6, 0.6), it is √(0.36 + 0.36) = 0.8485 away: outside a radius of
     * 0.8, inside one of 0.85. Squared (0.72), it would be inside 0.8; as
     * the largest coordinate difference (0.6) too; as their sum (1.2) it
     * would be outside 0.85. */
    static const double rough[] = {1.6, 0.6};
    BasinConfig cfg = {.lr = 0.05, .max_steps = 5000, .grad_tol = 1e-9,
                       .radius = 0.8};
    static const char EUCLID[] =
        "the end point (1, 0) is √(0.6² + 0.6²) = 0.8485 from the listed "
        "point (1.6, 0.6): measure the distance with the Euclidean norm, "
        "√(dx² + dy²), and compare it with cfg->radius (not its square)";
    expect_label(wells_grad, 2.0, 0.5, rough, 1, &cfg, BASIN_OTHER,
                 (const WrongLabel[]){{0, EUCLID}, {0, NULL}});
    cfg.radius = 0.85;
    expect_label(wells_grad, 2.0, 0.5, rough, 1, &cfg, 0,
                 (const WrongLabel[]){{BASIN_OTHER, EUCLID}, {0, NULL}});
}
END_TEST

START_TEST(basin_label_first_minimum_within_radius)
{
    /* On the bowl with η = 1/2 one step from (1, 1) lands exactly on
     * (0, 0): θ - ½·2θ = 0, where the gradient is 0. The listed point
     * (0.75, 1) is √(0.5625 + 1) = 1.25 away, exactly (every number here
     * is a short binary fraction). With radius 1.25 it is within ("within
     * this distance" includes the distance itself). With radius 2 both it
     * and (0, 0) are within, and the answer is the FIRST listed, 0, not
     * the nearest. */
    static const double one[] = {0.75, 1.0};
    static const double two[] = {0.75, 1.0, 0.0, 0.0};
    BasinConfig cfg = {.lr = 0.5, .max_steps = 5, .grad_tol = 1e-12,
                       .radius = 1.25};
    expect_label(bowl_grad, 1.0, 1.0, one, 1, &cfg, 0,
                 (const WrongLabel[]){
                     {BASIN_OTHER, "the end point (0, 0) is exactly 1.25 = "
                                   "radius from (0.75, 1): within the radius "
                                   "means distance <= cfg->radius"},
                     {0, NULL}});
    cfg.radius = 2.0;
    expect_label(bowl_grad, 1.0, 1.0, two, 2, &cfg, 0,
                 (const WrongLabel[]){
                     {1, "both listed minima are within the radius 2 of the "
                         "end point (0, 0): the answer is the first of them "
                         "in the list, 0, not the nearest or the last"},
                     {0, NULL}});
}
END_TEST

/* f(x, y) = 1e308·(1 - tanh x): a plateau whose slope
 * f'(x) = -1e308·sech²x = -1e308/cosh²x is steepest at x = 0 and vanishes
 * as x grows. At x = +inf, cosh x is inf and the slope is exactly -0. */
static void plateau_grad(const double theta[2], const void *ctx,
                         double g[2])
{
    (void)ctx;
    double c = cosh(theta[0]);
    g[0] = -1e308 / (c * c);
    g[1] = 0.0;
}

START_TEST(basin_label_checks_in_the_contracts_order)
{
    /* The contract's checks, in order: not finite, converged, out of
     * steps. On the plateau from (0, 0) with lr 2 the gradient is
     * (-1e308, 0); the step 2·1e308 = 2e308 passes the largest double
     * (1.8e308), so the point becomes (+inf, 0). There the gradient is
     * (-0, 0), of norm 0 <= grad_tol; but the point is not finite, and that
     * check comes first: BASIN_DIVERGED. */
    BasinConfig cfg = {.lr = 2.0, .max_steps = 100, .grad_tol = 1e-9,
                       .radius = 1e-3};
    static const char INF_POINT[] =
        "after one step the point is (+inf, 0), where this plateau's "
        "gradient is (-0, 0): a non-finite point is BASIN_DIVERGED even "
        "where its gradient is 0; test isfinite() on the point and the "
        "gradient before testing convergence";
    expect_label(plateau_grad, 0.0, 0.0, bowl_minimum, 1, &cfg,
                 BASIN_DIVERGED,
                 (const WrongLabel[]){{BASIN_OTHER, INF_POINT},
                                      {0, NULL}});
    /* On the steep slope with lr 1 the point after k steps is
     * (-k·1e307, 0) (to rounding): finite for k = 17 (-1.7e308), -inf for
     * k = 18 (1.8e308 is beyond DBL_MAX = 1.7977e308). With max_steps = 18
     * the check after the last step finds the point -inf: not finite comes
     * before out of steps, so BASIN_DIVERGED. With max_steps = 17 the
     * point is still finite and the gradient 1e307: BASIN_UNFINISHED. */
    cfg = (BasinConfig){.lr = 1.0, .max_steps = 18, .grad_tol = 1e-9,
                        .radius = 1e-3};
    expect_label(steep_slope_grad, 0.0, 0.0, bowl_minimum, 1, &cfg,
                 BASIN_DIVERGED,
                 (const WrongLabel[]){
                     {BASIN_UNFINISHED,
                      "after the 18th and last step the point is -inf: "
                      "the checks come in the contract's order: not finite "
                      "first (BASIN_DIVERGED), then converged, and only then "
                      "out of steps (BASIN_UNFINISHED)"},
                     {0, NULL}});
    cfg.max_steps = 17;
    expect_label(steep_slope_grad, 0.0, 0.0, bowl_minimum, 1, &cfg,
                 BASIN_UNFINISHED,
                 (const WrongLabel[]){
                     {BASIN_DIVERGED,
                      "after 17 steps the point is -1.7e308, still finite: "
                      "an 18th step was taken (or the point tested after "
                      "it), one more than max_steps = 17 allows"},
                     {0, NULL}});
}
END_TEST

START_TEST(basin_label_checks_the_start)
{
    /* "Before every step" includes the first: a start that is not finite
     * is BASIN_DIVERGED, though no step has been taken yet.
     * - On the plateau (see plateau_grad) at x = +inf, cosh x is inf and
     *   the slope -1e308/inf is -0: the gradient is (-0, 0), of norm 0.
     *   Without a check on the start, that reads as converged, and the
     *   end point (+inf, 0) is infinitely far from (0, 0): BASIN_OTHER.
     * - On the steep slope along y from (0, -inf), the gradient is
     *   (0, 1e307), finite and not small; with max_steps = 0 a missing
     *   check on the start answers BASIN_UNFINISHED.
     * A point checked only after each step (right after it moved) misses
     * both. */
    static const char START_NOT_CHECKED[] =
        "the start itself is not finite: the contract's checks come before "
        "every step, the first one too, and a non-finite point is "
        "BASIN_DIVERGED before convergence or the budget is looked at; "
        "check the point at the top of the loop, not only after moving it";
    BasinConfig cfg = {.lr = 1.0, .max_steps = 100, .grad_tol = 1e-9,
                       .radius = 1e-3};
    expect_label(plateau_grad, INFINITY, 0.0, bowl_minimum, 1, &cfg,
                 BASIN_DIVERGED,
                 (const WrongLabel[]){{BASIN_OTHER, START_NOT_CHECKED},
                                      {0, NULL}});
    cfg.max_steps = 0;
    expect_label(steep_slope_y_grad, 0.0, -INFINITY, bowl_minimum, 1, &cfg,
                 BASIN_DIVERGED,
                 (const WrongLabel[]){{BASIN_UNFINISHED, START_NOT_CHECKED},
                                      {0, NULL}});
}
END_TEST

/* f(x, y) = (x + y)²/2: a valley of minima along x + y = 0, with
 * ∇f = (x + y, x + y). */
static void valley_grad(const double theta[2], const void *ctx,
                        double g[2])
{
    (void)ctx;
    g[0] = g[1] = theta[0] + theta[1];
}

START_TEST(basin_label_steps_both_coordinates_at_once)
{
    /* From (1, 1) the gradient is (2, 2), and with lr 1/2 one step lands
     * exactly on (1, 1) - ½·(2, 2) = (0, 0), where ∇f = 0: converged at
     * the listed minimum (0, 0) after max_steps = 1. Moving x first and
     * evaluating the gradient again before moving y gives x = 0, then
     * ∇f(0, 1) = (1, 1) and y = 1/2: the point (0, 1/2), not converged. */
    static const char ONE_STEP[] =
        "one step is θ - lr·∇f(θ), with the gradient of the point before "
        "the step: from (1, 1) that is (1, 1) - ½·(2, 2) = (0, 0), the "
        "minimum. Compute both components of the gradient first, then move "
        "both coordinates (moving x, then taking the gradient again for y, "
        "stops at (0, 0.5))";
    BasinConfig cfg = {.lr = 0.5, .max_steps = 1, .grad_tol = 1e-12,
                       .radius = 1e-3};
    expect_label(valley_grad, 1.0, 1.0, bowl_minimum, 1, &cfg, 0,
                 (const WrongLabel[]){{BASIN_UNFINISHED, ONE_STEP},
                                      {BASIN_OTHER, ONE_STEP},
                                      {0, NULL}});
}
END_TEST

START_TEST(basin_label_with_no_minima_listed)
{
    /* n_minima = 0 (minima = NULL): nothing can be labelled k, but the
     * run still ends as the contract says. The three runs of the tests
     * above on the two wells: from (50, 0) it overflows (BASIN_DIVERGED);
     * from (-0.5, 0), 3 steps leave the gradient near 3.4
     * (BASIN_UNFINISHED); from (-0.5, 1) it converges to (-3, 0), which is
     * not listed (BASIN_OTHER). */
    static const char NO_MINIMA[] =
        "with no minima listed the run still ends as DIVERGED, UNFINISHED "
        "or OTHER: descend first and check as the contract says; an empty "
        "list only means the end point matches no minimum k";
    const WrongLabel wrong[] = {{BASIN_OTHER, NO_MINIMA},
                                {BASIN_UNFINISHED, NO_MINIMA},
                                {0, NULL}};
    BasinConfig cfg = {.lr = 0.05, .max_steps = 5000, .grad_tol = 1e-9,
                       .radius = 1e-3};
    expect_label(wells_grad, 50.0, 0.0, NULL, 0, &cfg, BASIN_DIVERGED,
                 wrong);
    cfg.max_steps = 3;
    expect_label(wells_grad, -0.5, 0.0, NULL, 0, &cfg, BASIN_UNFINISHED,
                 wrong);
    cfg.max_steps = 5000;
    expect_label(wells_grad, -0.5, 1.0, NULL, 0, &cfg, BASIN_OTHER, wrong);
}
END_TEST

static void add_basin_tests(TCase *tc)
{
    tcase_add_test(tc, basin_label_is_where_descent_ends);
    tcase_add_test(tc, basin_label_saddle_is_other);
    tcase_add_test(tc, basin_label_unfinished_run);
    tcase_add_test(tc, basin_label_diverged_run);
    tcase_add_test(tc, basin_label_point_diverges_with_finite_gradient);
    tcase_add_test(tc, basin_label_checks_both_coordinates);
    tcase_add_test(tc, basin_label_on_himmelblau);
    tcase_add_test(tc, basin_label_measures_euclidean_lengths);
    tcase_add_test(tc, basin_label_first_minimum_within_radius);
    tcase_add_test(tc, basin_label_checks_in_the_contracts_order);
    tcase_add_test(tc, basin_label_steps_both_coordinates_at_once);
    tcase_add_test(tc, basin_label_with_no_minima_listed);
    tcase_add_test(tc, basin_label_checks_the_gradients_x_entry);
    tcase_add_test(tc, basin_label_checks_the_start);
}

/* ============================================= hidden_units_identical() */

/* Three hidden units with two inputs each, all copies of one unit:
 * incoming weights (0.3, -0.7), bias 0.1, outgoing weight 0.5. Tests copy
 * these and change one number. */
typedef struct {
    double w_in[6], b_in[3], w_out[3];
} Units;

static const Units COPIES = {{0.3, -0.7, 0.3, -0.7, 0.3, -0.7},
                             {0.1, 0.1, 0.1},
                             {0.5, 0.5, 0.5}};

static bool identical(const Units *u, size_t hidden, double tol)
{
    return hidden_units_identical(u->w_in, u->b_in, u->w_out, hidden, 2, tol);
}

/* Whether COPIES with one number of unit 2 set to v (its incoming weight
 * i for i < 2, its bias for i = 2, its outgoing weight for i = 3) is still
 * called identical with tol = 1e-9: which differences go unseen tells the
 * diagnostics which part of the comparison is missing. */
static bool missed(size_t i, double v)
{
    Units u = COPIES;
    if (i < 2)
        u.w_in[2 + i] = v;
    else if (i == 2)
        u.b_in[1] = v;
    else
        u.w_out[1] = v;
    return identical(&u, 3, 1e-9);
}

static const char *why_last_unit_missed(void)
{
    /* Unit 2's second weight -0.7 moved by 0.5 (to -0.2) and by 2 (to
     * 1.3); its first weight 0.3 moved by 0.5 (to 0.8). */
    if (missed(1, -0.2) && !missed(1, 1.3))
        return "a difference of 0.5 between units 1 and 2 is missed too, "
               "one of 2 is not: differences smaller than 1 count as 0, "
               "which is what abs() does to a double in C (it takes an "
               "int); use fabs()";
    if (missed(0, 0.8) && !missed(1, -0.2))
        return "a difference in the first incoming weight of unit 2 is "
               "missed too, one in its second is not: position 0 is never "
               "compared; positions run i = 0 to inputs + 1";
    return "compare every unit, not only the first two";
}

START_TEST(identical_copies_and_a_different_last_unit)
{
    /* With tol = 1e-9 accepted but tol = 0 refused, only the boundary
     * spread = tol = 0 can be at fault. */
    ck_assert_msg(identical(&COPIES, 3, 0.0),
                  "three exact copies of one unit (weights 0.3, -0.7, bias "
                  "0.1, outgoing 0.5) are identical, even with tol = 0; "
                  "hidden_units_identical returned false %s",
                  identical(&COPIES, 3, 1e-9)
                      ? "(with tol = 1e-9 it returned true): the spread, "
                        "largest minus smallest, is 0 here, and units are "
                        "identical when the spread is AT MOST tol; they "
                        "differ when spread > tol, not >= tol"
                  /* Measured from 0, the spreads are the values' own sizes,
                   * 0.3, 0.7, 0.1 and 0.5: within 0.8, not within 0.6. */
                  : identical(&COPIES, 3, 0.8) && !identical(&COPIES, 3, 0.6)
                      ? "(with tol = 0.8 it returned true, with 0.6 false: "
                        "the spread was measured from 0, the size of the "
                        "largest weight, 0.7): start the smallest and "
                        "largest at the first unit's value, or at +inf and "
                        "-inf, never at 0"
                      : "(unit j's weights are w_in[j*inputs + i]: row j "
                        "starts at j*inputs)");
    ck_assert_msg(identical(&COPIES, 1, 0.0),
                  "a single hidden unit is always identical to itself");
    Units u = COPIES;
    u.w_in[4] = 0.8; /* unit 3's first incoming weight */
    ck_assert_msg(!identical(&u, 3, 1e-9),
                  "unit 3's first incoming weight is 0.8, units 1 and 2 "
                  "have 0.3, but hidden_units_identical said the units are "
                  "identical: %s", why_last_unit_missed());
}
END_TEST

START_TEST(identical_every_parameter_counts)
{
    ck_assert_msg(identical(&COPIES, 3, 1e-9),
                  "three exact copies of one unit are identical; "
                  "hidden_units_identical returned false");
    Units u = COPIES;
    u.w_in[0] = 0.9; /* unit 1 larger than the others */
    ck_assert_msg(!identical(&u, 3, 1e-9),
                  "unit 1's first weight is 0.9, the others' 0.3: the "
                  "difference is negative one way round; compare the "
                  "absolute difference (or largest minus smallest)");
    u = COPIES;
    u.w_out[1] = 0.9;
    ck_assert_msg(!identical(&u, 3, 1e-9),
                  "the units differ only in their outgoing weights (0.5, "
                  "0.9, 0.5), yet were called identical: %s",
                  missed(2, -0.4) && missed(1, -0.2)
                      ? "differences in the bias or the second incoming "
                        "weight alone are missed too, so only the first "
                        "position decided; a return inside the loop over "
                        "positions ends it there: return true only after "
                        "all inputs + 2 positions are within tol"
                      : "a unit is its incoming weights, its bias AND its "
                        "outgoing weight; units with different outgoing "
                        "weights get different gradients");
    u = COPIES;
    u.b_in[2] = -0.4;
    ck_assert_msg(!identical(&u, 3, 1e-9),
                  "the units differ only in their bias (0.1, 0.1, -0.4), "
                  "yet were called identical: compare the biases too");
    u = COPIES;
    u.w_in[3] = -0.1; /* unit 2's second weight */
    ck_assert_msg(!identical(&u, 3, 1e-9),
                  "unit 2's second incoming weight is -0.1, the others' "
                  "-0.7, yet the units were called identical: compare every "
                  "incoming weight, not only the first");
}
END_TEST

START_TEST(identical_needs_a_tolerance)
{
    /* 0.1 + 0.2 is 0.30000000000000004 in double precision, not 0.3: the
     * same number reached by two routes. */
    Units u = COPIES;
    u.w_in[2] = 0.1 + 0.2;
    u.b_in[1] = 0.3 - 0.2;
    ck_assert_msg(identical(&u, 3, 1e-9),
                  "the units differ by one rounding error (0.1 + 0.2 versus "
                  "0.3, about 5.6e-17) and tol = 1e-9: they are identical. "
                  "Exact equality (==) is the wrong test for computed "
                  "numbers; allow differences up to tol");
    /* Single precision keeps about 7 significant digits: 0.5 + 2e-9
     * rounds to 0.5 in float, while biases (0, 0, 2e-9) keep their spread
     * of 2e-9. Seen there but missed on 0.5, the difference was lost to
     * float. */
    Units z = COPIES;
    z.b_in[0] = z.b_in[1] = 0.0;
    z.b_in[2] = 2e-9;
    u.w_out[2] = 0.5 + 2e-9;
    ck_assert_msg(!identical(&u, 3, 1e-9),
                  "one outgoing weight differs by 2e-9, more than tol = "
                  "1e-9: not identical; %s",
                  !identical(&z, 3, 1e-9)
                      ? "the same 2e-9 between biases 0 and 2e-9 was seen: "
                        "in float (single precision) 0.5 + 2e-9 is 0.5, "
                        "the difference rounded away; compute in double"
                      : "compare the largest minus the smallest with the "
                        "tol argument");
}
END_TEST

START_TEST(identical_with_other_shapes)
{
    /* Two units with three inputs: row j of w_in starts at j·inputs. Unit
     * 2 is unit 1 plus 0.25 on its third weight. Reading row j at j·hidden
     * (the wrong stride) compares other numbers. */
    const double w_in[6] = {1.0, 2.0, 3.0, 1.0, 2.0, 3.0};
    const double w_in_diff[6] = {1.0, 2.0, 3.0, 1.0, 2.0, 3.25};
    const double b_in[2] = {0.0, 0.0}, w_out[2] = {-1.5, -1.5};
    ck_assert_msg(hidden_units_identical(w_in, b_in, w_out, 2, 3, 1e-12),
                  "two units with incoming weights (1, 2, 3) each, stored "
                  "row after row, are identical: unit j's weights are "
                  "w_in[j*inputs + i]");
    ck_assert_msg(!hidden_units_identical(w_in_diff, b_in, w_out, 2, 3, 1e-12),
                  "unit 2's third incoming weight is 3.25, unit 1's 3: not "
                  "identical (unit j's weights are w_in[j*inputs + i], "
                  "i < inputs)");
    /* Four units with one input, whose outgoing weights are 0.5 plus
     * (0, 6, 1, -5)·1e-10: each is within tol = 1e-9 of the first unit's
     * and of its neighbour's, but the largest minus the smallest is
     * 1.1e-9 > tol: not identical. */
    const double w1[4] = {1, 1, 1, 1}, b1[4] = {0, 0, 0, 0};
    const double o1[4] = {0.5, 0.5 + 6e-10, 0.5 + 1e-10, 0.5 - 5e-10};
    ck_assert_msg(!hidden_units_identical(w1, b1, o1, 4, 1, 1e-9),
                  "four units whose outgoing weights are 0.5 + (0, 6, 1, "
                  "-5)·1e-10 were called identical with tol = 1e-9, but the "
                  "largest minus the smallest is 1.1e-9: comparing each unit "
                  "with the first (or with its neighbour) is not enough; take "
                  "the largest minus the smallest across all units");
    /* Four units, the fourth different only in its bias. */
    const double w4[8] = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
    const double b4[4] = {0.0, 0.0, 0.0, 0.125}, o4[4] = {1, 1, 1, 1};
    ck_assert_msg(!hidden_units_identical(w4, b4, o4, 4, 2, 1e-9),
                  "of four units the fourth has bias 0.125, the others 0: "
                  "not identical");
}
END_TEST

START_TEST(identical_tolerance_is_absolute)
{
    /* Two units with one input, bias 0 and outgoing weight 1, tol = 1e-9.
     * Near 1000 a double is spaced about 1.1e-13 apart, so 1000 + 5e-10
     * and 1000.0000001 are stored to within that: spreads of 5e-10 (at
     * most tol: identical) and 1e-7 (a hundred times tol: not). A tol
     * scaled by the weights' size, 1e-9·1000 = 1e-6, would call both
     * identical. */
    const double b_in[2] = {0.0, 0.0}, w_out[2] = {1.0, 1.0};
    const double close[2] = {1000.0, 1000.0 + 5e-10};
    ck_assert_msg(hidden_units_identical(close, b_in, w_out, 2, 1, 1e-9),
                  "two units whose incoming weights are 1000 and "
                  "1000 + 5e-10 differ by 5e-10, at most tol = 1e-9: they "
                  "are identical");
    const double apart[2] = {1000.0, 1000.0000001};
    ck_assert_msg(!hidden_units_identical(apart, b_in, w_out, 2, 1, 1e-9),
                  "two units whose incoming weights are 1000 and "
                  "1000.0000001 differ by 1e-7, a hundred times tol = 1e-9, "
                  "yet were called identical: tol is an absolute bound on "
                  "largest minus smallest, not scaled by the size of the "
                  "weights");
}
END_TEST

static void add_identical_tests(TCase *tc)
{
    tcase_add_test(tc, identical_copies_and_a_different_last_unit);
    tcase_add_test(tc, identical_every_parameter_counts);
    tcase_add_test(tc, identical_needs_a_tolerance);
    tcase_add_test(tc, identical_with_other_shapes);
    tcase_add_test(tc, identical_tolerance_is_absolute);
}

/* ============================================================ chapter */

static const Exercise exercises[] = {
    {"himmelblau-grad", "himmelblau_grad()", 3, "Himmelblau's function",
     "Name the brackets p = x*x + y - 11 and q = x + y*y - 7, then apply "
     "the chain rule to p*p + q*q: both squares contribute to each partial.",
     add_grad_tests},
    {"himmelblau-hessian", "himmelblau_hessian()", 2,
     "Himmelblau's function",
     "Differentiate your two partial derivatives once more, with the "
     "product rule on the terms 4x*p and 4y*q; the mixed derivative comes "
     "out the same from either partial.",
     add_hessian_tests},
    {"hessian-eigenvalues", "hessian_eigenvalues()", 3,
     "Critical points and the Hessian",
     "The two roots of λ² - (a + c)λ + (ac - b²) = 0, written around "
     "their mean (a + c)/2: the lesson's closed form.",
     add_eigenvalue_tests},
    {"hessian-classify", "hessian_classify()", 3,
     "Critical points and the Hessian",
     "The signs of the two eigenvalues decide; an eigenvalue no larger "
     "than tol in size counts as zero, and then the point is degenerate "
     "whatever the other one says.",
     add_classify_tests},
    {"basin-label", "basin_label()", 4, "Basins of attraction",
     "Descend until the gradient is small; the header lists, in order, "
     "the ways a run can end. Then name the minimum near where the run "
     "ended, not where it started.",
     add_basin_tests},
    {"units-identical", "hidden_units_identical()", 3,
     "Symmetric initialisation",
     "For each position (every incoming weight, the bias, the outgoing "
     "weight) take the largest minus the smallest value over ALL units; "
     "identical when each is <= tol.",
     add_identical_tests},
};

int main(int argc, char **argv)
{
    Chapter chapter = {"06-nonconvexity", "Nonconvex landscapes", exercises,
                       sizeof exercises / sizeof *exercises};
    return grading_main(&chapter, argc, argv);
}
