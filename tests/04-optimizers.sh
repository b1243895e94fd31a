# tests/04-optimizers.sh: checks of chapter 4's program, sourced by
# tools/selftest.sh with $program (build/bin/04-optimizers), $data (its
# runs' CSV files) and $scratch set. Expected values come from closed forms,
# from recurrences written here in awk, or from what the lesson states;
# never from the program itself.

# The contract: header step,loss,x,y and one row per step from 0 to N.
# The default run is SGD (η = 1e-3) on (x² + 10y²)/2 from (-3, 1), where
# each coordinate shrinks by its own factor: x_k = -3(1 - η)^k and
# y_k = (1 - 10η)^k.
default_run_is_plain_sgd() {
    "$program" >"$scratch/default.csv" || return 1
    [ "$(head -n 1 "$scratch/default.csv")" = "step,loss,x,y" ] || { echo "header is not step,loss,x,y"; return 1; }
    [ "$(column "$scratch/default.csv" step 0)" = 0 ] && [ "$(column "$scratch/default.csv" step)" = 100 ] &&
        [ "$(wc -l <"$scratch/default.csv")" -eq 102 ] || { echo "rows are not steps 0 to 100"; return 1; }
    near "$(column "$scratch/default.csv" x)" "$(awk 'BEGIN { printf "%.17g", -3 * 0.999 ^ 100 }')" 1e-12 "x_100" &&
    near "$(column "$scratch/default.csv" y)" "$(awk 'BEGIN { printf "%.17g", 0.99 ^ 100 }')" 1e-12 "y_100"
}
check "04: the default run is plain SGD and follows the closed form" default_run_is_plain_sgd
check "04: a loss that overflows at the start blames --start, not --lr" start_is_blamed --start 1e300,1
# The experiments' sweeps too (through --experiment, handed over): they
# printed every optimizer as nan,inf with status 0.
check "04: a sweep of experiments from a start where the loss overflows blames --start" \
    start_is_blamed --experiment tuned --problem rosenbrock --start 1e200,1 --steps 2
check "04: a run that cannot write --out leaves no --save-data file" saved_only_with_out --problem linreg
check "04: an experiment that cannot write --out leaves no --save-data file" \
    saved_only_with_out --experiment lr-sweep --problem linreg --steps 10
check "04: a diverged run exits 1 and keeps its rows, as --help says" rows_kept_as_help_says --lr 10

# torch's SGD with momentum β and no dampening is the heavy ball
# θ_{k+1} = θ_k - η∇f(θ_k) + β(θ_k - θ_{k-1}), θ_{-1} = θ_0 (lesson).
momentum_is_the_heavy_ball() {
    "$program" --optimizer sgd --lr 0.02 --momentum 0.9 --steps 80 >"$scratch/hb.csv" || return 1
    want=$(awk 'BEGIN { x = -3; y = 1; px = x; py = y
        for (k = 0; k < 80; k++) { nx = x - 0.02 * x + 0.9 * (x - px); ny = y - 0.02 * 10 * y + 0.9 * (y - py)
            px = x; py = y; x = nx; y = ny }
        printf "%.17g %.17g", x, y }')
    near "$(column "$scratch/hb.csv" x)" "${want% *}" 1e-9 "x_80" &&
    near "$(column "$scratch/hb.csv" y)" "${want#* }" 1e-9 "y_80"
}
check "04: SGD with momentum follows the heavy-ball recurrence" momentum_is_the_heavy_ball

# Adam's first step moves each coordinate by η·g/(|g| + ε) (lesson): from
# (-3, 1) the gradient is (-3, 10).
adam_first_step_is_lr() {
    "$program" --optimizer adam --lr 0.1 --steps 1 >"$scratch/adam.csv" || return 1
    near "$(column "$scratch/adam.csv" x)" "$(awk 'BEGIN { printf "%.17g", -3 + 0.1 * 3 / (3 + 1e-8) }')" 1e-15 "x_1" &&
    near "$(column "$scratch/adam.csv" y)" "$(awk 'BEGIN { printf "%.17g", 1 - 0.1 * 10 / (10 + 1e-8) }')" 1e-15 "y_1"
}
check "04: Adam's first step moves every coordinate by about lr" adam_first_step_is_lr

# Conditioning: the lesson's claims. Gradient descent at η = 2/(κ+1)
# shrinks the loss by ρ² = ((κ-1)/(κ+1))² per step from 1, so it needs
# ceil(ln 1e-6 / (2 ln ρ)) steps; the slopes are about 1 and 1/2.
conditioning_matches_theory() {
    c=$data/conditioning.csv
    for row in 1 2 3; do
        kappa=$(column "$c" kappa $row)
        want=$(awk -v k="$kappa" 'BEGIN { r = (k - 1) / (k + 1); s = log(1e-6) / (2 * log(r)); n = int(s); if (n < s) n++; print n }')
        near "$(column "$c" gd_steps $row)" "$want" 1 "gradient descent's steps at κ = $kappa" || return 1
    done
    near "$(column "$c" gd_slope)" 1 0.05 "gradient descent's slope" &&
    near "$(column "$c" hb_slope)" 0.5 0.1 "momentum's slope" &&
    [ "$(column "$c" gd_steps 0)" = 1 ] && [ "$(column "$c" hb_steps 0)" = 1 ] ||
        { echo "at κ = 1 both should need one step"; return 1; }
}
check "04: conditioning: steps grow like κ for GD and like √κ with momentum" conditioning_matches_theory

# Is Adam always better? The lesson's two cases, as comparisons.
adam_vs_sgd_both_ways() {
    awk -F, 'NR == 3 { m = $3 } NR == 4 { a = $3 } END { exit !(m < a) }' "$data/tuned-rosenbrock.csv" ||
        { echo "momentum does not beat Adam on Rosenbrock in 100 steps"; return 1; }
    awk -F, 'NR == 3 { m = $3 } NR == 4 { a = $3 } END { exit !(a < m) }' "$data/tuned-rosenbrock-500.csv" ||
        { echo "Adam does not beat momentum on Rosenbrock in 500 steps"; return 1; }
    awk -F, 'NR == 3 { m = $3 } NR == 4 { a = $3 } END { exit !(a * 1000 < m) }' "$data/tuned-scaled.csv" ||
        { echo "Adam does not beat momentum by 1000x on the scaled quadratic"; return 1; }
}
check "04: SGD with momentum wins one case and Adam another" adam_vs_sgd_both_ways

# Weight decay: SGD and Adam with L2 both end at the ridge solution, the
# minimiser of L + (λ/2)|θ|², solved here from the saved data; AdamW does
# not (lesson).
weight_decay_ends_where_the_lesson_says() {
    ridge=$(awk -F, 'NR > 1 { n++; su += $1; sv += $2; suu += $1 * $1; suv += $1 * $2 }
        END { a = 2 * suu / n + 0.5; b = 2 * su / n; c = 2 * su / n; d = 2 + 0.5
              e = 2 * suv / n; f = 2 * sv / n; det = a * d - b * c
              printf "%.17g %.17g", (e * d - b * f) / det, (a * f - c * e) / det }' "$data/linreg-data.csv")
    for run in decay-sgd decay-adam; do
        near "$(column "$data/$run.csv" x)" "${ridge% *}" 1e-6 "$run's slope" &&
        near "$(column "$data/$run.csv" y)" "${ridge#* }" 1e-6 "$run's intercept" || return 1
    done
    awk -v a="$(column "$data/decay-adamw.csv" x)" -v b="${ridge% *}" 'BEGIN { d = a - b; exit !(d * d > 0.0025) }' ||
        { echo "AdamW ends at the ridge solution too"; return 1; }
}
check "04: L2 in SGD and Adam ends at the ridge solution, AdamW elsewhere" weight_decay_ends_where_the_lesson_says

# AdamW's decay balances Adam's step of about η only where |θ_i| reaches
# 1/λ or the gradient vanishes: with λ = 0.5 the box is |θ_i| <= 2, which
# the least-squares line (about (2, 1), chapter 1's data) almost fits in,
# so a long run creeps toward it, from inside the box, and is still short
# of it at 2000 steps (the lesson's run).
adamw_creeps_to_the_box() {
    "$program" --problem linreg --optimizer adamw --lr 0.01 --weight-decay 0.5 --steps 20000 >"$scratch/adamw-long.csv" || return 1
    x=$(column "$scratch/adamw-long.csv" x)
    awk -v x="$x" -v short="$(column "$data/decay-adamw.csv" x)" 'BEGIN { exit !(x <= 2 && x > 1.85 && short < 1.7) }' ||
        { echo "AdamW's slope is $x after 20000 steps and $(column "$data/decay-adamw.csv" x) after 2000: expected within (1.85, 2] and below 1.7"; return 1; }
    near "$(column "$scratch/adamw-long.csv" y)" 1 0.01 "AdamW's intercept after 20000 steps"
}
check "04: AdamW with lambda = 0.5 creeps toward the least-squares line inside |theta| <= 2" adamw_creeps_to_the_box

# The loss figures use log axes, which would silently drop a zero.
no_zero_losses() {
    for f in "$data"/quadratic-*.csv "$data"/rosenbrock-*.csv "$data"/linreg-[a-z]*.csv; do
        case "$f" in *linreg-data.csv) continue ;; esac
        awk -F, 'NR > 1 && $2 <= 0 { exit 1 }' "$f" || { echo "$f has a loss <= 0"; return 1; }
    done
}
check "04: no loss drawn on a log axis is zero" no_zero_losses

# η = 0.5 on the quadratic with κ = 10: the steep factor is 1 - 5 = -4, so
# the loss overflows; the run stops there with exit status 1.
divergence_is_reported() {
    "$program" --lr 0.5 --steps 5000 --out "$scratch/diverged.csv" 2>"$scratch/diverged.err"
    [ $? -eq 1 ] || { echo "exit status is not 1"; return 1; }
    grep -q -- '--lr 0.5' "$scratch/diverged.err" || { echo "the message does not name --lr:"; cat "$scratch/diverged.err"; return 1; }
    last=$(column "$scratch/diverged.csv" step)
    grep -q "at step $((last + 1)):" "$scratch/diverged.err" ||
        { echo "the data stop at step $last, the message says otherwise"; return 1; }
}
check "04: a diverging run stops at the first non-finite loss and says why" divergence_is_reported

# Adam with --eps 0 from x = 0, where the gradient's x is 0: m/√v is 0/0
# at the first step. The message names --eps, not the rate; --eps 1e-8
# from the same start runs.
eps_zero_is_blamed() {
    "$program" --optimizer adam --eps 0 --start 0,1 --steps 5 --out "$scratch/eps0.csv" 2>"$scratch/eps0.err"
    [ $? -eq 1 ] || { echo "exit status is not 1"; return 1; }
    grep -q -- 'at step 1: with --eps 0, --optimizer adam divides 0 by 0' "$scratch/eps0.err" ||
        { echo "the message does not blame --eps 0:"; cat "$scratch/eps0.err"; return 1; }
    "$program" --optimizer adam --eps 1e-8 --start 0,1 --steps 5 >/dev/null
}
check "04: Adam's --eps 0 is blamed for its 0/0, not the rate" eps_zero_is_blamed

# Clipping (chapter 5) sits between the gradient and the step. From (-3, 1)
# the gradient is g = (-3, 10), |g| = sqrt(109). By norm with C = 2, SGD's
# first step is along g scaled by C/(|g| + 1e-6) (torch's coefficient); by
# value with V = 0.5, each entry is clamped: g becomes (-0.5, 0.5).
clip_norm_first_step() {
    "$program" --lr 0.1 --steps 1 --clip-norm 2 >"$scratch/clip-norm.csv" || return 1
    [ "$(head -n 1 "$scratch/clip-norm.csv")" = "step,loss,x,y" ] || { echo "header is not step,loss,x,y"; return 1; }
    c=$(awk 'BEGIN { printf "%.17g", 2 / (sqrt(109) + 1e-6) }')
    near "$(column "$scratch/clip-norm.csv" x)" "$(awk -v c="$c" 'BEGIN { printf "%.17g", -3 + 0.1 * 3 * c }')" 1e-15 "x_1" &&
    near "$(column "$scratch/clip-norm.csv" y)" "$(awk -v c="$c" 'BEGIN { printf "%.17g", 1 - 0.1 * 10 * c }')" 1e-15 "y_1"
}
check "04: --clip-norm scales the gradient by max_norm/(|g| + 1e-6) before the step" clip_norm_first_step

clip_value_first_step() {
    "$program" --lr 0.1 --steps 1 --clip-value 0.5 >"$scratch/clip-value.csv" || return 1
    near "$(column "$scratch/clip-value.csv" x)" -2.95 1e-15 "x_1" &&
    near "$(column "$scratch/clip-value.csv" y)" 0.95 1e-15 "y_1"
}
check "04: --clip-value clamps each gradient entry before the step" clip_value_first_step

# A threshold no gradient reaches changes nothing, for every optimizer on
# every problem: the clipping is applied there, and only when it should.
huge_thresholds_change_nothing() {
    for o in sgd adam adamw rmsprop adagrad lion; do
        for p in quadratic rosenbrock himmelblau linreg; do
            "$program" --problem $p --optimizer $o --lr 0.001 >"$scratch/plain.csv" &&
            "$program" --problem $p --optimizer $o --lr 0.001 --clip-norm 1e300 >"$scratch/norm.csv" &&
            "$program" --problem $p --optimizer $o --lr 0.001 --clip-value 1e300 >"$scratch/value.csv" || return 1
            cmp -s "$scratch/plain.csv" "$scratch/norm.csv" && cmp -s "$scratch/plain.csv" "$scratch/value.csv" ||
                { echo "$o on $p: a threshold of 1e300 changed the run"; return 1; }
        done
    done
}
check "04: clipping with a threshold never reached changes no run" huge_thresholds_change_nothing

# And a threshold that is reached changes every optimizer's run: on the
# quadratic the gradient starts at (-3, 10), above both thresholds. (Lion
# steps by a sign, which clipping keeps, so its path changes only once
# clipped magnitudes tip the sign of its momentum; 300 steps get there.)
small_thresholds_change_every_optimizer() {
    for o in sgd adam adamw rmsprop adagrad lion; do
        "$program" --optimizer $o --lr 0.01 --steps 300 >"$scratch/plain.csv" &&
        "$program" --optimizer $o --lr 0.01 --steps 300 --clip-norm 1 >"$scratch/norm.csv" &&
        "$program" --optimizer $o --lr 0.01 --steps 300 --clip-value 1 >"$scratch/value.csv" || return 1
        ! cmp -s "$scratch/plain.csv" "$scratch/norm.csv" && ! cmp -s "$scratch/plain.csv" "$scratch/value.csv" ||
            { echo "clipping did not change --optimizer $o's run"; return 1; }
    done
}
check "04: clipping applies to every optimizer" small_thresholds_change_every_optimizer

# The lesson: SGD with η = 0.01 blows up on Rosenbrock's walls; clipped to
# norm 1, the same run ends near the minimum (loss below 0.05).
clipping_tames_rosenbrock() {
    "$program" --problem rosenbrock --lr 0.01 --steps 1000 >/dev/null 2>&1
    [ $? -eq 1 ] || { echo "unclipped SGD with lr 0.01 did not blow up"; return 1; }
    near "$(column "$data/rosenbrock-sgd-clipped.csv" loss)" 0 0.05 "the clipped run's final loss"
}
check "04: --clip-norm 1 keeps SGD with lr 0.01 on Rosenbrock from blowing up" clipping_tames_rosenbrock

# The experiments are a program of their own (04-optimizers.experiments);
# --experiment hands the whole command line over to it, so scripts written
# when they were one program still get the same bytes, and --experiment
# none is still a plain run.
experiments_are_handed_over() {
    "$program" --experiment tuned --problem rosenbrock --steps 100 --out "$scratch/tuned.csv" &&
    cmp "$scratch/tuned.csv" "$data/tuned-rosenbrock.csv" &&
    "$(dirname "$program")/optimizers" --experiment=conditioning >"$scratch/conditioning.csv" &&
    cmp "$scratch/conditioning.csv" "$data/conditioning.csv" &&
    "$program" --experiment none >"$scratch/none.csv" && "$program" >"$scratch/plain.csv" &&
    cmp "$scratch/none.csv" "$scratch/plain.csv"
}
check "04: --experiment runs 04-optimizers.experiments, with the same bytes" experiments_are_handed_over

same_bytes_twice() {
    "$program" --problem linreg --optimizer adamw --amsgrad --steps 50 >"$scratch/a.csv" &&
    "$program" --problem linreg --optimizer adamw --amsgrad --steps 50 >"$scratch/b.csv" &&
    cmp "$scratch/a.csv" "$scratch/b.csv"
}
check "04: the same flags give the same bytes" same_bytes_twice

check "04: --help lists every flag" help_lists_every_flag \
    problem optimizer lr steps start momentum dampening nesterov weight-decay \
    beta1 beta2 eps amsgrad alpha centered lr-decay initial-accumulator-value \
    clip-norm clip-value condition seed experiment out save-data

check "04: refuses --lr abc"                 expect_bad_input --lr --lr abc
check "04: refuses --lr nan"                 expect_bad_input --lr --lr nan
check "04: refuses --lr 0"                   expect_bad_input --lr --lr 0
check "04: refuses --lr with no value"       expect_bad_input --lr --lr
check "04: refuses --steps -1"               expect_bad_input --steps --steps -1
# The experiments' 114 runs of --steps each: --steps 1e8 on linreg was 40
# minutes. At most 1e6.
check "04: refuses experiments of over 1e6 steps a run" \
    refused_at_once "--steps '1000001': must be in [0, 1e+06]" --experiment tuned --problem linreg --steps 1000001
check "04: refuses --problem cubic"          expect_bad_input --problem --problem cubic
check "04: refuses --optimizer sgdm"         expect_bad_input --optimizer --optimizer sgdm
check "04: refuses --start 1"                expect_bad_input --start --start 1
check "04: refuses --start 1,x"              expect_bad_input --start --start 1,x
check "04: refuses --momentum 1"             expect_bad_input --momentum --momentum 1
check "04: refuses --momentum -0.1"          expect_bad_input --momentum --momentum -0.1
check "04: refuses --momentum for adam"      expect_bad_input --momentum --optimizer adam --momentum 0.9
check "04: refuses --dampening 2"            expect_bad_input --dampening --momentum 0.9 --dampening 2
check "04: refuses --dampening without momentum" expect_bad_input --dampening --dampening 0.5
check "04: refuses --nesterov=1"             expect_bad_input --nesterov --momentum 0.9 --nesterov=1
check "04: refuses --nesterov without momentum" expect_bad_input --nesterov --nesterov
check "04: refuses --nesterov with dampening" expect_bad_input --nesterov --momentum 0.9 --dampening 0.1 --nesterov
check "04: refuses --nesterov for rmsprop"   expect_bad_input --nesterov --optimizer rmsprop --nesterov
check "04: refuses --weight-decay -1"        expect_bad_input --weight-decay --weight-decay -1
check "04: refuses --beta1 1"                expect_bad_input --beta1 --optimizer adam --beta1 1
# Values of 1 and above get one message, [0, 1), quoting the value as typed.
check "04: refuses --beta2 1e308 as typed"   expect_bad_input "--beta2 '1e308': must be in [0, 1)" --optimizer adam --beta2 1e308
check "04: refuses --momentum 1.5 as [0, 1)" expect_bad_input "--momentum '1.5': must be in [0, 1)" --momentum 1.5
# A value that underflows to 0 in a double is not the 0 it becomes: --eps
# 1e-400 once ran as --eps 0 (and divided by it), --lr 1e-400 was told it
# must be above 0. 1e-320, a subnormal, is a number like any other.
check "04: refuses --eps 1e-400, which a double would hold as 0" \
    expect_bad_input "--eps '1e-400': is too close to 0 for a double" --optimizer adam --eps 1e-400
check "04: refuses --lr 1e-400 and --start -1e-400,1 the same way" sh -c '
    for args in "--lr 1e-400" "--start -1e-400,1"; do
        "$1" $args 2>&1 >/dev/null | grep -q "too close to 0 for a double" || { echo "$args: not refused as too small"; exit 1; }
    done
    "$1" --optimizer adam --eps 1e-320 --steps 3 >/dev/null' sh "$program"
check "04: refuses --beta1 for sgd"          expect_bad_input --beta1 --beta1 0.9
check "04: refuses --beta2 1.5"              expect_bad_input --beta2 --optimizer lion --beta2 1.5
check "04: refuses --eps -1"                 expect_bad_input --eps --optimizer adam --eps -1
check "04: refuses --eps for lion"           expect_bad_input --eps --optimizer lion --eps 1e-8
check "04: refuses --amsgrad for sgd"        expect_bad_input --amsgrad --amsgrad
check "04: refuses --alpha 1"                expect_bad_input --alpha --optimizer rmsprop --alpha 1
check "04: refuses --alpha for adagrad"      expect_bad_input --alpha --optimizer adagrad --alpha 0.9
check "04: refuses --centered for adam"      expect_bad_input --centered --optimizer adam --centered
check "04: refuses --lr-decay -1"            expect_bad_input --lr-decay --optimizer adagrad --lr-decay -1
check "04: refuses --lr-decay for adam"      expect_bad_input --lr-decay --optimizer adam --lr-decay 0.1
check "04: refuses --initial-accumulator-value -1" expect_bad_input --initial-accumulator-value --optimizer adagrad --initial-accumulator-value -1
check "04: refuses --condition 0"            expect_bad_input --condition --condition 0
check "04: refuses --condition for rosenbrock" expect_bad_input --condition --problem rosenbrock --condition 10
check "04: refuses --seed for the quadratic" expect_bad_input --seed --seed 3
check "04: refuses --save-data for the quadratic" expect_bad_input --save-data --save-data points.csv
check "04: refuses --experiment fly"         expect_bad_input --experiment --experiment fly
check "04: refuses --optimizer with --experiment" expect_bad_input --optimizer --experiment tuned --optimizer adam
check "04: refuses --steps with --experiment conditioning" expect_bad_input --steps --experiment conditioning --steps 10
check "04: refuses an unknown flag"          expect_bad_input --learning-rate --learning-rate 0.1
check "04: refuses --clip-norm 0"            expect_bad_input --clip-norm --clip-norm 0
check "04: refuses --clip-norm -1"           expect_bad_input --clip-norm --clip-norm -1
check "04: refuses --clip-norm nan"          expect_bad_input --clip-norm --clip-norm nan
check "04: refuses --clip-norm abc"          expect_bad_input --clip-norm --clip-norm abc
check "04: refuses --clip-norm with no value" expect_bad_input --clip-norm --clip-norm
check "04: refuses --clip-value 0"           expect_bad_input --clip-value --clip-value 0
check "04: refuses --clip-value -0.5"        expect_bad_input --clip-value --clip-value -0.5
check "04: refuses --clip-value inf"         expect_bad_input --clip-value --clip-value inf
check "04: refuses --clip-value with --clip-norm" expect_bad_input --clip-value --clip-norm 1 --clip-value 1
check "04: refuses --clip-norm with --experiment" expect_bad_input --clip-norm --experiment lr-sweep --clip-norm 1

# The lesson's stability edge of heavy-ball momentum, 2(1 + μ)/λmax: on the
# κ = 10⁴ quadratic with μ = 0.9, η = 3.7e-4 (inside) must have shrunk the
# loss below its start after 1000 steps, and η = 3.9e-4 (outside) grown it
# by more than 100 orders of magnitude.
momentum_edge() {
    below=$(column "$data/edge-momentum-below.csv" loss)
    above=$(column "$data/edge-momentum-above.csv" loss)
    start=$(column "$data/edge-momentum-below.csv" loss 0)
    awk -v b="$below" -v a="$above" -v s="$start" 'BEGIN {
        if (!(b < s / 100)) { print "inside the edge the loss is " b ", from " s; exit 1 }
        if (!(a > s * 1e100)) { print "outside the edge the loss is only " a; exit 1 } }'
}
check "04: heavy-ball momentum is stable up to 2(1 + μ)/λmax, not 2/λmax" momentum_edge
