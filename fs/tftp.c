/*
 * Files over TFTP: (pd), the server mapboot was PXE-booted from (grub4dos'
 * name), and (tftp,HOST). TFTP cannot seek or list, so a file is read
 * whole into memory when it is opened (plat_tftp_get: the PXE base code's
 * Mtftp on UEFI) and served from there; files up to TFTP_MAX. (pd) paths
 * are taken below the base directory: `pxe basedir DIR`, by default the
 * directory of the boot file, as in grub4dos.
 */
#include "fs.h"

#include "../src/http.h"
#include "../src/platform.h"
#include "../src/shell.h"

#define TFTP_MAX (1024ull << 20)
#define TFTP_VOLUMES 4

struct tftp_file {
    struct fs_file f;
    uint8_t *data;
};

struct tftp_server {
    uint8_t ip[4];
    bool pd;
};

static struct fs_volume volumes[TFTP_VOLUMES];
static struct tftp_server servers[TFTP_VOLUMES];
static char basedir[FS_PATH_MAX];
static bool basedir_set;
static const struct fs_ops fs_tftp;

void tftp_set_basedir(const char *dir)
{
    strlcpy8(basedir, dir, sizeof(basedir));
    /* "/" and "" both mean the server's root; no trailing '/' otherwise */
    for (size_t n = strlen8(basedir); n > 0 && basedir[n - 1] == '/'; n--)
        basedir[n - 1] = 0;
    basedir_set = true;
}

const char *tftp_basedir(void)
{
    struct plat_net_info i;
    if (!basedir_set && plat_pxe_info(&i)) {
        /* the boot file's directory */
        char *slash;
        strlcpy8(basedir, i.bootfile, sizeof(basedir));
        slash = strrchr8(basedir, '/');
        if (!slash)
            slash = strrchr8(basedir, '\\');
        if (slash)
            *slash = 0;
        else
            basedir[0] = 0;
        basedir_set = true;
    }
    return basedir;
}

static int tftp_read(struct fs_file *f, uint64_t off, void *buf, size_t len, size_t *got)
{
    struct tftp_file *tf = (struct tftp_file *)f;
    *got = off >= f->size ? 0 : (size_t)MIN((uint64_t)len, f->size - off);
    memcpy(buf, tf->data + off, *got);
    return 0;
}

static void tftp_close(struct fs_file *f)
{
    struct tftp_file *tf = (struct tftp_file *)f;
    if (!tf)
        return;
    free(tf->data);
    free(tf);
}

static int tftp_open(struct fs_volume *vol, const char *path, struct fs_file **out)
{
    struct tftp_server *srv = vol->priv;
    struct tftp_file *tf = calloc(1, sizeof(*tf));
    char full[FS_PATH_MAX];
    size_t len = 0;
    void *data;
    int rc;
    if (!tf)
        return -ENOMEM;
    tf->f.vol = vol;
    if (path[0] == '/' && path[1] == 0) {
        tf->f.is_dir = true; /* the server's root, as a place to be */
        *out = &tf->f;
        return 0;
    }
    snprintf(full, sizeof(full), "%s%s", srv->pd ? tftp_basedir() : "", path);
    rc = plat_tftp_get(srv->ip, full, TFTP_MAX, &data, &len);
    if (rc) {
        free(tf);
        if (rc == -ENOENT)
            return shell_error(rc, "%s%s: not found (TFTP %s)", vol->name, path, full);
        if (rc == -E2BIG)
            return shell_error(rc, "%s%s: over %llu MiB, more than TFTP reads into memory",
                               vol->name, path, TFTP_MAX >> 20);
        return shell_error(rc, "%s%s: %s", vol->name, path, err_str(rc));
    }
    tf->data = data;
    tf->f.size = len;
    *out = &tf->f;
    return 0;
}

static const struct fs_ops fs_tftp = {
    .name = "tftp",
    .mount = netvol_mount,
    .unmount = netvol_unmount,
    .open = tftp_open,
    .read = tftp_read,
    .readdir = netvol_no_listing,
    .close = tftp_close,
    .label = netvol_no_id,
    .uuid = netvol_no_id,
};

bool tftp_is_device(const char *dev)
{
    return strcasecmp8(dev, "(pd)") == 0 || str_starts_case8(dev, "(tftp,");
}

int tftp_volume_get(const char *dev, struct fs_volume **out)
{
    struct tftp_server srv = { .pd = strcasecmp8(dev, "(pd)") == 0 };
    int slot = -1;
    if (srv.pd) {
        struct plat_net_info i;
        if (!plat_pxe_info(&i))
            return shell_error(-ENODEV, "(pd): mapboot was not booted over PXE");
        memcpy(srv.ip, i.server, 4);
    } else {
        struct http_target t;
        char spec[64];
        int rc = netvol_spec(dev, "(tftp,", spec, sizeof(spec));
        if (rc == 0)
            rc = http_target_parse(spec, &t);
        if (rc)
            return rc;
        if (t.port != 80)
            return shell_error(-EINVAL, "%s: TFTP takes no port", dev);
        memcpy(srv.ip, t.ip, 4);
    }
    for (int i = 0; i < TFTP_VOLUMES; i++) {
        if (volumes[i].ops && memcmp(&servers[i], &srv, sizeof(srv)) == 0) {
            *out = &volumes[i];
            return 0;
        }
        if (!volumes[i].ops && slot < 0)
            slot = i;
    }
    if (slot < 0)
        return shell_error(-ENOSPC, "%s: already %d TFTP servers in use", dev, TFTP_VOLUMES);
    servers[slot] = srv;
    memset(&volumes[slot], 0, sizeof(volumes[slot]));
    snprintf(volumes[slot].name, sizeof(volumes[slot].name), "%s", srv.pd ? "(pd)" : dev);
    volumes[slot].dev = volumes[slot].name;
    volumes[slot].priv = &servers[slot];
    volumes[slot].ops = &fs_tftp;
    volumes[slot].type = "tftp";
    volumes[slot].remote = true;
    *out = &volumes[slot];
    return 0;
}
