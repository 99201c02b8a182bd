/*
 * UDF (fs/udf.c) over a tiny image built here byte by byte (512-byte
 * blocks), for what the image tools do not make: ICB strategy 4096,
 * sparable partition maps and extended allocation descriptors (refused
 * with -ENOTSUP), a bad descriptor CRC, UCS-2 names with a surrogate pair,
 * deleted entries, and an embedded file whose size exceeds its descriptor
 * area. tests/drives/udf.sh covers real images.
 */
#include "test.h"

#include "../../disk/drive.h"
#include "../../fs/fs.h"
#include "../../src/platform.h"

#define BS 512
#define P0 270      /* the partition's first sector */
#define PLEN 100
static uint8_t img[400 * BS];

static void w16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void w32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint16_t crc(const uint8_t *p, size_t n)
{
    uint16_t c = 0;
    for (size_t i = 0; i < n; i++) {
        c ^= (uint16_t)(p[i] << 8);
        for (int b = 0; b < 8; b++)
            c = c & 0x8000 ? (uint16_t)(c << 1 ^ 0x1021) : (uint16_t)(c << 1);
    }
    return c;
}

/* Finish the tag of a descriptor of len bytes at p. */
static void tag(uint8_t *p, uint16_t id, uint32_t loc, size_t len)
{
    uint8_t sum = 0;
    w16(p, id);
    w16(p + 2, 2);
    w16(p + 8, crc(p + 16, len - 16));
    w16(p + 10, (uint16_t)(len - 16));
    w32(p + 12, loc);
    for (int i = 0; i < 16; i++)
        if (i != 4)
            sum = (uint8_t)(sum + p[i]);
    p[4] = sum;
}

static uint8_t *sector(uint32_t s) { return img + (size_t)s * BS; }
static uint8_t *block(uint32_t lbn) { return sector(P0 + lbn); }

/* A File Entry at lbn: file type, strategy, allocation descriptor type, size, descriptors. */
static void file_entry(uint32_t lbn, uint8_t ftype, uint16_t strategy, uint16_t adtype,
                       uint64_t size, const void *ads, uint32_t l_ad)
{
    uint8_t *p = block(lbn);
    memset(p, 0, BS);
    w16(p + 20, strategy);
    p[27] = ftype;
    w16(p + 34, adtype);
    w32(p + 56, (uint32_t)size);
    w32(p + 60, (uint32_t)(size >> 32));
    w32(p + 172, l_ad);
    memcpy(p + 176, ads, l_ad);
    tag(p, 261, lbn, 176 + l_ad);
}

/* A File Identifier Descriptor at p (name already compressed); returns its padded length. */
static size_t fid(uint8_t *p, uint8_t chars, uint32_t lbn, const void *name, uint8_t l_fi)
{
    size_t len = (38u + l_fi + 3) & ~3u;
    memset(p, 0, len);
    w16(p + 16, 1);
    p[18] = chars;
    p[19] = l_fi;
    w32(p + 20, BS);
    w32(p + 24, lbn);
    memcpy(p + 38, name, l_fi);
    tag(p, 257, 0, len);
    return len;
}

/*
 * The volume: VRS, anchor at 256, PVD/PD/LVD/TD at 257-260, FSD at lbn 0,
 * root directory at 1 holding "a.txt" (lbn 2, embedded "hi\n"), a deleted
 * "gone" and a UCS-2 name with a surrogate pair (lbn 3, "x" recorded at 10).
 * map_type 1 or 2 (a sparable map).
 */
static void build(int map_type)
{
    static const uint8_t ucs2[] = { 16, 0xD8, 0x3D, 0xDE, 0x00, 0, '.', 0, 't' };
    uint8_t dir[256], ad[8];
    size_t o = 0;
    uint8_t *p;
    memset(img, 0, sizeof(img));
    memcpy(img + 32768 + 1, "BEA01", 5);
    memcpy(img + 32768 + 2048 + 1, "NSR02", 5);
    memcpy(img + 32768 + 4096 + 1, "TEA01", 5);
    p = sector(256);
    w32(p + 16, 4 * BS);
    w32(p + 20, 257);
    tag(p, 2, 256, 512);
    p = sector(257);
    p[24 + 31] = 6;
    memcpy(p + 24, "\x08PVDID", 6);
    p[72 + 127] = 17;
    memcpy(p + 72, "\x08" "00112233aabbccdd", 17);
    tag(p, 1, 257, 512);
    p = sector(258);
    w16(p + 22, 7);
    w32(p + 188, P0);
    w32(p + 192, PLEN);
    tag(p, 5, 258, 512);
    p = sector(259);
    memcpy(p + 84, "\x08Tiny", 5);
    p[84 + 127] = 5;
    w32(p + 212, BS);
    w32(p + 248, BS);
    w32(p + 252, 0);
    if (map_type == 1) {
        w32(p + 264, 6);
        w32(p + 268, 1);
        p[440] = 1;
        p[441] = 6;
        w16(p + 442, 1);
        w16(p + 444, 7);
    } else {
        w32(p + 264, 64);
        w32(p + 268, 1);
        p[440] = 2;
        p[441] = 64;
        memcpy(p + 445, "*UDF Sparable Partition", 23);
        w16(p + 478, 7);
    }
    tag(p, 6, 259, 512);
    tag(sector(260), 8, 260, 512);
    p = block(0);
    w32(p + 400, BS);
    w32(p + 404, 1);
    tag(p, 256, 0, 512);
    o += fid(dir + o, 0x08, 1, "", 0);
    o += fid(dir + o, 0x04, 2, "\x08gone", 5);
    o += fid(dir + o, 0, 2, "\x08" "a.txt", 6);
    o += fid(dir + o, 0, 3, ucs2, sizeof(ucs2));
    file_entry(1, 4, 4, 3, o, dir, (uint32_t)o);
    file_entry(2, 5, 4, 3, 3, "hi\n", 3);
    w32(ad, 1);
    w32(ad + 4, 10);
    file_entry(3, 5, 4, 0, 1, ad, 8);
    block(10)[0] = 'x';
}

static void attach(void)
{
    host_clear_disks();
    drive_reset();
    host_add_mem_disk(img, sizeof(img), PLAT_DISK_HD, BS);
}

static const char *read_str(const char *path)
{
    static char buf[64];
    struct fs_file *f;
    size_t got = 0;
    int rc = fs_open(path, &f);
    if (rc) {
        snprintf(buf, sizeof(buf), "open %d", rc);
        return buf;
    }
    rc = fs_read(f, 0, buf, sizeof(buf) - 1, &got);
    fs_close(f);
    if (rc)
        snprintf(buf, sizeof(buf), "read %d", rc);
    else
        buf[got] = 0;
    return buf;
}

TEST(udf_tiny_volume)
{
    struct fs_volume *vol;
    struct fs_file *d;
    struct fs_dirent ent;
    char buf[64];
    build(1);
    attach();
    ok(fs_volume_get("(hd0)", &vol) == 0);
    ok_str(fs_volume_type(vol), "udf");
    ok(fs_volume_label(vol, buf, sizeof(buf)) == 0);
    ok_str(buf, "Tiny");
    ok(fs_volume_uuid(vol, buf, sizeof(buf)) == 0);
    ok_str(buf, "00112233aabbccdd");
    ok_str(read_str("(hd0)/a.txt"), "hi\n");
    ok_str(read_str("(hd0)/A.TXT"), "hi\n");
    ok_str(read_str("(hd0)/\xF0\x9F\x98\x80.t"), "x");
    ok_str(read_str("(hd0)/gone"), "open -2");
    ok(fs_open("(hd0)/", &d) == 0);
    ok(fs_readdir(d, &ent) == 1);
    ok_str(ent.name, "a.txt");
    ok(ent.size == 3 && !ent.is_dir);
    ok(fs_readdir(d, &ent) == 1);
    ok_str(ent.name, "\xF0\x9F\x98\x80.t");
    ok(fs_readdir(d, &ent) == 0);
    fs_close(d);
}

TEST(udf_refused_features)
{
    struct fs_volume *vol;
    uint8_t ad[8] = { 0 };
    build(2);
    attach();
    ok(fs_volume_get("(hd0)", &vol) == -ENOTSUP);
    ok(strstr8(shell.errmsg, "Sparable") != NULL);

    build(1);
    file_entry(2, 5, 4096, 3, 3, "hi\n", 3); /* strategy 4096 */
    attach();
    ok_str(read_str("(hd0)/a.txt"), "open -95");
    ok(strstr8(shell.errmsg, "strategy 4096") != NULL);

    build(1);
    file_entry(3, 5, 4, 2, 1, ad, 8); /* extended allocation descriptors */
    attach();
    ok_str(read_str("(hd0)/\xF0\x9F\x98\x80.t"), "open -95");
}

TEST(udf_corrupt_entries)
{
    build(1);
    block(2)[176] = 'H'; /* the data changes under the CRC */
    attach();
    ok_str(read_str("(hd0)/a.txt"), "open -203");
    ok(strstr8(shell.errmsg, "(hd0)") && strstr8(shell.errmsg, "CRC"));

    build(1);
    file_entry(2, 5, 4, 3, 4, "hi\n", 3); /* 4 bytes embedded in 3 */
    attach();
    ok_str(read_str("(hd0)/a.txt"), "open -203");
    ok(strstr8(shell.errmsg, "embedded") != NULL);

    build(1);
    memset(sector(256), 0, BS); /* no anchor anywhere */
    attach();
    ok_str(read_str("(hd0)/a.txt"), "open -203");
    ok(strstr8(shell.errmsg, "Anchor Volume Descriptor Pointer") != NULL);
}
