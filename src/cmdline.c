/*
 * The line editor (left/right, home/end, delete, backspace, history, Tab
 * completion of command names) and the interactive command line.
 *
 * Redrawing uses only "\b" and plain text, never cursor addressing, so it
 * works the same on a firmware console, a serial terminal and a host pipe.
 */
#include "platform.h"
#include "shell.h"

#define HISTORY_MAX 32
static char *history[HISTORY_MAX];
static int history_n;

static void history_add(const char *line)
{
    if (!*line || (history_n && strcmp8(history[history_n - 1], line) == 0))
        return;
    if (history_n == HISTORY_MAX) {
        free(history[0]);
        memmove(history, history + 1, sizeof(history[0]) * (HISTORY_MAX - 1));
        history_n--;
    }
    history[history_n] = strdup8(line);
    if (history[history_n])
        history_n++;
}

struct editor {
    char *buf;
    size_t size, len, pos; /* bytes */
    size_t shown;          /* characters on screen after the prompt */
    bool hide;
};

static size_t cols_of(const char *s, size_t n)
{
    size_t c = 0, k;
    for (size_t i = 0; i < n; i += k) {
        utf8_decode(s + i, &k);
        c++;
    }
    return c;
}

static void backs(size_t n)
{
    while (n--)
        con_write("\b", 1);
}

static void put_text(struct editor *e, const char *s, size_t n)
{
    if (e->hide) {
        size_t c = cols_of(s, n);
        while (c--)
            con_write("*", 1);
    } else {
        con_write(s, n);
    }
}

/* Redraw from byte offset from to the end, then put the cursor at e->pos. */
static void redraw_from(struct editor *e, size_t from, size_t cursor_was)
{
    size_t total = cols_of(e->buf, e->len);
    size_t at_from = cols_of(e->buf, from);
    if (cursor_was > at_from)
        backs(cursor_was - at_from);
    put_text(e, e->buf + from, e->len - from);
    if (e->shown > total) {
        for (size_t i = total; i < e->shown; i++)
            con_write(" ", 1);
        backs(e->shown - total);
    }
    e->shown = total;
    backs(total - cols_of(e->buf, e->pos));
}

static size_t prev_char(const char *s, size_t pos)
{
    if (pos == 0)
        return 0;
    pos--;
    while (pos > 0 && ((unsigned char)s[pos] & 0xC0) == 0x80)
        pos--;
    return pos;
}

static size_t next_char(const char *s, size_t len, size_t pos)
{
    size_t k;
    if (pos >= len)
        return len;
    utf8_decode(s + pos, &k);
    return pos + k > len ? len : pos + k;
}

static void insert(struct editor *e, const char *s, size_t n)
{
    size_t was = cols_of(e->buf, e->pos), from = e->pos;
    if (e->len + n + 1 > e->size)
        return;
    memmove(e->buf + e->pos + n, e->buf + e->pos, e->len - e->pos + 1);
    memcpy(e->buf + e->pos, s, n);
    e->len += n;
    e->pos += n;
    redraw_from(e, from, was);
}

static void erase(struct editor *e, size_t from, size_t to)
{
    size_t was = cols_of(e->buf, e->pos);
    if (to <= from)
        return;
    memmove(e->buf + from, e->buf + to, e->len - to + 1);
    e->len -= to - from;
    e->pos = from;
    redraw_from(e, from, was);
}

static void replace_all(struct editor *e, const char *s)
{
    size_t was = cols_of(e->buf, e->pos);
    strlcpy8(e->buf, s, e->size);
    e->len = strlen8(e->buf);
    e->pos = e->len;
    redraw_from(e, 0, was);
}

static void move_to(struct editor *e, size_t pos)
{
    size_t a = cols_of(e->buf, e->pos), b = cols_of(e->buf, pos);
    if (b < a)
        backs(a - b);
    else
        put_text(e, e->buf + e->pos, pos - e->pos);
    e->pos = pos;
}

/* Tab: complete the command name under the cursor. */
static void complete_command(struct editor *e, const char *prompt)
{
    const struct command *c, *only = NULL;
    char prefix[64], common[64];
    size_t start = 0, plen, nmatch = 0;
    while (start < e->len && e->buf[start] == ' ')
        start++;
    if (strchr8(e->buf + start, ' ') && (size_t)(strchr8(e->buf + start, ' ') - e->buf) < e->pos)
        return; /* not in the first word */
    plen = e->pos - start;
    if (plen >= sizeof(prefix))
        return;
    memcpy(prefix, e->buf + start, plen);
    prefix[plen] = 0;
    common[0] = 0;
    for_each_table_entry(c, commands) {
        if (!str_starts8(c->name, prefix))
            continue;
        if (nmatch++ == 0) {
            strlcpy8(common, c->name, sizeof(common));
            only = c;
        } else {
            size_t k = 0;
            while (common[k] && common[k] == c->name[k])
                k++;
            common[k] = 0;
        }
    }
    if (nmatch == 1) {
        insert(e, only->name + plen, strlen8(only->name) - plen);
        if (e->pos == e->len)
            insert(e, " ", 1);
    } else if (nmatch > 1 && strlen8(common) > plen) {
        insert(e, common + plen, strlen8(common) - plen);
    } else if (nmatch > 1) {
        /* show the candidates, then the line again */
        con_puts("\n");
        for_each_table_entry(c, commands)
            if (str_starts8(c->name, prefix))
                con_printf("%s ", c->name);
        con_printf("\n%s", prompt);
        e->shown = 0;
        put_text(e, e->buf, e->len);
        e->shown = cols_of(e->buf, e->len);
        backs(e->shown - cols_of(e->buf, e->pos));
    }
}

int cmdline_read(const char *prompt, const char *initial, char *buf, size_t size, bool complete,
                 bool hide)
{
    struct editor e = { buf, size, 0, 0, 0, hide };
    int hpos = history_n;
    char *pending = NULL; /* the line being typed while browsing history */

    buf[0] = 0;
    con_puts(prompt);
    if (initial)
        insert(&e, initial, strnlen8(initial, size - 1));
    for (;;) {
        int k = con_getkey(-1);
        if (k < 0)
            continue;
        switch (k) {
        case KEY_ENTER:
        case '\n':
            con_puts("\n");
            if (complete)
                history_add(buf);
            free(pending);
            return 0;
        case KEY_ESC:
        case KEY_CTRL_C:
            con_puts("\n");
            free(pending);
            return -ECANCELED;
        case KEY_BACKSPACE:
            erase(&e, prev_char(buf, e.pos), e.pos);
            break;
        case KEY_DELETE:
        case 4: /* Ctrl-D */
            erase(&e, e.pos, next_char(buf, e.len, e.pos));
            break;
        case KEY_LEFT:
        case 2: /* Ctrl-B */
            move_to(&e, prev_char(buf, e.pos));
            break;
        case KEY_RIGHT:
        case 6: /* Ctrl-F */
            move_to(&e, next_char(buf, e.len, e.pos));
            break;
        case KEY_HOME:
        case 1: /* Ctrl-A */
            move_to(&e, 0);
            break;
        case KEY_END:
        case 5: /* Ctrl-E */
            move_to(&e, e.len);
            break;
        case 11: /* Ctrl-K */
            erase(&e, e.pos, e.len);
            break;
        case 21: /* Ctrl-U */
            erase(&e, 0, e.pos);
            break;
        case KEY_UP:
        case 16: /* Ctrl-P */
            if (!complete || hpos == 0)
                break;
            if (hpos == history_n) {
                free(pending);
                pending = strdup8(buf);
            }
            replace_all(&e, history[--hpos]);
            break;
        case KEY_DOWN:
        case 14: /* Ctrl-N */
            if (!complete || hpos >= history_n)
                break;
            hpos++;
            replace_all(&e, hpos == history_n ? (pending ? pending : "") : history[hpos]);
            break;
        case KEY_TAB:
            if (complete)
                complete_command(&e, prompt);
            break;
        default:
            if (k >= 0x20 && k < 0x110000 && k != 0x7F) {
                char u[4];
                insert(&e, u, utf8_encode((uint32_t)k, u));
            }
            break;
        }
    }
}

int cmdline_run(bool from_menu)
{
    char line[1024];
    if (!from_menu)
        con_puts("mapboot command line. Type 'help' for the commands.\n");
    else
        con_puts("mapboot command line. Type 'help' for the commands, Esc to go back to the menu.\n");
    for (;;) {
        int rc = cmdline_read("mapboot> ", NULL, line, sizeof(line), true, false);
        if (rc == -ECANCELED) {
            if (from_menu)
                return 0;
            continue;
        }
        /* grub4dos: the prompt runs with errorcheck on */
        shell.errorcheck = true;
        shell.interactive = true;
        shell_run_line(line);
        shell.interactive = false;
        if (shell.flow == FLOW_QUIT || shell.exit_app)
            return 0;
        shell.flow = FLOW_NONE;
    }
}
