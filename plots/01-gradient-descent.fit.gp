# Chapter 1: what the linear-regression run learned, drawn over its data.
# The grey points are the 100 training examples (y = 2x + 1 plus noise); the
# dashed line is that true rule; the solid line is w x + b with the w and b
# of the reference run's final step. The two lines nearly coincide: the
# learned values differ from 2 and 1 only because the noise in these 100
# points pulls the best-fitting line slightly away from the true one.
#
# The learned numbers in the key are read from the last row of linreg.csv when
# the figure is drawn, never typed in, so the figure always matches the run.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/01-gradient-descent.fit.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "linreg linreg-data"
@REQUIRE

# stats reads every row; each row overwrites these variables, so after the
# pass they hold the last row: the parameters after the final step.
stats data("linreg") using (w_final = column("w"), b_final = column("b"), \
                            steps = column("step")) nooutput

true_line(x)    = 2*x + 1
learned_line(x) = w_final*x + b_final

set xlabel "x"
set ylabel "y"
set yrange [-6:6]
set ytics 2
set xrange [-2.2:2.2]
set samples 2
# The key sits in the empty corner below the line, which runs from the
# bottom left to the top right; the y axis reaches down to -6 to make that
# corner tall enough for the key at any text size. The learned rule takes a
# second row of its own (an entry with no sample: a "\n" inside a title
# would overprint the next row), and "width -4" hands back the blank that
# gnuplot leaves right of the text, so that the key stays narrow enough for
# the corner.
set key bottom right Left reverse width -4

# Drawn in this order so that nothing hides what matters: the learned line as
# a wide band, the true rule dashed on top of it (where they agree, the dashes
# run along the middle of the band), and the data points above both.
plot learned_line(x) with lines ls 1 lw 3.5 \
         title sprintf("learned after %d steps:", steps), \
     keyentry with lines lt nodraw \
         title sprintf("y = %.4f x %s %.4f", w_final, (b_final < 0 ? "−" : "+"), abs(b_final)), \
     true_line(x) with lines ls 8 title "true rule: y = 2x + 1", \
     data("linreg-data") using "x":"y" with points ls 9 title "data (100 points)"
