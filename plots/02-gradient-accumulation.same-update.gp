# Chapter 2: accumulating gradients over micro-batches against one large
# batch. Every run starts from the same w, b and carries, beside itself, a
# reference: correct full-batch gradient descent from that start.
#
# Top: the training loss against the step. The line is the large batch; the
# markers are two accumulated runs, 4 micro-batches of 25 examples and 4 of
# 40, 30, 20 and 10, each gradient weighted by its share of the data
# (n_m / N). They sit on the line at every step.
#
# Bottom: how far each run's parameters are from the large batch's at the
# same step, max(|w - w_ref|, |b - b_ref|), on a log axis. Weighted by size,
# the difference is a unit or so in the last place of a double (about 1e-16)
# at a few early steps, and exactly zero otherwise: the sums are the same
# numbers added in another order, and that is all. Weighted 1/k each (right
# only for equal sizes) or not weighted at all, the unequal micro-batches
# pull the parameters away during the descent, by tenths (1/k) and by more
# than a whole unit at first (not weighted), and still by about
# 1e-2 at the end: those runs minimise a different loss. The dashed line is
# one unit in the last place of 1.0, the gap between neighbouring doubles
# near the parameters' values.
#
# A log axis cannot show 0, and gnuplot would quietly drop those points, so
# an exact 0 is drawn at 1e-18, on a dotted line below everything a double
# near 1 can resolve, with a note saying so. The line breaks at such a point
# rather than dive to a made-up value.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/02-gradient-accumulation.same-update.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "accumulate-k4 unequal-size unequal-equal unequal-none"
@REQUIRE

ZERO_AT = 1e-18
measured(d) = (d > 0 ? d : NaN)       # NaN: no point, the line breaks
exact_zero(d) = (d == 0 ? ZERO_AT : NaN)

# The bottom panel gets the larger share: it spans twenty decades. The
# outer margins are in characters, so that they grow with the text (the
# y labels and tick labels at the left, the x tick labels and label at the
# bottom); only the split between the panels is a fraction of the figure.
# The keys and the bottom panel's notes use the smaller text, so that they
# fit the empty parts of their panels at any text size.
set multiplot
set lmargin 11
set rmargin 2
set tmargin 1
set bmargin at screen 0.72

# ------------------------------------------------------------- top: losses
set logscale y
set format y "10^{%L}"
set xrange [0:200]
set format x ""
set ylabel "loss\n(log scale)"
set yrange [1e-3:1e2]
set ytics 100
set key at graph 0.98, graph 0.97 right top Left reverse font FONT_SMALL spacing 0.9 width -6

plot data("accumulate-k4") using "step":"ref_loss" with lines ls 1 lw 3 \
         title "one batch of 100", \
     data("accumulate-k4") every 5 using "step":"loss" with points ls 2 pt 6 ps 1.0 \
         title "4 micro-batches of 25, weighted n_m/N", \
     data("unequal-size") every 5::2 using "step":"loss" with points ls 3 pt 8 ps 1.0 \
         title "4 of 40, 30, 20, 10, weighted n_m/N"

# ------------------------------------------- bottom: distance from the reference
set tmargin at screen 0.68
set bmargin 4
set format x "%g"
set xlabel "step k"
set ylabel "max |θ − θ_{one batch}|"
set yrange [ZERO_AT/1e4:10]
set ytics 1e-18, 1e4
set format y "10^{%L}"
# (top at 10^-3.5: clear of the unequal runs above it, and of the unit in
# the last place's label below it)
set key at graph 0.98, first 10**-3.5 right top Left reverse font FONT_SMALL spacing 0.9 width -6

set arrow 1 from graph 0, first ZERO_AT to graph 1, first ZERO_AT nohead lc rgb "#b0b0b0" dt 3 back
set label 1 "exactly 0 (drawn at 10^{-18})" at graph 0.98, first ZERO_AT offset 0, -0.8 \
    right front textcolor rgb "#404040" font FONT_SMALL
# One unit in the last place of 1.0, the spacing of doubles near w and b.
ULP_OF_ONE = 2.0**-52
set label 2 "one unit in the last place of 1.0 = 2^{-52} ≈ 2.2×10^{-16}" \
    at graph 0.98, first ULP_OF_ONE offset 0, 0.6 right front textcolor rgb "#000000" font FONT_SMALL

# Not weighted is purple (ls 4) and weighted 1/k orange (ls 5), as in the
# no-weighting figure: one colour a weighting through the chapter.
plot data("unequal-none")  using "step":(measured(column("param_diff"))) with lines ls 4 \
         title "40, 30, 20, 10, not weighted", \
     data("unequal-equal") using "step":(measured(column("param_diff"))) with lines ls 5 \
         title "40, 30, 20, 10, weighted 1/k", \
     data("accumulate-k4") using "step":(measured(column("param_diff"))) with points ls 2 pt 6 ps 1.0 \
         title "25 each, weighted n_m/N", \
     data("unequal-size")  using "step":(measured(column("param_diff"))) with points ls 3 pt 8 ps 1.0 \
         title "40, 30, 20, 10, weighted n_m/N", \
     data("accumulate-k4") using "step":(exact_zero(column("param_diff"))) with points ls 2 pt 6 ps 0.5 notitle, \
     data("unequal-size")  using "step":(exact_zero(column("param_diff"))) with points ls 3 pt 8 ps 0.5 notitle, \
     ULP_OF_ONE with lines ls 8 notitle

unset multiplot
