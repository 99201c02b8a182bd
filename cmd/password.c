/* password [--md5] PASSWORD [FILE], lock, md5crypt [STRING]. */
#include "../src/platform.h"
#include "menu_need.h"

static const struct opt password_opts[] = {
    { "--md5", OPT_FLAG },
    { NULL, 0 },
};

static int password_exec(struct cmd_args *a)
{
    bool md5 = a->opt[0].set;
    const char *pw;
    if (a->first >= a->argc)
        return shell_error(-EINVAL, "password: missing password");
    pw = a->argv[a->first];
    if (md5 && (!str_starts8(pw, "$1$") || !strchr8(pw + 3, '$')))
        return shell_error(-EINVAL, "password: '%s' is not an md5crypt string ($1$...); "
                                    "make one with md5crypt", pw);
    if (menu_cur && menu_cur->loading) {
        /* in the global section: lock the menu's editing keys */
        free(menu_cur->password);
        free(menu_cur->password_file);
        menu_cur->password = strdup8(pw);
        menu_cur->password_md5 = md5;
        menu_cur->password_file =
            a->first + 1 < a->argc ? strdup8(a->argv[a->first + 1]) : NULL;
        return menu_cur->password ? 1 : -ENOMEM;
    }
    /* in an entry or at the prompt: ask now */
    if (shell_need_keyboard("password"))
        return -EPERM;
    if (!menu_ask_password(pw, md5))
        return shell_error(-EPERM, "password: wrong password");
    if (menu_cur)
        menu_cur->unlocked = true;
    return 1;
}

static int lock_exec(struct cmd_args *a)
{
    if (menu_cur && menu_cur->password && !menu_cur->unlocked)
        return shell_error(-EPERM, "lock: this entry needs the password ('p' in the menu)");
    return 1;
}

static int md5crypt_exec(struct cmd_args *a)
{
    char key[64], salt[16], out[64];
    static const char set[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    if (a->first < a->argc) {
        strlcpy8(key, a->argv[a->first], sizeof(key));
    } else if (shell_need_keyboard("md5crypt")) {
        return -EPERM;
    } else if (cmdline_read("Password: ", NULL, key, sizeof(key), false, true) != 0) {
        return 0;
    }
    for (int i = 0; i < 8; i++)
        salt[i] = set[plat_random() % 64];
    salt[8] = 0;
    md5crypt(key, salt, out, sizeof(out));
    con_printf("Encrypted: %s\n", out);
    shell_set_retstr(out);
    return 1;
}

COMMAND(password, password_exec, "password [--md5] PASSWORD [FILE]",
        "In the global section of a menu file: lock the 'e' and 'c' keys (and entries that\n"
        "use 'lock') until 'p' and PASSWORD are typed; with FILE, the password loads FILE as\n"
        "the menu. Elsewhere: ask for PASSWORD now and fail if it is wrong. --md5 takes a\n"
        "$1$ string made by md5crypt.",
        password_opts);
COMMAND(lock, lock_exec, "lock",
        "Fail unless the menu password was entered: put it first in an entry to protect it.",
        NULL);
COMMAND(md5crypt, md5crypt_exec, "md5crypt [STRING]",
        "Print the md5crypt hash of STRING (asked for when missing), for 'password --md5'.",
        NULL);
