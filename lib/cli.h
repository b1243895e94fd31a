/*
 * cli.h: command-line flags for the chapter programs, declared as a table.
 *
 * Each program lists its flags once, with their kinds, bounds, defaults and
 * help text; this module parses argv against that table, validates every
 * value, and prints --help from the same table, so the help can never
 * disagree with what the parser accepts.
 *
 * The contract every chapter program keeps (README.md, "For instructors"):
 *   --help       prints every flag with its default, exit status 0;
 *   bad input    one line on stderr naming the flag and the value, a pointer
 *                to --help, exit status 2, nothing on stdout.
 * Flags are written `--name value` or `--name=value`; boolean flags take no
 * value.
 */
#ifndef CLI_H
#define CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { CLI_MAX_LIST = 8 };

typedef enum {
    FLAG_DOUBLE, /* double *:      a finite number within [min, max]       */
    FLAG_COUNT,  /* size_t *:      a whole number within [min, max]        */
    FLAG_SEED,   /* uint64_t *:    any whole number from 0 to 2^64 - 1     */
    FLAG_TEXT,   /* const char **: any non-empty text, such as a file name */
    FLAG_CHOICE, /* const char **: one of `choices`                        */
    FLAG_SWITCH, /* bool *:        set to true when present; takes no value */
    FLAG_LIST    /* DoubleList *:  comma-separated finite numbers          */
} FlagKind;

typedef struct {
    size_t count;
    double values[CLI_MAX_LIST];
} DoubleList;

typedef struct {
    const char *name;    /* without the dashes: "lr" for --lr */
    FlagKind kind;
    void *value;         /* where the parsed value goes; holds the default */
    const char *help;    /* one line; the default is printed after it */
    double min, max;     /* bounds for FLAG_DOUBLE and FLAG_COUNT, inclusive
                            unless the flag below says otherwise */
    bool min_exclusive;  /* for FLAG_DOUBLE: the value must exceed min */
    bool max_exclusive;  /* for FLAG_DOUBLE: the value must be below max */
    const char *const *choices; /* FLAG_CHOICE: NULL-terminated names */
    const char *default_text;   /* shown by --help when the stored default
                                   is not the whole story ("depends on
                                   --problem"); NULL prints the value */
    const char *scope;   /* where the flag applies, NULL for everywhere:
                            space-separated conditions that must all hold,
                              "task=train|gradcheck"  --task is one of these
                              "experiment!=none"      --experiment is not
                              "!data"                 --data was not given
                              "problem"               --problem has a value
                                                      (given, or a default)
                            (the named flags must be FLAG_CHOICE or
                            FLAG_TEXT). cli_parse refuses a flag given
                            outside its scope, and --help prints it: the
                            one place a program says where a flag
                            applies. */
    bool writes;         /* FLAG_TEXT naming a file the program writes:
                            cli_parse refuses two such flags that name the
                            same file (one would silently overwrite the
                            other) */
    bool reads;          /* FLAG_TEXT naming a file the program reads:
                            cli_parse refuses a `writes` flag naming it
                            (the output would replace the input) */
    bool reads_folder;   /* FLAG_TEXT naming a folder the program reads
                            (--data-dir): cli_parse refuses a `writes`
                            flag naming a file in it (an output could
                            replace a dataset file) */
    bool whole;          /* FLAG_LIST of counts (widths, sizes): each
                            item is written in digits, as a FLAG_COUNT
                            is, so 1e1 and 10.0 are refused alike */
    bool given;          /* set by cli_parse when the flag appears */
    const char *text;    /* set by cli_parse: the value as typed, or NULL */
} Flag;

typedef struct {
    const char *program;     /* name used in messages */
    const char *usage;       /* the first lines of --help: what the program
                                does, its problems' formulas */
    Flag *flags;
    size_t flag_count;
} Cli;

typedef enum { CLI_RUN, CLI_HELP_SHOWN, CLI_BAD_INPUT } CliStatus;

/* Parses argv[1..argc-1] into the table's value pointers. On --help, prints
 * the help to stdout and returns CLI_HELP_SHOWN; on bad input (including a
 * flag given outside its scope), prints one line to stderr and returns
 * CLI_BAD_INPUT; otherwise returns CLI_RUN. */
CliStatus cli_parse(Cli *cli, int argc, char **argv);

/* The table of a Cli: `.flags` and `.flag_count` from one array. */
#define CLI_TABLE(array) .flags = (array), .flag_count = sizeof(array) / sizeof *(array)

/* The --out entry every chapter program has: where the CSV goes. */
#define CLI_OUT_FLAG(where)                                                 \
    {.name = "out", .kind = FLAG_TEXT, .value = (where), .writes = true,    \
     .help = "write the CSV here instead of stdout", .default_text = "stdout"}

/* cli_parse for main(): true when the program should run; otherwise false
 * with *exit_status set to what main returns (0 after --help, 2 on bad
 * input): `if (!cli_start(&cli, argc, argv, &status)) return status;`
 * First, a closed stdin, stdout or stderr is claimed (lib/output.h's
 * output_claim_standard_streams), so that no file the program opens later
 * takes its place. */
bool cli_start(Cli *cli, int argc, char **argv, int *exit_status);

/* The flag named `name` (without dashes); it must exist in the table. */
Flag *cli_flag(Cli *cli, const char *name);

/* True when the flag appeared on the command line. */
bool cli_given(Cli *cli, const char *name);

/* The index of `name` in a FLAG_CHOICE's NULL-terminated `choices`, which
 * must hold it (the parser refused any other): the enum value of a choice
 * whose enum lists the names in the same order. */
size_t cli_choice_index(const char *const *choices, const char *name);

/* Reports a value that parsed but is wrong in combination with others, in
 * the same one-line format as the parser. With value NULL, the value the
 * user typed for that flag is quoted (if it took one). Returns
 * CLI_BAD_INPUT, so callers can write `return cli_reject(...)` and map it to
 * exit status 2. */
CliStatus cli_reject(const Cli *cli, const char *flag, const char *value,
                     const char *reason);

/* cli_reject for a flag that is wrong against another FLAG_DOUBLE or
 * FLAG_COUNT flag, quoting the other's value too, given or default:
 * "--batch-size '11': must not exceed --n 10". */
CliStatus cli_reject_against(const Cli *cli, const char *flag,
                             const char *relation, const char *other);

/* Refuses a run that would do more than `max` units of work: `amount` of
 * them, named by `what` ("point visits (three passes over the points a
 * step)"). `factors` (NULL-terminated) are the flags whose product the
 * amount is. The message names the one the user gave nearest its own
 * upper bound (the likeliest slip of a digit) and quotes the others given:
 * "--n '10000000': with --steps '1000', asks for 1.1e+11 numbers read
 * (...); at most 5e+10". With none given, it names the last factor. Each
 * program sets its `max` at a few minutes of work on the machine the
 * course is tested on (under an hour for chapter 8's real network), so
 * that a digit too many is an error at once, not a run of days or a full
 * disk. Returns CLI_RUN or, after the one-line message, CLI_BAD_INPUT. */
CliStatus cli_check_work(const Cli *cli, const char *const *factors,
                         double amount, double max, const char *what);

/* Refuses the FLAG_LIST flag `name` when it lists more than max_count
 * layer widths or one that is not a whole number from 1 to 4096 (--hidden
 * of chapters 8 and 10). Returns CLI_RUN or, after the message,
 * CLI_BAD_INPUT. */
CliStatus cli_check_widths(Cli *cli, const char *name, size_t max_count);

/* The exit status for bad input, per the course's contract. */
enum { EXIT_BAD_INPUT = 2 };

#endif
