/*
 * Unifont .hex fonts: index on load, decode on draw (see hexfont.h).
 *
 * Indexing is one pass over the text that reads only each line's code and
 * the length of its bits, so the cost is the memchr over the file and a
 * sort when the file is not in order (unifont's is). A glyph's bits are
 * checked when it is decoded: a line with a bad digit is a missing glyph.
 */
#include "hexfont.h"
#include "shell.h"

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Hex digits of the bits of a glyph w pixels wide and h high. */
static unsigned digits_for(unsigned w, unsigned h)
{
    return h * 2 * ((w + 7) / 8);
}

/* The first '\n' in [p, end), 8 bytes at a time (a full unifont.hex is 3.7 MB), or NULL. */
static const char *find_nl(const char *p, const char *end)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    const uint64_t nls = ones * '\n';
    while (p < end && ((uintptr_t)p & 7))
        if (*p++ == '\n')
            return p - 1;
    while (end - p >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        v ^= nls;
        if ((v - ones) & ~v & highs)
            break; /* a zero byte, which was a '\n', is in these 8 */
        p += 8;
    }
    for (; p < end; p++)
        if (*p == '\n')
            return p;
    return NULL;
}

static bool before(const struct hexfont_entry *x, const struct hexfont_entry *y)
{
    return x->cp < y->cp || (x->cp == y->cp && x->off < y->off);
}

/* Heapsort by code, then by place in the file: no recursion, no extra memory. */
static void sift(struct hexfont_entry *a, size_t i, size_t n)
{
    for (;;) {
        size_t c = 2 * i + 1;
        struct hexfont_entry t;
        if (c >= n)
            return;
        if (c + 1 < n && before(&a[c], &a[c + 1]))
            c++;
        if (!before(&a[i], &a[c]))
            return;
        t = a[i];
        a[i] = a[c];
        a[c] = t;
        i = c;
    }
}

static void sort_entries(struct hexfont_entry *a, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift(a, i, n);
    while (n > 1) {
        struct hexfont_entry t = a[0];
        a[0] = a[--n];
        a[n] = t;
        sift(a, 0, n);
    }
}

int hexfont_load(char *text, size_t len, unsigned height, struct hexfont **out)
{
    struct hexfont *f;
    size_t cap = 0, pos = 0;
    unsigned half, full;
    bool sorted = true;
    *out = NULL;
    if (height < 2 || height > HEXFONT_MAX_HEIGHT || height % 2) {
        free(text);
        return shell_error(-EINVAL, "a height of %u is not an even number from 2 to %d",
                           height, HEXFONT_MAX_HEIGHT);
    }
    if (len > UINT32_MAX) {
        free(text);
        return shell_error(-ERANGE, "a font file of 4 GiB or more");
    }
    half = digits_for(height / 2, height);
    full = digits_for(height, height);
    f = calloc(1, sizeof(*f));
    if (!f) {
        free(text);
        return -ENOMEM;
    }
    f->text = text;
    f->len = len;
    f->height = height;
    while (pos < len) {
        const char *line = text + pos, *nl = find_nl(line, text + len);
        size_t n = nl ? (size_t)(nl - line) : len - pos, k = 0, bits;
        uint32_t cp = 0;
        pos += n + 1;
        while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
            n--;
        /* CODE: 4 to 6 hex digits, then ':' */
        while (k < n && k < 7 && hexval((unsigned char)line[k]) >= 0)
            cp = cp << 4 | (uint32_t)hexval((unsigned char)line[k++]);
        if (k < 4 || k > 6 || k >= n || line[k] != ':' || cp > 0x10FFFF)
            continue;
        bits = n - k - 1;
        if (bits != half && bits != full)
            continue;
        if (f->n == cap) {
            size_t ncap = cap ? cap * 2 : 256;
            struct hexfont_entry *ni = realloc(f->index, ncap * sizeof(*ni));
            if (!ni) {
                hexfont_free(f);
                return -ENOMEM;
            }
            f->index = ni;
            cap = ncap;
        }
        if (f->n && f->index[f->n - 1].cp >= cp)
            sorted = false;
        f->index[f->n].cp = cp;
        f->index[f->n].off = (uint32_t)(line + k + 1 - text);
        f->index[f->n].len = (uint16_t)bits;
        f->n++;
    }
    if (f->n == 0) {
        hexfont_free(f);
        return shell_error(-EINVAL, "no glyph of height %u (lines CODE:BITS with %u or "
                           "%u hex digits)", height, half, full);
    }
    if (!sorted) {
        /* in order of code, the first of a code kept (as a file read top down) */
        size_t w = 0;
        sort_entries(f->index, f->n);
        for (size_t i = 0; i < f->n; i++)
            if (w == 0 || f->index[w - 1].cp != f->index[i].cp)
                f->index[w++] = f->index[i];
        f->n = w;
    }
    *out = f;
    return 0;
}

void hexfont_free(struct hexfont *f)
{
    if (!f)
        return;
    free(f->index);
    free(f->text);
    free(f);
}

int hexfont_glyph(const struct hexfont *f, uint32_t cp, uint64_t rows[HEXFONT_MAX_HEIGHT],
                  unsigned *width)
{
    size_t lo = 0, hi = f->n;
    const struct hexfont_entry *e = NULL;
    unsigned w, row_digits;
    const char *p;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->index[mid].cp < cp) {
            lo = mid + 1;
        } else if (f->index[mid].cp > cp) {
            hi = mid;
        } else {
            e = &f->index[mid];
            break;
        }
    }
    if (!e)
        return -ENOENT;
    w = e->len == digits_for(f->height / 2, f->height) ? f->height / 2 : f->height;
    row_digits = e->len / f->height;
    p = f->text + e->off;
    for (unsigned r = 0; r < f->height; r++) {
        uint64_t v = 0;
        for (unsigned d = 0; d < row_digits; d++) {
            int x = hexval((unsigned char)p[r * row_digits + d]);
            if (x < 0)
                return -ENOENT;
            v = v << 4 | (uint64_t)x;
        }
        /* the row's bits, left-aligned to bit 63 */
        rows[r] = row_digits * 4 < 64 ? v << (64 - row_digits * 4) : v;
    }
    *width = w;
    return 0;
}
