/*
 * goto [:]LABEL | goto :eof | goto [+|-]N: jump inside the running batch
 * file or entry, or, with a number, to another menu entry: grub4dos' "use in
 * menus, jump to the specified title", which runs entry N (numbered from 0,
 * as default counts; +N and -N count from the running one) as if chosen.
 */
#include "../src/shell.h"
#include "menu_need.h"

static int goto_exec(struct cmd_args *a)
{
    const char *w;
    long long n;
    if (a->first >= a->argc)
        return shell_error(-EINVAL, "goto: missing label");
    w = a->argv[a->first];
    if (!shell_entry_number(w))
        return shell_goto(w);
    if (!menu_cur || menu_cur->loading || !shell.frame)
        return shell_error(-EINVAL, "goto %s: a number names a menu entry; it works only in "
                           "one", w);
    if (parse_num(w + (*w == '+'), &n) != 0 || n > 9999 || n < -9999)
        return shell_error(-EINVAL, "goto: bad entry number '%s'", w);
    if (*w == '+' || *w == '-')
        n += menu_cur->current;
    if (n < 0 || n >= menu_cur->n)
        return shell_error(-EINVAL, "goto: there is no menu entry %lld", n);
    shell.errorcheck = true;
    shell.goto_entry = (int)n;
    shell.flow = FLOW_ENTRY;
    return 1;
}

COMMAND(goto, goto_exec, "goto [:]LABEL | goto [+|-]N",
        "Continue at the line after ':LABEL' (labels ignore case). 'goto :eof' ends the batch\n"
        "file, or returns from a 'call :label'. In a menu entry, goto N leaves it and runs\n"
        "entry N (from 0, as default counts; +N and -N count from this one). goto turns\n"
        "errorcheck on, as in grub4dos.",
        NULL);
