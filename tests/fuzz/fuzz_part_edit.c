/*
 * libFuzzer harness for the partition-table commands (cmd/partition.c over
 * disk/part_edit.c and the GPT attribute writer in disk/part_gpt.c): they
 * read tables from the disk and write them back, so a damaged table must
 * give an error, never a write outside the table's blocks nor a table the
 * scan then trips on. The disk is 1 MiB and writable; the first half of an
 * input goes at its start and the second half at its end, as in
 * fuzz_part_gpt, so MBR and GPT seeds both work. Byte 444 bit 0 selects
 * 4096-byte blocks; byte 445 bit 0 fixes up the GPT CRCs after mutation, so
 * the edits get past them. Every command runs on every input; after each,
 * every partition must lie on the disk, and a fresh scan at the end too.
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

static uint8_t disk[DISK_SIZE];

/* Every partition of d lies on it. */
static void check(struct drive *d)
{
    int n = 0;
    for (struct drive *p = drive_partitions(d); p; p = p->next_part)
        if (p->blocks == 0 || p->start >= d->blocks || p->blocks > d->blocks - p->start ||
            ++n > 1024 + 128)
            __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const edits[] = {
        "parttype (hd0,0)", "parttype (hd0,4) 0x0b", "hide (hd0,1)", "unhide (hd0,5)",
        "hiddenflag --set (hd0,2)", "hiddenflag (hd0,0)", "makeactive (hd0,2)",
        "makeactive --status (hd0,0)", "parttype (hd0,0) 0xC000", "parttype (hd0,2) 5",
        "partnew --force (hd0,1) 0 0 0", "partnew --active (hd0,0) 0x0C 1 1",
    };
    unsigned bs = size > 444 && (data[444] & 1) ? 4096 : 512;
    size_t head = size / 2, tail = size - head;
    char line[96];
    struct drive *d;
    if (size > 64 * 1024)
        return 0;
    /* the edits write anywhere in a table's blocks: start from zeros every time */
    memset(disk, 0, sizeof(disk));
    memcpy(disk, data, head);
    memcpy(disk + DISK_SIZE - tail, data + head, tail);
    if (size > 445 && (data[445] & 1)) {
        gpt_seal(disk, DISK_SIZE, bs);
    }
    host_clear_disks();
    drive_reset();
    host_add_mem_disk_rw(disk, sizeof(disk), PLAT_DISK_HD, bs);
    host_output_reset();
    host_capture_output = true; /* messages and warnings are expected */
    if (dev_find("(hd0)", &d) != 0)
        __builtin_trap();
    for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
        shell_run_line(edits[i]);
        check(d);
    }
    /* a new primary where the input says, from 4 bytes of it */
    if (size >= 8) {
        snprintf(line, sizeof(line), "partnew (hd0,3) 0x%02X %u %u", data[0],
                 (unsigned)gpt_get(data + size - 8, 4), (unsigned)gpt_get(data + size - 4, 4));
        shell_run_line(line);
        check(d);
    }
    /* what was written reads back as a table */
    drive_reset();
    if (dev_find("(hd0)", &d) != 0)
        __builtin_trap();
    check(d);
    host_capture_output = false;
    shell.errnum = 0;
    drive_reset();
    host_clear_disks();
    return 0;
}
