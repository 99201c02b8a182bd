/* Shared by the menu directive commands: they act on the menu being loaded. */
#ifndef MB_CMD_MENU_NEED_H
#define MB_CMD_MENU_NEED_H
#include "../menu/menu.h"

static inline int need_menu(const char *cmd)
{
    if (!menu_cur)
        return shell_error(-EINVAL, "%s: works only while a menu is loaded", cmd);
    return 0;
}
#endif
