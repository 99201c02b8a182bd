/* shift [[/]N]: move the batch parameters down by one from position N. */
#include "../src/shell.h"

static int shift_exec(struct cmd_args *a)
{
    long long n = 0;
    if (a->first < a->argc) {
        const char *w = a->argv[a->first];
        if (*w == '/')
            w++;
        if (parse_num(w, &n) || n < 0 || n > 9)
            return shell_error(-EINVAL, "shift: bad position '%s' (0-9)", a->argv[a->first]);
    }
    return shell_shift((int)n) < 0 ? -EINVAL : 1;
}

COMMAND(shift, shift_exec, "shift [[/]N]",
        "Shift the batch parameters: %N is dropped and the ones after it move down\n"
        "(default N = 0, so %0 gets %1, as in grub4dos).",
        NULL);
