#!/bin/sh
# tests/grading.bench.sh: how long a student waits for `make check`, run by
# `make bench`. It prints numbers and never fails on them (timing depends on
# the machine and on whatever else it is doing); it fails only if grading
# does.
#
# It grades a copy of solutions/ (never exercises/: those are the
# student's), through make, as a student types it:
# 1. every chapter, nothing changed since the last make check (the
#    suites run again; nothing is compiled);
# 2. every chapter after one file was edited (that file is compiled,
#    checked and linked again);
# 3. each chapter alone (make check CH=NN), nothing changed: where the time
#    goes, chapter by chapter.
# Each is the median of several runs, with the spread (lowest to highest).
set -eu
cd "$(dirname "$0")/.."
out=build/bench
copy=$out/grading-exercises
mkdir -p "$out"
. tests/bench-stats.sh

rm -rf "$copy"
mkdir -p "$copy"
cp solutions/[0-9][0-9]-*.c "$copy/"

# seconds COMMAND...: how long COMMAND took; it must succeed.
seconds() {
    start=$(date +%s.%N)
    "$@" >"$out/grading.log" 2>&1 || { cat "$out/grading.log" >&2; return 1; }
    awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.3f\n", e - s }'
}
grade() { make -s --no-print-directory check EXERCISES="$copy" "$@"; }

runs=11
echo "grading: a student's make check (a copy of the solutions), median of $runs runs"
machine
grade >/dev/null 2>&1 || { echo "grading the solutions failed" >&2; grade; exit 1; }

# timed WHAT RUNS ARGS...: the median and spread of RUNS gradings with
# ARGS (a run that fails stops the script: set -e, outside a pipeline).
timed() {
    what=$1 n=$2
    shift 2
    : >"$out/grading.times"
    for k in $(seq "$n"); do
        [ -z "${edit:-}" ] || echo "/* edit $k */" >>"$edit"
        seconds grade "$@" >>"$out/grading.times"
    done
    set -- $(stats <"$out/grading.times")
    awk -v what="$what" -v m="$1" -v lo="$2" -v hi="$3" \
        'BEGIN { printf "  %-44s %6.2f s (%.2f to %.2f)\n", what, m, lo, hi }'
}
timed "every chapter, nothing changed" "$runs"
edit=$(ls "$copy"/04-*.c) timed "every chapter, after editing chapter 4's file" "$runs"
for c in $(ls "$copy" | cut -c 1-2); do
    timed "chapter $c alone (5 runs)" 5 CH="$c"
done
