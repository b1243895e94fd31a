# Chapter 10: the ring all-reduce on P ranks, step by step, drawn from
# --task ring-schedule, which asks the exercise's ring_reduce_send,
# ring_reduce_recv, ring_gather_send and ring_gather_recv what
# ring_allreduce asks them. A row per rank, a column per step: the
# reduce-scatter's P - 1 steps, then the all-gather's. A box is the chunk
# the rank sends to the next rank down (the last to rank 0), in that
# chunk's colour, paler the fewer ranks' parts it holds, with the count
# below the chunk's number (k/P). Between the phases, a disc in each row
# is the chunk that became whole (all P parts, nothing else) on that rank.
#
# Run (from any folder; DATADIR is build/data/NN-topic):
#   gnuplot -c plots/10-data-parallel.ring-schedule.gp svg|png|pdf[:SCALE] DATADIR OUTFILE

dirof(s) = strstrt(s, "/") ? s[:strstrt(s, "/")] . dirof(s[strstrt(s, "/") + 1:]) : ""
call dirof(ARG0) . 'style.gp' ARG1 ARG2 ARG3
REQUIRED = "ring-schedule"
@REQUIRE

f = data("ring-schedule")
stats f using "rank" nooutput
P = int(STATS_max) + 1
stats f using "step" nooutput
STEPS = int(STATS_max) + 1

# The steps' columns, the second phase's moved right by GAP: the discs
# go between the phases, where the reduce-scatter has finished a chunk.
GAP = 0.7
xpos(t) = t + (t >= P - 1 ? GAP : 0)
between(t) = (xpos(t) + xpos(t + 1)) / 2
became_whole = 'strcol("phase") eq "reduce-scatter" && column("received_parts") == P && column("received_foreign") == 0'

# The rows, rank 0 at the top, each labelled with where it sends. The
# ranks and the chunks are in the large size: the figure must read on a
# phone, at about half its size. (The phases' titles are not: at
# SCALE=1.5 they would run into each other.)
set xrange [-0.55:xpos(STEPS - 1) + 0.55]
set yrange [P - 0.5:-0.5]
set border 0
unset grid
set tics scale 0
set xtics () offset 0, 0.3
do for [t = 0:STEPS - 1] {
    set xtics add (sprintf("%d", t % (P - 1)) xpos(t))
}
set xtics add ("whole" between(P - 2))
set label 3 "step s" at first -0.55, first P - 0.5 right offset -1, -0.85 tc rgb "#404040"
set ytics () font FONT_LARGE
do for [r = 0:P - 1] {
    set ytics add (sprintf("rank %d → %d", r, (r + 1) % P) r)
}
set lmargin 14
set rmargin 1
set tmargin 5
set bmargin 2

set label 1 "reduce-scatter:\nadd what arrives" at (P - 2) / 2.0, -0.5 center offset 0, 1.9
set label 2 "all-gather:\ncopy what arrives" at xpos(P - 1) + (P - 2) / 2.0, -0.5 \
    center offset 0, 1.9

# A box's fill deepens with the parts it holds: 1 of P the palest. A
# chunk that holds shares of other chunks (a schedule that sends one chunk
# and receives it as another: never the reference's) says so instead.
# Chunk c is drawn in the course's colour c + 1, of the first seven (8
# and 9 are the references' and the raw data's).
shade(k) = 0.12 + 0.6 * (k > 1 ? k - 1 : 0) / (P - 1)
share_text(k, foreign) = foreign > 0 ? "mixed" : sprintf("%d/%d", k, P)
colour(c) = int(c) % 7 + 1

plot for [k = 0:P] f using (column("sent_parts") == k ? xpos(column("step")) : NaN):"rank":(0.42):(0.42):(colour(column("sent_chunk"))) \
         with boxxyerror fs transparent solid shade(k) border lw 2 dt 1 lc variable, \
     f using (xpos(column("step"))):(column("rank") - 0.12):(sprintf("%d", column("sent_chunk"))) \
         with labels font FONT_LARGE, \
     f using (xpos(column("step"))):(column("rank") + 0.21):(share_text(column("sent_parts"), column("sent_foreign"))) \
         with labels, \
     f using (@became_whole ? between(column("step")) : NaN):"rank":(colour(column("received_chunk"))) \
         with points pt 7 ps 4 lc variable, \
     f using (@became_whole ? between(column("step")) : NaN):"rank":(sprintf("%d", column("received_chunk"))) \
         with labels font FONT_LARGE tc rgb "white"
