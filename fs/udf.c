/*
 * UDF (ECMA-167 / OSTA UDF 1.02-2.60), read-only: DVDs, Windows install
 * ISOs (whose install.wim is often only in the UDF tree of an ISO9660/UDF
 * bridge image, hence this driver probes before iso9660), and UDF hard-disk
 * images.
 *
 * Mounting follows the chain the standard lays down: the Volume Recognition
 * Sequence (an NSR02/NSR03 descriptor from byte 32768), an Anchor Volume
 * Descriptor Pointer (sector 256, else N-256 or the last sector) tried with
 * logical sector sizes 2048, 512, 4096 and the drive's own, the Main (else
 * Reserve) Volume Descriptor Sequence with its Primary, Partition and
 * Logical Volume Descriptors, then the File Set Descriptor and the root
 * directory's ICB. Partition maps of type 1 and the UDF 2.50+ metadata
 * partition (whose blocks are mapped through the metadata file's
 * allocation descriptors) are read; sparable and virtual partitions are
 * refused with -ENOTSUP.
 *
 * A file is its File Entry or Extended File Entry, whose allocation
 * descriptors (short or long, chained through Allocation Extent
 * Descriptors, or data embedded in the entry) become a list of runs in
 * bytes on the drive; contiguous runs are merged so reads stay large, and
 * unrecorded extents are holes. Every descriptor's tag is verified
 * (checksum, identifier, CRC, location); every extent must lie inside its
 * partition and on the media; chains, paths and allocations are bounded.
 */
#include "fs.h"

#include "../src/err.h"
#include "../src/shell.h"

#define UDF_VRS_START 32768u
#define UDF_VRS_MAX 64                /* descriptors of the recognition sequence */
#define UDF_VDS_MAX 256               /* descriptors read in one volume descriptor sequence */
#define UDF_PARTS_MAX 8               /* partition descriptors and maps kept */
#define UDF_RUNS_MAX (1u << 18)       /* runs per file */
#define UDF_AED_MAX 4096              /* allocation extent descriptors chained per file */
#define UDF_DIR_MAX (32u << 20)       /* a directory is read whole; larger ones are refused */
#define UDF_DEPTH_MAX (FS_PATH_MAX / 2)

/*
 * The fuzzer build accepts bad checksums and CRCs, or its mutations would
 * almost never get past a tag to the parsing behind it.
 */
#ifdef MB_FUZZ
#define SUM_OK(good) ((void)(good), true)
#else
#define SUM_OK(good) (good)
#endif

/* descriptor tag identifiers */
#define TAG_PVD 1
#define TAG_AVDP 2
#define TAG_VDP 3
#define TAG_PD 5
#define TAG_LVD 6
#define TAG_TD 8
#define TAG_FSD 256
#define TAG_FID 257
#define TAG_AED 258
#define TAG_FE 261
#define TAG_EFE 266

/* allocation descriptor extent types (the top two bits of the length) */
#define EXT_RECORDED 0
#define EXT_NEXT 3

#define FID_DIR 0x02
#define FID_DELETED 0x04
#define FID_PARENT 0x08

#define FTYPE_DIR 4

enum part_kind { PART_PHYS, PART_META };

struct udf_part {
    enum part_kind kind;
    uint16_t number;                  /* the partition descriptor's number */
    uint32_t start, len;              /* physical: sectors of the logical block size */
    struct fs_extent *runs;           /* metadata: the metadata file's runs on the drive */
    size_t nruns;
};

struct udf_vol {
    uint32_t bs;                      /* logical block (and sector) size */
    struct udf_part parts[UDF_PARTS_MAX]; /* by partition reference number */
    int nparts;
    uint16_t root_ref;
    uint32_t root_lbn;
    char label[400];
    char volset[400];
    /* the directory last searched by open: `cat` of many files in one directory reads it once */
    uint8_t *dir_cache;
    uint64_t dir_cache_key, dir_cache_size;
};

/* A File Entry, decoded: its kind, size and runs. */
struct udf_node {
    bool is_dir;
    uint64_t size;
    struct fs_extent *runs;
    size_t nruns, cap;
};

struct udf_file {
    struct fs_node wn;                /* first: fs_walk's view (id: the entry's location) */
    struct fs_file f;
    struct udf_node node;
    uint8_t *dir;                     /* directories: the contents, read on first readdir */
    size_t dir_pos;
    char name[256];                   /* the last path component, for messages */
};

/* CRC-ITU-T (x^16 + x^12 + x^5 + 1, initial 0), as descriptor tags use it. */
static uint16_t crc_itu(const uint8_t *p, size_t n)
{
    uint16_t crc = 0;
    for (size_t i = 0; i < n; i++) {
        crc ^= (uint16_t)(p[i] << 8);
        for (int b = 0; b < 8; b++)
            crc = crc & 0x8000 ? (uint16_t)(crc << 1 ^ 0x1021) : (uint16_t)(crc << 1);
    }
    return crc;
}

static const char *tag_name(uint16_t id)
{
    switch (id) {
    case TAG_PVD: return "Primary Volume Descriptor";
    case TAG_AVDP: return "Anchor Volume Descriptor Pointer";
    case TAG_PD: return "Partition Descriptor";
    case TAG_LVD: return "Logical Volume Descriptor";
    case TAG_FSD: return "File Set Descriptor";
    case TAG_FID: return "File Identifier Descriptor";
    case TAG_AED: return "Allocation Extent Descriptor";
    case TAG_FE: return "File Entry";
    case TAG_EFE: return "Extended File Entry";
    default: return "descriptor";
    }
}

/*
 * Verify a descriptor tag in buf (len bytes available): its checksum, its
 * identifier (want, or want2 when nonzero), its location and, when it fits
 * in buf, its CRC. 0 or -EBADIMG naming what and where; quiet keeps the
 * message (for probing several places).
 */
static int tag_check(struct fs_volume *vol, const uint8_t *buf, size_t len, uint16_t want,
                     uint16_t want2, uint32_t loc, bool quiet)
{
    uint8_t sum = 0;
    uint16_t id, crc_len;
    const char *what = tag_name(want);
    if (len < 16)
        return -EBADIMG;
    for (int i = 0; i < 16; i++)
        if (i != 4)
            sum = (uint8_t)(sum + buf[i]);
    id = le16(buf);
    if (id != want && (!want2 || id != want2)) {
        if (quiet)
            return -EBADIMG;
        return shell_error(-EBADIMG, "%s: UDF %s at block %u has tag identifier %u", vol->dev,
                           what, loc, id);
    }
    if (!SUM_OK(sum == buf[4]))
        return quiet ? -EBADIMG : shell_error(-EBADIMG, "%s: UDF %s at block %u has a bad tag "
                                              "checksum", vol->dev, what, loc);
    if (le32(buf + 12) != loc)
        return quiet ? -EBADIMG : shell_error(-EBADIMG, "%s: UDF %s at block %u has a bad tag "
                                              "location (%u)", vol->dev, what, loc,
                                              le32(buf + 12));
    crc_len = le16(buf + 10);
    if (!SUM_OK(16u + crc_len > len || crc_itu(buf + 16, crc_len) == le16(buf + 8)))
        return quiet ? -EBADIMG : shell_error(-EBADIMG, "%s: UDF %s at block %u has a bad "
                                              "descriptor CRC", vol->dev, what, loc);
    return 0;
}

/*
 * OSTA compressed Unicode (compression ID 8: bytes, 16: UCS-2 big-endian;
 * 254/255 are the same for UDF 2.50's unsorted names) as UTF-8. NUL and
 * '/' could not be looked up, so they become '_'. An unknown ID gives "".
 */
static void cs0_decode(const uint8_t *raw, size_t n, char *out, size_t size)
{
    size_t o = 0;
    out[0] = 0;
    if (n == 0 || size == 0)
        return;
    if (raw[0] == 8 || raw[0] == 254) {
        for (size_t i = 1; i < n; i++) {
            char tmp[4];
            uint32_t cp = raw[i] == 0 || raw[i] == '/' ? '_' : raw[i];
            size_t k = utf8_encode(cp, tmp);
            if (o + k >= size)
                break;
            memcpy(out + o, tmp, k);
            o += k;
        }
    } else if (raw[0] == 16 || raw[0] == 255) {
        for (size_t i = 1; i + 1 < n; i += 2) {
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
    }
    out[o] = 0;
}

/* A dstring field of n bytes (its last byte is the used length) as UTF-8, maybe trimmed. */
static void dstring(const uint8_t *field, size_t n, bool trim, char *out, size_t size)
{
    size_t used = field[n - 1], len;
    if (used > n - 1)
        used = n - 1;
    cs0_decode(field, used, out, size);
    len = strlen8(out);
    while (trim && len > 0 && (out[len - 1] == ' ' || out[len - 1] == 0))
        out[--len] = 0;
}

/* 0 when [off, off + len) lies on the drive, else -ENXIO naming what. */
static int check_on_media(struct fs_volume *vol, const char *what, uint64_t off, uint64_t len)
{
    uint64_t media = drive_bytes(vol->drive);
    if (off <= media && len <= media - off)
        return 0;
    return shell_error(-ENXIO, "%s: UDF %s (byte %llu, %llu bytes) is past the end of the media "
                       "(%llu bytes): truncated or corrupt image", vol->dev, what,
                       (unsigned long long)off, (unsigned long long)len,
                       (unsigned long long)media);
}

/*
 * Where logical block lbn of partition reference ref is on the drive, and
 * how many bytes from there are contiguous in the partition. 0 or -EBADIMG.
 */
static int map_block(struct fs_volume *vol, uint16_t ref, uint32_t lbn, uint64_t *disk,
                     uint64_t *contig)
{
    struct udf_vol *uv = vol->priv;
    const struct udf_part *p;
    if (ref >= uv->nparts)
        return shell_error(-EBADIMG, "%s: UDF block %u refers to partition %u of %d", vol->dev,
                           lbn, ref, uv->nparts);
    p = &uv->parts[ref];
    if (p->kind == PART_PHYS) {
        if (lbn >= p->len)
            return shell_error(-EBADIMG, "%s: UDF block %u is past the end of partition %u "
                               "(%u blocks)", vol->dev, lbn, p->number, p->len);
        *disk = ((uint64_t)p->start + lbn) * uv->bs;
        *contig = (uint64_t)(p->len - lbn) * uv->bs;
        return 0;
    }
    for (size_t i = 0; i < p->nruns; i++) {
        const struct fs_extent *r = &p->runs[i];
        uint64_t off = (uint64_t)lbn * uv->bs;
        if (off >= r->file_off && off - r->file_off < r->len) {
            if (r->disk_off == FS_EXTENT_HOLE)
                break;
            *disk = r->disk_off + (off - r->file_off);
            *contig = r->len - (off - r->file_off);
            return 0;
        }
    }
    return shell_error(-EBADIMG, "%s: UDF block %u is past the end of the metadata partition",
                       vol->dev, lbn);
}

/* Read one logical block of a partition and verify its tag. */
static int read_tagged(struct fs_volume *vol, uint16_t ref, uint32_t lbn, uint8_t *buf,
                       uint16_t want, uint16_t want2)
{
    struct udf_vol *uv = vol->priv;
    uint64_t disk, contig;
    int rc = map_block(vol, ref, lbn, &disk, &contig);
    if (rc)
        return rc;
    rc = check_on_media(vol, tag_name(want), disk, uv->bs);
    if (rc)
        return rc;
    rc = drive_read_bytes(vol->drive, disk, buf, uv->bs);
    if (rc)
        return rc;
    return tag_check(vol, buf, uv->bs, want, want2, lbn, false);
}

/* Append a run of len bytes at disk (or a hole) to node's runs, joining contiguous ones. */
static int add_run(struct fs_volume *vol, const char *name, struct udf_node *n,
                   uint64_t *file_off, uint64_t disk, uint64_t len)
{
    struct fs_extent *last = n->nruns ? &n->runs[n->nruns - 1] : NULL;
    if (len == 0)
        return 0;
    if (disk != FS_EXTENT_HOLE) {
        char what[FS_PATH_MAX + 16];
        int rc;
        snprintf(what, sizeof(what), "file '%s'", name);
        rc = check_on_media(vol, what, disk, len);
        if (rc)
            return rc;
    }
    if (last && ((disk == FS_EXTENT_HOLE && last->disk_off == FS_EXTENT_HOLE) ||
                 (disk != FS_EXTENT_HOLE && last->disk_off != FS_EXTENT_HOLE &&
                  last->disk_off + last->len == disk))) {
        last->len += len;
    } else {
        if (n->nruns == n->cap) {
            size_t cap = n->cap ? n->cap * 2 : 8;
            struct fs_extent *r;
            if (n->cap >= UDF_RUNS_MAX)
                return shell_error(-EBADIMG, "%s: UDF file has more than %u extents", vol->dev,
                                   UDF_RUNS_MAX);
            r = realloc(n->runs, cap * sizeof(*r));
            if (!r)
                return -ENOMEM;
            n->runs = r;
            n->cap = cap;
        }
        n->runs[n->nruns].file_off = *file_off;
        n->runs[n->nruns].disk_off = disk;
        n->runs[n->nruns].len = len;
        n->nruns++;
    }
    *file_off += len;
    return 0;
}

/*
 * One allocation descriptor's extent: len bytes at block lbn of partition
 * ref, recorded (mapped, maybe across metadata runs) or a hole. The runs
 * stop at the file's size.
 */
static int add_extent(struct fs_volume *vol, const char *name, struct udf_node *n,
                      uint64_t *file_off, int type, uint16_t ref, uint32_t lbn, uint64_t len)
{
    struct udf_vol *uv = vol->priv;
    if (*file_off >= n->size)
        return 0;
    len = MIN(len, n->size - *file_off);
    if (type != EXT_RECORDED)
        return add_run(vol, name, n, file_off, FS_EXTENT_HOLE, len);
    while (len > 0) {
        uint64_t disk, contig, take;
        int rc = map_block(vol, ref, lbn, &disk, &contig);
        if (rc)
            return shell_error(rc, "%s: UDF file '%s': its extent at block %u (partition "
                               "reference %u) is past the end of its partition", vol->dev, name,
                               lbn, ref);
        take = MIN(contig, len);
        if ((take < len && contig % uv->bs) || (uint64_t)lbn + take / uv->bs > UINT32_MAX)
            return shell_error(-EBADIMG, "%s: UDF extent at block %u of partition reference %u "
                               "is corrupt", vol->dev, lbn, ref);
        rc = add_run(vol, name, n, file_off, disk, take);
        if (rc)
            return rc;
        len -= take;
        lbn += (uint32_t)(take / uv->bs);
    }
    return 0;
}

/*
 * Decode the File Entry at block lbn of partition ref into n: its type, its
 * size and runs covering [0, size). name is for messages.
 */
static int read_node(struct fs_volume *vol, uint16_t ref, uint32_t lbn, const char *name,
                     struct udf_node *n)
{
    struct udf_vol *uv = vol->priv;
    uint8_t *buf = malloc(uv->bs);
    uint32_t hdr, l_ea, l_ad, pos, end;
    uint64_t file_off = 0, disk, contig, *seen = NULL;
    int rc, adtype, aeds = 0;
    uint16_t cur_ref = ref;
    uint32_t cur_lbn = lbn;

    memset(n, 0, sizeof(*n));
    if (!buf)
        return -ENOMEM;
    rc = read_tagged(vol, ref, lbn, buf, TAG_FE, TAG_EFE);
    if (rc)
        goto out;
    if (le16(buf + 20) != 4) {
        rc = shell_error(-ENOTSUP, "%s: UDF file '%s' uses ICB strategy %u (only 4 is supported)",
                         vol->dev, name, le16(buf + 20));
        goto out;
    }
    n->is_dir = buf[27] == FTYPE_DIR;
    n->size = le64(buf + 56);
    hdr = le16(buf) == TAG_FE ? 176 : 216;
    l_ea = le32(buf + hdr - 8);
    l_ad = le32(buf + hdr - 4);
    if (l_ea > uv->bs - hdr || l_ad > uv->bs - hdr - l_ea) {
        rc = shell_error(-EBADIMG, "%s: UDF file '%s': its entry at block %u has extended "
                         "attributes of %u and descriptors of %u bytes in a %u-byte block",
                         vol->dev, name, lbn, l_ea, l_ad, uv->bs);
        goto out;
    }
    pos = hdr + l_ea;
    end = pos + l_ad;
    adtype = le16(buf + 34) & 7;
    if (adtype == 3) {
        /* the data is in the entry itself: a run inside its block */
        if (n->size > l_ad) {
            rc = shell_error(-EBADIMG, "%s: UDF file '%s' of %llu bytes is embedded in %u bytes",
                             vol->dev, name, (unsigned long long)n->size, l_ad);
            goto out;
        }
        rc = map_block(vol, ref, lbn, &disk, &contig);
        if (!rc)
            rc = add_run(vol, name, n, &file_off, disk + pos, n->size);
        goto out;
    }
    if (adtype > 1) {
        rc = shell_error(-ENOTSUP, "%s: UDF file '%s' uses allocation descriptor type %d",
                         vol->dev, name, adtype);
        goto out;
    }
    for (;;) {
        size_t adlen = adtype == 0 ? 8 : 16;
        uint32_t raw, lb;
        uint16_t pref;
        int type;
        uint64_t len;
        if (pos + adlen > end || file_off >= n->size)
            break;
        raw = le32(buf + pos);
        type = (int)(raw >> 30);
        len = raw & 0x3FFFFFFF;
        lb = le32(buf + pos + 4);
        pref = adtype == 0 ? cur_ref : le16(buf + pos + 8);
        pos += (uint32_t)adlen;
        if (len == 0)
            break; /* the list ends early */
        if (type != EXT_NEXT) {
            rc = add_extent(vol, name, n, &file_off, type, pref, lb, len);
            if (rc)
                goto out;
            continue;
        }
        /* the descriptors go on in an Allocation Extent Descriptor: one not seen before */
        if (aeds == UDF_AED_MAX) {
            rc = shell_error(-ELOOP, "%s: UDF file '%s': its allocation extent chain is longer "
                             "than %d", vol->dev, name, UDF_AED_MAX);
            goto out;
        }
        if (!seen && !(seen = malloc(UDF_AED_MAX * sizeof(*seen)))) {
            rc = -ENOMEM;
            goto out;
        }
        for (int i = 0; i < aeds; i++)
            if (seen[i] == ((uint64_t)pref << 32 | lb)) {
                rc = shell_error(-ELOOP, "%s: UDF file '%s': its allocation extent chain loops "
                                 "at block %u", vol->dev, name, lb);
                goto out;
            }
        seen[aeds++] = (uint64_t)pref << 32 | lb;
        cur_ref = pref;
        cur_lbn = lb;
        rc = read_tagged(vol, cur_ref, cur_lbn, buf, TAG_AED, 0);
        if (rc)
            goto out;
        l_ad = le32(buf + 20);
        if (l_ad > uv->bs - 24 || len < 24) {
            rc = shell_error(-EBADIMG, "%s: UDF file '%s': allocation extent at block %u holds "
                             "%u bytes of descriptors", vol->dev, name, cur_lbn, l_ad);
            goto out;
        }
        pos = 24;
        end = 24 + l_ad;
    }
    if (file_off < n->size)
        rc = shell_error(-EBADIMG, "%s: UDF file '%s': its extents cover %llu of its %llu bytes",
                         vol->dev, name, (unsigned long long)file_off,
                         (unsigned long long)n->size);
out:
    free(seen);
    free(buf);
    if (rc) {
        free(n->runs);
        n->runs = NULL;
        n->nruns = 0;
    }
    return rc;
}

/* Read [off, off + len) of a node's data: one drive read per run, zeros for holes. */
static int node_read(struct fs_volume *vol, const struct udf_node *n, uint64_t off, uint8_t *buf,
                     size_t len, size_t *got)
{
    size_t done = 0;
    *got = 0;
    if (!vol->drive)
        return -ENODEV;
    if (off >= n->size)
        return 0;
    len = (size_t)MIN((uint64_t)len, n->size - off);
    for (size_t i = 0; i < n->nruns && done < len; i++) {
        const struct fs_extent *r = &n->runs[i];
        uint64_t at = off + done, in;
        size_t k;
        if (at >= r->file_off + r->len)
            continue;
        in = at - r->file_off;
        k = (size_t)MIN(r->len - in, (uint64_t)(len - done));
        if (r->disk_off == FS_EXTENT_HOLE) {
            memset(buf + done, 0, k);
        } else {
            int rc = drive_read_bytes(vol->drive, r->disk_off + in, buf + done, k);
            if (rc)
                return rc;
        }
        done += k;
    }
    *got = done;
    return 0;
}

/* A directory's contents, read whole into a malloc'd buffer. */
static int dir_load(struct fs_volume *vol, const struct udf_node *n, const char *name,
                    uint8_t **out)
{
    uint8_t *buf;
    size_t got;
    int rc;
    if (n->size > UDF_DIR_MAX)
        return shell_error(-EBADIMG, "%s: UDF directory '%s' is %llu bytes (more than %u)",
                           vol->dev, name, (unsigned long long)n->size, UDF_DIR_MAX);
    buf = malloc(MAX((size_t)n->size, (size_t)1));
    if (!buf)
        return -ENOMEM;
    rc = node_read(vol, n, 0, buf, (size_t)n->size, &got);
    if (rc) {
        free(buf);
        return rc;
    }
    *out = buf;
    return 0;
}

/* One File Identifier Descriptor, decoded. */
struct udf_fid {
    uint8_t chars;
    uint16_t ref;
    uint32_t lbn;
    char name[768];
};

/*
 * The next FID of a loaded directory from *pos, skipping deleted and parent
 * entries: 1 with *fid filled, 0 at the end, or -EBADIMG.
 */
static int fid_next(struct fs_volume *vol, const uint8_t *dir, uint64_t size, size_t *pos,
                    const char *dname, struct udf_fid *fid)
{
    while (*pos < size) {
        const uint8_t *p = dir + *pos;
        size_t left = (size_t)(size - *pos), len;
        uint8_t l_fi;
        uint16_t l_iu;
        if (left < 38)
            return shell_error(-EBADIMG, "%s: UDF directory '%s' ends in a partial File "
                               "Identifier Descriptor at byte %zu", vol->dev, dname, *pos);
        l_fi = p[19];
        l_iu = le16(p + 36);
        len = (38u + l_iu + l_fi + 3) & ~(size_t)3;
        if (le16(p) != TAG_FID || 38u + l_iu + l_fi > left)
            return shell_error(-EBADIMG, "%s: UDF directory '%s': File Identifier Descriptor "
                               "at byte %zu is corrupt or runs past the directory (%zu bytes)",
                               vol->dev, dname, *pos, (size_t)size);
        {
            uint8_t sum = 0;
            for (int i = 0; i < 16; i++)
                if (i != 4)
                    sum = (uint8_t)(sum + p[i]);
            if (!SUM_OK(sum == p[4] && (le16(p + 10) > 22u + l_iu + l_fi ||
                                         crc_itu(p + 16, le16(p + 10)) == le16(p + 8))))
                return shell_error(-EBADIMG, "%s: UDF directory '%s': File Identifier "
                                   "Descriptor at byte %zu has a bad tag checksum or CRC", vol->dev,
                                   dname, *pos);
        }
        *pos += MIN(len, left);
        fid->chars = p[18];
        if (fid->chars & (FID_DELETED | FID_PARENT))
            continue;
        fid->lbn = le32(p + 24);
        fid->ref = le16(p + 28);
        cs0_decode(p + 38 + l_iu, l_fi, fid->name, sizeof(fid->name));
        if (!fid->name[0])
            strlcpy8(fid->name, "_", sizeof(fid->name));
        return 1;
    }
    return 0;
}

/* An entry's location for loop checks. */
static uint64_t loc_key(uint16_t ref, uint32_t lbn) { return (uint64_t)ref << 32 | lbn; }

/* ---- paths, by fs_walk ---- */

/* The entry at (ref, lbn) named name as a walk node. */
static int node_new(struct fs_volume *vol, uint16_t ref, uint32_t lbn, const char *name,
                    struct fs_node **out)
{
    struct udf_file *f = calloc(1, sizeof(*f));
    int rc;
    if (!f)
        return -ENOMEM;
    rc = read_node(vol, ref, lbn, name, &f->node);
    if (rc) {
        free(f->node.runs);
        free(f);
        return rc;
    }
    f->wn.kind = f->node.is_dir ? FS_NODE_DIR : FS_NODE_FILE;
    f->wn.id = loc_key(ref, lbn);
    utf8_copy(f->name, sizeof(f->name), name);
    *out = &f->wn;
    return 0;
}

static int walk_root(struct fs_volume *vol, struct fs_node **out)
{
    struct udf_vol *uv = vol->priv;
    return node_new(vol, uv->root_ref, uv->root_lbn, "/", out);
}

static int walk_lookup(struct fs_volume *vol, struct fs_node *dnode, const char *name,
                       const char *where, struct fs_node **out)
{
    struct udf_vol *uv = vol->priv;
    struct udf_file *d = (struct udf_file *)dnode;
    struct udf_fid *fid = malloc(sizeof(*fid));
    bool found = false, folded = false;
    uint16_t fref = 0;
    uint32_t flbn = 0;
    size_t pos = 0;
    uint8_t *dir;
    int rc;
    (void)where;
    if (!fid)
        return -ENOMEM;
    /* the last directory searched is kept: a walk down one tree reads each once */
    if (uv->dir_cache && uv->dir_cache_key == d->wn.id && uv->dir_cache_size == d->node.size) {
        dir = uv->dir_cache;
    } else {
        rc = dir_load(vol, &d->node, d->name, &dir);
        if (rc) {
            free(fid);
            return rc;
        }
        free(uv->dir_cache);
        uv->dir_cache = dir;
        uv->dir_cache_key = d->wn.id;
        uv->dir_cache_size = d->node.size;
    }
    /* an exact match, else the first that differs only in case */
    while ((rc = fid_next(vol, dir, d->node.size, &pos, d->name, fid)) == 1) {
        if (strcmp8(fid->name, name) == 0) {
            found = true;
            fref = fid->ref;
            flbn = fid->lbn;
            break;
        }
        if (!folded && strcasecmp8(fid->name, name) == 0) {
            folded = true;
            fref = fid->ref;
            flbn = fid->lbn;
        }
    }
    free(fid);
    if (rc < 0)
        return rc;
    if (!found && !folded)
        return -ENOENT;
    return node_new(vol, fref, flbn, name, out);
}

static void walk_put(struct fs_node *node)
{
    struct udf_file *f = (struct udf_file *)node;
    free(f->node.runs);
    free(f->dir);
    free(f);
}

static const struct fs_walk_ops udf_walk = {
    .root = walk_root,
    .lookup = walk_lookup,
    .put = walk_put,
};

static int udf_open(struct fs_volume *vol, const char *path, struct fs_file **out)
{
    struct fs_node *node;
    struct udf_file *f;
    int rc;

    if (!vol->drive)
        return -ENODEV;
    rc = fs_walk(vol, &udf_walk, path, &node);
    if (rc)
        return rc;
    f = (struct udf_file *)node;
    f->f.vol = vol;
    f->f.is_dir = f->node.is_dir;
    f->f.size = f->node.size;
    f->f.priv = f;
    *out = &f->f;
    return 0;
}

static int udf_read(struct fs_file *file, uint64_t off, void *buf, size_t len, size_t *got)
{
    struct udf_file *f = file->priv;
    return node_read(file->vol, &f->node, off, buf, len, got);
}

static int udf_readdir(struct fs_file *file, struct fs_dirent *ent)
{
    struct udf_file *f = file->priv;
    struct fs_volume *vol = file->vol;
    struct udf_fid *fid;
    struct udf_node n;
    int rc;
    if (!f->node.is_dir)
        return -ENOTDIR;
    if (!vol->drive)
        return -ENODEV;
    if (!f->dir) {
        rc = dir_load(vol, &f->node, f->name, &f->dir);
        if (rc)
            return rc;
    }
    fid = malloc(sizeof(*fid));
    if (!fid)
        return -ENOMEM;
    rc = fid_next(vol, f->dir, f->node.size, &f->dir_pos, f->name, fid);
    if (rc == 1) {
        /* the size is in the entry's File Entry */
        int nrc = read_node(vol, fid->ref, fid->lbn, fid->name, &n);
        if (nrc) {
            rc = nrc;
        } else {
            utf8_copy(ent->name, sizeof(ent->name), fid->name);
            ent->size = n.size;
            ent->is_dir = n.is_dir;
            free(n.runs);
        }
    }
    free(fid);
    return rc;
}

static void udf_close(struct fs_file *file)
{
    struct udf_file *f = file->priv;
    free(f->node.runs);
    free(f->dir);
    free(f);
}

static int udf_extents(struct fs_file *file, struct fs_extent **out, size_t *n)
{
    struct udf_file *f = file->priv;
    struct fs_extent *e = malloc(MAX(f->node.nruns, (size_t)1) * sizeof(*e));
    if (!e)
        return -ENOMEM;
    memcpy(e, f->node.runs, f->node.nruns * sizeof(*e));
    *out = e;
    *n = f->node.nruns;
    return 0;
}

/*
 * The Volume Recognition Sequence: an NSR02 or NSR03 descriptor among the
 * descriptors from byte 32768, in steps of 2048 bytes or of the block size
 * when that is larger. *iso tells whether an ISO9660 descriptor came before it.
 */
static bool has_nsr(struct drive *d, bool *iso)
{
    uint32_t steps[2] = { 2048, MAX(d->block_size, 4096u) };
    uint8_t id[6];
    for (int s = 0; s < 2; s++) {
        for (uint32_t i = 0; i < UDF_VRS_MAX; i++) {
            uint64_t off = UDF_VRS_START + (uint64_t)i * steps[s];
            if (off + 2048 > drive_bytes(d) || drive_read_bytes(d, off, id, 6))
                break;
            if (memcmp(id + 1, "CD001", 5) == 0)
                *iso = true;
            if (memcmp(id + 1, "NSR02", 5) == 0 || memcmp(id + 1, "NSR03", 5) == 0)
                return true;
            if (memcmp(id + 1, "BEA01", 5) && memcmp(id + 1, "TEA01", 5) &&
                memcmp(id + 1, "CD001", 5) && memcmp(id + 1, "CDW02", 5) &&
                memcmp(id + 1, "BOOT2", 5))
                break;
        }
    }
    return false;
}

/*
 * Find an Anchor Volume Descriptor Pointer: sector 256, N-256 or N-1, for
 * each candidate sector size. Sets uv->bs and copies the anchor into buf.
 */
static int find_anchor(struct fs_volume *vol, struct udf_vol *uv, uint8_t *buf)
{
    struct drive *d = vol->drive;
    uint32_t sizes[4] = { 2048, 512, 4096, d->block_size };
    for (int s = 0; s < 4; s++) {
        uint32_t bs = sizes[s];
        uint64_t n = drive_bytes(d) / bs;
        uint64_t locs[3] = { 256, n - 256, n - 1 };
        if ((s == 3 && (bs == 2048 || bs == 512 || bs == 4096)) || bs > 4096 || n <= 257)
            continue;
        for (int l = 0; l < 3; l++) {
            if (locs[l] > UINT32_MAX || drive_read_bytes(d, locs[l] * bs, buf, bs))
                continue;
            if (tag_check(vol, buf, bs, TAG_AVDP, 0, (uint32_t)locs[l], true) == 0) {
                uv->bs = bs;
                return 0;
            }
        }
    }
    /* say why the usual place failed */
    if (drive_read_bytes(d, 256 * 2048, buf, 2048) == 0 && le16(buf) == TAG_AVDP)
        tag_check(vol, buf, 2048, TAG_AVDP, 0, 256, false);
    else if (drive_read_bytes(d, 256 * 512, buf, 512) == 0 && le16(buf) == TAG_AVDP)
        tag_check(vol, buf, 512, TAG_AVDP, 0, 256, false);
    else
        shell_error(-EBADIMG, "%s: UDF volume has no valid Anchor Volume Descriptor Pointer",
                    vol->dev);
    return -EBADIMG;
}

/* What a volume descriptor sequence gave. */
struct udf_vds {
    bool have_pvd, have_lvd;
    uint8_t pvd[512], lvd[2048];
    int npd;
    uint16_t pd_num[UDF_PARTS_MAX];
    uint32_t pd_start[UDF_PARTS_MAX], pd_len[UDF_PARTS_MAX];
};

/* Read one volume descriptor sequence (len bytes at sector loc), following pointers. */
static int read_vds(struct fs_volume *vol, struct udf_vol *uv, uint32_t loc, uint32_t len,
                    struct udf_vds *v, uint8_t *buf)
{
    int count = 0;
    memset(v, 0, sizeof(*v));
    while (len >= uv->bs) {
        uint16_t id;
        int rc;
        if (++count > UDF_VDS_MAX)
            return shell_error(-ELOOP, "%s: UDF volume descriptor sequence is longer than %d "
                               "descriptors", vol->dev, UDF_VDS_MAX);
        rc = check_on_media(vol, "volume descriptor", (uint64_t)loc * uv->bs, uv->bs);
        if (!rc)
            rc = drive_read_bytes(vol->drive, (uint64_t)loc * uv->bs, buf, uv->bs);
        if (rc)
            return rc;
        id = le16(buf);
        if (id == 0 || id == TAG_TD)
            break;
        rc = tag_check(vol, buf, uv->bs, id, 0, loc, false);
        if (rc)
            return rc;
        if (id == TAG_PVD && !v->have_pvd) {
            memcpy(v->pvd, buf, sizeof(v->pvd));
            v->have_pvd = true;
        } else if (id == TAG_LVD && !v->have_lvd) {
            memcpy(v->lvd, buf, MIN(uv->bs, (uint32_t)sizeof(v->lvd)));
            v->have_lvd = true;
        } else if (id == TAG_PD && v->npd < UDF_PARTS_MAX) {
            v->pd_num[v->npd] = le16(buf + 22);
            v->pd_start[v->npd] = le32(buf + 188);
            v->pd_len[v->npd] = le32(buf + 192);
            v->npd++;
        } else if (id == TAG_VDP) {
            loc = le32(buf + 20);
            len = le32(buf + 16);
            continue;
        }
        loc++;
        len -= uv->bs;
    }
    if (!v->have_lvd || v->npd == 0)
        return shell_error(-EBADIMG, "%s: UDF volume descriptor sequence has no %s", vol->dev,
                           v->have_lvd ? "Partition Descriptor" : "Logical Volume Descriptor");
    return 0;
}

/* The metadata partition's map: the metadata file's runs, through the physical partition. */
static int load_metadata(struct fs_volume *vol, struct udf_vol *uv, int idx, uint32_t file_lbn)
{
    struct udf_node n;
    int rc;
    /* the caller set the map up as its physical partition, where the file's entry is */
    rc = read_node(vol, (uint16_t)idx, file_lbn, "(metadata file)", &n);
    if (rc)
        return rc;
    uv->parts[idx].kind = PART_META;
    uv->parts[idx].runs = n.runs;
    uv->parts[idx].nruns = n.nruns;
    return 0;
}

/* The partition maps of the Logical Volume Descriptor, against the partition descriptors. */
static int read_maps(struct fs_volume *vol, struct udf_vol *uv, const struct udf_vds *v)
{
    const uint8_t *lvd = v->lvd;
    uint32_t table = le32(lvd + 264), nmaps = le32(lvd + 268), pos = 440;
    uint32_t lim = MIN(uv->bs, (uint32_t)sizeof(v->lvd));
    if (table > lim - 440 || nmaps > UDF_PARTS_MAX || nmaps == 0)
        return shell_error(-EBADIMG, "%s: UDF Logical Volume Descriptor has %u partition maps "
                           "in %u bytes", vol->dev, nmaps, table);
    for (uint32_t m = 0; m < nmaps; m++) {
        const uint8_t *p = lvd + pos;
        uint8_t type, len;
        uint16_t num;
        int pd = -1;
        if (pos + 2 > 440 + table)
            return shell_error(-EBADIMG, "%s: UDF partition map %u is truncated", vol->dev, m);
        type = p[0];
        len = p[1];
        if (len < 6 || pos + len > 440 + table)
            return shell_error(-EBADIMG, "%s: UDF partition map %u is corrupt", vol->dev, m);
        if (type == 2 && len < 64)
            return shell_error(-EBADIMG, "%s: UDF partition map %u is corrupt", vol->dev, m);
        num = type == 1 ? le16(p + 4) : type == 2 ? le16(p + 38) : 0;
        if (type == 2 && memcmp(p + 5, "*UDF Metadata Partition", 23) != 0) {
            char id[24];
            memcpy(id, p + 5, 23);
            id[23] = 0;
            for (int i = 0; i < 23; i++)
                if (id[i] && (id[i] < ' ' || id[i] > '~'))
                    id[i] = '?';
            return shell_error(-ENOTSUP, "%s: UDF partition map '%s' is not supported", vol->dev,
                               id);
        }
        if (type != 1 && type != 2)
            return shell_error(-ENOTSUP, "%s: UDF partition map type %u is not supported",
                               vol->dev, type);
        for (int i = 0; i < v->npd; i++)
            if (v->pd_num[i] == num)
                pd = i;
        if (pd < 0)
            return shell_error(-EBADIMG, "%s: UDF partition map %u names partition %u, which has "
                               "no descriptor", vol->dev, m, num);
        uv->parts[m].number = num;
        uv->parts[m].start = v->pd_start[pd];
        uv->parts[m].len = v->pd_len[pd];
        uv->parts[m].kind = PART_PHYS;
        uv->nparts = (int)m + 1;
        if (type == 2) {
            /* the mirror file, when there is one, stands in for a broken main one */
            int rc = load_metadata(vol, uv, (int)m, le32(p + 40));
            if (rc && le32(p + 44) != UINT32_MAX && le32(p + 44) != le32(p + 40))
                rc = load_metadata(vol, uv, (int)m, le32(p + 44));
            if (rc)
                return rc;
        }
        pos += len;
    }
    return 0;
}

static void udf_unmount(struct fs_volume *vol)
{
    struct udf_vol *uv = vol->priv;
    if (uv) {
        for (int i = 0; i < UDF_PARTS_MAX; i++)
            free(uv->parts[i].runs);
        free(uv->dir_cache);
    }
    free(uv);
    vol->priv = NULL;
}

static int udf_mount(struct fs_volume *vol)
{
    struct drive *d = vol->drive;
    struct udf_vol *uv;
    struct udf_vds *v = NULL;
    uint8_t *buf = NULL;
    char lvid[400];
    bool iso = false;
    struct udf_node root;
    int rc;

    if (!d || drive_bytes(d) < UDF_VRS_START + 2048 || !has_nsr(d, &iso))
        return -ENODEV;
    uv = calloc(1, sizeof(*uv));
    vol->priv = uv; /* from here, err: (udf_unmount) frees it */
    v = malloc(sizeof(*v));
    buf = malloc(4096);
    if (!uv || !v || !buf) {
        rc = -ENOMEM;
        goto err;
    }
    rc = find_anchor(vol, uv, buf);
    if (rc)
        goto err;
    {
        uint32_t main_len = le32(buf + 16), main_loc = le32(buf + 20);
        uint32_t res_len = le32(buf + 24), res_loc = le32(buf + 28);
        rc = read_vds(vol, uv, main_loc, main_len, v, buf);
        if (rc)
            rc = read_vds(vol, uv, res_loc, res_len, v, buf);
        if (rc)
            goto err;
    }
    if (le32(v->lvd + 212) != uv->bs) {
        rc = shell_error(-ENOTSUP, "%s: UDF logical block size %u differs from the sector size "
                         "%u", vol->dev, le32(v->lvd + 212), uv->bs);
        goto err;
    }
    rc = read_maps(vol, uv, v);
    if (rc)
        goto err;
    /* the File Set Descriptor, from the logical volume's contents use */
    {
        uint32_t fsd_lbn = le32(v->lvd + 252);
        uint16_t fsd_ref = le16(v->lvd + 256);
        rc = read_tagged(vol, fsd_ref, fsd_lbn, buf, TAG_FSD, 0);
        if (rc)
            goto err;
        uv->root_lbn = le32(buf + 404);
        uv->root_ref = le16(buf + 408);
    }
    rc = read_node(vol, uv->root_ref, uv->root_lbn, "/", &root);
    if (rc)
        goto err;
    free(root.runs);
    if (!root.is_dir) {
        rc = shell_error(-EBADIMG, "%s: UDF root directory is not a directory", vol->dev);
        goto err;
    }
    dstring(v->lvd + 84, 128, true, lvid, sizeof(lvid));
    if (lvid[0])
        strlcpy8(uv->label, lvid, sizeof(uv->label));
    else if (v->have_pvd)
        dstring(v->pvd + 24, 32, true, uv->label, sizeof(uv->label));
    if (v->have_pvd)
        dstring(v->pvd + 72, 128, false, uv->volset, sizeof(uv->volset));
    vol->type = "udf";
    free(v);
    free(buf);
    return 0;
err:
    udf_unmount(vol);
    free(v);
    free(buf);
    /*
     * A bridge disc whose UDF side is broken or unsupported still has its
     * ISO9660 tree: leave the disc to fs/iso9660.c.
     */
    return iso && rc != -ENOMEM ? -ENODEV : rc;
}

static int udf_label(struct fs_volume *vol, char *buf, size_t size)
{
    struct udf_vol *uv = vol->priv;
    if (!uv->label[0])
        return -ENOENT;
    strlcpy8(buf, uv->label, size);
    return 0;
}

static char lower(uint8_t c) { return (char)to_lower(c); }

/*
 * GRUB's UDF uuid, so that `search --fs-uuid` strings carry over: from the
 * Volume Set Identifier as UTF-8 (at least 8 bytes), its first 16 bytes
 * when all are hex digits (lower case); when only the first 8 are, those
 * and bytes 8-11 in hex; otherwise bytes 0-7 in hex.
 */
static int udf_uuid(struct fs_volume *vol, char *buf, size_t size)
{
    struct udf_vol *uv = vol->priv;
    uint8_t id[17] = { 0 };
    size_t len = strlen8(uv->volset), hex = 16;
    char uuid[17];
    if (len < 8)
        return -ENOENT;
    memcpy(id, uv->volset, MIN(len, (size_t)16));
    for (size_t i = 0; i < 16; i++)
        if (!is_xdigit(id[i])) {
            hex = i;
            break;
        }
    if (hex < 8) {
        snprintf(uuid, sizeof(uuid), "%02x%02x%02x%02x%02x%02x%02x%02x", id[0], id[1], id[2],
                 id[3], id[4], id[5], id[6], id[7]);
    } else if (hex < 16) {
        for (int i = 0; i < 8; i++)
            uuid[i] = lower(id[i]);
        snprintf(uuid + 8, 9, "%02x%02x%02x%02x", id[8], id[9], id[10], id[11]);
    } else {
        for (int i = 0; i < 16; i++)
            uuid[i] = lower(id[i]);
        uuid[16] = 0;
    }
    strlcpy8(buf, uuid, size);
    return 0;
}

FILESYSTEM(udf, 15) = {
    .name = "udf",
    .mount = udf_mount,
    .unmount = udf_unmount,
    .open = udf_open,
    .read = udf_read,
    .readdir = udf_readdir,
    .close = udf_close,
    .label = udf_label,
    .uuid = udf_uuid,
    .extents = udf_extents,
};
