/* setlocal / endlocal: save and restore the variables and the root device. */
#include "../src/shell.h"

static int setlocal_exec(struct cmd_args *a)
{
    int rc = var_setlocal();
    if (rc)
        return shell_error(rc, "setlocal: %s", rc == -ELOOP ? "nested too deeply" : err_str(rc));
    return 1;
}

static int endlocal_exec(struct cmd_args *a)
{
    /* only setlocals opened by this batch level: a caller's stay */
    if (var_local_depth() <= shell_frame_local_base())
        return 0;
    return var_endlocal() == 0 ? 1 : 0;
}

COMMAND(setlocal, setlocal_exec, "setlocal",
        "Save all variables and the root device; endlocal (or the end of the batch file\n"
        "or call) restores them.",
        NULL);
COMMAND(endlocal, endlocal_exec, "endlocal",
        "Restore what the last setlocal of this batch level saved. Returns false when\n"
        "there is none.",
        NULL);
