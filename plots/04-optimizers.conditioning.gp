# Chapter 4: how many steps gradient descent and heavy-ball momentum need
# to bring the loss of f = (x² + κy²)/2 from 1 down to 1e-6, each at its
# best constant setting (the closed forms in the chapter program), for
# κ = 1, 10, 100, 1000, on log-log axes. A power law steps ∝ κ^s is a
# straight line of slope s here. The two grey guides have slopes 1 and
# 1/2 and pass through the κ = 1000 points: gradient descent's count grows
# like κ, momentum's like √κ. The slopes written beside the curves are
# measured from the data over the last decade (κ = 100 to 1000). At κ = 1
# both methods land on the minimum in a single step.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/04-optimizers.conditioning.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "conditioning"
@REQUIRE

file = data("conditioning")
# The last row: κ = 1000, its step counts and the last decade's slopes.
stats file using (k = column("kappa"), gd = column("gd_steps"), hb = column("hb_steps"), \
                  gd_slope = column("gd_slope"), hb_slope = column("hb_slope")) nooutput

set logscale xy
set format x "10^{%L}"
set format y "10^{%L}"
set xrange [0.7:1500]
set yrange [0.7:1e4]
set xlabel "condition number κ = λ_{max}/λ_{min}"
set ylabel "steps to reach a loss of 10^{-6}"
# The key names the methods, in the small size; each measured slope is
# written in its curve's colour under the last decade, where it was
# measured (on the guides, which run along the data there). With the
# slopes in the key, the key grew wider than the room on a scaled PNG and
# hid the κ = 100 and 1000 points. gnuplot sizes the key's patch for the
# terminal's font; `width -6` trims it to the small text, off the line.
set key top left Left reverse samplen 1.5 spacing 1.0 width -6 font FONT_SMALL
set label 1 sprintf("slope %.2f", gd_slope) at 200, gd * 200/k offset 0.5, -0.5 left tc rgb ink(1)
set label 2 sprintf("slope %.2f", hb_slope) at 316, hb * sqrt(316/k) offset 0, -1.2 center tc rgb ink(2)

plot file using "kappa":"gd_steps" with linespoints ls 1 ps 1.0 \
         title "gradient descent, η = 2/(κ+1)", \
     file using "kappa":"hb_steps" with linespoints ls 2 ps 1.0 \
         title "heavy-ball momentum, best (η, β)", \
     gd * (x/k) with lines lc rgb "#a0a0a0" dt 11 title "slope 1 (∝ κ)", \
     hb * sqrt(x/k) with lines lc rgb "#a0a0a0" dt 3 title "slope 1/2 (∝ √κ)"
