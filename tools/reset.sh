#!/bin/sh
# reset.sh WHICH [EXERCISES-DIR]: puts one exercise file back to its
# pristine stub (make reset EX=...).
#
# WHICH names the file: an exercise (mse-grad), a chapter number (01), a
# stem (01-gradient-descent) or a path (exercises/01-gradient-descent.c).
# The stub is generated afresh from solutions/ with tools/make-stub.awk.
# It asks first, unless FORCE=1; before replacing the file it copies the
# student's version to EXERCISES-DIR/backups/STEM.YYYYMMDD-HHMMSS.c (the
# grader never reads that folder). Exit status 0 when the file was reset or
# already pristine, 1 when the student said no (or could not be asked), 2
# on bad usage.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
which=${1:-}
exercises=${2:-exercises}
[ -n "$exercises" ] || exercises=exercises

if [ -z "$which" ]; then
    echo "reset: say which file, e.g. make reset EX=mse-grad (an exercise) or EX=01 (a chapter)" >&2
    exit 2
fi

# Which chapter's file?
stem=""
case "$which" in
    */*|*.c) stem=$(basename "$which" .c) ;;
    [0-9]) stem=$(ls solutions/0"$which"-*.c 2>/dev/null | head -n 1) ;;
    [0-9][0-9]) stem=$(ls solutions/"$which"-*.c 2>/dev/null | head -n 1) ;;
    [0-9][0-9]-*) stem=$which ;;
    *)
        # An exercise's name: look it up in the suites' exercise tables.
        for t in tests/[0-9][0-9]-*.c; do
            if grep -qE "\\{[[:space:]]*\"$which\"[[:space:]]*," "$t"; then
                [ -z "$stem" ] || { echo "reset: $which is an exercise of more than one chapter: say EX=NN" >&2; exit 2; }
                stem=$(basename "$t" .c)
            fi
        done ;;
esac
stem=$(basename "${stem:-none}" .c)
if [ ! -f "solutions/$stem.c" ]; then
    echo "reset: EX=$which: no such exercise or chapter (exercises are named in make hint's and make check's output)" >&2
    exit 2
fi

file=$exercises/$stem.c
tmp=$(mktemp) || exit 2
trap 'rm -f "$tmp"' EXIT
awk -f tools/make-stub.awk "solutions/$stem.c" >"$tmp" || { echo "reset: cannot make the stub of solutions/$stem.c" >&2; exit 2; }

if [ -f "$file" ] && cmp -s "$tmp" "$file"; then
    echo "$file is already the pristine stub: nothing to do."
    exit 0
fi
if [ "${FORCE:-}" != 1 ]; then
    if [ -f "$file" ]; then
        printf 'Replace %s with the pristine stub? Your version will be kept in %s/backups/. [y/N] ' "$file" "$exercises"
    else
        printf 'Create %s from the pristine stub? [y/N] ' "$file"
    fi
    if ! read -r answer; then
        echo
        echo "reset: no answer (not a terminal?): nothing changed; FORCE=1 resets without asking" >&2
        exit 1
    fi
    case "$answer" in
        [yY]|[yY][eE][sS]) ;;
        *) echo "Nothing changed."; exit 1 ;;
    esac
fi
if [ -f "$file" ]; then
    mkdir -p "$exercises/backups" || exit 2
    backup=$exercises/backups/$stem.$(date +%Y%m%d-%H%M%S).c
    n=1
    while [ -e "$backup" ]; do
        backup=$exercises/backups/$stem.$(date +%Y%m%d-%H%M%S)-$n.c
        n=$((n + 1))
    done
    cp -p "$file" "$backup" || { echo "reset: cannot back up $file: nothing changed" >&2; exit 2; }
    echo "Kept your version as $backup"
fi
cp "$tmp" "$file.tmp" && mv "$file.tmp" "$file" || exit 2
echo "Reset $file to the pristine stub."
