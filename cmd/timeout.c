/* timeout SECONDS: boot the default entry after SECONDS. */
#include "menu_need.h"

static int timeout_exec(struct cmd_args *a)
{
    long long v;
    int rc = need_menu("timeout");
    if (rc)
        return rc;
    if (a->first >= a->argc || parse_num(a->argv[a->first], &v) || v < 0)
        return shell_error(-EINVAL, "timeout: expected a number of seconds");
    menu_cur->timeout = v > 99 ? 99 : (int)v;
    return 1;
}

COMMAND(timeout, timeout_exec, "timeout SECONDS",
        "In a menu file: boot the default entry after SECONDS (at most 99) unless a key is\n"
        "pressed. Without timeout the menu waits.",
        NULL);
