# Chapter 5: losses that do not decrease (or stop decreasing too early),
# all on chapter 1's regression from chapter 1's random start, lr 0.05 and
# 200 steps unless said otherwise, on a logarithmic loss axis; each curve
# is labelled at its end. The healthy run falls to the noise floor near
# 0.0125. A learning rate 100 times smaller crawls. Without the step, the
# loss never moves. With b frozen, w fits as well as it can with the
# wrong intercept, and stops. With the targets broadcast against every
# prediction, the model settles at the loss of predicting the mean target
# (the variance of y, about 5.46). With a curve for the target, the line
# settles at the best a line can do, above the floor but below the mean's
# loss (whose own baseline, the variance of the curved targets, is 6.9).
# No loss in these runs is 0, so the log axis drops nothing.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/05-gradient-clipping.flat-losses.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
RUNS = "linreg lr-small no-step freeze-b broadcast curve"
REQUIRED = RUNS
@REQUIRE
NAMES = "healthy (lr 0.05)|lr 0.0005|no step|b frozen|broadcast targets|curved target"
name(i) = system(sprintf("echo '%s' | cut -d'|' -f%d", NAMES, i))
final(run) = system(sprintf("tail -n 1 '%s' | cut -d, -f2", data(run))) + 0

set linetype 6 lc rgb "#56B4E9" lw 1.5 pt 4 ps 0.6

set logscale y
set format y "%g"
set xlabel "step"
set ylabel "loss (log scale)"
set xrange [0:260]
set xtics 0, 50, 200
set yrange [0.005:20]
set key off
set margins 9, 2, 3.8, 1
# Each label sits at its curve's last loss, times a nudge that keeps the
# four labels whose curves end close together from overlapping.
NUDGE = "1 0.87 1.15 0.87 1.1 1"
do for [i = 1:6] {
    run = word(RUNS, i)
    eval sprintf("set label %d '%s' at first 203, first %.17g*%s left tc lt %d", \
                 i, name(i), final(run), word(NUDGE, i), i)
}
plot for [i = 1:6] data(word(RUNS, i)) using "step":"loss" with lines lt i lw 2
