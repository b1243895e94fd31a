# Chapter 10: the large-batch rule tested. The same 12,800 Fashion-MNIST
# examples seen in batches of 16 (800 steps at lr 0.02, SGD with momentum
# 0.9) and in batches 8 times as large (100 steps): at the same rate, at 8
# times the rate (the linear scaling rule), and at 8 times the rate after
# 20 steps of linear warm-up from 1/8 of it. The x axis counts examples,
# so every run ends at the same place. Left: the loss of each global batch
# (the small batches' are noisier: 16 examples each). Right: the loss on
# the 10,000 test images after training.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/10-data-parallel.large-batch.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "lb-small lb-large-same-lr lb-large-linear lb-large-warmup lb-small-test lb-large-same-lr-test lb-large-linear-test lb-large-warmup-test"
@REQUIRE

# At SCALE=1.5 the canvas is about 51 characters wide and 17 high: the
# key, whose colours also name the bars, is below both panels in two
# columns (inside the left one it hid the first steps), the right title is
# on two lines, and the bars' labels alternate between two rows (in one,
# they ran into one another).
set multiplot layout 1, 2 margins char 7.7, 2.5, 6, 3.7 spacing char 8.6, 0
set xlabel "examples seen"
set xrange [0:12800]
set xtics 5000
set yrange [0:2.5]
set key at screen 0.5, character 0.3 center bottom vertical maxrows 2 Left reverse \
    samplen 1.5 font FONT_SMALL
set title "loss of the global batch"
# Each curve carries its marker every 12 rows (a run has about a hundred),
# from a row of its own so that the markers of curves that run together do
# not stack, and differs in shape as well as colour; the key's entries are
# drawn apart, with both. (Batch 16's rows are every 8 steps, batch 128's
# every step: both are 128 examples apart.)
RUNS = "lb-small lb-large-same-lr lb-large-linear lb-large-warmup"
BATCH = "16 128 128 128"
WIDTH = "0.6 1.5 1.5 1.5"
NAMES = "batch 16, lr 0.02|batch 128, lr 0.02|batch 128, lr 0.16|lr 0.16, 20 steps warm-up"
name(i) = system(sprintf("echo '%s' | cut -d'|' -f%d", NAMES, i))
seen(i) = column(1) * real(word(BATCH, i))
plot for [i = 1:4] data(word(RUNS, i)) using (seen(i)):"loss" with lines lt i lw real(word(WIDTH, i)) notitle, \
     for [i = 1:4] data(word(RUNS, i)) using (seen(i)):"loss" every 12::(3*i - 3) with points lt i notitle, \
     for [i = 1:4] NaN with linespoints lt i lw real(word(WIDTH, i)) title name(i)
set title "test loss after\n12,800 examples"
unset xlabel
set xrange [-0.6:3.6]
set yrange [0:*]
set ytics 0.2
set xtics ("16, 0.02" 0, "\n128, 0.02" 1, "128, 0.16" 2, "\n+warm-up" 3) font FONT_SMALL
set style fill solid 0.6
set boxwidth 0.6
unset key
plot data("lb-small-test")         using (0):"loss" with boxes lt 1, \
     data("lb-large-same-lr-test") using (1):"loss" with boxes lt 2, \
     data("lb-large-linear-test")  using (2):"loss" with boxes lt 3, \
     data("lb-large-warmup-test")  using (3):"loss" with boxes lt 4
unset multiplot
