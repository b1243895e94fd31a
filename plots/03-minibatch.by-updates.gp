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

plot data("sgd")       every ::1::200 using "step":"loss" with lines ls 2 \
         title "stochastic, B = 1 (20000 updates)", \
     data("sgd")       every 20::200 using "step":"loss" with lines ls 2 notitle, \
     data("minibatch") using "step":"loss" with lines ls 1 \
         title "minibatch, B = 32 (640 updates)", \
     data("full")      using "step":"loss" with linespoints ls 3 \
         title "full batch, B = 1000 (20 updates)", \
     floor_loss with lines ls 8 notitle
