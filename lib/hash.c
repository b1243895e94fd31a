/*
 * hash.c: see hash.h.
 */
#include "hash.h"

uint64_t hash_fnv1a(uint64_t h, const void *bytes, size_t count)
{
    const unsigned char *p = bytes;
    for (size_t k = 0; k < count; k++)
        h = (h ^ p[k]) * UINT64_C(0x100000001b3);   /* FNV's 64-bit prime */
    return h;
}
