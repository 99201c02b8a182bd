/*
 * Variables: var_set/var_get, name rules and limits, and the set command
 * (listing in creation order, PREFIX counts, NAME= deletes, set *, /a /A,
 * /l /u, quoting).
 */
#include "test.h"

TEST(vars_set_get_delete)
{
    ok(var_get("a") == NULL);
    ok(var_set("a", "1") == 0);
    ok_str(var_get("a"), "1");
    ok(var_set("a", "two") == 0);
    ok_str(var_get("a"), "two");
    ok(var_set("a", "") == 0);
    ok(var_get("a") == NULL);
    ok(var_set("a", "x") == 0);
    ok(var_set("a", NULL) == 0);
    ok(var_get("a") == NULL);
    /* deleting what is not there is fine */
    ok(var_set("never", NULL) == 0);
}

TEST(vars_name_valid)
{
    char name[VAR_NAME_MAX + 2];
    ok(var_name_valid("a"));
    ok(var_name_valid("_"));
    ok(var_name_valid("A_1"));
    ok(var_name_valid("FRED12345"));
    ok(!var_name_valid(""));
    ok(!var_name_valid("1a"));
    ok(!var_name_valid("a-b"));
    ok(!var_name_valid("a b"));
    ok(!var_name_valid("@date"));
    ok(!var_name_valid("?"));
    ok(!var_name_valid("a%"));
    ok(!var_name_valid("\xc3\xa9"));
    memset(name, 'n', VAR_NAME_MAX);
    name[VAR_NAME_MAX] = 0;
    ok(var_name_valid(name));
    ok(var_set(name, "long") == 0);
    ok_str(var_get(name), "long");
    name[VAR_NAME_MAX] = 'n';
    name[VAR_NAME_MAX + 1] = 0;
    ok(!var_name_valid(name));
    ok(var_set(name, "x") == -EINVAL);
}

TEST(vars_names_case_sensitive)
{
    var_set("abc", "1");
    var_set("ABC", "2");
    ok_str(var_get("abc"), "1");
    ok_str(var_get("ABC"), "2");
}

TEST(vars_builtins_cannot_be_set)
{
    ok(var_set("@date", "x") == -EINVAL);
    ok(strstr(run_script("set @root=x"), "bad variable name") != NULL);
    ok_str(var_get("@root"), "(bd)");
}

TEST(vars_value_limit)
{
    char *v = malloc(VAR_VALUE_MAX + 2);
    memset(v, 'v', VAR_VALUE_MAX + 1);
    v[VAR_VALUE_MAX] = 0;
    ok(var_set("big", v) == 0);
    ok(strlen(var_get("big")) == VAR_VALUE_MAX);
    v[VAR_VALUE_MAX] = 'v';
    v[VAR_VALUE_MAX + 1] = 0;
    ok(var_set("big", v) == -E2BIG);
    /* the old value stays */
    ok(strlen(var_get("big")) == VAR_VALUE_MAX);
    free(v);
}

TEST(vars_count_limit)
{
    char name[16];
    int i, rc = 0;
    for (i = 0; i < 5000 && rc == 0; i++) {
        snprintf(name, sizeof(name), "v%d", i);
        rc = var_set(name, "x");
    }
    ok(rc == -ENOSPC);
    ok(i > 60);
    /* replacing one that exists still works */
    ok(var_set("v0", "y") == 0);
    var_clear_all();
    ok(var_get("v0") == NULL);
}

TEST(set_value_verbatim)
{
    ok_str(run_script("set a=hello   world  x ;; echo [%a%]"), "[hello   world  x]\n");
    ok_str(run_script("set b=x=y=z ;; echo [%b%]"), "[x=y=z]\n");
    ok_str(run_script("set c=\"quoted\" ;; echo [%c%]"), "[\"quoted\"]\n");
}

/* grub4dos skips blanks and extra '=' after the name: `set print = echo`. */
TEST(set_blanks_around_equals)
{
    ok_str(run_script("set print = echo ;; %print% This a test."), "This a test.\n");
    ok_str(run_script("set e==x ;; echo [%e%]"), "[x]\n");
}

TEST(set_quoted_assignment)
{
    ok_str(run_script("set \"q=a b\" ;; echo [%q%]"), "[a b]\n");
}

TEST(set_returns_length)
{
    ok_str(run_script("set a=abcde ;; echo %@retval%"), "5\n");
    ok_str(run_script("set a= ;; echo %@retval%"), "1\n");
}

TEST(set_empty_deletes)
{
    var_set("a", "1");
    run_script("set a=");
    ok(var_get("a") == NULL);
    ok_str(run_script("set a= ;; echo [%a%]"), "[]\n");
}

TEST(set_lists_in_creation_order)
{
    run_script("set zz=1\nset aa=2\nset mm=3\nset zz=4");
    ok_str(run_script("set"), "zz=4\naa=2\nmm=3\n");
    ok(shell.retval == 3);
    /* deleted and made again: it goes last */
    run_script("set zz=\nset zz=5");
    ok_str(run_script("set"), "aa=2\nmm=3\nzz=5\n");
}

TEST(set_lists_nothing)
{
    ok_str(run_script("set ;; echo %@retval%"), "0\n");
}

TEST(set_prefix_counts)
{
    run_script("set ex_a=1\nset ex_b=2\nset exc=3\nset Ex_d=4");
    ok_str(run_script("set ex_ ;; echo %@retval%"), "ex_a=1\nex_b=2\n2\n");
    ok_str(run_script("set ex ;; echo %@retval%"), "ex_a=1\nex_b=2\nexc=3\n3\n");
    /* no match is false, not an error */
    ok_str(run_script("set nomatch || echo none"), "none\n");
    ok(shell.errnum == 0);
}

TEST(set_star_deletes_all)
{
    run_script("set a=1\nset b=2");
    ok_str(run_script("set * ;; set ;; echo %@retval%"), "0\n");
    ok(var_get("a") == NULL);
}

TEST(set_a_decimal_and_hex)
{
    ok_str(run_script("set /a n=6*7 ;; echo %n%"), "42\n");
    ok_str(run_script("set /A n=6*7 ;; echo %n%"), "0x2A\n");
    ok_str(run_script("set /A n=0 ;; echo %n%"), "0x0\n");
    ok_str(run_script("set /a n=-5 ;; echo %n%"), "-5\n");
    ok_str(run_script("set /a n=0xff ;; echo %n%"), "255\n");
}

TEST(set_lower_upper)
{
    ok_str(run_script("set /l lo=ABC def-GHI ;; echo %lo%"), "abc def-ghi\n");
    ok_str(run_script("set /u up=ABC def-ghi ;; echo %up%"), "ABC DEF-GHI\n");
    /* only A-Z and a-z change */
    ok_str(run_script("set /u u8=\xc3\xa9t\xc3\xa9 ;; echo %u8%"), "\xc3\xa9T\xc3\xa9\n");
}

TEST(set_bad_names)
{
    ok(strstr(run_script("set 9bad=1"), "bad variable name '9bad'") != NULL);
    ok(strstr(run_script("set a-b=1"), "bad variable name") != NULL);
    ok(strstr(run_script("set =1"), "bad variable name") != NULL);
    ok(strstr(run_script("set /x a=1"), "unknown switch") != NULL);
    ok(var_get("a") == NULL);
    {
        char line[200];
        memset(line, 'n', sizeof(line));
        memcpy(line, "set ", 4);
        strcpy(line + 4 + VAR_NAME_MAX + 1, "=1");
        ok(strstr(run_script(line), "bad variable name") != NULL);
    }
}

TEST(set_value_too_long)
{
    char *line = malloc(VAR_VALUE_MAX + 32);
    strcpy(line, "set big=");
    memset(line + 8, 'x', VAR_VALUE_MAX + 1);
    line[8 + VAR_VALUE_MAX + 1] = 0;
    ok(strstr(run_script(line), "too long") != NULL);
    ok(var_get("big") == NULL);
    free(line);
}

TEST(setlocal_depth_limit)
{
    int i, rc = 0;
    for (i = 0; i < 100 && rc == 0; i++)
        rc = var_setlocal();
    ok(rc == -ELOOP);
    ok(var_local_depth() == i - 1);
    while (var_local_depth() > 0)
        ok(var_endlocal() == 0);
    ok(var_endlocal() == -ENOENT);
}

TEST(setlocal_saves_root)
{
    var_setlocal();
    strcpy(shell.root, "(hd0,1)/boot");
    ok_str(var_get("@root"), "(hd0,1)/boot");
    var_endlocal();
    ok_str(shell.root, "(bd)");
}
