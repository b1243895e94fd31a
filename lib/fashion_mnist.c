/*
 * fashion_mnist.c: loading a Fashion-MNIST split. See fashion_mnist.h.
 *
 * The IDX reader checks each file on its own; what ties the two files of a
 * split together is checked here: 28 x 28 images, one label per image, and
 * labels that name one of the 10 classes. The images are read first, so
 * their count bounds what the labels file may declare.
 */
#define _POSIX_C_SOURCE 200809L
#include "fashion_mnist.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The order is the dataset's own (its README's table of labels). */
const char *const fashion_mnist_class_names[FASHION_MNIST_CLASSES] = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot",
};

/* What a user whose files are missing can do about it. */
#define INSTALL_HINT                                                         \
    "make deps installs Fashion-MNIST in " FASHION_MNIST_DIR                 \
    " (Debian's dataset-fashion-mnist), or --data-dir names the directory "  \
    "that holds it"

/* The splits, and the most images each may hold. */
static const struct {
    const char *name;
    size_t max_images;
} SPLITS[] = {{"train", FASHION_MNIST_TRAIN_IMAGES},
              {"t10k", FASHION_MNIST_TEST_IMAGES}};

static bool fail_whole(FashionMnistError *err, const char *path,
                       const char *message, const char *detail)
{
    snprintf(err->path, sizeof err->path, "%s", path);
    err->error.has_offset = false;
    snprintf(err->error.message, sizeof err->error.message, "%s%s", message,
             detail);
    return false;
}

/* Builds DIR/SPLIT-KIND-ubyte.gz in err->path: a failure is then already
 * about the right file. */
static bool name_file(FashionMnistError *err, const char *dir,
                      const char *split, const char *kind)
{
    size_t len = strlen(dir);
    const char *slash = len && dir[len - 1] == '/' ? "" : "/";
    int n = snprintf(err->path, sizeof err->path, "%s%s%s-%s-ubyte.gz", dir,
                     slash, split, kind);
    if (n < 0 || (size_t)n >= sizeof err->path)
        return fail_whole(err, dir, "the directory's name is too long", "");
    return true;
}

/* The most images the split `split` may hold, or 0 for no such split. */
static size_t split_size(const char *split)
{
    for (size_t s = 0; s < sizeof SPLITS / sizeof *SPLITS; s++)
        if (strcmp(split, SPLITS[s].name) == 0)
            return SPLITS[s].max_images;
    return 0;
}

/* Appends how to install the dataset to a message about a missing file. */
static void add_install_hint(FashionMnistError *err)
{
    size_t used = strlen(err->error.message);
    snprintf(err->error.message + used, sizeof err->error.message - used,
             "; %s", INSTALL_HINT);
}

/* A split that exists, in a directory that exists. */
static bool split_and_directory(const char *dir, const char *split,
                                FashionMnistError *err)
{
    *err = (FashionMnistError){0};
    if (!split_size(split))
        return fail_whole(err, dir, "expected the split train or t10k, found ",
                          split);
    struct stat st;
    if (stat(dir, &st) != 0)
        return fail_whole(err, dir, "cannot open the directory: ",
                          errno == ENOENT ? "it does not exist; " INSTALL_HINT
                                          : strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return fail_whole(err, dir, "expected a directory, found a file; ",
                          INSTALL_HINT);
    return true;
}

bool fashion_mnist_present(const char *dir, const char *split,
                           FashionMnistError *err)
{
    if (!split_and_directory(dir, split, err))
        return false;
    const char *kinds[] = {"images-idx3", "labels-idx1"};
    for (size_t k = 0; k < 2; k++) {
        struct stat st;
        if (!name_file(err, dir, split, kinds[k]))
            return false;
        if (stat(err->path, &st) != 0 && errno == ENOENT) {
            snprintf(err->error.message, sizeof err->error.message,
                     "cannot open: %s", strerror(ENOENT)); /* as idx_read */
            add_install_hint(err);
            return false;
        }
    }
    return true;
}

/* Reads the file named in err->path; a missing file gets the hint. */
static bool read_file(FashionMnistError *err, const IdxShape *want,
                      IdxArray *array)
{
    if (idx_read(err->path, want, array, &err->error))
        return true;
    if (err->error.errno_value == ENOENT)
        add_install_hint(err);
    return false;
}

bool fashion_mnist_load(const char *dir, const char *split, FashionMnist *data,
                        FashionMnistError *err)
{
    *data = (FashionMnist){0};
    if (!split_and_directory(dir, split, err))
        return false;
    size_t max_images = split_size(split);

    IdxShape image_shape = {
        .rank = 3,
        .dims = {0, FASHION_MNIST_ROWS, FASHION_MNIST_COLS},
        .names = {"images", "rows", "columns"},
        .max_bytes = max_images * FASHION_MNIST_PIXELS,
    };
    IdxArray images, labels;
    if (!name_file(err, dir, split, "images-idx3") ||
        !read_file(err, &image_shape, &images))
        return false;

    /* One label per image: the count is checked in the labels' header,
     * before they are read. */
    char label_noun[128];
    snprintf(label_noun, sizeof label_noun, "labels (one per image in %s)",
             strrchr(err->path, '/') + 1);
    IdxShape label_shape = {
        .rank = 1,
        .dims = {images.dims[0]},
        .names = {label_noun},
        .max_bytes = images.dims[0],
    };
    if (!name_file(err, dir, split, "labels-idx1") ||
        !read_file(err, &label_shape, &labels)) {
        idx_free(&images);
        return false;
    }
    /* The labels start after the 8-byte header: 4 fixed bytes, one size. */
    for (size_t i = 0; i < labels.size; i++)
        if (labels.data[i] >= FASHION_MNIST_CLASSES) {
            err->error.offset = 8 + i;
            err->error.has_offset = true;
            snprintf(err->error.message, sizeof err->error.message,
                     "expected a class label from 0 to %d, found %u (the "
                     "label of image %zu, counting from 0)",
                     FASHION_MNIST_CLASSES - 1, labels.data[i], i);
            idx_free(&images);
            idx_free(&labels);
            return false;
        }
    *data = (FashionMnist){
        .pixels = images.data,
        .labels = labels.data,
        .n = images.dims[0],
        .rows = images.dims[1],
        .cols = images.dims[2],
    };
    return true;
}

bool fashion_mnist_out_of_memory(const FashionMnistError *err)
{
    return err->error.errno_value == ENOMEM;
}

void fashion_mnist_gather(const FashionMnist *data, const size_t *rows,
                          size_t n, const double pixel[256], double *x,
                          uint8_t *labels)
{
    for (size_t i = 0; i < n; i++) {
        const uint8_t *image = data->pixels + rows[i] * FASHION_MNIST_PIXELS;
        for (size_t k = 0; k < FASHION_MNIST_PIXELS; k++)
            x[i * FASHION_MNIST_PIXELS + k] = pixel[image[k]];
        labels[i] = data->labels[rows[i]];
    }
}

void fashion_mnist_free(FashionMnist *data)
{
    free(data->pixels);
    free(data->labels);
    *data = (FashionMnist){0};
}

void fashion_mnist_print_error(FILE *out, const char *prefix,
                               const FashionMnistError *err)
{
    idx_print_error(out, prefix, err->path, &err->error);
}
