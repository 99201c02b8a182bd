/*
 * stb_image from Debian's libstb-dev (/usr/include/stb/stb_image.h), built
 * as zlib and lz4 are (deps.mk): with our flags in every flavour, the EFI
 * one freestanding. This file only chooses what to build: BMP, PNG and
 * JPEG decoding from memory (splashimage), no stdio, no float formats, no
 * SIMD (the EFI build has no CPU check to choose it by), and images at
 * most 8192 pixels a side, which bounds what a bad header can make it
 * allocate. The decoder's code is the package's, unchanged.
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
#include "stb_image.h"
