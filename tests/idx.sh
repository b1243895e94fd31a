# tests/idx.sh: checks of the IDX reader (lib/idx.c) and the Fashion-MNIST
# loader (lib/fashion_mnist.c), sourced by chapter 8's tests/08-backprop.sh
# inside the self-test, with $scratch (a private folder) and check set.
#
# A small driver, tests/idx-read.c, is built in $scratch against lib/. The
# real dataset must load and match the files' own bytes (gzip -d and tail,
# never the reader, say what the bytes are); every broken file, written
# here byte by byte or cut and damaged from the real one, must be refused in
# one line "PATH:OFFSET: expected ..., found ...", exit status 2. Last, a
# bounded libFuzzer run.
#
# To run these alone, from the top of the repository:
#   scratch=$(mktemp -d); check() { shift; "$@" >/dev/null && echo ok || echo FAIL; }
#   . tests/idx.sh
# (the fuzzing check calls the self-test's fuzz function: alone, it fails;
# SELFTEST_CHAPTERS=08-backprop tools/selftest.sh --group programs-08 runs
# it with everything else).

# $scratch comes from the sourcing script; ulimit -v, outside POSIX, is in
# both dash and bash.
# shellcheck disable=SC2154,SC3045
idx_data=${FASHION_MNIST_DATA:-/usr/share/datasets/fashion-mnist}
idx_driver=$scratch/idx-read

# ------------------------------------------------------------ helpers

# (idx_bytes and idx_header, which write IDX files' bytes, are
# tools/selftest.sh's: the checks of chapter 10 and of memory use them too.)

# idx_split NAME: a fresh directory $scratch/idx/NAME, printed, for a split
# made of files written by the check.
idx_split() {
    rm -rf "$scratch/idx/$1"
    mkdir -p "$scratch/idx/$1"
    echo "$scratch/idx/$1"
}

# idx_images N: N blank 28 x 28 images, uncompressed (the reader takes
# those through zlib as they are).
idx_images() {
    idx_header 8 "$1" 28 28
    head -c $(($1 * 784)) /dev/zero
}

# idx_flip FILE OFFSET: inverts every bit of the byte at OFFSET, in place.
idx_flip() {
    idx_old=$(od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' ')
    idx_bytes $((idx_old ^ 255)) | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# idx_refused EXPECTED ARGS...: the driver, given ARGS, exits with status
# 2, writes nothing on stdout and one line on stderr, "idx-read: " then
# EXPECTED, a fixed text or, with -E first, an extended regular expression
# for the whole message.
idx_refused() {
    idx_mode=fixed
    [ "$1" = -E ] && { idx_mode=regex; shift; }
    idx_expected=$1
    shift
    "$idx_driver" "$@" >"$scratch/idx.out" 2>"$scratch/idx.err"
    idx_status=$?
    idx_line=$(cat "$scratch/idx.err")
    echo "idx-read $*: exit status $idx_status; stderr: $idx_line"
    [ "$idx_status" -eq 2 ] || { echo "expected exit status 2"; return 1; }
    [ ! -s "$scratch/idx.out" ] || { echo "expected nothing on stdout"; return 1; }
    [ "$(wc -l <"$scratch/idx.err")" -eq 1 ] || { echo "expected one line on stderr"; return 1; }
    if [ "$idx_mode" = regex ]; then
        printf '%s\n' "$idx_line" | grep -Eq "^idx-read: $idx_expected\$"
    else
        [ "$idx_line" = "idx-read: $idx_expected" ]
    fi || { echo "expected: idx-read: $idx_expected"; return 1; }
}

# ------------------------------------------------------- the driver

idx_driver_builds() {
    # shellcheck disable=SC2046  # pkg-config's flags are words
    cc -std=c11 -O2 -Wall -Wextra -Wpedantic -Wshadow -Werror -ffp-contract=off \
        -Ilib tests/idx-read.c lib/idx.c lib/fashion_mnist.c lib/output.c \
        $(pkg-config --libs zlib 2>/dev/null || echo -lz) -o "$idx_driver"
}
check "08: the IDX driver tests/idx-read.c builds with -Werror" idx_driver_builds

# ---------------------------------------------------- the real dataset

# idx_loads SPLIT N: the installed split loads within 200 MB of address
# space (its pixels are 47 MB at most) with N images, each class labelled
# N / 10 times (the dataset is balanced), counted by od, not the reader.
idx_loads() {
    idx_out=$( (ulimit -v 200000 && exec "$idx_driver" "$idx_data" "$1")) || return 1
    [ "$idx_out" = "n=$2 rows=28 cols=28" ] || { echo "loaded: $idx_out"; return 1; }
    "$idx_driver" "$idx_data" "$1" labels | od -An -v -tu1 -w1 | sort -n | uniq -c >"$scratch/idx-classes"
    cat "$scratch/idx-classes"
    # (a flag, not exit in the main rule: END's exit would replace its status)
    awk -v want=$(($2 / 10)) '{ n++; if ($1 != want || $2 != n - 1) bad = 1 } END { exit bad || n != 10 }' \
        "$scratch/idx-classes"
}
check "08: the installed train split loads in 200 MB: 60000 images, 6000 of each class" idx_loads train 60000
check "08: the installed t10k split loads in 200 MB: 10000 images, 1000 of each class" idx_loads t10k 10000

# The very bytes of the files, past their headers (16 bytes for images, 8
# for labels).
idx_same_bytes() {
    "$idx_driver" "$idx_data" t10k pixels >"$scratch/idx-pixels" || return 1
    gzip -dc "$idx_data/t10k-images-idx3-ubyte.gz" | tail -c +17 | cmp - "$scratch/idx-pixels" || return 1
    "$idx_driver" "$idx_data" t10k labels >"$scratch/idx-labels" || return 1
    gzip -dc "$idx_data/t10k-labels-idx1-ubyte.gz" | tail -c +9 | cmp - "$scratch/idx-labels"
}
check "08: t10k's pixels and labels are the files' bytes, in order" idx_same_bytes

idx_class_names() {
    "$idx_driver" "$idx_data" t10k names >"$scratch/idx-names" || return 1
    printf '%s\n' T-shirt/top Trouser Pullover Dress Coat Sandal Shirt Sneaker Bag 'Ankle boot' |
        diff - "$scratch/idx-names"
}
check "08: the 10 class names are the dataset's, in label order" idx_class_names

# zlib passes a file that is not compressed through as it is.
idx_uncompressed() {
    idx_dir=$(idx_split plain)
    for idx_f in images-idx3 labels-idx1; do
        gzip -dc "$idx_data/t10k-$idx_f-ubyte.gz" >"$idx_dir/t10k-$idx_f-ubyte.gz" || return 1
    done
    [ "$("$idx_driver" "$idx_dir" t10k)" = "n=10000 rows=28 cols=28" ]
}
check "08: an uncompressed copy of t10k loads the same" idx_uncompressed

# ------------------------------------------------- broken headers

# idx_bad_images NAME WHERE COMMAND...: t10k's images are what COMMAND
# writes (a header is enough: it is refused before any data), in a fresh
# split NAME; the driver must refuse them with "PATH:WHERE", WHERE being
# the offset and the message.
idx_bad_images() {
    idx_dir=$(idx_split "$1")
    idx_expected=$2
    shift 2
    "$@" >"$idx_dir/t10k-images-idx3-ubyte.gz" || return 1
    idx_refused "$idx_dir/t10k-images-idx3-ubyte.gz:$idx_expected" "$idx_dir" t10k
}
check "08: an IDX file without the magic 00 00 is refused at offset 0" \
    idx_bad_images magic "0: expected the IDX magic 00 00, found 01 00: this is not an IDX file" \
    idx_bytes 1 0 8 3
check "08: images stored as floats (type 0x0d) are refused at offset 2" \
    idx_bad_images type "2: expected type 0x08 (unsigned bytes), found 0x0d (32-bit floats)" \
    idx_header 13 2 28 28
check "08: a labels file given as images (1 dimension, not 3) is refused at offset 3" \
    idx_bad_images rank "3: expected 3 dimensions, found 1" \
    cat "$idx_data/t10k-labels-idx1-ubyte.gz"
check "08: a file of 0 images is refused at offset 4" \
    idx_bad_images zero "4: expected a positive number of images, found 0" \
    idx_header 8 0 28 28
check "08: 32 x 32 images are refused at offset 8 (28 rows expected)" \
    idx_bad_images rows "8: expected 28 rows, found 32" \
    idx_header 8 1 32 32

# Absurd sizes, in files of a header and nothing else: refused from the
# header, before any allocation, which a 200 MB limit on the address space
# would make fail with another message.
idx_absurd_size() {
    (ulimit -v 200000 && idx_bad_images absurd "4: expected at most 7840000 bytes of data, found dimensions 2147483648 x 28 x 28 (1683627180032 bytes)" \
        idx_header 8 2147483648 28 28) || return 1
    idx_header 8 2147483648 2147483648 >"$idx_dir/square.idx"
    (ulimit -v 200000 && idx_refused "$idx_dir/square.idx:4: expected at most 1000000000 bytes of data, found dimensions 2147483648 x 2147483648 (4611686018427387904 bytes)" --idx "$idx_dir/square.idx" 2 1000000000) || return 1
    idx_header 8 2147483648 2147483648 2147483648 >"$idx_dir/cube.idx"
    (ulimit -v 200000 && idx_refused "$idx_dir/cube.idx:4: expected at most 1000000000 bytes of data, found dimensions 2147483648 x 2147483648 x 2147483648 (more bytes than this machine can address)" --idx "$idx_dir/cube.idx" 3 1000000000)
}
check "08: 2^31 images, 2^31 x 2^31 and 2^31 x 2^31 x 2^31 bytes are refused before allocating (ulimit -v 200000)" idx_absurd_size

# ----------------------------------------- cut, damaged, too long

# The real images, cut at 1 MB of their 4.4: zlib reaches the end of the
# input in the middle of the stream.
idx_truncated() {
    idx_dir=$(idx_split cut)
    head -c 1000000 "$idx_data/t10k-images-idx3-ubyte.gz" >"$idx_dir/t10k-images-idx3-ubyte.gz"
    idx_refused -E "$idx_dir/t10k-images-idx3-ubyte.gz:[0-9]+: expected 7840000 bytes of data \\(10000 x 28 x 28\\), found the end of a gzip stream that is cut short \\(zlib: .*\\)" "$idx_dir" t10k || return 1
    # Cut inside the 8-byte trailer (CRC and length): every byte of data
    # is there, and the file is still refused.
    cp "$idx_data/t10k-images-idx3-ubyte.gz" "$idx_dir/t10k-images-idx3-ubyte.gz"
    idx_size=$(wc -c <"$idx_data/t10k-labels-idx1-ubyte.gz")
    head -c $((idx_size - 4)) "$idx_data/t10k-labels-idx1-ubyte.gz" >"$idx_dir/t10k-labels-idx1-ubyte.gz"
    idx_refused -E "$idx_dir/t10k-labels-idx1-ubyte.gz:10008: expected the end of the file, found the end of a gzip stream that is cut short \\(zlib: .*\\)" "$idx_dir" t10k || return 1
    # The training labels cut by their whole trailer, 8 bytes: zlib 1.2.13
    # ends the data at the stream's last byte and says nothing (so does a
    # cut of 4 or 10 here), and the file was read as whole. Its last 8
    # bytes are now compared with the data's CRC-32 and length.
    idx_dir=$(idx_split cut-trailer)
    ln -s "$idx_data/train-images-idx3-ubyte.gz" "$idx_dir/"
    idx_size=$(wc -c <"$idx_data/train-labels-idx1-ubyte.gz")
    head -c $((idx_size - 8)) "$idx_data/train-labels-idx1-ubyte.gz" >"$idx_dir/train-labels-idx1-ubyte.gz"
    idx_refused "$idx_dir/train-labels-idx1-ubyte.gz:60008: expected the end of the file, found a gzip file whose last 8 bytes are not its data's CRC-32 and length: it is cut short, has bytes added after its end, or joins several gzip files (gzip -dc FILE | gzip makes one)" "$idx_dir" train
}
check "08: gzip files cut short (in the data, in the checksum, by the whole trailer) are refused where they end" idx_truncated

# One flipped byte in the middle of the compressed images, and one in the
# labels' CRC-32: damaged data, or a checksum that does not match.
idx_damaged() {
    idx_dir=$(idx_split damaged)
    cp "$idx_data/t10k-images-idx3-ubyte.gz" "$idx_data/t10k-labels-idx1-ubyte.gz" "$idx_dir/" || return 1
    chmod u+w "$idx_dir"/*
    idx_flip "$idx_dir/t10k-images-idx3-ubyte.gz" 2000000
    idx_refused -E "$idx_dir/t10k-images-idx3-ubyte.gz:[0-9]+: expected .*, found damaged gzip data \\(zlib: .*\\)" "$idx_dir" t10k || return 1
    cp "$idx_data/t10k-images-idx3-ubyte.gz" "$idx_dir/"
    idx_flip "$idx_dir/t10k-labels-idx1-ubyte.gz" $(($(wc -c <"$idx_dir/t10k-labels-idx1-ubyte.gz") - 8))
    idx_refused -E "$idx_dir/t10k-labels-idx1-ubyte.gz:[0-9]+: expected .*, found damaged gzip data \\(zlib: incorrect data check\\)" "$idx_dir" t10k
}
check "08: a flipped byte in gzip data, and one in its CRC-32, are refused" idx_damaged

idx_trailing() {
    idx_dir=$(idx_split trailing)
    cp "$idx_data/t10k-images-idx3-ubyte.gz" "$idx_dir/"
    { gzip -dc "$idx_data/t10k-labels-idx1-ubyte.gz"; idx_bytes 7; } | gzip -n >"$idx_dir/t10k-labels-idx1-ubyte.gz"
    idx_refused "$idx_dir/t10k-labels-idx1-ubyte.gz:10008: expected the end of the file after the 10000 bytes of data (10000), found more bytes" "$idx_dir" t10k || return 1
    # Bytes after the gzip stream itself, which zlib (as gzip -d) drops
    # unread: the file's last 8 bytes are then not the trailer.
    { cat "$idx_data/t10k-labels-idx1-ubyte.gz"; printf 'junk\n'; } >"$idx_dir/t10k-labels-idx1-ubyte.gz"
    idx_refused "$idx_dir/t10k-labels-idx1-ubyte.gz:10008: expected the end of the file, found a gzip file whose last 8 bytes are not its data's CRC-32 and length: it is cut short, has bytes added after its end, or joins several gzip files (gzip -dc FILE | gzip makes one)" "$idx_dir" t10k
}
check "08: a byte after the declared labels, or after the gzip stream, is refused at offset 10008" idx_trailing

# ------------------------------------------------- the two files together

idx_label_ten() {
    idx_dir=$(idx_split label10)
    idx_images 2 >"$idx_dir/t10k-images-idx3-ubyte.gz"
    { idx_header 8 2; idx_bytes 3 10; } >"$idx_dir/t10k-labels-idx1-ubyte.gz"
    idx_refused "$idx_dir/t10k-labels-idx1-ubyte.gz:9: expected a class label from 0 to 9, found 10 (the label of image 1, counting from 0)" "$idx_dir" t10k
}
check "08: a label of 10 is refused at its offset" idx_label_ten

idx_count_mismatch() {
    idx_dir=$(idx_split mismatch)
    idx_images 2 >"$idx_dir/t10k-images-idx3-ubyte.gz"
    { idx_header 8 3; idx_bytes 1 2 3; } >"$idx_dir/t10k-labels-idx1-ubyte.gz"
    idx_refused "$idx_dir/t10k-labels-idx1-ubyte.gz:4: expected 2 labels (one per image in t10k-images-idx3-ubyte.gz), found 3" "$idx_dir" t10k
}
check "08: 3 labels for 2 images are refused at the labels' count" idx_count_mismatch

idx_missing() {
    idx_hint="make deps installs Fashion-MNIST in /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist), or --data-dir names the directory that holds it"
    idx_refused "$scratch/idx/nowhere: cannot open the directory: it does not exist; $idx_hint" "$scratch/idx/nowhere" train || return 1
    idx_dir=$(idx_split missing)
    idx_images 2 >"$idx_dir/train-images-idx3-ubyte.gz"
    idx_refused "$idx_dir/train-labels-idx1-ubyte.gz: cannot open: No such file or directory; $idx_hint" "$idx_dir" train
}
check "08: a missing directory or file is named, with make deps and --data-dir" idx_missing

# ------------------------------------------------------------- fuzzing

# libFuzzer mutates the seeds in tests/fuzz-idx.corpus (tiny IDX files,
# plain and gzipped, whole and cut) for 10 seconds (seed 1) under
# AddressSanitizer and UndefinedBehaviorSanitizer; a crash, a leak, a
# sanitizer report or a broken promise (tests/fuzz-idx.c) fails the check.
# New inputs go to the scratch folder, never to the repository.
fuzz_idx_reader() {
    # shellcheck disable=SC2046  # pkg-config's flags are words
    fuzz idx lib/idx.c lib/output.c $(pkg-config --libs zlib 2>/dev/null || echo -lz)
}
check "08: libFuzzer finds no crash or sanitizer report in the IDX reader (10 s)" fuzz_idx_reader
