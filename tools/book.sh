#!/bin/sh
# book.sh LESSONS_DIR FIGURES_DIR OUT_DIR
#
# Builds the course book: one HTML page per lesson plus the course map.
#
#   LESSONS_DIR  index.md (the course map) and the lessons NN-topic.md, each
#                starting with a line `# N. Title`
#   FIGURES_DIR  the figures, *.svg; lessons show them as figures/NAME.svg
#   OUT_DIR      the book: index.html, NN-topic.html, style.css, figures/
#
# Every page runs through pandoc with one template (tools/book/page.html) and
# one Lua filter (tools/book/book.lua: .md links become .html links, the first
# line becomes the title). Math becomes MathML, so the book needs no
# JavaScript and works offline. Pages link to each other in reading order:
# index -> 01 -> 02 -> ...
#
# The book is built in a temporary directory beside OUT_DIR and moved into
# place only when every page built and every link checked out, so a failed
# build never leaves a half-written book. Any pandoc warning is an error.
set -eu

if [ "$#" -ne 3 ]; then
    echo "usage: $0 LESSONS_DIR FIGURES_DIR OUT_DIR" >&2
    exit 2
fi
lessons=$1
figures=$2
out=${3%/}

# Byte order for the glob below, so chapter 10 follows chapter 09 whatever
# the user's locale. (pandoc reads and writes UTF-8 regardless.)
LC_ALL=C
export LC_ALL

tools=$(cd "$(dirname "$0")" && pwd)
template=$tools/book/page.html
filter=$tools/book/book.lua
style=$tools/book/style.css

die() {
    echo "book.sh: $*" >&2
    exit 1
}

command -v pandoc >/dev/null 2>&1 || die "pandoc is not installed (make deps)"
[ -f "$lessons/index.md" ] || die "no course map: $lessons/index.md is missing"
[ -d "$figures" ] || die "no figures directory: $figures"

# The title of a page is its markdown file's first line, without the "# ".
title_of() {
    line=$(sed -n '1p' "$1")
    case "$line" in
        '# '?*) printf '%s\n' "${line#\# }" ;;
        *) die "$1:1: the first line must be a title like '# 1. Topic'" ;;
    esac
}
book_title=$(title_of "$lessons/index.md")
# Check every title now, before any pandoc starts.
for lesson in "$lessons"/[0-9][0-9]-*.md; do
    [ -e "$lesson" ] || break           # no lessons yet: the glob stayed as is
    title=$(title_of "$lesson")
done

# Work in a fresh directory next to OUT_DIR (same file system, so the final
# rename is atomic); whatever happens, it is gone when this script exits.
parent=$(dirname "$out")
mkdir -p "$parent"
work=$(mktemp -d "$parent/.book.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
stage=$work/book          # becomes OUT_DIR
logs=$work/logs           # pandoc's messages, one file per page
mkdir -p "$stage/figures" "$logs"
chmod 755 "$stage"        # mktemp made it private; the book is not

# build NAME PREV NEXT: starts pandoc in the background on NAME.md, with the
# neighbouring pages' names (or "") for the navigation links. The pages are
# independent, so they all build at once; `wait` collects them below.
pids=""
build() {
    page=$1 before=$2 after=$3
    set -- --metadata=book-title="$book_title"
    [ "$page" = index ] || set -- "$@" --metadata=chapter=true
    if [ -n "$before" ]; then
        title=$(title_of "$lessons/$before.md")
        set -- "$@" --metadata=prev-href="$before.html" --metadata=prev-title="$title"
    fi
    if [ -n "$after" ]; then
        title=$(title_of "$lessons/$after.md")
        set -- "$@" --metadata=next-href="$after.html" --metadata=next-title="$title"
    fi
    # gfm_auto_identifiers: section ids as a code-hosting site makes them,
    # so `02-topic.md#some-section` works there and in the book alike.
    # --toc-depth=3: the contents list the ## and ### sections.
    # --mathml: math as MathML, which browsers draw without any script.
    # Code is highlighted by pandoc (span classes such as .kw, .co); the
    # colours are in style.css, in a light and a dark palette, so the
    # template leaves out pandoc's own highlighting CSS.
    # --wrap=preserve: the HTML keeps the lesson's line breaks.
    pandoc "$lessons/$page.md" \
        --from=markdown+gfm_auto_identifiers --to=html5 --standalone \
        --template="$template" --lua-filter="$filter" \
        --toc --toc-depth=3 --mathml --wrap=preserve \
        --fail-if-warnings "$@" \
        --output="$stage/$page.html" 2>"$logs/$page.log" &
    pids="$pids $!:$page"
}

# Walk the pages in reading order, keeping one page in hand: a page is built
# once we know what follows it.
prev="" current=index
for lesson in "$lessons"/[0-9][0-9]-*.md; do
    [ -e "$lesson" ] || break           # no lessons yet: the glob stayed as is
    next=$(basename "$lesson" .md)
    build "$current" "$prev" "$next"
    prev=$current current=$next
done
build "$current" "$prev" ""

# Collect every pandoc; report each failure with its messages.
failed=0
for job in $pids; do
    if ! wait "${job%%:*}"; then
        echo "book.sh: pandoc failed on $lessons/${job#*:}.md:" >&2
        sed 's/^/  /' "$logs/${job#*:}.log" >&2
        failed=1
    fi
done
[ "$failed" -eq 0 ] || exit 1

cp "$style" "$stage/style.css"
for svg in "$figures"/*.svg; do
    [ -e "$svg" ] || break              # no figures: the glob stayed as is
    cp "$svg" "$stage/figures/"
done

# Every link and image must resolve inside the book before it replaces the
# old one.
"$tools/check-links.sh" "$stage" >&2 || die "broken links; the book was not updated"

rm -rf "$out"
mv "$stage" "$out"
