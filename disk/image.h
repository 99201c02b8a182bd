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
};

#define IMG_HEAD 4096 /* bytes of every source kept for the probes above it */

struct img_src {
    const struct img_format *fmt; /* NULL: the file itself */
    struct img_src *lower;        /* what this decodes; NULL for the file */
    struct fs_file *file;         /* the file at the bottom (every level has it) */
    const char *path;             /* the file's name, for messages */
    uint64_t size;                /* decoded bytes, or IMG_SIZE_UNKNOWN */
    uint64_t in_size;             /* bytes of the file at the bottom */
    uint64_t pos;                 /* sequential: the next offset fmt->read takes */
    bool sequential;
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
void img_close(struct img_src *s);
/* Read from any source (checks the sequential rule). */
int img_read(struct img_src *s, uint64_t off, void *buf, size_t len, size_t *got);
/* The first bytes of s (up to IMG_HEAD), without consuming anything; returns how many. */
size_t img_peek(struct img_src *s, const uint8_t **head);

#endif
