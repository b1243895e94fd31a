# Chapter 4: the loss against the step for every optimizer on the three
# problems of the path figures (same runs), on logarithmic loss axes, one
# panel per problem. A straight falling line is a constant factor per step.
# On the regression the loss cannot fall below the least-squares minimum
# (the dashed floor, computed here from the saved data with the normal
# equations), so its axis starts just below that floor. No loss in these
# runs is exactly zero, so the log axes drop no point; but Lion's hops
# land very close to the minimum now and then (losses near 1e-30 on the
# quadratic and 1e-27 on Rosenbrock), and those dips run off the bottom of
# the axes rather than stretching them over thirty decades.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/04-optimizers.losses.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
RUNS = "sgd momentum nesterov adam rmsprop adagrad lion"
NAMES = "SGD|momentum|Nesterov|Adam|RMSprop|Adagrad|Lion"
REQUIRED = "linreg-data"
do for [p in "quadratic rosenbrock linreg"] { do for [r in RUNS] { REQUIRED = REQUIRED." ".p."-".r } }
@REQUIRE
name(i) = system(sprintf("echo '%s' | cut -d'|' -f%d", NAMES, i))

# Two more colours from Okabe and Ito's palette, for the sixth and seventh
# curves (style.gp defines five).
set linetype 6 lc rgb "#56B4E9" lw 1.5 pt 4 ps 0.6
set linetype 7 lc rgb "#000000" lw 1.2 pt 2 ps 0.6

# The regression's floor: the loss at the least-squares line.
stats data("linreg-data") using (column("x")**2) nooutput name "UU"
stats data("linreg-data") using "x" nooutput name "U"
stats data("linreg-data") using (column("x")*column("y")) nooutput name "UV"
stats data("linreg-data") using "y" nooutput name "V"
stats data("linreg-data") using (column("y")**2) nooutput name "VV"
DET = UU_mean - U_mean**2
W = (UV_mean - U_mean*V_mean)/DET
B = (UU_mean*V_mean - U_mean*UV_mean)/DET
FLOOR = W**2*UU_mean + 2*W*B*U_mean + B**2 - 2*W*UV_mean - 2*B*V_mean + VV_mean

set multiplot layout 1, 3 margins char 10.3, 2.6, 3.8, 2.5 spacing char 8, 0
set logscale y
set format y "10^{%L}"
set xlabel "step"
set key bottom left Left reverse samplen 1.5 spacing 1.0 font FONT_SMALL

set title "quadratic, κ = 10"
set ylabel "loss (log scale)"
set yrange [1e-18:1e2]
set ytics 1e-18, 1e4
plot for [i = 1:7] data("quadratic-".word(RUNS, i)) using "step":"loss" with lines lt i title name(i)

set title "Rosenbrock"
set xtics 250
unset ylabel
set yrange [1e-9:1e3]
set ytics 1e-9, 1e3
unset key
plot for [i = 1:7] data("rosenbrock-".word(RUNS, i)) using "step":"loss" with lines lt i

set title "chapter 1's regression"
set xtics 20
set ytics auto
set format y "%g"
# (below the floor, where no run goes: above it, the runs converge)
set label 1 "least-squares floor" at graph 0.5, first FLOOR offset 0, -0.7 center font FONT_SMALLER
set yrange [FLOOR*0.5:10]
plot for [i = 1:7] data("linreg-".word(RUNS, i)) using "step":"loss" with lines lt i, \
     FLOOR with lines ls 8
unset multiplot
