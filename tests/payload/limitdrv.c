/*
 * A boot-service driver that makes disks behave like firmware whose disk
 * driver or DMA cannot take a large transfer (grub4dos' "Error 25" boards):
 * its entry point wraps the BlockIo of every whole disk except the one it
 * was loaded from, and the wrapper fails every ReadBlocks or WriteBlocks
 * over LIMIT bytes with EFI_DEVICE_ERROR. Smaller requests pass through.
 * The wrapped interface replaces the original on the same handle
 * (ReinstallProtocolInterface), so the firmware's own drivers reconnect to
 * it too. It says how many disks it wrapped and stays resident.
 */
#include <efi.h>
#include <efilib.h>

#define LIMIT (1024 * 1024)

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

struct wrap {
    EFI_BLOCK_IO bio;      /* first: the callbacks find the wrapper from This */
    EFI_BLOCK_IO *orig;
};

static EFI_STATUS EFIAPI wrap_read(EFI_BLOCK_IO *this, UINT32 media, EFI_LBA lba, UINTN size,
                                   VOID *buf)
{
    struct wrap *w = (struct wrap *)this;
    if (size > LIMIT)
        return EFI_DEVICE_ERROR;
    return w->orig->ReadBlocks(w->orig, media, lba, size, buf);
}

static EFI_STATUS EFIAPI wrap_write(EFI_BLOCK_IO *this, UINT32 media, EFI_LBA lba, UINTN size,
                                    VOID *buf)
{
    struct wrap *w = (struct wrap *)this;
    if (size > LIMIT)
        return EFI_DEVICE_ERROR;
    return w->orig->WriteBlocks(w->orig, media, lba, size, buf);
}

static EFI_STATUS EFIAPI wrap_reset(EFI_BLOCK_IO *this, BOOLEAN ext)
{
    struct wrap *w = (struct wrap *)this;
    return w->orig->Reset(w->orig, ext);
}

static EFI_STATUS EFIAPI wrap_flush(EFI_BLOCK_IO *this)
{
    struct wrap *w = (struct wrap *)this;
    return w->orig->FlushBlocks(w->orig);
}

/* Whether the nodes of a (up to its end) begin b. */
static BOOLEAN path_prefix(EFI_DEVICE_PATH *a, EFI_DEVICE_PATH *b)
{
    while (!IsDevicePathEnd(a)) {
        UINTN len = (UINTN)DevicePathNodeLength(a);
        if (IsDevicePathEnd(b) || (UINTN)DevicePathNodeLength(b) != len ||
            CompareMem(a, b, len) != 0)
            return FALSE;
        a = NextDevicePathNode(a);
        b = NextDevicePathNode(b);
    }
    return TRUE;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
    EFI_LOADED_IMAGE *li = NULL;
    EFI_DEVICE_PATH *own = NULL;
    EFI_HANDLE *handles = NULL;
    UINTN n = 0, wrapped = 0;

    InitializeLib(image, systab);
    if (uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol, (VOID **)&li) ==
        EFI_SUCCESS && li)
        own = DevicePathFromHandle(li->DeviceHandle);
    if (uefi_call_wrapper(BS->LocateHandleBuffer, 5, ByProtocol, &BlockIoProtocol, NULL, &n,
                          &handles) != EFI_SUCCESS)
        n = 0;
    for (UINTN i = 0; i < n; i++) {
        EFI_BLOCK_IO *bio = NULL;
        EFI_DEVICE_PATH *dp = DevicePathFromHandle(handles[i]);
        struct wrap *w;
        EFI_STATUS st;
        if (uefi_call_wrapper(BS->HandleProtocol, 3, handles[i], &BlockIoProtocol,
                              (VOID **)&bio) != EFI_SUCCESS || !bio || !dp ||
            bio->Media->LogicalPartition || (own && path_prefix(dp, own)) ||
            DevicePathType(dp) != ACPI_DEVICE_PATH)
            continue; /* partitions, our own disk, and disks mapboot made (vendor paths) */
        w = AllocateZeroPool(sizeof(*w));
        if (!w)
            break;
        w->orig = bio;
        w->bio = *bio;
        w->bio.ReadBlocks = wrap_read;
        w->bio.WriteBlocks = wrap_write;
        w->bio.Reset = wrap_reset;
        w->bio.FlushBlocks = wrap_flush;
        st = uefi_call_wrapper(BS->ReinstallProtocolInterface, 4, handles[i], &BlockIoProtocol,
                               bio, &w->bio);
        if (st != EFI_SUCCESS) {
            Print(L"limitdrv: ReinstallProtocolInterface: %r\n", st);
            FreePool(w);
            continue;
        }
        wrapped++;
    }
    if (handles)
        FreePool(handles);
    Print(L"limitdrv: wrapped %d disks: requests over %d KiB fail\n", wrapped, LIMIT / 1024);
    return EFI_SUCCESS;
}
