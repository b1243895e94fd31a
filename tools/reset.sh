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
# same functions, or the whole file, from the newest backup that holds
# them otherwise than the file does now (after make reset EX=mse-grad, then
# make reset EX=mse-loss, the newest backup's mse_grad() is the stub: make
# restore EX=mse-grad takes the one before).
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
        # (A name is letters, digits, - and _: what else it holds would be
        # read by grep as a pattern, and EX=mse.grad reset mse_grad().)
        case $name in ''|*[!A-Za-z0-9_-]*) suites="" ;; esac
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
# Only a regular file (or a symbolic link to one, or nothing) is edited: a
# folder at that path would take the new file inside it.
if [ -e "$file" ] && [ ! -f "$file" ]; then
    say "$file is $( [ -d "$file" ] && echo a folder || echo "not a regular file"), not your exercise file: nothing changed (move it away first)"
    exit 2
fi
tmp=$(mktemp -d) || exit 2
new_file="" partial=""
trap 'rm -rf "$tmp"; rm -f ${new_file:+"$new_file"} ${partial:+"$partial"}' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
awk -f tools/make-stub.awk "solutions/$stem.c" >"$tmp/stub.c" || { say "cannot make the stub of solutions/$stem.c"; exit 2; }

# The backups of this file, newest first (names sort by time, then by
# counter).
backups_newest_first() {
    ls "$exercises/backups/" 2>/dev/null | awk -v stem="$stem" '
        index($0, stem ".") == 1 && /\.c$/ {
            rest = substr($0, length(stem) + 2); sub(/\.c$/, "", rest)
            n = split(rest, part, "-"); if (n < 2 || part[1] !~ /^[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]$/) next
            print part[1] part[2] sprintf("%06d", n > 2 ? part[3] : 0), $0
        }' | sort -r | cut -d ' ' -f 2-
}

if [ -n "$func" ]; then
    funcs=$( { echo "$func"; awk -v section="$section" -f tools/functions.awk "$tmp/stub.c"; } | sort -u | tr '\n' ' ')
    funcs=${funcs% }
    scope="$(echo "$funcs" | sed 's/ /() and /g')() in $file"
    if [ ! -f "$file" ]; then
        say "there is no $file: make $action EX=${stem%%-*} makes the whole file"
        exit 2
    fi
fi
# becomes FROM: what the file becomes from FROM (the stub or a backup), in
# $tmp/new.c; status 3, and the reason in $tmp/err, when it cannot be made.
becomes() {
    if [ -n "$func" ]; then
        awk -v names="$funcs" -f tools/functions.awk "$1" "$file" >"$tmp/new.c" 2>"$tmp/err" || return 3
        # (awk ends every line it prints with a newline: a file whose last
        # line had none is left without one)
        if [ -n "$(tail -c 1 "$file")" ]; then
            head -c -1 "$tmp/new.c" >"$tmp/cut.c" && mv "$tmp/cut.c" "$tmp/new.c" || exit 2
        fi
    elif [ "$action" = reset ] && [ -f "$file" ] && head -n 1 "$file" | grep -q "$(printf '\r')\$"; then
        # The whole file, saved with Windows line endings (CR LF): the stub
        # comes with them too, as one exercise's functions do above.
        sed 's/$/\r/' "$1" >"$tmp/new.c" || exit 2
    else
        cp "$1" "$tmp/new.c" || exit 2
    fi
}
[ -n "$func" ] || scope=$file
if [ "$action" = reset ]; then
    from=$tmp/stub.c what="the pristine stub"
    becomes "$from"
    made=$?
else
    # The newest backup that changes the file (or, when none does, the
    # newest that can be used, which says so below).
    from="" usable="" made=3
    for b in $(backups_newest_first); do
        if ! becomes "$exercises/backups/$b"; then
            [ -f "$tmp/first-err" ] || cp "$tmp/err" "$tmp/first-err"
            continue
        fi
        [ -n "$usable" ] || usable=$b
        [ -f "$file" ] && cmp -s "$tmp/new.c" "$file" && continue
        from=$exercises/backups/$b made=0
        break
    done
    if [ -z "$from" ] && [ -n "$usable" ]; then
        from=$exercises/backups/$usable
        becomes "$from"
        made=$?
    elif [ -z "$from" ]; then
        [ -f "$tmp/first-err" ] || { say "there is no backup of $file in $exercises/backups/"; exit 2; }
        cp "$tmp/first-err" "$tmp/err"
    fi
    what="your version in $from"
fi
if [ "$made" -ne 0 ]; then
    say "$(sed 's/^functions.awk: //' "$tmp/err"): nothing changed; make $action EX=${stem%%-*} replaces the whole file"
    exit 2
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
    if [ -e "$exercises/backups" ] && [ ! -d "$exercises/backups" ]; then
        say "$exercises/backups is a file, where the folder of backups goes: nothing changed (move it away first)"
        exit 2
    fi
    [ -d "$exercises/backups" ] || { mkdir -p "$exercises/backups" && give_back "$exercises" "$exercises/backups"; } || exit 2
    stamp=$(date +%Y%m%d-%H%M%S)
    backup=$exercises/backups/$stem.$stamp.c
    # (Each name claimed by making it, set -C, so that two resets in one
    # second keep two backups; one stopped half-way is removed on exit.)
    n=1
    while ! (set -C && : >"$backup") 2>/dev/null; do
        [ -e "$backup" ] || { say "cannot write a backup in $exercises/backups/: nothing changed"; exit 2; }
        backup=$exercises/backups/$stem.$stamp-$n.c
        n=$((n + 1))
    done
    partial=$backup
    cp -p "$file" "$backup" || { say "cannot back up $file: nothing changed"; exit 2; }
    partial=""
    echo "Kept the file as it was in $backup (make restore EX=$which brings it back)"
fi
# Written beside the file and renamed over it, never half-written; mv -f,
# or a read-only file would have mv ask again, after the student's yes.
# The temporary file is this run's own (its process id; set -C: made, never
# reused), with the mode the umask gives a new file.
(set -C && : >"$file.$$.tmp") || exit 2
new_file=$file.$$.tmp
cp "$tmp/new.c" "$new_file" &&
    give_back "$([ -f "$file" ] && echo "$file" || echo "$exercises")" "$new_file" &&
    mv -f "$new_file" "$file" || exit 2
new_file=""
if [ "$action" = reset ]; then echo "Reset $scope to the pristine stub."; else echo "Restored $scope from $from."; fi
