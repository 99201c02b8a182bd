/*
 * The checks behind mapboot-lint: what can be known about a menu.lst or
 * batch file without running it. Words holding %variables% are skipped,
 * since their value is only known at run time.
 */
#include "shell.h"

struct lint {
    struct script *s;
    size_t begin, end; /* the lines a goto can reach: the whole file, or one menu entry */
    int line;
    int count, warnings;
    void (*report)(const char *file, int line, const char *msg);
    /* commands the file loads with insmod (names known before it runs) */
    char *modules[32];
    int nmodules;
    int mod_package_line;  /* a line that loads a grub4dos .mod package, 0 if none */
};

static void problem(struct lint *l, const char *fmt, ...) MB_PRINTF(2, 3);
static void problem(struct lint *l, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    l->report(l->s->name, l->line, msg);
    l->count++;
}

static void warning(struct lint *l, const char *fmt, ...) MB_PRINTF(2, 3);
static void warning(struct lint *l, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    memcpy(msg, "warning: ", 9);
    vsnprintf(msg + 9, sizeof(msg) - 9, fmt, ap);
    va_end(ap);
    l->report(l->s->name, l->line, msg);
    l->warnings++;
}

static bool dynamic(const char *w)
{
    return strchr8(w, '%') != NULL;
}

/*
 * A missing label is a warning: the line runs until the jump, where the
 * script stops with an error (grub4dos ends it quietly), and a file can
 * have a jump that is never reached.
 */
static void check_label(struct lint *l, const char *label, const char *cmd)
{
    if (dynamic(label) || strcasecmp8(label, ":eof") == 0 || strcasecmp8(label, "eof") == 0)
        return;
    if (strcmp8(cmd, "goto") == 0 && shell_entry_number(label))
        return;
    if (shell_find_label(l->s, label, l->begin, l->end) < 0)
        warning(l, "%s to a missing label '%s'", cmd, label);
}

static bool loaded_module(struct lint *l, const char *name)
{
    for (int i = 0; i < l->nmodules; i++)
        if (strcasecmp8(l->modules[i], name) == 0)
            return true;
    return false;
}

/* insmod FILE [NAME]: NAME, or FILE's last component, is a command from then on. */
static void note_module(struct lint *l, int argc, char **argv)
{
    const char *name;
    size_t n;
    if (argc < 2 || strcmp8(argv[0], "insmod") != 0 || l->nmodules >= (int)ARRAY_SIZE(l->modules))
        return;
    n = strlen8(argv[1]);
    if (n > 4 && strcasecmp8(argv[1] + n - 4, ".mod") == 0) {
        /* a package of binary modules: its command names are not in the file */
        if (!l->mod_package_line)
            l->mod_package_line = l->line;
        return;
    }
    name = argc >= 3 ? argv[2] : module_name(argv[1]);
    if (!dynamic(name) && !loaded_module(l, name))
        l->modules[l->nmodules++] = strdup8(name);
}

static void check_words(struct lint *l, int argc, char **argv)
{
    const struct command *c;
    struct opt_result res[32];
    int first, i;
    const char *why;
    if (argc == 0 || dynamic(argv[0]) || strcmp8(argv[0], "{") == 0)
        return;
    if ((why = bios_only(argc, argv)) != NULL) {
        warning(l, "BIOS-only: %s", why);
        return;
    }
    c = command_lookup(argv[0]);
    if (!c) {
        /*
         * A path may name a batch file, which only exists at boot time. Any
         * other unknown name is a warning, not an error: grub4dos looks for
         * an external command of that name (command --set-path) and, not
         * finding one, says so and carries on, as mapboot does.
         */
        if (strchr8(argv[0], '/') || argv[0][0] == '(' || loaded_module(l, argv[0]))
            return;
        if (l->mod_package_line)
            warning(l, "BIOS-only: '%s' is no mapboot command; it would come from the grub4dos "
                    "module package loaded at line %d", argv[0], l->mod_package_line);
        else
            warning(l, "unknown command '%s'", argv[0]);
        return;
    }
    memset(res, 0, sizeof(res));
    shell.errmsg[0] = 0;
    if (opt_parse(argc, argv, c->opts, res, &first) < 0) {
        problem(l, "%s", shell.errmsg);
        return;
    }
    if (strcmp8(c->name, "goto") == 0 && first < argc)
        check_label(l, argv[first], "goto");
    if (strcmp8(c->name, "call") == 0 && first < argc) {
        if (argv[first][0] == ':')
            check_label(l, argv[first], "call");
        else
            check_words(l, argc - first, argv + first);
    }
    if (strcmp8(c->name, "if") == 0) {
        /* skip /i, not, the condition (exist takes one more word), then the command */
        i = 1;
        while (i < argc && (strcasecmp8(argv[i], "/i") == 0 || strcasecmp8(argv[i], "not") == 0))
            i++;
        if (i < argc && strcasecmp8(argv[i], "exist") == 0)
            i++;
        i++;
        if (i < argc)
            check_words(l, argc - i, argv + i);
    }
    if (strcmp8(c->name, "checkrange") == 0 && first + 1 < argc)
        check_words(l, argc - first - 1, argv + first + 1);
}

/* A quote left open: grub4dos (and mapboot) take the rest of the line into it. */
static bool unclosed_quote(const char *t)
{
    bool quoted = false;
    for (; *t; t++) {
        if (*t == '\\' && !quoted && t[1])
            t++;
        else if (*t == '"')
            quoted = !quoted;
    }
    return quoted;
}

static void check_text(struct lint *l, const char *text)
{
    if (unclosed_quote(text))
        warning(l, "unclosed quote: it runs to the end of the line");
    char **cmds;
    int n;
    if (shell_split_commands(text, &cmds, &n) < 0) {
        problem(l, "%s", shell.errmsg);
        return;
    }
    for (int i = 0; i < n; i++) {
        int argc;
        char **argv, **rawv;
        if (words_split(cmds[i], &argc, &argv, &rawv) == 0) {
            check_words(l, argc, argv);
            words_free(argc, argv, rawv);
        } else {
            problem(l, "%s", shell.errmsg);
        }
        free(cmds[i]);
    }
    free(cmds);
}

static bool is_title(const char *t)
{
    return (str_starts_case8(t, "title") && (is_space((unsigned char)t[5]) || t[5] == '=' || !t[5])) ||
           (str_starts_case8(t, "iftitle") && (is_space((unsigned char)t[7]) || !t[7]));
}

/* Every insmod in the file, before any line is checked: a module may be used above its insmod. */
static void find_modules(struct lint *l)
{
    for (size_t i = 0; i < l->s->nlines; i++) {
        char **cmds;
        int n;
        l->line = l->s->lineno[i];
        if (!strstr8(l->s->lines[i], "insmod") || shell_split_commands(l->s->lines[i], &cmds, &n))
            continue;
        for (int k = 0; k < n; k++) {
            int argc;
            char **argv, **rawv;
            if (words_split(cmds[k], &argc, &argv, &rawv) == 0) {
                note_module(l, argc, argv);
                words_free(argc, argv, rawv);
            }
            free(cmds[k]);
        }
        free(cmds);
    }
}

int lint_script(struct script *s, void (*report)(const char *file, int line, const char *msg),
                int *warnings)
{
    struct lint l = { .s = s, .report = report };
    find_modules(&l);
    for (size_t i = 0; i < s->nlines; i++) {
        const char *t = s->lines[i];
        while (is_space((unsigned char)*t))
            t++;
        l.line = s->lineno[i];
        if (i == 0 || is_title(t)) {
            /* a menu entry runs alone: its labels are the ones up to the next title */
            l.begin = i;
            for (l.end = i + 1; l.end < s->nlines; l.end++) {
                const char *u = s->lines[l.end];
                while (is_space((unsigned char)*u))
                    u++;
                if (is_title(u))
                    break;
            }
        }
        if (!*t || *t == '#' || *t == ':' || str_starts8(t, "!BAT"))
            continue;
        if (s->match[i] == MATCH_BROKEN) {
            /* script_parse marked every line of a brace error: list them all */
            problem(&l, "%s", t[0] == '}' ? "'}' without a matching '{'" : "'{' is not closed");
            if (t[0] == '}')
                continue;
        }
        if (str_starts_case8(t, "title") && (is_space((unsigned char)t[5]) || t[5] == '=' || !t[5]))
            continue;
        if (str_starts_case8(t, "iftitle") && (is_space((unsigned char)t[7]) || !t[7])) {
            const char *open = strchr8(t, '['), *close = open ? strchr8(open, ']') : NULL;
            if (!open || !close) {
                problem(&l, "iftitle needs [CONDITION] before the title");
            } else {
                char *cond = strndup8(open + 1, (size_t)(close - open - 1));
                if (cond)
                    check_text(&l, cond);
                free(cond);
            }
            continue;
        }
        if (t[0] == '}') {
            t++;
            while (is_space((unsigned char)*t))
                t++;
            if (!str_starts_case8(t, "else"))
                continue;
            t += 4;
        }
        check_text(&l, t);
    }
    if (warnings)
        *warnings += l.warnings;
    for (int i = 0; i < l.nmodules; i++)
        free(l.modules[i]);
    return l.count;
}
