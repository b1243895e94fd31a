/*
 * grading.c: runs a chapter's graded tests and reports per exercise.
 *
 * Each exercise is one Check test case; it earns its points only when all
 * of its tests pass. The results file starts with a line
 *   chapter  stem  title
 * then has one tab-separated line per exercise:
 *   stem  name  function  earned  points  status  message  section  hint
 *   visibility
 * with status one of pass, fail, crash, timeout, exit, not-run (and
 * not-run for every exercise with --list, which writes the table without
 * running anything: the grader uses it as the trusted list of exercises and
 * points), and visibility "visible" or "hidden" (Exercise.hidden). The
 * message is the first failing test's, already in the lesson's terms.
 *
 * The grader does not take this file on trust: tools/grade.sh keeps only
 * the statuses and messages, and takes names, points and hints from the
 * listing of a suite built with the pristine stub.
 */
#define _POSIX_C_SOURCE 200809L
#include "grading.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

enum {
    TEST_TIMEOUT_SECONDS = 3,
    /* The exit status our guard uses when a test's process ends before the
     * test finished: the student's code called exit(). */
    EXIT_CALLED_STATUS = 87,
    /* A test may write this much to a file (its output included) before
     * the system stops it: a print inside an endless loop cannot fill the
     * disk. */
    TEST_OUTPUT_LIMIT_MB = 64
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
 * returned normally.
 *
 * _exit(0) (or _Exit, or quick_exit) skips atexit handlers, so the teardown
 * also leaves a record, one line with the exercise's index, in a file the
 * runner opened before forking: a test that Check calls passed but that
 * left no record ended its process early, and does not count. The index is
 * counted by an unchecked fixture, which runs in the runner's own process
 * once before each test case (exercise), in order; every test's process
 * inherits it. */
static bool test_finished;
static int finish_log = -1;
static long current_exercise = -1;
static pid_t runner_pid;

static void count_exercise(void)
{
    current_exercise++;
}

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
#ifdef __linux__
    /* Check runs each test in a process group of its own and times it out
     * from the runner: if the runner itself is killed (the grader's time
     * limit), a test stuck in a loop would run on forever. Die with it. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    if (getppid() != runner_pid)
        _exit(EXIT_CALLED_STATUS);
    struct rlimit limit;
    rlim_t cap = (rlim_t)TEST_OUTPUT_LIMIT_MB * 1024 * 1024;
    if (getrlimit(RLIMIT_FSIZE, &limit) == 0 &&
        (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur > cap)) {
        limit.rlim_cur = cap;
        setrlimit(RLIMIT_FSIZE, &limit);
    }
}

static void guard_teardown(void)
{
    test_finished = true;
    if (finish_log >= 0) {
        char line[256];
        int len = snprintf(line, sizeof line, "%ld\n", current_exercise);
        if (len > 0 && (size_t)len < sizeof line &&
            write(finish_log, line, (size_t)len) != len)
            _exit(EXIT_CALLED_STATUS);
    }
}

/* The timeout Check applies: ours, times CK_TIMEOUT_MULTIPLIER. */
static double timeout_seconds(void)
{
    const char *env = getenv("CK_TIMEOUT_MULTIPLIER");
    char *end = NULL;
    double factor = env ? strtod(env, &end) : 1.0;
    if (!env || end == env || *end != '\0' || !(factor >= 0.0))
        factor = 1.0;
    return TEST_TIMEOUT_SECONDS * factor;
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
                 "did not finish within %g s: a loop that never ends? Check "
                 "that every loop's counter moves toward its bound",
                 timeout_seconds());
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
    } else if (strstr(msg, "signal 25")) {
        v.status = "crash";
        snprintf(v.message, sizeof v.message,
                 "stopped after writing %d MB of output: a print inside a "
                 "loop that never ends?", (int)TEST_OUTPUT_LIMIT_MB);
    } else if (strstr(msg, "signal 9")) {
        v.status = "crash";
        snprintf(v.message, sizeof v.message,
                 "killed (%s): the system ran out of memory? Check the size "
                 "of every malloc", msg);
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
        tcase_add_unchecked_fixture(tc, count_exercise, NULL);
        tcase_add_checked_fixture(tc, guard_setup, guard_teardown);
        tcase_set_timeout(tc, TEST_TIMEOUT_SECONDS);
        ch->exercises[i].add_tests(tc);
        suite_add_tcase(s, tc);
    }
    return s;
}

/* How many finish records the teardown left for exercise `index`. */
static int count_finished(const char *log, size_t index)
{
    int count = 0;
    for (const char *line = log; line && *line;) {
        char *end;
        long got = strtol(line, &end, 10);
        if (end != line && *end == '\n' && got == (long)index)
            count++;
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    return count;
}

/* With sr == NULL, lists the exercises as not run. `finished` holds the
 * teardown's records (see the exit() guard). */
static void report(const Chapter *ch, SRunner *sr, const char *finished,
                   FILE *out)
{
    TestResult **results = sr ? srunner_results(sr) : NULL;
    int n = sr ? srunner_ntests_run(sr) : 0;
    fprintf(out, "chapter\t%s\t%s\n", ch->stem, ch->title);
    for (size_t e = 0; e < ch->count; e++) {
        const Exercise *ex = &ch->exercises[e];
        Verdict first = {sr ? "pass" : "not-run", ""};
        int ran = 0, passed_tests = 0;
        for (int i = 0; i < n; i++) {
            if (strcmp(tr_tcname(results[i]), ex->name) != 0)
                continue;
            ran++;
            Verdict v = explain(results[i]);
            if (strcmp(v.status, "pass") == 0)
                passed_tests++;
            if (strcmp(first.status, "pass") == 0 &&
                strcmp(v.status, "pass") != 0)
                first = v;
        }
        if (sr && ran == 0) {
            /* Nothing ran: never report that as a pass. */
            first.status = "not-run";
            snprintf(first.message, sizeof first.message,
                     "its tests did not run (CK_RUN_CASE, CK_RUN_SUITE or "
                     "CK_INCLUDE_TAGS set in the environment?)");
        } else if (strcmp(first.status, "pass") == 0 &&
                   count_finished(finished, e) < passed_tests) {
            first.status = "exit";
            snprintf(first.message, sizeof first.message,
                     "ended the test's process before the test finished "
                     "(_exit(), _Exit() or quick_exit()?): a function "
                     "reports through its return value instead");
        }
        bool passed = strcmp(first.status, "pass") == 0;
        fprintf(out, "%s\t%s\t%s\t%d\t%d\t%s\t", ch->stem, ex->name,
                ex->function, passed ? ex->points : 0, ex->points,
                first.status);
        write_field(out, first.message, '\t');
        write_field(out, ex->section, '\t');
        write_field(out, ex->hint, '\t');
        write_field(out, ex->hidden ? "hidden" : "visible", '\n');
    }
    free(results);
}

/* Reads the whole finish log (written through finish_log) back. */
static char *read_finish_log(FILE *log)
{
    if (fseek(log, 0, SEEK_END) != 0)
        return NULL;
    long size = ftell(log);
    if (size < 0 || fseek(log, 0, SEEK_SET) != 0)
        return NULL;
    char *text = malloc((size_t)size + 1);
    if (!text)
        return NULL;
    size_t got = fread(text, 1, (size_t)size, log);
    text[got] = '\0';
    return text;
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
        report(chapter, NULL, "", out);
        return fclose(out) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    }
    /* An anonymous file every test's process appends its finish record
     * to; it is gone when this process ends. */
    FILE *log = tmpfile();
    if (!log) {
        perror("tmpfile");
        return EXIT_FAILURE;
    }
    finish_log = dup(fileno(log));
    if (finish_log < 0 ||
        fcntl(finish_log, F_SETFL, fcntl(finish_log, F_GETFL) | O_APPEND) != 0) {
        perror("finish log");
        return EXIT_FAILURE;
    }
    /* Grading runs every test: selecting some would leave exercises that
     * must not pass for want of a failure. */
    unsetenv("CK_RUN_SUITE");
    unsetenv("CK_RUN_CASE");
    unsetenv("CK_INCLUDE_TAGS");
    unsetenv("CK_EXCLUDE_TAGS");
    runner_pid = getpid();
    SRunner *sr = srunner_create(build_suite(chapter));
    srunner_set_fork_status(sr, CK_FORK); /* never grade without fork mode */
    srunner_run_all(sr, CK_SILENT);
    char *finished = read_finish_log(log);
    report(chapter, sr, finished ? finished : "", out);
    free(finished);
    fclose(log);
    int failed = srunner_ntests_failed(sr);
    srunner_print(sr, CK_MINIMAL); /* Check's own summary line */
    srunner_free(sr);
    if (fclose(out) != 0) {
        perror(path);
        return EXIT_FAILURE;
    }
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
