/* call :LABEL [ARGS] | call COMMAND [ARGS] */
#include "../src/shell.h"

static int call_exec(struct cmd_args *a)
{
    int i = a->first;
    if (i >= a->argc)
        return shell_error(-EINVAL, "call: missing label or command");
    if (a->argv[i][0] == ':')
        return shell_call_label(a->argv[i], a->argc - i, a->argv + i);
    return shell_exec_argv(a->argc - i, a->argv + i, a->rawv + i);
}

COMMAND(call, call_exec, "call :LABEL [ARGS...] | call COMMAND [ARGS...]",
        "Run the lines after :LABEL of this batch file as a subroutine, with ARGS as %1..%9\n"
        "and ':LABEL' as %0; it returns at 'goto :eof', 'exit' or the end of the file.\n"
        "With a command or batch file, run it and come back.",
        NULL);
