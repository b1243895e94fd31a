# Chapter 3: the training loss (the mean squared error over all N = 1000
# examples) against the number of examples the gradients have read, for
# the three methods on the reference example: full batch (one step per
# epoch), minibatch (B = 32, 32 steps per epoch) and stochastic (B = 1,
# 1000 steps per epoch). Every method reads N examples per epoch, so the
# top axis, in epochs, is the bottom one divided by N.
#
# The dashed floor is the least-squares minimum (solve.csv): the noise in
# the data that no weights can explain. The log scale is honest here: no
# loss is ever exactly zero, and the floor keeps every curve above 0.008.
#
# sgd.csv has a row per step, 20000 in all; every 10th is drawn, which is
# still a point every 10 examples.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/03-minibatch.by-examples.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "full minibatch sgd solve"
@REQUIRE

stats data("solve") using "loss" nooutput name "FLOOR"
floor_loss = FLOOR_min

set logscale y
set format y "10^{%L}"
set xlabel "examples processed"
set ylabel "training loss L (log scale)"
set x2label "epochs"
set xrange [0:20000]
set x2range [0:20]
# A number every 4000 examples: every 2000, the labels run into one
# another once the text is scaled up for a projector.
set xtics 4000 nomirror
set mxtics 2
set x2tics 2 out
# Down to 3×10^-4, to leave room for the minimum's label under its line. The
# key sits above the plot, one entry a row, over the epochs: inside, no
# corner is free at every text size. The top margin, in lines of text,
# holds both (gnuplot would size it for the key alone).
set yrange [3e-4:30]
set key tmargin right Left reverse maxcols 1
set tmargin 7.5

set label 1 sprintf("least-squares minimum %.4f", floor_loss) \
    at graph 0.98, first floor_loss offset 0, -0.9 right front

# Markers every 2000 examples, the stochastic run's 1000 examples after
# the minibatch run's, so that the two curves near the floor are told
# apart by shape too; the full batch's mark every epoch.
plot data("sgd")       every 10 using "examples":"loss" with lines ls 2 notitle, \
     data("sgd")       every 2000::1000 using "examples":"loss" with points ls 2 notitle, \
     NaN with linespoints ls 2 title "stochastic, B = 1", \
     data("minibatch") using "examples":"loss" with lines ls 1 notitle, \
     data("minibatch") every 64 using "examples":"loss" with points ls 1 notitle, \
     NaN with linespoints ls 1 title "minibatch, B = 32", \
     data("full")      using "examples":"loss" with linespoints ls 3 \
         title "full batch, B = N = 1000", \
     floor_loss with lines ls 8 notitle
