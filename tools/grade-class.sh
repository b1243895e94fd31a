#!/bin/sh
# grade-class.sh SUBMISSIONS-DIR [OUT-DIR]: grades a whole class.
#
#   tools/grade-class.sh path/to/submissions            (make grade-class SUBMISSIONS=...)
#
# Every subfolder of SUBMISSIONS-DIR is one student's copy of the exercise
# files (only its NN-topic.c files are taken; see tools/grade.sh); any other
# entry (a file, a symbolic link, a dot-folder, a name with a control
# character such as a newline, a folder named gradebook.csv) is listed as
# skipped, with the reason. Each student is graded in turn, with a progress line "[N of M] student: points", into
# OUT-DIR/STUDENT/ (report.txt, results.json, results.tap, results.tsv);
# and OUT-DIR/gradebook.csv, rewritten after each student, has one row per
# student: the student (the folder's name; one that starts like a
# spreadsheet formula gets a leading apostrophe), the points of each
# chapter, the total, the maximum, and the first failing exercise (""
# when everything passes).
#
# One student cannot stall or break the others: each test has Check's
# timeout, each chapter's run a limit of its own, and each student a limit
# in all (STUDENT_TIME_LIMIT seconds, 600 by default) after which the
# chapters not yet graded score 0 ("time-limit"); a student whose grading
# still does not end is stopped, and the row says so. OUT-DIR defaults to
# build/reports/class-NAME. HIDDEN_TESTS=dir adds instructor-only suites
# (as in make grade). Exit status 0 when every student was graded, even
# with failing exercises; 1 when some could not be graded; 2 on bad usage;
# 3 when a submission changed the course's own files (grading stops).
#
# STUDENT=NAME regrades one student of the class (after a fix, a late
# submission): only SUBMISSIONS-DIR/NAME is graded, and its row of the
# gradebook is replaced, in its place; every other row stays as it was.
# An OUT-DIR remembers which class folder it grades (.grade-class-source):
# another class's gradebook there (two downloads both named
# "submissions") is refused, not replaced. It remembers its HIDDEN_TESTS
# too (.grade-class-hidden): a regrade with others, or without them, is
# refused.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)

class=${1:-}
if [ -z "$class" ] || [ ! -d "$class" ]; then
    printf '%s\n' "grade-class: SUBMISSIONS=${class:-?} is not a directory (one subfolder per student)" >&2
    exit 2
fi
class=$(cd "$class" && pwd)
out=${2:-$root/build/reports/class-$(basename "$class")}
out_given=$out # (as typed, for the messages)
limit=${STUDENT_TIME_LIMIT:-600}
case "$limit" in ''|*[!0-9]*|0*) echo "grade-class: STUDENT_TIME_LIMIT=$limit: expected whole seconds" >&2; exit 2 ;; esac
# Every submission's tests run in a sandbox (tools/grade.sh --sandbox):
# where one cannot run, nobody is graded unless GRADE_UNSANDBOXED=1 says
# to run the class's code with your permissions.
if ! bwrap --ro-bind / / --unshare-all --die-with-parent -- true 2>/dev/null && [ "${GRADE_UNSANDBOXED:-}" != 1 ]; then
    echo "grade-class: the sandbox cannot run here (install bubblewrap; it needs user namespaces): nothing graded. GRADE_UNSANDBOXED=1 grades without it, running every submission's code with your permissions" >&2
    exit 2
fi
# Each student's reports go to OUT-DIR/STUDENT, which is emptied first: an
# OUT-DIR that is the class folder, or inside it, would have that empty a
# student's own folder (or grade the reports as a student). A folder of
# OUT-DIR that is not a report folder is never emptied (below). (realpath
# -m: symbolic links followed, and OUT-DIR need not exist yet; / is
# written without its slash, so that "$x/" is the folder and everything
# in it.)
real_class=$(realpath -m -- "$class") real_out=$(realpath -m -- "$out")
real_class=${real_class%/} real_out=${real_out%/}
case "$real_out/" in
    "$real_class"/*)
        printf '%s\n' "grade-class: OUT=$out is the class folder or inside it: the reports would mix with the students' folders (and replace them); put them elsewhere" >&2
        exit 2 ;;
esac
if [ -z "$real_out" ]; then
    printf '%s\n' "grade-class: OUT=$out is the root folder: put the reports in a folder of their own" >&2
    exit 2
fi
# The folders this run makes for OUT-DIR (made_out: the outermost) are
# removed again if a setting is refused before anyone is graded (a
# mistyped STUDENT into a new OUT left an empty folder holding only the
# lock), each only if nothing else came to be in it.
made_out="" mo_dir=$out
while [ ! -e "$mo_dir" ] && [ ! -L "$mo_dir" ]; do made_out=$mo_dir mo_dir=$(dirname -- "$mo_dir"); done
unmake_out() {
    rm -f "$out/.grade-class.lock"
    mo_dir=$out_given
    while rmdir -- "$mo_dir" 2>/dev/null && [ "$mo_dir" != "$made_out" ]; do mo_dir=$(dirname -- "$mo_dir"); done
}
mkdir -p "$out" 2>/dev/null && [ -w "$out" ] ||
    { printf '%s\n' "grade-class: OUT=$out: cannot write there (the folder for the gradebook and the students' reports)" >&2; exit 2; }
out=$(cd "$out" && pwd)
[ -z "$made_out" ] || trap unmake_out EXIT
# One grade-class into an OUT-DIR at a time: two regrades started together
# (STUDENT=a in one terminal, STUDENT=b in another) each read the gradebook
# and wrote it back with its own row, and the second lost the first's. The
# second waits. (No grader inherits the lock: one left running would hold
# it.)
if command -v flock >/dev/null 2>&1; then
    exec 6>>"$out/.grade-class.lock"
    flock -n 6 || {
        printf '%s\n' "grade-class: waiting for another grade-class into $out_given to end" >&2
        flock 6
    }
fi
# One OUT-DIR, one class: its gradebook and reports are that class's.
source_mark=$out/.grade-class-source
# (and one set of hidden suites: their folder, or nothing for none)
hidden_mark=$out/.grade-class-hidden
real_hidden=""
[ -z "${HIDDEN_TESTS:-}" ] || real_hidden=$(realpath -m -- "$HIDDEN_TESTS")
if [ -f "$source_mark" ] && [ "$(cat "$source_mark")" != "$real_class" ]; then
    printf '%s\n' "grade-class: OUT=$out_given holds the gradebook of $(cat "$source_mark"), not of $real_class: give this class a folder of its own (OUT=dir), or remove $out_given to replace it" >&2
    exit 2
fi

# Every entry of the class folder is a student's folder, or said to be
# skipped, and why: nothing is passed over in silence. A folder is skipped
# when its name holds a control character (a newline would split the list
# of students, an escape or a carriage return would repaint the terminal
# with the progress lines) or is the gradebook's own; names are shown with
# their control characters as "?".
ctrl=$(printf '\001-\037\177')
# (and the C1 controls, which UTF-8 writes as C2 80 to C2 9F: U+009B is
# the escape sequence's 8-bit start)
c1=$(printf '\302')[$(printf '\200-\237')]
find "$class" -mindepth 1 -maxdepth 1 -exec sh -c '
    c1=$1
    shift
    for path do
        name=${path##*/}
        shown=$(printf "%s" "$name" | LC_ALL=C tr "$0" "[?*]" | LC_ALL=C sed "s/$c1/?/g")
        if [ -L "$path" ]; then why="a symbolic link, not a folder"
        elif [ ! -d "$path" ]; then why="not a folder"
        elif [ "$shown" != "$name" ]; then why="its name holds a control character (shown as ?): rename it to grade it"
        else case "$name" in
            .*) why="a hidden (dot) folder" ;;
            gradebook.csv) why="the gradebook has that name: rename the folder to grade it" ;;
            *) continue ;;
        esac fi
        printf "skipped %s: %s\n" "$shown" "$why"
    done' "$ctrl" "$c1" {} + | LC_ALL=C sort
students=$(LC_ALL=C find "$class" -mindepth 1 -maxdepth 1 -type d ! -name '.*' ! -name "*[$ctrl]*" ! -name "*$c1*" \
               ! -name gradebook.csv | LC_ALL=C sort)
total=$(printf '%s\n' "$students" | grep -c .)
if [ "$total" -eq 0 ]; then
    printf '%s\n' "grade-class: $class has no student folders" >&2
    exit 2
fi
stems=$(cd "$root" && for f in tests/[0-9][0-9]-*.c; do basename "$f" .c; done | tr '\n' ' ')
header=$(printf 'student'; for s in $stems; do printf ',%s' "$s"; done; printf ',total,max,first_failing')

# STUDENT=NAME: that student alone, into the gradebook as it is (its rows
# read once, here, before any student's code runs).
only=${STUDENT:-}
rows=""
if [ -n "$only" ]; then
    # (A name of two lines would be two patterns to grep below, and match
    # either student's folder.)
    case $only in *'
'*) printf '%s\n' "grade-class: STUDENT must be one folder's name, on one line" >&2; exit 2 ;; esac
    # A shell's completion writes the folder's path, or its name with a
    # slash after it (STUDENT=ann/, STUDENT=path/to/class/ann): either is
    # taken as the name when it names a folder of the class. (Refused as
    # "no student folder of that name" while the folder was plainly there.)
    given=$only
    while :; do case $only in ?*/) only=${only%/} ;; *) break ;; esac; done
    case $only in
        */*) [ "$(realpath -m -- "${only%/*}")" != "$real_class" ] || only=${only##*/} ;;
    esac
    if ! printf '%s\n' "$students" | grep -qxF -- "$class/$only"; then
        printf '%s\n' "grade-class: STUDENT=$given: $class has no student folder of that name (the folder's name, as in the gradebook's first column)" >&2
        exit 2
    fi
    students=$class/$only total=1
    # The other rows were graded with the hidden suites the gradebook's
    # last whole grading had: a regrade that forgot HIDDEN_TESTS (or named
    # another folder) gave one student a row without them, out of another
    # max, with a hidden failure gone from first_failing, and said nothing.
    # (An OUT an earlier version wrote has no record: taken as it is.)
    graded_hidden=$(cat "$hidden_mark" 2>/dev/null) || graded_hidden=$real_hidden
    if [ "$graded_hidden" != "$real_hidden" ]; then
        was="without HIDDEN_TESTS" now="without them"
        [ -z "$graded_hidden" ] || was="with HIDDEN_TESTS=$graded_hidden"
        [ -z "$real_hidden" ] || now="with HIDDEN_TESTS=$real_hidden"
        printf '%s\n' "grade-class: STUDENT=$only: the gradebook in $out_given was graded $was, and this regrade is $now: regrade with the same (or grade the whole class, without STUDENT, to change them)" >&2
        exit 2
    fi
    if [ -f "$out/gradebook.csv" ]; then
        if [ "$(head -n 1 "$out/gradebook.csv")" != "$header" ]; then
            printf '%s\n' "grade-class: STUDENT=$only: $out_given/gradebook.csv has other columns than this course's chapters: grade the whole class (without STUDENT) to replace it" >&2
            exit 2
        fi
        rows=$(tail -n +2 "$out/gradebook.csv")
        [ -z "$rows" ] || rows="$rows
"
    fi
fi

# OUT-DIR/STUDENT is emptied before the student's grading, so it must be a
# report folder: one grade-class made (it leaves the mark
# .grade-class-report), or one that holds nothing but the files it writes
# (an earlier version's). Anything else there (OUT=~ and a student named
# Documents, OUT=~/hw3 holding the class in ~/hw3/submissions and a student
# named submissions) stops the class before anyone is graded.
report_folder() {
    [ -f "$1/.grade-class-report" ] && return 0
    for rf_entry in "$1"/* "$1"/.[!.]*; do
        [ -e "$rf_entry" ] || [ -L "$rf_entry" ] || continue
        [ -f "$rf_entry" ] && [ ! -L "$rf_entry" ] || return 1
        case ${rf_entry##*/} in
            grade.log|report.txt|results.json|results.tap|results.tsv) ;;
            *) return 1 ;;
        esac
    done
}
# (The list is split at newlines only, and not globbed: set -f, or a
# folder named * would stand for every entry of the class folder.)
IFS='
'
set -f
for dir in $students; do
    set +f
    sdir=$out/${dir##*/}
    if { [ -e "$sdir" ] || [ -L "$sdir" ]; } && { [ -L "$sdir" ] || [ ! -d "$sdir" ] || ! report_folder "$sdir"; }; then
        printf '%s\n' "grade-class: OUT=$out_given already has $out_given/${dir##*/}, which is not a folder of reports grade-class wrote: each student's reports replace the folder of that name; put them elsewhere" >&2
        exit 2
    fi
done
unset IFS
# The settings and the course's side (the hidden suites' too) are checked
# once, before any student's earlier results are replaced: a mistyped
# HIDDEN_TESTS, or a hidden suite that does not compile, stops here with
# its message, and last time's gradebook and reports stay as they were.
if ! "$root/tools/grade.sh" --prepare ${HIDDEN_TESTS:+--hidden-tests "$HIDDEN_TESTS"} "$class" </dev/null 6>&-; then
    printf '%s\n' "grade-class: nothing graded, and nothing in $out replaced" >&2
    exit 2
fi

# Every setting taken: OUT-DIR stays (the trap below replaces the one
# that removed a new one).
# The gradebook is written from rows kept here, never read back while
# students are graded, so no student's code can edit the rows of the
# students before it; it is rewritten whole, atomically, after every
# student, so a grading stopped half-way keeps every row graded so far.
write_gradebook() {
    printf '%s\n%s' "$header" "$rows" >"$book_tmp" && chmod "$file_mode" "$book_tmp" && mv -fT "$book_tmp" "$out/gradebook.csv" &&
        book_tmp=$(mktemp "$out/.gradebook.XXXXXX")
}
# (The mode a new file gets from the umask: mktemp's 0600 would keep the
# gradebook from the instructor's group.)
file_mode=$(printf '%o' $((0666 & ~0$(umask))))
# (A dot-name: no student's folder has one.)
book_tmp=$(mktemp "$out/.gradebook.XXXXXX") || exit 2
# A regrade keeps the student's old reports here until the new row is in
# the gradebook (a dot-name again).
kept=""
trap 'rm -f "$book_tmp"; [ -z "$kept" ] || rm -rf "$kept"' EXIT
# Stopped (Ctrl-C; a TERM or HUP, as a closed terminal or a cancelled job
# sends): the student being graded is stopped with its grader, which
# timeout runs in a process group of its own that a Ctrl-C does not
# reach; its half-written reports go, and the gradebook keeps the students
# graded before. (The grader went on alone, wrote its reports, and the
# gradebook had no row for them.) A regrade stopped leaves the gradebook
# file alone, whole as its last atomic rename left it, and puts the
# student's old reports back beside their old row: it once rewrote the
# gradebook from rows the stop had emptied mid-replacement (every row
# lost), and left the old row with its reports deleted.
grader="" launching=0
put_back_reports() {
    [ -n "$kept" ] || return 0
    rm -rf "$sdir" && mv "$kept/reports" "$sdir" && rm -rf "$kept" && kept=""
}
stopped() {
    trap - INT TERM HUP
    # (Stopped between the grader's start and `grader=$!`: $! is it.)
    [ -z "$grader" ] && [ "$launching" = 1 ] && grader=$!
    if [ -n "$grader" ]; then
        kill -s TERM "$grader" 2>/dev/null
        wait "$grader" 2>/dev/null
        rm -rf "$sdir"
    fi
    if [ -n "$only" ]; then
        put_back_reports
        printf '%s\n' "grade-class: stopped while regrading $only; the gradebook and $only's reports are as they were" >&2
        exit 130
    fi
    [ -z "$grader" ] ||
        printf '%s\n' "grade-class: stopped while grading $student; the gradebook keeps the $((n - 1)) students graded before" >&2
    write_gradebook
    exit 130
}
trap stopped INT TERM HUP
failed=0
n=0
incomplete=""
started=$(date +%s)
printf '%s\n' "$real_class" >"$source_mark.tmp" && mv -f "$source_mark.tmp" "$source_mark"
printf '%s\n' "$real_hidden" >"$hidden_mark.tmp" && mv -f "$hidden_mark.tmp" "$hidden_mark"
# (Names and paths are printed with printf '%s': dash's echo would read
# the escapes a folder's name may hold, such as \n.)
if [ "$total" -eq 1 ]; then
    printf '%s\n' "Grading 1 student from $class"
else
    printf '%s\n' "Grading $total students from $class"
fi
IFS='
'
set -f
for dir in $students; do
    unset IFS
    set +f
    n=$((n + 1))
    student=$(basename "$dir")
    sdir=$out/$student
    if [ -n "$only" ] && [ -d "$sdir" ]; then
        kept=$(mktemp -d "$out/.regrade.XXXXXX") && mv "$sdir" "$kept/reports" || exit 2
    fi
    rm -rf "$sdir"
    mkdir -p "$sdir" && : >"$sdir/.grade-class-report"
    t0=$(date +%s)
    # The backstop: grade.sh keeps to --time-limit itself; this stops it
    # if it does not. (Waited for, so that a signal reaches stopped() at
    # once.)
    launching=1
    timeout -s KILL $((limit + 30)) "$root/tools/grade.sh" --sandbox --time-limit "$limit" \
        --json "$sdir/results.json" --tap "$sdir/results.tap" --report "$sdir/report.txt" \
        --results "$sdir/results.tsv" ${HIDDEN_TESTS:+--hidden-tests "$HIDDEN_TESTS"} \
        "$dir" >"$sdir/grade.log" 2>&1 </dev/null 6>&- &
    grader=$! launching=0
    wait "$grader"
    code=$?
    grader=""
    seconds=$(($(date +%s) - t0))
    if [ "$code" -eq 3 ]; then
        cat "$sdir/grade.log" >&2
        printf '%s\n' "grade-class: stopped at $student: the course's files changed while it ran (the gradebook keeps the students graded before)" >&2
        put_back_reports
        write_gradebook
        exit 3
    fi
    if [ "$code" -le 1 ] && [ -s "$sdir/results.tsv" ]; then
        row=$(student=$student awk -F '\t' -v mode=gradebook -v stems="$stems" \
                  -f "$root/tools/report.awk" "$sdir/results.tsv")
        # (total and max stand before the last field, first_failing, which
        # is quoted when it says ", hidden": counted from the end.)
        score=$(printf '%s\n' "$row" | awk '{ sub(/,("[^"]*"|[^,"]*)$/, ""); n = split($0, f, ",")
                                               print f[n - 1] "/" f[n] }')
        printf '%s\n' "[$n of $total] $student: $score points (${seconds} s)"
        # A chapter file missing is most often a folder laid out otherwise
        # (one level deeper, a file renamed by the download): said again at
        # the end, where a 0 that is no student's fault would hide.
        missing=$(awk -F '\t' '$1 != "chapter" && $6 == "missing" && !seen[$1]++ { m++ } END { print m + 0 }' "$sdir/results.tsv")
        if [ "$missing" -gt 0 ]; then
            chapters=chapters
            [ "$missing" -gt 1 ] || chapters=chapter
            incomplete="$incomplete
  $student: $missing $chapters missing (see $sdir/report.txt)"
        fi
    else
        failed=$((failed + 1))
        row=$(student=$student awk -v mode=ungraded -v stems="$stems" \
                  -v why="not graded (grader stopped, status $code)" -f "$root/tools/report.awk" </dev/null)
        printf '%s\n' "[$n of $total] $student: NOT GRADED (status $code after ${seconds} s; see $sdir/grade.log)"
    fi
    if [ -n "$only" ]; then
        rows=$(printf '%s' "$rows" | row=$row student=$student awk -v mode=regrade -f "$root/tools/report.awk")
        rows="$rows
"
        # The new row is in the gradebook: the old reports have no row now.
        write_gradebook && { gone=$kept kept=""; [ -z "$gone" ] || rm -rf "$gone"; }
    else
        rows="$rows$row
"
        write_gradebook
    fi
    IFS='
'
done
unset IFS
write_gradebook
if [ -n "$incomplete" ]; then
    printf '%s\n' "Chapter files missing: the report says what each folder holds instead (a folder one level deeper, a file renamed by the download):$incomplete"
fi
if [ -n "$only" ]; then
    printf '%s\n' "Regraded $only in $(($(date +%s) - started)) s: its row of $out/gradebook.csv replaced, the others kept"
else
    noun=students
    [ "$n" -ne 1 ] || noun=student
    printf '%s\n' "Graded $n $noun in $(($(date +%s) - started)) s: $out/gradebook.csv"
fi
[ "$failed" -eq 0 ]
