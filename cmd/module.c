/*
 * insmod, delmod and command: grub4dos' external commands. A batch file
 * (!BAT) is a command by its path, by its name in the command path, or by
 * the name insmod loaded it under (src/modules.c); grub4dos' binary modules
 * are machine code for grub4dos itself and get a clear error.
 */
#include "../fs/fs.h"
#include "../src/shell.h"

/* The trailers grub4dos puts on its binary modules, as bytes on disk. */
static const uint8_t g4d_efi_sig[8] = { 0x05, 0x18, 0x05, 0x03, 0xBA, 0xA7, 0xBA, 0xBC };
static const uint8_t g4d_bios_sig[8] = { 0x12, 0x05, 0x01, 0x0C, 0x8D, 0x8F, 0x84, 0x85 };

static bool is_batch(const char *text, size_t len)
{
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    return len >= 4 && memcmp(text, "!BAT", 4) == 0;
}

/* Load path as module name: a batch file, or why not. */
static int load(const char *path, const char *name)
{
    struct script *s = NULL;
    char *text;
    size_t len;
    int rc = fs_read_all(path, &text, &len, SCRIPT_SIZE_MAX);
    if (rc)
        return shell_fail(rc, "insmod", path);
    if (!is_batch(text, len)) {
        bool efi = len >= 8 && memcmp(text + len - 8, g4d_efi_sig, 8) == 0;
        bool bios = len >= 8 && memcmp(text + len - 8, g4d_bios_sig, 8) == 0;
        free(text);
        if (bios)
            return shell_error(-ENOTSUP, "insmod: %s: BIOS-only: a grub4dos BIOS binary module",
                               path);
        if (efi)
            return shell_error(-ENOTSUP, "insmod: %s is a grub4dos binary module; mapboot runs "
                               "batch files (!BAT) only", path);
        return shell_error(-ENOEXEC, "insmod: %s is not a batch file (no !BAT header)", path);
    }
    rc = script_parse(path, text, len, 1, &s);
    free(text);
    if (rc == 0)
        rc = module_add(name, s);
    else if (rc == -ESYNTAX)
        rc = shell_error(rc, "insmod: %s:%d: %s", path, shell.parse_line, shell.errmsg);
    if (s)
        script_put(s);
    return rc;
}

static int insmod_exec(struct cmd_args *a)
{
    char path[FS_PATH_MAX];
    const char *file, *name;
    int rc;
    if (a->first >= a->argc)
        return 0; /* grub4dos: nothing to load is false */
    if (a->argc - a->first > 2)
        return shell_error(-EINVAL, "insmod: usage: insmod FILE [NAME]");
    file = a->argv[a->first];
    name = a->first + 1 < a->argc ? a->argv[a->first + 1] : module_name(file);
    if (module_find(name)) {
        if (shell.debug >= 2)
            con_printf("%s already loaded\n", name);
        return 1;
    }
    if (!shell_find_external(file, path, sizeof(path)))
        return shell_error(-ENOENT, "insmod: cannot find %s", file);
    rc = load(path, name);
    if (rc)
        return rc;
    if (shell.debug >= 2)
        con_printf("%s loaded\n", name);
    return 1;
}

COMMAND(insmod, insmod_exec, "insmod FILE [NAME]",
        "Load batch file FILE (a path, or a name found as commands are) to run as the\n"
        "command NAME, by default FILE's last component: `insmod %~f0` lets a batch file\n"
        "call itself by name. A loaded module is found before any file. grub4dos binary\n"
        "modules and .mod packages are machine code for grub4dos itself: an error.",
        NULL);

static int delmod_exec(struct cmd_args *a)
{
    const char *name = NULL;
    bool list = false;
    int i = a->first, found = 0;
    if (i < a->argc && strcmp8(a->argv[i], "-l") == 0) {
        list = true;
        i++;
    }
    if (i < a->argc)
        name = a->argv[i++];
    if (i < a->argc)
        return shell_error(-EINVAL, "delmod: usage: delmod [-l] [NAME|*]");
    if (!name || list) {
        /* list, or test whether NAME is loaded: true when it is */
        const char *m;
        for (int k = 0; (m = module_at(k)) != NULL; k++) {
            if (name && strcasecmp8(m, name) != 0)
                continue;
            found++;
            if (shell.debug >= 1)
                con_printf(" %s\n", m);
        }
        shell_set_retval(found);
        return found;
    }
    found = module_remove(name);
    if (found && shell.debug >= 2 && strcmp8(name, "*") != 0)
        con_printf("%s unloaded.\n", name);
    if (strcmp8(name, "*") == 0)
        return 1;
    shell_set_retval(found);
    return found;
}

COMMAND(delmod, delmod_exec, "delmod [-l] [NAME|*]",
        "Unload module NAME (false when it is not loaded), or every module with *. With\n"
        "no NAME, or with -l, list the modules instead; -l NAME is true when NAME is\n"
        "loaded.",
        NULL);

enum { O_SET_PATH, O_SET_EXT };
static const struct opt command_opts[] = {
    [O_SET_PATH] = { "--set-path", OPT_OPTVALUE },
    [O_SET_EXT] = { "--set-ext", OPT_OPTVALUE },
    { NULL, 0 },
};

static int command_exec(struct cmd_args *a)
{
    char path[FS_PATH_MAX];
    struct script *m;
    if (a->opt[O_SET_PATH].set) {
        const char *dir = a->opt[O_SET_PATH].value ? a->opt[O_SET_PATH].value : "";
        size_t n = strlen8(dir);
        if (n == 0)
            dir = SHELL_CMD_PATH;
        else if (n + 2 > sizeof(shell.cmd_path))
            return shell_error(-ENAMETOOLONG, "command: --set-path: '%s' is too long", dir);
        snprintf(shell.cmd_path, sizeof(shell.cmd_path), "%s%s", dir,
                 n && dir[n - 1] != '/' ? "/" : "");
    }
    if (a->opt[O_SET_EXT].set) {
        const char *ext = a->opt[O_SET_EXT].value ? a->opt[O_SET_EXT].value : "";
        if (strlen8(ext) >= sizeof(shell.cmd_ext))
            return shell_error(-ENAMETOOLONG, "command: --set-ext: '%s' is too long", ext);
        strlcpy8(shell.cmd_ext, ext, sizeof(shell.cmd_ext));
    }
    if (a->first >= a->argc) {
        if (!a->opt[O_SET_PATH].set && !a->opt[O_SET_EXT].set && shell.debug >= 1)
            con_printf("Current default path: %s\nPATHEXT: %s\n", shell.cmd_path, shell.cmd_ext);
        return 1;
    }
    m = module_find(a->argv[a->first]);
    if (m)
        return shell_run_script(m, a->argc - a->first, a->argv + a->first);
    if (!shell_find_external(a->argv[a->first], path, sizeof(path))) {
        /* grub4dos says so and carries on: false, not an error */
        con_printf("Error: No such command: %s\n", a->argv[a->first]);
        shell_set_retval(0);
        return 0;
    }
    return shell_call_file(path, a->argc - a->first, a->argv + a->first);
}

COMMAND(command, command_exec, "command [--set-path=DIR] [--set-ext=.EXT;...] [NAME [ARGS]]",
        "Run NAME as an external command: a module loaded by insmod, else a batch file\n"
        "by its path, or by name in the root directory and then in the command path\n"
        "(%@path%, (bd)/efi/grub/ at first; --set-path changes it, an empty one restores\n"
        "it), then with each --set-ext extension. With no NAME, show the path.",
        command_opts);
