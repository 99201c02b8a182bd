/*
 * The unit-test framework: TEST(name) { ... } registers a case in the
 * `tests` linker table; ok(expr) records a failure with file:line and
 * carries on. tests/unit/main.c runs them all and ends with
 * "N passed, N failed".
 */
#ifndef MB_TEST_H
#define MB_TEST_H

#define MB_HOST_SIDE
#include "../../src/shell.h"
#include "../host/host.h"

/*
 * The core's allocator (src/libc.c, renamed in the host build): memory the
 * core returns (shell_expand, strdup8, asprintf8) is freed with mb_free.
 */
void *mb_malloc(size_t n);
void mb_free(void *p);

struct test {
    const char *name;
    void (*fn)(void);
};
TABLE_DECLARE(const struct test, tests);

#define TEST(id)                                                               \
    static void test_##id(void);                                              \
    const struct test test_entry_##id TABLE_ENTRY(tests, 01) = { #id, test_##id }; \
    static void test_##id(void)

extern int test_failures; /* failed checks in the current case */
void test_fail(const char *file, int line, const char *expr);
#define ok(expr) ((expr) ? (void)0 : test_fail(__FILE__, __LINE__, #expr))
/* String equality with both values shown on failure. */
#define ok_str(a, b) test_str(__FILE__, __LINE__, #a, (a), (b))
void test_str(const char *file, int line, const char *expr, const char *got, const char *want);

/*
 * Run script text (a batch file when it starts with !BAT, else lines as at a
 * prompt) with output captured; returns the output (valid until the next
 * call). keys, if not NULL, are fed to pause, set /p and the line editor.
 */
const char *run_script(const char *text);
const char *run_script_keys(const char *text, const int *keys, size_t nkeys);
/* Run text as a batch file with argv[0..argc) as %0, %1...; output as run_script. */
const char *run_batch(const char *text, int argc, char **argv);
/* A fresh interpreter state: no variables, errorcheck on, root (bd). */
void test_reset(void);
/* Make a boot-volume directory for the test with files name=content (NULL-terminated pairs). */
void test_bootdir(const char *const *files);
/* drive_map of src onto target; NULL (with the message printed) when it fails. */
struct drive;
struct drive *test_map(const char *src, const char *target, bool mem, bool ro, bool fake);

#endif
