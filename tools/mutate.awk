# mutate.awk: writes a solution with one classic bug put in.
#
#   awk -v spec=tests/NN-topic.mutants -v name=sign-error \
#       -f tools/mutate.awk solutions/NN-topic.c > mutant.c
#
# A mutants file describes each mutant as a block:
#   mutant  sign-error
#   expect  check the sign of the residual      (what the grader must say)
#   find    double residual = w * x[i] + b - y[i];
#   replace double residual = y[i] - (w * x[i] + b);
# `find` matches whole lines, ignoring indentation; every match is replaced
# by the `replace` lines that follow (none deletes the line), indented like
# the line they replace. A find that matches nothing is an error, so a
# mutant cannot silently stop testing anything when the solution changes.

function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
function rest(line) { sub(/^[a-z]+[ \t]*/, "", line); return line }

BEGIN {
    while ((getline line < spec) > 0) {
        if (line ~ /^mutant[ \t]/) current = trim(rest(line))
        if (current != name) continue
        if (line ~ /^find[ \t]/) { finds[++nf] = trim(rest(line)); nr[nf] = 0 }
        else if (line ~ /^replace([ \t]|$)/) repl[nf, ++nr[nf]] = rest(line)
    }
    close(spec)
    if (nf == 0) { print "mutate: no mutant '" name "' in " spec > "/dev/stderr"; exit 1 }
}
{
    for (i = 1; i <= nf; i++) {
        if (trim($0) != finds[i]) continue
        used[i] = 1
        match($0, /^[ \t]*/)
        indent = substr($0, 1, RLENGTH)
        for (k = 1; k <= nr[i]; k++) print indent repl[i, k]
        next
    }
    print
}
END {
    for (i = 1; i <= nf; i++)
        if (!used[i]) {
            print "mutate: " spec ": mutant '" name "': no line '" finds[i] "' in " FILENAME > "/dev/stderr"
            exit 1
        }
}
