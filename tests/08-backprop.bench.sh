#!/bin/sh
# tests/08-backprop.bench.sh: chapter 8's speed measurements, run by
# `make bench`. It prints numbers and never fails on them (timing depends on
# the machine and on whatever else it does); it fails only if a program
# fails.
#
# 1. lib/matmul.c's product at the network's shapes, per instruction set,
#    against the core's peak for separate multiplies and adds (measured in
#    the same run by tests/matmul-bench.c).
# 2. A training step of 784-256-128-10 (minibatch 128, float64, one
#    thread): the course's C against PyTorch (where Debian's python3-torch
#    is installed), the same network, AdamW and batch, timed in the same
#    run, 5 runs each; the ratio is PyTorch's time over the course's.
# 3. The lesson's capstone run (10 epochs), end to end: the ≤ 60 s target,
#    3 runs, with the test accuracy it reaches.
set -eu
cd "$(dirname "$0")/.."
program=build/bin/08-backprop
out=build/bench
mkdir -p "$out"

. tests/bench-stats.sh
# field FILE COLUMN: the column of the first data row of a CSV file.
field() {
    awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
        { print $c; exit }' "$1"
}

echo "08-backprop: the matrix product (one core), median of 7 runs"
machine
cc -O2 -std=c11 -ffp-contract=off -Ilib tests/matmul-bench.c lib/matmul.c lib/rng.c lib/timing.c -lm -o "$out/matmul-bench"
"$out/matmul-bench" 7 >"$out/08-matmul.csv"
awk -F, 'NR > 1 && $1 == "mul+add-peak" {
             printf "  %-7s peak of separate mul+add: %6.1f GFLOP/s (%.1f to %.1f)\n", $5, $6, $7, $8 }
         NR > 1 && $1 == "matmul_add" && $5 != "scalar" && $2 == 128 && $3 == 784 {
             printf "  %-7s 128x784 . 784x256:       %6.1f GFLOP/s (%.1f to %.1f), %.0f%% of its peak\n", $5, $6, $7, $8, 100 * $9 }' \
    "$out/08-matmul.csv"
echo "  (every shape: $out/08-matmul.csv)"

steps=100 batch=128
echo "08-backprop: a training step of 784-256-128-10, batch $batch, float64, one thread; 5 runs of $steps steps"
"$program" --task timing --steps "$steps" --batch-size "$batch" --repeats 5 --out "$out/08-step.csv"
c_med=$(field "$out/08-step.csv" seconds_median)
printf '  C (this course)  %.2f ms a step (%.2f to %.2f), %.1f GFLOP/s, an epoch of 55,000 images in %.2f s\n' \
    "$(echo "$c_med $steps" | awk '{ print 1000 * $1 / $2 }')" \
    "$(echo "$(field "$out/08-step.csv" seconds_min) $steps" | awk '{ print 1000 * $1 / $2 }')" \
    "$(echo "$(field "$out/08-step.csv" seconds_max) $steps" | awk '{ print 1000 * $1 / $2 }')" \
    "$(field "$out/08-step.csv" gflops)" "$(field "$out/08-step.csv" epoch_seconds)"
python=""
for p in /usr/bin/python3 python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import torch' 2>/dev/null; then python=$p; break; fi
done
if [ -n "$python" ]; then
    "$python" tests/08-backprop.bench.py "$steps" "$batch" 5 256,128 >"$out/08-step-torch.csv"
    t_med=$(field "$out/08-step-torch.csv" seconds_median)
    blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo unknown)
    printf '  %s  %.2f ms a step (%.2f to %.2f), an epoch in %.2f s, with the BLAS %s\n' \
        "$(field "$out/08-step-torch.csv" library)" \
        "$(echo "$t_med $steps" | awk '{ print 1000 * $1 / $2 }')" \
        "$(echo "$(field "$out/08-step-torch.csv" seconds_min) $steps" | awk '{ print 1000 * $1 / $2 }')" \
        "$(echo "$(field "$out/08-step-torch.csv" seconds_max) $steps" | awk '{ print 1000 * $1 / $2 }')" \
        "$(echo "$t_med $steps" | awk '{ print $1 / $2 * 430 }')" "$blas"
    echo "$t_med $c_med" | awk '{ printf "  PyTorch takes %.2f times as long as the course'"'"'s C per step (above 1: the C is faster)\n", $1 / $2 }'
    case $blas in */blas/libblas.so*)
        echo "  (that is the reference BLAS: apt-get install libopenblas0-pthread gives PyTorch a fast one)" ;;
    esac
else
    echo "  (PyTorch not installed: apt-get install python3-torch to time the same step in PyTorch)"
fi

echo "08-backprop: the capstone run (10 epochs, as the lesson's), 3 runs"
: >"$out/08-train.runs"
for k in 1 2 3; do
    start=$(date +%s.%N)
    "$program" --epochs 10 --out "$out/08-train-$k.csv" --test "$out/08-train-test-$k.csv"
    end=$(date +%s.%N)
    echo "$start $end" | awk '{ print $2 - $1 }' >>"$out/08-train.runs"
done
set -- $(stats <"$out/08-train.runs")
accuracy=$(awk -F, '$2 == "all" { print 100 * $5 }' "$out/08-train-test-1.csv")
printf '  %.1f s (%.1f to %.1f) from start to the test set'"'"'s verdict: %.2f%% of the 10,000 test images right\n' \
    "$1" "$2" "$3" "$accuracy"
