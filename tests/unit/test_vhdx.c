/*
 * VHDX images (disk/img_vhdx.c) and CRC-32C (src/crc32c.c). Images are made
 * at test time by qemu-img from a raw image with a known pattern and zero
 * holes, in the boot directory, and every decoded byte is compared with the
 * raw one: through img_read in many chunk sizes and offsets, through
 * scatter(), through a .vhdx.gz (gzip underneath, so only scatter can
 * place the blocks), and through map --mem. Damaged files are made by patching a good one in
 * memory (and resealing its CRC-32Cs where the case is not about them):
 * each is a named case that must fail with a message naming the file.
 */
#include "test.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../disk/image.h"
#include "../../disk/map.h"
#include "../../src/crc32.h"

#define MIB (1024u * 1024u)

/* ---- CRC-32C ---- */

TEST(vhdx_crc32c_check_value)
{
    static uint8_t zeros[32], ramp[1024];
    uint8_t buf[777];
    uint32_t x = 12345, whole;
    for (size_t i = 0; i < sizeof(ramp); i++)
        ramp[i] = (uint8_t)i;
    ok(crc32c(0, "123456789", 9) == 0xE3069283u);
    ok(crc32c(0, "", 0) == 0);
    ok(crc32c(0x12345678u, "", 0) == 0x12345678u);
    /* RFC 3720 B.4: 32 bytes of zeros */
    ok(crc32c(0, zeros, sizeof(zeros)) == 0x8A9136AAu);
    ok(crc32c(0, ramp, sizeof(ramp)) == test_crc_bitwise(0x82F63B78u, ramp, sizeof(ramp)));
    for (size_t i = 0; i < sizeof(buf); i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 16);
    }
    whole = crc32c(0, buf, sizeof(buf));
    ok(whole == test_crc_bitwise(0x82F63B78u, buf, sizeof(buf)));
    for (size_t cut = 0; cut <= sizeof(buf); cut += 37)
        ok(crc32c(crc32c(0, buf, cut), buf + cut, sizeof(buf) - cut) == whole);
}

/* ---- making images ---- */

static uint8_t pat(uint64_t i)
{
    return (uint8_t)(i * 31 + (i >> 9) * 7 + (i >> 20));
}

/* The raw image: the pattern, with zero holes at [hole[2k], hole[2k+1]). */
static uint8_t *make_raw(size_t size, const size_t *holes, size_t nholes)
{
    uint8_t *b = malloc(size);
    for (size_t i = 0; i < size; i++)
        b[i] = pat(i);
    for (size_t k = 0; k + 1 < nholes; k += 2)
        memset(b + holes[k], 0, holes[k + 1] - holes[k]);
    return b;
}

/* qemu-img convert the boot directory's raw file to VHDX with opts. */
static void convert(const char *raw, const char *out, const char *opts)
{
    char cmd[9000];
    snprintf(cmd, sizeof(cmd), "cd '%s' && qemu-img convert -f raw -O vhdx -o %s %s %s",
             host_bd_dir, opts, raw, out);
    test_sh("%s", cmd);
}

/* ---- checking decoded bytes ---- */

/* Read all of s in chunks of `chunk` bytes from `start` and compare with want. */
static bool reads_as(struct img_src *s, const uint8_t *want, size_t size, size_t chunk,
                     size_t start)
{
    uint8_t *buf = malloc(chunk);
    bool same = true;
    for (size_t off = start; off < size && same;) {
        size_t got = 0, n = MIN(chunk, size - off);
        int rc = img_read(s, off, buf, chunk, &got);
        if (rc || got != n || memcmp(buf, want + off, n) != 0) {
            printf("    read at %zu (%zu bytes): rc %d, got %zu: %s\n", off, chunk, rc, got,
                   rc ? shell.errmsg : "");
            same = false;
        }
        off += n;
    }
    free(buf);
    return same;
}

/* The whole image in many ways: chunk sizes, unaligned starts, random reads, the end. */
static bool decodes_as(struct img_src *s, const uint8_t *want, size_t size)
{
    static const size_t chunks[] = { 512, 4096, 65536 + 7, MIB - 1, MIB, 3 * MIB + 512 };
    uint8_t buf[1000];
    uint32_t x = 99;
    size_t got;
    bool same = s->size == size;
    for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]) && same; i++)
        same = reads_as(s, want, size, chunks[i], i * 509 % 4096);
    same = same && reads_as(s, want, size, size, 0);
    for (int i = 0; i < 300 && same; i++) {
        size_t off, n;
        x = x * 1103515245u + 12345u;
        off = ((size_t)x << 7 ^ x >> 3) % size;
        n = MIN((size_t)(x >> 20) % sizeof(buf) + 1, size - off);
        same = img_read(s, off, buf, n, &got) == 0 && got == n && memcmp(buf, want + off, n) == 0;
    }
    /* at and past the end: nothing, and no error */
    same = same && img_read(s, size - 1, buf, sizeof(buf), &got) == 0 && got == 1 &&
           buf[0] == want[size - 1];
    same = same && img_read(s, size, buf, sizeof(buf), &got) == 0 && got == 0;
    return same;
}

static int ticks;
static int count_tick(void *ctx)
{
    (void)ctx;
    ticks++;
    return 0;
}

static int stop_tick(void *ctx)
{
    (void)ctx;
    ticks++;
    return -ECANCELED;
}

/* scatter() s into a zeroed buffer and compare with want. */
static bool scatters_as(struct img_src *s, const uint8_t *want, size_t size)
{
    uint8_t *dst = calloc(1, size);
    int rc;
    bool same;
    ticks = 0;
    rc = s->fmt->scatter(s, dst, count_tick, NULL);
    if (rc)
        printf("    scatter: %d %s\n", rc, shell.errmsg);
    same = rc == 0 && memcmp(dst, want, size) == 0;
    free(dst);
    return same;
}

/* 4 MiB + 3 sectors: holes of a whole 1 MiB block, part of one, and one at the end. */
static const size_t holes4[] = { MIB, 2 * MIB, 2 * MIB + 4096, 2 * MIB + 69632,
                                 4 * MIB - 8192, 4 * MIB };
#define SIZE4 (4 * MIB + 1536)

/* The raw 4 MiB image in the boot dir as raw.img, and returned. */
static uint8_t *raw4(void)
{
    uint8_t *raw = make_raw(SIZE4, holes4, 6);
    test_bootdir(NULL);
    test_write_bd("raw.img", raw, SIZE4);
    return raw;
}

/* Open path and compare everything; also scatter over the same bytes in memory. */
static void check_image(const char *name, const uint8_t *raw, size_t size, int want_ticks)
{
    struct img_src *s = NULL;
    char chain[64], path[80];
    uint8_t *file;
    size_t fsize;
    int rc;
    snprintf(path, sizeof(path), "/%s", name);
    rc = img_open_path(path, &s, chain, sizeof(chain));
    if (rc)
        printf("    img_open_path(%s): %d %s\n", path, rc, shell.errmsg);
    ok(rc == 0);
    if (rc)
        return;
    ok_str(chain, "vhdx");
    ok(s->size == size);
    ok(!s->sequential && !s->scatter_only);
    ok(decodes_as(s, raw, size));
    img_close(s);
    file = test_read_bd(name, &fsize);
    ok(img_open_mem(file, fsize, name, &s, chain, sizeof(chain)) == 0);
    if (s) {
        ok(scatters_as(s, raw, size));
        if (want_ticks >= 0)
            ok(ticks == want_ticks);
        img_close(s);
    }
    free(file);
}

TEST(vhdx_dynamic_default_block_size)
{
    uint8_t *raw = raw4();
    convert("raw.img", "dyn.vhdx", "subformat=dynamic");
    check_image("dyn.vhdx", raw, SIZE4, 1);
    free(raw);
}

TEST(vhdx_dynamic_1m_blocks_with_holes)
{
    uint8_t *raw = raw4();
    convert("raw.img", "dyn1m.vhdx", "subformat=dynamic,block_size=1M");
    /* blocks 0, 2, 3, 4 are in the file; block 1 is a hole */
    check_image("dyn1m.vhdx", raw, SIZE4, 4);
    free(raw);
}

TEST(vhdx_fixed)
{
    uint8_t *raw = raw4();
    convert("raw.img", "fixed.vhdx", "subformat=fixed");
    check_image("fixed.vhdx", raw, SIZE4, -1);
    convert("raw.img", "fixed1m.vhdx", "subformat=fixed,block_size=1M");
    /* qemu-img marks the hole block ZERO even in a fixed file */
    check_image("fixed1m.vhdx", raw, SIZE4, 4);
    free(raw);
}

TEST(vhdx_dynamic_all_zero)
{
    static const size_t all[] = { 0, SIZE4 };
    uint8_t *raw = make_raw(SIZE4, all, 2);
    test_bootdir(NULL);
    test_write_bd("zero.img", raw, SIZE4);
    convert("zero.img", "zero.vhdx", "subformat=dynamic,block_size=1M");
    check_image("zero.vhdx", raw, SIZE4, 0);
    free(raw);
}

/*
 * Past 4 GiB a chunk ends (2^23 sectors of 512 bytes), and the BAT has a
 * sector-bitmap entry before the next payload entry: block 4096 is BAT
 * entry 4097. Sparse, so only the data around the boundary is compared.
 */
TEST(vhdx_dynamic_across_a_chunk)
{
    const uint64_t size = (4ull << 30) + 4 * MIB, starts[] = { 0, (4ull << 30) - MIB / 2,
                                                                (4ull << 30) + 2 * MIB + 512 };
    const size_t lens[] = { MIB, MIB, MIB };
    char path[4200];
    struct img_src *s = NULL;
    char chain[64];
    uint8_t *want, *got;
    int fd;
    test_bootdir(NULL);
    snprintf(path, sizeof(path), "%s/big.img", host_bd_dir);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ok(fd >= 0 && ftruncate(fd, (off_t)size) == 0);
    for (int k = 0; k < 3; k++) {
        uint8_t *b = malloc(lens[k]);
        for (size_t i = 0; i < lens[k]; i++)
            b[i] = pat(starts[k] + i) | 1;
        ok(pwrite(fd, b, lens[k], (off_t)starts[k]) == (ssize_t)lens[k]);
        free(b);
    }
    close(fd);
    convert("big.img", "big.vhdx", "subformat=dynamic,block_size=1M");
    unlink(path);
    ok(img_open_path("/big.vhdx", &s, chain, sizeof(chain)) == 0);
    if (!s)
        return;
    ok(s->size == size);
    /* 8 MiB windows around each piece of data */
    want = malloc(8 * MIB);
    got = malloc(8 * MIB);
    for (int k = 0; k < 3; k++) {
        uint64_t w = starts[k] >= 3 * MIB ? starts[k] - 3 * MIB : 0;
        size_t n = (size_t)MIN((uint64_t)8 * MIB, size - w), g = 0;
        for (size_t i = 0; i < n; i++) {
            uint64_t at = w + i;
            bool data = false;
            for (int j = 0; j < 3; j++)
                data |= at >= starts[j] && at < starts[j] + lens[j];
            want[i] = data ? pat(at) | 1 : 0;
        }
        ok(img_read(s, w, got, n, &g) == 0 && g == n && memcmp(got, want, n) == 0);
    }
    free(want);
    free(got);
    img_close(s);
}

/* ---- sequential: a .vhdx.gz ---- */

static void check_gz(const char *name, const uint8_t *raw, size_t size)
{
    struct img_src *s = NULL;
    char chain[64], cmd[4300], path[80];
    uint8_t *dst, buf[16];
    size_t got;
    int rc;
    snprintf(cmd, sizeof(cmd), "cd '%s' && gzip -1 -c %s > %s.gz", host_bd_dir, name, name);
    test_sh("%s", cmd);
    snprintf(path, sizeof(path), "/%s.gz", name);
    rc = img_open_path(path, &s, chain, sizeof(chain));
    if (rc)
        printf("    img_open_path(%s): %d %s\n", path, rc, shell.errmsg);
    ok(rc == 0);
    if (!s)
        return;
    ok_str(chain, "gzip+vhdx");
    ok(s->size == size);
    ok(s->scatter_only && s->sequential);
    /* read() is refused: map --mem must scatter */
    ok(img_read(s, 4 * MIB - 512 * 8, buf, sizeof(buf), &got) == -ESPIPE);
    dst = calloc(1, size);
    ticks = 0;
    rc = s->fmt->scatter(s, dst, count_tick, NULL);
    if (rc)
        printf("    scatter: %d %s\n", rc, shell.errmsg);
    ok(rc == 0 && memcmp(dst, raw, size) == 0);
    ok(ticks > 0);
    ok(img_file_pos(s) > 0);
    free(dst);
    img_close(s);
}

TEST(vhdx_gz_scatter)
{
    uint8_t *raw = raw4();
    convert("raw.img", "dyn1m.vhdx", "subformat=dynamic,block_size=1M");
    check_gz("dyn1m.vhdx", raw, SIZE4);
    convert("raw.img", "fixed.vhdx", "subformat=fixed");
    check_gz("fixed.vhdx", raw, SIZE4);
    free(raw);
}

TEST(vhdx_scatter_tick_stops)
{
    uint8_t *raw = raw4(), *file, *dst = calloc(1, SIZE4);
    struct img_src *s = NULL;
    size_t fsize;
    convert("raw.img", "dyn1m.vhdx", "subformat=dynamic,block_size=1M");
    file = test_read_bd("dyn1m.vhdx", &fsize);
    ok(img_open_mem(file, fsize, "dyn1m.vhdx", &s, NULL, 0) == 0);
    ticks = 0;
    ok(s && s->fmt->scatter(s, dst, stop_tick, NULL) == -ECANCELED);
    ok(ticks == 1);
    img_close(s);
    free(dst);
    free(file);
    free(raw);
}

/* ---- patching images ---- */

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

/* Recompute the CRC-32C of a structure of len bytes with its checksum at +4. */
static void seal(uint8_t *p, size_t len)
{
    put32(p + 4, 0);
    put32(p + 4, crc32c(0, p, len));
}

static void seal_all(uint8_t *f)
{
    seal(f + 64 * 1024, 4096);
    seal(f + 128 * 1024, 4096);
    seal(f + 192 * 1024, 65536);
    seal(f + 256 * 1024, 65536);
}

/* The region entry with GUID first byte b0 (0x66: BAT, 0x06: metadata) in table t. */
static uint8_t *region_entry(uint8_t *f, size_t table, uint8_t b0)
{
    uint8_t *t = f + table;
    for (uint32_t i = 0; i < le32(t + 8); i++)
        if (t[16 + 32 * i] == b0)
            return t + 16 + 32 * i;
    abort();
}

static uint8_t *meta_region(uint8_t *f)
{
    return f + le64(region_entry(f, 192 * 1024, 0x06) + 16);
}

static uint8_t *bat_region(uint8_t *f)
{
    return f + le64(region_entry(f, 192 * 1024, 0x66) + 16);
}

/* The metadata table entry whose GUID starts with the little-endian word w. */
static uint8_t *meta_entry(uint8_t *f, uint32_t w)
{
    uint8_t *m = meta_region(f);
    for (uint32_t i = 0; i < le16(m + 10); i++)
        if (le32(m + 32 + 32 * i) == w)
            return m + 32 + 32 * i;
    abort();
}

#define MD_PARAMS 0xCAA16737u
#define MD_SIZE 0x2FA54224u

static uint8_t *meta_item(uint8_t *f, uint32_t w)
{
    return meta_region(f) + le32(meta_entry(f, w) + 16);
}

/* A good dynamic image with 1 MiB blocks (4 of 5 present), in memory. */
static uint8_t *good(size_t *size)
{
    uint8_t *raw = raw4(), *f;
    convert("raw.img", "good.vhdx", "subformat=dynamic,block_size=1M");
    f = test_read_bd("good.vhdx", size);
    free(raw);
    return f;
}

/*
 * Open f as "case.vhdx": it must fail with a message naming the file and
 * containing why. When at_read, the damage is in a block: the open may
 * succeed (it fails when the block is one that the probes of formats
 * stacked above read: the first 8 KiB, or the last sector for VHD's
 * footer), and then a read of the whole image and scatter() must fail.
 */
static void fails(uint8_t *f, size_t size, bool at_read, const char *why)
{
    struct img_src *s = NULL;
    char chain[64];
    int rc;
    shell.errmsg[0] = 0;
    rc = img_open_mem(f, size, "case.vhdx", &s, chain, sizeof(chain));
    if (rc == 0 && at_read) {
        uint8_t *buf = malloc(SIZE4), *dst = calloc(1, SIZE4);
        size_t got;
        ok(img_read(s, 0, buf, SIZE4, &got) < 0);
        ok(strstr(shell.errmsg, "case.vhdx: ") == shell.errmsg);
        ok(strstr(shell.errmsg, why) != NULL);
        shell.errmsg[0] = 0;
        ok(s->fmt->scatter(s, dst, count_tick, NULL) < 0);
        free(buf);
        free(dst);
    } else {
        ok(rc < 0);
        ok(s == NULL);
    }
    if (!strstr(shell.errmsg, why) || strstr(shell.errmsg, "case.vhdx: ") != shell.errmsg)
        printf("    message: %s\n    wanted: case.vhdx: ...%s...\n", shell.errmsg, why);
    ok(strstr(shell.errmsg, "case.vhdx: ") == shell.errmsg);
    ok(strstr(shell.errmsg, why) != NULL);
    img_close(s);
    free(f);
}

/* The same file, opened: it must decode as the raw image. */
static void opens(uint8_t *f, size_t size)
{
    struct img_src *s = NULL;
    uint8_t *raw = make_raw(SIZE4, holes4, 6);
    int rc = img_open_mem(f, size, "case.vhdx", &s, NULL, 0);
    if (rc)
        printf("    open: %d %s\n", rc, shell.errmsg);
    ok(rc == 0);
    ok(s && reads_as(s, raw, SIZE4, SIZE4, 0));
    img_close(s);
    free(raw);
    free(f);
}

/* ---- damaged files ---- */

TEST(vhdx_both_headers_bad_checksum)
{
    size_t n;
    uint8_t *f = good(&n);
    f[64 * 1024 + 100] ^= 1;
    f[128 * 1024 + 4095] ^= 0x80;
    fails(f, n, false, "both VHDX headers are corrupt (at 64 KiB: bad checksum; at 128 KiB: "
                       "bad checksum)");
}

TEST(vhdx_one_header_bad_uses_the_other)
{
    size_t n;
    uint8_t *f = good(&n);
    f[128 * 1024 + 100] ^= 1;
    opens(f, n);
    f = good(&n);
    memcpy(f + 64 * 1024, "HEAD", 4);
    opens(f, n);
}

/* The current header is the one with the higher sequence number, whichever copy it is. */
TEST(vhdx_current_header_has_the_log)
{
    size_t n;
    uint8_t *f = good(&n);
    /* a log in the older header is not looked at */
    put64(f + 64 * 1024 + 8, 1);
    put64(f + 128 * 1024 + 8, 2);
    f[64 * 1024 + 48] = 0x5A;
    seal_all(f);
    opens(f, n);
    f = good(&n);
    put64(f + 64 * 1024 + 8, 7);
    put64(f + 128 * 1024 + 8, 2);
    f[64 * 1024 + 50] = 0x5A;
    seal_all(f);
    fails(f, n, false, "has a log to replay; open it once in Hyper-V or run qemu-img check -r all");
}

TEST(vhdx_log_present)
{
    size_t n;
    uint8_t *f = good(&n);
    for (int i = 0; i < 16; i++) {
        f[64 * 1024 + 48 + i] = (uint8_t)(i + 1);
        f[128 * 1024 + 48 + i] = (uint8_t)(i + 1);
    }
    seal_all(f);
    fails(f, n, false, "has a log to replay; open it once in Hyper-V or run qemu-img check -r all");
}

TEST(vhdx_header_version_unknown)
{
    size_t n;
    uint8_t *f = good(&n);
    f[64 * 1024 + 66] = 2;
    f[128 * 1024 + 66] = 2;
    seal_all(f);
    fails(f, n, false, "unknown VHDX version 2");
}

TEST(vhdx_region_table_bad_checksum)
{
    size_t n;
    uint8_t *f = good(&n);
    f[192 * 1024 + 60000] ^= 4;
    f[256 * 1024 + 4] ^= 4;
    fails(f, n, false, "both VHDX region tables are corrupt (at 192 KiB: bad checksum; at "
                       "256 KiB: bad checksum)");
    /* one is enough */
    f = good(&n);
    f[192 * 1024 + 60000] ^= 4;
    opens(f, n);
}

TEST(vhdx_region_table_too_many_entries)
{
    size_t n;
    uint8_t *f = good(&n);
    put32(f + 192 * 1024 + 8, 2048);
    put32(f + 256 * 1024 + 8, 0xFFFFFFFF);
    seal_all(f);
    fails(f, n, false, "(at 192 KiB: 2048 entries; at 256 KiB: 4294967295 entries)");
}

TEST(vhdx_unknown_required_region)
{
    size_t n;
    uint8_t *f = good(&n);
    for (size_t t = 192 * 1024; t <= 256 * 1024; t += 64 * 1024) {
        uint8_t *e = f + t + 16 + 32 * le32(f + t + 8);
        put32(f + t + 8, le32(f + t + 8) + 1);
        memcpy(e, "0123456789abcdef", 16);
        put64(e + 16, 100 * MIB);
        put32(e + 24, MIB);
        put32(e + 28, 1);
    }
    seal_all(f);
    fails(f, n, false, "requires region {33323130-3534-3736-3839-616263646566}");
    /* not required: ignored */
    f = good(&n);
    for (size_t t = 192 * 1024; t <= 256 * 1024; t += 64 * 1024) {
        uint8_t *e = f + t + 16 + 32 * le32(f + t + 8);
        put32(f + t + 8, le32(f + t + 8) + 1);
        memcpy(e, "0123456789abcdef", 16);
    }
    seal_all(f);
    opens(f, n);
}

TEST(vhdx_bat_region_past_the_file)
{
    size_t n;
    uint8_t *f = good(&n);
    put64(region_entry(f, 192 * 1024, 0x66) + 16, 1000 * MIB);
    put64(region_entry(f, 256 * 1024, 0x66) + 16, 1000 * MIB);
    seal_all(f);
    fails(f, n, false, "the BAT region (1048576 bytes at 1048576000) lies past the end of the "
                       "file");
}

TEST(vhdx_bat_region_wraps)
{
    size_t n;
    uint8_t *f = good(&n);
    put64(region_entry(f, 192 * 1024, 0x66) + 16, ~(uint64_t)(MIB - 1));
    put64(region_entry(f, 256 * 1024, 0x66) + 16, ~(uint64_t)(MIB - 1));
    seal_all(f);
    fails(f, n, false, "lies past the end of the file");
}

TEST(vhdx_bat_and_metadata_overlap)
{
    size_t n;
    uint8_t *f = good(&n);
    uint64_t m = le64(region_entry(f, 192 * 1024, 0x06) + 16);
    put64(region_entry(f, 192 * 1024, 0x66) + 16, m);
    put64(region_entry(f, 256 * 1024, 0x66) + 16, m);
    seal_all(f);
    fails(f, n, false, "BAT and metadata regions overlap");
}

TEST(vhdx_bat_region_too_small)
{
    size_t n;
    uint8_t *f = good(&n);
    /* 1 TiB in 1 MiB blocks: 8 MiB of BAT entries, in a 1 MiB region */
    put64(meta_item(f, MD_SIZE), 1ull << 40);
    fails(f, n, false, "the VHDX BAT region (1048576 bytes) is too small for 1048576 blocks");
}

TEST(vhdx_metadata_missing_virtual_size)
{
    size_t n;
    uint8_t *f = good(&n);
    uint8_t *e = meta_entry(f, MD_SIZE);
    e[0] ^= 0xFF;
    put32(e + 24, 0); /* no longer required, so only its absence is noticed */
    fails(f, n, false, "the VHDX metadata has no virtual disk size");
}

TEST(vhdx_metadata_bad_signature)
{
    size_t n;
    uint8_t *f = good(&n);
    meta_region(f)[0] = 'M';
    fails(f, n, false, "metadata table has no \"metadata\" signature");
}

TEST(vhdx_metadata_item_outside_region)
{
    size_t n;
    uint8_t *f = good(&n);
    put32(meta_entry(f, MD_SIZE) + 16, MIB - 4);
    fails(f, n, false, "lies outside the metadata region");
    f = good(&n);
    put32(meta_entry(f, MD_SIZE) + 16, 100);
    fails(f, n, false, "(8 bytes at 100) lies outside the metadata region");
}

TEST(vhdx_metadata_item_short)
{
    size_t n;
    uint8_t *f = good(&n);
    put32(meta_entry(f, MD_SIZE) + 20, 4);
    fails(f, n, false, "the VHDX virtual disk size is 4 bytes, not 8");
}

TEST(vhdx_unknown_required_metadata)
{
    size_t n;
    uint8_t *f = good(&n);
    /* a system item we do not know, still marked required */
    meta_entry(f, MD_PARAMS)[15] ^= 0xFF;
    fails(f, n, false, "requires metadata item {CAA16737-FA36-4D43-B3B6-33F0AA44E794}");
}

TEST(vhdx_block_size_zero)
{
    size_t n;
    uint8_t *f = good(&n);
    put32(meta_item(f, MD_PARAMS), 0);
    fails(f, n, false, "VHDX block size 0 is not a power of two from 1 to 256 MiB");
}

TEST(vhdx_block_size_not_power_of_two)
{
    size_t n;
    uint8_t *f = good(&n);
    put32(meta_item(f, MD_PARAMS), 3 * MIB);
    fails(f, n, false, "VHDX block size 3145728 is not a power of two");
    f = good(&n);
    put32(meta_item(f, MD_PARAMS), 512 * MIB);
    fails(f, n, false, "VHDX block size 536870912 is not a power of two");
}

TEST(vhdx_virtual_size_bad)
{
    size_t n;
    uint8_t *f = good(&n);
    put64(meta_item(f, MD_SIZE), SIZE4 + 100);
    fails(f, n, false, "virtual disk size 4195940 is not a multiple of 512");
    f = good(&n);
    put64(meta_item(f, MD_SIZE), 0);
    fails(f, n, false, "virtual disk size 0 is not");
    f = good(&n);
    put64(meta_item(f, MD_SIZE), (64ull << 40) + 512);
    fails(f, n, false, "from 1 sector to 64 TiB");
}

TEST(vhdx_differencing_refused)
{
    size_t n;
    uint8_t *f = good(&n);
    put32(meta_item(f, MD_PARAMS) + 4, 2);
    fails(f, n, false, "differencing VHDX is not supported");
}

TEST(vhdx_bat_entry_past_the_file)
{
    size_t n;
    uint8_t *f = good(&n);
    put64(bat_region(f) + 8 * 3, (uint64_t)1000 * MIB | 6);
    fails(f, n, true, "VHDX block 3 (at 1048576000) lies past the end of the file");
    /* block 0: the open fails, as the probes above read the first bytes */
    f = good(&n);
    put64(bat_region(f), (uint64_t)1000 * MIB | 6);
    fails(f, n, true, "VHDX block 0 (at 1048576000) lies past the end of the file");
    /* an offset that wraps past 2^64 */
    f = good(&n);
    put64(bat_region(f) + 8 * 2, ~(uint64_t)(MIB - 1) | 6);
    fails(f, n, true, "VHDX block 2 (at 18446744073708503040) lies past the end of the file");
}

TEST(vhdx_bat_entry_in_the_header_section)
{
    size_t n;
    uint8_t *f = good(&n);
    put64(bat_region(f) + 8 * 3, 6);
    fails(f, n, true, "VHDX block 3 lies in the header section");
}

TEST(vhdx_bat_entry_partially_present)
{
    size_t n;
    uint8_t *f = good(&n);
    put64(bat_region(f) + 8 * 2, le64(bat_region(f) + 8 * 2) | 7);
    fails(f, n, true, "VHDX block 2 is partially present");
    f = good(&n);
    put64(bat_region(f) + 8, 5);
    fails(f, n, true, "VHDX block 1 has the unknown state 5");
}

TEST(vhdx_bat_entries_overlap)
{
    size_t n;
    uint8_t *f = good(&n);
    struct img_src *s = NULL;
    uint8_t *dst = calloc(1, SIZE4);
    put64(bat_region(f) + 8 * 3, le64(bat_region(f) + 8 * 2));
    ok(img_open_mem(f, n, "case.vhdx", &s, NULL, 0) == 0);
    ok(s && s->fmt->scatter(s, dst, count_tick, NULL) == -EBADIMG);
    ok(strstr(shell.errmsg, "case.vhdx: VHDX blocks 2 and 3 overlap in the file") != NULL);
    img_close(s);
    free(dst);
    free(f);
}

TEST(vhdx_truncated)
{
    size_t n;
    uint8_t *f;
    /* in the second header */
    f = good(&n);
    fails(f, 130 * 1024, false, "case.vhdx: second header at 131072 lies past the end");
    /* in the region tables */
    f = good(&n);
    fails(f, 300 * 1024, false, "case.vhdx: second region table at 262144 lies past the end");
    /* before the metadata region's end */
    f = good(&n);
    fails(f, 3 * MIB + 100, false, "the metadata region (1048576 bytes at 3145728) lies past "
                                   "the end of the file (3145828 bytes)");
    /* in the data: open works, the read of a lost block fails */
    f = good(&n);
    fails(f, n - 3 * MIB / 2, true, "lies past the end of the file");
    /* only the file identifier */
    f = good(&n);
    fails(f, 8, false, "case.vhdx: first header at 65536 lies past the end");
}

/*
 * Hyper-V may put the metadata before the BAT (qemu-img puts the BAT
 * first): swap the two regions of a qemu-img file, which a stream must
 * still read forwards.
 */
TEST(vhdx_metadata_before_bat)
{
    size_t n;
    uint8_t *f = good(&n), *tmp = malloc(MIB), *raw = make_raw(SIZE4, holes4, 6);
    uint64_t b = le64(region_entry(f, 192 * 1024, 0x66) + 16);
    uint64_t m = le64(region_entry(f, 192 * 1024, 0x06) + 16);
    ok(b < m);
    memcpy(tmp, f + b, MIB);
    memcpy(f + b, f + m, MIB);
    memcpy(f + m, tmp, MIB);
    for (size_t t = 192 * 1024; t <= 256 * 1024; t += 64 * 1024) {
        put64(region_entry(f, t, 0x66) + 16, m);
        put64(region_entry(f, t, 0x06) + 16, b);
    }
    seal_all(f);
    test_write_bd("swapped.vhdx", f, n);
    check_image("swapped.vhdx", raw, SIZE4, 4);
    check_gz("swapped.vhdx", raw, SIZE4);
    free(raw);
    free(tmp);
    free(f);
}

/* A stream cannot go back: a block that lies before the BAT and metadata is refused. */
TEST(vhdx_gz_block_behind_is_refused)
{
    size_t n;
    uint8_t *f = good(&n);
    struct img_src *s = NULL;
    char cmd[4300];
    uint8_t *dst = calloc(1, SIZE4);
    /* block 0 at 1 MiB: the log, before the BAT at 2 MiB */
    put64(bat_region(f), (uint64_t)MIB | 6);
    test_write_bd("behind.vhdx", f, n);
    snprintf(cmd, sizeof(cmd), "cd '%s' && gzip -1 -c behind.vhdx > behind.vhdx.gz", host_bd_dir);
    test_sh("%s", cmd);
    ok(img_open_path("/behind.vhdx.gz", &s, NULL, 0) == 0);
    ok(s && s->fmt->scatter(s, dst, count_tick, NULL) == -ESPIPE);
    ok(strstr(shell.errmsg, "/behind.vhdx.gz: the VHDX block at byte 1048576 lies before") ==
       shell.errmsg);
    img_close(s);
    free(dst);
    free(f);
}

/* A .vhdx.gz cut short: the stream ends inside the blocks. */
TEST(vhdx_gz_truncated)
{
    size_t n;
    uint8_t *f = good(&n);
    struct img_src *s = NULL;
    char cmd[4300];
    uint8_t *dst = calloc(1, SIZE4);
    test_write_bd("cut.vhdx", f, n - 2 * MIB);
    snprintf(cmd, sizeof(cmd), "cd '%s' && gzip -1 -c cut.vhdx > cut.vhdx.gz", host_bd_dir);
    test_sh("%s", cmd);
    ok(img_open_path("/cut.vhdx.gz", &s, NULL, 0) == 0);
    ok(s && s->fmt->scatter(s, dst, count_tick, NULL) < 0);
    ok(strstr(shell.errmsg, "/cut.vhdx.gz: ") == shell.errmsg);
    img_close(s);
    /* and cut inside the region tables: open fails */
    test_write_bd("cut.vhdx", f, 200 * 1024);
    snprintf(cmd, sizeof(cmd), "cd '%s' && gzip -1 -c cut.vhdx > cut.vhdx.gz", host_bd_dir);
    test_sh("%s", cmd);
    ok(img_open_path("/cut.vhdx.gz", &s, NULL, 0) < 0);
    ok(strstr(shell.errmsg, "/cut.vhdx.gz: ") == shell.errmsg);
    free(dst);
    free(f);
}

/* ---- through map ---- */

/* map --mem of a .vhdx and a .vhdx.gz: the drive reads as the raw image. */
TEST(vhdx_map_mem)
{
    static const char *const names[] = { "/dyn1m.vhdx", "/dyn1m.vhdx.gz" };
    uint8_t *raw = raw4(), *buf = malloc(SIZE4);
    char cmd[4300];
    convert("raw.img", "dyn1m.vhdx", "subformat=dynamic,block_size=1M");
    snprintf(cmd, sizeof(cmd), "cd '%s' && gzip -1 -c dyn1m.vhdx > dyn1m.vhdx.gz", host_bd_dir);
    test_sh("%s", cmd);
    for (int i = 0; i < 2; i++) {
        struct map_opts o = { .source = names[i], .target = "(hd)", .mem = true };
        struct drive *d = NULL;
        int rc;
        host_clear_disks();
        drive_reset();
        rc = drive_map(&o, &d);
        if (rc)
            printf("    drive_map(%s): %d %s\n", names[i], rc, shell.errmsg);
        ok(rc == 0);
        if (!d)
            continue;
        ok_str(drive_map_format(d), i ? "gzip+vhdx" : "vhdx");
        ok(d->blocks * d->block_size == SIZE4);
        ok(drive_read(d, 0, SIZE4 / d->block_size, buf) == 0 && memcmp(buf, raw, SIZE4) == 0);
    }
    host_clear_disks();
    drive_reset();
    free(buf);
    free(raw);
}
