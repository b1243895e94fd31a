#!/bin/sh
# grade.sh [OPTIONS] EXERCISES-DIR [CHAPTER]: grades exercise files with the
# Check suites.
#
#   tools/grade.sh exercises          every chapter of your exercises
#   tools/grade.sh solutions 01       chapter 1 of the reference solutions
#
# Options (make grade, make hint and tools/grade-class.sh use them):
#   --json FILE          also write FILE in Gradescope's results.json format
#   --tap FILE           also write a TAP log, one test point per exercise
#   --report FILE        also write the terminal report to FILE
#   --results FILE       also write the merged results table (TSV, see below)
#   --hidden-tests DIR   instructor-only suites DIR/NN-topic*.c, graded
#                        against the same exercise files; all hidden
#   --time-limit SEC     grade for at most SEC seconds in all; chapters not
#                        reached by then score 0 ("time-limit")
#   --hint               print only the hint of the first failing exercise
#   --hint-for EXERCISE  print only EXERCISE's status and hint
#   --quiet              print only Check's summary lines (GRADE_QUIET=1)
#
# For each chapter with a suite in tests/, only the student's NN-topic.c is
# copied into a scratch folder under build/grade/ and compiled there with
# the course's own headers and tests, so nothing else in EXERCISES-DIR can
# change what is graded. Names, points, hints and sections come from a
# listing of the suite built with the pristine stub (from solutions/); the
# student's build contributes only pass/fail and the diagnostic. A chapter
# that does not compile scores 0 with the compiler's message, and the
# others are still graded. Prints a score table per chapter, the first
# failing exercise with its diagnostic and hint, and Check's summary lines;
# exit status 0 only when every graded test passed (2 on bad usage, 3 when
# the course's own files changed while a submission ran).
#
# What a submission cannot do (see README.md, "Grading untrusted code"): its
# global symbols other than the exercise functions are made local before
# linking, so its own main(), grading_near() or malloc() override nothing;
# a file with constructors or destructors (code that would run in the
# grader's process) is refused; its tests run in the scratch folder, in a
# process group that is killed when they end, under time limits.
#
# Environment: GRADE_CFLAGS adds compiler flags (the self-test uses it for
# -Werror and sanitizers); GRADE_QUIET=1 is --quiet; HIDDEN_VISIBILITY is
# the results.json visibility of hidden tests (after_published by default,
# or hidden); CK_TIMEOUT_MULTIPLIER scales Check's per-test timeout.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
start=$(date +%s)

usage() {
    echo "usage: tools/grade.sh [--json F] [--tap F] [--report F] [--results F] [--hidden-tests DIR]" >&2
    echo "                      [--time-limit SEC] [--hint | --hint-for EXERCISE] [--quiet] EXERCISES-DIR [CHAPTER]" >&2
    exit 2
}

json="" tap="" report="" results_out="" hidden_dir="" limit="" hint="" quiet=${GRADE_QUIET:-0}
mode=report
while [ $# -gt 0 ]; do
    case "$1" in
        --json) json=${2:?}; shift 2 ;;
        --tap) tap=${2:?}; shift 2 ;;
        --report) report=${2:?}; shift 2 ;;
        --results) results_out=${2:?}; shift 2 ;;
        --hidden-tests) hidden_dir=${2:?}; shift 2 ;;
        --time-limit) limit=${2:?}; shift 2 ;;
        --hint) mode=hint; shift ;;
        --hint-for) mode=hint; hint=${2:?}; shift 2 ;;
        --quiet) quiet=1; shift ;;
        --) shift; break ;;
        -*) usage ;;
        *) break ;;
    esac
done
[ $# -ge 1 ] && [ $# -le 2 ] || usage
exercises=$1
only=${2:-}

if [ ! -d "$exercises" ]; then
    echo "grade: $exercises is not a directory (the folder of exercise files to grade)" >&2
    exit 2
fi
case "$only" in
    ''|[0-9][0-9]) ;;
    [0-9]) only=0$only ;;
    *) echo "grade: CH=$only: expected a chapter number such as 01" >&2; exit 2 ;;
esac
case "$limit" in
    ''|*[!0-9]*) [ -z "$limit" ] || { echo "grade: --time-limit $limit: expected whole seconds" >&2; exit 2; } ;;
esac
if [ -n "$hidden_dir" ] && [ ! -d "$hidden_dir" ]; then
    echo "grade: HIDDEN_TESTS=$hidden_dir is not a directory" >&2
    exit 2
fi
case "${HIDDEN_VISIBILITY:=after_published}" in
    hidden|after_published|after_due_date) ;;
    *) echo "grade: HIDDEN_VISIBILITY=$HIDDEN_VISIBILITY: expected hidden, after_published or after_due_date" >&2; exit 2 ;;
esac

suites=$(ls tests/[0-9][0-9]-*.c 2>/dev/null | sort)
[ -n "$only" ] && suites=$(echo "$suites" | grep "^tests/$only-")
if [ -z "$suites" ]; then
    echo "grade: no graded chapter ${only:+numbered $only }in tests/" >&2
    exit 2
fi

# One scratch folder per exercises folder and set of flags, so grading
# solutions, stubs and sanitizer builds never overwrite each other.
abs=$(cd "$exercises" && pwd)
key=$(printf '%s %s' "$abs" "${GRADE_CFLAGS:-}" | cksum | cut -d' ' -f1)
work=$root/build/grade/$key
mkdir -p "$work"
# One grader at a time per scratch folder (make watch and make check on the
# same files, say): the second waits for the first.
if command -v flock >/dev/null 2>&1; then
    exec 9>"$work/lock"
    flock 9
fi
check_flags=$(pkg-config --cflags --libs check) || exit 2
# Three warnings are errors for students: each is a bug that would
# otherwise show up as a baffling wrong number or a link error (a misspelt
# function, a variable read before it is set, a missing return).
base_cflags="-std=c11 -O1 -g -Wall -Wextra -ffp-contract=off \
-Werror=implicit-function-declaration -Werror=uninitialized -Werror=return-type"
cflags="$base_cflags ${GRADE_CFLAGS:-}"
case "$cflags" in *-fsanitize*) sanitized=1 ;; *) sanitized=0 ;; esac

# The Check environment is the grader's to set: selecting tests would
# leave exercises unrun, and stray log settings would write elsewhere.
unset CK_RUN_SUITE CK_RUN_CASE CK_INCLUDE_TAGS CK_EXCLUDE_TAGS CK_FORK \
      CK_VERBOSITY CK_LOG_FILE_NAME CK_XML_LOG_FILE_NAME CK_TAP_LOG_FILE_NAME \
      CK_DEFAULT_TIMEOUT

# --------------------------------------------------------------- helpers

# fresh TARGET INPUT...: true when TARGET exists and is newer than every input.
fresh() {
    target=$1
    shift
    [ -e "$target" ] || return 1
    for input in "$@"; do
        [ "$target" -nt "$input" ] || return 1
    done
}

# Seconds left before the time limit (a large number without one).
remaining() {
    if [ -z "$limit" ]; then echo 100000; return; fi
    echo $((start + limit - $(date +%s)))
}

# run_limited SECONDS LOG DIR COMMAND...: runs COMMAND in DIR, in its own
# process group (timeout makes one), with no input, output to LOG; kills
# the whole group when it ends, so nothing it started survives it.
running=""
run_limited() {
    rl_seconds=$1 rl_log=$2 rl_dir=$3
    shift 3
    [ "$rl_seconds" -gt 0 ] || return 124
    (cd "$rl_dir" && exec timeout -s KILL "$rl_seconds" "$@") >"$rl_log" 2>&1 </dev/null 9>&- &
    running=$!
    wait "$running"
    rl_code=$?
    kill -s KILL -- "-$running" 2>/dev/null
    running=""
    return $rl_code
}
interrupted() {
    [ -n "$running" ] && kill -s KILL -- "-$running" 2>/dev/null
    exit 130
}
trap interrupted INT TERM HUP

# The course's own files, whose checksum must not change while a
# submission runs.
course_sum() {
    cat tests/*.c tests/*.h tools/*.sh tools/*.awk solutions/*.c exercises/*.h lib/*.c lib/*.h Makefile \
        ${hidden_dir:+"$hidden_dir"/*.c} 2>/dev/null | cksum
}

# compile LOG OUT ARGS...: cc with a time limit (an #include of /dev/zero
# would never end), writing OUT only when it succeeds.
compile() {
    clog=$1 out=$2
    shift 2
    c_t=$(remaining)
    [ "$c_t" -gt 60 ] && c_t=60
    # shellcheck disable=SC2086  # the flag lists are meant to split
    run_limited "$c_t" "$clog" "$root" cc "$@" -o "$out.tmp$$" &&
        mv "$out.tmp$$" "$out" || { rm -f "$out.tmp$$"; return 1; }
}

# listing SUITE STEM DIR: the trusted exercise table of SUITE, built with
# the pristine stub of STEM and cached in DIR; prints its path.
listing() {
    lsuite=$1 lstem=$2 ldir=$3
    mkdir -p "$ldir"
    header=exercises/$lstem.h
    if ! fresh "$ldir/list.tsv" "$lsuite" "solutions/$lstem.c" tests/grading.c tests/*.h \
         "$header" tools/make-stub.awk lib/*.h lib/*.c; then
        # Temporary names of this process's own: two graders may list at once.
        awk -f tools/make-stub.awk "solutions/$lstem.c" >"$ldir/stub.c.$$" &&
        mv "$ldir/stub.c.$$" "$ldir/stub.c" &&
        compile "$ldir/build.log" "$ldir/stub.o" $base_cflags -Iexercises -Ilib -c "$ldir/stub.c" &&
        compile "$ldir/build.log" "$ldir/list" $cflags -Iexercises -Itests -Ilib \
            "$lsuite" tests/grading.c "$ldir/stub.o" $lib_objs $check_flags -lm &&
        nm -g --defined-only "$ldir/stub.o" | awk 'NF == 3 { print $3 }' >"$ldir/keep.txt.$$" &&
        mv "$ldir/keep.txt.$$" "$ldir/keep.txt" &&
        "$ldir/list" --list "$ldir/list.tmp$$" && mv "$ldir/list.tmp$$" "$ldir/list.tsv" ||
            { echo "grade: cannot list the exercises of $lsuite:" >&2; cat "$ldir/build.log" >&2; return 1; }
    fi
    echo "$ldir/list.tsv"
}

# build_student DIR STEM: compiles DIR/STEM.c into DIR/student.o with only
# the exercise functions global (keep list from the pristine stub), after
# refusing constructors and destructors. Messages go to DIR/compile.log.
build_student() {
    bdir=$1 bstem=$2
    bsrc=$bdir/$bstem.c
    blog=$bdir/compile.log
    if fresh "$bdir/student.o" "$bsrc" "$work/list-$bstem.keep" "exercises/$bstem.h" lib/*.h; then
        return 0
    fi
    rm -f "$bdir/student.o"
    : >"$blog"
    # Only the course's headers (exercises/, lib/) and the C library's may be
    # included: an #include of another file (a hidden suite, say) would
    # show its text in the compiler's messages. No asm either: .incbin and
    # section tricks are not for these exercises.
    # (-MG lists a header that does not exist instead of failing on it.)
    if ! compile "$bdir/deps.log" "$bdir/deps.mk" $cflags -Iexercises -Ilib -MM -MG "$bsrc"; then
        cp "$bdir/deps.log" "$blog"
        return 1
    fi
    other=$(tr ' ' '\n' <"$bdir/deps.mk" | grep -v -e '^$' -e '^\\$' -e ':$' -e "^$bsrc\$" \
                -e '^exercises/[^/]*\.h$' -e '^lib/[^/]*\.h$' | head -n 1)
    if [ -n "$other" ]; then
        echo "error: the file includes $other: only the course's headers (exercises/, lib/) and the C library's may be included" >"$blog"
        return 1
    fi
    if compile "$bdir/deps.log" "$bdir/pre.i" $cflags -Iexercises -Ilib -E "$bsrc" &&
       awk -v src="\"$bsrc\"" '/^# [0-9]+ "/ { f = $3; next }
            f == src && /(^|[^A-Za-z0-9_])(__)?asm(__)?([^A-Za-z0-9_]|$)/ { found = 1 }
            END { exit !found }' "$bdir/pre.i"; then
        echo "error: the file uses asm, which these exercises do not need and the grader does not allow" >"$blog"
        return 1
    fi
    compile "$blog" "$bdir/raw.o" $cflags -Iexercises -Ilib -c "$bsrc" || return 1
    bplain=$bdir/raw.o
    if [ "$sanitized" = 1 ]; then
        # Sanitizers add constructors of their own: look at a plain build.
        compile "$bdir/plain.log" "$bdir/plain.o" $base_cflags -Iexercises -Ilib -c "$bsrc" || return 1
        bplain=$bdir/plain.o
    fi
    if readelf -SW "$bplain" | grep -qE 'INIT_ARRAY|FINI_ARRAY|PREINIT_ARRAY|\.ctors|\.dtors'; then
        echo "error: the file defines a constructor or destructor (code that runs before or after main), which the grader does not run" >"$blog"
        return 1
    fi
    objcopy --keep-global-symbols="$work/list-$bstem.keep" "$bdir/raw.o" "$bdir/student.o.tmp" >>"$blog" 2>&1 &&
        mv "$bdir/student.o.tmp" "$bdir/student.o"
}

# lib_objects: the course's shared C (lib/*.c: the seeded generator and
# the rest), which exercises may use, compiled once per set of flags into
# an archive, as the Makefile does; prints the archive's path. An archive,
# because some of lib/ calls the chapters' exercise functions (lib/optimizer.c
# calls chapter 4's): the linker takes from it only what a suite uses, so a
# chapter's suite never needs another chapter's functions.
lib_objects() {
    lib_dir=$shared_objs/lib
    mkdir -p "$lib_dir"
    lib_list=""
    for lib_src in lib/*.c; do
        [ -f "$lib_src" ] || continue
        lib_obj=$lib_dir/$(basename "$lib_src" .c).o
        fresh "$lib_obj" "$lib_src" lib/*.h exercises/*.h ||
            compile "$lib_dir/build.log" "$lib_obj" $cflags -Iexercises -Ilib -c "$lib_src" ||
            { cat "$lib_dir/build.log" >&2; return 1; }
        lib_list="$lib_list $lib_obj"
    done
    # shellcheck disable=SC2086  # one word per object
    fresh "$lib_dir/libcourse.a" $lib_list ||
        { rm -f "$lib_dir/libcourse.a" && ar rcs "$lib_dir/libcourse.a" $lib_list; } ||
        return 1
    echo "$lib_dir/libcourse.a"
}

# link_suite SUITE BIN DIR: links SUITE with the harness and DIR/student.o.
# The suite's and the harness's objects do not depend on the student: they
# are kept, per set of flags, for every folder graded with those flags.
# Status 1 when the link fails (the student's file, say a missing
# function), 2 when the course's own suite or harness does not compile.
link_suite() {
    ksuite=$1 kbin=$2 kdir=$3
    sobj=$shared_objs/suite-$(printf '%s' "$ksuite" | cksum | cut -d' ' -f1).o
    hobj=$shared_objs/grading.o
    header=exercises/$(basename "$ksuite" .c | cut -d. -f1).h
    fresh "$hobj" tests/grading.c tests/grading.h ||
        compile "$kdir/harness.log" "$hobj" $cflags -Itests $check_flags -c tests/grading.c ||
        return 2
    fresh "$sobj" "$ksuite" tests/*.h "$header" lib/*.h ||
        compile "$kdir/harness.log" "$sobj" $cflags -Iexercises -Itests -Ilib $check_flags -c "$ksuite" ||
        return 2
    fresh "$kbin" "$kdir/student.o" "$sobj" "$hobj" $lib_objs && return 0
    compile "$kdir/link.log" "$kbin" $cflags "$sobj" "$hobj" "$kdir/student.o" \
        $lib_objs $check_flags -lm
}

# The course's own code failed to build: that is no student's fault.
harness_broken() {
    echo "grade: the course's test suite or harness does not compile with these flags:" >&2
    cat "$1" >&2
    exit 2
}

# merge TRUSTED RAW NOTE MESSAGE VISIBILITY: the trusted rows, with status
# and message from RAW (the student's run) or NOTE, earned points from the
# status; VISIBILITY "hidden" forces every row hidden.
merge() {
    awk -F '\t' -v OFS='\t' -v note="$3" -v msg="$4" -v force="$5" '
        FILENAME == ARGV[1] { if ($1 != "chapter") { status[$2] = $6; message[$2] = $7 } next }
        $1 == "chapter" { print; next }
        {
            if (note != "") { $6 = note; $7 = msg }
            else if ($2 in status) { $6 = status[$2]; $7 = message[$2] }
            else { $6 = "stopped"; $7 = "the test program stopped before reporting this exercise (it was killed, or the code ended it)" }
            $4 = ($6 == "pass") ? $5 : 0
            if (force == "hidden") $10 = "hidden"
            print
        }' "$2" "$1"
}

# --------------------------------------------------------------- grading
hidden_key=""
[ -n "$hidden_dir" ] && hidden_key=$(cd "$hidden_dir" && pwd | cksum | cut -d' ' -f1)
shared_objs=$root/build/grade/objects-$(printf '%s' "$cflags" | cksum | cut -d' ' -f1)
lib_objs=$(lib_objects) || { echo "grade: the course's lib/ does not compile with these flags" >&2; exit 2; }
merged=$work/results.tsv
: >"$merged.tmp"
summaries=""
sum_before=$(course_sum)
for suite in $suites; do
    stem=$(basename "$suite" .c)
    dir=$work/$stem
    mkdir -p "$dir"
    rm -f "$dir"/raw*.tsv "$dir/run.log"
    list=$(listing "$suite" "$stem" "$root/build/grade/list/$stem") || exit 2
    # This folder's copy of the exercise functions' names (its objects are
    # rebuilt when they change).
    cmp -s "$(dirname "$list")/keep.txt" "$work/list-$stem.keep" ||
        cp "$(dirname "$list")/keep.txt" "$work/list-$stem.keep"

    # The instructor's hidden suites of this chapter, if any.
    hidden_suites=""
    if [ -n "$hidden_dir" ]; then
        hidden_suites=$(ls "$hidden_dir/$stem".c "$hidden_dir/$stem".*.c 2>/dev/null | sort -u)
    fi

    # The file itself, or, in a whole copy of the course (an LMS upload of
    # a student's repository), the one in its exercises/ folder.
    source=$exercises/$stem.c
    [ ! -f "$source" ] && [ -f "$exercises/exercises/$stem.c" ] && source=$exercises/exercises/$stem.c

    note="" message=""
    if [ "$(remaining)" -le 0 ]; then
        note="time-limit"; message="not graded: the submission's time limit of $limit s was used up"
    elif [ ! -f "$source" ]; then
        note="missing"; message="there is no $exercises/$stem.c"
    else
        # Copy only when changed, so an unchanged file is not recompiled.
        cmp -s "$source" "$dir/$stem.c" || cp "$source" "$dir/$stem.c"
        rm -f "$dir/link.log"
        linked=1
        if build_student "$dir" "$stem" && { link_suite "$suite" "$dir/suite" "$dir"; linked=$?; [ $linked -eq 0 ]; }; then
            :
        elif [ "${linked:-1}" -eq 2 ]; then
            harness_broken "$dir/harness.log"
        else
            note="compile"
            # The compiler's own words, with the scratch path replaced by
            # the student's.
            cat "$dir/compile.log" "$dir/link.log" 2>/dev/null |
                sed "s|$dir/$stem\.c|$source|g; s|$dir/||g" >"$dir/errors.log"
            first=$(grep -m 3 -i 'error' "$dir/errors.log" | tr '\t' ' ' | tr '\n' ' ')
            [ -n "$first" ] || first=$(head -n 3 "$dir/errors.log" | tr '\t' ' ' | tr '\n' ' ')
            message="$source does not compile: $first"
        fi
    fi

    if [ -z "$note" ]; then
        t=$(remaining)
        [ "$t" -gt 300 ] && t=300
        run_limited "$t" "$dir/run.log" "$dir" "$dir/suite" "$dir/raw.tsv"
        summary=$(grep '%: Checks:' "$dir/run.log" | tail -n 1)
        summaries="$summaries$stem: ${summary:-stopped before its summary}
"
        [ -s "$dir/raw.tsv" ] || : >"$dir/raw.tsv"
        merge "$list" "$dir/raw.tsv" "" "" visible >>"$merged.tmp"
    else
        : >"$dir/raw.tsv"
        merge "$list" "$dir/raw.tsv" "$note" "$message" visible >>"$merged.tmp"
        summaries="$summaries$stem: not graded ($note)
"
    fi

    n=0
    for hsuite in $hidden_suites; do
        n=$((n + 1))
        hlist=$(listing "$hsuite" "$stem" "$root/build/grade/list/hidden-$hidden_key/$stem-$n") || exit 2
        hnote=$note hmessage=$message
        if [ -z "$hnote" ]; then
            link_suite "$hsuite" "$dir/hidden-$n" "$dir"
            linked=$?
            [ $linked -eq 2 ] && harness_broken "$dir/harness.log"
            if [ $linked -eq 0 ]; then
                t=$(remaining)
                [ "$t" -gt 300 ] && t=300
                run_limited "$t" "$dir/hidden-$n.log" "$dir" "$dir/hidden-$n" "$dir/raw-hidden-$n.tsv"
                summaries="$summaries$stem (hidden tests): $(grep '%: Checks:' "$dir/hidden-$n.log" | tail -n 1)
"
            else
                hnote=compile hmessage="$exercises/$stem.c does not link with the hidden tests"
            fi
        fi
        [ -s "$dir/raw-hidden-$n.tsv" ] || : >"$dir/raw-hidden-$n.tsv"
        # Hidden rows join their chapter: drop the listing's chapter line.
        merge "$hlist" "$dir/raw-hidden-$n.tsv" "$hnote" "$hmessage" hidden |
            awk -F '\t' -v OFS='\t' -v stem="$stem" '$1 != "chapter" { $1 = stem; print }' >>"$merged.tmp"
    done
done
mv "$merged.tmp" "$merged"
if [ "$(course_sum)" != "$sum_before" ]; then
    echo "grade: the course's own files (tests/, tools/, solutions/, exercises/*.h) changed while $exercises was graded: its results are void; restore them with git before grading again" >&2
    exit 3
fi
[ -n "$results_out" ] && cp "$merged" "$results_out"

status=0
awk -F '\t' '$1 != "chapter" && $6 != "pass" { bad = 1 } END { exit bad }' "$merged" || status=1

elapsed=$(($(date +%s) - start))
if [ "$mode" = hint ]; then
    awk -F '\t' -v mode=hint -v ex="$hint" -v exdir="$exercises" -f tools/report.awk "$merged"
    exit $?
fi
if [ "$quiet" = 1 ]; then
    printf '%s' "$summaries"
    exit $status
fi

out=$work/report.txt
{
    awk -F '\t' -v mode=table -v exdir="$exercises" -f tools/report.awk "$merged"
    # The compiler's own message for each chapter that does not compile.
    for suite in $suites; do
        stem=$(basename "$suite" .c)
        grep -q "^$stem	[^	]*	[^	]*	[^	]*	[^	]*	compile	" "$merged" || continue
        printf '\n%s.c does not compile; the compiler says:\n' "$stem"
        head -n 25 "$work/$stem/errors.log" | sed 's/^/  | /'
    done
    echo
    printf '%s' "$summaries"
} >"$out"
cat "$out"
[ -n "$report" ] && cp "$out" "$report"
if [ -n "$json" ]; then
    iconv -c -f UTF-8 -t UTF-8 "$merged" |
        awk -F '\t' -v mode=json -v report="$out" -v seconds="$elapsed" \
            -v hidden_visibility="$HIDDEN_VISIBILITY" -f tools/report.awk >"$json.tmp" &&
        mv "$json.tmp" "$json"
fi
if [ -n "$tap" ]; then
    awk -F '\t' -v mode=tap -f tools/report.awk "$merged" >"$tap.tmp" && mv "$tap.tmp" "$tap"
fi
exit $status
