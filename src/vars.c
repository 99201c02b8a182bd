/*
 * Script variables: a list in creation order (grub4dos' `set` prints them in
 * that order), the read-only @ built-ins, and setlocal/endlocal snapshots.
 * Names are case-sensitive, as in grub4dos. We allow longer names (64) and
 * values (4096) than grub4dos' 8 and 512, and do not truncate silently.
 */
#include "platform.h"
#include "../disk/drive.h"
#include "shell.h"

struct var {
    char *name;
    char *value;
};

struct varlist {
    struct var *v;
    size_t n, cap;
    char root[sizeof(shell.root)]; /* setlocal also saves the root device */
};

#define VAR_COUNT_MAX 1024
#define LOCAL_DEPTH_MAX 32

static struct varlist vars;
static struct varlist saved[LOCAL_DEPTH_MAX];
static int nsaved;

bool var_name_valid(const char *name)
{
    size_t n = strlen8(name);
    if (n == 0 || n > VAR_NAME_MAX)
        return false;
    if (!(is_alpha((unsigned char)name[0]) || name[0] == '_'))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!(is_alnum((unsigned char)name[i]) || name[i] == '_'))
            return false;
    return true;
}

static struct var *find(const char *name)
{
    for (size_t i = 0; i < vars.n; i++)
        if (strcmp8(vars.v[i].name, name) == 0)
            return &vars.v[i];
    return NULL;
}

static const char *builtin(const char *name)
{
    static char buf[64];
    struct plat_tm tm;
    if (strcmp8(name, "@date") == 0 || strcmp8(name, "@time") == 0) {
        if (plat_datetime(&tm))
            return "";
        if (name[1] == 'd')
            snprintf(buf, sizeof(buf), "%04d-%02d-%02d", tm.year, tm.month, tm.day);
        else
            snprintf(buf, sizeof(buf), "%02d:%02d:%02d", tm.hour, tm.min, tm.sec);
        return buf;
    }
    if (strcmp8(name, "@random") == 0) {
        snprintf(buf, sizeof(buf), "%u", (unsigned)(plat_random() % 32768));
        return buf;
    }
    if (strcmp8(name, "@retval") == 0) {
        snprintf(buf, sizeof(buf), "%d", (int)shell.retval);
        return buf;
    }
    if (strcmp8(name, "@retval64") == 0) {
        snprintf(buf, sizeof(buf), "%lld", shell.retval);
        return buf;
    }
    if (strcmp8(name, "@root") == 0)
        return shell.root;
    if (strcmp8(name, "@boot") == 0)
        return "(bd)";
    if (strcmp8(name, "@path") == 0)
        return shell.cmd_path;
    if (strcmp8(name, "@uefi") == 0)
        return plat_is_uefi ? "1" : "0";
    if (strcmp8(name, "@menu_ms") == 0) {
        /* mapboot's own: start-up time to the first menu drawn, for the perf goal */
        snprintf(buf, sizeof(buf), "%u.%03u", (unsigned)(shell_menu_us / 1000),
                 (unsigned)(shell_menu_us % 1000));
        return buf;
    }
    if (strcmp8(name, "@connect_ms") == 0) {
        /* mapboot's own: the part of @menu_ms that connecting every controller took */
        uint64_t us = plat_startup_connect_us();
        snprintf(buf, sizeof(buf), "%u.%03u", (unsigned)(us / 1000), (unsigned)(us % 1000));
        return buf;
    }
    if (strcmp8(name, "@uptime_ms") == 0) {
        /* mapboot's own: time since entry, so scripts can time what they run */
        uint64_t us = plat_uptime_us();
        snprintf(buf, sizeof(buf), "%llu.%03u", (unsigned long long)(us / 1000),
                 (unsigned)(us % 1000));
        return buf;
    }
    return NULL;
}

/*
 * %?_BOOT%: the disk mapboot started from, as grub4dos for UEFI names it
 * for menus to compare ("hd0", "cd0"; its network device would be "pd").
 */
static const char *boot_disk_name(void)
{
    static char buf[24];
    struct drive *d = drive_boot();
    size_t n;
    if (!d)
        return NULL;
    d = drive_root(d, NULL);
    n = strlen8(d->name);
    if (n < 3 || d->name[0] != '(')
        return NULL;
    snprintf(buf, sizeof(buf), "%.*s", (int)(n - 2), d->name + 1);
    return buf;
}

const char *var_get(const char *name)
{
    struct var *v;
    if (name[0] == '@')
        return builtin(name);
    if (strcmp8(name, "?_BOOT") == 0)
        return boot_disk_name();
    if (strcmp8(name, "?") == 0)
        return shell.retstr;
    v = find(name);
    return v ? v->value : NULL;
}

static void list_del(struct varlist *l, size_t i)
{
    free(l->v[i].name);
    free(l->v[i].value);
    memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(l->v[0]));
    l->n--;
}

static int store(const char *name, const char *value);

int var_set(const char *name, const char *value)
{
    if (!var_name_valid(name))
        return -EINVAL;
    return store(name, value);
}

int var_set_result(const char *name, const char *value)
{
    if (name[0] != '?' || name[1] != '_' || !var_name_valid(name + 2))
        return -EINVAL;
    return store(name, value);
}

static int store(const char *name, const char *value)
{
    struct var *v;
    char *copy;
    v = find(name);
    if (!value || !*value) {
        if (v)
            list_del(&vars, (size_t)(v - vars.v));
        return 0;
    }
    if (strlen8(value) > VAR_VALUE_MAX)
        return -E2BIG;
    copy = strdup8(value);
    if (!copy)
        return -ENOMEM;
    if (v) {
        free(v->value);
        v->value = copy;
        return 0;
    }
    if (vars.n >= VAR_COUNT_MAX) {
        free(copy);
        return -ENOSPC;
    }
    if (vars.n == vars.cap) {
        size_t cap = vars.cap ? vars.cap * 2 : 32;
        struct var *nv = realloc(vars.v, cap * sizeof(*nv));
        if (!nv) {
            free(copy);
            return -ENOMEM;
        }
        vars.v = nv;
        vars.cap = cap;
    }
    vars.v[vars.n].name = strdup8(name);
    if (!vars.v[vars.n].name) {
        free(copy);
        return -ENOMEM;
    }
    vars.v[vars.n++].value = copy;
    return 0;
}

void var_foreach(const char *prefix, void (*fn)(const char *name, const char *value, void *ctx),
                 void *ctx)
{
    for (size_t i = 0; i < vars.n; i++)
        if (str_starts8(vars.v[i].name, prefix))
            fn(vars.v[i].name, vars.v[i].value, ctx);
}

static void list_free(struct varlist *l)
{
    while (l->n)
        list_del(l, l->n - 1);
    free(l->v);
    l->v = NULL;
    l->cap = 0;
}

void var_clear_all(void)
{
    list_free(&vars);
}

int var_setlocal(void)
{
    struct varlist copy = { 0 };
    if (nsaved >= LOCAL_DEPTH_MAX)
        return -ELOOP;
    if (vars.n) {
        copy.v = calloc(vars.n, sizeof(copy.v[0]));
        if (!copy.v)
            return -ENOMEM;
        copy.cap = vars.n;
        for (; copy.n < vars.n; copy.n++) {
            copy.v[copy.n].name = strdup8(vars.v[copy.n].name);
            copy.v[copy.n].value = strdup8(vars.v[copy.n].value);
            if (!copy.v[copy.n].name || !copy.v[copy.n].value) {
                copy.n++;
                list_free(&copy);
                return -ENOMEM;
            }
        }
    }
    strlcpy8(copy.root, shell.root, sizeof(copy.root));
    saved[nsaved++] = copy;
    return 0;
}

int var_endlocal(void)
{
    if (nsaved == 0)
        return -ENOENT;
    list_free(&vars);
    vars = saved[--nsaved];
    strlcpy8(shell.root, vars.root, sizeof(shell.root));
    return 0;
}

int var_local_depth(void)
{
    return nsaved;
}
