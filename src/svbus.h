/*
 * The SVBus page (DESIGN.md §3, "Windows hand-off"): grub4dos' drive-map
 * slots, left in a page below 640 KiB, where the SVBus Windows driver looks
 * for RAM disks when Windows starts. A Windows image that carries SVBus then
 * finds its `map --mem` drive again once the firmware's BlockIo is gone.
 *
 * SVBus (svbus.c, BusAddDevice) takes the int 13h vector first and, failing
 * that, scans the pages 0x9F000, 0x9E000, ... 0 for "$INT13SFGRUB4DOS" and
 * copies 8 slots of 24 bytes from 0xE3 bytes before it. It adds one disk per
 * slot until a slot's sector count is 0. grub4dos for UEFI puts the
 * signature at page offset 0xE3 (so the slots start the page) and
 * "GRUB4EFI" at 0x100.
 *
 * The bytes are built here, in the core, so the host tests check them; the
 * platform allocates the page and copies them in just before boot.
 */
#ifndef MB_SVBUS_H
#define MB_SVBUS_H

#include "libc.h"

#define SVBUS_PAGE_SIZE 4096
#define SVBUS_MAX_SLOTS 8       /* what SVBus copies; grub4dos' DRIVE_MAP_SIZE */
#define SVBUS_SLOT_SIZE 24      /* grub4dos' DRIVE_MAP_SLOT_SIZE */
#define SVBUS_SIG_OFFSET 0xE3   /* "$INT13SFGRUB4DOS": the slots are 0xE3 bytes before */
#define SVBUS_G4E_OFFSET 0x100  /* "GRUB4EFI" */
/* The first page SVBus scans: a copy here is found before any stale one below. */
#define SVBUS_PAGE_ADDR 0x9F000
/* SVBus scans no page at or above this. */
#define SVBUS_PAGE_LIMIT 0xA0000

/* One RAM disk as SVBus is to see it. */
struct svbus_disk {
    uint8_t from_drive;   /* BIOS number: fd 0x00+, hd 0x80+, cd 0xA0+ (below 0x80: a floppy) */
    bool cd;              /* 2048-byte sectors: the slot's from_cdrom bit */
    bool read_only;       /* recorded in the slot; SVBus does not enforce it */
    uint64_t addr;        /* physical address of the image's first byte, 512-aligned */
    uint64_t bytes;       /* the image's size; the slot rounds it up to whole sectors */
    uint32_t block_size;  /* 512 (hd, fd) or 2048 (cd): the only sizes SVBus knows */
};

/*
 * Fill page for the n disks d[0..n), in that order (SVBus numbers its SCSI
 * targets by slot): zeros, a slot per disk, the signatures. The sector
 * counts round up, so the memory behind each image must reach the next
 * sector (2048 bytes for a cd); map's 4 KiB granules do.
 * Returns 0, -E2BIG when n > SVBUS_MAX_SLOTS, -EINVAL for a disk that is
 * empty, not 512-aligned or ends past 2^64, or -ENOTSUP for a block size
 * SVBus does not know. On an error the page is not touched at all.
 */
int svbus_build(uint8_t page[SVBUS_PAGE_SIZE], const struct svbus_disk *d, int n);

/*
 * The RAM drives of the drive table (`map --mem` whole drives of kind hd,
 * fd or cd, not --no-nfit) in table order: the first max go to out[]. Returns how many
 * there are, which may exceed max. A drive SVBus cannot show (4 KiB
 * sectors) is left out with a warning; so is a fake-write drive's overlay,
 * which is not in the RAM image Windows will see.
 */
int svbus_collect(struct svbus_disk *out, int max);

#endif
