/*
 * The platform of mapboot-lint: none. Linting parses scripts and checks
 * commands' words; it never runs a command, so nothing here is reached in
 * normal use. Each function still answers sanely (no disks, no network, no
 * screen), so that a check that one day does call the platform gets a plain
 * "not here" instead of a crash. It includes no system header: the C
 * library's errno names would clash with src/err.h's (and on Windows differ
 * from them), so memory and the console, which need the C library, are in
 * lint/mapboot-lint.c. The same files build mapboot-lint for Linux and, with
 * mingw-w64, for Windows.
 */
#include "../src/err.h"
#include "../src/platform.h"

const int plat_is_uefi = 0;

int plat_con_getkey(int timeout_ms) { return -1; }
void plat_con_clear(void) {}
void plat_con_set_attr(uint8_t attr) {}
void plat_con_goto(int col, int row) {}
void plat_con_size(int *cols, int *rows)
{
    *cols = 80;
    *rows = 25;
}
void plat_con_cursor(bool visible) {}
void plat_con_serial_only(bool on) {}

int plat_gfx_modes(struct plat_gfx_mode *out, int max) { return 0; }
int plat_gfx_current(void) { return -1; }
int plat_gfx_set_mode(int n, uint32_t *width, uint32_t *height) { return -ENOTSUP; }
int plat_gfx_blt(const uint32_t *px, int x, int y, int w, int h, int stride) { return -ENOTSUP; }

/* A clock that moves a millisecond a call: a wait for it ends. */
uint64_t plat_uptime_us(void)
{
    static uint64_t now;
    return now += 1000;
}
int plat_datetime(struct plat_tm *tm) { return -ENOTSUP; }
uint64_t plat_random(void)
{
    static uint64_t x = 0x9E3779B97F4A7C15ull; /* xorshift64 */
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
}
void plat_reboot(void) {}
void plat_halt(void) {}

int plat_bootfs_open(const char *path, int mode, struct plat_file **out) { return -ENODEV; }
int plat_bootfs_info(struct plat_file *f, uint64_t *size, bool *is_dir) { return -ENODEV; }
int plat_bootfs_read(struct plat_file *f, uint64_t off, void *buf, size_t len, size_t *got)
{
    return -ENODEV;
}
int plat_bootfs_write(struct plat_file *f, uint64_t off, const void *buf, size_t len)
{
    return -ENODEV;
}
int plat_bootfs_truncate(struct plat_file *f, uint64_t size) { return -ENODEV; }
int plat_bootfs_readdir(struct plat_file *dir, struct plat_dirent *ent) { return -ENODEV; }
void plat_bootfs_close(struct plat_file *f) {}
int plat_bootfs_label(char *buf, size_t size) { return -ENOENT; }

int plat_disk_list(struct plat_disk *out, int max) { return 0; }
int plat_disk_read(void *handle, uint64_t lba, uint64_t count, void *buf) { return -EIO; }
int plat_disk_write(void *handle, uint64_t lba, uint64_t count, const void *buf) { return -EIO; }
int plat_disk_media(void *handle, uint64_t *blocks, uint32_t *block_size) { return -ENODEV; }
int plat_boot_disk(void **handle, uint64_t *start, uint64_t *blocks) { return -ENODEV; }

int plat_ram_alloc(uint64_t size, uint64_t addr, void **ptr, uint64_t *phys) { return -ENOMEM; }
void plat_ram_free(void *ptr, uint64_t phys, uint64_t size) {}
int plat_ram_grow(void **ptr, uint64_t phys, uint64_t size, uint64_t more) { return -ENOMEM; }
int plat_ram_shrink(void **ptr, uint64_t phys, uint64_t size, uint64_t keep) { return -ENOMEM; }

int plat_drive_expose(struct drive *d) { return 0; }
int plat_drive_unexpose(struct drive *d) { return 0; }
int plat_blockio_count(void) { return 0; }

int plat_image_load(struct drive *d, const char *path, const char *args, void **image)
{
    return -ENOTSUP;
}
int plat_image_load_mem(const void *buf, size_t len, const char *url, const char *args,
                        void **image)
{
    return -ENOTSUP;
}
enum plat_sb plat_secure_boot(void) { return SB_OFF; }
int plat_image_start(void *image) { return -ENOTSUP; }
void plat_image_unload(void *image) {}

int plat_net_up(uint32_t timeout_ms, struct plat_net_info *info) { return -ENODEV; }
int plat_tcp_open(const uint8_t ip[4], uint16_t port, uint32_t timeout_ms, void **conn)
{
    return -ENODEV;
}
bool plat_pxe_info(struct plat_net_info *info) { return false; }
int plat_tftp_get(const uint8_t server[4], const char *path, uint64_t max, void **buf,
                  size_t *len)
{
    return -ENODEV;
}
int plat_tcp_send(void *conn, const void *buf, size_t len, uint32_t timeout_ms) { return -EIO; }
int plat_tcp_recv(void *conn, void *buf, size_t len, uint32_t timeout_ms, size_t *got)
{
    return -EIO;
}
void plat_tcp_close(void *conn) {}

int plat_connect_all(void (*report)(const char *what, int rc)) { return 0; }
uint64_t plat_startup_connect_us(void) { return 0; }

int plat_initrd_serve(const void *buf, size_t len, void **h) { return -ENOTSUP; }
void plat_initrd_withdraw(void *h) {}

int plat_acpi_find(const char *sig, const uint8_t **table, size_t *len, uintptr_t *key,
                   bool *keyed)
{
    return -ENOENT;
}
int plat_acpi_install(const uint8_t *table, size_t len, uintptr_t *key) { return -ENOTSUP; }
int plat_acpi_uninstall(uintptr_t key) { return -ENOTSUP; }
int plat_lowmem_page(const uint8_t *page, uint64_t prefer, uint64_t limit, uint64_t *addr)
{
    return -ENOMEM;
}
int plat_memmap(struct plat_mem_range *out, int max) { return 0; }
int plat_mem_read(uint64_t addr, void *buf, size_t len) { return -EFAULT; }
