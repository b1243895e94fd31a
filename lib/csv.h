/*
 * csv.h: reading a dataset from a CSV file, with errors a person can act on.
 *
 * The format is the one dataset_write_csv (dataset.h) writes, so a dataset
 * saved by one run can be trained on by another:
 *
 *     x1,x2,y                  a header line: a name for every column
 *     0.5,-1.25,3              one line per example: the features,
 *     1e-3,2,-0.5              then the target, all decimal numbers
 *
 * Cells are separated by commas and may have spaces around them; lines end
 * with \n or \r\n; blank lines are skipped. Numbers are written in decimal
 * (an optional sign, digits with an optional point, an optional exponent):
 * nan, inf, hex floats and anything else are refused, because a dataset with
 * a hole in it must not train quietly into a nan.
 *
 * When a file is not like that, the reader says where (line and column, both
 * counting from 1, the column in bytes) and what it expected there, in one
 * line, such as
 *
 *     data.csv:3:7: expected a number for x2 (value 2 of 3), found 'abc'
 */
#ifndef CSV_H
#define CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dataset.h"

typedef struct {
    size_t line, column; /* where the problem is; 0, 0 when it concerns the
                            whole file (it cannot be opened, say) */
    char message[256];   /* what was expected there, and what was found */
    bool out_of_memory;  /* memory ran out: the file may be fine, so the
                            caller must not call it bad input */
} CsvError;

/* The longest line the reader accepts: 16 MiB, a million numbers or so.
 * Anything longer is refused rather than read into memory whole (a binary
 * file with no newline would otherwise be one line as large as the file). */
enum { CSV_MAX_LINE = 16 << 20 };

typedef enum { LINE_READ, LINE_END, LINE_ERROR, LINE_TOO_LONG, LINE_NO_MEMORY } CsvLine;

/* Reads one line of `file`, without its '\n', into *line (allocated and
 * grown as needed, never past CSV_MAX_LINE bytes; free it when done) and
 * its length into *len. LINE_END only at the true end of the file; a failed
 * read is LINE_ERROR, with errno set. The CSV reader's, and any program's
 * that reads lines of input (chapter 9's numbers on stdin). */
CsvLine csv_read_line(FILE *file, char **line, size_t *size, size_t *len);

/* Reads the CSV file at `path` into ds, which it allocates (free it with
 * dataset_free). With want_features = 0, any number of feature columns
 * (at least one) is accepted; otherwise exactly that many. Returns true on
 * success. On failure ds is left empty and err says what went wrong. */
bool csv_read_dataset(const char *path, size_t want_features, Dataset *ds,
                      CsvError *err);

/* The same, from a stream that is already open (the caller closes it). */
bool csv_read_dataset_stream(FILE *file, size_t want_features, Dataset *ds,
                             CsvError *err);

/* Prints one line to `out`: "<prefix>path:line:column: message", or
 * "<prefix>path: message" when the error has no position. */
void csv_print_error(FILE *out, const char *prefix, const char *path,
                     const CsvError *err);

#endif
