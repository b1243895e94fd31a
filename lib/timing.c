/*
 * timing.c: see timing.h.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include "timing.h"

#include <stdlib.h>
#include <time.h>

double timing_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double timing_median(double *seconds, size_t count)
{
    qsort(seconds, count, sizeof *seconds, compare_doubles);
    size_t m = count / 2;
    return count % 2 ? seconds[m] : 0.5 * (seconds[m - 1] + seconds[m]);
}
