# Chapter 8: a network of eight hidden layers of 256 units at its initial
# weights, one forward and backward pass of 128 training images. Left, the
# standard deviation of each layer's output after its activation (layer 9:
# the logits); right, the norm of the gradient of each layer's weights
# (log scale). A good initialisation keeps both level from layer to layer.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/08-backprop.init.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
RUNS = "sigmoid-xavier sigmoid-he tanh-xavier relu-he relu-he-small relu-he-large"
REQUIRED = ""
do for [r in RUNS] { REQUIRED = REQUIRED . " init-" . r }
@REQUIRE
NAMES = "sigmoid, Xavier|sigmoid, He|tanh, Xavier|ReLU, He|ReLU, He × 0.5|ReLU, He × 2"
pick(list, i) = system(sprintf("echo '%s' | cut -d'|' -f%d", list, i))

# The titles take two lines and the key sits below both panels, where it
# covers no curve (inside the left panel, top left, it covered the ReLU,
# He × 2 curve once the text grew); the margins, in characters, leave room
# for both.
set multiplot layout 1, 2 margins char 8.6, 2.5, 6.4, 4 spacing char 8.6, 0
set xlabel "layer"
set xrange [0.5:9.5]
set xtics 1
set logscale y
set format y "10^{%L}"
# A number every second decade: on every decade, the numbers run into one
# another in the right panel's nine decades at a large text size.
set ytics 100
set mytics 2
set title "spread of the\nlayer's output"
unset key
plot for [i = 1:6] data("init-" . word(RUNS, i)) using "layer":"activation_std" with linespoints lt i title pick(NAMES, i)
set title "‖∂L/∂W‖ of the\nlayer's weights"
plot for [i = 1:6] data("init-" . word(RUNS, i)) using "layer":"weight_grad_norm" with linespoints lt i title pick(NAMES, i)

# The key, for both panels: a plot of nothing but key entries, across the
# whole width of the figure, so that gnuplot lays its six entries out in
# three columns (a key belongs to a plot, and one panel is too narrow).
set lmargin at screen 0
set rmargin at screen 1
set tmargin at screen 1
set bmargin at screen 0
unset border
unset tics
unset grid
unset xlabel
unset ylabel
unset title
unset logscale y
set yrange [0:1]
set key at screen 0.5, screen 0.01 center bottom horizontal maxcols 3 Left reverse font FONT_SMALLER samplen 1 spacing 0.9
# (NaN draws nothing; gnuplot 5.4 fails an assertion on a plot of key
# entries alone.)
plot NaN notitle, for [i = 1:6] keyentry with linespoints lt i title pick(NAMES, i)
unset multiplot
