# Chapter 3: the same three runs as the by-examples figure, the training loss
# now against the number of updates (steps), on a log axis: 20 for full
# batch, 640 for minibatch (B = 32) and 20000 for stochastic descent over the
# same 20 epochs. Counted per update, the full-batch step is the best and
# the single-example step the worst; the by-examples figure shows what each
# update costs.
#
# The start (step 0) has no place on a log axis; each curve begins after its
# first step. Of sgd.csv's 20000 rows, the first 200 and then every 20th are
# drawn (two pieces of one curve): on a log axis that keeps the early steps
# and thins the late ones.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/03-minibatch.by-updates.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "full minibatch sgd solve"
@REQUIRE

stats data("solve") using "loss" nooutput name "FLOOR"
floor_loss = FLOOR_min

set logscale xy
set format x "10^{%L}"
set format y "10^{%L}"
set xlabel "updates (steps), log scale"
set ylabel "training loss L (log scale)"
set xrange [1:20000]
# Down to 3×10^-4, to leave room for the minimum's label under its line. The
# key sits above the plot: inside, no corner is free at every text size.
# gnuplot sets the top margin to fit it, in as many columns as fit.
set yrange [3e-4:30]
set key tmargin right Left reverse

set label 1 sprintf("least-squares minimum %.4f", floor_loss) \
    at graph 0.98, first floor_loss offset 0, -0.9 right front

# Markers at steps about half a decade apart on the log axis (style.gp's
# at_rows); the full batch's mark every one of its 20 steps.
SGD_MARKS = "2 6 20 60 200 600 2000 6000 20000"
MINIBATCH_MARKS = "30 60 120 240 480"
plot data("sgd")       every ::1::200 using "step":"loss" with lines ls 2 notitle, \
     data("sgd")       every 20::200 using "step":"loss" with lines ls 2 notitle, \
     data("sgd")       using "step":(at_rows(SGD_MARKS, column("step"), column("loss"))) with points ls 2 notitle, \
     NaN with linespoints ls 2 title "stochastic, B = 1 (20000 updates)", \
     data("minibatch") using "step":"loss" with lines ls 1 notitle, \
     data("minibatch") using "step":(at_rows(MINIBATCH_MARKS, column("step"), column("loss"))) with points ls 1 notitle, \
     NaN with linespoints ls 1 title "minibatch, B = 32 (640 updates)", \
     data("full")      using "step":"loss" with linespoints ls 3 \
         title "full batch, B = 1000 (20 updates)", \
     floor_loss with lines ls 8 notitle
