/*
 * The initrd of a Linux kernel loaded by `kernel` (cmd/kernel.c): the files
 * of `initrd FILE...` concatenated in order, each padded to 4 bytes, which
 * is how Linux unpacks several archives (compressed or not) one after the
 * other. `@NAME=FILE` (grub4dos) wraps FILE as a cpio "newc" archive holding
 * it as NAME, with its folders, so a plain file lands in the initramfs.
 * The EFI stub fetches the whole from the LoadFile2 device path
 * LINUX_EFI_INITRD_MEDIA_GUID (plat_initrd_serve, efi/linux.c).
 */
#ifndef MB_INITRD_H
#define MB_INITRD_H

#include "libc.h"

#define CPIO_NEWC_HEADER 110

/* Start over for a newly loaded kernel (loaded: a kernel is there to take an initrd). */
void initrd_reset(bool loaded);
bool initrd_kernel_loaded(void);
/* Append one argument of `initrd`: FILE or @NAME=FILE. Errors name the file. */
int initrd_add(const char *arg);
/* The initrd so far (NULL, 0 when there is none). */
const uint8_t *initrd_data(size_t *len);

/*
 * One cpio newc member: the 110-byte header, NAME and its NUL padded to 4,
 * then len bytes of data padded to 4. Writes to out when it is not NULL;
 * returns the size either way. mode holds the file type (0100755, 040755).
 */
size_t cpio_newc(uint8_t *out, const char *name, uint32_t mode, uint32_t ino, const void *data,
                 size_t len);

#endif
