/*
 * lint_script (mapboot-lint): unknown commands and --options, goto/call to
 * missing labels, the commands inside if/checkrange/call/iftitle/else, and
 * script_parse's brace checks; the shipped examples must be clean.
 */
#include "test.h"

static char reports[8192];
static int nreports;

static void collect(const char *file, int line, const char *msg)
{
    size_t n = strlen(reports);
    snprintf(reports + n, sizeof(reports) - n, "%d: %s\n", line, msg);
    nreports++;
    (void)file;
}

/* Lint text; returns the reports, one "LINE: message" per line. */
static const char *lint(const char *text)
{
    struct script *s = NULL;
    int rc, count, warnings = 0;
    reports[0] = 0;
    nreports = 0;
    rc = script_parse("t.lst", text, strlen(text), 1, &s);
    ok(rc == 0 || rc == -ESYNTAX);
    count = lint_script(s, collect, &warnings);
    ok(count + warnings == nreports);
    script_put(s);
    return reports;
}

static const char *lint_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    static char text[1 << 16];
    size_t n;
    ok(f != NULL);
    if (!f)
        return "(cannot open)";
    n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = 0;
    return lint(text);
}

TEST(lint_clean_script)
{
    ok_str(lint("!BAT\n"
                "# comment\n"
                ":: comment\n"
                "echo hello\n"
                "set a=1 && echo %a% || echo no ;; calc 1+1\n"
                "pause --wait=0 text\n"
                "goto next\n"
                ":next\n"
                "call :sub x\n"
                "goto :eof\n"
                ":SUB\n"
                "echo %1\n"),
           "");
}

TEST(lint_examples_are_clean)
{
    ok_str(lint_file("examples/menu.lst"), "");
    ok_str(lint_file("examples/efi/grub/demo.bat"), "");
}

TEST(lint_unknown_command)
{
    ok_str(lint("echo a\nnosuch arg\n"), "2: warning: unknown command 'nosuch'\n");
    ok_str(lint("echo a && nosuch ;; calc 1 | bogus\n"),
           "1: warning: unknown command 'nosuch'\n1: warning: unknown command 'bogus'\n");
}

TEST(lint_unknown_option)
{
    ok_str(lint("pause --bad x\n"), "1: pause: unknown option '--bad'\n");
    ok_str(lint("cat --skip\n"), "1: cat: option --skip needs a value\n");
    ok_str(lint("hiddenmenu --silent=1\n"), "1: hiddenmenu: option --silent takes no value\n");
    /* a single-dash word is an argument (negative numbers) */
    ok_str(lint("echo -5 --x\n"), "");
}

TEST(lint_missing_labels)
{
    ok_str(lint("!BAT\ngoto nowhere\ncall :nothere a\ngoto :eof\ngoto eof\ngoto %dyn%\n"),
           "2: warning: goto to a missing label 'nowhere'\n3: warning: call to a missing label ':nothere'\n");
    ok_str(lint("!BAT\ngoto THERE\n:there\n"), "");
    ok_str(lint("!BAT\ngoto x\n::x\n"), "2: warning: goto to a missing label 'x'\n");
}

/* A menu entry runs alone: a label in another entry is missing for its goto. */
TEST(lint_labels_per_menu_entry)
{
    ok_str(lint("title a\ngoto x\ntitle b\n:x\necho b\ngoto x\n"),
           "2: warning: goto to a missing label 'x'\n");
    ok_str(lint("title a\n!BAT\ncall :sub\ngoto :eof\n:sub\necho s\ntitle b\ncall :sub\n"),
           "8: warning: call to a missing label ':sub'\n");
}

TEST(lint_nested_commands)
{
    ok_str(lint("if a==a badone\n"
                "if /i not exist /x badtwo arg\n"
                "checkrange 1:2 badthree\n"
                "call badfour\n"
                "call echo fine\n"),
           "1: warning: unknown command 'badone'\n"
           "2: warning: unknown command 'badtwo'\n"
           "3: warning: unknown command 'badthree'\n"
           "4: warning: unknown command 'badfour'\n");
}

TEST(lint_else_and_iftitle)
{
    ok_str(lint("!BAT\nif a==b {\necho x\n} else badelse\n"), "4: warning: unknown command 'badelse'\n");
    ok_str(lint("!BAT\nif a==b {\necho x\n} else if a==c {\nbadinner\n} else {\n}\n"),
           "5: warning: unknown command 'badinner'\n");
    ok_str(lint("iftitle [badcond x] T\necho a\n"), "1: warning: unknown command 'badcond'\n");
    ok_str(lint("iftitle [if exist /x] T\necho a\n"), "");
    ok_str(lint("iftitle T\necho a\n"), "1: iftitle needs [CONDITION] before the title\n");
}

TEST(lint_titles_and_paths_are_not_commands)
{
    ok_str(lint("title Anything at all\\nhelp\necho a\ntitle=x\necho b\n"), "");
    ok_str(lint("/efi/tools/run.bat a\n(bd)/x.bat\n%cmd% arg\n"), "");
}

/* Regression: syntax errors inside a line are reported, not run into. */
TEST(lint_line_syntax)
{
    ok_str(lint("echo \"unclosed\n"), "1: warning: unclosed quote: it runs to the end of the line\n");
    ok_str(lint("if \"%~1\"==\"\\\" echo backslash\n"), "");
    ok_str(lint("echo a >\n"), "1: '>' needs one file name after it\n");
    ok_str(lint("echo a > f g\n"), "1: '>' needs one file name after it\n");
}

/* Regression: braces are checked by script_parse; the rest is still linted. */
TEST(lint_unbalanced_braces)
{
    ok_str(lint("echo a\n}\nnosuch\n"),
           "2: '}' without a matching '{'\n3: warning: unknown command 'nosuch'\n");
    ok_str(lint("if a==a {\necho a\n"), "1: '{' is not closed\n");
    /* the scan goes on past an error: every broken line is listed */
    ok_str(lint("title a\nif a==a {\ntitle b\necho b\n}\n"),
           "2: '{' is not closed\n5: '}' without a matching '{'\n");
    ok_str(lint("}\nif a==a {\n}\nif b==b {\n"),
           "1: '}' without a matching '{'\n4: '{' is not closed\n");
}

TEST(lint_line_numbers_with_crlf)
{
    ok_str(lint("echo a\r\n\r\n# x\r\nnosuch\r\n"), "4: warning: unknown command 'nosuch'\n");
}

/* Regression: a 100000-character line and a file of many lines. */
TEST(lint_big_inputs)
{
    size_t n = 100000;
    char *t = malloc(n + 16);
    memcpy(t, "echo ", 5);
    memset(t + 5, 'z', n);
    strcpy(t + 5 + n, "\nbad\n");
    ok_str(lint(t), "2: warning: unknown command 'bad'\n");
    free(t);
    t = malloc(20000 * 8 + 16);
    t[0] = 0;
    for (int i = 0; i < 20000; i++)
        strcat(t + (size_t)i * 7, "echo x\n");
    ok_str(lint(t), "");
    free(t);
}

/* grub4dos' BIOS-only constructs are warnings in lint and clean errors when run. */
TEST(lint_bios_only_constructs_warn)
{
    static const char fn[] = "grub4dos' internal functions (Fn.N) are addresses in its BIOS build";
    char want[1024];
    snprintf(want, sizeof(want),
             "1: warning: BIOS-only: %s\n"
             "2: warning: BIOS-only: %s\n"
             "3: warning: BIOS-only: gfxmenu runs a gfxboot theme, which is BIOS real-mode code\n"
             "4: warning: BIOS-only: initscript belongs to grub4dos' BIOS start-up\n"
             "5: warning: BIOS-only: memdisk is a BIOS disk emulator; map the image instead "
             "(map --mem IMAGE (hd))\n"
             "6: warning: BIOS-only: ntldr, io.sys and grldr boot through the BIOS; chainload an "
             "EFI program\n",
             fn, fn);
    ok_str(lint("call Fn.11 \"a\" \"b\" && echo same\n"
                "Fn.0 0x8000\n"
                "gfxmenu /message\n"
                "initscript /init.g4b\n"
                "kernel (hd0,0)/boot/MEMDISK iso raw\n"
                "chainloader --force /NTLDR\n"
                "chainloader (hd0)+1\n"
                "Fn.x\n"),
           strcat(want, "8: warning: unknown command 'Fn.x'\n"));
    /* run: an error naming the construct, which errorcheck and || see */
    ok_str(run_script("call Fn.11 a b || echo failed"),
           "Error: Fn.11: BIOS-only: " "grub4dos' internal functions (Fn.N) are addresses in its "
           "BIOS build\nfailed\n");
    ok(strstr(run_script("kernel /memdisk"), "Error: kernel: BIOS-only: memdisk") != NULL);
}

/* [dialect]: what real menus do that lint must know */
TEST(lint_knows_insmod_names_and_entry_gotos)
{
    /* a module may be used above its insmod (a label called first, say) */
    ok_str(lint("snake\ninsmod /grub4dos/snake\ninsmod /x/run.g4b tool\ntool a\n"), "");
    ok_str(lint("title a\ngoto 1\ntitle b\ngoto -1\n"), "");
    ok_str(lint("insmod (3)/F6.MOD > nul\nfat copy a b\n"),
           "1: warning: BIOS-only: a .mod package holds grub4dos binary modules, machine code for "
           "its BIOS build; mapboot runs batch files\n2: warning: BIOS-only: 'fat' is no mapboot "
           "command; it would come from the grub4dos module package loaded at line 1\n");
    ok_str(lint("map --rd-base=0x4000000\nmap --status=3 && map --unmap=3\nmap --in-place ()+1 (hd0)\n"),
           "1: warning: BIOS-only: map --rd-base and --rd-size put (rd) at a fixed memory address, "
           "which is the firmware's here; map an image to (rd) instead\n");
    ok_str(lint("title a\necho a\n5173:10100810082000003FF8010001000100FFFE010002800280044008203018C006\n"),
           "");
    ok_str(lint("parttype (hd0,1) > nul\nmakeactive --status\npartnew --active (hd0,3) 0 /a.iso\n"
                "hide (hd0,0)\nunhide (hd0,0)\ngeometry (hd0)\ncommand --set-path=/x\n"
                "graphicsmode -1 800\nfont /u.hex\nsplashimage /a.jpg\nterminal\npxe detect\n"
                "delmod -l x\n"),
           "");
}
