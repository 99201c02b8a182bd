/* reboot, halt, exit_g4d: leave mapboot. */
#include "../src/platform.h"
#include "../src/shell.h"

static int reboot_exec(struct cmd_args *a)
{
    plat_reboot();
    return shell_error(-ENOSYS, "reboot: the firmware did not reset");
}

static int halt_exec(struct cmd_args *a)
{
    plat_halt();
    return shell_error(-ENOSYS, "halt: the firmware did not power off");
}

static int exit_g4d_exec(struct cmd_args *a)
{
    shell.exit_app = true;
    shell.flow = FLOW_QUIT;
    return 1;
}

COMMAND(reboot, reboot_exec, "reboot", "Restart the machine.", NULL);
COMMAND(halt, halt_exec, "halt", "Power the machine off.", NULL);
COMMAND(exit_g4d, exit_g4d_exec, "exit_g4d",
        "Leave mapboot and return to the firmware (its boot manager takes over).", NULL);
