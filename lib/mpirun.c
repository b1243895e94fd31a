/*
 * mpirun.c: running this program under mpirun, its output and errors
 * relayed. See mpirun.h.
 */
#define _POSIX_C_SOURCE 200809L /* readlink, sigaction, kill */
#include "mpirun.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output.h"

/* What the relay has seen so far. */
typedef struct {
    const char *program;
    char line[4096];      /* standard error's line being read */
    size_t line_len;
    char held[1 << 16];   /* the lines of mpirun's pages, held back */
    size_t held_len;
    bool in_page;         /* between a page's two rules of dashes */
    bool explained;       /* a line of the program's came through */
    bool reader_gone;     /* standard output's reader closed its end */
    bool write_failed;    /* standard output could not be written */
} Relay;

/* The mpirun being relayed: the job to stop, and where the signal
 * handler passes a signal on to (a handler can be handed nothing else). */
static volatile pid_t running_mpirun;

/* The job is ended (the reader is gone, or the output cannot be kept):
 * mpirun ends the ranks on SIGTERM, and says nothing about it. */
static void stop_job(void)
{
    kill(running_mpirun, SIGTERM);
}

/* Writes all of bytes to fd, or returns false with errno set. */
static bool write_all(int fd, const char *bytes, size_t n)
{
    while (n > 0) {
        ssize_t done = write(fd, bytes, n);
        if (done < 0 && errno == EINTR)
            continue;
        if (done < 0)
            return false;
        bytes += done;
        n -= (size_t)done;
    }
    return true;
}

/* Standard output: copied as it comes, until it cannot be. */
static void relay_output(Relay *r, const char *bytes, size_t n)
{
    if (r->reader_gone || r->write_failed)
        return; /* drained, so that mpirun never blocks on the pipe */
    if (write_all(STDOUT_FILENO, bytes, n))
        return;
    if (errno == EPIPE) {
        r->reader_gone = true;
    } else {
        output_stdout_failed(r->program, strerror(errno));
        r->write_failed = true;
    }
    stop_job();
}

/* One whole line of standard error (or the last, or one longer than the
 * buffer): held back when it belongs to one of mpirun's pages, which lie
 * between two rules of dashes, and copied through otherwise. Once the
 * relay has ended the job (stop_job), only the program's lines come through:
 * what mpirun says then is about the stop (its event library may warn of
 * a pipe the ranks closed as they went). */
static void relay_error_line(Relay *r)
{
    const char *line = r->line;
    size_t len = r->line_len, dashes = strspn(line, "-");
    size_t name = strlen(r->program);
    bool ours = len > name + 1 && strncmp(line, r->program, name) == 0 &&
                line[name] == ':';
    r->line_len = 0;
    if ((r->reader_gone || r->write_failed) && !ours)
        return;
    bool rule = dashes >= 20 && (dashes == len || line[dashes] == '\n');
    if (rule)
        r->in_page = !r->in_page;
    if ((rule || r->in_page) && r->held_len + len <= sizeof r->held) {
        memcpy(r->held + r->held_len, line, len);
        r->held_len += len;
        return;
    }
    if (ours)
        r->explained = true;
    fwrite(line, 1, len, stderr);
    fflush(stderr);
}

static void relay_error(Relay *r, const char *bytes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        r->line[r->line_len++] = bytes[i];
        if (bytes[i] == '\n' || r->line_len == sizeof r->line)
            relay_error_line(r);
    }
}

/* Copies both pipes until mpirun has closed them. */
static void relay(Relay *r, int out_fd, int err_fd)
{
    struct pollfd fds[2] = {{.fd = out_fd, .events = POLLIN},
                            {.fd = err_fd, .events = POLLIN}};
    char buffer[1 << 14];
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int k = 0; k < 2; k++) {
            if (fds[k].fd < 0 || !fds[k].revents)
                continue;
            ssize_t got = read(fds[k].fd, buffer, sizeof buffer);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                close(fds[k].fd);
                fds[k].fd = -1;
            } else if (k == 0) {
                relay_output(r, buffer, (size_t)got);
            } else {
                relay_error(r, buffer, (size_t)got);
            }
        }
    }
    if (r->line_len > 0)
        relay_error_line(r);
}

static void pass_signal_on(int sig)
{
    kill(running_mpirun, sig);
}

/* Starts args[0] with standard output and error into pipes; returns its
 * pid (and the pipes' read ends), or -1 when it could not be started. */
static pid_t start(char **args, int *out_fd, int *err_fd)
{
    int out[2], err[2], ready[2]; /* ready: closed on exec, or told why not */
    if (pipe(out) != 0)
        return -1;
    if (pipe(err) != 0) {
        close(out[0]), close(out[1]);
        return -1;
    }
    if (pipe(ready) != 0 || fcntl(ready[1], F_SETFD, FD_CLOEXEC) != 0) {
        close(out[0]), close(out[1]), close(err[0]), close(err[1]);
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        /* A pipe's end is 0, 1 or 2 when that descriptor was closed
         * (`>&-`): closing it now would close mpirun's new stdout or
         * stderr. One that landed on 0 is not mpirun's stdin: closed. */
        int ends[] = {out[0], out[1], err[0], err[1]};
        for (size_t i = 0; i < 4; i++)
            if (ends[i] != STDOUT_FILENO && ends[i] != STDERR_FILENO)
                close(ends[i]);
        close(ready[0]);
        execvp(args[0], args);
        (void)!write(ready[1], "x", 1);
        _exit(127);
    }
    close(out[1]), close(err[1]), close(ready[1]);
    char failed;
    ssize_t told = pid > 0 ? read(ready[0], &failed, 1) : 1;
    close(ready[0]);
    if (told != 0) {
        close(out[0]), close(err[0]);
        if (pid > 0)
            waitpid(pid, NULL, 0);
        return -1;
    }
    *out_fd = out[0];
    *err_fd = err[0];
    return pid;
}

/* Runs args under the relay; returns the exit status, or -1 when mpirun
 * could not be started. */
static int run(const char *program, char **args)
{
    static Relay r; /* 68 KB: not on the stack */
    r = (Relay){.program = program};
    int out_fd, err_fd;
    pid_t pid = start(args, &out_fd, &err_fd);
    if (pid < 0)
        return -1;
    running_mpirun = pid;
    struct sigaction pass = {.sa_handler = pass_signal_on,
                             .sa_flags = SA_RESTART};
    sigemptyset(&pass.sa_mask);
    sigaction(SIGTERM, &pass, NULL);
    sigaction(SIGHUP, &pass, NULL);
    signal(SIGINT, SIG_IGN);
    signal(SIGPIPE, SIG_IGN); /* a gone reader shows as EPIPE */
    relay(&r, out_fd, err_fd);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        continue;
    if (r.reader_gone) { /* end as a program in a pipeline does */
        signal(SIGPIPE, SIG_DFL);
        raise(SIGPIPE);
    }
    if (r.write_failed)
        return EXIT_FAILURE;
    bool ours = WIFEXITED(status) && WEXITSTATUS(status) <= 2;
    if (!r.explained || !ours)
        fwrite(r.held, 1, r.held_len, stderr);
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "%s: --np: mpirun was stopped by signal %d\n",
                program, WTERMSIG(status));
        return EXIT_FAILURE;
    }
    return WEXITSTATUS(status);
}

int mpirun_relaunch(const char *program, int argc, char **argv, size_t np)
{
    char self[4096], count[32];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) {
        fprintf(stderr, "%s: --np: cannot find this program's path\n", program);
        return EXIT_FAILURE;
    }
    self[len] = '\0';
    snprintf(count, sizeof count, "%zu", np);
    char **args = calloc((size_t)argc + 8, sizeof *args);
    if (!args) {
        fprintf(stderr, "%s: --np: out of memory\n", program);
        return EXIT_FAILURE;
    }
    size_t a = 0;
    args[a++] = "mpirun";
    if (geteuid() == 0)
        args[a++] = "--allow-run-as-root";
    args[a++] = "--oversubscribe";
    args[a++] = "--stdin";
    args[a++] = "none";
    args[a++] = "-np";
    args[a++] = count;
    args[a++] = self;
    for (int i = 1; i < argc; i++)
        args[a++] = argv[i];
    int status = run(program, args);
    free(args);
    if (status < 0) {
        fprintf(stderr, "%s: --np %zu: cannot run mpirun (install "
                "openmpi-bin: make deps)\n", program, np);
        return EXIT_FAILURE;
    }
    return status;
}
