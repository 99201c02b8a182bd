/*
 * libFuzzer harness for the PE header reader (src/pe.c): any bytes give a
 * subsystem or 0, reading nothing outside them (ASan watches the bounds;
 * the copy has exactly size bytes, so any read past the end is caught).
 */
#include "../../src/pe.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *b = malloc(size ? size : 1);
    unsigned s;
    if (!b)
        return 0;
    memcpy(b, data, size);
    s = pe_subsystem(b, size);
    if (s && size < 0x40 + 94)
        abort(); /* a subsystem needs the DOS header and the PE headers */
    free(b);
    return 0;
}
