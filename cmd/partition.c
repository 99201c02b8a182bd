/*
 * The partition-table commands of grub4dos for UEFI: parttype, hide,
 * unhide, hiddenflag, makeactive and partnew. They change MBR entries
 * (primary and logical) through mbr_edit, which refuses a block that is no
 * longer a table, verifies what it wrote and reads the partitions again
 * (disk/part_edit.c). GPT entries get parttype and the hidden flag as
 * attribute bits, as grub4dos does (disk/part_gpt.c).
 *
 * Messages follow grub4dos' wording, since menus parse some of them
 * ("Partition type for (hd0,1) is 0x07."); they print at debug 1 and up,
 * where mapboot starts, so `debug off` or `> nul` quiets them.
 */
#include "../disk/part_edit.h"
#include "../fs/fs.h"
#include "../src/shell.h"

/* Hidden in a GPT entry's attributes: platform-required, hidden and no-automount, as grub4dos sets. */
#define GPT_ATTR_HIDE 0xC000000000000001ull

/* PART, or the root device when arg is NULL; it must be a partition. */
static int get_partition(const char *cmd, const char *arg, struct drive **out)
{
    struct drive *d;
    int rc = dev_find(arg ? arg : "()", &d);
    if (rc)
        return shell_fail(rc, cmd, arg ? arg : "the root device");
    if (!d->parent || d->kind == DRIVE_BD)
        return shell_error(-EINVAL, "%s: %s is not a partition of a disk", cmd, d->name);
    if (d->part_type != 0xEE && d->table_slot < 0)
        return shell_error(-EINVAL, "%s: %s is not in a partition table", cmd, d->name);
    *out = d;
    return 0;
}

static bool is_gpt(const struct drive *p)
{
    return p->table_slot < 0;
}

/* ---- parttype ---- */

struct set_byte {
    int slot, offset;
    uint8_t value, mask;   /* the bits of the byte to change */
};

static int change_byte(uint8_t *blk, void *ctx)
{
    struct set_byte *c = ctx;
    uint8_t *b = blk + MBR_TABLE + 16 * c->slot + c->offset;
    *b = (uint8_t)((*b & ~c->mask) | (c->value & c->mask));
    return 0;
}

static int set_type(struct drive *p, uint8_t type)
{
    struct set_byte c = { .slot = p->table_slot, .offset = 4, .value = type, .mask = 0xFF };
    return mbr_edit(p->parent, p->table_lba, change_byte, &c);
}

static int parttype_exec(struct cmd_args *a)
{
    const char *part = NULL, *type_s = NULL;
    unsigned long long type;
    struct drive *p;
    int i = a->first, rc;
    if (i < a->argc && a->argv[i][0] == '(')
        part = a->argv[i++];
    if (i < a->argc)
        type_s = a->argv[i++];
    if (i < a->argc)
        return shell_error(-EINVAL, "parttype: usage: parttype [PART] [TYPE]");
    rc = get_partition("parttype", part, &p);
    if (rc)
        return rc;
    if (!type_s) {
        if (shell.debug >= 1)
            con_printf("Partition type for %s is 0x%02X.\n", p->name, p->part_type);
        shell_set_retval(p->part_type);
        return p->part_type;
    }
    if (parse_unum(type_s, &type))
        return shell_error(-EINVAL, "parttype: '%s' is not a number", type_s);
    if (is_gpt(p)) {
        /*
         * grub4dos: on GPT the value is the entry's attributes; one with
         * bits in 0xFF00 sets the top 16 (the type-specific ones, 0xC000
         * being hidden and no-automount), any other the whole 64 bits.
         */
        if (type & 0xFF00)
            rc = gpt_set_attr(p->parent, p->part, 0xFFFF000000000000ull, (type & 0xFFFF) << 48);
        else
            rc = gpt_set_attr(p->parent, p->part, ~0ull, type);
        if (rc)
            return rc;
        if (shell.debug >= 1)
            con_printf("Partition attributes for %s set to 0x%llX successfully.\n", p->name, type);
        return 1;
    }
    if (type > 0xFF)
        return shell_error(-EINVAL, "parttype: an MBR type is a byte, not 0x%llX", type);
    if (mbr_is_extended(p->part_type) != mbr_is_extended((uint8_t)type))
        return shell_error(-EINVAL, "parttype: %s: changing a partition to or from an extended "
                           "one would lose the logical partitions", p->name);
    rc = set_type(p, (uint8_t)type);
    if (rc)
        return rc;
    if (shell.debug >= 1)
        con_printf("Partition type for %s set to 0x%02X successfully.\n", p->name,
                   (unsigned)type);
    return 1;
}

COMMAND(parttype, parttype_exec, "parttype [PART] [TYPE]",
        "Show the type of partition PART (the root device by default) and return it, or\n"
        "set it to TYPE. On a GPT disk the type is 0xEE and TYPE sets the entry's\n"
        "attributes instead (a value of 0x100 and up, its top 16 bits only), as in\n"
        "grub4dos. An extended partition stays extended. The table is written, read back\n"
        "and checked; --read-only drives refuse it.",
        NULL);

/* ---- hide, unhide, hiddenflag ---- */

enum hide_op { HIDE_STATUS, HIDE_SET, HIDE_CLEAR };

static int hidden_flag(const char *cmd, const char *part, enum hide_op op)
{
    struct drive *p;
    bool hidden;
    int rc = get_partition(cmd, part, &p);
    if (rc)
        return rc;
    if (is_gpt(p)) {
        uint64_t attr;
        rc = gpt_get_attr(p->parent, p->part, &attr);
        if (rc)
            return rc;
        hidden = (attr & GPT_ATTR_HIDE) != 0;
    } else {
        if (mbr_is_extended(p->part_type))
            return shell_error(-EINVAL, "%s: %s is an extended partition", cmd, p->name);
        hidden = (p->part_type & 0x10) != 0;
    }
    if (op == HIDE_STATUS) {
        if (shell.debug >= 1)
            con_printf("Partition %s is %shidden.\n", p->name, hidden ? "" : "not ");
        shell_set_retval(hidden);
        return hidden;
    }
    if (hidden == (op == HIDE_SET)) {
        if (shell.debug >= 1)
            con_printf("Partition %s was already %shidden.\n", p->name, hidden ? "" : "un");
        return 1;
    }
    if (is_gpt(p)) {
        rc = gpt_set_attr(p->parent, p->part, GPT_ATTR_HIDE, op == HIDE_SET ? GPT_ATTR_HIDE : 0);
    } else {
        struct set_byte c = { .slot = p->table_slot, .offset = 4, .mask = 0x10,
                              .value = op == HIDE_SET ? 0x10 : 0 };
        rc = mbr_edit(p->parent, p->table_lba, change_byte, &c);
    }
    if (rc)
        return rc;
    if (shell.debug >= 1)
        con_printf("Partition %s successfully set %shidden.\n", p->name,
                   op == HIDE_SET ? "" : "un");
    return 1;
}

static const char *one_part(struct cmd_args *a, const char *cmd, int *rc)
{
    *rc = 0;
    if (a->argc - a->first > 1)
        *rc = shell_error(-EINVAL, "%s: takes one partition, not %d words", cmd,
                          a->argc - a->first);
    return a->first < a->argc ? a->argv[a->first] : NULL;
}

static int hide_exec(struct cmd_args *a)
{
    int rc;
    const char *part = one_part(a, "hide", &rc);
    return rc ? rc : hidden_flag("hide", part, HIDE_SET);
}

static int unhide_exec(struct cmd_args *a)
{
    int rc;
    const char *part = one_part(a, "unhide", &rc);
    return rc ? rc : hidden_flag("unhide", part, HIDE_CLEAR);
}

enum { O_HF_SET, O_HF_CLEAR };
static const struct opt hiddenflag_opts[] = {
    [O_HF_SET] = { "--set", OPT_FLAG },
    [O_HF_CLEAR] = { "--clear", OPT_FLAG },
    { NULL, 0 },
};

static int hiddenflag_exec(struct cmd_args *a)
{
    int rc;
    const char *part = one_part(a, "hiddenflag", &rc);
    if (rc)
        return rc;
    if (a->opt[O_HF_SET].set && a->opt[O_HF_CLEAR].set)
        return shell_error(-EINVAL, "hiddenflag: --set or --clear, not both");
    return hidden_flag("hiddenflag", part,
                       a->opt[O_HF_SET].set     ? HIDE_SET
                       : a->opt[O_HF_CLEAR].set ? HIDE_CLEAR
                                                : HIDE_STATUS);
}

COMMAND(hide, hide_exec, "hide [PART]",
        "Hide partition PART (the root device by default) from DOS and Windows: set the\n"
        "0x10 bit of its MBR type (0x07 becomes 0x17), or on GPT the attribute bits 0,\n"
        "62 and 63. A hidden partition stays as it is.",
        NULL);
COMMAND(unhide, unhide_exec, "unhide [PART]",
        "Undo hide: clear the 0x10 bit of PART's MBR type, or its GPT hidden attributes.",
        NULL);
COMMAND(hiddenflag, hiddenflag_exec, "hiddenflag [--set|--clear] [PART]",
        "Set or clear PART's hidden flag (as hide and unhide do); with neither, say whether\n"
        "it is hidden and return 1 (hidden) or 0.",
        hiddenflag_opts);

/* ---- makeactive ---- */

struct activate {
    int slot;
    int changed; /* other entries whose flag was cleared */
};

static int change_active(uint8_t *blk, void *ctx)
{
    struct activate *c = ctx;
    for (int i = 0; i < 4; i++) {
        uint8_t *flag = blk + MBR_TABLE + 16 * i;
        if (i == c->slot) {
            *flag = 0x80;
        } else if (*flag) {
            *flag = 0;
            c->changed++;
        }
    }
    return 0;
}

enum { O_MA_STATUS };
static const struct opt makeactive_opts[] = {
    [O_MA_STATUS] = { "--status", OPT_FLAG },
    { NULL, 0 },
};

static int makeactive_exec(struct cmd_args *a)
{
    struct activate c = { 0 };
    struct drive *p;
    bool active;
    int rc;
    const char *part = one_part(a, "makeactive", &rc);
    if (rc)
        return rc;
    rc = get_partition("makeactive", part, &p);
    if (rc)
        return rc;
    if (is_gpt(p))
        return shell_error(-EINVAL, "makeactive: %s is a GPT partition; only MBR primary "
                           "partitions have an active flag", p->name);
    if (p->table_lba != 0 || mbr_is_extended(p->part_type))
        return shell_error(-EINVAL, "makeactive: %s is not a primary partition", p->name);
    {
        uint8_t blk[512];
        rc = drive_read_bytes(p->parent, MBR_TABLE + 16 * p->table_slot, blk, 1);
        if (rc)
            return shell_fail(rc, "makeactive", p->parent->name);
        active = blk[0] == 0x80;
    }
    if (a->opt[O_MA_STATUS].set) {
        if (shell.debug >= 1)
            con_printf("Partition %s is %sactive.\n", p->name, active ? "" : "not ");
        shell_set_retval(active);
        return active;
    }
    c.slot = p->table_slot;
    rc = mbr_edit(p->parent, 0, change_active, &c);
    if (rc)
        return rc;
    if (shell.debug >= 1) {
        if (!active)
            con_printf("Partition %s successfully set active.\n", p->name);
        else
            con_printf("Partition %s was already active.\n", p->name);
        if (active && c.changed)
            con_printf("Deactivated %d Partition(s) successfully.\n", c.changed);
    }
    return 1;
}

COMMAND(makeactive, makeactive_exec, "makeactive [--status] [PART]",
        "Make primary partition PART (the root device by default) the active one: set its\n"
        "boot flag (0x80) and clear the others. --status only says whether it is active\n"
        "and returns 1 (active) or 0. GPT and logical partitions have no such flag.",
        makeactive_opts);

/* ---- partnew ---- */

struct new_entry {
    int slot;
    uint8_t type;
    bool active, force;
    uint64_t start, count;
};

/* Does [start, start+count) lie inside another primary partition of the table in blk? */
static bool nested(const uint8_t *blk, int slot, uint64_t start, uint64_t count)
{
    for (int i = 0; i < 4; i++) {
        const uint8_t *e = blk + MBR_TABLE + 16 * i;
        uint64_t s = le32(e + 8), n = le32(e + 12);
        if (i != slot && e[4] && n && start >= s && start + count <= s + n)
            return true;
    }
    return false;
}

static int change_new(uint8_t *blk, void *ctx)
{
    struct new_entry *c = ctx;
    uint8_t *e = blk + MBR_TABLE + 16 * c->slot;
    uint64_t old_start = le32(e + 8), old_count = le32(e + 12);
    if (!c->force && e[4] && old_count && !nested(blk, c->slot, old_start, old_count))
        return shell_error(-EEXIST, "partnew: cannot overwrite an independent partition in "
                           "slot %d (blocks %llu+%llu); --force does", c->slot,
                           (unsigned long long)old_start, (unsigned long long)old_count);
    if (c->type == 0 && c->start == 0 && c->count == 0) {
        memset(e, 0, 16); /* an empty slot */
        return 0;
    }
    e[0] = c->active || e[0] == 0x80 ? 0x80 : 0;
    mbr_chs(e + 1, c->start);
    e[4] = c->type;
    mbr_chs(e + 5, c->start + c->count - 1);
    put_le32(e + 8, (uint32_t)c->start);
    put_le32(e + 12, (uint32_t)c->count);
    if (e[0] == 0x80) {
        /* one active partition: the others lose their flag */
        for (int i = 0; i < 4; i++)
            if (i != c->slot)
                blk[MBR_TABLE + 16 * i] = 0;
    }
    blk[510] = 0x55;
    blk[511] = 0xAA;
    return 0;
}

/*
 * The type a boot sector says it is: grub4dos gives a new partition made of
 * a file with type 0 (or 0x10, hidden) its filesystem's type.
 */
static uint8_t type_of_boot_sector(const uint8_t *b)
{
    if (b[510] != 0x55 || b[511] != 0xAA || !(b[0] == 0xEB || b[0] == 0xE9))
        return 0;
    if (memcmp(b + 3, "NTFS    ", 8) == 0 || memcmp(b + 3, "EXFAT   ", 8) == 0)
        return 0x07;
    if (memcmp(b + 0x52, "FAT32", 5) == 0)
        return 0x0C;
    if (memcmp(b + 0x36, "FAT", 3) == 0)
        return 0x0E;
    return 0;
}

/*
 * START as a file: its blocks on the disk of the new partition, which must
 * be one run inside one partition. A FAT or NTFS image inside gets its type
 * (for TYPE 0 or 0x10) and its hidden-sectors field set to where it starts,
 * so that it boots from there.
 */
static int file_range(const char *path, struct drive *disk, struct new_entry *c)
{
    struct fs_file *f;
    struct fs_extent *ext = NULL;
    struct drive *on;
    size_t n = 0;
    uint8_t bs[512];
    uint64_t size, base;
    int rc = fs_open(path, &f);
    if (rc)
        return shell_fail(rc, "partnew", path);
    on = f->vol ? f->vol->drive : NULL;
    size = fs_size(f);
    rc = fs_extents(f, &ext, &n);
    fs_close(f);
    if (rc)
        return shell_fail(rc, "partnew", path);
    rc = -EINVAL;
    if (!on || drive_root(on, &base) != disk) {
        shell_error(rc, "partnew: %s is not on %s", path, disk->name);
    } else if (!on->parent) {
        shell_error(rc, "partnew: %s is on the whole drive %s, not in a partition", path,
                    on->name);
    } else if (n != 1 || ext[0].disk_off == FS_EXTENT_HOLE || ext[0].len < size) {
        shell_error(-EINVAL, "partnew: %s is not contiguous", path);
    } else if ((base + ext[0].disk_off) % disk->block_size) {
        shell_error(rc, "partnew: %s does not start on a block boundary", path);
    } else if (size == 0) {
        shell_error(rc, "partnew: %s is empty", path);
    } else {
        c->start = (base + ext[0].disk_off) / disk->block_size;
        c->count = (size + disk->block_size - 1) / disk->block_size;
        rc = 0;
    }
    free(ext);
    if (rc)
        return rc;
    rc = drive_read_bytes(disk, c->start * disk->block_size, bs, sizeof(bs));
    if (rc)
        return shell_fail(rc, "partnew", path);
    if ((c->type & ~0x10) == 0)
        c->type |= type_of_boot_sector(bs);
    if (type_of_boot_sector(bs) && le32(bs + 0x1C) != c->start) {
        uint8_t hidden[4];
        put_le32(hidden, (uint32_t)c->start);
        if (shell.debug >= 1)
            con_printf("Changing hidden sectors 0x%X to 0x%llX... ", le32(bs + 0x1C),
                       (unsigned long long)c->start);
        rc = drive_write_bytes(disk, c->start * disk->block_size + 0x1C, hidden, 4);
        if (shell.debug >= 1)
            con_printf("%s.\n", rc ? "failure" : "success");
        if (rc)
            return shell_fail(rc, "partnew", path);
    }
    return 0;
}

enum { O_PN_ACTIVE, O_PN_FORCE };
static const struct opt partnew_opts[] = {
    [O_PN_ACTIVE] = { "--active", OPT_FLAG },
    [O_PN_FORCE] = { "--force", OPT_FLAG },
    { NULL, 0 },
};

static int partnew_exec(struct cmd_args *a)
{
    struct new_entry c = { 0 };
    struct dev_spec spec;
    struct drive *disk;
    unsigned long long type, start, count;
    const char *rest;
    int n = a->argc - a->first, rc;
    char **w = a->argv + a->first;
    if (n != 3 && n != 4)
        return shell_error(-EINVAL, "partnew: usage: partnew [--active] [--force] PART TYPE "
                           "START LENGTH, or PART TYPE FILE");
    if (dev_parse(w[0], &spec, &rest) != 0 || *rest)
        return shell_error(-EINVAL, "partnew: '%s' is not a partition such as (hd0,3)", w[0]);
    if (spec.part < 0 || spec.part > 3)
        return shell_error(-EINVAL, "partnew: %s: only the primary slots 0 to 3 can be made",
                           w[0]);
    c.slot = spec.part;
    spec.part = -1;
    rc = dev_lookup(&spec, &disk);
    if (rc)
        return shell_fail(rc, "partnew", w[0]);
    disk = drive_root(disk, NULL);
    if (disk->kind != DRIVE_HD && disk->kind != DRIVE_FD)
        return shell_error(-EINVAL, "partnew: %s holds no partition table", disk->name);
    if (drive_partitions(disk) && drive_partitions(disk)->table_slot < 0)
        return shell_error(-EINVAL, "partnew: %s has a GPT; partnew makes MBR entries only",
                           disk->name);
    if (parse_unum(w[1], &type) || type > 0xFF)
        return shell_error(-EINVAL, "partnew: type '%s' is not a byte", w[1]);
    c.type = (uint8_t)type;
    c.active = a->opt[O_PN_ACTIVE].set;
    c.force = a->opt[O_PN_FORCE].set;
    if (n == 3 || parse_unum(w[2], &start) != 0) {
        if (n == 4)
            return shell_error(-EINVAL, "partnew: start '%s' is not a number", w[2]);
        rc = file_range(w[2], disk, &c);
        if (rc)
            return rc;
    } else {
        if (parse_unum(w[3], &count))
            return shell_error(-EINVAL, "partnew: length '%s' is not a number", w[3]);
        if ((start == 0 || count == 0) && !(start == 0 && count == 0 && type == 0))
            return shell_error(-EINVAL, "partnew: a partition needs a start and a length above "
                               "0 (type, start and length 0 empty the slot)");
        c.start = start;
        c.count = count;
    }
    if (c.start > UINT32_MAX || c.count > UINT32_MAX || c.start + c.count > disk->blocks)
        return shell_error(-ENOSPC, "partnew: blocks %llu+%llu do not fit in %s (%llu blocks, "
                           "at most 2^32 in an MBR)", (unsigned long long)c.start,
                           (unsigned long long)c.count, disk->name,
                           (unsigned long long)disk->blocks);
    rc = mbr_edit(disk, 0, change_new, &c);
    if (rc)
        return rc;
    shell_set_retval(1);
    return 1;
}

COMMAND(partnew, partnew_exec, "partnew [--active] [--force] PART TYPE START LENGTH | PART TYPE FILE",
        "Make primary partition PART (slot 0 to 3 of an MBR) of type TYPE over blocks\n"
        "START to START+LENGTH-1; type, start and length 0 empty the slot. With FILE, the\n"
        "partition is the file's blocks (it must be contiguous, in a partition of the same\n"
        "disk): type 0 or 0x10 takes the type of a FAT or NTFS image in it, whose hidden-\n"
        "sectors field is set to its start. A slot holding a partition that is not inside\n"
        "another is kept unless --force. --active makes it the active one. The table is\n"
        "written, read back and checked.",
        partnew_opts);
