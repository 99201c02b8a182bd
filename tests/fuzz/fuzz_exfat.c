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
#include "fs_walk.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fs_walk w = { .holes = true, .depth_max = 8,
                            .entries_max = 64, .opens_max = 400, .read_max = 1u << 20 };

/*
 * Put the right boot region checksum in sector 11 (sector size from the boot
 * sector) for the inputs whose size has bit 1 clear, so the mount code past
 * the checksum gets fuzzed too; the others test the check itself.
 */
static void exfat_fixup(uint8_t *disk, size_t size)
{
    unsigned shift = disk[108];
    uint32_t sum = 0, bps;
    if ((size & 2) || memcmp(disk + 3, "EXFAT   ", 8) != 0 || shift < 9 || shift > 12)
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fs_fuzz_disk(&w, data, size, exfat_fixup);
    return 0;
}
