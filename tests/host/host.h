/* Knobs of the host platform (tests/host/platform.c) for the host tools and tests. */
#ifndef MB_HOST_H
#define MB_HOST_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

extern char host_bd_dir[4096];
extern int host_power_action;
extern const int *host_keys;
/* The largest single allocation asked of plat_alloc (tests reset it to 0). */
extern size_t host_alloc_max;
/*
 * Faults on demand (build/host/mapboot --fail-alloc N, tests/drives/faults.sh):
 * host_calls counts the calls of each kind; the one numbered
 * host_fail_at[kind] (1-based; 0: none) fails: plat_alloc returns NULL,
 * plat_ram_alloc -ENOMEM, plat_disk_read -EIO (READ: that read alone, a
 * transient error; GONE: that read and every one after it, a disk pulled
 * out). HOST_FAULT_TRACE=1 in the environment prints where.
 */
enum host_fault { HOST_FAULT_ALLOC, HOST_FAULT_RAM, HOST_FAULT_READ, HOST_FAULT_GONE,
                  HOST_FAULT_KINDS };
extern uint64_t host_fail_at[HOST_FAULT_KINDS];
extern uint64_t host_calls[HOST_FAULT_KINDS];
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
/* A writable one: writes change buf (the partition-edit fuzzer). */
int host_add_mem_disk_rw(void *buf, size_t size, int kind, unsigned block_size);
/* The simulated screen: modes offered (0 for no GOP), its pixels, and a PPM of them. */
extern int host_gfx_nmodes;
extern uint32_t *host_fb, host_fb_w, host_fb_h;
int host_gfx_dump(const char *path);
/* When set, the screen is dumped there (PPM) when input ends while waiting for a key. */
extern const char *host_screenshot;
/* Forget every disk; call drive_reset() too so the drive table lists them again. */
void host_clear_disks(void);
/* Swap the medium of disk index (a CD) for the image at path: its next read says -EMEDIUM. */
int host_change_media(int index, const char *path);
/* What plat_image_load was last asked for: "(hd1) /EFI/BOOT/BOOTX64.EFI ARGS". */
extern char host_image[512];
/*
 * Secure Boot as the host plays it: who verifies (plat_secure_boot), and
 * what plat_image_load answers when not 0 (-EACCES: refused, -EPERM: a
 * driver under shim's loader). Tests reset both.
 */
extern int host_secure_boot;
extern int host_image_fail;
/* Fails plat_image_load alone (a file the firmware cannot load by its path: not FAT). */
extern int host_image_path_fail;
/* Fails plat_image_load_mem alone. */
extern int host_image_mem_fail;
/*
 * The network (tests/host/net.c): with host_tcp_script set, connection i
 * (counted by host_tcp_opens, which tests reset) gets host_tcp_script[i]
 * as the server's bytes, then end of stream; past the last, refused. What
 * was sent to scripted peers collects in host_tcp_sent (tests free it).
 * host_tcp_refuse refuses every connection. Without a script, real sockets.
 * host_tcp_script_lens, when set, gives the answers' lengths (binary bytes).
 */
extern const char *const *host_tcp_script;
extern const size_t *host_tcp_script_lens; /* NULL: each answer is a C string */
extern size_t host_tcp_script_n, host_tcp_opens;
extern int host_tcp_refuse;
/* Scripted peers go silent after their bytes (recv times out) instead of closing. */
extern int host_tcp_hang;
extern char *host_tcp_sent;
extern size_t host_tcp_sent_len;
/*
 * PXE: with host_pxe_booted, mapboot "came over PXE" from 192.168.1.1 as
 * 192.168.1.10 (MAC 52:54:00:12:34:56, boot file /boot/BOOTX64.EFI). TFTP
 * reads files from host_tftp_dir (none: no network); host_tftp_last is the
 * last "SERVER:PATH" asked for.
 */
extern bool host_pxe_booted;
extern char host_tftp_dir[4096];
extern char host_tftp_last[1024];
/* Forget what was sent, count opens from 0, stop refusing. */
void host_tcp_reset(void);
/* Drives exposed to the "firmware" and not yet taken back (plat_drive_expose). */
extern int host_exposed;
/* A copy of the initrd plat_initrd_serve offered last; length (size_t)-1 when none was. */
extern size_t host_initrd_len;
extern uint8_t *host_initrd;
/* Initrds offered and not withdrawn: 0 once a kernel has returned. */
extern int host_initrd_offered;
/* The page plat_lowmem_page wrote last (the SVBus page), and where; 0 when none was. */
extern uint8_t host_lowmem[4096];
extern uint64_t host_lowmem_addr;
/* How often plat_connect_all ran (start-up, connect, load without -n). */
extern int host_connects;
/*
 * Fast boot: the disk added last is not listed until plat_connect_all runs
 * (mapboot --unconnected IMG). host_connect_fail, when set, is reported by
 * every plat_connect_all as a controller whose driver failed with -EIO.
 */
void host_unconnect_last_disk(void);
/*
 * Faults of disk index (in the order added): requests over xfer_max bytes
 * fail with -EIO (0: none do), and so does any request over block bad_lba
 * (UINT64_MAX: none). host_disk_largest gives the largest request made of
 * it since, in bytes, and how many there were.
 */
void host_disk_faults(int index, uint64_t xfer_max, uint64_t bad_lba);
uint64_t host_disk_largest(int index, uint64_t *requests);
extern const char *host_connect_fail;
/* The simulated RAM that (md) reads: byte at address a is (a ^ a >> 8) & 0xFF. */
#define HOST_MEM_SIZE (16u << 20)
/* Free memory above 4 GiB besides those 16 MiB (mapboot --ram SIZE); 0 by default. */
extern uint64_t host_more_ram;

/*
 * A firmware memory map for the test that follows (NULL: back to the
 * default above): plat_memmap returns it with the RAM disks placed in it
 * cut out, and plat_ram_alloc places them as EDK2 would (AllocateAddress;
 * AllocateAnyPages: the top of the highest free range that holds them).
 */
struct plat_mem_range;
void host_memmap_set(const struct plat_mem_range *r, int n);

/*
 * Simulated ACPI tables (plat_acpi_*): installed tables in order, each with
 * its key. host_acpi_mode: 0 normal, 1 no ACPI at all (-ENOTSUP), 2 tables
 * found without a key (a firmware without the ACPI SDT protocol).
 * host_acpi_fail: bit 0 makes installs fail, bit 1 uninstalls (-EIO).
 */
#define HOST_ACPI_MAX 16
struct host_acpi_table {
    uint8_t *bytes;
    size_t len;
    uintptr_t key;
};
extern struct host_acpi_table host_acpi[HOST_ACPI_MAX];
extern int host_acpi_count, host_acpi_mode, host_acpi_fail;
/* Forget every table (call nfit_forget() too); host_acpi_add installs one as the firmware's. */
void host_acpi_reset(void);
int host_acpi_add(const void *table, size_t len);
/* The installed table with signature sig, or NULL. */
const struct host_acpi_table *host_acpi_get(const char *sig);

#endif
