/* The shared engine of `uuid` and `vol` (cmd/ident.c): the same four forms over UUIDs or labels. */
#ifndef MB_CMD_IDENT_H
#define MB_CMD_IDENT_H
#include "../src/shell.h"

enum ident_kind { IDENT_UUID, IDENT_LABEL };
int ident_exec(struct cmd_args *a, enum ident_kind kind);

#endif
