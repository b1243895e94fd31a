#!/bin/sh
# try.sh NN-topic: the second half of `make try CH=NN` (make has built the
# reference runs and figures, and the chapter's programs linked with your
# exercise file into build/try/bin/).
#
# Reruns every experiment of the chapter with your programs into
# build/try/data/NN-topic/, compares each CSV with the reference run
# (the largest difference, and the first row where they part), draws the
# chapter's figures from your data into build/try/figures/, and writes
# build/try/NN-topic.html with each figure of yours beside the reference.
# Exit status 0 when every experiment matches.
set -u
stem=$1
ref=build/data/$stem
mine=build/try/data/$stem
figs=build/try/figures
page=build/try/$stem.html
# The last try's page and figures go first: a try stopped half-way
# (Ctrl-C) left a page of new verdicts above the last try's figures.
rm -f "$page" "$page.tmp" "$page.figures.tmp" "$figs/$stem".*

# (A run's time limit: TRY_TIME_LIMIT, or 300 s unless the runs file
# gives it longer; see tools/run-experiments.sh.)
longer=""
[ -n "${TRY_TIME_LIMIT:-}" ] ||
    longer=$(sed -n 's/^# try: \([^ ]*\) may run \([0-9]*\) s:.*/, \1 after \2 s/p' chapters/"$stem".runs chapters/"$stem".*.runs 2>/dev/null | tr -d '\n')
echo "make try: chapter ${stem%%-*}'s experiments, run on your ${EXERCISES:-exercises}/$stem.c (a run still going after ${TRY_TIME_LIMIT:-300} s is stopped$longer)"
BIN_DIR=build/try/bin PRINTED=1 tools/run-experiments.sh "$mine" chapters/"$stem".runs \
    $(ls chapters/"$stem".*.runs 2>/dev/null) 2>build/try/"$stem".errors
echo

# One line per experiment: name, verdict, detail (tools/compare-runs.awk).
# Numbers match when they agree to 1e-9 relative to their size: the same
# code gives the same bytes; a different but correct order of operations
# gives differences near 1e-15; a bug gives far more. An experiment that
# measures rounding itself (a gradient check at tiny h) can part further
# for correct code; its runs file says how far, and why, in a line
#     # try: NAME within TOLERANCE: WHY
# tolerance_of NAME prints "TOLERANCE: WHY" (or nothing).
tolerance_of() {
    sed -n "s/^# try: $1 within \(.*\)/\1/p" chapters/"$stem".runs chapters/"$stem".*.runs 2>/dev/null | head -n 1
}
status=0
verdicts=build/try/$stem.verdicts
printf '%-28s %-9s %s\n' experiment verdict "largest difference (and where the runs part)" | tee "$verdicts"
for r in "$ref"/*.csv; do
    name=$(basename "$r" .csv)
    m=$mine/$name.csv
    if [ ! -f "$m" ]; then
        printf '%-28s %-9s %s\n' "$name" FAILED "your program stopped before writing it (see below)" | tee -a "$verdicts"
        status=1
        continue
    fi
    within=$(tolerance_of "$name")
    line=$(awk -F, -v tol="${within%%:*}" -v why="$within" -f tools/compare-runs.awk "$r" "$m")
    verdict=${line%% *}
    [ "$verdict" = matches ] || status=1
    printf '%-28s %-9s %s\n' "$name" "$verdict" "${line#* }" | tee -a "$verdicts"
done
# (make's own lines about the runs that failed say nothing the programs'
# lines do not)
grep -v '^make\(\[[0-9]*\]\)\{0,1\}: ' build/try/"$stem".errors >build/try/"$stem".said
if [ -s build/try/"$stem".said ]; then
    echo
    echo "What your programs said:"
    sed 's/^/  /' build/try/"$stem".said | head -n 20
    said=$(wc -l <build/try/"$stem".said)
    [ "$said" -le 20 ] || echo "  ... and $((said - 20)) more lines in build/try/$stem.said"
fi

# What each run printed, stdout and stderr, is in its own NAME.printed
# (run-experiments.sh), not on the terminal, where runs side by side would
# interleave it. Listed here: every run that printed something or failed,
# a line each, and for a failed run the last lines of its log, where the
# error is. At most 10 runs, and the last lines of the first 3 failures
# only: a stub fails every run, and alike.

# The chapter's experiments by name (not the files they save on the side),
# in the order of the verdicts above.
experiments() {
    awk 'NF && $1 !~ /^#/ { print $1 }' chapters/"$stem".runs \
        $(ls chapters/"$stem".*.runs 2>/dev/null) | LC_ALL=C sort
}

# log_line NAME [SUFFIX]: where NAME's log is, its length, and SUFFIX.
log_line() {
    ll_lines=$(wc -l <"$mine/$1.printed")
    ll_word=lines
    [ "$ll_lines" -eq 1 ] && ll_word="line "
    printf '  %-26s %7d %s in %s%s\n' "$1" "$ll_lines" "$ll_word" "$mine/$1.printed" "${2:-}"
}

# read_first NAME: of the runs NAME reads (another experiment's CSV named
# in its flags, a prerequisite in run-experiments.sh's rules), the first
# whose verdict is not "matches", as "; it reads your RUN run, which
# VERDICT: look at that one first". Chapter 10's ring runs read fixed-p1's
# losses: with fixed-p1 wrong, each failed on "losses positive and finite",
# and nothing pointed back at fixed-p1.
read_first() {
    for input in $(sed -n "s/^$1\.csv:\(.*\)/\1/p" "$mine/.experiments.mk"); do
        input=${input%.csv}
        verdict=$(awk -v n="$input" '$1 == n { print $2 }' "$verdicts")
        [ "$verdict" = matches ] && continue
        echo "; it reads your $input run, which ${verdict:-did not finish}: look at that one first"
        return
    done
}

# failed_run NAME WITH-TAIL: the line of a run that failed, and when
# WITH-TAIL is 1 the end of its log.
failed_run() {
    reads=$(read_first "$1")
    if [ ! -f "$mine/$1.printed" ]; then
        printf '  %-26s did not run%s\n' "$1" "${reads:-: it reads what a failed run writes}"
    elif [ "$2" = 1 ] && [ -s "$mine/$1.printed" ]; then
        if [ -n "$reads" ]; then log_line "$1" "; it failed$reads; its end:"
        else log_line "$1" "; it failed, ending:"; fi
        tail -n 3 "$mine/$1.printed" | cut -c 1-400 | sed 's/^/      /'
    else
        log_line "$1" "; it failed$reads"
    fi
}

listed=0 more=0 failures=0
for name in $(experiments); do
    # (a run that never started, waiting for a failed one, left no mark)
    failed=0
    [ -f "$mine/$name.failed" ] || [ ! -f "$mine/$name.csv" ] && failed=1
    [ "$failed" = 1 ] || [ -s "$mine/$name.printed" ] || continue
    [ "$listed" -lt 10 ] || { more=$((more + 1)); continue; }
    [ "$listed" -gt 0 ] || { echo; echo "What your runs printed, kept per experiment:"; }
    listed=$((listed + 1))
    if [ "$failed" = 1 ]; then
        failures=$((failures + 1))
        failed_run "$name" $((failures <= 3))
    else
        log_line "$name"
    fi
done
[ "$more" -eq 0 ] || echo "  ... and $more more experiments, in $mine/"

# What to do next, in one sentence, for the terminal and the page alike.
total=$(($(wc -l <"$verdicts") - 1))
differ=$(awk 'NR > 1 && $2 == "DIFFERS"' "$verdicts" | wc -l)
unwritten=$(awk 'NR > 1 && $2 == "FAILED"' "$verdicts" | wc -l)
if [ "$status" -eq 0 ]; then
    # (a match is not a grade: functions no experiment calls are not run)
    verdict="Every experiment ($total) matches the reference runs."
    advice="make check CH=${stem%%-*} grades every function, those no experiment calls too."
elif [ "$differ" -gt 0 ]; then
    verdict="$differ of $total experiments differ from the reference."
    [ "$unwritten" -eq 0 ] ||
        verdict="$differ of $total experiments differ from the reference, and $unwritten stopped before writing their data."
    advice="The first row where a run parts from the reference is the step to look at; make check CH=${stem%%-*} names the function at fault."
else
    # (Every run that is not a match stopped before writing: there is no
    # row where it parts from the reference, only what it printed.)
    verdict="$unwritten of $total experiments stopped before writing their data."
    advice="What they printed (make try's output, and each run's .printed file in $mine/) says where; make check CH=${stem%%-*} names the function at fault."
fi

# The figures, from your data, beside the reference ones. A figure drawn
# from the same numbers is the same file to the byte, so each says whether
# it is: the ones that are not are where to look.
mkdir -p "$figs"
pairs=$page.figures.tmp
: >"$pairs"
figures=0 drawn=0 unlike=0
for p in plots/"$stem".*.gp; do
    [ -f "$p" ] || continue
    n=$(basename "$p" .gp)
    figures=$((figures + 1))
    if gnuplot -c "$p" svg "$mine" "$figs/$n.svg" 2>"$figs/$n.log" &&
        gnuplot -c "$p" png "$mine" "$figs/$n.png" 2>"$figs/$n.log"; then
        drawn=$((drawn + 1))
        if cmp -s "$figs/$n.svg" build/figures/"$n".svg; then
            same="<p>Yours is the reference figure, to the byte.</p>"
        else
            unlike=$((unlike + 1))
            same="<p><strong>Yours differs from the reference.</strong></p>"
        fi
        mine_img="<a href=\"figures/$n.svg\"><img src=\"figures/$n.svg\" alt=\"$n, drawn from your runs\"></a>"
    else
        # gnuplot's own last words say why: a run missing ("No such file"),
        # or numbers it cannot draw (all zero on a log axis: "all points y
        # value undefined").
        rm -f "$figs/$n.svg" "$figs/$n.png"
        unlike=$((unlike + 1))
        why=$(grep -v '^[[:space:]]*$' "$figs/$n.log" | tail -n 1 | sed 's/&/\&amp;/g; s/</\&lt;/g')
        [ -n "$why" ] || why="gnuplot stopped without a word"
        same="<p><strong>Yours could not be drawn.</strong></p>"
        mine_img="<p>Not drawn from your runs: $why</p>"
    fi
    rm -f "$figs/$n.log"
    printf '<h2>%s</h2>%s<div class="pair"><div><h3>reference</h3><a href="../figures/%s.svg"><img src="../figures/%s.svg" alt="%s, the reference"></a></div><div><h3>yours</h3>%s</div></div>\n' \
        "$n" "$same" "$n" "$n" "$n" "$mine_img" >>"$pairs"
done

# Every run matches, yet a figure is not the reference's to the byte: the
# runs agree within their tolerances but not in their last bits (right
# code that rounds in another order), and a figure of those last bits,
# such as chapter 1's rounding errors, shows it. Said, so that a right
# answer is not taken for a wrong one.
if [ "$status" -eq 0 ] && [ "$unlike" -gt 0 ]; then
    advice="$advice Your runs match, within their tolerances, but not bit for bit (the same arithmetic in another order rounds differently: 2.0 / n * sum for 2.0 * sum / n, say), so a figure of those last digits, such as a rounding error, is not the reference's to the byte; that is no mistake."
fi

# The page: the verdict and what to do, the verdicts' table with the runs
# that part set in bold, then the figures (written under another name, and
# renamed when whole).
{
    # On a phone the pair stacks (side by side, each figure would be 170 px
    # wide) and the verdicts' table scrolls in its own box.
    echo "<!DOCTYPE html><html><head><meta charset=utf-8><title>make try: $stem</title>"
    echo '<meta name="viewport" content="width=device-width">'
    echo "<style>body{font-family:sans-serif;margin:1em}img{width:100%}pre{overflow-x:auto}"
    echo ".pair{display:grid;grid-template-columns:1fr 1fr;gap:1em}"
    echo "@media (max-width:40em){.pair{grid-template-columns:1fr}}</style></head><body>"
    echo "<h1>Your $stem beside the reference</h1>"
    echo "<p><strong>$verdict</strong> Figures unlike the reference: $unlike of $figures. $advice</p>"
    echo "<p>Each experiment of the chapter, run with your exercises/$stem.c:</p><pre>"
    # The verdicts as text: & and < are the only characters HTML minds here.
    sed 's/&/\&amp;/g; s/</\&lt;/g' "$verdicts" |
        awk 'NR > 1 && $2 != "matches" { $0 = "<strong>" $0 "</strong>" } { print }'
    echo "</pre>"
    cat "$pairs"
    echo "</body></html>"
} >"$page.tmp" && mv -f "$page.tmp" "$page"
rm -f "$pairs"
echo
echo "Your figures ($drawn; unlike the reference: $unlike of $figures): $figs/$stem.*.png; side by side with the reference: $page"
echo "$verdict"
echo "$advice"
exit "$status"
