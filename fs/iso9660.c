/*
 * ISO9660 (ECMA-119) with Joliet names and Rock Ridge, read-only: CDs, DVD
 * and install ISOs, and the same images on a hard disk or a hybrid USB stick.
 *
 * Everything is addressed in bytes on vol->drive, because the drive may
 * have 2048-byte blocks (a CD) or 512-byte ones (an image on a disk), and
 * the volume's own logical block size (normally 2048) is independent of
 * both. Volume descriptors and directory records live in 2048-byte logical
 * sectors: descriptors from byte 32768 on, and a directory record never
 * crosses a sector boundary of its directory (a zero length byte pads to the
 * next one).
 *
 * Names: when the primary tree carries Rock Ridge (an SP entry in the
 * root's "." record, then an ER naming RRIP, or, as Linux accepts, Rock
 * Ridge entries without one), its POSIX names, symlinks and relocated deep
 * directories are used, even when a Joliet tree exists too: Rock Ridge keeps
 * case, full 255-byte names and links, which Joliet does not (Linux makes
 * the same choice). Otherwise a Joliet supplementary descriptor, when
 * present, gives the tree whose names are kept (UCS-2 big-endian, shown as
 * UTF-8); otherwise the primary tree's names are shown with their ";1"
 * version cut. Lookups try the exact name first, then one that differs
 * only in case. Paths are walked by fs_walk (fs.c), which follows symlinks
 * (at most FS_SYMLINKS_MAX per path); a listing shows a link as what it
 * points to.
 *
 * A file larger than 4 GiB is several directory records with the same name,
 * all but the last flagged "multi-extent"; this driver joins them into one
 * list of runs, merging the runs that are contiguous on disk so that reads
 * and extents stay large. Every field from the image is checked: extents
 * must lie on the media, record lengths inside their sector, Rock Ridge
 * entries inside their area, continuation areas are counted, and chains are
 * bounded (fs_walk bounds the walk of a path).
 */
#include "fs.h"

#include "../src/err.h"
#include "../src/shell.h"

#define ISO_SECTOR 2048u              /* the logical sector: descriptors, directory records */
#define ISO_VD_START (16u * ISO_SECTOR)
#define ISO_VD_MAX 64                 /* descriptors read before giving up on a terminator */
#define ISO_CHAIN_MAX 4096            /* records per multi-extent file: 16 TiB */
#define ISO_NAME_MAX 768              /* a 255-byte record or Rock Ridge name as UTF-8 */
#define ISO_WALK_MAX (2 * FS_PATH_MAX) /* a listed link's path: its directory and name */
#define RR_CE_MAX 32                  /* continuation areas per record, as Linux allows */

/* volume descriptor fields */
#define VD_TYPE 0
#define VD_ID 1
#define VD_VERSION 6
#define VD_VOLUME_ID 40
#define VD_ESCAPES 88
#define VD_BLOCK_SIZE 128
#define VD_ROOT 156
#define VD_CREATED 813
#define VD_MODIFIED 830
#define VD_PRIMARY 1
#define VD_SUPPLEMENTARY 2
#define VD_TERMINATOR 255

/* directory record fields */
#define DR_LEN 0
#define DR_XATTR_LEN 1
#define DR_LBA 2
#define DR_SIZE 10
#define DR_FLAGS 25
#define DR_UNIT_SIZE 26
#define DR_GAP 27
#define DR_NAME_LEN 32
#define DR_NAME 33
#define DR_MIN 34                     /* 33 bytes and a name of one byte */

#define DR_FLAG_DIR 0x02
#define DR_FLAG_ASSOCIATED 0x04
#define DR_FLAG_MULTI 0x80

/* Rock Ridge (RRIP) flags of NM and of SL's component records */
#define NM_CONTINUE 0x01
#define NM_CURRENT 0x02
#define NM_PARENT 0x04
#define SL_CONTINUE 0x01
#define SL_CURRENT 0x02
#define SL_PARENT 0x04
#define SL_ROOT 0x08
#define SL_VOLROOT 0x10

struct iso_vol {
    uint32_t block_size;
    bool joliet;                      /* names are UCS-2 (the Joliet tree) */
    bool rr;                          /* the primary tree's Rock Ridge entries are read */
    uint8_t rr_skip;                  /* bytes before the entries of a system use area (SP) */
    uint64_t moved_off;               /* rr_moved's extent, once seen to hold relocations */
    uint64_t root_off;                /* the root directory's extent, bytes on the drive */
    uint32_t root_size;
    char label[100];
    uint8_t created[17], modified[17]; /* the primary descriptor's dates */
};

/* One directory record, decoded. */
struct iso_rec {
    uint64_t data_off;                /* first byte of the data on the drive */
    uint32_t size;
    uint8_t flags;
    bool interleaved;
    bool dot;                         /* the self or parent entry */
    uint8_t raw_len;
    uint8_t raw[255];
    char name[ISO_NAME_MAX];
    /* Rock Ridge */
    bool sp, rrip, rr_seen;           /* the mount's probe: SP; ER for RRIP; any RRIP entry */
    uint8_t sp_skip;
    bool relocated;                   /* RE: a directory shown where its CL is */
    bool child;                       /* CL: the directory really is at child_off */
    uint64_t child_off;
    bool link;                        /* SL: a symlink to target */
    char target[FS_PATH_MAX];
};

/* A directory being read: the cursor, one cached sector, the entry last assembled. */
struct iso_dir {
    struct fs_volume *vol;
    uint64_t start;                   /* the extent, bytes on the drive */
    uint32_t size;
    uint64_t pos;                     /* the next record, from start */
    uint64_t loaded;                  /* offset of the sector in buf; UINT64_MAX for none */
    uint8_t buf[ISO_SECTOR];
    bool probe;                       /* the mount reads the root's "." for SP and ER */
    uint64_t ce_loaded;               /* the continuation block in ce; UINT64_MAX for none */
    uint8_t ce[ISO_SECTOR];
    struct iso_rec rec, next;
    /* the last entry: a name and its runs (one per extent, contiguous ones merged) */
    bool is_dir, is_link, interleaved;
    uint64_t size_total;
    uint64_t first_off;               /* the first record's data (a directory's extent) */
    struct fs_extent *runs;
    size_t nruns, cap;
};

struct iso_file {
    struct fs_file f;
    struct iso_dir *dir;              /* directories: the readdir cursor */
    char *path;                       /* directories: as opened, to resolve links they list */
    struct fs_extent *runs;           /* files: where the bytes are, covering [0, size) */
    size_t nruns;
};


/*
 * Identifier bytes as UTF-8: Joliet's are UCS-2 big-endian (surrogate pairs
 * joined), the primary descriptor's are bytes. NUL and '/' could not be
 * looked up, so they become '_'.
 */
static void decode_chars(bool joliet, const uint8_t *raw, size_t n, char *out, size_t size)
{
    size_t o = 0;
    if (joliet) {
        for (size_t i = 0; i + 1 < n; i += 2) {
            uint32_t cp = (uint32_t)raw[i] << 8 | raw[i + 1];
            char tmp[4];
            size_t k;
            if (cp >= 0xD800 && cp < 0xDC00 && i + 3 < n) {
                uint32_t lo = (uint32_t)raw[i + 2] << 8 | raw[i + 3];
                if (lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    i += 2;
                }
            }
            if (cp == 0 || cp == '/')
                cp = '_';
            k = utf8_encode(cp, tmp);
            if (o + k >= size)
                break;
            memcpy(out + o, tmp, k);
            o += k;
        }
    } else {
        for (size_t i = 0; i < n && o + 1 < size; i++)
            out[o++] = raw[i] == 0 || raw[i] == '/' ? '_' : (char)raw[i];
    }
    out[o] = 0;
}

/*
 * A record's name as shown: the ";1" version cut, and for a primary name
 * also the '.' that a name without an extension ends in ("README.;1").
 */
static void decode_name(bool joliet, const uint8_t *raw, size_t n, char *out, size_t size)
{
    size_t len;
    char *semi;
    decode_chars(joliet, raw, n, out, size);
    semi = strrchr8(out, ';');
    if (semi) {
        const char *p = semi + 1;
        while (is_digit((unsigned char)*p))
            p++;
        if (!*p)
            *semi = 0;
    }
    len = strlen8(out);
    if (!joliet && len > 1 && out[len - 1] == '.')
        out[len - 1] = 0;
    if (!out[0])
        strlcpy8(out, "_", size); /* a hostile ";1" must not list as an empty name */
}

static void dir_init(struct iso_dir *d, struct fs_volume *vol, uint64_t start, uint32_t size)
{
    d->vol = vol;
    d->start = start;
    d->size = size;
    d->pos = 0;
    d->loaded = UINT64_MAX;
    d->ce_loaded = UINT64_MAX;
}

static int rr_parse(struct iso_dir *d, struct iso_rec *r, const uint8_t *p);

/* The next record of the directory: 1 with *r filled, 0 at its end, or an error. */
static int dir_next_record(struct iso_dir *d, struct iso_rec *r)
{
    struct iso_vol *iv = d->vol->priv;
    for (;;) {
        uint64_t in = d->pos % ISO_SECTOR, base = d->pos - in;
        uint32_t avail;
        const uint8_t *p;
        int rc;
        if (d->pos >= d->size)
            return 0;
        avail = (uint32_t)MIN((uint64_t)ISO_SECTOR, d->size - base);
        if (d->loaded != base) {
            if (!d->vol->drive)
                return -ENODEV; /* the drive went while the file was open */
            rc = drive_read_bytes(d->vol->drive, d->start + base, d->buf, avail);
            if (rc)
                return rc;
            d->loaded = base;
        }
        p = d->buf + in;
        if (p[DR_LEN] == 0) {
            d->pos = base + ISO_SECTOR; /* the rest of the sector is padding */
            continue;
        }
        if (p[DR_LEN] < DR_MIN || in + p[DR_LEN] > avail || p[DR_NAME_LEN] == 0 ||
            DR_NAME + p[DR_NAME_LEN] > p[DR_LEN])
            return shell_error(-EBADIMG,
                               "%s: ISO9660 directory record at byte %llu is corrupt "
                               "(length %u, name length %u, %u bytes left in its sector)",
                               d->vol->dev, (unsigned long long)(d->start + d->pos), p[DR_LEN],
                               p[DR_NAME_LEN], (unsigned)(avail - in));
        r->data_off = ((uint64_t)le32(p + DR_LBA) + p[DR_XATTR_LEN]) * iv->block_size;
        r->size = le32(p + DR_SIZE);
        r->flags = p[DR_FLAGS];
        r->interleaved = p[DR_UNIT_SIZE] || p[DR_GAP];
        r->raw_len = p[DR_NAME_LEN];
        memcpy(r->raw, p + DR_NAME, r->raw_len);
        r->dot = r->raw_len == 1 && (r->raw[0] == 0 || r->raw[0] == 1);
        if (!r->dot)
            decode_name(iv->joliet, r->raw, r->raw_len, r->name, sizeof(r->name));
        else
            strlcpy8(r->name, r->raw[0] ? ".." : ".", sizeof(r->name));
        r->relocated = r->child = r->link = false;
        if (d->probe || (iv->rr && !r->dot)) {
            rc = rr_parse(d, r, p);
            if (rc)
                return rc;
        }
        d->pos += p[DR_LEN];
        return 1;
    }
}

/* Append one extent to the entry's runs, joining it to the last when contiguous. */
static int add_run(struct iso_dir *d, uint64_t disk_off, uint32_t len)
{
    struct fs_extent *last = d->nruns ? &d->runs[d->nruns - 1] : NULL;
    if (len == 0)
        return 0;
    if (last && last->disk_off + last->len == disk_off) {
        last->len += len;
    } else {
        if (d->nruns == d->cap) {
            size_t cap = d->cap ? d->cap * 2 : 4;
            struct fs_extent *n = realloc(d->runs, cap * sizeof(*n));
            if (!n)
                return -ENOMEM;
            d->runs = n;
            d->cap = cap;
        }
        d->runs[d->nruns].file_off = d->size_total;
        d->runs[d->nruns].disk_off = disk_off;
        d->runs[d->nruns].len = len;
        d->nruns++;
    }
    d->size_total += len;
    return 0;
}

static bool is_moved_dir(struct iso_dir *d);
static int child_dir(struct iso_dir *d, struct iso_rec *r, uint32_t *size);

/*
 * The next entry of the directory into d->rec (its name) and d's entry
 * fields, with the records of a multi-extent file joined. The self and
 * parent entries, associated files and, with Rock Ridge, relocated
 * directories (and rr_moved, which holds them) are skipped; a CL entry is
 * the directory it points at. 1, 0 at the end, or an error.
 */
static int dir_next_entry(struct iso_dir *d)
{
    struct iso_vol *iv = d->vol->priv;
    struct iso_rec *r = &d->rec;
    int rc, count = 1;
    for (;;) {
        do {
            rc = dir_next_record(d, r);
            if (rc <= 0)
                return rc;
        } while (r->dot || (r->flags & DR_FLAG_ASSOCIATED) || r->relocated);
        d->is_dir = r->flags & DR_FLAG_DIR;
        d->is_link = r->link && !d->is_dir;
        d->interleaved = r->interleaved;
        d->first_off = r->data_off;
        d->size_total = 0;
        d->nruns = 0;
        if (r->child) {
            uint32_t size = 0;
            rc = child_dir(d, r, &size);
            if (rc)
                return rc;
            d->is_dir = true;
            d->is_link = false;
            d->first_off = r->child_off;
            rc = add_run(d, r->child_off, size);
            return rc ? rc : 1;
        }
        rc = add_run(d, r->data_off, r->size);
        if (rc)
            return rc;
        if (!(iv->rr && d->is_dir && is_moved_dir(d)))
            break;
    }
    if (!(r->flags & DR_FLAG_MULTI))
        return 1;
    if (d->is_dir)
        return shell_error(-EBADIMG, "%s: ISO9660 directory '%s' claims several extents",
                           d->vol->dev, r->name);
    for (;;) {
        struct iso_rec *n = &d->next;
        rc = dir_next_record(d, n);
        if (rc < 0)
            return rc;
        if (rc == 0 || n->dot || n->raw_len != r->raw_len || memcmp(n->raw, r->raw, r->raw_len) ||
            (n->flags & DR_FLAG_DIR))
            return shell_error(-EBADIMG, "%s: ISO9660 file '%s': its multi-extent chain breaks "
                               "off after %d extents", d->vol->dev, r->name, count);
        if (++count > ISO_CHAIN_MAX)
            return shell_error(-EBADIMG, "%s: ISO9660 file '%s' has more than %d extents",
                               d->vol->dev, r->name, ISO_CHAIN_MAX);
        d->interleaved |= n->interleaved;
        rc = add_run(d, n->data_off, n->size);
        if (rc)
            return rc;
        if (!(n->flags & DR_FLAG_MULTI))
            return 1;
    }
}

/* 0 when [off, off + len) lies on the drive, else an error naming what and where. */
static int check_on_media(struct fs_volume *vol, const char *what, const char *name,
                          uint64_t off, uint64_t len)
{
    uint64_t media = drive_bytes(vol->drive);
    if (off <= media && len <= media - off)
        return 0;
    return shell_error(-ENXIO, "%s: ISO9660 %s '%s' (byte %llu, %llu bytes) is past the end of "
                       "the media (%llu bytes): truncated or corrupt image", vol->dev, what, name,
                       (unsigned long long)off, (unsigned long long)len,
                       (unsigned long long)media);
}

/* Rock Ridge: what one record's entries, in its system use area and continuations, add up to. */
struct rr_state {
    bool have_nm, nm_done;            /* an NM was seen; the last had no CONTINUE */
    bool sl_done, sl_cont;            /* the last SL had no CONTINUE; a component continues */
    size_t nm_len, sl_len;
    bool ce;                          /* a continuation area is pending */
    uint32_t ce_block, ce_off, ce_len;
    uint64_t seen[RR_CE_MAX];         /* the continuation areas read, to see a loop at once */
    char nm[ISO_NAME_MAX];
};

static char printable(uint8_t c)
{
    return c >= 0x20 && c < 0x7f ? (char)c : '?';
}

static bool sig(const uint8_t *e, const char *s)
{
    return e[0] == (uint8_t)s[0] && e[1] == (uint8_t)s[1];
}

/* Append n bytes to buf (size cap, *len used, kept NUL-terminated); false when they do not fit. */
static bool append(char *buf, size_t cap, size_t *len, const void *src, size_t n)
{
    if (n >= cap - *len)
        return false;
    memcpy(buf + *len, src, n);
    *len += n;
    buf[*len] = 0;
    return true;
}

static int rr_corrupt(struct iso_dir *d, struct iso_rec *r, const char *what)
{
    return shell_error(-EBADIMG, "%s: ISO9660 Rock Ridge %s of '%s' is corrupt", d->vol->dev,
                       what, r->name);
}

/* The component records of one SL entry, appended to r->target. */
static int rr_symlink(struct iso_dir *d, struct iso_rec *r, struct rr_state *st,
                      const uint8_t *c, size_t n)
{
    size_t i = 0;
    r->link = true;
    while (i < n) {
        uint8_t cf, cl;
        const void *piece;
        size_t plen;
        if (n - i < 2 || c[i + 1] > n - i - 2)
            return rr_corrupt(d, r, "symlink (SL) component");
        cf = c[i];
        cl = c[i + 1];
        if (cf & (SL_ROOT | SL_VOLROOT)) {
            st->sl_len = 0; /* the target is absolute from here on */
            piece = "/";
            plen = 1;
        } else {
            if (cf & SL_CURRENT) {
                piece = ".";
                plen = 1;
            } else if (cf & SL_PARENT) {
                piece = "..";
                plen = 2;
            } else {
                piece = c + i + 2;
                plen = cl;
            }
            /* a component continued from the last one joins it without a '/' */
            if (st->sl_len && !st->sl_cont && r->target[st->sl_len - 1] != '/' &&
                !append(r->target, sizeof(r->target), &st->sl_len, "/", 1))
                return rr_corrupt(d, r, "symlink target (too long)");
        }
        if (!append(r->target, sizeof(r->target), &st->sl_len, piece, plen))
            return rr_corrupt(d, r, "symlink target (too long)");
        st->sl_cont = (cf & SL_CONTINUE) && !(cf & (SL_ROOT | SL_VOLROOT));
        i += 2 + (size_t)cl;
    }
    /* a NUL inside a component would cut the target short; it stays what was read */
    return 0;
}

static bool is_rrip_id(const uint8_t *id, size_t n)
{
    static const char *const ids[] = { "RRIP_1991A", "IEEE_P1282", "IEEE_1282" };
    for (size_t i = 0; i < ARRAY_SIZE(ids); i++)
        if (n == strlen8(ids[i]) && memcmp(id, ids[i], n) == 0)
            return true;
    return false;
}

/* One SUSP entry e of elen bytes (at least 4, inside its area). */
static int rr_entry(struct iso_dir *d, struct iso_rec *r, struct rr_state *st, const uint8_t *e,
                    size_t elen)
{
    struct iso_vol *iv = d->vol->priv;
    if (sig(e, "CE") && elen >= 28) {
        st->ce = true;
        st->ce_block = le32(e + 4);
        st->ce_off = le32(e + 12);
        st->ce_len = le32(e + 20);
    } else if (sig(e, "ER") && elen >= 8) {
        if (8 + (size_t)e[4] <= elen && is_rrip_id(e + 8, e[4]))
            r->rrip = true;
    } else if (sig(e, "NM") && elen >= 5) {
        r->rr_seen = true;
        /* "." and ".." flags only make sense on the dot records, which keep their names */
        if (!st->nm_done && !(e[4] & (NM_CURRENT | NM_PARENT))) {
            if (!append(st->nm, sizeof(st->nm), &st->nm_len, e + 5, elen - 5))
                return rr_corrupt(d, r, "name (NM, too long)");
            st->have_nm = true;
        }
        if (!(e[4] & NM_CONTINUE))
            st->nm_done = true;
    } else if (sig(e, "SL") && elen >= 5) {
        r->rr_seen = true;
        if (!st->sl_done) {
            int rc = rr_symlink(d, r, st, e + 5, elen - 5);
            if (rc)
                return rc;
        }
        if (!(e[4] & SL_CONTINUE))
            st->sl_done = true;
    } else if (sig(e, "CL") && elen >= 12) {
        r->child = true;
        r->child_off = (uint64_t)le32(e + 4) * iv->block_size;
    } else if (sig(e, "RE")) {
        r->relocated = true;
    } else if (sig(e, "PX") || sig(e, "RR") || sig(e, "TF") || sig(e, "PN")) {
        r->rr_seen = true;
    }
    return 0;
}

/*
 * The SUSP entries of record p (already decoded into r), following its
 * continuation areas (CE, at most RR_CE_MAX, each inside one logical block
 * on the media): the Rock Ridge name replaces r->name, and r's link, child
 * and relocated fields are set. For the mount's probe, the entries must
 * start with an SP (found at byte 0 of the area, or 14 after a CD-XA field).
 */
static int rr_parse(struct iso_dir *d, struct iso_rec *r, const uint8_t *p)
{
    struct iso_vol *iv = d->vol->priv;
    struct rr_state *st;
    size_t start = DR_NAME + (size_t)p[DR_NAME_LEN] + !(p[DR_NAME_LEN] & 1), end = p[DR_LEN];
    const uint8_t *area = p;
    int areas = 0, rc = 0;

    r->sp = r->rrip = r->rr_seen = false;
    if (d->probe) {
        for (size_t o = 0; o <= 14; o += 14) {
            const uint8_t *e = p + start + o;
            if (start + o + 7 <= end && sig(e, "SP") && e[2] >= 7 && e[4] == 0xBE && e[5] == 0xEF) {
                r->sp = true;
                r->sp_skip = (uint8_t)MIN(o + e[6], (size_t)255);
                start += o;
                break;
            }
        }
        if (!r->sp)
            return 0;
    } else {
        start += iv->rr_skip;
    }
    st = calloc(1, sizeof(*st));
    if (!st)
        return -ENOMEM;
    r->target[0] = 0;
    for (;;) {
        size_t pos = start;
        uint64_t block;
        while (pos + 4 <= end) {
            const uint8_t *e = area + pos;
            if (e[2] < 4) {
                if (e[0] == 0)
                    break; /* padding */
                rc = rr_corrupt(d, r, "entry length");
                goto out;
            }
            if (e[2] > end - pos) {
                rc = shell_error(-EBADIMG, "%s: ISO9660 Rock Ridge entry '%c%c' of '%s' (%u bytes) "
                                 "runs past its system use area (%u bytes left)", d->vol->dev,
                                 printable(e[0]), printable(e[1]),
                                 r->name, e[2], (unsigned)(end - pos));
                goto out;
            }
            if (sig(e, "ST"))
                break;
            rc = rr_entry(d, r, st, e, e[2]);
            if (rc)
                goto out;
            pos += e[2];
        }
        if (!st->ce)
            break;
        st->ce = false;
        block = (uint64_t)st->ce_block * iv->block_size + st->ce_off;
        for (int i = 0; i < areas; i++)
            if (st->seen[i] == block)
                areas = RR_CE_MAX;
        if (areas == RR_CE_MAX) {
            rc = shell_error(-ELOOP, "%s: ISO9660 Rock Ridge continuation areas of '%s' loop "
                             "(or are more than %d)", d->vol->dev, r->name, RR_CE_MAX);
            goto out;
        }
        st->seen[areas++] = block;
        if (st->ce_off >= iv->block_size || st->ce_len > iv->block_size - st->ce_off) {
            rc = rr_corrupt(d, r, "continuation area (CE)");
            goto out;
        }
        block = (uint64_t)st->ce_block * iv->block_size;
        if (d->ce_loaded != block) {
            rc = check_on_media(d->vol, "Rock Ridge continuation area of", r->name, block,
                                iv->block_size);
            if (!rc)
                rc = drive_read_bytes(d->vol->drive, block, d->ce, iv->block_size);
            if (rc) {
                d->ce_loaded = UINT64_MAX;
                goto out;
            }
            d->ce_loaded = block;
        }
        area = d->ce;
        start = st->ce_off;
        end = (size_t)st->ce_off + st->ce_len;
    }
    if (st->have_nm && st->nm_len && !r->dot) {
        for (size_t i = 0; i < st->nm_len; i++)
            if (st->nm[i] == 0 || st->nm[i] == '/')
                st->nm[i] = '_'; /* they could not be looked up */
        memcpy(r->name, st->nm, st->nm_len + 1);
    }
out:
    free(st);
    return rc;
}

/* The size of the relocated directory a CL entry points at, from its "." record. */
static int child_dir(struct iso_dir *d, struct iso_rec *r, uint32_t *size)
{
    uint8_t dot[DR_MIN];
    int rc = check_on_media(d->vol, "relocated directory", r->name, r->child_off, sizeof(dot));
    if (rc)
        return rc;
    rc = drive_read_bytes(d->vol->drive, r->child_off, dot, sizeof(dot));
    if (rc)
        return rc;
    if (dot[DR_LEN] < DR_MIN || dot[DR_NAME_LEN] != 1 || dot[DR_NAME] != 0 ||
        !(dot[DR_FLAGS] & DR_FLAG_DIR))
        return rr_corrupt(d, r, "relocated directory (CL)");
    *size = le32(dot + DR_SIZE);
    return 0;
}

/*
 * genisoimage's rr_moved (or .rr_moved): a root directory holding the
 * relocated (RE) directories, shown where their CL entries are. It is
 * hidden when its first entry is one; the answer is kept.
 */
static bool is_moved_dir(struct iso_dir *d)
{
    struct iso_vol *iv = d->vol->priv;
    struct iso_dir *m;
    bool moved = false;
    if (d->start != iv->root_off || !d->is_dir ||
        (strcmp8(d->rec.name, "rr_moved") != 0 && strcmp8(d->rec.name, ".rr_moved") != 0))
        return false;
    if (iv->moved_off)
        return iv->moved_off == d->first_off;
    m = calloc(1, sizeof(*m));
    if (!m)
        return false;
    dir_init(m, d->vol, d->first_off, (uint32_t)d->size_total);
    for (int i = 0; i < 3 && dir_next_record(m, &m->rec) == 1; i++)
        if (!m->rec.dot) {
            moved = m->rec.relocated;
            break;
        }
    free(m);
    if (moved)
        iv->moved_off = d->first_off;
    return moved;
}

/*
 * Find name in directory d: an exact match, else the first one that differs
 * only in case (read again at the end, so one pass over the directory).
 */
static int dir_lookup(struct iso_dir *d, const char *name)
{
    uint64_t before = 0, fold = UINT64_MAX;
    int rc;
    d->pos = 0;
    for (;;) {
        before = d->pos;
        rc = dir_next_entry(d);
        if (rc != 1)
            break;
        if (strcmp8(d->rec.name, name) == 0)
            return 0;
        if (fold == UINT64_MAX && strcasecmp8(d->rec.name, name) == 0)
            fold = before;
    }
    if (rc < 0)
        return rc;
    if (fold == UINT64_MAX)
        return -ENOENT;
    d->pos = fold;
    rc = dir_next_entry(d);
    return rc == 1 ? 0 : rc < 0 ? rc : -EIO;
}

/* ---- paths, by fs_walk ---- */

/* What a walk holds of an entry: a directory's extent, a file's runs, a link's target. */
struct iso_node {
    struct fs_node wn;                /* first; id: a directory's byte on the drive */
    uint64_t off;                     /* directories: the extent */
    uint32_t size;
    uint64_t size_total;              /* files: the size and the runs */
    struct fs_extent *runs;
    size_t nruns;
    char *target;                     /* symlinks (Rock Ridge SL) */
};

static void walk_put(struct fs_node *node)
{
    struct iso_node *n = (struct iso_node *)node;
    free(n->runs);
    free(n->target);
    free(n);
}

static int walk_root(struct fs_volume *vol, struct fs_node **out)
{
    struct iso_vol *iv = vol->priv;
    struct iso_node *n = calloc(1, sizeof(*n));
    if (!n)
        return -ENOMEM;
    n->wn.kind = FS_NODE_DIR;
    n->wn.id = n->off = iv->root_off;
    n->size = iv->root_size;
    *out = &n->wn;
    return 0;
}

/* name in directory dnode; a directory or file is checked to lie on the medium. */
static int walk_lookup(struct fs_volume *vol, struct fs_node *dnode, const char *name,
                       const char *where, struct fs_node **out)
{
    const struct iso_node *dir = (const struct iso_node *)dnode;
    struct iso_dir *d = calloc(1, sizeof(*d));
    struct iso_node *n = calloc(1, sizeof(*n));
    int rc;
    if (!d || !n) {
        rc = -ENOMEM;
        goto out;
    }
    dir_init(d, vol, dir->off, dir->size);
    rc = dir_lookup(d, name);
    if (rc)
        goto out;
    if (d->is_link) {
        n->wn.kind = FS_NODE_LINK;
        n->target = strdup8(d->rec.target);
        if (!n->target)
            rc = -ENOMEM;
    } else if (d->is_dir) {
        /* a directory is one extent; its size is the record's */
        n->wn.kind = FS_NODE_DIR;
        n->wn.id = n->off = d->first_off;
        n->size = (uint32_t)d->size_total;
        rc = check_on_media(vol, "directory", where, n->off, n->size);
    } else if (d->interleaved) {
        rc = shell_error(-ENOTSUP, "%s: ISO9660 file '%s' is interleaved, which is not "
                         "supported", vol->dev, where);
    } else {
        n->wn.kind = FS_NODE_FILE;
        n->size_total = d->size_total;
        n->runs = d->runs;
        n->nruns = d->nruns;
        d->runs = NULL;
        for (size_t i = 0; i < n->nruns && !rc; i++)
            rc = check_on_media(vol, "file", where, n->runs[i].disk_off, n->runs[i].len);
    }
out:
    if (d)
        free(d->runs);
    free(d);
    if (rc) {
        if (n)
            walk_put(&n->wn);
        return rc;
    }
    *out = &n->wn;
    return 0;
}

static int walk_readlink(struct fs_volume *vol, struct fs_node *node, char *buf, size_t size)
{
    const struct iso_node *n = (const struct iso_node *)node;
    (void)vol;
    return strlcpy8(buf, n->target, size) < size ? 0 : -ENAMETOOLONG;
}

static const struct fs_walk_ops iso_walk = {
    .root = walk_root,
    .lookup = walk_lookup,
    .readlink = walk_readlink,
    .put = walk_put,
};

static int iso_open(struct fs_volume *vol, const char *path, struct fs_file **out)
{
    struct fs_node *node;
    struct iso_node *n;
    struct iso_file *f;
    int rc;

    if (!vol->drive)
        return -ENODEV;
    rc = fs_walk(vol, &iso_walk, path, &node);
    if (rc)
        return rc;
    n = (struct iso_node *)node;
    f = calloc(1, sizeof(*f));
    if (!f) {
        walk_put(node);
        return -ENOMEM;
    }
    f->f.vol = vol;
    f->f.is_dir = n->wn.kind == FS_NODE_DIR;
    if (f->f.is_dir) {
        f->path = strdup8(path);
        f->dir = calloc(1, sizeof(*f->dir));
        if (!f->path || !f->dir) {
            free(f->path);
            free(f->dir);
            free(f);
            walk_put(node);
            return -ENOMEM;
        }
        f->f.size = n->size;
        dir_init(f->dir, vol, n->off, n->size);
    } else {
        f->f.size = n->size_total;
        f->runs = n->runs;
        f->nruns = n->nruns;
        n->runs = NULL;
    }
    walk_put(node);
    f->f.priv = f;
    *out = &f->f;
    return 0;
}

static int iso_read(struct fs_file *file, uint64_t off, void *buf, size_t len, size_t *got)
{
    struct iso_file *f = file->priv;
    struct drive *drive = file->vol->drive;
    size_t done = 0;
    *got = 0;
    if (!drive)
        return -ENODEV;
    if (off >= file->size)
        return 0;
    len = (size_t)MIN((uint64_t)len, file->size - off);
    /* one drive read per run: the runs are as large as the layout allows */
    for (size_t i = 0; i < f->nruns && done < len; i++) {
        const struct fs_extent *r = &f->runs[i];
        uint64_t at = off + done, in;
        size_t n;
        int rc;
        if (at >= r->file_off + r->len)
            continue;
        in = at - r->file_off;
        n = (size_t)MIN(r->len - in, (uint64_t)(len - done));
        rc = drive_read_bytes(drive, r->disk_off + in, (uint8_t *)buf + done, n);
        if (rc)
            return rc;
        done += n;
    }
    *got = done;
    return 0;
}

/*
 * A symlink in a listing shows as what it points to (as `ls -L` would); a
 * dangling link or a loop shows as an empty file, and its error is not kept.
 */
static void link_stat(struct iso_file *f, const char *name, struct fs_dirent *ent)
{
    char *path = malloc(ISO_WALK_MAX), *saved = malloc(sizeof(shell.errmsg));
    struct fs_node *node;
    ent->size = 0;
    ent->is_dir = false;
    if (path && saved &&
        (size_t)snprintf(path, ISO_WALK_MAX, "%s/%s", f->path, name) < ISO_WALK_MAX) {
        strlcpy8(saved, shell.errmsg, sizeof(shell.errmsg));
        if (fs_walk(f->f.vol, &iso_walk, path, &node) == 0) {
            const struct iso_node *n = (const struct iso_node *)node;
            ent->is_dir = node->kind == FS_NODE_DIR;
            ent->size = ent->is_dir ? n->size : n->size_total;
            walk_put(node);
        }
        strlcpy8(shell.errmsg, saved, sizeof(shell.errmsg));
    }
    free(saved);
    free(path);
}

static int iso_readdir(struct fs_file *dir, struct fs_dirent *ent)
{
    struct iso_file *f = dir->priv;
    int rc = dir_next_entry(f->dir);
    if (rc != 1)
        return rc;
    utf8_copy(ent->name, sizeof(ent->name), f->dir->rec.name);
    ent->size = f->dir->size_total;
    ent->is_dir = f->dir->is_dir;
    if (f->dir->is_link)
        link_stat(f, f->dir->rec.name, ent);
    return 1;
}

static void iso_close(struct fs_file *file)
{
    struct iso_file *f = file->priv;
    if (f->dir)
        free(f->dir->runs);
    free(f->dir);
    free(f->path);
    free(f->runs);
    free(f);
}

static int iso_extents(struct fs_file *file, struct fs_extent **out, size_t *n)
{
    struct iso_file *f = file->priv;
    struct fs_extent *e = malloc(MAX(f->nruns, (size_t)1) * sizeof(*e));
    if (!e)
        return -ENOMEM;
    memcpy(e, f->runs, f->nruns * sizeof(*e));
    *out = e;
    *n = f->nruns;
    return 0;
}

/* A descriptor's volume identifier, trailing spaces (and NULs) cut. */
static void volume_id(const uint8_t *vd, bool joliet, char *out, size_t size)
{
    const uint8_t *id = vd + VD_VOLUME_ID;
    size_t n = 32;
    if (joliet) {
        while (n >= 2 && id[n - 2] == 0 && (id[n - 1] == ' ' || id[n - 1] == 0))
            n -= 2;
    } else {
        while (n > 0 && (id[n - 1] == ' ' || id[n - 1] == 0))
            n--;
    }
    decode_chars(joliet, id, n, out, size);
}

/*
 * The root directory of a descriptor: its block size must be one ECMA-119
 * allows and the root's extent must lie on the media.
 */
static int descriptor_root(struct fs_volume *vol, const uint8_t *vd, const char *which,
                           uint32_t *bs, uint64_t *off, uint32_t *size)
{
    const uint8_t *root = vd + VD_ROOT;
    char what[32];
    *bs = le16(vd + VD_BLOCK_SIZE);
    if (*bs != 512 && *bs != 1024 && *bs != 2048)
        return shell_error(-EBADIMG, "%s: ISO9660 %s descriptor has a logical block size of %u "
                           "(not 512, 1024 or 2048)", vol->dev, which, *bs);
    if (root[DR_LEN] < DR_MIN)
        return shell_error(-EBADIMG, "%s: ISO9660 %s descriptor has no valid root directory "
                           "record", vol->dev, which);
    *off = ((uint64_t)le32(root + DR_LBA) + root[DR_XATTR_LEN]) * *bs;
    *size = le32(root + DR_SIZE);
    snprintf(what, sizeof(what), "%s root directory", which);
    return check_on_media(vol, what, "/", *off, *size);
}

static bool is_joliet(const uint8_t *vd)
{
    const uint8_t *e = vd + VD_ESCAPES;
    return e[0] == '%' && e[1] == '/' && (e[2] == '@' || e[2] == 'C' || e[2] == 'E');
}

/*
 * Rock Ridge on the primary tree: an SP entry opening the root's "." record,
 * then an ER naming RRIP, or Rock Ridge entries without one (as Linux
 * accepts). A broken root record or continuation just means no Rock Ridge.
 */
static void rr_probe(struct fs_volume *vol, struct iso_vol *iv)
{
    struct iso_dir *d = calloc(1, sizeof(*d));
    if (!d)
        return;
    dir_init(d, vol, iv->root_off, iv->root_size);
    d->probe = true;
    if (dir_next_record(d, &d->rec) == 1 && d->rec.dot && d->rec.sp &&
        (d->rec.rrip || d->rec.rr_seen)) {
        iv->rr = true;
        iv->rr_skip = d->rec.sp_skip;
    }
    free(d->runs);
    free(d);
}

static int iso_mount(struct fs_volume *vol)
{
    struct drive *d = vol->drive;
    uint8_t *buf, *pvd, *svd;
    bool have_pvd = false, have_svd = false, joliet_ok = false;
    struct iso_vol *iv = NULL;
    int rc = -ENODEV;

    if (!d || drive_bytes(d) < ISO_VD_START + ISO_SECTOR)
        return -ENODEV;
    buf = malloc(3 * ISO_SECTOR);
    if (!buf)
        return -ENOMEM;
    pvd = buf + ISO_SECTOR;
    svd = buf + 2 * ISO_SECTOR;
    for (uint32_t i = 0; i < ISO_VD_MAX; i++) {
        uint64_t off = ISO_VD_START + (uint64_t)i * ISO_SECTOR;
        /* a set without a terminator ends where the descriptors or the media do */
        if (off + ISO_SECTOR > drive_bytes(d) || drive_read_bytes(d, off, buf, ISO_SECTOR) ||
            memcmp(buf + VD_ID, "CD001", 5) != 0 || buf[VD_TYPE] == VD_TERMINATOR)
            break;
        if (buf[VD_TYPE] == VD_PRIMARY && buf[VD_VERSION] == 1 && !have_pvd) {
            memcpy(pvd, buf, ISO_SECTOR);
            have_pvd = true;
        } else if (buf[VD_TYPE] == VD_SUPPLEMENTARY && buf[VD_VERSION] == 1 && is_joliet(buf) &&
                   !have_svd) {
            memcpy(svd, buf, ISO_SECTOR);
            have_svd = true;
        }
    }
    if (!have_pvd)
        goto out; /* not ISO9660 (a UDF-only disc has no primary descriptor either) */
    iv = calloc(1, sizeof(*iv));
    if (!iv) {
        rc = -ENOMEM;
        goto out;
    }
    rc = descriptor_root(vol, pvd, "primary", &iv->block_size, &iv->root_off, &iv->root_size);
    if (rc)
        goto out;
    vol->priv = iv; /* the probe reads through it */
    rr_probe(vol, iv);
    vol->priv = NULL;
    if (have_svd) {
        uint32_t bs, size;
        uint64_t off;
        /* a broken Joliet tree is not fatal: the primary one is still there */
        joliet_ok = descriptor_root(vol, svd, "Joliet", &bs, &off, &size) == 0;
        /* Rock Ridge wins: case, full names, symlinks (see the top of the file) */
        if (joliet_ok && !iv->rr) {
            iv->joliet = true;
            iv->block_size = bs;
            iv->root_off = off;
            iv->root_size = size;
        } /* else its message goes: fs.c drops a mount's messages when it succeeds */
    }
    volume_id(pvd, false, iv->label, sizeof(iv->label));
    if (joliet_ok) {
        /*
         * Joliet's identifier holds 16 characters, the primary one 32: when
         * the Joliet one is just the start of the primary one, the label was
         * cut, and the primary descriptor has it whole.
         */
        char joliet[sizeof(iv->label)];
        volume_id(svd, true, joliet, sizeof(joliet));
        if (joliet[0] && !(strlen8(joliet) < strlen8(iv->label) &&
                           strncmp8(joliet, iv->label, strlen8(joliet)) == 0))
            strlcpy8(iv->label, joliet, sizeof(iv->label));
    }
    memcpy(iv->created, pvd + VD_CREATED, sizeof(iv->created));
    memcpy(iv->modified, pvd + VD_MODIFIED, sizeof(iv->modified));
    vol->priv = iv;
    vol->type = "iso9660";
    iv = NULL;
    rc = 0;
out:
    free(iv);
    free(buf);
    return rc;
}

static void iso_unmount(struct fs_volume *vol)
{
    free(vol->priv);
    vol->priv = NULL;
}

static int iso_label(struct fs_volume *vol, char *buf, size_t size)
{
    struct iso_vol *iv = vol->priv;
    if (!iv->label[0])
        return -ENOENT;
    strlcpy8(buf, iv->label, size);
    return 0;
}

/* A descriptor date that is set: 16 digits, not all zero ("not specified" in ECMA-119). */
static bool date_set(const uint8_t *date)
{
    bool nonzero = false;
    for (int i = 0; i < 16; i++) {
        if (!is_digit(date[i]))
            return false;
        nonzero |= date[i] != '0';
    }
    return nonzero;
}

/*
 * "YYYY-MM-DD-HH-MM-SS-CC" from the primary descriptor's creation date, or
 * its modification date when the creation date is not set.
 *
 * GRUB's iso9660 uuid prints the same 16 digits in the same form, but from
 * the modification date (byte 830) of the descriptor it mounted (the Joliet
 * one when it uses Joliet). xorriso's --modification-date, which
 * grub-mkrescue uses to make `search --fs-uuid` find its image, sets both
 * dates in every descriptor, so the two agree on the images that matter.
 */
static int iso_uuid(struct fs_volume *vol, char *buf, size_t size)
{
    struct iso_vol *iv = vol->priv;
    static const uint8_t groups[] = { 4, 2, 2, 2, 2, 2, 2 };
    const uint8_t *date = date_set(iv->created) ? iv->created
                          : date_set(iv->modified) ? iv->modified : NULL;
    char uuid[24];
    size_t o = 0, i = 0;
    if (!date)
        return -ENOENT;
    for (size_t g = 0; g < ARRAY_SIZE(groups); g++) {
        if (g)
            uuid[o++] = '-';
        for (int k = 0; k < groups[g]; k++)
            uuid[o++] = (char)date[i++];
    }
    uuid[o] = 0;
    strlcpy8(buf, uuid, size);
    return 0;
}

FILESYSTEM(iso9660, 20) = {
    .name = "iso9660",
    .mount = iso_mount,
    .unmount = iso_unmount,
    .open = iso_open,
    .read = iso_read,
    .readdir = iso_readdir,
    .close = iso_close,
    .label = iso_label,
    .uuid = iso_uuid,
    .extents = iso_extents,
};
