# Chapter 9: the gap between neighbouring numbers of each format against
# the size of the numbers, both on log scales. Every format's gap grows in
# proportion to the number (a line of slope 1: relative precision is
# constant, 2^-mantissa bits), flat where the subnormals keep the gap
# fixed, and ending at the format's largest number. bf16 runs beside fp32
# over the same range, 2^16 times as coarse; fp16 is finer than bf16 but
# lives between 6e-8 and 65504.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/09-precision.spacing.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "spacing"
@REQUIRE
FORMATS = "fp16 bf16 fp32 fp64"

set logscale xy
set format x "10^{%L}"
set format y "10^{%L}"
set xrange [1e-45:1e39]
set yrange [1e-62:1e38]
# A number every twenty decades (a minor tick between): every ten, the
# numbers run into one another once the text is scaled up for a projector.
set xtics 1e-40, 1e20
set mxtics 2
set ytics 1e-60, 1e15
set xlabel "magnitude of the number"
set ylabel "gap to its neighbour"
set key top left Left reverse font FONT_SMALL samplen 1.5
set title "spacing of representable numbers"
# Each format's marker every 120 rows of the file (six decades of
# magnitude), the formats 30 rows apart: bf16 and fp32 run side by side.
plot for [i = 1:4] data("spacing") using "magnitude":word(FORMATS, i) with lines lt i notitle, \
     for [i = 1:4] data("spacing") using "magnitude":word(FORMATS, i) every 120::(30*(i - 1)) with points lt i notitle, \
     for [i = 1:4] NaN with linespoints lt i title word(FORMATS, i)
