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
#include "../src/platform.h"
#include "../src/shell.h"

static int con_cols(void)
{
    int c, r;
    plat_con_size(&c, &r);
    return c;
}

static int con_rows(void)
{
    int c, r;
    plat_con_size(&c, &r);
    return r;
}

static void no_graphics(const char *cmd)
{
    if (shell.debug >= 2)
        con_printf("%s: the console is text only; graphics come with the graphical menu\n", cmd);
}

/* A grub4dos range: -1 (any), N, A:B or A,B. */
static bool is_range(const char *w)
{
    unsigned long long a;
    const char *sep;
    char buf[32];
    if (strcmp8(w, "-1") == 0)
        return true;
    sep = strchr8(w, ':');
    if (!sep)
        sep = strchr8(w, ',');
    if (!sep)
        return parse_unum(w, &a) == 0;
    if ((size_t)(sep - w) >= sizeof(buf))
        return false;
    memcpy(buf, w, (size_t)(sep - w));
    buf[sep - w] = 0;
    return parse_unum(buf, &a) == 0 && parse_unum(sep + 1, &a) == 0;
}

static int graphicsmode_exec(struct cmd_args *a)
{
    int n = a->argc - a->first;
    char **w = a->argv + a->first;
    unsigned long long mode;
    if (n == 0) {
        /* grub4dos lists the GOP modes and returns the current one: text mode, 3 */
        con_printf("Mode 3: text, %d x %d characters\n", con_cols(), con_rows());
        shell_set_retval(3);
        return 3;
    }
    if (strcmp8(w[0], "-1") == 0) {
        if (n > 4)
            return shell_error(-EINVAL, "graphicsmode: -1 takes at most 3 ranges (X Y DEPTH)");
        for (int i = 1; i < n; i++)
            if (!is_range(w[i]))
                return shell_error(-EINVAL, "graphicsmode: '%s' is not a range (N, A:B, A,B "
                                   "or -1)", w[i]);
        no_graphics("graphicsmode");
        return 0;
    }
    if (n > 1 || parse_unum(w[0], &mode))
        return shell_error(-EINVAL, "graphicsmode: usage: graphicsmode [MODE | -1 [X [Y [DEPTH]]]]");
    if (mode == 3) {
        if (shell.debug >= 1)
            con_printf(" Graphics mode number was already 3\n");
        shell_set_retval(3);
        return 3;
    }
    no_graphics("graphicsmode");
    return 0;
}

COMMAND(graphicsmode, graphicsmode_exec, "graphicsmode [MODE | -1 [X [Y [DEPTH]]]]",
        "Choose a screen mode: 3 is text, 0x1NN a firmware graphics mode, -1 the largest\n"
        "whose width, height and depth are in the ranges given (N, A:B, A,B or -1 for\n"
        "any). Returns the mode. mapboot's console is text only for now, so a graphics\n"
        "mode is false (0) and 3 is true; with no argument it says the text mode.",
        NULL);

/* A file the graphical menu would read: it must be there, so a wrong path shows now. */
static int need_file(const char *cmd, const char *path)
{
    struct fs_file *f;
    int rc = fs_open(path, &f);
    if (rc)
        return shell_fail(rc, cmd, path);
    fs_close(f);
    return 0;
}

enum { O_FONT_HIGH, O_FONT_SIMP };
static const struct opt font_opts[] = {
    [O_FONT_HIGH] = { "--font-high", OPT_VALUE },
    [O_FONT_SIMP] = { "--simp", OPT_OPTVALUE },
    { NULL, 0 },
};

static int font_exec(struct cmd_args *a)
{
    unsigned long long h;
    int rc;
    if (a->opt[O_FONT_HIGH].set &&
        (parse_unum(a->opt[O_FONT_HIGH].value, &h) || h == 0 || h > 64))
        return shell_error(-EINVAL, "font: --font-high=%s: a height in pixels (1 to 64)",
                           a->opt[O_FONT_HIGH].value);
    if (a->first >= a->argc)
        return 0; /* grub4dos: nothing to load, false */
    if (a->argc - a->first > 1)
        return shell_error(-EINVAL, "font: one FILE");
    rc = need_file("font", a->argv[a->first]);
    if (rc)
        return rc;
    no_graphics("font");
    return 0;
}

COMMAND(font, font_exec, "font [--font-high=N] [--simp[=RANGES]] [FILE]",
        "Load a unifont .hex font (lines CODE:HEXBITS) for the graphical menu; grub4dos\n"
        "returns the glyphs loaded. The text console draws with the firmware's font, so\n"
        "here FILE must exist and the value is 0 until the graphical menu comes.\n"
        "Glyph lines at the end of a menu file end the menu, as in grub4dos.",
        font_opts);

enum { O_SPLASH_OFFSET, O_SPLASH_FILL, O_SPLASH_ANIM };
static const struct opt splash_opts[] = {
    [O_SPLASH_OFFSET] = { "--offset", OPT_VALUE },
    [O_SPLASH_FILL] = { "--fill-color", OPT_VALUE },
    [O_SPLASH_ANIM] = { "--animated", OPT_VALUE },
    { NULL, 0 },
};

static int splashimage_exec(struct cmd_args *a)
{
    unsigned long long c;
    int rc;
    if (a->opt[O_SPLASH_FILL].set &&
        (parse_unum(a->opt[O_SPLASH_FILL].value, &c) || c > 0xFFFFFF))
        return shell_error(-EINVAL, "splashimage: --fill-color=%s: a colour 0xRRGGBB",
                           a->opt[O_SPLASH_FILL].value);
    if (a->argc - a->first > 1)
        return shell_error(-EINVAL, "splashimage: one FILE");
    if (a->first < a->argc) {
        rc = need_file("splashimage", a->argv[a->first]);
        if (rc)
            return rc;
    }
    no_graphics("splashimage");
    return 0;
}

COMMAND(splashimage, splashimage_exec,
        "splashimage [--offset=T=X=Y] [--fill-color=0xRRGGBB] [--animated=...] [FILE]",
        "Show FILE (BMP, JPEG, PNG, XPM, gzipped or not) behind the graphical menu.\n"
        "The text console has no background image: FILE must exist, and the value is 0.",
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
    no_graphics(a->argv[0]);
    return 0;
}

COMMAND(foreground, rgb_exec, "foreground RRGGBB",
        "The graphical menu's text colour, six hex digits. The text console uses\n"
        "color instead; the value is 0.",
        NULL);
COMMAND(background, rgb_exec, "background RRGGBB",
        "The graphical menu's background colour, six hex digits. The text console uses\n"
        "color instead; the value is 0.",
        NULL);

static int setmenu_exec(struct cmd_args *a)
{
    static const char *const known[] = {
        "--string", "--draw-box", "--timeout", "--u", "--ver-on", "--ver-off", "--lang",
        "--left-align", "--right-align", "--middle-align", "--triangle-on", "--triangle-off",
        "--highlight-short", "--highlight-full", "--keyhelp-on", "--keyhelp-off", "--keyhelp",
        "--box", "--auto-num-all-on", "--auto-num-on", "--auto-num-off", "--font-spacing",
        "--help", "--graphic-entry", "--hotkey", "--hotkey-color",
    };
    for (int i = 1; i < a->argc; i++) {
        const char *w = a->argv[i];
        const char *eq = strchr8(w, '=');
        size_t n = eq ? (size_t)(eq - w) : strlen8(w);
        bool ok = false;
        if (w[0] != '-')
            continue; /* the values of --box, --graphic-entry... */
        for (size_t k = 0; k < ARRAY_SIZE(known) && !ok; k++)
            ok = strlen8(known[k]) == n && strncmp8(w, known[k], n) == 0;
        if (!ok)
            return shell_error(-EINVAL, "setmenu: unknown option '%.*s'", (int)n, w);
    }
    no_graphics("setmenu");
    return 1;
}

COMMAND(setmenu, setmenu_exec, "setmenu OPTION...",
        "Lay out the graphical menu: --box, --string, --draw-box, --timeout, --keyhelp,\n"
        "--*-align, --triangle-*, --highlight-*, --auto-num-*, --font-spacing, --lang,\n"
        "--ver-on/off, --u (reset) and the rest of grub4dos' options. They are checked\n"
        "and do not change the text menu.",
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
    for (int i = a->first; i < a->argc; i++) {
        if (strcmp8(a->argv[i], "graphics") == 0) {
            no_graphics("terminal");
            return 0;
        }
        if (strcmp8(a->argv[i], "console") != 0)
            return shell_error(-EINVAL, "terminal: '%s' is not a terminal (console or graphics)",
                               a->argv[i]);
    }
    if (a->first == a->argc && shell.debug >= 1)
        con_printf("console\nchars_per_line=%d  max_lines=%d\n", con_cols(), con_rows());
    return 1;
}

COMMAND(terminal, terminal_exec,
        "terminal [--dumb] [--no-echo] [--no-edit] [--timeout=S] [--lines=N] [--silent]\n"
        "         [--font-spacing=N[:M]] [console|graphics]",
        "Choose the terminal, or with no name show it and its size\n"
        "(chars_per_line=N  max_lines=N, which menus read). console is the text console\n"
        "mapboot has; graphics is false until the graphical menu comes.",
        terminal_opts);
