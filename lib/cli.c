/*
 * cli.c: parsing and validating command-line flags against a table.
 * See cli.h for the contract.
 */
#include "cli.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

/* The table's entry for the flag named by name's first len bytes, or
 * NULL. */
static Flag *find_flag(const Cli *cli, const char *name, size_t len)
{
    for (size_t i = 0; i < cli->flag_count; i++)
        if (strlen(cli->flags[i].name) == len &&
            strncmp(cli->flags[i].name, name, len) == 0)
            return &cli->flags[i];
    return NULL;
}

CliStatus cli_reject(const Cli *cli, const char *flag, const char *value,
                     const char *reason)
{
    const Flag *f = find_flag(cli, flag, strlen(flag));
    if (!value && f)
        value = f->text;
    char q[QUOTED_MAX];
    if (value)
        fprintf(stderr, "%s: --%s %s: %s (see --help)\n", cli->program,
                flag, quote_text(value, strlen(value), q), reason);
    else
        fprintf(stderr, "%s: --%s: %s (see --help)\n", cli->program, flag,
                reason);
    return CLI_BAD_INPUT;
}

/* A bound or default as a person reads it: %g's six digits when they give
 * the number back exactly (1e+07, 0.999), all its digits when they would
 * not (1073741824, not 1.07374e+09, which a value just above it matches). */
static const char *exact_text(double v, char buf[32])
{
    for (int digits = 6; digits <= 17; digits++) {
        snprintf(buf, 32, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return buf;
}

CliStatus cli_reject_against(const Cli *cli, const char *flag,
                             const char *relation, const char *other)
{
    const Flag *o = find_flag(cli, other, strlen(other));
    assert(o && (o->kind == FLAG_DOUBLE || o->kind == FLAG_COUNT));
    char why[160], number[32];
    if (o->kind == FLAG_DOUBLE)
        snprintf(why, sizeof why, "%s --%s %s", relation, other,
                 exact_text(*(const double *)o->value, number));
    else
        snprintf(why, sizeof why, "%s --%s %zu", relation, other,
                 *(const size_t *)o->value);
    return cli_reject(cli, flag, NULL, why);
}

/* How near its upper bound a given flag's value is, from 0 to 1; 0 for a
 * flag without one (a list, a file). */
static double share_of_bound(const Flag *f)
{
    if (f->kind == FLAG_COUNT && f->max > 0.0)
        return (double)*(const size_t *)f->value / f->max;
    if (f->kind == FLAG_DOUBLE && f->max > 0.0)
        return *(const double *)f->value / f->max;
    return 0.0;
}

/* `amount` with the fewest digits that still show it above `max` (so
 * 2.0001e10 is not printed as the bound 2e10 it exceeds). */
static const char *above_text(double amount, double max, char buf[32])
{
    for (int digits = 3; digits <= 17; digits++) {
        snprintf(buf, 32, "%.*g", digits, amount);
        if (strtod(buf, NULL) > max)
            break;
    }
    return buf;
}

CliStatus cli_check_work(const Cli *cli, const char *const *factors,
                         double amount, double max, const char *what)
{
    if (amount <= max)
        return CLI_RUN;
    const Flag *blamed = NULL, *last = NULL;
    for (size_t k = 0; factors[k]; k++) {
        last = find_flag(cli, factors[k], strlen(factors[k]));
        assert(last && "cli_check_work: a factor that is not a flag");
        if (last->given &&
            (!blamed || share_of_bound(last) > share_of_bound(blamed)))
            blamed = last;
    }
    assert(last && "cli_check_work: no factors");
    if (!blamed)
        blamed = last;
    /* "with --steps '1000', --d '20', " for the other factors given,
     * each once (a caller's count of runs may be --steps itself). */
    char others[300] = "";
    size_t used = 0;
    for (size_t k = 0; factors[k]; k++) {
        const Flag *f = find_flag(cli, factors[k], strlen(factors[k]));
        bool named_before = false;
        for (size_t j = 0; j < k; j++)
            named_before = named_before || strcmp(factors[j], factors[k]) == 0;
        if (f == blamed || !f->given || !f->text || named_before)
            continue;
        char q[QUOTED_MAX], item[QUOTED_MAX + 64];
        int n = snprintf(item, sizeof item, "%s--%s %s, ", used ? "" : "with ",
                         f->name, quote_text(f->text, strlen(f->text), q));
        if (n > 0 && used + (size_t)n < sizeof others) { /* else left out */
            memcpy(others + used, item, (size_t)n + 1);
            used += (size_t)n;
        }
    }
    char why[500], number[32], bound[32];
    snprintf(why, sizeof why, "%sasks for %s %s; at most %s", others,
             above_text(amount, max, number), what, exact_text(max, bound));
    return cli_reject(cli, blamed->name, NULL, why);
}

bool cli_start(Cli *cli, int argc, char **argv, int *exit_status)
{
    output_claim_standard_streams(); /* before any file is opened */
    switch (cli_parse(cli, argc, argv)) {
    case CLI_RUN: return true;
    case CLI_HELP_SHOWN: /* printed, unless stdout would not take it */
        *exit_status = EXIT_SUCCESS;
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "%s: --help: cannot write to stdout: %s\n",
                    cli->program, strerror(errno));
            *exit_status = EXIT_FAILURE;
        }
        return false;
    case CLI_BAD_INPUT: break;
    }
    *exit_status = EXIT_BAD_INPUT;
    return false;
}

size_t cli_choice_index(const char *const *choices, const char *name)
{
    size_t k = 0;
    while (choices[k] && strcmp(choices[k], name) != 0)
        k++;
    assert(choices[k] && "cli_choice_index: not one of the choices");
    return k;
}

Flag *cli_flag(Cli *cli, const char *name)
{
    Flag *f = find_flag(cli, name, strlen(name));
    assert(f && "cli_flag: no flag with that name in the table");
    return f;
}

bool cli_given(Cli *cli, const char *name)
{
    return cli_flag(cli, name)->given;
}

CliStatus cli_check_widths(Cli *cli, const char *name, size_t max_count)
{
    const DoubleList *list = cli_flag(cli, name)->value;
    if (list->count > max_count)
        return cli_reject(cli, name, NULL, "has too many layers");
    for (size_t l = 0; l < list->count; l++) {
        double v = list->values[l];
        if (!(v >= 1 && v <= 4096 && v == floor(v)))
            return cli_reject(cli, name, NULL,
                              "expected widths that are whole numbers from 1 "
                              "to 4096, such as 256,128");
    }
    return CLI_RUN;
}

/* ------------------------------------------------------------------ values */

/* strtod accepts "nan", "inf" and hex floats; the course accepts decimal
 * numbers only, so that a typo never becomes a silent nan. Returns NULL
 * for a number, or why the text is not one. */
static const char NOT_FINITE[] = "expected a finite number";

static const char *parse_finite(const char *text, double *out)
{
    /* strtod would also skip leading blanks, which the whole-number parser
     * refuses: one rule for both. */
    if (*text == '\0' || isspace((unsigned char)*text) ||
        strpbrk(text, "nNiIxX"))
        return NOT_FINITE;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (*end != '\0' || !isfinite(v) || (errno == ERANGE && fabs(v) >= 1.0))
        return NOT_FINITE;
    /* ERANGE also flags underflow. 1e-320 parses to a subnormal, a finite
     * number for the bounds to judge; 1e-400 parses to 0, which the text
     * does not say: taken as 0, it would be refused as out of (0, ...],
     * or accepted as a 0 the user never wrote (an --eps of 0 that later
     * divides by 0). */
    if (errno == ERANGE && v == 0.0)
        return "is too close to 0 for a double (the smallest above 0 is "
               "4.9e-324)";
    *out = v;
    return NULL;
}

/* A whole number in decimal digits. One too large for 64 bits comes back
 * as UINT64_MAX, so that the caller reports it as out of range. */
static bool parse_whole(const char *text, uint64_t *out)
{
    if (*text < '0' || *text > '9') /* strtoull would accept "-1" and " 1" */
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0')
        return false;
    *out = errno == ERANGE ? UINT64_MAX : (uint64_t)v;
    return true;
}

static const char *bounds_text(const Flag *f, char *buf, size_t size)
{
    char lo[32], hi[32];
    if (f->max >= HUGE_VAL)
        snprintf(buf, size, "must be %s %s", f->min_exclusive ? ">" : ">=",
                 exact_text(f->min, lo));
    else
        snprintf(buf, size, "must be in %c%s, %s%c",
                 f->min_exclusive ? '(' : '[', exact_text(f->min, lo),
                 exact_text(f->max, hi), f->max_exclusive ? ')' : ']');
    return buf;
}

static bool within_bounds(const Flag *f, double v)
{
    bool above_min = f->min_exclusive ? v > f->min : v >= f->min;
    bool below_max = f->max_exclusive ? v < f->max : v <= f->max;
    return above_min && below_max;
}

static CliStatus parse_list(const Cli *cli, const Flag *f, const char *text)
{
    DoubleList list = {0};
    const char *p = text;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char item[64];
        if (list.count == CLI_MAX_LIST)
            return cli_reject(cli, f->name, text,
                              "too many values: at most 8, comma-separated");
        if (len == 0 || len >= sizeof item)
            return cli_reject(cli, f->name, text,
                              f->whole ? "expected comma-separated whole "
                                         "numbers with no spaces, like 256,128"
                                       : "expected comma-separated numbers "
                                         "with no spaces, like 1.5,-2");
        memcpy(item, p, len);
        item[len] = '\0';
        const char *why_not = NULL;
        uint64_t whole;
        if (!f->whole)
            why_not = parse_finite(item, &list.values[list.count]);
        else if (parse_whole(item, &whole))
            list.values[list.count] = (double)whole;
        else
            why_not = "expected comma-separated whole numbers";
        list.count++;
        if (why_not)
            return cli_reject(cli, f->name, text,
                              why_not == NOT_FINITE
                                  ? "expected comma-separated finite numbers"
                                  : why_not);
        if (!comma)
            break;
        p = comma + 1;
    }
    *(DoubleList *)f->value = list;
    return CLI_RUN;
}

static CliStatus parse_value(const Cli *cli, Flag *f, const char *text)
{
    char why[96];
    const char *why_not;
    double d;
    uint64_t u;
    switch (f->kind) {
    case FLAG_DOUBLE:
        if ((why_not = parse_finite(text, &d)))
            return cli_reject(cli, f->name, text, why_not);
        if (!within_bounds(f, d))
            return cli_reject(cli, f->name, text,
                              bounds_text(f, why, sizeof why));
        *(double *)f->value = d;
        return CLI_RUN;
    case FLAG_COUNT:
        if (!parse_whole(text, &u))
            return cli_reject(cli, f->name, text, "expected a whole number");
        if (!within_bounds(f, (double)u) || u > SIZE_MAX)
            return cli_reject(cli, f->name, text,
                              bounds_text(f, why, sizeof why));
        *(size_t *)f->value = (size_t)u;
        return CLI_RUN;
    case FLAG_SEED:
        if (!parse_whole(text, &u) || (u == UINT64_MAX && errno == ERANGE))
            return cli_reject(cli, f->name, text,
                              "expected a whole number from 0 to 2^64-1");
        *(uint64_t *)f->value = u;
        return CLI_RUN;
    case FLAG_TEXT:
        if (*text == '\0')
            return cli_reject(cli, f->name, text, "expected a non-empty value");
        *(const char **)f->value = text;
        return CLI_RUN;
    case FLAG_CHOICE:
        for (const char *const *c = f->choices; *c; c++)
            if (strcmp(*c, text) == 0) {
                *(const char **)f->value = *c;
                return CLI_RUN;
            }
        return cli_reject(cli, f->name, text, "not one of the choices");
    case FLAG_LIST:
        return parse_list(cli, f, text);
    case FLAG_SWITCH:
        break;
    }
    return cli_reject(cli, f->name, text, "takes no value");
}

/* -------------------------------------------------------------------- help */

/* A count's largest value, which bounds how long a run may be and how
 * much it writes: "; at most 1e+07". */
static void print_count_bound(const Flag *f)
{
    char max[32];
    if (f->kind == FLAG_COUNT)
        printf("; at most %s", exact_text(f->max, max));
}

static void print_default(const Flag *f)
{
    char number[32];
    if (f->default_text) {
        printf(" (default: %s", f->default_text);
        print_count_bound(f);
        printf(")");
        return;
    }
    switch (f->kind) {
    case FLAG_DOUBLE:
        printf(" (default: %s)", exact_text(*(double *)f->value, number));
        break;
    case FLAG_COUNT:
        printf(" (default: %zu", *(size_t *)f->value);
        print_count_bound(f);
        printf(")");
        break;
    case FLAG_SEED:
        printf(" (default: %" PRIu64 ")", *(uint64_t *)f->value);
        break;
    case FLAG_TEXT:
    case FLAG_CHOICE: {
        const char *s = *(const char **)f->value;
        printf(" (default: %s)", s ? s : "none");
        break;
    }
    case FLAG_SWITCH: printf(" (default: off)"); break;
    case FLAG_LIST: {
        const DoubleList *l = f->value;
        printf(" (default: ");
        for (size_t i = 0; i < l->count; i++)
            printf("%s%s", i ? "," : "", exact_text(l->values[i], number));
        printf("%s)", l->count ? "" : "none");
        break;
    }
    }
}

/* True when the condition [cond, cond + len) is a bare name ("problem")
 * that needs no saying: the flag's own, or one that a NAME=a|b condition
 * of the same scope implies. */
static bool implied(const char *flag, const char *scope, const char *cond,
                    size_t len)
{
    if (cond[0] == '!' || memchr(cond, '=', len))
        return false;
    if (strlen(flag) == len && strncmp(flag, cond, len) == 0)
        return true;
    for (const char *c = scope; *c; c += strcspn(c, " "), c += *c == ' ')
        if (strncmp(c, cond, len) == 0 && c[len] == '=')
            return true;
    return false;
}

/* The scope in words: "task=a|b !data" prints " [only with --task a|b,
 * without --data]"; "task!=solve" prints " [not with --task solve]";
 * "problem" prints " [only with --problem]". */
static void print_scope(const char *flag, const char *scope)
{
    bool first = true;
    for (const char *c = scope; c && *c;) {
        size_t len = strcspn(c, " ");
        const char *op = memchr(c, '=', len);
        if (len == 0 || implied(flag, scope, c, len)) {
            c += len + (c[len] == ' ');
            continue;
        }
        printf(first ? " [" : ", ");
        first = false;
        if (!op && c[0] != '!')
            printf("only with --%.*s", (int)len, c);
        else if (!op)
            printf("without --%.*s", (int)len - 1, c + 1);
        else if (op[-1] == '!')
            printf("not with --%.*s %.*s", (int)(op - 1 - c), c,
                   (int)(c + len - op - 1), op + 1);
        else
            printf("only with --%.*s %.*s", (int)(op - c), c,
                   (int)(c + len - op - 1), op + 1);
        c += len + (c[len] == ' ');
    }
    if (!first)
        printf("]");
}

static void print_help(const Cli *cli)
{
    printf("%s\nFlags:\n", cli->usage);
    for (size_t i = 0; i < cli->flag_count; i++) {
        const Flag *f = &cli->flags[i];
        char left[40];
        const char *arg = f->kind == FLAG_SWITCH  ? ""
                          : f->kind == FLAG_LIST  ? " X,Y,..."
                          : f->kind == FLAG_TEXT  ? " FILE"
                          : f->kind == FLAG_CHOICE ? " NAME"
                                                   : " N";
        snprintf(left, sizeof left, "--%s%s", f->name, arg);
        printf("  %-22s %s", left, f->help);
        if (f->kind == FLAG_CHOICE) {
            printf(": ");
            for (const char *const *c = f->choices; *c; c++)
                printf("%s%s", c == f->choices ? "" : "|", *c);
        }
        print_default(f);
        print_scope(f->name, f->scope);
        printf("\n");
    }
    printf("  %-22s %s\n", "--help, -h", "print this help and exit");
}

/* ------------------------------------------------------------------- scope */

/* True when `value` is one of the '|'-separated names in [list, end). */
static bool one_of(const char *value, const char *list, const char *end)
{
    size_t len = strlen(value);
    for (const char *p = list; p < end;) {
        const char *bar = memchr(p, '|', (size_t)(end - p));
        const char *stop = bar ? bar : end;
        if ((size_t)(stop - p) == len && strncmp(p, value, len) == 0)
            return true;
        p = stop + 1;
    }
    return false;
}

/* Checks one condition of a scope, [cond, end), for flag f; on failure
 * prints the refusal and returns CLI_BAD_INPUT. */
static CliStatus check_condition(Cli *cli, const Flag *f, const char *cond,
                                 const char *end)
{
    char name[40], why[160];
    bool negated = cond[0] == '!';
    const char *op = memchr(cond, '=', (size_t)(end - cond));
    if (negated && !op) { /* "!data": only without --data */
        snprintf(name, sizeof name, "%.*s", (int)(end - cond - 1), cond + 1);
        if (!cli_flag(cli, name)->given)
            return CLI_RUN;
        snprintf(why, sizeof why, "does not apply with --%s", name);
        return cli_reject(cli, f->name, NULL, why);
    }
    if (!op) { /* "problem": only where --problem has a value */
        snprintf(name, sizeof name, "%.*s", (int)(end - cond), cond);
        const Flag *needed = cli_flag(cli, name);
        assert(needed->kind == FLAG_CHOICE || needed->kind == FLAG_TEXT);
        if (*(const char **)needed->value)
            return CLI_RUN;
        snprintf(why, sizeof why, "applies only with --%s", name);
        return cli_reject(cli, f->name, NULL, why);
    }
    bool not_equal = op && op > cond && op[-1] == '!';
    const char *name_end = not_equal ? op - 1 : op;
    assert(op && "a scope condition is NAME=a|b, NAME!=a|b, !NAME or NAME");
    snprintf(name, sizeof name, "%.*s", (int)(name_end - cond), cond);
    const Flag *selector = cli_flag(cli, name);
    assert(selector->kind == FLAG_CHOICE || selector->kind == FLAG_TEXT);
    const char *value = *(const char **)selector->value;
    bool listed = value && one_of(value, op + 1, end);
    if (listed != not_equal)
        return CLI_RUN;
    if (not_equal)
        snprintf(why, sizeof why, "does not apply to --%s %s", name, value);
    else
        snprintf(why, sizeof why, "applies only to --%s %.*s", name,
                 (int)(end - op - 1), op + 1);
    return cli_reject(cli, f->name, NULL, why);
}

/* Refuses the first given flag whose scope does not hold. */
static CliStatus check_scopes(Cli *cli)
{
    for (size_t i = 0; i < cli->flag_count; i++) {
        const Flag *f = &cli->flags[i];
        if (!f->given || !f->scope)
            continue;
        for (const char *c = f->scope; *c;) {
            const char *end = strchr(c, ' ');
            if (!end)
                end = c + strlen(c);
            if (end > c && check_condition(cli, f, c, end) != CLI_RUN)
                return CLI_BAD_INPUT;
            c = *end ? end + 1 : end;
        }
    }
    return CLI_RUN;
}

/* ------------------------------------------------------------------- parse */

/* What a file flag names: its value as given, or else its default; an
 * output whose default is standard output (--out, CLI_OUT_FLAG) names
 * "-", as it would if given so. */
static const char *file_named(const Flag *f)
{
    if (f->given)
        return f->text;
    if (f->writes && f->default_text && strcmp(f->default_text, "stdout") == 0)
        return "-";
    return f->kind == FLAG_TEXT && f->value ? *(const char *const *)f->value
                                            : NULL;
}

/* Two flags that write files (--out, --save-data) must not name the same
 * file, even one by default (--save-data - beside --out's standard
 * output): the second would overwrite the first without a word, or two
 * CSVs would run into one. Nor may one name a file the program reads
 * (--data), or a file in a folder it reads (--data-dir): the input would
 * be lost. */
static CliStatus check_outputs_differ(const Cli *cli)
{
    for (size_t i = 0; i < cli->flag_count; i++)
        for (size_t j = 0; j < cli->flag_count; j++) {
            const Flag *a = &cli->flags[i], *b = &cli->flags[j];
            if (!b->given || !b->writes || i == j)
                continue;
            const char *named = file_named(a);
            char reason[160];
            if (a->writes && (i < j || !a->given) &&
                output_same_file(named, b->text)) {
                if (strcmp(b->text, "-") == 0)
                    snprintf(reason, sizeof reason, "standard output, as "
                             "--%s%s: two CSVs would run into one; give one "
                             "of them a file", a->name,
                             a->given ? " is" : " is by default");
                else
                    snprintf(reason, sizeof reason, "the same file as --%s: "
                             "one would overwrite the other", a->name);
                return cli_reject(cli, b->name, b->text, reason);
            }
            if (a->reads && a->given && output_same_file(a->text, b->text)) {
                snprintf(reason, sizeof reason, "the same file as --%s: the "
                         "output would replace what is read", a->name);
                return cli_reject(cli, b->name, b->text, reason);
            }
            if (a->reads_folder && output_in_folder(b->text, named)) {
                snprintf(reason, sizeof reason, "a file in --%s's folder "
                         "(or one a name there links to): the output could "
                         "replace what is read; write it elsewhere", a->name);
                return cli_reject(cli, b->name, b->text, reason);
            }
        }
    return CLI_RUN;
}

/* Every file the program will write can be written (lib/output.c's
 * refusals, asked before anything is written: a run must not write one
 * file and then fail on the next). */
static CliStatus check_outputs_writable(const Cli *cli)
{
    for (size_t i = 0; i < cli->flag_count; i++) {
        const Flag *f = &cli->flags[i];
        const char *reason = f->writes && f->given ? output_unwritable(f->text) : NULL;
        if (reason)
            return cli_reject(cli, f->name, f->text, reason);
    }
    return CLI_RUN;
}

/* The value of the flag argv[i] when written "--flag VALUE": the next
 * argument, unless there is none or it is a flag itself ("--task --out f"
 * gives --task no value). */
static const char *next_value(int i, int argc, char **argv)
{
    if (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0)
        return argv[i + 1];
    return NULL;
}

/* --help (or -h) wherever a flag may stand, even after a bad flag; a
 * value is not a flag: "--out -h" writes a file named -h. */
static bool help_asked(Cli *cli, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
            return true;
        Flag *f = strncmp(arg, "--", 2) == 0 && !strchr(arg, '=')
                      ? find_flag(cli, arg + 2, strlen(arg + 2))
                      : NULL;
        if (f && f->kind != FLAG_SWITCH && next_value(i, argc, argv))
            i++;
    }
    return false;
}

CliStatus cli_parse(Cli *cli, int argc, char **argv)
{
    if (help_asked(cli, argc, argv)) {
        print_help(cli);
        return CLI_HELP_SHOWN;
    }
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0) {
            char q[QUOTED_MAX];
            fprintf(stderr, "%s: unexpected argument %s: flags start with "
                    "-- (see --help)\n", cli->program,
                    quote_text(arg, strlen(arg), q));
            return CLI_BAD_INPUT;
        }
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        Flag *f = find_flag(cli, name, len);
        if (!f) {
            char q[QUOTED_MAX];
            fprintf(stderr, "%s: unknown flag %s (see --help)\n",
                    cli->program, quote_text(arg, len + 2, q));
            return CLI_BAD_INPUT;
        }
        if (f->given)
            return cli_reject(cli, f->name, NULL, "given more than once");
        f->given = true;
        if (f->kind == FLAG_SWITCH) {
            if (eq)
                return cli_reject(cli, f->name, eq + 1, "takes no value");
            *(bool *)f->value = true;
            continue;
        }
        const char *value = eq ? eq + 1 : next_value(i, argc, argv);
        if (!value)
            return cli_reject(cli, f->name, NULL, "missing value");
        if (!eq)
            i++;
        f->text = value;
        if (parse_value(cli, f, value) != CLI_RUN)
            return CLI_BAD_INPUT;
    }
    if (check_outputs_differ(cli) != CLI_RUN || check_scopes(cli) != CLI_RUN)
        return CLI_BAD_INPUT;
    return check_outputs_writable(cli);
}
