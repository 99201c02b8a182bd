/*
 * mapboot-lint [--strict] [--summary] FILE...: check menu.lst and
 * batch files on the PC with the interpreter's own parser. Prints
 * FILE:LINE: message (warnings say "warning:"); exits 1 if any file has an
 * error (with --strict, also a warning), else 0. --summary prints, instead
 * of each problem, a line per file and a total:
 *     FILE: E errors, W warnings
 *     N files, N clean, N with errors, N warnings
 */
#define MB_HOST_SIDE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/platform.h"
#include "../src/shell.h"

/* lint/platform.c's part that needs the C library. */
void *plat_alloc(size_t n) { return malloc(n); }
void plat_free(void *p) { free(p); }
/* What would go to the screen goes to stderr, never among the FILE:LINE: lines. */
void plat_con_write(const char *s, size_t n) { fwrite(s, 1, n, stderr); }

static bool summary;

static void report(const char *file, int line, const char *msg)
{
    if (!summary)
        printf("%s:%d: %s\n", file, line, msg);
}

/* Lint one file: its errors, and *warnings its warnings; -1 when it cannot be read. */
static int lint_file(const char *path, int *warnings)
{
    FILE *f = fopen(path, "rb");
    char *text;
    long len;
    int errors = 0;
    struct script *s = NULL;
    *warnings = 0;
    if (!f) {
        perror(path);
        return -1;
    }
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = malloc((size_t)len + 1);
    if (!text || fread(text, 1, (size_t)len, f) != (size_t)len) {
        fprintf(stderr, "%s: read error\n", path);
        fclose(f);
        free(text);
        return -1;
    }
    fclose(f);
    /* brace errors come back as marked lines, which lint_script reports */
    if (script_parse(path, text, (size_t)len, 1, &s) == -ENOMEM) {
        fprintf(stderr, "%s: out of memory\n", path);
        errors = -1;
    }
    if (s) {
        errors = lint_script(s, report, warnings);
        script_put(s);
    }
    free(text);
    return errors;
}

int main(int argc, char **argv)
{
    bool strict = false;
    int files = 0, clean = 0, with_errors = 0, all_warnings = 0, failed = 0, i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        if (strcmp(argv[i], "--strict") == 0)
            strict = true;
        else if (strcmp(argv[i], "--summary") == 0)
            summary = true;
        else
            break;
    }
    if (i >= argc || argv[i][0] == '-') {
        fprintf(stderr, "usage: mapboot-lint [--strict] [--summary] FILE...\n");
        return 2;
    }
    for (; i < argc; i++) {
        int warnings, errors = lint_file(argv[i], &warnings);
        files++;
        if (errors < 0) {
            failed++;
            continue;
        }
        if (summary)
            printf("%s: %d errors, %d warnings\n", argv[i], errors, warnings);
        clean += errors == 0 && warnings == 0;
        with_errors += errors > 0;
        all_warnings += warnings;
        if (errors > 0 || (strict && warnings > 0))
            failed++;
    }
    if (summary)
        printf("%d files, %d clean, %d with errors, %d warnings\n", files, clean, with_errors,
               all_warnings);
    return failed ? 1 : 0;
}
