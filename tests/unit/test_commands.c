/* Every command is documented: `help CMD` must have something to say. */
#include "test.h"

TEST(every_command_has_usage_and_help)
{
    const struct command *c;
    size_t n = 0;
    for_each_table_entry(c, commands) {
        size_t len = strlen(c->name);
        n++;
        ok(c->exec != NULL);
        /* the usage line starts with the command's own name */
        if (!(c->usage && strncmp(c->usage, c->name, len) == 0 &&
              (c->usage[len] == ' ' || c->usage[len] == 0)))
            printf("    bad usage for %s: %s\n", c->name, c->usage ? c->usage : "(none)");
        ok(c->usage && strncmp(c->usage, c->name, len) == 0);
        ok(c->help && strlen(c->help) > 10);
        ok(command_lookup(c->name) == c);
    }
    /* the foundation's list, so a lost file shows up here */
    static const char *const wanted[] = {
        "help", "echo", "set", "if", "goto", "call", "exit", "shift", "setlocal", "endlocal",
        "errorcheck", "errnum", "pause", "calc", "checkrange", "clear", "configfile",
        "commandline", "reboot", "halt", "exit_g4d", "cat", "ls", "title", "iftitle",
        "timeout", "default", "savedefault", "fallback", "hiddenmenu", "color", "password",
        "lock", "md5crypt", "boot",
    };
    for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
        if (!command_lookup(wanted[i]))
            printf("    missing command %s\n", wanted[i]);
        ok(command_lookup(wanted[i]) != NULL);
    }
    ok(n >= sizeof(wanted) / sizeof(wanted[0]));
}

TEST(help_prints_usage)
{
    const char *out = run_script("help checkrange");
    ok(strstr(out, "Usage: checkrange RANGE COMMAND") != NULL);
    out = run_script("help nosuch");
    ok(strstr(out, "no command 'nosuch'") != NULL);
    out = run_script("help");
    ok(strstr(out, "exit_g4d") != NULL && strstr(out, "md5crypt") != NULL);
}

/* pager: a screenful (24 lines on the host's 25) then "-- more --" until a key; > nul never waits. */
TEST(pager_waits_after_a_screenful)
{
    static const int space[] = { ' ' };
    static const char loop[] = "!BAT\npager on\nset /a i=0\n:loop\necho line %i%\n"
                               "set /a i=%i%+1\nif %i%<=29 goto loop\npager off\n";
    char want[1024] = "";
    const char *out;
    for (int i = 0; i < 30; i++) {
        snprintf(want + strlen(want), sizeof(want) - strlen(want), "line %d\n", i);
        if (i == 23)
            strcat(want, "-- more --\r          \r");
    }
    out = run_script_keys(loop, space, 1);
    ok_str(out, want);
    /* status says which and returns it; no argument toggles */
    ok_str(run_script("pager status\necho %@retval%"), "Internal pager mode is off\n0\n");
    ok_str(run_script("pager\necho %@retval%\npager off"), "Internal pager mode is on\n1\n");
    ok_str(run_script("pager sideways"), "Error: pager: 'sideways' is not on, off or status\n");
    /* output to nul is not paged */
    ok_str(run_script_keys("!BAT\npager on\nset /a i=0\n:l\necho x > nul\nset /a i=%i%+1\n"
                           "if %i%<=40 goto l\npager off\necho done\n", NULL, 0), "done\n");
}

/* displaymem: the memory map as the platform gives it, and the free memory map --mem can use */
TEST(displaymem_lists_the_map)
{
    ok_str(run_script("displaymem"),
           "start              end                       KiB  type\n"
           "0x0000000000000000 0x000000000009EFFF        636  free\n"
           "0x000000000009F000 0x00000000000FFFFF        388  reserved\n"
           "0x0000000000100000 0x0000000000FFFFFF      15360  free\n"
           "free: 15 MiB below 4 GiB, 0 MiB above\n");
}

/* ifconfig: the address the network setup got (the host's loopback here) */
TEST(ifconfig_shows_the_address)
{
    ok_str(run_script("ifconfig"), "mac 02:00:00:00:00:01  ip 127.0.0.1  mask 255.0.0.0\n");
    ok_str(run_script("ifconfig eth0"), "Error: ifconfig: takes no arguments\n");
}
