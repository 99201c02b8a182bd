/*
 * libFuzzer harness for the UDF driver (fs/udf.c). A UDF volume's first
 * structures are far apart (the recognition sequence at 32 KiB, the anchor
 * at sector 256), so the input is split over a zeroed 1 MiB disk with
 * 512-byte blocks: its first 6 KiB become bytes 32768.. (BEA01, NSR0x,
 * TEA01), the next 8 KiB bytes 49152.. (sectors 96-111, where mkudffs puts
 * the main descriptor sequence), the rest bytes 131072.. (sector 256: the
 * anchor, and for mkudf.py images the descriptors and a small partition).
 * tests/fuzz/seeds/fuzz_udf.sh cuts seeds that way. The harness mounts the
 * disk, asks for the label and uuid, walks the tree (bounded), reads the
 * start and end of every file and checks its extents cover it and lie on
 * the disk. fs/udf.c built with MB_FUZZ accepts bad checksums and CRCs.
 */
#include "../../disk/drive.h"
#include "../../fs/fs.h"
#include "../../src/platform.h"
#include "../../src/shell.h"
#include "../host/host.h"
#include "fs_walk.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DISK_SIZE (1u << 20)
#define VRS_AT 32768u
#define VRS_LEN 6144u
#define VDS_AT 49152u
#define VDS_LEN 8192u
#define REST_AT 131072u
static uint8_t disk[DISK_SIZE];
static struct fs_walk w = { .disk_size = DISK_SIZE, .holes = true, .depth_max = 6,
                            .entries_max = 40, .opens_max = 200, .read_max = 4096 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fs_volume *vol;
    char buf[128];
    if (size > 65536)
        return 0;
    /* the driver never writes: only the three input windows need clearing (mb_memset is slow) */
    memset(disk + VRS_AT, 0, VRS_LEN);
    memset(disk + VDS_AT, 0, VDS_LEN);
    memset(disk + REST_AT, 0, 65536 - VRS_LEN - VDS_LEN);
    memcpy(disk + VRS_AT, data, MIN(size, (size_t)VRS_LEN));
    if (size > VRS_LEN)
        memcpy(disk + VDS_AT, data + VRS_LEN, MIN(size - VRS_LEN, (size_t)VDS_LEN));
    if (size > VRS_LEN + VDS_LEN)
        memcpy(disk + REST_AT, data + VRS_LEN + VDS_LEN, size - VRS_LEN - VDS_LEN);
    host_clear_disks();
    drive_reset();
    host_add_mem_disk(disk, sizeof(disk), PLAT_DISK_HD, 512);
    if (fs_volume_get("(hd0)", &vol) == 0) {
        if (fs_volume_label(vol, buf, sizeof(buf)) == 0 && strlen8(buf) >= sizeof(buf))
            __builtin_trap();
        if (fs_volume_uuid(vol, buf, sizeof(buf)) == 0 && strlen8(buf) != 16)
            __builtin_trap();
        fs_walk_volume(&w, "(hd0)");
    }
    return 0;
}
