/*
 * MD5 (RFC 1321) and the md5crypt "$1$" password hash, for
 * `password --md5` and `md5crypt`. Written from the RFC and the documented
 * md5crypt algorithm (1000 rounds mixing key, salt and the previous digest).
 */
#include "menu.h"

struct md5 {
    uint32_t h[4];
    uint64_t len;
    uint8_t buf[64];
    size_t n;
};

static uint32_t rol(uint32_t x, int c)
{
    return (x << c) | (x >> (32 - c));
}

static const uint32_t K[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613,
    0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193,
    0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d,
    0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
    0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
    0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
    0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244,
    0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
    0xeb86d391,
};
static const int R[16] = { 7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21 };

static void md5_block(struct md5 *m, const uint8_t *p)
{
    uint32_t w[16], a = m->h[0], b = m->h[1], c = m->h[2], d = m->h[3];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[i * 4] | (uint32_t)p[i * 4 + 1] << 8 | (uint32_t)p[i * 4 + 2] << 16 |
               (uint32_t)p[i * 4 + 3] << 24;
    for (int i = 0; i < 64; i++) {
        uint32_t f;
        int g;
        if (i < 16) {
            f = (b & c) | (~b & d);
            g = i;
        } else if (i < 32) {
            f = (d & b) | (~d & c);
            g = (5 * i + 1) & 15;
        } else if (i < 48) {
            f = b ^ c ^ d;
            g = (3 * i + 5) & 15;
        } else {
            f = c ^ (b | ~d);
            g = (7 * i) & 15;
        }
        f += a + K[i] + w[g];
        a = d;
        d = c;
        c = b;
        b += rol(f, R[(i / 16) * 4 + (i & 3)]);
    }
    m->h[0] += a;
    m->h[1] += b;
    m->h[2] += c;
    m->h[3] += d;
}

static void md5_init(struct md5 *m)
{
    m->h[0] = 0x67452301;
    m->h[1] = 0xefcdab89;
    m->h[2] = 0x98badcfe;
    m->h[3] = 0x10325476;
    m->len = 0;
    m->n = 0;
}

static void md5_update(struct md5 *m, const void *data, size_t len)
{
    const uint8_t *p = data;
    m->len += len;
    while (len) {
        size_t k = MIN(64 - m->n, len);
        memcpy(m->buf + m->n, p, k);
        m->n += k;
        p += k;
        len -= k;
        if (m->n == 64) {
            md5_block(m, m->buf);
            m->n = 0;
        }
    }
}

static void md5_final(struct md5 *m, uint8_t out[16])
{
    uint64_t bits = m->len * 8;
    uint8_t pad = 0x80, zero = 0, lenb[8];
    md5_update(m, &pad, 1);
    while (m->n != 56)
        md5_update(m, &zero, 1);
    for (int i = 0; i < 8; i++)
        lenb[i] = (uint8_t)(bits >> (8 * i));
    md5_update(m, lenb, 8);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            out[i * 4 + j] = (uint8_t)(m->h[i] >> (8 * j));
}

void md5_digest(const void *data, size_t len, uint8_t out[16])
{
    struct md5 m;
    md5_init(&m);
    md5_update(&m, data, len);
    md5_final(&m, out);
}

static const char itoa64[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static char *to64(char *p, uint32_t v, int n)
{
    while (n-- > 0) {
        *p++ = itoa64[v & 0x3f];
        v >>= 6;
    }
    return p;
}

void md5crypt(const char *key, const char *salt, char *out, size_t size)
{
    struct md5 ctx, alt;
    uint8_t fin[16];
    size_t klen = strlen8(key), slen;
    char res[64], *p;

    if (str_starts8(salt, "$1$"))
        salt += 3;
    for (slen = 0; salt[slen] && salt[slen] != '$' && slen < 8; slen++)
        ;
    md5_init(&ctx);
    md5_update(&ctx, key, klen);
    md5_update(&ctx, "$1$", 3);
    md5_update(&ctx, salt, slen);
    md5_init(&alt);
    md5_update(&alt, key, klen);
    md5_update(&alt, salt, slen);
    md5_update(&alt, key, klen);
    md5_final(&alt, fin);
    for (size_t i = klen; i > 0; i -= MIN(i, 16))
        md5_update(&ctx, fin, MIN(i, 16));
    memset(fin, 0, sizeof(fin));
    for (size_t i = klen; i; i >>= 1)
        md5_update(&ctx, (i & 1) ? (const void *)fin : (const void *)key, 1);
    md5_final(&ctx, fin);
    for (int i = 0; i < 1000; i++) {
        md5_init(&ctx);
        if (i & 1)
            md5_update(&ctx, key, klen);
        else
            md5_update(&ctx, fin, 16);
        if (i % 3)
            md5_update(&ctx, salt, slen);
        if (i % 7)
            md5_update(&ctx, key, klen);
        if (i & 1)
            md5_update(&ctx, fin, 16);
        else
            md5_update(&ctx, key, klen);
        md5_final(&ctx, fin);
    }
    p = res + snprintf(res, sizeof(res), "$1$%.*s$", (int)slen, salt);
    p = to64(p, (uint32_t)fin[0] << 16 | (uint32_t)fin[6] << 8 | fin[12], 4);
    p = to64(p, (uint32_t)fin[1] << 16 | (uint32_t)fin[7] << 8 | fin[13], 4);
    p = to64(p, (uint32_t)fin[2] << 16 | (uint32_t)fin[8] << 8 | fin[14], 4);
    p = to64(p, (uint32_t)fin[3] << 16 | (uint32_t)fin[9] << 8 | fin[15], 4);
    p = to64(p, (uint32_t)fin[4] << 16 | (uint32_t)fin[10] << 8 | fin[5], 4);
    p = to64(p, fin[11], 2);
    *p = 0;
    strlcpy8(out, res, size);
}

bool menu_password_ok(const char *stored, bool md5, const char *typed)
{
    char hash[64];
    if (!md5)
        return strcmp8(stored, typed) == 0;
    md5crypt(typed, stored, hash, sizeof(hash));
    return strcmp8(hash, stored) == 0;
}
