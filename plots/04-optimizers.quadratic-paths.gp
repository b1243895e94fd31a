# Chapter 4: six optimizers on the ill-conditioned quadratic
# f = (x² + 10y²)/2 from (-3, 1), 60 steps each, over the loss's contours.
# The steep direction is y (curvature 10), the shallow one x (curvature 1).
# SGD must keep its step below 2/10 for y's sake, so it zig-zags across
# the valley and crawls along x; momentum builds speed along x; Adam,
# RMSprop and Adagrad rescale each coordinate by its own gradient history,
# which on a problem whose steep direction is a coordinate axis removes the
# ill-conditioning; Lion moves every coordinate by exactly ±lr per step,
# so its path is made of diagonal moves and ends hopping around the minimum.
# The learning rates are the runs' (chapters/04-optimizers.runs).
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/04-optimizers.quadratic-paths.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
PROBLEM = "quadratic"
f(x, y) = (x**2 + 10*y**2)/2
LEVELS = "0.02, 0.1, 0.3, 1, 2, 4, 7, 11"
XMIN = -3.4; XMAX = 2; YMIN = -1.2; YMAX = 1.2
XSTAR = 0; YSTAR = 0
call dirof(ARG0) . '04-optimizers.paths.inc' ARG1 ARG2 ARG3
