/*
 * Word splitting and %-expansion for the interpreter.
 *
 * Expansion follows grub4dos: %NAME% (undefined is empty), %?% and the @
 * built-ins, %var:~start,len% substrings, '^' inside %..% to stop expansion,
 * and in batch files %0-%9 (%9 is all remaining arguments), %*, %% and the
 * %~dpnxfz0 path modifiers.
 */
#include "../fs/fs.h"
#include "shell.h"

struct sbuf {
    char *s;
    size_t len, cap;
    bool oom;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 128;
        char *p;
        while (cap < b->len + n + 1)
            cap *= 2;
        p = realloc(b->s, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

static void sb_adds(struct sbuf *b, const char *s)
{
    sb_add(b, s, strlen8(s));
}

static char *sb_done(struct sbuf *b)
{
    if (b->oom) {
        free(b->s);
        return NULL;
    }
    if (!b->s)
        return strdup8("");
    return b->s;
}

/* %var:~start,len% on value v, appended to b. */
static void substring(struct sbuf *b, const char *v, const char *spec)
{
    long long start = 0, len;
    long long n = (long long)strlen8(v);
    char *end;
    start = strtoll(spec, &end, 0);
    len = n;
    if (*end == ',')
        len = strtoll(end + 1, NULL, 0);
    if (start < 0)
        start = n + start < 0 ? 0 : n + start;
    if (start > n)
        start = n;
    if (len < 0)
        len = (n - start) + len;
    if (len < 0)
        len = 0;
    if (len > n - start) /* not start + len > n: that overflows for a huge len */
        len = n - start;
    sb_add(b, v + start, (size_t)len);
}

/* %~MODS N: parts of a path argument (dpnx = device, path, name, extension; f full; z size). */
static void path_modifiers(struct sbuf *b, const char *mods, size_t nmods, const char *arg)
{
    char full[FS_PATH_MAX], dev[64];
    const char *path, *slash, *name, *dot;
    char *unq = NULL;
    size_t alen = strlen8(arg);
    if (alen >= 2 && arg[0] == '"' && arg[alen - 1] == '"') {
        unq = strndup8(arg + 1, alen - 2);
        if (unq)
            arg = unq;
    }
    if (nmods == 0) {
        sb_adds(b, arg);
        free(unq);
        return;
    }
    if (fs_resolve(arg, full, sizeof(full)) != 0)
        strlcpy8(full, arg, sizeof(full));
    free(unq);
    path = full;
    dev[0] = 0;
    if (full[0] == '(') {
        const char *close = strchr8(full, ')');
        if (close) {
            size_t n = (size_t)(close - full) + 1;
            if (n < sizeof(dev)) {
                memcpy(dev, full, n);
                dev[n] = 0;
            }
            path = close + 1;
        }
    }
    slash = strrchr8(path, '/');
    name = slash ? slash + 1 : path;
    dot = strrchr8(name, '.');
    if (!dot)
        dot = name + strlen8(name);
    for (size_t i = 0; i < nmods; i++) {
        switch (mods[i]) {
        case 'f':
            sb_adds(b, full);
            break;
        case 'd':
            sb_adds(b, dev);
            break;
        case 'p':
            if (slash)
                sb_add(b, path, (size_t)(slash - path) + 1);
            break;
        case 'n':
            sb_add(b, name, (size_t)(dot - name));
            break;
        case 'x':
            sb_adds(b, dot);
            break;
        case 'z': {
            struct fs_file *f;
            char num[24];
            if (fs_open(full, &f) == 0) {
                snprintf(num, sizeof(num), "0x%llx", (unsigned long long)fs_size(f));
                sb_adds(b, num);
                fs_close(f);
            }
            break;
        }
        default:
            break;
        }
    }
}

char *shell_expand(const char *src)
{
    struct sbuf b = { 0 };
    int argc = 0;
    char **argv = NULL;
    shell_frame_args(&argc, &argv);

    for (const char *p = src; *p;) {
        const char *close;
        if (*p != '%') {
            const char *q = strchr8(p, '%');
            size_t n = q ? (size_t)(q - p) : strlen8(p);
            sb_add(&b, p, n);
            p += n;
            continue;
        }
        /* batch parameters */
        if (argv) {
            if (p[1] == '%') {
                sb_add(&b, "%", 1);
                p += 2;
                continue;
            }
            if (is_digit((unsigned char)p[1])) {
                int i = p[1] - '0';
                if (i == 9) {
                    for (int k = 9; k < argc; k++) {
                        if (k > 9)
                            sb_add(&b, " ", 1);
                        sb_adds(&b, argv[k]);
                    }
                } else if (i < argc) {
                    sb_adds(&b, argv[i]);
                }
                p += 2;
                continue;
            }
            if (p[1] == '*') {
                for (int k = 1; k < argc && argv[k][0]; k++) {
                    sb_adds(&b, argv[k]);
                    sb_add(&b, " ", 1);
                }
                p += 2;
                continue;
            }
            if (p[1] == '~') {
                const char *m = p + 2;
                while (*m && strchr8("dpnxfz", *m))
                    m++;
                if (is_digit((unsigned char)*m)) {
                    int i = *m - '0';
                    size_t nmods = (size_t)(m - (p + 2));
                    const char *file = shell_frame_file();
                    if (i == 0 && nmods && file)
                        path_modifiers(&b, p + 2, nmods, file);
                    else if (i < argc)
                        path_modifiers(&b, p + 2, nmods, argv[i]);
                    p = m + 1;
                    continue;
                }
            }
        }
        /* %NAME%, %?%, %@x%; '^' inside stops expansion */
        close = strchr8(p + 1, '%');
        if (close && close > p + 1 && (unsigned char)p[1] >= '?' &&
            (size_t)(close - p) <= VAR_NAME_MAX + 40) {
            char name[VAR_NAME_MAX + 41];
            const char *colon;
            size_t n = (size_t)(close - p - 1);
            bool ok = true;
            memcpy(name, p + 1, n);
            name[n] = 0;
            for (size_t i = 0; i < n; i++)
                if (is_space((unsigned char)name[i]))
                    ok = false;
            if (ok && strchr8(name, '^')) {
                sb_add(&b, "%", 1);
                for (size_t i = 0; i < n; i++)
                    if (name[i] != '^')
                        sb_add(&b, &name[i], 1);
                sb_add(&b, "%", 1);
                p = close + 1;
                continue;
            }
            if (ok) {
                const char *v;
                colon = strstr8(name, ":~");
                if (colon)
                    name[colon - name] = 0;
                v = var_get(name);
                if (v && colon)
                    substring(&b, v, colon + 2);
                else if (v)
                    sb_adds(&b, v);
                p = close + 1;
                continue;
            }
        }
        sb_add(&b, "%", 1);
        p++;
    }
    return sb_done(&b);
}

/* ---- escapes ---- */

static int hexval(int c)
{
    return is_digit(c) ? c - '0' : to_lower(c) - 'a' + 10;
}

size_t str_unescape(const char *s, char *out, bool nul_ok)
{
    char *o = out;
    while (*s) {
        int v = 0, k = 0;
        if (*s != '\\' || !s[1]) {
            *o++ = *s++;
            continue;
        }
        s++;
        switch (*s) {
        case 'n': *o++ = '\n'; s++; break;
        case 't': *o++ = '\t'; s++; break;
        case 'r': *o++ = '\r'; s++; break;
        case 'a': *o++ = '\a'; s++; break;
        case 'b': *o++ = '\b'; s++; break;
        case 'f': *o++ = '\f'; s++; break;
        case 'v': *o++ = '\v'; s++; break;
        case 'x':
            for (s++; k < 2 && is_xdigit((unsigned char)*s); k++)
                v = v * 16 + hexval((unsigned char)*s++);
            if (k == 0)
                *o++ = 'x';
            else if (v || nul_ok)
                *o++ = (char)v;
            break;
        case 'X':
            /* a UTF-16 code unit, written as UTF-8 */
            for (s++; k < 4 && is_xdigit((unsigned char)*s); k++)
                v = v * 16 + hexval((unsigned char)*s++);
            if (k == 0)
                *o++ = 'X';
            else if (v || nul_ok)
                o += v ? utf8_encode((uint32_t)v, o) : (*o = 0, 1);
            break;
        default:
            if (*s >= '0' && *s <= '7') {
                for (; k < 3 && *s >= '0' && *s <= '7' && v * 8 + (*s - '0') <= 0377; k++)
                    v = v * 8 + (*s++ - '0');
                if (v || nul_ok)
                    *o++ = (char)v;
            } else {
                *o++ = *s++;
            }
            break;
        }
    }
    *o = 0;
    return (size_t)(o - out);
}

char *words_raw(int argc, char **rawv, int i)
{
    size_t n = strlen8(rawv[i]);
    char *out, *o;
    if (i + 1 < argc)
        n -= strlen8(rawv[i + 1]);
    while (n && is_space((unsigned char)rawv[i][n - 1]))
        n--;
    if (!(out = malloc(n + 1)))
        return NULL;
    /* the quotes go; a backslash and what it escapes stay, for str_unescape */
    bool quoted = false;
    o = out;
    for (size_t k = 0; k < n; k++) {
        if (rawv[i][k] == '\\' && !quoted && k + 1 < n) {
            *o++ = rawv[i][k++];
            *o++ = rawv[i][k];
        } else if (rawv[i][k] == '"') {
            quoted = !quoted;
        } else {
            *o++ = rawv[i][k];
        }
    }
    *o = 0;
    return out;
}

/* ---- words ---- */

void words_free(int argc, char **argv, char **rawv)
{
    for (int i = 0; i < argc; i++) {
        if (argv)
            free(argv[i]);
        if (rawv)
            free(rawv[i]);
    }
    free(argv);
    free(rawv);
}

int words_split(const char *text, int *pargc, char ***pargv, char ***prawv)
{
    char **argv = calloc(SHELL_MAX_ARGS + 1, sizeof(char *));
    char **rawv = calloc(SHELL_MAX_ARGS + 1, sizeof(char *));
    int argc = 0, rc = 0;
    const char *p = text;
    size_t tlen = strlen8(text);

    if (!argv || !rawv) {
        free(argv);
        free(rawv);
        return -ENOMEM;
    }
    /* the raw tail of the line, without trailing blanks */
    while (tlen && is_space((unsigned char)text[tlen - 1]))
        tlen--;
    for (;;) {
        struct sbuf w = { 0 };
        bool quoted = false;
        while (p < text + tlen && is_space((unsigned char)*p))
            p++;
        if (p >= text + tlen)
            break;
        if (argc >= SHELL_MAX_ARGS) {
            rc = shell_error(-E2BIG, "more than %d words in one command", SHELL_MAX_ARGS);
            break;
        }
        rawv[argc] = strndup8(p, (size_t)(text + tlen - p));
        for (; p < text + tlen; p++) {
            if (*p == '\\' && !quoted && p + 1 < text + tlen) {
                /* as in grub4dos, only outside quotes: "\" is one backslash */
                p++;
                sb_add(&w, p, 1);
            } else if (*p == '"') {
                quoted = !quoted;
            } else if (!quoted && is_space((unsigned char)*p)) {
                break;
            } else {
                sb_add(&w, p, 1);
            }
        }
        argv[argc] = sb_done(&w);
        if (!argv[argc] || !rawv[argc]) {
            argc++;
            rc = -ENOMEM;
            break;
        }
        argc++;
        /* a quote left open runs to the end of the line, as in grub4dos */
    }
    if (rc) {
        words_free(argc, argv, rawv);
        return rc;
    }
    *pargc = argc;
    *pargv = argv;
    *prawv = rawv;
    return 0;
}
