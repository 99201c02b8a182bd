/*
 * The shared option parser. Options come before the other arguments:
 * `--name`, `--name=VALUE`, `--name VALUE` (for options that need a value)
 * and short ones like `-n`. `--` ends the options. A word that is not an
 * option ends them too, so `echo -n -- -x` and `pause Press a key` work.
 * Unknown `--words` are errors (lint reports them); unknown `-x` words are
 * left as arguments, since grub4dos scripts pass negative numbers.
 */
#include "shell.h"

int opt_parse(int argc, char **argv, const struct opt *opts, struct opt_result *res, int *first)
{
    int i = 1;
    for (; i < argc; i++) {
        const char *w = argv[i];
        const char *eq;
        size_t nlen;
        int k, hit = -1;
        if (strcmp8(w, "--") == 0) {
            i++;
            break;
        }
        if (w[0] != '-' || w[1] == 0 || !opts)
            break;
        eq = strchr8(w, '=');
        nlen = eq ? (size_t)(eq - w) : strlen8(w);
        for (k = 0; opts[k].name; k++) {
            if (strlen8(opts[k].name) == nlen && strncmp8(opts[k].name, w, nlen) == 0) {
                hit = k;
                break;
            }
        }
        if (hit < 0) {
            if (w[1] == '-')
                return shell_error(-EINVAL, "%s: unknown option '%.*s'", argv[0], (int)nlen, w);
            break; /* "-5" and friends are arguments */
        }
        res[hit].set = true;
        switch (opts[hit].kind) {
        case OPT_FLAG:
            if (eq)
                return shell_error(-EINVAL, "%s: option %s takes no value", argv[0],
                                   opts[hit].name);
            break;
        case OPT_VALUE:
            if (eq) {
                res[hit].value = eq + 1;
            } else if (i + 1 < argc) {
                res[hit].value = argv[++i];
            } else {
                return shell_error(-EINVAL, "%s: option %s needs a value", argv[0],
                                   opts[hit].name);
            }
            break;
        case OPT_OPTVALUE:
        case OPT_IGNORED:
            res[hit].value = eq ? eq + 1 : NULL;
            break;
        }
    }
    *first = i;
    return 0;
}
