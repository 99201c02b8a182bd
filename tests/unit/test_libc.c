/*
 * The freestanding libc subset (src/libc.c) against glibc, over many
 * generated inputs, as systemd-boot's test-efi-string.c does. In the host
 * build ours are renamed mb_* (libc.h); their prototypes are declared here
 * because test files define MB_HOST_SIDE and see glibc's under the usual names.
 */
#include "test.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdarg.h>
#include <strings.h>
#include <wchar.h>

void *mb_memcpy(void *dst, const void *src, size_t n);
void *mb_memmove(void *dst, const void *src, size_t n);
void *mb_memset(void *dst, int c, size_t n);
int mb_memcmp(const void *a, const void *b, size_t n);
void *mb_calloc(size_t n, size_t size);
void *mb_realloc(void *p, size_t n);
int mb_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int mb_snprintf(char *buf, size_t size, const char *fmt, ...);
unsigned long long mb_strtoull(const char *s, char **end, int base);
long long mb_strtoll(const char *s, char **end, int base);

/* A fixed-seed generator, so a failure is the same on every run. */
static uint64_t rng_state;
static void rng_seed(uint64_t s)
{
    rng_state = s ? s : 0x9E3779B97F4A7C15ULL;
}
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static unsigned rnd(unsigned n)
{
    return (unsigned)(rng() % n);
}

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

/* A random string of length < maxlen over the characters of alphabet. */
static void rand_str(char *s, size_t maxlen, const char *alphabet)
{
    size_t n = rnd((unsigned)maxlen), k = strlen(alphabet);
    for (size_t i = 0; i < n; i++)
        s[i] = alphabet[rnd((unsigned)k)];
    s[n] = 0;
}

/* ---- memory ---- */

TEST(libc_memcpy_memmove_differential)
{
    unsigned char a[256], b[256];
    rng_seed(1);
    for (int iter = 0; iter < 20000; iter++) {
        size_t n = rnd(120), src = rnd(256 - 120), dst = rnd(256 - 120);
        for (size_t i = 0; i < sizeof(a); i++)
            a[i] = b[i] = (unsigned char)rng();
        if (iter & 1) {
            ok(mb_memmove(a + dst, a + src, n) == a + dst);
            memmove(b + dst, b + src, n);
        } else {
            /* memcpy needs disjoint ranges: copy between the halves of two buffers */
            unsigned char c[256];
            memcpy(c, a, sizeof(c));
            ok(mb_memcpy(a + dst, c + src, n) == a + dst);
            memcpy(b + dst, c + src, n);
        }
        if (memcmp(a, b, sizeof(a)) != 0) {
            printf("    mem%s n=%zu src=%zu dst=%zu\n", (iter & 1) ? "move" : "cpy", n, src, dst);
            ok(0);
            break;
        }
    }
}

TEST(libc_memset_memcmp_differential)
{
    unsigned char a[200], b[200];
    rng_seed(2);
    for (int iter = 0; iter < 20000; iter++) {
        size_t n = rnd(100), off = rnd(100);
        int c = (int)rng();
        for (size_t i = 0; i < sizeof(a); i++)
            a[i] = b[i] = (unsigned char)rnd(4);
        ok(mb_memset(a + off, c, n) == a + off);
        memset(b + off, c, n);
        ok(memcmp(a, b, sizeof(a)) == 0);
        /* memcmp over small alphabets, so equal prefixes are common */
        for (size_t i = 0; i < sizeof(a); i++) {
            a[i] = (unsigned char)(rnd(3) ? 'a' : 0x80 + rnd(3));
            b[i] = (unsigned char)(rnd(3) ? 'a' : 0x80 + rnd(3));
        }
        n = rnd(8);
        if (sign(mb_memcmp(a, b, n)) != sign(memcmp(a, b, n))) {
            printf("    memcmp n=%zu\n", n);
            ok(0);
            break;
        }
    }
}

TEST(libc_memmove_big_overlap)
{
    size_t n = 1 << 16;
    unsigned char *a = malloc(n + 64), *b = malloc(n + 64);
    for (size_t i = 0; i < n + 64; i++)
        a[i] = b[i] = (unsigned char)(i * 7);
    mb_memmove(a + 3, a, n);
    memmove(b + 3, b, n);
    ok(memcmp(a, b, n + 64) == 0);
    mb_memmove(a, a + 9, n);
    memmove(b, b + 9, n);
    ok(memcmp(a, b, n + 64) == 0);
    free(a);
    free(b);
}

TEST(libc_malloc_realloc_calloc)
{
    char *p = mb_malloc(10), *q;
    unsigned char *z;
    ok(p != NULL);
    memcpy(p, "012345678", 10);
    q = mb_realloc(p, 100000);
    ok(q && strcmp(q, "012345678") == 0);
    q = mb_realloc(q, 4);
    ok(q && memcmp(q, "0123", 4) == 0);
    mb_free(q);
    z = mb_calloc(1000, 3);
    ok(z != NULL);
    for (int i = 0; z && i < 3000; i++)
        if (z[i])
            ok(0);
    mb_free(z);
    /* overflow of n * size is refused, not wrapped */
    ok(mb_calloc(SIZE_MAX / 2, 3) == NULL);
    ok(mb_malloc(SIZE_MAX - 4) == NULL);
    mb_free(NULL);
    q = mb_realloc(NULL, 8);
    ok(q != NULL);
    mb_free(q);
}

/* ---- strings ---- */

TEST(libc_strlen_strnlen_differential)
{
    char s[80];
    rng_seed(3);
    for (int iter = 0; iter < 10000; iter++) {
        size_t max = rnd(90);
        rand_str(s, sizeof(s), "ab\x80\xff");
        ok(strlen8(s) == strlen(s));
        ok(strnlen8(s, max) == strnlen(s, max));
    }
    ok(strlen8("") == 0);
    ok(strnlen8("abc", 0) == 0);
}

TEST(libc_strcmp_family_differential)
{
    char a[16], b[16];
    static const char alpha[] = "aAbB\x80\xc3\xe9";
    rng_seed(4);
    for (int iter = 0; iter < 50000; iter++) {
        size_t n = rnd(12);
        rand_str(a, 10, alpha);
        if (rnd(4) == 0)
            strcpy(b, a);
        else
            rand_str(b, 10, alpha);
        if (sign(strcmp8(a, b)) != sign(strcmp(a, b)) ||
            sign(strncmp8(a, b, n)) != sign(strncmp(a, b, n)) ||
            sign(strcasecmp8(a, b)) != sign(strcasecmp(a, b)) ||
            sign(strncasecmp8(a, b, n)) != sign(strncasecmp(a, b, n))) {
            printf("    strcmp family: \"%s\" \"%s\" n=%zu\n", a, b, n);
            ok(0);
            break;
        }
    }
}

TEST(libc_strchr_strrchr_strstr_differential)
{
    char h[40], nd[6];
    rng_seed(5);
    for (int iter = 0; iter < 50000; iter++) {
        int c = "abc\x80\0"[rnd(5)];
        rand_str(h, 30, "abc\x80");
        rand_str(nd, 4, "abc");
        if (strchr8(h, c) != strchr(h, c) || strrchr8(h, c) != strrchr(h, c) ||
            strstr8(h, nd) != strstr(h, nd)) {
            printf("    \"%s\" c=%d needle \"%s\"\n", h, c, nd);
            ok(0);
            break;
        }
    }
    ok(strstr8("", "") != NULL);
    ok(strstr8("", "a") == NULL);
}

/* strlcpy/strlcat are not in this glibc: compare with their BSD definition. */
static size_t ref_strlcpy(char *d, const char *s, size_t size)
{
    size_t n = strlen(s);
    if (size) {
        size_t k = n < size - 1 ? n : size - 1;
        memcpy(d, s, k);
        d[k] = 0;
    }
    return n;
}

static size_t ref_strlcat(char *d, const char *s, size_t size)
{
    size_t have = strnlen(d, size);
    if (have == size)
        return size + strlen(s);
    return have + ref_strlcpy(d + have, s, size - have);
}

TEST(libc_strlcpy_strlcat_reference)
{
    char a[32], b[32], src[24];
    rng_seed(6);
    for (int iter = 0; iter < 20000; iter++) {
        size_t size = rnd(20);
        rand_str(src, sizeof(src), "xyz");
        memset(a, '#', sizeof(a));
        memset(b, '#', sizeof(b));
        ok(strlcpy8(a, src, size) == ref_strlcpy(b, src, size));
        ok(memcmp(a, b, sizeof(a)) == 0);
        rand_str(a, 12, "pq");
        strcpy(b, a);
        size = rnd(20);
        ok(strlcat8(a, src, size) == ref_strlcat(b, src, size));
        ok(memcmp(a, b, sizeof(a)) == 0);
    }
}

TEST(libc_strdup_strndup_starts)
{
    char *p = strdup8("hello");
    ok_str(p, "hello");
    mb_free(p);
    p = strndup8("hello", 3);
    ok_str(p, "hel");
    mb_free(p);
    p = strndup8("hi", 10);
    ok_str(p, "hi");
    mb_free(p);
    ok(str_starts8("title x", "title"));
    ok(!str_starts8("tit", "title"));
    ok(str_starts_case8("TITLE x", "title"));
    ok(str_starts8("x", ""));
}

/* ---- numbers ---- */

TEST(libc_strtoull_strtoll_differential)
{
    static const char *const fixed[] = {
        "", " ", "0", "-0", "+0", "00", "0x", "0X", "0x1f", "0XAbC", "0xg", "08", "0777",
        "  \t\n42", "+-1", "-+1", "--1", "123abc", "18446744073709551615",
        "18446744073709551616", "99999999999999999999999", "-18446744073709551615",
        "-18446744073709551616", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "-9223372036854775809", "0xffffffffffffffff",
        "0x10000000000000000", "zz", "Zz", "1e5", "0b101", "\3771",
    };
    static const int bases[] = { 0, 2, 8, 10, 16, 36 };
    char s[40];
    rng_seed(7);
    for (int iter = 0; iter < 200000; iter++) {
        const char *str;
        int base = bases[rnd(ARRAY_SIZE(bases))];
        char *e1, *e2, *f1, *f2;
        unsigned long long u1, u2;
        long long l1, l2;
        if (iter < (int)(ARRAY_SIZE(fixed) * ARRAY_SIZE(bases))) {
            str = fixed[iter / (int)ARRAY_SIZE(bases)];
            base = bases[iter % (int)ARRAY_SIZE(bases)];
        } else {
            static const char *const alphabets[] = { "0123456789", "0x1fF -+", "01 \t",
                                                     "0123456789abcdefxXzZ" };
            /* numbers long enough to overflow sometimes */
            rand_str(s, rnd(2) ? 8 : 30, alphabets[rnd(ARRAY_SIZE(alphabets))]);
            str = s;
        }
        u1 = mb_strtoull(str, &e1, base);
        u2 = strtoull(str, &e2, base);
        l1 = mb_strtoll(str, &f1, base);
        l2 = strtoll(str, &f2, base);
        if (u1 != u2 || l1 != l2 || e1 != e2 || f1 != f2) {
            printf("    \"%s\" base %d: ours %llu %lld +%td +%td, glibc %llu %lld +%td +%td\n",
                   str, base, u1, l1, e1 - str, f1 - str, u2, l2, e2 - str, f2 - str);
            ok(0);
            break;
        }
        /* a NULL end pointer is allowed */
        ok(mb_strtoull(str, NULL, base) == u2);
    }
}

/* parse_unum/parse_num: the whole string, decimal or 0x hex; a leading 0 is not octal. */
static int ref_parse_unum(const char *s, unsigned long long *out)
{
    const char *digits = s;
    int base = 10;
    char *end;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isxdigit((unsigned char)s[2])) {
        digits = s + 2;
        base = 16;
    }
    if (!*digits)
        return -EINVAL;
    for (const char *p = digits; *p; p++)
        if (base == 10 ? !isdigit((unsigned char)*p) : !isxdigit((unsigned char)*p))
            return -EINVAL;
    errno = 0;
    *out = strtoull(digits, &end, base);
    return errno == ERANGE ? -ERANGE : 0;
}

static int ref_parse_num(const char *s, long long *out)
{
    bool neg = *s == '-';
    unsigned long long v;
    int rc;
    if (*s == '-' || *s == '+')
        s++;
    if (*s == '-' || *s == '+')
        return -EINVAL;
    rc = ref_parse_unum(s, &v);
    if (rc)
        return rc;
    if (neg && v > (unsigned long long)LLONG_MAX + 1)
        return -ERANGE;
    *out = neg ? (long long)(0 - v) : (long long)v;
    return 0;
}

TEST(libc_parse_num_reference)
{
    char s[32];
    rng_seed(8);
    for (int iter = 0; iter < 100000; iter++) {
        unsigned long long u1 = 1, u2 = 2;
        long long l1 = 1, l2 = 2;
        int r1, r2, q1, q2;
        rand_str(s, rnd(2) ? 6 : 26, rnd(2) ? "0123456789" : "0x9aF+- ");
        r1 = parse_unum(s, &u1);
        r2 = ref_parse_unum(s, &u2);
        q1 = parse_num(s, &l1);
        q2 = ref_parse_num(s, &l2);
        if (r1 != r2 || (r1 == 0 && u1 != u2) || q1 != q2 || (q1 == 0 && l1 != l2)) {
            printf("    \"%s\": ours %d %llu / %d %lld, ref %d %llu / %d %lld\n", s, r1, u1, q1,
                   l1, r2, u2, q2, l2);
            ok(0);
            break;
        }
    }
}

TEST(libc_parse_num_cases)
{
    long long v;
    unsigned long long u;
    ok(parse_num("010", &v) == 0 && v == 10);
    ok(parse_num("0x10", &v) == 0 && v == 16);
    ok(parse_num("-0x10", &v) == 0 && v == -16);
    ok(parse_num("0xFFFFFFFFFFFFFFFF", &v) == 0 && v == -1);
    ok(parse_num("-9223372036854775808", &v) == 0 && v == LLONG_MIN);
    ok(parse_num("-9223372036854775809", &v) == -ERANGE);
    ok(parse_unum("18446744073709551616", &u) == -ERANGE);
    ok(parse_num("", &v) == -EINVAL);
    ok(parse_num("-", &v) == -EINVAL);
    ok(parse_num(" 1", &v) == -EINVAL);
    ok(parse_num("1 ", &v) == -EINVAL);
    ok(parse_num("1k", &v) == -EINVAL);
    ok(parse_unum("-1", &u) == -EINVAL);
}

/* ---- snprintf ---- */

enum argkind { A_INT, A_LONG, A_LLONG, A_SIZE, A_INTMAX, A_SHORT, A_CHAR, A_STR, A_PTR };

static long long rand_value(void)
{
    static const long long edge[] = { 0, 1, -1, 7, -7, 255, 65535, 2147483647, -2147483647 - 1,
                                      4294967295LL, LLONG_MAX, LLONG_MIN, 0x123456789abcLL };
    if (rnd(3) == 0)
        return edge[rnd(ARRAY_SIZE(edge))];
    return (long long)(rng() >> rnd(64));
}

/*
 * Format one conversion both ways into buffers of a random size and compare
 * return values and text. The format is built at run time, so this calls
 * through a helper that passes the same arguments to both.
 */
static bool one_format(const char *fmt, enum argkind kind, int w, int p, bool star_w, bool star_p,
                       long long v, const char *str, size_t size)
{
    char a[512], b[512];
    int ra, rb;
    memset(a, '#', sizeof(a));
    memset(b, '#', sizeof(b));
#define BOTH(...)                                                              \
    do {                                                                       \
        ra = mb_snprintf(a, size, fmt, __VA_ARGS__);                           \
        rb = snprintf(b, size, fmt, __VA_ARGS__);                              \
    } while (0)
#define WITH_STARS(arg)                                                        \
    do {                                                                       \
        if (star_w && star_p)                                                  \
            BOTH(w, p, arg);                                                   \
        else if (star_w)                                                       \
            BOTH(w, arg);                                                      \
        else if (star_p)                                                       \
            BOTH(p, arg);                                                      \
        else                                                                   \
            BOTH(arg);                                                         \
    } while (0)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    switch (kind) {
    case A_INT: WITH_STARS((int)v); break;
    case A_SHORT: WITH_STARS((int)v); break;
    case A_CHAR: WITH_STARS((int)(v & 0x7f ? v & 0x7f : 'x')); break;
    case A_LONG: WITH_STARS((long)v); break;
    case A_LLONG: WITH_STARS(v); break;
    case A_SIZE: WITH_STARS((size_t)v); break;
    case A_INTMAX: WITH_STARS((intmax_t)v); break;
    case A_STR: WITH_STARS(str); break;
    case A_PTR: WITH_STARS((void *)(uintptr_t)(v | 1)); break;
    }
#pragma GCC diagnostic pop
#undef WITH_STARS
#undef BOTH
    if (ra != rb || memcmp(a, b, sizeof(a)) != 0) {
        printf("    format \"%s\" size %zu w=%d p=%d v=%lld: ours %d \"%.*s\", glibc %d \"%.*s\"\n",
               fmt, size, w, p, v, ra, (int)(size ? size - 1 : 0), a, rb,
               (int)(size ? size - 1 : 0), b);
        return false;
    }
    return true;
}

TEST(libc_snprintf_differential)
{
    static const char *const strs[] = { "", "a", "hello", "h\xc3\xa9llo", "a longer string here" };
    rng_seed(9);
    for (int iter = 0; iter < 200000; iter++) {
        char fmt[64], *f = fmt;
        static const char conv_int[] = "diuxXo";
        enum argkind kind;
        char conv;
        const char *len = "";
        bool star_w = false, star_p = false;
        int w = (int)rnd(25) - 5, p = (int)rnd(25) - 5;
        size_t size = rnd(6) ? rnd(40) + 1 : rnd(3);
        long long v = rand_value();
        const char *str = strs[rnd(ARRAY_SIZE(strs))];

        switch (rnd(8)) {
        case 0: conv = 's'; kind = A_STR; break;
        case 1: conv = 'c'; kind = A_CHAR; break;
        case 2: conv = 'p'; kind = A_PTR; break;
        default:
            conv = conv_int[rnd(6)];
            switch (rnd(7)) {
            case 0: len = "l"; kind = A_LONG; break;
            case 1: len = "ll"; kind = A_LLONG; break;
            case 2: len = "z"; kind = A_SIZE; break;
            case 3: len = "j"; kind = A_INTMAX; break;
            case 4: len = "h"; kind = A_SHORT; break;
            default: kind = A_INT; break;
            }
            break;
        }
        *f++ = 'x';
        *f++ = '%';
        /* flags: '0' only for numbers (glibc's meaning for %s/%c/%p is not ours to copy) */
        if (rnd(3) == 0)
            *f++ = '-';
        if (rnd(3) == 0 && kind != A_STR && kind != A_CHAR && kind != A_PTR)
            *f++ = '0';
        if (rnd(4) == 0 && (conv == 'd' || conv == 'i'))
            *f++ = '+';
        if (rnd(4) == 0 && (conv == 'd' || conv == 'i'))
            *f++ = ' ';
        /* width: none, digits or * (a negative * means '-') */
        switch (kind == A_PTR ? 0 : rnd(3)) {
        case 1:
            if (w > 0)
                f += sprintf(f, "%d", w);
            break;
        case 2:
            *f++ = '*';
            star_w = true;
            break;
        default:
            break;
        }
        /* precision: none, .N or .* (negative means none); not for %c and %p */
        if (kind != A_CHAR && kind != A_PTR) {
            switch (rnd(3)) {
            case 1:
                f += sprintf(f, ".%d", p < 0 ? 0 : p);
                break;
            case 2:
                f += sprintf(f, ".*");
                star_p = true;
                break;
            default:
                break;
            }
        }
        f += sprintf(f, "%s%cy", len, conv);
        if (!one_format(fmt, kind, w, p, star_w, star_p, v, str, size)) {
            ok(0);
            break;
        }
    }
}

TEST(libc_snprintf_cases)
{
    char buf[64];
    ok(mb_snprintf(buf, sizeof(buf), "%s=%d %x %X %%", "n", -12, 255, 255) == 13);
    ok_str(buf, "n=-12 ff FF %");
    ok(mb_snprintf(buf, sizeof(buf), "[%5s][%-5s][%.2s]", "ab", "ab", "abc") == 18);
    ok_str(buf, "[   ab][ab   ][ab]");
    ok(mb_snprintf(buf, sizeof(buf), "%08.3d|%+d|% d", 5, 5, 5) == 14);
    ok_str(buf, "     005|+5| 5");
    ok(mb_snprintf(buf, sizeof(buf), "%lld %llu", LLONG_MIN, ULLONG_MAX) == 41);
    ok_str(buf, "-9223372036854775808 18446744073709551615");
    /* truncation: the return value is the full length, the buffer is terminated */
    ok(mb_snprintf(buf, 4, "abcdef") == 6);
    ok_str(buf, "abc");
    ok(mb_snprintf(NULL, 0, "%d", 12345) == 5);
    buf[0] = 'q';
    ok(mb_snprintf(buf, 1, "abc") == 3);
    ok(buf[0] == 0);
    /* a trailing lone '%' does not read past the format */
    ok(mb_snprintf(buf, sizeof(buf), "%s", "50%") == 3);
}

TEST(libc_asprintf8)
{
    char *p = asprintf8("%s-%d", "x", 42);
    ok_str(p, "x-42");
    mb_free(p);
    {
        char big[5000];
        memset(big, 'b', sizeof(big) - 1);
        big[sizeof(big) - 1] = 0;
        p = asprintf8("[%s]", big);
        ok(p && strlen(p) == sizeof(big) + 1);
        mb_free(p);
    }
}

/* ---- UTF-8 and UCS-2 ---- */

TEST(libc_utf8_decode_differential)
{
    unsigned char s[8];
    mbstate_t st;
    locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    locale_t old;
    ok(loc != (locale_t)0);
    if (!loc)
        return;
    old = uselocale(loc);
    rng_seed(10);
    for (int iter = 0; iter < 300000; iter++) {
        size_t n = 1 + rnd(4), len, r;
        uint32_t cp;
        wchar_t wc;
        static const unsigned char leads[] = { 0x41, 0x7f, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed,
                                               0xef, 0xf0, 0xf4, 0xf5, 0xf8, 0xff, 0x80, 0xbf };
        s[0] = rnd(2) ? leads[rnd(ARRAY_SIZE(leads))] : (unsigned char)rng();
        for (size_t i = 1; i < n; i++)
            s[i] = rnd(4) ? (unsigned char)(0x80 | rnd(64)) : (unsigned char)rng();
        s[n] = 0;
        if (s[0] == 0)
            continue;
        cp = utf8_decode((const char *)s, &len);
        memset(&st, 0, sizeof(st));
        r = mbrtowc(&wc, (const char *)s, n + 1, &st);
        /* glibc still decodes the old 4-byte forms past U+10FFFF; RFC 3629 does not */
        if (r != (size_t)-1 && r != (size_t)-2 && (uint32_t)wc > 0x10FFFF)
            r = (size_t)-1;
        if (r == (size_t)-1 || r == (size_t)-2) {
            if (cp != 0xFFFD || len < 1 || len > n) {
                printf("    %02x %02x %02x %02x: invalid for glibc, ours U+%04X len %zu\n", s[0],
                       s[1], s[2], s[3], cp, len);
                ok(0);
                break;
            }
        } else if (cp != (uint32_t)wc || len != r) {
            printf("    %02x %02x %02x %02x: glibc U+%04X len %zu, ours U+%04X len %zu\n", s[0],
                   s[1], s[2], s[3], (unsigned)wc, r, cp, len);
            ok(0);
            break;
        }
    }
    uselocale(old);
    freelocale(loc);
}

/* Encode a BMP code point the way any UTF-8 encoder does. */
static size_t ref_utf8(uint32_t c, char *o)
{
    if (c < 0x80) {
        o[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (char)(0xC0 | (c >> 6));
        o[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    o[0] = (char)(0xE0 | (c >> 12));
    o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
    o[2] = (char)(0x80 | (c & 0x3F));
    return 3;
}

TEST(libc_ucs2_utf8_roundtrip)
{
    uint16_t u[33], back[33];
    char want[100], got[100];
    rng_seed(11);
    for (int iter = 0; iter < 20000; iter++) {
        size_t n = rnd(32), wl = 0;
        for (size_t i = 0; i < n; i++) {
            uint16_t c;
            do
                c = (uint16_t)(rnd(3) == 0 ? 1 + rnd(0x7f) : 1 + rnd(0xfffe));
            while (c >= 0xD800 && c <= 0xDFFF);
            u[i] = c;
            wl += ref_utf8(c, want + wl);
        }
        u[n] = 0;
        want[wl] = 0;
        ok(ucs2_to_utf8(got, sizeof(got), u) == wl);
        ok(strcmp(got, want) == 0);
        ok(utf8_width(got) == n);
        ok(utf8_to_ucs2(back, ARRAY_SIZE(back), got) == n);
        ok(memcmp(back, u, (n + 1) * sizeof(uint16_t)) == 0);
        ok(strlen16(u) == n);
    }
}

TEST(libc_ucs2_utf8_truncation)
{
    static const uint16_t e[] = { 0x20AC, 0x20AC, 0 };
    uint16_t u[3];
    char o[8];
    /* a character that does not fit whole is left out */
    ok(ucs2_to_utf8(o, 5, e) == 3);
    ok_str(o, "\xe2\x82\xac");
    ok(ucs2_to_utf8(o, 0, e) == 0);
    ok(utf8_to_ucs2(u, 2, "abc") == 1);
    ok(u[0] == 'a' && u[1] == 0);
    ok(utf8_to_ucs2(u, 0, "abc") == 0);
    /* outside the BMP: '?' */
    ok(utf8_to_ucs2(u, 3, "\xf0\x9f\x98\x80") == 1);
    ok(u[0] == '?');
}

/* Regression: a sequence cut short by the end of the string does not read past it. */
TEST(libc_utf8_truncated_sequences)
{
    size_t len;
    ok(utf8_decode("\xe2\x82", &len) == 0xFFFD && len == 2);
    ok(utf8_decode("\xf0", &len) == 0xFFFD && len == 1);
    ok(utf8_width("\xe2\x82") == 1);
    ok(utf8_width("a\xff" "b") == 3);
}

/* a sequence cut by the end of the buffer decodes as U+FFFD and never reads past it */
TEST(utf8_decode_n_stops_at_the_end)
{
    const char text[] = "a\xE4\xB8\xAD";
    size_t len;
    ok(utf8_decode_n(text + 1, text + 4, &len) == 0x4E2D && len == 3);
    ok(utf8_decode_n(text + 1, text + 3, &len) == 0xFFFD && len >= 1 && len <= 2);
    ok(utf8_decode_n(text, text + 1, &len) == 'a' && len == 1);
}
