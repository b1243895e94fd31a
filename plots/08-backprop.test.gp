# Chapter 8: the capstone network on the 10,000 test images, which nothing
# before this figure read: the share of each class classified right, and
# of all of them (the dashed line).
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/08-backprop.test.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "train-test"
@REQUIRE

stats data("train-test") using "accuracy" every ::10::10 nooutput
ALL = 100 * STATS_max
set style data histograms
set style fill solid 0.6 border
set boxwidth 0.7
set yrange [50:100]
set format y "%.0f%%"
set ylabel "test images classified right"
# The class names slant at 45 degrees: at 30, neighbouring names nearly
# touch once the text is scaled up for a projector.
set xtics rotate by -45 font FONT_SMALL
unset key
set arrow from graph 0, first ALL to graph 1, first ALL nohead dt 11 lc rgb "black"
# The overall share is written at the right end of its line, in a right
# margin (in characters) made for it: above the line at the left, it ran
# into the trousers' bar once the text grew.
set rmargin 10
set label sprintf("all:\n%.2f%%", ALL) at graph 1, first ALL offset 0.8, 0 left font FONT_SMALL
plot data("train-test") every ::0::9 using (100 * column("accuracy")):xtic(stringcolumn("name")) lt 1
