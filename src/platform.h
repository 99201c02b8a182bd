/*
 * The platform interface: everything the core needs from the machine it runs
 * on. efi/ implements it over UEFI boot services; tests/host/ implements it
 * over POSIX, with the boot volume backed by a host directory and power
 * actions recorded instead of executed. No EFI or libc type appears here.
 */
#ifndef MB_PLATFORM_H
#define MB_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 1 on UEFI, 0 on the host (the @uefi variable). */
extern const int plat_is_uefi;

/* ---- memory ---- */
/* Raw allocations for libc's malloc; NULL when out of memory. */
void *plat_alloc(size_t n);
void plat_free(void *p);

/* ---- console ---- */
/* Key codes: Unicode for characters, these above it for the rest. */
enum {
    KEY_BACKSPACE = 8,
    KEY_TAB = 9,
    KEY_ENTER = 13,
    KEY_ESC = 27,
    KEY_CTRL_C = 3,
    KEY_UP = 0x110000,
    KEY_DOWN,
    KEY_LEFT,
    KEY_RIGHT,
    KEY_HOME,
    KEY_END,
    KEY_DELETE,
    KEY_PGUP,
    KEY_PGDN,
    KEY_INSERT,
    KEY_F1,
};

/* Write UTF-8 text; "\n" starts a new line. */
void plat_con_write(const char *s, size_t n);
/* Wait up to timeout_ms (< 0: for ever) for a key; returns it, or -ETIMEDOUT. */
int plat_con_getkey(int timeout_ms);
void plat_con_clear(void);
/* VGA-style attribute: low nibble foreground, high nibble background. */
void plat_con_set_attr(uint8_t attr);
void plat_con_goto(int col, int row);
void plat_con_size(int *cols, int *rows);
void plat_con_cursor(bool visible);
/*
 * While mapboot draws the screen itself (src/gfxcon.c), text goes only to
 * the serial consoles; off, to every console again.
 */
void plat_con_serial_only(bool on);

/* ---- the screen as pixels (the firmware's GOP) ---- */
struct plat_gfx_mode {
    int number;              /* the firmware's */
    uint32_t width, height;
};
/* The graphics modes, at most max; 0 when there is no graphics output. */
int plat_gfx_modes(struct plat_gfx_mode *out, int max);
/* The firmware's current mode number, or -1 with no graphics output. */
int plat_gfx_current(void);
/* Switch to mode n (a number from plat_gfx_modes); its size comes back. */
int plat_gfx_set_mode(int n, uint32_t *width, uint32_t *height);
/* Draw w x h pixels (0x00RRGGBB, rows stride pixels apart) at (x, y). */
int plat_gfx_blt(const uint32_t *px, int x, int y, int w, int h, int stride);

/* ---- time ---- */
/* Microseconds since the application was entered (for start-up timing). */
uint64_t plat_uptime_us(void);
struct plat_tm {
    int year, month, day, hour, min, sec;
};
int plat_datetime(struct plat_tm *tm);
uint64_t plat_random(void);

/* ---- power ---- */
/* Return only when the action is not possible (or, on the host, recorded). */
void plat_reboot(void);
void plat_halt(void);

/* ---- boot volume files ----
 * The volume the application was loaded from, read through whatever the
 * platform has (UEFI SimpleFileSystem, a host directory). fs/sfs.c puts these
 * behind the filesystem vtable. Paths are UTF-8 with '/' separators.
 */
struct plat_file;
struct plat_dirent {
    char name[256];
    uint64_t size;
    bool is_dir;
};
enum { PLAT_READ = 0, PLAT_WRITE = 1, PLAT_CREATE = 2 };
/* Open a file or directory; mode is PLAT_READ or PLAT_WRITE[|PLAT_CREATE]. */
int plat_bootfs_open(const char *path, int mode, struct plat_file **out);
int plat_bootfs_info(struct plat_file *f, uint64_t *size, bool *is_dir);
int plat_bootfs_read(struct plat_file *f, uint64_t off, void *buf, size_t len, size_t *got);
int plat_bootfs_write(struct plat_file *f, uint64_t off, const void *buf, size_t len);
int plat_bootfs_truncate(struct plat_file *f, uint64_t size);
/* Returns 1 with *ent filled, 0 at the end, or a negative error. */
int plat_bootfs_readdir(struct plat_file *dir, struct plat_dirent *ent);
void plat_bootfs_close(struct plat_file *f);
int plat_bootfs_label(char *buf, size_t size);

/* ---- firmware disks ----
 * Whole media only (not partitions), in the firmware's order. drive.c
 * numbers them and finds partitions itself.
 */
enum plat_disk_kind { PLAT_DISK_HD, PLAT_DISK_CD, PLAT_DISK_FD };
struct plat_disk {
    enum plat_disk_kind kind;
    uint32_t block_size;
    uint64_t blocks;
    bool read_only;
    bool removable;
    void *handle;      /* passed back to plat_disk_read/write */
};
/* Fill up to max entries; returns how many disks there are (may be > max). */
int plat_disk_list(struct plat_disk *out, int max);
int plat_disk_read(void *handle, uint64_t lba, uint64_t count, void *buf);
/*
 * Reads and writes return -EMEDIUM once when a removable drive's medium was
 * changed (a CD swapped) since it was listed; plat_disk_media then gives the
 * new medium's size (-ENODEV when there is none), and later I/O goes to it.
 */
int plat_disk_media(void *handle, uint64_t *blocks, uint32_t *block_size);
int plat_disk_write(void *handle, uint64_t lba, uint64_t count, const void *buf);
/*
 * Where the application was loaded from: the disk handle (as plat_disk_list
 * gives it) and the partition's first block and block count on it. -ENODEV
 * when the boot volume is not on a listed disk (the host's --bd DIR).
 */
int plat_boot_disk(void **handle, uint64_t *start, uint64_t *blocks);

/* ---- RAM for RAM disks (map --mem) ----
 * Reserved memory (EfiReservedMemoryType on UEFI), which the booted OS leaves
 * alone. addr != 0: exactly there (page aligned; disk/map.c picks it for
 * --top from plat_memmap); 0: anywhere, 2 MiB aligned when the size is at
 * least that and a free range has room for it, else page aligned (an image
 * as large as the largest free range still fits). Returns 0 with the pointer
 * and the physical address, -ENOMEM, or -EBUSY when addr is not free. The
 * host's heap has no physical addresses: it reports addr as given, or the
 * place in the map a test set (host_memmap_set).
 */
int plat_ram_alloc(uint64_t size, uint64_t addr, void **ptr, uint64_t *phys);
void plat_ram_free(void *ptr, uint64_t phys, uint64_t size);
/*
 * A RAM disk for a stream of unknown size grows as it is decoded and is cut
 * to it at the end: grow takes the more bytes right after its size bytes,
 * shrink gives back those past keep (all multiples of 4 KiB). The physical
 * address stays; *ptr may change on the host, whose heap moves a block it
 * resizes. grow: 0, -EBUSY when the pages after are not free, or -ENOMEM.
 * shrink: 0, or an error when the pages could not be freed (all size bytes
 * stay the caller's then).
 */
int plat_ram_grow(void **ptr, uint64_t phys, uint64_t size, uint64_t more);
int plat_ram_shrink(void **ptr, uint64_t phys, uint64_t size, uint64_t keep);

/* ---- drives made by map, shown to the firmware ----
 * expose installs BlockIo and a unique device path for d and connects the
 * firmware's drivers (partitions, filesystems) to it; unexpose disconnects
 * and uninstalls, or fails with -EBUSY when the firmware will not let go
 * (then d must stay: the firmware may still reach its memory). The host
 * only counts them (host.h).
 */
struct drive;
int plat_drive_expose(struct drive *d);
int plat_drive_unexpose(struct drive *d);
/* How many BlockIo devices the firmware has, ours included (map --status). */
int plat_blockio_count(void);

/* ---- starting EFI images (chainloader, boot) ----
 * Load path (on the filesystem the firmware sees on drive d) with LoadImage
 * by device path, so that Secure Boot checks it and its DeviceHandle is
 * right; path NULL tries \EFI\BOOT\BOOTX64.EFI on every filesystem the
 * firmware has on d (its partitions, an El Torito image). args become the
 * UCS-2 LoadOptions. Returns 0 with *image, -EACCES when Secure Boot refuses
 * it (never worked around), -ENOENT when nothing is found, -EPERM when it is
 * a driver and shim's loader is in charge (shim frees every image whose
 * entry point returns, so a driver cannot stay loaded).
 */
int plat_image_load(struct drive *d, const char *path, const char *args, void **image);
/*
 * The same for an image in memory (a file over the network), which no
 * firmware filesystem has: LoadImage from the buffer, with a device path
 * of one URI node holding url ("http://...", "tftp://..."), so that Secure
 * Boot judges these bytes. buf stays
 * the caller's. The same answers as plat_image_load.
 */
int plat_image_load_mem(const void *buf, size_t len, const char *url, const char *args,
                        void **image);
/*
 * Who verifies the images plat_image_load loads: nobody (Secure Boot off,
 * or in setup mode), the firmware (db, dbx), or shim (db, MOK, shim's own
 * keys, dbx, MOKX, SBAT), to say what a refusal means.
 */
enum plat_sb { SB_OFF, SB_FIRMWARE, SB_SHIM };
enum plat_sb plat_secure_boot(void);
/* Start it; returns when it exits, with its status as an error code. */
int plat_image_start(void *image);
void plat_image_unload(void *image);

/* ---- the network (TCP over IPv4) ----
 * plat_net_up brings the first network interface up on first use: the
 * address PXE booted it with, else DHCP, waiting at most timeout_ms; once up
 * it returns at once. It fills info (addresses are network-order bytes).
 * -ENETDOWN: no interface; -ETIMEDOUT: no address in time.
 */
struct plat_net_info {
    uint8_t mac[6];
    uint8_t ip[4], mask[4], gateway[4];
    uint8_t server[4];     /* the DHCP/PXE server that booted us (0 when none) */
    char bootfile[128];    /* the boot file PXE gave (empty when none) */
    bool pxe;              /* mapboot itself was booted over the network */
};
int plat_net_up(uint32_t timeout_ms, struct plat_net_info *info);
/*
 * A TCP connection: open within timeout_ms (-ECONNREFUSED, -ETIMEDOUT,
 * -EHOSTUNREACH); send all of buf; recv up to len bytes, waiting at most
 * timeout_ms for the first (*got 0 with 0: the peer closed; -ETIMEDOUT;
 * -ECONNRESET); close. They make progress by polling, never by waiting for
 * an event, so they work when the firmware calls us at TPL_CALLBACK (a
 * drive's BlockIo under the firmware's FAT driver).
 */
int plat_tcp_open(const uint8_t ip[4], uint16_t port, uint32_t timeout_ms, void **conn);
/*
 * PXE: true when mapboot itself was booted over the network; then info has
 * the address it was given, the server it came from (the TFTP server of
 * (pd)) and its boot file. Never waits.
 */
bool plat_pxe_info(struct plat_net_info *info);
/*
 * A whole file from a TFTP server into a malloc'd buffer (the caller frees
 * it): -ENOENT when the server has no such file, -E2BIG when it is larger
 * than max, -ENETDOWN without a network.
 */
int plat_tftp_get(const uint8_t server[4], const char *path, uint64_t max, void **buf,
                  size_t *len);
int plat_tcp_send(void *conn, const void *buf, size_t len, uint32_t timeout_ms);
int plat_tcp_recv(void *conn, void *buf, size_t len, uint32_t timeout_ms, size_t *got);
void plat_tcp_close(void *conn);
/*
 * Connect every controller recursively, as the UEFI shell's `connect -r`
 * does: the disks a fast-boot firmware left unconnected (it connects only
 * its boot device), a driver just started (load), a USB stick plugged in at
 * the menu. Never fatal: a controller whose driver fails is passed to report
 * (when not NULL) with its device path as text and the error, and the rest
 * go on. Returns how many root controllers (device trees) it connected.
 */
int plat_connect_all(void (*report)(const char *what, int rc));
/* How long the connect at start-up took, in microseconds (0 on the host, which has none). */
uint64_t plat_startup_connect_us(void);
/*
 * Offer buf as the initrd of a Linux kernel about to start: LoadFile2 on a
 * handle whose device path is VenMedia(LINUX_EFI_INITRD_MEDIA_GUID), where
 * the EFI stub looks. buf stays the caller's. withdraw takes it away again,
 * so whatever starts later does not see it. -EBUSY when another initrd is
 * offered already (by a loader that started us, say).
 */
int plat_initrd_serve(const void *buf, size_t len, void **h);
void plat_initrd_withdraw(void *h);

/* ---- ACPI tables (disk/nfit.c) ----
 * find: the installed table with signature sig ("NFIT"): its bytes (read
 * only, valid until the next install or uninstall), its length and the key
 * to uninstall it with; *keyed is false when the firmware gives none (no
 * ACPI SDT protocol: the table cannot be replaced). -ENOENT when there is none.
 * install copies the table (EFI_ACPI_TABLE_PROTOCOL) and gives its key.
 * Every call is -ENOTSUP when the firmware has no ACPI table protocol.
 */
int plat_acpi_find(const char *sig, const uint8_t **table, size_t *len, uintptr_t *key,
                   bool *keyed);
int plat_acpi_install(const uint8_t *table, size_t len, uintptr_t *key);
int plat_acpi_uninstall(uintptr_t key);

/* ---- the SVBus page (src/svbus.c, src/boot.c) ----
 * Copy page (4096 bytes) into reserved memory below 640 KiB: at prefer when
 * that page is free, else the highest free page below limit. Once placed,
 * later calls rewrite the same page. Returns its address in *addr.
 */
int plat_lowmem_page(const uint8_t *page, uint64_t prefer, uint64_t limit, uint64_t *addr);

/* ---- physical memory ---- */
enum plat_mem_type { PLAT_MEM_FREE, PLAT_MEM_RESERVED, PLAT_MEM_ACPI, PLAT_MEM_LOADER,
                     PLAT_MEM_BOOT, PLAT_MEM_RUNTIME, PLAT_MEM_MMIO, PLAT_MEM_OTHER };
struct plat_mem_range {
    uint64_t start, size;
    enum plat_mem_type type;
};
/* The memory map, sorted by address: fills up to max, returns the count (may be > max). */
int plat_memmap(struct plat_mem_range *out, int max);
/*
 * Read physical memory for (md): -EFAULT unless [addr, addr+len) lies in
 * RAM the memory map lists. The host simulates 16 MiB of RAM at 0 that
 * holds a pattern (host.h).
 */
int plat_mem_read(uint64_t addr, void *buf, size_t len);

#endif
