/*
 * Path resolution and the generic file calls over the fs vtable (fs.h).
 */
#include "fs.h"

#include "../src/shell.h"

TABLE_DEFINE(const struct fs_ops, filesystems);

/* Until the drive table exists, (bd) is the one volume there is. */
static struct fs_volume boot_volume = { .dev = "(bd)" };
static bool boot_probed;

int fs_volume_get(const char *dev, struct fs_volume **out)
{
    const struct fs_ops *ops;
    if (strcasecmp8(dev, "(bd)") != 0)
        return -ENODEV;
    if (!boot_probed) {
        boot_probed = true;
        for_each_table_entry(ops, filesystems) {
            if (ops->mount(&boot_volume) == 0) {
                boot_volume.ops = ops;
                break;
            }
        }
    }
    if (!boot_volume.ops)
        return -ENODEV;
    *out = &boot_volume;
    return 0;
}

/* Append the components of rel to the absolute path in out (which starts with '/'). */
static int join(char *out, size_t size, const char *rel)
{
    size_t len = strlen8(out);
    while (*rel) {
        const char *end = rel;
        size_t n;
        while (*end && *end != '/')
            end++;
        n = (size_t)(end - rel);
        if (n == 0 || (n == 1 && rel[0] == '.')) {
            /* nothing */
        } else if (n == 2 && rel[0] == '.' && rel[1] == '.') {
            while (len > 1 && out[len - 1] != '/')
                len--;
            if (len > 1)
                len--;
            out[len] = 0;
        } else {
            if (len + (len > 1) + n + 1 > size)
                return -ENAMETOOLONG;
            if (len > 1)
                out[len++] = '/';
            memcpy(out + len, rel, n);
            len += n;
            out[len] = 0;
        }
        rel = *end ? end + 1 : end;
    }
    return 0;
}

int fs_resolve(const char *path, char *out, size_t size)
{
    char dev[64], abs[FS_PATH_MAX];
    const char *rest = path;
    const char *root = shell.root;
    const char *root_path;
    int rc;

    /* the device part: given, "()" for the root device, or the root's */
    if (path[0] == '(') {
        const char *close = strchr8(path, ')');
        size_t n;
        if (!close)
            return shell_error(-EINVAL, "bad device name in '%s'", path);
        n = (size_t)(close - path) + 1;
        if (n >= sizeof(dev))
            return -ENAMETOOLONG;
        for (const char *c = path + 1; c < close; c++)
            if (*c == '/' || *c == '(' || is_space((unsigned char)*c))
                return shell_error(-EINVAL, "bad device name in '%s'", path);
        if (n == 2) {
            const char *rc2 = strchr8(root, ')');
            n = rc2 ? (size_t)(rc2 - root) + 1 : 0;
            memcpy(dev, root, n);
        } else {
            memcpy(dev, path, n);
        }
        dev[n] = 0;
        rest = close + 1;
        root_path = "/";
    } else {
        const char *rc2 = strchr8(root, ')');
        size_t n = rc2 ? (size_t)(rc2 - root) + 1 : 0;
        if (n >= sizeof(dev))
            return -ENAMETOOLONG;
        memcpy(dev, root, n);
        dev[n] = 0;
        root_path = rc2 && rc2[1] ? rc2 + 1 : "/";
    }
    strlcpy8(abs, rest[0] == '/' ? "/" : root_path, sizeof(abs));
    if (abs[0] != '/')
        strlcpy8(abs, "/", sizeof(abs));
    rc = join(abs, sizeof(abs), rest);
    if (rc)
        return rc;
    if (strlen8(dev) + strlen8(abs) + 1 > size)
        return -ENAMETOOLONG;
    snprintf(out, size, "%s%s", dev, abs);
    return 0;
}

/* Split a resolved path into its volume and the path on it. */
static int locate(const char *path, struct fs_volume **vol, const char **on_vol, char *full,
                  size_t size)
{
    char dev[64];
    const char *close;
    int rc = fs_resolve(path, full, size);
    if (rc)
        return rc;
    close = strchr8(full, ')');
    if (!close || (size_t)(close - full) + 1 >= sizeof(dev))
        return -EINVAL;
    memcpy(dev, full, (size_t)(close - full) + 1);
    dev[close - full + 1] = 0;
    rc = fs_volume_get(dev, vol);
    if (rc)
        return shell_error(rc, "no such device: %s", dev);
    *on_vol = close + 1;
    return 0;
}

int fs_open(const char *path, struct fs_file **out)
{
    char full[FS_PATH_MAX];
    struct fs_volume *vol;
    const char *p;
    int rc = locate(path, &vol, &p, full, sizeof(full));
    if (rc)
        return rc;
    rc = vol->ops->open(vol, p, out);
    if (rc == 0) {
        (*out)->ops = vol->ops;
        (*out)->vol = vol;
    }
    return rc;
}

int fs_read(struct fs_file *f, uint64_t off, void *buf, size_t len, size_t *got)
{
    if (f->is_dir)
        return -EISDIR;
    return f->ops->read(f, off, buf, len, got);
}

int fs_readdir(struct fs_file *dir, struct fs_dirent *ent)
{
    if (!dir->is_dir)
        return -ENOTDIR;
    return dir->ops->readdir(dir, ent);
}

void fs_close(struct fs_file *f)
{
    if (f)
        f->ops->close(f);
}

int fs_read_all(const char *path, char **pbuf, size_t *plen, size_t max)
{
    struct fs_file *f;
    char *buf;
    size_t len, done = 0;
    int rc = fs_open(path, &f);
    if (rc)
        return rc;
    if (f->is_dir) {
        fs_close(f);
        return -EISDIR;
    }
    if (f->size > max) {
        fs_close(f);
        return -E2BIG;
    }
    len = (size_t)f->size;
    buf = malloc(len + 1);
    if (!buf) {
        fs_close(f);
        return -ENOMEM;
    }
    while (done < len) {
        size_t got = 0;
        rc = fs_read(f, done, buf + done, len - done, &got);
        if (rc)
            break;
        if (got == 0) {
            rc = -EIO; /* shorter than its size says */
            break;
        }
        done += got;
    }
    fs_close(f);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[len] = 0;
    *pbuf = buf;
    *plen = len;
    return 0;
}

int fs_write_file(const char *path, const void *buf, size_t len, bool append)
{
    char full[FS_PATH_MAX];
    struct fs_volume *vol;
    const char *p;
    int rc = locate(path, &vol, &p, full, sizeof(full));
    if (rc)
        return rc;
    if (!vol->ops->write_file)
        return -EROFS;
    return vol->ops->write_file(vol, p, buf, len, append);
}
