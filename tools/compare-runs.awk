# compare-runs.awk: make try's verdict on one experiment. Run as
#
#     awk -F, -v tol=TOLERANCE -v why="TOLERANCE: WHY" -f tools/compare-runs.awk REFERENCE.csv YOURS.csv
#
# with the two runs' CSV files, each a header line and then rows. Prints one
# line, the verdict word and what backs it:
#
#     matches LARGEST[, within WHY]
#     DIFFERS LARGEST[ at row R2, COLUMN2]; first at row R, COLUMN: yours A, reference B
#     DIFFERS first at ...; not finite at row R, COLUMN: yours nan, reference B
#     DIFFERS N rows, the reference has M[; first: ...]
#     DIFFERS the columns differ: HEADER
#
# Two numbers agree when they differ by at most tol (1e-9 without one)
# relative to the reference's size, or absolutely below 1. LARGEST is the
# largest difference between numbers, and where it is when that is not
# where the runs first part (a total row, the end of a run). A value that is not a finite number
# (nan, inf, text) where the other run has something else makes no
# difference of a size: the verdict names the first such value instead of
# a largest difference. Rows are counted
# from 0, the first row after the header (step 0 in most runs).

function abs(v) { return v < 0 ? -v : v }
function is_number(s) { return s ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }
function at(row, col) { return sprintf("row %d, %s", row, col) }
function where(row, col, a, b) { return at(row, col) ": yours " a ", reference " b }

BEGIN { if (tol == "") tol = 1e-9 }

# The reference, kept whole.
NR == FNR { ref[FNR] = $0; nref = FNR; next }

FNR == 1 {
    wrote = 1
    if ($0 != ref[1]) { bad = "the columns differ: " $0; exit }
    split($0, head, ",")
    next
}

{
    rows = FNR - 1
    n = split(ref[FNR], want, ",")
    for (i = 1; i <= n; i++) {
        if (want[i] == $i) continue
        if (!is_number(want[i]) || !is_number($i)) {
            if (unsized == "") unsized = where(FNR - 2, head[i], $i, want[i])
            if (first == "") first = unsized
            continue
        }
        d = abs(want[i] - $i)
        if (d > worst) { worst = d; worst_at = at(FNR - 2, head[i]) }
        scale = abs(want[i]) > 1 ? abs(want[i]) : 1
        if (first == "" && d / scale > tol) {
            first = where(FNR - 2, head[i], $i, want[i])
            first_at = at(FNR - 2, head[i])
        }
    }
}

END {
    if (bad != "") { print "DIFFERS " bad; exit }
    if (!wrote) { print "DIFFERS your run wrote nothing, not even the header line"; exit }
    if (rows != nref - 1) {
        printf "DIFFERS %d rows, the reference has %d%s\n", rows, nref - 1, first != "" ? "; first: " first : ""
        exit
    }
    if (unsized != "") {
        printf "DIFFERS first at %s%s\n", first, unsized != first ? "; not finite at " unsized : ""
        exit
    }
    if (first != "") printf "DIFFERS %.3g%s; first at %s\n", worst, worst_at != first_at ? " at " worst_at : "", first
    else printf "matches %.3g%s\n", worst + 0, (why != "" && worst > 1e-9 ? ", within " why : "")
}
