/*
 * grub4dos forms that real menus use ([dialect]): goto N between menu
 * entries, font glyph lines ending a menu, backslashes inside quotes,
 * insmod/delmod/command, pxe, and what lint makes of them (the graphics
 * commands are in test_gfx.c). (The partition commands are checked against
 * sfdisk in tests/drives/partcmds.sh.)
 */
#include "test.h"
#include "../../src/platform.h"

#include "../../menu/menu.h"

static struct menu *parse(const char *text)
{
    struct menu *m = NULL;
    int rc = menu_parse("(bd)/efi/grub/menu.lst", text, strlen(text), &m);
    ok(rc == 0);
    return m;
}

static const char *entry(struct menu *m, int i)
{
    host_output_reset();
    host_capture_output = true;
    m->current = i;
    shell_run_block(m->s, m->entries[i].from, m->entries[i].to, true);
    host_capture_output = false;
    return host_out ? host_out : "";
}

/* ---- goto N ---- */

TEST(goto_number_runs_another_entry)
{
    struct menu *m = parse("title a\necho a\ngoto 2\necho not reached\n"
                           "title b\necho b\ngoto -1\n"
                           "title c\necho c\ngoto +1\n");
    menu_cur = m;
    ok_str(entry(m, 0), "a\n");
    ok(shell.flow == FLOW_ENTRY && shell.goto_entry == 2);
    shell.flow = FLOW_NONE;
    ok_str(entry(m, 1), "b\n");
    ok(shell.flow == FLOW_ENTRY && shell.goto_entry == 0);
    shell.flow = FLOW_NONE;
    /* past the last entry: an error in the entry, no jump */
    ok_str(entry(m, 2), "c\n(bd)/efi/grub/menu.lst:10: Error: goto: there is no menu entry 3\n");
    ok(shell.flow == FLOW_NONE);
    menu_cur = NULL;
    menu_free(m);
}

TEST(goto_number_needs_a_menu)
{
    ok_str(run_script("goto 1"), "Error: goto 1: a number names a menu entry; it works only in one\n");
}

/* grub4dos stops reading a menu at its first glyph line and loads the glyphs as its font */
TEST(glyph_lines_end_a_menu)
{
    struct menu *m = parse("timeout 0\ntitle a\necho a\n\n"
                           "5173:10100810082000003FF8010001000100FFFE010002800280044008203018C006\n"
                           "title never\necho never\n");
    ok(m && m->n == 1);
    for (size_t i = 0; m && i < m->s->nlines; i++)
        ok(strstr(m->s->lines[i], "5173") == NULL && strstr(m->s->lines[i], "never") == NULL);
    menu_free(m);
    /* not a glyph line: lower-case hex, a blank or '=' before the colon, ':' elsewhere */
    m = parse("title a\necho a\nabcd:00\nAB D:00\nAB=D:00\nABCDE:00\ntitle b\necho b\n");
    ok(m && m->n == 2);
    menu_free(m);
}

TEST(glyph_lines_do_not_end_a_batch_file)
{
    struct script *s = NULL;
    const char *text = "!BAT\necho a\n5173:1010\necho b\n";
    ok(script_parse("x.g4b", text, strlen(text), 1, &s) == 0);
    ok(s && s->nlines == 5);
    script_put(s);
}

/* ---- quoting: a backslash is itself inside quotes ---- */

TEST(backslash_inside_quotes_is_literal)
{
    /* echo prints the text as typed, quotes and all, as grub4dos does */
    ok_str(run_script("echo \"\\\""), "\"\\\"\n");
    /* the words: "\" is one, and outside quotes \" is a quote */
    ok_str(run_batch("!BAT\ncall :s \"\\\" \\\"b \"c d\"\ngoto :eof\n:s\necho [%~1] [%~2] [%~3]\n", 1,
                     (char *[]){ "b" }),
           "[\\] [\"b] [c d]\n");
    /* a real batch file's test for a backslash argument */
    ok_str(run_batch("!BAT\nif \"%~1\"==\"\\\" echo backslash\n", 2, (char *[]){ "b", "\\" }),
           "backslash\n");
}

/* ---- insmod, delmod, command ---- */

static const char *const module_files[] = {
    "tool.g4b", "!BAT\necho tool %1 as %0\n",
    "self.g4b", "!BAT\nif \"%1\"==\"inner\" goto :inner\ninsmod %~f0 selfmod > nul\n"
                "selfmod inner\nexit\n:inner\necho inner ran\n",
    "cmds/hello.g4b", "!BAT\necho hello from the path\n",
    "efi.bin", "MZ....\x05\x18\x05\x03\xBA\xA7\xBA\xBC",
    "bios.bin", "code\x12\x05\x01\x0C\x8D\x8F\x84\x85",
    "text.txt", "echo not a batch file\n",
    NULL,
};

TEST(insmod_runs_a_batch_file_by_name)
{
    test_bootdir(module_files);
    ok_str(run_script("insmod /tool.g4b mytool && mytool x\n"
                      "insmod /tool.g4b mytool && echo again\n"
                      "delmod -l mytool > nul && echo listed\n"
                      "delmod mytool && delmod -l mytool || echo gone\n"
                      "mytool y\n"),
           "tool x as mytool\nagain\nlisted\ngone\nError: unknown command 'mytool'\n");
    /* the default name is the file's last component */
    ok_str(run_script("insmod (bd)/tool.g4b\ntool.g4b z\ndelmod\n"), "tool z as tool.g4b\n tool.g4b\n");
    ok_str(run_script("delmod *\ndelmod -l || echo none\n"), "none\n");
}

TEST(insmod_of_itself)
{
    test_bootdir(module_files);
    ok_str(run_script("/self.g4b"), "inner ran\n");
    ok_str(run_script("delmod -l selfmod"), " selfmod\n");
}

TEST(insmod_refuses_what_is_not_a_batch_file)
{
    test_bootdir(module_files);
    ok_str(run_script("insmod /efi.bin"),
           "Error: insmod: (bd)/efi.bin is a grub4dos binary module; mapboot runs batch files "
           "(!BAT) only\n");
    ok_str(run_script("insmod /bios.bin"),
           "Error: insmod: (bd)/bios.bin: BIOS-only: a grub4dos BIOS binary module\n");
    ok_str(run_script("insmod /text.txt"),
           "Error: insmod: (bd)/text.txt is not a batch file (no !BAT header)\n");
    ok_str(run_script("insmod /none.g4b"), "Error: insmod: cannot find /none.g4b\n");
    ok(strstr(run_script("insmod (bd)/F6.MOD"), "Error: insmod: BIOS-only: a .mod package") != NULL);
    ok_str(run_script("insmod || echo false"), "false\n");
}

TEST(command_path_and_extensions)
{
    test_bootdir(module_files);
    ok_str(run_script("echo %@path%\ncommand --set-path=(bd)/cmds\necho %@path%\n"
                      "hello.g4b\ncommand --set-ext=.bat;.g4b\nhello\ncommand hello\n"
                      "command --set-path=\necho %@path%\n"),
           "(bd)/efi/grub/\n(bd)/cmds/\nhello from the path\nhello from the path\n"
           "hello from the path\n(bd)/efi/grub/\n");
    ok_str(run_script("command nothere || echo false"), "Error: No such command: nothere\nfalse\n");
    ok_str(run_script("command /tool.g4b a"), "tool a as /tool.g4b\n");
}

/* ---- pxe ---- */

TEST(pxe_without_a_network)
{
    ok_str(run_script("pxe detect || echo not from the network\npxe keep || echo no\n"),
           "not from the network\nno\n");
    ok_str(run_script("pxe basedir"), "Error: pxe basedir: wrong number of arguments\n");
    ok_str(run_script("pxe sparkle"), "Error: pxe: unknown form 'sparkle' (blksize, basedir, keep, "
                                      "nokeep, unload, detect, init, read)\n");
}
