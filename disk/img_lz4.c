/*
 * lz4 images (image.h): a sequential source decoded by lz4's frame library
 * (lz4frame.c from Debian's source package, deps.mk). lz4frame checks the
 * block checksums, the content checksum and the content size when a frame
 * carries them; this file feeds it, goes on to the next frame (`cat a.lz4
 * b.lz4`, skippable frames), and turns its error codes into messages.
 *
 * The decoded size: the first frame's content size when the compressor
 * wrote one (`lz4 --content-size`, and always when it knew the input's
 * size beforehand); otherwise IMG_SIZE_UNKNOWN and map --mem measures the
 * stream first. A declared size is checked against the stream by map, and
 * by lz4frame at the end of the frame.
 */
#include "image.h"

#include <lz4frame.h>

#include "../src/shell.h"

#define LZ4_IN (1u << 20) /* compressed bytes read at least per refill */
/*
 * The most l->in grows to: the largest block (4 MiB) with its header and
 * checksum and the next block's header. lz4frame's hint may ask for more
 * only to skip a skippable frame (up to 4 GiB), which it takes in pieces.
 */
#define LZ4_IN_MAX ((4u << 20) + 64)

/*
 * Whole blocks: lz4frame decodes a block straight into the caller's buffer
 * when all of it is in l->in (and the buffer has room for a block, which
 * map's 4 MiB chunks have); a block split across two refills goes through
 * its own 4 MiB tmpIn and tmpOut first, a copy and 8 MiB more memory. So a
 * refill reads on until the next block is whole (lz4frame's hint), and
 * l->in grows to the largest block met (it is touched only as far as the
 * blocks reach: about their compressed size).
 */
struct lz {
    LZ4F_dctx *ctx;
    uint8_t *in;
    size_t in_cap;        /* l->in's size */
    size_t hint;          /* compressed bytes lz4frame wants next (its return value) */
    size_t in_len, in_at; /* bytes in g->in, and how many lz4frame took */
    uint64_t in_off;      /* next offset of lower to read */
    bool in_eof;
    bool frame_ended;     /* LZ4F_decompress returned 0: between frames */
    bool ended;
};

static void *lz_alloc(void *opaque, size_t n)
{
    return malloc(n);
}

static void *lz_calloc(void *opaque, size_t n)
{
    return calloc(1, n);
}

static void lz_free(void *opaque, void *p)
{
    free(p);
}

static int lz_probe(struct img_src *lower)
{
    const uint8_t *h;
    size_t n = img_peek(lower, &h);
    uint32_t magic = n >= 4 ? le32(h) : 0;
    if (magic == 0x184D2204 || (magic & 0xFFFFFFF0) == 0x184D2A50)
        return 1;
    if (magic == 0x184C2102)
        return shell_error(-ENOTSUP, "%s: lz4 legacy format (lz4 -l) is not supported; "
                           "compress it again without -l", lower->path);
    return 0;
}

/*
 * Keep what lz4frame has not taken, moved to the start, and read on until
 * need bytes are there (at least LZ4_IN, at most what l->in holds, which
 * grows for a later frame of larger blocks). in_eof: the file gave nothing.
 */
static int lz_refill(struct img_src *s, struct lz *l, size_t need)
{
    size_t have = l->in_len - l->in_at, got = 0, want;
    int rc;
    need = MIN(need, (size_t)LZ4_IN_MAX);
    if (need > l->in_cap) {
        uint8_t *bigger = malloc(need);
        if (!bigger)
            return -ENOMEM;
        memcpy(bigger, l->in + l->in_at, have);
        free(l->in);
        l->in = bigger;
        l->in_cap = need;
    } else if (l->in_at) {
        memmove(l->in, l->in + l->in_at, have);
    }
    l->in_at = 0;
    l->in_len = have;
    want = MIN(MAX(need, (size_t)LZ4_IN), l->in_cap);
    if ((rc = img_read(s->lower, l->in_off, l->in + have, want - have, &got)) != 0)
        return rc;
    l->in_off += got;
    l->in_len += got;
    l->in_eof = got == 0;
    return 0;
}

static uint64_t lz_in_pos(const struct lz *l)
{
    return l->in_off - (l->in_len - l->in_at);
}

static int lz_error(struct img_src *s, struct lz *l, size_t code)
{
    if (LZ4F_getErrorCode(code) == LZ4F_ERROR_allocation_failed)
        return -ENOMEM;
    /* lz4's names say what failed: ERROR_blockChecksum_invalid, ERROR_frameSize_wrong... */
    return shell_error(-EBADIMG, "%s: corrupt lz4 data near byte %llu: %s", s->path,
                       (unsigned long long)lz_in_pos(l), LZ4F_getErrorName(code));
}

/*
 * Between frames: another frame, zero padding to the end (accepted, as for
 * gzip), or the end. lz4frame itself rejects a frame with a bad magic.
 */
static int lz_between_frames(struct img_src *s, struct lz *l)
{
    for (;;) {
        int rc;
        if (l->in_at == l->in_len) {
            if ((rc = lz_refill(s, l, 1)) != 0)
                return rc;
            if (l->in_eof) {
                l->ended = true;
                return 0;
            }
        }
        if (l->in[l->in_at] != 0) {
            l->frame_ended = false;
            return 0;
        }
        while (l->in_at < l->in_len && l->in[l->in_at] == 0)
            l->in_at++;
        if (l->in_at < l->in_len)
            return shell_error(-EBADIMG, "%s: garbage after the lz4 data at byte %llu",
                               s->path, (unsigned long long)lz_in_pos(l));
    }
}

static int lz_read(struct img_src *s, uint64_t off, void *buf, size_t len, size_t *got)
{
    struct lz *l = s->priv;
    uint8_t *out = buf;
    size_t done = 0;
    int rc = 0;
    while (done < len && !l->ended) {
        size_t dst = len - done, src, hint;
        if (l->frame_ended) {
            if ((rc = lz_between_frames(s, l)) != 0)
                break;
            continue;
        }
        if (l->in_len - l->in_at < l->hint) {
            if ((rc = lz_refill(s, l, l->hint)) != 0)
                break;
            if (l->in_eof && l->in_at == l->in_len) {
                rc = shell_error(-EBADIMG, "%s: the lz4 stream is truncated after %llu bytes "
                                 "(%llu decoded)", s->path, (unsigned long long)l->in_off,
                                 (unsigned long long)(off + done));
                break;
            }
        }
        /* no more than it asked for: given part of the next block, it would copy that to tmpIn */
        src = MIN(l->in_len - l->in_at, l->hint);
        hint = LZ4F_decompress(l->ctx, out + done, &dst, l->in + l->in_at, &src, NULL);
        if (LZ4F_isError(hint)) {
            rc = lz_error(s, l, hint);
            break;
        }
        l->in_at += src;
        done += dst;
        l->hint = hint ? hint : 1; /* 1: the next frame's first byte */
        if (hint == 0)
            l->frame_ended = true;
    }
    *got = done;
    s->pos = off + done;
    s->in_pos = lz_in_pos(l);
    return rc;
}

static void lz_close(struct img_src *s)
{
    struct lz *l = s->priv;
    if (!l)
        return;
    LZ4F_freeDecompressionContext(l->ctx);
    free(l->in);
    free(l);
    s->priv = NULL;
}

static int lz_open(struct img_src *s)
{
    static const LZ4F_CustomMem mem = { lz_alloc, lz_calloc, lz_free, NULL };
    struct lz *l = calloc(1, sizeof(*l));
    LZ4F_frameInfo_t info;
    const uint8_t *head;
    size_t n = img_peek(s->lower, &head), hint;
    if (!l)
        return -ENOMEM;
    s->priv = l;
    s->sequential = true;
    l->in_cap = LZ4_IN;
    l->in = malloc(l->in_cap);
    /* our allocator: in EFI, the same pool as everything else, and freed by lz_close */
    l->ctx = LZ4F_createDecompressionContext_advanced(mem, LZ4F_VERSION);
    if (!l->in || !l->ctx) {
        lz_close(s);
        return -ENOMEM;
    }
    /* the first frame's header: consumed here, decoding goes on after it */
    hint = LZ4F_getFrameInfo(l->ctx, &info, head, &n);
    if (LZ4F_isError(hint)) {
        int rc = lz_error(s, l, hint);
        lz_close(s);
        return rc;
    }
    l->in_off = n;
    l->hint = hint;
    if (info.frameType == LZ4F_frame && info.contentSize)
        s->size = info.contentSize;
    return 0;
}

IMAGE_FORMAT(lz4, 11) = {
    .name = "lz4",
    .probe = lz_probe,
    .open = lz_open,
    .read = lz_read,
    .close = lz_close,
};
