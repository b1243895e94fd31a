#!/bin/sh
# run-experiments.sh DATA-DIR RUNS-FILE...
#
# Runs every experiment listed in each RUNS-FILE and writes each one's CSV
# to DATA-DIR/NAME.csv. chapters/X.runs is run by its program build/bin/X
# (chapters/06-nonconvexity.xor.runs by build/bin/06-nonconvexity.xor), so
# a chapter with several programs keeps all its data in one folder. A runs
# file has one experiment per line, a name and then the program's flags:
#     parabola-lr0.1   --problem parabola --lr 0.1
# Blank lines and lines starting with # are ignored. The program runs inside
# DATA-DIR, so a flag like --save-data points.csv lands beside the others.
# DATA-DIR/.done is touched when every experiment succeeded.
# BIN_DIR (default build/bin) is where the programs are: make try points it
# at the programs built from your own exercises, and sets PRINTED=1, which
# sends everything an experiment prints (a student's printf, the program's
# own messages on standard error, a crash's "Segmentation fault") to
# DATA-DIR/NAME.printed instead of the terminal, where side-by-side runs
# would interleave it; a run that fails also leaves DATA-DIR/NAME.failed.
# There each run also has a time limit: a student's loop that never ends
# is stopped, and its NAME.printed says so, where make try sat silent
# until Ctrl-C. The limit is TRY_TIME_LIMIT seconds when it is set, for
# every run; otherwise 300 s, or what the runs file gives a run that a
# correct but slow student's code takes longer over, in a line
#     # try: NAME may run SECONDS s: WHY
#
# The experiments run side by side: each becomes a target of a small
# makefile (DATA-DIR/.experiments.mk) that make runs with the jobs of the
# make that called this script (the Makefile's recipe names $(MAKE), so its
# job slots are shared, never added to). An experiment that reads a file
# another one writes (--data points.csv after --save-data points.csv)
# waits for it: a flag's value that is another experiment's output is a
# prerequisite.
set -eu
dir=$1
shift
bindir=$(cd "${BIN_DIR:-build/bin}" && pwd)

# One run into a folder at a time: make and make try started together each
# emptied the folder the other was writing in ("getcwd() failed", a run
# that failed for no fault of its own). The second waits, then runs.
if command -v flock >/dev/null 2>&1; then
    mkdir -p "$(dirname "$dir")"
    exec 7>"$dir.lock"
    flock 7
fi
rm -rf "$dir"
mkdir -p "$dir"
rules=$dir/.experiments.mk
# PRINTED=1: standard output is written line by line (stdbuf, where there
# is one), so that it keeps its order with standard error in NAME.printed
# and the lines printed just before a crash are not lost in a buffer.
printed=${PRINTED:-0} linebuf="" limit=${TRY_TIME_LIMIT:-}
[ "$printed" = 1 ] && command -v stdbuf >/dev/null 2>&1 && linebuf="stdbuf -oL "
for runs in "$@"; do
    printf '%s\t%s\n' "$bindir/$(basename "$runs" .runs)" "$runs"
done | awk -F '\t' -v printed="$printed" -v linebuf="$linebuf" -v limit="$limit" '
    # A path (or a message) as one word of a make recipe, whatever folder
    # the course is in ("/home/ann/my course"): quoted for the shell, each quote in it
    # written as the four characters quote, backslash, quote, quote, and
    # each $ doubled for make.
    function recipe_word(path,    out, i, c) {
        out = ""
        for (i = 1; i <= length(path); i++) {
            c = substr(path, i, 1)
            out = out (c == "\047" ? "\047\\\047\047" : c == "$" ? "$$" : c)
        }
        return "\047" out "\047"
    }
    # Each runs file (a tab after its program: a path may hold spaces),
    # its program, then its experiments.
    {
        program = $1; runs = $2
        while ((got = getline line < runs) > 0) {
            split(line, word, /[ \t]+/)
            if (line ~ /^# try: [^ \t]+ may run [0-9]+ s:/) may_run[word[3]] = word[6]
            if (word[1] == "" || word[1] ~ /^#/) continue
            n++
            name[n] = word[1]; prog[n] = program; file[n] = runs
            args[n] = line; sub(/^[^ \t]+[ \t]*/, "", args[n])
            made[word[1] ".csv"] = word[1]
            # What else it writes: the value after a flag that names a file.
            m = split(args[n], a, /[ \t]+/)
            for (i = 1; i < m; i++)
                if (a[i] ~ /^--(save-data|suggestion|test)$/) made[a[i + 1]] = word[1]
        }
        if (got < 0) {
            printf "run-experiments: cannot read %s\n", runs > "/dev/stderr"
            unreadable = 1
            exit 2
        }
        close(runs)
    }
    END {
        if (unreadable) exit 2
        printf "all:"
        for (k = 1; k <= n; k++) printf " %s.csv", name[k]
        printf "\n.PHONY: all\n"
        for (k = 1; k <= n; k++) {
            printf "%s.csv:", name[k]
            m = split(args[k], a, /[ \t]+/)
            for (i = 1; i <= m; i++)
                if ((a[i] in made) && made[a[i]] != name[k]) printf " %s.csv", made[a[i]]
            logs = printed == 1 ? " >" name[k] ".printed 2>&1" : ""
            mark = printed == 1 ? " : >" name[k] ".failed;" : ""
            # (timeout says 124 when it stopped the run, 137 when the run
            # ignored TERM and KILL followed 5 s later. --foreground keeps
            # the run in make'"'"'s process group, where Ctrl-C reaches it:
            # in a group of its own it ran on to the limit.)
            seconds = limit != "" ? limit : name[k] in may_run ? may_run[name[k]] : 300
            limited = printed == 1 ? "timeout --foreground -k 5 " seconds " " : ""
            stopped = printed == 1 ? sprintf(" case $$? in 124|137) echo %s >>%s.printed;; esac;", recipe_word("stopped after " seconds " s, still running: a loop that never ends? (make try TRY_TIME_LIMIT=SECONDS gives each run longer)"), name[k]) : ""
            failed = sprintf("run-experiments: %s: \047%s\047 failed: %s %s", file[k], name[k], prog[k], args[k])
            printf "\n\t@%s%s%s %s --out %s.csv%s || {%s echo %s >&2;%s exit 1; }\n",
                limited, linebuf, recipe_word(prog[k]), args[k], name[k], logs, stopped, recipe_word(failed), mark
        }
    }' >"$rules"

# -k: every experiment is tried, and each failure is named, before the
# status says that one failed. Called by the Makefile's recipe (MAKE set),
# the make joins its caller's job slots; called on its own (make try, the
# self-test), it takes one job per core, and forgets any job slots a make
# above it offered to some other command.
if [ -n "${MAKE:-}" ]; then
    set -- "$MAKE"
else
    set -- env -u MAKEFLAGS -u MFLAGS make -j"$(nproc 2>/dev/null || echo 2)"
fi
# (The lock stays with this script: a program that left a process behind
# would hold it, and the next run would wait for that process.)
if "$@" -k -s --no-print-directory -C "$dir" -f .experiments.mk 7>&-; then
    touch "$dir/.done"
else
    exit 1
fi
