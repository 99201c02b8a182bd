/*
 * debug [on|normal|off|status|N|msg=N|ctrl-c-trap=N]: grub4dos' debug level.
 * 0 (off) keeps commands quiet, 1 (normal) is where mapboot starts, 2 (on)
 * and above add what helps find a fault: `connect` names each controller
 * whose driver failed. Real menus wrap a noisy command in `debug normal`
 * ... `debug off`, so the words matter more than the numbers.
 */
#include "../src/shell.h"

static int debug_exec(struct cmd_args *a)
{
    const char *w = a->first < a->argc ? a->argv[a->first] : NULL;
    long long n;
    if (!w) {
        /* grub4dos once toggled here; its UEFI build changes nothing: say where it is */
        con_printf(" Debug is now %d\n", shell.debug);
    } else if (strcasecmp8(w, "on") == 0) {
        shell.debug = 2;
    } else if (strcasecmp8(w, "normal") == 0) {
        shell.debug = 1;
    } else if (strcasecmp8(w, "off") == 0) {
        shell.debug = 0;
    } else if (strcasecmp8(w, "status") == 0) {
        con_printf(" Debug is now %d\n", shell.debug);
    } else if (strncasecmp8(w, "msg=", 4) == 0 || strncasecmp8(w, "ctrl-c-trap=", 12) == 0) {
        /* grub4dos' message-box and Ctrl-C trap settings: Ctrl-C always works here */
        const char *v = strchr8(w, '=') + 1;
        if (parse_num(v, &n) != 0)
            return shell_error(-EINVAL, "debug: '%s' is not a number", v);
    } else if (parse_num(w, &n) == 0) {
        if (n < 0 || n > 255)
            return shell_error(-EINVAL, "debug: level %lld is out of range (0 to 255)", n);
        shell.debug = (int)n;
    } else {
        /* grub4dos steps through a command here; mapboot has no single-step mode */
        return shell_error(-EINVAL, "debug: expected on, normal, off, status or a level, not "
                                    "'%s' (stepping through a command is not supported)", w);
    }
    shell_set_retval(shell.debug);
    return shell.debug;
}

COMMAND(debug, debug_exec, "debug [on|normal|off|status|N]",
        "Set the debug level: off (0) keeps commands quiet, normal (1) is the default, on (2)\n"
        "and higher print what helps find a fault (connect names each controller whose\n"
        "driver failed). status or no argument shows the level. msg=N and ctrl-c-trap=N\n"
        "are accepted for grub4dos menus and change nothing. Returns the level.",
        NULL);
