#!/bin/sh
# book.sh: the course book's two steps, which make runs (see the Makefile):
#
#   tools/book.sh titles LESSONS_DIR          prints "NAME<TAB>Title" for the
#                                             course map (index) and every
#                                             lesson NN-topic, reading order
#   tools/book.sh page NAME LESSONS_DIR TITLES OUT_DIR
#                                             renders LESSONS_DIR/NAME.md to
#                                             OUT_DIR/NAME.html
#
# Every lesson starts with a line `# N. Title`. Every page runs through
# pandoc with one template (tools/book/page.html) and one Lua filter
# (tools/book/book.lua: .md links become .html links, the first line becomes
# the title). Math becomes MathML, so the book needs no JavaScript and works
# offline. Pages link to their neighbours in reading order, index -> 01 ->
# 02 -> ..., whose names and titles come from the TITLES file, so a page is
# rebuilt when its own lesson changes, not when another lesson's text does.
# Any pandoc warning is an error, and a page is written whole or not at
# all (a temporary file, then a rename).
set -eu

# Byte order, so chapter 10 follows chapter 09 whatever the user's locale.
# (pandoc reads and writes UTF-8 regardless.)
LC_ALL=C
export LC_ALL

tools=$(cd "$(dirname "$0")" && pwd)
die() {
    echo "book.sh: $*" >&2
    exit 1
}
command -v pandoc >/dev/null 2>&1 || die "pandoc is not installed (make deps)"

# The title of a page is its markdown file's first line, without the "# ".
title_of() {
    line=$(sed -n '1p' "$1")
    case "$line" in
        '# '?*) printf '%s\n' "${line#\# }" ;;
        *) die "$1:1: the first line must be a title like '# 1. Topic'" ;;
    esac
}

titles() {
    lessons=$1
    [ -f "$lessons/index.md" ] || die "no course map: $lessons/index.md is missing"
    printf 'index\t%s\n' "$(title_of "$lessons/index.md")"
    for lesson in "$lessons"/[0-9][0-9]-*.md; do
        [ -e "$lesson" ] || break       # no lessons yet: the glob stayed as is
        printf '%s\t%s\n' "$(basename "$lesson" .md)" "$(title_of "$lesson")"
    done
}

page() {
    name=$1 lessons=$2 titles=$3 out=$4
    # The page's neighbours and their titles, from the titles file.
    eval "$(awk -F '\t' -v name="$name" '
        function q(s) { gsub(/\047/, "\047\\\047\047", s); return "\047" s "\047" }
        { n[NR] = $1; t[NR] = $2; if ($1 == name) at = NR }
        END {
            if (!at) exit 1
            printf "book_title=%s prev=%s prev_title=%s next=%s next_title=%s\n",
                q(t[1]), q(n[at - 1]), q(t[at - 1]), q(n[at + 1]), q(t[at + 1])
        }' "$titles")" || die "$name is not in $titles"
    set -- --metadata=book-title="$book_title"
    [ "$name" = index ] || set -- "$@" --metadata=chapter=true
    [ -z "$prev" ] ||
        set -- "$@" --metadata=prev-href="$prev.html" --metadata=prev-title="$prev_title"
    [ -z "$next" ] ||
        set -- "$@" --metadata=next-href="$next.html" --metadata=next-title="$next_title"
    mkdir -p "$out"
    # gfm_auto_identifiers: section ids as a code-hosting site makes them,
    # so `02-topic.md#some-section` works there and in the book alike.
    # --toc-depth=3: the contents list the ## and ### sections.
    # --mathml: math as MathML, which browsers draw without any script.
    # Code is highlighted by pandoc (span classes such as .kw, .co); the
    # colours are in style.css, in a light and a dark palette, so the
    # template leaves out pandoc's own highlighting CSS.
    # --wrap=preserve: the HTML keeps the lesson's line breaks.
    pandoc "$lessons/$name.md" \
        --from=markdown+gfm_auto_identifiers --to=html5 --standalone \
        --template="$tools/book/page.html" --lua-filter="$tools/book/book.lua" \
        --toc --toc-depth=3 --mathml --wrap=preserve \
        --fail-if-warnings "$@" --output="$out/$name.html.tmp" ||
        { rm -f "$out/$name.html.tmp"; die "pandoc failed on $lessons/$name.md"; }
    mv "$out/$name.html.tmp" "$out/$name.html"
}

case "${1:-}" in
    titles) [ "$#" -eq 2 ] || die "usage: book.sh titles LESSONS_DIR"; titles "$2" ;;
    page) [ "$#" -eq 5 ] || die "usage: book.sh page NAME LESSONS_DIR TITLES OUT_DIR"
          page "$2" "$3" "$4" "$5" ;;
    *) echo "usage: book.sh titles LESSONS_DIR | page NAME LESSONS_DIR TITLES OUT_DIR" >&2
       exit 2 ;;
esac
