/*
 * kernel FILE [ARGS]: load a Linux kernel (an EFI stub, bzImage with a PE
 * header) for `boot` or the end of the menu entry. The firmware loads it by
 * device path, like chainloader, so Secure Boot decides (under shim, shim
 * verifies it first: efi/secureboot.c); ARGS are its
 * command line (LoadOptions). The initrd given by `initrd` afterwards is
 * served where the stub asks for it (LoadFile2 on the
 * LINUX_EFI_INITRD_MEDIA_GUID device path) only while the kernel starts, so
 * a later chainloader sees none.
 */
#include "../disk/map.h"
#include "../fs/fs.h"
#include "../src/initrd.h"
#include "../src/platform.h"
#include "../src/shell.h"

static int kernel_boot(void *ctx)
{
    size_t len;
    const uint8_t *rd = initrd_data(&len);
    void *served = NULL;
    int rc;
    if (rd) {
        rc = plat_initrd_serve(rd, len, &served);
        if (rc)
            return shell_error(rc, "kernel: cannot offer the initrd to the kernel: %s",
                               err_str(rc));
    }
    rc = plat_image_start(ctx);
    if (served)
        plat_initrd_withdraw(served);
    if (rc)
        return shell_error(rc, "kernel: the kernel returned: %s", err_str(rc));
    return 1;
}

static void kernel_release(void *ctx)
{
    plat_image_unload(ctx);
    initrd_reset(false);
}

/* Linux's command line on x86 (COMMAND_LINE_SIZE): longer is cut off. */
#define LINUX_CMDLINE_MAX 2048u

static int kernel_exec(struct cmd_args *a)
{
    struct boot_loader l = { .name = "kernel", .boot = kernel_boot, .release = kernel_release };
    const char *arg, *path = NULL, *args = NULL;
    char full[FS_PATH_MAX], ram[LINUX_CMDLINE_MAX], *cmdline = NULL;
    struct drive *d = NULL;
    size_t n;
    int rc;
    if (a->first >= a->argc)
        return shell_error(-EINVAL, "kernel: missing file");
    arg = a->argv[a->first];
    if (a->first + 1 < a->argc)
        args = a->rawv[a->first + 1];
    n = strlen8(args ? args : "");
    /*
     * The RAM drives' sources follow the user's arguments (disk/map.h). What
     * Linux would cut off is left out whole, with a warning: the kernel
     * boots all the same, only mapboot-save cannot find them.
     */
    if (map_linux_args(ram, sizeof(ram)) != 0 ||
        (ram[0] && n + strlen8(ram) >= LINUX_CMDLINE_MAX)) {
        shell_warn("kernel: the RAM drives' sources do not fit on Linux's command line "
                   "(%u bytes): mapboot-save will not find them", LINUX_CMDLINE_MAX);
        ram[0] = 0;
    }
    if (ram[0] && !(cmdline = malloc(n + strlen8(ram) + 1)))
        rc = -ENOMEM;
    else if ((rc = boot_file("kernel", arg, full, sizeof(full), &d, &path)) == 0) {
        if (cmdline) {
            snprintf(cmdline, n + strlen8(ram) + 1, "%s%s", args ? args : "",
                     args ? ram : ram + 1);
            args = cmdline;
        }
        rc = boot_image_load("kernel", arg, d, path, args, &l.ctx);
    }
    free(cmdline);
    if (rc) {
        /* what boots next is what was asked for last, or nothing: not an older loader */
        boot_clear_loader();
        return rc;
    }
    boot_set_loader(&l); /* releases what was loaded before, its initrd too */
    initrd_reset(true);
    return 1;
}

COMMAND(kernel, kernel_exec, "kernel FILE [ARGS]",
        "Load the Linux kernel FILE (built with the EFI stub, as distribution kernels\n"
        "are) with the command line ARGS. `initrd` then gives its initrd; `boot` starts\n"
        "it, and so does the end of a menu entry. Secure Boot verifies it (the firmware,\n"
        "or shim, with MOK keys); a refusal is an error. The initrd reaches kernels from\n"
        "Linux 5.8 on (older ones use initrd=\\FILE in ARGS, read from the kernel's own\n"
        "volume).\n"
        "RAM drives made by map --mem reach Linux as /dev/pmemN when its initramfs\n"
        "loads the nfit and nd_pmem modules. Map them before `kernel`: for each RAM\n"
        "drive made from a file, ARGS get mapboot.ram=ADDR,BYTES,FORMAT,UUID,PATH\n"
        "(its address and size, the image's format, its volume's UUID and path\n"
        "there), which mapboot-save in the booted system uses to write it back; for\n"
        "each raw image file mapped in place, mapboot.disk=MODE,UUID,PATH (MODE rw,\n"
        "ro or fake), for an initramfs that loop-mounts the same file.",
        NULL);
