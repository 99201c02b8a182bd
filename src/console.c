/*
 * Console output with capture (see console.h). A capture is a growable
 * buffer; a discard is a capture whose text is thrown away on the fly.
 */
#include "console.h"
#include "err.h"
#include "platform.h"

struct capture {
    char *buf;
    size_t len, cap;
    bool discard;
    bool truncated; /* text was lost: the command that captured must fail */
};

#define CAPTURE_DEPTH 16
#define CAPTURE_MAX (16u << 20) /* a runaway producer must not eat all memory */

static struct capture captures[CAPTURE_DEPTH];
uint64_t con_screen_bytes, con_bytes_at_key;
static int ncaptures;

uint8_t con_color_normal = 0x07, con_color_highlight = 0x70, con_color_helptext = 0x07,
        con_color_heading = 0x07;

bool con_pager;
static int pager_lines; /* lines shown since the last key */

void con_pager_set(bool on)
{
    con_pager = on;
    pager_lines = 0;
}

/*
 * The pager (grub4dos' pager on): when a screenful has gone by since the
 * user last pressed a key, "-- more --" waits for one. Only screen output
 * counts; captures and > nul never wait.
 */
static void screen_write(const char *s, size_t n)
{
    int cols, rows;
    scr_size(&cols, &rows);
    while (n) {
        const char *nl = NULL;
        size_t k = n;
        for (size_t i = 0; con_pager && i < n && !nl; i++)
            if (s[i] == '\n')
                nl = s + i, k = i + 1;
        con_screen_bytes += k;
        scr_write(s, k);
        s += k;
        n -= k;
        if (nl && ++pager_lines >= rows - 1) {
            static const char more[] = "-- more --", wipe[] = "\r          \r";
            scr_write(more, sizeof(more) - 1);
            con_getkey(-1); /* a key typed ahead counts too */
            scr_write(wipe, sizeof(wipe) - 1);
            pager_lines = 0;
        }
    }
}

void con_write(const char *s, size_t n)
{
    struct capture *c;
    if (ncaptures == 0) {
        screen_write(s, n);
        return;
    }
    c = &captures[ncaptures - 1];
    if (c->discard)
        return;
    if (c->len + n + 1 > c->cap) {
        size_t cap = c->cap ? c->cap : 256;
        char *p;
        while (cap < c->len + n + 1)
            cap *= 2;
        if (cap > CAPTURE_MAX) {
            c->truncated = true;
            return;
        }
        p = realloc(c->buf, cap);
        if (!p) {
            c->truncated = true;
            return;
        }
        c->buf = p;
        c->cap = cap;
    }
    memcpy(c->buf + c->len, s, n);
    c->len += n;
    c->buf[c->len] = 0;
}

void con_puts(const char *s)
{
    con_write(s, strlen8(s));
}

int con_vprintf(const char *fmt, va_list ap)
{
    char small[256];
    va_list ap2;
    int n;
    va_copy(ap2, ap);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    if (n < (int)sizeof(small)) {
        con_write(small, (size_t)n);
    } else {
        char *big = malloc((size_t)n + 1);
        if (big) {
            vsnprintf(big, (size_t)n + 1, fmt, ap2);
            con_write(big, (size_t)n);
            free(big);
        }
    }
    va_end(ap2);
    return n;
}

int con_printf(const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = con_vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int con_capture_begin(bool discard)
{
    if (ncaptures >= CAPTURE_DEPTH)
        return -ELOOP;
    captures[ncaptures++] = (struct capture){ .discard = discard };
    return 0;
}

char *con_capture_end(size_t *len, bool *truncated)
{
    struct capture *c = &captures[--ncaptures];
    char *buf = c->buf;
    if (!buf)
        buf = calloc(1, 1);
    if (len)
        *len = buf ? c->len : 0;
    if (truncated)
        *truncated = c->truncated || !buf;
    return buf;
}

/* A key read by con_interrupted that was not Ctrl-C, kept for the next reader. */
static int pushback = -1;

int con_getkey(int timeout_ms)
{
    int k = pushback;
    pushback = -1;
    if (k < 0)
        k = plat_con_getkey(timeout_ms);
    if (k >= 0) {
        con_bytes_at_key = con_screen_bytes;
        pager_lines = 0;
    }
    return k;
}

bool con_interrupted(void)
{
    int k;
    if (pushback >= 0)
        return false;
    k = plat_con_getkey(0);
    if (k == KEY_CTRL_C)
        return true;
    if (k >= 0)
        pushback = k; /* type-ahead for a later pause or prompt */
    return false;
}

bool con_is_screen(void)
{
    return ncaptures == 0;
}

bool con_discarding(void)
{
    return ncaptures > 0 && captures[ncaptures - 1].discard;
}

void con_set_normal(void)
{
    scr_set_attr(con_color_normal);
}
