/*
 * Filesystems behind one vtable, and the path syntax every command uses.
 *
 * A path is "(DEV)/dir/file", or "/dir/file" on the current root, or
 * "dir/file" relative to it; "(DEV)START+COUNT" is a blocklist (raw
 * sectors of the device, disk/drive.h). A volume is the filesystem on one
 * drive of the drive table, mounted on first use by the first driver in the
 * `filesystems` linker table (the order number is the probe order) that
 * claims it. Native drivers read through drive_read_bytes(); fs/sfs.c, last,
 * serves the boot volume through the platform's own file access (UEFI
 * SimpleFileSystem, a host directory) and writes it for the native ones.
 */
#ifndef MB_FS_H
#define MB_FS_H

#include "../disk/drive.h"
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
    char name[768];           /* UTF-8: 255 UTF-16 units of a long name may need 765 bytes */
    uint64_t size;
    bool is_dir;
};

/* Where a run of a file's bytes lives on its volume's drive. */
struct fs_extent {
    uint64_t file_off;  /* byte offset in the file */
    uint64_t disk_off;  /* byte offset on vol->drive; FS_EXTENT_HOLE for a sparse run */
    uint64_t len;       /* bytes */
};
#define FS_EXTENT_HOLE UINT64_MAX

struct fs_ops {
    const char *name;   /* as ls shows it: "fat32", "iso9660" */
    /*
     * Claim the volume (0, with vol->priv and vol->type set), decline
     * (-ENODEV), or claim it but find it corrupt (-EBADIMG with shell_error
     * naming vol->dev). Reads through vol->drive, which may be NULL only for
     * the sfs backend's host boot directory.
     */
    int (*mount)(struct fs_volume *vol);
    /* Free vol->priv (may be NULL). */
    void (*unmount)(struct fs_volume *vol);
    /* path is absolute on the volume ("/a/b"). */
    int (*open)(struct fs_volume *vol, const char *path, struct fs_file **out);
    int (*read)(struct fs_file *f, uint64_t off, void *buf, size_t len, size_t *got);
    /* 1 with *ent filled, 0 at the end, negative on error. */
    int (*readdir)(struct fs_file *dir, struct fs_dirent *ent);
    void (*close)(struct fs_file *f);
    int (*label)(struct fs_volume *vol, char *buf, size_t size);
    int (*uuid)(struct fs_volume *vol, char *buf, size_t size);
    /*
     * Optional: the file's extents in file order, covering [0, size), in a
     * malloc'd array the caller frees. -ENOTSUP when the backend cannot say.
     */
    int (*extents)(struct fs_file *f, struct fs_extent **out, size_t *n);
    /* Optional: replace (or append to) a file's contents; NULL when read-only. */
    int (*write_file)(struct fs_volume *vol, const char *path, const void *buf, size_t len,
                      bool append);
};

struct fs_volume {
    const char *dev;          /* the drive's name, "(hd0,1)" or "(bd)" (points at name) */
    char name[40];            /* a copy: open files may outlive the drive */
    struct drive *drive;      /* NULL only for the host's --bd directory */
    bool boot;                /* the boot volume: sfs may serve it */
    const struct fs_ops *ops; /* after a successful mount */
    const char *type;         /* set by mount: "fat16", "iso9660"; ops->name if NULL */
    void *priv;
    int refs;                 /* open files (fs.c): a forgotten volume lives until 0 */
    bool stale;
    bool remote;              /* over the network (fs/http.c): no drive, no extents */
};

TABLE_DECLARE(const struct fs_ops, filesystems);
#define FILESYSTEM(id, order) const struct fs_ops fs_##id TABLE_ENTRY(filesystems, order)
/* The platform backend (fs/sfs.c): it writes the boot volume for native drivers. */
extern const struct fs_ops fs_sfs;

/*
 * Make path absolute: "(dev)/a/b" with "." and ".." folded. Relative paths
 * and bare "/x" use the current root (shell.root). Returns 0, -EINVAL for a
 * malformed device, -ENAMETOOLONG.
 */
int fs_resolve(const char *path, char *out, size_t size);
/*
 * The mounted volume for a device name "(bd)", "(hd0,1)"; -ENODEV when the
 * device does not exist or no filesystem claims it (message set).
 */
int fs_volume_get(const char *dev, struct fs_volume **out);
/* The volume on drive d, mounting it on first use; -ENODEV when none claims it. */
int fs_volume_of(struct drive *d, struct fs_volume **out);
/* Forget d's volume (after a write behind its back, or when d goes). */
void fs_volume_forget(struct drive *d);
/*
 * Visit the volumes for find/uuid/vol: the current root's device first (when
 * root_first), then every device of the kinds listed in order ("hcf": hard
 * disks, CDs, floppies), each once. Devices without a filesystem are
 * skipped. fn gets the device name and volume and returns nonzero to stop;
 * that value is returned (0 when all were visited).
 */
int fs_for_each_volume(const char *kinds, bool root_first,
                       int (*fn)(const char *dev, struct fs_volume *vol, void *ctx), void *ctx);
/* Network volumes (fs/http.c): "(http,HOST[:PORT])", made on first use. */
bool http_is_device(const char *dev);
int http_volume_get(const char *dev, struct fs_volume **out);
/* (fs/tftp.c) "(pd)", the PXE server, and "(tftp,HOST)"; (pd)'s base directory. */
bool tftp_is_device(const char *dev);
int tftp_volume_get(const char *dev, struct fs_volume **out);
void tftp_set_basedir(const char *dir);
const char *tftp_basedir(void);
/*
 * What both share (fs/netvol.c): the fs_ops entries of volumes without a
 * drive, labels or listings, and "SPEC" out of "(PREFIX" "SPEC)".
 */
int netvol_mount(struct fs_volume *vol);
void netvol_unmount(struct fs_volume *vol);
int netvol_no_id(struct fs_volume *vol, char *buf, size_t size);
int netvol_no_listing(struct fs_file *dir, struct fs_dirent *ent);
int netvol_spec(const char *dev, const char *prefix, char *spec, size_t size);
/* Whether path ("(DEV)..." ) names a network device: (http,...), (tftp,...), (pd). */
bool fs_net_path(const char *path);

/*
 * One path walker for every native filesystem (fs_walk, in fs.c), as GRUB's
 * fshelp: a filesystem supplies its root and the lookup of one name in one
 * directory; the walker owns the rules that keep a hostile volume from
 * hurting: component splitting and length, "." and ".." (by the stack of
 * directories walked, so they work inside symlink targets), depth, the number
 * of components and of symlinks, and a directory that contains itself.
 *
 * A node is the filesystem's own record with struct fs_node first.
 */
enum fs_node_kind { FS_NODE_FILE, FS_NODE_DIR, FS_NODE_LINK };

struct fs_node {
    enum fs_node_kind kind;
    uint64_t id;      /* where a directory is on the volume (cluster, inode, byte): loop checks */
};

#define FS_NAME_MAX 768       /* bytes of one component: 255 UTF-16 units as UTF-8, and a NUL */
#define FS_DEPTH_MAX (FS_PATH_MAX / 2) /* directories deep */
#define FS_LINK_MAX 4096      /* bytes of a symlink's target */
#define FS_SYMLINKS_MAX 8     /* symlinks followed in one walk */
#define FS_COMPONENTS_MAX 4096 /* components walked in one walk, links' included */

struct fs_walk_ops {
    int (*root)(struct fs_volume *vol, struct fs_node **out);
    /*
     * name in directory dir: 0 with *out, -ENOENT when there is none, or
     * another error (with shell_error for a corrupt volume). where is the
     * path of the child as walked ("/a/b"), for messages.
     */
    int (*lookup)(struct fs_volume *vol, struct fs_node *dir, const char *name, const char *where,
                  struct fs_node **out);
    /* A symlink's target, NUL-terminated, into buf; NULL without symlinks. */
    int (*readlink)(struct fs_volume *vol, struct fs_node *link, char *buf, size_t size);
    void (*put)(struct fs_node *node);
};

/*
 * Walk path (absolute on the volume) from the root, following symlinks.
 * 0 with *out, the final node, which the caller puts; -ENOENT, -ENOTDIR,
 * -ENAMETOOLONG, -ELOOP (too many symlinks or components) or -EBADIMG (a
 * directory that contains itself), both with a message naming vol->dev,
 * -ENOMEM, or what the filesystem's lookup or readlink returned.
 */
int fs_walk(struct fs_volume *vol, const struct fs_walk_ops *ops, const char *path,
            struct fs_node **out);

/*
 * fs_walk, then an open file whose priv is the final node (put by the
 * filesystem's close) and is_dir from its kind; the caller sets the size.
 * For filesystems whose open file is the walked node itself.
 */
int fs_walk_open(struct fs_volume *vol, const struct fs_walk_ops *ops, const char *path,
                 struct fs_file **out);

/* The volume's type for display: vol->type or vol->ops->name. */
const char *fs_volume_type(const struct fs_volume *vol);
/* Label/UUID of a volume into buf; -ENOENT when it has none. */
int fs_volume_label(struct fs_volume *vol, char *buf, size_t size);
int fs_volume_uuid(struct fs_volume *vol, char *buf, size_t size);

/* Open a file or directory by any path form. The caller closes it. */
int fs_open(const char *path, struct fs_file **out);
int fs_read(struct fs_file *f, uint64_t off, void *buf, size_t len, size_t *got);
int fs_readdir(struct fs_file *dir, struct fs_dirent *ent);
void fs_close(struct fs_file *f);
static inline uint64_t fs_size(const struct fs_file *f) { return f->size; }
static inline bool fs_is_dir(const struct fs_file *f) { return f->is_dir; }

/* The extents of an open file (see fs_ops.extents); the caller frees *out. */
int fs_extents(struct fs_file *f, struct fs_extent **out, size_t *n);

/*
 * Read a whole file into a malloc'd, NUL-terminated buffer (the caller frees
 * it). Files larger than max are refused with -E2BIG.
 */
int fs_read_all(const char *path, char **buf, size_t *len, size_t max);
/* Write a whole file (for > and >> redirection, savedefault). */
int fs_write_file(const char *path, const void *buf, size_t len, bool append);
/*
 * Write len bytes at off inside an existing file or blocklist, in place
 * (grub4dos' write): never past its end (-ENOSPC), never into a hole of a
 * sparse file. Through its drive, so a mapped drive's --read-only and
 * --fake-write hold; on the boot volume through the firmware's driver
 * (read, change, write back whole, at most 16 MiB), whose cache would miss a
 * write beneath it.
 */
int fs_write_at(const char *path, uint64_t off, const void *buf, size_t len);
/*
 * For the byte commands (write, dd, cmp): a bare device "(hd1)" as the
 * blocklist of all its sectors, written into buf; any other path as it is.
 */
const char *fs_whole_device(const char *path, char *buf, size_t size);

#endif
