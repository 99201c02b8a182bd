/*
 * Drives made of images (map.h): the three backings and the overlay.
 *
 *   RAM       --mem: the image copied into reserved memory in bounded chunks;
 *   extents   a file read and written in place through its extent list on the
 *             drive that holds it, however fragmented;
 *   drive     another drive (or a blocklist of one) read through;
 *   image     a VHD or VHDX read in place through its block table
 *             (disk/image.h); read-only but for --fake-write.
 *
 * Compressed images (gzip, lz4; disk/image.h) only map with --mem: they are
 * decoded straight into the RAM region, which is sized in advance from what
 * the file declares and checked against the stream (see load_image).
 *
 * --fake-write puts a copy-on-write overlay in front of any of them: written
 * blocks live in RAM, allocated one at a time, and are what later reads see.
 * The source (file, drive or RAM image) never changes. --read-only sets
 * DRIVE_READ_ONLY, which drive_write refuses before any backing is asked.
 */
#include "map.h"

#include "../fs/fs.h"
#include "image.h"
#include "nfit.h"
#include "../src/platform.h"
#include "../src/shell.h"

#define COPY_CHUNK (4u << 20)          /* firmware reads per call, as DESIGN.md §3 asks */
#define PROGRESS_MIN (64ull << 20)     /* maps above this show progress */
#define PROGRESS_US 250000             /* at most this often */
#define OVL_SPAN 1024                  /* blocks per overlay table page */

struct map_backing {
    char source[FS_PATH_MAX];
    /* an image file's volume (its UUID, "-" without one) and path on it: map_linux_args */
    char vol_uuid[40];
    char vol_path[FS_PATH_MAX];
    char format[32];                   /* "raw", "gzip", "gzip+vhd", "drive" */
    uint64_t size;                     /* bytes of the image */
    /* the image file and the formats on it (image.h); NULL for drive sources */
    struct img_src *img;
    bool img_io;                       /* read through img (VHD, VHDX in place) */
    /* RAM */
    uint8_t *ram;
    uint64_t ram_phys, ram_size;
    /* extents of a raw image file (img's file) on its volume's drive */
    struct fs_file *file;
    struct fs_extent *ext;
    size_t n_ext;
    size_t next;                       /* the extent the last access used */
    /* a drive read through, from byte src_off */
    struct drive *src;
    uint64_t src_off;
    /* the overlay: ovl[i] is NULL or OVL_SPAN block pointers */
    uint8_t ***ovl;
    size_t ovl_pages;
    uint64_t ovl_blocks;
};

static const struct drive_ops map_ops;

bool drive_is_mapped(const struct drive *d)
{
    return d->ops == &map_ops;
}

const char *drive_map_source(const struct drive *d)
{
    return drive_is_mapped(d) ? ((struct map_backing *)d->priv)->source : "";
}

uint64_t drive_map_ram(const struct drive *d)
{
    return drive_is_mapped(d) ? ((struct map_backing *)d->priv)->ram_phys : 0;
}

const char *drive_map_format(const struct drive *d)
{
    return drive_is_mapped(d) ? ((struct map_backing *)d->priv)->format : "";
}

uint64_t drive_map_overlay_blocks(const struct drive *d)
{
    return drive_is_mapped(d) ? ((struct map_backing *)d->priv)->ovl_blocks : 0;
}

/* ---- the backings, in bytes ---- */

/* The extent holding file offset off (the list covers [0, size)). */
static const struct fs_extent *extent_at(struct map_backing *m, uint64_t off)
{
    size_t lo = 0, hi = m->n_ext, n = m->n_ext;
    if (m->next < n && off >= m->ext[m->next].file_off &&
        off - m->ext[m->next].file_off < m->ext[m->next].len)
        return &m->ext[m->next];
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->ext[mid].file_off <= off)
            lo = mid;
        else
            hi = mid;
    }
    m->next = lo;
    return &m->ext[lo];
}

/*
 * Read or write [off, off+len) of the image. Bytes past the image's end (the
 * tail of its last block) read as zeros and may not be written.
 */
static int image_io(struct drive *d, uint64_t off, uint8_t *buf, size_t len, bool write)
{
    struct map_backing *m = d->priv;
    size_t in_image = off >= m->size ? 0 : (size_t)MIN((uint64_t)len, m->size - off);
    if (in_image < len) {
        if (write)
            return shell_error(-ENXIO, "%s: write past the end of %s", d->name, m->source);
        memset(buf + in_image, 0, len - in_image);
    }
    if (m->ram) {
        if (write)
            memcpy(m->ram + off, buf, in_image);
        else
            memcpy(buf, m->ram + off, in_image);
        return 0;
    }
    if (m->img_io) {
        /* drive_map made the drive read-only or put an overlay in front */
        if (write)
            return shell_error(-EROFS, "%s: %s is mapped read-only", d->name, m->source);
        return img_read_full(m->img, off, buf, in_image, "a read");
    }
    if (m->src) {
        if (!write)
            return drive_read_bytes(m->src, m->src_off + off, buf, in_image);
        if ((m->src_off + off) % m->src->block_size || in_image % m->src->block_size)
            return shell_error(-ENOTSUP, "%s: write not aligned to %s's blocks", d->name,
                               m->src->name);
        return drive_write(m->src, (m->src_off + off) / m->src->block_size,
                           in_image / m->src->block_size, buf);
    }
    while (in_image) {
        const struct fs_extent *e = extent_at(m, off);
        uint64_t at = off - e->file_off;
        size_t n = (size_t)MIN((uint64_t)in_image, e->len - at);
        struct drive *host = m->file->vol->drive;
        int rc = 0;
        if (!host)
            return shell_error(-ENODEV, "%s: the drive holding %s is gone", d->name, m->source);
        if (e->disk_off == FS_EXTENT_HOLE) {
            if (write)
                return shell_error(-ENOTSUP, "%s: %s is sparse here; map it with --mem",
                                   d->name, m->source);
            memset(buf, 0, n);
        } else if (!write) {
            rc = drive_read_bytes(host, e->disk_off + at, buf, n);
        } else if ((e->disk_off + at) % host->block_size || n % host->block_size) {
            rc = shell_error(-ENOTSUP, "%s: write not aligned to %s's blocks", d->name,
                             host->name);
        } else {
            rc = drive_write(host, (e->disk_off + at) / host->block_size, n / host->block_size,
                             buf);
        }
        if (rc)
            return rc;
        off += n;
        buf += n;
        in_image -= n;
    }
    return 0;
}

/* ---- the overlay ---- */

static uint8_t **ovl_slot(struct map_backing *m, uint64_t lba, bool create)
{
    size_t page = (size_t)(lba / OVL_SPAN);
    if (page >= m->ovl_pages)
        return NULL;
    if (!m->ovl[page]) {
        if (!create)
            return NULL;
        m->ovl[page] = calloc(OVL_SPAN, sizeof(uint8_t *));
        if (!m->ovl[page])
            return NULL;
    }
    return &m->ovl[page][lba % OVL_SPAN];
}

static int map_read(struct drive *d, uint64_t lba, uint64_t count, void *buf)
{
    struct map_backing *m = d->priv;
    uint8_t *out = buf;
    int rc = image_io(d, lba * d->block_size, out, (size_t)(count * d->block_size), false);
    if (rc || !m->ovl)
        return rc;
    /* a table page at a time: pages nothing was written to cost one test */
    for (uint64_t i = 0; i < count;) {
        uint64_t b = lba + i, first = b % OVL_SPAN;
        uint64_t n = MIN(count - i, (uint64_t)OVL_SPAN - first);
        size_t page = (size_t)(b / OVL_SPAN);
        uint8_t **slots = page < m->ovl_pages ? m->ovl[page] : NULL;
        for (uint64_t j = 0; slots && j < n; j++)
            if (slots[first + j])
                memcpy(out + (i + j) * d->block_size, slots[first + j], d->block_size);
        i += n;
    }
    return 0;
}

static int map_write(struct drive *d, uint64_t lba, uint64_t count, const void *buf)
{
    struct map_backing *m = d->priv;
    const uint8_t *in = buf;
    if (!m->ovl) {
        /* image_io only reads from buf when writing */
        return image_io(d, lba * d->block_size, (uint8_t *)(uintptr_t)in,
                        (size_t)(count * d->block_size), true);
    }
    for (uint64_t i = 0; i < count; i++) {
        uint8_t **slot = ovl_slot(m, lba + i, true);
        if (!slot)
            return -ENOMEM;
        if (!*slot) {
            *slot = malloc(d->block_size);
            if (!*slot)
                return -ENOMEM;
            m->ovl_blocks++;
        }
        memcpy(*slot, in + i * d->block_size, d->block_size);
    }
    return 0;
}

static void ram_free(struct map_backing *m)
{
    if (m->ram)
        plat_ram_free(m->ram, m->ram_phys, m->ram_size);
    m->ram = NULL;
    m->ram_phys = m->ram_size = 0;
}

static void map_release(struct drive *d)
{
    struct map_backing *m = d->priv;
    if (!m)
        return;
    for (size_t p = 0; m->ovl && p < m->ovl_pages; p++) {
        for (size_t i = 0; m->ovl[p] && i < OVL_SPAN; i++)
            free(m->ovl[p][i]);
        free(m->ovl[p]);
    }
    free(m->ovl);
    ram_free(m);
    free(m->ext);
    img_close(m->img); /* and with it m->file */
    free(m);
    d->priv = NULL;
}

static const struct drive_ops map_ops = { .read = map_read, .write = map_write,
                                          .release = map_release };

/* ---- making a map ---- */

/* Free memory in the firmware's map, for refusing an image before allocating. */
uint64_t map_free_memory(void)
{
    struct plat_mem_range r[256];
    int n = plat_memmap(r, (int)ARRAY_SIZE(r));
    uint64_t total = 0;
    for (int i = 0; i < n && i < (int)ARRAY_SIZE(r); i++)
        if (r[i].type == PLAT_MEM_FREE)
            total += r[i].size;
    return total;
}

/* The largest free range in the firmware's memory map (size 0 when there is none). */
static struct plat_mem_range largest_free(void)
{
    struct plat_mem_range r[256], best = { 0, 0, PLAT_MEM_FREE };
    int n = plat_memmap(r, (int)ARRAY_SIZE(r));
    for (int i = 0; i < n && i < (int)ARRAY_SIZE(r); i++)
        if (r[i].type == PLAT_MEM_FREE && r[i].size > best.size)
            best = r[i];
    return best;
}

/*
 * --top: the highest free range that holds size, and the highest address in
 * it (2 MiB aligned when the size and the range allow), so the image sits
 * at the top. When the highest free range is too small, the next one down
 * that fits is taken, and the user is told.
 */
static int top_address(uint64_t size, uint64_t *addr)
{
    struct plat_mem_range r[256];
    int n = plat_memmap(r, (int)ARRAY_SIZE(r));
    const struct plat_mem_range *highest = NULL;
    if (n > (int)ARRAY_SIZE(r))
        n = (int)ARRAY_SIZE(r);
    for (int i = n - 1; i >= 0; i--) {
        uint64_t end = r[i].start + r[i].size, at;
        if (r[i].type != PLAT_MEM_FREE)
            continue;
        /* the highest real range: not a sliver that 2 MiB alignment left over */
        if (!highest && r[i].size >= (2ull << 20))
            highest = &r[i];
        if (r[i].size < size)
            continue;
        at = (end - size) & ~((2ull << 20) - 1);
        if (at < r[i].start || !at || size < (2ull << 20))
            at = (end - size) & ~0xFFFull; /* too tight for 2 MiB alignment: pages */
        if (at < r[i].start || !at)
            continue;
        if (highest && highest != &r[i])
            con_printf("map: --top: the highest free range (%llu MiB at 0x%llX) is too small "
                       "for %llu MiB; taking 0x%llX\n", (unsigned long long)(highest->size >> 20),
                       (unsigned long long)highest->start, (unsigned long long)(size >> 20),
                       (unsigned long long)at);
        *addr = at;
        return 0;
    }
    return -ENOMEM; /* ram_alloc checked the largest range: not reached on a sane map */
}

/* ---- filling the RAM ---- */

/* Progress of a copy into RAM: large ones show it (PROGRESS_MIN); Ctrl-C stops any. */
struct progress {
    struct map_backing *m;
    const char *target;
    const char *what;     /* "" or "measuring " */
    uint64_t total;       /* bytes expected, 0 when not known */
    uint64_t shown;       /* when progress was last printed */
    uint64_t t0;          /* when the copy started */
    bool printed;         /* a progress line is open */
};

/*
 * ", R MiB/s, T s left" for a copy that has made `made` bytes in us
 * microseconds and is at part of whole (the bytes read of a compressed
 * file; else part is made), or " in S s, R MiB/s" when it is over.
 * Empty until there is a rate.
 */
static void progress_rate(char *buf, size_t size, uint64_t made, uint64_t part, uint64_t whole,
                          uint64_t us, bool last)
{
    uint64_t rate = us ? made * 1000000 / us : 0; /* bytes a second */
    buf[0] = 0;
    if (!rate)
        return;
    if (last)
        snprintf(buf, size, " in %llu.%01llu s, %llu MiB/s", (unsigned long long)(us / 1000000),
                 (unsigned long long)(us / 100000 % 10), (unsigned long long)(rate >> 20));
    else if (part && whole > part)
        snprintf(buf, size, ", %llu MiB/s, %llu s left", (unsigned long long)(rate >> 20),
                 (unsigned long long)((whole - part) * (us / 1000) / part / 1000 + 1));
    else
        snprintf(buf, size, ", %llu MiB/s", (unsigned long long)(rate >> 20));
}

/* End an open progress line, so that what follows starts a line of its own. */
static void progress_break(struct progress *p)
{
    if (p->printed)
        con_puts("\n");
    p->printed = false;
}

static int progress_tick(struct progress *p, uint64_t done, bool last)
{
    /*
     * A firmware console line costs about a millisecond (more under
     * emulation), as much as copying 4 MiB: show progress every
     * PROGRESS_US, and at the end, not at every chunk.
     */
    bool large = done > PROGRESS_MIN || p->total > PROGRESS_MIN;
    if (large && (last || plat_uptime_us() - p->shown >= PROGRESS_US)) {
        struct img_src *img = p->m->img;
        uint64_t now = plat_uptime_us();
        char rate[64];
        p->shown = now;
        p->printed = true;
        if (img && img->sequential) {
            /* compressed: what was read of the file and what it gave; the rate of what it
               gave, the time left by the file */
            uint64_t pos = img_file_pos(img);
            progress_rate(rate, sizeof(rate), done, pos, img->in_size, now - p->t0, last);
            con_printf("\rmap: %s%s -> %s: %llu of %llu MiB read, %llu MiB decoded%s   ", p->what,
                       p->m->source, p->target, (unsigned long long)(pos >> 20),
                       (unsigned long long)(img->in_size >> 20),
                       (unsigned long long)(done >> 20), rate);
        } else {
            progress_rate(rate, sizeof(rate), done, done, p->total, now - p->t0, last);
            con_printf("\rmap: %s%s -> %s: %llu of %llu MiB%s   ", p->what, p->m->source,
                       p->target, (unsigned long long)(done >> 20),
                       (unsigned long long)(p->total >> 20), rate);
        }
    }
    if (last)
        progress_break(p);
    if (con_interrupted()) {
        progress_break(p);
        return shell_error(-ECANCELED, "map: cancelled; nothing was mapped");
    }
    return 0;
}

/* For fmt->scatter: progress after every block. */
static int scatter_tick(void *ctx)
{
    struct progress *p = ctx;
    return progress_tick(p, img_file_pos(p->m->img), false);
}

/*
 * Read the source (m->img, or else the drive m->src) from byte off into
 * dst until dst_len bytes or its end, in bounded reads. dst NULL: count
 * only, into a scratch chunk (measuring a stream). *done gets the offset
 * reached.
 */
static int copy_in(struct map_backing *m, struct progress *p, uint8_t *dst, uint64_t off,
                   uint64_t dst_len, uint64_t *done)
{
    uint8_t *scratch = NULL;
    int rc = 0;
    if (!dst && !(scratch = malloc(COPY_CHUNK)))
        return -ENOMEM;
    while (off < dst_len) {
        size_t got = 0, want = (size_t)MIN(dst_len - off, (uint64_t)COPY_CHUNK);
        uint8_t *to = dst ? dst + off : scratch;
        if (m->img) {
            if ((rc = img_read(m->img, off, to, want, &got)) != 0)
                rc = shell_fail(rc, "map", m->source);
        } else {
            rc = drive_read_bytes(m->src, m->src_off + off, to, want);
            got = want;
        }
        if (rc)
            break;
        if (got == 0)
            break;
        off += got;
        if ((rc = progress_tick(p, off, false)) != 0)
            break;
    }
    free(scratch);
    *done = off;
    if (rc)
        progress_break(p); /* the error goes on a line of its own */
    return rc;
}

/* Reserve m->ram for size bytes (4 KiB granules: every block size divides them). */
static int ram_alloc(struct map_backing *m, const struct map_opts *o, uint64_t size)
{
    uint64_t addr = o->mem_addr, avail = map_free_memory();
    struct plat_mem_range big = largest_free();
    int rc;
    m->ram_size = (size + 4095) / 4096 * 4096;
    /* refuse before allocating anything, so earlier maps stay as they are */
    if (m->ram_size > avail || m->ram_size < size)
        return shell_error(-ENOMEM, "map: %s needs %llu MiB, more than the %llu MiB free",
                           o->source, (unsigned long long)(size >> 20),
                           (unsigned long long)(avail >> 20));
    /* a RAM disk is one piece: free memory in pieces does not hold it */
    if (m->ram_size > big.size)
        return shell_error(-ENOMEM, "map: %s needs %llu MiB in one piece; the largest free "
                           "range is %llu MiB (at 0x%llX) of the %llu MiB free", o->source,
                           (unsigned long long)(size >> 20), (unsigned long long)(big.size >> 20),
                           (unsigned long long)big.start, (unsigned long long)(avail >> 20));
    if (o->top && !addr && (rc = top_address(m->ram_size, &addr)) != 0)
        return shell_error(rc, "map: --top: no free range holds %llu MiB",
                           (unsigned long long)(size >> 20));
    rc = plat_ram_alloc(m->ram_size, addr, (void **)&m->ram, &m->ram_phys);
    if (rc) {
        m->ram = NULL;
        if (rc == -EBUSY)
            return shell_error(rc, "map: --mem=0x%llX: the %llu MiB from there are not all free "
                               "memory (see displaymem)", (unsigned long long)addr,
                               (unsigned long long)(m->ram_size >> 20));
        return shell_error(rc, "map: cannot allocate %llu MiB at 0x%llX: %s",
                           (unsigned long long)(m->ram_size >> 20), (unsigned long long)addr,
                           err_str(rc));
    }
    memset(m->ram + size, 0, (size_t)(m->ram_size - size));
    return 0;
}

/*
 * Measure a stream whose size is not known (or not believed): decode it
 * from byte from to its end, counting, and stop past what free memory could
 * hold (limit), so that a zip bomb ends in an error, not in a full RAM.
 */
static int measure(struct map_backing *m, struct progress *p, uint64_t from, uint64_t limit,
                   uint64_t *size)
{
    int rc = copy_in(m, p, NULL, from, limit + 1, size);
    if (rc == 0 && *size > limit) {
        progress_break(p);
        rc = shell_error(-ENOMEM, "map: %s decompresses to more than the %llu MiB of free "
                         "memory", m->source, (unsigned long long)(limit >> 20));
    }
    return rc;
}

/* Open the image again from its start, to decode it into RAM of the size measured. */
static int reopen_image(struct map_backing *m, const struct map_opts *o, uint64_t size)
{
    int rc;
    img_close(m->img);
    m->img = NULL;
    if ((rc = img_open_path(o->source, &m->img, m->format, sizeof(m->format))) != 0)
        return shell_fail(rc, "map", o->source);
    if (size == 0)
        return shell_error(-EINVAL, "map: %s is empty", o->source);
    return 0;
}

/* The highest free range of at least 2 MiB (what --top means), or size 0. */
static struct plat_mem_range highest_free(void)
{
    struct plat_mem_range r[256], none = { 0, 0, PLAT_MEM_FREE };
    int n = plat_memmap(r, (int)ARRAY_SIZE(r));
    for (int i = MIN(n, (int)ARRAY_SIZE(r)) - 1; i >= 0; i--)
        if (r[i].type == PLAT_MEM_FREE && r[i].size >= (2ull << 20))
            return r[i];
    return none;
}

/*
 * A stream that states no size (lz4 without --content-size, for one):
 * decode it once, straight into RAM at the start of a free range (the
 * largest; with --top, the highest), growing the RAM in place as it fills,
 * and cut it to the stream at the end. Measuring first would decode it
 * twice: half of lz4's speed. The RAM starts at a guess (UNSIZED_FIRST, or
 * four times the file) and grows by a quarter, so at most a fifth more than
 * the image is ever held: firmware that charges for the pages it frees
 * (OVMF under TCG: about a second a GiB) pays little, and the rest of the
 * range stays free meanwhile, less a headroom for the firmware.
 *
 * *size gets the size when the image is loaded. It stays IMG_SIZE_UNKNOWN
 * when this way cannot be taken (no range, the first allocation failed),
 * and gets the measured size, with m->ram freed and the image reopened,
 * when the stream outgrew the range or the RAM could not grow: load_image
 * goes the sized way then.
 */
#define UNSIZED_FIRST (64ull << 20)
static int load_unsized(struct map_backing *m, const struct map_opts *o, struct progress *p,
                        uint64_t *size)
{
    struct plat_mem_range r = o->top ? highest_free() : largest_free();
    uint64_t start = (r.start + (2ull << 20) - 1) & ~((2ull << 20) - 1), end = r.start + r.size;
    uint64_t cap, done = 0, keep;
    int rc;
    *size = IMG_SIZE_UNKNOWN;
    end = (end - MIN(r.size / 16, 64ull << 20)) & ~0xFFFull;
    if (end <= start || end - start < (4ull << 20))
        return 0;
    cap = MIN(end - start, MAX(UNSIZED_FIRST, (m->img->in_size * 4 + 0xFFF) & ~0xFFFull));
    if (plat_ram_alloc(cap, start, (void **)&m->ram, &m->ram_phys) != 0) {
        m->ram = NULL;
        return 0; /* the firmware placed something there meanwhile: measure instead */
    }
    m->ram_size = cap;
    for (;;) {
        uint64_t more;
        if ((rc = copy_in(m, p, m->ram, done, m->ram_size, &done)) != 0)
            return rc;
        if (done < m->ram_size)
            break; /* the stream ended */
        more = MIN(end - (m->ram_phys + m->ram_size), MAX(m->ram_size / 4, 64ull << 20));
        more &= ~0xFFFull;
        if (!more || plat_ram_grow((void **)&m->ram, m->ram_phys, m->ram_size, more) != 0) {
            /* full: count the rest, bounded by free memory, and go the sized way */
            if ((rc = measure(m, p, done, map_free_memory() + m->ram_size, &done)) != 0)
                return rc;
            if (done == m->ram_size)
                break; /* it filled the RAM exactly */
            ram_free(m);
            *size = done;
            return reopen_image(m, o, done);
        }
        m->ram_size += more;
    }
    if (done == 0)
        return shell_error(-EINVAL, "map: %s is empty", o->source);
    keep = (done + 4095) & ~4095ull;
    if ((rc = plat_ram_shrink((void **)&m->ram, m->ram_phys, m->ram_size, keep)) != 0)
        return shell_error(rc, "map: cannot give back the %llu MiB %s did not fill: %s",
                           (unsigned long long)((m->ram_size - keep) >> 20), o->source,
                           err_str(rc));
    m->ram_size = keep;
    memset(m->ram + done, 0, (size_t)(keep - done));
    m->size = *size = done;
    return progress_tick(p, done, true);
}

/*
 * map --mem of an image file: decode m->img into RAM in one pass. The size
 * comes from the file (raw: its size; gzip: ISIZE; lz4: the content size;
 * VHD, VHDX: the virtual size) and is checked: the stream must end exactly
 * there. When it goes on (a multi-member gzip states only its last
 * member's size; a file whose ISIZE lies), the stream is measured (decoded
 * without keeping it) and decoded again into RAM of the measured size:
 * never two copies in memory. One that states no size is decoded once into
 * a free range that is cut to it (load_unsized).
 */
static int load_image(struct map_backing *m, const struct map_opts *o)
{
    struct progress p = { .m = m, .target = o->target, .what = "", .t0 = plat_uptime_us() };
    uint64_t size = m->img->size;
    int rc = 0;
    if (size == IMG_SIZE_UNKNOWN && !o->mem_addr && !m->img->scatter_only) {
        if ((rc = load_unsized(m, o, &p, &size)) != 0)
            return rc;
        if (m->ram)
            return 0; /* loaded */
        p.t0 = plat_uptime_us();
    }
    if (size == IMG_SIZE_UNKNOWN || (m->img->sequential && size > map_free_memory())) {
        /*
         * Not stated, or a gzip ISIZE (a guess: the last member's size
         * modulo 4 GiB) larger than could fit: find out what it is.
         */
        p.what = "measuring ";
        if ((rc = measure(m, &p, 0, map_free_memory(), &size)) != 0 ||
            (rc = progress_tick(&p, size, true)) != 0 || (rc = reopen_image(m, o, size)) != 0)
            return rc;
        p.what = "";
    }
    /* at most twice: the second time with the measured size, which must hold */
    for (int pass = 0;; pass++) {
        uint64_t done = 0, end = 0;
        p.what = "";
        p.total = size;
        p.t0 = plat_uptime_us(); /* the rate of this pass, not of the measuring one */
        if ((rc = ram_alloc(m, o, size)) != 0)
            return rc;
        if (m->img->scatter_only) {
            /* a VHD/VHDX inside gzip or lz4: blocks go where they belong */
            memset(m->ram, 0, (size_t)size);
            rc = m->img->fmt->scatter(m->img, m->ram, scatter_tick, &p);
            done = size;
        } else {
            rc = copy_in(m, &p, m->ram, 0, size, &done);
        }
        if (rc)
            return rc;
        if (done < size)
            return shell_error(-EBADIMG, "map: %s ends after %llu bytes, but declares %llu",
                               m->source, (unsigned long long)done, (unsigned long long)size);
        if (m->img->sequential && !m->img->scatter_only) {
            /* read on to the end of the stream: zlib checks the last CRC and ISIZE there */
            p.what = "measuring ";
            if ((rc = measure(m, &p, size, map_free_memory() + m->ram_size, &end)) != 0)
                return rc;
            if (end != size && pass == 0) {
                ram_free(m);
                if ((rc = reopen_image(m, o, end)) != 0)
                    return rc;
                size = end;
                continue;
            }
            if (end != size)
                return shell_error(-EBADIMG, "map: %s gave %llu bytes, then %llu", m->source,
                                   (unsigned long long)size, (unsigned long long)end);
        }
        m->size = size;
        p.what = "";
        return progress_tick(&p, size, true);
    }
}

/* ---- what the image is ---- */

/* A hard-disk image laid out for 4096-byte blocks: its GPT header is at 4096, not 512. */
static uint32_t image_block_size(const uint8_t *head, size_t len, enum drive_kind kind)
{
    if (kind == DRIVE_CD)
        return 2048;
    if (len >= 520 && memcmp(head + 512, "EFI PART", 8) == 0)
        return 512;
    if (len >= 4104 && memcmp(head + 4096, "EFI PART", 8) == 0)
        return 4096;
    return 512;
}

/*
 * A CD target whose image holds an ISO 9660 volume must hold all of it: a
 * truncated download would otherwise boot and fail somewhere deep inside.
 * Images without a primary volume descriptor (UDF only, raw) are left alone.
 * Read from RAM after a --mem copy, else from the source.
 */
static int check_cd_image(struct map_backing *m, const char *source)
{
    uint8_t pvd[2048];
    uint64_t need;
    int rc = 0;
    if (m->size < 32768 + sizeof(pvd))
        return shell_error(-EBADIMG, "map: %s is too small for a CD image (%llu bytes)", source,
                           (unsigned long long)m->size);
    if (m->ram)
        memcpy(pvd, m->ram + 32768, sizeof(pvd));
    else if (m->img)
        rc = img_read_full(m->img, 32768, pvd, sizeof(pvd), "the volume descriptor");
    else
        rc = drive_read_bytes(m->src, m->src_off + 32768, pvd, sizeof(pvd));
    if (rc)
        return shell_fail(rc, "map", source);
    if (pvd[0] != 1 || memcmp(pvd + 1, "CD001", 5) != 0)
        return 0;
    need = (uint64_t)le32(pvd + 80) * le16(pvd + 128);
    if (need > m->size)
        return shell_error(-EBADIMG, "map: %s is a truncated ISO image: its volume is %llu bytes, "
                           "the image only %llu", source, (unsigned long long)need,
                           (unsigned long long)m->size);
    return 0;
}

/* The target's kind and number; a drive that exists already is an error. */
static int parse_target(const char *target, enum drive_kind *kind, int *number)
{
    struct dev_spec spec;
    const char *rest;
    int rc = dev_parse(target, &spec, &rest);
    if (rc)
        return rc;
    if (*rest || spec.part >= 0 || spec.root || spec.from_end ||
        (spec.kind != DRIVE_HD && spec.kind != DRIVE_CD && spec.kind != DRIVE_FD &&
         spec.kind != DRIVE_RD))
        return shell_error(-EINVAL, "map: %s cannot be a map target (use (hd), (hdN), (cd), "
                           "(cdN), (fd), (fdN), (0xNN) or (rd))", target);
    *kind = spec.kind;
    if (spec.kind == DRIVE_RD)
        *number = -1;
    else if (spec.next_free)
        *number = drive_next_free(spec.kind);
    else
        *number = spec.by_number ? spec.number
                  : (spec.kind == DRIVE_HD ? DRIVE_HD_BASE
                     : spec.kind == DRIVE_CD ? DRIVE_CD_BASE : DRIVE_FD_BASE) + spec.index;
    if (spec.next_free && *number < 0)
        return shell_error(-ENOSPC, "map: no free drive number for %s", target);
    if ((spec.kind == DRIVE_RD && drive_by_index(DRIVE_RD, 0)) ||
        (spec.kind != DRIVE_RD && drive_by_number(*number)))
        return shell_error(-EEXIST, "map: %s exists already; unmap it first", target);
    return 0;
}

/*
 * In place: a raw file through its extents, a VHD or VHDX through its block
 * table, a file over the network through its reads (read-only, like a VHD).
 */
static int map_in_place(struct map_backing *m, const struct map_opts *o)
{
    size_t n = 0;
    int rc;
    if (m->img->fmt) {
        if (m->img->sequential)
            return shell_error(-ENOTSUP, "map: %s is %s-compressed; map it with --mem, which "
                               "decompresses it into RAM", o->source, m->format);
        m->img_io = true;
        return 0;
    }
    if (m->img->file && m->img->file->vol->remote) {
        /* over the network (fs/http.c): read through the file, never written */
        m->img_io = true;
        return 0;
    }
    m->file = m->img->file;
    rc = fs_extents(m->file, &m->ext, &n);
    if (rc == -ENOTSUP)
        return shell_error(rc, "map: %s's filesystem cannot map it in place; use --mem",
                           o->source);
    if (rc == 0 && (n == 0 || m->ext[n - 1].file_off + m->ext[n - 1].len < m->size))
        rc = shell_error(-EBADIMG, "map: the extents of %s do not cover it", o->source);
    m->n_ext = n;
    return rc;
}

/*
 * Bring the NFIT in line with the drive table, so the booted OS finds the
 * RAM drives. A failure there is a warning: the drive works all the same
 * until the OS starts.
 */
static void describe(void)
{
    int rc;
    shell.errmsg[0] = 0;
    rc = nfit_sync();
    if (rc)
        shell_warn("RAM drives are not described to the OS: %s",
                   shell.errmsg[0] ? shell.errmsg : err_str(rc));
    shell.errmsg[0] = 0;
}

/*
 * Where the image file is, in terms the booted OS can use: its volume's UUID
 * and its path there (map_linux_args). The root may change after the map,
 * so this is kept now. Blocklists and network files have no such place.
 */
static void where_on_volume(struct map_backing *m, const char *source)
{
    char full[FS_PATH_MAX], dev[64];
    const char *close;
    struct fs_volume *vol;
    size_t n;
    if (fs_net_path(source) || fs_resolve(source, full, sizeof(full)) != 0 ||
        !(close = strchr8(full, ')')) || close[1] != '/' ||
        (n = (size_t)(close - full) + 1) >= sizeof(dev))
        return;
    memcpy(dev, full, n);
    dev[n] = 0;
    if (fs_volume_get(dev, &vol) != 0) {
        shell.errmsg[0] = 0;
        return;
    }
    if (fs_volume_uuid(vol, m->vol_uuid, sizeof(m->vol_uuid)) != 0)
        strlcpy8(m->vol_uuid, "-", sizeof(m->vol_uuid));
    strlcpy8(m->vol_path, close + 1, sizeof(m->vol_path));
    shell.errmsg[0] = 0;
}

/* Append s to out (len bytes used) with bytes a command line cannot hold as %XX. */
static bool arg_escape(char *out, size_t size, size_t *len, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     strchr8("/._-+~", (char)c);
        if (*len + (plain ? 1 : 3) >= size)
            return false;
        if (plain) {
            out[(*len)++] = (char)c;
        } else {
            out[(*len)++] = '%';
            out[(*len)++] = hex[c >> 4];
            out[(*len)++] = hex[c & 15];
        }
    }
    out[*len] = 0;
    return true;
}

int map_linux_args(char *out, size_t size)
{
    size_t len = 0;
    if (!size)
        return -E2BIG;
    out[0] = 0;
    for (struct drive *d = drive_first(); d; d = drive_next(d)) {
        const struct map_backing *m = d->priv;
        int n;
        if (!drive_is_mapped(d) || !m->vol_path[0])
            continue;
        if (m->ram_phys && (d->flags & DRIVE_NFIT))
            n = snprintf(out + len, size - len, " mapboot.ram=0x%llx,%llu,%s,%s,",
                         (unsigned long long)m->ram_phys, (unsigned long long)m->size, m->format,
                         m->vol_uuid);
        else if (!m->ram_phys && strcmp8(m->format, "raw") == 0 && strcmp8(m->vol_uuid, "-") != 0)
            /* in place: Linux can read the same file through a loop device */
            n = snprintf(out + len, size - len, " mapboot.disk=%s,%s,",
                         d->flags & DRIVE_FAKE_WRITE  ? "fake"
                         : d->flags & DRIVE_READ_ONLY ? "ro"
                                                      : "rw",
                         m->vol_uuid);
        else
            continue;
        if (n < 0 || (size_t)n >= size - len)
            return -E2BIG;
        len += (size_t)n;
        if (!arg_escape(out, size, &len, m->vol_path))
            return -E2BIG;
    }
    return 0;
}

int drive_map(const struct map_opts *o, struct drive **out)
{
    struct map_backing *m;
    struct drive *d;
    enum drive_kind kind = DRIVE_HD;
    bool mem = o->mem || o->top || o->mem_addr;
    int number = -1, rc;

    drive_init();
    rc = parse_target(o->target, &kind, &number);
    if (rc)
        return rc;
    if (o->read_only && o->fake_write)
        return shell_error(-EINVAL, "map: --read-only and --fake-write exclude each other");
    m = calloc(1, sizeof(*m));
    d = calloc(1, sizeof(*d));
    if (!m || !d) {
        rc = -ENOMEM;
        goto fail;
    }
    strlcpy8(m->source, o->source, sizeof(m->source));
    /* a whole drive maps through it; anything else opens as a file (blocklists too) */
    if (o->source[0] == '(' && strchr8(o->source, ')') && !strchr8(o->source, ')')[1]) {
        rc = dev_find(o->source, &m->src);
        if (rc) {
            rc = shell_fail(rc, "map", o->source);
            goto fail;
        }
        strlcpy8(m->format, "drive", sizeof(m->format));
        m->size = drive_bytes(m->src);
        d->block_size = kind == DRIVE_CD ? 2048 : m->src->block_size;
        if (m->size == 0) {
            rc = shell_error(-EINVAL, "map: %s is empty", o->source);
            goto fail;
        }
        if (mem) {
            struct progress p = { .m = m, .target = o->target, .what = "", .total = m->size,
                                  .t0 = plat_uptime_us() };
            uint64_t done = 0;
            if ((rc = ram_alloc(m, o, m->size)) != 0 ||
                (rc = copy_in(m, &p, m->ram, 0, m->size, &done)) != 0 ||
                (rc = progress_tick(&p, done, true)) != 0)
                goto fail;
            m->src = NULL; /* a drive source is copied: the RAM is the backing now */
        }
    } else {
        const uint8_t *head;
        size_t head_len;
        rc = img_open_path(o->source, &m->img, m->format, sizeof(m->format));
        if (rc) {
            rc = shell_fail(rc, "map", o->source);
            goto fail;
        }
        where_on_volume(m, o->source);
        m->size = m->img->size;
        if (m->size == 0) {
            rc = shell_error(-EINVAL, "map: %s is empty", o->source);
            goto fail;
        }
        if (mem) {
            if ((rc = load_image(m, o)) != 0)
                goto fail;
            /* the RAM is the backing now: the file and its decoders go */
            img_close(m->img);
            m->img = NULL;
            head = m->ram;
            head_len = (size_t)MIN(m->size, (uint64_t)IMG_HEAD);
        } else {
            if ((rc = map_in_place(m, o)) != 0)
                goto fail;
            head_len = img_peek(m->img, &head);
        }
        d->block_size = image_block_size(head, head_len, kind);
    }
    if (kind == DRIVE_CD && (rc = check_cd_image(m, o->source)) != 0)
        goto fail;
    if (o->fake_write) {
        uint64_t blocks = (m->size + d->block_size - 1) / d->block_size;
        m->ovl_pages = (size_t)((blocks + OVL_SPAN - 1) / OVL_SPAN);
        m->ovl = calloc(m->ovl_pages, sizeof(*m->ovl));
        if (!m->ovl) {
            rc = -ENOMEM;
            goto fail;
        }
    }
    d->kind = kind;
    d->number = number;
    d->blocks = (m->size + d->block_size - 1) / d->block_size;
    /*
     * a VHD or VHDX in place is never written (its block table would have to
     * grow), and neither is a file over the network
     */
    d->flags = (o->read_only || ((kind == DRIVE_CD || m->img_io) && !o->fake_write)
                    ? DRIVE_READ_ONLY : 0) |
               (o->fake_write ? DRIVE_FAKE_WRITE : 0) | (kind != DRIVE_HD ? DRIVE_REMOVABLE : 0) |
               (o->no_nfit ? DRIVE_NO_NFIT : 0);
    d->ops = &map_ops;
    d->priv = m;
    rc = drive_add(d);
    if (rc) {
        d->priv = NULL;
        shell_error(rc, "map: cannot add %s: %s", o->target, err_str(rc));
        goto fail;
    }
    if (!o->no_hook) {
        /* a drive the firmware cannot take is still mapboot's: say so, do not fail */
        int erc = plat_drive_expose(d);
        if (erc == 0)
            d->flags |= DRIVE_HOOKED;
        else
            shell_warn("map: %s is not shown to the firmware: %s", d->name, err_str(erc));
    }
    describe();
    *out = d;
    return 0;
fail:
    if (m) {
        struct drive tmp = { .priv = m };
        map_release(&tmp);
    }
    free(d);
    return rc;
}

int drive_unmap(struct drive *d)
{
    int rc;
    if (!drive_is_mapped(d) || d->parent)
        return shell_error(-EINVAL, "map: %s was not made by map", d->name);
    /* the OS must not be told of RAM that is freed: out of the NFIT first */
    if (d->flags & DRIVE_NFIT) {
        shell.errmsg[0] = 0;
        rc = nfit_sync_without(d);
        if (rc) {
            char why[sizeof(shell.errmsg)];
            strlcpy8(why, shell.errmsg[0] ? shell.errmsg : err_str(rc), sizeof(why));
            return shell_error(rc, "map: %s stays mapped: the NFIT still describes it (%s)",
                               d->name, why);
        }
    }
    if (d->flags & DRIVE_HOOKED) {
        rc = plat_drive_unexpose(d);
        if (rc) {
            describe(); /* it stays, so it is described again */
            return shell_error(rc, "map: the firmware still uses %s; it stays mapped", d->name);
        }
        d->flags &= ~DRIVE_HOOKED;
    }
    drive_remove(d);
    return 0;
}
