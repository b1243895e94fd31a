# Chapter 6: basins of attraction of Himmelblau's function. Each map is a
# 200 x 200 grid of starting points over [-5, 5]^2; every start is coloured
# by the minimum gradient descent reaches from it (the minima are the white
# dots, numbered as in the program's --help), grey where the run had not
# settled when its steps ran out (the legend reads the limit from the
# data), black where it blew up.
#
# Top left, the reference η = 0.01: four solid regions, each around its
# minimum, their borders running near the four saddle points. Top right,
# η = 0.02: above 2/λmax for minima 2 and 3 (the program's critical task
# lists the limits), so descent cannot settle there; their basins turn grey
# (the iterates bounce around those minima forever) and large first steps
# from the steep edges of the square land in other basins. Bottom, momentum
# 0.9: at η = 0.001 (the same long-run step size as the reference) the
# ball's inertia carries starts across ridges and the borders shift; at
# η = 0.01 the borders shatter into bands.
#
# (The counts-*.csv files hold how many starts got each label; the lesson
# quotes them. They are required here too, so that the figure and the
# lesson are drawn from the same set of runs.)
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/06-nonconvexity.basins.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
RUNS = "lr0.01 lr0.02 lr0.001-m0.9 lr0.01-m0.9"
REQUIRED = "himmelblau-critical"
do for [r in RUNS] { REQUIRED = REQUIRED . " basins-" . r . " counts-" . r }
@REQUIRE

# One colour per label: the minima take the course's first four colours,
# lightened halfway to white so the markers stand out; grey = unfinished,
# near-black = diverged, white = converged elsewhere (a saddle or maximum).
# rgb(label) packs the colour as 0xRRGGBB for `lc rgb variable`-style use.
COLOURS = "#303030 #9a9a9a #ffffff #80b8d8 #eaae80 #80ceb9 #e5bcd3"
colour(label) = word(COLOURS, int(label) + 4)
# The channels of each colour, worked out once: the image has a pixel per
# start, and string functions per pixel made this the slowest figure (so
# the image also reads its columns x, y, label by number: looking a column
# up by name per pixel took a third of the time).
array RED[7]; array GREEN[7]; array BLUE[7]
do for [k = 1:7] {
    h = int("0x" . word(COLOURS, k)[2:7])
    RED[k] = (h >> 16) & 255; GREEN[k] = (h >> 8) & 255; BLUE[k] = h & 255
}

# The most steps any start took: the limit, reached by the unsettled runs.
stats data("basins-lr0.02") using "steps" nooutput name "STEPS"
STEP_LIMIT = int(STEPS_max)

set size ratio -1
set xrange [-5:5]
set yrange [-5:5]
set xtics -4, 4, 4 out
set ytics -4, 4, 4 out
set grid noxtics noytics
set border 15 lw 1 lc rgb "#404040"
unset key

array TITLES[4] = ["η = 0.01 (reference)", "η = 0.02", "η = 0.001,\nmomentum μ = 0.9", "η = 0.01,\nμ = 0.9"]

# Four square maps on the left, a legend on the right. The margins and
# gaps are in characters, so that they grow with the text (at SCALE=1.5 the
# canvas is only about 51 characters wide and 17 high); the bottom titles
# are on two lines, one being wider than its map there. The maps are as
# high as the canvas allows, and the legend has the width left over, but
# at least the 25.5 characters it needs; that takes the canvas's size in
# characters, which the terminal reports once it has drawn something (an
# empty plot, then the file starts again).
plot [0:1] [0:1] NaN notitle
set output ARG3
MAP = (GPVAL_TERM_YSIZE * 1.0 / GPVAL_TERM_VCHAR - 2.3 - 1.6 - 3) / 2 \
      * GPVAL_TERM_VCHAR / GPVAL_TERM_HCHAR
LEGEND_ROOM = GPVAL_TERM_XSIZE * 1.0 / GPVAL_TERM_HCHAR - 4 - 3 - 2 * MAP
LEGEND_ROOM = LEGEND_ROOM > 25.5 ? LEGEND_ROOM : 25.5
set multiplot layout 2, 2 margins char 4, LEGEND_ROOM, 2.3, 1.6 spacing char 3, 3
do for [i = 1:4] {
    run = word(RUNS, i)
    col = (i - 1) % 2; row = (i - 1) / 2
    # The titles in the smaller text: at SCALE=1.5 a map is about 10
    # characters wide and the legend needs the rest of the width, so in the
    # terminal's text the two top titles ran into each other, and the two
    # bottom ones nearly did.
    set title TITLES[i] offset 0, -0.5 font FONT_SMALL
    set format x (row == 1 ? "% g" : "")
    set format y (col == 0 ? "% g" : "")
    plot data("basins-" . run) using 1:2:(RED[int($3) + 4]):(GREEN[int($3) + 4]):(BLUE[int($3) + 4]) \
             with rgbimage, \
         data("himmelblau-critical") using "x":(strcol("kind") eq "minimum" ? column("y") : NaN) \
             with points pt 7 ps 1.1 lc rgb "#ffffff", \
         data("himmelblau-critical") using "x":(strcol("kind") eq "minimum" ? column("y") : NaN) \
             with points pt 6 ps 1.1 lc rgb "#000000"
    # The top right map's corner, as a fraction of the canvas: the legend
    # starts a character right of it.
    if (i == 2) {
        LEGEND_X = (GPVAL_TERM_XMAX * GPVAL_TERM_SCALE + GPVAL_TERM_HCHAR) / GPVAL_TERM_XSIZE
        LEGEND_Y = GPVAL_TERM_YMAX * GPVAL_TERM_SCALE / GPVAL_TERM_YSIZE
        LINE = GPVAL_TERM_VCHAR * 1.0 / GPVAL_TERM_YSIZE
    }
}

# The legend: a swatch and a name per label, the key of an empty plot that
# fills the rest of the canvas, in the smaller text so that it fits beside
# the maps.
unset title
LEGEND = "minimum 0 at (3, 2)|minimum 1 at (−2.81, 3.13)|minimum 2 at (−3.78, −3.28)|minimum 3 at (3.58, −1.85)|" \
         . sprintf("not settled in %d steps", STEP_LIMIT) . "|diverged"
LEGEND_LABELS = "0 1 2 3 -2 -3"
legend_of(k) = system(sprintf("echo '%s' | cut -d'|' -f%d", LEGEND, k))
unset border; unset tics; unset grid
set lmargin at screen LEGEND_X; set rmargin at screen 1
set tmargin at screen 1; set bmargin at screen 0
set label 1 "Each start is coloured by the\nminimum that descent from it\nreaches (white dots: the minima)." \
    at screen LEGEND_X, screen LEGEND_Y left font FONT_SMALL offset 0, -0.5
set key at screen LEGEND_X, screen LEGEND_Y - 3.2 * LINE left top Left reverse noopaque \
    samplen 1.2 spacing 1.5 font FONT_SMALL
plot [0:1] [0:1] for [k = 1:6] NaN with boxes fs solid 1.0 border lc rgb "#404040" \
         fc rgb colour(word(LEGEND_LABELS, k) + 0) title legend_of(k)
unset multiplot
