/*
 * The line editor (left/right, home/end, delete, backspace, history, Tab
 * completion of command names, devices and paths) and the interactive
 * command line.
 *
 * Redrawing uses only "\b" and plain text, never cursor addressing, so it
 * works the same on a firmware console, a serial terminal and a host pipe.
 */
#include "../disk/drive.h"
#include "../fs/fs.h"
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
    return scr_text_width(s, n);
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

/* ---- Tab completion: command names, device names and paths ---- */
#define CAND_MAX 512

struct cands {
    char *name[CAND_MAX];
    int n;
    size_t plen; /* bytes of the word already typed that each name repeats */
};

static void cand_add(struct cands *c, const char *name, const char *suffix)
{
    if (c->n < CAND_MAX)
        c->name[c->n] = asprintf8("%s%s", name, suffix);
    if (c->n < CAND_MAX && c->name[c->n])
        c->n++;
}

static void cand_commands(struct cands *c, const char *prefix)
{
    const struct command *cmd;
    for_each_table_entry(cmd, commands)
        if (str_starts8(cmd->name, prefix))
            cand_add(c, cmd->name, "");
}

static void cand_devices(struct cands *c, const char *prefix)
{
    static const char *const fixed[] = { "(bd)", "(md)", "()" };
    for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
        if (str_starts_case8(fixed[i], prefix))
            cand_add(c, fixed[i], "");
    for (struct drive *d = drive_walk(NULL); d; d = drive_walk(d))
        if (str_starts_case8(d->name, prefix))
            cand_add(c, d->name, "");
}

/* Names in the directory part of word that start with the rest (any case). */
static void cand_paths(struct cands *c, const char *word)
{
    const char *slash = strrchr8(word, '/');
    char dir[FS_PATH_MAX];
    struct fs_file *d;
    struct fs_dirent ent;
    size_t dlen = (size_t)(slash - word) + 1;
    if (dlen >= sizeof(dir))
        return;
    memcpy(dir, word, dlen);
    dir[dlen] = 0;
    c->plen = dlen;
    if (fs_open(dir, &d) != 0)
        return;
    while (fs_is_dir(d) && fs_readdir(d, &ent) == 1)
        if (str_starts_case8(ent.name, slash + 1))
            cand_add(c, ent.name, ent.is_dir ? "/" : "");
    fs_close(d);
}

/* Insert text, with a backslash before blanks and backslashes (as ls writes names). */
static void insert_escaped(struct editor *e, const char *s, size_t n)
{
    char out[2 * FS_PATH_MAX];
    size_t k = 0;
    for (size_t i = 0; i < n && k + 2 < sizeof(out); i++) {
        if (s[i] == ' ' || s[i] == '\\')
            out[k++] = '\\';
        out[k++] = s[i];
    }
    insert(e, out, k);
}

/* Tab: complete the word under the cursor. */
static void complete_word(struct editor *e, const char *prompt)
{
    struct cands c = { 0 };
    char word[FS_PATH_MAX], common[FS_PATH_MAX];
    size_t raw_at[FS_PATH_MAX]; /* buffer offset of each character of word */
    size_t ws = e->pos, typed, k, n = 0;
    bool first;
    /* the word starts after the last blank that no backslash escapes */
    while (ws > 0 && (e->buf[ws - 1] != ' ' || (ws > 1 && e->buf[ws - 2] == '\\')))
        ws--;
    first = true;
    for (size_t i = 0; i < ws; i++)
        if (e->buf[i] != ' ')
            first = false;
    if (e->pos - ws >= sizeof(word))
        return;
    for (size_t i = ws; i < e->pos; i++) {
        raw_at[n] = i;
        if (e->buf[i] == '\\' && i + 1 < e->pos)
            i++;
        word[n++] = e->buf[i];
    }
    word[n] = 0;
    if (first)
        cand_commands(&c, word);
    else if (word[0] == '(' && !strchr8(word, ')'))
        cand_devices(&c, word);
    else if (strchr8(word, '/'))
        cand_paths(&c, word);
    typed = strlen8(word) - c.plen; /* what the candidates must extend */
    if (c.n == 0)
        goto out;
    strlcpy8(common, c.name[0], sizeof(common));
    for (int i = 1; i < c.n; i++) {
        for (k = 0; common[k] && to_lower((unsigned char)common[k]) ==
                                     to_lower((unsigned char)c.name[i][k]); k++)
            ;
        common[k] = 0;
    }
    if (strlen8(common) > typed) {
        /* retype what was typed too, in the name's own case ("/efi" -> "/EFI/") */
        erase(e, c.plen < n ? raw_at[c.plen] : e->pos, e->pos);
        insert_escaped(e, common, strlen8(common));
        if (c.n == 1 && e->pos == e->len && common[strlen8(common) - 1] != '/' &&
            common[strlen8(common) - 1] != ')')
            insert(e, " ", 1);
    } else if (c.n > 1) {
        /* show the candidates, then the line again */
        con_puts("\n");
        for (int i = 0; i < c.n; i++)
            con_printf("%s ", c.name[i]);
        con_printf("\n%s", prompt);
        e->shown = 0;
        put_text(e, e->buf, e->len);
        e->shown = cols_of(e->buf, e->len);
        backs(e->shown - cols_of(e->buf, e->pos));
    }
out:
    for (int i = 0; i < c.n; i++)
        free(c.name[i]);
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
                complete_word(&e, prompt);
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
