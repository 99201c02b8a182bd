/*
 * Where the core's screen output goes: the firmware's text console, or,
 * while mapboot draws on GOP (src/gfxcon.c), the drawing and the serial
 * consoles both. The menu, the line editor and the console's writer call
 * these rather than plat_con_* so that neither knows which it is.
 *
 * The drawing comes first, then the serial text: whoever reads the serial
 * line (a test taking a screenshot) knows the screen shows that much.
 */
#include "gfxcon.h"
#include "platform.h"
#include "screen.h"

void scr_write(const char *s, size_t n)
{
    gfxcon_write(s, n);
    plat_con_write(s, n);
}

void scr_clear(void)
{
    gfxcon_clear();
    plat_con_clear();
}

void scr_set_attr(uint8_t attr)
{
    gfxcon_set_attr(attr);
    plat_con_set_attr(attr);
}

void scr_goto(int col, int row)
{
    gfxcon_goto(col, row);
    plat_con_goto(col, row);
}

void scr_size(int *cols, int *rows)
{
    if (gfxcon_active())
        gfxcon_size(cols, rows);
    else
        plat_con_size(cols, rows);
}

void scr_cursor(bool visible)
{
    gfxcon_cursor(visible);
    plat_con_cursor(visible);
}

int scr_cp_width(uint32_t cp)
{
    /* the firmware's text console shows every character in one cell (or as '?') */
    return gfxcon_active() ? gfxcon_cp_width(cp) : 1;
}

size_t scr_text_width(const char *s, size_t n)
{
    size_t c = 0, k;
    for (size_t i = 0; i < n && s[i]; i += k)
        c += (size_t)scr_cp_width(utf8_decode(s + i, &k));
    return c;
}
