# Chapter 5: three ways a loss becomes nan or inf, each run recorded up to
# the step where it happened (--nonfinite record), the loss and the
# gradient's norm against the step on logarithmic axes. The dashed line
# is that step, named with its loss in the panel's title; gnuplot cannot
# draw an inf or a nan, and drops them.
#
#   left    chapter 1's regression with lr 2, above its stable limit
#           0.735: each step overshoots further, so the gradient's norm
#           grows by the same factor, |1 - lr·λmax| ≈ 4.4, every step (a
#           straight line on this axis) until the loss overflows;
#   middle  the recurrence from (1.5, 0) without clipping: one step on
#           the cliff multiplies the gradient's norm by about 1e33;
#   right   logistic regression with the cross-entropy typed as written:
#           the loss falls and the gradient shrinks the whole time, and
#           then the loss is nan, because σ(z) rounded to 1 and log(1 - 1)
#           is log 0.
# These are the three signatures the program's diagnosis looks for:
# steady growth, a jump, and no growth at all.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/05-gradient-clipping.nan-signatures.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
RUNS = "nan-lr plain nan-log"
REQUIRED = RUNS
@REQUIRE

# The step that was not finite: the last recorded row of each run.
last_step(name) = real(system(sprintf("tail -n 1 '%s' | cut -d, -f1", data(name))))
what(name) = system(sprintf("tail -n 1 '%s' | cut -d, -f2", data(name)))
TITLES = "too large a step|a cliff|log(0) in the loss"
panel_title(i) = system(sprintf("echo '%s' | cut -d'|' -f%d", TITLES, i))
XMAX = "250 2 1050"
# Steps labelled every XTICS, with a tick between: closer, the labels run
# into one another at SCALE=1.5.
XTICS = "200 1 1000"
YMIN = "1e-3 1e-1 1e-4"
YMAX = "1e306 1e45 1e1"

# At SCALE=1.5 the canvas is about 51 characters wide, so each of the
# three panels is only some 8 wide: the titles are in the smaller text, the
# key is shared, in a row at the bottom of the figure, and the y label is
# on two lines, short enough for the panels' height.
set multiplot layout 1, 3 margins char 11.4, 3.5, 5.2, 3.5 spacing char 6.3, 0
set logscale y
set format y "10^{%L}"
unset mytics
set mxtics 2
set xlabel "step"
set key off
set title font FONT_SMALL
do for [i = 1:3] {
    run = word(RUNS, i)
    k = last_step(run)
    set title sprintf("%s\nloss %s at step %d", panel_title(i), what(run), k)
    set xrange [0:(word(XMAX, i) + 0)]
    eval sprintf("set xtics 0, %s", word(XTICS, i))
    eval sprintf("set yrange [%s:%s]", word(YMIN, i), word(YMAX, i))
    # The cliff's 45 decades in steps of 15: in fives, the labels touch.
    if (i == 2) { set ytics 1, 1e15 } else { set ytics auto }
    if (i == 1) { set ylabel "loss and gradient\nnorm (log scale)" } else { unset ylabel }
    set arrow 1 from first k, graph 0 to first k, graph 1 nohead ls 8
    if (i == 3) { set key at screen 0.5, character 0.3 center bottom vertical maxrows 1 Left reverse }
    plot data(run) using "step":"loss" with linespoints ls 1 ps 0.4 title "loss", \
         data(run) using "step":"grad_norm" with linespoints ls 2 ps 0.4 title "gradient norm"
}
unset multiplot
