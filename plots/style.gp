# The course's shared gnuplot style. A figure script is run as
#
#     gnuplot -c plots/NN-topic.NAME.gp FORMAT DATADIR OUTFILE
#
# from any folder, and starts by handing its three arguments on to this
# file, found beside it (ARG0 is the script's own path):
#
#     dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
#     call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
#
# (`call`, not `load`: gnuplot 5.4 hides the caller's ARG1..ARG3 from a file
# run with `load`, so this file could not see which format to draw.)
#
# FORMAT is `svg` (the HTML book), `png` (slides, 1280x800) or `pdf`
# (LaTeX and beamer, 16 cm x 10 cm), optionally followed by `:SCALE` to
# scale the text, lines and points of a figure meant to be projected in a
# large room (`png:1.5`, the largest: every figure's layout leaves room for
# text half as large again, and no more). DATADIR is the chapter's build/data/NN-topic
# directory and OUTFILE the figure to write. This file picks the terminal,
# opens the output, and sets one look for every figure so that a colour or
# a dash means the same thing throughout the course. A script that wants
# smaller text uses `font FONT_SMALL` (or FONT_SMALLER, FONT_NOTE; larger,
# FONT_LARGE), never a size of its own, so that it grows with the format's
# text.
#
# The terminals write the same bytes on every run (no random ids), which
# keeps the book's build reproducible: do not add timestamps here. (The PDF
# terminal stamps a creation date; the Makefile fixes it.)

# `call` always sets ARGC to 3, so a missing argument shows up as empty.
if (ARG1 eq "" || ARG2 eq "" || ARG3 eq "") {
    exit error "usage: gnuplot -c plots/NN-topic.NAME.gp svg|png|pdf[:SCALE] DATADIR OUTFILE"
}

set encoding utf8

# ------------------------------------------------------------------ terminal
# The PNG is drawn for a projector: the same 16:10 shape as the SVG, about
# 1.8 times the pixels, and fonts, lines, points and dashes scaled up to
# match, so a script never has to know which of the three it is drawing.
# Dash type 11 is the course's one dash; the terminals measure dash lengths
# in different units, hence the separate definitions.
FORMAT = strstrt(ARG1, ":") ? ARG1[:strstrt(ARG1, ":") - 1] : ARG1
SCALE_TEXT = strstrt(ARG1, ":") ? ARG1[strstrt(ARG1, ":") + 1:] : "1"
SCALE = real(SCALE_TEXT)
if (!(SCALE >= 0.5 && SCALE <= 1.5)) {
    exit error sprintf("scale '%s' in '%s': use a number from 0.5 to 1.5, e.g. png:1.5", SCALE_TEXT, ARG1)
}
if (FORMAT eq "svg") {
    FONT_SCALE = SCALE
    set terminal svg size 720,450 dynamic enhanced font sprintf("sans,%g", 12 * SCALE) \
        background rgb "white" linewidth SCALE
    set dashtype 11 (12,8)
} else {
    if (FORMAT eq "png") {
        FONT_SCALE = 20.0 / 12 * SCALE
        set terminal pngcairo size 1280,800 enhanced font sprintf("sans,%g", 20 * SCALE) \
            background rgb "white" linewidth 2 * SCALE pointscale 2 * SCALE
        set dashtype 11 (30,20)
    } else {
        if (FORMAT eq "pdf") {
            FONT_SCALE = 10.0 / 12 * SCALE
            set terminal pdfcairo size 16cm,10cm enhanced font sprintf("sans,%g", 10 * SCALE) \
                background rgb "white" linewidth SCALE pointscale SCALE
            set dashtype 11 (12,8)
        } else {
            exit error sprintf("unknown format '%s': use svg, png or pdf", FORMAT)
        }
    }
}
set output ARG3
# Text sizes below the terminal's own, scaled with it (9, 10 and 11 points
# in the SVG), and one above it (16 points) for a figure of few words,
# each of which must read at a phone's width, where the SVG is drawn at
# about half its size.
FONT_SMALLER = sprintf(",%g", 9 * FONT_SCALE)
FONT_SMALL = sprintf(",%g", 10 * FONT_SCALE)
FONT_NOTE = sprintf(",%g", 11 * FONT_SCALE)
FONT_LARGE = sprintf(",%g", 16 * FONT_SCALE)

# ---------------------------------------------------------------------- data
# The chapter programs write CSV with one header line. Telling gnuplot so
# lets the scripts name columns ("step", "loss") instead of counting them.
set datafile separator comma
set datafile columnheaders

# data("linreg-lr0.7") is the path of that experiment's file. The names are
# the ones in chapters/NN-topic.runs.
data(name) = ARG2 . "/" . name . ".csv"

# The guard. A script lists the experiments it draws and expands the macro:
#
#     REQUIRED = "parabola-lr0.1 parabola-lr0.9"
#     @REQUIRE
#
# Why: when one of several files in a single `plot` is missing, gnuplot only
# prints a warning, exits 0 and leaves a figure with a curve quietly absent.
# A figure that silently lies is worse than no figure, so any input that is
# missing, unreadable, or has no line after its header (nothing to draw)
# stops the script with an error, after removing the empty output file that
# `set output` has already created. (Paths are passed to the shell in single
# quotes, so they must not contain one.)
readable(f) = system("test -f '" . f . "' && test -r '" . f . "' && " \
                     . "sed -n 2p '" . f . "' | grep -q . && echo ok") eq "ok"
REQUIRE = 'do for [required_name in REQUIRED] { \
    if (!readable(data(required_name))) { \
        set output; \
        system("rm -f -- ''" . ARG3 . "''"); \
        exit error sprintf("missing, unreadable or empty data file %s: the run that writes it failed, or has not run yet", data(required_name)); \
    } \
}'

# ------------------------------------------------------------------- palette
# Okabe and Ito's colours, chosen to stay distinct for the common kinds of
# colour blindness; each style also has its own point shape, so curves can be
# told apart in greyscale too. Use them in this order for the curves of one
# figure. The shapes show only where they are drawn: a figure of several
# curves drawn `with lines` draws each one's points too, a few to a curve
# (`every N::START with points`, START staggered so that curves that run
# together do not stack their markers, as `pi N` would), and its key
# entries apart (`NaN with linespoints`); a curve may take a dash instead.
# The self-test holds every panel of three or more curves to it
# (tools/curve-marks.awk reads the SVGs). On a log axis, where `every N`
# would crowd a curve's markers at the right, a script lists the rows to
# mark: `using "step":(at_rows("2 20 200", column("step"), column("loss")))`
# is the loss at steps 2, 20 and 200 and NaN (no point) at every other.
at_rows(list, n, y) = strstrt(" " . list . " ", sprintf(" %d ", n)) > 0 ? y : NaN
set linetype 1 lc rgb "#0072B2" lw 1.5 pt 7  ps 0.6    # blue, filled circle
set linetype 2 lc rgb "#D55E00" lw 1.5 pt 5  ps 0.55   # vermillion, filled square
set linetype 3 lc rgb "#009E73" lw 1.5 pt 9  ps 0.7    # bluish green, filled triangle
set linetype 4 lc rgb "#CC79A7" lw 1.5 pt 13 ps 0.7    # reddish purple, filled diamond
set linetype 5 lc rgb "#E69F00" lw 1.5 pt 11 ps 0.7    # orange, filled triangle down
# Two more for the figures that need six or seven (chapter 4's optimizers).
set linetype 6 lc rgb "#56B4E9" lw 1.5 pt 4  ps 0.6    # sky blue, open square
set linetype 7 lc rgb "#000000" lw 1.2 pt 2  ps 0.6    # black, cross
# Text in a curve's colour (a label written beside the curve) takes a
# darker shade of the same hue, ink(N) for linetype N, so that it reads on
# white: at least 4.5:1, where the palette's orange is 2.2:1 and its green
# 3.4:1 as text. Write `textcolor rgb ink(2)`, never the curve's colour.
INK = "#0072B2 #C35600 #008762 #A36085 #9E6D00 #3C7DA3 #000000"
ink(n) = word(INK, n)
# Two styles that are not "a result": 8 for references (a known answer, a
# floor, a constant) and 9 for raw data points, both kept quiet so that the
# results stand out against them.
set linetype 8 lc rgb "#000000" lw 1.2 dt 11 pt 0    # black, dashed
set linetype 9 lc rgb "#707070" lw 1   pt 6  ps 0.7    # grey open circles
# Scripts say `ls N`; each line style N here simply is linetype N.
do for [i in "1 2 3 4 5 6 7 8 9"] {
    eval sprintf("set style line %s lt %s", i, i)
}

# --------------------------------------------------------------------- look
# A light grid behind the data, axes only on the left and bottom, and the key
# inside the plot on a white patch so grid lines do not run through its text.
# The patch hides whatever lies under it, so each script places its key (or
# labels its curves directly) where it covers no data.
set border 3 lw 1 lc rgb "#404040"
set tics nomirror out
set grid back lt 1 lc rgb "#e4e4e4" lw 1
set key top right noautotitle opaque nobox samplen 2.5 spacing 1.2
