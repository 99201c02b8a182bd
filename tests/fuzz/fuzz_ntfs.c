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
#include "fs_walk.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DISK_SIZE (4u << 20)
#define INPUT_MAX (64u << 10)

static uint8_t *disk;
static struct fs_walk w = { .disk_size = DISK_SIZE, .holes = true, .depth_max = 8,
                            .entries_max = 64, .opens_max = 400, .read_max = 1u << 20 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char label[256];
    struct drive *d;
    struct fs_volume *vol;
    if (!disk) {
        disk = calloc(1, DISK_SIZE); /* stays zero past the input: the disk is read-only */
        if (!disk)
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
        fs_walk_volume(&w, "(hd0)");
    }
    host_clear_disks();
    drive_reset();
    return 0;
}
