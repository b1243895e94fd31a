# Chapter 2: the training loss of chapter 1's line against the step, trained
# correctly (zero_grad every step) and with zero_grad forgotten, on a
# logarithmic loss axis.
#
# The correct run is chapter 1's gradient descent: the loss falls by a
# constant factor a step (a straight line on this axis) until it reaches the
# floor set by the noise in the data. Without zero_grad, each update uses the
# sum of every gradient so far: the sum keeps pushing the parameters the way
# they were going long after the gradient itself has turned, so they swing
# through the minimum and out the other side. On this quadratic loss nothing
# damps the swing (it is momentum with no friction at all), and the loss
# climbs back to about where it started, again and again, for as long as the
# run lasts. Both curves are positive everywhere, so the log axis drops
# nothing.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/02-gradient-accumulation.forgot-zero-loss.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "correct no-zero"
@REQUIRE

# The loss at the start, read from the data, drawn as a reference line.
stats data("correct") every ::0::0 using "loss" nooutput name "START"

set logscale y
set format y "10^{%L}"
set xlabel "step k"
set ylabel "mean squared error\n(log scale)"
set xrange [0:200]
# The loss axis reaches up to 10^4 to leave a band above the starting loss
# for the key and the start's label, tall enough at any text size. The
# forgotten zero_grad's entry goes on over a second row (an entry with no
# sample: a "\n" inside a title would overprint the next row), and "width
# -4" hands back the blank gnuplot leaves right of the text, so that the
# key stays narrower than the plot.
set yrange [1e-3:1e4]
set key top right Left reverse width -4

set label 1 sprintf("loss at the start = %.2f", START_min) \
    at graph 0.02, first START_min offset 0, 0.7 left front textcolor rgb "#000000"

plot data("no-zero") using "step":"loss" with lines ls 2 \
         title "zero\\_grad forgotten:", \
     keyentry with lines lt nodraw title "grad sums every gradient so far", \
     data("correct") using "step":"loss" with lines ls 1 \
         title "zero\\_grad, forward, backward, step", \
     START_min with lines ls 8 notitle
