# Chapter 1: gradient descent on the parabola f(w) = (w - 3)^2, seen on the
# curve itself. Each panel draws f and the points (w_k, f(w_k)) that gradient
# descent visits from w_0 = 0, joined in the order they are visited; the first
# few carry their step number so the order can be followed.
#
# Left, η = 0.1: each step moves w by 0.2 of its distance to the minimum, so
# the iterates creep down one side and never cross w = 3.
# Right, η = 0.9: each step overshoots, landing 0.8 of the distance away on
# the other side, so the path zig-zags across the minimum while it closes in.
# Both shrink the distance by the same factor 0.8 per step (|1 - 2η| = 0.8);
# only the side they approach from differs.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/01-gradient-descent.parabola-iterates.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "parabola-lr0.1 parabola-lr0.9"
@REQUIRE

f(w) = (w - 3)**2
W_MIN = 3
LABELLED = 3     # steps 0..LABELLED get a "w_k" label

# Margins and the gap between the panels in characters, so that they grow
# with the text: room for the tick labels and the y label at the left, for
# the right panel's tick labels between the panels, and for the two-line
# titles at the top.
set multiplot layout 1,2 margins char 9, 2, 3.5, 4.5 spacing char 6, 0

# The w axis reaches further left than right of the parabola, to keep the
# w_0 label (left of the start) inside the panel at any text size.
set xrange [-1.6:6.8]
set yrange [0:10.5]
set xtics 0, 1
set ytics 2
set samples 200
set xlabel "w"
unset key
set label 1 "start" at 0, 9 offset 1.2, 0.9 left front textcolor rgb "#303030"

# Labels sit on the outside of the parabola: to the left of points left of
# the minimum, to the right of the others. NaN drops a point from a plot.
left_of_min(w)  = (w <  W_MIN ? w : NaN)
right_of_min(w) = (w >= W_MIN ? w : NaN)

do for [run in "0.1 0.9"] {
    if (run eq "0.1") {
        set title "η = 0.1: creeps\ndown one side"
        set ylabel "f(w) = (w − 3)^2"
    } else {
        set title "η = 0.9: zig-zags\nacross the minimum"
        unset ylabel
    }
    file = data("parabola-lr".run)
    plot f(x) ls 9 lw 1.5, \
         file using "w":"loss" with linespoints ls (run eq "0.1" ? 1 : 2), \
         file every ::0::0 using "w":"loss" \
             with points pt 6 ps 1.8 lc rgb "#000000" lw 1.2, \
         file every ::0::LABELLED \
             using (left_of_min(column("w"))):"loss":(sprintf("w_%d", column("step"))) \
             with labels right offset -1.3,0 textcolor rgb "#303030", \
         file every ::0::LABELLED \
             using (right_of_min(column("w"))):"loss":(sprintf("w_%d", column("step"))) \
             with labels left offset 1.3,0 textcolor rgb "#303030"
}

unset multiplot
