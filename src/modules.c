/*
 * insmod's registry: batch files kept in memory under a name and run as
 * commands, before any file on a disk of the same name (grub4dos looks in
 * its loaded modules first). A batch file often loads itself
 * (`insmod %~f0`) so that its labels can be called as commands later.
 */
#include "shell.h"

static struct module {
    char *name;
    struct script *s;
} modules[MODULES_MAX];
static int nmodules;

const char *module_name(const char *path)
{
    const char *slash = strrchr8(path, '/'), *paren = strrchr8(path, ')');
    if (paren && (!slash || paren > slash))
        slash = paren;
    return slash ? slash + 1 : path;
}

struct script *module_find(const char *name)
{
    for (int i = 0; i < nmodules; i++)
        if (strcasecmp8(modules[i].name, name) == 0)
            return modules[i].s;
    return NULL;
}

int module_add(const char *name, struct script *s)
{
    char *copy;
    if (!*name)
        return shell_error(-EINVAL, "insmod: a module needs a name");
    if (module_find(name))
        return shell_error(-EEXIST, "insmod: %s is loaded already", name);
    if (nmodules >= MODULES_MAX)
        return shell_error(-ENOSPC, "insmod: %d modules are loaded; delmod one first",
                           MODULES_MAX);
    copy = strdup8(name);
    if (!copy)
        return -ENOMEM;
    s->refs++;
    modules[nmodules].name = copy;
    modules[nmodules].s = s;
    nmodules++;
    return 0;
}

int module_remove(const char *name)
{
    int gone = 0;
    for (int i = 0; i < nmodules;) {
        if (strcmp8(name, "*") != 0 && strcasecmp8(modules[i].name, name) != 0) {
            i++;
            continue;
        }
        free(modules[i].name);
        script_put(modules[i].s); /* a module running now keeps its own reference */
        memmove(&modules[i], &modules[i + 1], (size_t)(nmodules - i - 1) * sizeof(modules[0]));
        nmodules--;
        gone++;
    }
    return gone;
}

const char *module_at(int i)
{
    return i >= 0 && i < nmodules ? modules[i].name : NULL;
}
