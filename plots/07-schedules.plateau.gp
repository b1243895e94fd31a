# Chapter 7: ReduceLROnPlateau watching a noisy loss. SGD at 0.1 on the
# regression's minibatches of 32; the schedule cuts the rate by 10 whenever
# the minibatch loss has not improved for `patience` steps (threshold 1e-4,
# relative). Top: the rate; bottom: the loss over every example minus the
# lowest the three runs reached (less 1e-7; log scale). Short
# patience takes the minibatches' noise for a plateau and collapses the
# rate before the loss has settled.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/07-schedules.plateau.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
RUNS = "plateau-5 plateau-20 plateau-100"
REQUIRED = RUNS
@REQUIRE
NAMES = "patience 5|patience 20|patience 100"
name(i) = system(sprintf("echo '%s' | cut -d'|' -f%d", NAMES, i))

FLOOR = 1e300
do for [run in RUNS] {
    stats data(run) using "loss" nooutput
    FLOOR = STATS_min < FLOOR ? STATS_min : FLOOR
}
FLOOR = FLOOR - 1e-7

set multiplot layout 2, 1 margins char 10.3, 3.4, 3.8, 1 spacing char 0, 1.5
set logscale y
set format y "10^{%L}"
# No minor y tics: between labels two decades apart they bunched into
# blots beside the labels, at SCALE=1.5 most.
unset mytics
set xrange [0:1000]
set format x ""
set ylabel "learning rate"
set yrange [5e-9:0.3]
set ytics 1e-8, 100
set key top right samplen 1.5 spacing 1.0 font FONT_SMALL
# Each run's marker every 125 steps, the runs 40 steps apart, so that the
# three rates that end together at 1e-8 show all three there.
plot for [i = 1:3] data(word(RUNS, i)) using "step":"lr" with lines lt i notitle, \
     for [i = 1:3] data(word(RUNS, i)) using "step":"lr" every 125::(40*(i - 1)) with points lt i notitle, \
     for [i = 1:3] NaN with linespoints lt i title name(i)
set format x "%g"
set xlabel "step"
set ylabel "loss − lowest"
set yrange [1e-7:100]
set ytics 1e-7, 100
unset key
plot for [i = 1:3] data(word(RUNS, i)) using "step":(column("loss") - FLOOR) with lines lt i, \
     for [i = 1:3] data(word(RUNS, i)) using "step":(column("loss") - FLOOR) every 125::(40*(i - 1)) with points lt i
unset multiplot
