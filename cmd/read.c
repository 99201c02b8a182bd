/*
 * read ADDR: grub4dos' read of a 32-bit value from its BIOS memory. mapboot
 * answers only for the addresses grub4dos for UEFI gives a meaning
 * (bios_addr_read: 0x8278, the version date, which menus check with
 * `checkrange 20111129:-1 read 0x8278`); any other address is refused as
 * BIOS-only before this runs (src/biosonly.c).
 */
#include "../src/shell.h"

static int read_exec(struct cmd_args *a)
{
    unsigned long long addr, v;
    int rc;
    if (a->first >= a->argc)
        return shell_error(-EINVAL, "read: missing address");
    if (parse_unum(a->argv[a->first], &addr))
        return shell_error(-EINVAL, "read: bad address '%s'", a->argv[a->first]);
    if ((rc = bios_addr_read(addr, &v)) != 0)
        return shell_error(rc, "read: BIOS-only: 0x%llX is grub4dos' BIOS memory", addr);
    con_printf("0x%llX\n", v);
    shell_set_retval((long long)v);
    return v ? 1 : 0;
}

COMMAND(read, read_exec, "read ADDR",
        "Print the 32-bit value at grub4dos' memory address ADDR and return it\n"
        "(%@retval%). Only the addresses grub4dos for UEFI gives a meaning are\n"
        "known: 0x8278, the grub4dos version date (checkrange 20111129:-1 read\n"
        "0x8278). Other addresses are BIOS memory: an error.",
        NULL);
