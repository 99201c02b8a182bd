/*
 * The line runner: operators, blocks, frames (batch files and calls), and
 * command dispatch. See shell.h for the model and DESIGN.md §2.
 *
 * Operators follow grub4dos: `;;` separates parts that are expanded one at a
 * time; inside a part everything is expanded first, then `&&`, `||`, `!`,
 * `&;`, `|;`, `|`, `>` and `>>` apply. A failed && / || test skips up to the
 * next `!` (so `A && B ! C` is if/else), and &; / |; skip to the next `;;`.
 * Operators are words of their own: `a&&b` is one word, as in grub4dos.
 */
#include "../fs/fs.h"
#include "platform.h"
#include "shell.h"

struct shell_state shell = { .errorcheck = true, .debug = 1, .root = "(bd)",
                             .cmd_path = SHELL_CMD_PATH };
uint64_t shell_menu_us;

TABLE_DEFINE(const struct command, commands);

/*
 * Nesting bounds, for the firmware's stack (OVMF gives a boot application
 * 128 KiB): batch files and calls within each other (grub4dos allows 10),
 * and commands run by commands.
 */
#define FRAME_DEPTH_MAX 16
#define EXEC_NEST_MAX 64

struct frame {
    struct script *s;
    size_t begin, pc, end; /* the frame's lines are [begin, end): labels are looked up there */
    int argc;
    char **argv;        /* %0..; NULL for menu entries and the prompt */
    int local_base;     /* setlocal depth at entry: leaving ends the rest */
    bool is_call;       /* a `call :label` inside the same script */
    bool arg0_is_file;  /* argv[0] still names s (no call, no shift 0): see shell_frame_file */
    struct frame *up;
};

const struct command *command_lookup(const char *name)
{
    const struct command *c;
    for_each_table_entry(c, commands)
        if (strcmp8(c->name, name) == 0)
            return c;
    return NULL;
}

int shell_error(int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(shell.errmsg, sizeof(shell.errmsg), fmt, ap);
    va_end(ap);
    return rc;
}

int shell_fail(int rc, const char *cmd, const char *what)
{
    char inner[sizeof(shell.errmsg)];
    if (shell.errmsg[0]) {
        strlcpy8(inner, shell.errmsg, sizeof(inner));
        return shell_error(rc, "%s: %s", cmd, inner);
    }
    return shell_error(rc, "%s: %s: %s", cmd, what, err_str(rc));
}

static void print_where(void)
{
    if (shell.where_file)
        con_printf("%s:%d: ", shell.where_file, shell.where_line);
}

/*
 * Say a line, "FILE:LINE: MSG". Every error the runner says goes through
 * here so that `> nul` cannot swallow it: while output is discarded the
 * line is kept in shell.held_error instead (the last one wins: it is the
 * one that stopped the command), and run_part shows it once the
 * redirection is over, if nothing tested the failure. An iftitle condition
 * only answers: what it says there is dropped, never held. With
 * past_captures the line is held under any capture (a pipe, `> file`), not
 * only a discard: the Ctrl-C line, which must reach the screen, where
 * run_part shows it as the cancel unwinds.
 */
static void say_line(const char *msg, bool past_captures)
{
    char line[sizeof(shell.held_error)];
    size_t n = 0, room = sizeof(line) - 1; /* one byte kept for the line end */
    line[0] = 0;
    if (shell.where_file)
        snprintf(line, room, "%s:%d: ", shell.where_file, shell.where_line);
    n = strlen8(line);
    snprintf(line + n, room - n, "%s", msg);
    n = strlen8(line);
    /* a message cut short still ends its line */
    line[n] = '\n';
    line[n + 1] = 0;
    if (!(past_captures ? !con_is_screen() : con_discarding()))
        con_puts(line);
    else if (!shell.in_iftitle)
        strlcpy8(shell.held_error, line, sizeof(shell.held_error));
}

/* Say "FILE:LINE: Error: ..." (see say_line). */
static void say_error(const char *fmt, ...) MB_PRINTF(1, 2);
static void say_error(const char *fmt, ...)
{
    char msg[sizeof(shell.held_error)] = "Error: ";
    size_t n = strlen8(msg);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
    va_end(ap);
    say_line(msg, false);
}

void shell_warn(const char *fmt, ...)
{
    va_list ap;
    print_where();
    con_puts("Warning: ");
    va_start(ap, fmt);
    con_vprintf(fmt, ap);
    va_end(ap);
    con_puts("\n");
}

int shell_need_keyboard(const char *cmd)
{
    /* iftitle conditions run while the menu loads: nothing may wait for a person */
    if (shell.in_iftitle)
        return shell_error(-EPERM, "%s: not allowed in an iftitle condition", cmd);
    return 0;
}

void shell_set_retstr(const char *s)
{
    strlcpy8(shell.retstr, s, sizeof(shell.retstr));
}

void shell_set_retval(long long v)
{
    shell.retval = v;
    shell.retval_set = true;
}

const char *shell_frame_file(void)
{
    return shell.frame && shell.frame->arg0_is_file ? shell.frame->s->name : NULL;
}

void shell_frame_args(int *argc, char ***argv)
{
    *argc = 0;
    *argv = NULL;
    if (shell.frame && shell.frame->argv) {
        *argc = shell.frame->argc;
        *argv = shell.frame->argv;
    }
}

/* ---- scripts ---- */

static bool is_blank_or_comment(const char *t)
{
    return !*t || *t == '#' || (t[0] == ':' && t[1] == ':');
}

static const char *skip_ws(const char *s)
{
    while (is_space((unsigned char)*s))
        s++;
    return s;
}

/* A line opens a block when its last word is '{'. */
static bool opens_block(const char *t)
{
    size_t n = strlen8(t);
    while (n && is_space((unsigned char)t[n - 1]))
        n--;
    return n && t[n - 1] == '{' && (n == 1 || is_space((unsigned char)t[n - 2]));
}

static bool is_title_line(const char *t)
{
    return (str_starts_case8(t, "title") && (is_space((unsigned char)t[5]) || t[5] == '=' || !t[5])) ||
           (str_starts_case8(t, "iftitle") && (is_space((unsigned char)t[7]) || !t[7]));
}

/* grub4dos: an '=' in a line's first word ends the word, so timeout=5 works. */
static void first_word_equals(char *line)
{
    char *p = line;
    while (is_space((unsigned char)*p))
        p++;
    if (*p == '#' || *p == ':' || *p == '!')
        return;
    for (; *p && !is_space((unsigned char)*p); p++)
        if (*p == '=') {
            *p = ' ';
            return;
        }
}

void script_put(struct script *s)
{
    if (!s || --s->refs > 0)
        return;
    for (size_t i = 0; i < s->nlines; i++)
        free(s->lines[i]);
    free(s->lines);
    free(s->lineno);
    free(s->match);
    free(s->name);
    free(s);
}

/* Record a syntax error at line i; the first one is what the caller reports. */
static void parse_error(int *rc, struct script *s, size_t i, const char *msg)
{
    if (*rc)
        return;
    *rc = shell_error(-ESYNTAX, "%s", msg);
    shell.parse_line = s->lineno[i];
}

/*
 * A menu ends at its first font glyph line, "5173:1010...": grub4dos'
 * config reader stops there and loads the glyphs at the end of the file as
 * the menu's font (a line starting with an upper-case hex digit, with ':'
 * as its fifth character and no blank or '=' before it). A batch file
 * (!BAT) has no such rule. Returns the length of text before that line.
 */
static size_t before_glyphs(const char *text, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    if (len - i >= 4 && memcmp(text + i, "!BAT", 4) == 0)
        return len;
    while (i < len) {
        size_t line = i, k;
        while (i < len && (text[i] == ' ' || text[i] == '\t'))
            i++;
        if (i < len && ((text[i] >= '0' && text[i] <= '9') || (text[i] >= 'A' && text[i] <= 'F'))) {
            for (k = 1; k < 4 && i + k < len; k++)
                if (text[i + k] == ' ' || text[i + k] == '=' || text[i + k] == '\t' ||
                    text[i + k] == '\n')
                    break;
            if (k == 4 && i + 4 < len && text[i + 4] == ':')
                return line;
        }
        while (i < len && text[i] != '\n')
            i++;
        i++;
    }
    return len;
}

int script_parse(const char *name, const char *text, size_t len, int first_lineno,
                 struct script **out)
{
    struct script *s = calloc(1, sizeof(*s));
    size_t n = 1, i, start, stack_n = 0;
    size_t *stack = NULL;
    int rc = 0;

    *out = NULL;
    if (!s)
        return -ENOMEM;
    s->refs = 1;
    /*
     * A NUL ends the text, as in grub4dos: batch files carry binary data
     * after one (an embedded image or module that the script reads with
     * cat --skip), which is not lines.
     */
    for (i = 0; i < len && text[i]; i++)
        ;
    len = i;
    len = before_glyphs(text, len);
    for (i = 0; i < len; i++)
        if (text[i] == '\n')
            n++;
    s->name = strdup8(name);
    s->lines = calloc(n, sizeof(char *));
    s->lineno = calloc(n, sizeof(int));
    s->match = calloc(n, sizeof(int));
    stack = calloc(n, sizeof(size_t));
    if (!s->name || !s->lines || !s->lineno || !s->match || !stack) {
        free(stack);
        script_put(s);
        return -ENOMEM;
    }
    /* a UTF-8 byte order mark would hide !BAT */
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
        (unsigned char)text[2] == 0xBF) {
        text += 3;
        len -= 3;
    }
    for (start = 0, i = 0; i <= len; i++) {
        if (i == len || text[i] == '\n') {
            size_t e = i;
            char *line;
            while (e > start && text[e - 1] == '\r')
                e--;
            line = malloc(e - start + 1);
            if (!line) {
                rc = -ENOMEM;
                break;
            }
            for (size_t k = start; k < e; k++) {
                char c = text[k];
                /* NUL or control bytes would cut strings short: show them as blanks */
                line[k - start] = (c == '\t' || ((unsigned char)c < 0x20)) ? ' ' : c;
            }
            line[e - start] = 0;
            first_word_equals(line);
            s->lineno[s->nlines] = first_lineno + (int)s->nlines;
            s->match[s->nlines] = -1;
            s->lines[s->nlines++] = line;
            start = i + 1;
        }
    }
    s->batch = s->nlines && str_starts8(s->lines[0], "!BAT");

    /*
     * Block structure: '}' closes, a trailing '{' opens; titles may not sit
     * inside. Scanning goes on past an error so that the blocks after it
     * still pair up; the lines in error are marked MATCH_BROKEN and refuse to
     * run, so a false `if ... {` can never fall into its body.
     */
    for (i = 0; rc != -ENOMEM && i < s->nlines; i++) {
        const char *t = skip_ws(s->lines[i]);
        if (is_blank_or_comment(t) || t[0] == ':')
            continue;
        if (is_title_line(t)) {
            while (stack_n) {
                s->match[stack[--stack_n]] = MATCH_BROKEN;
                parse_error(&rc, s, stack[stack_n], "'{' is not closed before the next title");
            }
        }
        if (t[0] == '}') {
            if (!stack_n) {
                s->match[i] = MATCH_BROKEN;
                parse_error(&rc, s, i, "'}' without a matching '{'");
                continue;
            }
            s->match[stack[--stack_n]] = (int)i;
        }
        if (opens_block(t))
            stack[stack_n++] = i;
    }
    while (stack_n) {
        s->match[stack[--stack_n]] = MATCH_BROKEN;
        parse_error(&rc, s, stack[stack_n], "'{' is not closed");
    }
    free(stack);
    *out = s;
    return rc;
}

int script_load(const char *path, struct script **out)
{
    char *text, full[FS_PATH_MAX];
    size_t len;
    int rc = fs_resolve(path, full, sizeof(full));
    if (rc)
        return rc;
    rc = fs_read_all(full, &text, &len, SCRIPT_SIZE_MAX);
    if (rc)
        return rc;
    rc = script_parse(full, text, len, 1, out);
    free(text);
    return rc;
}

/* ---- dispatch ---- */

static void report(const char *name, int rc)
{
    if (shell.errmsg[0])
        say_error("%s", shell.errmsg);
    else
        say_error("%s: %s", name, err_str(rc));
}

/* Is cand a file (not a directory)? Its resolved path goes to out. */
static bool is_file(const char *cand, char *out, size_t size)
{
    struct fs_file *f;
    bool dir;
    if (fs_resolve(cand, out, size) != 0 || fs_open(out, &f) != 0)
        return false;
    dir = fs_is_dir(f);
    fs_close(f);
    return !dir;
}

/*
 * Where grub4dos finds an external command: a path as it is; a bare name in
 * the root directory, then in the command path (command --set-path,
 * (bd)/efi/grub/ at first), then both again with each of command
 * --set-ext's extensions when the name has no dot.
 */
bool shell_find_external(const char *word, char *out, size_t size)
{
    char cand[FS_PATH_MAX];
    const char *ext = NULL, *next;
    if (strchr8(word, '/') || word[0] == '(')
        return is_file(word, out, size);
    /* ext NULL: the name as it is; then each extension of the list in turn */
    for (;;) {
        int len = 0;
        if (ext) {
            next = strchr8(ext, ';');
            len = next ? (int)(next - ext) : (int)strlen8(ext);
        }
        if (!ext || (len > 0 && !strchr8(word, '.'))) {
            snprintf(cand, sizeof(cand), "%s%.*s", word, len, ext ? ext : "");
            if (is_file(cand, out, size))
                return true;
            snprintf(cand, sizeof(cand), "%s%s%.*s", shell.cmd_path, word, len, ext ? ext : "");
            if (is_file(cand, out, size))
                return true;
        }
        if (!ext)
            ext = shell.cmd_ext;
        else if ((next = strchr8(ext, ';')) != NULL)
            ext = next + 1;
        else
            return false;
        if (!*ext)
            return false;
    }
}

/*
 * Run a command from the table. Kept out of line, with its option results
 * on the heap, so that the frames of nested commands (if ... call ...
 * checkrange ...) stay small on the firmware's stack.
 */
static __attribute__((noinline)) int exec_command(const struct command *cmd, int argc,
                                                   char **argv, char **rawv)
{
    struct cmd_args a = { .argc = argc, .argv = argv, .rawv = rawv, .first = 1 };
    size_t nopts = 0;
    int rc;
    while (cmd->opts && cmd->opts[nopts].name)
        nopts++;
    a.opt = calloc(nopts + 1, sizeof(*a.opt));
    if (!a.opt)
        return -ENOMEM;
    rc = opt_parse(argc, argv, cmd->opts, a.opt, &a.first);
    if (rc == 0)
        rc = cmd->exec(&a);
    free(a.opt);
    return rc;
}

/* Run argv[0] as a batch file if it names one; 1 when there is none. */
static __attribute__((noinline)) int exec_batch(int argc, char **argv)
{
    char path[FS_PATH_MAX];
    struct script *m = module_find(argv[0]);
    if (m)
        return shell_run_script(m, argc, argv);
    if (!shell_find_external(argv[0], path, sizeof(path)))
        return 1;
    return shell_call_file(path, argc, argv);
}

int shell_exec_argv(int argc, char **argv, char **rawv)
{
    const struct command *cmd;
    const char *why;
    int rc;

    if (argc == 0)
        return 0;
    shell.errmsg[0] = 0;
    shell.retval_set = false;
    if (shell.nest >= EXEC_NEST_MAX) {
        /* if/call/checkrange nest a command per word: bound the stack they take */
        rc = shell_error(-ELOOP, "commands nested more than %d deep", EXEC_NEST_MAX);
        goto done;
    }
    if (strcmp8(argv[0], "{") == 0) {
        if (argc != 1)
            rc = shell_error(-ESYNTAX, "'{' must be the last word of a line");
        else if (!shell.frame || !shell.frame->s)
            rc = shell_error(-ESYNTAX, "'{' blocks work only in scripts and menu entries");
        else {
            shell.block_entered = true;
            rc = 1;
        }
        goto done;
    }
    if ((why = bios_only(argc, argv)) != NULL) {
        rc = shell_error(-ENOTSUP, "%s: BIOS-only: %s", argv[0], why);
        goto done;
    }
    shell.nest++;
    cmd = command_lookup(argv[0]);
    if (cmd)
        rc = exec_command(cmd, argc, argv, rawv);
    else
        rc = exec_batch(argc, argv);
    shell.nest--;
    if (!cmd && rc == 1) {
        /*
         * grub4dos prints this and carries on: errnum stays 0, the value is
         * false. Not a failure, so under > nul nothing is held (it would
         * be shown for a later failure that says nothing), as with any
         * command that returns.
         */
        if (!con_discarding())
            say_error("unknown command '%s'", argv[0]);
        shell.held_error[0] = 0;
        shell.errnum = 0;
        shell.retval = 0;
        shell.err_printed = true;
        return 0;
    }
done:
    if (rc < 0) {
        if (!shell.err_printed)
            report(argv[0], rc);
        shell.err_printed = true;
        shell.errnum = -rc;
        shell.retval = 0;
        return rc;
    }
    shell.errnum = 0;
    shell.held_error[0] = 0; /* a later success: an earlier failure did not stop anything */
    if (!shell.retval_set)
        shell.retval = rc;
    return rc;
}

/* ---- operators ---- */

enum op {
    OP_END,
    OP_AND,     /* && */
    OP_OR,      /* || */
    OP_ELSE,    /* ! */
    OP_AND_SEG, /* &; */
    OP_OR_SEG,  /* |; */
    OP_PIPE,    /* | */
};

struct piece {
    char *text;     /* raw, then expanded */
    char *redir;    /* > target, raw then expanded; NULL for none */
    bool append;    /* >> */
    enum op op;     /* what follows */
};

#define PIECES_MAX 32

/* Is s (at a word start) the operator word w? */
static bool op_word(const char *s, const char *w)
{
    size_t n = strlen8(w);
    return strncmp8(s, w, n) == 0 && (!s[n] || is_space((unsigned char)s[n]));
}

/*
 * Split one ;;-part into pieces. Returns the count, or a negative error.
 * Quotes and backslashes protect operator characters.
 */
static int split_pieces(const char *part, size_t len, struct piece *pc)
{
    int n = 0, rc;
    size_t i = 0, start = 0;
    bool quoted = false, word_start = true;
    char **target = NULL;

    memset(pc, 0, sizeof(*pc) * PIECES_MAX);
    while (i <= len) {
        static const struct {
            const char *w;
            enum op op;
        } ops[] = { { "&&", OP_AND }, { "||", OP_OR }, { "&;", OP_AND_SEG }, { "|;", OP_OR_SEG },
                    { "!", OP_ELSE }, { "|", OP_PIPE }, { ">>", OP_END }, { ">", OP_END } };
        int hit = -1;
        if (i < len && !quoted && word_start) {
            for (size_t k = 0; k < ARRAY_SIZE(ops); k++) {
                size_t wl = strlen8(ops[k].w);
                if (i + wl <= len && strncmp8(part + i, ops[k].w, wl) == 0 &&
                    (i + wl == len || is_space((unsigned char)part[i + wl]))) {
                    hit = (int)k;
                    break;
                }
            }
        }
        if (i == len || hit >= 0) {
            char *text = strndup8(part + start, i - start);
            if (!text) {
                rc = -ENOMEM;
                goto fail;
            }
            if (target) {
                /* the word after > is the file; text after it is an error */
                char *t = text;
                size_t tl = strlen8(text);
                while (is_space((unsigned char)*t))
                    t++;
                /* the blank before a following operator is no second word: `> nul || x` */
                while (tl && is_space((unsigned char)text[tl - 1]))
                    text[--tl] = 0;
                if (!*t || strchr8(t, ' ')) {
                    free(text);
                    rc = shell_error(-ESYNTAX, "'>' needs one file name after it");
                    goto fail;
                }
                *target = text;
                target = NULL;
            } else {
                if (n >= PIECES_MAX) {
                    free(text);
                    rc = shell_error(-E2BIG, "too many operators on one line");
                    goto fail;
                }
                pc[n++].text = text;
            }
            if (i == len)
                break;
            if (ops[hit].w[0] == '>') {
                if (pc[n - 1].redir) {
                    rc = shell_error(-ESYNTAX, "two redirections for one command");
                    goto fail;
                }
                pc[n - 1].append = ops[hit].w[1] == '>';
                target = &pc[n - 1].redir;
            } else {
                pc[n - 1].op = ops[hit].op;
            }
            i += strlen8(ops[hit].w);
            start = i;
            word_start = true;
            continue;
        }
        if (part[i] == '\\' && !quoted && i + 1 < len) {
            /* grub4dos: a backslash escapes outside quotes only; "\" is a backslash */
            i += 2;
            word_start = false;
            continue;
        }
        if (part[i] == '"')
            quoted = !quoted;
        word_start = !quoted && is_space((unsigned char)part[i]);
        i++;
    }
    if (target) {
        rc = shell_error(-ESYNTAX, "'>' needs a file name");
        goto fail;
    }
    return n;

fail:
    /* a half-split line owns what it split so far */
    for (int k = 0; k < n; k++) {
        free(pc[k].text);
        free(pc[k].redir);
        pc[k].text = pc[k].redir = NULL;
    }
    return rc;
}

static void free_pieces(struct piece *pc, int n)
{
    for (int i = 0; i < n; i++) {
        free(pc[i].text);
        free(pc[i].redir);
    }
}

/* Write captured output to a file for > and >>. */
static int redirect_write(const char *target, bool append, const char *buf, size_t len)
{
    return fs_write_file(target, buf, len, append);
}

static bool is_nul(const char *t)
{
    return strcasecmp8(t, "nul") == 0;
}

/* Run one expanded piece (with its redirection); extra is piped input to append. */
static int run_piece(struct piece *p, const char *extra, bool capture, char **captured)
{
    int argc = 0, rc;
    char **argv = NULL, **rawv = NULL;
    char *text = p->text;
    char *joined = NULL;
    const char *target = p->redir ? skip_ws(p->redir) : NULL;
    bool redirect = target != NULL;

    if (extra && *extra) {
        /* grub4dos appends the piped text; a space only when the command has no arguments */
        const char *t = skip_ws(text);
        size_t n = strlen8(t);
        bool has_args = false;
        /*
         * the blank before a following '|' is not part of the command, else
         * `a | b | c` would join differently from `a | b` at the line end
         */
        while (n && is_space((unsigned char)t[n - 1]))
            n--;
        for (size_t k = 0; k < n; k++)
            has_args |= is_space((unsigned char)t[k]);
        joined = asprintf8("%.*s%s%s", (int)n, t, has_args ? "" : " ", extra);
        if (!joined) {
            report("line", -ENOMEM);
            shell.err_printed = true;
            shell.errnum = ENOMEM;
            return -ENOMEM;
        }
        text = joined;
    }
    rc = words_split(text, &argc, &argv, &rawv);
    free(joined);
    if (rc < 0) {
        shell.errnum = -rc;
        report("line", rc);
        shell.err_printed = true;
        return rc;
    }
    if (capture || redirect) {
        rc = con_capture_begin(redirect && is_nul(target));
        if (rc < 0) {
            words_free(argc, argv, rawv);
            return rc;
        }
    }
    if (redirect && is_nul(target))
        shell.held_error[0] = 0; /* this redirection holds its own errors */
    rc = shell_exec_argv(argc, argv, rawv);
    if (capture || redirect) {
        size_t len = 0;
        bool lost = false;
        char *out = con_capture_end(&len, &lost);
        if (lost && !(redirect && is_nul(target))) {
            /* never write or pipe on part of the output as if it were all */
            say_error("the output of '%s' is too large to redirect or pipe", argv[0]);
            free(out);
            out = NULL;
            rc = -E2BIG;
            shell.errnum = E2BIG;
        }
        if (redirect && !is_nul(target) && out) {
            int wrc = redirect_write(target, p->append, out, len);
            if (wrc < 0) {
                say_error("cannot write %s: %s", target, err_str(wrc));
                rc = wrc;
                shell.errnum = -wrc;
            }
        }
        if (capture && captured) {
            /* trailing line ends would only add blanks to the next command */
            while (out && len && (out[len - 1] == '\n' || out[len - 1] == '\r'))
                out[--len] = 0;
            *captured = out;
            out = NULL;
        }
        free(out);
    }
    words_free(argc, argv, rawv);
    return rc;
}

/*
 * The line itself failed before a command could (a syntax error, no memory
 * to expand it): said once, as a command's error would be, and untested.
 */
static int line_failed(int rc, bool *untested)
{
    report("line", rc);
    shell.err_printed = true;
    shell.errnum = -rc;
    *untested = true;
    return rc;
}

/*
 * After a piece ran: a `CMD > nul` that failed with nothing testing it shows
 * its held error now that the output is back on the screen, as grub4dos'
 * print_error does, when errorcheck is on (`errorcheck off` + `> nul` is how
 * grub4dos menus probe quietly). Inside an outer `> nul` the error stays
 * held for that one.
 */
static void show_held_error(const struct piece *p, int rc)
{
    if (con_discarding())
        return;
    if (rc < 0 && p->redir && is_nul(skip_ws(p->redir)) && shell.errorcheck)
        con_puts(shell.held_error);
    shell.held_error[0] = 0;
}

/*
 * Run one ;;-part. *untested is set when the last command failed with an
 * error that no && / || looked at (errorcheck stops the script on those).
 */
static int run_part(const char *part, size_t len, bool *untested)
{
    struct piece pc[PIECES_MAX];
    int n = split_pieces(part, len, pc), rc = 0, i;
    char *piped = NULL;

    *untested = false;
    if (n < 0)
        return line_failed(n, untested);
    /* grub4dos expands the whole part before running any of it */
    for (i = 0; i < n; i++) {
        char *e = shell_expand(pc[i].text);
        if (!e) {
            free_pieces(pc, n);
            return line_failed(-ENOMEM, untested);
        }
        free(pc[i].text);
        pc[i].text = e;
        if (pc[i].redir) {
            e = shell_expand(pc[i].redir);
            if (!e) {
                free_pieces(pc, n);
                return line_failed(-ENOMEM, untested);
            }
            free(pc[i].redir);
            pc[i].redir = e;
        }
    }
    for (i = 0; i < n;) {
        bool truth;
        char *out = NULL;
        shell.err_printed = false;
        if (!con_discarding())
            shell.held_error[0] = 0; /* held by an earlier line: not this one's */
        rc = run_piece(&pc[i], piped, pc[i].op == OP_PIPE, &out);
        free(piped);
        piped = NULL;
        if (shell.flow == FLOW_CANCEL && con_is_screen()) {
            /* Ctrl-C under > nul or a pipe: whoever pressed it is told, errorcheck or not */
            con_puts(shell.held_error);
            shell.held_error[0] = 0;
        }
        if (shell.flow != FLOW_NONE) {
            free(out); /* `goto x | echo`: the jump wins, the output goes */
            break;
        }
        if (pc[i].op == OP_PIPE) {
            show_held_error(&pc[i], rc); /* before the consumer says anything */
            piped = out;
            i++;
            continue;
        }
        free(out);
        truth = rc >= 0 && shell.retval != 0;
        switch (pc[i].op) {
        case OP_AND:
        case OP_OR:
        case OP_AND_SEG:
        case OP_OR_SEG: {
            bool want = pc[i].op == OP_AND || pc[i].op == OP_AND_SEG;
            /* the test looked at the result, so its error is handled */
            shell.errnum = 0;
            shell.held_error[0] = 0;
            if (truth == want) {
                i++;
                break;
            }
            if (pc[i].op == OP_AND_SEG || pc[i].op == OP_OR_SEG) {
                i = n;
                break;
            }
            /* skip to just past the next '!' */
            while (i < n && pc[i].op != OP_ELSE)
                i++;
            i++;
            break;
        }
        case OP_ELSE:
        case OP_END:
        default:
            *untested = rc < 0;
            show_held_error(&pc[i], rc);
            i = n;
            break;
        }
    }
    free(piped);
    free_pieces(pc, n);
    return rc;
}

/* The next ';;' word outside quotes in p, or NULL: where the current part ends. */
static const char *next_part(const char *p)
{
    bool quoted = false, word_start = true;
    for (const char *q = p; *q; q++) {
        if (*q == '\\' && !quoted && q[1]) {
            q++;
            word_start = false;
            continue;
        }
        if (*q == '"')
            quoted = !quoted;
        if (!quoted && word_start && op_word(q, ";;"))
            return q;
        word_start = !quoted && is_space((unsigned char)*q);
    }
    return NULL;
}

/* Run a whole line: ;;-parts in order, each expanded when it is reached. */
static int run_text(const char *line, bool *untested)
{
    const char *p = line;
    int rc = 0;
    *untested = false;
    for (;;) {
        const char *end = next_part(p);
        rc = run_part(p, end ? (size_t)(end - p) : strlen8(p), untested);
        if (!end || shell.flow != FLOW_NONE)
            break;
        p = end + 2;
    }
    return rc;
}

int shell_run_line(const char *line)
{
    bool untested;
    const char *t = skip_ws(line);
    if (is_blank_or_comment(t))
        return 0;
    return run_text(t, &untested);
}

/* ---- frames ---- */

/*
 * The line after label (case-insensitive, with or without ':') among lines
 * [begin, end) of s, or -1. A menu entry is such a range: its goto must not
 * land in the global section or in another entry.
 */
static long find_label(struct script *s, const char *label, size_t begin, size_t end)
{
    if (label[0] == ':')
        label++;
    for (size_t i = begin; i < end && i < s->nlines; i++) {
        const char *t = skip_ws(s->lines[i]);
        size_t n = strlen8(label);
        if (t[0] == ':' && t[1] != ':' && strncasecmp8(t + 1, label, n) == 0 &&
            (!t[1 + n] || is_space((unsigned char)t[1 + n])))
            return (long)i + 1;
    }
    return -1;
}

/* The text after '}' and 'else' on a closing line: NULL when there is no else. */
static const char *else_part(const char *closing)
{
    const char *t = skip_ws(skip_ws(closing) + 1);
    if (str_starts_case8(t, "else") && (!t[4] || is_space((unsigned char)t[4])))
        return skip_ws(t + 4);
    return NULL;
}

static int run_frame(struct frame *f)
{
    int rc = 0;
    const char *text = NULL; /* set when running the else part of a closing line */

    while (f->pc < f->end) {
        const char *t = text ? text : skip_ws(f->s->lines[f->pc]);
        bool untested = false;
        text = NULL;
        shell.where_file = f->s->name;
        shell.where_line = f->s->lineno[f->pc];

        if (is_blank_or_comment(t) || t[0] == ':' || str_starts8(t, "!BAT")) {
            f->pc++;
            continue;
        }
        if (f->s->match[f->pc] == MATCH_BROKEN) {
            /* unbalanced braces: running on would mean guessing which lines to skip */
            say_error("%s", t[0] == '}' ? "'}' without a matching '{'" : "'{' is not closed");
            shell.err_printed = true;
            shell.errnum = ESYNTAX;
            return -ESYNTAX;
        }
        if (t[0] == '}' && t == skip_ws(f->s->lines[f->pc])) {
            /* we ran off the end of a block that ran: skip any else chain */
            while (f->pc < f->end && else_part(f->s->lines[f->pc]) &&
                   f->s->match[f->pc] >= 0)
                f->pc = (size_t)f->s->match[f->pc];
            f->pc++;
            continue;
        }
        shell.block_entered = false;
        rc = run_text(t, &untested);
        /* a failed test line (`if a == b {`) stops the script like any error, not run the else */
        if (untested && shell.errorcheck && shell.flow == FLOW_NONE)
            return rc;
        if (shell.flow == FLOW_NONE && f->s->match[f->pc] >= 0 && !shell.block_entered) {
            /* the block was not entered: go to its closing line and take any else */
            const char *e;
            f->pc = (size_t)f->s->match[f->pc];
            e = else_part(f->s->lines[f->pc]);
            if (e && strcmp8(e, "{") == 0) {
                f->pc++;
            } else if (e && *e) {
                text = e;
            } else {
                f->pc++;
            }
            continue;
        }
        if (shell.flow == FLOW_GOTO) {
            long to = find_label(f->s, shell.flow_label, f->begin, f->end);
            shell.flow = FLOW_NONE;
            if (con_interrupted()) {
                /* every loop goes through goto: the one place a person can stop it */
                say_line("Interrupted (Ctrl-C)", true);
                shell.err_printed = true;
                shell.errnum = ECANCELED;
                shell.flow = FLOW_CANCEL;
                return -ECANCELED;
            }
            if (to < 0) {
                say_error("cannot find the batch label '%s'", shell.flow_label);
                shell.errnum = ENOENT;
                shell.err_printed = true; /* the caller must not report it again */
                return -ENOENT;
            }
            f->pc = (size_t)to;
            continue;
        }
        if (shell.flow == FLOW_RETURN) {
            shell.flow = FLOW_NONE;
            return 0;
        }
        if (shell.flow != FLOW_NONE)
            return rc; /* exit, boot, quit: the caller decides */
        if (untested && shell.errorcheck)
            return rc;
        /* a closing line with "} else CMD" whose CMD we just ran ends here */
        f->pc++;
    }
    return rc < 0 ? rc : 0;
}

static int run_in_frame(struct frame *f)
{
    int rc;
    if (shell.depth >= FRAME_DEPTH_MAX)
        return shell_error(-ELOOP, "scripts and calls nested more than %d deep", FRAME_DEPTH_MAX);
    f->up = shell.frame;
    f->local_base = var_local_depth();
    shell.frame = f;
    shell.depth++;
    rc = run_frame(f);
    /* leaving a batch or call ends the setlocals it opened */
    while (var_local_depth() > f->local_base)
        var_endlocal();
    shell.depth--;
    shell.frame = f->up;
    if (f->up) {
        shell.where_file = f->up->s->name;
        shell.where_line = f->up->s->lineno[f->up->pc < f->up->s->nlines ? f->up->pc : 0];
    } else {
        shell.where_file = NULL;
    }
    return rc;
}

/* Copy argv into a frame's own array (argv[0] replaced by arg0 when given). */
static char **copy_args(int argc, char **argv, const char *arg0)
{
    char **v = calloc((size_t)argc + 1, sizeof(char *));
    if (!v)
        return NULL;
    for (int i = 0; i < argc; i++) {
        v[i] = strdup8(i == 0 && arg0 ? arg0 : argv[i]);
        if (!v[i]) {
            words_free(i, v, NULL);
            return NULL;
        }
    }
    return v;
}

/* The end of a frame: exit n (n >= 1) keeps going up; exit 0 stops here. */
static int frame_result(int rc, bool is_batch_level)
{
    if (shell.flow == FLOW_EXIT) {
        if (shell.exit_code == 0) {
            shell.flow = FLOW_NONE;
            return 0;
        }
        /*
         * exit N stops every batch level; the outermost one (its caller is a
         * menu entry or the prompt, which have no arguments) turns it into a
         * failure of the command that ran the batch file, so errorcheck,
         * || and fallback see it.
         */
        if (is_batch_level && (!shell.frame || !shell.frame->argv))
            shell.flow = FLOW_NONE;
        return -(1000 + shell.exit_code);
    }
    return rc;
}

int shell_run_script(struct script *s, int argc, char **argv)
{
    struct frame f = { .s = s, .pc = 0, .end = s->nlines, .argc = argc, .arg0_is_file = true };
    int rc;
    f.argv = copy_args(argc, argv, NULL);
    if (!f.argv)
        return -ENOMEM;
    s->refs++;
    rc = run_in_frame(&f);
    words_free(f.argc, f.argv, NULL);
    script_put(s);
    return frame_result(rc, true);
}

int shell_call_file(const char *path, int argc, char **argv)
{
    struct script *s = NULL;
    int rc = script_load(path, &s);
    if (rc == -ESYNTAX) {
        /* the caller's file and line come first; the batch file's go in the message */
        char msg[sizeof(shell.errmsg)];
        snprintf(msg, sizeof(msg), "%s:%d: %s", s->name, shell.parse_line, shell.errmsg);
        strlcpy8(shell.errmsg, msg, sizeof(shell.errmsg));
        script_put(s);
        return rc;
    }
    if (rc) {
        script_put(s); /* a half-parsed script when memory ran out */
        return shell_error(rc, "cannot run %s: %s", path, err_str(rc));
    }
    if (!s->batch) {
        script_put(s);
        return shell_error(-ENOEXEC, "%s is not a batch file (no !BAT header)", path);
    }
    rc = shell_run_script(s, argc, argv);
    script_put(s);
    return rc;
}

int shell_call_label(const char *label, int argc, char **argv)
{
    struct frame f = { .argc = argc, .is_call = true };
    long to;
    int rc;
    if (!shell.frame || !shell.frame->s || !shell.frame->argv)
        return shell_error(-EINVAL, "call :label works only in batch files");
    f.s = shell.frame->s;
    f.begin = shell.frame->begin;
    f.end = shell.frame->end;
    to = find_label(f.s, label, f.begin, f.end);
    if (to < 0)
        return shell_error(-ENOENT, "cannot find the batch label '%s'", label);
    f.pc = (size_t)to;
    f.argv = copy_args(argc, argv, label);
    if (!f.argv)
        return -ENOMEM;
    rc = run_in_frame(&f);
    words_free(f.argc, f.argv, NULL);
    return frame_result(rc, false);
}

int shell_run_block(struct script *s, size_t from, size_t to, bool errorcheck)
{
    struct frame f = { .s = s, .begin = from, .pc = from, .end = to };
    size_t first = from;
    int rc;
    shell.errorcheck = errorcheck;
    shell.errnum = 0;
    while (first < to && !*skip_ws(s->lines[first]))
        first++;
    if (first < to && str_starts8(skip_ws(s->lines[first]), "!BAT")) {
        /* an entry starting with !BAT is a batch file held in memory: %0, call :label */
        f.argc = 1;
        f.argv = copy_args(1, &s->name, NULL);
        if (!f.argv)
            return -ENOMEM;
    }
    rc = run_in_frame(&f);
    words_free(f.argc, f.argv, NULL);
    if (shell.flow == FLOW_CANCEL) {
        shell.flow = FLOW_NONE; /* the entry stops here, failed (-ECANCELED) */
    } else if (shell.flow == FLOW_EXIT || shell.flow == FLOW_RETURN) {
        shell.flow = FLOW_NONE;
        rc = 0;
    }
    return rc;
}

bool shell_entry_number(const char *w)
{
    if (*w == '+' || *w == '-')
        w++;
    if (!*w)
        return false;
    for (; *w; w++)
        if (*w < '0' || *w > '9')
            return false;
    return true;
}

int shell_goto(const char *label)
{
    if (!shell.frame || !shell.frame->s)
        return shell_error(-EINVAL, "goto works only in scripts");
    shell.errorcheck = true;
    if (strcasecmp8(label, ":eof") == 0) {
        shell.flow = FLOW_RETURN;
        return 1;
    }
    if (strlen8(label) >= sizeof(shell.flow_label))
        return shell_error(-ENAMETOOLONG, "label too long");
    strlcpy8(shell.flow_label, label, sizeof(shell.flow_label));
    shell.flow = FLOW_GOTO;
    return 1;
}

int shell_shift(int n)
{
    struct frame *f = shell.frame;
    if (!f || !f->argv)
        return shell_error(-EINVAL, "shift works only in batch files");
    if (n < 0 || n >= f->argc)
        return n < 0 ? shell_error(-EINVAL, "bad shift position") : 0;
    if (n == 0)
        f->arg0_is_file = false;
    free(f->argv[n]);
    memmove(&f->argv[n], &f->argv[n + 1], (size_t)(f->argc - n) * sizeof(char *));
    f->argc--;
    return 1;
}

int shell_exit(int code)
{
    if (!shell.frame)
        return shell_error(-EINVAL, "exit works only in scripts (use Esc to leave the command line)");
    shell.flow = FLOW_EXIT;
    shell.exit_code = code;
    if (code == 0)
        return 1;
    shell.errnum = 1000 + code;
    shell.err_printed = true; /* a deliberate stop, not an error to report */
    return -(1000 + code);
}

int shell_frame_local_base(void)
{
    return shell.frame ? shell.frame->local_base : 0;
}

int shell_split_commands(const char *line, char ***out, int *nout)
{
    const char *p = skip_ws(line);
    char **v = NULL;
    int n = 0, rc = 0;
    for (;;) {
        struct piece pc[PIECES_MAX];
        const char *end = next_part(p);
        int k;
        k = split_pieces(p, end ? (size_t)(end - p) : strlen8(p), pc);
        if (k < 0) {
            rc = k;
            break;
        }
        {
            char **nv = realloc(v, sizeof(char *) * (size_t)(n + k + 1));
            if (!nv) {
                free_pieces(pc, k);
                rc = -ENOMEM;
                break;
            }
            v = nv;
        }
        for (int i = 0; i < k; i++) {
            v[n++] = pc[i].text;
            pc[i].text = NULL;
        }
        free_pieces(pc, k);
        if (!end)
            break;
        p = end + 2;
    }
    if (rc) {
        for (int i = 0; i < n; i++)
            free(v[i]);
        free(v);
        return rc;
    }
    *out = v;
    *nout = n;
    return 0;
}

long shell_find_label(struct script *s, const char *label, size_t begin, size_t end)
{
    return find_label(s, label, begin, end);
}
