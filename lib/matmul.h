/*
 * matmul.h: the matrix product a multilayer perceptron spends its time in
 * (chapter 8), fast and yet bit-for-bit the textbook loop.
 *
 * Floating-point addition is not associative, so the usual ways of speeding
 * up a dot product (several partial sums, a tree of additions, fused
 * multiply-adds) change the last bits of the answer, and change them
 * differently on different machines. This product does none of them: every
 * entry of C is one chain of additions in increasing k, as in the naive
 * loop. The speed comes from computing many independent entries at once
 * (vectors across the columns of C, a tile of rows and columns held in
 * registers) and from reading A and B in cache-sized blocks (matmul.c).
 */
#ifndef MATMUL_H
#define MATMUL_H

#include <stdbool.h>
#include <stddef.h>

/* C (n×p) += A (n×m) · B (m×p): all row-major, contiguous (row strides m, p, p).
 * Every C[i][j] is computed exactly as the loop
 *     for (k = 0; k < m; k++) C[i][j] = C[i][j] + A[i][k] * B[k][j];
 * computes it: each product rounded, then added, in increasing k, starting from C's value.
 * So the result is bit-identical to that naive loop on every machine and every run. */
void matmul_add(size_t n, size_t m, size_t p, const double *a, const double *b, double *c);

/* dst (cols × rows) = the transpose of src (rows × cols). */
void matrix_transpose(size_t rows, size_t cols, const double *src, double *dst);

/* The instruction sets matmul_add is compiled for, to measure one against
 * another or to test that they agree. All give the same bits. */
typedef enum {
    MATMUL_ISA_AUTO,   /* the fastest this processor runs */
    MATMUL_ISA_SCALAR, /* the naive loop itself, on any processor */
    MATMUL_ISA_AVX2,   /* x86-64 with AVX2: vectors of 4 doubles */
    MATMUL_ISA_AVX512, /* x86-64 with AVX-512F: vectors of 8 doubles */
} MatmulIsa;

/* Whether this processor can run the product compiled for isa. */
bool matmul_isa_available(MatmulIsa isa);

/* The name of what isa runs here: "scalar", "avx2" or "avx512" (AUTO
 * resolved to the one it picks). */
const char *matmul_isa_name(MatmulIsa isa);

/* matmul_add with the code compiled for isa, which must be available. */
void matmul_add_isa(MatmulIsa isa, size_t n, size_t m, size_t p,
                    const double *a, const double *b, double *c);

#endif
