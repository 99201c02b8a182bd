/*
 * connect: connect every controller to the firmware's drivers again, then
 * add the disks that appeared to the drive table. mapboot does this once at
 * start-up (efi/connect.c), for firmware that connected only its boot
 * device; the command is for a USB stick plugged in at the menu. Known
 * drives keep their numbers; new ones are numbered after them.
 */
#include "../disk/drive.h"
#include "../src/platform.h"
#include "../src/shell.h"

#define CONNECT_SHOWN_MAX 16

static int failed;

static void report(const char *what, int rc)
{
    failed++;
    if (shell.debug >= 2)
        con_printf("connect: %s: %s\n", what, err_str(rc));
}

static int connect_exec(struct cmd_args *a)
{
    struct drive *added[CONNECT_SHOWN_MAX];
    uint64_t t0;
    int controllers, n;

    if (a->first < a->argc)
        return shell_error(-EINVAL, "connect: takes no arguments (see help connect)");
    failed = 0;
    drive_first(); /* the table as it was, so that what connect adds counts as new */
    plat_uptime_us(); /* the first call calibrates the clock: not part of the time */
    t0 = plat_uptime_us();
    controllers = plat_connect_all(report);
    n = drive_rescan(added, CONNECT_SHOWN_MAX);
    if (n < 0)
        return shell_error(n, "connect: new disks found, but no drive number is free");
    if (shell.debug >= 1) {
        uint64_t us = plat_uptime_us() - t0;
        con_printf("connect: %d root controllers in %u.%03u ms", controllers, (unsigned)(us / 1000),
                   (unsigned)(us % 1000));
        if (failed)
            con_printf(", %d failed%s", failed, shell.debug >= 2 ? "" : " (debug on names them)");
        con_printf(n ? ", new:" : ", no new disk");
        for (int i = 0; i < n && i < CONNECT_SHOWN_MAX; i++)
            con_printf(" %s", added[i]->name);
        if (n > CONNECT_SHOWN_MAX)
            con_printf(" and %d more", n - CONNECT_SHOWN_MAX);
        con_printf("\n");
    }
    shell_set_retval(n);
    return n;
}

COMMAND(connect, connect_exec, "connect",
        "Connect every controller to the firmware's drivers (as the UEFI shell's\n"
        "'connect -r'), then add the disks that appeared, such as a USB stick plugged in\n"
        "at the menu, to the drive table. Known drives keep their numbers; new ones come\n"
        "after them. mapboot does this once at start-up already. Prints what it found\n"
        "(not with 'debug off'); with 'debug on' it names each controller whose driver\n"
        "failed. Returns the number of new disks.",
        NULL);
