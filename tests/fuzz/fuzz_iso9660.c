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

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DISK_SIZE (512u << 10)
#define INPUT_AT 32768u
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
            if (e[i].file_off != covered || e[i].len == 0 || e[i].disk_off > DISK_SIZE ||
                e[i].len > DISK_SIZE - e[i].disk_off)
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
    if (size > DISK_SIZE - INPUT_AT)
        return 0;
    memset(disk, 0, sizeof(disk));
    memcpy(disk + INPUT_AT, data, size);
    host_clear_disks();
    drive_reset();
    host_add_mem_disk(disk, sizeof(disk), PLAT_DISK_CD, 2048);
    opens = 0;
    if (fs_volume_get("(cd0)", &vol) == 0) {
        if (fs_volume_label(vol, buf, sizeof(buf)) == 0 && strlen8(buf) >= sizeof(buf))
            __builtin_trap();
        if (fs_volume_uuid(vol, buf, sizeof(buf)) == 0 && strlen8(buf) != 22)
            __builtin_trap();
        walk("(cd0)", 0);
        static const char *const paths[] = { "(cd0)/rel", "(cd0)/abs_dir/x.txt",
                                             "(cd0)/sub/up", "(cd0)/loop1", "(cd0)/CASE.TXT" };
        for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
            struct fs_file *f;
            if (fs_open(paths[i], &f) == 0) {
                if (!fs_is_dir(f))
                    check_file(f);
                fs_close(f);
            }
        }
    }
    return 0;
}
