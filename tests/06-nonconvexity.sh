# tests/06-nonconvexity.sh: checks of chapter 6's programs, sourced by
# tools/selftest.sh with $program (build/bin/06-nonconvexity), $data (the
# CSV files of both programs' runs) and $scratch set. Expected values come
# from closed forms, from published values, or from what the lesson states,
# never from the program itself.

# The XOR network's program, which $program hands --problem xor over to.
xor=$program.xor

# count FILE CONDITION: data rows of a CSV where CONDITION (awk, on $1, $2,
# ... after the header) holds.
count() {
    awk -F, "NR > 1 && ($2) { n++ } END { print n + 0 }" "$1"
}

# ------------------------------------------------- Himmelblau's function
# Published critical points (Himmelblau 1972; the values on Wikipedia's
# "Himmelblau's function" page): minima (3, 2), (-2.805118, 3.131312),
# (-3.779310, -3.283186), (3.584428, -1.848126), all with f = 0; the
# maximum (-0.270845, -0.923039) with f = 181.617. Rows are sorted by x.
himmelblau_critical_points() {
    f=$data/himmelblau-critical.csv
    [ "$(count "$f" '$6 == "minimum"')" = 4 ] || { echo "not 4 minima"; return 1; }
    [ "$(count "$f" '$6 == "maximum"')" = 1 ] || { echo "not 1 maximum"; return 1; }
    [ "$(count "$f" '$6 == "saddle"')" = 4 ] || { echo "not 4 saddles"; return 1; }
    near "$(column "$f" x 6)" 3 1e-12 "x of minimum (3, 2)" &&
    near "$(column "$f" y 6)" 2 1e-12 "y of minimum (3, 2)" &&
    near "$(column "$f" x 2)" -2.805118 1e-6 "x of minimum (-2.805118, 3.131312)" &&
    near "$(column "$f" y 2)" 3.131312 1e-6 "y of minimum (-2.805118, 3.131312)" &&
    near "$(column "$f" x 0)" -3.779310 1e-6 "x of minimum (-3.779310, -3.283186)" &&
    near "$(column "$f" y 0)" -3.283186 1e-6 "y of minimum (-3.779310, -3.283186)" &&
    near "$(column "$f" x 8)" 3.584428 1e-6 "x of minimum (3.584428, -1.848126)" &&
    near "$(column "$f" y 8)" -1.848126 1e-6 "y of minimum (3.584428, -1.848126)" &&
    near "$(column "$f" x 3)" -0.270845 1e-6 "x of the maximum" &&
    near "$(column "$f" y 3)" -0.923039 1e-6 "y of the maximum" &&
    near "$(column "$f" loss 3)" 181.617 1e-3 "f at the maximum" &&
    [ "$(count "$f" "\$6 == \"minimum\" && (\$3 !~ /$finite/ || \$3 > 1e-20)")" = 0 ] ||
        { echo "a minimum with f > 1e-20"; return 1; }
}
check "06: Newton finds Himmelblau's 4 minima, 1 maximum and 4 saddles at their published places" \
    himmelblau_critical_points

# The Hessian at (3, 2) is [[74, 20], [20, 34]]: eigenvalues 54 ∓ 20√2.
himmelblau_eigenvalues() {
    f=$data/himmelblau-critical.csv
    near "$(column "$f" lambda_min 6)" "$(awk 'BEGIN { printf "%.17g", 54 - 20 * sqrt(2) }')" 1e-12 "λmin at (3, 2)" &&
    near "$(column "$f" lambda_max 6)" "$(awk 'BEGIN { printf "%.17g", 54 + 20 * sqrt(2) }')" 1e-12 "λmax at (3, 2)" &&
    near "$(column "$f" max_stable_lr 6)" "$(awk 'BEGIN { printf "%.17g", 2 / (54 + 20 * sqrt(2)) }')" 1e-15 "2/λmax at (3, 2)"
}
check "06: the Hessian's eigenvalues at (3, 2) are 54 ∓ 20√2" himmelblau_eigenvalues

# The lesson: four starts near the maximum reach the four different minima.
himmelblau_paths_end_apart() {
    for k in 1 2 3 4; do
        column "$data/himmelblau-path-$k.csv" x
        column "$data/himmelblau-path-$k.csv" y
    done | paste - - | awk '
        { x[NR] = $1; y[NR] = $2 }
        END {
            m = "3 2 -2.805118 3.131312 -3.779310 -3.283186 3.584428 -1.848126"
            split(m, v, " ")
            for (k = 1; k <= 4; k++)
                if ((x[k] - v[2*k-1])^2 + (y[k] - v[2*k])^2 > 1e-8) {
                    printf "path %d ends at (%s, %s), not minimum %d\n", k, x[k], y[k], k - 1; exit 1 }
        }'
}
check "06: the four paths from near the maximum end in four different minima" himmelblau_paths_end_apart

# ------------------------------------------------------- two wells
# f'(w) = w(w - 1)(w + 3/2): minima -3/2 (f = -63/64) and 1 (f = -1/3).
two_wells_ends() {
    near "$(column "$data/two-wells-from-0.5.csv" w)" 1 1e-6 "w from 0.5" &&
    near "$(column "$data/two-wells-from-0.5.csv" loss)" "$(awk 'BEGIN { printf "%.17g", -1/3 }')" 1e-12 "loss from 0.5" &&
    near "$(column "$data/two-wells-from-minus0.5.csv" w)" -1.5 1e-6 "w from -0.5" &&
    near "$(column "$data/two-wells-from-minus0.5.csv" loss)" "$(awk 'BEGIN { printf "%.17g", -63/64 }')" 1e-12 "loss from -0.5" &&
    near "$(column "$data/two-wells-critical.csv" lambda_min 1)" -1.5 1e-12 "f''(0)"
}
check "06: two wells: starts right of the maximum end in the shallow minimum, left of it in the deep one" two_wells_ends

# ----------------------------------------------------- sharp and flat
# f'' = 8((w + 1)² + 1/4) at w = ±1: 2 and 34. f(1.1) = 0.21²·4.66 and
# f(-0.9) = 0.19²·0.26 (row 30 of perturb is δ = 0.1, row 10 is δ = -0.1).
sharp_flat_curvature() {
    near "$(column "$data/sharp-flat-critical.csv" lambda_min 0)" 2 1e-9 "f''(-1)" &&
    near "$(column "$data/sharp-flat-critical.csv" lambda_min 2)" 34 1e-9 "f''(1)" &&
    near "$(column "$data/sharp-flat-perturb.csv" delta 30)" 0.1 1e-15 "δ of row 30" &&
    near "$(column "$data/sharp-flat-perturb.csv" rise_sharp 30)" "$(awk 'BEGIN { printf "%.17g", 0.21^2 * 4.66 }')" 1e-12 "rise at 1.1" &&
    near "$(column "$data/sharp-flat-perturb.csv" rise_flat 30)" "$(awk 'BEGIN { printf "%.17g", 0.19^2 * 0.26 }')" 1e-12 "rise at -0.9"
}
check "06: sharp/flat: curvatures 2 and 34, and the loss rises match the closed form" sharp_flat_curvature

# The lesson: from 1.01, η = 0.01 < 2/34 settles at 1; η = 0.07 > 2/34
# never settles; η = 0.1 ends in the flat minimum -1.
sharp_flat_learning_rates() {
    near "$(column "$data/sharp-flat-lr0.01.csv" w)" 1 1e-9 "w with η = 0.01" &&
    near "$(column "$data/sharp-flat-lr0.1.csv" w)" -1 1e-6 "w with η = 0.1" &&
    awk 'BEGIN { exit !('"$(column "$data/sharp-flat-lr0.07.csv" w)"' - 1 > 0.05) }' ||
        { echo "η = 0.07 settled at the sharp minimum"; return 1; }
}
check "06: a sharp minimum holds η = 0.01 but not 0.07 or 0.1" sharp_flat_learning_rates

# -------------------------------------------------------------- saddle
# On the axis y = 0, y and its gradient stay exactly 0 and x = 0.8^k.
saddle_stuck_and_escapes() {
    f=$data/saddle-exact.csv
    [ "$(count "$f" '$4 != 0')" = 0 ] || { echo "y moved off 0"; return 1; }
    near "$(column "$f" x)" "$(awk 'BEGIN { printf "%.17g", 0.8 ^ 80 }')" 1e-20 "x after 80 steps" &&
    awk 'BEGIN { y = '"$(column "$data/saddle-noise.csv" y)"'; exit !(y > 1 || y < -1) }' ||
        { echo "the noisy run did not leave the saddle"; return 1; }
}
check "06: descent on the saddle's axis stays there; with gradient noise it escapes" saddle_stuck_and_escapes

noise_depends_on_seed() {
    "$program" --problem saddle --noise 0.01 --seed 2 >"$scratch/seed2.csv" || return 1
    ! cmp -s "$scratch/seed2.csv" "$data/saddle-noise.csv"
}
check "06: another --seed draws other noise" noise_depends_on_seed

# ------------------------------------------------------------- plateau
# The minimum is at ln 9 with f'' = 2·(0.9·0.1)² = 0.0162; after 500 steps
# the run is still on the plateau (loss above 0.8, the lesson's claim).
plateau_run() {
    near "$(column "$data/plateau.csv" w)" "$(awk 'BEGIN { printf "%.17g", log(9) }')" 1e-9 "final w" &&
    near "$(column "$data/plateau-critical.csv" lambda_min)" 0.0162 1e-12 "f''(ln 9)" &&
    awk 'BEGIN { exit !('"$(column "$data/plateau.csv" loss 500)"' > 0.8) }' ||
        { echo "the loss left the plateau before step 500"; return 1; }
}
check "06: the plateau run crawls for 500 steps, then converges to ln 9" plateau_run

# -------------------------------------------------------------- basins
basin_maps() {
    f=$data/basins-lr0.01.csv
    [ "$(head -n 1 "$f")" = "x,y,label,steps" ] || { echo "header"; return 1; }
    [ "$(count "$f" 1)" = 40000 ] || { echo "not 200 x 200 starts"; return 1; }
    for r in lr0.01 lr0.02 lr0.001-m0.9 lr0.01-m0.9; do
        awk -F, 'NR > 1 { n += $2 } END { exit n != 40000 }' "$data/counts-$r.csv" ||
            { echo "counts-$r do not add up to 40000"; return 1; }
    done
    # The lesson: at η = 0.01 every start reaches a minimum, each minimum
    # getting more than a fifth; at η = 0.02 minima 2 and 3 get none.
    [ "$(count "$data/counts-lr0.01.csv" '$1 < 0 && $2 > 0')" = 0 ] || { echo "η = 0.01: a start did not reach a minimum"; return 1; }
    [ "$(count "$data/counts-lr0.01.csv" '$1 >= 0 && $3 > 0.2')" = 4 ] || { echo "η = 0.01: a minimum got less than a fifth"; return 1; }
    [ "$(count "$data/counts-lr0.02.csv" '($1 == 2 || $1 == 3) && $2 > 0')" = 0 ] || { echo "η = 0.02: minima 2 or 3 were reached"; return 1; }
    [ "$(count "$data/counts-lr0.02.csv" '$1 == -2 && $2 > 0')" = 1 ] || { echo "η = 0.02: no unsettled starts"; return 1; }
    # The map and the counts agree.
    awk -F, 'NR > 1 && $3 == 0 { n++ } END { print n + 0 }' "$f" >"$scratch/zeros"
    [ "$(cat "$scratch/zeros")" = "$(awk -F, '$1 == 0 { print $2 }' "$data/counts-lr0.01.csv")" ] ||
        { echo "the map and the counts disagree"; return 1; }
}
check "06: basin maps cover 200 x 200 starts; η = 0.02 loses the two sharpest minima" basin_maps

# ----------------------------------------------------------------- XOR
xor_symmetry() {
    f=$data/xor-symmetric.csv
    [ "$(count "$f" '$4 != 0')" = 0 ] || { echo "the symmetric units came apart"; return 1; }
    # Every unit's parameters equal unit 1's in every row (columns 5-8
    # against 9-12 and 13-16).
    [ "$(count "$f" '$5 != $9 || $5 != $13 || $6 != $10 || $6 != $14 || $7 != $11 || $7 != $15 || $8 != $12 || $8 != $16')" = 0 ] ||
        { echo "units differ in the symmetric run"; return 1; }
    near "$(column "$f" accuracy)" 0.75 0 "symmetric accuracy" &&
    awk 'BEGIN { exit !('"$(column "$f" loss)"' > 0.4) }' || { echo "the symmetric net fit XOR"; return 1; }
    near "$(column "$data/xor-random.csv" accuracy)" 1 0 "random accuracy" &&
    awk 'BEGIN { exit !('"$(column "$data/xor-random.csv" loss)"' < 0.01) }' ||
        { echo "the random net did not fit XOR"; return 1; }
}
check "06: XOR: symmetric hidden units stay identical and fail; random ones fit" xor_symmetry

xor_gradcheck() {
    [ "$(count "$data/xor-gradcheck.csv" 1)" = 13 ] || { echo "not 13 parameters"; return 1; }
    [ "$(count "$data/xor-gradcheck.csv" "\$4 !~ /$finite/ || \$4 > 1e-7")" = 0 ] ||
        { echo "a partial derivative disagrees with central differences"; return 1; }
}
check "06: the XOR backward pass agrees with central differences to 1e-7" xor_gradcheck

# The lesson's table: 1 unit never fits XOR; 3 and 4 always do.
xor_seeds() {
    [ "$(column "$data/xor-seeds-h1.csv" solved)" = 0 ] &&
    [ "$(column "$data/xor-seeds-h3.csv" solved)" = 20 ] &&
    [ "$(column "$data/xor-seeds-h4.csv" solved)" = 20 ] &&
    [ "$(count "$data/xor-seeds-h2.csv" 1)" = 20 ] || { echo "seeds table"; return 1; }
}
check "06: XOR from 20 seeds: 1 hidden unit never fits, 3 and 4 always do" xor_seeds

# ------------------------------------------------------ failures, input
divergence_is_reported() {
    "$program" --problem himmelblau --lr 0.1 --start 5,5 --out "$scratch/div.csv" 2>"$scratch/div.err"
    [ $? -eq 1 ] || { echo "exit status is not 1"; return 1; }
    last=$(column "$scratch/div.csv" step)
    grep -q "at step $((last + 1)):" "$scratch/div.err" && grep -q -- '--lr 0.1' "$scratch/div.err" ||
        { echo "the message does not name the step after the last row and --lr:"; cat "$scratch/div.err"; return 1; }
    "$program" --problem saddle --noise 0.01 --steps 100000 >/dev/null 2>"$scratch/saddle.err"
    [ $? -eq 1 ] && grep -q "no minimum" "$scratch/saddle.err" ||
        { echo "the unbounded saddle run did not stop with its own message"; cat "$scratch/saddle.err"; return 1; }
    # (1e300)^4 overflows before any step: the start is to blame, not --lr.
    start_is_blamed --problem two-wells --start 1e300
}
check "06: a run whose loss stops being finite stops there and says why" divergence_is_reported
check "06: a diverged run exits 1 and keeps its rows, as --help says" rows_kept_as_help_says --problem two-wells --lr 10
check "06: a run that cannot write --out exits 1, as --help says" status_one_as_help_says "a file could not be written" --out /dev/full

# The hand-over: scripts that ran the XOR network as $program --problem xor
# get the XOR program's very bytes, through the alias too (and its
# refusals: the checks "for xor" below).
xor_is_handed_over() {
    "$program" --problem xor --init symmetric --jitter 1e-6 --out "$scratch/jitter.csv" &&
    cmp "$scratch/jitter.csv" "$data/xor-jitter.csv" &&
    "$(dirname "$program")/nonconvexity" --problem=xor --task seeds --hidden 2 >"$scratch/seeds.csv" &&
    cmp "$scratch/seeds.csv" "$data/xor-seeds-h2.csv" &&
    "$program" --task gradcheck --problem xor >"$scratch/gradcheck.csv" &&
    cmp "$scratch/gradcheck.csv" "$data/xor-gradcheck.csv"
}
check "06: --problem xor runs 06-nonconvexity.xor, with the same bytes" xor_is_handed_over

# of_xor CHECK ARGS...: runs one of the self-test's program checks
# (expect_bad_input, help_lists_every_flag) on the XOR program.
of_xor() {
    landscapes=$program
    program=$xor
    "$@"
    verdict=$?
    program=$landscapes
    return "$verdict"
}

check "06: --help lists every flag" help_lists_every_flag \
    problem task lr steps momentum noise seed start grid range tol delta out
check "06: the XOR program's --help lists every flag" of_xor help_lists_every_flag \
    problem task lr steps seed hidden init init-scale jitter trials out
check "06: --help describes every task" help_describes_every_task
check "06: the XOR program's --help describes every task" of_xor help_describes_every_task

check "06: refuses --problem rosenbrock"    expect_bad_input --problem --problem rosenbrock
check "06: refuses --task fly"             expect_bad_input --task --task fly
check "06: refuses --task seeds for himmelblau" expect_bad_input --task --task seeds
check "06: refuses --task critical for xor" expect_bad_input --task --problem xor --task critical
check "06: refuses --task perturb for himmelblau" expect_bad_input --task --task perturb
check "06: refuses --task basins for the saddle" expect_bad_input --task --problem saddle --task basins
check "06: refuses --lr 0"                 expect_bad_input --lr --lr 0
check "06: refuses --lr nan"               expect_bad_input --lr --lr nan
check "06: refuses --lr with --task critical" expect_bad_input --lr --task critical --lr 0.1
check "06: refuses --steps -1"             expect_bad_input --steps --steps -1
check "06: refuses --steps with --task perturb" expect_bad_input --steps --problem sharp-flat --task perturb --steps 5
check "06: refuses --momentum 1"           expect_bad_input --momentum --momentum 1
check "06: refuses --momentum -0.1"        expect_bad_input --momentum --momentum -0.1
check "06: refuses --momentum for xor"     expect_bad_input --momentum --problem xor --momentum 0.5
check "06: refuses --noise -1"             expect_bad_input --noise --noise -1
check "06: refuses --noise with --task basins" expect_bad_input --noise --task basins --noise 0.1
check "06: refuses --seed -4"              of_xor expect_bad_input --seed --seed -4
check "06: an XOR run that cannot write --out exits 1, as --help says" of_xor status_one_as_help_says "a file could not be written" --out /dev/full
check "06: refuses --seed without --noise" expect_bad_input --seed --seed 3
check "06: refuses --seed with --task basins" expect_bad_input --seed --task basins --seed 3
check "06: refuses --start 1 for himmelblau" expect_bad_input --start --start 1
check "06: refuses --start 1,2 for two-wells" expect_bad_input --start --problem two-wells --start 1,2
check "06: refuses --start 1,x"            expect_bad_input --start --start 1,x
check "06: refuses --start with --task basins" expect_bad_input --start --task basins --start 1,1
check "06: refuses --grid 0"               expect_bad_input --grid --task basins --grid 0
check "06: refuses --grid 5000"            expect_bad_input --grid --task critical --grid 5000
check "06: refuses --grid with --task train" expect_bad_input --grid --grid 10
check "06: refuses --range 2,1"            expect_bad_input --range --task basins --range 2,1
check "06: refuses --range 1"              expect_bad_input --range --task critical --range 1
# Each end finite, the width not: every grid point was inf, with status 0.
check "06: refuses a --range wider than a double holds" \
    expect_bad_input "--range '-1.7e308,1.7e308': HI - LO is past the largest number" --task basins --range -1.7e308,1.7e308 --grid 3 --problem two-wells
check "06: refuses --range with --task train" expect_bad_input --range --range -1,1
check "06: refuses --tol 0"                expect_bad_input --tol --task basins --tol 0
check "06: refuses --tol with --task critical" expect_bad_input --tol --task critical --tol 1e-6
check "06: refuses --delta 0"              expect_bad_input --delta --problem sharp-flat --task perturb --delta 0
check "06: refuses --delta with --task train" expect_bad_input --delta --problem sharp-flat --delta 0.1
check "06: refuses --hidden 0"             of_xor expect_bad_input --hidden --hidden 0
check "06: refuses --hidden 9"             of_xor expect_bad_input --hidden --hidden 9
check "06: refuses --hidden for himmelblau" expect_bad_input --hidden --hidden 3
check "06: refuses --init zeros"           of_xor expect_bad_input --init --init zeros
check "06: refuses --init for himmelblau"  expect_bad_input --init --init symmetric
check "06: refuses --init-scale 0"         of_xor expect_bad_input --init-scale --init-scale 0
check "06: refuses --init-scale for the saddle" expect_bad_input --init-scale --problem saddle --init-scale 1
check "06: refuses --jitter -1"            of_xor expect_bad_input --jitter --jitter -1
check "06: refuses --jitter for himmelblau" expect_bad_input --jitter --jitter 0.1
check "06: refuses --trials 0"             of_xor expect_bad_input --trials --task seeds --trials 0
check "06: refuses --trials with --task train" of_xor expect_bad_input --trials --trials 5
check "06: the XOR program refuses --lr with --task gradcheck" of_xor expect_bad_input --lr --task gradcheck --lr 0.1
check "06: the XOR program refuses --steps with --task gradcheck" of_xor expect_bad_input --steps --task gradcheck --steps 5
check "06: the XOR program refuses --problem himmelblau" of_xor expect_bad_input --problem --problem himmelblau
check "06: refuses an unknown flag"        expect_bad_input --learning-rate --learning-rate 0.1
check "06: refuses a bare argument"        expect_bad_input 0.1 0.1
check "06: refuses a repeated flag"        expect_bad_input --lr --lr 0.1 --lr 0.2
# A run's size: --task train --steps 1e9 was taken and wrote a row a step
# (137 GB); basins of --grid 4000 --steps 1e9 at a rate that never
# converges, 1.6e16 steps (years). A run writes at most 1e7 rows; the
# basins take at most 1e11 steps in all.
check "06: refuses a train run of over 1e7 rows" \
    expect_bad_input "--steps '1000000000': would write 1e+09 rows" --task train --steps 1000000000
# The XOR network's: --steps 1e7 --hidden 8 wrote 7 GB, and --task seeds
# --trials 1e5 --steps 1e7 asked for 1e12 steps (about ten days).
check "06: the XOR program refuses a train run of over 1 GB" \
    of_xor refused_at_once "--steps '10000000': with --hidden '8', asks for 8.88e+09 bytes of CSV" --steps 10000000 --hidden 8
check "06: the XOR program refuses seeds of over 1e8 steps in all" \
    of_xor refused_at_once "--trials '100000': with --steps '10000000', asks for 1e+12 steps in all" --task seeds --trials 100000 --steps 10000000
check "06: refuses basins of over 1e11 steps in all" \
    expect_bad_input "--steps '1000000000': asks for up to 1.6e+16 steps in all" --task basins --grid 4000 --steps 1000000000 --lr 1e-12
# Each bound is in --help, where a refused user looks (it said only
# "--steps ... at most 1e+09", which a train run of 1e8 steps passed).
help_states_bounds() {
    build/bin/06-nonconvexity --help >"$scratch/help.txt" || return 1
    for bound in "at most 1e7 rows" "at most 1e11 steps in all" "at most 1000 points a side"; do
        grep -q "$bound" "$scratch/help.txt" || { echo "--help does not say: $bound"; return 1; }
    done
}
check "06: --help states each bound a run is refused by" help_states_bounds
