/*
 * libFuzzer harness for the NTFS driver (fs/ntfs.c). The input is the start
 * of a 4 MiB disk (the rest zero, so the boot sector, the first MFT records
 * and small directories of a 2 MiB volume with 512-byte clusters fit, and a
 * claimed larger volume is a truncated image), with 512-byte blocks, or 4096
 * for odd-sized inputs. It mounts the disk, walks the whole tree (bounded
 * depth and entry count), reads every file and its extents, and asks for the
 * label and UUID. Any crash, hang or sanitizer report is a bug; errors are
 * fine.
 */
#include "../../fs/fs.h"
#include "../../src/platform.h"
#include "../host/host.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DISK_SIZE (4u << 20)
#define INPUT_MAX (64u << 10)
#define DEPTH_MAX 8
#define ENTRIES_MAX 64  /* per directory */
#define OPENS_MAX 400   /* per input: a tree of crossed links can be huge */
#define READ_MAX (1u << 20)

static uint8_t *disk, *chunk;
static int opens;

static void read_file(struct fs_file *f)
{
    struct fs_extent *ext;
    size_t n, got;
    uint64_t off = 0, end = MIN(fs_size(f), (uint64_t)READ_MAX);
    while (off < end) {
        if (fs_read(f, off, chunk, 65536, &got) || got == 0)
            break;
        if (got > 65536)
            __builtin_trap();
        off += got;
    }
    if (fs_extents(f, &ext, &n) == 0) {
        uint64_t at = 0;
        for (size_t i = 0; i < n; i++) {
            /* extents are in file order, cover [0, size) and lie on the disk */
            if (ext[i].file_off != at || !ext[i].len ||
                (ext[i].disk_off != FS_EXTENT_HOLE &&
                 (ext[i].disk_off > DISK_SIZE || ext[i].len > DISK_SIZE - ext[i].disk_off)))
                __builtin_trap();
            at += ext[i].len;
        }
        if (at != fs_size(f))
            __builtin_trap();
        free(ext);
    }
}

static void walk(char *path, size_t len, int depth)
{
    struct fs_file *dir;
    struct fs_dirent ent;
    if (++opens > OPENS_MAX || fs_open(path, &dir))
        return;
    if (!fs_is_dir(dir)) {
        read_file(dir);
        fs_close(dir);
        return;
    }
    for (int i = 0; i < ENTRIES_MAX && fs_readdir(dir, &ent) == 1; i++) {
        size_t n = strlen8(ent.name);
        if (!n || strchr8(ent.name, '/'))
            __builtin_trap(); /* a name must be usable in a path */
        if (depth >= DEPTH_MAX || len + 1 + n + 1 > FS_PATH_MAX)
            continue;
        path[len] = '/';
        memcpy(path + len + 1, ent.name, n + 1);
        walk(path, len + 1 + n, depth + 1);
        path[len] = 0;
    }
    fs_close(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[FS_PATH_MAX], label[256];
    struct drive *d;
    struct fs_volume *vol;
    if (!disk) {
        disk = calloc(1, DISK_SIZE); /* stays zero past the input: the disk is read-only */
        chunk = malloc(65536);
        if (!disk || !chunk)
            __builtin_trap();
    }
    if (size > INPUT_MAX)
        size = INPUT_MAX;
    memset(disk, 0, INPUT_MAX);
    memcpy(disk, data, size);
    host_clear_disks();
    drive_reset();
    host_add_mem_disk(disk, DISK_SIZE, PLAT_DISK_HD, size & 1 ? 4096 : 512);
    if (dev_find("(hd0)", &d) == 0 && fs_volume_of(d, &vol) == 0) {
        fs_volume_label(vol, label, sizeof(label));
        fs_volume_uuid(vol, label, sizeof(label));
        opens = 0;
        strlcpy8(path, "(hd0)", sizeof(path));
        walk(path, strlen8(path), 0);
    }
    host_clear_disks();
    drive_reset();
    return 0;
}
