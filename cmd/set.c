/*
 * set: variables, as in grub4dos.
 *   set                 list all (NAME=VALUE, in creation order); returns the count
 *   set PREFIX          list those starting with PREFIX; returns the count
 *   set NAME=VALUE      store VALUE verbatim (spaces kept); NAME= deletes
 *   set /a NAME=EXPR    arithmetic, stored in decimal (/A: hex)
 *   set /p NAME=PROMPT  read a line (Esc or empty: unchanged, returns 0)
 *   set /l, /u          lower/upper-case the value
 *   set *               delete all
 */
#include "../src/shell.h"

struct count_ctx {
    int n;
};

static void print_var(const char *name, const char *value, void *ctx)
{
    ((struct count_ctx *)ctx)->n++;
    con_printf("%s=%s\n", name, value);
}

static int set_exec(struct cmd_args *a)
{
    bool arith = false, hex = false, prompt = false, lower = false, upper = false;
    int i = 1, rc;
    const char *spec, *eq;
    char name[VAR_NAME_MAX + 1], *value;
    size_t nlen;

    for (; i < a->argc && a->argv[i][0] == '/' && a->argv[i][1] && !a->argv[i][2]; i++) {
        switch (a->argv[i][1]) {
        case 'a': arith = true; break;
        case 'A': arith = hex = true; break;
        case 'p': prompt = true; break;
        case 'l': lower = true; break;
        case 'u': upper = true; break;
        default: return shell_error(-EINVAL, "set: unknown switch '%s'", a->argv[i]);
        }
    }
    if (i >= a->argc) {
        struct count_ctx c = { 0 };
        var_foreach("", print_var, &c);
        return c.n;
    }
    spec = a->rawv[i];
    if (strcmp8(a->argv[i], "*") == 0 && a->argc == i + 1) {
        var_clear_all();
        return 1;
    }
    /* set "NAME=VALUE": the quotes go */
    if (spec[0] == '"') {
        spec = a->argv[i];
    }
    eq = strchr8(spec, '=');
    if (!eq) {
        struct count_ctx c = { 0 };
        if (arith) {
            long long v;
            rc = calc_eval(spec, &v);
            if (rc)
                return shell_error(rc, "set /a: %s in '%s'", calc_strerror(rc), spec);
            shell_set_retval(v);
            return 1;
        }
        var_foreach(a->argv[i], print_var, &c);
        return c.n;
    }
    nlen = (size_t)(eq - spec);
    while (nlen && spec[nlen - 1] == ' ')
        nlen--;
    if (nlen == 0 || nlen > VAR_NAME_MAX)
        return shell_error(-EINVAL, "set: bad variable name in '%s'", spec);
    memcpy(name, spec, nlen);
    name[nlen] = 0;
    if (!var_name_valid(name))
        return shell_error(-EINVAL, "set: bad variable name '%s'", name);
    if (arith) {
        long long v;
        char buf[24];
        rc = calc_eval(spec, &v);
        if (rc)
            return shell_error(rc, "set /a: %s in '%s'", err_str(rc), spec);
        snprintf(buf, sizeof(buf), hex ? "0x%llX" : "%lld", v);
        rc = var_set(name, buf);
        if (rc)
            return rc;
        shell_set_retval(v);
        return 1;
    }
    /* grub4dos skips blanks and extra '=' after the name */
    eq++;
    while (*eq == ' ' || *eq == '=')
        eq++;
    if (prompt) {
        char line[VAR_VALUE_MAX];
        rc = shell_need_keyboard("set /p");
        if (rc)
            return rc;
        con_puts(eq);
        if (cmdline_read("", NULL, line, sizeof(line), false, false) != 0 || !line[0])
            return 0;
        value = strdup8(line);
    } else {
        value = strdup8(eq);
    }
    if (!value)
        return -ENOMEM;
    for (char *p = value; *p; p++)
        *p = (char)(lower ? to_lower((unsigned char)*p) : upper ? to_upper((unsigned char)*p) : *p);
    rc = var_set(name, value);
    nlen = strlen8(value);
    free(value);
    if (rc)
        return shell_error(rc, "set %s: %s", name, err_str(rc));
    return nlen ? (int)nlen : 1;
}

COMMAND(set, set_exec, "set [/p] [/a|/A] [/l|/u] [NAME=[VALUE]] | set PREFIX | set *",
        "Set NAME to VALUE (spaces kept; an empty VALUE deletes NAME). Without '=', list the\n"
        "variables starting with PREFIX (all without an argument). /a evaluates VALUE as\n"
        "64-bit arithmetic with C precedence (/A stores it in hex); /p prints VALUE as a\n"
        "prompt and reads the new value; /l and /u change its case. 'set *' deletes all.",
        NULL);
