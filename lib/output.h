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
    const char *flag; /* the flag that named the file ("--out"), for messages */
    char *final_path; /* the file an atomic write replaces; NULL otherwise */
    char *temp_path;
    const char *through_path; /* a FIFO or device written directly, or NULL */
} Output;

/* Opens `path`, given by the flag `flag` ("--out"), or stdout when path is
 * NULL or "-". A regular file (or one not there yet) is written
 * atomically, as above; a symbolic link is followed, and its target
 * replaced the same way; a FIFO or a character device (/dev/null, a
 * terminal) is written directly, since it cannot be replaced; a directory
 * or anything else is refused, and so is a file the user may not write
 * (read-only, or another user's), which the rename would replace. Before
 * writing, temporary files of the same target left by runs that were
 * killed (TARGET.tmp-PID-XXXXXX, PID no longer running) are removed.
 * Returns false, with one line on stderr naming the flag and the path, on
 * failure. */
bool output_open(Output *out, const char *program, const char *flag,
                 const char *path);

/* Why `path` could not be written (output_open's refusals: a directory, a
 * file the user may not write, a folder that is not there or not
 * writable, a link to nothing that can be reached), or NULL when it can.
 * The command line checks every file a program will write with it before
 * anything is written, so that a bad --out never leaves a --save-data file
 * behind. */
const char *output_unwritable(const char *path);

/* Flushes and closes the output and, for an atomic write, renames it into
 * place. Returns false, with one line on stderr naming the flag, the path
 * and the reason ("No space left on device"), if anything failed; an
 * atomically written target is then left as it was. */
bool output_commit(Output *out, const char *program);

/* Commits a run's outputs, outs[0..count-1] (NULL entries, outputs not
 * asked for, are skipped): each is flushed first, and only when all were
 * written whole are they committed, in order; once one fails, the rest
 * are discarded instead. A run that could not write one of its files
 * leaves none of the others behind. Returns whether all were committed. */
bool output_commit_all(Output *const *outs, size_t count, const char *program);

/* Makes sure that standard input, output and error are open, before the
 * program opens any file. One left closed by whoever started the program
 * (`prog 2>&-`) would be the number the next file opened gets: messages
 * meant for stderr, or a second output meant for stdout, would be written
 * into an output file. Each closed one is opened on /dev/null the wrong
 * way round (stdin for writing, stdout and stderr for reading), so that
 * using it still fails: data sent to a closed stdout is an error, as it
 * was. lib/cli.c's cli_start calls it first. */
void output_claim_standard_streams(void);

/* Says in one line that standard output could not be written, and why
 * ("No space left on device"): output_commit's words for stdout, and
 * lib/mpirun.c's, which copies the ranks' output to it. */
void output_stdout_failed(const char *program, const char *why);

/* True when the paths a and b name the same file (a link: its target),
 * existing or not: two outputs must never write over each other. */
bool output_same_file(const char *a, const char *b);

/* True when the output path would put its file in the folder `folder`
 * (a link: where its target is): an output among the files a program
 * reads could replace one. */
bool output_in_folder(const char *path, const char *folder);

/* Abandons the output: the temporary file is removed, the target untouched. */
void output_discard(Output *out);

/* Writes a header line of comma-separated column names. */
void output_header(FILE *file, const char *const *names, size_t count);

/* v, or when v is a NaN, a NaN without its sign bit. printf writes a
 * NaN whose sign bit is set as "-nan", and whether a computation's NaN
 * has it depends on the instructions the compiler chose (gcc -O3 turned a
 * lesson's "nan" into "-nan"). A NaN's sign means nothing, so the course
 * prints none: pass any number that may be NaN through this before %g. */
double output_plain_nan(double v);

/* Writes one row: an integer index (such as the step) and then `count`
 * numbers, comma-separated, each with %.17g (a NaN as "nan"). */
void output_row(FILE *file, size_t index, const double *values, size_t count);

/* Writes one row of numbers only, comma-separated, each with %.17g (a
 * NaN as "nan"). */
void output_numbers(FILE *file, const double *values, size_t count);

/* Room for quote_text's result: a path of PATH_MAX bytes fits whole. */
#define QUOTED_MAX 4200

/* `text` (its first `length` bytes) between single quotes, for a one-line
 * message, written to buf (QUOTED_MAX bytes) and returned. A file name or
 * a flag's value may hold a newline or another control character: each
 * is written as an escape (\n, \t, \xNN), so that the message stays one
 * line and shows what was typed. Text too long for buf ends in "...". */
const char *quote_text(const char *text, size_t length, char *buf);

/* quote_text without the quotes, for a name followed by more of itself
 * ("FILE:LINE:COLUMN", as compilers print it). */
const char *escape_text(const char *text, size_t length, char *buf);

#endif
