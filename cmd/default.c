/* default N|saved, savedefault [N]: the entry booted when the countdown ends. */
#include "../fs/fs.h"
#include "menu_need.h"

static int default_exec(struct cmd_args *a)
{
    long long v;
    int rc = need_menu("default");
    if (rc)
        return rc;
    if (a->first >= a->argc)
        return shell_error(-EINVAL, "default: expected an entry number or 'saved'");
    if (strcasecmp8(a->argv[a->first], "saved") == 0) {
        menu_cur->default_saved = true;
        return 1;
    }
    if (parse_num(a->argv[a->first], &v) || v < 0)
        return shell_error(-EINVAL, "default: bad entry number '%s'", a->argv[a->first]);
    menu_cur->default_entry = v < MENU_ENTRIES_MAX ? (int)v : 0;
    menu_cur->default_saved = false;
    return 1;
}

static int savedefault_exec(struct cmd_args *a)
{
    char path[FS_PATH_MAX], buf[16];
    long long v;
    int rc = need_menu("savedefault"), n;
    if (rc)
        return rc;
    v = menu_cur->current;
    if (a->first < a->argc) {
        const char *w = a->argv[a->first];
        if (parse_num(w, &v))
            return shell_error(-EINVAL, "savedefault: bad entry number '%s'", w);
        if (w[0] == '+' || w[0] == '-')
            v += menu_cur->current;
    }
    if (v < 0 || v >= menu_cur->n)
        return shell_error(-EINVAL, "savedefault: no entry %lld", v);
    rc = menu_default_file(menu_cur, path, sizeof(path));
    if (rc)
        return rc;
    n = snprintf(buf, sizeof(buf), "%lld\n", v);
    rc = fs_write_file(path, buf, (size_t)n, false);
    if (rc)
        return shell_error(rc, "savedefault: cannot write %s: %s", path, err_str(rc));
    return 1;
}

COMMAND(default, default_exec, "default N|saved",
        "In a menu file: the entry (from 0) to highlight and boot after the timeout.\n"
        "'saved' takes the number from the file 'default' beside the menu file, which\n"
        "savedefault writes.",
        NULL);
COMMAND(savedefault, savedefault_exec, "savedefault [[+|-]N]",
        "Write the running entry (or entry N, or one relative to it) to the 'default' file\n"
        "beside the menu file, for 'default saved'.",
        NULL);
