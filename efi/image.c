/*
 * Starting EFI images (src/platform.h): LoadImage by device path, so that
 * Secure Boot judges the file and the child's DeviceHandle is the
 * partition it came from (DESIGN.md §3). The device path is that of a
 * filesystem the firmware has on the drive (a partition child, an El Torito
 * image, or the disk itself) plus a file-path node.
 *
 * Under shim the file is read into memory first, shim verifies that buffer
 * and the same buffer is loaded, with the same device path
 * (efi/secureboot.c says why).
 */
#include "efi.h"

#include "../disk/drive.h"
#include "../src/pe.h"
#include "../src/platform.h"

#define PATH_NODES_MAX 64

struct image {
    EFI_HANDLE handle;
    CHAR16 *options;
    EFI_HANDLE cd;      /* the mapped CD it came from, put first while it runs */
    struct efi_shim_loader *shim; /* shim 16's loader loaded it: start it there too */
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

/* The file-path node's name (the last node of a path with_file made). */
static CHAR16 *file_name(EFI_DEVICE_PATH *full)
{
    EFI_DEVICE_PATH *n = full, *last = full;
    while (!is_end(n)) {
        last = n;
        n = (EFI_DEVICE_PATH *)((uint8_t *)n + node_len(n));
    }
    return (CHAR16 *)((uint8_t *)last + 4);
}

/* The whole file name on the firmware's filesystem fs, into a pool buffer. */
static int read_whole(EFI_HANDLE fs, CHAR16 *name, void **buf, size_t *len)
{
    EFI_GUID sfs_guid = SIMPLE_FILE_SYSTEM_PROTOCOL;
    EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *sfs;
    EFI_FILE_HANDLE root = NULL, f = NULL;
    UINT64 size = 0;
    UINTN got;
    EFI_STATUS st;
    *buf = NULL;
    st = efi_bs->HandleProtocol(fs, &sfs_guid, (void **)&sfs);
    if (st == EFI_SUCCESS)
        st = sfs->OpenVolume(sfs, &root);
    if (st == EFI_SUCCESS)
        st = root->Open(root, &f, name, EFI_FILE_MODE_READ, 0);
    if (st == EFI_SUCCESS)
        st = f->SetPosition(f, 0xFFFFFFFFFFFFFFFFull); /* to the end: the size */
    if (st == EFI_SUCCESS)
        st = f->GetPosition(f, &size);
    if (st == EFI_SUCCESS)
        st = f->SetPosition(f, 0);
    if (st == EFI_SUCCESS && (size == 0 || size >= 0xFFFFFFFFu))
        st = EFI_LOAD_ERROR; /* no PE image is empty or 4 GiB */
    if (st == EFI_SUCCESS)
        st = efi_bs->AllocatePool(EfiLoaderData, (UINTN)size, buf);
    for (UINT64 done = 0; st == EFI_SUCCESS && done < size; done += got) {
        got = (UINTN)(size - done);
        st = f->Read(f, &got, (uint8_t *)*buf + done);
        if (st == EFI_SUCCESS && got == 0)
            st = EFI_END_OF_FILE; /* shorter than it said */
    }
    if (f)
        f->Close(f);
    if (root)
        root->Close(root);
    if (st != EFI_SUCCESS) {
        if (*buf)
            efi_bs->FreePool(*buf);
        *buf = NULL;
        return st == EFI_LOAD_ERROR || st == EFI_END_OF_FILE ? -EIO : EEFI(st);
    }
    *len = (size_t)size;
    return 0;
}

/*
 * Load the bytes buf[0..len) as the image whose device path is full (for
 * its DeviceHandle and FilePath): under shim, SHIM_LOCK verifies them, a
 * driver is refused where shim's loader would load it, and shim's loader
 * loads them when there is one; else the firmware loads them (and judges
 * them under Secure Boot). *rc is set when we refuse before loading.
 */
static EFI_STATUS load_bytes(EFI_DEVICE_PATH *full, void *buf, size_t len, EFI_HANDLE *img,
                             struct efi_shim_loader **by, int *rc)
{
    struct efi_shim_loader *loader = NULL;
    unsigned sub;
    *rc = 0;
    *by = NULL;
    if (efi_shim_present() && plat_secure_boot() == SB_SHIM) {
        loader = efi_shim_loader();
        *rc = efi_shim_verify(buf, len);
        sub = pe_subsystem(buf, len);
        if (*rc == 0 && loader &&
            (sub == PE_SUBSYSTEM_BOOT_DRIVER || sub == PE_SUBSYSTEM_RUNTIME_DRIVER))
            *rc = -EPERM; /* verified, but shim's loader would free it under its protocols */
        if (*rc)
            return EFI_LOAD_ERROR;
    }
    *by = loader;
    return (loader ? loader->load_image : efi_bs->LoadImage)(FALSE, efi_image, full, buf, len,
                                                             img);
}

/* Under shim: the file from fs into memory, then load_bytes. */
static EFI_STATUS load_via_shim(EFI_HANDLE fs, EFI_DEVICE_PATH *full, EFI_HANDLE *img,
                                struct efi_shim_loader **by, int *rc)
{
    EFI_STATUS st;
    void *buf;
    size_t len = 0;
    *rc = read_whole(fs, file_name(full), &buf, &len);
    if (*rc)
        return EFI_LOAD_ERROR;
    st = load_bytes(full, buf, len, img, by, rc);
    efi_bs->FreePool(buf);
    return st;
}

/* LoadImage's answer as an error code. */
static int load_result(EFI_STATUS st, EFI_HANDLE *img, struct efi_shim_loader *by)
{
    if (st == EFI_SECURITY_VIOLATION) {
        /* loaded but refused: the image must be unloaded, and the refusal stands */
        if (*img)
            (by ? by->unload_image : efi_bs->UnloadImage)(*img);
        *img = NULL;
        return -EACCES;
    }
    return EEFI(st);
}

static int load_one(EFI_HANDLE fs, const char *path, EFI_HANDLE *img,
                    struct efi_shim_loader **by)
{
    EFI_DEVICE_PATH *full = with_file(path_of(fs), path);
    EFI_STATUS st;
    int rc = 0;
    if (!full)
        return -ENOMEM;
    *img = NULL;
    *by = NULL;
    if (efi_shim_present() && plat_secure_boot() == SB_SHIM)
        st = load_via_shim(fs, full, img, by, &rc);
    else
        st = efi_bs->LoadImage(FALSE, efi_image, full, NULL, 0, img);
    free(full);
    return rc ? rc : load_result(st, img, *by);
}

/* A loaded image as plat_image_load gives it, with its load options set. */
static int wrap(EFI_HANDLE img, struct efi_shim_loader *by, EFI_HANDLE cd, const char *args,
                void **image)
{
    EFI_GUID li_guid = LOADED_IMAGE_PROTOCOL;
    EFI_LOADED_IMAGE *li = NULL;
    struct image *im = calloc(1, sizeof(*im));
    if (!im) {
        (by ? by->unload_image : efi_bs->UnloadImage)(img);
        return -ENOMEM;
    }
    im->handle = img;
    im->shim = by;
    im->cd = cd;
    if (efi_bs->HandleProtocol(img, &li_guid, (void **)&li) != EFI_SUCCESS)
        li = NULL;
    if (li && !(args && *args)) {
        /* shim's loader hands shim's own load options on; the image gets none */
        li->LoadOptions = NULL;
        li->LoadOptionsSize = 0;
    }
    if (li && args && *args) {
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

int plat_image_load(struct drive *d, const char *path, const char *args, void **image)
{
    EFI_GUID sfs_guid = SIMPLE_FILE_SYSTEM_PROTOCOL;
    EFI_HANDLE root = root_handle(d), *handles = NULL, img = NULL;
    struct efi_shim_loader *by = NULL;
    EFI_DEVICE_PATH *root_path;
    UINTN n = 0;
    size_t root_len;
    int rc = -ENOENT;
    if (!root || !(root_path = path_of(root)) || !(root_len = path_bytes(root_path)))
        return -ENODEV; /* not a drive the firmware knows (map --no-hook) */
    if (efi_bs->LocateHandleBuffer(ByProtocol, &sfs_guid, NULL, &n, &handles) != EFI_SUCCESS)
        return -ENOENT;
    for (UINTN i = 0; i < n && rc != 0 && rc != -EACCES && rc != -EPERM; i++) {
        EFI_DEVICE_PATH *p = path_of(handles[i]);
        if (p && on_drive(root_path, root_len, p, d, path == NULL))
            rc = load_one(handles[i], path ? path : "/EFI/BOOT/BOOTX64.EFI", &img, &by);
    }
    efi_bs->FreePool(handles);
    if (rc)
        return rc;
    return wrap(img, by, !(drive_root(d, NULL)->flags & DRIVE_FIRMWARE) &&
                             drive_root(d, NULL)->kind == DRIVE_CD ? root : NULL,
                args, image);
}

/* A device path of one URI node (UEFI 2.6 MSG_URI_DP) for an image from the network. */
static EFI_DEVICE_PATH *uri_path(const char *url)
{
    size_t n = strlen8(url), nlen = 4 + n;
    uint8_t *out;
    EFI_DEVICE_PATH *end;
    if (nlen > 0xFFFF)
        return NULL;
    out = malloc(nlen + 4);
    if (!out)
        return NULL;
    out[0] = MESSAGING_DEVICE_PATH;
    out[1] = 24; /* MSG_URI_DP */
    out[2] = (uint8_t)nlen;
    out[3] = (uint8_t)(nlen >> 8);
    memcpy(out + 4, url, n);
    end = (EFI_DEVICE_PATH *)(out + nlen);
    end->Type = END_DEVICE_PATH_TYPE;
    end->SubType = END_ENTIRE_DEVICE_PATH_SUBTYPE;
    end->Length[0] = 4;
    end->Length[1] = 0;
    return (EFI_DEVICE_PATH *)out;
}

int plat_image_load_mem(const void *buf, size_t len, const char *url, const char *args,
                        void **image)
{
    struct efi_shim_loader *by = NULL;
    EFI_DEVICE_PATH *dp;
    EFI_HANDLE img = NULL;
    EFI_STATUS st;
    int rc = 0;
    dp = uri_path(url);
    if (!dp)
        return -ENOMEM;
    st = load_bytes(dp, (void *)buf, len, &img, &by, &rc);
    free(dp);
    if (!rc)
        rc = load_result(st, &img, by);
    return rc ? rc : wrap(img, by, NULL, args, image);
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
    st = (im->shim ? im->shim->start_image : efi_bs->StartImage)(im->handle, &size, &data);
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
        (im->shim ? im->shim->unload_image : efi_bs->UnloadImage)(im->handle);
    free(im->options);
    free(im);
}
