/*
 * The freestanding libc subset the core uses. The EFI build has no libc; the
 * host build links glibc too, so there every name here is renamed to mb_*
 * (below) and tests/unit/test_libc.c compares ours against glibc's.
 * 8-bit string functions are named by width (strlen8) because menu.lst is
 * UTF-8 while firmware strings are UCS-2 (strlen16).
 */
#ifndef MB_LIBC_H
#define MB_LIBC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Host-side files (tests/host, tests/unit) define MB_HOST_SIDE: they use
 * glibc's functions under the usual names and call ours as mb_*.
 */
#if defined(MB_HOST) && !defined(MB_HOST_SIDE)
#define memcpy mb_memcpy
#define memmove mb_memmove
#define memset mb_memset
#define memcmp mb_memcmp
#define malloc mb_malloc
#define calloc mb_calloc
#define realloc mb_realloc
#define free mb_free
#define vsnprintf mb_vsnprintf
#define snprintf mb_snprintf
#define strtoull mb_strtoull
#define strtoll mb_strtoll
#endif

#if defined(MB_HOST_SIDE)
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#endif

/*
 * printf-style checking of our own formatter (src/libc.c), which is C99's
 * (%zu, %llu) everywhere; on Windows "printf" would mean Microsoft's.
 */
#if defined(__MINGW32__)
#define MB_PRINTF(fmt, args) __attribute__((format(gnu_printf, fmt, args)))
#else
#define MB_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#if !defined(MB_HOST_SIDE)
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
#endif

size_t strlen8(const char *s);
size_t strnlen8(const char *s, size_t max);
int strcmp8(const char *a, const char *b);
int strncmp8(const char *a, const char *b, size_t n);
int strcasecmp8(const char *a, const char *b);
int strncasecmp8(const char *a, const char *b, size_t n);
char *strchr8(const char *s, int c);
char *strrchr8(const char *s, int c);
char *strstr8(const char *hay, const char *needle);
/* Copy at most size-1 bytes and terminate; returns strlen8(src) (truncated if >= size). */
size_t strlcpy8(char *dst, const char *src, size_t size);
size_t strlcat8(char *dst, const char *src, size_t size);
/* A malloc'd copy, or NULL when out of memory. The caller frees it. */
char *strdup8(const char *s);
char *strndup8(const char *s, size_t n);
bool str_starts8(const char *s, const char *prefix);
bool str_starts_case8(const char *s, const char *prefix);

size_t strlen16(const uint16_t *s);
/* UTF-8 -> UCS-2 (characters outside the BMP become '?'); always terminates. */
size_t utf8_to_ucs2(uint16_t *dst, size_t dst_chars, const char *src);
/* UCS-2 -> UTF-8; always terminates. Returns the length written. */
size_t ucs2_to_utf8(char *dst, size_t dst_size, const uint16_t *src);
/* Decode one UTF-8 sequence at s; sets *len (>= 1). Bad bytes decode as U+FFFD. */
uint32_t utf8_decode(const char *s, size_t *len);
/*
 * utf8_decode of s for a buffer that ends at end and may not be
 * NUL-terminated (cat's output): near the end a zero-padded copy is decoded,
 * so *len never reaches past end. *len is at least 1.
 */
uint32_t utf8_decode_n(const char *s, const char *end, size_t *len);
/* Encode cp as UTF-8 into out (1-4 bytes; bad code points as U+FFFD); returns the length. */
size_t utf8_encode(uint32_t cp, char out[4]);
/* Number of code points (display columns, for our purposes) in s. */
size_t utf8_width(const char *s);

/* Little-endian fields of on-disk structures, at any alignment. */
static inline uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t le64(const uint8_t *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }
/* ... and writing them (tables we build: ACPI, cpio, the SVBus page). */
static inline void put_le16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void put_le32(uint8_t *p, uint32_t v)
{
    put_le16(p, (uint16_t)v);
    put_le16(p + 2, (uint16_t)(v >> 16));
}
static inline void put_le64(uint8_t *p, uint64_t v)
{
    put_le32(p, (uint32_t)v);
    put_le32(p + 4, (uint32_t)(v >> 32));
}
/* Copy a UTF-8 string; when it does not fit, cut at a character boundary. Always terminates. */
void utf8_copy(char *dst, size_t size, const char *src);

static inline bool is_digit(int c) { return c >= '0' && c <= '9'; }
static inline bool is_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
static inline bool is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static inline bool is_alnum(int c) { return is_alpha(c) || is_digit(c); }
static inline bool is_xdigit(int c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static inline int to_upper(int c) { return (c >= 'a' && c <= 'z') ? c - 32 : c; }
static inline int to_lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

#if !defined(MB_HOST_SIDE)
/* As C's strtoull/strtoll (base 0 accepts 0x and leading 0 octal). */
unsigned long long strtoull(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);
#endif
/*
 * Parse a whole string as a number (decimal, 0x hex, optional sign). Returns 0,
 * or -EINVAL if s is not entirely a number, -ERANGE if it overflows 64 bits.
 */
int parse_num(const char *s, long long *out);
int parse_unum(const char *s, unsigned long long *out);

#if !defined(MB_HOST_SIDE)
/* %s %c %d %i %u %x %X %p %% with flags - 0 +, width, .precision, * and h/l/ll/z/j. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    MB_PRINTF(3, 0);
int snprintf(char *buf, size_t size, const char *fmt, ...)
    MB_PRINTF(3, 4);
#endif
/* A malloc'd formatted string, or NULL when out of memory. */
char *asprintf8(const char *fmt, ...) MB_PRINTF(1, 2);

#if !defined(MB_HOST_SIDE)
void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);
#endif

#endif
