/*
 * hash.h: a 64-bit FNV-1a hash of bytes, for telling at a glance whether
 * two runs computed the same bits (chapter 3's passes, chapter 10's ranks).
 * Equal bytes give equal hashes; unequal ones collide with a chance of about
 * one in 2^64. It is no defence against anyone choosing the bytes.
 */
#ifndef HASH_H
#define HASH_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a's starting value (its "offset basis"). */
#define HASH_FNV1A_START UINT64_C(0xcbf29ce484222325)

/* h folded over count bytes: start from HASH_FNV1A_START, and pass the
 * result back in to hash several pieces as one. */
uint64_t hash_fnv1a(uint64_t h, const void *bytes, size_t count);

#endif
