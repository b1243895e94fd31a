# Chapter 4: six optimizers on chapter 1's regression (the mean squared
# error of the line w·u + b over its 100 noisy points; here x is the slope
# w and y the intercept b), from chapter 1's random start, 100 steps each.
# The contours come from the saved data: the loss is the quadratic
#   L(x, y) = x²·mean(u²) + 2xy·mean(u) + y² - 2x·mean(uv) - 2y·mean(v) + mean(v²),
# whose five averages are computed here with stats. The star is its exact
# minimum, from the normal equations. This problem is well conditioned
# (curvatures about 2.7 and 2), so every method gets there; what differs is
# the route.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/04-optimizers.linreg-paths.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "linreg-data"
@REQUIRE
stats data("linreg-data") using (column("x")**2) nooutput name "UU"
stats data("linreg-data") using "x" nooutput name "U"
stats data("linreg-data") using (column("x")*column("y")) nooutput name "UV"
stats data("linreg-data") using "y" nooutput name "V"
stats data("linreg-data") using (column("y")**2) nooutput name "VV"
f(x, y) = x**2*UU_mean + 2*x*y*U_mean + y**2 - 2*x*UV_mean - 2*y*V_mean + VV_mean
# Normal equations: [mean(u²) mean(u); mean(u) 1]·(x, y) = (mean(uv), mean(v)).
DET = UU_mean - U_mean**2
XSTAR = (UV_mean - U_mean*V_mean)/DET
YSTAR = (UU_mean*V_mean - U_mean*UV_mean)/DET
PROBLEM = "linreg"
LEVELS = "0.02, 0.1, 0.5, 1.5, 3, 5, 8"
XMIN = -0.4; XMAX = 3.4; YMIN = -1.2; YMAX = 2.3
# The axes are the line's parameters, named as in chapter 1 (whose fit
# figure calls the data x and y): labelled x and y, a slide read as data.
XLABEL = "slope w"; YLABEL = "intercept b"
call dirof(ARG0) . '04-optimizers.paths.inc' ARG1 ARG2 ARG3
