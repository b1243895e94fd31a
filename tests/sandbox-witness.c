/*
 * sandbox-witness.c: names what the grading sandbox refused a submission.
 *
 * make grade and make grade-class run each submission's tests in a sandbox
 * (tools/grade.sh, run_suite): no network, nothing writable but one
 * folder, where a test makes no new file, other students' folders hidden,
 * a limit on processes. The sandbox is what stops those attempts; this
 * library only tells the student what was stopped, so that a report can
 * say "your code tried to connect to the network" rather than just
 * "mse_loss is wrong". It is preloaded (LD_PRELOAD) into the test program
 * and wraps the C library's calls a submission would use: when connect(),
 * fork(), fopen(), open(), tmpfile(), mkstemp() or access() fails in a way
 * the sandbox causes, it appends one line to the file SANDBOX_WITNESS
 * names, then returns what the C library returned.
 *
 * It is a witness, not a guard: code that makes system calls directly
 * bypasses it (and is stopped all the same), and code that writes into the
 * file can put anything there, so the grader treats its lines as text from
 * the submission: sanitized, counted, never trusted for a score.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

/* One line into the witness file, written with the real open(). */
static void witness(const char *what, const char *detail, int error)
{
    static int (*real_open)(const char *, int, ...);
    const char *file = getenv("SANDBOX_WITNESS");
    if (!file)
        return;
    if (!real_open)
        real_open = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
    /* The grader makes the file beforehand: a test may make none. */
    int fd = real_open(file, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        fd = real_open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    char line[512];
    int n = snprintf(line, sizeof line, "%s%s%s: %s\n", what,
                     detail ? " " : "", detail ? detail : "", strerror(error));
    if (n > 0)
        (void)!write(fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    close(fd);
}

/* The errors the sandbox causes: a read-only or hidden file system, no
 * permission, no network, no more processes. */
static int refused(int error)
{
    return error == EROFS || error == EACCES || error == EPERM ||
           error == ENETUNREACH || error == ECONNREFUSED || error == EAGAIN ||
           error == ENOENT;
}

/* Absolute paths, and any path where a new file was refused (EPERM: a
 * test may make no file, tests/grading.c): a missing relative file is the
 * submission's own business. */
static void file_refused(const char *call, const char *path, int error)
{
    if (path && (path[0] == '/' || error == EPERM) && refused(error))
        witness(call, path, error);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    static int (*real)(int, const struct sockaddr *, socklen_t);
    if (!real)
        real = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "connect");
    int r = real(fd, addr, len);
    if (r < 0 && errno != EINPROGRESS) {
        int e = errno;
        witness("connecting to the network or to a socket (connect)", NULL, e);
        errno = e;
    }
    return r;
}

pid_t fork(void)
{
    static pid_t (*real)(void);
    if (!real)
        real = (pid_t (*)(void))dlsym(RTLD_NEXT, "fork");
    pid_t r = real();
    if (r < 0) {
        int e = errno;
        witness("starting another process (fork)", NULL, e);
        errno = e;
    }
    return r;
}

FILE *fopen(const char *path, const char *mode)
{
    static FILE *(*real)(const char *, const char *);
    if (!real)
        real = (FILE * (*)(const char *, const char *)) dlsym(RTLD_NEXT, "fopen");
    FILE *f = real(path, mode);
    if (!f) {
        int e = errno;
        file_refused("opening (fopen)", path, e);
        errno = e;
    }
    return f;
}

int open(const char *path, int flags, ...)
{
    static int (*real)(const char *, int, ...);
    if (!real)
        real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    int fd = real(path, flags, mode);
    if (fd < 0) {
        int e = errno;
        file_refused("opening (open)", path, e);
        errno = e;
    }
    return fd;
}

/* A temporary file is a new file too (tmpfile() printed to, then read
 * back, say): refused, and named, where a crash would otherwise be all
 * the report said. */
FILE *tmpfile(void)
{
    static FILE *(*real)(void);
    if (!real)
        real = (FILE * (*)(void)) dlsym(RTLD_NEXT, "tmpfile");
    FILE *f = real();
    if (!f) {
        int e = errno;
        if (refused(e))
            witness("making a temporary file (tmpfile)", NULL, e);
        errno = e;
    }
    return f;
}

int mkstemp(char *template)
{
    static int (*real)(char *);
    if (!real)
        real = (int (*)(char *))dlsym(RTLD_NEXT, "mkstemp");
    int fd = real(template);
    if (fd < 0) {
        int e = errno;
        if (refused(e))
            witness("making a temporary file (mkstemp)", NULL, e);
        errno = e;
    }
    return fd;
}

int access(const char *path, int how)
{
    static int (*real)(const char *, int);
    if (!real)
        real = (int (*)(const char *, int))dlsym(RTLD_NEXT, "access");
    int r = real(path, how);
    if (r < 0) {
        int e = errno;
        file_refused("looking at (access)", path, e);
        errno = e;
    }
    return r;
}
