/*
 * output.c: atomic output files and CSV rows. See output.h.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------ cleaning up on a signal
 * An interrupted run (Ctrl-C, kill) must not leave its temporary file
 * behind. The temporary files being written are remembered here, in
 * global state, because a signal handler cannot be handed anything else. A program has at most a few outputs open
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

/* Catches `sig` to clean up, unless it was ignored when the program
 * started: nohup ignores SIGHUP, and a shell's background job SIGINT and
 * SIGQUIT, so that a logout or a Ctrl-C meant for something else leaves
 * the run going. Catching those would undo that choice. */
static void clean_up_on(int sig)
{
    struct sigaction action = {.sa_handler = remove_temps_and_die}, before;
    sigemptyset(&action.sa_mask);
    if (sigaction(sig, NULL, &before) == 0 && before.sa_handler != SIG_IGN)
        sigaction(sig, &action, NULL);
}

static void remember_temp(char *path)
{
    static bool handlers_installed;
    if (!handlers_installed) {
        /* Every signal a user or the system sends to stop a run: Ctrl-C,
         * Ctrl-\ (which still dumps core after the clean-up), kill, a
         * closed terminal, a closed pipe, a file-size limit. */
        const int signals[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGPIPE, SIGXFSZ};
        for (size_t i = 0; i < sizeof signals / sizeof *signals; i++)
            clean_up_on(signals[i]);
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

const char *escape_text(const char *text, size_t length, char *buf)
{
    size_t n = 0;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)text[i];
        if (n + 9 > QUOTED_MAX) { /* room for an escape, "...", quotes, \0 */
            memcpy(buf + n, "...", 3);
            n += 3;
            break;
        }
        if (c == '\n')
            n += (size_t)sprintf(buf + n, "\\n");
        else if (c == '\t')
            n += (size_t)sprintf(buf + n, "\\t");
        else if (c < 0x20 || c == 0x7F)
            n += (size_t)sprintf(buf + n, "\\x%02X", c);
        else
            buf[n++] = (char)c;
    }
    buf[n] = '\0';
    return buf;
}

const char *quote_text(const char *text, size_t length, char *buf)
{
    buf[0] = '\'';
    size_t n = 1 + strlen(escape_text(text, length, buf + 1));
    buf[n++] = '\'';
    buf[n] = '\0';
    return buf;
}

/* "PROGRAM: FLAG 'PATH': REASON", the one line every failure prints. */
static void complain(const Output *out, const char *program, const char *path,
                     const char *reason)
{
    char q[QUOTED_MAX];
    fprintf(stderr, "%s: %s %s: %s\n", program, out->flag,
            quote_text(path, strlen(path), q), reason);
}

/* Whether process PID has ended. A process killed but not yet reaped (a
 * zombie: mpirun can return before the rank it killed is reaped) still
 * answers kill(pid, 0), so /proc is asked too: in /proc/PID/stat the
 * state follows the last ')' (the command name may hold any). Read with
 * open and read, which allocate nothing. */
static bool process_ended(long pid)
{
    if (kill((pid_t)pid, 0) != 0)
        return errno == ESRCH; /* EPERM: someone else's, running */
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, line, sizeof line - 1);
    close(fd);
    if (n <= 0)
        return false;
    line[n] = '\0';
    const char *name_end = strrchr(line, ')');
    return name_end && name_end[1] == ' ' && name_end[2] == 'Z';
}

/* The temporary files are named TARGET.tmp-PID-XXXXXX. One whose process
 * has ended was left by a run killed before it could clean up (SIGKILL
 * cannot be caught): the next run to write the same target removes it. */
static void remove_stale_temps(const char *target)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(target, '/');
    const char *base = slash ? slash + 1 : target;
    size_t dir_len = slash ? (size_t)(slash - target) + 1 : 0;
    if (dir_len >= sizeof dir)
        return;
    memcpy(dir, target, dir_len);
    dir[dir_len] = '\0';
    DIR *d = opendir(dir_len ? dir : ".");
    if (!d)
        return;
    size_t base_len = strlen(base);
    for (struct dirent *e; (e = readdir(d));) {
        const char *rest = e->d_name + base_len;
        if (strncmp(e->d_name, base, base_len) != 0 || strncmp(rest, ".tmp-", 5) != 0)
            continue;
        char *end;
        long pid = strtol(rest + 5, &end, 10);
        if (end == rest + 5 || *end != '-' || pid <= 0 || pid == (long)getpid())
            continue;
        if (!process_ended(pid))
            continue; /* still running, or not ours to judge */
        char stale[PATH_MAX];
        if ((size_t)snprintf(stale, sizeof stale, "%s%s", dir, e->d_name) < sizeof stale)
            unlink(stale);
    }
    closedir(d);
}

/* Writes straight into a FIFO or a character device (/dev/null, a
 * terminal, /dev/full): they cannot be replaced by a rename, and must not
 * be. */
static bool open_through(Output *out, const char *program, const char *path)
{
    int fd = open(path, O_WRONLY);
    out->file = fd < 0 ? NULL : fdopen(fd, "w");
    if (!out->file) {
        complain(out, program, path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return false;
    }
    out->through_path = path;
    return true;
}

/* The file a write to `path` replaces, into `target`: the path itself, or
 * the file a symbolic link leads to; for a link to a file not there yet,
 * what it names (readlink), relative to the link's folder. */
static bool write_target(const char *path, char target[PATH_MAX])
{
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISLNK(st.st_mode))
        return (size_t)snprintf(target, PATH_MAX, "%s", path) < PATH_MAX;
    if (realpath(path, target))
        return true;
    char link[PATH_MAX];
    ssize_t n = readlink(path, link, sizeof link - 1);
    if (n < 0)
        return false;
    link[n] = '\0';
    const char *slash = strrchr(path, '/');
    if (link[0] == '/' || !slash)
        return (size_t)snprintf(target, PATH_MAX, "%s", link) < PATH_MAX;
    return (size_t)snprintf(target, PATH_MAX, "%.*s/%s", (int)(slash - path), path, link) < PATH_MAX;
}

/* The folder that holds path as written (its last name not followed):
 * "dir/" for "dir/name", "." for "name". False when it is too long. */
static bool folder_of(const char *path, char folder[PATH_MAX])
{
    const char *slash = strrchr(path, '/');
    size_t len = slash ? (size_t)(slash - path) + 1 : 0;
    if (len >= PATH_MAX)
        return false;
    memcpy(folder, len ? path : ".", len ? len : 1);
    folder[len ? len : 1] = '\0';
    return true;
}

/* Whether two stats are of the same file. */
static bool same_inode(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* ".tmp-PID-XXXXXX", what a temporary file adds to its target's name. */
static void temp_suffix(char *buf, size_t size)
{
    snprintf(buf, size, ".tmp-%ld-XXXXXX", (long)getpid());
}

const char *output_unwritable(const char *path)
{
    static char reason[160];
    char target[PATH_MAX];
    struct stat st;
    if (!path || strcmp(path, "-") == 0)
        return NULL;
    if (!write_target(path, target))
        return "a symbolic link that cannot be read";
    if (stat(target, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return "is a directory";
        if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))
            return NULL;
        if (!S_ISREG(st.st_mode))
            return "is neither a file, a FIFO nor a character device";
        /* A file its owner made read-only, or another user's, is not
         * ours to replace, though the folder would let the rename do it
         * (or, another's in /tmp, fail only after the whole run): refused
         * as `>` refuses it. */
        if (access(target, W_OK) != 0) {
            snprintf(reason, sizeof reason, "cannot be written: %s", strerror(errno));
            return reason;
        }
    } else if (lstat(target, &st) == 0) {
        return "a symbolic link to a file that cannot be reached";
    }
    /* The file is written beside its target and renamed over it. */
    const char *slash = strrchr(target, '/');
    char folder[PATH_MAX];
    folder_of(target, folder); /* (target fits PATH_MAX, and so does its folder) */
    int error = 0;
    if (stat(folder, &st) != 0)
        error = errno;
    else if (!S_ISDIR(st.st_mode))
        error = ENOTDIR;
    else if (access(folder, W_OK | X_OK) != 0)
        error = errno;
    if (error) {
        snprintf(reason, sizeof reason, "cannot create a file in its folder: %s", strerror(error));
        return reason;
    }
    char suffix[48];
    temp_suffix(suffix, sizeof suffix);
    long name_max = pathconf(folder, _PC_NAME_MAX);
    size_t base = strlen(slash ? slash + 1 : target);
    if (name_max > 0 && base + strlen(suffix) > (size_t)name_max) {
        snprintf(reason, sizeof reason, "a name of %zu bytes, too long for "
                 "the temporary file written beside it: at most %zu here",
                 base, (size_t)name_max - strlen(suffix));
        return reason;
    }
    return NULL;
}

bool output_open(Output *out, const char *program, const char *flag,
                 const char *path)
{
    *out = (Output){.file = stdout, .flag = flag};
    if (!path || strcmp(path, "-") == 0)
        return true;

    /* What the path names decides how it is written. A symbolic link is
     * followed: its target is replaced, the link stays. */
    char target[PATH_MAX];
    struct stat st;
    const char *refused = output_unwritable(path);
    if (refused) {
        complain(out, program, path, refused);
        return false;
    }
    if (!write_target(path, target)) {
        complain(out, program, path, "a symbolic link that cannot be read");
        return false;
    }
    if (stat(target, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)))
        return open_through(out, program, path);

    size_t len = strlen(target);
    char suffix[48];
    temp_suffix(suffix, sizeof suffix);
    out->final_path = malloc(len + 1);
    out->temp_path = malloc(len + strlen(suffix) + 1);
    if (!out->final_path || !out->temp_path) {
        complain(out, program, path, "out of memory");
        output_discard(out);
        return false;
    }
    memcpy(out->final_path, target, len + 1);
    memcpy(out->temp_path, target, len);
    memcpy(out->temp_path + len, suffix, strlen(suffix) + 1);
    remove_stale_temps(target);

    /* The temporary file sits in the target's directory so that rename()
     * replaces the target in one step (it cannot cross file systems). */
    int fd = mkstemp(out->temp_path);
    if (fd < 0) {
        char reason[160];
        snprintf(reason, sizeof reason, "cannot create a file in its folder: %s", strerror(errno));
        complain(out, program, path, reason);
        free(out->temp_path);
        out->temp_path = NULL;
        output_discard(out);
        return false;
    }
    remember_temp(out->temp_path);
    fchmod(fd, 0644); /* mkstemp makes 0600; data files are for everyone */
    out->file = fdopen(fd, "w");
    if (!out->file) {
        complain(out, program, path, strerror(errno));
        close(fd);
        output_discard(out);
        return false;
    }
    return true;
}

/* Whether everything written to the output so far reached the file (or
 * stdout): a full disk shows here. If not, says so in one line. */
static bool flushed(const Output *out, const char *program)
{
    FILE *file = out->final_path || out->through_path ? out->file : stdout;
    errno = 0;
    if (fflush(file) == 0 && !ferror(file))
        return true;
    const char *why = strerror(errno ? errno : EIO);
    if (file == stdout)
        output_stdout_failed(program, why);
    else
        complain(out, program, out->through_path ? out->through_path : out->final_path, why);
    return false;
}

void output_claim_standard_streams(void)
{
    for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
            continue; /* open */
        /* Opened the wrong way round, so that every use of it fails, as
         * it did while it was closed. */
        int null = open("/dev/null", fd == STDIN_FILENO ? O_WRONLY : O_RDONLY);
        if (null >= 0 && null != fd) {
            dup2(null, fd);
            close(null);
        }
    }
}

void output_stdout_failed(const char *program, const char *why)
{
    fprintf(stderr, "%s: error writing to stdout: %s\n", program, why);
}

bool output_commit(Output *out, const char *program)
{
    if (!flushed(out, program)) {
        output_discard(out);
        return false;
    }
    if (!out->final_path && !out->through_path)
        return true;
    bool ok = fclose(out->file) == 0;
    out->file = NULL;
    if (ok && out->final_path && rename(out->temp_path, out->final_path) != 0)
        ok = false;
    if (!ok)
        complain(out, program, out->through_path ? out->through_path : out->final_path,
                 strerror(errno));
    output_discard(out);
    return ok;
}

bool output_commit_all(Output *const *outs, size_t count, const char *program)
{
    /* Every file flushed first, where a full disk shows, so that none is
     * renamed into place before all are known to be whole. */
    bool ok = true;
    for (size_t i = 0; i < count && ok; i++)
        ok = !outs[i] || flushed(outs[i], program);
    for (size_t i = 0; i < count; i++) {
        if (!outs[i])
            continue;
        if (ok)
            ok = output_commit(outs[i], program);
        else
            output_discard(outs[i]);
    }
    return ok;
}

/* Whether path names standard output: "-", or the file descriptor 1 has
 * open (/dev/stdout, or the file the shell sent it to). */
static bool names_stdout(const char *path)
{
    struct stat sp, so;
    return strcmp(path, "-") == 0 ||
           (stat(path, &sp) == 0 && fstat(STDOUT_FILENO, &so) == 0 &&
            same_inode(&sp, &so));
}

bool output_same_file(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    bool out_a = names_stdout(a), out_b = names_stdout(b);
    if (out_a || out_b)
        return out_a && out_b; /* stdout twice */
    /* What each would replace: a link's target, there or not yet. */
    char ta[PATH_MAX], tb[PATH_MAX];
    if (write_target(a, ta) && write_target(b, tb))
        a = ta, b = tb;
    struct stat sa, sb;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return same_inode(&sa, &sb);
    /* Not both there yet: the same path, once the folders are resolved. */
    char da[PATH_MAX], db[PATH_MAX], ra[PATH_MAX], rb[PATH_MAX];
    const char *na = strrchr(a, '/'), *nb = strrchr(b, '/');
    if (!folder_of(a, da) || !folder_of(b, db) || !realpath(da, ra) ||
        !realpath(db, rb))
        return strcmp(a, b) == 0;
    return strcmp(ra, rb) == 0 && strcmp(na ? na + 1 : a, nb ? nb + 1 : b) == 0;
}

/* Whether the folder that holds `path` (its last name not followed) is
 * `folder`. */
static bool parent_is(const char *path, const struct stat *folder)
{
    char parent[PATH_MAX];
    struct stat sp;
    return folder_of(path, parent) && stat(parent, &sp) == 0 &&
           same_inode(&sp, folder);
}

bool output_in_folder(const char *path, const char *folder)
{
    struct stat sf;
    if (!path || !folder || strcmp(path, "-") == 0 || stat(folder, &sf) != 0)
        return false;
    /* Both where the name is and, for a link, where its target is: a
     * folder of links to the dataset would have the link's target
     * replaced (a review's case: fm/X.gz -> ../real/X.gz). */
    char target[PATH_MAX];
    if (parent_is(path, &sf) ||
        (write_target(path, target) && parent_is(target, &sf)))
        return true;
    /* And a file elsewhere that one of the folder's names links to. */
    struct stat so;
    if (stat(path, &so) != 0)
        return false;
    DIR *dir = opendir(folder);
    if (!dir)
        return false;
    bool found = false;
    for (struct dirent *e; !found && (e = readdir(dir));) {
        char entry[PATH_MAX];
        struct stat se;
        found = (size_t)snprintf(entry, sizeof entry, "%s/%s", folder,
                                 e->d_name) < sizeof entry &&
                stat(entry, &se) == 0 && S_ISREG(se.st_mode) &&
                same_inode(&se, &so);
    }
    closedir(dir);
    return found;
}

void output_discard(Output *out)
{
    if (out->file && out->file != stdout) /* stdout until a file opened */
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

double output_plain_nan(double v)
{
    return isnan(v) ? NAN : v;
}

void output_row(FILE *file, size_t index, const double *values, size_t count)
{
    fprintf(file, "%zu", index);
    for (size_t i = 0; i < count; i++)
        fprintf(file, ",%.17g", output_plain_nan(values[i]));
    fputc('\n', file);
}

void output_numbers(FILE *file, const double *values, size_t count)
{
    for (size_t i = 0; i < count; i++)
        fprintf(file, "%s%.17g", i ? "," : "", output_plain_nan(values[i]));
    fputc('\n', file);
}
