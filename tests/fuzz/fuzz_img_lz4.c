/*
 * libFuzzer harness for lz4 images (disk/img_lz4.c over the library built
 * from Debian's source): see img_stream.h.
 */
#include "img_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    img_stream_run(data, size, "fuzz.lz4");
    return 0;
}
