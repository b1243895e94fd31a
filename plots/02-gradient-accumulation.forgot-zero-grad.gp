# Chapter 2: inside the run that forgets zero_grad, the first 60 steps of
# the slope parameter w. Two numbers per step:
#   - the gradient of the loss at that step's w and b (grad_w): what w.grad
#     would hold had it been cleared first, the direction a correct update
#     takes;
#   - what w.grad actually held when the step was taken (used_grad_w): the
#     sum of that gradient and every earlier one.
# Over the first steps the gradients all point the same way, so the stored
# sum grows step after step while the true gradient shrinks towards zero.
# When w reaches the minimum the true gradient is zero but the sum is at its
# largest, so the step is at its largest too, and w shoots past. From then on
# the sum keeps swinging with it and never settles. The two curves are a
# running sum and its summands: used_grad_w at step k is the sum of grad_w
# over steps 0 to k.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/02-gradient-accumulation.forgot-zero-grad.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "no-zero"
@REQUIRE

set xlabel "step k"
set ylabel "∂L/∂w"
set xrange [0:60]
set xtics 10
set yrange [-20:25]
# The key sits in the band above the curves' peaks, one entry a row (laid
# out "horizontal maxcols 1", gnuplot gave it the width of both entries side
# by side and pushed it off the left edge once the text grew). Its entries
# are kept short, and "width -4" hands back the blank gnuplot leaves right
# of the text, so that it stays narrower than the plot at any text size.
set key top right Left reverse width -4

# The zero line: where a gradient says "stay".
set arrow 1 from graph 0, first 0 to graph 1, first 0 nohead ls 8 back

plot data("no-zero") using "step":"used_grad_w" with linespoints ls 2 \
         title "w.grad at the step (no zero\\_grad)", \
     data("no-zero") using "step":"grad_w" with linespoints ls 1 \
         title "the gradient at that step's w, b"
