/*
 * tests/04-optimizers.c: the graded tests of chapter 4.
 *
 * Three kinds of expected values, none computed by the reference solution:
 *   - first and second steps worked by hand (the working is in the comments;
 *     the settings are chosen so that the numbers are short, and so that
 *     each classic mistake gives a different number, which the test names);
 *   - trajectories pinned from PyTorch (provenance beside them);
 *   - torch.optim's documented defaults.
 * Every step is called with n = 2 on arrays of three: the third entry is a
 * sentinel that a step must neither read into its result nor write.
 */
#include "grading.h"

#include <math.h>
#include <stdio.h>

#include "04-optimizers.h"

enum { N = 2 };
#define SENTINEL 42.0

/* Hand-worked numbers involve a few roundings: 1e-12 relative is plenty.
 * Pinned trajectories: a correct step written in another order of
 * operations drifts from torch's by a few units in the last place per step;
 * over 20 steps that stays far below 1e-10. */
#define TIGHT 1e-12
#define PINNED 1e-10

/* A wrong answer that a known mistake produces, and what to say about it. */
typedef struct {
    double v[N];
    const char *why;
} Wrong;

static bool near2(const double *got, const double *want, double tol)
{
    return grading_near(got[0], want[0], tol) &&
           grading_near(got[1], want[1], tol);
}

/* Fails with the parameters found and expected, naming the mistake when the
 * result matches one of `wrong`. `what` says which call, in the lesson's
 * terms; `before` is where the parameters were before it. */
static void expect_params(const char *what, const double *got,
                          const double *before, const double *want,
                          const Wrong *wrong, size_t count)
{
    ck_assert_msg(got[N] == SENTINEL,
                  "%s wrote params[2]: with n = 2, touch only params[0] and "
                  "params[1]", what);
    require_finite(got[0], "params[0] after the step");
    require_finite(got[1], "params[1] after the step");
    if (near2(got, want, TIGHT))
        return;
    const char *why = "compare each line with the update rule in the lesson";
    if (got[0] == before[0] && got[1] == before[1])
        why = "the parameters did not move: update params in place";
    for (size_t k = 0; k < count; k++)
        if (near2(got, wrong[k].v, TIGHT)) {
            why = wrong[k].why;
            break;
        }
    ck_abort_msg("%s gave params (%.12g, %.12g), expected (%.12g, %.12g): %s",
                 what, got[0], got[1], want[0], want[1], why);
}

#define COUNT(a) (sizeof(a) / sizeof *(a))

/* ------------------------------------------------ pinned trajectories
 * 20 steps on Rosenbrock's f = (1 - x)² + 100(y - x²)² from (-1.2, 1),
 * the gradient computed here. Pinned values: torch 1.13.0a0 (Debian 12's
 * python3-torch), float64, printed by
 *     /usr/bin/python3 tools/crosscheck-torch.py --pin
 * (which sets ATEN_CPU_CAPABILITY=default, torch's kernels without fused
 * multiply-adds). Lion is not in torch.optim: its pinned values come from
 * the same script's Lion, written with torch operations. */
enum { PINNED_STEPS = 20 };

static void rosenbrock_grad(const double *t, double *g)
{
    double b = t[1] - t[0] * t[0];
    g[0] = -2.0 * (1.0 - t[0]) - 400.0 * t[0] * b;
    g[1] = 200.0 * b;
}

static void expect_pinned(const char *setting, const double *got,
                          double want_x, double want_y)
{
    require_finite(got[0], "x after 20 steps");
    require_finite(got[1], "y after 20 steps");
    ck_assert_msg(grading_near(got[0], want_x, PINNED) &&
                      grading_near(got[1], want_y, PINNED),
                  "20 steps of %s on Rosenbrock from (-1.2, 1) end at "
                  "(%.15g, %.15g); PyTorch ends at (%.15g, %.15g). The "
                  "hand-worked steps pass, so look at what only shows over "
                  "many steps: the state carried from step to step, the "
                  "step count, and every setting used together",
                  setting, got[0], got[1], want_x, want_y);
}

/* Runs the pinned trajectory with any optimizer: STEP is one call. */
#define RUN_PINNED(STEP)                                                     \
    double theta[N + 1] = {-1.2, 1.0, SENTINEL}, grad[N + 1] = {0, 0,        \
                                                                SENTINEL};   \
    for (int k = 0; k < PINNED_STEPS; k++) {                                 \
        rosenbrock_grad(theta, grad);                                        \
        STEP;                                                                \
    }

/* ------------------------------------------------------------ any n
 * Every other test steps n = 2 parameters; these step n = 5, and n = 0, so
 * that a loop written for two parameters, or one that ignores n, shows.
 * All six optimizers act on each parameter on its own, so each first step
 * has a closed form per entry, worked beside each test below. */
enum { WIDE = 5 };
static const double WIDE_THETA[WIDE] = {1.0, -2.0, 0.25, 4.0, -3.0};
static const double WIDE_GRAD[WIDE + 1] = {3.0, -4.0, 0.5, -1.0, 2.0,
                                           SENTINEL};

static void wide_start(double *p)
{
    for (size_t i = 0; i < WIDE; i++)
        p[i] = WIDE_THETA[i];
    p[WIDE] = SENTINEL;
}

/* Checks a step of n = 5 against rule(θ_i, g_i) entry by entry. */
static void expect_wide(const char *what, const double *got,
                        double (*rule)(double theta, double g))
{
    ck_assert_msg(got[WIDE] == SENTINEL, "%s with n = 5 wrote params[5]: "
                  "touch only params[0..n-1]", what);
    bool first_two = true;
    for (size_t i = 0; i < 2; i++)
        first_two &= grading_near(got[i], rule(WIDE_THETA[i], WIDE_GRAD[i]),
                                  TIGHT);
    for (size_t i = 0; i < WIDE; i++) {
        double want = rule(WIDE_THETA[i], WIDE_GRAD[i]);
        ck_assert_msg(grading_near(got[i], want, TIGHT),
                      "%s with n = 5 parameters gave params[%zu] = %.12g, "
                      "expected %.12g%s", what, i, got[i], want,
                      first_two && i >= 2
                          ? ": the first two are right; loop over all n "
                            "parameters (and their state), not a fixed "
                            "number"
                          : "");
    }
}

/* A step with n = 0 must change nothing: p holds only the sentinel. */
static void expect_empty(const char *what, const double *p)
{
    ck_assert_msg(p[0] == SENTINEL, "%s with n = 0 wrote params[0]: with "
                  "no parameters there is nothing to touch", what);
}

/* Two States used side by side, as for two parameter arrays: the first
 * takes a step with large gradients 100·g, then the second, fresh, a first
 * step with -g. The second must move exactly as a first step does (rule
 * with -g): whatever a step remembers belongs in its State, and a static
 * variable or a buffer shared between calls carries the first array's
 * history into the second. (SGD's runs with dampening 0.5, so that a
 * "first step" flag kept outside the State shows too: a fresh State's
 * first step has no dampening.) */
#define STATES_ARE_SEPARATE(NAME, STATE_T, INIT, STEP, FREE, RULE, WHAT, \
                            ...)                                         \
    START_TEST(NAME)                                                        \
    {                                                                       \
        __VA_ARGS__;                                                        \
        STATE_T first, second;                                              \
        ck_assert(INIT(&first) && INIT(&second));                           \
        double pa[WIDE + 1], pb[WIDE + 1], big[WIDE + 1], neg[WIDE + 1];    \
        wide_start(pa);                                                     \
        wide_start(pb);                                                     \
        for (size_t i = 0; i < WIDE; i++)                                   \
            big[i] = 100.0 * WIDE_GRAD[i], neg[i] = -WIDE_GRAD[i];          \
        big[WIDE] = neg[WIDE] = SENTINEL;                                   \
        STEP(pa, big, WIDE, &cfg, &first);                                  \
        STEP(pb, neg, WIDE, &cfg, &second);                                 \
        for (size_t i = 0; i < WIDE; i++) {                                 \
            double want = RULE(WIDE_THETA[i], neg[i]);                      \
            ck_assert_msg(grading_near(pb[i], want, TIGHT),                 \
                          "%s on a second, fresh State (after another "     \
                          "State's step) gave params[%zu] = %.12g, "        \
                          "expected %.12g: keep everything the step "       \
                          "remembers in *state, never in static variables", \
                          WHAT, i, pb[i], want);                            \
        }                                                                   \
        FREE(&first);                                                       \
        FREE(&second);                                                      \
    }                                                                       \
    END_TEST

/* ===================================================================== SGD */

static SgdConfig sgd_config(double lr, double momentum, double dampening,
                            double weight_decay, bool nesterov)
{
    return (SgdConfig){lr, momentum, dampening, weight_decay, nesterov};
}

START_TEST(sgd_plain_and_weight_decay)
{
    /* θ = (1, -2), g = (0.5, -1), η = 0.1:
     *   θ - ηg = (0.95, -1.9).
     * With λ = 0.1 the gradient becomes g + λθ = (0.6, -1.2), so
     *   θ = (1 - 0.06, -2 + 0.12) = (0.94, -1.88). */
    const double start[N] = {1.0, -2.0};
    const double grads[N + 1] = {0.5, -1.0, SENTINEL};
    SgdState state;
    ck_assert(sgd_state_init(&state, N));
    double p[N + 1] = {1.0, -2.0, SENTINEL};
    SgdConfig cfg = sgd_config(0.1, 0.0, 0.0, 0.0, false);
    sgd_step(p, grads, N, &cfg, &state);
    const Wrong plain[] = {
        {{1.05, -2.1}, "the parameters moved uphill: θ ← θ - η·g"},
        {{0.5, -1.0}, "the learning rate is ignored: the step is η·g"},
    };
    expect_params("one plain SGD step (η = 0.1)", p, start,
                  (double[]){0.95, -1.9}, plain, COUNT(plain));
    sgd_state_free(&state);

    ck_assert(sgd_state_init(&state, N));
    double q[N + 1] = {1.0, -2.0, SENTINEL};
    cfg.weight_decay = 0.1;
    sgd_step(q, grads, N, &cfg, &state);
    const Wrong decay[] = {
        {{0.95, -1.9}, "weight decay is missing: add λ·θ to the gradient"},
        {{0.96, -1.92}, "weight decay pushed the weights away from 0: the "
                        "gradient gets +λ·θ, not -λ·θ"},
    };
    expect_params("one SGD step with weight decay λ = 0.1", q, start,
                  (double[]){0.94, -1.88}, decay, COUNT(decay));
    sgd_state_free(&state);
}
END_TEST

START_TEST(sgd_momentum_buffer)
{
    /* μ = 0.9, τ = 0.5, η = 0.1, θ = (1, -2).
     * Step 1, g = (0.5, -1): torch sets the buffer to the gradient itself,
     *   b = g = (0.5, -1), θ = (0.95, -1.9).
     * A buffer started at 0 and dampened gives b = 0.5·g = (0.25, -0.5)
     * and θ = (0.975, -1.95).
     * Step 2, g = (1, 2): b = 0.9·(0.5, -1) + 0.5·(1, 2) = (0.95, 0.1),
     *   θ = (0.95 - 0.095, -1.9 - 0.01) = (0.855, -1.91).
     * Without dampening b = (1.45, 1.1) and θ = (0.805, -2.01); with a buffer
     * that restarts every step (step never counted) b = g = (1, 2) and
     * θ = (0.85, -2.1). */
    SgdState state;
    ck_assert(sgd_state_init(&state, N));
    SgdConfig cfg = sgd_config(0.1, 0.9, 0.5, 0.0, false);
    double p[N + 1] = {1.0, -2.0, SENTINEL};
    sgd_step(p, (const double[]){0.5, -1.0, SENTINEL}, N, &cfg, &state);
    const Wrong first[] = {
        {{0.975, -1.95}, "the momentum buffer was initialised to zero and "
                         "dampened on the first step; torch.optim.SGD sets "
                         "b = g on the first step, with no (1 - τ)"},
    };
    expect_params("the first momentum step (μ = 0.9, τ = 0.5, η = 0.1)", p,
                  (const double[]){1.0, -2.0}, (double[]){0.95, -1.9}, first,
                  COUNT(first));
    double after_one[N] = {p[0], p[1]};
    sgd_step(p, (const double[]){1.0, 2.0, SENTINEL}, N, &cfg, &state);
    const Wrong second[] = {
        {{0.805, -2.01}, "dampening is ignored: after the first step "
                         "b = μ·b + (1 - τ)·g"},
        {{0.85, -2.1}, "the buffer restarted: count the steps in "
                       "state->step, so only the very first step sets b = g"},
    };
    expect_params("the second momentum step", p, after_one,
                  (double[]){0.855, -1.91}, second, COUNT(second));
    ck_assert_msg(state.step == 2, "after two steps state->step is %zu: it "
                  "counts the steps taken", state.step);
    sgd_state_free(&state);
}
END_TEST

START_TEST(sgd_nesterov)
{
    /* μ = 0.9, no dampening, η = 0.1, Nesterov, θ = (1, -2).
     * Step 1, g = (0.5, -1): b = g, d = g + μ·b = 1.9·g = (0.95, -1.9),
     *   θ = (1 - 0.095, -2 + 0.19) = (0.905, -1.81).
     * Plain momentum would step along b = g: θ = (0.95, -1.9).
     * Step 2, g = (1, 2): b = 0.9·(0.5, -1) + (1, 2) = (1.45, 1.1),
     *   d = (1, 2) + 0.9·(1.45, 1.1) = (2.305, 2.99),
     *   θ = (0.905 - 0.2305, -1.81 - 0.299) = (0.6745, -2.109).
     * A look-ahead with the old buffer, d = g + μ·(0.5, -1) = (1.45, 1.1),
     * gives θ = (0.76, -1.92). */
    SgdState state;
    ck_assert(sgd_state_init(&state, N));
    SgdConfig cfg = sgd_config(0.1, 0.9, 0.0, 0.0, true);
    double p[N + 1] = {1.0, -2.0, SENTINEL};
    sgd_step(p, (const double[]){0.5, -1.0, SENTINEL}, N, &cfg, &state);
    const Wrong first[] = {
        {{0.95, -1.9}, "Nesterov computed as plain momentum: with "
                       "nesterov the direction is g + μ·b, not b"},
    };
    expect_params("the first Nesterov step (μ = 0.9, η = 0.1)", p,
                  (const double[]){1.0, -2.0}, (double[]){0.905, -1.81},
                  first, COUNT(first));
    double after_one[N] = {p[0], p[1]};
    sgd_step(p, (const double[]){1.0, 2.0, SENTINEL}, N, &cfg, &state);
    const Wrong second[] = {
        {{0.76, -1.92}, "the look-ahead used the buffer from before this "
                        "step: update b first, then d = g + μ·b"},
    };
    expect_params("the second Nesterov step", p, after_one,
                  (double[]){0.6745, -2.109}, second, COUNT(second));
    sgd_state_free(&state);
}
END_TEST

START_TEST(sgd_weight_decay_with_momentum)
{
    /* μ = 0.9, λ = 0.1, η = 0.1, θ = (1, -2). torch adds λθ to the
     * gradient before it enters the buffer.
     * Step 1, g = (0.5, -1): g + λθ = (0.6, -1.2) = b,
     *   θ = (1 - 0.06, -2 + 0.12) = (0.94, -1.88).
     * Step 2, g = (1, 2): g + λθ = (1.094, 1.812),
     *   b = 0.9·(0.6, -1.2) + (1.094, 1.812) = (1.634, 0.732),
     *   θ = (0.94 - 0.1634, -1.88 - 0.0732) = (0.7766, -1.9532).
     * Adding λθ to the step after the momentum instead (b from g alone,
     * θ ← θ - η·(b + λθ)) gives the same first step but then
     *   b = 0.9·(0.5, -1) + (1, 2) = (1.45, 1.1),
     *   θ = (0.94 - 0.1·(1.45 + 0.094), -1.88 - 0.1·(1.1 - 0.188))
     *     = (0.7856, -1.9712). */
    SgdState state;
    ck_assert(sgd_state_init(&state, N));
    SgdConfig cfg = sgd_config(0.1, 0.9, 0.0, 0.1, false);
    double p[N + 1] = {1.0, -2.0, SENTINEL};
    sgd_step(p, (const double[]){0.5, -1.0, SENTINEL}, N, &cfg, &state);
    expect_params("the first momentum step with weight decay λ = 0.1", p,
                  (const double[]){1.0, -2.0}, (double[]){0.94, -1.88}, NULL,
                  0);
    double after_one[N] = {p[0], p[1]};
    sgd_step(p, (const double[]){1.0, 2.0, SENTINEL}, N, &cfg, &state);
    const Wrong second[] = {
        {{0.7856, -1.9712},
         "weight decay was added to the step after the momentum; torch "
         "adds λ·θ to the gradient before it enters the buffer, so "
         "momentum carries the decay too"},
    };
    expect_params("the second momentum step with weight decay", p,
                  after_one, (double[]){0.7766, -1.9532}, second,
                  COUNT(second));
    sgd_state_free(&state);
}
END_TEST

START_TEST(sgd_pinned)
{
    SgdState state;
    ck_assert(sgd_state_init(&state, N));
    SgdConfig heavy = sgd_config(1e-3, 0.9, 0.1, 0.01, false);
    RUN_PINNED(sgd_step(theta, grad, N, &heavy, &state));
    /* sgd lr=0.001 --momentum 0.9 --dampening 0.1 --weight-decay 0.01 */
    expect_pinned("SGD (η = 1e-3, μ = 0.9, τ = 0.1, λ = 0.01)", theta,
                  -0.6288469440148785, 0.29637443829834653);
    sgd_state_free(&state);
}
END_TEST

START_TEST(sgd_pinned_nesterov)
{
    SgdState state;
    ck_assert(sgd_state_init(&state, N));
    SgdConfig nesterov = sgd_config(1e-3, 0.9, 0.0, 0.0, true);
    RUN_PINNED(sgd_step(theta, grad, N, &nesterov, &state));
    /* sgd lr=0.001 --momentum 0.9 --nesterov */
    expect_pinned("SGD with Nesterov momentum (η = 1e-3, μ = 0.9)", theta,
                  -0.7574037970852097, 0.58137251605613);
    sgd_state_free(&state);
}
END_TEST

START_TEST(sgd_defaults)
{
    SgdConfig c = sgd_default_config();
    ck_assert_msg(c.lr == 1e-3 && c.momentum == 0.0 && c.dampening == 0.0 &&
                      c.weight_decay == 0.0 && !c.nesterov,
                  "sgd_default_config() gave lr %g, momentum %g, dampening "
                  "%g, weight_decay %g, nesterov %d; torch.optim.SGD's "
                  "defaults are 1e-3, 0, 0, 0, false",
                  c.lr, c.momentum, c.dampening, c.weight_decay, c.nesterov);
}
END_TEST

/* SGD with μ = 0.9, η = 0.1: the first step sets b = g, so
 * θ_i - 0.1·g_i. */
static double wide_sgd_rule(double theta, double g)
{
    return theta - 0.1 * g;
}

START_TEST(sgd_any_n)
{
    SgdConfig cfg = sgd_config(0.1, 0.9, 0.0, 0.0, false);
    SgdState state;
    double p[WIDE + 1];
    ck_assert(sgd_state_init(&state, WIDE));
    wide_start(p);
    sgd_step(p, WIDE_GRAD, WIDE, &cfg, &state);
    expect_wide("a momentum SGD step", p, wide_sgd_rule);
    sgd_state_free(&state);
    ck_assert(sgd_state_init(&state, 0));
    double none[1] = {SENTINEL};
    sgd_step(none, WIDE_GRAD, 0, &cfg, &state);
    expect_empty("an SGD step", none);
    sgd_state_free(&state);
}
END_TEST

static bool sgd_init_wide(SgdState *state)
{
    return sgd_state_init(state, WIDE);
}

STATES_ARE_SEPARATE(sgd_states_are_separate, SgdState,
                    sgd_init_wide, sgd_step, sgd_state_free,
                    wide_sgd_rule, "a first momentum SGD step",
                    SgdConfig cfg = sgd_config(0.1, 0.9, 0.5, 0.0, false))

static void add_sgd_tests(TCase *tc)
{
    tcase_add_test(tc, sgd_plain_and_weight_decay);
    tcase_add_test(tc, sgd_momentum_buffer);
    tcase_add_test(tc, sgd_nesterov);
    tcase_add_test(tc, sgd_weight_decay_with_momentum);
    tcase_add_test(tc, sgd_pinned);
    tcase_add_test(tc, sgd_pinned_nesterov);
    tcase_add_test(tc, sgd_defaults);
    tcase_add_test(tc, sgd_any_n);
    tcase_add_test(tc, sgd_states_are_separate);
}

/* ==================================================================== Adam
 * The hand-worked Adam steps use ε = 1: far larger than anyone would
 * train with, but it makes "ε outside the square root" and "ε inside"
 * differ in the second digit instead of the ninth. */

static AdamConfig adam_config(double lr, double weight_decay, bool amsgrad,
                              double eps)
{
    return (AdamConfig){lr, 0.9, 0.999, eps, weight_decay, amsgrad};
}

/* What Adam's first step gives under each classic mistake, for η = 0.1,
 * β = (0.9, 0.999), ε = 1, from θ with gradient g. At t = 1 the moments
 * are m = 0.1·g and v = 0.001·g², the bias corrections 0.1 and 0.001, so
 * m̂ = g, v̂ = g², and the right step is η·g/(|g| + ε). */
static void adam_first_step_mistakes(const double *theta, const double *g,
                                     Wrong *w)
{
    for (int i = 0; i < N; i++) {
        double m = 0.1 * g[i], v = 0.001 * g[i] * g[i];
        w[0].v[i] = theta[i] - 0.1 * m / (sqrt(v) + 1.0);
        w[1].v[i] = theta[i] - 0.1 * g[i] / sqrt(g[i] * g[i] + 1.0);
        w[2].v[i] = theta[i] - 0.1 * g[i] / (sqrt(v + 1.0) / sqrt(0.001));
        w[3].v[i] = theta[i] - 0.1 * g[i] / (sqrt(v) + 1.0);
        w[4].v[i] = theta[i] - 0.1 * m / (fabs(g[i]) + 1.0);
        /* ε added before dividing by √(1 - β2^t): (√v + ε)/√0.001 is
         * |g| + √1000, not |g| + 1. */
        w[5].v[i] = theta[i] - 0.1 * g[i] / (fabs(g[i]) + sqrt(1000.0));
        /* β1 and β2 swapped in the moments only: m = 0.001·g, v = 0.1·g²,
         * so m̂ = m/0.1 = 0.01·g and √v̂ = √(v/0.001) = 10·|g|. */
        w[6].v[i] = theta[i] - 0.1 * 0.01 * g[i] / (10.0 * fabs(g[i]) + 1.0);
        /* The step counted once per parameter: parameter i sees t = i + 1,
         * so the second one's corrections are 0.19 and 0.001999. */
        w[7].v[i] = i == 0 ? theta[i] - 0.1 * g[i] / (fabs(g[i]) + 1.0)
                           : theta[i] - (0.1 / 0.19) * m /
                                 (sqrt(v) / sqrt(0.001999) + 1.0);
    }
    w[0].why = "Adam without bias correction: divide m by 1 - β1^t and v "
               "by 1 - β2^t";
    w[1].why = "ε inside the square root: the denominator is "
               "√v̂ + ε, not √(v̂ + ε)";
    w[2].why = "ε inside the square root: the denominator is "
               "√v / √(1 - β2^t) + ε";
    w[3].why = "only the first moment was bias-corrected: v needs "
               "1 - β2^t too";
    w[4].why = "only the second moment was bias-corrected: m needs "
               "1 - β1^t too";
    w[5].why = "ε was added before dividing by √(1 - β2^t) (the paper's "
               "ε̂ form, as in Keras); torch adds it after: "
               "√v / √(1 - β2^t) + ε";
    w[6].why = "β1 and β2 are swapped: the first moment m decays with β1 "
               "(0.9), the second v with β2 (0.999)";
    w[7].why = "the step count grew once per parameter: count the step "
               "once per call, before the loop over parameters";
}

START_TEST(adam_first_step)
{
    /* θ = (1, -2), g = (3, -4), η = 0.1, ε = 1: the step is
     * η·g/(|g| + 1) = (0.3/4, -0.4/5) = (0.075, -0.08), so
     * θ = (0.925, -1.92). With the step count starting at 0, the bias
     * correction 1 - β1^0 is 0 and the step divides by it. */
    const double start[N] = {1.0, -2.0}, g[N] = {3.0, -4.0};
    AdamState state;
    ck_assert(adam_state_init(&state, N));
    AdamConfig cfg = adam_config(0.1, 0.0, false, 1.0);
    double p[N + 1] = {1.0, -2.0, SENTINEL};
    adam_step(p, (const double[]){3.0, -4.0, SENTINEL}, N, &cfg, &state);
    ck_assert_msg(isfinite(p[0]) && isfinite(p[1]),
                  "the first Adam step gave (%g, %g): bias correction with "
                  "t starting at 0 divides by 1 - β^0 = 0; count the step "
                  "first, so that t = 1 on the first step", p[0], p[1]);
    Wrong w[8];
    adam_first_step_mistakes(start, g, w);
    expect_params("the first Adam step (η = 0.1, ε = 1, g = (3, -4))", p,
                  start, (double[]){0.925, -1.92}, w, COUNT(w));
    ck_assert_msg(state.step == 1, "after one step state->step is %zu, "
                  "expected 1", state.step);
    adam_state_free(&state);
}
END_TEST

START_TEST(adam_second_step)
{
    /* Continuing from the first step, θ = (0.925, -1.92), with g = (1, 2):
     *   m = 0.9·(0.3, -0.4) + 0.1·(1, 2) = (0.37, -0.16)
     *   v = 0.999·(0.009, 0.016) + 0.001·(1, 4) = (0.009991, 0.019984)
     *   t = 2: 1 - β1² = 0.19, 1 - β2² = 0.001999
     *   θ_i -= (0.1/0.19)·m_i / (√v_i / √0.001999 + 1).
     * If the step count stayed at 1, the corrections would still be 0.1
     * and 0.001. */
    AdamState state;
    ck_assert(adam_state_init(&state, N));
    AdamConfig cfg = adam_config(0.1, 0.0, false, 1.0);
    double p[N + 1] = {1.0, -2.0, SENTINEL};
    adam_step(p, (const double[]){3.0, -4.0, SENTINEL}, N, &cfg, &state);
    double before[N] = {p[0], p[1]};
    adam_step(p, (const double[]){1.0, 2.0, SENTINEL}, N, &cfg, &state);
    const double m[N] = {0.37, -0.16}, v[N] = {0.009991, 0.019984};
    double want[N];
    Wrong stuck[1] = {{{0, 0}, "the bias corrections used t = 1 again: "
                               "count every step in state->step"}};
    for (int i = 0; i < N; i++) {
        want[i] = before[i] - (0.1 / 0.19) * m[i] /
                                  (sqrt(v[i]) / sqrt(0.001999) + 1.0);
        stuck[0].v[i] = before[i] - (0.1 / 0.1) * m[i] /
                                        (sqrt(v[i]) / sqrt(0.001) + 1.0);
    }
    expect_params("the second Adam step (g = (1, 2))", p, before, want, stuck,
                  COUNT(stuck));
    adam_state_free(&state);
}
END_TEST

START_TEST(adam_l2_weight_decay)
{
    /* λ = 0.5 joins the gradient: g + λθ = (3.5, -5), and the step is
     * η·g/(|g| + 1) = (0.35/4.5, -0.5/6), so θ = (1 - 7/90, -2 + 1/12).
     * Decoupled decay (AdamW's) would give θ·0.95 - (0.075, -0.08) =
     * (0.875, -1.82). */
    AdamState state;
    ck_assert(adam_state_init(&state, N));
    AdamConfig cfg = adam_config(0.1, 0.5, false, 1.0);
    double p[N + 1] = {1.0, -2.0, SENTINEL};
    adam_step(p, (const double[]){3.0, -4.0, SENTINEL}, N, &cfg, &state);
    const Wrong w[] = {
        {{0.925, -1.92}, "weight decay is missing: Adam adds λ·θ to the "
                         "gradient (L2)"},
        {{0.875, -1.82}, "that is AdamW's decoupled decay; Adam's "
                         "weight_decay adds λ·θ to the gradient"},
    };
    expect_params("one Adam step with weight decay λ = 0.5", p,
                  (const double[]){1.0, -2.0},
                  (double[]){1.0 - 7.0 / 90.0, -2.0 + 1.0 / 12.0}, w,
                  COUNT(w));
    adam_state_free(&state);
}
END_TEST

START_TEST(adam_amsgrad)
{
    /* η = 0.1, ε = 1, AMSGrad. Step 1 with g = (3, -4) is the first step
     * above: v = (0.009, 0.016), θ = (0.925, -1.92). Step 2 with a tiny
     * g = (0.01, -0.02):
     *   m = 0.9·(0.3, -0.4) + 0.1·g = (0.271, -0.362)
     *   v = 0.999·(0.009, 0.016) + 0.001·g² = (0.0089911, 0.0159844),
     *   smaller than before, so v_max keeps (0.009, 0.016);
     *   θ_i -= (0.1/0.19)·m_i / (√v_max_i / √0.001999 + 1).
     * Taking the max of the bias-corrected v̂ instead compares
     * v̂1 = v1/0.001 = g1² = (9, 16) with v̂2 = v2/0.001999 and keeps v̂1,
     * so the denominator would be |g1| + 1 = (4, 5). */
    AdamState state;
    ck_assert(adam_state_init(&state, N));
    AdamConfig cfg = adam_config(0.1, 0.0, true, 1.0);
    double p[N + 1] = {1.0, -2.0, SENTINEL};
    adam_step(p, (const double[]){3.0, -4.0, SENTINEL}, N, &cfg, &state);
    double before[N] = {p[0], p[1]};
    adam_step(p, (const double[]){0.01, -0.02, SENTINEL}, N, &cfg, &state);
    const double m[N] = {0.271, -0.362}, v_max[N] = {0.009, 0.016},
                 v[N] = {0.0089911, 0.0159844}, g1[N] = {3.0, 4.0};
    double want[N];
    Wrong w[2] = {
        {{0, 0}, "AMSGrad is ignored: divide by the largest v so far, "
                 "v_max = max(v_max, v)"},
        {{0, 0}, "torch's AMSGrad keeps the max of the raw second moment v "
                 "and bias-corrects that max; it does not take the max of "
                 "the corrected v̂"},
    };
    for (int i = 0; i < N; i++) {
        want[i] = before[i] - (0.1 / 0.19) * m[i] /
                                  (sqrt(v_max[i]) / sqrt(0.001999) + 1.0);
        w[0].v[i] = before[i] - (0.1 / 0.19) * m[i] /
                                    (sqrt(v[i]) / sqrt(0.001999) + 1.0);
        w[1].v[i] = before[i] - (0.1 / 0.19) * m[i] / (g1[i] + 1.0);
    }
    expect_params("the second AMSGrad step (g = (0.01, -0.02))", p, before,
                  want, w, COUNT(w));
    adam_state_free(&state);
}
END_TEST

START_TEST(adam_pinned)
{
    AdamState state;
    ck_assert(adam_state_init(&state, N));
    AdamConfig cfg = adam_config(0.05, 0.1, true, 1e-8);
    RUN_PINNED(adam_step(theta, grad, N, &cfg, &state));
    /* adam lr=0.05 --amsgrad --weight-decay 0.1 */
    expect_pinned("Adam (η = 0.05, AMSGrad, λ = 0.1)", theta,
                  -1.0585997707227932, 1.0638828987720428);
    adam_state_free(&state);
}
END_TEST

START_TEST(adam_defaults)
{
    AdamConfig c = adam_default_config();
    ck_assert_msg(c.lr == 1e-3 && c.beta1 == 0.9 && c.beta2 == 0.999 &&
                      c.eps == 1e-8 && c.weight_decay == 0.0 && !c.amsgrad,
                  "adam_default_config() gave lr %g, betas (%g, %g), eps "
                  "%g, weight_decay %g, amsgrad %d; torch.optim.Adam's are "
                  "1e-3, (0.9, 0.999), 1e-8, 0, false",
                  c.lr, c.beta1, c.beta2, c.eps, c.weight_decay, c.amsgrad);
}
END_TEST

/* Adam's first step, η = 0.1, ε = 1: m̂ = g, v̂ = g², so
 * θ_i - 0.1·g_i/(|g_i| + 1) (see adam_first_step_mistakes). */
static double wide_adam_rule(double theta, double g)
{
    return theta - 0.1 * g / (fabs(g) + 1.0);
}

START_TEST(adam_any_n)
{
    AdamConfig cfg = adam_config(0.1, 0.0, false, 1.0);
    AdamState state;
    double p[WIDE + 1];
    ck_assert(adam_state_init(&state, WIDE));
    wide_start(p);
    adam_step(p, WIDE_GRAD, WIDE, &cfg, &state);
    expect_wide("the first Adam step", p, wide_adam_rule);
    adam_state_free(&state);
    ck_assert(adam_state_init(&state, 0));
    double none[1] = {SENTINEL};
    adam_step(none, WIDE_GRAD, 0, &cfg, &state);
    expect_empty("an Adam step", none);
    adam_state_free(&state);
}
END_TEST

static bool adam_init_wide(AdamState *state)
{
    return adam_state_init(state, WIDE);
}

STATES_ARE_SEPARATE(adam_states_are_separate, AdamState,
                    adam_init_wide, adam_step, adam_state_free,
                    wide_adam_rule, "a first Adam step",
                    AdamConfig cfg = adam_config(0.1, 0.0, false, 1.0))

static void add_adam_tests(TCase *tc)
{
    tcase_add_test(tc, adam_first_step);
    tcase_add_test(tc, adam_second_step);
    tcase_add_test(tc, adam_l2_weight_decay);
    tcase_add_test(tc, adam_amsgrad);
    tcase_add_test(tc, adam_pinned);
    tcase_add_test(tc, adam_defaults);
    tcase_add_test(tc, adam_any_n);
    tcase_add_test(tc, adam_states_are_separate);
}

/* =================================================================== AdamW */

START_TEST(adamw_first_step)
{
    /* η = 0.1, λ = 0.5, ε = 1, θ = (1, -2), g = (3, -4). First the decay,
     * θ·(1 - ηλ) = θ·0.95 = (0.95, -1.9); then Adam's step on g alone,
     * (0.075, -0.08): θ = (0.875, -1.82). The classic mistakes:
     *   decay in the gradient (Adam's L2): (1 - 7/90, -2 + 1/12)
     *   decay after the step: (0.925, -1.92)·0.95 = (0.87875, -1.824)
     *   decay by λ instead of ηλ: (0.5, -1) - (0.075, -0.08) = (0.425, -0.92)
     *   no decay: (0.925, -1.92) */
    AdamState state;
    ck_assert(adam_state_init(&state, N));
    AdamWConfig cfg = adam_config(0.1, 0.5, false, 1.0);
    double p[N + 1] = {1.0, -2.0, SENTINEL};
    adamw_step(p, (const double[]){3.0, -4.0, SENTINEL}, N, &cfg, &state);
    const Wrong w[] = {
        {{1.0 - 7.0 / 90.0, -2.0 + 1.0 / 12.0},
         "AdamW with the decay folded into the gradient: that is Adam's L2, "
         "which √v̂ then rescales; AdamW shrinks θ by (1 - ηλ) directly"},
        {{0.87875, -1.824}, "the decay was applied after instead of before "
                            "the update: θ ← θ·(1 - ηλ) comes first"},
        {{0.425, -0.92}, "the weights shrank by λ instead of η·λ: torch "
                         "scales the decay by the learning rate"},
        {{0.925, -1.92}, "weight decay is missing: θ ← θ·(1 - ηλ) before "
                         "the Adam step"},
    };
    expect_params("one AdamW step (η = 0.1, λ = 0.5, ε = 1)", p,
                  (const double[]){1.0, -2.0}, (double[]){0.875, -1.82}, w,
                  COUNT(w));
    ck_assert_msg(state.step == 1, "after one step state->step is %zu, "
                  "expected 1", state.step);
    adam_state_free(&state);
}
END_TEST

START_TEST(adamw_pinned)
{
    AdamState state;
    ck_assert(adam_state_init(&state, N));
    AdamWConfig cfg = adam_config(0.05, 0.1, false, 1e-8);
    RUN_PINNED(adamw_step(theta, grad, N, &cfg, &state));
    /* adamw lr=0.05 --weight-decay 0.1 */
    expect_pinned("AdamW (η = 0.05, λ = 0.1)", theta, -0.9906759422607743,
                  0.9223933631721909);
    adam_state_free(&state);
}
END_TEST

START_TEST(adamw_defaults)
{
    AdamWConfig c = adamw_default_config();
    ck_assert_msg(c.lr == 1e-3 && c.beta1 == 0.9 && c.beta2 == 0.999 &&
                      c.eps == 1e-8 && c.weight_decay == 1e-2 && !c.amsgrad,
                  "adamw_default_config() gave lr %g, betas (%g, %g), eps "
                  "%g, weight_decay %g, amsgrad %d; torch.optim.AdamW's are "
                  "Adam's but with weight_decay 0.01",
                  c.lr, c.beta1, c.beta2, c.eps, c.weight_decay, c.amsgrad);
}
END_TEST

/* AdamW's first step, η = 0.1, λ = 0.5, ε = 1: θ_i·0.95 first, then
 * Adam's step -0.1·g_i/(|g_i| + 1). */
static double wide_adamw_rule(double theta, double g)
{
    return 0.95 * theta - 0.1 * g / (fabs(g) + 1.0);
}

START_TEST(adamw_any_n)
{
    AdamWConfig cfg = adam_config(0.1, 0.5, false, 1.0);
    AdamState state;
    double p[WIDE + 1];
    ck_assert(adam_state_init(&state, WIDE));
    wide_start(p);
    adamw_step(p, WIDE_GRAD, WIDE, &cfg, &state);
    expect_wide("the first AdamW step", p, wide_adamw_rule);
    adam_state_free(&state);
    ck_assert(adam_state_init(&state, 0));
    double none[1] = {SENTINEL};
    adamw_step(none, WIDE_GRAD, 0, &cfg, &state);
    expect_empty("an AdamW step", none);
    adam_state_free(&state);
}
END_TEST

STATES_ARE_SEPARATE(adamw_states_are_separate, AdamState,
                    adam_init_wide, adamw_step, adam_state_free,
                    wide_adamw_rule, "a first AdamW step",
                    AdamWConfig cfg = adam_config(0.1, 0.5, false, 1.0))

static void add_adamw_tests(TCase *tc)
{
    tcase_add_test(tc, adamw_first_step);
    tcase_add_test(tc, adamw_pinned);
    tcase_add_test(tc, adamw_defaults);
    tcase_add_test(tc, adamw_any_n);
    tcase_add_test(tc, adamw_states_are_separate);
}

/* ================================================================= RMSprop
 * α = 0.75 keeps the first step short: s = 0.25·g², so √s = |g|/2. */

static RmspropConfig rmsprop_config(double alpha, double momentum,
                                    bool centered)
{
    return (RmspropConfig){.lr = 0.1, .alpha = alpha, .eps = 0.5,
                           .weight_decay = 0.0, .momentum = momentum,
                           .centered = centered};
}

START_TEST(rmsprop_first_step)
{
    /* θ = (1, -2), g = (4, -1), η = 0.1, α = 0.75, ε = 0.5:
     *   s = 0.25·(16, 1) = (4, 0.25), r = √s + ε = (2.5, 1),
     *   θ = θ - η·g/r = (1 - 0.16, -2 + 0.1) = (0.84, -1.9).
     * Without the root r = s + ε = (4.5, 0.75); with ε inside it
     * r = (√4.5, √0.75); with α and 1 - α swapped s = 0.75·g². */
    RmspropState state;
    ck_assert(rmsprop_state_init(&state, N));
    RmspropConfig cfg = rmsprop_config(0.75, 0.0, false);
    double p[N + 1] = {1.0, -2.0, SENTINEL};
    rmsprop_step(p, (const double[]){4.0, -1.0, SENTINEL}, N, &cfg, &state);
    const Wrong w[] = {
        {{1.0 - 0.4 / 4.5, -2.0 + 0.1 / 0.75},
         "RMSprop without the square root: divide by √s + ε, the root of "
         "the mean square"},
        {{1.0 - 0.4 / sqrt(4.5), -2.0 + 0.1 / sqrt(0.75)},
         "ε inside the square root: torch divides by √s + ε"},
        {{1.0 - 0.4 / (sqrt(12.0) + 0.5), -2.0 + 0.1 / (sqrt(0.75) + 0.5)},
         "α and 1 - α are swapped: s ← α·s + (1 - α)·g²"},
    };
    expect_params("the first RMSprop step (α = 0.75, ε = 0.5, η = 0.1)", p,
                  (const double[]){1.0, -2.0}, (double[]){0.84, -1.9}, w,
                  COUNT(w));
    rmsprop_state_free(&state);
}
END_TEST

START_TEST(rmsprop_centered)
{
    /* Centered, α = 0.5, g = (4, -1): s = 0.5·(16, 1) = (8, 0.5) and
     * a = 0.5·g = (2, -0.5), so s - a² = (4, 0.25), r = (2.5, 1) and again
     * θ = (0.84, -1.9). Not centered, r = (√8 + 0.5, √0.5 + 0.5). */
    RmspropState state;
    ck_assert(rmsprop_state_init(&state, N));
    RmspropConfig cfg = rmsprop_config(0.5, 0.0, true);
    double p[N + 1] = {1.0, -2.0, SENTINEL};
    rmsprop_step(p, (const double[]){4.0, -1.0, SENTINEL}, N, &cfg, &state);
    const Wrong w[] = {
        {{1.0 - 0.4 / (sqrt(8.0) + 0.5), -2.0 + 0.1 / (sqrt(0.5) + 0.5)},
         "centered is ignored: divide by √(s - a²) + ε, with a the running "
         "mean of g"},
        /* s - a = (8 - 2, 0.5 + 0.5) = (6, 1): a variance needs a². */
        {{1.0 - 0.4 / (sqrt(6.0) + 0.5), -2.0 + 0.1 / 1.5},
         "s - a was used where the variance is s - a²: square the running "
         "mean before subtracting it"},
    };
    expect_params("the first centered RMSprop step (α = 0.5)", p,
                  (const double[]){1.0, -2.0}, (double[]){0.84, -1.9}, w,
                  COUNT(w));
    rmsprop_state_free(&state);
}
END_TEST

START_TEST(rmsprop_momentum)
{
    /* μ = 0.9, α = 0.75, ε = 0.5, η = 0.1. Step 1, g = (4, -1): the buffer
     * starts at 0, so b = g/r = (1.6, -1) and θ = (0.84, -1.9). Step 2,
     * g = (2, 2): s = 0.75·(4, 0.25) + 0.25·(4, 4) = (4, 1.1875),
     * r = (2.5, √1.1875 + 0.5), b = 0.9·(1.6, -1) + g/r,
     * θ = (0.84, -1.9) - 0.1·b. */
    RmspropState state;
    ck_assert(rmsprop_state_init(&state, N));
    RmspropConfig cfg = rmsprop_config(0.75, 0.9, false);
    double p[N + 1] = {1.0, -2.0, SENTINEL};
    rmsprop_step(p, (const double[]){4.0, -1.0, SENTINEL}, N, &cfg, &state);
    expect_params("the first RMSprop step with momentum 0.9", p,
                  (const double[]){1.0, -2.0}, (double[]){0.84, -1.9}, NULL,
                  0);
    double before[N] = {p[0], p[1]};
    rmsprop_step(p, (const double[]){2.0, 2.0, SENTINEL}, N, &cfg, &state);
    const double r[N] = {2.5, sqrt(1.1875) + 0.5}, b1[N] = {1.6, -1.0};
    double want[N];
    Wrong w[1] = {{{0, 0}, "momentum is ignored: b ← μ·b + g/r, then "
                           "θ ← θ - η·b"}};
    for (int i = 0; i < N; i++) {
        want[i] = before[i] - 0.1 * (0.9 * b1[i] + 2.0 / r[i]);
        w[0].v[i] = before[i] - 0.1 * 2.0 / r[i];
    }
    expect_params("the second RMSprop step with momentum (g = (2, 2))", p,
                  before, want, w, COUNT(w));
    rmsprop_state_free(&state);
}
END_TEST

START_TEST(rmsprop_pinned)
{
    RmspropState state;
    ck_assert(rmsprop_state_init(&state, N));
    RmspropConfig cfg = {.lr = 1e-3, .alpha = 0.99, .eps = 1e-8,
                         .weight_decay = 0.1, .momentum = 0.5,
                         .centered = true};
    RUN_PINNED(rmsprop_step(theta, grad, N, &cfg, &state));
    /* rmsprop lr=0.001 --centered --momentum 0.5 --weight-decay 0.1 */
    expect_pinned("centered RMSprop (η = 1e-3, μ = 0.5, λ = 0.1)", theta,
                  -1.0898595488733427, 1.1110992336252135);
    rmsprop_state_free(&state);
}
END_TEST

START_TEST(rmsprop_defaults)
{
    RmspropConfig c = rmsprop_default_config();
    ck_assert_msg(c.lr == 1e-2 && c.alpha == 0.99 && c.eps == 1e-8 &&
                      c.weight_decay == 0.0 && c.momentum == 0.0 &&
                      !c.centered,
                  "rmsprop_default_config() gave lr %g, alpha %g, eps %g, "
                  "weight_decay %g, momentum %g, centered %d; "
                  "torch.optim.RMSprop's are 1e-2, 0.99, 1e-8, 0, 0, false",
                  c.lr, c.alpha, c.eps, c.weight_decay, c.momentum,
                  c.centered);
}
END_TEST

/* RMSprop's first step, α = 0.75, ε = 0.5, η = 0.1: s = 0.25·g², so
 * √s + ε = (|g| + 1)/2 and θ_i - 0.2·g_i/(|g_i| + 1). */
static double wide_rmsprop_rule(double theta, double g)
{
    return theta - 0.2 * g / (fabs(g) + 1.0);
}

START_TEST(rmsprop_any_n)
{
    RmspropConfig cfg = rmsprop_config(0.75, 0.9, false);
    RmspropState state;
    double p[WIDE + 1];
    ck_assert(rmsprop_state_init(&state, WIDE));
    wide_start(p);
    rmsprop_step(p, WIDE_GRAD, WIDE, &cfg, &state);
    expect_wide("the first RMSprop step with momentum", p,
                wide_rmsprop_rule);
    rmsprop_state_free(&state);
    ck_assert(rmsprop_state_init(&state, 0));
    double none[1] = {SENTINEL};
    rmsprop_step(none, WIDE_GRAD, 0, &cfg, &state);
    expect_empty("an RMSprop step", none);
    rmsprop_state_free(&state);
}
END_TEST

static bool rmsprop_init_wide(RmspropState *state)
{
    return rmsprop_state_init(state, WIDE);
}

STATES_ARE_SEPARATE(rmsprop_states_are_separate, RmspropState,
                    rmsprop_init_wide, rmsprop_step, rmsprop_state_free,
                    wide_rmsprop_rule, "a first RMSprop step",
                    RmspropConfig cfg = rmsprop_config(0.75, 0.9, false))

static void add_rmsprop_tests(TCase *tc)
{
    tcase_add_test(tc, rmsprop_first_step);
    tcase_add_test(tc, rmsprop_centered);
    tcase_add_test(tc, rmsprop_momentum);
    tcase_add_test(tc, rmsprop_pinned);
    tcase_add_test(tc, rmsprop_defaults);
    tcase_add_test(tc, rmsprop_any_n);
    tcase_add_test(tc, rmsprop_states_are_separate);
}

/* ================================================================= Adagrad */

START_TEST(adagrad_first_step)
{
    /* The sum starts at 9; θ = (1, -2), g = (4, -3), η = 0.1, ε = 1e-10:
     *   s = 9 + g² = (25, 18), θ = θ - η·g/(√s + ε)
     *     ≈ (1 - 0.4/5, -2 + 0.3/√18) = (0.92, -1.92929).
     * Summing gradients instead of squares gives s = (13, 6); ignoring
     * the initial value gives s = g², a step of η·sign(g). */
    AdagradConfig cfg = {.lr = 0.1, .lr_decay = 0.0, .weight_decay = 0.0,
                         .initial_accumulator_value = 9.0, .eps = 1e-10};
    AdagradState state;
    ck_assert(adagrad_state_init(&state, N, &cfg));
    double p[N + 1] = {1.0, -2.0, SENTINEL};
    adagrad_step(p, (const double[]){4.0, -3.0, SENTINEL}, N, &cfg, &state);
    const Wrong w[] = {
        {{1.0 - 0.4 / (sqrt(13.0) + 1e-10), -2.0 + 0.3 / (sqrt(6.0) + 1e-10)},
         "Adagrad accumulated the gradients instead of their squares: "
         "s ← s + g²"},
        {{0.9, -1.9}, "the sum ignored its initial value: it starts at "
                      "initial_accumulator_value (adagrad_state_init sets "
                      "it), and each step adds g²"},
        {{1.0 - 0.4 / 25.0, -2.0 + 0.3 / 18.0},
         "the square root is missing: divide by √s + ε"},
    };
    expect_params("the first Adagrad step (sum starting at 9, η = 0.1)", p,
                  (const double[]){1.0, -2.0},
                  (double[]){1.0 - 0.4 / (5.0 + 1e-10),
                             -2.0 + 0.3 / (sqrt(18.0) + 1e-10)},
                  w, COUNT(w));
    adagrad_state_free(&state);
}
END_TEST

START_TEST(adagrad_eps_outside_the_root)
{
    /* ε = 1 (far larger than anyone trains with) so that where it goes
     * shows in the first digits. The sum from 0, θ = (1, -2), g = (4, 3),
     * η = 0.1: s = g² = (16, 9), √s + ε = (5, 4), so
     *   θ = (1 - 0.4/5, -2 - 0.3/4) = (0.92, -2.075).
     * With ε inside the root, √(s + ε) = (√17, √10); summing gradients
     * instead of squares, √s + ε = (√4 + 1, √3 + 1). */
    AdagradConfig cfg = {.lr = 0.1, .lr_decay = 0.0, .weight_decay = 0.0,
                         .initial_accumulator_value = 0.0, .eps = 1.0};
    AdagradState state;
    ck_assert(adagrad_state_init(&state, N, &cfg));
    double p[N + 1] = {1.0, -2.0, SENTINEL};
    adagrad_step(p, (const double[]){4.0, 3.0, SENTINEL}, N, &cfg, &state);
    const Wrong w[] = {
        {{1.0 - 0.4 / sqrt(17.0), -2.0 - 0.3 / sqrt(10.0)},
         "ε inside the square root: torch divides by √s + ε"},
        {{0.9, -2.1}, "ε is ignored: divide by √s + ε"},
        {{1.0 - 0.4 / 3.0, -2.0 - 0.3 / (sqrt(3.0) + 1.0)},
         "Adagrad accumulated the gradients instead of their squares: "
         "s ← s + g²"},
    };
    expect_params("the first Adagrad step with ε = 1", p,
                  (const double[]){1.0, -2.0}, (double[]){0.92, -2.075}, w,
                  COUNT(w));
    adagrad_state_free(&state);
}
END_TEST

START_TEST(adagrad_lr_decay)
{
    /* lr_decay = 0.5, the sum from 0, ε = 0, η = 0.1, θ = (1, -2), g = (4,
     * -3) twice. Step 1: η_1 = η/(1 + 0·0.5) = 0.1 and √s = |g|, so
     * θ = (0.9, -1.9). Step 2: η_2 = 0.1/1.5 and √s = √2·|g|, so
     * θ = (0.9, -1.9) - (0.1/1.5/√2)·(1, -1). Counting the decay from
     * t instead of t - 1 shrinks the very first step to 0.1/1.5. */
    AdagradConfig cfg = {.lr = 0.1, .lr_decay = 0.5, .weight_decay = 0.0,
                         .initial_accumulator_value = 0.0, .eps = 0.0};
    AdagradState state;
    ck_assert(adagrad_state_init(&state, N, &cfg));
    const double g[N + 1] = {4.0, -3.0, SENTINEL};
    double p[N + 1] = {1.0, -2.0, SENTINEL};
    adagrad_step(p, g, N, &cfg, &state);
    const Wrong first[] = {
        {{1.0 - 0.1 / 1.5, -2.0 + 0.1 / 1.5},
         "the learning rate decayed on the first step: "
         "η_t = η/(1 + (t - 1)·lr_decay), with t = 1 on the first step"},
    };
    expect_params("the first Adagrad step with lr_decay 0.5", p,
                  (const double[]){1.0, -2.0}, (double[]){0.9, -1.9}, first,
                  COUNT(first));
    adagrad_step(p, g, N, &cfg, &state);
    double shrink = 0.1 / 1.5 / sqrt(2.0);
    const Wrong second[] = {
        {{0.9 - 0.1 / sqrt(2.0), -1.9 + 0.1 / sqrt(2.0)},
         "lr_decay is ignored: η_t = η/(1 + (t - 1)·lr_decay)"},
        {{0.9 - 0.05 / sqrt(2.0), -1.9 + 0.05 / sqrt(2.0)},
         "the decay is one step ahead: η_t = η/(1 + (t - 1)·lr_decay)"},
    };
    expect_params("the second Adagrad step with lr_decay 0.5", p,
                  (const double[]){0.9, -1.9},
                  (double[]){0.9 - shrink, -1.9 + shrink}, second,
                  COUNT(second));
    adagrad_state_free(&state);
}
END_TEST

START_TEST(adagrad_pinned)
{
    AdagradConfig cfg = {.lr = 0.1, .lr_decay = 0.1, .weight_decay = 0.1,
                         .initial_accumulator_value = 0.5, .eps = 1e-10};
    AdagradState state;
    ck_assert(adagrad_state_init(&state, N, &cfg));
    RUN_PINNED(adagrad_step(theta, grad, N, &cfg, &state));
    /* adagrad lr=0.1 --lr-decay 0.1 --initial-accumulator-value 0.5
     * --weight-decay 0.1 */
    expect_pinned("Adagrad (η = 0.1, lr_decay 0.1, initial 0.5, λ = 0.1)",
                  theta, -1.0574043231560433, 1.1243158847085142);
    adagrad_state_free(&state);
}
END_TEST

START_TEST(adagrad_defaults)
{
    AdagradConfig c = adagrad_default_config();
    ck_assert_msg(c.lr == 1e-2 && c.lr_decay == 0.0 && c.weight_decay == 0.0 &&
                      c.initial_accumulator_value == 0.0 && c.eps == 1e-10,
                  "adagrad_default_config() gave lr %g, lr_decay %g, "
                  "weight_decay %g, initial_accumulator_value %g, eps %g; "
                  "torch.optim.Adagrad's are 1e-2, 0, 0, 0, 1e-10",
                  c.lr, c.lr_decay, c.weight_decay,
                  c.initial_accumulator_value, c.eps);
}
END_TEST

/* Adagrad's first step from a zero sum, ε = 1, η = 0.1: √s = |g|, so
 * θ_i - 0.1·g_i/(|g_i| + 1). */
static double wide_adagrad_rule(double theta, double g)
{
    return theta - 0.1 * g / (fabs(g) + 1.0);
}

START_TEST(adagrad_any_n)
{
    AdagradConfig cfg = {.lr = 0.1, .lr_decay = 0.0, .weight_decay = 0.0,
                         .initial_accumulator_value = 0.0, .eps = 1.0};
    AdagradState state;
    double p[WIDE + 1];
    ck_assert(adagrad_state_init(&state, WIDE, &cfg));
    wide_start(p);
    adagrad_step(p, WIDE_GRAD, WIDE, &cfg, &state);
    expect_wide("the first Adagrad step", p, wide_adagrad_rule);
    adagrad_state_free(&state);
    ck_assert(adagrad_state_init(&state, 0, &cfg));
    double none[1] = {SENTINEL};
    adagrad_step(none, WIDE_GRAD, 0, &cfg, &state);
    expect_empty("an Adagrad step", none);
    adagrad_state_free(&state);
}
END_TEST

static bool adagrad_init_wide(AdagradState *state)
{
    return adagrad_state_init(state, WIDE, &(AdagradConfig){.eps = 1.0});
}

STATES_ARE_SEPARATE(adagrad_states_are_separate, AdagradState,
                    adagrad_init_wide, adagrad_step, adagrad_state_free,
                    wide_adagrad_rule, "a first Adagrad step",
                    AdagradConfig cfg = {.lr = 0.1, .eps = 1.0})

static void add_adagrad_tests(TCase *tc)
{
    tcase_add_test(tc, adagrad_eps_outside_the_root);
    tcase_add_test(tc, adagrad_first_step);
    tcase_add_test(tc, adagrad_lr_decay);
    tcase_add_test(tc, adagrad_pinned);
    tcase_add_test(tc, adagrad_defaults);
    tcase_add_test(tc, adagrad_any_n);
    tcase_add_test(tc, adagrad_states_are_separate);
}

/* ==================================================================== Lion */

START_TEST(lion_two_steps)
{
    /* η = 0.1, β = (0.9, 0.99), no decay, θ = (1, -2).
     * Step 1, g = (1, -2): c = 0.1·g, sign (1, -1), θ = (0.9, -1.9);
     *   then m = 0.01·g = (0.01, -0.02).
     * Step 2, g = (-0.085, 3): c = 0.9·m + 0.1·g = (0.0005, 0.282),
     *   sign (1, 1), θ = (0.8, -2).
     * Updating m first, m = 0.99·(0.01, -0.02) + 0.01·g = (0.00905, 0.0102)
     * and c = (-0.000355, ...), so x moves back up: θ = (1, -2).
     * Swapping β1 and β2 makes m = 0.1·g after step 1 and
     * c = 0.99·m + 0.01·g = (0.09815, -0.168): θ = (0.8, -1.8). */
    LionState state;
    ck_assert(lion_state_init(&state, N));
    LionConfig cfg = {.lr = 0.1, .beta1 = 0.9, .beta2 = 0.99,
                      .weight_decay = 0.0};
    double p[N + 1] = {1.0, -2.0, SENTINEL};
    lion_step(p, (const double[]){1.0, -2.0, SENTINEL}, N, &cfg, &state);
    const Wrong first[] = {
        {{1.1, -2.1}, "the step went uphill: θ ← θ - η·sign(c)"},
    };
    expect_params("the first Lion step (η = 0.1)", p,
                  (const double[]){1.0, -2.0}, (double[]){0.9, -1.9}, first,
                  COUNT(first));
    lion_step(p, (const double[]){-0.085, 3.0, SENTINEL}, N, &cfg, &state);
    const Wrong second[] = {
        {{1.0, -2.0}, "Lion updated m before computing c: c uses the old m "
                      "(with β1); m ← β2·m + (1 - β2)·g comes after"},
        {{0.8, -1.8}, "β1 and β2 are swapped: c = β1·m + (1 - β1)·g and "
                      "m ← β2·m + (1 - β2)·g"},
    };
    expect_params("the second Lion step (g = (-0.085, 3))", p,
                  (const double[]){0.9, -1.9}, (double[]){0.8, -2.0}, second,
                  COUNT(second));
    lion_state_free(&state);
}
END_TEST

START_TEST(lion_decay_and_zero_gradient)
{
    /* η = 0.1, λ = 0.5, θ = (1, -2), g = (0, 1): c = (0, 0.1), and
     * sign(0) = 0, so x only decays: θ = θ·0.95 - 0.1·(0, 1) = (0.95, -2).
     * The mistakes: sign(0) taken as 1 gives (0.85, -2); decay after the
     * step gives (1, -2.1)·0.95 = (0.95, -1.995); decay by λ alone gives
     * (0.5, -1.1). */
    LionState state;
    ck_assert(lion_state_init(&state, N));
    LionConfig cfg = {.lr = 0.1, .beta1 = 0.9, .beta2 = 0.99,
                      .weight_decay = 0.5};
    double p[N + 1] = {1.0, -2.0, SENTINEL};
    lion_step(p, (const double[]){0.0, 1.0, SENTINEL}, N, &cfg, &state);
    const Wrong w[] = {
        {{0.85, -2.0}, "a zero gradient moved x: sign(0) is 0 (copysign "
                       "and c >= 0 ? 1 : -1 both give ±1)"},
        {{0.95, -1.995}, "the decay was applied after the sign step: "
                         "θ ← θ·(1 - ηλ) - η·sign(c)"},
        {{0.5, -1.1}, "the weights shrank by λ instead of η·λ"},
        {{1.0, -2.1}, "weight decay is missing: θ·(1 - ηλ)"},
    };
    expect_params("a Lion step with λ = 0.5 and g = (0, 1)", p,
                  (const double[]){1.0, -2.0}, (double[]){0.95, -2.0}, w,
                  COUNT(w));
    lion_state_free(&state);
}
END_TEST

START_TEST(lion_pinned)
{
    LionState state;
    ck_assert(lion_state_init(&state, N));
    LionConfig cfg = {.lr = 0.01, .beta1 = 0.9, .beta2 = 0.99,
                      .weight_decay = 0.5};
    RUN_PINNED(lion_step(theta, grad, N, &cfg, &state));
    /* lion lr=0.01 --weight-decay 0.5 */
    expect_pinned("Lion (η = 0.01, λ = 0.5)", theta, -0.9147535368787765,
                  1.0356890197253823);
    lion_state_free(&state);
}
END_TEST

START_TEST(lion_defaults)
{
    LionConfig c = lion_default_config();
    ck_assert_msg(c.lr == 1e-4 && c.beta1 == 0.9 && c.beta2 == 0.99 &&
                      c.weight_decay == 0.0,
                  "lion_default_config() gave lr %g, betas (%g, %g), "
                  "weight_decay %g; the lesson's (lion-pytorch's) are 1e-4, "
                  "(0.9, 0.99), 0", c.lr, c.beta1, c.beta2, c.weight_decay);
}
END_TEST

/* Lion's first step, η = 0.1, λ = 0.5: m = 0, so c = 0.1·g and
 * θ_i·0.95 - 0.1·sign(g_i). */
static double wide_lion_rule(double theta, double g)
{
    return 0.95 * theta - 0.1 * (g > 0.0 ? 1.0 : -1.0);
}

START_TEST(lion_any_n)
{
    LionConfig cfg = {.lr = 0.1, .beta1 = 0.9, .beta2 = 0.99,
                      .weight_decay = 0.5};
    LionState state;
    double p[WIDE + 1];
    ck_assert(lion_state_init(&state, WIDE));
    wide_start(p);
    lion_step(p, WIDE_GRAD, WIDE, &cfg, &state);
    expect_wide("the first Lion step", p, wide_lion_rule);
    lion_state_free(&state);
    ck_assert(lion_state_init(&state, 0));
    double none[1] = {SENTINEL};
    lion_step(none, WIDE_GRAD, 0, &cfg, &state);
    expect_empty("a Lion step", none);
    lion_state_free(&state);
}
END_TEST

static bool lion_init_wide(LionState *state)
{
    return lion_state_init(state, WIDE);
}

STATES_ARE_SEPARATE(lion_states_are_separate, LionState,
                    lion_init_wide, lion_step, lion_state_free,
                    wide_lion_rule, "a first Lion step",
                    LionConfig cfg = (LionConfig){.lr = 0.1, .beta1 = 0.9,
                                                  .beta2 = 0.99,
                                                  .weight_decay = 0.5})

static void add_lion_tests(TCase *tc)
{
    tcase_add_test(tc, lion_two_steps);
    tcase_add_test(tc, lion_decay_and_zero_gradient);
    tcase_add_test(tc, lion_pinned);
    tcase_add_test(tc, lion_defaults);
    tcase_add_test(tc, lion_any_n);
    tcase_add_test(tc, lion_states_are_separate);
}

/* ================================================================ chapter */

static const Exercise exercises[] = {
    {"sgd-step", "sgd_step()", 5, "SGD with momentum",
     "Add weight_decay·θ to the gradient; with momentum, set the buffer to "
     "that gradient on the first step and to μ·b + (1 - τ)·g after; step "
     "along g + μ·b (Nesterov) or b; count the step.",
     add_sgd_tests},
    {"adam-step", "adam_step()", 5, "Adam",
     "Count the step first (t = 1 on the first call), update m and v, then "
     "θ -= lr/(1 - β1^t) · m / (√v/√(1 - β2^t) + eps).",
     add_adam_tests},
    {"adamw-step", "adamw_step()", 3, "AdamW: decoupled weight decay",
     "Multiply each parameter by (1 - lr·weight_decay) first, then take "
     "Adam's step with the gradient exactly as given.",
     add_adamw_tests},
    {"rmsprop-step", "rmsprop_step()", 4, "RMSprop",
     "s = α·s + (1 - α)·g²; divide g by √s + eps (by √(s - a²) + eps when "
     "centered); with momentum, accumulate g/r into the buffer and step "
     "along it.",
     add_rmsprop_tests},
    {"adagrad-step", "adagrad_step()", 3, "Adagrad",
     "Count the step, decay the rate as lr/(1 + (t - 1)·lr_decay), add g² "
     "to the sum, and step by rate·g/(√sum + eps).",
     add_adagrad_tests},
    {"lion-step", "lion_step()", 3, "Lion",
     "Compute c from the old m with β1, step by lr·sign(c) after the decay, "
     "and only then update m with β2.",
     add_lion_tests},
};

int main(int argc, char **argv)
{
    Chapter chapter = {"04-optimizers", "Optimizers", exercises,
                       sizeof exercises / sizeof *exercises};
    return grading_main(&chapter, argc, argv);
}
