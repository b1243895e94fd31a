# tests/10-data-parallel.sh: checks of chapter 10's program, sourced by
# tools/selftest.sh with $program (build/bin/10-data-parallel), $data (the
# CSV files of its runs) and $scratch set. The program runs under mpirun
# with P = 1, 2, 3 and 4 ranks (as root, as CI runs it, with
# --allow-run-as-root; --oversubscribe, since P may exceed the cores).
# Expected values come from the chapter's claims (the fixed order gives
# the same bytes for every P), from closed forms worked here (the ring's
# chunks and bytes), and from a stated tolerance; never from the program.

mpi_flags="--oversubscribe --stdin none"
[ "$(id -u)" = 0 ] && mpi_flags="--allow-run-as-root $mpi_flags"
# A rank waiting for another gives up its core, as Open MPI does on its own
# only when there are more ranks than cores: spinning ranks took the cores
# from the one at work, and 2 ranks under load took 22 s, not 2 (on()
# gives a run 60 s).
export OMPI_MCA_mpi_yield_when_idle=1

# on P ARGS...: the program on P ranks under mpirun (P = 1: on its own,
# as a student runs it without MPI), with a time bound: a hang fails.
on() {
    p=$1
    shift
    if [ "$p" = 1 ]; then
        timeout 60 "$program" "$@"
    else
        # shellcheck disable=SC2086  # the flags are meant to split
        timeout 60 mpirun $mpi_flags -np "$p" "$program" "$@"
    fi
}

# ------------------------------------------------ the equivalence claim
# The fixed-order reduction: the same CSV, byte for byte, on 1 to 4 ranks:
# the book's runs (8 micro-batches of 8: 3, 3, 2 on 3 ranks) and a run
# whose 15 micro-batches of 4 split 8, 7 / 5, 5, 5 / 4, 4, 4, 3.
fixed_is_bit_identical() {
    for p in 2 3 4; do
        cmp "$data/fixed-p1.csv" "$data/fixed-p$p.csv" || return 1
    done
    for p in 1 2 3 4; do
        on "$p" --allreduce fixed --batch-size 60 --micro-batch 4 --steps 30 \
            --log-every 3 --check-every 7 --out "$scratch/fixed-$p.csv" 2>"$scratch/fixed-$p.err" ||
            { cat "$scratch/fixed-$p.err"; return 1; }
        [ "$p" = 1 ] || cmp "$scratch/fixed-1.csv" "$scratch/fixed-$p.csv" || return 1
    done
    [ "$(wc -l <"$scratch/fixed-1.csv")" -eq 12 ] || { echo "expected 11 rows and a header"; return 1; }
}
check "10: --allreduce fixed on 1, 2, 3 and 4 ranks writes the same bytes as 1 rank (uneven shards too)" fixed_is_bit_identical

# drift_from_fixed RUN FIXED LIMIT: every row of RUN (step,loss,...) has a
# loss within LIMIT, relative, of FIXED's loss at the same step, worked out
# here from the two files: the run's own drift column is the program's
# figure, and a check must not take the program's word. Prints the largest
# relative difference; fails (with the row) above LIMIT or on a step FIXED
# lacks.
drift_from_fixed() {
    awk -F, -v limit="$3" -v run="${1##*/}" '
        BEGIN { most = 0 }
        NR == FNR { if (FNR > 1) want[$1] = $2; next }
        FNR == 1 { next }
        { if (!($1 in want)) { print run ": step " $1 " is not in the fixed order'"'"'s rows"; bad = 1; exit }
          d = $2 - want[$1]; s = want[$1]
          if (d < 0) d = -d
          if (s < 0) s = -s
          if (!(d <= limit * s)) { print run ": drift " d / s " at step " $1 ", above " limit; bad = 1; exit }
          if (d / s > most) most = d / s
          rows++ }
        END { if (!bad && !rows) { print run ": no rows"; bad = 1 }
              if (!bad) print most
              exit bad }' "$2" "$1"
}

# The ring and MPI_Allreduce: within rounding of the fixed order. The
# tolerance: 1e-12 relative on the loss over 200 steps, some 4,500 times
# the double's 2.2e-16. The lesson's runs stay within "a few units in the
# last place": at most 8 units of 2^-52 here (measured: 2 units with
# glibc's FMA versions of exp and log, 3.6 with the older processors').
others_within_rounding() {
    for run in ring-p1 ring-p2 ring-p3 ring-p4 tree-p4 mpi-p2 mpi-p3 mpi-p4; do
        f=$data/$run.csv
        [ "$(wc -l <"$f")" -eq 22 ] || { echo "$run: expected 21 rows"; return 1; }
        drift_from_fixed "$f" "$data/fixed-p1.csv" 1.7763568394002505e-15 >"$scratch/drift" ||
            { cat "$scratch/drift"; echo "(the lesson says a few units: 8 x 2^-52)"; return 1; }
    done
}
check "10: --allreduce ring, tree and mpi stay within a few units in the last place (8 x 2^-52, relative) of the fixed order's loss on 1 to 4 ranks" others_within_rounding

# The lesson's "Running on several machines": glibc chooses its exp and log
# by the processor, and GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX2,-FMA makes it
# choose an older processor's. With them the fixed order still writes the
# same bytes on 1 and 4 ranks (mpirun hands the setting to every rank); on
# an x86 processor with FMA the bytes are not the book's run's.
older_libm() { (GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX2,-FMA && export GLIBC_TUNABLES && on "$@"); }
fixed_order_under_another_libm() {
    for p in 1 4; do
        older_libm "$p" --allreduce fixed --out "$scratch/older-p$p.csv" 2>"$scratch/older.err" ||
            { cat "$scratch/older.err"; return 1; }
    done
    cmp "$scratch/older-p1.csv" "$scratch/older-p4.csv" || return 1
    if [ "$(uname -m)" = x86_64 ] && grep -qw fma /proc/cpuinfo; then
        ! cmp -s "$scratch/older-p1.csv" "$data/fixed-p1.csv" ||
            { echo "with the older processors' exp and log, the run is still the book's bytes"; return 1; }
        # ... in the last digits only (measured: 2 units of 2^-52 at most)
        paste -d, "$data/fixed-p1.csv" "$scratch/older-p1.csv" | awk -F, 'NR > 1 {
            d = ($2 - $4) / $2; if (!(d <= 8 * 2^-52 && -d <= 8 * 2^-52)) {
                print "at step " $1 " the loss is " $4 ", the book'"'"'s " $2 ": more than the last digits"; exit 1 } }' || return 1
    fi
}
check "10: with glibc's exp and log for processors without FMA, the fixed order is the same bytes on 1 and 4 ranks, and (on a processor with FMA) other bytes than the book's" \
    fixed_order_under_another_libm

# On 2 ranks the tree and the ring do the same additions (each chunk, or
# the whole vector, is a + b on one rank and copied to the other), so the
# lesson says their runs are the same bytes.
tree_is_ring_on_two() {
    on 2 --allreduce tree --reference "$data/fixed-p1.csv" --out "$scratch/tree-p2.csv" 2>"$scratch/tree-p2.err" ||
        { cat "$scratch/tree-p2.err"; return 1; }
    cmp "$scratch/tree-p2.csv" "$data/ring-p2.csv"
}
check "10: on 2 ranks the tree's run is the ring's, byte for byte" tree_is_ring_on_two

# ------------------------------------------------------------- the bytes
# The ring sends 2(P - 1) chunks a step: rank r all but chunk r + 1 in the
# reduce-scatter and all but chunk r + 2 in the all-gather, chunk c having
# ⌊n/P⌋ numbers, one more for c < n mod P: 8(2n - size(r+1) - size(r+2))
# bytes, which is 2(P - 1)/P · n · 8 when P divides n, and within 16
# bytes of it otherwise. n is 784·64 + 64 + 64·10 + 10 = 50,890
# parameters, and the loss: 50,891.
ring_bytes() {
    for p in 2 3 4; do
        f=$data/ring-p$p-comm.csv
        awk -F, -v P="$p" 'NR == 1 { next }
            { n = $3; r = $1
              if (n != 50891) { print "vector_length " n ", expected 50891"; exit 1 }
              c1 = (r + 1) % P; c2 = (r + 2) % P
              s1 = int(n / P) + (c1 < n % P); s2 = int(n / P) + (c2 < n % P)
              want = 8 * (2 * n - s1 - s2)
              if ($5 != want) { print "P " P " rank " r ": " $5 " bytes a step, expected " want; exit 1 }
              d = $5 - 2 * (P - 1) / P * n * 8; if (d < 0) d = -d
              if (d > 16) { print "P " P " rank " r ": " $5 " is not 2(P-1)/P·n·8 = " $6; exit 1 }
              if ($4 != 200 * $5) { print "P " P " rank " r ": " $4 " bytes in 200 steps"; exit 1 }
              rows++ }
            END { if (rows != P) { print rows " rows for " P " ranks"; exit 1 } }' "$f" || return 1
    done
    # The fixed order sends each of a rank's micro-batches to P - 1 ranks.
    awk -F, 'NR > 1 { want = ($1 < 2 ? 3 : 2) * 50891 * 8 * 2
                      if ($5 != want) { print "fixed, rank " $1 ": " $5 ", expected " want; exit 1 } }' \
        "$data/fixed-p3-comm.csv"
}
check "10: each rank of the ring sends 2(P-1)/P·n·8 bytes a step (counted, P = 2, 3, 4)" ring_bytes

# The tree: every rank but 0 sends its n numbers up once, and each sends
# n numbers down to each child. Worked by hand: on 3 ranks, rank 0's
# children are 1 and 2 (2 vectors), ranks 1 and 2 send up only (1 each);
# on 4 ranks rank 0's children are 1 and 2 (2), rank 2 sends up and down
# to 3 (2), ranks 1 and 3 up only (1). 2(P - 1) vectors in all. (P = 3
# runs here, 21 steps (rows 0, 10, 20, as the reference logs them),
# and within rounding of the fixed order.)
tree_bytes() {
    on 3 --allreduce tree --steps 21 --reference "$data/fixed-p1.csv" --out "$scratch/tree-p3.csv" \
        --comm "$scratch/tree-p3-comm.csv" 2>"$scratch/tree-p3.err" || { cat "$scratch/tree-p3.err"; return 1; }
    drift_from_fixed "$scratch/tree-p3.csv" "$data/fixed-p1.csv" 1e-12 >"$scratch/drift" ||
        { cat "$scratch/drift"; return 1; }
    for p in 3 4; do
        f=$data/tree-p$p-comm.csv
        [ "$p" = 3 ] && f=$scratch/tree-p3-comm.csv
        awk -F, -v P="$p" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
            { r = $1; n = $3
              want = (P == 3 ? (r == 0 ? 2 : 1) : (r == 0 || r == 2 ? 2 : 1)) * n * 8
              got = $col["bytes_per_step"]
              if (got != want) { print "tree, P " P " rank " r ": " got " bytes a step, expected " want; exit 1 }
              if ($col["tree_bytes_per_step"] != want) { print "tree, P " P " rank " r ": the closed form says " $col["tree_bytes_per_step"] ", by hand " want; exit 1 }
              total += got; rows++ }
            END { if (rows != P) { print rows " rows for " P " ranks"; exit 1 }
                  if (total != 2 * (P - 1) * 50891 * 8) { print "P " P ": " total " bytes in all, expected 2(P-1)·n·8"; exit 1 } }' \
            "$f" || return 1
    done
}
check "10: the tree sends n·8 bytes up once and n·8 down to each child (counted, P = 3, 4, against the hand-worked tree)" tree_bytes

# --task allreduce-timing counts what it sends as training does. On 3
# ranks, with vectors of 3, 6 and 12 numbers (chunks of n/3): rank 0 of the
# ring sends 4 chunks, 4/3·n·8 bytes a call; of the tree, the whole vector
# down to its children 1 and 2, 2·n·8. Three sizes, three rows.
timing_counts() {
    for how in ring tree mpi; do
        on 3 --task allreduce-timing --allreduce "$how" --min-bytes 24 --max-bytes 96 \
            --repeats 2 --out "$scratch/timing-$how.csv" 2>"$scratch/timing.err" ||
            { cat "$scratch/timing.err"; return 1; }
        awk -F, -v how="$how" 'NR == 1 { next }
            { n = $3 / 8; rows++
              want = how == "ring" ? 4 / 3 * n * 8 : how == "tree" ? 2 * n * 8 : "nan"
              if ($10 != want) { print how ": " $3 " bytes: rank 0 sent " $10 " a call, expected " want; exit 1 }
              if (!($5 > 0)) { print how ": no time for " $3 " bytes"; exit 1 } }
            END { if (rows != 3) { print how ": " rows " rows, expected 3 (24, 48, 96 bytes)"; exit 1 } }' \
            "$scratch/timing-$how.csv" || return 1
    done
}
check "10: --task allreduce-timing times the ring, the tree and MPI_Allreduce, counting the ring's and the tree's bytes" timing_counts

# --task ring-schedule (the lesson's figure of the ring) against the
# lesson's closed forms, worked here: at reduce-scatter step s rank r
# sends chunk (r - s) mod P, holding s + 1 ranks' parts, to r + 1, and
# receives chunk (r - s - 1) mod P from r - 1, which then holds s + 2; at
# all-gather step s it sends (r + 1 - s) mod P and receives (r - s) mod P,
# whole (P parts) both; no chunk ever holds another's shares. 2(P - 1)
# steps of P rows; none on one rank. The book's run is P = 4; under a
# bare mpirun rank 0 alone writes the file, the same bytes.
ring_schedule_closed_form() {
    for p in 1 2 3 4 5 8; do
        "$program" --task ring-schedule --ranks "$p" --out "$scratch/schedule-$p.csv" || return 1
        awk -F, -v P="$p" '
            function mod(a) { return ((a % P) + P) % P }
            NR == 1 { if ($0 != "step,phase,phase_step,rank,sent_chunk,sent_parts,sent_foreign,to_rank,received_chunk,from_rank,received_parts,received_foreign") { print "header: " $0; exit 1 }
                      next }
            { i = NR - 2; t = int(i / P); r = i % P; g = t >= P - 1; s = g ? t - (P - 1) : t
              want = t "," (g ? "all-gather" : "reduce-scatter") "," s "," r "," \
                     (g ? mod(r + 1 - s) : mod(r - s)) "," (g ? P : s + 1) ",0," mod(r + 1) "," \
                     (g ? mod(r - s) : mod(r - s - 1)) "," mod(r - 1) "," (g ? P : s + 2) ",0"
              if ($0 != want) { print "P = " P ", row " NR - 1 ": " $0 ", expected " want; exit 1 } }
            END { if (NR - 1 != 2 * (P - 1) * P) { print "P = " P ": " NR - 1 " rows, expected " 2 * (P - 1) * P; exit 1 } }' \
            "$scratch/schedule-$p.csv" || return 1
    done
    cmp "$scratch/schedule-4.csv" "$data/ring-schedule.csv" || { echo "the book's ring-schedule run is not --ranks 4's"; return 1; }
    on 3 --task ring-schedule --out "$scratch/schedule-mpirun.csv" 2>"$scratch/schedule.err" ||
        { cat "$scratch/schedule.err"; return 1; }
    cmp "$scratch/schedule-4.csv" "$scratch/schedule-mpirun.csv" || return 1
    [ -z "$(ls "$scratch"/schedule-mpirun.csv.tmp-* 2>/dev/null)" ] || { echo "left $(ls "$scratch"/schedule-mpirun.csv.tmp-*)"; return 1; }
}
check "10: --task ring-schedule writes the lesson's ring (sends, receives, parts) on 1 to 8 ranks, once under mpirun" ring_schedule_closed_form

# ------------------------------------------------- accumulation, large batch
# P ranks × A micro-batches each = the effective batch: fixed-p1, -p2, -p4
# (8, 4, 2 micro-batches of 8 per rank) are the same bytes (checked
# above); one process taking the 64 examples as one mean (--micro-batch
# 64: the same bytes as ring-p1, the ring on one rank, whose one shard is
# the whole batch) differs only by rounding, since the 64 examples'
# sum is grouped differently; not bit for bit, but within 1e-12.
accumulation_is_the_batch() {
    on 1 --micro-batch 64 --reference "$data/fixed-p1.csv" --out "$scratch/full-batch.csv" || return 1
    cmp "$scratch/full-batch.csv" "$data/ring-p1.csv" || { echo "one process, one mean: differs from the ring on one rank"; return 1; }
    most=$(drift_from_fixed "$data/ring-p1.csv" "$data/fixed-p1.csv" 1e-12) || { echo "$most"; return 1; }
    [ "$most" != 0 ] || { echo "bit-identical: the lesson says the grouping differs"; return 1; }
}
check "10: 1, 2 or 4 ranks accumulating micro-batches of 8 = one process with the batch of 64 as one mean, within 1e-12" accumulation_is_the_batch

# The large-batch runs see the same 12,800 examples: 800 steps of 16, 100
# of 128; each wrote its test set's verdict.
large_batch_runs() {
    for run in lb-small lb-large-same-lr lb-large-linear lb-large-warmup; do
        awk -F, -v run="$run" 'NR == 2 { if ($1 != 10000 || !($3 > 0.1 && $3 < 1)) { print run ": " $0; exit 1 } ok = 1 }
            END { exit !ok }' "$data/$run-test.csv" || return 1
    done
    [ "$(tail -n 1 "$data/lb-small.csv" | cut -d, -f1)" = 799 ] &&
        [ "$(tail -n 1 "$data/lb-large-linear.csv" | cut -d, -f1)" = 99 ] || { echo "not 800 and 100 steps"; return 1; }
}
check "10: the large-batch runs train on the same 12,800 examples and report the test set" large_batch_runs

# ---------------------------------------------------------------- faults
# A fault on rank 2 of 4 at step 7: every rank stops (never a hang: on()'s
# 60 s, not a clock of its own, which a loaded machine stretches), the exit
# status is 1 as --help says (a rank that dies exits 1, and mpirun passes
# that on), the message names the rank and the step, and no --out file is
# left.
fault_stops_everyone() {
    kind=$1 message=$2
    rm -f "$scratch/fault.csv"
    on 4 --fault "$kind" --fault-rank 2 --fault-step 7 --check-every 5 --steps 40 \
        --out "$scratch/fault.csv" >"$scratch/fault.out" 2>&1
    status=$?
    [ "$status" -eq 1 ] || { echo "exit status $status, where --help says 1 (124: still running after 60 s)"; return 1; }
    grep -q "$message" "$scratch/fault.out" || { cat "$scratch/fault.out"; return 1; }
    [ ! -e "$scratch/fault.csv" ] || { echo "left a --out file"; return 1; }
    if [ "$kind" = exit ]; then
        # mpirun ends the other ranks with signals, so rank 0 may leave its
        # temporary file behind, as any killed program does (lib/output.h):
        # the next run to the same --out must remove it once rank 0 has
        # ended. mpirun can return before then (seen on a loaded machine:
        # rank 0 still running, or ended and not yet reaped, a zombie, which
        # lib/output.c counts as ended), so that is waited for, 10 s at most.
        for tmp in "$scratch"/fault.csv.tmp-*; do
            [ -e "$tmp" ] || continue
            pid=${tmp##*.tmp-} && pid=${pid%%-*} waited=0
            while [ -r "/proc/$pid/stat" ] && [ "$(sed 's/.*) //' "/proc/$pid/stat" | cut -c 1)" != Z ]; do
                [ "$waited" -lt 100 ] || { echo "rank 0 ($pid) still runs 10 s after mpirun returned"; return 1; }
                sleep 0.1 && waited=$((waited + 1))
            done
        done
        on 1 --steps 1 --out "$scratch/fault.csv" >/dev/null 2>&1 || { echo "the next run failed"; return 1; }
        rm -f "$scratch/fault.csv"
    fi
    [ -z "$(ls "$scratch"/fault.csv* 2>/dev/null)" ] || { echo "left an output file"; return 1; }
}
check "10: a nan on one rank stops every rank, naming the rank and the step" \
    fault_stops_everyone nan "rank 2: the loss or gradient stopped being finite at step 7; every rank stops"
check "10: a rank whose parameters drift is caught by the parameter check, naming it" \
    fault_stops_everyone diverge "rank 2: its parameters differ from rank 0's after step 9"
check "10: a rank that dies stops the job (mpirun ends the others) instead of hanging" \
    fault_stops_everyone exit "rank 2: dying at step 7"

# A file that cannot be written (a full device) fails the run with exit
# status 1, as --help says, and leaves none of the run's other files:
# --comm was renamed into place before --times and --out were written.
# On 2 ranks a --comm that failed on rank 0 alone once left rank 1
# waiting for ever in --times's gather: now within the time bound.
full_disk_leaves_no_file() {
    for bad in "--comm $scratch/full-comm.csv --times /dev/full --out $scratch/full-out.csv" \
        "--comm /dev/full --times $scratch/full-times.csv" \
        "--comm $scratch/full-comm.csv --out /dev/full --test $scratch/full-test.csv"; do
        rm -f "$scratch"/full-*
        # shellcheck disable=SC2086  # the flags are meant to split
        on 2 --steps 2 $bad >/dev/null 2>"$scratch/full.err"
        status=$?
        [ "$status" -eq 1 ] || { echo "$bad: exit status $status, where --help says 1"; return 1; }
        grep -q -- "'/dev/full': No space left on device" "$scratch/full.err" || { cat "$scratch/full.err"; return 1; }
        [ -z "$(ls "$scratch"/full-*.csv* 2>/dev/null)" ] || { echo "$bad left $(ls "$scratch"/full-*.csv*)"; return 1; }
    done
}
check "10: a file that cannot be written fails the run, leaves no other file behind, and never hangs the ranks" full_disk_leaves_no_file

# ------------------------------------------------------------ bad input
# A --data-dir whose train split holds fewer images than a batch (100
# blank images) is refused in one line naming both numbers. It printed
# rank 0's error record unset: "--data-dir: .../train-labels-idx1-ubyte.gz: ".
batch_above_the_images() {
    dir=$scratch/small-fm
    small_fashion_mnist "$dir" train 100 cat /dev/zero || return 1
    expect_bad_input "--batch-size '200': above the 100 training images in --data-dir" \
        --data-dir "$dir" --batch-size 200 || return 1
    "$program" --data-dir "$dir" --batch-size 64 --steps 2 >/dev/null || { echo "a batch of 64 from 100 images was refused"; return 1; }
}
check "10: a batch larger than --data-dir's training images is refused, naming both" batch_above_the_images
# 120 to 200 MB of address space starts MPI but cannot add the 47 MB of
# images (here 100 to 250 MB do; below, MPI itself cannot start).
check "10: images that do not fit in memory are a failed run (1), not bad input" \
    short_of_memory_is_status_1 120000,150000,200000 --steps 1 --out "$scratch/oom.csv"
check "10: --out naming --reference's file is refused, and the reference kept" input_is_kept --reference --out
# A dataset that is not there is found before mpirun starts: one line, not
# the line and then mpirun's page about a rank that exited with status 2.
missing_data_found_first() {
    expect_bad_input "--data-dir: $scratch/nowhere: cannot open the directory: it does not exist" \
        --np 2 --data-dir "$scratch/nowhere" || return 1
    mkdir -p "$scratch/no-labels"
    : >"$scratch/no-labels/train-images-idx3-ubyte.gz"
    expect_bad_input "--data-dir: $scratch/no-labels/train-labels-idx1-ubyte.gz: cannot open: No such file or directory; make deps installs" \
        --np 2 --data-dir "$scratch/no-labels"
}
check "10: a missing --data-dir or dataset file under --np is one line, before mpirun" missing_data_found_first
# Under --np, a rank that stops says why in one line, and mpirun's page
# after it ("Primary job terminated normally, but 1 process returned a
# non-zero exit code", boxed in dashes) is left out; a failure of mpirun's
# own, with no line of the program's, or a crash (an exit status the
# program never gives) still shows all mpirun said. A TERM for the program
# ends mpirun and every rank. Standard output, which mpirun writes, is
# checked as in a run without it: a full disk is one line and status 1 (it
# was status 0 and a short file), a reader that goes away (| head) ends
# the job by SIGPIPE, without mpirun's "SIGPIPE detected" lines.
launcher_keeps_one_line() {
    "$program" --np 3 --fault nan --fault-rank 2 --fault-step 7 --check-every 5 --steps 40 \
        >/dev/null 2>"$scratch/np.err"
    status=$?
    [ "$status" -eq 1 ] || { echo "exit status $status, not 1"; return 1; }
    [ "$(wc -l <"$scratch/np.err")" -eq 1 ] &&
        grep -q "^10-data-parallel: rank 2: the loss or gradient stopped being finite at step 7" "$scratch/np.err" ||
        { echo "a rank's failure under --np is not one line:"; cat "$scratch/np.err"; return 1; }
    OMPI_MCA_plm=bogus "$program" --np 2 --steps 1 >/dev/null 2>"$scratch/np.err" &&
        { echo "ran with mpirun unable to start"; return 1; }
    grep -q "Component: bogus" "$scratch/np.err" && grep -q -- '^-----' "$scratch/np.err" ||
        { echo "mpirun's own failure lost its page:"; cat "$scratch/np.err"; return 1; }
    "$program" --np 2 --steps 2 >/dev/full 2>"$scratch/np.err"
    status=$?
    [ "$status" -eq 1 ] && [ "$(cat "$scratch/np.err")" = "10-data-parallel: error writing to stdout: No space left on device" ] ||
        { echo "stdout on a full disk under --np: exit status $status and"; cat "$scratch/np.err"; return 1; }
    # Stopped for that, a real mpirun's event library now and then warns
    # of a pipe the ranks closed as they went ("[warn] Epoll MOD(1) on fd
    # 24 failed"): the stop's noise, not the program's word. A stand-in
    # mpirun that writes a row, then warns when it is stopped, says it
    # every time.
    fake=$scratch/warning-mpirun
    mkdir -p "$fake" && printf '%s\n' '#!/bin/sh' \
        "trap 'echo \"[warn] Epoll MOD(1) on fd 24 failed\" >&2; exit 143' TERM" \
        'echo step,loss' 'while :; do sleep 0.1; done' >"$fake/mpirun" && chmod +x "$fake/mpirun" || return 1
    PATH=$fake:$PATH timeout 60 "$program" --np 2 --steps 2 >/dev/full 2>"$scratch/np.err"
    status=$?
    [ "$status" -eq 1 ] && [ "$(cat "$scratch/np.err")" = "10-data-parallel: error writing to stdout: No space left on device" ] ||
        { echo "stdout on a full disk, an mpirun that warns as it stops: exit status $status and"; cat "$scratch/np.err"; return 1; }
    # Closed, stdout's descriptor is the first a pipe gets: mpirun's must
    # not be closed with the pipe's spare end.
    "$program" --np 2 --steps 2 >&- 2>"$scratch/np.err"
    status=$?
    [ "$status" -eq 1 ] && [ "$(cat "$scratch/np.err")" = "10-data-parallel: error writing to stdout: Bad file descriptor" ] ||
        { echo "stdout closed under --np: exit status $status and"; cat "$scratch/np.err"; return 1; }
    status=$( { timeout 60 "$program" --np 2 --steps 16000 --log-every 1 2>"$scratch/np.err"; echo $? >"$scratch/np.status"; } |
                head -n 1 >/dev/null
             cat "$scratch/np.status")
    [ "$status" -eq 141 ] && [ ! -s "$scratch/np.err" ] ||
        { echo "| head -n 1 under --np: exit status $status and"; cat "$scratch/np.err"; return 1; }
    # A rank that crashes says nothing of its own: mpirun's page says which.
    # It is struck once both ranks are past MPI_Init: rank 0 opens --out's
    # temporary file after the data's broadcast, which both take part in.
    # (Struck while MPI_Init still loaded its plugins, OpenMPI's SIGSEGV
    # handler loaded one more inside the loader: "Inconsistency detected by
    # ld.so", exit status 127, no "signal 11" on mpirun's page.)
    rm -f "$scratch"/segv.csv*
    "$program" --np 2 --steps 16000 --out "$scratch/segv.csv" >/dev/null 2>"$scratch/np.err" &
    launcher=$!
    # (Up to 30 s for mpirun to start the ranks: a loaded machine is slow.)
    rank_started() {
        rank=$(pgrep -f -P "$(pgrep -d, -x mpirun -P "$launcher")" -- "--steps 16000" | head -n 1)
        [ -n "$rank" ] && [ -n "$(ls "$scratch"/segv.csv.tmp-* 2>/dev/null)" ]
    }
    within 30 rank_started
    if [ -n "$rank" ]; then kill -SEGV "$rank"; else kill "$launcher"; fi
    wait "$launcher"
    status=$?
    [ "$status" -gt 2 ] && grep -q "exited on signal 11" "$scratch/np.err" ||
        { echo "a crashed rank (exit status $status) without mpirun's page:"; cat "$scratch/np.err"; return 1; }
    timeout -s TERM 2 "$program" --np 2 --steps 16000 >/dev/null 2>&1
    [ $? -eq 124 ] || { echo "--steps 16000 ended within 2 s"; return 1; }
    # mpirun and the ranks run the program by its real path (from
    # /proc/self/exe), and each may take a moment to end. (The path's
    # characters are matched as themselves: a course in /tmp/c++ too.)
    real=$(realpath "$program" | sed 's/[][\\.*^$+?(){}|]/\\&/g')
    none_left() { no_process "$real (--np 2 )?--steps 16000"; }
    within 20 none_left ||
        { echo "left running 20 s after TERM:"; pgrep -a -f -- "$real (--np 2 )?--steps 16000"; return 1; }
}
check "10: under --np, a rank's failure is its one line, without mpirun's page; mpirun's own failures keep theirs" \
    launcher_keeps_one_line
bad_input_refused() {
    expect_bad_input --allreduce --allreduce star || return 1
    expect_bad_input "--micro-batch '7': must divide --batch-size 64 " --micro-batch 7 || return 1
    expect_bad_input --fault-rank --fault-rank 1 || return 1
    # (before mpirun starts: one line, not a page of mpirun's)
    expect_bad_input "--fault-rank '5': must be below --np 2 " --np 2 --fault nan --fault-rank 5 || return 1
    expect_bad_input "--fault-step '500': must be below --steps 200 " --fault nan --fault-step 500 || return 1
    # Under fixed, a rank past the last micro-batch sends nothing: a nan
    # there was written where nothing reads it, and the run went on to
    # exit 0 as if no fault had been asked for.
    expect_bad_input "--fault-rank '3': under --allreduce fixed, rank 3 holds none of the 2 micro-batches over 4 ranks" \
        --np 4 --batch-size 2 --micro-batch 1 --steps 3 --fault nan --fault-rank 3 --fault-step 1 || return 1
    expect_bad_input --hidden --hidden 0 || return 1
    expect_bad_input --np --np 0 || return 1
    # A job's size, before mpirun starts: --steps 1e6 of 4096 micro-batches
    # of 1 asked for 4e16 weight uses, and timed all-reduces up to 1 GB,
    # 1000 times each, for 2e12 bytes.
    refused_at_once "--steps '1000000': with --batch-size '4096', --micro-batch '1', asks for" \
        --np 2 --steps 1000000 --batch-size 4096 --micro-batch 1 || return 1
    refused_at_once "--repeats '1000': with --max-bytes '1073741824', asks for 2.15e+12 bytes all-reduced" \
        --np 2 --task allreduce-timing --allreduce ring --max-bytes 1073741824 --repeats 1000 || return 1
    # A bound is printed in full where %g's six digits would round it: a
    # value just above 1.07374e+09 is not out of "[8, 1.07374e+09]".
    expect_bad_input "--max-bytes '1073741825': must be in [8, 1073741824] " \
        --task allreduce-timing --max-bytes 1073741825 || return 1
    "$program" --help | grep -qF -- "(default: 67108864; at most 1073741824)" ||
        { echo "--help rounds --max-bytes' bound:"; "$program" --help | grep -- --max-bytes; return 1; }
    expect_bad_input "--reference '$scratch/no-such.csv': cannot be read: No such file or directory" \
        --reference "$scratch/no-such.csv" || return 1
    expect_bad_input "--reference '$scratch': cannot be read: Is a directory" --reference "$scratch" || return 1
    # One row more than the longest run writes (--steps 1e6, a row a step)
    # is refused at its line, not dropped with the rest.
    awk 'BEGIN { print "step,loss"; for (i = 0; i <= 1000000; i++) print i ",1" }' >"$scratch/long-reference.csv"
    expect_bad_input "--reference '$scratch/long-reference.csv': line 1000002:" \
        --reference "$scratch/long-reference.csv" || return 1
    # A reference whose loss is nan or 0 (the drift is relative to it), or
    # whose steps do not increase, would print nan or inf drifts.
    for rows in '0,nan' '0,0' '-1,2.3' '0,2.3\n0,2.2'; do
        printf "step,loss\n$rows\n" >"$scratch/bad-reference.csv"
        expect_bad_input "--reference '$scratch/bad-reference.csv': line" \
            --reference "$scratch/bad-reference.csv" || return 1
    done
    expect_bad_input --steps --steps 1e400 || return 1
    expect_bad_input --lr --task allreduce-timing --lr 0.1 || return 1
    expect_bad_input --allreduce --task allreduce-timing --allreduce fixed || return 1
    expect_bad_input --min-bytes --task allreduce-timing --allreduce ring --min-bytes 12 || return 1
    expect_bad_input --repeats --repeats 3 || return 1
    expect_bad_input --ranks --ranks 4 || return 1
    expect_bad_input "--ranks '0': must be in [1, 8]" --task ring-schedule --ranks 0 || return 1
    expect_bad_input "--ranks '9': must be in [1, 8]" --task ring-schedule --ranks 9 || return 1
    expect_bad_input "--np '4': does not apply to --task ring-schedule" --task ring-schedule --np 4 || return 1
    expect_bad_input --allreduce --task ring-schedule --allreduce ring || return 1
    expect_bad_input --warmup-steps --schedule linear --warmup-steps 5 || return 1
    # Under mpirun, one line (rank 0's), not one per rank.
    # shellcheck disable=SC2086
    timeout 60 mpirun $mpi_flags -np 3 "$program" --allreduce star >"$scratch/stdout" 2>"$scratch/stderr"
    [ "$(grep -c -- "--allreduce" "$scratch/stderr")" -eq 1 ] || { cat "$scratch/stderr"; return 1; }
    # shellcheck disable=SC2086
    timeout 60 mpirun $mpi_flags -np 2 "$program" --np 3 >"$scratch/stdout" 2>"$scratch/stderr" &&
        { echo "--np 3 on 2 ranks ran"; return 1; }
    grep -q -- "--np 3: this job has 2 ranks" "$scratch/stderr" || { cat "$scratch/stderr"; return 1; }
}
check "10: bad input is refused in one line naming the flag, on 1 rank and under mpirun" bad_input_refused

help_complete() {
    help_lists_every_flag hidden batch-size micro-batch steps allreduce optimizer lr \
        log-every check-every np fault fault-rank fault-step reference comm seed out \
        task times test min-bytes max-bytes repeats ranks schedule
}
check "10: --help lists every flag" help_complete
check "10: --help describes every task" help_describes_every_task

# Under a bare mpirun every rank parses --help; rank 0 alone prints it.
help_once_under_mpirun() {
    [ "$(on 3 --help | grep -c '^Exit status')" -eq 1 ] || { echo "--help printed by more than one rank, or by none"; return 1; }
}
check "10: --help under mpirun -np 3 is printed once" help_once_under_mpirun
