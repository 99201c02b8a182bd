/*
 * Firmware I/O that the firmware limits (disk/drive.c fw_io): a disk that
 * fails every request over 1 MiB, as boards whose DMA cannot take a large
 * transfer do, still maps and reads, in pieces it learns once; a bad block
 * fails the read and the error names that block, not its chunk.
 */
#include "test.h"

#include <stdlib.h>
#include <unistd.h>

#include "../../disk/drive.h"
#include "../../disk/map.h"
#include "../../src/platform.h"

#define MiB (1u << 20)
#define SIZE (12 * MiB)
static uint8_t *disk;

static void start(uint64_t xfer_max, uint64_t bad_lba)
{
    disk = malloc(SIZE);
    for (size_t i = 0; i < SIZE; i++)
        disk[i] = (uint8_t)(i * 29 + (i >> 9) * 3 + 7);
    host_clear_disks();
    drive_reset();
    host_add_mem_disk(disk, SIZE, PLAT_DISK_HD, 512);
    host_disk_faults(0, xfer_max, bad_lba);
}

static void stop(void)
{
    run_script("map --unmap=(hd1)\nmap --unmap=(hd2)");
    host_clear_disks();
    drive_reset();
    free(disk);
}

/* Drive name holds disk's blocks from first on: its first and last block. */
static bool holds(const char *name, uint64_t first)
{
    struct drive *d;
    uint8_t buf[512];
    if (dev_find(name, &d) != 0)
        return false;
    if (drive_read(d, 0, 1, buf) != 0 || memcmp(buf, disk + first * 512, 512) != 0)
        return false;
    return drive_read(d, d->blocks - 1, 1, buf) == 0 &&
           memcmp(buf, disk + (first + d->blocks - 1) * 512, 512) == 0;
}

TEST(bounded_firmware_maps_and_reads_in_pieces)
{
    uint64_t requests = 0;
    start(1 * MiB, UINT64_MAX);
    /* the first 4 MiB request fails, its halves fail, their halves work: learnt once */
    ok_str(run_script("map --mem (hd0)+16384 (hd)"),
           "(hd0): the firmware fails reads of 2048 KiB; going on in pieces of 1024 KiB\n");
    ok(holds("(hd1)", 0));
    ok(drive_by_index(DRIVE_HD, 0)->xfer_max == 2048);
    /* from then on no request is over the limit: nothing fails, nothing is said */
    host_disk_faults(0, 1 * MiB, UINT64_MAX);
    ok_str(run_script("map --unmap=(hd1)\nmap --mem (hd0)100+16000 (hd)"), "");
    ok(holds("(hd1)", 100));
    ok(host_disk_largest(0, &requests) == 1 * MiB);
    ok(requests >= 8);
    stop();
}

TEST(bounded_firmware_writes_in_pieces)
{
    char path[64];
    uint8_t *buf = malloc(4 * MiB), *back = malloc(4 * MiB);
    struct drive *d;
    FILE *f;
    snprintf(path, sizeof(path), "/tmp/mapboot-bounded-%d", (int)getpid());
    f = fopen(path, "wb");
    ok(f && fwrite(buf, 1, 4 * MiB, f) == 4 * MiB);
    fclose(f);
    host_clear_disks();
    drive_reset();
    ok(host_add_disk(path, PLAT_DISK_HD, 512) == 0);
    host_disk_faults(0, 256 * 1024, UINT64_MAX);
    for (size_t i = 0; i < 4 * MiB; i++)
        buf[i] = (uint8_t)(i * 7 + (i >> 12));
    ok(dev_find("(hd0)", &d) == 0);
    host_capture_output = true;
    host_output_reset();
    ok(drive_write(d, 0, 8192, buf) == 0);
    ok(strstr(host_out, "(hd0): the firmware fails writes of 512 KiB; going on in pieces of "
                        "256 KiB") != NULL);
    ok(host_disk_largest(0, NULL) <= 4 * MiB);
    ok(drive_read(d, 0, 8192, back) == 0 && memcmp(buf, back, 4 * MiB) == 0);
    host_capture_output = false;
    host_clear_disks();
    drive_reset();
    unlink(path);
    free(buf);
    free(back);
}

TEST(bounded_bad_block_is_named_and_nothing_is_left)
{
    start(0, 12345);
    ok_str(run_script("map --mem (hd0)+20480 (hd)"),
           "Error: map: (hd0): read error at block 12345: input/output error\n");
    ok(dev_find("(hd1)", &(struct drive *){ NULL }) != 0);
    ok(drive_by_index(DRIVE_HD, 0)->xfer_max == 0); /* a bad block teaches no size */
    /* the blocks around it read */
    ok_str(run_script("map --mem (hd0)4000+8345 (hd)\nmap --mem (hd0)12346+100 (hd)"), "");
    ok(holds("(hd1)", 4000) && holds("(hd2)", 12346));
    stop();
}

/*
 * A transient error (one read fails, the same read again works) is tried
 * once more whole: nothing is said, the data are right, and the drive does
 * not learn a smaller transfer size from it. A disk gone (every read fails
 * from then on) fails the read, naming where.
 */
TEST(bounded_transient_error_is_retried_whole)
{
    struct drive *d;
    uint8_t *buf = malloc(4 * MiB);
    start(0, UINT64_MAX);
    ok(dev_find("(hd0)", &d) == 0);
    host_output_reset();
    host_capture_output = true;
    host_fail_at[HOST_FAULT_READ] = host_calls[HOST_FAULT_READ] + 1;
    ok(drive_read(d, 2048, 8192, buf) == 0);
    host_capture_output = false;
    host_fail_at[HOST_FAULT_READ] = 0;
    ok(memcmp(buf, disk + 2048 * 512, 4 * MiB) == 0);
    ok(d->xfer_max == 0);
    ok(!host_out || !host_out[0]);
    /* gone: the very first block of the request is where it failed */
    host_fail_at[HOST_FAULT_GONE] = host_calls[HOST_FAULT_GONE] + 1;
    ok(drive_read(d, 4096, 8192, buf) == -EIO);
    host_fail_at[HOST_FAULT_GONE] = 0;
    ok_str(shell.errmsg, "(hd0): read error at block 4096: input/output error");
    free(buf);
    stop();
}
