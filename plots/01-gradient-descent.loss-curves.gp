# Chapter 1: the loss f(w_k) = (w_k - 3)^2 against the step k for four
# learning rates, on a logarithmic loss axis.
#
# Why a log axis: on this parabola every step multiplies the distance to the
# minimum by (1 - 2η), so the loss is 9 (1 - 2η)^(2k), a geometric sequence.
# On a log axis a geometric sequence is a straight line, and its slope is the
# rate: too small an η (0.01) gives a line that barely falls; η = 0.1 and
# η = 0.9 fall at the same rate; above η = 1 the factor exceeds 1 in size and
# the line climbs, which is divergence. All values here are positive, so the
# log axis drops nothing.
#
# η = 0.1 and η = 0.9 give the same losses, up to rounding in the first
# steps (|1 - 2η| = 0.8 for both:
# one approaches from the left, the other jumps from side to side), so their
# curves lie on top of each other. They are drawn with different markers,
# the second hollow and larger, so that both stay visible.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/01-gradient-descent.loss-curves.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "parabola-lr0.01 parabola-lr0.1 parabola-lr0.9 parabola-lr1.05"
@REQUIRE

set logscale y
set format y "10^{%L}"
set xlabel "step k"
set ylabel "loss f(w_k) (log scale)"
set xrange [0:20]
set xtics 2
# The key sits in the empty corner below the falling lines; the axis goes
# down to 10^-6 so that the corner holds it at any text size, and "width -3"
# hands back the blank that gnuplot leaves right of the text.
set yrange [1e-6:1e3]
set key bottom left Left reverse width -3

plot data("parabola-lr0.01") using "step":"loss" with linespoints ls 3 \
         title "η = 0.01 (too small)", \
     data("parabola-lr0.1")  using "step":"loss" with linespoints ls 1 \
         title "η = 0.1", \
     data("parabola-lr0.9")  using "step":"loss" with points ls 2 pt 4 ps 1.1 \
         title "η = 0.9 (same losses as 0.1)", \
     data("parabola-lr1.05") using "step":"loss" with linespoints ls 4 \
         title "η = 1.05 (diverges)"
