# tests/matmul.sh: checks of lib/matmul.c, the matrix product of chapter 8,
# for a chapter's test file to source (`. tests/matmul.sh`) with the
# self-test's check function and $scratch set, from the repository's top.
# For development, on its own:
#   scratch=$(mktemp -d); check() { shift; "$@" && echo ok || echo FAIL; }; . tests/matmul.sh
#
# tests/matmul-exact.c compares matmul_add bit for bit with the naive loop
# of its contract; here it is built as the course builds (cc -O2 and its
# flags), at -O0 and with clang, and the three must print the same digest of
# every product's bits. Then three deliberately wrong products (the ways an
# optimised product usually reorders a sum) must each be caught.

matmul_flags="-std=c11 -Wall -Wextra -Wpedantic -Wshadow -Werror -ffp-contract=off -Ilib"

# matmul_exact NAME COMPILER OPTIONS [LIBRARY]: builds tests/matmul-exact.c
# with COMPILER and OPTIONS (after the course's flags, so they can override
# them) against LIBRARY (lib/matmul.c by default) into $scratch, runs it,
# and keeps its output in $scratch/matmul-exact.NAME.out.
matmul_exact() {
    name=$1 compiler=$2 options=$3 library=${4:-lib/matmul.c}
    # shellcheck disable=SC2086 # the flags are words
    "$compiler" $matmul_flags $options tests/matmul-exact.c "$library" lib/rng.c -lm \
        -o "$scratch/matmul-exact.$name" || { echo "$compiler $options failed to build matmul-exact"; return 1; }
    "$scratch/matmul-exact.$name" >"$scratch/matmul-exact.$name.out"
    status=$?
    cat "$scratch/matmul-exact.$name.out"
    return $status
}

# matmul_same_digest NAME: NAME's run printed the same digest as -O2's.
matmul_same_digest() {
    want=$(grep digest "$scratch/matmul-exact.O2.out") &&
        got=$(grep digest "$scratch/matmul-exact.$1.out") || { echo "no digest to compare"; return 1; }
    [ "$got" = "$want" ] || { echo "$1: $got, but -O2: $want"; return 1; }
}

matmul_exact_O2() { matmul_exact O2 cc -O2; }
matmul_exact_O0() { matmul_exact O0 cc -O0 && matmul_same_digest O0; }
matmul_exact_clang() {
    command -v clang >/dev/null || { echo "clang is not installed: run make deps test"; return 1; }
    matmul_exact clang clang -O2 && matmul_same_digest clang
}
check "matmul: bit-identical to the naive loop, every instruction set (cc -O2)" matmul_exact_O2
check "matmul: the same bits built at -O0" matmul_exact_O0
check "matmul: the same bits built with clang" matmul_exact_clang

# matmul_caught NAME WHAT: the mutant library $scratch/matmul.NAME.c must
# fail matmul-exact, with a message naming WHAT (the instruction set) and
# the shape.
matmul_caught() {
    if matmul_exact "$1" cc "-O2 ${3:-}" "$scratch/matmul.$1.c"; then
        echo "a product that $4 passed the exactness test"
        return 1
    fi
    grep -q "^matmul-exact: $2, n=[0-9]* m=[0-9]* p=[0-9]* .*C\[[0-9]*\]\[[0-9]*\] is" \
        "$scratch/matmul-exact.$1.out" || { echo "the failure does not name $2 and the shape"; return 1; }
}

# The naive loop summing k in two halves, each from zero, and then
# C + (first + second): the scalar copy must fail.
matmul_halves() {
    awk '
        /^\/\/> naive/ { skip = 1; print; print "static void matmul_scalar(size_t n, size_t m, size_t p, const double *a, const double *b, double *c)\n{\n    for (size_t i = 0; i < n; i++)\n        for (size_t j = 0; j < p; j++) {\n            double first = 0.0, second = 0.0;\n            for (size_t k = 0; k < m / 2; k++)\n                first += a[i * m + k] * b[k * p + j];\n            for (size_t k = m / 2; k < m; k++)\n                second += a[i * m + k] * b[k * p + j];\n            c[i * p + j] += first + second;\n        }\n}"; next }
        /^\/\/< naive/ { skip = 0 }
        !skip' lib/matmul.c >"$scratch/matmul.halves.c" || return 1
    grep -q 'second +=' "$scratch/matmul.halves.c" || { echo "the mutation did not apply"; return 1; }
    matmul_caught halves scalar "" "sums k in two halves"
}
check "matmul: a naive loop that sums k in two halves fails the exactness test" matmul_halves

# The micro-kernel summing each block of k from zero and adding the block's
# sum to C at the end (partial sums of KC terms): the vector copies fail.
matmul_block_sums() {
    sed -e 's/acc\[i\]\[v\] = \*(const Vec \*)(c + i \* ldc + v \* LANES);/acc[i][v] = (Vec){0};/' \
        -e 's/\*(Vec \*)(c + i \* ldc + v \* LANES) = acc\[i\]\[v\];/*(Vec *)(c + i * ldc + v * LANES) += acc[i][v];/' \
        lib/matmul.c >"$scratch/matmul.block-sums.c" || return 1
    grep -q 'acc\[i\]\[v\] = (Vec){0};' "$scratch/matmul.block-sums.c" &&
        grep -q '+= acc\[i\]\[v\]' "$scratch/matmul.block-sums.c" || { echo "the mutation did not apply"; return 1; }
    matmul_caught block-sums 'avx[0-9]*' "" "sums each block of k on its own"
}
check "matmul: a micro-kernel that adds partial sums of k to C fails the exactness test" matmul_block_sums

# The library compiled letting the compiler fuse multiply-adds (GCC fuses
# them in the AVX-512 copy, whose instruction set has them): the product
# is then rounded once, not twice, and the test must see it.
matmul_fused() {
    cp lib/matmul.c "$scratch/matmul.fused.c" || return 1
    grep -q avx512f /proc/cpuinfo 2>/dev/null || { echo "no AVX-512 here"; return "${SKIPPED:-77}"; }
    matmul_caught fused 'avx512' "-ffp-contract=fast" "fuses multiply-adds"
}
check "matmul: the library built with fused multiply-adds fails the exactness test" matmul_fused

# The benchmark builds with the course's flags (running it is a
# measurement, not a check: tests/matmul-bench.c).
matmul_bench_builds() {
    # shellcheck disable=SC2086 # the flags are words
    cc -O2 $matmul_flags tests/matmul-bench.c lib/matmul.c lib/rng.c lib/timing.c -lm -o "$scratch/matmul-bench"
}
check "matmul: the benchmark builds warning-free" matmul_bench_builds
