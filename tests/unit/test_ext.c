/*
 * ext2/3/4 (fs/ext.c) over a tiny volume built here byte by byte, for what
 * mke2fs -d does not make: an uninitialized extent (reads as zeros, listed
 * as a hole), an extent tree deeper than the driver allows, a block-mapped
 * file whose first block is a hole, a NUL byte in a name, an unknown
 * incompatible feature, and label/UUID/type through the fs API.
 * tests/drives/ext.sh covers real images.
 */
#include "test.h"

#include "../../disk/drive.h"
#include "../../fs/fs.h"
#include "../../src/err.h"
#include "../../src/platform.h"

#define BS 1024
static uint8_t img[64 * BS];

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Inode ino (the table is at block 4, 128 bytes each): mode, size, flags. */
static uint8_t *inode(uint32_t ino, uint16_t mode, uint32_t size, uint32_t flags)
{
    uint8_t *p = img + 4 * BS + (ino - 1) * 128;
    put16(p, mode);
    put32(p + 4, size);
    put32(p + 32, flags);
    return p;
}

/* An extent header at p: entries, depth. */
static void eh(uint8_t *p, uint16_t entries, uint16_t max, uint16_t depth)
{
    put16(p, 0xF30A);
    put16(p + 2, entries);
    put16(p + 4, max);
    put16(p + 6, depth);
}

static void extent(uint8_t *p, uint32_t lblk, uint16_t len, uint32_t start)
{
    put32(p, lblk);
    put16(p + 4, len);
    put32(p + 8, start);
}

/* A directory entry at p; returns its rec_len. */
static size_t dirent(uint8_t *p, uint32_t ino, const char *name, size_t nlen, uint8_t type,
                     size_t rec_len)
{
    put32(p, ino);
    put16(p + 4, (uint16_t)rec_len);
    p[6] = (uint8_t)nlen;
    p[7] = type;
    memcpy(p + 8, name, nlen);
    return rec_len;
}

/*
 * 64 blocks of 1 KiB, one group: superblock at block 1, descriptors at 2,
 * inode table at 4-5, the root directory at 10, data from 20.
 * uninit.bin (12): A, an uninitialized extent over X, C.
 * deep.bin (13): an extent root claiming depth 6.
 * hole.bin (14): block map, block 0 a hole, block 1 D.
 */
static void build(uint32_t incompat)
{
    uint8_t *sb = img + 1024, *root = img + 10 * BS, *in;
    size_t o = 0;
    memset(img, 0, sizeof(img));
    put32(sb + 0, 16);          /* inodes */
    put32(sb + 4, 64);          /* blocks */
    put32(sb + 20, 1);          /* first data block */
    put32(sb + 32, 8192);
    put32(sb + 40, 16);
    put16(sb + 56, 0xEF53);
    put32(sb + 76, 1);
    put16(sb + 88, 128);
    put32(sb + 96, incompat);
    for (int i = 0; i < 16; i++)
        sb[104 + i] = (uint8_t)(0x10 * i + i);
    memcpy(sb + 120, "UNITVOL", 7);
    put32(img + 2 * BS + 8, 4); /* inode table */

    in = inode(2, 0x41ED, BS, 0);
    put32(in + 40, 10);
    o += dirent(root + o, 2, ".", 1, 2, 12);
    o += dirent(root + o, 2, "..", 2, 2, 12);
    o += dirent(root + o, 12, "uninit.bin", 10, 1, 20);
    o += dirent(root + o, 13, "deep.bin", 8, 1, 16);
    o += dirent(root + o, 14, "hole.bin", 8, 1, 16);
    o += dirent(root + o, 0, "", 0, 0, 12);                 /* an empty entry: skipped */
    dirent(root + o, 14, "n\0l", 3, 1, BS - o);             /* a NUL in a name */

    in = inode(12, 0x81A4, 3 * BS, 0x80000);
    eh(in + 40, 3, 4, 0);
    extent(in + 52, 0, 1, 20);
    extent(in + 64, 1, 32768 + 1, 21);
    extent(in + 76, 2, 1, 22);
    memset(img + 20 * BS, 'A', BS);
    memset(img + 21 * BS, 'X', BS);
    memset(img + 22 * BS, 'C', BS);

    in = inode(13, 0x81A4, BS, 0x80000);
    eh(in + 40, 1, 4, 6);
    put32(in + 52 + 4, 30);

    in = inode(14, 0x81A4, 2 * BS, 0);
    put32(in + 44, 23);
    memset(img + 23 * BS, 'D', BS);
}

static void attach(void)
{
    host_clear_disks();
    drive_reset();
    host_add_mem_disk(img, sizeof(img), PLAT_DISK_HD, 512);
}

TEST(ext_uninit_extent_reads_zeros)
{
    struct fs_file *f;
    struct fs_extent *e = NULL;
    static uint8_t buf[3 * BS];
    size_t n = 0, got = 0;
    build(0x2 | 0x40);
    attach();
    ok(fs_open("(hd0)/uninit.bin", &f) == 0);
    ok(fs_size(f) == 3 * BS);
    ok(fs_read(f, 0, buf, sizeof(buf), &got) == 0 && got == sizeof(buf));
    ok(buf[0] == 'A' && buf[BS - 1] == 'A' && buf[BS] == 0 && buf[2 * BS - 1] == 0 &&
       buf[2 * BS] == 'C');
    ok(fs_extents(f, &e, &n) == 0);
    ok(n == 3);
    if (n == 3) {
        ok(e[0].disk_off == 20 * BS && e[0].len == BS);
        ok(e[1].disk_off == FS_EXTENT_HOLE && e[1].file_off == BS);
        ok(e[2].disk_off == 22 * BS && e[2].file_off == 2 * BS);
    }
    mb_free(e);
    fs_close(f);
}

TEST(ext_extent_depth_limit)
{
    struct fs_file *f;
    build(0x2 | 0x40);
    attach();
    ok(fs_open("(hd0)/deep.bin", &f) == -EBADIMG);
}

TEST(ext_block_map_hole_and_names)
{
    struct fs_file *f, *d;
    struct fs_dirent ent;
    static uint8_t buf[2 * BS];
    size_t got = 0;
    int n = 0, nul = 0;
    build(0x2 | 0x40);
    attach();
    ok(fs_open("(hd0)/HOLE.BIN", &f) == 0); /* the case-insensitive fallback */
    ok(fs_read(f, 0, buf, sizeof(buf), &got) == 0 && got == sizeof(buf));
    ok(buf[0] == 0 && buf[BS - 1] == 0 && buf[BS] == 'D');
    fs_close(f);
    ok(fs_open("(hd0)/", &d) == 0);
    while (fs_readdir(d, &ent) == 1) {
        n++;
        nul += strcmp(ent.name, "n_l") == 0;
    }
    fs_close(d);
    ok(n == 4);
    ok(nul == 1);
    ok(fs_open("(hd0)/n_l", &f) == 0);
    fs_close(f);
}

TEST(ext_label_uuid_type)
{
    struct drive *d;
    struct fs_volume *vol;
    char buf[64];
    build(0x2 | 0x40);
    attach();
    ok(dev_find("(hd0)", &d) == 0);
    ok(fs_volume_of(d, &vol) == 0);
    ok(strcmp(fs_volume_type(vol), "ext4") == 0);
    ok(fs_volume_label(vol, buf, sizeof(buf)) == 0 && strcmp(buf, "UNITVOL") == 0);
    ok(fs_volume_uuid(vol, buf, sizeof(buf)) == 0 &&
       strcmp(buf, "00112233-4455-6677-8899-aabbccddeeff") == 0);
    build(0x2);
    attach();
    ok(dev_find("(hd0)", &d) == 0);
    ok(fs_volume_of(d, &vol) == 0);
    ok(strcmp(fs_volume_type(vol), "ext2") == 0);
}

TEST(ext_unknown_incompat_refused)
{
    struct drive *d;
    struct fs_volume *vol;
    build(0x2 | 0x40 | 0x1);
    attach();
    ok(dev_find("(hd0)", &d) == 0);
    ok(fs_volume_of(d, &vol) == -ENOTSUP);
}
