/* vol [DEV] [LABEL]: volume labels (the forms are in cmd/ident.c). */
#include "ident.h"

static int vol_exec(struct cmd_args *a)
{
    return ident_exec(a, IDENT_LABEL);
}

COMMAND(vol, vol_exec, "vol [DEV] [LABEL]",
        "Without arguments, list every volume with its filesystem and label. With DEV,\n"
        "print its label and set %?% to it. With LABEL alone, find that volume (any\n"
        "case) and make it the root. With DEV and LABEL, true when DEV has that label.",
        NULL);
