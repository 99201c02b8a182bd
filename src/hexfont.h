/*
 * Unifont .hex fonts (src/hexfont.c): one glyph a line, "CODE:BITS", CODE
 * 4 to 6 hex digits and BITS the rows, top first, each row's bits left to
 * right: a half-width glyph (8 wide at height 16) or a full-width one (16
 * wide). grub4dos for UEFI's `font` reads these, and its menus embed a few
 * glyph lines at the end of menu.lst.
 *
 * Loading only indexes the text (codepoint -> line), so that Debian's full
 * unifont.hex (57,000 glyphs) is ready at once; a glyph is decoded when it
 * is drawn. Lines that are not glyphs are skipped, as grub4dos does.
 */
#ifndef MB_HEXFONT_H
#define MB_HEXFONT_H

#include "libc.h"

#define HEXFONT_MAX_HEIGHT 64 /* a full-width glyph is as wide: 64 bits a row */

struct hexfont_entry {
    uint32_t cp;
    uint32_t off;   /* of the bits, in text */
    uint16_t len;   /* hex digits of bits */
};

struct hexfont {
    char *text;     /* the file (owned) */
    size_t len;
    struct hexfont_entry *index; /* sorted by cp, one per codepoint */
    size_t n;
    unsigned height; /* rows: 16 for unifont */
};

/*
 * Index text (len bytes; the font takes it and frees it with the font) as a
 * font of glyphs height rows high. -EINVAL (with a message) when no line
 * is a glyph of that height.
 */
int hexfont_load(char *text, size_t len, unsigned height, struct hexfont **out);
void hexfont_free(struct hexfont *f);

/*
 * Glyph cp as rows of bits: *width is its width in pixels (height / 2 or
 * height), rows[i] its row i, bit 63 the leftmost pixel. -ENOENT when the
 * font has none.
 */
int hexfont_glyph(const struct hexfont *f, uint32_t cp, uint64_t rows[HEXFONT_MAX_HEIGHT],
                  unsigned *width);

#endif
