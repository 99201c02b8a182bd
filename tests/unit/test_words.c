/*
 * words_split: how a command line becomes argv (quotes and backslashes
 * removed) and rawv (the text from each word to the end, as typed).
 */
#include "test.h"

/* Split text and join argv with '|' into buf, for compact checks; returns rc. */
static int split(const char *text, char *buf, size_t size, int *argc_out)
{
    int argc = -1;
    char **argv = NULL, **rawv = NULL;
    int rc = words_split(text, &argc, &argv, &rawv);
    buf[0] = 0;
    if (rc == 0) {
        for (int i = 0; i < argc; i++) {
            if (i)
                strncat(buf, "|", size - strlen(buf) - 1);
            strncat(buf, argv[i], size - strlen(buf) - 1);
        }
        words_free(argc, argv, rawv);
    }
    if (argc_out)
        *argc_out = rc == 0 ? argc : -1;
    return rc;
}

TEST(words_blanks_separate)
{
    char b[256];
    int n;
    ok(split("  echo   a\tb  c  ", b, sizeof(b), &n) == 0);
    ok(n == 4);
    ok_str(b, "echo|a|b|c");
}

TEST(words_empty_line)
{
    char b[16];
    int n;
    ok(split("", b, sizeof(b), &n) == 0);
    ok(n == 0);
    ok(split("   \t  ", b, sizeof(b), &n) == 0);
    ok(n == 0);
}

TEST(words_quotes_group_and_go)
{
    char b[256];
    int n;
    ok(split("set \"a b\"  c\" d\"e", b, sizeof(b), &n) == 0);
    ok(n == 3);
    ok_str(b, "set|a b|c de");
}

TEST(words_empty_quotes_are_a_word)
{
    char b[64];
    int n;
    ok(split("a \"\" b", b, sizeof(b), &n) == 0);
    ok(n == 3);
    ok_str(b, "a||b");
}

TEST(words_backslash_escapes)
{
    char b[256];
    int n;
    ok(split("a\\ b \\\"q\\\" c\\\\d", b, sizeof(b), &n) == 0);
    ok(n == 3);
    ok_str(b, "a b|\"q\"|c\\d");
}

/* grub4dos: inside quotes a backslash is itself, so "\" is one backslash (a real batch file's test) */
TEST(words_backslash_is_literal_inside_quotes)
{
    char b[64];
    int n;
    ok(split("\"\\\" \"a b\\\\\" \\\"", b, sizeof(b), &n) == 0);
    ok(n == 3);
    ok_str(b, "\\|a b\\\\|\"");
}

TEST(words_trailing_backslash_is_kept)
{
    char b[64];
    int n;
    ok(split("a b\\", b, sizeof(b), &n) == 0);
    ok(n == 2);
    ok_str(b, "a|b\\");
}

TEST(words_rawv_keeps_the_tail_as_typed)
{
    int argc;
    char **argv, **rawv;
    ok(words_split("echo  \"a  b\"  c\\ d   ", &argc, &argv, &rawv) == 0);
    ok(argc == 3);
    ok_str(rawv[0], "echo  \"a  b\"  c\\ d");
    ok_str(rawv[1], "\"a  b\"  c\\ d");
    ok_str(rawv[2], "c\\ d");
    ok_str(argv[1], "a  b");
    ok_str(argv[2], "c d");
    ok(argv[3] == NULL);
    words_free(argc, argv, rawv);
}

/* Regression: an unclosed quote is a syntax error, not a word running off the end. */
/* grub4dos: a quote left open runs to the end of the line (lint warns) */
TEST(words_unclosed_quote)
{
    char b[64];
    int n;
    ok(split("echo \"abc", b, sizeof(b), &n) == 0 && n == 2);
    ok_str(b, "echo|abc");
    ok(split("\"", b, sizeof(b), &n) == 0 && n == 1);
    ok_str(b, "");
    ok(split("a b \"c d", b, sizeof(b), &n) == 0 && n == 3);
    ok_str(b, "a|b|c d");
}

TEST(words_max_args)
{
    char line[SHELL_MAX_ARGS * 3 + 8], b[1024];
    size_t len = 0;
    int n;
    for (int i = 0; i < SHELL_MAX_ARGS; i++)
        len += (size_t)sprintf(line + len, "w ");
    ok(split(line, b, sizeof(b), &n) == 0);
    ok(n == SHELL_MAX_ARGS);
    sprintf(line + len, "x");
    ok(split(line, b, sizeof(b), &n) == -E2BIG);
}

/* Regression: a 100000-character word and line. */
TEST(words_long_line)
{
    size_t big = 100000;
    char *line = malloc(big + 8);
    int argc;
    char **argv, **rawv;
    memcpy(line, "echo ", 5);
    memset(line + 5, 'x', big);
    line[5 + big] = 0;
    ok(words_split(line, &argc, &argv, &rawv) == 0);
    ok(argc == 2);
    ok(strlen(argv[1]) == big);
    ok(strlen(rawv[0]) == big + 5);
    words_free(argc, argv, rawv);
    free(line);
}

TEST(words_utf8_passes_through)
{
    char b[64];
    int n;
    ok(split("echo h\xc3\xa9llo \xe2\x82\xac", b, sizeof(b), &n) == 0);
    ok(n == 3);
    ok_str(b, "echo|h\xc3\xa9llo|\xe2\x82\xac");
}
