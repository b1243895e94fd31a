# Chapter 3: batch size against learning rate. For each batch size, 20
# epochs from w = 0, b = 0 at learning rates 10^(k/8); the curve is how far
# above the least-squares minimum each run ended (the excess loss), on
# log-log axes. A curve stops where its runs start to diverge (end above
# where they started): those points are not drawn.
#
# Read each curve from the left: too small a rate has not arrived after 20
# epochs; the bottom of the curve is the best rate for that batch size; to
# the right, the noise of small batches keeps the loss above the floor, and
# then the steps overshoot and the run diverges. Smaller batches take more
# steps per epoch and so arrive sooner, but their noise and their
# divergence set in at smaller rates: the best rate grows with the batch.
#
# The key sits above the plot, in as many columns as fit the width (inside,
# in room made for it at the top, it ran off both sides at a large text
# size). Its entries are short, since gnuplot gives every column the width
# of the longest: "B = N = 1000" is the full batch.
#
# An excess below 1e-9 (full batch, near its best rate, where the run hits
# the minimum to rounding) is drawn at 1e-9, the bottom of the axis.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/03-minibatch.lr-batch.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "sweep solve"
@REQUIRE

stats data("solve") using "loss" nooutput name "FLOOR"
floor_loss = FLOOR_min

set logscale xy
set format x "10^{%L}"
set format y "10^{%L}"
set xlabel "learning rate η (log scale)"
set ylabel "loss above the minimum\nafter 20 epochs (log scale)"
set xrange [1e-4:1]
set yrange [1e-9:1e2]
set key tmargin center horizontal Left reverse

excess(b, size) = (column("batch_size") == size && column("diverged") == 0) ? \
                  (column("loss") - floor_loss > 1e-9 ? column("loss") - floor_loss : 1e-9) : NaN

plot for [i = 1:5] data("sweep") \
         using "lr":(excess(0, word("1 8 32 128 1000", i) + 0)) with linespoints ls i \
         title (i < 5 ? sprintf("B = %s", word("1 8 32 128", i)) : "B = N = 1000")
