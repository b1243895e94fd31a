# tests/01-gradient-descent.sh: checks of chapter 1's program, sourced by
# tools/selftest.sh with $program (build/bin/01-gradient-descent) and $data
# (its runs' CSV files) set. Expected values come from closed forms or from
# what the lesson states, never from the program itself.

# w_20 = 3 - 3·(1 - 2·0.1)^20 = 3 - 3·0.8^20 (the lesson's closed form).
parabola_default_run() {
    "$program" >"$scratch/parabola.csv" || return 1
    [ "$(column "$scratch/parabola.csv" step)" = 20 ] || { echo "the run does not end at step 20"; return 1; }
    near "$(column "$scratch/parabola.csv" w)" "$(awk 'BEGIN { printf "%.17g", 3 - 3 * 0.8 ^ 20 }')" 1e-12 "w after 20 steps"
}
check "01: the default parabola run follows the closed form w_k = 3 - 3(0.8)^k" parabola_default_run

# The lesson: 200 steps of η = 0.05 reach w ≈ 2 and b ≈ 1, essentially the
# least-squares line.
linreg_default_run() {
    "$program" --problem linreg >"$scratch/linreg.csv" || return 1
    "$program" --problem linreg --task solve >"$scratch/solve.csv" || return 1
    [ "$(column "$scratch/linreg.csv" step)" = 200 ] || { echo "the run does not end at step 200"; return 1; }
    near "$(column "$scratch/linreg.csv" w)" 2 0.02 "w" &&
    near "$(column "$scratch/linreg.csv" b)" 1 0.02 "b" &&
    near "$(column "$scratch/linreg.csv" w)" "$(column "$scratch/solve.csv" w)" 1e-6 "w against least squares" &&
    near "$(column "$scratch/linreg.csv" b)" "$(column "$scratch/solve.csv" b)" 1e-6 "b against least squares"
}
check "01: the default regression run reaches w ≈ 2, b ≈ 1, the least-squares line" linreg_default_run

# The syllabus: the hand-derived gradient agrees with central differences to
# a relative error of 1e-7 or better (here at h = 1e-5, the fifth row).
gradient_check_agrees() {
    near "$(column "$data/linreg-gradcheck.csv" central_error_w 4)" 0 1e-7 "relative error of w's gradient at h = 1e-5" &&
    near "$(column "$data/linreg-gradcheck.csv" central_error_b 4)" 0 1e-7 "relative error of b's gradient at h = 1e-5"
}
check "01: the gradient check agrees with central differences to 1e-7" gradient_check_agrees

# η = 1.05 > 1 diverges on the parabola: |w_20 - 3| = 3·1.1^20 ≈ 20.2.
parabola_diverges() {
    near "$(column "$data/parabola-lr1.05.csv" w)" "$(awk 'BEGIN { printf "%.17g", 3 - 3 * (-1.1) ^ 20 }')" 1e-9 "w after 20 steps of η = 1.05"
}
check "01: η = 1.05 diverges on the parabola as the closed form says" parabola_diverges

# A loss that overflows stops the run with exit status 1 and a message that
# names the step and the learning rate; the rows before it are kept.
divergence_is_reported() {
    "$program" --problem linreg --lr 2 --steps 5000 --out "$scratch/diverged.csv" 2>"$scratch/diverged.err"
    [ $? -eq 1 ] || { echo "exit status is not 1"; return 1; }
    grep -q 'at step [0-9]' "$scratch/diverged.err" && grep -q -- '--lr 2' "$scratch/diverged.err" ||
        { echo "the message does not name the step and --lr:"; cat "$scratch/diverged.err"; return 1; }
    last=$(column "$scratch/diverged.csv" step)
    grep -q "at step $((last + 1)):" "$scratch/diverged.err" ||
        { echo "the data stop at step $last, the message says otherwise"; return 1; }
}
check "01: a diverging run stops at the first non-finite loss and says why" divergence_is_reported
check "01: a loss that overflows at the start blames --start, not --lr" start_is_blamed --start 1e300
# The gradient check too: it printed rows of nan with status 0.
gradcheck_start_is_blamed() {
    start_is_blamed --task gradcheck --start 1e200 --out "$scratch/gradcheck.csv" || return 1
    [ ! -e "$scratch/gradcheck.csv" ] || { echo "a file of nan rows was written"; return 1; }
}
check "01: a gradient check from a start where the loss overflows blames --start and writes nothing" gradcheck_start_is_blamed

save_data_writes_the_points() {
    [ "$(head -n 1 "$data/linreg-data.csv")" = "x,y" ] && [ "$(wc -l <"$data/linreg-data.csv")" -eq 101 ] &&
    near "$(column "$data/linreg-data.csv" x 0)" -2 0 "first x" && near "$(column "$data/linreg-data.csv" x)" 2 0 "last x"
}
check "01: --save-data writes the 100 points, x evenly spaced on [-2, 2]" save_data_writes_the_points
check "01: a run that cannot write --out leaves no --save-data file" saved_only_with_out --problem linreg

# --data reads the format --save-data writes: the same points and the same
# start give the same bytes.
data_round_trip() {
    "$program" --problem linreg --data "$data/linreg-data.csv" --start 0.5,-0.5 >"$scratch/from-file.csv" || return 1
    "$program" --problem linreg --start 0.5,-0.5 >"$scratch/generated.csv" || return 1
    cmp "$scratch/from-file.csv" "$scratch/generated.csv"
}
check "01: --data on the --save-data file repeats the run exactly" data_round_trip

# Chapter 1 fits a line: one feature and the target, nothing else.
printf 'x1,x2,y\n1,2,3\n4,5,6\n' >"$scratch/two-features.csv"
printf 'x,y\n1,2\n1,3\n' >"$scratch/same-x.csv"
printf 'x,y\n1,2\n3,oops\n' >"$scratch/bad-cell.csv"
check "01: --data refuses two features, naming file:line:column" \
    expect_bad_input "two-features.csv:1:1: expected 2 columns" --problem linreg --data "$scratch/two-features.csv"
check "01: --data refuses points that all share one x" \
    expect_bad_input "same-x.csv: expected at least two different x" --problem linreg --data "$scratch/same-x.csv"
# Points double precision cannot solve, each for every task: before the
# check, --task solve printed nan, inf or a limit of 0 with exit status 0.
# x 1e-200 apart: the spread squared, 1e-400, underflows to 0, and w* = 0/0.
# x = 1e200: x² overflows, so λmax is inf and 2/λmax is 0. y = ±1e300: w* = 0
# and b* = 1e300/3 are finite, but the loss's squared residuals overflow.
printf 'x,y\n1e-200,1\n2e-200,2\n3e-200,2.5\n' >"$scratch/tiny-x.csv"
printf 'x,y\n1e200,1\n2e200,2\n3e200,2.5\n' >"$scratch/huge-x.csv"
printf 'x,y\n1,1e300\n2,-1e300\n3,1e300\n' >"$scratch/huge-y.csv"
unsolvable_data_refused() {
    for f in tiny-x huge-x huge-y; do
        for task in solve train gradcheck; do
            expect_bad_input "$f.csv: the best line or its loss is not a finite number in double precision" \
                --problem linreg --task "$task" --data "$scratch/$f.csv" || { echo "($f, --task $task)"; return 1; }
        done
    done
}
check "01: --data refuses points whose best line or its loss overflows or underflows" unsolvable_data_refused
check "01: --out naming --data's file is refused, and the points kept" input_is_kept --data --out --problem linreg
check "01: --save-data naming --data's file is refused, and the points kept" \
    input_is_kept --data --save-data --problem linreg
check "01: a --data path with a newline is named in one line" \
    expect_bad_input "--data no-such\nfile.csv: cannot open" --problem linreg --data "$(printf 'no-such\nfile.csv')"
check "01: --data refuses a cell that is not a number" \
    expect_bad_input "bad-cell.csv:3:3: expected a number for y" --problem linreg --data "$scratch/bad-cell.csv"
check "01: --data refuses a file that does not exist" \
    expect_bad_input "no-such.csv: cannot open" --problem linreg --data "$scratch/no-such.csv"
check "01: refuses --data for the parabola" expect_bad_input --data --data "$scratch/same-x.csv"
check "01: refuses --n with --data"       expect_bad_input --n --problem linreg --data "$scratch/same-x.csv" --n 5

check "01: --help lists every flag" help_lists_every_flag \
    problem task lr steps start seed n noise out save-data data
check "01: --help describes every task" help_describes_every_task
# --help to a full disk is a failed write (lib/cli.c's cli_start), not a
# success with nothing shown: exit status 1 and one line saying why.
help_to_full_disk() {
    "$program" --help >/dev/full 2>"$scratch/stderr"
    [ $? -eq 1 ] || { echo "exit status not 1"; return 1; }
    [ "$(wc -l <"$scratch/stderr")" -eq 1 ] && grep -q -- "--help: cannot write to stdout: No space left on device" "$scratch/stderr" ||
        { cat "$scratch/stderr"; return 1; }
}
check "01: --help to a full disk exits 1, saying so" help_to_full_disk

check "01: refuses --lr abc"              expect_bad_input --lr --lr abc
check "01: refuses --lr nan"              expect_bad_input --lr --lr nan
check "01: refuses --lr inf"              expect_bad_input --lr --lr inf
check "01: refuses --lr 1e999"            expect_bad_input --lr --lr 1e999
check "01: refuses --steps past its cap (1e7 rows)" expect_bad_input --steps --steps 10000001
check "01: refuses --lr 0"                expect_bad_input --lr --lr 0
check "01: refuses --lr with a leading blank" expect_bad_input --lr --lr " 1"
check "01: refuses --lr -0.1"             expect_bad_input --lr --lr -0.1
check "01: refuses --lr with no value"    expect_bad_input --lr --lr
check "01: refuses --lr followed by a flag" expect_bad_input --lr --lr --steps 3
check "01: refuses --steps -1"            expect_bad_input --steps --steps -1
check "01: refuses --steps 2.5"           expect_bad_input --steps --steps 2.5
check "01: refuses --steps 99999999999"   expect_bad_input --steps --steps 99999999999
check "01: refuses --problem cubic"       expect_bad_input --problem --problem cubic
check "01: refuses --task fly"            expect_bad_input --task --task fly
check "01: refuses an unknown flag"       expect_bad_input --learning-rate --learning-rate 0.1
# A value or a path holding a newline is shown escaped: still one line.
check "01: a value with a newline is refused in one line" expect_bad_input "--lr '1\n2'" --lr "$(printf '1\n2')"
# A name the folder takes, but not with the temporary file's ".tmp-PID-
# XXXXXX": refused before anything is written (it failed at the end, exit
# status 1), while a name with room to spare is written.
long_names() {
    long=$(printf 'a%.0s' $(seq 250))
    expect_bad_input "a name of 250 bytes, too long for the temporary file" --save-data "$scratch/$long" --problem linreg || return 1
    fits=$(printf 'a%.0s' $(seq 200))
    "$program" --out "$scratch/$fits" && [ -s "$scratch/$fits" ] || { echo "a 200-byte name was not written"; return 1; }
    rm -f "$scratch/$fits"
}
check "01: an output name too long for its temporary file is refused first" long_names
check "01: a path with a newline is refused in one line" expect_bad_input "--save-data 'no-such-folder\n/x.csv'" --problem linreg --save-data "$(printf 'no-such-folder\n/x.csv')"
check "01: refuses a bare argument"       expect_bad_input 0.1 0.1
check "01: refuses a repeated flag"       expect_bad_input --lr --lr 0.1 --lr 0.2
check "01: refuses --start 1,2 for the parabola" expect_bad_input --start --start 1,2
check "01: refuses --start 1,x"           expect_bad_input --start --problem linreg --start 1,x
check "01: refuses --seed for the parabola" expect_bad_input --seed --seed 3
check "01: refuses --seed -4"             expect_bad_input --seed --problem linreg --seed -4
check "01: refuses --n 1"                 expect_bad_input --n --problem linreg --n 1
check "01: refuses --noise -1"            expect_bad_input --noise --problem linreg --noise -1
check "01: refuses --lr with --task solve" expect_bad_input --lr --problem linreg --task solve --lr 0.1
check "01: refuses an empty --save-data="  expect_bad_input --save-data --problem linreg --save-data=
# A run's size: every step passes over the points three times, and --n
# 1e8 --steps 1e7 was taken (3e15 point visits, over a month). At most
# 6e10, checked before generated points are drawn, or once a --data
# file's are read.
check "01: refuses a run of over 6e10 point visits, quoting both flags" \
    refused_at_once "--steps '10000000': with --n '100000000', asks for 3e+15 point visits" --problem linreg --n 100000000 --steps 10000000
many_points_refused() {
    awk 'BEGIN { print "x,y"; for (i = 0; i < 3000; i++) printf "%g,%g\n", i / 1000, 2 * i / 1000 + 1 }' >"$scratch/many.csv" &&
        refused_at_once "--steps '10000000': with --data '$scratch/many.csv', asks for 9e+10 point visits" --problem linreg --data "$scratch/many.csv" --steps 10000000
}
check "01: refuses a run over --data of over 6e10 point visits" many_points_refused

# Two CSVs on standard output run into one: --save-data - beside --out's
# default, standard output, is refused as --save-data - --out - was (it
# printed the data's x,y rows, then the run's).
stdout_taken_once() {
    "$program" --problem linreg --steps 1 --n 2 --save-data - >"$scratch/stdout" 2>"$scratch/stderr"
    status=$?
    [ "$status" -eq 2 ] && [ ! -s "$scratch/stdout" ] && [ "$(wc -l <"$scratch/stderr")" -eq 1 ] &&
        grep -q -- "--save-data '-': standard output, as --out is by default: two CSVs would run into one" "$scratch/stderr" ||
        { echo "exit status $status"; cat "$scratch/stdout" "$scratch/stderr"; return 1; }
    # /dev/stdout is standard output too.
    "$program" --problem linreg --steps 1 --n 2 --save-data /dev/stdout >"$scratch/stdout" 2>"$scratch/stderr"
    status=$?
    [ "$status" -eq 2 ] && [ ! -s "$scratch/stdout" ] &&
        grep -q -- "--save-data '/dev/stdout': the same file as --out" "$scratch/stderr" ||
        { echo "/dev/stdout: exit status $status"; cat "$scratch/stderr"; return 1; }
}
check "01: --save-data - beside --out's default (standard output) is refused: two CSVs would run into one" stdout_taken_once
