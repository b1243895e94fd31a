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
# The middle title as the caption says it: at SCALE=1.5 "SGD, momentum
# 0.9" was wider than its panel and ran into "plain SGD".
TITLES = "plain SGD|momentum SGD|Adam"
NAMES = "constant|step (300, γ 0.1)|cosine|one cycle"
pick(list, i) = system(sprintf("echo '%s' | cut -d'|' -f%d", list, i))

FLOOR = 1e300
do for [f in REQUIRED] {
    stats data(f) using "final_loss" nooutput
    FLOOR = STATS_min < FLOOR ? STATS_min : FLOOR
}
FLOOR = FLOOR - 1e-7

# Sized for SCALE=1.5 too. The four schedules are drawn alike in the three
# panels, so one key serves all three, in two rows under them: inside the
# first panel it hid that panel's lowest points, and at 1.5 it was wider
# than the panel. The x label, the same for the three, is written once,
# under the middle panel (three ran into each other at 1.5); the x axes
# label every other decade, the y axes every other decade, with a tic and
# grid line at every one (every decade's labels ran together), and no
# minor y tics (they merged into blots); the y label is on two lines (on
# one it was longer than the plot is high).
set multiplot layout 1, 3 margins char 11.5, 2.5, 5.6, 2.5 spacing char 3.4, 0
set logscale xy
set xrange [5e-4:2]
set xtics 1e-3, 10 format ""
set xtics add ("10^{-3}" 1e-3, "10^{-1}" 0.1)
set yrange [1e-7:100]
set ytics 1e-7, 10 format ""
set ytics add ("10^{-6}" 1e-6, "10^{-4}" 1e-4, "10^{-2}" 1e-2, "10^{0}" 1, "10^{2}" 100)
unset mytics
set ylabel "final loss − lowest\n(log scale)"
unset key
do for [i = 1:3] {
    set title pick(TITLES, i)
    if (i == 2) { set xlabel "base learning rate" offset 0, 0.3 } else { unset xlabel }
    if (i > 1) { unset ylabel; set ytics 1e-7, 10 format "" }
    plot for [j = 1:4] data("sweep-" . word(OPTIMIZERS, i) . "-" . word(SCHEDULES, j)) \
         using "lr":(column("final_loss") - FLOOR) with linespoints lt j
}

# The key: a last, empty plot across the whole canvas (margins at screen
# positions), so that the key may be as wide as the canvas.
unset title; unset xlabel; unset ylabel; unset tics; unset grid
unset logscale; unset border
set xrange [0:1]; set yrange [0:1]
set lmargin at screen 0; set rmargin at screen 1
set bmargin at screen 0; set tmargin at screen 1
set key at screen 0.5, character 0.3 center bottom maxrows 2 Left reverse samplen 1.5 spacing 1.0 font FONT_SMALL
plot for [j = 1:4] NaN with linespoints lt j title pick(NAMES, j)
unset multiplot
