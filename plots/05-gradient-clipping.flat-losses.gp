# Chapter 5: losses that do not decrease (or stop decreasing too early),
# all on chapter 1's regression from chapter 1's random start, lr 0.05 and
# 200 steps unless said otherwise, on a logarithmic loss axis; each curve
# is labelled at its end, right of the plot. The healthy run falls to the
# noise floor near 0.0125. A learning rate 100 times smaller crawls.
# Without the step, the loss never moves. With b frozen, w fits as well as
# it can with the wrong intercept, and stops. With the targets broadcast
# against every prediction, the model settles at the loss of predicting
# the mean target (the variance of y, about 5.46). With a curve for the
# target, the line settles at the best a line can do, above the floor but
# below the mean's loss (whose own baseline, the variance of the curved
# targets, is 6.9). No loss in these runs is 0, so the log axis drops
# nothing.
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

set logscale y
set format y "%g"
set xlabel "step"
set ylabel "loss (log scale)"
set xrange [0:200]
set xtics 0, 50, 200
YMIN = 0.005
YMAX = 20
set yrange [YMIN:YMAX]
set key off
# The labels stand in the right margin, as wide in characters as the
# longest (so that it grows with the text), at the height of their curve's
# last loss.
LONGEST = 0
do for [i = 1:6] { LONGEST = strlen(name(i)) > LONGEST ? strlen(name(i)) : LONGEST }
set margins 9, LONGEST + 1.5, 3.8, 1
# Each curve's marker every 25 steps, the curves 4 steps apart, so that the
# curves are told apart by shape too, not only by the colour of their label.
PLOT = 'plot for [i = 1:6] data(word(RUNS, i)) using "step":"loss" with lines lt i lw 2, \
             for [i = 1:6] data(word(RUNS, i)) using "step":"loss" every 25::(4*(i - 1)) with points lt i'

# Four curves end within half a decade of one another, closer together
# than a line of text once the text is large (SCALE=1.5), so each label is
# moved the least it takes to keep the labels a line apart. That needs the
# height of a line in the axis's units, which the terminal reports only
# after it has drawn the plot (GPVAL_TERM_*): draw it once unlabelled, then
# start the file again.
@PLOT
set output ARG3
DECADES_PER_LINE = log10(YMAX/YMIN) * GPVAL_TERM_VCHAR \
    / ((GPVAL_TERM_YMAX - GPVAL_TERM_YMIN) * GPVAL_TERM_SCALE)
# Label heights in lines, from the top down: ORDER[k] is the k-th highest
# curve. Neighbours less than a line apart are pushed apart, each by half
# the shortfall, until none are.
array END[6]
array LINE[6]
array ORDER[6]
do for [i = 1:6] {
    END[i] = final(word(RUNS, i))
    LINE[i] = log10(END[i]) / DECADES_PER_LINE
    ORDER[i] = i
}
do for [k = 1:5] {
    do for [m = k + 1:6] {
        if (END[ORDER[m]] > END[ORDER[k]]) { t = ORDER[k]; ORDER[k] = ORDER[m]; ORDER[m] = t }
    }
}
do for [pass = 1:200] {
    do for [k = 1:5] {
        short = 1 - (LINE[ORDER[k]] - LINE[ORDER[k + 1]])
        if (short > 0) {
            LINE[ORDER[k]] = LINE[ORDER[k]] + short/2
            LINE[ORDER[k + 1]] = LINE[ORDER[k + 1]] - short/2
        }
    }
}
do for [i = 1:6] {
    eval sprintf("set label %d '%s' at graph 1, first %.17g offset char 0.8, %.6f left tc rgb ink(%d)", \
                 i, name(i), END[i], LINE[i] - log10(END[i]) / DECADES_PER_LINE, i)
}
@PLOT
