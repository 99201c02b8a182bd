/*
 * What `boot` starts. A loader command (chainloader, kernel: later issues)
 * registers a boot_loader; a menu entry boots at its end if one is set.
 */
#include "shell.h"

static struct boot_loader current;
static bool have;

void boot_clear_loader(void)
{
    if (have && current.release)
        current.release(current.ctx);
    have = false;
}

void boot_set_loader(const struct boot_loader *l)
{
    boot_clear_loader();
    current = *l;
    have = true;
}

bool boot_have_loader(void)
{
    return have;
}

int boot_run(void)
{
    int rc;
    if (!have)
        return shell_error(-ENOENT, "nothing to boot: no loader was set (chainloader, kernel)");
    rc = current.boot(current.ctx);
    /* what was started has run (and returned): it cannot be started again */
    boot_clear_loader();
    return rc;
}
