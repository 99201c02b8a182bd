/*
 * The initrd for `kernel` (initrd.h): files read through our own
 * filesystems, so an initrd may sit on any volume mapboot reads, and cpio
 * newc wrapping for @NAME=FILE.
 */
#include "initrd.h"

#include "shell.h"

#include "../fs/fs.h"

static struct {
    bool loaded;
    uint8_t *buf;
    size_t len, cap;
    uint32_t ino; /* inode numbers of the members we make: only need to differ */
} rd;

void initrd_reset(bool loaded)
{
    free(rd.buf);
    memset(&rd, 0, sizeof(rd));
    rd.loaded = loaded;
}

bool initrd_kernel_loaded(void)
{
    return rd.loaded;
}

const uint8_t *initrd_data(size_t *len)
{
    *len = rd.len;
    return rd.len ? rd.buf : NULL;
}

static size_t pad4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

size_t cpio_newc(uint8_t *out, const char *name, uint32_t mode, uint32_t ino, const void *data,
                 size_t len)
{
    size_t namesize = strlen8(name) + 1;
    size_t head = pad4(CPIO_NEWC_HEADER + namesize), total = head + pad4(len);
    if (out) {
        /* magic, then 13 fields of 8 hex digits: ino mode uid gid nlink mtime
         * filesize devmajor devminor rdevmajor rdevminor namesize check */
        uint32_t f[13] = { ino, mode, 0, 0, (mode & 0170000) == 0040000 ? 2 : 1, 0,
                           (uint32_t)len, 0, 0, 0, 0, (uint32_t)namesize, 0 };
        char hex[8 * 13 + 1];
        for (int i = 0; i < 13; i++)
            snprintf(hex + 8 * i, 9, "%08X", f[i]);
        memset(out, 0, total);
        memcpy(out, "070701", 6);
        memcpy(out + 6, hex, 8 * 13);
        memcpy(out + CPIO_NEWC_HEADER, name, namesize);
        if (len && data)
            memcpy(out + head, data, len);
    }
    return total;
}

/*
 * Room for n more bytes, exactly: initrds can be hundreds of MiB, and an
 * initrd line names few files, so a copy per file costs less than slack.
 */
static int reserve(size_t n)
{
    size_t cap;
    uint8_t *p;
    if (n > SIZE_MAX / 2 - rd.len)
        return -ENOMEM;
    if (rd.len + n <= rd.cap)
        return 0;
    cap = rd.len + n;
    p = realloc(rd.buf, cap);
    if (!p)
        return -ENOMEM;
    rd.buf = p;
    rd.cap = cap;
    return 0;
}

/* Read the whole of path into the buffer at rd.len (room is reserved). */
static int read_into(struct fs_file *f, const char *path, size_t len)
{
    size_t done = 0;
    while (done < len) {
        size_t got = 0;
        int rc = fs_read(f, done, rd.buf + rd.len + done, len - done, &got);
        if (rc)
            return shell_fail(rc, "initrd", path);
        if (got == 0)
            return shell_error(-EIO, "initrd: %s ends before its size", path);
        done += got;
    }
    return 0;
}

/*
 * The folders of name ("a", "a/b" for "a/b/c") as members, so that Linux can
 * create the file; written to out unless it is NULL. Returns their size.
 */
static size_t add_dirs(uint8_t *out, const char *name)
{
    char dir[FS_PATH_MAX];
    size_t total = 0;
    for (const char *s = strchr8(name, '/'); s; s = strchr8(s + 1, '/')) {
        size_t n = (size_t)(s - name);
        memcpy(dir, name, n);
        dir[n] = 0;
        total += cpio_newc(out ? out + total : NULL, dir, 0040755, out ? ++rd.ino : 0, NULL, 0);
    }
    return total;
}

int initrd_add(const char *arg)
{
    const char *path = arg, *name = NULL, *eq;
    char nm[FS_PATH_MAX], full[FS_PATH_MAX];
    struct fs_file *f;
    size_t size, need, start = rd.len;
    int rc;
    if (!rd.loaded)
        return shell_error(-EINVAL, "initrd: no kernel is loaded (kernel FILE comes first)");
    if (arg[0] == '@') {
        eq = strchr8(arg, '=');
        if (!eq || eq == arg + 1 || !eq[1] || (size_t)(eq - arg) >= sizeof(nm))
            return shell_error(-EINVAL, "initrd: '%s' is not @NAME=FILE", arg);
        memcpy(nm, arg + 1, (size_t)(eq - arg - 1));
        nm[eq - arg - 1] = 0;
        name = nm;
        while (*name == '/')
            name++;
        if (!*name || strstr8(name, "..") || strstr8(name, "//") ||
            name[strlen8(name) - 1] == '/')
            return shell_error(-EINVAL, "initrd: bad name in '%s'", arg);
        path = eq + 1;
    }
    rc = fs_resolve(path, full, sizeof(full));
    if (rc == 0)
        rc = fs_open(full, &f);
    if (rc)
        return shell_fail(rc, "initrd", path);
    if (fs_is_dir(f)) {
        fs_close(f);
        return shell_error(-EISDIR, "initrd: %s is a directory", path);
    }
    if (fs_size(f) > SIZE_MAX / 4 || (name && fs_size(f) > UINT32_MAX)) {
        fs_close(f);
        return shell_error(-E2BIG, "initrd: %s is too large", path);
    }
    size = (size_t)fs_size(f);
    /* @NAME: folders, the file and a trailer, an archive of its own */
    need = name ? add_dirs(NULL, name) + cpio_newc(NULL, name, 0100755, 0, NULL, size) +
                      cpio_newc(NULL, "TRAILER!!!", 0, 0, NULL, 0)
                : pad4(size);
    rc = reserve(need);
    if (rc) {
        fs_close(f);
        return shell_error(rc, "initrd: no memory for %s (%zu bytes)", path, need);
    }
    if (name) {
        rd.len += add_dirs(rd.buf + rd.len, name);
        /* the header says size bytes; they are read straight into place below it */
        rd.len += cpio_newc(rd.buf + rd.len, name, 0100755, ++rd.ino, NULL, size) - pad4(size);
    }
    rc = read_into(f, path, size);
    fs_close(f);
    if (rc) {
        rd.len = start; /* as it was: a failed initrd adds nothing */
        return rc;
    }
    memset(rd.buf + rd.len + size, 0, pad4(size) - size);
    rd.len += pad4(size);
    if (name)
        rd.len += cpio_newc(rd.buf + rd.len, "TRAILER!!!", 0, 0, NULL, 0);
    return 0;
}
