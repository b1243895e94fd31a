# Chapter 9: PyTorch's dynamic loss scaler at work on chapter 8's network
# in fp16, its growth interval cut from 2000 steps to 20 so that a short
# run shows the whole cycle. The scale starts at 2^16, doubles after 20
# clean steps in a row, and halves after a step whose scaled gradients
# overflowed fp16 (marked: that step was skipped, no weight moved). It
# settles into a sawtooth between 2^16 and 2^17, the largest scale the
# gradients allow.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/09-precision.loss-scale.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "train-fp16-dynamic"
@REQUIRE

set logscale y 2
set format y "2^{%L}"
set yrange [2**15:2**18]
set xlabel "step"
set ylabel "loss scale"
set key top right font FONT_SMALL samplen 1.5
set title "the dynamic loss scale (fp16, growth interval 20)"
plot data("train-fp16-dynamic") using "step":"scale" with steps lt 1 title "scale used at the step", \
     ""                         using "step":(column("skipped") > 0 ? column("scale") : NaN) with points lt 2 title "overflow: step skipped, scale halved"
