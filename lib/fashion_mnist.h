/*
 * fashion_mnist.h: the Fashion-MNIST dataset (Xiao, Rasul and Vollgraf,
 * 2017), loaded from its four IDX files.
 *
 * Fashion-MNIST is 70,000 grey 28 x 28 pictures of clothing from Zalando's
 * catalogue, each labelled with one of 10 classes, split into 60,000 for
 * training ("train") and 10,000 for testing ("t10k"). A split is two
 * gzip-compressed IDX files (idx.h) in one directory:
 *
 *     train-images-idx3-ubyte.gz   60000 x 28 x 28 pixels
 *     train-labels-idx1-ubyte.gz   60000 labels, 0 to 9
 *     t10k-images-idx3-ubyte.gz    10000 x 28 x 28 pixels
 *     t10k-labels-idx1-ubyte.gz    10000 labels
 *
 * Debian's package dataset-fashion-mnist installs them in
 * FASHION_MNIST_DIR; `make deps` installs that package.
 *
 * Pixels stay bytes, as in the file (47 MB for the training split; as
 * doubles it would be 376 MB): the network converts a minibatch at a time.
 */
#ifndef FASHION_MNIST_H
#define FASHION_MNIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "idx.h"

#define FASHION_MNIST_DIR "/usr/share/datasets/fashion-mnist"

enum {
    FASHION_MNIST_ROWS = 28,
    FASHION_MNIST_COLS = 28,
    FASHION_MNIST_PIXELS = FASHION_MNIST_ROWS * FASHION_MNIST_COLS,
    FASHION_MNIST_CLASSES = 10,
    /* The published splits' sizes: the most images each may hold (a
     * smaller copy of the data set, as the self-test's, holds fewer). */
    FASHION_MNIST_TRAIN_IMAGES = 60000,
    FASHION_MNIST_TEST_IMAGES = 10000,
};

/* The classes' names, by label: fashion_mnist_class_names[9] is
 * "Ankle boot". */
extern const char *const fashion_mnist_class_names[FASHION_MNIST_CLASSES];

/* One split, in memory. */
typedef struct {
    uint8_t *pixels; /* n x rows x cols, row-major: pixel (r, c) of image i
                        is pixels[(i * rows + r) * cols + c], from 0 (the
                        background) to 255 */
    uint8_t *labels; /* n labels, each below FASHION_MNIST_CLASSES */
    size_t n;        /* how many images */
    size_t rows, cols;
} FashionMnist;

typedef struct {
    char path[4096]; /* the file the problem is in (or the directory) */
    IdxError error;  /* where in it, and what was expected there */
} FashionMnistError;

/* Whether the directory `dir` holds the split `split`'s two files, found
 * without reading them: what a launcher can ask before it starts the
 * processes that read them. On false, err says what is missing, with how
 * to install the dataset, in fashion_mnist_load's words. */
bool fashion_mnist_present(const char *dir, const char *split,
                           FashionMnistError *err);

/* Loads the split named `split`, "train" or "t10k", from the directory
 * `dir` (FASHION_MNIST_DIR for the installed copy) into data, which it
 * allocates (free it with fashion_mnist_free). The images must be
 * N x 28 x 28, with N at most the split's size (60000 or 10000), the
 * labels N, each below 10. Returns true on success; on failure data is
 * left empty and err names the file and says what is wrong in it. */
bool fashion_mnist_load(const char *dir, const char *split, FashionMnist *data,
                        FashionMnistError *err);

/* True when the load failed for want of memory, not for anything in the
 * files: a failed run (exit status 1), where any other failure is bad
 * input (2). */
bool fashion_mnist_out_of_memory(const FashionMnistError *err);

/* Images rows[0..n-1] of data as a network's inputs, an image a row of x
 * (n x FASHION_MNIST_PIXELS), and their labels. A pixel of value p
 * becomes pixel[p]: the program's scaling, worked out once for each of
 * the 256 values rather than for every pixel of every batch. */
void fashion_mnist_gather(const FashionMnist *data, const size_t *rows,
                          size_t n, const double pixel[256], double *x,
                          uint8_t *labels);

/* Frees a split's arrays and leaves it empty. */
void fashion_mnist_free(FashionMnist *data);

/* Prints the error in one line: "<prefix>path:offset: message". */
void fashion_mnist_print_error(FILE *out, const char *prefix,
                               const FashionMnistError *err);

#endif
