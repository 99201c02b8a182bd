/*
 * The boot volume through the firmware's SimpleFileSystem protocol: the
 * platform side of fs/sfs.c. It serves menu.lst before native filesystems
 * exist, and later any volume whose driver the firmware (or a loaded EFI
 * driver) provides.
 */
#include "efi.h"

#include "../src/platform.h"

struct plat_file {
    EFI_FILE_HANDLE h;
};

static EFI_FILE_HANDLE boot_root;

void efi_bootfs_init(EFI_HANDLE device)
{
    EFI_GUID sfs_guid = SIMPLE_FILE_SYSTEM_PROTOCOL;
    EFI_FILE_IO_INTERFACE *sfs = NULL;
    if (efi_bs->HandleProtocol(device, &sfs_guid, (void **)&sfs) != EFI_SUCCESS || !sfs)
        return;
    if (sfs->OpenVolume(sfs, &boot_root) != EFI_SUCCESS)
        boot_root = NULL;
}

int plat_bootfs_open(const char *path, int mode, struct plat_file **out)
{
    CHAR16 wpath[512];
    EFI_FILE_HANDLE h;
    UINT64 emode = EFI_FILE_MODE_READ;
    EFI_STATUS st;
    struct plat_file *f;
    size_t i;

    if (!boot_root)
        return -ENODEV;
    if (strlen8(path) >= ARRAY_SIZE(wpath))
        return -ENAMETOOLONG;
    utf8_to_ucs2(wpath, ARRAY_SIZE(wpath), *path ? path : "/");
    for (i = 0; wpath[i]; i++)
        if (wpath[i] == '/')
            wpath[i] = '\\';
    if (mode & PLAT_WRITE)
        emode |= EFI_FILE_MODE_WRITE;
    if (mode & PLAT_CREATE)
        emode |= EFI_FILE_MODE_CREATE;
    st = boot_root->Open(boot_root, &h, wpath, emode, 0);
    if (st != EFI_SUCCESS)
        return EEFI(st);
    f = malloc(sizeof(*f));
    if (!f) {
        h->Close(h);
        return -ENOMEM;
    }
    f->h = h;
    *out = f;
    return 0;
}

/*
 * The EFI_FILE_INFO of h, in *out on success; the caller frees it. The first
 * guess fits a 255-character name; a longer one costs a second call with the
 * size the firmware asked for.
 */
static int file_info(EFI_FILE_HANDLE h, EFI_FILE_INFO **out)
{
    EFI_GUID info_guid = EFI_FILE_INFO_ID;
    UINTN size = sizeof(EFI_FILE_INFO) + 512;
    EFI_FILE_INFO *info = malloc(size);
    EFI_STATUS st;
    if (!info)
        return -ENOMEM;
    st = h->GetInfo(h, &info_guid, &size, info);
    if (st == EFI_BUFFER_TOO_SMALL) {
        free(info);
        info = malloc(size);
        if (!info)
            return -ENOMEM;
        st = h->GetInfo(h, &info_guid, &size, info);
    }
    if (st != EFI_SUCCESS) {
        free(info);
        return EEFI(st);
    }
    *out = info;
    return 0;
}

int plat_bootfs_info(struct plat_file *f, uint64_t *size, bool *is_dir)
{
    EFI_FILE_INFO *info;
    int rc = file_info(f->h, &info);
    if (rc)
        return rc;
    *size = info->FileSize;
    *is_dir = (info->Attribute & EFI_FILE_DIRECTORY) != 0;
    free(info);
    return 0;
}

int plat_bootfs_read(struct plat_file *f, uint64_t off, void *buf, size_t len, size_t *got)
{
    UINTN n = len;
    EFI_STATUS st = f->h->SetPosition(f->h, off);
    if (st == EFI_SUCCESS)
        st = f->h->Read(f->h, &n, buf);
    if (st != EFI_SUCCESS)
        return EEFI(st);
    *got = n;
    return 0;
}

int plat_bootfs_write(struct plat_file *f, uint64_t off, const void *buf, size_t len)
{
    UINTN n = len;
    EFI_STATUS st = f->h->SetPosition(f->h, off);
    if (st == EFI_SUCCESS)
        st = f->h->Write(f->h, &n, (void *)buf);
    if (st != EFI_SUCCESS)
        return EEFI(st);
    return n == len ? 0 : -ENOSPC;
}

int plat_bootfs_truncate(struct plat_file *f, uint64_t size)
{
    EFI_GUID info_guid = EFI_FILE_INFO_ID;
    EFI_FILE_INFO *info;
    EFI_STATUS st;
    int rc = file_info(f->h, &info);
    if (rc)
        return rc;
    info->FileSize = size;
    st = f->h->SetInfo(f->h, &info_guid, info->Size, info);
    free(info);
    return EEFI(st);
}

int plat_bootfs_readdir(struct plat_file *dir, struct plat_dirent *ent)
{
    for (;;) {
        UINTN size = sizeof(EFI_FILE_INFO) + 512;
        EFI_FILE_INFO *info = malloc(size);
        EFI_STATUS st;
        if (!info)
            return -ENOMEM;
        st = dir->h->Read(dir->h, &size, info);
        if (st == EFI_BUFFER_TOO_SMALL) {
            /* the entry stays unread, and size now holds what it needs */
            free(info);
            info = malloc(size);
            if (!info)
                return -ENOMEM;
            st = dir->h->Read(dir->h, &size, info);
        }
        if (st != EFI_SUCCESS || size == 0) {
            free(info);
            return st == EFI_SUCCESS ? 0 : EEFI(st);
        }
        ucs2_to_utf8(ent->name, sizeof(ent->name), info->FileName);
        ent->size = info->FileSize;
        ent->is_dir = (info->Attribute & EFI_FILE_DIRECTORY) != 0;
        free(info);
        if (strcmp8(ent->name, ".") && strcmp8(ent->name, ".."))
            return 1;
    }
}

void plat_bootfs_close(struct plat_file *f)
{
    if (f) {
        f->h->Close(f->h);
        free(f);
    }
}

int plat_bootfs_label(char *buf, size_t size)
{
    EFI_GUID guid = EFI_FILE_SYSTEM_VOLUME_LABEL_ID;
    CHAR16 label[64];
    UINTN n = sizeof(label);
    if (!boot_root)
        return -ENODEV;
    if (boot_root->GetInfo(boot_root, &guid, &n, label) != EFI_SUCCESS)
        return -ENOENT;
    label[ARRAY_SIZE(label) - 1] = 0;
    ucs2_to_utf8(buf, size, label);
    return 0;
}
