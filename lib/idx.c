/*
 * idx.c: the IDX reader. See idx.h for the format and what is checked.
 *
 * zlib's gz* functions do the decompressing, and pass a plain file through
 * untouched; this file counts the decompressed bytes as they arrive, so
 * that every message can say where it is. The order of the checks follows
 * the order of the bytes: the first thing that is wrong stops the reading.
 */
#define _POSIX_C_SOURCE 200809L
#include "idx.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "output.h"

enum {
    IDX_UNSIGNED_BYTE = 0x08,
    FIXED_HEADER = 4, /* the magic (2 bytes), the type, the rank */
    /* The most bytes one gzread call is asked for: gzread counts in int,
     * and a chunk at a time keeps the offset of a failure exact. */
    CHUNK = 1 << 20,
};

/* A stream being read, and how many decompressed bytes it has given, with
 * their CRC-32 (gzip's checksum); fd is the file it reads. */
typedef struct {
    gzFile gz;
    int fd;
    uint64_t offset;
    uLong crc;
} Reader;

/* The offset of a failure that has no place in the data (the file cannot
 * be opened). */
#define NOWHERE UINT64_MAX

static bool fail_at(IdxError *err, uint64_t offset, const char *format, ...)
{
    err->has_offset = offset != NOWHERE;
    err->offset = err->has_offset ? offset : 0;
    va_list args;
    va_start(args, format);
    vsnprintf(err->message, sizeof err->message, format, args);
    va_end(args);
    return false;
}

/* zlib's message for the stream's error, and its code. zlib puts the name
 * the stream was opened with in front ("<fd:3>: incorrect data check"):
 * the caller names the file better, so that part is dropped. */
static const char *zlib_error(gzFile gz, int *code)
{
    const char *text = gzerror(gz, code);
    const char *colon = strstr(text, ": ");
    return text[0] == '<' && colon ? colon + 2 : text;
}

/* A read gave nothing: says why, as what was found where `expected` was
 * expected. zlib tells a clean end of the data (Z_OK) from gzip data that
 * stops in the middle (Z_BUF_ERROR) and from damaged gzip data
 * (Z_DATA_ERROR: a bad block, or a checksum or length that does not match
 * the data, which zlib checks when it reaches the end of the stream). */
static bool explain_stop(Reader *r, const char *expected, IdxError *err)
{
    int code;
    const char *zlib_says = zlib_error(r->gz, &code);
    switch (code) {
    case Z_OK:
        return fail_at(err, r->offset, "expected %s, found the end of the file",
                       expected);
    case Z_BUF_ERROR:
        return fail_at(err, r->offset,
                       "expected %s, found the end of a gzip stream that is "
                       "cut short (zlib: %s)",
                       expected, zlib_says);
    case Z_ERRNO:
        err->errno_value = errno;
        return fail_at(err, r->offset, "expected %s, found a read error (%s)",
                       expected, zlib_says);
    case Z_MEM_ERROR:
        err->errno_value = ENOMEM;
        return fail_at(err, r->offset,
                       "expected %s, found no memory left to decompress it",
                       expected);
    default:
        return fail_at(err, r->offset,
                       "expected %s, found damaged gzip data (zlib: %s)",
                       expected, zlib_says);
    }
}

/* Reads exactly len bytes into buffer, a chunk at a time. */
static bool read_exactly(Reader *r, void *buffer, size_t len,
                         const char *expected, IdxError *err)
{
    uint8_t *at = buffer;
    size_t done = 0;
    while (done < len) {
        size_t ask = len - done < CHUNK ? len - done : CHUNK;
        int got = gzread(r->gz, at + done, (unsigned)ask);
        if (got <= 0)
            return explain_stop(r, expected, err);
        r->crc = crc32(r->crc, at + done, (uInt)got);
        done += (size_t)got;
        r->offset += (uint64_t)got;
    }
    return true;
}

static uint32_t little_endian_32(const uint8_t *b)
{
    return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 |
           (uint32_t)b[0];
}

/* A gzip file ends with its data's CRC-32 and length (mod 2^32), each 4
 * bytes, least significant first, and zlib checks them when it reads
 * them. But when the file stops just short of them, or has other bytes
 * after them, gzread ends the data without a word (zlib 1.2.13: a file
 * cut 8 bytes short read as whole). So the last 8 bytes of a gzip file
 * (a regular one: a pipe cannot be read again) must be this data's. */
static bool trailer_matches(Reader *r, IdxError *err)
{
    struct stat st;
    uint8_t tail[8];
    if (gzdirect(r->gz) || fstat(r->fd, &st) != 0 || !S_ISREG(st.st_mode))
        return true;
    if (st.st_size < 8 || pread(r->fd, tail, 8, st.st_size - 8) != 8 ||
        little_endian_32(tail) != (uint32_t)r->crc ||
        little_endian_32(tail + 4) != (uint32_t)r->offset)
        return fail_at(err, r->offset,
                       "expected the end of the file, found a gzip file "
                       "whose last 8 bytes are not its data's CRC-32 and "
                       "length: it is cut short, has bytes added after its "
                       "end, or joins several gzip files (gzip -dc FILE | "
                       "gzip makes one)");
    return true;
}

static uint32_t big_endian_32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 |
           (uint32_t)b[3];
}

/* The element types of the IDX format, for a message about a file that
 * holds another one. */
static const char *type_name(unsigned type)
{
    switch (type) {
    case 0x08: return "unsigned bytes";
    case 0x09: return "signed bytes";
    case 0x0B: return "16-bit integers";
    case 0x0C: return "32-bit integers";
    case 0x0D: return "32-bit floats";
    case 0x0E: return "64-bit floats";
    default: return "not an IDX type";
    }
}

/* "60000 x 28 x 28" */
static const char *format_dims(const uint32_t *dims, size_t rank, char *buf,
                               size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < rank && used < size; k++)
        used += (size_t)snprintf(buf + used, size - used, "%s%" PRIu32,
                                 k ? " x " : "", dims[k]);
    return buf;
}

/* The first four bytes: the magic, the type and the rank. */
static bool read_fixed_header(Reader *r, size_t want_rank, IdxError *err)
{
    uint8_t head[FIXED_HEADER];
    if (!read_exactly(r, head, sizeof head,
                      "an IDX header (two zero bytes, a type, a rank)", err))
        return false;
    if (head[0] != 0 || head[1] != 0)
        return fail_at(err, head[0] ? 0 : 1,
                       "expected the IDX magic 00 00, found %02x %02x: this "
                       "is not an IDX file",
                       head[0], head[1]);
    if (head[2] != IDX_UNSIGNED_BYTE)
        return fail_at(err, 2,
                       "expected type 0x%02x (unsigned bytes), found 0x%02x "
                       "(%s)",
                       IDX_UNSIGNED_BYTE, head[2], type_name(head[2]));
    if (head[3] != want_rank)
        return fail_at(err, 3, "expected %zu dimension%s, found %u",
                       want_rank, want_rank == 1 ? "" : "s", head[3]);
    return true;
}

/* The dimensions, each checked against want, and their product against
 * want->max_bytes, before anything is allocated. Fills out's dims, rank
 * and size. */
static bool read_dims(Reader *r, const IdxShape *want, IdxArray *out,
                      IdxError *err)
{
    uint8_t raw[4 * IDX_MAX_RANK];
    if (!read_exactly(r, raw, 4 * want->rank,
                      "the sizes of the dimensions, 4 bytes each", err))
        return false;
    uint32_t dims[IDX_MAX_RANK];
    for (size_t k = 0; k < want->rank; k++) {
        uint64_t at = FIXED_HEADER + 4 * k;
        dims[k] = big_endian_32(raw + 4 * k);
        char unnamed[48];
        snprintf(unnamed, sizeof unnamed, "entries along dimension %zu", k + 1);
        const char *what = want->names[k] ? want->names[k] : unnamed;
        if (want->dims[k] && dims[k] != want->dims[k])
            return fail_at(err, at, "expected %zu %s, found %" PRIu32,
                           want->dims[k], what, dims[k]);
        if (dims[k] == 0)
            return fail_at(err, at, "expected a positive number of %s, found 0",
                           what);
    }
    /* The product, refused if it overflows or passes the limit. */
    size_t size = 1;
    bool overflow = false;
    for (size_t k = 0; k < want->rank; k++) {
        if (size > SIZE_MAX / dims[k]) {
            overflow = true;
            break;
        }
        size *= dims[k];
    }
    if (overflow || size > want->max_bytes) {
        char shown[64], bytes[48];
        if (overflow)
            snprintf(bytes, sizeof bytes, "more bytes than this machine can "
                                          "address");
        else
            snprintf(bytes, sizeof bytes, "%zu bytes", size);
        return fail_at(err, FIXED_HEADER,
                       "expected at most %zu bytes of data, found dimensions "
                       "%s (%s)",
                       want->max_bytes,
                       format_dims(dims, want->rank, shown, sizeof shown),
                       bytes);
    }
    out->rank = want->rank;
    for (size_t k = 0; k < want->rank; k++)
        out->dims[k] = dims[k];
    out->size = size;
    return true;
}

/* The whole file: header, data, and the check that nothing follows. */
static bool read_array(Reader *r, const IdxShape *want, IdxArray *out,
                       IdxError *err)
{
    if (!read_fixed_header(r, want->rank, err) || !read_dims(r, want, out, err))
        return false;
    char expected[96], shown[64];
    uint32_t dims[IDX_MAX_RANK];
    for (size_t k = 0; k < out->rank; k++)
        dims[k] = (uint32_t)out->dims[k];
    snprintf(expected, sizeof expected, "%zu bytes of data (%s)", out->size,
             format_dims(dims, out->rank, shown, sizeof shown));
    out->data = malloc(out->size);
    if (!out->data) {
        err->errno_value = ENOMEM;
        return fail_at(err, r->offset,
                       "expected memory for the %s, found none left", expected);
    }
    if (!read_exactly(r, out->data, out->size, expected, err))
        return false;
    /* One more byte: there must be none. Asking for it also makes zlib
     * read to the end of the gzip stream and check its CRC and length,
     * which it does only there. */
    uint8_t extra;
    int got = gzread(r->gz, &extra, 1);
    if (got > 0)
        return fail_at(err, r->offset,
                       "expected the end of the file after the %s, found "
                       "more bytes",
                       expected);
    int code;
    zlib_error(r->gz, &code);
    if (got < 0 || code != Z_OK)
        return explain_stop(r, "the end of the file", err);
    return trailer_matches(r, err);
}

/* Reads from fd, which this closes. */
static bool read_and_close(int fd, const IdxShape *want, IdxArray *out,
                           IdxError *err)
{
    gzFile gz = gzdopen(fd, "rb");
    if (!gz) {
        close(fd);
        err->errno_value = ENOMEM;
        return fail_at(err, NOWHERE, "cannot start reading: out of memory");
    }
    Reader r = {gz, fd, 0, crc32(0L, Z_NULL, 0)};
    bool ok = read_array(&r, want, out, err);
    gzclose_r(gz);
    if (!ok)
        idx_free(out);
    return ok;
}

static void start(const IdxShape *want, IdxArray *out, IdxError *err)
{
    assert(want && want->rank >= 1 && want->rank <= IDX_MAX_RANK);
    *out = (IdxArray){0};
    *err = (IdxError){0};
}

bool idx_read(const char *path, const IdxShape *want, IdxArray *out,
              IdxError *err)
{
    start(want, out, err);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        err->errno_value = errno;
        return fail_at(err, NOWHERE, "cannot open: %s", strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        err->errno_value = EISDIR;
        return fail_at(err, NOWHERE, "cannot read: it is a directory");
    }
    return read_and_close(fd, want, out, err);
}

bool idx_read_fd(int fd, const IdxShape *want, IdxArray *out, IdxError *err)
{
    start(want, out, err);
    /* zlib closes the descriptor it reads; it gets a copy, so the
     * caller's stays open. */
    int copy = dup(fd);
    if (copy < 0) {
        err->errno_value = errno;
        return fail_at(err, NOWHERE, "cannot read the descriptor: %s",
                       strerror(errno));
    }
    return read_and_close(copy, want, out, err);
}

void idx_free(IdxArray *array)
{
    free(array->data);
    *array = (IdxArray){0};
}

void idx_print_error(FILE *out, const char *prefix, const char *path,
                     const IdxError *err)
{
    char e[QUOTED_MAX]; /* a newline in the name must not split the line */
    escape_text(path, strlen(path), e);
    if (err->has_offset)
        fprintf(out, "%s%s:%" PRIu64 ": %s\n", prefix, e, err->offset,
                err->message);
    else
        fprintf(out, "%s%s: %s\n", prefix, e, err->message);
}
