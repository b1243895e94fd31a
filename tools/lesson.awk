# lesson.awk: refreshes a lesson's quoted code and numbers from the source.
#
#   awk -v bin=build/bin/NN-topic -v data=build/data/NN-topic \
#       -f tools/lesson.awk chapters/NN-topic.md > build/lessons/NN-topic.md
#
# A lesson is plain markdown that reads well anywhere; HTML comments (which
# renderers hide) mark what must come from the build:
#
#   <!-- region: chapters/01-gradient-descent.c gd-step -->
#   ```c
#   ...replaced by the lines between `//> gd-step` and `//< gd-step`...
#   ```
#
#   A region may sit in a solutions/ file: its `// BEGIN SOLUTION` and
#   `// END SOLUTION` markers and its `// STUB:` lines are left out, so the
#   lesson shows the graded reference code as a reader would write it.
#
#   <!-- run: --problem parabola --steps 3 -->
#   ```console
#   ...replaced by "$ <program> <flags>" and what the program printed...
#   ```
#   The program is the chapter's main one (bin); a first word `.NAME` runs
#   its family program bin.NAME instead: <!-- run: .xor --hidden 2 -->.
#
#   <!-- measured: --task timing --ladder -->
#   ```console
#   ...a run like `run:`, but of a measurement, which differs every time:
#   ```
#   With -v measure=1 (the book's copy, build/book-src/) the program runs
#   and its output is shown; otherwise (build/lessons/, which chapters/
#   must equal) the block holds the command and a line saying where the
#   numbers are, so that the committed lesson never carries one machine's
#   timings as if they were facts.
#
#   w ends at 2.0006<!-- fact: linreg w %.4f -->
#       the number before the comment is replaced by column `w` of the last
#       row of data/linreg.csv, printed with %.4f ("linreg@0 w" = first row).
#
# Anything missing (file, region, data, column, row) is an error that names
# the lesson line, and the exit status is 1: the book must never show stale
# or empty code.

function fail(msg) {
    printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
    failed = 1
    exit 1
}

# Prints the lines between `//> name` and `//< name` of `file`, dedented.
function print_region(file, name,    line, inside, found, n, i, indent, min, marker) {
    n = 0; inside = 0; found = 0
    while ((getline line < file) > 0) {
        marker = line
        sub(/^[ \t]+/, "", marker)
        if (marker == "//> " name) {
            if (found) fail("region '" name "' appears twice in " file)
            inside = 1; found = 1; continue
        }
        if (marker == "//< " name) {
            if (!inside) fail("region '" name "' of " file " closes where it is not open")
            inside = 0; continue
        }
        if (!inside || marker ~ /^\/\/[<>] [A-Za-z0-9_-]+$/) continue
        if (marker ~ /^\/\/ (BEGIN|END) SOLUTION[ \t]*$/ || marker ~ /^\/\/ STUB:/) continue
        body[++n] = line
    }
    close(file)
    if (!found) fail("no region '" name "' in " file " (is the file there, with //> " name "?)")
    if (inside) fail("region '" name "' of " file " never closes (no //< " name ")")
    min = -1
    for (i = 1; i <= n; i++) {
        if (body[i] ~ /^[ \t]*$/) continue
        match(body[i], /^ */)
        if (min < 0 || RLENGTH < min) min = RLENGTH
    }
    for (i = 1; i <= n; i++) print substr(body[i], min + 1)
}

# The command line of a run: the chapter's program (or, for a first word
# .NAME, its family program) with the flags.
function command_of(args,    cmd) {
    if (bin == "") fail("run: this lesson has no chapter program")
    if (match(args, /^\.[a-z0-9-]+( |$)/)) {
        cmd = bin substr(args, 1, RLENGTH)
        args = substr(args, RLENGTH + 1)
        sub(/ +$/, "", cmd)
        return cmd " " args
    }
    return bin " " args
}

# Prints the command line and its output (stdout and stderr together).
function print_run(args,    cmd, line) {
    cmd = command_of(args)
    print "$ " cmd
    cmd = "(" cmd ") 2>&1"  # stderr too, even when the flags redirect stdout
    while ((cmd | getline line) > 0) print line
    close(cmd)
}

# Loads data/<name>.csv into cells[name, row, column]; rows count from 0.
function load(name,    file, line, nf, f, header, i, row) {
    if (name in rows) return
    file = data "/" name ".csv"
    if ((getline line < file) <= 0) fail("fact: cannot read " file)
    nf = split(line, header, ",")
    for (i = 1; i <= nf; i++) columns[name, header[i]] = i
    row = 0
    while ((getline line < file) > 0) {
        split(line, f, ",")
        for (i = 1; i <= nf; i++) cells[name, row, i] = f[i]
        row++
    }
    close(file)
    rows[name] = row
}

function fact(spec,    p, n, name, row, column, at) {
    n = split(spec, p, " ")
    if (n != 3) fail("fact: expected 'name[@row] column format', got '" spec "'")
    name = p[1]; row = -1
    if ((at = index(name, "@")) > 0) { row = substr(name, at + 1) + 0; name = substr(name, 1, at - 1) }
    load(name)
    if (row < 0) row = rows[name] - 1
    if (!((name, p[2]) in columns)) fail("fact: no column '" p[2] "' in " name ".csv")
    if (row >= rows[name]) fail("fact: " name ".csv has no row " row)
    return sprintf(p[3], cells[name, row, columns[name, p[2]]])
}

function refresh_facts(line,    out, spec, start, len, end_) {
    out = ""
    while (match(line, /-?[0-9][0-9.eE+-]*<!-- fact: [^>]*-->/)) {
        start = RSTART; len = RLENGTH
        spec = substr(line, start, len)
        sub(/^.*<!-- fact: */, "", spec)
        sub(/ *-->$/, "", spec)
        out = out substr(line, 1, start - 1) fact(spec) "<!-- fact: " spec " -->"
        line = substr(line, start + len)
    }
    return out line
}

# A directive waits for the fence that follows it.
pending != "" {
    if ($0 !~ /^```/) fail("a " pending " comment must be followed by a ``` code block")
    print
    if (pending == "region") print_region(arg1, arg2)
    else if (pending == "run" || measure) print_run(arg1)
    else {
        print "$ " command_of(arg1)
        print "(timings: measured when the book is built, so they are in the book, not here)"
    }
    pending = ""; skipping = 1
    next
}
skipping {
    if ($0 ~ /^```[ \t]*$/) { skipping = 0; print }
    next
}
/^```/ { in_fence = !in_fence; print; next }
in_fence { print; next }
/^<!-- region: [^ ]+ [^ ]+ -->$/ {
    arg1 = $3; arg2 = $4; pending = "region"; print; next
}
/^<!-- run: .* -->$/ {
    arg1 = $0
    sub(/^<!-- run: /, "", arg1); sub(/ -->$/, "", arg1)
    pending = "run"; print; next
}
/^<!-- measured: .* -->$/ {
    arg1 = $0
    sub(/^<!-- measured: /, "", arg1); sub(/ -->$/, "", arg1)
    pending = "measured"; print; next
}
{ print refresh_facts($0) }

END {
    if (failed) exit 1
    if (pending != "") fail("a " pending " comment at the end of the file has no code block")
    if (skipping) fail("a code block is not closed")
}
