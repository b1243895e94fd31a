# tests/05-gradient-clipping.sh: checks of chapter 5's program, sourced by
# tools/selftest.sh with $program (build/bin/05-gradient-clipping), $data
# (its runs' CSV files) and $scratch set. Expected values come from closed
# forms written here in awk, from chapter 1's saved data, or from what the
# lesson states; never from the program itself.

# The recurrence's closed form (the lesson): with S(w) = 1 + w + ... +
# w^(T-1) and S'(w) its derivative,
#   L = (w^T - 2)^2 + (b S - 1)^2
#   dL/dw = 2 (w^T - 2) T w^(T-1) + 2 (b S - 1) b S'    dL/db = 2 (b S - 1) S
# The program gets its gradient by the backward pass through time; at a
# few points and lengths both must agree.
recurrence_closed_form() {
    for point in "1.5 0 10" "0.7 0.3 10" "-1.1 0.2 7" "1.05 -0.4 25"; do
        set -- $point
        "$program" --start "$1,$2" --length "$3" --steps 0 >"$scratch/point.csv" || return 1
        want=$(awk -v w="$1" -v b="$2" -v T="$3" 'BEGIN {
            S = 0; dS = 0; p = 1
            for (k = 0; k < T; k++) { S += p; if (k > 0) dS += k * p / w; p *= w }
            L = (p - 2) ^ 2 + (b * S - 1) ^ 2
            gw = 2 * (p - 2) * T * p / w + 2 * (b * S - 1) * b * dS
            gb = 2 * (b * S - 1) * S
            printf "%.17g %.17g %.17g", L, gw, gb }')
        set -- $want
        near "$(column "$scratch/point.csv" loss)" "$1" "$(awk -v v="$1" 'BEGIN { print 1e-12 * (v < 0 ? -v : v) + 1e-15 }')" "loss at ($point)" &&
        near "$(column "$scratch/point.csv" grad_w)" "$2" "$(awk -v v="$2" 'BEGIN { print 1e-11 * (v < 0 ? -v : v) + 1e-12 }')" "dL/dw at ($point)" &&
        near "$(column "$scratch/point.csv" grad_b)" "$3" "$(awk -v v="$3" 'BEGIN { print 1e-11 * (v < 0 ? -v : v) + 1e-12 }')" "dL/db at ($point)" || return 1
    done
}
check "05: the recurrence's loss and backward pass agree with the closed form" recurrence_closed_form

# The lesson: without clipping the reference run blows up at step 2, with
# exit status 1 and an exploding gradient named; the rows before it are
# kept, and the message names the first missing step.
plain_run_explodes() {
    "$program" --out "$scratch/plain.csv" 2>"$scratch/plain.err"
    [ $? -eq 1 ] || { echo "exit status is not 1"; return 1; }
    [ "$(head -n 1 "$scratch/plain.csv")" = "step,loss,w,b,grad_w,grad_b,grad_norm,clipped_norm,angle" ] ||
        { echo "unexpected header"; return 1; }
    grep -q "at step 2:" "$scratch/plain.err" && grep -q "exploding gradient" "$scratch/plain.err" ||
        { echo "the message does not say step 2 and an exploding gradient:"; cat "$scratch/plain.err"; return 1; }
    [ "$(column "$scratch/plain.csv" step)" = 1 ] || { echo "the data do not stop at step 1"; return 1; }
}
check "05: unclipped, the recurrence blows up at step 2 and the cause is named" plain_run_explodes
check "05: the run that blows up exits 1 and keeps its rows, as --help says" rows_kept_as_help_says
check "05: a run that cannot write --out exits 1, as --help says" status_one_as_help_says "a file could not be written" --problem linreg --out /dev/full

# Clipped by norm or by value, it reaches the minimum w = 2^(1/10),
# b = w - 1 (the lesson's closed form), with a loss below 1e-20.
clipped_runs_reach_the_minimum() {
    wstar=$(awk 'BEGIN { printf "%.17g", 2 ^ 0.1 }')
    for run in clip-norm clip-value; do
        near "$(column "$data/$run.csv" w)" "$wstar" 1e-12 "$run's w" &&
        near "$(column "$data/$run.csv" b)" "$(awk -v w="$wstar" 'BEGIN { printf "%.17g", w - 1 }')" 1e-12 "$run's b" &&
        near "$(column "$data/$run.csv" loss)" 0 1e-20 "$run's final loss" || return 1
    done
}
check "05: clipped by norm or by value, the recurrence reaches (2^(1/10), 2^(1/10) - 1)" clipped_runs_reach_the_minimum

# Clipping by norm keeps the direction and shrinks the length to
# max_norm·n/(n + 1e-6); clipping by value to 1 leaves (1, -1) here, whose
# angle with g = (g_w, g_b) is atan2(|g_w + g_b|, g_w - g_b).
clipping_by_norm_and_by_value() {
    n=$(column "$data/clip-norm.csv" grad_norm 0)
    near "$(column "$data/clip-norm.csv" clipped_norm 0)" "$(awk -v n="$n" 'BEGIN { printf "%.17g", n / (n + 1e-6) }')" 1e-15 "the norm after clipping by norm" &&
    near "$(column "$data/clip-norm.csv" angle 0)" 0 1e-12 "the angle clipping by norm turned" || return 1
    gw=$(column "$data/clip-value.csv" grad_w 0) gb=$(column "$data/clip-value.csv" grad_b 0)
    near "$(column "$data/clip-value.csv" clipped_norm 0)" "$(awk 'BEGIN { printf "%.17g", sqrt(2) }')" 1e-15 "the norm after clipping by value" &&
    near "$(column "$data/clip-value.csv" angle 0)" "$(awk -v a="$gw" -v b="$gb" 'BEGIN { d = a + b; if (d < 0) d = -d; printf "%.17g", atan2(d, a - b) * 45 / atan2(1, 1) }')" 1e-9 "the angle clipping by value turned"
}
check "05: clipping by norm keeps the gradient's direction, by value turns it" clipping_by_norm_and_by_value

# While clipping acts (the gradient's norm n above max_norm = 1), every
# step of lr 0.002 is lr·max_norm·n/(n + 1e-6) long (PyTorch's epsilon):
# each row against the next, from the gradient's norm alone (not the
# program's clipped_norm column, which comes from the same vector the
# step applies, and so would agree with a wrong threshold).
clipped_steps_have_fixed_length() {
    awk -F, 'NR > 2 && clipping {
            d = sqrt(($3 - w) ^ 2 + ($4 - b) ^ 2); want = 0.002 * 1 * n / (n + 1e-6)
            if (d - want > 1e-15 || want - d > 1e-15) { printf "step %d is %.17g long, expected %.17g\n", NR - 3, d, want; failed = 1; exit 1 }
            steps++ }
        NR > 1 { w = $3; b = $4; n = $7; clipping = n > 1 }
        END { if (failed) exit 1; if (steps < 100) { print "only " steps " clipped steps were checked"; exit 1 } }' "$data/clip-norm.csv"
}
check "05: clipped by norm, a step is lr times max_norm long" clipped_steps_have_fixed_length

# A threshold that is never reached changes nothing.
huge_thresholds_change_nothing() {
    "$program" --problem linreg >"$scratch/plain.csv" &&
    "$program" --problem linreg --clip-norm 1e300 >"$scratch/norm.csv" &&
    "$program" --problem linreg --clip-value 1e300 >"$scratch/value.csv" || return 1
    cmp -s "$scratch/plain.csv" "$scratch/norm.csv" && cmp -s "$scratch/plain.csv" "$scratch/value.csv"
}
check "05: clipping with a threshold never reached changes nothing" huge_thresholds_change_nothing

# --nonfinite record writes the failing step as a last row and exits 0; on
# a run that never fails it changes nothing.
record_mode() {
    "$program" --nonfinite record >"$scratch/record.csv" 2>"$scratch/record.err" || { echo "exit status is not 0"; return 1; }
    [ ! -s "$scratch/record.err" ] || { echo "printed to stderr without --diagnose"; return 1; }
    [ "$(column "$scratch/record.csv" step)" = 2 ] && [ "$(column "$scratch/record.csv" loss)" = inf ] ||
        { echo "the last row is not step 2 with loss inf"; return 1; }
    "$program" --problem linreg --nonfinite record | cmp -s - "$data/linreg.csv" ||
        { echo "record mode changed a run that never fails"; return 1; }
}
check "05: --nonfinite record keeps the failing step and exits 0" record_mode

# A learning rate above chapter 1's stable limit: steady growth, named as
# a learning rate too large, at the step after the last row written.
lr_too_large_is_named() {
    "$program" --problem linreg --lr 2 --steps 1000 --out "$scratch/lr.csv" 2>"$scratch/lr.err"
    [ $? -eq 1 ] || { echo "exit status is not 1"; return 1; }
    grep -q -- "--lr 2 is too large" "$scratch/lr.err" || { echo "the cause is not named:"; cat "$scratch/lr.err"; return 1; }
    grep -q "at step $(($(column "$scratch/lr.csv" step) + 1)):" "$scratch/lr.err" ||
        { echo "the message and the data disagree about the step"; return 1; }
}
check "05: a learning rate too large is named as such" lr_too_large_is_named

# The naive cross-entropy: σ(z) rounds to exactly 1 once e^(-z) <= 2^-53,
# that is once z = w·2 + b, the largest, reaches 53·ln 2. The failing step
# (recorded) must be the first past that threshold; the cause named is an
# invalid operation; the stable loss has no trouble on the same run.
log_of_zero() {
    t=$(awk 'BEGIN { printf "%.17g", 53 * log(2) }')
    awk -F, -v t="$t" 'NR > 1 { z = 2 * $3 + $4; if (last != "" && prev >= t) { print "a step past the threshold did not fail"; exit 1 } prev = z; last = $2 }
        END { if (last != "nan" || prev < t) { printf "the last row (loss %s, z = %.17g) is not the first past 53 ln 2\n", last, prev; exit 1 } }' "$data/nan-log.csv" || return 1
    "$program" --problem logistic --bug naive-bce >/dev/null 2>"$scratch/log.err"
    [ $? -eq 1 ] && grep -q "invalid operation" "$scratch/log.err" || { echo "not named an invalid operation:"; cat "$scratch/log.err"; return 1; }
    near "$(column "$data/logistic.csv" loss)" 0 0.05 "the stable loss after 2000 steps"
}
check "05: the naive cross-entropy fails exactly where σ(z) rounds to 1" log_of_zero

# With a large start the naive loss is nan before any step.
nonfinite_at_start() {
    "$program" --problem logistic --bug naive-bce --start 20,0 >"$scratch/start.csv" 2>"$scratch/start.err"
    [ $? -eq 1 ] && grep -q "at step 0:" "$scratch/start.err" && grep -q "at the start" "$scratch/start.err" ||
        { echo "not stopped at step 0 with the cause named:"; cat "$scratch/start.err"; return 1; }
    [ "$(wc -l <"$scratch/start.csv")" -eq 1 ] || { echo "rows were written"; return 1; }
}
check "05: a loss that is nan at the start is named so" nonfinite_at_start

# A NaN's sign bit depends on the instructions the compiler chose: built
# at -O3, gcc turned the naive loss's -(a + b) into a subtraction that
# keeps x86's negative default NaN, and the lesson's "the loss became nan"
# read "-nan". The same two runs built at -O3 must say what -O2's say
# (lib/output.h's output_plain_nan).
nan_printed_unsigned_at_O3() {
    cc -std=c11 -O3 -ffp-contract=off -Ilib -Iexercises -DPROGRAM_NAME='"05-gradient-clipping"' \
        chapters/05-gradient-clipping.c solutions/01-gradient-descent.c solutions/04-optimizers.c \
        solutions/05-gradient-clipping.c build/lib/libcourse.a -lm -lz -o "$scratch/05-O3" || return 1
    for start in 0,0 20,0; do
        "$program" --problem logistic --bug naive-bce --start "$start" >"$scratch/O2.csv" 2>"$scratch/O2.err"
        "$scratch/05-O3" --problem logistic --bug naive-bce --start "$start" >"$scratch/O3.csv" 2>"$scratch/O3.err"
        grep -q "became nan\|loss is nan" "$scratch/O2.err" || { echo "--start $start: no nan named:"; cat "$scratch/O2.err"; return 1; }
        cmp "$scratch/O2.err" "$scratch/O3.err" && cmp "$scratch/O2.csv" "$scratch/O3.csv" ||
            { echo "--start $start built at -O3:"; cat "$scratch/O3.err"; return 1; }
    done
}
check "05: a nan is printed as nan, not -nan, built at -O3 too" nan_printed_unsigned_at_O3

# The "does not decrease" checklist: each run is named by --diagnose, and
# its data show the cause. Chapter 1's saved data give the baselines.
chapter1=build/data/01-gradient-descent/linreg-data.csv
diagnosis() {
    "$program" --problem linreg "$@" --diagnose 2>&1 >/dev/null
}
no_step_is_named() {
    diagnosis --bug no-step | grep -q "no parameter changed" || return 1
    [ "$(awk -F, 'NR > 1 { print $3, $4 }' "$data/no-step.csv" | sort -u | wc -l)" -eq 1 ] ||
        { echo "the parameters moved"; return 1; }
}
check "05: a missing step is named, and nothing moves" no_step_is_named

frozen_is_named() {
    diagnosis --bug freeze-b | grep -q "parameter b never changed" || return 1
    [ "$(awk -F, 'NR > 1 { print $4 }' "$data/freeze-b.csv" | sort -u | wc -l)" -eq 1 ] &&
    [ "$(awk -F, 'NR > 1 { print $3 }' "$data/freeze-b.csv" | sort -u | wc -l)" -gt 1 ] ||
        { echo "b moved, or w did not"; return 1; }
}
check "05: a frozen parameter is named, and only it stays put" frozen_is_named

# Broadcast targets: every prediction is pulled to the mean target, so the
# line becomes flat (w -> 0, b -> mean y) and the loss is var(y) + 0.
broadcast_is_named() {
    diagnosis --bug broadcast | grep -q "the loss of always predicting the mean target" || return 1
    stats=$(awk -F, 'NR > 1 { n++; s += $2; ss += $2 * $2 } END { m = s / n; printf "%.17g %.17g", m, ss / n - m * m }' "$chapter1")
    near "$(column "$data/broadcast.csv" w)" 0 1e-9 "the broadcast run's slope" &&
    near "$(column "$data/broadcast.csv" b)" "${stats% *}" 1e-8 "the broadcast run's intercept against mean y" &&
    near "$(column "$data/broadcast.csv" loss)" "${stats#* }" 1e-9 "the broadcast run's loss against var(y)"
}
check "05: broadcast targets are named, and the model learns only the mean" broadcast_is_named

# The curve: the line converges to the least-squares line through
# (x, y + x²), whose loss is far above 0 but below var(y + x²).
curve_is_named() {
    diagnosis --target curve | grep -q "cannot represent the target" || return 1
    fit=$(awk -F, 'NR > 1 { n++; x = $1; y = $2 + x * x; sx += x; sy += y; sxx += x * x; sxy += x * y; syy += y * y }
        END { w = (n * sxy - sx * sy) / (n * sxx - sx * sx); b = (sy - w * sx) / n
              printf "%.17g", (syy - 2 * w * sxy - 2 * b * sy + w * w * sxx + 2 * w * b * sx + n * b * b) / n }' "$chapter1")
    near "$(column "$data/curve.csv" loss)" "$fit" 1e-9 "the curve run's loss against the least-squares loss"
}
check "05: a model that cannot represent the target is named, at the best fit" curve_is_named

lr_too_small_and_healthy() {
    diagnosis --lr 0.0005 | grep -q "too small" &&
    diagnosis | grep -q "nothing wrong found" ||
        { echo "lr 0.0005 is not named too small, or the healthy run is not healthy"; return 1; }
}
check "05: a learning rate too small is named, a healthy run passes" lr_too_small_and_healthy

# Losses drawn on log axes, which would silently drop a zero (the
# recorded runs' last, non-finite rows are meant to be dropped).
no_zero_losses() {
    for run in plain clip-norm nan-lr nan-log linreg lr-small no-step freeze-b broadcast curve; do
        awk -F, 'NR > 1 && $2 !~ /^(inf|nan)$/ && $2 + 0 <= 0 { exit 1 }' "$data/$run.csv" || { echo "$run has a loss <= 0"; return 1; }
    done
}
check "05: no loss drawn on a log axis is zero" no_zero_losses

same_bytes_twice() {
    "$program" --clip-value 1 >"$scratch/a.csv" && "$program" --clip-value 1 >"$scratch/b.csv" &&
    cmp "$scratch/a.csv" "$scratch/b.csv"
}
check "05: the same flags give the same bytes" same_bytes_twice

check "05: --help lists every flag" help_lists_every_flag \
    problem lr steps start length clip-norm clip-value bug target seed \
    nonfinite diagnose out

check "05: refuses --problem rnn"            expect_bad_input --problem --problem rnn
check "05: refuses --lr 0"                   expect_bad_input --lr --lr 0
check "05: refuses --lr nan"                 expect_bad_input --lr --lr nan
check "05: refuses --lr abc"                 expect_bad_input --lr --lr abc
check "05: refuses --steps -1"               expect_bad_input --steps --steps -1
check "05: refuses --steps 2000000"          expect_bad_input --steps --steps 2000000
check "05: refuses --start 1"                expect_bad_input --start --start 1
check "05: refuses --start 1,y"              expect_bad_input --start --start 1,y
check "05: refuses --length 0"               expect_bad_input --length --length 0
check "05: refuses --length 1001"            expect_bad_input --length --length 1001
check "05: refuses --length for linreg"      expect_bad_input --length --problem linreg --length 5
check "05: refuses --clip-norm 0"            expect_bad_input --clip-norm --clip-norm 0
check "05: refuses --clip-norm -1"           expect_bad_input --clip-norm --clip-norm -1
check "05: refuses --clip-norm inf"          expect_bad_input --clip-norm --clip-norm inf
check "05: refuses --clip-value 0"           expect_bad_input --clip-value --clip-value 0
check "05: refuses --clip-value nan"         expect_bad_input --clip-value --clip-value nan
check "05: refuses --clip-value with --clip-norm" expect_bad_input --clip-value --clip-norm 1 --clip-value 1
check "05: refuses --bug typo"               expect_bad_input --bug --bug typo
check "05: refuses --bug broadcast for the recurrence" expect_bad_input --bug --bug broadcast
check "05: refuses --bug naive-bce for linreg" expect_bad_input --bug --problem linreg --bug naive-bce
check "05: refuses --target curve for logistic" expect_bad_input --target --problem logistic --target curve
check "05: refuses --target wave"            expect_bad_input --target --problem linreg --target wave
check "05: refuses --seed for the recurrence" expect_bad_input --seed --seed 2
check "05: refuses --seed -1"                expect_bad_input --seed --problem linreg --seed -1
check "05: refuses --nonfinite ignore"       expect_bad_input --nonfinite --nonfinite ignore
check "05: refuses --diagnose=yes"           expect_bad_input --diagnose --diagnose=yes
check "05: refuses an empty --out="          expect_bad_input --out --out=
check "05: refuses an unknown flag"          expect_bad_input --max-norm --max-norm 1
