/*
 * png-edges.c: says whether anything is drawn at the edges of a figure.
 *
 *   png-edges FILE.png...
 *
 * For each PNG (as gnuplot's pngcairo writes them: 8 bits a sample, grey,
 * RGB, palette or with alpha, not interlaced), prints one line for each
 * side whose outermost two rows or columns of pixels hold ink, anything
 * that differs from the top-left pixel (the background) by more than a
 * faint anti-aliasing edge:
 *
 *   07-schedules.noisy.png: right
 *
 * Ink there is text or a curve cut off by the canvas: an axis label whose
 * descenders are gone, a tick label half off the right. Exit status 0
 * when no figure has any, 1 when one has, 2 when a file cannot be read.
 * The self-test runs it over every figure (tools/selftest.sh).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum { BORDER = 2, INK = 120 };

typedef struct {
    uint32_t width, height;
    int channels;           /* samples a pixel: 1, 2, 3 or 4 */
    uint8_t palette[768];   /* for colour type 3 */
    uint8_t *rows;          /* height rows of width * channels bytes */
} Image;

static uint32_t be32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static int paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Undoes the row filters of the inflated data, in place into img->rows. */
static int unfilter(Image *img, const uint8_t *raw)
{
    size_t stride = (size_t)img->width * (size_t)img->channels;
    int bpp = img->channels;
    for (uint32_t y = 0; y < img->height; y++) {
        int filter = raw[y * (stride + 1)];
        const uint8_t *in = raw + y * (stride + 1) + 1;
        uint8_t *out = img->rows + y * stride;
        const uint8_t *up = y ? out - stride : NULL;
        for (size_t x = 0; x < stride; x++) {
            int a = x >= (size_t)bpp ? out[x - bpp] : 0, b = up ? up[x] : 0;
            int c = up && x >= (size_t)bpp ? up[x - bpp] : 0;
            int add = filter == 0 ? 0 : filter == 1 ? a : filter == 2 ? b
                    : filter == 3 ? (a + b) / 2 : filter == 4 ? paeth(a, b, c) : -1;
            if (add < 0)
                return 0;
            out[x] = (uint8_t)(in[x] + add);
        }
    }
    return 1;
}

/* Reads the whole file into *data. */
static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *data = NULL;
    size_t size = 0, cap = 0, got;
    do {
        if (size == cap) {
            uint8_t *bigger = realloc(data, cap = cap ? 2 * cap : 1 << 16);
            if (!bigger) {
                free(data);
                fclose(f);
                return NULL;
            }
            data = bigger;
        }
        got = fread(data + size, 1, cap - size, f);
        size += got;
    } while (got > 0);
    fclose(f);
    *len = size;
    return data;
}

static int load(const char *path, Image *img)
{
    size_t len, idat_len = 0;
    uint8_t *data = slurp(path, &len), *idat = NULL;
    int ok = 0;
    if (!data || len < 8 || memcmp(data, "\x89PNG\r\n\x1a\n", 8) != 0)
        goto done;
    for (size_t at = 8; at + 12 <= len;) {
        uint32_t n = be32(data + at);
        const uint8_t *type = data + at + 4, *body = data + at + 8;
        if (n > len - at - 12)
            goto done;
        if (memcmp(type, "IHDR", 4) == 0) {
            static const int samples[7] = {1, 0, 3, 1, 2, 0, 4};
            if (n < 13 || body[8] != 8 || body[6] > 6 || !samples[body[9]] || body[12])
                goto done; /* only 8-bit, non-interlaced images */
            img->width = be32(body);
            img->height = be32(body + 4);
            img->channels = samples[body[9]];
            if (body[9] == 3)
                img->channels = -1; /* palette: one index, looked up below */
        } else if (memcmp(type, "PLTE", 4) == 0 && n <= sizeof img->palette) {
            memcpy(img->palette, body, n);
        } else if (memcmp(type, "IDAT", 4) == 0) {
            uint8_t *more = realloc(idat, idat_len + n);
            if (!more)
                goto done;
            memcpy(more + idat_len, body, n);
            idat = more;
            idat_len += n;
        }
        at += 12 + (size_t)n;
    }
    int palette = img->channels < 0;
    if (palette)
        img->channels = 1;
    if (!img->width || !img->height || img->width > 20000 || img->height > 20000)
        goto done;
    size_t stride = (size_t)img->width * (size_t)img->channels;
    uLongf raw_len = (uLongf)((stride + 1) * img->height);
    uint8_t *raw = malloc(raw_len);
    img->rows = malloc(stride * img->height);
    ok = raw && img->rows && uncompress(raw, &raw_len, idat, idat_len) == Z_OK &&
         raw_len == (stride + 1) * img->height && unfilter(img, raw);
    free(raw);
    if (ok && palette)
        img->channels = -1;
done:
    free(data);
    free(idat);
    return ok;
}

/* The pixel at (x, y) as red, green, blue. */
static void pixel(const Image *img, uint32_t x, uint32_t y, int rgb[3])
{
    int ch = img->channels < 0 ? 1 : img->channels;
    const uint8_t *p = img->rows + ((size_t)y * img->width + x) * (size_t)ch;
    for (int k = 0; k < 3; k++)
        rgb[k] = img->channels < 0 ? img->palette[3 * p[0] + k] : ch >= 3 ? p[k] : p[0];
}

static int inked(const Image *img, uint32_t x, uint32_t y, const int bg[3])
{
    int rgb[3];
    pixel(img, x, y, rgb);
    return abs(rgb[0] - bg[0]) + abs(rgb[1] - bg[1]) + abs(rgb[2] - bg[2]) > INK;
}

int main(int argc, char **argv)
{
    int status = 0;
    for (int i = 1; i < argc; i++) {
        Image img = {0};
        if (!load(argv[i], &img)) {
            fprintf(stderr, "png-edges: %s: not an 8-bit, non-interlaced PNG that can be read\n", argv[i]);
            free(img.rows);
            return 2;
        }
        int bg[3], side[4] = {0}; /* left, right, top, bottom */
        pixel(&img, 0, 0, bg);
        for (uint32_t d = 0; d < BORDER; d++) {
            for (uint32_t y = 0; y < img.height; y++) {
                side[0] |= inked(&img, d, y, bg);
                side[1] |= inked(&img, img.width - 1 - d, y, bg);
            }
            for (uint32_t x = 0; x < img.width; x++) {
                side[2] |= inked(&img, x, d, bg);
                side[3] |= inked(&img, x, img.height - 1 - d, bg);
            }
        }
        static const char *const names[4] = {"left", "right", "top", "bottom"};
        for (int s = 0; s < 4; s++)
            if (side[s]) {
                printf("%s: %s\n", argv[i], names[s]);
                status = 1;
            }
        free(img.rows);
    }
    return status;
}
