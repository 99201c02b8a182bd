/*
 * CRC-32C (crc32c.h): one table lookup per byte, as crc32.c does. The
 * table is computed on first use rather than written out, so there is
 * nothing to get wrong by hand. VHDX checks 4 KiB headers and 64 KiB region
 * tables once per open; a byte at a time is fast enough for that.
 */
#include "crc32c.h"

#include <stdbool.h>

static uint32_t table[256];
static bool table_ready;

/* The CRC of each byte value on its own, with the register starting at 0. */
static void make_table(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0x82F63B78u ^ (c >> 1) : c >> 1;
        table[n] = c;
    }
    table_ready = true;
}

uint32_t crc32c(uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    if (!table_ready)
        make_table();
    /* the register is kept inverted between calls, so callers start from 0 */
    crc = ~crc;
    while (len--)
        crc = table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return ~crc;
}
