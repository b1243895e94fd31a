# functions.awk: finds and swaps whole C function definitions, for make
# reset EX=NAME and make restore EX=NAME (tools/reset.sh), which put back one
# exercise's functions and leave the rest of a student's file as it is.
#
#   awk -v section=S -f tools/functions.awk STUB
#       prints the names of STUB's functions whose body says
#       TODO: lesson section "S" (the functions of one exercise)
#   awk -v names="f g" -f tools/functions.awk FROM INTO
#       prints INTO with the definitions of f and g replaced by FROM's;
#       exit status 3, and nothing printed, when either file lacks one
#
# A definition is what the stubs write: a line at column 0 with the return
# type, then the function's name and "(", that is not a declaration, through the next line
# that is a lone "}" at column 0. A file written otherwise is refused (exit
# 3), never half-edited.
#
# Lines may end in \r\n (a file saved by a Windows editor): they are read
# without the \r, INTO's lines are copied as they were, and a definition
# swapped in takes the line ending of the one it replaces.

# The function whose definition starts on this line, or "".
function defined_here(    s) {
    if ($0 !~ /^[A-Za-z_]/ || $0 ~ /;[ \t]*$/ || $0 ~ /^(static[ \t]+)?(typedef|struct[^(]*\{|#)/) return ""
    # The name must follow its type on the same line (RSTART > 1): with the
    # type on a line of its own, swapping would leave that line behind.
    if (!match($0, /[A-Za-z_][A-Za-z_0-9]*[ \t]*\(/) || RSTART == 1) return ""
    s = substr($0, RSTART, RLENGTH)
    sub(/[ \t]*\($/, "", s)
    return s
}

BEGIN { want_n = split(names, wanted, " "); for (i = 1; i <= want_n; i++) want_set[wanted[i]] = 1 }

# Every line: the line as it came (raw), and $0 without its \r.
{ raw = $0; crlf = sub(/\r$/, "") }

# Pass over FROM (or the only file, when listing by section).
FNR == NR {
    if (current == "") { current = defined_here(); text = "" }
    if (current != "") {
        text = text $0 "\n"
        if (section != "" && index($0, "TODO: lesson section \"" section "\"")) listed[current] = 1
        if ($0 ~ /^}[ \t]*$/) { body[current] = text; current = "" }
    }
    next
}

# Pass over INTO: copy it, swapping the wanted definitions.
{
    if (skipping) { if ($0 ~ /^}[ \t]*$/) skipping = 0; next }
    f = defined_here()
    if (f != "" && (f in want_set)) {
        swapped = body[f]
        if (crlf)
            gsub(/\n/, "\r\n", swapped)
        out = out swapped
        seen[f] = 1
        skipping = ($0 !~ /^}[ \t]*$/)
        next
    }
    out = out raw "\n"
}

END {
    if (section != "") {
        for (f in listed) print f
        exit 0
    }
    for (i = 1; i <= want_n; i++) {
        if (!(wanted[i] in body)) { print "functions.awk: " ARGV[1] " has no definition of " wanted[i] "()" > "/dev/stderr"; exit 3 }
        if (!(wanted[i] in seen)) { print "functions.awk: " ARGV[2] " has no definition of " wanted[i] "() written as the stub writes it" > "/dev/stderr"; exit 3 }
    }
    if (skipping) { print "functions.awk: " ARGV[2] ": a definition has no closing } at column 0" > "/dev/stderr"; exit 3 }
    printf "%s", out
}
