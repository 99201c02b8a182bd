/* commandline: open the command line; Esc comes back. */
#include "../src/shell.h"

static int commandline_exec(struct cmd_args *a)
{
    bool saved = shell.interactive;
    struct frame *frame = shell.frame;
    int depth = shell.depth;
    int rc = shell_need_keyboard("commandline");
    if (rc)
        return rc;
    /* the prompt runs outside the script that called us */
    shell.frame = NULL;
    shell.depth = 0;
    cmdline_run(true);
    shell.frame = frame;
    shell.depth = depth;
    shell.interactive = saved;
    return 1;
}

COMMAND(commandline, commandline_exec, "commandline",
        "Open the command line. Esc returns to where it was called from.", NULL);
