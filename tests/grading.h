/*
 * grading.h: the harness every chapter's graded test suite shares.
 *
 * A chapter's suite (tests/NN-topic.c) lists its exercises: name, points,
 * hint, lesson section, and the Check tests that grade it. grading_main()
 * runs them in Check's fork mode with a per-test timeout, so a function that
 * crashes, hangs or calls exit() fails only its own test, and writes one
 * result line per exercise for tools/grade.sh to turn into the score table.
 *
 * Tests state expected values that are independent of the solutions: closed
 * forms, hand-worked numbers (with the working in a comment) and finite
 * differences. Failure messages speak the lesson's language and, where a
 * classic mistake produces a recognisable number, name the mistake.
 */
#ifndef GRADING_H
#define GRADING_H

#define CK_FLOATING_DIG 17
#include <check.h>
#include <stdbool.h>
#include <stddef.h>

/* Suites fill their Exercise tables positionally and may leave the last,
 * optional fields out; -Wextra would warn about each of them. */
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif

typedef struct {
    const char *name;      /* short id, as in "make hint EX=mse-grad" */
    const char *function;  /* what the student writes: "mse_grad()" */
    int points;
    const char *section;   /* the lesson section that teaches it */
    const char *hint;      /* one or two sentences in the lesson's terms */
    void (*add_tests)(TCase *tc);
    /* Optional, false when left out: an instructor-only exercise. It is
     * graded and counted, but students see only whether it passed: its
     * diagnostic and hint are kept for instructors (results.json marks it
     * with a restricted visibility). */
    bool hidden;
} Exercise;

typedef struct {
    const char *stem;      /* "01-gradient-descent" */
    const char *title;     /* "Manual gradient descent" */
    const Exercise *exercises;
    size_t count;
} Chapter;

/* Runs the chapter's tests. Usage: <suite> [--list] RESULTS-FILE. Writes
 * one line per exercise to RESULTS-FILE (see grading.c), prints Check's
 * summary line to stdout, and returns EXIT_SUCCESS only when every test
 * passed. With --list, only writes the exercise table, running nothing. */
int grading_main(const Chapter *chapter, int argc, char **argv);

/* |actual - expected| <= tol·max(1, |expected|): relative for large values,
 * absolute near zero; an infinite expected value is met only by itself,
 * and a nan on either side never. */
bool grading_near(double actual, double expected, double tol);

/* What a result computed partly in float (single precision) still agrees
 * to: a float keeps about 7 significant digits. A result that misses a
 * suite's tight tolerance but is this close names float as the likely
 * cause ("right to about 7 digits only"). */
#define GRADING_FLOAT_TOL 1e-6

/* Fails the test with a clear message when value is inf or nan. `what`
 * names the value in the student's terms ("mse_loss(...)"). */
#define require_finite(value, what)                                          \
    ck_assert_msg(isfinite(value),                                           \
                  "%s is %g: a nan or inf usually comes from dividing by "   \
                  "zero or from reading an array element that was never "   \
                  "set", what, (double)(value))

#endif
