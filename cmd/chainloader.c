/*
 * chainloader FILE|DEVICE [ARGS]: load an EFI image for `boot`
 * (or the end of the menu entry). A DEVICE ((hd-1), (0xff), (cd0), (fd0);
 * grub4dos' "+1" after it is ignored) means \EFI\BOOT\BOOTX64.EFI on any
 * filesystem the firmware finds there: a partition, an El Torito image, the
 * disk itself. The firmware loads it by device path (efi/image.c), so Secure
 * Boot decides, and a refusal is reported, never worked around.
 */
#include "../fs/fs.h"
#include "../src/platform.h"
#include "../src/shell.h"

static int chain_boot(void *ctx)
{
    int rc = plat_image_start(ctx);
    if (rc)
        return shell_error(rc, "chainloader: the image returned: %s", err_str(rc));
    return 1;
}

static void chain_release(void *ctx)
{
    plat_image_unload(ctx);
}

static int chainloader_exec(struct cmd_args *a)
{
    struct boot_loader l = { .name = "chainloader", .boot = chain_boot,
                             .release = chain_release };
    const char *arg, *close, *args = NULL, *path = NULL;
    char full[FS_PATH_MAX];
    struct drive *d = NULL;
    int rc;
    if (a->first >= a->argc)
        return shell_error(-EINVAL, "chainloader: missing file or device");
    arg = a->argv[a->first];
    close = arg[0] == '(' ? strchr8(arg, ')') : NULL;
    if (close && (!close[1] || strcmp8(close + 1, "+1") == 0)) {
        /* a device: its boot loader, wherever the firmware finds it */
        char dev[64];
        size_t n = (size_t)(close - arg) + 1;
        if (n >= sizeof(dev))
            return shell_error(-EINVAL, "chainloader: bad device name '%s'", arg);
        memcpy(dev, arg, n);
        dev[n] = 0;
        rc = dev_find(dev, &d);
        if (rc)
            return shell_fail(rc, "chainloader", dev);
    } else {
        rc = boot_file("chainloader", arg, full, sizeof(full), &d, &path);
        if (rc)
            return rc;
    }
    if (a->first + 1 < a->argc)
        args = a->rawv[a->first + 1];
    rc = boot_image_load("chainloader", arg, d, path, args, &l.ctx);
    if (rc) {
        /* what boots next is what was asked for last, or nothing: not an older loader */
        boot_clear_loader();
        return rc;
    }
    boot_set_loader(&l);
    return 1;
}

COMMAND(chainloader, chainloader_exec, "chainloader FILE|DEVICE [ARGS]",
        "Load the EFI image FILE, or the boot loader \\EFI\\BOOT\\BOOTX64.EFI that the\n"
        "firmware finds on DEVICE, such as a drive made by map: (hd-1), (0xff). ARGS\n"
        "become its load options. `boot` starts it; a menu entry starts it at its end.\n"
        "Secure Boot verifies it (the firmware, or shim when shim started mapboot); a\n"
        "refusal is an error and leaves nothing to boot.",
        NULL);
