/*
 * setmenu OPTION...: grub4dos for UEFI's menu layout. Drawn: --box x= y= w=
 * h= l= (where the entries go, in cells, with a border), --lang=zh|en (the
 * key help), --auto-num-all-on/--auto-num-on/--auto-num-off (" 0 " before
 * each title) and --u (all back to the defaults). The others are checked
 * and not drawn yet: --string, --timeout, --help, --keyhelp, alignment,
 * triangle, highlight width, version, font spacing, graphic entries.
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

static int setmenu_exec(struct cmd_args *a)
{
    static const char *const checked[] = {
        "--string", "--draw-box", "--timeout", "--ver-on", "--ver-off", "--left-align",
        "--right-align", "--middle-align", "--triangle-on", "--triangle-off",
        "--highlight-short", "--highlight-full", "--keyhelp-on", "--keyhelp-off", "--keyhelp",
        "--font-spacing", "--help", "--graphic-entry", "--hotkey", "--hotkey-color",
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
        "--auto-num-off stops; --u puts everything back. --string, --timeout, --help,\n"
        "--keyhelp and the other grub4dos options are checked, not drawn yet.",
        NULL);
