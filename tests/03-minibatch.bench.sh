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
#    aims for 0.8 of it or better on one core. The program times each many
#    times and reports medians; this script runs it 5 times and prints the
#    median over the runs and their spread (lowest to highest). Where
#    Debian's python3-numpy (and python3-torch) are installed, the same pass
#    in numpy (and PyTorch), one thread, is timed beside it.
# 2. The reference example's steps (N = 1000, d = 5): minibatch (B = 32),
#    stochastic and full batch.
set -eu
cd "$(dirname "$0")/.."
program=build/bin/03-minibatch
out=build/bench
mkdir -p "$out"

. tests/bench-stats.sh

runs=5
echo "03-minibatch: a full-batch gradient pass at scale (one core), median of $runs runs"
machine
: >"$out/03-minibatch-large.runs"
for k in $(seq "$runs"); do
    "$program" --task timing --n 1000000 --d 100 --ladder --out "$out/03-minibatch-large-$k.csv"
    f=$out/03-minibatch-large-$k.csv
    echo "$(value "$f" read gigabytes_per_second) $(value "$f" full-batch-pass seconds)" \
         "$(value "$f" full-batch-pass gigabytes_per_second) $(value "$f" full-batch-pass fraction_of_read)" \
         "$(value "$f" minibatch-step seconds)" "$(value "$f" minibatch-step-prefetch seconds)" \
         "$(value "$f" graded-pass fraction_of_read)" "$(value "$f" pass-baseline fraction_of_read)" \
         "$(value "$f" pass-avx2 fraction_of_read)" \
         "$(value "$f" pass-avx2-no-prefetch fraction_of_read)" >>"$out/03-minibatch-large.runs"
done
column() { awk -v c="$1" '{ print $c }' "$out/03-minibatch-large.runs" | stats; }
isa=$(value "$out/03-minibatch-large-1.csv" full-batch-pass isa)
set -- $(column 1); read_gb=$1 read_lo=$2 read_hi=$3
set -- $(column 2); pass_s=$1
set -- $(column 3); pass_gb=$1 pass_lo=$2 pass_hi=$3
set -- $(column 4); ratio=$1 ratio_lo=$2 ratio_hi=$3
set -- $(column 5); step_s=$1 step_lo=$2 step_hi=$3
set -- $(column 6); pre_s=$1 pre_lo=$2 pre_hi=$3
set -- $(column 7); graded=$1
set -- $(column 8); baseline=$1
avx2="" avx2_np=""
[ -n "$(value "$out/03-minibatch-large-1.csv" pass-avx2 seconds)" ] &&
    { set -- $(column 9); avx2=$1; set -- $(column 10); avx2_np=$1; }
awk -v isa="$isa" -v read_gb="$read_gb" -v read_lo="$read_lo" -v read_hi="$read_hi" \
    -v pass_s="$pass_s" -v pass_gb="$pass_gb" -v pass_lo="$pass_lo" -v pass_hi="$pass_hi" \
    -v ratio="$ratio" -v ratio_lo="$ratio_lo" -v ratio_hi="$ratio_hi" \
    -v step_s="$step_s" -v step_lo="$step_lo" -v step_hi="$step_hi" \
    -v pre_s="$pre_s" -v pre_lo="$pre_lo" -v pre_hi="$pre_hi" \
    -v graded="$graded" -v baseline="$baseline" -v avx2="$avx2" -v avx2_np="$avx2_np" 'BEGIN {
    printf "  N x d = 1000000 x 100 doubles = 800 MB, in one allocation; the pass compiled for %s\n", isa
    printf "  sequential read of the data  %6.2f GB/s (%.2f to %.2f)\n", read_gb, read_lo, read_hi
    printf "  full-batch gradient pass     %6.2f GB/s (%.2f to %.2f), %.4f s\n", pass_gb, pass_lo, pass_hi, pass_s
    printf "  pass / read                  %6.2f      (%.2f to %.2f; the course aims for 0.8)\n", ratio, ratio_lo, ratio_hi
    printf "  minibatch step, B = 32       %6.2f us   (%.2f to %.2f; shuffled rows, scattered in memory)\n", step_s * 1e6, step_lo * 1e6, step_hi * 1e6
    printf "  ... next batch prefetched    %6.2f us   (%.2f to %.2f)\n", pre_s * 1e6, pre_lo * 1e6, pre_hi * 1e6
    printf "  the ladder, as fractions of the read (medians):\n"
    printf "    graded pass (one example at a time, one running sum)   %.2f\n", graded
    printf "    tuned pass, any x86-64 (SSE2)                          %.2f\n", baseline
    if (avx2 != "") {
        printf "    tuned pass, AVX2                                       %.2f\n", avx2_np
        printf "    tuned pass, AVX2, the rows 8 ahead prefetched          %.2f\n", avx2
    }
}'
python=""
for p in /usr/bin/python3 python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import numpy' 2>/dev/null; then python=$p; break; fi
done
if [ -n "$python" ]; then
    "$python" tests/03-minibatch.bench.py 1000000 100 >"$out/03-minibatch-python.csv"
    awk -F, -v c="$pass_s" 'NR > 1 { printf "  %-28s %7.4f s  (the C pass is %.1f times as fast)\n", $1 ", one thread", $2, $2 / c }' \
        "$out/03-minibatch-python.csv"
else
    echo "  (numpy not installed: apt-get install python3-numpy to time the same pass in numpy)"
fi

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
