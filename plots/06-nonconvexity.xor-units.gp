# Chapter 6: the hidden units of a 2-3-1 network during training on XOR,
# from a symmetric start (left) and a random one (right), 2000 steps of
# full-batch gradient descent with η = 1.
#
# Each unit j owns four numbers; two are drawn, its first incoming weight
# h_j w_1 (solid) and its outgoing weight h_j out (dashed), one colour per
# unit. Left: the three units start as copies of one randomly drawn unit
# and stay copies; their curves lie exactly on top of each other, so each
# unit is drawn with its own marker (filled on w_1, hollow on out), placed
# at different steps, to show that all three are there. The network
# computes what a single hidden unit could, and cannot fit XOR. Right: from distinct random weights the units
# grow apart, each learning a different feature, and together they fit XOR.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/06-nonconvexity.xor-units.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "xor-symmetric xor-random"
@REQUIRE

# At SCALE=1.5 the canvas is about 51 characters wide, so each panel is
# only some 20 wide: the margins are in characters, the titles on two
# lines, and the key is below both panels, a column per unit and a row per
# weight (in the left panel, in two columns, it ran into the right one).
set multiplot layout 1, 2 margins char 7.5, 3, 6.2, 3.7 spacing char 6.5, 0
set xrange [0:2000]
set yrange [-4:8]
set xtics 0, 1000
set mxtics 2
set ytics 2
set xlabel "step"

# Markers every 250 steps, unit j's shifted by 80(j − 1) steps: filled on
# the incoming weight, hollow (the same shape) on the outgoing one.
open_marker(j) = j == 1 ? 6 : (j == 2 ? 4 : 8)
# (the filled ones are linetypes 1 to 3's own, from style.gp; the key
# shows each curve's marker beside its line, since in the left panel the
# markers are all that tell the units apart)
filled_marker(j) = j == 1 ? 7 : (j == 2 ? 5 : 9)

do for [run in "symmetric random"] {
    file = data("xor-" . run)
    stats file using "loss" nooutput name "LOSS"
    if (run eq "symmetric") {
        set title sprintf("symmetric start:\nfinal loss %.3f", LOSS_min)
        set ylabel "weight"
        set key at screen 0.5, character 0.3 center bottom vertical maxrows 2 Left reverse
    } else {
        set title sprintf("random start:\nfinal loss %.4f", LOSS_min)
        unset ylabel
        unset key
    }
    # Curve k is unit (k + 1)/2's incoming weight for odd k, its outgoing
    # one for even k: in this order the key's columns are the units.
    plot for [k = 1:6] file using "step":sprintf("h%d_%s", (k + 1)/2, k % 2 ? "w1" : "out") \
             with lines ls ((k + 1)/2) dt 11 - 10 * (k % 2) notitle, \
         for [k = 1:6] NaN with linespoints ls ((k + 1)/2) dt 11 - 10 * (k % 2) \
             pt (k % 2 ? filled_marker((k + 1)/2) : open_marker((k + 1)/2)) ps 0.9 \
             title sprintf("unit %d: %s", (k + 1)/2, k % 2 ? "w_1" : "out"), \
         for [j = 1:3] file every 250::(80 * (j - 1)) using "step":sprintf("h%d_w1", j) \
             with points ls j ps 0.9 notitle, \
         for [j = 1:3] file every 250::(80 * (j - 1)) using "step":sprintf("h%d_out", j) \
             with points ls j pt open_marker(j) ps 0.9 notitle
}
unset multiplot
