# Chapter 7: every schedule's learning rate, step by step, 100 steps from a
# base rate of 0.1, on a log scale (equal ratios look equal: a step decay is
# a staircase of equal drops, an exponential a straight line). Left, the
# schedules that only decay; right, the ones that also climb: warm restarts,
# a linear warm-up, one cycle in two and three phases, and warm-up then
# cosine. Each curve is build/bin/schedules' output, PyTorch's rates.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/07-schedules.shapes.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
LEFT = "shape-constant shape-step shape-multistep shape-exponential shape-cosine"
RIGHT = "shape-restarts shape-linear shape-onecycle shape-onecycle-three shape-warmup-cosine"
REQUIRED = LEFT . " " . RIGHT
@REQUIRE
LEFT_NAMES = "constant|step (30, γ 0.1)|multistep (30, 80)|exponential (γ 0.96)|cosine"
RIGHT_NAMES = "restarts (T_0 10, T_{mult} 2)|linear warm-up (20 steps)|one cycle|one cycle, three phases|warm-up 10, then cosine"
name(list, i) = system(sprintf("echo '%s' | cut -d'|' -f%d", list, i))

# Each panel's key sits under it, one name a line, in the small size:
# inside the panels, at SCALE=1.5, the keys were wider than the panels,
# hid the last drops of the step and cosine schedules, and the right one
# ran off the canvas. The bottom margin holds the tick labels, the x label
# and the five lines of a key.
set multiplot layout 1, 2 margins char 10.3, 2.6, 7.4, 2.5 spacing char 6.9, 0
set logscale y
set format y "10^{%L}"
set yrange [5e-7:0.3]
set xrange [0:100]
set xlabel "step k" offset 0, 0.4
set ylabel "learning rate (log scale)"
unset key
set title "schedules that decay"
# Each curve carries its style's marker too, staggered (every 12 rows from
# row (i - 1)·12/5), so that curves differ in shape as well as colour.
plot for [i = 1:5] data(word(LEFT, i)) using "step":"lr" with lines lt i, \
     for [i = 1:5] data(word(LEFT, i)) using "step":"lr" every 12::((i - 1)*12/5) with points lt i
# The middle of the panel, as a fraction of the canvas's width: its key is
# centred there.
LEFT_X = (GPVAL_TERM_XMIN + GPVAL_TERM_XMAX)/2 * GPVAL_TERM_SCALE / GPVAL_TERM_XSIZE
set title "schedules that also climb"
unset ylabel
plot for [i = 1:5] data(word(RIGHT, i)) using "step":"lr" with lines lt i, \
     for [i = 1:5] data(word(RIGHT, i)) using "step":"lr" every 12::((i - 1)*12/5) with points lt i
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
plot for [i = 1:5] NaN with linespoints lt i title name(RIGHT_NAMES, i)
unset multiplot
