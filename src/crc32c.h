/*
 * CRC-32C (Castagnoli), the checksum of VHDX headers, region tables and log
 * entries: the reflected polynomial 0x82F63B78, initial value and final XOR
 * all ones (CRC-32/ISCSI). Our own table-driven implementation, the twin of
 * crc32.h with the other polynomial.
 */
#ifndef MB_CRC32C_H
#define MB_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/*
 * Continue a CRC-32C over len bytes of buf, with zlib's convention: start
 * with crc = 0, and feed the result back in for the next piece, so
 * crc32c(crc32c(0, a, n), b, m) is the CRC of a followed by b.
 * crc32c(0, "123456789", 9) == 0xE3069283.
 */
uint32_t crc32c(uint32_t crc, const void *buf, size_t len);

#endif
