/*
 * Changing MBR partition tables: the one write path behind parttype, hide,
 * unhide, makeactive and partnew (cmd/partition.c).
 *
 * A partition table is the one place where a wrong byte loses a whole disk,
 * so every change goes the same careful way: read the block that holds the
 * entries (block 0, or an EBR for a logical partition), let the command
 * change a copy, refuse a copy that is no longer a table, write it, read
 * it back and compare, and put the old block back if anything failed after
 * the write. The partition list is then read again from the disk, so what
 * `find` and `ls` see is what is on it. Writes go through drive_write, so a
 * --read-only map refuses them and a --fake-write map keeps them in RAM.
 */
#include "drive.h"
#include "part_edit.h"

#include "../src/shell.h"

/* A changed MBR/EBR block must still read as one. */
static int check_block(struct drive *disk, uint64_t lba, const uint8_t *b)
{
    if (b[510] != 0x55 || b[511] != 0xAA)
        return shell_error(-EINVAL, "%s: the new table at block %llu lacks its 0x55AA signature",
                           disk->name, (unsigned long long)lba);
    for (int i = 0; i < 4; i++) {
        const uint8_t *e = b + MBR_TABLE + 16 * i;
        uint64_t start = le32(e + 8), count = le32(e + 12);
        if (e[0] != 0x00 && e[0] != 0x80)
            return shell_error(-EINVAL, "%s: the new table at block %llu has boot flag 0x%02x "
                               "in entry %d", disk->name, (unsigned long long)lba, e[0], i);
        if (e[4] == 0 || count == 0)
            continue;
        /* logical entries are relative to their EBR (or the extended partition) */
        if (lba + start + count > disk->blocks)
            return shell_error(-ENOSPC, "%s: entry %d of the new table (blocks %llu+%llu) "
                               "reaches past the end of the disk (%llu blocks)", disk->name, i,
                               (unsigned long long)(lba + start), (unsigned long long)count,
                               (unsigned long long)disk->blocks);
    }
    return 0;
}

int mbr_edit(struct drive *disk, uint64_t lba, int (*change)(uint8_t *blk, void *ctx),
             void *ctx)
{
    uint32_t bs = disk->block_size;
    uint8_t *old = NULL, *blk;
    int rc;
    if (disk->parent)
        return shell_error(-EINVAL, "%s is a partition, not a disk", disk->name);
    if (bs < 512)
        return shell_error(-EINVAL, "%s: blocks of %u bytes hold no MBR", disk->name, bs);
    /* old, the new block, and the block read back, in one allocation */
    blk = malloc(3 * (size_t)bs);
    if (!blk)
        return shell_error(-ENOMEM, "%s: out of memory", disk->name);
    old = blk + bs;
    rc = drive_read(disk, lba, 1, old);
    if (rc) {
        rc = shell_error(rc, "%s: cannot read the partition table at block %llu: %s",
                         disk->name, (unsigned long long)lba, err_str(rc));
        goto out;
    }
    memcpy(blk, old, bs);
    rc = change(blk, ctx);
    if (rc || memcmp(blk, old, bs) == 0)
        goto out; /* refused, or nothing to write */
    rc = check_block(disk, lba, blk);
    if (rc)
        goto out;
    rc = drive_write(disk, lba, 1, blk);
    if (rc == -EROFS)
        goto out; /* refused before anything was written; drive_write said why */
    if (rc) {
        rc = shell_error(rc, "%s: cannot write the partition table at block %llu: %s",
                         disk->name, (unsigned long long)lba, err_str(rc));
        goto restore;
    }
    rc = drive_read(disk, lba, 1, old + bs);
    if (rc == 0 && memcmp(old + bs, blk, bs) != 0)
        rc = -EIO;
    if (rc) {
        rc = shell_error(rc, "%s: the partition table at block %llu did not read back as "
                         "written", disk->name, (unsigned long long)lba);
        goto restore;
    }
    rc = drive_rescan_partitions(disk);
    goto out;
restore:
    /* a half-written table is worse than the old one: put the old one back */
    {
        char why[sizeof(shell.errmsg)];
        strlcpy8(why, shell.errmsg, sizeof(why));
        if (drive_write(disk, lba, 1, old) != 0)
            shell_warn("%s: could not restore the old partition table at block %llu",
                       disk->name, (unsigned long long)lba);
        drive_rescan_partitions(disk);
        strlcpy8(shell.errmsg, why, sizeof(shell.errmsg));
    }
out:
    free(blk);
    return rc;
}

/* CHS as a table stores it, from the geometry every tool uses now (255 heads, 63 sectors). */
void mbr_chs(uint8_t out[3], uint64_t lba)
{
    uint64_t c = lba / (255 * 63), h = lba / 63 % 255, s = lba % 63 + 1;
    if (c > 1023) {
        /* past what CHS can say: the maximum, which tells tools to use the LBA */
        c = 1023;
        h = 254;
        s = 63;
    }
    out[0] = (uint8_t)h;
    out[1] = (uint8_t)(s | (c >> 8) << 6);
    out[2] = (uint8_t)c;
}
