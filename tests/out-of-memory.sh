# tests/out-of-memory.sh: what every chapter program does when memory runs
# out, wherever it runs out. Sourced by tools/selftest.sh (group
# out-of-memory), which provides check and $scratch.
#
# build/lib/failmalloc.so (tests/failmalloc.c), preloaded, makes the Nth
# allocation of a run fail. Each command line below runs once to count its
# allocations, then once with each of them failing in turn. A run with a
# failed allocation must either
#   - succeed with the same bytes on stdout and in its files (the C library
#     copes with some failures itself: stdio goes unbuffered), or
#   - end with exit status 1, one line on stderr that says memory ran out,
#     and its folder as it was: no --out, --save-data or --test file, no
#     temporary file, however far the run had got.
# A ulimit -v reaches only the large allocations, at a size that depends
# on the machine; this reaches every one. Chapter 10 is left out: under
# MPI most allocations are Open MPI's own.
# shellcheck shell=sh disable=SC2154

oom_lib=$(pwd)/build/lib/failmalloc.so

# A Fashion-MNIST folder small enough to read hundreds of times: 100
# training and 20 test images of stripes (the letters a to y, then a
# newline, over and over), gzip-compressed as the real files are (so that
# zlib's own allocations are reached too).
oom_dataset() {
    small_fashion_mnist "$scratch/oom-fashion-mnist" train 100 yes abcdefghijklmnopqrstuvwxy &&
        small_fashion_mnist "$scratch/oom-fashion-mnist" t10k 20 yes abcdefghijklmnopqrstuvwxy
}

# fails_cleanly_without_memory PROGRAM ARGS...: runs build/bin/PROGRAM in
# a folder of its own (which holds points.csv, for --data), once with
# nothing failing and then once per allocation, as above. The file names in
# ARGS are relative to that folder.
fails_cleanly_without_memory() {
    oom_program=$(pwd)/build/bin/$1
    shift
    oom_dir=$scratch/oom-run
    rm -rf "$oom_dir" "$scratch/oom-reference" && mkdir -p "$oom_dir" || return 1
    printf 'x,y\n1,2\n2,3\n3,5\n4,4\n' >"$oom_dir/points.csv"
    ls -A "$oom_dir" >"$scratch/oom-before"
    (cd "$oom_dir" && FAILMALLOC_COUNT=../oom-count LD_PRELOAD=$oom_lib "$oom_program" "$@" >../oom-stdout) ||
        { echo "${oom_program##*/} $*: fails with every allocation granted"; return 1; }
    oom_calls=$(cat "$scratch/oom-count")
    [ "$oom_calls" -gt 0 ] || { echo "${oom_program##*/} $*: no allocation counted: is failmalloc.so preloaded?"; return 1; }
    mv "$oom_dir" "$scratch/oom-reference" && mkdir -p "$oom_dir" && cp "$scratch/oom-reference/points.csv" "$oom_dir/" || return 1
    oom_n=1
    while [ "$oom_n" -le "$oom_calls" ]; do
        (cd "$oom_dir" && FAILMALLOC_AT=$oom_n LD_PRELOAD=$oom_lib exec "$oom_program" "$@" >../oom-out 2>../oom-err)
        oom_status=$?
        oom_what="${oom_program##*/} $* with allocation $oom_n of $oom_calls failing"
        if [ "$oom_status" -eq 0 ]; then
            cmp -s "$scratch/oom-out" "$scratch/oom-stdout" && diff -r "$oom_dir" "$scratch/oom-reference" >/dev/null ||
                { echo "$oom_what: exit status 0, but other output than with all granted"; return 1; }
            rm -rf "$oom_dir" && mkdir -p "$oom_dir" && cp "$scratch/oom-reference/points.csv" "$oom_dir/" || return 1
        else
            [ "$oom_status" -eq 1 ] || { echo "$oom_what: exit status $oom_status, expected 1:"; cat "$scratch/oom-err"; return 1; }
            [ "$(wc -l <"$scratch/oom-err")" -eq 1 ] && grep -qi 'memory' "$scratch/oom-err" ||
                { echo "$oom_what: expected one line saying memory ran out, got:"; cat "$scratch/oom-err"; return 1; }
            ls -A "$oom_dir" | cmp -s - "$scratch/oom-before" ||
                { echo "$oom_what: left files behind:"; ls -A "$oom_dir"; return 1; }
        fi
        oom_n=$((oom_n + 1))
    done
}

# each_fails_cleanly "PROGRAM ARGS" ...: every command line given, each
# one string of words.
each_fails_cleanly() {
    for oom_line in "$@"; do
        # shellcheck disable=SC2086  # the command line is meant to split
        fails_cleanly_without_memory $oom_line || return 1
    done
}

check "out of memory: a small Fashion-MNIST folder for the runs below" oom_dataset
oom_check() {
    check "${1%%-*}: memory running out at any allocation: exit 1, one line saying so, no file left" \
        each_fails_cleanly "$@"
}
oom_check "01-gradient-descent --problem linreg --task solve --data points.csv --out out.csv" \
    "01-gradient-descent --problem linreg --save-data saved.csv --out out.csv"
oom_check "02-gradient-accumulation --mode correct --out out.csv"
oom_check "03-minibatch --n 50 --log-every 1 --save-data saved.csv --out out.csv" \
    "03-minibatch --data points.csv --task solve --out out.csv" \
    "03-minibatch --n 50 --task sweep --epochs 1 --out out.csv" \
    "03-minibatch --n 50 --task noise --out out.csv"
oom_check "04-optimizers --problem quadratic --optimizer adam --steps 60 --out out.csv" \
    "04-optimizers --problem linreg --optimizer sgd --momentum 0.9 --save-data saved.csv --out out.csv" \
    "04-optimizers.experiments --experiment conditioning --out out.csv"
oom_check "05-gradient-clipping --clip-norm 1 --out out.csv"
oom_check "06-nonconvexity --problem two-wells --start -2.2 --out out.csv" \
    "06-nonconvexity.xor --init symmetric --steps 50 --out out.csv" \
    "06-nonconvexity.xor --task seeds --trials 3 --steps 50 --out out.csv"
oom_check "07-schedules --schedule step --lr 0.1 --steps 100 --step-size 30 --out out.csv" \
    "07-schedules.training --optimizer sgd --momentum 0.9 --lr 0.03 --steps 20 --out out.csv" \
    "07-schedules.training --task seeds --trials 3 --steps 20 --out out.csv" \
    "07-schedules.training --task find --steps 20 --suggestion suggestion.csv --out out.csv"
oom_check "08-backprop --data-dir $(pwd)/$scratch/oom-fashion-mnist --validation 10 --batch-size 10 --hidden 16 --epochs 1 --test test.csv --out out.csv" \
    "08-backprop --data-dir $(pwd)/$scratch/oom-fashion-mnist --validation 10 --batch-size 8 --hidden 8 --task gradcheck --out out.csv" \
    "08-backprop --data-dir $(pwd)/$scratch/oom-fashion-mnist --validation 10 --batch-size 16 --hidden 16,16 --task init --out out.csv"
oom_check "09-precision --task formats --out out.csv" \
    "09-precision --task pass --out out.csv" \
    "09-precision --task train-regression --precision fp16 --scaling dynamic --out out.csv" \
    "09-precision --data-dir $(pwd)/$scratch/oom-fashion-mnist --task train --train-images 10 --test-images 10 --batch-size 5 --out out.csv"
