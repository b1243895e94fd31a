# tests/bench-stats.sh: what the benchmarks (tests/NN-topic.bench.sh) share,
# sourced by each: how several runs' numbers become one quoted figure.

# stats: "median lowest highest" of the numbers on stdin, one a line.
stats() {
    sort -g | awk '{ v[NR] = $1 } END {
        m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        print m, v[1], v[NR] }'
}
