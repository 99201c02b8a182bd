/*
 * The freestanding libc subset (see libc.h). Simple byte loops: the hot copies
 * of large buffers will get their own paths where a benchmark says so.
 */
#include "libc.h"
#include "err.h"
#include "platform.h"

void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    /* word copies when both are aligned alike: this is the common big case */
    if ((((uintptr_t)d ^ (uintptr_t)s) & 7) == 0) {
        while (n && ((uintptr_t)d & 7)) {
            *d++ = *s++;
            n--;
        }
        for (; n >= 8; n -= 8, d += 8, s += 8)
            *(uint64_t *)(void *)d = *(const uint64_t *)(const void *)s;
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d == s || n == 0)
        return dst;
    if (d < s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    uint64_t w = 0x0101010101010101ULL * (uint8_t)c;
    /* word stores once aligned: calloc and buffer clearing are big cases */
    while (n && ((uintptr_t)d & 7)) {
        *d++ = (uint8_t)c;
        n--;
    }
    for (; n >= 8; n -= 8, d += 8)
        *(uint64_t *)(void *)d = w;
    while (n--)
        *d++ = (uint8_t)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x < *y ? -1 : 1;
    return 0;
}

size_t strlen8(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

size_t strnlen8(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strcmp8(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp8(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

int strcasecmp8(const char *a, const char *b)
{
    return strncasecmp8(a, b, SIZE_MAX);
}

int strncasecmp8(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        int x = to_lower((unsigned char)*a), y = to_lower((unsigned char)*b);
        if (x != y)
            return x - y;
        if (!x)
            return 0;
    }
    return 0;
}

char *strchr8(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

char *strrchr8(const char *s, int c)
{
    const char *hit = NULL;
    for (;; s++) {
        if (*s == (char)c)
            hit = s;
        if (!*s)
            return (char *)hit;
    }
}

char *strstr8(const char *hay, const char *needle)
{
    size_t n = strlen8(needle);
    for (; *hay; hay++)
        if (strncmp8(hay, needle, n) == 0)
            return (char *)hay;
    return n == 0 ? (char *)hay : NULL;
}

size_t strlcpy8(char *dst, const char *src, size_t size)
{
    size_t len = strlen8(src);
    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = 0;
    }
    return len;
}

void utf8_copy(char *dst, size_t size, const char *src)
{
    size_t n = strlen8(src);
    if (n >= size) {
        n = size - 1;
        while (n && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, src, n);
    dst[n] = 0;
}

size_t strlcat8(char *dst, const char *src, size_t size)
{
    size_t have = strnlen8(dst, size);
    if (have == size)
        return size + strlen8(src);
    return have + strlcpy8(dst + have, src, size - have);
}

char *strndup8(const char *s, size_t n)
{
    size_t len = strnlen8(s, n);
    char *p = malloc(len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = 0;
    }
    return p;
}

char *strdup8(const char *s)
{
    return strndup8(s, SIZE_MAX);
}

bool str_starts8(const char *s, const char *prefix)
{
    return strncmp8(s, prefix, strlen8(prefix)) == 0;
}

bool str_starts_case8(const char *s, const char *prefix)
{
    return strncasecmp8(s, prefix, strlen8(prefix)) == 0;
}

size_t strlen16(const uint16_t *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

uint32_t utf8_decode(const char *str, size_t *len)
{
    const unsigned char *s = (const unsigned char *)str;
    uint32_t cp;
    size_t need, i;
    if (s[0] < 0x80) {
        *len = 1;
        return s[0];
    }
    if ((s[0] & 0xE0) == 0xC0) {
        cp = s[0] & 0x1F;
        need = 1;
    } else if ((s[0] & 0xF0) == 0xE0) {
        cp = s[0] & 0x0F;
        need = 2;
    } else if ((s[0] & 0xF8) == 0xF0) {
        cp = s[0] & 0x07;
        need = 3;
    } else {
        *len = 1;
        return 0xFFFD;
    }
    for (i = 1; i <= need; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *len = i;
            return 0xFFFD;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    *len = need + 1;
    /*
     * Overlong forms ("\xc0\xaf" for '/', "\xc0\x80" for NUL), UTF-16
     * surrogates and values past U+10FFFF are bad bytes too: decoding them
     * would let a path or name hide characters from a check.
     */
    if (cp < (need == 1 ? 0x80u : need == 2 ? 0x800u : 0x10000u) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return 0xFFFD;
    return cp;
}

uint32_t utf8_decode_n(const char *s, const char *end, size_t *len)
{
    uint32_t cp;
    if (end - s >= 4) {
        cp = utf8_decode(s, len);
    } else {
        char tail[4] = { 0 };
        memcpy(tail, s, (size_t)(end - s));
        cp = utf8_decode(tail, len);
    }
    if (*len == 0)
        *len = 1;
    return cp;
}

size_t utf8_width(const char *s)
{
    size_t n = 0, len;
    while (*s) {
        utf8_decode(s, &len);
        s += len;
        n++;
    }
    return n;
}

size_t utf8_to_ucs2(uint16_t *dst, size_t dst_chars, const char *src)
{
    size_t n = 0, len;
    if (!dst_chars)
        return 0;
    while (*src && n + 1 < dst_chars) {
        uint32_t cp = utf8_decode(src, &len);
        src += len;
        dst[n++] = cp > 0xFFFF ? '?' : (uint16_t)cp;
    }
    dst[n] = 0;
    return n;
}

size_t utf8_encode(uint32_t cp, char out[4])
{
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t ucs2_to_utf8(char *dst, size_t dst_size, const uint16_t *src)
{
    size_t n = 0;
    if (!dst_size)
        return 0;
    for (; *src; src++) {
        char tmp[4];
        size_t k = utf8_encode(*src, tmp);
        if (n + k >= dst_size)
            break;
        memcpy(dst + n, tmp, k);
        n += k;
    }
    dst[n] = 0;
    return n;
}

static int digit_value(int c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

/* The shared body of strtoull/strtoll: magnitude, sign and overflow flag. */
static unsigned long long parse_mag(const char *s, char **end, int base, bool *neg, bool *ovf)
{
    const char *p = s;
    unsigned long long v = 0;
    bool any = false;
    *neg = false;
    *ovf = false;
    while (is_space((unsigned char)*p))
        p++;
    if (*p == '+' || *p == '-')
        *neg = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        is_xdigit((unsigned char)p[2])) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }
    for (;; p++) {
        int d = digit_value((unsigned char)*p);
        if (d >= base)
            break;
        if (v > (~0ULL - (unsigned)d) / (unsigned)base)
            *ovf = true;
        v = v * (unsigned)base + (unsigned)d;
        any = true;
    }
    if (end)
        *end = (char *)(any ? p : s);
    return v;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
    bool neg, ovf;
    unsigned long long v = parse_mag(s, end, base, &neg, &ovf);
    if (ovf)
        return ~0ULL;
    /* negate as unsigned: -(long long)v overflows for "-9223372036854775808" */
    return neg ? 0 - v : v;
}

long long strtoll(const char *s, char **end, int base)
{
    bool neg, ovf;
    unsigned long long v = parse_mag(s, end, base, &neg, &ovf);
    if (neg) {
        if (ovf || v > (unsigned long long)0x7FFFFFFFFFFFFFFFLL + 1)
            return -0x7FFFFFFFFFFFFFFFLL - 1;
        return (long long)(0 - v);
    }
    if (ovf || v > (unsigned long long)0x7FFFFFFFFFFFFFFFLL)
        return 0x7FFFFFFFFFFFFFFFLL;
    return (long long)v;
}

int parse_unum(const char *s, unsigned long long *out)
{
    bool neg, ovf;
    char *end;
    unsigned long long v;
    if (!*s || is_space((unsigned char)*s) || *s == '+' || *s == '-')
        return -EINVAL;
    v = parse_mag(s, &end, 0, &neg, &ovf);
    /* grub4dos numbers are decimal or 0x hex; a leading 0 does not mean octal */
    if (s[0] == '0' && s[1] != 'x' && s[1] != 'X')
        v = parse_mag(s, &end, 10, &neg, &ovf);
    if (end == s || *end)
        return -EINVAL;
    if (ovf)
        return -ERANGE;
    *out = v;
    return 0;
}

int parse_num(const char *s, long long *out)
{
    unsigned long long v;
    bool neg = *s == '-';
    int rc;
    if (*s == '-' || *s == '+')
        s++;
    if (*s == '-' || *s == '+')
        return -EINVAL;
    rc = parse_unum(s, &v);
    if (rc)
        return rc;
    if (neg) {
        if (v > (unsigned long long)0x7FFFFFFFFFFFFFFFLL + 1)
            return -ERANGE;
        *out = (long long)(0 - v);
    } else {
        /* 0xFFFFFFFFFFFFFFFF is a valid 64-bit pattern in scripts: keep its bits */
        *out = (long long)v;
    }
    return 0;
}

/* ---- formatted output ---- */

struct outbuf {
    char *buf;
    size_t size, len;
};

static void out_c(struct outbuf *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void out_pad(struct outbuf *o, char c, int n)
{
    while (n-- > 0)
        out_c(o, c);
}

static void out_num(struct outbuf *o, unsigned long long v, bool neg, int base, bool upper,
                    int width, int prec, bool left, bool zero, char plus)
{
    char tmp[24];
    int n = 0, len;
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    /* C: zero with a precision of zero is no digits at all ("%.0d") */
    while (v || (n == 0 && prec != 0)) {
        tmp[n++] = digits[v % (unsigned)base];
        v /= (unsigned)base;
    }
    len = n > prec ? n : prec;
    if (neg || plus)
        len++;
    if (!left && !(zero && prec < 0))
        out_pad(o, ' ', width - len);
    if (neg)
        out_c(o, '-');
    else if (plus)
        out_c(o, plus);
    if (!left && zero && prec < 0)
        out_pad(o, '0', width - len);
    out_pad(o, '0', prec - n);
    while (n)
        out_c(o, tmp[--n]);
    if (left)
        out_pad(o, ' ', width - len);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct outbuf o = { buf, size, 0 };
    for (; *fmt; fmt++) {
        bool left = false, zero = false;
        char plus = 0;
        int width = 0, prec = -1, lng = 0, half = 0; /* half: 1 for h, 2 for hh */
        if (*fmt != '%') {
            out_c(&o, *fmt);
            continue;
        }
        for (fmt++;; fmt++) {
            if (*fmt == '-')
                left = true;
            else if (*fmt == '0')
                zero = true;
            else if (*fmt == '+')
                plus = '+';
            else if (*fmt == ' ')
                plus = plus ? plus : ' ';
            else
                break;
        }
        if (*fmt == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                left = true;
                width = -width;
            }
            fmt++;
        } else {
            while (is_digit(*fmt))
                width = width * 10 + (*fmt++ - '0');
        }
        if (*fmt == '.') {
            fmt++;
            prec = 0;
            if (*fmt == '*') {
                prec = va_arg(ap, int);
                fmt++;
            } else {
                while (is_digit(*fmt))
                    prec = prec * 10 + (*fmt++ - '0');
            }
        }
        for (;; fmt++) {
            if (*fmt == 'l')
                lng++;
            else if (*fmt == 'z' || *fmt == 'j')
                lng = 2;
            else if (*fmt == 'h')
                half++;
            else
                break;
        }
        switch (*fmt) {
        case 'c':
            if (!left)
                out_pad(&o, ' ', width - 1);
            out_c(&o, (char)va_arg(ap, int));
            if (left)
                out_pad(&o, ' ', width - 1);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            int n;
            if (!s)
                s = "(null)";
            n = (int)(prec >= 0 ? strnlen8(s, (size_t)prec) : strlen8(s));
            if (!left)
                out_pad(&o, ' ', width - n);
            for (int i = 0; i < n; i++)
                out_c(&o, s[i]);
            if (left)
                out_pad(&o, ' ', width - n);
            break;
        }
        case 'd':
        case 'i': {
            long long v = lng >= 2 ? va_arg(ap, long long) : lng == 1 ? va_arg(ap, long) : va_arg(ap, int);
            unsigned long long m;
            /* %hd and %hhd print the promoted int's low 16 or 8 bits, as C says */
            if (!lng && half)
                v = half == 1 ? (short)v : (signed char)v;
            m = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
            out_num(&o, m, v < 0, 10, false, width, prec, left, zero, plus);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            unsigned long long v = lng >= 2 ? va_arg(ap, unsigned long long)
                                 : lng == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            int base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
            if (!lng && half)
                v = half == 1 ? (unsigned short)v : (unsigned char)v;
            out_num(&o, v, false, base, *fmt == 'X', width, prec, left, zero, 0);
            break;
        }
        case 'p':
            out_c(&o, '0');
            out_c(&o, 'x');
            out_num(&o, (uintptr_t)va_arg(ap, void *), false, 16, false, width, prec, left, zero, 0);
            break;
        case '%':
            out_c(&o, '%');
            break;
        case 0:
            fmt--;
            break;
        default:
            out_c(&o, '%');
            out_c(&o, *fmt);
            break;
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = 0;
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

char *asprintf8(const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    p = malloc((size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

/* ---- memory: a size header in front of each block so realloc can copy ---- */

struct alloc_hdr {
    size_t size;
    size_t pad; /* keep the payload 16-byte aligned */
};

void *malloc(size_t n)
{
    struct alloc_hdr *h;
    if (n > SIZE_MAX - sizeof(*h))
        return NULL;
    h = plat_alloc(sizeof(*h) + n);
    if (!h)
        return NULL;
    h->size = n;
    return h + 1;
}

void *calloc(size_t n, size_t size)
{
    void *p;
    if (size && n > SIZE_MAX / size)
        return NULL;
    p = malloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void free(void *p)
{
    if (p)
        plat_free((struct alloc_hdr *)p - 1);
}

void *realloc(void *p, size_t n)
{
    void *q;
    size_t old;
    if (!p)
        return malloc(n);
    old = ((struct alloc_hdr *)p - 1)->size;
    q = malloc(n);
    if (!q)
        return NULL;
    memcpy(q, p, old < n ? old : n);
    free(p);
    return q;
}
