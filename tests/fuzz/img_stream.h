/*
 * The shared run of the compressed-stream fuzzers (fuzz_img_gzip, fuzz_img_lz4):
 * the input is the whole file, held in memory (img_open_mem); everything it
 * decodes to is read forwards in uneven pieces, as map --mem and cat
 * --decompress do, up to a cap so that a small input that inflates a
 * thousandfold does not make a slow run. Any error is fine; a crash, a
 * leak, a hang or reading past the input is not.
 */
#ifndef MB_FUZZ_IMG_STREAM_H
#define MB_FUZZ_IMG_STREAM_H

#include "../../disk/image.h"
#include "../../src/shell.h"

#define STREAM_CAP (16u << 20)

static void img_stream_run(const uint8_t *data, size_t size, const char *name)
{
    static uint8_t buf[1u << 16];
    struct img_src *s;
    uint64_t off = 0;
    char chain[32];
    if (img_open_mem(data, size, name, &s, chain, sizeof(chain)) != 0)
        return;
    while (off < STREAM_CAP) {
        /* piece sizes from 1 byte to 64 KiB, varied by the offset */
        size_t want = 1 + (size_t)((off * 2654435761u) % sizeof(buf)), got = 0;
        if (img_read(s, off, buf, want, &got) != 0 || got == 0)
            break;
        off += got;
    }
    img_close(s);
}

#endif
