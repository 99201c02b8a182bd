/*
 * The menu screen: entries in a box, the highlighted one's help text, a
 * countdown that any key stops, and the keys grub4dos users know: arrows,
 * PgUp/PgDn, Home/End, digits, Enter or b to boot, e to edit, c for the
 * command line, p for the password. The editor (e) lists the entry's lines:
 * e/Enter edits one, o/O opens a line, d deletes, b boots, Esc cancels.
 */
#include "menu.h"

#include "../src/platform.h"

/*
 * Write s at (col, row), cut at width characters and padded with blanks to
 * it (width 0: as it is). One firmware call for the text and few for the
 * blanks: each call is costly on a serial console.
 */
static void draw_text_at(int col, int row, uint8_t attr, const char *s, int width)
{
    static const char blanks[] = "                                ";
    size_t bytes = 0, k;
    int n = 0;
    while (s[bytes] && (width <= 0 || n < width)) {
        int w = scr_cp_width(utf8_decode(s + bytes, &k));
        if (width > 0 && n + w > width)
            break; /* a full-width character that would cross the edge */
        bytes += k;
        n += w;
    }
    scr_goto(col, row);
    scr_set_attr(attr);
    scr_write(s, bytes);
    while (n < width) {
        int c = MIN(width - n, (int)sizeof(blanks) - 1);
        scr_write(blanks, (size_t)c);
        n += c;
    }
}

/*
 * Rows are padded only as wide as their longest text, not to the screen's
 * width: every byte goes out through the firmware's (often serial) console,
 * and a full-width redraw was most of the time to the first menu.
 */
struct layout {
    int cols, rows;
    int top, height; /* the entry rows */
    int left;        /* the entry rows' first column (the blank before a title) */
    int first;       /* first visible entry (scrolling) */
    int box;         /* width of an entry row (the highlight bar) */
    int helpw;       /* width of a help row */
    bool fresh;      /* the screen was just cleared: blanks need not be written */
};

static int visible_count(struct menu *m)
{
    int n = 0;
    for (int i = 0; i < m->n; i++)
        n += m->entries[i].visible;
    return n;
}

/* Index of the idx-th visible entry, or -1. */
static int nth_visible(struct menu *m, int idx)
{
    for (int i = 0; i < m->n; i++)
        if (m->entries[i].visible && idx-- == 0)
            return i;
    return -1;
}

static int visible_index(struct menu *m, int entry)
{
    int n = 0;
    for (int i = 0; i < entry && i < m->n; i++)
        n += m->entries[i].visible;
    return n;
}

static void draw_entries(struct menu *m, struct layout *l, int sel)
{
    int nvis = visible_count(m);
    if (sel < l->first)
        l->first = sel;
    if (sel >= l->first + l->height)
        l->first = sel - l->height + 1;
    for (int r = 0; r < l->height; r++) {
        int v = l->first + r, e = v < nvis ? nth_visible(m, v) : -1;
        char line[300];
        if (e >= 0 && menu_style.auto_num)
            snprintf(line, sizeof(line), " %2d %s", e, m->entries[e].title);
        else
            snprintf(line, sizeof(line), " %s", e >= 0 ? m->entries[e].title : "");
        if (l->fresh && e < 0)
            continue;
        draw_text_at(l->left, l->top + r, v == sel ? con_color_highlight : con_color_normal, line,
                     v == sel || !l->fresh ? l->box : 0);
    }
}

static void draw_help(struct menu *m, struct layout *l, int sel)
{
    int e = nth_visible(m, sel);
    const char *help = e >= 0 ? m->entries[e].help : NULL;
    int row = l->top + l->height + 1, col = 2, width = l->helpw;
    if (menu_style.help_set) {
        /* setmenu --help=X=W=Y, as grub4dos for UEFI places it */
        if (menu_style.help_y)
            row = menu_style.help_y + 1;
        if (menu_style.help_x == 0) {
            col = MAX(l->left - 1, 0);
            width = l->box + 2;
        } else {
            col = menu_style.help_x;
            width = menu_style.help_w ? menu_style.help_w : l->cols - 2 * col;
        }
        width = MAX(MIN(width, l->cols - col), 1);
    }
    for (int i = 0; i < 4; i++) {
        char line[300];
        const char *nl;
        size_t n;
        if (help) {
            nl = strchr8(help, '\n');
            n = nl ? (size_t)(nl - help) : strlen8(help);
            snprintf(line, sizeof(line), "%.*s", (int)MIN(n, sizeof(line) - 1), help);
            help = nl ? nl + 1 : NULL;
        } else if (i == 0 && !(e >= 0 && m->entries[e].help)) {
            /* setmenu --lang=zh: grub4dos for UEFI's own Chinese key help */
            snprintf(line, sizeof(line), "%s",
                     menu_style.lang_zh
                         ? "按↑和↓选择菜单。按回车或b启动。"
                         : "Use the Up and Down keys to select an entry, Enter to boot it,");
        } else if (i == 1 && !(e >= 0 && m->entries[e].help)) {
            snprintf(line, sizeof(line), "%s",
                     m->password && !m->unlocked
                         ? (menu_style.lang_zh ? "按p获得特权控制。"
                                               : "'p' to unlock editing with the password.")
                         : (menu_style.lang_zh ? "按e可在启动前编辑菜单命令,按c进入命令行。"
                                               : "'e' to edit its commands, or 'c' for a command line."));
        } else {
            line[0] = 0;
        }
        if (l->fresh && !line[0])
            continue;
        draw_text_at(col, row + i, con_color_helptext, line,
                      menu_style.help_set ? width : l->fresh ? 0 : l->helpw);
    }
}

/* date&time=FORMAT: yyyy yy MM dd HH hh AP mm ss (empty: yyyy-MM-dd HH:mm:ss) */
void menu_format_clock(const char *fmt, char *out, size_t size)
{
    struct plat_tm tm;
    size_t n = 0;
    if (!*fmt)
        fmt = "yyyy-MM-dd HH:mm:ss";
    if (plat_datetime(&tm) != 0)
        memset(&tm, 0, sizeof(tm));
    while (*fmt && n + 8 < size) {
        static const struct {
            const char *tok;
            int kind;
        } toks[] = { { "yyyy", 0 }, { "yy", 1 }, { "MM", 2 }, { "dd", 3 }, { "HH", 4 },
                     { "hh", 5 }, { "AP", 6 }, { "mm", 7 }, { "ss", 8 } };
        size_t k;
        for (k = 0; k < ARRAY_SIZE(toks); k++)
            if (str_starts8(fmt, toks[k].tok))
                break;
        if (k == ARRAY_SIZE(toks)) {
            out[n++] = *fmt++;
            continue;
        }
        fmt += strlen8(toks[k].tok);
        switch (toks[k].kind) {
        case 0: n += (size_t)snprintf(out + n, size - n, "%04d", tm.year); break;
        case 1: n += (size_t)snprintf(out + n, size - n, "%02d", tm.year % 100); break;
        case 2: n += (size_t)snprintf(out + n, size - n, "%02d", tm.month); break;
        case 3: n += (size_t)snprintf(out + n, size - n, "%02d", tm.day); break;
        case 4: n += (size_t)snprintf(out + n, size - n, "%02d", tm.hour); break;
        case 5: n += (size_t)snprintf(out + n, size - n, "%02d", (tm.hour + 11) % 12 + 1); break;
        case 6: n += (size_t)snprintf(out + n, size - n, "%s", tm.hour < 12 ? "AM" : "PM"); break;
        case 7: n += (size_t)snprintf(out + n, size - n, "%02d", tm.min); break;
        default: n += (size_t)snprintf(out + n, size - n, "%02d", tm.sec); break;
        }
    }
    out[n < size ? n : size - 1] = 0;
}

/* Column x of --string and --timeout: -1 centred on the screen, -2 in the box. */
static int place_x(const struct layout *l, int x, int width)
{
    if (x == -1)
        return MAX((l->cols - width) / 2, 0);
    if (x == -2)
        return MAX(l->left + (l->box - width) / 2, 0);
    return x;
}

static int place_y(const struct layout *l, int y)
{
    return y >= 0 ? y : MAX(l->rows + y, 0);
}

/* setmenu --string: each slot's text (clocks only, with clocks_only) */
static void draw_strings(const struct layout *l, bool clocks_only)
{
    for (int i = 0; i < 16; i++) {
        const struct menu_string *st = &menu_style.strings[i];
        char text[200];
        bool clock = str_starts8(st->text, "date&time");
        uint8_t attr;
        if (!st->set || (clocks_only && !clock))
            continue;
        if (clock)
            menu_format_clock(st->text[9] == '=' ? st->text + 10 : "", text, sizeof(text));
        else
            strlcpy8(text, st->text, sizeof(text));
        attr = con_custom_color(st->color);
        draw_text_at(place_x(l, st->x, (int)scr_text_width(text, strlen8(text))),
                     place_y(l, st->y), attr, text, 0);
        con_custom_color_end();
    }
    con_set_normal();
}

static void draw_countdown(struct layout *l, int secs)
{
    char line[120];
    if (menu_style.timeout_set) {
        /* setmenu --timeout: the number alone, where and in the colour it says */
        uint8_t attr;
        snprintf(line, sizeof(line), secs >= 0 ? "%2d" : "  ", secs);
        attr = con_custom_color(menu_style.timeout_color);
        draw_text_at(place_x(l, menu_style.timeout_x, 2), place_y(l, menu_style.timeout_y), attr,
                     line, 0);
        con_custom_color_end();
        draw_strings(l, true);
        return;
    }
    draw_strings(l, true);
    if (secs >= 0)
        snprintf(line, sizeof(line),
                 "The highlighted entry will be booted automatically in %d seconds.", secs);
    else
        line[0] = 0;
    draw_text_at(2, l->rows - 2, con_color_normal, line, MIN(l->cols - 4, 70));
}

/* The widest line of text (in characters), at most max. */
static int text_width(const char *s, int widest, int max)
{
    while (s && *s) {
        const char *nl = strchr8(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen8(s);
        char line[300];
        snprintf(line, sizeof(line), "%.*s", (int)MIN(n, sizeof(line) - 1), s);
        widest = MAX(widest, (int)scr_text_width(line, strlen8(line)));
        s = nl ? nl + 1 : NULL;
    }
    return MIN(widest, max);
}

/* One row of the border: left, fill, right, at (col, row), width cells in all. */
static void border_row(int col, int row, const char *left, const char *fill, const char *right,
                       int width)
{
    char line[1024];
    size_t n = 0;
    n += (size_t)snprintf(line + n, sizeof(line) - n, "%s", left);
    for (int i = 2; i < width && n + 4 < sizeof(line); i++)
        n += (size_t)snprintf(line + n, sizeof(line) - n, "%s", fill);
    snprintf(line + n, sizeof(line) - n, "%s", right);
    draw_text_at(col, row, con_color_normal, line, 0);
}

/*
 * setmenu --box: the entries at column x, row y, w wide (0: centred on the
 * screen) and h high (0: down to where the help goes), in a single-line
 * border one cell around them (l=0: none), as grub4dos for UEFI lays it out.
 */
static void box_layout(struct layout *l)
{
    int x = MAX(menu_style.box_x, 2), y = MAX(menu_style.box_y, 2);
    int w = menu_style.box_w ? menu_style.box_w : l->cols - 2 * x;
    int h = menu_style.box_h ? menu_style.box_h : l->rows - y - 6;
    w = MAX(MIN(w, l->cols - x - 1), 4);
    h = MAX(MIN(h, l->rows - y - 6), 1);
    l->left = x - 1;
    l->top = y;
    l->box = w + 1;
    l->height = h;
    if (!menu_style.box_l)
        return;
    border_row(x - 2, y - 1, "┌", "─", "┐", w + 3);
    for (int r = 0; r < h; r++) {
        draw_text_at(x - 2, y + r, con_color_normal, "│", 0);
        draw_text_at(x + w + 0, y + r, con_color_normal, "│", 0);
    }
    border_row(x - 2, y + h, "└", "─", "┘", w + 3);
}

static void draw_menu(struct menu *m, struct layout *l, int sel, int secs)
{
    scr_cursor(false);
    con_set_normal();
    scr_clear();
    scr_size(&l->cols, &l->rows);
    if (l->cols < 20)
        l->cols = 80;
    if (l->rows < 10)
        l->rows = 25;
    /* the default help text is 63 characters wide */
    l->box = 30;
    l->helpw = 63;
    for (int i = 0; i < m->n; i++) {
        l->box = text_width(m->entries[i].title, l->box - 2, l->cols - 6) + 2;
        l->helpw = text_width(m->entries[i].help, l->helpw, l->cols - 4);
    }
    if (menu_style.auto_num)
        l->box += 3;
    draw_text_at(0, 0, con_color_heading, "  mapboot", l->box + 4);
    l->top = 2;
    l->left = 2;
    l->height = l->rows - 10;
    if (l->height > visible_count(m))
        l->height = visible_count(m) > 0 ? visible_count(m) : 1;
    if (menu_style.box)
        box_layout(l);
    l->fresh = true;
    draw_entries(m, l, sel);
    draw_help(m, l, sel);
    draw_strings(l, false);
    if (secs >= 0)
        draw_countdown(l, secs);
    l->fresh = false;
    if (!shell_menu_us) {
        /* once: the first call calibrates the clock, which takes a few timer ticks */
        uint64_t us = plat_uptime_us();
        shell_menu_us = us ? us : 1;
    }
}

static void wait_key(const char *msg)
{
    con_set_normal();
    con_puts(msg);
    con_getkey(-1);
}

/* Screen bytes after an entry's "Booting" header (set by menu_boot_entry). */
uint64_t entry_output_mark;

/*
 * After an entry came back without booting: the menu is about to be drawn
 * over the screen, so let the person read a failure, or what the entry
 * printed since the last key (grub4dos returns silently and wipes it).
 */
static void entry_returned(int rc)
{
    if (shell.flow == FLOW_QUIT || shell.exit_app)
        return;
    shell.flow = FLOW_NONE;
    if (rc < 0)
        wait_key("\nPress any key to continue...");
    else if (con_screen_bytes > MAX(con_bytes_at_key, entry_output_mark))
        wait_key("\nThe entry finished without booting. Press any key to go back...");
}

/* The entry editor. Returns 1 to boot the edited lines, 0 to go back. */
static int edit_entry(struct menu *m, int entry)
{
    struct menu_entry *e = &m->entries[entry];
    char **lines = calloc(e->to - e->from + 64, sizeof(char *));
    size_t n = 0, cap = e->to - e->from + 64;
    int sel = 0, result = 0;
    if (!lines)
        return 0;
    for (size_t i = e->from; i < e->to; i++) {
        const char *t = menu_entry_script(m, e)->lines[i];
        while (is_space((unsigned char)*t))
            t++;
        if (*t && !(lines[n++] = strdup8(t))) {
            for (size_t k = 0; k < n; k++)
                free(lines[k]);
            free(lines);
            return 0; /* out of memory: no half-copied entry to boot */
        }
    }
    for (;;) {
        int k;
        con_set_normal();
        scr_clear();
        con_printf("  Editing '%s'. b: boot, e: edit line, o/O: new line, d: delete, Esc: back\n\n",
                   e->title);
        for (size_t i = 0; i < n; i++) {
            scr_set_attr((int)i == sel ? con_color_highlight : con_color_normal);
            con_printf(" %s", lines[i] ? lines[i] : "");
            con_set_normal();
            con_puts("\n");
        }
        k = con_getkey(-1);
        if (k == KEY_ESC) {
            break;
        } else if (k == KEY_UP && sel > 0) {
            sel--;
        } else if (k == KEY_DOWN && sel + 1 < (int)n) {
            sel++;
        } else if (k == 'b' || k == 24 /* Ctrl-X */) {
            char *text = NULL;
            size_t len = 0;
            struct script *s = NULL;
            for (size_t i = 0; i < n; i++)
                len += strlen8(lines[i]) + 1;
            text = malloc(len + 1);
            if (!text)
                break;
            text[0] = 0;
            for (size_t i = 0, o = 0; i < n; i++)
                o += (size_t)snprintf(text + o, len + 1 - o, "%s\n", lines[i]);
            if (script_parse("(edited entry)", text, strlen8(text), 1, &s) == 0) {
                int rc = menu_boot_entry(m, s, 0, s->nlines, e->title);
                /* the menu is redrawn next (seen in the QEMU case menu_locked_edit) */
                entry_returned(rc);
                result = 1;
            } else {
                con_printf("Error: (edited entry):%d: %s\n", shell.parse_line, shell.errmsg);
                wait_key("Press any key to continue...");
            }
            script_put(s);
            free(text);
            break;
        } else if ((k == 'e' || k == KEY_ENTER) && n > 0) {
            /* room for the whole line and more: a fixed buffer would cut long lines */
            size_t size = strlen8(lines[sel]) + 1024;
            char *buf = malloc(size), *copy;
            con_puts("\n");
            if (buf && cmdline_read("edit> ", lines[sel], buf, size, false, false) == 0 &&
                (copy = strdup8(buf))) {
                free(lines[sel]);
                lines[sel] = copy;
            }
            free(buf);
        } else if ((k == 'o' || k == 'O') && n + 1 < cap) {
            size_t at = n == 0 ? 0 : (size_t)sel + (k == 'o');
            char *buf = malloc(4096), *copy;
            con_puts("\n");
            if (buf && cmdline_read("new> ", NULL, buf, 4096, false, false) == 0 &&
                (copy = strdup8(buf))) {
                memmove(&lines[at + 1], &lines[at], (n - at) * sizeof(char *));
                lines[at] = copy;
                n++;
                sel = (int)at;
            }
            free(buf);
        } else if (k == 'd' && n > 0) {
            free(lines[sel]);
            memmove(&lines[sel], &lines[sel + 1], (n - (size_t)sel - 1) * sizeof(char *));
            n--;
            if (sel >= (int)n && sel > 0)
                sel--;
        }
    }
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
    return result;
}

bool menu_ask_password(const char *stored, bool md5)
{
    char buf[64];
    con_set_normal();
    if (cmdline_read("Password: ", NULL, buf, sizeof(buf), false, true) != 0)
        return false;
    return menu_password_ok(stored, md5, buf);
}

/* Run entry i; on failure try the fallbacks. Returns when the menu should show again. */
static void run_entry(struct menu *m, int i)
{
    int tried = 0;
    while (i >= 0 && i < m->n && tried++ <= MENU_FALLBACK_MAX) {
        struct menu_entry *e = &m->entries[i];
        int rc;
        m->current = i;
        rc = menu_boot_entry(m, menu_entry_script(m, e), e->from, e->to, e->title);
        if (shell.flow == FLOW_ENTRY) {
            /* goto N: that entry runs next, as if chosen (bounded like the fallbacks) */
            shell.flow = FLOW_NONE;
            i = shell.goto_entry;
            continue;
        }
        if (rc < 0 && !shell.exit_app && shell.flow != FLOW_QUIT && tried - 1 < m->nfallback &&
            m->fallback[tried - 1] != i) {
            shell.flow = FLOW_NONE;
            i = m->fallback[tried - 1];
            con_printf("Falling back to entry %d...\n", i);
            continue;
        }
        entry_returned(rc);
        return;
    }
}

int menu_run(struct menu *m)
{
    struct layout l = { 0 };
    int sel, secs = m->timeout, digits = 0;
    menu_cur = m;
    if (visible_count(m) == 0) {
        con_printf("%s: no menu entries\n", m->path);
        return cmdline_run(false);
    }
    sel = visible_index(m, m->default_entry);
    if (!m->entries[m->default_entry].visible)
        sel = 0;
    if (m->hidden && secs >= 0) {
        /* hiddenmenu: boot the default unless a key is pressed in time */
        bool shown = false;
        for (; secs > 0 && !shown; secs--) {
            if (!m->hidden_silent)
                con_printf("\rPress any key to enter the menu... %d ", secs);
            shown = con_getkey(1000) >= 0;
        }
        if (!shown) {
            run_entry(m, nth_visible(m, sel));
            if (shell.flow == FLOW_QUIT || shell.exit_app)
                return 0;
        }
        secs = -1;
    }
    draw_menu(m, &l, sel, secs);
    for (;;) {
        int k = con_getkey(secs >= 0 ? 1000 : -1);
        int nvis = visible_count(m), entry;
        if (k == -ETIMEDOUT) {
            if (secs > 0) {
                draw_countdown(&l, --secs);
                continue;
            }
            if (secs == 0) {
                /*
                 * The countdown is spent: left at 0, an entry that comes back
                 * (no loader, or failed) would boot again a second later,
                 * for ever (seen in the QEMU case countdown_return).
                 */
                secs = -1;
                k = KEY_ENTER;
            } else {
                continue;
            }
        } else if (secs >= 0) {
            secs = -1; /* any key stops the countdown */
            draw_countdown(&l, -1);
        }
        if (k >= '0' && k <= '9') {
            digits = digits * 10 + (k - '0');
            if (digits >= nvis)
                digits = k - '0';
            if (digits < nvis)
                sel = digits;
            draw_entries(m, &l, sel);
            draw_help(m, &l, sel);
            continue;
        }
        digits = 0;
        switch (k) {
        case KEY_UP:
            sel = sel > 0 ? sel - 1 : nvis - 1;
            break;
        case KEY_DOWN:
            sel = sel + 1 < nvis ? sel + 1 : 0;
            break;
        case KEY_PGUP:
            sel = sel > l.height ? sel - l.height : 0;
            break;
        case KEY_PGDN:
            sel = sel + l.height < nvis ? sel + l.height : nvis - 1;
            break;
        case KEY_HOME:
            sel = 0;
            break;
        case KEY_END:
            sel = nvis - 1;
            break;
        case KEY_ENTER:
        case 'b':
            entry = nth_visible(m, sel);
            run_entry(m, entry);
            if (shell.flow == FLOW_QUIT || shell.exit_app)
                return 0;
            draw_menu(m, &l, sel, -1);
            continue;
        case 'e':
        case 'c':
            if (m->password && !m->unlocked) {
                draw_countdown(&l, -1);
                scr_goto(2, l.rows - 2);
                con_set_normal();
                con_puts("Press 'p' and enter the password first.");
                continue;
            }
            scr_cursor(true);
            if (k == 'e') {
                edit_entry(m, nth_visible(m, sel));
            } else {
                con_set_normal();
                scr_clear();
                cmdline_run(true);
            }
            if (shell.flow == FLOW_QUIT || shell.exit_app)
                return 0;
            draw_menu(m, &l, sel, -1);
            continue;
        case 'p':
            if (!m->password)
                continue;
            scr_cursor(true);
            scr_goto(2, l.rows - 2);
            if (menu_ask_password(m->password, m->password_md5)) {
                m->unlocked = true;
                if (m->password_file) {
                    shell.configfile = strdup8(m->password_file);
                    shell.flow = FLOW_QUIT;
                    return 0;
                }
            }
            draw_menu(m, &l, sel, -1);
            continue;
        default:
            continue;
        }
        draw_entries(m, &l, sel);
        draw_help(m, &l, sel);
    }
}
