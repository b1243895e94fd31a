# Chapter 7: warm-up. Adam at a rate of 1 on chapter 6's XOR network (3
# hidden tanh units, seed 1), 2000 steps of a cosine, without and with 200
# steps of linear warm-up from 1% of the rate (top: the rate; bottom: the
# loss). Without warm-up, Adam's first steps move every weight by about the
# full rate at once, which saturates the tanh units, and the run stalls on
# a plateau; with it, the first steps are small.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/07-schedules.warmup.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "xor-cosine xor-warmup"
@REQUIRE

set multiplot layout 2, 1 margins char 10.3, 3.4, 3.8, 1 spacing char 0, 1.5
set logscale y
set format y "10^{%L}"
# No minor y tics: between labels two decades apart they bunched into
# blots beside the labels, at SCALE=1.5 most.
unset mytics
set xrange [0:2000]
set format x ""
set ylabel "learning rate"
set yrange [1e-7:3]
set ytics 1e-6, 100
set key bottom left samplen 1.5 spacing 1.0 font FONT_SMALL
plot data("xor-cosine") using "step":"lr" with lines lt 1 title "cosine, no warm-up", \
     data("xor-warmup") using "step":"lr" with lines lt 2 title "200 steps of warm-up, then cosine"
set format x "%g"
set xlabel "step"
# (on two lines, each no longer than "learning rate": on one, at
# SCALE=1.5, it was longer than its panel and ran into the label above)
set ylabel "cross-entropy\nloss"
set yrange [1e-6:3]
set ytics 1e-6, 100
unset key
plot data("xor-cosine") using "step":"loss" with lines lt 1, \
     data("xor-warmup") using "step":"loss" with lines lt 2
unset multiplot
