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
 * listing of the suite linked with the reference solution (tools/grade.mk).
 * A RESULTS-FILE of the form /dev/fd/N is a descriptor the grader opened:
 * only this process writes it, since every test's process closes it before
 * the student's code runs (a file named by path could be replaced by a
 * test in the folder it shares).
 */
#define _POSIX_C_SOURCE 200809L
#include "grading.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/sched.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
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
    /* An infinite expectation makes the right side infinite: any finite
     * value, or the other infinity, would pass. Only itself does. */
    if (isinf(expected))
        return actual == expected;
    return fabs(actual - expected) <= tol * fmax(1.0, fabs(expected));
}

/* ------------------------------------------------------------ exit() guard
 * Check counts a test whose process calls exit(0) as passed. In fork mode
 * each test runs in its own process, so we register an atexit handler there
 * that turns any exit before the test's end into a distinctive status. The
 * checked teardown runs in the same process only when the test body
 * returned normally.
 *
 * _exit(0) (or _Exit, or quick_exit) skips atexit handlers, so every
 * test's process also keeps a journal, in a file the runner opened before
 * forking: "S i" when a test of exercise i starts, "F i" when it finished
 * (the teardown), "E i" when it ended early through exit(). A test that
 * Check calls passed but that left no "F" ended its process early, and
 * does not count. A test that left only its "S" failed an assertion
 * (Check ends the process with _exit, which runs no atexit handler), was
 * killed (a timeout or a crash) or called _exit: the exercise has failed
 * already, so its remaining tests are not run, and a function that hangs
 * costs one timeout, not one per test. The index i is counted by an
 * unchecked fixture, which runs in the runner's own process once before
 * each test case (exercise), in order; every test's process inherits it. */
static bool test_finished;
static int journal_fd = -1;
static long current_exercise = -1;
static pid_t runner_pid;
static int results_fd = -1;   /* the results' descriptor, this process's alone */
static bool in_sandbox;       /* GRADING_SANDBOX=1: make grade's sandbox */

static void count_exercise(void)
{
    current_exercise++;
}

static void journal(char kind)
{
    char line[64];
    int len = snprintf(line, sizeof line, "%c %ld\n", kind, current_exercise);
    if (journal_fd >= 0 && write(journal_fd, line, (size_t)len) != len)
        _exit(EXIT_CALLED_STATUS);
}

/* How many `kind` records the journal text has for exercise `index`. */
static int journal_count(const char *text, char kind, long index)
{
    int count = 0;
    for (const char *line = text; line && *line;) {
        char *end;
        if (line[0] == kind && line[1] == ' ') {
            long got = strtol(line + 2, &end, 10);
            if (end != line + 2 && *end == '\n' && got == index)
                count++;
        }
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    return count;
}

/* The whole journal so far (NULL if it cannot be read); free() it. */
static char *journal_text(int fd)
{
    off_t size = lseek(fd, 0, SEEK_END);
    if (size < 0)
        return NULL;
    char *text = malloc((size_t)size + 1);
    if (!text)
        return NULL;
    ssize_t got = pread(fd, text, (size_t)size, 0);
    text[got > 0 ? got : 0] = '\0';
    return text;
}

/* ----------------------------------------------- inside make grade's sandbox
 * There (tools/grade.sh sets GRADING_SANDBOX=1) a test's process may not
 * start another process (a child that finished the test would count as a
 * second finish in the journal; one that outlived it could tamper with what
 * follows), signal any process but itself, or trace one; threads stay
 * allowed. The kernel enforces it (a seccomp filter, installed before the
 * student's code runs, which no code can lift); what is refused fails with
 * EPERM, and the witness library names it in the report. The runner itself
 * is made non-dumpable, so that no test can read or write its memory or
 * descriptors through /proc or ptrace. */
#ifdef __linux__
#if defined(__x86_64__)
#define SANDBOX_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SANDBOX_ARCH AUDIT_ARCH_AARCH64
#endif
#endif

#ifdef SANDBOX_ARCH
#define LOAD(field) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field))
#define REFUSE(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
                   BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM)
/* kill(pid, ...) and the like: allowed only when their first argument is
 * this process (abort() and raise() signal themselves). */
#define ONLY_SELF(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 3), \
                      LOAD(args[0]), \
                      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)self, 1, 0), \
                      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM)
/* open(..., flags) and the like: refused when argument `arg`, the flags,
 * asks for a new file (O_CREAT) or an unnamed one (O_TMPFILE's own bit,
 * 020000000 on x86-64 and ARM64 alike: O_TMPFILE itself includes
 * O_DIRECTORY, which opendir() uses). */
#define NO_NEW_FILE(nr, arg) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 3), \
                             LOAD(args[arg]), \
                             BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, O_CREAT | 020000000, 0, 1), \
                             BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM)

static void confine_test(void)
{
    pid_t self = getpid();
    struct sock_filter filter[] = {
        LOAD(arch),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SANDBOX_ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        LOAD(nr),
#ifdef __x86_64__
        /* x32 calls are numbered from 2^30: none is expected. */
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        REFUSE(SYS_fork),
        REFUSE(SYS_vfork),
#endif
        /* clone3 passes its flags in memory a filter cannot read: ENOSYS
         * makes the C library fall back to clone. */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
        /* clone: a thread (CLONE_THREAD) only. */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 4),
        LOAD(args[0]),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        /* Files: a test writes those it was given (its output file, the
         * journal), each capped at 64 MB (RLIMIT_FSIZE, above), and makes
         * none: a test making 64 MB files without end would fill the
         * grading machine's disk. (openat2 passes its flags in memory a
         * filter cannot read.) */
#ifdef __x86_64__
        REFUSE(SYS_creat),
        REFUSE(SYS_mkdir),
        REFUSE(SYS_mknod),
        REFUSE(SYS_link),
        REFUSE(SYS_symlink),
        NO_NEW_FILE(SYS_open, 1),
        LOAD(nr),
#endif
#ifdef SYS_openat2
        REFUSE(SYS_openat2),
#endif
        REFUSE(SYS_mkdirat),
        REFUSE(SYS_mknodat),
        REFUSE(SYS_linkat),
        REFUSE(SYS_symlinkat),
        NO_NEW_FILE(SYS_openat, 2),
        LOAD(nr),
        /* ...nor by other roads: a socket bound to a name, a rename that
         * leaves a whiteout (renameat2's flags), io_uring's own open and
         * mkdir. Nor space past a file's size (fallocate's KEEP_SIZE is
         * not bounded by RLIMIT_FSIZE), memory no process's limit counts
         * (memfd, System V shared memory), or a folder's or file's mode
         * (a folder made unreadable outlives the grader's clean-up). */
        REFUSE(SYS_bind),
        REFUSE(SYS_renameat2),
        REFUSE(SYS_fallocate),
        REFUSE(SYS_memfd_create),
        REFUSE(SYS_shmget),
        REFUSE(SYS_fchmod),
        REFUSE(SYS_fchmodat),
#ifdef __x86_64__
        REFUSE(SYS_chmod),
#endif
#ifdef SYS_fchmodat2
        REFUSE(SYS_fchmodat2),
#endif
#ifdef SYS_io_uring_setup
        REFUSE(SYS_io_uring_setup),
        REFUSE(SYS_io_uring_enter),
        REFUSE(SYS_io_uring_register),
#endif
        REFUSE(SYS_ptrace),
        REFUSE(SYS_tkill),
        REFUSE(SYS_process_vm_writev),
        REFUSE(SYS_process_vm_readv),
        REFUSE(SYS_pidfd_send_signal),
        ONLY_SELF(SYS_kill),
        LOAD(nr),
        ONLY_SELF(SYS_tgkill),
        LOAD(nr),
        ONLY_SELF(SYS_rt_sigqueueinfo),
        LOAD(nr),
        ONLY_SELF(SYS_rt_tgsigqueueinfo),
        LOAD(nr),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog program = {sizeof filter / sizeof filter[0], filter};
    /* Without the filter the test would run unconfined: it does not run. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0)
        _exit(EXIT_CALLED_STATUS);
}
#else
/* No filter for this architecture: the sandbox's limits still hold. */
static void confine_test(void) {}
#endif

/* Descriptors the sandbox was started with, other than the standard ones
 * and the results' (a make jobserver's pipe, say), are closed before any
 * test runs: nothing outside is reachable through them. */
static void close_inherited(int keep)
{
    int fds[256], n = 0;
    DIR *dir = opendir("/proc/self/fd");
    if (!dir)
        return;
    for (struct dirent *e; (e = readdir(dir)) && n < 256;) {
        int fd = atoi(e->d_name);
        if (fd > 2 && fd != keep && fd != dirfd(dir))
            fds[n++] = fd;
    }
    closedir(dir);
    for (int i = 0; i < n; i++)
        close(fds[i]);
}

static void exit_guard(void)
{
    if (!test_finished) {
        journal('E');
        fflush(stdout); /* (_exit does not: a last line without '\n') */
        _exit(EXIT_CALLED_STATUS);
    }
}

static bool regular_file(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
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
    /* The results are the runner's to write. */
    if (results_fd >= 0)
        close(results_fd);
    /* Each test's output goes to a file of its own, output-I-PID.txt in
     * the folder the tests run in (I: the exercise's index in the chapter,
     * from 0): one test's flood cannot use up the next one's allowance,
     * nothing a test prints can mix with the runner's summary line, and
     * the grader can show a student what their code printed in the
     * exercise that failed. The allowance is set hard as well as soft, so
     * the test cannot raise it back. */
    char name[48];
    snprintf(name, sizeof name, "output-%ld-%ld.txt", current_exercise, (long)getpid());
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
    /* Where a test of this run left something in the file's place (the
     * name a later test's file would get), the output goes nowhere, never
     * to the runner's own. */
    if (fd < 0 || !regular_file(fd)) {
        if (fd >= 0)
            close(fd);
        fd = open("/dev/null", O_WRONLY);
    }
    if (fd < 0)
        _exit(EXIT_CALLED_STATUS);
    fflush(stdout);
    fflush(stderr);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
    /* Line by line, as on a terminal: what a test printed before it
     * crashed is in the file, for the report to show. */
    setvbuf(stdout, NULL, _IOLBF, BUFSIZ);
    struct rlimit limit;
    rlim_t cap = (rlim_t)TEST_OUTPUT_LIMIT_MB * 1024 * 1024;
    if (getrlimit(RLIMIT_FSIZE, &limit) == 0) {
        if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur > cap)
            limit.rlim_cur = cap;
        if (limit.rlim_max == RLIM_INFINITY || limit.rlim_max > cap)
            limit.rlim_max = cap;
        setrlimit(RLIMIT_FSIZE, &limit);
    }
    if (journal_fd < 0)
        return;
    char *text = journal_text(journal_fd);
    int killed = text ? journal_count(text, 'S', current_exercise) -
                            journal_count(text, 'F', current_exercise) -
                            journal_count(text, 'E', current_exercise)
                      : 0;
    free(text);
    journal('S');
    if (in_sandbox)
        confine_test();
    if (killed > 0)
        ck_abort_msg("not run: an earlier test of this exercise failed, "
                     "crashed, did not finish or ended its process");
}

static void guard_teardown(void)
{
    test_finished = true;
    journal('F');
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

/* A test that crashed or hung says only that; which call did it, the test
 * knows. Check keeps the line of the test's last check that passed (or of
 * its start), so the call to read is the first one after that line. Only
 * the course's own suites are named: a hidden suite's lines are not the
 * student's to read. */
static void where_it_stopped(Verdict *v, TestResult *tr)
{
    const char *file = tr_lfile(tr);
    size_t used = strlen(v->message);
    if (!file || strncmp(file, "tests/", 6) != 0 || tr_lno(tr) <= 0)
        return;
    snprintf(v->message + used, sizeof v->message - used,
             ". In %s, the test got as far as line %d: the first call "
             "after that line is the one to look at", file, tr_lno(tr));
}

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
                 "crashed (%s): it read or wrote memory it does not own (an "
                 "index past the end of an array, a NULL pointer, or a "
                 "write into an input it may only read: a const array can "
                 "sit in read-only memory), or it ran out of stack (a "
                 "function that calls itself without end?)", msg);
    } else if (strstr(msg, "signal 8")) {
        v.status = "crash";
        snprintf(v.message, sizeof v.message,
                 "crashed (%s): an integer division by zero?", msg);
    } else if (strstr(msg, "signal 25")) {
        v.status = "crash";
        snprintf(v.message, sizeof v.message,
                 "stopped after writing %d MB of output: a print inside a "
                 "loop that never ends?", (int)TEST_OUTPUT_LIMIT_MB);
    } else if (strstr(msg, "signal 24")) {
        v.status = "crash";
        snprintf(v.message, sizeof v.message,
                 "stopped after using the processor time a test may use "
                 "(several threads spinning?)");
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
    where_it_stopped(&v, tr);
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

/* With sr == NULL, lists the exercises as not run. `finished` is the
 * tests' journal (see the exit() guard). */
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
        } else if (journal_count(finished, 'F', (long)e) < passed_tests) {
            /* Before whatever failed after it: the tests that followed
             * were not run. */
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

int grading_main(const Chapter *chapter, int argc, char **argv)
{
    bool list_only = argc == 3 && strcmp(argv[1], "--list") == 0;
    if (argc != 2 && !list_only) {
        fprintf(stderr, "usage: %s [--list] RESULTS-FILE\n", argv[0]);
        return EXIT_FAILURE;
    }
    const char *path = argv[argc - 1];
    int fd = -1;
    char *end = NULL;
    if (strncmp(path, "/dev/fd/", 8) == 0)
        fd = (int)strtol(path + 8, &end, 10);
    FILE *out = fd >= 0 && end && *end == '\0' ? fdopen(fd, "w") : fopen(path, "w");
    if (!out) {
        perror(path);
        return EXIT_FAILURE;
    }
    results_fd = fileno(out);
    in_sandbox = getenv("GRADING_SANDBOX") && strcmp(getenv("GRADING_SANDBOX"), "1") == 0;
    if (in_sandbox) {
        close_inherited(results_fd);
#ifdef __linux__
        prctl(PR_SET_DUMPABLE, 0);
#endif
    }
    if (list_only) {
        report(chapter, NULL, "", out);
        return fclose(out) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    }
    /* The tests' journal: an anonymous file every test's process appends
     * to; it is gone when this process ends. */
    FILE *log = tmpfile();
    if (!log) {
        perror("tmpfile");
        return EXIT_FAILURE;
    }
    journal_fd = dup(fileno(log));
    if (journal_fd < 0 ||
        fcntl(journal_fd, F_SETFL, fcntl(journal_fd, F_GETFL) | O_APPEND) != 0) {
        perror("journal");
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
    char *finished = journal_text(journal_fd);
    report(chapter, sr, finished ? finished : "", out);
    free(finished);
    fclose(log);
    int failed = srunner_ntests_failed(sr);
    /* Check's own summary line, on a line of its own: a test's output that
     * ended without a newline must not become part of it. */
    putchar('\n');
    fflush(stdout);
    srunner_print(sr, CK_MINIMAL);
    srunner_free(sr);
    if (fclose(out) != 0) {
        perror(path);
        return EXIT_FAILURE;
    }
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
