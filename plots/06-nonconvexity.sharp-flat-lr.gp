# Chapter 6: a sharp minimum cannot hold a large learning rate.
# Gradient descent on f(w) = (w² − 1)² ((w + 1)² + 1/4) from w = 1.01, a
# hundredth away from the sharp minimum w = 1 (curvature f'' = 34), with
# three learning rates; the dashed lines mark the two minima.
#
# Near a minimum with curvature λ each step multiplies the distance to it by
# 1 − ηλ (chapter 1's parabola), so descent can settle there only for
# η < 2/λ = 2/34 ≈ 0.059:
#   - η = 0.01: the factor is 0.66, and w settles at 1 in a few steps;
#   - η = 0.07: the factor is −1.38; the oscillation grows until the
#     curve's nonlinearity caps it, and w bounces between about 0.86 and
#     1.07 forever, never settling;
#   - η = 0.1: the factor is −2.4; within a few steps the oscillation
#     throws w over the hump, and it settles in the flat minimum at w = −1,
#     where 1 − ηλ = 0.8 is comfortably stable.
# The same learning rate that cannot stay in the sharp minimum is perfectly
# happy in the flat one: large steps (and noisy ones) steer descent towards
# flat minima.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/06-nonconvexity.sharp-flat-lr.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "sharp-flat-lr0.01 sharp-flat-lr0.07 sharp-flat-lr0.1"
@REQUIRE

set xrange [0:40]
set yrange [-1.3:1.45]
set xtics 5
set ytics 0.5
set xlabel "step"
set ylabel "w"
# The key sits under the bounces, right of the thrown-out run's fall.
# gnuplot reckons a key's width from its count of characters, more than
# the text takes: trimmed, the white patch behind it stops covering the
# fall at SCALE=1.5.
set key at graph 1, graph 0.74 right top Left reverse width -4 font FONT_SMALL
set label 1 "sharp minimum, w = 1" at graph 0.98, first 1.3 right
set label 2 "flat minimum, w = −1" at graph 0.02, first -1 offset 0, -0.9 left

plot 1 with lines ls 8 notitle, -1 with lines ls 8 notitle, \
     data("sharp-flat-lr0.01") using "step":"w" with linespoints ls 1 pt 7 ps 0.5 \
         title "η = 0.01 < 2/34: settles", \
     data("sharp-flat-lr0.07") using "step":"w" with linespoints ls 2 pt 5 ps 0.5 \
         title "η = 0.07 > 2/34: bounces forever", \
     data("sharp-flat-lr0.1") using "step":"w" with linespoints ls 3 pt 9 ps 0.6 \
         title "η = 0.1: thrown out, settles at −1"
