/* boot: start what a loader command set up. */
#include "../src/shell.h"

static int boot_exec(struct cmd_args *a)
{
    return boot_run();
}

COMMAND(boot, boot_exec, "boot",
        "Start what chainloader or kernel loaded. A menu entry does this by itself at its end.",
        NULL);
