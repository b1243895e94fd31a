# tests/09-precision.sh: checks of chapter 9's program, sourced by
# tools/selftest.sh with $program (build/bin/09-precision), $data (the CSV
# files of its runs) and $scratch set. Expected values come from the
# formats' closed forms worked here in awk, from values worked by hand
# (each with its reason beside it) and from PyTorch 1.13 where it agrees
# (its .to() from float32); never from the program itself. The whole
# sweep of 2^32 floats against independent references runs here too.

# rounded FORMAT [FLAGS]: the program's rounding of stdin, into
# $scratch/rounded.
rounded() {
    fmt=$1
    shift
    "$program" --task round --format "$fmt" "$@" >"$scratch/rounded"
}

# same_lines WANT...: $scratch/rounded holds exactly these lines.
same_lines() {
    printf '%s\n' "$@" >"$scratch/want"
    diff "$scratch/want" "$scratch/rounded" || { echo "(< expected, > printed)"; return 1; }
}

# ------------------------------------------------------- the round contract
# fp16: 65504 is the largest; 65519.99 is below 65520 = 65504 + 16 (half
# its unit) and rounds down, 65520 goes to inf; 1e-8 is below half of the
# smallest subnormal 2^-24 and goes to 0, 3e-8 above it goes to 2^-24;
# 2^-25 is that half exactly, a tie, and goes to the even 0; 0.1 is 1638.4
# units of 2^-14 at its binade 2^-4, so 1638·2^-14 = 0.0999755859375.
round_fp16() {
    printf '%s\n' 1 65504 65519.99 65520 -65520 1e-8 3e-8 2.98023223876953125e-08 \
        0.1 -0 0 nan -nan inf -inf 1e5 |
        rounded fp16 || return 1
    same_lines 1 65504 65504 inf -inf 0 5.9604644775390625e-08 0 \
        0.0999755859375 -0 0 nan nan inf -inf inf
}
check "09: --task round --format fp16: 65519.99 to 65504, 65520 to inf, ties and subnormals, -0, nan and inf kept, in order" round_fp16

# C's hexadecimal floats, as --help says, name powers of two exactly:
# 0x1p-24 is fp16's smallest subnormal, 2^-24 = 5.9604644775390625e-08;
# 0x1.8p-25 is three quarters of it and rounds up to it; 0x1p-25 is half
# of it, a tie, and rounds to the even 0.
round_hex() {
    printf '%s\n' 0x1p-24 0x1.8p-25 0x1p-25 0x10 | rounded fp16 || return 1
    same_lines 5.9604644775390625e-08 5.9604644775390625e-08 0 16
}
check "09: --task round reads C's hexadecimal floats exactly, as its help says" round_hex
# --help: a training whose loss stops being finite exits 1 and leaves no
# --out file (it once said status 1 meant a file that could not be written,
# and nothing else).
diverged_training_leaves_nothing() {
    rm -f "$scratch/diverged.csv"
    status_one_as_help_says "the loss became inf or nan (no --out file is left)" \
        --task train-regression --lr 100 --out "$scratch/diverged.csv" || return 1
    [ -z "$(ls "$scratch"/diverged.csv* 2>/dev/null)" ] || { echo "left an --out file"; return 1; }
}
check "09: a diverged training exits 1 and leaves no --out file, as --help says" diverged_training_leaves_nothing
# 5 to 8 MB of address space cannot hold the 7.8 MB of t10k images.
check "09: images that do not fit in memory are a failed run (1), not bad input" \
    short_of_memory_is_status_1 5000,6000,8000 --task train --out "$scratch/oom.csv"

# bf16: 8 significant bits; 65504 rounds to 2^16 = 65536 (it is
# 65536 - 32, within half of bf16's unit 256 there); 0.1 to 0.10009765625
# (205·2^-11); 3.4e38 is past the largest bf16 3.3895e38 by more than half
# its unit 2^120 = 1.3e36: inf. 1e-8 gives PyTorch's 1.0011717677116394e-08;
# 8e-41 is past half of the smallest subnormal 2^-133 = 9.18e-41: up to it.
round_bf16() {
    printf '%s\n' 1 65504 0.1 3.4e38 -3.4e38 1e-8 -0 nan 8e-41 |
        rounded bf16 || return 1
    same_lines 1 65536 0.10009765625 inf -inf 1.0011717677116394e-08 -0 nan \
        9.1835496157991212e-41
}
check "09: --task round --format bf16: fp32's range, 8 bits of precision, overflow past 3.39e38, subnormals" round_bf16

# 1 + 2^-11 + 2^-40 is nearest to 1 + 2^-10 in fp16, but as a float it is
# 1 + 2^-11, a tie, which goes to the even 1: what PyTorch 1.13 gives from
# float64. The same for bf16 with 1 + 2^-8 + 2^-40.
double_rounding() {
    echo 1.0004882812509095 | rounded fp16 && same_lines 1.0009765625 || return 1
    echo 1.0004882812509095 | rounded fp16 --via-float32 && same_lines 1 || return 1
    echo 1.0039062500009095 | rounded bf16 && same_lines 1.0078125 || return 1
    echo 1.0039062500009095 | rounded bf16 --via-float32 && same_lines 1 || return 1
}
check "09: a double is rounded once (--via-float32 rounds twice, as PyTorch 1.13 from float64)" double_rounding

# A long input comes out whole and in order: 100,000 lines k/1024 for
# k = 0..99999. The second is 2^-10, exact; the last, 99999/1024 =
# 97.6552734375, lies in fp16's binade [64, 128), whose unit is 2^-4:
# 1562.484375 units round to 1562, 97.625.
long_input() {
    awk 'BEGIN { for (k = 0; k < 100000; k++) printf "%.17g\n", k / 1024 }' | rounded fp16 || return 1
    [ "$(wc -l <"$scratch/rounded")" -eq 100000 ] || { echo "$(wc -l <"$scratch/rounded") lines, expected 100000"; return 1; }
    [ "$(sed -n 2p "$scratch/rounded")" = 0.0009765625 ] || return 1
    [ "$(tail -n 1 "$scratch/rounded")" = 97.625 ] || { echo "last line $(tail -n 1 "$scratch/rounded"), expected 97.625"; return 1; }
}
check "09: 100,000 lines rounded, none lost, in order" long_input

# ------------------------------------------------------------- bad input
# bad_line LINE-NUMBER TEXT: the input 1, 2, then TEXT (then 3) is refused
# as a whole: the message names the line and its text.
bad_line() {
    printf '1\n2\n%s\n3\n' "$2" | expect_bad_input "line $1: '$2'" --task round --format fp16
}
check "09: refuses a line 'abc', naming line 3, printing nothing"   bad_line 3 abc
check "09: refuses a blank line"                                     bad_line 3 ''
check "09: refuses '1.5x' (a number with more after it)"             bad_line 3 1.5x
check "09: refuses '1,5' (a decimal comma)"                          bad_line 3 1,5
check "09: refuses '1 2' (two numbers on a line)"                    bad_line 3 '1 2'
bad_at_the_end() {
    { awk 'BEGIN { for (k = 0; k < 50000; k++) print k }'; echo oops; } |
        expect_bad_input "line 50001: 'oops'" --task round --format bf16
}
check "09: a bad last line of 50,001 refuses the whole input (nothing printed)" bad_at_the_end
# A line past 16 MiB (a binary file with no newline) is refused, not read
# whole: it grew to 24 GB from /dev/zero before the kernel killed it, and
# memory running out mid-line was taken for the end of the input, the
# lines after it dropped with status 0 (bad-input review).
long_line() {
    { echo 1; head -c 17000000 /dev/zero | tr '\0' 7; printf '\n3\n'; } |
        expect_bad_input "line 2: longer than 16 MiB: not a number" --task round --format fp16
}
check "09: a line longer than 16 MiB is refused, naming it" long_line
spaces_and_crlf() {
    printf ' 1\t\r\n2.5 \r\n' | rounded fp16 && same_lines 1 2.5
}
check "09: spaces, tabs and a carriage return around a number are allowed" spaces_and_crlf

check "09: --help lists every flag" help_lists_every_flag task format via-float32 out \
    precision scaling scale growth-interval weights hidden lr epochs batch-size \
    train-images test-images data-dir seed steps data-scale n d timing repeats data-seed
check "09: --help describes every task, train-regression too" help_describes_every_task
check "09: refuses --task fly"                    expect_bad_input --task --task fly
check "09: refuses --task with no value"          expect_bad_input --task --task
check "09: refuses --format fp8"                  expect_bad_input --format --task round --format fp8
check "09: refuses --format fp32"                 expect_bad_input --format --task round --format fp32
check "09: refuses --format outside --task round" expect_bad_input --format --task formats --format bf16
check "09: refuses --via-float32 outside --task round" expect_bad_input --via-float32 --task spacing --via-float32
check "09: refuses --via-float32=yes"             expect_bad_input --via-float32 --task round --via-float32=yes
check "09: refuses an unknown flag"               expect_bad_input --precision --precision 16
check "09: refuses --out with no value"           expect_bad_input --out --task formats --out

# ------------------------------------------------------------ the formats
# Closed forms, for E exponent and M mantissa bits: emax = 2^(E-1) - 1,
# largest (2 - 2^-M)·2^emax, smallest normal 2^(1 - emax), smallest
# subnormal 2^(1 - emax - M), epsilon 2^-M, and the gap near x
# 2^(max(floor(log2 x), 1 - emax) - M). awk computes powers of two
# exactly; every value must equal the program's, to the bit.
formats_closed_forms() {
    f=$data/formats.csv
    [ "$(sed 1d "$f" | cut -d, -f1-4 | tr '\n' ' ')" = "fp16,16,5,10 bf16,16,8,7 fp32,32,8,23 fp64,64,11,52 " ] ||
        { echo "the formats' fields are not fp16 5/10, bf16 8/7, fp32 8/23, fp64 11/52"; return 1; }
    awk -F, 'function gap(x,  e) { e = int(log(x) / log(2)); if (2^e > x) e--; if (e < 1 - emax) e = 1 - emax; return 2^(e - m) }
        NR > 1 {
            m = $4; emax = 2^($3 - 1) - 1
            want[5] = (2 - 2^-m) * 2^emax; want[6] = 2^(1 - emax); want[7] = 2^(1 - emax - m)
            want[8] = 2^-m; want[9] = gap(1); want[10] = gap(1e-4); want[11] = gap(65504)
            for (i = 5; i <= 11; i++) if ($i + 0 != want[i]) {
                printf "%s column %d: %s, closed form %.17g\n", $1, i, $i, want[i]; bad = 1 }
        } END { exit bad }' "$f"
}
check "09: --task formats: range, epsilon and spacing near 1, 1e-4 and 65504 equal the closed forms" formats_closed_forms

# The spacing figure's data: inside the normal range every gap is between
# 2^-(M+1) and 2^-M of the number (fp32, M = 23); fp16 ends at 65504.
spacing_shape() {
    f=$data/spacing.csv
    [ "$(awk -F, 'NR > 1 && $1 > 1e-37 && $1 < 1e38 { r = $4 / $1; if (r > 2^-23 || r <= 2^-24) n++ } END { print n + 0 }' "$f")" -eq 0 ] ||
        { echo "an fp32 gap is not within a factor of two of 2^-23 times the number"; return 1; }
    [ "$(awk -F, 'NR > 1 && $1 > 65504 && $2 != "nan" { n++ } END { print n + 0 }' "$f")" -eq 0 ] ||
        { echo "fp16 has a gap above 65504"; return 1; }
    [ "$(awk -F, 'NR > 1 && $1 > 1e-4 && $1 < 1e4 && $2 == "nan" { n++ } END { print n + 0 }' "$f")" -eq 0 ] ||
        { echo "fp16 has no gap inside its range"; return 1; }
}
check "09: --task spacing: fp32's gap is 2^-24 to 2^-23 of the number; fp16 stops at 65504" spacing_shape

# ------------------------------------------------ every float, both formats
# tests/precision-sweep.c against GCC's _Float16 and the arithmetic bf16
# reference; the arithmetic fp16 reference, which grades where the
# compiler has no _Float16 (GCC 11, clang 14), against _Float16 too. With F16C (x86-64 since 2012) _Float16 converts in hardware
# and all 2^32 float bit patterns take about 20 s; without it, libgcc's
# soft-float would take about six minutes, so the sweep then runs its
# subset of 2^26 patterns, every float up to bits no rounding reads (the
# reasoning is in the sweep's opening comment), in about 6 s.
sweep_every_float() {
    f16c="" which=""
    if grep -qw f16c /proc/cpuinfo 2>/dev/null; then
        f16c=-mf16c
    else
        which=subset
        echo "no F16C on this CPU: the 2^26 subset, with libgcc's soft-float _Float16"
    fi
    # shellcheck disable=SC2086 # the flags are words
    cc -std=c11 -O2 -Wall -Wextra -Wpedantic -Wshadow -Werror -ffp-contract=off $f16c \
        -Ilib -Iexercises -Itests tests/precision-sweep.c solutions/09-precision.c -lm \
        -o "$scratch/sweep" || return 1
    start=$(date +%s)
    # shellcheck disable=SC2086 # no argument, or one
    "$scratch/sweep" $which || return 1
    echo "$(($(date +%s) - start)) s"
}
check "09: every one of the 2^32 floats (2^26 without F16C) rounds to fp16 as GCC's _Float16 (and so does the arithmetic fp16 reference) and to bf16 as the arithmetic reference" sweep_every_float

# ------------------------------------------------------ training, emulated
# The runs of chapters/09-precision.runs: chapter 8's network on 4,000
# images, 126 steps; every tensor rounded to the run's precision.

# column FILE NAME: the values of column NAME of FILE, one a line (row 0,
# the network before training, left out).
column() {
    awk -F, -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
        c && $1 > 0 { print $c }' "$1"
}
# last FILE NAME: the last row's value of column NAME.
last() { column "$1" "$2" | tail -n 1; }
# max_of: the largest of the numbers on stdin.
max_of() { awk 'NR == 1 || $1 > m { m = $1 } END { print m + 0 }'; }
# flushed FILE: the largest fraction flushed, over the steps and over the
# weight gradients of every layer and the activations' gradients.
flushed() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^flushed_/) f[i] = 1; next }
        $1 > 0 { for (i in f) if ($i > m) m = $i } END { print m + 0 }' "$1"
}

# fp16 without scaling: a gradient entry below half of fp16's smallest
# subnormal (2^-25) becomes 0. Per-example gradients of the loss's mean,
# (p - y)/64, fall below it as the network grows confident, so some are
# flushed; with the loss scaled by 1024 or 65536 (2^10, 2^16 times
# larger) none of this run's are.
underflow_without_scaling() {
    head -n 1 "$data/train-fp16-unscaled.csv" | grep -q 'flushed_w1,flushed_w2,flushed_activation_grads' ||
        { echo "no per-layer flushed columns"; return 1; }
    f=$(flushed "$data/train-fp16-unscaled.csv")
    awk -v f="$f" 'BEGIN { exit !(f > 0) }' || { echo "fp16 without scaling flushed nothing"; return 1; }
    for run in train-fp16-static train-fp16-dynamic train-bf16-unscaled train-fp32 train-fp64; do
        f=$(flushed "$data/$run.csv")
        awk -v f="$f" 'BEGIN { exit !(f < 1e-6) }' || { echo "$run flushed up to $f of a tensor's gradients"; return 1; }
    done
}
check "09: fp16 without loss scaling flushes gradients to 0; scaled fp16, bf16, fp32 and fp64 do not" underflow_without_scaling

# Every run ends within 1.5 points of the double reference's accuracy on
# the 2,000 test images (30 images: about twice the run-to-run spread of
# these short runs); the reference itself above 70% (it starts at about
# 17%): each trains. The slow-* runs, at a tenth of the rate, are held to
# slow-fp64's accuracy instead (about 47%). fp32 differs from double by
# rounding alone: within 0.5 points.
accuracies() {
    ref=$(last "$data/train-fp64.csv" test_accuracy)
    awk -v r="$ref" 'BEGIN { exit !(r > 0.7) }' || { echo "the reference reached $ref"; return 1; }
    near "$(last "$data/train-fp32.csv" test_accuracy)" "$ref" 0.005 "fp32's accuracy" || return 1
    for run in train-fp16-unscaled train-fp16-static train-fp16-dynamic train-bf16-unscaled \
               slow-bf16-master slow-bf16-kahan slow-bf16-stochastic; do
        case $run in slow-*) want=$(last "$data/slow-fp64.csv" test_accuracy) ;; *) want=$ref ;; esac
        near "$(last "$data/$run.csv" test_accuracy)" "$want" 0.015 "$run's accuracy" || return 1
    done
}
check "09: fp16 (unscaled, static, dynamic) and bf16 (unscaled) train to the double reference's accuracy" accuracies

# bf16 without any scaling: its gradients have fp32's range, so none is
# flushed and no step overflows; the loss falls as the reference's.
bf16_trains_unscaled() {
    [ "$(column "$data/train-bf16-unscaled.csv" scale | sort -u)" = 1 ] || { echo "the scale is not 1"; return 1; }
    [ "$(column "$data/train-bf16-unscaled.csv" skipped | sort -u)" = 0 ] || { echo "a step was skipped"; return 1; }
    near "$(last "$data/train-bf16-unscaled.csv" test_accuracy)" "$(last "$data/train-fp64.csv" test_accuracy)" 0.015 "bf16's accuracy"
}
check "09: bf16 trains without any loss scaling (no flush, no skip, the reference's accuracy)" bf16_trains_unscaled

# The dynamic scaler on 20 steps with a growth interval of 3: its history
# replayed here by GradScaler's rules from the skipped column (start at
# 2^16; a skipped step halves the scale for the next; the third clean step
# in a row doubles it), and the run must both grow and back off.
dynamic_scaler_history() {
    "$program" --task train --precision fp16 --scaling dynamic --growth-interval 3 \
        --train-images 1280 --test-images 200 --epochs 1 --out "$scratch/dynamic.csv" || return 1
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $1 == 0 { next }
        {   if ($1 == 1) want = 65536
            if ($c["scale"] != want) { printf "step %d: scale %s, expected %s\n", $1, $c["scale"], want; bad = 1; exit }
            if ($c["skipped"] == 1) { want /= 2; clean = 0; skips++ }
            else if (++clean == 3) { want *= 2; clean = 0; grows++ }
        }
        END { if (bad) exit 1
              if (!skips || !grows) { printf "%d overflows and %d growths: expected both\n", skips, grows; exit 1 } }' \
        "$scratch/dynamic.csv"
}
check "09: --scaling dynamic: 2^16 first, halved and the step skipped on overflow, doubled after --growth-interval clean steps" dynamic_scaler_history

# drop FILE: the mean loss of steps 1-10 less that of the last 20: how far
# training got.
drop() {
    awk -F, 'NR > 1 && $1 >= 1 { l[$1] = $3; n = $1 }
        END { for (k = 1; k <= 10; k++) a += l[k]; for (k = n - 19; k <= n; k++) b += l[k]; print a / 10 - b / 20 }' "$1"
}

# Weights kept only in 16 bits at a learning rate whose updates are mostly
# below half a unit in the last place: most vanish, and the loss falls
# less than half as far as with master weights (fp16 at lr 1e-4, run
# here; 64 steps). Kahan's compensation and stochastic rounding get within
# a tenth of the master weights' progress. bf16, from the runs at lr
# 0.001: the same.
pure_weights_stall() {
    for w in master pure kahan stochastic; do
        "$program" --task train --precision fp16 --lr 0.0001 --weights "$w" \
            --train-images 2000 --test-images 200 --out "$scratch/fp16-$w.csv" || return 1
    done
    for f in fp16 bf16; do
        case $f in fp16) dir=$scratch prefix=fp16- ;; bf16) dir=$data prefix=slow-bf16- ;; esac
        master=$(drop "$dir/${prefix}master.csv")
        pure=$(drop "$dir/${prefix}pure.csv")
        awk -v m="$master" -v p="$pure" -v f=$f 'BEGIN { if (!(m > 0.03 && p < 0.5 * m)) {
            printf "%s: the loss fell by %s with master weights and %s with 16-bit weights alone\n", f, m, p; exit 1 } }' || return 1
        for w in kahan stochastic; do
            got=$(drop "$dir/$prefix$w.csv")
            awk -v m="$master" -v g="$got" -v f=$f -v w=$w 'BEGIN { if (!(g > 0.9 * m)) {
                printf "%s %s: the loss fell by %s, master weights %s\n", f, w, g, m; exit 1 } }' || return 1
        done
        vanished=$(last "$dir/${prefix}pure.csv" unchanged)
        awk -v v="$vanished" 'BEGIN { exit !(v > 0.5) }' || { echo "$f: only $vanished of the updates vanished"; return 1; }
    done
}
check "09: 16-bit weights alone stall (fp16 and bf16); Kahan's compensation and stochastic rounding make the master weights' progress" pure_weights_stall

# Stochastic rounding draws from --seed: another seed, other bits.
stochastic_seeded() {
    a=$scratch/sr1.csv b=$scratch/sr2.csv
    for seed in 1 2; do
        "$program" --task train --precision bf16 --weights stochastic --train-images 256 --test-images 100 \
            --epochs 1 --seed $seed --out "$scratch/sr$seed.csv" || return 1
    done
    "$program" --task train --precision bf16 --weights stochastic --train-images 256 --test-images 100 \
        --epochs 1 --seed 1 | cmp - "$a" || { echo "the same seed gave other bytes"; return 1; }
    ! cmp -s "$a" "$b" || { echo "seeds 1 and 2 gave the same run"; return 1; }
}
check "09: --weights stochastic is reproducible from --seed" stochastic_seeded

# The pass over bf16 data: the very bits of the double pass over the data
# widened back by bf16_to_float (the pass's own widening is that one); each
# x off by at most 2^-8 of itself (bf16_relative_error below), and the loss
# and the gradient by far less, as errors of both signs average out.
bf16_pass() {
    f=$data/pass.csv
    [ "$(awk -F, '$1 == "bf16" { print $7 }' "$f")" = 1 ] || { echo "the bf16 pass differs from the double pass over the widened data"; return 1; }
    awk -F, -v finite="$finite" '$1 == "bf16" { if (!($5 ~ finite && $6 ~ finite && $5 < 2^-9 && $6 < 2^-9 && $5 > 0)) { printf "loss off by %s, gradient by %s (relative)\n", $5, $6; exit 1 } }' "$f" || return 1
    [ "$(awk -F, '$1 == "bf16" { print $2 }' "$f")" = 2000000 ] || { echo "the bf16 data are not 2 bytes a number"; return 1; }
}
check "09: --task pass: the bf16 data's pass is the widened data's, off the double pass by less than 2^-9" bf16_pass

# What the lesson says of the bf16 copy of the pass's data: each number off
# by at most 2^-8 of itself. bf16 keeps 8 significant bits, so numbers in
# [1, 2) are 2^-7 apart and rounding to nearest moves one by at most half
# of that, 2^-8, relative to a number of at least 1. The bound is reached:
# 1.0039062 lies just below the tie 1 + 2^-8 = 1.00390625 and rounds down
# to 1, off by more than 2^-9 of itself. The sweep takes 4097 points across [1, 2] and
# the same scaled by 2^-20 and 2^20 (the bound is relative).
bf16_relative_error() {
    printf '%s\n' 1.0039062 | rounded bf16 || return 1
    same_lines 1 || return 1
    awk 'BEGIN { for (s = -20; s <= 20; s += 20) for (k = 0; k <= 4096; k++)
                     printf "%.17g\n", (1 + k / 4096) * 2^s }' >"$scratch/points"
    rounded bf16 <"$scratch/points" || return 1
    paste -d' ' "$scratch/points" "$scratch/rounded" |
        awk '{ e = ($2 - $1) / $1; if (e < 0) e = -e; if (e > m) m = e }
             END { if (!(m <= 2^-8 && m > 2^-9)) { printf "largest relative error %.17g, expected in (2^-9, 2^-8]\n", m; exit 1 } }'
}
check "09: --task round --format bf16 moves a number by at most 2^-8 of itself, and by more than 2^-9 near 1 + 2^-8" bf16_relative_error

# ------------------------------------------- chapter 3's regression, emulated
# The regression-* runs: chapter 3's reference problem with every number
# multiplied by 2^-11, trained full-batch for 300 steps. The least loss and
# its weights come from chapter 3's own program, which solves the normal
# equations (--task solve): a power of two changes no bit of the problem,
# so the double run must end on them.
regression_least() {
    "$(dirname "$program")/03-minibatch" --task solve --out "$scratch/solve.csv" || return 1
    least=$(awk -F, 'NR == 2 { print $1 }' "$scratch/solve.csv")
}
# excess RUN: the run's last loss over the least, less 1.
excess() { awk -v l="$(last "$data/$1.csv" loss)" -v m="$least" 'BEGIN { printf "%.6g\n", l / m - 1 }'; }
# below X LIMIT WHAT: X < LIMIT, or a message naming WHAT.
below() { awk -v x="$1" -v lim="$2" -v what="$3" 'BEGIN { if (!(x < lim)) { printf "%s is %s, expected below %s\n", what, x, lim; exit 1 } }'; }

# fp64 ends on the normal equations' solution: loss to 1e-12 of itself,
# each weight to 1e-9 (300 steps of a contraction by about 0.9 a step).
regression_is_chapter_3s() {
    regression_least || return 1
    f=$data/regression-fp64.csv
    head -n 1 "$f" | grep -q '^step,loss,scale,skipped,flushed,unchanged,w1,w2,w3,w4,w5,b$' ||
        { echo "unexpected columns: $(head -n 1 "$f")"; return 1; }
    [ "$(awk 'END { print NR }' "$f")" = 302 ] || { echo "not 300 steps and the start"; return 1; }
    below "$(excess regression-fp64 | awk '{ print $1 < 0 ? -$1 : $1 }')" 1e-12 "fp64's relative excess loss" || return 1
    for k in 2 3 4 5 6 7; do
        want=$(awk -F, -v k=$k 'NR == 2 { print $k }' "$scratch/solve.csv")
        got=$(awk -F, -v k=$((k + 5)) 'END { print $k }' "$f")
        near "$got" "$want" 1e-9 "weight $((k - 1))" || return 1
    done
}
check "09: --task train-regression in fp64 ends on chapter 3's least-squares solution (--task solve)" regression_is_chapter_3s

# fp16 without a loss scale: the gradient (about 2^-22 times chapter 3's)
# shrinks as the fit converges until every entry is below 2^-25 and
# rounds to 0: flushed reaches 1, the weights stop, and the loss stays
# above twice the least. The first flush comes only after the loss has
# fallen a hundredfold: the fit's success is what makes the gradient tiny.
# Scaled by 2^16 (static, or dynamic from 2^16), nothing is flushed and
# the loss ends within 10^-3 of the least (fp16's rounding of the data
# and weights is what is left).
regression_underflow() {
    regression_least || return 1
    f=$data/regression-fp16-unscaled.csv
    [ "$(last "$f" flushed)" = 1 ] || { echo "fp16 unscaled: not every gradient entry flushed at the end"; return 1; }
    awk -F, -v finite="$finite" 'NR > 2 && $5 > 0 && !first { first = $1; if (!($2 ~ finite && $2 < 19.6873 / 100)) { printf "the first flush at step %d, loss %s: before the fit converged\n", $1, $2; bad = 1 } }
        END { exit bad || !first }' "$f" || return 1
    [ "$(awk -F, 'NR > 201 { print $7, $8, $9, $10, $11, $12 }' "$f" | sort -u | wc -l)" = 1 ] ||
        { echo "fp16 unscaled: the weights still move in the last 100 steps"; return 1; }
    awk -v e="$(excess regression-fp16-unscaled)" 'BEGIN { exit !(e > 1) }' ||
        { echo "fp16 unscaled: the loss ends within twice the least"; return 1; }
    for run in regression-fp16-static regression-fp16-dynamic regression-bf16-unscaled; do
        [ "$(column "$data/$run.csv" flushed | sort -u)" = 0 ] || { echo "$run flushed gradient entries"; return 1; }
        [ "$(column "$data/$run.csv" skipped | sort -u)" = 0 ] || { echo "$run skipped a step"; return 1; }
    done
    below "$(excess regression-fp16-static)" 1e-3 "fp16 scaled by 2^16: relative excess loss" || return 1
    below "$(excess regression-fp16-dynamic)" 1e-3 "fp16 with the dynamic scaler: relative excess loss" || return 1
    below "$(excess regression-bf16-unscaled)" 1e-2 "bf16 unscaled: relative excess loss"
}
check "09: the regression in fp16 flushes every gradient entry and stops at 3x the least loss; a loss scale of 2^16, or bf16, trains to it" regression_underflow

# The dynamic scaler on the regression (growth interval 20): nothing
# overflows, so by GradScaler's rule the scale used at step k is
# 2^16 * 2^floor((k - 1)/20).
regression_scale_grows() {
    awk -F, 'NR > 2 { want = 65536 * 2 ^ int(($1 - 1) / 20)
        if ($3 != want) { printf "step %d: scale %s, expected %s\n", $1, $3, want; exit 1 } }'         "$data/regression-fp16-dynamic.csv"
}
check "09: the regression's dynamic scale doubles every 20 clean steps from 2^16" regression_scale_grows

# bf16 weights alone: an update below half a unit in the last place of a
# weight (2^-8 of it) vanishes; the weights stop far from the least (the
# loss ends above 1.5 times it) and the last step moves none. Kahan's
# compensation and stochastic rounding end within 5% of the least.
regression_pure_stalls() {
    regression_least || return 1
    awk -v e="$(excess regression-bf16-pure)" 'BEGIN { exit !(e > 0.5) }' ||
        { echo "bf16 weights alone reached the least loss"; return 1; }
    [ "$(last "$data/regression-bf16-pure.csv" unchanged)" = 1 ] || { echo "bf16 weights alone still move"; return 1; }
    below "$(excess regression-bf16-kahan)" 0.05 "Kahan-compensated bf16: relative excess loss" || return 1
    below "$(excess regression-bf16-stochastic)" 0.05 "stochastically rounded bf16: relative excess loss"
}
check "09: the regression's bf16 weights alone stall; Kahan's compensation and stochastic rounding reach the least loss" regression_pure_stalls

check "09: refuses --steps 0"                           expect_bad_input --steps --task train-regression --steps 0
check "09: refuses --steps outside --task train-regression" expect_bad_input --steps --task train --steps 10
check "09: refuses --data-scale 0"                      expect_bad_input --data-scale --task train-regression --data-scale 0
check "09: refuses --data-scale 2"                      expect_bad_input --data-scale --task train-regression --data-scale 2
check "09: refuses --data-scale with --task train"      expect_bad_input --data-scale --task train --data-scale 0.5
check "09: refuses --hidden with --task train-regression" expect_bad_input --hidden --task train-regression --hidden 8

check "09: refuses --precision fp8"                     expect_bad_input --precision --task train --precision fp8
check "09: refuses --scaling sometimes"                 expect_bad_input --scaling --task train --scaling sometimes
check "09: refuses --scaling with --precision fp64"     expect_bad_input --scaling --task train --precision fp64 --scaling static
check "09: refuses --weights heavy"                     expect_bad_input --weights --task train --weights heavy
check "09: refuses --weights with --precision fp32"     expect_bad_input --weights --task train --precision fp32 --weights pure
check "09: refuses --growth-interval 0"                 expect_bad_input --growth-interval --task train --growth-interval 0
check "09: refuses --growth-interval with --scaling static" expect_bad_input --growth-interval --task train --scaling static --growth-interval 5
check "09: refuses --scale with --precision fp64"       expect_bad_input --scale --task train --precision fp64 --scale 4
check "09: refuses --scale 0.5"                         expect_bad_input --scale --task train --scaling static --scale 0.5
check "09: refuses --lr nan"                            expect_bad_input --lr --task train --lr nan
check "09: refuses --lr -1"                             expect_bad_input --lr --task train --lr -1
check "09: refuses --hidden 0"                          expect_bad_input --hidden --task train --hidden 0
check "09: refuses --train-images 0"                    expect_bad_input --train-images --task train --train-images 0
check "09: refuses a batch larger than --train-images, quoting both" \
    expect_bad_input "--batch-size '200': must not exceed --train-images 100 " --task train --train-images 100 --batch-size 200
check "09: refuses --train-images 9000 --test-images 2000 (more than 10,000)" \
    expect_bad_input --train-images --task train --train-images 9000 --test-images 2000
check "09: refuses --data-dir with no dataset"          expect_bad_input --data-dir --task train --data-dir /nonexistent
check "09: refuses --lr outside --task train"           expect_bad_input --lr --task formats --lr 0.1
check "09: refuses --n 0"                               expect_bad_input --n --task pass --n 0
# A run's size, as chapter 8's: training of 2.3e15 weight uses (five days)
# and a pass over 1e12 numbers (8 TB) were taken, and timed runs that
# read 6e12.
check "09: refuses training of over 1.5e12 weight uses" \
    refused_at_once "--epochs '1000': with --train-images '10000', --hidden '4096,4096,4096', asks for 2.29e+15 weight uses" \
    --task train --hidden 4096,4096,4096 --epochs 1000 --train-images 10000
check "09: refuses a pass over more than 2e9 numbers" \
    refused_at_once "--n '100000000': with --d '10000', asks for 1e+12 numbers of data" --task pass --n 100000000 --d 10000
check "09: refuses timed passes that read over 1e11 numbers" \
    refused_at_once "--repeats '1000': with --n '100000000', --d '20', asks for 6e+12 numbers read" \
    --task pass --n 100000000 --d 20 --timing --repeats 1000
check "09: refuses --timing outside --task pass"        expect_bad_input --timing --task train --timing
