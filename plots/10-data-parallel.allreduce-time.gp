# Chapter 10: the time of one all-reduce against the vector's size, the
# ring and the tree by hand and MPI_Allreduce, on 2 ranks (left, a rank a
# core) and 4 (right, two ranks a core), with the alpha-beta model fitted
# to the ring's and the tree's times (dashed: t = alpha*messages +
# beta*wire_bytes, each with its own counts, drawn in its colour; the key
# shows the dashes in grey, for both). Timings cannot come from
# make (they differ run to run): the rows are make bench's, committed with
# their provenance in plots/10-data-parallel.allreduce-time.inc (to
# update: sh tests/10-data-parallel.bench.sh, then copy
# build/bench/10-data-parallel.allreduce-time.inc over it).
#
# Run (from any folder; DATADIR is build/data/NN-topic, unused here):
#   gnuplot -c plots/10-data-parallel.allreduce-time.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
load dirof(ARG0) . '10-data-parallel.allreduce-time.inc'

# The rows of one all-reduce on p ranks: its time in microseconds, else NaN.
pick(how, p) = (strcol("allreduce") eq how && column("ranks") == p) ? column("seconds") * 1e6 : NaN
steps(p) = ceil(log(p) / log(2) - 1e-9)
ring(s, p, a, b) = 1e6 * (a * 2 * (p - 1) + b * 2 * (p - 1) / p * s)
tree(s, p, a, b) = 1e6 * (a * 2 * steps(p) + b * 2 * steps(p) * s)

# At SCALE=1.5 the canvas is about 51 characters wide and 17 high: the
# right title and the y label are on two lines, the sizes are labelled
# every 1024 times (every 64 times, the labels ran into one another), and
# the key, which holds for both panels, is below them, in two rows
# (inside the left one it hid the top of the curves).
set multiplot layout 1, 2 margins char 9, 2.5, 6, 3.7 spacing char 8.6, 0
set logscale xy
set xrange [8:67108864]
set yrange [0.2:2e6]
set xtics ("8 B" 8, "1 KiB" 1024, "1 MiB" 1048576)
set format y "10^{%L}"
# Every other power of ten labelled: all of them crowd the shorter axis.
set ytics 100
set xlabel "vector size"
set ylabel "microseconds\nper all-reduce"
set key at screen 0.5, character 0.3 center bottom vertical maxrows 2 Left reverse \
    samplen 1.5 font FONT_SMALL
set samples 200
set title "2 ranks (one a core)"
plot $allreduce using "bytes":(pick("ring", 2)) with linespoints lt 1 pt 7 ps 0.5 title "ring", \
     $allreduce using "bytes":(pick("tree", 2)) with linespoints lt 2 pt 7 ps 0.5 title "tree", \
     $allreduce using "bytes":(pick("mpi", 2))  with linespoints lt 3 pt 7 ps 0.5 title "MPI\\_Allreduce", \
     ring(x, 2, ALPHA_2, BETA_2) with lines lt 1 dt 11 notitle, \
     tree(x, 2, ALPHA_2, BETA_2) with lines lt 2 dt 11 notitle, \
     keyentry with lines lc rgb "#555555" dt 11 title "alpha-beta model"
unset ylabel
set title "4 ranks (two a core:\noversubscribed)"
unset key
plot $allreduce using "bytes":(pick("ring", 4)) with linespoints lt 1 pt 7 ps 0.5, \
     $allreduce using "bytes":(pick("tree", 4)) with linespoints lt 2 pt 7 ps 0.5, \
     $allreduce using "bytes":(pick("mpi", 4))  with linespoints lt 3 pt 7 ps 0.5, \
     ring(x, 4, ALPHA_4, BETA_4) with lines lt 1 dt 11, \
     tree(x, 4, ALPHA_4, BETA_4) with lines lt 2 dt 11
unset multiplot
