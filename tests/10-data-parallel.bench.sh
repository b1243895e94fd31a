#!/bin/sh
# tests/10-data-parallel.bench.sh: chapter 10's measurements, run by `make
# bench`. It prints numbers and never fails on them (timing depends on the
# machine and on whatever else it does); it fails only if a program fails.
#
# 1. The all-reduce's time against message size: the ring and the tree by
#    hand and MPI_Allreduce, on 2 ranks (one per core) and on 4 (two per
#    core: oversubscribed, so a rank that waits for a message often waits
#    for the scheduler to run the rank that sends it), vectors of 8 B
#    doubling to 64 MiB, the median of 5 timings each (build/bin/
#    10-data-parallel --task allreduce-timing; rows in build/bench/).
# 2. The α–β model t = α·messages + β·wire_bytes (messages and bytes along
#    the critical path: the ring 2(P-1) messages carrying 2(P-1)/P·n·8
#    bytes, the tree 2⌈log2 P⌉ whole vectors), fitted by least squares on
#    the relative error (each size counts alike, 8 B as 64 MiB), for the
#    ring and the tree together (one machine, one α and β) and each alone;
#    the fit's error is the root mean square of the relative residuals.
#    The same fit to each size's fastest timing says how much of that
#    error is other jobs' interference rather than the model's.
#    MPI_Allreduce's messages are its own: it is fitted as t = a + b·n·8.
#    Then the ring and the tree again, small vectors (up to 4 KiB, sent
#    eagerly) and large ones (from 1 MiB) apart: a protocol change between
#    them is a step no straight line through both can follow.
# 3. Scaling of chapter 8's training step (784-256-128-10, the ring): strong
#    (a global batch of 512 on 1, 2, 4 ranks) and weak (128 per rank), the
#    compute, communication and update time per step (--times; rank 0's,
#    the median of 3 runs), and the efficiencies T1/(P·TP) and T1/TP.
set -eu
cd "$(dirname "$0")/.."
program=build/bin/10-data-parallel
out=build/bench
mkdir -p "$out"
. tests/bench-stats.sh

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
load=$(cut -d' ' -f1 /proc/loadavg)
echo "10-data-parallel: all-reduce time against message size, median of 5 timings"
echo "  machine: ${cpu:-unknown processor}, $(nproc) cores, OpenMPI $(mpirun --version 2>/dev/null | awk 'NR == 1 { print $NF }') (shared memory)," \
    "load average $load at the start (above 0, other jobs share the cores)"
for p in 2 4; do
    for how in ring tree mpi; do
        "$program" --np "$p" --task allreduce-timing --allreduce "$how" --repeats 5 \
            --out "$out/10-allreduce-$how-p$p.csv"
    done
done
# One CSV of every row, for the fits and the reader.
awk 'FNR > 1 || NR == 1' "$out"/10-allreduce-*-p[24].csv >"$out/10-allreduce.csv"

# The table: microseconds at a few sizes.
for p in 2 4; do
    [ "$p" = 4 ] && echo "  P = 4 (two ranks a core: oversubscribed)" || echo "  P = 2 (a rank a core)"
    printf '    %-8s %10s %10s %10s %10s %10s %10s\n' size 8B 1KiB 64KiB 1MiB 16MiB 64MiB
    for how in ring tree mpi; do
        awk -F, -v how="$how" 'NR > 1 && ($3 == 8 || $3 == 1024 || $3 == 65536 || $3 == 1048576 || $3 == 16777216 || $3 == 67108864) {
                t[++n] = $5 * 1e6 }
            END { printf "    %-8s", how; for (i = 1; i <= n; i++) printf " %8.1fus", t[i]; printf "\n" }' \
            "$out/10-allreduce-$how-p$p.csv"
    done
done

# fit FILTER COLUMN: α (s), β (s/byte), rms and largest relative error of
# the times in COLUMN (5, the medians, or 6, the fastest timings) of the
# rows (allreduce,ranks,... as written above) that FILTER (an awk
# condition) selects; for "mpi", messages = 1 and wire_bytes = bytes.
fit() {
    awk -F, -v col="$2" "NR > 1 && ($1)"' {
            m = $8; b = $9; t = $col
            if ($1 == "mpi") { m = 1; b = $3 }
            a = m / t; c = b / t
            saa += a * a; sab += a * c; scc += c * c; sa += a; sc += c
            n++; M[n] = m; B[n] = b; T[n] = t }
        END {
            det = saa * scc - sab * sab
            alpha = (sa * scc - sc * sab) / det; beta = (saa * sc - sab * sa) / det
            for (i = 1; i <= n; i++) {
                r = (alpha * M[i] + beta * B[i] - T[i]) / T[i]
                ss += r * r; if (r < 0) r = -r; if (r > worst) worst = r }
            print alpha, beta, sqrt(ss / n), worst, n }' "$out/10-allreduce.csv"
}
echo "10-data-parallel: the alpha-beta model t = alpha*messages + beta*wire_bytes, least squares on the relative error"
for p in 2 4; do
    for what in "ring+tree" ring tree mpi "<=4KiB" ">=1MiB"; do
        case $what in
            ring+tree) filter="(\$1 == \"ring\" || \$1 == \"tree\") && \$2 == $p" ;;
            "<=4KiB") filter="(\$1 == \"ring\" || \$1 == \"tree\") && \$2 == $p && \$3 <= 4096" ;;
            ">=1MiB") filter="(\$1 == \"ring\" || \$1 == \"tree\") && \$2 == $p && \$3 >= 1048576" ;;
            *) filter="\$1 == \"$what\" && \$2 == $p" ;;
        esac
        set -- $(fit "$filter" 5) $(fit "$filter" 6)
        awk -v p="$p" -v what="$what" -v a="$1" -v b="$2" -v rms="$3" -v worst="$4" -v n="$5" \
            -v rms_fast="$8" 'BEGIN {
            printf "  P = %d %-9s alpha %7.2f us  beta %7.3f ns/byte (%5.2f GB/s)  error: rms %3.0f%%, worst %4.0f%% (%d sizes); fitted to the fastest timings: rms %3.0f%%%s\n",
                p, what, a * 1e6, b * 1e9, 1 / b / 1e9, 100 * rms, 100 * worst, n, 100 * rms_fast,
                what == "mpi" ? "  [t = a + b*bytes]" : "" }'
        if [ "$what" = "ring+tree" ]; then
            eval "alpha$p=$1 beta$p=$2"
            # Where the model puts the tree ahead of the ring, for P = 4:
            # 2(P-1)α + 2(P-1)/P·βS against 2⌈log2 P⌉(α + βS).
            awk -v p="$p" -v a="$1" -v b="$2" 'BEGIN {
                s = 0; while (2 ^ s < p) s++
                gap = 2 * s * b - 2 * (p - 1) / p * b
                if (gap > 0 && 2 * (p - 1) > 2 * s)
                    printf "           the model: the tree is faster below %.0f bytes, the ring above\n", (2 * (p - 1) - 2 * s) * a / gap
                else
                    printf "           the model: the ring is never slower (as many messages as the tree at P = %d, half its bytes or fewer)\n", p }'
        fi
    done
done
# The figure's data (plots/10-data-parallel.allreduce-time.gp): make
# cannot time, so the book draws a committed copy of these rows. To
# update it, copy this file over plots/10-data-parallel.allreduce-time.inc.
inc=$out/10-data-parallel.allreduce-time.inc
{
    echo "# plots/10-data-parallel.allreduce-time.inc: generated by tests/10-data-parallel.bench.sh"
    echo "# (make bench) on $(date -u +%Y-%m-%d), ${cpu:-unknown processor}, $(nproc) cores, load average"
    echo "# $load at the start; never edited by hand. The rows are"
    echo "# build/bench/10-allreduce.csv's; ALPHA_P and BETA_P the ring and tree's joint fit."
    echo "ALPHA_2 = $alpha2; BETA_2 = $beta2; ALPHA_4 = $alpha4; BETA_4 = $beta4"
    echo "\$allreduce << EOD"
    cat "$out/10-allreduce.csv"
    echo "EOD"
} >"$inc"
echo "  (rows: $out/10-allreduce.csv; for the book's figure: cp $inc plots/)"

# ------------------------------------------------------------- scaling
# time_step NAME P FLAGS...: 3 runs of --times; "compute comm update
# total" per step of rank 0, each the median of the 3 runs, in ms.
time_step() {
    name=$1 p=$2
    shift 2
    : >"$out/10-scaling-$name.runs"
    for k in 1 2 3; do
        "$program" --np "$p" --allreduce ring --hidden 256,128 --steps 60 --log-every 60 \
            --check-every 60 --times "$out/10-scaling-$name-$k.csv" --out /dev/null "$@"
        awk -F, 'NR == 2 { print $3, $4, $5, $3 + $4 + $5 }' "$out/10-scaling-$name-$k.csv" >>"$out/10-scaling-$name.runs"
    done
    for c in 1 2 3 4; do
        awk -v c="$c" '{ print $c }' "$out/10-scaling-$name.runs" | stats | awk '{ printf "%s ", $1 * 1000 }'
    done
}
echo "10-data-parallel: scaling of chapter 8's step (784-256-128-10, the ring), per step on rank 0, median of 3 runs of 60 steps"
echo "  ($(nproc) cores: P = 4 runs two ranks a core, so it measures time-sharing, not more hardware)"
printf '  %-24s %9s %9s %9s %9s %11s\n' run compute comm update total efficiency
for kind in strong weak; do
    t1=""
    for p in 1 2 4; do
        if [ "$kind" = strong ]; then b=512; else b=$((128 * p)); fi
        set -- $(time_step "$kind-p$p" "$p" --batch-size "$b" --micro-batch 16)
        [ -n "$t1" ] || t1=$4
        awk -v kind="$kind" -v p="$p" -v b="$b" -v c="$1" -v m="$2" -v u="$3" -v t="$4" -v t1="$t1" 'BEGIN {
            e = kind == "strong" ? t1 / (p * t) : t1 / t
            printf "  %-24s %7.2fms %7.2fms %7.2fms %7.2fms %10.0f%%\n",
                sprintf("%s P=%d batch %d", kind, p, b), c, m, u, t, 100 * e }'
    done
done
echo "  (strong: T1/(P*TP), the same batch in less time; weak: T1/TP, P times the batch in the same time)"
