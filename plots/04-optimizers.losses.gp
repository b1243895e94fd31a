# Chapter 4: the loss against the step for every optimizer on the three
# problems of the path figures (same runs), on logarithmic loss axes, one
# panel per problem. A straight falling line is a constant factor per step.
# On the regression the loss cannot fall below the least-squares minimum
# (the dashed floor, computed here from the saved data with the normal
# equations), so its axis starts a little below that floor, with room for
# the floor's label. No loss in these runs is exactly zero, so the log axes
# drop no point; but Lion's hops land very close to the minimum now and
# then (losses near 1e-30 on the quadratic and 1e-27 on Rosenbrock), and
# those dips run off the bottom of the axes rather than stretching them
# over thirty decades.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/04-optimizers.losses.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
RUNS = "sgd momentum nesterov adam rmsprop adagrad lion"
NAMES = "SGD|momentum|Nesterov|Adam|RMSprop|Adagrad|Lion"
REQUIRED = "linreg-data"
do for [p in "quadratic rosenbrock linreg"] { do for [r in RUNS] { REQUIRED = REQUIRED." ".p."-".r } }
@REQUIRE
name(i) = system(sprintf("echo '%s' | cut -d'|' -f%d", NAMES, i))

# The regression's floor: the loss at the least-squares line.
stats data("linreg-data") using (column("x")**2) nooutput name "UU"
stats data("linreg-data") using "x" nooutput name "U"
stats data("linreg-data") using (column("x")*column("y")) nooutput name "UV"
stats data("linreg-data") using "y" nooutput name "V"
stats data("linreg-data") using (column("y")**2) nooutput name "VV"
DET = UU_mean - U_mean**2
W = (UV_mean - U_mean*V_mean)/DET
B = (UU_mean*V_mean - U_mean*UV_mean)/DET
FLOOR = W**2*UU_mean + 2*W*B*U_mean + B**2 - 2*W*UV_mean - 2*B*V_mean + VV_mean

# The three panels share one key, in two rows under them: inside the
# first panel it hid curves, and at SCALE=1.5 it was wider than the panel.
# The bottom margin holds the tick labels, the x label and the key. Sparse
# x tics and a title on two lines keep three panels side by side readable
# at 1.5 times the text (the tick labels ran together, the titles into
# each other and off the canvas).
set multiplot layout 1, 3 margins char 10.3, 2.6, 5.4, 3.2 spacing char 6.5, 0
set logscale y
set format y "10^{%L}"
# (no minor tics between labels decades apart: they merged into blots)
unset mytics
set xlabel "step" offset 0, 0.3
unset key

set title "quadratic, κ = 10"
set ylabel "loss (log scale)"
set xtics 20
set yrange [1e-18:1e2]
set ytics 1e-18, 1e4
# Seven curves: each carries its style's marker too, about 8 to a curve
# and staggered (every P rows from row (i - 1)·P/7), so that two whose
# colours look alike to a colour-blind reader still differ in shape.
plot for [i = 1:7] data("quadratic-".word(RUNS, i)) using "step":"loss" with lines lt i, \
     for [i = 1:7] data("quadratic-".word(RUNS, i)) using "step":"loss" every 8::((i - 1)*8/7) with points lt i

set title "Rosenbrock"
set xtics 500
unset ylabel
set yrange [1e-9:1e3]
set ytics 1e-9, 1e3
plot for [i = 1:7] data("rosenbrock-".word(RUNS, i)) using "step":"loss" with lines lt i, \
     for [i = 1:7] data("rosenbrock-".word(RUNS, i)) using "step":"loss" every 125::((i - 1)*125/7) with points lt i

set title "chapter 1's\nregression"
set xtics 50
set ytics auto
set mytics default
set format y "%g"
# (below the floor, where no run goes: above it, the runs converge; on
# two lines, as the panel is narrow at SCALE=1.5)
set label 1 "least-squares\nfloor" at graph 0.5, first FLOOR offset 0, -0.6 center front font FONT_SMALLER
set yrange [FLOOR*0.15:10]
plot for [i = 1:7] data("linreg-".word(RUNS, i)) using "step":"loss" with lines lt i, \
     for [i = 1:7] data("linreg-".word(RUNS, i)) using "step":"loss" every 12::((i - 1)*12/7) with points lt i, \
     FLOOR with lines ls 8

# The key: a last, empty plot across the whole canvas (margins at screen
# positions, for this plot only), so that its four columns may be as wide
# as the canvas rather than one panel.
unset title; unset xlabel; unset ylabel; unset label; unset tics; unset grid
unset logscale; unset border
set xrange [0:1]; set yrange [0:1]
set lmargin at screen 0; set rmargin at screen 1
set bmargin at screen 0; set tmargin at screen 1
set key at screen 0.5, character 0.3 center bottom width 2 maxrows 2 Left reverse samplen 1.5 spacing 1.0 font FONT_SMALL
plot for [i = 1:7] NaN with linespoints lt i title name(i)
unset multiplot
