/*
 * geometry [DRIVE]: what grub4dos for UEFI prints about a disk, one line
 * with its size in blocks and the block size, then its partitions as GRUB
 * lists them. There is no CHS any more: UEFI disks are LBA only, and the
 * efi build took the --sync/--tune and C/H/S arguments out; words after
 * DRIVE are ignored, as there. A partition names its disk.
 */
#include "../fs/fs.h"
#include "../src/shell.h"

static int geometry_exec(struct cmd_args *a)
{
    const char *arg = a->first < a->argc ? a->argv[a->first] : "()";
    struct drive *d;
    int rc = dev_find(arg, &d);
    if (rc)
        return shell_fail(rc, "geometry", arg);
    d = drive_root(d, NULL);
    if (d->number < 0)
        return shell_error(-EINVAL, "geometry: %s is not a disk", d->name);
    con_printf("drive 0x%02X(LBA): SectorCount/Size=%llu / %u\n", (unsigned)d->number,
               (unsigned long long)d->blocks, d->block_size);
    for (struct drive *p = drive_partitions(d); p; p = p->next_part) {
        struct fs_volume *vol;
        con_printf(" Partition num: %d, ", p->part);
        if (fs_volume_of(p, &vol) == 0)
            con_printf(" Filesystem type is %s, ", fs_volume_type(vol));
        else
            con_printf(" Filesystem type unknown, ");
        if (p->table_slot < 0)
            con_printf("partition type 0xEE (GPT)\n");
        else
            con_printf("partition type 0x%02X\n", p->part_type);
    }
    shell.errmsg[0] = 0; /* a partition with no filesystem is not this command's error */
    shell_set_retval(1);
    return 1;
}

COMMAND(geometry, geometry_exec, "geometry [DRIVE]",
        "Print DRIVE's size (the root's disk by default) as grub4dos for UEFI does,\n"
        "'drive 0x80(LBA): SectorCount/Size=2097152 / 512', then each partition with its\n"
        "filesystem and type.",
        NULL);
