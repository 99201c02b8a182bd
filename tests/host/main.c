/*
 * build/host/mapboot: the shell on the Linux host, with a directory as the
 * boot volume.
 *   mapboot [--bd DIR]                   start as on UEFI (menu.lst, else the prompt)
 *   --hd IMG, --cd IMG, --fd IMG          add a firmware disk backed by an image file, in
 *                                        order ((hd0) is the first --hd); --block-size N
 *                                        sets the block size of the disks after it (4096: 4Kn)
 *   --unconnected                        the next image stays unconnected until `connect`
 *                                        (what fast-boot firmware does to non-boot disks)
 *   --ram SIZE                           free memory for map --mem besides the simulated
 *                                        16 MiB (bytes, or with a K, M or G suffix)
 *   mapboot [--bd DIR] -c 'COMMANDS'     run COMMANDS (lines), exit 1 if the last failed
 *   mapboot [--bd DIR] SCRIPT [ARGS...]  run a host file as a batch file
 *   --screenshot FILE                    when input ends while a key is awaited (the
 *                                        menu drawn, say), write the screen as a PPM
 *   --fail-alloc N, --fail-ram N, --fail-read N, --fail-gone N
 *                                        the Nth allocation, RAM-disk allocation or disk
 *                                        read fails (--fail-gone: the Nth read and all
 *                                        after it); at exit stderr says whether it came
 */
#define _GNU_SOURCE
#define MB_HOST_SIDE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "../../menu/menu.h"
#include "../../src/platform.h"
#include "../../src/shell.h"
#include "host.h"

static struct termios saved_tio;
static int raw_mode;

static void restore_tty(void)
{
    if (raw_mode)
        tcsetattr(0, TCSANOW, &saved_tio);
}

static const char *const fault_names[HOST_FAULT_KINDS] = { "allocation", "RAM allocation",
                                                            "disk read", "disk read (gone)" };
static const char *const fault_opts[HOST_FAULT_KINDS] = { "--fail-alloc", "--fail-ram",
                                                           "--fail-read", "--fail-gone" };

/* At exit, for --fail-*: whether the fault was reached, for the sweep to know when to stop. */
static void report_faults(void)
{
    for (int k = 0; k < HOST_FAULT_KINDS; k++) {
        if (!host_fail_at[k])
            continue;
        if (host_calls[k] >= host_fail_at[k])
            fprintf(stderr, "host: fault: %s %llu of %llu failed\n", fault_names[k],
                    (unsigned long long)host_fail_at[k], (unsigned long long)host_calls[k]);
        else
            fprintf(stderr, "host: fault: %s %llu not reached (%llu calls)\n", fault_names[k],
                    (unsigned long long)host_fail_at[k], (unsigned long long)host_calls[k]);
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: mapboot [--bd DIR] [--ram SIZE] [--block-size N] [--unconnected]\n"
                    "               [--fail-alloc N] [--fail-ram N] [--fail-read N] [--fail-gone N]\n"
                    "               [--hd IMG] [--cd IMG] [--fd IMG]...\n"
                    "               [-c 'COMMANDS' | SCRIPT [ARGS...]]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *commands = NULL;
    unsigned block_size = 0;
    bool unconnected = false, faults_armed = false;
    int i = 1, k;
    for (; i < argc; i++) {
        int kind = strcmp(argv[i], "--hd") == 0   ? PLAT_DISK_HD
                   : strcmp(argv[i], "--cd") == 0 ? PLAT_DISK_CD
                   : strcmp(argv[i], "--fd") == 0 ? PLAT_DISK_FD : -1;
        if (kind >= 0 && i + 1 < argc) {
            if (host_add_disk(argv[++i], kind, block_size) != 0) {
                perror(argv[i]);
                return 2;
            }
            if (unconnected)
                host_unconnect_last_disk();
            unconnected = false;
            continue;
        }
        for (k = 0; k < HOST_FAULT_KINDS && strcmp(argv[i], fault_opts[k]) != 0; k++)
            ;
        if (k < HOST_FAULT_KINDS && i + 1 < argc) {
            host_fail_at[k] = strtoull(argv[++i], NULL, 0);
            if (!host_fail_at[k])
                usage();
            if (!faults_armed)
                atexit(report_faults);
            faults_armed = true;
            continue;
        }
        if (strcmp(argv[i], "--unconnected") == 0) {
            unconnected = true;
            continue;
        }
        if (strcmp(argv[i], "--ram") == 0 && i + 1 < argc) {
            char *end;
            unsigned long long n = strtoull(argv[++i], &end, 0);
            int shift = *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : 0;
            if ((shift && end[1]) || (!shift && *end))
                usage();
            host_more_ram = (uint64_t)n << shift;
            continue;
        }
        if (strcmp(argv[i], "--block-size") == 0 && i + 1 < argc) {
            block_size = (unsigned)strtoul(argv[++i], NULL, 0);
            if (block_size < 512 || (block_size & (block_size - 1)))
                usage();
            continue;
        }
        if (strcmp(argv[i], "--bd") == 0 && i + 1 < argc) {
            char *real = realpath(argv[++i], NULL);
            if (!real) {
                perror(argv[i]);
                return 2;
            }
            snprintf(host_bd_dir, sizeof(host_bd_dir), "%s", real);
            free(real);
        } else if (strcmp(argv[i], "--screenshot") == 0 && i + 1 < argc) {
            host_screenshot = argv[++i];
        } else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
            commands = argv[++i];
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage();
        } else {
            break;
        }
    }
    if (commands) {
        char *copy = strdup(commands), *save = NULL;
        int rc = 0;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            shell.interactive = true;
            rc = shell_run_line(line);
            if (shell.exit_app || shell.flow == FLOW_QUIT)
                break;
            shell.flow = FLOW_NONE;
        }
        free(copy);
        return rc < 0 || shell.errnum ? 1 : 0;
    }
    if (i < argc) {
        FILE *f = fopen(argv[i], "rb");
        char *text = NULL;
        size_t cap = 0, len = 0, n;
        struct script *s;
        int rc;
        if (!f) {
            perror(argv[i]);
            return 2;
        }
        for (;;) {
            if (len + 4096 > cap) {
                cap = (len + 4096) * 2;
                text = realloc(text, cap);
            }
            n = fread(text + len, 1, cap - len, f);
            if (n == 0)
                break;
            len += n;
        }
        fclose(f);
        rc = script_parse(argv[i], text ? text : "", len, 1, &s);
        free(text);
        if (rc) {
            printf("%s:%d: Error: %s\n", argv[i], shell.parse_line, shell.errmsg);
            script_put(s);
            return 1;
        }
        rc = shell_run_script(s, argc - i, argv + i);
        script_put(s);
        return rc < 0 ? 1 : 0;
    }
    if (isatty(0)) {
        struct termios t;
        tcgetattr(0, &saved_tio);
        t = saved_tio;
        t.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG);
        tcsetattr(0, TCSANOW, &t);
        raw_mode = 1;
        atexit(restore_tty);
    }
    return shell_main() < 0;
}
