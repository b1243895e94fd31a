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
# A definition starts as the stubs write it: outside any function and any
# comment, a line at column 0 with the return type, then the function's
# name and "(". It is a declaration, and left alone, if a ";" comes before
# its "{"; otherwise it ends on the line whose "}" closes that "{". The
# braces are counted as C reads them: not in comments, strings or
# character constants, nor on preprocessor lines (a macro's too), nor
# between "#if 0" and its #else or #endif (what the compiler never reads:
# often an older version, perhaps half-written, its braces left open; it is
# copied as it is, and refused only if it defines a function asked for).
# So a
# student's "}" at column 0 inside a function (code written without
# indenting), a "}" in a string, a comment line that names a function, or
# a prototype split over two lines ends or starts nothing. A file this
# cannot read safely (a definition written twice, braces that do not
# balance, code after the closing "}") is refused (exit 3), never
# half-edited.
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

# scan(): reads $0 as C, carrying depth (of braces) and incomment (inside
# /* */) from line to line. Sets opened (a "{" took depth from 0 to 1),
# closed (the column of a "}" that took it back to 0, or 0) and semi (a
# ";" at depth 0); a "}" with no "{" sets unbalanced.
function scan(    s, n, i, c, q, directive) {
    s = $0; n = length(s); opened = 0; closed = 0; semi = 0
    # (a directive goes on past a line that ends in \: a macro's body)
    directive = continued || (!incomment && s ~ /^[ \t]*#/)
    if (directive && !continued) {
        # (conds: the #if blocks open; dead: the one whose "#if 0" branch
        # this is, or 0)
        if (s ~ /^[ \t]*#[ \t]*if/) {
            conds++
            if (!dead && s ~ /^[ \t]*#[ \t]*if[ \t]+0([ \t\/]|$)/) dead = conds
        } else if (s ~ /^[ \t]*#[ \t]*(else|elif|endif)/) {
            if (dead == conds) dead = 0
            if (s ~ /^[ \t]*#[ \t]*endif/ && conds > 0) conds--
        }
    }
    continued = directive && s ~ /\\$/
    for (i = 1; i <= n; i++) {
        c = substr(s, i, 1)
        if (incomment) {
            if (c == "*" && substr(s, i + 1, 1) == "/") { incomment = 0; i++ }
            continue
        }
        if (c == "/" && substr(s, i + 1, 1) == "/") break
        if (c == "/" && substr(s, i + 1, 1) == "*") { incomment = 1; i++; continue }
        if (c == "\"" || c == "'") {
            for (i++; i <= n && (q = substr(s, i, 1)) != c; i++)
                if (q == "\\") i++
            continue
        }
        if (directive || dead) continue
        if (c == "{") { if (depth++ == 0) opened = 1 }
        else if (c == "}") {
            if (depth == 0) unbalanced = 1
            else if (--depth == 0) closed = i
        }
        else if (c == ";" && depth == 0) semi = 1
    }
}

# refuse(WHY): the first reason the edit cannot be made; END reports it.
function refuse(why) { if (refused == "") refused = "functions.awk: " why }

BEGIN { want_n = split(names, wanted, " "); for (i = 1; i <= want_n; i++) want_set[wanted[i]] = 1 }

# A new file: what was left open in the last one is an error of that one.
FILENAME != file {
    if (file != "") ended(file)
    file = FILENAME; from = (file == ARGV[1]); depth = 0; incomment = 0; continued = 0; current = ""
    conds = 0; dead = 0
}
function ended(name) {
    if (current != "" || depth != 0 || incomment || unbalanced)
        refuse(name ": its braces { } or comments do not pair up" (current != "" ? " (from " current "() on)" : ""))
    unbalanced = 0
}

# Every line: the line as it came (raw), and $0 without its \r.
{
    raw = $0; crlf = sub(/\r$/, "")
    # (an older version under #if 0 of a function asked for: which to swap?)
    if (dead && current == "" && depth == 0 && !incomment && (f = defined_here()) in want_set) twice[f] = file
    if (current == "" && depth == 0 && !incomment && !dead && (current = defined_here()) != "") {
        text = ""; rawtext = ""; inbody = 0; first_crlf = crlf
    }
    scan()
    if (current == "") { if (!from) out = out raw "\n"; next }
    text = text $0 "\n"; rawtext = rawtext raw "\n"
    if (!inbody && !opened && semi) {
        # A declaration (its ";" came first): copied as it was.
        if (!from) out = out rawtext
        current = ""
        next
    }
    if (opened) inbody = 1
    if (!inbody || depth != 0) next
    # The line whose "}" ends the definition: nothing but a comment may follow it.
    if (incomment || substr($0, closed + 1) !~ /^[ \t]*(\/\/.*|\/\*.*\*\/[ \t]*)?$/)
        if (current in want_set) refuse(file ": code follows the } that ends " current "() on the same line")
    if (from) {
        if (current in body) twice[current] = file
        body[current] = text
        if (section != "" && index(text, "TODO: lesson section \"" section "\"")) listed[current] = 1
    } else if (current in want_set) {
        if (current in seen) twice[current] = file
        seen[current] = 1
        swapped = body[current]
        if (first_crlf)
            gsub(/\n/, "\r\n", swapped)
        out = out swapped
    } else
        out = out rawtext
    current = ""
}

END {
    if (file != "") ended(file)
    if (section != "") {
        for (f in listed) print f
        exit 0
    }
    for (i = 1; i <= want_n; i++) {
        f = wanted[i]
        if (!(f in body)) refuse(ARGV[1] " has no definition of " f "()")
        else if (!(f in seen)) refuse(ARGV[2] " has no definition of " f "() written as the stub writes it")
        else if (f in twice) refuse(twice[f] " defines " f "() more than once")
    }
    if (refused != "") { print refused > "/dev/stderr"; exit 3 }
    printf "%s", out
}
