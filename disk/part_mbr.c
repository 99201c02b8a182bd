/*
 * MBR (DOS) partition tables with logical partitions, numbered as grub4dos
 * does: the four primary slots are (hdN,0)-(hdN,3) by slot, an empty slot
 * keeping its number free, and logical partitions follow from (hdN,4) in
 * the order of the extended partition's EBR chain. The extended partition
 * itself is listed too, in its slot, with its type (0x05/0x0F/0x85), so
 * its first EBR can be read as (hdN,k)+1; filesystems find nothing there.
 *
 * Block 0 holds an MBR when it ends in 0x55AA and its four entries look
 * like a table (every boot indicator is 0x00 or 0x80). A FAT/NTFS/exFAT
 * boot sector also ends in 0x55AA: one with no plausible entry is declined,
 * so that a "superfloppy" is used whole as one volume.
 *
 * Damage is survived where the rest can still be trusted, since a rescue
 * shell is most useful on a disk that is not quite right:
 * - a partition reaching past the end of the disk (a truncated image) is
 *   skipped with a warning, and the others are listed;
 * - a logical partition outside its extended partition is skipped with a
 *   warning, keeping its number so later logicals are numbered as other
 *   tools number them;
 * - an EBR chain that loops, leaves the extended partition or the disk, or
 *   runs past MBR_MAX_LOGICALS EBRs stops there with a warning naming the
 *   drive; the partitions found before that stay. EBRs need not be in disk
 *   order (partitioners insert logicals into gaps), so loops are found by
 *   remembering every EBR visited, not by requiring forward links.
 */
#include "drive.h"
#include "part_edit.h"

#include "../src/shell.h"


#define MBR_MAX_LOGICALS 128  /* EBRs followed, and logical partitions, per disk */
#define MBR_FIRST_LOGICAL 4

struct mbr_entry {
    uint8_t boot, type;
    uint32_t start, count;
};

struct walk {
    struct drive *d;
    uint8_t *blk;         /* one block of d */
    int next_number;      /* of the next logical partition */
    int ebrs;             /* EBRs read so far, over every extended partition */
};


static bool has_signature(const uint8_t *b)
{
    return b[510] == 0x55 && b[511] == 0xAA;
}

static void get_entries(const uint8_t *b, struct mbr_entry e[4])
{
    for (int i = 0; i < 4; i++) {
        const uint8_t *p = b + MBR_TABLE + 16 * i;
        e[i].boot = p[0];
        e[i].type = p[4];
        e[i].start = le32(p + 8);
        e[i].count = le32(p + 12);
    }
}

static bool is_empty(const struct mbr_entry *e)
{
    return e->type == 0 || e->count == 0;
}

/*
 * A filesystem boot sector: an x86 jump, then NTFS's or exFAT's OEM name or
 * FAT's file-system type string (FAT12/16 at 0x36, FAT32 at 0x52).
 */
static bool looks_like_boot_sector(const uint8_t *b)
{
    if (!((b[0] == 0xEB && b[2] == 0x90) || b[0] == 0xE9))
        return false;
    return memcmp(b + 3, "NTFS    ", 8) == 0 || memcmp(b + 3, "EXFAT   ", 8) == 0 ||
           memcmp(b + 0x36, "FAT", 3) == 0 || memcmp(b + 0x52, "FAT", 3) == 0;
}

/* Does the entry describe a partition that could be on this disk? */
static bool plausible(const struct drive *d, const struct mbr_entry *e)
{
    return !is_empty(e) && e->start != 0 && e->start < d->blocks;
}

/*
 * Add partition number unless it reaches past the disk (then warn). Its
 * entry is slot `slot` of block table_lba, which the editing commands
 * (disk/part_edit.c) change.
 */
static int add(struct drive *d, int number, uint64_t start, uint64_t count, uint8_t type,
               uint64_t table_lba, int slot)
{
    int rc;
    if (start >= d->blocks || count > d->blocks - start) {
        shell_warn("%s: partition %d (blocks %llu+%llu) reaches past the end of the disk "
                   "(%llu blocks); skipped", d->name, number, (unsigned long long)start,
                   (unsigned long long)count, (unsigned long long)d->blocks);
        return 0;
    }
    rc = drive_add_partition(d, number, start, count, type, NULL);
    for (struct drive *p = d->parts; rc == 0 && p; p = p->next_part) {
        if (p->part == number) {
            p->table_lba = table_lba;
            p->table_slot = slot;
        }
    }
    return rc;
}

/*
 * Follow the EBR chain of the extended partition at ext_start (count
 * blocks). Each EBR's first entry is a logical partition relative to the
 * EBR; its second links to the next EBR relative to ext_start.
 */
static int walk_extended(struct walk *w, uint64_t ext_start, uint64_t ext_count)
{
    struct drive *d = w->d;
    uint64_t ext_end = ext_start + ext_count, ebr = ext_start;
    uint64_t seen[MBR_MAX_LOGICALS];
    int nseen = 0;
    for (;;) {
        struct mbr_entry e[4];
        int rc;
        for (int i = 0; i < nseen; i++) {
            if (seen[i] == ebr) {
                shell_warn("%s: the extended partition's EBR chain loops back to block %llu; "
                           "ignoring the rest", d->name, (unsigned long long)ebr);
                return 0;
            }
        }
        if (w->ebrs >= MBR_MAX_LOGICALS) {
            shell_warn("%s: more than %d EBRs in the extended partition chain; ignoring the rest",
                       d->name, MBR_MAX_LOGICALS);
            return 0;
        }
        if (ebr >= d->blocks) {
            shell_warn("%s: the extended partition's EBR at block %llu is past the end of the "
                       "disk (%llu blocks); ignoring the rest", d->name, (unsigned long long)ebr,
                       (unsigned long long)d->blocks);
            return 0;
        }
        seen[nseen++] = ebr;
        w->ebrs++;
        rc = drive_read(d, ebr, 1, w->blk);
        if (rc)
            return rc;
        if (!has_signature(w->blk)) {
            /* an extended partition made but never filled may have no EBR at all */
            if (nseen > 1)
                shell_warn("%s: the EBR at block %llu has no 0x55AA signature; ignoring the "
                           "rest", d->name, (unsigned long long)ebr);
            return 0;
        }
        get_entries(w->blk, e);
        if (!is_empty(&e[0])) {
            int number = w->next_number++;
            uint64_t start = ebr + e[0].start;
            if (e[0].start == 0 || start + e[0].count > ext_end) {
                shell_warn("%s: logical partition %d (blocks %llu+%u) lies outside the extended "
                           "partition (blocks %llu+%llu); skipped", d->name, number,
                           (unsigned long long)start, e[0].count,
                           (unsigned long long)ext_start, (unsigned long long)ext_count);
            } else {
                rc = add(d, number, start, e[0].count, e[0].type, ebr, 0);
                if (rc)
                    return rc;
            }
        }
        if (!mbr_is_extended(e[1].type))
            return 0;
        ebr = ext_start + e[1].start;
        if (ebr >= ext_end) {
            shell_warn("%s: the EBR chain links to block %llu, outside the extended partition "
                       "(blocks %llu+%llu); ignoring the rest", d->name, (unsigned long long)ebr,
                       (unsigned long long)ext_start, (unsigned long long)ext_count);
            return 0;
        }
    }
}

static int mbr_scan(struct drive *d)
{
    struct walk w = { .d = d, .next_number = MBR_FIRST_LOGICAL };
    struct mbr_entry e[4];
    bool any = false;
    int rc;
    /* blocks beyond this would make start + count overflow in the checks */
    if (d->block_size < 512 || d->blocks == 0 || d->blocks > UINT64_MAX / 512)
        return -ENODEV;
    w.blk = malloc(d->block_size);
    if (!w.blk)
        return shell_error(-ENOMEM, "%s: out of memory", d->name);
    rc = drive_read(d, 0, 1, w.blk);
    if (rc)
        goto out;
    rc = -ENODEV;
    if (!has_signature(w.blk))
        goto out;
    get_entries(w.blk, e);
    for (int i = 0; i < 4; i++) {
        if (e[i].boot != 0x00 && e[i].boot != 0x80)
            goto out;
        any |= plausible(d, &e[i]);
    }
    if (!any && looks_like_boot_sector(w.blk))
        goto out;
    rc = 0;
    for (int i = 0; i < 4 && rc == 0; i++)
        if (!is_empty(&e[i]))
            rc = add(d, i, e[i].start, e[i].count, e[i].type, 0, i);
    /* the block buffer is reused by the walk: e[] holds all we need of block 0 */
    for (int i = 0; i < 4 && rc == 0; i++)
        if (!is_empty(&e[i]) && mbr_is_extended(e[i].type))
            rc = walk_extended(&w, e[i].start, e[i].count);
out:
    free(w.blk);
    return rc;
}

PARTMAP(mbr, 20) = { .name = "mbr", .scan = mbr_scan };
