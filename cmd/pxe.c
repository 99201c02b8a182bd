/*
 * pxe [blksize N | basedir DIR | keep | nokeep | unload | detect [...] |
 * init | read FILE]: grub4dos' PXE command for the (pd) device. True (1)
 * when mapboot was booted over PXE, false (0) otherwise, with no error, so
 * a menu's `pxe detect || ...` takes its other way off the network.
 * `pxe` alone shows the server, the boot file and the base directory;
 * `basedir DIR` sets the directory (pd) paths start from; the other forms
 * (blksize, keep, nokeep, unload, init: grub4dos' BIOS PXE stack) are
 * checked and do nothing, as the firmware's PXE code stays as it is.
 */
#include "../fs/fs.h"
#include "../src/platform.h"
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
    struct plat_net_info i;
    bool booted = plat_pxe_info(&i);
    int n = a->argc - a->first;
    size_t k = ARRAY_SIZE(forms);
    if (n > 0) {
        const char *w = a->argv[a->first];
        for (k = 0; k < ARRAY_SIZE(forms); k++)
            if (strcmp8(w, forms[k].name) == 0)
                break;
        if (k == ARRAY_SIZE(forms))
            return shell_error(-EINVAL, "pxe: unknown form '%s' (blksize, basedir, keep, nokeep, "
                               "unload, detect, init, read)", w);
        if (n - 1 < forms[k].min || n - 1 > forms[k].max)
            return shell_error(-EINVAL, "pxe %s: wrong number of arguments", w);
    }
    if (!booted) {
        if (shell.debug >= 2)
            con_printf("pxe: not booted from the network: no PXE device\n");
        shell_set_retval(0);
        return 0;
    }
    if (k < ARRAY_SIZE(forms) && strcmp8(forms[k].name, "basedir") == 0)
        tftp_set_basedir(a->argv[a->first + 1]);
    if (n == 0)
        con_printf("pxe: booted from %u.%u.%u.%u as %u.%u.%u.%u, boot file %s, (pd) base "
                   "directory %s\n", i.server[0], i.server[1], i.server[2], i.server[3],
                   i.ip[0], i.ip[1], i.ip[2], i.ip[3], i.bootfile[0] ? i.bootfile : "(none)",
                   tftp_basedir()[0] ? tftp_basedir() : "/");
    shell_set_retval(1);
    return 1;
}

COMMAND(pxe, pxe_exec, "pxe [blksize N | basedir DIR | keep | nokeep | unload | detect | init]",
        "grub4dos' command for the network device (pd), the TFTP server mapboot was\n"
        "booted from over PXE: true when it was, false (0) otherwise. Alone it shows the\n"
        "server, the boot file and the base directory (pd) paths start from, which\n"
        "basedir DIR sets (the boot file's directory by default). blksize, keep, nokeep,\n"
        "unload and init are accepted and do nothing: the firmware's PXE code is used.",
        NULL);
