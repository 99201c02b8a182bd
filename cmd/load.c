/*
 * load [-n] FILE [ARGS]: start an EFI driver (a filesystem driver such as
 * ntfs_x64.efi, say) and, unless -n, connect every controller afterwards so
 * that it binds to the disks that are there already. The firmware loads it
 * by device path, as chainloader does, so Secure Boot judges it too
 * (under shim it is refused: src/boot.c says why).
 */
#include "../disk/drive.h"
#include "../fs/fs.h"
#include "../src/platform.h"
#include "../src/shell.h"

static const struct opt load_opts[] = {
    { "-n", OPT_FLAG },
    { NULL, 0 },
};

static int load_exec(struct cmd_args *a)
{
    const char *path, *args = NULL, *file;
    char full[FS_PATH_MAX];
    struct drive *d;
    void *img;
    int rc;
    if (a->first >= a->argc)
        return shell_error(-EINVAL, "load: missing driver file (see help load)");
    file = a->argv[a->first];
    rc = boot_file("load", file, full, sizeof(full), &d, &path);
    if (rc)
        return rc;
    if (a->first + 1 < a->argc)
        args = a->rawv[a->first + 1];
    rc = boot_image_load("load", file, d, path, args, &img);
    if (rc)
        return rc;
    /* a driver's entry point returns at once; an error there unloads it */
    rc = plat_image_start(img);
    plat_image_unload(img);
    if (rc)
        return shell_error(rc, "load: %s failed to start: %s", file, err_str(rc));
    if (!a->opt[0].set) {
        plat_connect_all(NULL);
        drive_rescan(NULL, 0); /* a disk driver's disks become drives */
    }
    return 1;
}

COMMAND(load, load_exec, "load [-n] FILE [ARGS]",
        "Start the EFI driver FILE (ARGS become its load options), then connect every\n"
        "controller so that it binds to the devices there are. -n: do not connect.\n"
        "Secure Boot verifies it. Under shim no driver starts: shim's loader frees an\n"
        "image as soon as its entry point returns.",
        load_opts);
