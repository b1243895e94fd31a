#!/bin/sh
# grade.sh EXERCISES-DIR [CHAPTER]: grades exercise files with the Check suites.
#
#   tools/grade.sh exercises          every chapter of your exercises
#   tools/grade.sh solutions 01       chapter 1 of the reference solutions
#
# For each chapter with a suite in tests/, the student's NN-topic.c is copied
# into a scratch folder under build/grade/ and compiled there with the
# course's own headers and tests, so nothing else in EXERCISES-DIR can change
# what is graded. A chapter that does not compile scores 0 and the others are
# still graded. Prints a score table per chapter, the first failing exercise
# with its diagnostic and hint, and Check's summary lines; exit status 0 only
# when every graded test passed.
#
# Environment: GRADE_CFLAGS adds compiler flags (the self-test uses it for
# -Werror and sanitizers); GRADE_QUIET=1 prints only the summary lines.
set -u
exercises=${1:-exercises}
only=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2

if [ ! -d "$exercises" ]; then
    echo "grade: EXERCISES=$exercises is not a directory" >&2
    exit 2
fi
case "$only" in
    ''|[0-9][0-9]) ;;
    [0-9]) only=0$only ;;
    *) echo "grade: CH=$only: expected a chapter number such as 01" >&2; exit 2 ;;
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
work=build/grade/$key
mkdir -p "$work"
check_flags=$(pkg-config --cflags --libs check) || exit 2
cflags="-std=c11 -O1 -g -Wall -Wextra -ffp-contract=off ${GRADE_CFLAGS:-}"

# Builds $2 from the suite $1 and the exercise file $3, unless it is newer
# than every input. Compiler messages go to $4. The course's random
# generator (lib/rng.c) is linked in, so exercises can take an Rng.
build() {
    suite=$1 bin=$2 src=$3 log=$4
    if [ -x "$bin" ] && [ "$bin" -nt "$src" ] && [ "$bin" -nt "$suite" ] &&
       [ "$bin" -nt tests/grading.c ] && [ "$bin" -nt tests/grading.h ] &&
       [ "$bin" -nt lib/rng.c ] && [ "$bin" -nt lib/rng.h ] &&
       [ "$bin" -nt "exercises/$(basename "$suite" .c).h" ]; then
        return 0
    fi
    # shellcheck disable=SC2086  # the flag lists are meant to split
    cc $cflags -Iexercises -Itests -Ilib "$suite" tests/grading.c lib/rng.c "$src" \
        $check_flags -lm -o "$bin" >"$log" 2>&1
}

status=0
summaries=""
for suite in $suites; do
    stem=$(basename "$suite" .c)
    dir=$work/$stem
    mkdir -p "$dir"
    results=$dir/results.tsv
    rm -f "$results"
    if [ ! -f "$exercises/$stem.c" ]; then
        note="missing"; message="there is no $exercises/$stem.c"
    else
        # Copy only when changed, so an unchanged file is not recompiled.
        cmp -s "$exercises/$stem.c" "$dir/$stem.c" || cp "$exercises/$stem.c" "$dir/$stem.c"
        if build "$suite" "$dir/suite" "$dir/$stem.c" "$dir/compile.log"; then
            note=""
            timeout 300 "$dir/suite" "$results" >"$dir/run.log" 2>&1
            summaries="$summaries$stem: $(grep '%: Checks:' "$dir/run.log" | tail -n 1)
"
        else
            rm -f "$dir/suite"
            note="compile"
            message="$exercises/$stem.c does not compile: $(grep -m 3 'error' "$dir/compile.log" | tr '\t' ' ' | tr '\n' ' ')"
        fi
    fi
    if [ -n "$note" ]; then
        # Score the chapter 0 with its real exercise table, listed by the
        # suite built against the pristine stub generated from the solution.
        awk -f tools/make-stub.awk "solutions/$stem.c" >"$dir/stub.c"
        build "$suite" "$dir/list" "$dir/stub.c" "$dir/list.log" &&
            "$dir/list" --list "$results" ||
            printf 'chapter\t%s\t%s\n' "$stem" "(no exercise table)" >"$results"
        awk -F '\t' -v OFS='\t' -v note="$note" -v msg="$message" \
            'NR > 1 { $6 = note; $7 = msg } { print }' "$results" >"$results.tmp" &&
            mv "$results.tmp" "$results"
        summaries="$summaries$stem: not graded ($note)
"
    fi
    awk -F '\t' 'NR > 1 && $6 != "pass" { bad = 1 } END { exit bad }' "$results" || status=1
done

if [ "${GRADE_QUIET:-0}" = 1 ]; then
    printf '%s' "$summaries"
    exit $status
fi

# The score table, then the first failing exercise in full.
for suite in $suites; do cat "$work/$(basename "$suite" .c)/results.tsv"; done |
awk -F '\t' -v exdir="$exercises" '
function flush() {
    if (stem == "") return
    printf "%-58s %3d/%d\n", "Chapter " substr(stem, 1, 2) ": " title, got, max
    printf "%s", rows
    rows = ""; got = 0; max = 0
}
$1 == "chapter" { flush(); stem = $2; title = $3; next }
{
    mark = ($6 == "pass") ? "PASS" : toupper($6)
    rows = rows sprintf("  %-8s %-20s %-24s %3d/%d\n", mark, $2, $3, $4, $5)
    got += $4; max += $5; total += $4; total_max += $5
    if ($6 != "pass" && first == "") {
        first = $0
        split($0, f, "\t")
    }
}
END {
    flush()
    pct = total_max ? int(100 * total / total_max) : 0
    printf "\nScore: %d/%d points (%d%%)\n", total, total_max, pct
    if (first == "") { print "\nEvery exercise passes."; exit }
    printf "\nFirst failing exercise: %s in %s/%s.c (%s)\n", f[3], exdir, f[1], f[2]
    printf "  %s\n", f[7]
    if (f[9] != "") printf "  Hint: %s\n", f[9]
    if (f[8] != "") printf "  Read: chapters/%s.md, section \"%s\"\n", f[1], f[8]
}'
echo
printf '%s' "$summaries"
exit $status
