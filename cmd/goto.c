/* goto [:]LABEL | goto :eof — jump inside the running batch file or entry. */
#include "../src/shell.h"

static int goto_exec(struct cmd_args *a)
{
    if (a->first >= a->argc)
        return shell_error(-EINVAL, "goto: missing label");
    return shell_goto(a->argv[a->first]);
}

COMMAND(goto, goto_exec, "goto [:]LABEL",
        "Continue at the line after ':LABEL' (labels ignore case). 'goto :eof' ends the batch\n"
        "file, or returns from a 'call :label'. goto turns errorcheck on, as in grub4dos.",
        NULL);
