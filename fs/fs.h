/*
 * Filesystems behind one vtable, and the path syntax every command uses.
 *
 * A path is "(DEV)/dir/file", or "/dir/file" on the current root, or
 * "dir/file" relative to it. Until the drive table exists (the [drives]
 * issue) the only device is (bd), the boot volume, served by fs/sfs.c
 * through the firmware's SimpleFileSystem. Filesystem drivers register in
 * the `filesystems` linker table; the order number is the probe order.
 */
#ifndef MB_FS_H
#define MB_FS_H

#include "../src/libc.h"
#include "../src/table.h"

#define FS_PATH_MAX 512
#define SCRIPT_SIZE_MAX (1u << 20) /* menu.lst and batch files */

struct fs_volume;

struct fs_file {
    const struct fs_ops *ops;
    struct fs_volume *vol;
    uint64_t size;
    bool is_dir;
    void *priv;
};

struct fs_dirent {
    char name[256];
    uint64_t size;
    bool is_dir;
};

struct fs_ops {
    const char *name;
    /* Claim the volume (0) or decline (-ENODEV). */
    int (*mount)(struct fs_volume *vol);
    /* path is absolute on the volume ("/a/b"). */
    int (*open)(struct fs_volume *vol, const char *path, struct fs_file **out);
    int (*read)(struct fs_file *f, uint64_t off, void *buf, size_t len, size_t *got);
    /* 1 with *ent filled, 0 at the end, negative on error. */
    int (*readdir)(struct fs_file *dir, struct fs_dirent *ent);
    void (*close)(struct fs_file *f);
    int (*label)(struct fs_volume *vol, char *buf, size_t size);
    int (*uuid)(struct fs_volume *vol, char *buf, size_t size);
    /* Optional: replace (or append to) a file's contents; NULL when read-only. */
    int (*write_file)(struct fs_volume *vol, const char *path, const void *buf, size_t len,
                      bool append);
};

struct fs_volume {
    const char *dev;          /* "(bd)" */
    const struct fs_ops *ops; /* after a successful mount */
    void *priv;
};

TABLE_DECLARE(const struct fs_ops, filesystems);
#define FILESYSTEM(id, order) const struct fs_ops fs_##id TABLE_ENTRY(filesystems, order)

/*
 * Make path absolute: "(dev)/a/b" with "." and ".." folded. Relative paths
 * and bare "/x" use the current root (shell.root). Returns 0, -EINVAL for a
 * malformed device, -ENAMETOOLONG.
 */
int fs_resolve(const char *path, char *out, size_t size);
/* The mounted volume for a device name "(bd)"; -ENODEV when there is none. */
int fs_volume_get(const char *dev, struct fs_volume **out);

/* Open a file or directory by any path form. The caller closes it. */
int fs_open(const char *path, struct fs_file **out);
int fs_read(struct fs_file *f, uint64_t off, void *buf, size_t len, size_t *got);
int fs_readdir(struct fs_file *dir, struct fs_dirent *ent);
void fs_close(struct fs_file *f);
static inline uint64_t fs_size(const struct fs_file *f) { return f->size; }
static inline bool fs_is_dir(const struct fs_file *f) { return f->is_dir; }

/*
 * Read a whole file into a malloc'd, NUL-terminated buffer (the caller frees
 * it). Files larger than max are refused with -E2BIG.
 */
int fs_read_all(const char *path, char **buf, size_t *len, size_t max);
/* Write a whole file (for > and >> redirection, savedefault). */
int fs_write_file(const char *path, const void *buf, size_t len, bool append);

#endif
