# Chapter 7: the same noisy regression (minibatches of 32) trained by SGD
# with momentum 0.9 from a base rate of 0.03 for 1000 steps, under each
# schedule: left, the ones that only decay; right, the ones that also
# climb. Drawn is the loss over every example minus the lowest loss any of
# the runs reached (less 1e-7; log scale), so the floor each run stalls at
# is visible: at a constant rate the noise of the minibatches keeps the
# weights bouncing, and only a smaller rate lets them settle.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/07-schedules.noisy.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
LEFT = "momentum-constant momentum-step momentum-multistep momentum-exponential momentum-cosine"
RIGHT = "momentum-restarts momentum-linear momentum-onecycle momentum-warmup-cosine"
RUNS = LEFT . " " . RIGHT
REQUIRED = RUNS
@REQUIRE
LEFT_NAMES = "constant|step (every 300, γ 0.1)|multistep (500, 800)|exponential (γ 0.995)|cosine"
RIGHT_NAMES = "warm restarts (50, ×2)|linear warm-up only (100 steps)|one cycle|warm-up 100, then cosine"
name(list, i) = system(sprintf("echo '%s' | cut -d'|' -f%d", list, i))

FLOOR = 1e300
do for [run in RUNS] {
    stats data(run) using "loss" nooutput
    FLOOR = STATS_min < FLOOR ? STATS_min : FLOOR
}
# A hair (1e-7) below it, so that the run that reached it stays on the
# log axis there.
FLOOR = FLOOR - 1e-7

set multiplot layout 1, 2 margins char 10.3, 2.5, 3.8, 2.5 spacing char 5.2, 0
set logscale y
set format y "10^{%L}"
set xrange [0:1000]
set xtics 0, 250, 1000
set yrange [1e-7:100]
set xlabel "step"
set ylabel "loss − lowest loss reached (log scale)"
set key top right samplen 1.5 spacing 1.0 font FONT_SMALLER
set title "schedules that decay"
plot for [i = 1:5] data(word(LEFT, i)) using "step":(column("loss") - FLOOR) with lines lt i title name(LEFT_NAMES, i)
set title "schedules that also climb"
unset ylabel
set format y ""
plot for [i = 1:4] data(word(RIGHT, i)) using "step":(column("loss") - FLOOR) with lines lt i title name(RIGHT_NAMES, i)
unset multiplot
