/*
 * idx.h: reading an array of bytes from an IDX file, the format MNIST and
 * Fashion-MNIST are shipped in, plain or gzip-compressed.
 *
 * An IDX file (Yann LeCun's format, described on the MNIST page) is a small
 * header and then the numbers, nothing else:
 *
 *     offset 0   two zero bytes           the magic
 *     offset 2   one byte: the type       0x08 for unsigned bytes (the only
 *                                         type read here)
 *     offset 3   one byte: the rank       how many dimensions follow
 *     offset 4   rank 32-bit counts       each dimension, most significant
 *                                         byte first (big-endian)
 *     then       the data, row-major      as many bytes as the product of
 *                                         the dimensions, and no more
 *
 * A gzip-compressed file is read through zlib, which passes an uncompressed
 * one through unchanged: the reader sees one stream of bytes either way.
 * Every position it reports is an offset in that decompressed stream, so
 * `gzip -dc FILE | od -A d -t x1 | less` shows the byte it speaks of. For
 * damaged gzip data the offset is only how far the reading had got when
 * zlib noticed: zlib decompresses ahead, and checks the CRC-32 only at the
 * end of the stream, so the damage itself can be anywhere before.
 *
 * Nothing is taken on trust. The header is checked against what the caller
 * expects (the rank, the sizes it requires, a limit on the bytes), and the
 * array is allocated only then, at its declared size: a file that declares
 * 2^31 x 2^31 bytes is refused before anything is allocated, whatever its
 * length. A file that ends early, one with bytes after its data, and gzip
 * data that is damaged (a bad block, a wrong checksum) are all refused, in
 * one line that says where and what was expected there:
 *
 *     train-images-idx3-ubyte.gz:2: expected type 0x08 (unsigned bytes),
 *     found 0x0d (32-bit floats)
 *
 * zlib's gzread ends the data without a word at bytes after the gzip
 * stream (gzip -d drops them too) and at a file cut short inside the
 * stream's 8-byte trailer (its CRC-32 and length): so the last 8 bytes of
 * a gzip file are compared with the data's CRC-32 and length, and a file
 * with anything after its stream, cut, or made of several gzip streams is
 * refused (gzip -dc FILE | gzip makes it one stream).
 */
#ifndef IDX_H
#define IDX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The most dimensions an array read here may have (images are 3: count,
 * rows, columns). */
enum { IDX_MAX_RANK = 3 };

/* What the caller will accept, checked against the header before anything
 * is allocated. */
typedef struct {
    size_t rank;                     /* how many dimensions, 1 to
                                        IDX_MAX_RANK: 1 for labels, 3 for
                                        images */
    size_t dims[IDX_MAX_RANK];       /* the size dimension k must have, or 0
                                        for any size from 1 up */
    const char *names[IDX_MAX_RANK]; /* what dimension k counts, plural
                                        ("images", "rows"), for messages; NULL
                                        says "dimension k" */
    size_t max_bytes;                /* the most data the file may declare */
} IdxShape;

/* An array read from a file: data holds size bytes, row-major. */
typedef struct {
    uint8_t *data;
    size_t dims[IDX_MAX_RANK]; /* dims[0..rank); the others are 0 */
    size_t rank;
    size_t size; /* the product of dims[0..rank) */
} IdxArray;

typedef struct {
    uint64_t offset;   /* where the problem is, in the decompressed bytes */
    bool has_offset;   /* false when there is no position (the file cannot
                          be opened) */
    int errno_value;   /* the system's error number when opening or reading
                          failed (ENOENT for a missing file), ENOMEM when
                          memory ran out (the file may be fine), otherwise
                          0 */
    char message[256]; /* what was expected there, and what was found */
} IdxError;

/* Reads the IDX file at `path` (gzip-compressed or not) into out, which it
 * allocates (free it with idx_free), after checking its header against
 * `want`. Returns true on success. On failure out is left empty and err
 * says what went wrong; the file is never read past its declared data but
 * for one byte, the one that shows whether anything follows. */
bool idx_read(const char *path, const IdxShape *want, IdxArray *out,
              IdxError *err);

/* The same, from a descriptor that is open for reading (a file, a pipe, a
 * memfd): reading starts where the descriptor is. The descriptor stays
 * open; the caller closes it. */
bool idx_read_fd(int fd, const IdxShape *want, IdxArray *out, IdxError *err);

/* Frees the array's data and leaves it empty. */
void idx_free(IdxArray *array);

/* Prints one line to `out`: "<prefix>path:offset: message", or
 * "<prefix>path: message" when the error has no offset. */
void idx_print_error(FILE *out, const char *prefix, const char *path,
                     const IdxError *err);

#endif
