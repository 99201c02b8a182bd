/*
 * root [DEV[/DIR]] and rootnoverify DEV: set the device (and directory)
 * that paths without a device name use. root mounts the filesystem first,
 * so a typo fails here rather than at the next file; rootnoverify only
 * checks the name, for devices that hold no filesystem (chainloader +1).
 */
#include "../fs/fs.h"
#include "../src/shell.h"

/* Print the root as grub4dos does, with the filesystem when there is one. */
static int show_root(void)
{
    struct fs_volume *vol;
    if (fs_volume_get("()", &vol) == 0)
        con_printf("%s: filesystem type is %s\n", shell.root, fs_volume_type(vol));
    else
        con_printf("%s\n", shell.root);
    shell_set_retstr(shell.root);
    return 1;
}

static int set_root(struct cmd_args *a, bool verify)
{
    const char *cmd = verify ? "root" : "rootnoverify";
    char full[FS_PATH_MAX], dev[64];
    const char *arg, *rest, *close;
    struct dev_spec spec;
    struct drive *d;
    int rc;
    if (a->first >= a->argc)
        return verify ? show_root() : shell_error(-EINVAL, "%s: missing device", cmd);
    arg = a->argv[a->first];
    if (arg[0] == '(' && !fs_net_path(arg)) {
        rc = dev_parse(arg, &spec, &rest);
        if (rc)
            return shell_fail(rc, cmd, arg);
        if (spec.next_free || spec.kind == DRIVE_MD)
            return shell_error(-EINVAL, "%s: %s cannot be a root device", cmd, arg);
    }
    rc = fs_resolve(arg, full, sizeof(full));
    if (rc)
        return shell_fail(rc, cmd, arg);
    close = strchr8(full, ')');
    if (!close || (size_t)(close - full) + 1 >= sizeof(dev))
        return shell_error(-EINVAL, "%s: bad device name '%s'", cmd, arg);
    memcpy(dev, full, (size_t)(close - full) + 1);
    dev[close - full + 1] = 0;
    if (verify) {
        struct fs_file *f;
        /* the directory must exist; "(dev)/" also proves the volume mounts */
        rc = fs_open(full, &f);
        if (rc)
            return shell_fail(rc, cmd, arg);
        if (!fs_is_dir(f)) {
            fs_close(f);
            return shell_error(-ENOTDIR, "%s: %s is not a directory", cmd, full);
        }
        fs_close(f);
    } else if (strcasecmp8(dev, "(bd)") != 0 && !fs_net_path(dev) &&
               (rc = dev_find(dev, &d)) != 0) {
        return shell_fail(rc, cmd, dev);
    }
    /* keep "(hd0,0)" for the volume's root, "(hd0,0)/dir" below it */
    if (strcmp8(close + 1, "/") == 0)
        full[close - full + 1] = 0;
    if (strlen8(full) >= sizeof(shell.root))
        return shell_error(-ENAMETOOLONG, "%s: %s is too long for the root", cmd, full);
    strlcpy8(shell.root, full, sizeof(shell.root));
    shell_set_retstr(shell.root);
    return 1;
}

static int root_exec(struct cmd_args *a)
{
    return set_root(a, true);
}

static int rootnoverify_exec(struct cmd_args *a)
{
    return set_root(a, false);
}

COMMAND(root, root_exec, "root [DEV[/DIR]]",
        "Set the root device (and directory) that paths without a device use, after\n"
        "checking that its filesystem mounts and DIR exists. Without an argument, show\n"
        "the root. %?% is set to the new root.",
        NULL);
COMMAND(rootnoverify, rootnoverify_exec, "rootnoverify DEV",
        "Set the root device without mounting it (for a device that holds no filesystem,\n"
        "such as one to chainload from).",
        NULL);
