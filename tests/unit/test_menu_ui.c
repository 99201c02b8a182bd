/*
 * The menu screen (menu/ui.c) driven by keys, as a person would: moving the
 * highlight every way, digits, running an entry and coming back, the entry
 * editor (a line added, the edited entry booted), the command line and back,
 * the password, the countdown and hiddenmenu booting the default by
 * themselves. Each menu ends with an entry that leaves mapboot (exit_g4d), so
 * menu_run returns.
 */
#include "test.h"
#include "../../menu/menu.h"
#include "../../src/platform.h"

static int keys[256];
static size_t nkeys;

static void key(int k)
{
    if (nkeys < sizeof(keys) / sizeof(keys[0]))
        keys[nkeys++] = k;
}

static void type(const char *s)
{
    while (*s)
        key((unsigned char)*s++);
    key(KEY_ENTER);
}

/* Run menu text with the keys given so far; the output, and whether it left. */
static const char *run_menu(const char *text, bool *halted)
{
    struct menu *m = test_menu_load(text);
    host_keys = keys;
    host_nkeys = nkeys;
    host_keypos = 0;
    host_output_reset();
    host_capture_output = true;
    if (m)
        menu_run(m);
    host_capture_output = false;
    host_keys = NULL;
    *halted = shell.exit_app;
    shell.exit_app = false;
    shell.flow = FLOW_NONE;
    menu_free(m);
    nkeys = 0;
    return host_out ? host_out : "";
}

static const char three[] = "timeout 30\n"
                            "default 1\n"
                            "title First\\nthe first one's help\n"
                            "echo ran first\n"
                            "title Second\n"
                            "echo ran second\n"
                            "title Leave\n"
                            "exit_g4d\n";

TEST(menu_ui_moves_runs_edits_and_leaves)
{
    bool halted;
    const char *out;
    /* every way of moving, ending on entry 1 (Second) */
    key(KEY_DOWN);
    key(KEY_UP);
    key(KEY_PGDN);
    key(KEY_PGUP);
    key(KEY_END);
    key(KEY_HOME);
    key('1');
    key(KEY_ENTER); /* runs Second, then waits for a key */
    key('x');
    /* the editor: a line added after the first, then booted */
    key('e');
    key('o');
    type("echo edited line");
    key('b');
    key('x');
    /* the command line, and Esc back to the menu */
    key('c');
    type("echo from the prompt");
    key(KEY_ESC);
    /* 7 is past the end: digits start again; 2 is Leave */
    key('7');
    key('2');
    key(KEY_ENTER);
    out = run_menu(three, &halted);
    ok(halted);
    ok(strstr(out, "First") && strstr(out, "the first one's help"));
    ok(strstr(out, "  Booting 'Second'") != NULL);
    ok(strstr(out, "ran second\n") != NULL);
    ok(strstr(out, "The entry finished without booting. Press any key to go back...") != NULL);
    ok(strstr(out, "edited line\n") != NULL);
    ok(strstr(out, "from the prompt\n") != NULL);
    ok(strstr(out, "ran first") == NULL);
    ok(strstr(out, "  Booting 'Leave'") != NULL);
}

TEST(menu_ui_password_locks_edit_and_command_line)
{
    bool halted;
    const char *out;
    key('e');
    key('c');
    key('p');
    type("wrong");
    key('e'); /* still locked */
    key('p');
    type("secret");
    key('e'); /* now the editor opens; Esc leaves it */
    key(KEY_ESC);
    key(KEY_END);
    key(KEY_ENTER);
    out = run_menu("password secret\n" "title One\n" "echo one\n" "title Leave\n" "exit_g4d\n", &halted);
    ok(halted);
    ok(strstr(out, "Press 'p' and enter the password first.") != NULL);
    ok(strstr(out, "Password: ") != NULL);
    /* the editor shows the entry's lines once unlocked */
    ok(strstr(out, " echo one") != NULL);
}

TEST(menu_ui_countdown_boots_the_default)
{
    bool halted;
    const char *out;
    /* no key at all: the countdown runs out and the default boots */
    out = run_menu("timeout 2\n" "default 1\n" "title Stay\n" "echo stay\n" "title Leave\n"
                   "echo leaving\n" "exit_g4d\n", &halted);
    ok(halted);
    ok(strstr(out, "leaving\n") && !strstr(out, "stay\n"));
}

TEST(menu_ui_hiddenmenu_boots_the_default)
{
    bool halted;
    const char *out;
    /* hiddenmenu: the same, without the menu */
    out = run_menu("hiddenmenu\n" "timeout 1\n" "title Leave\n" "echo hidden leaving\n" "exit_g4d\n",
                   &halted);
    ok(halted);
    ok(strstr(out, "Press any key to enter the menu... 1") != NULL);
    ok(strstr(out, "hidden leaving\n") != NULL);
}

TEST(menu_ui_failing_entry_falls_back)
{
    bool halted;
    const char *out;
    key(KEY_ENTER);
    out = run_menu("default 0\n" "fallback 1\n" "title Broken\n" "cat /nosuch\n" "title Leave\n"
                   "echo fell back\n" "exit_g4d\n", &halted);
    ok(halted);
    ok(strstr(out, "Error: cat: /nosuch") != NULL);
    ok(strstr(out, "Falling back to entry 1...") != NULL);
    ok(strstr(out, "fell back\n") != NULL);
}
