/*
 * dataset.c: allocating, generating and writing datasets. See dataset.h.
 */
#define _DEFAULT_SOURCE /* madvise's MADV_HUGEPAGE */
#include "dataset.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "output.h"

/* Room for the features, zeroed. A large dataset is read a row at a time
 * from anywhere in it (a shuffled minibatch), and every row on a page of
 * its own costs the processor an address translation it must look up in
 * memory: on 2 MiB pages instead of 4 KiB ones there are 512 times fewer
 * pages to translate. Where the system offers such pages on request
 * (Linux's transparent huge pages, madvise mode), it is asked for them; it
 * changes no number, only the time. */
static double *alloc_features(size_t count)
{
    size_t bytes = count * sizeof(double), huge = 2u << 20;
#if defined(MADV_HUGEPAGE)
    if (bytes >= huge) {
        void *p = NULL;
        size_t rounded = (bytes + huge - 1) / huge * huge;
        if (posix_memalign(&p, huge, rounded) != 0)
            return NULL;
        madvise(p, rounded, MADV_HUGEPAGE);
        memset(p, 0, bytes);
        return p;
    }
#endif
    (void)huge;
    return calloc(count, sizeof(double));
}

bool dataset_alloc(Dataset *ds, size_t n, size_t d)
{
    *ds = (Dataset){0};
    if (n == 0 || d == 0 || n > SIZE_MAX / sizeof(double) / d)
        return false;
    double *x = alloc_features(n * d);
    double *y = calloc(n, sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        return false;
    }
    *ds = (Dataset){.n = n, .d = d, .x = x, .y = y};
    return true;
}

void dataset_free(Dataset *ds)
{
    free(ds->x);
    free(ds->y);
    *ds = (Dataset){0};
}

bool dataset_squares_finite(const double *x, const double *y, size_t n,
                            size_t d)
{
    double xx = 0.0, yy = 0.0;
    for (size_t i = 0; i < n; i++) {
        yy += y[i] * y[i];
        for (size_t j = 0; j < d; j++)
            xx += x[i * d + j] * x[i * d + j];
    }
    return isfinite(xx) && isfinite(yy);
}

void dataset_fill_line(Dataset *ds, double lo, double hi, double slope,
                       double intercept, double noise, Rng *rng)
{
    assert(ds->d == 1 && ds->n >= 2);
    for (size_t i = 0; i < ds->n; i++) {
        /* lo + (hi - lo)·i/(n - 1) puts both ends exactly on lo and hi. */
        double x = lo + (hi - lo) * (double)i / (double)(ds->n - 1);
        ds->x[i] = x;
        ds->y[i] = slope * x + intercept + noise * rng_normal(rng);
    }
}

void dataset_fill_gaussian(Dataset *ds, const double *w, double b,
                           double noise, Rng *rng)
{
    for (size_t i = 0; i < ds->n; i++) {
        double *x = ds->x + i * ds->d;
        double y = b;
        for (size_t j = 0; j < ds->d; j++) {
            x[j] = rng_normal(rng);
            y += x[j] * w[j];
        }
        ds->y[i] = y + noise * rng_normal(rng);
    }
}

bool dataset_fill_reference(Dataset *ds, double noise, Rng *rng)
{
    static const double true_w[] = {2.0, -1.0, 0.5, 3.0, -2.0};
    double *w = malloc(ds->d * sizeof *w);
    if (!w)
        return false;
    for (size_t j = 0; j < ds->d; j++)
        w[j] = true_w[j % 5];
    dataset_fill_gaussian(ds, w, 0.7, noise, rng);
    free(w);
    return true;
}

void dataset_write_csv(const Dataset *ds, FILE *file)
{
    if (ds->d == 1) {
        fputs("x,y\n", file);
    } else {
        for (size_t j = 0; j < ds->d; j++)
            fprintf(file, "x%zu,", j + 1);
        fputs("y\n", file);
    }
    for (size_t i = 0; i < ds->n; i++) {
        for (size_t j = 0; j < ds->d; j++)
            fprintf(file, "%.17g,", ds->x[i * ds->d + j]);
        fprintf(file, "%.17g\n", ds->y[i]);
    }
}

bool dataset_open_csv(const Dataset *ds, const char *program,
                      const char *path, Output *out)
{
    *out = (Output){0};
    if (!path)
        return true;
    if (!output_open(out, program, "--save-data", path))
        return false;
    dataset_write_csv(ds, out->file);
    return true;
}
