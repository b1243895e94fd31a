# Chapter 6: training the 2-3-1 XOR network from three starts, 2000 steps
# of η = 1: random weights (seed 1); three identical copies of one random
# unit (symmetric); and the symmetric start with every hidden parameter
# nudged by 10⁻⁶·N(0, 1) (jittered).
#
# Left, the loss (mean cross-entropy) on a log axis: the random start fits
# all four examples and its loss keeps falling; both symmetric starts level
# off near 0.48 with one example of the four wrong, the best a single hidden
# unit can do.
#
# Right, the units' spread: the largest difference between two hidden units
# in any of their parameters. For the symmetric start it is exactly 0 at
# every step; a log axis cannot show 0, so that run is not drawn here and a
# note says so. The jitter's spread of about 10⁻⁶ does grow, but slowly: after
# 2000 steps it is still below 10⁻³, and the network behaves as a single
# unit. A symmetry broken by a hair is not broken in practice, which is why
# a detector of identical units needs a tolerance.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/06-nonconvexity.xor-training.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "xor-symmetric xor-random xor-jitter"
@REQUIRE

# How many steps of the symmetric run have a spread other than exactly 0:
# the note below is true only if that is none.
stats data("xor-symmetric") using (column("spread") != 0) nooutput name "NONZERO"

# At SCALE=1.5 the canvas is about 51 characters wide and 17 high, so each
# panel is only some 15 wide: the margins are in characters, the y labels,
# the right title and the notes take more lines, in the smaller text, and
# each note sits in the room its curves leave it.
set multiplot layout 1, 2 margins char 10.5, 2.6, 3.8, 3.7 spacing char 10.5, 0
set xrange [0:2000]
set xtics 1000
set xlabel "step"
set logscale y
set format y "10^{%L}"

set title "loss"
set ylabel "mean cross-entropy\n(log scale)"
set yrange [1e-3:1]
# The curves are named beside them; the two symmetric runs overlap.
unset key
set label 4 "symmetric start,\nwith and without\njitter (dashed)" \
    at 1950, 0.25 right font FONT_NOTE textcolor rgb "#404040"
set label 5 "random start" at 1950, 6e-3 right font FONT_NOTE textcolor rgb ink(1)
# Markers every 250 steps on the two solid curves, the random run's 125
# steps after the symmetric run's (and so clear of the label "random
# start"): they tell the runs apart by shape as well as colour, and show
# the symmetric curve under the dashed one.
plot data("xor-random") using "step":"loss" with lines ls 1, \
     data("xor-random") every 250::125 using "step":"loss" with points ls 1, \
     data("xor-symmetric") using "step":"loss" with lines ls 2, \
     data("xor-symmetric") every 250 using "step":"loss" with points ls 2, \
     data("xor-jitter") using "step":"loss" with lines ls 3 dt 11
unset label 4; unset label 5

set title "spread between\nthe hidden units"
set ylabel "largest difference\n(log scale)"
# Down to 10^{-8}, to leave the note on the symmetric start room under the
# jittered curve.
set yrange [1e-8:1e2]
set ytics 100
set label 1 (NONZERO_sum == 0 ? "symmetric start:\nexactly 0 at\nevery step, off\nthe log axis" \
                              : "symmetric start:\nNOT 0 at\nevery step") \
    at graph 0.97, first 3e-5 right font FONT_NOTE textcolor rgb ink(2)
set label 2 "random start" at 1000, 25 center font FONT_NOTE textcolor rgb ink(1)
set label 3 "symmetric +\n10^{-6} jitter" at 1000, 0.05 center font FONT_NOTE textcolor rgb ink(3)
plot data("xor-random") using "step":"spread" with lines ls 1, \
     data("xor-random") every 250::125 using "step":"spread" with points ls 1, \
     data("xor-jitter") using "step":"spread" with lines ls 3 dt 11
unset multiplot
