# Chapter 4: six optimizers in Rosenbrock's valley,
# f = (1 - x)² + 100(y - x²)², from (-1.2, 1), 1000 steps each, over the
# loss's contours (levels spaced roughly geometrically, because the loss
# spans four orders of magnitude here). The minimum (1, 1) is the star.
# Every path first drops into the curved valley floor y ≈ x², then has to
# follow it round the bend, where the gradient is tiny along the floor and
# huge across it. Momentum gathers speed along the floor; plain SGD, held
# to a small step by the steep walls, is still on its way after 1000 steps.
# The learning rates are the runs' (chapters/04-optimizers.runs).
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/04-optimizers.rosenbrock-paths.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
PROBLEM = "rosenbrock"
f(x, y) = (1 - x)**2 + 100*(y - x**2)**2
LEVELS = "0.03, 0.3, 1, 3, 10, 30, 100, 300"
XMIN = -1.6; XMAX = 1.6; YMIN = -0.6; YMAX = 2.0
XSTAR = 1; YSTAR = 1
call dirof(ARG0) . '04-optimizers.paths.inc' ARG1 ARG2 ARG3
