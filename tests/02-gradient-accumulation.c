/*
 * tests/02-gradient-accumulation.c: the graded tests of chapter 2.
 *
 * Expected values are worked by hand below (the working is in the comments)
 * or come from the closed-form gradient of the mean squared error, written
 * out in this file; none is computed by the reference solution. Where a
 * classic mistake gives a recognisable wrong number (a forgotten zero_grad,
 * a backward that overwrites, a missing or equal weighting of micro-batches),
 * the test works out what that mistake would have produced and, when the
 * answer matches, names it.
 */
#include "grading.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "02-gradient-accumulation.h"

/* Hand-computed numbers involve a few roundings at most. */
#define TIGHT 1e-12

/* Chapter 1's hand-worked data. The fourth point is a trap: functions are
 * called with n = 3, so reading x[3] changes every answer.
 *
 * At w = 0.5, b = 0 the residuals r = w·x + b - y are -1.5, -2, -3.5, so
 *   Σ r·x = -1.5 - 4 - 10.5 = -16     ∂L/∂w = (2/3)(-16) = -32/3
 *   Σ r   = -7                        ∂L/∂b = (2/3)(-7)  = -14/3        */
static const double X[] = {1.0, 2.0, 3.0, 100.0};
static const double Y[] = {2.0, 3.0, 5.0, -100.0};
enum { N = 3 };
#define W0 0.5
#define B0 0.0
#define GRAD_W0 (-32.0 / 3.0)
#define GRAD_B0 (-14.0 / 3.0)

/* The closed-form gradient of the mean squared error of n examples, written
 * here so that expected values never depend on the student's functions. */
static void mse_gradient(const double *x, const double *y, size_t n,
                         double w, double b, double *gw, double *gb)
{
    double sum_rx = 0.0, sum_r = 0.0;
    for (size_t i = 0; i < n; i++) {
        double r = w * x[i] + b - y[i];
        sum_rx += r * x[i];
        sum_r += r;
    }
    *gw = 2.0 * sum_rx / (double)n;
    *gb = 2.0 * sum_r / (double)n;
}

static double mse(const double *x, const double *y, size_t n, double w,
                  double b)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (w * x[i] + b - y[i]) * (w * x[i] + b - y[i]);
    return s / (double)n;
}

static bool pair_near(double a, double b, double want_a, double want_b)
{
    return grading_near(a, want_a, TIGHT) && grading_near(b, want_b, TIGHT);
}

/* ================================================== param_zero_grad() */

START_TEST(zero_grad_clears_every_grad)
{
    /* Five parameters (one gradient inf, one nan) and a sixth that is not
     * the function's to touch. */
    Param p[6] = {{1.5, 2.0},      {-3.0, -0.5}, {0.25, INFINITY},
                  {2.0, NAN},      {-1.0, 7.0},  {42.0, 99.0}};
    const double values[6] = {1.5, -3.0, 0.25, 2.0, -1.0, 42.0};
    param_zero_grad(p, 5);
    bool values_kept = true, values_zeroed = true;
    for (size_t i = 0; i < 5; i++) {
        values_kept = values_kept && p[i].value == values[i];
        values_zeroed = values_zeroed && p[i].value == 0.0;
    }
    ck_assert_msg(values_kept,
                  "param_zero_grad changed the values (now %g, %g, %g, %g, "
                  "%g)%s", p[0].value, p[1].value, p[2].value, p[3].value,
                  p[4].value,
                  values_zeroed ? ": it zeroed the values too. zero_grad "
                                  "clears gradients only; the values are "
                                  "what training has learned"
                                : ": zero_grad must leave every value alone");
    bool cleared[5];
    size_t count_cleared = 0;
    for (size_t i = 0; i < 5; i++) {
        cleared[i] = p[i].grad == 0.0;
        count_cleared += cleared[i];
    }
    if (count_cleared < 5) {
        const char *why = "every params[i].grad with i < count must be 0";
        if (count_cleared == 0)
            why = "no gradient was cleared: set params[i].grad = 0.0 for "
                  "every i < count";
        else if (count_cleared == 1 && cleared[0])
            why = "only params[0].grad was cleared: loop over all count "
                  "parameters";
        else if (count_cleared == 3 && p[2].grad == INFINITY)
            why = "the finite gradients were cleared but inf and nan were "
                  "left as they were: a guard such as isfinite() skips "
                  "exactly the gradients that most need clearing. Assign "
                  "0.0 to every one";
        else if (count_cleared == 3 && !cleared[2] && !cleared[3])
            why = "the finite gradients were cleared but inf and nan "
                  "survived: multiplying by 0 (or subtracting a gradient "
                  "from itself) does not clear them, since inf·0 and "
                  "inf - inf are nan. Assign 0.0";
        else if (count_cleared == 4 && !cleared[4])
            why = "the last parameter kept its gradient: the loop must run "
                  "for i = 0 up to count - 1";
        ck_abort_msg("after param_zero_grad(params, 5) the gradients are "
                     "%g, %g, %g, %g, %g; all five should be 0: %s",
                     p[0].grad, p[1].grad, p[2].grad, p[3].grad, p[4].grad,
                     why);
    }
    ck_assert_msg(p[5].value == 42.0 && p[5].grad == 99.0,
                  "param_zero_grad(params, 5) changed params[5], which is "
                  "past the count: touch only params[0] to params[count - 1]");
    /* count = 0: nothing at all is the function's to change. */
    Param q = {3.0, -4.0};
    param_zero_grad(&q, 0);
    ck_assert_msg(q.value == 3.0 && q.grad == -4.0,
                  "param_zero_grad(params, 0) changed params[0] to {%g, %g}: "
                  "with count = 0 there is nothing to clear", q.value,
                  q.grad);
}
END_TEST

static void add_zero_grad_tests(TCase *tc)
{
    tcase_add_test(tc, zero_grad_clears_every_grad);
}

/* ======================================== linreg_backward_accumulate() */

/* Adds one backward of the lesson's points (first n of them, at w = 0.5,
 * b = 0) to grads of 0 and says whether it added (want_w, want_b). */
static bool backward_adds(size_t n, double scale, double want_w,
                          double want_b)
{
    Param q[LINE_PARAMS] = {{W0, 0.0}, {B0, 0.0}};
    linreg_backward_accumulate(X, Y, n, scale, q);
    return pair_near(q[LINE_W].grad, q[LINE_B].grad, want_w, want_b);
}

/* Why a backward with loss_scale `scale` on the lesson's 3 points added
 * exactly 0, found by calling it again where that mistake does not show:
 *   with loss_scale 1, a scale kept in an integer (0.25 → 0) works;
 *   on the first 2 points, residuals -1.5, -2: Σ r·x = -5.5, Σ r = -3.5,
 *   and (2/2)·(-5.5, -3.5) is right even when 2 / n is computed in
 *   integers (2 / 2 = 1), which is 0 for n = 3. */
static const char *why_nothing_added(double scale)
{
    if (scale != 1.0 && backward_adds(N, 1.0, GRAD_W0, GRAD_B0))
        return "nothing was added, yet with loss_scale = 1 the same call "
               "adds the right gradient: loss_scale was converted to an "
               "integer (0.25 becomes 0); keep it a double";
    if (backward_adds(2, 1.0, -5.5, -3.5))
        return "nothing was added on 3 points, yet on 2 points the gradient "
               "is right: 2 / n in integers is 1 for n = 2 but 0 for n >= 3; "
               "write 2.0 / (double)n";
    return "nothing was added to the gradients";
}

/* Names the mistake when the gradient *added* by one backward, (aw, ab), is
 * not (GRAD_W0, GRAD_B0) times the scale. */
static const char *diagnose_added(double aw, double ab, double scale)
{
    double gw = scale * GRAD_W0, gb = scale * GRAD_B0;
    /* Summed over i = 1..n: x = {2, 3, 100}, y = {3, 5, -100} (the trap),
     * residuals -2, -3.5, 150: Σ r·x = 14985.5, Σ r = 144.5. */
    double one_w = scale * (2.0 / 3.0) * 14985.5;
    double one_b = scale * (2.0 / 3.0) * 144.5;
    if (aw == 0.0 && ab == 0.0)
        return why_nothing_added(scale);
    if (pair_near(aw, ab, gw * N / (N - 1), gb * N / (N - 1)))
        return "both are n / (n - 1) times too large: the sums were divided "
               "by n - 1 (the sample variance's correction, NumPy's "
               "ddof=1); the loss is the mean over all n examples (or both "
               "the factor 2 and the 1/n are missing: with n = 3 the two "
               "give the same numbers)";
    if (pair_near(aw, ab, one_w, one_b))
        return "the sums ran over i = 1..n: C arrays start at 0, so x[0] "
               "was skipped and x[n], past the batch, was read";
    if (scale != 1.0 && pair_near(aw, ab, gw, GRAD_B0))
        return "loss_scale multiplied w's gradient but not b's: both grads "
               "get loss_scale times their gradient";
    if (scale != 1.0 && pair_near(aw, ab, GRAD_W0, gb))
        return "loss_scale multiplied b's gradient but not w's: both grads "
               "get loss_scale times their gradient";
    if (pair_near(aw, ab, -gw, -gb))
        return "both have the wrong sign: check the residual, r = w·x + b - y "
               "(prediction minus target)";
    if (pair_near(aw, ab, gw / 2.0, gb / 2.0))
        return "both are half the right size: the factor 2 from d(r²)/dr = "
               "2r is missing";
    if (pair_near(aw, ab, gw * N, gb * N))
        return "both are n times too large: the mean's 1/n is missing";
    if (pair_near(aw, ab, gw, gw))
        return "the bias gradient uses x; since ∂r/∂b = 1 it is (2/n) Σ r";
    if (pair_near(aw, ab, gb, gw))
        return "the gradients of w and b are swapped";
    if (scale != 1.0 && pair_near(aw, ab, GRAD_W0, GRAD_B0))
        return "loss_scale was ignored: backward adds the gradient of "
               "loss_scale·L, which is loss_scale times the gradient of L";
    if (scale != 1.0 && scale != 0.0 &&
        pair_near(aw, ab, scale * gw, scale * gb))
        return "loss_scale was applied twice (the gradient came out "
               "loss_scale² times as large): multiply by it once";
    if (scale != 1.0 && pair_near(aw, ab, GRAD_W0 / scale, GRAD_B0 / scale))
        return "the gradient was divided by loss_scale instead of "
               "multiplied by it";
    return "compare each line with the lesson's formulas (and with chapter 1)";
}

START_TEST(backward_from_zero_hand_worked)
{
    Param p[LINE_PARAMS] = {{W0, 0.0}, {B0, 0.0}};
    linreg_backward_accumulate(X, Y, N, 1.0, p);
    require_finite(p[LINE_W].grad, "w.grad after linreg_backward_accumulate()");
    require_finite(p[LINE_B].grad, "b.grad after linreg_backward_accumulate()");
    ck_assert_msg(p[LINE_W].value == W0 && p[LINE_B].value == B0,
                  "linreg_backward_accumulate changed the values (w = %g, "
                  "b = %g): backward only adds to the grads; moving the "
                  "values is the optimizer's job", p[LINE_W].value,
                  p[LINE_B].value);
    ck_assert_msg(pair_near(p[LINE_W].grad, p[LINE_B].grad, GRAD_W0, GRAD_B0),
                  "from grads of 0, backward on x = {1, 2, 3}, y = {2, 3, 5} "
                  "at w = 0.5, b = 0 left w.grad = %.10g, b.grad = %.10g; "
                  "expected -32/3 = %.10g and -14/3 = %.10g: %s",
                  p[LINE_W].grad, p[LINE_B].grad, GRAD_W0, GRAD_B0,
                  diagnose_added(p[LINE_W].grad, p[LINE_B].grad, 1.0));
}
END_TEST

START_TEST(backward_adds_to_what_was_there)
{
    /* Grads already holding 1 and -2: backward must keep them and add
     * -32/3 and -14/3, giving -29/3 and -20/3. */
    Param p[LINE_PARAMS] = {{W0, 1.0}, {B0, -2.0}};
    linreg_backward_accumulate(X, Y, N, 1.0, p);
    double gw = p[LINE_W].grad, gb = p[LINE_B].grad;
    require_finite(gw, "w.grad after linreg_backward_accumulate()");
    require_finite(gb, "b.grad after linreg_backward_accumulate()");
    if (pair_near(gw, gb, 1.0 + GRAD_W0, -2.0 + GRAD_B0))
        return;
    const char *why;
    char buf[256];
    if (pair_near(gw, gb, GRAD_W0, GRAD_B0))
        why = "that is this batch's gradient alone: the 1 and -2 already in "
              ".grad are gone. backward adds into .grad (+=), it does not "
              "overwrite it (=); clearing is zero_grad's job";
    else if (gw == 1.0 && gb == -2.0)
        why = "the grads did not change: nothing was added";
    else {
        snprintf(buf, sizeof buf, "the amount added, (%.10g, %.10g), is "
                 "wrong: %s", gw - 1.0, gb + 2.0,
                 diagnose_added(gw - 1.0, gb + 2.0, 1.0));
        why = buf;
    }
    ck_abort_msg("with w.grad = 1 and b.grad = -2 before the call, backward "
                 "on the lesson's 3 points left w.grad = %.10g, b.grad = "
                 "%.10g; expected 1 - 32/3 = %.10g and -2 - 14/3 = %.10g: %s",
                 gw, gb, 1.0 + GRAD_W0, -2.0 + GRAD_B0, why);
}
END_TEST

START_TEST(backward_adds_to_non_finite_grads)
{
    /* Grads holding inf and nan (a step that diverged, not yet cleared):
     * backward still adds, and inf - 32/3 = inf, nan - 14/3 = nan. A
     * backward that resets a non-finite grad to 0 first hides the
     * divergence from whoever reads .grad next. */
    Param p[LINE_PARAMS] = {{W0, INFINITY}, {B0, NAN}};
    linreg_backward_accumulate(X, Y, N, 1.0, p);
    double gw = p[LINE_W].grad, gb = p[LINE_B].grad;
    if (gw == INFINITY && isnan(gb))
        return;
    ck_abort_msg("with w.grad = inf and b.grad = nan before the call, "
                 "backward left w.grad = %.10g, b.grad = %.10g; expected inf "
                 "and nan: %s", gw, gb,
                 pair_near(gw, gb, GRAD_W0, GRAD_B0)
                     ? "the inf and nan were reset to 0 before adding. "
                       "backward adds (+=) into whatever .grad holds, inf "
                       "and nan included: clearing is zero_grad's job, and "
                       "a divergence must stay visible"
                     : "backward adds (+=) into whatever .grad holds, inf "
                       "and nan included");
}
END_TEST

/* Five points where the sums need rounding (the finite-difference test's;
 * at w = -3, b = 2.5 adding each example's term into .grad rounds
 * differently from adding the batch's sum once). */
static const double X5[] = {-2.0, -0.5, 0.25, 1.0, 3.0};
static const double Y5[] = {-3.1, 0.2, 1.4, 2.9, 7.3};

/* True when two calls from grads of 0, at the same point, add different
 * gradients: the function keeps something between calls. */
static bool backward_remembers(void)
{
    Param a[LINE_PARAMS] = {{W0, 0.0}, {B0, 0.0}};
    Param b[LINE_PARAMS] = {{W0, 0.0}, {B0, 0.0}};
    linreg_backward_accumulate(X, Y, N, 1.0, a);
    linreg_backward_accumulate(X, Y, N, 1.0, b);
    return memcmp(a, b, sizeof a) != 0;
}

START_TEST(backward_twice_doubles_the_gradient)
{
    /* Two calls with no zero_grad between them: g + g is exactly 2g in
     * floating point, so the second call must leave exactly twice what the
     * first left. */
    Param p[LINE_PARAMS] = {{W0, 0.0}, {B0, 0.0}};
    linreg_backward_accumulate(X, Y, N, 1.0, p);
    double once_w = p[LINE_W].grad, once_b = p[LINE_B].grad;
    linreg_backward_accumulate(X, Y, N, 1.0, p);
    double twice_w = p[LINE_W].grad, twice_b = p[LINE_B].grad;
    require_finite(twice_w, "w.grad after two backward calls");
    require_finite(twice_b, "b.grad after two backward calls");
    ck_assert_msg(!(twice_w == once_w && twice_b == once_b && once_w != 0.0),
                  "after 2 calls without zero_grad the gradient should have "
                  "doubled, but it stayed at (%.10g, %.10g): backward "
                  "overwrote .grad instead of adding into it", once_w,
                  once_b);
    ck_assert_msg(pair_near(twice_w, twice_b, 2.0 * GRAD_W0, 2.0 * GRAD_B0) &&
                      twice_w == 2.0 * once_w && twice_b == 2.0 * once_b,
                  "two backward calls from grads of 0 left (%.10g, %.10g); "
                  "expected exactly twice the gradient, 2·(-32/3, -14/3) = "
                  "(%.10g, %.10g) (after one call: (%.10g, %.10g))%s",
                  twice_w, twice_b, 2.0 * GRAD_W0, 2.0 * GRAD_B0, once_w,
                  once_b,
                  backward_remembers() ? ": the same call from grads of 0 "
                  "added something else the next time: the sums are kept "
                  "between calls (static?); start them at 0 on every call"
                                       : "");
    /* Again on five points at (-3, 2.5): whatever the first call added, g,
     * the second must make it g + g, exactly 2g. A backward that adds each
     * example's term straight into .grad rounds each addition against a
     * grad of 0 the first time and of g the second, so it misses. */
    Param q[LINE_PARAMS] = {{-3.0, 0.0}, {2.5, 0.0}};
    linreg_backward_accumulate(X5, Y5, 5, 1.0, q);
    once_w = q[LINE_W].grad, once_b = q[LINE_B].grad;
    linreg_backward_accumulate(X5, Y5, 5, 1.0, q);
    /* When the first call is right to 1e-12, the maths is right and only
     * the rounding differs (adding term by term is no mistake in exact
     * arithmetic): the message then says so, and quotes the header's
     * sentence that asks for the one form. */
    double right_w, right_b;
    mse_gradient(X5, Y5, 5, -3.0, 2.5, &right_w, &right_b);
    bool right = pair_near(once_w, once_b, right_w, right_b);
    ck_assert_msg(q[LINE_W].grad == 2.0 * once_w &&
                      q[LINE_B].grad == 2.0 * once_b,
                  "on 5 points at w = -3, b = 2.5, one backward from grads "
                  "of 0 left (%.17g, %.17g)%s and a second one (%.17g, "
                  "%.17g), not exactly twice %s (g + g is exact): each "
                  "example's term was likely added into .grad as it was "
                  "computed, %s",
                  once_w, once_b, right ? ", the right gradient," : "",
                  q[LINE_W].grad, q[LINE_B].grad,
                  right ? "it" : "the first",
                  right ? "right in exact arithmetic, but rounded against "
                          "what .grad held. The contract asks otherwise "
                          "(02-gradient-accumulation.h: \"Each grad gets "
                          "one addition\"): sum over the batch, then add "
                          "once"
                        : "so the second call rounds differently. Sum over "
                          "the batch first, then add the whole gradient to "
                          ".grad once");
}
END_TEST

START_TEST(backward_scales_by_loss_scale)
{
    /* loss_scale 0.25 adds a quarter of the gradient, (-8/3, -7/6), to the
     * 0.5 and 0.25 already there: (0.5 - 8/3, 0.25 - 7/6) = (-13/6, -11/12). */
    Param p[LINE_PARAMS] = {{W0, 0.5}, {B0, 0.25}};
    linreg_backward_accumulate(X, Y, N, 0.25, p);
    double gw = p[LINE_W].grad, gb = p[LINE_B].grad;
    require_finite(gw, "w.grad after linreg_backward_accumulate()");
    require_finite(gb, "b.grad after linreg_backward_accumulate()");
    if (pair_near(gw, gb, -13.0 / 6.0, -11.0 / 12.0))
        return;
    const char *why;
    if (pair_near(gw, gb, 0.25 * GRAD_W0, 0.25 * GRAD_B0))
        why = "that is the scaled gradient alone: the 0.5 and 0.25 already "
              "in .grad were overwritten instead of added to";
    else
        why = diagnose_added(gw - 0.5, gb - 0.25, 0.25);
    ck_abort_msg("backward with loss_scale = 0.25 onto grads (0.5, 0.25) "
                 "left (%.10g, %.10g); expected 0.5 + (-32/3)/4 = %.10g and "
                 "0.25 + (-14/3)/4 = %.10g: %s", gw, gb, -13.0 / 6.0,
                 -11.0 / 12.0, why);
}
END_TEST

START_TEST(backward_matches_finite_differences)
{
    /* The loss is quadratic in (w, b), so central differences are exact up
     * to rounding, about 1e-16·L/h. */
    const double *x = X5, *y = Y5;
    const double points[][2] = {{0.0, 0.0}, {1.7, -0.4}, {-3.0, 2.5}};
    const double h = 1e-4;
    for (size_t k = 0; k < 3; k++) {
        double w = points[k][0], b = points[k][1];
        Param p[LINE_PARAMS] = {{w, 0.0}, {b, 0.0}};
        linreg_backward_accumulate(x, y, 5, 1.0, p);
        double nw = (mse(x, y, 5, w + h, b) - mse(x, y, 5, w - h, b)) / (2 * h);
        double nb = (mse(x, y, 5, w, b + h) - mse(x, y, 5, w, b - h)) / (2 * h);
        require_finite(p[LINE_W].grad, "w.grad after linreg_backward_accumulate()");
        require_finite(p[LINE_B].grad, "b.grad after linreg_backward_accumulate()");
        bool digits7 = grading_near(p[LINE_W].grad, nw, GRADING_FLOAT_TOL) &&
                       grading_near(p[LINE_B].grad, nb, GRADING_FLOAT_TOL);
        ck_assert_msg(grading_near(p[LINE_W].grad, nw, 1e-8) &&
                          grading_near(p[LINE_B].grad, nb, 1e-8),
                      "on 5 points at w = %g, b = %g, backward from grads of "
                      "0 gave (%.10g, %.10g) but central differences of the "
                      "loss give (%.10g, %.10g)%s", w, b, p[LINE_W].grad,
                      p[LINE_B].grad, nw, nb,
                      digits7 ? ": right to about 7 digits only, so "
                                "something was computed in float (single "
                                "precision); use double throughout"
                              : "");
    }
}
END_TEST

/* An example at x = 0 adds its whole residual to ∂L/∂b:
 * x = (0, 1, 2), y = (1, 1, 1), w = b = 0, from grads of 0: every residual
 * is -1, so the gradient is ((2/3)(0 - 1 - 2), (2/3)(-3)) = (-2, -2).
 * Skipping the example at x = 0 gives b's -4/3. */
START_TEST(backward_example_at_zero)
{
    const double x[] = {0.0, 1.0, 2.0}, y[] = {1.0, 1.0, 1.0};
    Param p[LINE_PARAMS] = {{0.0, 0.0}, {0.0, 0.0}};
    linreg_backward_accumulate(x, y, 3, 1.0, p);
    double gw = p[LINE_W].grad, gb = p[LINE_B].grad;
    require_finite(gw, "w.grad after linreg_backward_accumulate()");
    require_finite(gb, "b.grad after linreg_backward_accumulate()");
    const char *skipped = ": the example at x = 0 was skipped, but only "
                          "its r·x is 0: its residual r still counts in b's "
                          "gradient (chapter 1's mse_grad sums r over every "
                          "example)";
    ck_assert_msg(pair_near(gw, gb, -2.0, -2.0),
                  "backward on x = {0, 1, 2}, y = {1, 1, 1} at w = b = 0, "
                  "from grads of 0, left (%.10g, %.10g); expected (-2, -2)%s",
                  gw, gb, grading_near(gb, -4.0 / 3.0, TIGHT) ? skipped : "");
}
END_TEST

START_TEST(backward_reads_the_data_every_call)
{
    /* Two calls at the same w = 0.5, b = 0 and n = 3 on different data,
     * from grads of 0: the lesson's points add (-32/3, -14/3); then
     * x = {2, 3, 4}, y = {3, 5, 6}, residuals -2, -3.5, -4:
     *   Σ r·x = -4 - 10.5 - 16 = -30.5, Σ r = -9.5 → (-61/3, -19/3),
     * so the grads end at (-93/3, -33/3) = (-31, -11). */
    const double x2[] = {2.0, 3.0, 4.0}, y2[] = {3.0, 5.0, 6.0};
    Param p[LINE_PARAMS] = {{W0, 0.0}, {B0, 0.0}};
    linreg_backward_accumulate(X, Y, N, 1.0, p);
    linreg_backward_accumulate(x2, y2, N, 1.0, p);
    double gw = p[LINE_W].grad, gb = p[LINE_B].grad;
    require_finite(gw, "w.grad after two backward calls");
    require_finite(gb, "b.grad after two backward calls");
    if (pair_near(gw, gb, -31.0, -11.0))
        return;
    const char *why = "each call adds the gradient of its own batch";
    if (pair_near(gw, gb, 2.0 * GRAD_W0, 2.0 * GRAD_B0))
        why = "the second call added the first batch's gradient again: the "
              "values and n were the same, but the data were not. backward "
              "must read x and y on every call (no cache of earlier sums)";
    else if (pair_near(gw, gb, -61.0 / 3.0, -19.0 / 3.0))
        why = "that is the second batch's gradient alone: backward adds "
              "into .grad (+=), it does not overwrite it";
    ck_abort_msg("from grads of 0 at w = 0.5, b = 0, backward on x = {1, 2, "
                 "3}, y = {2, 3, 5} then on x = {2, 3, 4}, y = {3, 5, 6} "
                 "left (%.10g, %.10g); expected (-32/3 - 61/3, -14/3 - "
                 "19/3) = (-31, -11): %s", gw, gb, why);
}
END_TEST

static void add_backward_tests(TCase *tc)
{
    tcase_add_test(tc, backward_from_zero_hand_worked);
    tcase_add_test(tc, backward_adds_to_what_was_there);
    tcase_add_test(tc, backward_adds_to_non_finite_grads);
    tcase_add_test(tc, backward_twice_doubles_the_gradient);
    tcase_add_test(tc, backward_scales_by_loss_scale);
    tcase_add_test(tc, backward_matches_finite_differences);
    tcase_add_test(tc, backward_example_at_zero);
    tcase_add_test(tc, backward_reads_the_data_every_call);
}

/* ========================================================= param_sgd_step() */

START_TEST(param_sgd_step_hand_worked)
{
    /* lr = 0.1: 1 - 0.1·0.5 = 0.95, -2 - 0.1·(-4) = -1.6,
     * 0.25 - 0.1·2 = 0.05. The fourth parameter is past the count; the
     * third is within it, so a loop that stops at the line's 2 parameters
     * instead of count is caught. */
    Param p[4] = {{1.0, 0.5}, {-2.0, -4.0}, {0.25, 2.0}, {42.0, 99.0}};
    param_sgd_step(p, 3, 0.1);
    double v0 = p[0].value, v1 = p[1].value, v2 = p[2].value;
    require_finite(v0, "params[0].value after param_sgd_step()");
    require_finite(v1, "params[1].value after param_sgd_step()");
    if (!(grading_near(v0, 0.95, TIGHT) && grading_near(v1, -1.6, TIGHT) &&
          grading_near(v2, 0.05, TIGHT))) {
        const char *why = "each value moves by -lr times its own grad";
        if (v0 == 1.0 && v1 == -2.0)
            why = "no value moved";
        else if (grading_near(v0, 1.05, TIGHT) && grading_near(v1, -2.4, TIGHT))
            why = "the values moved uphill: subtract lr·grad, do not add it";
        else if (grading_near(v0, 0.5, TIGHT) && grading_near(v1, 2.0, TIGHT))
            why = "the learning rate is ignored: the step is lr·grad";
        else if (grading_near(v0, 0.95, TIGHT) && v1 == -2.0)
            why = "only params[0] moved: loop over all count parameters";
        else if (grading_near(v0, 0.95, TIGHT) && grading_near(v1, -1.6, TIGHT))
            why = "params[2] did not move: loop over all count parameters, "
                  "not a fixed number";
        else if (grading_near(v0, 0.95, GRADING_FLOAT_TOL) &&
                 grading_near(v1, -1.6, GRADING_FLOAT_TOL) &&
                 grading_near(v2, 0.05, GRADING_FLOAT_TOL))
            why = "right to about 7 digits only, so something was computed "
                  "in float (single precision), lr or the product; use "
                  "double throughout";
        ck_abort_msg("param_sgd_step with lr = 0.1 on values (1, -2, 0.25) and "
                     "grads (0.5, -4, 2) gave values (%.10g, %.10g, %.10g); "
                     "expected (0.95, -1.6, 0.05): %s", v0, v1, v2, why);
    }
    ck_assert_msg(p[0].grad == 0.5 && p[1].grad == -4.0 && p[2].grad == 2.0,
                  "after param_sgd_step the grads are (%g, %g, %g), not the (0.5, "
                  "-4, 2) they were%s", p[0].grad, p[1].grad, p[2].grad,
                  p[0].grad == 0.0 && p[1].grad == 0.0
                      ? ": param_sgd_step cleared the gradients. A step reads them "
                        "and leaves them (PyTorch's optimizer.step() does "
                        "too); clearing is zero_grad's job, at the start of "
                        "the next step"
                      : ": a step reads the grads and leaves them alone");
    ck_assert_msg(p[3].value == 42.0 && p[3].grad == 99.0,
                  "param_sgd_step(params, 3, lr) changed params[3], which is past "
                  "the count");
    /* count = 0: nothing moves (a moved value would be 3 - 0.1·(-4) = 3.4). */
    Param q = {3.0, -4.0};
    param_sgd_step(&q, 0, 0.1);
    ck_assert_msg(q.value == 3.0 && q.grad == -4.0,
                  "param_sgd_step(params, 0, 0.1) changed params[0] from {3, "
                  "-4} to {%g, %g}: with count = 0 nothing moves. A do-while "
                  "loop runs its body once before it tests i < count; test "
                  "first (a for loop)", q.value, q.grad);
}
END_TEST

START_TEST(param_sgd_step_non_finite_grads)
{
    /* The contract's value -= lr·grad, with lr = 0.1:
     *   1 - 0.1·inf = -inf,  2 - 0.1·nan = nan,  0.5 - 0.1·2 = 0.3.
     * A divergence must show in the values, where the caller looks. */
    Param p[3] = {{1.0, INFINITY}, {2.0, NAN}, {0.5, 2.0}};
    param_sgd_step(p, 3, 0.1);
    double v0 = p[0].value, v1 = p[1].value, v2 = p[2].value;
    if (v0 == -INFINITY && isnan(v1) && grading_near(v2, 0.3, TIGHT))
        return;
    const char *why = "each value moves by -lr times its own grad, whatever "
                      "that grad is";
    if (v0 == 1.0 && v1 == 2.0 && grading_near(v2, 0.3, TIGHT))
        why = "the finite gradient moved its value, but the inf and nan "
              "ones were skipped: a guard such as isfinite() hides the "
              "divergence the caller needs to see. Apply value -= lr·grad "
              "to every parameter";
    else if (v0 == 1.0 && v1 == 2.0 && v2 == 0.5)
        why = "no value moved";
    ck_abort_msg("param_sgd_step with lr = 0.1 on values (1, 2, 0.5) and "
                 "grads (inf, nan, 2) gave values (%g, %g, %.10g); the "
                 "contract's value -= lr·grad gives (-inf, nan, 0.3): %s",
                 v0, v1, v2, why);
}
END_TEST

START_TEST(param_sgd_step_twice_moves_twice)
{
    /* The grads stay as they are, so a second call takes the same step
     * again: 1 - 2·0.05 = 0.9 and -2 + 2·0.4 = -1.2. */
    Param p[2] = {{1.0, 0.5}, {-2.0, -4.0}};
    param_sgd_step(p, 2, 0.1);
    param_sgd_step(p, 2, 0.1);
    require_finite(p[0].value, "params[0].value after two param_sgd_step() calls");
    ck_assert_msg(grading_near(p[0].value, 0.9, TIGHT) &&
                      grading_near(p[1].value, -1.2, TIGHT),
                  "two calls of param_sgd_step with lr = 0.1 on values (1, -2) and "
                  "grads (0.5, -4) gave (%.10g, %.10g); expected (0.9, -1.2)"
                  "%s", p[0].value, p[1].value,
                  grading_near(p[0].value, 0.95, TIGHT)
                      ? ": the second call did not move, so the first must "
                        "have cleared the grads; leave them alone"
                      : "");
}
END_TEST

static void add_sgd_step_tests(TCase *tc)
{
    tcase_add_test(tc, param_sgd_step_hand_worked);
    tcase_add_test(tc, param_sgd_step_twice_moves_twice);
    tcase_add_test(tc, param_sgd_step_non_finite_grads);
}

/* ================================================ linreg_train_step() */

START_TEST(train_step_clears_stale_gradients)
{
    /* Grads left over from an earlier step, (100, -50), must not count. One
     * step of lr = 0.1 from (0.5, 0) on the lesson's points (chapter 1):
     *   w1 = 0.5 - 0.1·(-32/3) = 47/30,  b1 = 0 - 0.1·(-14/3) = 7/15,
     * and the grads keep this step's gradient, (-32/3, -14/3). Without
     * zero_grad the step would use (100 - 32/3, -50 - 14/3) instead and
     * land on (47/30 - 10, 7/15 + 5). */
    Param p[LINE_PARAMS] = {{W0, 100.0}, {B0, -50.0}};
    linreg_train_step(X, Y, N, 0.1, p);
    double w = p[LINE_W].value, b = p[LINE_B].value;
    double gw = p[LINE_W].grad, gb = p[LINE_B].grad;
    require_finite(w, "w after linreg_train_step()");
    require_finite(b, "b after linreg_train_step()");
    double want_w = 47.0 / 30.0, want_b = 7.0 / 15.0;
    bool values_right = pair_near(w, b, want_w, want_b);
    bool grads_right = pair_near(gw, gb, GRAD_W0, GRAD_B0);
    if (values_right && grads_right)
        return;
    const char *why = "the step is: param_zero_grad, then "
                      "linreg_backward_accumulate with loss_scale 1, then "
                      "param_sgd_step (if those exercises fail, fix them first)";
    bool unmoved = w == W0 && b == B0;
    if (pair_near(w, b, want_w - 10.0, want_b + 5.0))
        why = "the stale gradient (100, -50) that .grad held before the "
              "call was added to this step's, and the parameters moved by "
              "the sum: call param_zero_grad before backward";
    else if (pair_near(w, b, want_w, want_b + 5.0))
        why = "w is right but b moved by its stale -50 too: only w's "
              "gradient was cleared. param_zero_grad takes how many "
              "parameters to clear, LINE_PARAMS (2); LINE_B (1) is an "
              "index, and as a count clears params[0] alone";
    else if (unmoved && gw == 0.0 && gb == 0.0)
        why = "the parameters did not move and the grads are 0: zero_grad "
              "ran after backward and erased its gradient; the order is "
              "zero_grad, backward, step";
    else if (unmoved && grads_right)
        why = "the parameters did not move, yet the grads hold the "
              "gradient: the step ran before backward, when the grads were "
              "still zero; the order is zero_grad, backward, step";
    else if (unmoved)
        why = "the parameters did not move";
    else if (values_right && gw == 0.0 && gb == 0.0)
        why = "the values are right, but the grads were cleared after the "
              "step; the contract keeps this step's gradient in .grad "
              "afterwards (as PyTorch's .grad after optimizer.step()), so "
              "clear them at the start of a step instead";
    ck_abort_msg("one step of lr = 0.1 from w = 0.5, b = 0 with stale grads "
                 "(100, -50) gave w = %.10g, b = %.10g and grads (%.10g, "
                 "%.10g); expected w = 47/30 = %.10g, b = 7/15 = %.10g and "
                 "grads (-32/3, -14/3): %s", w, b, gw, gb, want_w, want_b,
                 why);
}
END_TEST

/* Why a step from (0.5, 0) with stale grads (nan, inf) did not land where
 * one without them does. */
static const char *why_non_finite_stale(double w, double b)
{
    return isnan(w) && isnan(b)
               ? "the stale nan and inf reached the step: clearing a grad "
                 "means assigning 0.0 to it; multiplying by 0 (PyTorch's "
                 "grad.mul_(0)) leaves nan, and inf·0 is nan too. Call "
                 "param_zero_grad"
               : "the step is: param_zero_grad, then backward, then "
                 "param_sgd_step (if those exercises fail, fix them first)";
}

START_TEST(train_step_clears_non_finite_gradients)
{
    /* Stale grads that are not finite, nan and inf (an earlier step that
     * diverged), are cleared like any others: the step is the one above,
     * to (47/30, 7/15). */
    Param p[LINE_PARAMS] = {{W0, NAN}, {B0, INFINITY}};
    linreg_train_step(X, Y, N, 0.1, p);
    double w = p[LINE_W].value, b = p[LINE_B].value;
    if (pair_near(w, b, 47.0 / 30.0, 7.0 / 15.0))
        return;
    ck_abort_msg("one step of lr = 0.1 from w = 0.5, b = 0 with stale grads "
                 "(nan, inf) gave w = %.10g, b = %.10g; expected 47/30 = "
                 "%.10g and 7/15 = %.10g: %s", w, b, 47.0 / 30.0,
                 7.0 / 15.0, why_non_finite_stale(w, b));
}
END_TEST

START_TEST(train_step_twice)
{
    /* Two steps from (0.5, 0), grads 0: the first is the one above; the
     * second uses the gradient at (47/30, 7/15) alone. A step that forgets
     * zero_grad uses the sum of both gradients the second time. */
    Param p[LINE_PARAMS] = {{W0, 0.0}, {B0, 0.0}};
    linreg_train_step(X, Y, N, 0.1, p);
    linreg_train_step(X, Y, N, 0.1, p);
    double w1 = 47.0 / 30.0, b1 = 7.0 / 15.0, g1w, g1b;
    mse_gradient(X, Y, N, w1, b1, &g1w, &g1b);
    double want_w = w1 - 0.1 * g1w, want_b = b1 - 0.1 * g1b;
    double sum_w = w1 - 0.1 * (GRAD_W0 + g1w), sum_b = b1 - 0.1 * (GRAD_B0 + g1b);
    double w = p[LINE_W].value, b = p[LINE_B].value;
    require_finite(w, "w after two linreg_train_step() calls");
    require_finite(b, "b after two linreg_train_step() calls");
    ck_assert_msg(pair_near(w, b, want_w, want_b),
                  "two steps of lr = 0.1 from (0.5, 0) gave (%.10g, %.10g); "
                  "expected (%.10g, %.10g)%s", w, b, want_w, want_b,
                  pair_near(w, b, sum_w, sum_b)
                      ? ": the second step used the sum of both steps' "
                        "gradients, because the first one's was still in "
                        ".grad: call param_zero_grad before backward"
                      : "");
}
END_TEST

static void add_train_step_tests(TCase *tc)
{
    tcase_add_test(tc, train_step_clears_stale_gradients);
    tcase_add_test(tc, train_step_clears_non_finite_gradients);
    tcase_add_test(tc, train_step_twice);
}

/* ==================================== linreg_train_step_accumulated() */

/* Four points and a trap: the micro-batch sizes always add up to 4, so
 * reading the fifth element changes every answer.
 *
 * At w = 0.5, b = 0 the residuals are -1.5, -2, -3.5, -4:
 *   Σ r·x = -1.5 - 4 - 10.5 - 16 = -32    ∂L/∂w = (2/4)(-32) = -16
 *   Σ r   = -11                           ∂L/∂b = (2/4)(-11) = -5.5
 * so one step of lr = 0.1 on all four lands on (0.5 + 1.6, 0 + 0.55) =
 * (2.1, 0.55), and that is what every split must give. */
static const double XA[] = {1.0, 2.0, 3.0, 4.0, 1000.0};
static const double YA[] = {2.0, 3.0, 5.0, 6.0, -1000.0};
#define LR_A 0.1
#define STEP_W 2.1
#define STEP_B 0.55
#define FULL_GRAD_W (-16.0)
#define FULL_GRAD_B (-5.5)

/* The ways an accumulated step goes wrong, each worked out in this file so
 * that a wrong answer can be named. */
typedef enum {
    SIM_NO_WEIGHTS,      /* Σ g_m: every micro-batch weighted 1 */
    SIM_EQUAL_WEIGHTS,   /* (1/k) Σ g_m: right only for equal sizes */
    SIM_LAST_ONLY,       /* (n_k/N) g_k: overwrite, or zero_grad per batch */
    SIM_LAST_UNWEIGHTED, /* g_k alone */
    SIM_STEP_EACH,       /* param_sgd_step after every micro-batch */
    SIM_SAME_SLICE,      /* every micro-batch reads the first examples */
    SIM_STALE,           /* the grads held before the call were kept */
    SIM_INTEGER_WEIGHTS, /* n_m / N in integers: 0 unless n_m = N */
    SIM_TOTAL_FROM_FIRST, /* N taken as k times the first micro-batch's size */
    SIM_SKIP_LAST,       /* the loop stops before the last micro-batch */
    SIM_Y_FROM_START,    /* x advanced to the micro-batch, y left at 0 */
    SIM_Y_BY_INDEX,      /* y advanced by the micro-batch's index m, not by
                            the examples before it (y + m) */
    SIM_OFFSET_BY_FIRST, /* micro-batch m read from m·n_0, as if every
                            micro-batch had the first one's size */
    SIM_KINDS
} Simulated;

static const char *const simulated_diagnosis[SIM_KINDS] = {
    [SIM_NO_WEIGHTS] =
        "the micro-batch gradients were added without weights: each "
        "micro-batch's loss is already a mean, so the sum is about k times "
        "the large batch's gradient (as if lr were k times larger); weight "
        "each backward by its share of the examples, n_m / N",
    [SIM_EQUAL_WEIGHTS] =
        "the micro-batches were weighted equally, 1/k each (a loss divided "
        "by gradient_accumulation_steps, the bug found in Hugging Face's "
        "Trainer in 2024): right only when each has N/k examples; "
        "otherwise a small micro-batch's examples count more. Weight each "
        "by n_m / N",
    [SIM_LAST_ONLY] =
        "only the last micro-batch's gradient reached the step: each "
        "backward must add into .grad (+=), and zero_grad runs once per "
        "update, before the first micro-batch, not before each",
    [SIM_LAST_UNWEIGHTED] =
        "only the last micro-batch's gradient, unweighted, reached the "
        "step: each backward must add into .grad, weighted by n_m / N, and "
        "zero_grad runs once, before the first micro-batch",
    [SIM_STEP_EACH] =
        "the parameters moved after every micro-batch: accumulation takes "
        "one param_sgd_step, after the last micro-batch, so that every gradient "
        "is taken at the same values",
    [SIM_SAME_SLICE] =
        "every micro-batch used the first examples again: micro-batch m "
        "starts where micro-batch m - 1 ended (advance by micro_sizes[m])",
    [SIM_INTEGER_WEIGHTS] =
        "the parameters did not move: the weights n_m / N were computed in "
        "integers, where 2 / 4 is 0; convert to double before dividing",
    [SIM_TOTAL_FROM_FIRST] =
        "the weights did not add up to 1: N is the sum of every "
        "micro-batch's size, not k times the first one's (micro-batches "
        "may differ in size)",
    [SIM_STALE] =
        "the gradient that .grad held before the call was added to this "
        "step's: call param_zero_grad once, at the start of the step",
    [SIM_SKIP_LAST] =
        "the last micro-batch never ran backward: the loop over the "
        "micro-batches runs for m = 0 up to k - 1, all k of them",
    [SIM_Y_FROM_START] =
        "y stayed at the first examples while x moved on: micro-batch m "
        "reads x + first and y + first",
    [SIM_Y_BY_INDEX] =
        "y was advanced by the micro-batch's number m while x moved to "
        "its first example: micro-batch m reads x + first and y + first, "
        "first the sum of the sizes before it",
    [SIM_OFFSET_BY_FIRST] =
        "micro-batch m started at m times the first micro-batch's size, "
        "which is where it starts only when all sizes are equal: start it "
        "at the sum of the sizes before it (the weights n_m / N were right)",
};

/* Runs one accumulated step from `start` (values and grads) the wrong way
 * `kind` says, writing the values it ends with. */
static void simulate(Simulated kind, const size_t *sizes, size_t k,
                     const Param *start, double *w_out, double *b_out)
{
    size_t total = 0;
    for (size_t m = 0; m < k; m++)
        total += sizes[m];
    if (kind == SIM_TOTAL_FROM_FIRST)
        total = k * sizes[0];
    double w = start[LINE_W].value, b = start[LINE_B].value;
    double sum_w = kind == SIM_STALE ? start[LINE_W].grad : 0.0;
    double sum_b = kind == SIM_STALE ? start[LINE_B].grad : 0.0;
    size_t first = 0;
    for (size_t m = 0; m < k; m++) {
        if (kind == SIM_SKIP_LAST && m + 1 == k)
            break;
        size_t from = kind == SIM_SAME_SLICE        ? 0
                      : kind == SIM_OFFSET_BY_FIRST ? m * sizes[0]
                                                    : first;
        if (from + sizes[m] > sizeof XA / sizeof *XA) {
            *w_out = *b_out = NAN; /* past the data: no step to compare */
            return;
        }
        size_t y_from = kind == SIM_Y_FROM_START ? 0
                        : kind == SIM_Y_BY_INDEX ? m : from;
        double gw, gb;
        mse_gradient(XA + from, YA + y_from, sizes[m], w, b, &gw, &gb);
        double weight = kind == SIM_INTEGER_WEIGHTS
                            ? (double)(sizes[m] / total)
                            : (double)sizes[m] / (double)total;
        if (kind == SIM_NO_WEIGHTS || kind == SIM_LAST_UNWEIGHTED)
            weight = 1.0;
        else if (kind == SIM_EQUAL_WEIGHTS)
            weight = 1.0 / (double)k;
        if (kind == SIM_LAST_ONLY || kind == SIM_LAST_UNWEIGHTED)
            sum_w = sum_b = 0.0;
        sum_w += weight * gw;
        sum_b += weight * gb;
        if (kind == SIM_STEP_EACH) {
            w -= LR_A * sum_w;
            b -= LR_A * sum_b;
        }
        first += sizes[m];
    }
    if (kind != SIM_STEP_EACH) {
        w -= LR_A * sum_w;
        b -= LR_A * sum_b;
    }
    *w_out = w;
    *b_out = b;
}

/* Names the mistake of an accumulated step from `start` that ended with
 * the values and grads in p, wrong on (XA, YA). */
static const char *diagnose_accumulated(const size_t *sizes, size_t k,
                                        const Param *start, const Param *p)
{
    double w = p[LINE_W].value, b = p[LINE_B].value;
    /* The same step twice from the same start must end the same: a static
     * total or sum grows from call to call, whatever else it gets wrong. */
    Param again[2][LINE_PARAMS];
    for (int r = 0; r < 2; r++) {
        memcpy(again[r], start, sizeof again[r]);
        linreg_train_step_accumulated(XA, YA, sizes, k, LR_A, again[r]);
    }
    if (memcmp(again[0], again[1], sizeof again[0]) != 0)
        return "the same call from the same start ended differently the "
               "next time: something is kept between calls (a static total, "
               "sum or offset?); compute everything afresh on every call";
    /* Right grads, wrong values: the weights are right and the step is
     * not. Moved by lr/k times the full gradient, it averaged twice. */
    if (pair_near(p[LINE_W].grad, p[LINE_B].grad, FULL_GRAD_W, FULL_GRAD_B)) {
        double lr_k = LR_A / (double)k;
        if (k > 1 && pair_near(w, b, start[LINE_W].value - lr_k * FULL_GRAD_W,
                               start[LINE_B].value - lr_k * FULL_GRAD_B))
            return "the grads hold the right gradient, but the step used lr "
                   "/ k: the weights n_m / N already make the grads a mean, "
                   "so dividing lr by k averages twice; step with lr itself";
        return "the grads hold the right gradient, but the values did not "
               "move by lr times it: one param_sgd_step with lr, after the "
               "last micro-batch";
    }
    for (int kind = 0; kind < SIM_KINDS; kind++) {
        double sw, sb;
        simulate((Simulated)kind, sizes, k, start, &sw, &sb);
        if (pair_near(sw, sb, STEP_W, STEP_B))
            continue; /* this mistake does not show on this split */
        if (pair_near(w, b, sw, sb))
            return simulated_diagnosis[kind];
    }
    if (w == start[LINE_W].value && b == start[LINE_B].value)
        return "the parameters did not move";
    return "the weights must make the grads hold the gradient over all N "
           "examples: Σ_m (n_m / N)·g_m (if linreg-backward-accumulate "
           "fails, fix it first)";
}

/* Checks one accumulated step on (XA, YA) from `start`; `split` describes
 * the sizes in the message. */
static void check_accumulated_step(const size_t *sizes, size_t k,
                                   const Param *start, const char *split)
{
    Param p[LINE_PARAMS];
    memcpy(p, start, sizeof p);
    linreg_train_step_accumulated(XA, YA, sizes, k, LR_A, p);
    double w = p[LINE_W].value, b = p[LINE_B].value;
    require_finite(w, "w after linreg_train_step_accumulated()");
    require_finite(b, "b after linreg_train_step_accumulated()");
    if (!pair_near(w, b, STEP_W, STEP_B)) {
        const char *why = diagnose_accumulated(sizes, k, start, p);
        ck_abort_msg("one accumulated step of lr = 0.1 from w = 0.5, b = 0 "
                     "on x = {1, 2, 3, 4}, y = {2, 3, 5, 6}, micro-batches "
                     "%s, gave w = %.10g, b = %.10g; one step on all four "
                     "examples gives w = 2.1, b = 0.55: %s",
                     split, w, b, why);
    }
    ck_assert_msg(pair_near(p[LINE_W].grad, p[LINE_B].grad, FULL_GRAD_W,
                            FULL_GRAD_B),
                  "after an accumulated step (micro-batches %s) the grads "
                  "are (%.10g, %.10g); they should hold the gradient over "
                  "all four examples, (-16, -5.5), as .grad does after "
                  "accumulation in PyTorch", split, p[LINE_W].grad,
                  p[LINE_B].grad);
}

static const Param START_A[LINE_PARAMS] = {{0.5, 0.0}, {0.0, 0.0}};

START_TEST(accumulated_equal_micro_batches)
{
    /* Sizes {2, 2}. First half, residuals -1.5, -2: Σ r·x = -5.5, Σ r =
     * -3.5, g1 = (2/2)·(-5.5, -3.5) = (-5.5, -3.5). Second half, residuals
     * -3.5, -4: Σ r·x = -26.5, Σ r = -7.5, g2 = (-26.5, -7.5).
     * (g1 + g2)/2 = (-16, -5.5), the full gradient. Without weights the
     * sum (-32, -11) would land on (3.7, 1.1). */
    const size_t sizes[] = {2, 2};
    check_accumulated_step(sizes, 2, START_A, "{2, 2}");
}
END_TEST

START_TEST(accumulated_unequal_micro_batches)
{
    /* Sizes {1, 3}. g1 on x = 1 alone: r = -1.5, g1 = 2·(-1.5)·(1, 1) =
     * (-3, -3). g2 on x = 2, 3, 4: Σ r·x = -30.5, Σ r = -9.5,
     * g2 = (2/3)·(-30.5, -9.5) = (-61/3, -19/3).
     * By size: (1/4)·g1 + (3/4)·g2 = (-0.75 - 15.25, -0.75 - 4.75)
     * = (-16, -5.5), the full gradient.
     * Equally: (g1 + g2)/2 = (-35/3, -14/3), landing on (5/3, 7/15). */
    const size_t sizes_a[] = {1, 3};
    check_accumulated_step(sizes_a, 2, START_A, "{1, 3}");
    /* Sizes {3, 1}: g1 = (-32/3, -14/3) (chapter 1's three points),
     * g2 on x = 4: r = -4, g2 = (-32, -8); by size (3/4)g1 + (1/4)g2 =
     * (-8 - 8, -3.5 - 2) = (-16, -5.5). */
    const size_t sizes_b[] = {3, 1};
    check_accumulated_step(sizes_b, 2, START_A, "{3, 1}");
    const size_t sizes_c[] = {1, 2, 1};
    check_accumulated_step(sizes_c, 3, START_A, "{1, 2, 1}");
}
END_TEST

START_TEST(accumulated_one_micro_batch_is_a_plain_step)
{
    const size_t sizes[] = {4};
    check_accumulated_step(sizes, 1, START_A, "{4} (one micro-batch)");
    const size_t singles[] = {1, 1, 1, 1};
    check_accumulated_step(singles, 4, START_A, "{1, 1, 1, 1}");
}
END_TEST

START_TEST(accumulated_clears_stale_gradients)
{
    /* Grads (100, -50) left from an earlier step must not count: a step
     * that keeps them lands on (2.1 - 10, 0.55 + 5). */
    const Param stale[LINE_PARAMS] = {{0.5, 100.0}, {0.0, -50.0}};
    const size_t sizes[] = {1, 3};
    check_accumulated_step(sizes, 2, stale, "{1, 3}, with stale grads (100, -50)");
}
END_TEST

START_TEST(accumulated_clears_non_finite_gradients)
{
    /* Stale grads nan and inf must be cleared too, before the first
     * micro-batch: the step is still the one on all four examples, to
     * (2.1, 0.55). */
    Param p[LINE_PARAMS] = {{0.5, NAN}, {0.0, INFINITY}};
    const size_t sizes[] = {1, 3};
    linreg_train_step_accumulated(XA, YA, sizes, 2, LR_A, p);
    double w = p[LINE_W].value, b = p[LINE_B].value;
    if (pair_near(w, b, STEP_W, STEP_B))
        return;
    ck_abort_msg("one accumulated step of lr = 0.1 from w = 0.5, b = 0 with "
                 "stale grads (nan, inf), micro-batches {1, 3}, gave w = "
                 "%.10g, b = %.10g; one step on all four examples gives "
                 "w = 2.1, b = 0.55: %s", w, b, why_non_finite_stale(w, b));
}
END_TEST

START_TEST(accumulated_total_is_recomputed_every_call)
{
    /* Two calls in one run: sizes {1, 3} (N = 4), then {1, 2} (N = 3) on
     * the same points, which are then chapter 1's three. For {1, 2}:
     * g1 on x = 1: (-3, -3); g2 on x = 2, 3, residuals -2, -3.5:
     * Σ r·x = -14.5, Σ r = -5.5, g2 = (2/2)·(-14.5, -5.5);
     * (1/3)·g1 + (2/3)·g2 = (-1 - 29/3, -1 - 11/3) = (-32/3, -14/3), so
     * the step lands on (47/30, 7/15), as in the train-step tests. With the
     * first call's N = 4 the weights are 1/4, 2/4: (-0.75 - 7.25,
     * -0.75 - 2.75) = (-8, -3.5), landing on (1.3, 0.35). */
    const size_t four[] = {1, 3}, three[] = {1, 2};
    check_accumulated_step(four, 2, START_A, "{1, 3}");
    Param p[LINE_PARAMS];
    memcpy(p, START_A, sizeof p);
    linreg_train_step_accumulated(XA, YA, three, 2, LR_A, p);
    double w = p[LINE_W].value, b = p[LINE_B].value;
    require_finite(w, "w after linreg_train_step_accumulated()");
    require_finite(b, "b after linreg_train_step_accumulated()");
    ck_assert_msg(pair_near(w, b, 47.0 / 30.0, 7.0 / 15.0) &&
                      pair_near(p[LINE_W].grad, p[LINE_B].grad, GRAD_W0,
                                GRAD_B0),
                  "after a step on micro-batches {1, 3} (N = 4), a step of "
                  "lr = 0.1 from w = 0.5, b = 0 on micro-batches {1, 2} "
                  "(N = 3: x = {1, 2, 3}, y = {2, 3, 5}) gave w = %.10g, "
                  "b = %.10g, grads (%.10g, %.10g); expected w = 47/30, "
                  "b = 7/15, grads (-32/3, -14/3)%s", w, b, p[LINE_W].grad,
                  p[LINE_B].grad,
                  pair_near(w, b, 1.3, 0.35)
                      ? ": the weights used N = 4, the previous call's "
                        "total. Compute N = Σ micro_sizes[m] afresh on every "
                        "call (a static variable keeps the first call's)"
                      : ": the weights are n_m / N with this call's N");
}
END_TEST

START_TEST(accumulated_matches_the_large_batch)
{
    /* 100 points on [-2, 2], targets from y = 2x + 1 plus a fixed wiggle,
     * 50 steps of lr = 0.05 from (0.3, -0.7): accumulated over
     * micro-batches 40, 30, 20, 10 and over 34, 33, 33 against one batch
     * of 100, each step's gradient computed here in closed form. The sums
     * differ only in the order of the additions, so the runs agree to
     * rounding; 1e-12 relative leaves a wide margin. */
    enum { POINTS = 100, STEPS = 50 };
    double x[POINTS], y[POINTS];
    for (size_t i = 0; i < POINTS; i++) {
        x[i] = -2.0 + 4.0 * (double)i / (POINTS - 1);
        y[i] = 2.0 * x[i] + 1.0 + 0.1 * sin(7.0 * (double)i);
    }
    double w = 0.3, b = -0.7;
    for (size_t s = 0; s < STEPS; s++) {
        double gw, gb;
        mse_gradient(x, y, POINTS, w, b, &gw, &gb);
        w -= 0.05 * gw;
        b -= 0.05 * gb;
    }
    const size_t split_a[] = {40, 30, 20, 10}, split_b[] = {34, 33, 33};
    const size_t *splits[] = {split_a, split_b};
    const size_t ks[] = {4, 3};
    const char *names[] = {"40, 30, 20, 10", "34, 33, 33"};
    for (size_t t = 0; t < 2; t++) {
        Param p[LINE_PARAMS] = {{0.3, 0.0}, {-0.7, 0.0}};
        for (size_t s = 0; s < STEPS; s++)
            linreg_train_step_accumulated(x, y, splits[t], ks[t], 0.05, p);
        require_finite(p[LINE_W].value, "w after 50 accumulated steps");
        require_finite(p[LINE_B].value, "b after 50 accumulated steps");
        ck_assert_msg(grading_near(p[LINE_W].value, w, 1e-12) &&
                          grading_near(p[LINE_B].value, b, 1e-12),
                      "50 accumulated steps over micro-batches of %s gave "
                      "w = %.15g, b = %.15g; 50 steps on the whole batch of "
                      "100 give w = %.15g, b = %.15g, and the two should "
                      "agree to rounding", names[t], p[LINE_W].value,
                      p[LINE_B].value, w, b);
    }
}
END_TEST

static void add_accumulated_tests(TCase *tc)
{
    tcase_add_test(tc, accumulated_equal_micro_batches);
    tcase_add_test(tc, accumulated_unequal_micro_batches);
    tcase_add_test(tc, accumulated_one_micro_batch_is_a_plain_step);
    tcase_add_test(tc, accumulated_clears_stale_gradients);
    tcase_add_test(tc, accumulated_clears_non_finite_gradients);
    tcase_add_test(tc, accumulated_total_is_recomputed_every_call);
    tcase_add_test(tc, accumulated_matches_the_large_batch);
}

/* ============================================================ chapter */

static const Exercise exercises[] = {
    {"param-zero-grad", "param_zero_grad()", 2, "Clearing gradients",
     "Loop over the count parameters and assign 0.0 to each grad; leave "
     "the values alone.",
     add_zero_grad_tests},
    {"backward-accumulate", "linreg_backward_accumulate()", 4,
     "A backward pass that adds",
     "Chapter 1's two partial derivatives at the current values, each "
     "times loss_scale, added to the matching grad: a backward pass "
     "adds, it never overwrites.",
     add_backward_tests},
    {"param-sgd-step", "param_sgd_step()", 2, "The optimizer's step",
     "Chapter 1's update, applied to every parameter's value; the "
     "gradients are only read.",
     add_sgd_step_tests},
    {"train-step", "linreg_train_step()", 3, "The training loop",
     "Three calls in this order: param_zero_grad, "
     "linreg_backward_accumulate with loss_scale 1, param_sgd_step.",
     add_train_step_tests},
    {"accumulated-step", "linreg_train_step_accumulated()", 5,
     "Accumulating over micro-batches",
     "Add up the sizes to get N; zero the grads once; for each micro-batch "
     "call backward on its slice with loss_scale n_m / N and move the "
     "start on by n_m; then one param_sgd_step.",
     add_accumulated_tests},
};

int main(int argc, char **argv)
{
    Chapter chapter = {"02-gradient-accumulation", "Gradient accumulation",
                       exercises, sizeof exercises / sizeof *exercises};
    return grading_main(&chapter, argc, argv);
}
