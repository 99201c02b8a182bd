/*
 * pxe [blksize N | basedir DIR | keep | nokeep | unload | detect [...] |
 * init | read FILE]: grub4dos' PXE settings for the (pd) device. mapboot
 * reads files over HTTP ((http,HOST)) but has no (pd) device yet, so, as
 * grub4dos for UEFI does on a machine not booted from the network, every
 * form is false (0) with no error, and a menu's `pxe detect || ...` takes
 * its other way. The forms are
 * checked, so a misspelt one is an error now rather than later.
 */
#include "../src/shell.h"

static int pxe_exec(struct cmd_args *a)
{
    static const struct {
        const char *name;
        int min, max; /* words after it */
    } forms[] = {
        { "blksize", 1, 1 }, { "basedir", 1, 1 }, { "keep", 0, 0 }, { "nokeep", 0, 0 },
        { "unload", 0, 0 },  { "detect", 0, 2 },  { "init", 0, 0 }, { "read", 1, 4 },
    };
    int n = a->argc - a->first;
    if (n > 0) {
        const char *w = a->argv[a->first];
        size_t k;
        for (k = 0; k < ARRAY_SIZE(forms); k++)
            if (strcmp8(w, forms[k].name) == 0)
                break;
        if (k == ARRAY_SIZE(forms))
            return shell_error(-EINVAL, "pxe: unknown form '%s' (blksize, basedir, keep, nokeep, "
                               "unload, detect, init, read)", w);
        if (n - 1 < forms[k].min || n - 1 > forms[k].max)
            return shell_error(-EINVAL, "pxe %s: wrong number of arguments", w);
    }
    if (shell.debug >= 2)
        con_printf("pxe: not booted from the network: no PXE device\n");
    shell_set_retval(0);
    return 0;
}

COMMAND(pxe, pxe_exec, "pxe [blksize N | basedir DIR | keep | nokeep | unload | detect | init]",
        "grub4dos' settings for the network device (pd). mapboot has no (pd) device yet\n"
        "(files over HTTP are (http,HOST)/PATH), so every form is false (0), as on a\n"
        "machine not booted from the network, and menus take their other way.",
        NULL);
