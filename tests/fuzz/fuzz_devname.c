/*
 * libFuzzer harness for the device syntax (disk/devname.c): dev_parse,
 * dev_lookup, blocklist_parse and blocklist files, over two small memory
 * disks and (md). Names come from menu.lst, so any text must give a device,
 * a clear error, or a blocklist that stays on its device.
 */
#include "../../disk/drive.h"
#include "../../fs/fs.h"
#include "../../src/platform.h"
#include "../../src/shell.h"
#include "../host/host.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t hd[32 * 512], cd[4 * 2048];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char name[256];
    const char *rest;
    struct dev_spec spec;
    struct drive *d;
    struct fs_file *f;
    struct blocklist bl;
    bool md = false;
    if (size >= sizeof(name))
        return 0;
    memcpy(name, data, size);
    name[size] = 0;
    host_clear_disks();
    drive_reset();
    host_add_mem_disk(hd, sizeof(hd), PLAT_DISK_HD, 512);
    host_add_mem_disk(cd, sizeof(cd), PLAT_DISK_CD, 2048);
    strlcpy8(shell.root, "(hd0)", sizeof(shell.root));

    if (dev_parse(name, &spec, &rest) == 0) {
        md = spec.kind == DRIVE_MD; /* (md) may name memory that is not there */
        if (rest < name || rest > name + size)
            __builtin_trap();
        if (spec.part < -1 || spec.index < 0)
            __builtin_trap();
        if (!spec.next_free && dev_lookup(&spec, &d) == 0 && d->blocks > (1ULL << 60) &&
            d->kind != DRIVE_MD)
            __builtin_trap();
    }
    if (blocklist_parse(name, &bl) == 0) {
        if (bl.n == 0 || bl.n > BLOCKLIST_MAX)
            __builtin_trap();
        for (size_t i = 0; i < bl.n; i++)
            if (bl.run[i].count == 0)
                __builtin_trap();
    }
    /* as a path: a blocklist must stay on its device; reads must not fail past it */
    if (fs_open(name, &f) == 0) {
        uint8_t buf[4096];
        size_t got = 0;
        if (f->vol == NULL && fs_read(f, 0, buf, sizeof(buf), &got) != 0 && !md)
            __builtin_trap();
        fs_close(f);
    }
    shell.errmsg[0] = 0;
    return 0;
}
