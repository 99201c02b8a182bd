/*
 * write [--offset=N] FILE|DEVICE|BLOCKLIST STRING: grub4dos' write, in place.
 * STRING is the rest of the line as typed, with grub4dos' escapes (\n,
 * \xHH, \0 ...), so it may hold any byte. The file keeps its size: a write
 * past its end is refused, not grown. Writes go through the drive table
 * (fs_write_at), so a map's --read-only and --fake-write hold. A memory
 * address or (md) is BIOS memory and refused before this runs
 * (src/biosonly.c).
 */
#include "../fs/fs.h"
#include "../src/shell.h"

enum { O_OFFSET };
static const struct opt write_opts[] = {
    [O_OFFSET] = { "--offset", OPT_VALUE },
    { NULL, 0 },
};

static int write_exec(struct cmd_args *a)
{
    unsigned long long off = 0;
    const char *target;
    char *data, whole[64];
    size_t len;
    int rc;
    if (a->first + 1 >= a->argc)
        return shell_error(-EINVAL, "write: usage: write [--offset=N] FILE STRING");
    if (a->opt[O_OFFSET].set && parse_unum(a->opt[O_OFFSET].value, &off))
        return shell_error(-EINVAL, "write: bad --offset value '%s'", a->opt[O_OFFSET].value);
    target = fs_whole_device(a->argv[a->first], whole, sizeof(whole));
    data = malloc(strlen8(a->rawv[a->first + 1]) * 3 + 1);
    if (!data)
        return -ENOMEM;
    len = str_unescape(a->rawv[a->first + 1], data, true);
    rc = fs_write_at(target, off, data, len);
    free(data);
    if (rc)
        return shell_fail(rc, "write", a->argv[a->first]);
    shell_set_retval((long long)len);
    return 1;
}

COMMAND(write, write_exec, "write [--offset=N] FILE|DEVICE|BLOCKLIST STRING",
        "Write STRING (the rest of the line, with escapes such as \\n, \\xHH and \\0) into\n"
        "FILE, a device such as (hd1) or a blocklist such as (hd1)+1, at byte N (--offset),\n"
        "in place: a file keeps its size, and a write past its end is refused. Mapped\n"
        "drives keep their --read-only and --fake-write. Returns the bytes written.\n"
        "A memory address or (md) is grub4dos' BIOS memory: an error.",
        write_opts);
