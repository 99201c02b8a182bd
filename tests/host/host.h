/* Knobs of the host platform (tests/host/platform.c) for the host tools and tests. */
#ifndef MB_HOST_H
#define MB_HOST_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

extern char host_bd_dir[4096];
extern int host_power_action;
extern const int *host_keys;
extern size_t host_nkeys, host_keypos;
extern bool host_capture_output;
extern char *host_out;
extern size_t host_out_len;
void host_output_reset(void);

/*
 * Back a firmware disk with an image file: kind is PLAT_DISK_HD/CD/FD, the
 * block size 0 for the kind's usual one (512; 2048 for CDs). Opened
 * read-write when the file allows (CDs are read-only). Returns 0 or -errno.
 */
int host_add_disk(const char *path, int kind, unsigned block_size);
/* The same over a buffer (read-only; the caller keeps buf alive), for fuzzers and tests. */
int host_add_mem_disk(const void *buf, size_t size, int kind, unsigned block_size);
/* Forget every disk; call drive_reset() too so the drive table lists them again. */
void host_clear_disks(void);
/* What plat_image_load was last asked for: "(hd1) /EFI/BOOT/BOOTX64.EFI ARGS". */
extern char host_image[512];
/* Drives exposed to the "firmware" and not yet taken back (plat_drive_expose). */
extern int host_exposed;
/* How often plat_connect_all ran (load without -n). */
extern int host_connects;
/* The simulated RAM that (md) reads: byte at address a is (a ^ a >> 8) & 0xFF. */
#define HOST_MEM_SIZE (16u << 20)
/* Free memory above 4 GiB besides those 16 MiB (mapboot --ram SIZE); 0 by default. */
extern uint64_t host_more_ram;

#endif
