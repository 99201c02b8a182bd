/* configfile FILE: load FILE as the menu. */
#include "../fs/fs.h"
#include "../src/shell.h"

static int configfile_exec(struct cmd_args *a)
{
    char full[FS_PATH_MAX];
    struct fs_file *f;
    int rc;
    if (a->first >= a->argc)
        return shell_error(-EINVAL, "configfile: missing file name");
    rc = fs_resolve(a->argv[a->first], full, sizeof(full));
    if (rc == 0)
        rc = fs_open(full, &f);
    if (rc)
        return shell_error(rc, "configfile: %s: %s", a->argv[a->first], err_str(rc));
    fs_close(f);
    free(shell.configfile);
    shell.configfile = strdup8(full);
    if (!shell.configfile)
        return -ENOMEM;
    shell.flow = FLOW_QUIT;
    return 1;
}

COMMAND(configfile, configfile_exec, "configfile FILE",
        "Load FILE as the menu, in place of the current one.", NULL);
