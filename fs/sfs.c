/*
 * The platform's own file access (UEFI SimpleFileSystem; a directory on the
 * host) behind the fs vtable. It is last in the probe order: native drivers
 * come first once they exist, and this one serves whatever they cannot,
 * such as volumes of a `load`ed EFI driver.
 */
#include "fs.h"

#include "../src/err.h"
#include "../src/platform.h"

static int sfs_mount(struct fs_volume *vol)
{
    struct plat_file *f;
    int rc;
    if (!vol->boot)
        return -ENODEV; /* the platform's file access reaches the boot volume only */
    rc = plat_bootfs_open("/", PLAT_READ, &f);
    if (rc)
        return -ENODEV;
    plat_bootfs_close(f);
    return 0;
}

static int sfs_open(struct fs_volume *vol, const char *path, struct fs_file **out)
{
    struct fs_file *f = calloc(1, sizeof(*f));
    struct plat_file *pf;
    int rc;
    if (!f)
        return -ENOMEM;
    rc = plat_bootfs_open(path, PLAT_READ, &pf);
    if (rc == 0)
        rc = plat_bootfs_info(pf, &f->size, &f->is_dir);
    else
        pf = NULL;
    if (rc) {
        plat_bootfs_close(pf);
        free(f);
        return rc;
    }
    f->priv = pf;
    *out = f;
    return 0;
}

static int sfs_read(struct fs_file *f, uint64_t off, void *buf, size_t len, size_t *got)
{
    return plat_bootfs_read(f->priv, off, buf, len, got);
}

static int sfs_readdir(struct fs_file *dir, struct fs_dirent *ent)
{
    struct plat_dirent pe;
    int rc = plat_bootfs_readdir(dir->priv, &pe);
    if (rc == 1) {
        strlcpy8(ent->name, pe.name, sizeof(ent->name));
        ent->size = pe.size;
        ent->is_dir = pe.is_dir;
    }
    return rc;
}

static void sfs_close(struct fs_file *f)
{
    plat_bootfs_close(f->priv);
    free(f);
}

static int sfs_label(struct fs_volume *vol, char *buf, size_t size)
{
    return plat_bootfs_label(buf, size);
}

static int sfs_uuid(struct fs_volume *vol, char *buf, size_t size)
{
    return -ENOTSUP; /* SimpleFileSystem does not say */
}

static int sfs_write_file(struct fs_volume *vol, const char *path, const void *buf, size_t len,
                          bool append)
{
    struct plat_file *f;
    uint64_t off = 0, size;
    bool dir;
    int rc = plat_bootfs_open(path, PLAT_WRITE | PLAT_CREATE, &f);
    if (rc)
        return rc;
    rc = plat_bootfs_info(f, &size, &dir);
    if (rc == 0 && dir)
        rc = -EISDIR;
    if (rc == 0 && append)
        off = size;
    if (rc == 0)
        rc = plat_bootfs_write(f, off, buf, len);
    if (rc == 0 && !append && size > len)
        rc = plat_bootfs_truncate(f, len);
    plat_bootfs_close(f);
    return rc;
}

FILESYSTEM(sfs, 90) = {
    .name = "sfs",
    .mount = sfs_mount,
    .open = sfs_open,
    .read = sfs_read,
    .readdir = sfs_readdir,
    .close = sfs_close,
    .label = sfs_label,
    .uuid = sfs_uuid,
    .write_file = sfs_write_file,
};
