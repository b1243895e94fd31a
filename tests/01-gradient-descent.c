/*
 * tests/01-gradient-descent.c: the graded tests of chapter 1.
 *
 * Expected values are worked by hand below (the working is in the comments)
 * or come from closed forms; none is computed by the reference solution.
 * Where a classic mistake gives a recognisable wrong number, the test names
 * the mistake.
 */
#include "grading.h"

#include <math.h>
#include <stdio.h>

#include "01-gradient-descent.h"

/* Hand-worked data for most tests. The fourth point is a trap: functions are
 * always called with n = 3, so reading x[3] changes every answer.
 *
 * At w = 0.5, b = 0 the predictions are 0.5, 1, 1.5 and the residuals
 * r = prediction - target are -1.5, -2, -3.5, so
 *   Σ r² = 2.25 + 4 + 12.25 = 18.5      MSE = 18.5/3 = 37/6
 *   Σ r·x = -1.5 - 4 - 10.5 = -16       ∂L/∂w = (2/3)(-16) = -32/3
 *   Σ r = -7                            ∂L/∂b = (2/3)(-7) = -14/3       */
static const double X[] = {1.0, 2.0, 3.0, 100.0};
static const double Y[] = {2.0, 3.0, 5.0, -100.0};
enum { N = 3 };
#define W0 0.5
#define B0 0.0
#define LOSS0 (37.0 / 6.0)
#define GRAD_W0 (-32.0 / 3.0)
#define GRAD_B0 (-14.0 / 3.0)

/* Hand-computed numbers involve a few roundings at most. */
#define TIGHT 1e-12

/* ================================================== parabola_descend() */

/* Closed form of the lesson: on f(w) = (w - 3)², one step maps the distance
 * to the minimum, w - 3, to (1 - 2η)(w - 3); so w_k = 3 + (1 - 2η)^k (w_0 - 3). */
static double parabola_closed_form(double start, double lr, double k)
{
    return 3.0 + pow(1.0 - 2.0 * lr, k) * (start - 3.0);
}

static const struct {
    double start, lr;
    size_t steps;
} parabola_cases[] = {
    {0.0, 0.1, 20},  /* the lesson's warm-up */
    {10.0, 0.3, 7},  /* from the other side of the minimum */
    {-1.0, 0.9, 5},  /* overshoots: the distance flips sign each step */
    {1.0, 1.1, 10},  /* diverges: |1 - 2η| = 1.2 > 1; still exact */
};

START_TEST(parabola_matches_closed_form)
{
    double start = parabola_cases[_i].start, lr = parabola_cases[_i].lr;
    size_t k = parabola_cases[_i].steps;
    double got = parabola_descend(start, lr, k);
    double want = parabola_closed_form(start, lr, (double)k);
    require_finite(got, "parabola_descend()");
    if (grading_near(got, want, TIGHT))
        return;
    const char *why = "";
    if (grading_near(got, start, TIGHT))
        why = (k % 2 == 0)
                  ? ": w ended where it started: either no step was taken, or "
                    "the learning rate was ignored (then w jumps to the mirror "
                    "image of the start and back, and is home after an even "
                    "number of steps)"
                  : ": w never moved from the start";
    else if (grading_near(got, parabola_closed_form(start, lr, (double)k - 1), TIGHT) ||
             grading_near(got, parabola_closed_form(start, lr, (double)k + 1), TIGHT))
        why = ": that is one step too few or too many; take exactly `steps` steps";
    else if (grading_near(got, 3.0 + pow(1.0 + 2.0 * lr, (double)k) * (start - 3.0), TIGHT))
        why = ": w climbed the parabola; gradient descent subtracts, w ← w - η·f'(w)";
    else if (grading_near(got, 3.0 + pow(1.0 - lr, (double)k) * (start - 3.0), TIGHT))
        why = ": the derivative of (w - 3)² is 2(w - 3), the factor 2 is missing";
    else if (grading_near(got, 3.0 + pow(-1.0, (double)k) * (start - 3.0), TIGHT))
        why = ": the learning rate is ignored; the step is η·f'(w), not f'(w)";
    /* Slope taken once, at the start: every step is the same, so
     * w_k = w0 - k·η·2(w0 - 3). */
    else if (grading_near(got, start - (double)k * lr * 2.0 * (start - 3.0), TIGHT))
        why = ": every step was the same size: the slope was taken once, at "
              "the start; compute f'(w) = 2(w - 3) again at the current w "
              "on every step";
    /* lr * 2.0 * w - 3.0 without the parentheses: w ← (1 - 2η)·w + 3,
     * whose fixed point is c = 3/(2η), so w_k = c + (1 - 2η)^k (w0 - c). */
    else if (grading_near(got, 3.0 / (2.0 * lr) + pow(1.0 - 2.0 * lr, (double)k) *
                                                      (start - 3.0 / (2.0 * lr)),
                          TIGHT))
        why = ": the parentheses around w - 3 are missing: lr * 2.0 * w - 3.0 "
              "is (lr·2·w) - 3; the slope is 2(w - 3), so write "
              "lr * 2.0 * (w - 3.0)";
    else if (grading_near(got, want, GRADING_FLOAT_TOL))
        why = ": right to about 7 digits only, so w (or another number) was "
              "kept in a float (single precision); use double throughout";
    ck_abort_msg("parabola_descend(%g, %g, %zu) = %.10g, expected %.10g (the "
                 "closed form 3 + (1 - 2η)^k (w0 - 3))%s",
                 start, lr, k, got, want, why);
}
END_TEST

START_TEST(parabola_zero_steps)
{
    double got = parabola_descend(5.0, 0.1, 0);
    ck_assert_msg(got == 5.0,
                  "parabola_descend(5, 0.1, 0) = %.10g: with steps = 0 no step "
                  "is taken and the start, 5, comes back (a do-while loop "
                  "always runs once)", got);
}
END_TEST

static void add_parabola_tests(TCase *tc)
{
    tcase_add_loop_test(tc, parabola_matches_closed_form, 0,
                        sizeof parabola_cases / sizeof *parabola_cases);
    tcase_add_test(tc, parabola_zero_steps);
}

/* ========================================================== mse_loss() */

START_TEST(mse_loss_hand_worked)
{
    double got = mse_loss(X, Y, N, W0, B0);
    require_finite(got, "mse_loss()");
    if (grading_near(got, LOSS0, TIGHT))
        return;
    const char *why = "";
    if (got == 0.0)
        why = ": 0 means nothing was added up, or an integer division "
              "such as 1/n (which is 0 in C when both are integers; write "
              "1.0 / n or divide a double by n)";
    else if (grading_near(got, 18.5, TIGHT))
        why = ": that is the sum of squared residuals (MSELoss with "
              "reduction='sum', not the default 'mean'); the mean divides "
              "by n";
    else if (grading_near(got, LOSS0 / 2.0, TIGHT))
        why = ": that is half the MSE, the 1/(2n) of Andrew Ng's course; "
              "the lesson's loss is PyTorch's MSELoss, the plain mean, with "
              "no factor 1/2";
    else if (grading_near(got, -7.0 / 3.0, TIGHT) || grading_near(got, 7.0 / 3.0, TIGHT))
        why = ": the residuals were averaged without squaring them";
    else if (grading_near(got, 49.0 / 3.0, TIGHT))
        why = ": the residuals were summed before squaring; square each one, then sum";
    else if (grading_near(got, sqrt(LOSS0), TIGHT))
        why = ": that is the root of the mean squared error (RMSE); drop the square root";
    else if (grading_near(got, 2.25, TIGHT))
        why = ": that is (-1.5)², the first example alone, as if n were 1; use "
              "the n you are given (sizeof x / sizeof x[0] on a pointer "
              "parameter is 1, not the array's length)";
    else if (grading_near(got, (18.5 + 150.0 * 150.0) / 4.0, TIGHT) ||
             grading_near(got, (18.5 + 150.0 * 150.0) / 3.0, TIGHT))
        why = ": a fourth example was read (its residual is 150); the loop "
              "must stop before n (i < n, not i <= n)";
    ck_abort_msg("mse_loss(x = {1, 2, 3}, y = {2, 3, 5}, w = 0.5, b = 0) = "
                 "%.10g, expected 37/6 = %.10g (residuals -1.5, -2, -3.5)%s",
                 got, LOSS0, why);
}
END_TEST

/* Numbers a float cannot hold exactly: the loss must be computed in double.
 * The expected value is the test's own loop (test_mse, below); a float
 * intermediate leaves only about 7 digits right. */
static double test_mse(const double *x, const double *y, size_t n, double w,
                       double b);

START_TEST(mse_loss_in_double)
{
    const double x[] = {0.1, 0.2, 0.3, 0.7}, y[] = {0.7, 0.11, 1.3, -0.4};
    double want = test_mse(x, y, 4, 1.0 / 3.0, 0.1);
    double got = mse_loss(x, y, 4, 1.0 / 3.0, 0.1);
    require_finite(got, "mse_loss()");
    ck_assert_msg(grading_near(got, want, TIGHT),
                  "mse_loss(x = {0.1, 0.2, 0.3, 0.7}, y = {0.7, 0.11, 1.3, "
                  "-0.4}, w = 1/3, b = 0.1) = %.17g, expected %.17g%s", got,
                  want, grading_near(got, want, GRADING_FLOAT_TOL)
                            ? ": right to about 7 digits only, so something "
                              "was computed in float (single precision); use "
                              "double throughout"
                            : "");
}
END_TEST

START_TEST(mse_loss_zero_on_a_perfect_fit)
{
    /* y = 2x - 1 exactly: every residual is 0 at w = 2, b = -1, and 1 at
     * w = 2, b = 0, so the losses are exactly 0 and 1. */
    const double x[] = {-1.0, 0.5, 4.0}, y[] = {-3.0, 0.0, 7.0};
    double at_fit = mse_loss(x, y, 3, 2.0, -1.0);
    double shifted = mse_loss(x, y, 3, 2.0, 0.0);
    require_finite(at_fit, "mse_loss()");
    ck_assert_msg(at_fit == 0.0 && shifted == 1.0,
                  "for points exactly on y = 2x - 1, mse_loss should be 0 at "
                  "w = 2, b = -1 and 1 at w = 2, b = 0 (every residual is 1); "
                  "got %g and %g", at_fit, shifted);
}
END_TEST

START_TEST(mse_loss_any_n_and_no_memory)
{
    /* Five points on y = 0 with the line x + 1: residuals -1, 0, 1, 2, 3,
     * Σ r² = 15, MSE = 15/5 = 3. One point (2, 1) with the line x: r = 1,
     * MSE = 1. The first is asked twice: a loss must not remember earlier
     * calls. */
    const double x5[] = {-2, -1, 0, 1, 2}, y5[] = {0, 0, 0, 0, 0};
    const double x1[] = {2}, y1[] = {1};
    double five = mse_loss(x5, y5, 5, 1.0, 1.0);
    double five_again = mse_loss(x5, y5, 5, 1.0, 1.0);
    /* Other data at the same w = 1, b = 1: x = 2, y = 1, residual
     * 2 + 1 - 1 = 2, MSE = 4. */
    double other_data = mse_loss(x1, y1, 1, 1.0, 1.0);
    double one = mse_loss(x1, y1, 1, 1.0, 0.0);
    require_finite(five, "mse_loss() on 5 points");
    require_finite(one, "mse_loss() on 1 point");
    ck_assert_msg(five_again == five,
                  "the same call gave %.10g, then %.10g: mse_loss remembers "
                  "something between calls (a static accumulator?); start "
                  "the sum at 0 on every call", five, five_again);
    ck_assert_msg(!grading_near(five, 5.0, TIGHT),
                  "on 5 points the loss is 15/5 = 3, but mse_loss gave 15/3 = "
                  "5: it divides by 3 instead of n");
    ck_assert_msg(!(other_data == five && grading_near(five, 3.0, TIGHT)),
                  "mse_loss(x = {2}, y = {1}, w = 1, b = 1) gave %.10g, the "
                  "answer of the call before it, on other data at the same "
                  "w and b; expected 4 (residual 2): the loss was remembered "
                  "by w and b, but it depends on x, y and n too; compute it "
                  "on every call", other_data);
    ck_assert_msg(grading_near(five, 3.0, TIGHT) && grading_near(one, 1.0, TIGHT) &&
                      grading_near(other_data, 4.0, TIGHT),
                  "mse_loss on 5 points (residuals -1, 0, 1, 2, 3) should be 3 "
                  "and on the single point x = 2, y = 1 it should be 1 with "
                  "w = 1, b = 0 and 4 with w = 1, b = 1; got %.10g, %.10g and "
                  "%.10g", five, one, other_data);
}
END_TEST

static void add_mse_loss_tests(TCase *tc)
{
    tcase_add_test(tc, mse_loss_hand_worked);
    tcase_add_test(tc, mse_loss_any_n_and_no_memory);
    tcase_add_test(tc, mse_loss_zero_on_a_perfect_fit);
    tcase_add_test(tc, mse_loss_in_double);
}

/* ========================================================== mse_grad() */

static const char *diagnose_grad(double gw, double gb)
{
    if (gw == 0.0 && gb == 0.0)
        return "both are 0: nothing was computed, or 2/n was computed in "
               "integers (2/3 is 0 in C; write 2.0 / n)";
    if (grading_near(gw, -GRAD_W0, TIGHT) && grading_near(gb, -GRAD_B0, TIGHT))
        return "both have the wrong sign: check the sign of the residual, "
               "r = prediction - target = w·x + b - y";
    if (grading_near(gw, GRAD_W0 / 2.0, TIGHT) && grading_near(gb, GRAD_B0 / 2.0, TIGHT))
        return "both are half the right size: the factor 2 from d(r²)/dr = 2r "
               "is missing (that is the gradient of the halved loss of "
               "Andrew Ng's course, (1/n)·Σ r·x; the lesson's loss, "
               "PyTorch's MSELoss, has no 1/2 to cancel the 2)";
    if (grading_near(gw, GRAD_W0 * N, TIGHT) && grading_near(gb, GRAD_B0 * N, TIGHT))
        return "both are n times too large (the gradient of "
               "reduction='sum'): the mean's 1/n is missing "
               "(divide the sums by n)";
    if (grading_near(gw, GRAD_W0 * N / 2.0, TIGHT) && grading_near(gb, GRAD_B0 * N / 2.0, TIGHT))
        return "both the factor 2 and the 1/n are missing (or the sums were "
               "divided by n - 1, which is 2 here: the mean divides by n)";
    if (grading_near(gw, GRAD_W0, TIGHT) && grading_near(gb, GRAD_W0, TIGHT))
        return "grad_w is right but grad_b equals it: the bias gradient uses "
               "x; since ∂r/∂b = 1, it is (2/n) Σ r, without x";
    if (grading_near(gw, GRAD_B0, TIGHT) && grading_near(gb, GRAD_W0, TIGHT))
        return "grad_w and grad_b are swapped";
    /* The trap fourth point (x = 100, residual 150) adds 15000 to Σ r·x and
     * 150 to Σ r. */
    if (grading_near(gw, 2.0 * (-16.0 + 15000.0) / N, TIGHT) ||
        grading_near(gb, 2.0 * (-7.0 + 150.0) / N, TIGHT))
        return "a fourth example was read: the loop must stop before n "
               "(i < n, not i <= n)";
    if (gw == 0.0 && grading_near(gb, GRAD_B0, TIGHT))
        return "grad_w is 0 while grad_b is right: nothing was added to "
               "Σ r·x, or w's line divides in integers (2 / n is 0 in C "
               "when n > 2; write 2.0 / n)";
    if (grading_near(gw, -GRAD_W0, TIGHT) && grading_near(gb, GRAD_B0, TIGHT))
        return "grad_w has the wrong sign while grad_b is right: add r·x to "
               "w's sum with the same residual r = w·x + b - y as b's sum";
    if (grading_near(gw, GRAD_B0, TIGHT) && grading_near(gb, GRAD_B0, TIGHT))
        return "grad_w equals grad_b: w's sum is missing the x (by the chain "
               "rule ∂r/∂w = x, so add r·x, not r)";
    if (grading_near(gw, GRAD_W0, TIGHT))
        return "grad_w is right, grad_b is not: ∂L/∂b = (2/n) Σ r";
    if (grading_near(gb, GRAD_B0, TIGHT))
        return "grad_b is right, grad_w is not: ∂L/∂w = (2/n) Σ r·x";
    return "compare each line with the derivation in the lesson";
}

START_TEST(mse_grad_hand_worked)
{
    /* The outputs hold anything on entry, here 100: a gradient added to
     * them (+=, as chapter 2 accumulates into a zeroed buffer) comes out
     * 100 too large. */
    double gw = 100.0, gb = 100.0;
    mse_grad(X, Y, N, W0, B0, &gw, &gb);
    double first_gw = gw, first_gb = gb;
    ck_assert_msg(!grading_near(gw, 100.0 + GRAD_W0, TIGHT) &&
                      !grading_near(gb, 100.0 + GRAD_B0, TIGHT),
                  "mse_grad() gave grad_w = %.10g, grad_b = %.10g when both "
                  "held 100 on entry; expected -32/3 and -14/3: the gradient "
                  "was added to what *grad_w and *grad_b held; write it with "
                  "=, not +=", gw, gb);
    gw = NAN, gb = NAN;
    mse_grad(X, Y, N, W0, B0, &gw, &gb);
    require_finite(gw, "grad_w from mse_grad()");
    require_finite(gb, "grad_b from mse_grad()");
    /* The same call twice must give the same answer. */
    ck_assert_msg(!grading_near(first_gw, GRAD_W0, TIGHT) ||
                      !grading_near(first_gb, GRAD_B0, TIGHT) ||
                      (gw == first_gw && gb == first_gb),
                  "the same call to mse_grad gave the right (-32/3, -14/3) "
                  "the first time, then (%.10g, %.10g): it remembers "
                  "something between calls (static sums?); start both sums "
                  "at 0 on every call", gw, gb);
    ck_assert_msg(grading_near(gw, GRAD_W0, TIGHT) && grading_near(gb, GRAD_B0, TIGHT),
                  "mse_grad(x = {1, 2, 3}, y = {2, 3, 5}, w = 0.5, b = 0) gave "
                  "grad_w = %.10g, grad_b = %.10g; expected -32/3 = %.10g and "
                  "-14/3 = %.10g: %s",
                  gw, gb, GRAD_W0, GRAD_B0, diagnose_grad(gw, gb));
}
END_TEST

/* A loss written in the test (not the solution's) for finite differences. */
static double test_mse(const double *x, const double *y, size_t n, double w,
                       double b)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (w * x[i] + b - y[i]) * (w * x[i] + b - y[i]);
    return s / (double)n;
}

START_TEST(mse_grad_matches_finite_differences)
{
    /* MSE is quadratic in (w, b), so the central difference has no
     * truncation error: only rounding, about 1e-16 · L / h. */
    const double x[] = {-2.0, -0.5, 0.25, 1.0, 3.0};
    const double y[] = {-3.1, 0.2, 1.4, 2.9, 7.3};
    const double points[][2] = {{0.0, 0.0}, {1.7, -0.4}, {-3.0, 2.5}};
    const double h = 1e-4;
    for (size_t p = 0; p < 3; p++) {
        double w = points[p][0], b = points[p][1], gw = NAN, gb = NAN;
        mse_grad(x, y, 5, w, b, &gw, &gb);
        double nw = (test_mse(x, y, 5, w + h, b) - test_mse(x, y, 5, w - h, b)) / (2 * h);
        double nb = (test_mse(x, y, 5, w, b + h) - test_mse(x, y, 5, w, b - h)) / (2 * h);
        require_finite(gw, "grad_w from mse_grad()");
        require_finite(gb, "grad_b from mse_grad()");
        ck_assert_msg(grading_near(gw, nw, 1e-8) && grading_near(gb, nb, 1e-8),
                      "on 5 points at w = %g, b = %g, mse_grad gave (%.12g, "
                      "%.10g) but central differences of the loss give "
                      "(%.10g, %.10g)%s", w, b, gw, gb, nw, nb,
                      grading_near(gw, nw, GRADING_FLOAT_TOL) &&
                              grading_near(gb, nb, GRADING_FLOAT_TOL)
                          ? ": right to about 7 digits only, so the sums were "
                            "kept in float (single precision); use double"
                          : "");
    }
}
END_TEST

/* An example at x = 0 adds nothing to Σ r·x but its whole residual to
 * Σ r. x = (0, 1, 2), y = (1, 1, 1), w = b = 0: every residual is -1, so
 *   ∂L/∂w = (2/3)(0 - 1 - 2) = -2,  ∂L/∂b = (2/3)(-3) = -2.
 * Skipping the example at x = 0 ("it contributes nothing") gives
 * ∂L/∂b = (2/3)(-2) = -4/3. */
START_TEST(mse_grad_example_at_zero)
{
    const double x[] = {0.0, 1.0, 2.0}, y[] = {1.0, 1.0, 1.0};
    double gw = NAN, gb = NAN;
    mse_grad(x, y, 3, 0.0, 0.0, &gw, &gb);
    require_finite(gw, "grad_w from mse_grad()");
    require_finite(gb, "grad_b from mse_grad()");
    ck_assert_msg(grading_near(gw, -2.0, TIGHT) && grading_near(gb, -2.0, TIGHT),
                  "mse_grad(x = {0, 1, 2}, y = {1, 1, 1}, w = 0, b = 0) gave "
                  "grad_w = %.10g, grad_b = %.10g; expected -2 and -2%s", gw,
                  gb,
                  grading_near(gb, -4.0 / 3.0, TIGHT)
                      ? ": the example at x = 0 was skipped; its term of "
                        "Σ r·x is 0, but its residual still counts in "
                        "∂L/∂b = (2/n) Σ r"
                      : "");
}
END_TEST

static void add_mse_grad_tests(TCase *tc)
{
    tcase_add_test(tc, mse_grad_hand_worked);
    tcase_add_test(tc, mse_grad_matches_finite_differences);
    tcase_add_test(tc, mse_grad_example_at_zero);
}

/* ======================================================= linreg_step() */

START_TEST(linreg_step_hand_worked)
{
    /* From (0.5, 0) with η = 0.1:
     *   w1 = 0.5 - 0.1·(-32/3) = 0.5 + 16/15 = 47/30
     *   b1 = 0   - 0.1·(-14/3) = 7/15
     * If w moves first and b's gradient is then taken at w1 = 47/30, the
     * residuals become -13/30, 4/30, -9/30, Σ r = -0.6, ∂L/∂b = -0.4, and
     * b1 = 0.04 instead. */
    double w = W0, b = B0;
    linreg_step(X, Y, N, 0.1, &w, &b);
    require_finite(w, "w after linreg_step()");
    require_finite(b, "b after linreg_step()");
    double want_w = 47.0 / 30.0, want_b = 7.0 / 15.0;
    if (grading_near(w, want_w, TIGHT) && grading_near(b, want_b, TIGHT))
        return;
    const char *why = "compare with the update rule θ ← θ - η·∇L(θ)";
    if (w == W0 && b == B0)
        why = "neither parameter moved: write the new values through the pointers";
    else if (grading_near(w, want_w, TIGHT) && grading_near(b, 0.04, TIGHT))
        why = "b's gradient was computed after w had already moved; compute "
              "both partial derivatives at the old (w, b), then update both";
    else if (grading_near(w, W0 - GRAD_W0, TIGHT) && grading_near(b, B0 - GRAD_B0, TIGHT))
        why = "the learning rate is ignored: the step is η times the gradient";
    else if (grading_near(w, W0 + 0.1 * GRAD_W0, TIGHT) && grading_near(b, B0 + 0.1 * GRAD_B0, TIGHT))
        why = "the parameters moved uphill: subtract η·gradient, do not add it";
    else if (grading_near(w, 0.1 * GRAD_W0, TIGHT) && grading_near(b, 0.1 * GRAD_B0, TIGHT))
        why = "w and b were replaced by the step η·gradient itself; subtract "
              "it from them: *w -= lr * grad_w";
    else if (grading_near(w, want_w, TIGHT))
        why = "w is right but b is not: b moves by -η·∂L/∂b";
    else if (grading_near(b, want_b, TIGHT))
        why = "b is right but w is not: w moves by -η·∂L/∂w";
    ck_abort_msg("one step with η = 0.1 from w = 0.5, b = 0 on x = {1, 2, 3}, "
                 "y = {2, 3, 5} gave w = %.10g, b = %.10g; expected 47/30 = "
                 "%.10g, 7/15 = %.10g: %s", w, b, want_w, want_b, why);
}
END_TEST

START_TEST(linreg_step_stays_at_the_minimum)
{
    /* On points exactly on y = 2x - 1 the gradient at (2, -1) is zero, so a
     * step of any size stays put. From (1, 0) the residuals are 2, 0.5, -3:
     * Σ r·x = -2 + 0.25 - 12 = -13.75 and Σ r = -0.5, so with η = 0.01
     *   w1 = 1 + 0.01·(2/3)·13.75 = 1 + 0.275/3,  b1 = 0 + 0.01·(2/3)·0.5 = 0.01/3. */
    const double x[] = {-1.0, 0.5, 4.0}, y[] = {-3.0, 0.0, 7.0};
    double w = 2.0, b = -1.0;
    linreg_step(x, y, 3, 0.3, &w, &b);
    ck_assert_msg(w == 2.0 && b == -1.0,
                  "at the exact fit w = 2, b = -1 the gradient is 0, so a step "
                  "must not move; it went to w = %g, b = %g", w, b);
    w = 1.0, b = 0.0;
    linreg_step(x, y, 3, 0.01, &w, &b);
    ck_assert_msg(grading_near(w, 1.0 + 0.275 / 3.0, TIGHT) &&
                      grading_near(b, 0.01 / 3.0, TIGHT),
                  "one step of η = 0.01 from w = 1, b = 0 on points of "
                  "y = 2x - 1 should give w = %.10g, b = %.10g; got w = %.10g, "
                  "b = %.10g", 1.0 + 0.275 / 3.0, 0.01 / 3.0, w, b);
}
END_TEST

static void add_linreg_step_tests(TCase *tc)
{
    tcase_add_test(tc, linreg_step_hand_worked);
    tcase_add_test(tc, linreg_step_stays_at_the_minimum);
}

/* ================================================ numerical_gradient() */

/* f(θ) = θ0³ + 2·θ0·θ1 + sin θ1, gradient (3θ0² + 2θ1, 2θ0 + cos θ1). */
static double cubic_loss(const double *theta, const void *ctx)
{
    (void)ctx;
    return theta[0] * theta[0] * theta[0] + 2.0 * theta[0] * theta[1] +
           sin(theta[1]);
}

START_TEST(numerical_gradient_of_a_cubic)
{
    /* With h = 1e-5 the central difference is within about h²·|f'''|/6 plus
     * rounding ~1e-16·|f|/h of the true slope: ~1e-10 here. A forward
     * difference is off by about h·|f''|/2: 1.5e-5 for θ0 (f'' = 6θ0 = -3)
     * and 5e-6 for θ1. */
    /* At -0.5, both (θ - h) + h and θ + h - 2h + h differ from θ in the
     * last bit (at 1.5 only the second does, and θ + h - h is exact at
     * both): restoring by arithmetic instead of saving is caught on θ0. */
    double theta[2] = {-0.5, 1.5};
    const double saved[2] = {-0.5, 1.5};
    const double h = 1e-5;
    double grad[2] = {NAN, NAN};
    numerical_gradient(cubic_loss, NULL, theta, 2, h, grad);
    for (int j = 0; j < 2; j++) {
        ck_assert_msg(theta[j] != saved[j] + h && theta[j] != saved[j] - h,
                      "theta[%d] was left at %.17g, its value plus or minus h: "
                      "after evaluating the loss at θ ± h, put the saved "
                      "value back", j, theta[j]);
        ck_assert_msg(theta[j] == saved[j],
                      "theta[%d] changed from %.17g to %.17g: save each θ_j "
                      "before perturbing it and put the saved value back "
                      "(adding and then subtracting h does not restore it "
                      "exactly in floating point)", j, saved[j], theta[j]);
        ck_assert_msg(!isnan(grad[j]),
                      "grad[%d] was never written: estimate every one of the "
                      "dim partial derivatives", j);
    }
    require_finite(grad[0], "grad[0] from numerical_gradient()");
    require_finite(grad[1], "grad[1] from numerical_gradient()");
    double want[2] = {3 * 0.25 + 2 * 1.5, 2 * -0.5 + cos(1.5)};
    /* What the central difference gives when each loss is rounded to float
     * (about 7 digits) before the subtraction. */
    double float_losses[2], forward[2], backward[2];
    for (int j = 0; j < 2; j++) {
        double plus[2] = {-0.5, 1.5}, minus[2] = {-0.5, 1.5};
        plus[j] += h, minus[j] -= h;
        float fp = (float)cubic_loss(plus, NULL), fm = (float)cubic_loss(minus, NULL);
        float_losses[j] = ((double)fp - (double)fm) / (2.0 * h);
        double at = cubic_loss(saved, NULL);
        forward[j] = (cubic_loss(plus, NULL) - at) / h;
        backward[j] = (at - cubic_loss(minus, NULL)) / h;
    }
    /* h kept in a float moves θ_j by 9.99999974737875e-6, not 1e-5: the
     * difference over 2h is then the slope times hf/h, 2.5e-8 small. */
    const double hf_over_h = (double)(float)h / h;
    if (grading_near(grad[0], want[0], 1e-8) && grading_near(grad[1], want[1], 1e-8))
        return;
    const char *why = "see the lesson's central-difference formula";
    if (grad[0] == 0.0 && grad[1] == 0.0)
        why = "both are 0: nothing was computed yet";
    else if (grading_near(grad[0], 2 * want[0], 1e-6) && grading_near(grad[1], 2 * want[1], 1e-6))
        why = "twice the slope: L(θ+h) - L(θ-h) spans 2h, so divide by 2h, not h";
    else if (grading_near(grad[0], want[0] / h, 1e-4) && grading_near(grad[1], want[1] / h, 1e-4))
        why = "the slope divided by h once more: the denominator is 2h, not 2h²";
    else if (grading_near(grad[0], want[0] / 2, 1e-4) && grading_near(grad[1], want[1] / 2, 1e-4))
        why = "about half the slope: the second loss was measured back at θ "
              "(θ_j + h - h), not at θ_j - h; set θ_j = saved - h from the "
              "saved value";
    else if (grading_near(grad[0], float_losses[0], 1e-9) &&
             grading_near(grad[1], float_losses[1], 1e-9))
        why = "right to 3 or 4 digits only: the two losses were kept in float "
              "(single precision), and dividing their difference by 2h "
              "magnifies its rounding; use double";
    /* θ0 left at θ0 - h while θ1's partial is taken: 2(θ0 - h) + cos θ1. */
    else if (grading_near(grad[0], want[0], 1e-8) &&
             grading_near(grad[1], 2 * (-0.5 - h) + cos(1.5), 1e-8))
        why = "grad[1] was measured with θ0 still moved by -h: put each θ_j "
              "(or its copy) back to its saved value before moving on to the "
              "next one";
    else if (grading_near(grad[0], want[0] + want[1], 1e-6) &&
             grading_near(grad[1], want[0] + want[1], 1e-6))
        why = "every coordinate was moved at once, which measures the slope "
              "along (1, 1, ...), the sum of the partials: move θ_j alone, "
              "the others staying where they are";
    else if (fabs(grad[0] / (want[0] * h * h) - 1) < 1e-3 && fabs(grad[1] / (want[1] * h * h) - 1) < 1e-3)
        why = "the slope times h² (1e-10): a / 2.0 * h divides by 2 and then "
              "multiplies by h, since / and * bind alike, left to right; "
              "write / (2.0 * h)";
    else if ((grading_near(grad[0], forward[0], 1e-9) || grading_near(grad[0], backward[0], 1e-9)) &&
             (grading_near(grad[1], forward[1], 1e-9) || grading_near(grad[1], backward[1], 1e-9)))
        why = "close but only to about h: that is a one-sided (forward or "
              "backward) difference; use (L(θ+h) - L(θ-h)) / 2h, accurate to h²";
    else if (grading_near(grad[0], want[0] * hf_over_h, 1e-9) &&
             grading_near(grad[1], want[1] * hf_over_h, 1e-9))
        why = "off by 2.5e-8 relative, which is h = 1e-5 rounded to a float "
              "(9.99999975e-6): keep h, and θ_j ± h, in double";
    ck_abort_msg("numerical gradient of θ0³ + 2θ0θ1 + sin θ1 at (-0.5, 1.5) "
                 "with h = 1e-5 gave (%.12g, %.12g); the exact gradient is "
                 "(%.12g, %.12g): %s", grad[0], grad[1], want[0], want[1], why);
}
END_TEST

/* L(θ) = Σ_j (j + 1)·θ_j²: every coordinate's slope is different. */
static double weighted_squares(const double *theta, const void *ctx)
{
    size_t dim = *(const size_t *)ctx;
    double s = 0.0;
    for (size_t j = 0; j < dim; j++)
        s += (double)(j + 1) * theta[j] * theta[j];
    return s;
}

START_TEST(numerical_gradient_every_coordinate)
{
    /* ∂L/∂θ_j = 2(j + 1)θ_j, and central differences are exact up to
     * rounding on a quadratic. The sixth slot must stay untouched. */
    size_t dim = 5;
    double theta[6] = {1.0, -2.0, 0.5, 3.0, -1.5, 42.0};
    double grad[6] = {NAN, NAN, NAN, NAN, NAN, -7.0};
    numerical_gradient(weighted_squares, &dim, theta, dim, 1e-3, grad);
    for (size_t j = 0; j < dim; j++) {
        double want = 2.0 * (double)(j + 1) * theta[j];
        ck_assert_msg(!isnan(grad[j]),
                      "grad[%zu] was never written: loop over all dim = 5 "
                      "coordinates", j);
        require_finite(grad[j], "an entry of grad");
        ck_assert_msg(grading_near(grad[j], want, 1e-9),
                      "for L(θ) = Σ (j+1)·θ_j² with 5 parameters, grad[%zu] "
                      "is %.10g, expected %.10g: loop over all dim "
                      "coordinates, perturbing one at a time", j, grad[j], want);
    }
    ck_assert_msg(grad[5] == -7.0 && theta[5] == 42.0,
                  "numerical_gradient wrote past the dim = 5 entries of grad "
                  "or theta");
    /* dim = 0: no coordinate, so nothing to write and nothing to move. A
     * loop whose body runs before its test (do-while) would evaluate the
     * loss at θ_0 ± h (0 here, a sum of no terms) and write grad[0] = 0. */
    size_t none = 0;
    numerical_gradient(weighted_squares, &none, theta, 0, 1e-3, grad + 5);
    ck_assert_msg(grad[5] == -7.0,
                  "with dim = 0 numerical_gradient wrote grad[0] = %g (it "
                  "was -7): with no coordinates there is nothing to "
                  "estimate; test j < dim before the first coordinate too, "
                  "as a for loop does (a do-while runs its body once first)",
                  grad[5]);
    ck_assert_msg(theta[0] == 1.0,
                  "with dim = 0 numerical_gradient moved theta[0] from 1 to "
                  "%g: with no coordinates, theta is not the function's to "
                  "touch", theta[0]);
}
END_TEST

START_TEST(numerical_gradient_restores_theta_exactly)
{
    /* 0.1 and 1/3 have no exact float: a θ_j saved in a float comes back
     * rounded. With L = θ0² + 2θ1² the gradient is (2θ0, 4θ1) = (0.2, 4/3),
     * exact up to rounding for central differences on a quadratic. */
    size_t dim = 2;
    const double saved[2] = {0.1, 1.0 / 3.0};
    double theta[2] = {0.1, 1.0 / 3.0}, grad[2] = {NAN, NAN};
    numerical_gradient(weighted_squares, &dim, theta, dim, 1e-3, grad);
    for (int j = 0; j < 2; j++)
        ck_assert_msg(theta[j] == saved[j],
                      "theta[%d] changed from %.17g to %.17g%s", j, saved[j],
                      theta[j],
                      theta[j] == (double)(float)saved[j]
                          ? ": it came back rounded to float; keep the saved "
                            "θ_j in a double"
                          : ": save each θ_j in a double before perturbing it "
                            "and put that saved value back");
    ck_assert_msg(grading_near(grad[0], 0.2, 1e-9) && grading_near(grad[1], 4.0 / 3.0, 1e-9),
                  "for L(θ) = θ0² + 2θ1² at (0.1, 1/3) the gradient is (0.2, "
                  "4/3); numerical_gradient gave (%.12g, %.12g)", grad[0],
                  grad[1]);
}
END_TEST

/* f(θ) = θ³ in one dimension. */
static double cube(const double *theta, const void *ctx)
{
    (void)ctx;
    return theta[0] * theta[0] * theta[0];
}

/* A loss that is nan once θ0 passes 1, else θ0² + θ1²; at θ = (1, 2)
 * with h = 1e-3, loss(θ + h·e_0) is nan, so grad[0] is nan by the
 * formula, and grad[1] = 2θ1 = 4. */
static double nan_past_one(const double *theta, const void *ctx)
{
    (void)ctx;
    return theta[0] > 1.0 ? NAN : theta[0] * theta[0] + theta[1] * theta[1];
}

START_TEST(numerical_gradient_restores_theta_after_a_nan)
{
    double theta[2] = {1.0, 2.0}, grad[2] = {-7.0, -7.0};
    numerical_gradient(nan_past_one, NULL, theta, 2, 1e-3, grad);
    ck_assert_msg(theta[0] == 1.0 && theta[1] == 2.0,
                  "a loss that is nan just past θ0 = 1 left theta at "
                  "(%.17g, %.17g), not (1, 2): put θ_j back whatever the "
                  "loss returned (a `continue` on nan skips the line that "
                  "restores it)", theta[0], theta[1]);
    ck_assert_msg(isnan(grad[0]),
                  "grad[0] is %g where loss(θ + h·e_0) is nan: the central "
                  "difference of a nan is nan, and it must be written so the "
                  "caller sees it", grad[0]);
    ck_assert_msg(grading_near(grad[1], 4.0, 1e-9),
                  "grad[1] is %.10g, expected 4 (2θ1): a nan in one "
                  "coordinate must not stop the others", grad[1]);
}
END_TEST

START_TEST(numerical_gradient_uses_h)
{
    /* With a large h the central difference of θ³ is not the derivative
     * but ((θ+h)³ - (θ-h)³) / 2h = 3θ² + h² exactly: at θ = 2, h = 0.1 it
     * is 12.01, while the true slope is 12. */
    double theta[1] = {2.0}, grad[1] = {NAN};
    numerical_gradient(cube, NULL, theta, 1, 0.1, grad);
    require_finite(grad[0], "grad[0] from numerical_gradient()");
    /* The classic slips give other exact values: the forward difference
     * ((θ+h)³ - θ³) / h = 3θ² + 3θh + h² = 12.61, and dividing the central
     * difference by h instead of 2h doubles it to 24.02. */
    ck_assert_msg(!grading_near(grad[0], 12.61, 1e-9),
                  "got 12.61, the forward difference (L(θ+h) - L(θ)) / h: a "
                  "one-sided difference is only accurate to about h; use "
                  "(L(θ+h) - L(θ-h)) / 2h");
    ck_assert_msg(!grading_near(grad[0], 24.02, 1e-9),
                  "got 24.02, twice the central difference: L(θ+h) - L(θ-h) "
                  "spans 2h, so divide by 2h, not h");
    ck_assert_msg(!grading_near(grad[0], 12.0, 1e-6),
                  "with h = 0.1 the central difference of θ³ at θ = 2 is "
                  "3θ² + h² = 12.01, but you got %.10g, as if h were tiny: "
                  "use the h you are given", grad[0]);
    ck_assert_msg(grading_near(grad[0], 12.01, 1e-12),
                  "with h = 0.1 the central difference of θ³ at θ = 2 is "
                  "((θ+h)³ - (θ-h)³) / 2h = 3θ² + h² = 12.01; got %.12g",
                  grad[0]);
}
END_TEST

static void add_numerical_gradient_tests(TCase *tc)
{
    tcase_add_test(tc, numerical_gradient_of_a_cubic);
    tcase_add_test(tc, numerical_gradient_every_coordinate);
    tcase_add_test(tc, numerical_gradient_restores_theta_exactly);
    tcase_add_test(tc, numerical_gradient_restores_theta_after_a_nan);
    tcase_add_test(tc, numerical_gradient_uses_h);
}

/* ====================================================== linreg_train() */

START_TEST(linreg_train_counts_steps)
{
    /* One step is the hand-worked step above; the loss after it, at
     * (47/30, 7/15): residuals 1/30, 18/30, 5/30, Σ r² = 350/900, so
     * MSE = 350/2700 = 7/54. */
    double w = W0, b = B0, history[3] = {-1.0, -1.0, -1.0};
    TrainStatus status = linreg_train(X, Y, N, 0.1, 1, &w, &b, history);
    ck_assert_msg(status == TRAIN_MAX_STEPS,
                  "a 1-step run on finite data must return TRAIN_MAX_STEPS");
    ck_assert_msg(grading_near(w, 47.0 / 30.0, TIGHT) && grading_near(b, 7.0 / 15.0, TIGHT),
                  "after steps = 1 from (0.5, 0), (w, b) = (%.10g, %.10g); "
                  "expected one step, (47/30, 7/15)%s", w, b,
                  !(w == W0 && b == B0) ? ""
                  : grading_near(history[1], 7.0 / 54.0, TIGHT)
                      ? ": loss_history shows the step was taken, but not on "
                        "the caller's *w and *b; step w and b themselves "
                        "(pass the pointers on), not local copies"
                      : ": no step was taken");
    ck_assert_msg(!grading_near(history[0], 7.0 / 54.0, TIGHT),
                  "loss_history[0] is 7/54, the loss after the step: the "
                  "losses were recorded after the step; loss_history[k] is "
                  "the loss before step k + 1 (k = 0: at the start)");
    ck_assert_msg(history[0] != -1.0 && history[1] != -1.0,
                  "loss_history[%d] was never written: a 1-step run records "
                  "2 losses, before the step and after it",
                  history[0] == -1.0 ? 0 : 1);
    ck_assert_msg(grading_near(history[0], LOSS0, TIGHT) &&
                      grading_near(history[1], 7.0 / 54.0, TIGHT),
                  "loss_history for 1 step should be {37/6, 7/54}: the loss "
                  "before the step and after it; got {%.10g, %.10g}",
                  history[0], history[1]);
    ck_assert_msg(history[2] == -1.0,
                  "a 1-step run wrote loss_history[2]: it holds steps + 1 = "
                  "2 values");
}
END_TEST

START_TEST(linreg_train_reaches_least_squares)
{
    /* The exact minimiser from the normal equations, worked here:
     * x̄ = 3, ȳ = 15.2/5 = 3.04,
     * Σ(x - x̄)(y - ȳ) = (-2)(-1.84) + (-1)(-1.14) + 0 + (1)(0.76) + (2)(2.06)
     *                 = 3.68 + 1.14 + 0.76 + 4.12 = 9.7,   Σ(x - x̄)² = 10,
     * so w* = 0.97 and b* = 3.04 - 0.97·3 = 0.13. */
    const double x[] = {1, 2, 3, 4, 5}, y[] = {1.2, 1.9, 3.2, 3.8, 5.1};
    double w = 0.0, b = 0.0;
    double history[3001];
    for (size_t k = 0; k <= 3000; k++)
        history[k] = -1.0;
    TrainStatus status = linreg_train(x, y, 5, 0.05, 3000, &w, &b, history);
    size_t last = 0; /* the last loss written */
    while (last < 3000 && history[last + 1] != -1.0)
        last++;
    ck_assert_msg(status == TRAIN_MAX_STEPS,
                  "training with η = 0.05 on 5 points is stable, but "
                  "linreg_train returned TRAIN_DIVERGED%s",
                  isfinite(history[last]) && history[last] != -1.0
                      ? ", though every loss it recorded was finite: only a "
                        "loss that is inf or nan means divergence (a loss "
                        "that rises a little is not)"
                      : "");
    for (size_t k = 0; k <= 3000; k++)
        ck_assert_msg(history[k] != -1.0,
                      "loss_history[%zu] was never written: the run stopped "
                      "early; take all 3000 steps and record 3001 losses, "
                      "even once the loss stops changing", k);
    ck_assert_msg(grading_near(w, 0.97, 1e-9) && grading_near(b, 0.13, 1e-9),
                  "3000 steps of η = 0.05 should reach the least-squares line "
                  "w = 0.97, b = 0.13; got w = %.10g, b = %.10g", w, b);
    for (size_t k = 1; k <= 3000; k++)
        ck_assert_msg(history[k] <= history[k - 1] + 1e-15,
                      "the loss rose from %.10g to %.10g at step %zu: with a "
                      "small η on a convex loss every step lowers it (is "
                      "loss_history[k] the loss after k steps?)",
                      history[k - 1], history[k], k);
}
END_TEST

START_TEST(linreg_train_stops_when_diverging)
{
    /* On x = {1, 2, 3} the Hessian is 2·[[14/3, 2], [2, 1]], whose largest
     * eigenvalue is 17/3 + sqrt((11/3)² + 16) ≈ 11.09, so any η
     * above 2/11.09 ≈ 0.18 diverges. With η = 1 the error along that
     * direction is multiplied by |1 - 11.09| ≈ 10.1 each step, the loss by
     * about 100, and it overflows to inf at step 153. */
    double w = W0, b = B0;
    static double history[100001];
    for (size_t k = 0; k <= 100000; k++)
        history[k] = -1.0;
    TrainStatus status = linreg_train(X, Y, N, 1.0, 100000, &w, &b, history);
    size_t k = 0;
    while (k <= 100000 && history[k] != -1.0 && isfinite(history[k]))
        k++;
    ck_assert_msg(k > 0 && k < 100000 && history[k] != -1.0,
                  "with η = 1 the loss overflows to inf after about 150 "
                  "steps, and loss_history should record the losses up to "
                  "and including the first non-finite one (found %zu finite "
                  "values%s)", k,
                  k > 0 && k < 100000 && history[k] == -1.0
                      ? ", then nothing: the non-finite loss was not stored; "
                        "store each loss, then check it"
                      : "");
    ck_assert_msg(status == TRAIN_DIVERGED,
                  "the loss became %g at step %zu but linreg_train returned "
                  "TRAIN_MAX_STEPS: %s", history[k], k,
                  k + 1 <= 100000 && history[k + 1] == -1.0
                      ? "it stopped at the right step, but a run that ends "
                        "on a non-finite loss returns TRAIN_DIVERGED"
                      : "check isfinite(loss) at every step");
    /* Stopped later, on the first nan after losses of inf: the loss was
     * tested with isnan, which inf passes. */
    size_t j = k;
    while (j < 100000 && isinf(history[j]))
        j++;
    bool nan_only = j > k && j < 100000 && isnan(history[j]) &&
                    history[j + 1] == -1.0;
    ck_assert_msg(k + 1 > 100000 || history[k + 1] == -1.0,
                  "training went on after the loss became non-finite at step "
                  "%zu: return TRAIN_DIVERGED right there%s", k,
                  status != TRAIN_DIVERGED ? ""
                  : nan_only ? " (it stopped later, when the inf became nan: "
                               "inf is not a number to train on either; "
                               "test !isfinite(loss), which is true for both, "
                               "not isnan(loss))"
                             : " (it stopped later, on something other than "
                               "the loss: test isfinite(loss), on the loss "
                               "itself)");
}
END_TEST

START_TEST(linreg_train_diverges_on_the_last_step)
{
    /* One point x = 1e150, y = 0, from w = 1e-150, b = 0, with η = 1 and a
     * single step. Before it: prediction 1e-150·1e150 = 1 (to a rounding),
     * residual 1, loss 1. The step: ∂L/∂w = 2·1·1e150 = 2e150, so
     * w = 1e-150 - 2e150 ≈ -2e150, and b = 0 - 2·1 = -2. After it: the
     * prediction is about -2e150·1e150 = -2e300, whose square, 4e600, is
     * past the largest double (≈ 1.8e308): the loss is inf. The run ends
     * on that non-finite loss, so it diverged, though every step was
     * taken. */
    const double x[] = {1e150}, y[] = {0.0};
    double w = 1e-150, b = 0.0, history[2] = {-1.0, -1.0};
    TrainStatus status = linreg_train(x, y, 1, 1.0, 1, &w, &b, history);
    ck_assert_msg(grading_near(history[0], 1.0, 1e-12),
                  "the loss before the step should be 1 (prediction "
                  "1e-150·1e150 = 1, target 0); got %.10g", history[0]);
    ck_assert_msg(history[1] != -1.0 && !isfinite(history[1]),
                  "after the one step the loss overflows to inf (the "
                  "prediction is about -2e300), and loss_history[1] should "
                  "record it; got %g", history[1]);
    ck_assert_msg(status == TRAIN_DIVERGED,
                  "the loss after the last step is %g, but linreg_train "
                  "returned TRAIN_MAX_STEPS: the loss after the final step "
                  "needs the isfinite check too, not only the losses before "
                  "each step", history[1]);
    /* The step was taken: *w, *b hold where the inf was measured. */
    ck_assert_msg(w < -1e150 && grading_near(b, -2.0, 1e-12),
                  "after the one step, w = %g and b = %g; expected w about "
                  "-2e150 and b = -2, the parameters the inf loss was "
                  "measured at%s", w, b,
                  w == 1e-150 && b == 0.0
                      ? ": the run put back the last parameters whose loss "
                        "was finite; the contract leaves the result of the "
                        "steps taken in *w, *b, as loss_history says"
                      : "");
}
END_TEST

START_TEST(linreg_train_takes_every_step_at_the_minimum)
{
    /* Points exactly on y = 2x - 1, starting at the fit w = 2, b = -1: the
     * gradient is 0 and the loss 0 at every step, yet all 3 steps are
     * taken and 4 losses recorded. */
    const double x[] = {-1.0, 0.5, 4.0}, y[] = {-3.0, 0.0, 7.0};
    double w = 2.0, b = -1.0, history[5] = {-1.0, -1.0, -1.0, -1.0, -1.0};
    TrainStatus status = linreg_train(x, y, 3, 0.1, 3, &w, &b, history);
    ck_assert_msg(status == TRAIN_MAX_STEPS,
                  "a 3-step run that starts at the exact fit (loss 0) must "
                  "return TRAIN_MAX_STEPS");
    for (size_t k = 0; k <= 3; k++)
        ck_assert_msg(history[k] != -1.0,
                      "starting at the exact fit, loss_history[%zu] was never "
                      "written: the run stopped early; even when the "
                      "gradient is 0 or the loss stops changing, take all "
                      "`steps` steps and record steps + 1 losses", k);
    ck_assert_msg(history[0] == 0.0 && history[1] == 0.0 && history[2] == 0.0 &&
                      history[3] == 0.0 && history[4] == -1.0 && w == 2.0 && b == -1.0,
                  "starting at the exact fit w = 2, b = -1, 3 steps should "
                  "leave (w, b) there and record the losses {0, 0, 0, 0}; "
                  "got (%g, %g) and {%g, %g, %g, %g, %g}", w, b, history[0],
                  history[1], history[2], history[3], history[4]);
}
END_TEST

START_TEST(linreg_train_non_finite_from_the_start)
{
    /* w = nan makes every residual nan, so the loss before any step is
     * nan: the run stops at k = 0, having recorded it, before any step. */
    double w = NAN, b = 0.0, history[4] = {-1.0, -1.0, -1.0, -1.0};
    TrainStatus status = linreg_train(X, Y, N, 0.1, 3, &w, &b, history);
    ck_assert_msg(isnan(history[0]),
                  "starting from w = nan, the loss before any step is nan and "
                  "loss_history[0] should record it; got %g", history[0]);
    ck_assert_msg(history[1] == -1.0 || history[2] != -1.0,
                  "the loss at the start was nan, yet one step was taken "
                  "before the run stopped: check the loss before the first "
                  "step too (k = 0)");
    ck_assert_msg(status == TRAIN_DIVERGED,
                  "starting from w = nan the loss is nan, but linreg_train "
                  "returned TRAIN_MAX_STEPS: %s",
                  history[1] == -1.0
                      ? "it stopped at the right step, but a run that ends "
                        "on a non-finite loss returns TRAIN_DIVERGED"
                      : "nan is not finite either; isinf() misses it, "
                        "isfinite(loss) catches inf and nan");
    ck_assert_msg(history[1] == -1.0 && b == 0.0,
                  "the loss at the start was nan, yet a step was taken "
                  "(b = %g): stop before stepping", b);
    /* One point x = 1e200, y = 0 at w = 1, b = 0: the residual is 1e200 and
     * its square, 1e400, is past the largest double: the loss is inf. */
    const double x1[] = {1e200}, y1[] = {0.0};
    double w1 = 1.0, b1 = 0.0, history1[3] = {-1.0, -1.0, -1.0};
    status = linreg_train(x1, y1, 1, 0.1, 2, &w1, &b1, history1);
    ck_assert_msg(history1[1] == -1.0,
                  "on x = {1e200}, y = {0} from w = 1, b = 0 the loss is inf "
                  "before any step (w and b are finite), yet a step was "
                  "taken: the check that ends the run is isfinite(loss), on "
                  "the loss itself");
    ck_assert_msg(status == TRAIN_DIVERGED && isinf(history1[0]) &&
                      history1[1] == -1.0 && w1 == 1.0 && b1 == 0.0,
                  "on x = {1e200}, y = {0} from w = 1, b = 0 the loss is inf "
                  "before any step: expected TRAIN_DIVERGED, loss_history "
                  "{inf} and w, b unchanged; got %s, {%g, %g}, w = %g, b = %g",
                  status == TRAIN_DIVERGED ? "TRAIN_DIVERGED" : "TRAIN_MAX_STEPS",
                  history1[0], history1[1], w1, b1);
}
END_TEST

START_TEST(linreg_train_without_history)
{
    double w = W0, b = B0;
    linreg_train(X, Y, N, 0.1, 2, &w, &b, NULL);
    /* Two hand-checkable steps, compared with two calls of the closed-form
     * update rather than with the student's own linreg_step. */
    double w1 = 47.0 / 30.0, b1 = 7.0 / 15.0;
    double r[3] = {w1 * 1 + b1 - 2, w1 * 2 + b1 - 3, w1 * 3 + b1 - 5};
    double w2 = w1 - 0.1 * 2.0 / 3.0 * (r[0] * 1 + r[1] * 2 + r[2] * 3);
    double b2 = b1 - 0.1 * 2.0 / 3.0 * (r[0] + r[1] + r[2]);
    ck_assert_msg(grading_near(w, w2, 1e-12) && grading_near(b, b2, 1e-12),
                  "with loss_history = NULL and 2 steps, (w, b) = (%.10g, "
                  "%.10g), expected (%.10g, %.10g): loss_history may be NULL, "
                  "and then only the parameters are updated", w, b, w2, b2);
    /* Without a history the run still stops at the first non-finite loss.
     * linreg_train_diverges_on_the_last_step's point, x = 1e150, y = 0,
     * from w = 1e-150, b = 0 at η = 1, now with 3 steps: after the first
     * the loss is inf, at w ≈ -2e150, b = -2. A second step would move b
     * by -2·(-2e300) to 4e300 and w by an infinite gradient to inf. */
    const double x[] = {1e150}, y[] = {0.0};
    double w3 = 1e-150, b3 = 0.0;
    TrainStatus status = linreg_train(x, y, 1, 1.0, 3, &w3, &b3, NULL);
    ck_assert_msg(status == TRAIN_DIVERGED && w3 < -1e150 && isfinite(w3) &&
                      grading_near(b3, -2.0, 1e-12),
                  "with loss_history = NULL, a run whose loss is inf after "
                  "its first step (x = {1e150}, y = {0}, from w = 1e-150, "
                  "b = 0, η = 1, 3 steps) should stop there and return "
                  "TRAIN_DIVERGED, with w about -2e150 and b = -2; got %s, "
                  "w = %g, b = %g: the check for a non-finite loss must not "
                  "depend on whether the losses are recorded",
                  status == TRAIN_DIVERGED ? "TRAIN_DIVERGED" : "TRAIN_MAX_STEPS",
                  w3, b3);
}
END_TEST

START_TEST(linreg_train_zero_steps)
{
    double w = W0, b = B0, history[2] = {-1.0, -1.0};
    TrainStatus status = linreg_train(X, Y, N, 0.1, 0, &w, &b, history);
    ck_assert_msg(w == W0 && b == B0,
                  "with steps = 0 no step is taken, but (w, b) moved from "
                  "(0.5, 0) to (%.10g, %.10g)", w, b);
    ck_assert_msg(status == TRAIN_MAX_STEPS && grading_near(history[0], LOSS0, TIGHT) &&
                      history[1] == -1.0,
                  "with steps = 0, linreg_train should record only the "
                  "starting loss 37/6 in loss_history[0] and return "
                  "TRAIN_MAX_STEPS; got loss_history = {%.10g, %.10g}",
                  history[0], history[1]);
}
END_TEST

static void add_linreg_train_tests(TCase *tc)
{
    tcase_add_test(tc, linreg_train_counts_steps);
    tcase_add_test(tc, linreg_train_zero_steps);
    tcase_add_test(tc, linreg_train_takes_every_step_at_the_minimum);
    tcase_add_test(tc, linreg_train_reaches_least_squares);
    tcase_add_test(tc, linreg_train_stops_when_diverging);
    tcase_add_test(tc, linreg_train_diverges_on_the_last_step);
    tcase_add_test(tc, linreg_train_non_finite_from_the_start);
    tcase_add_test(tc, linreg_train_without_history);
}

/* ============================================================ chapter */

static const Exercise exercises[] = {
    {"parabola-descend", "parabola_descend()", 2, "A first descent",
     "Each step moves w against the slope f'(w) = 2(w - 3), scaled by lr; "
     "take exactly `steps` steps and return the final w.",
     add_parabola_tests},
    {"mse-loss", "mse_loss()", 2, "The loss",
     "The loss is the average over the n examples of the squared residual, "
     "prediction minus target.",
     add_mse_loss_tests},
    {"mse-grad", "mse_grad()", 4, "The gradient by hand",
     "Accumulate the residual times x (for w) and the residual alone (for "
     "b) in one loop, then multiply both sums by 2/n.",
     add_mse_grad_tests},
    {"linreg-step", "linreg_step()", 3, "One step",
     "Call mse_grad at the current (*w, *b) first; only then update *w and "
     "*b, each by minus lr times its own partial derivative.",
     add_linreg_step_tests},
    {"numerical-gradient", "numerical_gradient()", 4,
     "Checking the gradient",
     "One partial at a time: move θ_j alone by +h and by -h, measure the "
     "loss at both, and leave θ exactly as it was (save it; undoing by "
     "arithmetic is not exact).",
     add_numerical_gradient_tests},
    {"linreg-train", "linreg_train()", 5, "The training loop",
     "A loss is recorded before every step and once more at the end: "
     "steps + 1 values. A non-finite loss ends the run at once. The "
     "lesson's section walks through the order.",
     add_linreg_train_tests},
};

int main(int argc, char **argv)
{
    Chapter chapter = {"01-gradient-descent", "Manual gradient descent",
                       exercises, sizeof exercises / sizeof *exercises};
    return grading_main(&chapter, argc, argv);
}
