/*
 * The menu.lst model and the menu UI.
 *
 * A menu file is one script: the lines before the first title are the global
 * section (timeout, default, color, ... are ordinary commands that set the
 * fields below), and each title starts an entry that runs as a script when
 * chosen. The directive commands act on menu_cur, the menu being loaded.
 */
#ifndef MB_MENU_H
#define MB_MENU_H

#include "../src/shell.h"

#define MENU_ENTRIES_MAX 256
#define MENU_FALLBACK_MAX 8

struct menu_entry {
    char *title;       /* first line of the title text, escapes processed */
    char *help;        /* lines after the first "\n", or NULL */
    char *cond;        /* iftitle [COND], or NULL */
    size_t from, to;   /* the entry's lines in the script: [from, to) */
    int title_line;    /* source line of the title */
    bool visible;      /* false when the iftitle condition failed */
    struct script *own; /* an entry made by a command (imagemenu): its own lines, which
                           from/to index; NULL for the menu file's */
};

struct menu {
    struct script *s;
    char *path;            /* resolved path of the file */
    struct menu_entry *entries;
    int n;
    size_t global_to;      /* global section: lines [0, global_to) */
    int timeout;           /* seconds; -1 waits for ever */
    int default_entry;
    bool default_saved;
    int fallback[MENU_FALLBACK_MAX];
    int nfallback;
    bool hidden, hidden_silent;
    char *password;        /* plain or $1$ md5crypt, NULL when none */
    bool password_md5;
    char *password_file;   /* a correct password loads this menu */
    bool unlocked;
    bool loading;          /* running the global section */
    int current;           /* the entry running or highlighted */
};

extern struct menu *menu_cur;

/*
 * How the menu screen is laid out (setmenu; src/../cmd/setmenu.c). Kept
 * across configfile, as grub4dos keeps it, until setmenu --u.
 */
struct menu_style {
    int box_x, box_y, box_w, box_h; /* cells; 0: the default (w centred, h to the help) */
    int box_l;                      /* border: 0 none, else a single line */
    bool box;                       /* --box was given */
    bool lang_zh;                   /* key help in Chinese */
    bool auto_num;                  /* "%2d " before each title */
    /* --string: text at a cell (x -1: centred on the screen, -2: in the box; y < 0 from the bottom) */
    struct menu_string {
        bool set;
        int x, y;
        unsigned long long color;    /* grub4dos colour value */
        char text[100];              /* "date&time=FORMAT" is the clock */
    } strings[16];
    /* --help=X=W=Y: where the help goes (0s: the defaults) */
    bool help_set;
    int help_x, help_w, help_y;
    /* --timeout: the countdown's number at a cell, in a colour */
    bool timeout_set;
    int timeout_x, timeout_y;
    unsigned long long timeout_color;
};
extern struct menu_style menu_style;
/* setmenu's date&time=FORMAT (yyyy yy MM dd HH hh AP mm ss; empty: yyyy-MM-dd HH:mm:ss). */
void menu_format_clock(const char *fmt, char *out, size_t size);

/* Split a menu file into its global section and entries (nothing runs). */
int menu_parse(const char *path, const char *text, size_t len, struct menu **out);
/* The script holding entry e's lines [from, to). */
static inline struct script *menu_entry_script(const struct menu *m, const struct menu_entry *e)
{
    return e->own ? e->own : m->s;
}
/*
 * Add an entry made while m's global section runs (imagemenu): title, help
 * (or NULL) and s, the whole of which are its lines (the entry keeps a
 * reference). Such entries come before the file's titles, in the order they
 * are added. -E2BIG when the menu is full.
 */
int menu_add_made_entry(struct menu *m, const char *title, const char *help, struct script *s);

/* Run the global section and the iftitle conditions. */
int menu_init(struct menu *m);
void menu_free(struct menu *m);

/* The file "default" beside the menu file (default saved, savedefault). */
int menu_default_file(const struct menu *m, char *out, size_t size);

/* Process grub4dos escapes (\n \t \\ \xHH ...) as echo -e does; returns a malloc'd string. */
char *menu_unescape(const char *s);

/* Show the menu and run what is chosen; returns when mapboot should leave the menu. */
int menu_run(struct menu *m);
/* Run entry i (or the lines of an edited entry); returns its rc. */
int menu_boot_entry(struct menu *m, struct script *s, size_t from, size_t to, const char *title);

/* Screen bytes once an entry's header is shown: what comes after is the entry's output. */
extern uint64_t entry_output_mark;

/* Password check: plain text or $1$ md5crypt. */
bool menu_password_ok(const char *stored, bool md5, const char *typed);
/* Ask for the menu password; true when it matched. */
bool menu_ask_password(const char *stored, bool md5);

/* md5crypt ($1$salt$hash) of key; out needs 64 bytes. */
void md5crypt(const char *key, const char *salt, char *out, size_t size);
void md5_digest(const void *data, size_t len, uint8_t out[16]);

#endif
