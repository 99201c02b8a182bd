/* clear: clear the screen. */
#include "../src/platform.h"
#include "../src/shell.h"

static int clear_exec(struct cmd_args *a)
{
    if (con_is_screen()) {
        con_set_normal();
        scr_clear();
    }
    return 1;
}

COMMAND(clear, clear_exec, "clear", "Clear the screen.", NULL);
