/*
 * kernel and initrd (cmd/kernel.c, cmd/initrd.c, src/initrd.c): the cpio
 * newc bytes, several initrds concatenated on 4-byte boundaries, @NAME=FILE
 * unpacked by the host's own cpio as Linux would, what boot offers the
 * kernel, and the errors.
 */
#include "test.h"

#include <stdlib.h>
#include <unistd.h>

#include "../../disk/map.h"
#include "../../disk/nfit.h"
#include "../../src/initrd.h"

static const char *const files[] = {
    "vmlinuz", "MZ not really a kernel",
    "one.img", "12345",          /* 5 bytes: padded to 8 */
    "two.img", "abcdefgh",       /* 8 bytes: no padding */
    "conf/extra.conf", "key=value\n",
    NULL,
};

static void setup(void)
{
    test_bootdir(files);
    free(host_initrd);
    host_initrd = NULL;
    host_initrd_len = (size_t)-1;
}

TEST(initrd_cpio_newc_layout)
{
    uint8_t m[256];
    size_t n = cpio_newc(m, "etc/a", 0100644, 7, "xyz", 3);
    /* 110 + "etc/a\0" = 116, already a multiple of 4; 3 data bytes padded to 4 */
    ok(n == 120 && cpio_newc(NULL, "etc/a", 0100644, 7, "xyz", 3) == n);
    ok(memcmp(m, "070701"
                 "00000007" "000081A4" "00000000" "00000000" "00000001" "00000000"
                 "00000003" "00000000" "00000000" "00000000" "00000000" "00000006"
                 "00000000", 110) == 0);
    ok(memcmp(m + 110, "etc/a\0", 6) == 0);
    ok(memcmp(m + 116, "xyz\0", 4) == 0);
    /* a folder has two links; the name "ab" pads 110 + 3 to 116 */
    n = cpio_newc(m, "ab", 0040755, 1, NULL, 0);
    ok(n == 116 && memcmp(m + 14, "000041ED", 8) == 0 && memcmp(m + 38, "00000002", 8) == 0);
    ok(m[113] == 0 && m[114] == 0 && m[115] == 0);
}

TEST(initrd_files_concatenated_on_4_byte_boundaries)
{
    setup();
    ok_str(run_script("kernel /vmlinuz console=ttyS0 root=/dev/pmem0p1\n"
                      "initrd /one.img /two.img\nboot"), "");
    ok_str(host_image, "(bd) /vmlinuz console=ttyS0 root=/dev/pmem0p1");
    ok(host_initrd_len == 16 && host_initrd &&
       memcmp(host_initrd, "12345\0\0\0abcdefgh", 16) == 0);
    ok(host_initrd_offered == 0); /* withdrawn once the kernel returned */
}

/* The host's cpio (GNU) reads what @NAME=FILE makes: Linux's unpacker takes the same format. */
TEST(initrd_at_name_is_a_cpio_member)
{
    char dir[] = "/tmp/mapboot-cpio-XXXXXX", cmd[512];
    FILE *f;
    setup();
    run_script("kernel /vmlinuz\ninitrd /one.img @/etc/mapboot/extra.conf=/conf/extra.conf\nboot");
    ok(host_initrd_len != (size_t)-1 && host_initrd_len % 4 == 0);
    if (host_initrd_len == (size_t)-1 || !mkdtemp(dir))
        return;
    ok(memcmp(host_initrd, "12345\0\0\0", 8) == 0);
    snprintf(cmd, sizeof(cmd), "%s/rd.cpio", dir);
    f = fopen(cmd, "wb");
    fwrite(host_initrd + 8, 1, host_initrd_len - 8, f);
    fclose(f);
    snprintf(cmd, sizeof(cmd),
             "cd %s && cpio -id --quiet < rd.cpio && test -d etc/mapboot && "
             "test -x etc/mapboot/extra.conf && "
             "printf 'key=value\\n' | cmp - etc/mapboot/extra.conf", dir);
    ok(system(cmd) == 0);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    ok(system(cmd) == 0);
}

/* The RAM drive's path on the kernel's command line: one word, bytes beyond ASCII as %XX. */
TEST(initrd_kernel_ram_source_is_one_word)
{
    static const char *const more[] = {
        "vmlinuz", "MZ not really a kernel",
        "镜像 1/a,b%.img", "0123456789abcdef0123456789abcdef",
        NULL,
    };
    char want[256];
    struct drive *d;
    setup();
    test_bootdir(more);
    host_acpi_reset();
    nfit_forget();
    ok_str(run_script("map --mem \"/镜像 1/a,b%.img\" (hd)\nkernel /vmlinuz"), "");
    d = drive_by_number(0x80);
    ok(d && (d->flags & DRIVE_NFIT));
    if (d) {
        /* the host's boot directory has no UUID: "-" */
        snprintf(want, sizeof(want),
                 "(bd) /vmlinuz mapboot.ram=0x%llx,32,raw,-,/%%E9%%95%%9C%%E5%%83%%8F%%201/"
                 "a%%2Cb%%25.img", (unsigned long long)drive_map_ram(d));
        ok_str(host_image, want);
    }
    /* what Linux would cut off (2048 bytes) is left out whole, with a warning */
    {
        static char line[2100];
        const char *out;
        memcpy(line, "kernel /vmlinuz x=", 18);
        memset(line + 18, 'y', 2000);
        line[2018] = 0;
        out = run_script(line);
        ok(strstr(out, "Warning: kernel: the RAM drives' sources do not fit") != NULL);
        ok(strstr(host_image, "mapboot.ram") == NULL && strstr(host_image, "yyy") != NULL);
    }
    run_script("map --unmap=(hd0)");
    host_acpi_reset();
    nfit_forget();
}

/*
 * A kernel the firmware cannot load by its path (on ext4, NTFS, exFAT: the
 * firmware reads FAT alone) is read by mapboot and loaded from memory.
 */
TEST(initrd_kernel_not_on_fat_loads_from_memory)
{
    setup();
    host_image_path_fail = -ENOENT;
    ok_str(run_script("kernel /vmlinuz root=/dev/pmem0p1\ninitrd /one.img\nboot"), "");
    ok_str(host_image, "mem (bd)/vmlinuz (22 bytes, 4d5a) root=/dev/pmem0p1");
    ok(host_initrd_len == 8); /* one.img, 5 bytes, padded: the initrd went with it */
    /* a file that is not there is still "not found", not a load from memory */
    ok(strstr(run_script("kernel /nosuch"), "kernel: /nosuch") != NULL);
    /* what the firmware says of the bytes read here is said, and nothing stays loaded */
    host_image_mem_fail = -ENOEXEC;
    ok(strstr(run_script("kernel /one.img"), "kernel: the firmware cannot load /one.img") != NULL);
    ok(strstr(run_script("boot"), "nothing to boot") != NULL);
    host_image_mem_fail = 0;
    host_image_path_fail = 0;
}

TEST(initrd_errors_name_the_file)
{
    setup();
    ok(strstr(run_script("initrd /one.img"), "initrd: no kernel is loaded") != NULL);
    ok(strstr(run_script("kernel /nosuch"), "kernel: /nosuch") != NULL);
    run_script("kernel /vmlinuz\ninitrd /one.img");
    /* a failed initrd line leaves no half initrd behind */
    ok(strstr(run_script("initrd /two.img /missing.img"), "/missing.img") != NULL);
    ok(strstr(run_script("initrd @=/one.img"), "is not @NAME=FILE") != NULL);
    ok(strstr(run_script("initrd @a/../b=/one.img"), "bad name") != NULL);
    ok(strstr(run_script("initrd /conf"), "is a directory") != NULL);
    run_script("boot");
    ok(host_initrd_len == (size_t)-1); /* no initrd was offered: the kernel starts without */
}

TEST(initrd_belongs_to_its_kernel)
{
    setup();
    /* a chainloaded image after a kernel gets no initrd */
    run_script("kernel /vmlinuz\ninitrd /one.img\nchainloader /vmlinuz\nboot");
    ok(host_initrd_len == (size_t)-1);
    ok(strstr(run_script("initrd /one.img"), "no kernel is loaded") != NULL);
    /* a new initrd line replaces the last */
    run_script("kernel /vmlinuz\ninitrd /one.img\ninitrd /two.img\nboot");
    ok(host_initrd_len == 8 && memcmp(host_initrd, "abcdefgh", 8) == 0);
}
