/*
 * FAT12, FAT16 and FAT32, read-only: ESPs, USB sticks, floppy and hard-disk
 * images.
 *
 * Everything is read in bytes through drive_read_bytes(), so the FAT's
 * logical sector size need not be the device's block size (a 512-byte FAT
 * on a 4Kn disk and the reverse both work). At its first read a file's
 * cluster chain becomes a list of runs of contiguous clusters, kept with the
 * open file (directories are mapped as far as they are read); a read then
 * costs one drive_read_bytes() per run it touches, not one per cluster or
 * per sector, so a contiguous file reads as fast as the raw device. The FAT
 * itself is cached in 64 KiB windows.
 *
 * On-disk values are hostile: every cluster number is range-checked, chain
 * walks are bounded by the file's size and the volume's cluster count and
 * checked for loops (Brent's cycle finding), directories are bounded by the
 * spec's 65536 entries and may not contain their own ancestors, and nothing
 * is read past the device. Corruption is -EBADIMG with a message naming the
 * device.
 */
#include "fs.h"

#include "../src/err.h"
#include "../src/shell.h"

#define FAT_DIRENT 32
#define FAT_DIR_MAX (65536u * FAT_DIRENT) /* the spec's limit: 65536 entries per directory */
#define FAT_DIR_CHUNK 4096                /* directory bytes read at a time */
#define FAT_WINDOW (64u << 10)            /* bytes of FAT per cache window */
#define FAT_WINDOWS 4
#define LFN_MAX 20                        /* long-name entries: 20 x 13 units >= 255 */
#define LFN_UNITS (LFN_MAX * 13)
#define NAME_UTF8 (LFN_UNITS * 3 + 1)     /* a UTF-16 unit is at most 3 bytes of UTF-8 */

#define ATTR_VOLUME 0x08
#define ATTR_DIR 0x10
#define ATTR_LFN 0x0F

struct fat_window {
    uint8_t *buf;
    uint64_t index; /* window number within the FAT */
    size_t len;     /* bytes held; 0: empty */
};

struct fat_vol {
    int bits;              /* 12, 16 or 32 */
    uint32_t cluster;      /* bytes per cluster */
    uint64_t fat_off;      /* the FAT in use, in bytes from the volume's start */
    uint64_t fat_bytes;
    uint64_t root_off;     /* FAT12/16: the fixed root directory */
    uint32_t root_bytes;
    uint32_t root_cluster; /* FAT32 */
    uint64_t data_off;     /* cluster 2 */
    uint32_t max_cluster;  /* the highest valid cluster number */
    uint64_t dev_bytes;    /* the device's size: a truncated image claims more */
    bool has_serial;
    uint32_t serial;
    uint8_t label[11];     /* from the BPB; all spaces when none */
    struct fat_window win[FAT_WINDOWS];
    unsigned next_win;
};

struct dir_iter;

/* An open file or directory: its chain, mapped into runs as far as reads have needed. */
struct fat_file {
    struct fs_node node;   /* first: fs_walk's view (id: the first cluster) */
    char *path;            /* for messages */
    bool is_dir;
    uint32_t first;        /* first cluster; 0: none (or the fixed root) */
    uint64_t limit;        /* bytes worth mapping: the size, or FAT_DIR_MAX */
    struct fs_extent *runs;
    size_t nruns, cap, hint;
    uint64_t mapped;       /* bytes the runs cover */
    uint32_t cur;          /* last cluster mapped; 0: none yet */
    uint32_t steps;
    bool end;              /* the chain has ended */
    bool ready;            /* files: mapped in full and checked */
    uint32_t saved;        /* Brent: the cluster the walk is compared against */
    uint64_t power, lam;
    struct dir_iter *it;   /* readdir's position */
};

/* One directory entry, its long name assembled and checked. */
struct fat_entry {
    char name[NAME_UTF8];  /* the long name if valid, else the 8.3 name */
    char short_name[40];   /* the 8.3 name as shown */
    uint8_t raw[11];
    uint8_t attr;
    uint32_t cluster, size;
};

struct dir_iter {
    struct fat_file *dir;
    bool labels;           /* return volume labels instead of files */
    uint64_t pos;          /* byte offset of the next entry */
    uint64_t buf_off;
    size_t buf_len;
    int lfn_left;          /* entries still expected; 0: complete; -1: none or broken */
    int lfn_count;
    uint8_t lfn_sum;
    uint16_t lfn[LFN_UNITS + 1];
    uint8_t buf[FAT_DIR_CHUNK];
};

static bool pow2(uint32_t x) { return x && !(x & (x - 1)); }

static const char *what(const struct fat_file *ff) { return ff->is_dir ? "directory" : "file"; }

/* ---- the FAT ---- */

/*
 * The cached window holding the FAT entry of cluster c (which the caller has
 * range-checked), and the entry's offset in it.
 */
static int fat_window(struct fs_volume *vol, uint32_t c, struct fat_window **wp, size_t *posp)
{
    struct fat_vol *fv = vol->priv;
    uint64_t off = fv->bits == 12 ? (uint64_t)c + c / 2 : (uint64_t)c * (uint32_t)(fv->bits / 8);
    uint64_t index = off / FAT_WINDOW;
    size_t pos = (size_t)(off % FAT_WINDOW);
    struct fat_window *w = NULL;
    for (int i = 0; i < FAT_WINDOWS; i++)
        if (fv->win[i].len && fv->win[i].index == index)
            w = &fv->win[i];
    if (!w) {
        int rc;
        w = &fv->win[fv->next_win];
        fv->next_win = (fv->next_win + 1) % FAT_WINDOWS;
        if (!w->buf && !(w->buf = malloc(FAT_WINDOW)))
            return -ENOMEM;
        w->len = 0;
        w->index = index;
        rc = drive_read_bytes(vol->drive, fv->fat_off + index * FAT_WINDOW, w->buf,
                              (size_t)MIN((uint64_t)FAT_WINDOW, fv->fat_bytes - index * FAT_WINDOW));
        if (rc)
            return rc;
        w->len = (size_t)MIN((uint64_t)FAT_WINDOW, fv->fat_bytes - index * FAT_WINDOW);
    }
    /* mount keeps max_cluster inside the FAT, and FAT12's fits one window */
    if (pos + (fv->bits == 12 ? 2u : (unsigned)fv->bits / 8) > w->len)
        return shell_error(-EBADIMG, "%s: FAT entry %u is outside the FAT", vol->dev, c);
    *wp = w;
    *posp = pos;
    return 0;
}

/* The FAT entry of cluster c (which the caller has range-checked). */
static int fat_get(struct fs_volume *vol, uint32_t c, uint32_t *next)
{
    struct fat_vol *fv = vol->priv;
    struct fat_window *w;
    size_t pos;
    const uint8_t *p;
    int rc = fat_window(vol, c, &w, &pos);
    if (rc)
        return rc;
    p = w->buf + pos;
    if (fv->bits == 12)
        *next = c & 1 ? le16(p) >> 4 : le16(p) & 0xFFF;
    else if (fv->bits == 16)
        *next = le16(p);
    else
        *next = le32(p) & 0x0FFFFFFF;
    return 0;
}

/* Append cluster c to ff's runs, catching loops and clusters past the device. */
static int chain_add(struct fs_volume *vol, struct fat_file *ff, uint32_t c)
{
    struct fat_vol *fv = vol->priv;
    uint64_t off = fv->data_off + (uint64_t)(c - 2) * fv->cluster;
    struct fs_extent *last = ff->nruns ? &ff->runs[ff->nruns - 1] : NULL;
    /*
     * Brent: `saved` moves to the newest cluster at every power of two, so a
     * loop brings the walk back to it within about twice its length. A step
     * back into the current run, and more steps than the volume has
     * clusters, are loops too.
     */
    if (c == ff->saved || ++ff->steps > fv->max_cluster - 1 ||
        (last && off >= last->disk_off && off < last->disk_off + last->len))
        return shell_error(-EBADIMG, "%s: %s %s: FAT cluster chain loops at cluster %u",
                           vol->dev, what(ff), ff->path, c);
    if (++ff->lam >= ff->power) {
        ff->saved = c;
        ff->power *= 2;
        ff->lam = 0;
    }
    if (off + fv->cluster > fv->dev_bytes)
        return shell_error(-EBADIMG, "%s: %s %s: cluster %u is past the end of the device "
                           "(truncated image?)", vol->dev, what(ff), ff->path, c);
    if (last && last->disk_off + last->len == off) {
        last->len += fv->cluster;
    } else {
        if (ff->nruns == ff->cap) {
            size_t cap = ff->cap ? ff->cap * 2 : 8;
            struct fs_extent *runs = realloc(ff->runs, cap * sizeof(*runs));
            if (!runs)
                return -ENOMEM;
            ff->runs = runs;
            ff->cap = cap;
        }
        ff->runs[ff->nruns++] = (struct fs_extent){ ff->mapped, off, fv->cluster };
    }
    ff->mapped += fv->cluster;
    ff->cur = c;
    return 0;
}

/*
 * The common case, fast: FAT16/32 entries that just say "the next cluster"
 * extend the last run straight from the cached window, without the per-
 * cluster checks of chain_add. An ascending walk cannot loop, and file_map's
 * overlap check still sees every cluster, so nothing is lost; on a 256 MiB
 * file of 4 KiB clusters this is most of the cost of opening it.
 */
static int chain_extend(struct fs_volume *vol, struct fat_file *ff, uint64_t want)
{
    struct fat_vol *fv = vol->priv;
    struct fs_extent *last = &ff->runs[ff->nruns - 1];
    uint32_t c = ff->cur, n = 0, width = (uint32_t)fv->bits / 8;
    uint64_t room;
    struct fat_window *w;
    size_t pos;
    int rc;
    if (fv->bits == 12 || ff->mapped >= want || last->disk_off + last->len > fv->dev_bytes)
        return 0;
    room = (want - ff->mapped + fv->cluster - 1) / fv->cluster;
    /* clusters that still fit on the device after the run's end */
    room = MIN(room, (fv->dev_bytes - last->disk_off - last->len) / fv->cluster);
    rc = fat_window(vol, c, &w, &pos);
    if (rc)
        return rc;
    while (n < room && c + n < fv->max_cluster && pos + width <= w->len) {
        const uint8_t *p = w->buf + pos;
        uint32_t next = width == 2 ? le16(p) : le32(p) & 0x0FFFFFFF;
        if (next != c + n + 1)
            break;
        n++;
        pos += width;
    }
    if (!n)
        return 0;
    last->len += (uint64_t)n * fv->cluster;
    ff->mapped += (uint64_t)n * fv->cluster;
    ff->steps += n;
    ff->cur = c + n;
    return 0;
}

/* Walk ff's chain until its runs cover want bytes, the chain ends or its limit is reached. */
static int chain_map(struct fs_volume *vol, struct fat_file *ff, uint64_t want)
{
    struct fat_vol *fv = vol->priv;
    uint32_t eoc = fv->bits == 12 ? 0xFF8 : fv->bits == 16 ? 0xFFF8 : 0x0FFFFFF8;
    want = MIN(want, ff->limit);
    while (ff->mapped < want && !ff->end) {
        uint32_t c = ff->first;
        int rc;
        if (ff->cur) {
            rc = fat_get(vol, ff->cur, &c);
            if (rc)
                return rc;
            if (c >= eoc) {
                ff->end = true;
                break;
            }
            if (c == eoc - 1 || c == 0)
                return shell_error(-EBADIMG, "%s: %s %s: cluster %u links to a %s cluster",
                                   vol->dev, what(ff), ff->path, ff->cur, c ? "bad" : "free");
            if (c < 2 || c > fv->max_cluster)
                return shell_error(-EBADIMG, "%s: %s %s: cluster %u links to cluster %u, "
                                   "out of range (2..%u)", vol->dev, what(ff), ff->path,
                                   ff->cur, c, fv->max_cluster);
        } else if (!c) {
            ff->end = true; /* an empty file */
            break;
        }
        rc = chain_add(vol, ff, c);
        if (rc)
            return rc;
        rc = chain_extend(vol, ff, want);
        if (rc)
            return rc;
    }
    return 0;
}

static void swap_runs(struct fs_extent *a, struct fs_extent *b)
{
    struct fs_extent t = *a;
    *a = *b;
    *b = t;
}

/* Move a[i] down the heap a[0..n) to its place (largest disk offset on top). */
static void sift_down(struct fs_extent *a, size_t i, size_t n)
{
    for (size_t c; (c = 2 * i + 1) < n; i = c) {
        if (c + 1 < n && a[c + 1].disk_off > a[c].disk_off)
            c++;
        if (a[i].disk_off >= a[c].disk_off)
            break;
        swap_runs(&a[i], &a[c]);
    }
}

/* Heapsort by disk offset: no recursion, no allocation, n log n for any input. */
static void sort_runs(struct fs_extent *a, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (size_t end = n; end-- > 1;) {
        swap_runs(&a[0], &a[end]);
        sift_down(a, 0, end);
    }
}

/*
 * Map a file's whole chain before its first read, so that no read returns
 * data from a chain that turns out to be broken: it must cover the size,
 * and no cluster may appear twice (a loop that Brent would only catch after
 * the file's end).
 */
static int file_map(struct fs_volume *vol, struct fat_file *ff, uint64_t size)
{
    struct fat_vol *fv = vol->priv;
    struct fs_extent *s;
    int rc;
    if (ff->ready)
        return 0;
    rc = chain_map(vol, ff, size);
    if (rc)
        return rc;
    if (ff->mapped < size)
        return shell_error(-EBADIMG, "%s: file %s: cluster chain ends early (%llu of %llu bytes)",
                           vol->dev, ff->path, (unsigned long long)ff->mapped,
                           (unsigned long long)size);
    if (ff->nruns > 1) {
        s = malloc(ff->nruns * sizeof(*s));
        if (!s)
            return -ENOMEM;
        memcpy(s, ff->runs, ff->nruns * sizeof(*s));
        sort_runs(s, ff->nruns);
        for (size_t i = 1; i < ff->nruns; i++)
            if (s[i].disk_off < s[i - 1].disk_off + s[i - 1].len) {
                uint64_t c = (MAX(s[i].disk_off, s[i - 1].disk_off) - fv->data_off) / fv->cluster;
                free(s);
                return shell_error(-EBADIMG, "%s: file %s: FAT cluster chain loops at cluster %llu",
                                   vol->dev, ff->path, (unsigned long long)c + 2);
            }
        free(s);
    }
    ff->ready = true;
    return 0;
}

/* The run holding file offset off (which the runs cover). */
static size_t run_find(struct fat_file *ff, uint64_t off)
{
    size_t lo = 0, hi = ff->nruns;
    for (size_t i = ff->hint; i < ff->nruns && i < ff->hint + 2; i++)
        if (off >= ff->runs[i].file_off && off - ff->runs[i].file_off < ff->runs[i].len)
            return i;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (ff->runs[mid].file_off <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Copy [off, off+len) of the mapped runs: one device read per run. */
static int runs_read(struct fs_volume *vol, struct fat_file *ff, uint64_t off, void *buf,
                     size_t len, size_t *got)
{
    size_t done = 0, i;
    *got = 0;
    if (!len)
        return 0;
    i = run_find(ff, off);
    while (done < len && i < ff->nruns) {
        const struct fs_extent *r = &ff->runs[i];
        uint64_t in = off + done - r->file_off;
        size_t n = (size_t)MIN((uint64_t)(len - done), r->len - in);
        int rc = drive_read_bytes(vol->drive, r->disk_off + in, (uint8_t *)buf + done, n);
        if (rc)
            return rc;
        done += n;
        ff->hint = i++;
    }
    *got = done;
    return 0;
}

/* Read from a chain of unknown length (a directory): *got < len at its end. */
static int chain_read(struct fs_volume *vol, struct fat_file *ff, uint64_t off, void *buf,
                      size_t len, size_t *got)
{
    int rc = chain_map(vol, ff, off + len);
    *got = 0;
    if (rc || off >= ff->mapped)
        return rc;
    return runs_read(vol, ff, off, buf, (size_t)MIN((uint64_t)len, ff->mapped - off), got);
}

static struct fat_file *file_new(const char *path, size_t path_len, bool is_dir, uint32_t first,
                                 uint64_t limit)
{
    struct fat_file *ff = calloc(1, sizeof(*ff));
    if (!ff)
        return NULL;
    ff->path = strndup8(path_len ? path : "/", path_len ? path_len : 1);
    if (!ff->path) {
        free(ff);
        return NULL;
    }
    ff->is_dir = is_dir;
    ff->first = first;
    ff->limit = limit;
    ff->power = 1;
    ff->node.kind = is_dir ? FS_NODE_DIR : FS_NODE_FILE;
    ff->node.id = first;
    return ff;
}

static void file_free(struct fat_file *ff)
{
    if (!ff)
        return;
    free(ff->it);
    free(ff->runs);
    free(ff->path);
    free(ff);
}

/* The root directory: a fixed region on FAT12/16, a chain on FAT32. */
static struct fat_file *root_new(struct fs_volume *vol)
{
    struct fat_vol *fv = vol->priv;
    struct fat_file *ff;
    if (fv->bits == 32)
        return file_new("/", 1, true, fv->root_cluster, FAT_DIR_MAX);
    ff = file_new("/", 1, true, 0, fv->root_bytes);
    if (!ff)
        return NULL;
    ff->runs = malloc(sizeof(*ff->runs));
    if (!ff->runs) {
        file_free(ff);
        return NULL;
    }
    ff->runs[0] = (struct fs_extent){ 0, fv->root_off, fv->root_bytes };
    ff->nruns = ff->cap = 1;
    ff->mapped = fv->root_bytes;
    ff->end = true;
    return ff;
}

/* ---- names ---- */

/* Code page 437's upper half, the OEM set of 8.3 names when nothing says otherwise. */
static const uint16_t cp437[128] = {
    0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7, 0x00EA, 0x00EB, 0x00E8,
    0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5, 0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2,
    0x00FB, 0x00F9, 0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192, 0x00E1,
    0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA, 0x00BF, 0x2310, 0x00AC, 0x00BD,
    0x00BC, 0x00A1, 0x00AB, 0x00BB, 0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562,
    0x2556, 0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510, 0x2514, 0x2534,
    0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F, 0x255A, 0x2554, 0x2569, 0x2566, 0x2560,
    0x2550, 0x256C, 0x2567, 0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B,
    0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580, 0x03B1, 0x00DF, 0x0393,
    0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4, 0x03A6, 0x0398, 0x03A9, 0x03B4, 0x221E, 0x03C6,
    0x03B5, 0x2229, 0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248, 0x00B0,
    0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0,
};

/* Append n OEM bytes (trailing spaces dropped) to out as UTF-8. */
static size_t oem_append(char *out, size_t len, const uint8_t *s, size_t n, bool lower)
{
    while (n && s[n - 1] == ' ')
        n--;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = s[i];
        if (c >= 0x80)
            c = cp437[c - 0x80];
        else if (c < 0x20 || c == '/')
            c = '?'; /* not a legal name byte; never a separator or a terminator */
        else if (lower)
            c = (uint32_t)to_lower((int)c);
        len += utf8_encode(c, out + len);
    }
    out[len] = 0;
    return len;
}

/* The 8.3 name of entry d as shown: NT's lowercase flags (byte 12) applied. */
static void short_name(const uint8_t *d, char *out)
{
    uint8_t base[8];
    size_t len;
    memcpy(base, d, 8);
    if (base[0] == 0x05)
        base[0] = 0xE5; /* 0xE5 is a real first byte, stored as 0x05 */
    len = oem_append(out, 0, base, 8, d[12] & 0x08);
    if (memcmp(d + 8, "   ", 3) != 0) {
        out[len++] = '.';
        oem_append(out, len, d + 8, 3, d[12] & 0x10);
    }
}

/* The long name in UTF-16 as UTF-8; false when it is empty or unusable. */
static bool lfn_to_utf8(const uint16_t *u, size_t n, char *out, size_t size)
{
    size_t len = 0;
    for (size_t i = 0; i < n && u[i]; i++) {
        uint32_t c = u[i];
        char tmp[4];
        size_t k;
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n && u[i + 1] >= 0xDC00 && u[i + 1] <= 0xDFFF)
            c = 0x10000 + ((c - 0xD800) << 10) + (u[++i] - 0xDC00u);
        if (c == '/')
            return false;
        k = utf8_encode(c, tmp); /* a lone surrogate becomes U+FFFD */
        if (len + k >= size)
            return false;
        memcpy(out + len, tmp, k);
        len += k;
    }
    out[len] = 0;
    /* "." and ".." would be path syntax, not names */
    return len > 0 && strcmp8(out, ".") != 0 && strcmp8(out, "..") != 0;
}

/* Fold case for lookups: ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic. */
static uint32_t fold(uint32_t c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7))
        return c - 0x20;
    if (c == 0xFF)
        return 0x178;
    if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
        return c & ~1u;
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
        return (c & 1) ? c : c - 1;
    if (c == 0x3C2)
        return 0x3A3; /* final sigma */
    if ((c >= 0x3B1 && c <= 0x3C9) || (c >= 0x430 && c <= 0x44F))
        return c - 0x20;
    if (c >= 0x450 && c <= 0x45F)
        return c - 0x50;
    return c;
}

static bool name_eq(const char *a, const char *b)
{
    while (*a && *b) {
        size_t la, lb;
        if (fold(utf8_decode(a, &la)) != fold(utf8_decode(b, &lb)))
            return false;
        a += la;
        b += lb;
    }
    return !*a && !*b;
}

/* Copy a name into size bytes, cut at a character boundary when it is too long. */

/* ---- directories ---- */

static uint8_t lfn_checksum(const uint8_t *d)
{
    uint8_t sum = 0;
    for (int i = 0; i < 11; i++)
        sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + d[i]);
    return sum;
}

/* Take one long-name entry: they come last part first, numbered down to 1. */
static void lfn_add(struct dir_iter *it, const uint8_t *d)
{
    static const uint8_t at[13] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };
    int ord = d[0] & 0x3F;
    if (d[0] & 0x40) {
        if (ord < 1 || ord > LFN_MAX) {
            it->lfn_left = -1;
            return;
        }
        it->lfn_count = ord;
        it->lfn_sum = d[13];
        it->lfn[ord * 13] = 0;
    } else if (it->lfn_left < 1 || ord != it->lfn_left || d[13] != it->lfn_sum) {
        it->lfn_left = -1; /* an orphan or a broken sequence */
        return;
    }
    for (int i = 0; i < 13; i++)
        it->lfn[(ord - 1) * 13 + i] = le16(d + at[i]);
    it->lfn_left = ord - 1;
}

static struct dir_iter *iter_new(struct fat_file *dir, bool labels)
{
    struct dir_iter *it = calloc(1, sizeof(*it));
    if (!it)
        return NULL;
    it->dir = dir;
    it->labels = labels;
    it->lfn_left = -1;
    return it;
}

/*
 * The next entry of a directory: 1 with *e filled, 0 at its end. Skips
 * deleted entries, "." and "..", and volume labels (or, with it->labels,
 * everything but them).
 */
static int dir_next(struct fs_volume *vol, struct dir_iter *it, struct fat_entry *e)
{
    struct fat_vol *fv = vol->priv;
    for (;;) {
        const uint8_t *d;
        bool label;
        if (it->pos >= FAT_DIR_MAX)
            return 0;
        if (it->pos < it->buf_off || it->pos >= it->buf_off + it->buf_len) {
            uint64_t at = it->pos - it->pos % FAT_DIR_CHUNK;
            size_t got;
            int rc = chain_read(vol, it->dir, at, it->buf, FAT_DIR_CHUNK, &got);
            if (rc)
                return rc;
            it->buf_off = at;
            it->buf_len = got - got % FAT_DIRENT;
            if (it->pos >= at + it->buf_len) {
                it->pos = FAT_DIR_MAX;
                return 0;
            }
        }
        d = it->buf + (it->pos - it->buf_off);
        it->pos += FAT_DIRENT;
        if (d[0] == 0) {
            it->pos = FAT_DIR_MAX; /* the end marker: nothing after it is in use */
            return 0;
        }
        if (d[0] == 0xE5) {
            it->lfn_left = -1;
            continue;
        }
        if ((d[11] & 0x3F) == ATTR_LFN) {
            lfn_add(it, d);
            continue;
        }
        label = (d[11] & ATTR_VOLUME) != 0;
        /* "." and "..", and a blank name (no DOS name starts with a space) are not files */
        if (label != it->labels || d[0] == '.' || (d[0] == ' ' && !label)) {
            it->lfn_left = -1;
            continue;
        }
        memcpy(e->raw, d, 11);
        e->attr = d[11];
        e->cluster = le16(d + 26) | (fv->bits == 32 ? (uint32_t)le16(d + 20) << 16 : 0);
        e->size = le32(d + 28);
        short_name(d, e->short_name);
        if (it->lfn_left != 0 || lfn_checksum(d) != it->lfn_sum ||
            !lfn_to_utf8(it->lfn, (size_t)it->lfn_count * 13, e->name, sizeof(e->name)))
            strlcpy8(e->name, e->short_name, sizeof(e->name));
        it->lfn_left = -1;
        return 1;
    }
}

/* Find name in dir by its long or 8.3 name, ignoring case: 1 (found), 0, or an error. */
static int dir_find(struct fs_volume *vol, struct fat_file *dir, const char *name,
                    struct fat_entry *e)
{
    struct dir_iter *it = iter_new(dir, false);
    int rc;
    if (!it)
        return -ENOMEM;
    while ((rc = dir_next(vol, it, e)) == 1)
        if (name_eq(name, e->name) || name_eq(name, e->short_name))
            break;
    free(it);
    return rc;
}

/* ---- the vtable ---- */

static int fat_mount(struct fs_volume *vol)
{
    uint8_t b[512];
    struct fat_vol *fv;
    uint32_t bps, spc, reserved, nfats, root_entries, total, fatsz, root_secs, active = 0;
    uint64_t meta, clusters, entries, max;
    bool fat32;
    int ext;

    if (!vol->drive || drive_bytes(vol->drive) < sizeof(b) ||
        drive_read_bytes(vol->drive, 0, b, sizeof(b)))
        return -ENODEV;
    bps = le16(b + 11);
    spc = b[13];
    reserved = le16(b + 14);
    nfats = b[16];
    root_entries = le16(b + 17);
    total = le16(b + 19) ? le16(b + 19) : le32(b + 32);
    fatsz = le16(b + 22);
    /* a FAT32 BPB (no 16-bit FAT size) is FAT32 however few its clusters, as in Linux and EDK2 */
    fat32 = fatsz == 0;
    if (fat32)
        fatsz = le32(b + 36);
    if (!pow2(bps) || bps < 512 || bps > 4096 || !pow2(spc) || !reserved || nfats < 1 ||
        nfats > 4 || (b[21] != 0xF0 && b[21] < 0xF8) || !total || !fatsz ||
        (fat32 ? root_entries != 0 : root_entries == 0))
        return -ENODEV;
    root_secs = (root_entries * FAT_DIRENT + bps - 1) / bps;
    meta = reserved + (uint64_t)nfats * fatsz + root_secs;
    if (total <= meta || (total - meta) / spc == 0)
        return -ENODEV;
    clusters = (total - meta) / spc;

    fv = calloc(1, sizeof(*fv));
    if (!fv)
        return -ENOMEM;
    /* FAT12 or FAT16 by the count of clusters, as Microsoft's spec says */
    fv->bits = fat32 ? 32 : clusters < 4085 ? 12 : 16;
    fv->cluster = bps * spc;
    if (fat32 && (le16(b + 40) & 0x80) && (le16(b + 40) & 0x0F) < nfats)
        active = le16(b + 40) & 0x0F; /* mirroring off: one FAT is the live one */
    fv->fat_bytes = (uint64_t)fatsz * bps;
    fv->fat_off = (uint64_t)reserved * bps + active * fv->fat_bytes;
    fv->root_off = ((uint64_t)reserved + (uint64_t)nfats * fatsz) * bps;
    fv->root_bytes = root_entries * FAT_DIRENT;
    fv->data_off = meta * bps;
    /* clusters past what the FAT can describe are not usable */
    entries = fv->fat_bytes * 8 / (uint64_t)fv->bits;
    max = MIN(clusters + 1, entries - 1);
    max = MIN(max, fv->bits == 12 ? 0xFF6u : fv->bits == 16 ? 0xFFF6u : 0x0FFFFFF6u);
    if (max < 2) {
        free(fv);
        return -ENODEV;
    }
    fv->max_cluster = (uint32_t)max;
    fv->dev_bytes = drive_bytes(vol->drive);
    if (fv->data_off > fv->dev_bytes) {
        int rc = shell_error(-EBADIMG, "%s: FAT volume is truncated: its FATs and root directory "
                             "end at byte %llu, the device has %llu", vol->dev,
                             (unsigned long long)fv->data_off, (unsigned long long)fv->dev_bytes);
        free(fv);
        return rc;
    }
    if (fat32) {
        fv->root_cluster = le32(b + 44);
        if (fv->root_cluster < 2 || fv->root_cluster > fv->max_cluster) {
            free(fv);
            return shell_error(-EBADIMG, "%s: FAT32 root directory cluster %u is out of range "
                               "(2..%u)", vol->dev, le32(b + 44), (unsigned)max);
        }
    }
    ext = fat32 ? 0x40 : 0x24;
    memset(fv->label, ' ', sizeof(fv->label));
    if (b[ext + 2] == 0x28 || b[ext + 2] == 0x29) {
        fv->has_serial = true;
        fv->serial = le32(b + ext + 3);
        if (b[ext + 2] == 0x29)
            memcpy(fv->label, b + ext + 7, sizeof(fv->label));
    }
    vol->priv = fv;
    vol->type = fv->bits == 12 ? "fat12" : fv->bits == 16 ? "fat16" : "fat32";
    return 0;
}

static void fat_unmount(struct fs_volume *vol)
{
    struct fat_vol *fv = vol->priv;
    if (!fv)
        return;
    for (int i = 0; i < FAT_WINDOWS; i++)
        free(fv->win[i].buf);
    free(fv);
    vol->priv = NULL;
}

/* ---- paths, by fs_walk ---- */

static int walk_root(struct fs_volume *vol, struct fs_node **out)
{
    struct fat_file *ff = root_new(vol);
    if (!ff)
        return -ENOMEM;
    *out = &ff->node;
    return 0;
}

static int walk_lookup(struct fs_volume *vol, struct fs_node *dir, const char *name,
                       const char *where, struct fs_node **out)
{
    struct fat_vol *fv = vol->priv;
    struct fat_entry *e = malloc(sizeof(*e));
    struct fat_file *child;
    int rc;
    if (!e)
        return -ENOMEM;
    rc = dir_find(vol, (struct fat_file *)dir, name, e);
    if (rc <= 0) {
        free(e);
        return rc ? rc : -ENOENT;
    }
    rc = 0;
    if (e->cluster == 1 || e->cluster > fv->max_cluster || (!e->cluster && (e->attr & ATTR_DIR)))
        rc = shell_error(-EBADIMG, "%s: %s: first cluster %u is out of range (2..%u)", vol->dev,
                         where, e->cluster, fv->max_cluster);
    else if (!(child = file_new(where, strlen8(where), e->attr & ATTR_DIR, e->cluster,
                                e->attr & ATTR_DIR ? FAT_DIR_MAX : e->size)))
        rc = -ENOMEM;
    else
        *out = &child->node;
    free(e);
    return rc;
}

static void walk_put(struct fs_node *node) { file_free((struct fat_file *)node); }

static const struct fs_walk_ops fat_walk = {
    .root = walk_root,
    .lookup = walk_lookup,
    .put = walk_put,
};

static int fat_open(struct fs_volume *vol, const char *path, struct fs_file **out)
{
    int rc;
    if (!vol->drive)
        return -ENODEV;
    rc = fs_walk_open(vol, &fat_walk, path, out);
    if (!rc && !(*out)->is_dir)
        (*out)->size = ((struct fat_file *)(*out)->priv)->limit;
    return rc;
}

static int fat_read(struct fs_file *f, uint64_t off, void *buf, size_t len, size_t *got)
{
    struct fat_file *ff = f->priv;
    int rc;
    *got = 0;
    if (!f->vol->drive)
        return -ENODEV;
    if (off >= f->size || !len)
        return 0;
    len = (size_t)MIN((uint64_t)len, f->size - off);
    rc = file_map(f->vol, ff, f->size);
    if (rc)
        return rc;
    return runs_read(f->vol, ff, off, buf, len, got);
}

static int fat_readdir(struct fs_file *dir, struct fs_dirent *ent)
{
    struct fat_file *ff = dir->priv;
    struct fat_entry e;
    int rc;
    if (!dir->vol->drive)
        return -ENODEV;
    if (!ff->it && !(ff->it = iter_new(ff, false)))
        return -ENOMEM;
    rc = dir_next(dir->vol, ff->it, &e);
    if (rc != 1)
        return rc;
    utf8_copy(ent->name, sizeof(ent->name), e.name);
    ent->is_dir = (e.attr & ATTR_DIR) != 0;
    ent->size = ent->is_dir ? 0 : e.size;
    return 1;
}

static void fat_close(struct fs_file *f)
{
    file_free(f->priv);
    free(f);
}

/* The root directory's volume-label entry, else the BPB's; "NO NAME" is none. */
static int fat_label(struct fs_volume *vol, char *buf, size_t size)
{
    struct fat_vol *fv = vol->priv;
    const uint8_t *raw = fv->label;
    struct fat_entry *e;
    struct fat_file *root;
    struct dir_iter *it = NULL;
    char name[11 * 3 + 1];
    int rc = -ENOMEM;
    if (!vol->drive)
        return -ENODEV;
    e = malloc(sizeof(*e));
    root = root_new(vol);
    if (root)
        it = iter_new(root, true);
    if (e && it) {
        rc = dir_next(vol, it, e);
        if (rc == 1)
            raw = e->raw;
    }
    if (rc >= 0) {
        oem_append(name, 0, raw, 11, false);
        rc = !name[0] || strcmp8(name, "NO NAME") == 0 ? -ENOENT : 0;
        if (rc == 0)
            utf8_copy(buf, size, name);
    }
    free(it);
    file_free(root);
    free(e);
    return rc;
}

/* grub4dos' form of the volume serial: "1234-ABCD". */
static int fat_uuid(struct fs_volume *vol, char *buf, size_t size)
{
    struct fat_vol *fv = vol->priv;
    if (!fv->has_serial)
        return -ENOENT;
    snprintf(buf, size, "%04X-%04X", fv->serial >> 16, fv->serial & 0xFFFF);
    return 0;
}

static int fat_extents(struct fs_file *f, struct fs_extent **out, size_t *n)
{
    struct fat_file *ff = f->priv;
    struct fs_extent *ext;
    size_t k = 0;
    int rc;
    if (!f->vol->drive)
        return -ENODEV;
    rc = file_map(f->vol, ff, f->size);
    if (rc)
        return rc;
    while (k < ff->nruns && ff->runs[k].file_off < f->size)
        k++;
    ext = malloc(MAX(k, (size_t)1) * sizeof(*ext));
    if (!ext)
        return -ENOMEM;
    memcpy(ext, ff->runs, k * sizeof(*ext));
    if (k)
        ext[k - 1].len = f->size - ext[k - 1].file_off; /* the last cluster's tail is not the file's */
    *out = ext;
    *n = k;
    return 0;
}

FILESYSTEM(fat, 10) = {
    .name = "fat",
    .mount = fat_mount,
    .unmount = fat_unmount,
    .open = fat_open,
    .read = fat_read,
    .readdir = fat_readdir,
    .close = fat_close,
    .label = fat_label,
    .uuid = fat_uuid,
    .extents = fat_extents,
};
