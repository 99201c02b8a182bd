/*
 * cmp [--skip=N] [--length=N] A B: compare two files, devices or blocklists
 * (grub4dos' cmp). True when the bytes compared are the same; otherwise it
 * prints the first offset where they differ, or that their sizes differ.
 */
#include "../fs/fs.h"
#include "../src/shell.h"

#define CMP_CHUNK (256u << 10)

enum { O_SKIP, O_LENGTH };
static const struct opt cmp_opts[] = {
    [O_SKIP] = { "--skip", OPT_VALUE },
    [O_LENGTH] = { "--length", OPT_VALUE },
    { NULL, 0 },
};

static int cmp_exec(struct cmd_args *a)
{
    unsigned long long skip = 0, length = ~0ULL;
    struct fs_file *f[2] = { NULL, NULL };
    uint8_t *buf[2] = { NULL, NULL };
    uint64_t end, off;
    int rc = 0, same = 1;
    if (a->first + 2 != a->argc)
        return shell_error(-EINVAL, "cmp: usage: cmp [--skip=N] [--length=N] A B");
    if ((a->opt[O_SKIP].set && parse_unum(a->opt[O_SKIP].value, &skip)) ||
        (a->opt[O_LENGTH].set && parse_unum(a->opt[O_LENGTH].value, &length)))
        return shell_error(-EINVAL, "cmp: bad --skip or --length value");
    for (int i = 0; i < 2 && rc == 0; i++) {
        char whole[64];
        if ((rc = fs_open(fs_whole_device(a->argv[a->first + i], whole, sizeof(whole)),
                          &f[i])) != 0)
            rc = shell_fail(rc, "cmp", a->argv[a->first + i]);
        else if (!(buf[i] = malloc(CMP_CHUNK)))
            rc = -ENOMEM;
    }
    if (rc)
        goto out;
    if (!a->opt[O_SKIP].set && !a->opt[O_LENGTH].set && fs_size(f[0]) != fs_size(f[1])) {
        con_printf("Differ in size: 0x%llX [%s], 0x%llX [%s]\n",
                   (unsigned long long)fs_size(f[0]), a->argv[a->first],
                   (unsigned long long)fs_size(f[1]), a->argv[a->first + 1]);
        same = 0;
        goto out;
    }
    end = MIN(fs_size(f[0]), fs_size(f[1]));
    if (skip < end && length < end - skip)
        end = skip + length;
    for (off = skip; off < end && same;) {
        size_t want = (size_t)MIN(end - off, (uint64_t)CMP_CHUNK), got[2] = { 0, 0 };
        for (int i = 0; i < 2 && rc == 0; i++)
            rc = fs_read(f[i], off, buf[i], want, &got[i]);
        if (rc)
            break;
        if (got[0] != want || got[1] != want) {
            rc = shell_error(-EIO, "cmp: a file ends before its size says");
            break;
        }
        for (size_t k = 0; k < want; k++) {
            if (buf[0][k] != buf[1][k]) {
                con_printf("Differ at the offset 0x%llX: 0x%02X [%s], 0x%02X [%s]\n",
                           (unsigned long long)(off + k), buf[0][k], a->argv[a->first],
                           buf[1][k], a->argv[a->first + 1]);
                same = 0;
                break;
            }
        }
        off += want;
        if (con_interrupted())
            rc = -ECANCELED;
    }
out:
    for (int i = 0; i < 2; i++) {
        free(buf[i]);
        if (f[i])
            fs_close(f[i]);
    }
    return rc ? rc : same;
}

COMMAND(cmp, cmp_exec, "cmp [--skip=N] [--length=N] A B",
        "Compare files, devices or blocklists A and B, from byte N (--skip), at most N\n"
        "bytes (--length). True when they are the same; else it prints the first offset\n"
        "where they differ (or, comparing whole files, that their sizes differ).",
        cmp_opts);
