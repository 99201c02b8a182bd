/*
 * Secure Boot (src/platform.h): who verifies what mapboot starts.
 *
 * Under the firmware alone, LoadImage by device path is the verifier
 * (efi/image.c): the firmware checks the file against db and dbx.
 *
 * Under shim (mapboot started as its second stage, grubx64.efi), the
 * firmware knows nothing of MOK or of shim's own keys, so every image
 * mapboot starts goes to shim first: efi/image.c reads the file into a
 * buffer, SHIM_LOCK's Verify judges that buffer (db, MOK, shim's keys, dbx,
 * MOKX and SBAT), and the same buffer is loaded, so what was verified is
 * what runs. shim 16 also offers a loader protocol (LoadImage, StartImage,
 * UnloadImage that load with shim's own PE loader and verify against all of
 * the above); where it is present it loads the image, which is what lets a
 * kernel signed only by a MOK key start at all. Without it (shim 15) the
 * firmware's LoadImage loads the verified buffer and judges it once more
 * against db, so there an image signed only by a MOK key is refused: doing
 * better would take a PE loader of our own, as GRUB has; Debian's shim is 16.
 * With Secure Boot off nothing verifies, and images load as without shim.
 *
 * SHIM_LOCK's functions are built with the SysV calling convention on
 * x86_64 (they are declared without EFIAPI in shim); ours are SysV too,
 * but the attribute says so where it matters. The loader protocol's
 * functions are EFI boot services and use the EFI (Microsoft) convention.
 */
#include "efi.h"

#include "../src/platform.h"

static EFI_GUID shim_lock_guid = { 0x605dab50, 0xe046, 0x4300,
                                   { 0xab, 0xb6, 0x3d, 0xd8, 0x10, 0xdd, 0x8b, 0x23 } };
static EFI_GUID shim_loader_guid = { 0x1f492041, 0xfadb, 0x4e59,
                                     { 0x9e, 0x57, 0x7c, 0xaf, 0xe7, 0x3a, 0x55, 0xab } };
static EFI_GUID global_guid = EFI_GLOBAL_VARIABLE;

struct shim_lock {
    EFI_STATUS __attribute__((sysv_abi)) (*verify)(void *buffer, UINT32 size);
    void *hash;    /* not used: Verify does the whole check */
    void *context; /* not used */
};

static struct shim_lock *shim_lock;
static struct efi_shim_loader *shim_loader;
static bool enforcing;

static bool var_is_1(CHAR16 *name)
{
    UINT8 v = 0;
    UINTN size = sizeof(v);
    return efi_rs->GetVariable(name, &global_guid, NULL, &size, &v) == EFI_SUCCESS &&
           size == 1 && v == 1;
}

void efi_secureboot_init(void)
{
    UINT8 one = 1;
    /* SecureBoot is 1 only in user mode with Secure Boot on: then it enforces */
    enforcing = var_is_1(L"SecureBoot") && !var_is_1(L"SetupMode");
    if (efi_bs->LocateProtocol(&shim_lock_guid, NULL, (void **)&shim_lock) != EFI_SUCCESS)
        shim_lock = NULL;
    if (!shim_lock)
        return;
    if (efi_bs->LocateProtocol(&shim_loader_guid, NULL, (void **)&shim_loader) != EFI_SUCCESS)
        shim_loader = NULL;
    /*
     * shim (15.8 on) takes SHIM_LOCK away when its second stage starts an
     * image, unless this volatile variable says to keep it; mapboot starts
     * images and comes back (chainloader ... return, load), and a GRUB
     * chainloaded from here still wants to find shim.
     */
    efi_rs->SetVariable(L"ShimRetainProtocol", &shim_lock_guid, EFI_VARIABLE_BOOTSERVICE_ACCESS,
                        sizeof(one), &one);
}

enum plat_sb plat_secure_boot(void)
{
    if (shim_lock)
        return enforcing ? SB_SHIM : SB_OFF;
    return enforcing ? SB_FIRMWARE : SB_OFF;
}

struct efi_shim_loader *efi_shim_loader(void)
{
    return shim_lock ? shim_loader : NULL;
}

bool efi_shim_present(void)
{
    return shim_lock != NULL;
}

int efi_shim_verify(void *buf, size_t len)
{
    EFI_STATUS st;
    if (len > 0xFFFFFFFFu)
        return -EINVAL; /* no PE image is 4 GiB */
    st = shim_lock->verify(buf, (UINT32)len);
    /* any refusal is a refusal, whatever status shim gives it */
    return st == EFI_SUCCESS ? 0 : -EACCES;
}
