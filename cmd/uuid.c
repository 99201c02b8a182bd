/* uuid [DEV] [UUID]: volume UUIDs (the forms are in cmd/ident.c). */
#include "ident.h"

static int uuid_exec(struct cmd_args *a)
{
    return ident_exec(a, IDENT_UUID);
}

COMMAND(uuid, uuid_exec, "uuid [DEV] [UUID]",
        "Without arguments, list every volume with its filesystem and UUID. With DEV,\n"
        "print its UUID and set %?% and %?_UUID% to it. With UUID alone, find that volume (any case)\n"
        "and make it the root. With DEV and UUID, true when DEV has that UUID.\n"
        "FAT UUIDs look like 1234-ABCD, ISO9660 ones like 2024-01-31-12-00-00-00.",
        NULL);
