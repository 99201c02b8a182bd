/*
 * libFuzzer harness for the MBR partition map (disk/part_mbr.c): primaries,
 * the extended partition's EBR chain, the superfloppy check. The input is
 * the start of a zeroed 2 MiB disk, so EBRs the input links to within its
 * first 64 KiB are there to follow, and links beyond lead to zeroed blocks.
 * Bit 0 of byte 444 (reserved, after the disk signature; no parser reads
 * it) selects 4096-byte blocks, so 4Kn disks are fuzzed from the same
 * seeds. Every partition found must lie on the disk, and its first and last
 * blocks are read.
 */
#include "../../disk/drive.h"
#include "../../src/platform.h"
#include "../../src/shell.h"
#include "../host/host.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DISK_SIZE (2u << 20)

static uint8_t disk[DISK_SIZE]; /* zero but for the last input (the scan only reads) */
static size_t last_size;
static uint8_t block[4096];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned bs = size > 444 && (data[444] & 1) ? 4096 : 512;
    struct drive *d;
    int n = 0;
    if (size > 64 * 1024)
        return 0;
    /* clearing only what the last input wrote keeps runs fast: memset is ours, a byte loop */
    memset(disk, 0, last_size);
    memcpy(disk, data, size);
    last_size = size;
    host_clear_disks();
    drive_reset();
    host_add_mem_disk(disk, sizeof(disk), PLAT_DISK_HD, bs);
    host_output_reset();
    host_capture_output = true; /* warnings are expected; keep them off the terminal */
    if (dev_find("(hd0)", &d) != 0)
        __builtin_trap();
    for (struct drive *p = drive_partitions(d); p; p = p->next_part) {
        if (p->part < 0 || p->part >= 4 + 128 || p->blocks == 0 || p->start >= d->blocks ||
            p->blocks > d->blocks - p->start || ++n > 4 + 128)
            __builtin_trap();
        if (drive_read(p, 0, 1, block) != 0 || drive_read(p, p->blocks - 1, 1, block) != 0)
            __builtin_trap();
    }
    host_capture_output = false;
    drive_reset();
    host_clear_disks();
    return 0;
}
