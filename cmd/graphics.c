/*
 * The graphics commands of grub4dos for UEFI: graphicsmode, font,
 * splashimage, foreground, background, setmenu and terminal.
 *
 * mapboot's console is text only until the graphical menu comes
 * ([graphics]). Until then these commands check their arguments as
 * grub4dos does, so a menu's mistakes show, and answer as grub4dos does on
 * a machine without a graphics mode: a request for one is false (menus
 * write `graphicsmode -1 800 || ...` and go on), text mode 3 is true, and
 * the looks of a graphical menu (colours, font, image, layout) are accepted
 * and change nothing on a text screen. debug on says so.
 */
#include "../fs/fs.h"
#include "../disk/image.h"
#include "../src/gfxcon.h"
#include "../src/picture.h"
#include "../src/platform.h"
#include "../src/shell.h"

#define FONT_FILE_MAX (64u << 20) /* unifont.hex is 3.7 MB; a font is never this big */

static int con_cols(void)
{
    int c, r;
    scr_size(&c, &r);
    return c;
}

static int con_rows(void)
{
    int c, r;
    scr_size(&c, &r);
    return r;
}

/* foreground/background: grub4dos' graphic-menu colours; mapboot's come from color */
static void not_drawn(const char *cmd)
{
    if (shell.debug >= 2)
        con_printf("%s: not drawn: the menu takes its colours from color (24-bit values too)\n",
                   cmd);
}

/* A grub4dos range: -1 (any), N, A:B or A,B. Returns false when w is none of them. */
static bool parse_range(const char *w, unsigned long long *lo, unsigned long long *hi)
{
    const char *sep;
    char buf[32];
    if (strcmp8(w, "-1") == 0) {
        *lo = 0;
        *hi = ~0ull;
        return true;
    }
    sep = strchr8(w, ':');
    if (!sep)
        sep = strchr8(w, ',');
    if (!sep)
        return parse_unum(w, lo) == 0 && (*hi = *lo, true);
    if ((size_t)(sep - w) >= sizeof(buf))
        return false;
    memcpy(buf, w, (size_t)(sep - w));
    buf[sep - w] = 0;
    return parse_unum(buf, lo) == 0 && parse_unum(sep + 1, hi) == 0 && *lo <= *hi;
}

/* grub4dos numbers a firmware graphics mode 0x100 + N; text is mode 3. */
#define GFX_MODE_BASE 0x100

static int current_mode(void)
{
    uint32_t w, h;
    int m = gfxcon_mode(&w, &h);
    return m < 0 ? 3 : GFX_MODE_BASE + m;
}

static int switch_to(int mode)
{
    int rc = gfxcon_start(mode);
    if (rc)
        return rc;
    shell_set_retval(GFX_MODE_BASE + mode);
    return GFX_MODE_BASE + mode;
}

static int graphicsmode_exec(struct cmd_args *a)
{
    struct plat_gfx_mode modes[64];
    int n = a->argc - a->first, nmodes = plat_gfx_modes(modes, 64);
    char **w = a->argv + a->first;
    unsigned long long mode, lo[3] = { 0, 0, 0 }, hi[3] = { ~0ull, ~0ull, ~0ull };
    if (n == 0) {
        /* the modes, and the current one as the value */
        for (int i = 0; i < nmodes && shell.debug >= 1; i++)
            con_printf("Mode 0x%X: %u x %u, 32 bits a pixel%s\n", GFX_MODE_BASE + modes[i].number,
                       modes[i].width, modes[i].height,
                       current_mode() == GFX_MODE_BASE + modes[i].number ? " (current)" : "");
        if (nmodes == 0 && shell.debug >= 1)
            con_printf("No graphics modes: the firmware has no graphics output\n");
        shell_set_retval(current_mode());
        return current_mode();
    }
    if (strcmp8(w[0], "-1") == 0) {
        int best = -1;
        unsigned long long area = 0;
        if (n > 4)
            return shell_error(-EINVAL, "graphicsmode: -1 takes at most 3 ranges (X Y DEPTH)");
        for (int i = 1; i < n; i++)
            if (!parse_range(w[i], &lo[i - 1], &hi[i - 1]))
                return shell_error(-EINVAL, "graphicsmode: '%s' is not a range (N, A:B, A,B "
                                   "or -1)", w[i]);
        /* the largest mode in the ranges; GOP pixels are 32 bits deep */
        for (int i = 0; i < nmodes; i++) {
            unsigned long long x = modes[i].width, y = modes[i].height;
            if (x < lo[0] || x > hi[0] || y < lo[1] || y > hi[1] || 32 < lo[2] || 32 > hi[2])
                continue;
            if (x * y > area) {
                area = x * y;
                best = modes[i].number;
            }
        }
        if (best < 0) {
            if (shell.debug >= 2)
                con_printf("graphicsmode: no graphics mode in those ranges\n");
            return 0;
        }
        return switch_to(best);
    }
    if (n > 1 || parse_unum(w[0], &mode))
        return shell_error(-EINVAL, "graphicsmode: usage: graphicsmode [MODE | -1 [X [Y [DEPTH]]]]");
    if (mode == 3) {
        if (shell.debug >= 1 && !gfxcon_active())
            con_printf(" Graphics mode number was already 3\n");
        gfxcon_stop();
        shell_set_retval(3);
        return 3;
    }
    for (int i = 0; i < nmodes; i++)
        if (mode == (unsigned long long)(GFX_MODE_BASE + modes[i].number))
            return switch_to(modes[i].number);
    return shell_error(-EINVAL, "graphicsmode: no mode 0x%llX (graphicsmode lists them)", mode);
}

COMMAND(graphicsmode, graphicsmode_exec, "graphicsmode [MODE | -1 [X [Y [DEPTH]]]]",
        "Switch the screen to a firmware graphics mode and draw the console there, with\n"
        "the font `font` loaded (Chinese titles need one; ASCII and Latin are built in):\n"
        "-1 takes the largest mode whose width, height and depth lie in the ranges given\n"
        "(N, A:B, A,B, or -1 for any), 0x1NN is the firmware's mode NN, 3 is the text\n"
        "console again. With no argument, list the modes. Returns the mode (3 for text),\n"
        "false when none is in the ranges.",
        NULL);

enum { O_FONT_HIGH, O_FONT_SIMP };
static const struct opt font_opts[] = {
    [O_FONT_HIGH] = { "--font-high", OPT_VALUE },
    [O_FONT_SIMP] = { "--simp", OPT_OPTVALUE },
    { NULL, 0 },
};

static int font_exec(struct cmd_args *a)
{
    unsigned long long h = GFX_BUILTIN_H;
    struct hexfont *f;
    char *text;
    size_t len;
    int rc;
    if (a->opt[O_FONT_HIGH].set &&
        (parse_unum(a->opt[O_FONT_HIGH].value, &h) || h < 2 || h > HEXFONT_MAX_HEIGHT || h % 2))
        return shell_error(-EINVAL, "font: --font-high=%s: an even height from 2 to %d",
                           a->opt[O_FONT_HIGH].value, HEXFONT_MAX_HEIGHT);
    if (a->first >= a->argc)
        return 0; /* grub4dos: nothing to load is false */
    if (a->argc - a->first > 1)
        return shell_error(-EINVAL, "font: one FILE");
    rc = img_read_all(a->argv[a->first], &text, &len, FONT_FILE_MAX);
    if (rc)
        return shell_fail(rc, "font", a->argv[a->first]);
    rc = hexfont_load(text, len, (unsigned)h, &f);
    if (rc)
        return shell_fail(rc, "font", a->argv[a->first]);
    rc = (int)(f->n > INT32_MAX ? INT32_MAX : f->n);
    gfxcon_set_font(f);
    if (gfxcon_active())
        gfxcon_clear(); /* what is on the screen was drawn with the old glyphs */
    shell_set_retval(rc);
    return rc;
}

COMMAND(font, font_exec, "font [--font-high=N] [--simp[=RANGES]] [FILE]",
        "Load a unifont .hex font (lines CODE:HEXBITS; .hex.gz and .hex.lz4 too) for the\n"
        "graphics console (graphicsmode): glyphs it has replace the built-in ASCII and\n"
        "Latin ones, full-width ones (CJK) take two cells. Loading indexes the file, so\n"
        "Debian's whole unifont.hex is quick. Returns the glyphs loaded. Glyph lines at\n"
        "the end of a menu file end the menu, as in grub4dos.",
        font_opts);

enum { O_SPLASH_OFFSET, O_SPLASH_FILL, O_SPLASH_ANIM };
static const struct opt splash_opts[] = {
    [O_SPLASH_OFFSET] = { "--offset", OPT_VALUE },
    [O_SPLASH_FILL] = { "--fill-color", OPT_VALUE },
    [O_SPLASH_ANIM] = { "--animated", OPT_VALUE },
    { NULL, 0 },
};

#define SPLASH_FILE_MAX (64u << 20)

static int splashimage_exec(struct cmd_args *a)
{
    unsigned long long c;
    struct picture p;
    char *buf;
    size_t len;
    int rc;
    if (a->opt[O_SPLASH_FILL].set &&
        (parse_unum(a->opt[O_SPLASH_FILL].value, &c) || c > 0xFFFFFF))
        return shell_error(-EINVAL, "splashimage: --fill-color=%s: a colour 0xRRGGBB",
                           a->opt[O_SPLASH_FILL].value);
    if (a->argc - a->first > 1)
        return shell_error(-EINVAL, "splashimage: one FILE");
    if (a->first >= a->argc) {
        gfxcon_set_splash(NULL); /* grub4dos: no file takes the picture away */
        return 1;
    }
    rc = img_read_all(a->argv[a->first], &buf, &len, SPLASH_FILE_MAX);
    if (rc)
        return shell_fail(rc, "splashimage", a->argv[a->first]);
    rc = picture_decode(buf, len, a->argv[a->first], &p);
    free(buf);
    if (rc)
        return shell_fail(rc, "splashimage", a->argv[a->first]);
    gfxcon_set_splash(&p);
    if (!gfxcon_active()) {
        /* grub4dos: a splash image switches to the graphics console */
        int m = plat_gfx_current();
        if (m < 0 || gfxcon_start(m) != 0)
            return 0;
    }
    return 1;
}

COMMAND(splashimage, splashimage_exec,
        "splashimage [--offset=T=X=Y] [--fill-color=0xRRGGBB] [--animated=...] [FILE]",
        "Show picture FILE (BMP, PNG or JPEG, gzipped or not; at most 4096 x 4096)\n"
        "behind the text in the normal colours, fitted to the screen, and switch to the\n"
        "graphics console (false when the firmware has no graphics). No FILE takes it\n"
        "away. --offset, --fill-color and --animated are checked and not yet drawn.",
        splash_opts);

/* foreground RRGGBB / background RRGGBB: the graphical menu's text colours. */
static int rgb_exec(struct cmd_args *a)
{
    const char *w = a->first < a->argc ? a->argv[a->first] : NULL;
    size_t n = w ? strlen8(w) : 0;
    if (!w || a->argc - a->first > 1)
        return shell_error(-EINVAL, "%s: usage: %s RRGGBB", a->argv[0], a->argv[0]);
    for (size_t i = 0; i < n; i++)
        if (!is_xdigit((unsigned char)w[i]))
            n = 0;
    if (n != 6)
        return shell_error(-EINVAL, "%s: '%s' is not a colour RRGGBB (six hex digits)",
                           a->argv[0], w);
    not_drawn(a->argv[0]);
    return 0;
}

COMMAND(foreground, rgb_exec, "foreground RRGGBB",
        "grub4dos' graphic-menu text colour, six hex digits: checked; mapboot's menu\n"
        "takes its colours from color (24-bit values too). The value is 0.",
        NULL);
COMMAND(background, rgb_exec, "background RRGGBB",
        "grub4dos' graphic-menu background colour, six hex digits: checked; mapboot's\n"
        "menu takes its colours from color (24-bit values too). The value is 0.",
        NULL);

enum { O_T_DUMB, O_T_NOECHO, O_T_NOEDIT, O_T_TIMEOUT, O_T_LINES, O_T_SILENT, O_T_SPACING };
static const struct opt terminal_opts[] = {
    [O_T_DUMB] = { "--dumb", OPT_FLAG },
    [O_T_NOECHO] = { "--no-echo", OPT_FLAG },
    [O_T_NOEDIT] = { "--no-edit", OPT_FLAG },
    [O_T_TIMEOUT] = { "--timeout", OPT_VALUE },
    [O_T_LINES] = { "--lines", OPT_VALUE },
    [O_T_SILENT] = { "--silent", OPT_FLAG },
    [O_T_SPACING] = { "--font-spacing", OPT_VALUE },
    { NULL, 0 },
};

static int terminal_exec(struct cmd_args *a)
{
    unsigned long long v;
    for (int k = O_T_TIMEOUT; k <= O_T_LINES; k++)
        if (a->opt[k].set && parse_unum(a->opt[k].value, &v))
            return shell_error(-EINVAL, "terminal: %s=%s is not a number",
                               terminal_opts[k].name, a->opt[k].value);
    if (a->opt[O_T_LINES].set && parse_unum(a->opt[O_T_LINES].value, &v) == 0 && v < 4)
        return shell_error(-EINVAL, "terminal: --lines must be 4 or more");
    for (int i = a->first; i < a->argc; i++)
        if (strcmp8(a->argv[i], "console") != 0 && strcmp8(a->argv[i], "graphics") != 0)
            return shell_error(-EINVAL, "terminal: '%s' is not a terminal (console or graphics)",
                               a->argv[i]);
    if (a->first < a->argc) {
        /* the last one named is the one used */
        if (strcmp8(a->argv[a->argc - 1], "graphics") == 0) {
            int m = plat_gfx_current();
            if (m < 0)
                return 0; /* no graphics output: false, as grub4dos */
            if (!gfxcon_active() && gfxcon_start(m) != 0)
                return -EIO;
        } else {
            gfxcon_stop();
        }
    }
    if (a->first == a->argc && shell.debug >= 1)
        con_printf("%s\nchars_per_line=%d  max_lines=%d\n",
                   gfxcon_active() ? "graphics" : "console", con_cols(), con_rows());
    return 1;
}

COMMAND(terminal, terminal_exec,
        "terminal [--dumb] [--no-echo] [--no-edit] [--timeout=S] [--lines=N] [--silent]\n"
        "         [--font-spacing=N[:M]] [console|graphics]",
        "Choose the terminal, or with no name show it and its size\n"
        "(chars_per_line=N  max_lines=N, which menus read). console is the firmware's\n"
        "text console; graphics draws the console in the firmware's current graphics\n"
        "mode (false when there is none). The serial line gets the text either way.",
        terminal_opts);
