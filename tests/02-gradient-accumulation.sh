# tests/02-gradient-accumulation.sh: checks of chapter 2's program, sourced
# by tools/selftest.sh with $program (build/bin/02-gradient-accumulation),
# $data (its runs' CSV files) and $scratch set. Expected values come from
# what the lesson states, from identities it derives (a running sum, a
# k-fold learning rate), or from chapter 1's program, never from this
# program's own output alone.

# The lesson: the correct loop is chapter 1's gradient descent, to the last
# digit, because backward into a cleared grad is the gradient itself.
correct_is_chapter_1() {
    build/bin/01-gradient-descent --problem linreg | cut -d, -f1-6 >"$scratch/ch1.csv" || return 1
    cut -d, -f1-6 "$data/correct.csv" >"$scratch/ch2.csv"
    cmp "$scratch/ch1.csv" "$scratch/ch2.csv" ||
        { echo "step, loss, w, b and the gradients differ from chapter 1's linreg run"; return 1; }
    near "$(column "$data/correct.csv" w)" 2 0.02 "w" && near "$(column "$data/correct.csv" b)" 1 0.02 "b"
}
check "02: the correct loop retraces chapter 1's gradient descent bit for bit" correct_is_chapter_1
check "02: a loss that overflows at the start blames --start, not --lr" start_is_blamed --start 1e200,0

# Without zero_grad, what the update uses is the sum of every gradient so
# far: used_grad at step k = grad at steps 0..k added up.
stale_grad_is_a_running_sum() {
    awk -F, 'NR > 1 {
        sw += $5; sb += $6
        if ((d = sw - $7) < 0) d = -d; if (d > 1e-9 * (1 + (sw < 0 ? -sw : sw))) { print "used_grad_w at step " $1 " is " $7 ", the sum is " sw; bad = 1 }
        if ((d = sb - $8) < 0) d = -d; if (d > 1e-9 * (1 + (sb < 0 ? -sb : sb))) { print "used_grad_b at step " $1 " is " $8 ", the sum is " sb; bad = 1 }
    } END { exit bad }' "$data/no-zero.csv"
}
check "02: without zero_grad each update uses the sum of all the gradients so far" stale_grad_is_a_running_sum

# The lesson: without zero_grad the loss never settles; long after the
# correct run has reached its floor it keeps climbing back to near where it
# started (at least 90% of the starting loss in the last 100 steps).
no_zero_never_settles() {
    start=$(column "$data/no-zero.csv" loss 0)
    peak=$(awk -F, 'NR > 1 && $1 >= 100 && $2 > m { m = $2 } END { print m }' "$data/no-zero.csv")
    awk -v p="$peak" -v s="$start" 'BEGIN { exit !(p >= 0.9 * s) }' ||
        { echo "the largest loss after step 100 is $peak, the start was $start"; return 1; }
    awk -v l="$(column "$data/correct.csv" loss)" 'BEGIN { exit !(l < 0.013) }' ||
        { echo "the correct run does not reach the noise floor"; return 1; }
}
check "02: without zero_grad the loss keeps climbing back to its starting value" no_zero_never_settles

# The issue's claim: accumulation weighted by size gives the large batch's
# parameters to rounding, here at most 1e-14 relative to the parameters.
same_update_to_rounding() {
    for run in accumulate-k4 unequal-size k3-size; do
        diff=$(column "$data/$run.csv" max_param_diff)
        scale=$(awk -F, 'NR > 1 { for (i = 3; i <= 4; i++) { v = $i < 0 ? -$i : $i; if (v > m) m = v } } END { print m }' "$data/$run.csv")
        awk -v d="$diff" -v s="$scale" 'BEGIN { exit !(d <= 1e-14 * s) }' ||
            { echo "$run: the largest difference from the large batch is $diff (parameters up to $scale)"; return 1; }
    done
}
check "02: accumulation weighted by size matches the large batch to 1e-14 relative" same_update_to_rounding

# ... while weighting unequal micro-batches equally differs measurably,
# during the run and at its end (it minimises another loss).
equal_weighting_differs() {
    awk -v d="$(column "$data/unequal-equal.csv" max_param_diff)" 'BEGIN { exit !(d > 0.1) }' &&
    awk -v d="$(column "$data/unequal-equal.csv" param_diff)" 'BEGIN { exit !(d > 1e-3) }' &&
    awk -v d="$(column "$data/k3-equal.csv" param_diff)" 'BEGIN { exit !(d > 1e-5) }' ||
        { echo "equal weights on unequal micro-batches should end measurably away from the large batch"; return 1; }
}
check "02: weighting unequal micro-batches 1/k each ends measurably elsewhere" equal_weighting_differs

# The lesson: on equal micro-batches, forgetting the weights is exactly a
# k-fold learning rate: k4-none retraces correct training with lr 4 × 0.05.
no_weights_is_k_times_the_rate() {
    "$program" --lr 0.2 >"$scratch/lr0.2.csv" || return 1
    paste -d, "$data/k4-none.csv" "$scratch/lr0.2.csv" | awk -F, 'NR > 1 {
        for (i = 3; i <= 4; i++) { d = $i - $(i + 13); if (d < 0) d = -d; if (d > 1e-12) { print "step " $1 ": " $i " against " $(i + 13); bad = 1 } }
    } END { exit bad }'
}
check "02: no weights on 4 equal micro-batches is training with 4 times the learning rate" no_weights_is_k_times_the_rate

# ... and with k = 20 that rate, 1.0, is above chapter 1's stable limit.
twenty_unweighted_diverge() {
    awk -v l="$(column "$data/k20-none.csv" loss)" 'BEGIN { exit !(l > 1e10) }' ||
        { echo "20 unweighted micro-batches should blow up"; return 1; }
    awk -v l="$(build/bin/01-gradient-descent --problem linreg --task solve | awk -F, 'NR == 2 { print $4 }')" \
        'BEGIN { exit !(l < 1.0 && l > 0.2) }' || { echo "the stable limit is not between 0.2 and 1"; return 1; }
}
check "02: 20 unweighted micro-batches diverge (lr 1.0 is above the stable limit)" twenty_unweighted_diverge

# --micro-sizes 25,25,25,25 and --k 4 are the same split.
micro_sizes_and_k_agree() {
    "$program" --mode accumulate --micro-sizes 25,25,25,25 >"$scratch/sizes.csv" || return 1
    cmp "$scratch/sizes.csv" "$data/accumulate-k4.csv"
}
check "02: --micro-sizes 25,25,25,25 gives the same bytes as --k 4" micro_sizes_and_k_agree

# A loss that overflows stops the run, exit status 1, with the step and a
# cause that fits the mode; the rows before it are kept.
divergence_is_explained() {
    mode=$1 expect=$2
    shift 2
    "$program" "$@" --steps 5000 --out "$scratch/diverged.csv" 2>"$scratch/diverged.err"
    [ $? -eq 1 ] || { echo "exit status is not 1"; return 1; }
    last=$(column "$scratch/diverged.csv" step)
    grep -Eq "at step $((last + 1))( in the reference run [(][^)]*[)])?:" "$scratch/diverged.err" ||
        { echo "the data stop at step $last, the message says:"; cat "$scratch/diverged.err"; return 1; }
    grep -q -- "$expect" "$scratch/diverged.err" || { echo "the message does not say '$expect':"; cat "$scratch/diverged.err"; return 1; }
}
check "02: a diverging correct run names --lr"          divergence_is_explained correct '--lr 2 is above' --lr 2
# Without zero_grad this loss never overflows where correct training does not
# (the lesson: it is bounded up to twice the stable limit), so it is the
# reference beside it that fails first, and the message says which.
check "02: a run whose reference diverges says so"    divergence_is_explained no-zero 'in the reference run' --mode no-zero --lr 2
check "02: a diverging unweighted run names the weights" divergence_is_explained none 'added without weights' --mode accumulate --k 20 --weighting none

check "02: --help lists every flag" help_lists_every_flag \
    mode lr steps k micro-sizes weighting start seed n noise out

check "02: refuses --mode fast"                   expect_bad_input --mode --mode fast
check "02: refuses --lr abc"                      expect_bad_input --lr --lr abc
check "02: refuses --lr nan"                      expect_bad_input --lr --lr nan
check "02: refuses --lr 0"                        expect_bad_input --lr --lr 0
check "02: refuses --lr -0.1"                     expect_bad_input --lr --lr -0.1
check "02: refuses --lr with no value"            expect_bad_input --lr --lr
check "02: refuses --steps -1"                    expect_bad_input --steps --steps -1
check "02: refuses --steps 2.5"                   expect_bad_input --steps --steps 2.5
check "02: refuses --k 0"                         expect_bad_input --k --mode accumulate --k 0
check "02: refuses --k 101 for 100 examples"      expect_bad_input --k --mode accumulate --k 101
check "02: refuses --k without --mode accumulate" expect_bad_input --k --k 4
check "02: refuses --k with --micro-sizes"        expect_bad_input --micro-sizes --mode accumulate --k 2 --micro-sizes 50,50
check "02: refuses --micro-sizes adding up to 90" expect_bad_input --micro-sizes --mode accumulate --micro-sizes 40,30,20
check "02: refuses --micro-sizes 0,100, quoting --n" expect_bad_input "--micro-sizes '0,100': each size must be a whole number from 1 to --n 100 " --mode accumulate --micro-sizes 0,100
check "02: refuses --micro-sizes 50.5,49.5"       expect_bad_input --micro-sizes --mode accumulate --micro-sizes 50.5,49.5
check "02: refuses --micro-sizes 50,x"            expect_bad_input --micro-sizes --mode accumulate --micro-sizes 50,x
check "02: refuses --micro-sizes 5e1,50"          expect_bad_input "--micro-sizes '5e1,50': expected comma-separated whole numbers" --mode accumulate --micro-sizes 5e1,50
check "02: refuses --micro-sizes in --mode correct" expect_bad_input --micro-sizes --micro-sizes 50,50
check "02: refuses --weighting mean"              expect_bad_input --weighting --mode accumulate --weighting mean
check "02: refuses --weighting in --mode no-zero" expect_bad_input --weighting --mode no-zero --weighting size
check "02: refuses --start 1"                     expect_bad_input --start --start 1
check "02: refuses --start 1,x"                   expect_bad_input --start --start 1,x
check "02: refuses --seed -4"                     expect_bad_input --seed --seed -4
check "02: refuses --n 1"                         expect_bad_input --n --n 1
check "02: refuses --noise -1"                    expect_bad_input --noise --noise -1
check "02: refuses an unknown flag"               expect_bad_input --micro-batches --micro-batches 4
check "02: refuses a repeated flag"               expect_bad_input --mode --mode correct --mode no-zero
# A run's size: five passes over the points a step, and --n 1e8 --steps
# 1e7 was taken (5e15 point visits, over a month). At most 1e11, which
# --n 1e8 at the default 200 steps just fits: one step more is refused,
# blaming the flag at its own bound, and the amount shown above 1e+11.
check "02: refuses a run of over 1e11 point visits" \
    refused_at_once "--n '100000000': with --steps '201', asks for 1.005e+11 point visits" --n 100000000 --steps 201
