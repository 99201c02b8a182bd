/*
 * CRC-32 as used by GPT, gzip, zlib and Ethernet, and CRC-32C (below) (CRC-32/ISO-HDLC: the
 * reflected polynomial 0xEDB88320, initial value and final XOR all ones).
 * Our own table-driven implementation. It is named crc32_ieee so that it
 * does not clash with zlib's crc32() once zlib is built in for gzip.
 */
#ifndef MB_CRC32_H
#define MB_CRC32_H

#include <stddef.h>
#include <stdint.h>

/*
 * Continue a CRC-32 over len bytes of buf, with zlib's convention: start
 * with crc = 0, and feed the result back in for the next piece, so
 * crc32_ieee(crc32_ieee(0, a, n), b, m) is the CRC of a followed by b.
 * crc32_ieee(0, "123456789", 9) == 0xCBF43926.
 */
uint32_t crc32_ieee(uint32_t crc, const void *buf, size_t len);

/*
 * CRC-32C (Castagnoli, CRC-32/ISCSI), the checksum of VHDX headers, region
 * tables and log entries: the reflected polynomial 0x82F63B78, initial value
 * and final XOR all ones; the same convention as above.
 * crc32c(0, "123456789", 9) == 0xE3069283.
 */
uint32_t crc32c(uint32_t crc, const void *buf, size_t len);

#endif
