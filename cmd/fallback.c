/* fallback N...: entries to try when the booted one fails. */
#include "menu_need.h"

static int fallback_exec(struct cmd_args *a)
{
    int rc = need_menu("fallback");
    if (rc)
        return rc;
    menu_cur->nfallback = 0;
    for (int i = a->first; i < a->argc; i++) {
        long long v;
        if (parse_num(a->argv[i], &v) || v < 0 || v >= MENU_ENTRIES_MAX)
            return shell_error(-EINVAL, "fallback: bad entry number '%s'", a->argv[i]);
        if (menu_cur->nfallback < MENU_FALLBACK_MAX)
            menu_cur->fallback[menu_cur->nfallback++] = (int)v;
    }
    return 1;
}

COMMAND(fallback, fallback_exec, "fallback N...",
        "In a menu file: when an entry fails, boot these entries in turn (at most 8).",
        NULL);
