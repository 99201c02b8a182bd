/*
 * map (disk/map.c, cmd/map.c) over a FAT16 image holding a 3 MiB image file
 * that is fragmented on purpose: in place, --mem, --top, --read-only,
 * --fake-write, --unmap, --status and the errors. The outer image is a host
 * file, so a test can see whether a write reached it.
 */
#include "test.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../disk/map.h"
#include "../../fs/fs.h"
#include "../../src/platform.h"

#define INNER (3u << 20)
static char outer[64];
static uint8_t *pattern;

/* outer.img: FAT16 with /inner.bin in two pieces around /b.bin. */
static void setup(void)
{
    char cmd[1024];
    snprintf(outer, sizeof(outer), "/tmp/mapboot-map-%d", (int)getpid());
    pattern = malloc(INNER);
    for (size_t i = 0; i < INNER; i++)
        pattern[i] = (uint8_t)(i * 31 + (i >> 9) * 7);
    snprintf(cmd, sizeof(cmd),
             "set -e; cd /tmp; export MTOOLS_SKIP_CHECK=1; rm -f %s; "
             "mkfs.fat -C -F 16 %s 16384 >/dev/null; "
             "head -c 65536 /dev/zero > %s.a; head -c 65536 /dev/zero > %s.b; "
             "mcopy -i %s %s.a ::/a.bin; mcopy -i %s %s.b ::/b.bin; mdel -i %s ::/a.bin",
             outer, outer, outer, outer, outer, outer, outer, outer, outer);
    test_sh("%s", cmd);
    {
        char path[80];
        FILE *f;
        snprintf(path, sizeof(path), "%s.inner", outer);
        f = fopen(path, "wb");
        fwrite(pattern, 1, INNER, f);
        fclose(f);
        snprintf(cmd, sizeof(cmd), "MTOOLS_SKIP_CHECK=1 mcopy -i %s %s ::/inner.bin; rm -f %s.a %s.b %s",
                 outer, path, outer, outer, path);
        test_sh("%s", cmd);
    }
    host_clear_disks();
    drive_reset();
    ok(host_add_disk(outer, PLAT_DISK_HD, 512) == 0);
    test_reset();
}

static void teardown(void)
{
    host_clear_disks();
    drive_reset();
    unlink(outer);
    free(pattern);
}

static bool reads_pattern(struct drive *d)
{
    uint8_t *buf = malloc(INNER);
    bool same = drive_read(d, 0, INNER / d->block_size, buf) == 0 &&
                memcmp(buf, pattern, INNER) == 0;
    free(buf);
    return same;
}

/* The inner image's bytes as the outer image file holds them now. */
static bool outer_holds_pattern(void)
{
    struct drive *d;
    struct fs_file *f;
    uint8_t *buf = malloc(INNER);
    size_t got = 0;
    bool same;
    /* read through the host file, not the drive table */
    host_clear_disks();
    drive_reset();
    host_add_disk(outer, PLAT_DISK_HD, 512);
    same = fs_open("(hd0)/inner.bin", &f) == 0 && fs_read(f, 0, buf, INNER, &got) == 0 &&
           got == INNER && memcmp(buf, pattern, INNER) == 0;
    fs_close(f);
    free(buf);
    (void)d;
    return same;
}

TEST(map_in_place_reads_fragmented_file)
{
    struct drive *d;
    setup();
    d = test_map("(hd0)/inner.bin", "(hd)", false, false, false);
    ok(d != NULL);
    if (d) {
        ok_str(d->name, "(hd1)");
        ok(d->blocks == INNER / 512);
        ok(reads_pattern(d));
        /* the file really is in more than one piece */
        ok(strchr(run_script("blocklist (hd0)/inner.bin"), ',') != NULL);
        ok(drive_read(d, d->blocks - 1, 2, pattern) == -ENXIO);
    }
    teardown();
}

TEST(map_in_place_writes_through)
{
    struct drive *d;
    uint8_t block[512];
    setup();
    d = test_map("(hd0)/inner.bin", "(hd)", false, false, false);
    ok(d != NULL);
    memset(block, 0xAB, sizeof(block));
    ok(d && drive_write(d, 200, 1, block) == 0);
    memcpy(pattern + 200 * 512, block, 512);
    ok(outer_holds_pattern());
    teardown();
}

TEST(map_read_only_refuses_writes)
{
    struct drive *d;
    uint8_t block[512] = { 1 };
    setup();
    d = test_map("(hd0)/inner.bin", "(hd)", false, true, false);
    ok(d && (d->flags & DRIVE_READ_ONLY));
    ok(d && drive_write(d, 0, 1, block) == -EROFS);
    ok(outer_holds_pattern());
    teardown();
}

TEST(map_fake_write_reads_back_and_changes_nothing)
{
    struct drive *d;
    uint8_t block[512], back[1024];
    setup();
    d = test_map("(hd0)/inner.bin", "(hd)", false, false, true);
    ok(d != NULL);
    if (d) {
        memset(block, 0x77, sizeof(block));
        ok(drive_write(d, 10, 1, block) == 0);
        ok(drive_write(d, 10, 1, block) == 0); /* the same block again: still one */
        ok(drive_map_overlay_blocks(d) == 1);
        ok(drive_read(d, 10, 2, back) == 0);
        ok(memcmp(back, block, 512) == 0);
        ok(memcmp(back + 512, pattern + 11 * 512, 512) == 0);
    }
    ok(outer_holds_pattern());
    teardown();
}

TEST(map_mem_copies_and_frees)
{
    struct drive *d;
    uint8_t block[512];
    setup();
    d = test_map("(hd0)/inner.bin", "(hd)", true, false, false);
    ok(d && drive_map_ram(d) != 0);
    ok(d && reads_pattern(d));
    memset(block, 0x11, sizeof(block));
    ok(d && drive_write(d, 3, 1, block) == 0); /* RAM is written, the file is not */
    ok(outer_holds_pattern());
    teardown();
}

TEST(map_top_takes_the_top_of_free_memory)
{
    setup();
    /* the host's simulated map: free up to 16 MiB; 3 MiB at the top, 2 MiB aligned */
    ok_str(run_script("map --top (hd0)/inner.bin (hd)\nmap --status"),
           "drive   num         blocks  bsize RAM                OS   flags, source\n"
           "(hd1)   0x81          6144    512 0xC00000           nfit mem hooked, (hd0)/inner.bin\n"
           "firmware: 2 BlockIo devices, 12924 KiB free memory\n");
    teardown();
}

/* What --status counts comes back to the baseline after --unmap, memory included. */
TEST(map_unmap_returns_memory_and_devices)
{
    setup();
    ok_str(run_script("map --status\nmap --mem (hd0)/inner.bin (hd)\n"
                      "map --fake-write --mem (hd0)/inner.bin (0xff)\nmap --unmap=(hd1),0xff\n"
                      "map --status\n"),
           "no mapped drives\nfirmware: 1 BlockIo devices, 15996 KiB free memory\n"
           "Warning: (cd95) is described to the OS with its RAM image: what was written to "
           "its --fake-write overlay stays behind\n"
           "no mapped drives\nfirmware: 1 BlockIo devices, 15996 KiB free memory\n");
    ok(host_exposed == 0);
    ok(host_acpi_get("NFIT") == NULL); /* nothing described once nothing is mapped */
    teardown();
}

/* grub4dos menus run `map --hook` alone after their maps: accepted, nothing happens. */
TEST(map_hook_alone_is_accepted)
{
    setup();
    ok_str(run_script("map --hook && echo ok\nmap --unhook\nmap --rehook"), "ok\n");
    ok(strstr(run_script("map --mem"), "need SOURCE and TARGET") != NULL);
    teardown();
}

/* An ISO 9660 image shorter than its volume is refused, whole images are not. */
TEST(map_refuses_truncated_iso)
{
    char cmd[1024];
    setup();
    snprintf(cmd, sizeof(cmd), "set -e; o=%s; export MTOOLS_SKIP_CHECK=1; d=$(mktemp -d); "
             "echo hi > $d/f.txt; xorriso -as mkisofs -quiet -o $o.iso $d/f.txt 2>/dev/null; "
             "rm -r $d; head -c 40960 $o.iso > $o.cut; head -c 20000 $o.iso > $o.tiny; "
             "mkfs.fat -C -F 12 $o.fat 2048 >/dev/null; mcopy -i $o.fat $o.iso ::/good.iso; "
             "mcopy -i $o.fat $o.cut ::/cut.iso; mcopy -i $o.fat $o.tiny ::/tiny.iso; "
             "rm -f $o.iso $o.cut $o.tiny", outer);
    test_sh("%s", cmd);
    host_add_disk(strcat(strcpy(cmd, outer), ".fat"), PLAT_DISK_HD, 512);
    drive_reset();
    {
        /* the volume's size is xorriso's choice; the message's form is ours */
        const char *out = run_script("map (hd1)/cut.iso (cd)");
        const char *want = "Error: map: (hd1)/cut.iso is a truncated ISO image: its volume is ";
        ok(strncmp(out, want, strlen(want)) == 0 && strstr(out, " bytes, the image only 40960\n"));
    }
    ok_str(run_script("map (hd1)/tiny.iso (cd)\nmap (hd1)/good.iso (cd)\n"
                      "echo %?%\nmap --mem (hd1)/cut.iso (hd)\necho %?%\n"),
           "Error: map: (hd1)/tiny.iso is too small for a CD image (20000 bytes)\n"
           "(cd0)\n(hd2)\n");
    unlink(cmd);
    teardown();
}

TEST(map_errors_leave_earlier_maps)
{
    setup();
    ok_str(run_script("map --mem (hd0)/inner.bin (hd)\n"
                      "map (hd0)/inner.bin (hd0)\n"
                      "map (hd0)/inner.bin (hd0,1)\n"
                      "map (hd0)/nosuch.bin (hd)\n"
                      "map --read-only --fake-write (hd0)/inner.bin (hd)\n"
                      "map --mem=0x1001 (hd0)/inner.bin (hd)\n"
                      "map (hd0)/inner.bin\n"
                      "map --unmap=(hd0)\n"),
           "Error: map: (hd0) exists already; unmap it first\n"
           "Error: map: (hd0,1) cannot be a map target (use (hd), (hdN), (cd), (cdN), (fd), "
           "(fdN), (0xNN) or (rd))\n"
           "Error: map: (hd0)/nosuch.bin: not found\n"
           "Error: map: --read-only and --fake-write exclude each other\n"
           "Error: map: bad --mem address '0x1001' (a page-aligned number)\n"
           "Error: map: need SOURCE and TARGET (see help map)\n"
           "Error: map: (hd0) was not made by map\n");
    {
        struct drive *d;
        ok(dev_find("(hd1)", &d) == 0 && reads_pattern(d));
    }
    teardown();
}

TEST(map_refuses_more_than_free_memory)
{
    char cmd[256];
    setup();
    /* 20 MiB: more than the host's simulated 15 MiB of free memory, less the first map's 3 */
    snprintf(cmd, sizeof(cmd), "truncate -s 20M %s.big && MTOOLS_SKIP_CHECK=1 mformat -i %s.big "
             "-v BIG :: && MTOOLS_SKIP_CHECK=1 true", outer, outer);
    test_sh("%s", cmd);
    host_add_disk(strcat(strcpy(cmd, outer), ".big"), PLAT_DISK_HD, 512);
    drive_reset();
    ok_str(run_script("map --mem (hd0)/inner.bin (hd)\nmap --mem (hd1)+40960 (hd)"),
           "Error: map: (hd1)+40960 needs 20 MiB, more than the 12 MiB free\n");
    {
        struct drive *d;
        ok(dev_find("(hd2)", &d) == 0 && reads_pattern(d));
        ok(dev_find("(hd3)", &d) != 0);
    }
    unlink(cmd);
    teardown();
}

TEST(map_unmap_and_cd_targets)
{
    setup();
    ok(host_exposed == 0);
    ok_str(run_script("map (hd0)/inner.bin (0xff)\necho %?%\nmap --status\n"),
           "(cd95)\n"
           "drive   num         blocks  bsize RAM                OS   flags, source\n"
           "(cd95)  0xFF          1536   2048 -                  -    read-only in-place hooked, "
           "(hd0)/inner.bin\n"
           "firmware: 2 BlockIo devices, 15996 KiB free memory\n");
    ok(host_exposed == 1);
    ok_str(run_script("map --unmap=0xff\nmap --status"),
           "no mapped drives\nfirmware: 1 BlockIo devices, 15996 KiB free memory\n");
    ok(host_exposed == 0);
    ok_str(run_script("map --no-hook --fake-write (hd0)/inner.bin (fd)\nmap --status\n"),
           "drive   num         blocks  bsize RAM                OS   flags, source\n"
           "(fd0)   0x00          6144    512 -                  -    fake-write in-place internal, "
           "(hd0)/inner.bin\n"
           "firmware: 1 BlockIo devices, 15996 KiB free memory\n");
    ok(host_exposed == 0);
    teardown();
}

TEST(chainloader_devices_files_and_errors)
{
    setup();
    ok_str(run_script("map (hd0)/inner.bin (hd)\nchainloader (hd-1)"), "");
    ok_str(host_image, "(hd1) /EFI/BOOT/BOOTX64.EFI");
    ok(boot_have_loader());
    ok_str(run_script("chainloader (hd0)/inner.bin quiet splash=1"), "");
    ok_str(host_image, "(hd0) /inner.bin quiet splash=1");
    ok_str(run_script("chainloader (hd0)+1"), "");
    ok_str(host_image, "(hd0) /EFI/BOOT/BOOTX64.EFI");
    ok_str(run_script("chainloader (hd1) nowrite return"), "");
    ok_str(host_image, "(hd1) /EFI/BOOT/BOOTX64.EFI nowrite return");
    ok_str(run_script("chainloader (hd0)/nosuch.efi"),
           "Error: chainloader: (hd0)/nosuch.efi: not found\n");
    ok_str(run_script("chainloader (hd0)/"), "Error: chainloader: (hd0)/ is a directory\n");
    ok_str(run_script("chainloader (hd7)"), "Error: chainloader: no such drive: (hd7)\n");
    ok_str(run_script("chainloader"), "Error: chainloader: missing file or device\n");
    /* boot starts it once: the loader is used up */
    ok(boot_have_loader());
    run_script("boot");
    ok(!boot_have_loader());
    teardown();
}

/* load starts a driver at once and connects everything unless -n. */
TEST(load_starts_drivers_and_connects)
{
    setup();
    host_connects = 0;
    ok_str(run_script("load (hd0)/inner.bin"), "");
    ok_str(host_image, "(hd0) /inner.bin");
    ok(host_connects == 1);
    ok_str(run_script("load -n (hd0)/inner.bin opt=1"), "");
    ok_str(host_image, "(hd0) /inner.bin opt=1");
    ok(host_connects == 1);
    ok_str(run_script("load (hd0)/nosuch.efi\nload\nload (hd0)/"),
           "Error: load: (hd0)/nosuch.efi: not found\n"
           "Error: load: missing driver file (see help load)\n"
           "Error: load: (hd0)/ is a directory\n");
    ok(host_connects == 1);
    ok(!boot_have_loader()); /* a driver is not something to boot */
    teardown();
}

/* map --status=N: grub4dos for UEFI's test of one drive: its sectors are the value, %?% its start */
TEST(map_status_of_one_drive)
{
    setup();
    ok_str(run_script("map --status=0x81 || echo none %@retval%\n"
                      "map --no-hook (hd0)/inner.bin (hd1) > nul\n"
                      "map --status=0x81 > nul\necho %@retval% %?%\n"
                      "map --status=0x80 || echo not a map\n"
                      "map --status=0x100\n"),
           "none 0\n6144 0x0\nnot a map\n"
           "Error: map: --status=0x100: expected a drive number\n");
    ok(strstr(run_script("map --mem --no-hook (hd0)/inner.bin (fd3) > nul\n"
                         "map --status=3 > nul\necho %@retval% %?%\n"),
              "6144 0x") != NULL);
    ok(strcmp(shell.retstr, "0x0") != 0);
    teardown();
}
