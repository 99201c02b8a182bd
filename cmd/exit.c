/* exit [N]: leave the batch file; N >= 1 leaves every level with errnum 1000+N. */
#include "../src/shell.h"

static int exit_exec(struct cmd_args *a)
{
    long long n = 0;
    if (a->first < a->argc && (parse_num(a->argv[a->first], &n) || n < 0 || n > 255))
        return shell_error(-EINVAL, "exit: bad code '%s' (0-255)", a->argv[a->first]);
    return shell_exit((int)n);
}

COMMAND(exit, exit_exec, "exit [N]",
        "Leave the running batch file. 'exit' or 'exit 0' ends this level (a 'call :label'\n"
        "returns); 'exit N' with N >= 1 stops every enclosing batch level and leaves errnum\n"
        "at 1000+N, so the caller sees a failure.",
        NULL);
