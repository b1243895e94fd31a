# tests/grading.sh: checks of the grading machinery itself (make grade,
# grade-class, hint, watch, reset, hidden tests, untrusted submissions).
# Sourced by tools/selftest.sh, which provides check, $scratch and
# $chapters. Submissions are made here, at test time, from solutions/ with
# tools/make-stub.awk and tools/mutate.awk; chapter 1's mutants (crash,
# infinite-loop, sign-error, does-not-compile, ...) stand in for students.

g=$scratch/grading
mkdir -p "$g"
ch1=01-gradient-descent
mutants1=tests/$ch1.mutants

# submission DIR [MUTANT...]: DIR gets every chapter's solution, chapter 1
# with the named mutants of tests/01-gradient-descent.mutants applied.
submission() {
    sdir=$1
    shift
    mkdir -p "$sdir"
    cp solutions/[0-9][0-9]-*.c "$sdir/" || return 1
    for m in "$@"; do
        awk -v spec="$mutants1" -v name="$m" -f tools/mutate.awk "$sdir/$ch1.c" >"$sdir/$ch1.tmp" &&
            mv "$sdir/$ch1.tmp" "$sdir/$ch1.c" || return 1
    done
}

# own_make DIR ARG...: make ARG... in DIR as a student's own make runs, not
# as one of the self-test's make's jobs (whose MAKELEVEL and jobserver it
# would inherit: make check's quiet failure and make's warnings differ).
own_make() {
    (cd "$1" && shift && env -u MAKELEVEL -u MAKEFLAGS -u MFLAGS make --no-print-directory -s "$@")
}

# grader_scratch DIR: the scratch folder tools/grade.sh grades the folder of
# exercise files DIR in, build/grade/KEY (KEY: the SHA-256 of DIR's
# absolute path and a space, with no GRADE_CFLAGS, then " CC=..." when CC
# is set).
grader_scratch() {
    echo "build/grade/$(printf '%s' "$(cd "$1" && pwd) ${CC:+ CC=$CC}" | sha256sum | cut -d' ' -f1)"
}

stubs_of() {
    mkdir -p "$1"
    for s in solutions/[0-9][0-9]-*.c; do
        awk -f tools/make-stub.awk "$s" >"$1/${s##*/}" || return 1
    done
}

# The trusted exercise table of chapter 1 (name, points), as the grader
# lists it from the pristine stub.
points_of() {
    awk -F '\t' -v name="$1" '$2 == name { print $5 }' build/grade/list/$ch1.tsv
}

# results_json_ok FILE [full]: FILE is a results.json of Gradescope's
# autograder specification (its fields, their types and values, and no
# other field), with what this course always writes (score, execution_time,
# output and tests at the top; name, number, score, max_score, status,
# output and visibility in every test); the score is the sum of the tests',
# each between 0 and its max_score and "passed" exactly when full. With
# "full", every test passed. Prints "ok: N tests, SCORE/MAX".
results_json_ok() {
    jq -r --arg full "${2:-}" '
        def must(ok; why): if ok then . else error(why) end;
        def fields($allowed; $required):
            must((keys - $allowed) == []; "unknown fields \(keys - $allowed)")
            | must(($required - keys) == []; "missing fields \($required - keys)");
        def is($t): type == $t;
        def format: IN("text", "html", "simple_format", "md", "ansi");
        def visibility: IN("hidden", "after_due_date", "after_published", "visible");
        must(is("object"); "the top level is not an object")
        | fields(["score", "execution_time", "output", "output_format", "test_output_format",
                  "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests",
                  "leaderboard"]; ["score", "execution_time", "output", "tests"])
        | must((.score | is("number")) and (.execution_time | is("number") and . >= 0)
               and (.output | is("string")) and (.tests | is("array") and length > 0)
               and ([.output_format, .test_output_format, .test_name_format | values | format] | all)
               and ([.visibility, .stdout_visibility | values | visibility] | all)
               and ((.extra_data // {}) | is("object")) and ((.leaderboard // []) | is("array"));
               "a top-level field has the wrong type or value")
        | .tests[] |= (must(is("object"); "a test is not an object")
            | fields(["score", "max_score", "status", "name", "name_format", "number", "output",
                      "output_format", "tags", "visibility", "extra_data"];
                     ["name", "number", "score", "max_score", "status", "output", "visibility"])
            | must(([.name, .number, .output] | map(is("string")) | all)
                   and (.score | is("number")) and (.max_score | is("number"))
                   and (.status | IN("passed", "failed")) and (.visibility | visibility)
                   and ([.name_format, .output_format | values | format] | all)
                   and ((.tags // []) | is("array") and all(is("string")))
                   and ((.extra_data // {}) | is("object")); "test \(.number) has a field of the wrong type or value")
            | must(.score >= 0 and .score <= .max_score and ((.status == "passed") == (.score == .max_score));
                   "test \(.number) is \(.status) with \(.score)/\(.max_score)")
            | must($full == "" or .status == "passed"; "test \(.number) did not pass"))
        | must(.score == (.tests | map(.score) | add); "the score is not the sum of the tests\u0027")
        | "ok: \(.tests | length) tests, \(.score)/\(.tests | map(.max_score) | add)"' "$1"
}

# tap_is_whole FILE: a plan 1..N first, then N numbered test points.
tap_is_whole() {
    awk '
        NR == 1 && $0 != "TAP version 13" { print "no TAP version line"; exit 1 }
        /^1\.\.[0-9]+$/ { plan = substr($0, 4) + 0 }
        /^(not )?ok [0-9]+ - / { n++; k = ($1 == "ok") ? $2 : $3; if (k != n) { print "test point " k " out of order"; exit 1 } }
        END { if (plan == 0 || plan != n) { print "plan " plan " for " n " test points"; exit 1 } }' "$1"
}

# ------------------------------------------------------------ make grade
grade_solutions_full_marks() {
    out=$g/solutions
    make --no-print-directory -s grade SUBMISSION=solutions OUT="$out" >"$g/solutions.out" 2>&1 ||
        { cat "$g/solutions.out"; return 1; }
    results_json_ok "$out/results.json" full || return 1
    tap_is_whole "$out/results.tap" || return 1
    ! grep -q '^not ok' "$out/results.tap" || { echo "a failing test point in the TAP log"; return 1; }
    grep -q 'Every exercise passes' "$out/report.txt" || return 1
    for c in $chapters; do
        grep -q "\"$c: " "$out/results.json" || { echo "no test of $c in results.json"; return 1; }
    done
}
check "make grade SUBMISSION=solutions: full marks in a valid results.json (Gradescope's fields), a whole TAP log" \
    grade_solutions_full_marks

# Without OUT, the reports go to build/reports/ and the submission
# folder's own name, even when a folder on its path has a space: make's
# abspath and notdir split the path there (the course cloned into
# "/home/ann/my course" put make grade SUBMISSION=solutions's reports in
# "build/reports/course solutions").
grade_names_the_report_folder() {
    sub="$g/class of 2027/selftest-ann"
    mkdir -p "$sub" && cp "solutions/$ch1.c" "$sub/" || return 1
    rm -rf build/reports/selftest-ann
    make --no-print-directory -s grade SUBMISSION="$sub" CH=01 >"$g/named.out" 2>&1 ||
        { cat "$g/named.out"; return 1; }
    [ -f build/reports/selftest-ann/results.json ] ||
        { echo "no build/reports/selftest-ann/results.json; build/reports holds:"; ls build/reports; return 1; }
    grep -qx 'Wrote build/reports/selftest-ann/results.json, results.tap and report.txt' "$g/named.out" ||
        { cat "$g/named.out"; return 1; }
    rm -rf build/reports/selftest-ann
}
check "make grade without OUT: the reports are in build/reports/NAME, NAME the submission's folder, even under a folder with a space" \
    grade_names_the_report_folder

grade_survives_a_compile_error() {
    submission "$g/broken" does-not-compile || return 1
    make --no-print-directory -s grade SUBMISSION="$g/broken" OUT="$g/broken-out" >"$g/broken.out" 2>&1
    [ $? -ne 0 ] || { echo "make grade passed a file that does not compile"; return 1; }
    # Run as an instructor runs it (a top-level make, grade its one goal),
    # a grading below full marks ends make quietly, with make check's 141:
    # make's "make: *** [...] Error 1" came after "Wrote ...", as if the
    # writing had failed.
    own_make . grade SUBMISSION="$g/broken" OUT="$g/broken-top" CH=01 >"$g/broken-top.out" 2>"$g/broken-top.err"
    status=$?
    [ "$status" -eq 141 ] && ! grep -q '^make: \*\*\*' "$g/broken-top.err" && grep -q '^Wrote ' "$g/broken-top.out" ||
        { echo "make grade below full marks: status $status"; cat "$g/broken-top.err"; return 1; }
    json=$g/broken-out/results.json
    results_json_ok "$json" || return 1
    tools/grade.sh --quiet --results "$g/broken.tsv" "$g/broken" >/dev/null
    awk -F '\t' -v ch="$ch1" '
        $1 == "chapter" { next }
        $1 == ch && ($4 != 0 || $6 != "compile" || $7 !~ /does not compile: .*error/) { print "chapter 1 row: " $0; bad = 1 }
        $1 != ch && $6 != "pass" { print "another chapter suffered: " $0; bad = 1 }
        END { exit bad }' "$g/broken.tsv" || return 1
    grep -q 'does not compile; the compiler says' "$g/broken-out/report.txt" || return 1
    grep -q 'error: expected' "$json" || { echo "results.json lacks the compiler's message"; return 1; }
    # The file is what to fix, not its first function; a file that
    # compiles but lacks a function fails at the link, and says so.
    grep -qx "First to fix: $g/broken/$ch1.c, before any exercise of chapter 01 can be graded" "$g/broken-out/report.txt" ||
        { echo "the report does not name the file to fix first:"; cat "$g/broken-out/report.txt"; return 1; }
    mkdir -p "$g/unlinked" &&
        awk -v spec="tests/$ch1.angles.mutants" -v name=mse-grad-under-another-name -f tools/mutate.awk \
            "solutions/$ch1.c" >"$g/unlinked/$ch1.c" || return 1
    tools/grade.sh "$g/unlinked" 01 >"$g/unlinked.out" 2>&1
    grep -q "^$ch1.c compiles, but the tests cannot be linked with it; the linker says:\$" "$g/unlinked.out" &&
        ! grep -q 'does not compile' "$g/unlinked.out" ||
        { echo "a link failure is reported as a compile error:"; cat "$g/unlinked.out"; return 1; }
    # A header of the student's own beside the file, which the grader's
    # copy cannot see, is named as that; a header that is nowhere keeps
    # the compiler's words.
    mkdir -p "$g/own-header" && printf 'static inline double sq(double v) { return v * v; }\n' >"$g/own-header/sq.h" &&
        { echo '#include "sq.h"'; cat "solutions/$ch1.c"; } >"$g/own-header/$ch1.c" || return 1
    tools/grade.sh "$g/own-header" 01 >"$g/own-header.out" 2>&1
    grep -qF "  $g/own-header/$ch1.c includes \"sq.h\", a file of yours beside it; the grader compiles $ch1.c alone, without the files around it: put what sq.h holds in $ch1.c" "$g/own-header.out" ||
        { echo "a header beside the file was not named as such:"; cat "$g/own-header.out"; return 1; }
    rm "$g/own-header/sq.h"
    tools/grade.sh "$g/own-header" 01 >"$g/own-header.out" 2>&1
    grep -Eq "own-header/$ch1.c does not compile: .*(sq.h: No such file or directory|'sq.h' file not found)" "$g/own-header.out" ||
        { echo "a header that is nowhere:"; cat "$g/own-header.out"; return 1; }
}
check "make grade: a chapter that does not compile scores 0 with the compiler's message (a header of the student's own beside it named as such), results.json still valid, other chapters graded; below full marks, make ends quietly (141)" \
    grade_survives_a_compile_error

# ---------------------------------------------------------- hidden tests
# An instructor's suite with one hidden exercise (the optional 7th field),
# beside a helper file of the instructor's that is no suite (a .c not
# named NN-...: taken as a suite's own, not refused as a misnamed suite).
mkdir -p "$g/instructor"
printf '/* the instructor'"'"'s helpers, for a suite to #include */\n' >"$g/instructor/common.c"
cat >"$g/instructor/$ch1.c" <<'EOF'
#include "grading.h"
#include "01-gradient-descent.h"

START_TEST(parabola_from_one)
{
    /* One step of η = 0.25 from w = 1: 1 - 0.25·2·(1 - 3) = 2. */
    double w = parabola_descend(1.0, 0.25, 1);
    ck_assert_msg(w == 2.0, "SECRET-DETAIL: one step from 1 gave %g", w);
}
END_TEST

static void add_tests(TCase *tc) { tcase_add_test(tc, parabola_from_one); }

static const Exercise exercises[] = {
    {"instructor-parabola", "parabola_descend()", 3, "A first descent",
     "SECRET-HINT", add_tests, true},
};

int main(int argc, char **argv)
{
    Chapter chapter = {"01-gradient-descent", "Manual gradient descent", exercises, 1};
    return grading_main(&chapter, argc, argv);
}
EOF

hidden_tests_count_but_say_nothing() {
    max=$(awk -F '\t' '$1 != "chapter" { s += $5 } END { print s }' build/grade/list/$ch1.tsv)
    out=$g/hidden-pass
    make --no-print-directory -s grade SUBMISSION=solutions CH=01 HIDDEN_TESTS="$g/instructor" OUT="$out" \
        >"$g/hidden-pass.out" 2>&1 || { cat "$g/hidden-pass.out"; return 1; }
    results_json_ok "$out/results.json" full | grep -q "/$((max + 3))\$" ||
        { echo "the hidden exercise's 3 points are not counted"; return 1; }
    submission "$g/ascent" gradient-ascent || return 1
    out=$g/hidden-fail
    make --no-print-directory -s grade SUBMISSION="$g/ascent" CH=01 HIDDEN_TESTS="$g/instructor" OUT="$out" \
        >"$g/hidden-fail.out" 2>&1
    grep -q '1 hidden test failed' "$g/hidden-fail.out" || { cat "$g/hidden-fail.out"; return 1; }
    if grep -q 'SECRET' "$g/hidden-fail.out" "$out/report.txt" "$out/results.tap"; then
        echo "a hidden test's details reached the student's report"; return 1
    fi
    results_json_ok "$out/results.json" || return 1
    # In results.json, for instructors: restricted visibility, full detail,
    # and never in the student-visible top-level output.
    awk '/"name": ".*instructor-parabola/ { h = 1 } h && /"visibility"/ { print; exit }' "$out/results.json" |
        grep -q '"after_published"' || { echo "the hidden test is not after_published"; return 1; }
    grep -q '"output": "SECRET-DETAIL: one step from 1 gave' "$out/results.json" ||
        { echo "results.json lacks the hidden test's diagnostic"; return 1; }
    ! grep '^  "output"' "$out/results.json" | grep -q SECRET || { echo "top-level output leaks"; return 1; }
    grep -q 'climbed the parabola' "$g/hidden-fail.out" || { echo "the visible failure is not shown"; return 1; }
    # Check's summary line of the hidden suite would count its tests and
    # say whether one crashed: only the chapter's own is shown.
    [ "$(grep -c 'Checks: ' "$out/report.txt")" = 1 ] ||
        { echo "the report shows the hidden suite's summary line:"; grep 'Checks: ' "$out/report.txt"; return 1; }
    # A file that does not compile ran no hidden test: the report once
    # said "1 hidden test failed" of it.
    submission "$g/unbuilt" does-not-compile || return 1
    out=$g/hidden-unbuilt
    make --no-print-directory -s grade SUBMISSION="$g/unbuilt" CH=01 HIDDEN_TESTS="$g/instructor" OUT="$out" \
        >"$g/hidden-unbuilt.out" 2>&1
    grep -q '^  COMPILE  *instructor-parabola  *(hidden test) ' "$out/report.txt" &&
        ! grep -q 'hidden test failed' "$out/report.txt" ||
        { echo "a hidden test that never ran was reported failed:"; cat "$out/report.txt"; return 1; }
}
check "hidden instructor tests are graded and counted; students see only that one failed (and not of a file that never built)" \
    hidden_tests_count_but_say_nothing

# A later chapter's suite may call lib/, and lib/ calls earlier chapters'
# solutions: lib/problems.c's regression calls chapter 1's mse_grad, which
# a chapter 4 suite finds only in the other chapters' archive. A linker
# reads an archive once, where it stands on the command line, so that
# archive must be read again after lib/'s.
mkdir -p "$g/instructor-04"
cat >"$g/instructor-04/04-optimizers.c" <<'EOF'
#include "grading.h"
#include "04-optimizers.h"
#include "problems.h"

START_TEST(sgd_descends_rosenbrock)
{
    Problem p;
    ck_assert(problem_init(&p, "rosenbrock", 1.0, 1));
    double theta[2] = {p.start[0], p.start[1]}, grad[2];
    double before = objective_loss_grad(&p.objective, theta, grad);
    SgdConfig cfg = {.lr = 1e-4};
    SgdState state = {0};
    sgd_step(theta, grad, 2, &cfg, &state);
    double after = objective_loss(&p.objective, theta);
    problem_free(&p);
    ck_assert_msg(after < before, "a small step went uphill: %g to %g", before, after);
}
END_TEST

static void add_tests(TCase *tc) { tcase_add_test(tc, sgd_descends_rosenbrock); }

static const Exercise exercises[] = {
    {"instructor-rosenbrock", "sgd_step()", 1, "Plain SGD", "", add_tests, true},
};

int main(int argc, char **argv)
{
    Chapter chapter = {"04-optimizers", "Optimizers", exercises, 1};
    return grading_main(&chapter, argc, argv);
}
EOF

suites_may_call_lib() {
    out=$g/hidden-lib
    make --no-print-directory -s grade SUBMISSION=solutions CH=04 HIDDEN_TESTS="$g/instructor-04" OUT="$out" \
        >"$g/hidden-lib.out" 2>&1 || { cat "$g/hidden-lib.out"; return 1; }
    results_json_ok "$out/results.json" full >/dev/null || { cat "$g/hidden-lib.out"; return 1; }
    grep -q 'instructor-rosenbrock' "$out/results.json" || { echo "the hidden suite was not graded"; return 1; }
}
check "a chapter 4 suite that calls lib/ code calling chapter 1's solution links and grades (lib/problems.c)" \
    suites_may_call_lib

# A name two chapters share (here an instructor's chapter 4 suite names an
# exercise mse-grad, as chapter 1 does): EX=mse-grad is refused with both
# chapters named, and EX=NN/mse-grad picks one.
mkdir -p "$g/shared-name"
cat >"$g/shared-name/04-optimizers.c" <<'EOF'
#include "grading.h"
#include "04-optimizers.h"

START_TEST(sgd_defaults_lr)
{
    ck_assert_msg(sgd_default_config().lr == 1e-3, "lr is not 1e-3");
}
END_TEST

static void add_tests(TCase *tc) { tcase_add_test(tc, sgd_defaults_lr); }

static const Exercise exercises[] = {
    {"mse-grad", "sgd_default_config()", 1, "SGD with momentum",
     "torch.optim.SGD's defaults.", add_tests},
};

int main(int argc, char **argv)
{
    Chapter chapter = {"04-optimizers", "Optimizers", exercises, 1};
    return grading_main(&chapter, argc, argv);
}
EOF

shared_names_need_a_chapter() {
    tools/grade.sh --hidden-tests "$g/shared-name" --exercise mse-grad solutions >"$g/shared.out" 2>&1
    [ $? -eq 2 ] && grep -q 'EX=mse-grad: chapters 01 and 04 both have an exercise of that name: say which, as EX=01/mse-grad' "$g/shared.out" ||
        { echo "an ambiguous EX was not refused:"; cat "$g/shared.out"; return 1; }
    tools/grade.sh --hidden-tests "$g/shared-name" --exercise 04/mse-grad solutions >"$g/shared.out" 2>&1 ||
        { cat "$g/shared.out"; return 1; }
    # (An instructor's suite is hidden: picking chapter 4's says so.)
    grep -q '^mse-grad is a hidden test (passing)' "$g/shared.out" ||
        { echo "EX=04/mse-grad did not pick chapter 4's:"; cat "$g/shared.out"; return 1; }
}
check "EX=NAME shared by two chapters is refused naming both; EX=NN/NAME picks one" shared_names_need_a_chapter

# ---------------------------------------------------- untrusted submissions
submission_cannot_change_the_grading() {
    # Its own main, grading_near and pow, and a header of its own: none is used.
    submission "$g/evil" sign-error || return 1
    cat >>"$g/evil/$ch1.c" <<'EOF'
#include <stdbool.h>
bool grading_near(double actual, double expected, double tol) { (void)actual; (void)expected; (void)tol; return true; }
double pow(double x, double y) { (void)x; (void)y; return 3.0; }
int main(void) { return 0; }
EOF
    printf '#error the submission header was used\n' >"$g/evil/$ch1.h"
    mkdir -p "$g/evil/tests"
    printf '#error the submission tests were used\n' >"$g/evil/tests/$ch1.c"
    tools/grade.sh "$g/evil" 01 >"$g/evil.out" 2>&1
    [ $? -eq 1 ] || { cat "$g/evil.out"; return 1; }
    grep -q 'check the sign of the residual' "$g/evil.out" || { cat "$g/evil.out"; return 1; }
    # A constructor would run in the grader's own process: refused.
    submission "$g/ctor" || return 1
    printf '#include <stdio.h>\n__attribute__((constructor)) static void early(void) { puts("100%%: Checks: 16, Failures: 0, Errors: 0"); }\n' >>"$g/ctor/$ch1.c"
    tools/grade.sh "$g/ctor" 01 >"$g/ctor.out" 2>&1
    [ $? -eq 1 ] && grep -q 'code that runs before main' "$g/ctor.out" || { cat "$g/ctor.out"; return 1; }
    # So would a destructor, after main; and a common symbol would stay
    # global, in the place of the C library's variable of that name.
    submission "$g/dtor" || return 1
    printf '#include <stdio.h>\n__attribute__((destructor)) static void late(void) { puts("100%%: Checks: 16, Failures: 0, Errors: 0"); }\n' >>"$g/dtor/$ch1.c"
    tools/grade.sh "$g/dtor" 01 >"$g/dtor.out" 2>&1
    [ $? -eq 1 ] && grep -q 'section .fini_array .*before main or after it (a constructor, a destructor' "$g/dtor.out" ||
        { cat "$g/dtor.out"; return 1; }
    submission "$g/common" || return 1
    printf '#include <stdio.h>\n__attribute__((common)) FILE *stdout;\n' >>"$g/common/$ch1.c"
    tools/grade.sh "$g/common" 01 >"$g/common.out" 2>&1
    [ $? -eq 1 ] && grep -q 'the file has a common symbol (stdout' "$g/common.out" || { cat "$g/common.out"; return 1; }
    # Including a file other than the course's headers (here the hidden
    # suite, whose text would show in the compiler's messages), or asm.
    submission "$g/include" || return 1
    printf '#include "%s/instructor/%s.c"\n' "$(pwd)/$g" "$ch1" >>"$g/include/$ch1.c"
    tools/grade.sh "$g/include" 01 >"$g/include.out" 2>&1
    [ $? -eq 1 ] && grep -q 'the file includes .*instructor' "$g/include.out" &&
        ! grep -q SECRET "$g/include.out" || { cat "$g/include.out"; return 1; }
    # Two lines that were full marks: a line marker of the file's own
    # entering a system header, where an #include of anything passed.
    submission "$g/marker" || return 1
    printf '# 1 "/usr/include/stdio.h" 1 3\n#include "%s/solutions/%s.c"\n' "$(pwd)" "$ch1" >"$g/marker/$ch1.c"
    tools/grade.sh "$g/marker" 01 >"$g/marker.out" 2>&1
    [ $? -eq 1 ] && grep -q 'the file has a line directive' "$g/marker.out" || { cat "$g/marker.out"; return 1; }
    # A refusal is the grader's, said as such: REFUSED in the table (it
    # read "does not compile", as a typo does), and in the summary.
    grep -q '^  REFUSED  parabola-descend ' "$g/marker.out" && grep -q "^$ch1: not graded (refused)" "$g/marker.out" &&
        grep -q "is refused by the grader, before it is compiled or run:" "$g/marker.out" || { cat "$g/marker.out"; return 1; }
    submission "$g/asm" || return 1
    printf '__asm__(".globl grading_near");\n' >>"$g/asm/$ch1.c"
    tools/grade.sh "$g/asm" 01 >"$g/asm.out" 2>&1
    [ $? -eq 1 ] && grep -q 'the file uses asm' "$g/asm.out" || { cat "$g/asm.out"; return 1; }
    # asm by a macro that a header's line expands (the preprocessor credits
    # the expansion to the header's line, which the check once skipped):
    # through a course header that uses the macro's name, or the C
    # library's (glibc's __asm__ ("" "name") alone passes there).
    for via in '#define mse_loss(a, b, c, d, e) mse_loss(a, b, c, d, e); __asm__(".globl sneaky"); double mse_loss(a, b, c, d, e)|#include "01-gradient-descent.h"' \
               '#define __wur __asm__(".pushsection .rodata\n.incbin \"/etc/hostname\"\n.popsection")|#include <stdio.h>'; do
        submission "$g/asm-macro" || return 1
        { printf '%s\n' "${via%%|*}" "${via#*|}" "#undef ${via#\#define }" | sed '3s/^\(#undef [A-Za-z_]*\).*/\1/'
          grep -v '^#include "01-gradient-descent.h"' solutions/$ch1.c; } >"$g/asm-macro/$ch1.c"
        tools/grade.sh "$g/asm-macro" 01 >"$g/asm-macro.out" 2>&1
        [ $? -eq 1 ] && grep -q 'the file uses asm' "$g/asm-macro.out" || { echo "${via%%|*}:"; cat "$g/asm-macro.out"; return 1; }
    done
    # _exit(0) inside a function is not a pass.
    submission "$g/quick-exit" || return 1
    awk '{ print } /^#include <math.h>$/ { print "#include <unistd.h>" }
         /double sum = 0.0;/ { print "    _exit(0);" }' solutions/$ch1.c >"$g/quick-exit/$ch1.c"
    tools/grade.sh "$g/quick-exit" 01 >"$g/quick-exit.out" 2>&1
    [ $? -eq 1 ] && grep -q '^  EXIT     mse-loss' "$g/quick-exit.out" || { cat "$g/quick-exit.out"; return 1; }
    # Selecting tests through Check's environment does not skip failures:
    # asked to run only mse-loss's case, the grader still runs the failing
    # parabola-descend and the passing linreg-train.
    CK_RUN_CASE=mse-loss tools/grade.sh "$g/ascent" 01 >"$g/run-case.out" 2>&1
    [ $? -eq 1 ] && grep -q 'climbed the parabola' "$g/run-case.out" &&
        grep -q '^  PASS     linreg-train' "$g/run-case.out" || { cat "$g/run-case.out"; return 1; }
}
check "a submission's main(), grading_near(), pow(), headers, tests, includes, line markers, asm, constructors, destructors, common symbols, _exit(0) or CK_RUN_CASE change nothing" \
    submission_cannot_change_the_grading

scores_are_never_stale() {
    submission "$g/stale" || return 1
    tools/grade.sh "$g/stale" 01 >/dev/null 2>&1 || { echo "the solutions failed"; return 1; }
    awk -v spec="$mutants1" -v name=does-not-compile -f tools/mutate.awk solutions/$ch1.c >"$g/stale/$ch1.c"
    tools/grade.sh "$g/stale" 01 >"$g/stale.out" 2>&1
    [ $? -eq 1 ] || return 1
    grep -q '^Score: 0/' "$g/stale.out" && ! grep -q '^  PASS' "$g/stale.out" || { cat "$g/stale.out"; return 1; }
    cp solutions/$ch1.c "$g/stale/"
    tools/grade.sh "$g/stale" 01 >"$g/stale.out" 2>&1 || { cat "$g/stale.out"; return 1; }
}
check "the score table shows what the code does now: a compile error after a pass scores 0, then full again" \
    scores_are_never_stale

# A grading stopped while it compiles (Ctrl-C, a time limit) is killed:
# make cannot remove the file it was writing, and a half-written file
# newer than its source was taken as up to date at every later grading.
# Chapter 1's solutions, stopped half-way through their preprocessed text,
# then scored 0 ("does not define linreg_step(), ...") until the file was
# edited. A compiler that writes 100 bytes of that text and waits is
# stopped there; the next grading must give full marks.
interrupted_compile_leaves_nothing() {
    d=$g/interrupted
    # (Its scratch folder too: one an earlier self-test left holds the
    # built tests, and the grading then compiles nothing to stop.)
    rm -rf "$d" && mkdir -p "$d" && rm -rf "$(CC=$g/slow-cc; grader_scratch "$d")" && submission "$d" || return 1
    printf '%s\n' '#!/bin/sh' \
        'case " $* " in *" -E "*"$CH1_SOURCE"*)' \
        '    if [ -e "$ARMED" ]; then' \
        '        rm -f "$ARMED"; cc "$@" | head -c 100; echo $$ >"$READY"; exec sleep 60' \
        '    fi ;;' \
        'esac' \
        'exec cc "$@"' >"$g/slow-cc" && chmod +x "$g/slow-cc" || return 1
    : >"$g/armed" && rm -f "$g/ready" || return 1
    export ARMED="$g/armed" READY="$g/ready" CH1_SOURCE="$ch1.c"
    CC=$g/slow-cc setsid tools/grade.sh "$d" 01 >"$g/interrupted.out" 2>&1 &
    grader=$!
    within 60 test -s "$g/ready" || { kill -s KILL -- "-$grader"; echo "the compile was never reached"; return 1; }
    kill -s TERM -- "-$grader"
    wait "$grader"
    # (The compiler runs under timeout, in a process group of its own.)
    kill "$(cat "$g/ready")" 2>/dev/null
    CC=$g/slow-cc tools/grade.sh "$d" 01 >"$g/interrupted.out" 2>&1 ||
        { echo "the grading after the stopped one:"; cat "$g/interrupted.out"; return 1; }
    grep -Eq '^Score: ([0-9]+)/\1 points' "$g/interrupted.out" || { cat "$g/interrupted.out"; return 1; }
}
check "a grading stopped half-way through a compile leaves nothing the next one takes for built: full marks again" \
    interrupted_compile_leaves_nothing

# A sandbox probe stopped while it starts (Ctrl-C) left its inner bwrap,
# process 1 of a namespace of its own that only KILL ends, holding the
# grader's lock: every later grading of those files waited for good. A
# bwrap that ignores TERM stands in for it: the grading is stopped during
# its probe, and the next grading of the same files must not wait for it.
probe_holds_no_lock() {
    dir=$g/probed
    # (The probe may run as nobody: its pid goes to a folder anyone may write.)
    pid=$g/deaf-bin/out/probe.pid
    rm -rf "$dir" "$g/deaf-bin" && submission "$dir" && mkdir -p "$g/deaf-bin/out" && chmod 777 "$g/deaf-bin/out" || return 1
    printf '%s\n' '#!/bin/sh' 'trap "" INT TERM HUP' 'echo $$ >"$PROBED"' 'exec sleep 297' >"$g/deaf-bin/bwrap" &&
        chmod 755 "$g/deaf-bin/bwrap" || return 1
    PROBED=$(pwd)/$pid PATH=$(pwd)/$g/deaf-bin:$PATH setsid tools/grade.sh --sandbox "$dir" 01 >/dev/null 2>&1 &
    grader=$!
    within 30 test -s "$pid" || { kill -s KILL -- "-$grader"; echo "the probe never ran"; return 1; }
    kill -s TERM -- "-$grader"
    # (Not waited for first: the stopped grading may live on while its
    # probe does, and the lock is what is being checked.)
    timeout 60 tools/grade.sh --sandbox "$dir" 01 >"$g/probed.out" 2>&1
    status=$?
    kill -s KILL "$(cat "$pid")" 2>/dev/null
    wait "$grader"
    [ "$status" -eq 0 ] && grep -Eq '^Score: ([0-9]+)/\1 points' "$g/probed.out" ||
        { echo "the next grading: status $status"; tail -n 5 "$g/probed.out"; return 1; }
}
check "a grading stopped during its sandbox probe leaves no process holding its lock: the next grading runs" \
    probe_holds_no_lock

# The grader keeps the compiler's folders of system headers, one list per
# CC (tools/grade.mk). A list kept from another version of the compiler,
# without its folder of headers (here for CC=gcc, which no other check
# uses), is asked again: <stddef.h> is still the C library's, and a file
# that includes it still grades.
system_dirs_follow_the_compiler() {
    kept=build/grade/list/system-dirs.gcc
    submission "$g/stddef" || return 1
    printf '#include <stddef.h>\n' | cat - solutions/$ch1.c >"$g/stddef/$ch1.c" || return 1
    # (compiled afresh, so that the kept list is read)
    rm -rf "$(grader_scratch "$g/stddef")"
    mkdir -p build/grade/list && printf '/usr/lib/gcc/no-such-version/include:/usr/include:' >"$kept"
    CC=gcc tools/grade.sh "$g/stddef" 01 >"$g/stddef.out" 2>&1 || { cat "$g/stddef.out"; return 1; }
    grep -qF "$(gcc -print-file-name=include):" "$kept" || { echo "the kept list was not asked again:"; cat "$kept"; return 1; }
}
check "a kept list of system header folders from another compiler version is asked again: <stddef.h> still grades" \
    system_dirs_follow_the_compiler

# Another compiler grades alike. Debian's clang (14) differs from GCC
# wherever the grader reads what the compiler made: its preprocessor
# enters "<built-in>" and "<command line>" as if they were included files
# (every file was refused as "includes <built-in>"), its objects hold an
# .llvm_addrsig section (refused as code before main), it warns that -I
# is unused when it compiles preprocessed text (in every report), and on
# x86-64 it has no _Float16, which chapter 9's references used (its suite
# did not build; nor with GCC 11, Ubuntu 22.04's). In a copy of the
# course, so that the course's side is built by clang too.
grades_with_clang() {
    d=$g/clang-course
    rm -rf "$d" && mkdir -p "$d" || return 1
    cp -R Makefile chapters exercises lib plots solutions tests tools "$d/" && cp -R solutions "$d/answers" || return 1
    own_make "$d" check CC=clang EXERCISES=answers >"$g/clang.out" 2>&1 ||
        { tail -n 30 "$g/clang.out"; return 1; }
    grep -Eq '^Score: ([0-9]+)/\1 points' "$g/clang.out" || { tail -n 30 "$g/clang.out"; return 1; }
    ! grep -qi 'warn' "$g/clang.out" || { echo "the report shows a warning:"; grep -i -A3 'warn' "$g/clang.out"; return 1; }
    own_make "$d" check CC=clang >"$g/clang-stubs.out" 2>&1 &&
        { echo "the stubs passed"; return 1; }
    grep -q '^Score: 0/' "$g/clang-stubs.out" || { tail -n 30 "$g/clang-stubs.out"; return 1; }
    # clang drops a call to a global function it can see unless told that
    # another file may replace it: linreg_step() was then blamed alone,
    # its call to a wrong mse_grad() gone from the object.
    mkdir -p "$d/follow" && awk -v spec="tests/$ch1.mutants" -v name=missing-factor-2 -f tools/mutate.awk \
        "solutions/$ch1.c" >"$d/follow/$ch1.c" || return 1
    # Graded by GCC first: clang's grading is its own, warnings included
    # (it showed GCC's, kept from GCC's compile).
    echo 'int stray_flag(int k, int steps) { if (k = steps) return 1; return 0; }' >>"$d/follow/$ch1.c"
    own_make "$d" check EX=linreg-step EXERCISES=follow >"$g/gcc-follow.out" 2>&1
    own_make "$d" check CC=clang EX=linreg-step EXERCISES=follow >"$g/clang-follow.out" 2>&1
    grep -q 'mse_grad() fails too, and linreg_step() calls it: fix mse-grad first' "$g/clang-follow.out" ||
        { echo "no follow-on message:"; cat "$g/clang-follow.out"; return 1; }
    grep -q 'warning: suggest parentheses' "$g/gcc-follow.out" &&
        grep -q 'warning: using the result of an assignment as a condition' "$g/clang-follow.out" ||
        { echo "each compiler's own warning is not shown:"; cat "$g/gcc-follow.out" "$g/clang-follow.out"; return 1; }
}
check "make check CC=clang (no _Float16, another preprocessor's line markers): solutions score full marks with no warning shown, stubs 0, a follow-on failure named, clang's own warnings" \
    grades_with_clang

# tools/untrusted.awk reads each compiler's line markers alike: GCC's,
# clang's (its preamble entered as a file), and those of a compiler that
# lists its header folders from where it is installed
# (".../12/../../../../aarch64-linux-gnu/include", as a conda
# environment's or a cross compiler's do: every file was refused as
# including stdc-predef.h). For each, a solution file passes; an #include
# of a file outside, one that climbs out of a system folder with <../..>,
# asm hidden behind a #line naming a course header, and an include or asm
# behind a line marker of the file's own that enters a system header
# (GCC's # 1 "/usr/include/stdio.h" 1 3, after the real stdio.h too, or
# hidden by a carriage return, a NUL byte, a comment across lines or a
# byte-order mark) are refused.
include_check_reads_every_compiler() {
    d=$g/markers
    mkdir -p "$d" || return 1
    printf '#include "%s/solutions/02-gradient-accumulation.c"\n' "$(pwd)" | cat "solutions/$ch1.c" - >"$d/outside.c"
    printf '#include <../../../../../../../../../../%s/solutions/02-gradient-accumulation.c>\n' "$(pwd)" |
        cat "solutions/$ch1.c" - >"$d/climb.c"
    # climb.c's ten ".." resolve through -Ilib, an outside path by any
    # reading; two from a system folder (clang keeps the line marker
    # "/usr/include/../../PATH") are what the check of ".." in a system
    # header's name refuses.
    printf '#include <../..%s/solutions/02-gradient-accumulation.c>\n' "$(pwd)" |
        cat "solutions/$ch1.c" - >"$d/climb2.c"
    printf '#line 1 "exercises/%s.h"\n__asm__(".globl grading_near");\n' "$ch1" | cat "solutions/$ch1.c" - >"$d/line.c"
    printf '# 1 "/usr/include/stdio.h" 1 3\n#include "%s/solutions/02-gradient-accumulation.c"\n' "$(pwd)" |
        cat "solutions/$ch1.c" - >"$d/enter.c"
    printf '#include <stdio.h>\n# 1 "/usr/include/stdio.h" 1 3 4\n__asm__(".globl grading_near");\n' |
        cat "solutions/$ch1.c" - >"$d/enter-asm.c"
    printf 'int cr;\r# 1 "/usr/include/stdio.h" 1 3\r__asm__(".globl grading_near");\n' |
        cat "solutions/$ch1.c" - >"$d/enter-cr.c"
    printf '#\000 1 "/usr/include/stdio.h" 1 3\n__asm__(".globl grading_near");\n' |
        cat "solutions/$ch1.c" - >"$d/enter-nul.c"
    # (A review's two bypasses of the first version: a comment from the #
    # to the next line, which C reads as one space, and a byte-order mark
    # before the directive on the file's first line.)
    printf '# /*\n*/ 1 "/usr/include/stdio.h" 1 3\n#include "%s/solutions/02-gradient-accumulation.c"\n' "$(pwd)" |
        cat "solutions/$ch1.c" - >"$d/enter-comment.c"
    { printf '\357\273\277# 1 "/usr/include/stdio.h" 1 3\n'; cat "solutions/$ch1.c"; } >"$d/enter-bom.c"
    cp "solutions/$ch1.c" "$d/plain.c"
    for cc in gcc clang aarch64-linux-gnu-gcc; do
        dirs=$($cc -xc -E -v /dev/null 2>&1 |
            sed -n '/^#include <\.\.\.> search starts here:/,/^End of search list\./s/^ //p' | tr '\n' :)
        for f in plain outside climb climb2 line enter enter-asm enter-cr enter-nul enter-comment enter-bom; do
            # (A compiler that cannot preprocess the file, as the cross
            # compiler without its C library's headers, would leave the
            # check below reading half a file.)
            $cc -std=c11 -Ilib -Iexercises -g -E "$d/$f.c" >"$d/$f.$cc.i" 2>"$d/$f.$cc.err" ||
                { echo "$cc cannot preprocess $f.c:"; head -n 3 "$d/$f.$cc.err"; return 1; }
            awk -v file="\"$d/$f.c\"" -v system_dirs="$dirs" -f tools/untrusted.awk "$d/$f.$cc.i" 2>"$d/$f.$cc.why"
            got=$?
            want=1; [ "$f" = plain ] && want=0
            [ "$got" -eq "$want" ] ||
                { echo "$cc, $f.c: exit $got, expected $want"; cat "$d/$f.$cc.why"; return 1; }
        done
    done
}
check "the grader's include check reads GCC's, clang's and a cross compiler's line markers: a solution passes, outside includes, <../..>, #line with asm and a marker entering a header of its own making are refused" \
    include_check_reads_every_compiler

# ------------------------------------------------------------ grade-class
class_gradebook() {
    class=$g/class
    submission "$class/alice" || return 1
    stubs_of "$class/bob" || return 1
    submission "$class/carol" crash infinite-loop || return 1
    t0=$(date +%s)
    # (A shorter limit per test makes Carol's hang quick to grade; at 0.2
    # of the suites' limit, a loaded machine timed out a correct chapter 9
    # test of hers and failed the count.)
    CK_TIMEOUT_MULTIPLIER=0.5 timeout 120 make --no-print-directory -s grade-class \
        SUBMISSIONS="$class" OUT="$g/class-out" >"$g/class.out" 2>&1 || { cat "$g/class.out"; return 1; }
    # (Timed for the log, not judged: the timeout above catches a hang,
    # and a loaded machine is no measure of speed; tests/grading.bench.sh
    # is.)
    echo "graded the class in $(($(date +%s) - t0)) s"
    for n in 1 2 3; do grep -q "^\[$n of 3\] " "$g/class.out" || { echo "no progress line $n of 3"; return 1; }; done
    book=$g/class-out/gradebook.csv
    cat "$book"
    header="student"
    for c in $all_chapters; do header="$header,$c"; done
    [ "$(head -n 1 "$book")" = "$header,total,max,first_failing" ] || { echo "bad header"; return 1; }
    max=$(awk -F '\t' '$1 != "chapter" { s += $5 } END { print s }' "$g/class-out/alice/results.tsv")
    # Carol's chapter 1 loses the hanging parabola_descend, the crashing
    # mse_loss and linreg_train, which calls it.
    lost=$(($(points_of parabola-descend) + $(points_of mse-loss) + $(points_of linreg-train)))
    awk -F, -v max="$max" -v lost="$lost" -v ch1="$ch1" '
        NR == 1 { for (i = 2; i < NF - 2; i++) col[$i] = i; next }
        { total[$1] = $(NF - 2); top[$1] = $(NF - 1); first[$1] = $NF; ch[$1] = $col[ch1] }
        END {
            if (total["alice"] != max || first["alice"] != "") { print "alice: " total["alice"] "/" max " " first["alice"]; exit 1 }
            if (total["bob"] != 0 || first["bob"] == "") { print "bob: " total["bob"]; exit 1 }
            if (total["carol"] != max - lost) { print "carol: " total["carol"] ", expected " max - lost; exit 1 }
            if (first["carol"] != ch1 "/parabola-descend (timeout)") { print "carol: " first["carol"]; exit 1 }
            if (top["alice"] != max || top["bob"] != max || top["carol"] != max) { print "max column"; exit 1 }
        }' "$book" || return 1
    for s in alice bob carol; do
        [ -s "$g/class-out/$s/report.txt" ] || { echo "no report for $s"; return 1; }
        results_json_ok "$g/class-out/$s/results.json" || return 1
    done
    grep -q 'crashed (Received signal 11' "$g/class-out/carol/results.json" || return 1
}
check "make grade-class: solutions, stubs and a crash + hang grade into a correct gradebook, in bounded time" \
    class_gradebook

# What grade-class writes never lands on the students' folders, and a
# mistaken setting replaces nothing. An OUT that is the class folder, is
# inside it or holds it (where each student's reports replace a folder of
# the student's name) is refused, every student's file as it was. A
# HIDDEN_TESTS that is missing, names no chapter, is empty or does not
# compile stops the class before any student, with last time's gradebook
# and reports as they were (they had all been emptied, student by
# student, and the gradebook rewritten with every student NOT GRADED).
# The reports take the mode the umask gives (mktemp's 0600 kept them from
# the instructor's group).
listing_of() { find "$1" -exec stat -c '%n %s %.9Y' {} + | LC_ALL=C sort | cksum; }
class_results_are_kept() {
    class=$g/kept-class
    # (A student named as the class folder: OUT=$g would replace the class
    # with that student's reports; OUT=/ would write into the root.)
    rm -rf "$class" && mkdir -p "$class/ann" "$class/kept-class" &&
        cp "solutions/$ch1.c" "$class/ann/" && cp "solutions/$ch1.c" "$class/kept-class/" || return 1
    files=$(listing_of "$class")
    for out in "$class" "$class/reports" "$g" /; do
        make --no-print-directory -s grade-class SUBMISSIONS="$class" OUT="$out" >"$g/kept.out" 2>&1 &&
            { echo "OUT=$out was taken"; return 1; }
        grep -qF "grade-class: OUT=$out " "$g/kept.out" || { cat "$g/kept.out"; return 1; }
        [ "$(listing_of "$class")" = "$files" ] || { echo "OUT=$out: the class folder changed:"; ls -lR "$class"; return 1; }
    done
    # A folder in OUT that is not a report folder is never emptied: OUT=~
    # and a student named Documents deleted ~/Documents.
    mkdir -p "$g/kept-home/ann" && echo precious >"$g/kept-home/ann/notes.txt" || return 1
    make --no-print-directory -s grade-class SUBMISSIONS="$class" OUT="$g/kept-home" >"$g/kept.out" 2>&1 &&
        { echo "OUT holding a folder ann of its own was taken"; return 1; }
    grep -qF "already has $g/kept-home/ann, which is not a folder of reports grade-class wrote" "$g/kept.out" &&
        [ "$(cat "$g/kept-home/ann/notes.txt")" = precious ] || { cat "$g/kept.out"; return 1; }
    out=$g/kept-out
    (umask 027 && make --no-print-directory -s grade-class SUBMISSIONS="$class" OUT="$out") >"$g/kept.out" 2>&1 ||
        { cat "$g/kept.out"; return 1; }
    for f in gradebook.csv ann/report.txt ann/results.json ann/results.tap ann/results.tsv; do
        mode=$(stat -c %a "$out/$f")
        [ "$mode" = 640 ] || { echo "$f: mode $mode under umask 027, expected 640"; return 1; }
    done
    reports=$(listing_of "$out")
    mkdir -p "$g/kept-misnamed" "$g/kept-empty" "$g/kept-broken" || return 1
    printf '#include "grading.h"\n' >"$g/kept-misnamed/$ch1-hidden.c"
    printf 'this is not C;\n' >"$g/kept-broken/$ch1.c"
    for hidden in no-such misnamed empty broken; do
        case $hidden in
            no-such) says="is not a directory" ;;
            misnamed) says="$ch1-hidden.c: not a chapter's suite" ;;
            empty) says="holds no suite" ;;
            broken) says="$(pwd)/$g/kept-broken/$ch1.c:1:1: error" ;;
        esac
        make --no-print-directory -s grade-class SUBMISSIONS="$class" OUT="$out" HIDDEN_TESTS="$(pwd)/$g/kept-$hidden" \
            >"$g/kept.out" 2>&1 && { echo "HIDDEN_TESTS=$hidden was taken"; return 1; }
        grep -qF "$says" "$g/kept.out" && grep -q "nothing graded" "$g/kept.out" ||
            { echo "HIDDEN_TESTS=$hidden, expected: $says"; cat "$g/kept.out"; return 1; }
        [ "$(listing_of "$out")" = "$reports" ] || { echo "HIDDEN_TESTS=$hidden: the earlier reports changed"; ls -lR "$out"; return 1; }
    done
}
check "grade-class: an OUT that is or is in the class folder, or the root, is refused, and no folder of OUT but a report folder is ever emptied; a mistyped, misnamed, empty or broken HIDDEN_TESTS replaces nothing; the reports keep the umask's mode" \
    class_results_are_kept

# Regrading one student after a fix (or a late submission): STUDENT=NAME
# grades that folder alone and replaces its row, in its place, leaving
# every other row and report as they were; a student the gradebook lacks
# gets a row at the end. An instructor who regraded by grading a folder of
# that one student into the class's OUT lost every other row; one whose
# two downloads were both named "submissions" had the second class
# silently replace the first's gradebook: both are refused now. (Chapter
# 1 alone: the other chapters are missing, which grades at once.)
class_regrade_one_student() {
    class=$g/regrade/class
    rm -rf "$g/regrade" && mkdir -p "$class/ann" "$class/bob, jr" "$class/cal" "$g/regrade/other/class/ann" &&
        cp "solutions/$ch1.c" "$class/ann/" && cp "solutions/$ch1.c" "$class/cal/" &&
        awk -f tools/make-stub.awk "solutions/$ch1.c" >"$class/bob, jr/$ch1.c" &&
        cp "solutions/$ch1.c" "$g/regrade/other/class/ann/" || return 1
    out=$g/regrade/out book=$g/regrade/out/gradebook.csv
    make --no-print-directory -s grade-class SUBMISSIONS="$class" OUT="$out" >"$g/regrade.out" 2>&1 ||
        { cat "$g/regrade.out"; return 1; }
    # Each has chapter 1 alone: the end of the run says so, student by
    # student (a folder laid out otherwise scores 0 for no fault of code).
    others_missing=$(($(echo $all_chapters | wc -w) - 1))
    grep -q "^  ann: $others_missing chapters missing (see .*/ann/report.txt)\$" "$g/regrade.out" ||
        { cat "$g/regrade.out"; echo "the missing chapters are not listed at the end"; return 1; }
    before=$(cat "$book")
    others=$(listing_of "$out/ann"; listing_of "$out/cal")
    cp "solutions/$ch1.c" "$class/bob, jr/" || return 1
    make --no-print-directory -s grade-class SUBMISSIONS="$class" OUT="$out" STUDENT="bob, jr" >"$g/regrade.out" 2>&1 ||
        { cat "$g/regrade.out"; return 1; }
    cat "$g/regrade.out"
    grep -q '^\[1 of 1\] bob, jr: ' "$g/regrade.out" && grep -q '^Regraded bob, jr in ' "$g/regrade.out" ||
        { echo "no regrading said"; return 1; }
    # Bob's files are now Ann's: his new row is hers, under his name.
    bob_row=$(sed -n 2p "$book" | sed 's/^ann,/"bob, jr",/')
    expected=$(printf '%s\n' "$before" | awk -v row="$bob_row" 'NR == 3 { print row; next } { print }')
    cat "$book"
    [ "$(cat "$book")" = "$expected" ] && [ "$expected" != "$before" ] ||
        { echo "expected, bob's row replaced in its place and the others kept:"; printf '%s\n' "$expected"; return 1; }
    [ "$(listing_of "$out/ann"; listing_of "$out/cal")" = "$others" ] || { echo "the other students' reports changed"; return 1; }
    # A student the gradebook has no row for: theirs comes last.
    mkdir -p "$class/abe" && cp "solutions/$ch1.c" "$class/abe/" || return 1
    make --no-print-directory -s grade-class SUBMISSIONS="$class" OUT="$out" STUDENT=abe >"$g/regrade.out" 2>&1 ||
        { cat "$g/regrade.out"; return 1; }
    [ "$(sed -n 5p "$book" | cut -d, -f1)" = abe ] && [ "$(wc -l <"$book")" -eq 5 ] || { cat "$book"; return 1; }
    # The student as a shell's completion writes it, the folder's name with
    # a slash or its path: that student regraded, in its row (refused as
    # no such student before).
    kept=$(cat "$book")
    for name in cal/ "$class/cal//"; do
        make --no-print-directory -s grade-class SUBMISSIONS="$class" OUT="$out" STUDENT="$name" >"$g/regrade.out" 2>&1 ||
            { echo "STUDENT=$name:"; cat "$g/regrade.out"; return 1; }
        grep -q '^Regraded cal in ' "$g/regrade.out" && [ "$(cat "$book")" = "$kept" ] ||
            { echo "STUDENT=$name:"; cat "$g/regrade.out" "$book"; return 1; }
    done
    # Two regrades started together: the second waits for the first, and
    # both rows change (each read the gradebook and wrote back its own row,
    # and the second lost the first's).
    awk -f tools/make-stub.awk "solutions/$ch1.c" >"$class/ann/$ch1.c" &&
        awk -f tools/make-stub.awk "solutions/$ch1.c" >"$class/cal/$ch1.c" || return 1
    make --no-print-directory -s grade-class SUBMISSIONS="$class" OUT="$out" STUDENT=ann >"$g/regrade-ann.out" 2>&1 &
    ann_job=$!
    make --no-print-directory -s grade-class SUBMISSIONS="$class" OUT="$out" STUDENT=cal >"$g/regrade-cal.out" 2>&1 ||
        { cat "$g/regrade-cal.out"; return 1; }
    wait "$ann_job" || { cat "$g/regrade-ann.out"; return 1; }
    for s in ann cal; do
        [ "$(grep "^$s," "$book" | cut -d, -f2)" = 0 ] ||
            { echo "two regrades at once: $s's row was lost"; cat "$book"; return 1; }
    done
    # Refused, the gradebook as it was: a student not in the class, and
    # another class folder into this class's OUT.
    kept=$(cat "$book")
    make --no-print-directory -s grade-class SUBMISSIONS="$class" OUT="$out" STUDENT=zed >"$g/regrade.out" 2>&1 &&
        { echo "STUDENT=zed was taken"; return 1; }
    grep -qF "grade-class: STUDENT=zed: $(cd "$class" && pwd) has no student folder of that name" "$g/regrade.out" ||
        { cat "$g/regrade.out"; return 1; }
    # ... into an OUT that did not exist: none is left behind (an empty
    # folder holding only the lock was).
    rm -rf "$g/regrade/new-out"
    make --no-print-directory -s grade-class SUBMISSIONS="$class" OUT="$g/regrade/new-out" STUDENT=zed >"$g/regrade.out" 2>&1 &&
        { echo "STUDENT=zed was taken"; return 1; }
    [ ! -e "$g/regrade/new-out" ] || { echo "a refused STUDENT left OUT behind:"; ls -A "$g/regrade/new-out"; return 1; }
    # (run as a script, past make's own check for line breaks)
    STUDENT=$(printf 'ann\ncal') tools/grade-class.sh "$class" "$out" >"$g/regrade.out" 2>&1 && { echo "a STUDENT of two lines was taken"; return 1; }
    grep -qxF "grade-class: STUDENT must be one folder's name, on one line" "$g/regrade.out" || { cat "$g/regrade.out"; return 1; }
    make --no-print-directory -s grade-class SUBMISSIONS="$g/regrade/other/class" OUT="$out" >"$g/regrade.out" 2>&1 &&
        { echo "another class's grading replaced this one's gradebook"; return 1; }
    grep -qF "grade-class: OUT=$out holds the gradebook of $(cd "$class" && pwd), not of $(cd "$g/regrade/other/class" && pwd)" "$g/regrade.out" ||
        { cat "$g/regrade.out"; return 1; }
    [ "$(cat "$book")" = "$kept" ] || { echo "a refused grading changed the gradebook"; return 1; }
}
check "grade-class STUDENT=NAME regrades one student: its row replaced in place, every other row and report kept; a student not in the class, or another class into this OUT, is refused" \
    class_regrade_one_student

# A regrade keeps to the hidden suites the gradebook was graded with. One
# that left HIDDEN_TESTS out gave its student a row graded without them
# (out of a smaller max, the hidden failure gone from first_failing), and
# said nothing; one that gave them to a class graded without did the same
# the other way. Both are refused now, the gradebook as it was; the same
# folder again is taken.
class_regrade_keeps_hidden_tests() {
    class=$g/regrade-hidden/class out=$g/regrade-hidden/out
    rm -rf "$g/regrade-hidden" && mkdir -p "$class/ann" && cp "solutions/$ch1.c" "$class/ann/" || return 1
    make --no-print-directory -s grade-class SUBMISSIONS="$class" OUT="$out" HIDDEN_TESTS="$g/instructor" \
        >"$g/regrade-hidden.out" 2>&1 || { cat "$g/regrade-hidden.out"; return 1; }
    kept=$(cat "$out/gradebook.csv")
    make --no-print-directory -s grade-class SUBMISSIONS="$class" OUT="$out" STUDENT=ann >"$g/regrade-hidden.out" 2>&1 &&
        { echo "a regrade without the class's HIDDEN_TESTS was taken:"; cat "$out/gradebook.csv"; return 1; }
    grep -q "^grade-class: STUDENT=ann: the gradebook in $out was graded with HIDDEN_TESTS=/.*/instructor, and this regrade is without them" \
        "$g/regrade-hidden.out" || { cat "$g/regrade-hidden.out"; return 1; }
    [ "$(cat "$out/gradebook.csv")" = "$kept" ] || { echo "a refused regrade changed the gradebook"; return 1; }
    make --no-print-directory -s grade-class SUBMISSIONS="$class" OUT="$out" STUDENT=ann HIDDEN_TESTS="$g/instructor" \
        >"$g/regrade-hidden.out" 2>&1 || { cat "$g/regrade-hidden.out"; return 1; }
    [ "$(cat "$out/gradebook.csv")" = "$kept" ] || { echo "the same regrade changed ann's row:"; cat "$out/gradebook.csv"; return 1; }
    # The other way: a class graded without hidden suites.
    make --no-print-directory -s grade-class SUBMISSIONS="$class" OUT="$out" >"$g/regrade-hidden.out" 2>&1 ||
        { cat "$g/regrade-hidden.out"; return 1; }
    kept=$(cat "$out/gradebook.csv")
    make --no-print-directory -s grade-class SUBMISSIONS="$class" OUT="$out" STUDENT=ann HIDDEN_TESTS="$g/instructor" \
        >"$g/regrade-hidden.out" 2>&1 && { echo "a regrade with HIDDEN_TESTS the class was not graded with was taken"; return 1; }
    grep -q "^grade-class: STUDENT=ann: the gradebook in $out was graded without HIDDEN_TESTS, and this regrade is with HIDDEN_TESTS=" \
        "$g/regrade-hidden.out" && [ "$(cat "$out/gradebook.csv")" = "$kept" ] || { cat "$g/regrade-hidden.out"; return 1; }
    # The progress line's points when the first failure is hidden (its
    # first_failing is quoted, with a comma: ann once had
    # '20/"01-gradient-descent/instructor-parabola (fail points').
    mkdir -p "$g/instructor-fails" && sed 's/w == 2\.0/w == -2.0/' "$g/instructor/$ch1.c" >"$g/instructor-fails/$ch1.c" || return 1
    make --no-print-directory -s grade-class SUBMISSIONS="$class" OUT="$g/regrade-hidden/fails" HIDDEN_TESTS="$g/instructor-fails" \
        >"$g/regrade-hidden.out" 2>&1 || { cat "$g/regrade-hidden.out"; return 1; }
    at=$(($(echo $all_chapters | wc -w) + 2))
    points=$(sed -n 2p "$g/regrade-hidden/fails/gradebook.csv" | cut -d, -f$at,$((at + 1)) | tr , /)
    grep -q ',"01-gradient-descent/instructor-parabola (fail, hidden)"$' "$g/regrade-hidden/fails/gradebook.csv" &&
        grep -qxF "[1 of 1] ann: $points points" "$(sed 's/ ([0-9]* s)$//' "$g/regrade-hidden.out" >"$g/progress" && echo "$g/progress")" &&
        grep -q "^Graded 1 student in " "$g/regrade-hidden.out" ||
        { echo "the progress line's points are not the gradebook's $points:"; cat "$g/regrade-hidden.out"; return 1; }
}
check "grade-class STUDENT=NAME keeps to the gradebook's HIDDEN_TESTS: a regrade without them, or with them for a class graded without, is refused; a hidden first failure leaves the progress line's points whole" \
    class_regrade_keeps_hidden_tests

student_time_limit() {
    class=$g/slow-class
    submission "$class/dawdler" infinite-loop || return 1
    t0=$(date +%s)
    # Run as its opening comment shows, by an instructor's shell, not by a
    # make (whose MAKELEVEL would reach the sandbox's make): the make in
    # the sandbox then asked whether build/ was its user's, and every
    # student scored 0 as "does not compile", with no message.
    STUDENT_TIME_LIMIT=2 timeout 60 env -u MAKELEVEL -u MAKEFLAGS -u MFLAGS \
        tools/grade-class.sh "$class" "$g/slow-out" >"$g/slow.out" 2>&1 ||
        { cat "$g/slow.out"; return 1; }
    # (Not judged by the clock: busy loops on both cores stretched this to
    # 6.8 s, past the bound of 6 s it had. That the 2 s limit, and not
    # Check's timeout or the timeout above, ended the hang is what the
    # labels below say.)
    echo "graded in $(($(date +%s) - t0)) s"
    # The chapter running when the limit came is the limit's, not "stopped
    # (it was killed, or the code ended it)", and no "Killed" (dash's, on
    # a job that died of SIGKILL) is printed above the report.
    grep -q "^dawdler,0,.*,$ch1/parabola-descend (time-limit)\$" "$g/slow-out/gradebook.csv" ||
        { cat "$g/slow-out/gradebook.csv"; return 1; }
    ! grep -q '^Killed' "$g/slow-out/dawdler/grade.log" || { echo "a Killed line:"; head -3 "$g/slow-out/dawdler/grade.log"; return 1; }
    grep -q "TIME-LIMIT parabola-descend" "$g/slow-out/dawdler/report.txt" &&
        grep -q "the submission's time limit of 2 s \(ran out\|was used up\)" "$g/slow-out/dawdler/report.txt" ||
        { cat "$g/slow-out/dawdler/report.txt"; return 1; }
    # (Only the dawdler's: the groups beside this one grade mutants. A
    # killed process may take a moment to go on a loaded machine; the
    # dawdler's loop, left running, never would.)
    dawdler=$(pwd)/$(grader_scratch "$class/dawdler")/
    [ -d "$dawdler" ] || { echo "no scratch folder $dawdler"; return 1; }
    dawdler_gone() { procs=$(ps -eo args) && ! printf '%s\n' "$procs" | grep -F "$dawdler" | grep -q '\.tests'; }
    within 10 dawdler_gone ||
        { echo "a test process outlived its student's time limit by 10 s"; ps -eo pid,args | grep -F "$dawdler"; return 1; }
}
check "grade-class: a student's time limit stops a hanging submission, names the chapter it cut short, and leaves no process behind" \
    student_time_limit

# Stopped half-way (a TERM to its process group, as a closed terminal
# sends; Ctrl-C takes the same path), grade-class stops the student's
# grader with it, keeps the students graded before in the gradebook, and
# leaves no half-written reports, temporary file or process. (timeout ran
# the grader in a group of its own: it went on alone, wrote the student's
# reports 18 s later, and the gradebook never had their row.)
class_stops_when_stopped() {
    class=$g/stopped-class out=$g/stopped-out
    rm -rf "$class" "$out"
    submission "$class/ann" && submission "$class/dawdler" infinite-loop || return 1
    STUDENT_TIME_LIMIT=60 setsid env -u MAKELEVEL -u MAKEFLAGS -u MFLAGS \
        tools/grade-class.sh "$class" "$out" >"$g/stopped.out" 2>"$g/stopped.err" &
    pid=$!
    dawdler=$(pwd)/$(grader_scratch "$class/dawdler")/
    dawdler_runs() { ps -eo args | grep -F "$dawdler" | grep -q '\.tests'; }
    within 120 dawdler_runs || { kill -s KILL -- "-$pid"; echo "the dawdler's tests never ran"; cat "$g/stopped.out"; return 1; }
    kill -s TERM -- "-$pid"
    wait "$pid"
    status=$?
    [ "$status" -eq 130 ] || { echo "status $status, expected 130"; cat "$g/stopped.err"; return 1; }
    grep -q "^grade-class: stopped while grading dawdler; the gradebook keeps the 1 students graded before" "$g/stopped.err" ||
        { cat "$g/stopped.err"; return 1; }
    grep -q '^ann,' "$out/gradebook.csv" && ! grep -q '^dawdler' "$out/gradebook.csv" || { cat "$out/gradebook.csv"; return 1; }
    [ ! -e "$out/dawdler" ] || { echo "the dawdler's half-made reports were left"; ls -la "$out/dawdler"; return 1; }
    [ -z "$(ls -A "$out" | grep '^\.gradebook')" ] || { echo "a temporary gradebook was left"; return 1; }
    dawdler_gone() { ! dawdler_runs && ! pgrep -f -- "grade.sh .*$class/dawdler" >/dev/null; }
    within 10 dawdler_gone || { echo "the dawdler's grading outlived grade-class"; ps -eo pid,args | grep -F dawdler; return 1; }
    # A regrade stopped keeps the gradebook and the student's reports as
    # they were: stopped while the student's tests run, and stopped while
    # the new row goes in (an awk that waits there widens that moment: the
    # stop once emptied the rows mid-replacement, and the gradebook was
    # written back with none).
    book=$(cat "$out/gradebook.csv") reports=$(listing_of "$out/ann")
    # (chapter 1 alone, hung: the others are missing, graded at once)
    submission "$class/ann" infinite-loop && find "$class/ann" -name '*.c' ! -name "$ch1.c" -delete || return 1
    ann=$(pwd)/$(grader_scratch "$class/ann")/
    ann_runs() { ps -eo args | grep -F "$ann" | grep -q '\.tests'; }
    ann_done() { ! ann_runs; }
    mark=$g/slow-awk/replacing
    mkdir -p "$g/slow-awk" && printf '%s\n' '#!/bin/sh' "case \"\$*\" in *mode=regrade*) : >'$mark'; sleep 30 ;; esac" \
        "exec $(command -v awk) \"\$@\"" >"$g/slow-awk/awk" && chmod +x "$g/slow-awk/awk" || return 1
    in_regrade() { [ -e "$mark" ]; }
    for moment in ann_runs in_regrade; do
        rm -f "$mark"
        STUDENT_TIME_LIMIT=60 STUDENT=ann PATH=$g/slow-awk:$PATH setsid env -u MAKELEVEL -u MAKEFLAGS -u MFLAGS \
            tools/grade-class.sh "$class" "$out" >"$g/stopped.out" 2>"$g/stopped.err" &
        pid=$!
        within 120 $moment || { kill -s KILL -- "-$pid"; echo "the regrade never got to $moment"; cat "$g/stopped.out"; return 1; }
        kill -s TERM -- "-$pid"
        wait "$pid"
        status=$?
        [ "$status" -eq 130 ] && grep -q "^grade-class: stopped while regrading ann; the gradebook and ann's reports are as they were" "$g/stopped.err" ||
            { echo "status $status"; cat "$g/stopped.err"; return 1; }
        [ "$(cat "$out/gradebook.csv")" = "$book" ] || { echo "a regrade stopped at $moment changed the gradebook:"; cat "$out/gradebook.csv"; return 1; }
        [ "$(listing_of "$out/ann")" = "$reports" ] || { echo "a regrade stopped at $moment changed ann's reports"; ls -la "$out/ann"; return 1; }
        [ -z "$(ls -A "$out" | grep '^\.\(gradebook\|regrade\)')" ] || { echo "a temporary file was left:"; ls -A "$out"; return 1; }
        # (ann's wait for a hung test is the one it gets graded with next: a new one)
        within 10 ann_done || { echo "ann's grading outlived the regrade"; return 1; }
    done
}
check "grade-class stopped half-way: the student's grader stops too, the gradebook keeps the students before, nothing half-made is left; a regrade stopped leaves the gradebook and that student's reports as they were" \
    class_stops_when_stopped

# The grader's own make stopping before it compiles a student's file (as
# the sandbox's make once did at its first line, when it asked whether
# build/ was its user's) is the grader's failure: the student is NOT
# GRADED, with the make's words, never 0 points for "does not compile"
# with no compiler message. (A make that stops only on the student's
# side, where that one stopped.)
grader_failure_is_not_the_students() {
    # (a level down: the folder above a class is hidden from the sandbox,
    # and the stalling make must stay in its sight)
    class=$g/stalled/class
    submission "$class/ann" || return 1
    cat >"$g/stalling-make" <<'EOS'
#!/bin/sh
case " $* " in
    *" GRADE_SIDE=student "*) echo "Makefile:31: *** the student's side cannot be built here.  Stop." >&2; exit 2 ;;
esac
exec make "$@"
EOS
    chmod 755 "$g/stalling-make"
    MAKE=$(pwd)/$g/stalling-make tools/grade-class.sh "$class" "$g/stalled-out" >"$g/stalled.out" 2>&1 &&
        { echo "grade-class exited with 0"; cat "$g/stalled.out"; return 1; }
    grep -q '^\[1 of 1\] ann: NOT GRADED (status 2' "$g/stalled.out" || { cat "$g/stalled.out"; return 1; }
    grep -q "grader's make stopped before it compiled" "$g/stalled-out/ann/grade.log" &&
        grep -q "the student's side cannot be built here" "$g/stalled-out/ann/grade.log" ||
        { echo "grade.log does not say so with the make's words:"; cat "$g/stalled-out/ann/grade.log"; return 1; }
    ! grep -q 'does not compile' "$g/stalled-out/ann/grade.log" || { echo "blamed on the student's file"; return 1; }
}
check "grade-class: a grader's make that stops before compiling a file leaves the student NOT GRADED with its words, never 0 for \"does not compile\"" \
    grader_failure_is_not_the_students

# ------------------------------------------------------------ make hint
hints_name_the_exercise() {
    submission "$g/hint" sign-error || return 1
    want=$(awk -F '\t' '$2 == "mse-grad" { print $9 }' build/grade/list/$ch1.tsv)
    make --no-print-directory -s hint CH=01 EXERCISES="$g/hint" >"$g/hint.out" 2>&1 || { cat "$g/hint.out"; return 1; }
    grep -q '^mse-grad, mse_grad()' "$g/hint.out" && grep -qF "Hint: $want" "$g/hint.out" || { cat "$g/hint.out"; return 1; }
    want=$(awk -F '\t' '$2 == "linreg-train" { print $9 }' build/grade/list/$ch1.tsv)
    make --no-print-directory -s hint EX=linreg-train EXERCISES="$g/hint" >"$g/hint.out" 2>&1 || return 1
    grep -q 'linreg-train, linreg_train() .*: FAIL' "$g/hint.out" && grep -qF "Hint: $want" "$g/hint.out" ||
        { cat "$g/hint.out"; return 1; }
    ! make --no-print-directory -s hint EX=no-such-exercise EXERCISES="$g/hint" >/dev/null 2>&1 || return 1
    make --no-print-directory -s hint EXERCISES=solutions | grep -q '^Every exercise passes: no hint needed' || return 1
    # One chapter complete is said of that chapter, not of every one.
    make --no-print-directory -s hint CH=01 EXERCISES=solutions | grep -q '^Every exercise of chapter 01 passes: no hint needed' ||
        return 1
}
check "make hint CH=01 and make hint EX=... print the right exercise's hint; CH=01 complete is said of chapter 01 alone" hints_name_the_exercise

# make check EX=NAME (or NN/NAME) grades that exercise: its status and
# diagnostic, and its verdict as the exit status.
check_one_exercise() {
    submission "$g/one" sign-error || return 1
    ! make --no-print-directory -s check EX=mse-grad EXERCISES="$g/one" >"$g/one.out" 2>&1 ||
        { echo "a failing exercise exited 0"; return 1; }
    grep -q '^mse-grad, mse_grad() .*: FAIL' "$g/one.out" || { cat "$g/one.out"; return 1; }
    ! grep -q 'parabola-descend' "$g/one.out" || { echo "other exercises shown"; return 1; }
    make --no-print-directory -s check CH=01 EX=01/parabola-descend EXERCISES="$g/one" >"$g/one.out" 2>&1 ||
        { cat "$g/one.out"; echo "a passing exercise exited non-zero"; return 1; }
    grep -q '^parabola-descend, parabola_descend() .*: passes' "$g/one.out" || { cat "$g/one.out"; return 1; }
    ! make --no-print-directory -s check EX=02/mse-grad EXERCISES="$g/one" >/dev/null 2>&1 ||
        { echo "EX=02/mse-grad (chapter 1's name) was accepted"; return 1; }
    # The function's name, as the report prints it, names the exercise too.
    make --no-print-directory -s check 'EX=parabola_descend()' EXERCISES="$g/one" >"$g/one.out" 2>&1 &&
        grep -q '^parabola-descend, parabola_descend() .*: passes' "$g/one.out" ||
        { cat "$g/one.out"; echo "EX=parabola_descend() was not taken for parabola-descend"; return 1; }
    # ... also where the exercise is named otherwise (train-step asks for
    # linreg_train_step()); a name that matches nothing is refused with the
    # exercises that share a word with it, and status 2 (make's 141 here).
    make --no-print-directory -s check EX=linreg_train_step EXERCISES="$g/one" >"$g/one.out" 2>&1 &&
        grep -q '^train-step, linreg_train_step() .*: passes' "$g/one.out" ||
        { cat "$g/one.out"; echo "EX=linreg_train_step was not taken for train-step"; return 1; }
    make --no-print-directory -s check EX=accumulate EXERCISES="$g/one" >"$g/one.out" 2>&1 &&
        { echo "an unknown EX was accepted"; return 1; }
    grep -qx 'EX=accumulate: no exercise has that name or function; did you mean backward-accumulate, accumulated-step?' "$g/one.out" ||
        { cat "$g/one.out"; echo "no suggestion for EX=accumulate"; return 1; }
}
check "make check EX=... (or EX=NN/..., or the function's name) grades one exercise, its verdict the exit status" check_one_exercise

# What a student reads: a whole copy of the course (the files in its
# exercises/) with a wrong mse_grad() and a warning: the report names the
# right path, says linreg_step() fails because of mse_grad(), shows the
# warning with the student's path and line, and make adds no "***" line of
# its own; a complete chapter points to the next; every lesson section the
# grader links to exists in the built book.
report_reads_well() {
    submission "$g/repo/exercises" missing-factor-2 || return 1
    echo 'int stray_flag(int k, int steps) { if (k = steps) return 1; return 0; }' >>"$g/repo/exercises/$ch1.c"
    src=$g/repo/exercises/$ch1.c
    own_make . check CH=01 EXERCISES="$g/repo" >"$g/repo.out" 2>&1 &&
        { echo "a failing check exited 0"; return 1; }
    ! grep -q '^make.*\*\*\*' "$g/repo.out" || { echo "make's own error line is shown"; return 1; }
    grep -qF "First failing exercise: mse_grad() in $src (mse-grad)" "$g/repo.out" ||
        { echo "wrong path for a whole-repo submission"; cat "$g/repo.out"; return 1; }
    make --no-print-directory -s check EX=linreg-step EXERCISES="$g/repo" >"$g/repo-step.out" 2>&1
    grep -q 'mse_grad() fails too, and linreg_step() calls it: fix mse-grad first' "$g/repo-step.out" ||
        { echo "no follow-on message"; cat "$g/repo-step.out"; return 1; }
    for out in "$g/repo.out" "$g/repo-step.out"; do
        grep -qE "^  \| $src:[0-9]+:[0-9]+: warning: .*-Wparentheses" "$out" ||
            { echo "the compiler's warning is not shown with the student's path and line"; cat "$out"; return 1; }
    done
    make --no-print-directory -s grade SUBMISSION="$g/repo" OUT="$g/repo-report" CH=01 >/dev/null 2>&1
    jq -e '.tests[] | select(.name | test("linreg-step")) | .output | test("mse_grad\\(\\) fails too, and linreg_step\\(\\) calls it")' \
        "$g/repo-report/results.json" >/dev/null || { echo "results.json has no follow-on message"; return 1; }
    make --no-print-directory -s check CH=01 EXERCISES=solutions >"$g/next.out" 2>&1 || return 1
    grep -q '^Chapter 01 is complete. Next: chapter 02, Gradient accumulation: .*make check CH=02' "$g/next.out" ||
        { echo "no pointer to the next chapter"; cat "$g/next.out"; return 1; }
    tools/grade.sh --quiet --results "$g/all.tsv" solutions >/dev/null || return 1
    awk -F '\t' '$1 != "chapter" { print $11 }' "$g/all.tsv" | sort -u | while IFS='#' read -r page id; do
        grep -q "id=\"$id\"" "$page" || { echo "$page has no section #$id"; exit 1; }
    done
}
check "the report: whole-repo path, follow-on failures, compiler warnings (EX= too), no make noise, next chapter, book links" \
    report_reads_well

# Before make has built the book (make check straight after cloning), the
# report's "Read:" line says so rather than give a page that is not there.
# (Here the book is built: its pages are renamed in the results instead.)
book_link_says_when_unbuilt() {
    tools/grade.sh --quiet --results "$g/book.tsv" exercises 01 >/dev/null
    awk -F '\t' -v OFS='\t' '$1 != "chapter" { sub(/^build\/book\//, "build/unbuilt-book/", $11) } 1' \
        "$g/book.tsv" >"$g/unbuilt.tsv" || return 1
    awk -F '\t' -v mode=table -f tools/report.awk "$g/unbuilt.tsv" >"$g/unbuilt.out" || return 1
    grep -q '^  Read: chapters/01-gradient-descent.md, section "A first descent"; in the book (make builds it), build/unbuilt-book/01-gradient-descent.html#a-first-descent$' "$g/unbuilt.out" ||
        { cat "$g/unbuilt.out"; return 1; }
    awk -F '\t' -v mode=table -f tools/report.awk "$g/book.tsv" |
        grep -q '^  Read: .*; in the book, build/book/01-gradient-descent.html#a-first-descent$' ||
        { echo "a built page is not given as such"; return 1; }
}
check "the report's book link says \"make builds it\" while the page is not there" book_link_says_when_unbuilt

# ------------------------------------------------------------ make reset
# same_function F A B: F's definition is the same in files A and B.
same_function() {
    sed -n "/^[A-Za-z].*[ *]$1(/,/^}/p" "$2" >"$g/function-a"
    sed -n "/^[A-Za-z].*[ *]$1(/,/^}/p" "$3" >"$g/function-b"
    [ -s "$g/function-a" ] && cmp -s "$g/function-a" "$g/function-b"
}
reset_asks_and_keeps_a_backup() {
    dir=$g/reset
    mkdir -p "$dir"
    cp solutions/$ch1.c "$dir/"
    awk -f tools/make-stub.awk solutions/$ch1.c >"$g/pristine.c"
    echo n | make --no-print-directory -s reset EX=mse-grad EXERCISES="$dir" >/dev/null 2>&1
    cmp -s solutions/$ch1.c "$dir/$ch1.c" || { echo "changed the file after a no"; return 1; }
    make --no-print-directory -s reset EX=mse-grad EXERCISES="$dir" </dev/null >/dev/null 2>&1
    cmp -s solutions/$ch1.c "$dir/$ch1.c" || { echo "changed the file without an answer"; return 1; }
    echo y | make --no-print-directory -s reset EX=mse-grad EXERCISES="$dir" >/dev/null || return 1
    cmp solutions/$ch1.c "$dir"/backups/$ch1.*.c || { echo "no backup of the student's version"; return 1; }
    # Only mse_grad() is the stub's again: every other function is as the
    # student wrote it (here, the solution's).
    for f in mse_loss linreg_step linreg_train; do
        same_function $f "$dir/$ch1.c" solutions/$ch1.c || { echo "reset EX=mse-grad changed $f()"; return 1; }
    done
    same_function mse_grad "$dir/$ch1.c" "$g/pristine.c" || { echo "mse_grad() is not the pristine stub's"; return 1; }
    # make restore brings the function back from the backup, keeping
    # another backup first; a second reset of a pristine function does nothing.
    FORCE=1 make --no-print-directory -s restore EX=mse-grad EXERCISES="$dir" >/dev/null || return 1
    cmp solutions/$ch1.c "$dir/$ch1.c" || { echo "restore EX=mse-grad did not bring the solution back"; return 1; }
    [ "$(ls "$dir/backups" | wc -l)" -eq 2 ] || { echo "restore kept no backup of what it replaced"; return 1; }
    # A definition not written as the stub writes it (type on its own
    # line) is refused, and the file is left alone.
    sed 's/^double mse_loss(/double\nmse_loss(/' solutions/$ch1.c >"$dir/$ch1.c"
    cp "$dir/$ch1.c" "$g/split.c"
    FORCE=1 make --no-print-directory -s reset EX=mse-loss EXERCISES="$dir" >/dev/null 2>"$g/reset.err" &&
        { echo "reset of an unrecognised definition succeeded"; return 1; }
    cmp -s "$g/split.c" "$dir/$ch1.c" || { echo "a refused reset changed the file"; return 1; }
    grep -q 'make reset EX=01' "$g/reset.err" || { echo "no way out named: $(cat "$g/reset.err")"; return 1; }
    echo 'double extra;' >>"$dir/$ch1.c"
    make --no-print-directory -s reset EX=01 FORCE=1 EXERCISES="$dir" </dev/null >/dev/null || return 1
    cmp "$g/pristine.c" "$dir/$ch1.c" || return 1
    [ "$(ls "$dir/backups" | wc -l)" -eq 3 ] || { echo "FORCE=1 kept no backup"; return 1; }
    # EX=NN/NAME names the chapter too (for a name two chapters share): the
    # wrong chapter is refused; with the right one, only that function of
    # that chapter's file is reset.
    cp solutions/04-optimizers.c "$dir/"
    awk -f tools/make-stub.awk solutions/04-optimizers.c >"$g/pristine-04.c"
    FORCE=1 make --no-print-directory -s reset EX=02/sgd-step EXERCISES="$dir" >/dev/null 2>&1 &&
        { echo "EX=02/sgd-step (chapter 4's name) was accepted"; return 1; }
    FORCE=1 make --no-print-directory -s reset EX=04/sgd-step EXERCISES="$dir" >/dev/null || return 1
    same_function adam_step "$dir/04-optimizers.c" solutions/04-optimizers.c ||
        { echo "reset EX=04/sgd-step changed adam_step()"; return 1; }
    same_function sgd_step "$dir/04-optimizers.c" "$g/pristine-04.c" || { echo "sgd_step() is not the stub's"; return 1; }
    # An exercise of two functions resets both, named by the exercise or
    # by either function (as make check takes them); the rest stays.
    for ex in from-double bf16_from_double; do
        cp solutions/09-precision.c "$dir/"
        awk -f tools/make-stub.awk solutions/09-precision.c >"$g/pristine-09.c"
        FORCE=1 make --no-print-directory -s reset EX=$ex EXERCISES="$dir" >/dev/null 2>"$g/reset.err" ||
            { echo "reset EX=$ex failed: $(cat "$g/reset.err")"; return 1; }
        for f in fp16_from_double bf16_from_double; do
            same_function $f "$dir/09-precision.c" "$g/pristine-09.c" || { echo "reset EX=$ex left $f() as it was"; return 1; }
        done
        same_function grads_unscale "$dir/09-precision.c" solutions/09-precision.c ||
            { echo "reset EX=$ex changed grads_unscale()"; return 1; }
    done
}
check "make reset EX=... resets only that exercise's functions, asks, keeps a backup, make restore brings it back" \
    reset_asks_and_keeps_a_backup

# A file saved with Windows line endings (\r\n) is reset and restored as
# any other: make reset refused it ("a definition has no closing } at
# column 0"). The stub's function comes in with \r\n too, every other line
# stays as it was, and make restore gives back the very bytes.
reset_keeps_windows_line_endings() {
    dir=$g/reset-crlf
    mkdir -p "$dir"
    sed 's/$/\r/' solutions/$ch1.c >"$dir/$ch1.c"
    cp "$dir/$ch1.c" "$g/crlf.c"
    FORCE=1 make --no-print-directory -s reset EX=mse-grad EXERCISES="$dir" >/dev/null 2>"$g/reset.err" ||
        { cat "$g/reset.err"; return 1; }
    awk -f tools/make-stub.awk solutions/$ch1.c | sed 's/$/\r/' >"$g/pristine-crlf.c"
    same_function mse_grad "$dir/$ch1.c" "$g/pristine-crlf.c" || { echo "mse_grad() is not the stub's, with CR LF endings"; return 1; }
    same_function mse_loss "$dir/$ch1.c" "$g/crlf.c" || { echo "reset changed mse_loss()"; return 1; }
    [ "$(grep -c "$(printf '\r')\$" "$dir/$ch1.c")" -eq "$(wc -l <"$dir/$ch1.c")" ] ||
        { echo "some lines lost their CR"; return 1; }
    FORCE=1 make --no-print-directory -s restore EX=mse-grad EXERCISES="$dir" >/dev/null || return 1
    cmp "$g/crlf.c" "$dir/$ch1.c" || { echo "restore did not give back the CR LF file"; return 1; }
    # The whole file (EX=01): the stub, every line with CR LF.
    FORCE=1 make --no-print-directory -s reset EX=01 EXERCISES="$dir" >/dev/null || return 1
    cmp "$g/pristine-crlf.c" "$dir/$ch1.c" || { echo "make reset EX=01 did not write the stub with CR LF endings"; return 1; }
    FORCE=1 make --no-print-directory -s restore EX=01 EXERCISES="$dir" >/dev/null || return 1
    cmp "$g/crlf.c" "$dir/$ch1.c" || { echo "make restore EX=01 did not give back the CR LF file"; return 1; }
}
check "make reset and make restore EX=... and EX=01 on a file with Windows line endings (CR LF): they keep them" \
    reset_keeps_windows_line_endings

# ------------------------------------------------------------ make watch
# watch_regrades POLL: starts the watcher on a copy of the stubs, saves the
# solution over chapter 1's file, and expects a re-grade to full marks of
# that chapter, then a clean stop on SIGINT (what Ctrl-C sends).
watch_regrades() {
    watch_and_save "watch-$1" "$1" '^Score: 0/' 'Every exercise of chapter 01 passes' 01 || return 1
    [ "$code" -eq 0 ] || { echo "exit status $code after Ctrl-C"; return 1; }
    tail -n 1 "$out" | grep -q 'Stopped watching.' || { tail -n 3 "$out"; return 1; }
    [ "$(grep -c '^Score: ' "$out")" -eq 2 ] || { echo "graded other than twice"; cat "$out"; return 1; }
}

# watch_and_save NAME POLL BEFORE AFTER ARGS...: starts tools/watch.sh on a
# copy of the stubs in $g/NAME (ARGS follow the folder; WATCH_POLL=POLL),
# waits for a grading whose output matches BEFORE, saves the solution over
# chapter 1's file, waits for one matching AFTER, and stops the watcher
# with SIGINT (what Ctrl-C sends). Its output is in $out, its exit status
# in $code.
watch_and_save() {
    dir=$g/$1 out=$g/$1.out poll=$2 before=$3 after=$4
    shift 4
    stubs_of "$dir" || return 1
    : >"$out"
    WATCH_POLL=$poll WATCH_INTERVAL=0.2 env --default-signal=INT tools/watch.sh "$dir" "$@" >"$out" 2>&1 &
    watcher=$!
    await "$before" "no first grading" || return 1
    cp solutions/$ch1.c "$dir/$ch1.c.new" && mv "$dir/$ch1.c.new" "$dir/$ch1.c"
    await "$after" "no re-grade after the save" || return 1
    kill -INT "$watcher"
    wait "$watcher"
    code=$?
}

# await PATTERN WHAT: waits for PATTERN in the watcher's output $out; if
# it does not come, stops the watcher and says WHAT was missing. A minute
# for each grading, by the clock: on a loaded machine (make test's other
# groups beside this one) one takes seconds, not tenths.
await() {
    within 60 grep -q "$1" "$out" || { kill "$watcher"; echo "$2"; cat "$out"; return 1; }
}
if command -v inotifywait >/dev/null 2>&1; then
    check "make watch re-grades on save (inotifywait), and stops cleanly on Ctrl-C" watch_regrades 0
fi
check "make watch re-grades on save (polling), and stops cleanly on Ctrl-C" watch_regrades 1

# Which chapter make watch grades: in a fresh copy of the stubs, chapter 1
# even when its file is the oldest (a clone writes it a tick before the
# others); after a save in chapter 3, chapter 3.
watch_follows_edits() {
    dir=$g/watch-which out=$g/watch-which.out
    rm -rf "$dir" && stubs_of "$dir" || return 1
    touch -d '1 hour ago' "$dir/$ch1.c"
    WATCH_POLL=1 WATCH_INTERVAL=0.2 env --default-signal=INT tools/watch.sh "$dir" >"$out" 2>&1 &
    watcher=$!
    await '^Score: ' "no first grading" || return 1
    ch3=$(basename tests/03-*.c)
    cp "solutions/$ch3" "$dir/$ch3.new" && mv "$dir/$ch3.new" "$dir/$ch3"
    await "^Watching .*/03-\*\.c" "no grading of chapter 3 after its save" || return 1
    kill -INT "$watcher"
    wait "$watcher"
    grep -m 1 '^Watching ' "$out" | grep -q "/01-\*\.c" || { echo "first watched:"; grep -m 1 '^Watching' "$out"; return 1; }
}
check "make watch grades chapter 1 in a fresh copy (its file the oldest), then the chapter saved" watch_follows_edits

# make watch EX=NAME shows that exercise alone, re-graded on save; a name
# that is no exercise stops it at once (waiting would never help).
watch_one_exercise() {
    watch_and_save watch-ex 1 '^mse-grad, mse_grad() .*: FAIL' '^mse-grad, mse_grad() .*: passes' "" mse-grad ||
        return 1
    ! grep -q '^Score: \|parabola-descend' "$out" || { echo "other exercises shown"; return 1; }
    # (a minute, as for a grading above: this one grades every chapter)
    timeout 60 tools/watch.sh "$dir" "" no-such-exercise >"$g/watch-unknown.out" 2>&1
    status=$?
    [ "$status" -eq 2 ] || { echo "EX=no-such-exercise stopped with status $status, not 2:"; cat "$g/watch-unknown.out"; return 1; }
    # A chapter that does not exist: one line, before any "Watching ..."
    # header (which read as if the watching had started).
    timeout 60 tools/watch.sh "$dir" 11 >"$g/watch-unknown.out" 2>&1
    status=$?
    [ "$status" -eq 2 ] && [ "$(wc -l <"$g/watch-unknown.out")" -eq 1 ] &&
        grep -q '^watch: CH=11: there is no chapter 11; the chapters are 01 02 ' "$g/watch-unknown.out" ||
        { echo "CH=11 stopped with status $status, saying:"; cat "$g/watch-unknown.out"; return 1; }
}
check "make watch EX=... re-grades one exercise on save; an unknown EX, or CH, stops it with one line" watch_one_exercise

# What a submission prints or plants never takes over the report: a
# compile error quoting a line with a terminal escape and a byte that is
# not UTF-8 is shown without them, and results.json stays valid UTF-8
# JSON; a FIFO planted where the report goes is replaced, not opened (the
# grading ends); a folder named like a spreadsheet formula stays text in
# the gradebook.
report_is_text() {
    dir=$g/escapes
    submission "$dir" || return 1
    # (and the escape's 8-bit form, CSI, U+009B, which UTF-8 writes C2 9B;
    # and U+202E, which shows the text after it right to left)
    printf 'int broken = not_declared; /* \033[2J\033[1;1Hfake report \351 \302\2332J \342\200\256 02/02 */\n' >>"$dir/$ch1.c"
    make --no-print-directory -s grade SUBMISSION="$dir" OUT="$g/escapes-report" CH=01 >/dev/null 2>&1
    grep -q 'not_declared' "$g/escapes-report/report.txt" || { echo "the compiler's message is missing"; return 1; }
    ! LC_ALL=C grep -q "$(printf '\033')" "$g/escapes-report/report.txt" || { echo "an escape reached the report"; return 1; }
    ! LC_ALL=C grep -q "$(printf '\302\233')" "$g/escapes-report/report.txt" "$g/escapes-report/results.json" ||
        { echo "a C1 control (CSI) reached the report"; return 1; }
    ! LC_ALL=C grep -q "$(printf '\342\200\256')" "$g/escapes-report/report.txt" "$g/escapes-report/results.json" ||
        { echo "a right-to-left override (U+202E) reached the report"; return 1; }
    iconv -f UTF-8 -t UTF-8 "$g/escapes-report/results.json" >/dev/null 2>&1 &&
        jq -e .tests "$g/escapes-report/results.json" >/dev/null || { echo "results.json is not valid UTF-8 JSON"; return 1; }
    # Escapes by another road: through the sandbox witness, which reports
    # the path of a refused fopen() (tests/sandbox-witness.c), so the path
    # carries the escapes and a bell.
    dir=$g/escapes2
    submission "$dir" || return 1
    sed -i 's|^double mse_loss(|#include <stdio.h>\n&|' "$dir/$ch1.c"
    sed -i '/^double mse_loss(/,/^}/s|^{|{\n    fopen("/\\033[2J\\033]0;pwned\\007fake report\\351", "w");|' "$dir/$ch1.c"
    grep -q 'pwned' "$dir/$ch1.c" || { echo "the second submission was not built as meant"; return 1; }
    make --no-print-directory -s grade SUBMISSION="$dir" OUT="$g/escapes2-report" CH=01 >/dev/null 2>&1
    grep -q 'fake report' "$g/escapes2-report/report.txt" || { echo "the refused fopen is not reported"; return 1; }
    ! LC_ALL=C grep -q "$(printf '\033')\\|$(printf '\007')" "$g/escapes2-report/report.txt" ||
        { echo "an escape or a bell reached the report through the witness"; return 1; }
    iconv -f UTF-8 -t UTF-8 "$g/escapes2-report/results.json" >/dev/null 2>&1 &&
        jq -e .tests "$g/escapes2-report/results.json" >/dev/null || { echo "results.json is not valid UTF-8 JSON"; return 1; }
    # A FIFO already at the report's path. A submission cannot plant one
    # (its tests run in the sandbox, where build/ is read-only), but
    # whatever lies there must neither hang the grader nor take the report:
    # grade.sh writes beside it and renames, never opening it.
    fifo_dir=$g/fifo-out
    mkdir -p "$fifo_dir" && rm -f "$fifo_dir/report.txt" && mkfifo "$fifo_dir/report.txt" || return 1
    timeout 60 tools/grade.sh --report "$fifo_dir/report.txt" solutions 01 >/dev/null 2>&1
    [ $? -ne 124 ] || { echo "a FIFO at the report's path hung the grader"; return 1; }
    [ -f "$fifo_dir/report.txt" ] && [ ! -p "$fifo_dir/report.txt" ] &&
        grep -q 'parabola-descend' "$fifo_dir/report.txt" ||
        { echo "the report is not a regular file holding the report"; ls -l "$fifo_dir"; return 1; }
    printf '01-gradient-descent\tparabola-descend\tparabola_descend()\t2\t2\tpass\t\t\t\tvisible\t\n' >"$g/one-row.tsv"
    row=$(student='=HYPERLINK("x")' awk -F '\t' -v mode=gradebook -v stems=01-gradient-descent \
              -f tools/report.awk "$g/one-row.tsv")
    case "$row" in "\"'=HYPERLINK"*) ;; *) echo "a formula-like name reached the gradebook as $row"; return 1 ;; esac
    # No two names make one field: =x and '=x once both became '=x, and a
    # regrade of one replaced the other's row too. And a semicolon is
    # quoted, for a spreadsheet that splits at semicolons ("b;=1+1;" was a
    # name, a live formula and a name).
    field_of() {
        student=$1 awk -F '\t' -v mode=gradebook -v stems=01-gradient-descent -f tools/report.awk "$g/one-row.tsv" |
            sed 's/,.*//'
    }
    [ "$(field_of '=x')" = "'=x" ] && [ "$(field_of "'=x")" = "''=x" ] && [ "$(field_of "'x")" = "''x" ] ||
        { echo "two names, one field: $(field_of '=x') and $(field_of "'=x")"; return 1; }
    [ "$(field_of 'b;=1+1;')" = '"b;=1+1;"' ] || { echo "a semicolon left unquoted: $(field_of 'b;=1+1;')"; return 1; }
    both=$(printf "'=x,20\n''=x,0\n" | student="'=x" row="''=x,20" awk -v mode=regrade -f tools/report.awk)
    [ "$both" = "$(printf "'=x,20\n''=x,20")" ] || { echo "a regrade of '=x replaced:"; printf '%s\n' "$both"; return 1; }
}
check "the report is text: escapes and bad bytes dropped, a planted FIFO replaced, formula-like names kept as text, one field per name, semicolons quoted" report_is_text

# make grade runs a submission's tests in a sandbox (bubblewrap): this one
# tries, from inside its mse_loss(), to write into another student's report
# and into the course, to make a file of any kind in its own folder (64 MB
# files without end would fill the disk), to reserve space past its output
# file's end, change its folder's mode, or take memory no process's limit
# counts (memfd, System V shared memory, io_uring), to read the folder of
# submissions it came from, to reach the network, to leave a process
# behind with setsid(), and to fork 400 processes (the sandbox allows 128
# more than its user has). Every attempt that succeeds makes mse_loss()
# wrong, so full marks mean all of them failed; the other student's report
# must be unchanged, no process of the submission may outlive its grading,
# and the report names each attempt the sandbox refused
# (tests/sandbox-witness.c).
# The intruders' fork bomb, reined in: 400 children that wait, then are
# killed, without starving Check; it returns how many forks succeeded.
# (The sandbox's seccomp filter refuses every fork first; its process
# limit and PID namespace are probed apart, in sandbox_contains_more.)
fork_bomb_c='static int fork_bomb(void)
{
    int kids[400], forked = 0;
    for (int i = 0; i < 400; i++) {
        int pid = fork();
        if (pid == 0) { pause(); _exit(0); }
        if (pid > 0) kids[forked++] = pid;
    }
    for (int i = 0; i < forked; i++) kill(kids[i], 9);
    for (int i = 0; i < forked; i++) waitpid(kids[i], 0, 0);
    return forked;
}'

# A listener on the host's loopback, and a client for it: an address that
# answers outside the sandbox, so that a refused connection inside it is
# the sandbox's network namespace at work, not a host that is offline.
net_probe_c='#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
int main(int argc, char **argv)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (s < 0) return 2;
    if (argc > 1) { /* client: net-probe PORT */
        a.sin_port = htons((unsigned short)atoi(argv[1]));
        return connect(s, (struct sockaddr *)&a, sizeof a) == 0 ? 0 : 1;
    }
    socklen_t n = sizeof a;
    if (bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 16) ||
        getsockname(s, (struct sockaddr *)&a, &n)) return 2;
    printf("%d\n", ntohs(a.sin_port));
    fflush(stdout);
    alarm(600); /* never outlives a stuck self-test */
    for (;;) { int c = accept(s, 0, 0); if (c >= 0) close(c); }
}'

sandbox_contains() {
    bwrap --ro-bind / / --unshare-all --die-with-parent -- true 2>/dev/null ||
        { echo "bwrap cannot run here (make deps installs bubblewrap)"; return 1; }
    printf '%s\n' "$net_probe_c" >"$g/net-probe.c" && cc -O2 -o "$g/net-probe" "$g/net-probe.c" || return 1
    rm -f "$g/net-port"
    "$g/net-probe" >"$g/net-port" & listener=$!
    within 10 test -s "$g/net-port" || { kill "$listener"; echo "the loopback listener printed no port in 10 s"; return 1; }
    port=$(cat "$g/net-port")
    "$g/net-probe" "$port" || { kill "$listener"; echo "the loopback listener does not answer outside the sandbox"; return 1; }
    class=$root/$g/class
    rm -rf "$class" && mkdir -p "$class/victim" "$class/intruder" || return 1
    cp solutions/[0-9][0-9]-*.c "$class/victim/" && cp solutions/[0-9][0-9]-*.c "$class/intruder/" || return 1
    make --no-print-directory -s grade SUBMISSION="$class/victim" OUT="$root/build/reports/victim" CH=01 >/dev/null 2>&1
    sum=$(cksum <"$root/build/reports/victim/results.json")
    cat >"$g/escape.c" <<EOC
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
int socket(int, int, int);
int connect(int, const void *, unsigned);
int bind(int, const void *, unsigned);
long syscall(long, ...);
$fork_bomb_c
static int escaped(void)
{
    static int tried;
    if (tried++)
        return 0; /* once per test process */
    int bad = 0;
    FILE *f = fopen("$root/build/reports/victim/results.json", "w");
    if (f) { fputs("{\"score\": 0}", f); fclose(f); bad++; }
    f = fopen("$root/sandbox-escaped", "w");
    if (f) { fclose(f); bad++; }
    if (access("$class/victim/$ch1.c", R_OK) == 0) bad++;
    /* In its own folder, the one it may write: no new file of any kind. */
    f = fopen("junk", "w");
    if (f) { fclose(f); bad++; }
    if (open("junk-open", O_WRONLY | O_CREAT, 0600) >= 0) bad++;
    if (open(".", 020000000 | O_DIRECTORY | O_WRONLY, 0600) >= 0) bad++; /* O_TMPFILE */
    if (mkdir("junk-folder", 0700) == 0) bad++;
    if (symlink("junk", "junk-link") == 0) bad++;
    if (tmpfile()) bad++;
    struct { unsigned short family; char path[108]; } named = {1, "junk-socket"}; /* AF_UNIX */
    if (bind(socket(1, 1, 0), &named, sizeof named) == 0) bad++;
    if (syscall(SYS_renameat2, -100, "no-such", -100, "junk-renamed", 4) == 0 || errno != EPERM) bad++; /* AT_FDCWD, RENAME_WHITEOUT */
    /* ...nor space past a file's end, a mode changed, or memory no limit counts. */
    if (syscall(SYS_fallocate, 1, 1, 0, 1 << 20) == 0) bad++; /* FALLOC_FL_KEEP_SIZE, on its own output */
    if (chmod(".", 0700) == 0) bad++;
    if (syscall(SYS_memfd_create, "junk", 0) >= 0) bad++;
    if (syscall(SYS_shmget, 0, 4096, 01000 | 0600) >= 0) bad++; /* IPC_PRIVATE, IPC_CREAT */
    unsigned char ring[120] = {0};
    if (syscall(SYS_io_uring_setup, 1, ring) >= 0) bad++;
    int s = socket(2, 1, 0); /* AF_INET, SOCK_STREAM */
    unsigned char addr[16] = {2, 0, $((port / 256)), $((port % 256)), 127, 0, 0, 1}; /* the host's listener */
    if (s >= 0 && connect(s, addr, sizeof addr) == 0) bad++;
    if (fork() == 0) { setsid(); execl("/bin/sleep", "sleep", "47", (char *)0); _exit(0); }
    if (fork_bomb() > 200) bad++;
    return bad;
}
EOC
    awk -v inc="$g/escape.c" 'NR == 1 { while ((getline l < inc) > 0) print l } { print }' \
        solutions/$ch1.c >"$class/intruder/$ch1.c"
    sed -i '/^double mse_loss(/,/^}/s|return sum / (double)n;|return sum / (double)n + escaped();|' "$class/intruder/$ch1.c"
    grep -q 'escaped();' "$class/intruder/$ch1.c" || { echo "the intruder was not built as meant"; return 1; }
    make --no-print-directory -s grade SUBMISSION="$class/intruder" OUT="$g/intruder-report" CH=01 >/dev/null 2>&1
    kill "$listener" 2>/dev/null
    [ "$(jq .score "$g/intruder-report/results.json")" = 20 ] ||
        { echo "an escape succeeded:"; sed -n '/First failing/,+2p' "$g/intruder-report/report.txt"; return 1; }
    [ "$(cksum <"$root/build/reports/victim/results.json")" = "$sum" ] || { echo "the victim's report changed"; return 1; }
    # Each attempt is named to the student, in the report and results.json.
    for attempt in "connecting to the network" "starting another process (fork)" "opening (fopen) junk:" \
                   "making a temporary file (tmpfile)" \
                   "$root/sandbox-escaped" "$root/build/reports/victim/results.json" "$class/victim/$ch1.c"; do
        grep -qF -- "$attempt" "$g/intruder-report/report.txt" &&
            jq -r .output "$g/intruder-report/results.json" | grep -qF -- "$attempt" ||
            { echo "the report does not name the refused attempt: $attempt"; cat "$g/intruder-report/report.txt"; return 1; }
    done
    [ ! -e "$root/sandbox-escaped" ] || { rm -f "$root/sandbox-escaped"; echo "wrote into the course"; return 1; }
    no_process 'sleep 47' || { pkill -f 'sleep 47'; echo "a setsid() child outlived the grading"; return 1; }
    rm -rf "$root/build/reports/victim"
}
root=$(pwd)
check "make grade's sandbox: no writing another's report or the course, no new file, socket or space in its own folder, no memory past its limit, no reading other submissions, no network, no process left behind, no fork bomb" sandbox_contains

# A file that includes itself twice has the preprocessor write without
# end, and log an error a line: about 2.5 GB of both in the compile's
# minute, for each such file at each regrade, until the grading machine's
# disk is full. No file the build writes may pass 16 MB: the preprocessor
# stops there, and the include check refuses what it wrote.
# (Two such files: in the solution's, the preprocessed text reaches the
# limit first; in a three-line one, the log of errors does.)
self_inclusion_bounded() {
    for kind in whole short; do
        dir=$g/self-including-$kind
        if [ "$kind" = whole ]; then
            submission "$dir" || return 1
        else
            mkdir -p "$dir" && printf '#include "%s.h"\n' "$ch1" >"$dir/$ch1.c" || return 1
        fi
        printf '#include "%s.c"\n#include "%s.c"\n' "$ch1" "$ch1" >>"$dir/$ch1.c"
        timeout 300 make --no-print-directory -s grade SUBMISSION="$dir" OUT="$dir-report" CH=01 >"$dir.out" 2>&1
        grep -q "is refused by the grader: the file includes \"$dir/$ch1.c\"" "$dir-report/report.txt" ||
            { echo "$kind: the file including itself is not refused as such:"; cat "$dir.out" "$dir-report/report.txt"; return 1; }
        scratch_dir=$(grader_scratch "$dir")
        [ -d "$scratch_dir" ] || { echo "no scratch folder $scratch_dir"; return 1; }
        big=$(find "$scratch_dir" -type f -size +16384k)
        [ -z "$big" ] || { echo "$kind: the build wrote past 16 MB:"; echo "$big"; return 1; }
        rm -rf "$scratch_dir"
    done
}
check "make grade: a file including itself twice is refused, and no file its build writes passes 16 MB" self_inclusion_bounded

# An #include of /dev/zero has the preprocessor read without end: 4 GB of
# memory a compiler under the sandbox's limit for the tests, as many at
# once as make runs. The build's processes stop at 1 GB (the compiler
# then asks for more than 2^30 bytes, where before it asked for 2^32).
include_of_zero_bounded() {
    dir=$g/zero
    submission "$dir" || return 1
    printf '#include "/dev/zero"\n' >>"$dir/$ch1.c"
    timeout 300 make --no-print-directory -s grade SUBMISSION="$dir" OUT="$dir-report" CH=01 >"$dir.out" 2>&1
    asked=$(sed -n 's/.*cc1: out of memory allocating \([0-9]*\) bytes.*/\1/p' "$dir-report/report.txt" | head -n 1)
    [ -n "$asked" ] && [ "$asked" -lt 2147483648 ] ||
        { echo "the compile was not stopped at 1 GB:"; cat "$dir-report/report.txt"; return 1; }
}
check "make grade: a file that includes /dev/zero does not compile, its compiler stopped at 1 GB" include_of_zero_bounded

# A second intruder, from other angles: it writes into the host's /tmp and
# /dev/shm (the sandbox's are private), reads /etc/shadow, raises its own
# process limit back before forking 400 processes: its mse_loss is wrong
# by one for each attempt that works, and nothing may appear in the host's
# /tmp or /dev/shm. A third kills every process it can see (kill(-1)) from
# linreg_step: the grader must still finish with a valid results.json, and
# a process on the grader's side must survive.
sandbox_contains_more() {
    class=$root/$g/class2
    marker=escape-marker-$$
    # A process on the host whose /proc entry the intruder looks for: in
    # the sandbox's own PID namespace it is not there.
    sleep 300 & watched=$!
    rm -rf "$class" && mkdir -p "$class/intruder" || return 1
    cat >"$g/escape2.c" <<EOC
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
$fork_bomb_c
static int escaped(void)
{
    static int tried;
    if (tried++)
        return 0;
    int bad = 0;
    const char *outside[] = {"/tmp/$marker", "/dev/shm/$marker"};
    for (int i = 0; i < 2; i++) {
        FILE *f = fopen(outside[i], "w");
        if (f) { fclose(f); } /* written, but where? the host must not see it */
    }
    FILE *shadow = fopen("/etc/shadow", "r");
    if (shadow) { fclose(shadow); bad++; }
    struct rlimit r;
    if (getrlimit(RLIMIT_NPROC, &r) == 0) { r.rlim_cur = r.rlim_max = RLIM_INFINITY; setrlimit(RLIMIT_NPROC, &r); }
    if (fork_bomb() > 200) bad++;
    /* What the seccomp filter does not decide: the limit itself (the
     * sandbox's is its user's processes plus 128, and cannot be raised),
     * and the PID namespace (a host process is not in its /proc). */
    if (getrlimit(RLIMIT_NPROC, &r) != 0 || r.rlim_max == RLIM_INFINITY || r.rlim_max > 100000) bad++;
    if (access("/proc/$watched", F_OK) == 0) bad++;
    return bad;
}
static void kill_everything(void) { kill(-1, SIGKILL); }
EOC
    mkdir -p "$class/killer" || return 1
    awk -v inc="$g/escape2.c" 'NR == 1 { while ((getline l < inc) > 0) print l } { print }' \
        solutions/$ch1.c >"$class/intruder/$ch1.c"
    cp "$class/intruder/$ch1.c" "$class/killer/$ch1.c"
    sed -i '/^double mse_loss(/,/^}/s|return sum / (double)n;|return sum / (double)n + escaped();|' "$class/intruder/$ch1.c"
    sed -i '/^void linreg_step(/,/^}/s|^{|{\n    kill_everything();|' "$class/killer/$ch1.c"
    grep -q 'escaped();' "$class/intruder/$ch1.c" && grep -q 'kill_everything();' "$class/killer/$ch1.c" ||
        { echo "the intruders were not built as meant"; return 1; }
    make --no-print-directory -s grade SUBMISSION="$class/intruder" OUT="$g/intruder2-report" CH=01 >/dev/null 2>&1
    [ "$(jq .score "$g/intruder2-report/results.json")" = 20 ] ||
        { echo "an escape succeeded:"; sed -n '/First failing/,+2p' "$g/intruder2-report/report.txt"; return 1; }
    kill "$watched" 2>/dev/null
    # The killer takes its own tests down with it, and nothing else.
    sleep 300 & bystander=$!
    make --no-print-directory -s grade SUBMISSION="$class/killer" OUT="$g/killer-report" CH=01 >/dev/null 2>&1
    alive=$(kill -0 "$bystander" 2>/dev/null && echo yes)
    kill "$bystander" 2>/dev/null
    [ "$alive" = yes ] || { echo "kill(-1) inside the sandbox killed a process outside it"; return 1; }
    jq -e '.tests | length > 0' "$g/killer-report/results.json" >/dev/null ||
        { echo "no valid results.json after the killer's kill(-1)"; return 1; }
    for f in "/tmp/$marker" "/dev/shm/$marker"; do
        [ ! -e "$f" ] || { rm -f "$f"; echo "the sandbox wrote $f on the host"; return 1; }
    done
}
check "make grade's sandbox, other angles: no host /tmp or /dev/shm, no /etc/shadow, no raising the process limit, kill(-1) stays inside" sandbox_contains_more

# solution_calling CODE CALL FILE: chapter 1's solution into FILE, with
# the C code of the file CODE on top and mse_loss() wrong by what CALL
# returns: full marks only while CALL returns 0.
solution_calling() {
    awk -v inc="$1" 'NR == 1 { while ((getline l < inc) > 0) print l } { print }' solutions/$ch1.c >"$3" &&
        sed -i "/^double mse_loss(/,/^}/s|return sum / (double)n;|return sum / (double)n + $2;|" "$3" &&
        grep -qF "+ $2;" "$3" || { echo "$3 was not built as meant"; return 1; }
}

# full_marks_unless DIR CODE CALL: solution_calling's file in DIR, graded
# into DIR-report; succeeds on full marks, that is when CALL returned 0 in
# every test (each attempt it makes failed), and otherwise shows the first
# failing exercise.
full_marks_unless() {
    mkdir -p "$1" && solution_calling "$2" "$3" "$1/$ch1.c" || return 1
    make --no-print-directory -s grade SUBMISSION="$1" OUT="$1-report" CH=01 >/dev/null 2>&1
    [ "$(jq .score "$1-report/results.json")" = 20 ] || { sed -n '/First failing/,+2p' "$1-report/report.txt"; return 1; }
}

# What else the sandbox hides: the folder the reports go to, wherever it
# is (a grade-class OUT holds the gradebook and the other students'
# reports, hidden tests' diagnostics and all), and in a class of whole
# copies of the course (class/NAME/exercises) the other copies. The
# peeking submission scores full marks only when it can read none of
# them. Then includes whose names make cannot read in a list of
# dependencies (';' ends a rule's line, ':' starts one): refused, and
# still refused, with a report, the second time the folder is graded
# (the student's .d was once read back, and a name with ';' in it ran).
sandbox_hides_reports_and_copies() {
    class=$root/$g/peek-class out=$root/$g/peek-out copies=$root/$g/peek-copies
    rm -rf "$class" "$out" "$copies" &&
        mkdir -p "$class/alice" "$class/mallory" "$copies/bob/exercises" || return 1
    cp solutions/$ch1.c "$class/alice/" && cp solutions/$ch1.c "$copies/bob/exercises/" || return 1
    cat >"$g/peek.c" <<EOC
#include <unistd.h>
static int peeked(void)
{
    return (access("$out/alice/report.txt", R_OK) == 0) + (access("$out/alice", F_OK) == 0) +
           (access("$copies/bob/exercises/$ch1.c", R_OK) == 0);
}
EOC
    solution_calling "$g/peek.c" "peeked()" "$class/mallory/$ch1.c" || return 1
    make --no-print-directory -s grade-class SUBMISSIONS="$class" OUT="$out" >/dev/null 2>&1
    row=$(grep '^mallory,' "$out/gradebook.csv" | cut -d, -f2)
    [ "$row" = 20 ] || { echo "grade-class: mallory read the class's reports (chapter 1: $row of 20)"; return 1; }
    rm -rf "$out" # (the class's reports are no secret from another grading)
    full_marks_unless "$copies/mallory/exercises" "$g/peek.c" "peeked()" ||
        { echo "whole copies: mallory read bob's"; return 1; }
    # A report folder that is one of the course's own (OUT=build) is not
    # hidden: the compile needs build/ (it scored 0 as "does not compile").
    make --no-print-directory -s grade SUBMISSION="$copies/bob/exercises" OUT=build CH=01 >"$g/out-build.out" 2>&1
    score=$(jq .score build/results.json)
    rm -f build/results.json build/results.tap build/report.txt
    [ "$score" = 20 ] || { echo "OUT=build: bob scored $score of 20:"; tail -n 5 "$g/out-build.out"; return 1; }
    dir=$g/odd-include
    for name in "/sys/dev/char/1:3/dev" "$ch1.printed-0;true"; do
        rm -rf "$dir" && mkdir -p "$dir" || return 1
        { printf '#include "%s"\n' "$name"; cat solutions/$ch1.c; } >"$dir/$ch1.c"
        for round in 1 2; do
            make --no-print-directory -s grade SUBMISSION="$dir" OUT="$dir-report" CH=01 >"$dir.out" 2>&1
            [ "$(jq -r '.tests[0].status' "$dir-report/results.json" 2>/dev/null)" = failed ] &&
                grep -q "^  \(REFUSED\|COMPILE\) " "$dir-report/report.txt" &&
                ! grep -q "grader's make stopped" "$dir.out" ||
                { echo "#include \"$name\", grading $round:"; cat "$dir.out"; return 1; }
        done
    done
}
check "make grade's sandbox hides the reports' folder and a class's other whole copies; an include named with ':' or ';' scores 0 again, with a report" \
    sandbox_hides_reports_and_copies

# The compile may write the scratch folder (a compiler bug, say, could
# run there); what it leaves that is not a file or a folder goes before
# the grader writes there: a link planted at report.txt would take root's
# report onto another file, a FIFO would hang the grading.
planted_links_are_not_followed() {
    dir=$g/planted
    rm -rf "$dir" && mkdir -p "$dir" && cp solutions/$ch1.c "$dir/" || return 1
    make --no-print-directory -s grade SUBMISSION="$dir" OUT="$dir-report" CH=01 >/dev/null 2>&1
    work=build/grade/$(printf '%s' "$(cd "$dir" && pwd) " | sha256sum | cut -d ' ' -f 1)
    [ -d "$work" ] || { echo "no scratch folder $work"; return 1; }
    echo ORIGINAL >"$g/planted-victim"
    rm -f "$work/report.txt" "$work/results.tsv.tmp" &&
        ln -s "$root/$g/planted-victim" "$work/report.txt" && mkfifo "$work/results.tsv.tmp" || return 1
    timeout 120 make --no-print-directory -s grade SUBMISSION="$dir" OUT="$dir-report" CH=01 >"$dir.out" 2>&1
    [ "$(cat "$g/planted-victim")" = ORIGINAL ] || { echo "the report was written through the planted link"; return 1; }
    [ "$(jq .score "$dir-report/results.json")" = 20 ] || { echo "not graded:"; tail -n 5 "$dir.out"; return 1; }
}
check "what the compile leaves in the scratch folder, a link or a FIFO, is never written through" planted_links_are_not_followed

# The word asm in a string or a character constant is text, not asm: an
# honest file that prints it is graded (it was refused).
asm_in_text_is_text() {
    dir=$g/asm-text
    rm -rf "$dir" && mkdir -p "$dir" || return 1
    { cat solutions/$ch1.c
      printf '%s\n' 'const char *asm_note(void) { return "no asm here, nor __asm__(\"nop\")"; }' \
                     "int asm_char(void) { return 'asm'; }"; } >"$dir/$ch1.c"
    make --no-print-directory -s grade SUBMISSION="$dir" OUT="$dir-report" CH=01 >"$dir.out" 2>&1
    [ "$(jq .score "$dir-report/results.json")" = 20 ] || { echo "refused or failed:"; cat "$dir.out"; return 1; }
}
check "the word asm in a string or character constant is not asm: graded" asm_in_text_is_text

# A submission copied straight into /tmp: its folder of submissions is /tmp
# itself, which the sandbox must not hide and make read-only (Check's fork
# mode writes its files there), or every test stops.
submission_in_tmp() {
    dir=$(mktemp -d /tmp/submission-XXXXXX) || return 1
    cp solutions/$ch1.c "$dir/" || return 1
    make --no-print-directory -s grade SUBMISSION="$dir" OUT="$g/tmp-report" CH=01 >/dev/null 2>&1
    score=$(jq .score "$g/tmp-report/results.json")
    rm -rf "$dir"
    [ "$score" = 20 ] || { echo "a submission in /tmp scored $score of 20:"; tail -n 4 "$g/tmp-report/report.txt"; return 1; }
}
check "make grade grades a submission that lives directly in /tmp" submission_in_tmp

# Links are not files: a submission whose chapter 1 file is a symbolic link
# to the course's solution, or whose exercises/ folder is one to
# solutions/, scores 0 for it, and the report says why.
links_are_not_files() {
    dir=$g/linked
    rm -rf "$dir" && mkdir -p "$dir/file" "$dir/folder" || return 1
    ln -s "$root/solutions/$ch1.c" "$dir/file/$ch1.c" && ln -s "$root/solutions" "$dir/folder/exercises" || return 1
    for s in file folder; do
        make --no-print-directory -s grade SUBMISSION="$dir/$s" OUT="$dir/$s-report" CH=01 >/dev/null 2>&1
        score=$(jq .score "$dir/$s-report/results.json")
        [ "$score" = 0 ] || { echo "a linked $s scored $score"; return 1; }
    done
    grep -q "$ch1.c is a symbolic link: only regular files are graded" "$dir/file-report/report.txt" ||
        { echo "the report does not say the file is a link"; return 1; }
}
check "make grade takes only regular files: a link to the solution, or an exercises/ linked to solutions/, scores 0" \
    links_are_not_files

# --------------------------------------------- what the results say, and who

# The results a test program hands back are its runner's alone. Four
# submissions try to forge them: one whose parabola_descend() forks
# children that finish its first test (each a second "finished" in the
# harness's journal) and then ends later tests with _exit(0); one, a stub,
# that writes passing rows over the results file by its name and through
# every descriptor it inherited; one that opens the runner's memory and
# descriptors through /proc and signals it; and two stubs whose code runs
# before main, in the runner itself (a GNU ifunc resolver, and a call put
# into .init by assembler directives smuggled in an attribute's section
# name): from there they forge the rows at the runner's exit.
forged_rows_c() {
    awk -F '\t' '$1 != "chapter" { printf "\"%s\\t%s\\t%s\\t0\\t0\\tpass\\t\\t\\t\\tvisible\\n\"\n", $1, $2, $3 }' \
        build/grade/list/$ch1.tsv
}
# forger DIR CODE PLACE: chapter 1's stub in DIR, with the forging code
# CODE on top and the call PLACE at the start of parabola_descend().
forger() {
    mkdir -p "$1" || return 1
    {
        cat <<EOC
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
static const char forged[] =
$(forged_rows_c);
static void forge(void)
{
    unlink("result.tsv");
    int fd = open("result.tsv", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) { (void)!write(fd, forged, sizeof forged - 1); close(fd); }
    for (int d = 3; d < 64; d++)
        (void)!pwrite(d, forged, sizeof forged - 1, 1 << 20);
}
$2
EOC
        awk -f tools/make-stub.awk solutions/$ch1.c
    } >"$1/$ch1.c"
    sed -i "/^double parabola_descend(/,/^}/s|^{|{\\n    $3|" "$1/$ch1.c"
    grep -q "^    $3" "$1/$ch1.c" || { echo "$1 was not built as meant"; return 1; }
}
results_are_the_runners() {
    dir=$g/forgers
    rm -rf "$dir" && mkdir -p "$dir/padder" || return 1
    # (The first test leaves a file in the folder the tests share; the
    # later ones find it.)
    cat >"$g/pad.c" <<'EOC'
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
static void pad(void)
{
    if (access("padded", F_OK) == 0)
        _exit(0);
    /* The sandbox lets a test make no file: the mark is the first test's
     * own output file, renamed. */
    char own[64];
    snprintf(own, sizeof own, "output-0-%ld.txt", (long)getpid());
    if (rename(own, "padded") != 0)
        close(open("padded", O_WRONLY | O_CREAT, 0644));
    for (int i = 0; i < 8; i++)
        if (fork() == 0)
            return; /* this child finishes the test too */
    while (wait(0) > 0) {}
}
EOC
    awk -v inc="$g/pad.c" 'NR == 1 { while ((getline l < inc) > 0) print l } { print }' \
        solutions/$ch1.c >"$dir/padder/$ch1.c"
    sed -i '/^double parabola_descend(/,/^}/s|^{|{\n    pad();|' "$dir/padder/$ch1.c"
    forger "$dir/overwriter" "" "forge();" || return 1
    forger "$dir/ifunc" 'static void late(void) { forge(); }
static int real_one(void) { return 1; }
static void *resolve(void) { atexit(late); return (void *)real_one; }
static int indirect(void) __attribute__((ifunc("resolve")));
int use_indirect(void) { return indirect(); }' "(void)use_indirect;" || return 1
    forger "$dir/init" 'static void late(void) { forge(); }
void early(void) { atexit(late); }
__attribute__((used, section(".text\n.section .init,\"ax\",@progbits\ncall early\n.text\n#"))) static int carrier(void) { return 1; }' "(void)late;" || return 1
    for s in padder overwriter ifunc init; do
        make --no-print-directory -s grade SUBMISSION="$dir/$s" OUT="$dir/$s-report" CH=01 >/dev/null 2>&1
    done
    status=$(jq -r '.tests[] | select(.name | test("parabola-descend")) | .status' "$dir/padder-report/results.json")
    [ "$status" = failed ] || { echo "children finishing a test, then _exit(0): parabola-descend $status"; return 1; }
    for s in overwriter ifunc init; do
        score=$(jq .score "$dir/$s-report/results.json")
        [ "$score" = 0 ] || { echo "the $s stub scored $score"; return 1; }
    done
    grep -q 'ifunc (indirect), whose resolver would run before main' "$dir/ifunc-report/report.txt" &&
        grep -q 'section .init (PROGBITS) .*code that runs before main' "$dir/init-report/report.txt" ||
        { echo "the report does not say why the file was refused"; grep -h 'error' "$dir"/i*-report/report.txt; return 1; }
    # The runner's memory, its descriptors and the runner itself are out
    # of a test's reach: mse_loss() is wrong by one for each that is not.
    # The runner is the sandbox's first process: a bubblewrap process there
    # would hold the runner's output open, where a test run by a grader
    # who is not root could reopen it (/proc/1/fd/1) and forge the summary.
    cat >"$g/reach.c" <<'EOC'
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
long syscall(long, ...);
static int reached(void)
{
    static int tried;
    if (tried++)
        return 0;
    int bad = 0, fd;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", (int)getppid());
    if ((fd = open(path, O_RDWR)) >= 0) { close(fd); bad++; }
    for (int d = 3; d < 8; d++) {
        snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)getppid(), d);
        if ((fd = open(path, O_WRONLY | O_APPEND)) >= 0) { close(fd); bad++; }
    }
    if (kill(getppid(), 0) == 0) bad++;
    if (getppid() != 1) bad++;
    for (int d = 0; d < 8; d++) {
        snprintf(path, sizeof path, "/proc/1/fd/%d", d);
        if ((fd = open(path, O_WRONLY | O_APPEND)) >= 0) { close(fd); bad++; }
    }
    siginfo_t info = {.si_code = SI_QUEUE}; /* sigqueue(), by another road */
    if (syscall(SYS_rt_sigqueueinfo, getppid(), 0, &info) == 0) bad++;
    return bad;
}
EOC
    full_marks_unless "$dir/reacher" "$g/reach.c" "reached()" || { echo "a test reached its runner"; return 1; }
}
check "make grade: the results are the runner's: no padding by a test's children, no results file rewritten or appended, no code before main (ifunc, .init), no reaching the runner" \
    results_are_the_runners

# A test's process has a limit on processor time, which it cannot raise:
# mse_loss() is wrong by one if there is none, and by one if raising it
# works.
cpu_is_limited() {
    cat >"$g/cpu.c" <<'EOC'
#define _POSIX_C_SOURCE 200809L
#include <sys/resource.h>
static int unlimited(void)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_CPU, &r) != 0 || r.rlim_max == RLIM_INFINITY)
        return 1;
    r.rlim_cur = r.rlim_max = RLIM_INFINITY;
    return setrlimit(RLIMIT_CPU, &r) == 0;
}
EOC
    full_marks_unless "$g/spinner" "$g/cpu.c" "unlimited()" ||
        { echo "no processor-time limit, or one that can be raised"; return 1; }
}
check "make grade's sandbox limits a test's processor time, and the test cannot raise it" cpu_is_limited

# What the compiler reads is the sandbox's to see: an intruder whose
# chapter 1 includes the victim's file by its path (refused, but read),
# whose chapter 2 pulls it in with .incbin written in an attribute's
# section name, whose chapter 3 hides an .incbin of it behind a #line
# naming a course header, and whose chapter 4 reaches the hidden suite
# through an angle-bracket include relative to the system's folders; none
# of the victim's text or the hidden suite's may appear in the grader's
# files or the intruder's report.
compile_is_sandboxed() {
    class=$root/$g/class3
    marker=victim-secret-$$
    rm -rf "$class" && mkdir -p "$class/victim" "$class/intruder" || return 1
    cp solutions/[0-9][0-9]-*.c "$class/victim/" && cp solutions/[0-9][0-9]-*.c "$class/intruder/" || return 1
    echo "/* $marker */" >>"$class/victim/$ch1.c"
    victim=$class/victim/$ch1.c
    echo "#include \"$victim\"" >>"$class/intruder/$ch1.c"
    printf '__attribute__((used, section(".rodata\\n.incbin \\"%s\\"\\n#"))) static const char stolen2 = 1;\n' \
        "$victim" >>"$class/intruder/02-gradient-accumulation.c"
    printf '#line 1 "exercises/03-minibatch.h"\n__asm__(".section .rodata\\n.incbin \\"%s\\"\\n.text");\n' "$victim" \
        >>"$class/intruder/03-minibatch.c"
    echo "#include <../..$root/$g/instructor/$ch1.c>" >>"$class/intruder/04-optimizers.c"
    make --no-print-directory -s grade SUBMISSION="$class/intruder" OUT="$g/intruder3-report" \
        HIDDEN_TESTS="$g/instructor" >"$g/intruder3.out" 2>&1
    jq -e '.tests | length > 0' "$g/intruder3-report/results.json" >/dev/null || { echo "no results.json"; return 1; }
    # (The intruder's scratch folder, as tools/grade.sh names it; the
    # hidden suite's source text, which its compiled tests do not hold.)
    scratch_of=$(grader_scratch "$class/intruder")
    [ -d "$scratch_of" ] || { echo "no scratch folder $scratch_of"; return 1; }
    found=$(grep -rlaF -e "$marker" -e "add_tests(TCase" "$scratch_of" "$g/intruder3-report" 2>/dev/null | head -n 3)
    [ -z "$found" ] || { echo "the compiler read another's file or the hidden suite into: $found"; return 1; }
    for c in 01 03 04; do
        jq -r ".tests[] | select(.name | startswith(\"$c\")) | .status" "$g/intruder3-report/results.json" | grep -qv passed ||
            { echo "chapter $c's file was not refused"; return 1; }
    done
    # Refused because the sandbox hid the files from the compiler, not
    # only by the include check afterwards (which would refuse a file that
    # had read them, and leave nothing behind either): the compiler and
    # the assembler could not find them.
    for seen in "victim/$ch1.c: No such file or directory" "file not found: $victim" \
                "instructor/$ch1.c: No such file or directory"; do
        grep -qF -- "$seen" "$g/intruder3-report/report.txt" ||
            { echo "not refused for want of the file: $seen"; grep -A3 'does not compile' "$g/intruder3-report/report.txt"; return 1; }
    done
}
check "make grade compiles in the sandbox: no other student's file or hidden suite read by #include, .incbin, #line or <../..>" \
    compile_is_sandboxed

# A test's own output cannot pose as Check's summary line: printed without
# a newline, or as a whole fake line, the report still shows Check's counts.
summary_is_checks() {
    dir=$g/spoof
    submission "$dir" sign-error || return 1
    sed -i 's|^double mse_loss(|int printf(const char *, ...);\n&|' "$dir/$ch1.c"
    sed -i '/^double mse_loss(/,/^}/s|^{|{\n    printf("100%%: Checks: 99, Failures: 0, Errors: 0\\n01-gradient-descent: 100%%");|' "$dir/$ch1.c"
    grep -q '^int printf(' "$dir/$ch1.c" && grep -q 'printf("100%%: Checks: 99' "$dir/$ch1.c" ||
        { echo "the spoofing submission was not built as meant"; return 1; }
    tools/grade.sh "$dir" 01 >"$g/spoof.out" 2>&1
    # (the suite's own count of test cases, from the solutions' run)
    cases=$(GRADE_QUIET=1 tools/grade.sh solutions 01 | sed -n 's/^01-gradient-descent: 100%: Checks: \([0-9]*\),.*/\1/p')
    [ -n "$cases" ] || { echo "no count of chapter 1's test cases"; return 1; }
    grep -q "^01-gradient-descent: [0-9]*%: Checks: $cases, Failures: [1-9]" "$g/spoof.out" && ! grep -q 'Checks: 99' "$g/spoof.out" ||
        { echo "the summary line was forged:"; tail -n 3 "$g/spoof.out"; return 1; }
}
check "a test's output cannot pose as Check's summary line" summary_is_checks

# Every entry of a class folder is graded or said to be skipped, and why;
# a student folder named like a formula stays text in the gradebook.
class_entries_accounted_for() {
    class=$g/odd-class
    rm -rf "$class" && mkdir -p "$class/=SUM(1)" "$class/.hidden" "$class/elsewhere" "$class/new
line" || return 1
    cp solutions/[0-9][0-9]-*.c "$class/=SUM(1)/" && ln -s elsewhere "$class/linked" && echo hi >"$class/notes.txt" || return 1
    rm -rf "$class/elsewhere"; mkdir -p "$g/elsewhere" && ln -sfn "$g/elsewhere" "$class/linked"
    make --no-print-directory -s grade-class SUBMISSIONS="$class" OUT="$g/odd-out" >"$g/odd.out" 2>&1 ||
        { cat "$g/odd.out"; return 1; }
    for line in "skipped .hidden: a hidden (dot) folder" "skipped linked: a symbolic link, not a folder" \
                "skipped notes.txt: not a folder" "skipped new?line: its name holds a control character"; do
        grep -qF "$line" "$g/odd.out" || { echo "missing: $line"; cat "$g/odd.out"; return 1; }
    done
    [ "$(sed -n 2p "$g/odd-out/gradebook.csv" | cut -c1-8)" = "'=SUM(1)" ] ||
        { echo "the gradebook row is not text:"; cat "$g/odd-out/gradebook.csv"; return 1; }
    # A folder named * is one student, not every entry again (the list of
    # students was globbed: the skipped link was graded, rows doubled).
    mkdir -p "$class/*" && cp solutions/$ch1.c "$class/*/" || return 1
    make --no-print-directory -s grade-class SUBMISSIONS="$class" OUT="$g/odd-out" >"$g/odd.out" 2>&1 ||
        { cat "$g/odd.out"; return 1; }
    grep -q '^\[2 of 2\] =SUM(1): ' "$g/odd.out" && ! grep -q '\[3 of' "$g/odd.out" &&
        [ "$(grep -c . "$g/odd-out/gradebook.csv")" -eq 3 ] && ! grep -q '^linked,' "$g/odd-out/gradebook.csv" ||
        { echo "a folder named * was expanded:"; cat "$g/odd.out" "$g/odd-out/gradebook.csv"; return 1; }
}
check "grade-class: every entry graded or said skipped (dot, link, file, newline); a folder named *, one student; formula-like names stay text" class_entries_accounted_for

# Folder names that are the gradebook's own, or that hold control
# characters (an escape that would repaint the instructor's terminal, a
# carriage return that would overwrite a progress line): the gradebook is
# still a file with every other student's row, and nothing the class's
# names hold reaches the terminal raw.
class_names_are_data() {
    class=$g/names-class
    rm -rf "$g/names-out"
    esc=$(printf 'esc\033[2Jfake')
    cr=$(printf 'cr\rname')
    csi=$(printf 'csi\302\2332Jfake') # the 8-bit escape (U+009B, in UTF-8)
    rm -rf "$class" && mkdir -p "$class/gradebook.csv" "$class/gradebook.csv.tmp" "$class/$esc" "$class/$cr" \
        "$class/$csi" "$class/plain" || return 1
    for d in "$class"/*; do cp solutions/$ch1.c "$d/"; done
    tools/grade-class.sh "$class" "$g/names-out" >"$g/names.out" 2>&1 || { cat "$g/names.out"; return 1; }
    [ -f "$g/names-out/gradebook.csv" ] || { echo "the gradebook is not a file:"; ls -la "$g/names-out"; return 1; }
    for s in plain gradebook.csv.tmp; do
        grep -q "^$s,20," "$g/names-out/gradebook.csv" || { echo "no row for $s:"; cat "$g/names-out/gradebook.csv"; return 1; }
    done
    ! LC_ALL=C grep -q "$(printf '[\033\r]')" "$g/names.out" && ! LC_ALL=C grep -q "$(printf '\302\233')" "$g/names.out" ||
        { echo "a control character reached the terminal"; return 1; }
    grep -q "skipped gradebook.csv: " "$g/names.out" && [ "$(grep -c 'control character' "$g/names.out")" -eq 3 ] ||
        { echo "the folders not graded are not all said to be skipped:"; cat "$g/names.out"; return 1; }
}
check "grade-class: a folder named like the gradebook, or holding control characters, leaves the gradebook whole and the terminal clean" \
    class_names_are_data

# A submission's own text never becomes a row of the table. Here both the
# compiler's message (it quotes the file's #error line) and the folder's
# name hold a whole row, with \n and \t as two characters each, the way awk
# reads a -v value: the table keeps the listing's rows, all failing (the
# file is a stub that does not compile), and the gradebook the name as it
# is, with 0 points. (A folder's name is data everywhere: the grader finds
# the file in it, and grade-class prints it as it is.)
rows_are_not_text() {
    class=$g/inject-class out=$g/inject-out
    row='\n01-gradient-descent\tparabola-descend\tparabola_descend()\t2\t2\tpass\tok\tx\t\tvisible\n'
    student="mallory$row"
    rm -rf "$class" "$out" && mkdir -p "$class/$student" && stubs_of "$g/inject-stubs" || return 1
    { cat "$g/inject-stubs/$ch1.c"; printf '%s\n' '#error \' "$row"; } >"$class/$student/$ch1.c"
    tools/grade-class.sh "$class" "$out" >"$g/inject.out" 2>&1 || { cat "$g/inject.out"; return 1; }
    table=$out/$student/results.tsv
    [ -s "$table" ] || { echo "no table"; cat "$g/inject.out"; return 1; }
    awk -F '\t' '$1 == "chapter" { next } NF != 11 || $6 == "pass" { print "a row of the submission: " $0; bad = 1 }
        END { exit bad }' "$table" || return 1
    # (and the file was found in its folder, and did not compile)
    awk -F '\t' -v ch="$ch1" '$1 == ch && $6 != "compile" { print "not refused as a compile error: " $0; bad = 1 }
        END { exit bad }' "$table" || return 1
    for c in $chapters; do
        [ "$(grep -c "^$c	" "$table")" -eq "$(grep -c "^$c	" "build/grade/list/$c.tsv")" ] ||
            { echo "$c has not the listing's rows"; return 1; }
    done
    [ "$(wc -l <"$out/gradebook.csv")" -eq 2 ] && grep -qF "mallory$row,0," "$out/gradebook.csv" ||
        { echo "the gradebook:"; cat "$out/gradebook.csv"; return 1; }
    grep -qF "[1 of 1] mallory$row: 0/" "$g/inject.out" || { cat "$g/inject.out"; return 1; }
}
check "a submission's text (a compiler message, a folder's name) holding a row written with escapes adds no row and no point" rows_are_not_text

# A chapter file past 1 MB is refused unread, said so with its size, and
# never copied: one of gigabytes (or a sparse one claiming them, made in no
# time) filled the grader's disk, outside any sandbox, before any check
# could refuse it. (2 MB of NULs here, which the old grader copied and the
# compiler took for an empty file.)
large_file_refused_unread() {
    rm -rf "$g/large" "$g/large-out" && mkdir -p "$g/large" && truncate -s 2M "$g/large/$ch1.c" || return 1
    make --no-print-directory -s grade SUBMISSION="$g/large" CH=01 OUT="$g/large-out" >"$g/large.out" 2>&1
    grep -q "is refused by the grader: the file holds 2097152 bytes, and a chapter's file may hold at most 1048576 (1 MB" \
        "$g/large-out/report.txt" || { echo "not refused for its size:"; cat "$g/large.out"; return 1; }
    [ -z "$(find "$(grader_scratch "$g/large")" -name "$ch1.c*" 2>/dev/null)" ] ||
        { echo "the large file was copied:"; ls -la "$(grader_scratch "$g/large")"; return 1; }
}
check "a chapter file past 1 MB is refused unread, with its size, and never copied" large_file_refused_unread

# What the compiler says of a submission is quoted bounded: a string that
# a macro doubles 16 times is 6.7 MB of text from 20 lines of source, and
# a function's name may be 140 kB long. A static assertion failing with
# the string, or a call to the function that is never defined, made a
# message past what the environment holds in one string (128 kB): the
# chapter's rows were lost, its points left the maximum, and the report
# said "Score: 0/0 points", every exercise passing, with status 0. A
# #pragma message of the string, a warning, put 6.7 MB into a report of
# full marks. Each must be its chapter's whole table in a few kB. And a
# helper of that name that makes mse_loss() and mse_grad() wrong is named
# cut in the note that the two share it (whole, it was more than awk's
# sprintf holds, and the note was lost).
doubled_string() {
    printf '#define S0 "%s"\n' "$(printf '%0100d' 0 | tr 0 A)"
    i=1
    while [ "$i" -le 16 ]; do printf '#define S%d S%d S%d\n' "$i" $((i - 1)) $((i - 1)); i=$((i + 1)); done
}
long_messages_bounded() {
    lm_count=$(grep -vc '^chapter' build/grade/list/$ch1.tsv)
    lm_max=$(awk -F '\t' '$1 != "chapter" { s += $5 } END { print s }' build/grade/list/$ch1.tsv)
    lm_name=f$(printf '%0140000d' 0 | tr 0 x)
    for lm_kind in assertion undefined warning helper; do
        dir=$g/long-$lm_kind
        rm -rf "$dir" "$dir-out" && mkdir -p "$dir" "$dir-out" && cp solutions/$ch1.c "$dir/" || return 1
        case $lm_kind in
            assertion) { doubled_string; echo '_Static_assert(0, S16);'; } >>"$dir/$ch1.c" ;;
            undefined) printf 'void %s(void);\nvoid call_it(void) { %s(); }\n' "$lm_name" "$lm_name" >>"$dir/$ch1.c" ;;
            warning) { doubled_string; echo '#pragma message S16'; } >>"$dir/$ch1.c" ;;
            helper) { printf '#define HELPER %s\nstatic double __attribute__((noinline)) HELPER(void) { return 1.0; }\n' "$lm_name"
                      sed -e 's|return sum / (double)n;|return sum / (double)n + HELPER();|' \
                          -e 's|\*grad_b = 2.0 \* sum_r / (double)n;|*grad_b = 2.0 * sum_r / (double)n + HELPER();|' solutions/$ch1.c
                    } >"$dir/$ch1.c"
                    [ "$(grep -c 'HELPER();' "$dir/$ch1.c")" = 2 ] || { echo "the helper was not built as meant"; return 1; } ;;
        esac
        tools/grade.sh --json "$dir-out/results.json" --report "$dir-out/report.txt" "$dir" 01 >/dev/null 2>"$dir.err"
        lm_code=$? lm_score=0 lm_want=1
        [ "$lm_kind" = warning ] && lm_score=$lm_max lm_want=0
        [ "$lm_kind" = helper ] && lm_score='[0-9]*'
        [ "$lm_code" = "$lm_want" ] && grep -q "^Score: $lm_score/$lm_max points" "$dir-out/report.txt" &&
            results_json_ok "$dir-out/results.json" | grep -qx "ok: $lm_count tests, $lm_score/$lm_max" ||
            { echo "$lm_kind: status $lm_code (not $lm_want), not $lm_score of $lm_max points in $lm_count tests:"; cat "$dir.err"
              grep '^Score' "$dir-out/report.txt"; results_json_ok "$dir-out/results.json"; return 1; }
        for f in report.txt results.json; do
            [ "$(wc -c <"$dir-out/$f")" -lt 65536 ] || { echo "$lm_kind: $f holds $(wc -c <"$dir-out/$f") bytes"; return 1; }
        done
    done
    jq -r '.tests[].output' "$g/long-helper-out/results.json" |
        grep -q '^mse_grad() and mse_loss() share fx*\.\.\.(), and mse-loss fails too' ||
        { echo "no note that mse_grad() and mse_loss() share the helper:"; jq -r '.tests[].output' "$g/long-helper-out/results.json"; return 1; }
}
check "compiler messages of megabytes (a macro's string, a long name) are quoted cut: the chapter scores its whole table, in a report of a few kB; a helper of such a name is named cut in the follow-on note" \
    long_messages_bounded

# A folder graded again without a chapter's file (another student's folder
# at the same path, say) leaves no copy of the old file, nor its
# preprocessed text, in the scratch folder its tests can see.
removed_file_leaves_no_copy() {
    dir=$g/shrinking
    rm -rf "$dir" && submission "$dir" && tools/grade.sh "$dir" 01 >/dev/null 2>&1 || return 1
    ls "$(grader_scratch "$dir")/$ch1.c" "$(grader_scratch "$dir")/$ch1.i" >/dev/null || return 1
    rm "$dir/$ch1.c"
    tools/grade.sh "$dir" 01 >"$g/shrinking.out" 2>&1
    grep -q "^$ch1: not graded (missing)" "$g/shrinking.out" || { cat "$g/shrinking.out"; return 1; }
    left=$(ls "$(grader_scratch "$dir")/$ch1".* | grep -v '\.tsv$')
    [ -z "$left" ] || { echo "left in the scratch folder:"; echo "$left"; return 1; }
}
check "a chapter's file gone from a folder graded again leaves no copy of it where the tests run" removed_file_leaves_no_copy

# A chapter that does not exist is refused at once, in one line naming the
# chapters there are: make watch CH=99 used to watch nothing for ever, and
# make try CH=99 asked to "say which chapter". A GRADE_TIME_LIMIT that is
# not whole seconds is refused under its own name (the grader's message
# named its --time-limit).
make_variables_refused() {
    chapters_are="there is no chapter 99; the chapters are $(for t in tests/[0-9][0-9]-*.c; do t=${t#tests/}; printf '%s ' "${t%%-*}"; done)"
    chapters_are=${chapters_are% }
    for target in check watch try; do
        timeout 20 make --no-print-directory -s $target CH=99 </dev/null >/dev/null 2>"$g/ch99.err"
        status=$?
        [ "$status" -ne 0 ] && [ "$status" -ne 124 ] || { echo "make $target CH=99: status $status"; return 1; }
        grep -qF "CH=99: $chapters_are" "$g/ch99.err" || { echo "make $target CH=99:"; cat "$g/ch99.err"; return 1; }
    done
    make --no-print-directory -s grade SUBMISSION=solutions GRADE_TIME_LIMIT=abc >/dev/null 2>"$g/limit.err" &&
        { echo "GRADE_TIME_LIMIT=abc was taken"; return 1; }
    grep -qx 'make grade: GRADE_TIME_LIMIT=abc: expected whole seconds, such as 600' "$g/limit.err" ||
        { cat "$g/limit.err"; return 1; }
}
check "make check, watch and try CH=99 are refused at once, naming the chapters; GRADE_TIME_LIMIT=abc by its name" \
    make_variables_refused

# make grade's settings, refused in one line that names the variable and
# what is wrong with it, before the earlier reports go: a CH with no
# chapter (which deleted them, then said it "Wrote" them), a SUBMISSION
# that is empty, missing or a file (all three "say whose files"), an OUT
# that cannot be made; grade-class's CH and GRADE_TIME_LIMIT, which it
# ignored, and make grade's STUDENT and STUDENT_TIME_LIMIT, ignored alike
# (STUDENT=bob graded SUBMISSION and said nothing); and a report that cannot be written ends the grading with
# status 2, where it said nothing and ended with 0.
grade_settings_refused() {
    out=$g/settings-out
    make --no-print-directory -s grade SUBMISSION=solutions CH=01 OUT="$out" >/dev/null 2>&1 || return 1
    reports=$(listing_of "$out")
    make --no-print-directory -s grade SUBMISSION=solutions CH=99 OUT="$out" >"$g/settings.out" 2>&1 &&
        { echo "CH=99 was taken"; return 1; }
    grep -q '^grade: CH=99: there is no chapter 99' "$g/settings.out" && ! grep -q '^Wrote' "$g/settings.out" ||
        { cat "$g/settings.out"; return 1; }
    [ "$(listing_of "$out")" = "$reports" ] || { echo "CH=99 changed the earlier reports"; return 1; }
    for case in "|SUBMISSION is empty" "$g/no-such|SUBMISSION=$g/no-such does not exist" \
                "tests/grading.sh|SUBMISSION=tests/grading.sh is a file, not a folder"; do
        make --no-print-directory -s grade SUBMISSION="${case%%|*}" >/dev/null 2>"$g/settings.err" &&
            { echo "SUBMISSION=${case%%|*} was taken"; return 1; }
        grep -q "^make grade: ${case#*|}" "$g/settings.err" || { cat "$g/settings.err"; return 1; }
    done
    make --no-print-directory -s grade SUBMISSION=solutions OUT=tests/grading.sh/out >/dev/null 2>"$g/settings.err" &&
        { echo "OUT under a file was taken"; return 1; }
    grep -q '^make grade: OUT=tests/grading.sh/out: cannot write there' "$g/settings.err" || { cat "$g/settings.err"; return 1; }
    for setting in CH=01 GRADE_TIME_LIMIT=60; do
        make --no-print-directory -s grade-class SUBMISSIONS="$g" "$setting" >/dev/null 2>"$g/settings.err" &&
            { echo "grade-class took $setting"; return 1; }
        grep -q "^make grade-class: ${setting%%=*}" "$g/settings.err" || { cat "$g/settings.err"; return 1; }
    done
    for setting in STUDENT=bob STUDENT_TIME_LIMIT=60; do
        make --no-print-directory -s grade SUBMISSION=solutions OUT="$out" "$setting" >/dev/null 2>"$g/settings.err" &&
            { echo "make grade took $setting"; return 1; }
        grep -q "^make grade: ${setting%%=*}.* is grade-class's" "$g/settings.err" || { cat "$g/settings.err"; return 1; }
    done
    [ "$(listing_of "$out")" = "$reports" ] || { echo "a refused STUDENT changed the earlier reports"; return 1; }
    tools/grade.sh --json /proc/no-such/results.json solutions 01 >/dev/null 2>"$g/settings.err"
    status=$?
    [ "$status" -eq 2 ] && grep -q '^grade: cannot write /proc/no-such/results.json' "$g/settings.err" ||
        { echo "an unwritable results.json: status $status"; cat "$g/settings.err"; return 1; }
    # A line break in a value split make's recipe line: a shell's syntax
    # error, nothing naming the value. (own_make: the self-test's make
    # would add a warning about its job slots.)
    own_make . grade SUBMISSION="$g/two
lines" OUT="$out" >"$g/settings.out" 2>"$g/settings.err"
    status=$?
    [ "$status" -eq 2 ] && [ ! -s "$g/settings.out" ] && [ "$(wc -l <"$g/settings.err")" -eq 1 ] &&
        grep -qF "SUBMISSION='$g/two\nlines': holds a line break" "$g/settings.err" ||
        { echo "SUBMISSION with a line break: status $status"; cat "$g/settings.out" "$g/settings.err"; return 1; }
    [ "$(listing_of "$out")" = "$reports" ] || { echo "SUBMISSION with a line break changed the earlier reports"; return 1; }
}
check "make grade and grade-class: a bad CH, SUBMISSION (a line break too) or OUT, or the other's setting, is named in one line and leaves the earlier reports; an unwritable report is status 2" \
    grade_settings_refused

# A student's chapter file gone (deleted, renamed): make check names the
# command that brings the stub back, and that command does. A submission
# graded for an instructor (--json, as make grade runs it) is not told to.
missing_file_names_the_way_back() {
    dir=$g/lost
    rm -rf "$dir" && submission "$dir" && rm "$dir/$ch1.c" || return 1
    tools/grade.sh "$dir" 01 >"$g/lost.out" 2>&1
    grep -qF "there is no $dir/$ch1.c: make reset EX=01 EXERCISES='$dir' writes a fresh copy of the stub" "$g/lost.out" ||
        { cat "$g/lost.out"; return 1; }
    FORCE=1 make --no-print-directory -s reset EX=01 EXERCISES="$dir" >/dev/null || return 1
    cmp "exercises/$ch1.c" "$dir/$ch1.c" || { echo "make reset EX=01 did not bring back the stub"; return 1; }
    rm "$dir/$ch1.c"
    tools/grade.sh --json "$g/lost.json" "$dir" 01 >/dev/null 2>&1
    grep -q "there is no $dir/$ch1.c" "$g/lost.json" && ! grep -q 'make reset' "$g/lost.json" ||
        { echo "make grade's results:"; cat "$g/lost.json"; return 1; }
    # Named otherwise (an underscore, a browser's " (1)"), the file is
    # shown, and the other chapters' files are not; a whole copy of the
    # course unpacked one level down is pointed at. Both scored 0 with
    # only "there is no ...", leaving an instructor to guess.
    cp "solutions/$ch1.c" "$dir/01_gradient_descent.c" && cp "solutions/$ch1.c" "$dir/$ch1 (1).c" || return 1
    tools/grade.sh --json "$g/lost.json" "$dir" 01 >/dev/null 2>&1
    grep -qF "there is no $dir/$ch1.c; the folder has $ch1 (1).c, 01_gradient_descent.c, which are not graded: only files named exactly NN-topic.c are" "$g/lost.json" ||
        { echo "near misses:"; grep 'there is no' "$g/lost.json" | head -n 2; return 1; }
    rm -rf "$g/unpacked" && mkdir -p "$g/unpacked/course-main/exercises" && cp "solutions/$ch1.c" "$g/unpacked/course-main/exercises/" || return 1
    tools/grade.sh --json "$g/lost.json" "$g/unpacked" 01 >/dev/null 2>&1
    grep -qF "; $g/unpacked/course-main/exercises/$ch1.c is there: grade its folder, $g/unpacked/course-main/exercises" "$g/lost.json" ||
        { echo "a copy one level down:"; grep 'there is no' "$g/lost.json" | head -n 2; return 1; }
    # The files in a folder of their own, as a zip unpacks them ("hw 2/",
    # under a student folder whose name holds a pattern's [ ]): pointed
    # at, where the report said only "there is no ..."; a copy's tests/
    # and solutions/, which hold files of the same names, never are.
    sub="$g/nested/ann [late]"
    rm -rf "$g/nested" && mkdir -p "$sub/course/tests" "$sub/course/solutions" &&
        cp "tests/$ch1.c" "$sub/course/tests/" && cp "solutions/$ch1.c" "$sub/course/solutions/" || return 1
    tools/grade.sh --json "$g/lost.json" "$sub" 01 >/dev/null 2>&1
    grep -qF "there is no $sub/$ch1.c" "$g/lost.json" && ! grep -q ' is there: grade its folder' "$g/lost.json" ||
        { echo "a copy's tests/ or solutions/ was pointed at:"; grep 'there is no' "$g/lost.json" | head -n 2; return 1; }
    mkdir -p "$sub/hw 2" && cp "solutions/$ch1.c" "$sub/hw 2/" || return 1
    tools/grade.sh --json "$g/lost.json" "$sub" 01 >/dev/null 2>&1
    grep -qF "there is no $sub/$ch1.c; $sub/hw 2/$ch1.c is there: grade its folder, $sub/hw 2" "$g/lost.json" ||
        { echo "a folder a level down:"; grep 'there is no' "$g/lost.json" | head -n 2; return 1; }
}
check "a chapter's file gone: make check names make reset EX=NN, which brings the stub back; make grade's results do not, and name a file misnamed, a copy a level down or the files in a folder of their own" \
    missing_file_names_the_way_back

# What the grader's check of includes and asm read is what is compiled: a
# file that would read differently when preprocessed a second time (here,
# once the first run has made its .log) gets none of the second reading
# into its object.
checked_text_is_compiled() {
    dir=$g/second-reading
    rm -rf "$dir" && submission "$dir" && rm -rf "$(grader_scratch "$dir")" || return 1
    cat >>"$dir/$ch1.c" <<'EOF'
#if __has_include("01-gradient-descent.log")
#include "../../../tests/grading.h"
int unseen_by_the_check(void) { return grading_near(1, 1, 0); }
#endif
EOF
    tools/grade.sh "$dir" 01 >"$g/second-reading.out" 2>&1
    nm "$(grader_scratch "$dir")/$ch1.plain.o" >"$g/second-reading.nm" || { cat "$g/second-reading.out"; return 1; }
    ! grep -q unseen_by_the_check "$g/second-reading.nm" || { echo "compiled code the check never read"; return 1; }
}
check "what is compiled is the preprocessed text the check of includes read, not the file read again" checked_text_is_compiled

# printf is how a beginner debugs: what the failing exercise's tests
# printed is shown under its diagnostic, quoted, its first ten lines, even
# when the test then crashed (the output is line-buffered).
printed_is_shown() {
    dir=$g/printer
    rm -rf "$dir" && submission "$dir" || return 1
    sed -i 's|^double mse_loss(|int printf(const char *, ...);\n&|' "$dir/$ch1.c"
    sed -i '/^double mse_loss(/,/^}/s|^{|{\n    for (int k = 0; k < 12; k++) printf("debug line %d\\n", k);\n    if (n == 3) { volatile int *p = 0; *p = 1; }|' "$dir/$ch1.c"
    tools/grade.sh "$dir" 01 >"$g/printer.out" 2>&1
    out=$g/printer.out
    grep -q "^First failing exercise: mse_loss()" "$out" && grep -q "^  Your code printed, in this exercise's tests:$" "$out" &&
        grep -q '^    | debug line 9$' "$out" && ! grep -q 'debug line 10' "$out" &&
        grep -q '^    | \.\.\. and 2 more lines$' "$out" || { cat "$out"; return 1; }
    tools/grade.sh --hint-for mse-loss "$dir" 01 | grep -q '^    | debug line 0$' || { echo "make check EX=mse-loss does not show it"; return 1; }
}
check "what a failing exercise printed (printf) is shown under its diagnostic, even before a crash" printed_is_shown

# A tampering stop keeps the rows graded: the hidden suite's source is
# changed (here by the self-test, as a submission graded without the
# sandbox could) while the second student's tests run; grade-class stops
# with status 3, and the gradebook keeps the first student's row.
tampering_stop_keeps_rows() {
    class=$root/$g/tamper-class hidden=$root/$g/tamper-hidden
    rm -rf "$class" "$hidden" "$g/tamper-out" && mkdir -p "$class/alice" "$class/zed" "$hidden" || return 1
    cp "$g/instructor/$ch1.c" "$hidden/" && cp solutions/$ch1.c "$class/alice/" || return 1
    # Zed's tests take a while: the change lands while they run.
    sed 's|^double parabola_descend(|unsigned sleep(unsigned);\n&|' solutions/$ch1.c >"$class/zed/$ch1.c"
    sed -i '/^double parabola_descend(/,/^}/s|^{|{\n    sleep(2);|' "$class/zed/$ch1.c"
    zed_run=$(grader_scratch "$class/zed")/run
    rm -rf "$zed_run"
    HIDDEN_TESTS="$hidden" tools/grade-class.sh "$class" "$g/tamper-out" >"$g/tamper.out" 2>&1 &
    grader=$!
    waited=0
    until [ -d "$zed_run" ] || [ "$waited" -gt 600 ]; do sleep 0.1; waited=$((waited + 1)); done
    echo '/* changed */' >>"$hidden/$ch1.c"
    wait "$grader"
    code=$?
    [ "$code" -eq 3 ] || { echo "grade-class exited with $code, not 3"; cat "$g/tamper.out"; return 1; }
    grep -q '^alice,' "$g/tamper-out/gradebook.csv" && ! grep -q '^zed,' "$g/tamper-out/gradebook.csv" ||
        { echo "the gradebook lost alice's row or kept zed's:"; cat "$g/tamper-out/gradebook.csv"; return 1; }
}
check "grade-class: a tampering stop (the course's files changed mid-grading) keeps the rows graded before" \
    tampering_stop_keeps_rows

# A change that puts the same bytes back, with the old modification time
# (touch -r), is still a change: the grading is void (status 3).
same_bytes_rewrite_caught() {
    dir=$g/rewriter hidden=$root/$g/rewrite-hidden
    rm -rf "$dir" "$hidden" && mkdir -p "$dir" "$hidden" || return 1
    cp "$g/instructor/$ch1.c" "$hidden/" || return 1
    sed 's|^double parabola_descend(|unsigned sleep(unsigned);\n&|' solutions/$ch1.c >"$dir/$ch1.c"
    sed -i '/^double parabola_descend(/,/^}/s|^{|{\n    sleep(1);|' "$dir/$ch1.c"
    run=$(grader_scratch "$dir")/$ch1.out
    rm -f "$run"
    tools/grade.sh --hidden-tests "$hidden" "$dir" 01 >"$g/rewriter.out" 2>&1 &
    grader=$!
    waited=0
    until [ -e "$run" ] || [ "$waited" -gt 600 ]; do sleep 0.1; waited=$((waited + 1)); done
    cp -p "$hidden/$ch1.c" "$g/rewrite-saved.c" && cat "$g/rewrite-saved.c" >"$hidden/$ch1.c" &&
        touch -r "$g/rewrite-saved.c" "$hidden/$ch1.c" && cmp "$g/rewrite-saved.c" "$hidden/$ch1.c" || return 1
    wait "$grader"
    code=$?
    [ "$code" -eq 3 ] || { echo "the grader exited with $code, not 3"; cat "$g/rewriter.out"; return 1; }
    grep -q "changed while .* was graded: its results are void" "$g/rewriter.out" || { cat "$g/rewriter.out"; return 1; }
    # The message names the file (an editor's "save all" touched one, and
    # "restore them with git" sent the student looking for a change).
    grep -qF "($hidden/$ch1.c changed)" "$g/rewriter.out" || { echo "the file is not named:"; cat "$g/rewriter.out"; return 1; }
}
check "a course file rewritten mid-grading with the same bytes and its old time (touch -r) still voids the grading, naming the file" \
    same_bytes_rewrite_caught

# Each test has an output allowance of its own: an exercise whose code
# floods its output (70 MB, past the 64 MB a test may write) fails, and
# the next exercise, which prints a line of its own, still passes.
output_allowance_per_test() {
    dir=$g/flood
    submission "$dir" || return 1
    sed -i 's|^double parabola_descend(|int printf(const char *, ...);\n&|' "$dir/$ch1.c"
    sed -i '/^double parabola_descend(/,/^}/s|^{|{\n    for (int k = 0; k < 70 * 1024; k++) printf("%1023d\\n", k);|' "$dir/$ch1.c"
    sed -i '/^void mse_grad(/,/^}/s|^{|{\n    printf("debugging mse_grad\\n");|' "$dir/$ch1.c"
    tools/grade.sh "$dir" 01 >"$g/flood.out" 2>&1
    grep -q '^  \(FAIL\|CRASH\)  *parabola-descend' "$g/flood.out" && grep -q '^  PASS  *mse-grad' "$g/flood.out" ||
        { echo "one test's flood decided another's verdict:"; head -n 9 "$g/flood.out"; return 1; }
    # What the report shows of the flood says it was cut: its 4 kB read
    # as all there was of 64 MB.
    grep -q "^    | (the tests printed 67108864 bytes in all; the report keeps the first 4096 of each test's)\$" "$g/flood.out" ||
        { echo "the cut is not said:"; grep -A12 'Your code printed' "$g/flood.out"; return 1; }
}
check "each test may write 64 MB of its own: one exercise's flood fails it, not the next" output_allowance_per_test
