#!/bin/sh
# tests/09-precision.bench.sh: chapter 9's speed measurement, run by `make
# bench`. It prints numbers and never fails on them (timing depends on the
# machine and on whatever else it is doing); it fails only if the program
# does.
#
# Chapter 3's full-batch gradient pass over N × d = 10^6 × 100 examples
# stored as doubles (800 MB) and as bf16 (200 MB, made by chapter 9's
# bf16_from_double), accumulated in double either way, against the
# sequential read of the doubles measured in the same run (the speed limit
# of a pass over them; a quarter of that time is the limit over the bf16
# bytes). The program times each 10 times and reports medians; this script
# runs it 5 times and prints the median over the runs and their spread
# (lowest to highest).
set -eu
cd "$(dirname "$0")/.."
program=build/bin/09-precision
out=build/bench
mkdir -p "$out"
. tests/bench-stats.sh

runs=5
echo "09-precision: chapter 3's full-batch pass over data stored in bf16 (one core), median of $runs runs"
machine
: >"$out/09-precision-pass.runs"
for k in $(seq "$runs"); do
    f=$out/09-precision-pass-$k.csv
    "$program" --task pass --n 1000000 --d 100 --timing --repeats 10 --out "$f"
    echo "$(value "$f" read seconds) $(value "$f" double seconds) $(value "$f" bf16 seconds)" \
         "$(value "$f" double fraction_of_read) $(value "$f" bf16 fraction_of_read)" |
        awk '{ print $0, $2 / $3 }' >>"$out/09-precision-pass.runs"
done
column() { awk -v c="$1" '{ print $c }' "$out/09-precision-pass.runs" | stats; }
f=$out/09-precision-pass-1.csv
set -- $(column 1); read_s=$1 read_lo=$2 read_hi=$3
set -- $(column 2); d_s=$1 d_lo=$2 d_hi=$3
set -- $(column 3); b_s=$1 b_lo=$2 b_hi=$3
set -- $(column 4); d_f=$1 d_flo=$2 d_fhi=$3
set -- $(column 5); b_f=$1 b_flo=$2 b_fhi=$3
set -- $(column 6); ratio=$1 ratio_lo=$2 ratio_hi=$3
awk -v read_s="$read_s" -v read_lo="$read_lo" -v read_hi="$read_hi" \
    -v d_s="$d_s" -v d_lo="$d_lo" -v d_hi="$d_hi" -v b_s="$b_s" -v b_lo="$b_lo" -v b_hi="$b_hi" \
    -v d_f="$d_f" -v d_flo="$d_flo" -v d_fhi="$d_fhi" -v b_f="$b_f" -v b_flo="$b_flo" -v b_fhi="$b_fhi" \
    -v ratio="$ratio" -v ratio_lo="$ratio_lo" -v ratio_hi="$ratio_hi" \
    -v loss_diff="$(value "$f" bf16 loss_difference)" -v grad_diff="$(value "$f" bf16 grad_difference)" 'BEGIN {
    printf "  read of the doubles (800 MB)     %8.2f ms (%.2f to %.2f)\n", read_s * 1e3, read_lo * 1e3, read_hi * 1e3
    printf "  pass over the doubles            %8.2f ms (%.2f to %.2f), %.2f of the read limit (%.2f to %.2f)\n", d_s * 1e3, d_lo * 1e3, d_hi * 1e3, d_f, d_flo, d_fhi
    printf "  pass over the bf16 data (200 MB) %8.2f ms (%.2f to %.2f), %.2f of its read limit (%.2f to %.2f)\n", b_s * 1e3, b_lo * 1e3, b_hi * 1e3, b_f, b_flo, b_fhi
    printf "  double pass / bf16 pass          %8.2f    (%.2f to %.2f; a quarter of the bytes)\n", ratio, ratio_lo, ratio_hi
    printf "  what the bf16 data cost: the loss off by %.2g, the gradient by %.2g (relative)\n", loss_diff, grad_diff
}'
