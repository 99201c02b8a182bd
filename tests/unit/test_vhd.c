/*
 * VHD images (disk/img_vhd.c). Images are made at test time in the (bd)
 * directory: fixed and dynamic ones by qemu-img convert from a raw image
 * with a pattern and holes, differencing ones (and dynamic ones with other
 * block sizes or blocks out of order) by tests/images/mkvhd-diff.py, which
 * qemu-img cannot make. Every decoded byte is compared with what the disk
 * should hold, read in chunks of many sizes and at scattered offsets. The
 * corrupt cases patch a good image (and fix its checksums, so the check
 * behind them is the one hit) and must fail with a message naming the file.
 */
#include "test.h"

#include <limits.h>
#include <unistd.h>

#include "../../disk/image.h"

extern const struct img_format img_vhd;

/* 4.5 blocks of qemu-img's 2 MiB plus 3 sectors: the last block is cut short */
#define RAW_SIZE ((9u << 20) + 3 * 512)
#define MiB (1u << 20)

static uint8_t *raw;

/* The host path of (bd)/name. */
static const char *bd(const char *name)
{
    static char path[4][4200];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof(path[k]), "%s/%s", host_bd_dir, name);
    return path[k];
}

/*
 * The generator beside this file, tests/images/mkvhd-diff.py, by absolute
 * path (the commands run in the (bd) directory); __FILE__ is relative to
 * the directory the runner starts in.
 */
static const char *gen(void)
{
    static char cmd[PATH_MAX + 16];
    if (!cmd[0]) {
        char rel[1024], abs[PATH_MAX];
        const char *slash = strrchr(__FILE__, '/');
        int dir = slash ? (int)(slash - __FILE__) + 1 : 0;
        snprintf(rel, sizeof(rel), "%.*s../images/mkvhd-diff.py", dir, __FILE__);
        if (!realpath(rel, abs))
            abort();
        snprintf(cmd, sizeof(cmd), "python3 '%s'", abs);
    }
    return cmd;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const uint8_t *p)
{
    return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (24 - 8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)(v >> 32));
    put32(p + 4, (uint32_t)v);
}

/* Recompute the checksum (at skip) of the structure of len bytes at p. */
static void seal(uint8_t *p, size_t len, size_t skip)
{
    uint32_t sum = 0;
    put32(p + skip, 0);
    for (size_t i = 0; i < len; i++)
        sum += p[i];
    put32(p + skip, ~sum);
}

/* Both footers (end and, when there, the copy at 0) and the dynamic header, sealed. */
static void seal_all(uint8_t *b, size_t len)
{
    uint8_t *f = b + len - 512;
    if (memcmp(b, "conectix", 8) == 0)
        seal(b, 512, 64);
    if (memcmp(f, "conectix", 8) == 0) {
        seal(f, 512, 64);
        if (get32(f + 60) != 2 && get64(f + 16) < len && len - get64(f + 16) >= 1024)
            seal(b + get64(f + 16), 1024, 36);
    }
}

/* The raw disk: a pattern with holes (a whole 2 MiB block, sectors, the last sector). */
static void make_raw(void)
{
    if (!raw) {
        raw = malloc(RAW_SIZE);
        for (size_t i = 0; i < RAW_SIZE; i++)
            raw[i] = (uint8_t)(i * 31 + (i >> 9) * 7 + 1);
        memset(raw + 2 * MiB, 0, 2 * MiB);
        memset(raw + 5 * MiB + 4096, 0, 65536);
        memset(raw + RAW_SIZE - 512, 0, 512);
    }
}

/* A fresh (bd) with raw.img and, from it, fixed.vhd and dynamic.vhd made by qemu-img. */
static void setup(void)
{
    make_raw();
    test_bootdir(NULL);
    test_write_bd("raw.img", raw, RAW_SIZE);
    test_sh("cd '%s' && qemu-img convert -f raw -O vpc -o subformat=fixed,force_size=on raw.img "
       "fixed.vhd && qemu-img convert -f raw -O vpc -o subformat=dynamic,force_size=on "
       "raw.img dynamic.vhd", host_bd_dir);
}

/* The bytes a differencing child gives a changed sector (mkvhd-diff.py sector_bytes). */
static void sector_bytes(uint64_t sector, uint8_t *out)
{
    for (int j = 0; j < 512; j++)
        out[j] = (uint8_t)((sector * 13 + (uint64_t)j * 7 + 0xA5) & 0xFF);
}

/* want with the sectors in the list (comma-separated) changed as a child changes them. */
static void apply_sectors(uint8_t *want, const char *list)
{
    for (const char *p = list; *p;) {
        char *end;
        unsigned long long s = strtoull(p, &end, 10);
        sector_bytes(s, want + s * 512);
        p = *end ? end + 1 : end;
    }
}

/*
 * Does s read as want[0, size)? Reads the whole disk in chunks of cycling
 * sizes, then at scattered offsets and lengths, then across the end.
 */
static bool reads_as(struct img_src *s, const uint8_t *want, uint64_t size)
{
    static const size_t chunks[] = { 1, 511, 512, 4096, 65537, MiB, 2 * MiB + 3, 7 };
    uint8_t *buf = malloc(3 * MiB);
    uint64_t off = 0;
    uint32_t x = 12345;
    size_t got;
    bool same = s->size == size;
    for (int k = 0; same && off < size; k++) {
        size_t n = chunks[k % ARRAY_SIZE(chunks)];
        same = img_read(s, off, buf, n, &got) == 0 && got == MIN(n, size - off) &&
               memcmp(buf, want + off, got) == 0;
        off += got;
    }
    for (int i = 0; same && i < 300; i++) {
        uint64_t o;
        size_t n;
        x = x * 1103515245u + 12345u;
        o = (x >> 4) % size;
        x = x * 1103515245u + 12345u;
        n = (x >> 8) % (i % 10 == 0 ? 3 * MiB : 9000) + 1;
        same = img_read(s, o, buf, n, &got) == 0 && got == MIN(n, size - o) &&
               memcmp(buf, want + o, got) == 0;
        if (!same)
            printf("    differs reading %zu at %llu\n", n, (unsigned long long)o);
    }
    same = same && img_read(s, size, buf, 100, &got) == 0 && got == 0;
    same = same && img_read(s, size - 100, buf, 1000, &got) == 0 && got == 100;
    free(buf);
    return same;
}

/* Open (bd)/name: it must be chain, and read as want. */
static void check_image(const char *path, const char *chain, const uint8_t *want, uint64_t size)
{
    struct img_src *s;
    char got_chain[32];
    int rc = img_open_path(path, &s, got_chain, sizeof(got_chain));
    ok(rc == 0);
    if (rc) {
        printf("    %s: %d %s\n", path, rc, shell.errmsg);
        return;
    }
    ok_str(got_chain, chain);
    ok(s->size == size);
    ok(reads_as(s, want, size));
    img_close(s);
}

/* Opening path fails, with a message that names it and says what (each of phrases). */
static void check_error(const char *path, const char *phrase, const char *phrase2)
{
    struct img_src *s = (struct img_src *)1;
    char chain[32];
    int rc;
    shell.errmsg[0] = 0;
    rc = img_open_path(path, &s, chain, sizeof(chain));
    ok(rc < 0);
    ok(s == NULL);
    ok(strstr(shell.errmsg, path) != NULL);
    ok(strstr(shell.errmsg, phrase) != NULL);
    ok(!phrase2 || strstr(shell.errmsg, phrase2) != NULL);
    if (rc >= 0 || !strstr(shell.errmsg, phrase) || (phrase2 && !strstr(shell.errmsg, phrase2)))
        printf("    %s: rc %d, message: %s\n", path, rc, shell.errmsg);
    if (rc == 0)
        img_close(s);
}

/* ---- good images ---- */

TEST(vhd_fixed)
{
    setup();
    check_image("/fixed.vhd", "vhd", raw, RAW_SIZE);
    check_image("(bd)/fixed.vhd", "vhd", raw, RAW_SIZE);
}

TEST(vhd_dynamic)
{
    setup();
    check_image("/dynamic.vhd", "vhd", raw, RAW_SIZE);
}

/*
 * Without force_size, qemu-img (7.2) rounds the size up to a CHS geometry
 * and writes creator "qemu": for this 9,438,720-byte disk, 272 cylinders x
 * 4 heads x 17 sectors = 9,469,952 bytes, in the footer's current size and
 * its geometry both. mapboot takes the current size, as Windows does: the
 * raw bytes, then zeros up to it.
 */
TEST(vhd_no_force_size)
{
    const char *const names[] = { "dyn_nf.vhd", "fixed_nf.vhd" };
    setup();
    test_sh("cd '%s' && qemu-img convert -f raw -O vpc -o subformat=dynamic raw.img dyn_nf.vhd && "
       "qemu-img convert -f raw -O vpc -o subformat=fixed raw.img fixed_nf.vhd", host_bd_dir);
    for (int i = 0; i < 2; i++) {
        char path[64];
        struct img_src *s;
        char chain[32];
        snprintf(path, sizeof(path), "/%s", names[i]);
        ok(img_open_path(path, &s, chain, sizeof(chain)) == 0);
        if (!s)
            continue;
        ok(s->size == 9469952);
        {
            uint8_t *want = calloc(1, s->size);
            memcpy(want, raw, RAW_SIZE);
            ok(reads_as(s, want, s->size));
            free(want);
        }
        img_close(s);
    }
}

/* Block sizes qemu-img does not write, and blocks laid out in reverse order. */
TEST(vhd_dynamic_block_sizes)
{
    static const unsigned sizes[] = { 512, 4096, 65536, 4 * MiB };
    setup();
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        test_sh("cd '%s' && %s --dynamic raw.img bs.vhd --block-size %u %s", host_bd_dir, gen(),
           sizes[i], i % 2 ? "--reverse" : "");
        check_image("/bs.vhd", "vhd", raw, RAW_SIZE);
    }
}

/*
 * Changed sectors: the first, in the parent's unallocated block (2-4 MiB),
 * at block edges, in a block of only zeros in the parent, and the last.
 */
#define CHANGED "0,1,7,4095,4096,4100,6000,8191,8192,10239,18434"

/* A differencing child in /sub over /base/parent.vhd (W2ru relative, W2ku absolute). */
TEST(vhd_differencing)
{
    uint8_t *want = malloc(RAW_SIZE);
    setup();
    test_sh("cd '%s' && mkdir -p base sub && mv dynamic.vhd base/parent.vhd && "
       "%s base/parent.vhd sub/child.vhd --sectors %s --rel '..\\base\\parent.vhd' "
       "--abs 'C:\\base\\parent.vhd'", host_bd_dir, gen(), CHANGED);
    memcpy(want, raw, RAW_SIZE);
    apply_sectors(want, CHANGED);
    check_image("/sub/child.vhd", "vhd", want, RAW_SIZE);
    check_image("(bd)/sub/child.vhd", "vhd", want, RAW_SIZE);
    /* relative to the current root, too */
    check_image("sub/child.vhd", "vhd", want, RAW_SIZE);
    free(want);
}

/* The W2ru locator names no file: the W2ku one (on the child's volume) is used. */
TEST(vhd_differencing_absolute_locator)
{
    uint8_t *want = malloc(RAW_SIZE);
    setup();
    test_sh("cd '%s' && mkdir -p base sub && mv fixed.vhd base/parent.vhd && "
       "%s base/parent.vhd sub/child.vhd --sectors %s --rel '.\\gone.vhd' "
       "--abs 'D:\\base\\parent.vhd'", host_bd_dir, gen(), CHANGED);
    memcpy(want, raw, RAW_SIZE);
    apply_sectors(want, CHANGED);
    check_image("(bd)/sub/child.vhd", "vhd", want, RAW_SIZE);
    free(want);
}

/* A child of a child: the grandchild's sectors win, then the child's, then the parent's. */
TEST(vhd_differencing_chain)
{
    uint8_t *want = malloc(RAW_SIZE);
    setup();
    test_sh("cd '%s' && %s dynamic.vhd child.vhd --sectors %s && "
       "%s child.vhd grandchild.vhd --sectors 3,4096,9000 --block-size 4096", host_bd_dir,
       gen(), CHANGED, gen());
    memcpy(want, raw, RAW_SIZE);
    apply_sectors(want, CHANGED);
    apply_sectors(want, "3,4096,9000");
    check_image("/grandchild.vhd", "vhd", want, RAW_SIZE);
    free(want);
}

/* A forwards-only source over bytes in memory, as gzip is: for vhd_scatter. */
struct fake_stream {
    const uint8_t *data;
    size_t len;
    bool backwards; /* a read not at pos was asked for */
};

static int fake_read(struct img_src *s, uint64_t off, void *buf, size_t len, size_t *got)
{
    struct fake_stream *f = s->priv;
    size_t n = off >= f->len ? 0 : MIN(len, f->len - (size_t)off);
    if (off != s->pos)
        f->backwards = true;
    memcpy(buf, f->data + off, n);
    *got = n;
    s->pos = s->in_pos = off + n;
    return 0;
}

static const struct img_format fake_format = { .name = "fake", .read = fake_read };

static int ticks;
static int count_tick(void *ctx)
{
    ticks++;
    return ctx && ticks == *(int *)ctx ? 42 : 0;
}

/*
 * Open the VHD bytes b[0, len) over a sequential lower, as stack_formats
 * would over gzip. Returns the VHD source (NULL when probe or open failed)
 * and, in *rc, probe's or open's result.
 */
static struct img_src *open_streamed(struct fake_stream *f, int *rc)
{
    struct img_src *lower = mb_malloc(sizeof(*lower)), *s = mb_malloc(sizeof(*s));
    size_t got;
    memset(lower, 0, sizeof(*lower));
    memset(s, 0, sizeof(*s));
    lower->fmt = &fake_format;
    lower->path = s->path = "/fake.vhd.gz";
    lower->size = s->size = IMG_SIZE_UNKNOWN;
    lower->sequential = true;
    lower->priv = f;
    fake_read(lower, 0, lower->head, MIN((size_t)IMG_HEAD, f->len), &got);
    lower->head_len = got;
    s->fmt = &img_vhd;
    s->lower = lower;
    *rc = img_vhd.probe(lower);
    if (*rc == 1)
        *rc = img_vhd.open(s);
    if (*rc) {
        mb_free(s);
        mb_free(lower);
        return NULL;
    }
    return s;
}

/* Decode name over a sequential lower with scatter; it must give want. */
static void check_scatter(const char *name, const uint8_t *want, uint64_t size)
{
    struct fake_stream f = { 0 };
    struct img_src *s;
    uint8_t *dst;
    int rc, stop = 1;
    f.data = test_read_bd(name, &f.len);
    s = open_streamed(&f, &rc);
    ok(rc == 0 && s);
    if (!s) {
        printf("    %s: %d %s\n", name, rc, shell.errmsg);
        free((void *)f.data);
        return;
    }
    ok(s->scatter_only && s->sequential && s->size == size);
    dst = calloc(1, size);
    ticks = 0;
    ok(img_vhd.scatter(s, dst, count_tick, NULL) == 0);
    ok(ticks > 0);
    ok(memcmp(dst, want, size) == 0);
    ok(!f.backwards);
    /* read() is refused: the blocks are not in disk order */
    {
        uint8_t b[512];
        size_t got;
        ok(img_read(s, 0, b, sizeof(b), &got) == -ESPIPE);
    }
    img_close(s);
    /* a tick that says stop (Ctrl-C) stops it, and its value comes back */
    s = open_streamed(&f, &rc);
    ticks = 0;
    ok(s && img_vhd.scatter(s, dst, count_tick, &stop) == 42 && ticks == 1);
    img_close(s);
    free(dst);
    free((void *)f.data);
}

/*
 * map --mem of a .vhd.gz: through a forwards-only source, blocks in disk
 * order (qemu-img) and reversed (so they must be sorted), with small
 * blocks (many gaps to skip) and a first block inside the head.
 */
TEST(vhd_scatter_stream)
{
    setup();
    check_scatter("dynamic.vhd", raw, RAW_SIZE);
    test_sh("cd '%s' && %s --dynamic raw.img rev.vhd --block-size 65536 --reverse", host_bd_dir,
       gen());
    check_scatter("rev.vhd", raw, RAW_SIZE);
    test_sh("cd '%s' && %s --dynamic raw.img small.vhd --block-size 512", host_bd_dir, gen());
    check_scatter("small.vhd", raw, RAW_SIZE);
}

/* Through the real gzip format (disk/img_gzip.c), when this tree has it. */
TEST(vhd_scatter_gzip)
{
    struct img_src *s;
    char chain[32];
    uint8_t *dst;
    setup();
    test_sh("cd '%s' && gzip -k -1 dynamic.vhd && gzip -k -1 fixed.vhd", host_bd_dir);
    ok(img_open_path("/dynamic.vhd.gz", &s, chain, sizeof(chain)) == 0);
    if (!s)
        return;
    if (strcmp(chain, "raw") == 0) {
        printf("    (no gzip format in this tree: skipped)\n");
        img_close(s);
        return;
    }
    ok_str(chain, "gzip+vhd");
    ok(s->scatter_only && s->size == RAW_SIZE);
    dst = calloc(1, RAW_SIZE);
    ok(img_vhd.scatter(s, dst, count_tick, NULL) == 0);
    ok(memcmp(dst, raw, RAW_SIZE) == 0);
    free(dst);
    img_close(s);
    /* a fixed VHD's footer is at the end of the stream: not found, so the image is raw */
    ok(img_open_path("/fixed.vhd.gz", &s, chain, sizeof(chain)) == 0);
    ok_str(chain, "gzip");
    img_close(s);
}

/* Two BAT entries naming one block: streaming cannot go back for the second. */
TEST(vhd_scatter_overlap)
{
    struct fake_stream f = { 0 };
    struct img_src *s;
    uint8_t *b, *dst;
    int rc;
    setup();
    test_sh("cd '%s' && %s --dynamic raw.img small.vhd --block-size 65536", host_bd_dir, gen());
    b = test_read_bd("small.vhd", &f.len);
    memcpy(b + 1536 + 4 * 3, b + 1536 + 4 * 2, 4);
    f.data = b;
    s = open_streamed(&f, &rc);
    ok(rc == 0 && s);
    dst = calloc(1, RAW_SIZE);
    shell.errmsg[0] = 0;
    ok(s && img_vhd.scatter(s, dst, NULL, NULL) == -EBADIMG);
    ok(strstr(shell.errmsg, "/fake.vhd.gz") && strstr(shell.errmsg, "overlaps"));
    img_close(s);
    free(dst);
    free(b);
}

TEST(vhd_stream_differencing_refused)
{
    struct fake_stream f = { 0 };
    int rc;
    setup();
    test_sh("cd '%s' && %s dynamic.vhd child.vhd --sectors 1", host_bd_dir, gen());
    f.data = test_read_bd("child.vhd", &f.len);
    shell.errmsg[0] = 0;
    ok(open_streamed(&f, &rc) == NULL && rc == -ENOTSUP);
    ok(strstr(shell.errmsg, "/fake.vhd.gz") && strstr(shell.errmsg, "differencing"));
    free((void *)f.data);
}

/* ---- corrupt images: each fails at open with a message naming the file ---- */

/* Load name, let fix change it, seal its checksums unless told not to, save it as bad.vhd. */
static void corrupt(const char *name, void (*fix)(uint8_t *b, size_t *len), bool reseal)
{
    size_t len;
    uint8_t *b = test_read_bd(name, &len);
    fix(b, &len);
    if (reseal)
        seal_all(b, len);
    test_write_bd("bad.vhd", b, len);
    free(b);
}

static void flip_footer_byte(uint8_t *b, size_t *len)
{
    b[*len - 512 + 30] ^= 1;
}

TEST(vhd_bad_footer_checksum)
{
    setup();
    corrupt("fixed.vhd", flip_footer_byte, false);
    check_error("/bad.vhd", "bad VHD footer checksum", NULL);
    corrupt("dynamic.vhd", flip_footer_byte, false);
    check_error("/bad.vhd", "bad VHD footer checksum", NULL);
}

static void flip_header_byte(uint8_t *b, size_t *len)
{
    b[512 + 100] ^= 1;
}

TEST(vhd_bad_header_checksum)
{
    setup();
    corrupt("dynamic.vhd", flip_header_byte, false);
    check_error("/bad.vhd", "bad VHD dynamic header checksum", NULL);
}

static void break_cookie(uint8_t *b, size_t *len)
{
    b[512] = 'X';
}

TEST(vhd_bad_header_cookie)
{
    setup();
    corrupt("dynamic.vhd", break_cookie, true);
    check_error("/bad.vhd", "no VHD dynamic header", NULL);
}

static void bat_entry_past_end(uint8_t *b, size_t *len)
{
    put32(b + get64(b + 512 + 16) + 4, (uint32_t)(*len / 512 + 1));
}

TEST(vhd_bat_entry_past_file)
{
    setup();
    corrupt("dynamic.vhd", bat_entry_past_end, false);
    check_error("/bad.vhd", "block 1", "past the end of the file");
}

/* Block 4 (1 MiB + 1536 bytes of it on the disk) moved to end one sector past the file. */
static void bat_entry_just_past_end(uint8_t *b, size_t *len)
{
    uint8_t *bat = b + get64(b + 512 + 16);
    put32(bat + 4 * 4, (uint32_t)((*len - (512 + MiB + 1536)) / 512 + 1));
}

TEST(vhd_bat_entry_overlapping_end)
{
    setup();
    corrupt("dynamic.vhd", bat_entry_just_past_end, false);
    check_error("/bad.vhd", "block 4", "past the end of the file");
}

static void bat_past_end(uint8_t *b, size_t *len)
{
    put64(b + 512 + 16, *len - 8); /* 5 entries: 20 bytes */
}

static void bat_far_past_end(uint8_t *b, size_t *len)
{
    put64(b + 512 + 16, UINT64_MAX - 3);
}

TEST(vhd_bat_past_file)
{
    setup();
    corrupt("dynamic.vhd", bat_past_end, true);
    check_error("/bad.vhd", "block table", "past the end of the file");
    corrupt("dynamic.vhd", bat_far_past_end, true);
    check_error("/bad.vhd", "block table", "past the end of the file");
}

static void block_size_zero(uint8_t *b, size_t *len)
{
    put32(b + 512 + 32, 0);
}

static void block_size_odd(uint8_t *b, size_t *len)
{
    put32(b + 512 + 32, 3 * 512);
}

TEST(vhd_block_size_bad)
{
    setup();
    corrupt("dynamic.vhd", block_size_zero, true);
    check_error("/bad.vhd", "block size 0 ", "power of two");
    corrupt("dynamic.vhd", block_size_odd, true);
    check_error("/bad.vhd", "block size 1536", "power of two");
}

static void table_too_small(uint8_t *b, size_t *len)
{
    put32(b + 512 + 28, 4);
}

TEST(vhd_table_too_small)
{
    setup();
    corrupt("dynamic.vhd", table_too_small, true);
    check_error("/bad.vhd", "4 blocks of 2097152 bytes do not cover", NULL);
}

static void disk_type_5(uint8_t *b, size_t *len)
{
    put32(b + *len - 512 + 60, 5);
}

TEST(vhd_unknown_disk_type)
{
    setup();
    corrupt("fixed.vhd", disk_type_5, true);
    check_error("/bad.vhd", "unknown VHD disk type 5", NULL);
}

static void size_odd(uint8_t *b, size_t *len)
{
    put64(b + *len - 512 + 48, RAW_SIZE - 100);
}

static void size_huge(uint8_t *b, size_t *len)
{
    put64(b + *len - 512 + 48, UINT64_MAX - 511);
}

TEST(vhd_size_bad)
{
    setup();
    corrupt("fixed.vhd", size_odd, true);
    check_error("/bad.vhd", "not whole 512-byte sectors", NULL);
    corrupt("fixed.vhd", size_huge, true);
    check_error("/bad.vhd", "fixed VHD of 18446744073709551104 bytes is cut short", NULL);
    corrupt("dynamic.vhd", size_huge, true);
    check_error("/bad.vhd", "do not cover", NULL);
}

static void cut_in_half(uint8_t *b, size_t *len)
{
    *len /= 2;
}

/* The footer at the end is gone: the copy at the start finds it, the blocks do not fit. */
TEST(vhd_truncated)
{
    struct img_src *s;
    char chain[32];
    setup();
    corrupt("dynamic.vhd", cut_in_half, false);
    check_error("/bad.vhd", "past the end of the file", NULL);
    /* a fixed VHD without its footer is just a raw disk */
    corrupt("fixed.vhd", cut_in_half, false);
    ok(img_open_path("/bad.vhd", &s, chain, sizeof(chain)) == 0);
    ok_str(chain, "raw");
    img_close(s);
}

/* Differencing children whose parent is missing or another disk. */
static void make_child(const char *parent, const char *rel, const char *abs)
{
    test_sh("cd '%s' && %s %s child.vhd --sectors 5 --rel '%s' --abs '%s'", host_bd_dir, gen(),
       parent, rel, abs);
}

TEST(vhd_parent_missing)
{
    setup();
    make_child("dynamic.vhd", ".\\dynamic.vhd", "C:\\vms\\dynamic.vhd");
    test_sh("rm '%s'", bd("dynamic.vhd"));
    check_error("/child.vhd", "parent VHD \"dynamic.vhd\" not found",
                "tried /./dynamic.vhd, /vms/dynamic.vhd");
}

TEST(vhd_parent_other_size)
{
    setup();
    make_child("dynamic.vhd", ".\\dynamic.vhd", "");
    test_sh("cd '%s' && truncate -s 4M small.img && qemu-img convert -f raw -O vpc -o "
       "subformat=dynamic,force_size=on small.img dynamic.vhd", host_bd_dir);
    check_error("/child.vhd", "parent /./dynamic.vhd is 4194304 bytes, the child 9438720",
                NULL);
}

TEST(vhd_parent_wrong_unique_id)
{
    setup();
    make_child("dynamic.vhd", ".\\dynamic.vhd", "");
    /* the same disk made again: a new unique id */
    test_sh("cd '%s' && qemu-img convert -f raw -O vpc -o subformat=dynamic,force_size=on raw.img "
       "dynamic.vhd", host_bd_dir);
    check_error("/child.vhd", "parent /./dynamic.vhd is not the disk the child was made from",
                NULL);
}

TEST(vhd_parent_not_vhd)
{
    setup();
    make_child("dynamic.vhd", ".\\raw.img", "");
    check_error("/child.vhd", "parent /./raw.img is not a VHD (it is raw)", NULL);
}

TEST(vhd_parent_broken)
{
    setup();
    corrupt("dynamic.vhd", flip_header_byte, false);
    make_child("dynamic.vhd", ".\\bad.vhd", "");
    /* the parent's own error: it names the parent */
    check_error("/bad.vhd", "bad VHD dynamic header checksum", NULL);
    shell.errmsg[0] = 0;
    {
        struct img_src *s;
        char chain[32];
        ok(img_open_path("/child.vhd", &s, chain, sizeof(chain)) == -EBADIMG);
        ok(strstr(shell.errmsg, "/./bad.vhd: bad VHD dynamic header checksum") != NULL);
    }
}

TEST(vhd_parent_loop)
{
    setup();
    make_child("dynamic.vhd", ".\\child.vhd", "");
    /* the child's parent is the child: the chain limit ends it */
    check_error("/child.vhd", "chained more than 8 deep", NULL);
}

TEST(vhd_parent_path_not_ascii)
{
    setup();
    test_sh("cd '%s' && %s dynamic.vhd child.vhd --sectors 5 --rel '.\\p\xc3\xa4rent.vhd' --abs ''",
       host_bd_dir, gen());
    check_error("/child.vhd", "not ASCII", NULL);
}

TEST(vhd_parent_no_locator)
{
    setup();
    make_child("dynamic.vhd", "", "");
    check_error("/child.vhd", "without a W2ru or W2ku parent locator", "dynamic.vhd");
}

static void locator_long(uint8_t *b, size_t *len)
{
    put32(b + 512 + 576 + 8, 1u << 30);
}

static void locator_odd(uint8_t *b, size_t *len)
{
    put32(b + 512 + 576 + 8, 7);
}

static void locator_past_end(uint8_t *b, size_t *len)
{
    put64(b + 512 + 576 + 16, *len - 4);
}

TEST(vhd_parent_locator_bad)
{
    setup();
    make_child("dynamic.vhd", ".\\dynamic.vhd", "");
    corrupt("child.vhd", locator_long, true);
    check_error("/bad.vhd", "path in locator 0 is too long", NULL);
    corrupt("child.vhd", locator_odd, true);
    check_error("/bad.vhd", "parent locator 0 has a bad length (7 bytes)", NULL);
    corrupt("child.vhd", locator_past_end, true);
    check_error("/bad.vhd", "parent locator", "past the end");
}

/* Garbage in memory (img_open_mem): nothing claimed, nothing read out of bounds. */
TEST(vhd_mem_small_inputs)
{
    static const char cookie[] = "conectix";
    uint8_t buf[1024] = { 0 };
    struct img_src *s;
    char chain[32];
    for (size_t n = 0; n <= sizeof(buf); n += 64) {
        memcpy(buf, cookie, 8);
        ok(img_open_mem(buf, n, "mem.vhd", &s, chain, sizeof(chain)) <= 0);
        img_close(s);
    }
}
