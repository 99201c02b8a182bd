/*
 * color NORMAL [HIGHLIGHT [HELPTEXT [HEADING]]] | color STATE=VALUE...
 * Values are fg/bg names, 8-bit attributes, or grub4dos 64-bit RGB values.
 */
#include "../src/platform.h"
#include "../src/shell.h"

static uint8_t *state(const char *name, size_t n)
{
    static const struct {
        const char *name;
        uint8_t *attr;
    } states[] = {
        { "normal", &con_color_normal },     { "highlight", &con_color_highlight },
        { "helptext", &con_color_helptext }, { "heading", &con_color_heading },
        { "standard", &con_color_normal },   { "border", &con_color_heading },
    };
    for (size_t i = 0; i < ARRAY_SIZE(states); i++)
        if (strlen8(states[i].name) == n && strncasecmp8(states[i].name, name, n) == 0)
            return states[i].attr;
    return NULL;
}

static int role_of(const uint8_t *attr)
{
    return attr == &con_color_normal      ? CON_NORMAL
           : attr == &con_color_highlight ? CON_HIGHLIGHT
           : attr == &con_color_helptext  ? CON_HELPTEXT
                                          : CON_HEADING;
}

static int color_exec(struct cmd_args *a)
{
    uint8_t *positional[] = { &con_color_normal, &con_color_highlight, &con_color_helptext,
                              &con_color_heading };
    int i = a->first, pos = 0;
    if (i >= a->argc) {
        con_printf("normal=0x%02X highlight=0x%02X helptext=0x%02X heading=0x%02X\n",
                   con_color_normal, con_color_highlight, con_color_helptext, con_color_heading);
        return 1;
    }
    for (; i < a->argc; i++) {
        const char *w = a->argv[i], *eq = strchr8(w, '=');
        uint8_t *target, attr;
        unsigned long long rgb;
        if (eq) {
            target = state(w, (size_t)(eq - w));
            if (!target)
                return shell_error(-EINVAL, "color: unknown state '%.*s'", (int)(eq - w), w);
            w = eq + 1;
        } else {
            if (pos >= 4)
                return shell_error(-EINVAL, "color: too many values");
            target = positional[pos++];
            if (strcmp8(w, "n") == 0)
                continue; /* placeholder: leave unchanged */
        }
        if (color_parse(w, con_color_normal, &attr))
            return shell_error(-EINVAL, "color: bad colour '%s'", w);
        *target = attr;
        /* a 24-bit value is drawn as it is on the graphics console */
        if (parse_unum(w, &rgb) != 0)
            rgb = 0;
        con_true_color_set(role_of(target), rgb);
        if (target == &con_color_normal && pos <= 1) {
            /* the others follow NORMAL until set */
            con_color_helptext = con_color_heading = attr;
            con_color_highlight = (uint8_t)(((attr & 0x0F) << 4) | ((attr >> 4) & 0x07));
            con_true_color_set(CON_HELPTEXT, rgb);
            con_true_color_set(CON_HEADING, rgb);
            con_true_color_set(CON_HIGHLIGHT, 0);
        }
    }
    if (con_is_screen())
        con_set_normal();
    return 1;
}

COMMAND(color, color_exec, "color NORMAL [HIGHLIGHT [HELPTEXT [HEADING]]] | color STATE=VALUE...",
        "Set the menu and console colours. A value is FG/BG by name (black blue green cyan\n"
        "red magenta brown light-gray dark-gray light-blue light-green light-cyan light-red\n"
        "light-magenta yellow white), an attribute byte such as 0x1F, or a 64-bit\n"
        "0xBBBBBBBBFFFFFFFF background:foreground RGB value: the nearest console colour\n"
        "on a text console, the colour itself on the graphics console (graphicsmode).\n"
        "STATE is normal, highlight, helptext, heading, standard or border; 'n' keeps one.",
        NULL);
