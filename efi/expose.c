/*
 * Drives made by map, shown to the firmware (src/platform.h): a fresh handle
 * with BlockIo (revision 3 fields filled) and a vendor device path unique to
 * this map, then ConnectController so that the firmware's partition and
 * FAT drivers bind to it as to any disk. Reads and writes go through the
 * drive table, so --read-only and --fake-write hold for the firmware too.
 *
 * While mapboot connects the firmware's drivers to a drive it has just
 * made, the drive refuses writes. EDK2's partition driver "repairs" a GPT
 * when it binds: a valid primary header with a damaged or missing backup
 * (an image cut short, a disk image grown, data written over the last
 * blocks) gets the last 33 blocks rewritten, and a damaged primary gets the
 * first 34. Nobody asked for that write: on a RAM disk it silently replaced
 * the image's last 16 KiB, on an in-place map it changed the image file.
 * The write fails, the driver goes on with the header that is valid, and
 * map says what it refused. Later connects (`connect`, `load`) are not
 * guarded: the partition driver binds once, and a driver the user loads
 * may have writes to make.
 */
#include "efi.h"

#include "../disk/drive.h"
#include "../src/shell.h"
#include "../src/platform.h"

/* mapboot's vendor GUID for the device paths of mapped drives */
#define MAPBOOT_VENDOR_GUID \
    { 0x6d617062, 0x6f6f, 0x4d42, { 0x8a, 0x1e, 0x52, 0x41, 0x4d, 0x44, 0x49, 0x53 } }

struct mb_devpath {
    VENDOR_DEVICE_PATH vendor;
    UINT8 number;            /* the BIOS-style drive number */
    UINT8 serial[4];         /* a count of maps: a remap gets a new path */
    EFI_DEVICE_PATH end;
} __attribute__((packed));

struct exposed {
    EFI_BLOCK_IO_PROTOCOL bio;  /* first: the callbacks find us from This */
    EFI_BLOCK_IO_MEDIA media;
    struct mb_devpath path;
    EFI_HANDLE handle;
    struct drive *d;            /* NULL once the drive is gone (stubbed) */
    uint64_t refused_lba;       /* the first write refused while connecting */
    bool refused;               /* a write was refused while connecting */
};

static UINT32 serial;
static int connecting;          /* > 0 while we bind the firmware's drivers to one of ours */

static EFI_STATUS EFIAPI bio_reset(EFI_BLOCK_IO_PROTOCOL *this, BOOLEAN extended)
{
    (void)this;
    (void)extended;
    return EFI_SUCCESS;
}

/* The checks the UEFI spec asks of ReadBlocks/WriteBlocks, in one place. */
static EFI_STATUS check(struct exposed *x, UINT32 media_id, EFI_LBA lba, UINTN size, void *buf)
{
    if (!x->d)
        return EFI_NO_MEDIA;
    if (media_id != x->media.MediaId)
        return EFI_MEDIA_CHANGED;
    if (!buf)
        return EFI_INVALID_PARAMETER;
    if (size % x->media.BlockSize)
        return EFI_BAD_BUFFER_SIZE;
    if (lba > x->media.LastBlock || size / x->media.BlockSize > x->media.LastBlock - lba + 1)
        return EFI_INVALID_PARAMETER;
    return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI bio_read(EFI_BLOCK_IO_PROTOCOL *this, UINT32 media_id, EFI_LBA lba,
                                  UINTN size, void *buf)
{
    struct exposed *x = (struct exposed *)this;
    EFI_STATUS st = check(x, media_id, lba, size, buf);
    if (st != EFI_SUCCESS || size == 0)
        return st;
    return EFIRC(drive_read(x->d, lba, size / x->media.BlockSize, buf));
}

static EFI_STATUS EFIAPI bio_write(EFI_BLOCK_IO_PROTOCOL *this, UINT32 media_id, EFI_LBA lba,
                                   UINTN size, void *buf)
{
    struct exposed *x = (struct exposed *)this;
    EFI_STATUS st;
    /* read-only media refuse every write, before its arguments are looked at */
    if (x->d && media_id == x->media.MediaId && x->media.ReadOnly)
        return EFI_WRITE_PROTECTED;
    st = check(x, media_id, lba, size, buf);
    if (st != EFI_SUCCESS)
        return st;
    if (size == 0)
        return EFI_SUCCESS;
    if (connecting) {
        if (!x->refused)
            x->refused_lba = lba;
        x->refused = true;
        return EFI_WRITE_PROTECTED;
    }
    return EFIRC(drive_write(x->d, lba, size / x->media.BlockSize, buf));
}

static EFI_STATUS EFIAPI bio_flush(EFI_BLOCK_IO_PROTOCOL *this)
{
    (void)this;
    return EFI_SUCCESS;
}

int plat_drive_expose(struct drive *d)
{
    EFI_GUID bio_guid = BLOCK_IO_PROTOCOL, dp_guid = DEVICE_PATH_PROTOCOL;
    EFI_GUID vendor = MAPBOOT_VENDOR_GUID;
    struct exposed *x;
    EFI_STATUS st;
    if (d->exposed)
        return -EEXIST;
    x = calloc(1, sizeof(*x));
    if (!x)
        return -ENOMEM;
    x->d = d;
    x->media.MediaId = 0;
    x->media.RemovableMedia = d->kind != DRIVE_HD;
    x->media.MediaPresent = TRUE;
    x->media.LogicalPartition = FALSE;
    x->media.ReadOnly = (d->flags & DRIVE_READ_ONLY) != 0;
    x->media.WriteCaching = FALSE;
    x->media.BlockSize = d->block_size;
    x->media.IoAlign = 0;
    x->media.LastBlock = d->blocks - 1;
    x->media.LowestAlignedLba = 0;
    x->media.LogicalBlocksPerPhysicalBlock = 1;
    x->media.OptimalTransferLengthGranularity = 0;
    x->bio.Revision = EFI_BLOCK_IO_PROTOCOL_REVISION3;
    x->bio.Media = &x->media;
    x->bio.Reset = bio_reset;
    x->bio.ReadBlocks = bio_read;
    x->bio.WriteBlocks = bio_write;
    x->bio.FlushBlocks = bio_flush;
    x->path.vendor.Header.Type = HARDWARE_DEVICE_PATH;
    x->path.vendor.Header.SubType = HW_VENDOR_DP;
    SetDevicePathNodeLength(&x->path.vendor.Header,
                            sizeof(x->path.vendor) + sizeof(x->path.number) + sizeof(x->path.serial));
    x->path.vendor.Guid = vendor;
    x->path.number = (UINT8)d->number;
    serial++;
    memcpy(x->path.serial, &serial, sizeof(x->path.serial));
    x->path.end.Type = END_DEVICE_PATH_TYPE;
    x->path.end.SubType = END_ENTIRE_DEVICE_PATH_SUBTYPE;
    SetDevicePathNodeLength(&x->path.end, sizeof(x->path.end));
    st = efi_bs->InstallMultipleProtocolInterfaces(&x->handle, &bio_guid, &x->bio, &dp_guid,
                                                   &x->path, NULL);
    if (st != EFI_SUCCESS) {
        free(x);
        return EEFI(st);
    }
    d->exposed = x;
    /* the firmware's partition and filesystem drivers bind now, recursively */
    connecting++;
    efi_bs->ConnectController(x->handle, NULL, NULL, TRUE);
    connecting--;
    if (x->refused)
        shell_warn("map: the firmware tried to write %s at block %llu as it connected it (its "
                   "partition driver rewrites a GPT whose primary or backup header is damaged "
                   "or missing); refused: the image is unchanged", d->name,
                   (unsigned long long)x->refused_lba);
    return 0;
}

int plat_drive_unexpose(struct drive *d)
{
    EFI_GUID bio_guid = BLOCK_IO_PROTOCOL, dp_guid = DEVICE_PATH_PROTOCOL;
    struct exposed *x = d->exposed;
    EFI_STATUS st;
    if (!x)
        return 0;
    efi_bs->DisconnectController(x->handle, NULL, NULL);
    st = efi_bs->UninstallMultipleProtocolInterfaces(x->handle, &bio_guid, &x->bio, &dp_guid,
                                                     &x->path, NULL);
    if (st != EFI_SUCCESS) {
        /* someone still holds it: reconnect what we took down and keep everything */
        connecting++;
        efi_bs->ConnectController(x->handle, NULL, NULL, TRUE);
        connecting--;
        return -EBUSY;
    }
    free(x);
    d->exposed = NULL;
    return 0;
}

EFI_HANDLE efi_exposed_handle(struct drive *d)
{
    struct exposed *x = d->exposed;
    return x ? x->handle : NULL;
}

bool efi_exposed_bio(const EFI_BLOCK_IO *bio)
{
    /* ours, stubbed ones too: they keep these functions with their drive gone */
    return bio->ReadBlocks == bio_read;
}

int plat_blockio_count(void)
{
    EFI_GUID bio_guid = BLOCK_IO_PROTOCOL;
    EFI_HANDLE *handles = NULL;
    UINTN n = 0;
    if (efi_bs->LocateHandleBuffer(ByProtocol, &bio_guid, NULL, &n, &handles) != EFI_SUCCESS)
        return 0;
    efi_bs->FreePool(handles);
    return (int)n;
}
