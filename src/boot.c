/*
 * What `boot` starts. A loader command (chainloader, kernel: later issues)
 * registers a boot_loader; a menu entry boots at its end if one is set.
 */
#include "shell.h"

#include "platform.h"
#include "svbus.h"

#include "../fs/fs.h"

static struct boot_loader current;
static bool have;

void boot_clear_loader(void)
{
    if (have && current.release)
        current.release(current.ctx);
    have = false;
}

void boot_set_loader(const struct boot_loader *l)
{
    boot_clear_loader();
    current = *l;
    have = true;
}

bool boot_have_loader(void)
{
    return have;
}

/*
 * Leave the SVBus page for a Windows that carries the SVBus driver, so it
 * finds the RAM drives again (DESIGN.md §3). Only when there are RAM drives,
 * or when a page was left before (a loader that returned): that one is
 * rewritten, even with no slots, so it never lists RAM that was unmapped.
 * What cannot be done is a warning: the boot goes on.
 */
static void svbus_publish(void)
{
    static bool placed;
    struct svbus_disk d[SVBUS_MAX_SLOTS];
    uint8_t *page;
    uint64_t addr;
    int n = svbus_collect(d, SVBUS_MAX_SLOTS), rc;
    if (n <= 0 && !placed)
        return;
    if (n > SVBUS_MAX_SLOTS) {
        shell_warn("SVBus sees only the first %d of %d RAM drives", SVBUS_MAX_SLOTS, n);
        n = SVBUS_MAX_SLOTS;
    }
    page = malloc(SVBUS_PAGE_SIZE);
    rc = page ? svbus_build(page, d, n < 0 ? 0 : n) : -ENOMEM;
    if (rc == 0)
        rc = plat_lowmem_page(page, SVBUS_PAGE_ADDR, SVBUS_PAGE_LIMIT, &addr);
    if (rc)
        shell_warn("no SVBus page for Windows: %s", err_str(rc));
    else if (!placed && addr != SVBUS_PAGE_ADDR)
        shell_warn("the SVBus page is at 0x%llX: 0x%X is taken, and SVBus looks there first",
                   (unsigned long long)addr, SVBUS_PAGE_ADDR);
    placed = placed || rc == 0;
    free(page);
}

int boot_run(void)
{
    int rc;
    if (!have)
        return shell_error(-ENOENT, "nothing to boot: no loader was set (chainloader, kernel)");
    svbus_publish();
    rc = current.boot(current.ctx);
    /* what was started has run (and returned): it cannot be started again */
    boot_clear_loader();
    return rc;
}

/* The URL of a file over the network, for the image's device path. */
static void net_url(const char *full, char *out, size_t size)
{
    const char *close = strchr8(full, ')');
    struct plat_net_info i;
    if (str_starts_case8(full, "(http,"))
        snprintf(out, size, "http://%.*s%s", (int)(close - full - 6), full + 6, close + 1);
    else if (str_starts_case8(full, "(tftp,"))
        snprintf(out, size, "tftp://%.*s%s", (int)(close - full - 6), full + 6, close + 1);
    else if (plat_pxe_info(&i))
        snprintf(out, size, "tftp://%u.%u.%u.%u%s%s", i.server[0], i.server[1], i.server[2],
                 i.server[3], tftp_basedir(), close + 1);
    else
        strlcpy8(out, full, size);
}

/* The largest image read into memory to be loaded (over the network, or not FAT). */
#define BOOT_MEM_MAX (512u << 20)

/*
 * Read full (any path mapboot reads) into memory and load it from there, its
 * device path naming it as name. A read failure is an error said here
 * (*reported set: "(hd1): read error at block 6100"); the load's own answer
 * is returned for boot_image_load to put in words.
 */
static int load_via_memory(const char *cmd, const char *what, const char *full,
                           const char *name, const char *args, void **image, bool *reported)
{
    char *buf;
    size_t len;
    int rc;
    shell.errmsg[0] = 0;
    rc = fs_read_all(full, &buf, &len, BOOT_MEM_MAX);
    *reported = rc != 0;
    if (rc == -E2BIG)
        return shell_error(rc, "%s: %s is over %u MiB", cmd, what, BOOT_MEM_MAX >> 20);
    if (rc && shell.errmsg[0] && !strstr8(shell.errmsg, what)) {
        char why[sizeof(shell.errmsg)]; /* shell_error writes shell.errmsg */
        strlcpy8(why, shell.errmsg, sizeof(why));
        return shell_error(rc, "%s: %s: %s", cmd, what, why);
    }
    if (rc)
        return shell_fail(rc, cmd, what);
    rc = plat_image_load_mem(buf, len, name, args, image);
    free(buf);
    return rc;
}

int boot_image_load(const char *cmd, const char *what, struct drive *d, const char *path,
                    const char *args, void **image)
{
    int rc;
    bool reported = false;
    if (!d && path && fs_net_path(path)) {
        /* no firmware filesystem has it: the firmware loads (and judges) the bytes */
        char url[FS_PATH_MAX + 32];
        net_url(path, url, sizeof(url));
        rc = load_via_memory(cmd, what, path, url, args, image, &reported);
    } else {
        rc = plat_image_load(d, path, args, image);
        /*
         * The firmware reads FAT alone (EDK2), and its LoadImage says "not
         * found" for a file it could not read as well. mapboot reads the file
         * itself: a kernel on ext4, NTFS or exFAT loads from memory, as one
         * over the network does (verified all the same), and a bad block is
         * named.
         */
        if (rc == -ENOENT && path) {
            char full[FS_PATH_MAX];
            if (snprintf(full, sizeof(full), "%s%s", d ? d->name : "(bd)", path) >=
                (int)sizeof(full))
                return shell_error(-ENAMETOOLONG, "%s: %s: name too long", cmd, what);
            rc = load_via_memory(cmd, what, full, full, args, image, &reported);
        }
    }
    if (reported)
        return rc;
    enum plat_sb sb = plat_secure_boot();
    /* a refusal is final: never retried another way (DESIGN.md, Secure Boot) */
    if (rc == -EACCES && sb != SB_OFF)
        return shell_error(rc, "%s: Secure Boot: %s is not signed by a key in %s", cmd, what,
                           sb == SB_SHIM ? "db or MOK" : "db");
    if (rc == -EACCES)
        return shell_error(rc, "%s: the firmware refused %s (access denied)", cmd, what);
    if (rc == -EPERM)
        return shell_error(rc,
                           "%s: %s is a driver, and under shim mapboot starts no drivers: "
                           "shim's loader frees an image as soon as its entry point returns",
                           cmd, what);
    if (rc == -ENOENT && !path)
        return shell_error(rc, "%s: the firmware finds no \\EFI\\BOOT\\BOOTX64.EFI on %s", cmd,
                           what);
    if (rc)
        return shell_error(rc, "%s: the firmware cannot load %s: %s", cmd, what, err_str(rc));
    return 0;
}

int boot_file(const char *cmd, const char *arg, char *full, size_t size, struct drive **d,
              const char **path)
{
    struct fs_file *f;
    const char *close;
    char dev[64];
    size_t n;
    int rc = fs_resolve(arg, full, size);
    if (rc == 0)
        rc = fs_open(full, &f);
    if (rc)
        return shell_fail(rc, cmd, arg);
    if (fs_is_dir(f)) {
        fs_close(f);
        return shell_error(-EISDIR, "%s: %s is a directory", cmd, arg);
    }
    fs_close(f);
    if (fs_net_path(full)) {
        /* over the network: boot_image_load reads it into memory */
        *d = NULL;
        *path = full;
        return 0;
    }
    close = strchr8(full, ')');
    n = close ? (size_t)(close - full) + 1 : 0;
    if (!n || n >= sizeof(dev))
        return shell_error(-EINVAL, "%s: bad device in '%s'", cmd, full);
    memcpy(dev, full, n);
    dev[n] = 0;
    *path = close + 1;
    *d = NULL;
    if (strcasecmp8(dev, "(bd)") == 0 && !drive_boot())
        return plat_is_uefi ? shell_error(-ENODEV, "%s: (bd) is no drive here", cmd) : 0;
    rc = dev_find(dev, d);
    return rc ? shell_fail(rc, cmd, dev) : 0;
}
