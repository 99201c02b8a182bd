/*
 * libFuzzer harness for VHDX images (disk/img_vhdx.c). A VHDX's structures
 * lie from 64 KiB to past 3 MiB, beyond the 64 KiB inputs, so the input is
 * cut into pieces laid into a zeroed 32 MiB file where qemu-img puts them
 * (tests/fuzz/seeds/fuzz_img_vhdx.sh cuts its seeds the same way):
 *
 *   input       bytes   file offset
 *   flags         1     -             bit 0: fix up the CRC-32Cs after placing;
 *                                     bit 1: also the long read and scatter();
 *                                     bit 2: read the file as a stream
 *   size          1     -             the file is cut to (256 - size)/256 of 32 MiB
 *   header 1    256     64 KiB        (the rest of each 4 KiB header is zero)
 *   header 2    256     128 KiB
 *   regions 1   512     192 KiB       16 entries
 *   regions 2   512     256 KiB
 *   BAT        1024     2 MiB         128 entries
 *   metadata    512     3 MiB         the table's first 15 entries
 *   items       256     3 MiB+64 KiB  the metadata items
 *   data       rest     8 MiB         the first payload block
 *
 * The file always starts with "vhdxfile", so every input reaches open().
 * With bit 0 set the CRCs of both headers and region tables are made to
 * match, so mutated fields get past them to the checks behind. The decoded
 * image is read across each MiB boundary of its first 64 MiB (blocks are
 * whole MiBs) and at its end; a successful read must return exactly the
 * bytes asked for up to the end. Flag bit 1 adds a 1 MiB read across a
 * block boundary and, when the image is at most 32 MiB, scatter() into RAM:
 * they copy whole blocks, which is slow byte by byte under the fuzzer's
 * instrumentation (memcpy is ours), so not every input pays for them.
 *
 * Flag bit 2 puts a pass-through stream format of the harness's own under
 * the VHDX, so that it sees what a .vhdx.gz gives it: a sequential lower of
 * unknown size, read only forwards. Its open() and scatter() then take
 * their sequential paths, which a file in memory never reaches.
 */
#include "../../disk/image.h"
#include "../../src/crc32.h"
#include "../../src/shell.h"
#include "../host/host.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FILE_SIZE (32u << 20)
#define READ_SPAN (64u << 20) /* the reads across each MiB stop here */

static const struct {
    uint32_t len, at;
} pieces[] = {
    { 256, 64 << 10 },  { 256, 128 << 10 },       { 512, 192 << 10 }, { 512, 256 << 10 },
    { 1024, 2u << 20 }, { 512, 3u << 20 }, { 256, (3u << 20) + (64 << 10) },
    { 0, 8u << 20 }, /* the rest */
};
#define NPIECES (sizeof(pieces) / sizeof(pieces[0]))

static uint8_t file[FILE_SIZE]; /* zero but for the pieces of the last input */
static uint8_t buf[(1u << 20) + 8192];

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void seal(uint8_t *p, size_t len)
{
    put32(p + 4, 0);
    put32(p + 4, crc32c(0, p, len));
}

/* The stream: the file's bytes, in order, with no size and no going back. */
static bool as_stream;

static int stream_probe(struct img_src *lower)
{
    return as_stream && !lower->fmt; /* the file itself; nothing stacked above */
}

static int stream_open(struct img_src *s)
{
    s->sequential = true;
    return 0;
}

static int stream_read(struct img_src *s, uint64_t off, void *b, size_t len, size_t *got)
{
    int rc = img_read(s->lower, off, b, len, got);
    s->pos = off + *got;
    s->in_pos = s->pos;
    return rc;
}

IMAGE_FORMAT(fuzz_stream, 01) = {
    .name = "stream",
    .probe = stream_probe,
    .open = stream_open,
    .read = stream_read,
};

static int tick(void *ctx)
{
    (*(int *)ctx)++;
    return 0;
}

/* Read len bytes at off: a successful read returns exactly what there is up to the end. */
static void read_at(struct img_src *s, uint64_t off, size_t len)
{
    size_t got = 0, want = (size_t)(off < s->size ? MIN((uint64_t)len, s->size - off) : 0);
    if (img_read(s, off, buf, len, &got) == 0 && got != want)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct img_src *s = NULL;
    char chain[64];
    uint64_t file_size;
    size_t pos = 2;
    if (size < 2 || size > 64 * 1024)
        return 0;
    file_size = (uint64_t)FILE_SIZE * (256 - data[1]) / 256;
    /* the pieces of the last input, and its fixed-up CRCs, go; the rest is still zero */
    for (size_t i = 0; i < NPIECES; i++) {
        uint32_t len = pieces[i].len ? pieces[i].len : 64 * 1024;
        memset(file + pieces[i].at, 0, len);
    }
    memcpy(file, "vhdxfile", 8);
    for (size_t i = 0; i < NPIECES && pos < size; i++) {
        size_t len = pieces[i].len ? pieces[i].len : size - pos;
        len = MIN(len, size - pos);
        memcpy(file + pieces[i].at, data + pos, len);
        pos += len;
    }
    if (data[0] & 1) {
        seal(file + (64 << 10), 4096);
        seal(file + (128 << 10), 4096);
        seal(file + (192 << 10), 64 << 10);
        seal(file + (256 << 10), 64 << 10);
    }
    as_stream = data[0] & 4;
    host_output_reset();
    host_capture_output = true;
    if (img_open_mem(file, file_size, "fuzz.vhdx", &s, chain, sizeof(chain)) == 0) {
        if (s->scatter_only != as_stream)
            __builtin_trap(); /* exactly over a stream */
        /* across every MiB (a block ends at one of them), then a long unaligned read */
        for (uint64_t off = 4096; off < s->size && off < READ_SPAN; off += 1u << 20)
            read_at(s, off - 4096, 8192);
        if (data[0] & 2)
            read_at(s, 1, sizeof(buf));
        read_at(s, s->size > 8192 ? s->size - 8192 : 0, 8192);
        read_at(s, s->size, 8192);
        if ((data[0] & 2) && strcmp8(s->fmt->name, "vhdx") == 0 && s->size <= FILE_SIZE) {
            uint8_t *dst = calloc(1, (size_t)s->size + 1);
            int ticks = 0;
            if (dst)
                s->fmt->scatter(s, dst, tick, &ticks);
            free(dst);
        }
        img_close(s);
    }
    host_capture_output = false;
    return 0;
}
