/* A first interpreter case, to prove the framework runs; see test_interp.c for the rest. */
#include "test.h"

TEST(echo_prints_text)
{
    ok_str(run_script("echo hello   world"), "hello   world\n");
}
