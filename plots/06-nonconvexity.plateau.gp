# Chapter 6: a plateau. One sigmoid unit, f(w) = (σ(w) − 0.9)², descended
# from w = −8 with η = 2: plain, and with momentum 0.5 and 0.9.
#
# Left, the loss. At w = −8 the unit is saturated (σ ≈ e^w ≈ 0), so the
# loss sits at about 0.81 and hardly changes for hundreds of steps; then
# the slope steepens, the loss drops to its minimum within a few dozen
# steps, and plain descent converges to w = ln 9. A training curve that is
# flat for a long time and then falls off a cliff is this picture.
# Momentum 0.5 builds up speed on the gentle slope and crosses the plateau
# in about half the steps. Momentum 0.9 crosses even faster but cannot
# stop: it flies past the minimum onto the opposite plateau (σ ≈ 1, loss
# ≈ 0.01), where the gradient is tiny again and the run stays stuck.
#
# Right, the gradient's size on a log axis: on the plateau it starts at
# 6·10⁻⁴ and stays below about 10⁻² until the drop, far smaller than on
# the slope, which is why a plateau
# is easy to mistake for convergence. Only the loss tells them apart: near
# a minimum the loss is low, on a plateau it is not. Every value is
# positive and above the axis floor 10⁻¹⁸ (the smallest, about 2·10⁻¹⁷,
# comes from the momentum 0.5 run), so the log axis hides nothing.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/06-nonconvexity.plateau.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
RUNS = "plateau plateau-m0.5 plateau-m0.9"
REQUIRED = RUNS
@REQUIRE

# Margins in characters, so that they grow with the text.
set multiplot layout 1, 2 margins char 10, 2.6, 3.8, 2.5 spacing char 11, 0
set xrange [0:1500]
set xtics 500
set xlabel "step"

set title "loss, η = 2"
set ylabel "f(w) = (σ(w) − 0.9)^2"
set yrange [0:0.9]
set ytics 0.1
# The curves are named where they fall, along each drop: written across,
# a name is wider than the gap to the next drop at SCALE=1.5.
unset key
set label 1 "plain" at 840, 0.6 rotate by 90 center offset 1.2, 0 textcolor rgb ink(1)
set label 2 "μ = 0.5" at 430, 0.45 rotate by 90 center offset 1.2, 0 textcolor rgb ink(2)
set label 3 "μ = 0.9" at 110, 0.3 rotate by 90 center offset 1.2, 0 textcolor rgb ink(3)
# Each run's marker every 150 steps, the runs 50 steps apart, in both
# panels: the curves are told apart by shape as well as colour.
plot for [i = 1:3] data(word(RUNS, i)) using "step":"loss" with lines ls i, \
     for [i = 1:3] data(word(RUNS, i)) using "step":"loss" every 150::(50*(i - 1)) with points ls i

unset label 1; unset label 2; unset label 3
set title "size of the gradient"
set ylabel "|f'(w)| (log scale)"
set logscale y
set format y "10^{%L}"
set yrange [1e-18:1]
set ytics 1000
unset key
plot for [i = 1:3] data(word(RUNS, i)) using "step":"grad_norm" with lines ls i, \
     for [i = 1:3] data(word(RUNS, i)) using "step":"grad_norm" every 150::(50*(i - 1)) with points ls i
unset multiplot
