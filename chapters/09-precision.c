/*
 * 09-precision.c: Chapter 9, mixed precision (build/bin/precision).
 *
 * The number formats of mixed-precision training, computed with chapter
 * 9's conversions (solutions/09-precision.c, or yours under `make try
 * CH=09`):
 *   precision --task round --format fp16|bf16 < numbers   each rounded
 *   precision --task formats                              each format's facts
 *   precision --task spacing                              the gap between
 *                                                         neighbours, by size
 *
 * Build and run (make builds it, linking chapter 9's solution):
 *   make build/bin/09-precision
 *   printf '1\n65519.99\n65520\n1e-8\n' | build/bin/precision --task round --format fp16
 *   build/bin/precision --help
 */
#define _POSIX_C_SOURCE 200809L /* getline */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "09-precision.h"
#include "bits.h"
#include "cli.h"
#include "output.h"

/* "09-precision": set by the build, from this file's name. */
static const char program[] = PROGRAM_NAME;

/* ============================================================ formats */

/* A binary floating-point format: its fields, and the value of a bit
 * pattern and the pattern nearest to a double, both by the chapter's own
 * conversions for fp16 and bf16 (and by C's for float and double). */
typedef struct {
    const char *name;
    unsigned bits, exponent_bits, mantissa_bits;
    double (*value)(uint64_t pattern);
    uint64_t (*nearest)(double x);
} Format;

static double fp16_value(uint64_t p) { return fp16_to_float((uint16_t)p); }
static uint64_t fp16_nearest(double x) { return fp16_from_double(x); }
static double bf16_value(uint64_t p) { return bf16_to_float((uint16_t)p); }
static uint64_t bf16_nearest(double x) { return bf16_from_double(x); }

static double fp32_value(uint64_t p) { return float_from_bits((uint32_t)p); }
/* The hardware's rounding to float, once. */
static uint64_t fp32_nearest(double x) { return float_bits((float)x); }
static double fp64_value(uint64_t p) { return double_from_bits(p); }
static uint64_t fp64_nearest(double x) { return double_bits(x); }

static const Format FORMATS[] = {
    {"fp16", 16, 5, 10, fp16_value, fp16_nearest},
    {"bf16", 16, 8, 7, bf16_value, bf16_nearest},
    {"fp32", 32, 8, 23, fp32_value, fp32_nearest},
    {"fp64", 64, 11, 52, fp64_value, fp64_nearest},
};
enum { FORMAT_COUNT = sizeof FORMATS / sizeof *FORMATS };

//> landmarks
/* The bit patterns of the landmarks: the largest finite number (exponent
 * field all ones but the last, mantissa all ones), the smallest normal one
 * (exponent field 1) and the smallest subnormal one (the last bit). */
static double largest(const Format *f)
{
    uint64_t top_exponent = (UINT64_C(1) << f->exponent_bits) - 2;
    uint64_t mantissa = (UINT64_C(1) << f->mantissa_bits) - 1;
    return f->value(top_exponent << f->mantissa_bits | mantissa);
}

static double smallest_normal(const Format *f)
{
    return f->value(UINT64_C(1) << f->mantissa_bits);
}

static double smallest_subnormal(const Format *f) { return f->value(1); }

/* The gap between neighbours near x > 0, inside x's binade (all gaps in
 * [2^e, 2^(e+1)) are equal): from the largest value <= x to the next one
 * up, or down to the one before when x's neighbour is the binade's last
 * value (65504 in fp16 has inf above it). */
static double spacing_near(const Format *f, double x)
{
    uint64_t p = f->nearest(x);
    if (f->value(p) > x)
        p -= 1;
    uint64_t mantissa_mask = (UINT64_C(1) << f->mantissa_bits) - 1;
    if ((p & mantissa_mask) == mantissa_mask)
        return f->value(p) - f->value(p - 1);
    return f->value(p + 1) - f->value(p);
}
//< landmarks

static void print_formats(FILE *out)
{
    fputs("format,bits,exponent_bits,mantissa_bits,largest,smallest_normal,"
          "smallest_subnormal,epsilon,spacing_near_1,spacing_near_1e-4,"
          "spacing_near_65504\n", out);
    for (size_t i = 0; i < FORMAT_COUNT; i++) {
        const Format *f = &FORMATS[i];
        /* machine epsilon: from 1 to the next value up */
        double epsilon = f->value(f->nearest(1.0) + 1) - 1.0;
        fprintf(out, "%s,%u,%u,%u,", f->name, f->bits, f->exponent_bits,
                f->mantissa_bits);
        output_numbers(out,
                       (const double[]){largest(f), smallest_normal(f),
                                        smallest_subnormal(f), epsilon,
                                        spacing_near(f, 1.0),
                                        spacing_near(f, 1e-4),
                                        spacing_near(f, 65504.0)},
                       7);
    }
}

/* magnitude,fp16,bf16,fp32,fp64: the spacing near 10^(k/20), from 1e-45 to
 * 1e39, nan outside a format's range (below its smallest subnormal, above
 * its largest number). */
static void print_spacing(FILE *out)
{
    fputs("magnitude", out);
    for (size_t i = 0; i < FORMAT_COUNT; i++)
        fprintf(out, ",%s", FORMATS[i].name);
    fputc('\n', out);
    for (int k = -900; k <= 780; k++) {
        double x = pow(10.0, k / 20.0);
        double row[1 + FORMAT_COUNT] = {x};
        for (size_t i = 0; i < FORMAT_COUNT; i++) {
            const Format *f = &FORMATS[i];
            bool inside = x >= smallest_subnormal(f) && x <= largest(f);
            row[1 + i] = inside ? spacing_near(f, x) : NAN;
        }
        output_numbers(out, row, 1 + FORMAT_COUNT);
    }
}

/* ============================================================ rounding */

/* The numbers on stdin, one a line, all read before anything is printed:
 * a bad line anywhere refuses the whole input, and nothing is printed. */
typedef struct {
    double *values;
    size_t count, capacity;
} Numbers;

/* Reads every line of `in` into *n. A line is a number as strtod reads it
 * (decimal, hexadecimal, inf, nan), with spaces, tabs or a carriage
 * return around it allowed. On a bad line: one message naming the line
 * and what it holds, and false (*status 2); out of memory, status 1. */
static bool read_numbers(FILE *in, Numbers *n, int *status)
{
    char *line = NULL;
    size_t size = 0;
    ssize_t length;
    size_t number = 0;
    *status = EXIT_BAD_INPUT;
    while ((length = getline(&line, &size, in)) != -1) {
        number++;
        while (length > 0 && strchr(" \t\r\n", line[length - 1]))
            line[--length] = '\0';
        char *start = line + strspn(line, " \t");
        char *end;
        double x = strtod(start, &end);
        /* a NUL inside the line would hide what follows it from strtod */
        bool whole = strlen(line) == (size_t)length;
        if (end == start || *end != '\0' || !whole) {
            fprintf(stderr, "%s: stdin line %zu: '%.40s' is not a number "
                    "(one decimal number a line; see --help)\n", program,
                    number, start);
            free(line);
            return false;
        }
        if (n->count == n->capacity) {
            size_t grown = n->capacity ? 2 * n->capacity : 1024;
            double *v = realloc(n->values, grown * sizeof *v);
            if (!v) {
                fprintf(stderr, "%s: out of memory at stdin line %zu\n",
                        program, number);
                free(line);
                *status = EXIT_FAILURE;
                return false;
            }
            n->values = v;
            n->capacity = grown;
        }
        n->values[n->count++] = x;
    }
    free(line);
    if (ferror(in)) {
        fprintf(stderr, "%s: cannot read stdin\n", program);
        *status = EXIT_FAILURE;
        return false;
    }
    return true;
}

//> round-task
/* Each number rounded to the format and printed back as a double: once,
 * straight from the double (the course's rounding), or through a float
 * first, as PyTorch 1.13's .to() does from a float64 tensor. */
static double round_to(const char *format, double x, bool via_float32)
{
    bool fp16 = strcmp(format, "fp16") == 0;
    if (via_float32) {
        float f = (float)x;
        return fp16 ? fp16_to_float(fp16_from_float(f))
                    : bf16_to_float(bf16_from_float(f));
    }
    return fp16 ? fp16_to_float(fp16_from_double(x))
                : bf16_to_float(bf16_from_double(x));
}
//< round-task

static void print_rounded(const Numbers *n, const char *format,
                          bool via_float32, FILE *out)
{
    for (size_t i = 0; i < n->count; i++) {
        double r = round_to(format, n->values[i], via_float32);
        if (isnan(r))
            fputs("nan\n", out); /* printf would say -nan for some */
        else
            fprintf(out, "%.17g\n", r);
    }
}

/* ==================================================================== main */

static const char usage[] =
    PROGRAM_NAME ": chapter 9, mixed precision: the formats fp16 and bf16,\n"
    "rounded to exactly (to nearest, ties to even, subnormals, overflow to\n"
    "inf, nan kept) by chapter 9's conversions.\n"
    "\n"
    "Tasks:\n"
    "  round     reads numbers from stdin, one a line, and prints each\n"
    "            rounded to --format, with %.17g (inf, -inf and nan as\n"
    "            such), in order. The number read is the nearest double,\n"
    "            rounded once to the format (--via-float32: to a float\n"
    "            first, as PyTorch 1.13 does from float64). A line that is\n"
    "            not a number refuses the whole input: one message naming\n"
    "            the line, exit status 2, nothing printed.\n"
    "  formats   fp16, bf16, fp32, fp64: bits, exponent and mantissa bits,\n"
    "            largest finite, smallest normal and subnormal numbers,\n"
    "            machine epsilon (the gap from 1 to the next number up),\n"
    "            and the gap between neighbours near 1, 1e-4 and 65504\n"
    "            (2^(floor(log2 x) - mantissa bits), not below the\n"
    "            subnormals' gap)\n"
    "  spacing   magnitude,fp16,bf16,fp32,fp64: the gap near 10^(k/20) from\n"
    "            1e-45 to 1e39, nan outside each format's range\n"
    "Exit status: 0 done; 1 a file could not be written; 2 bad input.";

static const char *const task_names[] = {"round", "formats", "spacing", NULL};
static const char *const format_names[] = {"fp16", "bf16", NULL};

int main(int argc, char **argv)
{
    const char *task = "formats", *format = "fp16", *out_path = NULL;
    bool via_float32 = false;
    Flag flags[] = {
        {.name = "task", .kind = FLAG_CHOICE, .value = &task,
         .help = "what to print", .choices = task_names},
        {.name = "format", .kind = FLAG_CHOICE, .value = &format,
         .help = "the format to round to", .choices = format_names,
         .scope = "task=round"},
        {.name = "via-float32", .kind = FLAG_SWITCH, .value = &via_float32,
         .help = "round to a float first (double rounding, as PyTorch 1.13 "
                 "from float64)", .scope = "task=round"},
        CLI_OUT_FLAG(&out_path),
    };
    Cli cli = {.program = program, .usage = usage, CLI_TABLE(flags)};
    int status;
    if (!cli_start(&cli, argc, argv, &status))
        return status;

    Numbers numbers = {NULL, 0, 0};
    bool rounding = strcmp(task, "round") == 0;
    if (rounding && !read_numbers(stdin, &numbers, &status)) {
        free(numbers.values);
        return status;
    }
    Output out;
    if (!output_open(&out, program, "--out", out_path)) {
        free(numbers.values);
        return EXIT_FAILURE;
    }
    if (rounding)
        print_rounded(&numbers, format, via_float32, out.file);
    else if (strcmp(task, "formats") == 0)
        print_formats(out.file);
    else
        print_spacing(out.file);
    free(numbers.values);
    return output_commit(&out, program) ? EXIT_SUCCESS : EXIT_FAILURE;
}
