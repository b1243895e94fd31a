#!/bin/sh
# book-layout.sh BOOK-DIR: checks that every page of the built book reads
# on a phone (390 px wide) and on a laptop (1280 px): nothing makes the
# page scroll sideways or spills past the right edge (a wide code block or
# equation may scroll inside its own box), no punctuation after inline
# math wraps onto a line of its own, no short code (a flag) breaks across
# lines, and no text shows the lesson's $ or <!--; and that no text of a
# figure (BOOK-DIR/figures/*.svg, set in the browser's font, not
# gnuplot's) runs past the figure's edge. Each page and figure is laid out by headless Chromium and
# measured by tools/book/layout.js; every finding is printed, and the exit
# status is 1 if there is any (2 if Chromium cannot run).
# Needs Debian's chromium (tools/deps.sh test installs it).
set -u
book=$(cd "${1:?usage: tools/book-layout.sh BOOK-DIR}" && pwd) || exit 2
root=$(cd "$(dirname "$0")/.." && pwd)
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "book-layout: no chromium to lay the pages out (apt-get install chromium)" >&2; exit 2; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

status=0
for width in 390 1280; do
    # One probe page per width, every book page in an iframe of that width,
    # beside the book so that file:// pages may read each other.
    probe=$book/.layout-probe-$width.html
    {
        echo '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
        for f in "$book"/*.html; do
            name=$(basename "$f")
            case "$name" in .*) continue ;; esac
            printf '<iframe class="page" data-page="%s" data-width="%s" src="%s" style="width:%spx;height:800px;border:0"></iframe>\n' \
                "$name" "$width" "$name" "$width"
        done
        # The figures once, at their own size (the book scales them whole).
        [ "$width" = 1280 ] && for f in "$book"/figures/*.svg; do
            [ -f "$f" ] || continue
            name=$(basename "$f" .svg)
            printf '<iframe class="figure" data-figure="%s" src="figures/%s.svg" style="width:720px;height:450px;border:0"></iframe>\n' \
                "$name" "$name"
        done
        echo '<pre id="layout-result">not measured</pre>'
        printf '<script>%s</script></body></html>\n' "$(cat "$root/tools/book/layout.js")"
    } >"$probe"
    # (About 5 s a width here; 22 s with six busy loops beside it.)
    timeout 300 "$browser" --headless --no-sandbox --disable-gpu --allow-file-access-from-files \
        --user-data-dir="$tmp/profile" --virtual-time-budget=20000 --dump-dom "file://$probe" \
        >"$tmp/dom-$width.html" 2>"$tmp/chromium.log"
    rm -f "$probe"
    result=$(awk 'start { if (i = index($0, "</pre>")) { print substr($0, 1, i - 1); exit } print; next }
                  i = index($0, "<pre id=\"layout-result\">") {
                      rest = substr($0, i + 24)
                      if (j = index(rest, "</pre>")) { print substr(rest, 1, j - 1); exit }
                      print rest; start = 1 }' "$tmp/dom-$width.html" |
        sed 's/&quot;/"/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g')
    case "$result" in
        ""|"not measured") echo "book-layout: Chromium did not measure the pages at $width px:"; tail -n 5 "$tmp/chromium.log"; exit 2 ;;
    esac
    printf '%s\n' "$result" | grep -v '^ok '
    printf '%s\n' "$result" | grep -qv '^ok ' && status=1
done
[ "$status" -eq 0 ] && echo "book-layout: every page fits at 390 and 1280 px, and every figure's text fits the figure"
exit "$status"
