/*
 * calc_eval and the calc command: C precedence and parentheses (mapboot's
 * choice over grub4dos' left-to-right), 64-bit wrap, division by zero,
 * assignment operators, hex and suffixes.
 */
#include "test.h"

/* The value of expr, or a sentinel that no case expects when it fails. */
static long long cv(const char *expr)
{
    long long v = 0;
    int rc = calc_eval(expr, &v);
    return rc ? -0x5a5a5a5a5a5aLL : v;
}

static int crc(const char *expr)
{
    long long v;
    return calc_eval(expr, &v);
}

TEST(calc_numbers)
{
    ok(cv("0") == 0);
    ok(cv("42") == 42);
    ok(cv("0x2A") == 42);
    ok(cv("0X2a") == 42);
    ok(cv("  7  ") == 7);
    ok(cv("1k") == 1024);
    ok(cv("2M") == 2 << 20);
    ok(cv("1g") == 1LL << 30);
    ok(cv("1t") == 1LL << 40);
    ok(cv("0x10k") == 16 << 10);
    /* a leading 0 is decimal, as in grub4dos, not octal */
    ok(cv("010") == 10);
}

TEST(calc_precedence)
{
    ok(cv("1+2*3") == 7);
    ok(cv("2*3+1") == 7);
    ok(cv("10-4-3") == 3);
    ok(cv("100/10/5") == 2);
    ok(cv("7%4*2") == 6);
    ok(cv("2<<3+1") == 32);
    ok(cv("1|2&3") == 3);
    ok(cv("6^3&1") == 7);
    ok(cv("1+1==2") == 1);
    ok(cv("3>2==1") == 1);
    ok(cv("1||0&&0") == 1);
    ok(cv("-2*-3") == 6);
    ok(cv("~0") == -1);
    ok(cv("!5") == 0);
    ok(cv("!0+1") == 2);
    ok(cv("- -5") == 5);
    ok(cv("+5") == 5);
}

TEST(calc_parentheses)
{
    ok(cv("(1+2)*3") == 9);
    ok(cv("((((1))))") == 1);
    ok(cv("2*(3+(4-1))*2") == 24);
    ok(cv("-(3)") == -3);
    ok(crc("(1+2") == -EINVAL);
    ok(crc("1+2)") == -EINVAL);
    ok(crc("()") == -EINVAL);
}

TEST(calc_comparisons)
{
    ok(cv("1<2") == 1);
    ok(cv("2<=2") == 1);
    ok(cv("3>=4") == 0);
    ok(cv("3>4") == 0);
    ok(cv("3!=4") == 1);
    ok(cv("3==4") == 0);
    ok(cv("-1<0") == 1);
}

TEST(calc_shifts)
{
    ok(cv("1<<63") == (long long)0x8000000000000000ULL);
    ok(cv("1<<64") == 1); /* the count is taken mod 64 */
    ok(cv("-16>>2") == -4); /* arithmetic */
    ok(cv("0x100>>4") == 16);
}

TEST(calc_wraps_at_64_bits)
{
    ok(cv("0x7fffffffffffffff+1") == (long long)0x8000000000000000ULL);
    ok(cv("0xffffffffffffffff") == -1);
    ok(cv("0xffffffffffffffff+1") == 0);
    ok(cv("0x100000000*0x100000000") == 0);
    ok(cv("-0x8000000000000000-1") == 0x7fffffffffffffffLL);
    /* the one division that overflows in C */
    ok(cv("-0x8000000000000000/-1") == (long long)0x8000000000000000ULL);
    ok(cv("-0x8000000000000000%-1") == 0);
}

TEST(calc_division)
{
    ok(cv("7/2") == 3);
    ok(cv("-7/2") == -3);
    ok(cv("7%3") == 1);
    ok(cv("-7%3") == -1);
}

TEST(calc_division_by_zero)
{
    ok(crc("1/0") == -EDOM);
    ok(crc("1%0") == -EDOM);
    ok(crc("5/(3-3)") == -EDOM);
    /* the error is reported, and the script stops on it */
    ok_str(run_script("!BAT\ncalc 7/0\necho not"),
           "test.bat:2: Error: calc: division by zero in '7/0'\n");
    ok(shell.errnum == EDOM);
    ok(strstr(run_script("set /a q=1/0"), "division by zero") != NULL);
    ok(var_get("q") == NULL);
}

TEST(calc_variables)
{
    var_set("x", "5");
    var_set("h", "0x10");
    ok(cv("x*2") == 10);
    ok(cv("x+h") == 21);
    ok(cv("nosuch+1") == 1);
    var_set("bad", "abc");
    ok(crc("bad+1") == -EINVAL);
}

TEST(calc_assignment)
{
    ok(cv("x=5") == 5);
    ok_str(var_get("x"), "5");
    ok(cv("x += 3") == 8);
    ok_str(var_get("x"), "8");
    ok(cv("x-=10") == -2);
    ok_str(var_get("x"), "-2");
    ok(cv("x*=-4") == 8);
    ok(cv("x/=3") == 2);
    ok(cv("x%=2") == 0);
    ok(cv("x|=6") == 6);
    ok(cv("x&=3") == 2);
    ok(cv("x^=7") == 5);
    ok(cv("x<<=2") == 20);
    ok(cv("x>>=1") == 10);
    ok_str(var_get("x"), "10");
    ok(cv("y=x*x") == 100);
    ok_str(var_get("y"), "100");
    /* == is a comparison, not an assignment */
    ok(cv("x==10") == 1);
    ok_str(var_get("x"), "10");
    ok(crc("x/=0") == -EDOM);
    ok_str(var_get("x"), "10");
}

TEST(calc_assignment_of_zero_is_stored)
{
    /* the value "0" is stored: 0 is a value, not an empty string */
    ok(cv("z=0") == 0);
    ok_str(var_get("z"), "0");
}

TEST(calc_errors)
{
    ok(crc("") == -EINVAL);
    ok(crc("1 +") == -EINVAL);
    ok(crc("1 2") == -EINVAL);
    ok(crc("1?2") == -EINVAL);
    ok(crc("12abc") == -EINVAL);
    ok(crc("0xg") == -EINVAL);
    ok(crc("*0x1000") == -ENOTSUP);
    ok(crc("*0x1000=5") == -ENOTSUP);
    ok(crc("*0x8278=5") == -ENOTSUP);
    ok(crc("9bad=1") == -EINVAL);
}

/* Regression: deep nesting of parentheses or unary operators is refused, not a stack overflow. */
TEST(calc_deep_nesting)
{
    char *e = malloc(100001);
    memset(e, '(', 100000);
    e[100000] = 0;
    ok(crc(e) == -ELOOP);
    memset(e, '-', 100000);
    ok(crc(e) == -ELOOP);
    memset(e, '(', 50);
    e[50] = '1';
    memset(e + 51, ')', 50);
    e[101] = 0;
    ok(cv(e) == 1);
    free(e);
}

/* Regression: a variable name longer than any allowed one. */
TEST(calc_overlong_name)
{
    char e[200];
    memset(e, 'a', 150);
    strcpy(e + 150, "+1");
    ok(crc(e) == -ENAMETOOLONG);
    memset(e, 'a', 150);
    strcpy(e + 150, "=1");
    ok(crc(e) == -ENAMETOOLONG);
}

TEST(calc_command)
{
    ok_str(run_script("calc 1+2 ;; echo %@retval% %?%"), "3 3\n");
    ok_str(run_script("calc 0 || echo zero"), "zero\n");
    ok_str(run_script("calc 0x100000001 ;; echo %@retval% %@retval64%"), "1 4294967297\n");
    ok_str(run_script("calc x=6*7 ;; echo %x%"), "42\n");
    ok(strstr(run_script("calc"), "missing expression") != NULL);
    /* at the prompt the result is printed, as grub4dos does at debug 1 */
    shell.interactive = true;
    ok_str(run_script("calc -1"), " -1 (HEX:0xFFFFFFFFFFFFFFFF)\n");
    shell.interactive = false;
}

TEST(calc_set_a)
{
    ok_str(run_script("set /a n=0x10*2 ;; echo %n%"), "32\n");
    ok_str(run_script("set /A n=255 ;; echo %n%"), "0xFF\n");
    ok_str(run_script("set /A n=-1 ;; echo %n%"), "0xFFFFFFFFFFFFFFFF\n");
    ok_str(run_script("set /a n=(1+2)*3 ;; echo %n% %@retval%"), "9 9\n");
    ok_str(run_script("set /a n=n+1 ;; echo %n%"), "10\n");
    ok_str(run_script("set /a 5*5 ;; echo %@retval%"), "25\n");
}

/*
 * grub4dos' BIOS memory: only *0x8278 (the version date) has a value; the
 * rest is refused as BIOS-only, never read from whatever is there.
 */
TEST(calc_bios_addresses)
{
    ok(cv("*0x8278") == 20240101);
    ok(cv("*0x8278 >= 20111129") == 1);
    ok(cv("*0x8278&0xff") == (20240101 & 0xff));
    ok(crc("*0x475&0xff") == -ENOTSUP);
    ok_str(run_script("calc *0x82b9&0xff"),
           "Error: calc: BIOS-only: *ADDR is grub4dos' BIOS memory (mapboot emulates *0x8278, "
           "the version date, and *0x834c, the screen width) in '*0x82b9&0xff'\n");
    ok_str(run_script("set /a x=*0x8278\necho %x%"), "20240101\n");
    /* read: the version-date guard of real menus passes; other addresses are BIOS-only */
    ok_str(run_script("checkrange 20111129:-1 read 0x8278 > nul && echo new enough"),
           "new enough\n");
    ok_str(run_script("read 0x8278"), "0x134D6E5\n");
    ok(strstr(run_script("read 0x82b8"), "Error: read: BIOS-only: a memory address") != NULL);
    ok(strstr(run_script("write 0x8274 0x2001"), "Error: write: BIOS-only: a memory address")
       != NULL);
    ok(strstr(run_script("write (md)0x220+1 !BAT"), "Error: write: BIOS-only: (md)") != NULL);
}
