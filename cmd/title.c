/*
 * title / iftitle: these start menu entries and are read by menu/menu.c when
 * a menu file is loaded; they only get here when typed at the command line.
 */
#include "../src/shell.h"

static int title_exec(struct cmd_args *a)
{
    return shell_error(-EINVAL, "%s: only starts an entry in a menu file", a->argv[0]);
}

COMMAND(title, title_exec, "title TEXT[\\nHELP]",
        "In a menu file: start an entry. TEXT takes echo -e escapes; what follows the first\n"
        "\\n is help text shown while the entry is highlighted.",
        NULL);
COMMAND(iftitle, title_exec, "iftitle [COMMAND] TEXT[\\nHELP]",
        "In a menu file: start an entry that is shown only when COMMAND, run as the menu\n"
        "loads, returns true. Example: iftitle [if exist /bootmgr] Windows",
        NULL);
