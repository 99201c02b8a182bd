/*
 * find [--set-root[=DIR]] [--ignore-floppies] [--ignore-cd] [--devices=hcf]
 *      [FILE] [COND...]
 * List the devices that hold FILE (or, without FILE, every device with a
 * filesystem) and on which COND, a command run with that device as the
 * root, succeeds. The current root is searched first, then the devices in
 * the --devices order (h hard disks, c CDs, f floppies, p the PXE server
 * (pd) when booted over PXE). A network root ((http,...), (pd)) is searched
 * too, as any root is. Every hit is printed; the first becomes %?% and, with
 * --set-root, the root.
 */
#include "../fs/fs.h"
#include "../src/platform.h"
#include "../src/shell.h"

enum { O_SET_ROOT, O_IGN_FD, O_IGN_CD, O_DEVICES };
static const struct opt find_opts[] = {
    [O_SET_ROOT] = { "--set-root", OPT_OPTVALUE },
    [O_IGN_FD] = { "--ignore-floppies", OPT_FLAG },
    [O_IGN_CD] = { "--ignore-cd", OPT_FLAG },
    [O_DEVICES] = { "--devices", OPT_VALUE },
    { NULL, 0 },
};

struct find_ctx {
    const char *file;   /* on each volume, or NULL */
    int cond_argc;      /* COND words, or 0 */
    char **cond_argv, **cond_rawv;
    int hits;
    char first[64];
    int rc;             /* a hard error (Ctrl-C) that stops the search */
};

static bool holds(struct fs_volume *vol, const char *file)
{
    struct fs_file *f;
    char path[FS_PATH_MAX];
    if (snprintf(path, sizeof(path), "%s%s", vol->dev, file) >= (int)sizeof(path))
        return false;
    if (fs_open(path, &f) != 0)
        return false;
    fs_close(f);
    return true;
}

/* Run COND with dev as the root; a true (nonzero) value is a hit. */
static bool cond_holds(struct find_ctx *c, const char *dev)
{
    char saved[sizeof(shell.root)];
    int rc;
    strlcpy8(saved, shell.root, sizeof(saved));
    strlcpy8(shell.root, dev, sizeof(shell.root));
    rc = shell_exec_argv(c->cond_argc, c->cond_argv, c->cond_rawv);
    strlcpy8(shell.root, saved, sizeof(shell.root));
    shell.err_printed = false; /* a failing condition is an answer, not the error of find */
    return rc > 0;
}

static int visit(const char *dev, struct fs_volume *vol, void *ctx)
{
    struct find_ctx *c = ctx;
    if (c->file && !holds(vol, c->file))
        return 0;
    if (c->cond_argc && !cond_holds(c, dev))
        return 0;
    con_printf("%s\n", dev);
    if (c->hits++ == 0)
        strlcpy8(c->first, dev, sizeof(c->first));
    if (con_interrupted()) {
        c->rc = -ECANCELED;
        return 1;
    }
    return 0;
}

static int find_exec(struct cmd_args *a)
{
    struct find_ctx c = { 0 };
    struct plat_net_info net;
    struct fs_volume *pd_vol;
    bool pd = false;
    char kinds[8] = "hcf", *k = kinds;
    int i = a->first;
    if (a->opt[O_DEVICES].set) {
        const char *v = a->opt[O_DEVICES].value;
        if (strlen8(v) >= sizeof(kinds))
            return shell_error(-EINVAL, "find: bad --devices '%s'", v);
        for (const char *p = v; *p; p++)
            if (!strchr8("hcfupn", *p))
                return shell_error(-EINVAL, "find: bad --devices '%s' (letters h, c, f)", v);
        strlcpy8(kinds, v, sizeof(kinds));
    }
    /* drop the ignored kinds (and u, n: grub4dos' USB and network letters, none here) */
    for (char *p = kinds; *p; p++) {
        if (*p == 'p')
            pd = true;
        else if (!(*p == 'f' && a->opt[O_IGN_FD].set) && !(*p == 'c' && a->opt[O_IGN_CD].set) &&
                 strchr8("hcf", *p))
            *k++ = *p;
    }
    *k = 0;
    if (i < a->argc && a->argv[i][0] == '/')
        c.file = a->argv[i++];
    if (i < a->argc) {
        c.cond_argc = a->argc - i;
        c.cond_argv = a->argv + i;
        c.cond_rawv = a->rawv + i;
    }
    fs_for_each_volume(kinds, true, visit, &c);
    if (pd && !c.rc && plat_pxe_info(&net) && strcasecmp8(shell.root, "(pd)") != 0 &&
        !str_starts_case8(shell.root, "(pd)/") && fs_volume_get("(pd)", &pd_vol) == 0)
        visit("(pd)", pd_vol, &c); /* after the disks; the root, when it is (pd), came first */
    if (c.rc)
        return shell_error(c.rc, "find: %s", err_str(c.rc));
    if (!c.hits)
        return shell_error(-ENOENT, "find: %s not found", c.file ? c.file : "a device");
    shell_set_retstr(c.first);
    if (a->opt[O_SET_ROOT].set) {
        const char *dir = a->opt[O_SET_ROOT].value;
        if (dir && *dir) {
            if (dir[0] != '/' || strlen8(c.first) + strlen8(dir) >= sizeof(shell.root))
                return shell_error(-EINVAL, "find: bad --set-root directory '%s'", dir);
            snprintf(shell.root, sizeof(shell.root), "%s%s", c.first, dir);
        } else {
            strlcpy8(shell.root, c.first, sizeof(shell.root));
        }
    }
    return c.hits;
}

COMMAND(find, find_exec,
        "find [--set-root[=DIR]] [--ignore-floppies] [--ignore-cd] [--devices=hcf] [FILE] [COND]",
        "Print every device that holds FILE (every device with a filesystem when FILE is\n"
        "not given) and on which the command COND, run with that device as the root,\n"
        "succeeds. The root device is searched first (a network root, (http,...) or (pd),\n"
        "too), then the --devices kinds in order (h hard disks, c CDs, f floppies, p the\n"
        "PXE server (pd), after the disks). %?% is the first hit; --set-root makes it\n"
        "the root (with DIR appended). Returns the number of hits.",
        find_opts);
