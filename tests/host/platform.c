/*
 * The host implementation of src/platform.h: the boot volume is a directory
 * (--bd DIR), the console is stdin/stdout, and power actions are recorded
 * (printed and exit) instead of executed. Used by build/host/mapboot, the
 * lint tool, the unit tests and the fuzzers.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>

#define MB_HOST_SIDE /* glibc under its own names; the core's as mb_* */
#include "../../disk/drive.h"
#include "../../src/err.h" /* mapboot's own codes too (EMEDIUM); the rest are errno's */
#include "../../src/platform.h"
#include "host.h"

const int plat_is_uefi = 0;

char host_bd_dir[4096] = "";
int host_power_action; /* 1 reboot, 2 halt: set instead of acting, for tests */
/* Tests can feed keys instead of stdin. */
const int *host_keys;
size_t host_nkeys, host_keypos;
/* Output capture for tests; NULL writes to stdout. */
char *host_out;
size_t host_out_len, host_out_cap;

static struct timespec t0;

size_t host_alloc_max;

uint64_t host_fail_at[HOST_FAULT_KINDS];
uint64_t host_calls[HOST_FAULT_KINDS];

/* ASan's, when the build has it: where an injected fault struck. */
void __sanitizer_print_stack_trace(void) __attribute__((weak));

/*
 * Count a call of kind; true when it is the one host_fail_at says must fail
 * (HOST_FAULT_GONE: that one and every one after it). With
 * HOST_FAULT_TRACE set, the call's stack goes to stderr.
 */
static bool fail_now(enum host_fault kind)
{
    bool fail = ++host_calls[kind] == host_fail_at[kind] ||
                (kind == HOST_FAULT_GONE && host_fail_at[kind] && host_calls[kind] > host_fail_at[kind]);
    if (fail && host_calls[kind] == host_fail_at[kind] && getenv("HOST_FAULT_TRACE") &&
        __sanitizer_print_stack_trace)
        __sanitizer_print_stack_trace();
    return fail;
}

void *plat_alloc(size_t n)
{
    host_alloc_max = MAX(host_alloc_max, n);
    if (fail_now(HOST_FAULT_ALLOC))
        return NULL;
    return malloc(n ? n : 1);
}

void plat_free(void *p)
{
    free(p);
}

void plat_con_write(const char *s, size_t n)
{
    if (host_capture_output) {
        if (host_out_len + n + 1 > host_out_cap) {
            host_out_cap = (host_out_len + n + 1) * 2;
            host_out = realloc(host_out, host_out_cap);
            if (!host_out)
                abort();
        }
        memcpy(host_out + host_out_len, s, n);
        host_out_len += n;
        host_out[host_out_len] = 0;
        return;
    }
    fwrite(s, 1, n, stdout);
    fflush(stdout);
}
bool host_capture_output;

void host_output_reset(void)
{
    host_out_len = 0;
    if (host_out)
        host_out[0] = 0;
}

static int read_byte(int timeout_ms)
{
    unsigned char c;
    struct pollfd p = { .fd = 0, .events = POLLIN };
    if (poll(&p, 1, timeout_ms) <= 0)
        return -1;
    if (read(0, &c, 1) != 1)
        return -2;
    return c;
}

int plat_con_getkey(int timeout_ms)
{
    int c;
    if (host_keys) {
        if (host_keypos < host_nkeys)
            return host_keys[host_keypos++];
        if (timeout_ms >= 0)
            return -ETIMEDOUT;
        /* a test that waits for a key it never gets would hang: end it */
        fprintf(stderr, "host: waiting for a key with none left\n");
        exit(3);
    }
    c = read_byte(timeout_ms);
    if (c == -1)
        return -ETIMEDOUT;
    if (c == -2 && timeout_ms >= 0) {
        return -ETIMEDOUT; /* a poll (Ctrl-C check, countdown) at the end of input */
    }
    if (c == -2) {
        /* end of input while waiting for ever: nothing more will come, so leave like halt does */
        fflush(stdout);
        if (host_screenshot && host_gfx_dump(host_screenshot) != 0) {
            perror(host_screenshot);
            exit(1);
        }
        exit(0);
    }
    if (c == 27) {
        int c2 = read_byte(50), c3;
        if (c2 != '[')
            return KEY_ESC;
        c3 = read_byte(50);
        switch (c3) {
        case 'A': return KEY_UP;
        case 'B': return KEY_DOWN;
        case 'C': return KEY_RIGHT;
        case 'D': return KEY_LEFT;
        case 'H': return KEY_HOME;
        case 'F': return KEY_END;
        case '3': read_byte(50); return KEY_DELETE;
        default: return KEY_ESC;
        }
    }
    if (c == '\n' || c == '\r')
        return KEY_ENTER;
    if (c == 127)
        return KEY_BACKSPACE;
    return c;
}

void plat_con_clear(void) {}
void plat_con_set_attr(uint8_t attr) { (void)attr; }
void plat_con_goto(int col, int row) { (void)col; (void)row; }
void plat_con_size(int *cols, int *rows)
{
    *cols = 80;
    *rows = 25;
}
void plat_con_cursor(bool visible) { (void)visible; }
/* the host's text is its stdout, which stands for the serial line: it goes on as it was */
void plat_con_serial_only(bool on) { (void)on; }

/*
 * ---- graphics: a framebuffer in memory with the modes a common GOP lists
 * (host_gfx_nmodes 0: no GOP); tests read host_fb or dump it as a PPM.
 */
int host_gfx_nmodes = 3;
const char *host_screenshot;
uint32_t *host_fb, host_fb_w, host_fb_h;
static const struct plat_gfx_mode host_gfx[] = { { 0, 640, 480 }, { 1, 800, 600 }, { 2, 1024, 768 } };
static int host_gfx_cur;

int plat_gfx_modes(struct plat_gfx_mode *out, int max)
{
    int n = 0;
    for (int i = 0; i < host_gfx_nmodes && n < max; i++)
        out[n++] = host_gfx[i];
    return n;
}

int plat_gfx_current(void)
{
    return host_gfx_nmodes ? host_gfx_cur : -1;
}

int plat_gfx_set_mode(int n, uint32_t *width, uint32_t *height)
{
    if (n < 0 || n >= host_gfx_nmodes)
        return -EINVAL;
    free(host_fb);
    host_fb_w = host_gfx[n].width;
    host_fb_h = host_gfx[n].height;
    host_fb = calloc((size_t)host_fb_w * host_fb_h, sizeof(*host_fb));
    if (!host_fb)
        abort();
    host_gfx_cur = n;
    *width = host_fb_w;
    *height = host_fb_h;
    return 0;
}

int plat_gfx_blt(const uint32_t *px, int x, int y, int w, int h, int stride)
{
    if (!host_fb || x < 0 || y < 0 || w < 0 || h < 0 || (uint32_t)(x + w) > host_fb_w ||
        (uint32_t)(y + h) > host_fb_h)
        abort(); /* gfxcon must stay on the screen */
    for (int r = 0; r < h; r++)
        memcpy(host_fb + (size_t)(y + r) * host_fb_w + x, px + (size_t)r * stride,
               (size_t)w * sizeof(*px));
    return 0;
}

int host_gfx_dump(const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f || !host_fb)
        return -1;
    fprintf(f, "P6\n%u %u\n255\n", host_fb_w, host_fb_h);
    for (size_t i = 0; i < (size_t)host_fb_w * host_fb_h; i++) {
        unsigned char rgb[3] = { (unsigned char)(host_fb[i] >> 16), (unsigned char)(host_fb[i] >> 8),
                                 (unsigned char)host_fb[i] };
        fwrite(rgb, 1, 3, f);
    }
    return fclose(f);
}

uint64_t plat_uptime_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    if (!t0.tv_sec)
        t0 = t;
    return (uint64_t)(t.tv_sec - t0.tv_sec) * 1000000 + (uint64_t)((t.tv_nsec - t0.tv_nsec) / 1000);
}

int plat_datetime(struct plat_tm *tm)
{
    time_t now = time(NULL);
    struct tm lt;
    gmtime_r(&now, &lt);
    tm->year = lt.tm_year + 1900;
    tm->month = lt.tm_mon + 1;
    tm->day = lt.tm_mday;
    tm->hour = lt.tm_hour;
    tm->min = lt.tm_min;
    tm->sec = lt.tm_sec;
    return 0;
}

uint64_t plat_random(void)
{
    return ((uint64_t)random() << 31) ^ (uint64_t)random();
}

void plat_reboot(void)
{
    host_power_action = 1;
    if (!host_keys && !host_capture_output) {
        printf("[host: reboot]\n");
        exit(0);
    }
}

void plat_halt(void)
{
    host_power_action = 2;
    if (!host_keys && !host_capture_output) {
        printf("[host: halt]\n");
        exit(0);
    }
}

/* ---- the boot volume: a host directory ---- */

struct plat_file {
    int fd;
    DIR *dir;
};

static int host_err(int e)
{
    switch (e) {
    case ENOENT: return -ENOENT;
    case ENOTDIR: return -ENOTDIR;
    case EISDIR: return -EISDIR;
    case EACCES: return -EACCES;
    case ENOSPC: return -ENOSPC;
    case EROFS: return -EROFS;
    case ENAMETOOLONG: return -ENAMETOOLONG;
    default: return -EIO;
    }
}

/* FAT is case-insensitive; so are we, by looking each component up. */
static int host_path(const char *path, char *out, size_t size)
{
    char tmp[4096];
    size_t len;
    if (!host_bd_dir[0])
        return -ENODEV;
    len = (size_t)snprintf(out, size, "%s", host_bd_dir);
    strncpy(tmp, path, sizeof(tmp) - 1);
    tmp[sizeof(tmp) - 1] = 0;
    for (char *tok = strtok(tmp, "/"); tok; tok = strtok(NULL, "/")) {
        DIR *d = opendir(out);
        struct dirent *de;
        const char *name = tok;
        if (d) {
            while ((de = readdir(d)))
                if (strcasecmp(de->d_name, tok) == 0) {
                    name = de->d_name;
                    break;
                }
        }
        len += (size_t)snprintf(out + len, size - len, "/%s", name);
        if (d)
            closedir(d);
        if (len >= size)
            return -ENAMETOOLONG;
    }
    return 0;
}

int plat_bootfs_open(const char *path, int mode, struct plat_file **out)
{
    char full[4096];
    struct plat_file *f;
    struct stat st;
    int rc = host_path(path, full, sizeof(full));
    if (rc)
        return rc;
    f = calloc(1, sizeof(*f));
    if (!f)
        return -ENOMEM;
    if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
        f->dir = opendir(full);
        f->fd = -1;
        if (!f->dir) {
            free(f);
            return host_err(errno);
        }
    } else {
        int flags = (mode & PLAT_WRITE) ? O_RDWR : O_RDONLY;
        if (mode & PLAT_CREATE)
            flags |= O_CREAT;
        f->fd = open(full, flags, 0644);
        if (f->fd < 0) {
            free(f);
            return host_err(errno);
        }
    }
    *out = f;
    return 0;
}

int plat_bootfs_info(struct plat_file *f, uint64_t *size, bool *is_dir)
{
    struct stat st;
    if (f->dir) {
        *size = 0;
        *is_dir = true;
        return 0;
    }
    if (fstat(f->fd, &st))
        return host_err(errno);
    *size = (uint64_t)st.st_size;
    *is_dir = false;
    return 0;
}

int plat_bootfs_read(struct plat_file *f, uint64_t off, void *buf, size_t len, size_t *got)
{
    ssize_t n = pread(f->fd, buf, len, (off_t)off);
    if (n < 0)
        return host_err(errno);
    *got = (size_t)n;
    return 0;
}

int plat_bootfs_write(struct plat_file *f, uint64_t off, const void *buf, size_t len)
{
    ssize_t n = pwrite(f->fd, buf, len, (off_t)off);
    if (n < 0)
        return host_err(errno);
    return (size_t)n == len ? 0 : -ENOSPC;
}

int plat_bootfs_truncate(struct plat_file *f, uint64_t size)
{
    return ftruncate(f->fd, (off_t)size) ? host_err(errno) : 0;
}

int plat_bootfs_readdir(struct plat_file *d, struct plat_dirent *ent)
{
    struct dirent *de;
    while ((de = readdir(d->dir))) {
        struct stat st;
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        snprintf(ent->name, sizeof(ent->name), "%s", de->d_name);
        ent->is_dir = de->d_type == DT_DIR;
        ent->size = 0;
        if (fstatat(dirfd(d->dir), de->d_name, &st, 0) == 0) {
            ent->size = (uint64_t)st.st_size;
            ent->is_dir = S_ISDIR(st.st_mode);
        }
        return 1;
    }
    return 0;
}

void plat_bootfs_close(struct plat_file *f)
{
    if (!f)
        return;
    if (f->dir)
        closedir(f->dir);
    if (f->fd >= 0)
        close(f->fd);
    free(f);
}

int plat_bootfs_label(char *buf, size_t size)
{
    snprintf(buf, size, "HOSTDIR");
    return 0;
}

/* ---- disks: image files given with --hd/--cd/--fd (host_add_disk) ---- */
struct host_disk {
    int fd;                /* an image file, or -1 for a memory disk */
    const uint8_t *mem;
    uint8_t *mem_rw;       /* mem, when writes may change it */
    struct plat_disk info;
    bool unconnected;      /* not listed until plat_connect_all (fast boot) */
    uint64_t xfer_max;     /* bytes: larger requests fail with -EIO (0: any) */
    uint64_t bad_lba;      /* a block that fails to read with -EIO (UINT64_MAX: none) */
    uint64_t requests, largest; /* what the core asked of it */
    bool changed;          /* host_change_media: the next I/O says -EMEDIUM */
};
static struct host_disk host_disks[16];
static int host_ndisks;

int host_add_disk(const char *path, int kind, unsigned block_size)
{
    struct host_disk *hd;
    struct stat st;
    int fd;
    if (host_ndisks == (int)(sizeof(host_disks) / sizeof(host_disks[0])))
        return -ENOSPC;
    fd = open(path, O_RDWR);
    if (fd < 0)
        fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        return -ENOENT;
    }
    hd = &host_disks[host_ndisks];
    hd->fd = fd;
    hd->mem = NULL;
    hd->mem_rw = NULL;
    hd->info.kind = kind;
    hd->info.block_size = block_size ? block_size : kind == PLAT_DISK_CD ? 2048 : 512;
    hd->info.blocks = (uint64_t)st.st_size / hd->info.block_size;
    hd->info.read_only = kind == PLAT_DISK_CD;
    hd->info.removable = kind != PLAT_DISK_HD;
    hd->info.handle = hd;
    hd->unconnected = false;
    hd->xfer_max = 0;
    hd->bad_lba = UINT64_MAX;
    hd->changed = false;
    host_ndisks++;
    return 0;
}

int host_change_media(int index, const char *path)
{
    struct host_disk *hd = &host_disks[index];
    struct stat st;
    int fd;
    if (index < 0 || index >= host_ndisks || hd->fd < 0)
        return -EINVAL;
    fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        return -ENOENT;
    }
    close(hd->fd);
    hd->fd = fd;
    hd->info.blocks = (uint64_t)st.st_size / hd->info.block_size;
    hd->changed = true;
    return 0;
}

int plat_disk_media(void *handle, uint64_t *blocks, uint32_t *block_size)
{
    struct host_disk *hd = handle;
    hd->changed = false;
    *blocks = hd->info.blocks;
    *block_size = hd->info.block_size;
    return 0;
}

int host_add_mem_disk(const void *buf, size_t size, int kind, unsigned block_size)
{
    struct host_disk *hd;
    if (host_ndisks == (int)(sizeof(host_disks) / sizeof(host_disks[0])))
        return -ENOSPC;
    hd = &host_disks[host_ndisks++];
    hd->fd = -1;
    hd->mem = buf;
    hd->mem_rw = NULL;
    hd->unconnected = false;
    hd->xfer_max = 0;
    hd->bad_lba = UINT64_MAX;
    hd->info.kind = kind;
    hd->info.block_size = block_size ? block_size : kind == PLAT_DISK_CD ? 2048 : 512;
    hd->info.blocks = size / hd->info.block_size;
    hd->info.read_only = true;
    hd->info.removable = kind != PLAT_DISK_HD;
    hd->info.handle = hd;
    return 0;
}

int host_add_mem_disk_rw(void *buf, size_t size, int kind, unsigned block_size)
{
    int rc = host_add_mem_disk(buf, size, kind, block_size);
    if (rc == 0) {
        host_disks[host_ndisks - 1].mem_rw = buf;
        host_disks[host_ndisks - 1].info.read_only = false;
    }
    return rc;
}

void host_clear_disks(void)
{
    for (int i = 0; i < host_ndisks; i++)
        if (host_disks[i].fd >= 0)
            close(host_disks[i].fd);
    host_ndisks = 0;
}

void host_disk_faults(int index, uint64_t xfer_max, uint64_t bad_lba)
{
    if (index >= 0 && index < host_ndisks) {
        host_disks[index].xfer_max = xfer_max;
        host_disks[index].bad_lba = bad_lba;
        host_disks[index].requests = host_disks[index].largest = 0;
    }
}

uint64_t host_disk_largest(int index, uint64_t *requests)
{
    if (index < 0 || index >= host_ndisks)
        return 0;
    if (requests)
        *requests = host_disks[index].requests;
    return host_disks[index].largest;
}

/* The faults host_disk_faults set: -EIO for a request too large or over the bad block. */
static int fault(struct host_disk *hd, uint64_t lba, uint64_t count)
{
    uint64_t len = count * hd->info.block_size;
    hd->requests++;
    if (len > hd->largest)
        hd->largest = len;
    if (hd->xfer_max && len > hd->xfer_max)
        return -EIO;
    if (hd->bad_lba >= lba && hd->bad_lba - lba < count)
        return -EIO;
    return 0;
}

void host_unconnect_last_disk(void)
{
    if (host_ndisks)
        host_disks[host_ndisks - 1].unconnected = true;
}

int plat_disk_list(struct plat_disk *out, int max)
{
    int n = 0;
    for (int i = 0; i < host_ndisks; i++) {
        if (host_disks[i].unconnected)
            continue;
        if (n < max)
            out[n] = host_disks[i].info;
        n++;
    }
    return n;
}

int plat_disk_read(void *handle, uint64_t lba, uint64_t count, void *buf)
{
    struct host_disk *hd = handle;
    size_t len = (size_t)(count * hd->info.block_size);
    ssize_t n;
    bool transient, gone;
    int rc;
    /* a medium swapped since the core asked for its size: said first, as firmware does */
    if (hd->changed) {
        hd->changed = false;
        return -EMEDIUM;
    }
    /*
     * drive.c checks ranges and bounds every request (DESIGN.md §3): a read
     * past the end or over DRIVE_CHUNK here is a core bug, in any test
     */
    if (lba + count > hd->info.blocks || len > DRIVE_CHUNK)
        abort();
    if ((rc = fault(hd, lba, count)) != 0)
        return rc;
    /* both count every read: each kind's N is the Nth read */
    transient = fail_now(HOST_FAULT_READ);
    gone = fail_now(HOST_FAULT_GONE);
    if (transient || gone)
        return -EIO;
    if (hd->mem) {
        memcpy(buf, hd->mem + lba * hd->info.block_size, len);
        return 0;
    }
    n = pread(hd->fd, buf, len, (off_t)(lba * hd->info.block_size));
    return n == (ssize_t)len ? 0 : -EIO;
}

int plat_disk_write(void *handle, uint64_t lba, uint64_t count, const void *buf)
{
    struct host_disk *hd = handle;
    size_t len = (size_t)(count * hd->info.block_size);
    ssize_t n;
    int rc;
    if (lba + count > hd->info.blocks || len > DRIVE_CHUNK)
        abort();
    if (hd->info.read_only)
        return -EROFS;
    if ((rc = fault(hd, lba, count)) != 0)
        return rc;
    if (hd->mem_rw) {
        memcpy(hd->mem_rw + lba * hd->info.block_size, buf, len);
        return 0;
    }
    n = pwrite(hd->fd, buf, len, (off_t)(lba * hd->info.block_size));
    return n == (ssize_t)len ? 0 : -EIO;
}

int plat_boot_disk(void **handle, uint64_t *start, uint64_t *blocks)
{
    return -ENODEV; /* the host boot volume is the --bd directory */
}

/*
 * ---- memory: 16 MiB of simulated RAM at 0, byte i = (i ^ i >> 8) & 0xFF,
 * and host_more_ram bytes of free memory at 4 GiB for big --mem maps
 * (benchmarks, large round trips); what --mem takes is real host memory.
 */
uint64_t host_more_ram;
static struct plat_mem_range host_mem[] = {
    { 0, 0x9F000, PLAT_MEM_FREE },
    { 0x9F000, 0x61000, PLAT_MEM_RESERVED },
    { 0x100000, HOST_MEM_SIZE - 0x100000, PLAT_MEM_FREE },
    { 0x100000000ull, 0, PLAT_MEM_FREE },
};

/*
 * RAM disks take their size off the top of the simulated free memory, as if
 * each sat at the top, so free memory falls with every --mem map and comes
 * back with every unmap, as on a machine.
 */
static uint64_t host_ram_used;

/*
 * A firmware's memory map set by a test (host_memmap_set): RAM disks are
 * placed in it as the firmware would place them (plat_ram_alloc), and each
 * one's range leaves the map until it is freed, splitting the free range
 * it sat in. Addresses are simulated; the bytes are host memory.
 */
#define HOST_SIM_MAX 64
static struct plat_mem_range sim_map[HOST_SIM_MAX], sim_used[HOST_SIM_MAX];
static int sim_n, sim_nused;
static bool sim_on;

void host_memmap_set(const struct plat_mem_range *r, int n)
{
    sim_on = r != NULL;
    sim_n = MIN(n, HOST_SIM_MAX);
    sim_nused = 0;
    for (int i = 0; i < sim_n; i++)
        sim_map[i] = r[i];
}

/* The simulated map with the ranges in use cut out of the free ranges. */
static int sim_memmap(struct plat_mem_range *out, int max)
{
    int n = 0;
    for (int i = 0; i < sim_n; i++) {
        uint64_t at = sim_map[i].start, end = sim_map[i].start + sim_map[i].size;
        if (sim_map[i].type != PLAT_MEM_FREE) {
            if (n < max)
                out[n] = sim_map[i];
            n++;
            continue;
        }
        while (at < end) {
            /* the first range in use at or after at, inside this one */
            uint64_t next = end, next_end = end;
            for (int u = 0; u < sim_nused; u++) {
                uint64_t us = sim_used[u].start, ue = us + sim_used[u].size;
                if (ue > at && us < next && us < end) {
                    next = MAX(us, at);
                    next_end = MIN(ue, end);
                }
            }
            if (next > at) {
                if (n < max)
                    out[n] = (struct plat_mem_range){ at, next - at, PLAT_MEM_FREE };
                n++;
            }
            if (next < end) {
                if (n < max)
                    out[n] = (struct plat_mem_range){ next, next_end - next, PLAT_MEM_RESERVED };
                n++;
            }
            at = next_end;
        }
    }
    return n;
}

/* Take [addr, addr+size) when all of it is free: 0, or -EBUSY. */
static int sim_take(uint64_t addr, uint64_t size)
{
    struct plat_mem_range r[HOST_SIM_MAX * 3];
    int n = sim_memmap(r, (int)(sizeof(r) / sizeof(r[0])));
    for (int i = 0; i < n; i++) {
        if (r[i].type == PLAT_MEM_FREE && addr >= r[i].start &&
            addr + size <= r[i].start + r[i].size && addr + size > addr) {
            if (sim_nused == HOST_SIM_MAX)
                return -ENOMEM;
            sim_used[sim_nused++] = (struct plat_mem_range){ addr, size, PLAT_MEM_RESERVED };
            return 0;
        }
    }
    return -EBUSY;
}

/*
 * What EDK2's AllocateAnyPages does: the highest free range that holds
 * size, at its top. mapboot asks for 2 MiB more when it wants alignment.
 */
static int sim_any(uint64_t size, uint64_t *addr)
{
    struct plat_mem_range r[HOST_SIM_MAX * 3];
    int n = sim_memmap(r, (int)(sizeof(r) / sizeof(r[0])));
    for (int i = n - 1; i >= 0; i--) {
        if (r[i].type == PLAT_MEM_FREE && r[i].size >= size) {
            *addr = (r[i].start + r[i].size - size) & ~0xFFFull;
            if (*addr >= r[i].start)
                return sim_take(*addr, size);
        }
    }
    return -ENOMEM;
}

int plat_memmap(struct plat_mem_range *out, int max)
{
    int n = (int)(sizeof(host_mem) / sizeof(host_mem[0])) - (host_more_ram ? 0 : 1);
    if (sim_on)
        return sim_memmap(out, max);
    host_mem[3].size = host_more_ram;
    for (int i = 0; i < n && i < max; i++) {
        out[i] = host_mem[i];
        if (i == n - 1)
            out[i].size -= MIN(host_ram_used, out[i].size);
    }
    return n;
}

int plat_mem_read(uint64_t addr, void *buf, size_t len)
{
    uint8_t *b = buf;
    if (addr >= HOST_MEM_SIZE || len > HOST_MEM_SIZE - addr)
        return -EFAULT;
    for (size_t i = 0; i < len; i++)
        b[i] = (uint8_t)((addr + i) ^ ((addr + i) >> 8));
    return 0;
}

/* ---- RAM disks: ordinary aligned heap memory ---- */
/* The simulated firmware's placement (host_memmap_set), as efi/ram.c asks for it. */
static int sim_alloc(uint64_t size, uint64_t addr, uint64_t *phys)
{
    int rc;
    if (addr)
        return addr % 4096 ? -EINVAL : sim_take(addr, size) == 0 ? (*phys = addr, 0) : -EBUSY;
    if (size >= (2u << 20)) {
        /* 2 MiB more, then keep the aligned part (what efi/ram.c does) */
        if (sim_any(size + (2u << 20), phys) == 0) {
            uint64_t aligned = (*phys + (2u << 20) - 1) & ~((2ull << 20) - 1);
            sim_used[sim_nused - 1] = (struct plat_mem_range){ aligned, size, PLAT_MEM_RESERVED };
            *phys = aligned;
            return 0;
        }
    }
    rc = sim_any(size, phys);
    return rc;
}

static void sim_release(uint64_t phys)
{
    for (int u = 0; u < sim_nused; u++) {
        if (sim_used[u].start == phys) {
            sim_used[u] = sim_used[--sim_nused];
            return;
        }
    }
}

int plat_ram_alloc(uint64_t size, uint64_t addr, void **ptr, uint64_t *phys)
{
    void *p = NULL;
    if (size == 0 || size > ((uint64_t)1 << 40) || fail_now(HOST_FAULT_RAM))
        return -ENOMEM;
    if (sim_on) {
        int rc = sim_alloc(size, addr, phys);
        if (rc)
            return rc;
    }
    if (posix_memalign(&p, size >= (2u << 20) ? (2u << 20) : 4096, (size_t)size) != 0) {
        if (sim_on)
            sim_release(*phys);
        return -ENOMEM;
    }
    /*
     * Firmware RAM is there already; a fresh host mapping is not, and
     * faulting it in 4 KiB at a time costs more than decoding into it (1.4 s
     * per 512 MiB on the CI machines). Huge pages make the host's RAM disk
     * cost what the firmware's does, so the benchmarks measure mapboot.
     */
    if (size >= (2u << 20))
        madvise(p, (size_t)size, MADV_HUGEPAGE);
    *ptr = p;
    if (!sim_on) {
        *phys = addr ? addr : (uint64_t)(uintptr_t)p;
        host_ram_used += size;
    }
    return 0;
}

void plat_ram_free(void *ptr, uint64_t phys, uint64_t size)
{
    if (sim_on)
        sim_release(phys);
    else
        host_ram_used -= MIN(size, host_ram_used);
    free(ptr);
}

/*
 * Growing and cutting a RAM disk (src/platform.h): the simulated map takes
 * the pages after it or gets the tail back; the bytes are resized with
 * realloc, which glibc does for a large block by remapping its pages, not
 * copying them (under ASan it copies: tests only).
 */
int plat_ram_grow(void **ptr, uint64_t phys, uint64_t size, uint64_t more)
{
    void *p;
    int u;
    if (size % 4096 || more % 4096 || !more)
        return -EINVAL;
    if (fail_now(HOST_FAULT_RAM))
        return -EBUSY; /* what the firmware says when the pages after the disk are taken */
    if (sim_on) {
        for (u = 0; u < sim_nused && sim_used[u].start != phys; u++)
            ;
        if (u == sim_nused || sim_take(phys + size, more) != 0)
            return -EBUSY;
        sim_nused--; /* sim_take's new entry joins the disk's own */
        sim_used[u].size += more;
    } else {
        uint64_t top = host_more_ram ? host_more_ram : HOST_MEM_SIZE - 0x100000;
        if (host_ram_used + more > top)
            return -EBUSY;
    }
    if (!(p = realloc(*ptr, (size_t)(size + more)))) {
        if (sim_on)
            sim_used[u].size -= more;
        return -ENOMEM;
    }
    if (!sim_on)
        host_ram_used += more;
    *ptr = p;
    return 0;
}

int plat_ram_shrink(void **ptr, uint64_t phys, uint64_t size, uint64_t keep)
{
    void *p;
    if (keep % 4096 || size % 4096 || keep > size || !keep)
        return -EINVAL;
    if (keep == size)
        return 0;
    if (!(p = realloc(*ptr, (size_t)keep)))
        return -ENOMEM;
    *ptr = p;
    if (sim_on) {
        for (int u = 0; u < sim_nused; u++)
            if (sim_used[u].start == phys)
                sim_used[u].size = keep;
    } else {
        host_ram_used -= MIN(size - keep, host_ram_used);
    }
    return 0;
}

/* ---- exposing drives: the host has no firmware; it counts, for tests ---- */
int host_exposed;

int plat_drive_expose(struct drive *d)
{
    (void)d;
    host_exposed++;
    return 0;
}

int plat_drive_unexpose(struct drive *d)
{
    (void)d;
    host_exposed--;
    return 0;
}

/* ---- ACPI tables: a list in memory, for disk/nfit.c's tests (host.h) ---- */
struct host_acpi_table host_acpi[HOST_ACPI_MAX];
int host_acpi_count, host_acpi_mode, host_acpi_fail;
static uintptr_t host_acpi_next_key = 1;

void host_acpi_reset(void)
{
    for (int i = 0; i < host_acpi_count; i++)
        free(host_acpi[i].bytes);
    host_acpi_count = 0;
    host_acpi_mode = 0;
    host_acpi_fail = 0;
}

int host_acpi_add(const void *table, size_t len)
{
    uintptr_t key;
    return plat_acpi_install(table, len, &key);
}

const struct host_acpi_table *host_acpi_get(const char *sig)
{
    for (int i = 0; i < host_acpi_count; i++)
        if (memcmp(host_acpi[i].bytes, sig, 4) == 0)
            return &host_acpi[i];
    return NULL;
}

int plat_acpi_find(const char *sig, const uint8_t **table, size_t *len, uintptr_t *key,
                   bool *keyed)
{
    const struct host_acpi_table *t;
    if (host_acpi_mode == 1)
        return -ENOTSUP;
    t = host_acpi_get(sig);
    if (!t)
        return -ENOENT;
    *table = t->bytes;
    *len = t->len;
    *key = t->key;
    *keyed = host_acpi_mode != 2;
    return 0;
}

int plat_acpi_install(const uint8_t *table, size_t len, uintptr_t *key)
{
    if (host_acpi_mode == 1)
        return -ENOTSUP;
    if (host_acpi_fail & 1)
        return -EIO;
    if (host_acpi_count == HOST_ACPI_MAX || len < 36)
        return -ENOMEM;
    host_acpi[host_acpi_count].bytes = malloc(len);
    if (!host_acpi[host_acpi_count].bytes)
        return -ENOMEM;
    memcpy(host_acpi[host_acpi_count].bytes, table, len);
    host_acpi[host_acpi_count].len = len;
    host_acpi[host_acpi_count].key = *key = host_acpi_next_key++;
    host_acpi_count++;
    return 0;
}

int plat_acpi_uninstall(uintptr_t key)
{
    if (host_acpi_fail & 2)
        return -EIO;
    for (int i = 0; i < host_acpi_count; i++) {
        if (host_acpi[i].key != key)
            continue;
        free(host_acpi[i].bytes);
        memmove(&host_acpi[i], &host_acpi[i + 1], (size_t)(host_acpi_count - i - 1) * sizeof(host_acpi[0]));
        host_acpi_count--;
        return 0;
    }
    return -ENOENT;
}

/* ---- EFI images: the host records what would start (host.h) ---- */
char host_image[512];
int host_secure_boot = SB_OFF;
int host_image_fail;
int host_image_path_fail;
int host_image_mem_fail;

enum plat_sb plat_secure_boot(void)
{
    return (enum plat_sb)host_secure_boot;
}

int plat_image_load(struct drive *d, const char *path, const char *args, void **image)
{
    static int token;
    if (host_image_fail)
        return host_image_fail;
    if (host_image_path_fail)
        return host_image_path_fail;
    snprintf(host_image, sizeof(host_image), "%s %s%s%s", d ? d->name : "(bd)",
             path ? path : "/EFI/BOOT/BOOTX64.EFI", args && *args ? " " : "", args ? args : "");
    *image = &token;
    return 0;
}

int plat_image_load_mem(const void *buf, size_t len, const char *url, const char *args,
                        void **image)
{
    static int token;
    if (host_image_fail)
        return host_image_fail;
    if (host_image_mem_fail)
        return host_image_mem_fail;
    snprintf(host_image, sizeof(host_image), "mem %s (%zu bytes, %02x%02x)%s%s", url, len,
             len > 0 ? ((const uint8_t *)buf)[0] : 0, len > 1 ? ((const uint8_t *)buf)[1] : 0,
             args && *args ? " " : "", args ? args : "");
    *image = &token;
    return 0;
}

int plat_image_start(void *image)
{
    (void)image;
    printf("host: start %s\n", host_image);
    return 0;
}

void plat_image_unload(void *image)
{
    (void)image;
}

size_t host_initrd_len = (size_t)-1;
uint8_t *host_initrd;
int host_initrd_offered;

int plat_initrd_serve(const void *buf, size_t len, void **h)
{
    free(host_initrd);
    host_initrd = malloc(len ? len : 1);
    if (!host_initrd)
        return -ENOMEM;
    memcpy(host_initrd, buf, len);
    host_initrd_len = len;
    printf("host: initrd %zu bytes\n", len);
    host_initrd_offered++;
    *h = &host_initrd_len;
    return 0;
}

void plat_initrd_withdraw(void *h)
{
    (void)h;
    host_initrd_offered--;
}

uint8_t host_lowmem[4096];
uint64_t host_lowmem_addr;

int plat_lowmem_page(const uint8_t *page, uint64_t prefer, uint64_t limit, uint64_t *addr)
{
    (void)limit;
    memcpy(host_lowmem, page, sizeof(host_lowmem));
    *addr = host_lowmem_addr = prefer;
    return 0;
}

int host_connects;

int plat_blockio_count(void)
{
    return plat_disk_list(NULL, 0) + host_exposed;
}

const char *host_connect_fail;

uint64_t plat_startup_connect_us(void)
{
    return 0;
}

int plat_connect_all(void (*report)(const char *what, int rc))
{
    host_connects++;
    for (int i = 0; i < host_ndisks; i++)
        host_disks[i].unconnected = false;
    if (host_connect_fail && report)
        report(host_connect_fail, -EIO);
    return host_ndisks + 1; /* the disks and the "bus" they hang off */
}
