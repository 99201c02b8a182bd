/*
 * setmenu OPTION...: grub4dos for UEFI's menu layout. Drawn: --box x= y= w=
 * h= l= (where the entries go, in cells, with a border), --lang=zh|en (the
 * key help), --auto-num-all-on/--auto-num-on/--auto-num-off (" 0 " before
 * each title), --string=[iN=]X=Y=COLOR=TEXT (text, or the clock with
 * date&time=FORMAT, at a cell), --timeout=X=Y=COLOR (where the countdown's
 * number goes), --help=X=W=Y (where the help goes) and --u (all back to the
 * defaults). The others are checked and not drawn yet: --keyhelp,
 * alignment, triangle, highlight width, version, font spacing, graphic
 * entries.
 */
#include "../src/shell.h"
#include "menu_need.h"

struct menu_style menu_style;

/* --box's words: x=N y=N w=N h=N l=N, each at most once. */
static int box_word(const char *w)
{
    unsigned long long v;
    int *field = NULL;
    if (w[0] && w[1] == '=') {
        switch (w[0]) {
        case 'x': field = &menu_style.box_x; break;
        case 'y': field = &menu_style.box_y; break;
        case 'w': field = &menu_style.box_w; break;
        case 'h': field = &menu_style.box_h; break;
        case 'l': field = &menu_style.box_l; break;
        }
    }
    if (!field)
        return shell_error(-EINVAL, "setmenu: --box takes x=, y=, w=, h= and l=, not '%s'", w);
    if (parse_unum(w + 2, &v) || v > 999)
        return shell_error(-EINVAL, "setmenu: --box %s: a number of cells", w);
    *field = (int)v;
    return 0;
}

/* The next '='-separated field of *p (advanced past it) into buf. */
static bool field(const char **p, char *buf, size_t size)
{
    const char *eq = strchr8(*p, '=');
    size_t n = eq ? (size_t)(eq - *p) : strlen8(*p);
    if (!eq || n >= size)
        return false;
    memcpy(buf, *p, n);
    buf[n] = 0;
    *p = eq + 1;
    return true;
}

/* X of --string and --timeout: cells, or empty/'s' centred on the screen, 'm' in the box. */
static bool parse_x(const char *w, int *x)
{
    unsigned long long v;
    if (!*w || strcmp8(w, "s") == 0)
        *x = -1;
    else if (strcmp8(w, "m") == 0)
        *x = -2;
    else if (parse_unum(w, &v) == 0 && v < 1000)
        *x = (int)v;
    else
        return false;
    return true;
}

/* Y: cells from the top, or -N from the bottom (-0 the last line). */
static bool parse_y(const char *w, int *y)
{
    unsigned long long v;
    bool up = *w == '-';
    if (parse_unum(w + up, &v) != 0 || v >= 1000)
        return false;
    *y = up ? -1 - (int)v : (int)v;
    return true;
}

/* --string=[iN=]X=Y=COLOR=TEXT, --string=iN (clear one), --string= (clear all) */
static int string_opt(const char *v)
{
    char buf[32];
    const char *p = v;
    unsigned long long slot = 16, color;
    struct menu_string st = { .set = true };
    if (!*v) {
        memset(menu_style.strings, 0, sizeof(menu_style.strings));
        return 0;
    }
    if (v[0] == 'i') {
        const char *eq = strchr8(v, '=');
        snprintf(buf, sizeof(buf), "%.*s", eq ? (int)(eq - v - 1) : (int)strlen8(v + 1), v + 1);
        if (parse_unum(buf, &slot) || slot >= 16)
            return shell_error(-EINVAL, "setmenu: --string=%s: slots are i0 to i15", v);
        if (!eq) {
            memset(&menu_style.strings[slot], 0, sizeof(menu_style.strings[slot]));
            return 0;
        }
        p = eq + 1;
    }
    if (!field(&p, buf, sizeof(buf)) || !parse_x(buf, &st.x) || !field(&p, buf, sizeof(buf)) ||
        !parse_y(buf, &st.y) || !field(&p, buf, sizeof(buf)) || parse_unum(buf, &color))
        return shell_error(-EINVAL, "setmenu: --string=%s: expected [iN=]X=Y=COLOR=TEXT", v);
    if (strlen8(p) >= sizeof(st.text))
        return shell_error(-EINVAL, "setmenu: --string text is over %zu bytes", sizeof(st.text) - 1);
    st.color = color;
    strlcpy8(st.text, p, sizeof(st.text));
    if (slot == 16) {
        for (slot = 0; slot < 16 && menu_style.strings[slot].set; slot++)
            ;
        if (slot == 16)
            return shell_error(-ENOSPC, "setmenu: 16 strings are set; --string=iN replaces one");
    }
    menu_style.strings[slot] = st;
    return 0;
}

/* --timeout=X=Y=COLOR */
static int timeout_opt(const char *v)
{
    char buf[32];
    const char *p = v;
    unsigned long long color;
    int x, y;
    if (!field(&p, buf, sizeof(buf)) || !parse_x(buf, &x) || !field(&p, buf, sizeof(buf)) ||
        !parse_y(buf, &y) || parse_unum(p, &color))
        return shell_error(-EINVAL, "setmenu: --timeout=%s: expected X=Y=COLOR", v);
    menu_style.timeout_set = true;
    menu_style.timeout_x = x;
    menu_style.timeout_y = y;
    menu_style.timeout_color = color;
    return 0;
}

/* --help=X=W=Y */
static int help_opt(const char *v)
{
    char buf[32];
    const char *p = v;
    unsigned long long x, w, y;
    if (!field(&p, buf, sizeof(buf)) || parse_unum(buf, &x) || !field(&p, buf, sizeof(buf)) ||
        parse_unum(buf, &w) || parse_unum(p, &y) || x > 999 || w > 999 || y > 999)
        return shell_error(-EINVAL, "setmenu: --help=%s: expected X=W=Y (cells)", v);
    menu_style.help_set = true;
    menu_style.help_x = (int)x;
    menu_style.help_w = (int)w;
    menu_style.help_y = (int)y;
    return 0;
}

static int setmenu_exec(struct cmd_args *a)
{
    static const char *const checked[] = {
        "--draw-box", "--ver-on", "--ver-off", "--left-align",
        "--right-align", "--middle-align", "--triangle-on", "--triangle-off",
        "--highlight-short", "--highlight-full", "--keyhelp-on", "--keyhelp-off", "--keyhelp",
        "--font-spacing", "--graphic-entry", "--hotkey", "--hotkey-color",
    };
    bool in_box = false;
    for (int i = 1; i < a->argc; i++) {
        const char *w = a->argv[i];
        const char *eq = strchr8(w, '=');
        size_t n = eq ? (size_t)(eq - w) : strlen8(w);
        bool ok = false;
        if (w[0] != '-') {
            int rc;
            if (!in_box)
                continue; /* the values of --string, --graphic-entry... */
            rc = box_word(w);
            if (rc)
                return rc;
            continue;
        }
        in_box = false;
        if (strcmp8(w, "--box") == 0) {
            menu_style.box = in_box = true;
            ok = true;
        } else if (strcmp8(w, "--lang=zh") == 0 || strcmp8(w, "--lang=en") == 0) {
            menu_style.lang_zh = w[7] == 'z';
            ok = true;
        } else if (strcmp8(w, "--auto-num-on") == 0 || strcmp8(w, "--auto-num-all-on") == 0) {
            menu_style.auto_num = ok = true;
        } else if (strcmp8(w, "--auto-num-off") == 0) {
            menu_style.auto_num = false;
            ok = true;
        } else if (str_starts8(w, "--help=")) {
            int rc = help_opt(w + 7);
            if (rc)
                return rc;
            ok = true;
        } else if (str_starts8(w, "--string=") || str_starts8(w, "--timeout=")) {
            int rc = w[2] == 's' ? string_opt(w + 9) : timeout_opt(w + 10);
            if (rc)
                return rc;
            ok = true;
        } else if (strcmp8(w, "--u") == 0) {
            memset(&menu_style, 0, sizeof(menu_style));
            return 1; /* grub4dos ignores what follows */
        }
        for (size_t k = 0; k < ARRAY_SIZE(checked) && !ok; k++)
            ok = strlen8(checked[k]) == n && strncmp8(w, checked[k], n) == 0;
        if (!ok)
            return shell_error(-EINVAL, "setmenu: unknown option '%.*s'", (int)n, w);
    }
    return 1;
}

COMMAND(setmenu, setmenu_exec, "setmenu OPTION...",
        "Lay out the menu as grub4dos for UEFI does. --box x=X y=Y w=W h=H l=L puts the\n"
        "entries at column X, row Y (cells), W wide (0: centred) and H high (0: down to\n"
        "the help), with a border unless l=0; --lang=zh or en is the key help's\n"
        "language; --auto-num-all-on (or --auto-num-on) numbers the titles from 0,\n"
        "--auto-num-off stops; --string=[iN=]X=Y=COLOR=TEXT shows TEXT at column X (s:\n"
        "centred, m: in the box), row Y (-N from the bottom) in 0xRRGGBB, the clock for\n"
        "date&time=yyyy-MM-dd HH:mm:ss (16 slots; --string=iN clears one, --string= all);\n"
        "--timeout=X=Y=COLOR puts the countdown's number there; --help=X=W=Y puts the\n"
        "help under row Y, from column X (0: under the box), W wide (0: to the same\n"
        "margin on the right); --u puts everything back. --keyhelp and the other\n"
        "grub4dos options are checked, not drawn.",
        NULL);
