/*
 * vec.h: the few operations on flat vectors of doubles that every chapter
 * needs and none teaches.
 */
#ifndef VEC_H
#define VEC_H

#include <stdbool.h>
#include <stddef.h>

/* True when every one of the n values is finite (no inf, no nan). */
bool vec_all_finite(const double *v, size_t n);

/* The Euclidean (L2) norm of the n values, summed in order. */
double vec_norm(const double *v, size_t n);

#endif
