# Chapter 1: the training loss of linear regression (the mean squared error
# of the line w x + b on 100 points) against the step, for four learning
# rates, on a logarithmic loss axis.
#
# The dashed line is the exact least-squares minimum, computed in closed form
# by the chapter program (linreg-solve). It is not zero: the data carry noise
# that no line can explain, so this floor is the best any learning rate can
# reach. A converging run flattens onto it; it cannot go below.
#
# The two largest learning rates bracket the stable limit 2/λ_max, where
# λ_max is the largest eigenvalue of the loss's Hessian (its sharpest
# curvature); the program computes the limit too. Just below it (0.7) the run
# still converges, with w overshooting back and forth along the sharpest
# direction; just above it (0.75) that overshoot grows by a constant factor
# each step and the loss climbs without end, a straight rising line on this
# axis. The key reads the limit from the data rather than quoting it, so it
# stays true if the data change.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/01-gradient-descent.linreg-loss.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "linreg linreg-lr0.005 linreg-lr0.7 linreg-lr0.75 linreg-solve"
@REQUIRE

# One row: the lowest possible loss and the stable limit of the learning rate.
stats data("linreg-solve") using "loss" nooutput name "FLOOR"
stats data("linreg-solve") using "max_stable_lr" nooutput name "LIMIT"
floor_loss = FLOOR_min
max_stable_lr = LIMIT_min

set logscale y
set format y "10^{%L}"
set xlabel "step k"
set ylabel "mean squared error\n(log scale)"
set xrange [0:*]
set yrange [1e-4:1e12]
# The key sits in the empty corner above the diverging run, top left, in
# the smaller text; the loss axis reaches up to 10^12 so that the corner
# holds it at any text size, and down to 10^-4 to leave room for the floor's
# label. ("width -5": gnuplot sizes the key for the full-size text and would
# leave a wide blank right of it, over the diverging run.)
set key top left Left reverse font FONT_SMALL width -5

# The floor is labelled on the figure itself, right below its line (above
# it, the slow run passes close by at the right), in the note size so that
# it stays within the plot's width at any text size.
set label 1 sprintf("least-squares minimum (noise floor) = %.4f", floor_loss) \
    at graph 0.98, first floor_loss offset 0, -0.9 right front textcolor rgb "#000000" \
    font FONT_NOTE

# linreg.csv is the reference run; its learning rate, 0.05, is the program's
# default (see chapters/01-gradient-descent.runs). Each curve carries its
# marker every 25 steps, from a step of its own (two runs share the floor
# from step 50), so that the curves differ in shape as well as colour; the
# key's entries are drawn apart, with both.
RUNS = "linreg-lr0.005 linreg linreg-lr0.7 linreg-lr0.75"
STYLES = "3 1 5 4"
NAMES = "η = 0.005 (too small)|η = 0.05 (reference run)|" . \
         sprintf("η = 0.7 (below 2/λ_{max} = %.3f)", max_stable_lr) . "|η = 0.75 (above it: diverges)"
name(i) = system(sprintf("echo '%s' | cut -d'|' -f%d", NAMES, i))
plot for [i = 1:4] data(word(RUNS, i)) using "step":"loss" with lines ls int(word(STYLES, i)) notitle, \
     for [i = 1:4] data(word(RUNS, i)) using "step":"loss" every 25::(6*i - 6) with points ls int(word(STYLES, i)) notitle, \
     for [i = 1:4] NaN with linespoints ls int(word(STYLES, i)) title name(i), \
     floor_loss with lines ls 8 notitle
