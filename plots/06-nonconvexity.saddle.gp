# Chapter 6: gradient descent at the saddle point of f(x, y) = x² − y².
#
# Left: contour lines of f (solid where f > 0, the valley along x; dashed
# where f < 0, the slopes down along y) and three runs of 80 steps with
# η = 0.1 from (1, 0), which lies exactly on the saddle's stable axis y = 0,
# or next to it:
#   - plain descent: y is exactly 0 and its gradient −2y is exactly 0, so y
#     never moves, while x shrinks by 1 − 2η = 0.8 a step: the run slides
#     into the saddle and stops there, with a zero gradient;
#   - the same with Gaussian noise of standard deviation 0.01 added to each
#     gradient coordinate, as minibatch sampling would add: the first kick
#     moves y off the axis, and from then on y grows by 1 + 2η = 1.2 a step
#     and the run leaves downhill;
#   - plain descent from (1, −10⁻⁶), a millionth below the axis: it escapes
#     too (downwards), but only after lingering near the saddle for dozens
#     of steps.
# Right: each run's distance from the saddle, √(x² + y²), on a log axis,
# where the factors 0.8 and 1.2 per step are straight lines. The exact run
# falls forever (it never reaches exactly 0 in 80 steps, so the log axis
# hides nothing).
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/06-nonconvexity.saddle.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "saddle-exact saddle-noise saddle-near"
@REQUIRE

f(x, y) = x**2 - y**2

# Contours as in the Himmelblau figure: computed into a datablock, then
# copied with commas; each level is kept in its own block so that positive
# and negative levels can be drawn differently.
set contour base
unset surface
set view map
set cntrparam levels incremental -2, 0.5, 2
set isosamples 60, 60
set xrange [-1.5:1.5]
set yrange [-1.5:1.5]
set table $table
splot f(x, y) notitle
unset table
unset contour
set print $contours
print "x,y,level"
do for [i = 1:|$table|] {
    line = $table[i]
    if (words(line) >= 3 && line[1:1] ne "#") {
        print word(line, 1) . "," . word(line, 2) . "," . word(line, 3)
    } else {
        print ""
    }
}
unset print
positive(level) = level > 0 ? 1 : NaN
negative(level) = level < 0 ? 1 : NaN

# The key is below both panels (their colours mean the same runs): its
# lines are wider than the right panel at SCALE=1.5 (a canvas about 51
# characters wide), and inside it covered the noisy run's climb. Margins
# in characters, so that they grow with the text; the bottom one holds the
# axis labels and the key's three lines.
set multiplot layout 1, 2 margins char 7, 3.5, 7.6, 2.5 spacing char 11, 0

set size ratio -1
# Labels every 1, ticks every 0.5: labelled every 0.5, the x axis's run
# into one another at SCALE=1.5.
set xtics 1
set ytics 1
set mxtics 2
set mytics 2
set xlabel "x"
set ylabel "y"
set grid noxtics noytics
set border 15
set title "paths on x² − y², η = 0.1"
unset key
set label 1 "saddle" at 0, 0 offset 0.6, -0.8 front
plot $contours using 1:($2 * positive($3)) with lines lc rgb "#c0c0c0" notitle, \
     $contours using 1:($2 * negative($3)) with lines lc rgb "#c0c0c0" dt 11 notitle, \
     data("saddle-near") using "x":"y" with linespoints ls 2 ps 0.35, \
     data("saddle-noise") using "x":"y" with linespoints ls 3 ps 0.35, \
     data("saddle-exact") using "x":"y" with linespoints ls 1 ps 0.35, \
     "+" using (0):(0) every ::0::0 with points pt 2 ps 1.5 lw 2 lc rgb "#000000"
unset label 1

set size noratio
set grid xtics ytics
set border 3
set title "distance from the saddle"
set logscale y
set format y "10^{%L}"
set xrange [0:80]
set yrange [1e-9:1e6]
set xtics 20
set ytics 1000
set mxtics default
set mytics default
set xlabel "step"
# On two lines: on one it is longer than the panel is high at SCALE=1.5.
set ylabel "√(x² + y²)\n(log scale)"
set key at screen 0.5, character 0.3 center bottom Left reverse maxrows 3
distance(x, y) = sqrt(x**2 + y**2)
# Each run's marker (its shape in the left panel too) every 10 steps, the
# runs 3 steps apart.
RUNS = "saddle-exact saddle-near saddle-noise"
NAMES = "on the axis: stuck|10^{-6} off: escapes late|on the axis + noise: escapes"
name(i) = system(sprintf("echo '%s' | cut -d'|' -f%d", NAMES, i))
plot for [i = 1:3] data(word(RUNS, i)) using "step":(distance(column("x"), column("y"))) \
         with lines ls i notitle, \
     for [i = 1:3] data(word(RUNS, i)) using "step":(distance(column("x"), column("y"))) \
         every 10::(3*(i - 1)) with points ls i notitle, \
     for [i = 1:3] NaN with linespoints ls i title name(i)

unset multiplot
