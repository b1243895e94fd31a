/*
 * tests/idx-read.c: a small driver for the IDX reader and the Fashion-MNIST
 * loader, for tests/idx.sh.
 *
 *   idx-read DIR SPLIT          loads the split; prints "n=N rows=R cols=C"
 *   idx-read DIR SPLIT pixels   loads it, and writes only the pixels, as bytes
 *   idx-read DIR SPLIT labels   loads it, and writes only the labels, as bytes
 *   idx-read DIR SPLIT names    loads it, and prints the class names, one a line
 *   idx-read --idx FILE RANK MAX_BYTES
 *                               reads any IDX file of that rank, no larger;
 *                               prints "rank=R dims=D1xD2 size=S"
 *
 * The bytes alone go to stdout, so the shell can compare them with the
 * file's own (gzip -dc FILE | tail -c +17 for the images). A file that is
 * refused gives its one-line error on stderr, and exit status 2.
 *
 * Build: cc -std=c11 -Ilib tests/idx-read.c lib/idx.c lib/fashion_mnist.c \
 *            -lz -o idx-read
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fashion_mnist.h"
#include "idx.h"

static int usage(void)
{
    fprintf(stderr, "usage: idx-read DIR SPLIT [pixels|labels|names]\n"
                    "       idx-read --idx FILE RANK MAX_BYTES\n");
    return 2;
}

static int read_any(const char *path, const char *rank, const char *max)
{
    IdxShape want = {.rank = strtoul(rank, NULL, 10),
                     .max_bytes = strtoull(max, NULL, 10)};
    if (want.rank < 1 || want.rank > IDX_MAX_RANK)
        return usage();
    IdxArray array;
    IdxError err;
    if (!idx_read(path, &want, &array, &err)) {
        idx_print_error(stderr, "idx-read: ", path, &err);
        return 2;
    }
    printf("rank=%zu dims=", array.rank);
    for (size_t k = 0; k < array.rank; k++)
        printf("%s%zu", k ? "x" : "", array.dims[k]);
    printf(" size=%zu\n", array.size);
    idx_free(&array);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "--idx") == 0)
        return read_any(argv[2], argv[3], argv[4]);
    if (argc != 3 && argc != 4)
        return usage();
    const char *show = argc == 4 ? argv[3] : "";
    FashionMnist data;
    FashionMnistError err;
    if (!fashion_mnist_load(argv[1], argv[2], &data, &err)) {
        fashion_mnist_print_error(stderr, "idx-read: ", &err);
        return 2;
    }
    if (!*show)
        printf("n=%zu rows=%zu cols=%zu\n", data.n, data.rows, data.cols);
    else if (strcmp(show, "pixels") == 0)
        fwrite(data.pixels, 1, data.n * data.rows * data.cols, stdout);
    else if (strcmp(show, "labels") == 0)
        fwrite(data.labels, 1, data.n, stdout);
    else if (strcmp(show, "names") == 0)
        for (size_t c = 0; c < FASHION_MNIST_CLASSES; c++)
            printf("%s\n", fashion_mnist_class_names[c]);
    else {
        fashion_mnist_free(&data);
        return usage();
    }
    fashion_mnist_free(&data);
    return fflush(stdout) == 0 ? 0 : 1;
}
