/*
 * failmalloc.c: makes one allocation of a program fail, to test what the
 * program does when memory runs out.
 *
 * Preloaded (LD_PRELOAD) into a chapter program, it counts the calls to
 * malloc, calloc, realloc, aligned_alloc and posix_memalign, the C
 * library's own calls included (fopen's buffer, zlib's state):
 *   FAILMALLOC_AT=N      the Nth call fails as a full memory does: NULL
 *                        (posix_memalign: ENOMEM) with errno ENOMEM
 *   FAILMALLOC_COUNT=F   at exit, the number of calls is written to F
 *   FAILMALLOC_PROGRAM=1 counts only the calls the program's own code
 *                        makes (the executable, with libcourse.a linked
 *                        in), not its libraries': chapter 10's MPI_Init
 *                        alone makes tens of thousands in Open MPI, which
 *                        aborts when one fails
 * The self-test runs a program once to count, then once for each N
 * (tests/out-of-memory.sh, fails_cleanly_without_memory). No ulimit can
 * do that: the limit decides which allocation fails, and only the large
 * ones ever do.
 *
 * Only the program started is tested. The settings are taken out of the
 * environment before its main() runs, and only its own process writes the
 * count: chapter 10's MPI_Init starts Open MPI's orted with the same
 * environment, and orted, ending a moment after the program, used to
 * write its own count (0) over the program's. Two limits follow:
 *   - a program that hands over to another with exec (04-optimizers
 *     --experiment runs 04-optimizers.experiments) is tested up to the
 *     exec only, and writes no count: run the other by its own name;
 *   - a program with an environment of its own (bash defines unsetenv)
 *     may still pass the settings on.
 *
 * dlsym itself may call calloc before the real one is known; those few
 * bytes come from a static arena, and free() leaves them alone.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void (*real_free)(void *);

static unsigned long calls, fail_at;
static bool looking_up, program_only;
static const char *count_path; /* FAILMALLOC_COUNT's value */
static pid_t started;           /* the process that reads the settings */

/* The executable's loaded segments (FAILMALLOC_PROGRAM): where a call
 * counted must come from. */
static uintptr_t program_start[16], program_end[16];
static int program_segments;

/* dl_iterate_phdr lists the executable first. */
static int find_program(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    for (int i = 0; i < info->dlpi_phnum && program_segments < 16; i++)
        if (info->dlpi_phdr[i].p_type == PT_LOAD) {
            uintptr_t start = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
            program_start[program_segments] = start;
            program_end[program_segments++] = start + info->dlpi_phdr[i].p_memsz;
        }
    return 1; /* the first object only */
}

static bool from_program(const void *caller)
{
    for (int i = 0; i < program_segments; i++)
        if ((uintptr_t)caller >= program_start[i] && (uintptr_t)caller < program_end[i])
            return true;
    return false;
}

static _Alignas(16) unsigned char arena[4096];
static size_t arena_used;

static void *from_arena(size_t bytes)
{
    size_t rounded = (bytes + 15) & ~(size_t)15;
    if (rounded > sizeof arena - arena_used)
        return NULL;
    void *p = arena + arena_used;
    arena_used += rounded;
    return memset(p, 0, bytes);
}

static void report_count(void)
{
    if (getpid() != started) /* a fork() that exit()s: not the program */
        return;
    FILE *f = count_path ? fopen(count_path, "w") : NULL;
    if (f) {
        fprintf(f, "%lu\n", calls);
        fclose(f);
    }
}

static void look_up(void)
{
    if (real_free || looking_up)
        return;
    looking_up = true;
    real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
    real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
    real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    real_aligned_alloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "aligned_alloc");
    real_posix_memalign = (int (*)(void **, size_t, size_t))dlsym(RTLD_NEXT, "posix_memalign");
    real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
    const char *at = getenv("FAILMALLOC_AT");
    fail_at = at ? strtoul(at, NULL, 10) : 0;
    const char *program = getenv("FAILMALLOC_PROGRAM");
    program_only = program && strcmp(program, "1") == 0;
    if (program_only)
        dl_iterate_phdr(find_program, NULL);
    /* unsetenv leaves the string itself where it is */
    count_path = getenv("FAILMALLOC_COUNT");
    started = getpid();
    atexit(report_count);
    looking_up = false;
}

/* Runs once the library is loaded, before the program's main(): the
 * programs it starts inherit no settings, and so are not tested (within
 * the limits above). */
__attribute__((constructor)) static void keep_settings_to_this_program(void)
{
    look_up();
    unsetenv("FAILMALLOC_AT");
    unsetenv("FAILMALLOC_COUNT");
    unsetenv("FAILMALLOC_PROGRAM");
}

/* Whether this call, made from `caller`, is the one that fails. */
static bool fails_from(const void *caller)
{
    look_up();
    if (program_only && !from_program(caller))
        return false;
    calls++;
    if (calls != fail_at)
        return false;
    errno = ENOMEM;
    return true;
}
#define fails() fails_from(__builtin_return_address(0))

void *malloc(size_t bytes)
{
    if (looking_up)
        return from_arena(bytes);
    return fails() ? NULL : real_malloc(bytes);
}

void *calloc(size_t count, size_t size)
{
    if (looking_up)
        return size && count > SIZE_MAX / size ? NULL : from_arena(count * size);
    return fails() ? NULL : real_calloc(count, size);
}

void *realloc(void *p, size_t bytes)
{
    return fails() ? NULL : real_realloc(p, bytes);
}

void *aligned_alloc(size_t alignment, size_t bytes)
{
    return fails() ? NULL : real_aligned_alloc(alignment, bytes);
}

int posix_memalign(void **p, size_t alignment, size_t bytes)
{
    return fails() ? ENOMEM : real_posix_memalign(p, alignment, bytes);
}

void free(void *p)
{
    if ((unsigned char *)p >= arena && (unsigned char *)p < arena + sizeof arena)
        return;
    look_up();
    if (real_free) /* NULL only while dlsym runs: a leak, not a crash */
        real_free(p);
}
