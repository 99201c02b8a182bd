/*
 * libFuzzer harness for the exFAT driver (fs/exfat.c). The input is the start
 * of a 4 MiB disk (the rest zero, so a small volume's boot region, FAT,
 * bitmap, up-case table, root directory and first files fit, and a claimed
 * larger one is a truncated image), with 512-byte blocks, or 4096 for
 * odd-sized inputs. Unless bit 1 of the size is set, the boot region's
 * checksum is recomputed first, so mutations reach past it. It mounts the
 * disk, walks the whole tree (bounded depth and entry count), reads every
 * file and its extents, and asks for the label and UUID. Any crash, hang or
 * sanitizer report is a bug; errors are fine.
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
            if (ext[i].file_off != at || (ext[i].disk_off != FS_EXTENT_HOLE &&
                                           ext[i].disk_off + ext[i].len > DISK_SIZE))
                __builtin_trap();
            at += ext[i].len;
        }
        if (at != fs_size(f))
            __builtin_trap();
        free(ext);
    }
}

/* Put the right boot region checksum in sector 11 (sector size from the boot sector). */
static void fix_checksum(void)
{
    unsigned shift = disk[108];
    uint32_t sum = 0, bps;
    if (memcmp(disk + 3, "EXFAT   ", 8) != 0 || shift < 9 || shift > 12)
        return;
    bps = 1u << shift;
    for (uint32_t i = 0; i < 11 * bps; i++)
        if (i != 106 && i != 107 && i != 112)
            sum = ((sum & 1) ? 0x80000000u : 0) + (sum >> 1) + disk[i];
    for (uint32_t i = 0; i < bps; i += 4) {
        uint8_t *p = disk + 11 * bps + i;
        p[0] = (uint8_t)sum;
        p[1] = (uint8_t)(sum >> 8);
        p[2] = (uint8_t)(sum >> 16);
        p[3] = (uint8_t)(sum >> 24);
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
    if (!(size & 2))
        fix_checksum();
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
