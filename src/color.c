/*
 * Colour values in the grub4dos forms (see console.h). Firmware text
 * consoles have 16 colours, so RGB values are mapped to the nearest one.
 */
#include "console.h"
#include "err.h"

static const struct {
    const char *name;
    uint32_t rgb;
} palette[16] = {
    { "black", 0x000000 },       { "blue", 0x0000AA },        { "green", 0x00AA00 },
    { "cyan", 0x00AAAA },        { "red", 0xAA0000 },         { "magenta", 0xAA00AA },
    { "brown", 0xAA5500 },       { "light-gray", 0xAAAAAA },  { "dark-gray", 0x555555 },
    { "light-blue", 0x5555FF },  { "light-green", 0x55FF55 }, { "light-cyan", 0x55FFFF },
    { "light-red", 0xFF5555 },   { "light-magenta", 0xFF55FF }, { "yellow", 0xFFFF55 },
    { "white", 0xFFFFFF },
};

static int nearest(uint32_t rgb, int limit)
{
    int best = 0;
    long bestd = -1;
    for (int i = 0; i < limit; i++) {
        long dr = (long)((rgb >> 16) & 0xFF) - (long)((palette[i].rgb >> 16) & 0xFF);
        long dg = (long)((rgb >> 8) & 0xFF) - (long)((palette[i].rgb >> 8) & 0xFF);
        long db = (long)(rgb & 0xFF) - (long)(palette[i].rgb & 0xFF);
        long d = dr * dr + dg * dg + db * db;
        if (bestd < 0 || d < bestd) {
            bestd = d;
            best = i;
        }
    }
    return best;
}

uint8_t color_to_attr(unsigned long long v, uint8_t base)
{
    uint32_t fg = (uint32_t)(v & 0xFFFFFFFF), bg = (uint32_t)(v >> 32);
    if (v < 0x100)
        return (uint8_t)v;
    /* backgrounds are limited to the 8 dark colours on firmware consoles */
    return (uint8_t)(nearest(fg & 0xFFFFFF, 16) | ((bg ? nearest(bg & 0xFFFFFF, 8) : (base >> 4)) << 4));
}

static int color_name(const char *s, size_t n)
{
    for (int i = 0; i < 16; i++)
        if (strlen8(palette[i].name) == n && strncasecmp8(palette[i].name, s, n) == 0)
            return i;
    return -1;
}

int color_parse(const char *s, uint8_t base, uint8_t *attr)
{
    unsigned long long v;
    const char *slash = strchr8(s, '/');
    if (parse_unum(s, &v) == 0) {
        *attr = color_to_attr(v, base);
        return 0;
    }
    if (slash) {
        int fg = color_name(s, (size_t)(slash - s)), bg = color_name(slash + 1, strlen8(slash + 1));
        if (fg >= 0 && bg >= 0) {
            *attr = (uint8_t)(fg | ((bg & 7) << 4));
            return 0;
        }
    } else {
        int fg = color_name(s, strlen8(s));
        if (fg >= 0) {
            *attr = (uint8_t)(fg | (base & 0xF0));
            return 0;
        }
    }
    return -EINVAL;
}

uint32_t color_rgb(int index)
{
    return palette[index & 15].rgb;
}

/*
 * grub4dos' 24-bit colours, kept for the graphics console: each role's RGB
 * and the attribute it was mapped to. A cell drawn with that attribute
 * while the role still has it gets the RGB.
 */
static struct {
    bool set, has_bg;
    uint32_t fg, bg;
    uint8_t attr;
} true_colors[CON_ROLES];

static uint8_t *role_attr(int role)
{
    uint8_t *attrs[CON_ROLES] = { &con_color_normal, &con_color_highlight, &con_color_helptext,
                                  &con_color_heading };
    return attrs[role];
}

void con_true_color_set(int role, unsigned long long v)
{
    if (role < 0 || role >= CON_ROLES)
        return;
    true_colors[role].set = v >= 0x100;
    true_colors[role].fg = (uint32_t)v & 0xFFFFFF;
    true_colors[role].bg = (uint32_t)(v >> 32) & 0xFFFFFF;
    true_colors[role].has_bg = (v >> 32) != 0;
    true_colors[role].attr = *role_attr(role);
}

static struct {
    bool set;
    uint8_t attr;
    uint32_t fg, bg;
} custom;

uint8_t con_custom_color(unsigned long long v)
{
    uint8_t attr = color_to_attr(v, con_color_normal);
    custom.set = v >= 0x100;
    custom.attr = attr;
    custom.fg = (uint32_t)v & 0xFFFFFF;
    custom.bg = (v >> 32) ? (uint32_t)(v >> 32) & 0xFFFFFF : palette[attr >> 4].rgb;
    return attr;
}

void con_custom_color_end(void)
{
    custom.set = false;
}

bool con_true_color(uint8_t attr, uint32_t *fg, uint32_t *bg)
{
    if (custom.set && custom.attr == attr) {
        *fg = custom.fg;
        *bg = custom.bg;
        return true;
    }
    for (int r = 0; r < CON_ROLES; r++) {
        if (!true_colors[r].set || true_colors[r].attr != attr || *role_attr(r) != attr)
            continue;
        *fg = true_colors[r].fg;
        *bg = true_colors[r].has_bg ? true_colors[r].bg : palette[attr >> 4].rgb;
        return true;
    }
    return false;
}
