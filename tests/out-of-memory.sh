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
# on the machine; this reaches every one. Chapter 10 runs on one rank,
# where only its own allocations fail (FAILMALLOC_PROGRAM=1): MPI_Init
# makes tens of thousands in Open MPI, which aborts when one fails.
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
# ARGS are relative to that folder. The failing runs go eight at a time,
# each in its own folder: most end within milliseconds, but chapter 10's
# each wait about 0.3 s for Open MPI to start, mostly asleep.
fails_cleanly_without_memory() {
    oom_program=$(pwd)/build/bin/$1
    shift
    oom_runs=$scratch/oom-runs oom_ref=$scratch/oom-runs/reference
    rm -rf "$oom_runs" && mkdir -p "$oom_ref" || return 1
    printf 'x,y\n1,2\n2,3\n3,5\n4,4\n' >"$oom_ref/points.csv"
    ls -A "$oom_ref" >"$oom_runs/before"
    (cd "$oom_ref" && FAILMALLOC_COUNT=../count LD_PRELOAD=$oom_lib "$oom_program" "$@" >../stdout) ||
        { echo "${oom_program##*/} $*: fails with every allocation granted"; return 1; }
    oom_calls=$(cat "$oom_runs/count")
    [ "$oom_calls" -gt 0 ] || { echo "${oom_program##*/} $*: no allocation counted: is failmalloc.so preloaded?"; return 1; }
    oom_n=1
    while [ "$oom_n" -le "$oom_calls" ]; do
        oom_run "$oom_n" "$@" &
        [ $((oom_n % 8)) -ne 0 ] || wait
        oom_n=$((oom_n + 1))
    done
    wait
    oom_n=1
    while [ "$oom_n" -le "$oom_calls" ]; do
        oom_judge "$oom_n" "${oom_program##*/} $* with allocation $oom_n of $oom_calls failing" || return 1
        rm -rf "${oom_runs:?}/$oom_n"
        oom_n=$((oom_n + 1))
    done
}

# oom_run N ARGS...: the run with allocation N failing, in
# $oom_runs/N/run (holding points.csv), its standard output, standard
# error and exit status beside that folder.
oom_run() {
    oom_at=$1
    shift
    mkdir -p "$oom_runs/$oom_at/run" && cp "$oom_ref/points.csv" "$oom_runs/$oom_at/run/" || return 1
    (cd "$oom_runs/$oom_at/run" && FAILMALLOC_AT=$oom_at LD_PRELOAD=$oom_lib exec "$oom_program" "$@" >../out 2>../err)
    echo $? >"$oom_runs/$oom_at/status"
}

# oom_judge N WHAT: whether run N kept the rules above (WHAT names it).
oom_judge() {
    oom_d=$oom_runs/$1
    oom_status=$(cat "$oom_d/status") || { echo "$2: did not run"; return 1; }
    if [ "$oom_status" -eq 0 ]; then
        cmp -s "$oom_d/out" "$oom_runs/stdout" && diff -r "$oom_d/run" "$oom_ref" >/dev/null ||
            { echo "$2: exit status 0, but other output than with all granted"; return 1; }
    else
        [ "$oom_status" -eq 1 ] || { echo "$2: exit status $oom_status, expected 1:"; cat "$oom_d/err"; return 1; }
        [ "$(wc -l <"$oom_d/err")" -eq 1 ] && grep -qi 'memory' "$oom_d/err" ||
            { echo "$2: expected one line saying memory ran out, got:"; cat "$oom_d/err"; return 1; }
        ls -A "$oom_d/run" | cmp -s - "$oom_runs/before" ||
            { echo "$2: left files behind:"; ls -A "$oom_d/run"; return 1; }
    fi
}

# each_fails_cleanly "PROGRAM ARGS" ...: every command line given, each
# one string of words.
each_fails_cleanly() {
    for oom_line in "$@"; do
        # shellcheck disable=SC2086  # the command line is meant to split
        fails_cleanly_without_memory $oom_line || return 1
    done
}

# Only the program started is tested: what it starts (chapter 10's
# MPI_Init starts Open MPI's orted, which ends after the program) must not
# fail allocations, nor write its own count over the program's.
# - coreutils' timeout starts cat, which prints the environment as the
#   kernel handed it over at exec (env would print its own, which its own
#   copy of failmalloc.so has already emptied), and then returns from
#   main() and writes its count (sh would not: it leaves with _exit).
# - perl forks a child that outlives it and ends with exit(): only the
#   parent writes the count (the child waits for a go file, made once the
#   parent's count is read and removed).
only_the_program_started() {
    rm -f "$scratch/timeout-count" "$scratch/perl-count" "$scratch/perl-go"
    oom_env=$(FAILMALLOC_AT=1000000 FAILMALLOC_COUNT=$scratch/timeout-count FAILMALLOC_PROGRAM=0 \
              LD_PRELOAD=$oom_lib timeout 60 cat /proc/self/environ | tr '\0' '\n')
    printf '%s\n' "$oom_env" | grep -q '^PATH=' || { echo "cat printed no environment"; return 1; }
    ! printf '%s\n' "$oom_env" | grep '^FAILMALLOC_' ||
        { echo "^ the cat that timeout started was given these settings too"; return 1; }
    [ "$(cat "$scratch/timeout-count")" -gt 0 ] || { echo "timeout's own count was not written"; return 1; }
    FAILMALLOC_COUNT=$scratch/perl-count LD_PRELOAD=$oom_lib perl -e '
        my $child = fork;
        if (defined $child && $child == 0) {
            my $waited = 0;
            select(undef, undef, undef, 0.05) until -e $ARGV[0] || ++$waited > 1200;
            exit 0;
        }
        print "$child\n";' "$scratch/perl-go" >"$scratch/perl-child" || { echo "perl failed"; return 1; }
    [ "$(cat "$scratch/perl-count")" -gt 0 ] || { echo "perl's own count was not written"; return 1; }
    rm "$scratch/perl-count" && touch "$scratch/perl-go" || return 1
    oom_child=$(cat "$scratch/perl-child")
    [ -n "$oom_child" ] || { echo "perl did not fork"; return 1; }
    # (gone, or a zombie that nobody has reaped yet)
    oom_child_ended() { [ "$(cut -d' ' -f3 "/proc/$oom_child/stat" 2>/dev/null || echo Z)" = Z ]; }
    within 10 oom_child_ended
    [ ! -e "$scratch/perl-count" ] || { echo "perl's forked child wrote its count: $(cat "$scratch/perl-count")"; return 1; }
}
check "out of memory: failmalloc.so tests the program started, not the programs it starts or forks" \
    only_the_program_started
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
export FAILMALLOC_PROGRAM=1
# Every buffer is allocated before the first step, whichever --allreduce;
# the fixed order and the ring each use their own (one rank: no tree).
oom_check "10-data-parallel --data-dir $(pwd)/$scratch/oom-fashion-mnist --steps 2 --batch-size 8 --micro-batch 4 --hidden 8 --test test.csv --comm comm.csv --out out.csv" \
    "10-data-parallel --data-dir $(pwd)/$scratch/oom-fashion-mnist --allreduce ring --steps 2 --batch-size 8 --micro-batch 4 --hidden 8 --out out.csv"
unset FAILMALLOC_PROGRAM

# A chapter added later names its runs in a file of its own,
# tests/NN-topic.oom: one command line a line as above (# comments and
# blank lines skipped; FASHION_MNIST stands for the small dataset's
# folder), so that adding a chapter edits no file here.
oom_check_lines() {
    oom_old_ifs=$IFS IFS='
'
    set -f
    # shellcheck disable=SC2086  # one argument a line
    set -- $1
    set +f
    IFS=$oom_old_ifs
    oom_check "$@"
}
for oom_file in tests/[0-9][0-9]-*.oom; do
    [ -f "$oom_file" ] || continue
    oom_check_lines "$(sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' \
                          -e "s|FASHION_MNIST|$(pwd)/$scratch/oom-fashion-mnist|g" "$oom_file")"
done

# Every chapter program has a run above or in its chapter's .oom file.
every_program_runs_out_of_memory() {
    for oom_src in chapters/[0-9][0-9]-*.c; do
        oom_name=$(basename "$oom_src" .c)
        grep -q "\"$oom_name " tests/out-of-memory.sh ||
            grep -qs "^$oom_name " "tests/${oom_name%%.*}.oom" ||
            { echo "$oom_name has no run here: add a command line to tests/${oom_name%%.*}.oom"; return 1; }
    done
}
check "every chapter program is run out of memory" every_program_runs_out_of_memory
