/* PE/COFF headers (pe.h). */
#include "pe.h"

unsigned pe_subsystem(const uint8_t *b, size_t len)
{
    uint32_t pe;
    if (len < 0x40 || b[0] != 'M' || b[1] != 'Z')
        return 0;
    pe = (uint32_t)b[0x3c] | (uint32_t)b[0x3d] << 8 | (uint32_t)b[0x3e] << 16 |
         (uint32_t)b[0x3f] << 24;
    /*
     * "PE\0\0", the 20-byte file header, then the optional header, whose
     * Subsystem is at byte 68 in both PE32 and PE32+ (magic 0x10b, 0x20b).
     */
    /*
     * The PE header follows the 64-byte DOS header (whose e_lfanew is at
     * 0x3c): one folded into it is no image a linker writes, and reading
     * the two as one is how a crafted header says two things at once.
     */
    if (pe < 0x40 || pe > len || len - pe < 4 + 20 + 70 || memcmp(b + pe, "PE\0\0", 4) != 0)
        return 0;
    b += pe + 24;
    if (!((b[0] == 0x0b && b[1] == 0x01) || (b[0] == 0x0b && b[1] == 0x02)))
        return 0;
    return (unsigned)b[68] | (unsigned)b[69] << 8;
}
