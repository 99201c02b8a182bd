/*
 * libFuzzer harness for the HTTP client and files over HTTP (src/http.c,
 * fs/http.c): the input is what the server answers, on every connection
 * (the scripted peer of tests/host/net.c hands it out in small pieces).
 * The file is opened (the probe) and read whole, sequentially and then
 * from the end backwards, so the head parser, chunked bodies, Range checks,
 * redirects and the cache all see hostile bytes. Any error is fine; a
 * read must never return more than asked or past the size it found.
 */
#include "../../fs/fs.h"
#include "../../src/shell.h"
#include "../host/host.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *answers[4];
    size_t lens[4];
    struct fs_file *f;
    static uint8_t buf[70000];
    if (size > 64 * 1024)
        return 0;
    for (int i = 0; i < 4; i++) {
        answers[i] = (const char *)data;
        lens[i] = size;
    }
    host_tcp_script = answers;
    host_tcp_script_lens = lens;
    host_tcp_script_n = 4;
    host_tcp_reset();
    if (fs_open("(http,10.0.0.1:8080)/f", &f) == 0) {
        uint64_t off = 0, fsize = fs_size(f);
        size_t got;
        while (off < fsize && fs_read(f, off, buf, sizeof(buf), &got) == 0 && got) {
            if (got > sizeof(buf) || off + got > fsize)
                abort();
            off += got;
        }
        if (fsize && fs_read(f, fsize - 1, buf, 1, &got) == 0 && got > 1)
            abort();
        fs_close(f);
    }
    host_tcp_reset();
    host_tcp_script = NULL;
    host_tcp_script_lens = NULL;
    return 0;
}
