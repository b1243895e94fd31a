# mutate.awk: writes a solution with one classic bug put in.
#
#   awk -v spec=tests/NN-topic.mutants -v name=sign-error \
#       -f tools/mutate.awk solutions/NN-topic.c > mutant.c
#
# A mutants file describes each mutant as a block:
#   mutant  sign-error
#   expect  check the sign of the residual      (what the grader must say)
#   in      mse_grad                            (optional: see below)
#   find    double residual = w * x[i] + b - y[i];
#   replace double residual = y[i] - (w * x[i] + b);
# `find` matches whole lines, ignoring indentation; every match is replaced
# by the `replace` lines that follow (none deletes the line), indented like
# the line they replace. A find that matches nothing is an error, so a
# mutant cannot silently stop testing anything when the solution changes.
#
# A mutant is named for the function it breaks, so it must break only
# that one: a find whose line is in several functions (every optimizer
# has `double g = grads[i] + ...`) is an error unless an `in` line before
# it names the functions it is meant for; each function it names must
# then hold the line. Its matches elsewhere are left alone. A function is
# what starts at a line in the first column with a `(` and no closing `;`,
# and ends at a `}` in the first column; outside them is the file's top
# (its includes), which `in` calls `-`.

function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
function rest(line) { sub(/^[a-z]+[ \t]*/, "", line); return line }
function fail(why) { print "mutate: " spec ": mutant '" name "': " why > "/dev/stderr"; failed = 1; exit 1 }

BEGIN {
    while ((getline line < spec) > 0) {
        if (line ~ /^mutant[ \t]/) { current = trim(rest(line)); scope = "" }
        if (current != name) continue
        if (line ~ /^in[ \t]/) scope = " " trim(rest(line)) " "
        else if (line ~ /^find[ \t]/) { finds[++nf] = trim(rest(line)); nr[nf] = 0; within[nf] = scope }
        else if (line ~ /^replace([ \t]|$)/) repl[nf, ++nr[nf]] = rest(line)
    }
    close(spec)
    if (nf == 0) { print "mutate: no mutant '" name "' in " spec > "/dev/stderr"; exit 1 }
    function_name = "-"
}
/^[A-Za-z_]/ && /\(/ && !/;[ \t]*$/ {
    function_name = $0
    sub(/[ \t]*\(.*/, "", function_name)
    sub(/.*[ \t*]/, "", function_name)
}
{
    for (i = 1; i <= nf; i++) {
        if (trim($0) != finds[i]) continue
        if (within[i] != "" && index(within[i], " " function_name " ") == 0) continue
        if (!((i, function_name) in seen)) { seen[i, function_name] = 1; where[i] = where[i] " " function_name }
        used[i] = 1
        match($0, /^[ \t]*/)
        indent = substr($0, 1, RLENGTH)
        for (k = 1; k <= nr[i]; k++) print indent repl[i, k]
        next
    }
    print
}
/^}/ { function_name = "-" }
END {
    if (failed) exit 1
    for (i = 1; i <= nf; i++) {
        if (!used[i])
            fail("no line '" finds[i] "' in " (within[i] == "" ? FILENAME : trim(within[i]) " of " FILENAME))
        named = split(trim(within[i]), names, " ")
        for (k = 1; k <= named; k++)
            if (!((i, names[k]) in seen))
                fail("no line '" finds[i] "' in " names[k] " of " FILENAME " (the `in` line names it)")
        if (within[i] == "" && split(trim(where[i]), parts, " ") > 1)
            fail("'" finds[i] "' is in" where[i] ": add a line `in NAME ...` naming the functions it is meant for")
    }
}
