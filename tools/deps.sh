#!/bin/sh
# deps.sh [test|grade]: make sure the course's Debian packages are installed.
#
# A student's make needs a C compiler, make, pkg-config, Check (graded
# tests), gnuplot (figures), pandoc (the book), jq (make grade writes
# Gradescope's results.json with it), inotify-tools (make watch re-grades
# on file events; without it, it falls back to polling), zlib (lib/idx.c
# reads gzip-compressed datasets with it) and Fashion-MNIST (chapter 8
# trains on it; Debian ships it as dataset-fashion-mnist), OpenMPI
# (chapter 10 trains data-parallel over it: mpirun from openmpi-bin, the
# headers and pkg-config's ompi-c from libopenmpi-dev). With
# `test` (make test, which CI runs), also clang with libFuzzer (the
# self-test fuzzes the CSV reader), Chromium and a math font the book
# names, DejaVu Math TeX Gyre (it measures the book's layout on a phone's
# and a laptop's screen, with the formulas in that font rather than in
# whatever a machine falls back to), the locales' sources (it builds
# under a Turkish locale it compiles with localedef), a cross
# compiler for 64-bit ARM (it checks that the course builds there) and
# procps (ps and pgrep: it checks that no process is left behind): only
# maintainers need those.
# With `test` or `grade` (make grade, make grade-class), also bubblewrap,
# the sandbox a class's submissions run in.
# Run as root, this installs what is missing with apt-get; otherwise it
# prints the exact command and fails.
set -eu

# True when the compiler $1 (with the flags after it) builds the program
# on standard input. A compiler alone is not always enough: clang's
# libFuzzer runtime comes in another package (libclang-rt-dev), and the
# cross compiler's C library headers in another (libc6-dev-arm64-cross,
# only a recommendation of gcc-aarch64-linux-gnu, which apt-get below
# leaves out).
builds() {
    dir=$(mktemp -d) || return 1
    cat >"$dir/probe.c"
    status=0
    "$@" "$dir/probe.c" -o "$dir/probe" >/dev/null 2>&1 || status=1
    rm -rf "$dir"
    return $status
}
fuzzer_builds() {
    printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
        'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
        '{ (void)d; (void)n; return 0; }' | builds clang -fsanitize=fuzzer
}
# (-c: the self-test only compiles for arm64, it never links.)
arm64_builds() {
    printf '%s\n' '#include <math.h>' '#include <stdio.h>' \
        'int main(void) { printf("%f", sqrt(2.0)); return 0; }' | builds aarch64-linux-gnu-gcc -c
}

missing=""
command -v cc >/dev/null 2>&1 || missing="$missing gcc"
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
pkg-config --exists check 2>/dev/null || missing="$missing check"
command -v gnuplot >/dev/null 2>&1 || missing="$missing gnuplot-nox"
command -v pandoc >/dev/null 2>&1 || missing="$missing pandoc"
command -v jq >/dev/null 2>&1 || missing="$missing jq"
command -v inotifywait >/dev/null 2>&1 || missing="$missing inotify-tools"
pkg-config --exists zlib 2>/dev/null || missing="$missing zlib1g-dev"
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] ||
    missing="$missing dataset-fashion-mnist"
command -v mpirun >/dev/null 2>&1 || missing="$missing openmpi-bin"
pkg-config --exists ompi-c 2>/dev/null || missing="$missing libopenmpi-dev"
# Grading a class (make grade, make grade-class, and the self-test) runs
# each submission's tests in a bubblewrap sandbox.
case "${1:-}" in test|grade)
    command -v bwrap >/dev/null 2>&1 || missing="$missing bubblewrap" ;;
esac
if [ "${1:-}" = test ]; then
    command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
    [ -f /usr/share/fonts/truetype/dejavu/DejaVuMathTeXGyre.ttf ] || missing="$missing fonts-dejavu-extra"
    command -v pgrep >/dev/null 2>&1 && command -v ps >/dev/null 2>&1 || missing="$missing procps"
    [ -f /usr/share/i18n/locales/tr_TR ] || missing="$missing locales"
    if ! command -v aarch64-linux-gnu-gcc >/dev/null 2>&1; then
        missing="$missing gcc-aarch64-linux-gnu libc6-dev-arm64-cross"
    elif ! arm64_builds; then
        missing="$missing libc6-dev-arm64-cross"
    fi
    if ! command -v clang >/dev/null 2>&1; then
        missing="$missing clang libclang-rt-dev"
    elif ! fuzzer_builds; then
        missing="$missing libclang-rt-dev"
    fi
fi

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing Debian packages:$missing" >&2
    echo "deps: install them with:  sudo apt-get install$missing" >&2
    exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086  # the list is meant to split into words
apt-get install -y -qq --no-install-recommends $missing >/dev/null
