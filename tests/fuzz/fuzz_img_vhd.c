/*
 * libFuzzer harness for VHD images (disk/img_vhd.c). The input is the image
 * file, opened with img_open_mem; the decoded disk is read in chunks of
 * varying size (its first 2 MiB and its last 256 KiB: a claimed size can be
 * huge) and, when it is at most 2 MiB, decoded again with scatter, which
 * must give the same bytes. The last byte of the input (in the reserved
 * part of the footer at the end) holds flags: bit 0 has the harness fix up
 * the checksums of both footers and of the dynamic header they point at,
 * so that mutated fields get past the checksums to the checks behind them;
 * bit 1 also opens the input as if it came out of a compressed stream
 * (forwards only, the .vhd.gz path) and scatters it; bit 2 gives a
 * differencing input of at most 1 MiB a parent: its first locator is made
 * to name "(bd)/p.vhd" (the path's bytes at 768 in the header, a reserved
 * part) and the harness writes there a fixed VHD of the child's size and
 * the unique id the child asks for, so that mutations reach the sector
 * bitmaps. Without it a parent is looked for in an empty (bd).
 * Any crash, hang or sanitizer report is a bug; errors are fine.
 */
/* the parent's directory; before the core's headers rename malloc and friends */
#include <stdlib.h>
#include <unistd.h>

#include "../../disk/image.h"
#include "../../src/shell.h"
#include "../host/host.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern const struct img_format img_vhd;

#define INPUT_MAX (64u * 1024)
#define READ_HEAD (2u << 20)
#define READ_TAIL (256u << 10)
#define SCATTER_MAX (2u << 20)

static uint8_t in[INPUT_MAX];
static uint8_t buf[(128u << 10) + 7];
static uint8_t *whole, *scattered; /* SCATTER_MAX each */

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const uint8_t *p)
{
    return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static void seal(uint8_t *p, size_t len, size_t skip)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < len; i++)
        if (i < skip || i >= skip + 4)
            sum += p[i];
    sum = ~sum;
    for (int i = 0; i < 4; i++)
        p[skip + i] = (uint8_t)(sum >> (24 - 8 * i));
}

/* The footer at f and the dynamic header it points at, sealed (if they are in the input). */
static void seal_footer(uint8_t *f, size_t size)
{
    uint64_t h = get64(f + 16);
    if (memcmp(f, "conectix", 8) != 0)
        return;
    seal(f, 512, 64);
    if (h < size && size - h >= 1024)
        seal(in + h, 1024, 36);
}

#define PARENT_MAX (1u << 20)

static char bd_dir[] = "/tmp/mapboot-fuzz-vhd-XXXXXX";
static char bd_file[sizeof(bd_dir) + 8];
static bool parent_written;

static void remove_bd(void)
{
    unlink(bd_file);
    rmdir(bd_dir);
}

/*
 * (bd) is an empty directory unless give_parent wrote p.vhd for this input.
 * It always exists: the host mounts (bd) once, and a failed mount would stay.
 */
static void bd_reset(void)
{
    if (!bd_file[0]) {
        if (!mkdtemp(bd_dir))
            __builtin_trap();
        snprintf(bd_file, sizeof(bd_file), "%s/p.vhd", bd_dir);
        snprintf(host_bd_dir, sizeof(host_bd_dir), "%s", bd_dir);
        atexit(remove_bd);
    }
    if (parent_written)
        unlink(bd_file);
    parent_written = false;
}

/*
 * Flag bit 2: point a differencing child's first locator at (bd)/p.vhd and
 * write a parent there that it accepts. Before sealing: the header changes.
 */
static void give_parent(size_t size)
{
    static const char name[] = ".\\p.vhd";
    static uint8_t *parent;
    uint8_t *f = size >= 512 && memcmp(in + size - 512, "conectix", 8) == 0 ? in + size - 512
                                                                             : in;
    uint64_t disk = get64(f + 48), h = get64(f + 16);
    uint8_t *pf;
    if (size < 512 || memcmp(f, "conectix", 8) != 0 || get32(f + 60) != 4 ||
        disk > PARENT_MAX || disk % 512 || h >= size || size - h < 1024)
        return;
    if (!parent)
        parent = malloc(PARENT_MAX + 512);
    memcpy(in + h + 576, "W2ru", 4);
    for (int i = 0; i < 4; i++) {
        in[h + 576 + 4 + i] = 0;
        in[h + 576 + 8 + i] = i == 3 ? (uint8_t)(2 * (sizeof(name) - 1)) : 0;
    }
    for (int i = 0; i < 8; i++)
        in[h + 576 + 16 + i] = (uint8_t)((h + 768) >> (56 - 8 * i));
    for (size_t i = 0; i < sizeof(name) - 1; i++) {
        in[h + 768 + 2 * i] = (uint8_t)name[i];
        in[h + 768 + 2 * i + 1] = 0;
    }
    /* the parent: a pattern, then its footer */
    for (uint64_t i = 0; i < disk; i++)
        parent[i] = (uint8_t)(i * 7 + (i >> 9));
    pf = parent + disk;
    memset(pf, 0, 512);
    memcpy(pf, "conectix", 8);
    for (int i = 0; i < 8; i++) {
        pf[16 + i] = 0xFF;
        pf[48 + i] = (uint8_t)(disk >> (56 - 8 * i));
    }
    pf[63] = 2;
    memcpy(pf + 68, in + h + 40, 16);
    seal(pf, 512, 64);
    if (fs_write_file("(bd)/p.vhd", parent, (size_t)disk + 512, false) != 0)
        __builtin_trap();
    parent_written = true;
}

/* Read [from, to) of s in chunks; into keep (if not NULL) at the same offsets. */
static bool read_range(struct img_src *s, uint64_t from, uint64_t to, uint8_t *keep)
{
    static const size_t chunks[] = { 4099, 65536, 512 * 7 + 1, sizeof(buf) };
    for (int k = 0; from < to; k++) {
        size_t n = (size_t)MIN((uint64_t)chunks[k % 4], to - from), got;
        if (img_read(s, from, buf, n, &got) != 0)
            return false;
        /*
         * Short only at the end: at s->size, or anywhere for a stream that
         * states no size (the input may be, say, an lz4 frame of nothing).
         */
        if (got != n) {
            if (s->size == IMG_SIZE_UNKNOWN && got < n)
                return true;
            __builtin_trap();
        }
        if (keep)
            memcpy(keep + from, buf, n);
        from += n;
    }
    return true;
}

static int fake_read(struct img_src *s, uint64_t off, void *out, size_t len, size_t *got)
{
    size_t n = off >= s->in_size ? 0 : (size_t)MIN((uint64_t)len, s->in_size - off);
    if (off != s->pos) /* img_read's rule: a VHD must not ask a stream to go back */
        __builtin_trap();
    memcpy(out, s->mem + off, n);
    *got = n;
    s->pos = s->in_pos = off + n;
    return 0;
}

static const struct img_format fake_stream = { .name = "stream", .read = fake_read };

/* The .vhd.gz path: a forwards-only lower, then probe, open and scatter as map --mem does. */
static void streamed(const uint8_t *d, size_t size)
{
    struct img_src *lower = calloc(1, sizeof(*lower)), *s = calloc(1, sizeof(*s));
    size_t got;
    int rc;
    if (!lower || !s)
        __builtin_trap();
    lower->fmt = &fake_stream;
    lower->mem = d;
    lower->in_size = size;
    lower->path = s->path = "fuzz.vhd.gz";
    lower->size = s->size = IMG_SIZE_UNKNOWN;
    lower->sequential = true;
    fake_read(lower, 0, lower->head, MIN(size, (size_t)IMG_HEAD), &got);
    lower->head_len = got;
    s->fmt = &img_vhd;
    s->lower = lower;
    rc = img_vhd.probe(lower);
    if (rc == 1 && (rc = img_vhd.open(s)) == 0) {
        if (!s->scatter_only)
            __builtin_trap();
        if (s->size <= SCATTER_MAX) {
            memset(scattered, 0, (size_t)s->size);
            rc = img_vhd.scatter(s, scattered, NULL, NULL);
        }
        if (rc == -ESPIPE) /* it went back: img_read refused, where img_vhd should have */
            __builtin_trap();
        img_close(s);
        return;
    }
    free(s);
    free(lower);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct img_src *s;
    char chain[64];
    uint8_t flags = size ? data[size - 1] : 0;
    if (size > INPUT_MAX)
        return 0;
    if (!whole) {
        whole = malloc(SCATTER_MAX);
        scattered = malloc(SCATTER_MAX);
    }
    memcpy(in, data, size);
    bd_reset();
    strlcpy8(shell.root, "(bd)", sizeof(shell.root));
    if (flags & 4)
        give_parent(size);
    if (flags & 1) {
        if (size >= 512)
            seal_footer(in + size - 512, size);
        if (size >= 512)
            seal_footer(in, size);
    }
    host_output_reset();
    host_capture_output = true;
    if (img_open_mem(in, size, "fuzz.vhd", &s, chain, sizeof(chain)) == 0) {
        uint64_t head = MIN(s->size, (uint64_t)READ_HEAD);
        bool all = read_range(s, 0, head, s->size <= SCATTER_MAX ? whole : NULL);
        if (s->size > head)
            read_range(s, MAX(head, s->size - READ_TAIL), s->size, NULL);
        /* scatter (random access here) must agree with read */
        if (all && strcmp8(chain, "vhd") == 0 && s->size <= SCATTER_MAX && img_vhd.scatter) {
            memset(scattered, 0, (size_t)s->size);
            if (img_vhd.scatter(s, scattered, NULL, NULL) == 0 &&
                memcmp(whole, scattered, (size_t)s->size) != 0)
                __builtin_trap();
        }
        img_close(s);
    }
    if (flags & 2)
        streamed(in, size);
    host_capture_output = false;
    return 0;
}
