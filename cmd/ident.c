/*
 * uuid and vol share one engine, since they differ only in which volume
 * string they read:
 *   CMD              list every volume with its filesystem and value
 *   CMD DEV          print DEV's value; %?% = the value
 *   CMD VALUE        find the volume with VALUE (any case) and make it the root
 *   CMD DEV VALUE    a test: true when DEV's value is VALUE
 */
#include "ident.h"

#include "../fs/fs.h"

static const char *const what[] = { "UUID", "label" };
static const char *const cmd_name[] = { "uuid", "vol" };

static int value_of(struct fs_volume *vol, enum ident_kind kind, char *buf, size_t size)
{
    int rc = kind == IDENT_UUID ? fs_volume_uuid(vol, buf, size)
                                : fs_volume_label(vol, buf, size);
    if (rc == 0 && !buf[0])
        rc = -ENOENT;
    if (rc)
        buf[0] = 0;
    return rc;
}

struct ident_ctx {
    enum ident_kind kind;
    const char *want;   /* searching for this value, or NULL to list */
    char found[64];
    int n;
};

static int visit(const char *dev, struct fs_volume *vol, void *ctx)
{
    struct ident_ctx *c = ctx;
    char value[128];
    value_of(vol, c->kind, value, sizeof(value));
    if (!c->want) {
        con_printf("%s: %s%s%s\n", dev, fs_volume_type(vol), value[0] ? " " : "", value);
        c->n++;
        return con_interrupted();
    }
    if (value[0] && strcasecmp8(value, c->want) == 0) {
        strlcpy8(c->found, dev, sizeof(c->found));
        return 1;
    }
    return 0;
}

int ident_exec(struct cmd_args *a, enum ident_kind kind)
{
    const char *cmd = cmd_name[kind];
    struct ident_ctx c = { .kind = kind };
    struct fs_volume *vol;
    char value[128];
    int args = a->argc - a->first, rc;
    const char *arg = args ? a->argv[a->first] : NULL;

    if (args == 0) {
        fs_for_each_volume("hcf", true, visit, &c);
        return c.n ? c.n : shell_error(-ENODEV, "%s: no volumes", cmd);
    }
    if (arg[0] != '(') {
        /* a value to look for */
        c.want = arg;
        if (!fs_for_each_volume("hcf", true, visit, &c))
            return shell_error(-ENOENT, "%s: no volume has the %s '%s'", cmd, what[kind], arg);
        strlcpy8(shell.root, c.found, sizeof(shell.root));
        con_printf("%s\n", c.found);
        shell_set_retstr(c.found);
        return 1;
    }
    rc = fs_volume_get(arg, &vol);
    if (rc)
        return shell_fail(rc, cmd, arg);
    rc = value_of(vol, kind, value, sizeof(value));
    if (args >= 2)
        return rc == 0 && strcasecmp8(value, a->argv[a->first + 1]) == 0;
    if (rc)
        return shell_error(rc, "%s: %s (%s) has no %s", cmd, arg, fs_volume_type(vol), what[kind]);
    con_printf("%s\n", value);
    shell_set_retstr(value);
    /* grub4dos for UEFI's idiom: uuid () then kernel /ntloader uuid=%?_UUID% */
    if (kind == IDENT_UUID && (rc = var_set_result("?_UUID", value)) != 0)
        return shell_error(rc, "uuid: cannot set ?_UUID: %s", err_str(rc));
    return 1;
}
