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
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fs/fs.h"
#include "../src/platform.h"
#include "../src/shell.h"

#ifdef _WIN32
#define WIN32_LEAN_AND_MEAN
#define NOMINMAX
#include <windows.h>
#endif

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

/*
 * Open path for reading. On Windows the names are UTF-8 (see wmain below)
 * and the C library's fopen takes the ANSI code page: _wfopen takes them all.
 */
static FILE *open_file(const char *path)
{
#ifdef _WIN32
    wchar_t wpath[4096];
    if (!MultiByteToWideChar(CP_UTF8, 0, path, -1, wpath, 4096))
        return NULL;
    return _wfopen(wpath, L"rb");
#else
    return fopen(path, "rb");
#endif
}

/*
 * Lint one file: its errors, and *warnings its warnings; -1 when it cannot
 * be read. Read to its end, whatever it is (a pipe has no size to ask for),
 * up to the size mapboot itself reads a menu to.
 */
static int lint_file(const char *path, int *warnings)
{
    FILE *f = open_file(path);
    char *text = NULL;
    size_t len = 0, cap = 0, got;
    int errors = 0;
    struct script *s = NULL;
    *warnings = 0;
    if (!f) {
        fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
        return -1;
    }
    do {
        if (len == cap) {
            char *t = cap >= SCRIPT_SIZE_MAX ? NULL : realloc(text, cap = cap ? cap * 2 : 65536);
            if (!t) {
                fprintf(stderr, "%s: %s\n", path,
                        cap >= SCRIPT_SIZE_MAX ? "larger than a menu can be (1 MiB)" : "out of memory");
                fclose(f);
                free(text);
                return -1;
            }
            text = t;
        }
        got = fread(text + len, 1, cap - len, f);
        len += got;
    } while (got > 0);
    if (ferror(f)) {
        fprintf(stderr, "%s: read error\n", path);
        fclose(f);
        free(text);
        return -1;
    }
    fclose(f);
    /* brace errors come back as marked lines, which lint_script reports */
    if (script_parse(path, text, len, 1, &s) == -ENOMEM) {
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

static int lint_main(int argc, char **argv)
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

#ifdef _WIN32
/*
 * Windows hands a program its arguments in UTF-16 (wmain, -municode): made
 * UTF-8 here, as everything else is, and printed as UTF-8 (the console is
 * told so), so Chinese file names open and show.
 */
int wmain(int argc, wchar_t **wargv)
{
    char **argv = calloc((size_t)argc + 1, sizeof(*argv));
    if (!argv)
        return 2;
    for (int i = 0; i < argc; i++) {
        int n = WideCharToMultiByte(CP_UTF8, 0, wargv[i], -1, NULL, 0, NULL, NULL);
        argv[i] = n > 0 ? malloc((size_t)n) : NULL;
        if (!argv[i] || !WideCharToMultiByte(CP_UTF8, 0, wargv[i], -1, argv[i], n, NULL, NULL))
            return 2;
    }
    SetConsoleOutputCP(CP_UTF8);
    return lint_main(argc, argv);
}
#else
int main(int argc, char **argv)
{
    return lint_main(argc, argv);
}
#endif
