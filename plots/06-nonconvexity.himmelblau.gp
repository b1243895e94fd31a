# Chapter 6: Himmelblau's function f(x, y) = (x² + y − 11)² + (x + y² − 7)²,
# its critical points, and gradient descent on it.
#
# Grey contour lines mark levels of f, closer together where it is steep;
# the levels grow roughly geometrically (0.5, 2, 5, ... 400) so that both
# the flat valley floors and the steep walls show. The nine critical points
# are the ones the program's Newton search finds (himmelblau-critical.csv),
# marked by what the eigenvalues of the Hessian say they are: four minima
# (f = 0, filled circles), one maximum (triangle) and four saddle points
# (crosses).
#
# The coloured paths are gradient descent with η = 0.01 from six starts,
# drawn as lines with a dot per step (dots crowd where steps are short),
# each coloured by the minimum it reaches, as in the basin maps. The
# four starts near the maximum lie within 1.2 of it, yet each path
# ends in a different minimum: which minimum descent finds is decided by
# where it starts, not by which minimum is lowest (here all four are equally
# low) or nearest.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/06-nonconvexity.himmelblau.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "himmelblau-critical"
do for [i = 1:6] { REQUIRED = REQUIRED . sprintf(" himmelblau-path-%d", i) }
@REQUIRE

f(x, y) = (x**2 + y - 11)**2 + (x + y**2 - 7)**2

# The contour lines, computed by gnuplot into a datablock (the recipe in
# TOOLCHAIN.md). gnuplot writes contour tables space-separated whatever the
# separator setting, so they are copied into a comma-separated datablock
# with a header, the format every file of this plot is read in; the blank
# lines that separate one contour line from the next are kept.
set contour base
unset surface
set view map
set cntrparam levels discrete 0.5, 2, 5, 12, 25, 50, 100, 180, 260, 400
set isosamples 120, 120
set samples 120, 120
set xrange [-5:5]
set yrange [-5:5]
set table $table
splot f(x, y) notitle
unset table
unset contour
set print $contours
print "x,y"
do for [i = 1:|$table|] {
    line = $table[i]
    if (words(line) >= 2 && line[1:1] ne "#") {
        print word(line, 1) . "," . word(line, 2)
    } else {
        print ""
    }
}
unset print

set size ratio -1
set xtics 1
set ytics 1
set xlabel "x"
set ylabel "y"
set grid noxtics noytics
set border 15
# The key stands right of the map, in a right margin of 23.5 characters
# (the width of its longest line), and the map takes the rest: placed
# outside by gnuplot, the key's room is reckoned generously, and at
# SCALE=1.5 it left the map a third of the canvas's height.
set key at graph 1, graph 1 left top Left reverse samplen 1.5 spacing 1.1 nobox noopaque
set margins 6, 23.5, 3.5, 1

is(kind) = strcol("kind") eq kind ? column("y") : NaN
crit = data("himmelblau-critical")

# Path i reaches minimum DEST[i] (the program's numbering); its colour is
# that minimum's colour, line style DEST[i] + 1.
DEST = "0 1 2 3 1 3"
colour_of(i) = word(DEST, i) + 1

# The minima's numbers, beside their dots.
set label 1 "0" at 3, 2 offset 0.9, 0.5 front
set label 2 "1" at -2.805, 3.131 offset 0.9, 0.5 front
set label 3 "2" at -3.779, -3.283 offset 0.9, 0.5 front
set label 4 "3" at 3.584, -1.848 offset 0.9, -0.5 front

plot $contours using 1:2 with lines lc rgb "#c8c8c8" lw 1 notitle, \
     for [i = 1:6] data(sprintf("himmelblau-path-%d", i)) using "x":"y" \
         with linespoints ls colour_of(i) pt 7 ps 0.25 notitle, \
     for [i = 1:6] data(sprintf("himmelblau-path-%d", i)) every ::0::0 using "x":"y" \
         with points ls colour_of(i) pt 6 ps 1.2 notitle, \
     NaN with linespoints lc rgb "#606060" pt 7 ps 0.25 \
         title "descent, η = 0.01,", \
     NaN with lines lc rgb "#ffffff" title "coloured by the", \
     NaN with lines lc rgb "#ffffff" title "minimum it reaches", \
     NaN with points lc rgb "#606060" pt 6 ps 1.2 title "its start", \
     crit using "x":(is("minimum")) with points pt 7 ps 1.3 lc rgb "#000000" \
         title "minimum (λ_1, λ_2 > 0)", \
     crit using "x":(is("saddle")) with points pt 2 ps 1.3 lw 2 lc rgb "#000000" \
         title "saddle (λ_1 < 0 < λ_2)", \
     crit using "x":(is("maximum")) with points pt 9 ps 1.5 lc rgb "#000000" \
         title "maximum (λ_1, λ_2 < 0)", \
     NaN with lines lc rgb "#c8c8c8" title "contours of f"
