/*
 * libFuzzer harness for the ext2/3/4 driver (fs/ext.c). The input is the
 * start of a 4 MiB disk (the rest zero, so a small volume's superblock, group
 * descriptors, inode table and first blocks fit, and a larger claimed volume
 * reads zeros or is a truncated image), with 512-byte blocks, or 4096 for
 * odd-sized inputs. It mounts the disk, walks the tree (bounded depth and
 * entry count), reads every file and its extents, follows the symlinks seeds
 * contain, and asks for the label and UUID. Any crash, hang or sanitizer
 * report is a bug; errors are fine.
 */
#include "../../fs/fs.h"
#include "../../src/platform.h"
#include "../host/host.h"
#include "fs_walk.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fs_walk w = { .holes = true, .depth_max = 6,
                            .entries_max = 64, .opens_max = 300, .read_max = 1u << 20 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fs_fuzz_disk(&w, data, size, NULL);
    return 0;
}
