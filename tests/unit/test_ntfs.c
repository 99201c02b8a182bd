/*
 * The NTFS driver (fs/ntfs.c) through the fs API, on an image made by
 * mkntfs and filled with ntfscp at test time: label, UUID (the boot
 * sector's serial) and type, a non-resident file's extents (checked by
 * reading them raw), reads at any offset in any order, a resident file,
 * readdir hiding the root's metadata files, case-insensitive lookups, a
 * corrupt boot sector, and a disk that is not NTFS. tests/drives/ntfs.sh
 * covers trees, sparse and fragmented files and corrupt images through the
 * shell.
 */
#include "test.h"

#include <stdlib.h>
#include <unistd.h>

#include "../../disk/drive.h"
#include "../../fs/fs.h"
#include "../../src/platform.h"

#define BIG_SIZE 300001
#define IMG_SIZE (8u << 20)

static char dir[64];
static uint8_t zeros[64 * 512];
static uint8_t *copy; /* the image in memory, its boot sector broken */

static uint8_t pattern(size_t i)
{
    return (uint8_t)(i * 37 + (i >> 9) + 3);
}

static int write_pattern(const char *name, size_t n)
{
    char path[128];
    FILE *f;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (!f)
        return -1;
    for (size_t i = 0; i < n; i++)
        fputc(pattern(i), f);
    return fclose(f);
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    return system(cmd);
}

/*
 * (hd0): NTFS labelled "UNIT NTFS" with Big.Bin (non-resident) and
 * small.txt (resident); (hd1): zeros; (hd2): (hd0) in memory with the
 * bytes-per-sector field broken. Returns false if the tools fail.
 */
static bool setup(void)
{
    char a[96];
    FILE *f;
    snprintf(dir, sizeof(dir), "/tmp/mapboot-test-ntfs-%d", (int)getpid());
    if (sh("rm -rf %s && mkdir -p %s", dir, dir) || write_pattern("big", BIG_SIZE) ||
        write_pattern("small", 100))
        return false;
    if (sh("cd %s && truncate -s %u a.img && mkntfs -F -f -q -L 'UNIT NTFS' a.img >/dev/null 2>&1"
           " && ntfscp -q a.img big Big.Bin && ntfscp -q a.img small small.txt", dir, IMG_SIZE))
        return false;
    snprintf(a, sizeof(a), "%s/a.img", dir);
    free(copy);
    copy = malloc(IMG_SIZE);
    f = fopen(a, "rb");
    if (!copy || !f || fread(copy, 1, IMG_SIZE, f) != IMG_SIZE) {
        if (f)
            fclose(f);
        return false;
    }
    fclose(f);
    copy[11] = 0x2C; /* 0x012C bytes per sector: not a power of two */
    host_clear_disks();
    drive_reset();
    return host_add_disk(a, PLAT_DISK_HD, 0) == 0 &&
           host_add_mem_disk(zeros, sizeof(zeros), PLAT_DISK_HD, 512) == 0 &&
           host_add_mem_disk(copy, IMG_SIZE, PLAT_DISK_HD, 512) == 0;
}

static void teardown(void)
{
    host_clear_disks();
    drive_reset();
    free(copy);
    copy = NULL;
    sh("rm -rf %s", dir);
}

TEST(ntfs_label_uuid_type)
{
    struct fs_volume *vol = NULL;
    char buf[64], want[32];
    uint64_t serial = 0;
    ok(setup());
    for (int i = 7; copy && i >= 0; i--)
        serial = serial << 8 | copy[0x48 + i];
    snprintf(want, sizeof(want), "%016llX", (unsigned long long)serial);
    ok(fs_volume_get("(hd0)", &vol) == 0);
    if (vol) {
        ok_str(fs_volume_type(vol), "ntfs");
        ok(fs_volume_label(vol, buf, sizeof(buf)) == 0);
        ok_str(buf, "UNIT NTFS");
        ok(fs_volume_uuid(vol, buf, sizeof(buf)) == 0);
        ok_str(buf, want);
    }
    ok(fs_volume_get("(hd1)", &vol) == -ENODEV); /* zeros are not NTFS */
    ok(fs_volume_get("(hd2)", &vol) == -EBADIMG); /* NTFS, but its boot sector is corrupt */
    ok(strstr(shell.errmsg, "(hd2)") && strstr(shell.errmsg, "bad NTFS boot sector"));
    teardown();
}

TEST(ntfs_extents_read_raw)
{
    struct fs_file *f = NULL;
    struct fs_extent *ext = NULL;
    size_t n = 0;
    struct drive *d;
    uint64_t at = 0;
    bool same = true;
    ok(setup());
    ok(dev_find("(hd0)", &d) == 0);
    ok(fs_open("(hd0)/Big.Bin", &f) == 0);
    if (!f)
        goto out;
    ok(fs_size(f) == BIG_SIZE);
    ok(fs_extents(f, &ext, &n) == 0);
    ok(n >= 1);
    for (size_t i = 0; i < n; i++) {
        uint8_t *buf = malloc(ext[i].len);
        ok(ext[i].file_off == at && ext[i].disk_off != FS_EXTENT_HOLE);
        ok(buf && drive_read_bytes(d, ext[i].disk_off, buf, ext[i].len) == 0);
        for (size_t k = 0; buf && k < ext[i].len; k++)
            same &= buf[k] == pattern(at + k);
        free(buf);
        at += ext[i].len;
    }
    ok(at == BIG_SIZE); /* the last cluster's tail is not the file's */
    ok(same);
    mb_free(ext);
    fs_close(f);
out:
    teardown();
}

TEST(ntfs_reads_at_any_offset)
{
    struct fs_file *f = NULL;
    struct fs_extent *ext = NULL;
    size_t n, got;
    uint8_t buf[4099];
    bool same = true;
    ok(setup());
    ok(fs_open("(hd0)/big.bin", &f) == 0);
    if (!f)
        goto out;
    for (uint64_t off = BIG_SIZE; off > 0;) {
        uint64_t at = off > sizeof(buf) ? off - sizeof(buf) : 0;
        ok(fs_read(f, at, buf, (size_t)(off - at), &got) == 0 && got == off - at);
        for (size_t k = 0; k < got; k++)
            same &= buf[k] == pattern(at + k);
        off = at;
    }
    ok(same);
    ok(fs_read(f, BIG_SIZE - 5, buf, sizeof(buf), &got) == 0 && got == 5);
    ok(fs_read(f, BIG_SIZE + 5, buf, sizeof(buf), &got) == 0 && got == 0);
    fs_close(f);
    /* a resident file: its bytes are in the MFT record, behind fixups */
    ok(fs_open("(hd0)/SMALL.TXT", &f) == 0);
    if (!f)
        goto out;
    ok(fs_size(f) == 100);
    ok(fs_read(f, 0, buf, sizeof(buf), &got) == 0 && got == 100);
    same = true;
    for (size_t k = 0; k < got; k++)
        same &= buf[k] == pattern(k);
    ok(same);
    ok(fs_extents(f, &ext, &n) == -ENOTSUP);
    fs_close(f);
out:
    teardown();
}

TEST(ntfs_readdir_and_case)
{
    struct fs_file *d = NULL, *f = NULL;
    struct fs_dirent ent;
    int names = 0;
    ok(setup());
    ok(fs_open("(hd0)/", &d) == 0);
    while (d && fs_readdir(d, &ent) == 1) {
        ok(ent.name[0] != '$' && strcmp(ent.name, ".") != 0); /* metadata is hidden */
        if (strcmp(ent.name, "Big.Bin") == 0 && ent.size == BIG_SIZE)
            names++;
        if (strcmp(ent.name, "small.txt") == 0)
            names++;
        ok(!ent.is_dir);
    }
    ok(names == 2);
    fs_close(d);
    ok(fs_open("(hd0)/$Volume", &f) == 0); /* but opens by name */
    fs_close(f);
    ok(fs_open("(hd0)/BIG.bin", &f) == 0 && f && !fs_is_dir(f));
    fs_close(f);
    ok(fs_open("(hd0)/big.bin/x", &f) == -ENOTDIR);
    ok(fs_open("(hd0)/nothere", &f) == -ENOENT);
    teardown();
}
