/*
 * What the network volumes share (fs.h): fs/http.c and fs/tftp.c make
 * their volumes themselves, with no drive under them, so they are never
 * probed; they have no labels, no UUIDs and no directory listings.
 */
#include "fs.h"

#include "../src/shell.h"

int netvol_mount(struct fs_volume *vol)
{
    return vol->priv ? 0 : -ENODEV; /* only their *_volume_get make these */
}

void netvol_unmount(struct fs_volume *vol)
{
    (void)vol;
}

int netvol_no_id(struct fs_volume *vol, char *buf, size_t size)
{
    (void)vol;
    (void)buf;
    (void)size;
    return -ENOENT;
}

int netvol_no_listing(struct fs_file *dir, struct fs_dirent *ent)
{
    char proto[8];
    size_t i;
    (void)ent;
    for (i = 0; i + 1 < sizeof(proto) && dir->vol->type[i]; i++)
        proto[i] = (char)to_upper(dir->vol->type[i]);
    proto[i] = 0;
    return shell_error(-ENOTSUP, "%s: %s has no directory listings; name the file",
                       dir->vol->name, proto);
}

int netvol_spec(const char *dev, const char *prefix, char *spec, size_t size)
{
    size_t n = strlen8(dev), p = strlen8(prefix);
    if (n < p + 2 || dev[n - 1] != ')' || n - p - 1 >= size)
        return shell_error(-EINVAL, "bad device name '%s': %sHOST[:PORT])", dev, prefix);
    memcpy(spec, dev + p, n - p - 1);
    spec[n - p - 1] = 0;
    return 0;
}

bool fs_net_path(const char *path)
{
    char dev[64];
    const char *close = path[0] == '(' ? strchr8(path, ')') : NULL;
    size_t n = close ? (size_t)(close - path) + 1 : 0;
    if (!n || n >= sizeof(dev))
        return false;
    memcpy(dev, path, n);
    dev[n] = 0;
    return http_is_device(dev) || tftp_is_device(dev);
}
