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
# at the programs built from your own exercises.
set -eu
dir=$1
shift
bindir=$(cd "${BIN_DIR:-build/bin}" && pwd)

rm -rf "$dir"
mkdir -p "$dir"
status=0
for runs in "$@"; do
    program=$bindir/$(basename "$runs" .runs)
    while read -r name args; do
        case "$name" in ''|'#'*) continue ;; esac
        # shellcheck disable=SC2086  # args are the flags, one word each
        if ! (cd "$dir" && "$program" $args --out "$name.csv"); then
            echo "run-experiments: $runs: '$name' failed: $program $args" >&2
            status=1
        fi
    done < "$runs"
done
[ "$status" -eq 0 ] && touch "$dir/.done"
exit "$status"
