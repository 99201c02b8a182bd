/*
 * Pages for RAM disks (src/platform.h, plat_ram_alloc): EfiReservedMemoryType,
 * because Linux's EFI stub turns Loader and BootServices memory into free
 * RAM after boot and would overwrite a RAM disk the OS is still to use
 * (DESIGN.md §3). 2 MiB alignment lets the OS map it with large pages.
 */
#include "efi.h"

#include "../src/platform.h"

#define PAGE 4096ULL
#define ALIGN_2M (2ULL << 20)

int plat_ram_alloc(uint64_t size, uint64_t addr, void **ptr, uint64_t *phys)
{
    EFI_PHYSICAL_ADDRESS a = addr;
    UINTN pages;
    EFI_STATUS st;
    if (size == 0 || size > UINT64_MAX - ALIGN_2M)
        return -ENOMEM;
    pages = (UINTN)((size + PAGE - 1) / PAGE);
    if (addr) {
        if (addr % PAGE)
            return -EINVAL;
        st = efi_bs->AllocatePages(AllocateAddress, EfiReservedMemoryType, pages, &a);
        if (st == EFI_NOT_FOUND)
            return -EBUSY; /* the firmware's answer when the range is not free */
        if (st != EFI_SUCCESS)
            return EEFI(st);
    } else if (size >= ALIGN_2M &&
               efi_bs->AllocatePages(AllocateAnyPages, EfiReservedMemoryType,
                                     pages + (UINTN)(ALIGN_2M / PAGE), &a) == EFI_SUCCESS) {
        /* over-allocated by 2 MiB: give back the unaligned head and the tail */
        UINTN extra = (UINTN)(ALIGN_2M / PAGE), head;
        head = (UINTN)((((a + ALIGN_2M - 1) & ~(ALIGN_2M - 1)) - a) / PAGE);
        if (head)
            efi_bs->FreePages(a, head);
        if (extra - head)
            efi_bs->FreePages(a + (head + pages) * PAGE, extra - head);
        a += head * PAGE;
    } else {
        /* small, or only an exact fit is left (an image as large as the largest range) */
        st = efi_bs->AllocatePages(AllocateAnyPages, EfiReservedMemoryType, pages, &a);
        if (st != EFI_SUCCESS)
            return EEFI(st);
    }
    *ptr = (void *)(uintptr_t)a;
    *phys = a;
    return 0;
}

void plat_ram_free(void *ptr, uint64_t phys, uint64_t size)
{
    (void)ptr;
    efi_bs->FreePages(phys, (UINTN)((size + PAGE - 1) / PAGE));
}

int plat_ram_grow(void **ptr, uint64_t phys, uint64_t size, uint64_t more)
{
    EFI_PHYSICAL_ADDRESS a = phys + size;
    EFI_STATUS st;
    (void)ptr;
    if (size % PAGE || more % PAGE || !more)
        return -EINVAL;
    /* the pages right after, of the same type: EDK2 merges them into one range */
    st = efi_bs->AllocatePages(AllocateAddress, EfiReservedMemoryType, (UINTN)(more / PAGE), &a);
    if (st == EFI_NOT_FOUND)
        return -EBUSY;
    return st == EFI_SUCCESS ? 0 : EEFI(st);
}

int plat_ram_shrink(void **ptr, uint64_t phys, uint64_t size, uint64_t keep)
{
    EFI_STATUS st;
    (void)ptr;
    if (keep % PAGE || size % PAGE || keep > size)
        return -EINVAL;
    if (keep == size)
        return 0;
    /* EDK2 frees part of an allocation and splits its descriptor (plat_ram_alloc's tail) */
    st = efi_bs->FreePages(phys + keep, (UINTN)((size - keep) / PAGE));
    return st == EFI_SUCCESS ? 0 : EEFI(st);
}

/*
 * The SVBus page (src/platform.h, plat_lowmem_page): one page below 640 KiB
 * in reserved memory, so that neither the firmware nor the booted Windows
 * reuses it before the SVBus driver has read it. It is taken once and
 * rewritten on a later boot (a loader that returned).
 */
int plat_lowmem_page(const uint8_t *page, uint64_t prefer, uint64_t limit, uint64_t *addr)
{
    static EFI_PHYSICAL_ADDRESS have;
    static bool placed; /* the page may be page 0 */
    if (!placed) {
        EFI_PHYSICAL_ADDRESS a = prefer;
        EFI_STATUS st = efi_bs->AllocatePages(AllocateAddress, EfiReservedMemoryType, 1, &a);
        if (st != EFI_SUCCESS) {
            a = limit - 1;
            st = efi_bs->AllocatePages(AllocateMaxAddress, EfiReservedMemoryType, 1, &a);
        }
        if (st != EFI_SUCCESS)
            return EEFI(st);
        have = a;
        placed = true;
    }
    memcpy((void *)(uintptr_t)have, page, PAGE);
    *addr = have;
    return 0;
}
