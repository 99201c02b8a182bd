/*
 * Image formats: what lies between an image file and the drive map makes of
 * it. A format (gzip, lz4, VHD, VHDX) is probed by magic on a source and,
 * when it claims it, becomes a source of its own: the decoded image. Sources
 * stack, so a .vhd.gz is file -> gzip -> vhd. Formats register in a table
 * (the IMAGE_FORMAT macro), as filesystems do.
 *
 * Two kinds of source:
 *   random access  read() at any offset: the file, VHD, VHDX; these can be
 *                  mapped in place (map without --mem);
 *   sequential     read() only at s->pos, forwards: gzip, lz4. They decode
 *                  on the way into RAM (map --mem) and nowhere else.
 *
 * Errors follow the core's convention: a negative errno with a message set
 * (shell_error) naming the file and what is wrong with it.
 */
#ifndef MB_IMAGE_H
#define MB_IMAGE_H

#include "../fs/fs.h"
#include "../src/table.h"

#define IMG_SIZE_UNKNOWN UINT64_MAX
#define IMG_DEPTH_MAX 4 /* gzip inside VHD inside ... is refused past this */

struct img_src;

struct img_format {
    const char *name;   /* "gzip", "lz4", "vhd", "vhdx" */
    /*
     * Does lower hold this format? Looks only at lower's first bytes
     * (img_peek) or, on a random-access lower, reads where it likes. 1: it
     * does; 0: no; < 0: it surely is this format but broken (an error with
     * a message).
     */
    int (*probe)(struct img_src *lower);
    /* Fill s (s->lower, file, path, in_size are set): size, sequential, priv. */
    int (*open)(struct img_src *s);
    /*
     * Read decoded bytes [off, off+len); *got < len only at the end. A
     * sequential format is only asked for off == s->pos and advances it.
     */
    int (*read)(struct img_src *s, uint64_t off, void *buf, size_t len, size_t *got);
    void (*close)(struct img_src *s);
    /*
     * For a block-table format (VHD, VHDX) over a sequential lower (a
     * .vhd.gz): its blocks lie in the file in any order, so it cannot be
     * read in image order without a second copy. Instead, open() sets
     * s->scatter_only and map --mem calls this once: put every block into
     * dst[0, s->size) (zeroed by the caller) reading lower only forwards,
     * calling tick(ctx) after each block; a non-zero tick (Ctrl-C) stops it
     * and is returned. NULL for formats that do not support it.
     */
    int (*scatter)(struct img_src *s, uint8_t *dst, int (*tick)(void *ctx), void *ctx);
};

/* bytes of every source kept for the probes above it (a 4Kn GPT header ends at 4104) */
#define IMG_HEAD 8192

struct img_src {
    const struct img_format *fmt; /* NULL: the file itself */
    struct img_src *lower;        /* what this decodes; NULL for the file */
    struct fs_file *file;         /* the file at the bottom (every level has it) */
    const uint8_t *mem;           /* or, at the bottom, bytes in memory (img_open_mem) */
    const char *path;             /* the file's name, for messages */
    uint64_t size;                /* decoded bytes, or IMG_SIZE_UNKNOWN */
    uint64_t in_size;             /* bytes of the file at the bottom */
    uint64_t pos;                 /* sequential: the next offset fmt->read takes */
    uint64_t in_pos;              /* sequential: bytes of lower consumed so far */
    bool sequential;
    bool scatter_only;            /* read() is not possible: map --mem uses fmt->scatter */
    void *priv;
    uint8_t head[IMG_HEAD];       /* the first bytes, read once at open */
    size_t head_len;
};

/* An image format; order (two digits) decides the probe order. */
#define IMAGE_FORMAT(id, order) const struct img_format img_##id TABLE_ENTRY(img_formats, order)

/*
 * Open path's file f as an image: the file itself, then every format found
 * on top of it, to IMG_DEPTH_MAX. *out is the top source; f belongs to it
 * from now on (img_close closes it, also on failure). chain gets the formats
 * found, bottom first ("gzip+vhd"), or "raw".
 */
int img_open(struct fs_file *f, const char *path, struct img_src **out, char *chain,
             size_t chain_size);
/* The same over size bytes at buf (kept alive by the caller): fuzzers and tests. */
int img_open_mem(const void *buf, uint64_t size, const char *name, struct img_src **out,
                 char *chain, size_t chain_size);
/* Open path (fs_open) and then img_open; errors name path. */
int img_open_path(const char *path, struct img_src **out, char *chain, size_t chain_size);
void img_close(struct img_src *s);
/*
 * The whole of path as its image formats decode it (a .gz or .lz4 file's
 * contents; any other file as it is) in a malloc'd buffer, at most max
 * bytes (-E2BIG past that): fonts and splash images.
 */
int img_read_all(const char *path, char **out, size_t *len, size_t max);
/*
 * Bytes of the file at the bottom that the lowest sequential decoder has
 * consumed (for progress), or 0 when no level is sequential.
 */
uint64_t img_file_pos(const struct img_src *s);
/* Read exactly len bytes at off; a short read is -EBADIMG naming s's file and what. */
int img_read_full(struct img_src *s, uint64_t off, void *buf, size_t len, const char *what);
/* Read from any source (checks the sequential rule). */
int img_read(struct img_src *s, uint64_t off, void *buf, size_t len, size_t *got);
/* The first bytes of s (up to IMG_HEAD), without consuming anything; returns how many. */
size_t img_peek(struct img_src *s, const uint8_t **head);

#endif
