# untrusted.awk: refuses a student's exercise file, from its preprocessed
# text, before the grader compiles it (tools/grade.mk).
#
#   awk -v file='"path/to/NN-topic.c"' -v system_dirs=DIR:DIR... -f tools/untrusted.awk NN-topic.i
#
# The preprocessor's line markers `# LINE "NAME" FLAGS` say where each line
# comes from (flag 1: entering an included file, 2: back in the file that
# included it, 3: a system header; a NAME ending in // is the folder the
# compiler ran in, which -g records). The file may include the course's
# headers (exercises/, lib/) and the C library's, nothing else: another
# file's text (a hidden suite's, say) would show in the compiler's messages.
# A system header is one found in a folder of SYSTEM_DIRS, the compiler's
# own <...> search list: an angle-bracket include with a relative path
# (<../../course/tests/x.c>) is found there too, and flagged as system, but
# leads out of those folders. The markers are followed as a stack of
# includes, so that a #line naming a course header cannot pass the file's
# own lines off as the header's: a marker that neither enters nor leaves a
# file must name the file it is in. A marker can be written in the file
# too, though (GCC's # 1 "/usr/include/stdio.h" 1 3, a #line that enters
# a file), and then the file's next lines pass for a system header's, free
# to include anything and to use asm: so the file may hold no line
# directive at all, as the preprocessor would read one (below). Its own
# lines may not use asm, which
# these exercises never need, and which could bring in files (.incbin) or
# symbols behind the grader's back. Prints the reason on stderr and exits 1,
# or exits 0.

function refuse(why) {
    print "error: " why > "/dev/stderr"
    refused = 1
    exit 1
}

# A folder with "dir/.." in it, as a compiler that finds its headers from
# where it is installed lists them (a conda environment's, a cross
# compiler's: ".../bin/../lib/gcc/..."), without them: the preprocessor's
# markers name headers by the shorter path.
function without_dotdot(path,    n, part, i, k, kept, out) {
    n = split(path, part, "/")
    k = 0
    for (i = 1; i <= n; i++) {
        if (part[i] == "" || part[i] == ".") continue
        if (part[i] == "..") { if (k > 0) k--; continue }
        kept[++k] = part[i]
    }
    out = ""
    for (i = 1; i <= k; i++) out = out "/" kept[i]
    return out == "" ? "/" : out
}

BEGIN {
    if (has_line_directive(substr(file, 2, length(file) - 2)))
        refuse("the file has a line directive (#line, or # and a number at the start of a line, in a comment too), which the grader does not allow: it could pass the file's own lines off as a header's")
    listed = split(system_dirs, dir, ":")
    ndirs = listed
    for (i = 1; i <= listed; i++)
        if (dir[i] ~ /^\// && dir[i] ~ /(^|\/)\.\.(\/|$)/) dir[++ndirs] = without_dotdot(dir[i])
}

# Whether the file at PATH holds a line directive, #line or GCC's # NUM,
# read as the preprocessor reads it: a line ends at a carriage return
# too, a NUL byte is dropped, a UTF-8 byte-order mark before the first
# line is skipped, ??= and ??/ are # and \ (C11's trigraphs), %: is # (a
# digraph), and a line ending in \ (spaces after it too) goes on on the
# next. Then two readings, either of which finds it: line by line, where
# a comment on the line may come before or inside the directive ("*/ #
# 1 ...", "# /**/ 1"), cautiously counting the same text inside a comment
# or a string; and token by token, where a comment is one space wherever
# it ends, so that "# /*", a newline, "*/ 1 ..." is a directive too (a
# review's bypass: GCC and clang honour it).
function has_line_directive(path,    line, joined, ws, hash, found, first) {
    ws = "([ \t\f\v]|/\\*([^*]|\\*+[^*/])*\\*+/)*"
    hash = "(#|%:)" ws "([0-9]|line([^A-Za-z0-9_]|$))"
    joined = ""
    first = 1
    tk_state = "code"
    tk_start = 1
    RS = "\r\n|\r|\n"
    while ((getline line < path) > 0) {
        gsub(/\000/, "", line)
        if (first)
            sub(/^\357\273\277/, "", line)
        first = 0
        gsub(/\?\?=/, "#", line)
        gsub(/\?\?\//, "\\", line)
        if (line ~ /\\[ \t\f\v\r]*$/) {
            sub(/\\[ \t\f\v\r]*$/, "", line)
            joined = joined line
            continue
        }
        line = joined line
        joined = ""
        found = found || line ~ ("^" ws hash) || line ~ ("\\*/" ws hash)
        tokens(line)
    }
    close(path)
    RS = "\n"
    if (joined != "")
        tokens(joined)
    return found || joined ~ ("^" ws hash) || tk_found
}

# Reads a logical line (and the newline after it) as C tokens, on from
# where the last line left off: block and line comments, strings and
# character constants skipped. Sets tk_found when # or %: first on a
# logical line is followed, past spaces and comments (a newline inside a
# comment included), by a number or `line`. (Line by line, so that a long
# file costs its length, not its length squared.)
function tokens(line,    i, n, c, c2) {
    n = length(line)
    for (i = 1; i <= n + 1 && !tk_found; i++) {
        c = i <= n ? substr(line, i, 1) : "\n"
        if (tk_state == "block") {
            if (c == "*" && substr(line, i + 1, 1) == "/") { tk_state = "code"; i++ }
            continue
        }
        if (tk_state == "string" || tk_state == "char") {
            if (c == "\\") { i++; continue }
            if (c == "\n") { tk_state = "code"; tk_start = 1; continue }
            if ((tk_state == "string" && c == "\"") || (tk_state == "char" && c == "'")) tk_state = "code"
            continue
        }
        if (tk_state == "line") {
            if (c == "\n") { tk_state = "code"; tk_start = 1 }
            continue
        }
        c2 = substr(line, i, 2)
        if (c2 == "/*") { tk_state = "block"; i++; continue }
        if (c2 == "//") { tk_state = "line"; i++; continue }
        if (c == "\n") { tk_start = 1; tk_hash = 0; continue }
        if (c == " " || c == "\t" || c == "\f" || c == "\v") continue
        if (tk_hash) {
            tk_found = c ~ /[0-9]/ ||
                       (substr(line, i, 4) == "line" && substr(line, i + 4, 1) !~ /[A-Za-z0-9_]/)
            tk_hash = 0
        } else if (tk_start && (c == "#" || c2 == "%:")) {
            tk_hash = 1
            tk_start = 0
            i += c2 == "%:"
            continue
        }
        tk_start = 0
        if (c == "\"") tk_state = "string"
        else if (c == "'") tk_state = "char"
    }
}

function unquoted(q) {
    q = substr(q, 2, length(q) - 2)
    gsub(/\\\\/, "\\", q)
    gsub(/\\"/, "\"", q)
    return q
}

function course_header(name) { return name ~ /^(exercises|lib)\/[^\/]*\.h$/ }

# Found in the compiler's own folders, without leaving them by "..".
function system_header(name,    i) {
    if (name ~ /(^|\/)\.\.(\/|$)/) return 0
    for (i = 1; i <= ndirs; i++)
        if (dir[i] != "" && index(name, dir[i] "/") == 1) return 1
    return 0
}

# The preprocessor's own preamble: GCC names it "<built-in>" and
# "<command-line>"; clang enters "<built-in>" and "<command line>" as if
# they were included (flag 1) and comes back to the file with flag 2.
function special(q) { return q == "\"<built-in>\"" || q == "\"<command-line>\"" || q == "\"<command line>\"" }

/^# [0-9]+ "/ {
    match($0, /"([^"\\]|\\.)*"/)
    name = substr($0, RSTART, RLENGTH)
    flags = substr($0, RSTART + RLENGTH)
    if (flags ~ / 1( |$)/) {
        # Included directly by the file: a course header or one of the C
        # library's; deeper, what those include.
        allowed = course_header(unquoted(name)) || flags ~ / 3( |$)/
        if (depth == 0 && !course_header(unquoted(name)) && !system_header(unquoted(name))) allowed = 0
        if (!started && special(name)) allowed = 1
        if (!allowed)
            refuse("the file includes " name ": only the course's headers (exercises/, lib/) and the C library's may be included, each by its name alone, as #include \"vec.h\" or #include <math.h>")
        stack[++depth] = name
    } else if (flags ~ / 2( |$)/) {
        if (--depth < 0 || stack[depth] != name)
            refuse("the file's line markers do not follow its includes (#line naming " name "?), which the grader does not allow")
        # clang's way out of its preamble, into the file itself.
        if (!started && depth == 0 && name == file && special(stack[1])) started = 1
    } else if (name ~ /\/\/"$/) {
        # The folder the compiler ran in: no file's lines follow.
    } else if (!started && depth == 0) {
        # The preprocessor's own preamble, then the file itself.
        if (name == file && special(stack[0])) started = 1
        stack[0] = name
    } else if (name != stack[depth]) {
        refuse("the file uses #line to name " name ", which the grader does not allow")
    }
    from = stack[depth]
    next
}

# A preprocessed line without its strings and character constants: "asm"
# in a message (puts("no asm here")) is not asm. (Comments are gone by
# now.) A quote that is not closed on the line leaves the rest as code.
function code_of(line,    out, i, j, n, q) {
    out = ""
    n = length(line)
    for (i = 1; i <= n; i++) {
        q = substr(line, i, 1)
        if (q != "\"" && q != "'") { out = out q; continue }
        for (j = i + 1; j <= n && substr(line, j, 1) != q; j++)
            if (substr(line, j, 1) == "\\") j++
        if (j > n) return out substr(line, i)
        out = out q q
        i = j
    }
    return out
}

# Whether a preprocessed line uses asm. The file's own lines may not, nor
# may a course header's: a macro of the file's lands on the line that
# wrote its name, a header's line too, when the header uses the name. The
# C library's headers, where such a macro can land as well, use asm only
# to name a symbol, glibc's __asm__ ("" "name"): that form alone passes
# there.
function uses_asm(line, own) {
    if (!own)
        gsub(/(^|[^A-Za-z0-9_])(__)?asm(__)?[ \t]*\([ \t]*""[ \t]*"[A-Za-z_][A-Za-z0-9_.$@]*"[ \t]*\)/, " ", line)
    return code_of(line) ~ /(^|[^A-Za-z0-9_])(__)?asm(__)?([^A-Za-z0-9_]|$)/
}

/(^|[^A-Za-z0-9_])(__)?asm(__)?([^A-Za-z0-9_]|$)/ && uses_asm($0, from == file || course_header(unquoted(from))) {
    refuse("the file uses asm (in its own lines, or by a macro that a header's line expands), which these exercises do not need and the grader does not allow")
}

# A preamble this script does not know (another compiler's) never reaches
# the file itself, and then no line could be told to be the file's own:
# refused rather than let through. (Output with no line at all is the
# compiler's failure, which its own message explains.)
END {
    if (!refused && NR > 0 && !started)
        refuse("the grader cannot find the file's own lines in what the preprocessor made of it: grade with GCC or clang (make check CC=gcc)")
}
