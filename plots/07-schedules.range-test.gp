# Chapter 7: the learning-rate range test, checked against full runs. Left,
# the regression (minibatches of 100, 400 steps from 1e-5); right, the XOR
# network (200 steps from 1e-7 to 1000). Grey: the loss of each step's batch; blue:
# the smoothed loss the test reads; the dashed lines mark its suggestions
# (the steepest fall, and the minimum's rate / 10). Orange: the final loss
# of full runs of as many steps at one constant rate each (the sweep); a
# missing point is a run that diverged.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/07-schedules.range-test.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "find-linreg find-linreg-suggestion sweep-linreg find-xor find-xor-suggestion sweep-xor"
@REQUIRE

# The three curves mean the same in both panels, so one key serves both,
# under them: in the left panel, at SCALE=1.5, it was wider than the panel
# and hid the suggestions' dashed lines and the diverging runs. The bottom
# margin holds the tick labels, the x label and the key's two rows. The x
# axes keep a tic every decade but label fewer, as every decade's label
# (or every other one's, on the right) ran into the next at 1.5.
set multiplot layout 1, 2 margins char 10.3, 2.5, 5.6, 2.5 spacing char 6.9, 0
set logscale xy
set format y "10^{%L}"
set xlabel "learning rate" offset 0, 0.3
unset key
do for [model in "linreg xor"] {
    stats data("find-" . model . "-suggestion") using "steepest_lr" nooutput
    STEEPEST = STATS_min
    stats data("find-" . model . "-suggestion") using "minimum_lr_over_10" nooutput
    TENTH = STATS_min
    unset arrow
    set arrow 1 from STEEPEST, graph 0 to STEEPEST, graph 1 nohead lt 8
    set arrow 2 from TENTH, graph 0 to TENTH, graph 1 nohead lt 8 lc rgb "#D55E00"
    if (model eq "linreg") {
        set title "regression, minibatches of 100"
        set ylabel "loss (log scale)"
        set xrange [1e-5:10]
        set yrange [0.1:1000]
        set xtics 1e-5, 10 format ""
        set xtics add ("10^{-4}" 1e-4, "10^{-2}" 1e-2, "10^{0}" 1)
    } else {
        set title "XOR network"
        unset ylabel
        set xrange [1e-7:1000]
        set yrange [1e-3:100]
        set xtics 1e-7, 10 format ""
        set xtics add ("10^{-6}" 1e-6, "10^{-3}" 1e-3, "10^{0}" 1)
        # (ten decades: their minor tics would merge into a bar)
        unset mxtics
    }
    plot data("find-" . model) using "lr":"loss" with lines lt 9, \
         data("find-" . model) using "lr":"smoothed" with lines lt 1 lw 2, \
         data("sweep-" . model) using "lr":"final_loss" with linespoints lt 2
}

# The key: a last, empty plot across the whole canvas (margins at screen
# positions), so that the key may be as wide as the canvas. (Its columns
# are all as wide as the longest name; `width -8` narrows the first, whose
# names are short.)
unset title; unset xlabel; unset ylabel; unset tics; unset grid; unset arrow
unset logscale; unset border
set xrange [0:1]; set yrange [0:1]
set lmargin at screen 0; set rmargin at screen 1
set bmargin at screen 0; set tmargin at screen 1
set key at screen 0.5, character 0.3 center bottom maxrows 2 width -8 Left reverse samplen 1.5 spacing 1.0 font FONT_SMALL
plot NaN with lines lt 9 title "batch loss", \
     NaN with lines lt 1 lw 2 title "smoothed", \
     NaN with linespoints lt 2 title "full runs, constant rate"
unset multiplot
