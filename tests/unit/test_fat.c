/*
 * The FAT driver (fs/fat.c) through the fs API, on images made by mkfs.fat
 * and mtools at test time: label and UUID, a fragmented file's extents
 * (checked by reading them raw), reads at any offset in any order, the type
 * names, and a disk that is not FAT. tests/drives/fat.sh covers the trees,
 * the names and the corrupt images through the shell.
 */
#include "test.h"

#include <stdlib.h>
#include <unistd.h>

#include "../../disk/drive.h"
#include "../../disk/map.h"
#include "../../disk/nfit.h"
#include "../../fs/fs.h"
#include "../../src/platform.h"

#define FRAG_SIZE 30000

static char dir[64];
static uint8_t zeros[64 * 512];

static uint8_t pattern(size_t i)
{
    return (uint8_t)(i * 31 + (i >> 8) + 7);
}

/* Write n pattern bytes to dir/name. */
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

/* Run a shell command made from fmt; returns system()'s status. */
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
 * (hd0): FAT16 with a label and serial, frag.bin split around spacer.bin;
 * (hd1): FAT12 without a label; (hd2): zeros. Returns false if the tools fail.
 */
static bool setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/mapboot-test-fat-%d", (int)getpid());
    if (sh("rm -rf %s && mkdir -p %s", dir, dir) || write_pattern("frag.bin", 4000) ||
        write_pattern("spacer.bin", 4000))
        return false;
    /* rewriting frag.bin bigger frees its clusters; first fit puts it around spacer.bin */
    if (sh("cd %s && export MTOOLS_SKIP_CHECK=1 && "
           "mkfs.fat -C -F 16 -s 1 -i 1234ABCD -n 'UNIT LBL' a.img 8192 >/dev/null && "
           "mcopy -i a.img frag.bin spacer.bin ::/ && "
           "mkfs.fat -C -F 12 b.img 1024 >/dev/null", dir))
        return false;
    if (write_pattern("frag.bin", FRAG_SIZE) ||
        sh("cd %s && MTOOLS_SKIP_CHECK=1 mcopy -o -i a.img frag.bin ::/", dir))
        return false;
    char a[96], b[96];
    host_clear_disks();
    drive_reset();
    snprintf(a, sizeof(a), "%s/a.img", dir);
    snprintf(b, sizeof(b), "%s/b.img", dir);
    return host_add_disk(a, PLAT_DISK_HD, 0) == 0 && host_add_disk(b, PLAT_DISK_HD, 0) == 0 &&
           host_add_mem_disk(zeros, sizeof(zeros), PLAT_DISK_HD, 512) == 0;
}

static void teardown(void)
{
    host_clear_disks();
    drive_reset();
    sh("rm -rf %s", dir);
}

static struct fs_volume *volume(const char *dev)
{
    struct fs_volume *vol;
    return fs_volume_get(dev, &vol) == 0 ? vol : NULL;
}

TEST(fat_label_uuid_type)
{
    struct fs_volume *vol;
    char buf[64];
    ok(setup());
    vol = volume("(hd0)");
    ok(vol != NULL);
    if (vol) {
        ok_str(fs_volume_type(vol), "fat16");
        ok(fs_volume_label(vol, buf, sizeof(buf)) == 0);
        ok_str(buf, "UNIT LBL");
        ok(fs_volume_uuid(vol, buf, sizeof(buf)) == 0);
        ok_str(buf, "1234-ABCD");
    }
    vol = volume("(hd1)");
    ok(vol != NULL);
    if (vol) {
        ok_str(fs_volume_type(vol), "fat12");
        ok(fs_volume_label(vol, buf, sizeof(buf)) == -ENOENT); /* "NO NAME" */
    }
    ok(volume("(hd2)") == NULL); /* zeros are not FAT */
    teardown();
}

TEST(fat_fragmented_extents)
{
    struct fs_file *f = NULL;
    struct fs_extent *ext = NULL;
    size_t n = 0;
    struct drive *d;
    ok(setup());
    ok(dev_find("(hd0)", &d) == 0);
    ok(fs_open("(hd0)/FRAG.BIN", &f) == 0);
    if (!f)
        goto out;
    ok(fs_size(f) == FRAG_SIZE);
    ok(fs_extents(f, &ext, &n) == 0);
    ok(n >= 2); /* around spacer.bin */
    uint64_t at = 0;
    bool same = true;
    for (size_t i = 0; i < n; i++) {
        uint8_t *buf = malloc(ext[i].len);
        ok(ext[i].file_off == at);
        ok(buf && drive_read_bytes(d, ext[i].disk_off, buf, ext[i].len) == 0);
        for (size_t k = 0; buf && k < ext[i].len; k++)
            same &= buf[k] == pattern(at + k);
        free(buf);
        at += ext[i].len;
    }
    ok(at == FRAG_SIZE);
    ok(same);
    mb_free(ext);
    fs_close(f);
out:
    teardown();
}

TEST(fat_reads_at_any_offset)
{
    struct fs_file *f = NULL;
    uint8_t buf[777];
    bool same = true;
    size_t got;
    ok(setup());
    ok(fs_open("(hd0)/frag.bin", &f) == 0);
    if (!f)
        goto out;
    /* backwards in odd pieces, across the run boundaries */
    for (uint64_t off = FRAG_SIZE; off > 0;) {
        uint64_t at = off > sizeof(buf) ? off - sizeof(buf) : 0;
        ok(fs_read(f, at, buf, (size_t)(off - at), &got) == 0 && got == off - at);
        for (size_t k = 0; k < got; k++)
            same &= buf[k] == pattern(at + k);
        off = at;
    }
    ok(same);
    ok(fs_read(f, FRAG_SIZE - 5, buf, sizeof(buf), &got) == 0 && got == 5); /* clipped at the end */
    ok(fs_read(f, FRAG_SIZE + 5, buf, sizeof(buf), &got) == 0 && got == 0);
    fs_close(f);
out:
    teardown();
}

TEST(fat_readdir_and_case)
{
    struct fs_file *d = NULL, *f = NULL;
    struct fs_dirent ent;
    int names = 0;
    ok(setup());
    ok(fs_open("(hd0)/", &d) == 0);
    while (d && fs_readdir(d, &ent) == 1) {
        /* the volume label entry is not a file; 8.3 names keep NT's lowercase flags */
        ok(strcmp(ent.name, "UNIT LBL") != 0);
        if (strcmp(ent.name, "frag.bin") == 0 || strcmp(ent.name, "spacer.bin") == 0)
            names++;
        ok(!ent.is_dir);
    }
    ok(names == 2);
    fs_close(d);
    ok(fs_open("(hd0)/Spacer.Bin", &f) == 0 && f && !fs_is_dir(f) && fs_size(f) == 4000);
    fs_close(f);
    ok(fs_open("(hd0)/spacer.bin/x", &f) == -ENOTDIR);
    ok(fs_open("(hd0)/nothere", &f) == -ENOENT);
    teardown();
}

/* grub4dos for UEFI's ntloader idiom: uuid () sets %?_UUID% for the next line. */
TEST(fat_uuid_sets_result_variable)
{
    ok(setup());
    ok_str(run_script("root (hd0)\nuuid ()\necho kernel /ntloader uuid=%?_UUID%"),
           "1234-ABCD\nkernel /ntloader uuid=1234-ABCD\n");
    /* a failed uuid leaves the last value; set cannot write a ?_ name */
    ok_str(run_script("uuid (hd2)\necho [%?_UUID%]"),
           "Error: uuid: (hd2): no filesystem found\n[1234-ABCD]\n");
    ok(strstr(run_script("set ?_UUID=x"), "Error") != NULL);
    teardown();
}

/*
 * kernel tells Linux where a RAM drive's image came from (disk/map.h,
 * map_linux_args): the FAT serial as blkid writes it and the path on it,
 * whatever the root was when the kernel was loaded.
 */
TEST(fat_kernel_gets_the_ram_drives_source)
{
    char want[128];
    struct drive *d;
    ok(setup());
    host_acpi_reset();
    nfit_forget();
    run_script("root (hd0)\nmap --mem /frag.bin (hd)\nroot (hd1)\n"
               "kernel (hd0)/spacer.bin console=ttyS0");
    d = drive_by_number(0x83);
    ok(d && (d->flags & DRIVE_NFIT));
    if (d) {
        snprintf(want, sizeof(want),
                 "(hd0) /spacer.bin console=ttyS0 mapboot.ram=0x%llx,%u,raw,1234-ABCD,/frag.bin",
                 (unsigned long long)drive_map_ram(d), FRAG_SIZE);
        ok_str(host_image, want);
    }
    /* with --no-nfit Linux cannot see it, so nothing is said */
    run_script("map --unmap=(hd3)\nmap --mem --no-nfit (hd0)/frag.bin (hd)\n"
               "kernel (hd0)/spacer.bin console=ttyS0");
    ok_str(host_image, "(hd0) /spacer.bin console=ttyS0");
    run_script("map --unmap=(hd3)");
    /* in place: the file, for a loop device, and how it was mapped */
    run_script("map --fake-write (hd0)/frag.bin (hd)\nmap --read-only (hd0)/spacer.bin (hd)\n"
               "map (hd0)/spacer.bin (hd)\nkernel (hd0)/spacer.bin");
    ok_str(host_image, "(hd0) /spacer.bin mapboot.disk=fake,1234-ABCD,/frag.bin "
                       "mapboot.disk=ro,1234-ABCD,/spacer.bin mapboot.disk=rw,1234-ABCD,/spacer.bin");
    run_script("map --unmap=(hd3),(hd4),(hd5)");
    host_acpi_reset();
    nfit_forget();
    teardown();
}

/* The bytes of file path at [off, off+len) equal want. */
static bool file_has(const char *path, uint64_t off, const void *want, size_t len)
{
    struct fs_file *f;
    uint8_t buf[64];
    size_t got = 0;
    bool same;
    if (len > sizeof(buf) || fs_open(path, &f) != 0)
        return false;
    same = fs_read(f, off, buf, len, &got) == 0 && got == len && memcmp(buf, want, len) == 0;
    fs_close(f);
    return same;
}

/* grub4dos' write: in place, across a file's fragments, never longer; devices too. */
TEST(fat_write_in_place)
{
    struct fs_file *f;
    uint8_t before[21];
    ok(setup());
    for (size_t i = 0; i < sizeof(before); i++)
        before[i] = pattern(4090 + i);
    /* frag.bin's first fragment ends at 4096: this write goes across it, a NUL inside */
    ok_str(run_script("write --offset=4090 (hd0)/frag.bin 0123456789\\x00ABCDEFGHIJ\n"
                      "echo %@retval%"), "21\n");
    ok(file_has("(hd0)/frag.bin", 4090, "0123456789\0ABCDEFGHIJ", 21));
    ok(file_has("(hd0)/frag.bin", 4089, (uint8_t[]){ pattern(4089) }, 1));
    ok(file_has("(hd0)/frag.bin", 4111, (uint8_t[]){ pattern(4111) }, 1));
    ok(fs_open("(hd0)/frag.bin", &f) == 0 && fs_size(f) == FRAG_SIZE);
    fs_close(f);
    /* never longer: the last byte may change, one more is refused and nothing is written */
    ok_str(run_script("write --offset=29999 (hd0)/frag.bin Z"), "");
    ok(strstr(run_script("write --offset=29999 (hd0)/frag.bin ZZ"),
              "Error: write: (hd0)/frag.bin is 30000 bytes: writing 2 at 29999 would make it "
              "longer") != NULL);
    ok(file_has("(hd0)/frag.bin", 29999, "Z", 1));
    /* a whole device and a blocklist (sectors 1000 and 1001 of the 1 MiB FAT12 disk) */
    ok_str(run_script("write --offset=0x7D0FF (hd1) HELLO"), "");
    ok(file_has("(hd1)1000+2", 0xFE, "\0HELLO\0", 7));
    ok_str(run_script("write (hd1)1001+1 \\x55\\xAA"), "");
    ok(file_has("(hd1)1000+2", 0x1FF, "\0\x55\xAA", 3));
    ok(strstr(run_script("write --offset=1048575 (hd1) AB"), "would make it longer") != NULL);
    ok_str(run_script("write (hd2)+1 X"), "Error: write: (hd2) is read-only\n");
    ok(strstr(run_script("write (hd0)/nosuch.bin X"), "Error: write: (hd0)/nosuch.bin") != NULL);
    teardown();
}

/* write keeps a map's promises: --read-only refuses, --fake-write leaves the image alone. */
TEST(fat_write_through_maps)
{
    ok(setup());
    ok_str(run_script("map --read-only (hd0)/frag.bin (hd)"), "");
    ok(strstr(run_script("write (hd3)+1 X"), "Error: write:") != NULL);
    ok(file_has("(hd0)/frag.bin", 0, (uint8_t[]){ pattern(0) }, 1));
    ok_str(run_script("map --unmap=(hd3)\nmap --fake-write (hd0)/frag.bin (hd)"), "");
    ok_str(run_script("write (hd3)+1 FAKE"), "");
    ok(file_has("(hd3)+1", 0, "FAKE", 4));
    ok(file_has("(hd0)/frag.bin", 0, (uint8_t[]){ pattern(0), pattern(1) }, 2));
    teardown();
}

/* The boot volume is written through the platform's driver: read, change, write back. */
TEST(fat_write_boot_volume)
{
    ok(setup());
    test_write_bd("w.txt", "hello world", 11);
    ok_str(run_script("write --offset=6 (bd)/w.txt WORLD\ncat (bd)/w.txt"), "hello WORLD");
    ok(strstr(run_script("write --offset=7 (bd)/w.txt WORLD"), "would make it longer") != NULL);
    teardown();
}

/* dd copies in place between files, devices and blocklists; cmp compares them. */
TEST(fat_dd_and_cmp)
{
    uint8_t want[16];
    ok(setup());
    /* spacer.bin (4000 pattern bytes) into the fragmented frag.bin, across its fragments */
    ok_str(run_script("dd if=(hd0)/spacer.bin of=(hd0)/frag.bin bs=10 skip=1 seek=400\n"
                      "echo %@retval%"), "3990\n");
    for (size_t i = 0; i < sizeof(want); i++)
        want[i] = pattern(10 + 90 + i); /* out 4090 + i, across the fragments at 4096 */
    ok(file_has("(hd0)/frag.bin", 4090, want, sizeof(want)));
    ok(file_has("(hd0)/frag.bin", 3999, (uint8_t[]){ pattern(3999) }, 1));
    /* cmp: the copy matches where it went, and the first difference is named */
    ok_str(run_script("cmp --skip=4000 --length=3990 (hd0)/frag.bin (hd0)/frag.bin && echo same"),
           "same\n");
    ok_str(run_script("cmp (hd0)/spacer.bin (hd0)/frag.bin || echo differ"),
           "Differ in size: 0xFA0 [(hd0)/spacer.bin], 0x7530 [(hd0)/frag.bin]\ndiffer\n");
    ok_str(run_script("cmp --length=4000 (hd0)/spacer.bin (hd0)/frag.bin && echo same"),
           "same\n");
    /* pattern(2) is 0x45; a FAT boot sector starts EB 3C 90 */
    ok_str(run_script("cmp --skip=2 --length=4000 (hd0)/spacer.bin (hd1)+8 || echo differ"),
           "Differ at the offset 0x2: 0x45 [(hd0)/spacer.bin], 0x90 [(hd1)+8]\ndiffer\n");
    /* a device into a blocklist, count in blocks; never past the end of the output */
    ok_str(run_script("dd if=(hd0) of=(hd1)1000+2 count=2\ncmp (hd0)+2 (hd1)1000+2 && echo copied"),
           "copied\n");
    /* whole devices compare as devices: their sizes differ */
    ok_str(run_script("cmp (hd0) (hd1) || echo differ"),
           "Differ in size: 0x800000 [(hd0)], 0x100000 [(hd1)]\ndiffer\n");
    ok(strstr(run_script("dd if=(hd0) of=(hd1)1000+2 count=3"),
              "Error: dd: (hd1)1000+2 is 1024 bytes: 1536 at 0 would make it longer") != NULL);
    ok(strstr(run_script("dd if=(hd0)/spacer.bin of=(hd0)/frag.bin count=9"), "not count=9")
       != NULL);
    ok(strstr(run_script("dd if=(hd0)/spacer.bin"), "Error: dd: usage") != NULL);
    ok(strstr(run_script("dd if=(hd0)+1 of=(md)0x3E+1"), "Error: dd: BIOS-only: (md)") != NULL);
    teardown();
}

/* cat --replace writes over each match in place, as the real menus edit CONFIG.SYS. */
TEST(fat_cat_replace)
{
    ok(setup());
    test_sh("printf 'DEVICE=A,B,C\\r\\nfiles=30\\r\\n' > %s/config.sys && "
            "MTOOLS_SKIP_CHECK=1 mcopy -o -i %s/a.img %s/config.sys ::/CONFIG.SYS", dir, dir, dir);
    host_clear_disks();
    drive_reset();
    {
        char a[96], b[96];
        snprintf(a, sizeof(a), "%s/a.img", dir);
        snprintf(b, sizeof(b), "%s/b.img", dir);
        ok(host_add_disk(a, PLAT_DISK_HD, 0) == 0 && host_add_disk(b, PLAT_DISK_HD, 0) == 0);
    }
    ok_str(run_script("cat --locatei=\",\" --replace=\";\" --number=1 (hd0)/CONFIG.SYS\n"
                      "cat --locate=FILES --replace=Files (hd0)/config.sys || echo case\n"
                      "cat --locatei=FILES --replace=FILES (hd0)/config.sys\n"
                      "cat (hd0)/config.sys"),
           "0x8\ncase\n0xE\nDEVICE=A;B,C\r\nFILES=30\r\n");
    /* a replacement that would run past the end is refused; the file stays its size */
    ok(strstr(run_script("cat --locate=30 --replace=300000 (hd0)/config.sys"),
              "would make it longer") != NULL);
    ok(strstr(run_script("cat --locate=\\x0A --replace=\\x20 (md)0x300+1"),
              "Error: cat: BIOS-only: (md)") != NULL);
    ok(strstr(run_script("cat --decompress --locate=a --replace=b (hd0)/config.sys"),
              "--replace writes the file itself") != NULL);
    teardown();
}
