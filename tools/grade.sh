#!/bin/sh
# grade.sh [OPTIONS] EXERCISES-DIR [CHAPTER]: grades exercise files with the
# Check suites.
#
#   tools/grade.sh exercises          every chapter of your exercises
#   tools/grade.sh solutions 01       chapter 1 of the reference solutions
#
# Options (make grade, make hint and tools/grade-class.sh use them):
#   --json FILE          also write FILE in Gradescope's results.json format
#   --tap FILE           also write a TAP log, one test point per exercise
#   --report FILE        also write the terminal report to FILE
#   --results FILE       also write the merged results table (TSV, see below)
#   --hidden-tests DIR   instructor-only suites DIR/NN-topic*.c, graded
#                        against the same exercise files; all hidden
#   --time-limit SEC     grade for at most SEC seconds in all; chapters not
#                        reached by then score 0 ("time-limit")
#   --hint               print only the hint of the first failing exercise
#   --hint-for EXERCISE  print only EXERCISE's status and hint (its NAME or a
#                        function it asks for; NN/NAME when two chapters
#                        have an exercise of that name)
#   --exercise EXERCISE  the same, with EXERCISE's verdict as the exit status
#                        (make check EX=NAME)
#   --quiet              print only Check's summary lines (GRADE_QUIET=1)
#   --prepare            check the settings and build the course's side
#                        (with the hidden suites), then stop: nothing is
#                        graded
#   --sandbox            run the submission's tests in a bubblewrap sandbox
#                        (make grade, make grade-class; see run_suite below);
#                        refused where bwrap cannot run, unless
#                        GRADE_UNSANDBOXED=1
#
# For each chapter with a suite in tests/, only the student's NN-topic.c is
# copied into a scratch folder under build/grade/; make builds the test
# programs there (tools/grade.mk, which also refuses what a submission may
# not do), and this script runs them and reports. Names, points, hints and
# sections come from a listing of the suite linked with the reference
# solution; the student's run contributes only pass/fail and the
# diagnostic. A chapter that does not compile scores 0 with the compiler's
# message, and the others are still graded. Prints a score table per
# chapter, the first failing exercise with its diagnostic and hint, and
# Check's summary lines; exit status 0 only when every graded test passed
# (2 on bad usage, or when the grader's own make failed before compiling a
# file; 3 when the course's own files changed while a submission ran).
#
# A submission's tests run in the scratch folder, in a process group that
# is killed when they end, under time limits (README.md, "Grading untrusted
# code").
#
# Environment: GRADE_CFLAGS adds compiler flags (the self-test's
# sanitizers; everything is then built again with them, in build/cflags-KEY);
# GRADE_QUIET=1 is --quiet; HIDDEN_VISIBILITY is the results.json visibility
# of hidden tests (after_published by default, or hidden);
# CK_TIMEOUT_MULTIPLIER scales Check's per-test timeout; MAKE is the make to
# run.
set -u
# (Each process costs milliseconds on a small VM, and the self-test grades
# hundreds of mutants: what the shell can do itself, it does.)
case "$0" in */*) root=${0%/*}/.. ;; *) root=.. ;; esac
root=$(cd "$root" && pwd)
cd "$root" || exit 2

usage() {
    echo "usage: tools/grade.sh [--json F] [--tap F] [--report F] [--results F] [--hidden-tests DIR]" >&2
    echo "                      [--time-limit SEC] [--hint | --hint-for EXERCISE] [--quiet] EXERCISES-DIR [CHAPTER]" >&2
    exit 2
}

json="" tap="" report="" results_out="" hidden_dir="" limit="" hint="" strict=0 quiet=${GRADE_QUIET:-0}
sandbox=0
mode=report
while [ $# -gt 0 ]; do
    case "$1" in
        --json) json=${2:?}; shift 2 ;;
        --tap) tap=${2:?}; shift 2 ;;
        --report) report=${2:?}; shift 2 ;;
        --results) results_out=${2:?}; shift 2 ;;
        --hidden-tests) hidden_dir=${2:?}; shift 2 ;;
        --time-limit) limit=${2:?}; shift 2 ;;
        --hint) mode=hint; shift ;;
        --hint-for) mode=hint; hint=${2:?}; shift 2 ;;
        --exercise) mode=hint; hint=${2:?}; strict=1; shift 2 ;;
        --quiet) quiet=1; shift ;;
        --sandbox) sandbox=1; shift ;;
        --prepare) mode=prepare; shift ;;
        --) shift; break ;;
        -*) usage ;;
        *) break ;;
    esac
done
[ $# -ge 1 ] && [ $# -le 2 ] || usage
exercises=$1
only=${2:-}

if [ ! -d "$exercises" ]; then
    printf '%s\n' "grade: $exercises is not a directory (the folder of exercise files to grade)" >&2
    exit 2
fi
# A path with a control character in it (a newline would split the
# sandbox's list of folders to hide, and hide the wrong ones) is refused.
if [ "$sandbox" = 1 ]; then
    ex_path=$(cd "$exercises" && pwd)
    [ "$(printf '%s' "$ex_path" | LC_ALL=C tr -d '\001-\037\177')" = "$ex_path" ] || {
        printf '%s\n' "grade: the path of $(printf '%s' "$exercises" | LC_ALL=C tr '\001-\037\177' '[?*]') holds a control character (shown as ?): rename its folders to grade it" >&2
        exit 2
    }
fi
case "$only" in
    ''|[0-9][0-9]) ;;
    [0-9]) only=0$only ;;
    *) echo "grade: CH=$only: expected a chapter number such as 01" >&2; exit 2 ;;
esac
# (A leading 0 is refused too: the shell's arithmetic would read 08 as a
# bad octal number, and 0 or 00 as no time at all.)
case "$limit" in
    ''|*[!0-9]*|0*) [ -z "$limit" ] || { echo "grade: --time-limit $limit: expected whole seconds" >&2; exit 2; } ;;
esac
if [ -n "$hidden_dir" ] && [ ! -d "$hidden_dir" ]; then
    echo "grade: HIDDEN_TESTS=$hidden_dir is not a directory" >&2
    exit 2
fi
case "${HIDDEN_VISIBILITY:=after_published}" in
    hidden|after_published|after_due_date) ;;
    *) echo "grade: HIDDEN_VISIBILITY=$HIDDEN_VISIBILITY: expected hidden, after_published or after_due_date" >&2; exit 2 ;;
esac

# The clock is read only when a time limit or results.json needs it.
start=""
[ -n "$limit$json" ] && start=$(date +%s)

# Every graded chapter, one per suite tests/NN-topic.c (a glob lists them
# sorted), and the chapters to grade: all of them, or chapter $only.
suites="" stems=""
for suite in tests/[0-9][0-9]-*.c; do
    [ -f "$suite" ] || continue
    s=${suite#tests/} s=${s%.c}
    suites="$suites $s"
    [ -z "$only" ] || [ "${s%%-*}" = "$only" ] && stems="$stems${stems:+ }$s"
done
if [ -z "$stems" ]; then
    if [ -n "$only" ] && [ -n "$suites" ]; then
        echo "grade: CH=$only: there is no chapter $only; the chapters are$(for s in $suites; do printf ' %s' "${s%%-*}"; done)" >&2
    else
        echo "grade: no graded chapter in tests/" >&2
    fi
    exit 2
fi
# Every file of the hidden tests' folder named like a suite (NN-...c) is
# a chapter's suite, named as tests/ names them: one named otherwise
# (01-gradient-descent-hidden.c) would be left out without a word, and the
# students graded without it. Other .c files are a suite's own helpers
# (#include "common.c"), and at least one suite must be there.
if [ -n "$hidden_dir" ]; then
    hv_suites=0 hv_stray=""
    for hv_file in "$hidden_dir"/[0-9][0-9]-*.c; do
        [ -e "$hv_file" ] || continue
        hv_name=${hv_file##*/} hv_name=${hv_name%.c} hv_ok=0
        for s in $suites; do case "$hv_name" in "$s"|"$s".*) hv_ok=1 ;; esac; done
        if [ "$hv_ok" = 1 ]; then hv_suites=$((hv_suites + 1)); else hv_stray="$hv_stray ${hv_file##*/}"; fi
    done
    hv_names="NN-topic.c or NN-topic.NAME.c, NN-topic one of$suites"
    if [ -n "$hv_stray" ]; then
        printf '%s\n' "grade: HIDDEN_TESTS=$hidden_dir:$hv_stray: not a chapter's suite (a hidden suite is named $hv_names)" >&2
        exit 2
    elif [ "$hv_suites" = 0 ]; then
        printf '%s\n' "grade: HIDDEN_TESTS=$hidden_dir holds no suite (a hidden suite is named $hv_names)" >&2
        exit 2
    fi
fi
# The settings are good: what an earlier grading wrote goes, so that one
# that stops half-way leaves nothing to be taken for its own results.
for f in "$json" "$tap" "$report" "$results_out"; do
    [ -z "$f" ] || rm -f "$f"
done

# One scratch folder per exercises folder, set of flags and compiler (a CC
# given to make), so grading solutions, stubs and sanitizer builds never
# overwrite each other, and make check CC=clang after a make check shows
# clang's own warnings, not those kept from GCC's compile. Named
# by a SHA-256, not a CRC: a folder name made to share another student's
# CRC would share that student's scratch folder, and read their files.
key_of() { set -- $(printf '%s' "$1" | sha256sum); echo "$1"; }
work=build/grade/$(key_of "$(cd "$exercises" && pwd) ${GRADE_CFLAGS:-}${CC:+ CC=$CC}")
objs=build
[ -n "${GRADE_CFLAGS:-}" ] && objs=build/cflags-$(key_of "$GRADE_CFLAGS")
hidden_key=""
mkdir -p "$work"
if [ -n "$hidden_dir" ]; then
    hidden_dir=$(cd "$hidden_dir" && pwd)
    hidden_key=$(key_of "$hidden_dir")
    # Make reads the hidden suites through a link whose name has no spaces.
    mkdir -p "$objs/grade/hidden-$hidden_key"
    [ -e "$objs/grade/hidden-$hidden_key/src" ] || ln -s "$hidden_dir" "$objs/grade/hidden-$hidden_key/src" 2>/dev/null
fi
# One grader at a time per scratch folder (make watch and make check on the
# same files, say): the second waits for the first.
if command -v flock >/dev/null 2>&1; then
    exec 9>"$work/lock"
    flock -n 9 || {
        echo "grade: waiting for another grading of these files to end (make watch, or make check in another terminal)" >&2
        flock 9
    }
fi

# The Check environment is the grader's to set: selecting tests would
# leave exercises unrun, and stray log settings would write elsewhere.
unset CK_RUN_SUITE CK_RUN_CASE CK_INCLUDE_TAGS CK_EXCLUDE_TAGS CK_FORK \
      CK_VERBOSITY CK_LOG_FILE_NAME CK_XML_LOG_FILE_NAME CK_TAP_LOG_FILE_NAME \
      CK_DEFAULT_TIMEOUT

# --------------------------------------------------------------- helpers

# Seconds left before the time limit (a large number without one).
remaining() {
    if [ -z "$limit" ]; then echo 100000; return; fi
    # (A Ctrl-C that stops date leaves no time: a number all the same,
    # where "[: Illegal number" was printed as the grading stopped.)
    now=$(date +%s)
    echo $((start + limit - ${now:-$start}))
}

# run_limited SIGNAL SECONDS LOG DIR COMMAND...: runs COMMAND in DIR, in its
# own process group (timeout makes one), with no input, output to LOG;
# sends SIGNAL after SECONDS (make cleans up after TERM; a test gets KILL),
# and kills the whole group when it ends, so nothing it started survives it.
running=""
run_limited() {
    rl_signal=$1 rl_seconds=$2 rl_log=$3 rl_dir=$4
    shift 4
    [ "$rl_seconds" -gt 0 ] || return 124
    (cd "$rl_dir" && exec timeout -s "$rl_signal" -k 5 "$rl_seconds" "$@") >"$rl_log" 2>&1 </dev/null 9>&- &
    running=$!
    # (dash says "Killed" on its standard error when a job it waits for
    # dies of SIGKILL: the report's first line, above the table.)
    wait "$running" 2>/dev/null
    rl_code=$?
    kill -s KILL -- "-$running" 2>/dev/null
    running=""
    return $rl_code
}
interrupted() {
    if [ -n "$running" ]; then
        # TERM first, so that a make removes the file it was writing; a
        # second later, KILL what is left (a test that ignores TERM).
        kill -s TERM -- "-$running" 2>/dev/null
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            kill -s 0 -- "-$running" 2>/dev/null || break
            sleep 0.1
        done
        kill -s KILL -- "-$running" 2>/dev/null
    fi
    exit 130
}
trap interrupted INT TERM HUP

# Processes. The kernel's limit on them (RLIMIT_NPROC) counts every
# process of the user who runs them, and does not hold for root; so a
# grader running as root runs the sandbox as the user nobody (65534), whose
# processes it counts, and any other grader as itself. The submission may
# add SANDBOX_PROCS processes to those: a fork bomb stops there.
SANDBOX_PROCS=128
as_sandbox_user="" sb_as_pid1=""
[ "$sandbox" = 1 ] && [ "$(id -u)" = 0 ] && as_sandbox_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
processes_of() { cat /proc/[0-9]*/status 2>/dev/null | awk -v u="$1" '$1 == "Uid:" && $2 == u { n++ } END { print n + 0 }'; }

# bwrap_runs COMMAND...: whether COMMAND (a bwrap without its `-- true`)
# runs here. Without the lock on fd 9, and killed after 10 s: a probe
# stopped while it started (Ctrl-C) left its inner bwrap, process 1 of a
# namespace of its own and deaf to all but KILL, holding the lock for
# good, and every later grading of these files waited for it.
bwrap_runs() { timeout -s KILL 10 "$@" -- true 2>/dev/null 8>&- 9>&-; }

# Whether the sandbox can run here (it needs bwrap and namespaces). Where
# only root may make namespaces, it runs as root, without the process
# limit, and says so.
if [ "$sandbox" = 1 ] && [ -n "$as_sandbox_user" ] &&
   ! bwrap_runs $as_sandbox_user bwrap --ro-bind / / --unshare-all --die-with-parent; then
    echo "grade: the sandbox runs as root here (nobody may not make namespaces): no limit on the submission's processes" >&2
    as_sandbox_user=""
fi
if [ "$sandbox" = 1 ] && ! bwrap_runs bwrap --ro-bind / / --unshare-all --die-with-parent; then
    if [ "${GRADE_UNSANDBOXED:-}" = 1 ]; then
        echo "grade: no sandbox here (bwrap cannot run); GRADE_UNSANDBOXED=1: the submission's tests run with your permissions" >&2
        sandbox=0
    else
        echo "grade: the sandbox cannot run here (install bubblewrap; it needs user namespaces): nothing graded. GRADE_UNSANDBOXED=1 grades without it, running the submission's code with your permissions" >&2
        exit 2
    fi
fi
# A bound on the private /tmp needs bubblewrap 0.7 (--size); an older one
# gets an unbounded /tmp, as before it was given one.
sb_tmp_size=""
[ "$sandbox" = 1 ] && bwrap_runs $as_sandbox_user bwrap --ro-bind / / --size 1048576 --tmpfs /tmp --unshare-all \
    --die-with-parent && sb_tmp_size="--size 67108864"

# The folders the reports are written to, and for grade-class's (marked
# .grade-class-report) the class's report folder above them.
report_folders() {
    for rf_file in ${report:+"$report"} ${json:+"$json"} ${tap:+"$tap"} ${results_out:+"$results_out"}; do
        rf_dir=$(cd "$(dirname "$rf_file")" 2>/dev/null && pwd) || continue
        printf '%s\n' "$rf_dir"
        [ -f "$rf_dir/.grade-class-report" ] && (cd "$rf_dir/.." && pwd)
    done
}

# sandboxed SIGNAL SECONDS LOG DIR COMMAND...: run_limited's run of
# COMMAND, inside bubblewrap (make grade, make grade-class): the whole
# system read-only; a private /tmp; the course's reports, the other
# submissions' scratch folders, the folders of submissions this one came
# from, where its reports go, the hidden tests' sources and home folders
# hidden (empty and read-only), but for the course itself and the
# folders listed in sb_show (in sight, read-only)
# and sb_write (writable), one a line; no network; its own process, IPC
# and host namespaces, all of it killed when the run ends
# (--die-with-parent, a PID namespace); an unprivileged user inside; at
# most 4 GB of memory, SANDBOX_PROCS processes more than its user had,
# sb_cpu seconds of processor time a process, and no core dump (a crash of
# a test holding gigabytes would write them).
sb_show="" sb_write="" sb_cpu=60
sandboxed() {
    sb_signal=$1 sb_seconds=$2 sb_log=$3 sb_dir=$4
    shift 4
    sb_words=$#
    # Hidden: the course's reports and scratch folders, home folders, the
    # hidden tests, the folder of submissions this one came from and the
    # one above it (a class of whole copies of the course: class/alice/
    # exercises), and where the reports go (with a class's gradebook and
    # the other students' reports, for grade-class's). Not / (everything),
    # the course itself or one of its own folders (OUT=build, or a class
    # kept in build/: the compile needs build/), nor /tmp, made private
    # below. A folder inside another hidden one is hidden with it, but for
    # those in the course: the course is put back in sight after the
    # folders that hold it (/home, when the course is someone's) are
    # hidden, and then they are hidden in it. So the ones outside the
    # course come first (1).
    sb_class=$(cd "$exercises/.." && pwd)
    sb_hidden=$({ printf '%s\n' "$root/build/reports" "$root/build/grade" /home /root \
                      ${hidden_dir:+"$hidden_dir"} "$sb_class" "$(cd "$sb_class/.." && pwd)"
                  report_folders; } |
        while IFS= read -r sb_hide; do
            case "$sb_hide" in
                / | /tmp | "$root" | "$root/build" | "$root/chapters" | "$root/exercises" | "$root/lib" | \
                    "$root/plots" | "$root/solutions" | "$root/tests" | "$root/tools") continue ;;
            esac
            [ -d "$sb_hide" ] && printf '%s\n' "$sb_hide"
        done |
        awk -v root="$root/" 'function ours(d) { return index(d "/", root) == 1 }
            NF { d[++n] = $0 }
            END { for (i = 1; i <= n; i++) { inside = 0
                      for (j = 1; j <= n; j++)
                          if (j != i && index(d[i], d[j] "/") == 1 && ours(d[i]) == ours(d[j])) inside = 1
                      if (!inside) print (ours(d[i]) ? 2 : 1) " " d[i] } }' |
        sort -k1,1n -s | cut -d ' ' -f 2-)
    # The options go after the command, which is then moved behind them.
    # A private /tmp of 64 MB where bubblewrap can bound it (a tmpfs is
    # memory, which prlimit's --as does not count: unbounded, a test could
    # fill half the machine's).
    # shellcheck disable=SC2086  # --size and its value, or nothing
    set -- "$@" --ro-bind / / --dev /dev --proc /proc $sb_tmp_size --tmpfs /tmp
    sb_old_ifs=$IFS IFS='
'
    # The folders outside the course, then the course in sight, read-only
    # (even under /tmp or /home), then the folders in it.
    sb_course_shown=0
    for sb_hide in $sb_hidden; do
        case "$sb_hide/" in
            "$root"/*)
                [ "$sb_course_shown" = 1 ] || set -- "$@" --ro-bind "$root" "$root"
                sb_course_shown=1 ;;
        esac
        set -- "$@" --tmpfs "$sb_hide"
    done
    [ "$sb_course_shown" = 1 ] || set -- "$@" --ro-bind "$root" "$root"
    for sb_keep in $sb_show; do set -- "$@" --ro-bind "$sb_keep" "$sb_keep"; done
    for sb_keep in $sb_write; do set -- "$@" --bind "$sb_keep" "$sb_keep"; done
    for sb_hide in $sb_hidden; do set -- "$@" --remount-ro "$sb_hide"; done
    IFS=$sb_old_ifs
    set -- "$@" --chdir "$sb_dir" --unshare-all --die-with-parent --new-session $sb_as_pid1 \
        --uid 65534 --gid 65534 --
    while [ "$sb_words" -gt 0 ]; do set -- "$@" "$1"; shift; sb_words=$((sb_words - 1)); done
    sb_uid=$(id -u)
    [ -n "$as_sandbox_user" ] && sb_uid=65534
    sb_procs=$(($(processes_of "$sb_uid") + SANDBOX_PROCS))
    # (Past the soft limit a process is sent SIGXCPU, which the tests'
    # report names; a second later, SIGKILL.)
    # shellcheck disable=SC2086  # the setpriv command, one word each
    run_limited "$sb_signal" "$sb_seconds" "$sb_log" "$sb_dir" \
        prlimit --as=4000000000 --nproc="$sb_procs" --cpu="$sb_cpu:$((sb_cpu + 1))" --core=0 $as_sandbox_user bwrap "$@"
}

# run_suite SECONDS LOG TESTS RESULT: runs the test program TESTS, which
# writes its results to RESULT (relative to $work) through a descriptor
# opened here (grading_main's /dev/fd/3, which no test's process keeps),
# under the time limit. Without --sandbox it runs in $work, as make check
# always does. With it, it runs in a fresh writable folder $work/run of its
# own, the only one it may write, with $work in sight, read-only
# (sandboxed); there the harness keeps each test from starting processes
# or signalling others (GRADING_SANDBOX=1, tests/grading.c), and a
# process may use the time of a test's timeout in processor time.
run_suite() {
    rs_seconds=$1 rs_log=$2 rs_tests=$3 rs_result=$4
    if [ "$sandbox" = 0 ]; then
        run_limited KILL "$rs_seconds" "$rs_log" "$work" "$rs_tests" /dev/fd/3 3>"$work/$rs_result"
        rs_code=$?
        keep_printed "$work" "${rs_result%.tsv}"
        return $rs_code
    fi
    rs_run=$root/$work/run
    rm -rf "$rs_run" && mkdir -p "$rs_run" && chmod 777 "$rs_run" || return 1
    # The witness names what the sandbox refuses (tests/sandbox-witness.c;
    # in build/lib/, which stays in sight); not beside a sanitizer's
    # runtime, which must be loaded first.
    rs_witness=$root/${GRADE_BUILD:-build}/lib/sandbox-witness.so
    set -- GRADING_SANDBOX=1
    # (Made here, writable by the sandbox's user: a test may make no file.)
    [ -f "$rs_witness" ] && [ -z "${GRADE_CFLAGS:-}" ] &&
        : >"$rs_run/.refused" && chmod 666 "$rs_run/.refused" &&
        set -- "$@" LD_PRELOAD="$rs_witness" SANDBOX_WITNESS="$rs_run/.refused"
    sb_show="$root/$work" sb_write="$rs_run"
    # (3 s: tests/grading.c's TEST_TIMEOUT_SECONDS, which Check scales.)
    sb_cpu=$(awk -v m="${CK_TIMEOUT_MULTIPLIER:-1}" 'BEGIN { s = 3 * m; print (s == int(s) ? s : int(s) + 1) + 1 }')
    # The test program is the sandbox's first process (--as-pid-1), not a
    # child of bubblewrap's: bubblewrap's would hold the runner's output
    # open where a test running as the same user could reopen it
    # (/proc/1/fd/1) and write a summary line of its own; the test program
    # is not dumpable, so its descriptors are out of the tests' reach. And
    # when it ends, every process left in the sandbox ends with it.
    sb_as_pid1=--as-pid-1
    sandboxed KILL "$rs_seconds" "$rs_log" "$rs_run" env "$@" "$rs_tests" /dev/fd/3 3>"$work/$rs_result"
    rs_code=$?
    sb_as_pid1=""
    # What the witness saw: text from the submission's side, so only a
    # regular file, its first 64 kB, the first ten distinct lines, each cut
    # to 200 characters.
    if [ -f "$rs_run/.refused" ] && [ ! -L "$rs_run/.refused" ]; then
        # (a line cut by the 64 kB is left out)
        head -c 65536 "$rs_run/.refused" | awk -v whole="$(($(wc -c <"$rs_run/.refused") <= 65536))" '
            NR > 1 { print previous } { previous = substr($0, 1, 200) }
            END { if (NR && whole) print previous }' |
            awk '!seen[$0]++' | head -n 10 >"$work/${rs_result%.tsv}.refused"
    fi
    keep_printed "$rs_run" "${rs_result%.tsv}"
    rm -rf "$rs_run"
    return $rs_code
}

# keep_printed DIR BASE: what the tests printed (tests/grading.c writes
# DIR/output-I-PID.txt, I the exercise's index in the chapter), for the
# report to show beside a failure: the first 4 kB of each regular file,
# gathered by exercise into $work/BASE.printed-I. (printf is how a
# beginner debugs; what it printed must not vanish.) DIR is the tests'
# to write: only names of that form, I and PID in digits, are read (I
# becomes part of a file name here), and no more files than a chapter has
# tests, with room to spare (this runs outside the time limit).
keep_printed() {
    rm -f "$work/$2".printed-*
    # (Most tests print nothing: then no process is started here.)
    kp_any=0
    for kp_file in "$1"/output-*.txt; do
        [ -s "$kp_file" ] && { kp_any=1; break; }
    done
    [ "$kp_any" = 1 ] || return 0
    # (In the order the tests ran: by index, then process id, as numbers;
    # a glob puts pid 10 before pid 2.)
    (cd "$1" && ls -f) 2>/dev/null | LC_ALL=C grep -E '^output-[0-9]+-[0-9]+\.txt$' |
        sort -t - -k 2,2n -k 3,3n | head -n 1000 |
        while IFS= read -r kp_name; do
            kp_file=$1/$kp_name
            [ ! -L "$kp_file" ] && [ -f "$kp_file" ] && [ -s "$kp_file" ] || continue
            kp_index=${kp_name#output-}
            kp_index=${kp_index%%-*}
            head -c 4096 "$kp_file" >>"$work/$2.printed-$kp_index"
            # (Each test's size, so that the report can say what was cut:
            # it counted the lines kept as all there were.)
            wc -c <"$kp_file" >>"$work/$2.printed-$kp_index.bytes"
        done
}

# What make needs to know about this grading (GRADE_CFLAGS, if set, it
# finds in the environment).
make_args="-s --no-print-directory GRADE_BUILD=$objs HIDDEN_KEY=$hidden_key"

# The course's own files, which must not change while a submission runs:
# its sources, and what the grading reads of its build (the listings'
# names and points, the objects and archives a submission is linked with),
# which a submission graded without the sandbox could otherwise rewrite for
# the students after it. Each file's identity and times, not its bytes:
# any write to a file, or a new file in its place, sets its change time
# (ctime) to the clock's, which only root can move, so a change cannot
# hide even when it puts the same bytes back; and reading a few names is
# instant where hashing the archives took a tenth of each grading.
course_sum() {
    stat -c '%n %d:%i %s %.9Y %.9Z' tests/*.c tests/*.h tools/*.sh tools/*.awk tools/*.mk tools/*.jq solutions/*.c exercises/*.h \
        lib/*.c lib/*.h Makefile ${hidden_dir:+"$hidden_dir"/*.c} \
        "$objs"/grade/list/*.tsv "$objs"/grade/list/*.keep "$objs"/obj/tests/*.o "$objs"/lib/*.a \
        ${hidden_key:+"$objs/grade/hidden-$hidden_key"/*.tsv} 2>/dev/null
}

# The folder of the student's files: the folder itself or, in a whole copy
# of the course (an LMS upload of a student's repository), its exercises/.
# Only regular files are taken from it, and exercises/ only as a folder: a
# symbolic link (which git keeps) could lead to the course's solutions/ or
# to another student's work.
# (A glob that matches nothing stays as written, and names no file.)
has_exercise_files() {
    for f in "$1"/[0-9][0-9]-*.c; do [ -e "$f" ] || [ -L "$f" ] && return 0; done
    return 1
}
files_dir=$exercises
if ! has_exercise_files "$exercises" && [ -d "$exercises/exercises" ] &&
   [ ! -L "$exercises/exercises" ]; then
    files_dir=$exercises/exercises
fi
# (printf, not dash's echo, which would read a \t in the folder's name)
source_of() { printf '%s/%s.c\n' "$files_dir" "$1"; }

# For a missing chapter file, what the folder holds instead, so that the
# student (or the instructor judging a regrade) sees it: its other .c
# files, which are not graded because of their names (01_gradient_descent.c,
# "02-gradient-accumulation (1).c"), up to three; or, when it has none, a
# folder below holding the file: exercises/ first (a whole copy of the
# course, unpacked one level down), then any other ("hw2/", a zip's own
# folder), but never a copy's tests/ or solutions/, whose files have the
# same names. Printed as "; ..." to follow the message.
near_misses() {
    nm_list=$(find "$files_dir" -maxdepth 1 -type f -name '*.c' 2>/dev/null | LC_ALL=C sort |
        while IFS= read -r nm_file; do
            nm_base=${nm_file##*/}
            case " $suites " in *" ${nm_base%.c} "*) continue ;; esac
            printf '%s\n' "$nm_base"
        done)
    if [ -n "$nm_list" ]; then
        printf '%s\n' "$nm_list" | awk 'NR <= 3 { s = s (NR > 1 ? ", " : "") $0 } END {
            more = (NR > 3) ? " and " (NR - 3) " more" : ""
            printf "; the folder has %s%s, which are not graded: only files named exactly NN-topic.c are", s, more }'
        return
    fi
    nm_deeper=$(find "$files_dir" -mindepth 2 -maxdepth 4 -type f -path "*/exercises/$stem.c" 2>/dev/null | LC_ALL=C sort | head -n 1)
    [ -n "$nm_deeper" ] ||
        nm_deeper=$(cd "$files_dir" >/dev/null 2>&1 &&
                        find . -mindepth 2 -maxdepth 4 -type f -name "$stem.c" ! -path '*/tests/*' ! -path '*/solutions/*' |
                        LC_ALL=C sort | head -n 1)
    # (found from inside the folder, whose own name may hold a * or a [
    # that -path would read as a pattern)
    case $nm_deeper in ./*) nm_deeper=$files_dir/${nm_deeper#./} ;; esac
    [ -z "$nm_deeper" ] || printf '; %s is there: grade its folder, %s' "$nm_deeper" "${nm_deeper%/*}"
}
regular_file() { [ -f "$1" ] && [ ! -L "$1" ]; }

# A chapter's file is some kilobytes (the largest solution, chapter 4's,
# 13 kB); a megabyte is room for every comment and printf a student adds.
max_source_bytes=1048576
too_large() { [ "$(stat -c %s -- "$1" 2>/dev/null || echo 0)" -gt "$max_source_bytes" ]; }

# Text that came from a submission (compiler messages quote its lines; a
# test's message can hold what its code printed) is shown as text: control
# characters, which could repaint a terminal with a fake report, are
# dropped (tab and newline stay), and so are bytes that are not UTF-8,
# then the C1 controls UTF-8 spells as C2 80 to C2 9F (U+009B is CSI,
# the escape sequence's start, to VTE and screen), and the marks that set
# the direction of text, U+202A to U+202E (E2 80 AA to AE) and U+2066 to
# U+2069 (E2 81 A6 to A9), with which a quoted line can show its text in
# another order than it has ("Trojan Source").
sanitize() {
    LC_ALL=C tr -d '\000-\010\013-\037\177' | iconv -c -f UTF-8 -t UTF-8 2>/dev/null |
        LC_ALL=C sed 's/\xc2[\x80-\x9f]//g; s/\xe2\x80[\xaa-\xae]//g; s/\xe2\x81[\xa6-\xa9]//g'
}

# compiler_lines N [PREFIX]: the first N lines of the compiler's words
# (stdin), each after PREFIX and cut to 500 bytes, "[...]" saying where.
# They quote the submission, whose macros can make one line of megabytes
# out of a few lines of source (a _Static_assert or #pragma message whose
# string a macro doubles 16 times: 6.7 MB), and the report quoted it all,
# in every chapter, results.json's output too. (An honest line, a path
# and a message, is some hundred bytes.)
compiler_lines() {
    awk -v n="$1" -v prefix="${2:-}" 'NR > n { exit }
        { print prefix (length($0) > 500 ? substr($0, 1, 500) " [...]" : $0) }'
}

# replace_text FROM TO [FROM TO]...: stdin to stdout with every FROM
# replaced by its TO, pair after pair, as plain text: a path may hold |, &
# or \, which sed (and awk's -v) would read as their own.
replace_text() {
    awk 'BEGIN { for (i = 1; i + 1 < ARGC; i += 2) { from[++n] = ARGV[i]; to[n] = ARGV[i + 1] }
                 ARGC = 1 }
        function swap(s, a, b,    i, out) {
            out = ""
            while (a != "" && (i = index(s, a)) > 0) { out = out substr(s, 1, i - 1) b; s = substr(s, i + length(a)) }
            return out s
        }
        { for (k = 1; k <= n; k++) $0 = swap($0, from[k], to[k]); print }' "$@"
}

# as_students STEM SOURCE: the compiler's words (stdin) with the scratch
# copy's path made the student's file's, SOURCE, and the scratch folder
# left out of other paths.
as_students() { replace_text "$work/$1.c" "$2" "$work/" ""; }

# write_file TARGET: stdin into TARGET through a temporary file of an
# unpredictable name beside it, renamed into place: whatever a submission
# left at TARGET (a FIFO, a link) is replaced, never opened. The file gets
# the mode the umask gives a new file (mktemp's is 0600: a teaching
# assistant in the instructor's group could not read the reports). A
# report that cannot be written ends the grading with status 2, naming
# it: on Gradescope a run without results.json is a failed run.
file_mode=$(printf '%o' $((0666 & ~0$(umask))))
write_file() {
    wf_tmp=$(mktemp "$1.XXXXXX" 2>/dev/null) &&
        cat >"$wf_tmp" && chmod "$file_mode" "$wf_tmp" && mv -f "$wf_tmp" "$1" && return 0
    [ -n "$wf_tmp" ] && rm -f "$wf_tmp"
    echo "grade: cannot write $1 (is its folder writable?): the grading is not saved" >&2
    exit 2
}

# merge TRUSTED RAW NOTE MESSAGE VISIBILITY: the trusted rows, with status
# and message from RAW (the student's run) or NOTE, earned points from the
# status; VISIBILITY "hidden" forces every row hidden. An 11th column is
# the lesson section's address in the book, build/book/STEM.html#ID, with
# the ID pandoc gives a heading: lower case, letters, digits and _-. kept,
# spaces made hyphens, nothing before the first letter (the self-test
# checks every section's address against the built book). MESSAGE holds a
# submission's text (the compiler quotes its lines, the message names its
# folder): it reaches awk through the environment, where escapes such as
# \n stay two characters (awk would read them in a -v value, and a row of
# the submission's own making would join the table), and a tab or newline
# in it becomes a space, and past 4 kB it is cut (the environment holds
# at most 128 kB in one string: past that awk did not start, and the
# chapter's rows were missing from the results, its points from the
# maximum, a report that said every exercise passed). An exercise the run
# never reported is "stopped", or "time-limit" when the grading's time
# limit ended the run (cut_short).
cut_short=0
merge() {
    mg_msg=$4
    [ ${#mg_msg} -le 4096 ] || mg_msg="$(printf '%s' "$mg_msg" | head -c 4096) [...]"
    note=$3 msg=$mg_msg force=$5 cut=$cut_short awk -F '\t' -v OFS='\t' -v limit="$limit" '
        BEGIN { note = ENVIRON["note"]; msg = ENVIRON["msg"]; force = ENVIRON["force"]; gsub(/[\t\n]/, " ", msg) }
        # (Lower case letter by letter: tolower follows the locale, and
        # under tr_TR it leaves the I of "Initialization" as it is.)
        function anchor(title,    id, i, k) {
            id = ""
            for (i = 1; i <= length(title); i++) {
                k = index("ABCDEFGHIJKLMNOPQRSTUVWXYZ", substr(title, i, 1))
                id = id (k ? substr("abcdefghijklmnopqrstuvwxyz", k, 1) : substr(title, i, 1))
            }
            gsub(/[^a-z0-9_. \t-]/, "", id); gsub(/[ \t]+/, "-", id); sub(/^[^a-z]+/, "", id)
            return id == "" ? "section" : id
        }
        FILENAME == ARGV[1] { if ($1 != "chapter") { status[$2] = $6; message[$2] = $7 } next }
        $1 == "chapter" { print; next }
        {
            if (note != "") { $6 = note; $7 = msg }
            else if ($2 in status) { $6 = status[$2]; $7 = message[$2] }
            else if (ENVIRON["cut"] == 1) { $6 = "time-limit"; $7 = "not finished: the submission'"'"'s time limit of " limit " s ran out while this chapter'"'"'s tests ran" }
            else { $6 = "stopped"; $7 = "the test program stopped before reporting this exercise (it was killed, or the code ended it)" }
            $4 = ($6 == "pass") ? $5 : 0
            if (force == "hidden") $10 = "hidden"
            $11 = ($8 == "") ? "" : "build/book/" $1 ".html#" anchor($8)
            print
        }' "$2" "$1"
}

# check_summary LOG: Check's summary line in a test program's output: a
# whole line, the last of that form.
check_summary() {
    awk '/^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+$/ { s = $0 } END { if (s != "") print s }' "$1"
}

# ---------------------------------------------------------------- building
# The course's side (listings, suites, solutions) first: a failure there is
# never a student's. Graders share it, so one builds it at a time; but
# each build tree is a course's side of its own, with a lock of its own: a
# grading waits for no rebuild of the sanitizers' tree (a minute), only
# for a build of the tree it uses.
# shellcheck disable=SC2086  # make_args and stems are meant to split
build_course() {
    command -v flock >/dev/null 2>&1 && flock 8
    "${MAKE:-make}" $make_args grader-course GRADE_CHAPTERS="$stems"
}
[ -d "$objs/grade" ] || mkdir -p "$objs/grade" || exit 2
if ! build_course >"$work/make.log" 2>&1 8>"$objs/grade/lock"; then
    echo "grade: the course's test suites do not build:" >&2
    # (A hidden suite is compiled through a link in the build tree: its
    # messages name the instructor's own file instead.)
    replace_text "$objs/grade/hidden-$hidden_key/src/" "${hidden_dir%/}/" <"$work/make.log" >&2
    # A header of exercises/ is the course's contract, which its tests and
    # programs are compiled against, not a file of the student's: one
    # edited to fit an answer (a double * made a float *) breaks the
    # course's own code, in files the student never opened. Where the
    # course is a clone, git says which header it is.
    for h in $(git -C "$root" diff --name-only HEAD -- 'exercises/*.h' 2>/dev/null); do
        echo "grade: $h is not the course's (git diff $h shows how): everything is compiled against it; put it back with  git checkout $h" >&2
    done
    exit 2
fi
# (--prepare: grade-class builds the course's side once, and stops on a
# failure there before any student's results are touched.)
[ "$mode" = prepare ] && exit 0
hidden_suites=""
[ -n "$hidden_dir" ] && hidden_suites=$(ls "$hidden_dir"/[0-9][0-9]-*.c 2>/dev/null | sort)

# The student's files, copied only when changed, so that make rebuilds
# nothing for a file that did not change; what was built from a file the
# folder no longer has goes (its copy and preprocessed text are in sight
# of the tests).
sum_before=$(course_sum)
files=""
for stem in $stems; do
    source=$(source_of "$stem")
    regular_file "$source" || { rm -f "$work/$stem".*; continue; }
    # (Too large a file is not copied at all: a file of gigabytes, or a
    # sparse one that claims them, filled the grader's disk here, outside
    # any sandbox, before anything could refuse it.)
    too_large "$source" && { rm -f "$work/$stem".*; continue; }
    # (Copied by cat, not cp, which gives a new copy the source's mode: a
    # read-only copy left here stops every later make of this user's. A
    # file that cannot be read loses its copy from an earlier grading.)
    cmp -s "$source" "$work/$stem.c" 2>/dev/null ||
        { cat "$source" >"$work/$stem.c.new" && mv -f "$work/$stem.c.new" "$work/$stem.c"; } 2>/dev/null ||
        { rm -f "$work/$stem".*; continue; }
    files="$files $stem"
done
# The student's side is built from the course's side as it stands
# (GRADE_SIDE=student), and with --sandbox inside the sandbox, writing only
# in $work: the compiler reads what an #include or an .incbin names with
# the permissions of the sandbox's user, so nothing hidden from the tests
# (other students' files, hidden suites, home folders) is in its reach
# either. Graded as root, $work is the sandbox user's.
if [ -n "$files" ]; then
    # Each step of building a file's tests writes STEM.log: with none left
    # from an earlier run, a file without tests and without a log is one
    # the make never reached, which is the grader's failure, not the
    # student's (see below).
    set --
    for stem in $files; do set -- "$@" "$work/$stem.log"; done
    rm -f "$@"
    # No file the build writes may pass 16 MB (a chapter's preprocessed
    # text is about 100 kB, its test program about 1.2 MB). A file that
    # includes itself twice has the preprocessor write without end, with
    # an error a line into the log: about 2.5 GB of both in its minute,
    # each file, each regrade; an initialised array of 60 MB made 60 MB
    # objects and programs that stay in the scratch folder. Past the limit
    # the compiler is stopped (SIGXFSZ), and the include check refuses
    # what it had written. Nor may a process of the build pass 1 GB of
    # memory (the compiler needs about 100 MB, clang with the sanitizers
    # too; an #include of /dev/zero took 2 GB in 5 s, and make runs as
    # many compilers at once as the machine has cores).
    # shellcheck disable=SC2086
    set -- prlimit --fsize=$((16 * 1024 * 1024)) --as=1000000000 --core=0 \
        "${MAKE:-make}" $make_args GRADE_DIR="$work" GRADE_SIDE=student -k grader-files GRADE_FILES="$files"
    if [ "$sandbox" = 1 ]; then
        [ -n "$as_sandbox_user" ] && chown -R 65534:65534 "$work"
        sb_show="$root/$objs/grade/list${hidden_key:+
$root/$objs/grade/hidden-$hidden_key}" sb_write="$root/$work"
        sandboxed TERM "$(remaining)" "$work/make.log" "$root" "$@"
        # The compile could write $work: nothing but files and folders stay
        # there for this script (root, perhaps) to write through: a link
        # would take a report elsewhere, a FIFO would hang it.
        find "$work" ! -type f ! -type d -delete 2>/dev/null
    else
        run_limited TERM "$(remaining)" "$work/make.log" . "$@"
    fi
fi

# ----------------------------------------------------------------- grading
merged=$work/results.tsv
: >"$merged.tmp"
summaries="" listings=""
for stem in $stems; do
    list=$objs/grade/list/$stem.tsv
    listings="$listings $list"
    source=$(source_of "$stem")
    rm -f "$work/$stem.tsv" "$work/$stem.out" "$work"/output-*.txt "$work/$stem.refused" "$work/$stem".printed-*
    note="" message=""
    if [ "$(remaining)" -le 0 ]; then
        note="time-limit"; message="not graded: the submission's time limit of $limit s was used up"
    elif [ -L "$source" ]; then
        note="missing"; message="$source is a symbolic link: only regular files are graded"
    elif [ -e "$source" ] && [ ! -f "$source" ]; then
        # (A folder of that name: "there is no" would send the student to
        # make reset, which refuses to write over it.)
        note="missing"; message="$source is $( [ -d "$source" ] && echo a folder || echo "not a regular file"): only regular files are graded"
    elif [ ! -f "$source" ]; then
        note="missing"; message="there is no $source"
        # A student's own folder can have the file back; a submission that
        # lacks it (make grade, --json) cannot.
        if [ -z "$json" ]; then
            where=""
            # (quoted to be typed back: each ' in the folder's name as '\'')
            [ "$exercises" = exercises ] ||
                where=" EXERCISES='$(printf '%s' "$exercises" | sed "s/'/'\\\\''/g")'"
            message="$message: make reset EX=${stem%%-*}$where writes a fresh copy of the stub"
        fi
        message="$message$(near_misses)"
    elif too_large "$source"; then
        note="refused"
        printf '%s\n' "error: the file holds $(stat -c %s -- "$source") bytes, and a chapter's file may hold at most $max_source_bytes (1 MB; the largest reference solution holds 13 kB)" >"$work/$stem.errors"
        message="$source is refused by the grader: $(sed 's/^error: //' "$work/$stem.errors")"
    elif [ ! -e "$work/$stem.c" ]; then
        note="missing"; message="$source cannot be read by the grader ($(id -un)): its permissions (ls -l) keep it out"
    elif [ ! -x "$work/$stem.tests" ] && [ ! -e "$work/$stem.log" ]; then
        # The make stopped before any step of this file (a makefile that
        # failed to parse, a part of the course's side missing): scoring
        # it 0 as "does not compile" would blame the student, with no
        # compiler message to show.
        printf '%s\n' "grade: the grader's make stopped before it compiled $source, so nothing was graded; it said:" >&2
        sed -n '1,5s/^/  | /p' "$work/make.log" >&2
        exit 2
    elif [ ! -x "$work/$stem.tests" ]; then
        note="compile"
        # The compiler's own words, with the scratch path replaced by the
        # student's.
        as_students "$stem" "$source" <"$work/$stem.log" >"$work/$stem.errors" 2>/dev/null
        first=$(grep -m 3 -i 'error' "$work/$stem.errors" | compiler_lines 3 | tr '\t' ' ' | tr '\n' ' ')
        [ -n "$first" ] || first=$(compiler_lines 3 <"$work/$stem.errors" | tr '\t' ' ' | tr '\n' ' ')
        message="$source does not compile: $first"
        # Two habits from Python and from math notation that C reads as
        # something else, and whose compiler messages do not say so: x ^ 2
        # (exclusive or, an error on a double) and x ** 2 (x times *2, an
        # error on a number). GCC's words and clang's, in English.
        if grep -A2 -e 'invalid operands to binary' "$work/$stem.errors" |
            grep -q -e 'binary ^' -e '[^~ ] *\^ *[0-9A-Za-z_(]'; then
            message="$message (in C, ^ is bitwise exclusive or, not a power: square a number as r * r, or use pow(r, 2) from math.h)"
        fi
        if grep -A2 -e 'invalid type argument of unary' -e 'indirection requires pointer operand' "$work/$stem.errors" |
            grep -q '[^*/ ] *\*\* *[0-9A-Za-z_(]'; then
            message="$message (C has no ** operator: x ** 2 reads as x * (*2), which follows a pointer; square a number as x * x, or use pow(x, 2) from math.h)"
        fi
        # Refused by the grader's own checks (tools/untrusted.awk and
        # untrusted-object.awk: "error: the file ..."), not by the
        # compiler: so said in the table, the gradebook and results.json,
        # where an instructor tells a cheat from a typo.
        if head -n 1 "$work/$stem.errors" | grep -q '^error: the \(file\|compiled file\) '; then
            note="refused"
            message="$source is refused by the grader: $(head -n 1 "$work/$stem.errors" | sed 's/^error: //' | tr '\t' ' ')"
        fi
        # A file that compiles but lacks a function the tests call fails
        # at the link, whose last words ("ld returned 1 exit status") say
        # nothing to a beginner: name the functions instead.
        undefined=$(sed -n "s/.*undefined reference to \`\([A-Za-z_][A-Za-z0-9_]*\)'.*/\1/p" "$work/$stem.errors" |
            sort -u | awk '{ printf "%s%s()", (NR > 1 ? ", " : ""), $0 }')
        [ -z "$undefined" ] ||
            message="$source does not define $undefined, which the tests call: is it missing, misspelt, or static?"
        # A header of the student's own beside the file ("myhelpers.h") is
        # not found: the grader compiles a copy of the exercise file alone.
        # The compiler's "No such file or directory" (GCC's words; clang's
        # are "'myhelpers.h' file not found") says nothing of that.
        own=$(sed -n -e 's/.*fatal error: \([^:]*\): No such file or directory.*/\1/p' \
                     -e "s/.*fatal error: '\([^']*\)' file not found.*/\1/p" "$work/$stem.errors" | head -n 1)
        [ -n "$own" ] && [ -f "$(dirname "$source")/$own" ] &&
            message="$source includes \"$own\", a file of yours beside it; the grader compiles $stem.c alone, without the files around it: put what $own holds in $stem.c"
    fi

    if [ -z "$note" ]; then
        t=$(remaining)
        [ "$t" -gt 300 ] && t=300
        run_suite "$t" "$work/$stem.out" "$root/$work/$stem.tests" "$stem.tsv"
        summary=$(check_summary "$work/$stem.out")
        [ -n "$limit" ] && [ "$(remaining)" -le 0 ] && [ -z "$summary" ] && cut_short=1
        summaries="$summaries$stem: ${summary:-stopped before its summary}
"
        [ -s "$work/$stem.tsv" ] || : >"$work/$stem.tsv"
        merge "$list" "$work/$stem.tsv" "" "" visible >>"$merged.tmp"
        cut_short=0
    else
        : >"$work/$stem.tsv"
        merge "$list" "$work/$stem.tsv" "$note" "$message" visible >>"$merged.tmp"
        summaries="$summaries$stem: not graded ($note)
"
    fi

    # The instructor's hidden suites of this chapter, if any.
    for hsuite in $hidden_suites; do
        h=$(basename "$hsuite" .c)
        case "$h" in "$stem"|"$stem".*) ;; *) continue ;; esac
        hnote=$note hmessage=$message
        raw=hidden-$hidden_key/$h.tsv
        listings="$listings $objs/grade/hidden-$hidden_key/$h.tsv"
        mkdir -p "$work/hidden-$hidden_key" && : >"$work/$raw"
        if [ -z "$hnote" ] && [ -x "$work/hidden-$hidden_key/$h.tests" ]; then
            t=$(remaining)
            [ "$t" -gt 300 ] && t=300
            # (Check's summary line stays out of the report: its counts
            # would tell the student how many hidden tests there are and
            # whether one crashed.)
            run_suite "$t" "$work/hidden-$hidden_key/$h.out" "$root/$work/hidden-$hidden_key/$h.tests" "$raw"
        elif [ -z "$hnote" ]; then
            hnote=compile hmessage="$source does not link with the hidden tests"
        fi
        # Hidden rows join their chapter: drop the listing's chapter line.
        merge "$objs/grade/hidden-$hidden_key/$h.tsv" "$work/$raw" "$hnote" "$hmessage" hidden |
            awk -F '\t' -v OFS='\t' -v stem="$stem" '$1 != "chapter" { $1 = stem; print }' >>"$merged.tmp"
    done
done
sanitize <"$merged.tmp" >"$merged" && rm -f "$merged.tmp"

# An exercise that fails because a function it calls fails says so: who
# calls whom comes from the student's compiled file (tools/follow-on.awk).
for stem in $stems; do
    [ -x "$work/$stem.tests" ] && [ -f "$work/$stem.plain.o" ] || continue
    objdump -dr "$work/$stem.plain.o" 2>/dev/null |
        awk -F '\t' -v stem="$stem" -f tools/follow-on.awk - "$merged" >"$merged.tmp" &&
        mv "$merged.tmp" "$merged"
done
sum_after=$(course_sum)
if [ "$sum_after" != "$sum_before" ]; then
    # Which files: their lines that differ, named once. A file saved
    # unchanged (an editor's "save all") changes its time alone, and a run
    # again is all it needs.
    changed=$(printf '%s\n%s\n' "$sum_before" "$sum_after" | LC_ALL=C sort | uniq -u |
        awk '!seen[$1]++ { printf "%s%s", (n++ ? ", " : ""), $1 }')
    git diff --quiet HEAD -- tests tools solutions exercises/*.h lib Makefile 2>/dev/null
    case "$?, $changed" in
        *", $objs/"*) fix="files the grader builds changed (another make in this folder?): make clean, then grade again" ;;
        0,*) fix="git shows no change in them (a file saved as it was?): grade again" ;;
        1,*) fix="restore them with git before grading again" ;;
        *) fix="restore them from a fresh copy of the course before grading again" ;;
    esac
    printf '%s\n' "grade: the course's own files changed while $exercises was graded: its results are void ($changed changed); $fix" >&2
    exit 3
fi
# Every exercise of the trusted listings has its row, or nothing is
# reported: a row missing takes its points out of the maximum too, and
# the report said every exercise passed, with status 0. (The listings'
# paths hold no space.)
# shellcheck disable=SC2086  # the listings, one word each
if ! awk -F '\t' -v merged="$merged" '$1 != "chapter" { if (FILENAME == merged) got++; else want++ }
                                      END { exit got != want }' $listings "$merged"; then
    printf '%s\n' "grade: the results of $exercises lack exercises of the tests' listings (the grader's failure, not the submission's): nothing is reported" >&2
    exit 2
fi
[ -n "$results_out" ] && write_file "$results_out" <"$merged"

status=0
awk -F '\t' '$1 != "chapter" && $6 != "pass" { bad = 1 } END { exit bad }' "$merged" || status=1

# Graded one chapter: the next one, "NN-topic<TAB>title" from its lesson's
# first heading, for the report to point to once this one is complete.
next_chapter=""
if [ -n "$only" ]; then
    next_stem="" this=""
    for s in $suites; do
        [ -n "$this" ] && { next_stem=$s; break; }
        [ "${s%%-*}" = "$only" ] && this=$s
    done
    [ -n "$next_stem" ] && next_chapter="$next_stem	$(sed -n '1s/^# *[0-9]*\.* *//p' "chapters/$next_stem.md" 2>/dev/null)"
fi
# warnings_of STEM: what the compiler warns about in STEM's file, if it
# compiled: an assignment in a condition or an unused variable is often
# the bug itself.
warnings_of() {
    [ -s "$work/$1.warnings" ] && [ -x "$work/$1.tests" ] || return 0
    wo_source=$(source_of "$1")
    printf '\nThe compiler warns about %s (a warning often points at the bug):\n' "$wo_source"
    as_students "$1" "$wo_source" <"$work/$1.warnings" >"$work/$1.warnings.txt"
    compiler_lines 20 '  | ' <"$work/$1.warnings.txt"
    wo_lines=$(wc -l <"$work/$1.warnings.txt")
    [ "$wo_lines" -gt 20 ] && echo "  | ... and $((wo_lines - 20)) more lines"
    return 0
}
if [ "$mode" = hint ]; then
    # (report.awk names the exercise's chapter in $work/hint.stem, whose
    # warnings follow)
    : >"$work/hint.stem"
    exdir=$files_dir printed=$work stem_out=$work/hint.stem \
        awk -F '\t' -v mode=hint -v ex="$hint" -v strict="$strict" -f tools/report.awk "$merged" >"$work/hint.txt"
    code=$?
    read -r hint_stem <"$work/hint.stem" && warnings_of "$hint_stem" >>"$work/hint.txt"
    sanitize <"$work/hint.txt"
    exit $code
fi
if [ "$quiet" = 1 ]; then
    printf '%s' "$summaries"
    exit $status
fi

out=$work/report.txt
{
    exdir=$files_dir printed=$work awk -F '\t' -v mode=table -v next_chapter="$next_chapter" -f tools/report.awk "$merged"
    for stem in $stems; do warnings_of "$stem"; done
    # What the sandbox refused each submission (make grade, grade-class).
    for stem in $stems; do
        [ -s "$work/$stem.refused" ] || continue
        printf '\nThe grading sandbox stopped what %s tried to do:\n' "$(source_of "$stem")"
        sed 's/^/  | /' "$work/$stem.refused"
        printf '(graded without a network, writing only the files it was given, with other students'"'"' files\nout of sight and at most %s more processes)\n' "$SANDBOX_PROCS"
    done
    # The compiler's own message for each chapter that does not compile.
    for stem in $stems; do
        grep -q "^$stem	[^	]*	[^	]*	[^	]*	[^	]*	\(compile\|refused\)	" "$merged" || continue
        if grep -q "^$stem	[^	]*	[^	]*	[^	]*	[^	]*	refused	" "$merged"; then
            printf '\n%s.c is refused by the grader, before it is compiled or run:\n' "$stem"
        elif grep -q 'undefined reference to' "$work/$stem.errors"; then
            printf '\n%s.c compiles, but the tests cannot be linked with it; the linker says:\n' "$stem"
        else
            printf '\n%s.c does not compile; the compiler says:\n' "$stem"
        fi
        compiler_lines 25 '  | ' <"$work/$stem.errors"
    done
    echo
    # Check's own lines stay (graders parse them), labelled for what they
    # count: test cases, which are not the points of the table above.
    echo "Check's summary per chapter (test cases passed, not points):"
    printf '%s' "$summaries"
} | sanitize >"$out"
cat "$out"
[ -n "$report" ] && write_file "$report" <"$out"
if [ -n "$json" ]; then
    elapsed=$(($(date +%s) - start))
    jq -R -s --rawfile output "$out" --argjson seconds "$elapsed" --arg hidden "$HIDDEN_VISIBILITY" \
        -f tools/results.jq "$merged" >"$work/results.json" && write_file "$json" <"$work/results.json"
fi
if [ -n "$tap" ]; then
    awk -F '\t' -v mode=tap -f tools/report.awk "$merged" >"$work/results.tap" && write_file "$tap" <"$work/results.tap"
fi
exit $status
