#!/bin/sh
# run-experiments.sh PROGRAM RUNS-FILE DATA-DIR
#
# Runs every experiment listed in RUNS-FILE with PROGRAM and writes each one's
# CSV to DATA-DIR/NAME.csv. A runs file has one experiment per line, a name
# and then the program's flags:
#     parabola-lr0.1   --problem parabola --lr 0.1
# Blank lines and lines starting with # are ignored. The program runs inside
# DATA-DIR, so a flag like --save-data points.csv lands beside the others.
# DATA-DIR/.done is touched when every experiment succeeded.
set -eu
program=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
runs=$2
dir=$3

rm -rf "$dir"
mkdir -p "$dir"
status=0
while read -r name args; do
    case "$name" in ''|'#'*) continue ;; esac
    # shellcheck disable=SC2086  # args are the flags, one word each
    if ! (cd "$dir" && "$program" $args --out "$name.csv"); then
        echo "run-experiments: $runs: '$name' failed: $1 $args" >&2
        status=1
    fi
done < "$runs"
[ "$status" -eq 0 ] && touch "$dir/.done"
exit "$status"
