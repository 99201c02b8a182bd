/*
 * Path resolution and the generic file calls over the fs vtable (fs.h).
 */
#include "fs.h"

#include "../src/shell.h"

TABLE_DEFINE(const struct fs_ops, filesystems);

/* The host's --bd directory: the boot volume when no drive holds it. */
static struct fs_volume host_boot_volume = { .dev = "(bd)", .boot = true };
static bool host_boot_probed;

static int mount(struct fs_volume *vol)
{
    const struct fs_ops *ops;
    char errmsg[sizeof(shell.errmsg)];
    uint8_t first[512];
    int rc;
    /* a driver that declines, or mounts after a hiccup, leaves no message behind */
    strlcpy8(errmsg, shell.errmsg, sizeof(errmsg));
    for_each_table_entry(ops, filesystems) {
        rc = ops->mount(vol);
        if (rc == 0) {
            vol->ops = ops;
            strlcpy8(shell.errmsg, errmsg, sizeof(shell.errmsg));
            return 0;
        }
        if (rc != -ENODEV)
            return rc; /* claimed but corrupt: the driver said why */
        strlcpy8(shell.errmsg, errmsg, sizeof(shell.errmsg));
    }
    /*
     * Every driver declined. When the start of the device cannot be read,
     * that is why: the error names the block, not "no filesystem".
     */
    if (vol->drive && (rc = drive_read_bytes(vol->drive, 0, first,
                                             (size_t)MIN(sizeof(first), drive_bytes(vol->drive)))) != 0)
        return rc;
    return shell_error(-ENODEV, "%s: no filesystem found", vol->dev);
}

int fs_volume_of(struct drive *d, struct fs_volume **out)
{
    struct fs_volume *vol;
    int rc;
    if (d->vol) {
        *out = d->vol;
        return 0;
    }
    vol = calloc(1, sizeof(*vol));
    if (!vol)
        return -ENOMEM;
    strlcpy8(vol->name, d->name, sizeof(vol->name));
    vol->dev = vol->name;
    vol->drive = d;
    vol->boot = d == drive_boot();
    rc = mount(vol);
    if (rc) {
        free(vol);
        return rc;
    }
    d->vol = vol;
    *out = vol;
    return 0;
}

/* Free a volume that no open file uses any more. */
static void volume_free(struct fs_volume *vol)
{
    if (vol->ops && vol->ops->unmount)
        vol->ops->unmount(vol);
    free(vol);
}

void fs_volume_forget(struct drive *d)
{
    struct fs_volume *vol = d->vol;
    if (!vol)
        return;
    d->vol = NULL;
    vol->drive = NULL;
    if (vol->refs)
        vol->stale = true; /* the last fs_close frees it */
    else
        volume_free(vol);
}

/* The device part of the root, "(hd0,1)" of "(hd0,1)/boot". */
static void root_device(char *dev, size_t size)
{
    const char *close = strchr8(shell.root, ')');
    size_t n = close ? (size_t)(close - shell.root) + 1 : 0;
    if (n >= size)
        n = 0;
    memcpy(dev, shell.root, n);
    dev[n] = 0;
}

int fs_volume_get(const char *dev, struct fs_volume **out)
{
    char root[64];
    struct drive *d;
    int rc;
    if (strcmp8(dev, "()") == 0) {
        root_device(root, sizeof(root));
        if (!root[0] || strcmp8(root, "()") == 0)
            return shell_error(-ENODEV, "the root '%s' names no device", shell.root);
        dev = root;
    }
    if (strcasecmp8(dev, "(bd)") == 0 && !drive_boot()) {
        if (!host_boot_probed) {
            host_boot_probed = true;
            if (mount(&host_boot_volume))
                host_boot_volume.ops = NULL;
        }
        if (!host_boot_volume.ops)
            return shell_error(-ENODEV, "(bd): no boot volume");
        *out = &host_boot_volume;
        return 0;
    }
    if (http_is_device(dev))
        return http_volume_get(dev, out);
    if (tftp_is_device(dev))
        return tftp_volume_get(dev, out);
    rc = dev_find(dev, &d);
    if (rc)
        return rc;
    return fs_volume_of(d, out);
}

int fs_for_each_volume(const char *kinds, bool root_first,
                       int (*fn)(const char *dev, struct fs_volume *vol, void *ctx), void *ctx)
{
    char errmsg[sizeof(shell.errmsg)];
    struct fs_volume *vol, *root_vol = NULL;
    int stop = 0;
    /* probing devices sets messages no one asked for: keep the caller's */
    strlcpy8(errmsg, shell.errmsg, sizeof(errmsg));
    if (root_first) {
        char dev[64];
        root_device(dev, sizeof(dev));
        if (dev[0] && fs_volume_get(dev, &vol) == 0) {
            root_vol = vol;
            stop = fn(vol->dev, vol, ctx);
        }
    }
    for (const char *k = kinds; *k && !stop; k++) {
        enum drive_kind kind = *k == 'h' ? DRIVE_HD : *k == 'c' ? DRIVE_CD
                               : *k == 'f' ? DRIVE_FD : DRIVE_KINDS;
        if (strchr8(kinds, *k) != k)
            continue; /* "hh": each kind once, at its first place */
        for (struct drive *d = drive_walk(NULL); d && !stop; d = drive_walk(d)) {
            if (d->kind != kind || fs_volume_of(d, &vol) != 0 || vol == root_vol)
                continue;
            stop = fn(d->name, vol, ctx);
        }
    }
    /* the boot volume, when it is no drive of the table (the host's directory, an El Torito image) */
    if (!stop && (!drive_boot() || drive_boot()->kind == DRIVE_BD) &&
        fs_volume_get("(bd)", &vol) == 0 && vol != root_vol)
        stop = fn(vol->dev, vol, ctx);
    strlcpy8(shell.errmsg, errmsg, sizeof(shell.errmsg));
    return stop;
}

const char *fs_volume_type(const struct fs_volume *vol)
{
    return vol->type ? vol->type : vol->ops->name;
}

int fs_volume_label(struct fs_volume *vol, char *buf, size_t size)
{
    buf[0] = 0;
    if (!vol->ops->label)
        return -ENOENT;
    return vol->ops->label(vol, buf, size);
}

int fs_volume_uuid(struct fs_volume *vol, char *buf, size_t size)
{
    buf[0] = 0;
    if (!vol->ops->uuid)
        return -ENOENT;
    return vol->ops->uuid(vol, buf, size);
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
    /*
     * grub4dos: with the root at (hd0,0)/dir, both "/x" and "x" mean
     * (hd0,0)/dir/x; "()/x" or "(hd0,0)/x" reach the volume's own root.
     */
    strlcpy8(abs, root_path, sizeof(abs));
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
        return rc;
    *on_vol = close + 1;
    return 0;
}

/* ---- the path walker (fs.h) ---- */

#define WALK_BUF (FS_LINK_MAX + FS_PATH_MAX + 2) /* a link's target and the rest of a path */

/*
 * One walk: the nodes walked (stack[0] the root, stack[depth] the current
 * node, all below it directories), where each of them is as a path (where,
 * where_len[i] bytes of it for stack[i]; the root is ""), and the rest of
 * the path still to walk. On the heap: about 16 KiB.
 */
struct walk {
    struct fs_node *stack[FS_DEPTH_MAX + 1];
    size_t where_len[FS_DEPTH_MAX + 1];
    int depth;
    char rest[WALK_BUF], where[WALK_BUF];
    char link[FS_LINK_MAX];
};

/* Back to depth d (put what was above it), where's length with it. */
static void walk_pop(struct walk *w, const struct fs_walk_ops *ops, int d)
{
    while (w->depth > d)
        ops->put(w->stack[w->depth--]);
    w->where[w->where_len[w->depth]] = 0;
}

int fs_walk(struct fs_volume *vol, const struct fs_walk_ops *ops, const char *path,
            struct fs_node **out)
{
    struct walk *w = malloc(sizeof(*w));
    const char *p;
    int links = 0, comps = 0, rc;

    if (!w)
        return -ENOMEM;
    w->depth = 0;
    w->where[0] = 0;
    w->where_len[0] = 0;
    if (strlcpy8(w->rest, path, sizeof(w->rest)) >= sizeof(w->rest)) {
        free(w);
        return -ENAMETOOLONG;
    }
    rc = ops->root(vol, &w->stack[0]);
    if (rc) {
        free(w);
        return rc;
    }
    p = w->rest;
    for (;;) {
        struct fs_node *cur = w->stack[w->depth], *child;
        size_t n = 0, len = w->where_len[w->depth];
        while (*p == '/')
            p++;
        while (p[n] && p[n] != '/')
            n++;
        if (n == 0)
            break;
        if (cur->kind != FS_NODE_DIR) {
            rc = -ENOTDIR;
            break;
        }
        if (++comps > FS_COMPONENTS_MAX) {
            rc = shell_error(-ELOOP, "%s: path '%s' walks more than %d components", vol->dev,
                             path, FS_COMPONENTS_MAX);
            break;
        }
        if (n == 1 && p[0] == '.') {
            p += n;
            continue;
        }
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            /* the root's parent is the root, as everywhere */
            walk_pop(w, ops, w->depth ? w->depth - 1 : 0);
            p += n;
            continue;
        }
        if (n >= FS_NAME_MAX || len + 1 + n >= sizeof(w->where)) {
            rc = -ENAMETOOLONG;
            break;
        }
        /* where becomes the child's path for the lookup's messages */
        w->where[len] = '/';
        memcpy(w->where + len + 1, p, n);
        w->where[len + 1 + n] = 0;
        p += n;
        rc = ops->lookup(vol, cur, w->where + len + 1, w->where, &child);
        if (rc)
            break;
        if (child->kind == FS_NODE_LINK) {
            size_t tl, rl;
            if (!ops->readlink) {
                ops->put(child);
                rc = -EBADIMG;
                break;
            }
            if (++links > FS_SYMLINKS_MAX) {
                rc = shell_error(-ELOOP, "%s: '%s': more than %d symbolic links in one path "
                                 "(a loop?)", vol->dev, w->where, FS_SYMLINKS_MAX);
                ops->put(child);
                break;
            }
            rc = ops->readlink(vol, child, w->link, sizeof(w->link));
            ops->put(child);
            if (rc)
                break;
            if (!w->link[0]) {
                rc = shell_error(-ENOENT, "%s: symlink '%s' is empty", vol->dev, w->where);
                break;
            }
            /* the target takes the link's place: target + "/" + the rest */
            tl = strlen8(w->link);
            rl = strlen8(p);
            if (tl + 1 + rl + 1 > sizeof(w->rest)) {
                rc = -ENAMETOOLONG;
                break;
            }
            memmove(w->rest + tl + 1, p, rl + 1);
            memcpy(w->rest, w->link, tl);
            w->rest[tl] = '/';
            p = w->rest;
            /* relative to the link's directory, or from the root */
            walk_pop(w, ops, w->link[0] == '/' ? 0 : w->depth);
            continue;
        }
        if (child->kind == FS_NODE_DIR)
            for (int i = 0; i <= w->depth; i++)
                if (w->stack[i]->id == child->id) {
                    /* no valid volume has one: it is damage, as a bad cluster is */
                    rc = shell_error(-EBADIMG, "%s: directory '%s' contains itself (a loop)",
                                     vol->dev, w->where);
                    break;
                }
        if (!rc && w->depth >= FS_DEPTH_MAX)
            rc = -ENAMETOOLONG;
        if (rc) {
            ops->put(child);
            break;
        }
        w->stack[++w->depth] = child;
        w->where_len[w->depth] = len + 1 + n;
    }
    if (!rc)
        *out = w->stack[w->depth--]; /* the caller's now */
    while (w->depth >= 0)
        ops->put(w->stack[w->depth--]);
    free(w);
    return rc;
}

int fs_walk_open(struct fs_volume *vol, const struct fs_walk_ops *ops, const char *path,
                 struct fs_file **out)
{
    struct fs_node *node;
    struct fs_file *f;
    int rc = fs_walk(vol, ops, path, &node);
    if (rc)
        return rc;
    f = calloc(1, sizeof(*f));
    if (!f) {
        ops->put(node);
        return -ENOMEM;
    }
    f->is_dir = node->kind == FS_NODE_DIR;
    f->priv = node;
    *out = f;
    return 0;
}

/* ---- blocklists: "(hd0,0)100+20" read as a file ---- */
struct bl_file {
    struct drive *drive;
    struct blocklist bl;
};

static int bl_read(struct fs_file *f, uint64_t off, void *buf, size_t len, size_t *got)
{
    struct bl_file *b = f->priv;
    uint64_t base = 0;
    size_t done = 0;
    for (size_t i = 0; i < b->bl.n && done < len; i++) {
        uint64_t run = b->bl.run[i].count * 512;
        if (off + done < base + run) {
            uint64_t in = off + done - base;
            size_t n = (size_t)MIN(run - in, len - done);
            int rc = drive_read_bytes(b->drive, b->bl.run[i].start * 512 + in,
                                      (uint8_t *)buf + done, n);
            if (rc)
                return rc;
            done += n;
        }
        base += run;
    }
    *got = done;
    return 0;
}

static void bl_close(struct fs_file *f)
{
    free(f->priv);
    free(f);
}

/* A blocklist's runs as extents on its drive (what fs_write_at writes through). */
static int bl_extents(struct fs_file *f, struct fs_extent **out, size_t *n)
{
    struct bl_file *b = f->priv;
    uint64_t at = 0;
    if (!(*out = calloc(b->bl.n ? b->bl.n : 1, sizeof(**out))))
        return -ENOMEM;
    for (size_t i = 0; i < b->bl.n; i++) {
        (*out)[i] = (struct fs_extent){ at, b->bl.run[i].start * 512, b->bl.run[i].count * 512 };
        at += b->bl.run[i].count * 512;
    }
    *n = b->bl.n;
    return 0;
}

static const struct fs_ops blocklist_ops = { .name = "blocklist", .read = bl_read,
                                             .close = bl_close, .extents = bl_extents };

static bool is_blocklist(const char *rest)
{
    return *rest == '+' || is_digit((unsigned char)*rest);
}

static int blocklist_open(const char *path, struct fs_file **out)
{
    struct dev_spec spec;
    const char *rest;
    struct fs_file *f;
    struct bl_file *b;
    int rc = dev_parse(path, &spec, &rest);
    if (rc)
        return rc;
    f = calloc(1, sizeof(*f));
    b = calloc(1, sizeof(*b));
    if (!f || !b) {
        rc = -ENOMEM;
        goto err;
    }
    rc = dev_lookup(&spec, &b->drive);
    if (rc == 0)
        rc = blocklist_parse(rest, &b->bl);
    if (rc)
        goto err;
    for (size_t i = 0; i < b->bl.n; i++) {
        /* every run must lie on the device, so a read never surprises */
        uint64_t end = b->bl.run[i].start + b->bl.run[i].count;
        if (end > drive_bytes(b->drive) / 512) {
            rc = shell_error(-ENXIO, "%s: sectors %llu+%llu are past its end", b->drive->name,
                             (unsigned long long)b->bl.run[i].start,
                             (unsigned long long)b->bl.run[i].count);
            goto err;
        }
        f->size += b->bl.run[i].count * 512;
    }
    f->ops = &blocklist_ops;
    f->priv = b;
    *out = f;
    return 0;
err:
    free(b);
    free(f);
    return rc;
}

int fs_open(const char *path, struct fs_file **out)
{
    char full[FS_PATH_MAX];
    struct fs_volume *vol;
    const char *p;
    int rc;
    if (path[0] == '(') {
        const char *close = strchr8(path, ')');
        if (close && is_blocklist(close + 1))
            return blocklist_open(path, out);
    }
    rc = locate(path, &vol, &p, full, sizeof(full));
    if (rc)
        return rc;
    rc = vol->ops->open(vol, p, out);
    if (rc == 0) {
        (*out)->ops = vol->ops;
        (*out)->vol = vol;
        vol->refs++;
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
    struct fs_volume *vol;
    if (!f)
        return;
    vol = f->vol;
    f->ops->close(f);
    if (vol && --vol->refs == 0 && vol->stale)
        volume_free(vol);
}

int fs_extents(struct fs_file *f, struct fs_extent **out, size_t *n)
{
    if (f->is_dir)
        return -EISDIR;
    if (!f->ops->extents)
        return -ENOTSUP;
    return f->ops->extents(f, out, n);
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

const char *fs_whole_device(const char *path, char *buf, size_t size)
{
    struct drive *d;
    size_t n = strlen8(path);
    if (n > 2 && path[0] == '(' && path[n - 1] == ')' && dev_find(path, &d) == 0) {
        snprintf(buf, size, "%s0+%llu", path, (unsigned long long)(drive_bytes(d) / 512));
        return buf;
    }
    return path;
}

/* The boot volume: read the file, change the bytes, write it back whole (its size stays). */
#define FS_REWRITE_MAX (16u << 20)
static int write_at_by_rewrite(const char *path, uint64_t off, const void *buf, size_t len)
{
    char *all;
    size_t size;
    int rc = fs_read_all(path, &all, &size, FS_REWRITE_MAX);
    if (rc == -E2BIG)
        return shell_error(rc, "%s is larger than %u MiB: the boot volume's files are written "
                           "whole", path, FS_REWRITE_MAX >> 20);
    if (rc)
        return rc;
    memcpy(all + off, buf, len);
    rc = fs_write_file(path, all, size, false);
    free(all);
    return rc;
}

int fs_write_at(const char *path, uint64_t off, const void *buf, size_t len)
{
    struct fs_file *f;
    struct fs_extent *ext = NULL;
    struct drive *d;
    size_t n = 0;
    int rc = fs_open(path, &f);
    if (rc)
        return rc;
    if (fs_is_dir(f)) {
        rc = shell_error(-EISDIR, "%s is a directory", path);
    } else if (off > f->size || len > f->size - off) {
        rc = shell_error(-ENOSPC, "%s is %llu bytes: writing %llu at %llu would make it longer",
                         path, (unsigned long long)f->size, (unsigned long long)len,
                         (unsigned long long)off);
    } else if (f->vol && f->vol->boot) {
        /* through the firmware's driver, whose cache would miss a write beneath it */
        fs_close(f);
        return write_at_by_rewrite(path, off, buf, len);
    } else if ((rc = fs_extents(f, &ext, &n)) == -ENOTSUP) {
        rc = shell_error(rc, "%s: %s files cannot be written in place", path, f->ops->name);
    }
    d = f->vol ? f->vol->drive : f->ops == &blocklist_ops ? ((struct bl_file *)f->priv)->drive
                                                          : NULL;
    for (size_t i = 0; rc == 0 && i < n && len; i++) {
        uint64_t end = ext[i].file_off + ext[i].len, k;
        if (off >= end)
            continue;
        k = MIN(end - off, (uint64_t)len);
        if (ext[i].disk_off == FS_EXTENT_HOLE || !d) {
            rc = shell_error(-ENOSPC, "%s has no space on disk at byte %llu (a sparse file)",
                             path, (unsigned long long)off);
            break;
        }
        rc = drive_write_bytes(d, ext[i].disk_off + (off - ext[i].file_off), buf, (size_t)k);
        buf = (const uint8_t *)buf + k;
        off += k;
        len -= (size_t)k;
    }
    free(ext);
    fs_close(f);
    return rc;
}

int fs_write_file(const char *path, const void *buf, size_t len, bool append)
{
    char full[FS_PATH_MAX];
    struct fs_volume *vol;
    const char *p;
    int rc = locate(path, &vol, &p, full, sizeof(full));
    if (rc)
        return rc;
    if (vol->ops->write_file)
        return vol->ops->write_file(vol, p, buf, len, append);
    if (!vol->boot)
        return shell_error(-EROFS, "%s: %s cannot write here", vol->dev, fs_volume_type(vol));
    /*
     * Native drivers only read. The boot volume is written through the
     * firmware's own driver, and the native mount is dropped so that the
     * next read sees what changed.
     */
    rc = fs_sfs.write_file(vol, p, buf, len, append);
    if (vol->drive)
        fs_volume_forget(vol->drive);
    return rc;
}
