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

set multiplot layout 1, 2 margins char 10.3, 2.5, 3.8, 2.5 spacing char 6.9, 0
set logscale xy
set format x "10^{%L}"
set format y "10^{%L}"
set xlabel "learning rate"
set key top left Left reverse samplen 1.5 spacing 1.0 font FONT_SMALL
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
    } else {
        set title "XOR network"
        unset ylabel
        unset key
        set xrange [1e-7:1000]
        set yrange [1e-3:100]
    }
    plot data("find-" . model) using "lr":"loss" with lines lt 9 title "batch loss", \
         data("find-" . model) using "lr":"smoothed" with lines lt 1 lw 2 title "smoothed", \
         data("sweep-" . model) using "lr":"final_loss" with linespoints lt 2 title "full runs, constant rate"
}
unset multiplot
