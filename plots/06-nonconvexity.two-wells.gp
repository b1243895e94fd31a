# Chapter 6: two valleys of different depth. The grey curve is
# f(w) = w⁴/4 + w³/6 − 3w²/4, with a deep minimum at w = −1.5, a shallow one
# at w = 1 and a maximum at w = 0 between them (the program's critical task
# finds all three; their names here come from the sign of f'' it reports).
#
# Each coloured path is gradient descent with η = 0.1 from one start (open
# circle), its iterates (w_k, f(w_k)) joined in order. The two starts left
# of the maximum roll into the deep valley; the two right of it into the
# shallow one, and stay there: once in a valley, every step goes downhill,
# and getting out would need a step uphill. Starting at 0.5 ends worse than
# starting at −0.5, from a start only a little higher (−0.151 against
# −0.193).
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/06-nonconvexity.two-wells.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
STARTS = "minus2.2 minus0.5 0.5 2.2"
REQUIRED = "two-wells-critical"
do for [s in STARTS] { REQUIRED = REQUIRED . " two-wells-from-" . s }
@REQUIRE

f(w) = w**4/4 + w**3/6 - 0.75*w**2

set xrange [-2.5:2.5]
# Room below the minima for their two-line labels, which at SCALE=1.5 are
# as tall as 1.5 units of f.
set yrange [-2.7:4.3]
set xtics 0.5
set ytics 1
set samples 300
set xlabel "w"
set ylabel "f(w) = w^4/4 + w^3/6 − 3w^2/4"
set key top center Left reverse

crit = data("two-wells-critical")
# A label per critical point from its kind and value: "deep minimum", etc.
name(kind, loss) = kind eq "maximum" ? "maximum" : \
                   (loss < -0.5 ? "deep minimum" : "shallow minimum")
label(kind, loss) = sprintf("%s\nf = %.4g", name(kind, loss), loss)
# The minima are labelled below, the maximum above: in a row below all
# three, the labels run into one another at SCALE=1.5.
below(kind, loss) = kind eq "maximum" ? NaN : loss
above(kind, loss) = kind eq "maximum" ? loss : NaN

# One colour per start, in the course's order.
plot f(x) ls 9 lw 1.5 notitle, \
     for [i = 1:4] data("two-wells-from-" . word(STARTS, i)) using "w":"loss" \
         with linespoints ls i pt 7 ps 0.45 \
         title sprintf("from w_0 = %s", \
                       (word(STARTS, i)[1:5] eq "minus" ? "−" . word(STARTS, i)[6:] \
                                                        : word(STARTS, i))), \
     for [i = 1:4] data("two-wells-from-" . word(STARTS, i)) every ::0::0 \
         using "w":"loss" with points ls i pt 6 ps 1.6 notitle, \
     crit using "w":(below(strcol("kind"), column("loss"))) \
                    :(label(strcol("kind"), column("loss"))) \
         with labels offset 0, -1.2 textcolor rgb "#303030" notitle, \
     crit using "w":(above(strcol("kind"), column("loss"))) \
                    :(label(strcol("kind"), column("loss"))) \
         with labels offset 0, 1.9 textcolor rgb "#303030" notitle, \
     crit using "w":"loss" with points pt 7 ps 0.9 lc rgb "#000000" notitle
