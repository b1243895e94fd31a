# Chapter 3: how far a minibatch gradient lands from the full gradient, by
# batch size, at the start of training (w = 0, b = 0), log-log.
#
# For each batch size B the program drew 400 batches (each the first B
# examples of a fresh shuffle) and measured the error g_B - g of each batch
# gradient against the full gradient g. The points are the root mean square
# size of that error; the line is the prediction for drawing B of N
# examples without replacement, sqrt(σ²/B · (N - B)/(N - 1)), with σ² the
# spread of the single-example gradients. It falls like 1/sqrt(B): four
# times the batch halves the noise; at B = N it is exactly zero (not drawn
# on a log axis), since the batch is then the whole dataset.
#
# The crosses are the size of the error averaged over the 400 draws: far
# below the single errors (about 1/20 of them, 1/sqrt(400)), because the
# errors point every which way and cancel. That is what "unbiased" looks
# like: on average the minibatch gradient is the full gradient. The dashed
# line is the size of the full gradient itself, for scale.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/03-minibatch.gradient-noise.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "noise"
@REQUIRE

stats data("noise") using "grad_norm" nooutput name "G"
grad_norm = G_min

set logscale xy 2
set logscale y 10
set format y "10^{%L}"
set xlabel "batch size B (log scale)"
set ylabel "size of the gradient error\n|g_B - g| (log scale)"
set xrange [0.8:1300]
set xtics (1, 4, 16, 64, 256, 1000)
set yrange [1e-2:100]
# The key sits above the plot: inside, below the crosses, it covered the
# largest batches' crosses once the text was scaled up. gnuplot sets the top
# margin to fit it.
set key tmargin right Left reverse

positive(v) = v > 0 ? v : NaN

# (short, so that it stays right of where the curve crosses the line, at
# any text size)
set label 1 sprintf("full gradient: |g| = %.2f", grad_norm) \
    at graph 0.98, first grad_norm offset 0, 0.8 right front

plot data("noise") using "batch_size":(positive(column("predicted_rms"))) \
         with lines ls 8 dt 1 lw 1.5 title "predicted: sqrt(σ²/B · (N - B)/(N - 1))", \
     data("noise") using "batch_size":(positive(column("rms_error"))) \
         with points ls 1 pt 7 ps 1.2 title "measured, one batch (rms over 400 draws)", \
     data("noise") using "batch_size":(positive(column("mean_error"))) \
         with points ls 2 pt 2 ps 1.2 title "the error's average over the 400 draws", \
     grad_norm with lines ls 8 notitle
