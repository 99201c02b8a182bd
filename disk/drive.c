/*
 * The drive table (drive.h): firmware disks numbered as grub4dos does, their
 * partitions found on first use, the boot partition, and range-checked,
 * chunked block I/O that every reader goes through.
 */
#include "drive.h"

#include "../fs/fs.h"
#include "../src/platform.h"
#include "../src/shell.h"

TABLE_DEFINE(const struct partmap, partmaps);

static struct drive *drives;     /* whole drives, sorted by kind then number */
static bool inited;
static struct drive *boot_drive; /* may be a table drive, a partition, or our own (bd) */
static bool boot_own;            /* boot_drive was made here and is freed here */
/* partitions a table edit removed: kept, as something may point at them, until drive_reset */
static struct drive *retired;
static bool boot_found;

static const char *const kind_prefix[DRIVE_KINDS] = { "fd", "hd", "cd", "bd", "md", "rd" };
static const int kind_base[DRIVE_KINDS] = { DRIVE_FD_BASE, DRIVE_HD_BASE, DRIVE_CD_BASE, -1, -1, -1 };
static const int kind_max[DRIVE_KINDS] = { DRIVE_FD_MAX, DRIVE_HD_MAX, DRIVE_CD_MAX, 1, 1, 1 };

/*
 * Firmware I/O. Requests are at most DRIVE_CHUNK, but some firmware takes
 * less: boards whose disk driver or DMA fails a large transfer (grub4dos'
 * "Error 25" on large maps). A request that fails with an I/O or parameter
 * error is tried once more whole (a transient error passes), then done again
 * in halves (split at a power of two), down to single blocks. When the halves all work, the size was the trouble: the drive
 * keeps the size that worked (xfer_max) and is told once. When one block
 * alone still fails, that block is bad, and the error names it (fw_bad_lba)
 * rather than the start of a 4 MiB chunk.
 */
static bool fw_bad_set;
static uint64_t fw_bad_lba;

static int fw_io(struct drive *d, uint64_t lba, uint64_t count, uint8_t *buf, bool write,
                 bool retry)
{
    int rc = write ? plat_disk_write(d->plat, lba, count, buf)
                   : plat_disk_read(d->plat, lba, count, buf);
    uint64_t half = 1;
    /*
     * Once more as it was first, at the top only: a transient error (a
     * stick's controller resetting, a bus glitch) goes away, and must
     * neither split the request nor shrink the transfer size for good. Not
     * at every level of the split: a bad block's slow timeouts would double.
     */
    if (retry && rc == -EIO)
        rc = write ? plat_disk_write(d->plat, lba, count, buf)
                   : plat_disk_read(d->plat, lba, count, buf);
    /* split at a power of two, so the size learnt is a round one */
    while (half * 2 < count)
        half *= 2;
    if (rc == 0 || count == 1 || (rc != -EIO && rc != -EINVAL)) {
        if (rc && !fw_bad_set) {
            fw_bad_set = true;
            fw_bad_lba = lba;
        }
        return rc;
    }
    if ((rc = fw_io(d, lba, half, buf, write, false)) != 0 ||
        (rc = fw_io(d, lba + half, count - half, buf + half * d->block_size, write, false)) != 0)
        return rc;
    if (!d->xfer_max || half < d->xfer_max) {
        if (!d->xfer_max)
            con_printf("%s: the firmware fails %s of %llu KiB; going on in pieces of %llu %s\n",
                       d->name, write ? "writes" : "reads",
                       (unsigned long long)(count * d->block_size >> 10),
                       (unsigned long long)(half * d->block_size >= 1024 ? half * d->block_size >> 10
                                                                         : half * d->block_size),
                       half * d->block_size >= 1024 ? "KiB" : "bytes");
        d->xfer_max = half;
    }
    return 0;
}

static int fw_transfer(struct drive *d, uint64_t lba, uint64_t count, uint8_t *buf, bool write)
{
    fw_bad_set = false;
    while (count) {
        uint64_t n = d->xfer_max ? MIN(count, d->xfer_max) : count;
        int rc = fw_io(d, lba, n, buf, write, true);
        if (rc)
            return rc;
        lba += n;
        count -= n;
        buf += n * d->block_size;
    }
    return 0;
}

static int fw_read(struct drive *d, uint64_t lba, uint64_t count, void *buf)
{
    return fw_transfer(d, lba, count, buf, false);
}

static int fw_write(struct drive *d, uint64_t lba, uint64_t count, const void *buf)
{
    /* fw_transfer only reads from buf when writing */
    return fw_transfer(d, lba, count, (void *)buf, true);
}

static const struct drive_ops fw_ops = { .read = fw_read, .write = fw_write };

/* The drive's name from its kind and number: "(hd0)", or "(rd)" for the singletons. */
static void set_name(struct drive *d)
{
    if (kind_base[d->kind] < 0)
        snprintf(d->name, sizeof(d->name), "(%s)", kind_prefix[d->kind]);
    else
        snprintf(d->name, sizeof(d->name), "(%s%d)", kind_prefix[d->kind],
                 d->number - kind_base[d->kind]);
}

static bool before(const struct drive *a, const struct drive *b)
{
    if (a->kind != b->kind)
        return a->kind < b->kind;
    return a->number < b->number;
}

static void insert(struct drive *d)
{
    struct drive **pp = &drives;
    while (*pp && before(*pp, d))
        pp = &(*pp)->next;
    d->next = *pp;
    *pp = d;
}

int drive_next_free(enum drive_kind kind)
{
    int base = kind_base[kind];
    if (base < 0)
        return -EINVAL; /* (rd) and the others have no numbers */
    for (int n = base; n < base + kind_max[kind]; n++)
        if (!drive_by_number(n))
            return n;
    return -ENOSPC;
}

int drive_add(struct drive *d)
{
    drive_init();
    if (d->kind >= DRIVE_KINDS || d->kind == DRIVE_BD)
        return -EINVAL;
    if (kind_base[d->kind] < 0) {
        /* singletons ((rd), (md)) carry a negative private number */
        d->number = -1 - (int)d->kind;
        if (drive_by_number(d->number))
            return -EEXIST;
    } else if (d->number < 0) {
        int n = drive_next_free(d->kind);
        if (n < 0)
            return n;
        d->number = n;
    } else if (d->number < kind_base[d->kind] ||
               d->number >= kind_base[d->kind] + kind_max[d->kind]) {
        return -EINVAL;
    } else if (drive_by_number(d->number)) {
        return -EEXIST;
    }
    d->part = -1;
    if (!d->block_size)
        d->block_size = 512;
    /* the chunked I/O needs at least one block per chunk */
    if (d->block_size < 512 || d->block_size > DRIVE_CHUNK ||
        (d->block_size & (d->block_size - 1)))
        return -EINVAL;
    set_name(d);
    insert(d);
    return 0;
}

static void free_drive(struct drive *d)
{
    struct drive *p = d->parts;
    while (p) {
        struct drive *next = p->next_part;
        free_drive(p);
        p = next;
    }
    fs_volume_forget(d);
    if (d->ops && d->ops->release)
        d->ops->release(d);
    free(d);
}

void drive_remove(struct drive *d)
{
    struct drive **pp = &drives;
    while (*pp && *pp != d)
        pp = &(*pp)->next;
    if (*pp)
        *pp = d->next;
    /*
     * drive_unmap takes a drive back from the firmware first; this is for
     * drive_reset. A drive the firmware will not give back is leaked rather
     * than freed under it.
     */
    if ((d->flags & DRIVE_HOOKED) && plat_drive_unexpose(d) != 0)
        return;
    if (boot_drive && drive_root(boot_drive, NULL) == d) {
        if (boot_own)
            free_drive(boot_drive);
        boot_drive = NULL;
        boot_own = false;
    }
    free_drive(d);
}

/* A firmware disk as a drive, numbered after those there are. */
static struct drive *add_firmware_disk(const struct plat_disk *p)
{
    struct drive *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->kind = p->kind == PLAT_DISK_CD ? DRIVE_CD : p->kind == PLAT_DISK_FD ? DRIVE_FD : DRIVE_HD;
    d->number = -1;
    d->block_size = p->block_size;
    d->blocks = p->blocks;
    d->flags = DRIVE_FIRMWARE | (p->read_only ? DRIVE_READ_ONLY : 0) |
               (p->removable ? DRIVE_REMOVABLE : 0);
    d->ops = &fw_ops;
    d->plat = p->handle;
    if (drive_add(d) != 0) {
        free(d);
        return NULL;
    }
    return d;
}

/* The platform's disks, at most DRIVE_PLAT_MAX; returns how many are in disks. */
#define DRIVE_PLAT_MAX 64
static int list_disks(struct plat_disk *disks)
{
    int n = plat_disk_list(disks, DRIVE_PLAT_MAX);
    return n > DRIVE_PLAT_MAX ? DRIVE_PLAT_MAX : n;
}

void drive_init(void)
{
    struct plat_disk disks[DRIVE_PLAT_MAX];
    int n;
    if (inited)
        return;
    inited = true;
    n = list_disks(disks);
    for (int i = 0; i < n; i++)
        add_firmware_disk(&disks[i]); /* one that cannot be numbered is left out */
}

int drive_rescan(struct drive **added, int max)
{
    struct plat_disk disks[DRIVE_PLAT_MAX];
    int n, count = 0, refused = 0;
    if (!inited) {
        drive_init();
        return 0; /* the first listing numbers them in the firmware's order */
    }
    n = list_disks(disks);
    for (int i = 0; i < n; i++) {
        bool known = false;
        struct drive *d;
        for (d = drives; d && !known; d = d->next)
            known = (d->flags & DRIVE_FIRMWARE) && d->plat == disks[i].handle;
        if (known)
            continue;
        d = add_firmware_disk(&disks[i]);
        if (!d) {
            refused++;
            continue;
        }
        if (count < max)
            added[count] = d;
        count++;
    }
    return count || !refused ? count : -ENOSPC;
}

void drive_reset(void)
{
    while (drives)
        drive_remove(drives);
    while (retired) {
        struct drive *next = retired->next_part;
        free_drive(retired);
        retired = next;
    }
    if (boot_drive && boot_own)
        free_drive(boot_drive);
    boot_drive = NULL;
    boot_own = false;
    boot_found = false;
    inited = false;
}

struct drive *drive_first(void)
{
    drive_init();
    return drives;
}

struct drive *drive_next(struct drive *d)
{
    return d->next;
}

struct drive *drive_by_number(int number)
{
    for (struct drive *d = drives; d; d = d->next)
        if (d->number == number)
            return d;
    return NULL;
}

struct drive *drive_by_index(enum drive_kind kind, int n)
{
    drive_init();
    if (kind_base[kind] < 0)
        return n == 0 ? drive_by_number(-1 - (int)kind) : NULL;
    return drive_by_number(kind_base[kind] + n);
}

struct drive *drive_last(enum drive_kind kind)
{
    struct drive *last = NULL;
    drive_init();
    for (struct drive *d = drives; d; d = d->next)
        if (d->kind == kind)
            last = d;
    return last;
}

struct drive *drive_root(struct drive *d, uint64_t *byte_off)
{
    uint64_t off = 0;
    while (d->parent) {
        off += d->start * d->block_size;
        d = d->parent;
    }
    if (byte_off)
        *byte_off = off;
    return d;
}

/*
 * The boot partition: the platform says which disk and where on it. It is
 * the partition of that disk that starts there when there is one (so (bd)
 * and (hd0,0) share one volume), the whole disk when it starts at 0, else a
 * drive of our own over that range (an El Torito image on a CD, say).
 */
struct drive *drive_boot(void)
{
    void *handle;
    uint64_t start, blocks;
    struct drive *disk = NULL;
    drive_init();
    if (boot_found)
        return boot_drive;
    boot_found = true;
    if (plat_boot_disk(&handle, &start, &blocks) != 0)
        return NULL;
    for (struct drive *d = drives; d; d = d->next)
        if (d->plat == handle && (d->flags & DRIVE_FIRMWARE))
            disk = d;
    if (!disk)
        return NULL;
    if (start == 0 && blocks == disk->blocks) {
        boot_drive = disk;
        return boot_drive;
    }
    for (struct drive *p = drive_partitions(disk); p; p = p->next_part) {
        if (p->start == start && p->blocks == blocks) {
            boot_drive = p;
            return boot_drive;
        }
    }
    if (start >= disk->blocks || blocks > disk->blocks - start)
        return NULL;
    boot_drive = calloc(1, sizeof(*boot_drive));
    if (!boot_drive)
        return NULL;
    boot_own = true;
    snprintf(boot_drive->name, sizeof(boot_drive->name), "(bd)");
    boot_drive->kind = DRIVE_BD;
    boot_drive->number = -1;
    boot_drive->part = -1;
    boot_drive->block_size = disk->block_size;
    boot_drive->blocks = blocks;
    boot_drive->flags = disk->flags & ~DRIVE_FIRMWARE;
    boot_drive->parent = disk;
    boot_drive->start = start;
    return boot_drive;
}

static int md_read(struct drive *d, uint64_t lba, uint64_t count, void *buf)
{
    return plat_mem_read(lba * 512, buf, (size_t)(count * 512));
}

static const struct drive_ops md_ops = { .read = md_read };

/* (md): all of memory as 512-byte sectors; plat_mem_read refuses what is not RAM. */
struct drive *drive_md(void)
{
    static struct drive md = {
        .name = "(md)", .kind = DRIVE_MD, .number = -1, .part = -1, .block_size = 512,
        .blocks = UINT64_MAX / 512, .flags = DRIVE_READ_ONLY, .ops = &md_ops,
    };
    return &md;
}

int drive_add_partition(struct drive *d, int number, uint64_t start, uint64_t blocks,
                        uint8_t type, const uint8_t *type_guid)
{
    struct drive *p, **pp;
    if (start >= d->blocks || blocks > d->blocks - start || blocks == 0)
        return shell_error(-EBADIMG, "%s: partition %d lies outside the disk", d->name, number);
    for (pp = &d->parts; *pp && (*pp)->part < number; pp = &(*pp)->next_part)
        ;
    if (*pp && (*pp)->part == number)
        return shell_error(-EBADIMG, "%s: partition %d is listed twice", d->name, number);
    p = calloc(1, sizeof(*p));
    if (!p)
        return -ENOMEM;
    snprintf(p->name, sizeof(p->name), "(%s%d,%d)", kind_prefix[d->kind],
             d->number - kind_base[d->kind], number);
    p->kind = d->kind;
    p->number = -1;
    p->part = number;
    p->block_size = d->block_size;
    p->blocks = blocks;
    p->flags = d->flags & ~DRIVE_FIRMWARE;
    p->parent = d;
    p->start = start;
    p->part_type = type;
    p->table_slot = -1;
    if (type_guid)
        memcpy(p->part_guid, type_guid, 16);
    p->next_part = *pp;
    *pp = p;
    return 0;
}

/*
 * A corrupt table yields no partitions, and its message is kept so that
 * every later lookup of a partition on the drive says why.
 */
struct drive *drive_partitions(struct drive *d)
{
    const struct partmap *pm;
    char errmsg[sizeof(shell.errmsg)];
    if (d->parent || d->parts_scanned)
        return d->parts;
    d->parts_scanned = true;
    strlcpy8(errmsg, shell.errmsg, sizeof(errmsg));
    if (d->kind != DRIVE_HD && d->kind != DRIVE_FD)
        return NULL; /* grub4dos reads no partitions on CDs; (rd) and (md) have none */
    for_each_table_entry(pm, partmaps) {
        int rc = pm->scan(d);
        if (rc == -ENODEV)
            continue;
        if (rc) {
            struct drive *p = d->parts;
            d->parts_rc = rc;
            snprintf(d->parts_err, sizeof(d->parts_err), "%s",
                     shell.errmsg[0] ? shell.errmsg : err_str(rc));
            shell_warn("%s", d->parts_err);
            /* said once; it is not the error of the command that asked (restored below) */
            while (p) {
                struct drive *next = p->next_part;
                free_drive(p);
                p = next;
            }
            d->parts = NULL;
        }
        break;
    }
    strlcpy8(shell.errmsg, errmsg, sizeof(shell.errmsg));
    return d->parts;
}

int drive_rescan_partitions(struct drive *d)
{
    struct drive fresh = *d, *np, **pp;
    /* scan into a copy, so that the drives in the list stay where they are */
    fresh.parts = NULL;
    fresh.parts_scanned = false;
    fresh.parts_rc = 0;
    fresh.vol = NULL;
    drive_partitions(&fresh);
    d->parts_rc = fresh.parts_rc;
    memcpy(d->parts_err, fresh.parts_err, sizeof(d->parts_err));
    d->parts_scanned = true;
    /* drop what went: unlisted, never freed (see drive.h) */
    for (pp = &d->parts; *pp;) {
        struct drive *p = *pp;
        for (np = fresh.parts; np && np->part != p->part; np = np->next_part)
            ;
        if (np) {
            pp = &p->next_part;
            continue;
        }
        *pp = p->next_part;
        fs_volume_forget(p);
        p->next_part = retired;
        retired = p;
    }
    /* update what stays, adopt what is new */
    while ((np = fresh.parts) != NULL) {
        struct drive *p;
        fresh.parts = np->next_part;
        for (pp = &d->parts; *pp && (*pp)->part < np->part; pp = &(*pp)->next_part)
            ;
        p = *pp;
        if (p && p->part == np->part) {
            if (p->start != np->start || p->blocks != np->blocks) {
                fs_volume_forget(p);
                p->start = np->start;
                p->blocks = np->blocks;
            }
            p->part_type = np->part_type;
            memcpy(p->part_guid, np->part_guid, sizeof(p->part_guid));
            p->table_lba = np->table_lba;
            p->table_slot = np->table_slot;
            free_drive(np);
        } else {
            np->parent = d;
            np->next_part = p;
            *pp = np;
        }
    }
    return d->parts_rc;
}

struct drive *drive_walk(struct drive *prev)
{
    if (!prev)
        return drive_first();
    if (!prev->parent) {
        struct drive *p = drive_partitions(prev);
        return p ? p : prev->next;
    }
    if (prev->next_part)
        return prev->next_part;
    return prev->parent->next;
}

int drive_partition(struct drive *d, int n, struct drive **out)
{
    for (struct drive *p = drive_partitions(d); p; p = p->next_part) {
        if (p->part == n) {
            *out = p;
            return 0;
        }
    }
    if (d->parts_rc)
        return shell_error(d->parts_rc, "no such partition: (%s%d,%d) (%s)", kind_prefix[d->kind],
                           d->number - kind_base[d->kind], n, d->parts_err);
    return shell_error(-ENODEV, "no such partition: (%s%d,%d)", kind_prefix[d->kind],
                       d->number - kind_base[d->kind], n);
}

static int check_range(struct drive *d, uint64_t lba, uint64_t count)
{
    if (lba > d->blocks || count > d->blocks - lba)
        return shell_error(-ENXIO, "%s: block %llu+%llu is past the end (%llu blocks)", d->name,
                           (unsigned long long)lba, (unsigned long long)count,
                           (unsigned long long)d->blocks);
    return 0;
}

/* Forget the filesystems of every drive on d (partitions, a boot image on it). */
static void forget_volumes_on(struct drive *d)
{
    for (struct drive *w = drive_walk(NULL); w; w = drive_walk(w))
        if (drive_root(w, NULL) == d)
            fs_volume_forget(w);
    for (struct drive *p = d->parts; p; p = p->next_part)
        fs_volume_forget(p);
    if (drive_boot() && drive_root(drive_boot(), NULL) == d)
        fs_volume_forget(drive_boot());
}

void drive_check_media(struct drive *d)
{
    uint64_t blocks;
    uint32_t bs;
    d = drive_root(d, NULL);
    if (!d->media_changed || d->ops != &fw_ops)
        return;
    d->media_changed = false;
    /*
     * The old medium's filesystems go (an open file or a map in place on
     * them then fails, "the drive holding ... is gone", rather than reading
     * the new medium's blocks as the old one's); the size and partitions
     * are the new one's. A medium with other blocks, or none, leaves an
     * empty drive.
     */
    forget_volumes_on(d);
    d->xfer_max = 0;
    d->blocks = plat_disk_media(d->plat, &blocks, &bs) == 0 && bs == d->block_size ? blocks : 0;
    drive_rescan_partitions(d);
}

/*
 * Both directions: range-check, walk up to the whole drive, and pass the
 * request to the backing in chunks of at most DRIVE_CHUNK bytes.
 */
static int transfer(struct drive *d, uint64_t lba, uint64_t count, void *buf, bool write)
{
    uint64_t per;
    int rc = check_range(d, lba, count);
    if (rc)
        return rc;
    if (write && (d->flags & DRIVE_READ_ONLY))
        return shell_error(-EROFS, "%s is read-only", d->name);
    while (d->parent) {
        lba += d->start;
        d = d->parent;
    }
    if (write && ((d->flags & DRIVE_READ_ONLY) || !d->ops->write))
        return shell_error(-EROFS, "%s is read-only", d->name);
    if (d->media_changed)
        return shell_error(-EMEDIUM, "%s: the medium was changed: run the command again to "
                           "read the new one", d->name);
    per = DRIVE_CHUNK / d->block_size;
    while (count) {
        uint64_t n = MIN(count, per);
        fw_bad_set = false;
        rc = write ? d->ops->write(d, lba, n, buf) : d->ops->read(d, lba, n, buf);
        if (rc == -EMEDIUM)
            d->media_changed = true;
        if (d->media_changed)
            return shell_error(-EMEDIUM, "%s: the medium was changed: run the command again to "
                               "read the new one", d->name);
        if (rc) {
            /* a firmware disk names the very block; other backings the chunk's first */
            uint64_t at = d->ops == &fw_ops && fw_bad_set ? fw_bad_lba : lba;
            return shell_error(rc, "%s: %s error at block %llu: %s", d->name,
                               write ? "write" : "read", (unsigned long long)at, err_str(rc));
        }
        lba += n;
        count -= n;
        buf = (uint8_t *)buf + n * d->block_size;
    }
    return 0;
}

int drive_read(struct drive *d, uint64_t lba, uint64_t count, void *buf)
{
    return transfer(d, lba, count, buf, false);
}

int drive_write(struct drive *d, uint64_t lba, uint64_t count, const void *buf)
{
    /* transfer only reads from buf when writing */
    return transfer(d, lba, count, (void *)buf, true);
}

/*
 * Whole blocks go straight into buf; only a partial first and last block
 * pass through a bounce buffer.
 */
/* [off, off+len) lies on d: 0, or -ENXIO with a message. */
static int check_bytes(struct drive *d, uint64_t off, size_t len)
{
    if (off > drive_bytes(d) || len > drive_bytes(d) - off)
        return shell_error(-ENXIO, "%s: byte %llu+%llu is past the end", d->name,
                           (unsigned long long)off, (unsigned long long)len);
    return 0;
}

int drive_write_bytes(struct drive *d, uint64_t off, const void *buf, size_t len)
{
    uint32_t bs = d->block_size;
    const uint8_t *in = buf;
    uint8_t *tmp;
    int rc = 0;
    if (len == 0)
        return 0;
    if ((rc = check_bytes(d, off, len)) != 0)
        return rc;
    if (!(tmp = malloc(bs)))
        return -ENOMEM;
    while (len && rc == 0) {
        size_t at = (size_t)(off % bs), n;
        if (at == 0 && len >= bs) {
            /* whole blocks, straight from buf */
            n = len - len % bs;
            rc = drive_write(d, off / bs, n / bs, in);
        } else {
            /* part of one block: read it, change that part, write it back */
            n = MIN(bs - at, len);
            rc = drive_read(d, off / bs, 1, tmp);
            if (rc == 0) {
                memcpy(tmp + at, in, n);
                rc = drive_write(d, off / bs, 1, tmp);
            }
        }
        in += n;
        off += n;
        len -= n;
    }
    free(tmp);
    return rc;
}

int drive_read_bytes(struct drive *d, uint64_t off, void *buf, size_t len)
{
    uint32_t bs = d->block_size;
    uint8_t *out = buf, *tmp = NULL;
    int rc = 0;
    if (len == 0)
        return 0;
    if ((rc = check_bytes(d, off, len)) != 0)
        return rc;
    if (off % bs || len % bs) {
        tmp = malloc(bs);
        if (!tmp)
            return -ENOMEM;
    }
    if (off % bs) {
        size_t head = bs - (size_t)(off % bs), n = MIN(head, len);
        rc = drive_read(d, off / bs, 1, tmp);
        if (rc)
            goto out;
        memcpy(out, tmp + off % bs, n);
        out += n;
        off += n;
        len -= n;
    }
    if (len >= bs) {
        size_t whole = len - len % bs;
        rc = drive_read(d, off / bs, whole / bs, out);
        if (rc)
            goto out;
        out += whole;
        off += whole;
        len -= whole;
    }
    if (len) {
        rc = drive_read(d, off / bs, 1, tmp);
        if (rc)
            goto out;
        memcpy(out, tmp, len);
    }
out:
    free(tmp);
    return rc;
}
