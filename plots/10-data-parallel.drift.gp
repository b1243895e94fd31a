# Chapter 10: the same training on 1 to 4 ranks. Left, the global batch's
# loss: the fixed-order reduction on 1 rank and on 4 (the same bytes: the
# curves coincide), with the ring and MPI_Allreduce on 4 ranks. Right, how
# far the ring's and MPI_Allreduce's losses are from the fixed order's on
# 1 rank, relative, in units of the double's rounding step 2^-52 ≈ 2.2e-16.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/10-data-parallel.drift.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "fixed-p1 fixed-p4 ring-p2 ring-p3 ring-p4 mpi-p2 mpi-p3 mpi-p4"
@REQUIRE

# At SCALE=1.5 the canvas is about 51 characters wide and 17 high: the
# right title is on two lines, and the keys are kept off the data (at the
# top right they hid the first steps on the left and half the points on
# the right), their white patches trimmed to the text, which gnuplot
# reckons generously.
set multiplot layout 1, 2 margins char 7, 2.5, 3.8, 3.7 spacing char 7.5, 0
set xlabel "step"
set xtics 50
set ytics 0.5
set title "loss of the global batch"
# The key right of the first steps' fall, above the rest of the curve.
set key at graph 1, graph 0.85 right top samplen 1.5 font FONT_SMALL width -3
set yrange [0.4:2.4]
plot data("fixed-p1") using "step":"loss" with lines lt 1 lw 3 title "fixed, 1 rank", \
     data("fixed-p4") using "step":"loss" with lines lt 2 title "fixed, 4 ranks", \
     data("ring-p4")  using "step":"loss" with points lt 3 title "ring, 4 ranks", \
     data("mpi-p4")   using "step":"loss" with points lt 4 title "MPI\\_Allreduce, 4"
set title "drift from fixed, 1 rank\n(units of 2^{-52})"
# The drift's axis reaches above the data, to leave the key, in two
# columns, a band of its own.
set yrange [0:3.2]
set key inside top left maxrows 3 width -2
ulp = 2.0**-52
plot data("ring-p2") using "step":(column("drift") / ulp) with linespoints lt 3 dt 1 title "ring, 2", \
     data("ring-p3") using "step":(column("drift") / ulp) with linespoints lt 3 dt 2 title "ring, 3", \
     data("ring-p4") using "step":(column("drift") / ulp) with linespoints lt 3 dt 3 title "ring, 4", \
     data("mpi-p2")  using "step":(column("drift") / ulp) with linespoints lt 4 dt 1 title "MPI, 2", \
     data("mpi-p3")  using "step":(column("drift") / ulp) with linespoints lt 4 dt 2 title "MPI, 3", \
     data("mpi-p4")  using "step":(column("drift") / ulp) with linespoints lt 4 dt 3 title "MPI, 4"
unset multiplot
