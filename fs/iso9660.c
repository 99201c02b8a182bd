/*
 * ISO9660 (ECMA-119) with Joliet names, read-only: CDs, DVD and install
 * ISOs, and the same images on a hard disk or a hybrid USB stick.
 *
 * Everything is addressed in bytes on vol->drive, because the drive may
 * have 2048-byte blocks (a CD) or 512-byte ones (an image on a disk), and
 * the volume's own logical block size (normally 2048) is independent of
 * both. Volume descriptors and directory records live in 2048-byte logical
 * sectors: descriptors from byte 32768 on, and a directory record never
 * crosses a sector boundary of its directory (a zero length byte pads to the
 * next one). A Joliet supplementary descriptor, when present, gives the tree
 * whose names are kept (UCS-2 big-endian, shown as UTF-8); otherwise the
 * primary tree's names are shown with their ";1" version cut. Rock Ridge is
 * not read: such images work through those names.
 *
 * A file larger than 4 GiB is several directory records with the same name,
 * all but the last flagged "multi-extent"; this driver joins them into one
 * list of runs, merging the runs that are contiguous on disk so that reads
 * and extents stay large. Every field from the image is checked: extents
 * must lie on the media, record lengths inside their sector, chains and path
 * walks are bounded, and a directory that is its own ancestor is a loop.
 */
#include "fs.h"

#include "../src/err.h"
#include "../src/shell.h"

#define ISO_SECTOR 2048u              /* the logical sector: descriptors, directory records */
#define ISO_VD_START (16u * ISO_SECTOR)
#define ISO_VD_MAX 64                 /* descriptors read before giving up on a terminator */
#define ISO_CHAIN_MAX 4096            /* records per multi-extent file: 16 TiB */
#define ISO_NAME_MAX 512              /* a 255-byte record name as UTF-8, with room */
#define ISO_DEPTH_MAX (FS_PATH_MAX / 2)

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

struct iso_vol {
    uint32_t block_size;
    bool joliet;                      /* names are UCS-2 (the Joliet tree) */
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
};

/* A directory being read: the cursor, one cached sector, the entry last assembled. */
struct iso_dir {
    struct fs_volume *vol;
    uint64_t start;                   /* the extent, bytes on the drive */
    uint32_t size;
    uint64_t pos;                     /* the next record, from start */
    uint64_t loaded;                  /* offset of the sector in buf; UINT64_MAX for none */
    uint8_t buf[ISO_SECTOR];
    struct iso_rec rec, next;
    /* the last entry: a name and its runs (one per extent, contiguous ones merged) */
    bool is_dir, interleaved;
    uint64_t size_total;
    uint64_t first_off;               /* the first record's data (a directory's extent) */
    struct fs_extent *runs;
    size_t nruns, cap;
};

struct iso_file {
    struct fs_file f;
    struct iso_dir *dir;              /* directories: the readdir cursor */
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
}

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

/*
 * The next entry of the directory into d->rec (its name) and d's entry
 * fields, with the records of a multi-extent file joined. The self and
 * parent entries and associated files are skipped. 1, 0 at the end, or an
 * error.
 */
static int dir_next_entry(struct iso_dir *d)
{
    struct iso_rec *r = &d->rec;
    int rc, count = 1;
    do {
        rc = dir_next_record(d, r);
        if (rc <= 0)
            return rc;
    } while (r->dot || (r->flags & DR_FLAG_ASSOCIATED));
    d->is_dir = r->flags & DR_FLAG_DIR;
    d->interleaved = r->interleaved;
    d->first_off = r->data_off;
    d->size_total = 0;
    d->nruns = 0;
    rc = add_run(d, r->data_off, r->size);
    if (rc)
        return rc;
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

static int iso_open(struct fs_volume *vol, const char *path, struct fs_file **out)
{
    struct iso_vol *iv = vol->priv;
    uint64_t ancestors[ISO_DEPTH_MAX];
    uint64_t cur_off = iv->root_off;
    uint32_t cur_size = iv->root_size;
    bool cur_dir = true;
    int depth = 0, rc;
    char comp[FS_PATH_MAX];
    struct iso_dir *d;
    struct iso_file *f;

    if (!vol->drive)
        return -ENODEV;
    d = calloc(1, sizeof(*d));
    f = calloc(1, sizeof(*f));
    if (!d || !f) {
        rc = -ENOMEM;
        goto err;
    }
    while (*path) {
        size_t n = 0;
        while (*path == '/')
            path++;
        while (path[n] && path[n] != '/')
            n++;
        if (n == 0)
            break;
        if (n >= sizeof(comp)) {
            rc = -ENAMETOOLONG;
            goto err;
        }
        memcpy(comp, path, n);
        comp[n] = 0;
        path += n;
        if (!cur_dir) {
            rc = -ENOTDIR;
            goto err;
        }
        if (depth == ISO_DEPTH_MAX) {
            rc = -ENAMETOOLONG;
            goto err;
        }
        ancestors[depth++] = cur_off;
        dir_init(d, vol, cur_off, cur_size);
        rc = dir_lookup(d, comp);
        if (rc)
            goto err;
        cur_dir = d->is_dir;
        if (cur_dir) {
            /* a directory is one extent; its size is the record's */
            cur_off = d->first_off;
            cur_size = (uint32_t)d->size_total;
            rc = check_on_media(vol, "directory", comp, cur_off, cur_size);
            if (rc)
                goto err;
            for (int i = 0; i < depth; i++)
                if (ancestors[i] == cur_off) {
                    rc = shell_error(-ELOOP, "%s: ISO9660 directory '%s' at byte %llu is its own "
                                     "ancestor (a loop)", vol->dev, comp,
                                     (unsigned long long)cur_off);
                    goto err;
                }
        } else {
            if (d->interleaved) {
                rc = shell_error(-ENOTSUP, "%s: ISO9660 file '%s' is interleaved, which is not "
                                 "supported", vol->dev, comp);
                goto err;
            }
            for (size_t i = 0; i < d->nruns; i++) {
                rc = check_on_media(vol, "file", comp, d->runs[i].disk_off, d->runs[i].len);
                if (rc)
                    goto err;
            }
        }
    }
    f->f.vol = vol;
    f->f.is_dir = cur_dir;
    if (cur_dir) {
        f->f.size = cur_size;
        dir_init(d, vol, cur_off, cur_size);
        f->dir = d;
        d = NULL;
    } else {
        f->f.size = d->size_total;
        f->runs = d->runs;
        f->nruns = d->nruns;
        d->runs = NULL;
    }
    f->f.priv = f;
    *out = &f->f;
    if (d)
        free(d->runs);
    free(d);
    return 0;
err:
    if (d)
        free(d->runs);
    free(d);
    free(f);
    return rc;
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

/* Copy a UTF-8 name into out, cut at a character boundary when it does not fit. */

static int iso_readdir(struct fs_file *dir, struct fs_dirent *ent)
{
    struct iso_file *f = dir->priv;
    int rc = dir_next_entry(f->dir);
    if (rc != 1)
        return rc;
    utf8_copy(ent->name, sizeof(ent->name), f->dir->rec.name);
    ent->size = f->dir->size_total;
    ent->is_dir = f->dir->is_dir;
    return 1;
}

static void iso_close(struct fs_file *file)
{
    struct iso_file *f = file->priv;
    if (f->dir)
        free(f->dir->runs);
    free(f->dir);
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

static int iso_mount(struct fs_volume *vol)
{
    struct drive *d = vol->drive;
    uint8_t *buf, *pvd, *svd;
    bool have_pvd = false, have_svd = false;
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
    if (have_svd) {
        uint32_t bs, size;
        uint64_t off;
        /* a broken Joliet tree is not fatal: the primary one is still there */
        if (descriptor_root(vol, svd, "Joliet", &bs, &off, &size) == 0) {
            iv->joliet = true;
            iv->block_size = bs;
            iv->root_off = off;
            iv->root_size = size;
        } /* else its message goes: fs.c drops a mount's messages when it succeeds */
    }
    volume_id(pvd, false, iv->label, sizeof(iv->label));
    if (iv->joliet) {
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
