/*
 * gzip images (image.h): a sequential source decoded by zlib's inflate, built
 * from Debian's source package with our flags (deps.mk). zlib parses each
 * member's header and checks its CRC-32 and ISIZE; this file feeds it,
 * moves from one member to the next (multi-member files, as `cat a.gz b.gz`
 * makes), and says what is wrong in words a user can act on.
 *
 * The decoded size: a gzip file states only ISIZE, the last member's size
 * modulo 2^32. It is the size of the image when there is one member under
 * 4 GiB, the usual case, so open() offers it as s->size; map --mem sizes
 * the RAM by it, reads that many bytes and then checks that the stream
 * ends there (see disk/map.c), measuring the stream when it does not. A
 * gzip file read from a sequential source (gzip inside gzip) has no ISIZE
 * we can reach: IMG_SIZE_UNKNOWN.
 */
#include "image.h"

#include <zlib.h>

#include "../src/shell.h"

#define GZ_IN (1u << 20) /* compressed bytes read per refill */

struct gz {
    z_stream z;
    uint8_t *in;
    uint64_t in_off;     /* next offset of lower to read */
    bool in_eof;         /* lower has nothing more */
    bool member_ended;   /* inflate reached a member's end (trailer checked) */
    bool ended;          /* no member follows */
};

static void *gz_alloc(void *opaque, unsigned items, unsigned size)
{
    return calloc(items, size);
}

static void gz_free(void *opaque, void *p)
{
    free(p);
}

static int gz_probe(struct img_src *lower)
{
    const uint8_t *h;
    size_t n = img_peek(lower, &h);
    if (n < 3 || h[0] != 0x1f || h[1] != 0x8b)
        return 0;
    if (h[2] != 8)
        return shell_error(-EBADIMG, "%s: gzip with compression method %u, not deflate (8)",
                           lower->path, h[2]);
    return 1;
}

/* Next compressed bytes into g->in; sets in_eof when lower is at its end. */
static int gz_refill(struct img_src *s, struct gz *g)
{
    size_t got = 0;
    int rc = img_read(s->lower, g->in_off, g->in, GZ_IN, &got);
    if (rc)
        return rc;
    g->in_off += got;
    g->in_eof = got == 0;
    g->z.next_in = g->in;
    g->z.avail_in = (uInt)got;
    return 0;
}

/* Where the bytes inflate has not yet taken start, in lower. */
static uint64_t gz_in_pos(const struct gz *g)
{
    return g->in_off - g->z.avail_in;
}

/*
 * After a member: another one (its magic), zero padding to the end (what a
 * block device or a `dd` leaves; gzip(1) accepts it too), or the end.
 * Anything else is an error rather than a silently shorter image.
 */
static int gz_next_member(struct img_src *s, struct gz *g)
{
    for (;;) {
        int rc;
        if (g->z.avail_in == 0) {
            if ((rc = gz_refill(s, g)) != 0)
                return rc;
            if (g->in_eof) {
                g->ended = true;
                return 0;
            }
        }
        if (g->z.next_in[0] == 0x1f) {
            if (inflateReset(&g->z) != Z_OK)
                return shell_error(-EBADIMG, "%s: cannot restart inflate", s->path);
            g->member_ended = false;
            return 0;
        }
        while (g->z.avail_in && g->z.next_in[0] == 0) {
            g->z.next_in++;
            g->z.avail_in--;
        }
        if (g->z.avail_in)
            return shell_error(-EBADIMG, "%s: garbage after the gzip data at byte %llu",
                               s->path, (unsigned long long)gz_in_pos(g));
    }
}

static int gz_read(struct img_src *s, uint64_t off, void *buf, size_t len, size_t *got)
{
    struct gz *g = s->priv;
    int rc = 0;
    g->z.next_out = buf;
    while (len && !g->ended) {
        /* zlib counts in uInt: feed it at most 1 GiB of output a call */
        uInt chunk = (uInt)MIN(len, (size_t)1 << 30);
        int zr;
        if (g->member_ended) {
            if ((rc = gz_next_member(s, g)) != 0)
                break;
            continue;
        }
        if (g->z.avail_in == 0 && (rc = gz_refill(s, g)) != 0)
            break;
        g->z.avail_out = chunk;
        zr = inflate(&g->z, Z_NO_FLUSH);
        len -= chunk - g->z.avail_out;
        if (zr == Z_STREAM_END) {
            g->member_ended = true;
        } else if (zr == Z_MEM_ERROR) {
            rc = -ENOMEM;
            break;
        } else if (zr == Z_DATA_ERROR || zr == Z_STREAM_ERROR || zr == Z_NEED_DICT) {
            /* zlib's words: "incorrect data check" is the CRC, "incorrect length check" ISIZE */
            rc = shell_error(-EBADIMG, "%s: corrupt gzip data near byte %llu: %s", s->path,
                             (unsigned long long)gz_in_pos(g),
                             g->z.msg ? g->z.msg : "bad stream");
            break;
        } else if (g->in_eof && g->z.avail_in == 0 && g->z.avail_out) {
            rc = shell_error(-EBADIMG, "%s: the gzip stream is truncated after %llu bytes "
                             "(%llu decoded)", s->path, (unsigned long long)g->in_off,
                             (unsigned long long)(s->pos + ((uint8_t *)g->z.next_out -
                                                            (uint8_t *)buf)));
            break;
        }
    }
    *got = (size_t)((uint8_t *)g->z.next_out - (uint8_t *)buf);
    s->pos = off + *got;
    s->in_pos = gz_in_pos(g);
    return rc;
}

static void gz_close(struct img_src *s)
{
    struct gz *g = s->priv;
    if (!g)
        return;
    inflateEnd(&g->z);
    free(g->in);
    free(g);
    s->priv = NULL;
}

static int gz_open(struct img_src *s)
{
    struct gz *g = calloc(1, sizeof(*g));
    struct img_src *lower = s->lower;
    if (!g || !(g->in = malloc(GZ_IN))) {
        free(g);
        return -ENOMEM;
    }
    s->priv = g;
    s->sequential = true;
    g->z.zalloc = gz_alloc;
    g->z.zfree = gz_free;
    /* 15 + 16: a gzip wrapper (header, CRC-32, ISIZE) around a 32 KiB window */
    if (inflateInit2(&g->z, 15 + 16) != Z_OK) {
        free(g->in);
        free(g);
        s->priv = NULL;
        return -ENOMEM;
    }
    if (!lower->sequential && lower->size != IMG_SIZE_UNKNOWN && lower->size >= 18) {
        uint8_t isize[4];
        int rc = img_read_full(lower, lower->size - 4, isize, 4, "the gzip trailer");
        if (rc) {
            gz_close(s);
            return rc;
        }
        /* 0 is an empty image or, likelier, zero padding after the stream: measure it */
        if (le32(isize))
            s->size = le32(isize);
    }
    return 0;
}

IMAGE_FORMAT(gzip, 10) = {
    .name = "gzip",
    .probe = gz_probe,
    .open = gz_open,
    .read = gz_read,
    .close = gz_close,
};
