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
# The branches of #if, #ifdef and #ifndef (their #elif and #else) are
# alternatives, of which the compiler reads one. The braces are counted as
# in the build with every macro defined: the first branch of an #if or
# #ifdef (after "#if 0", the #elif or #else), the #else of an #ifndef or
# "#if !"; so that
#
#     #ifdef DEBUG
#         for (size_t i = 0; i < n; i++) {
#     #else
#         for (size_t i = 0; i < n; ++i) {
#     #endif
#
# opens one brace, not two. The other branches are read too, each from
# the depth its #if began at. Inside a definition, the braces are also
# counted as in the build with no macro defined, which must end the
# definition on the same line, and a branch neither build takes (an
# #elif's) must not end it; it must end in the branch it began in. So an
# "#ifdef DEBUG" that opens a brace and a later one that closes it pair
# up, and a file whose #if lines test one macro, as #ifdef DEBUG and
# #ifndef DEBUG do, is swapped right for both its builds. One whose
# braces pair up otherwise in the two, or a function whose first line
# differs between branches (its #if would stay behind, without its
# #endif), is refused. A function defined in two branches, one per build,
# is refused as defined twice: the stub would have to replace one of
# them, and neither is the obvious one.
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
# ";" at depth 0) and directive (a preprocessor line); a "}" with no "{"
# sets unbalanced.
function scan(    s, n, i, c, q) {
    s = $0; n = length(s); opened = 0; closed = 0; semi = 0
    # (a directive goes on past a line that ends in \: a macro's body)
    directive = continued || (!incomment && s ~ /^[ \t]*#/)
    if (directive && !continued) conditional(s)
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

# conditional(S): follows the #if blocks through their directive lines S.
# conds: how many blocks are open; dead: the one whose "#if 0" branch this
# is, or 0; branch: which branch of each open block this line is in (a
# number per branch, so that two lines are in the same branches only if
# their branch strings are equal). depth is the build with every macro
# defined, depth + shift the one with none. For block k: if_depth[k] and
# if_shift[k], depth and shift at its #if; negated[k], whether it is an
# #ifndef or "#if !"; read_branches[k], how many branches the compiler
# may read have ended; with_end[k] and without_end[k], where the branch
# each build takes ended (has_with[k], has_without[k]: if it has one);
# in_with[k] and in_without[k], whether this line is in the branch each
# build takes.
function conditional(s,    k) {
    if (s ~ /^[ \t]*#[ \t]*if/) {
        k = ++conds
        if_depth[k] = depth; if_shift[k] = shift; read_branches[k] = 0
        has_with[k] = 0; has_without[k] = 0
        negated[k] = in_without[k] = (s ~ /^[ \t]*#[ \t]*(ifndef|if[ \t]*!)/)
        branch = branch "," ++branches
        if (!dead && s ~ /^[ \t]*#[ \t]*if[ \t]+0([ \t\/]|$)/) dead = k
        in_with[k] = !negated[k] && dead != k
        return
    }
    if (s !~ /^[ \t]*#[ \t]*(else|elif|endif)/ || conds == 0) return
    k = conds
    if (dead == k) dead = 0
    else if (!dead) {
        # (a branch ends: with every macro defined, an #ifndef's first
        # branch is not taken, and an #if's or #ifdef's is)
        if (++read_branches[k] == (negated[k] ? 2 : 1)) { has_with[k] = 1; with_end[k] = depth }
        if (in_without[k]) { has_without[k] = 1; without_end[k] = depth + shift }
    }
    if (s ~ /^[ \t]*#[ \t]*endif/) {
        # (a build that takes no branch goes on from the #if)
        depth = has_with[k] ? with_end[k] : if_depth[k]
        shift = (has_without[k] ? without_end[k] : if_depth[k] + if_shift[k]) - depth
        conds--
        sub(/,[0-9]+$/, "", branch)
    } else {
        # (the next branch is read as if taken, from where its #if was)
        depth = if_depth[k]; shift = if_shift[k]
        in_with[k] = (read_branches[k] + 1 == (negated[k] ? 2 : 1))
        in_without[k] = s ~ /^[ \t]*#[ \t]*else/ && !negated[k]
        sub(/,[0-9]+$/, "," ++branches, branch)
    }
}

# builds(): sets with_line and without_line, whether the build with every
# macro defined, and the one with none, read this line, as far as the #if
# blocks opened in the current definition go (a directive: neither).
function builds(    k) {
    with_line = without_line = !directive
    for (k = start_conds + 1; k <= conds; k++) {
        if (!in_with[k]) with_line = 0
        if (!in_without[k]) without_line = 0
    }
}

# refuse(WHY): the first reason the edit cannot be made; END reports it.
function refuse(why) { if (refused == "") refused = "functions.awk: " why }

BEGIN { want_n = split(names, wanted, " "); for (i = 1; i <= want_n; i++) want_set[wanted[i]] = 1 }

# A new file: what was left open in the last one is an error of that one.
FILENAME != file {
    if (file != "") ended(file)
    file = FILENAME; from = (file == ARGV[1]); depth = 0; incomment = 0; continued = 0; current = ""
    conds = 0; dead = 0; branch = ""; shift = 0
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
        start_line = FNR; start_branch = branch; start_conds = conds; shift = 0
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
    # A "}" ends it where the build with every macro defined reads it (not
    # an #else or #endif that takes the depth back to 0). Built with no
    # macro, the body must end on the same line; in a branch neither build
    # takes, it must not end at all.
    builds()
    ends = inbody && depth == 0 && closed && with_line
    if (inbody && !directive && index(branch ",", start_branch ",") == 1 && current in want_set &&
        (without_line ? (ends ? depth + shift != 0 : depth + shift <= 0) : !with_line && depth <= 0))
        refuse(file ": the braces { } of " current "() pair up differently as different macros are defined (line " FNR ")")
    if (!ends) next
    # The line whose "}" ends the definition: nothing but a comment may follow it.
    if (incomment || substr($0, closed + 1) !~ /^[ \t]*(\/\/.*|\/\*.*\*\/[ \t]*)?$/)
        if (current in want_set) refuse(file ": code follows the } that ends " current "() on the same line")
    if (branch != start_branch && current in want_set)
        refuse(file ": " current "() begins on line " start_line " and ends on line " FNR ", on either side of an #if, #elif, #else or #endif")
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
