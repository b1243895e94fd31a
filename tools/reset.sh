#!/bin/sh
# reset.sh [--restore] WHICH [EXERCISES-DIR]: make reset EX=WHICH and
# make restore EX=WHICH.
#
# WHICH is an exercise (mse-grad, or 04/sgd-step where two chapters have an
# exercise of that name; or a function it asks for, as make check takes:
# mse_grad, exponential_lr_next for exponential-lr) or a whole file: a
# chapter number (01), a stem (01-gradient-descent) or a path
# (exercises/01-gradient-descent.c).
#
# reset puts back the pristine stub, generated afresh from solutions/ with
# tools/make-stub.awk: for an exercise, only its functions (the one the
# exercise grades and any other whose stub is marked with the same lesson
# section, e.g. batch_iterator_init beside batch_iterator_next), leaving
# every other function of the file as the student wrote it; for a chapter,
# the whole file. restore undoes the last reset or restore: it takes the
# same functions, or the whole file, from the newest backup.
#
# Both ask first, unless FORCE=1, and before writing copy the student's
# current file to EXERCISES-DIR/backups/STEM.YYYYMMDD-HHMMSS[-N].c (git and
# the grader ignore that folder). Exit status 0 when the file was changed
# or already as asked, 1 when the student said no (or could not be asked),
# 2 on bad usage or when the file cannot be edited safely (nothing changed).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
action=reset
[ "${1:-}" = --restore ] && { action=restore; shift; }
which=${1:-}
exercises=${2:-exercises}
[ -n "$exercises" ] || exercises=exercises
say() { echo "$action: $*" >&2; }

if [ -z "$which" ]; then
    say "say what, e.g. make $action EX=mse-grad (one exercise) or EX=01 (a chapter's whole file)"
    exit 2
fi

# Which chapter's file, and (for an exercise) which function?
stem="" func="" section=""
case "$which" in
    */*.c|*.c) stem=$(basename "$which" .c) ;;
    [0-9]) stem=$(ls solutions/0"$which"-*.c 2>/dev/null | head -n 1) ;;
    [0-9][0-9]) stem=$(ls solutions/"$which"-*.c 2>/dev/null | head -n 1) ;;
    [0-9][0-9]-*) stem=$which ;;
    *)
        # An exercise's name, NAME or NN/NAME: its row in the suites'
        # exercise tables gives the function and the lesson section.
        name=${which#[0-9][0-9]/}
        name=${name%"()"}
        suites=tests/[0-9][0-9]-*.c
        case $which in
            [0-9][0-9]/*) suites=$(ls tests/"${which%%/*}"-*.c 2>/dev/null | grep -v '\..*\.c$') ;;
        esac
        # The row names the exercise first, then its functions ("f()" or
        # "f() and g()"): a function's name finds the row too.
        named="\\{[[:space:]]*\"$name\"[[:space:]]*,"
        asked="\\{[[:space:]]*\"[^\"]*\"[[:space:]]*,[[:space:]]*\"([^\"]* and )?$name\\(\\)( and [^\"]*)?\""
        found=""
        for t in $suites; do
            [ -f "$t" ] || continue
            row=$(grep -E "$named|$asked" "$t" | head -n 1)
            [ -n "$row" ] || continue
            found="$found ${t#tests/}"
            stem=$(basename "$t" .c)
            # (its functions, one per line: "f() and g()" asks for two)
            func=$(echo "$row" | sed -E 's/^[^"]*"[^"]*"[[:space:]]*,[[:space:]]*"([^"]*)".*/\1/; s/\(\)//g; s/ and /\n/g')
            section=$(echo "$row" | sed -E 's/^[^"]*"[^"]*"[[:space:]]*,[[:space:]]*"[^"]*"[[:space:]]*,[[:space:]]*[0-9]+[[:space:]]*,[[:space:]]*"([^"]*)".*/\1/')
        done
        if [ "$(echo $found | wc -w)" -gt 1 ]; then
            say "EX=$which: chapters $(echo $found | sed -E 's/-[^ ]*//g; s/ / and /g') both have an exercise of that name: say which, as EX=NN/$which"
            exit 2
        fi ;;
esac
stem=$(basename "${stem:-none}" .c)
if [ ! -f "solutions/$stem.c" ]; then
    say "EX=$which: no such exercise or chapter (make check and make hint name the exercises)"
    exit 2
fi

file=$exercises/$stem.c
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
awk -f tools/make-stub.awk "solutions/$stem.c" >"$tmp/stub.c" || { say "cannot make the stub of solutions/$stem.c"; exit 2; }

# The newest backup of this file (names sort by time, then by counter).
newest_backup() {
    ls "$exercises/backups/" 2>/dev/null | awk -v stem="$stem" '
        index($0, stem ".") == 1 && /\.c$/ {
            rest = substr($0, length(stem) + 2); sub(/\.c$/, "", rest)
            n = split(rest, part, "-"); if (n < 2 || part[1] !~ /^[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]$/) next
            key = part[1] part[2] sprintf("%06d", n > 2 ? part[3] : 0)
            if (key > best) { best = key; pick = $0 }
        }
        END { if (pick != "") print pick }'
}
if [ "$action" = reset ]; then
    from=$tmp/stub.c what="the pristine stub"
else
    b=$(newest_backup)
    [ -n "$b" ] || { say "there is no backup of $file in $exercises/backups/"; exit 2; }
    from=$exercises/backups/$b what="your version in $exercises/backups/$b"
fi

# What the file becomes.
if [ -n "$func" ]; then
    funcs=$( { echo "$func"; awk -v section="$section" -f tools/functions.awk "$tmp/stub.c"; } | sort -u | tr '\n' ' ')
    funcs=${funcs% }
    scope="$(echo "$funcs" | sed 's/ /() and /g')() in $file"
    if [ ! -f "$file" ]; then
        say "there is no $file: make $action EX=${stem%%-*} makes the whole file"
        exit 2
    fi
    if ! awk -v names="$funcs" -f tools/functions.awk "$from" "$file" >"$tmp/new.c" 2>"$tmp/err"; then
        say "$(sed 's/^functions.awk: //' "$tmp/err"): nothing changed; make $action EX=${stem%%-*} replaces the whole file"
        exit 2
    fi
elif [ "$action" = reset ] && [ -f "$file" ] && head -n 1 "$file" | grep -q "$(printf '\r')\$"; then
    # The whole file, saved with Windows line endings (CR LF): the stub
    # comes with them too, as one exercise's functions do above.
    scope=$file
    sed 's/$/\r/' "$from" >"$tmp/new.c" || exit 2
else
    scope=$file
    cp "$from" "$tmp/new.c" || exit 2
fi

if [ -f "$file" ] && cmp -s "$tmp/new.c" "$file"; then
    echo "$scope already $( [ "$action" = reset ] && echo "is the pristine stub" || echo "matches $what"): nothing to do."
    exit 0
fi
if [ "${FORCE:-}" != 1 ]; then
    if [ -f "$file" ]; then
        printf 'Replace %s with %s? The file as it is now will be kept in %s/backups/. [y/N] ' "$scope" "$what" "$exercises"
    else
        printf 'Create %s from %s? [y/N] ' "$file" "$what"
    fi
    if ! read -r answer; then
        echo
        say "no answer (not a terminal?): nothing changed; FORCE=1 goes ahead without asking"
        exit 1
    fi
    case "$answer" in
        [yY]|[yY][eE][sS]) ;;
        *) echo "Nothing changed."; exit 1 ;;
    esac
fi
# give_back REF TARGET: run as root (sudo make reset), what is written here
# stays the student's: TARGET takes the owner of REF (the file it replaces,
# or the folder), and a file's mode, so that their editor can still save
# the file and the next make reset can still keep a backup.
give_back() {
    [ "$(id -u)" = 0 ] || return 0
    chown --reference="$1" "$2" || return 1
    [ -d "$1" ] || chmod --reference="$1" "$2"
}
if [ -f "$file" ]; then
    [ -d "$exercises/backups" ] || { mkdir -p "$exercises/backups" && give_back "$exercises" "$exercises/backups"; } || exit 2
    stamp=$(date +%Y%m%d-%H%M%S)
    backup=$exercises/backups/$stem.$stamp.c
    n=1
    while [ -e "$backup" ]; do
        backup=$exercises/backups/$stem.$stamp-$n.c
        n=$((n + 1))
    done
    cp -p "$file" "$backup" || { say "cannot back up $file: nothing changed"; exit 2; }
    echo "Kept the file as it was in $backup (make restore EX=$which brings it back)"
fi
cp "$tmp/new.c" "$file.tmp" && give_back "$([ -f "$file" ] && echo "$file" || echo "$exercises")" "$file.tmp" &&
    mv "$file.tmp" "$file" || exit 2
if [ "$action" = reset ]; then echo "Reset $scope to the pristine stub."; else echo "Restored $scope from $from."; fi
