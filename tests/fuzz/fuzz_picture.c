/*
 * libFuzzer harness for the picture decoding behind splashimage
 * (src/picture.c over stb_image): any input gives a picture within
 * PICTURE_MAX_PIXELS or an error, never a crash, and a picture fits to a
 * small screen. Seeds: tests/fuzz/seeds/fuzz_picture.sh.
 */
#include "../../src/picture.h"
#include "../../src/shell.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct picture p;
    uint32_t *fit;
    if (size > 64 * 1024)
        return 0;
    if (picture_decode(data, size, "fuzz", &p) != 0)
        return 0;
    if (p.w == 0 || p.h == 0 || (uint64_t)p.w * p.h > PICTURE_MAX_PIXELS)
        __builtin_trap();
    fit = picture_fit(&p, 160, 120);
    free(fit);
    picture_free(&p);
    return 0;
}
