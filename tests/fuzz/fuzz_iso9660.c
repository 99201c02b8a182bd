/*
 * libFuzzer harness for the ISO9660/Joliet/Rock Ridge driver (fs/iso9660.c). The input
 * is the image from byte 32768 (sector 16: the volume descriptors) on, in a
 * zeroed 512 KiB CD with 2048-byte blocks, so a seed is a small ISO with its
 * system area cut off (tests/fuzz/seeds/fuzz_iso9660.sh). The harness
 * mounts it, asks for the label and uuid, and walks the tree (bounded),
 * reading the start and the end of every file and its extents, which must
 * cover the file and lie on the disk. Rock Ridge symlinks are followed by
 * the opens and resolved by the listings; a few fixed paths through links
 * and names that differ in case are tried too.
 */
#include "../../disk/drive.h"
#include "../../fs/fs.h"
#include "../../src/platform.h"
#include "../../src/shell.h"
#include "../host/host.h"
#include "fs_walk.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DISK_SIZE (512u << 10)
#define INPUT_AT 32768u
static uint8_t disk[DISK_SIZE];
static struct fs_walk w = { .disk_size = DISK_SIZE, .holes = false, .depth_max = 6,
                            .entries_max = 40, .opens_max = 200, .read_max = 4096 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fs_volume *vol;
    char buf[128];
    if (size > DISK_SIZE - INPUT_AT)
        return 0;
    memset(disk, 0, sizeof(disk));
    memcpy(disk + INPUT_AT, data, size);
    host_clear_disks();
    drive_reset();
    host_add_mem_disk(disk, sizeof(disk), PLAT_DISK_CD, 2048);
    if (fs_volume_get("(cd0)", &vol) == 0) {
        if (fs_volume_label(vol, buf, sizeof(buf)) == 0 && strlen8(buf) >= sizeof(buf))
            __builtin_trap();
        if (fs_volume_uuid(vol, buf, sizeof(buf)) == 0 && strlen8(buf) != 22)
            __builtin_trap();
        fs_walk_volume(&w, "(cd0)");
        static const char *const paths[] = { "(cd0)/rel", "(cd0)/abs_dir/x.txt",
                                             "(cd0)/sub/up", "(cd0)/loop1", "(cd0)/CASE.TXT" };
        for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
            struct fs_file *f;
            if (fs_open(paths[i], &f) == 0) {
                if (!fs_is_dir(f))
                    fs_walk_file(&w, f);
                fs_close(f);
            }
        }
    }
    return 0;
}
