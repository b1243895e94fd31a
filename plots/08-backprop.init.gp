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

set multiplot layout 1, 2 margins char 8.6, 2.5, 3.8, 2.5 spacing char 8.6, 0
set xlabel "layer"
set xrange [0.5:9.5]
set xtics 1
set logscale y
set format y "10^{%L}"
set title "spread of the layer's output"
set key top left Left reverse font FONT_SMALLER samplen 1 spacing 0.9
plot for [i = 1:6] data("init-" . word(RUNS, i)) using "layer":"activation_std" with linespoints lt i title pick(NAMES, i)
set title "‖∂L/∂W‖ of the layer's weights"
unset key
plot for [i = 1:6] data("init-" . word(RUNS, i)) using "layer":"weight_grad_norm" with linespoints lt i title pick(NAMES, i)
unset multiplot
