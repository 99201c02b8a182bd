/*
 * NTFS, read-only: Windows system and data partitions, and images of them.
 *
 * The boot sector gives the cluster size, where the MFT starts and the sizes
 * of MFT and index records. MFT record 0 describes the MFT itself; its
 * $DATA runlist is decoded at mount so that any record can be found, and
 * every record read has its update-sequence fixups checked and undone.
 * A file is its base record plus any extension records that its
 * $ATTRIBUTE_LIST names; the unnamed $DATA (resident, or non-resident in
 * one or more runlist segments) becomes one list of runs in clusters, and a
 * read costs one drive_read_bytes() per run it touches. Sparse runs read as
 * zeros and appear as FS_EXTENT_HOLE; so do bytes past the initialized size.
 * LZNT1-compressed files are read a compression unit (16 clusters) at a
 * time, and have no extents; encrypted files and other compression methods
 * are refused with -ENOTSUP, never read wrong.
 *
 * Directories are B+ trees of $FILE_NAME keys: $INDEX_ROOT in the record,
 * $INDEX_ALLOCATION holding INDX records (fixups again). Lookups descend the
 * tree comparing names through the volume's $UpCase table (record 10), so
 * they ignore case as Windows does; readdir walks it in order with an
 * explicit stack. DOS-only 8.3 names are not listed. In the root, "." and the
 * metadata files whose names start with '$' are hidden from readdir (they
 * can still be opened by name).
 *
 * On-disk values are hostile: records, attributes, runlists and index
 * entries are bounds-checked; runs must lie inside the volume; tree walks
 * are bounded in depth and may visit each index record only once; nothing
 * is read past the device. Corruption is -EBADIMG with a message naming the
 * device.
 */
#include "fs.h"

#include "../src/err.h"
#include "../src/shell.h"

#define NTFS_FIXUP_STRIDE 512u
#define NTFS_REC_MAX (64u << 10)       /* MFT and index record sizes we accept */
#define NTFS_CLUSTER_MAX (2u << 20)    /* Windows' largest cluster */
#define NTFS_RUNS_MAX (1u << 18)       /* runs per attribute */
#define NTFS_ATTRLIST_MAX (1u << 20)   /* bytes of $ATTRIBUTE_LIST */
#define NTFS_SEGMENTS_MAX 4096         /* extension records per attribute */
#define NTFS_DEPTH_MAX 32              /* index tree depth */
#define NTFS_UPCASE_UNITS 65536u
#define NTFS_NAME_UTF8 (255 * 3 + 1)

#define REC_ROOT 5
#define REC_VOLUME 3
#define REC_UPCASE 10
#define REF_RECNO(r) ((r) & 0xFFFFFFFFFFFFull)

#define AT_ATTRIBUTE_LIST 0x20
#define AT_FILE_NAME 0x30
#define AT_VOLUME_NAME 0x60
#define AT_DATA 0x80
#define AT_INDEX_ROOT 0x90
#define AT_INDEX_ALLOCATION 0xA0
#define AT_END 0xFFFFFFFFu

#define ATTR_COMPRESSED 0x00FF
#define ATTR_ENCRYPTED 0x4000

#define REC_IN_USE 0x01
#define REC_IS_DIR 0x02

#define IE_SUBNODE 0x01
#define IE_LAST 0x02

#define FN_DIR 0x10000000u  /* $FILE_NAME flag: the file has an index (a directory) */
#define FN_DOS 2            /* namespace of an 8.3-only name */

#define HOLE UINT64_MAX

struct nrun {
    uint64_t vcn, lcn, len;  /* clusters; lcn HOLE for a sparse run */
};

/* One attribute's value: resident bytes, or runs joined from all its segments. */
struct nattr {
    bool resident;
    uint16_t flags;
    uint8_t cu_shift;        /* compressed: log2 of clusters per compression unit */
    uint8_t *value;          /* resident: a copy */
    uint64_t size, init;     /* data size and initialized size in bytes */
    struct nrun *runs;
    size_t nruns, cap;
    uint64_t vcns;           /* clusters the runs cover */
};

struct ntfs_vol {
    uint32_t sector, cluster, rec_size, idx_size;
    uint64_t clusters;       /* in the volume */
    uint64_t dev_bytes;
    uint64_t serial;
    uint64_t mft_records;
    struct nattr mft;
    uint16_t *upcase;        /* NTFS_UPCASE_UNITS, loaded on the first lookup */
};

struct frame {
    uint8_t *buf;
    uint32_t pos, end;
    bool descended;
};

/* An open file or directory. */
struct ntfs_file {
    struct fs_node node;     /* first: fs_walk's view (id: the MFT record) */
    char *path;
    uint64_t recno;
    bool is_dir;
    struct nattr data;       /* files: the unnamed $DATA (size 0 when none) */
    /* directories */
    struct nattr root, alloc;
    uint32_t idx_size, vcn_shift;
    uint8_t *visited;        /* readdir: index records seen (a bitmap) */
    uint64_t nblocks;
    struct frame stack[NTFS_DEPTH_MAX + 1];
    int depth;               /* readdir frames in use; -1: not started */
    bool done;
    /* compressed files: the last compression unit decompressed */
    uint8_t *cu_buf, *cu_src;
    uint64_t cu_index;       /* UINT64_MAX: none */
};

static bool pow2(uint64_t x) { return x && !(x & (x - 1)); }

static void nattr_free(struct nattr *na)
{
    free(na->value);
    free(na->runs);
    memset(na, 0, sizeof(*na));
}

/* ---- reading ---- */

/* Read from the device; a failure is reported as the truncated image it usually is. */
static int dev_read(struct fs_volume *vol, uint64_t off, void *buf, size_t len, const char *what)
{
    int rc = drive_read_bytes(vol->drive, off, buf, len);
    if (rc == -ENXIO)
        return shell_error(-EBADIMG, "%s: %s: bytes %llu+%llu are past the end of the device "
                           "(truncated image?)", vol->dev, what, (unsigned long long)off,
                           (unsigned long long)len);
    if (rc)
        return shell_error(rc, "%s: %s: read error at byte %llu", vol->dev, what,
                           (unsigned long long)off);
    return 0;
}

/* The run holding cluster vcn (which the runs cover). */
static size_t run_find(const struct nattr *na, uint64_t vcn)
{
    size_t lo = 0, hi = na->nruns;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (na->runs[mid].vcn <= vcn)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/*
 * Read [off, off+len) of an attribute's value: one device read per run,
 * zeros for holes and past the initialized size. The caller keeps the range
 * inside na->size.
 */
static int attr_read(struct fs_volume *vol, const struct nattr *na, uint64_t off, void *buf,
                     size_t len, const char *what)
{
    struct ntfs_vol *nv = vol->priv;
    uint8_t *out = buf;
    if (off > na->size || len > na->size - off)
        return shell_error(-EBADIMG, "%s: %s: read past the end of its data", vol->dev, what);
    if (na->resident) {
        memcpy(out, na->value + off, len);
        return 0;
    }
    while (len) {
        uint64_t vcn = off / nv->cluster, in, run_bytes;
        const struct nrun *r;
        size_t n;
        if (off >= na->init) {
            memset(out, 0, len);
            return 0;
        }
        if (vcn >= na->vcns)
            return shell_error(-EBADIMG, "%s: %s: runlist ends at cluster %llu, before the data's "
                               "end", vol->dev, what, (unsigned long long)na->vcns);
        r = &na->runs[run_find(na, vcn)];
        in = off - r->vcn * nv->cluster;
        run_bytes = r->len * nv->cluster - in;
        n = (size_t)MIN((uint64_t)len, MIN(run_bytes, na->init - off));
        if (r->lcn == HOLE) {
            memset(out, 0, n);
        } else {
            int rc = dev_read(vol, r->lcn * nv->cluster + in, out, n, what);
            if (rc)
                return rc;
        }
        out += n;
        off += n;
        len -= n;
    }
    return 0;
}

/*
 * Undo the update-sequence fixups of a record of size bytes: the last two
 * bytes of every 512-byte stride must hold the sequence number, and get the
 * saved bytes back.
 */
static int fixup(struct fs_volume *vol, uint8_t *b, size_t size, const char *magic,
                 const char *what, unsigned long long which)
{
    uint32_t ofs = le16(b + 4), count = le16(b + 6);
    uint16_t usn;
    if (memcmp(b, magic, 4) != 0)
        return shell_error(-EBADIMG, "%s: %s %llu: bad signature (not '%s')", vol->dev, what,
                           which, magic);
    if (count != size / NTFS_FIXUP_STRIDE + 1 || (ofs & 1) || ofs < 8 ||
        ofs + 2 * count > NTFS_FIXUP_STRIDE - 2)
        return shell_error(-EBADIMG, "%s: %s %llu: bad update sequence array", vol->dev, what,
                           which);
    usn = le16(b + ofs);
    for (uint32_t i = 1; i < count; i++) {
        uint8_t *p = b + i * NTFS_FIXUP_STRIDE - 2;
        if (le16(p) != usn)
            return shell_error(-EBADIMG, "%s: %s %llu: MFT fixup mismatch in sector %u", vol->dev,
                               what, which, i - 1);
        memcpy(p, b + ofs + 2 * i, 2);
    }
    return 0;
}

/* Read MFT record recno into buf (rec_size bytes), fixed up and checked. */
static int mft_read(struct fs_volume *vol, uint64_t recno, uint8_t *buf)
{
    struct ntfs_vol *nv = vol->priv;
    uint32_t attrs, used;
    int rc;
    if (recno >= nv->mft_records)
        return shell_error(-EBADIMG, "%s: MFT record %llu is past the end of the MFT (%llu "
                           "records)", vol->dev, (unsigned long long)recno,
                           (unsigned long long)nv->mft_records);
    rc = attr_read(vol, &nv->mft, recno * nv->rec_size, buf, nv->rec_size, "$MFT");
    if (rc)
        return rc;
    rc = fixup(vol, buf, nv->rec_size, "FILE", "MFT record", (unsigned long long)recno);
    if (rc)
        return rc;
    attrs = le16(buf + 0x14);
    used = le32(buf + 0x18);
    if (used > nv->rec_size || attrs < 0x18 || (attrs & 7) || attrs + 8 > used)
        return shell_error(-EBADIMG, "%s: MFT record %llu: bad header", vol->dev,
                           (unsigned long long)recno);
    return 0;
}

/*
 * The next attribute of a record from *pos: 1 with *a set, 0 at the end
 * marker, or -EBADIMG for one that does not fit.
 */
static int attr_next(struct fs_volume *vol, const uint8_t *rec, uint64_t recno, uint32_t *pos,
                     const uint8_t **a)
{
    uint32_t used = le32(rec + 0x18), p = *pos, len;
    const uint8_t *x = rec + p;
    if (p + 4 > used)
        goto bad;
    if (le32(x) == AT_END)
        return 0;
    if (p + 0x18 > used)
        goto bad;
    len = le32(x + 4);
    if (len < 0x18 || (len & 7) || len > used - p || le16(x + 10) + 2u * x[9] > len)
        goto bad;
    if (x[8] ? len < 0x40 || le16(x + 0x20) > len
             : le16(x + 0x14) > len || le32(x + 0x10) > len - le16(x + 0x14))
        goto bad;
    *pos = p + len;
    *a = x;
    return 1;
bad:
    return shell_error(-EBADIMG, "%s: MFT record %llu: attribute at offset %u is corrupt",
                       vol->dev, (unsigned long long)recno, p);
}

/* Does attribute a (or list entry: name at name_off, name_len units) have this ASCII name? */
static bool name_is(const uint8_t *name, unsigned name_len, const char *want)
{
    if (name_len != strlen8(want))
        return false;
    for (unsigned i = 0; i < name_len; i++)
        if (le16(name + 2 * i) != (uint8_t)want[i])
            return false;
    return true;
}

static bool attr_is(const uint8_t *a, uint32_t type, const char *name)
{
    return le32(a) == type && name_is(a + le16(a + 10), a[9], name);
}

/* Decode one segment's mapping pairs onto na's runs. */
static int runs_decode(struct fs_volume *vol, const uint8_t *a, struct nattr *na, const char *what)
{
    struct ntfs_vol *nv = vol->priv;
    uint32_t len = le32(a + 4), p = le16(a + 0x20);
    uint64_t vcn = le64(a + 0x10);
    int64_t lcn = 0;
    if (vcn != na->vcns)
        return shell_error(-EBADIMG, "%s: %s: runlist segment starts at cluster %llu, expected "
                           "%llu", vol->dev, what, (unsigned long long)vcn,
                           (unsigned long long)na->vcns);
    while (p < len && a[p]) {
        unsigned nl = a[p] & 0x0F, no = a[p] >> 4;
        uint64_t rl = 0;
        int64_t delta = 0;
        if (!nl || nl > 8 || no > 8 || p + 1 + nl + no > len)
            return shell_error(-EBADIMG, "%s: %s: bad runlist entry", vol->dev, what);
        for (unsigned i = 0; i < nl; i++)
            rl |= (uint64_t)a[p + 1 + i] << (8 * i);
        if (no) {
            uint64_t u = 0;
            for (unsigned i = 0; i < no; i++)
                u |= (uint64_t)a[p + 1 + nl + i] << (8 * i);
            if (no < 8 && (u >> (8 * no - 1)) & 1)
                u |= ~0ull << (8 * no); /* sign-extend */
            delta = (int64_t)u;
        }
        p += 1 + nl + no;
        /* a sparse run may be longer than the volume; vcns * cluster must still fit */
        if (!rl || rl > (uint64_t)INT64_MAX / nv->cluster - na->vcns)
            return shell_error(-EBADIMG, "%s: %s: bad run length %llu", vol->dev, what,
                               (unsigned long long)rl);
        if (no) {
            if ((delta > 0 && lcn > INT64_MAX - delta) || (delta < 0 && lcn < INT64_MIN - delta))
                goto past;
            lcn += delta;
            if (lcn < 0 || (uint64_t)lcn > nv->clusters || rl > nv->clusters - (uint64_t)lcn)
                goto past;
        }
        if (na->nruns >= NTFS_RUNS_MAX)
            return shell_error(-EBADIMG, "%s: %s: more than %u runs", vol->dev, what,
                               NTFS_RUNS_MAX);
        if (na->nruns && na->runs[na->nruns - 1].lcn != HOLE && no &&
            na->runs[na->nruns - 1].lcn + na->runs[na->nruns - 1].len == (uint64_t)lcn) {
            na->runs[na->nruns - 1].len += rl; /* contiguous: one read */
        } else if (na->nruns && na->runs[na->nruns - 1].lcn == HOLE && !no) {
            na->runs[na->nruns - 1].len += rl;
        } else {
            if (na->nruns == na->cap) {
                size_t cap = na->cap ? na->cap * 2 : 4;
                struct nrun *r = realloc(na->runs, cap * sizeof(*r));
                if (!r)
                    return -ENOMEM;
                na->runs = r;
                na->cap = cap;
            }
            na->runs[na->nruns++] = (struct nrun){ na->vcns, no ? (uint64_t)lcn : HOLE, rl };
        }
        na->vcns += rl;
    }
    return 0;
past:
    return shell_error(-EBADIMG, "%s: %s: runlist points past the volume (%llu clusters)",
                       vol->dev, what, (unsigned long long)nv->clusters);
}

/* Take the first (or a further, for non-resident) segment of an attribute into na. */
static int attr_take(struct fs_volume *vol, const uint8_t *a, struct nattr *na, bool first,
                     const char *what)
{
    struct ntfs_vol *nv = vol->priv;
    if (first) {
        na->flags = le16(a + 0x0C);
        na->resident = !a[8];
        if (na->resident) {
            uint32_t n = le32(a + 0x10);
            na->value = malloc(n ? n : 1);
            if (!na->value)
                return -ENOMEM;
            memcpy(na->value, a + le16(a + 0x14), n);
            na->size = na->init = n;
            return 0;
        }
        if (le64(a + 0x10) != 0)
            return shell_error(-EBADIMG, "%s: %s: first runlist segment starts at cluster %llu",
                               vol->dev, what, (unsigned long long)le64(a + 0x10));
        na->cu_shift = a[0x22];
        na->size = le64(a + 0x30);
        na->init = MIN(le64(a + 0x38), na->size);
        if (na->size > (uint64_t)INT64_MAX - nv->cluster)
            return shell_error(-EBADIMG, "%s: %s: size %llu is impossible", vol->dev, what,
                               (unsigned long long)na->size);
    } else if (na->resident || !a[8]) {
        return shell_error(-EBADIMG, "%s: %s: a resident attribute in several parts", vol->dev,
                           what);
    }
    return runs_decode(vol, a, na, what);
}

/*
 * Load attribute (type, name) of base record recno into na, joining the
 * segments an $ATTRIBUTE_LIST spreads over extension records. rec is a
 * rec_size buffer the caller owns. -ENOENT (no message) when there is none.
 */
static int attr_get(struct fs_volume *vol, uint64_t recno, uint32_t type, const char *name,
                    struct nattr *na, uint8_t *rec, const char *what)
{
    struct nattr list = { 0 };
    uint8_t *ext = NULL, *lbuf = NULL;
    const uint8_t *a;
    uint32_t pos;
    bool found = false;
    int rc;
    memset(na, 0, sizeof(*na));
    rc = mft_read(vol, recno, rec);
    if (rc)
        return rc;
    pos = le16(rec + 0x14);
    while ((rc = attr_next(vol, rec, recno, &pos, &a)) == 1) {
        if (le32(a) == AT_ATTRIBUTE_LIST) {
            rc = attr_take(vol, a, &list, true, what);
            if (rc)
                goto out;
            break;
        }
        if (attr_is(a, type, name) && !found) {
            rc = attr_take(vol, a, na, true, what);
            if (rc)
                goto out;
            found = true;
        }
    }
    if (rc < 0)
        goto out;
    if (list.size) {
        /* the list names every segment, in the base record or not */
        uint32_t lp = 0, segs = 0;
        uint64_t want_vcn = 0;
        nattr_free(na);
        found = false;
        if (list.size > NTFS_ATTRLIST_MAX) {
            rc = shell_error(-EBADIMG, "%s: %s: attribute list of %llu bytes is too big",
                             vol->dev, what, (unsigned long long)list.size);
            goto out;
        }
        lbuf = malloc((size_t)list.size);
        ext = malloc(((struct ntfs_vol *)vol->priv)->rec_size);
        if (!lbuf || !ext) {
            rc = -ENOMEM;
            goto out;
        }
        rc = attr_read(vol, &list, 0, lbuf, (size_t)list.size, what);
        if (rc)
            goto out;
        while (lp + 0x1A <= list.size) {
            const uint8_t *e = lbuf + lp;
            uint32_t elen = le16(e + 4);
            uint64_t ref, lvcn;
            const uint8_t *seg = NULL;
            uint32_t sp;
            if (elen < 0x1A || elen > list.size - lp || e[7] + 2u * e[6] > elen) {
                rc = shell_error(-EBADIMG, "%s: %s: attribute list entry at %u is corrupt",
                                 vol->dev, what, lp);
                goto out;
            }
            lp += elen;
            if (le32(e) != type || !name_is(e + e[7], e[6], name))
                continue;
            ref = REF_RECNO(le64(e + 0x10));
            lvcn = le64(e + 8);
            if (found && !na->resident && lvcn < want_vcn)
                continue; /* a second entry for a segment already taken */
            if (++segs > NTFS_SEGMENTS_MAX || (found && (na->resident || lvcn != want_vcn))) {
                rc = shell_error(-EBADIMG, "%s: %s: attribute list segments out of order",
                                 vol->dev, what);
                goto out;
            }
            if (ref != recno) {
                rc = mft_read(vol, ref, ext);
                if (rc)
                    goto out;
                if (REF_RECNO(le64(ext + 0x20)) != recno) {
                    rc = shell_error(-EBADIMG, "%s: %s: MFT record %llu is not an extension of "
                                     "record %llu", vol->dev, what, (unsigned long long)ref,
                                     (unsigned long long)recno);
                    goto out;
                }
            }
            sp = le16((ref == recno ? rec : ext) + 0x14);
            while ((rc = attr_next(vol, ref == recno ? rec : ext, ref, &sp, &a)) == 1)
                if (attr_is(a, type, name) && (!a[8] || le64(a + 0x10) == lvcn)) {
                    seg = a;
                    break;
                }
            if (rc < 0)
                goto out;
            if (!seg) {
                rc = shell_error(-EBADIMG, "%s: %s: attribute list names a segment that MFT "
                                 "record %llu does not hold", vol->dev, what,
                                 (unsigned long long)ref);
                goto out;
            }
            rc = attr_take(vol, seg, na, !found, what);
            if (rc)
                goto out;
            found = true;
            want_vcn = na->vcns;
        }
    }
    rc = found ? 0 : -ENOENT;
    if (found && !na->resident && na->vcns * (uint64_t)((struct ntfs_vol *)vol->priv)->cluster <
                                      na->size)
        rc = shell_error(-EBADIMG, "%s: %s: runlist covers %llu clusters, less than its %llu "
                         "bytes", vol->dev, what, (unsigned long long)na->vcns,
                         (unsigned long long)na->size);
out:
    nattr_free(&list);
    free(lbuf);
    free(ext);
    if (rc)
        nattr_free(na);
    return rc;
}

/* ---- names ---- */

/* UTF-16LE units as UTF-8; false when the name is unusable in a path. */
static bool name_to_utf8(const uint8_t *u, size_t n, char *out, size_t size)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = le16(u + 2 * i), d;
        char tmp[4];
        size_t k;
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n && (d = le16(u + 2 * i + 2)) >= 0xDC00 &&
            d <= 0xDFFF) {
            c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
            i++;
        }
        if (c == '/' || c == 0)
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

/* A UTF-8 path component as UTF-16 units; the count, or -1 when it is too long. */
static int name_to_utf16(const char *s, size_t slen, uint16_t *u, size_t max)
{
    size_t n = 0, i = 0;
    while (i < slen) {
        size_t k;
        uint32_t c = utf8_decode(s + i, &k);
        i += k;
        if (c >= 0x10000) {
            if (n + 2 > max)
                return -1;
            c -= 0x10000;
            u[n++] = (uint16_t)(0xD800 + (c >> 10));
            u[n++] = (uint16_t)(0xDC00 + (c & 0x3FF));
        } else {
            if (n + 1 > max)
                return -1;
            u[n++] = (uint16_t)c;
        }
    }
    return (int)n;
}

/* Load $UpCase (record 10) on first use. */
static int upcase_load(struct fs_volume *vol)
{
    struct ntfs_vol *nv = vol->priv;
    struct nattr na;
    uint8_t *rec, *raw = NULL;
    size_t n;
    int rc;
    if (nv->upcase)
        return 0;
    rec = malloc(nv->rec_size);
    if (!rec)
        return -ENOMEM;
    rc = attr_get(vol, REC_UPCASE, AT_DATA, "", &na, rec, "$UpCase");
    free(rec);
    if (rc == -ENOENT)
        return shell_error(-EBADIMG, "%s: $UpCase has no data", vol->dev);
    if (rc)
        return rc;
    n = (size_t)MIN(na.size / 2, (uint64_t)NTFS_UPCASE_UNITS);
    nv->upcase = malloc(NTFS_UPCASE_UNITS * sizeof(uint16_t));
    raw = malloc(n * 2 + 1);
    if (!nv->upcase || !raw) {
        rc = -ENOMEM;
        goto out;
    }
    rc = attr_read(vol, &na, 0, raw, n * 2, "$UpCase");
    if (rc)
        goto out;
    for (size_t i = 0; i < NTFS_UPCASE_UNITS; i++)
        nv->upcase[i] = i < n ? le16(raw + 2 * i) : (uint16_t)to_upper((int)i);
out:
    if (rc) {
        free(nv->upcase);
        nv->upcase = NULL;
    }
    free(raw);
    nattr_free(&na);
    return rc;
}

/* Compare names as the index collates them: by upcased UTF-16 unit, then length. */
static int name_cmp(const uint16_t *up, const uint16_t *a, size_t na, const uint8_t *b, size_t nb)
{
    for (size_t i = 0; i < na && i < nb; i++) {
        uint16_t x = up[a[i]], y = up[le16(b + 2 * i)];
        if (x != y)
            return x < y ? -1 : 1;
    }
    return na < nb ? -1 : na > nb;
}

/* ---- directories ---- */

struct ient {
    uint16_t len, flags;
    uint64_t ref, sub;
    const uint8_t *key;      /* $FILE_NAME; NULL on the last entry */
    unsigned name_len;
};

/* Parse the index entry at p (end: the end of the entries); -EBADIMG when it does not fit. */
static int ient_parse(struct fs_volume *vol, struct ntfs_file *nf, const uint8_t *buf,
                      uint32_t pos, uint32_t end, struct ient *e)
{
    const uint8_t *p = buf + pos;
    uint32_t keylen;
    if (pos + 0x10 > end)
        goto bad;
    e->len = le16(p + 8);
    keylen = le16(p + 10);
    e->flags = le16(p + 12);
    e->ref = le64(p);
    e->key = NULL;
    e->name_len = 0;
    if (e->len < 0x10 || (e->len & 7) || e->len > end - pos)
        goto bad;
    if (!(e->flags & IE_LAST)) {
        if (keylen < 0x42 || 0x10 + keylen > e->len || 0x42u + 2u * p[0x10 + 0x40] > keylen)
            goto bad;
        e->key = p + 0x10;
        e->name_len = e->key[0x40];
    }
    if (e->flags & IE_SUBNODE) {
        if (e->len < 0x18 + (e->key ? keylen : 0))
            goto bad;
        e->sub = le64(p + e->len - 8);
    }
    return 0;
bad:
    return shell_error(-EBADIMG, "%s: directory %s: index entry at offset %u is corrupt",
                       vol->dev, nf->path, pos);
}

/* Read index record vcn into buf (idx_size bytes); *pos and *end bound its entries. */
static int node_read(struct fs_volume *vol, struct ntfs_file *nf, uint64_t vcn, uint8_t *buf,
                     uint32_t *pos, uint32_t *end)
{
    uint64_t off = vcn << nf->vcn_shift;
    uint32_t eo, il;
    int rc;
    if (!nf->alloc.size || vcn > (UINT64_MAX >> nf->vcn_shift) || off % nf->idx_size ||
        off >= nf->alloc.size || nf->alloc.size - off < nf->idx_size)
        return shell_error(-EBADIMG, "%s: directory %s: index record VCN %llu is outside its "
                           "index allocation", vol->dev, nf->path, (unsigned long long)vcn);
    rc = attr_read(vol, &nf->alloc, off, buf, nf->idx_size, nf->path);
    if (rc)
        return rc;
    rc = fixup(vol, buf, nf->idx_size, "INDX", "index record VCN", (unsigned long long)vcn);
    if (rc)
        return rc;
    eo = le32(buf + 0x18);
    il = le32(buf + 0x1C);
    if (le64(buf + 0x10) != vcn || eo < 0x10 || eo > il || il > nf->idx_size - 0x18)
        return shell_error(-EBADIMG, "%s: directory %s: index record VCN %llu has a bad header",
                           vol->dev, nf->path, (unsigned long long)vcn);
    *pos = 0x18 + eo;
    *end = 0x18 + il;
    return 0;
}

/* Open the index of directory record recno (rec holds scratch space). */
static int dir_load(struct fs_volume *vol, struct ntfs_file *nf, uint8_t *rec)
{
    struct ntfs_vol *nv = vol->priv;
    const uint8_t *r;
    uint32_t eo, il;
    int rc = attr_get(vol, nf->recno, AT_INDEX_ROOT, "$I30", &nf->root, rec, nf->path);
    if (rc == -ENOENT)
        return shell_error(-EBADIMG, "%s: directory %s has no index root", vol->dev, nf->path);
    if (rc)
        return rc;
    r = nf->root.value;
    if (!nf->root.resident || nf->root.size < 0x20)
        goto bad;
    eo = le32(r + 0x10);
    il = le32(r + 0x14);
    nf->idx_size = le32(r + 8);
    if (eo < 0x10 || eo > il || il > nf->root.size - 0x10)
        goto bad;
    if (r[0x1C] & 1) {
        if (!pow2(nf->idx_size) || nf->idx_size < NTFS_FIXUP_STRIDE ||
            nf->idx_size > NTFS_REC_MAX)
            goto bad;
        nf->vcn_shift = 0;
        for (uint32_t v = nf->idx_size >= nv->cluster ? nv->cluster : 512; v > 1; v >>= 1)
            nf->vcn_shift++;
        rc = attr_get(vol, nf->recno, AT_INDEX_ALLOCATION, "$I30", &nf->alloc, rec, nf->path);
        if (rc == -ENOENT)
            return shell_error(-EBADIMG, "%s: directory %s: large index without an index "
                               "allocation", vol->dev, nf->path);
        if (rc)
            return rc;
        if (nf->alloc.flags & (ATTR_COMPRESSED | ATTR_ENCRYPTED))
            goto bad;
        nf->nblocks = nf->alloc.size / nf->idx_size;
    }
    return 0;
bad:
    return shell_error(-EBADIMG, "%s: directory %s: bad index root", vol->dev, nf->path);
}

/* Find name (UTF-16, n units) in directory nf: 1 with *ref set, 0 when absent. */
static int dir_lookup(struct fs_volume *vol, struct ntfs_file *nf, const uint16_t *name,
                      size_t n, uint64_t *ref)
{
    struct ntfs_vol *nv = vol->priv;
    const uint8_t *buf = nf->root.value;
    uint8_t *node = NULL;
    uint64_t path_vcns[NTFS_DEPTH_MAX];
    uint32_t pos = 0x10 + le32(buf + 0x10), end = 0x10 + le32(buf + 0x14);
    int depth = 0, rc = upcase_load(vol);
    if (rc)
        return rc;
    for (;;) {
        struct ient e;
        int c = -1; /* the last entry sorts after every name */
        rc = ient_parse(vol, nf, buf, pos, end, &e);
        if (rc)
            break;
        if (e.key)
            c = name_cmp(nv->upcase, name, n, e.key + 0x42, e.name_len);
        if (c == 0) {
            *ref = e.ref;
            rc = 1;
            break;
        }
        if (c > 0) {
            pos += e.len;
            continue;
        }
        if (!(e.flags & IE_SUBNODE)) {
            rc = 0;
            break;
        }
        for (int i = 0; i < depth; i++)
            if (path_vcns[i] == e.sub) {
                rc = shell_error(-EBADIMG, "%s: directory %s: index loops at VCN %llu",
                                 vol->dev, nf->path, (unsigned long long)e.sub);
                goto out;
            }
        if (depth >= NTFS_DEPTH_MAX) {
            rc = shell_error(-EBADIMG, "%s: directory %s: index is deeper than %d levels",
                             vol->dev, nf->path, NTFS_DEPTH_MAX);
            break;
        }
        path_vcns[depth++] = e.sub;
        if (!node && !(node = malloc(nf->idx_size))) {
            rc = -ENOMEM;
            break;
        }
        rc = node_read(vol, nf, e.sub, node, &pos, &end);
        if (rc)
            break;
        buf = node;
    }
out:
    free(node);
    return rc;
}

/*
 * The next entry of an in-order walk of nf's index: 1 with *e set (its key
 * pointing into a frame's buffer, valid until the next call), 0 at the end.
 */
static int dir_next(struct fs_volume *vol, struct ntfs_file *nf, struct ient *e)
{
    if (nf->done)
        return 0;
    if (nf->depth < 0) {
        const uint8_t *r = nf->root.value;
        /* frame 0 has no buffer of its own: it is nf->root's value */
        nf->stack[0] = (struct frame){ NULL, 0x10 + le32(r + 0x10), 0x10 + le32(r + 0x14), false };
        nf->depth = 0;
        if (nf->nblocks && !(nf->visited = calloc(1, (size_t)((nf->nblocks + 7) / 8))))
            return -ENOMEM;
    }
    for (;;) {
        struct frame *f = &nf->stack[nf->depth];
        const uint8_t *buf = f->buf ? f->buf : nf->root.value;
        int rc = ient_parse(vol, nf, buf, f->pos, f->end, e);
        if (rc)
            return rc;
        if ((e->flags & IE_SUBNODE) && !f->descended) {
            struct frame *c;
            uint64_t blk;
            f->descended = true;
            if (nf->depth >= NTFS_DEPTH_MAX)
                return shell_error(-EBADIMG, "%s: directory %s: index is deeper than %d levels",
                                   vol->dev, nf->path, NTFS_DEPTH_MAX);
            blk = nf->idx_size && e->sub <= (UINT64_MAX >> nf->vcn_shift)
                      ? (e->sub << nf->vcn_shift) / nf->idx_size : UINT64_MAX;
            if (blk < nf->nblocks && (nf->visited[blk / 8] & (1u << (blk % 8))))
                return shell_error(-EBADIMG, "%s: directory %s: index loops at VCN %llu",
                                   vol->dev, nf->path, (unsigned long long)e->sub);
            c = &nf->stack[nf->depth + 1];
            if (!c->buf && !(c->buf = malloc(nf->idx_size)))
                return -ENOMEM;
            rc = node_read(vol, nf, e->sub, c->buf, &c->pos, &c->end);
            if (rc)
                return rc;
            nf->visited[blk / 8] |= (uint8_t)(1u << (blk % 8)); /* node_read checked blk */
            c->descended = false;
            nf->depth++;
            continue;
        }
        if (e->flags & IE_LAST) {
            if (nf->depth == 0) {
                nf->done = true;
                return 0;
            }
            nf->depth--; /* the buffer stays for reuse */
            continue;
        }
        f->pos += e->len;
        f->descended = false;
        return 1;
    }
}

/* ---- compressed files ---- */

/*
 * LZNT1: chunks of up to 4096 bytes, each with a 16-bit header (size - 1
 * in the low 12 bits, bit 15 set when compressed). A compressed chunk is
 * groups of a flag byte and 8 tokens: a literal byte, or a 16-bit back
 * reference whose split between offset and length bits depends on how far
 * into the chunk it is. A chunk that ends short is padded with zeros, as
 * Windows does. Returns 0 or -EBADIMG; dst is filled (zeros past the data).
 */
static int lznt1(const uint8_t *src, size_t slen, uint8_t *dst, size_t dlen)
{
    size_t sp = 0, dp = 0;
    while (sp + 2 <= slen && dp < dlen) {
        uint16_t h = le16(src + sp);
        size_t csize = (h & 0xFFFu) + 1, send, start = dp, dmax = MIN(dp + 4096, dlen);
        sp += 2;
        if (!h)
            break;
        if (csize > slen - sp)
            return -EBADIMG;
        send = sp + csize;
        if (!(h & 0x8000)) {
            size_t n = MIN(csize, dmax - dp);
            memcpy(dst + dp, src + sp, n);
            dp += n;
        } else {
            while (sp < send && dp < dmax) {
                uint8_t flags = src[sp++];
                for (int bit = 0; bit < 8 && sp < send && dp < dmax; bit++) {
                    size_t pos = dp - start, off, n;
                    unsigned l = 12;
                    uint16_t t;
                    if (!(flags >> bit & 1)) {
                        dst[dp++] = src[sp++];
                        continue;
                    }
                    if (send - sp < 2 || !pos)
                        return -EBADIMG;
                    t = le16(src + sp);
                    sp += 2;
                    for (size_t i = pos - 1; i >= 0x10; i >>= 1)
                        l--;
                    off = (size_t)(t >> l) + 1;
                    n = (size_t)(t & ((1u << l) - 1)) + 3;
                    if (off > pos)
                        return -EBADIMG;
                    for (; n && dp < dmax; n--, dp++)
                        dst[dp] = dst[dp - off];
                }
            }
        }
        sp = send;
        memset(dst + dp, 0, dmax - dp); /* a short chunk: the rest is zeros */
        dp = dmax;
    }
    memset(dst + dp, 0, dlen - dp);
    return 0;
}

/* Read clusters [vcn, vcn+n) through the runs: holes as zeros. */
static int clusters_read(struct fs_volume *vol, const struct nattr *na, uint64_t vcn, uint64_t n,
                         uint8_t *out, const char *what)
{
    struct ntfs_vol *nv = vol->priv;
    while (n) {
        const struct nrun *r = &na->runs[run_find(na, vcn)];
        uint64_t in = vcn - r->vcn, k = MIN(n, r->len - in);
        size_t bytes = (size_t)(k * nv->cluster);
        if (r->lcn == HOLE)
            memset(out, 0, bytes);
        else {
            int rc = dev_read(vol, (r->lcn + in) * nv->cluster, out, bytes, what);
            if (rc)
                return rc;
        }
        out += bytes;
        vcn += k;
        n -= k;
    }
    return 0;
}

/*
 * Compression unit u of a compressed file into nf->cu_buf. All clusters
 * present: stored as is; none: zeros; else the clusters before its first
 * hole hold LZNT1.
 */
static int cu_load(struct fs_volume *vol, struct ntfs_file *nf, uint64_t u)
{
    struct ntfs_vol *nv = vol->priv;
    struct nattr *na = &nf->data;
    uint64_t per = 1ull << na->cu_shift, vcn = u << na->cu_shift, n, real = 0;
    size_t bytes = (size_t)(per * nv->cluster);
    int rc;
    if (nf->cu_index == u)
        return 0;
    nf->cu_index = UINT64_MAX;
    if (!nf->cu_buf && !(nf->cu_buf = malloc(bytes)))
        return -ENOMEM;
    if (!nf->cu_src && !(nf->cu_src = malloc(bytes)))
        return -ENOMEM;
    if (vcn >= na->vcns)
        return shell_error(-EBADIMG, "%s: %s: runlist ends before compression unit %llu",
                           vol->dev, nf->path, (unsigned long long)u);
    n = MIN(per, na->vcns - vcn);
    /* the clusters stored before the unit's first hole */
    for (uint64_t v = vcn; v < vcn + n;) {
        const struct nrun *r = &na->runs[run_find(na, v)];
        uint64_t k = MIN(vcn + n - v, r->len - (v - r->vcn));
        if (r->lcn == HOLE)
            break;
        real += k;
        v += k;
    }
    if (real == n) {
        /* stored (a last unit cut short by the runlist's end reads as zeros after it) */
        memset(nf->cu_buf, 0, bytes);
        rc = clusters_read(vol, na, vcn, n, nf->cu_buf, nf->path);
    } else if (!real) {
        memset(nf->cu_buf, 0, bytes);
        rc = 0;
    } else {
        rc = clusters_read(vol, na, vcn, real, nf->cu_src, nf->path);
        if (!rc && lznt1(nf->cu_src, (size_t)(real * nv->cluster), nf->cu_buf, bytes))
            rc = shell_error(-EBADIMG, "%s: %s: compression unit %llu is corrupt (LZNT1)",
                             vol->dev, nf->path, (unsigned long long)u);
    }
    if (!rc)
        nf->cu_index = u;
    return rc;
}

/* Read [off, off+len) of a compressed file, a compression unit at a time. */
static int compressed_read(struct fs_volume *vol, struct ntfs_file *nf, uint64_t off,
                           uint8_t *out, size_t len)
{
    struct ntfs_vol *nv = vol->priv;
    uint64_t cu_bytes = (uint64_t)nv->cluster << nf->data.cu_shift;
    while (len) {
        uint64_t u = off / cu_bytes, in = off % cu_bytes;
        size_t n = (size_t)MIN((uint64_t)len, cu_bytes - in);
        if (off >= nf->data.init) {
            memset(out, 0, len);
            return 0;
        }
        n = (size_t)MIN((uint64_t)n, nf->data.init - off);
        int rc = cu_load(vol, nf, u);
        if (rc)
            return rc;
        memcpy(out, nf->cu_buf + in, n);
        out += n;
        off += n;
        len -= n;
    }
    return 0;
}

/* ---- the vtable ---- */

/*
 * Claim a volume whose boot sector says "NTFS": check the boot sector, then
 * map the whole MFT from record 0 (and the extension records its attribute
 * list names, for a big MFT).
 */
static int ntfs_mount(struct fs_volume *vol)
{
    uint8_t b[512];
    struct ntfs_vol *nv;
    uint32_t bps, spc;
    int8_t cpr, cpi;
    uint64_t total, mft_lcn;
    uint8_t *rec = NULL;
    const uint8_t *a;
    uint32_t pos;
    bool found = false;
    int rc;

    if (!vol->drive || drive_bytes(vol->drive) < sizeof(b) ||
        drive_read_bytes(vol->drive, 0, b, sizeof(b)) || memcmp(b + 3, "NTFS    ", 8) != 0)
        return -ENODEV;
    bps = le16(b + 0x0B);
    spc = b[0x0D] <= 0x80 ? b[0x0D] : (b[0x0D] >= 0xF4 ? 1u << (256 - b[0x0D]) : 0);
    cpr = (int8_t)b[0x40];
    cpi = (int8_t)b[0x44];
    total = le64(b + 0x28);
    mft_lcn = le64(b + 0x30);
    if (!pow2(bps) || bps < 256 || bps > 4096 || !pow2(spc) ||
        (uint64_t)bps * spc > NTFS_CLUSTER_MAX || b[510] != 0x55 || b[511] != 0xAA)
        return shell_error(-EBADIMG, "%s: bad NTFS boot sector (sector size %u, cluster %u "
                           "sectors)", vol->dev, bps, spc);
    nv = calloc(1, sizeof(*nv));
    if (!nv)
        return -ENOMEM;
    vol->priv = nv;
    nv->sector = bps;
    nv->cluster = bps * spc;
    /* positive: clusters per record; negative: log2 of bytes */
    nv->rec_size = cpr > 0 ? (cpr <= 64 ? (uint32_t)cpr * nv->cluster : 0)
                           : (cpr >= -31 ? 1u << -cpr : 0);
    nv->idx_size = cpi > 0 ? (cpi <= 64 ? (uint32_t)cpi * nv->cluster : 0)
                           : (cpi >= -31 ? 1u << -cpi : 0);
    nv->clusters = total / spc;
    nv->dev_bytes = drive_bytes(vol->drive);
    nv->serial = le64(b + 0x48);
    if (!pow2(nv->rec_size) || nv->rec_size < NTFS_FIXUP_STRIDE || nv->rec_size > NTFS_REC_MAX ||
        !pow2(nv->idx_size) || nv->idx_size < NTFS_FIXUP_STRIDE || nv->idx_size > NTFS_REC_MAX ||
        !nv->clusters || total > UINT64_MAX / bps || mft_lcn >= nv->clusters ||
        (nv->rec_size + nv->cluster - 1) / nv->cluster > nv->clusters - mft_lcn) {
        rc = shell_error(-EBADIMG, "%s: bad NTFS boot sector (record size %u, index record size "
                         "%u, %llu clusters, MFT at %llu)", vol->dev, nv->rec_size, nv->idx_size,
                         (unsigned long long)nv->clusters, (unsigned long long)mft_lcn);
        goto fail;
    }
    /* record 0 is read through a stand-in runlist: the MFT's start */
    nv->mft.runs = malloc(sizeof(*nv->mft.runs));
    rec = malloc(nv->rec_size);
    if (!nv->mft.runs || !rec) {
        rc = -ENOMEM;
        goto fail;
    }
    nv->mft.runs[0] = (struct nrun){ 0, mft_lcn, (nv->rec_size + nv->cluster - 1) / nv->cluster };
    nv->mft.nruns = nv->mft.cap = 1;
    nv->mft.vcns = nv->mft.runs[0].len;
    nv->mft.size = nv->mft.init = nv->rec_size;
    nv->mft_records = 1;
    rc = mft_read(vol, 0, rec);
    if (rc)
        goto fail;
    pos = le16(rec + 0x14);
    while ((rc = attr_next(vol, rec, 0, &pos, &a)) == 1)
        if (attr_is(a, AT_DATA, "")) {
            struct nattr na = { 0 };
            if (!a[8]) {
                rc = shell_error(-EBADIMG, "%s: $MFT data is resident", vol->dev);
                goto fail;
            }
            rc = attr_take(vol, a, &na, true, "$MFT");
            if (rc) {
                nattr_free(&na);
                goto fail;
            }
            nattr_free(&nv->mft);
            nv->mft = na;
            found = true;
            break;
        }
    if (rc < 0)
        goto fail;
    if (!found) {
        rc = shell_error(-EBADIMG, "%s: $MFT has no data attribute", vol->dev);
        goto fail;
    }
    nv->mft_records = MIN(nv->mft.size, nv->mft.vcns * nv->cluster) / nv->rec_size;
    {
        /* a big MFT may continue in extension records that its attribute list names */
        struct nattr full;
        rc = attr_get(vol, 0, AT_DATA, "", &full, rec, "$MFT");
        if (rc)
            goto fail;
        if (full.resident || full.flags & (ATTR_COMPRESSED | ATTR_ENCRYPTED)) {
            nattr_free(&full);
            rc = shell_error(-EBADIMG, "%s: $MFT data is resident or compressed", vol->dev);
            goto fail;
        }
        nattr_free(&nv->mft);
        nv->mft = full;
        nv->mft_records = nv->mft.size / nv->rec_size;
    }
    for (size_t i = 0; i < nv->mft.nruns; i++)
        if (nv->mft.runs[i].lcn == HOLE) {
            rc = shell_error(-EBADIMG, "%s: $MFT has a sparse run", vol->dev);
            goto fail;
        }
    free(rec);
    vol->type = "ntfs";
    return 0;
fail:
    free(rec);
    nattr_free(&nv->mft);
    free(nv);
    vol->priv = NULL;
    return rc;
}

static void ntfs_unmount(struct fs_volume *vol)
{
    struct ntfs_vol *nv = vol->priv;
    if (!nv)
        return;
    nattr_free(&nv->mft);
    free(nv->upcase);
    free(nv);
    vol->priv = NULL;
}

static void file_free(struct ntfs_file *nf)
{
    if (!nf)
        return;
    nattr_free(&nf->data);
    nattr_free(&nf->root);
    nattr_free(&nf->alloc);
    for (int i = 0; i <= NTFS_DEPTH_MAX; i++)
        free(nf->stack[i].buf);
    free(nf->visited);
    free(nf->cu_buf);
    free(nf->cu_src);
    free(nf->path);
    free(nf);
}

/* Load the record ref names (reached by path[0..path_len)) as an open file or directory. */
static int file_load(struct fs_volume *vol, uint64_t ref, const char *path, size_t path_len,
                     uint8_t *rec, struct ntfs_file **out)
{
    struct ntfs_file *nf = calloc(1, sizeof(*nf));
    uint64_t recno = REF_RECNO(ref);
    uint16_t seq = (uint16_t)(ref >> 48);
    int rc;
    if (!nf)
        return -ENOMEM;
    nf->depth = -1;
    nf->cu_index = UINT64_MAX;
    nf->recno = recno;
    nf->path = strndup8(path_len ? path : "/", path_len ? path_len : 1);
    if (!nf->path) {
        rc = -ENOMEM;
        goto fail;
    }
    rc = mft_read(vol, recno, rec);
    if (rc)
        goto fail;
    if (!(le16(rec + 0x16) & REC_IN_USE) || (seq && le16(rec + 0x10) != seq) ||
        le64(rec + 0x20) != 0) {
        rc = shell_error(-EBADIMG, "%s: %s: MFT record %llu is not in use or not this file's",
                         vol->dev, nf->path, (unsigned long long)recno);
        goto fail;
    }
    nf->is_dir = (le16(rec + 0x16) & REC_IS_DIR) != 0;
    nf->node.kind = nf->is_dir ? FS_NODE_DIR : FS_NODE_FILE;
    nf->node.id = recno;
    if (nf->is_dir)
        rc = dir_load(vol, nf, rec);
    else if ((rc = attr_get(vol, recno, AT_DATA, "", &nf->data, rec, nf->path)) == -ENOENT)
        rc = 0; /* no data: an empty file (a reparse point, say) */
    if (rc)
        goto fail;
    *out = nf;
    return 0;
fail:
    file_free(nf);
    return rc;
}

/* ---- paths, by fs_walk ---- */

static int walk_root(struct fs_volume *vol, struct fs_node **out)
{
    struct ntfs_vol *nv = vol->priv;
    struct ntfs_file *nf;
    uint8_t *rec = malloc(nv->rec_size);
    int rc;
    if (!rec)
        return -ENOMEM;
    rc = file_load(vol, REC_ROOT, "/", 1, rec, &nf);
    free(rec);
    if (!rc)
        *out = &nf->node;
    return rc;
}

static int walk_lookup(struct fs_volume *vol, struct fs_node *dir, const char *name,
                       const char *where, struct fs_node **out)
{
    struct ntfs_vol *nv = vol->priv;
    struct ntfs_file *child;
    uint16_t name16[256];
    uint64_t ref = 0;
    uint8_t *rec;
    int n = name_to_utf16(name, strlen8(name), name16, ARRAY_SIZE(name16)), rc;
    if (n < 0)
        return -ENOENT; /* longer than any NTFS name */
    rc = dir_lookup(vol, (struct ntfs_file *)dir, name16, (size_t)n, &ref);
    if (rc <= 0)
        return rc ? rc : -ENOENT;
    rec = malloc(nv->rec_size);
    if (!rec)
        return -ENOMEM;
    rc = file_load(vol, ref, where, strlen8(where), rec, &child);
    free(rec);
    if (!rc)
        *out = &child->node;
    return rc;
}

static void walk_put(struct fs_node *node) { file_free((struct ntfs_file *)node); }

static const struct fs_walk_ops ntfs_walk = {
    .root = walk_root,
    .lookup = walk_lookup,
    .put = walk_put,
};

static int ntfs_open(struct fs_volume *vol, const char *path, struct fs_file **out)
{
    int rc;
    if (!vol->drive)
        return -ENODEV;
    rc = fs_walk_open(vol, &ntfs_walk, path, out);
    if (!rc && !(*out)->is_dir)
        (*out)->size = ((struct ntfs_file *)(*out)->priv)->data.size;
    return rc;
}

/* Is the file LZNT1-compressed (and not resident, where nothing is compressed)? */
static bool compressed(const struct ntfs_file *nf)
{
    return !nf->data.resident && (nf->data.flags & ATTR_COMPRESSED);
}

/* Files we cannot read right are refused, never read wrong. */
static int readable(struct fs_volume *vol, struct ntfs_file *nf)
{
    struct ntfs_vol *nv = vol->priv;
    if (nf->data.flags & ATTR_ENCRYPTED)
        return shell_error(-ENOTSUP, "%s: %s: encrypted NTFS files are not supported", vol->dev,
                           nf->path);
    /* LZNT1 is the only method: flag 1, units of 16 clusters of at most 4 KiB (Windows') */
    if (compressed(nf) && ((nf->data.flags & ATTR_COMPRESSED) != 1 || nf->data.cu_shift != 4 ||
                           nv->cluster > 4096))
        return shell_error(-ENOTSUP, "%s: %s: this NTFS compression (flags %#x, unit %u) is not "
                           "supported", vol->dev, nf->path, nf->data.flags & ATTR_COMPRESSED,
                           nf->data.cu_shift);
    return 0;
}

static int ntfs_read(struct fs_file *f, uint64_t off, void *buf, size_t len, size_t *got)
{
    struct ntfs_file *nf = f->priv;
    int rc;
    *got = 0;
    if (!f->vol->drive)
        return -ENODEV;
    if (nf->is_dir)
        return -EISDIR;
    if (off >= f->size || !len)
        return 0;
    rc = readable(f->vol, nf);
    if (rc)
        return rc;
    len = (size_t)MIN((uint64_t)len, f->size - off);
    if (compressed(nf))
        rc = compressed_read(f->vol, nf, off, buf, len);
    else
        rc = attr_read(f->vol, &nf->data, off, buf, len, nf->path);
    if (rc == 0)
        *got = len;
    return rc;
}

static int ntfs_readdir(struct fs_file *dir, struct fs_dirent *ent)
{
    struct ntfs_file *nf = dir->priv;
    struct ient e;
    int rc;
    if (!dir->vol->drive)
        return -ENODEV;
    if (!nf->is_dir)
        return -ENOTDIR;
    while ((rc = dir_next(dir->vol, nf, &e)) == 1) {
        char name[NTFS_NAME_UTF8];
        if (e.key[0x41] == FN_DOS || !name_to_utf8(e.key + 0x42, e.name_len, name, sizeof(name)))
            continue;
        if (nf->recno == REC_ROOT && name[0] == '$')
            continue;
        utf8_copy(ent->name, sizeof(ent->name), name);
        ent->is_dir = (le32(e.key + 0x38) & FN_DIR) != 0;
        ent->size = ent->is_dir ? 0 : le64(e.key + 0x30);
        return 1;
    }
    return rc;
}

static void ntfs_close(struct fs_file *f)
{
    file_free(f->priv);
    free(f);
}

/* $VOLUME_NAME of $Volume (record 3). */
static int ntfs_label(struct fs_volume *vol, char *buf, size_t size)
{
    struct ntfs_vol *nv = vol->priv;
    struct nattr na;
    char name[NTFS_NAME_UTF8];
    uint8_t *rec;
    int rc;
    if (!vol->drive)
        return -ENODEV;
    rec = malloc(nv->rec_size);
    if (!rec)
        return -ENOMEM;
    rc = attr_get(vol, REC_VOLUME, AT_VOLUME_NAME, "", &na, rec, "$Volume");
    free(rec);
    if (rc)
        return rc;
    if (!na.resident || !na.size || na.size > 255 * 2 ||
        !name_to_utf8(na.value, (size_t)na.size / 2, name, sizeof(name)))
        rc = -ENOENT;
    else
        utf8_copy(buf, size, name);
    nattr_free(&na);
    return rc;
}

/* grub4dos' form: the 64-bit serial number as 16 hex digits. */
static int ntfs_uuid(struct fs_volume *vol, char *buf, size_t size)
{
    struct ntfs_vol *nv = vol->priv;
    snprintf(buf, size, "%016llX", (unsigned long long)nv->serial);
    return 0;
}

/*
 * Extents from the runlist; bytes past the initialized size are holes. A
 * resident file's bytes are inside its MFT record, where fixups may sit:
 * those are -ENOTSUP.
 */
static int ntfs_extents(struct fs_file *f, struct fs_extent **out, size_t *n)
{
    struct ntfs_file *nf = f->priv;
    struct ntfs_vol *nv = f->vol->priv;
    struct fs_extent *ext;
    size_t k = 0;
    int rc;
    if (!f->vol->drive)
        return -ENODEV;
    if (nf->is_dir)
        return -EISDIR;
    rc = readable(f->vol, nf);
    if (rc)
        return rc;
    if (nf->data.resident && f->size)
        return -ENOTSUP;
    if (compressed(nf))
        return shell_error(-ENOTSUP, "%s: %s: a compressed file has no extents to map",
                           f->vol->dev, nf->path);
    ext = malloc((nf->data.nruns + 2) * sizeof(*ext));
    if (!ext)
        return -ENOMEM;
    for (size_t i = 0; i < nf->data.nruns; i++) {
        const struct nrun *r = &nf->data.runs[i];
        uint64_t start = r->vcn * nv->cluster, len = r->len * nv->cluster, cut;
        if (start >= f->size)
            break;
        len = MIN(len, f->size - start);
        cut = nf->data.init > start ? MIN(len, nf->data.init - start) : 0;
        if (cut && r->lcn != HOLE && r->lcn * nv->cluster + cut > nv->dev_bytes) {
            free(ext);
            return shell_error(-EBADIMG, "%s: %s: data at byte %llu is past the end of the "
                               "device (truncated image?)", f->vol->dev, nf->path,
                               (unsigned long long)(r->lcn * nv->cluster));
        }
        if (cut)
            ext[k++] = (struct fs_extent){ start, r->lcn == HOLE ? FS_EXTENT_HOLE
                                                                 : r->lcn * nv->cluster, cut };
        if (cut < len) {
            /* past the initialized size: zeros, one hole to the end */
            ext[k++] = (struct fs_extent){ start + cut, FS_EXTENT_HOLE, f->size - start - cut };
            break;
        }
    }
    /* merge neighbouring holes */
    for (size_t i = 1; i < k;) {
        if (ext[i].disk_off == FS_EXTENT_HOLE && ext[i - 1].disk_off == FS_EXTENT_HOLE) {
            ext[i - 1].len += ext[i].len;
            memmove(&ext[i], &ext[i + 1], (k - i - 1) * sizeof(*ext));
            k--;
        } else {
            i++;
        }
    }
    *out = ext;
    *n = k;
    return 0;
}

FILESYSTEM(ntfs, 12) = {
    .name = "ntfs",
    .mount = ntfs_mount,
    .unmount = ntfs_unmount,
    .open = ntfs_open,
    .read = ntfs_read,
    .readdir = ntfs_readdir,
    .close = ntfs_close,
    .label = ntfs_label,
    .uuid = ntfs_uuid,
    .extents = ntfs_extents,
};
