/*
 * A text console drawn on GOP (see gfxcon.h).
 *
 * The screen is kept twice: as cells (codepoint and attribute, so the
 * cursor can be drawn and taken away) and as pixels (a shadow of the
 * framebuffer, so that scrolling is a memmove). Each write draws into the
 * shadow and then sends the rows it changed to the firmware in one Blt:
 * firmware calls are the slow part under emulation, one per cell was not.
 */
#include "gfxcon.h"
#include "picture.h"
#include "platform.h"
#include "shell.h"

extern const char gfx_builtin_hex[];
extern const size_t gfx_builtin_hex_len;

struct cell {
    uint32_t cp;     /* 0: the right half of the full-width glyph to its left */
    uint8_t attr;
};

static struct {
    bool active;
    int mode;
    int text_mode;          /* the firmware's mode before the first start, put back by stop */
    uint32_t w, h;          /* pixels */
    int cw, ch;             /* a cell: the font's height, and half of it */
    int cols, rows;
    uint32_t *px;           /* w * h, the shadow of the screen */
    struct cell *cells;     /* cols * rows */
    int col, row;
    uint8_t attr;
    bool cursor;
    int dirty_top, dirty_bottom; /* pixel rows to send, [top, bottom) */
} g = { .mode = -1, .attr = 0x07 };

static struct hexfont *font;     /* the loaded one, or NULL */
static struct picture splash;    /* splashimage's picture (px NULL: none) */
static uint32_t *splash_px;      /* it fitted to the screen (g.w x g.h), when drawing */
static struct hexfont *builtin;  /* parsed on first use */

static int cell_h(void);
static int layout(void);


const struct hexfont *gfxcon_builtin_font(void)
{
    if (!builtin) {
        char *copy = malloc(gfx_builtin_hex_len);
        if (!copy)
            return NULL;
        memcpy(copy, gfx_builtin_hex, gfx_builtin_hex_len);
        if (hexfont_load(copy, gfx_builtin_hex_len, GFX_BUILTIN_H, &builtin) != 0)
            builtin = NULL;
    }
    return builtin;
}

void gfxcon_set_font(struct hexfont *f)
{
    hexfont_free(font);
    font = f;
    /* a font of another height makes other cells: the screen is laid out again */
    if (g.active && (g.ch != cell_h()) && layout() != 0) {
        hexfont_free(font);
        font = NULL;
        layout();
    }
}

const struct hexfont *gfxcon_font(void)
{
    return font;
}

/* The cell height: the loaded font's (font --font-high=N), else the built-in font's 16. */
static int cell_h(void)
{
    return font ? (int)font->height : GFX_BUILTIN_H;
}

/* A glyph of the built-in font (16 high) scaled to h rows, nearest pixel: *w is widened to match. */
static void scale(uint64_t rows[HEXFONT_MAX_HEIGHT], unsigned *w, int h)
{
    uint64_t src[HEXFONT_MAX_HEIGHT];
    unsigned sw = *w, dw = sw * (unsigned)h / GFX_BUILTIN_H;
    if (h == GFX_BUILTIN_H)
        return;
    memcpy(src, rows, sizeof(src));
    for (int y = 0; y < h; y++) {
        uint64_t in = src[y * GFX_BUILTIN_H / h], out = 0;
        for (unsigned x = 0; x < dw; x++)
            if ((in >> (63 - x * sw / dw)) & 1)
                out |= 1ull << (63 - x);
        rows[y] = out;
    }
    *w = dw;
}

/*
 * Glyph cp, h rows high: from the loaded font, else the built-in one
 * (scaled when the cells are not 16 high), else U+FFFD, else a box.
 */
static unsigned glyph(uint32_t cp, uint64_t rows[HEXFONT_MAX_HEIGHT])
{
    const struct hexfont *b = gfxcon_builtin_font();
    int h = cell_h();
    unsigned w;
    if (font && hexfont_glyph(font, cp, rows, &w) == 0)
        return w;
    if (b && hexfont_glyph(b, cp, rows, &w) == 0) {
        scale(rows, &w, h);
        return w;
    }
    if (cp != 0xFFFD && cp >= 0x20)
        return glyph(0xFFFD, rows);
    for (int r = 0; r < h; r++)
        rows[r] = (r == 1 || r == h - 2) ? 0x7Eull << 56 : (r > 1 && r < h - 2) ? 0x42ull << 56 : 0;
    return (unsigned)h / 2;
}

int gfxcon_cp_width(uint32_t cp)
{
    uint64_t rows[HEXFONT_MAX_HEIGHT];
    if (cp < 0x300)
        return 1; /* ASCII and Latin are half width in every unifont */
    return (int)glyph(cp, rows) > cell_h() / 2 ? 2 : 1;
}

static void mark_dirty(int top, int bottom)
{
    if (g.dirty_top > top)
        g.dirty_top = top;
    if (g.dirty_bottom < bottom)
        g.dirty_bottom = bottom;
}

static void flush(void)
{
    if (g.dirty_top < g.dirty_bottom)
        plat_gfx_blt(g.px + (size_t)g.dirty_top * g.w, 0, g.dirty_top, (int)g.w,
                     g.dirty_bottom - g.dirty_top, (int)g.w);
    g.dirty_top = (int)g.h;
    g.dirty_bottom = 0;
}

/*
 * The splash image shows through the background of text in the normal
 * colours, as in grub4dos: the menu's and the prompt's, not a highlight.
 */
static bool see_through(uint8_t attr)
{
    return splash_px && (attr >> 4) == (con_color_normal >> 4);
}

static void refit_splash(void)
{
    free(splash_px);
    splash_px = splash.px && g.active ? picture_fit(&splash, g.w, g.h) : NULL;
}

void gfxcon_set_splash(struct picture *p)
{
    picture_free(&splash);
    if (p)
        splash = *p;
    refit_splash();
    if (g.active)
        gfxcon_clear();
}

bool gfxcon_has_splash(void)
{
    return splash.px != NULL;
}

/* Draw the cell at (col, row) from g.cells into the shadow, with the cursor if it is there. */
static void draw_cell(int col, int row)
{
    struct cell *c = &g.cells[row * g.cols + col];
    uint64_t rows[HEXFONT_MAX_HEIGHT];
    uint32_t fg, bg;
    unsigned w;
    int x0 = col * g.cw, y0 = row * g.ch, cells = 1;
    if (c->cp == 0 && col > 0) {
        /* the right half of a full-width glyph: draw the glyph from its left cell */
        col--;
        c--;
        x0 -= g.cw;
    }
    if (!con_true_color(c->attr, &fg, &bg)) {
        fg = color_rgb(c->attr & 0x0F);
        bg = color_rgb(c->attr >> 4);
    }
    w = glyph(c->cp ? c->cp : ' ', rows);
    /* a full-width glyph with no right half (cut by the screen edge) shows its left half */
    if ((int)w > g.cw && col + 1 < g.cols && g.cells[row * g.cols + col + 1].cp == 0)
        cells = 2;
    for (int y = 0; y < g.ch; y++) {
        size_t at = (size_t)(y0 + y) * g.w + x0;
        uint32_t *p = g.px + at;
        const uint32_t *under = see_through(c->attr) ? splash_px + at : NULL;
        for (int x = 0; x < cells * g.cw; x++)
            p[x] = (rows[y] >> (63 - x)) & 1 ? fg : under ? under[x] : bg;
    }
    if (g.cursor && row == g.row && (col == g.col || (cells == 2 && col + 1 == g.col))) {
        for (int y = g.ch - 2; y < g.ch; y++) {
            uint32_t *p = g.px + (size_t)(y0 + y) * g.w + x0;
            for (int x = 0; x < cells * g.cw; x++)
                p[x] = fg;
        }
    }
    mark_dirty(y0, y0 + g.ch);
}

static void scroll(void)
{
    size_t line = (size_t)g.ch * g.w;
    memmove(g.px, g.px + line, (size_t)(g.rows - 1) * line * sizeof(*g.px));
    memmove(g.cells, g.cells + g.cols, (size_t)(g.rows - 1) * g.cols * sizeof(*g.cells));
    for (int c = 0; c < g.cols; c++) {
        g.cells[(g.rows - 1) * g.cols + c].cp = ' ';
        g.cells[(g.rows - 1) * g.cols + c].attr = g.attr;
        draw_cell(c, g.rows - 1);
    }
    mark_dirty(0, g.rows * g.ch);
}

static void newline(void)
{
    g.col = 0;
    if (++g.row >= g.rows) {
        g.row = g.rows - 1;
        scroll();
    }
    if (g.cursor)
        draw_cell(g.col, g.row);
}

/* Move the cursor mark: redraw the cells it leaves and enters. */
static void cursor_move(int col, int row)
{
    int oc = g.col, orow = g.row;
    g.col = col;
    g.row = row;
    if (g.cursor) {
        if (oc < g.cols && orow < g.rows)
            draw_cell(oc, orow);
        if (col < g.cols && row < g.rows)
            draw_cell(col, row);
    }
}

static void put(uint32_t cp)
{
    int n = gfxcon_cp_width(cp);
    struct cell *c;
    if (g.col + n > g.cols)
        newline();
    c = &g.cells[g.row * g.cols + g.col];
    c[0].cp = cp;
    c[0].attr = g.attr;
    if (n == 2) {
        c[1].cp = 0;
        c[1].attr = g.attr;
    }
    /* a full-width glyph written over the left half of another leaves its right half a blank */
    if (g.col + n < g.cols && c[n].cp == 0)
        c[n].cp = ' ';
    g.col += n;
    /* drawn once the cursor has left it, so no underline stays behind */
    draw_cell(g.col - n, g.row);
    if (g.col >= g.cols)
        newline();
    else if (g.cursor)
        draw_cell(g.col, g.row);
}

void gfxcon_write(const char *s, size_t n)
{
    const char *end = s + n;
    if (!g.active)
        return;
    while (s < end) {
        size_t len;
        uint32_t cp = utf8_decode_n(s, end, &len);
        s += len;
        if (cp == '\n') {
            if (g.cursor && g.col < g.cols) {
                /* take the underline away before the line can scroll up with it */
                g.cursor = false;
                draw_cell(g.col, g.row);
                g.cursor = true;
            }
            newline();
        } else if (cp == '\r') {
            cursor_move(0, g.row);
        } else if (cp == '\b') {
            if (g.col > 0)
                cursor_move(g.col - 1, g.row);
        } else if (cp == '\t') {
            do
                put(' ');
            while (g.col % 8 && g.col < g.cols - 1);
        } else if (cp >= 0x20) {
            put(cp);
        }
    }
    flush();
}

void gfxcon_clear(void)
{
    uint32_t fg, clear_bg;
    if (!g.active)
        return;
    if (!con_true_color(g.attr, &fg, &clear_bg))
        clear_bg = color_rgb(g.attr >> 4);
    for (int i = 0; i < g.cols * g.rows; i++) {
        g.cells[i].cp = ' ';
        g.cells[i].attr = g.attr;
    }
    for (size_t i = 0; i < (size_t)g.w * g.h; i++)
        g.px[i] = see_through(g.attr) ? splash_px[i] : clear_bg;
    g.col = g.row = 0;
    mark_dirty(0, (int)g.h);
    if (g.cursor)
        draw_cell(0, 0);
    flush();
}

void gfxcon_set_attr(uint8_t attr)
{
    g.attr = attr;
}

void gfxcon_goto(int col, int row)
{
    if (!g.active)
        return;
    cursor_move(col < 0 ? 0 : col >= g.cols ? g.cols - 1 : col,
                row < 0 ? 0 : row >= g.rows ? g.rows - 1 : row);
    flush();
}

void gfxcon_size(int *cols, int *rows)
{
    *cols = g.cols;
    *rows = g.rows;
}

void gfxcon_cursor(bool visible)
{
    if (!g.active || g.cursor == visible)
        return;
    g.cursor = visible;
    draw_cell(g.col, g.row);
    flush();
}

bool gfxcon_active(void)
{
    return g.active;
}

int gfxcon_mode(uint32_t *width, uint32_t *height)
{
    if (!g.active)
        return -1;
    *width = g.w;
    *height = g.h;
    return g.mode;
}

/* Cells for the screen and the cell size the font gives; 0, or -ENOMEM (nothing changed). */
static int layout(void)
{
    int ch = cell_h(), cw = ch / 2, cols = (int)g.w / cw, rows = (int)g.h / ch;
    struct cell *cells;
    if (cols < 16 || rows < 4)
        return shell_error(-EINVAL, "graphics: %ux%u holds too few cells of %dx%d", g.w, g.h,
                           cw, ch);
    cells = malloc((size_t)cols * rows * sizeof(*cells));
    if (!cells)
        return shell_error(-ENOMEM, "graphics: out of memory for the cells");
    free(g.cells);
    g.cells = cells;
    g.cw = cw;
    g.ch = ch;
    g.cols = cols;
    g.rows = rows;
    return 0;
}

int gfxcon_start(int mode)
{
    uint32_t w, h;
    uint32_t *px;
    int rc;
    if (!gfxcon_builtin_font())
        return shell_error(-ENOMEM, "graphics: out of memory for the built-in font");
    if (!g.active)
        g.text_mode = plat_gfx_current();
    rc = plat_gfx_set_mode(mode, &w, &h);
    if (rc)
        return shell_error(rc, "graphics: the firmware cannot switch to mode %d", mode);
    if (w < 256 || h < 128 || w > 8192 || h > 8192)
        return shell_error(-EINVAL, "graphics: mode %d (%ux%u) is no screen for a console",
                           mode, w, h);
    px = malloc((size_t)w * h * sizeof(*px));
    if (!px)
        return shell_error(-ENOMEM, "graphics: out of memory for a %ux%u screen", w, h);
    free(g.px);
    g.px = px;
    g.w = w;
    g.h = h;
    rc = layout();
    if (rc) {
        free(g.px);
        g.px = NULL;
        g.active = false;
        return rc;
    }
    g.mode = mode;
    g.active = true;
    g.cursor = false;
    g.dirty_top = (int)h;
    g.dirty_bottom = 0;
    plat_con_serial_only(true);
    refit_splash();
    gfxcon_clear();
    return 0;
}

void gfxcon_stop(void)
{
    if (!g.active)
        return;
    g.active = false;
    free(g.px);
    free(g.cells);
    g.px = NULL;
    g.cells = NULL;
    g.mode = -1;
    free(splash_px);
    splash_px = NULL;
    /* the firmware's text console goes back to the mode it was drawn in */
    if (g.text_mode >= 0 && g.text_mode != plat_gfx_current()) {
        uint32_t w, h;
        plat_gfx_set_mode(g.text_mode, &w, &h);
    }
    plat_con_serial_only(false);
    plat_con_clear();
}
