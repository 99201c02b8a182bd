/*
 * chainloader FILE [ARGS] | chainloader DEVICE: load an EFI image for `boot`
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

/* The drive a resolved "(dev)/path" is on; NULL for the host's boot directory. */
static int drive_of(const char *full, struct drive **d)
{
    char dev[64];
    const char *close = strchr8(full, ')');
    size_t n = close ? (size_t)(close - full) + 1 : 0;
    if (!n || n >= sizeof(dev))
        return shell_error(-EINVAL, "chainloader: bad device in '%s'", full);
    memcpy(dev, full, n);
    dev[n] = 0;
    *d = NULL;
    if (strcasecmp8(dev, "(bd)") == 0 && !drive_boot())
        return plat_is_uefi ? shell_error(-ENODEV, "chainloader: (bd) is no drive here") : 0;
    return dev_find(dev, d);
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
        struct fs_file *f;
        rc = fs_resolve(arg, full, sizeof(full));
        if (rc == 0)
            rc = fs_open(full, &f);
        if (rc)
            return shell_fail(rc, "chainloader", arg);
        if (fs_is_dir(f)) {
            fs_close(f);
            return shell_error(-EISDIR, "chainloader: %s is a directory", arg);
        }
        fs_close(f);
        rc = drive_of(full, &d);
        if (rc)
            return shell_fail(rc, "chainloader", arg);
        path = strchr8(full, ')') + 1;
        if (a->first + 1 < a->argc)
            args = a->rawv[a->first + 1];
    }
    rc = plat_image_load(d, path, args, &l.ctx);
    if (rc == -EACCES)
        return shell_error(rc, "chainloader: Secure Boot refused %s", arg);
    if (rc == -ENOENT && !path)
        return shell_error(rc, "chainloader: the firmware finds no \\EFI\\BOOT\\BOOTX64.EFI on %s",
                           arg);
    if (rc)
        return shell_error(rc, "chainloader: the firmware cannot load %s: %s", arg, err_str(rc));
    boot_set_loader(&l);
    return 1;
}

COMMAND(chainloader, chainloader_exec, "chainloader FILE [ARGS] | chainloader DEVICE",
        "Load the EFI image FILE (ARGS become its load options), or the boot loader\n"
        "\\EFI\\BOOT\\BOOTX64.EFI that the firmware finds on DEVICE, such as a drive made by\n"
        "map: (hd-1), (0xff). `boot` starts it; a menu entry starts it at its end. The\n"
        "firmware loads it, so Secure Boot decides; a refusal is an error.",
        NULL);
