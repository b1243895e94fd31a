# Chapter 9: chapter 3's regression, its numbers multiplied by 2^-11 (as
# small as a network's gradients), trained full-batch in fp16 and bf16.
# Its gradient shrinks as the fit converges; in fp16 without loss scaling
# it falls below half the smallest subnormal by step 40, every entry
# rounds to 0 and the weights freeze at three times the least loss. A
# loss scale of 2^16 keeps the gradient in range and the run on the
# double reference's; bf16, with fp32's range, needs no scale; bf16
# weights held alone stall where their updates fall below half a unit in
# the last place.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/09-precision.regression.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
RUNS = "regression-fp64 regression-fp16-unscaled regression-fp16-static regression-bf16-unscaled regression-bf16-pure"
title_of(i) = i == 1 ? "fp64 (the reference)" : i == 2 ? "fp16, no loss scaling" : i == 3 ? "fp16, loss scale 2^{16}" : i == 4 ? "bf16, no loss scaling" : "bf16 weights alone"
REQUIRED = RUNS
@REQUIRE

set logscale y
set yrange [0.007:30]
set xrange [0:100]
set xlabel "step (full batch; the runs go on to 300, flat)"
set ylabel "loss (chapter 3's units)"
set key top right font FONT_SMALL samplen 1.5
set title "chapter 3's regression at 2^{-11} scale, in fp16 and bf16"
# The reference is the course's dashed line; the four 16-bit runs are drawn
# in linetypes 1 to 4, each with its marker every 10 steps, the runs 2
# steps apart, so that the curves that lie together show they all are there.
lt_of(i) = i == 1 ? 8 : i - 1
lw_of(i) = i == 3 ? 2.5 : 1.5
plot for [i = 1:5] data(word(RUNS, i)) using "step":"loss" with lines lt lt_of(i) lw lw_of(i) notitle, \
     for [i = 2:5] data(word(RUNS, i)) using "step":"loss" every 10::(2*(i - 2)) with points lt lt_of(i) notitle, \
     NaN with lines lt 8 title title_of(1), \
     for [i = 2:5] NaN with linespoints lt lt_of(i) lw lw_of(i) title title_of(i)
