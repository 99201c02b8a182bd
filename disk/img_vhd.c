/*
 * VHD images (image.h): Microsoft's Virtual Hard Disk format 1.0 ("Virtual
 * Hard Disk Image Format Specification", 2006) as Virtual PC, Hyper-V,
 * Windows' Disk Management and qemu-img -O vpc write it. All fields are
 * big-endian. Three kinds of disk:
 *   fixed         the disk's bytes, then a 512-byte footer;
 *   dynamic       a copy of the footer, a header, a block allocation table
 *                 (BAT) and the allocated blocks, each a sector bitmap and
 *                 then the data; an unallocated block reads as zeros;
 *   differencing  a dynamic disk over a parent VHD: a sector whose bitmap
 *                 bit is clear, and every unallocated block, comes from the
 *                 parent, which the header's parent locators name.
 *
 * Choices where the format leaves room:
 * - The disk's size is the footer's current size, as Windows and Hyper-V
 *   take it; qemu sometimes uses the CHS geometry instead, which is the same
 *   or smaller for the images it writes. A size that is not whole sectors is
 *   refused: no drive could hold it.
 * - The footer at the end is the one that counts; the copy at the start is
 *   used only when the end has none (a dynamic disk cut short), and then
 *   only for a dynamic or differencing disk.
 * - The BAT and every allocated block are checked against the file at open,
 *   so a damaged image fails at map, not when the firmware reads a sector.
 * - In a dynamic disk, an allocated block's sectors are read from the block
 *   whatever its bitmap says (as qemu does): writers set the bits they wrote,
 *   and the rest of a fresh block is zero either way.
 * - Inside a compressed stream (a .vhd.gz) only a dynamic disk can be found,
 *   from the footer copy at the start; a fixed one has its footer at the end
 *   of the stream and is mapped as the raw disk it mostly is. Its blocks lie
 *   in the file in any order, so it is decoded once, straight into RAM by
 *   vhd_scatter (map --mem), reading the stream forwards.
 */
#include "image.h"

#include "../src/shell.h"

#define VHD_FOOTER 512
#define VHD_HEADER 1024
#define VHD_SECTOR 512u
#define VHD_FIXED 2
#define VHD_DYNAMIC 3
#define VHD_DIFF 4
#define VHD_UNALLOCATED 0xFFFFFFFFu
#define VHD_PARENT_DEPTH 8        /* a longer chain is more likely a loop */
#define VHD_LOCATOR_MAX 2048      /* bytes of a locator's UTF-16 path (FS_PATH_MAX chars) */
#define VHD_SKIP_CHUNK (1u << 20) /* bytes of a stream read and dropped at a time */

struct vhd {
    int type;
    uint8_t unique_id[16];   /* the footer's: a child names its parent by it */
    uint32_t block_size;
    uint32_t bitmap_bytes;   /* a block's sector bitmap, rounded up to a sector */
    uint32_t n_blocks;       /* BAT entries that cover the disk's size */
    uint32_t *bat;           /* each block's first sector, or VHD_UNALLOCATED */
    struct img_src *parent;  /* differencing: the parent, open */
    char *parent_path;       /* its path: the parent's img_src points at it */
    uint8_t *bitmap;         /* differencing: the sector bitmap of block bitmap_of */
    uint32_t bitmap_of;      /* VHD_UNALLOCATED: none loaded yet */
    uint8_t *scratch;        /* a sequential lower: where skipped bytes go */
};

/* parents being opened right now, over the whole chain (vhd_open_parent) */
static int vhd_depth;

extern const struct img_format img_vhd;

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* The ones' complement of the byte sum, its own field (at skip) left out. */
static uint32_t vhd_checksum(const uint8_t *p, size_t len, size_t skip)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < len; i++)
        if (i < skip || i >= skip + 4)
            sum += p[i];
    return ~sum;
}

/* Bytes of block i that lie within the disk (the last block may be cut). */
static uint32_t vhd_block_len(const struct img_src *s, const struct vhd *v, uint32_t i)
{
    uint64_t start = (uint64_t)i * v->block_size;
    return (uint32_t)MIN((uint64_t)v->block_size, s->size - start);
}

/* 1 when the footer in f is sound, or an error naming what is wrong with it. */
static int vhd_check_footer(struct img_src *lower, const uint8_t *f)
{
    uint32_t want = be32(f + 64), sum = vhd_checksum(f, VHD_FOOTER, 64);
    uint32_t type = be32(f + 60);
    uint64_t size = be64(f + 48);
    if (want != sum)
        return shell_error(-EBADIMG, "%s: bad VHD footer checksum (0x%08X, the bytes "
                           "give 0x%08X)", lower->path, want, sum);
    if (type != VHD_FIXED && type != VHD_DYNAMIC && type != VHD_DIFF)
        return shell_error(-EBADIMG, "%s: unknown VHD disk type %u", lower->path, type);
    if (size % VHD_SECTOR)
        return shell_error(-EBADIMG, "%s: VHD size %llu is not whole 512-byte sectors; "
                           "refused", lower->path, (unsigned long long)size);
    return 1;
}

/*
 * Find lower's footer: at the end, else the copy at the start of a dynamic
 * or differencing disk. 1 with f filled, 0 when lower is no VHD, or an
 * error when it surely is one but broken.
 */
static int vhd_footer(struct img_src *lower, uint8_t *f)
{
    const uint8_t *head;
    size_t n = img_peek(lower, &head);
    uint32_t type;
    int rc;
    if (!lower->sequential && lower->size != IMG_SIZE_UNKNOWN && lower->size >= VHD_FOOTER) {
        rc = img_read_full(lower, lower->size - VHD_FOOTER, f, VHD_FOOTER, "the VHD footer");
        if (rc)
            return rc;
        if (memcmp(f, "conectix", 8) == 0)
            return vhd_check_footer(lower, f);
    }
    if (n < VHD_FOOTER || memcmp(head, "conectix", 8) != 0)
        return 0;
    memcpy(f, head, VHD_FOOTER);
    type = be32(f + 60);
    /* a fixed disk has no copy at the start: this is a raw disk that holds one */
    if (type == VHD_FIXED)
        return 0;
    rc = vhd_check_footer(lower, f);
    if (rc > 0 && type == VHD_DIFF && lower->sequential)
        return shell_error(-ENOTSUP, "%s: a differencing VHD inside a compressed stream is "
                           "not supported (its parent cannot be read alongside it)",
                           lower->path);
    return rc;
}

static int vhd_probe(struct img_src *lower)
{
    uint8_t f[VHD_FOOTER];
    return vhd_footer(lower, f);
}

/*
 * Read [off, off+len) of s's lower. A sequential lower serves its head at
 * any offset; past the head it goes only forwards, so the gap up to off is
 * read and dropped, and an offset behind it is an error.
 */
static int vhd_lower_read(struct img_src *s, uint64_t off, void *buf, size_t len,
                          const char *what)
{
    struct img_src *lower = s->lower;
    struct vhd *v = s->priv;
    if (lower->sequential && (off > lower->head_len || len > lower->head_len - off)) {
        uint64_t from = MAX(off, (uint64_t)lower->head_len);
        if (from < lower->pos)
            return shell_error(-EBADIMG, "%s: %s at %llu lies before bytes of the compressed "
                               "stream already read (at %llu); the VHD overlaps itself",
                               s->path, what, (unsigned long long)off,
                               (unsigned long long)lower->pos);
        if (from > lower->pos && !v->scratch && !(v->scratch = malloc(VHD_SKIP_CHUNK)))
            return -ENOMEM;
        while (lower->pos < from) {
            size_t got, want = (size_t)MIN((uint64_t)VHD_SKIP_CHUNK, from - lower->pos);
            int rc = img_read(lower, lower->pos, v->scratch, want, &got);
            if (rc)
                return rc;
            if (got == 0)
                return shell_error(-EBADIMG, "%s: %s at %llu lies past the end of the "
                                   "stream (%llu bytes)", s->path, what,
                                   (unsigned long long)off, (unsigned long long)lower->pos);
        }
        s->in_pos = lower->pos;
    }
    return img_read_full(lower, off, buf, len, what);
}

/*
 * A parent locator's path, UTF-16LE in the file, as UTF-8 with '/' for '\'
 * into out. Only ASCII: mapboot's filesystems would take more, but a parent
 * with such a name is rare enough to refuse with a clear message.
 */
static int vhd_locator_path(struct img_src *s, const uint8_t *loc, int i, char *out,
                            size_t size)
{
    uint32_t len = be32(loc + 8);
    uint64_t off = be64(loc + 16);
    uint8_t *raw;
    size_t k = 0;
    int rc;
    if (len == 0 || len % 2)
        return shell_error(-EBADIMG, "%s: parent locator %d has a bad length (%u bytes)",
                           s->path, i, len);
    if (len > VHD_LOCATOR_MAX || len / 2 >= size)
        return shell_error(-ENAMETOOLONG, "%s: the parent's path in locator %d is too long "
                           "(%u bytes)", s->path, i, len);
    raw = malloc(len);
    if (!raw)
        return -ENOMEM;
    rc = img_read_full(s->lower, off, raw, len, "a VHD parent locator");
    for (uint32_t j = 0; rc == 0 && j < len; j += 2) {
        uint16_t c = le16(raw + j);
        if (c == 0)
            break;
        if (c > 0x7F)
            rc = shell_error(-ENOTSUP, "%s: the parent's path in locator %d is not ASCII "
                             "(only ASCII parent paths are supported)", s->path, i);
        out[k++] = c == '\\' ? '/' : (char)c;
    }
    out[k] = 0;
    free(raw);
    if (rc == 0 && k == 0)
        rc = shell_error(-EBADIMG, "%s: parent locator %d holds an empty path", s->path, i);
    return rc;
}

/*
 * Where a locator's path lies for mapboot: W2ru is relative to the child's
 * directory; W2ku is absolute on a Windows drive, which is taken to be the
 * child's volume ("C:\dir\p.vhd" -> "(hd0,1)/dir/p.vhd"). Returns false for
 * a path that cannot be placed (a UNC path, say).
 */
static bool vhd_parent_candidate(const char *child, bool relative, const char *p, char *out,
                                 size_t size)
{
    const char *slash = strrchr8(child, '/'), *paren = strchr8(child, ')');
    size_t keep;
    if (relative) {
        if (p[0] == '/')
            return false;
        keep = slash ? (size_t)(slash - child) + 1
                     : child[0] == '(' && paren ? (size_t)(paren - child) + 1 : 0;
    } else {
        if (is_alpha(p[0]) && p[1] == ':')
            p += 2;
        if (p[0] != '/' || p[1] == '/')
            return false;
        keep = child[0] == '(' && paren ? (size_t)(paren - child) + 1 : 0;
    }
    if (keep + strlen8(p) + 1 > size)
        return false;
    memcpy(out, child, keep);
    strlcpy8(out + keep, p, size - keep);
    return true;
}

/* The parent's name from the header, for messages (non-ASCII as '?'). */
static void vhd_parent_name(const uint8_t *h, char *out, size_t size)
{
    size_t k = 0;
    for (int j = 0; j < 256 && k + 1 < size; j++) {
        uint16_t c = (uint16_t)(h[64 + 2 * j] << 8 | h[64 + 2 * j + 1]);
        if (c == 0)
            break;
        out[k++] = c >= 0x20 && c < 0x7F ? (char)c : '?';
    }
    out[k] = 0;
}

/* Check an opened parent p (at path) against the child s and its header h. */
static int vhd_check_parent(struct img_src *s, const uint8_t *h, struct img_src *p,
                            const char *path, const char *chain)
{
    if (p->fmt != &img_vhd || strcmp8(chain, "vhd") != 0)
        return shell_error(-EBADIMG, "%s: parent %s is not a VHD (it is %s)", s->path, path,
                           chain);
    if (p->size != s->size)
        return shell_error(-EBADIMG, "%s: parent %s is %llu bytes, the child %llu", s->path,
                           path, (unsigned long long)p->size, (unsigned long long)s->size);
    if (memcmp(((struct vhd *)p->priv)->unique_id, h + 40, 16) != 0)
        return shell_error(-EBADIMG, "%s: parent %s is not the disk the child was made "
                           "from (its unique id differs; was it changed since?)", s->path,
                           path);
    return 0;
}

/*
 * Open a differencing disk's parent: the W2ru locators first, then W2ku.
 * A path that does not exist is passed over; anything else wrong with a
 * parent is an error.
 */
static int vhd_open_parent(struct img_src *s, struct vhd *v, const uint8_t *h)
{
    static const char *const codes[] = { "W2ru", "W2ku" };
    char tried[3 * FS_PATH_MAX] = "", name[256], *path, chain[32];
    int rc = 0, found = 0;
    if (vhd_depth >= VHD_PARENT_DEPTH)
        return shell_error(-EBADIMG, "%s: differencing VHDs chained more than %d deep "
                           "(a loop?)", s->path, VHD_PARENT_DEPTH);
    path = malloc(FS_PATH_MAX);
    if (!path)
        return -ENOMEM;
    for (int c = 0; c < 2 && !v->parent && rc == 0; c++) {
        for (int i = 0; i < 8 && !v->parent && rc == 0; i++) {
            const uint8_t *loc = h + 576 + 24 * i;
            char p[FS_PATH_MAX];
            struct img_src *parent;
            struct fs_file *file;
            if (memcmp(loc, codes[c], 4) != 0)
                continue;
            found++;
            rc = vhd_locator_path(s, loc, i, p, sizeof(p));
            if (rc)
                break;
            if (!vhd_parent_candidate(s->path, c == 0, p, path, FS_PATH_MAX))
                continue;
            /*
             * a path that names no file is the next locator's turn; a broken
             * parent (or grandparent), or a disk that fails to read, is not
             */
            rc = fs_open(path, &file);
            if (rc == 0 && fs_is_dir(file)) {
                fs_close(file);
                rc = -ENOENT;
            }
            if (rc == -ENOENT || rc == -ENODEV || rc == -ENOTDIR || rc == -EINVAL ||
                rc == -ENAMETOOLONG) {
                if (tried[0])
                    strlcat8(tried, ", ", sizeof(tried));
                strlcat8(tried, path, sizeof(tried));
                rc = 0;
                continue;
            }
            if (rc)
                break;
            vhd_depth++;
            rc = img_open(file, path, &parent, chain, sizeof(chain));
            vhd_depth--;
            if (rc)
                break;
            rc = vhd_check_parent(s, h, parent, path, chain);
            if (rc) {
                img_close(parent);
                break;
            }
            v->parent = parent;
            v->parent_path = path; /* parent->path points at it */
            path = NULL;
        }
    }
    free(path);
    if (rc || v->parent)
        return rc;
    vhd_parent_name(h, name, sizeof(name));
    if (!found)
        return shell_error(-ENOENT, "%s: differencing VHD without a W2ru or W2ku parent "
                           "locator (parent \"%s\")", s->path, name);
    return shell_error(-ENOENT, "%s: parent VHD \"%s\" not found (tried %s)", s->path, name,
                       tried[0] ? tried : "no usable path");
}

/* The header at off, the BAT, and for a differencing disk its parent. */
static int vhd_open_dynamic(struct img_src *s, struct vhd *v, uint64_t off)
{
    struct img_src *lower = s->lower;
    bool bounded = !lower->sequential && lower->size != IMG_SIZE_UNKNOWN;
    uint8_t *h = malloc(VHD_HEADER);
    uint64_t table, bat_bytes;
    uint32_t max, want, sum;
    int rc;
    if (!h)
        return -ENOMEM;
    rc = vhd_lower_read(s, off, h, VHD_HEADER, "the VHD dynamic header");
    if (rc)
        goto out;
    want = be32(h + 36);
    sum = vhd_checksum(h, VHD_HEADER, 36);
    rc = -EBADIMG;
    if (memcmp(h, "cxsparse", 8) != 0) {
        shell_error(rc, "%s: no VHD dynamic header at %llu (no \"cxsparse\")", s->path,
                    (unsigned long long)off);
        goto out;
    }
    if (want != sum) {
        shell_error(rc, "%s: bad VHD dynamic header checksum (0x%08X, the bytes give 0x%08X)",
                    s->path, want, sum);
        goto out;
    }
    v->block_size = be32(h + 32);
    max = be32(h + 28);
    table = be64(h + 16);
    if (v->block_size < VHD_SECTOR || (v->block_size & (v->block_size - 1))) {
        shell_error(rc, "%s: VHD block size %u is not a power of two of at least 512",
                    s->path, v->block_size);
        goto out;
    }
    if ((uint64_t)max * v->block_size < s->size) {
        shell_error(rc, "%s: the VHD's %u blocks of %u bytes do not cover its size %llu",
                    s->path, max, v->block_size, (unsigned long long)s->size);
        goto out;
    }
    /* no overflow: size <= max * block_size < 2^63; and n_blocks <= max */
    v->n_blocks = (uint32_t)((s->size + v->block_size - 1) / v->block_size);
    v->bitmap_bytes = ((v->block_size / VHD_SECTOR + 7) / 8 + VHD_SECTOR - 1) & ~(VHD_SECTOR - 1);
    bat_bytes = (uint64_t)v->n_blocks * 4;
    if (bounded && (table > lower->size || bat_bytes > lower->size - table)) {
        shell_error(rc, "%s: the VHD block table (%llu bytes at %llu) lies past the end of "
                    "the file (%llu bytes)", s->path, (unsigned long long)bat_bytes,
                    (unsigned long long)table, (unsigned long long)lower->size);
        goto out;
    }
    v->bat = malloc(bat_bytes ? (size_t)bat_bytes : 1);
    if (!v->bat) {
        rc = -ENOMEM;
        goto out;
    }
    rc = vhd_lower_read(s, table, v->bat, (size_t)bat_bytes, "the VHD block table");
    if (rc)
        goto out;
    for (uint32_t i = 0; i < v->n_blocks; i++) {
        uint64_t end;
        v->bat[i] = be32((uint8_t *)&v->bat[i]);
        end = (uint64_t)v->bat[i] * VHD_SECTOR + v->bitmap_bytes + vhd_block_len(s, v, i);
        if (v->bat[i] != VHD_UNALLOCATED && bounded && end > lower->size) {
            rc = shell_error(-EBADIMG, "%s: VHD block %u (at sector %u) lies past the end of "
                             "the file (%llu bytes)", s->path, i, v->bat[i],
                             (unsigned long long)lower->size);
            goto out;
        }
    }
    if (v->type == VHD_DIFF) {
        v->bitmap_of = VHD_UNALLOCATED;
        v->bitmap = malloc(v->bitmap_bytes);
        rc = v->bitmap ? vhd_open_parent(s, v, h) : -ENOMEM;
    }
out:
    free(h);
    return rc;
}

static void vhd_close(struct img_src *s)
{
    struct vhd *v = s->priv;
    if (!v)
        return;
    img_close(v->parent);
    free(v->parent_path);
    free(v->bat);
    free(v->bitmap);
    free(v->scratch);
    free(v);
    s->priv = NULL;
}

static int vhd_open(struct img_src *s)
{
    uint8_t f[VHD_FOOTER];
    struct img_src *lower = s->lower;
    struct vhd *v;
    int rc = vhd_footer(lower, f);
    if (rc <= 0)
        return rc ? rc : shell_error(-EBADIMG, "%s: no VHD footer", s->path);
    rc = 0;
    v = calloc(1, sizeof(*v));
    if (!v)
        return -ENOMEM;
    s->priv = v;
    v->type = (int)be32(f + 60);
    memcpy(v->unique_id, f + 68, 16);
    s->size = be64(f + 48);
    if (v->type == VHD_FIXED) {
        /* only found by its footer at the end, so lower is random-access with a size */
        if (s->size > lower->size - VHD_FOOTER)
            rc = shell_error(-EBADIMG, "%s: fixed VHD of %llu bytes is cut short (the file "
                             "holds %llu)", s->path, (unsigned long long)s->size,
                             (unsigned long long)(lower->size - VHD_FOOTER));
    } else {
        rc = vhd_open_dynamic(s, v, be64(f + 16));
    }
    if (rc) {
        vhd_close(s);
        return rc;
    }
    if (lower->sequential)
        s->sequential = s->scatter_only = true;
    return 0;
}

/* Load block i's sector bitmap (a differencing disk). */
static int vhd_load_bitmap(struct img_src *s, struct vhd *v, uint32_t i)
{
    int rc;
    if (v->bitmap_of == i)
        return 0;
    v->bitmap_of = VHD_UNALLOCATED;
    rc = img_read_full(s->lower, (uint64_t)v->bat[i] * VHD_SECTOR, v->bitmap, v->bitmap_bytes,
                       "a VHD sector bitmap");
    if (rc == 0)
        v->bitmap_of = i;
    return rc;
}

static bool vhd_bit(const uint8_t *bitmap, uint64_t sector)
{
    return bitmap[sector / 8] >> (7 - sector % 8) & 1;
}

/* n bytes at in of block i (within the block). */
static int vhd_read_block(struct img_src *s, struct vhd *v, uint32_t i, uint32_t in,
                          uint8_t *buf, size_t n)
{
    uint64_t disk = (uint64_t)i * v->block_size + in;
    uint64_t data = (uint64_t)v->bat[i] * VHD_SECTOR + v->bitmap_bytes + in;
    int rc;
    if (v->bat[i] == VHD_UNALLOCATED) {
        if (v->type == VHD_DIFF)
            return img_read_full(v->parent, disk, buf, n, "the parent's data");
        memset(buf, 0, n);
        return 0;
    }
    if (v->type == VHD_DYNAMIC)
        return img_read_full(s->lower, data, buf, n, "a VHD block");
    if ((rc = vhd_load_bitmap(s, v, i)) != 0)
        return rc;
    /* runs of sectors that come from the same place: this file (bit set) or the parent */
    while (n) {
        bool mine = vhd_bit(v->bitmap, in / VHD_SECTOR);
        size_t run = MIN(n, VHD_SECTOR - in % VHD_SECTOR);
        while (run < n && vhd_bit(v->bitmap, (in + run) / VHD_SECTOR) == mine)
            run = MIN(n, run + VHD_SECTOR);
        rc = mine ? img_read_full(s->lower, data, buf, run, "a VHD block")
                  : img_read_full(v->parent, disk, buf, run, "the parent's data");
        if (rc)
            return rc;
        buf += run;
        in += (uint32_t)run;
        disk += run;
        data += run;
        n -= run;
    }
    return 0;
}

static int vhd_read(struct img_src *s, uint64_t off, void *buf, size_t len, size_t *got)
{
    struct vhd *v = s->priv;
    uint8_t *b = buf;
    size_t done = 0;
    int rc;
    *got = 0;
    if (off >= s->size)
        return 0;
    len = (size_t)MIN((uint64_t)len, s->size - off);
    if (v->type == VHD_FIXED) {
        rc = img_read_full(s->lower, off, buf, len, "VHD data");
        *got = rc ? 0 : len;
        return rc;
    }
    while (done < len) {
        uint64_t at = off + done;
        uint32_t i = (uint32_t)(at / v->block_size), in = (uint32_t)(at % v->block_size);
        size_t n = MIN(len - done, (size_t)(v->block_size - in));
        if ((rc = vhd_read_block(s, v, i, in, b + done, n)) != 0)
            return rc;
        done += n;
    }
    *got = done;
    return 0;
}

/*
 * Sort idx[0, n) by the blocks' places in the file (a bottom-up merge sort:
 * the BAT can hold a million blocks, and a crafted one any order).
 */
static int vhd_sort_blocks(const uint32_t *bat, uint32_t *idx, uint32_t n)
{
    uint32_t *tmp = malloc((size_t)n * sizeof(*tmp) + 1), *a = idx, *b = tmp;
    if (!tmp)
        return -ENOMEM;
    for (uint64_t w = 1; w < n; w *= 2) {
        for (uint64_t lo = 0; lo < n; lo += 2 * w) {
            uint64_t mid = MIN(lo + w, (uint64_t)n), hi = MIN(lo + 2 * w, (uint64_t)n);
            uint64_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                b[k++] = bat[a[j]] < bat[a[i]] ? a[j++] : a[i++];
            while (i < mid)
                b[k++] = a[i++];
            while (j < hi)
                b[k++] = a[j++];
        }
        uint32_t *t = a;
        a = b;
        b = t;
    }
    if (a != idx)
        memcpy(idx, a, (size_t)n * sizeof(*idx));
    free(tmp);
    return 0;
}

/*
 * image.h: a dynamic disk over a sequential lower, into dst. Blocks are
 * visited in file order so the stream is read once, forwards; each block's
 * data goes straight to its place in dst (zeroed by the caller, so
 * unallocated blocks need nothing).
 */
static int vhd_scatter(struct img_src *s, uint8_t *dst, int (*tick)(void *ctx), void *ctx)
{
    struct vhd *v = s->priv;
    uint32_t *idx, n = 0;
    int rc;
    if (v->type != VHD_DYNAMIC)
        return shell_error(-ENOTSUP, "%s: only a dynamic VHD can be decoded from a stream",
                           s->path);
    idx = malloc((size_t)v->n_blocks * sizeof(*idx) + 1);
    if (!idx)
        return -ENOMEM;
    for (uint32_t i = 0; i < v->n_blocks; i++)
        if (v->bat[i] != VHD_UNALLOCATED)
            idx[n++] = i;
    rc = vhd_sort_blocks(v->bat, idx, n);
    for (uint32_t k = 0; rc == 0 && k < n; k++) {
        uint32_t i = idx[k];
        rc = vhd_lower_read(s, (uint64_t)v->bat[i] * VHD_SECTOR + v->bitmap_bytes,
                            dst + (uint64_t)i * v->block_size, vhd_block_len(s, v, i),
                            "a VHD block");
        if (rc == 0 && s->lower->sequential)
            s->in_pos = s->lower->pos;
        if (rc == 0 && tick)
            rc = tick(ctx);
    }
    free(idx);
    return rc;
}

IMAGE_FORMAT(vhd, 30) = {
    .name = "vhd",
    .probe = vhd_probe,
    .open = vhd_open,
    .read = vhd_read,
    .close = vhd_close,
    .scatter = vhd_scatter,
};
