#!/bin/sh
# one-code-path.sh: fails when a chapter program defines a function that
# the course already has: a function of the same name in solutions/ or in
# lib/. A chapter program calls the graded code and the shared layer; it
# never carries its own copy of them. (A name is only a floor: a copy
# renamed passes this check, which is why reviews still read the code.)
set -u
cd "$(dirname "$0")/.." || exit 2

# The names of the functions defined at the start of a line in FILE...
defined() {
    sed -n 's/^[A-Za-z_][A-Za-z_0-9 *]*[ *]\([a-z_][a-z_0-9]*\)(.*/\1/p' "$@" |
        grep -v '^main$' | sort -u
}

# What the course offers a program to call: the functions solutions/ and
# lib/ export (their static helpers are private, so a program's function
# of the same name is no copy of anything it could call).
names=$(mktemp) || exit 2
trap 'rm -f "$names"' EXIT
grep -hv '^static' solutions/[0-9][0-9]-*.c lib/*.c | defined - >"$names"
status=0
for program in chapters/[0-9][0-9]-*.c; do
    twice=$(defined "$program" | comm -12 - "$names" | tr '\n' ' ')
    if [ -n "$twice" ]; then
        echo "$program defines again what solutions/ or lib/ define: $twice"
        status=1
    fi
done
exit "$status"
