/*
 * Connecting the firmware's drivers to every controller (src/platform.h).
 *
 * Firmware booting in "fast boot" mode, OVMF with a boot order among it,
 * connects only the devices of its boot order: the other disks have no
 * BlockIo, so find, map and ls would never see them. mapboot connects every
 * controller once at start-up, before the drive table is built, and again
 * on `connect` (a USB stick plugged in at the menu) and after `load`.
 *
 * Only the roots of the device tree are connected: handles whose device
 * path is one node (PciRoot, a firmware volume, a vendor device such as a
 * mapped drive). ConnectController(Recursive) goes on from a controller to
 * every child it has, old or new, so this reaches each device in the tree
 * once; connecting every handle, as EDK2's connect-all does, visits each
 * subtree again from every node in it, which took 33 ms of a 58 ms start
 * under QEMU's TCG. Driver and image handles have no device path and are
 * no controllers. (EDK2 also repeats while its DXE dispatcher finds new
 * drivers; an application has no dispatcher to ask, and a PCI option ROM's
 * driver is started by the PCI bus driver during the pass.)
 */
#include "efi.h"

#include "../src/platform.h"

#define PATH_TEXT_MAX 200

static EFI_GUID dp_guid = DEVICE_PATH_PROTOCOL;

/* The device path of h as the firmware prints it, or its handle value. */
static void path_text(EFI_HANDLE h, char *buf, size_t size)
{
    EFI_GUID to_text_guid = EFI_DEVICE_PATH_TO_TEXT_PROTOCOL_GUID;
    EFI_DEVICE_PATH_TO_TEXT_PROTOCOL *to_text = NULL;
    EFI_DEVICE_PATH *dp = NULL;
    CHAR16 *text = NULL;

    snprintf(buf, size, "handle %p", (void *)h);
    if (efi_bs->HandleProtocol(h, &dp_guid, (void **)&dp) != EFI_SUCCESS || !dp)
        return;
    if (efi_bs->LocateProtocol(&to_text_guid, NULL, (void **)&to_text) != EFI_SUCCESS ||
        !to_text)
        return;
    text = to_text->ConvertDevicePathToText(dp, FALSE, FALSE);
    if (!text)
        return;
    ucs2_to_utf8(buf, size, (const uint16_t *)text);
    efi_bs->FreePool(text);
}

int plat_connect_all(void (*report)(const char *what, int rc))
{
    EFI_HANDLE *handles = NULL;
    UINTN n = 0;
    int roots = 0;

    if (efi_bs->LocateHandleBuffer(ByProtocol, &dp_guid, NULL, &n, &handles) != EFI_SUCCESS)
        return 0;
    for (UINTN i = 0; i < n; i++) {
        EFI_DEVICE_PATH *dp = NULL;
        EFI_STATUS st;
        if (efi_bs->HandleProtocol(handles[i], &dp_guid, (void **)&dp) != EFI_SUCCESS || !dp ||
            IsDevicePathEndType(dp) ||
            (size_t)DevicePathNodeLength(dp) < sizeof(EFI_DEVICE_PATH) ||
            !IsDevicePathEndType(NextDevicePathNode(dp)))
            continue; /* not a root: reached from its root */
        roots++;
        st = efi_bs->ConnectController(handles[i], NULL, NULL, TRUE);
        /* NOT_FOUND: no driver wants it, which is most handles; not a failure */
        if (st != EFI_SUCCESS && st != EFI_NOT_FOUND && report) {
            char what[PATH_TEXT_MAX];
            path_text(handles[i], what, sizeof(what));
            report(what, EEFI(st));
        }
    }
    efi_bs->FreePool(handles);
    return roots;
}
