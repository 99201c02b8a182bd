/*
 * build/host/mapboot-lint FILE...: check menu.lst and batch files on the PC
 * with the interpreter's own parser. Prints FILE:LINE: message; exits 1 if
 * anything is wrong.
 */
#define MB_HOST_SIDE
#include <stdio.h>
#include <stdlib.h>

#include "../../src/shell.h"

static void report(const char *file, int line, const char *msg)
{
    printf("%s:%d: %s\n", file, line, msg);
}

int main(int argc, char **argv)
{
    int bad = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: mapboot-lint FILE...\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        char *text;
        long len;
        struct script *s = NULL;
        if (!f) {
            perror(argv[i]);
            bad++;
            continue;
        }
        fseek(f, 0, SEEK_END);
        len = ftell(f);
        fseek(f, 0, SEEK_SET);
        text = malloc((size_t)len + 1);
        if (!text || fread(text, 1, (size_t)len, f) != (size_t)len) {
            fprintf(stderr, "%s: read error\n", argv[i]);
            fclose(f);
            free(text);
            bad++;
            continue;
        }
        fclose(f);
        /* brace errors come back as marked lines, which lint_script reports */
        if (script_parse(argv[i], text, (size_t)len, 1, &s) == -ENOMEM) {
            fprintf(stderr, "%s: out of memory\n", argv[i]);
            bad++;
        }
        if (s) {
            bad += lint_script(s, report);
            script_put(s);
        }
        free(text);
    }
    return bad ? 1 : 0;
}
