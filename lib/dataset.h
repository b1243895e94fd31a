/*
 * dataset.h: the examples a model learns from.
 *
 * A dataset holds n examples, each a row of d features and one target:
 *   x  n × d doubles, row-major (example i's features are x[i*d .. i*d+d-1])
 *   y  n doubles
 * The generators draw from the course's Rng, so a seed fixes the data.
 */
#ifndef DATASET_H
#define DATASET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "output.h"
#include "rng.h"

typedef struct {
    size_t n, d;
    double *x; /* n × d, row-major */
    double *y; /* n */
} Dataset;

/* The most numbers (n × d features) a program draws a dataset of from its
 * flags: 2e9, 16 GB. A larger ask is refused as bad input before any
 * memory is taken, rather than left to fail, or to be killed, half way. */
#define DATASET_MAX_NUMBERS 2e9

/* Allocates an n × d dataset (zero-filled). Returns false when out of memory
 * or when n × d overflows; the dataset is then empty. Free with
 * dataset_free. */
bool dataset_alloc(Dataset *ds, size_t n, size_t d);

void dataset_free(Dataset *ds);

/* True when Σ x² (over all n × d features, row-major) and Σ y² are finite
 * numbers: then the sums of the normal equations are finite too, since
 * |Σ x y| is at most √(Σ x² · Σ y²), and so is the least-squares loss,
 * whose residuals are no larger than y. Data past that are beyond double
 * precision for least squares (chapters 1 and 3 refuse them). */
bool dataset_squares_finite(const double *x, const double *y, size_t n,
                            size_t d);

/* Fills a one-feature dataset with a noisy line: x evenly spaced on [lo, hi]
 * (both ends included), y = slope·x + intercept + noise·N(0, 1).
 * ds must have d = 1 and n >= 2. */
void dataset_fill_line(Dataset *ds, double lo, double hi, double slope,
                       double intercept, double noise, Rng *rng);

/* Fills a dataset for linear regression in d = ds->d dimensions: every
 * feature is an independent standard normal, x_ij ~ N(0, 1), and the target
 * is y_i = x_i·w + b + noise·N(0, 1), with w holding d weights. For each
 * example in turn it draws the d features, then the noise, so a seed fixes
 * every number. */
void dataset_fill_gaussian(Dataset *ds, const double *w, double b,
                           double noise, Rng *rng);

/* Fills ds with chapter 3's reference problem, in any size: Gaussian
 * features (dataset_fill_gaussian) and the targets of the true weights
 * 2, -1, 0.5, 3, -2 (repeating for d > 5) and bias 0.7, plus noise·N(0, 1).
 * Chapter 9 trains on it again in fp16 and bf16. Returns false when out of
 * memory (ds untouched). */
bool dataset_fill_reference(Dataset *ds, double noise, Rng *rng);

/* Writes the dataset as CSV: a header "x,y" (d = 1) or "x1,...,xd,y",
 * then one row per example with %.17g. */
void dataset_write_csv(const Dataset *ds, FILE *file);

/* Writes the dataset as CSV (as dataset_write_csv) to the file `path`
 * (--save-data), opened into `out` (lib/output.h) but not committed: the
 * caller commits it with the run's other files (output_commit_all), so
 * that a run that cannot write one of them leaves none, or discards it.
 * With path NULL, *out is left empty, and committing or discarding it does
 * nothing. Returns false, with a message on stderr that starts with
 * `program`, if the file cannot be opened. */
bool dataset_open_csv(const Dataset *ds, const char *program,
                      const char *path, Output *out);

#endif
