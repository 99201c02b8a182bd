/*
 * The one header that pulls in gnu-efi. Only files in efi/ include it; the
 * core sees src/platform.h. Holds the firmware globals and the conversions
 * between EFI_STATUS and our negative error codes (src/err.h).
 */
#ifndef MB_EFI_H
#define MB_EFI_H

#include <efi.h>

#include "../src/err.h"
#include "../src/libc.h"

extern EFI_HANDLE efi_image;
extern EFI_SYSTEM_TABLE *efi_st;
extern EFI_BOOT_SERVICES *efi_bs;
extern EFI_RUNTIME_SERVICES *efi_rs;

/* EFI_STATUS -> negative error code (0 for EFI_SUCCESS). */
int efi_to_rc(EFI_STATUS st);
/* negative error code -> EFI_STATUS */
EFI_STATUS rc_to_efi(int rc);
#define EEFI(st) efi_to_rc(st)
#define EFIRC(rc) rc_to_efi(rc)

void efi_console_init(void);
/* The firmware handle of a disk plat_disk_list gave (efi/disk.c). */
EFI_HANDLE efi_disk_handle(void *plat_handle);
struct drive;
/* The handle of a drive that map showed to the firmware, or NULL (efi/expose.c). */
EFI_HANDLE efi_exposed_handle(struct drive *d);
/* Whether bio is the BlockIo of a drive map showed to the firmware (efi/expose.c). */
bool efi_exposed_bio(const EFI_BLOCK_IO *bio);
void efi_bootfs_init(EFI_HANDLE device);
/* Whether device (our own) is a PXE base code that booted us (efi/pxe.c). */
void efi_pxe_init(EFI_HANDLE device);

/*
 * Secure Boot (efi/secureboot.c). init finds shim and whether Secure Boot
 * enforces; shim_loader is shim 16's loader protocol (NULL without it or
 * without shim); verify asks SHIM_LOCK about an image in memory: 0, or
 * -EACCES when shim refuses it. Only with efi_shim_present().
 */
struct efi_shim_loader {
    EFI_IMAGE_LOAD load_image;
    EFI_IMAGE_START start_image;
    EFI_EXIT exit;
    EFI_IMAGE_UNLOAD unload_image;
};
void efi_secureboot_init(void);
bool efi_shim_present(void);
struct efi_shim_loader *efi_shim_loader(void);
int efi_shim_verify(void *buf, size_t len);

#endif
