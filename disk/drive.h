/*
 * The drive table: every block device mapboot knows, in one list.
 *
 * A drive is a firmware disk (hd/cd/fd), a partition of another drive, the
 * boot partition (bd), raw memory (md), and later RAM disks and file-extent
 * maps made by `map`. Each has a block size, a block count, flags and
 * read/write ops; every command and every filesystem reads through
 * drive_read()/drive_read_bytes(), so a new backing plugs in without
 * touching them. Partitions are drives whose reads go to their parent at an
 * offset; they are found once per drive by the partition maps in
 * disk/part_*.c, which register in the `partmaps` table.
 *
 * Numbering follows grub4dos: (fd0) = 0x00+N, (hd0) = 0x80+N, (cd0) = 0xA0+N
 * (so (0xff) is (cd95)); partitions (hd0,0).. with MBR primaries 0-3 and
 * logicals from 4, GPT entries in table order.
 */
#ifndef MB_DRIVE_H
#define MB_DRIVE_H

#include "../src/libc.h"
#include "../src/table.h"

enum drive_kind {
    DRIVE_FD,   /* floppy-sized removable media */
    DRIVE_HD,   /* hard disk */
    DRIVE_CD,   /* CD/DVD: 2048-byte blocks */
    DRIVE_BD,   /* the boot partition when no other drive is it (host: none) */
    DRIVE_MD,   /* raw memory: (md)START+COUNT, 512-byte sectors */
    DRIVE_RD,   /* the RAM drive (map ... (rd)) */
    DRIVE_KINDS
};

#define DRIVE_FD_BASE 0x00
#define DRIVE_HD_BASE 0x80
#define DRIVE_CD_BASE 0xA0
#define DRIVE_FD_MAX 0x80 /* numbers per kind */
#define DRIVE_HD_MAX 0x20
#define DRIVE_CD_MAX 0x60

/* flags */
#define DRIVE_READ_ONLY  0x01  /* writes fail with -EROFS */
#define DRIVE_REMOVABLE  0x02
#define DRIVE_FIRMWARE   0x04  /* a firmware BlockIo disk (not made by map) */
#define DRIVE_FAKE_WRITE 0x08  /* writes go to a RAM overlay ([map] issue) */
#define DRIVE_HOOKED     0x10  /* exposed to the firmware ([map] issue) */
#define DRIVE_NFIT       0x20  /* described to the OS in the ACPI NFIT (disk/nfit.c) */
#define DRIVE_NO_NFIT    0x40  /* map --no-nfit: never described */

struct drive;
struct fs_volume;

struct drive_ops {
    /*
     * Read or write count blocks from block lba. drive_read/drive_write have
     * checked the range and split the request into chunks of at most
     * DRIVE_CHUNK bytes, so an op never sees more than that in one call.
     * write may be NULL (read-only backing).
     */
    int (*read)(struct drive *d, uint64_t lba, uint64_t count, void *buf);
    int (*write)(struct drive *d, uint64_t lba, uint64_t count, const void *buf);
    /* Free priv when the drive goes (may be NULL). */
    void (*release)(struct drive *d);
};

/* Largest single request passed to a backing (firmware reads in bounded chunks). */
#define DRIVE_CHUNK (4u << 20)

struct drive {
    char name[24];          /* "(hd0)", "(hd0,4)", "(cd1)", "(bd)", "(md)" */
    enum drive_kind kind;
    int number;             /* BIOS-style number (0x80+N...), -1 for bd/md and partitions */
    int part;               /* partition number, -1 for a whole drive */
    uint32_t block_size;    /* 512, 2048, 4096 */
    uint64_t blocks;
    unsigned flags;
    /* partitions */
    struct drive *parent;   /* the whole drive, NULL for one */
    uint64_t start;         /* first block in the parent */
    uint8_t part_type;      /* MBR type byte; 0xEE for a GPT entry */
    uint8_t part_guid[16];  /* GPT: the partition type GUID */
    /* MBR: where the partition's entry is (for parttype, hide, makeactive...) */
    uint64_t table_lba;     /* the block holding it: 0, or an EBR */
    int table_slot;         /* 0-3 within that block; -1 for GPT */
    bool parts_scanned;
    bool media_changed;     /* the firmware said the medium was changed (drive_check_media) */
    struct drive *parts;    /* first partition (whole drives), in number order */
    struct drive *next_part;
    /* the backing */
    const struct drive_ops *ops;
    void *priv;
    void *plat;             /* the firmware handle for DRIVE_FIRMWARE drives */
    uint64_t xfer_max;      /* blocks per firmware request once one failed larger; 0: any */
    void *exposed;          /* the platform's record of a drive shown to the firmware */
    /* why the partition table could not be read, for every later lookup */
    int parts_rc;
    char parts_err[160];
    /* the mounted filesystem, found once (fs/fs.c) */
    struct fs_volume *vol;
    struct drive *next;     /* the table, whole drives only */
};

/*
 * Enumerate the platform's disks once (later calls do nothing), then find
 * the boot partition. Every lookup calls it, so nothing else needs to.
 */
void drive_init(void);
/* Forget every drive (for tests: the next lookup enumerates again). */
void drive_reset(void);
/*
 * List the platform's disks again and add those the table does not have
 * yet (a disk that `connect` made appear), numbered after the drives there
 * are: the numbers of known drives never change. A disk that has gone stays
 * in the table; reading it fails with -ENODEV. Returns how many were added
 * (their drives in added[0..max)), or -ENOSPC when none could be numbered.
 */
int drive_rescan(struct drive **added, int max);

/* Whole drives in table order: fd, hd, cd by number, then the rest. */
struct drive *drive_first(void);
struct drive *drive_next(struct drive *d);

/*
 * Add a whole drive made elsewhere (a `map`). d->kind and d->number (-1:
 * the next free number of its kind) must be set; the name is filled in.
 * Returns 0, -EEXIST when the number is taken, -ENOSPC when none is free.
 * The table owns d from then on.
 */
int drive_add(struct drive *d);
/* Take a drive out of the table and free it, its partitions and its volume. */
void drive_remove(struct drive *d);

/* The whole drive of kind with number (0x80 for hd0), or NULL. */
struct drive *drive_by_number(int number);
/* The drive of kind with index n (0 = first), or NULL. */
struct drive *drive_by_index(enum drive_kind kind, int n);
/* The last drive of kind (for (hd-1)), or NULL. */
struct drive *drive_last(enum drive_kind kind);
/* The next free number of kind (for (hd) as a map target), or -ENOSPC (-EINVAL for rd/md/bd). */
int drive_next_free(enum drive_kind kind);

/* (md): raw memory, read-only, not in the table (find and ls skip it). */
struct drive *drive_md(void);
/* The boot partition's drive, or NULL when the platform has none (host --bd DIR). */
struct drive *drive_boot(void);

/*
 * Partitions of a whole drive (scanned on first use). Returns the partition
 * numbered n in *out, or -ENOENT. A partition table that is corrupt makes
 * the scan report an error naming the drive (once) and yields no partitions.
 */
int drive_partition(struct drive *d, int n, struct drive **out);
/* The first partition of d (NULL if none): iterate with ->next_part. */
struct drive *drive_partitions(struct drive *d);

/*
 * Read d's partition table again after it was written, and bring the list
 * up to date in place: a partition that stays keeps its drive (the root,
 * maps and open files may point at it) with its new range and type, a new
 * one is added, and one that went is unlisted but not freed, for the same
 * reason. A partition whose range changed loses its mounted filesystem.
 */
int drive_rescan_partitions(struct drive *d);

/*
 * Every device that may hold a filesystem, in table order: each whole drive,
 * then its partitions. Start with NULL; returns NULL at the end.
 */
struct drive *drive_walk(struct drive *prev);

/*
 * Add a partition to d (for the partition maps): number, first block and
 * count in d's blocks. Refused with -EBADIMG when it reaches past d's end.
 */
int drive_add_partition(struct drive *d, int number, uint64_t start, uint64_t blocks,
                        uint8_t type, const uint8_t *type_guid);

/*
 * Block I/O with range checks: count blocks of d->block_size at lba. Reads
 * past the end fail with -ENXIO; writes to a read-only drive with -EROFS.
 * Partitions forward to their parent.
 */
int drive_read(struct drive *d, uint64_t lba, uint64_t count, void *buf);
int drive_write(struct drive *d, uint64_t lba, uint64_t count, const void *buf);
/* Read len bytes from byte offset off, any alignment. */
int drive_read_bytes(struct drive *d, uint64_t off, void *buf, size_t len);
/* Write len bytes at byte offset off, any alignment (the blocks around are read first). */
int drive_write_bytes(struct drive *d, uint64_t off, const void *buf, size_t len);
/* Size in bytes. */
static inline uint64_t drive_bytes(const struct drive *d)
{
    return d->blocks * d->block_size;
}
/* The whole drive under d (d itself for a whole drive), and d's first byte on it. */
struct drive *drive_root(struct drive *d, uint64_t *byte_off);
/*
 * Before a command uses d: when its medium was changed (a CD swapped), the
 * old medium's filesystems are forgotten, the size and partitions read
 * again. Done here, where a device is looked up, and never inside a
 * filesystem's call, whose volume it frees.
 */
void drive_check_media(struct drive *d);

/* ---- partition maps (disk/part_*.c) ---- */
struct partmap {
    const char *name;
    /*
     * Find the partitions of whole drive d and add them with
     * drive_add_partition. Return 0 when this map is on d (even with no
     * entries), -ENODEV when it is not, or another error (with shell_error
     * set, naming d) when it is but is corrupt.
     */
    int (*scan)(struct drive *d);
};
TABLE_DECLARE(const struct partmap, partmaps);
#define PARTMAP(id, order) const struct partmap partmap_##id TABLE_ENTRY(partmaps, order)

/* ---- device syntax (disk/devname.c): the one parser ---- */
struct dev_spec {
    enum drive_kind kind;
    bool root;        /* "()": the current root device */
    bool by_number;   /* "(0x80)": number holds it */
    bool next_free;   /* "(hd)": the next free number (map targets) */
    bool from_end;    /* "(hd-1)": index counts back from the last */
    int index;        /* hd0 -> 0; (hd-1) -> 1 with from_end */
    int number;       /* by_number */
    int part;         /* -1: none */
};

/*
 * Parse "(hd0)", "(hd0,1)", "(hd-1)", "(hd)", "(cd0)", "(fd0)", "(0x80)",
 * "(bd)", "(md)", "(rd)", "()" at the start of s. *rest points after ')'.
 * Returns 0, or -EINVAL (with a message) for anything else.
 */
int dev_parse(const char *s, struct dev_spec *spec, const char **rest);
/*
 * The drive a spec names (partition included, scanning partitions), or
 * -ENODEV with a message naming the device. "()" uses the root device.
 * Not for next_free specs (those name no drive yet).
 */
int dev_lookup(const struct dev_spec *spec, struct drive **out);
/* dev_parse of a whole string "(..)" plus dev_lookup. */
int dev_find(const char *name, struct drive **out);

/*
 * A blocklist: "START+COUNT[,START+COUNT...]" or "+COUNT" (START 0), in
 * 512-byte sectors of the device (grub4dos' unit, whatever the block size).
 */
struct blocklist_run {
    uint64_t start, count;
};
#define BLOCKLIST_MAX 64
struct blocklist {
    size_t n;
    struct blocklist_run run[BLOCKLIST_MAX];
};
/* Parse s entirely as a blocklist. Returns 0 or -EINVAL (message set). */
int blocklist_parse(const char *s, struct blocklist *bl);

#endif
