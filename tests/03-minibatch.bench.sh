#!/bin/sh
# tests/03-minibatch.bench.sh: chapter 3's speed measurements, run by
# `make bench`. It prints numbers and never fails on them: timing depends on
# the machine and on whatever else it is doing. It fails only if the
# program itself fails.
#
# 1. A full-batch gradient pass over N × d = 10^6 × 100 doubles (800 MB,
#    generated in one allocation, never loaded), against a plain sequential
#    read of the same bytes measured in the same run: a gradient step needs
#    one pass over the data, so the read is the speed limit, and the course
#    aims for 0.8 of it or better on one core.
# 2. The reference example's steps (N = 1000, d = 5): minibatch (B = 32),
#    stochastic and full batch.
# Each number is the best of several repetitions (see task_timing in
# chapters/03-minibatch.c).
set -eu
cd "$(dirname "$0")/.."
program=build/bin/03-minibatch
out=build/bench
mkdir -p "$out"

# value FILE WHAT COLUMN: the column of the row whose first field is WHAT.
value() {
    awk -F, -v what="$2" -v col="$3" '
        NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
        $1 == what { print $c }' "$1"
}

echo "03-minibatch: a full-batch gradient pass at scale (one core)"
"$program" --task timing --n 1000000 --d 100 --out "$out/03-minibatch-large.csv"
large=$out/03-minibatch-large.csv
awk -v read_s="$(value "$large" read seconds)" \
    -v read_gb="$(value "$large" read gigabytes_per_second)" \
    -v pass_s="$(value "$large" full-batch-pass seconds)" \
    -v pass_gb="$(value "$large" full-batch-pass gigabytes_per_second)" \
    -v ratio="$(value "$large" full-batch-pass fraction_of_read)" \
    -v step_s="$(value "$large" minibatch-step seconds)" 'BEGIN {
    printf "  N x d = 1000000 x 100 doubles = 800 MB, in one allocation\n"
    printf "  sequential read of the data  %8.4f s  %6.2f GB/s\n", read_s, read_gb
    printf "  full-batch gradient pass     %8.4f s  %6.2f GB/s  = %.2f of the read (target 0.8)\n", pass_s, pass_gb, ratio
    printf "  minibatch step, B = 32       %8.2f us  (shuffled rows, scattered in memory)\n", step_s * 1e6
}'

echo "03-minibatch: the reference example (N = 1000, d = 5, in cache)"
"$program" --task timing --out "$out/03-minibatch-reference.csv"
ref=$out/03-minibatch-reference.csv
awk -v mb="$(value "$ref" minibatch-step seconds)" \
    -v sgd="$(value "$ref" sgd-step seconds)" \
    -v full="$(value "$ref" full-batch-pass seconds)" 'BEGIN {
    printf "  minibatch step, B = 32       %8.1f ns  (%.1f us an epoch of 32 steps)\n", mb * 1e9, mb * 32 * 1e6
    printf "  SGD step, B = 1              %8.1f ns  (%.1f us an epoch of 1000 steps)\n", sgd * 1e9, sgd * 1000 * 1e6
    printf "  full-batch gradient, B = N   %8.1f ns\n", full * 1e9
}'
