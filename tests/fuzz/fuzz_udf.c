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

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DISK_SIZE (1u << 20)
#define VRS_AT 32768u
#define VRS_LEN 6144u
#define VDS_AT 49152u
#define VDS_LEN 8192u
#define REST_AT 131072u
static uint8_t disk[DISK_SIZE];
static int opens;

static void check_file(struct fs_file *f)
{
    uint8_t buf[4096];
    size_t got, n;
    struct fs_extent *e;
    uint64_t covered = 0;
    if (fs_read(f, 0, buf, sizeof(buf), &got) == 0 && got > MIN(fs_size(f), sizeof(buf)))
        __builtin_trap();
    if (fs_size(f) > 0 && fs_read(f, fs_size(f) - 1, buf, 100, &got) == 0 && got != 1)
        __builtin_trap();
    if (fs_read(f, fs_size(f), buf, 10, &got) == 0 && got != 0)
        __builtin_trap();
    if (fs_extents(f, &e, &n) == 0) {
        for (size_t i = 0; i < n; i++) {
            if (e[i].file_off != covered || e[i].len == 0)
                __builtin_trap();
            if (e[i].disk_off != FS_EXTENT_HOLE &&
                (e[i].disk_off > DISK_SIZE || e[i].len > DISK_SIZE - e[i].disk_off))
                __builtin_trap();
            covered += e[i].len;
        }
        if (covered != fs_size(f))
            __builtin_trap();
        free(e);
    }
}

static void walk(const char *path, int depth)
{
    struct fs_file *d, *f;
    struct fs_dirent ent;
    char child[FS_PATH_MAX];
    int n = 0;
    if (depth > 6 || opens++ > 200 || fs_open(path, &d) != 0)
        return;
    if (!fs_is_dir(d)) {
        check_file(d);
        fs_close(d);
        return;
    }
    while (n++ < 40 && fs_readdir(d, &ent) == 1) {
        if (snprintf(child, sizeof(child), "%s/%s", path, ent.name) >= (int)sizeof(child))
            continue;
        if (ent.is_dir) {
            walk(child, depth + 1);
        } else if (opens++ < 200 && fs_open(child, &f) == 0) {
            check_file(f);
            fs_close(f);
        }
    }
    fs_close(d);
}

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
    opens = 0;
    if (fs_volume_get("(hd0)", &vol) == 0) {
        if (fs_volume_label(vol, buf, sizeof(buf)) == 0 && strlen8(buf) >= sizeof(buf))
            __builtin_trap();
        if (fs_volume_uuid(vol, buf, sizeof(buf)) == 0 && strlen8(buf) != 16)
            __builtin_trap();
        walk("(hd0)", 0);
    }
    return 0;
}
