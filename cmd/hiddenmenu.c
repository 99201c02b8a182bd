/* hiddenmenu [--silent] [--off]: boot the default unless a key is pressed. */
#include "menu_need.h"

static const struct opt hiddenmenu_opts[] = {
    { "--silent", OPT_FLAG },
    { "--off", OPT_FLAG },
    { "--chkpass", OPT_IGNORED },
    { NULL, 0 },
};

static int hiddenmenu_exec(struct cmd_args *a)
{
    int rc = need_menu("hiddenmenu");
    if (rc)
        return rc;
    menu_cur->hidden = !a->opt[1].set;
    menu_cur->hidden_silent = a->opt[0].set;
    return 1;
}

COMMAND(hiddenmenu, hiddenmenu_exec, "hiddenmenu [--silent] [--off]",
        "In a menu file: do not show the menu; boot the default entry after the timeout\n"
        "unless a key is pressed (then the menu shows). --silent hides the countdown too;\n"
        "--off shows the menu again.",
        hiddenmenu_opts);
