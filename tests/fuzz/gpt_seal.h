/*
 * Shared by the GPT fuzzers (fuzz_part_gpt, fuzz_part_edit): sealing a
 * mutated GPT, so that its CRCs match and the code behind the CRC checks is
 * reached. disk is the harness's image, size bytes, in bs-byte blocks.
 */
#ifndef MB_FUZZ_GPT_SEAL_H
#define MB_FUZZ_GPT_SEAL_H

#include "../../src/crc32.h"

#include <stdint.h>

static uint64_t gpt_get(const uint8_t *p, int n)
{
    uint64_t v = 0;
    while (n--)
        v = v << 8 | p[n];
    return v;
}

static void gpt_put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Make the CRCs of the header at lba (if it could be one) match what it covers. */
static void gpt_seal_at(uint8_t *disk, size_t size, unsigned bs, uint64_t lba)
{
    uint64_t blocks = size / bs, elba, bytes;
    uint32_t hsize;
    uint8_t *h;
    if (lba == 0 || lba >= blocks)
        return;
    h = disk + lba * bs;
    hsize = (uint32_t)gpt_get(h + 12, 4);
    elba = gpt_get(h + 72, 8);
    bytes = gpt_get(h + 80, 4) * gpt_get(h + 84, 4);
    if (elba < blocks && bytes <= (blocks - elba) * bs)
        gpt_put32(h + 88, crc32_ieee(0, disk + elba * bs, (size_t)bytes));
    if (hsize >= 92 && hsize <= bs) {
        gpt_put32(h + 16, 0);
        gpt_put32(h + 16, crc32_ieee(0, h, hsize));
    }
}

/* Seal the primary, the backup it names, and one in the last block. */
static void gpt_seal(uint8_t *disk, size_t size, unsigned bs)
{
    gpt_seal_at(disk, size, bs, 1);
    gpt_seal_at(disk, size, bs, gpt_get(disk + bs + 32, 8));
    gpt_seal_at(disk, size, bs, size / bs - 1);
}

#endif
