/*
 * libFuzzer harness for the FAT driver (fs/fat.c). The input is the start of
 * a 4 MiB disk (the rest zero, so a small FAT12/16/32 layout fits and a
 * claimed larger one is a truncated image), with 512-byte blocks, or 4096 for
 * odd-sized inputs. It mounts the disk, walks the whole tree (bounded depth
 * and entry count), reads every file and its extents, and asks for the label
 * and UUID. Any crash, hang or sanitizer report is a bug; errors are fine.
 */
#include "../../fs/fs.h"
#include "../../src/platform.h"
#include "../host/host.h"
#include "fs_walk.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fs_walk w = { .holes = false, .depth_max = 8,
                            .entries_max = 64, .opens_max = 400, .read_max = 1u << 20 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fs_fuzz_disk(&w, data, size, NULL);
    return 0;
}
