/*
 * dd if=IN of=OUT [bs=N] [count=N] [skip=N] [seek=N]: copy bytes between
 * files, devices and blocklists, in place (grub4dos' dd). skip and seek
 * count blocks of bs bytes (512 unless given) in IN and OUT; without count
 * it copies until either ends. OUT keeps its size: a copy that would go
 * past its end is refused before anything is written. Writes go through
 * fs_write_at (the drive table), so maps keep --read-only and --fake-write.
 * of=(md) is BIOS memory (src/biosonly.c).
 */
#include "../fs/fs.h"
#include "../src/shell.h"

#define DD_CHUNK (1u << 20)

/* An operand "name=value" of argv, or NULL. */
static const char *operand(struct cmd_args *a, const char *name)
{
    size_t n = strlen8(name);
    const char *found = NULL;
    for (int i = a->first; i < a->argc; i++)
        if (strncmp8(a->argv[i], name, n) == 0 && a->argv[i][n] == '=')
            found = a->argv[i] + n + 1;
    return found;
}

static int dd_exec(struct cmd_args *a)
{
    static const char *const nums[] = { "bs", "count", "skip", "seek" };
    unsigned long long v[4] = { 512, ~0ULL, 0, 0 }, bs, count, from, to, in_size, out_size;
    const char *in = operand(a, "if"), *out = operand(a, "of");
    char in_buf[64], out_buf[64];
    struct fs_file *f = NULL;
    uint8_t *buf = NULL;
    uint64_t done = 0;
    int rc;
    if (!in || !out)
        return shell_error(-EINVAL, "dd: usage: dd if=IN of=OUT [bs=N] [count=N] [skip=N] "
                           "[seek=N]");
    for (int i = 0; i < 4; i++) {
        const char *s = operand(a, nums[i]);
        if (s && (parse_unum(s, &v[i]) || (i == 0 && !v[0])))
            return shell_error(-EINVAL, "dd: bad %s value '%s'", nums[i], s);
    }
    for (int i = a->first; i < a->argc; i++)
        if (!strchr8(a->argv[i], '='))
            return shell_error(-EINVAL, "dd: '%s' is not NAME=VALUE", a->argv[i]);
    bs = v[0];
    if (v[2] > UINT64_MAX / bs || v[3] > UINT64_MAX / bs)
        return shell_error(-EINVAL, "dd: skip or seek is too large");
    from = v[2] * bs;
    to = v[3] * bs;
    in = fs_whole_device(in, in_buf, sizeof(in_buf));
    out = fs_whole_device(out, out_buf, sizeof(out_buf));
    if ((rc = fs_open(out, &f)) != 0)
        return shell_fail(rc, "dd", out);
    out_size = fs_size(f);
    fs_close(f);
    if ((rc = fs_open(in, &f)) != 0)
        return shell_fail(rc, "dd", in);
    in_size = fs_size(f);
    count = in_size > from ? in_size - from : 0;
    if (v[1] != ~0ULL) {
        if (v[1] > UINT64_MAX / bs || v[1] * bs > count) {
            fs_close(f);
            return shell_error(-EINVAL, "dd: %s holds %llu bytes after skip, not count=%llu of "
                               "%llu", in, count, v[1], bs);
        }
        count = v[1] * bs;
        if (to > out_size || count > out_size - to) {
            fs_close(f);
            return shell_error(-ENOSPC, "dd: %s is %llu bytes: %llu at %llu would make it "
                               "longer", out, out_size, count, to);
        }
    } else {
        count = MIN(count, to < out_size ? out_size - to : 0);
    }
    if (count && !(buf = malloc(DD_CHUNK)))
        rc = -ENOMEM;
    while (rc == 0 && done < count) {
        size_t got = 0, want = (size_t)MIN(count - done, (uint64_t)DD_CHUNK);
        if ((rc = fs_read(f, from + done, buf, want, &got)) == 0 && got != want)
            rc = shell_error(-EIO, "dd: %s ends before its size says", in);
        if (rc == 0)
            rc = fs_write_at(out, to + done, buf, want);
        done += want;
        if (rc == 0 && con_interrupted())
            rc = shell_error(-ECANCELED, "dd: cancelled after %llu bytes",
                             (unsigned long long)done);
    }
    free(buf);
    fs_close(f);
    if (rc)
        return shell_fail(rc, "dd", out);
    shell_set_retval((long long)count);
    return 1;
}

COMMAND(dd, dd_exec, "dd if=IN of=OUT [bs=N] [count=N] [skip=N] [seek=N]",
        "Copy bytes from IN to OUT (files, devices such as (hd1), blocklists), in place:\n"
        "skip and seek count blocks of bs bytes (512) in IN and OUT; without count, until\n"
        "either ends. OUT keeps its size: a copy past its end is refused before anything\n"
        "is written. Returns the bytes copied. of=(md) is BIOS memory: an error.",
        NULL);
