#!/bin/sh
# check-links.sh BOOK_DIR
#
# Checks that every link and image in the book's HTML pages leads somewhere:
#   - href="..." and src="..." targets that are files in the book (not
#     http:, https:, mailto: or any other scheme) must exist, relative to the
#     page that names them;
#   - a #fragment, on its own or after a file name, must be the id="..." of
#     an element in the page it points to.
# Prints one line per problem, "page.html: broken link to x.html#y", and
# exits 1 if there is any; prints nothing and exits 0 when all is well.
#
# Plain POSIX sh and awk (mawk is enough), so it runs wherever the book
# builds. It reads pandoc's HTML, where attributes are always double-quoted.
set -eu

if [ "$#" -ne 1 ]; then
    echo "usage: $0 BOOK_DIR" >&2
    exit 2
fi
[ -d "$1" ] || { echo "check-links.sh: no such directory: $1" >&2; exit 2; }
cd "$1"

# The pages, one per line, relative to BOOK_DIR, in a stable order; awk reads
# this list and opens each page itself.
find . -type f -name '*.html' | sed 's|^\./||' | LC_ALL=C sort | awk '
# Undoes the escapes a URL may carry inside an HTML attribute: &amp; and
# %XX (pandoc percent-encodes spaces and non-ASCII characters).
function unescape(s,    out, i, c, hi, lo) {
    gsub(/&amp;/, "\\&", s)
    out = ""
    for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        hi = index(HEX, toupper(substr(s, i + 1, 1))) - 1
        lo = index(HEX, toupper(substr(s, i + 2, 1))) - 1
        if (c == "%" && hi >= 0 && lo >= 0) {
            out = out sprintf("%c", hi * 16 + lo)
            i += 2
        } else {
            out = out c
        }
    }
    return out
}

# The values of every attribute `name` in `line` go into vals[1..n]; returns n.
# An attribute starts the line or follows a space (so data-src= is no src=).
function attributes(line, name, vals,    n, re, v) {
    n = 0
    re = "(^|[ \t])" name "=\"[^\"]*\""
    while (match(line, re)) {
        v = substr(line, RSTART, RLENGTH)
        v = substr(v, index(v, "\"") + 1)
        vals[++n] = substr(v, 1, length(v) - 1)
        line = substr(line, RSTART + RLENGTH)
    }
    return n
}

# Does `path` name a readable file? (getline returns -1 when it cannot open.)
function exists(path,    status, line) {
    if (!(path in known)) {
        status = (getline line < path)
        close(path)
        known[path] = (status >= 0)
    }
    return known[path]
}

# Reads the ids of every element in `path` into ids[path, id], once per file.
# Also gathers the page links when `page` is set (the page being checked).
function scan(path, page,    line, n, i, vals) {
    if (path in scanned && !page) return
    scanned[path] = 1
    while ((getline line < path) > 0) {
        n = attributes(line, "id", vals)
        for (i = 1; i <= n; i++) ids[path, vals[i]] = 1
        if (!page) continue
        n = attributes(line, "href", vals)
        for (i = 1; i <= n; i++) links[++nlinks] = vals[i]
        n = attributes(line, "src", vals)
        for (i = 1; i <= n; i++) links[++nlinks] = vals[i]
    }
    close(path)
}

# Reports one broken link, once per page and target.
function broken(page, target) {
    if ((page, target) in reported) return
    reported[page, target] = 1
    printf "%s: broken link to %s\n", page, target
    problems++
}

BEGIN { HEX = "0123456789ABCDEF" }

{
    page = $0
    dir = page
    if (!sub(/\/[^\/]*$/, "/", dir)) dir = ""     # the page folder, with "/"
    nlinks = 0
    scan(page, 1)
    for (k = 1; k <= nlinks; k++) {
        target = links[k]
        # Other schemes (https:, mailto:, data:, ...) and //host leave the book.
        if (target ~ /^[A-Za-z][A-Za-z0-9+.-]*:/ || target ~ /^\/\//) continue
        file = target
        fragment = ""
        if (i = index(file, "#")) {
            fragment = unescape(substr(file, i + 1))
            file = substr(file, 1, i - 1)
        }
        sub(/\?.*/, "", file)                     # a query does not name a file
        if (file == "") {
            path = page                           # #fragment: this very page
        } else {
            file = unescape(file)
            path = (file ~ /^\//) ? file : dir file
            if (!exists(path)) { broken(page, target); continue }
        }
        if (fragment == "") continue
        scan(path, 0)
        if (!((path, fragment) in ids)) broken(page, target)
    }
}

END { exit (problems > 0) }
'
