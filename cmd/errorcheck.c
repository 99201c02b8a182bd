/* errorcheck [on|off|status] and errnum. */
#include "../src/shell.h"

static int errorcheck_exec(struct cmd_args *a)
{
    const char *w = a->first < a->argc ? a->argv[a->first] : NULL;
    if (!w)
        shell.errorcheck = !shell.errorcheck;
    else if (strcasecmp8(w, "on") == 0)
        shell.errorcheck = true;
    else if (strcasecmp8(w, "off") == 0)
        shell.errorcheck = false;
    else if (strcasecmp8(w, "status") == 0)
        con_printf("errorcheck is %s\n", shell.errorcheck ? "on" : "off");
    else
        return shell_error(-EINVAL, "errorcheck: expected on, off or status, not '%s'", w);
    return shell.errorcheck;
}

static int errnum_exec(struct cmd_args *a)
{
    int n = shell.errnum;
    if (shell.interactive)
        con_printf("errnum is %d\n", n);
    shell_set_retval(n);
    return n;
}

COMMAND(errorcheck, errorcheck_exec, "errorcheck [on|off|status]",
        "With errorcheck on, a script stops at the first command that fails with an error\n"
        "(a failure tested with && or || does not count). Without an argument it toggles.\n"
        "Returns 1 when on. Every menu entry and every goto turn it on, as in grub4dos.",
        NULL);
COMMAND(errnum, errnum_exec, "errnum",
        "Return the error number of the previous command (0 when it succeeded), for\n"
        "example 'checkrange 15 errnum'.",
        NULL);
