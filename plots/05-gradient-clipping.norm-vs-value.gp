# Chapter 5: clipping by norm against clipping by value, on the same run
# (the recurrence of length 10 from (1.5, 0), lr 0.002, 300 steps).
#
# Left, the two paths over the contours of the loss, which has the closed
# form L = (w^10 - 2)^2 + (b S(w) - 1)^2 with S(w) = (w^10 - 1)/(w - 1)
# (the usage text of the program derives it); the contours are drawn at
# L = 10^k, because the loss spans five decades in this window, and the
# star is the minimum (2^(1/10), 2^(1/10) - 1). The gradient here points
# almost exactly along -w (its b part is a few hundred times smaller), so
# clipped by norm the path runs down the w axis with b hardly moving, and
# turns to b only near the bottom. Clipped by value, both entries are
# clamped to 1 while both are above it, so the step is a diagonal (-1, 1)
# and b moves as fast as w: the path climbs at once (the window is five
# times taller in w than in b, so the 45-degree start looks steep) and then
# follows the valley floor, zig-zagging across it a step at a time.
#
# Right, the angle between the gradient and the clipped gradient the step
# uses, per step: zero for clipping by norm (a positive multiple of a
# vector points the same way; the program's values are below 1e-14
# degrees, rounding), close to 45 degrees for clipping by value while
# both entries are clamped. As b zig-zags about the valley floor its
# entry drops below 1 on some steps, and only w's is clamped: those
# steps are turned by atan|g_b| instead, the points below the 45-degree
# band; they are drawn as points because a line through them would be a
# thicket. Once the whole gradient is small, clipping leaves it alone and
# the angle is zero.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/05-gradient-clipping.norm-vs-value.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "clip-norm clip-value"
@REQUIRE

T = 10
S(w) = (w == 1) ? T : (w**T - 1)/(w - 1)
f(w, b) = (w**T - 2)**2 + (b*S(w) - 1)**2
WSTAR = 2**(1.0/T)
BSTAR = WSTAR - 1

# At SCALE=1.5 the canvas is about 51 characters wide: the titles are on
# two lines, a one-line title being wider than its panel, and the keys in
# the smaller text, each in its panel's free corner.
set multiplot layout 1, 2 margins char 7.5, 2.6, 3.8, 3.7 spacing char 7, 0

# ------------------------------------------------------------- the paths
set view map
set contour base
set cntrparam levels discrete -2, -1, 0, 1, 2, 3
set isosamples 200, 200
set xrange [1.0:1.56]
# Up to 0.11, to leave the key room above the minimum's star.
set yrange [-0.01:0.11]
unset colorbox
set cntrlabel onecolor
set border 15 lw 1 lc rgb "#404040"
set tics in scale 0.5
set grid noxtics noytics
set xlabel "w" offset 0, 0.5
set ylabel "b" offset 1, 0
set xtics 0.1
set ytics 0.02
set title "paths (contours at loss\n10^{-2}, 10^{-1}, ..., 10^3)"
# Its white patch trimmed to the text (gnuplot reckons it generously, and
# more so in 3D): untrimmed, it hid the star and the paths' ends.
set key top right font FONT_SMALL width -6
splot log10(f(x, y)) nosurface with lines lc rgb "#c0c0c0" lw 1 notitle, \
      data("clip-norm") using "w":"b":(0) nocontours with lines ls 1 lw 2 \
          title "--clip-norm 1", \
      data("clip-value") using "w":"b":(0) nocontours with lines ls 2 lw 2 \
          title "--clip-value 1", \
      data("clip-norm") every ::0::0 using "w":"b":(0) nocontours \
          with points pt 6 ps 1.5 lc rgb "#000000" notitle, \
      "+" using (WSTAR):(BSTAR):(0) every ::0::0 nocontours \
          with points pt 3 ps 1.5 lc rgb "#000000" notitle

# ----------------------------------------------------- the angle per step
unset contour
unset view
set border 3
set tics out scale 1
set grid xtics ytics
set xlabel "step" offset 0, 0
set ylabel "angle (degrees)" offset 0, 0
set xrange [0:300]
# Room above the 45-degree band for the key.
set yrange [-2:60]
set xtics 100
set ytics 0, 15
set title "how far clipping\nturns the gradient"
# The key names norm before value, as the left panel's and the lesson do;
# the value points are drawn first all the same, so the norm's line at 0
# lies on top of them.
set key at graph 1, graph 1 right top font FONT_SMALL
plot data("clip-value") using "step":"angle" with points ls 2 ps 0.35 notitle, \
     data("clip-norm") using "step":"angle" with lines ls 1 lw 2.5 notitle, \
     NaN with lines ls 1 lw 2.5 title "--clip-norm 1", \
     NaN with points ls 2 ps 0.35 title "--clip-value 1"
unset multiplot
