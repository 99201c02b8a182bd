/* cat [--hex] [--skip=N] [--length=N] FILE: print a file. */
#include "../fs/fs.h"
#include "../src/shell.h"

static const struct opt cat_opts[] = {
    { "--hex", OPT_FLAG },
    { "--skip", OPT_VALUE },
    { "--length", OPT_VALUE },
    { NULL, 0 },
};

static void hex_line(uint64_t off, const uint8_t *b, size_t n)
{
    con_printf("%08llX: ", (unsigned long long)off);
    for (size_t i = 0; i < 16; i++) {
        if (i < n)
            con_printf("%02X ", b[i]);
        else
            con_puts("   ");
        if (i == 7)
            con_puts(" ");
    }
    con_puts(" ");
    for (size_t i = 0; i < n; i++)
        con_printf("%c", b[i] >= 0x20 && b[i] < 0x7F ? b[i] : '.');
    con_puts("\n");
}

static int cat_exec(struct cmd_args *a)
{
    unsigned long long skip = 0, length = ~0ULL;
    struct fs_file *f;
    uint8_t *buf;
    uint64_t off, end;
    int rc;
    if (a->first >= a->argc)
        return shell_error(-EINVAL, "cat: missing file name");
    if (a->opt[1].set && parse_unum(a->opt[1].value, &skip))
        return shell_error(-EINVAL, "cat: bad --skip value '%s'", a->opt[1].value);
    if (a->opt[2].set && parse_unum(a->opt[2].value, &length))
        return shell_error(-EINVAL, "cat: bad --length value '%s'", a->opt[2].value);
    rc = fs_open(a->argv[a->first], &f);
    if (rc)
        return shell_error(rc, "cat: %s: %s", a->argv[a->first], err_str(rc));
    if (fs_is_dir(f)) {
        fs_close(f);
        return shell_error(-EISDIR, "cat: %s is a directory", a->argv[a->first]);
    }
    buf = malloc(4096);
    if (!buf) {
        fs_close(f);
        return -ENOMEM;
    }
    end = fs_size(f);
    if (length != ~0ULL && skip + length < end)
        end = skip + length;
    for (off = skip; off < end;) {
        size_t got = 0, want = (size_t)MIN(end - off, 4096);
        rc = fs_read(f, off, buf, want, &got);
        if (rc || got == 0)
            break;
        if (a->opt[0].set) {
            for (size_t i = 0; i < got; i += 16)
                hex_line(off + i, buf + i, MIN(16, got - i));
        } else {
            con_write((const char *)buf, got);
        }
        off += got;
    }
    free(buf);
    fs_close(f);
    if (rc)
        return shell_error(rc, "cat: %s: %s", a->argv[a->first], err_str(rc));
    return 1;
}

COMMAND(cat, cat_exec, "cat [--hex] [--skip=N] [--length=N] FILE",
        "Print FILE (from byte N with --skip, at most N bytes with --length); --hex shows a\n"
        "hex dump.",
        cat_opts);
