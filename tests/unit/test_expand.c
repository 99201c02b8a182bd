/*
 * shell_expand: %VAR%, '^', substrings, %?%, the @ built-ins and, in batch
 * files, %0-%9 (%9 is the rest), %*, %% and the %~dpnxfz modifiers.
 */
#include "test.h"

/* shell_expand into a static buffer (the tests compare and move on). */
static const char *ex(const char *src)
{
    static char buf[8192];
    char *e = shell_expand(src);
    if (!e)
        return "(NULL)";
    snprintf(buf, sizeof(buf), "%s", e);
    mb_free(e);
    return buf;
}

TEST(expand_plain_text_unchanged)
{
    ok_str(ex(""), "");
    ok_str(ex("echo hello world"), "echo hello world");
}

TEST(expand_variable)
{
    var_set("a", "apple");
    var_set("B_2", "two");
    ok_str(ex("x%a%y"), "xappley");
    ok_str(ex("%a%%B_2%"), "appletwo");
    ok_str(ex("%undefined%|"), "|");
}

TEST(expand_names_are_case_sensitive)
{
    var_set("abc", "lower");
    ok_str(ex("[%abc%][%ABC%]"), "[lower][]");
}

TEST(expand_value_is_not_expanded_again)
{
    var_set("a", "%b%");
    var_set("b", "X");
    ok_str(ex("%a%"), "%b%");
}

TEST(expand_stray_percent_stays)
{
    var_set("x", "1");
    ok_str(ex("100%"), "100%");
    ok_str(ex("% x%"), "% x%");
    ok_str(ex("%x"), "%x");
    ok_str(ex("%%"), "%%");
    ok_str(ex("a % b % c"), "a % b % c");
}

TEST(expand_digits_literal_outside_batch)
{
    ok_str(ex("%1 %0 %* %~n0"), "%1 %0 %* %~n0");
}

TEST(expand_caret_stops_expansion)
{
    var_set("myvar", "no");
    ok_str(ex("%myvar^%"), "%myvar%");
    ok_str(ex("%my^var%"), "%myvar%");
    ok_str(ex("a^b %myvar%"), "a^b no");
}

TEST(expand_substring)
{
    var_set("a", "0123456789abcdef");
    ok_str(ex("%a:~2,3%"), "234");
    ok_str(ex("%a:~0,1%"), "0");
    ok_str(ex("%a:~-3,3%"), "def");
    ok_str(ex("%a:~-3%"), "def");
    ok_str(ex("%a:~10%"), "abcdef");
    ok_str(ex("%a:~2,-3%"), "23456789abc");
    ok_str(ex("[%a:~0,0%]"), "[]");
    ok_str(ex("[%a:~20%]"), "[]");
    ok_str(ex("%a:~-100,2%"), "01");
    ok_str(ex("[%a:~5,-100%]"), "[]");
    ok_str(ex("%a:~14,100%"), "ef");
    ok_str(ex("[%nosuch:~1,2%]"), "[]");
}

TEST(expand_retstr)
{
    shell_set_retstr("1234-ABCD");
    ok_str(ex("%?%"), "1234-ABCD");
    ok_str(run_script("calc 6*7\necho %?%"), "42\n");
}

TEST(expand_retval)
{
    shell.retval = -5;
    ok_str(ex("%@retval%"), "-5");
    shell.retval = 0x100000001LL;
    ok_str(ex("%@retval% %@retval64%"), "1 4294967297");
    ok_str(run_script("calc 2+3\necho %@retval%"), "5\n");
}

TEST(expand_builtins)
{
    const char *d;
    long r;
    ok_str(ex("%@root% %@boot% %@uefi% %@path%"), "(bd) (bd) 0 (bd)/efi/grub/");
    d = ex("%@date%");
    ok(strlen(d) == 10 && d[4] == '-' && d[7] == '-');
    d = ex("%@time%");
    ok(strlen(d) == 8 && d[2] == ':' && d[5] == ':');
    r = strtol(ex("%@random%"), NULL, 10);
    ok(r >= 0 && r < 32768);
    ok_str(ex("[%@nosuch%]"), "[]");
}

/* Regression: a name far too long for a variable stays literal. */
TEST(expand_overlong_name_literal)
{
    char src[300], want[300];
    memset(src, 'n', sizeof(src));
    src[0] = '%';
    src[298] = '%';
    src[299] = 0;
    strcpy(want, src);
    ok_str(ex(src), want);
}

TEST(expand_long_values)
{
    char *v = malloc(VAR_VALUE_MAX + 1), *src = malloc(8 * 5 + 1), *e;
    memset(v, 'v', VAR_VALUE_MAX);
    v[VAR_VALUE_MAX] = 0;
    ok(var_set("big", v) == 0);
    strcpy(src, "");
    for (int i = 0; i < 8; i++)
        strcat(src, "%big%");
    e = shell_expand(src);
    ok(e && strlen(e) == 8 * VAR_VALUE_MAX);
    mb_free(e);
    free(v);
    free(src);
}

/* ---- batch parameters ---- */

TEST(expand_batch_params)
{
    char *argv[] = { "t.bat", "one", "two", "three" };
    ok_str(run_batch("!BAT\necho [%0][%1][%2][%3][%4]", 4, argv), "[t.bat][one][two][three][]\n");
}

TEST(expand_batch_param9_is_the_rest)
{
    char *argv[] = { "t.bat", "1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "a", "b", "c" };
    ok_str(run_batch("!BAT\necho [%8][%9]", 14, argv), "[8][9 0 a b c]\n");
    ok_str(run_batch("!BAT\necho [%9]", 3, argv), "[]\n");
}

TEST(expand_batch_star)
{
    char *argv[] = { "t.bat", "a", "b c", "d" };
    ok_str(run_batch("!BAT\necho [%*]", 4, argv), "[a b c d ]\n");
    ok_str(run_batch("!BAT\necho [%*]", 1, argv), "[]\n");
    /* %* stops at the first empty argument */
    {
        char *argv2[] = { "t.bat", "a", "", "c" };
        ok_str(run_batch("!BAT\necho [%*]", 4, argv2), "[a ]\n");
    }
}

TEST(expand_batch_double_percent)
{
    char *argv[] = { "t.bat", "x" };
    var_set("v", "val");
    ok_str(run_batch("!BAT\necho 100%% %v% %%1", 2, argv), "100% val %1\n");
}

TEST(expand_batch_tilde_strips_quotes)
{
    char *argv[] = { "t.bat", "\"quoted arg\"", "plain" };
    ok_str(run_batch("!BAT\necho [%~1][%~2][%1]", 3, argv), "[quoted arg][plain][\"quoted arg\"]\n");
}

TEST(expand_batch_path_modifiers)
{
    static const char *const files[] = { "efi/grub/tool.bat",
                                         "!BAT\necho d=%~d0 p=%~p0 n=%~n0 x=%~x0\n"
                                         "echo f=%~f0 z=%~z0 dpnx=%~dpnx0\n"
                                         "echo nx1=%~nx1 p1=%~p1 z1=%~z1\n",
                                         "data/file.img", "0123456789",
                                         NULL };
    char want[256];
    test_bootdir(files);
    snprintf(want, sizeof(want),
             "d=(bd) p=/efi/grub/ n=tool x=.bat\n"
             "f=(bd)/efi/grub/tool.bat z=0x%zx dpnx=(bd)/efi/grub/tool.bat\n"
             "nx1=file.img p1=/data/ z1=0xa\n", strlen(files[1]));
    ok_str(run_script("/efi/grub/tool.bat /data/file.img"), want);
}

TEST(expand_batch_modifiers_without_extension_or_file)
{
    char *argv[] = { "t.bat", "/dir/noext", "(bd)/nosuch.txt" };
    ok_str(run_batch("!BAT\necho [%~x1][%~n1][%~z2][%~dp2]", 3, argv),
           "[][noext][][(bd)/]\n");
}

TEST(expand_batch_shift_changes_params)
{
    char *argv[] = { "t.bat", "a", "b", "c" };
    ok_str(run_batch("!BAT\nshift\necho %0 %1 %2\nshift 1\necho %0 %1 [%2]", 4, argv),
           "a b c\na c []\n");
}

TEST(expand_batch_param_then_variable)
{
    char *argv[] = { "t.bat", "name" };
    var_set("name", "N");
    var_set("prefix_name", "P");
    /* %1 is replaced first, the variable names it builds are not looked up again */
    ok_str(run_batch("!BAT\necho %1 %prefix_name% %%1%%", 2, argv), "name P %1%\n");
}

/* Regression: a '%~' with modifiers but no digit is not a parameter. */
TEST(expand_batch_tilde_without_digit)
{
    char *argv[] = { "t.bat", "a" };
    ok_str(run_batch("!BAT\necho [%~dp]", 2, argv), "[%~dp]\n");
}

/* Regression: substring bounds at the limits of 64 bits. */
TEST(expand_substring_extreme_numbers)
{
    var_set("a", "0123456789");
    ok_str(ex("%a:~1,9223372036854775807%"), "123456789");
    ok_str(ex("%a:~9223372036854775807,1%|"), "|");
    ok_str(ex("%a:~-9223372036854775808%"), "0123456789");
    ok_str(ex("%a:~-9223372036854775808,2%"), "01");
    ok_str(ex("[%a:~0,-9223372036854775808%]"), "[]");
    ok_str(ex("%a:~99999999999999999999999,-99999999999999999999999%|"), "|");
    ok_str(ex("%a:~x,y%"), "0123456789");
    ok_str(ex("%a:~%"), "0123456789");
}
