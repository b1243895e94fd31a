# report.awk: renders the grader's merged results table (tools/grade.sh).
#
#   awk -F '\t' -v mode=MODE [-v ...] -f tools/report.awk results.tsv
#
# The student's folder and name come from the environment (exdir, student),
# never -v: awk reads escapes such as \n and \t in a -v value, and a folder
# named with them would print lines of its own.
#
# The table has a line "chapter STEM TITLE" per chapter, then one line per
# exercise: stem name function earned points status message section hint
# visibility (visible or hidden) book (the section's address in the built
# book, build/book/STEM.html#ID). MODE is one of:
#   table      the score table, the first failing visible exercise in full
#              (exdir=DIR in the environment names the student's folder;
#              printed=DIR, where the grader keeps what the tests printed),
#              and a count of failed hidden tests, without their details;
#              with every exercise passing, -v next_chapter="STEM<TAB>TITLE"
#              is where to go next
#   tap        a TAP log, one test point per exercise (hidden ones say
#              only that they passed or failed)
#   hint       the first failing visible exercise's diagnostic and hint,
#              or, with -v ex=NAME, that exercise's; with stem_out=FILE in
#              the environment, its chapter's stem is written to FILE
#   ungraded   the gradebook row of a student who could not be graded:
#              student=NAME (environment), empty points for each chapter
#              in -v stems="STEM ...", and -v why=REASON as the first failing
#   gradebook  one CSV row: student=NAME (environment), then the points of
#              each chapter in -v stems="STEM ...", total, maximum, and the
#              first failing exercise (hidden ones included: this is for
#              instructors)
#   regrade    the input is a gradebook's rows (no header): prints them with
#              the row of student=NAME replaced by row=ROW (both in the
#              environment), in its place, or ROW last when NAME had none
# Hidden exercises never show their message, hint or section (results.json,
# written by tools/results.jq, has them, for Gradescope to keep from
# students by their visibility).

BEGIN { exdir = ENVIRON["exdir"]; student = ENVIRON["student"]; printed = ENVIRON["printed"] }

# (A row starts with its student's field as csv_field writes it, then a
# comma: a name with a comma is quoted, so no other student's row starts so.)
mode == "regrade" {
    if (index($0, csv_field(student) ",") == 1) { print ENVIRON["row"]; replaced = 1 }
    else print
    next
}

# "Every exercise", scoped to the chapter when only one was graded (CH=07):
# said of all, it read as if the chapters before were done too.
function every(what) {
    return nchapters == 1 ? what " of chapter " substr(cstem[1], 1, 2) : what
}

# A status in capitals, letter by letter: awk's toupper follows the locale,
# and under tr_TR it leaves the i of "fail" small ("FAiL").
function mark(status,    out, i, k) {
    out = ""
    for (i = 1; i <= length(status); i++) {
        k = index("abcdefghijklmnopqrstuvwxyz", substr(status, i, 1))
        out = out (k ? substr("ABCDEFGHIJKLMNOPQRSTUVWXYZ", k, 1) : substr(status, i, 1))
    }
    return out
}

# A chapter whose file was never built into tests: it does not compile,
# is missing, or the grader refused it.
function unbuilt(status) {
    return status == "compile" || status == "missing" || status == "refused"
}

# A CSV field, quoted where needed. One that starts with = + - @ (a
# student's folder named "=cmd|...", say) would be a live formula in a
# spreadsheet: a leading apostrophe keeps it text. One that starts with an
# apostrophe gets another, so that no two names give one field (=x and
# '=x once did, and a regrade of one replaced both rows). A semicolon is
# quoted too: a spreadsheet set to split at semicolons (as Excel is where
# the decimal point is a comma) read "b;=1+1" as a name and a formula.
function csv_field(s) {
    if (s ~ /^[=+@'-]/) s = "'" s
    if (s ~ /[",;\n\r]/ || s ~ /^[ \t]|[ \t]$/) { gsub(/"/, "\"\"", s); return "\"" s "\"" }
    return s
}

$1 == "chapter" {
    nchapters++
    cstem[nchapters] = $2; ctitle[nchapters] = $3
    next
}
NF >= 9 {
    n++
    stem[n] = $1; name[n] = $2; func_[n] = $3; earned[n] = $4 + 0; points[n] = $5 + 0
    status[n] = $6; message[n] = $7; section[n] = $8; hint[n] = $9
    hidden[n] = ($10 == "hidden"); book[n] = $11
    chapter_of[n] = nchapters
    got[nchapters] += $4; max[nchapters] += $5
    total += $4; total_max += $5
}

# "in the book, PAGE", or, before make has built the book (a make check
# straight after cloning), "in the book (make builds it), PAGE".
function in_the_book(page,    file, line) {
    file = page
    sub(/#.*/, "", file)
    if ((getline line < file) < 0)
        return "in the book (make builds it), " page
    close(file)
    return "in the book, " page
}

# Where the lesson teaches exercise i: the markdown file and the book.
function where(i) {
    return "chapters/" stem[i] ".md, section \"" section[i] "\"" (book[i] != "" ? "; " in_the_book(book[i]) : "")
}

# What exercise i's tests printed (the grader keeps it in the folder the
# environment's `printed` names, as STEM.printed-I, I the exercise's index
# among its chapter's visible ones), shown as quoted lines: the first ten,
# each cut to 200 characters.
function show_printed(i,    j, index_, file, line, shown, more, bytes, total, cut) {
    if (printed == "" || hidden[i]) return
    for (j = 1; j < i; j++) if (stem[j] == stem[i] && !hidden[j]) index_++
    file = printed "/" stem[i] ".printed-" (index_ + 0)
    while ((getline line < file) > 0) {
        if (++shown <= 10) {
            if (shown == 1) print "  Your code printed, in this exercise's tests:"
            printf "    | %s\n", substr(line, 1, 200)
        } else more++
    }
    close(file)
    # What each test printed, in bytes: past 4096, the rest was not kept.
    while ((getline bytes < (file ".bytes")) > 0) {
        total += bytes
        cut = cut || bytes > 4096
    }
    close(file ".bytes")
    if (more) printf "    | ... and %d more line%s%s\n", more, (more > 1 ? "s" : ""), cut ? " kept" : ""
    if (cut) printf "    | (the tests printed %d bytes in all; the report keeps the first 4096 of each test's)\n", total
}

function diagnostic(i,    text) {
    text = message[i]
    if (hint[i] != "") text = text "\nHint: " hint[i]
    if (section[i] != "") text = text "\nRead: " where(i)
    return text
}

END {
    if (mode == "table") table()
    else if (mode == "tap") tap()
    else if (mode == "hint") exit hint_of(ex)
    else if (mode == "gradebook") gradebook()
    else if (mode == "ungraded") ungraded()
    else if (mode == "regrade") { if (!replaced) print ENVIRON["row"] }
    else { print "report.awk: unknown mode " mode > "/dev/stderr"; exit 2 }
}

function table(    c, i, first, hidden_failed, pct, wname, wfunc, wmark, row) {
    # Columns as wide as their longest entry, so the points line up (the
    # status's too: TIME-LIMIT is wider than the others' 8).
    wname = 20; wfunc = 24; wmark = 8
    for (i = 1; i <= n; i++) {
        if (length(name[i]) > wname) wname = length(name[i])
        if (!hidden[i] && length(func_[i]) > wfunc) wfunc = length(func_[i])
        if (length(mark(status[i])) > wmark) wmark = length(mark(status[i]))
    }
    row = "  %-" wmark "s %-" wname "s %-" wfunc "s %3d/%d\n"
    for (c = 1; c <= nchapters; c++) {
        printf "%-" (wname + wfunc + wmark + 4) "s %3d/%d\n", "Chapter " substr(cstem[c], 1, 2) ": " ctitle[c], got[c], max[c]
        for (i = 1; i <= n; i++) {
            if (chapter_of[i] != c) continue
            # (A hidden test of a file that never built did not run: its
            # mark says why, as the visible ones' do, and it is not counted
            # below among the hidden tests that failed.)
            if (hidden[i])
                printf row, status[i] == "pass" ? "PASS" : unbuilt(status[i]) ? mark(status[i]) : "FAIL",
                       name[i], "(hidden test)", earned[i], points[i]
            else
                printf row, mark(status[i]), name[i], func_[i], earned[i], points[i]
        }
    }
    for (i = 1; i <= n; i++) {
        if (status[i] == "pass") continue
        if (hidden[i]) hidden_failed += !unbuilt(status[i])
        else if (!first) first = i
    }
    pct = total_max ? int(100 * total / total_max) : 0
    printf "\nScore: %d/%d points (%d%%)\n", total, total_max, pct
    if (!first && !hidden_failed) {
        print "\n" every("Every exercise") " passes."
        if (next_chapter != "" && nchapters == 1) {
            split(next_chapter, nx, "\t")
            printf "Chapter %s is complete. Next: chapter %s, %s: read chapters/%s.md (%s), then make check CH=%s.\n",
                   substr(cstem[1], 1, 2), substr(nx[1], 1, 2), nx[2], nx[1],
                   in_the_book("build/book/" nx[1] ".html"), substr(nx[1], 1, 2)
        }
        return
    }
    if (first) {
        # A file that does not build fails all of its chapter at once:
        # the file, not its first function, is what to fix.
        if (unbuilt(status[first]))
            printf "\nFirst to fix: %s/%s.c, before any exercise of chapter %s can be graded\n", exdir, stem[first], substr(stem[first], 1, 2)
        else
            printf "\nFirst failing exercise: %s in %s/%s.c (%s)\n", func_[first], exdir, stem[first], name[first]
        printf "  %s\n", message[first]
        show_printed(first)
        # A file that does not compile or is missing has no exercise-level
        # advice yet: the compiler's messages come below.
        if (!unbuilt(status[first])) {
            if (hint[first] != "") printf "  Hint: %s\n", hint[first]
            if (section[first] != "") printf "  Read: %s\n", where(first)
        }
    } else {
        print "\n" every("Every visible exercise") " passes."
    }
    if (hidden_failed)
        printf "%s%d hidden test%s failed: %s counted in the score, and %s details are for your instructor.\n",
               (first ? "\n" : ""), hidden_failed, (hidden_failed > 1 ? "s" : ""),
               (hidden_failed > 1 ? "they are" : "it is"), (hidden_failed > 1 ? "their" : "its")
}

function tap(    i, c, lines, m, j) {
    print "TAP version 13"
    print "1.." n
    c = 0
    for (i = 1; i <= n; i++) {
        if (chapter_of[i] != c) { c = chapter_of[i]; print "# Chapter " substr(cstem[c], 1, 2) ": " ctitle[c] }
        printf "%s %d - %s %s: %s (%d/%d points)\n", status[i] == "pass" ? "ok" : "not ok", i,
               stem[i], name[i], hidden[i] ? "hidden test" : func_[i], earned[i], points[i]
        if (status[i] == "pass") continue
        if (hidden[i]) { print "# a hidden test failed: its details are for instructors"; continue }
        m = split(diagnostic(i), lines, "\n")
        print "# " mark(status[i]) ": " lines[1]
        for (j = 2; j <= m; j++) print "# " lines[j]
    }
}

# Whether exercise i is the one asked for: its name (mse-grad), or a
# function it asks for as the report prints it (mse_grad or mse_grad();
# exponential_lr_next for exponential-lr), either prefixed NN/ to say which
# chapter's when two chapters have an exercise of that name.
function is_wanted(i, want) {
    if (want ~ /^[0-9][0-9]\//) {
        if (substr(stem[i], 1, 2) != substr(want, 1, 2)) return 0
        want = substr(want, 4)
    }
    sub(/\(\)$/, "", want)
    return name[i] == want || asks_for(i, want)
}

# Whether exercise i asks for function f: func_ holds "f()" or, for an
# exercise of two functions, "f() and g()".
function asks_for(i, f,    parts, k, m) {
    m = split(func_[i], parts, / and /)
    for (k = 1; k <= m; k++) { sub(/\(\)$/, "", parts[k]); if (parts[k] == f) return 1 }
    return 0
}

# The visible exercises whose name or functions contain part of what was
# asked for (its words, split at - and _), for a name that matched none.
function near_names(want,    words, w, k, i, list) {
    sub(/^[0-9][0-9]\//, "", want); sub(/\(\)$/, "", want)
    w = split(want, words, /[-_]/)
    for (i = 1; i <= n; i++) {
        if (hidden[i]) continue
        for (k = 1; k <= w; k++)
            if (length(words[k]) > 2 && index(name[i] " " func_[i], words[k])) { list = list (list ? ", " : "") name[i]; break }
    }
    return list
}

function hint_of(want,    i, pick, found, chapters, near) {
    for (i = 1; i <= n; i++) {
        if (want != "" ? is_wanted(i, want) : (status[i] != "pass" && !hidden[i])) {
            if (!pick) pick = i
            found++
            chapters = chapters (found > 1 ? " and " : "") substr(stem[i], 1, 2)
            if (want == "") break
        }
    }
    if (found > 1) {
        printf "EX=%s: chapters %s both have an exercise of that name: say which, as EX=%s/%s\n", want, chapters, substr(stem[pick], 1, 2), want > "/dev/stderr"
        return 2
    }
    if (want != "" && !pick) {
        near = near_names(want)
        if (near != "") printf "EX=%s: no exercise has that name or function; did you mean %s?\n", want, near > "/dev/stderr"
        else printf "EX=%s: no exercise has that name or function.\n", want > "/dev/stderr"
        printf "The exercises here:" > "/dev/stderr"
        for (i = 1; i <= n; i++) if (!hidden[i]) printf " %s", name[i] > "/dev/stderr"
        printf "\n" > "/dev/stderr"
        return 2
    }
    if (!pick) {
        for (i = 1; i <= n; i++) if (status[i] != "pass") { print every("Every visible exercise") " passes; a hidden test failed (its details are for your instructor)."; return 0 }
        print every("Every exercise") " passes: no hint needed."
        return 0
    }
    if (hidden[pick]) {
        printf "%s is a hidden test (%s): it has no hint for students.\n", name[pick], status[pick] == "pass" ? "passing" : "failing"
        return 0
    }
    if (ENVIRON["stem_out"] != "") { print stem[pick] > ENVIRON["stem_out"]; close(ENVIRON["stem_out"]) }
    printf "%s, %s in %s/%s.c: %s (%d/%d points)\n", name[pick], func_[pick], exdir, stem[pick],
           status[pick] == "pass" ? "passes" : mark(status[pick]), earned[pick], points[pick]
    if (status[pick] != "pass") printf "  %s\n", message[pick]
    show_printed(pick)
    printf "  Hint: %s\n", hint[pick]
    printf "  Read: %s\n", where(pick)
    # make check EX=NAME: the exit status is that exercise's verdict.
    return strict && status[pick] != "pass"
}

function gradebook(    list, m, j, c, sum, i, first, row) {
    row = csv_field(student)
    m = split(stems, list, " ")
    for (j = 1; j <= m; j++) {
        sum = ""
        for (c = 1; c <= nchapters; c++) if (cstem[c] == list[j]) sum = got[c] + 0
        row = row "," sum
    }
    for (i = 1; i <= n; i++) if (status[i] != "pass") { first = i; break }
    row = row "," total + 0 "," total_max + 0 ","
    if (first) row = row csv_field(stem[first] "/" name[first] " (" status[first] (hidden[first] ? ", hidden" : "") ")")
    print row
}

function ungraded(    m, j, row) {
    row = csv_field(student)
    m = split(stems, list, " ")
    for (j = 1; j <= m; j++) row = row ","
    print row ",,," csv_field(why)
}
