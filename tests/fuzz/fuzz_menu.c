/*
 * libFuzzer harness for the menu.lst parser: titles, iftitle conditions,
 * escapes in titles and help text, the global section split. Nothing runs.
 */
#include "../../menu/menu.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct menu *m = NULL;
    if (size > 64 * 1024)
        return 0;
    menu_parse("fuzz.lst", (const char *)data, size, &m);
    if (m) {
        for (int i = 0; i < m->n; i++) {
            /* the fields the menu screen reads must be sane */
            if (!m->entries[i].title || m->entries[i].from > m->entries[i].to ||
                m->entries[i].to > m->s->nlines)
                __builtin_trap();
        }
        menu_free(m);
    }
    return 0;
}
