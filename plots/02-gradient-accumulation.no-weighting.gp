# Chapter 2: what forgetting the micro-batch weights does, on equal
# micro-batches: the loss against the step, log scale.
#
# Each micro-batch's loss is already a mean over its examples, so adding the
# k gradients without the 1/k gives k times the large batch's gradient. That
# is the same as training with a learning rate k times larger, and nothing
# else. With k = 4 the run learns faster (0.2 instead of 0.05 is still a
# stable rate here), which is exactly what makes the bug easy to miss. With
# k = 20 the effective rate, 1.0, is above the stable limit of these data
# (about 0.735, chapter 1), and the loss grows by a constant factor a step
# until it leaves the top of the plot; the run itself ends with a loss near
# 1e95 after 200 steps. Splitting a batch into more pieces to save memory
# should change nothing; here it changes everything.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/02-gradient-accumulation.no-weighting.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "accumulate-k4 k4-none k20-none"
@REQUIRE

set logscale y
set format y "10^{%L}"
set xlabel "step k"
set ylabel "mean squared error\n(log scale)"
set xrange [0:60]
set xtics 10
set yrange [1e-3:1e3]
# The key sits top right, clear of the 20-micro-batch run (which leaves the
# plot within a few steps) and above the others. Its title says
# "micro-batches" once and its text is the smaller size, so that it stays
# narrow enough for that corner at any text size; "width -7" hands back the
# blank gnuplot leaves right of the text (it sizes the key for full-size
# text).
set key top right Left reverse width -7 font FONT_SMALL title "micro-batches:" left

# A weighting keeps its colour through the chapter: weighted 1/k is
# orange (ls 5) and not weighted purple (ls 4), as in the same-update
# figure (02-gradient-accumulation.same-update.gp). The two unweighted runs
# share the purple and differ in their markers, filled for 4 and open for 20.
plot data("accumulate-k4") using "step":"loss" with linespoints ls 5 \
         title "4, weighted 1/k (= the large batch)", \
     data("k4-none") using "step":"loss" with linespoints ls 4 \
         title "4, not weighted: like η = 4 × 0.05", \
     data("k20-none") using "step":"loss" with linespoints ls 4 pt 12 ps 0.9 \
         title "20, not weighted: like η = 20 × 0.05"
