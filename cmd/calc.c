/* calc EXPRESSION: 64-bit arithmetic (see src/calc.c). */
#include "../src/shell.h"

static int calc_exec(struct cmd_args *a)
{
    long long v;
    int rc;
    if (a->first >= a->argc)
        return shell_error(-EINVAL, "calc: missing expression");
    rc = calc_eval(a->rawv[a->first], &v);
    if (rc)
        return shell_error(rc, "calc: %s in '%s'", calc_strerror(rc), a->rawv[a->first]);
    /* grub4dos prints only at the prompt (debug level 1) */
    if (shell.interactive)
        con_printf(" %lld (HEX:0x%llX)\n", v, (unsigned long long)v);
    shell_set_retval(v);
    {
        char buf[24];
        snprintf(buf, sizeof(buf), "%lld", v);
        shell_set_retstr(buf);
    }
    /* the value decides && and ||: 0 is false */
    return v != 0;
}

COMMAND(calc, calc_exec, "calc [NAME[op]=]EXPRESSION",
        "Evaluate 64-bit integer arithmetic: + - * / % << >> & | ^ ~ ! == != < <= > >= && ||\n"
        "with C precedence and parentheses; numbers in decimal or 0x hex (k, m, g, t\n"
        "suffixes). NAME=, NAME+= ... store the result in a variable. The result is\n"
        "@retval64 and %?%; it is printed at the command line; 0 counts as false.",
        NULL);
