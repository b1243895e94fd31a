# Reads a figure's SVG, as gnuplot's svg terminal writes it, and prints
# one line for every panel in which three or more curves are told apart
# by colour alone (greyscale print, colour-blind readers): run by the
# self-test (tools/selftest.sh, group outputs) over build/figures/*.svg.
# Exit status 1 when it printed anything.
#
#     awk -f tools/curve-marks.awk build/figures/NN-topic.NAME.svg
#
# What it reads. Each plot of a panel is a group `<g id="gnuplot_plot_N">`
# (N counting from 1 again in the next panel), its line a
# `<path stroke='rgb(R, G, B)' d='M... L... L...'>`, dashed with a
# `stroke-dasharray`, its points `<use xlink:href='#gpPtK' ... color='rgb(...)'/>`.
# A curve is a solid, open path of at least four segments in one of the
# palette's six colours (plots/style.gp, linetypes 1 to 6; black and
# grey are the references' and the data's). A key's sample line is one
# segment, so it is no curve; its sample point is one marker, so a colour
# needs two markers in the panel to count as marked. A colour whose curve
# has neither markers nor a dashed line of its own is told by colour alone.

BEGIN {
    PALETTE = "0,114,178 213,94,0 0,158,115 204,121,167 230,159,0 86,180,233"
    n = split(PALETTE, p, " ")
    for (i = 1; i <= n; i++) palette[p[i]] = 1
    panel = 0
    bad = 0
}

# rgb(  0, 114, 178) -> 0,114,178
function colour_of(s,    c) {
    c = substr(s, index(s, "rgb(") + 4)
    c = substr(c, 1, index(c, ")") - 1)
    gsub(/ /, "", c)
    return c
}

function judge(    c, curves, bare) {
    curves = 0; bare = ""
    for (c in segments) {
        if (segments[c] < 4) continue
        curves++
        if (markers[c] < 2 && !dashed[c]) bare = bare " rgb(" c ")"
    }
    if (curves >= 3 && bare != "") {
        printf "%s, panel %d: %d curves, and these are told apart by colour alone (no markers, no dashes):%s\n", \
            FILENAME, panel, curves, bare
        bad = 1
    }
    split("", segments); split("", markers); split("", dashed)
}

# A new panel starts where the plots count from 1 again: gnuplot_plot_1a,
# then 1b in a multiplot's next panel. (An opaque key is drawn again
# after its panel's curves, its groups numbered from 1 again: that makes a
# panel of key samples alone, which holds no curve.)
/id="gnuplot_plot_1[a-z]*"/ { if (panel) judge(); panel++ }

# A path: its colour, whether it is dashed, and its segments, counted on
# this line and on its continuation lines (which begin with a tab and L).
/<path stroke='rgb\(/ {
    colour = colour_of($0)
    # (a closed path, ending in Z, outlines a box or a bar: no curve)
    in_path = (colour in palette) && !index($0, " Z")
    if (in_path && index($0, "stroke-dasharray")) dashed[colour] = 1
    if (in_path && !index($0, "stroke-dasharray")) segments[colour] += gsub(/ L/, " L")
    if (index($0, "/>")) in_path = 0
    next
}
in_path && /^[ \t]*L/ {
    segments[colour] += gsub(/L/, "L")
    if (index($0, "/>")) in_path = 0
    next
}
{ in_path = 0 }

/<use xlink:href='#gpPt[0-9]*' transform=/ {
    c = colour_of($0)
    if (c in palette) markers[c]++
}

END {
    if (panel) judge()
    exit bad
}
