# Chapter 9: chapter 8's network trained in bf16 at a small learning rate
# (0.001), its weights kept four ways. Most updates are below half a unit
# in the last place of a bf16 weight: held only in bf16 ("pure"), those
# updates vanish and the loss falls more slowly. Master weights in double,
# Kahan's compensation and stochastic rounding each keep what rounding
# loses, and their curves lie on the double reference's. The training
# loss of each minibatch, smoothed as chapter 7 smooths it, to show the
# trend.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/09-precision.weights.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
RUNS = "slow-fp64 slow-bf16-master slow-bf16-kahan slow-bf16-stochastic slow-bf16-pure"
# each run's title
title_of(i) = i == 1 ? "fp64 (the reference)" : i == 2 ? "bf16, master weights" : i == 3 ? "bf16, Kahan-compensated" : i == 4 ? "bf16, stochastic rounding" : "bf16 weights alone"
REQUIRED = RUNS
@REQUIRE

set xlabel "step"
set ylabel "training loss (smoothed)"
# The key sits bottom left, under the falling curves, the loss axis reaching
# down to 1.3 to make room for it: top right, it covered both curves once
# the text was scaled up for a projector. ("width -8": gnuplot sizes the key
# for full-size text and would leave a blank right of it, over the curves.)
set yrange [1.3:2.6]
set key bottom left Left reverse font FONT_SMALL samplen 1.5 width -8
set title "bf16 weights at lr 0.001: kept four ways"
# Chapter 7's smoothed loss (smooth_loss, as fastai's lr_find): an average
# that keeps BETA of the past, divided by 1 - BETA^k after k losses. (A
# Bezier curve would be pinned to the last minibatch's loss: one lucky
# batch would bend every curve down at the end.)
BETA = 0.95
smoothed(x) = (x == x) ? (avg = BETA * avg + (1 - BETA) * x, k = k + 1, avg / (1 - BETA**k)) : NaN
restart(row) = (row == 0 ? (avg = 0, k = 0) : 0)
# "bf16 weights alone" takes linetype 4, the colour the same method has in
# the regression figure (09-precision.regression.gp), and stochastic
# rounding the next one, so that one colour names one method in the chapter.
LT = "8 2 3 5 4"
# The reference is the course's dashed line; the four bf16 runs have their
# markers too, every 12 steps, the runs 3 steps apart, so that the three
# that lie on the reference show they all are there. (The smoothing reads
# every row, so the markers' layer smooths every row too and keeps the
# marked ones: `every` would feed it one row in twelve.)
marked(i, s) = (int($0) % 12 == 3*(i - 2)) ? s : NaN
plot for [i = 1:5] data(word(RUNS, i)) using "step":(restart($0), smoothed(column("loss"))) with lines lt int(word(LT, i)) notitle, \
     for [i = 2:5] data(word(RUNS, i)) using "step":(restart($0), marked(i, smoothed(column("loss")))) with points lt int(word(LT, i)) notitle, \
     NaN with lines lt 8 title title_of(1), \
     for [i = 2:5] NaN with linespoints lt int(word(LT, i)) title title_of(i)
