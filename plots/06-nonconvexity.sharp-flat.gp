# Chapter 6: a sharp and a flat minimum of the same depth.
# f(w) = (w² − 1)² ((w + 1)² + 1/4) is exactly 0 at w = −1 and at w = 1, but
# its curvature there is f'' = 2 and f'' = 34 (the program's critical task
# computes both).
#
# Left: the curve, with the band w* ± 0.2 shaded around each minimum. Within
# the same band the loss stays low around the flat minimum and climbs the
# walls of the sharp one.
# Right: how much the loss rises when w moves by δ away from each minimum,
# f(w* + δ) − f(w*), for |δ| up to 0.2 (perturb.csv). Near δ = 0 both rises
# are parabolas ½ f''(w*) δ², seventeen times steeper at the sharp minimum;
# further out the quartic and sextic terms make each curve lopsided.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/06-nonconvexity.sharp-flat.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "sharp-flat-critical sharp-flat-perturb"
@REQUIRE

f(w) = (w**2 - 1)**2 * ((w + 1)**2 + 0.25)

# The largest perturbation, read from the data: the last row's delta is D.
stats data("sharp-flat-perturb") using "delta" nooutput name "DELTA"
D = DELTA_max
# The curvature f'' at each minimum, from the critical task's rows
# (lambda_min = f'' in one dimension); w < 0 is the flat one.
stats data("sharp-flat-critical") using \
    (strcol("kind") eq "minimum" && column("w") < 0 ? column("lambda_min") : NaN) \
    nooutput name "FLAT"
stats data("sharp-flat-critical") using \
    (strcol("kind") eq "minimum" && column("w") > 0 ? column("lambda_min") : NaN) \
    nooutput name "SHARP"

# Margins in characters, so that they grow with the text; the top one
# holds the right panel's title on two lines (on one, the two titles run
# into each other at SCALE=1.5, a canvas about 51 characters wide).
set multiplot layout 1, 2 margins char 6.5, 2.4, 3.8, 3.7 spacing char 8.5, 0

set title "f(w) = (w^2 − 1)^2 ((w + 1)^2 + 1/4)"
set xrange [-1.7:1.7]
set yrange [0:2.2]
# Labels every 1, ticks every 0.5: labelled every 0.5, the w axis's run
# into one another at SCALE=1.5.
set xtics 1
set mxtics 2
set ytics 0.5
set samples 400
set xlabel "w"
set ylabel "f(w)"
unset key
set object 1 rect from -1 - D, graph 0 to -1 + D, graph 1 \
    fc rgb "#0072B2" fs transparent solid 0.15 noborder back
set object 2 rect from 1 - D, graph 0 to 1 + D, graph 1 \
    fc rgb "#D55E00" fs transparent solid 0.15 noborder back
set label 1 sprintf("flat\nf'' = %.3g", FLAT_max) at -1, 1.95 center \
    font FONT_NOTE textcolor rgb ink(1)
set label 2 sprintf("sharp\nf'' = %.3g", SHARP_max) at 0.85, 1.95 right \
    font FONT_NOTE textcolor rgb ink(2)
plot f(x) ls 9 lw 1.8, \
     data("sharp-flat-critical") using "w":(strcol("kind") eq "minimum" ? column("loss") : NaN) \
         with points pt 7 ps 1 lc rgb "#000000"
unset object 1; unset object 2; unset label 1; unset label 2

set title sprintf("the same perturbation,\n|δ| ≤ %.1f", D)
set xrange [-D:D]
set yrange [0:1.3]
set xtics 0.1
set mxtics default
set ytics 0.2
set xlabel "δ"
# On two lines: on one it is longer than the panel is high at SCALE=1.5.
set ylabel "loss rise\nf(w* + δ) − f(w*)"
# In the smaller text and on two lines an entry, so that it fits above
# the curves in the panel's width at SCALE=1.5; its white patch trimmed
# to the text (gnuplot reckons it generously), so as not to cover the
# sharp minimum's curve.
set key top left Left reverse font FONT_SMALL samplen 1.5 spacing 2.4 width -3
plot data("sharp-flat-perturb") using "delta":"rise_sharp" with lines ls 2 \
         title "sharp minimum,\nw* = 1", \
     data("sharp-flat-perturb") using "delta":"rise_flat" with lines ls 1 \
         title "flat minimum,\nw* = −1"
unset multiplot
