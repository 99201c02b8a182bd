/* ls [DIR]: list a directory (or the root directory). */
#include "../fs/fs.h"
#include "../src/shell.h"

static int ls_exec(struct cmd_args *a)
{
    const char *path = a->first < a->argc ? a->argv[a->first] : "";
    struct fs_file *d;
    struct fs_dirent ent;
    int rc, n = 0;
    if (!*path) {
        /* no argument: the devices, then the root directory */
        struct fs_volume *vol;
        char label[64] = "";
        if (fs_volume_get("(bd)", &vol) == 0) {
            if (vol->ops->label)
                vol->ops->label(vol, label, sizeof(label));
            con_printf("(bd): %s%s%s\n", vol->ops->name, label[0] ? ", label " : "", label);
        }
    }
    rc = fs_open(*path ? path : "/", &d);
    if (rc)
        return shell_error(rc, "ls: %s: %s", *path ? path : "/", err_str(rc));
    if (!fs_is_dir(d)) {
        con_printf("%s  %llu\n", path, (unsigned long long)fs_size(d));
        fs_close(d);
        return 1;
    }
    while ((rc = fs_readdir(d, &ent)) == 1) {
        con_printf("%s%s  ", ent.name, ent.is_dir ? "/" : "");
        n++;
    }
    if (n)
        con_puts("\n");
    fs_close(d);
    if (rc < 0)
        return shell_error(rc, "ls: %s", err_str(rc));
    return n ? n : 1;
}

COMMAND(ls, ls_exec, "ls [DIR]",
        "List DIR (names of directories end in '/'). Without an argument, show the devices\n"
        "and list the root directory.",
        NULL);
