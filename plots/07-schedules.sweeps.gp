# Chapter 7: does the schedule matter more than the optimizer? The noisy
# regression trained for 1000 steps by plain SGD, SGD with momentum 0.9 and
# Adam, each under four schedules, from base rates 0.001 to 1. Each point is
# one run's final loss over every example minus the lowest final loss of
# all 84 runs (less 1e-7; log scale). A missing point is a run that
# diverged. One cycle with plain SGD is run with --no-cycle-momentum, or it
# would be momentum SGD (PyTorch's OneCycleLR sets the momentum).
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/07-schedules.sweeps.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
OPTIMIZERS = "sgd momentum adam"
SCHEDULES = "constant step cosine onecycle"
REQUIRED = ""
do for [o in OPTIMIZERS] {
    do for [s in SCHEDULES] {
        REQUIRED = REQUIRED . " sweep-" . o . "-" . s
    }
}
@REQUIRE
TITLES = "plain SGD|SGD, momentum 0.9|Adam"
NAMES = "constant|step (300, γ 0.1)|cosine|one cycle"
pick(list, i) = system(sprintf("echo '%s' | cut -d'|' -f%d", list, i))

FLOOR = 1e300
do for [f in REQUIRED] {
    stats data(f) using "final_loss" nooutput
    FLOOR = STATS_min < FLOOR ? STATS_min : FLOOR
}
FLOOR = FLOOR - 1e-7

set multiplot layout 1, 3 margins char 10.3, 2.5, 3.8, 2.5 spacing char 3.4, 0
set logscale xy
set format x "10^{%L}"
set format y "10^{%L}"
set xrange [5e-4:2]
set yrange [1e-7:100]
set xlabel "base learning rate"
set ylabel "final loss − lowest (log scale)"
set key bottom right Left reverse samplen 1.5 spacing 1.0 font FONT_SMALL
do for [i = 1:3] {
    set title pick(TITLES, i)
    if (i > 1) { unset ylabel; unset key; set format y "" }
    plot for [j = 1:4] data("sweep-" . word(OPTIMIZERS, i) . "-" . word(SCHEDULES, j)) \
         using "lr":(column("final_loss") - FLOOR) with linespoints lt j title pick(NAMES, j)
}
unset multiplot
