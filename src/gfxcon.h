/*
 * The console drawn on the screen's pixels (src/gfxcon.c): a grid of
 * cells over a GOP mode (8 x 16, or half the loaded font's height x its
 * height), each a glyph of a unifont .hex font (the one `font` loaded, else
 * the built-in ASCII and Latin one, scaled to the cells), so that
 * menus in Chinese are legible where the firmware's text console shows
 * boxes. A full-width glyph (CJK) takes two cells.
 *
 * src/screen.c sends the core's screen output here while it is active,
 * and to the serial consoles as well (plat_con_serial_only).
 */
#ifndef MB_GFXCON_H
#define MB_GFXCON_H

#include "hexfont.h"

#define GFX_BUILTIN_H 16 /* the built-in font's height; cells are a font's height x half of it */

/* Draw on GOP mode (a plat_gfx_modes number) from now on: clears it. */
int gfxcon_start(int mode);
/* Back to the firmware's text console. */
void gfxcon_stop(void);
bool gfxcon_active(void);
/* The GOP mode drawn on, and its size in pixels (when active). */
int gfxcon_mode(uint32_t *width, uint32_t *height);

void gfxcon_write(const char *s, size_t n);
void gfxcon_clear(void);
void gfxcon_set_attr(uint8_t attr);
void gfxcon_goto(int col, int row);
void gfxcon_size(int *cols, int *rows);
void gfxcon_cursor(bool visible);

/*
 * The font drawn with, or NULL for the built-in one alone; the console
 * takes it (and frees the one before). Glyphs it lacks come from the
 * built-in font.
 */
void gfxcon_set_font(struct hexfont *f);
const struct hexfont *gfxcon_font(void);
/* The built-in font (made at build time from Debian's unifont): ASCII, Latin, boxes. */
const struct hexfont *gfxcon_builtin_font(void);

/*
 * splashimage's picture behind the text in the normal colours, fitted to
 * the screen; the console takes it (NULL: none again).
 */
struct picture;
void gfxcon_set_splash(struct picture *p);
bool gfxcon_has_splash(void);

/* Cells a codepoint takes: 2 for a full-width glyph, else 1. */
int gfxcon_cp_width(uint32_t cp);

#endif
