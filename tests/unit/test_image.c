/*
 * Compressed images (disk/img_gzip.c, disk/img_lz4.c) through map --mem and
 * cat --decompress, and every kind of bad stream: each must fail with a
 * message naming the file, give back all memory, and leave an earlier map
 * as it was. Images are made at test time by gzip(1) and lz4(1) in the
 * boot directory; no binary file is committed.
 */
#include "test.h"

#include <stdlib.h>
#include <unistd.h>
#include <xxhash.h>

#include "../../disk/image.h"
#include "../../disk/map.h"
#include "../../src/platform.h"

#define RAW_SIZE (2u << 20) /* fits the host's 12 MiB of free memory several times */

static uint8_t *raw;

/* raw.img: 2 MiB of a pattern with a zero run in the middle, and its compressed forms. */
static void setup(void)
{
    uint32_t x = 2463534242u;
    test_bootdir(NULL);
    host_clear_disks();
    drive_reset();
    raw = malloc(RAW_SIZE);
    /* xorshift noise (gzip cannot shrink it, so truncations cut real data) around zeros */
    for (size_t i = 0; i < RAW_SIZE; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        raw[i] = i >= RAW_SIZE / 4 && i < RAW_SIZE / 2 ? 0 : (uint8_t)x;
    }
    test_write_bd("raw.img", raw, RAW_SIZE);
    test_sh("gzip -k raw.img; lz4 -q raw.img raw.img.lz4; "
            "lz4 -q --content-size -BX raw.img cs.lz4");
}

static void teardown(void)
{
    drive_reset();
    free(raw);
}

static struct drive *map_mem(const char *src)
{
    struct map_opts o = { .source = src, .target = "(hd)", .mem = true };
    struct drive *d = NULL;
    int rc = drive_map(&o, &d);
    return rc ? NULL : d;
}

/* The drive holds exactly want[0, len) and zeros to its end. */
static bool drive_holds(struct drive *d, const uint8_t *want, size_t len)
{
    size_t bytes = (size_t)(d->blocks * d->block_size);
    uint8_t *buf = malloc(bytes);
    bool same = bytes >= len && drive_read(d, 0, d->blocks, buf) == 0 &&
                memcmp(buf, want, len) == 0;
    for (size_t i = len; same && i < bytes; i++)
        same = buf[i] == 0;
    free(buf);
    return same;
}

TEST(image_gzip_and_lz4_map_into_ram)
{
    static const char *const names[] = { "/raw.img.gz", "/raw.img.lz4", "/cs.lz4" };
    static const char *const formats[] = { "gzip", "lz4", "lz4" };
    uint64_t free0;
    setup();
    free0 = map_free_memory();
    for (int i = 0; i < 3; i++) {
        struct drive *d = map_mem(names[i]);
        ok(d != NULL);
        if (!d)
            continue;
        ok(d->blocks == RAW_SIZE / 512);
        ok(drive_holds(d, raw, RAW_SIZE));
        ok_str(drive_map_format(d), formats[i]);
        ok(strstr(run_script("map --status"), formats[i]) != NULL);
        ok(drive_unmap(d) == 0);
    }
    ok(map_free_memory() == free0);
    teardown();
}

TEST(image_cat_decompress_reads_the_contents)
{
    const char *out;
    setup();
    test_sh("printf 'hello, world\\n' | gzip > hello.gz; "
            "printf 'hello, lz4\\n' | lz4 -q > hello.lz4");
    ok_str(run_script("cat --decompress /hello.gz"), "hello, world\n");
    ok_str(run_script("cat --decompress /hello.lz4"), "hello, lz4\n");
    ok_str(run_script("cat --decompress --skip=7 --length=3 /hello.gz"), "wor");
    out = run_script("cat --decompress --locate=world /hello.gz");
    ok_str(out, "0x7\n");
    /* without --decompress, the compressed bytes themselves */
    ok(strncmp(run_script("cat --hex --length=2 /hello.gz"), "00000000: 1F 8B", 15) == 0);
    /* a file that is no known format reads as it is */
    ok_str(run_script("echo plain > /p.txt\ncat --decompress /p.txt"), "plain\n");
    teardown();
}

/*
 * An lz4 file of one empty skippable frame states no size and holds nothing
 * (fuzz_img_vhd reached it; its harness took the short read for a bug).
 */
TEST(image_lz4_of_nothing)
{
    setup();
    test_sh("printf 'Q*M\\030\\000\\000\\000\\000' > none.lz4; "
            "lz4 -dc none.lz4 | cmp - /dev/null");
    ok_str(run_script("cat --decompress /none.lz4 && echo read"), "read\n");
    ok(strstr(run_script("map --mem /none.lz4 (hd)"), "map: /none.lz4 is empty") != NULL);
    teardown();
}

TEST(image_gzip_multi_member_and_zero_padding)
{
    uint8_t *both = malloc(2 * RAW_SIZE);
    struct drive *d;
    setup();
    /* ISIZE is the last member's size only: the map measures and decodes again */
    test_sh("head -c 100000 raw.img | gzip > m.gz; gzip -c raw.img >> m.gz; "
       "cat raw.img.gz > pad.gz; head -c 3000 /dev/zero >> pad.gz");
    memcpy(both, raw, 100000);
    memcpy(both + 100000, raw, RAW_SIZE);
    d = map_mem("/m.gz");
    ok(d && drive_holds(d, both, 100000 + RAW_SIZE));
    /* zero padding after the stream (a block device's tail) is accepted */
    d = map_mem("/pad.gz");
    ok(d && drive_holds(d, raw, RAW_SIZE));
    /* lz4 frames one after the other, and without a content size */
    test_sh("head -c 100000 raw.img | lz4 -q > m.lz4; lz4 -q -c raw.img >> m.lz4");
    d = map_mem("/m.lz4");
    ok(d && drive_holds(d, both, 100000 + RAW_SIZE));
    free(both);
    teardown();
}

TEST(image_compressed_without_mem_names_mem)
{
    setup();
    ok_str(run_script("map /raw.img.gz (hd)"),
           "Error: map: /raw.img.gz is gzip-compressed; map it with --mem, which decompresses "
           "it into RAM\n");
    ok(strstr(run_script("map --fake-write /raw.img.lz4 (hd)"), "with --mem") != NULL);
    ok(drive_by_number(0x80) == NULL);
    teardown();
}

/*
 * A bad image after a good map: an error naming the file (and containing
 * want), all memory back, and the good map still there with its contents.
 */
static void refused(const char *name, const char *want)
{
    char cmd[300];
    const char *out;
    uint64_t free0;
    struct drive *good = map_mem("/raw.img.gz");
    ok(good != NULL);
    free0 = map_free_memory();
    snprintf(cmd, sizeof(cmd), "map --mem /%s (hd)", name);
    out = run_script(cmd);
    if (!strstr(out, name) || !strstr(out, want) || strstr(out, "Error: map: ") != out)
        printf("    %s: got \"%s\", want \"%s\"\n", name, out, want);
    ok(strstr(out, "Error: map: ") == out);
    ok(strstr(out, name) != NULL);
    ok(strstr(out, want) != NULL);
    ok(map_free_memory() == free0);
    ok(drive_by_number(0x81) == NULL);
    ok(good && drive_holds(good, raw, RAW_SIZE));
    ok(good && drive_unmap(good) == 0);
}

/* Change byte at (from the end when off < 0) of file name. */
static void poke(const char *name, long off, uint8_t xor)
{
    test_sh("f=%s; sz=$(stat -c %%s $f); o=%ld; [ $o -ge 0 ] || o=$((sz + o)); "
       "b=$(od -An -tu1 -j $o -N1 $f | tr -d ' '); "
       "printf \"$(printf '\\\\%%03o' $(( b ^ %u )))\" | dd of=$f bs=1 seek=$o conv=notrunc 2>/dev/null",
       name, off, xor);
}

TEST(image_corrupt_gzip_truncated)
{
    setup();
    test_sh("head -c 30000 raw.img.gz > t.gz");
    refused("t.gz", "truncated");
    teardown();
}

TEST(image_corrupt_gzip_crc)
{
    setup();
    test_sh("cp raw.img.gz c.gz");
    poke("c.gz", -8, 0x01); /* the CRC-32 in the trailer */
    refused("c.gz", "incorrect data check");
    teardown();
}

TEST(image_corrupt_gzip_data)
{
    setup();
    test_sh("cp raw.img.gz d.gz");
    poke("d.gz", 5000, 0xFF);
    refused("d.gz", "corrupt gzip data");
    teardown();
}

TEST(image_corrupt_gzip_isize_smaller_than_stream)
{
    setup();
    test_sh("cp raw.img.gz s.gz");
    poke("s.gz", -2, 0x01); /* ISIZE 64 KiB short: the stream goes on, zlib's length check fails */
    refused("s.gz", "incorrect length check");
    teardown();
}

TEST(image_corrupt_gzip_isize_larger_than_stream)
{
    setup();
    test_sh("cp raw.img.gz l.gz");
    poke("l.gz", -1, 0x01); /* 16 MiB more than the stream has, and more than is free */
    refused("l.gz", "incorrect length check");
    test_sh("cp raw.img.gz l2.gz");
    poke("l2.gz", -3, 0x01); /* 256 bytes more: the stream ends first */
    refused("l2.gz", "incorrect length check");
    teardown();
}

TEST(image_corrupt_gzip_garbage_after_stream)
{
    setup();
    test_sh("cp raw.img.gz g.gz; printf 'garbage' >> g.gz");
    refused("g.gz", "garbage after the gzip data");
    teardown();
}

TEST(image_corrupt_lz4_truncated)
{
    setup();
    test_sh("head -c 30000 raw.img.lz4 > t.lz4");
    refused("t.lz4", "truncated");
    teardown();
}

TEST(image_corrupt_lz4_block_checksum)
{
    setup();
    test_sh("cp cs.lz4 b.lz4");
    poke("b.lz4", 5000, 0x40); /* inside the first block: its checksum no longer matches */
    refused("b.lz4", "blockChecksum_invalid");
    teardown();
}

TEST(image_corrupt_lz4_content_checksum)
{
    setup();
    test_sh("cp raw.img.lz4 k.lz4");
    poke("k.lz4", -1, 0x01); /* the content checksum at the end */
    refused("k.lz4", "contentChecksum_invalid");
    teardown();
}

/* cs.lz4 with its content size changed by delta, and the header checksum made right. */
static void lying_content_size(const char *name, int64_t delta)
{
    char path[4200];
    uint8_t h[15];
    FILE *f;
    snprintf(path, sizeof(path), "%s/cs.lz4", host_bd_dir);
    f = fopen(path, "rb");
    ok(f && fread(h, 1, sizeof(h), f) == sizeof(h));
    if (f)
        fclose(f);
    /* magic, FLG (content size bit 3), BD, 8 bytes of size, HC */
    ok((h[4] & 0x08) != 0);
    {
        uint64_t sz = le64(h + 6) + (uint64_t)delta;
        for (int i = 0; i < 8; i++)
            h[6 + i] = (uint8_t)(sz >> (8 * i));
        h[14] = (uint8_t)(XXH32(h + 4, 10, 0) >> 8);
    }
    test_sh("cp cs.lz4 %s", name);
    snprintf(path, sizeof(path), "%s/%s", host_bd_dir, name);
    f = fopen(path, "r+b");
    ok(f && fwrite(h, 1, sizeof(h), f) == sizeof(h));
    if (f)
        fclose(f);
}

TEST(image_corrupt_lz4_content_size_lies)
{
    setup();
    lying_content_size("small.lz4", -4096);
    refused("small.lz4", "frameSize_wrong");
    lying_content_size("big.lz4", 4096);
    refused("big.lz4", "frameSize_wrong");
    teardown();
}

TEST(image_zip_bomb_is_refused_not_decoded_into_ram)
{
    setup();
    /* 64 MiB of zeros: ~64 KiB of gzip, more than the 12 MiB free; the last member is tiny */
    test_sh("head -c 64M /dev/zero | gzip > bomb.gz; printf x | gzip >> bomb.gz; "
       "head -c 64M /dev/zero | lz4 -q > bomb.lz4");
    refused("bomb.gz", "decompresses to more than the");
    refused("bomb.lz4", "decompresses to more than the");
    teardown();
}

TEST(image_corrupt_headers)
{
    setup();
    test_sh("printf '\\037\\213\\011rest' > method.gz; printf '\\002\\041\\114\\030' > legacy.lz4; "
       "printf '\\004\\042\\115\\030\\377' > hdr.lz4");
    refused("method.gz", "compression method 9");
    refused("legacy.lz4", "legacy format");
    refused("hdr.lz4", "corrupt lz4 data");
    teardown();
}
