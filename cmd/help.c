/* help [CMD]: the command list, or one command's usage and description. */
#include "../src/shell.h"

static int help_exec(struct cmd_args *a)
{
    const struct command *c;
    int col = 0;
    if (a->first < a->argc) {
        c = command_lookup(a->argv[a->first]);
        if (!c)
            return shell_error(-ENOENT, "help: no command '%s'", a->argv[a->first]);
        con_printf("Usage: %s\n\n%s\n", c->usage, c->help);
        return 1;
    }
    con_puts("Commands (help COMMAND for more):\n");
    for_each_table_entry(c, commands) {
        con_printf("  %-14s", c->name);
        if (++col == 5) {
            con_puts("\n");
            col = 0;
        }
    }
    if (col)
        con_puts("\n");
    return 1;
}

COMMAND(help, help_exec, "help [COMMAND]",
        "Without an argument, list the commands. With one, show how to use COMMAND.", NULL);
