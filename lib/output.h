/*
 * output.h: where a chapter program's columns go, written safely.
 *
 * A program writes to stdout, or to a file given by --out. A file is written
 * atomically: the rows go to a temporary file beside it, which is renamed over
 * the target only when the run has finished. An interrupted run, a crash or a
 * bad flag therefore never leaves a truncated data file behind, and a figure
 * can never be drawn from half a run.
 *
 * Numbers that a reader or gnuplot reads back are printed with %.17g, which
 * is enough digits to give back the very same double.
 */
#ifndef OUTPUT_H
#define OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

typedef struct {
    FILE *file;       /* write rows here */
    char *final_path; /* NULL when writing to stdout */
    char *temp_path;
} Output;

/* Opens `path` for an atomic write, or stdout when path is NULL or "-".
 * Returns false, with a message on stderr naming the path, on failure. */
bool output_open(Output *out, const char *program, const char *path);

/* Flushes and closes the output and, for a file, renames it into place.
 * Returns false, with a message on stderr, if anything failed; the target is
 * then left as it was. */
bool output_commit(Output *out, const char *program);

/* Abandons the output: the temporary file is removed, the target untouched. */
void output_discard(Output *out);

/* Writes a header line of comma-separated column names. */
void output_header(FILE *file, const char *const *names, size_t count);

/* Writes one row: an integer index (such as the step) and then `count`
 * numbers, comma-separated, each with %.17g. */
void output_row(FILE *file, size_t index, const double *values, size_t count);

/* Writes one row of numbers only, comma-separated, each with %.17g. */
void output_numbers(FILE *file, const double *values, size_t count);

#endif
