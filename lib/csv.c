/*
 * csv.c: reading a dataset from CSV, line by line. See csv.h for the format.
 *
 * The reader never guesses: every line must have exactly as many cells as
 * the header, and every cell must be a finite decimal number. The first
 * thing that breaks a rule stops the reading with a message that says
 * where it is and what was expected, so the user can fix the file.
 */
#define _POSIX_C_SOURCE 200809L
#include "csv.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

/* How much of a bad cell or a column name a message quotes. */
enum { QUOTED_CHARS = 24 };

static bool fail(CsvError *err, size_t line, size_t column, const char *format,
                 ...)
{
    err->line = line;
    err->column = column;
    va_list args;
    va_start(args, format);
    vsnprintf(err->message, sizeof err->message, format, args);
    va_end(args);
    return false;
}

/* Copies text[0..len) for a message: at most QUOTED_CHARS characters,
 * anything unprintable shown as '?', "..." when cut short. */
static const char *quote(const char *text, size_t len, char *buf, size_t size)
{
    size_t shown = len < QUOTED_CHARS ? len : QUOTED_CHARS;
    size_t k = 0;
    for (size_t i = 0; i < shown && k + 4 < size; i++)
        buf[k++] = isprint((unsigned char)text[i]) ? text[i] : '?';
    if (shown < len && k + 4 < size)
        for (int i = 0; i < 3; i++)
            buf[k++] = '.';
    buf[k] = '\0';
    return buf;
}

/* ------------------------------------------------------------------- cells */

/* A cell is the text between two commas (or a comma and the line's end),
 * without the spaces around it: line[start..end). `at` is where the cell
 * begins, before any spaces, for messages about an empty cell. */
typedef struct {
    size_t at, start, end;
} Cell;

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_blank(const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!is_space(line[i]))
            return false;
    return true;
}

/* The cell that begins at `at`; *next is where the one after it begins, or
 * len + 1 when this was the line's last cell. */
static Cell cell_at(const char *line, size_t len, size_t at, size_t *next)
{
    const char *comma = memchr(line + at, ',', len - at);
    size_t stop = comma ? (size_t)(comma - line) : len;
    *next = stop + 1;
    Cell c = {at, at, stop};
    while (c.start < c.end && is_space(line[c.start]))
        c.start++;
    while (c.end > c.start && is_space(line[c.end - 1]))
        c.end--;
    return c;
}

static size_t skip_digits(const char *s, size_t i, size_t len)
{
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
}

/* True when s[0..len) is a decimal number: an optional sign, digits with an
 * optional point (at least one digit), and an optional exponent. */
static bool is_decimal(const char *s, size_t len)
{
    size_t i = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    size_t int_end = skip_digits(s, i, len);
    size_t digits = int_end - i;
    i = int_end;
    if (i < len && s[i] == '.') {
        size_t frac_end = skip_digits(s, i + 1, len);
        digits += frac_end - (i + 1);
        i = frac_end;
    }
    if (digits == 0)
        return false;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t exp_end = skip_digits(s, i, len);
        if (exp_end == i)
            return false;
        i = exp_end;
    }
    return i == len;
}

/* True for the ways C libraries spell a non-finite number: nan, inf,
 * infinity, in any case, with an optional sign or a nan's payload. */
static bool is_non_finite(const char *s, size_t len)
{
    if (len > 0 && (s[0] == '+' || s[0] == '-'))
        s++, len--;
    char word[9] = {0};
    for (size_t i = 0; i < len && i < 8; i++)
        word[i] = (char)tolower((unsigned char)s[i]);
    return (len == 3 && strcmp(word, "inf") == 0) ||
           (len == 8 && strcmp(word, "infinity") == 0) ||
           (len >= 3 && strncmp(word, "nan", 3) == 0 &&
            (len == 3 || s[3] == '('));
}

/* Converts the cell line[c.start..c.end), already known to be decimal.
 * Returns false when it is too large for a double. The line is ours (the
 * reader's buffer), so the cell is ended in place for strtod. */
static bool convert(char *line, Cell c, double *value)
{
    char saved = line[c.end];
    line[c.end] = '\0';
    errno = 0;
    *value = strtod(line + c.start, NULL);
    bool overflow = errno == ERANGE && isinf(*value);
    line[c.end] = saved;
    return !overflow;
}

/* ----------------------------------------------------------------- header */

typedef struct {
    char *text;   /* a copy of the header line */
    Cell *names;  /* one cell per column */
    size_t count; /* columns: the features, then the target */
} Header;

static void header_free(Header *h)
{
    free(h->text);
    free(h->names);
    *h = (Header){0};
}

/* "x2 (value 2 of 3)": how messages point at column k (from 0). */
static const char *describe(const Header *h, size_t k, char *buf, size_t size)
{
    char name[QUOTED_CHARS + 8];
    const Cell *c = &h->names[k];
    snprintf(buf, size, "%s (value %zu of %zu)",
             quote(h->text + c->start, c->end - c->start, name, sizeof name),
             k + 1, h->count);
    return buf;
}

static bool read_header(char *line, size_t len, size_t want_features,
                        Header *h, CsvError *err)
{
    static const char expected[] =
        "expected a header line naming the columns (such as x1,x2,y)";
    size_t count = 1;
    for (size_t i = 0; i < len; i++)
        count += line[i] == ',';
    if (is_blank(line, len))
        return fail(err, 1, 1, "%s, found an empty line", expected);
    h->text = malloc(len + 1);
    h->names = malloc(count * sizeof *h->names);
    if (!h->text || !h->names) {
        err->out_of_memory = true;
        return fail(err, 1, 1, "out of memory reading the header");
    }
    memcpy(h->text, line, len);
    h->text[len] = '\0';
    h->count = count;
    size_t numbers = 0;
    for (size_t k = 0, at = 0; k < count; k++) {
        Cell c = cell_at(line, len, at, &at);
        if (c.start == c.end)
            return fail(err, 1, c.at + 1,
                        "expected a name for column %zu, found an empty one",
                        k + 1);
        numbers += is_decimal(line + c.start, c.end - c.start);
        h->names[k] = c;
    }
    if (numbers == count)
        return fail(err, 1, 1,
                    "%s, found only numbers: the first line must be a "
                    "header, such as x,y",
                    expected);
    if (count < 2)
        return fail(err, 1, len + 1,
                    "expected at least two columns, the features and then "
                    "the target, found one");
    if (want_features && count != want_features + 1)
        return fail(err, 1, 1,
                    "expected %zu columns (%zu feature%s, then the target), "
                    "found %zu",
                    want_features + 1, want_features,
                    want_features == 1 ? "" : "s", count);
    return true;
}

/* ------------------------------------------------------------------- rows */

typedef struct {
    double *x, *y;
    size_t n, capacity, d;
} Rows;

static bool rows_push(Rows *r, const double *values)
{
    if (r->n == r->capacity) {
        size_t capacity = r->capacity ? 2 * r->capacity : 16;
        if (capacity > SIZE_MAX / sizeof(double) / r->d)
            return false;
        double *x = realloc(r->x, capacity * r->d * sizeof *x);
        if (!x)
            return false;
        r->x = x;
        double *y = realloc(r->y, capacity * sizeof *y);
        if (!y)
            return false;
        r->y = y;
        r->capacity = capacity;
    }
    memcpy(r->x + r->n * r->d, values, r->d * sizeof *values);
    r->y[r->n] = values[r->d];
    r->n++;
    return true;
}

/* Reads one data line into values[0..h->count). */
static bool read_row(char *line, size_t len, size_t number, const Header *h,
                     double *values, CsvError *err)
{
    char what[2 * QUOTED_CHARS + 32], found[QUOTED_CHARS + 8];
    size_t at = 0;
    for (size_t k = 0; k < h->count; k++) {
        if (at > len) {
            if (k + 1 == h->count)
                return fail(err, number, len + 1,
                            "expected %zu values, found %zu: the target "
                            "%s is missing",
                            h->count, k, describe(h, k, what, sizeof what));
            return fail(err, number, len + 1,
                        "expected %zu values as in the header, found %zu: "
                        "the row ends early",
                        h->count, k);
        }
        Cell c = cell_at(line, len, at, &at);
        const char *s = line + c.start;
        size_t n = c.end - c.start;
        if (n == 0)
            return fail(err, number, c.at + 1,
                        "expected a number for %s, found an empty cell",
                        describe(h, k, what, sizeof what));
        if (is_non_finite(s, n))
            return fail(err, number, c.start + 1,
                        "expected a finite number for %s, found '%s'",
                        describe(h, k, what, sizeof what),
                        quote(s, n, found, sizeof found));
        if (!is_decimal(s, n))
            return fail(err, number, c.start + 1,
                        "expected a number for %s, found '%s'",
                        describe(h, k, what, sizeof what),
                        quote(s, n, found, sizeof found));
        if (!convert(line, c, &values[k]))
            return fail(err, number, c.start + 1,
                        "expected a finite number for %s, found '%s', too "
                        "large for a double",
                        describe(h, k, what, sizeof what),
                        quote(s, n, found, sizeof found));
    }
    if (at <= len)
        return fail(err, number, at,
                    "expected %zu values as in the header, found more (an "
                    "extra comma here)",
                    h->count);
    return true;
}

/* ------------------------------------------------------------------ files */

/* One line, at most CSV_MAX_LINE bytes (csv.h). */
CsvLine csv_read_line(FILE *file, char **line, size_t *size, size_t *len)
{
    if (!*line) {
        *line = malloc(256);
        if (!*line)
            return LINE_NO_MEMORY;
        *size = 256;
    }
    size_t n = 0;
    int c;
    /* getc_unlocked: the stream is this thread's alone, and a lock per
     * byte would cost more than the parsing. */
    while ((c = getc_unlocked(file)) != EOF && c != '\n') {
        if (n + 1 >= *size) {
            if (*size >= CSV_MAX_LINE)
                return LINE_TOO_LONG;
            char *bigger = realloc(*line, 2 * *size);
            if (!bigger)
                return LINE_NO_MEMORY;
            *line = bigger, *size *= 2;
        }
        (*line)[n++] = (char)c;
    }
    if (c == EOF && ferror(file))
        return LINE_ERROR;
    if (c == EOF && n == 0)
        return LINE_END;
    (*line)[n] = '\0';
    *len = n;
    return LINE_READ;
}

bool csv_read_dataset_stream(FILE *file, size_t want_features, Dataset *ds,
                             CsvError *err)
{
    *ds = (Dataset){0};
    *err = (CsvError){0};
    char *line = NULL;
    size_t size = 0, number = 0;
    Header h = {0};
    Rows rows = {0};
    double *values = NULL;
    bool ok = false;
    for (;;) {
        errno = 0;
        size_t len = 0;
        CsvLine got = csv_read_line(file, &line, &size, &len);
        if (got == LINE_ERROR) {
            fail(err, number + 1, 1, "cannot read: %s", strerror(errno ? errno : EIO));
            break;
        }
        if (got == LINE_TOO_LONG) {
            fail(err, number + 1, 1, "expected a line of at most %d MiB, found a longer one "
                 "(is this a binary file?)", CSV_MAX_LINE >> 20);
            break;
        }
        if (got == LINE_NO_MEMORY) {
            err->out_of_memory = true;
            fail(err, number + 1, 1, "out of memory reading this line (after %zu rows)", rows.n);
            break;
        }
        if (got == LINE_END) {
            if (number == 0)
                fail(err, 1, 1,
                     "expected a header line naming the columns (such as "
                     "x1,x2,y), found an empty file");
            else if (rows.n == 0)
                fail(err, number + 1, 1,
                     "expected rows of numbers after the header, found the "
                     "end of the file");
            else
                ok = true;
            break;
        }
        number++;
        if (len > 0 && line[len - 1] == '\r')
            len--;
        const char *nul = memchr(line, '\0', len);
        if (nul) {
            fail(err, number, (size_t)(nul - line) + 1,
                 "expected text, found a NUL byte (is this a binary file?)");
            break;
        }
        if (number == 1) {
            if (!read_header(line, len, want_features, &h, err))
                break;
            rows.d = h.count - 1;
            values = malloc(h.count * sizeof *values);
            if (!values) {
                err->out_of_memory = true;
                fail(err, 1, 1, "out of memory reading the header");
                break;
            }
            continue;
        }
        if (is_blank(line, len))
            continue;
        if (!read_row(line, len, number, &h, values, err))
            break;
        if (!rows_push(&rows, values)) {
            err->out_of_memory = true;
            fail(err, number, 1, "out of memory after %zu rows", rows.n);
            break;
        }
    }
    free(line);
    free(values);
    header_free(&h);
    if (!ok) {
        free(rows.x);
        free(rows.y);
        return false;
    }
    *ds = (Dataset){.n = rows.n, .d = rows.d, .x = rows.x, .y = rows.y};
    return true;
}

bool csv_read_dataset(const char *path, size_t want_features, Dataset *ds,
                      CsvError *err)
{
    *ds = (Dataset){0};
    *err = (CsvError){0};
    FILE *file = fopen(path, "r");
    if (!file) {
        err->out_of_memory = errno == ENOMEM;
        return fail(err, 0, 0, "cannot open: %s", strerror(errno));
    }
    bool ok = csv_read_dataset_stream(file, want_features, ds, err);
    fclose(file);
    return ok;
}

void csv_print_error(FILE *out, const char *prefix, const char *path,
                     const CsvError *err)
{
    char e[QUOTED_MAX]; /* a newline in the name must not split the line */
    escape_text(path, strlen(path), e);
    if (err->line)
        fprintf(out, "%s%s:%zu:%zu: %s\n", prefix, e, err->line,
                err->column, err->message);
    else
        fprintf(out, "%s%s: %s\n", prefix, e, err->message);
}
