/*
 * ISO9660 (fs/iso9660.c) over small images built here byte by byte, for
 * what xorriso does not make: multi-extent files whose extents are not
 * contiguous (reads across them, the extent list), a logical block size of
 * 512, the uuid's fallback to the modification date, Joliet names with
 * surrogate pairs and versions, broken chains, and Rock Ridge entries that
 * the tools do not write (no ER, an SP skip length, NM and SL continued
 * across entries, hostile continuation areas). tests/drives/iso9660.sh and
 * iso9660_rr.sh cover real images.
 */
#include "test.h"

#include "../../disk/drive.h"
#include "../../fs/fs.h"
#include "../../src/platform.h"

#define SEC 2048
static uint8_t img[96 * SEC];

static void put32(uint8_t *p, uint32_t v) /* both-endian */
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
        p[7 - i] = (uint8_t)(v >> (8 * i));
    }
}

/* A directory record at p; returns its length. */
static size_t rec(uint8_t *p, uint32_t lba, uint32_t size, uint8_t flags, const void *name,
                  size_t nlen)
{
    size_t len = 33 + nlen + (nlen % 2 == 0);
    memset(p, 0, len);
    p[0] = (uint8_t)len;
    put32(p + 2, lba);
    put32(p + 10, size);
    p[25] = flags;
    p[32] = (uint8_t)nlen;
    memcpy(p + 33, name, nlen);
    return len;
}

/* A descriptor at sector s: type 1 or 2 (Joliet), root at lba. */
static void descriptor(int s, int type, uint16_t bs, uint32_t root_lba, uint32_t root_size,
                       const char *label, const char *created, const char *modified)
{
    uint8_t *d = img + s * SEC;
    d[0] = (uint8_t)type;
    memcpy(d + 1, "CD001", 5);
    d[6] = 1;
    memset(d + 40, type == 2 ? 0 : ' ', 32);
    if (type == 2) {
        memcpy(d + 88, "%/E", 3);
        for (size_t i = 0; i < 16; i++) {
            d[40 + 2 * i] = 0;
            d[41 + 2 * i] = i < strlen(label) ? (uint8_t)label[i] : ' ';
        }
    } else {
        memcpy(d + 40, label, strlen(label));
    }
    d[128] = (uint8_t)bs;
    d[129] = (uint8_t)(bs >> 8);
    d[130] = d[129];
    d[131] = d[128];
    rec(d + 156, root_lba, root_size, 2, "\0", 1);
    memcpy(d + 813, created, 16);
    memcpy(d + 830, modified, 16);
}

static void terminator(int s)
{
    img[s * SEC] = 255;
    memcpy(img + s * SEC + 1, "CD001\1", 6);
}

/* The root directory at lba 20: ".", "..", then the records that fill(p) writes. */
static size_t root_start(uint8_t *p)
{
    size_t o = rec(p, 20, SEC, 2, "\0", 1);
    return o + rec(p + o, 20, SEC, 2, "\1", 1);
}

static void attach(int kind, unsigned bs)
{
    host_clear_disks();
    drive_reset();
    host_add_mem_disk(img, sizeof(img), kind, bs);
}

/*
 * SPLIT.BIN: three extents out of order on disk (A at 30, B at 40, C at 35),
 * JOINED.BIN: two contiguous ones (50, 51), EMPTY.: a 0-byte file.
 */
static void split_image(void)
{
    uint8_t *root = img + 20 * SEC;
    size_t o;
    memset(img, 0, sizeof(img));
    descriptor(16, 1, 2048, 20, SEC, "SPLIT   ", "0000000000000000", "2021020304050607");
    terminator(17);
    o = root_start(root);
    o += rec(root + o, 50, SEC, 0x80, "JOINED.BIN;1", 12);
    o += rec(root + o, 51, 10, 0, "JOINED.BIN;1", 12);
    o += rec(root + o, 30, SEC, 0x80, "SPLIT.BIN;1", 11);
    o += rec(root + o, 40, SEC, 0x80, "SPLIT.BIN;1", 11);
    o += rec(root + o, 35, 100, 0, "SPLIT.BIN;1", 11);
    rec(root + o, 0, 0, 0, "EMPTY.;1", 8);
    memset(img + 30 * SEC, 'A', SEC);
    memset(img + 40 * SEC, 'B', SEC);
    memset(img + 35 * SEC, 'C', 100);
    memset(img + 50 * SEC, 'J', SEC + 10);
}

static const char *read_str(const char *path, uint64_t off, size_t len)
{
    static char buf[256];
    struct fs_file *f;
    size_t got = 0;
    int rc = fs_open(path, &f);
    if (rc) {
        snprintf(buf, sizeof(buf), "open %d", rc);
        return buf;
    }
    rc = fs_read(f, off, buf, MIN(len, sizeof(buf) - 1), &got);
    fs_close(f);
    if (rc)
        snprintf(buf, sizeof(buf), "read %d", rc);
    else
        buf[got] = 0;
    return buf;
}

TEST(iso9660_multi_extent_split)
{
    struct fs_file *f;
    struct fs_extent *e = NULL;
    size_t n = 0;
    split_image();
    attach(PLAT_DISK_CD, 2048);
    ok(fs_open("(cd0)/split.bin", &f) == 0);
    ok(fs_size(f) == 2 * SEC + 100);
    ok(fs_extents(f, &e, &n) == 0);
    ok(n == 3);
    if (n == 3) {
        ok(e[0].file_off == 0 && e[0].disk_off == 30 * SEC && e[0].len == SEC);
        ok(e[1].file_off == SEC && e[1].disk_off == 40 * SEC && e[1].len == SEC);
        ok(e[2].file_off == 2 * SEC && e[2].disk_off == 35 * SEC && e[2].len == 100);
    }
    mb_free(e);
    fs_close(f);
    ok_str(read_str("(cd0)/SPLIT.BIN", SEC - 3, 6), "AAABBB");
    ok_str(read_str("(cd0)/SPLIT.BIN", 2 * SEC - 2, 5), "BBCCC");
    ok_str(read_str("(cd0)/SPLIT.BIN", 2 * SEC + 98, 50), "CC");
    ok_str(read_str("(cd0)/SPLIT.BIN", 2 * SEC + 100, 50), "");
    /* contiguous extents are one run */
    ok(fs_open("(cd0)/joined.bin", &f) == 0);
    ok(fs_size(f) == SEC + 10);
    ok(fs_extents(f, &e, &n) == 0);
    ok(n == 1 && e[0].disk_off == 50 * SEC && e[0].len == SEC + 10);
    mb_free(e);
    fs_close(f);
    ok(fs_open("(cd0)/empty", &f) == 0);
    ok(fs_size(f) == 0);
    ok(fs_extents(f, &e, &n) == 0 && n == 0);
    mb_free(e);
    fs_close(f);
}

TEST(iso9660_listing_joins_extents)
{
    struct fs_file *d;
    struct fs_dirent ent;
    char names[256] = "";
    split_image();
    attach(PLAT_DISK_HD, 512);
    ok(fs_open("(hd0)/", &d) == 0);
    while (fs_readdir(d, &ent) == 1) {
        char one[sizeof(ent.name) + 32];
        snprintf(one, sizeof(one), "%s=%llu ", ent.name, (unsigned long long)ent.size);
        strcat(names, one);
    }
    fs_close(d);
    ok_str(names, "JOINED.BIN=2058 SPLIT.BIN=4196 EMPTY=0 ");
}

TEST(iso9660_label_uuid)
{
    struct fs_volume *vol;
    char buf[64];
    split_image();
    attach(PLAT_DISK_CD, 2048);
    ok(fs_volume_get("(cd0)", &vol) == 0);
    ok_str(fs_volume_type(vol), "iso9660");
    ok(fs_volume_label(vol, buf, sizeof(buf)) == 0);
    ok_str(buf, "SPLIT");
    /* no creation date: the modification date */
    ok(fs_volume_uuid(vol, buf, sizeof(buf)) == 0);
    ok_str(buf, "2021-02-03-04-05-06-07");
    /* neither: none */
    memset(img + 16 * SEC + 830, 0, 16);
    memset(img + 16 * SEC + 40, ' ', 32);
    attach(PLAT_DISK_CD, 2048);
    ok(fs_volume_get("(cd0)", &vol) == 0);
    ok(fs_volume_uuid(vol, buf, sizeof(buf)) == -ENOENT);
    ok(fs_volume_label(vol, buf, sizeof(buf)) == -ENOENT);
}

/* Joliet preferred: UCS-2 names, a surrogate pair, ";1" cut; its label and dates. */
TEST(iso9660_joliet)
{
    static const uint8_t name[] = { 0, 'G', 0, 0xFC, 0xD8, 0x3D, 0xDE, 0x00, 0, 'x', 0, ';', 0, '1' };
    static const uint8_t sub[] = { 0, 'S', 0, 'u', 0, 'b' };
    uint8_t *root = img + 22 * SEC;
    struct fs_volume *vol;
    char buf[64];
    size_t o;
    memset(img, 0, sizeof(img));
    descriptor(16, 1, 2048, 20, SEC, "PRIMARY", "2020010100000000", "2020010100000000");
    descriptor(17, 2, 2048, 22, SEC, "Jol Label", "2022123123595999", "2020010100000000");
    terminator(18);
    o = rec(root, 22, SEC, 2, "\0", 1);
    o += rec(root + o, 22, SEC, 2, "\1", 1);
    o += rec(root + o, 30, 5, 0, name, sizeof(name));
    o += rec(root + o, 23, SEC, 2, sub, sizeof(sub));
    o += rec(root + o, 31, 5, 0, "\0a\0b", 4);
    rec(root + o, 32, 5, 0, "\0A\0B", 4);
    memcpy(img + 30 * SEC, "emoji", 5);
    memcpy(img + 31 * SEC, "lower", 5);
    memcpy(img + 32 * SEC, "upper", 5);
    rec(img + 23 * SEC, 23, SEC, 2, "\0", 1);
    attach(PLAT_DISK_CD, 2048);
    ok_str(read_str("(cd0)/G\xC3\xBC\xF0\x9F\x98\x80x", 0, 10), "emoji");
    ok_str(read_str("(cd0)/SUB/", 0, 10), "read -21");
    /* an exact match wins over one that differs in case, wherever it is */
    ok_str(read_str("(cd0)/AB", 0, 10), "upper");
    ok_str(read_str("(cd0)/ab", 0, 10), "lower");
    ok_str(read_str("(cd0)/Ab", 0, 10), "lower");
    ok(fs_volume_get("(cd0)", &vol) == 0);
    ok(fs_volume_label(vol, buf, sizeof(buf)) == 0);
    ok_str(buf, "Jol Label");
    ok(fs_volume_uuid(vol, buf, sizeof(buf)) == 0);
    ok_str(buf, "2020-01-01-00-00-00-00"); /* the primary descriptor's date */
}

/* A logical block size of 512: extents count 512-byte blocks. */
TEST(iso9660_block_size_512)
{
    uint8_t *root = img + 20 * SEC;
    size_t o;
    memset(img, 0, sizeof(img));
    descriptor(16, 1, 512, 80, SEC, "SMALLBLK", "2020010100000000", "2020010100000000");
    terminator(17);
    o = rec(root, 80, SEC, 2, "\0", 1);
    o += rec(root + o, 80, SEC, 2, "\1", 1);
    rec(root + o, 121, 4, 0, "F.TXT;1", 7);
    memcpy(img + 121 * 512, "half", 4);
    attach(PLAT_DISK_CD, 2048);
    ok_str(read_str("(cd0)/f.txt", 0, 10), "half");
}

/* Hostile chains and records. */
TEST(iso9660_bad_chains)
{
    uint8_t *root = img + 20 * SEC;
    size_t o;
    memset(img, 0, sizeof(img));
    descriptor(16, 1, 2048, 20, SEC, "BAD", "2020010100000000", "2020010100000000");
    terminator(17);
    o = root_start(root);
    o += rec(root + o, 30, SEC, 0x80, "A;1", 3);
    o += rec(root + o, 31, SEC, 0, "B;1", 3);     /* the chain's name changes */
    rec(root + o, 40, SEC, 0x82, "D;1", 3);      /* a multi-extent directory */
    attach(PLAT_DISK_CD, 2048);
    ok_str(read_str("(cd0)/a", 0, 1), "open -203");
    /* the interleaved flag fields */
    split_image();
    img[20 * SEC + 68 + 26] = 1;
    attach(PLAT_DISK_CD, 2048);
    ok_str(read_str("(cd0)/joined.bin", 0, 1), "open -95");
    /* no CD001 at all: not claimed */
    memset(img, 0, sizeof(img));
    attach(PLAT_DISK_CD, 2048);
    ok_str(read_str("(cd0)/x", 0, 1), "open -19");
}

/* A directory record with a system use area su (Rock Ridge entries); returns its length. */
static size_t rec_su(uint8_t *p, uint32_t lba, uint32_t size, uint8_t flags, const char *name,
                     const void *su, size_t sulen)
{
    size_t nlen = name[0] ? strlen(name) : 1, at = 33 + nlen + (nlen % 2 == 0);
    size_t len = rec(p, lba, size, flags, name, nlen);
    memcpy(p + at, su, sulen);
    len = at + sulen + ((at + sulen) & 1);
    p[0] = (uint8_t)len;
    return len;
}

/*
 * Rock Ridge built by hand, for what the tools do not make: no ER (entries
 * alone are enough, as in Linux), an SP skip length of 2, NM continued
 * across entries, an NM with the CURRENT flag on a file (ignored), SL
 * components continued across components and entries with ROOT, a name in
 * a continuation area, and a Joliet tree that Rock Ridge wins over.
 */
static void rr_image(void)
{
    static const uint8_t dot_su[] = { 'S', 'P', 7, 1, 0xBE, 0xEF, 2,
                                      'R', 'R', 5, 1, 0x89 };
    static const uint8_t long_su[] = { 0xAA, 0xAA, 'N', 'M', 9, 1, 1, 'L', 'o', 'n', 'g',
                                       'N', 'M', 13, 1, 0, 'N', 'a', 'm', 'e', '.', 't', 'x', 't' };
    /* "/su" + "b" (one component continued), then "f.txt" in a second SL entry */
    static const uint8_t link_su[] = { 0, 0, 'S', 'L', 14, 1, 1, 8, 0, 1, 2, 's', 'u', 0, 1, 'b',
                                       'S', 'L', 12, 1, 0, 0, 5, 'f', '.', 't', 'x', 't' };
    static const uint8_t ce_su[] = { 0, 0, 'C', 'E', 28, 1, 24, 0, 0, 0, 0, 0, 0, 24,
                                     100, 0, 0, 0, 0, 0, 0, 100, 13, 0, 0, 0, 0, 0, 0, 13 };
    static const uint8_t ce_area[] = { 'N', 'M', 11, 1, 0, 'F', 'r', 'o', 'm', 'C', 'E',
                                       'S', 'T', 4, 1 };
    static const uint8_t cur_su[] = { 0, 0, 'N', 'M', 6, 1, 2, 'x' };
    static const uint8_t sub_su[] = { 0, 0, 'N', 'M', 8, 1, 0, 's', 'u', 'b' };
    static const uint8_t f_su[] = { 0, 0, 'N', 'M', 10, 1, 0, 'f', '.', 't', 'x', 't' };
    uint8_t *root = img + 20 * SEC, *sub = img + 22 * SEC;
    size_t o;
    memset(img, 0, sizeof(img));
    descriptor(16, 1, 2048, 20, SEC, "RRHAND", "2020010100000000", "2020010100000000");
    descriptor(17, 2, 2048, 26, SEC, "JOLIET", "2020010100000000", "2020010100000000");
    terminator(18);
    o = rec_su(root, 20, SEC, 2, "\0", dot_su, sizeof(dot_su));
    o += rec(root + o, 20, SEC, 2, "\1", 1);
    o += rec_su(root + o, 30, 5, 0, "A.TXT;1", long_su, sizeof(long_su));
    o += rec_su(root + o, 0, 0, 0, "L.;1", link_su, sizeof(link_su));
    o += rec_su(root + o, 31, 2, 0, "C.;1", ce_su, sizeof(ce_su));
    o += rec_su(root + o, 32, 3, 0, "D.;1", cur_su, sizeof(cur_su));
    rec_su(root + o, 22, SEC, 2, "SUB", sub_su, sizeof(sub_su));
    o = rec(sub, 22, SEC, 2, "\0", 1);
    o += rec(sub + o, 20, SEC, 2, "\1", 1);
    rec_su(sub + o, 33, 5, 0, "F.TXT;1", f_su, sizeof(f_su));
    memcpy(img + 24 * SEC + 100, ce_area, sizeof(ce_area));
    /* the Joliet tree: one file, which must not be what is shown */
    o = rec(img + 26 * SEC, 26, SEC, 2, "\0", 1);
    o += rec(img + 26 * SEC + o, 26, SEC, 2, "\1", 1);
    rec(img + 26 * SEC + o, 30, 5, 0, "\0j\0o\0l", 6);
    memcpy(img + 30 * SEC, "hello", 5);
    memcpy(img + 31 * SEC, "ce", 2);
    memcpy(img + 32 * SEC, "cur", 3);
    memcpy(img + 33 * SEC, "inner", 5);
}

static const char *list(const char *path)
{
    static char names[512];
    struct fs_file *d;
    struct fs_dirent ent;
    names[0] = 0;
    if (fs_open(path, &d) != 0)
        return "open failed";
    while (fs_readdir(d, &ent) == 1) {
        char one[sizeof(ent.name) + 32];
        snprintf(one, sizeof(one), "%s%s=%llu ", ent.name, ent.is_dir ? "/" : "",
                 (unsigned long long)ent.size);
        strncat(names, one, sizeof(names) - strlen(names) - 1);
    }
    fs_close(d);
    return names;
}

TEST(iso9660_rock_ridge_by_hand)
{
    rr_image();
    attach(PLAT_DISK_CD, 2048);
    ok_str(list("(cd0)/"), "LongName.txt=5 L=5 FromCE=2 D=3 sub/=2048 ");
    ok_str(read_str("(cd0)/LongName.txt", 0, 10), "hello");
    ok_str(read_str("(cd0)/longname.TXT", 0, 10), "hello");
    ok_str(read_str("(cd0)/L", 0, 10), "inner");
    ok_str(read_str("(cd0)/FromCE", 0, 10), "ce");
    ok_str(read_str("(cd0)/sub/f.txt", 0, 10), "inner");
    /* no SP: the same records are plain ISO9660, and Joliet wins */
    img[20 * SEC + 34] = 'X';
    attach(PLAT_DISK_CD, 2048);
    ok_str(list("(cd0)/"), "jol=5 ");
    /* SP but nothing of Rock Ridge after it: not Rock Ridge either */
    img[20 * SEC + 34] = 'S';
    img[20 * SEC + 41] = 'Z';
    attach(PLAT_DISK_CD, 2048);
    ok_str(list("(cd0)/"), "jol=5 ");
}

/* The first place in the root directory's sector where n bytes pat are. */
static uint8_t *in_root(const void *pat, size_t n)
{
    for (uint8_t *p = img + 20 * SEC; p + n <= img + 21 * SEC; p++)
        if (memcmp(p, pat, n) == 0)
            return p;
    return img + 95 * SEC; /* harmless; the checks after it fail */
}

/* Hostile Rock Ridge: a continuation area across its block, SL components past their entry. */
TEST(iso9660_rock_ridge_bad)
{
    uint8_t *e;
    rr_image();
    e = in_root("CE\x1c", 3);
    e[12] = 0xF8; /* offset 2040 with 13 bytes: past the block's end */
    e[13] = 0x07;
    attach(PLAT_DISK_CD, 2048);
    ok_str(read_str("(cd0)/FromCE", 0, 1), "open -203");
    ok_str(read_str("(cd0)/x", 0, 1), "open -203");
    rr_image();
    e = in_root("SL\x0e", 3);
    e[6] = 40;    /* the ROOT component claims 40 bytes of a 14-byte entry */
    attach(PLAT_DISK_CD, 2048);
    ok_str(read_str("(cd0)/L", 0, 1), "open -203");
    /* a continuation area that is the record's own system use area: a loop */
    rr_image();
    e = in_root("CE\x1c", 3);
    e[4 + 0] = 20;
    e[4 + 7] = 20;
    e[12] = (uint8_t)((e - img) % SEC);
    e[12 + 7] = e[12];
    e[13] = (uint8_t)(((e - img) % SEC) >> 8);
    e[13 + 5] = e[13];
    e[20] = 28;
    e[20 + 7] = 28;
    attach(PLAT_DISK_CD, 2048);
    ok_str(read_str("(cd0)/FromCE", 0, 1), "open -40");
}
