/*
 * menu.lst: splitting a file into its global section and entries, the
 * iftitle conditions, and running a chosen entry (DESIGN.md §2, grub4dos
 * semantics: each entry starts with errorcheck on, boots at its end if a
 * loader was set, and on failure goes to its fallback or back to the menu).
 */
#include "menu.h"

#include "../fs/fs.h"
#include "../src/platform.h"

struct menu *menu_cur;

void menu_free(struct menu *m)
{
    if (!m)
        return;
    for (int i = 0; i < m->n; i++) {
        free(m->entries[i].title);
        free(m->entries[i].help);
        free(m->entries[i].cond);
        script_put(m->entries[i].own);
    }
    free(m->entries);
    free(m->path);
    free(m->password);
    free(m->password_file);
    script_put(m->s);
    if (menu_cur == m)
        menu_cur = NULL;
    free(m);
}

char *menu_unescape(const char *s)
{
    char *out = malloc(strlen8(s) * 3 + 1);
    if (out)
        str_unescape(s, out, false);
    return out;
}

static const char *skip_ws(const char *s)
{
    while (is_space((unsigned char)*s))
        s++;
    return s;
}

/* "title=Foo" and "timeout=5": grub4dos lets '=' end the first word. */
static const char *after_keyword(const char *t, size_t kwlen)
{
    t += kwlen;
    if (*t == '=')
        t++;
    return skip_ws(t);
}

/* Room for one more entry; -E2BIG when the menu has MENU_ENTRIES_MAX. */
static int entry_room(struct menu *m)
{
    if (m->n >= MENU_ENTRIES_MAX)
        return shell_error(-E2BIG, "more than %d titles: the rest are left out", MENU_ENTRIES_MAX);
    if (m->n % 16 == 0) {
        struct menu_entry *ne = realloc(m->entries, sizeof(*ne) * (size_t)(m->n + 16));
        if (!ne)
            return -ENOMEM;
        m->entries = ne;
    }
    return 0;
}

static int add_entry(struct menu *m, const char *text, const char *cond, size_t line)
{
    struct menu_entry *e;
    char *t, *nl;
    int rc = entry_room(m);
    if (rc == -E2BIG)
        m->entries[m->n - 1].to = line; /* the last entry ends here: not on into this title */
    if (rc)
        return rc;
    e = &m->entries[m->n];
    memset(e, 0, sizeof(*e));
    t = menu_unescape(text);
    if (!t)
        return -ENOMEM;
    nl = strchr8(t, '\n');
    if (nl) {
        *nl = 0;
        e->help = strdup8(nl + 1);
        if (!e->help) {
            free(t);
            return -ENOMEM;
        }
    }
    e->title = t;
    e->cond = cond ? strdup8(cond) : NULL;
    if (cond && !e->cond) {
        /* without its condition an iftitle entry would show unconditionally */
        free(e->title);
        free(e->help);
        return -ENOMEM;
    }
    e->from = line + 1;
    e->to = m->s->nlines;
    e->title_line = m->s->lineno[line];
    e->visible = true;
    if (m->n > 0)
        m->entries[m->n - 1].to = line;
    m->n++;
    return 0;
}

int menu_add_made_entry(struct menu *m, const char *title, const char *help, struct script *s)
{
    struct menu_entry e = { 0 };
    int at = 0, rc = entry_room(m);
    if (rc)
        return rc;
    e.title = strdup8(title);
    e.help = help ? strdup8(help) : NULL;
    if (!e.title || (help && !e.help)) {
        free(e.title);
        free(e.help);
        return -ENOMEM;
    }
    e.own = s;
    s->refs++;
    e.from = 0;
    e.to = s->nlines;
    e.title_line = s->nlines ? s->lineno[0] : 0;
    e.visible = true;
    /* after the entries made before it, before the file's own titles */
    while (at < m->n && m->entries[at].own)
        at++;
    memmove(&m->entries[at + 1], &m->entries[at], sizeof(e) * (size_t)(m->n - at));
    m->entries[at] = e;
    m->n++;
    return 0;
}

/* An entry with no command lines is dropped, as in grub4dos. */
static bool entry_has_commands(struct menu *m, struct menu_entry *e)
{
    for (size_t i = e->from; i < e->to; i++) {
        const char *t = skip_ws(m->s->lines[i]);
        if (*t && *t != '#')
            return true;
    }
    return false;
}

int menu_parse(const char *path, const char *text, size_t len, struct menu **out)
{
    char first_msg[sizeof(shell.errmsg)] = "";
    int first_line = 0;
    struct menu *m = calloc(1, sizeof(*m));
    int rc;
    *out = NULL;
    if (!m)
        return -ENOMEM;
    m->timeout = -1;
    m->path = strdup8(path);
    if (!m->path) {
        free(m);
        return -ENOMEM;
    }
    rc = script_parse(path, text, len, 1, &m->s);
    if (rc) {
        strlcpy8(first_msg, shell.errmsg, sizeof(first_msg));
        first_line = shell.parse_line;
    }
    if (rc && !m->s) {
        menu_free(m);
        return rc;
    }
    m->global_to = m->s->nlines;
    for (size_t i = 0; i < m->s->nlines; i++) {
        const char *t = skip_ws(m->s->lines[i]);
        int arc = 0;
        if (str_starts_case8(t, "title") && (is_space((unsigned char)t[5]) || t[5] == '=' || !t[5])) {
            arc = add_entry(m, after_keyword(t, 5), NULL, i);
        } else if (str_starts_case8(t, "iftitle") && (is_space((unsigned char)t[7]) || !t[7])) {
            const char *c = skip_ws(t + 7), *close;
            char cond[512];
            if (*c != '[' || !(close = strchr8(c, ']'))) {
                /*
                 * Still an entry, hidden: it must end the section before it,
                 * or its lines would run as part of the global section.
                 */
                arc = add_entry(m, c, NULL, i);
                if (arc == 0) {
                    m->entries[m->n - 1].visible = false;
                    arc = shell_error(-ESYNTAX, "iftitle needs [CONDITION] before the title");
                }
            } else {
                size_t n = (size_t)(close - c - 1);
                if (n >= sizeof(cond))
                    n = sizeof(cond) - 1;
                memcpy(cond, c + 1, n);
                cond[n] = 0;
                arc = add_entry(m, skip_ws(close + 1), cond, i);
            }
        } else {
            continue;
        }
        if (m->n == 1)
            m->global_to = i;
        if (arc && !rc) {
            /* the first error is the one reported: keep its words and line */
            rc = arc;
            strlcpy8(first_msg, shell.errmsg, sizeof(first_msg));
            first_line = m->s->lineno[i];
        }
        if (arc == -ENOMEM)
            break;
    }
    if (first_line) {
        strlcpy8(shell.errmsg, first_msg, sizeof(shell.errmsg));
        shell.parse_line = first_line;
    }
    /* drop entries without commands */
    for (int i = 0; i < m->n;) {
        if (!entry_has_commands(m, &m->entries[i])) {
            free(m->entries[i].title);
            free(m->entries[i].help);
            free(m->entries[i].cond);
            memmove(&m->entries[i], &m->entries[i + 1], sizeof(m->entries[0]) * (size_t)(m->n - i - 1));
            m->n--;
        } else {
            i++;
        }
    }
    *out = m;
    return rc;
}

/* The "default" file beside the menu file, for default saved / savedefault. */
int menu_default_file(const struct menu *m, char *out, size_t size)
{
    const char *slash = strrchr8(m->path, '/');
    size_t n = slash ? (size_t)(slash - m->path) + 1 : 0;
    if (n + 8 > size)
        return -ENAMETOOLONG;
    memcpy(out, m->path, n);
    strlcpy8(out + n, "default", size - n);
    return 0;
}

int menu_init(struct menu *m)
{
    bool ec = shell.errorcheck;
    menu_cur = m;
    /*
     * The global section runs as one block (its { } and goto need that), with
     * errorcheck off: an error is shown and the rest still runs.
     */
    m->loading = true;
    shell_run_block(m->s, 0, m->global_to, false);
    m->loading = false;
    shell.errorcheck = ec;
    if (m->default_saved) {
        char path[FS_PATH_MAX], *text;
        size_t len;
        long long v;
        if (menu_default_file(m, path, sizeof(path)) == 0 &&
            fs_read_all(path, &text, &len, 4096) == 0) {
            char *e = text;
            while (*e && !is_space((unsigned char)*e))
                e++;
            *e = 0;
            if (parse_num(text, &v) == 0 && v >= 0 && v < m->n)
                m->default_entry = (int)v;
            free(text);
        }
    }
    /* iftitle: run the condition now; false hides the entry */
    for (int i = 0; i < m->n; i++) {
        struct menu_entry *e = &m->entries[i];
        int rc;
        /*
         * An empty [] acts as title (the grub4dos manual). Running it would
         * leave @retval as the last command set it: a visibility by chance.
         */
        if (!e->cond || !*skip_ws(e->cond))
            continue;
        shell.where_file = m->s->name;
        shell.where_line = e->title_line;
        /* a condition only answers: what it prints is not shown */
        shell.in_iftitle = true;
        if (con_capture_begin(true) == 0) {
            rc = shell_run_line(e->cond);
            free(con_capture_end(NULL, NULL));
        } else {
            rc = -ELOOP;
        }
        shell.in_iftitle = false;
        e->visible = rc >= 0 && shell.retval != 0;
        /* false is an answer; no memory to ask the question is an error to show */
        if (rc == -ENOMEM || rc == -ELOOP)
            con_printf("%s:%d: Error: iftitle: %s\n", m->s->name, e->title_line, err_str(rc));
        shell.flow = FLOW_NONE;
    }
    shell.where_file = NULL;
    if (m->default_entry >= m->n || m->default_entry < 0)
        m->default_entry = 0;
    return 0;
}

int menu_boot_entry(struct menu *m, struct script *s, size_t from, size_t to, const char *title)
{
    int rc;
    boot_clear_loader();
    con_set_normal();
    scr_clear();
    con_printf("  Booting '%s'\n\n", title);
    entry_output_mark = con_screen_bytes;
    rc = shell_run_block(s, from, to, true);
    if (shell.flow == FLOW_QUIT || shell.flow == FLOW_ENTRY || shell.exit_app)
        return rc;
    if (rc >= 0 && boot_have_loader()) {
        rc = boot_run();
        if (rc < 0 && !shell.err_printed) {
            con_printf("Error: %s\n", shell.errmsg[0] ? shell.errmsg : err_str(rc));
            shell.err_printed = true;
        }
    }
    return rc;
}
