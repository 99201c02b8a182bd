/*
 * <stdlib.h> for third-party code (lz4) in the EFI build only; see deps.mk.
 * lz4 allocates its decompression context and block buffers with these;
 * they are mapboot's own (src/libc.c), over the firmware's pool allocator.
 * zlib is built with Z_SOLO and allocates only through the caller's
 * zalloc/zfree, so it does not include this.
 */
#ifndef MB_DEPS_STDLIB_H
#define MB_DEPS_STDLIB_H

#include <stddef.h>

void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);
/* stb_image's PNG filters */
#define abs(x) __builtin_abs(x)

#endif
