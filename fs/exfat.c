/*
 * exFAT, read-only: SDXC cards, large USB sticks, and volumes made by
 * mkfs.exfat.
 *
 * The boot sector is checked field by field and the boot region against its
 * checksum. Files and directories are cluster chains through the FAT, or,
 * with the stream extension's NoFatChain flag, one contiguous run; either
 * way a file becomes a list of runs, so a read is one drive_read_bytes() per
 * run it touches. Bytes past a file's ValidDataLength read as zeros (and are
 * holes in its extents). Names are UTF-16 in entry sets (File, Stream
 * Extension, File Name entries) whose checksum is verified; lookups fold
 * case through the volume's own up-case table.
 *
 * On-disk values are hostile: cluster numbers are range-checked, chain walks
 * are bounded by the file's size and the heap's cluster count and checked
 * for loops (Brent's cycle finding, then a sort for clusters used twice),
 * directories are capped at the spec's 256 MiB, entry sets must fit their
 * directory, and nothing is read past the device. Corruption is -EBADIMG
 * with a message naming the device.
 */
#include "fs.h"

#include "../src/err.h"
#include "../src/shell.h"

#define EX_DIRENT 32
#define EX_DIR_MAX (256u << 20)     /* the spec's limit on a directory's size */
#define EX_DIR_CHUNK 4096           /* directory bytes read at a time */
#define EX_WINDOW (64u << 10)       /* bytes of FAT per cache window */
#define EX_WINDOWS 4
#define EX_NAME_MAX 255             /* UTF-16 units */
#define EX_SET_MAX 19               /* a File entry and at most 18 secondaries */
#define EX_UPCASE_MAX (128u << 10)  /* an uncompressed table is 65536 units */

#define EX_EOC 0xFFFFFFFFu
#define EX_BAD 0xFFFFFFF7u

#define T_BITMAP 0x81
#define T_UPCASE 0x82
#define T_LABEL 0x83
#define T_FILE 0x85
#define T_STREAM 0xC0
#define T_NAME 0xC1

#define ATTR_DIR 0x10
#define FLAG_NOFATCHAIN 0x02

struct ex_window {
    uint8_t *buf;
    uint64_t index;
    size_t len;     /* 0: empty */
};

struct ex_vol {
    uint32_t cluster;      /* bytes per cluster */
    uint64_t fat_off, fat_bytes;
    uint64_t heap_off;     /* cluster 2 */
    uint32_t count;        /* clusters in the heap: valid numbers are 2..count+1 */
    uint32_t root;         /* the root directory's first cluster */
    uint32_t serial;
    uint64_t dev_bytes;
    uint16_t *upcase;      /* 65536 entries */
    char label[11 * 3 + 1];
    struct ex_window win[EX_WINDOWS];
    unsigned next_win;
};

struct dir_iter;

/* An open file or directory, its clusters as runs (files: mapped at the first read). */
struct ex_file {
    struct fs_node node;   /* first: fs_walk's view (id: the first cluster) */
    char *path;            /* for messages */
    bool is_dir;
    bool nofat;
    bool mapped_all;
    uint32_t first;
    uint64_t size, valid;
    struct fs_extent *runs;
    size_t nruns, cap, hint;
    uint64_t mapped;
    struct dir_iter *it;
};

/* One file's entry set, decoded and checked. */
struct ex_entry {
    uint16_t name16[EX_NAME_MAX];
    size_t name_len;
    char name[EX_NAME_MAX * 3 + 1];
    bool is_dir, nofat;
    uint32_t first;
    uint64_t size, valid;
};

struct dir_iter {
    uint64_t pos;          /* byte offset of the next entry */
    uint64_t buf_off;
    size_t buf_len;
    uint8_t buf[EX_DIR_CHUNK];
};

static const char *what(const struct ex_file *xf) { return xf->is_dir ? "directory" : "file"; }

/* ---- the FAT and cluster chains ---- */

/* The FAT entry of cluster c (2..count+1, checked by the caller), through the window cache. */
static int fat_get(struct fs_volume *vol, uint32_t c, uint32_t *next)
{
    struct ex_vol *xv = vol->priv;
    uint64_t off = (uint64_t)c * 4, index = off / EX_WINDOW;
    size_t pos = (size_t)(off % EX_WINDOW);
    struct ex_window *w = NULL;
    for (int i = 0; i < EX_WINDOWS; i++)
        if (xv->win[i].len && xv->win[i].index == index)
            w = &xv->win[i];
    if (!w) {
        size_t len;
        int rc;
        if (index * EX_WINDOW >= xv->fat_bytes)
            return shell_error(-EBADIMG, "%s: exFAT entry %u is outside the FAT", vol->dev, c);
        len = (size_t)MIN((uint64_t)EX_WINDOW, xv->fat_bytes - index * EX_WINDOW);
        w = &xv->win[xv->next_win];
        xv->next_win = (xv->next_win + 1) % EX_WINDOWS;
        if (!w->buf && !(w->buf = malloc(EX_WINDOW)))
            return -ENOMEM;
        w->len = 0;
        w->index = index;
        rc = drive_read_bytes(vol->drive, xv->fat_off + index * EX_WINDOW, w->buf, len);
        if (rc)
            return shell_error(rc, "%s: cannot read the exFAT FAT at byte %llu", vol->dev,
                               (unsigned long long)(xv->fat_off + index * EX_WINDOW));
        w->len = len;
    }
    if (pos + 4 > w->len)
        return shell_error(-EBADIMG, "%s: exFAT entry %u is outside the FAT", vol->dev, c);
    *next = le32(w->buf + pos);
    return 0;
}

static bool in_heap(const struct ex_vol *xv, uint32_t c)
{
    return c >= 2 && (uint64_t)c <= (uint64_t)xv->count + 1;
}

/* Append n clusters from c to xf's runs, merging with the last run when contiguous. */
static int runs_add(struct fs_volume *vol, struct ex_file *xf, uint32_t c, uint64_t n)
{
    struct ex_vol *xv = vol->priv;
    uint64_t off = xv->heap_off + (uint64_t)(c - 2) * xv->cluster, len = n * xv->cluster;
    struct fs_extent *last = xf->nruns ? &xf->runs[xf->nruns - 1] : NULL;
    if (off + len > xv->dev_bytes)
        return shell_error(-EBADIMG, "%s: %s %s: cluster %llu is past the end of the device "
                           "(truncated image?)", vol->dev, what(xf), xf->path,
                           (unsigned long long)(off >= xv->dev_bytes ? c :
                               c + (xv->dev_bytes - off) / xv->cluster));
    if (last && last->disk_off + last->len == off) {
        last->len += len;
    } else {
        if (xf->nruns == xf->cap) {
            size_t cap = xf->cap ? xf->cap * 2 : 8;
            struct fs_extent *runs = realloc(xf->runs, cap * sizeof(*runs));
            if (!runs)
                return -ENOMEM;
            xf->runs = runs;
            xf->cap = cap;
        }
        xf->runs[xf->nruns++] = (struct fs_extent){ xf->mapped, off, len };
    }
    xf->mapped += len;
    return 0;
}

static void swap_runs(struct fs_extent *a, struct fs_extent *b)
{
    struct fs_extent t = *a;
    *a = *b;
    *b = t;
}

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

/* A cluster used twice in one chain is a loop Brent may not have reached: sort and compare. */
static int runs_check_overlap(struct fs_volume *vol, struct ex_file *xf)
{
    struct ex_vol *xv = vol->priv;
    struct fs_extent *s;
    size_t n = xf->nruns;
    if (n < 2)
        return 0;
    s = malloc(n * sizeof(*s));
    if (!s)
        return -ENOMEM;
    memcpy(s, xf->runs, n * sizeof(*s));
    for (size_t i = n / 2; i-- > 0;)   /* heapsort: no recursion, n log n */
        sift_down(s, i, n);
    for (size_t end = n; end-- > 1;) {
        swap_runs(&s[0], &s[end]);
        sift_down(s, 0, end);
    }
    for (size_t i = 1; i < n; i++)
        if (s[i].disk_off < s[i - 1].disk_off + s[i - 1].len) {
            uint64_t c = (s[i].disk_off - xv->heap_off) / xv->cluster + 2;
            free(s);
            return shell_error(-EBADIMG, "%s: %s %s: exFAT cluster chain loops at cluster %llu",
                               vol->dev, what(xf), xf->path, (unsigned long long)c);
        }
    free(s);
    return 0;
}

/*
 * Map xf's clusters into runs: want bytes of them, or for the root directory
 * (want == 0 with is_dir) the whole chain up to EX_DIR_MAX.
 */
static int file_map(struct fs_volume *vol, struct ex_file *xf, uint64_t want, bool to_end)
{
    struct ex_vol *xv = vol->priv;
    uint64_t need, steps = 0, power = 1, lam = 0;
    uint32_t c = xf->first, saved = 0;
    int rc;
    if (xf->mapped_all)
        return 0;
    need = to_end ? EX_DIR_MAX / xv->cluster : (want + xv->cluster - 1) / xv->cluster;
    if (!need) {
        xf->mapped_all = true;
        return 0;
    }
    if (!in_heap(xv, c))
        return shell_error(-EBADIMG, "%s: %s %s: first cluster %u is out of range (2..%llu)",
                           vol->dev, what(xf), xf->path, c, (unsigned long long)xv->count + 1);
    if (xf->nofat) {
        if ((uint64_t)c + need - 1 > (uint64_t)xv->count + 1)
            return shell_error(-EBADIMG, "%s: %s %s: contiguous clusters %u..%llu run past the "
                               "cluster heap (2..%llu)", vol->dev, what(xf), xf->path, c,
                               (unsigned long long)(c + need - 1),
                               (unsigned long long)xv->count + 1);
        rc = runs_add(vol, xf, c, need);
        if (rc)
            return rc;
        xf->mapped_all = true;
        return 0;
    }
    for (;;) {
        uint32_t next = 0;
        rc = runs_add(vol, xf, c, 1);
        if (rc)
            return rc;
        if (++steps >= need)
            break;
        rc = fat_get(vol, c, &next);
        if (rc)
            return rc;
        if (next == EX_EOC) {
            if (to_end)
                break;
            return shell_error(-EBADIMG, "%s: %s %s: cluster chain ends early (%llu of %llu "
                               "bytes)", vol->dev, what(xf), xf->path,
                               (unsigned long long)xf->mapped, (unsigned long long)want);
        }
        if (!in_heap(xv, next))
            return shell_error(-EBADIMG, "%s: %s %s: cluster %u links to %s cluster %u (heap "
                               "is 2..%llu)", vol->dev, what(xf), xf->path, c,
                               next == EX_BAD ? "a bad" : next ? "out-of-range" : "a free", next,
                               (unsigned long long)xv->count + 1);
        /*
         * Brent: `saved` moves to the newest cluster at every power of two,
         * so a loop comes back to it within about twice its length; more
         * steps than the heap has clusters is a loop too.
         */
        if (next == saved || steps > xv->count)
            return shell_error(-EBADIMG, "%s: %s %s: exFAT cluster chain loops at cluster %u",
                               vol->dev, what(xf), xf->path, next);
        if (++lam >= power) {
            saved = c;
            power *= 2;
            lam = 0;
        }
        c = next;
    }
    rc = runs_check_overlap(vol, xf);
    if (rc)
        return rc;
    xf->mapped_all = true;
    return 0;
}

/* The run holding file offset off (which the runs cover). */
static size_t run_find(struct ex_file *xf, uint64_t off)
{
    size_t lo = 0, hi = xf->nruns;
    for (size_t i = xf->hint; i < xf->nruns && i < xf->hint + 2; i++)
        if (off >= xf->runs[i].file_off && off - xf->runs[i].file_off < xf->runs[i].len)
            return i;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (xf->runs[mid].file_off <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Copy [off, off+len) of the mapped runs (which cover it): one device read per run. */
static int runs_read(struct fs_volume *vol, struct ex_file *xf, uint64_t off, void *buf,
                     size_t len)
{
    size_t done = 0, i;
    if (!len)
        return 0;
    if (off + len > xf->mapped)
        return shell_error(-EBADIMG, "%s: %s %s: read past its clusters", vol->dev, what(xf),
                           xf->path);
    i = run_find(xf, off);
    while (done < len && i < xf->nruns) {
        const struct fs_extent *r = &xf->runs[i];
        uint64_t in = off + done - r->file_off;
        size_t n = (size_t)MIN((uint64_t)(len - done), r->len - in);
        int rc = drive_read_bytes(vol->drive, r->disk_off + in, (uint8_t *)buf + done, n);
        if (rc)
            return shell_error(rc, "%s: %s %s: cannot read %zu bytes at byte %llu", vol->dev,
                               what(xf), xf->path, n, (unsigned long long)(r->disk_off + in));
        done += n;
        xf->hint = i++;
    }
    return 0;
}

static struct ex_file *file_new(const char *path, size_t path_len, bool is_dir)
{
    struct ex_file *xf = calloc(1, sizeof(*xf));
    if (!xf)
        return NULL;
    xf->path = strndup8(path_len ? path : "/", path_len ? path_len : 1);
    if (!xf->path) {
        free(xf);
        return NULL;
    }
    xf->is_dir = is_dir;
    xf->node.kind = is_dir ? FS_NODE_DIR : FS_NODE_FILE;
    return xf;
}

static void file_free(struct ex_file *xf)
{
    if (!xf)
        return;
    free(xf->it);
    free(xf->runs);
    free(xf->path);
    free(xf);
}

/* The root directory, its chain mapped: it has no size but its chain's. */
static int root_new(struct fs_volume *vol, struct ex_file **out)
{
    struct ex_vol *xv = vol->priv;
    struct ex_file *xf = file_new("/", 1, true);
    int rc;
    if (!xf)
        return -ENOMEM;
    xf->first = xv->root;
    xf->node.id = xv->root;
    rc = file_map(vol, xf, 0, true);
    if (rc) {
        file_free(xf);
        return rc;
    }
    xf->size = xf->valid = xf->mapped;
    *out = xf;
    return 0;
}

/* ---- directories ---- */

/* The 32-byte entry at pos of directory xf into d: 1, 0 past its end, or an error. */
static int dir_entry(struct fs_volume *vol, struct ex_file *xf, struct dir_iter *it,
                     uint64_t pos, uint8_t *d)
{
    if (pos + EX_DIRENT > xf->size)
        return 0;
    if (pos < it->buf_off || pos + EX_DIRENT > it->buf_off + it->buf_len) {
        uint64_t at = pos - pos % EX_DIR_CHUNK;
        size_t n = (size_t)MIN((uint64_t)EX_DIR_CHUNK, xf->size - at);
        int rc;
        it->buf_len = 0;
        rc = runs_read(vol, xf, at, it->buf, n);
        if (rc)
            return rc;
        it->buf_off = at;
        it->buf_len = n;
    }
    memcpy(d, it->buf + (pos - it->buf_off), EX_DIRENT);
    return 1;
}

static uint16_t set_checksum(const uint8_t *set, size_t n)
{
    uint16_t sum = 0;
    for (size_t i = 0; i < n * EX_DIRENT; i++)
        if (i != 2 && i != 3)
            sum = (uint16_t)(((sum & 1) ? 0x8000 : 0) + (sum >> 1) + set[i]);
    return sum;
}

/* UTF-16 units to UTF-8 (surrogate pairs joined, lone ones U+FFFD); false for an unusable name. */
static bool name_to_utf8(const uint16_t *u, size_t n, char *out, size_t size)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = u[i];
        char tmp[4];
        size_t k;
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n && u[i + 1] >= 0xDC00 && u[i + 1] <= 0xDFFF)
            c = 0x10000 + ((c - 0xD800) << 10) + (u[++i] - 0xDC00u);
        if (c == 0 || c == '/')
            return false;
        k = utf8_encode(c, tmp);
        if (len + k >= size)
            return false;
        memcpy(out + len, tmp, k);
        len += k;
    }
    out[len] = 0;
    return len > 0 && strcmp8(out, ".") != 0 && strcmp8(out, "..") != 0;
}

/* Decode and check the entry set whose File entry is at pos (read into set[0]). */
static int entry_set(struct fs_volume *vol, struct ex_file *dir, struct dir_iter *it,
                     uint64_t pos, uint8_t *set, struct ex_entry *e, unsigned *count)
{
    struct ex_vol *xv = vol->priv;
    unsigned n = set[1], names;
    const uint8_t *s = set + EX_DIRENT;
    int rc;
    if (n < 2 || n > EX_SET_MAX - 1)
        return shell_error(-EBADIMG, "%s: directory %s: File entry at byte %llu has %u secondary "
                           "entries (2..18)", vol->dev, dir->path, (unsigned long long)pos, n);
    for (unsigned i = 1; i <= n; i++) {
        rc = dir_entry(vol, dir, it, pos + (uint64_t)i * EX_DIRENT, set + i * EX_DIRENT);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return shell_error(-EBADIMG, "%s: directory %s: entry set at byte %llu runs past the "
                               "directory's end", vol->dev, dir->path, (unsigned long long)pos);
        if ((set[i * EX_DIRENT] & 0xC0) != 0xC0)
            return shell_error(-EBADIMG, "%s: directory %s: entry set at byte %llu: entry %u "
                               "(type 0x%02X) is not an in-use secondary entry", vol->dev,
                               dir->path, (unsigned long long)pos, i, set[i * EX_DIRENT]);
    }
    if (set_checksum(set, n + 1) != le16(set + 2))
        return shell_error(-EBADIMG, "%s: directory %s: entry set at byte %llu: checksum 0x%04X, "
                           "expected 0x%04X", vol->dev, dir->path, (unsigned long long)pos,
                           le16(set + 2), set_checksum(set, n + 1));
    e->name_len = s[3];
    names = (unsigned)(e->name_len + 14) / 15;
    if (s[0] != T_STREAM || !e->name_len || names > n - 1)
        return shell_error(-EBADIMG, "%s: directory %s: entry set at byte %llu: bad stream "
                           "extension (type 0x%02X, name length %u)", vol->dev, dir->path,
                           (unsigned long long)pos, s[0], s[3]);
    for (unsigned i = 0; i < names; i++) {
        const uint8_t *ne = set + (2 + i) * EX_DIRENT;
        if (ne[0] != T_NAME)
            return shell_error(-EBADIMG, "%s: directory %s: entry set at byte %llu: entry %u "
                               "(type 0x%02X) is not a File Name entry", vol->dev, dir->path,
                               (unsigned long long)pos, 2 + i, ne[0]);
        for (unsigned k = 0; k < 15 && i * 15 + k < e->name_len; k++)
            e->name16[i * 15 + k] = le16(ne + 2 + 2 * k);
    }
    if (!name_to_utf8(e->name16, e->name_len, e->name, sizeof(e->name)))
        return shell_error(-EBADIMG, "%s: directory %s: entry set at byte %llu has an invalid "
                           "name", vol->dev, dir->path, (unsigned long long)pos);
    e->is_dir = (le16(set + 4) & ATTR_DIR) != 0;
    e->nofat = (s[1] & FLAG_NOFATCHAIN) != 0;
    e->valid = le64(s + 8);
    e->first = le32(s + 20);
    e->size = le64(s + 24);
    if (e->is_dir)
        e->valid = e->size;
    if (e->size && !in_heap(xv, e->first))
        return shell_error(-EBADIMG, "%s: %s %s/%s: first cluster %u is out of range (2..%llu)",
                           vol->dev, e->is_dir ? "directory" : "file",
                           dir->path[1] ? dir->path : "", e->name, e->first,
                           (unsigned long long)xv->count + 1);
    if (e->valid > e->size || e->size > (uint64_t)xv->count * xv->cluster ||
        (e->is_dir && (!e->size || e->size > EX_DIR_MAX)))
        return shell_error(-EBADIMG, "%s: %s %s/%s: bad stream extension (first cluster %u, "
                           "size %llu, valid size %llu)", vol->dev,
                           e->is_dir ? "directory" : "file", dir->path[1] ? dir->path : "",
                           e->name, e->first, (unsigned long long)e->size,
                           (unsigned long long)e->valid);
    *count = n + 1;
    return 0;
}

/* The next file or directory of dir: 1 with *e filled, 0 at its end, or an error. */
static int dir_next(struct fs_volume *vol, struct ex_file *dir, struct dir_iter *it,
                    struct ex_entry *e)
{
    uint8_t set[EX_SET_MAX * EX_DIRENT];
    for (;;) {
        unsigned count = 0;
        int rc = dir_entry(vol, dir, it, it->pos, set);
        if (rc <= 0)
            return rc;
        if (set[0] == 0) {
            it->pos = dir->size; /* the end marker: nothing after it is in use */
            return 0;
        }
        if (set[0] != T_FILE) {
            it->pos += EX_DIRENT; /* unused, deleted, volume metadata, or a stray secondary */
            continue;
        }
        rc = entry_set(vol, dir, it, it->pos, set, e, &count);
        if (rc)
            return rc;
        it->pos += (uint64_t)count * EX_DIRENT;
        return 1;
    }
}

/* Name to UTF-16 for a lookup; 0 when it cannot be an exFAT name. */
static size_t utf8_to_name(const char *s, uint16_t *u)
{
    size_t n = 0;
    while (*s) {
        size_t len;
        uint32_t c = utf8_decode(s, &len);
        s += len ? len : 1;
        if (c >= 0x10000) {
            if (n + 2 > EX_NAME_MAX)
                return 0;
            c -= 0x10000;
            u[n++] = (uint16_t)(0xD800 + (c >> 10));
            u[n++] = (uint16_t)(0xDC00 + (c & 0x3FF));
        } else {
            if (n + 1 > EX_NAME_MAX)
                return 0;
            u[n++] = (uint16_t)c;
        }
    }
    return n;
}

/* Find a name in dir, case folded through the volume's up-case table: 1, 0, or an error. */
static int dir_find(struct fs_volume *vol, struct ex_file *dir, const char *name,
                    struct ex_entry *e)
{
    struct ex_vol *xv = vol->priv;
    uint16_t want[EX_NAME_MAX];
    size_t n = utf8_to_name(name, want);
    struct dir_iter *it;
    int rc;
    if (!n)
        return 0;
    it = calloc(1, sizeof(*it));
    if (!it)
        return -ENOMEM;
    while ((rc = dir_next(vol, dir, it, e)) == 1) {
        size_t i = 0;
        if (e->name_len != n)
            continue;
        while (i < n && xv->upcase[e->name16[i]] == xv->upcase[want[i]])
            i++;
        if (i == n)
            break;
    }
    free(it);
    return rc;
}

/* ---- mounting ---- */

/* The boot region checksum (sectors 0..10), VolumeFlags and PercentInUse left out. */
static uint32_t boot_checksum(const uint8_t *b, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < len; i++)
        if (i != 106 && i != 107 && i != 112)
            sum = ((sum & 1) ? 0x80000000u : 0) + (sum >> 1) + b[i];
    return sum;
}

/* Load the up-case table (compressed: 0xFFFF and a count is a run of identity mappings). */
static int upcase_load(struct fs_volume *vol, uint32_t first, uint64_t size)
{
    struct ex_vol *xv = vol->priv;
    struct ex_file *xf = file_new("/(up-case table)", 16, false);
    uint8_t *t = NULL;
    size_t len = (size_t)MIN(size, (uint64_t)EX_UPCASE_MAX), idx = 0;
    int rc;
    if (!xf)
        return -ENOMEM;
    xf->first = first;
    xf->size = size;
    xf->nofat = true; /* read as one run, as Linux does: formatters write it contiguous */
    rc = size ? file_map(vol, xf, len, false) : 0;
    if (!rc && !(t = malloc(MAX(len, (size_t)1))))
        rc = -ENOMEM;
    if (!rc)
        rc = runs_read(vol, xf, 0, t, len);
    for (size_t j = 0; !rc && j + 1 < len && idx < 65536; j += 2) {
        uint16_t v = le16(t + j);
        if (v == 0xFFFF && j + 3 < len) {
            idx += le16(t + j + 2);
            j += 2;
        } else {
            xv->upcase[idx++] = v;
        }
    }
    free(t);
    file_free(xf);
    return rc;
}

/* Scan the root directory for the allocation bitmap, the up-case table and the label. */
static int root_scan(struct fs_volume *vol)
{
    struct ex_vol *xv = vol->priv;
    struct ex_file *root;
    struct dir_iter *it = calloc(1, sizeof(*it));
    bool bitmap = false, upcase = false, label = false;
    uint8_t d[EX_DIRENT];
    int rc = it ? root_new(vol, &root) : -ENOMEM;
    if (rc) {
        free(it);
        return rc;
    }
    for (uint64_t pos = 0; !(bitmap && upcase && label); pos += EX_DIRENT) {
        rc = dir_entry(vol, root, it, pos, d);
        if (rc <= 0 || d[0] == 0)
            break;
        if (d[0] == T_BITMAP && !bitmap && !(d[1] & 1)) {
            uint32_t c = le32(d + 20);
            bitmap = true;
            if (!in_heap(xv, c) || le64(d + 24) < (xv->count + 7) / 8) {
                rc = shell_error(-EBADIMG, "%s: exFAT allocation bitmap (cluster %u, %llu bytes) "
                                 "is out of range", vol->dev, c,
                                 (unsigned long long)le64(d + 24));
                break;
            }
        } else if (d[0] == T_UPCASE && !upcase) {
            upcase = true;
            rc = upcase_load(vol, le32(d + 20), le64(d + 24));
            if (rc)
                break;
        } else if (d[0] == T_LABEL && !label) {
            uint16_t u[11];
            unsigned n = MIN(d[1], 11u);
            label = true;
            for (unsigned i = 0; i < n; i++)
                u[i] = le16(d + 2 + 2 * i);
            if (n && !name_to_utf8(u, n, xv->label, sizeof(xv->label)))
                xv->label[0] = 0;
        }
    }
    if (rc >= 0 && !bitmap)
        rc = shell_error(-EBADIMG, "%s: exFAT root directory has no allocation bitmap", vol->dev);
    free(it);
    file_free(root);
    return rc < 0 ? rc : 0;
}

static void exfat_unmount(struct fs_volume *vol)
{
    struct ex_vol *xv = vol->priv;
    if (!xv)
        return;
    for (int i = 0; i < EX_WINDOWS; i++)
        free(xv->win[i].buf);
    free(xv->upcase);
    free(xv);
    vol->priv = NULL;
}

static int exfat_mount(struct fs_volume *vol)
{
    uint8_t b[512], *region;
    struct ex_vol *xv;
    unsigned bps_shift, spc_shift, nfats;
    uint32_t fat_off, fat_len, heap_off, count, bps;
    uint64_t dev;
    int rc;

    if (!vol->drive || drive_bytes(vol->drive) < sizeof(b) ||
        drive_read_bytes(vol->drive, 0, b, sizeof(b)) || memcmp(b + 3, "EXFAT   ", 8) != 0)
        return -ENODEV;
    dev = drive_bytes(vol->drive);
    bps_shift = b[108];
    spc_shift = b[109];
    nfats = b[110];
    fat_off = le32(b + 80);
    fat_len = le32(b + 84);
    heap_off = le32(b + 88);
    count = le32(b + 92);
    if (bps_shift < 9 || bps_shift > 12 || spc_shift > 25 - bps_shift || nfats < 1 ||
        nfats > 2 || le16(b + 510) != 0xAA55 || fat_off < 24 || !count ||
        count > 0xFFFFFFF5u || (uint64_t)fat_len << bps_shift < ((uint64_t)count + 2) * 4 ||
        heap_off < (uint64_t)fat_off + (uint64_t)fat_len * nfats)
        return shell_error(-EBADIMG, "%s: bad exFAT boot sector (sector shift %u, cluster shift "
                           "%u, %u FATs, FAT at %u+%u, heap at %u, %u clusters)", vol->dev,
                           bps_shift, spc_shift, nfats, fat_off, fat_len, heap_off, count);
    bps = 1u << bps_shift;
    if (dev < 12ull * bps)
        return shell_error(-EBADIMG, "%s: exFAT volume is truncated: no room for its boot region",
                           vol->dev);
    region = malloc(12 * bps);
    if (!region)
        return -ENOMEM;
    rc = drive_read_bytes(vol->drive, 0, region, 12 * bps);
    if (!rc && boot_checksum(region, 11 * (size_t)bps) != le32(region + 11 * bps))
        rc = shell_error(-EBADIMG, "%s: exFAT boot region checksum is 0x%08X, sector 11 says "
                         "0x%08X", vol->dev, boot_checksum(region, 11 * (size_t)bps),
                         le32(region + 11 * bps));
    free(region);
    if (rc)
        return rc;

    xv = calloc(1, sizeof(*xv));
    if (!xv || !(xv->upcase = malloc(65536 * sizeof(uint16_t)))) {
        free(xv);
        return -ENOMEM;
    }
    vol->priv = xv;
    /* without an up-case table, fold ASCII only */
    for (uint32_t i = 0; i < 65536; i++)
        xv->upcase[i] = (uint16_t)(i >= 'a' && i <= 'z' ? i - 32 : i);
    xv->cluster = 1u << (bps_shift + spc_shift);
    /* ActiveFat (VolumeFlags bit 0) picks the second FAT when there are two */
    xv->fat_off = ((uint64_t)fat_off + ((le16(b + 106) & 1) && nfats == 2 ? fat_len : 0))
                  << bps_shift;
    xv->fat_bytes = MIN((uint64_t)fat_len << bps_shift, ((uint64_t)count + 2) * 4);
    xv->heap_off = (uint64_t)heap_off << bps_shift;
    xv->count = count;
    xv->root = le32(b + 96);
    xv->serial = le32(b + 100);
    xv->dev_bytes = dev;
    if (xv->fat_off + xv->fat_bytes > dev)
        rc = shell_error(-EBADIMG, "%s: exFAT volume is truncated: its FAT ends at byte %llu, the "
                         "device has %llu", vol->dev,
                         (unsigned long long)(xv->fat_off + xv->fat_bytes),
                         (unsigned long long)dev);
    else if (!in_heap(xv, xv->root))
        rc = shell_error(-EBADIMG, "%s: exFAT root directory cluster %u is out of range "
                         "(2..%llu)", vol->dev, xv->root, (unsigned long long)count + 1);
    else
        rc = root_scan(vol);
    if (rc) {
        exfat_unmount(vol);
        return rc;
    }
    vol->type = "exfat";
    return 0;
}

/* ---- the vtable ---- */

/* Paths, by fs_walk. */
static int walk_root(struct fs_volume *vol, struct fs_node **out)
{
    struct ex_file *xf;
    int rc = root_new(vol, &xf);
    if (!rc)
        *out = &xf->node;
    return rc;
}

static int walk_lookup(struct fs_volume *vol, struct fs_node *dir, const char *name,
                       const char *where, struct fs_node **out)
{
    struct ex_entry *e = malloc(sizeof(*e));
    struct ex_file *child;
    int rc;
    if (!e)
        return -ENOMEM;
    rc = dir_find(vol, (struct ex_file *)dir, name, e);
    if (rc <= 0) {
        free(e);
        return rc ? rc : -ENOENT;
    }
    child = file_new(where, strlen8(where), e->is_dir);
    if (!child) {
        free(e);
        return -ENOMEM;
    }
    child->first = child->node.id = e->first;
    child->nofat = e->nofat;
    child->size = e->size;
    child->valid = e->valid;
    free(e);
    if (child->is_dir && (rc = file_map(vol, child, child->size, false))) {
        file_free(child);
        return rc;
    }
    *out = &child->node;
    return 0;
}

static void walk_put(struct fs_node *node) { file_free((struct ex_file *)node); }

static const struct fs_walk_ops exfat_walk = {
    .root = walk_root,
    .lookup = walk_lookup,
    .put = walk_put,
};

static int exfat_open(struct fs_volume *vol, const char *path, struct fs_file **out)
{
    int rc;
    if (!vol->drive)
        return -ENODEV;
    rc = fs_walk_open(vol, &exfat_walk, path, out);
    if (!rc && !(*out)->is_dir)
        (*out)->size = ((struct ex_file *)(*out)->priv)->size;
    return rc;
}

static int exfat_read(struct fs_file *f, uint64_t off, void *buf, size_t len, size_t *got)
{
    struct ex_file *xf = f->priv;
    size_t data = 0;
    int rc;
    *got = 0;
    if (!f->vol->drive)
        return -ENODEV;
    if (off >= f->size || !len)
        return 0;
    len = (size_t)MIN((uint64_t)len, f->size - off);
    rc = file_map(f->vol, xf, xf->size, false);
    if (rc)
        return rc;
    /* bytes past ValidDataLength are allocated but never written: they read as zeros */
    if (off < xf->valid)
        data = (size_t)MIN((uint64_t)len, xf->valid - off);
    rc = runs_read(f->vol, xf, off, buf, data);
    if (rc)
        return rc;
    memset((uint8_t *)buf + data, 0, len - data);
    *got = len;
    return 0;
}

static int exfat_readdir(struct fs_file *dir, struct fs_dirent *ent)
{
    struct ex_file *xf = dir->priv;
    struct ex_entry *e;
    int rc;
    if (!dir->vol->drive)
        return -ENODEV;
    if (!xf->it && !(xf->it = calloc(1, sizeof(*xf->it))))
        return -ENOMEM;
    e = malloc(sizeof(*e));
    if (!e)
        return -ENOMEM;
    rc = dir_next(dir->vol, xf, xf->it, e);
    if (rc == 1) {
        utf8_copy(ent->name, sizeof(ent->name), e->name);
        ent->is_dir = e->is_dir;
        ent->size = e->is_dir ? 0 : e->size;
    }
    free(e);
    return rc;
}

static void exfat_close(struct fs_file *f)
{
    file_free(f->priv);
    free(f);
}

/* The root directory's volume label entry; -ENOENT when there is none or it is empty. */
static int exfat_label(struct fs_volume *vol, char *buf, size_t size)
{
    struct ex_vol *xv = vol->priv;
    if (!xv->label[0])
        return -ENOENT;
    utf8_copy(buf, size, xv->label);
    return 0;
}

/* The volume serial as FAT shows it: "1234-ABCD". */
static int exfat_uuid(struct fs_volume *vol, char *buf, size_t size)
{
    struct ex_vol *xv = vol->priv;
    snprintf(buf, size, "%04X-%04X", xv->serial >> 16, xv->serial & 0xFFFF);
    return 0;
}

/* The runs up to ValidDataLength, then one hole for the rest. */
static int exfat_extents(struct fs_file *f, struct fs_extent **out, size_t *n)
{
    struct ex_file *xf = f->priv;
    struct fs_extent *ext;
    size_t k = 0;
    int rc;
    if (!f->vol->drive)
        return -ENODEV;
    rc = file_map(f->vol, xf, xf->size, false);
    if (rc)
        return rc;
    ext = malloc((xf->nruns + 1) * sizeof(*ext));
    if (!ext)
        return -ENOMEM;
    for (size_t i = 0; i < xf->nruns && xf->runs[i].file_off < xf->valid; i++) {
        ext[k] = xf->runs[i];
        ext[k].len = MIN(ext[k].len, xf->valid - ext[k].file_off);
        k++;
    }
    if (xf->valid < f->size)
        ext[k++] = (struct fs_extent){ xf->valid, FS_EXTENT_HOLE, f->size - xf->valid };
    *out = ext;
    *n = k;
    return 0;
}

FILESYSTEM(exfat, 11) = {
    .name = "exfat",
    .mount = exfat_mount,
    .unmount = exfat_unmount,
    .open = exfat_open,
    .read = exfat_read,
    .readdir = exfat_readdir,
    .close = exfat_close,
    .label = exfat_label,
    .uuid = exfat_uuid,
    .extents = exfat_extents,
};
