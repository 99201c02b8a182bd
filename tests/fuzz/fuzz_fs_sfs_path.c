/*
 * libFuzzer harness for path handling: fs_resolve (devices, "()", root,
 * "." and "..") and opening the result through the sfs backend over a small
 * host directory, as a script's file names would. A resolved path must be
 * absolute on its device with no "." or ".." left, so no name can climb out
 * of the volume.
 */
#include "../../fs/fs.h"
#include "../../src/shell.h"
#include "../host/host.h"

#include <stdint.h>

int system(const char *cmd); /* glibc's; the core's headers do not declare it */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void setup(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    /* a fixed tree made once; the harness only reads it */
    snprintf(host_bd_dir, sizeof(host_bd_dir), "%s", "/tmp/mapboot-fuzz-bd");
    if (system("mkdir -p /tmp/mapboot-fuzz-bd/efi/grub && "
               "echo hello > /tmp/mapboot-fuzz-bd/efi/grub/menu.lst && "
               "echo x > /tmp/mapboot-fuzz-bd/a.txt") != 0)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[FS_PATH_MAX + 64], full[FS_PATH_MAX];
    struct fs_file *f;
    setup();
    if (size >= sizeof(path))
        return 0;
    memcpy(path, data, size);
    path[size] = 0;
    if (fs_resolve(path, full, sizeof(full)) == 0) {
        const char *p = strchr8(full, ')');
        if (full[0] != '(' || !p || p[1] != '/' || strstr8(p, "/../") || strstr8(p, "/./") ||
            strstr8(p, "//") || strchr8(full, '/') < p)
            __builtin_trap();
    }
    if (fs_open(path, &f) == 0) {
        char buf[64];
        size_t got;
        struct fs_dirent ent;
        if (fs_is_dir(f)) {
            for (int i = 0; i < 8 && fs_readdir(f, &ent) == 1; i++)
                ;
        } else {
            fs_read(f, 0, buf, sizeof(buf), &got);
        }
        fs_close(f);
    }
    return 0;
}
