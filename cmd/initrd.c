/*
 * initrd FILE|@NAME=FILE...: the initrd of the kernel `kernel` loaded
 * (src/initrd.c). Several are concatenated in order; @NAME=FILE adds FILE
 * to the initramfs as NAME (a cpio newc archive made here).
 */
#include "../src/initrd.h"
#include "../src/shell.h"

static int initrd_exec(struct cmd_args *a)
{
    if (a->first >= a->argc)
        return shell_error(-EINVAL, "initrd: missing file");
    if (!initrd_kernel_loaded())
        return shell_error(-EINVAL, "initrd: no kernel is loaded (kernel FILE comes first)");
    /* a new initrd line replaces the previous one, as in GRUB */
    initrd_reset(true);
    for (int i = a->first; i < a->argc; i++) {
        int rc = initrd_add(a->argv[i]);
        if (rc) {
            initrd_reset(true);
            return rc;
        }
    }
    return 1;
}

COMMAND(initrd, initrd_exec, "initrd FILE|@NAME=FILE...",
        "Give the kernel loaded by `kernel` its initrd: the FILEs one after the other\n"
        "(compressed or plain cpio archives; Linux unpacks each). @NAME=FILE puts FILE\n"
        "into the initramfs as NAME, e.g. @/etc/extra.conf=(hd0,0)/extra.conf. The files\n"
        "may be on any drive mapboot reads. A new initrd line replaces the last one.",
        NULL);
