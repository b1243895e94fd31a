/*
 * grading.c: runs a chapter's graded tests and reports per exercise.
 *
 * Each exercise is one Check test case; it earns its points only when all
 * of its tests pass. The results file starts with a line
 *   chapter  stem  title
 * then has one tab-separated line per exercise:
 *   stem  name  function  earned  points  status  message  section  hint
 * with status one of pass, fail, crash, timeout, exit (or not-run, with
 * --list, which writes the table without running anything: the grader uses
 * it to score a chapter whose file does not compile). The message is the
 * first failing test's, already in the lesson's terms.
 */
#define _POSIX_C_SOURCE 200809L
#include "grading.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
    TEST_TIMEOUT_SECONDS = 3,
    /* The exit status our guard uses when a test's process ends before the
     * test finished: the student's code called exit(). */
    EXIT_CALLED_STATUS = 87
};

bool grading_near(double actual, double expected, double tol)
{
    return fabs(actual - expected) <= tol * fmax(1.0, fabs(expected));
}

/* ------------------------------------------------------------ exit() guard
 * Check counts a test whose process calls exit(0) as passed. In fork mode
 * each test runs in its own process, so we register an atexit handler there
 * that turns any exit before the test's end into a distinctive status. The
 * checked teardown runs in the same process only when the test body
 * returned normally. */
static bool test_finished;

static void exit_guard(void)
{
    if (!test_finished)
        _exit(EXIT_CALLED_STATUS);
}

static void guard_setup(void)
{
    static bool registered;
    if (!registered) {
        atexit(exit_guard);
        registered = true;
    }
    test_finished = false;
}

static void guard_teardown(void)
{
    test_finished = true;
}

/* ------------------------------------------------- what a failure means */

typedef struct {
    const char *status;
    char message[512];
} Verdict;

static Verdict explain(TestResult *tr)
{
    Verdict v = {"pass", ""};
    const char *msg = tr_msg(tr);
    if (tr_rtype(tr) == CK_PASS)
        return v;
    if (tr_rtype(tr) == CK_FAILURE) {
        v.status = "fail";
        snprintf(v.message, sizeof v.message, "%s", msg);
        return v;
    }
    int code;
    if (strstr(msg, "timeout")) {
        v.status = "timeout";
        snprintf(v.message, sizeof v.message,
                 "did not finish within %d s: a loop that never ends? Check "
                 "that every loop's counter moves toward its bound",
                 TEST_TIMEOUT_SECONDS);
    } else if (sscanf(msg, "Early exit with return value %d", &code) == 1) {
        v.status = "exit";
        if (code == EXIT_CALLED_STATUS)
            snprintf(v.message, sizeof v.message,
                     "called exit(), which ends the whole program: a "
                     "function reports through its return value instead");
        else
            snprintf(v.message, sizeof v.message,
                     "the test's process ended with status %d before the "
                     "test finished (a sanitizer report on stderr says why)",
                     code);
    } else if (strstr(msg, "signal 11") || strstr(msg, "signal 7")) {
        v.status = "crash";
        snprintf(v.message, sizeof v.message,
                 "crashed (%s): it read or wrote memory it does not own, an "
                 "index past the end of an array or a NULL pointer", msg);
    } else if (strstr(msg, "signal 8")) {
        v.status = "crash";
        snprintf(v.message, sizeof v.message,
                 "crashed (%s): an integer division by zero?", msg);
    } else if (strstr(msg, "signal 6")) {
        v.status = "crash";
        snprintf(v.message, sizeof v.message,
                 "aborted (%s): an assert() failed, or memory was freed "
                 "twice", msg);
    } else {
        v.status = "crash";
        snprintf(v.message, sizeof v.message, "stopped: %s", msg);
    }
    return v;
}

/* Tabs and newlines would break the results file's columns. */
static void write_field(FILE *f, const char *text, char end)
{
    for (const char *p = text; *p; p++)
        fputc(*p == '\t' || *p == '\n' ? ' ' : *p, f);
    fputc(end, f);
}

/* --------------------------------------------------------------- running */

static Suite *build_suite(const Chapter *ch)
{
    Suite *s = suite_create(ch->stem);
    for (size_t i = 0; i < ch->count; i++) {
        TCase *tc = tcase_create(ch->exercises[i].name);
        tcase_add_checked_fixture(tc, guard_setup, guard_teardown);
        tcase_set_timeout(tc, TEST_TIMEOUT_SECONDS);
        ch->exercises[i].add_tests(tc);
        suite_add_tcase(s, tc);
    }
    return s;
}

/* With sr == NULL, lists the exercises as not run. */
static void report(const Chapter *ch, SRunner *sr, FILE *out)
{
    TestResult **results = sr ? srunner_results(sr) : NULL;
    int n = sr ? srunner_ntests_run(sr) : 0;
    fprintf(out, "chapter\t%s\t%s\n", ch->stem, ch->title);
    for (size_t e = 0; e < ch->count; e++) {
        const Exercise *ex = &ch->exercises[e];
        Verdict first = {sr ? "pass" : "not-run", ""};
        for (int i = 0; i < n; i++) {
            if (strcmp(tr_tcname(results[i]), ex->name) != 0)
                continue;
            Verdict v = explain(results[i]);
            if (strcmp(first.status, "pass") == 0 &&
                strcmp(v.status, "pass") != 0)
                first = v;
        }
        bool passed = strcmp(first.status, "pass") == 0;
        fprintf(out, "%s\t%s\t%s\t%d\t%d\t%s\t", ch->stem, ex->name,
                ex->function, passed ? ex->points : 0, ex->points,
                first.status);
        write_field(out, first.message, '\t');
        write_field(out, ex->section, '\t');
        write_field(out, ex->hint, '\n');
    }
    free(results);
}

int grading_main(const Chapter *chapter, int argc, char **argv)
{
    bool list_only = argc == 3 && strcmp(argv[1], "--list") == 0;
    if (argc != 2 && !list_only) {
        fprintf(stderr, "usage: %s [--list] RESULTS-FILE\n", argv[0]);
        return EXIT_FAILURE;
    }
    const char *path = argv[argc - 1];
    FILE *out = fopen(path, "w");
    if (!out) {
        perror(path);
        return EXIT_FAILURE;
    }
    if (list_only) {
        report(chapter, NULL, out);
        return fclose(out) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    }
    SRunner *sr = srunner_create(build_suite(chapter));
    srunner_set_fork_status(sr, CK_FORK); /* never grade without fork mode */
    srunner_run_all(sr, CK_SILENT);
    report(chapter, sr, out);
    int failed = srunner_ntests_failed(sr);
    srunner_print(sr, CK_MINIMAL); /* Check's own summary line */
    srunner_free(sr);
    if (fclose(out) != 0) {
        perror(path);
        return EXIT_FAILURE;
    }
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
