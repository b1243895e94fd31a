# Chapter 8: the capstone run, epoch by epoch. Left, the cross-entropy:
# the mean over each epoch's minibatches (train) and over the 5,000
# held-out images after the epoch (validation). Right, the share of images
# classified right, the same two ways. Epoch 0 is the network as
# initialised (validation only). Its accuracy, about 7 %, is below the
# right panel's range, which starts at 75 % so that the later epochs'
# points, a few percent apart, stay distinct; a note in the panel's empty
# lower right says so and gives the value, read from the run.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/08-backprop.training.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "train"
@REQUIRE
stats data("train") every ::0::0 using "val_accuracy" nooutput name "START"

# One key for both panels (they draw the same two runs), below them: inside
# either panel it covered the curves or the y numbers once the text grew.
# The bottom margin, in characters, leaves it room.
set multiplot layout 1, 2 margins char 8.6, 2.5, 5.6, 2.5 spacing char 8.6, 0
set xlabel "epoch"
unset key
set title "loss (cross-entropy)"
set logscale y
set yrange [0.1:3]
set ytics (0.1, 0.2, 0.3, 0.5, 1, 2)
plot data("train") using "epoch":"train_loss" with linespoints lt 1 title "train (during the epoch)", \
     ""            using "epoch":"val_loss" with linespoints lt 2 title "validation"
unset logscale y
set title "accuracy"
set yrange [75:100]
# (the loss panel's tick list would leave this range without a number)
set ytics autofreq
set format y "%.0f%%"
set label 1 sprintf("epoch 0: %.1f%%,\nbelow the axis", 100 * START_min) \
    at graph 0.97, graph 0.17 right front font FONT_NOTE textcolor rgb ink(2)
plot data("train") using "epoch":(100 * column("train_accuracy")) with linespoints lt 1 title "train (during the epoch)", \
     ""            using "epoch":(100 * column("val_accuracy")) with linespoints lt 2 title "validation"

# The key: a plot of nothing but key entries across the whole width of the
# figure. (NaN draws nothing; gnuplot 5.4 fails an assertion on a plot of
# key entries alone.)
set lmargin at screen 0
set rmargin at screen 1
set tmargin at screen 1
set bmargin at screen 0
unset border
unset tics
unset grid
unset xlabel
unset title
unset label 1
set yrange [0:1]
set key at screen 0.5, screen 0.01 center bottom horizontal Left reverse samplen 1.5 font FONT_SMALL
plot NaN notitle, \
     keyentry with linespoints lt 1 title "train (during the epoch)", \
     keyentry with linespoints lt 2 title "validation"
unset multiplot
