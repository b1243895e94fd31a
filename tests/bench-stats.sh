# tests/bench-stats.sh: what the benchmarks (tests/NN-topic.bench.sh) share,
# sourced by each: how several runs' numbers become one quoted figure, the
# line naming the machine, and a value read from a CSV file.

# stats: "median lowest highest" of the numbers on stdin, one a line.
stats() {
    sort -g | awk '{ v[NR] = $1 } END {
        m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        print m, v[1], v[NR] }'
}

# machine: the line that says what the numbers were measured on.
machine() {
    cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
    echo "  machine: ${cpu:-unknown processor}, $(nproc) cores"
}

# value FILE WHAT COLUMN: the column COLUMN of the row of the CSV file
# FILE whose first field is WHAT.
value() {
    awk -F, -v what="$2" -v col="$3" '
        NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
        $1 == what { print $c }' "$1"
}
