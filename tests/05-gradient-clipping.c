/*
 * tests/05-gradient-clipping.c: the graded tests of chapter 5.
 *
 * Expected values are worked by hand below (the working is in the
 * comments), or follow from the contracts' rules applied to histories
 * built here; none is computed by the reference solution. Where a classic
 * mistake gives a recognisable wrong answer, the test names the mistake.
 */
#include "grading.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "05-gradient-clipping.h"

/* Every array has one more entry than its tensor's size: a sentinel that
 * a function must neither read into its result nor write. */
#define SENTINEL 1000.0

/* Hand-worked numbers involve a few roundings at most. */
#define TIGHT 1e-12

#define COUNT(a) (sizeof(a) / sizeof *(a))

/* ================================================ the hand-worked model
 * Three tensors, the middle one empty:
 *   a: gradient (1, 2, 2)     its norm sqrt(1 + 4 + 4) = 3
 *   b: no entries
 *   c: gradient (2, 2, 2, 2)  its norm sqrt(4·4) = 4
 * The global norm is sqrt(9 + 16) = 5, where the classic mistakes give:
 * no square root 25, the first tensor alone 3, the largest tensor's norm
 * 4, the tensors' norms added 3 + 4 = 7, the sum of |g| 13, and reading
 * one entry past each tensor adds the sentinels (over 1000). */
typedef struct {
    double value_a[4], grad_a[4], value_b[1], grad_b[1], value_c[5], grad_c[5];
    Parameter params[3];
} Model;

static void model_init(Model *m)
{
    *m = (Model){.value_a = {1, 1, 1, SENTINEL},
                 .grad_a = {1, 2, 2, SENTINEL},
                 .value_b = {SENTINEL},
                 .grad_b = {SENTINEL},
                 .value_c = {0, 0, 0, 0, SENTINEL},
                 .grad_c = {2, 2, 2, 2, SENTINEL}};
    m->params[0] = (Parameter){m->value_a, m->grad_a, 3};
    m->params[1] = (Parameter){m->value_b, m->grad_b, 0};
    m->params[2] = (Parameter){m->value_c, m->grad_c, 4};
}

/* True when the model's gradients are a's (1, 2, 2) times ka and c's
 * (2, 2, 2, 2) times kc, to TIGHT. */
static bool grads_scaled(const Model *m, double ka, double kc)
{
    static const double a[3] = {1, 2, 2};
    for (size_t i = 0; i < 3; i++)
        if (!grading_near(m->grad_a[i], a[i] * ka, TIGHT))
            return false;
    for (size_t i = 0; i < 4; i++)
        if (!grading_near(m->grad_c[i], 2.0 * kc, TIGHT))
            return false;
    return true;
}

static void require_sentinels(const Model *m, const char *what)
{
    ck_assert_msg(m->grad_a[3] == SENTINEL && m->grad_b[0] == SENTINEL &&
                      m->grad_c[4] == SENTINEL && m->value_a[3] == SENTINEL &&
                      m->value_b[0] == SENTINEL && m->value_c[4] == SENTINEL,
                  "%s wrote past the end of a tensor: touch exactly "
                  "params[t].size entries of each", what);
}

static void require_values_untouched(const Model *m, const char *what)
{
    ck_assert_msg(m->value_a[0] == 1 && m->value_a[1] == 1 &&
                      m->value_a[2] == 1 && m->value_c[0] == 0 &&
                      m->value_c[3] == 0,
                  "%s changed the parameters' values: clipping works on the "
                  "gradients only", what);
}

/* ================================================== grad_global_norm() */

/* The tensors (3), (4), with no empty tensor among them: true when
 * grad_global_norm gives their norm, 5. The hand-worked model's empty
 * tensor b comes right after a, so a loop that stops at an empty tensor
 * and one that reads the first tensor alone both give 3 there; here the
 * first gets 5 and only the second still gives 3. */
static bool norm_right_without_empty_tensor(void)
{
    double g1[] = {3, SENTINEL}, g2[] = {4, SENTINEL};
    Parameter p[] = {{NULL, g1, 1}, {NULL, g2, 1}};
    return grading_near(grad_global_norm(p, 2), 5.0, TIGHT);
}

START_TEST(global_norm_hand_worked)
{
    Model m;
    model_init(&m);
    double got = grad_global_norm(m.params, 3);
    require_finite(got, "grad_global_norm()");
    if (grading_near(got, 5.0, TIGHT))
        return;
    const char *why = "see the lesson's formula, one sum of squares over "
                      "every entry, then one square root";
    if (got < 0.0)
        why = "a norm is never negative: nothing was computed yet";
    else if (grading_near(got, 25.0, TIGHT))
        why = "that is the sum of squares: the norm is its square root";
    else if (grading_near(got, 3.0, TIGHT) && norm_right_without_empty_tensor())
        why = "that is a's norm alone, and the loop stopped at the empty "
              "tensor b: a tensor of size 0 is not the end of the list; go "
              "on to the tensors after it";
    else if (grading_near(got, 3.0, TIGHT))
        why = "that is the first tensor's norm alone: the global norm "
              "takes every tensor";
    else if (grading_near(got, 4.0, TIGHT))
        why = "that is the largest tensor's norm: the global norm combines "
              "all of them";
    else if (grading_near(got, 7.0, TIGHT))
        why = "the tensors' norms were added (3 + 4): add their squares "
              "and take one square root, sqrt(3² + 4²)";
    else if (grading_near(got, 13.0, TIGHT))
        why = "that is the sum of absolute values (the L1 norm): square, "
              "add, then take the square root";
    else if (got > 100.0)
        why = "the sentinel 1000 after a tensor's last entry was read: a "
              "tensor of size n has entries 0 .. n - 1";
    ck_abort_msg("grad_global_norm of the tensors (1, 2, 2), (), (2, 2, 2, "
                 "2) gave %.10g, expected sqrt(9 + 16) = 5: %s", got, why);
}
END_TEST

START_TEST(global_norm_simple_cases)
{
    /* (3, 4) has norm 5; sixteen ones have norm sqrt(16) = 4; an all-zero
     * gradient has norm exactly 0. */
    double g1[] = {3, 4, SENTINEL}, g2[17], g3[] = {0, -0.0, 0, SENTINEL};
    for (size_t i = 0; i < 16; i++)
        g2[i] = 1.0;
    g2[16] = SENTINEL;
    Parameter p1 = {NULL, g1, 2}, p2 = {NULL, g2, 16}, p3 = {NULL, g3, 3};
    double n1 = grad_global_norm(&p1, 1), n2 = grad_global_norm(&p2, 1),
           n3 = grad_global_norm(&p3, 1);
    ck_assert_msg(grading_near(n1, 5.0, TIGHT) && grading_near(n2, 4.0, TIGHT) &&
                      n3 == 0.0,
                  "the global norm of (3, 4) is 5, of sixteen ones 4, of "
                  "(0, 0, 0) 0; got %.10g, %.10g, %.10g", n1, n2, n3);
    /* count = 0: no tensors, no entries, a norm of 0 (the sum of no
     * squares). p1 sits at the address given, but it is not one of the
     * count tensors, so its (3, 4) must not be read into the sum. */
    double none = grad_global_norm(&p1, 0);
    ck_assert_msg(none == 0.0,
                  "grad_global_norm with count = 0 gave %g, expected 0: with "
                  "no tensors there are no entries, and the sum of no "
                  "squares is 0; start the sum at 0 rather than at the "
                  "first entry, which may not exist", none);
}
END_TEST

START_TEST(global_norm_fractional)
{
    /* The tensors (0.3, 0.4) and (1.2): 0.09 + 0.16 + 1.44 = 1.69, whose
     * square root is 1.3. The hand-worked model above has only whole
     * squares, which an integer accumulator or a float one gets exactly;
     * here an integer accumulator truncates 0.09, 0.16 and 1.44 to
     * 0, 0, 1 (norm 1), and a float one keeps about 7 digits (an error
     * near 1e-7, far above TIGHT). */
    double g1[] = {0.3, 0.4, SENTINEL}, g2[] = {1.2, SENTINEL};
    Parameter p[] = {{NULL, g1, 2}, {NULL, g2, 1}};
    double got = grad_global_norm(p, 2);
    require_finite(got, "grad_global_norm()");
    if (grading_near(got, 1.3, TIGHT))
        return;
    const char *why = "add the squares in a double and take one square root";
    if (grading_near(got, 1.0, TIGHT) || got == 0.0)
        why = "the squares were added in an integer, which drops their "
              "fractions: accumulate in a double";
    else if (grading_near(got, 1.3, 1e-6))
        why = "close, but only to single precision: accumulate in a "
              "double, not a float";
    ck_abort_msg("grad_global_norm of the tensors (0.3, 0.4), (1.2) gave "
                 "%.17g, expected sqrt(0.09 + 0.16 + 1.44) = 1.3: %s", got,
                 why);
}
END_TEST

START_TEST(global_norm_recomputed_each_call)
{
    /* The hand-worked model's norm is 5; with c's gradient then set to
     * (0, 0, 0, 0), the same tensors, at the same addresses, have norm
     * sqrt(1 + 4 + 4) = 3. The arrays are the caller's, and a training
     * loop changes them between calls, every step. */
    Model m;
    model_init(&m);
    double first = grad_global_norm(m.params, 3);
    for (size_t i = 0; i < 4; i++)
        m.grad_c[i] = 0.0;
    double second = grad_global_norm(m.params, 3);
    bool first_right = grading_near(first, 5.0, TIGHT);
    ck_assert_msg(first_right && grading_near(second, 3.0, TIGHT),
                  "grad_global_norm of (1, 2, 2), (), (2, 2, 2, 2) gave "
                  "%.10g, expected 5; then, with c's gradient set to (0, 0, "
                  "0, 0), it gave %.10g, expected sqrt(1 + 4 + 4) = 3%s",
                  first, second,
                  first_right && grading_near(second, 5.0, TIGHT)
                      ? ": the second call returned the first call's norm, "
                        "and a norm remembered from an earlier call is "
                        "stale: the gradient changes between calls, so sum "
                        "its squares afresh every time"
                      : "");
}
END_TEST

START_TEST(global_norm_nonfinite)
{
    /* (nan, 1), (2): nan² is nan, and a sum with a nan in it is nan, so
     * the norm is nan, as torch's is; skipping the nan, as NumPy's nansum
     * does, gives sqrt(1 + 4) = √5. (-inf, 1), (2): (-inf)² = +inf, so the
     * sum and its square root are +inf. */
    double a[] = {NAN, 1.0, SENTINEL}, b[] = {2.0, SENTINEL};
    Parameter p[] = {{NULL, a, 2}, {NULL, b, 1}};
    double got = grad_global_norm(p, 2);
    ck_assert_msg(isnan(got),
                  "grad_global_norm of the tensors (nan, 1), (2) gave %.10g, "
                  "expected nan: %s", got,
                  grading_near(got, sqrt(5.0), TIGHT)
                      ? "√5 = sqrt(1 + 4) means the nan was skipped; a nan "
                        "entry makes the sum of squares nan, and the norm "
                        "must be nan so that clipping spreads it instead of "
                        "hiding a broken gradient"
                      : "nan² is nan, and a sum with a nan in it is nan");
    a[0] = -INFINITY;
    got = grad_global_norm(p, 2);
    ck_assert_msg(isinf(got) && got > 0.0,
                  "grad_global_norm of the tensors (-inf, 1), (2) gave %g, "
                  "expected +inf: (-inf)² is +inf, and so are the sum of "
                  "squares and its square root", got);
    /* Finite entries whose squares overflow: (1e200), (1e200). 1e400 is
     * past the largest double, so Σ g² is inf and so is the norm, as
     * torch's (torch.linalg.vector_norm and clip_grad_norm_ both give inf
     * in float64, and the clip then zeroes the gradient). A norm rescaled
     * against overflow, as BLAS's dnrm2 computes it, gives 1.414e200: a
     * better number, but not the contract's, and a run would part from
     * torch's there. */
    double big_a[] = {1e200, SENTINEL}, big_b[] = {1e200, SENTINEL};
    Parameter big[] = {{NULL, big_a, 1}, {NULL, big_b, 1}};
    got = grad_global_norm(big, 2);
    ck_assert_msg(isinf(got) && got > 0.0,
                  "grad_global_norm of the tensors (1e200), (1e200) gave %g, "
                  "expected +inf%s", got,
                  grading_near(got, sqrt(2.0) * 1e200, 1e-12)
                      ? ": the norm was rescaled to dodge the overflow; the "
                        "contract is sqrt(Σ g²) in doubles, as torch "
                        "computes it, and 1e200² is inf"
                      : ": 1e200² is past the largest double, so the sum of "
                        "squares is inf, and so is its square root");
}
END_TEST

START_TEST(global_norm_inf_then_nan)
{
    /* (inf, nan, 1, 0): inf² = inf, then inf + nan² = inf + nan = nan, and
     * nan + 1 + 0 stays nan: the norm is nan (IEEE 754: an operation with
     * a nan operand gives nan, inf included). The order matters to a loop
     * that returns inf as soon as the running sum is inf: it never adds
     * the nan after it. (nan, inf) in the other order tells that loop
     * from one that skips nan entries: the first gives nan there (nan is
     * added before the inf), the second inf. */
    double g[] = {INFINITY, NAN, 1.0, 0.0, SENTINEL};
    Parameter p = {NULL, g, 4};
    double got = grad_global_norm(&p, 1);
    if (isnan(got))
        return;
    double other_order[] = {NAN, INFINITY, SENTINEL};
    Parameter q = {NULL, other_order, 2};
    bool stops_at_inf = isinf(got) && got > 0.0 &&
                        isnan(grad_global_norm(&q, 1));
    ck_abort_msg("grad_global_norm of (inf, nan, 1, 0) gave %g, expected "
                 "nan: %s", got,
                 stops_at_inf
                     ? "the sum returned inf as soon as it was inf, and the "
                       "nan after it was never added (with the nan first, "
                       "(nan, inf) gives nan); inf + nan is nan, and a nan "
                       "anywhere makes the norm nan, whatever came before "
                       "it: add every entry's square, then take the root"
                     : "inf² is inf, and inf + nan is nan: a nan anywhere "
                       "makes the sum of squares, and the norm, nan");
}
END_TEST

static void add_global_norm_tests(TCase *tc)
{
    tcase_add_test(tc, global_norm_hand_worked);
    tcase_add_test(tc, global_norm_simple_cases);
    tcase_add_test(tc, global_norm_fractional);
    tcase_add_test(tc, global_norm_recomputed_each_call);
    tcase_add_test(tc, global_norm_nonfinite);
    tcase_add_test(tc, global_norm_inf_then_nan);
}

/* ==================================================== clip_grad_norm() */

START_TEST(clip_norm_hand_worked)
{
    /* max_norm = 1, global norm 5: torch's coefficient is
     * c = 1/(5 + 1e-6), and every entry is multiplied by it, so the
     * direction stays and the norm becomes 5/(5 + 1e-6), just under 1.
     * The mistakes: clamping each entry into [-1, 1] leaves (1, 1, 1) and
     * (1, 1, 1, 1); clipping each tensor to norm 1 on its own multiplies
     * a by 1/(3 + 1e-6) and c by 1/(4 + 1e-6); c = 1/5 drops the 1e-6
     * (a relative difference of 2e-7, far above TIGHT); a norm without
     * its square root gives c = 1/(25 + 1e-6); c rounded down to a whole
     * number (floor, or an integer division) is 0; c kept in a float is
     * off by at most half a float's step near 0.2, 2^-27 (7.5e-9), which
     * makes an entry 2 off by 1.5e-8, where c = 1/5 is off by 8e-8. */
    Model m;
    model_init(&m);
    double got = clip_grad_norm(m.params, 3, 1.0);
    require_sentinels(&m, "clip_grad_norm");
    require_values_untouched(&m, "clip_grad_norm");
    double c = 1.0 / (5.0 + 1e-6);
    if (!grads_scaled(&m, c, c)) {
        const char *why = "every entry of every tensor is multiplied by "
                          "the one coefficient max_norm/(norm + 1e-6)";
        if (grads_scaled(&m, 1.0, 1.0))
            why = "nothing was clipped, although the norm 5 is above "
                  "max_norm = 1";
        else if (grads_scaled(&m, 0.0, 0.0))
            why = "every entry became 0: the coefficient was rounded down "
                  "to a whole number (floor, or an integer division), and "
                  "1/(5 + 1e-6) rounds down to 0; keep it the fraction it "
                  "is, in a double";
        else if (grads_scaled(&m, 1.0 / 5.0 + 1e-6, 1.0 / 5.0 + 1e-6))
            why = "the coefficient was max_norm/norm + 1e-6: the 1e-6 belongs "
                  "in the denominator, max_norm/(norm + 1e-6), where it keeps "
                  "a zero norm from dividing by zero";
        else if (m.grad_a[0] == 1 && m.grad_a[1] == 1 && m.grad_a[2] == 1 &&
                 m.grad_c[0] == 1 && m.grad_c[3] == 1)
            why = "each entry was clamped into [-max_norm, max_norm]: that is "
                  "clipping by value passed off as clipping by norm, and it "
                  "turns the gradient; scale every entry by one coefficient";
        else if (grads_scaled(&m, 1.0 / (3.0 + 1e-6), 1.0 / (4.0 + 1e-6)))
            why = "each tensor was clipped separately, to norm 1 on its own: "
                  "clipping by global norm uses one norm over all tensors "
                  "jointly, and one coefficient";
        else if (grads_scaled(&m, 0.2, 0.2))
            why = "the coefficient is max_norm/norm = 1/5: torch's is "
                  "max_norm/(norm + 1e-6)";
        else if (grads_scaled(&m, 1.0 / (25.0 + 1e-6), 1.0 / (25.0 + 1e-6)))
            why = "the coefficient used 25, the sum of squares, where the "
                  "norm is its square root, 5";
        else if (grads_scaled(&m, 5.0, 5.0))
            why = "the coefficient is upside down: max_norm/(norm + 1e-6), "
                  "not its inverse";
        /* Other norms than torch's default L2: the largest entry, 2, or
         * the sum of the entries' sizes, 5 + 8 = 13. */
        else if (grads_scaled(&m, 1.0 / (2.0 + 1e-6), 1.0 / (2.0 + 1e-6)))
            why = "the norm was the largest entry, 2 (the ∞-norm): "
                  "clip_grad_norm's is the L2 norm, √(Σ g²) = 5 over every "
                  "entry of every tensor";
        else if (grads_scaled(&m, 1.0 / (13.0 + 1e-6), 1.0 / (13.0 + 1e-6)))
            why = "the norm was the sum of the entries' sizes, 13 (the "
                  "1-norm): clip_grad_norm's is the L2 norm, √(Σ g²) = 5";
        else if (grading_near(m.grad_a[1], 2.0 * c, 5e-8) &&
                 grading_near(m.grad_c[0], 2.0 * c, 5e-8))
            why = "right to about 7 digits: the coefficient (or the "
                  "gradient) went through a float; compute in double";
        ck_abort_msg("clip_grad_norm with max_norm = 1 on the tensors (1, 2, "
                     "2), (), (2, 2, 2, 2), global norm 5, left a = (%.10g, "
                     "%.10g, %.10g), c = (%.10g, ...); expected every entry "
                     "times 1/(5 + 1e-6) = %.10g: %s", m.grad_a[0],
                     m.grad_a[1], m.grad_a[2], m.grad_c[0], c, why);
    }
    require_finite(got, "clip_grad_norm()'s return value");
    ck_assert_msg(grading_near(got, 5.0, TIGHT),
                  "clip_grad_norm clipped right but returned %.10g; it "
                  "returns the norm before clipping, 5%s", got,
                  grading_near(got, 5.0 / (5.0 + 1e-6), 1e-9)
                      ? ": that is the norm after clipping" : "");
    /* count = 2: a and the empty b, so the last tensor looked at has no
     * entries. The norm is a's, 3; c = 1/(3 + 1e-6) scales a, and c's
     * gradient, past the count, keeps its (2, 2, 2, 2). */
    model_init(&m);
    got = clip_grad_norm(m.params, 2, 1.0);
    ck_assert_msg(grading_near(got, 3.0, TIGHT) &&
                      grads_scaled(&m, 1.0 / (3.0 + 1e-6), 1.0),
                  "clip_grad_norm with max_norm = 1 on the tensors (1, 2, 2) "
                  "and () (count = 2) returned %.10g and left a = (%.10g, "
                  "%.10g, %.10g), c[0] = %g; expected the norm 3, a times "
                  "1/(3 + 1e-6) and c, past the count, untouched: %s",
                  got, m.grad_a[0], m.grad_a[1], m.grad_a[2], m.grad_c[0],
                  grads_scaled(&m, 1.0 / (5.0 + 1e-6), 1.0)
                      ? "a was scaled by the first call's 1/(5 + 1e-6): a "
                        "coefficient kept from an earlier call is stale; "
                        "compute it from this call's norm"
                      : "an empty last tensor ends the list but adds nothing "
                        "to the norm");
}
END_TEST

START_TEST(clip_norm_leaves_short_gradients_alone)
{
    /* (0.3, 0.4) has norm 0.5 < max_norm = 1: c = 1/(0.5 + 1e-6) is about
     * 2, above 1, so nothing changes. A zero gradient has c = 1/1e-6, and
     * stays zero (dividing by the bare norm 0 would give nan). */
    double g[] = {0.3, 0.4, SENTINEL}, zero[] = {0.0, 0.0, SENTINEL};
    Parameter p = {NULL, g, 2}, z = {NULL, zero, 2};
    double got = clip_grad_norm(&p, 1, 1.0);
    ck_assert_msg(g[2] == SENTINEL, "clip_grad_norm wrote past the tensor");
    if (!(g[0] == 0.3 && g[1] == 0.4)) {
        const char *why = "a gradient shorter than max_norm is left exactly "
                          "as it is";
        if (grading_near(g[0], 0.3 / (0.5 + 1e-6), TIGHT))
            why = "the gradient was scaled up to max_norm: clip only when "
                  "the coefficient max_norm/(norm + 1e-6) is below 1";
        ck_abort_msg("clip_grad_norm with max_norm = 1 changed (0.3, 0.4), "
                     "whose norm is 0.5, to (%.10g, %.10g): %s", g[0], g[1],
                     why);
    }
    ck_assert_msg(grading_near(got, 0.5, TIGHT),
                  "clip_grad_norm of (0.3, 0.4) returned %.10g, expected its "
                  "norm 0.5", got);
    double zero_norm = clip_grad_norm(&z, 1, 1.0);
    ck_assert_msg(zero[0] == 0.0 && zero[1] == 0.0 && zero_norm == 0.0,
                  "clip_grad_norm of a zero gradient must leave it zero and "
                  "return 0; got (%g, %g) and %g (the + 1e-6 is what keeps "
                  "max_norm/norm from dividing by 0)", zero[0], zero[1],
                  zero_norm);
    /* count = 0: the norm of no entries is 0, so c = max_norm/1e-6 is
     * above 1 and nothing changes; p, at the address given, is not one of
     * the count tensors. */
    g[0] = 0.3, g[1] = 0.4;
    double none = clip_grad_norm(&p, 0, 0.1);
    ck_assert_msg(none == 0.0 && g[0] == 0.3 && g[1] == 0.4,
                  "clip_grad_norm with count = 0 and max_norm = 0.1 returned "
                  "%g and left the tensor past the count at (%g, %g); "
                  "expected 0, the norm of no entries, and (0.3, 0.4) "
                  "untouched: look at exactly count tensors", none, g[0],
                  g[1]);
}
END_TEST

START_TEST(clip_norm_at_exactly_max_norm)
{
    /* (3, 4) with max_norm = 5: c = 5/(5 + 1e-6) < 1, so torch scales it,
     * by a hair: 3 becomes 3·5/(5 + 1e-6). A version that first asks
     * "norm > max_norm?" leaves it alone. And max_norm = INFINITY never
     * clips: c = inf. */
    double g[] = {3, 4, SENTINEL}, h[] = {3, 4, SENTINEL};
    Parameter p = {NULL, g, 2}, q = {NULL, h, 2};
    double got = clip_grad_norm(&p, 1, 5.0);
    double c = 5.0 / (5.0 + 1e-6);
    ck_assert_msg(grading_near(got, 5.0, TIGHT),
                  "clip_grad_norm of (3, 4) returned %.10g, expected its norm "
                  "5", got);
    ck_assert_msg(grading_near(g[0], 3.0 * c, TIGHT) &&
                      grading_near(g[1], 4.0 * c, TIGHT),
                  "clip_grad_norm of (3, 4), whose norm is exactly max_norm = "
                  "5, gave (%.12g, %.12g), expected (%.12g, %.12g)%s", g[0],
                  g[1], 3.0 * c, 4.0 * c,
                  g[0] == 3.0 ? ": torch still scales, by max_norm/(norm + "
                                "1e-6) = 0.9999998; decide by that "
                                "coefficient (< 1), not by norm > max_norm"
                              : "");
    clip_grad_norm(&q, 1, INFINITY);
    ck_assert_msg(h[0] == 3.0 && h[1] == 4.0,
                  "clip_grad_norm with max_norm = INFINITY changed (3, 4) to "
                  "(%.10g, %.10g): an infinite max_norm never clips%s", h[0],
                  h[1],
                  grading_near(h[0], 3.0 * c, TIGHT) &&
                          grading_near(h[1], 4.0 * c, TIGHT)
                      ? "; that is the previous call's coefficient, 5/(5 + "
                        "1e-6), and a coefficient kept from an earlier call "
                        "is stale: compute it from this call's norm and "
                        "max_norm"
                      : "");
}
END_TEST

START_TEST(clip_norm_spreads_nan)
{
    /* A nan in the first tensor: the sum of squares is nan, so n is nan
     * and c = 1/(nan + 1e-6) is nan. torch multiplies every entry by
     * min(c, 1), which is nan too: the whole gradient becomes nan, and
     * the check for non-finite gradients cannot miss it. A test "c < 1"
     * is false for a nan c and leaves the finite entries as they were,
     * so that a step could still be taken with part of a broken gradient. */
    double a[] = {NAN, 1.0, SENTINEL}, b[] = {2.0, SENTINEL};
    Parameter p[] = {{NULL, a, 2}, {NULL, b, 1}};
    double got = clip_grad_norm(p, 2, 1.0);
    ck_assert_msg(a[2] == SENTINEL && b[1] == SENTINEL,
                  "clip_grad_norm wrote past the end of a tensor");
    ck_assert_msg(isnan(a[1]) && isnan(b[0]) && isnan(got),
                  "clip_grad_norm with max_norm = 1 on the gradient (nan, 1), "
                  "(2) left (%g, %g), (%g) and returned %g; expected every "
                  "entry nan and the norm nan: a nan anywhere makes the norm "
                  "nan and the coefficient nan, and torch multiplies by it "
                  "anyway, so clip unless c >= 1 (false for nan), not only "
                  "if c < 1 (also false for nan), and not by fmin(c, 1.0), "
                  "which returns 1 for a nan c", a[0], a[1], b[0], got);
}
END_TEST

START_TEST(clip_norm_infinite_norm)
{
    /* (inf, 1), (2) with max_norm = 1: inf² = inf, so n = inf and
     * c = 1/(inf + 1e-6) = 0, below 1: every entry is multiplied by 0,
     * which makes 1 and 2 into 0 and inf into inf·0 = nan. That is the
     * header's rule, and what torch.nn.utils.clip_grad_norm_ does with its
     * default error_if_nonfinite=False; it returns the norm, inf. */
    double a[] = {INFINITY, 1.0, SENTINEL}, b[] = {2.0, SENTINEL};
    Parameter p[] = {{NULL, a, 2}, {NULL, b, 1}};
    double got = clip_grad_norm(p, 2, 1.0);
    ck_assert_msg(a[2] == SENTINEL && b[1] == SENTINEL,
                  "clip_grad_norm wrote past the end of a tensor");
    if (isnan(a[0]) && a[1] == 0.0 && b[0] == 0.0 && isinf(got) && got > 0.0)
        return;
    ck_abort_msg("clip_grad_norm with max_norm = 1 on the gradient (inf, 1), "
                 "(2) left (%g, %g), (%g) and returned %g; expected (nan, 0), "
                 "(0) and inf: an infinite norm makes c = max_norm/(inf + "
                 "1e-6) = 0, below 1, so every entry is multiplied by 0 (and "
                 "inf·0 is nan), as torch does%s", a[0], a[1], b[0], got,
                 a[1] == 1.0 && b[0] == 2.0
                     ? "; nothing was clipped, as if an infinite norm had "
                       "been set aside, which leaves the infinite gradient "
                       "for the step"
                     : "");
}
END_TEST

/* True when every one of g[0 .. n-1] is nan. */
static bool all_nan(const double *g, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isnan(g[i]))
            return false;
    return true;
}

START_TEST(clip_norm_nan_reaches_zeros)
{
    /* (nan, 0, 2) with max_norm = 1: the norm is nan, so is
     * c = 1/(nan + 1e-6), and every entry is multiplied by it, the 0
     * included: 0·nan is nan (IEEE 754; torch's clip_grad_norm_ multiplies
     * every entry, zeros too). Expected: (nan, nan, nan), and nan returned.
     * Then (inf, nan), (1, 0): inf² + nan² = inf + nan = nan, the same
     * nan norm and coefficient, and every entry nan (inf·nan, nan·nan,
     * 1·nan, 0·nan). A loop that skips entries equal to 0 leaves both 0s. */
    double g[] = {NAN, 0.0, 2.0, SENTINEL};
    Parameter p = {NULL, g, 3};
    double got = clip_grad_norm(&p, 1, 1.0);
    ck_assert_msg(g[3] == SENTINEL, "clip_grad_norm wrote past the tensor");
    ck_assert_msg(all_nan(g, 3) && isnan(got),
                  "clip_grad_norm with max_norm = 1 on (nan, 0, 2) left (%g, "
                  "%g, %g) and returned %g; expected (nan, nan, nan) and the "
                  "norm nan: %s", g[0], g[1], g[2], got,
                  g[1] == 0.0 && isnan(g[0]) && isnan(g[2])
                      ? "the 0 entry stayed 0: every entry is multiplied by "
                        "c, zeros included, and 0·nan is nan (torch's "
                        "clip_grad_norm_ multiplies them all); skipping the "
                        "entries equal to 0 leaves a zero where the nan "
                        "gradient must show"
                      : "the norm is nan, so c = max_norm/(nan + 1e-6) is "
                        "nan, and every entry times c is nan");
    double a[] = {INFINITY, NAN, SENTINEL}, b[] = {1.0, 0.0, SENTINEL};
    Parameter q[] = {{NULL, a, 2}, {NULL, b, 2}};
    got = clip_grad_norm(q, 2, 1.0);
    ck_assert_msg(a[2] == SENTINEL && b[2] == SENTINEL,
                  "clip_grad_norm wrote past the end of a tensor");
    if (all_nan(a, 2) && all_nan(b, 2) && isnan(got))
        return;
    const char *why = "inf² + nan² = inf + nan = nan: the norm is nan, so is "
                      "c, and every entry times c is nan";
    if (isinf(got) && b[0] == 0.0 && b[1] == 0.0)
        why = "the norm came back inf, and c = 1/(inf + 1e-6) = 0 zeroed 1 "
              "and 0: the nan after the inf was not added to the sum of "
              "squares; inf + nan is nan, so the norm is nan, and so is "
              "every entry";
    else if (b[1] == 0.0 && isnan(b[0]) && all_nan(a, 2))
        why = "the 0 entry stayed 0: every entry is multiplied by c, zeros "
              "included, and 0·nan is nan (torch's clip_grad_norm_ "
              "multiplies them all); skipping the entries equal to 0 leaves "
              "a zero where the nan gradient must show";
    ck_abort_msg("clip_grad_norm with max_norm = 1 on (inf, nan), (1, 0) left "
                 "(%g, %g), (%g, %g) and returned %g; expected every entry "
                 "nan and the norm nan: %s", a[0], a[1], b[0], b[1], got, why);
}
END_TEST

static void add_clip_norm_tests(TCase *tc)
{
    tcase_add_test(tc, clip_norm_hand_worked);
    tcase_add_test(tc, clip_norm_leaves_short_gradients_alone);
    tcase_add_test(tc, clip_norm_at_exactly_max_norm);
    tcase_add_test(tc, clip_norm_spreads_nan);
    tcase_add_test(tc, clip_norm_infinite_norm);
    tcase_add_test(tc, clip_norm_nan_reaches_zeros);
}

/* =================================================== clip_grad_value() */

START_TEST(clip_value_hand_worked)
{
    /* clip_value = 1: 0.5 and -0.25 are inside [-1, 1] and stay; -3 and
     * -7 become -1; 2 and 7 become 1. -7 is b's last entry: a loop that
     * stops one entry early leaves it. */
    double a[] = {0.5, -3, 2, -0.25, SENTINEL}, b[] = {7, -7, SENTINEL};
    Parameter params[] = {{NULL, a, 4}, {NULL, b, 2}};
    clip_grad_value(params, 2, 1.0);
    ck_assert_msg(a[4] == SENTINEL && b[2] == SENTINEL,
                  "clip_grad_value wrote past the end of a tensor");
    const double want_a[] = {0.5, -1, 1, -0.25}, want_b[] = {1, -1};
    bool right = true;
    for (size_t i = 0; i < 4; i++)
        right = right && a[i] == want_a[i];
    right = right && b[0] == want_b[0] && b[1] == want_b[1];
    if (right)
        return;
    const char *why = "every entry above 1 becomes 1, every entry below -1 "
                      "becomes -1, the rest stay";
    if (a[1] == -3 && a[2] == 1 && b[1] == -7)
        why = "only the upper bound was applied: entries below -clip_value "
              "must become -clip_value too";
    else if (a[1] == 1 && b[1] == 1)
        why = "negative entries were clamped to +clip_value: the bound keeps "
              "the entry's sign, -3 becomes -1";
    else if (a[1] == -1 && a[2] == 1 && b[0] == 7)
        why = "the second tensor was not clipped: clip every tensor";
    else if (a[1] == -1 && a[2] == 1 && b[0] == 1 && b[1] == -7)
        why = "the last entry of a tensor was not clipped (b's -7 stayed): "
              "loop while i < size, not i < size - 1";
    else if (a[0] == 0.5 && a[1] == -3 && a[2] == 2)
        why = "nothing was clipped";
    else if (a[0] != 0.5 && grading_near(a[1] / a[0], -6.0, TIGHT))
        why = "every entry was scaled by one factor: that is clipping by "
              "norm; clipping by value clamps each entry on its own";
    ck_abort_msg("clip_grad_value with clip_value = 1 on (0.5, -3, 2, "
                 "-0.25) and (7, -7) gave (%g, %g, %g, %g) and (%g, %g); "
                 "expected (0.5, -1, 1, -0.25) and (1, -1): %s", a[0], a[1],
                 a[2], a[3], b[0], b[1], why);
}
END_TEST

/* Entries that pass the bound by less than 1: 1.5 and -1.75 with
 * clip_value = 1 become 1 and -1. C's abs() takes an int (abs(1.5) is 1),
 * so code written with Python's abs() in mind misses them. */
START_TEST(clip_value_fractions_above_the_bound)
{
    double g[] = {1.5, -1.75, 0.75, SENTINEL};
    Parameter p = {NULL, g, 3};
    clip_grad_value(&p, 1, 1.0);
    ck_assert_msg(g[3] == SENTINEL, "clip_grad_value wrote past the tensor");
    ck_assert_msg(g[0] == 1.0 && g[1] == -1.0 && g[2] == 0.75,
                  "clip_grad_value with clip_value = 1 turned (1.5, -1.75, "
                  "0.75) into (%g, %g, %g); expected (1, -1, 0.75)%s", g[0],
                  g[1], g[2],
                  g[0] == 1.5 && g[1] == -1.75
                      ? ": 1.5 and -1.75 pass the bound but were not "
                        "clipped, as if abs() of a double had truncated it "
                        "to an int (C's abs(1.5) is 1; fabs() is Python's "
                        "abs); compare with > clip_value and < -clip_value"
                      : "");
}
END_TEST

START_TEST(clip_value_infinities_and_nan)
{
    /* clip_value = 2: +inf becomes 2 and -inf becomes -2, as torch.clamp
     * does; a nan stays nan (torch.clamp keeps it), which fmin and fmax
     * would not: they return the other argument when one is nan. */
    double g[] = {INFINITY, -INFINITY, NAN, 0.3, SENTINEL};
    Parameter p = {NULL, g, 4};
    clip_grad_value(&p, 1, 2.0);
    ck_assert_msg(g[4] == SENTINEL, "clip_grad_value wrote past the tensor");
    ck_assert_msg(g[0] == 2.0 && g[1] == -2.0 && g[3] == 0.3,
                  "clip_grad_value with clip_value = 2 turned (inf, -inf, "
                  "nan, 0.3) into (%g, %g, %g, %g): +inf and -inf become the "
                  "bounds 2 and -2, and 0.3 stays", g[0], g[1], g[2], g[3]);
    ck_assert_msg(isnan(g[2]),
                  "clip_grad_value turned a nan into %g: a nan must stay "
                  "nan, so that the check for non-finite gradients still "
                  "sees it%s", g[2],
                  fabs(g[2]) == 2.0
                      ? ": it became the bound, as fmin/fmax make it (they "
                        "drop a nan and return the other argument) and as a "
                        "negated comparison such as !(g <= clip_value) does, "
                        "true for a nan; compare with g > clip_value and "
                        "g < -clip_value, both false for a nan"
                      : " (fmin/fmax drop a nan and return the bound; "
                        "compare with > and < instead)");
}
END_TEST

/* The tensors (3), () and (-5), clip_value = 1: 3 becomes 1 and -5
 * becomes -1. The middle tensor has no entries, so there is nothing in it
 * to clip, but count is 3 and the list goes on after it. */
START_TEST(clip_value_past_empty_tensor)
{
    double a[] = {3, SENTINEL}, b[] = {SENTINEL}, c[] = {-5, SENTINEL};
    Parameter p[] = {{NULL, a, 1}, {NULL, b, 0}, {NULL, c, 1}};
    /* count = 0 first: no tensor is the function's, so a keeps its 3. A
     * loop that runs its body before testing t < count (a do-while) would
     * clip it to 1. */
    clip_grad_value(p, 0, 1.0);
    ck_assert_msg(a[0] == 3.0,
                  "clip_grad_value(params, 0, 1) clipped params[0]'s 3 to "
                  "%g: with count = 0 there is no tensor to clip; test "
                  "t < count before the first tensor too, as a for loop "
                  "does", a[0]);
    clip_grad_value(p, 3, 1.0);
    ck_assert_msg(a[1] == SENTINEL && b[0] == SENTINEL && c[1] == SENTINEL,
                  "clip_grad_value wrote past the end of a tensor: the "
                  "middle tensor has size 0, so not even its first entry "
                  "is to be touched");
    ck_assert_msg(a[0] == 1.0 && c[0] == -1.0,
                  "clip_grad_value with clip_value = 1 on the tensors (3), "
                  "() and (-5) gave (%g), () and (%g); expected (1), () and "
                  "(-1): %s", a[0], c[0],
                  a[0] == 1.0 && c[0] == -5.0
                      ? "the tensor after the empty one was not clipped: a "
                        "tensor of size 0 is not the end of the list; clip "
                        "all count tensors"
                      : "every tensor is clipped, the empty one included "
                        "(it has nothing to clip)");
}
END_TEST

static void add_clip_value_tests(TCase *tc)
{
    tcase_add_test(tc, clip_value_hand_worked);
    tcase_add_test(tc, clip_value_fractions_above_the_bound);
    tcase_add_test(tc, clip_value_infinities_and_nan);
    tcase_add_test(tc, clip_value_past_empty_tensor);
}

/* ================================================== grads_all_finite() */

START_TEST(all_finite_accepts_finite_gradients)
{
    /* The largest and smallest doubles, zero and minus zero are all
     * finite; so is a model with no entries at all. */
    Model m;
    model_init(&m);
    double extremes[] = {1.7976931348623157e308, -1.7976931348623157e308,
                         0.0, -0.0, 4.9406564584124654e-324, NAN};
    Parameter p = {NULL, extremes, 5}; /* the nan is past the end */
    Parameter empty = {NULL, extremes, 0};
    ck_assert_msg(grads_all_finite(m.params, 3),
                  "grads_all_finite said the gradient (1, 2, 2), (), (2, 2, "
                  "2, 2) is not all finite; it is");
    ck_assert_msg(grads_all_finite(&p, 1),
                  "grads_all_finite said (±1.797e308, 0, -0, 4.9e-324) is "
                  "not all finite; every one is a finite double (and the nan "
                  "after them is past the tensor's size)");
    ck_assert_msg(grads_all_finite(&empty, 1) && grads_all_finite(&p, 0),
                  "with no entries at all there is nothing non-finite: "
                  "grads_all_finite must return true");
    /* count = 0 where params[0] holds a nan: that tensor is not one of
     * the count, so the answer is still true. */
    Parameter nan_first = {NULL, extremes + 5, 1};
    ck_assert_msg(grads_all_finite(&nan_first, 0),
                  "grads_all_finite(params, 0) returned false, where "
                  "params[0] holds a nan: with count = 0 there is no tensor "
                  "to look at, and so nothing non-finite; test t < count "
                  "before the first tensor too, as a for loop does");
}
END_TEST

/* The tensors (1, 2, 2), (bad), with no empty tensor between them:
 * true when grads_all_finite finds the bad entry. In the hand-worked
 * model the empty tensor b stands between a and c, so a loop that stops
 * at an empty tensor misses a bad entry in c, as one that reads the
 * first tensor alone does; here only the second misses it. */
static bool found_without_empty_tensor(double bad)
{
    double a[] = {1, 2, 2, SENTINEL}, c[] = {bad, SENTINEL};
    Parameter p[] = {{NULL, a, 3}, {NULL, c, 1}};
    return !grads_all_finite(p, 2);
}

START_TEST(all_finite_catches_nan_and_inf_anywhere)
{
    /* One bad entry at a time, in different places; each must be found. */
    static const struct {
        size_t tensor, entry;
        double bad;
        const char *mistake;
    } cases[] = {
        {0, 0, NAN, "a nan in the first entry was missed: nan compares "
                    "unequal to everything, even itself; use isfinite()"},
        {0, 1, NAN, "a nan in the second entry was missed: check every "
                    "entry, not only the first"},
        {0, 2, NAN, "a nan in the third entry, the last of its tensor, was "
                    "missed: the last entry of a tensor was not checked; "
                    "loop while e < size, not e < size - 1"},
        {0, 0, INFINITY, "+inf was missed, though a nan in the same place "
                         "was found: isnan() is true for nan alone; "
                         "isfinite() is false for nan, +inf and -inf alike"},
        {2, 1, INFINITY, "+inf in the last tensor was missed: check every "
                         "entry of every tensor"},
        {2, 3, -INFINITY, "-inf was missed: isfinite() is false for nan, "
                          "+inf and -inf alike"},
        {0, 1, -INFINITY, "-inf was missed: isfinite() is false for nan, "
                          "+inf and -inf alike"},
    };
    Model m;
    model_init(&m);
    ck_assert_msg(grads_all_finite(m.params, 3),
                  "grads_all_finite said the finite gradient (1, 2, 2), (), "
                  "(2, 2, 2, 2) is not all finite");
    for (size_t k = 0; k < COUNT(cases); k++) {
        model_init(&m);
        double *g = cases[k].tensor == 0 ? m.grad_a : m.grad_c;
        g[cases[k].entry] = cases[k].bad;
        if (grads_all_finite(m.params, 3))
            ck_abort_msg("grads_all_finite returned true with %g at entry "
                         "%zu of tensor %zu: %s", cases[k].bad,
                         cases[k].entry, cases[k].tensor,
                         cases[k].tensor == 2 &&
                                 found_without_empty_tensor(cases[k].bad)
                             ? "the loop stopped at the empty tensor before "
                               "it, yet finds the same value in (1, 2, 2), "
                               "(it); a tensor of size 0 is not the end of "
                               "the list: go on to the tensors after it"
                             : cases[k].mistake);
    }
}
END_TEST

static void add_all_finite_tests(TCase *tc)
{
    tcase_add_test(tc, all_finite_accepts_finite_gradients);
    tcase_add_test(tc, all_finite_catches_nan_and_inf_anywhere);
}

/* ================================================== sgd_step_clipped() */

START_TEST(sgd_step_clipped_hand_worked)
{
    /* lr = 0.1, max_norm = 1: the gradient is clipped first, by
     * c = 1/(5 + 1e-6), then the step moves a's values from 1 by
     * -0.1·(1, 2, 2)·c and c's from 0 by -0.1·(2, 2, 2, 2)·c. The
     * mistakes: clipping after the step moves by the raw gradient,
     * a = 1 - 0.1·(1, 2, 2) = (0.9, 0.8, 0.8), and leaves the gradient
     * clipped; no clipping moves the same and leaves it raw; clipping the
     * values instead (their norm is sqrt(3)) scales a's values to
     * 1/(sqrt(3) + 1e-6) before the raw step; clipping each tensor on
     * its own scales a's gradient by 1/(3 + 1e-6) and c's by
     * 1/(4 + 1e-6). */
    Model m;
    model_init(&m);
    double got = sgd_step_clipped(m.params, 3, 0.1, 1.0);
    require_sentinels(&m, "sgd_step_clipped");
    double c = 1.0 / (5.0 + 1e-6);
    bool grads_clipped = grads_scaled(&m, c, c);
    bool values_right = grading_near(m.value_a[0], 1.0 - 0.1 * c, TIGHT) &&
                        grading_near(m.value_a[1], 1.0 - 0.2 * c, TIGHT) &&
                        grading_near(m.value_c[0], -0.2 * c, TIGHT) &&
                        grading_near(m.value_c[3], -0.2 * c, TIGHT);
    if (!(values_right && grads_clipped)) {
        const char *why = "clip the gradient with clip_grad_norm, then "
                          "value[i] -= lr·grad[i] with the clipped gradient";
        bool raw_step = grading_near(m.value_a[0], 0.9, TIGHT) &&
                        grading_near(m.value_a[1], 0.8, TIGHT) &&
                        grading_near(m.value_c[0], -0.2, TIGHT);
        if (m.value_a[0] == 1.0 && m.value_c[0] == 0.0)
            why = "the values did not move: take the step";
        else if (raw_step && grads_clipped)
            why = "the step used the unclipped gradient and the clipping came "
                  "after it: clip after the backward pass and before the step";
        else if (raw_step && grads_scaled(&m, 1.0, 1.0))
            why = "the gradient was not clipped at all: the step used it as "
                  "it was";
        else if (grading_near(m.value_a[0], 1.0 / (sqrt(3.0) + 1e-6) - 0.1, TIGHT))
            why = "the parameters' values were clipped instead of their "
                  "gradients";
        else if (grading_near(m.value_a[0], 1.0 + 0.1 * c, TIGHT))
            why = "the values moved uphill: subtract lr·grad";
        else if (grads_scaled(&m, 1.0 / (3.0 + 1e-6), 1.0 / (4.0 + 1e-6)))
            why = "each tensor was clipped on its own before the step, a "
                  "and c each to norm 1: clip once, as clip_grad_norm does, "
                  "with one coefficient from the global norm";
        else if (values_right)
            why = "the values are right, but the gradient was not left "
                  "clipped: clip it in place, as clip_grad_norm does";
        ck_abort_msg("sgd_step_clipped with lr = 0.1, max_norm = 1 on values "
                     "(1, 1, 1), (), (0, 0, 0, 0) and gradient (1, 2, 2), (), "
                     "(2, 2, 2, 2) left a = (%.10g, %.10g, %.10g), c[0] = "
                     "%.10g; expected a = 1 - 0.1·(1, 2, 2)/(5 + 1e-6) = "
                     "(%.10g, %.10g, ...), c[0] = %.10g: %s", m.value_a[0],
                     m.value_a[1], m.value_a[2], m.value_c[0], 1.0 - 0.1 * c,
                     1.0 - 0.2 * c, -0.2 * c, why);
    }
    ck_assert_msg(grading_near(got, 5.0, TIGHT),
                  "sgd_step_clipped returned %.10g, expected the norm before "
                  "clipping, 5", got);
}
END_TEST

START_TEST(sgd_step_clipped_without_clipping)
{
    /* max_norm = INFINITY never clips: a plain step, values from
     * (1, 1, 1) to 1 - 0.5·(1, 2, 2) = (0.5, 0, 0), c's to -0.5·2 = -1;
     * the returned norm is still 5. */
    Model m;
    model_init(&m);
    double got = sgd_step_clipped(m.params, 3, 0.5, INFINITY);
    require_sentinels(&m, "sgd_step_clipped");
    ck_assert_msg(m.value_a[0] == 0.5 && m.value_a[1] == 0.0 &&
                      m.value_a[2] == 0.0 && m.value_c[0] == -1.0 &&
                      m.value_c[3] == -1.0 && grads_scaled(&m, 1.0, 1.0),
                  "sgd_step_clipped with lr = 0.5 and max_norm = INFINITY "
                  "(no clipping) should move a to (0.5, 0, 0) and c to -1 "
                  "and leave the gradient alone; got a = (%g, %g, %g), "
                  "c[0] = %g", m.value_a[0], m.value_a[1], m.value_a[2],
                  m.value_c[0]);
    ck_assert_msg(grading_near(got, 5.0, TIGHT),
                  "sgd_step_clipped returned %.10g, expected the gradient's "
                  "norm 5", got);
    /* count = 0: the norm of no entries is 0, nothing is clipped and
     * nothing moves; the model's tensors are past the count. */
    model_init(&m);
    got = sgd_step_clipped(m.params, 0, 0.5, INFINITY);
    ck_assert_msg(got == 0.0 && m.value_a[0] == 1.0 && m.value_a[1] == 1.0 &&
                      grads_scaled(&m, 1.0, 1.0),
                  "sgd_step_clipped with count = 0 returned %g and left a's "
                  "values at (%g, %g, ...); expected 0, the norm of no "
                  "entries, and (1, 1, ...) unmoved: with count = 0 there "
                  "is no tensor to step; test t < count before the first "
                  "tensor too, as a for loop does", got, m.value_a[0],
                  m.value_a[1]);
}
END_TEST

START_TEST(sgd_step_clipped_nan_gradient)
{
    /* Values (1, 1), (0), gradient (nan, 1), (2), lr = 0.1, max_norm = 1.
     * Clipping as clip_grad_norm does makes the norm nan and every
     * gradient entry nan; then value[i] - 0.1·nan is nan for every value,
     * and the returned norm is nan. The header makes no exception for a
     * broken gradient: the step is taken, and the nan it spreads is what
     * the training loop's check sees. */
    double va[] = {1, 1, SENTINEL}, vb[] = {0, SENTINEL};
    double a[] = {NAN, 1, SENTINEL}, b[] = {2, SENTINEL};
    Parameter p[] = {{va, a, 2}, {vb, b, 1}};
    double got = sgd_step_clipped(p, 2, 0.1, 1.0);
    ck_assert_msg(va[2] == SENTINEL && vb[1] == SENTINEL && a[2] == SENTINEL &&
                      b[1] == SENTINEL,
                  "sgd_step_clipped wrote past the end of a tensor");
    if (isnan(va[0]) && isnan(va[1]) && isnan(vb[0]) && isnan(a[1]) &&
        isnan(b[0]) && isnan(got))
        return;
    const char *why = "clip as clip_grad_norm does (every entry becomes "
                      "nan), then value[i] -= lr·grad[i]: the nan reaches "
                      "every value";
    bool unmoved = va[0] == 1 && va[1] == 1 && vb[0] == 0;
    if (unmoved && isnan(got))
        why = "the values did not move, but the step is taken even with a "
              "nan gradient: the contract moves every value by -lr·grad, "
              "and skipping a step is the training loop's decision, made "
              "before the step";
    else if (unmoved)
        why = "the values did not move: take the step";
    ck_abort_msg("sgd_step_clipped with lr = 0.1, max_norm = 1 on values (1, "
                 "1), (0) and gradient (nan, 1), (2) left values (%g, %g), "
                 "(%g), gradient (%g, %g), (%g), and returned %g; expected "
                 "every value and gradient entry nan, and nan returned: %s",
                 va[0], va[1], vb[0], a[0], a[1], b[0], got, why);
}
END_TEST

static void add_sgd_step_clipped_tests(TCase *tc)
{
    tcase_add_test(tc, sgd_step_clipped_hand_worked);
    tcase_add_test(tc, sgd_step_clipped_without_clipping);
    tcase_add_test(tc, sgd_step_clipped_nan_gradient);
}

/* ====================================================== diagnose_run()
 * Histories of two parameters, built here so that the header's rules give
 * an answer that can be read off: each is designed around one cause, and
 * around the mistake that would misname it. */
enum { MAX_ROWS = 16 };

typedef struct {
    double loss[MAX_ROWS], params[2 * MAX_ROWS], grads[2 * MAX_ROWS];
    RunHistory h;
} History;

static void history_init(History *s, size_t rows, double baseline)
{
    memset(s, 0, sizeof *s);
    s->h = (RunHistory){rows, 2, s->loss, s->params, s->grads, baseline};
}

static void history_set(History *s, size_t k, double loss, double p0,
                        double p1, double g0, double g1)
{
    s->loss[k] = loss;
    s->params[2 * k] = p0;
    s->params[2 * k + 1] = p1;
    s->grads[2 * k] = g0;
    s->grads[2 * k + 1] = g1;
}

/* A run of `rows` steps where nothing moves: the loss 3 (the baseline is
 * 10), θ = (1, 2) and the gradient (g0, g1) at every step. */
static void still_run(History *s, size_t rows, double g0, double g1)
{
    history_init(s, rows, 10.0);
    for (size_t k = 0; k < rows; k++)
        history_set(s, k, 3.0, 1.0, 2.0, g0, g1);
}

/* A run of `rows` steps that goes well: loss and gradient norm halve every
 * step (loss 0.5^k, gradient 0.5^k·(0.6, 0.8)) while θ0 climbs to 3. The
 * tests then break one step of it. */
static void halving_run(History *s, size_t rows)
{
    history_init(s, rows, 1.0);
    for (size_t k = 0; k < rows; k++) {
        double f = pow(0.5, (double)k);
        history_set(s, k, f, 3.0 - f, 0.0, 0.6 * f, 0.8 * f);
    }
}

static const char *const cause_names[] = {
    "CAUSE_NONE",          "CAUSE_NONFINITE_AT_START",
    "CAUSE_LR_TOO_LARGE",  "CAUSE_EXPLODING_GRADIENT",
    "CAUSE_INVALID_OPERATION", "CAUSE_NO_STEP",
    "CAUSE_FROZEN_PARAMETER",  "CAUSE_AT_BASELINE",
    "CAUSE_CANNOT_REPRESENT",  "CAUSE_LR_TOO_SMALL"};

static const char *cause_name(Cause c)
{
    return (unsigned)c < COUNT(cause_names) ? cause_names[c] : "(not a Cause)";
}

/* True for the four causes of a run with a non-finite step, the only
 * ones whose .step is k*. */
static bool names_a_step(Cause c)
{
    return c == CAUSE_NONFINITE_AT_START || c == CAUSE_LR_TOO_LARGE ||
           c == CAUSE_EXPLODING_GRADIENT || c == CAUSE_INVALID_OPERATION;
}

/* Fails unless diagnose_run names `want` (and its step and parameter);
 * `history` describes the run, `mistake` says what a wrong cause here
 * most likely means. */
static void expect_diagnosis(const History *s, Diagnosis want,
                             const char *history, const char *mistake)
{
    Diagnosis got = diagnose_run(&s->h);
    ck_assert_msg(got.cause == want.cause,
                  "diagnose_run on %s gave %s, expected %s: %s", history,
                  cause_name(got.cause), cause_name(want.cause), mistake);
    if (names_a_step(want.cause))
        ck_assert_msg(got.step == want.step,
                      "diagnose_run on %s named the right cause, %s, but "
                      "step %zu; the first non-finite step is %zu (the start "
                      "is step 0)", history, cause_name(want.cause),
                      got.step, want.step);
    else
        ck_assert_msg(got.step == 0,
                      "diagnose_run on %s named the right cause, %s, but "
                      ".step = %zu: .step is 0 for every cause of a finite "
                      "run, which has no non-finite step to name", history,
                      cause_name(want.cause), got.step);
    if (want.cause == CAUSE_FROZEN_PARAMETER)
        ck_assert_msg(got.param == want.param,
                      "diagnose_run on %s named %s with .param = %zu; the "
                      "frozen parameter is number %zu", history,
                      cause_name(want.cause), got.param, want.param);
    else
        ck_assert_msg(got.param == 0,
                      "diagnose_run on %s named the right cause, %s, but "
                      ".param = %zu: .param is 0 for every cause but "
                      "CAUSE_FROZEN_PARAMETER", history,
                      cause_name(want.cause), got.param);
}

START_TEST(diagnose_nonfinite_at_start)
{
    History s;
    history_init(&s, 3, 1.0);
    for (size_t k = 0; k < 3; k++)
        history_set(&s, k, 1.0, 1.0 - 0.1 * (double)k, 0.0, 1.0, 0.0);
    s.loss[0] = NAN;
    expect_diagnosis(&s, (Diagnosis){CAUSE_NONFINITE_AT_START, 0, 0},
                     "a run whose loss is nan at step 0",
                     "nothing had happened yet at step 0: the loss cannot be "
                     "computed at the starting point (rule 1)");
    s.loss[0] = 1.0;
    s.grads[1] = -INFINITY;
    expect_diagnosis(&s, (Diagnosis){CAUSE_NONFINITE_AT_START, 0, 0},
                     "a run whose loss is finite but whose gradient is "
                     "(1, -inf) at step 0",
                     "a gradient entry of -inf makes the step non-finite too: "
                     "check the loss and every gradient entry, with "
                     "isfinite(), which is false for -inf");
}
END_TEST

/* A run whose gradient at step k is (3, 4)·factor^k, of norm 5·factor^k,
 * its parameters and loss growing with it, and whose loss is inf at its
 * last row. */
static void growing_run(History *s, size_t rows, double factor)
{
    history_init(s, rows, 1.0);
    for (size_t k = 0; k < rows; k++) {
        double f = pow(factor, (double)k);
        history_set(s, k, 25.0 * f * f, f, -f, 3.0 * f, 4.0 * f);
    }
    s->loss[rows - 1] = INFINITY;
}

START_TEST(diagnose_steady_growth)
{
    /* Norms 5·2^k: every factor is exactly 2; the loss overflows at step
     * 11. */
    History s;
    growing_run(&s, 12, 2.0);
    expect_diagnosis(&s, (Diagnosis){CAUSE_LR_TOO_LARGE, 11, 0},
                     "a run whose gradient norm doubles every step until "
                     "the loss is inf at step 11",
                     "growth by the same factor every step is the signature "
                     "of a learning rate too large (rule 2)");
    /* The same with a factor of 300 a step: each factor is a "spike" by
     * rule 3, but rule 2 comes first, and the growth is steady. */
    growing_run(&s, 8, 300.0);
    expect_diagnosis(&s, (Diagnosis){CAUSE_LR_TOO_LARGE, 7, 0},
                     "a run whose gradient norm grows 300-fold every step "
                     "until the loss is inf at step 7",
                     "the gradient's norm grew by the same factor every step, "
                     "however large: that is steady growth, a learning rate "
                     "too large; check for steady growth (rule 2) before "
                     "looking for a spike (rule 3)");
    /* Exactly enough history: k* = 6, five factors of 2 before it. */
    growing_run(&s, 7, 2.0);
    expect_diagnosis(&s, (Diagnosis){CAUSE_LR_TOO_LARGE, 6, 0},
                     "a run whose gradient norm doubles until the loss is inf "
                     "at step 6",
                     "with k* = 6 there are exactly five growth factors, "
                     "n_1/n_0 to n_5/n_4, and that is enough (rule 2: k* >= 6)");
}
END_TEST

START_TEST(diagnose_spike)
{
    /* Norms 5, 4.5, 4, then 4e6 (a millionfold jump), then nan. */
    History s;
    history_init(&s, 5, 1.0);
    const double norms[] = {5.0, 4.5, 4.0, 4e6};
    for (size_t k = 0; k < 4; k++)
        history_set(&s, k, norms[k], 1.0 + (double)k, 0.0, 0.6 * norms[k],
                    0.8 * norms[k]);
    history_set(&s, 4, INFINITY, 1e9, 0.0, NAN, NAN);
    expect_diagnosis(&s, (Diagnosis){CAUSE_EXPLODING_GRADIENT, 4, 0},
                     "a run whose gradient norm jumps from 4 to 4e6 in one "
                     "step before the loss is inf at step 4",
                     "one step multiplied the gradient's norm a millionfold: "
                     "a spike (rule 3), an exploding gradient");
    /* Growth that is not steady: factors 1.1, 1.2, 1.3, 1.4, 1.5, then
     * 1e5; the last five differ by far more than 2x. */
    history_init(&s, 8, 1.0);
    const double factors[] = {1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1e5};
    double n = 1.0;
    for (size_t k = 0; k < 7; k++) {
        n *= factors[k];
        history_set(&s, k, n, (double)k, 0.0, 0.6 * n, 0.8 * n);
    }
    history_set(&s, 7, INFINITY, 1e9, 0.0, 1e300, 1e300);
    expect_diagnosis(&s, (Diagnosis){CAUSE_EXPLODING_GRADIENT, 7, 0},
                     "a run whose gradient norm grows by 1.2, 1.3, 1.4, 1.5 "
                     "and then 1e5 in the last five steps before the loss is "
                     "inf at step 7",
                     "those five factors all exceed 1, but they differ by far "
                     "more than 2x: growth that ends in a jump is not steady "
                     "(rule 2 needs the largest at most twice the smallest)");
}
END_TEST

START_TEST(diagnose_invalid_operation)
{
    /* The loss halves and the gradient shrinks, then the loss is nan at
     * step 8 with the gradient still finite: nothing grew. */
    History s;
    halving_run(&s, 9);
    s.loss[8] = NAN;
    expect_diagnosis(&s, (Diagnosis){CAUSE_INVALID_OPERATION, 8, 0},
                     "a run whose loss falls steadily and is then nan at "
                     "step 8, its gradient still finite and shrinking",
                     "nothing grew before the nan: the loss computation "
                     "itself failed (rule 4)");
    /* The loss stays finite, but a gradient entry is -inf at step 6. Its
     * norm n_6 is inf, so n_6/n_5 is inf; rule 3 looks only at factors
     * with 1 <= k < k* = 6, which all are 0.5: no spike. */
    s.loss[8] = pow(0.5, 8.0);
    s.grads[2 * 6] = -INFINITY;
    expect_diagnosis(&s, (Diagnosis){CAUSE_INVALID_OPERATION, 6, 0},
                     "a run whose loss stays finite but whose gradient is "
                     "(-inf, ...) at step 6",
                     diagnose_run(&s.h).cause == CAUSE_EXPLODING_GRADIENT
                         ? "the gradient only shrank before step 6, so the "
                           "spike found is the factor n_6/n_5 = inf into "
                           "k* itself: rule 3's factors stop before k*, "
                           "1 <= k < k*"
                         : "a gradient entry of -inf is as non-finite as a "
                           "nan loss: check every gradient entry at every "
                           "step, not only the loss");
}
END_TEST

START_TEST(diagnose_no_step_and_frozen)
{
    History s;
    still_run(&s, 5, 0.5, -0.3);
    expect_diagnosis(&s, (Diagnosis){CAUSE_NO_STEP, 0, 0},
                     "a run whose parameters never change although the "
                     "gradient is (0.5, -0.3) at every step",
                     "no parameter moved at all, while the gradient pushed "
                     "both: the step is missing (rule 6), not one frozen "
                     "parameter");
    for (size_t k = 0; k < 5; k++)
        history_set(&s, k, 3.0 - 0.1 * (double)k, 1.0 - 0.1 * (double)k, 2.0,
                    0.5, -0.3);
    expect_diagnosis(&s, (Diagnosis){CAUSE_FROZEN_PARAMETER, 0, 1},
                     "a run where parameter 0 moves and parameter 1 never "
                     "does although its gradient is -0.3",
                     "parameter 1 was pushed (gradient -0.3) and never moved "
                     "while parameter 0 did: it is frozen (rule 7)");
    /* A parameter that never moves because its gradient is always 0 is
     * not frozen: it has nothing to move for. Here parameter 0 converges
     * (norm from 0.5 to 5e-5, loss from 3 to 3e-8, far below 10% of the
     * baseline 10), and the run is healthy. */
    for (size_t k = 0; k < 5; k++) {
        double f = pow(0.1, (double)k);
        history_set(&s, k, 3.0 * f * f, 1.0 - f, 2.0, 0.5 * f, 0.0);
    }
    expect_diagnosis(&s, (Diagnosis){CAUSE_NONE, 0, 0},
                     "a converging run where parameter 1 never moves and "
                     "its gradient is exactly 0 at every step",
                     "a parameter whose gradient is always 0 has nothing to "
                     "move for: it is not frozen; frozen needs a nonzero "
                     "gradient (\"pushed\") and no movement");
}
END_TEST

/* A run whose gradient norm falls from 2 to 2e-6 (converged), its loss
 * from 5 to final_loss. */
static void converging_run(History *s, double final_loss, double baseline)
{
    history_init(s, 7, baseline);
    for (size_t k = 0; k < 7; k++) {
        double f = pow(0.1, (double)k);
        double loss = final_loss + (5.0 - final_loss) * f;
        history_set(s, k, loss, 1.0 - f, 0.5 + f, 1.2 * f, 1.6 * f);
    }
}

START_TEST(diagnose_converged)
{
    History s;
    converging_run(&s, 4.0, 4.0);
    expect_diagnosis(&s, (Diagnosis){CAUSE_AT_BASELINE, 0, 0},
                     "a converged run whose loss settles at 4, the baseline "
                     "4",
                     "the gradient vanished with the loss at the loss of "
                     "always predicting the mean target: the model learned "
                     "nothing from its inputs (rule 8)");
    converging_run(&s, 1.0, 4.0);
    expect_diagnosis(&s, (Diagnosis){CAUSE_CANNOT_REPRESENT, 0, 0},
                     "a converged run whose loss settles at 1, a quarter of "
                     "the baseline 4",
                     "converged, below the baseline but above 10% of it: the "
                     "model cannot do better (rule 8)");
    converging_run(&s, 0.01, 4.0);
    expect_diagnosis(&s, (Diagnosis){CAUSE_NONE, 0, 0},
                     "a converged run whose loss settles at 0.01, 0.25% of "
                     "the baseline 4",
                     "a loss well below 10% of the baseline is a good fit");
    converging_run(&s, 4.0, NAN);
    expect_diagnosis(&s, (Diagnosis){CAUSE_NONE, 0, 0},
                     "a converged run whose loss settles at 4 with no "
                     "baseline known (nan)",
                     "without a baseline there is nothing to compare the "
                     "final loss with: rule 8 does not apply");
}
END_TEST

START_TEST(diagnose_lr_too_small)
{
    /* The norm falls from 2 to 1.8 in 5 steps: still 90% of its start. */
    History s;
    history_init(&s, 6, 4.0);
    for (size_t k = 0; k < 6; k++) {
        double n = 2.0 - 0.04 * (double)k;
        history_set(&s, k, 5.0 - 0.02 * (double)k, 1e-3 * (double)k,
                    -1e-3 * (double)k, 0.6 * n, 0.8 * n);
    }
    expect_diagnosis(&s, (Diagnosis){CAUSE_LR_TOO_SMALL, 0, 0},
                     "a run whose gradient norm only falls from 2 to 1.8",
                     "the gradient is still 90% of its start: the steps are "
                     "too small (rule 9)");
    /* The same run with no baseline known: rule 8 needs the baseline,
     * rule 9 does not, and the norm is the same 90% of its start. */
    s.h.baseline = NAN;
    expect_diagnosis(&s, (Diagnosis){CAUSE_LR_TOO_SMALL, 0, 0},
                     "a run whose gradient norm only falls from 2 to 1.8, "
                     "with no baseline known (nan)",
                     "an unknown baseline turns off rule 8 alone; rule 9 "
                     "compares the last gradient norm with the first, "
                     "whatever the baseline");
    /* From 2 to 0.5: a quarter; not converged, but not stalled either. */
    for (size_t k = 0; k < 6; k++) {
        double n = 2.0 - 0.3 * (double)k;
        history_set(&s, k, 5.0 - 0.5 * (double)k, 0.1 * (double)k,
                    -0.1 * (double)k, 0.6 * n, 0.8 * n);
    }
    expect_diagnosis(&s, (Diagnosis){CAUSE_NONE, 0, 0},
                     "a run whose gradient norm falls from 2 to 0.5",
                     "a gradient down to a quarter of its start is making "
                     "progress: rule 9 needs more than half");
}
END_TEST

/* A run whose gradient at step k is (3, 4)·n_k/5 (exactly of norm n_k
 * when n_k/5 is an integer or a power of 2), n_0 = 5 and
 * n_k = n_{k-1}·factors[k-1] for k = 1 .. rows - 1, whose parameter 0
 * moves every step, and whose last row has loss `last_loss`. */
static void run_with_factors(History *s, const double *factors, size_t rows,
                             double last_loss)
{
    history_init(s, rows, 1.0);
    double n = 5.0;
    for (size_t k = 0; k < rows; k++) {
        if (k > 0)
            n *= factors[k - 1];
        history_set(s, k, n * n, (double)k, 0.0, 3.0 * (n / 5.0),
                    4.0 * (n / 5.0));
    }
    s->loss[rows - 1] = last_loss;
}

START_TEST(diagnose_growth_window)
{
    /* Rule 2 looks at exactly the five factors n_k/n_{k-1} for
     * k = k*-5 .. k*-1. Below, n_k/5 is a product of the factors 2, 4, 5
     * and 0.5: the gradient (3, 4)·n_k/5 has exact entries, its norm is
     * exactly n_k, and every factor is exact. */
    History s;
    /* k* = 7: factors for k = 1 .. 6 are 2, 5, 2, 2, 2, 2. The five
     * before k* (k = 2 .. 6) are 5, 2, 2, 2, 2: the largest is 2.5 times
     * the smallest, not steady; none reaches 100: rule 4. Only the last
     * four (2, 2, 2, 2) would look steady. */
    static const double five_then_twos[] = {2, 5, 2, 2, 2, 2, 0.5};
    run_with_factors(&s, five_then_twos, 8, INFINITY);
    expect_diagnosis(&s, (Diagnosis){CAUSE_INVALID_OPERATION, 7, 0},
                     "a run whose gradient norm grows by 5, 2, 2, 2, 2 in the "
                     "five steps before the loss is inf at step 7",
                     "rule 2 takes the five factors n_k/n_{k-1} for k = k*-5 "
                     ".. k*-1, and here the first of them, 5, is more than "
                     "twice the smallest, 2: not steady");
    /* k* = 7: factors 2 for k = 1 .. 6, then at k* itself the gradient
     * halves while the loss is inf. The five factors before k* are all 2:
     * steady. The factor at k* is not one of them. */
    static const double twos_then_half[] = {2, 2, 2, 2, 2, 2, 0.5};
    run_with_factors(&s, twos_then_half, 8, INFINITY);
    expect_diagnosis(&s, (Diagnosis){CAUSE_LR_TOO_LARGE, 7, 0},
                     "a run whose gradient norm doubles for six steps, the "
                     "loss inf at step 7 (where the gradient halves)",
                     "the five factors are those of steps k*-5 .. k*-1, "
                     "before the non-finite step: step k*'s own factor is "
                     "not one of them");
    /* Factors 2, 4, 2, 4, 2 (k = 2 .. 6): the largest is exactly twice
     * the smallest, which rule 2 allows ("at most twice"). */
    static const double two_four[] = {2, 2, 4, 2, 4, 2, 2};
    run_with_factors(&s, two_four, 8, NAN);
    expect_diagnosis(&s, (Diagnosis){CAUSE_LR_TOO_LARGE, 7, 0},
                     "a run whose gradient norm grows by 2, 4, 2, 4, 2 before "
                     "the loss is nan at step 7",
                     "the largest factor, 4, is exactly twice the smallest, "
                     "2, and rule 2 allows at most twice: compare with <=");
    /* Factors exactly 1: the norm is constant, nothing grows (rule 2
     * needs every factor above 1): rule 4. */
    static const double ones[] = {1, 1, 1, 1, 1, 1, 1};
    run_with_factors(&s, ones, 8, NAN);
    expect_diagnosis(&s, (Diagnosis){CAUSE_INVALID_OPERATION, 7, 0},
                     "a run whose gradient norm stays 5 until the loss is "
                     "nan at step 7",
                     "a factor of exactly 1 is no growth: rule 2 needs every "
                     "factor above 1, so this is rule 4");
    /* A spike at the very first step: 5, then 5000 (factor 1000), then
     * slowly down, nan at step 4. */
    static const double early_spike[] = {1000, 0.9, 0.9, 0.9};
    run_with_factors(&s, early_spike, 5, NAN);
    expect_diagnosis(&s, (Diagnosis){CAUSE_EXPLODING_GRADIENT, 4, 0},
                     "a run whose gradient norm jumps 1000-fold from step 0 "
                     "to step 1, nan at step 4",
                     "rule 3 looks at every factor from n_1/n_0 on: the "
                     "spike from step 0 to step 1 counts");
    /* Rule 3's threshold: norms 5, 5, 500, 500, the loss nan at step 3 (a
     * factor of exactly 100, "at least 100": a spike); and the same with
     * 250 (a factor of 50: no spike, and k* = 3 is too early for rule 2). */
    static const double hundred[] = {1, 100, 1};
    run_with_factors(&s, hundred, 4, NAN);
    expect_diagnosis(&s, (Diagnosis){CAUSE_EXPLODING_GRADIENT, 3, 0},
                     "a run whose gradient norm goes 5, 5, 500, 500, the loss "
                     "nan at step 3",
                     "a factor of exactly 100 is a spike: rule 3 says at "
                     "least 100, so compare with >=");
    static const double fifty[] = {1, 50, 1};
    run_with_factors(&s, fifty, 4, NAN);
    expect_diagnosis(&s, (Diagnosis){CAUSE_INVALID_OPERATION, 3, 0},
                     "a run whose gradient norm goes 5, 5, 250, 250, the loss "
                     "nan at step 3",
                     "a factor of 50 is below rule 3's 100: no spike, and "
                     "with k* = 3 there is too little history for rule 2");
}
END_TEST

START_TEST(diagnose_other_shapes)
{
    /* Three parameters, four steps: parameter 0 moves (1, 0.9, 0.8,
     * 0.7), parameters 1 and 2 stay at 5 and 6 although their gradients
     * are 0.2 and -0.1 at every step: both frozen; the lowest is 1. */
    double loss[4], params[12], grads[12];
    for (size_t k = 0; k < 4; k++) {
        loss[k] = 3.0 - 0.1 * (double)k;
        params[3 * k] = 1.0 - 0.1 * (double)k;
        params[3 * k + 1] = 5.0;
        params[3 * k + 2] = 6.0;
        grads[3 * k] = 0.5;
        grads[3 * k + 1] = 0.2;
        grads[3 * k + 2] = -0.1;
    }
    History s;
    history_init(&s, 4, 10.0);
    s.h = (RunHistory){4, 3, loss, params, grads, 10.0};
    Diagnosis got = diagnose_run(&s.h);
    ck_assert_msg(got.cause == CAUSE_FROZEN_PARAMETER && got.param == 1,
                  "diagnose_run on a run of three parameters where 0 moves "
                  "and 1 and 2 never do, both pushed, gave %s with .param = "
                  "%zu, expected CAUSE_FROZEN_PARAMETER with .param = 1: %s",
                  cause_name(got.cause), got.param,
                  got.cause == CAUSE_FROZEN_PARAMETER && got.param == 2
                      ? "with several frozen parameters, name the lowest"
                      : "step k's row starts at k·n_params: use n_params, "
                        "not the number of parameters of another test");
    /* A single finite row: nothing has happened yet (rule 5), although
     * the gradient is nonzero and no parameter has moved. */
    history_init(&s, 1, 4.0);
    history_set(&s, 0, 3.0, 1.0, 2.0, 0.5, -0.3);
    expect_diagnosis(&s, (Diagnosis){CAUSE_NONE, 0, 0},
                     "a run of a single finite row",
                     "with a single row no step has been taken yet: rule 5 "
                     "comes before rule 6");
}
END_TEST

START_TEST(diagnose_converged_thresholds)
{
    /* Rule 8's thresholds, baseline 4: 0.99·4 = 3.96 and 0.1·4 = 0.4.
     * converging_run's final loss is final_loss + (5 - final_loss)·1e-6,
     * a hair above final_loss. */
    History s;
    converging_run(&s, 3.98, 4.0);
    expect_diagnosis(&s, (Diagnosis){CAUSE_AT_BASELINE, 0, 0},
                     "a converged run whose loss settles at 3.98, the "
                     "baseline 4",
                     "3.98 is 99.5% of the baseline: rule 8 calls anything "
                     "at or above 0.99·baseline the baseline, not only the "
                     "baseline itself");
    converging_run(&s, 0.5, 4.0);
    expect_diagnosis(&s, (Diagnosis){CAUSE_CANNOT_REPRESENT, 0, 0},
                     "a converged run whose loss settles at 0.5, 12.5% of "
                     "the baseline 4",
                     "12.5% of the baseline is above rule 8's 10%");
    converging_run(&s, 0.3, 4.0);
    expect_diagnosis(&s, (Diagnosis){CAUSE_NONE, 0, 0},
                     "a converged run whose loss settles at 0.3, 7.5% of "
                     "the baseline 4",
                     "7.5% of the baseline is below rule 8's 10%");
    /* Not converged: the norm falls from 2 to 0.01, a factor 200, not the
     * 1000 rule 8 needs; the loss 4 is the baseline, but rule 8 does not
     * apply, and rule 9 (0.01 > 0.5·2?) does not either. */
    history_init(&s, 2, 4.0);
    history_set(&s, 0, 5.0, 1.0, 0.0, 1.2, 1.6);
    history_set(&s, 1, 4.0, 0.5, 0.1, 0.006, 0.008);
    expect_diagnosis(&s, (Diagnosis){CAUSE_NONE, 0, 0},
                     "a run whose gradient norm falls from 2 to 0.01 with the "
                     "loss at the baseline 4",
                     "converged means n_last <= 1e-3·n_0, and 0.01 is 5e-3 "
                     "of 2: not converged, so rule 8 does not apply");
    /* Rule 9's threshold: the norm falls from 2 to 1.2, 60% of its start,
     * above half: stalled. */
    history_init(&s, 2, 4.0);
    history_set(&s, 0, 5.0, 1.0, 0.0, 1.2, 1.6);
    history_set(&s, 1, 4.5, 0.9, 0.1, 0.72, 0.96);
    expect_diagnosis(&s, (Diagnosis){CAUSE_LR_TOO_SMALL, 0, 0},
                     "a run whose gradient norm falls from 2 to 1.2",
                     "1.2 is 60% of the starting norm 2, more than half: "
                     "rule 9 calls that too small a learning rate");
}
END_TEST

/* Two-step runs, baseline 4, both parameters moving, the loss 5 then
 * loss_last, the gradient (g0, g1) then (h0, h1). Rules 8 and 9 compare
 * n_1 with n_0; when the two gradients point in different directions,
 * the answer depends on which norm n_k is. */
static void two_step_run(History *s, double loss_last, double g0, double g1,
                         double h0, double h1)
{
    history_init(s, 2, 4.0);
    history_set(s, 0, 5.0, 1.0, 0.0, g0, g1);
    history_set(s, 1, loss_last, 0.9, 0.1, h0, h1);
}

/* Two-step runs, the loss at the baseline 4, whose answer holds only when
 * n_k is the L2 norm √(Σ g²). Each row: the gradients at steps 0 and 1,
 * the answer, and what a wrong norm would have said.
 *   (1.2, 1.6) then (0.018, 0.024): one direction at both steps, so only
 *   a norm not proportional to L2 changes the answer: its square.
 *   n_0 = 2, n_1 = 0.03, above 1e-3·2 = 0.002: not converged (rule 8),
 *   and not above half of 2 (rule 9): CAUSE_NONE. Squared, 4 and 0.0009
 *   would pass rule 8's test (0.0009 <= 0.004).
 *   (5, 0) then (0.003, 0.003): n_0 = 5, n_1 = 0.003·√2 = 0.00424, at
 *   most 1e-3·5 = 0.005: converged, and 4 >= 0.99·4: rule 8,
 *   CAUSE_AT_BASELINE. The sums of |g|, 5 then 0.006, would not be.
 *   (3, 4) then (0.0045, 0): n_0 = 5, n_1 = 0.0045 <= 0.005: rule 8
 *   again. The largest |g|, 4 then 0.0045, would not be converged
 *   (0.0045 > 0.004). */
static const struct {
    double g[4];
    Cause want, wrong; /* wrong: what the wrong norm of `why` gives */
    const char *run, *why;
} l2_cases[] = {
    {{1.2, 1.6, 0.018, 0.024}, CAUSE_NONE, CAUSE_AT_BASELINE,
     "a run whose gradient goes from (1.2, 1.6) to (0.018, 0.024), the loss "
     "at the baseline 4",
     "n_k is the L2 norm, not its square: 0.03 is 1.5% of 2, not converged, "
     "while the squares 0.0009 and 4 would be (0.02%)"},
    {{5.0, 0.0, 0.003, 0.003}, CAUSE_AT_BASELINE, CAUSE_NONE,
     "a run whose gradient goes from (5, 0) to (0.003, 0.003), the loss at "
     "the baseline 4",
     "n_k is the L2 norm, not the sum of |g|: 5, then 0.00424, converged (at "
     "most 0.005), where the sums of |g|, 5 then 0.006, would not be"},
    {{3.0, 4.0, 0.0045, 0.0}, CAUSE_AT_BASELINE, CAUSE_NONE,
     "a run whose gradient goes from (3, 4) to (0.0045, 0), the loss at the "
     "baseline 4",
     "n_k is the L2 norm, not the largest |g|: 5, then 0.0045, converged (at "
     "most 0.005), where the largest entries, 4 then 0.0045, would not be "
     "(above 0.004)"},
};

START_TEST(diagnose_norm_is_l2)
{
    History s;
    for (size_t i = 0; i < COUNT(l2_cases); i++) {
        const double *g = l2_cases[i].g;
        two_step_run(&s, 4.0, g[0], g[1], g[2], g[3]);
        /* The wrong norm is named only when its answer is the one given. */
        bool that_norm = diagnose_run(&s.h).cause == l2_cases[i].wrong;
        expect_diagnosis(&s, (Diagnosis){l2_cases[i].want, 0, 0},
                         l2_cases[i].run,
                         that_norm ? l2_cases[i].why
                                   : "rules 8 and 9 compare n_last with n_0, "
                                     "n_k the L2 norm of step k's whole "
                                     "gradient");
    }
}
END_TEST

START_TEST(diagnose_kstar_is_the_first)
{
    /* The norm halves every step, n_k = 0.5^k; the loss is nan at step 2,
     * the gradient jumps 8000-fold at step 4 (from 0.125 to 1000) and is
     * nan at step 5. k* = 2, the first non-finite step. Rule 2 needs
     * k* >= 6; rule 3 sees only n_1/n_0 = 0.5: rule 4,
     * CAUSE_INVALID_OPERATION at step 2. Taking the last non-finite step,
     * 5, as k* would find the jump at step 4 and call it a spike. */
    History s;
    halving_run(&s, 6);
    s.loss[2] = NAN;
    history_set(&s, 4, 1.0, 2.9, 0.0, 600.0, 800.0);
    s.grads[2 * 5] = NAN;
    expect_diagnosis(&s, (Diagnosis){CAUSE_INVALID_OPERATION, 2, 0},
                     "a run whose loss is nan at step 2, whose gradient "
                     "jumps 8000-fold at step 4 and is nan at step 5",
                     "k* is the FIRST non-finite step, 2; what comes after "
                     "it, the jump at step 4 and the nan at step 5, is not "
                     "part of rules 2 to 4");
}
END_TEST

START_TEST(diagnose_five_steps_are_too_few)
{
    /* The norm doubles, 5, 10, 20, 40, 80 (gradient (3, 4)·2^k), and the
     * loss is inf at step 5: k* = 5. Rule 2 needs k* >= 6; here there are
     * only four factors, n_1/n_0 to n_4/n_3. No factor reaches 100
     * (rule 3): rule 4, CAUSE_INVALID_OPERATION at step 5. The grads
     * array has a row in front of step 0, of norm 2.5, that is not part
     * of the history: code that read a fifth factor n_0/n_{-1} from it
     * would see five doublings. */
    double loss[6], params[12], grads_with_guard[2 + 12];
    double *grads = grads_with_guard + 2;
    grads_with_guard[0] = 1.5;
    grads_with_guard[1] = 2.0;
    for (size_t k = 0; k < 6; k++) {
        double f = pow(2.0, (double)k);
        loss[k] = 25.0 * f * f;
        params[2 * k] = f;
        params[2 * k + 1] = -f;
        grads[2 * k] = 3.0 * f;
        grads[2 * k + 1] = 4.0 * f;
    }
    loss[5] = INFINITY;
    History s;
    history_init(&s, 6, 1.0);
    s.h = (RunHistory){6, 2, loss, params, grads, 1.0};
    expect_diagnosis(&s, (Diagnosis){CAUSE_INVALID_OPERATION, 5, 0},
                     "a run whose gradient norm doubles from 5 to 80 before "
                     "the loss is inf at step 5",
                     "with k* = 5 there are only four growth factors, "
                     "n_1/n_0 to n_4/n_3: rule 2 needs k* >= 6, five "
                     "factors, and a fifth would need a row before step 0");
}
END_TEST

START_TEST(diagnose_nothing_moved)
{
    /* Three steps, nothing moves (1 and 2 throughout). Parameter 1's
     * gradient is -0.3, so it was pushed: rule 6, CAUSE_NO_STEP, whose
     * .param is 0 (only CAUSE_FROZEN_PARAMETER names a parameter), though
     * the lowest pushed parameter is 1 (parameter 0's gradient is 0). */
    History s;
    still_run(&s, 3, 0.0, -0.3);
    expect_diagnosis(&s, (Diagnosis){CAUSE_NO_STEP, 0, 0},
                     "a run where nothing moves, parameter 0's gradient 0 "
                     "and parameter 1's -0.3",
                     "nothing moved while parameter 1 was pushed: the step "
                     "is missing (rule 6)");
    /* Every gradient 0 at every step, nothing moves, the loss 4 is the
     * baseline 4: a run that started at a stationary point. Nothing was
     * pushed, so rules 6 and 7 do not apply. n_0 = n_last = 0, and
     * 0 <= 1e-3·0 holds: converged (rule 8), with 4 >= 0.99·4:
     * CAUSE_AT_BASELINE. */
    for (size_t k = 0; k < 3; k++)
        history_set(&s, k, 4.0, 1.0, 2.0, 0.0, 0.0);
    s.h.baseline = 4.0;
    Cause got = diagnose_run(&s.h).cause;
    expect_diagnosis(&s, (Diagnosis){CAUSE_AT_BASELINE, 0, 0},
                     "a run where nothing moves, every gradient 0, the loss "
                     "4 at the baseline 4",
                     got == CAUSE_NO_STEP
                         ? "nothing was pushed: rule 6 needs some parameter "
                           "pushed (a nonzero gradient), and with every "
                           "gradient 0 there was nothing to step for"
                         : "n_last = 0 <= 1e-3·n_0 = 0 holds, so rule 8 "
                           "applies: compare n_last with 1e-3·n_0, not their "
                           "ratio, which is 0/0 = nan");
}
END_TEST

START_TEST(diagnose_pushed_and_moved)
{
    /* Parameter 0 moves (1, 0.9, 0.8, 0.7); parameter 1 stays at 2, its
     * gradient 0 at step 0 and -0.3 from step 1 on. Pushed means a
     * nonzero gradient at some step: parameter 1 is pushed and never
     * moved, rule 7, CAUSE_FROZEN_PARAMETER with .param = 1. */
    History s;
    history_init(&s, 4, 10.0);
    for (size_t k = 0; k < 4; k++)
        history_set(&s, k, 3.0 - 0.1 * (double)k, 1.0 - 0.1 * (double)k, 2.0,
                    0.5, k == 0 ? 0.0 : -0.3);
    expect_diagnosis(&s, (Diagnosis){CAUSE_FROZEN_PARAMETER, 0, 1},
                     "a run where parameter 1 never moves, its gradient 0 "
                     "at step 0 and -0.3 from step 1 on",
                     "pushed means a nonzero gradient at SOME step, not "
                     "only at step 0: parameter 1 is pushed from step 1 on "
                     "and never moves");
    /* Parameter 1 goes 2, 2 + 2^-45, 2 + 2^-44 (exact in a double; 2^-45
     * is about 2.8e-14): it moved. Parameter 0 moves too, so rules 6 and
     * 7 do not apply. The norm goes 2, 1.9, 1.8: not converged, and 1.8
     * is above half of 2: rule 9, CAUSE_LR_TOO_SMALL. */
    history_init(&s, 3, 10.0);
    const double norms[] = {2.0, 1.9, 1.8};
    const double p1[] = {2.0, 2.0 + 0x1p-45, 2.0 + 0x1p-44};
    for (size_t k = 0; k < 3; k++)
        history_set(&s, k, 5.0 - (double)k, 1.0 - 0.1 * (double)k, p1[k],
                    0.6 * norms[k], 0.8 * norms[k]);
    expect_diagnosis(&s, (Diagnosis){CAUSE_LR_TOO_SMALL, 0, 0},
                     "a run whose parameter 1 goes 2, 2 + 2^-45, 2 + 2^-44 "
                     "and whose gradient norm falls from 2 to 1.8",
                     "moved means differs from step 0's value, by any "
                     "amount: parameter 1 moved by 2^-45, and rule 7 has "
                     "no tolerance");
}
END_TEST

/* A run of `rows` steps whose gradient is (0, 0) at every one, parameter
 * 0 moving 1, 1.1, 1.2, ..., the loss 1 and then nan at the last step. */
static void zero_gradient_run(History *s, size_t rows)
{
    history_init(s, rows, NAN);
    for (size_t k = 0; k < rows; k++)
        history_set(s, k, 1.0, 1.0 + 0.1 * (double)k, 0.0, 0.0, 0.0);
    s->loss[rows - 1] = NAN;
}

START_TEST(diagnose_zero_gradient_before_nan)
{
    /* Seven steps of zero_gradient_run: k* = 6. Every norm is 0, so every
     * factor n_k/n_{k-1} is 0/0 = nan. Rule 2 needs the five factors for
     * k = 1 .. 5 above 1: a nan is not. Rule 3 needs one of them at least
     * 100: a nan is not that either. Rule 4: CAUSE_INVALID_OPERATION at
     * step 6. */
    const char *why = "the gradient norm is 0 before the nan: a factor 0/0 "
                      "is nan, which is neither above 1 nor at least 100, "
                      "so nothing grew (rule 4)";
    History s;
    zero_gradient_run(&s, 7);
    expect_diagnosis(&s, (Diagnosis){CAUSE_INVALID_OPERATION, 6, 0},
                     "a run whose gradient is (0, 0) at every step, the loss "
                     "nan at step 6", why);
    /* The same run cut to three steps, the loss nan at step 2: k* = 2 is
     * too early for rule 2, and rule 3's one factor, n_1/n_0 = 0/0, is
     * nan: rule 4 again, at step 2. */
    zero_gradient_run(&s, 3);
    expect_diagnosis(&s, (Diagnosis){CAUSE_INVALID_OPERATION, 2, 0},
                     "a run whose gradient is (0, 0) at every step, the loss "
                     "nan at step 2", why);
}
END_TEST

START_TEST(diagnose_single_nonfinite_row)
{
    /* One row, its loss nan, the gradient (0.5, 0.5): k* = 0 exists, so
     * rule 1 names it, CAUSE_NONFINITE_AT_START at step 0. Rule 5's
     * "a single row" is only for runs whose every step is finite. */
    History s;
    history_init(&s, 1, 4.0);
    history_set(&s, 0, NAN, 1.0, 2.0, 0.5, 0.5);
    expect_diagnosis(&s, (Diagnosis){CAUSE_NONFINITE_AT_START, 0, 0},
                     "a run of a single row whose loss is nan",
                     "a single row whose loss is nan is rule 1's run: the "
                     "non-finite check comes before the single-row case "
                     "(rule 5 is for finite runs)");
}
END_TEST

START_TEST(diagnose_pushed_at_last_row)
{
    /* Three steps, baseline 10, the loss 3, 2.9, 2.8. Parameter 0 moves
     * (1, 0.9, 0.8) under a gradient of 0.5; parameter 1 stays at 2, its
     * gradient 0, 0 and then -0.3 at step 2, the last row. It was pushed
     * (nonzero at some step) and never moved while parameter 0 did:
     * rule 7, CAUSE_FROZEN_PARAMETER with .param = 1. */
    History s;
    history_init(&s, 3, 10.0);
    history_set(&s, 0, 3.0, 1.0, 2.0, 0.5, 0.0);
    history_set(&s, 1, 2.9, 0.9, 2.0, 0.5, 0.0);
    history_set(&s, 2, 2.8, 0.8, 2.0, 0.5, -0.3);
    expect_diagnosis(&s, (Diagnosis){CAUSE_FROZEN_PARAMETER, 0, 1},
                     "a run where parameter 1 never moves, its gradient 0, 0 "
                     "and then -0.3 at the last step",
                     "pushed means a nonzero gradient at any step, the last "
                     "row included: parameter 1's -0.3 at step 2 counts, "
                     "though no later row shows the step it asked for");
    /* The mirror image: parameter 1's gradient is -0.3 at step 0 only, the
     * first row, and it never moves: pushed all the same, rule 7 again. */
    history_set(&s, 0, 3.0, 1.0, 2.0, 0.5, -0.3);
    history_set(&s, 2, 2.8, 0.8, 2.0, 0.5, 0.0);
    expect_diagnosis(&s, (Diagnosis){CAUSE_FROZEN_PARAMETER, 0, 1},
                     "a run where parameter 1 never moves, its gradient -0.3 "
                     "at step 0 and then 0, 0",
                     "pushed means a nonzero gradient at any step, the first "
                     "row included: parameter 1's -0.3 at step 0 counts");
    /* The same three rows, with a nan loss and gradient in the row after
     * the last (step 3; the arrays have room for it): that row is not part
     * of the run, so the diagnosis is unchanged. */
    history_set(&s, 3, NAN, 0.7, 2.0, NAN, NAN);
    expect_diagnosis(&s, (Diagnosis){CAUSE_FROZEN_PARAMETER, 0, 1},
                     "a three-row run (rows = 3) whose arrays hold a nan "
                     "row after the last",
                     "that nan sits in step 3, past the run's rows 0 .. 2, "
                     "so a diagnosis that sees it read one row too many: "
                     "the steps are 0 .. rows - 1");
}
END_TEST

/* Two-step runs where both parameters move, (1, 0) then (0.9, 0.1), the
 * gradient (2, 0) then (h0, 0): n_0 = 2 and n_1 = h0. */
static void boundary_run(History *s, double baseline, double loss0,
                         double loss1, double h0)
{
    history_init(s, 2, baseline);
    history_set(s, 0, loss0, 1.0, 0.0, 2.0, 0.0);
    history_set(s, 1, loss1, 0.9, 0.1, h0, 0.0);
}

START_TEST(diagnose_thresholds_exactly)
{
    /* n_1 = 0.001 is at most 1e-3·2 = 0.002: converged. Baseline 100, the
     * last loss 99: 0.99·100 rounds to exactly 99 in a double, and rule 8
     * says at or above it: CAUSE_AT_BASELINE. */
    History s;
    boundary_run(&s, 100.0, 150.0, 99.0, 0.001);
    expect_diagnosis(&s, (Diagnosis){CAUSE_AT_BASELINE, 0, 0},
                     "a converged run whose loss settles at 99, the baseline "
                     "100",
                     "99 is exactly 0.99·100, and rule 8 calls a loss at or "
                     "above 0.99·baseline the baseline: compare with >=");
    /* Converged again, baseline 10, the last loss 1: 0.1·10 is exactly 1
     * in a double, and a poor fit needs a loss above it, so rule 8 names
     * nothing; 0.001 is not above half of 2 (rule 9): CAUSE_NONE. */
    boundary_run(&s, 10.0, 15.0, 1.0, 0.001);
    expect_diagnosis(&s, (Diagnosis){CAUSE_NONE, 0, 0},
                     "a converged run whose loss settles at 1, the baseline "
                     "10",
                     "1 is exactly 10% of the baseline 10, and rule 8 calls a "
                     "fit poor only above 10%: compare with >");
    /* Not converged, no baseline: the norm falls from 2 to 1, exactly
     * half (0.5·2 is 1 exactly). Rule 9 needs more than half: CAUSE_NONE. */
    boundary_run(&s, NAN, 5.0, 4.0, 1.0);
    expect_diagnosis(&s, (Diagnosis){CAUSE_NONE, 0, 0},
                     "a run whose gradient norm falls from 2 to 1",
                     "1 is exactly half the starting norm 2, and rule 9 "
                     "needs more than half to call the run stalled: "
                     "compare with >");
}
END_TEST

START_TEST(diagnose_kstar_gradient_before_loss)
{
    /* halving_run's six steps (n_k = 0.5^k, every loss finite), with the
     * gradient (nan, 0.2) at step 2 while its loss 0.25 is still finite,
     * and the loss nan only at steps 4 and 5. k* is the first step whose
     * loss OR any gradient entry is non-finite: 2. Rule 2 needs k* >= 6;
     * rule 3 sees only n_1/n_0 = 0.5: rule 4, CAUSE_INVALID_OPERATION at
     * step 2. A search for the first non-finite loss, before any gradient
     * is looked at, stops at step 4 instead. */
    History s;
    halving_run(&s, 6);
    s.grads[2 * 2] = NAN;
    s.loss[4] = NAN;
    s.loss[5] = NAN;
    const char *run = "a run whose gradient is (nan, 0.2) at step 2 and "
                      "whose loss is finite until step 4, nan from there";
    Diagnosis got = diagnose_run(&s.h);
    if (got.step == 4)
        ck_abort_msg("diagnose_run on %s named step 4, where the loss is "
                     "first nan, as k*: k* is the first step whose loss or "
                     "any gradient entry is non-finite, and step 2's "
                     "gradient is nan already; look at each step's loss "
                     "and gradient together, step by step, not for the "
                     "first non-finite loss before any gradient", run);
    expect_diagnosis(&s, (Diagnosis){CAUSE_INVALID_OPERATION, 2, 0}, run,
                     "k* is step 2, whose gradient is nan (the loss is "
                     "finite until step 4), and the norm only halved before "
                     "it: nothing grew (rule 4)");
}
END_TEST

static void add_diagnose_tests(TCase *tc)
{
    tcase_add_test(tc, diagnose_nonfinite_at_start);
    tcase_add_test(tc, diagnose_steady_growth);
    tcase_add_test(tc, diagnose_spike);
    tcase_add_test(tc, diagnose_invalid_operation);
    tcase_add_test(tc, diagnose_no_step_and_frozen);
    tcase_add_test(tc, diagnose_converged);
    tcase_add_test(tc, diagnose_lr_too_small);
    tcase_add_test(tc, diagnose_norm_is_l2);
    tcase_add_test(tc, diagnose_growth_window);
    tcase_add_test(tc, diagnose_other_shapes);
    tcase_add_test(tc, diagnose_converged_thresholds);
    tcase_add_test(tc, diagnose_kstar_is_the_first);
    tcase_add_test(tc, diagnose_five_steps_are_too_few);
    tcase_add_test(tc, diagnose_nothing_moved);
    tcase_add_test(tc, diagnose_pushed_and_moved);
    tcase_add_test(tc, diagnose_zero_gradient_before_nan);
    tcase_add_test(tc, diagnose_single_nonfinite_row);
    tcase_add_test(tc, diagnose_pushed_at_last_row);
    tcase_add_test(tc, diagnose_thresholds_exactly);
    tcase_add_test(tc, diagnose_kstar_gradient_before_loss);
}

/* ============================================================ chapter */

static const Exercise exercises[] = {
    {"grad-global-norm", "grad_global_norm()", 3, "Clipping by global norm",
     "Add up the squares of every entry of every tensor (entries 0 to "
     "size - 1), then take one square root.",
     add_global_norm_tests},
    {"clip-grad-norm", "clip_grad_norm()", 5, "Clipping by global norm",
     "One coefficient for all the tensors, from their global norm, with "
     "PyTorch's 1e-6 in the denominator; scale unless it is at least 1 (a "
     "nan coefficient is not, so it scales, and spreads: the lesson says "
     "why).",
     add_clip_norm_tests},
    {"clip-grad-value", "clip_grad_value()", 3, "Clipping by value",
     "Clamp each entry into [-v, v] on its own, deciding with "
     "comparisons: fmin and fmax treat a nan differently from "
     "torch.clamp.",
     add_clip_value_tests},
    {"grads-all-finite", "grads_all_finite()", 2, "Checking for nan and inf",
     "Return false at the first entry for which isfinite() is false; "
     "true after checking every entry of every tensor.",
     add_all_finite_tests},
    {"sgd-step-clipped", "sgd_step_clipped()", 3, "Where clipping goes",
     "Clip first, then take the plain gradient-descent step with the "
     "clipped gradients; what it returns is the norm measured before "
     "clipping.",
     add_sgd_step_clipped_tests},
    {"diagnose-run", "diagnose_run()", 6, "A diagnosis from the run's history",
     "Find k*, the first step with a non-finite loss or gradient entry; "
     "then apply the header's rules in their order, computing each step's "
     "gradient norm from its row of grads.",
     add_diagnose_tests},
};

int main(int argc, char **argv)
{
    Chapter chapter = {"05-gradient-clipping",
                       "Gradient clipping, and why losses become nan",
                       exercises, COUNT(exercises)};
    return grading_main(&chapter, argc, argv);
}
