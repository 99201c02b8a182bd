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

/*
 * An lz4 stream without a content size is decoded once, straight into a
 * free range, and the range is cut to what it filled (disk/map.c
 * load_unsized). Over a simulated map of one 64 MiB range at 2 MiB the
 * range held while decoding is 60 MiB (64 less a 1/16 headroom).
 */
#define SIZELESS_CAP (60ull << 20)
static const struct plat_mem_range one_range[] = {
    { 0x200000, 64ull << 20, PLAT_MEM_FREE },
};
static const struct plat_mem_range one_gib[] = {
    { 0x200000, 1ull << 30, PLAT_MEM_FREE },
};
static const struct plat_mem_range low_and_high[] = {
    { 0x200000, 64ull << 20, PLAT_MEM_FREE },
    { 0x100000000ull, 32ull << 20, PLAT_MEM_FREE },
};

/* The last block of d ends with the 8 bytes want, at byte size of the image. */
static bool ends_with(struct drive *d, uint64_t size, const char *want)
{
    uint8_t buf[512];
    uint64_t at = size - 8;
    return d && d->blocks == (size + 511) / 512 && drive_read(d, at / 512, 1, buf) == 0 &&
           (at % 512 > 504 || memcmp(buf + at % 512, want, 8) == 0);
}

/* The first block of d starts with the 8 bytes want. */
static bool ram_starts_with(struct drive *d, const char *want)
{
    uint8_t buf[512];
    return drive_read(d, 0, 1, buf) == 0 && memcmp(buf, want, 8) == 0;
}

TEST(image_lz4_without_size_fills_a_range_cut_to_it)
{
    uint64_t free0;
    struct drive *d;
    setup();
    host_memmap_set(one_range, 1);
    free0 = map_free_memory();
    /* an odd size: the drive is rounded up to blocks, zeros after the data */
    test_sh("head -c 1234567 raw.img | lz4 -q > odd.lz4");
    d = map_mem("/odd.lz4");
    ok(d && d->blocks == (1234567 + 511) / 512 && drive_holds(d, raw, 1234567));
    /* only its pages stay taken: the rest of the range was given back */
    ok(map_free_memory() == free0 - (1234567 + 4095) / 4096 * 4096);
    ok(d && drive_unmap(d) == 0);
    ok(map_free_memory() == free0);
    /* 80 MiB would not fit the range; 40 MiB does, without a measuring pass */
    test_sh("{ head -c 41943032 /dev/zero; printf LAST-8B.; } | lz4 -q > z40.lz4");
    ok(strstr(run_script("map --mem /z40.lz4 (hd)"), "measuring") == NULL);
    ok(dev_find("(hd0)", &d) == 0 && ends_with(d, 40ull << 20, "LAST-8B."));
    ok(d && drive_unmap(d) == 0);
    ok(map_free_memory() == free0);
    host_memmap_set(NULL, 0);
    teardown();
}

/* The RAM grows in place as the stream fills it: 64 MiB, then 64 MiB more at a time. */
TEST(image_lz4_without_size_grows_its_ram)
{
    uint64_t free0;
    struct drive *d = NULL;
    setup();
    host_memmap_set(one_gib, 1);
    free0 = map_free_memory();
    test_sh("{ printf 'FIRST-8B'; head -c 157286384 /dev/zero; printf GREW-150; } | lz4 -q > g.lz4");
    ok(strstr(run_script("map --mem /g.lz4 (hd)"), "measuring") == NULL);
    ok(dev_find("(hd0)", &d) == 0 && ends_with(d, 150ull << 20, "GREW-150"));
    ok(d && ram_starts_with(d, "FIRST-8B"));
    /* one piece, at the start of the range: the next map goes right after it */
    ok(map_free_memory() == free0 - (150ull << 20));
    ok(strstr(run_script("map --status"), " 0x200000 ") != NULL);
    ok(d && drive_unmap(d) == 0);
    ok(map_free_memory() == free0);
    host_memmap_set(NULL, 0);
    teardown();
}

TEST(image_lz4_without_size_at_the_edges_of_the_range)
{
    uint64_t free0;
    struct drive *d = NULL;
    setup();
    host_memmap_set(one_range, 1);
    free0 = map_free_memory();
    /* exactly the range held: loaded as it is, nothing to give back */
    test_sh("{ head -c %llu /dev/zero; printf EXACTFIT; } | lz4 -q > fit.lz4",
            SIZELESS_CAP - 8);
    run_script("map --mem /fit.lz4 (hd)");
    ok(dev_find("(hd0)", &d) == 0 && ends_with(d, SIZELESS_CAP, "EXACTFIT"));
    ok(map_free_memory() == free0 - SIZELESS_CAP);
    ok(d && drive_unmap(d) == 0);
    /* 2 MiB past what was held, still inside the range: measured on, then decoded again
       into a range of its size */
    test_sh("{ head -c %llu /dev/zero; printf PAST-CAP; } | lz4 -q > past.lz4",
            SIZELESS_CAP + (2 << 20) - 8);
    run_script("map --mem /past.lz4 (hd)");
    ok(dev_find("(hd0)", &d) == 0 && ends_with(d, SIZELESS_CAP + (2 << 20), "PAST-CAP"));
    ok(d && drive_unmap(d) == 0);
    ok(map_free_memory() == free0);
    /* larger than all free memory: refused, everything given back */
    test_sh("head -c 70M /dev/zero | lz4 -q > over.lz4");
    ok(strstr(run_script("map --mem /over.lz4 (hd)"),
              "map: /over.lz4 decompresses to more than the 64 MiB of free memory") != NULL);
    ok(map_free_memory() == free0);
    host_memmap_set(NULL, 0);
    teardown();
}

TEST(image_lz4_without_size_top_takes_the_highest_range)
{
    struct drive *d = NULL;
    uint64_t free0;
    const char *st;
    setup();
    host_memmap_set(low_and_high, 2);
    free0 = map_free_memory();
    test_sh("head -c 1234567 raw.img | lz4 -q > odd.lz4");
    run_script("map --mem --top /odd.lz4 (hd)");
    ok(dev_find("(hd0)", &d) == 0 && drive_holds(d, raw, 1234567));
    /* at the start of the range above 4 GiB, which keeps only the image's pages */
    st = run_script("map --status");
    ok(strstr(st, "0x100000000") != NULL);
    if (!strstr(st, "0x100000000"))
        printf("    %s", st);
    ok(map_free_memory() == free0 - (1234567 + 4095) / 4096 * 4096);
    ok(d && drive_unmap(d) == 0);
    ok(map_free_memory() == free0);
    host_memmap_set(NULL, 0);
    teardown();
}

/*
 * Regression (fuzz_img_lz4, fuzz_img_vhd): a skippable frame that claims
 * nearly 4 GiB made the refill allocate that much for its buffer. The
 * buffer stays at a block's size; the stream is truncated, and says so.
 */
TEST(image_lz4_huge_skippable_frame_allocates_a_block_at_most)
{
    setup();
    test_sh("printf 'P*M\\030\\360\\377\\377\\377' > skip.lz4; head -c 5000 /dev/zero >> skip.lz4");
    host_alloc_max = 0;
    ok(strstr(run_script("cat --decompress /skip.lz4 > nul"), "truncated") != NULL ||
       strstr(run_script("cat --decompress /skip.lz4"), "truncated") != NULL);
    ok(host_alloc_max <= (5u << 20));
    if (host_alloc_max > (5u << 20))
        printf("    largest allocation: %zu\n", host_alloc_max);
    teardown();
}
