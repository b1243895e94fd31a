# Chapter 1: checking the analytic gradient of the linear-regression loss
# against finite differences, and how the answer depends on the step h.
# Each point is the relative error |estimate - analytic| / |analytic| of one
# difference quotient, for h from 10^-1 down to 10^-12, on log-log axes.
#
# Forward differences (f(θ+h) - f(θ)) / h make two errors. Truncation: the
# quotient is the slope of a chord, off by about h/2 times the second
# derivative, so the error falls in proportion to h (a line of slope 1 here).
# Rounding: f(θ+h) and f(θ) agree in most of their digits, and the
# subtraction keeps only the noise in the last ones, an error proportional
# to u/h that grows as h shrinks (u is the unit roundoff of double precision,
# 2^-53 ≈ 1.1e-16, the dashed line). The two meet in a V whose bottom lies
# near h ≈ √u ≈ 1e-8: the best a forward difference can do is about 1e-8.
#
# Central differences (f(θ+h) - f(θ-h)) / 2h have no truncation error at all
# on this loss, because the mean squared error is quadratic in w and b and the
# central quotient is exact for quadratics. What is left is rounding alone,
# which is why their error starts near u at large h and grows roughly like
# u/h as h shrinks: for them, the larger h the better.
#
# A relative error can come out exactly 0. A log axis cannot show 0 and
# gnuplot would silently leave the point out, so a zero is drawn instead as
# a separate, unconnected triangle on a dotted line at 10^-17 (below u, so it
# cannot be mistaken for a measured value), and a note on the figure says how
# many there are. The curves themselves break at such a point rather than
# dive to a made-up value.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/01-gradient-descent.gradcheck.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "linreg-gradcheck"
@REQUIRE

file = data("linreg-gradcheck")
UNIT_ROUNDOFF = 2.0**-53
ZERO_AT = 1e-17
measured(e) = (e > 0 ? e : NaN)        # NaN: no point, the line breaks
exact_zero(e) = (e == 0 ? ZERO_AT : NaN)

# Count the exact zeros, to say on the figure how many were moved.
zeros = 0
stats file using (zeros = zeros \
    + (column("forward_error_w") == 0) + (column("central_error_w") == 0) \
    + (column("forward_error_b") == 0) + (column("central_error_b") == 0)) nooutput

set logscale xy
set format x "10^{%L}"
set format y "10^{%L}"
set xrange [1e-13:1]
set yrange [(zeros > 0 ? ZERO_AT/100 : ZERO_AT/10):1]
# A number every second decade on both axes: one on every decade of h runs
# the labels into each other once the text is scaled up for a projector.
set xtics 1e-12, 100
set mxtics 2
set ytics 100
set mytics 2
set xlabel "finite-difference step h"
set ylabel "relative error of the\ngradient estimate"
# The key sits in the empty corner under the rounding-error curves, above
# the unit-roundoff line, in the smaller text and with short entries (the
# x label says these are finite differences), which keeps it clear of both
# at any text size.
set key at first 1.5e-13, first 1e-8 left top Left reverse spacing 1.0 font FONT_SMALL width -3

set label 1 "unit roundoff u = 2^{-53} ≈ 1.1×10^{-16}" \
    at graph 0.02, first UNIT_ROUNDOFF offset 0, 0.7 left front
# Where the two kinds of error dominate; placed by hand beside the curves,
# at the slope the lines have on the page (about 24 degrees), each anchored
# on its line and lifted off it by an offset in characters, so that the gap
# grows with the text.
set label 2 "truncation ∝ h" at 1e-3, 3e-4 offset -0.5, 1.1 rotate by 24 center front textcolor rgb ink(2)
set label 3 "rounding ∝ u/h" at 1e-11, 5e-5 offset 0.6, 1.5 rotate by -24 center front textcolor rgb "#404040"
if (zeros > 0) {
    set arrow 1 from graph 0, first ZERO_AT to graph 1, first ZERO_AT nohead lc rgb "#b0b0b0" dt 3 back
    set label 4 sprintf("%d errors of exactly 0, drawn at 10^{-17}", zeros) \
        at graph 0.02, first ZERO_AT offset 0, -0.8 left front textcolor rgb "#404040"
}

plot file using "h":(measured(column("forward_error_w"))) with linespoints ls 2 \
         title "forward, ∂L/∂w", \
     file using "h":(measured(column("forward_error_b"))) with linespoints ls 2 dt 11 pt 4 \
         title "forward, ∂L/∂b", \
     file using "h":(measured(column("central_error_w"))) with linespoints ls 1 \
         title "central, ∂L/∂w", \
     file using "h":(measured(column("central_error_b"))) with linespoints ls 1 dt 11 pt 6 \
         title "central, ∂L/∂b", \
     for [col in "forward_error_w forward_error_b"] \
         file using "h":(exact_zero(column(col))) with points ls 2 pt 11 ps 1.0 notitle, \
     for [col in "central_error_w central_error_b"] \
         file using "h":(exact_zero(column(col))) with points ls 1 pt 11 ps 1.0 notitle, \
     UNIT_ROUNDOFF with lines ls 8 notitle
