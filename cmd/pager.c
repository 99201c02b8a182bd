/*
 * pager [on|off|status]: grub4dos' pager. With it on, screen output stops
 * with "-- more --" after a screenful since the last key press (a capture
 * or > nul never waits). No argument toggles it; status says which it is
 * and returns 1 for on, 0 for off, as menus test it with %@retval%.
 */
#include "../src/shell.h"

static int pager_exec(struct cmd_args *a)
{
    const char *arg = a->first < a->argc ? a->argv[a->first] : NULL;
    if (!arg)
        con_pager_set(!con_pager);
    else if (strcasecmp8(arg, "on") == 0)
        con_pager_set(true);
    else if (strcasecmp8(arg, "off") == 0)
        con_pager_set(false);
    else if (strcasecmp8(arg, "status") != 0)
        return shell_error(-EINVAL, "pager: '%s' is not on, off or status", arg);
    if (!arg || strcasecmp8(arg, "status") == 0)
        con_printf("Internal pager mode is %s\n", con_pager ? "on" : "off");
    shell_set_retval(con_pager);
    return 1;
}

COMMAND(pager, pager_exec, "pager [on|off|status]",
        "Turn the pager on or off, or toggle it with no argument; status says which it\n"
        "is and returns 1 (on) or 0 (off) in %@retval%. With the pager on, screen output\n"
        "stops with '-- more --' after a screenful since the last key.",
        NULL);
