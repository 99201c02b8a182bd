/*
 * libFuzzer harness for the unifont .hex font reader (src/hexfont.c): the
 * index built on load, and decoding every glyph it lists. Byte 0 picks the
 * height (16 mostly, as fonts are; others to reach the size rules). A
 * glyph's width must be the height or half of it; any error is fine.
 */
#include "../../src/hexfont.h"
#include "../../src/shell.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned heights[] = { 16, 16, 16, 16, 8, 24, 32, 7 };
    struct hexfont *f = NULL;
    uint64_t rows[HEXFONT_MAX_HEIGHT];
    unsigned h, w;
    char *text;
    if (size > 64 * 1024 || size == 0)
        return 0;
    h = heights[data[0] & 7];
    text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data, size);
    if (hexfont_load(text, size, h, &f) != 0)
        return 0;
    for (size_t i = 0; i < f->n; i++) {
        if (i && f->index[i - 1].cp >= f->index[i].cp)
            __builtin_trap(); /* sorted, one entry per code */
        if (hexfont_glyph(f, f->index[i].cp, rows, &w) == 0 && w != h && w != h / 2)
            __builtin_trap();
    }
    hexfont_glyph(f, 0x110000, rows, &w);
    hexfont_free(f);
    return 0;
}
