/*
 * VHDX images (image.h; Microsoft's MS-VHDX, "Virtual Hard Disk v2"), fixed
 * and dynamic. The file starts with "vhdxfile"; two 4 KiB headers at 64 and
 * 128 KiB (the valid one with the higher sequence number is current) and
 * two copies of a region table at 192 and 256 KiB, each sealed by a CRC-32C,
 * locate the BAT and the metadata region. The metadata gives the block size,
 * the virtual disk size and the logical sector size; the BAT gives each
 * block's state and place in the file, with one sector-bitmap entry after
 * every chunk_ratio payload entries.
 *
 * What is refused, each with a message that says why:
 * - a differencing VHDX (HasParent): its absent blocks live in a parent file
 *   that we have no way to find from here;
 * - a header whose LogGuid is set: the file has metadata updates in its log
 *   that were never applied, so its BAT and metadata may be stale. Replaying
 *   a log is a writer's job (Hyper-V, qemu-img check -r all);
 * - a region or metadata item marked required that we do not know, as the
 *   spec demands.
 *
 * Over a sequential lower (a .vhdx.gz) the file can only be read forwards:
 * open() reads the structures in file order, skipping the gaps, and the
 * blocks, which lie in the file in any order, are put into RAM by scatter()
 * in file order (map --mem). Blocks are checked against the file when they
 * are read, so a damaged BAT fails the read that needs it, naming the block.
 */
#include "image.h"

#include "../src/crc32.h"
#include "../src/shell.h"

#define KIB 1024u
#define MIB (1024u * 1024u)
#define VHDX_HEADER1 (64 * KIB)
#define VHDX_HEADER2 (128 * KIB)
#define VHDX_HEADER_SIZE (4 * KIB)
#define VHDX_REGION1 (192 * KIB)
#define VHDX_REGION2 (256 * KIB)
#define VHDX_TABLE_SIZE (64 * KIB) /* a region table, and the metadata table */
#define VHDX_MAX_ENTRIES 2047      /* in either table; fills its 64 KiB exactly */
#define VHDX_MAX_ITEM MIB          /* a metadata item */
#define VHDX_MAX_DISK ((uint64_t)64 << 40)
#define VHDX_SKIP_CHUNK MIB        /* sequential: gaps are read and dropped this much at a time */
/*
 * The most BAT bytes a valid file can need: 64 TiB in 1 MiB blocks, plus one
 * sector-bitmap entry per chunk (a chunk is 2^23 sectors, so at most 2^14 of them).
 */
#define VHDX_MAX_BAT ((VHDX_MAX_DISK / MIB + ((uint64_t)1 << 14)) * 8)

/* BAT entry states (MS-VHDX 2.5.1.1): bits 0-2; bits 20-63 are the offset in MiB */
#define BAT_NOT_PRESENT 0
#define BAT_UNDEFINED 1
#define BAT_ZERO 2
#define BAT_UNMAPPED 3
#define BAT_FULLY_PRESENT 6
#define BAT_PARTIALLY_PRESENT 7

/* File Parameters flags */
#define PARAM_HAS_PARENT 2u
/* Metadata table entry flags */
#define ITEM_IS_USER 1u
#define ITEM_IS_REQUIRED 4u

/*
 * A GUID as the file stores it (Microsoft's mixed-endian form), written as
 * its text: GUID(0x2DC27766, 0xF623, 0x4200, 0x9D64, 0x115E9BFD4A08).
 */
#define GUID(a, b, c, d, e)                                                                     \
    {                                                                                           \
        (uint8_t)(a), (uint8_t)((a) >> 8), (uint8_t)((a) >> 16), (uint8_t)((a) >> 24),         \
            (uint8_t)(b), (uint8_t)((b) >> 8), (uint8_t)(c), (uint8_t)((c) >> 8),               \
            (uint8_t)((d) >> 8), (uint8_t)(d), (uint8_t)((e) >> 40), (uint8_t)((e) >> 32),      \
            (uint8_t)((e) >> 24), (uint8_t)((e) >> 16), (uint8_t)((e) >> 8), (uint8_t)(e)       \
    }

static const uint8_t guid_bat[16] = GUID(0x2DC27766, 0xF623, 0x4200, 0x9D64, 0x115E9BFD4A08ull);
static const uint8_t guid_meta[16] = GUID(0x8B7CA206, 0x4790, 0x4B9A, 0xB8FE, 0x575F050F886Eull);

/* The system metadata items the spec defines; all are marked required in real files. */
enum { ITEM_PARAMS, ITEM_SIZE, ITEM_LSS, ITEM_DISK_ID, ITEM_PSS, ITEM_PARENT, N_ITEMS };
static const struct {
    uint8_t guid[16];
    uint32_t need; /* bytes we read from it; 0: known, but not needed to read the disk */
    const char *what;
} items[N_ITEMS] = {
    [ITEM_PARAMS] = { GUID(0xCAA16737, 0xFA36, 0x4D43, 0xB3B6, 0x33F0AA44E76Bull), 8,
                      "file parameters" },
    [ITEM_SIZE] = { GUID(0x2FA54224, 0xCD1B, 0x4876, 0xB211, 0x5DBED83BF4B8ull), 8,
                    "virtual disk size" },
    [ITEM_LSS] = { GUID(0x8141BF1D, 0xA96F, 0x4709, 0xBA47, 0xF233A8FAAB5Full), 4,
                   "logical sector size" },
    [ITEM_DISK_ID] = { GUID(0xBECA12AB, 0xB2E6, 0x4523, 0x93EF, 0xC309E000C746ull), 0,
                       "virtual disk ID" },
    [ITEM_PSS] = { GUID(0xCDA348C7, 0x445D, 0x4471, 0x9CC9, 0xE9885251C556ull), 0,
                   "physical sector size" },
    [ITEM_PARENT] = { GUID(0xA8D35F2D, 0xB30B, 0x454D, 0xABF7, 0xD3D84834AB0Cull), 0,
                      "parent locator" },
};

struct region {
    uint64_t off;
    uint32_t len;
    bool found;
};

struct vhdx {
    uint8_t *bat;           /* the BAT's entries as in the file, at least one per block */
    uint64_t blocks;        /* payload blocks: the virtual size in block_size, rounded up */
    uint64_t chunk_ratio;   /* payload entries between two sector-bitmap entries */
    uint64_t file_size;     /* bytes of lower, or IMG_SIZE_UNKNOWN when it is a stream */
    uint32_t block_size;    /* a power of two, 1-256 MiB */
    uint32_t block_shift;
    uint8_t *scratch;       /* sequential: where skipped bytes go (VHDX_SKIP_CHUNK) */
};

/* One present block, for scatter(): where it lies in the file and which it is. */
struct placed {
    uint64_t where, block;
};

static void guid_text(const uint8_t *g, char *out, size_t size)
{
    snprintf(out, size, "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X", le32(g), le16(g + 4),
             le16(g + 6), g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
}

/* Does [off, off+len) end past limit (or past 2^64)? */
static bool ends_past(uint64_t off, uint64_t len, uint64_t limit)
{
    return off > limit || len > limit - off;
}

/*
 * Read len bytes of the file (lower) at off. A sequential lower can only go
 * forwards: the gap up to off is read and dropped, and anything it has
 * already passed is refused, except its first IMG_HEAD bytes, which
 * img_read keeps.
 */
static int fetch(struct img_src *s, uint64_t off, void *buf, size_t len, const char *what)
{
    struct img_src *lower = s->lower;
    struct vhdx *v = s->priv;
    uint64_t start;
    int rc;
    if (!lower->sequential || (len <= lower->head_len && off <= lower->head_len - len))
        return img_read_full(lower, off, buf, len, what);
    start = MAX(off, (uint64_t)lower->head_len);
    if (start < lower->pos)
        return shell_error(-ESPIPE, "%s: the %s at byte %llu lies before byte %llu, which the "
                           "compressed stream has passed; decompress the image first",
                           s->path, what, (unsigned long long)off,
                           (unsigned long long)lower->pos);
    while (lower->pos < start) {
        size_t n = (size_t)MIN(start - lower->pos, (uint64_t)VHDX_SKIP_CHUNK);
        if (!v->scratch && !(v->scratch = malloc(VHDX_SKIP_CHUNK)))
            return -ENOMEM;
        rc = img_read_full(lower, lower->pos, v->scratch, n, what);
        if (rc)
            return rc;
    }
    rc = img_read_full(lower, off, buf, len, what);
    s->in_pos = lower->pos;
    return rc;
}

/* Is the 4 KiB header in h valid? NULL when it is, else why not. */
static const char *check_header(uint8_t *h)
{
    uint32_t crc = le32(h + 4);
    if (memcmp(h, "head", 4) != 0)
        return "no \"head\" signature";
    /* the checksum covers the header with its own field taken as zero */
    memset(h + 4, 0, 4);
    if (crc32c(0, h, VHDX_HEADER_SIZE) != crc)
        return "bad checksum";
    return NULL;
}

/* Read both headers into buf (8 KiB) and check the current one (MS-VHDX 2.2.2). */
static int read_headers(struct img_src *s, uint8_t *buf)
{
    uint8_t *h1 = buf, *h2 = buf + VHDX_HEADER_SIZE, *h, log = 0;
    const char *why1, *why2;
    int rc = fetch(s, VHDX_HEADER1, h1, VHDX_HEADER_SIZE, "first header");
    if (!rc)
        rc = fetch(s, VHDX_HEADER2, h2, VHDX_HEADER_SIZE, "second header");
    if (rc)
        return rc;
    why1 = check_header(h1);
    why2 = check_header(h2);
    if (why1 && why2)
        return shell_error(-EBADIMG, "%s: both VHDX headers are corrupt (at 64 KiB: %s; at "
                           "128 KiB: %s)", s->path, why1, why2);
    /* the current header: the only valid one, or the valid one with the higher sequence */
    h = why1 ? h2 : why2 ? h1 : le64(h2 + 8) > le64(h1 + 8) ? h2 : h1;
    if (le16(h + 66) != 1)
        return shell_error(-EBADIMG, "%s: unknown VHDX version %u", s->path, le16(h + 66));
    /* a non-zero LogGuid: updates in the log may be newer than the BAT and metadata */
    for (int i = 48; i < 64; i++)
        log |= h[i];
    if (log)
        return shell_error(-ENOTSUP, "%s: the VHDX has a log to replay; open it once in "
                           "Hyper-V or run qemu-img check -r all", s->path);
    return 0;
}

/* Is the 64 KiB region table in t valid? NULL when it is, else why not (MS-VHDX 2.2.3). */
static const char *check_region_table(uint8_t *t, char *why, size_t whylen)
{
    uint32_t crc = le32(t + 4), n = le32(t + 8);
    if (memcmp(t, "regi", 4) != 0)
        return "no \"regi\" signature";
    memset(t + 4, 0, 4);
    if (crc32c(0, t, VHDX_TABLE_SIZE) != crc)
        return "bad checksum";
    if (n > VHDX_MAX_ENTRIES) {
        snprintf(why, whylen, "%u entries", n);
        return why;
    }
    return NULL;
}

/* Check one of the two regions we read: MiB-aligned, after the header section, in the file. */
static int check_region(struct img_src *s, const struct region *r, const char *what)
{
    struct vhdx *v = s->priv;
    if (!r->found)
        return shell_error(-EBADIMG, "%s: the VHDX has no %s region", s->path, what);
    if (r->off % MIB || r->off < MIB || r->len % MIB || r->len == 0)
        return shell_error(-EBADIMG, "%s: the %s region (%u bytes at %llu) is misplaced",
                           s->path, what, r->len, (unsigned long long)r->off);
    /* with no size to check (a stream), this still rules out a wrap past 2^64 */
    if (ends_past(r->off, r->len, v->file_size))
        return shell_error(-EBADIMG, "%s: the %s region (%u bytes at %llu) lies past the end "
                           "of the file (%llu bytes)", s->path, what, r->len,
                           (unsigned long long)r->off, (unsigned long long)v->file_size);
    return 0;
}

/* Read the region tables into buf (128 KiB) and find the BAT and the metadata in them. */
static int read_regions(struct img_src *s, uint8_t *buf, struct region *bat, struct region *meta)
{
    uint8_t *t1 = buf, *t2 = buf + VHDX_TABLE_SIZE, *t;
    char why1buf[32], why2buf[32];
    const char *why1, *why2;
    int rc = fetch(s, VHDX_REGION1, t1, VHDX_TABLE_SIZE, "first region table");
    if (!rc)
        rc = fetch(s, VHDX_REGION2, t2, VHDX_TABLE_SIZE, "second region table");
    if (rc)
        return rc;
    why1 = check_region_table(t1, why1buf, sizeof(why1buf));
    why2 = check_region_table(t2, why2buf, sizeof(why2buf));
    if (why1 && why2)
        return shell_error(-EBADIMG, "%s: both VHDX region tables are corrupt (at 192 KiB: %s; "
                           "at 256 KiB: %s)", s->path, why1, why2);
    /* the copies are written through the log and so are the same; the first is as good */
    t = why1 ? t2 : t1;
    for (uint32_t i = 0; i < le32(t + 8); i++) {
        const uint8_t *e = t + 16 + 32 * i;
        struct region *r = memcmp(e, guid_bat, 16) == 0 ? bat
                           : memcmp(e, guid_meta, 16) == 0 ? meta : NULL;
        if (!r) {
            char g[40];
            if (!(le32(e + 28) & 1))
                continue;
            guid_text(e, g, sizeof(g));
            return shell_error(-ENOTSUP, "%s: the VHDX requires region {%s}, which mapboot "
                               "does not know", s->path, g);
        }
        if (r->found)
            return shell_error(-EBADIMG, "%s: the VHDX region table lists the %s twice", s->path,
                               r == bat ? "BAT" : "metadata");
        r->off = le64(e + 16);
        r->len = le32(e + 24);
        r->found = true;
    }
    if ((rc = check_region(s, bat, "BAT")) || (rc = check_region(s, meta, "metadata")))
        return rc;
    if (bat->off < meta->off + meta->len && meta->off < bat->off + bat->len)
        return shell_error(-EBADIMG, "%s: the VHDX's BAT and metadata regions overlap", s->path);
    return 0;
}

/* Read the BAT's first len bytes into v->bat. */
static int read_bat(struct img_src *s, const struct region *bat, uint64_t len)
{
    struct vhdx *v = s->priv;
    if (!(v->bat = malloc(len ? (size_t)len : 1)))
        return -ENOMEM;
    return fetch(s, bat->off, v->bat, (size_t)len, "BAT");
}

/*
 * Read the metadata table into buf (64 KiB) and the items we need, and set
 * s->size and v's geometry from them (MS-VHDX 2.6).
 */
static int read_metadata(struct img_src *s, uint8_t *buf, const struct region *meta)
{
    struct vhdx *v = s->priv;
    uint32_t off[N_ITEMS] = { 0 }, len[N_ITEMS] = { 0 }, n, bs, lss, flags;
    bool seen[N_ITEMS] = { false };
    uint8_t val[N_ITEMS][8];
    int order[N_ITEMS], norder = 0, rc;
    uint64_t size;
    rc = fetch(s, meta->off, buf, VHDX_TABLE_SIZE, "metadata table");
    if (rc)
        return rc;
    if (memcmp(buf, "metadata", 8) != 0)
        return shell_error(-EBADIMG, "%s: the VHDX metadata table has no \"metadata\" signature",
                           s->path);
    n = le16(buf + 10);
    if (n > VHDX_MAX_ENTRIES)
        return shell_error(-EBADIMG, "%s: the VHDX metadata table has %u entries", s->path, n);
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = buf + 32 + 32 * i;
        uint32_t o = le32(e + 16), l = le32(e + 20), f = le32(e + 24);
        int k = N_ITEMS;
        char g[40];
        /* a user item may reuse a system item's GUID: only system items are ours */
        if (!(f & ITEM_IS_USER))
            for (k = 0; k < N_ITEMS && memcmp(e, items[k].guid, 16) != 0; k++)
                ;
        if (l > VHDX_MAX_ITEM || (l == 0 && o != 0) ||
            (l && (o < VHDX_TABLE_SIZE || ends_past(o, l, meta->len)))) {
            guid_text(e, g, sizeof(g));
            return shell_error(-EBADIMG, "%s: VHDX metadata item {%s} (%u bytes at %u) lies "
                               "outside the metadata region", s->path, g, l, o);
        }
        if (k == N_ITEMS) {
            if (!(f & ITEM_IS_REQUIRED))
                continue;
            guid_text(e, g, sizeof(g));
            return shell_error(-ENOTSUP, "%s: the VHDX requires metadata item {%s}, which "
                               "mapboot does not know", s->path, g);
        }
        if (seen[k])
            return shell_error(-EBADIMG, "%s: the VHDX metadata lists the %s twice", s->path,
                               items[k].what);
        seen[k] = true;
        off[k] = o;
        len[k] = l;
    }
    for (int k = 0, j; k < N_ITEMS; k++) {
        if (!items[k].need)
            continue;
        if (!seen[k])
            return shell_error(-EBADIMG, "%s: the VHDX metadata has no %s", s->path,
                               items[k].what);
        if (len[k] < items[k].need)
            return shell_error(-EBADIMG, "%s: the VHDX %s is %u bytes, not %u", s->path,
                               items[k].what, len[k], items[k].need);
        /* in file order, so that a stream only goes forwards */
        for (j = norder++; j > 0 && off[order[j - 1]] > off[k]; j--)
            order[j] = order[j - 1];
        order[j] = k;
    }
    for (int j = 0; j < norder; j++) {
        int k = order[j];
        rc = fetch(s, meta->off + off[k], val[k], items[k].need, items[k].what);
        if (rc)
            return rc;
    }
    bs = le32(val[ITEM_PARAMS]);
    flags = le32(val[ITEM_PARAMS] + 4);
    size = le64(val[ITEM_SIZE]);
    lss = le32(val[ITEM_LSS]);
    if (flags & PARAM_HAS_PARENT)
        return shell_error(-ENOTSUP, "%s: differencing VHDX is not supported (its parent holds "
                           "the blocks it lacks); merge it first", s->path);
    if (bs < MIB || bs > 256 * MIB || (bs & (bs - 1)))
        return shell_error(-EBADIMG, "%s: VHDX block size %u is not a power of two from 1 to "
                           "256 MiB", s->path, bs);
    if (lss != 512 && lss != 4096)
        return shell_error(-EBADIMG, "%s: VHDX logical sector size %u is neither 512 nor 4096",
                           s->path, lss);
    if (size == 0 || size > VHDX_MAX_DISK || size % lss)
        return shell_error(-EBADIMG, "%s: VHDX virtual disk size %llu is not a multiple of %u "
                           "from 1 sector to 64 TiB", s->path, (unsigned long long)size, lss);
    v->block_size = bs;
    for (v->block_shift = 0; (1u << v->block_shift) < bs; v->block_shift++)
        ;
    v->blocks = (size + bs - 1) / bs;
    /* a sector-bitmap block covers 2^23 sectors: this many payload blocks */
    v->chunk_ratio = ((uint64_t)lss << 23) / bs;
    s->size = size;
    return 0;
}

static void vhdx_close(struct img_src *s)
{
    struct vhdx *v = s->priv;
    if (!v)
        return;
    free(v->bat);
    free(v->scratch);
    free(v);
    s->priv = NULL;
}

static int vhdx_probe(struct img_src *lower)
{
    const uint8_t *head;
    size_t n = img_peek(lower, &head);
    return n >= 8 && memcmp(head, "vhdxfile", 8) == 0;
}

static int vhdx_open(struct img_src *s)
{
    struct img_src *lower = s->lower;
    struct region bat = { 0 }, meta = { 0 };
    struct vhdx *v = calloc(1, sizeof(*v));
    uint8_t *buf = malloc(2 * VHDX_TABLE_SIZE);
    uint64_t need;
    int rc;
    if (!v || !buf) {
        free(v);
        free(buf);
        return -ENOMEM;
    }
    s->priv = v;
    /* a stream's size is at best its gzip ISIZE (modulo 4 GiB): no bound to check against */
    v->file_size = lower->sequential ? IMG_SIZE_UNKNOWN : lower->size;
    rc = read_headers(s, buf);
    if (!rc)
        rc = read_regions(s, buf, &bat, &meta);
    /*
     * A stream cannot come back for a BAT that lies before the metadata (as
     * qemu-img places it), and its size is in the metadata: take the whole
     * region, up to the most any file can need.
     */
    if (!rc && lower->sequential && bat.off < meta.off)
        rc = read_bat(s, &bat, MIN((uint64_t)bat.len, VHDX_MAX_BAT));
    if (!rc)
        rc = read_metadata(s, buf, &meta);
    if (!rc) {
        need = (v->blocks + (v->blocks - 1) / v->chunk_ratio) * 8;
        if (need > bat.len)
            rc = shell_error(-EBADIMG, "%s: the VHDX BAT region (%u bytes) is too small for "
                             "%llu blocks", s->path, bat.len, (unsigned long long)v->blocks);
        else if (!v->bat)
            rc = read_bat(s, &bat, need);
    }
    free(buf);
    if (rc) {
        vhdx_close(s);
        return rc;
    }
    free(v->scratch);
    v->scratch = NULL;
    if (lower->sequential) {
        /* blocks lie in the file in any order: only scatter() can put them in place */
        s->sequential = true;
        s->scatter_only = true;
    }
    return 0;
}

/*
 * Where block b lies in the file: 1 and *where when it is there; 0 when it
 * reads as zeros; or an error naming the block.
 */
static int block_where(struct img_src *s, uint64_t b, uint64_t *where)
{
    struct vhdx *v = s->priv;
    uint64_t e = le64(v->bat + 8 * (b + b / v->chunk_ratio));
    uint64_t len = MIN((uint64_t)v->block_size, s->size - (b << v->block_shift));
    switch (e & 7) {
    case BAT_NOT_PRESENT:
    case BAT_UNDEFINED:
    case BAT_ZERO:
    case BAT_UNMAPPED:
        /* the spec lets a reader return zeros for all four; it is also what we have */
        return 0;
    case BAT_FULLY_PRESENT:
        *where = e & ~(uint64_t)(MIB - 1);
        if (*where < MIB)
            return shell_error(-EBADIMG, "%s: VHDX block %llu lies in the header section",
                               s->path, (unsigned long long)b);
        if (ends_past(*where, len, v->file_size))
            return shell_error(-EBADIMG, "%s: VHDX block %llu (at %llu) lies past the end of "
                               "the file (%llu bytes)", s->path, (unsigned long long)b,
                               (unsigned long long)*where, (unsigned long long)v->file_size);
        return 1;
    case BAT_PARTIALLY_PRESENT:
        return shell_error(-EBADIMG, "%s: VHDX block %llu is partially present, which only a "
                           "differencing VHDX may be", s->path, (unsigned long long)b);
    default:
        return shell_error(-EBADIMG, "%s: VHDX block %llu has the unknown state %u", s->path,
                           (unsigned long long)b, (unsigned)(e & 7));
    }
}

static int vhdx_read(struct img_src *s, uint64_t off, void *buf, size_t len, size_t *got)
{
    struct vhdx *v = s->priv;
    uint8_t *b = buf;
    *got = 0;
    if (off >= s->size)
        return 0;
    len = (size_t)MIN((uint64_t)len, s->size - off);
    while (len) {
        uint64_t block = off >> v->block_shift, within = off & (v->block_size - 1), where;
        size_t n = (size_t)MIN((uint64_t)len, v->block_size - within);
        int rc = block_where(s, block, &where);
        if (rc < 0)
            return rc;
        if (rc == 0)
            memset(b, 0, n);
        else if ((rc = img_read_full(s->lower, where + within, b, n, "VHDX block")) != 0)
            return rc;
        b += n;
        off += n;
        len -= n;
        *got += n;
    }
    return 0;
}

/* File order; the block number breaks ties, so messages about them are the same each time. */
static bool after(const struct placed *a, const struct placed *b)
{
    return a->where != b->where ? a->where > b->where : a->block > b->block;
}

/* Heap sort: no recursion and no worst case, whatever the BAT says. */
static void sift(struct placed *p, size_t root, size_t n)
{
    for (size_t child; (child = 2 * root + 1) < n; root = child) {
        struct placed t;
        if (child + 1 < n && after(&p[child + 1], &p[child]))
            child++;
        if (!after(&p[child], &p[root]))
            return;
        t = p[root];
        p[root] = p[child];
        p[child] = t;
    }
}

static void sort_placed(struct placed *p, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift(p, i, n);
    for (size_t end = n; end > 1; end--) {
        struct placed t = p[0];
        p[0] = p[end - 1];
        p[end - 1] = t;
        sift(p, 0, end - 1);
    }
}

static int vhdx_scatter(struct img_src *s, uint8_t *dst, int (*tick)(void *ctx), void *ctx)
{
    struct vhdx *v = s->priv;
    struct placed *p;
    uint64_t n = 0, end = 0;
    int rc = 0;
    /* every block checked first, so a bad BAT fails before any reading */
    for (uint64_t b = 0; b < v->blocks; b++) {
        uint64_t where;
        int present = block_where(s, b, &where);
        if (present < 0)
            return present;
        n += (uint64_t)present;
    }
    /* n blocks fill n * block_size bytes of dst, so this is at most 1/65536 of it */
    if (!(p = malloc(n ? (size_t)n * sizeof(*p) : 1)))
        return -ENOMEM;
    n = 0;
    for (uint64_t b = 0; b < v->blocks; b++)
        if (block_where(s, b, &p[n].where) > 0)
            p[n++].block = b;
    sort_placed(p, (size_t)n);
    for (uint64_t i = 0; i < n && !rc; i++) {
        uint64_t at = p[i].block << v->block_shift;
        size_t len = (size_t)MIN((uint64_t)v->block_size, s->size - at);
        if (p[i].where < end) {
            rc = shell_error(-EBADIMG, "%s: VHDX blocks %llu and %llu overlap in the file",
                             s->path, (unsigned long long)p[i - 1].block,
                             (unsigned long long)p[i].block);
            break;
        }
        end = p[i].where + len;
        rc = fetch(s, p[i].where, dst + at, len, "VHDX block");
        if (!rc && tick)
            rc = tick(ctx);
    }
    free(p);
    free(v->scratch);
    v->scratch = NULL;
    return rc;
}

IMAGE_FORMAT(vhdx, 20) = {
    .name = "vhdx",
    .probe = vhdx_probe,
    .open = vhdx_open,
    .read = vhdx_read,
    .close = vhdx_close,
    .scatter = vhdx_scatter,
};
