# Chapter 7: the same noisy regression (minibatches of 32) trained by SGD
# with momentum 0.9 from a base rate of 0.03 for 1000 steps, under each
# schedule: left, the ones that only decay; right, the ones that also
# climb. Drawn is the loss over every example minus the lowest loss any of
# the runs reached (less 1e-7; log scale), so the floor each run stalls at
# is visible: at a constant rate the noise of the minibatches keeps the
# weights bouncing, and only a smaller rate lets them settle.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/07-schedules.noisy.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
LEFT = "momentum-constant momentum-step momentum-multistep momentum-exponential momentum-cosine"
RIGHT = "momentum-restarts momentum-linear momentum-onecycle momentum-warmup-cosine"
RUNS = LEFT . " " . RIGHT
REQUIRED = RUNS
@REQUIRE
LEFT_NAMES = "constant|step (every 300, γ 0.1)|multistep (500, 800)|exponential (γ 0.995)|cosine"
RIGHT_NAMES = "warm restarts (50, ×2)|warm-up 100, then constant|one cycle|warm-up 100, then cosine"
name(list, i) = system(sprintf("echo '%s' | cut -d'|' -f%d", list, i))

FLOOR = 1e300
do for [run in RUNS] {
    stats data(run) using "loss" nooutput
    FLOOR = STATS_min < FLOOR ? STATS_min : FLOOR
}
# A hair (1e-7) below it, so that the run that reached it stays on the
# log axis there.
FLOOR = FLOOR - 1e-7

# Each panel's key sits under it, one name a line, in the small size:
# inside the panels, at SCALE=1.5, the keys were wider than the panels,
# hid the curves' first steps and ran into each other. The bottom margin
# holds the tick labels, the x label and the five lines of the longer key.
# (The linear warm-up alone is "warm-up 100, then constant", after the
# warm-up then cosine under it.) The step labels are 500 apart, and the
# y label is short enough for the plot's height at 1.5.
set multiplot layout 1, 2 margins char 10.3, 2.5, 7.4, 2.5 spacing char 5.2, 0
set logscale y
set xrange [0:1000]
set xtics 0, 500, 1000
set mxtics 2
set yrange [1e-7:100]
# A grid line every decade, a label every other one (at 1.5, labels every
# decade ran into each other); no minor tics, which merged into blots.
set ytics 1e-7, 10 format ""
set ytics add ("10^{-6}" 1e-6, "10^{-4}" 1e-4, "10^{-2}" 1e-2, "10^{0}" 1, "10^{2}" 100)
unset mytics
set xlabel "step" offset 0, 0.4
set ylabel "loss − lowest (log scale)"
unset key
set title "schedules that decay"
# Each curve carries its style's marker too, staggered (every 125 rows
# from row (i - 1)·125/5), so that curves differ in shape as well as colour.
plot for [i = 1:5] data(word(LEFT, i)) using "step":(column("loss") - FLOOR) with lines lt i, \
     for [i = 1:5] data(word(LEFT, i)) using "step":(column("loss") - FLOOR) every 125::((i - 1)*25) with points lt i
# The middle of the panel, as a fraction of the canvas's width: its key is
# centred there.
LEFT_X = (GPVAL_TERM_XMIN + GPVAL_TERM_XMAX)/2 * GPVAL_TERM_SCALE / GPVAL_TERM_XSIZE
set title "schedules that also climb"
unset ylabel
set ytics 1e-7, 10 format ""
plot for [i = 1:4] data(word(RIGHT, i)) using "step":(column("loss") - FLOOR) with lines lt i, \
     for [i = 1:4] data(word(RIGHT, i)) using "step":(column("loss") - FLOOR) every 125::((i - 1)*31) with points lt i
RIGHT_X = (GPVAL_TERM_XMIN + GPVAL_TERM_XMAX)/2 * GPVAL_TERM_SCALE / GPVAL_TERM_XSIZE

# The keys: two last, empty plots across the whole canvas (margins at
# screen positions), each with one key, at the bottom, under its panel.
unset title; unset xlabel; unset ylabel; unset tics; unset grid
unset logscale; unset border
set xrange [0:1]; set yrange [0:1]
set lmargin at screen 0; set rmargin at screen 1
set bmargin at screen 0; set tmargin at screen 1
set key Left reverse samplen 1.5 spacing 1.0 maxcols 1 font FONT_SMALLER
set key at screen LEFT_X, character 0.3 center bottom
plot for [i = 1:5] NaN with linespoints lt i title name(LEFT_NAMES, i)
set key at screen RIGHT_X, character 0.3 center bottom
plot for [i = 1:4] NaN with linespoints lt i title name(RIGHT_NAMES, i)
unset multiplot
