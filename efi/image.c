/*
 * Starting EFI images (src/platform.h): LoadImage by device path, never from
 * a buffer, so that Secure Boot judges the file and the child's
 * DeviceHandle is the partition it came from (DESIGN.md §3). The device
 * path is that of a filesystem the firmware has on the drive (a partition
 * child, an El Torito image, or the disk itself) plus a file-path node.
 */
#include "efi.h"

#include "../disk/drive.h"
#include "../src/platform.h"

#define PATH_NODES_MAX 64

struct image {
    EFI_HANDLE handle;
    CHAR16 *options;
    EFI_HANDLE cd;      /* the mapped CD it came from, put first while it runs */
};

static size_t node_len(const EFI_DEVICE_PATH *n)
{
    return (size_t)n->Length[0] | (size_t)n->Length[1] << 8;
}

static bool is_end(const EFI_DEVICE_PATH *n)
{
    return n->Type == END_DEVICE_PATH_TYPE && n->SubType == END_ENTIRE_DEVICE_PATH_SUBTYPE;
}

/* Bytes of a device path before its end node; 0 when it is malformed. */
static size_t path_bytes(const EFI_DEVICE_PATH *p)
{
    size_t total = 0;
    for (int i = 0; i < PATH_NODES_MAX; i++) {
        size_t len = node_len(p);
        if (is_end(p))
            return total;
        if (len < 4)
            return 0;
        total += len;
        p = (const EFI_DEVICE_PATH *)((const uint8_t *)p + len);
    }
    return 0;
}

static EFI_DEVICE_PATH *path_of(EFI_HANDLE h)
{
    EFI_GUID dp_guid = DEVICE_PATH_PROTOCOL;
    EFI_DEVICE_PATH *p = NULL;
    if (efi_bs->HandleProtocol(h, &dp_guid, (void **)&p) != EFI_SUCCESS)
        return NULL;
    return p;
}

/* The firmware handle of the whole drive under d. */
static EFI_HANDLE root_handle(struct drive *d)
{
    struct drive *root = drive_root(d, NULL);
    if (root->flags & DRIVE_FIRMWARE)
        return efi_disk_handle(root->plat);
    return efi_exposed_handle(root);
}

/*
 * Is fs (a filesystem handle's path) on d? It must extend the root's path by
 * nothing (d is the whole drive) or by one HD or CD-ROM node that starts
 * where d does (d is a partition); with any_child, any child of the root.
 */
static bool on_drive(const EFI_DEVICE_PATH *root, size_t root_len, const EFI_DEVICE_PATH *fs,
                     struct drive *d, bool any_child)
{
    size_t fs_len = path_bytes(fs);
    const EFI_DEVICE_PATH *next;
    if (!fs_len || fs_len < root_len || memcmp(root, fs, root_len) != 0)
        return false;
    next = (const EFI_DEVICE_PATH *)((const uint8_t *)fs + root_len);
    if (!d->parent)
        return any_child || is_end(next);
    if (next->Type != MEDIA_DEVICE_PATH || node_len(next) < 24 ||
        (next->SubType != MEDIA_HARDDRIVE_DP && next->SubType != MEDIA_CDROM_DP))
        return false;
    /* PartitionStart sits at byte 8 of both node kinds, in the medium's blocks */
    return le64((const uint8_t *)next + 8) == d->start;
}

/* A copy of base with a file-path node for path (UTF-8, '/' separators) appended. */
static EFI_DEVICE_PATH *with_file(const EFI_DEVICE_PATH *base, const char *path)
{
    size_t blen = path_bytes(base), chars = strlen8(path) + 2, nlen = 4 + chars * 2;
    uint8_t *out;
    EFI_DEVICE_PATH *node, *end;
    CHAR16 *name;
    if (nlen > 0xFFFF)
        return NULL;
    out = malloc(blen + nlen + 4);
    if (!out)
        return NULL;
    memcpy(out, base, blen);
    node = (EFI_DEVICE_PATH *)(out + blen);
    node->Type = MEDIA_DEVICE_PATH;
    node->SubType = MEDIA_FILEPATH_DP;
    name = (CHAR16 *)(out + blen + 4);
    utf8_to_ucs2(name, chars, path[0] == '/' ? path : "/");
    for (size_t i = 0; name[i]; i++)
        if (name[i] == '/')
            name[i] = '\\';
    nlen = 4 + (strlen16(name) + 1) * 2;
    node->Length[0] = (UINT8)nlen;
    node->Length[1] = (UINT8)(nlen >> 8);
    end = (EFI_DEVICE_PATH *)(out + blen + nlen);
    end->Type = END_DEVICE_PATH_TYPE;
    end->SubType = END_ENTIRE_DEVICE_PATH_SUBTYPE;
    end->Length[0] = 4;
    end->Length[1] = 0;
    return (EFI_DEVICE_PATH *)out;
}

static int load_one(EFI_HANDLE fs, const char *path, EFI_HANDLE *img)
{
    EFI_DEVICE_PATH *full = with_file(path_of(fs), path);
    EFI_STATUS st;
    if (!full)
        return -ENOMEM;
    *img = NULL;
    st = efi_bs->LoadImage(FALSE, efi_image, full, NULL, 0, img);
    free(full);
    if (st == EFI_SECURITY_VIOLATION) {
        /* loaded but refused: the image must be unloaded, and the refusal stands */
        if (*img)
            efi_bs->UnloadImage(*img);
        *img = NULL;
        return -EACCES;
    }
    return EEFI(st);
}

int plat_image_load(struct drive *d, const char *path, const char *args, void **image)
{
    EFI_GUID sfs_guid = SIMPLE_FILE_SYSTEM_PROTOCOL, li_guid = LOADED_IMAGE_PROTOCOL;
    EFI_HANDLE root = root_handle(d), *handles = NULL, img = NULL;
    EFI_DEVICE_PATH *root_path;
    EFI_LOADED_IMAGE *li = NULL;
    struct image *im;
    UINTN n = 0;
    size_t root_len;
    int rc = -ENOENT;
    if (!root || !(root_path = path_of(root)) || !(root_len = path_bytes(root_path)))
        return -ENODEV; /* not a drive the firmware knows (map --no-hook) */
    if (efi_bs->LocateHandleBuffer(ByProtocol, &sfs_guid, NULL, &n, &handles) != EFI_SUCCESS)
        return -ENOENT;
    for (UINTN i = 0; i < n && rc != 0 && rc != -EACCES; i++) {
        EFI_DEVICE_PATH *p = path_of(handles[i]);
        if (p && on_drive(root_path, root_len, p, d, path == NULL))
            rc = load_one(handles[i], path ? path : "/EFI/BOOT/BOOTX64.EFI", &img);
    }
    efi_bs->FreePool(handles);
    if (rc)
        return rc;
    im = calloc(1, sizeof(*im));
    if (!im) {
        efi_bs->UnloadImage(img);
        return -ENOMEM;
    }
    im->handle = img;
    if (!(drive_root(d, NULL)->flags & DRIVE_FIRMWARE) && drive_root(d, NULL)->kind == DRIVE_CD)
        im->cd = root;
    if (args && *args && efi_bs->HandleProtocol(img, &li_guid, (void **)&li) == EFI_SUCCESS) {
        size_t chars = strlen8(args) + 1;
        im->options = malloc(chars * 2);
        if (im->options) {
            utf8_to_ucs2(im->options, chars, args);
            li->LoadOptions = im->options;
            li->LoadOptionsSize = (UINT32)((strlen16(im->options) + 1) * 2);
        }
    }
    *image = im;
    return 0;
}

/*
 * Windows' bootmgfw looks for its files on the first CD it finds in
 * LocateHandle's answer, so a mapped CD it boots from must come first. While
 * such an image runs, LocateHandle and LocateHandleBuffer move the CD's
 * handles (the disk and its children: the device-path prefix says which) to
 * the front of every ByProtocol answer, keeping the order otherwise. Drivers
 * that call through the table see that order too, which is harmless: the
 * spec promises no order. It ends when the image returns.
 */
static EFI_LOCATE_HANDLE real_locate;
static EFI_LOCATE_HANDLE_BUFFER real_locate_buffer;
static EFI_DEVICE_PATH *first_path;
static size_t first_len;

static void put_first(EFI_HANDLE *h, UINTN n)
{
    UINTN front = 0;
    for (UINTN i = 0; i < n; i++) {
        EFI_DEVICE_PATH *p = path_of(h[i]);
        size_t len = p ? path_bytes(p) : 0;
        if (len >= first_len && memcmp(p, first_path, first_len) == 0) {
            EFI_HANDLE x = h[i];
            for (UINTN j = i; j > front; j--)
                h[j] = h[j - 1];
            h[front++] = x;
        }
    }
}

static EFI_STATUS EFIAPI locate_cd_first(EFI_LOCATE_SEARCH_TYPE type, EFI_GUID *protocol,
                                         void *key, UINTN *size, EFI_HANDLE *buf)
{
    EFI_STATUS st = real_locate(type, protocol, key, size, buf);
    if (st == EFI_SUCCESS && type == ByProtocol && buf)
        put_first(buf, *size / sizeof(EFI_HANDLE));
    return st;
}

static EFI_STATUS EFIAPI locate_buffer_cd_first(EFI_LOCATE_SEARCH_TYPE type, EFI_GUID *protocol,
                                                void *key, UINTN *n, EFI_HANDLE **buf)
{
    EFI_STATUS st = real_locate_buffer(type, protocol, key, n, buf);
    if (st == EFI_SUCCESS && type == ByProtocol && buf && *buf)
        put_first(*buf, *n);
    return st;
}

/* Swap the two table entries (and the table's CRC) in or out. */
static void hook_locate(bool on)
{
    EFI_TPL old = efi_bs->RaiseTPL(TPL_HIGH_LEVEL);
    if (on) {
        real_locate = efi_bs->LocateHandle;
        real_locate_buffer = efi_bs->LocateHandleBuffer;
        efi_bs->LocateHandle = locate_cd_first;
        efi_bs->LocateHandleBuffer = locate_buffer_cd_first;
    } else {
        efi_bs->LocateHandle = real_locate;
        efi_bs->LocateHandleBuffer = real_locate_buffer;
    }
    efi_bs->Hdr.CRC32 = 0;
    efi_bs->CalculateCrc32(efi_bs, efi_bs->Hdr.HeaderSize, &efi_bs->Hdr.CRC32);
    efi_bs->RestoreTPL(old);
}

int plat_image_start(void *image)
{
    struct image *im = image;
    UINTN size = 0;
    CHAR16 *data = NULL;
    EFI_STATUS st;
    bool hooked = false;
    if (im->cd && (first_path = path_of(im->cd)) && (first_len = path_bytes(first_path))) {
        hook_locate(true);
        hooked = true;
    }
    st = efi_bs->StartImage(im->handle, &size, &data);
    if (hooked)
        hook_locate(false);
    if (data)
        efi_bs->FreePool(data);
    /* a started image is gone once it returns: nothing left to unload */
    im->handle = NULL;
    return EEFI(st);
}

void plat_image_unload(void *image)
{
    struct image *im = image;
    if (!im)
        return;
    if (im->handle)
        efi_bs->UnloadImage(im->handle);
    free(im->options);
    free(im);
}
