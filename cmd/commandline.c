/* commandline: open the command line; Esc comes back. */
#include "../src/shell.h"

static int commandline_exec(struct cmd_args *a)
{
    bool saved = shell.interactive;
    struct frame *frame = shell.frame;
    int rc = shell_need_keyboard("commandline");
    if (rc)
        return rc;
    /*
     * The prompt runs outside the script that called us; shell.depth stays,
     * so nesting commandline in scripts still counts against the limit.
     */
    shell.frame = NULL;
    cmdline_run(true);
    shell.frame = frame;
    shell.interactive = saved;
    return 1;
}

COMMAND(commandline, commandline_exec, "commandline",
        "Open the command line. Esc returns to where it was called from.", NULL);
