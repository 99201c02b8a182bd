/*
 * MD5 against the RFC 1321 test suite and block-boundary lengths, and
 * md5crypt against `openssl passwd -1 -salt SALT KEY` (values computed with
 * OpenSSL 3 and pasted here), plus the password check built on them.
 */
#include "test.h"

#include "../../menu/menu.h"
#include "../../src/platform.h"

static const char *md5_hex(const void *data, size_t len)
{
    static char hex[33];
    uint8_t d[16];
    md5_digest(data, len, d);
    for (int i = 0; i < 16; i++)
        sprintf(hex + 2 * i, "%02x", d[i]);
    return hex;
}

static const char *md5_str(const char *s)
{
    return md5_hex(s, strlen(s));
}

TEST(md5_rfc1321_suite)
{
    ok_str(md5_str(""), "d41d8cd98f00b204e9800998ecf8427e");
    ok_str(md5_str("a"), "0cc175b9c0f1b6a831c399e269772661");
    ok_str(md5_str("abc"), "900150983cd24fb0d6963f7d28e17f72");
    ok_str(md5_str("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
    ok_str(md5_str("abcdefghijklmnopqrstuvwxyz"), "c3fcd3d76192e4007dfb496cca67e13b");
    ok_str(md5_str("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
           "d174ab98d277d9f5a5611c2c9f419d9f");
    ok_str(md5_str("1234567890123456789012345678901234567890"
                   "1234567890123456789012345678901234567890"),
           "57edf4a22be3c955ac49da2e2107b67a");
}

/* Lengths around the 64-byte block and the 56-byte padding limit (python3 hashlib). */
TEST(md5_block_boundaries)
{
    static const struct {
        size_t n;
        const char *want;
    } cases[] = {
        { 55, "52c0e574e1198de5fe3f8f11440dcb1b" },  { 56, "46c9907fc908ee68b1e7b8e71286a518" },
        { 57, "1c805dd236c35cab25fcb1bc73802c51" },  { 63, "a62f6d59e837867693f042f5b8f5a236" },
        { 64, "7160b8fb5e9e4023d549c3971fbaeead" },  { 65, "70bd662e7aefbda85a0f7244167b7897" },
        { 127, "acce2474d6cc8302120d09c818d17ef7" }, { 128, "10b2da1a82f16d99a81a7203fe9f02cb" },
        { 1000000, "4e8560dbecc9d8178fccd03632c646cb" },
    };
    uint8_t *buf = malloc(1000000);
    for (size_t i = 0; i < 1000000; i++)
        buf[i] = (uint8_t)(i * 7 + 3);
    for (size_t k = 0; k < ARRAY_SIZE(cases); k++)
        ok_str(md5_hex(buf, cases[k].n), cases[k].want);
    free(buf);
}

static const char *crypt_of(const char *key, const char *salt)
{
    static char out[64];
    md5crypt(key, salt, out, sizeof(out));
    return out;
}

TEST(md5crypt_openssl_vectors)
{
    ok_str(crypt_of("password", "saltsalt"), "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/");
    ok_str(crypt_of("secret", "ab"), "$1$ab$dslkcXxVH.x8LwW1W/oAB/");
    ok_str(crypt_of("", "empty"), "$1$empty$dcN8YAzH./JGClDgyY17..");
    ok_str(crypt_of("a", "x"), "$1$x$P8VObTrxaqT4VBmnH06P8.");
    ok_str(crypt_of("longpassword-with-more-than-sixteen-chars-0123456789", "12345678"),
           "$1$12345678$vEMIO5XDJaa4746cj6PFA1");
    ok_str(crypt_of("p$ss", "s"), "$1$s$uoRWZ9/LxxngD.emjDjjJ1");
    ok_str(crypt_of("h\xc3\xa9llo", "utf8"), "$1$utf8$QL2UTlGlkgLMhnXcQHk6J.");
}

/* The salt stops at 8 characters or a '$', with or without the $1$ prefix. */
TEST(md5crypt_salt_forms)
{
    ok_str(crypt_of("key", "toolongsalt"), "$1$toolongs$m24Gou9Lcld/bjhLzGxjJ/");
    ok_str(crypt_of("secret", "$1$ab$dslkcXxVH.x8LwW1W/oAB/"), "$1$ab$dslkcXxVH.x8LwW1W/oAB/");
    ok_str(crypt_of("secret", "ab$rest"), "$1$ab$dslkcXxVH.x8LwW1W/oAB/");
}

TEST(md5crypt_small_output_buffer)
{
    char out[8];
    memset(out, '#', sizeof(out));
    md5crypt("secret", "ab", out, sizeof(out));
    ok_str(out, "$1$ab$d");
}

TEST(md5_password_check)
{
    ok(menu_password_ok("$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/", true, "password"));
    ok(!menu_password_ok("$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/", true, "Password"));
    ok(!menu_password_ok("$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/", true, ""));
    ok(menu_password_ok("plain", false, "plain"));
    ok(!menu_password_ok("plain", false, "plain "));
    /* a plain password that looks like a hash is compared as text */
    ok(!menu_password_ok("$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/", false, "password"));
}

TEST(md5crypt_command)
{
    const char *out = run_script("md5crypt secret ;; echo %?%");
    char hash[64], salt[16];
    const char *h = strstr(out, "Encrypted: $1$");
    ok(h != NULL);
    if (!h)
        return;
    /* whatever salt it picked, the hash is md5crypt of the key with that salt */
    ok(sscanf(h, "Encrypted: %63s", hash) == 1);
    ok(strlen(hash) == 3 + 8 + 1 + 22);
    memcpy(salt, hash + 3, 8);
    salt[8] = 0;
    ok_str(crypt_of("secret", salt), hash);
    ok(strstr(out, "\n$1$") != NULL);
}

TEST(md5_password_command_in_an_entry)
{
    static const int good[] = { 's', 'e', 'c', 'r', 'e', 't', KEY_ENTER };
    static const int bad[] = { 'n', 'o', KEY_ENTER };
    const char *out;
    out = run_script_keys("!BAT\npassword --md5 $1$ab$dslkcXxVH.x8LwW1W/oAB/\necho unlocked",
                          good, ARRAY_SIZE(good));
    ok(strstr(out, "unlocked") != NULL);
    ok(strstr(out, "secret") == NULL); /* typed as stars */
    out = run_script_keys("!BAT\npassword --md5 $1$ab$dslkcXxVH.x8LwW1W/oAB/\necho unlocked",
                          bad, ARRAY_SIZE(bad));
    ok(strstr(out, "wrong password") != NULL);
    ok(strstr(out, "unlocked") == NULL);
}
