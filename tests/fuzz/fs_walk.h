/*
 * What every filesystem harness does once its disk mounts: walk the tree
 * (bounded) and check the fs_ops contracts on each file. Included by one
 * harness per binary (the fuzz build links one harness file each), so the
 * functions are static.
 *
 * Contracts checked (a trap is a bug in the driver):
 *   - a listed name is non-empty and has no '/', so it can be opened again;
 *   - a read returns at most what was asked, and nothing past the size;
 *   - extents are in file order, non-empty, cover [0, size) exactly, and lie
 *     on the disk (holes only where the filesystem has them).
 */
#ifndef MB_FUZZ_FS_WALK_H
#define MB_FUZZ_FS_WALK_H

#include "../../fs/fs.h"
#include "../../src/platform.h"
#include "../host/host.h"

struct fs_walk {
    uint64_t disk_size;   /* extents must end below this */
    bool holes;           /* FS_EXTENT_HOLE may appear */
    int depth_max;        /* directory levels */
    int entries_max;      /* names read per directory */
    int opens_max;        /* opens per input: crossed links make huge trees */
    uint64_t read_max;    /* bytes read from the start of each file */
    int opens;            /* set to 0 before each walk */
};

#define FS_WALK_CHUNK 65536

static void fs_walk_file(struct fs_walk *w, struct fs_file *f)
{
    static uint8_t chunk[FS_WALK_CHUNK];
    struct fs_extent *ext;
    uint64_t off = 0, end = MIN(fs_size(f), w->read_max), at = 0;
    size_t n, got;
    while (off < end) {
        if (fs_read(f, off, chunk, sizeof(chunk), &got) || got == 0)
            break;
        if (got > sizeof(chunk))
            __builtin_trap();
        off += got;
    }
    /* the far end too (a large sparse file), and nothing past it */
    if (fs_size(f) > 0 && fs_read(f, fs_size(f) - 1, chunk, 100, &got) == 0 && got != 1)
        __builtin_trap();
    if (fs_read(f, fs_size(f), chunk, 10, &got) == 0 && got != 0)
        __builtin_trap();
    if (fs_extents(f, &ext, &n) != 0)
        return;
    for (size_t i = 0; i < n; i++) {
        bool hole = ext[i].disk_off == FS_EXTENT_HOLE;
        if (ext[i].file_off != at || ext[i].len == 0 || (hole && !w->holes) ||
            (!hole && (ext[i].disk_off > w->disk_size ||
                       ext[i].len > w->disk_size - ext[i].disk_off)))
            __builtin_trap();
        at += ext[i].len;
    }
    if (at != fs_size(f))
        __builtin_trap();
    free(ext);
}

/* Walk path (a buffer of FS_PATH_MAX holding len bytes) and everything below it. */
static void fs_walk_tree(struct fs_walk *w, char *path, size_t len, int depth)
{
    struct fs_file *dir;
    struct fs_dirent ent;
    if (++w->opens > w->opens_max || fs_open(path, &dir))
        return;
    if (!fs_is_dir(dir)) {
        fs_walk_file(w, dir);
        fs_close(dir);
        return;
    }
    for (int i = 0; i < w->entries_max && fs_readdir(dir, &ent) == 1; i++) {
        size_t n = strlen8(ent.name);
        if (!n || strchr8(ent.name, '/'))
            __builtin_trap();
        if (depth >= w->depth_max || len + 1 + n + 1 > FS_PATH_MAX)
            continue;
        path[len] = '/';
        memcpy(path + len + 1, ent.name, n + 1);
        fs_walk_tree(w, path, len + 1 + n, depth + 1);
        path[len] = 0;
    }
    fs_close(dir);
}

/* Walk the whole volume of device dev ("(hd0)"). */
static void fs_walk_volume(struct fs_walk *w, const char *dev)
{
    char path[FS_PATH_MAX];
    w->opens = 0;
    strlcpy8(path, dev, sizeof(path));
    fs_walk_tree(w, path, strlen8(path), 0);
}

/*
 * The disk harnesses' whole run (fuzz_fat, fuzz_exfat, fuzz_ntfs, fuzz_ext):
 * the input becomes the first 64 KiB of a 4 MiB disk that is zero beyond
 * it, with 4096-byte sectors for odd sizes and 512 for even ones; fixup (if
 * any) edits it first. Then mount, label, UUID and the walk.
 */
#define FS_FUZZ_DISK (4u << 20)
#define FS_FUZZ_INPUT (64u << 10)

__attribute__((unused)) static void fs_fuzz_disk(struct fs_walk *w, const uint8_t *data,
                                                 size_t size,
                                                 void (*fixup)(uint8_t *disk, size_t size))
{
    static uint8_t *disk;
    char label[256];
    struct drive *d;
    struct fs_volume *vol;
    if (!disk) {
        disk = calloc(1, FS_FUZZ_DISK); /* stays zero past the input: the disk is read-only */
        if (!disk)
            __builtin_trap();
    }
    if (size > FS_FUZZ_INPUT)
        size = FS_FUZZ_INPUT;
    memset(disk, 0, FS_FUZZ_INPUT);
    memcpy(disk, data, size);
    if (fixup)
        fixup(disk, size);
    w->disk_size = FS_FUZZ_DISK;
    host_clear_disks();
    drive_reset();
    host_add_mem_disk(disk, FS_FUZZ_DISK, PLAT_DISK_HD, size & 1 ? 4096 : 512);
    if (dev_find("(hd0)", &d) == 0 && fs_volume_of(d, &vol) == 0) {
        fs_volume_label(vol, label, sizeof(label));
        fs_volume_uuid(vol, label, sizeof(label));
        fs_walk_volume(w, "(hd0)");
    }
    host_clear_disks();
    drive_reset();
}

#endif
