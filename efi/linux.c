/*
 * The initrd of a Linux kernel (src/platform.h, plat_initrd_serve). Since
 * Linux 5.8 the EFI stub asks for its initrd by LocateDevicePath on the
 * device path VenMedia(LINUX_EFI_INITRD_MEDIA_GUID)/End and LoadFile2 on the
 * handle found: first with no buffer, to learn the size, then with one. We
 * put that device path and a LoadFile2 protocol on a fresh handle for as
 * long as the kernel starts, then take both away.
 */
#include "efi.h"

#include "../src/platform.h"

static EFI_GUID initrd_media_guid = { 0x5568e427, 0x68fc, 0x4f3d,
                                      { 0xac, 0x74, 0xca, 0x55, 0x52, 0x31, 0xcc, 0x68 } };
static EFI_GUID load_file2_guid = { 0x4006c0c1, 0xfcb3, 0x403e,
                                    { 0x99, 0x6d, 0x4a, 0x6c, 0x87, 0x24, 0xe0, 0x6d } };

struct initrd_path {
    VENDOR_DEVICE_PATH vendor;
    EFI_DEVICE_PATH end;
} __attribute__((packed));

/* LoadFile2 has LoadFile's layout; the record of what is served follows it. */
struct served {
    EFI_LOAD_FILE_INTERFACE lf;
    struct initrd_path path;
    EFI_HANDLE handle;
    const void *buf;
    size_t len;
};

static EFI_STATUS EFIAPI load_file(EFI_LOAD_FILE_INTERFACE *this, EFI_DEVICE_PATH *file,
                                   BOOLEAN boot_policy, UINTN *size, VOID *buf)
{
    struct served *s = (struct served *)this;
    (void)file;
    if (boot_policy)
        return EFI_UNSUPPORTED; /* LoadFile2 never boots */
    if (!size)
        return EFI_INVALID_PARAMETER;
    if (!buf || *size < s->len) {
        *size = s->len;
        return EFI_BUFFER_TOO_SMALL;
    }
    memcpy(buf, s->buf, s->len);
    *size = s->len;
    return EFI_SUCCESS;
}

int plat_initrd_serve(const void *buf, size_t len, void **h)
{
    EFI_GUID dp_guid = DEVICE_PATH_PROTOCOL;
    EFI_DEVICE_PATH *probe;
    EFI_HANDLE other;
    struct served *s;
    EFI_STATUS st;
    s = calloc(1, sizeof(*s));
    if (!s)
        return -ENOMEM;
    s->lf.LoadFile = load_file;
    s->path.vendor.Header.Type = MEDIA_DEVICE_PATH;
    s->path.vendor.Header.SubType = MEDIA_VENDOR_DP;
    s->path.vendor.Header.Length[0] = sizeof(VENDOR_DEVICE_PATH);
    s->path.vendor.Guid = initrd_media_guid;
    s->path.end.Type = END_DEVICE_PATH_TYPE;
    s->path.end.SubType = END_ENTIRE_DEVICE_PATH_SUBTYPE;
    s->path.end.Length[0] = sizeof(EFI_DEVICE_PATH);
    s->buf = buf;
    s->len = len;
    /* someone else's initrd (a loader that started mapboot) would be found first */
    probe = &s->path.vendor.Header;
    if (efi_bs->LocateDevicePath(&load_file2_guid, &probe, &other) == EFI_SUCCESS) {
        free(s);
        return -EBUSY;
    }
    st = efi_bs->InstallMultipleProtocolInterfaces(&s->handle, &dp_guid, &s->path,
                                                   &load_file2_guid, &s->lf, NULL);
    if (st != EFI_SUCCESS) {
        free(s);
        return EEFI(st);
    }
    *h = s;
    return 0;
}

void plat_initrd_withdraw(void *h)
{
    EFI_GUID dp_guid = DEVICE_PATH_PROTOCOL;
    struct served *s = h;
    /* if the firmware will not let go, leak it rather than free what it still reaches */
    if (efi_bs->UninstallMultipleProtocolInterfaces(s->handle, &dp_guid, &s->path,
                                                    &load_file2_guid, &s->lf, NULL) ==
        EFI_SUCCESS)
        free(s);
}
