/*
 * blocklist FILE: where FILE lies on its device, as a blocklist in 512-byte
 * sectors ("(hd0,0)2048+100,4000+8"), so it can be read raw or chainloaded.
 * %?% is set to it.
 */
#include "../fs/fs.h"
#include "../src/shell.h"

static int blocklist_exec(struct cmd_args *a)
{
    const char *path;
    struct fs_file *f;
    struct fs_extent *ext = NULL;
    size_t n = 0, k;
    char *out;
    int rc;
    if (a->first >= a->argc)
        return shell_error(-EINVAL, "blocklist: missing file name");
    path = a->argv[a->first];
    rc = fs_open(path, &f);
    if (rc)
        return shell_fail(rc, "blocklist", path);
    rc = fs_extents(f, &ext, &n);
    if (rc) {
        if (rc == -ENOTSUP && !shell.errmsg[0]) /* else the driver said why */
            shell_error(rc, "blocklist: %s: its filesystem (%s) does not say where files lie",
                        path, f->vol ? fs_volume_type(f->vol) : "none");
        else
            shell_fail(rc, "blocklist", path);
        fs_close(f);
        return rc;
    }
    out = malloc(n * 48 + 64);
    if (!out) {
        rc = -ENOMEM;
        goto done;
    }
    k = (size_t)snprintf(out, 64, "%s", f->vol->dev);
    for (size_t i = 0; i < n; i++) {
        if (ext[i].disk_off == FS_EXTENT_HOLE || ext[i].disk_off % 512) {
            rc = shell_error(-ENOTSUP, "blocklist: %s: part of it is %s", path,
                             ext[i].disk_off == FS_EXTENT_HOLE ? "sparse (no sectors)"
                                                               : "not sector aligned");
            goto done;
        }
        k += (size_t)snprintf(out + k, 48, "%s%llu+%llu", i ? "," : "",
                              (unsigned long long)(ext[i].disk_off / 512),
                              (unsigned long long)((ext[i].len + 511) / 512));
    }
    con_printf("%s\n", out);
    shell_set_retstr(out);
    rc = (int)MIN(n, 0x7FFFFFFF);
    if (rc == 0)
        rc = 1; /* an empty file: no runs, still a success */
done:
    free(out);
    free(ext);
    fs_close(f);
    return rc;
}

COMMAND(blocklist, blocklist_exec, "blocklist FILE",
        "Print where FILE lies on its device as a blocklist of 512-byte sectors,\n"
        "(DEV)START+COUNT[,START+COUNT...], and set %?% to it. Returns the number of runs.",
        NULL);
