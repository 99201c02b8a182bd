/*
 * exFAT (fs/exfat.c) over a small volume built here byte by byte, for what
 * mkfs.exfat and FUSE do not make on demand: an up-case table in the
 * compressed form that folds Latin-1 (so "CAFÉ.TXT" finds "café.txt"), a
 * NoFatChain file whose ValidDataLength stops short, a chain out of order,
 * a name with a surrogate pair, and broken sets and chains.
 * tests/drives/exfat.sh covers real images.
 */
#include "test.h"

#include "../../disk/drive.h"
#include "../../fs/fs.h"
#include "../../src/err.h"
#include "../../src/platform.h"

#define BPS 512
#define HEAP 32       /* sectors: boot region 0..23, FAT 24..31 */
#define COUNT 100     /* clusters of 512 bytes */
static uint8_t img[(HEAP + COUNT) * BPS];

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}
static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}
static uint8_t *clu(uint32_t c) { return img + (HEAP + c - 2) * BPS; }
static void fat(uint32_t c, uint32_t v) { put32(img + 24 * BPS + 4 * c, v); }

static void boot_checksum(void)
{
    uint32_t sum = 0;
    for (int i = 0; i < 11 * BPS; i++)
        if (i != 106 && i != 107 && i != 112)
            sum = ((sum & 1) ? 0x80000000u : 0) + (sum >> 1) + img[i];
    for (int i = 0; i < BPS; i += 4)
        put32(img + 11 * BPS + i, sum);
}

/* A File + Stream + Name entry set at d for a UTF-16 name; returns its size in bytes. */
static size_t file_set(uint8_t *d, const uint16_t *name, unsigned len, bool dir, bool nofat,
                       uint32_t first, uint64_t size, uint64_t valid)
{
    unsigned names = (len + 14) / 15, n = 2 + names;
    uint16_t sum = 0;
    memset(d, 0, n * 32);
    d[0] = 0x85;
    d[1] = (uint8_t)(n - 1);
    put16(d + 4, dir ? 0x10 : 0x20);
    d[32] = 0xC0;
    d[33] = (uint8_t)(1 | (nofat ? 2 : 0));
    d[35] = (uint8_t)len;
    put64(d + 40, valid);
    put32(d + 52, first);
    put64(d + 56, size);
    for (unsigned i = 0; i < len; i++) {
        uint8_t *e = d + 64 + (i / 15) * 32;
        e[0] = 0xC1;
        put16(e + 2 + 2 * (i % 15), name[i]);
    }
    for (unsigned i = 0; i < n * 32; i++)
        if (i != 2 && i != 3)
            sum = (uint16_t)(((sum & 1) ? 0x8000 : 0) + (sum >> 1) + d[i]);
    put16(d + 2, sum);
    return n * 32;
}

/*
 * Root (cluster 4): label, bitmap (2), up-case table (3), café.txt (NoFatChain,
 * clusters 5-6, 1000 bytes, 600 valid), chain.bin (clusters 9 then 7), Dir
 * (cluster 8) holding "x😀.txt" (cluster 10).
 */
static void build(void)
{
    static const uint16_t cafe[] = { 'c', 'a', 'f', 0xE9, '.', 't', 'x', 't' };
    static const uint16_t chain[] = { 'c', 'h', 'a', 'i', 'n', '.', 'b', 'i', 'n' };
    static const uint16_t dir[] = { 'D', 'i', 'r' };
    static const uint16_t smile[] = { 'x', 0xD83D, 0xDE00, '.', 't', 'x', 't' };
    uint8_t *r = clu(4), *u = clu(3);
    size_t o = 0, k = 0;
    memset(img, 0, sizeof(img));
    img[0] = 0xEB;
    img[1] = 0x76;
    img[2] = 0x90;
    memcpy(img + 3, "EXFAT   ", 8);
    put64(img + 72, sizeof(img) / BPS);
    put32(img + 80, 24);
    put32(img + 84, 8);
    put32(img + 88, HEAP);
    put32(img + 92, COUNT);
    put32(img + 96, 4);
    put32(img + 100, 0x89ABCDEF);
    put16(img + 104, 0x100);
    img[108] = 9;
    img[109] = 0;
    img[110] = 1;
    put16(img + 510, 0xAA55);
    boot_checksum();
    fat(0, 0xFFFFFFF8);
    fat(1, 0xFFFFFFFF);
    for (uint32_t c = 2; c <= 4; c++)
        fat(c, 0xFFFFFFFF);
    fat(9, 7);
    fat(7, 0xFFFFFFFF);
    fat(8, 0xFFFFFFFF);
    fat(10, 0xFFFFFFFF);
    /* up-case: identity to 'a', a..z, identity to 0xE0, 0xE0..0xFE less 0xF7 */
    put16(u + 2 * k++, 0xFFFF);
    put16(u + 2 * k++, 'a');
    for (uint16_t c = 'a'; c <= 'z'; c++)
        put16(u + 2 * k++, (uint16_t)(c - 32));
    put16(u + 2 * k++, 0xFFFF);
    put16(u + 2 * k++, 0xE0 - 'z' - 1);
    for (uint16_t c = 0xE0; c <= 0xFE; c++)
        put16(u + 2 * k++, c == 0xF7 ? c : (uint16_t)(c - 32));
    r[o] = 0x83;
    r[o + 1] = 7;
    for (int i = 0; i < 7; i++)
        put16(r + o + 2 + 2 * i, (uint16_t)"Unit Ex"[i]);
    o += 32;
    r[o] = 0x81;
    put32(r + o + 20, 2);
    put64(r + o + 24, (COUNT + 7) / 8);
    o += 32;
    r[o] = 0x82;
    put32(r + o + 20, 3);
    put64(r + o + 24, k * 2);
    o += 32;
    o += file_set(r + o, cafe, 8, false, true, 5, 1000, 600);
    o += file_set(r + o, chain, 9, false, false, 9, 1024, 1024);
    o += file_set(r + o, dir, 3, true, false, 8, 512, 512);
    file_set(clu(8), smile, 7, false, false, 10, 5, 5);
    memset(clu(5), 'C', 1024);
    memset(clu(9), '9', 512);
    memset(clu(7), '7', 512);
    memcpy(clu(10), "hello", 5);
}

static void attach(void)
{
    host_clear_disks();
    drive_reset();
    host_add_mem_disk(img, sizeof(img), PLAT_DISK_HD, BPS);
}

static int read_at(const char *path, uint64_t off, char *buf, size_t len, size_t *got)
{
    struct fs_file *f;
    int rc = fs_open(path, &f);
    if (rc)
        return rc;
    rc = fs_read(f, off, buf, len, got);
    fs_close(f);
    return rc;
}

TEST(exfat_label_uuid_type)
{
    struct fs_volume *vol;
    char buf[64];
    build();
    attach();
    ok(fs_volume_get("(hd0)", &vol) == 0);
    ok_str(fs_volume_type(vol), "exfat");
    ok(fs_volume_label(vol, buf, sizeof(buf)) == 0);
    ok_str(buf, "Unit Ex");
    ok(fs_volume_uuid(vol, buf, sizeof(buf)) == 0);
    ok_str(buf, "89AB-CDEF");
}

TEST(exfat_upcase_and_valid_data_length)
{
    char buf[1100];
    size_t got = 0;
    bool zeros = true;
    build();
    attach();
    /* É is only É's up-case through the volume's table */
    ok(read_at("(hd0)/CAFÉ.TXT", 0, buf, sizeof(buf), &got) == 0);
    ok(got == 1000);
    ok(buf[0] == 'C' && buf[599] == 'C');
    for (int i = 600; i < 1000; i++)
        zeros = zeros && buf[i] == 0;
    ok(zeros);
    ok(read_at("(hd0)/chain.BIN", 500, buf, 24, &got) == 0);
    ok(got == 24 && memcmp(buf, "999999999999777777777777", 24) == 0);
    ok(read_at("(hd0)/dir/X😀.TXT", 0, buf, 10, &got) == 0);
    ok(got == 5 && memcmp(buf, "hello", 5) == 0);
}

TEST(exfat_extents_hole_past_valid)
{
    struct fs_file *f;
    struct fs_extent *ext;
    size_t n = 0;
    build();
    attach();
    ok(fs_open("(hd0)/café.txt", &f) == 0);
    ok(fs_extents(f, &ext, &n) == 0);
    ok(n == 2);
    ok(ext[0].file_off == 0 && ext[0].disk_off == (HEAP + 3) * BPS && ext[0].len == 600);
    ok(ext[1].file_off == 600 && ext[1].disk_off == FS_EXTENT_HOLE && ext[1].len == 400);
    mb_free(ext);
    fs_close(f);
}

TEST(exfat_listing)
{
    struct fs_file *d;
    struct fs_dirent ent;
    char names[256] = "";
    build();
    attach();
    ok(fs_open("(hd0)/", &d) == 0);
    while (fs_readdir(d, &ent) == 1) {
        strlcat8(names, ent.name, sizeof(names));
        strlcat8(names, ent.is_dir ? "/ " : " ", sizeof(names));
    }
    fs_close(d);
    ok_str(names, "café.txt chain.bin Dir/ ");
}

TEST(exfat_corrupt)
{
    char buf[16];
    size_t got;
    struct fs_volume *vol;
    /* a bit flipped in a name: the set checksum catches it */
    build();
    clu(4)[96 + 64 + 2] ^= 1;
    attach();
    ok(read_at("(hd0)/chain.bin", 0, buf, sizeof(buf), &got) == -EBADIMG);
    /* a chain that loops: 9 -> 9 */
    build();
    fat(9, 9);
    attach();
    ok(read_at("(hd0)/chain.bin", 0, buf, sizeof(buf), &got) == -EBADIMG);
    /* a chain that ends early */
    build();
    fat(9, 0xFFFFFFFF);
    attach();
    ok(read_at("(hd0)/chain.bin", 0, buf, sizeof(buf), &got) == -EBADIMG);
    /* the boot region checksum */
    build();
    img[120] ^= 1;
    attach();
    ok(fs_volume_get("(hd0)", &vol) != 0);
    /* a cluster shift that makes clusters over 32 MiB */
    build();
    img[109] = 17;
    boot_checksum();
    attach();
    ok(fs_volume_get("(hd0)", &vol) != 0);
}
