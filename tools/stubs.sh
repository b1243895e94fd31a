#!/bin/sh
# stubs.sh [--check]: exercises/NN-topic.c from solutions/NN-topic.c.
#
#   tools/stubs.sh          (make stubs, maintainers) writes each generated
#                           stub over exercises/ -- but never over a file
#                           that has changes of its own (one that differs
#                           from its committed version: a student's work)
#                           unless FORCE=1, and then only after keeping a
#                           copy in exercises/backups/ (which git ignores)
#   tools/stubs.sh --check  (make test) fails when a committed stub is not
#                           what solutions/ generates. It judges what is
#                           committed, never a student's edited file: the
#                           working file is compared when it is unedited
#                           (or when it already is the generated stub).
# Outside a git checkout there is no committed version to tell a student's
# edits from a stale stub: --check then compares the working files, and a
# plain run refuses to overwrite any file that differs, unless FORCE=1.
# A new chapter, whose solution git does not know yet, is the exception:
# its stub is rewritten whenever its solution changes.
set -u
cd "$(dirname "$0")/.." || exit 2
check=0
[ "${1:-}" = --check ] && check=1
scratch=$(mktemp -d) || exit 2
trap 'rm -rf "$scratch"' EXIT

# committed FILE OUT: the committed version of FILE into OUT; false when
# there is none (not in git, or a new file).
committed() {
    git rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
        git show "HEAD:$1" >"$2" 2>/dev/null
}

status=0
for solution in solutions/[0-9][0-9]-*.c; do
    exercise=exercises/${solution##*/}
    stub=$scratch/stub.c
    awk -f tools/make-stub.awk "$solution" >"$stub" ||
        { echo "stubs: $solution: unbalanced BEGIN/END SOLUTION markers" >&2; exit 2; }
    cmp -s "$stub" "$exercise" && continue       # already the generated stub
    if committed "$exercise" "$scratch/committed.c"; then
        cmp -s "$exercise" "$scratch/committed.c" && edited=0 || edited=1
    elif git rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
        ! git ls-files --error-unmatch "$solution" >/dev/null 2>&1; then
        # A chapter being written (git does not know its solution yet):
        # its stub is the maintainer's, generated here each time.
        edited=0
    else
        edited=1 # nothing to tell a student's edits by: assume they are
        [ -e "$exercise" ] || edited=0
    fi
    if [ "$check" -eq 1 ]; then
        if [ "$edited" -eq 1 ] && [ -s "$scratch/committed.c" ] &&
            cmp -s "$stub" "$scratch/committed.c"; then
            continue # edited by someone, but the committed stub is fresh
        fi
        if [ "$edited" -eq 1 ] && [ -s "$scratch/committed.c" ]; then
            echo "the committed $exercise is stale: run make stubs and commit it"
        else
            echo "$exercise is stale: run make stubs"
        fi
        status=1
        continue
    fi
    if [ "$edited" -eq 1 ] && [ "${FORCE:-}" != 1 ]; then
        echo "stubs: $exercise has changes of its own (it is not the committed file): left as it is; FORCE=1 make stubs replaces it and keeps a copy in exercises/backups/" >&2
        status=1
        continue
    fi
    if [ "$edited" -eq 1 ]; then
        mkdir -p exercises/backups || exit 2
        backup=exercises/backups/$(basename "$exercise" .c).$(date +%Y%m%d-%H%M%S).c
        n=1
        while [ -e "$backup" ]; do
            backup=exercises/backups/$(basename "$exercise" .c).$(date +%Y%m%d-%H%M%S)-$n.c
            n=$((n + 1))
        done
        cp -p "$exercise" "$backup" || { echo "stubs: cannot back up $exercise: left as it is" >&2; exit 2; }
        echo "stubs: kept the old $exercise as $backup"
    fi
    cp "$stub" "$exercise.tmp" && mv "$exercise.tmp" "$exercise" || exit 2
    echo "stubs: wrote $exercise"
done
exit "$status"
