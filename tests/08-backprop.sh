# tests/08-backprop.sh: checks of chapter 8's program, sourced by
# tools/selftest.sh with $program (build/bin/08-backprop), $data (the CSV
# files of its runs) and $scratch set. Expected values come from the
# dataset's published facts (60,000 + 10,000 images, 1,000 test images per
# class), from closed forms worked here (parameter counts, steps per
# epoch), from the issue's stated target (88.5 % test accuracy), and from
# what the lesson claims; never from the program itself.

# The IDX reader and the matrix product have their own checks, with their
# own drivers (the fuzzer, the exactness test).
. tests/idx.sh
. tests/matmul.sh

# rows FILE CONDITION: how many data rows of a CSV satisfy CONDITION (awk,
# on $1, $2, ... after the header).
rows() {
    awk -F, "NR > 1 && ($2) { n++ } END { print n + 0 }" "$1"
}

# ------------------------------------------------------------ the capstone
# 10 epochs of 55,000 images in minibatches of 128: ⌈55000/128⌉ = 430
# steps an epoch, 4300 in all; the cosine starts at AdamW's 1e-3.
capstone_shape() {
    f=$data/train.csv
    [ "$(rows "$f" 1)" -eq 11 ] || { echo "expected 11 rows (epochs 0 to 10)"; return 1; }
    [ "$(column "$f" step)" = 4300 ] || { echo "the run took $(column "$f" step) steps, expected 10 x 430"; return 1; }
    [ "$(column "$f" step 1)" = 430 ] || { echo "the first epoch took $(column "$f" step 1) steps, expected 430"; return 1; }
    near "$(column "$f" lr 0)" 0.001 0 "the first rate" || return 1
    # Epoch 0 is the untrained network: about chance, and no training columns.
    [ "$(column "$f" train_loss 0)" = nan ] || { echo "epoch 0 has a training loss"; return 1; }
    near "$(column "$f" val_accuracy 0)" 0.1 0.06 "the untrained network's accuracy" || return 1
    # Every epoch's losses are finite numbers.
    [ "$(rows "$f" "\$1 > 0 && (\$4 !~ /$finite/ || \$6 !~ /$finite/)")" -eq 0 ] ||
        { echo "a loss is not a number"; return 1; }
}
check "08: the capstone run takes 10 epochs of 430 steps from the rate 1e-3" capstone_shape

# The issue's target: at least 88.5 % of the test images (the dataset's
# benchmark lists an MLP at 88.33 %). The test file's counts are the
# dataset's: 1,000 images of each class, 10,000 in all, and the classes'
# right answers add up to the total.
capstone_accuracy() {
    f=$data/train-test.csv
    [ "$(rows "$f" '$1 < 10 && $3 != 1000')" -eq 0 ] || { echo "a class does not have 1000 test images"; return 1; }
    [ "$(awk -F, '$2 == "all" { print $3 }' "$f")" = 10000 ] || { echo "not 10000 test images"; return 1; }
    awk -F, 'NR > 1 && $1 < 10 { sum += $4 } $2 == "all" { all = $4 }
             END { if (sum != all) { print "classes add up to " sum ", all says " all; exit 1 } }' "$f" || return 1
    awk -F, -v finite="$finite" '$2 == "all" { if (!($5 ~ finite && $5 >= 0.885)) { print "test accuracy " $5 ", below the 0.885 target"; exit 1 } }' "$f" || return 1
    # The lesson's claims: shirts are the hardest class, trousers among the easiest.
    awk -F, 'NR > 1 && $1 < 10 { if (min == "" || $5 < min) { min = $5; worst = $2 } }
             $2 == "Trouser" { trouser = $5 }
             END { if (worst != "Shirt") { print "the worst class is " worst; exit 1 }
                   if (trouser < 0.95) { print "trousers at " trouser; exit 1 } }' "$f"
}
check "08: the capstone network gets at least 88.5 % of the 10,000 test images right" capstone_accuracy

# The training set is not the validation set: the last epochs' training
# accuracy is above the validation accuracy (the overfitting the lesson
# shows), and the validation loss stops falling while the training loss
# does not.
capstone_overfits() {
    f=$data/train.csv
    awk -F, -v finite="$finite" 'NR > 1 && $1 == 10 { last = 1
            if (!($5 ~ finite && $7 ~ finite && $5 > $7 + 0.02)) { print "train " $5 " not above validation " $7; exit 1 }
            if (!($4 ~ finite && $6 ~ finite && $4 < $6 / 1.5)) { print "train loss " $4 " not well below validation loss " $6; exit 1 } }
        END { if (!last) { print "no row for epoch 10"; exit 1 } }' "$f"
}
check "08: the capstone run overfits as the lesson says: training above validation by the end" capstone_overfits

# ---------------------------------------------------- the gradient check
# Every tensor of 784-256-128-10: W1 784 x 256 = 200704 entries, b1 256,
# W2 32768, b2 128, W3 1280, b3 10: 235146 in all. Each checks to 1e-6,
# the lesson's threshold for double precision with h = 1e-5.
gradcheck_passes() {
    for a in relu tanh sigmoid; do
        f=$data/gradcheck-$a.csv
        [ "$(awk -F, 'NR > 1 { printf "%s%s=%s ", $1, $2, $3 }' "$f")" = \
          "1W=200704 1b=256 2W=32768 2b=128 3W=1280 3b=10 0all=235146 " ] ||
            { echo "$a: the tensors are not 784-256-128-10's"; return 1; }
        [ "$(rows "$f" "\$5 !~ /$finite/ || !(\$5 < 1e-6)")" -eq 0 ] || { echo "$a: a tensor fails the check:"; cat "$f"; return 1; }
    done
}
check "08: every tensor's gradient agrees with central differences to 1e-6 (ReLU, tanh, sigmoid)" gradcheck_passes

# A wrong backward pass must fail the same check: the program built with
# dW accumulated twice (a factor 2) must report a relative error near 1/2
# for the weights. This is the check the lesson relies on having teeth.
gradcheck_catches_a_bug() {
    sed 's|    matmul_add(in, n, out, scratch, dy, dw);|    matmul_add(in, n, out, scratch, dy, dw); matmul_add(in, n, out, scratch, dy, dw);|' \
        solutions/08-backprop.c >"$scratch/broken-08.c"
    ! cmp -s solutions/08-backprop.c "$scratch/broken-08.c" || { echo "the bug was not put in"; return 1; }
    cc -std=c11 -O2 -ffp-contract=off -Ilib -Iexercises -DPROGRAM_NAME='"08-backprop"' \
        chapters/08-backprop.c "$scratch/broken-08.c" solutions/01-gradient-descent.c \
        solutions/03-minibatch.c solutions/04-optimizers.c solutions/05-gradient-clipping.c \
        solutions/07-schedules.c build/lib/libcourse.a -lm -lz -o "$scratch/broken-08" || return 1
    "$scratch/broken-08" --task gradcheck --hidden 16 --batch-size 4 --coords 5 >"$scratch/broken.csv" || return 1
    [ "$(rows "$scratch/broken.csv" '$2 == "W" && $5 > 0.3 && $5 < 0.7')" -eq 2 ] ||
        { echo "the doubled dW was not reported:"; cat "$scratch/broken.csv"; return 1; }
}
check "08: the gradient check reports a doubled dW as a relative error of about 1/2" gradcheck_catches_a_bug

# ------------------------------------------------------- initialisation
# The lesson's readings of the figure, each checked here.
init_claims() {
    d=$data
    # Sigmoid: the first layer's weight gradient is over 1000 times smaller
    # than the last's (vanishing); ReLU with He: within a factor of 10.
    awk -F, 'NR == 2 { first = $4 } NR > 1 { last = $4 }
             END { if (!(first * 1000 < last)) { print "sigmoid: " first " vs " last; exit 1 } }' "$d/init-sigmoid-xavier.csv" || return 1
    awk -F, 'NR > 1 { if (min == "" || $4 < min) min = $4; if ($4 > max) max = $4 }
             END { if (!(max < 10 * min)) { print "relu-he: " min " to " max; exit 1 } }' "$d/init-relu-he.csv" || return 1
    # Half and twice He's scale: nine weight matrices lie between the
    # image and the logits, so the logits' spread is 0.5^9 and 2^9 times
    # He's: the runs draw the same weights, scaled, the biases start at 0
    # and ReLU commutes with a positive factor, so only rounding separates
    # the ratios from powers of two.
    he=$(column "$d/init-relu-he.csv" activation_std)
    near "$(awk -v a="$(column "$d/init-relu-he-small.csv" activation_std)" -v b="$he" 'BEGIN { printf "%.17g", a / b }')" \
        0.001953125 1e-12 "the logits' spread at half He's scale, over He's" || return 1
    near "$(awk -v a="$(column "$d/init-relu-he-large.csv" activation_std)" -v b="$he" 'BEGIN { printf "%.17g", a / b }')" \
        512 1e-9 "the logits' spread at twice He's scale, over He's" || return 1
    # Eight sigmoid layers trained for an epoch stay at chance; ReLU learns.
    awk -F, -v finite="$finite" 'END { if (!($7 ~ finite && $7 < 0.15)) { print "deep sigmoid at " $7; exit 1 } }' "$d/deep-sigmoid.csv" || return 1
    awk -F, -v finite="$finite" 'END { if (!($7 ~ finite && $7 > 0.7)) { print "deep relu at " $7; exit 1 } }' "$d/deep-relu.csv"
}
check "08: the initialisation runs show what the lesson says (vanishing with the sigmoid, level with He)" init_claims

timing_reports() {
    "$program" --task timing --steps 3 --repeats 3 >"$scratch/timing.csv" || return 1
    awk -F, 'NR == 2 { if (!($6 > 0 && $3 >= $4 && $3 <= $5)) { print "bad timing row: " $0; exit 1 } }
             END { if (NR != 2) { print NR " lines"; exit 1 } }' "$scratch/timing.csv"
}
check "08: --task timing reports a median within its spread and a positive GFLOP/s" timing_reports

# --------------------------------------------------------------- flags
check "08: --help lists every flag" help_lists_every_flag \
    task data-dir hidden activation init init-scale validation batch-size epochs \
    optimizer lr schedule clip-norm clip-value test coords h steps repeats seed out
check "08: --help describes every task" help_describes_every_task

check "08: refuses --task fly"                    expect_bad_input --task --task fly
# A task's size in weight uses (a forward pass of one image uses each
# parameter once; a training step three an image and about 64 images'
# worth more): --coords 1e6 asked for 1.4e13 (the gradient check, two
# passes of the batch for each entry); --hidden 4096,4096,4096 for 9.3e13
# at the default 10 epochs; --batch-size 1 --epochs 1000, three days, for
# 2.5e15; --task timing at --steps's and --repeats's bounds for 1.35e15.
check "08: refuses a gradient check of over 2e12 weight uses" \
    refused_at_once "--coords '1000000': asks for 1.42e+13 weight uses" --task gradcheck --coords 1000000
check "08: refuses training of over 6e13 weight uses" \
    refused_at_once "--hidden '4096,4096,4096': asks for 9.3e+13 weight uses" --hidden 4096,4096,4096
check "08: refuses training of over 6e13 weight uses, counting each step's cost" \
    refused_at_once "--epochs '1000': with --batch-size '1', asks for 2.52e+15 weight uses" --batch-size 1 --epochs 1000
check "08: refuses timing of over 6e13 weight uses" \
    refused_at_once "--steps '100000': with --repeats '100', asks for 1.35e+15 weight uses" --task timing --steps 100000 --repeats 100
check "08: refuses --hidden 0"                    expect_bad_input --hidden --hidden 0
check "08: refuses --hidden 2.5"                  expect_bad_input --hidden --hidden 2.5
check "08: refuses --hidden 256,x"                expect_bad_input --hidden --hidden 256,x
# A width is a count: written in digits, as --epochs 1e1 is refused.
check "08: refuses --hidden 256,1e2"              expect_bad_input "--hidden '256,1e2': expected comma-separated whole numbers" --hidden 256,1e2
check "08: refuses --hidden 5000"                 expect_bad_input --hidden --hidden 5000
check "08: refuses --activation swish"            expect_bad_input --activation --activation swish
check "08: refuses --init lecun"                  expect_bad_input --init --init lecun
check "08: refuses --init-scale 0"                expect_bad_input --init-scale --init-scale 0
check "08: refuses --batch-size 0"                expect_bad_input --batch-size --batch-size 0
check "08: refuses --epochs 0"                    expect_bad_input --epochs --epochs 0
check "08: refuses --epochs with gradcheck"       expect_bad_input --epochs --task gradcheck --epochs 2
check "08: refuses --lr with init"                expect_bad_input --lr --task init --lr 0.1
check "08: refuses --schedule with timing"        expect_bad_input --schedule --task timing --schedule cosine
check "08: refuses --test with gradcheck"         expect_bad_input --test --task gradcheck --test t.csv
check "08: refuses --test naming --out's file"    expect_bad_input --test --test "$scratch/refused.csv"
check "08: refuses --clip-norm -1"                expect_bad_input --clip-norm --clip-norm -1
check "08: refuses --clip-value 0"                expect_bad_input --clip-value --clip-value 0
check "08: refuses --clip-value with gradcheck"   expect_bad_input --clip-value --task gradcheck --clip-value 1
check "08: refuses --clip-norm with --clip-value" expect_bad_input "--clip-value '1': cannot be combined with --clip-norm" --clip-norm 1 --clip-value 1
check "08: refuses --validation 60000"            expect_bad_input --validation --validation 60000
# The run's length comes from --epochs here: 55,000 training images in
# batches of 100 make 550 steps an epoch, 1100 in two.
check "08: a warm-up as long as the run names the run's length in steps" \
    expect_bad_input "--warmup-steps '1100': leaves no step for the cosine: make it less than the run's 1100 steps" \
    --schedule warmup-cosine --warmup-steps 1100 --epochs 2 --batch-size 100 --validation 5000
check "08: refuses a batch above the images --validation leaves, as the parser would" \
    expect_bad_input "08-backprop: --batch-size '4096': above the 1000 training images (see --help)" --batch-size 4096 --validation 59000
check "08: refuses --momentum with adamw"         expect_bad_input --momentum --momentum 0.9
check "08: refuses --coords with train"           expect_bad_input --coords --coords 5
check "08: refuses a --data-dir with no dataset"  expect_bad_input --data-dir --data-dir "$scratch/nowhere"
check "08: a --data-dir with a newline is named in one line" \
    expect_bad_input "--data-dir: $scratch/no\nwhere: cannot open the directory" --data-dir "$(printf '%s/no\nwhere' "$scratch")"

# AdamW with --beta2 0: v is the last squared gradient alone, and a
# weight whose gradient falls to 0 for a batch (a ReLU unit idle on it)
# steps by about lr·m/ε. Dividing --lr by 10, as the message used to say,
# does not help (1e-4 and 1e-5 diverge too); the message names beta1 and
# beta2, and the --amsgrad it offers trains.
unbounded_adam_is_blamed() {
    "$program" --beta2 0 --epochs 1 --validation 55000 --out "$scratch/beta2.csv" 2>"$scratch/beta2.err"
    [ $? -eq 1 ] || { echo "exit status is not 1"; return 1; }
    [ "$(wc -l <"$scratch/beta2.err")" -eq 1 ] &&
        grep -q -- 'with --beta1 0.9 and --beta2 0 (beta1 squared at least beta2), --optimizer adamw.s steps have no bound' "$scratch/beta2.err" ||
        { echo "the message does not blame the betas:"; cat "$scratch/beta2.err"; return 1; }
    "$program" --beta2 0 --amsgrad --epochs 1 --validation 55000 >/dev/null ||
        { echo "--amsgrad, which the message offers, did not train"; return 1; }
}
check "08: AdamW's --beta2 0 (beta1 squared at least beta2: no bound on the step) is blamed, not the rate; --amsgrad trains" \
    unbounded_adam_is_blamed

# A --data-dir whose training images are blank (100 images, every pixel 0)
# is refused in one line: the pixels are scaled by their standard
# deviation, 0 here, and the run went on to blame --lr for the nan. The
# same images with one lit pixel each train.
one_lit_pixel_each() {
    for _ in $(seq 100); do printf '\377'; head -c 783 /dev/zero; done
}
blank_images_refused() {
    dir=$scratch/blank-fm
    small_fashion_mnist "$dir" train 100 cat /dev/zero || return 1
    expect_bad_input "08-backprop: --data-dir '$dir': its training images are blank (every pixel the same value): nothing to learn from (see --help)" \
        --data-dir "$dir" --validation 10 --batch-size 10 --epochs 1 || return 1
    small_fashion_mnist "$dir" train 100 one_lit_pixel_each || return 1
    "$program" --data-dir "$dir" --validation 10 --batch-size 10 --epochs 1 >/dev/null ||
        { echo "images with one lit pixel each were refused"; return 1; }
}
check "08: a --data-dir of blank training images is refused (no spread to scale the pixels by), not blamed on --lr" blank_images_refused

# A schedule's bounds are the run's, and the run's steps come from the
# images --data-dir holds: with 100 (50 held out, batches of 10: 5 steps),
# a warm-up of 5 steps leaves the cosine none, and is refused; it was
# checked against Fashion-MNIST's 60,000 (5,995 steps) and trained with a
# rate stuck at a third of --lr. A warm-up of 4 fits, and trains.
schedule_fits_the_data() {
    dir=$scratch/small-fm
    small_fashion_mnist "$dir" train 100 one_lit_pixel_each || return 1
    expect_bad_input "08-backprop: --warmup-steps '5': leaves no step for the cosine: make it less than the run's 5 steps" \
        --data-dir "$dir" --validation 50 --batch-size 10 --epochs 1 --hidden 4 \
        --schedule warmup-cosine --warmup-steps 5 || return 1
    "$program" --data-dir "$dir" --validation 50 --batch-size 10 --epochs 1 --hidden 4 \
        --schedule warmup-cosine --warmup-steps 4 >/dev/null ||
        { echo "a warm-up of 4 steps on the 5-step run was refused"; return 1; }
}
# An output in --data-dir's folder could replace a dataset file: --out
# train-labels-idx1-ubyte.gz replaced it with CSV, and the next run found
# "not an IDX file". Refused in one line for --out and --test, the
# dataset's files left as they were.
output_not_in_data_dir() {
    dir=$scratch/fm-copy
    small_fashion_mnist "$dir" train 100 one_lit_pixel_each || return 1
    sum=$(cat "$dir"/* | cksum)
    for flag in --out --test; do
        "$program" --data-dir "$dir" --validation 50 --batch-size 10 --epochs 1 --hidden 4 \
            "$flag" "$dir/train-labels-idx1-ubyte.gz" >/dev/null 2>"$scratch/stderr"
        status=$?
        [ "$status" -eq 2 ] && [ "$(wc -l <"$scratch/stderr")" -eq 1 ] &&
            grep -qF -- "$flag '$dir/train-labels-idx1-ubyte.gz': a file in --data-dir's folder" "$scratch/stderr" ||
            { echo "$flag: exit status $status"; cat "$scratch/stderr"; return 1; }
    done
    [ "$(cat "$dir"/* | cksum)" = "$sum" ] || { echo "a dataset file changed"; return 1; }
    # A --data-dir of links to the files elsewhere: neither the link's
    # name nor its target may be written.
    links=$scratch/fm-links
    rm -rf "$links" && mkdir -p "$links" || return 1
    for f in "$dir"/*; do ln -s "$(pwd)/$f" "$links/"; done
    for out in "$links/train-labels-idx1-ubyte.gz" "$dir/train-labels-idx1-ubyte.gz"; do
        "$program" --data-dir "$links" --validation 50 --batch-size 10 --epochs 1 --hidden 4 \
            --out "$out" >/dev/null 2>"$scratch/stderr"
        status=$?
        [ "$status" -eq 2 ] && grep -qF -- "--out '$out': a file in --data-dir's folder" "$scratch/stderr" ||
            { echo "--out $out with a --data-dir of links: exit status $status"; cat "$scratch/stderr"; return 1; }
    done
    [ "$(cat "$dir"/* | cksum)" = "$sum" ] || { echo "a dataset file changed through a link"; return 1; }
}
check "08: an output in --data-dir's folder (--out, --test) is refused, the dataset left whole" output_not_in_data_dir

check "08: a schedule is checked against the steps of the data --data-dir holds (100 images: 5 steps), not 60,000 images'" \
    schedule_fits_the_data

# A corrupt test file is refused before the training starts, naming the
# flag and the file; nothing is written.
corrupt_test_set_refused_early() {
    mkdir -p "$scratch/fm"
    for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-labels-idx1-ubyte.gz; do
        ln -sf "/usr/share/datasets/fashion-mnist/$f" "$scratch/fm/$f"
    done
    head -c 100000 /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz >"$scratch/fm/t10k-images-idx3-ubyte.gz"
    # (20 s of CPU, not of the clock, which a loaded machine stretches: the
    # refusal takes 0.3 s; 50 epochs of training, at about 5 s each, would
    # end in SIGXCPU, not exit status 2.)
    (ulimit -t 20 && expect_bad_input t10k-images-idx3-ubyte.gz --data-dir "$scratch/fm" --epochs 50 \
                         --test "$scratch/test.csv") || { echo "(it trained before refusing?)"; return 1; }
    grep -q -- '--data-dir' "$scratch/stderr" || { echo "the message does not name --data-dir"; return 1; }
    [ ! -e "$scratch/test.csv" ] || { echo "--test's file was written"; return 1; }
}
check "08: a truncated test file is refused before training, naming --data-dir and the file" corrupt_test_set_refused_early
# 20 to 40 MB of address space cannot hold the 47 MB of training images.
check "08: images that do not fit in memory are a failed run (1), not bad input" \
    short_of_memory_is_status_1 20000,30000,40000 --task init --hidden 8 --out "$scratch/oom.csv"

# --help: a training that diverges exits 1 and keeps the rows before it;
# the test report comes only after a training that finished, so --test
# is not written: a file already there stays as it was (once an empty
# file replaced it), and no temporary is left.
diverged_run_writes_no_test_report() {
    echo kept >"$scratch/old-test.csv"
    "$program" --hidden 8 --epochs 1 --optimizer sgd --lr 1e5 --out "$scratch/diverged.csv" \
        --test "$scratch/old-test.csv" 2>"$scratch/stderr"
    [ $? -eq 1 ] || { echo "exit status is not 1"; return 1; }
    grep -q 'stopped being a finite number' "$scratch/stderr" || { cat "$scratch/stderr"; return 1; }
    [ "$(cat "$scratch/old-test.csv")" = kept ] || { echo "--test was replaced by a run that diverged"; return 1; }
    [ -z "$(ls "$scratch"/old-test.csv.tmp-* 2>/dev/null)" ] || { echo "a temporary --test file was left"; return 1; }
    [ "$(column "$scratch/diverged.csv" epoch)" = 0 ] || { echo "the rows before the divergence were not kept"; return 1; }
}
check "08: a diverged training keeps its rows but writes no --test, leaving the file there as it was" diverged_run_writes_no_test_report

# Chapter 5's clipping is in the loop when --clip-norm or --clip-value is
# given. With plain SGD (Adam would divide the clipped scale away again), a
# gradient clipped to a norm of 1e-4 makes every step at most 1e-5 long,
# and one clipped to 1e-6 an entry moves each weight at most 1e-7 a step;
# so after an epoch the network is still near its start, far below the
# unclipped epoch.
clipping_applies() {
    "$program" --epochs 1 --optimizer sgd --lr 0.1 --schedule constant >"$scratch/free.csv" || return 1
    free=$(column "$scratch/free.csv" val_accuracy)
    for clip in "--clip-norm 1e-4" "--clip-value 1e-6"; do
        # shellcheck disable=SC2086  # the flag and its value, two words
        "$program" --epochs 1 --optimizer sgd --lr 0.1 --schedule constant $clip >"$scratch/clipped.csv" || return 1
        clipped=$(column "$scratch/clipped.csv" val_accuracy)
        awk -v f="$free" -v c="$clipped" -v clip="$clip" 'BEGIN { if (!(f > 0.8 && c < f - 0.2)) { print "unclipped " f ", " clip " " c; exit 1 } }' || return 1
    done
}
check "08: --clip-norm and --clip-value clip every step (chapter 5's clip_grad_norm and clip_grad_value): SGD clipped to 1e-4 in norm or 1e-6 an entry learns far less in an epoch" clipping_applies
