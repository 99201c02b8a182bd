/*
 * libFuzzer harness for the script parser: script_parse (lines, blocks),
 * lint_script (operators, words, options, labels), and per line the
 * %-expansion and the arithmetic parser. Nothing is executed.
 */
#include "../../src/shell.h"

#include <stdint.h>

static void ignore(const char *file, int line, const char *msg)
{
    (void)file;
    (void)line;
    (void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct script *s = NULL;
    if (size > 64 * 1024)
        return 0;
    script_parse("fuzz", (const char *)data, size, 1, &s);
    if (!s)
        return 0;
    lint_script(s, ignore, NULL);
    for (size_t i = 0; i < s->nlines && i < 64; i++) {
        char *e = shell_expand(s->lines[i]);
        long long v;
        free(e);
        calc_eval(s->lines[i], &v);
    }
    var_clear_all();
    script_put(s);
    return 0;
}
