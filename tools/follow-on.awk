# follow-on.awk: tells a student when an exercise may fail only because a
# function it builds on fails (linreg_step() on a wrong mse_grad(), AdamW on
# a wrong Adam), so that they fix the cause first.
#
#   objdump -dr STEM.plain.o | awk -F '\t' -v stem=STEM -f tools/follow-on.awk - results.tsv
#
# The first input is the disassembly of the student's compiled file,
# compiled with -ffunction-sections so that every call, even to a static
# helper, leaves a relocation naming its target; it gives who calls whom.
# The second is the grader's results table (tools/report.awk describes it),
# printed back with the message of each failing exercise of chapter STEM
# prefixed when its function calls, directly or through helpers, the
# function of another failing exercise; or when it shares a helper with an
# exercise listed before it that fails.

FNR == NR {
    if (match($0, /^[0-9a-f]+ <[^>]+>:$/)) {
        fn = $0; sub(/^[0-9a-f]+ </, "", fn); sub(/>:$/, "", fn)
        defined[fn] = 1
    } else if (fn != "" && $0 ~ /R_X86_64_/) {
        target = $NF
        sub(/^\.text\./, "", target); sub(/[-+]0x[0-9a-f]+$/, "", target)
        if (target !~ /^\./ && target != fn) calls[fn] = calls[fn] " " target
    }
    next
}

{ row[FNR] = $0; rows = FNR }
$1 == stem && NF >= 10 && $10 != "hidden" {
    f = $3; sub(/\(\)$/, "", f)
    k++; at[k] = FNR; func_of[k] = f; name_of[k] = $2; failing[k] = ($6 != "pass")
}

# The functions of this file that f reaches through its calls, f included,
# as " name name ... " in reached[f].
function reach(f,    seen, stack, top, g, list, m, j) {
    if (f in reached) return reached[f]
    top = 1; stack[1] = f; seen[f] = 1; list = " "
    while (top > 0) {
        g = stack[top--]
        list = list g " "
        m = split(calls[g], next_, " ")
        for (j = 1; j <= m; j++)
            if ((next_[j] in defined) && !(next_[j] in seen)) { seen[next_[j]] = 1; stack[++top] = next_[j] }
    }
    return reached[f] = list
}

# A helper's name as a message shows it: the submission's own, which can
# be as long as the file (one of 140 kB was more than awk's sprintf
# holds, and the note was lost), cut to 64 characters.
function shown(name) { return length(name) > 64 ? substr(name, 1, 64) "..." : name }

# A helper (not an exercise's function) that both f and g reach, or "".
function shared(f, g,    m, parts, j, h) {
    m = split(reach(f), parts, " ")
    for (j = 1; j <= m; j++) {
        h = parts[j]
        if (h != f && h != g && !(h in exercise_fn) && index(reach(g), " " h " ")) return h
    }
    return ""
}

END {
    for (i = 1; i <= k; i++) exercise_fn[func_of[i]] = 1
    for (i = 1; i <= k; i++) {
        if (!failing[i] || !(func_of[i] in defined)) continue
        note = ""
        for (j = 1; j <= k && note == ""; j++) {
            if (j == i || !failing[j]) continue
            if (index(reach(func_of[i]), " " func_of[j] " "))
                note = sprintf("%s() fails too, and %s() calls it: fix %s first (make check EX=%s), then look at this one again.",
                               func_of[j], func_of[i], name_of[j], name_of[j])
            else if (j < i && (h = shared(func_of[i], func_of[j])) != "")
                note = sprintf("%s() and %s() share %s(), and %s fails too: fix %s first (make check EX=%s), then look at this one again.",
                               func_of[i], func_of[j], shown(h), name_of[j], name_of[j], name_of[j])
        }
        if (note == "") continue
        nf = split(row[at[i]], field, "\t")
        field[7] = note " Its own test says: " field[7]
        line = field[1]
        for (c = 2; c <= nf; c++) line = line "\t" field[c]
        row[at[i]] = line
    }
    for (r = 1; r <= rows; r++) print row[r]
}
