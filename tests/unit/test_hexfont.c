/*
 * Unifont .hex fonts (src/hexfont.c): the index, glyph decoding at both
 * widths, the lines grub4dos skips, and Debian's full unifont.hex (the
 * package is one of make deps'), whose glyphs are checked against the file.
 */
#include "test.h"

#include "../../src/hexfont.h"

static struct hexfont *load(const char *text, unsigned height)
{
    struct hexfont *f = NULL;
    char *copy = strdup8(text);
    ok(hexfont_load(copy, strlen(text), height, &f) == 0);
    return f;
}

static const char A_BITS[] = "0000000018242442427E424242420000";
static const char ZHONG_BITS[] = "01000100010001003FF8210821082108210821083FF821080100010001000100";

TEST(hexfont_half_and_full_width)
{
    char text[256];
    uint64_t rows[HEXFONT_MAX_HEIGHT];
    unsigned w = 0;
    struct hexfont *f;
    snprintf(text, sizeof(text), "0041:%s\n4E2D:%s\n", A_BITS, ZHONG_BITS);
    f = load(text, 16);
    ok(f && f->n == 2);
    ok(hexfont_glyph(f, 'A', rows, &w) == 0 && w == 8);
    ok(rows[0] == 0 && rows[4] == (0x18000000ull << 32) && rows[5] == (0x24000000ull << 32) && rows[9] == (0x7E000000ull << 32) && rows[15] == 0);
    ok(hexfont_glyph(f, 0x4E2D, rows, &w) == 0 && w == 16);
    ok(rows[0] == (0x01000000ull << 32) && rows[4] == (0x3FF80000ull << 32) && rows[15] == (0x01000000ull << 32));
    ok(hexfont_glyph(f, 'B', rows, &w) == -ENOENT);
    hexfont_free(f);
}

/* grub4dos skips what is not a glyph line: menus, comments, CRLF, other sizes */
TEST(hexfont_skips_other_lines)
{
    char text[512];
    uint64_t rows[HEXFONT_MAX_HEIGHT];
    unsigned w;
    struct hexfont *f;
    snprintf(text, sizeof(text),
             "title a menu line\r\n# 0042:%s\r\n0043:%.30s\r\n0044:%sFF\r\n1F600:%s\r\n"
             "0045:%s  \r\n110000:%s\n0046:%.31sG\n", A_BITS, A_BITS, A_BITS, ZHONG_BITS, A_BITS,
             A_BITS, A_BITS);
    f = load(text, 16);
    ok(f && f->n == 3); /* 1F600, 0045 and 0046 (whose bad digit shows when drawn) */
    ok(hexfont_glyph(f, 0x1F600, rows, &w) == 0 && w == 16);
    ok(hexfont_glyph(f, 'E', rows, &w) == 0 && w == 8 && rows[9] == (0x7E000000ull << 32));
    ok(hexfont_glyph(f, 'B', rows, &w) == -ENOENT && hexfont_glyph(f, 'C', rows, &w) == -ENOENT);
    ok(hexfont_glyph(f, 'F', rows, &w) == -ENOENT);
    hexfont_free(f);
}

TEST(hexfont_unsorted_first_wins)
{
    uint64_t rows[HEXFONT_MAX_HEIGHT];
    unsigned w;
    struct hexfont *f = load("0043:FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF\n"
                             "0041:0000000018242442427E424242420000\n"
                             "0043:00000000000000000000000000000000\n"
                             "0042:80808080808080808080808080808080\n", 16);
    ok(f && f->n == 3 && f->index[0].cp == 'A' && f->index[2].cp == 'C');
    ok(hexfont_glyph(f, 'C', rows, &w) == 0 && rows[0] == (0xFF000000ull << 32));
    ok(hexfont_glyph(f, 'B', rows, &w) == 0 && rows[15] == (0x80000000ull << 32));
    hexfont_free(f);
}

TEST(hexfont_other_heights_and_errors)
{
    uint64_t rows[HEXFONT_MAX_HEIGHT];
    unsigned w;
    struct hexfont *f = NULL;
    char line[256];
    /* height 24: 12 wide (2 bytes a row, 96 digits) and 24 wide (144) */
    memset(line, 0, sizeof(line));
    memcpy(line, "0041:", 5);
    memset(line + 5, 'F', 96);
    f = load(line, 24);
    ok(f && hexfont_glyph(f, 'A', rows, &w) == 0 && w == 12 && rows[23] == (0xFFFF0000ull << 32));
    hexfont_free(f);
    ok(hexfont_load(strdup8("no glyphs here\n"), 15, 16, &f) == -EINVAL && !f);
    ok(strstr(shell.errmsg, "no glyph of height 16") != NULL);
    ok(hexfont_load(strdup8("x"), 1, 7, &f) == -EINVAL && !f);
    ok(hexfont_load(strdup8(""), 0, 16, &f) == -EINVAL && !f);
}

/* Debian's unifont.hex: every glyph indexed, and read back as the file says */
TEST(hexfont_full_unifont)
{
    FILE *in = fopen("/usr/share/unifont/unifont.hex", "rb");
    char *text, line[160];
    size_t len, lines = 0, checked = 0;
    struct hexfont *f = NULL;
    ok(in != NULL); /* make deps installs the unifont package */
    if (!in)
        return;
    fseek(in, 0, SEEK_END);
    len = (size_t)ftell(in);
    rewind(in);
    text = mb_malloc(len); /* the font frees it: the core's allocator */
    ok(fread(text, 1, len, in) == len);
    ok(hexfont_load(text, len, 16, &f) == 0);
    rewind(in);
    while (f && fgets(line, sizeof(line), in)) {
        uint64_t rows[HEXFONT_MAX_HEIGHT];
        uint32_t cp = (uint32_t)strtoul(line, NULL, 16);
        unsigned w;
        char *bits = strchr(line, ':') + 1;
        size_t nd = strcspn(bits, "\r\n");
        lines++;
        if (lines % 97 != 1 && cp != 0x4E2D && cp != 0xFFFD)
            continue; /* every 97th glyph, and the ones menus need */
        ok(hexfont_glyph(f, cp, rows, &w) == 0 && w == (nd == 32 ? 8u : 16u));
        for (unsigned r = 0; r < 16; r++) {
            char want[5], got[5];
            unsigned rd = (unsigned)nd / 16;
            snprintf(want, sizeof(want), "%.*s", rd, bits + r * rd);
            snprintf(got, sizeof(got), rd == 2 ? "%02X" : "%04X", (unsigned)(rows[r] >> (64 - rd * 4)));
            ok(strcmp(want, got) == 0);
        }
        checked++;
    }
    fclose(in);
    ok(f && f->n == lines && lines > 57000 && checked > 500);
    hexfont_free(f);
}
