/*
 * cat [--hex] [--skip=N] [--length=N] [--locate[i]=STRING [--number=N]] [--decompress] FILE:
 * print a file, dump it in hex, or find a string in it (with grub4dos'
 * escapes, so \x00 finds a NUL; --locatei ignores ASCII case). FILE may be a
 * blocklist, so `cat --hex (hd0)+1` shows a disk's first sector.
 * --decompress reads it through the image formats (disk/image.h): a .gz or
 * .lz4 as its contents, a VHD as its virtual disk.
 */
#include "../disk/image.h"
#include "../fs/fs.h"
#include "../src/shell.h"

/* Large reads: filesystems and the firmware are fastest in big runs. */
#define CAT_CHUNK (1u << 20)

enum { O_HEX, O_SKIP, O_LENGTH, O_LOCATE, O_LOCATEI, O_NUMBER, O_REPLACE, O_DECOMPRESS };
static const struct opt cat_opts[] = {
    [O_HEX] = { "--hex", OPT_FLAG },
    [O_SKIP] = { "--skip", OPT_VALUE },
    [O_LENGTH] = { "--length", OPT_VALUE },
    [O_LOCATE] = { "--locate", OPT_VALUE },
    [O_LOCATEI] = { "--locatei", OPT_VALUE },
    [O_NUMBER] = { "--number", OPT_VALUE },
    [O_REPLACE] = { "--replace", OPT_VALUE },
    [O_DECOMPRESS] = { "--decompress", OPT_FLAG },
    { NULL, 0 },
};

/* What cat reads: the file itself, or (--decompress) the image decoded from it. */
struct cat_src {
    struct fs_file *f;
    struct img_src *img;
};

static int src_read(struct cat_src *s, uint64_t off, void *buf, size_t len, size_t *got)
{
    return s->img ? img_read(s->img, off, buf, len, got) : fs_read(s->f, off, buf, len, got);
}

/*
 * A compressed stream reads only forwards: decode up to skip and drop it,
 * so that --skip and --locate start where they should.
 */
static int src_seek(struct cat_src *s, uint64_t skip, uint8_t *buf)
{
    while (s->img && s->img->sequential && s->img->pos < skip) {
        size_t got = 0;
        int rc = img_read(s->img, s->img->pos, buf, (size_t)MIN(skip - s->img->pos,
                                                                 (uint64_t)CAT_CHUNK), &got);
        if (rc)
            return rc;
        if (got == 0)
            break;
    }
    return 0;
}


static void hex_line(uint64_t off, const uint8_t *b, size_t n)
{
    char line[100];
    size_t k = (size_t)snprintf(line, sizeof(line), "%08llX: ", (unsigned long long)off);
    for (size_t i = 0; i < 16; i++) {
        if (i < n)
            k += (size_t)snprintf(line + k, sizeof(line) - k, "%02X ", b[i]);
        else
            k += (size_t)snprintf(line + k, sizeof(line) - k, "   ");
        if (i == 7)
            line[k++] = ' ';
    }
    line[k++] = ' ';
    for (size_t i = 0; i < n; i++)
        line[k++] = b[i] >= 0x20 && b[i] < 0x7F ? (char)b[i] : '.';
    line[k++] = '\n';
    con_write(line, k);
}

/*
 * What --locate looks for: the bytes, whether case counts, how many matches
 * at most; and what --replace writes over each match (in place, through
 * fs_write_at on path), or NULL.
 */
struct needle {
    const uint8_t *bytes;
    size_t len;
    bool icase;
    unsigned long long max;
    const char *path;
    const char *rep;
    size_t rep_len;
};

static bool matches(const uint8_t *at, const struct needle *n)
{
    if (!n->icase)
        return memcmp(at, n->bytes, n->len) == 0;
    for (size_t i = 0; i < n->len; i++)
        if (to_lower(at[i]) != to_lower(n->bytes[i]))
            return false;
    return true;
}

/*
 * Print the offset of every match of n in [skip, end) (the first n->max),
 * keeping the last len-1 bytes of each chunk so that matches across chunks
 * are found. Returns the number of matches.
 */
static int locate(struct cat_src *f, uint64_t skip, uint64_t end, const struct needle *n,
                  uint8_t *buf, int *rcp)
{
    size_t keep = 0;
    uint64_t base = skip; /* file offset of buf[0] */
    int found = 0;
    *rcp = 0;
    while (base + keep < end && (uint64_t)found < n->max) {
        size_t got = 0, want = (size_t)MIN(end - base - keep, CAT_CHUNK - keep);
        int rc = src_read(f, base + keep, buf + keep, want, &got);
        if (rc || got == 0) {
            *rcp = rc;
            break;
        }
        got += keep;
        for (size_t i = 0; i + n->len <= got && (uint64_t)found < n->max; i++) {
            if (matches(buf + i, n)) {
                con_printf("%s0x%llX", found ? " " : "", (unsigned long long)(base + i));
                found++;
                if (n->rep && (*rcp = fs_write_at(n->path, base + i, n->rep, n->rep_len)) != 0)
                    return found;
            }
        }
        keep = MIN(n->len - 1, got);
        memmove(buf, buf + got - keep, keep);
        base += got - keep;
        if (con_interrupted()) {
            *rcp = -ECANCELED;
            break;
        }
    }
    if (found)
        con_puts("\n");
    return found;
}

/* The option word "NAME=VALUE" as typed (words_raw), or NULL. */
static char *raw_option(struct cmd_args *a, const char *name)
{
    size_t n = strlen8(name);
    for (int i = 1; i < a->first; i++)
        if (strncmp8(a->argv[i], name, n) == 0 && a->argv[i][n] == '=')
            return words_raw(a->argc, a->rawv, i);
    return NULL;
}

static int cat_exec(struct cmd_args *a)
{
    unsigned long long skip = 0, length = ~0ULL;
    const char *path;
    struct cat_src src = { 0 };
    uint8_t *buf;
    uint64_t off, end;
    int rc = 0, ret = 1;
    if (a->first >= a->argc)
        return shell_error(-EINVAL, "cat: missing file name");
    path = a->argv[a->first];
    if (a->opt[O_SKIP].set && parse_unum(a->opt[O_SKIP].value, &skip))
        return shell_error(-EINVAL, "cat: bad --skip value '%s'", a->opt[O_SKIP].value);
    if (a->opt[O_LENGTH].set && parse_unum(a->opt[O_LENGTH].value, &length))
        return shell_error(-EINVAL, "cat: bad --length value '%s'", a->opt[O_LENGTH].value);
    struct needle needle = { .max = ~0ULL };
    char *find = NULL;
    const char *find_opt = a->opt[O_LOCATEI].set ? "--locatei" : "--locate";
    const char *find_arg = a->opt[O_LOCATEI].set ? a->opt[O_LOCATEI].value
                                                 : a->opt[O_LOCATE].value;
    if (a->opt[O_LOCATE].set && a->opt[O_LOCATEI].set)
        return shell_error(-EINVAL, "cat: --locate and --locatei cannot go together");
    if (a->opt[O_NUMBER].set && (parse_unum(a->opt[O_NUMBER].value, &needle.max) ||
                                 !needle.max))
        return shell_error(-EINVAL, "cat: bad --number value '%s'", a->opt[O_NUMBER].value);
    if ((a->opt[O_NUMBER].set || a->opt[O_REPLACE].set) && !find_arg)
        return shell_error(-EINVAL, "cat: --number and --replace go with --locate or --locatei");
    if (a->opt[O_REPLACE].set && a->opt[O_DECOMPRESS].set)
        return shell_error(-EINVAL, "cat: --replace writes the file itself, not what "
                           "--decompress reads");
    if (find_arg) {
        /* the word as typed: the splitter took \x1F for an escaped 'x' */
        char *raw = raw_option(a, find_opt);
        char *raw_rep = a->opt[O_REPLACE].set ? raw_option(a, "--replace") : NULL;
        find = raw && (raw_rep || !a->opt[O_REPLACE].set)
                   ? malloc((strlen8(raw) + (raw_rep ? strlen8(raw_rep) : 0)) * 3 + 2)
                   : NULL;
        if (!find) {
            free(raw);
            free(raw_rep);
            return -ENOMEM;
        }
        needle.len = str_unescape(raw + strlen8(find_opt) + 1, find, true);
        if (raw_rep) {
            /* the replacement after the needle, in the same buffer */
            char *rep = find + needle.len + 1;
            needle.rep_len = str_unescape(raw_rep + strlen8("--replace="), rep, true);
            needle.rep = rep;
            needle.path = path;
        }
        free(raw);
        free(raw_rep);
        needle.bytes = (const uint8_t *)find;
        needle.icase = a->opt[O_LOCATEI].set;
        if (!needle.len) {
            free(find);
            return shell_error(-EINVAL, "cat: %s needs a string", find_opt);
        }
    }
    if (a->opt[O_DECOMPRESS].set) {
        rc = img_open_path(path, &src.img, NULL, 0);
    } else {
        rc = fs_open(path, &src.f);
        if (rc == 0 && fs_is_dir(src.f)) {
            fs_close(src.f);
            return shell_error(-EISDIR, "cat: %s is a directory", path);
        }
    }
    if (rc) {
        free(find);
        return shell_fail(rc, "cat", path);
    }
    buf = malloc(CAT_CHUNK);
    if (!buf) {
        rc = -ENOMEM;
        goto out;
    }
    /*
     * A stream's stated size is only a claim (gzip states its last member's
     * size modulo 4 GiB): it ends where its data ends.
     */
    end = !src.img ? fs_size(src.f) : src.img->sequential ? UINT64_MAX : src.img->size;
    if (skip < end && length < end - skip)
        end = skip + length;
    rc = src_seek(&src, skip, buf);
    if (rc) {
        /* nothing */
    } else if (find) {
        ret = locate(&src, skip, end, &needle, buf, &rc);
    } else {
        for (off = skip; off < end;) {
            size_t got = 0, want = (size_t)MIN(end - off, CAT_CHUNK);
            rc = src_read(&src, off, buf, want, &got);
            if (rc)
                break;
            if (got == 0 && end == UINT64_MAX)
                break; /* the stream's end */
            if (got == 0) {
                rc = shell_error(-EIO, "%s ends before its size says", path);
                break;
            }
            if (a->opt[O_HEX].set) {
                for (size_t i = 0; i < got; i += 16)
                    hex_line(off + i, buf + i, MIN(16, got - i));
            } else {
                con_write((const char *)buf, got);
            }
            off += got;
            if (con_interrupted()) {
                rc = -ECANCELED;
                break;
            }
        }
    }
out:
    free(buf);
    free(find);
    fs_close(src.f);
    img_close(src.img);
    if (rc)
        return shell_fail(rc, "cat", path);
    return ret;
}

COMMAND(cat, cat_exec,
        "cat [--hex] [--skip=N] [--length=N] [--locate[i]=STRING [--number=N] [--replace=R]] "
        "[--decompress] FILE",
        "Print FILE from byte N (--skip), at most N bytes (--length). --hex shows a hex\n"
        "dump. --locate prints the hex offset of each match of STRING (escapes such as\n"
        "\\x00 allowed; --locatei ignores ASCII case; --number=N stops after N matches)\n"
        "and returns the number of matches (0, false, when there is none); --replace=R\n"
        "writes R over each match, in place (see write). FILE may be a\n"
        "blocklist such as (hd0)+1. --decompress reads a gzip or lz4 file as its\n"
        "contents, and a VHD or VHDX as its virtual disk (compressed or not); --skip\n"
        "and --length then count decoded bytes.",
        cat_opts);
