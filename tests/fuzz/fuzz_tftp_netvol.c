/*
 * libFuzzer harness for the network device names and the TFTP volume
 * (fs/netvol.c, fs/tftp.c, and src/http.c's HOST[:PORT] parser they share):
 * the input's first line is a device's inside ("10.0.0.1:69", anything),
 * its second a (pd) base directory, the rest a file's bytes that the TFTP
 * "server" (a host directory, tests/host/net.c) holds. The device is opened
 * as (tftp,...), (http,...) (every connection refused: the harness never
 * touches a real network) and (pd), the file read whole. Any error is
 * fine; reads must stay inside the file.
 */
#include "../../fs/fs.h"
#include "../../src/shell.h"
#include "../host/host.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_all(const char *path, size_t want)
{
    struct fs_file *f;
    static uint8_t buf[4096];
    size_t got;
    uint64_t off = 0;
    if (fs_open(path, &f) != 0)
        return;
    if (!fs_is_dir(f) && fs_size(f) != want)
        abort(); /* the file is exactly what the server holds */
    while (!fs_is_dir(f) && fs_read(f, off, buf, sizeof(buf), &got) == 0 && got) {
        if (got > sizeof(buf) || off + got > fs_size(f))
            abort();
        off += got;
    }
    fs_close(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char dir[64];
    char spec[96], base[96], dev[128], path[256];
    const uint8_t *p = data, *end = data + size;
    size_t n;
    FILE *fp;
    if (size > 16384)
        return 0;
    if (!dir[0]) {
        snprintf(dir, sizeof(dir), "/tmp/mapboot-fuzz-tftp-XXXXXX");
        if (!mkdtemp(dir))
            abort();
    }
    /* line 1: the spec; line 2: the base directory; the rest: the file */
    for (n = 0; p < end && *p != '\n' && n + 1 < sizeof(spec); p++)
        spec[n++] = *p ? (char)*p : '?';
    spec[n] = 0;
    p += p < end;
    for (n = 0; p < end && *p != '\n' && n + 1 < sizeof(base); p++)
        base[n++] = *p ? (char)*p : '?';
    base[n] = 0;
    p += p < end;
    snprintf(path, sizeof(path), "%s/f", dir);
    fp = fopen(path, "wb");
    if (!fp)
        abort();
    fwrite(p, 1, (size_t)(end - p), fp);
    fclose(fp);
    snprintf(host_tftp_dir, sizeof(host_tftp_dir), "%s", dir);
    host_pxe_booted = spec[0] & 1;
    host_tcp_refuse = 1;
    tftp_set_basedir(base);
    snprintf(dev, sizeof(dev), "(tftp,%s)/f", spec);
    read_all(dev, (size_t)(end - p));
    snprintf(dev, sizeof(dev), "(tftp,%s)/", spec);
    read_all(dev, 0);
    snprintf(dev, sizeof(dev), "(http,%s)/f", spec);
    read_all(dev, (size_t)(end - p));
    if (!base[0] || base[0] == '/') {
        tftp_set_basedir("");
        read_all("(pd)/f", (size_t)(end - p));
    }
    host_tftp_dir[0] = 0;
    host_pxe_booted = false;
    host_tcp_refuse = 0;
    return 0;
}
