/*
 * CRC-32/ISO-HDLC and CRC-32C (crc32.h): one table lookup per byte, by one
 * routine over a table per polynomial. The 1 KiB tables are computed on
 * first use rather than written out, so there is nothing to get wrong by
 * hand. The users (GPT headers and entry arrays, VHDX headers and region
 * tables) are small, so a byte at a time is fast enough; gzip's CRC is
 * zlib's own.
 */
#include "crc32.h"

#include <stdbool.h>

struct crc_table {
    uint32_t poly; /* reflected */
    bool ready;
    uint32_t t[256];
};

static struct crc_table ieee = { .poly = 0xEDB88320u };
static struct crc_table castagnoli = { .poly = 0x82F63B78u };

static uint32_t crc_update(struct crc_table *tab, uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    if (!tab->ready) {
        /* the CRC of each byte value on its own, with the register starting at 0 */
        for (uint32_t n = 0; n < 256; n++) {
            uint32_t c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) ? tab->poly ^ (c >> 1) : c >> 1;
            tab->t[n] = c;
        }
        tab->ready = true;
    }
    /* zlib keeps the register inverted between calls, so callers start from 0 */
    crc = ~crc;
    while (len--)
        crc = tab->t[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

uint32_t crc32_ieee(uint32_t crc, const void *buf, size_t len)
{
    return crc_update(&ieee, crc, buf, len);
}

uint32_t crc32c(uint32_t crc, const void *buf, size_t len)
{
    return crc_update(&castagnoli, crc, buf, len);
}
