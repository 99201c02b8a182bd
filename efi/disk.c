/*
 * Firmware disks for the drive table (src/platform.h): BlockIo handles that
 * are whole media, the boot partition, and the memory map. Placeholder
 * until the BlockIo enumeration lands: no disks.
 */
#include "efi.h"

#include "../src/platform.h"

int plat_disk_list(struct plat_disk *out, int max)
{
    return 0;
}

int plat_disk_read(void *handle, uint64_t lba, uint64_t count, void *buf)
{
    return -ENODEV;
}

int plat_disk_write(void *handle, uint64_t lba, uint64_t count, const void *buf)
{
    return -ENODEV;
}

int plat_boot_disk(void **handle, uint64_t *start, uint64_t *blocks)
{
    return -ENODEV;
}

int plat_memmap(struct plat_mem_range *out, int max)
{
    return 0;
}

int plat_mem_read(uint64_t addr, void *buf, size_t len)
{
    return -EFAULT;
}
