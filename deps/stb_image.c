/*
 * stb_image from Debian's libstb-dev (/usr/include/stb/stb_image.h), built
 * as zlib and lz4 are (deps.mk): with our flags in every flavour, the EFI
 * one freestanding. This file only chooses what to build: BMP, PNG and
 * JPEG decoding from memory (splashimage), no stdio, no float formats, no
 * SIMD (the EFI build has no CPU check to choose it by), and images at
 * most 8192 pixels a side, which bounds what a bad header can make it
 * allocate, and no allocation above STB_ALLOC_MAX. The decoder's code is
 * the package's, unchanged.
 */
#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#define STBI_NO_SIMD
#define STBI_ONLY_BMP
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_MAX_DIMENSIONS 8192
#define STBI_NO_THREAD_LOCALS /* no TLS in a UEFI application: one thread */
/*
 * Every allocation bounded, not only the picture: a PNG chunk may claim 2 GiB
 * of IDAT in a file of 200 bytes, and stb_image grows its buffer to the claim
 * before it finds the file short (fuzz_picture found it). 96 MiB holds what
 * PICTURE_MAX_PIXELS (src/picture.h: 16 Mi pixels) decodes to, 4 bytes each,
 * with room for its compressed data.
 */
#define STB_ALLOC_MAX (96u << 20)
#define STBI_MALLOC(sz) ((size_t)(sz) <= STB_ALLOC_MAX ? malloc(sz) : NULL)
#define STBI_REALLOC(p, sz) ((size_t)(sz) <= STB_ALLOC_MAX ? realloc(p, sz) : NULL)
#define STBI_FREE(p) free(p)
#include "stb_image.h"
