/*
 * <string.h> for third-party code (zlib, lz4) in the EFI build only; see
 * deps.mk. The functions are mapboot's own (src/libc.c). The EFI build has
 * -ffreestanding, which stops GCC from inlining memcpy(&v, p, 4) as one
 * load; xxhash.c and lz4frame.c read unaligned words that way, so each use
 * goes through __builtin_*, which inlines small fixed sizes and calls ours
 * otherwise (lz4.c does the same with LZ4_memcpy, for the same reason).
 */
#ifndef MB_DEPS_STRING_H
#define MB_DEPS_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#define memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define memmove(d, s, n) __builtin_memmove((d), (s), (n))
#define memset(d, c, n) __builtin_memset((d), (c), (n))
#define memcmp(a, b, n) __builtin_memcmp((a), (b), (n))

#endif
