# check-results-json.awk: checks a results.json against Gradescope's
# autograder format (the self-test's validator; no python or jq needed).
#
#   awk [-v full=1] -f tools/check-results-json.awk results.json
#
# It parses the file as strict JSON (RFC 8259: string escapes, numbers, no
# trailing commas, one value), then checks it against the field list of
# Gradescope's specification ("Autograder Specifications", output format):
#   top level  score, execution_time, output, output_format,
#              test_output_format, test_name_format, visibility,
#              stdout_visibility, extra_data, tests, leaderboard
#   per test   score, max_score, status, name, name_format, number, output,
#              output_format, tags, visibility, extra_data
# with their types and enumerations (visibility: hidden, after_due_date,
# after_published, visible; status: passed, failed; formats: text, html,
# simple_format, md, ansi). No other field is allowed. On top of the
# specification, what this course always writes must be there: score,
# execution_time and output at the top, and name, number, score,
# max_score, status, output and visibility in every test; the top score
# must be the sum of the tests' scores, each between 0 and its max_score,
# status "passed" exactly when it is full. With -v full=1 every test must
# have passed. Prints "ok: N tests, SCORE/MAX" or the first problem, and
# exits 0 or 1.

function fail(msg) {
    print FILENAME ": " msg > "/dev/stderr"
    failed = 1
    exit 1
}
function ws() { while (pos <= len && index(" \t\r\n", substr(text, pos, 1))) pos++ }
function expect(c) {
    ws()
    if (substr(text, pos, 1) != c) fail("expected '" c "' at offset " pos)
    pos++
}

# Reads a string at pos into STR; returns "string".
function parse_string(    c, out, hex) {
    ws()
    if (substr(text, pos, 1) != "\"") fail("expected a string at offset " pos)
    pos++
    out = ""
    while (1) {
        if (pos > len) fail("unterminated string")
        c = substr(text, pos, 1)
        if (c == "\"") { pos++; break }
        if (c < " " && c != "") {
            if (index(CONTROL, c)) fail("raw control character in a string at offset " pos)
        }
        if (c == "\\") {
            c = substr(text, pos + 1, 1)
            if (c == "u") {
                hex = substr(text, pos + 2, 4)
                if (hex !~ /^[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]$/) fail("bad \\u escape at offset " pos)
                out = out "?"
                pos += 6
                continue
            }
            if (!index("\"\\/bfnrt", c)) fail("bad escape \\" c " at offset " pos)
            out = out (c == "n" ? "\n" : c == "t" ? "\t" : c)
            pos += 2
            continue
        }
        out = out c
        pos++
    }
    STR = out
    return "string"
}

function parse_value(path,    c, rest) {
    ws()
    c = substr(text, pos, 1)
    if (c == "{") return parse_object(path)
    if (c == "[") return parse_array(path)
    if (c == "\"") return parse_string()
    rest = substr(text, pos, 64)
    if (match(rest, /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/)) {
        NUM = substr(rest, 1, RLENGTH) + 0
        pos += RLENGTH
        return "number"
    }
    if (substr(text, pos, 4) == "true") { pos += 4; return "boolean" }
    if (substr(text, pos, 5) == "false") { pos += 5; return "boolean" }
    if (substr(text, pos, 4) == "null") { pos += 4; return "null" }
    fail("not a JSON value at offset " pos " (" path ")")
}

function parse_array(path,    type, i) {
    expect("[")
    ws()
    if (substr(text, pos, 1) == "]") { pos++; return "array" }
    for (i = 0; ; i++) {
        type = parse_value(path "[]")
        element(path, type)
        ws()
        c = substr(text, pos, 1)
        pos++
        if (c == "]") break
        if (c != ",") fail("expected ',' or ']' at offset " (pos - 1))
    }
    return "array"
}

function parse_object(path,    key, type, seen, c) {
    expect("{")
    if (path == ".tests[]") begin_test()
    ws()
    if (substr(text, pos, 1) == "}") { pos++; if (path == ".tests[]") end_test(); return "object" }
    while (1) {
        parse_string()
        key = STR
        if (key in seen) fail("duplicate key \"" key "\" in " (path == "" ? "the top level" : path))
        seen[key] = 1
        expect(":")
        type = parse_value(path "." key)
        member(path, key, type)
        ws()
        c = substr(text, pos, 1)
        pos++
        if (c == "}") break
        if (c != ",") fail("expected ',' or '}' at offset " (pos - 1))
    }
    if (path == ".tests[]") end_test()
    return "object"
}

function is_format(s) { return s == "text" || s == "html" || s == "simple_format" || s == "md" || s == "ansi" }
function is_visibility(s) { return s == "hidden" || s == "after_due_date" || s == "after_published" || s == "visible" }
function need(type, want, where) { if (type != want) fail(where " must be a " want ", not a " type) }

# A member KEY of the object at PATH has just been read (STR or NUM hold a
# scalar's value).
function member(path, key, type,    where) {
    where = (path == "" ? "" : path) "." key
    if (path == "") {
        top[key] = 1
        if (key == "score") { need(type, "number", where); top_score = NUM }
        else if (key == "execution_time") { need(type, "number", where); if (NUM < 0) fail(where " is negative") }
        else if (key == "output") need(type, "string", where)
        else if (key == "output_format" || key == "test_output_format" || key == "test_name_format") {
            need(type, "string", where); if (!is_format(STR)) fail(where " is \"" STR "\", not a known format")
        }
        else if (key == "visibility" || key == "stdout_visibility") {
            need(type, "string", where); if (!is_visibility(STR)) fail(where " is \"" STR "\", not a visibility")
        }
        else if (key == "extra_data") need(type, "object", where)
        else if (key == "tests" || key == "leaderboard") need(type, "array", where)
        else fail("unknown top-level field \"" key "\"")
    } else if (path == ".tests[]") {
        t[key] = 1
        if (key == "score") { need(type, "number", where); t_score = NUM }
        else if (key == "max_score") { need(type, "number", where); t_max = NUM }
        else if (key == "status") {
            need(type, "string", where); if (STR != "passed" && STR != "failed") fail(where " is \"" STR "\", not passed or failed")
            t_status = STR
        }
        else if (key == "name" || key == "number" || key == "output") need(type, "string", where)
        else if (key == "name_format" || key == "output_format") {
            need(type, "string", where); if (!is_format(STR)) fail(where " is \"" STR "\", not a known format")
        }
        else if (key == "visibility") {
            need(type, "string", where); if (!is_visibility(STR)) fail(where " is \"" STR "\", not a visibility")
        }
        else if (key == "tags") need(type, "array", where)
        else if (key == "extra_data") need(type, "object", where)
        else fail("unknown test field \"" key "\" in test " ntests)
    }
}

function element(path, type) {
    if (path == ".tests") need(type, "object", "each of .tests")
    if (path == ".tests[].tags") need(type, "string", "each tag")
}

function begin_test() { ntests++; split("", t); t_score = t_max = ""; t_status = "" }
function end_test(    f, n, i, required) {
    n = split("name number score max_score status output visibility", required, " ")
    for (i = 1; i <= n; i++)
        if (!(required[i] in t)) fail("test " ntests " has no \"" required[i] "\"")
    if (t_score < 0 || t_score > t_max) fail("test " ntests " scores " t_score " of " t_max)
    if ((t_status == "passed") != (t_score == t_max)) fail("test " ntests " is " t_status " with " t_score "/" t_max)
    if (full && t_status != "passed") fail("test " ntests " did not pass")
    sum += t_score
    sum_max += t_max
}

{ text = text $0 "\n" }

END {
    if (failed) exit 1
    CONTROL = ""
    for (i = 1; i < 32; i++) CONTROL = CONTROL sprintf("%c", i)
    len = length(text)
    pos = 1
    if (parse_value("") != "object") fail("the top level must be an object")
    ws()
    if (pos <= len) fail("text after the JSON value at offset " pos)
    if (!("score" in top) || !("execution_time" in top) || !("output" in top) || !("tests" in top))
        fail("score, execution_time, output and tests must all be at the top level")
    if (ntests == 0) fail("no tests")
    if (top_score != sum) fail("the score is " top_score " but the tests add up to " sum)
    printf "ok: %d tests, %s/%s\n", ntests, top_score, sum_max
}
