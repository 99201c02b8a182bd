/*
 * if [/i] [not] A==B|A<=B|A>=B [COMMAND]
 * if [not] exist FILE|VARIABLE [COMMAND]
 * grub4dos rules: no spaces around the operator; numbers compare as numbers
 * when both sides start with one; quotes are part of the strings. A true
 * test runs COMMAND (its value is the result) or returns 1; false returns 0,
 * which is not an error. `if ... {` opens a block (see interp.c).
 */
#include "../fs/fs.h"
#include "../src/shell.h"

/* The number a string starts with (grub4dos ignores what follows). */
static bool leading_number(const char *s, long long *v)
{
    char *end;
    bool neg = *s == '-';
    const char *p = neg ? s + 1 : s;
    unsigned long long u;
    if (!is_digit((unsigned char)*p))
        return false;
    u = strtoull(p, &end, (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) ? 16 : 10);
    switch (*end) {
    case 'k': case 'K': u <<= 10; break;
    case 'm': case 'M': u <<= 20; break;
    case 'g': case 'G': u <<= 30; break;
    case 't': case 'T': u <<= 40; break;
    default: break;
    }
    *v = neg ? (long long)(0 - u) : (long long)u;
    return true;
}

static int compare(const char *cond, bool icase, bool *result)
{
    const char *op = NULL;
    int kind = 0;
    char *lhs;
    const char *rhs;
    long long a, b;
    int c;
    bool quoted = false;
    for (const char *p = cond; *p; p++) {
        if (*p == '"')
            quoted = !quoted;
        if (quoted)
            continue;
        if ((p[0] == '=' || p[0] == '<' || p[0] == '>') && p[1] == '=') {
            op = p;
            kind = p[0];
            break;
        }
    }
    if (!op)
        return shell_error(-EINVAL, "if: expected A==B, A<=B, A>=B or exist X, not '%s'", cond);
    lhs = strndup8(cond, (size_t)(op - cond));
    if (!lhs)
        return -ENOMEM;
    rhs = op + 2;
    if (leading_number(lhs, &a) && leading_number(rhs, &b))
        c = a < b ? -1 : a > b;
    else
        c = icase ? strcasecmp8(lhs, rhs) : strcmp8(lhs, rhs);
    free(lhs);
    *result = kind == '=' ? c == 0 : kind == '<' ? c <= 0 : c >= 0;
    return 0;
}

static int if_exec(struct cmd_args *a)
{
    bool icase = false, negate = false, result = false;
    int i = 1, rc;
    for (; i < a->argc; i++) {
        if (strcasecmp8(a->argv[i], "/i") == 0)
            icase = true;
        else if (strcasecmp8(a->argv[i], "not") == 0)
            negate = !negate;
        else
            break;
    }
    if (i >= a->argc)
        return shell_error(-EINVAL, "if: missing condition");
    if (strcasecmp8(a->argv[i], "exist") == 0) {
        const char *x;
        if (++i >= a->argc)
            return shell_error(-EINVAL, "if exist: missing file or variable");
        x = a->argv[i];
        /* grub4dos: a word starting below '@' ('/', '(', digits) is a file */
        if ((unsigned char)x[0] < '@') {
            struct fs_file *f;
            char *saved = strdup8(shell.errmsg);
            result = fs_open(x, &f) == 0;
            if (result)
                fs_close(f);
            /* a missing file is an answer here, not an error */
            strlcpy8(shell.errmsg, saved ? saved : "", sizeof(shell.errmsg));
            free(saved);
        } else {
            result = var_get(x) != NULL;
        }
    } else {
        /* the raw word: quotes stay part of the strings, as in grub4dos */
        char *cond = strdup8(a->rawv[i]);
        char *sp;
        if (!cond)
            return -ENOMEM;
        for (sp = cond; *sp && !is_space((unsigned char)*sp); sp++)
            if (*sp == '"') {
                char *q = strchr8(sp + 1, '"');
                sp = q ? q : sp + strlen8(sp) - 1;
            }
        *sp = 0;
        rc = compare(cond, icase, &result);
        free(cond);
        if (rc)
            return rc;
    }
    i++;
    if (result == negate)
        return 0;
    if (i >= a->argc)
        return 1;
    return shell_exec_argv(a->argc - i, a->argv + i, a->rawv + i);
}

COMMAND(if, if_exec,
        "if [/i] [not] A==B|A<=B|A>=B [COMMAND] | if [not] exist FILE|VARIABLE [COMMAND]",
        "Run COMMAND when the test holds. No spaces around the operator. Both sides\n"
        "starting with a number compare as numbers, else as strings (/i ignores case).\n"
        "'exist' tests a file (a word starting with '/', '(' or a digit) or a variable.\n"
        "End the line with '{' for a block; '} else {' and '} else if ... {' continue it.",
        NULL);
