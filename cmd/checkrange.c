/* checkrange RANGE COMMAND: is COMMAND's return value within RANGE? */
#include "../src/shell.h"

/* RANGE: N, A:B, or a comma list of those (no spaces). */
static int in_range(const char *range, long long v, bool *hit)
{
    const char *p = range;
    *hit = false;
    while (*p) {
        char item[64], *colon;
        const char *comma = strchr8(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen8(p);
        long long lo, hi;
        if (n == 0 || n >= sizeof(item))
            return -EINVAL;
        memcpy(item, p, n);
        item[n] = 0;
        colon = strchr8(item, ':');
        if (colon) {
            *colon = 0;
            if (parse_num(item, &lo) || parse_num(colon + 1, &hi))
                return -EINVAL;
        } else {
            if (parse_num(item, &lo))
                return -EINVAL;
            hi = lo;
        }
        /* unsigned, as in grub4dos: A:-1 means A and up (checkrange 20111129:-1 read 0x8278) */
        if ((unsigned long long)v >= (unsigned long long)lo &&
            (unsigned long long)v <= (unsigned long long)hi)
            *hit = true;
        p += n + (comma != NULL);
    }
    return 0;
}

static int checkrange_exec(struct cmd_args *a)
{
    int i = a->first, rc;
    bool hit;
    if (i + 1 >= a->argc)
        return shell_error(-EINVAL, "checkrange: usage: checkrange RANGE COMMAND");
    if (in_range(a->argv[i], 0, &hit))
        return shell_error(-EINVAL, "checkrange: bad range '%s'", a->argv[i]);
    rc = shell_exec_argv(a->argc - i - 1, a->argv + i + 1, a->rawv + i + 1);
    if (rc < 0)
        return rc;
    in_range(a->argv[i], shell.retval, &hit);
    shell.retval_set = false;
    return hit;
}

COMMAND(checkrange, checkrange_exec, "checkrange RANGE COMMAND",
        "Run COMMAND and return true when its value is in RANGE: N, A:B, or a list such\n"
        "as 0x07,0x17 or 3:5,8 (no spaces; compared unsigned, so A:-1 is A and up).\n"
        "'checkrange 15 errnum' tests the last error.",
        NULL);
