/* pause [--wait=T] [MESSAGE]: print MESSAGE and wait for a key. */
#include "../src/platform.h"
#include "../src/shell.h"

static const struct opt pause_opts[] = {
    { "--wait", OPT_VALUE },
    { "--test-key", OPT_FLAG },
    { NULL, 0 },
};

static int pause_exec(struct cmd_args *a)
{
    long long secs = -1;
    int k = shell_need_keyboard("pause");
    if (k)
        return k;
    if (a->opt[0].set && (parse_num(a->opt[0].value, &secs) || secs < 0 || secs > 86400))
        return shell_error(-EINVAL, "pause: bad --wait value '%s'", a->opt[0].value);
    if (a->first < a->argc)
        con_puts(a->rawv[a->first]);
    con_puts("\n");
    if (secs == 0)
        return 1;
    k = con_getkey(secs < 0 ? -1 : (int)(secs * 1000));
    if (k == -ETIMEDOUT)
        return 1;
    if (k < 0)
        return k;
    if (a->opt[1].set)
        return k;
    /* grub4dos: the key's ASCII code; Esc and keys without one give 0 */
    if (k == KEY_ESC || k >= 0x80)
        return 0;
    return k;
}

COMMAND(pause, pause_exec, "pause [--wait=SECONDS] [--test-key] [MESSAGE]",
        "Print MESSAGE and wait for a key, at most SECONDS with --wait (0: do not wait).\n"
        "Returns the key's character code, 0 for Esc or a key without one (arrows, F-keys),\n"
        "and 1 on time-out. --test-key returns the full key code.",
        pause_opts);
