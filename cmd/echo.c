/*
 * echo [-n] [-e] [TEXT]: print TEXT as typed (spacing and quotes kept, as in
 * grub4dos). $[0xNN] sets the colour (an attribute byte, or a 64-bit
 * background:foreground RGB value) and $[] restores it; -e also takes the
 * backslash escapes of grub4dos (\n \t \xHH \XHHHH \NNN ...).
 */
#include "../menu/menu.h"
#include "../src/platform.h"
#include "../src/shell.h"

/* Print text, acting on $[...] colour escapes when printing to the screen. */
static void print_colored(const char *s)
{
    bool changed = false;
    while (*s) {
        const char *d = strstr8(s, "$[");
        const char *close = d ? strchr8(d, ']') : NULL;
        if (!d || !close) {
            con_puts(s);
            break;
        }
        con_write(s, (size_t)(d - s));
        if (close == d + 2) {
            con_set_normal();
        } else {
            unsigned long long v;
            char num[24];
            size_t n = (size_t)(close - d - 2);
            if (n < sizeof(num)) {
                memcpy(num, d + 2, n);
                num[n] = 0;
            }
            if (n >= sizeof(num) || parse_unum(num, &v) != 0) {
                con_write(d, (size_t)(close - d) + 1); /* not a colour: print it */
                s = close + 1;
                continue;
            }
            if (con_is_screen())
                scr_set_attr(color_to_attr(v, con_color_normal));
        }
        changed = true;
        s = close + 1;
    }
    if (changed && con_is_screen())
        con_set_normal();
}

static int echo_exec(struct cmd_args *a)
{
    bool newline = true, escapes = false;
    int i = 1;
    /* grub4dos matches the options as prefixes of the first words */
    for (; i < a->argc; i++) {
        const char *w = a->argv[i];
        if (str_starts8(w, "-n"))
            newline = false;
        else if (str_starts8(w, "-e"))
            escapes = true;
        else
            break;
    }
    if (i < a->argc) {
        if (escapes) {
            char *t = menu_unescape(a->rawv[i]);
            if (!t)
                return -ENOMEM;
            print_colored(t);
            free(t);
        } else {
            print_colored(a->rawv[i]);
        }
    }
    if (newline)
        con_puts("\n");
    return 1;
}

COMMAND(echo, echo_exec, "echo [-n] [-e] [TEXT]",
        "Print TEXT as typed. -n: no new line at the end. -e: act on backslash escapes\n"
        "(\\n \\t \\r \\a \\b \\f \\v, \\xHH byte, \\XHHHH UTF-16 code point, \\NNN octal).\n"
        "$[0xNN] switches colour (VGA attribute, or 0xBBBBBBBBFFFFFFFF background:foreground RGB),\n"
        "$[] restores the normal colour.",
        NULL);
