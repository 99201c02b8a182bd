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
/*
 * A reflected CRC-32 with polynomial poly (0xEDB88320 for CRC-32, 0x82F63B78
 * for CRC-32C), a bit at a time, straight from the definition: the
 * reference that the table-driven src/crc32.c is checked against.
 */
uint32_t test_crc_bitwise(uint32_t poly, const void *buf, size_t n);

/*
 * Helpers for tests that make images with host tools. test_sh runs the
 * command made from fmt in the boot directory (with `set -e`) and aborts the
 * run when it fails; test_write_bd and test_read_bd write and read a whole
 * file there (read_bd's buffer is the caller's, freed with free()).
 */
void test_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void test_write_bd(const char *name, const void *buf, size_t len);
uint8_t *test_read_bd(const char *name, size_t *len);

/* A menu file's text parsed (checked) and its global section run, output captured. */
struct menu;
struct menu *test_menu_load(const char *text);

/* drive_map of src onto target; NULL (with the message printed) when it fails. */
struct drive;
struct drive *test_map(const char *src, const char *target, bool mem, bool ro, bool fake);

#endif
