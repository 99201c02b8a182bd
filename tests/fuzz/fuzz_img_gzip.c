/*
 * libFuzzer harness for gzip images (disk/img_gzip.c over the library built
 * from Debian's source): see img_stream.h.
 */
#include "img_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    img_stream_run(data, size, "fuzz.gzip");
    return 0;
}
