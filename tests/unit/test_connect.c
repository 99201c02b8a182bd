/*
 * connect (cmd/connect.c, drive_rescan in disk/drive.c) and debug
 * (cmd/debug.c). The host platform's --unconnected disks stand for what a
 * fast-boot firmware leaves unconnected, or a USB stick plugged in later:
 * plat_disk_list leaves them out until plat_connect_all runs.
 */
#include "test.h"

#include "../../disk/drive.h"
#include "../../src/platform.h"

static uint8_t disk_a[64 * 512], disk_b[32 * 512], stick[128 * 512], cd[8 * 2048];

/* (hd0) and (cd0) connected; the stick and disk_b come later, in that order. */
static void fast_boot(void)
{
    memset(disk_a, 0xA1, sizeof(disk_a));
    memset(disk_b, 0xB2, sizeof(disk_b));
    memset(stick, 0x5C, sizeof(stick));
    memset(cd, 0xCD, sizeof(cd));
    host_clear_disks();
    drive_reset();
    host_connect_fail = NULL;
    host_add_mem_disk(disk_a, sizeof(disk_a), PLAT_DISK_HD, 512);
    host_add_mem_disk(stick, sizeof(stick), PLAT_DISK_HD, 512);
    host_unconnect_last_disk();
    host_add_mem_disk(cd, sizeof(cd), PLAT_DISK_CD, 2048);
    host_add_mem_disk(disk_b, sizeof(disk_b), PLAT_DISK_HD, 512);
    host_unconnect_last_disk();
}

/* Run text; its output with connect's time (real, on the host too) as "T". */
static const char *run_timed(const char *text)
{
    static char out[1024];
    const char *raw = run_script(text), *in = strstr(raw, " root controllers in ");
    if (!in)
        return raw;
    in += strlen(" root controllers in ");
    snprintf(out, sizeof(out), "%.*sT%s", (int)(in - raw), raw, strstr(in, " ms"));
    return out;
}

static void done(void)
{
    host_clear_disks();
    drive_reset();
    host_connect_fail = NULL;
}

TEST(connect_adds_new_disks_after_the_known_ones)
{
    struct drive *d;
    uint8_t buf[512];
    fast_boot();
    /* the table is made from what the firmware connected */
    ok(drive_by_index(DRIVE_HD, 0) != NULL);
    ok(drive_by_index(DRIVE_HD, 1) == NULL);
    ok(drive_by_index(DRIVE_CD, 0) != NULL);
    ok_str(run_script("find (hd1)+1 > nul || echo no hd1\n"), "no hd1\n");
    host_connects = 0;
    ok_str(run_timed("connect"), "connect: 5 root controllers in T ms, new: (hd1) (hd2)\n");
    ok(host_connects == 1);
    ok(shell.retval == 2);
    /* known drives kept their numbers; the new ones follow, in the firmware's order */
    d = drive_by_index(DRIVE_HD, 0);
    ok(d && drive_read(d, 0, 1, buf) == 0 && buf[0] == 0xA1);
    d = drive_by_index(DRIVE_HD, 1);
    ok(d && d->blocks == 128 && drive_read(d, 127, 1, buf) == 0 && buf[511] == 0x5C);
    d = drive_by_index(DRIVE_HD, 2);
    ok(d && d->blocks == 32 && drive_read(d, 31, 1, buf) == 0 && buf[0] == 0xB2);
    ok(drive_by_index(DRIVE_CD, 1) == NULL);
    /* a second connect finds nothing new and adds nothing twice */
    ok_str(run_timed("connect"), "connect: 5 root controllers in T ms, no new disk\n");
    ok(shell.retval == 0);
    ok(drive_by_index(DRIVE_HD, 3) == NULL);
    /* its value is the count of new disks: 0 is false for ||, not an error */
    ok_str(run_script("debug off\nconnect || echo none"), "none\n");
    ok(shell.errnum == 0);
    done();
}

TEST(connect_numbers_after_mapped_drives)
{
    fast_boot();
    host_more_ram = 0;
    /* a drive made by map holds (hd1): the stick must not take its number */
    ok_str(run_script("map --mem (hd0)+64 (hd1)"), "");
    ok_str(run_timed("connect"), "connect: 5 root controllers in T ms, new: (hd2) (hd3)\n");
    ok(drive_by_index(DRIVE_HD, 1) && !(drive_by_index(DRIVE_HD, 1)->flags & DRIVE_FIRMWARE));
    ok(drive_by_index(DRIVE_HD, 2) && drive_by_index(DRIVE_HD, 2)->blocks == 128);
    ok_str(run_script("map --unmap=(hd1)"), "");
    done();
}

TEST(connect_reports_failed_drivers_by_debug_level)
{
    fast_boot();
    host_connect_fail = "PciRoot(0x0)/Pci(0x3,0x0)";
    /* normal (the default): a count, and how to see more */
    ok_str(run_timed("connect"),
           "connect: 5 root controllers in T ms, 1 failed (debug on names them), new: (hd1) "
           "(hd2)\n");
    /* on: each failure with its device path and error, and still not fatal */
    ok_str(run_timed("debug on\nconnect ;; echo went on"),
           "connect: PciRoot(0x0)/Pci(0x3,0x0): input/output error\n"
           "connect: 5 root controllers in T ms, 1 failed, no new disk\nwent on\n");
    ok(shell.errnum == 0);
    /* off: quiet, as grub4dos menus ask with `debug off` */
    ok_str(run_script("debug off\nconnect"), "");
    ok_str(run_script("connect extra"), "Error: connect: takes no arguments (see help connect)\n");
    done();
}

TEST(debug_levels_as_grub4dos)
{
    ok(shell.debug == 1);
    ok_str(run_script("debug status"), " Debug is now 1\n");
    ok_str(run_script("debug on\ndebug"), " Debug is now 2\n");
    ok_str(run_script("debug off\ndebug status"), " Debug is now 0\n");
    ok_str(run_script("debug normal\ndebug status"), " Debug is now 1\n");
    ok_str(run_script("debug 3\ndebug status"), " Debug is now 3\n");
    ok(shell.retval == 3);
    /* what real menus write around a noisy command */
    ok_str(run_script("debug normal && echo ran && debug off\ndebug status"),
           "ran\n Debug is now 0\n");
    ok_str(run_script("debug msg=2\ndebug ctrl-c-trap=0\ndebug status"), " Debug is now 0\n");
    ok_str(run_script("debug sideways"),
           "Error: debug: expected on, normal, off, status or a level, not 'sideways' "
           "(stepping through a command is not supported)\n");
    ok_str(run_script("debug 256"), "Error: debug: level 256 is out of range (0 to 255)\n");
    ok_str(run_script("debug msg=x"), "Error: debug: 'x' is not a number\n");
}
