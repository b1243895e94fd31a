# Chapter 4: how low each optimizer gets against its learning rate, on two
# problems, on log-log axes. Each point is one run at torch's defaults but
# for the learning rate (SGD's momentum run uses 0.9); its height is the
# largest loss over the run's last 10 steps, so a lucky landing on one step
# does not count. A gap in a curve means that run diverged (the program
# records nan there, and nan is not drawn). Left: Rosenbrock after 100
# steps. Right: the quadratic with κ = 10^4 after 200 steps, a problem
# whose scales differ by 100 between the two coordinates. Losses below the
# bottom of an axis are drawn on it as open triangles (RMSprop and Adagrad
# reach 1e-100 and less on the right, where per-coordinate scaling undoes
# the whole ill-conditioning of an axis-aligned bowl).
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/04-optimizers.lr-sweep.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "sweep-rosenbrock sweep-scaled"
@REQUIRE
# The same colour for each optimizer as in the losses figure.
LT = "1 2 4 5 6 7"

COLS = "sgd momentum adam rmsprop adagrad lion"
NAMES = "SGD|momentum 0.9|Adam|RMSprop|Adagrad|Lion"
name(i) = system(sprintf("echo '%s' | cut -d'|' -f%d", NAMES, i))
BOTTOM = 1e-12
inside(v) = (v >= BOTTOM ? v : NaN)
below(v) = (v < BOTTOM ? BOTTOM : NaN)

# Sized for SCALE=1.5 too, where the full labels did not fit: x labels two
# decades apart (every decade's ran into the next), titles on two lines
# (they ran into each other), a shorter y label (it was longer than the
# plot was high), and the key in the small size, with "momentum 0.9" for
# "SGD + momentum 0.9", in the empty lower half of the left panel (it was
# wider than the panel, and covered the right one's curves). Its last
# entry names the open triangles, which only the caption explained: a
# slide shows no caption.
set multiplot layout 1, 2 margins char 10.3, 2.5, 3.8, 3.5 spacing char 6.9, 0
set logscale xy
set format y "10^{%L}"
set xrange [5e-6:20]
set yrange [BOTTOM:1e4]
# A tic and grid line at every decade, a label at every other one.
set xtics 1e-5, 10 format ""
set xtics add ("10^{-4}" 1e-4, "10^{-2}" 1e-2, "10^{0}" 1)
set ytics 1e-12, 1e4
# (no minor y tics between labels four decades apart: they merged into
# blots)
unset mytics
set xlabel "learning rate"
set ylabel "final loss (log scale)"
set key bottom left Left reverse spacing 1.0 samplen 1.5 width -2 font FONT_SMALL

do for [panel in "sweep-rosenbrock sweep-scaled"] {
    if (panel eq "sweep-rosenbrock") {
        set title "Rosenbrock\n100 steps"
    } else {
        set title "quadratic with κ = 10^4\n200 steps"
        unset ylabel
        unset key
    }
    plot for [i = 1:6] data(panel) using "lr":(inside(column(word(COLS, i)))) \
             with linespoints lt word(LT, i)+0 title name(i), \
         for [i = 1:6] data(panel) using "lr":(below(column(word(COLS, i)))) \
             with points lt word(LT, i)+0 pt 8 ps 1.2 notitle, \
         NaN with points lc rgb "#404040" pt 8 ps 1.2 title "below 10^{-12}"
}
unset multiplot
