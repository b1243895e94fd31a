# tests/03-minibatch.sh: checks of chapter 3's program, sourced by
# tools/selftest.sh with $program (build/bin/03-minibatch), $data (its runs'
# CSV files) and $scratch set. Expected values come from the syllabus's
# reference example, from the normal equations and the Hessian solved here
# in awk from the saved data, or from what the lesson states; never from the
# program itself. Also here: the CSV reader's error messages, and a bounded
# libFuzzer run over it.

# least_squares FILE: the least-squares weights of a CSV dataset (header,
# then features and target per row) from the normal equations A θ = c,
# A = Σ x̃ x̃ᵀ, c = Σ x̃ y with x̃ = (x, 1), by Gaussian elimination with
# partial pivoting. Prints θ (the bias last), space-separated, %.17g.
# least_squares FILE hessian: the largest eigenvalue of the loss's Hessian
# 2A/N instead, by power iteration.
least_squares() {
    awk -F, -v want="${2:-theta}" '
    NR == 1 { p = NF; next }
    {
        n++
        for (i = 1; i < p; i++) xt[i] = $i
        xt[p] = 1
        for (r = 1; r <= p; r++) {
            for (c = 1; c <= p; c++) a[r, c] += xt[r] * xt[c]
            a[r, p + 1] += xt[r] * $p
        }
    }
    END {
        if (want == "hessian") {
            for (i = 1; i <= p; i++) v[i] = 1
            for (it = 0; it < 500; it++) {
                norm = 0
                for (r = 1; r <= p; r++) {
                    u[r] = 0
                    for (c = 1; c <= p; c++) u[r] += 2 * a[r, c] / n * v[c]
                    norm += u[r] * u[r]
                }
                norm = sqrt(norm)
                for (r = 1; r <= p; r++) v[r] = u[r] / norm
            }
            printf "%.17g\n", norm
            exit
        }
        for (col = 1; col <= p; col++) {
            pivot = col
            for (r = col + 1; r <= p; r++)
                if ((a[r, col] < 0 ? -a[r, col] : a[r, col]) > (a[pivot, col] < 0 ? -a[pivot, col] : a[pivot, col])) pivot = r
            for (c = 1; c <= p + 1; c++) { t = a[col, c]; a[col, c] = a[pivot, c]; a[pivot, c] = t }
            for (r = col + 1; r <= p; r++) {
                f = a[r, col] / a[col, col]
                for (c = col; c <= p + 1; c++) a[r, c] -= f * a[col, c]
            }
        }
        for (r = p; r >= 1; r--) {
            s = a[r, p + 1]
            for (c = r + 1; c <= p; c++) s -= a[r, c] * theta[c]
            theta[r] = s / a[r, r]
        }
        for (r = 1; r <= p; r++) printf "%.17g%s", theta[r], r < p ? " " : "\n"
    }' "$1"
}

# The syllabus: batch 32, η = 0.05, 20 epochs land within a few hundredths
# of the true w = (2, -1, 0.5, 3, -2), b = 0.7.
reference_run_lands_near_the_truth() {
    "$program" >"$scratch/minibatch.csv" || return 1
    [ "$(column "$scratch/minibatch.csv" step)" = 640 ] || { echo "the run does not end at step 640 (20 epochs of 32 batches)"; return 1; }
    [ "$(column "$scratch/minibatch.csv" examples)" = 20000 ] || { echo "the run did not read 20 × 1000 examples"; return 1; }
    set -- 2 -1 0.5 3 -2
    for j in 1 2 3 4 5; do
        near "$(column "$scratch/minibatch.csv" "w$j")" "$1" 0.05 "w$j" || return 1
        shift
    done
    near "$(column "$scratch/minibatch.csv" b)" 0.7 0.05 "b"
}
check "03: the reference minibatch run lands within a few hundredths of the true w and b" reference_run_lands_near_the_truth

# The normal equations, solved here in awk from the saved data, agree with
# --task solve, and the reference run ends near them (minibatch noise keeps
# it a few thousandths away).
normal_equations_agree() {
    theta=$(least_squares "$data/reference-data.csv")
    set -- $theta
    [ $# -eq 6 ] || { echo "could not solve the normal equations"; return 1; }
    for name in w1 w2 w3 w4 w5 b; do
        near "$(column "$data/solve.csv" "$name")" "$1" 1e-9 "$name from --task solve" || return 1
        near "$(column "$data/minibatch.csv" "$name")" "$1" 0.02 "$name after the reference run" || return 1
        shift
    done
}
check "03: --task solve and the reference run agree with the normal equations solved independently" normal_equations_agree

# Full batch is gradient descent on a quadratic: it converges for any
# η < 2/λmax and diverges above, with λmax the largest eigenvalue of the
# Hessian 2A/N (computed here by power iteration).
full_batch_stable_limit() {
    lambda=$(least_squares "$data/reference-data.csv" hessian)
    below=$(awk -v l="$lambda" 'BEGIN { printf "%.6f", 0.97 * 2 / l }')
    above=$(awk -v l="$lambda" 'BEGIN { printf "%.6f", 1.03 * 2 / l }')
    "$program" --method full --lr "$below" --epochs 3000 >"$scratch/below.csv" ||
        { echo "η = $below, just below 2/λmax, did not converge"; return 1; }
    near "$(column "$scratch/below.csv" loss)" "$(column "$data/solve.csv" loss)" 1e-12 "the loss at η = $below" || return 1
    "$program" --method full --lr "$above" --epochs 100000 >"$scratch/above.csv" 2>"$scratch/above.err"
    [ $? -eq 1 ] || { echo "η = $above, just above 2/λmax, did not stop with exit status 1"; return 1; }
    grep -q 'at step [0-9]* (epoch [0-9]*)' "$scratch/above.err" ||
        { echo "the message does not name the step:"; cat "$scratch/above.err"; return 1; }
}
check "03: full batch converges just below 2/λmax and diverges just above" full_batch_stable_limit

# batch = N with the order left alone is full-batch descent, to the bit.
batch_of_n_is_full_batch() {
    "$program" --batch-size 1000 --shuffle never --log-every 1 >"$scratch/batch-n.csv" || return 1
    cmp "$scratch/batch-n.csv" "$data/full.csv"
}
check "03: --batch-size N without shuffling gives exactly the full-batch run" batch_of_n_is_full_batch

# 1000 = 31 × 32 + 8: the partial batch of 8 is the 32nd step of an epoch,
# and --drop-last leaves it out.
partial_last_batch() {
    [ "$(column "$data/minibatch.csv" step 32)" = 32 ] && [ "$(column "$data/minibatch.csv" examples 32)" = 1000 ] &&
    [ "$(column "$data/minibatch.csv" examples 31)" = 992 ] ||
        { echo "the first epoch is not 31 batches of 32 and one of 8"; return 1; }
    [ "$(column "$data/drop-last.csv" step)" = 620 ] && [ "$(column "$data/drop-last.csv" examples)" = 19840 ] ||
        { echo "with --drop-last, 20 epochs should be 620 steps over 19840 examples"; return 1; }
}
check "03: an epoch ends with a partial batch, which --drop-last drops" partial_last_batch

# --save-data writes what --data reads: the run on the saved file is the
# same bytes as the run that saved it.
saved_data_round_trip() {
    [ "$(head -n 1 "$data/reference-data.csv")" = "x1,x2,x3,x4,x5,y" ] &&
    [ "$(wc -l <"$data/reference-data.csv")" -eq 1001 ] || { echo "reference-data.csv is not a header and 1000 rows"; return 1; }
    cmp "$data/minibatch.csv" "$data/from-file.csv"
}
check "03: --data on the --save-data file repeats the run to the byte" saved_data_round_trip

# The lesson: a minibatch gradient is an unbiased estimate whose error
# shrinks like 1/sqrt(B), and is exactly zero for B = N.
gradient_noise_as_predicted() {
    near "$(column "$data/noise.csv" rms_error 0)" "$(column "$data/noise.csv" predicted_rms 0)" 4 "rms error at B = 1" &&
    near "$(column "$data/noise.csv" rms_error 5)" "$(column "$data/noise.csv" predicted_rms 5)" 0.6 "rms error at B = 32" &&
    near "$(column "$data/noise.csv" rms_error)" 0 1e-9 "rms error at B = N" &&
    awk -F, 'NR > 1 && $1 < 1000 && $5 > $3 / 5 { print "at B = " $1 " the average error is not much smaller than one draw'"'"'s"; exit 1 }' "$data/noise.csv"
}
check "03: minibatch gradient errors shrink as predicted and average out" gradient_noise_as_predicted

# The sweep: the full-batch runs change from converging to diverging where
# 2/λmax says, and SGD diverges at a smaller rate than full batch.
sweep_brackets_the_limit() {
    lambda=$(least_squares "$data/reference-data.csv" hessian)
    awk -F, -v limit="$(awk -v l="$lambda" 'BEGIN { print 2 / l }')" '
        NR == 1 { next }
        $1 == 1000 && $4 == 0 && $2 > limit { print "full batch converged at " $2 " > 2/λmax = " limit; bad = 1 }
        $1 == 1000 && $4 == 1 && $2 < limit { print "full batch diverged at " $2 " < 2/λmax = " limit; bad = 1 }
        $4 == 1 && (!($1 in first) || $2 < first[$1]) { first[$1] = $2 }
        END { if (!(1 in first) || first[1] >= first[1000]) { print "SGD should diverge at a smaller rate than full batch"; bad = 1 }
              exit bad }' "$data/sweep.csv"
}
check "03: the sweep diverges where 2/λmax says, and sooner for small batches" sweep_brackets_the_limit

# Timing is a measurement, not a result: check only its shape. Then sizes
# far past the lesson's: nothing here may grow with N².
timing_reports() {
    "$program" --task timing >"$scratch/timing.csv" || return 1
    [ "$(head -n 1 "$scratch/timing.csv")" = "what,batch_size,seconds,gigabytes_per_second,fraction_of_read,isa,result_bits,difference_from_graded" ] || return 1
    [ "$(awk -F, 'NR > 1 && $3 > 0 && $4 > 0' "$scratch/timing.csv" | wc -l)" -eq 4 ] ||
        { cat "$scratch/timing.csv"; return 1; }
}
check "03: --task timing reports a read, a full-batch pass, a minibatch and an SGD step" timing_reports

ladder_reports() {
    "$program" --task timing --n 2000 --d 20 --ladder >"$scratch/ladder.csv" || return 1
    for what in graded-pass pass-baseline minibatch-step-prefetch; do
        awk -F, -v w="$what" '$1 == w && $3 > 0 { found = 1 } END { exit !found }' "$scratch/ladder.csv" ||
            { echo "no $what row:"; cat "$scratch/ladder.csv"; return 1; }
    done
}
check "03: --task timing --ladder times the graded pass, each compiled copy and a prefetched minibatch step" ladder_reports

# The tuned pass (lib/linreg_pass.c) is compiled for any x86-64 and for
# AVX2, with and without prefetching: the copies, each run by name, give
# the same bytes (the hash of the
# loss and gradient), on sizes that leave every remainder (rows not a
# multiple of 4, features not of 16 nor of 4), and agree with the graded
# minibatch_mse_grad to rounding. Where the processor has no AVX2, asking
# for it is refused.
pass_copies_agree() {
    "$program" --task timing --n 1003 --d 39 --isa baseline >"$scratch/pass-baseline.csv" || return 1
    bits() { awk -F, '$1 == "full-batch-pass" { print $7 }' "$1"; }
    difference=$(awk -F, '$1 == "full-batch-pass" { print $8 }' "$scratch/pass-baseline.csv")
    awk -v d="$difference" 'BEGIN { exit !(d >= 0 && d < 1e-12) }' ||
        { echo "the pass differs from minibatch_mse_grad by $difference (relative)"; return 1; }
    if grep -qw avx2 /proc/cpuinfo 2>/dev/null; then
        for copy in avx2 avx2-no-prefetch; do
            "$program" --task timing --n 1003 --d 39 --isa $copy >"$scratch/pass-$copy.csv" || return 1
            [ "$(bits "$scratch/pass-$copy.csv")" = "$(bits "$scratch/pass-baseline.csv")" ] ||
                { echo "baseline and $copy copies differ: $(bits "$scratch/pass-baseline.csv") vs $(bits "$scratch/pass-$copy.csv")"; return 1; }
            grep -q ",$copy," "$scratch/pass-$copy.csv" || return 1
        done
    else
        expect_bad_input --isa --task timing --isa avx2 || return 1
    fi
}
check "03: the full-batch pass compiled for x86-64, and for AVX2 with and without prefetching, gives the same bytes, and the graded numbers to 1e-12" pass_copies_agree

large_sizes() {
    timeout 60 "$program" --n 200000 --d 50 --epochs 2 >"$scratch/large.csv" || { echo "training on 200000 × 50 failed or took over a minute"; return 1; }
    [ "$(wc -l <"$scratch/large.csv")" -eq 4 ] || { echo "expected a row at the start and after each of 2 epochs"; return 1; }
    timeout 60 "$program" --task timing --n 200000 --d 50 >"$scratch/large-timing.csv" || return 1
}
check "03: trains and times 200000 examples of 50 features in linear time" large_sizes

# ---------------------------------------------------------------- --data
# data_error NAME CONTENT WHERE EXPECTED: a file NAME holding CONTENT (a
# printf format) must be refused by --data with exit status 2, one line on
# stderr naming NAME followed by WHERE (":line:column:") and saying
# EXPECTED, nothing on stdout, no --out file and no --save-data file.
data_error() {
    file=$scratch/$1
    printf "$2" >"$file"
    rm -f "$scratch/resaved.csv"
    expect_bad_input "$1$3" --data "$file" --save-data "$scratch/resaved.csv" || return 1
    grep -qF -- "$4" "$scratch/stderr" || { echo "stderr does not say \"$4\":"; cat "$scratch/stderr"; return 1; }
    [ ! -e "$scratch/resaved.csv" ] || { echo "--save-data wrote a file"; return 1; }
}
check "03: --data names an empty file" \
    data_error empty.csv '' :1:1: "expected a header line"
check "03: --data names a header without rows" \
    data_error header-only.csv 'x1,x2,y\n' :2:1: "expected rows of numbers after the header"
check "03: --data names a file without a header" \
    data_error no-header.csv '1,2\n3,4\n' :1:1: "found only numbers"
check "03: --data names a file with one column (no target)" \
    data_error one-column.csv 'x\n1\n2\n' :1:2: "expected at least two columns, the features and then the target"
check "03: --data names a cell that is not a number" \
    data_error bad-cell.csv 'x1,x2,y\n1,2,3\n4,abc,6\n' :3:3: "expected a number for x2 (value 2 of 3), found 'abc'"
check "03: --data names an empty cell" \
    data_error empty-cell.csv 'x,y\n1,\n' :2:3: "expected a number for y (value 2 of 2), found an empty cell"
check "03: --data names a row without its target" \
    data_error no-target.csv 'x1,x2,y\n1,2,3\n4,5\n' :3:4: "the target y (value 3 of 3) is missing"
check "03: --data names a row that ends early" \
    data_error short-row.csv 'x1,x2,y\n1\n' :2:2: "expected 3 values as in the header, found 1"
check "03: --data names a row with too many cells" \
    data_error long-row.csv 'x,y\n1,2,3\n' :2:4: "found more (an extra comma here)"
check "03: --data names a nan" \
    data_error nan.csv 'x,y\n1,2\n3,NaN\n' :3:3: "expected a finite number for y (value 2 of 2), found 'NaN'"
check "03: --data names an infinity" \
    data_error inf.csv 'x,y\n-inf,2\n' :2:1: "expected a finite number for x (value 1 of 2), found '-inf'"
check "03: --data names a number too large for a double" \
    data_error huge.csv 'x,y\n1e999,2\n' :2:1: "too large for a double"
check "03: --data names a binary file" \
    data_error binary.csv 'x,y\n1,2\0003\n' :2:4: "found a NUL byte"
check "03: --data names a file that does not exist" \
    expect_bad_input "no-such-file.csv: cannot open: No such file or directory" --data "$scratch/no-such-file.csv"
mkdir -p "$scratch/a-directory.csv"
check "03: --data names a file that cannot be read" \
    expect_bad_input "a-directory.csv:1:1: cannot read" --data "$scratch/a-directory.csv"

# --seed draws the generated data and the shuffles; with --data, the
# exact answer, a full batch and an unshuffled run draw nothing, and the
# seed was accepted and ignored. A shuffled run on --data still takes it.
printf 'x,y\n1,2\n2,4\n3,7\n' >"$scratch/three.csv"
seed_changes_something() {
    for run in "--task solve" "--method full" "--shuffle never"; do
        # shellcheck disable=SC2086  # the run's flags, one word each
        expect_bad_input "--seed '2': changes nothing here" --data "$scratch/three.csv" --seed 2 $run || return 1
    done
    "$program" --data "$scratch/three.csv" --seed 2 --batch-size 1 --epochs 1 >/dev/null ||
        { echo "a shuffled run on --data refused --seed"; return 1; }
}
check "03: --seed with --data is refused where nothing is drawn (solve, full, --shuffle never)" seed_changes_something

# A dataset whose least-squares problem has no unique answer (the second
# feature twice the first) is bad input, named by the flag it came from.
printf 'x1,x2,y\n1,2,3\n2,4,5\n3,6,7\n' >"$scratch/collinear.csv"
check "03: --task solve on collinear features is refused, naming --data" \
    expect_bad_input "--data '$scratch/collinear.csv': the least-squares problem has no unique solution" \
    --task solve --data "$scratch/collinear.csv"
check "03: --task solve with fewer examples than d + 1 is refused, naming --n" \
    expect_bad_input "--n '3': the least-squares problem has no unique solution" --task solve --n 3 --d 5
# ... before the (d + 1)^2 matrix is allocated: with d = 1e5 that is 80
# GB, and the run failed for want of memory (status 1) where the input
# was at fault. Under 1 GB of address space the refusal must still come.
few_examples_refused_first() {
    (ulimit -v 1000000 && expect_bad_input "--n '100': the least-squares problem has no unique solution: there are fewer than d + 1" \
        --task solve --n 100 --d 100000)
}
check "03: --task solve refuses fewer examples than d + 1 before allocating its matrix" few_examples_refused_first
# Data too large for double precision is not called singular, and not
# solved to inf: x = 1e200 makes Σ x² = 1.4e401 (A's corner, inf), and
# y = ±1e300 makes Σ y² = 3e600, where the weights are finite (w = 0,
# b = 1e300/3) but the loss overflows.
printf 'x,y\n1e200,1\n-2e200,2\n3e200,2.5\n' >"$scratch/huge-x.csv"
printf 'x,y\n1,1e300\n2,-1e300\n3,1e300\n' >"$scratch/huge-y.csv"
# beyond_precision_is_named WHAT FILE...: --task solve on each
# $scratch/FILE.csv is refused, saying that the normal equations WHAT in
# double precision.
beyond_precision_is_named() {
    what=$1
    shift
    for f in "$@"; do
        expect_bad_input "--data '$scratch/$f.csv': the normal equations $what in double precision" \
            --task solve --data "$scratch/$f.csv" || return 1
    done
}
check "03: --task solve on data whose squares overflow says so, not singular" \
    beyond_precision_is_named overflow huge-x huge-y
# --task noise on the same data printed rows of inf and nan with status 0.
check "03: --task noise on data whose gradients' squares overflow is refused, naming --data" \
    expect_bad_input "--data '$scratch/huge-x.csv': the examples' gradients, squared, add up to more than 1.8e308" \
    --task noise --data "$scratch/huge-x.csv"
# And data too small: x = 1e-200 makes every x² 1e-400, which is 0 in
# double precision, so A holds a zero column the data do not have; at
# x = 1e-160 the squares are subnormal (1e-320), with few bits, and the
# weights came out wrong in the fourth digit (7.5006e159 for 7.5e159).
printf 'x,y\n1e-200,1\n2e-200,2\n3e-200,2.5\n' >"$scratch/tiny-x.csv"
printf 'x,y\n1e-160,1\n2e-160,2\n3e-160,2.5\n' >"$scratch/small-x.csv"
check "03: --task solve on data whose squares underflow says so, not singular" \
    beyond_precision_is_named underflow tiny-x small-x
check "03: --out naming --data's file is refused, and the data kept" input_is_kept --data --out
# Training on them: y = ±1e300 overflows the loss at zero weights, before
# any step, and no learning rate is blamed (lib/loop.c's loop_blame_start).
check "03: a loss that overflows at the start blames the data, not --lr" \
    start_is_blamed --data "$scratch/huge-y.csv" --epochs 1

# The singular problem shows only once the data exist, and is still bad
# input: --save-data writes nothing, and a file already there is kept.
refused_solve_saves_nothing() {
    echo kept >"$scratch/saved.csv"
    "$program" --task solve --n 3 --d 5 --save-data "$scratch/saved.csv" 2>/dev/null
    [ $? -eq 2 ] || { echo "not refused with status 2"; return 1; }
    [ "$(cat "$scratch/saved.csv")" = kept ] || { echo "--save-data was written by a refused run"; return 1; }
}
check "03: a refused --task solve leaves --save-data's file as it was" refused_solve_saves_nothing
check "03: a run that cannot write --out leaves no --save-data file" saved_only_with_out --epochs 1
check "03: a run that cannot write --out exits 1, as --help says" status_one_as_help_says "a file could not be written" --epochs 1 --out /dev/full
check "03: a diverged run exits 1 and keeps its rows, as --help says" rows_kept_as_help_says --lr 1e3 --epochs 2

# A read that fails is an error, never the end of the file; and a line
# too long to be a row (a binary file without newlines: here a header,
# three rows, then 17 MiB of NUL bytes) is refused at its line, not read
# into memory whole.
{ printf 'x,y\n1,2\n2,3\n3,4\n'; head -c 17825792 /dev/zero; } >"$scratch/nul-tail.csv"
check "03: --data refuses a 17 MiB line of NUL bytes after three good rows" \
    expect_bad_input "nul-tail.csv:5:1: expected a line of at most 16 MiB" --task solve --data "$scratch/nul-tail.csv"

# What a spreadsheet writes is fine: spaces around cells, \r\n line ends,
# blank lines.
data_accepts_spreadsheet_csv() {
    printf 'height , weight,  y\r\n1.5, 2 ,3\r\n\r\n-2,0.25,1e-3\r\n4,5,6\r\n' >"$scratch/spreadsheet.csv"
    "$program" --data "$scratch/spreadsheet.csv" --method full --epochs 3 >"$scratch/spreadsheet-run.csv" || return 1
    [ "$(head -n 1 "$scratch/spreadsheet-run.csv")" = "epoch,step,examples,loss,batch_loss,w1,w2,b" ] &&
    [ "$(column "$scratch/spreadsheet-run.csv" examples)" = 9 ]
}
check "03: --data reads spaces around cells, CRLF line ends and blank lines" data_accepts_spreadsheet_csv

# The reader, fuzzed: libFuzzer mutates the seed files in tests/fuzz-csv.corpus
# for 10 seconds (seed 1), under AddressSanitizer and
# UndefinedBehaviorSanitizer; any crash, leak, sanitizer report or broken
# round trip fails the check. New inputs go to the scratch folder, never to
# the repository.
fuzz_csv_reader() {
    fuzz csv lib/csv.c lib/dataset.c lib/output.c lib/rng.c -lm
}
check "03: libFuzzer finds no crash or sanitizer report in the CSV reader (10 s)" fuzz_csv_reader

# --------------------------------------------------------------- flags
check "03: --help lists every flag" help_lists_every_flag \
    task method batch-size drop-last shuffle lr epochs log-every seed n d noise data save-data out
check "03: --help describes every task" help_describes_every_task

check "03: refuses --task fly"                 expect_bad_input --task --task fly
check "03: refuses --method adam"              expect_bad_input --method --method adam
check "03: refuses --batch-size 0"             expect_bad_input --batch-size --batch-size 0
check "03: refuses --batch-size 2.5"           expect_bad_input --batch-size --batch-size 2.5
check "03: refuses --batch-size above N"       expect_bad_input --batch-size --batch-size 1001
check "03: refuses --batch-size with sgd"      expect_bad_input --batch-size --method sgd --batch-size 4
check "03: refuses --batch-size with solve"    expect_bad_input --batch-size --task solve --batch-size 4
check "03: refuses --drop-last=yes"            expect_bad_input --drop-last --drop-last=yes
check "03: refuses --drop-last with full"      expect_bad_input --drop-last --method full --drop-last
check "03: refuses --shuffle sometimes"        expect_bad_input --shuffle --shuffle sometimes
check "03: refuses --isa with train"           expect_bad_input --isa --isa baseline
check "03: refuses --isa sse9"                 expect_bad_input --isa --task timing --isa sse9
# A run's size is bounded by design (--help says so): 1e9 steps, 1e7 rows.
check "03: refuses --epochs that ask for over 1e9 steps" expect_bad_input --epochs --epochs 1000000000
check "03: refuses --method sgd past 1e9 steps"   expect_bad_input --epochs --method sgd --epochs 2000000
# The sweep's 185 runs together, likewise (--epochs 1000000000 was taken:
# about two months of work).
check "03: refuses a sweep past 1e9 steps in all" \
    expect_bad_input "--epochs '1000000000': asks the sweep for 4.31e+13 steps on 1000 examples" --task sweep --epochs 1000000000
check "03: refuses a run that would write over 1e7 rows" expect_bad_input --log-every --epochs 400000 --log-every 1
# Steps alone did not bound a run: one example of 1e5 features for 1e7
# epochs was taken (22 TB of CSV, days of work), and so was a sweep of 3
# days. The work (numbers read) and the CSV's bytes are bounded too.
check "03: refuses a run that reads over 1e11 numbers" \
    expect_bad_input "--epochs '9999999': asks a run to read 2e+12 numbers" --n 1 --d 100000 --method sgd --epochs 9999999
check "03: refuses a sweep that reads over 1e11 numbers" \
    expect_bad_input "--epochs '1000000': asks the sweep to read 1.48e+14 numbers" --task sweep --n 20 --d 100000 --epochs 1000000
check "03: refuses a run that would write over 1 GB of CSV" \
    expect_bad_input "--log-every '1': would write 1e+05 rows (2.41 GB)" --n 1 --d 1000 --method sgd --epochs 100000 --log-every 1
# Generated data are drawn after the bounds are checked: a refused run of
# 1e8 examples drew 3.9 GB of them first (under 1 GB of address space,
# it ran out of memory, status 1, instead of being refused).
refused_before_drawing() {
    (ulimit -v 1000000 && expect_bad_input --epochs --n 100000000 --d 4 --method sgd --epochs 20)
}
check "03: refuses a run's size before drawing its generated data" refused_before_drawing
# --task noise shuffles all N examples 400 times for each batch size: --n
# 1e9 was taken (days of work; --n 1e6 takes a minute and a half).
noise_bounded() {
    (ulimit -v 1000000 && expect_bad_input "--n '1000000000': asks the noise task to shuffle 1.24e+13 examples" \
        --task noise --n 1000000000 --d 1)
}
check "03: refuses a noise task past 1e10 examples shuffled" noise_bounded
# With --log-every, a row is written every that many steps, not at every
# epoch's end: 1e7 full-batch epochs write 3 rows, and were refused as 1e7.
rows_as_written() {
    "$program" --n 2 --d 1 --method full --epochs 10000000 --log-every 100000000 >"$scratch/few-rows.csv" &&
        [ "$(wc -l <"$scratch/few-rows.csv")" -eq 3 ] || { cat "$scratch/few-rows.csv"; return 1; }
}
check "03: counts the rows --log-every writes, not one an epoch" rows_as_written
check "03: refuses --shuffle with full"        expect_bad_input --shuffle --method full --shuffle never
check "03: refuses --lr abc"                   expect_bad_input --lr --lr abc
check "03: refuses --lr nan"                   expect_bad_input --lr --lr nan
check "03: refuses --lr inf"                   expect_bad_input --lr --lr inf
check "03: refuses --lr 0"                     expect_bad_input --lr --lr 0
check "03: refuses --lr -0.1"                  expect_bad_input --lr --lr -0.1
check "03: refuses --lr 1e999"                 expect_bad_input --lr --lr 1e999
check "03: refuses --lr with no value"         expect_bad_input --lr --lr
check "03: refuses --lr with --task sweep"     expect_bad_input --lr --task sweep --lr 0.1
check "03: refuses --epochs -1"                expect_bad_input --epochs --epochs -1
check "03: refuses --epochs with --task noise" expect_bad_input --epochs --task noise --epochs 3
check "03: refuses --log-every x"              expect_bad_input --log-every --log-every x
check "03: refuses --log-every with solve"     expect_bad_input --log-every --task solve --log-every 2
check "03: refuses --seed -4"                  expect_bad_input --seed --seed -4
check "03: refuses --n 0"                      expect_bad_input --n --n 0
check "03: refuses --d 0"                      expect_bad_input --d --d 0
check "03: refuses --n × --d over 2e9"         expect_bad_input --n --n 100000000 --d 100
check "03: --help states the 2e9 bound on generated data" \
    sh -c 'build/bin/03-minibatch --help | tr "\n" " " | grep -q "at most 2e9 numbers (--n times --d)"'
check "03: refuses --noise -1"                 expect_bad_input --noise --noise -1
check "03: refuses --d with --data"            expect_bad_input --d --data "$data/reference-data.csv" --d 3
check "03: refuses an empty --data="           expect_bad_input --data --data=
check "03: refuses an empty --save-data="      expect_bad_input --save-data --save-data=
check "03: refuses an unknown flag"            expect_bad_input --batchsize --batchsize 32
check "03: refuses a bare argument"            expect_bad_input 32 32
check "03: refuses a repeated flag"            expect_bad_input --lr --lr 0.1 --lr 0.2
