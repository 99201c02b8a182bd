/*
 * libFuzzer harness for the GPT partition map (disk/part_gpt.c): protective
 * MBR, both headers, entry arrays, the fall-back to the backup. The disk is
 * a zeroed 1 MiB; the first half of the input is placed at its start and
 * the second half at its end, so the backup header and its entries (at the
 * last blocks) are as reachable as the primary. Two bytes of the
 * protective MBR that no parser reads are flags: bit 0 of byte 444 selects
 * 4096-byte blocks, and bit 0 of byte 445 has the harness fix up the CRCs
 * of both headers and their entry arrays, so that mutated fields get past
 * the CRC checks to the checks behind them. Every partition found must lie
 * on the disk, and its first and last blocks are read.
 */
#include "../../disk/drive.h"
#include "../../src/crc32.h"
#include "../../src/platform.h"
#include "../../src/shell.h"
#include "../host/host.h"
#include "gpt_seal.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DISK_SIZE (1u << 20)

static uint8_t disk[DISK_SIZE]; /* zero but for the last input (the scan only reads) */
static size_t last_head, last_tail;
static uint8_t block[4096];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned bs = size > 444 && (data[444] & 1) ? 4096 : 512;
    size_t head = size / 2, tail = size - head;
    struct drive *d;
    if (size > 64 * 1024)
        return 0;
    /* clearing only what the last input wrote keeps runs fast: memset is ours, a byte loop */
    memset(disk, 0, last_head);
    memset(disk + DISK_SIZE - last_tail, 0, last_tail);
    memcpy(disk, data, head);
    memcpy(disk + DISK_SIZE - tail, data + head, tail);
    last_head = head;
    last_tail = tail;
    if (size > 445 && (data[445] & 1)) {
        gpt_seal(disk, DISK_SIZE, bs);
    }
    host_clear_disks();
    drive_reset();
    host_add_mem_disk(disk, sizeof(disk), PLAT_DISK_HD, bs);
    host_output_reset();
    host_capture_output = true; /* warnings are expected; keep them off the terminal */
    if (dev_find("(hd0)", &d) != 0)
        __builtin_trap();
    for (struct drive *p = drive_partitions(d); p; p = p->next_part) {
        if (p->part < 0 || p->part >= 1024 || p->blocks == 0 || p->start >= d->blocks ||
            p->blocks > d->blocks - p->start)
            __builtin_trap();
        if (drive_read(p, 0, 1, block) != 0 || drive_read(p, p->blocks - 1, 1, block) != 0)
            __builtin_trap();
    }
    host_capture_output = false;
    drive_reset();
    host_clear_disks();
    return 0;
}
