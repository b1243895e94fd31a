# Chapter 6: more hidden units, fewer bad local minima. The XOR network with
# H = 1, 2, 3 and 4 hidden units, each trained 2000 steps (η = 1) from 20
# random initialisations (seeds 1 to 20). Each point is one run's final loss
# (log axis), spread sideways by its seed so the points do not hide each
# other; filled where the network classifies all four examples correctly,
# hollow where it does not.
#
# One unit cannot represent XOR at all. Two units can, but several seeds
# end at a poor local minimum, two of the four examples unresolved
# (accuracy 0.5, loss ln 2/2). With three or four
# units every seed finds a solution: the extra units give descent more ways
# down. The counts above the columns are read from the data (the running
# "solved" column's last row).
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/06-nonconvexity.xor-seeds.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "xor-seeds-h1 xor-seeds-h2 xor-seeds-h3 xor-seeds-h4"
@REQUIRE

# The counts first: stats honours the axis ranges set below. Each hangs
# from the top of the plot by character heights, above the highest losses
# (the axis reaches to 20 to leave them the room at SCALE=1.5).
do for [h = 1:4] {
    stats data(sprintf("xor-seeds-h%d", h)) using "solved" nooutput name "S"
    stats data(sprintf("xor-seeds-h%d", h)) using "trial" nooutput name "T"
    set label h sprintf("%d of %d\nsolved", int(S_max), int(T_max) + 1) \
        at h, graph 1 offset 0, -0.8 center front
}

set logscale y
set format y "10^{%L}"
set yrange [1e-4:20]
set xrange [0.4:4.6]
set xtics 1
set grid noxtics
set xlabel "hidden units H"
set ylabel "final loss (log scale)"
# The key in the empty band between the losses of the runs that fit XOR
# and of those that did not: at the bottom, it ran into the points of
# H = 2 at SCALE=1.5.
set key at graph 0.02, graph 0.45 left center Left reverse

# Seed i of 20 sits at H + 0.6·(i/19 − 1/2).
offset(trial) = 0.6 * (trial / 19.0 - 0.5)
solved(acc, y) = acc == 1 ? y : NaN
unsolved(acc, y) = acc == 1 ? NaN : y

plot for [h = 1:4] data(sprintf("xor-seeds-h%d", h)) \
         using (h + offset(column("trial"))):(solved(column("accuracy"), column("loss"))) \
         with points ls 1 pt 7 ps 0.8 title (h == 1 ? "all 4 examples right" : ""), \
     for [h = 1:4] data(sprintf("xor-seeds-h%d", h)) \
         using (h + offset(column("trial"))):(unsolved(column("accuracy"), column("loss"))) \
         with points ls 2 pt 6 ps 0.9 title (h == 1 ? "some wrong" : "")
