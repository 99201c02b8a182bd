/*
 * menu.lst: menu_parse (global section, entries, title escapes and help,
 * dropped empty entries), menu_init (directives, iftitle, default saved),
 * and running an entry's lines.
 */
#include "test.h"
#include "../../src/platform.h"

#include "../../menu/menu.h"

static struct menu *parse(const char *text)
{
    struct menu *m = NULL;
    int rc = menu_parse("(bd)/efi/grub/menu.lst", text, strlen(text), &m);
    ok(rc == 0);
    if (rc)
        printf("    menu_parse: %d %s\n", rc, shell.errmsg);
    return m;
}

/* parse + init, output captured (the global section may print). */
struct menu *test_menu_load(const char *text)
{
    struct menu *m = parse(text);
    host_output_reset();
    host_capture_output = true;
    if (m)
        menu_init(m);
    host_capture_output = false;
    return m;
}

/* Run entry i as the menu would (without the screen), returning its output. */
static const char *run_entry(struct menu *m, int i)
{
    host_output_reset();
    host_capture_output = true;
    shell_run_block(m->s, m->entries[i].from, m->entries[i].to, true);
    host_capture_output = false;
    return host_out ? host_out : "";
}

TEST(menu_global_section_and_entries)
{
    struct menu *m = parse("# a comment\n"
                           "timeout 5\n"
                           "default 1\n"
                           "\n"
                           "title First\n"
                           "echo one\n"
                           "echo one more\n"
                           "title Second\n"
                           "echo two\n");
    ok(m->n == 2);
    ok(m->global_to == 4);
    ok_str(m->entries[0].title, "First");
    ok(m->entries[0].from == 5 && m->entries[0].to == 7);
    ok(m->entries[0].title_line == 5);
    ok_str(m->entries[1].title, "Second");
    ok(m->entries[1].from == 8 && m->entries[1].to == m->s->nlines);
    ok(m->entries[0].help == NULL);
    ok(m->entries[0].cond == NULL);
    ok(m->entries[0].visible);
    ok_str(run_entry(m, 0), "one\none more\n");
    ok_str(run_entry(m, 1), "two\n");
    menu_free(m);
}

TEST(menu_no_titles)
{
    struct menu *m = parse("timeout 5\necho hi\n");
    ok(m->n == 0);
    ok(m->global_to == m->s->nlines);
    menu_free(m);
    m = parse("");
    ok(m->n == 0);
    menu_free(m);
}

TEST(menu_title_escapes_and_help)
{
    struct menu *m = parse("title Hello\\tWorld\\nFirst help line\\nSecond help line\n"
                           "echo x\n"
                           "title=Equals form\n"
                           "echo y\n"
                           "TITLE   Upper \\x41\\X20AC\\101\\\\ end\n"
                           "echo z\n");
    ok(m->n == 3);
    ok_str(m->entries[0].title, "Hello\tWorld");
    ok_str(m->entries[0].help, "First help line\nSecond help line");
    ok_str(m->entries[1].title, "Equals form");
    ok_str(m->entries[2].title, "Upper A\xe2\x82\xac" "A\\ end");
    menu_free(m);
}

TEST(menu_unescape_forms)
{
    char *t;
    t = menu_unescape("a\\nb\\tc\\\\d\\qe\\");
    ok_str(t, "a\nb\tc\\dqe\\");
    mb_free(t);
    t = menu_unescape("\\x4g\\x\\X\\Xe9\\0101\\377");
    ok_str(t, "\x04gxX\xc3\xa9\x08" "1\xff");
    mb_free(t);
    /* a NUL escape would cut the string: it is dropped */
    t = menu_unescape("a\\x00b\\0c\\X0000d");
    ok_str(t, "abcd");
    mb_free(t);
}

TEST(menu_entries_without_commands_dropped)
{
    struct menu *m = parse("title Empty\n"
                           "\n"
                           "title Comment only\n"
                           "  # nothing here\n"
                           "title Real\n"
                           "echo real\n"
                           "title Empty at the end\n");
    ok(m->n == 1);
    ok_str(m->entries[0].title, "Real");
    ok_str(run_entry(m, 0), "real\n");
    menu_free(m);
}

TEST(menu_iftitle)
{
    struct menu *m;
    var_set("have", "1");
    m = test_menu_load("iftitle [if exist have] Shown\\nhelp\n"
             "echo a\n"
             "iftitle [if exist nothave] Hidden\n"
             "echo b\n"
             "iftitle [calc 0] Hidden too\n"
             "echo c\n"
             "iftitle [nosuchcommand] Hidden by an unknown command\n"
             "echo d\n"
             "iftitle [ if /i A==a ] Spaces inside\n"
             "echo e\n"
             "title Plain\n"
             "echo f\n");
    ok(m->n == 6);
    ok_str(m->entries[0].title, "Shown");
    ok_str(m->entries[0].help, "help");
    ok_str(m->entries[0].cond, "if exist have");
    ok(m->entries[0].visible);
    ok(!m->entries[1].visible);
    ok(!m->entries[2].visible);
    ok(!m->entries[3].visible);
    ok(m->entries[4].visible);
    ok(m->entries[5].visible);
    menu_free(m);
}

/* Conditions run while the menu loads: they print nothing and may not wait for keys. */
TEST(menu_iftitle_is_silent_and_never_waits)
{
    struct menu *m = parse("iftitle [echo shown?] Echo\necho a\n"
                           "iftitle [pause] Pause\necho b\n"
                           "iftitle [set /p x=Name: ] Prompt\necho c\n");
    host_output_reset();
    host_capture_output = true;
    /* no keys are queued: a wait would end the test binary with status 3 */
    host_keys = (const int[]){ 0 };
    host_nkeys = 0;
    menu_init(m);
    host_capture_output = false;
    host_keys = NULL;
    ok(strstr(host_out, "shown?") == NULL);
    ok(strstr(host_out, "not allowed in an iftitle condition") == NULL);
    ok(m->entries[0].visible);
    ok(!m->entries[1].visible);
    ok(!m->entries[2].visible);
    menu_free(m);
}

/*
 * A condition's error is an answer (false), not an error to show later.
 * Regression: it was held as under `> nul`, and the next failing command
 * at the prompt showed it again.
 */
TEST(menu_iftitle_error_is_not_held)
{
    struct menu *m = parse("iftitle [cat /nosuch] A\necho a\niftitle [call :nolabel] B\necho b\n");
    host_output_reset();
    host_capture_output = true;
    menu_init(m);
    host_capture_output = false;
    ok(!host_out || strstr(host_out, "Error") == NULL);
    ok(!m->entries[0].visible);
    ok(shell.held_error[0] == 0);
    ok_str(run_script("cat /other > nul"), "Error: cat: /other: not found\n");
    menu_free(m);
}

/* The manual: an empty [] acts as title. Regression: it used to depend on the last command. */
TEST(menu_iftitle_empty_condition)
{
    struct menu *m = parse("iftitle [] Empty\necho a\niftitle [   ] Blank\necho b\n");
    shell.retval = 0;
    host_capture_output = true;
    menu_init(m);
    host_capture_output = false;
    ok(m->entries[0].visible);
    ok(m->entries[1].visible);
    menu_free(m);
}

TEST(menu_iftitle_conditions_see_the_global_section)
{
    struct menu *m = test_menu_load("set mode=full\n"
                          "iftitle [if %mode%==full] Full\n"
                          "echo a\n"
                          "iftitle [if %mode%==lite] Lite\n"
                          "echo b\n");
    ok(m->entries[0].visible);
    ok(!m->entries[1].visible);
    menu_free(m);
}

/* Regression: iftitle without [ ] is reported and the entry kept as text. */
TEST(menu_iftitle_without_brackets)
{
    struct menu *m = NULL;
    const char *t = "iftitle no brackets\necho a\ntitle ok\necho b\n";
    ok(menu_parse("m", t, strlen(t), &m) == -ESYNTAX);
    ok(m != NULL);
    ok(strstr(shell.errmsg, "iftitle needs") != NULL);
    ok(shell.parse_line == 1);
    /* still an entry, hidden, so its lines are not part of the global section */
    ok(m->n == 2);
    ok(m->global_to == 0);
    ok(!m->entries[0].visible);
    ok_str(m->entries[1].title, "ok");
    ok(m->entries[1].visible);
    menu_free(m);
}

TEST(menu_directives)
{
    struct menu *m = test_menu_load("timeout 7\n"
                          "default 2\n"
                          "fallback 1 0\n"
                          "hiddenmenu --silent\n"
                          "password secret /efi/grub/admin.lst\n"
                          "title a\necho a\ntitle b\necho b\ntitle c\necho c\n");
    ok(m->timeout == 7);
    ok(m->default_entry == 2);
    ok(m->nfallback == 2 && m->fallback[0] == 1 && m->fallback[1] == 0);
    ok(m->hidden && m->hidden_silent);
    ok_str(m->password, "secret");
    ok(!m->password_md5);
    ok_str(m->password_file, "/efi/grub/admin.lst");
    ok(!m->unlocked);
    ok(!m->loading);
    menu_free(m);
}

TEST(menu_defaults_without_directives)
{
    struct menu *m = test_menu_load("title a\necho a\n");
    ok(m->timeout == -1);
    ok(m->default_entry == 0);
    ok(m->nfallback == 0);
    ok(!m->hidden);
    ok(m->password == NULL);
    menu_free(m);
}

/* grub4dos: an '=' in the first word ends it. */
TEST(menu_first_word_equals)
{
    struct menu *m = test_menu_load("timeout=5\n"
                          "default=1\n"
                          "color normal=0x07\n"
                          "title=a\necho a\ntitle b\necho b\n");
    ok(m->timeout == 5);
    ok(m->default_entry == 1);
    ok_str(m->entries[0].title, "a");
    menu_free(m);
}

TEST(menu_timeout_limits)
{
    struct menu *m = test_menu_load("timeout 1000\ntitle a\necho a\n");
    ok(m->timeout == 99);
    menu_free(m);
    m = test_menu_load("timeout 0\ntitle a\necho a\n");
    ok(m->timeout == 0);
    menu_free(m);
    m = test_menu_load("timeout -1\ntitle a\necho a\n");
    ok(m->timeout == -1);
    ok(strstr(host_out, "timeout: expected") != NULL);
    menu_free(m);
}

TEST(menu_default_out_of_range)
{
    struct menu *m = test_menu_load("default 5\ntitle a\necho a\ntitle b\necho b\n");
    ok(m->default_entry == 0);
    menu_free(m);
}

TEST(menu_hiddenmenu_off)
{
    struct menu *m = test_menu_load("hiddenmenu\nhiddenmenu --off\ntitle a\necho a\n");
    ok(!m->hidden);
    menu_free(m);
    m = test_menu_load("hiddenmenu --chkpass=0x8500\ntitle a\necho a\n");
    ok(m->hidden && !m->hidden_silent);
    menu_free(m);
}

TEST(menu_fallback_limits)
{
    struct menu *m = test_menu_load("fallback 1 2 3 4 5 6 7 8 9 10\ntitle a\necho a\n");
    ok(m->nfallback == MENU_FALLBACK_MAX);
    menu_free(m);
    m = test_menu_load("fallback x\ntitle a\necho a\n");
    ok(strstr(host_out, "bad entry number") != NULL);
    menu_free(m);
}

TEST(menu_password_md5)
{
    struct menu *m = test_menu_load("password --md5 $1$salt$abcdefghijklmnopqrstuv\ntitle a\necho a\n");
    ok(m->password_md5);
    ok_str(m->password, "$1$salt$abcdefghijklmnopqrstuv");
    menu_free(m);
    m = test_menu_load("password --md5 notmd5\ntitle a\necho a\n");
    ok(m->password == NULL);
    ok(strstr(host_out, "not an md5crypt string") != NULL);
    menu_free(m);
}

/* The global section goes on after an error: each line is shown and the next runs. */
TEST(menu_global_errors_do_not_stop)
{
    struct menu *m = test_menu_load("nosuchcommand\n"
                          "cat /nosuch\n"
                          "timeout 3\n"
                          "default x\n"
                          "default 1\n"
                          "title a\necho a\ntitle b\necho b\n");
    ok(m->timeout == 3);
    ok(m->default_entry == 1);
    ok(strstr(host_out, "unknown command 'nosuchcommand'") != NULL);
    ok(strstr(host_out, "/nosuch") != NULL);
    ok(shell.errorcheck);
    menu_free(m);
}

TEST(menu_directives_outside_a_menu)
{
    ok(strstr(run_script("timeout 5"), "only while a menu is loaded") != NULL);
    ok(strstr(run_script("default 1"), "only while a menu is loaded") != NULL);
    ok(strstr(run_script("title x"), "only starts an entry") != NULL);
}

TEST(menu_default_saved)
{
    static const char *const files[] = { "efi/grub/default", "2\n", NULL };
    struct menu *m;
    test_bootdir(files);
    m = test_menu_load("default saved\ntitle a\necho a\ntitle b\necho b\ntitle c\necho c\n");
    ok(m->default_saved);
    ok(m->default_entry == 2);
    menu_free(m);
}

TEST(menu_default_saved_bad_files)
{
    static const char *const none[] = { NULL };
    static const char *const junk[] = { "efi/grub/default", "junk\n", NULL };
    static const char *const big[] = { "efi/grub/default", "7\n", NULL };
    const char *text = "default 1\ndefault saved\ntitle a\necho a\ntitle b\necho b\n";
    struct menu *m;
    test_bootdir(none);
    m = test_menu_load(text);
    ok(m->default_entry == 1);
    menu_free(m);
    test_bootdir(junk);
    m = test_menu_load(text);
    ok(m->default_entry == 1);
    menu_free(m);
    test_bootdir(big);
    m = test_menu_load(text);
    ok(m->default_entry == 1);
    menu_free(m);
}

TEST(menu_savedefault_writes_the_file)
{
    static const char *const files[] = { "efi/grub/menu.lst", "", NULL };
    struct menu *m;
    test_bootdir(files);
    m = test_menu_load("default saved\ntitle a\nsavedefault\ntitle b\nsavedefault\n");
    ok(m->default_entry == 0);
    m->current = 1;
    ok_str(run_entry(m, 1), "");
    menu_free(m);
    m = test_menu_load("default saved\ntitle a\nsavedefault\ntitle b\nsavedefault\n");
    ok(m->default_entry == 1);
    menu_free(m);
}

/* Regression: an unclosed '{' in an entry is reported; the menu still loads. */
TEST(menu_unclosed_block)
{
    struct menu *m = NULL;
    const char *t = "title a\nif 1==1 {\necho a\ntitle b\necho b\n";
    ok(menu_parse("m", t, strlen(t), &m) == -ESYNTAX);
    ok(strstr(shell.errmsg, "not closed before the next title") != NULL);
    ok(m != NULL);
    menu_free(m);
}

/* Regression: more titles than the menu holds. */
TEST(menu_too_many_titles)
{
    size_t cap = 400 * 24;
    char *t = malloc(cap), *p = t;
    struct menu *m = NULL;
    for (int i = 0; i < 300; i++)
        p += sprintf(p, "title t%d\necho %d\n", i, i);
    ok(menu_parse("m", t, strlen(t), &m) == -E2BIG);
    ok(m && m->n == MENU_ENTRIES_MAX);
    ok_str(m->entries[MENU_ENTRIES_MAX - 1].title, "t255");
    menu_free(m);
    free(t);
}

TEST(menu_entry_starts_with_errorcheck_on)
{
    struct menu *m = parse("title a\ncat /nosuch\necho not reached\n");
    shell.errorcheck = false;
    ok_str(run_entry(m, 0), "(bd)/efi/grub/menu.lst:2: Error: cat: /nosuch: not found\n");
    menu_free(m);
}

TEST(menu_entry_blocks_and_goto)
{
    struct menu *m = parse("title a\n"
                           "set n=0\n"
                           ":again\n"
                           "set /a n=%n%+1\n"
                           "if %n%<=2 {\n"
                           "  echo n=%n%\n"
                           "  goto again\n"
                           "} else {\n"
                           "  echo done\n"
                           "}\n");
    ok_str(run_entry(m, 0), "n=1\nn=2\ndone\n");
    menu_free(m);
}

/* goto :eof and exit leave the entry quietly. */
TEST(menu_entry_exit)
{
    struct menu *m = parse("title a\necho a\ngoto :eof\necho not\ntitle b\necho b\nexit 1\necho not\n");
    ok_str(run_entry(m, 0), "a\n");
    ok_str(run_entry(m, 1), "b\n");
    ok(shell.flow == FLOW_NONE);
    menu_free(m);
}

/* A !BAT entry is a batch file held in memory: call :label works there. */
TEST(menu_entry_bat)
{
    struct menu *m = parse("title a\n"
                           "!BAT\n"
                           "call :sub x\n"
                           "echo after\n"
                           "goto :eof\n"
                           ":sub\n"
                           "echo sub %1\n"
                           "title b\n"
                           "echo b\n");
    ok_str(run_entry(m, 0), "sub x\nafter\n");
    menu_free(m);
}

/* Regression: a goto stays inside its entry; a label elsewhere in the file is not found. */
TEST(menu_entry_goto_stays_inside)
{
    struct menu *m = parse(":top\n"
                           "echo global\n"
                           "title a\n"
                           "echo a\n"
                           "goto other\n"
                           "title b\n"
                           "echo b\n"
                           "goto top\n"
                           "title c\n"
                           ":other\n"
                           "echo c\n");
    const char *out = run_entry(m, 0);
    ok(strncmp(out, "a\n", 2) == 0);
    ok(strstr(out, "cannot find the batch label 'other'") != NULL);
    ok(strstr(out, "\nc\n") == NULL);
    out = run_entry(m, 1);
    ok(strncmp(out, "b\n", 2) == 0);
    ok(strstr(out, "cannot find the batch label 'top'") != NULL);
    ok(strstr(out, "global") == NULL);
    menu_free(m);
}

/* The same label in two entries: each goto finds its own. */
TEST(menu_entry_labels_per_entry)
{
    struct menu *m = parse("title a\n"
                           "goto x\n"
                           ":x\n"
                           "echo a-x\n"
                           "title b\n"
                           "goto x\n"
                           "echo not\n"
                           ":x\n"
                           "echo b-x\n");
    ok_str(run_entry(m, 0), "a-x\n");
    ok_str(run_entry(m, 1), "b-x\n");
    menu_free(m);
}

/*
 * Regression: exit N in a batch file run from an entry used to end the whole
 * entry as a success, so neither || nor errorcheck nor fallback saw it.
 */
TEST(menu_entry_sees_batch_exit_code)
{
    static const char *const files[] = { "exit.bat", "!BAT\necho in batch\nexit %1\necho not here\n",
                                         NULL };
    struct menu *m;
    test_bootdir(files);
    m = test_menu_load("title t\n"
             "errorcheck off\n"
             "/exit.bat 3\n"
             "errnum ;; echo errnum=%@retval%\n"
             "/exit.bat 2 || echo failed as it should\n"
             "errorcheck on\n"
             "/exit.bat 4\n"
             "echo went on after exit 4\n");
    ok_str(run_entry(m, 0),
           "in batch\nerrnum=1003\nin batch\nfailed as it should\nin batch\n");
    ok(shell.errnum == 1004);
    menu_free(m);
    test_bootdir(NULL);
}

/*
 * Regression (review): after a brace error the parser stopped pairing, so a
 * later false `if ... {` fell into its body. Lines in error now refuse to
 * run, and the blocks after them still pair.
 */
TEST(menu_brace_error_does_not_run_later_blocks)
{
    struct menu *m = NULL;
    const char *t = "title broken\n}\necho after-stray\n"
                    "title later\nif 1==2 {\necho BODY\n} else {\necho ELSE\n}\n";
    ok(menu_parse("m", t, strlen(t), &m) == -ESYNTAX);
    ok(shell.parse_line == 2);
    ok(m && m->n == 2);
    ok_str(run_entry(m, 1), "ELSE\n");
    ok(strstr(run_entry(m, 0), "'}' without a matching '{'") != NULL);
    ok(strstr(host_out, "after-stray") == NULL);
    menu_free(m);
}

/* Regression (review): the global section ran line by line, so both branches of a block ran. */
TEST(menu_global_section_blocks_and_goto)
{
    struct menu *m = test_menu_load("if 1==2 {\necho A\n} else {\necho B\n}\n"
                          "goto skip\necho skipped\n:skip\n"
                          "nosuch\necho still running\n"
                          "title t\necho t\n");
    ok(m != NULL);
    ok(strstr(host_out, "A\n") == NULL);
    ok(strstr(host_out, "B\n") != NULL);
    ok(strstr(host_out, "skipped") == NULL);
    ok(strstr(host_out, "still running") != NULL);
    menu_free(m);
}

/* Regression (review): a menu whose global section loads itself reloaded for ever, unseen. */
TEST(configfile_loop_ends_at_the_prompt)
{
    static const char *const files[] = {
        "efi/grub/menu.lst", "echo loading\nconfigfile /efi/grub/menu.lst\ntitle x\necho x\n", NULL
    };
    static const int keys[] = { 'e', 'x', 'i', 't', '_', 'g', '4', 'd', KEY_ENTER };
    test_bootdir(files);
    host_output_reset();
    host_capture_output = true;
    host_keys = keys;
    host_nkeys = sizeof(keys) / sizeof(keys[0]);
    host_keypos = 0;
    ok(shell_main() == 0);
    host_capture_output = false;
    host_keys = NULL;
    ok(strstr(host_out, "16 menus switched to the next before one was shown") != NULL);
    ok(strstr(host_out, "mapboot> ") != NULL);
    test_bootdir(NULL);
}
