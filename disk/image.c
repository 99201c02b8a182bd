/*
 * Image formats stacked on a file (image.h): the probe loop, the head
 * buffer that lets a format look at a sequential source's first bytes
 * without consuming them, and the sequential rule.
 */
#include "image.h"

#include "../src/shell.h"

TABLE_DEFINE(const struct img_format, img_formats);

/* The file or memory at the bottom of a stack. */
static int bottom_read(struct img_src *s, uint64_t off, void *buf, size_t len, size_t *got)
{
    if (s->file)
        return fs_read(s->file, off, buf, len, got);
    *got = off >= s->size ? 0 : (size_t)MIN((uint64_t)len, s->size - off);
    memcpy(buf, s->mem + off, *got);
    return 0;
}

/* Fill s->head from its start; a sequential source's decoder moves on past it. */
static int fill_head(struct img_src *s)
{
    size_t want = IMG_HEAD, got = 0;
    int rc;
    if (s->size != IMG_SIZE_UNKNOWN && s->size < want)
        want = (size_t)s->size;
    if (!s->fmt)
        rc = bottom_read(s, 0, s->head, want, &got);
    else
        rc = s->fmt->read(s, 0, s->head, want, &got);
    if (rc)
        return rc;
    s->head_len = got;
    return 0;
}

int img_read(struct img_src *s, uint64_t off, void *buf, size_t len, size_t *got)
{
    uint8_t *b = buf;
    size_t from_head = 0, more = 0;
    int rc;
    *got = 0;
    if (off < s->head_len) {
        from_head = (size_t)MIN((uint64_t)len, s->head_len - off);
        memcpy(b, s->head + off, from_head);
        off += from_head;
        len -= from_head;
    }
    if (len && s->scatter_only)
        return shell_error(-ESPIPE, "%s: a %s image inside a compressed stream can only be "
                           "decoded into RAM (map --mem)", s->path, s->fmt->name);
    if (len && s->sequential && off != s->pos)
        return shell_error(-ESPIPE, "%s: a %s stream reads only forwards (at %llu, not %llu)",
                           s->path, s->fmt->name, (unsigned long long)s->pos,
                           (unsigned long long)off);
    if (len) {
        rc = s->fmt ? s->fmt->read(s, off, b + from_head, len, &more)
                    : bottom_read(s, off, b + from_head, len, &more);
        if (rc)
            return rc;
    }
    *got = from_head + more;
    return 0;
}

size_t img_peek(struct img_src *s, const uint8_t **head)
{
    *head = s->head;
    return s->head_len;
}

void img_close(struct img_src *s)
{
    while (s) {
        struct img_src *lower = s->lower;
        if (s->fmt && s->fmt->close)
            s->fmt->close(s);
        else if (!s->fmt && s->file)
            fs_close(s->file);
        free(s);
        s = lower;
    }
}

/* Probe and stack formats on the bottom source s (image.h, img_open). */
static int stack_formats(struct img_src *s, struct img_src **out, char *chain, size_t chain_size)
{
    const char *path = s->path;
    int rc = fill_head(s);
    for (int depth = 0; rc == 0; depth++) {
        const struct img_format *fmt, *hit = NULL;
        struct img_src *n;
        for_each_table_entry(fmt, img_formats) {
            rc = fmt->probe(s);
            if (rc < 0)
                break;
            if (rc > 0) {
                hit = fmt;
                rc = 0;
                break;
            }
        }
        if (rc || !hit)
            break;
        if (depth == IMG_DEPTH_MAX) {
            rc = shell_error(-EBADIMG, "%s: formats nested more than %d deep", path,
                             IMG_DEPTH_MAX);
            break;
        }
        n = calloc(1, sizeof(*n));
        if (!n) {
            rc = -ENOMEM;
            break;
        }
        n->fmt = hit;
        n->lower = s;
        n->file = s->file;
        n->mem = s->mem;
        n->path = path;
        n->in_size = s->in_size;
        n->size = IMG_SIZE_UNKNOWN;
        rc = hit->open(n);
        if (rc) {
            free(n); /* open cleans up after itself */
            break;
        }
        s = n;
        if (chain_size) {
            if (chain[0])
                strlcat8(chain, "+", chain_size);
            strlcat8(chain, hit->name, chain_size);
        }
        if (s->scatter_only)
            break; /* no head to probe: nothing can be stacked on it */
        rc = fill_head(s);
    }
    if (rc) {
        img_close(s);
        return rc;
    }
    if (chain_size && !chain[0])
        strlcpy8(chain, "raw", chain_size);
    *out = s;
    return 0;
}

int img_open(struct fs_file *f, const char *path, struct img_src **out, char *chain,
             size_t chain_size)
{
    struct img_src *s = calloc(1, sizeof(*s));
    *out = NULL;
    if (chain_size)
        chain[0] = 0;
    if (!s) {
        fs_close(f);
        return -ENOMEM;
    }
    s->file = f;
    s->path = path;
    s->size = s->in_size = fs_size(f);
    return stack_formats(s, out, chain, chain_size);
}

int img_open_mem(const void *buf, uint64_t size, const char *name, struct img_src **out,
                 char *chain, size_t chain_size)
{
    struct img_src *s = calloc(1, sizeof(*s));
    *out = NULL;
    if (chain_size)
        chain[0] = 0;
    if (!s)
        return -ENOMEM;
    s->mem = buf;
    s->path = name;
    s->size = s->in_size = size;
    return stack_formats(s, out, chain, chain_size);
}

int img_open_path(const char *path, struct img_src **out, char *chain, size_t chain_size)
{
    struct fs_file *f;
    int rc = fs_open(path, &f);
    *out = NULL;
    if (rc)
        return rc;
    if (fs_is_dir(f)) {
        fs_close(f);
        return shell_error(-EISDIR, "%s is a directory", path);
    }
    return img_open(f, path, out, chain, chain_size);
}

uint64_t img_file_pos(const struct img_src *s)
{
    uint64_t pos = 0;
    for (; s && s->fmt; s = s->lower)
        if (s->sequential)
            pos = s->in_pos;
    return pos;
}

int img_read_full(struct img_src *s, uint64_t off, void *buf, size_t len, const char *what)
{
    size_t got = 0;
    int rc = img_read(s, off, buf, len, &got);
    if (rc)
        return rc;
    if (got != len)
        return shell_error(-EBADIMG, "%s: %s at %llu lies past the end of the image", s->path,
                           what, (unsigned long long)off);
    return 0;
}

int img_read_all(const char *path, char **out, size_t *len, size_t max)
{
    struct img_src *src;
    char chain[64], *buf = NULL;
    size_t n = 0, cap = 0;
    int rc = img_open_path(path, &src, chain, sizeof(chain));
    if (rc)
        return rc;
    for (;;) {
        size_t got = 0;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 1u << 16;
            char *nb;
            if (cap >= max) {
                rc = shell_error(-E2BIG, "%s is over %zu MiB", path, max >> 20);
                break;
            }
            nb = realloc(buf, MIN(ncap, max));
            if (!nb) {
                rc = -ENOMEM;
                break;
            }
            buf = nb;
            cap = MIN(ncap, max);
        }
        rc = img_read(src, n, buf + n, cap - n, &got);
        if (rc || got == 0)
            break;
        n += got;
    }
    img_close(src);
    if (rc) {
        free(buf);
        return rc;
    }
    *out = buf;
    *len = n;
    return 0;
}
