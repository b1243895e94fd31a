#!/bin/sh
# watch.sh [EXERCISES-DIR] [CHAPTER] [EXERCISE]: re-grades the chapter being
# worked on every time one of its exercise files is saved (make watch).
#
# The chapter is CHAPTER if given, otherwise the one whose exercise file
# was saved last (it follows you to another chapter when you save there).
# Each grading shows the score table and the first failing exercise's
# diagnostic, from tools/grade.sh, so it is always what the code does now.
# With EXERCISE (make watch EX=mse-grad, or EX=04/sgd-step), each grading
# shows that exercise alone: its verdict, diagnostic and hint.
# It waits for file events with inotifywait (Debian's inotify-tools) and
# otherwise, or with WATCH_POLL=1, looks at the files' times every
# WATCH_INTERVAL seconds (1 by default). Ctrl-C stops it: whatever it
# started is stopped too, and the exit status is 0.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
exercises=${1:-exercises}
fixed=${2:-}
exercise=${3:-}
[ -n "$exercises" ] || exercises=exercises
interval=${WATCH_INTERVAL:-1}

if [ ! -d "$exercises" ]; then
    echo "watch: EXERCISES=$exercises is not a directory" >&2
    exit 2
fi
case "$fixed" in
    ''|[0-9][0-9]) ;;
    [0-9]) fixed=0$fixed ;;
    *) echo "watch: CH=$fixed: expected a chapter number such as 01" >&2; exit 2 ;;
esac
# A chapter with no graded suite is refused before the watching starts
# (its header, printed first, read as if it had started).
if [ -n "$fixed" ] && ! ls tests/"$fixed"-*.c >/dev/null 2>&1; then
    echo "watch: CH=$fixed: there is no chapter $fixed; the chapters are$(for t in tests/[0-9][0-9]-*.c; do t=${t##*/}; case $t in *.*.c) ;; *) printf ' %s' "${t%%-*}" ;; esac; done)" >&2
    exit 2
fi

# The exercise files that have a graded suite, newest first, with their
# modification time and size: a change in this text is a save.
signature() {
    for t in tests/[0-9][0-9]-*.c; do
        f=$exercises/$(basename "$t")
        [ -f "$f" ] && stat -c '%.9Y %s %n' "$f"
    done | sort -k1,1nr -k3,3
}

# The chapter to grade: the fixed one (with EXERCISE, every chapter: the
# grader finds the exercise's); otherwise that of the newest file the
# student has changed, one that is no longer its pristine stub, and the
# lowest chapter while none is. (Not simply the newest file: a fresh clone
# writes chapter 1's a clock tick before the others, which says nothing.)
chapter() {
    if [ -n "$fixed" ] || [ -n "$exercise" ]; then echo "$fixed"; return; fi
    file=$(signature | while read -r _ _ f; do
        awk -f tools/make-stub.awk "solutions/${f##*/}" 2>/dev/null | cmp -s - "$f" || { echo "${f##*/}"; break; }
    done)
    if [ -z "$file" ]; then
        for t in tests/[0-9][0-9]-*.c; do
            [ -f "$exercises/${t##*/}" ] && { file=${t##*/}; break; }
        done
    fi
    echo "${file%%-*}"
}

waiter=""
stop() {
    [ -n "$waiter" ] && kill "$waiter" 2>/dev/null && wait "$waiter" 2>/dev/null
    echo
    echo "Stopped watching."
    exit 0
}
trap stop INT TERM HUP

use_inotify=0
if [ "${WATCH_POLL:-0}" != 1 ] && command -v inotifywait >/dev/null 2>&1; then
    use_inotify=1
fi

# Waits, in the background so Ctrl-C is answered at once, for an event in
# the folder (or for a short while: a save between two looks is then seen
# by the signature).
wait_a_little() {
    if [ "$use_inotify" = 1 ]; then
        inotifywait -q -q -t 2 -e close_write -e moved_to -e create -e delete -e attrib \
            "$exercises" >/dev/null 2>&1 &
    else
        sleep "$interval" &
    fi
    waiter=$!
    wait "$waiter"
    code=$?
    waiter=""
    # inotifywait: 0 event, 2 timeout; anything else means file events do
    # not work here (no inotify, too many watches): poll instead.
    if [ "$use_inotify" = 1 ] && [ "$code" -ne 0 ] && [ "$code" -ne 2 ] && [ "$code" -lt 128 ]; then
        use_inotify=0
        echo "watch: file events do not work here; looking every $interval s instead" >&2
    fi
}

how="file events (inotifywait)"
[ "$use_inotify" = 1 ] || how="a look every $interval s"
while :; do
    seen=$(signature)
    ch=$(chapter)
    [ -t 1 ] && printf '\033[H\033[2J'
    if [ -n "$exercise" ]; then
        echo "Watching $exercises/ by $how for $exercise; save to re-grade, Ctrl-C to stop. Graded at $(date +%H:%M:%S):"
        echo
        tools/grade.sh --hint-for "$exercise" "$exercises" "$ch"
        # What the grader refuses (status 2: an exercise or chapter that does
        # not exist, an ambiguous name, suites that do not build) will not
        # come right by waiting for a save.
        [ $? -eq 2 ] && exit 2
    elif [ -z "$ch" ]; then
        echo "Watching $exercises/ by $how: no exercise file with a graded suite yet."
    else
        echo "Watching $exercises/$ch-*.c by $how; save to re-grade, Ctrl-C to stop. Graded at $(date +%H:%M:%S):"
        echo
        tools/grade.sh "$exercises" "$ch"
        [ $? -eq 2 ] && exit 2
    fi
    while [ "$(signature)" = "$seen" ]; do
        wait_a_little
    done
done
