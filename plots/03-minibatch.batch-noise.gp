# Chapter 3: what minibatch loss curves look like, step by step (B = 32,
# η = 0.05, a row after every one of the 640 steps).
#
# Top: the grey line is what training code usually prints, each step's
# batch loss L_B (the loss of the 32 examples that step used, before it
# stepped). It jumps around, because every step sees other examples. The
# blue line is the training loss over all N examples after the same steps,
# which the program computes only so that we can see it: smooth, and
# settled on the least-squares floor after about two epochs.
#
# Bottom: the same training loss minus the least-squares minimum (the
# excess, log scale), for the shuffle seeds 1 to 4 on the same data. Near
# the floor the minibatch noise shows up in the training loss too: each run
# jitters a little above the minimum, by an amount that depends on η and B
# and not on how long it trains, and no two runs jitter alike. Healthy
# minibatch curves trend down, then fluctuate.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/03-minibatch.batch-noise.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "minibatch shuffle-seed2 shuffle-seed3 shuffle-seed4 solve"
@REQUIRE

stats data("solve") using "loss" nooutput name "FLOOR"
floor_loss = FLOOR_min

# Margins and the gap between the panels in characters, so that they grow
# with the text and both panels keep the same left edge whatever their
# tick labels.
set multiplot layout 2, 1 margins char 11, 2, 4, 1 spacing char 0, 1.2
set xrange [0:20]
set xtics 2
set format y "10^{%L}"
set logscale y

# ---------------------------------------------------------------- top
set ylabel "loss\n(log scale)"
# (down to 10^-4: room under the batch losses' dips for the minimum's label)
set yrange [1e-4:30]
set ytics 100
set format x ""
# The key is in the smaller text, to stay clear of the falling curves at
# the left at any text size ("width -9" hands back the blank gnuplot leaves
# right of the text: it sizes the key for full-size text).
set key top right Left reverse font FONT_SMALL width -9
set label 1 sprintf("least-squares minimum %.4f", floor_loss) \
    at graph 0.02, first floor_loss offset 0, -1.3 left front
plot data("minibatch") using "epoch":"batch_loss" with lines ls 9 lw 1 \
         title "batch loss L_B of each step, as logged", \
     data("minibatch") using "epoch":"loss" with lines ls 1 lw 2 \
         title "training loss L over all N examples", \
     floor_loss with lines ls 8 notitle

# ------------------------------------------------------------- bottom
unset label 1
set format x "%g"
set xlabel "epoch (32 steps each)"
set ylabel "L minus\nthe minimum"
set yrange [1e-6:100]
set ytics 100
set key top right Left reverse maxrows 2 width -3
excess(v) = v - floor_loss > 0 ? v - floor_loss : NaN
# Each seed's marker every 2 epochs (64 steps), the seeds half an epoch
# apart: four jittering curves in one band are told apart by shape too.
SEEDS = "minibatch shuffle-seed2 shuffle-seed3 shuffle-seed4"
plot for [i = 1:4] data(word(SEEDS, i)) using "epoch":(excess(column("loss"))) with lines ls i notitle, \
     for [i = 1:4] data(word(SEEDS, i)) using "epoch":(excess(column("loss"))) every 64::(16*(i - 1)) \
         with points ls i notitle, \
     for [i = 1:4] NaN with linespoints ls i title (i == 1 ? "shuffle seed 1" : sprintf("seed %d", i))
unset multiplot
