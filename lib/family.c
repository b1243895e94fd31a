/*
 * family.c: see family.h.
 */
#define _POSIX_C_SOURCE 200809L /* readlink, execv */
#include "family.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *family_flag_value(int argc, char **argv, const char *flag)
{
    size_t len = strlen(flag);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0 || strncmp(arg + 2, flag, len) != 0)
            continue;
        if (arg[2 + len] == '=')
            return arg + 3 + len;
        if (arg[2 + len] == '\0')
            return i + 1 < argc ? argv[i + 1] : "";
    }
    return NULL;
}

int family_exec(const char *program, const char *family, char **argv)
{
    char path[4096];
    /* Our own file, wherever we were called from; without /proc, trust
     * the name we were called by. */
    ssize_t len = readlink("/proc/self/exe", path, sizeof path - 1);
    if (len < 0)
        len = snprintf(path, sizeof path, "%s", argv[0]);
    path[len < (ssize_t)sizeof path ? len : (ssize_t)sizeof path - 1] = '\0';
    char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash + 1 - path) : 0;
    snprintf(path + dir, sizeof path - dir, "%s.%s", program, family);
    execv(path, argv);
    fprintf(stderr, "%s: cannot run %s: %s\n", program, path,
            strerror(errno));
    return EXIT_FAILURE;
}
