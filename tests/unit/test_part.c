/*
 * Partition maps (disk/part_mbr.c, disk/part_gpt.c) and CRC-32 (src/crc32.c).
 * Images are built here in memory, byte by byte from the on-disk layouts,
 * so each case states exactly what is on the disk: partitions must be
 * numbered as grub4dos numbers them, land on the right bytes, and damaged
 * tables must give warnings or errors naming the drive, never a crash.
 * (tests/drives/part.sh checks the same against sfdisk/sgdisk/fdisk images.)
 */
#include "test.h"

#include "../../disk/drive.h"
#include "../../src/crc32.h"
#include "../../src/platform.h"

/* ---- CRC-32 ---- */

TEST(crc32_vectors)
{
    static uint8_t zeros[32], ramp[1024];
    const char *fox = "The quick brown fox jumps over the lazy dog";
    for (size_t i = 0; i < sizeof(ramp); i++)
        ramp[i] = (uint8_t)i;
    ok(crc32_ieee(0, "123456789", 9) == 0xCBF43926u);
    ok(crc32_ieee(0, "", 0) == 0);
    ok(crc32_ieee(0x12345678u, "", 0) == 0x12345678u);
    ok(crc32_ieee(0, "a", 1) == 0xE8B7BE43u);
    ok(crc32_ieee(0, fox, strlen(fox)) == 0x414FA339u);
    ok(crc32_ieee(0, zeros, sizeof(zeros)) == 0x190A55ADu);
    ok(crc32_ieee(0, ramp, sizeof(ramp)) == 0xB70B4C26u);
}

TEST(crc32_incremental_and_bitwise)
{
    uint8_t buf[777];
    uint32_t x = 12345, whole;
    for (size_t i = 0; i < sizeof(buf); i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 16);
    }
    whole = crc32_ieee(0, buf, sizeof(buf));
    ok(whole == test_crc_bitwise(0xEDB88320u, buf, sizeof(buf)));
    for (size_t cut = 0; cut <= sizeof(buf); cut += 37)
        ok(crc32_ieee(crc32_ieee(0, buf, cut), buf + cut, sizeof(buf) - cut) == whole);
    for (size_t n = 0; n < 64; n++)
        ok(crc32_ieee(0, buf + n, n) == test_crc_bitwise(0xEDB88320u, buf + n, n));
}

/* ---- image building ---- */

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

/* Entry slot (0-3) of the MBR-style block at blk, and the 0x55AA signature. */
static void mbr_entry(uint8_t *blk, int slot, uint8_t boot, uint8_t type, uint32_t start,
                      uint32_t count)
{
    uint8_t *p = blk + 446 + 16 * slot;
    p[0] = boot;
    p[4] = type;
    put32(p + 8, start);
    put32(p + 12, count);
    blk[510] = 0x55;
    blk[511] = 0xAA;
}

/* A marker string at the first byte of block lba. */
static void mark(uint8_t *img, unsigned bs, uint64_t lba, const char *s)
{
    memcpy(img + lba * bs, s, strlen(s));
}

/* The drive table over img as (hd0), partitions scanned with output captured. */
static struct drive *scan(const uint8_t *img, size_t size, unsigned bs)
{
    struct drive *d = NULL;
    host_clear_disks();
    drive_reset();
    host_add_mem_disk(img, size, PLAT_DISK_HD, bs);
    shell.errmsg[0] = 0;
    host_output_reset();
    host_capture_output = true;
    if (dev_find("(hd0)", &d) == 0)
        drive_partitions(d);
    host_capture_output = false;
    return d;
}

static const char *output(void)
{
    return host_out ? host_out : "";
}

/* The first bytes of partition dev (up to a NUL, at most 15), or "none". */
static const char *first_bytes(const char *dev)
{
    static char buf[16];
    struct drive *p;
    if (dev_find(dev, &p) != 0)
        return "none";
    memset(buf, 0, sizeof(buf));
    if (drive_read_bytes(p, 0, buf, sizeof(buf) - 1) != 0)
        return "read error";
    return buf;
}

static int count_parts(struct drive *d)
{
    int n = 0;
    for (struct drive *p = drive_partitions(d); p; p = p->next_part)
        n++;
    return n;
}

static void done(uint8_t *img)
{
    drive_reset();
    host_clear_disks();
    free(img);
}

/*
 * An MBR disk of 8 MiB in bs-byte blocks: slot 0 a FAT partition, slot 1
 * empty, slot 2 NTFS, slot 3 an extended partition holding three logicals.
 * The third EBR lies between the first and second on disk, as when a
 * partitioner puts a logical into a gap. Markers "P0"... at each partition.
 */
#define MBR_DISK (8u << 20)

/* The extended partition's first block and length. */
static uint32_t ext_start(unsigned bs)
{
    return MBR_DISK / bs / 2;
}

static uint32_t ext_blocks(unsigned bs)
{
    return MBR_DISK / bs / 2 - 8;
}

/* EBR k of the chain (0-2), relative to the extended partition. */
static uint32_t ebr_rel(unsigned bs, int k)
{
    return k == 0 ? 0 : k == 1 ? ext_blocks(bs) / 2 : ext_blocks(bs) / 4;
}

static uint8_t *ebr_block(uint8_t *img, unsigned bs, int k)
{
    return img + (uint64_t)(ext_start(bs) + ebr_rel(bs, k)) * bs;
}

static uint8_t *mbr_disk(unsigned bs)
{
    uint8_t *img = calloc(1, MBR_DISK);
    uint32_t blocks = MBR_DISK / bs, ext = ext_start(bs);
    mbr_entry(img, 0, 0x80, 0x0C, 8, blocks / 8);
    mbr_entry(img, 2, 0x00, 0x07, blocks / 4, blocks / 8);
    mbr_entry(img, 3, 0x00, 0x0F, ext, ext_blocks(bs));
    mark(img, bs, 8, "P0");
    mark(img, bs, blocks / 4, "P2");
    /* each logical starts 2, 4, 1 blocks after its EBR; the links are relative to ext */
    mbr_entry(ebr_block(img, bs, 0), 0, 0, 0x83, 2, 8);
    mbr_entry(ebr_block(img, bs, 0), 1, 0, 0x05, ebr_rel(bs, 1), 16);
    mark(img, bs, ext + ebr_rel(bs, 0) + 2, "P4");
    mbr_entry(ebr_block(img, bs, 1), 0, 0, 0x0B, 4, 8);
    mbr_entry(ebr_block(img, bs, 1), 1, 0, 0x05, ebr_rel(bs, 2), 16);
    mark(img, bs, ext + ebr_rel(bs, 1) + 4, "P5");
    mbr_entry(ebr_block(img, bs, 2), 0, 0, 0x83, 1, 8);
    mark(img, bs, ext + ebr_rel(bs, 2) + 1, "P6");
    return img;
}

static void check_mbr_numbering(unsigned bs)
{
    uint8_t *img = mbr_disk(bs);
    struct drive *d = scan(img, MBR_DISK, bs), *p;
    ok(d && count_parts(d) == 6);
    ok_str(output(), "");
    ok_str(first_bytes("(hd0,0)"), "P0");
    ok_str(first_bytes("(hd0,1)"), "none");
    ok(strstr(shell.errmsg, "(hd0,1)") != NULL);
    ok_str(first_bytes("(hd0,2)"), "P2");
    ok_str(first_bytes("(hd0,4)"), "P4");
    ok_str(first_bytes("(hd0,5)"), "P5");
    ok_str(first_bytes("(hd0,6)"), "P6");
    ok_str(first_bytes("(hd0,7)"), "none");
    ok(dev_find("(hd0,3)", &p) == 0 && p->part_type == 0x0F && p->start == MBR_DISK / bs / 2);
    ok(dev_find("(hd0,0)", &p) == 0 && p->part_type == 0x0C && p->start == 8 &&
       p->blocks == MBR_DISK / bs / 8 && p->block_size == bs);
    ok(dev_find("(hd0,5)", &p) == 0 && p->part_type == 0x0B && p->blocks == 8);
    done(img);
}

TEST(part_mbr_numbering)
{
    check_mbr_numbering(512);
}

TEST(part_mbr_4kn)
{
    check_mbr_numbering(4096);
}

/* A FAT boot sector as mkfs.fat writes it: jump, BPB, "FAT16   ", 0x55AA. */
static void fat_boot_sector(uint8_t *b)
{
    b[0] = 0xEB;
    b[1] = 0x3C;
    b[2] = 0x90;
    memcpy(b + 3, "mkfs.fat", 8);
    b[11] = 0x00; /* 512 bytes per sector */
    b[12] = 0x02;
    b[13] = 4;
    b[14] = 4;
    b[16] = 2;
    b[21] = 0xF8;
    memcpy(b + 0x36, "FAT16   ", 8);
    memcpy(b + 0x3E, "\x0E\x1F\xBE\x5B\x7C", 5);
    b[510] = 0x55;
    b[511] = 0xAA;
}

TEST(part_mbr_superfloppy)
{
    uint8_t *img = calloc(1, 1 << 20);
    struct drive *d;
    fat_boot_sector(img);
    d = scan(img, 1 << 20, 512);
    ok(d && count_parts(d) == 0);
    ok_str(output(), "");
    /* boot code in the table area: boot indicators that are neither 0 nor 0x80 */
    memset(img + 446, 0xA5, 64);
    d = scan(img, 1 << 20, 512);
    ok(d && count_parts(d) == 0);
    ok_str(output(), "");
    /* a disk MBR whose BPB area was kept from an old superfloppy still has its partitions */
    memset(img + 446, 0, 64);
    mbr_entry(img, 1, 0, 0x83, 64, 128);
    d = scan(img, 1 << 20, 512);
    ok(d && count_parts(d) == 1);
    ok(first_bytes("(hd0,1)")[0] == 0);
    done(img);
}

TEST(part_mbr_declined)
{
    uint8_t *img = calloc(1, 1 << 20);
    struct drive *d;
    /* no signature: no table */
    mbr_entry(img, 0, 0, 0x83, 64, 128);
    img[510] = 0;
    d = scan(img, 1 << 20, 512);
    ok(d && count_parts(d) == 0);
    /* signature but one boot indicator is garbage */
    mbr_entry(img, 1, 0x12, 0x83, 256, 128);
    d = scan(img, 1 << 20, 512);
    ok(d && count_parts(d) == 0);
    /* an empty table is a table with no partitions */
    memset(img, 0, 512);
    img[510] = 0x55;
    img[511] = 0xAA;
    d = scan(img, 1 << 20, 512);
    ok(d && count_parts(d) == 0);
    ok_str(output(), "");
    done(img);
}

/* Regression: an EBR linking to itself must not list its logical forever. */
TEST(part_mbr_ebr_loop)
{
    uint8_t *img = mbr_disk(512);
    struct drive *d;
    mbr_entry(ebr_block(img, 512, 0), 1, 0, 0x05, 0, 16);
    d = scan(img, MBR_DISK, 512);
    ok(strstr(output(), "Warning: (hd0): the extended partition's EBR chain loops back") != NULL);
    ok(d && count_parts(d) == 4); /* 0, 2, 3 and the one logical */
    ok_str(first_bytes("(hd0,4)"), "P4");
    ok_str(first_bytes("(hd0,5)"), "none");
    ok_str(first_bytes("(hd0,0)"), "P0");
    /* a longer loop: the third EBR back to the second */
    free(img);
    img = mbr_disk(512);
    mbr_entry(ebr_block(img, 512, 2), 1, 0, 0x05, ebr_rel(512, 1), 16);
    d = scan(img, MBR_DISK, 512);
    ok(strstr(output(), "loops back") != NULL);
    ok(d && count_parts(d) == 6);
    ok_str(first_bytes("(hd0,6)"), "P6");
    ok_str(first_bytes("(hd0,7)"), "none");
    done(img);
}

/* A chain of EBRs, each linking forward: bounded at 128 with a warning. */
TEST(part_mbr_ebr_chain_bounded)
{
    uint8_t *img = calloc(1, MBR_DISK);
    uint32_t ext = 2048, n = 300;
    struct drive *d;
    mbr_entry(img, 0, 0, 0x05, ext, 4 * n);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *ebr = img + (uint64_t)(ext + 4 * i) * 512;
        mbr_entry(ebr, 0, 0, 0x83, 1, 2);
        if (i + 1 < n)
            mbr_entry(ebr, 1, 0, 0x05, 4 * (i + 1), 4);
    }
    d = scan(img, MBR_DISK, 512);
    ok(strstr(output(), "more than 128 EBRs") != NULL);
    ok(d && count_parts(d) == 1 + 128);
    ok(first_bytes("(hd0,131)")[0] == 0);
    ok_str(first_bytes("(hd0,132)"), "none");
    done(img);
}

/* Regression: a primary past the end of a truncated image is skipped, the others kept. */
TEST(part_mbr_partition_past_end)
{
    uint8_t *img = mbr_disk(512);
    struct drive *d;
    mbr_entry(img, 1, 0, 0x83, MBR_DISK / 512 - 100, 200);
    d = scan(img, MBR_DISK, 512);
    ok(strstr(output(), "Warning: (hd0): partition 1 (blocks 16284+200) reaches past the end of "
                        "the disk (16384 blocks); skipped") != NULL);
    ok(d && count_parts(d) == 6);
    ok_str(first_bytes("(hd0,1)"), "none");
    ok_str(first_bytes("(hd0,6)"), "P6");
    /* a huge start: 32-bit fields, 64-bit sums */
    mbr_entry(img, 1, 0, 0x83, 0xFFFFFFFFu, 0xFFFFFFFFu);
    d = scan(img, MBR_DISK, 512);
    ok(strstr(output(), "partition 1 (blocks 4294967295+4294967295) reaches past the end") != NULL);
    ok(d && count_parts(d) == 6);
    done(img);
}

/* Regression: a logical outside its extended partition is skipped but keeps its number. */
TEST(part_mbr_logical_outside_extended)
{
    uint8_t *img = mbr_disk(512);
    struct drive *d;
    mbr_entry(ebr_block(img, 512, 0), 0, 0, 0x83, 2, ext_start(512));
    d = scan(img, MBR_DISK, 512);
    ok(strstr(output(), "Warning: (hd0): logical partition 4 (blocks 8194+8192) lies outside the "
                        "extended partition (blocks 8192+8184); skipped") != NULL);
    ok_str(first_bytes("(hd0,4)"), "none");
    ok_str(first_bytes("(hd0,5)"), "P5");
    ok_str(first_bytes("(hd0,6)"), "P6");
    /* the chain leaving the extended partition stops there */
    mbr_entry(ebr_block(img, 512, 0), 1, 0, 0x05, 9000, 16);
    d = scan(img, MBR_DISK, 512);
    ok(strstr(output(), "the EBR chain links to block 17192, outside the extended partition") !=
       NULL);
    ok(d && count_parts(d) == 3);
    done(img);
}

/* ---- GPT ---- */

struct gpt_part {
    int index;
    uint64_t start, end;
};

#define GPT_ENTRIES 128

/* Recompute the entry-array and header CRCs of the header at lba (after a test edits it). */
static void gpt_seal(uint8_t *img, unsigned bs, uint64_t lba)
{
    uint8_t *h = img + lba * bs;
    uint64_t elba = 0;
    uint32_t n = 0, esize = 0;
    for (int i = 7; i >= 0; i--)
        elba = elba << 8 | h[72 + i];
    for (int i = 3; i >= 0; i--) {
        n = n << 8 | h[80 + i];
        esize = esize << 8 | h[84 + i];
    }
    put32(h + 88, crc32_ieee(0, img + elba * bs, (size_t)n * esize));
    put32(h + 16, 0);
    put32(h + 16, crc32_ieee(0, h, 92));
}

static void gpt_header(uint8_t *img, unsigned bs, uint64_t lba, uint64_t alt, uint64_t first,
                       uint64_t last, uint64_t elba)
{
    uint8_t *h = img + lba * bs;
    memcpy(h, "EFI PART", 8);
    put32(h + 8, 0x00010000);
    put32(h + 12, 92);
    put64(h + 24, lba);
    put64(h + 32, alt);
    put64(h + 40, first);
    put64(h + 48, last);
    memcpy(h + 56, "disk-guid-bytes!", 16);
    put64(h + 72, elba);
    put32(h + 80, GPT_ENTRIES);
    put32(h + 84, 128);
    gpt_seal(img, bs, lba);
}

/*
 * A GPT disk of size bytes in bs-byte blocks, laid out as sgdisk does:
 * protective MBR, primary header at 1, entries from 2, and their backups
 * at the end. Entry i of parts gets type GUID "type-guid-N....." and the
 * marker "GN" (N its index) at its first byte.
 */
static uint8_t *gpt_disk(size_t size, unsigned bs, const struct gpt_part *parts, int n)
{
    uint8_t *img = calloc(1, size);
    uint64_t blocks = size / bs, ablocks = GPT_ENTRIES * 128 / bs;
    uint64_t first = 2 + ablocks, last = blocks - 2 - ablocks;
    mbr_entry(img, 0, 0, 0xEE, 1, (uint32_t)MIN(blocks - 1, 0xFFFFFFFFu));
    for (int i = 0; i < n; i++) {
        uint8_t *e = img + 2 * bs + parts[i].index * 128;
        char m[8];
        snprintf((char *)e, 17, "type-guid-%d.....", parts[i].index);
        put64(e + 32, parts[i].start);
        put64(e + 40, parts[i].end);
        snprintf(m, sizeof(m), "G%d", parts[i].index);
        if (parts[i].start < blocks)
            mark(img, bs, parts[i].start, m);
    }
    memcpy(img + (last + 1) * bs, img + 2 * bs, GPT_ENTRIES * 128);
    gpt_header(img, bs, 1, blocks - 1, first, last, 2);
    gpt_header(img, bs, blocks - 1, 1, first, last, last + 1);
    return img;
}

/* Rewrite both copies of entry i's start and end, and reseal. */
static void gpt_set_entry(uint8_t *img, size_t size, unsigned bs, int i, uint64_t start,
                          uint64_t end)
{
    uint64_t blocks = size / bs, last = blocks - 2 - GPT_ENTRIES * 128 / bs;
    put64(img + 2 * bs + i * 128 + 32, start);
    put64(img + 2 * bs + i * 128 + 40, end);
    memcpy(img + (last + 1) * bs, img + 2 * bs, GPT_ENTRIES * 128);
    gpt_seal(img, bs, 1);
    gpt_seal(img, bs, blocks - 1);
}

#define GPT_DISK (4u << 20)
static const struct gpt_part gpt_parts512[] = {
    { 0, 2048, 4095 }, { 2, 4096, 4096 }, { 5, 6144, 8000 },
};

static void check_gpt(const uint8_t *img, unsigned bs, const struct gpt_part *parts, int n)
{
    struct drive *p;
    ok_str(first_bytes("(hd0,1)"), "none");
    for (int i = 0; i < n; i++) {
        char dev[16], want[8];
        snprintf(dev, sizeof(dev), "(hd0,%d)", parts[i].index);
        snprintf(want, sizeof(want), "G%d", parts[i].index);
        ok_str(first_bytes(dev), want);
        ok(dev_find(dev, &p) == 0 && p->part_type == 0xEE && p->start == parts[i].start &&
           p->blocks == parts[i].end - parts[i].start + 1 && p->block_size == bs &&
           memcmp(p->part_guid, img + 2 * bs + parts[i].index * 128, 16) == 0);
    }
}

TEST(part_gpt_numbering)
{
    uint8_t *img = gpt_disk(GPT_DISK, 512, gpt_parts512, 3);
    struct drive *d = scan(img, GPT_DISK, 512);
    ok(d && count_parts(d) == 3);
    ok_str(output(), "");
    check_gpt(img, 512, gpt_parts512, 3);
    ok_str(first_bytes("(hd0,3)"), "none");
    /* the last entry of the array, up to the last usable block */
    done(img);
    {
        const uint64_t last = GPT_DISK / 512 - 34;
        const struct gpt_part parts[] = { { 0, 34, 34 }, { 127, last - 7, last } };
        img = gpt_disk(GPT_DISK, 512, parts, 2);
        d = scan(img, GPT_DISK, 512);
        ok(d && count_parts(d) == 2);
        check_gpt(img, 512, parts, 2);
        done(img);
    }
}

TEST(part_gpt_4kn)
{
    static const struct gpt_part parts[] = { { 0, 256, 511 }, { 1, 512, 512 }, { 3, 768, 1000 } };
    uint8_t *img = gpt_disk(GPT_DISK, 4096, parts, 3);
    struct drive *d = scan(img, GPT_DISK, 4096);
    ok(d && count_parts(d) == 3);
    ok_str(output(), "");
    ok_str(first_bytes("(hd0,0)"), "G0");
    ok_str(first_bytes("(hd0,1)"), "G1");
    ok_str(first_bytes("(hd0,3)"), "G3");
    ok_str(first_bytes("(hd0,2)"), "none");
    /* the same bytes read as a 512-byte-sector disk: no GPT header at LBA 1 */
    d = scan(img, GPT_DISK, 512);
    ok(strstr(output(), "both GPT headers are corrupt (primary: no \"EFI PART\" signature; "
                        "backup: no \"EFI PART\" signature); it is laid out for 4096-byte "
                        "blocks\n") != NULL);
    ok(d && count_parts(d) == 0);
    /* and the reverse */
    done(img);
    img = gpt_disk(GPT_DISK, 512, gpt_parts512, 3);
    d = scan(img, GPT_DISK, 4096);
    ok(strstr(output(), "; it is laid out for 512-byte blocks\n") != NULL);
    ok(d && count_parts(d) == 0);
    done(img);
}

/* Regression: a bad primary header CRC falls back to the backup, with one warning. */
TEST(part_gpt_primary_header_crc_bad)
{
    uint8_t *img = gpt_disk(GPT_DISK, 512, gpt_parts512, 3);
    struct drive *d;
    img[512 + 60] ^= 1; /* in the disk GUID: covered by the CRC only */
    d = scan(img, GPT_DISK, 512);
    ok_str(output(), "Warning: (hd0): primary GPT header is corrupt (bad header CRC), using the "
                     "backup\n");
    ok(d && count_parts(d) == 3);
    check_gpt(img, 512, gpt_parts512, 3);
    /* the primary gone entirely */
    memset(img + 512, 0, 512);
    d = scan(img, GPT_DISK, 512);
    ok(strstr(output(), "(no \"EFI PART\" signature), using the backup") != NULL);
    ok(d && count_parts(d) == 3);
    done(img);
}

/* Regression: a bad entry array CRC in the primary falls back to the backup's copy. */
TEST(part_gpt_primary_entries_crc_bad)
{
    uint8_t *img = gpt_disk(GPT_DISK, 512, gpt_parts512, 3);
    struct drive *d;
    img[2 * 512 + 2 * 128 + 32] = 0x40; /* entry 2 starts elsewhere; CRC not updated */
    d = scan(img, GPT_DISK, 512);
    ok_str(output(), "Warning: (hd0): primary GPT header is corrupt (bad entry array CRC), using "
                     "the backup\n");
    ok(d && count_parts(d) == 3);
    check_gpt(img, 512, gpt_parts512, 3);
    done(img);
}

/* Regression: both headers bad is an error naming the drive, and no partitions. */
TEST(part_gpt_both_headers_bad)
{
    uint8_t *img = gpt_disk(GPT_DISK, 512, gpt_parts512, 3);
    struct drive *d;
    img[512 + 60] ^= 1;
    img[GPT_DISK - 512 + 60] ^= 1;
    d = scan(img, GPT_DISK, 512);
    ok_str(output(), "Warning: (hd0): both GPT headers are corrupt (primary: bad header CRC; "
                     "backup: bad header CRC)\n");
    ok(d && count_parts(d) == 0);
    ok_str(first_bytes("(hd0,0)"), "none");
    ok(strstr(shell.errmsg, "(hd0,0)") != NULL);
    done(img);
}

/* Header fields that are each wrong on their own, with a valid CRC: every one is refused. */
TEST(part_gpt_header_fields)
{
    static const struct {
        int off, size;
        uint64_t value;
        const char *why;
    } bad[] = {
        { 8, 4, 0x00020000, "unknown revision 0x00020000" },
        { 12, 4, 91, "bad header size 91" },
        { 12, 4, 513, "bad header size 513" },
        { 24, 8, 2, "it says it is at block 2" },
        { 84, 4, 64, "bad entry size 64" },
        { 84, 4, 200, "bad entry size 200" },
        { 80, 4, 1025, "too many entries (1025 of 128 bytes)" },
        { 80, 4, 0xFFFFFFFFu, "too many entries" },
        { 40, 8, 0, "bad usable range 0-" },
        { 40, 8, 9000, "bad usable range 9000-8158" },
        { 48, 8, 1, "bad usable range 34-1" },
        { 72, 8, 0, "entry array at block 0 (32 blocks) is misplaced" },
        { 72, 8, 1, "entry array at block 1 (32 blocks) is misplaced" },
        { 72, 8, 10, "entry array at block 10 (32 blocks) is misplaced" },
        { 72, 8, 8180, "entry array at block 8180 (32 blocks) is misplaced" },
        { 72, 8, ~0ull, "entry array at block 18446744073709551615 (32 blocks) is misplaced" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        uint8_t *img = gpt_disk(GPT_DISK, 512, gpt_parts512, 3);
        char want[160];
        struct drive *d;
        for (int k = 0; k < bad[i].size; k++)
            img[512 + bad[i].off + k] = (uint8_t)(bad[i].value >> (8 * k));
        put32(img + 512 + 16, 0);
        put32(img + 512 + 16, crc32_ieee(0, img + 512, 92));
        d = scan(img, GPT_DISK, 512);
        snprintf(want, sizeof(want), "primary GPT header is corrupt (%s", bad[i].why);
        if (!strstr(output(), want))
            printf("    case %zu: %s", i, output());
        ok(strstr(output(), want) != NULL);
        ok(d && count_parts(d) == 3);
        done(img);
    }
}

/* When the primary header is sane, its AlternateLBA finds a backup that is not at the end. */
TEST(part_gpt_backup_at_alternate_lba)
{
    uint8_t *img = gpt_disk(GPT_DISK, 512, gpt_parts512, 3);
    uint8_t *big = calloc(1, 2 * GPT_DISK);
    struct drive *d;
    memcpy(big, img, GPT_DISK); /* the image copied to a disk twice its size */
    big[2 * 512 + 7] ^= 1;      /* primary entries bad */
    d = scan(big, 2 * GPT_DISK, 512);
    ok_str(output(), "Warning: (hd0): primary GPT header is corrupt (bad entry array CRC), using "
                     "the backup\n");
    ok(d && count_parts(d) == 3);
    /* with the primary header itself bad, only the last block is tried */
    big[512 + 60] ^= 1;
    d = scan(big, 2 * GPT_DISK, 512);
    ok(strstr(output(), "both GPT headers are corrupt (primary: bad header CRC; backup: no") !=
       NULL);
    ok(d && count_parts(d) == 0);
    free(big);
    done(img);
}

/* Regression: an entry past the end (CRCs valid) is skipped with a warning, the rest kept. */
TEST(part_gpt_entry_past_end)
{
    uint8_t *img = gpt_disk(GPT_DISK, 512, gpt_parts512, 3);
    struct drive *d;
    gpt_set_entry(img, GPT_DISK, 512, 2, 6144, 100000);
    d = scan(img, GPT_DISK, 512);
    ok_str(output(), "Warning: (hd0): GPT entry 2 (blocks 6144-100000) lies outside the usable "
                     "range; skipped\n");
    ok(d && count_parts(d) == 2);
    ok_str(first_bytes("(hd0,0)"), "G0");
    ok_str(first_bytes("(hd0,2)"), "none");
    gpt_set_entry(img, GPT_DISK, 512, 2, 6144, 6000);
    d = scan(img, GPT_DISK, 512);
    ok_str(output(), "Warning: (hd0): GPT entry 2 ends (block 6000) before it starts (block "
                     "6144); skipped\n");
    gpt_set_entry(img, GPT_DISK, 512, 2, 1, 40);
    d = scan(img, GPT_DISK, 512);
    ok(strstr(output(), "GPT entry 2 (blocks 1-40) lies outside the usable range") != NULL);
    gpt_set_entry(img, GPT_DISK, 512, 2, ~0ull, ~0ull);
    d = scan(img, GPT_DISK, 512);
    ok(strstr(output(), "lies outside the usable range") != NULL);
    ok(d && count_parts(d) == 2);
    done(img);
}

/* Many bad entries: a few warnings and a count, not one line each. */
TEST(part_gpt_many_bad_entries)
{
    uint8_t *img = gpt_disk(GPT_DISK, 512, gpt_parts512, 3);
    struct drive *d;
    for (int i = 10; i < 100; i++) {
        memcpy(img + 2 * 512 + i * 128, "x", 1);
        put64(img + 2 * 512 + i * 128 + 32, 5);
        put64(img + 2 * 512 + i * 128 + 40, 1);
    }
    gpt_seal(img, 512, 1);
    d = scan(img, GPT_DISK, 512);
    ok(strstr(output(), "Warning: (hd0): 82 more GPT entries skipped") != NULL);
    ok(d && count_parts(d) == 3);
    done(img);
}

/* An image cut short: the primary still counts; entries past the end are skipped. */
TEST(part_gpt_truncated_image)
{
    static const struct gpt_part parts[] = { { 0, 2048, 4095 }, { 1, 4096, 8000 } };
    uint8_t *img = gpt_disk(GPT_DISK, 512, parts, 2);
    struct drive *d = scan(img, GPT_DISK / 2 + 4096, 512);
    ok(strstr(output(), "Warning: (hd0): the GPT's usable blocks end at 8158, past the end of "
                        "the disk (4104 blocks): a truncated image?\n") != NULL);
    ok(strstr(output(), "GPT entry 1 (blocks 4096-8000) reaches past the end of the disk; "
                        "skipped") != NULL);
    ok(d && count_parts(d) == 1);
    ok_str(first_bytes("(hd0,0)"), "G0");
    done(img);
}

/* GPT needs the protective MBR; a hybrid one (0xEE plus others) counts. */
TEST(part_gpt_protective_mbr)
{
    uint8_t *img = gpt_disk(GPT_DISK, 512, gpt_parts512, 3);
    struct drive *d;
    /* hybrid: GPT wins */
    mbr_entry(img, 1, 0x80, 0x0C, 2048, 2048);
    d = scan(img, GPT_DISK, 512);
    ok(d && count_parts(d) == 3);
    ok(dev_find("(hd0,5)", &d) == 0 && d->part_type == 0xEE);
    /* no 0xEE: the MBR is what the disk is (a GPT left behind by a re-partitioning) */
    mbr_entry(img, 0, 0x00, 0x83, 6144, 2048);
    d = scan(img, GPT_DISK, 512);
    ok(d && count_parts(d) == 2);
    ok(dev_find("(hd0,1)", &d) == 0 && d->part_type == 0x0C);
    ok_str(first_bytes("(hd0,0)"), "G5");
    ok_str(first_bytes("(hd0,5)"), "none");
    done(img);
}

/* Tiny disks and odd sizes never read past the end. */
TEST(part_tiny_disks)
{
    uint8_t *img = calloc(1, 4096);
    struct drive *d;
    mbr_entry(img, 0, 0, 0xEE, 1, 100);
    for (size_t size = 512; size <= 4096; size += 512) {
        d = scan(img, size, 512);
        ok(d && count_parts(d) <= 1);
    }
    mbr_entry(img, 0, 0, 0x05, 1, 100);
    d = scan(img, 4096, 512);
    ok(d && count_parts(d) == 0);
    ok(strstr(output(), "partition 0 (blocks 1+100) reaches past the end") != NULL);
    d = scan(img, 4096, 4096);
    ok(d && count_parts(d) == 0);
    done(img);
}
