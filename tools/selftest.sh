#!/bin/sh
# selftest.sh: the course's self-test, run by `make test` (after `make` has
# built the programs, data, figures and book) and by CI.
#
# It checks that the course keeps its promises: the graded tests pass the
# solutions (also under AddressSanitizer and UndefinedBehaviorSanitizer), fail
# every untouched stub, and catch every mutant with the diagnostic that names
# its bug; the chapter programs reach what the lessons state, refuse bad
# input cleanly, and fail cleanly wherever memory runs out; runs and
# figures are byte-for-byte reproducible; the book has no broken link; the
# lessons quote the current source; no chapter program carries a copy of
# code it could call; make try works.
#
# The checks come in groups that share nothing, so that make runs them side
# by side (make test uses every core):
#   tools/selftest.sh --groups        the groups' names, in report order
#   tools/selftest.sh --run-order     the same names, in the order make
#                                     starts them (see run_order)
#   tools/selftest.sh --group NAME    runs one group; one line per check
#   tools/selftest.sh --summary       every group's lines, in order, then
#                                     "N passed, M failed"; exit status 0
#                                     only when nothing failed
#   tools/selftest.sh                 all of it, one group after another
# SELFTEST_CHAPTERS="04-optimizers 06-nonconvexity" checks only those
# chapters (for a maintainer working on them; CI checks everything).
set -u
cd "$(dirname "$0")/.." || exit 2
results=build/selftest

all_chapters=$(for f in tests/[0-9][0-9]-*.c; do basename "$f" .c; done | tr '\n' ' ')
chapters=$(echo ${SELFTEST_CHAPTERS:-$all_chapters})

groups() {
    echo grading-solutions sanitizers stubs
    for c in $chapters; do
        [ -f "tests/$c.mutants" ] && echo "mutants-${c%%-*}"
    done
    case " $chapters " in *" 01-gradient-descent "*) echo grading ;; esac
    for c in $chapters; do
        [ -f "tests/$c.sh" ] && echo "programs-${c%%-*}"
    done
    echo outputs out-of-memory book-layout one-code-path students-files
}

# The order make starts the groups in (two at a time on two cores): the
# longest first, so that no long group starts last and keeps one core busy
# while the other idles. grading spends a quarter of its time waiting on
# the time limits it tests, which the groups beside it fill; outputs reruns
# every experiment; sanitizers builds and grades everything again. The
# others are short and fill the gaps, in report order.
run_order() {
    first="grading outputs sanitizers"
    all=$(groups | tr ' ' '\n')
    for group in $first; do echo "$all" | grep -x "$group"; done
    echo "$all" | grep -vxF "$(echo $first | tr ' ' '\n')"
}

# Every group's lines in report order, then the count.
summary() {
    passed=0 failed=0 skipped=0
    for group in $(groups); do
        out=$results/$group.out
        if [ ! -f "$out" ]; then
            echo "FAIL  group $group did not run"
            failed=$((failed + 1))
            continue
        fi
        grep -v '^#' "$out"
        p=$(grep -c '^ok ' "$out") f=$(grep -c '^FAIL ' "$out")
        # A group ends with its count. One that stopped before (the shell
        # gave up on an unset variable, or was killed) skipped the checks
        # after its last line, and passed none of them.
        if ! grep -q "^# $group: [0-9]* passed, [0-9]* failed\$" "$out"; then
            echo "FAIL  group $group stopped before its end, after: $(tail -n 1 "$out" | cut -c 1-120)"
            f=$((f + 1))
        fi
        passed=$((passed + p)) failed=$((failed + f))
        skipped=$((skipped + $(grep -c '^skip ' "$out")))
    done
    echo
    echo "$passed passed, $failed failed$([ "$skipped" -eq 0 ] || echo ", $skipped skipped")"
    [ "$failed" -eq 0 ]
}

case "${1:-}" in
    --groups) groups; exit 0 ;;
    --run-order) run_order; exit 0 ;;
    --summary) summary; exit ;;
    --group) only=${2:?}; [ -n "$only" ] ;;
    '') only="" ;;
    *) echo "usage: tools/selftest.sh [--groups | --run-order | --group NAME | --summary]" >&2; exit 2 ;;
esac

# Runs the groups one after another when none is named.
if [ -z "$only" ]; then
    rm -rf "$results"
    mkdir -p "$results"
    for group in $(groups); do
        "$0" --group "$group" >"$results/$group.out" 2>&1
    done
    summary
    exit
fi

scratch=$results/$only
rm -rf "$scratch"
mkdir -p "$scratch"
passed=0
failed=0
count=0

# check DESCRIPTION COMMAND...: runs COMMAND, quietly; a non-zero exit fails
# the check, and the end of its output is shown to say why. Exit status
# SKIPPED (a check that cannot run here, e.g. one that needs root) is
# neither a pass nor a failure: the line says "skip" and why.
SKIPPED=77
check() {
    description=$1
    shift
    count=$((count + 1))
    log=$scratch/check-$count.log
    [ -z "${SELFTEST_TIMES:-}" ] || start=$(date +%s.%N)
    if "$@" >"$log" 2>&1; then
        passed=$((passed + 1))
        echo "ok    $description"
    elif [ $? -eq "$SKIPPED" ]; then
        echo "skip  $description ($(tail -n 1 "$log"))"
    else
        failed=$((failed + 1))
        echo "FAIL  $description"
        tail -n 12 "$log" | sed 's/^/      /'
    fi
    [ -z "${SELFTEST_TIMES:-}" ] || awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "#     %.1f s\n", e - s }'
}

# in GROUP: true when this run is that group.
in_group() { [ "$only" = "$1" ]; }

# finite: an awk regular expression that matches a finite number as the
# programs print one, and not nan, -nan or inf. awk compares those as text:
# in mawk, "nan" > 1e-7 and "-nan" < 1e-6 are both true, and x != x is
# never true, so a threshold alone lets them through.
finite='^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?$'

# within SECONDS COMMAND...: true as soon as COMMAND succeeds, tried every
# 0.1 s; false when it has not within SECONDS. For what a loaded machine
# may take a moment to do (start a listener, end a killed process): a
# fixed sleep was either too short there or slow everywhere.
within() {
    wi_tries=$(($1 * 10))
    shift
    until "$@"; do
        wi_tries=$((wi_tries - 1))
        [ "$wi_tries" -gt 0 ] || return 1
        sleep 0.1
    done
}

# no_process ERE: true when no process's command line matches the extended
# regular expression ERE (pgrep -f's reading). A pgrep that cannot answer
# (not installed, a bad pattern) is an error, never "none left".
no_process() {
    pgrep -f -- "$1" >/dev/null
    np_status=$?
    # (Said once, though `within` asks again and again.)
    [ "$np_status" -le 1 ] || [ "${np_said:-}" = "$1" ] ||
        { echo "pgrep -f '$1' could not answer (status $np_status)"; np_said=$1; }
    [ "$np_status" -eq 1 ]
}

# Fails (with a message on stdout) unless $1 is a number within $3 of $2.
# All three must read as finite numbers: awk takes "nan", a word or an
# empty column (column() on a name that is not there) for 0 or for a
# value no comparison rejects, which passed a run that had diverged.
near() {
    awk -v a="$1" -v b="$2" -v t="$3" -v what="${4:-value}" -v num="$finite" 'BEGIN {
        d = a - b; if (d < 0) d = -d
        if (a !~ num || b !~ num || t !~ num || !(d <= t)) {
            printf "%s is %s, expected %s within %s\n", what, a, b, t; exit 1 }
    }'
}

# column FILE NAME [ROW]: the value of column NAME in the last data row (or
# in data row ROW, counting from 0) of a CSV file with a header.
column() {
    awk -F, -v name="$2" -v row="${3:--1}" '
        NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
        { v[NR - 2] = $c; n = NR - 1 }
        END { if (!c) exit 1; print v[row < 0 ? n - 1 : row] }' "$1"
}

# fuzz NAME FILE...: libFuzzer on tests/fuzz-NAME.c, built with FILE...
# (the sources it tests, and -l flags) under AddressSanitizer and
# UndefinedBehaviorSanitizer, run for 10 s (seed 1) from the seeds in
# tests/fuzz-NAME.corpus. A crash, a leak, a sanitizer report or a run
# that did not finish fails; new inputs go to the scratch folder, never to
# the repository.
fuzz() {
    name=$1
    shift
    command -v clang >/dev/null 2>&1 || { echo "clang is not installed: run make deps"; return 1; }
    clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
        -Ilib "tests/fuzz-$name.c" "$@" -o "$scratch/fuzz-$name" ||
        { echo "cannot build the fuzzer: run make deps"; return 1; }
    rm -rf "$scratch/fuzz-$name-corpus"
    mkdir -p "$scratch/fuzz-$name-corpus"
    log=$scratch/fuzz-$name.log
    "$scratch/fuzz-$name" -seed=1 -max_total_time=10 -max_len=4096 -timeout=10 \
        -artifact_prefix="$scratch/fuzz-$name-crash-" "$scratch/fuzz-$name-corpus" \
        "tests/fuzz-$name.corpus" >"$log" 2>&1 || { tail -n 40 "$log"; return 1; }
    grep '^Done [0-9]* runs' "$log" || { tail -n 20 "$log"; return 1; }
    ! grep -E 'ERROR: |runtime error' "$log"
}

# --------------------------------------------------------------- grading

stubs_are_fresh() { tools/stubs.sh --check; }
if in_group grading-solutions; then
    check "exercises/ are the stubs generated from solutions/" stubs_are_fresh
    # (The grader links each suite with build/obj/solutions/, which the
    # Makefile compiles with -Werror: a warning stops grading.)
    check "solutions pass every graded test (-Werror)" \
        env GRADE_QUIET=1 tools/grade.sh solutions
fi
# A student on a 64-bit ARM machine (a Raspberry Pi, a Linux VM on an
# Apple Silicon Mac) builds the course too: every file make and make check
# compile must compile for arm64 with the Makefile's flags, -Werror
# included, so that x86 code stays behind its guards (lib/matmul.c's AVX
# kernels, tests/grading.c's seccomp filter, which names its architecture).
# Debian's cross compiler checks the syntax and types; the headers of
# Check, zlib and OpenMPI are the machine's (the same on any 64-bit Linux).
builds_for_arm64() {
    flags=$(printf 'show-flags:\n\t@echo $(CPPFLAGS) $(CFLAGS)\n' | make -s --no-print-directory -f Makefile -f - show-flags) || return 1
    flags=$(for f in $flags; do case $f in -MMD|-MP|-ffile-prefix-map=*) ;; *) printf '%s ' "$f" ;; esac; done)
    shim=$scratch/arm64-headers
    mkdir -p "$shim" || return 1
    for h in /usr/include/check.h /usr/include/check_stdint.h /usr/include/zlib.h /usr/include/zconf.h \
        $(pkg-config --cflags-only-I ompi-c | sed 's/-I\([^ ]*\)/\1\/*.h/g'); do
        [ -f "$h" ] && ln -sf "$h" "$shim/"
    done
    for f in lib/*.c solutions/*.c exercises/*.c chapters/*.c tests/grading.c tests/[0-9][0-9]-*.c; do
        # shellcheck disable=SC2086  # the flags are meant to split
        aarch64-linux-gnu-gcc $flags -idirafter "$shim" -DPROGRAM_NAME='"arm64"' -fsyntax-only "$f" ||
            { echo "$f does not compile for arm64"; return 1; }
    done
}
in_group sanitizers &&
    check "every file make and make check compile builds for 64-bit ARM with the Makefile's flags (-Werror)" builds_for_arm64

in_group sanitizers &&
    check "solutions pass under AddressSanitizer and UndefinedBehaviorSanitizer" \
        env GRADE_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
        CK_TIMEOUT_MULTIPLIER=5 GRADE_QUIET=1 tools/grade.sh solutions

# Every graded test must fail on the untouched stubs: "0%: Checks: N,
# Failures: F, Errors: E" with F + E = N, for every chapter; and the stubs
# compile with the Makefile's flags, -Werror included.
stubs_fail_everything() {
    mkdir -p "$scratch/stubs"
    for s in solutions/[0-9][0-9]-*.c; do
        awk -f tools/make-stub.awk "$s" >"$scratch/stubs/${s##*/}"
    done
    make -s $(ls exercises/[0-9][0-9]-*.c | sed 's|^|build/obj/|; s|\.c$|.o|') || return 1
    GRADE_QUIET=1 tools/grade.sh "$scratch/stubs" >"$scratch/stubs.out"
    [ $? -eq 1 ] || { echo "grading the stubs did not exit with status 1"; return 1; }
    cat "$scratch/stubs.out"
    for c in $chapters; do
        grep "^$c: " "$scratch/stubs.out" | awk '{
            gsub(/,/, ""); n = $4; f = $6; e = $8
            if (n == 0 || f + e != n) { print "some tests pass on the stub: " $0; exit 1 }
            ok = 1 } END { exit !ok }' || return 1
    done
}
in_group stubs && check "untouched stubs fail every graded test" stubs_fail_everything

# mutant STEM NAME [SPEC]: grades the solution with that mutant's bug (from
# SPEC, tests/STEM.mutants by default) and expects a failing grade whose
# output contains the mutant's `expect` text.
mutant() {
    spec=${3:-tests/$1.mutants}
    dir=$scratch/mutants/$1/$2
    mkdir -p "$dir"
    awk -v spec="$spec" -v name="$2" -f tools/mutate.awk "solutions/$1.c" >"$dir/$1.c" || return 1
    expect=$(awk -v n="$2" '$1 == "mutant" { m = $2 } m == n && $1 == "expect" { sub(/^expect[ \t]*/, ""); print }' "$spec")
    # One expect line, not empty: grep -F matches anything with an empty
    # pattern, and either of two lines.
    [ -n "$expect" ] && [ "$(printf '%s\n' "$expect" | wc -l)" -eq 1 ] ||
        { echo "mutant $2 needs exactly one expect line in $spec"; return 1; }
    # A mutant that must hang need not hang for 3 s a test.
    case "$expect" in
        *"did not finish within"*) multiplier=0.2 ;;
        *) multiplier=${CK_TIMEOUT_MULTIPLIER:-1} ;;
    esac
    CK_TIMEOUT_MULTIPLIER=$multiplier tools/grade.sh "$dir" "${1%%-*}" >"$dir/grade.out" 2>&1
    status=$?
    [ "$status" -eq 1 ] || { echo "the grader exited with $status, not 1"; return 1; }
    grep -qF -- "$expect" "$dir/grade.out" ||
        { echo "expected the diagnostic: $expect"; cat "$dir/grade.out"; return 1; }
}
# Two lists per chapter: tests/STEM.mutants, the classic bugs the lesson
# warns about, and tests/STEM.angles.mutants, written apart from the first
# from other angles (a student porting from Python, one who misreads the
# math, one who optimises early, state no first test read).
for c in $chapters; do
    [ -f "tests/$c.mutants" ] && in_group "mutants-${c%%-*}" || continue
    for spec in "tests/$c.mutants" "tests/$c.angles.mutants"; do
        [ -f "$spec" ] || continue
        for m in $(awk '$1 == "mutant" { print $2 }' "$spec"); do
            check "mutant $c/$m is caught by name" mutant "$c" "$m" "$spec"
        done
    done
done

# A mutant breaks the function it is named for, and no other: a find
# whose line is in several functions is refused until an `in` line names
# them, and `in` confines it (tools/mutate.awk). Chapter 4's optimizers
# share the line that adds weight decay.
mutate_confines_finds() {
    spec=$scratch/confined.mutants
    printf '%s\n' 'mutant  anywhere' 'find    double g = grads[i] + cfg->weight_decay * params[i];' \
        'replace double g = grads[i];' '' 'mutant  in-adam' 'in      adam_step' \
        'find    double g = grads[i] + cfg->weight_decay * params[i];' 'replace double g = grads[i];' '' \
        'mutant  in-lion' 'in      lion_step' \
        'find    double g = grads[i] + cfg->weight_decay * params[i];' 'replace double g = grads[i];' >"$spec"
    if awk -v spec="$spec" -v name=anywhere -f tools/mutate.awk solutions/04-optimizers.c \
        >/dev/null 2>"$scratch/confined.err"; then
        echo "a find in four functions was applied to all of them"; return 1
    fi
    grep -qF "is in sgd_step adam_step rmsprop_step adagrad_step: add a line \`in NAME ...\`" \
        "$scratch/confined.err" || { cat "$scratch/confined.err"; return 1; }
    awk -v spec="$spec" -v name=in-adam -f tools/mutate.awk solutions/04-optimizers.c >"$scratch/in-adam.c" || return 1
    changed=$(diff solutions/04-optimizers.c "$scratch/in-adam.c" | grep -c '^>')
    [ "$changed" -eq 1 ] || { echo "in adam_step changed $changed lines"; return 1; }
    awk '/^void adam_step\(/ { f = 1 } /^}/ { f = 0 } f && /double g = grads\[i\];/ { found = 1 } END { exit !found }' \
        "$scratch/in-adam.c" || { echo "in adam_step changed another function"; return 1; }
    if awk -v spec="$spec" -v name=in-lion -f tools/mutate.awk solutions/04-optimizers.c \
        >/dev/null 2>"$scratch/confined.err"; then
        echo "a find confined to a function without that line was applied"; return 1
    fi
    grep -qF "in lion_step of solutions/04-optimizers.c" "$scratch/confined.err" ||
        { cat "$scratch/confined.err"; return 1; }
    # Every function an `in` names must hold the line: a misspelt one too.
    printf '%s\n' 'mutant  misspelt' 'in      sgd_step adam_stpe' \
        'find    double g = grads[i] + cfg->weight_decay * params[i];' 'replace double g = grads[i];' >"$spec"
    if awk -v spec="$spec" -v name=misspelt -f tools/mutate.awk solutions/04-optimizers.c \
        >/dev/null 2>"$scratch/confined.err"; then
        echo "an \`in\` naming a function without the line was applied to the others"; return 1
    fi
    grep -qF "in adam_stpe of solutions/04-optimizers.c (the \`in\` line names it)" "$scratch/confined.err" ||
        { cat "$scratch/confined.err"; return 1; }
}
in_group mutants-04 && check "a mutant's find in several functions needs \`in\`, which confines it to those" mutate_confines_finds

# Every "Read: section" pointer of the grader names a real lesson heading
# (the grader's listing of each suite, built while grading above, has them).
sections_exist() {
    for c in $chapters; do
        results=build/grade/list/$c.tsv
        [ -s "$results" ] || { echo "no listing $results"; return 1; }
        awk -F '\t' 'NR > 1 { print $8 }' "$results" | while read -r section; do
            # (the whole heading: "Adam" must not be found in "AdamW: ...")
            sed -n 's/^#\{1,\} //p' "chapters/$c.md" | grep -qxF -- "$section" ||
                { echo "chapters/$c.md has no section \"$section\""; exit 1; }
        done || return 1
    done
}
in_group grading-solutions && check "every exercise's lesson section exists" sections_exist

# A hint points at the idea, the formula or the lesson's section; it never
# writes the code: no loops, blocks, statements or C's compound operators.
hints_are_not_code() {
    for c in $chapters; do
        awk -F '\t' -v c="$c" 'NR > 1 && $9 ~ /for \(|while \(|[{}]|[-+*\/]=|\+\+|--|\[[a-z]\]|\(size_t|;[ ]*}/ {
            print c ": the hint of " $2 " reads like code: " $9; bad = 1 } END { exit bad }' \
            "build/grade/list/$c.tsv" || return 1
    done
}
in_group grading-solutions && check "hints point at ideas and formulas, never at code" hints_are_not_code

# The grading machinery: make grade, grade-class, hint, reset, watch.
in_group grading && . tests/grading.sh

# ------------------------------------------------------- chapter programs
# idx_bytes N...: the bytes with those values, 0 to 255.
idx_bytes() {
    for idx_b in "$@"; do
        # shellcheck disable=SC2059  # the format is the byte's octal escape
        printf "\\$(printf %03o "$idx_b")"
    done
}

# idx_header TYPE DIM...: an IDX header: two zero bytes, the type, the
# number of dimensions, then each as 4 bytes, most significant first.
idx_header() {
    idx_bytes 0 0 "$1" $(($# - 1))
    shift
    for idx_d in "$@"; do
        idx_bytes $((idx_d >> 24 & 255)) $((idx_d >> 16 & 255)) $((idx_d >> 8 & 255)) $((idx_d & 255))
    done
}

# small_fashion_mnist DIR SPLIT COUNT PIXELS...: a Fashion-MNIST split
# (train or t10k) of COUNT images, gzip-compressed into DIR as the real
# files are: the pixels are the first COUNT x 784 bytes the command PIXELS
# prints, the labels 0 to 9 in turn.
small_fashion_mnist() {
    sfm_dir=$1 sfm_split=$2 sfm_count=$3
    shift 3
    mkdir -p "$sfm_dir" || return 1
    { idx_header 8 "$sfm_count" 28 28; "$@" | head -c $((sfm_count * 784)); } |
        gzip -n >"$sfm_dir/$sfm_split-images-idx3-ubyte.gz" || return 1
    { idx_header 8 "$sfm_count"
      sfm_i=0
      while [ "$sfm_i" -lt "$sfm_count" ]; do idx_bytes $((sfm_i % 10)); sfm_i=$((sfm_i + 1)); done; } |
        gzip -n >"$sfm_dir/$sfm_split-labels-idx1-ubyte.gz"
}

# expect_bad_input FLAG ARGS...: the program must refuse ARGS with one line
# on stderr naming FLAG, exit status 2, nothing on stdout, and no --out file.
expect_bad_input() {
    flag=$1
    shift
    out=$scratch/refused.csv
    rm -f "$out" "$out".tmp-*
    "$program" --out "$out" "$@" >"$scratch/stdout" 2>"$scratch/stderr"
    status=$?
    [ "$status" -eq 2 ] || { echo "exit status $status, expected 2"; return 1; }
    [ ! -s "$scratch/stdout" ] || { echo "printed to stdout"; return 1; }
    [ "$(wc -l <"$scratch/stderr")" -eq 1 ] || { echo "stderr is not one line:"; cat "$scratch/stderr"; return 1; }
    grep -qF -- "$flag" "$scratch/stderr" || { echo "stderr does not name $flag:"; cat "$scratch/stderr"; return 1; }
    [ -z "$(ls "$out" "$out".tmp-* 2>/dev/null)" ] || { echo "left an output file"; return 1; }
}

# refused_at_once FLAG ARGS...: expect_bad_input for a run past a bound on
# its size (lib/cli.h's cli_check_work). The refusal comes before any
# work, so a program that takes the run anyway is stopped at 10 s of CPU
# and 100 MB of file, and fails the check instead of running for days.
refused_at_once() {
    (ulimit -t 10 && ulimit -f 200000 && expect_bad_input "$@")
}

# input_is_kept FLAG OUT_FLAG ARGS...: OUT_FLAG (--out, --save-data)
# naming the file FLAG reads is refused with exit status 2, in one line
# naming both, and the file is left as it was (before lib/cli.c's `reads`
# the output replaced it).
input_is_kept() {
    flag=$1 out_flag=$2
    shift 2
    printf 'x,y\n1,2\n2,3\n' >"$scratch/input.csv"
    "$program" "$@" "$flag" "$scratch/input.csv" "$out_flag" "$scratch/input.csv" >/dev/null 2>"$scratch/stderr"
    status=$?
    [ "$status" -eq 2 ] || { echo "exit status $status, expected 2"; return 1; }
    [ "$(wc -l <"$scratch/stderr")" -eq 1 ] && grep -q -- "$out_flag '.*input.csv': the same file as $flag" "$scratch/stderr" ||
        { echo "stderr does not name both flags:"; cat "$scratch/stderr"; return 1; }
    [ "$(cat "$scratch/input.csv")" = "$(printf 'x,y\n1,2\n2,3')" ] || { echo "the file $flag reads was replaced"; return 1; }
}

# start_is_blamed ARGS...: a run whose loss overflows before any step
# (lib/loop.c's loop_blame_start) must stop with exit status 1 and blame
# --start or --data, at step 0, never the learning rate.
start_is_blamed() {
    "$program" "$@" >/dev/null 2>"$scratch/start.err"
    [ $? -eq 1 ] && grep -q "at step 0:.*\(--start\|--data\)" "$scratch/start.err" && ! grep -q -- '--lr' "$scratch/start.err" ||
        { echo "a start where the loss overflows was not blamed on --start or --data:"; cat "$scratch/start.err"; return 1; }
}

# saved_only_with_out ARGS...: a run whose --out cannot be written (a full
# device) ends with exit status 1, as --help says, and leaves no
# --save-data file: a run's files are committed together or not at all
# (lib/output.h's output_commit_all). The dataset was once renamed into
# place before the run began.
saved_only_with_out() {
    saved=$scratch/saved.csv
    rm -f "$saved" "$saved".tmp-*
    "$program" "$@" --save-data "$saved" --out /dev/full >/dev/null 2>"$scratch/stderr"
    status=$?
    [ "$status" -eq 1 ] || { echo "exit status $status, where --help says 1"; return 1; }
    grep -q -- "--out '/dev/full': No space left on device" "$scratch/stderr" || { cat "$scratch/stderr"; return 1; }
    [ -z "$(ls "$saved" "$saved".tmp-* 2>/dev/null)" ] || { echo "left $(ls "$saved"*)"; return 1; }
}

# help_gives_status_1 PHRASE: the "Exit status:" of --help gives status 1
# to PHRASE ("a file could not be written").
help_gives_status_1() {
    ones=$("$program" --help | sed -n '/Exit status:/,/^Flags:/p' | tr '\n' ' ' |
        sed 's/.*Exit status: 0 done; 1 //; s/; 2 bad input.*//')
    case "$ones" in
        *"$1"*) ;;
        *) echo "--help's exit status 1 does not say \"$1\": $ones"; return 1 ;;
    esac
}

# status_one_as_help_says PHRASE ARGS...: the run ARGS ends with exit
# status 1, which --help gives to PHRASE: programs exited 1 for causes,
# and kept rows, that their help did not say.
status_one_as_help_says() {
    phrase=$1
    shift
    "$program" "$@" >/dev/null 2>"$scratch/stderr"
    status=$?
    [ "$status" -eq 1 ] || { echo "exit status $status, expected 1:"; cat "$scratch/stderr"; return 1; }
    help_gives_status_1 "$phrase"
}

# rows_kept_as_help_says ARGS...: a run ARGS whose loss stops being finite
# ends with exit status 1 and keeps the rows before it in --out, as --help
# says.
rows_kept_as_help_says() {
    rm -f "$scratch/diverged.csv"
    status_one_as_help_says "the rows before it are kept" "$@" --out "$scratch/diverged.csv" || return 1
    [ "$(wc -l <"$scratch/diverged.csv")" -ge 2 ] || { echo "the rows before it were not kept"; return 1; }
    # Before it: the row whose loss is not finite is not one of them.
    awk -F, -v finite="$finite" 'NR > 1 { for (i = 1; i <= NF; i++) if ($i !~ finite) { print "row " NR - 1 " holds " $i; exit 1 } }' \
        "$scratch/diverged.csv"
}

# short_of_memory_is_status_1 KB,KB,... ARGS...: under ulimit -v KB, too
# little address space for the run's dataset, the run must say that memory
# ran out and stop with exit status 1, a failed run: nothing the user typed
# is wrong. (The loaders' refusals were all bad input, status 2.) Several
# limits, because where the window lies (room for the program and its
# libraries, MPI's included, but not for the images) depends on the
# machine: at least one must run out of memory, and every one that does
# must exit 1.
short_of_memory_is_status_1() {
    limits=$1 ran_out=0
    shift
    for kb in $(echo "$limits" | tr ',' ' '); do
        (ulimit -v "$kb" && exec "$program" "$@") >/dev/null 2>"$scratch/stderr"
        status=$?
        grep -q "found none left\|out of memory" "$scratch/stderr" || continue
        ran_out=1
        [ "$status" -eq 1 ] || { echo "under ulimit -v $kb, exit status $status, expected 1:"; cat "$scratch/stderr"; return 1; }
    done
    [ "$ran_out" = 1 ] || { echo "under ulimit -v $limits, memory never ran out:"; cat "$scratch/stderr"; return 1; }
    help_gives_status_1 "memory ran out"
}

# help_describes_every_task: every choice --help offers for --task is
# named outside the flag list too (where scopes repeat the names), so that
# no task is left for the user to guess from its name.
help_describes_every_task() {
    "$program" --help >"$scratch/help" || return 1
    tasks=$(sed -n 's/^  --task NAME .*: \([a-z|-]*\) (default.*/\1/p' "$scratch/help" | tr '|' ' ')
    [ -n "$tasks" ] || { echo "--help lists no choices for --task"; return 1; }
    grep -v '^  --' "$scratch/help" >"$scratch/help-prose"
    for task in $tasks; do
        grep -qw -- "$task" "$scratch/help-prose" || { echo "--help does not describe --task $task"; return 1; }
    done
}

help_lists_every_flag() {
    "$program" --help >"$scratch/help" || return 1
    for flag in "$@"; do
        # (the whole flag: --n must not be found in --noise)
        grep -qE -- "--$flag([^a-z0-9-]|\$)" "$scratch/help" || { echo "--help does not mention --$flag"; return 1; }
    done
    # -h is --help's short form (lib/cli.c): listed, and the same text.
    grep -qF -- "  --help, -h " "$scratch/help" || { echo "--help does not list -h"; return 1; }
    "$program" -h | cmp -s - "$scratch/help" || { echo "-h does not print --help's text"; return 1; }
}

for c in $chapters; do
    program=build/bin/$c
    data=build/data/$c
    [ -f "tests/$c.sh" ] && in_group "programs-${c%%-*}" && . "tests/$c.sh"
done

# ------------------------------------------------ reproducibility, figures
runs_are_reproducible() {
    for c in $chapters; do
        [ -f "chapters/$c.runs" ] || continue
        # shellcheck disable=SC2046  # one word per runs file
        tools/run-experiments.sh "$scratch/rerun/$c" $(ls chapters/"$c".runs chapters/"$c".*.runs 2>/dev/null) || return 1
        for f in build/data/"$c"/*.csv; do
            cmp "$f" "$scratch/rerun/$c/${f##*/}" || return 1
        done
    done
}
in_group outputs && check "every experiment gives byte-identical data when run again" runs_are_reproducible

# Nor on the compiler's choices: fast-math (which changed 173 of the 250
# data files, and printed chapter 9's smallest subnormals as 0) in CC,
# CFLAGS or LDFLAGS is refused in one line naming the flag; -O3 is taken.
fast_math_refused() {
    for setting in "CFLAGS=-O2 -ffast-math" CFLAGS=-Ofast LDFLAGS=-ffast-math "CC=cc -ffast-math" \
        "CFLAGS=-O2 -funsafe-math-optimizations"; do
        env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -n --no-print-directory "$setting" programs \
            >/dev/null 2>"$scratch/fast-math.err"
        status=$?
        [ "$status" -eq 2 ] && [ "$(wc -l <"$scratch/fast-math.err")" -eq 1 ] &&
            grep -qF -- "holds ${setting##*[= ]}, which changes the course's numbers" "$scratch/fast-math.err" ||
            { echo "make '$setting': status $status"; cat "$scratch/fast-math.err"; return 1; }
    done
    env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -n --no-print-directory CFLAGS=-O3 programs \
        >/dev/null 2>"$scratch/fast-math.err" || { echo "make CFLAGS=-O3 was refused:"; cat "$scratch/fast-math.err"; return 1; }
}
in_group outputs && check "make refuses fast-math in CC, CFLAGS or LDFLAGS, naming the flag" fast_math_refused

# The programs run from a folder whose path has a space (the course cloned
# into "my course"): run-experiments.sh split the path at its spaces, read
# no runs file, and touched .done over no data. A runs file it cannot read
# now fails the run.
experiments_run_from_any_folder() {
    d="$scratch/my course"
    mkdir -p "$d" && ln -sfn "$(pwd)/build/bin" "$d/bin" || return 1
    BIN_DIR="$d/bin" tools/run-experiments.sh "$scratch/spaced" chapters/01-gradient-descent.runs >/dev/null || return 1
    for f in build/data/01-gradient-descent/*.csv; do
        cmp "$f" "$scratch/spaced/${f##*/}" || return 1
    done
    tools/run-experiments.sh "$scratch/unread" "$scratch/no-such.runs" 2>"$scratch/unread.err" &&
        { echo "a runs file that cannot be read was taken as empty"; return 1; }
    [ ! -e "$scratch/unread/.done" ] && grep -q "cannot read $scratch/no-such.runs" "$scratch/unread.err" ||
        { echo "no refusal, or .done left:"; cat "$scratch/unread.err"; return 1; }
}
in_group outputs && check "experiments run from a folder whose path has a space; a runs file that cannot be read fails the run" experiments_run_from_any_folder

# Two runs into one folder (make and make try started together) take
# turns: the first to come emptied the folder the other was writing in.
# While another run holds the folder, a run waits and leaves it alone.
experiments_take_turns() {
    d=$scratch/turns
    rm -rf "$d" "$d.held" && mkdir -p "$d" && : >"$d/another-run-writes-this" || return 1
    flock -o "$d.lock" sh -c 'echo $$ >"$1.held"; exec sleep 60' sh "$d" &
    holder=$!
    within 10 test -s "$d.held" || { kill "$holder"; echo "the lock was never taken"; return 1; }
    tools/run-experiments.sh "$d" chapters/01-gradient-descent.runs &
    runner=$!
    sleep 1
    kept=0
    [ -e "$d/another-run-writes-this" ] && kept=1
    kill "$holder" "$(cat "$d.held")"
    wait "$runner" || { echo "the waiting run failed"; return 1; }
    [ "$kept" = 1 ] || { echo "the folder was emptied while another run held it"; return 1; }
    [ -e "$d/.done" ] && [ ! -e "$d/another-run-writes-this" ] || { echo "the run after the wait is not whole"; return 1; }
    for f in build/data/01-gradient-descent/*.csv; do
        cmp "$f" "$d/${f##*/}" || return 1
    done
}
in_group outputs && check "two runs of the experiments into one folder take turns" experiments_take_turns

# A failed allocation anywhere in a chapter program: tests/out-of-memory.sh.
in_group out-of-memory && . tests/out-of-memory.sh

# What --out and --save-data point at (lib/output.c): a FIFO and a
# character device are written through, never replaced; a symbolic link's
# target is replaced and the link kept; a full device, a directory and a
# folder that cannot be written fail with one line naming the flag; the
# same file twice is refused; a temporary file left by a killed run is
# removed by the next run to the same target. (Devices are made in the
# scratch folder with mknod, as root: a regression must never replace the
# machine's /dev/null.)
# (A subshell: it works in its own folder, and a failure halfway, which
# returns before any cd back, must leave the checks after it where they
# were.)
outputs_go_where_pointed() (
    p=$(pwd)/build/bin/01-gradient-descent
    d=$scratch/out-kinds
    rm -rf "$d" && mkdir -p "$d" && cd "$d" || return 1
    mkfifo fifo && { cat fifo >from-fifo & }
    "$p" --out fifo || return 1
    wait
    [ -p fifo ] && [ "$(head -n 1 from-fifo)" = "step,loss,w,grad_w" ] || { echo "the FIFO was replaced or not written"; return 1; }
    if [ "$(id -u)" = 0 ]; then
        mknod null c 1 3 && mknod full c 1 7 || return 1
        "$p" --out null && [ -c null ] || { echo "--out to a character device replaced it"; return 1; }
        "$p" --out full 2>err && { echo "writing to a full device succeeded"; return 1; }
        [ -c full ] && grep -q "^01-gradient-descent: --out 'full': No space left on device$" err ||
            { echo "no clear message for a full device:"; cat err; return 1; }
    fi
    # A value is not a flag: --out -h names a file, it does not ask for help.
    "$p" --out -h >help.out && [ ! -s help.out ] && head -n 1 ./-h | grep -q '^step,' ||
        { echo "--out -h did not write a file named -h"; return 1; }
    echo old >target.csv && ln -s target.csv link.csv
    "$p" --out link.csv && [ -L link.csv ] && head -n 1 target.csv | grep -q '^step,' ||
        { echo "a symbolic link was not followed"; return 1; }
    ln -s same.csv to-same.csv
    for bad in "--out ." "--out no/such/folder.csv" "--problem linreg --out same.csv --save-data ./same.csv" \
        "--problem linreg --out to-same.csv --save-data same.csv" "--problem linreg --out - --save-data -"; do
        # shellcheck disable=SC2086  # the flags are meant to split
        "$p" $bad >/dev/null 2>err && { echo "accepted $bad"; return 1; }
        [ "$(wc -l <err)" -eq 1 ] && grep -q -- "--out '\|--save-data '" err || { echo "$bad:"; cat err; return 1; }
    done
    [ ! -e same.csv ] || { echo "a refused run wrote same.csv"; return 1; }
    # Every output is checked before any is written: a bad --out leaves no
    # --save-data file, with status 2; a link to a file not there yet is
    # followed, and its target written.
    "$p" --problem linreg --save-data data.csv --out no/such/run.csv 2>err
    [ $? -eq 2 ] && [ ! -e data.csv ] && grep -q -- "--out 'no/such/run.csv'" err ||
        { echo "a bad --out after --save-data:"; cat err; ls; return 1; }
    ln -s later.csv ahead.csv && "$p" --out ahead.csv && [ -L ahead.csv ] && head -n 1 later.csv | grep -q '^step,' ||
        { echo "a link to a file not there yet was not followed"; return 1; }
    (ulimit -f 8; "$p" --problem linreg --steps 100000 --out big.csv) 2>/dev/null &&
        { echo "a run past the file-size limit succeeded"; return 1; }
    [ -z "$(ls big.csv* 2>/dev/null)" ] || { echo "SIGXFSZ left $(ls big.csv*)"; return 1; }
    : >target.csv.tmp-999999999-abcdef
    "$p" --out target.csv && [ ! -e target.csv.tmp-999999999-abcdef ] ||
        { echo "a stale temporary file of a dead run was left"; return 1; }
    # ... and one whose process has ended but is not reaped yet (a zombie:
    # mpirun can return before the rank it killed is); a running one's stays.
    # The zombie: a subshell that ends a second after its parent has become
    # sleep, which never reaps a child (a shell might, before its exec).
    sh -c '(sleep 1) & echo $! >zombie.pid; exec sleep 30' &
    running=$! zombie="" waited=0
    until [ -n "$zombie" ] && [ "$(sed 's/.*) //' "/proc/$zombie/stat" 2>/dev/null | cut -c 1)" = Z ]; do
        [ "$waited" -lt 150 ] || { echo "no zombie to test with"; kill "$running"; return 1; }
        sleep 0.1 && waited=$((waited + 1)) && zombie=$(cat zombie.pid 2>/dev/null)
    done
    : >"target.csv.tmp-$zombie-abcdef" && : >"target.csv.tmp-$running-abcdef"
    "$p" --out target.csv && [ ! -e "target.csv.tmp-$zombie-abcdef" ] && [ -e "target.csv.tmp-$running-abcdef" ] ||
        { echo "a zombie's temporary file was kept, or a running process's removed: $(ls target.csv.tmp-*)"; kill "$running"; return 1; }
    kill "$running" && wait "$running" 2>/dev/null
    true
)
in_group outputs && check "--out and --save-data: a value such as -h taken as a file name, FIFOs and devices written through, links followed, full disks and clashes (through a link, or stdout twice) refused by flag, nothing written when one is bad, stale temporaries removed (a zombie's too)" outputs_go_where_pointed

# A program started with stdout or stderr closed (`prog 2>&-`, as some
# schedulers start jobs) gave that number to the first file it opened, its
# --out file: chapter 7's range test wrote its suggestions, meant for
# stderr, into the middle of a row of --out, and --save-data - (stdout)
# went into --out's file beside the rows, with exit status 0 both times. A
# closed stream must stay out of the files: messages for it are lost, and
# data for it fails the run (status 1), as writing to it would have.
closed_streams_stay_out_of_files() (
    bin=$(pwd)/build/bin
    d=$scratch/closed-streams
    rm -rf "$d" && mkdir -p "$d" && cd "$d" || return 1
    "$bin/07-schedules.training" --task find --out found.csv 2>&- || { echo "the range test failed with stderr closed"; return 1; }
    "$bin/07-schedules.training" --task find --out rows.csv 2>/dev/null || return 1
    cmp -s found.csv rows.csv || { echo "with stderr closed, --out holds more than its rows:"; diff rows.csv found.csv | head -n 5; return 1; }
    "$bin/01-gradient-descent" --problem linreg --out run.csv --save-data - >&- 2>err
    status=$?
    [ "$status" -eq 1 ] && grep -q "error writing to stdout" err && [ -z "$(ls run.csv* 2>/dev/null)" ] ||
        { echo "--save-data to a closed stdout: exit status $status, $(ls run.csv* 2>/dev/null) left:"; cat err; return 1; }
)
in_group outputs && check "a program started with stdout or stderr closed writes neither messages nor a second output into its --out file" closed_streams_stay_out_of_files

# temp_written TARGET: a run writing TARGET atomically has rows in its
# temporary file (and so has set up its signal handling, which follows
# the file's creation).
temp_written() {
    for tw_file in "$1".tmp-*; do
        [ -s "$tw_file" ] && return 0
    done
    return 1
}

# A run stopped by a signal (Ctrl-C, Ctrl-\, kill, a closed terminal)
# removes its temporary file and dies of that signal (Ctrl-\ left its
# file). A signal ignored when the run started stays ignored: the program
# caught SIGHUP even under nohup, and the logout nohup was to survive
# ended the run. (The run: minutes of work, writing a row every few ms; a
# background job starts with INT and QUIT ignored, and gets them back as
# a terminal would give them.)
signals_leave_no_file() (
    p=$(pwd)/build/bin/01-gradient-descent
    d=$scratch/signals
    rm -rf "$d" && mkdir -p "$d" && cd "$d" || return 1
    set -- --problem linreg --n 1000000 --steps 3000 --out run.csv
    for sig in INT QUIT TERM HUP; do
        env --default-signal="$sig" sh -c 'ulimit -c 0 && exec "$@"' sh "$p" "$@" &
        run=$!
        within 20 temp_written run.csv || { kill -s KILL "$run"; echo "SIG$sig: the run wrote no row"; return 1; }
        kill -s "$sig" "$run"
        wait "$run"
        status=$?
        [ "$(kill -l "$status")" = "$sig" ] || { echo "SIG$sig: exit status $status"; return 1; }
        [ -z "$(ls)" ] || { echo "SIG$sig left $(ls)"; return 1; }
    done
    env --ignore-signal=HUP "$p" "$@" &
    run=$!
    within 20 temp_written run.csv || { kill -s KILL "$run"; echo "under nohup: the run wrote no row"; return 1; }
    kill -s HUP "$run" && sleep 0.5 && kill -s TERM "$run"
    wait "$run"
    status=$?
    [ "$(kill -l "$status")" = TERM ] || { echo "under nohup, SIGHUP ended the run (exit status $status)"; return 1; }
    [ -z "$(ls)" ] || { echo "left $(ls)"; return 1; }
)
in_group outputs && check "a run stopped by a signal (INT, QUIT, TERM, HUP) leaves no file; SIGHUP under nohup does not stop it" signals_leave_no_file

# A file the user may not write, read-only or another user's, is refused
# before the run, with exit status 2, as `>` refuses it: the rename
# replaced a file its owner had made read-only, and another user's file
# in a shared folder (/tmp) failed the rename only after the whole run.
# (As root, the runs are the user nobody's: root may write any file.)
protected_files_refused() (
    p=$(pwd)/build/bin/01-gradient-descent
    d=$scratch/protected
    rm -rf "$d" && mkdir -p "$d" && cd "$d" || return 1
    as=""
    if [ "$(id -u)" = 0 ]; then
        chown 65534 . && as="setpriv --reuid=65534 --regid=65534 --clear-groups"
    fi
    echo kept >read-only.csv && chmod 444 read-only.csv && chown --reference=. read-only.csv || return 1
    mkdir shared && chmod 1777 shared && echo kept >shared/another.csv && chown 0 shared/another.csv 2>/dev/null
    for f in read-only.csv shared/another.csv; do
        [ "$f" = read-only.csv ] || [ "$(stat -c %u "$f")" != "$(stat -c %u .)" ] || continue # (not root: no other user's file)
        $as "$p" --out "$f" 2>err
        status=$?
        [ "$status" -eq 2 ] && grep -q -- "--out '$f': cannot be written: Permission denied" err &&
            [ "$(cat "$f")" = kept ] && [ -z "$(ls "$f".tmp-* 2>/dev/null)" ] ||
            { echo "--out $f: exit status $status, the file holds $(head -n 1 "$f"):"; cat err; return 1; }
    done
)
in_group outputs && check "--out naming a file the user may not write (read-only, another user's) is refused before the run, and the file kept" protected_files_refused

figures_render() {
    make --no-print-directory -s figures >/dev/null || return 1
    for p in plots/[0-9][0-9]-*.gp; do
        n=$(basename "$p" .gp)
        for ext in svg png; do
            [ -s "build/figures/$n.$ext" ] || { echo "build/figures/$n.$ext is missing or empty"; return 1; }
        done
        tail -c 200 "build/figures/$n.svg" | grep -q '</svg>' || { echo "$n.svg is truncated"; return 1; }
        gnuplot -c "$p" svg "build/data/${n%%.*}" "$scratch/again.svg" || return 1
        cmp "build/figures/$n.svg" "$scratch/again.svg" || return 1
    done
}
in_group outputs && check "every figure renders, SVG and PNG, and its SVG is byte-identical when drawn again" figures_render

# Nothing is cut off at a figure's edges: an axis label's descenders, a
# tick label half off the canvas (tests/png-edges.c reads the PNGs). The
# multiplot figures give their margins in characters, so that the margins
# grow with the text. The same holds for the lecture figures at the scale
# the README suggests, SCALE=1.5, where the text takes half as much room
# again on the same canvas.
figures_are_whole() {
    make --no-print-directory -s figures FORMAT=png >/dev/null || return 1
    build/test/png-edges build/figures/[0-9][0-9]-*.png || return 1
    make --no-print-directory -s figures FORMAT=png SCALE=1.5 >/dev/null || return 1
    build/test/png-edges build/figures/scale-1.5/[0-9][0-9]-*.png || return 1
    rm -rf build/figures/scale-1.5
}
in_group outputs && check "no figure is cut off at its edges, in the book and at SCALE=1.5 (the PNGs' outermost pixels hold no ink)" figures_are_whole

# Three or more curves in one panel are told apart by more than colour,
# for greyscale print and colour-blind readers: each has markers or a
# dash (plots/style.gp says how; tools/curve-marks.awk reads the SVGs).
figures_mark_their_curves() {
    make --no-print-directory -s figures FORMAT=svg >/dev/null || return 1
    status=0
    for f in build/figures/[0-9][0-9]-*.svg; do
        awk -f tools/curve-marks.awk "$f" || status=1
    done
    return $status
}
in_group outputs && check "no panel of three or more curves tells them apart by colour alone (each has markers or a dash)" figures_mark_their_curves

# A size written into a script (font ",10") stays 10 points in the PNG,
# whose text is 20: the scripts take FONT_SMALL and its kin from
# plots/style.gp, which scale with the format.
fonts_from_style() { ! grep -n 'font *"[^"]*,[0-9]' plots/*.gp plots/*.inc | grep -v '^plots/style\.gp:'; }
in_group outputs && check "figure scripts take their text sizes from plots/style.gp, so the PNG's grow with its text" fonts_from_style

# For lectures: every figure as PDF (valid, and byte-identical when drawn
# again), at a larger scale, and from a script run in another folder; a
# format or scale that does not exist is refused, and nothing is written.
figures_for_instructors() {
    make --no-print-directory -s figures FORMAT=pdf >/dev/null || return 1
    for p in plots/[0-9][0-9]-*.gp; do
        f=build/figures/$(basename "$p" .gp).pdf
        head -c 5 "$f" | grep -q '^%PDF-' && tail -c 8 "$f" | grep -q '%%EOF' || { echo "$f is not a whole PDF"; return 1; }
    done
    # (Drawn again in another time zone, of an instructor in India: a
    # POSIX zone that needs no tzdata.)
    f=build/figures/04-optimizers.losses.pdf
    cp "$f" "$scratch/losses.pdf" && rm "$f"
    TZ=IST-5:30 make --no-print-directory -s figures FORMAT=pdf >/dev/null && cmp "$f" "$scratch/losses.pdf" || return 1
    # (SCALE draws with the same rules as the book's figures, just
    # checked: one figure shows it scales, beside the book's, untouched.
    # 1.50 is 1.5, drawn into scale-1.5/ as the README says, not into a
    # second folder.)
    make --no-print-directory -s figures FORMAT=png SCALE=1.50 PLOTS=plots/04-optimizers.losses.gp >/dev/null || return 1
    f=04-optimizers.losses.png
    [ -s "build/figures/scale-1.5/$f" ] && ! cmp -s "build/figures/scale-1.5/$f" "build/figures/$f" ||
        { echo "no scaled PNG in scale-1.5/, or the same as the book's"; ls build/figures; return 1; }
    [ ! -e build/figures/scale-1.50 ] || { echo "SCALE=1.50 drew into scale-1.50/"; rm -rf build/figures/scale-1.50; return 1; }
    root=$(pwd)
    (cd "$scratch" && gnuplot -c "$root/plots/04-optimizers.losses.gp" png "$root/build/data/04-optimizers" elsewhere.png) &&
        [ -s "$scratch/elsewhere.png" ] || { echo "a script run from another folder failed"; return 1; }
    for bad in eps png:9 png:2 svg:abc; do
        gnuplot -c plots/04-optimizers.losses.gp "$bad" build/data/04-optimizers "$scratch/bad.out" 2>/dev/null &&
            { echo "gnuplot accepted format $bad"; return 1; }
        [ ! -e "$scratch/bad.out" ] || { echo "format $bad left a file"; return 1; }
    done
    make --no-print-directory -s figures FORMAT=eps >/dev/null 2>&1 && { echo "make accepted FORMAT=eps"; return 1; }
    for bad in 7 2; do
        make --no-print-directory -s figures SCALE=$bad >/dev/null 2>&1 && { echo "make accepted SCALE=$bad"; return 1; }
    done
    rm -rf build/figures/scale-1.5
}
in_group outputs && check "figures for lectures: PDF (reproducible), SCALE=1.5, scripts run from any folder, bad FORMAT or SCALE refused" figures_for_instructors

# ------------------------------------------------------------------ book
book_is_whole() {
    [ -s build/book/index.html ] || { echo "no build/book/index.html"; return 1; }
    for l in chapters/[0-9][0-9]-*.md; do
        n=$(basename "$l" .md)
        [ -s "build/book/$n.html" ] || { echo "no page for $l"; return 1; }
        grep -q '<math' "build/book/$n.html" || { echo "$n.html has no MathML"; return 1; }
        grep -q 'class="sourceCode' "build/book/$n.html" || { echo "$n.html has no highlighted code"; return 1; }
        grep -q '<img src="figures/' "build/book/$n.html" || { echo "$n.html shows no figure"; return 1; }
        # Each figure is a link to its own file, to be opened alone.
        awk '/<img / && !/<a class="figure-link" href="[^"]*"[^>]*><img src="[^"]*"/ { print FILENAME ": " $0; bad = 1 }
             match($0, /href="[^"]*"[^>]*><img src="[^"]*"/) {
                 s = substr($0, RSTART, RLENGTH); split(s, q, "\"")
                 if (q[2] != q[6]) { print FILENAME ": links " q[2] " from " q[6]; bad = 1 } }
             END { exit bad }' "build/book/$n.html" || { echo "a figure of $n.html is not a link to itself"; return 1; }
    done
    tools/check-links.sh build/book
}
in_group outputs && check "the book has every page, with math, code and figures, and no broken link" book_is_whole

lessons_are_fresh() {
    for l in chapters/[0-9][0-9]-*.md; do
        cmp "build/lessons/${l##*/}" "$l" && continue
        echo "$l quotes stale code or numbers: run make lessons"
        diff "$l" "build/lessons/${l##*/}" | head -n 20
        # The lessons' numbers are a processor with FMA's (chapter 10's
        # "Running on several machines"): without it, glibc's exp and log
        # round some results otherwise, and rounding-level numbers move.
        [ "$(uname -m)" != x86_64 ] || grep -qw fma /proc/cpuinfo ||
            echo "(or nothing is stale: this processor has no FMA, and glibc's exp and log round some results otherwise on it; the lessons quote a processor with FMA)"
        return 1
    done
}
in_group outputs && check "lessons quote the current source and runs" lessons_are_fresh

# The book on a phone and on a laptop: headless Chromium lays out every page
# at 390 and 1280 px and measures what spills, and every figure's text
# against the figure's edges (tools/book-layout.sh). The check must also
# fail on a page built to spill, a wide table with no box of its own, and
# on a figure whose y label starts left of the canvas, on text that
# shows the lesson's source (a $ pandoc did not read as math), on a
# flag broken after its first dash, and on table headers with no words
# (empty, math alone, or no header row), and on a display that scrolls
# with two equations \qquad apart in one piece (its TeX in the finding
# whole: dash's echo cut "\cdot" short at its "\c").
book_fits_screens() {
    tools/book-layout.sh build/book || return 1
    bad=$scratch/bad-book
    mkdir -p "$bad"
    cp build/book/style.css "$bad/"
    {
        echo '<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width">'
        echo '<link rel="stylesheet" href="style.css"></head><body><main>'
        echo '<table><tr><td>a_very_long_unbreakable_cell_name_that_is_wider_than_any_phone_screen_by_far</td></tr></table>'
        echo '<p>One step lands at $w = $ -84.1<!-- fact: plain@1 w -->, where <code>$ make</code> is code.</p>'
        echo '<p style="width: 4em">Run it with <code>--clip-norm</code>.</p>'
        echo '<table><thead><tr><th>step</th><th></th><th><math><mi>η</mi></math></th></tr></thead><tbody><tr><td>1</td><td>2</td><td>3</td></tr></tbody></table>'
        echo '<table><tbody><tr><td>read</td><td>26.8 ms</td></tr></tbody></table>'
        printf '%s' '<span class="display-math"><math display="block"><semantics><mrow>'
        printf '<mi>x</mi><mo>+</mo>%.0s' $(seq 24)    # 24 terms: wider than a phone, not a laptop
        printf '%s\n' '<mi>y</mi></mrow>' \
            '<annotation encoding="application/x-tex">x \cdot y = 1, \qquad z = 2</annotation></semantics></math></span>'
        echo '</main></body></html>'
    } >"$bad/wide.html"
    mkdir -p "$bad/figures"
    printf '%s\n' '<svg viewBox="0 0 720 450" xmlns="http://www.w3.org/2000/svg">' \
        '<text transform="translate(4,225) rotate(-90)" font-family="sans" font-size="12">loss (log scale)</text></svg>' \
        >"$bad/figures/cut.svg"
    tools/book-layout.sh "$bad" >"$scratch/bad-book.out" 2>&1 && { echo "a spilling page passed"; return 1; }
    grep -q '^overflow wide.html 390' "$scratch/bad-book.out" &&
        grep -q '^cut cut: "loss (log scale)" runs .* px past the left edge' "$scratch/bad-book.out" &&
        grep -q '^raw wide.html: "One step lands at \$w = \$ -84.1" shows a \$' "$scratch/bad-book.out" &&
        [ "$(grep -c '^raw ' "$scratch/bad-book.out")" -eq 1 ] &&
        grep -q '^split wide.html 390: code "--clip-norm" breaks across lines' "$scratch/bad-book.out" &&
        grep -q '^header wide.html: a table.s header cell 2 has no words' "$scratch/bad-book.out" &&
        grep -q '^header wide.html: a table.s header cell 3 has no words' "$scratch/bad-book.out" &&
        grep -q '^header wide.html: a table has no header row' "$scratch/bad-book.out" &&
        grep -qxF 'apart wide.html 390: a display scrolls with equations \qquad apart in one piece: x \cdot y = 1, \qquad z = 2' "$scratch/bad-book.out" &&
        ! grep -q '^apart wide.html 1280' "$scratch/bad-book.out" ||
        { cat "$scratch/bad-book.out"; return 1; }
}
in_group book-layout && check "every page of the book fits a 390 px phone and a 1280 px laptop, shows no \$ of its source, splits no flag, names every table column, wraps equations set side by side and sets \\mathrm upright, and every figure's text fits inside the figure (measured in Chromium)" book_fits_screens

# ---------------------------------------------------------- one code path
in_group one-code-path &&
    check "no chapter program defines again a function that solutions/ or lib/ export" tools/one-code-path.sh

# Where a flag applies is said once, in its program's table: cli_parse
# refuses it elsewhere and --help prints the same scope. Each case gives a
# flag where it does not apply; the refusal's reason, in --help's words,
# must be one of the conditions --help prints beside the flag. (Chapters
# 7, 8 and 10 once refused flags by code of their own that --help did not
# show.) And no program walks its table to refuse flags itself.
refused_as_help_says() {
    program=$1 flag=$2
    shift 2
    build/bin/$program "$@" >/dev/null 2>"$scratch/scope.err"
    [ $? -eq 2 ] || { echo "$program $*: not refused with status 2"; return 1; }
    why=$(sed -n "s/^$program: --$flag\( '[^']*'\)\{0,1\}: \(.*\) (see --help)\$/\2/p" "$scratch/scope.err" |
        sed 's/^applies only to /only with /; s/^applies only with /only with /;
             s/^does not apply to /not with /; s/^does not apply with --/without --/')
    [ -n "$why" ] || { echo "$program $*: the refusal does not name --$flag:"; cat "$scratch/scope.err"; return 1; }
    build/bin/$program --help | awk -v f="--$flag" -v why="$why" 'index($0, "  " f " ") == 1 {
        line = $0; if (!sub(/.*\[/, "", line) || !sub(/\]$/, "", line)) next
        n = split(line, cond, /, /); for (i = 1; i <= n; i++) if (cond[i] == why) found = 1 }
        END { exit !found }' ||
        { echo "$program $*: refused ($why), which --help does not say of --$flag:"; build/bin/$program --help | grep -e "^  --$flag "; return 1; }
}
flags_scoped_in_tables() {
    refused_as_help_says 07-schedules momentum --momentum 0.9 &&
        refused_as_help_says 07-schedules start --start 1,2 &&
        refused_as_help_says 07-schedules closed-form --schedule cosine --problem quadratic --closed-form &&
        refused_as_help_says 07-schedules.training lr --task find --lr 0.1 &&
        refused_as_help_says 07-schedules.training schedule --task find --schedule cosine &&
        refused_as_help_says 07-schedules.training lr-min --task train --lr-min 0.1 &&
        refused_as_help_says 08-backprop lr --task gradcheck --lr 0.1 &&
        refused_as_help_says 08-backprop optimizer --task init --optimizer sgd &&
        refused_as_help_says 08-backprop schedule --task timing --schedule cosine &&
        refused_as_help_says 10-data-parallel steps --task allreduce-timing --steps 3 &&
        refused_as_help_says 10-data-parallel lr --task allreduce-timing --lr 0.1 &&
        refused_as_help_says 10-data-parallel data-dir --task allreduce-timing --data-dir . &&
        refused_as_help_says 04-optimizers beta1 --optimizer sgd --beta1 0.5 || return 1
    ! grep -n 'cli_reject(cli, cli->flags\[' chapters/*.c lib/*.c ||
        { echo "a program refuses flags by walking its table: give them a scope instead"; return 1; }
}
in_group one-code-path &&
    check "where a flag applies is said once, in its table: the parser refuses it elsewhere in the words --help prints beside it (chapters 7, 8, 10)" flags_scoped_in_tables

# course_copy DIR: a copy of the course as a user has it after make, its
# build included, but not what make never reads and is large (hundreds of
# MB by the time this runs): the self-test's folder, make try's, and the
# grader's folders but for its list of the suites.
course_copy() {
    rm -rf "$1" && mkdir -p "$1/build" || return 1
    for f in * .git; do [ "$f" = build ] || cp -a "$f" "$1/" || return 1; done
    for f in build/*; do
        case $f in
            build/selftest|build/try|build/cflags-*) ;;
            build/grade) [ ! -d build/grade/list ] || { mkdir -p "$1/build/grade" && copy_present build/grade/list "$1/build/grade/"; } || return 1 ;;
            *) copy_present "$f" "$1/build/" || return 1 ;;
        esac
    done
}

# copy_present FROM TO: cp -a, where a file gone before cp reaches it is
# left out, not an error. The groups beside this one write into build/
# and remove what they wrote: reports (OUT=build), temporary files, the
# book's layout probes, figures drawn for a check.
copy_present() {
    LC_ALL=C cp -a "$1" "$2" 2>"$scratch/cp.err" && return 0
    ! grep -v "^cp: cannot \(stat\|access\|open\) '.*'\( for reading\)\?: No such file or directory\$" "$scratch/cp.err"
}

# A touched solutions/04-optimizers.c (a checkout, a save without a change)
# must rebuild chapter 4's programs, runs, figures and page and nothing
# else: later chapters run chapter 4's code but link it through a copy that
# changes only with the object's bytes. Done in a copy of the tree with its
# build (times kept), so that the groups running beside this one are not
# disturbed; the objects' bytes do not depend on their folder (the
# Makefile's -ffile-prefix-map), so the copy's first make is the measure.
touch_rebuilds_one_chapter() {
    copy=$PWD/$scratch/touch
    course_copy "$copy" || return 1
    sleep 1 && touch "$copy/build/.marker" && sleep 1 &&
        touch "$copy/solutions/04-optimizers.c" &&
        (cd "$copy" && make >build/touch.out 2>&1) ||
        { cat "$copy/build/touch.out"; echo "make failed after the touch"; return 1; }
    others=$(cd "$copy" && find build -newer build/.marker -type f ! -path '*04-optimizers*' ! -name .links-checked ! -name touch.out)
    [ -z "$others" ] || { echo "rebuilt beyond chapter 4:"; echo "$others"; return 1; }
    for f in build/bin/04-optimizers build/bin/04-optimizers.experiments build/data/04-optimizers/.done \
        build/figures/04-optimizers.quadratic-paths.svg build/book/04-optimizers.html; do
        [ "$copy/$f" -nt "$copy/build/.marker" ] || { echo "$f was not rebuilt"; return 1; }
    done
    rm -rf "$copy"
}
in_group one-code-path &&
    check "touch solutions/04-optimizers.c && make rebuilds chapter 4's programs, runs, figures and page, and nothing else" touch_rebuilds_one_chapter

# make lessons copies each refreshed lesson into chapters/. The copy must
# not look newer than what was made from it, or the next make (and every
# make after a touch, as the check above) makes the lesson again. (Its
# page is made again once: make lessons makes lessons, not pages.)
lessons_leave_nothing_to_do() {
    copy=$PWD/$scratch/lessons
    course_copy "$copy" || return 1
    lesson=$copy/chapters/01-gradient-descent.md
    sed -i 's/^LoopResult loop_run(/LoopResult  loop_run(/' "$lesson" &&
        ! cmp -s "$lesson" "$copy/build/lessons/01-gradient-descent.md" || { echo "the lesson was not made stale"; return 1; }
    # (The lesson made a second before make lessons copies it: a copy
    # stamped with the time of the copy is then newer, every time.)
    sleep 1 && (cd "$copy" && make -s build/lessons/01-gradient-descent.md) >"$copy/lessons.out" 2>&1 &&
        sleep 1 && (cd "$copy" && make -s lessons) >>"$copy/lessons.out" 2>&1 &&
        grep -qx "refreshed chapters/01-gradient-descent.md" "$copy/lessons.out" ||
        { cat "$copy/lessons.out"; echo "make lessons did not refresh the stale lesson"; return 1; }
    sleep 1 && touch "$copy/build/.marker" && sleep 1 &&
        (cd "$copy" && make) >"$copy/make.out" 2>&1 || { cat "$copy/make.out"; return 1; }
    again=$(cd "$copy" && find build/lessons -newer build/.marker -type f)
    [ -z "$again" ] || { echo "make after make lessons made again:"; echo "$again"; return 1; }
    rm -rf "$copy"
}
in_group one-code-path && check "make lessons, then make: the refreshed lesson is not made again" lessons_leave_nothing_to_do

# make -n, -t and -q still run a recipe line that names $(MAKE). The
# recipes that hand $(MAKE) to a script that writes by itself (a chapter's
# experiments, make check, grade, grade-class) must run nothing under them:
# the experiments' script used to empty the chapter's data folder under
# make -n and mark it done, after which make failed on "missing data file"
# and make data did nothing; make -n check graded, and make -n grade-class
# wrote a gradebook of students "not graded".
dry_runs_write_nothing() {
    copy=$PWD/$scratch/dry
    course_copy "$copy" || return 1
    mkdir -p "$copy/class/ann" && cp solutions/[0-9][0-9]-*.c "$copy/class/ann/" || return 1
    chapter_4_data() { cat "$copy"/build/data/04-optimizers/*.csv | cksum; }
    before=$(chapter_4_data)
    sleep 1 && touch "$copy/build/.marker" && sleep 1 && touch "$copy/chapters/04-optimizers.runs" || return 1
    for flag in -n -q; do
        for goal in all check "grade SUBMISSION=class/ann OUT=build/dry-report" \
            "grade-class SUBMISSIONS=class OUT=build/dry-reports"; do
            # shellcheck disable=SC2086 # the goal's words
            (cd "$copy" && make $flag $goal EXERCISES=class/ann) >>"$copy/dry.out" 2>&1
        done
    done
    written=$(cd "$copy" && find build class -newer build/.marker)
    [ -z "$written" ] || { echo "make -n or make -q wrote:"; echo "$written" | head -n 20; return 1; }
    grep -q "^exit 0; MAKE='make' tools/run-experiments.sh build/data/04-optimizers " "$copy/dry.out" ||
        { echo "make -n did not show the experiments' line"; cat "$copy/dry.out"; return 1; }
    # make -t cannot make data by touching it: the next make runs it.
    (cd "$copy" && make -t) >"$copy/make.out" 2>&1 && sleep 1 && touch "$copy/build/.after-t" &&
        (cd "$copy" && make) >>"$copy/make.out" 2>&1 ||
        { tail -n 20 "$copy/make.out"; echo "make -t, then make, failed"; return 1; }
    [ -n "$(find "$copy/build/data/04-optimizers" -name '*.csv' -newer "$copy/build/.after-t")" ] ||
        { echo "the make after make -t did not run chapter 4's experiments"; return 1; }
    [ "$(chapter_4_data)" = "$before" ] || { echo "chapter 4's data differs after make -t and make"; return 1; }
    rm -rf "$copy"
}
in_group one-code-path &&
    check "make -n, -q and -t write nothing that make, make check, grade or grade-class would (a chapter's data stays whole)" dry_runs_write_nothing

# make try CH=03 runs the graded train_epoch: the sweep is its epochs, so
# an epoch that walks the examples in storage order, not the shuffled
# order it is given, parts from the reference there (and nowhere else:
# the other runs step through the program's own loop).
try_runs_train_epoch() {
    dir=$scratch/try-epoch
    mkdir -p "$dir"
    awk -v spec=tests/03-minibatch.mutants -v name=epoch-ignores-order \
        -f tools/mutate.awk solutions/03-minibatch.c >"$dir/03-minibatch.c" || return 1
    make --no-print-directory -s try CH=03 EXERCISES="$dir" >"$scratch/try-03.out" 2>&1 &&
        { echo "make try CH=03 passed an epoch that ignores its order"; return 1; }
    grep -q '^sweep  *DIFFERS  *first at row 0, loss' "$scratch/try-03.out" &&
        [ "$(grep -c '  DIFFERS  ' "$scratch/try-03.out")" -eq 1 ] ||
        { cat "$scratch/try-03.out"; return 1; }
}
in_group one-code-path &&
    check "make try CH=03 runs the graded train_epoch: one that ignores its order differs in the sweep" try_runs_train_epoch

# make try CH=01 on right code that rounds in another order (2.0 / n * sum
# for 2.0 * sum / n): every run matches to 1e-9, the gradient check's
# figure of rounding errors does not match to the byte, and make try says
# that this is no mistake.
try_says_why_a_matching_figure_differs() {
    dir=$scratch/try-rounding
    mkdir -p "$dir"
    sed 's|\*grad_w = 2.0 \* sum_rx / (double)n;|*grad_w = 2.0 / (double)n * sum_rx;|' \
        solutions/01-gradient-descent.c >"$dir/01-gradient-descent.c" || return 1
    ! cmp -s solutions/01-gradient-descent.c "$dir/01-gradient-descent.c" || { echo "the sed changed nothing"; return 1; }
    make --no-print-directory -s try CH=01 EXERCISES="$dir" >"$scratch/try-01.out" 2>&1 ||
        { cat "$scratch/try-01.out"; return 1; }
    grep -q 'unlike the reference: [1-9]' "$scratch/try-01.out" &&
        grep -q 'not bit for bit .*that is no mistake' "$scratch/try-01.out" ||
        { cat "$scratch/try-01.out"; return 1; }
}
in_group one-code-path &&
    check "make try says why a figure differs when every run matches (right code, rounded in another order)" try_says_why_a_matching_figure_differs

# make try CH=04 on a copy of the solutions whose Adam forgets the bias
# correction: the Adam and AdamW runs (and the sweeps that contain them)
# must part from the reference, the others match to the bit, the student's
# figures are drawn beside the reference, and exercises/ is not touched.
try_shows_a_broken_adam() {
    dir=$scratch/try-adam
    mkdir -p "$dir"
    cp solutions/[0-9][0-9]-*.c "$dir/" &&
        awk -v spec=tests/04-optimizers.mutants -v name=adam-without-bias-correction \
            -f tools/mutate.awk solutions/04-optimizers.c >"$dir/04-optimizers.c" || return 1
    before=$(git status --porcelain exercises/ 2>/dev/null; cat exercises/* | cksum)
    # (A figure an earlier try left, as one stopped half-way did, is not
    # shown under the new verdicts: the try starts by removing it.)
    mkdir -p build/try/figures && : >build/try/figures/04-optimizers.from-an-earlier-try.svg || return 1
    make --no-print-directory -s try CH=04 EXERCISES="$dir" >"$scratch/try.out" 2>&1
    status=$?
    [ ! -e build/try/figures/04-optimizers.from-an-earlier-try.svg ] || { echo "an earlier try's figure was kept"; return 1; }
    [ "$(tail -c 15 build/try/04-optimizers.html)" = "</body></html>" ] || { echo "the page is not whole"; return 1; }
    cat "$scratch/try.out"
    [ "$status" -ne 0 ] || { echo "make try exited 0 on a broken Adam"; return 1; }
    grep -q '^quadratic-adam  *DIFFERS .*first at row 1, loss' "$scratch/try.out" || return 1
    grep -q '^quadratic-sgd  *matches  *0$' "$scratch/try.out" || return 1
    ! grep -q -e '-sgd  *DIFFERS' -e '-lion  *DIFFERS' "$scratch/try.out" || return 1
    [ -s build/try/figures/04-optimizers.quadratic-paths.png ] || { echo "no figure of yours"; return 1; }
    grep -q 'src="figures/04-optimizers.quadratic-paths.svg"' build/try/04-optimizers.html &&
        grep -q 'src="../figures/04-optimizers.quadratic-paths.svg"' build/try/04-optimizers.html ||
        { echo "the page does not show both figures"; return 1; }
    # The page opens with the verdict and what to do, sets the runs that
    # part in bold, and says of each figure whether it is the reference's:
    # conditioning draws no Adam, the paths do.
    differ=$(grep -c '  DIFFERS  ' "$scratch/try.out")
    grep -q "^$differ of [0-9]* experiments differ from the reference[.]\$" "$scratch/try.out" &&
        grep -q "<p><strong>$differ of [0-9]* experiments differ from the reference.</strong> Figures unlike the reference: [1-9]" build/try/04-optimizers.html &&
        grep -q '^<strong>quadratic-adam  *DIFFERS .*</strong>$' build/try/04-optimizers.html &&
        grep -q '^quadratic-sgd  *matches' build/try/04-optimizers.html &&
        grep -q '<h2>04-optimizers.conditioning</h2><p>Yours is the reference figure, to the byte.' build/try/04-optimizers.html &&
        grep -q '<h2>04-optimizers.quadratic-paths</h2><p><strong>Yours differs from the reference.' build/try/04-optimizers.html ||
        { echo "the page does not say what differs"; return 1; }
    [ "$before" = "$(git status --porcelain exercises/ 2>/dev/null; cat exercises/* | cksum)" ] ||
        { echo "make try changed exercises/"; return 1; }
    make --no-print-directory -s try CH=04 EXERCISES=solutions >"$scratch/try-solutions.out" 2>&1 ||
        { cat "$scratch/try-solutions.out"; echo "the solutions do not match their own runs"; return 1; }
    grep -q '<p><strong>Every experiment ([0-9]*) matches the reference runs.</strong> Figures unlike the reference: 0 of 6[.]' \
        build/try/04-optimizers.html || { echo "the solutions' page does not say every figure is the reference's"; return 1; }
}
in_group one-code-path &&
    check "make try CH=04 shows where a broken Adam parts from the reference, and draws it" try_shows_a_broken_adam
# The page it wrote, measured as the book's pages are: whole on a 390 px
# phone and a 1280 px laptop (the verdicts once ran off a phone's edge, and
# each figure of a pair shrank to 170 px). A copy, with its figures and the
# reference ones where the page looks for them, so that no other chapter's
# page left in build/try/ is measured.
try_page_fits_screens() {
    page=$scratch/try-page
    rm -rf "$page" && mkdir -p "$page/try/figures" &&
        cp build/try/04-optimizers.html "$page/try/" &&
        cp build/try/figures/04-optimizers.*.svg "$page/try/figures/" &&
        ln -s "$PWD/build/figures" "$page/figures" || return 1
    tools/book-layout.sh "$page/try"
}
in_group one-code-path &&
    check "make try's page fits a 390 px phone and a 1280 px laptop, its figures' text inside them (measured in Chromium)" \
        try_page_fits_screens

# A correct numerical_gradient that reaches θ - h from θ + h (θ += h, then
# θ -= 2h) changes the gradient check's rounding noise, not its numbers:
# make check passes it, and so must make try, within the tolerance the runs
# file gives that experiment; dividing by h instead of 2h still differs.
# What it prints (a student's printf) goes to a file per experiment, not
# the terminal.
try_allows_rounding() {
    dir=$scratch/try-rounding
    mkdir -p "$dir"
    sed -e 's/theta\[j\] = saved + h;/theta[j] += h; printf("probe %g\\n", h);/' \
        -e 's/theta\[j\] = saved - h;/theta[j] -= 2 * h;/' -e '1i #include <stdio.h>' \
        solutions/01-gradient-descent.c >"$dir/01-gradient-descent.c"
    grep -q 'theta\[j\] += h; printf' "$dir/01-gradient-descent.c" &&
        grep -q 'theta\[j\] -= 2 \* h;' "$dir/01-gradient-descent.c" || { echo "the variant was not made"; return 1; }
    tools/grade.sh "$dir" 01 >"$scratch/rounding-check.out" || { cat "$scratch/rounding-check.out"; return 1; }
    make --no-print-directory -s try CH=01 EXERCISES="$dir" >"$scratch/try-rounding.out" 2>&1 ||
        { cat "$scratch/try-rounding.out"; echo "make try failed a correct numerical_gradient"; return 1; }
    grep -q '^linreg-gradcheck  *matches  *[0-9.e-]*, within 1e-5: ' "$scratch/try-rounding.out" ||
        { cat "$scratch/try-rounding.out"; return 1; }
    printed=build/try/data/01-gradient-descent/linreg-gradcheck.printed
    ! grep -q probe "$scratch/try-rounding.out" && grep -q '^probe 1e-08$' "$printed" &&
        grep -q "^  linreg-gradcheck  *[0-9]* lines in $printed\$" "$scratch/try-rounding.out" ||
        { cat "$scratch/try-rounding.out"; echo "the student's printf was not kept apart"; return 1; }
    awk -v spec=tests/01-gradient-descent.mutants -v name=divide-by-h -f tools/mutate.awk \
        solutions/01-gradient-descent.c >"$dir/01-gradient-descent.c" || return 1
    make --no-print-directory -s try CH=01 EXERCISES="$dir" >"$scratch/try-rounding.out" 2>&1 &&
        { echo "make try passed a numerical_gradient that divides by h"; return 1; }
    grep -q '^linreg-gradcheck  *DIFFERS ' "$scratch/try-rounding.out" || { cat "$scratch/try-rounding.out"; return 1; }
}
in_group one-code-path &&
    check "make try: a correct numerical_gradient ordered otherwise matches chapter 1's gradient check within its stated tolerance; one dividing by h does not" \
        try_allows_rounding

# make try on a copy in a folder whose path has a space runs that copy: the
# student's file was a prerequisite of its object, split at the space, and
# make kept the last object built (here a broken one from another folder)
# and reported its runs. A chapter file that is not there is named, with
# the command that brings it back.
try_runs_the_file_named() {
    broken=$scratch/try-broken spaced="$scratch/try in a folder"
    mkdir -p "$broken" "$spaced" || return 1
    awk -v spec=tests/01-gradient-descent.mutants -v name=divide-by-h -f tools/mutate.awk \
        solutions/01-gradient-descent.c >"$broken/01-gradient-descent.c" || return 1
    # The copy has a main() of its own, as a student's file that tries its
    # functions often has: make check grades it, and make try linked it
    # beside the program's main ("multiple definition of 'main'").
    { cat solutions/01-gradient-descent.c && printf 'int main(void)\n{\n    return 0;\n}\n'; } >"$spaced/01-gradient-descent.c" || return 1
    make --no-print-directory -s try CH=01 EXERCISES="$broken" >/dev/null 2>&1 &&
        { echo "make try passed a numerical_gradient that divides by h"; return 1; }
    make --no-print-directory -s try CH=01 EXERCISES="$spaced" >"$scratch/try-spaced.out" 2>&1 &&
        grep -q '^Every experiment ([0-9]*) matches the reference runs' "$scratch/try-spaced.out" ||
        { cat "$scratch/try-spaced.out"; echo "make try did not run the solution in \"$spaced\""; return 1; }
    rm "$spaced/01-gradient-descent.c"
    make --no-print-directory -s try CH=01 EXERCISES="$spaced" >/dev/null 2>"$scratch/try-missing.err" &&
        { echo "make try ran without the chapter's file"; return 1; }
    grep -qF "make try: there is no $spaced/01-gradient-descent.c: make reset EX=01 EXERCISES='$spaced' writes a fresh copy of the stub" "$scratch/try-missing.err" ||
        { cat "$scratch/try-missing.err"; return 1; }
}
in_group one-code-path &&
    check "make try runs the file EXERCISES names, in a folder with a space too (not the last object built), with a main() of its own; a missing file names make reset" \
        try_runs_the_file_named

# make try CH=10 on the stubs: fixed-p1's losses are 0, and the ring, tree
# and MPI runs, which read them (--reference fixed-p1.csv), each failed on
# "losses positive and finite" with nothing pointing back at fixed-p1.
# Each failed run must name the run it reads, and fixed-p1 must differ.
try_points_back_to_what_is_read() {
    make --no-print-directory -s try CH=10 >"$scratch/try-10.out" 2>&1 &&
        { echo "make try CH=10 passed the stubs"; return 1; }
    grep -q '^fixed-p1  *DIFFERS .*first at row 0, loss: yours 0,' "$scratch/try-10.out" &&
        grep -q '^  ring-p2  .*; it failed; it reads your fixed-p1 run, which DIFFERS: look at that one first' "$scratch/try-10.out" ||
        { cat "$scratch/try-10.out"; return 1; }
    # The figure that ring-p2 feeds says so in gnuplot's words, not in a
    # guess (a figure whose runs all finished can fail too: all its
    # numbers 0 on a log axis).
    grep -q '<p>Not drawn from your runs: "plots/10-data-parallel.drift.gp" line [0-9]*: missing, unreadable or empty data file build/try/data/10-data-parallel/ring-p2.csv: the run that writes it failed' \
        build/try/10-data-parallel.html || { grep 'Not drawn' build/try/10-data-parallel.html; return 1; }
}
in_group one-code-path &&
    check "make try CH=10 on the stubs: a run that fails on the run it reads (fixed-p1's losses) names that run first, and the figure it feeds gives gnuplot's reason" \
        try_points_back_to_what_is_read

# make try CH=05 on the stubs: the unclipped recurrence blows up at step 2,
# and the stub's diagnose_run names no cause. The program said "at step 0"
# (the diagnosis's step) and "nothing wrong found: the loss fell from 3100
# to inf"; it must give the run's own step and say the diagnosis is at fault.
try_blames_a_silent_diagnosis() {
    rm -rf build/try/data/05-gradient-clipping # (no earlier run's file)
    make --no-print-directory -s try CH=05 >"$scratch/try-05.out" 2>&1 &&
        { echo "make try CH=05 passed the stubs"; return 1; }
    grep -q '^  clip-norm .*it failed' "$scratch/try-05.out" ||
        { cat "$scratch/try-05.out"; return 1; }
    grep -qF "the loss stopped being a finite number at step 2: diagnose_run named no cause, yet the loss became inf" \
        build/try/data/05-gradient-clipping/clip-norm.printed ||
        { cat build/try/data/05-gradient-clipping/clip-norm.printed; return 1; }
}
in_group one-code-path &&
    check "make try CH=05 on the stubs: a diverged run gives its own step, and blames a diagnose_run that names no cause" \
        try_blames_a_silent_diagnosis

# make try on a batch iterator that never advances: make try sat silent
# until Ctrl-C (six minutes and more, in a review). Each run now has
# TRY_TIME_LIMIT seconds; the one stopped says so in its log, which the
# summary shows ("1 line", not "1 lines"), and with no run that wrote any
# data the last words do not send the student to "the first row where a
# run parts". TRY_TIME_LIMIT=abc is refused by name.
try_stops_a_run_that_never_ends() {
    hang=$scratch/try-hang
    mkdir -p "$hang" || return 1
    awk -v spec=tests/03-minibatch.mutants -v name=iterator-never-advances -f tools/mutate.awk \
        solutions/03-minibatch.c >"$hang/03-minibatch.c" || return 1
    timeout 120 make --no-print-directory -s try CH=03 EXERCISES="$hang" TRY_TIME_LIMIT=2 >"$scratch/try-hang.out" 2>&1
    status=$?
    [ "$status" -ne 0 ] && [ "$status" -ne 124 ] || { echo "make try: status $status"; return 1; }
    grep -q '^  minibatch  *1 line  in .*; it failed' "$scratch/try-hang.out" &&
        grep -q '^      stopped after 2 s, still running: a loop that never ends?' "$scratch/try-hang.out" &&
        grep -q '^[0-9]* of [0-9]* experiments stopped before writing their data' "$scratch/try-hang.out" ||
        { cat "$scratch/try-hang.out"; return 1; }
    make --no-print-directory -s try CH=03 TRY_TIME_LIMIT=abc >/dev/null 2>"$scratch/try-limit.err" &&
        { echo "TRY_TIME_LIMIT=abc was taken"; return 1; }
    grep -q '^make try: TRY_TIME_LIMIT=abc: expected whole seconds' "$scratch/try-limit.err" || { cat "$scratch/try-limit.err"; return 1; }
}
in_group one-code-path &&
    check "make try stops a run that never ends after TRY_TIME_LIMIT seconds and names it; TRY_TIME_LIMIT=abc is refused" \
        try_stops_a_run_that_never_ends

# A correct chapter 8 of plain loops trains for 7 minutes and more: the
# 300 s every run had stopped it as "a loop that never ends?", and the
# lesson sent the student to TRY_TIME_LIMIT=1800. A runs file gives such a
# run longer ("# try: NAME may run SECONDS s: WHY"); TRY_TIME_LIMIT, when
# given, is every run's limit. Here a program that takes 3 s: the run
# given 1 s is stopped and says after how long, the other is not; with
# TRY_TIME_LIMIT=6 neither is.
runs_file_sets_a_runs_time_limit() {
    d=$scratch/limits
    rm -rf "$d" && mkdir -p "$d/bin" || return 1
    printf '%s\n' '#!/bin/sh' 'while [ "$1" != --out ]; do shift; done' 'sleep 3 && echo x >"$2"' >"$d/bin/slow"
    chmod +x "$d/bin/slow"
    printf '%s\n' '# try: brief may run 1 s: (a test of the line)' 'brief  --a' 'other  --b' >"$d/slow.runs"
    BIN_DIR="$d/bin" PRINTED=1 tools/run-experiments.sh "$d/given" "$d/slow.runs" 2>/dev/null &&
        { echo "no run was stopped"; return 1; }
    grep -qx 'stopped after 1 s, still running: a loop that never ends? (make try TRY_TIME_LIMIT=SECONDS gives each run longer)' \
        "$d/given/brief.printed" || { echo "brief.printed:"; cat "$d/given/brief.printed"; return 1; }
    [ -f "$d/given/other.csv" ] && [ ! -f "$d/given/brief.csv" ] || { ls "$d/given"; return 1; }
    TRY_TIME_LIMIT=6 BIN_DIR="$d/bin" PRINTED=1 tools/run-experiments.sh "$d/all" "$d/slow.runs" ||
        { echo "TRY_TIME_LIMIT=6 did not replace the runs file's 1 s"; cat "$d/all"/*.printed; return 1; }
    # The line chapter 8's training needs, as make try reads it.
    grep -q '^# try: train may run 1800 s: ' chapters/08-backprop.runs || { echo "chapter 8's training has no longer limit"; return 1; }
}
in_group one-code-path &&
    check "a runs file gives a slow but correct run a longer time limit than 300 s, and TRY_TIME_LIMIT replaces it" \
        runs_file_sets_a_runs_time_limit

# make try's verdict on one run (tools/compare-runs.awk), on runs a student
# makes: a stub's run that ends in inf (chapter 8's, at layer 9) was shown
# as a largest difference of "1e+308", a number nobody's run holds, and a
# run that wrote its header and no row (a loop that never ran) as "-1 rows";
# a largest difference far from where the runs part (chapter 8's total of
# correct answers) did not say where it was.
verdict_of() {
    # shellcheck disable=SC2059  # the rows are written as printf formats
    printf "$2" >"$scratch/yours.csv"
    awk -F, -v tol="${3:-}" -v why="${4:-}" -f tools/compare-runs.awk "$scratch/reference.csv" "$scratch/yours.csv" >"$scratch/verdict"
    [ "$(cat "$scratch/verdict")" = "$1" ] || { echo "for yours = $2: \"$(cat "$scratch/verdict")\", expected \"$1\""; return 1; }
}
try_verdicts_say_what_differs() {
    printf 'step,loss\n0,2\n1,0.5\n2,0.25\n' >"$scratch/reference.csv"
    verdict_of "matches 0" 'step,loss\n0,2\n1,0.5\n2,0.25\n' &&
        verdict_of "matches 2.5e-11" 'step,loss\n0,2\n1,0.500000000025\n2,0.25\n' &&
        verdict_of "DIFFERS 2e-05; first at row 1, loss: yours 0.50002, reference 0.5" 'step,loss\n0,2\n1,0.50002\n2,0.25\n' &&
        verdict_of "matches 2e-05, within 1e-4: rounding" 'step,loss\n0,2\n1,0.50002\n2,0.25\n' 1e-4 "1e-4: rounding" &&
        verdict_of "DIFFERS 0.65 at row 2, loss; first at row 1, loss: yours 0.6, reference 0.5" 'step,loss\n0,2\n1,0.6\n2,0.9\n' &&
        verdict_of "DIFFERS first at row 1, loss: yours 0.6, reference 0.5; not finite at row 2, loss: yours inf, reference 0.25" \
            'step,loss\n0,2\n1,0.6\n2,inf\n' &&
        verdict_of "DIFFERS first at row 0, loss: yours nan, reference 2" 'step,loss\n0,nan\n1,0.5\n2,0.25\n' &&
        verdict_of "DIFFERS first at row 2, loss: yours -, reference 0.25" 'step,loss\n0,2\n1,0.5\n2,-\n' &&
        verdict_of "DIFFERS 1 rows, the reference has 3" 'step,loss\n0,2\n' &&
        verdict_of "DIFFERS 0 rows, the reference has 3" 'step,loss\n' &&
        verdict_of "DIFFERS your run wrote nothing, not even the header line" '' &&
        verdict_of "DIFFERS the columns differ: step,los" 'step,los\n0,2\n1,0.5\n2,0.25\n'
}
in_group one-code-path &&
    check "make try's verdicts: a nan or inf in a run is named where it is (no made-up largest difference), the largest difference says where it is, a run with no row has 0 rows" \
        try_verdicts_say_what_differs

# ------------------------------------------------- a student's files are sacred
# In a clone of what is committed, a student's edit to an exercise must
# survive what the student runs (make programs, make check, make reset of
# another exercise, make try) and
# what make test runs against exercises/ (the stubs' freshness, which
# judges the committed stubs, not the student's file); make stubs must
# refuse to overwrite it, and FORCE=1 make stubs must keep a backup that
# git ignores.
student_edits_survive() {
    clone=$scratch/clone
    rm -rf "$clone"
    git clone -q . "$clone" || return 1
    file=exercises/01-gradient-descent.c
    printf '/* my own work: do not lose it */\n' >>"$clone/$file"
    sum=$(cksum <"$clone/$file")
    (cd "$clone" && make -s programs >/dev/null 2>&1) || { echo "make programs failed"; return 1; }
    [ "$(cksum <"$clone/$file")" = "$sum" ] || { echo "make programs changed $file"; return 1; }
    (cd "$clone" && tools/stubs.sh --check) || { echo "the freshness check judged the student's file"; return 1; }
    (cd "$clone" && make -s check CH=01 >/dev/null 2>&1)
    [ "$(cksum <"$clone/$file")" = "$sum" ] || { echo "make check changed $file"; return 1; }
    # make reset EX=mse-grad puts back mse_grad() only: the work in
    # mse_loss() stays, and make restore brings mse_grad()'s back.
    sed -i -e '/^double mse_loss(/,/^}/s|return 0.0;|return 1.0; /* my mse_loss */|' \
        -e '/^void mse_grad(/,/^}/s|\*grad_b = 0.0;|*grad_b = 1.0; /* my mse_grad */|' "$clone/$file"
    grep -q 'my mse_loss' "$clone/$file" && grep -q 'my mse_grad' "$clone/$file" ||
        { echo "the student's two edits were not made: the stub changed"; return 1; }
    sum=$(cksum <"$clone/$file")
    (cd "$clone" && FORCE=1 make -s reset EX=mse-grad >/dev/null) || { echo "make reset EX=mse-grad failed"; return 1; }
    grep -q 'my mse_loss' "$clone/$file" && ! grep -q 'my mse_grad' "$clone/$file" ||
        { echo "make reset EX=mse-grad did not reset mse_grad() alone"; return 1; }
    (cd "$clone" && FORCE=1 make -s restore EX=mse-grad >/dev/null) || { echo "make restore failed"; return 1; }
    [ "$(cksum <"$clone/$file")" = "$sum" ] || { echo "make restore did not bring the student's mse_grad() back"; return 1; }
    rm -rf "$clone/exercises/backups"
    ! (cd "$clone" && make -s stubs) >"$scratch/stubs.out" 2>&1 || { echo "make stubs did not refuse"; return 1; }
    grep -q "$file has changes of its own" "$scratch/stubs.out" || { cat "$scratch/stubs.out"; return 1; }
    [ "$(cksum <"$clone/$file")" = "$sum" ] || { echo "make stubs overwrote $file"; return 1; }
    (cd "$clone" && FORCE=1 make -s stubs >/dev/null) || { echo "FORCE=1 make stubs failed"; return 1; }
    backup=$(ls "$clone"/exercises/backups/01-gradient-descent.*.c 2>/dev/null | head -n 1)
    [ -n "$backup" ] && [ "$(cksum <"$backup")" = "$sum" ] || { echo "no backup of the student's file"; return 1; }
    [ -z "$(cd "$clone" && git status --porcelain)" ] || { echo "git status shows:"; (cd "$clone" && git status --porcelain); return 1; }
}
in_group students-files &&
    check "a student's edited exercise survives make, make check, make reset of another exercise, the stubs check and make stubs (FORCE=1 keeps a backup git ignores)" student_edits_survive

# A chapter being written: its solution is not in git yet, so its stub has
# no committed version to tell edits by. make stubs writes it, and writes
# it again after the solution changes (it refused, calling it the
# student's, while the freshness check called it stale).
new_chapter_stub_follows() {
    clone=$scratch/new-chapter
    rm -rf "$clone"
    git clone -q . "$clone" || return 1
    cp "$clone/solutions/01-gradient-descent.c" "$clone/solutions/99-new-chapter.c" || return 1
    (cd "$clone" && make -s stubs >/dev/null 2>&1) && [ -f "$clone/exercises/99-new-chapter.c" ] ||
        { echo "make stubs did not write the new chapter's stub"; return 1; }
    printf '// STUB: /* one more line */\n' >>"$clone/solutions/99-new-chapter.c"
    (cd "$clone" && make -s stubs) >"$scratch/new-stubs.out" 2>&1 ||
        { echo "make stubs refused the new chapter's stub:"; cat "$scratch/new-stubs.out"; return 1; }
    grep -q '^/\* one more line \*/$' "$clone/exercises/99-new-chapter.c" &&
        (cd "$clone" && tools/stubs.sh --check) || { echo "the new chapter's stub did not follow its solution"; return 1; }
}
in_group students-files &&
    check "make stubs writes a new chapter's stub (no committed version) again when its solution changes" new_chapter_stub_follows

# A clone made by a Git that turns LF into CR LF on checkout (Git for
# Windows' default, core.autocrlf=true) still gets LF everywhere
# (.gitattributes): a CR at the end of a script's lines stopped make at its
# first command. Only the fuzzers' corpora keep their bytes.
clone_has_lf_line_endings() {
    crlf_clone=$scratch/autocrlf-clone
    rm -rf "$crlf_clone"
    git -c core.autocrlf=true clone -q . "$crlf_clone" || return 1
    with_cr=$(cd "$crlf_clone" && git ls-files | grep -v '^tests/fuzz-[a-z]*\.corpus/' |
        xargs grep -lI "$(printf '\r')")
    [ -z "$with_cr" ] || { echo "checked out with CR LF:"; echo "$with_cr"; return 1; }
    [ -n "$(cd "$crlf_clone" && grep -lI "$(printf '\r')" tests/fuzz-csv.corpus/*)" ] ||
        { echo "the corpus's CR LF file lost its CRs"; return 1; }
}
in_group students-files &&
    check "a clone by a Git set to convert to CR LF (Git for Windows' default) gets LF in every file but the fuzzers' test data" clone_has_lf_line_endings

# A student whose locale is Turkish builds, reads and grades like anyone.
# Under tr_TR (a decimal comma, and an i whose capital is İ) sed's [a-z]
# left the i of "gradient" out, so no program linked its solution; awk
# read "2.9654" as 2, and the lesson quoted "2,0000" (de_DE, fr_FR and
# most of Europe alike); awk's toupper made the report say "FAiL". The
# locale is compiled into the scratch folder (localedef, from Debian's
# locales), so the machine need not have it. tools/grade.sh run by hand,
# outside make's settings, must say FAIL too.
any_locale_builds_alike() {
    mkdir -p "$scratch/locale"
    localedef -i tr_TR -f UTF-8 "$scratch/locale/tr_TR.UTF-8" >"$scratch/localedef.log" 2>&1
    locales=$(cd "$scratch/locale" && pwd) # (the runs below are in a clone)
    turkish() { LOCPATH="$locales" LC_ALL=tr_TR.UTF-8 "$@"; }
    [ "$(turkish awk 'BEGIN { printf "%.1f %s", 1.5, toupper("i") }')" = "1,5 i" ] ||
        { echo "no Turkish locale to test with:"; cat "$scratch/localedef.log"; return 1; }
    tr_clone=$scratch/tr-clone l=01-gradient-descent
    rm -rf "$tr_clone"
    git clone -q . "$tr_clone" || return 1
    (cd "$tr_clone" && turkish make -s "build/lessons/$l.md") >"$scratch/tr.log" 2>&1 ||
        { echo "make build/lessons/$l.md failed under tr_TR:"; tail -n 5 "$scratch/tr.log"; return 1; }
    cmp -s "$tr_clone/build/lessons/$l.md" "chapters/$l.md" ||
        { echo "under tr_TR, chapters/$l.md quotes other numbers:"; diff "chapters/$l.md" "$tr_clone/build/lessons/$l.md" | head -n 6; return 1; }
    (cd "$tr_clone" && turkish make -s check CH=01) >"$scratch/tr.log" 2>&1
    (cd "$tr_clone" && turkish tools/grade.sh exercises 01) >>"$scratch/tr.log" 2>&1
    [ "$(grep -c '^  FAIL ' "$scratch/tr.log")" -eq 12 ] ||
        { echo "the stubs' six exercises are not FAIL twice under tr_TR:"; head -n 8 "$scratch/tr.log"; return 1; }
}
in_group students-files &&
    check "a student under a Turkish locale (decimal comma, dotted capital I) builds, reads and grades like anyone" any_locale_builds_alike

# A course in a folder whose name has quotes in it (Dan's "course"): the
# Makefile wrapped the folder in '...' in CFLAGS, and nothing compiled
# ("Unterminated quoted string"); the experiments' rules wrapped a message
# in "...", and none ran. In such a clone, chapter 1 must build and grade,
# make try must run a copy of the exercises in a folder with a ' of its
# own, and the make reset that make check and make try advise for that
# copy's missing file, typed back as printed, must bring the stub back.
apostrophe_folder_builds() {
    ap_root="$(pwd)/$scratch/Dan's \"course\""
    ap_clone=$ap_root/clone ap_copy="$ap_root/Ann's copy" l=01-gradient-descent
    rm -rf "$ap_root"
    mkdir -p "$ap_copy" && git clone -q . "$ap_clone" || return 1
    (cd "$ap_clone" && make -s "build/bin/$l") >"$scratch/ap.log" 2>&1 ||
        { echo "make build/bin/$l failed in \"$ap_clone\":"; tail -n 5 "$scratch/ap.log"; return 1; }
    cp solutions/$l.c "$ap_copy/" || return 1
    (cd "$ap_clone" && make -s try CH=01 EXERCISES="$ap_copy") >"$scratch/ap.log" 2>&1 &&
        grep -q '^Every experiment ([0-9]*) matches the reference runs' "$scratch/ap.log" ||
        { echo "make try on \"$ap_copy\":"; tail -n 5 "$scratch/ap.log"; return 1; }
    rm "$ap_copy/$l.c"
    for ap_how in check try; do
        (cd "$ap_clone" && make -s "$ap_how" CH=01 EXERCISES="$ap_copy") >"$scratch/ap.log" 2>&1
        ap_advice=$(sed -n 's/.*: \(make reset EX=01 EXERCISES=.*\) writes a fresh copy of the stub$/\1/p' "$scratch/ap.log" | head -n 1)
        [ -n "$ap_advice" ] || { echo "make $ap_how gave no make reset for the missing file:"; tail -n 5 "$scratch/ap.log"; return 1; }
        (cd "$ap_clone" && FORCE=1 sh -c "$ap_advice") >"$scratch/ap-reset.log" 2>&1 &&
            awk -f tools/make-stub.awk solutions/$l.c | cmp -s - "$ap_copy/$l.c" ||
            { echo "make $ap_how's advice, typed back, did not bring the stub back: $ap_advice"; cat "$scratch/ap-reset.log"; return 1; }
        rm "$ap_copy/$l.c"
    done
}
in_group students-files &&
    check "a course in a folder named with quotes (Dan's \"course\") builds, grades and runs make try, and the make reset it advises can be typed back" \
        apostrophe_folder_builds

# A student who once ran sudo make has a build/ that is root's; their next
# make check failed with "mkdir: cannot create directory 'build/grade':
# Permission denied" and a shell's error about a lock file. Their make must
# stop at once, in one line that names the command giving build/ back, and
# that command, run, must be the mend. (As root: sudo make is root's make
# in a clone the user nobody owns. Otherwise, a folder of build/ made
# read-only.)
sudo_make_is_mended() {
    sm_clone=$(pwd)/$scratch/sudo-make
    rm -rf "$sm_clone" && git clone -q . "$sm_clone" || return 1
    (cd "$sm_clone" && make -s build/bin/01-gradient-descent) >"$scratch/sm.log" 2>&1 || { cat "$scratch/sm.log"; return 1; }
    as_student=""
    if [ "$(id -u)" = 0 ]; then
        find "$sm_clone" -path "$sm_clone/build" -prune -o -exec chown 65534:65534 {} + || return 1
        as_student="setpriv --reuid=65534 --regid=65534 --clear-groups"
    else
        chmod a-w "$sm_clone/build/obj"
    fi
    # (a student's make: the first, not one that make started)
    (cd "$sm_clone" && $as_student env -u MAKELEVEL -u MAKEFLAGS -u MFLAGS make check CH=01) >"$scratch/sm.out" 2>&1
    status=$?
    [ "$status" -eq 2 ] && [ "$(wc -l <"$scratch/sm.out")" -eq 1 ] && grep -q 'give build/ back with  sudo chown -R [^ ]*: build  and make again' "$scratch/sm.out" ||
        { echo "make check in a build/ not the student's: status $status,"; cat "$scratch/sm.out"; return 1; }
    [ -n "$as_student" ] || { chmod u+w "$sm_clone/build/obj"; return 0; }
    mend=$(sed 's/.* with  sudo \(chown -R [^ ]*: build\)  and make again.*/\1/' "$scratch/sm.out")
    (cd "$sm_clone" && $mend) || return 1
    (cd "$sm_clone" && $as_student env -u MAKELEVEL -u MAKEFLAGS -u MFLAGS make check CH=01) >"$scratch/sm.out" 2>&1
    [ "$(grep -c '^  FAIL ' "$scratch/sm.out")" -eq 6 ] && ! grep -q 'Permission denied' "$scratch/sm.out" ||
        { echo "after $mend, make check did not grade:"; tail -n 5 "$scratch/sm.out"; return 1; }
}
in_group students-files &&
    check "after a sudo make, a student's make says at once how to give build/ back, and that command mends it" sudo_make_is_mended

# A student who edits a header of exercises/ (a double * made a float * to
# fit an answer) breaks the course's own code, and make check showed only
# the compiler's errors in lib/problems.c, a file they never opened. Its
# last line (before make's own) must name the header and the git checkout
# that puts it back.
edited_header_is_named() {
    eh_clone=$scratch/edited-header h=exercises/01-gradient-descent.h
    rm -rf "$eh_clone" && git clone -q . "$eh_clone" || return 1
    sed -i 's/^double mse_loss(const double \*x/double mse_loss(const float *x/' "$eh_clone/$h" || return 1
    ! cmp -s "$h" "$eh_clone/$h" || { echo "the header was not edited"; return 1; }
    (cd "$eh_clone" && make -s check CH=01) >"$scratch/eh.out" 2>&1 && { echo "make check passed"; return 1; }
    [ "$(grep -v '^make' "$scratch/eh.out" | tail -n 1)" = "grade: $h is not the course's (git diff $h shows how): everything is compiled against it; put it back with  git checkout $h" ] ||
        { tail -n 3 "$scratch/eh.out"; return 1; }
}
in_group students-files &&
    check "make check with an edited header of exercises/ names it, and the git checkout that puts it back" edited_header_is_named

# A student who runs sudo make reset (root's make, in their clone) had a
# file of their own replaced by one of root's, which their editor could no
# longer save, and a backups folder they could not add to. The file and the
# backups must stay theirs, with the file's mode. Root only: as anyone
# else, what make reset writes is theirs anyway.
sudo_reset_keeps_owner() {
    [ "$(id -u)" = 0 ] || { echo "needs root"; return "$SKIPPED"; }
    sr_clone=$(pwd)/$scratch/sudo-reset f=exercises/01-gradient-descent.c
    rm -rf "$sr_clone" && git clone -q . "$sr_clone" && chown -R 65534:65534 "$sr_clone" || return 1
    as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
    (cd "$sr_clone" && $as_nobody sh -c "chmod 664 $f && sed -i 's/return 0.0;/return 42.0;/' $f") || return 1
    (cd "$sr_clone" && FORCE=1 make -s reset EX=parabola-descend) >"$scratch/sr.log" 2>&1 || { cat "$scratch/sr.log"; return 1; }
    [ "$(stat -c '%u %a' "$sr_clone/$f")" = "65534 664" ] && [ "$(stat -c %u "$sr_clone/exercises/backups")" = 65534 ] &&
        [ "$(stat -c %u "$sr_clone"/exercises/backups/*)" = 65534 ] ||
        { echo "after root's make reset: $(stat -c '%n %U %a' "$sr_clone/$f" "$sr_clone/exercises/backups" "$sr_clone"/exercises/backups/*)"; return 1; }
    (cd "$sr_clone" && $as_nobody sh -c "echo '/* mine again */' >>$f") || { echo "the student cannot save $f any more"; return 1; }
}
in_group students-files &&
    check "make reset run as root (sudo) leaves the student's file and backups theirs, with the file's mode" sudo_reset_keeps_owner

# make reset EX=NAME and make restore EX=NAME swap one function of a file
# the student wrote as they pleased. A "}" at column 0 inside a function
# (code not indented) ended it there, and reset left the rest of the body
# after the stub: a file that no longer compiled. A prototype split over
# two lines, or a comment line naming a function, was taken for the start
# of a definition, and everything up to the next "}" at column 0 (a whole
# other function) was dropped; so was the function after a "} /* end */".
# Here the student's chapter 1 has all of these, a "}" in a string and a
# macro of several lines:
# each reset must swap in the stub's function alone, every other byte
# staying, and each restore must give back the very file.
rs_defs() { # rs_defs FILE NAME: FILE's definition of NAME(), through its first "}" at column 0
    awk -v name="$2" '$0 ~ "^(void|double|int|size_t) " name "\\(" && !/;$/ { on = 1 } on { print } on && /^}/ { exit }' "$1"
}
# reset_and_restore DIR EX: with DIR/mine.c as the student's chapter 1
# file, make reset EX=EX must write DIR/expected.c, and make restore
# EX=EX give back mine.c itself.
reset_and_restore() {
    cp "$1/mine.c" "$1/01-gradient-descent.c"
    FORCE=1 make --no-print-directory -s reset EX=$2 EXERCISES="$1" >"$1/out" 2>&1 ||
        { echo "make reset EX=$2 failed:"; cat "$1/out"; return 1; }
    cmp "$1/expected.c" "$1/01-gradient-descent.c" ||
        { echo "make reset EX=$2 wrote:"; diff "$1/expected.c" "$1/01-gradient-descent.c" | head -n 12; return 1; }
    FORCE=1 make --no-print-directory -s restore EX=$2 EXERCISES="$1" >"$1/out" 2>&1 &&
        cmp "$1/mine.c" "$1/01-gradient-descent.c" ||
        { echo "make restore EX=$2 did not give the file back:"; cat "$1/out"; diff "$1/mine.c" "$1/01-gradient-descent.c" | head -n 12; return 1; }
}
# stub_spliced DIR NAME: what make reset EX=NAME must write from the
# student's chapter 1 file DIR/mine.c: the file with NAME()'s definition
# (from its first line through the first "}" at column 0 after it) the
# stub's, on stdout.
stub_spliced() {
    awk -f tools/make-stub.awk solutions/01-gradient-descent.c >"$1/stub.c" &&
        rs_defs "$1/stub.c" "$2" >"$1/stub-def.c" || return 1
    awk -v name="$2" -v def="$1/stub-def.c" '
        $0 ~ "^(void|double) " name "\\(" { while ((getline line < def) > 0) print line; skip = 1 }
        skip { if (/^}/) skip = 0; next }
        { print }' "$1/mine.c"
}
reset_swaps_odd_functions() {
    rs_dir=$scratch/reset-odd l=01-gradient-descent
    rm -rf "$rs_dir" && mkdir -p "$rs_dir" || return 1
    awk -f tools/make-stub.awk solutions/$l.c >"$rs_dir/stub.c" || return 1
    # The student's file: the solution, with mse_loss() unindented (its
    # loop's "}" at column 0) and closed with a comment, a prototype split
    # over two lines at the top, and a note naming mse_grad( at column 0.
    awk '/^double parabola_descend\(/ {
             print "double mse_loss(const double *x, const double *y, size_t n, double w,"
             print "                double b);"
             print "#define SWAP(a, b) do { \\"
             print "        double t_ = (a); (a) = (b); (b) = t_; \\"
             print "} while (0)"
         }
         /^void mse_grad\(/ { print "/* A note to myself:"; print "my mse_grad(x, y, n, w, b, ...) follows the lesson"; print "*/" }
         /^double mse_loss\(/ { loss = 1 }
         loss && /^}/ { print "} /* end of mse_loss */"; loss = 0; next }
         loss && /BEGIN SOLUTION/ { print "const char *brace = \"}\"; (void)brace;" }
         loss && NF { sub(/^[ \t]+/, "") }
         { print }' solutions/$l.c >"$rs_dir/mine.c" || return 1
    awk '/^double mse_loss\(/ && ++n == 2 { on = 1 } on && /^}$/ { inner++ } /end of mse_loss/ { on = 0 }
         END { exit !(n == 2 && inner == 1) }' "$rs_dir/mine.c" && grep -q '^my mse_grad(' "$rs_dir/mine.c" ||
        { echo "the student's file is not as this check means it"; return 1; }
    for rs_f in mse_loss mse_grad; do
        # What reset EX=... must write: the student's file with that one
        # definition (the second mse_loss(, the first being the prototype)
        # the stub's.
        rs_defs "$rs_dir/stub.c" $rs_f >"$rs_dir/stub-def.c"
        awk -v name=$rs_f -v def="$rs_dir/stub-def.c" '
            $0 ~ "^(void|double|int|size_t) " name "\\(" && !/;$/ && ++seen == (name == "mse_loss" ? 2 : 1) {
                while ((getline line < def) > 0) print line
                skip = 1
            }
            skip { if (name == "mse_loss" ? /^} \/\* end/ : /^}/) skip = 0; next }
            { print }' "$rs_dir/mine.c" >"$rs_dir/expected.c"
        reset_and_restore "$rs_dir" $(echo $rs_f | tr _ -) || return 1
    done
    # A function defined twice (an old version kept under #if 0) cannot be
    # swapped as asked: refused, the file as it was.
    { cat "$rs_dir/mine.c"; echo '#if 0'; rs_defs solutions/$l.c linreg_step; echo '#endif'; } >"$rs_dir/$l.c"
    cp "$rs_dir/$l.c" "$rs_dir/twice.c"
    FORCE=1 make --no-print-directory -s reset EX=linreg-step EXERCISES="$rs_dir" >"$rs_dir/out" 2>&1 &&
        { echo "make reset EX=linreg-step of a function defined twice succeeded"; return 1; }
    cmp -s "$rs_dir/twice.c" "$rs_dir/$l.c" && grep -q 'defines linreg_step() more than once: nothing changed' "$rs_dir/out" ||
        { cat "$rs_dir/out"; return 1; }
}
in_group students-files &&
    check "make reset and restore EX=... swap one function of a file written any way (a \"}\" at column 0 inside a function, a split prototype, a comment naming a function, a \"}\" in a string), and refuse one defined twice" \
        reset_swaps_odd_functions

# make reset EX=NAME in a file with an older helper kept half-written
# under #if 0 (its braces left open), and with no newline after its last
# line. The open braces were counted, and reset refused the whole file as
# one whose braces do not pair up; a file that ended without a newline
# got one added. Reset must swap in the stub's mse_loss() alone, every
# other byte staying (the last line still without its newline), and
# restore give back the very file.
reset_keeps_if0_and_last_line() {
    ri_dir=$scratch/reset-if0 l=01-gradient-descent
    rm -rf "$ri_dir" && mkdir -p "$ri_dir" || return 1
    awk '/^double mse_loss\(/ {
             print "#if 0"; print "static void show(double v)"; print "{"
             print "    if (v > 0) {"; print "#endif"
         }
         { print }' solutions/$l.c | head -c -1 >"$ri_dir/mine.c" || return 1
    stub_spliced "$ri_dir" mse_loss | head -c -1 >"$ri_dir/expected.c" || return 1
    reset_and_restore "$ri_dir" mse-loss
}
in_group students-files &&
    check "make reset and restore EX=... in a file with a half-written helper under #if 0 and no newline at its end: the one function swapped, every other byte kept" \
        reset_keeps_if0_and_last_line

# make reset EX=NAME in a file where mse_loss() has #ifdef branches that
# each open a brace (its loop written one way for a DEBUG build, another
# way otherwise). Both braces were counted, and reset refused the whole
# file as one whose braces do not pair up. Reset must swap in the stub's
# mse_loss() (both branches going with it), or mse_grad() after it, alone,
# every other byte staying, and restore give back the very file. Two
# files it cannot swap safely stay refused, unchanged: linreg_step()
# defined in each branch of an #ifdef (which would the stub replace?);
# mse_loss() whose first line differs between branches (its #ifdef would
# stay behind, without its #endif); and mse_loss() whose braces pair up
# otherwise with DEBUG than without (a line after it is the function's
# in one build and not in the other).
reset_keeps_ifdef_branches() {
    rb_dir=$scratch/reset-ifdef l=01-gradient-descent
    rm -rf "$rb_dir" && mkdir -p "$rb_dir" || return 1
    awk '/^double mse_loss\(/ { loss = 1 }
         loss && /^    for \(size_t i = 0; i < n; i\+\+\) \{$/ {
             print "#ifdef DEBUG"; print "    for (size_t i = n; i-- > 0;) {"
             print "#else"; print; print "#endif"
             loss = 0; next
         }
         { print }' solutions/$l.c >"$rb_dir/mine.c" || return 1
    [ "$(grep -c '^#ifdef DEBUG$' "$rb_dir/mine.c")" -eq 1 ] || { echo "the student's file is not as this check means it"; return 1; }
    for rb_f in mse_loss mse_grad; do
        stub_spliced "$rb_dir" $rb_f >"$rb_dir/expected.c" || return 1
        reset_and_restore "$rb_dir" $(echo $rb_f | tr _ -) || return 1
    done
    awk '/^void linreg_step\(/ { on = 1 }
         on { def = def $0 "\n"; if (/^}/) { printf "#ifdef FAST\n%s#else\n%s#endif\n", def, def; on = 0 }; next }
         { print }' "$rb_dir/mine.c" >"$rb_dir/twice.c"
    awk '/^double mse_loss\(/ { print "#ifdef DEBUG" }
         { print }
         /^double mse_loss\(/ { loss = 1 }
         loss && /^\{$/ {
             print "#else"; print "double mse_loss(const double *x, const double *y, size_t n, double w, double b)"
             print "{"; print "#endif"; loss = 0
         }' "$rb_dir/mine.c" >"$rb_dir/first-line.c"
    # (with DEBUG, mse_loss() ends after "static int calls;"; without,
    # before it: which bytes are the function depends on the build)
    awk '/^double mse_loss\(/ { loss = 1 }
         { print }
         loss && /^\{$/ { print "#ifdef DEBUG"; print "    {"; print "#endif" }
         loss && /^}$/ { print "static int calls;"; print "#ifdef DEBUG"; print "}"; print "#endif"; loss = 0 }' \
        "$rb_dir/mine.c" >"$rb_dir/two-ends.c"
    # rb_refused FILE EX WHY: make reset EX=EX of FILE.c says WHY, and changes nothing
    rb_refused() {
        cp "$rb_dir/$1.c" "$rb_dir/$l.c"
        FORCE=1 make --no-print-directory -s reset EX=$2 EXERCISES="$rb_dir" >"$rb_dir/out" 2>&1 &&
            { echo "make reset EX=$2 of $1.c succeeded"; return 1; }
        cmp -s "$rb_dir/$1.c" "$rb_dir/$l.c" && grep -q "$3.*: nothing changed" "$rb_dir/out" ||
            { echo "make reset EX=$2 of $1.c:"; cat "$rb_dir/out"; return 1; }
    }
    rb_refused twice linreg-step 'defines linreg_step() more than once' &&
        rb_refused first-line mse-loss 'mse_loss() begins on line [0-9]* and ends on line [0-9]*, on either side of an #if' &&
        rb_refused two-ends mse-loss 'the braces { } of mse_loss() pair up differently as different macros are defined'
}
in_group students-files &&
    check "make reset and restore EX=... in a file whose function has #ifdef branches that each open a brace: the one function swapped, every other byte kept; a function defined in both branches, whose first line differs between them, or whose braces pair up otherwise without DEBUG, refused" \
        reset_keeps_ifdef_branches

# make restore EX=NAME after two resets: reset EX=mse-grad, then reset
# EX=mse-loss. The newest backup holds mse_grad() as the stub, and make
# restore EX=mse-grad (the first reset's own advice) said "already
# matches: nothing to do", the student's mse_grad() left in an older
# backup. It must take the newest backup whose mse_grad() is not the
# file's, and a second restore put the file back whole.
restore_after_two_resets() {
    rt_dir=$scratch/restore-two l=01-gradient-descent
    rm -rf "$rt_dir" && mkdir -p "$rt_dir" && cp solutions/$l.c "$rt_dir/" || return 1
    for rt_ex in mse-grad mse-loss; do
        FORCE=1 make --no-print-directory -s reset EX=$rt_ex EXERCISES="$rt_dir" >/dev/null || return 1
    done
    FORCE=1 make --no-print-directory -s restore EX=mse-grad EXERCISES="$rt_dir" >"$rt_dir.out" 2>&1 || { cat "$rt_dir.out"; return 1; }
    same_def() { [ "$(rs_defs "$1" $3)" = "$(rs_defs "$2" $3)" ]; }
    same_def "$rt_dir/$l.c" solutions/$l.c mse_grad || { echo "make restore EX=mse-grad did not bring the student's mse_grad() back:"; cat "$rt_dir.out"; return 1; }
    FORCE=1 make --no-print-directory -s restore EX=mse-loss EXERCISES="$rt_dir" >"$rt_dir.out" 2>&1 &&
        cmp solutions/$l.c "$rt_dir/$l.c" || { cat "$rt_dir.out"; return 1; }
}
in_group students-files &&
    check "make restore EX=... after resets of two exercises brings back each one's function (not the newest backup's stub)" restore_after_two_resets

# make reset where the file or the backups folder is odd. A folder named
# like the exercise file took the new file inside it, and reset said
# "Reset ... to the pristine stub" (and make check and make try called it
# missing and advised that reset). A read-only file, reset from a terminal: mv asked
# again after the student's yes, and an answer other than y left the file
# as it was, a .tmp beside it, and "Reset ..." said all the same. A file
# where the backups folder goes stopped it with mkdir's words. EX=mse.grad
# was read as a pattern and reset mse_grad().
reset_in_odd_states() {
    ro_dir=$(pwd)/$scratch/reset-states l=01-gradient-descent
    rm -rf "$ro_dir" && mkdir -p "$ro_dir/$l.c" || return 1
    FORCE=1 tools/reset.sh 01 "$ro_dir" >"$ro_dir.out" 2>&1
    ro_status=$?
    [ "$ro_status" -eq 2 ] && [ -z "$(ls -A "$ro_dir/$l.c")" ] && [ "$(wc -l <"$ro_dir.out")" -eq 1 ] &&
        grep -q "^reset: $ro_dir/$l.c is a folder, not your exercise file: nothing changed" "$ro_dir.out" ||
        { echo "make reset over a folder: status $ro_status, it holds $(ls -A "$ro_dir/$l.c"),"; cat "$ro_dir.out"; return 1; }
    tools/grade.sh "$ro_dir" 01 >"$ro_dir.out" 2>&1
    grep -q "$ro_dir/$l.c is a folder: only regular files are graded" "$ro_dir.out" && ! grep -q 'make reset' "$ro_dir.out" ||
        { echo "make check of a folder said:"; grep -A 1 'First to fix' "$ro_dir.out"; return 1; }
    make --no-print-directory -s try CH=01 EXERCISES="$ro_dir" >"$ro_dir.out" 2>&1
    grep -q "^make try: $ro_dir/$l.c is not a file (a folder?): move it away first\$" "$ro_dir.out" ||
        { echo "make try of a folder said:"; cat "$ro_dir.out"; return 1; }
    rmdir "$ro_dir/$l.c" && cp solutions/$l.c "$ro_dir/" && echo >"$ro_dir/backups" || return 1
    FORCE=1 tools/reset.sh 01 "$ro_dir" >"$ro_dir.out" 2>&1
    [ "$(cat "$ro_dir.out")" = "reset: $ro_dir/backups is a file, where the folder of backups goes: nothing changed (move it away first)" ] &&
        cmp -s solutions/$l.c "$ro_dir/$l.c" || { cat "$ro_dir.out"; return 1; }
    FORCE=1 tools/reset.sh mse.grad "$ro_dir" >"$ro_dir.out" 2>&1 &&
        { echo "EX=mse.grad was taken:"; cat "$ro_dir.out"; return 1; }
    # The read-only file, from a terminal (script(1) gives one), as the
    # student (as root, the user nobody: root may write a read-only file).
    rm "$ro_dir/backups" && chmod 444 "$ro_dir/$l.c" || return 1
    ro_as=""
    if [ "$(id -u)" = 0 ]; then
        chown -R 65534 "$ro_dir" && ro_as="setpriv --reuid=65534 --regid=65534 --clear-groups"
    fi
    $ro_as script -qec "FORCE=1 tools/reset.sh 01 '$ro_dir'" /dev/null </dev/null >"$ro_dir.out" 2>&1
    awk -f tools/make-stub.awk solutions/$l.c | cmp -s - "$ro_dir/$l.c" && ! grep -q 'mv' "$ro_dir.out" &&
        [ -z "$(ls "$ro_dir" | grep -v -x -e "$l.c" -e backups)" ] ||
        { echo "make reset of a read-only file from a terminal:"; cat "$ro_dir.out"; ls -l "$ro_dir"; return 1; }
}
in_group students-files &&
    check "make reset over a folder, with a file where backups/ goes, of a read-only file from a terminal, or EX=mse.grad: one line and nothing written, or the stub written with no second question" \
        reset_in_odd_states

echo "# $only: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
