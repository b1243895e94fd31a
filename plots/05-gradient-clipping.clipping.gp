# Chapter 5: the recurrence of length 10 from (w, b) = (1.5, 0), lr 0.002,
# with and without clipping by norm: the loss (left) and the gradient's
# norm (right) against the step, both on logarithmic axes.
#
# Without clipping the first step is 0.002 times a gradient of norm about
# 4e4, which throws w to about -84; the loss there is about 3e38 and the
# next one overflows to inf. gnuplot drops the inf (and the nan gradient)
# of that last recorded row, so the run shows as two points, and a label
# marks where the third went. With --clip-norm 1 every step is at most
# 0.002 long until the gradient's norm falls below 1: the dotted curve in
# the right panel is the norm after clipping, the one the step uses, flat
# at max_norm = 1 (strictly, 1/(1 + 1e-6 / |g|)) for as long as clipping acts. The loss of the clipped run falls to about 4e-31 and
# then alternates between that and 3e-30 (rounding), so it is never 0 and
# the log axis drops nothing.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/05-gradient-clipping.clipping.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "plain clip-norm"
@REQUIRE

# The step at which the unclipped run stopped: its last recorded row.
last_step = real(system(sprintf("tail -n 1 '%s' | cut -d, -f1", data("plain"))))

# At SCALE=1.5 the canvas is about 51 characters wide, and each panel
# needs all the width it can get: the quantity is named in the title
# rather than in a y label, and the curves are named where they run rather
# than in keys (a key of three entries is wider than the panel, and inside
# it covered the unclipped run's jump).
set multiplot layout 1, 2 margins char 6.5, 2.6, 3.8, 2.5 spacing char 7.5, 0
set logscale y
set format y "10^{%L}"
set xlabel "step"
set xrange [-5:300]
set xtics 100
unset mytics
set key off

set title "loss (log scale)"
set yrange [1e-33:1e45]
set ytics 1e-30, 1e10
set label 1 sprintf("no clipping:\ninf at step %d", last_step) \
    at first 12, first 3e38 left font FONT_NOTE tc rgb ink(2)
set label 2 "--clip-norm 1" at first 20, first 1e6 left font FONT_NOTE tc rgb ink(1)
plot data("plain") using "step":"loss" with linespoints ls 2 ps 0.9 \
         title "no clipping", \
     data("clip-norm") using "step":"loss" with lines ls 1 \
         title "--clip-norm 1"

set title "|gradient| (log scale)"
set yrange [1e-15:1e45]
set ytics 1e-15, 1e10
unset label
set label 1 sprintf("no clipping:\nnan at step %d", last_step) \
    at first 12, first 7e37 left font FONT_NOTE tc rgb ink(2)
set label 2 "before clipping" at first 20, first 1e8 left font FONT_NOTE tc rgb ink(1)
set label 3 "after clipping\n(≤ 1)" at first 5, first 1e-5 left font FONT_NOTE tc rgb ink(1)
plot data("plain") using "step":"grad_norm" with linespoints ls 2 ps 0.9 \
         title "no clipping", \
     data("clip-norm") using "step":"grad_norm" with lines ls 1 \
         title "before clipping", \
     data("clip-norm") using "step":"clipped_norm" with lines ls 1 dt 3 lw 2.5 \
         title "after clipping (≤ 1)"
unset multiplot
