/*
 * ls [DEV | DIR | FILE]: without an argument, the devices with their
 * filesystems; a whole drive with partitions, its partitions; a directory,
 * its names (directories end in '/', blanks inside names are escaped as
 * "\ " so a name can be pasted back as an argument); a file, its name.
 */
#include "../fs/fs.h"
#include "../src/shell.h"

static void size_text(uint64_t bytes, char *buf, size_t size)
{
    static const char *const unit[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
    int u = 0;
    while (bytes >= 10240 && u < 4) {
        bytes /= 1024;
        u++;
    }
    snprintf(buf, size, "%llu %s", (unsigned long long)bytes, unit[u]);
}

/* One line for a drive: "(hd0,1): fat32, label DATA, uuid 1234-ABCD, 64 MiB". */
void ls_device_line(struct drive *d, int indent)
{
    struct fs_volume *vol;
    char size[32], label[128], uuid[64], type[16] = "";
    size_text(drive_bytes(d), size, sizeof(size));
    if (d->parent && d->part_type && d->part_type != 0xEE)
        snprintf(type, sizeof(type), ", type 0x%02X", d->part_type);
    if (fs_volume_of(d, &vol) == 0) {
        fs_volume_label(vol, label, sizeof(label));
        fs_volume_uuid(vol, uuid, sizeof(uuid));
        con_printf("%*s%s: %s%s%s%s%s, %s%s\n", indent, "", d->name, fs_volume_type(vol),
                   label[0] ? ", label " : "", label, uuid[0] ? ", uuid " : "", uuid, size,
                   type);
    } else if (!d->parent && drive_partitions(d)) {
        con_printf("%*s%s: %llu blocks of %u bytes, %s\n", indent, "", d->name,
                   (unsigned long long)d->blocks, d->block_size, size);
    } else {
        con_printf("%*s%s: no filesystem, %s%s\n", indent, "", d->name, size, type);
    }
}

static int list_devices(void)
{
    int n = 0;
    struct fs_volume *vol;
    if (!drive_boot() && fs_volume_get("(bd)", &vol) == 0) {
        char label[128];
        fs_volume_label(vol, label, sizeof(label));
        con_printf("(bd): %s%s%s\n", fs_volume_type(vol), label[0] ? ", label " : "", label);
        n++;
    }
    for (struct drive *d = drive_first(); d; d = drive_next(d), n++) {
        ls_device_line(d, 0);
        for (struct drive *p = drive_partitions(d); p; p = p->next_part)
            ls_device_line(p, 1);
    }
    if (drive_boot() && drive_boot()->kind == DRIVE_BD)
        ls_device_line(drive_boot(), 0); /* inside a drive, but no partition of it */
    else if (drive_boot())
        con_printf("(bd) is %s\n", drive_boot()->name);
    return n ? n : shell_error(-ENODEV, "ls: no devices");
}

static void put_name(const char *name, bool dir)
{
    char out[2 * sizeof(((struct fs_dirent *)0)->name) + 4];
    size_t k = 0;
    for (const char *c = name; *c && k + 4 < sizeof(out); c++) {
        if (*c == ' ' || *c == '\\')
            out[k++] = '\\';
        out[k++] = *c;
    }
    if (dir)
        out[k++] = '/';
    out[k++] = ' ';
    out[k++] = ' ';
    con_write(out, k);
}

static int ls_exec(struct cmd_args *a)
{
    const char *path = a->first < a->argc ? a->argv[a->first] : "";
    struct fs_file *d;
    struct fs_dirent ent;
    int rc, n = 0;
    if (!*path)
        return list_devices();
    if (path[0] == '(' && strchr8(path, ')') && !strchr8(path, ')')[1]) {
        /* a device alone: a partitioned drive lists its partitions */
        struct drive *dev;
        rc = dev_find(path, &dev);
        if (rc)
            return shell_fail(rc, "ls", path);
        if (!dev->parent && drive_partitions(dev)) {
            ls_device_line(dev, 0);
            for (struct drive *p = drive_partitions(dev); p; p = p->next_part, n++)
                ls_device_line(p, 1);
            return n;
        }
    }
    rc = fs_open(path, &d);
    if (rc)
        return shell_fail(rc, "ls", path);
    if (!fs_is_dir(d)) {
        con_printf("%s  %llu\n", path, (unsigned long long)fs_size(d));
        fs_close(d);
        return 1;
    }
    while ((rc = fs_readdir(d, &ent)) == 1) {
        put_name(ent.name, ent.is_dir);
        n++;
        if (con_interrupted()) {
            rc = -ECANCELED;
            break;
        }
    }
    if (n)
        con_puts("\n");
    fs_close(d);
    if (rc < 0)
        return shell_fail(rc, "ls", path);
    return n ? n : 1;
}

COMMAND(ls, ls_exec, "ls [DEV | DIR | FILE]",
        "Without an argument, list the devices with their filesystem type, label and\n"
        "UUID. A partitioned drive lists its partitions; a directory its names\n"
        "(directories end in '/', blanks in names are written '\\ '); a file its size.",
        NULL);
