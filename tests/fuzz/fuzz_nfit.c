/*
 * libFuzzer harness for extending a firmware's NFIT (disk/nfit.c,
 * nfit_build): the input is the table the firmware has. The first input
 * byte is also how many of our ranges (0-3) go after it. Bad tables must be
 * refused with an error; a table that is taken must come out as its
 * structures plus ours, checksummed, with our range indices above every
 * SPA index it had.
 */
#include "../../disk/nfit.h"
#include "../../src/shell.h"
#include "../host/host.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct nfit_range r[3] = {
        { 0x100000000ull, 1u << 20, false }, { 0x8000000, 4096, true }, { 0, 0, false } };
    int n = size ? data[0] % 4 : 0;
    uint8_t *t = NULL, sum = 0;
    size_t len = 0, declared;
    host_capture_output = true;
    if (nfit_build(data, size, r, n, &t, &len) != 0) {
        if (t)
            __builtin_trap(); /* an error leaves nothing */
        host_capture_output = false;
        return 0;
    }
    host_capture_output = false;
    declared = le32(data + 4);
    if (len != declared + (size_t)n * NFIT_SPA_LEN || le32(t + 4) != len ||
        memcmp(t + 10, data + 10, NFIT_HEADER_LEN - 10) != 0 ||
        memcmp(t + NFIT_HEADER_LEN, data + NFIT_HEADER_LEN, declared - NFIT_HEADER_LEN) != 0)
        __builtin_trap();
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + t[i]);
    if (sum)
        __builtin_trap();
    for (int i = 0; i < n; i++) {
        const uint8_t *p = t + declared + (size_t)i * NFIT_SPA_LEN;
        if (le16(p) != NFIT_SPA_TYPE || le16(p + 2) != NFIT_SPA_LEN || le16(p + 4) == 0 ||
            le64(p + 32) != r[i].addr)
            __builtin_trap();
    }
    free(t);
    return 0;
}
