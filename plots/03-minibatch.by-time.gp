# Chapter 3: the same three runs once more, the training loss now against
# time, on a log axis.
#
# Wall-clock time is different on every run and every machine, and the
# course's data must be the same bytes on every build, so this figure does
# not time the runs it draws. It models time instead: each run's steps
# times the seconds one of its steps takes, measured once on the machine the
# course was written on (a 2-core Intel Xeon virtual machine, gcc 12 -O2,
# one core) with
#   build/bin/03-minibatch --task timing --batch-size B
# for B = 32 and B = 1000 (whose sgd-step row gives B = 1). The rows
# "minibatch-step" and "sgd-step" time the gradient of a batch plus the
# update, averaged over a pass of shuffled batches (N/B steps, at most
# 20000); the median of at least 7 runs.
# Run the same command to measure your machine. The model leaves out what
# the chapter program adds on top (computing the full loss for every row);
# that is bookkeeping for the figure, not training.
#
# Of sgd.csv's 20000 rows, the first 200 and then every 20th are drawn, as
# in the by-updates figure.
#
# The lesson's point stands out: per example, a step of one example costs
# about five times what a step of 32 does (the fixed cost of a step is
# spread over fewer examples), while B = 32 and B = 1000 cost about the same
# per example.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/03-minibatch.by-time.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "full minibatch sgd solve"
@REQUIRE

# Seconds per step, measured as described above.
sgd_step_seconds       = 21.5e-9
minibatch_step_seconds = 141.6e-9
full_step_seconds      = 4417e-9

stats data("solve") using "loss" nooutput name "FLOOR"
floor_loss = FLOOR_min

set logscale xy
set format x "10^{%L}"
set format y "10^{%L}"
set xlabel "modelled time (microseconds, log scale):\nsteps × measured seconds per step"
set ylabel "training loss L (log scale)"
set xrange [1e-2:1e3]
# Down to 3×10^-4, to leave room for the minimum's label under its line. The
# key sits above the plot: inside, no corner is free at every text size.
# gnuplot sets the top margin to fit it, in as many columns as fit. Each
# entry gives its run's measured time per step (once a note of its own,
# which the curves left no room for at a large text size).
set yrange [3e-4:30]
set key tmargin right Left reverse
step_ns(seconds) = sprintf("%.0f ns a step", seconds * 1e9)

micro(steps, seconds) = steps > 0 ? steps * seconds * 1e6 : NaN

set label 1 sprintf("least-squares minimum %.4f", floor_loss) \
    at graph 0.98, first floor_loss offset 0, -0.9 right front

# Markers at the same steps as in the figure by updates
# (03-minibatch.by-updates.gp), about half a decade apart on the log axis.
SGD_MARKS = "2 6 20 60 200 600 2000 6000 20000"
MINIBATCH_MARKS = "30 60 120 240 480"
plot data("sgd") every ::1::200 using (micro(column("step"), sgd_step_seconds)):"loss" \
         with lines ls 2 notitle, \
     data("sgd") every 20::200 using (micro(column("step"), sgd_step_seconds)):"loss" \
         with lines ls 2 notitle, \
     data("sgd") using (micro(column("step"), sgd_step_seconds)):(at_rows(SGD_MARKS, column("step"), column("loss"))) \
         with points ls 2 notitle, \
     NaN with linespoints ls 2 title "stochastic, B = 1 (" . step_ns(sgd_step_seconds) . ")", \
     data("minibatch") using (micro(column("step"), minibatch_step_seconds)):"loss" \
         with lines ls 1 notitle, \
     data("minibatch") using (micro(column("step"), minibatch_step_seconds)):(at_rows(MINIBATCH_MARKS, column("step"), column("loss"))) \
         with points ls 1 notitle, \
     NaN with linespoints ls 1 title "minibatch, B = 32 (" . step_ns(minibatch_step_seconds) . ")", \
     data("full") using (micro(column("step"), full_step_seconds)):"loss" \
         with linespoints ls 3 \
         title "full batch, B = 1000 (" . step_ns(full_step_seconds) . ")", \
     floor_loss with lines ls 8 notitle
