/*
 * Start-up, as grub4dos does it: a built-in preset looks for menu.lst on the
 * boot volume (/efi/grub/menu.lst, /menu.lst, /boot/grub/menu.lst), after
 * the PXE server's menus when booted over PXE (shell_pxe_menu), runs the first
 * one found, and otherwise opens the command line. `configfile`
 * switches menus by leaving the current one with FLOW_QUIT.
 */
#include "../fs/fs.h"
#include "../menu/menu.h"
#include "platform.h"
#include "shell.h"

static const char *const preset[] = {
    "(bd)/efi/grub/menu.lst",
    "(bd)/menu.lst",
    "(bd)/boot/grub/menu.lst",
};

/*
 * Load and run one menu file. Returns 1 when its menu was shown, 0 when it
 * loaded but switched away first (configfile in its global section), and
 * negative when it could not be loaded.
 */
int shell_menu_file(const char *path)
{
    char full[FS_PATH_MAX], *text;
    size_t len;
    struct menu *m = NULL;
    int rc = fs_resolve(path, full, sizeof(full));
    if (rc == 0)
        rc = fs_read_all(full, &text, &len, SCRIPT_SIZE_MAX);
    if (rc)
        return rc;
    rc = menu_parse(full, text, len, &m);
    free(text);
    if (rc) {
        /* show what is wrong, and still run what can run (lines in error refuse) */
        con_printf("%s:%d: Error: %s\n", full, shell.parse_line,
                   shell.errmsg[0] ? shell.errmsg : err_str(rc));
        if (!m)
            return rc;
    }
    menu_init(m);
    rc = 0;
    if (shell.flow == FLOW_NONE && !shell.exit_app) {
        menu_run(m);
        rc = 1;
    }
    menu_free(m);
    return rc;
}

/*
 * A mapboot booted over PXE looks for its menu on (pd) first, in grub4dos'
 * order, the first found winning: menu.lst/01-MAC (lower-case hex, dashes),
 * menu.lst/IP in upper-case hex shortened a digit at a time (C0A8010A,
 * C0A8010, ..., C), menu.lst/default, then the file (pd)/menu.lst, then
 * (pd)/efi/grub/menu.lst. -ENOENT when none is there (or not PXE-booted).
 */
int shell_pxe_menu(void)
{
    struct plat_net_info i;
    char path[64], hex[9];
    int rc;
    if (!plat_pxe_info(&i))
        return -ENOENT;
    snprintf(path, sizeof(path), "(pd)/menu.lst/01-%02x-%02x-%02x-%02x-%02x-%02x", i.mac[0],
             i.mac[1], i.mac[2], i.mac[3], i.mac[4], i.mac[5]);
    rc = shell_menu_file(path);
    snprintf(hex, sizeof(hex), "%02X%02X%02X%02X", i.ip[0], i.ip[1], i.ip[2], i.ip[3]);
    for (int n = 8; n >= 1 && rc == -ENOENT; n--) {
        hex[n] = 0;
        snprintf(path, sizeof(path), "(pd)/menu.lst/%s", hex);
        rc = shell_menu_file(path);
    }
    if (rc == -ENOENT)
        rc = shell_menu_file("(pd)/menu.lst/default");
    if (rc == -ENOENT)
        rc = shell_menu_file("(pd)/menu.lst");
    if (rc == -ENOENT)
        rc = shell_menu_file("(pd)/efi/grub/menu.lst");
    return rc;
}

/* Menus that may switch to the next before one is shown: a configfile loop must end. */
#define CONFIGFILE_CHAIN_MAX 16

int shell_main(void)
{
    int unseen = 0; /* menus loaded in a row without one shown */
    con_set_normal();
    for (;;) {
        int rc = -ENOENT;
        if (shell.exit_app)
            return 0;
        shell.flow = FLOW_NONE;
        if (shell.configfile) {
            char *path = shell.configfile;
            shell.configfile = NULL;
            if (++unseen > CONFIGFILE_CHAIN_MAX) {
                con_printf("Error: configfile %s: %d menus switched to the next before one was "
                           "shown; stopping here\n", path, CONFIGFILE_CHAIN_MAX);
                rc = -ELOOP;
            } else {
                rc = shell_menu_file(path);
                if (rc < 0)
                    con_printf("Error: configfile %s: %s\n", path, err_str(rc));
            }
            free(path);
        } else {
            static bool preset_done;
            if (!preset_done) {
                preset_done = true;
                rc = shell_pxe_menu();
                for (size_t i = 0; i < ARRAY_SIZE(preset) && rc == -ENOENT; i++)
                    rc = shell_menu_file(preset[i]);
                if (rc < 0 && rc != -ENOENT)
                    con_printf("Error: cannot read the menu: %s\n", err_str(rc));
            }
        }
        if (rc == 1)
            unseen = 0;
        if (shell.exit_app)
            return 0;
        if (shell.configfile && rc != -ELOOP)
            continue;
        free(shell.configfile);
        shell.configfile = NULL;
        if (rc < 0 || shell.flow == FLOW_NONE || shell.flow == FLOW_QUIT) {
            shell.flow = FLOW_NONE;
            cmdline_run(false);
        }
    }
}
