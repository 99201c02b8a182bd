/* The unit-test runner: every TEST in the table, one summary line at the end. */
#include "test.h"
#include "../../menu/menu.h"

#include "../../disk/map.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

TABLE_DEFINE(const struct test, tests);

int test_failures;

void test_fail(const char *file, int line, const char *expr)
{
    printf("    %s:%d: check failed: %s\n", file, line, expr);
    test_failures++;
}

void test_str(const char *file, int line, const char *expr, const char *got, const char *want)
{
    if (got && want && strcmp(got, want) == 0)
        return;
    printf("    %s:%d: %s\n      got:  \"%s\"\n      want: \"%s\"\n", file, line, expr,
           got ? got : "(null)", want ? want : "(null)");
    test_failures++;
}

void test_reset(void)
{
    var_clear_all();
    while (var_local_depth() > 0)
        var_endlocal();
    shell.errorcheck = true;
    shell.debug = 1;
    shell.errnum = 0;
    shell.retval = 0;
    shell.flow = FLOW_NONE;
    shell.interactive = false;
    shell.frame = NULL;
    shell.depth = 0;
    shell.where_file = NULL;
    host_image_fail = 0; /* a failed check must not leave the next test's loads failing */
    host_image_path_fail = 0;
    host_image_mem_fail = 0;
    shell.retstr[0] = 0;
    shell.held_error[0] = 0;
    strcpy(shell.root, "(bd)");
    strcpy(shell.cmd_path, SHELL_CMD_PATH);
    shell.cmd_ext[0] = 0;
    module_remove("*");
    for (int r = 0; r < CON_ROLES; r++)
        con_true_color_set(r, 0);
    /* the colours `color` sets, as at start-up: no test sees another's (clang links the
       tests of a file in another order than gcc) */
    con_color_normal = 0x07;
    con_color_highlight = 0x70;
    con_color_helptext = 0x07;
    con_color_heading = 0x07;
    con_set_normal();
    memset(&menu_style, 0, sizeof(menu_style));
    free(shell.configfile);
    shell.configfile = NULL;
    shell.exit_app = false;
    host_keys = NULL;
    host_nkeys = host_keypos = 0;
}

static char bootdir[256];

void test_bootdir(const char *const *files)
{
    char cmd[512];
    if (bootdir[0]) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", bootdir);
        if (system(cmd) != 0)
            abort();
    }
    snprintf(bootdir, sizeof(bootdir), "/tmp/mapboot-unit-XXXXXX");
    if (!mkdtemp(bootdir))
        abort();
    snprintf(host_bd_dir, sizeof(host_bd_dir), "%s", bootdir);
    for (; files && files[0]; files += 2) {
        char path[1024], *slash;
        FILE *f;
        snprintf(path, sizeof(path), "%s/%s", bootdir, files[0]);
        for (slash = strchr(path + strlen(bootdir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
            *slash = 0;
            mkdir(path, 0755);
            *slash = '/';
        }
        f = fopen(path, "wb");
        if (!f)
            abort();
        fputs(files[1], f);
        fclose(f);
    }
}

uint32_t test_crc_bitwise(uint32_t poly, const void *buf, size_t n)
{
    const uint8_t *p = buf;
    uint32_t c = 0xFFFFFFFFu;
    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (poly & -(c & 1));
    }
    return ~c;
}

void test_sh(const char *fmt, ...)
{
    static char cmd[16384];
    int n = snprintf(cmd, sizeof(cmd), "set -e; cd '%s'; ", host_bd_dir), m;
    va_list ap;
    va_start(ap, fmt);
    m = vsnprintf(cmd + n, sizeof(cmd) - (size_t)n, fmt, ap);
    va_end(ap);
    if (m < 0 || (size_t)m >= sizeof(cmd) - (size_t)n) {
        printf("    command too long: %.80s...\n", cmd);
        abort();
    }
    if (system(cmd) != 0) {
        printf("    command failed: %s\n", cmd);
        abort();
    }
}

static FILE *open_bd(const char *name, const char *mode)
{
    char path[4200];
    FILE *f;
    snprintf(path, sizeof(path), "%s/%s", host_bd_dir, name);
    f = fopen(path, mode);
    if (!f) {
        printf("    cannot open %s\n", path);
        abort();
    }
    return f;
}

void test_write_bd(const char *name, const void *buf, size_t len)
{
    FILE *f = open_bd(name, "wb");
    if (fwrite(buf, 1, len, f) != len)
        abort();
    fclose(f);
}

uint8_t *test_read_bd(const char *name, size_t *len)
{
    FILE *f = open_bd(name, "rb");
    uint8_t *b;
    long n;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
        abort();
    b = malloc((size_t)n + 1);
    if (!b || fread(b, 1, (size_t)n, f) != (size_t)n)
        abort();
    fclose(f);
    *len = (size_t)n;
    return b;
}

struct drive *test_map(const char *src, const char *target, bool mem, bool ro, bool fake)
{
    struct map_opts o = { .source = src, .target = target, .mem = mem, .read_only = ro,
                          .fake_write = fake };
    struct drive *d = NULL;
    int rc = drive_map(&o, &d);
    if (rc)
        printf("    drive_map(%s, %s): %d %s\n", src, target, rc, shell.errmsg);
    return rc ? NULL : d;
}

const char *run_script_keys(const char *text, const int *keys, size_t nkeys)
{
    host_keys = keys;
    host_nkeys = nkeys;
    host_keypos = 0;
    host_output_reset();
    host_capture_output = true;
    if (strncmp(text, "!BAT", 4) == 0) {
        struct script *s;
        char *argv[] = { "test.bat", NULL };
        if (script_parse("test.bat", text, strlen(text), 1, &s) == 0)
            shell_run_script(s, 1, argv);
        else
            printf("    (script_parse failed: %s)\n", shell.errmsg);
        script_put(s);
    } else {
        char *copy = strdup(text), *save = NULL;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            shell_run_line(line);
            shell.flow = FLOW_NONE;
        }
        free(copy);
    }
    host_capture_output = false;
    host_keys = NULL;
    return host_out ? host_out : "";
}

const char *run_batch(const char *text, int argc, char **argv)
{
    struct script *s;
    host_output_reset();
    host_capture_output = true;
    if (script_parse(argv[0], text, strlen(text), 1, &s) == 0)
        shell_run_script(s, argc, argv);
    else
        printf("    (script_parse failed: %s)\n", shell.errmsg);
    script_put(s);
    shell.flow = FLOW_NONE;
    host_capture_output = false;
    return host_out ? host_out : "";
}

const char *run_script(const char *text)
{
    return run_script_keys(text, NULL, 0);
}

int main(int argc, char **argv)
{
    const struct test *t;
    int passed = 0, failed = 0;
    test_bootdir(NULL);
    for_each_table_entry(t, tests) {
        if (argc > 1 && !strstr(t->name, argv[1]))
            continue;
        test_reset();
        test_failures = 0;
        t->fn();
        if (test_failures) {
            printf("FAIL %s\n", t->name);
            failed++;
        } else {
            printf("PASS %s\n", t->name);
            passed++;
        }
    }
    test_bootdir(NULL);
    rmdir(host_bd_dir);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
