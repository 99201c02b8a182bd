/*
 * CRC-32/ISO-HDLC (crc32.h): one table lookup per byte. The 1 KiB table is
 * computed on first use rather than written out, so there is nothing to
 * get wrong by hand; GPT headers and entry arrays are the only users so far
 * and are small, so a byte at a time is fast enough.
 */
#include "crc32.h"

#include <stdbool.h>

static uint32_t table[256];
static bool table_ready;

/* The CRC of each byte value on its own, with the register starting at 0. */
static void make_table(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[n] = c;
    }
    table_ready = true;
}

uint32_t crc32_ieee(uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    if (!table_ready)
        make_table();
    /* zlib keeps the register inverted between calls, so callers start from 0 */
    crc = ~crc;
    while (len--)
        crc = table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return ~crc;
}
