/*
 * The drive table (disk/drive.c) and the device syntax (disk/devname.c):
 * numbering, lookups, range checks, unaligned reads, blocklists and (md).
 * Disks are memory buffers (host_add_mem_disk).
 */
#include "test.h"

#include <stdlib.h>
#include <unistd.h>

#include "../../disk/drive.h"
#include "../../fs/fs.h"
#include "../../src/platform.h"

static uint8_t disk_a[64 * 512], disk_b[16 * 4096], cd[8 * 2048];

/* Fresh table with hd0 = disk_a (512), cd0 = cd, hd1 = disk_b (4Kn). */
static void three_disks(void)
{
    for (size_t i = 0; i < sizeof(disk_a); i++)
        disk_a[i] = (uint8_t)(i * 7 + (i >> 9));
    for (size_t i = 0; i < sizeof(disk_b); i++)
        disk_b[i] = (uint8_t)(i * 13 + (i >> 12));
    memset(cd, 0xCD, sizeof(cd));
    host_clear_disks();
    drive_reset();
    host_add_mem_disk(disk_a, sizeof(disk_a), PLAT_DISK_HD, 512);
    host_add_mem_disk(cd, sizeof(cd), PLAT_DISK_CD, 2048);
    host_add_mem_disk(disk_b, sizeof(disk_b), PLAT_DISK_HD, 4096);
}

static void no_disks(void)
{
    host_clear_disks();
    drive_reset();
}

static const char *parse(const char *s)
{
    static char out[96];
    struct dev_spec sp;
    const char *rest;
    int rc = dev_parse(s, &sp, &rest);
    if (rc)
        return "error";
    snprintf(out, sizeof(out), "k%d%s%s%s%s i%d n%d p%d rest'%s'", sp.kind, sp.root ? " root" : "",
             sp.by_number ? " num" : "", sp.next_free ? " next" : "", sp.from_end ? " end" : "",
             sp.index, sp.number, sp.part, rest);
    return out;
}

TEST(devname_forms)
{
    ok_str(parse("(hd0)"), "k1 i0 n0 p-1 rest''");
    ok_str(parse("(hd0,1)/x"), "k1 i0 n0 p1 rest'/x'");
    ok_str(parse("(HD12,4)"), "k1 i12 n0 p4 rest''");
    ok_str(parse("(hd-1)"), "k1 end i1 n0 p-1 rest''");
    ok_str(parse("(hd)"), "k1 next i0 n0 p-1 rest''");
    ok_str(parse("(cd0)"), "k2 i0 n0 p-1 rest''");
    ok_str(parse("(cd-1)"), "k2 end i1 n0 p-1 rest''");
    ok_str(parse("(fd0)+1"), "k0 i0 n0 p-1 rest'+1'");
    ok_str(parse("(0x80)"), "k1 num i0 n128 p-1 rest''");
    ok_str(parse("(0xff)"), "k2 num i0 n255 p-1 rest''");
    ok_str(parse("(0xA0,2)"), "k2 num i0 n160 p2 rest''");
    ok_str(parse("(129)"), "k1 num i0 n129 p-1 rest''");
    ok_str(parse("(bd)/a"), "k3 i0 n0 p-1 rest'/a'");
    ok_str(parse("(md)0x800+4"), "k4 i0 n0 p-1 rest'0x800+4'");
    ok_str(parse("(rd)"), "k5 i0 n0 p-1 rest''");
    ok_str(parse("()/x"), "k0 root i0 n0 p-1 rest'/x'");
}

TEST(devname_rejects)
{
    const char *bad[] = { "(hd", "hd0", "(hdx)", "(hd0,)", "(hd0,1,2)", "(0x100)", "(hd-0)",
                          "(xyz)", "(hd0 )", "(bd0)", "(hd-)", "(0x)", "(hd999)", "(hd0,99999)",
                          "(hd0,-1)", "(", "" };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        ok_str(parse(bad[i]), "error");
        ok(strstr(shell.errmsg, "bad device name") != NULL);
    }
}

static const char *lookup(const char *name)
{
    struct drive *d;
    return dev_find(name, &d) ? "none" : d->name;
}

TEST(drive_numbering)
{
    three_disks();
    ok_str(lookup("(hd0)"), "(hd0)");
    ok_str(lookup("(hd1)"), "(hd1)");
    ok_str(lookup("(cd0)"), "(cd0)");
    ok_str(lookup("(0x80)"), "(hd0)");
    ok_str(lookup("(0x81)"), "(hd1)");
    ok_str(lookup("(0xA0)"), "(cd0)");
    ok_str(lookup("(hd-1)"), "(hd1)");
    ok_str(lookup("(hd-2)"), "(hd0)");
    ok_str(lookup("(hd-3)"), "none");
    ok_str(lookup("(cd-1)"), "(cd0)");
    ok_str(lookup("(hd2)"), "none");
    ok(strstr(shell.errmsg, "no such drive: (hd2)") != NULL);
    ok_str(lookup("(fd0)"), "none");
    ok_str(lookup("(hd)"), "none"); /* a map target, not a drive */
    ok(drive_by_number(0x81)->block_size == 4096);
    ok(drive_by_number(0xA0)->block_size == 2048);
    ok(drive_next_free(DRIVE_HD) == 0x82);
    ok(drive_next_free(DRIVE_FD) == 0x00);
    /* whole drives in table order: fd, hd, cd */
    ok_str(drive_first()->name, "(hd0)");
    ok_str(drive_next(drive_first())->name, "(hd1)");
    ok_str(drive_next(drive_next(drive_first()))->name, "(cd0)");
    no_disks();
}

TEST(drive_add_numbers_and_refuses_taken)
{
    struct drive *d;
    three_disks();
    d = mb_malloc(sizeof(*d));
    memset(d, 0, sizeof(*d));
    d->kind = DRIVE_HD;
    d->number = 0x80;
    ok(drive_add(d) == -EEXIST);
    d->number = -1;
    d->blocks = 1;
    ok(drive_add(d) == 0);
    ok_str(d->name, "(hd2)");
    ok_str(lookup("(hd-1)"), "(hd2)");
    drive_remove(d);
    ok_str(lookup("(hd2)"), "none");
    no_disks();
}

TEST(drive_read_range_checks)
{
    struct drive *d;
    uint8_t buf[1024];
    three_disks();
    ok(dev_find("(hd0)", &d) == 0);
    ok(drive_read(d, 63, 1, buf) == 0);
    ok(memcmp(buf, disk_a + 63 * 512, 512) == 0);
    ok(drive_read(d, 63, 2, buf) == -ENXIO);
    ok(strstr(shell.errmsg, "(hd0)") != NULL);
    ok(drive_read(d, 64, 0, buf) == 0);
    ok(drive_read(d, 65, 0, buf) == -ENXIO);
    ok(drive_read(d, UINT64_MAX, 2, buf) == -ENXIO);
    /* memory disks are read-only */
    ok(drive_write(d, 0, 1, buf) == -EROFS);
    no_disks();
}

TEST(drive_read_bytes_any_alignment)
{
    struct drive *d;
    static uint8_t buf[3 * 4096 + 100];
    three_disks();
    ok(dev_find("(hd1)", &d) == 0); /* 4096-byte blocks */
    ok(drive_read_bytes(d, 4095, buf, 2) == 0);
    ok(memcmp(buf, disk_b + 4095, 2) == 0);
    ok(drive_read_bytes(d, 100, buf, sizeof(buf)) == 0);
    ok(memcmp(buf, disk_b + 100, sizeof(buf)) == 0);
    ok(drive_read_bytes(d, 8192, buf, 8192) == 0);
    ok(memcmp(buf, disk_b + 8192, 8192) == 0);
    ok(drive_read_bytes(d, sizeof(disk_b) - 10, buf, 10) == 0);
    ok(drive_read_bytes(d, sizeof(disk_b) - 10, buf, 11) == -ENXIO);
    ok(drive_read_bytes(d, UINT64_MAX - 5, buf, 10) == -ENXIO);
    no_disks();
}

static const char *bl(const char *s)
{
    static char out[128];
    struct blocklist b;
    size_t k = 0;
    if (blocklist_parse(s, &b))
        return "error";
    out[0] = 0;
    for (size_t i = 0; i < b.n; i++)
        k += (size_t)snprintf(out + k, sizeof(out) - k, "%s%llu:%llu", i ? " " : "",
                              (unsigned long long)b.run[i].start,
                              (unsigned long long)b.run[i].count);
    return out;
}

TEST(blocklist_forms)
{
    ok_str(bl("+1"), "0:1");
    ok_str(bl("0+1"), "0:1");
    ok_str(bl("100+20,300+5"), "100:20 300:5");
    ok_str(bl("0x800+0x10"), "2048:16");
    const char *bad[] = { "", "+", "1+0", "a+1", "1+1,", "1", "1+", "+1+1", "1+1 ",
                          "99999999999999999999+1", "1+99999999999999999999", "-1+1" };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        ok_str(bl(bad[i]), "error");
}

TEST(blocklist_as_file)
{
    three_disks();
    test_reset();
    /* 512-byte sectors whatever the block size: (hd1) has 4096-byte blocks */
    {
        struct fs_file *f;
        uint8_t buf[1024];
        size_t got = 0;
        ok(fs_open("(hd1)9+2", &f) == 0);
        ok(fs_size(f) == 1024);
        ok(fs_read(f, 0, buf, sizeof(buf), &got) == 0 && got == 1024);
        ok(memcmp(buf, disk_b + 9 * 512, 1024) == 0);
        fs_close(f);
        ok(fs_open("(hd0)1+1,10+1", &f) == 0);
        ok(fs_read(f, 500, buf, 24, &got) == 0 && got == 24);
        ok(memcmp(buf, disk_a + 512 + 500, 12) == 0);
        ok(memcmp(buf + 12, disk_a + 10 * 512, 12) == 0);
        fs_close(f);
    }
    ok_str(run_script("cat (hd0)64+1"),
           "Error: cat: (hd0): sectors 64+1 are past its end\n");
    ok_str(run_script("cat (hd0)+1,70+1"),
           "Error: cat: (hd0): sectors 70+1 are past its end\n");
    ok_str(run_script("cat (hd5)+1"), "Error: cat: no such drive: (hd5)\n");
    /* a length that would wrap past the end means "to the end" */
    ok_str(run_script("cat --hex --skip=510 --length=18446744073709551614 (hd0)+1"),
           "000001FE: F2 F9                                             ..\n");
    ok_str(run_script("cat --hex --length=16 (hd0)+1"),
           "00000000: 00 07 0E 15 1C 23 2A 31  38 3F 46 4D 54 5B 62 69  .....#*18?FMT[bi\n");
    no_disks();
}

TEST(md_reads_memory_and_refuses_holes)
{
    test_reset();
    ok_str(run_script("cat --hex --skip=0x10 --length=16 (md)0+1"),
           "00000010: 10 11 12 13 14 15 16 17  18 19 1A 1B 1C 1D 1E 1F  ................\n");
    ok(strstr(run_script("cat (md)0x8000+1"), "Error: cat: (md): sectors 32768+1") == NULL);
    ok(strstr(run_script("cat (md)0x8000+1"), "bad address") != NULL);
    ok(strstr(run_script("cat (md)0x7FFFFFFFFFFFFF+1"), "Error: cat:") != NULL);
}

TEST(cat_locate_finds_every_match)
{
    three_disks();
    test_reset();
    memcpy(disk_a + 1000, "needle", 6);
    memcpy(disk_a + 5000, "needle", 6);
    ok_str(run_script("cat --locate=needle (hd0)+64\necho %@retval%"), "0x3E8 0x1388\n2\n");
    ok_str(run_script("cat --locate=needle --skip=1001 (hd0)+64"), "0x1388\n");
    ok_str(run_script("cat --locate=absent (hd0)+64 || echo none"), "none\n");
    no_disks();
}

/* grub4dos' forms seen in real batch files: escapes, --locatei, --number. */
TEST(cat_locate_escapes_case_and_number)
{
    three_disks();
    test_reset();
    memcpy(disk_a + 1000, "NeeDle\x1f\x8b\x08", 9);
    memcpy(disk_a + 5000, "needle\x00x", 8);
    memcpy(disk_a + 9000, "NEEDLE", 6);
    /* --locatei ignores ASCII case; --number stops early (%@retval% counts what it found) */
    ok_str(run_script("cat --locatei=needle (hd0)+64\necho %@retval%"),
           "0x3E8 0x1388 0x2328\n3\n");
    ok_str(run_script("cat --locatei=needle --number=2 (hd0)+64"), "0x3E8 0x1388\n");
    ok_str(run_script("cat --locate=needle (hd0)+64"), "0x1388\n");
    /* escapes: gzip's magic, and a NUL that ends nothing */
    ok_str(run_script("cat --locate=\\x1F\\x8B\\x08 (hd0)+64"), "0x3EE\n");
    ok_str(run_script("cat --skip=5000 --locate=\\x00x --number=1 (hd0)+64"), "0x138E\n");
    ok_str(run_script("cat --locate=a --locatei=a (hd0)+1"),
           "Error: cat: --locate and --locatei cannot go together\n");
    ok_str(run_script("cat --number=2 (hd0)+1"),
           "Error: cat: --number and --replace go with --locate or --locatei\n");
    ok_str(run_script("cat --locate=x --number=0 (hd0)+1"), "Error: cat: bad --number value '0'\n");
    no_disks();
}

TEST(root_and_find_without_filesystems)
{
    three_disks();
    test_reset();
    ok_str(run_script("rootnoverify (hd1)\necho %@root%"), "(hd1)\n");
    ok_str(run_script("root (cd0)"), "Error: root: (cd0): no filesystem found\n");
    ok_str(run_script("rootnoverify (hd7)"), "Error: rootnoverify: no such drive: (hd7)\n");
    ok_str(run_script("rootnoverify (hd)"), "Error: rootnoverify: (hd) cannot be a root device\n");
    no_disks();
}

TEST(tab_completes_devices_and_paths)
{
    static const int keys1[] = { 'l', 's', ' ', '(', 'h', KEY_TAB, KEY_TAB, '1', ')',
                                 KEY_ENTER, KEY_ESC };
    const char *out;
    three_disks();
    test_reset();
    shell.menu_active = true; /* so that Esc leaves the command line */
    /* two hard disks: Tab completes what they share, a second Tab lists them */
    out = run_script_keys("commandline", keys1, ARRAY_SIZE(keys1));
    ok(strstr(out, "(hd0) (hd1)") != NULL);
    ok(strstr(out, "ls (hd1)\n") != NULL);
    {
        static const int keys2[] = { 'l', 's', ' ', '(', 'c', KEY_TAB, KEY_ENTER, KEY_ESC };
        out = run_script_keys("commandline", keys2, ARRAY_SIZE(keys2));
        ok(strstr(out, "Error: ls: (cd0): no filesystem found") != NULL);
    }
    {
        static const char *const files[] = { "efi/grub/menu.lst", "x", NULL };
        static const int keys3[] = { 'l', 's', ' ', '/', 'E', 'f', KEY_TAB, 'g', KEY_TAB,
                                     KEY_ENTER, KEY_ESC };
        test_bootdir(files);
        out = run_script_keys("commandline", keys3, ARRAY_SIZE(keys3));
        ok(strstr(out, "\nmenu.lst  ") != NULL);
    }
    {
        /* blanks in names are completed escaped, as ls writes them */
        static const char *const files[] = { "My Docs/a b.txt", "spaced", NULL };
        static const int keys4[] = { 'c', 'a', 't', ' ', '/', 'm', 'y', KEY_TAB, KEY_TAB,
                                     KEY_ENTER, KEY_ESC };
        test_bootdir(files);
        out = run_script_keys("commandline", keys4, ARRAY_SIZE(keys4));
        /* what ran is the proof: the line shows with the editor's redraws */
        ok(strstr(out, "\nspaced") != NULL);
    }
    shell.menu_active = false;
    test_bootdir(NULL);
    no_disks();
}

TEST(uptime_variable_has_milliseconds)
{
    const char *v = var_get("@uptime_ms");
    ok(v != NULL);
    ok(v && strchr(v, '.') && strlen(strchr(v, '.')) == 4);
}

TEST(drive_write_goes_through_and_respects_read_only)
{
    char path[] = "/tmp/mapboot-drive-XXXXXX";
    int fd = mkstemp(path);
    uint8_t buf[1024], back[1024];
    struct drive *d;
    ok(fd >= 0);
    ok(ftruncate(fd, 8 * 512) == 0);
    close(fd);
    host_clear_disks();
    drive_reset();
    ok(host_add_disk(path, PLAT_DISK_HD, 512) == 0);
    ok(dev_find("(hd0)", &d) == 0);
    memset(buf, 0x5A, sizeof(buf));
    ok(drive_write(d, 6, 2, buf) == 0);
    ok(drive_read(d, 6, 2, back) == 0 && memcmp(buf, back, sizeof(buf)) == 0);
    ok(drive_write(d, 7, 2, buf) == -ENXIO);
    d->flags |= DRIVE_READ_ONLY;
    ok(drive_write(d, 0, 1, buf) == -EROFS);
    ok(strstr(shell.errmsg, "(hd0) is read-only") != NULL);
    no_disks();
    unlink(path);
}
