/*
 * output.c: atomic output files and CSV rows. See output.h.
 */
#define _POSIX_C_SOURCE 200809L
#include "output.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------ cleaning up on a signal
 * An interrupted run (Ctrl-C, kill) must not leave its temporary file
 * behind. The temporary files being written are remembered here, the only
 * mutable global state in the course's library, because a signal handler
 * cannot be handed anything else. A program has at most a few outputs open
 * at once. */
enum { MAX_OPEN_OUTPUTS = 4 };
static char *volatile open_temps[MAX_OPEN_OUTPUTS];

static void remove_temps_and_die(int sig)
{
    for (int i = 0; i < MAX_OPEN_OUTPUTS; i++)
        if (open_temps[i])
            unlink(open_temps[i]); /* async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig); /* die of the same signal, as the caller expects */
}

static void remember_temp(char *path)
{
    static bool handlers_installed;
    if (!handlers_installed) {
        const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
        struct sigaction action = {.sa_handler = remove_temps_and_die};
        sigemptyset(&action.sa_mask);
        for (size_t i = 0; i < sizeof signals / sizeof *signals; i++)
            sigaction(signals[i], &action, NULL);
        handlers_installed = true;
    }
    for (int i = 0; i < MAX_OPEN_OUTPUTS; i++)
        if (!open_temps[i]) {
            open_temps[i] = path;
            return;
        }
}

static void forget_temp(const char *path)
{
    for (int i = 0; i < MAX_OPEN_OUTPUTS; i++)
        if (open_temps[i] == path)
            open_temps[i] = NULL;
}

bool output_open(Output *out, const char *program, const char *path)
{
    *out = (Output){.file = stdout};
    if (!path || strcmp(path, "-") == 0)
        return true;

    size_t len = strlen(path);
    out->final_path = malloc(len + 1);
    out->temp_path = malloc(len + sizeof ".tmp-XXXXXX");
    if (!out->final_path || !out->temp_path) {
        fprintf(stderr, "%s: out of memory opening %s\n", program, path);
        output_discard(out);
        return false;
    }
    memcpy(out->final_path, path, len + 1);
    memcpy(out->temp_path, path, len);
    memcpy(out->temp_path + len, ".tmp-XXXXXX", sizeof ".tmp-XXXXXX");

    /* The temporary file sits in the target's directory so that rename()
     * replaces the target in one step (it cannot cross file systems). */
    int fd = mkstemp(out->temp_path);
    if (fd < 0) {
        fprintf(stderr, "%s: cannot write %s: %s\n", program, path,
                strerror(errno));
        free(out->temp_path);
        out->temp_path = NULL;
        output_discard(out);
        return false;
    }
    remember_temp(out->temp_path);
    fchmod(fd, 0644); /* mkstemp makes 0600; data files are for everyone */
    out->file = fdopen(fd, "w");
    if (!out->file) {
        close(fd);
        output_discard(out);
        return false;
    }
    return true;
}

bool output_commit(Output *out, const char *program)
{
    if (!out->final_path) {
        bool ok = fflush(stdout) == 0 && !ferror(stdout);
        if (!ok)
            fprintf(stderr, "%s: error writing to stdout\n", program);
        return ok;
    }
    bool ok = !ferror(out->file);
    ok = (fclose(out->file) == 0) && ok;
    out->file = NULL;
    if (ok && rename(out->temp_path, out->final_path) != 0)
        ok = false;
    if (!ok)
        fprintf(stderr, "%s: cannot write %s: %s\n", program, out->final_path,
                strerror(errno));
    output_discard(out);
    return ok;
}

void output_discard(Output *out)
{
    if (out->final_path && out->file)
        fclose(out->file);
    if (out->temp_path) {
        forget_temp(out->temp_path);
        remove(out->temp_path); /* after a successful rename, already gone */
    }
    free(out->final_path);
    free(out->temp_path);
    *out = (Output){0};
}

void output_header(FILE *file, const char *const *names, size_t count)
{
    for (size_t i = 0; i < count; i++)
        fprintf(file, "%s%s", i ? "," : "", names[i]);
    fputc('\n', file);
}

void output_row(FILE *file, size_t index, const double *values, size_t count)
{
    fprintf(file, "%zu", index);
    for (size_t i = 0; i < count; i++)
        fprintf(file, ",%.17g", values[i]);
    fputc('\n', file);
}

void output_numbers(FILE *file, const double *values, size_t count)
{
    for (size_t i = 0; i < count; i++)
        fprintf(file, "%s%.17g", i ? "," : "", values[i]);
    fputc('\n', file);
}
