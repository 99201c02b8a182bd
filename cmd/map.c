/*
 * map [options] SOURCE TARGET, map --status, map --unmap=DRIVES: the command
 * line of disk/map.c. This file only parses; drive_map() does the work.
 */
#include "../disk/map.h"
#include "../src/platform.h"
#include "../src/shell.h"

enum { O_MEM, O_TOP, O_RO, O_FAKE, O_UNMAP, O_STATUS, O_NOHOOK, O_NONFIT, O_HOOK, O_UNHOOK,
       O_REHOOK, O_OBSOLETE };
static const struct opt map_opts_desc[] = {
    [O_MEM] = { "--mem", OPT_OPTVALUE },
    [O_TOP] = { "--top", OPT_FLAG },
    [O_RO] = { "--read-only", OPT_FLAG },
    [O_FAKE] = { "--fake-write", OPT_FLAG },
    [O_UNMAP] = { "--unmap", OPT_VALUE },
    [O_STATUS] = { "--status", OPT_OPTVALUE },
    [O_NOHOOK] = { "--no-hook", OPT_FLAG },
    [O_NONFIT] = { "--no-nfit", OPT_FLAG },
    [O_HOOK] = { "--hook", OPT_IGNORED },
    [O_UNHOOK] = { "--unhook", OPT_IGNORED },
    [O_REHOOK] = { "--rehook", OPT_IGNORED },
    /* grub4dos' BIOS-era options: accepted so old menus run, with no effect here */
    [O_OBSOLETE] = { "--heads", OPT_IGNORED },
    { "--sectors-per-track", OPT_IGNORED },
    { "--floppies", OPT_IGNORED },
    { "--harddrives", OPT_IGNORED },
    { "--memdisk-raw", OPT_IGNORED },
    { "--a20-keep-on", OPT_IGNORED },
    { "--safe-mbr-hook", OPT_IGNORED },
    { "--int13-scheme", OPT_IGNORED },
    { "--e820cycles", OPT_IGNORED },
    { "--disable-chs-mode", OPT_IGNORED },
    { "--disable-lba-mode", OPT_IGNORED },
    { "--swap-drive", OPT_IGNORED },
    { "--in-situ", OPT_IGNORED },
    { "--in-place", OPT_IGNORED }, /* a map without --mem is in place anyway */
    { NULL, 0 },
};

/* What the booted OS learns of a drive: only RAM drives can be described (disk/nfit.c). */
static const char *os_view(const struct drive *d)
{
    if (!drive_map_ram(d))
        return "-";
    if (d->flags & DRIVE_NFIT)
        return "nfit";
    return (d->flags & DRIVE_NO_NFIT) ? "off" : "none";
}

static int status(void)
{
    int n = 0;
    for (struct drive *d = drive_first(); d; d = drive_next(d)) {
        char ram[24] = "-";
        if (!drive_is_mapped(d))
            continue;
        if (n++ == 0)
            con_printf("%-7s %-5s %12s %6s %-18s %-4s %s\n", "drive", "num", "blocks", "bsize",
                       "RAM", "OS", "flags, source");
        if (drive_map_ram(d))
            snprintf(ram, sizeof(ram), "0x%llX", (unsigned long long)drive_map_ram(d));
        const char *fmt = drive_map_format(d);
        bool plain = !strcmp8(fmt, "raw") || !strcmp8(fmt, "drive");
        con_printf("%-7s 0x%02X  %12llu %6u %-18s %-4s %s%s%s %s, %s%s%s%s\n", d->name,
                   d->number & 0xFF, (unsigned long long)d->blocks, d->block_size, ram, os_view(d),
                   (d->flags & DRIVE_READ_ONLY) ? "read-only " : "",
                   (d->flags & DRIVE_FAKE_WRITE) ? "fake-write " : "",
                   drive_map_ram(d) ? "mem" : "in-place",
                   (d->flags & DRIVE_HOOKED) ? "hooked" : "internal", drive_map_source(d),
                   plain ? "" : " (", plain ? "" : fmt, plain ? "" : ")");
    }
    if (!n)
        con_puts("no mapped drives\n");
    /* what an unmap must give back: both return to their values before the map */
    con_printf("firmware: %d BlockIo devices, %llu KiB free memory\n", plat_blockio_count(),
               (unsigned long long)(map_free_memory() >> 10));
    return n ? n : 1;
}

/*
 * --status=N: is drive number N (3 for (fd3), 0x80 for (hd0)) mapped? As in
 * grub4dos for UEFI: nothing printed, the value is its size in sectors (0,
 * false, when it is not a mapped drive) and %?% its start sector, which for
 * a RAM drive is its address / 512 and for one in place is 0 here.
 */
static int status_of(const char *num)
{
    unsigned long long n, sectors;
    char start[24];
    struct drive *d;
    if (parse_unum(num, &n) || n > 0xFF)
        return shell_error(-EINVAL, "map: --status=%s: expected a drive number", num);
    d = drive_by_number((int)n);
    if (!d || !drive_is_mapped(d)) {
        shell_set_retval(0);
        return 0;
    }
    sectors = drive_bytes(d) / 512;
    snprintf(start, sizeof(start), "0x%llx", (unsigned long long)(drive_map_ram(d) / 512));
    shell_set_retstr(start);
    shell_set_retval((long long)sectors);
    return sectors > INT32_MAX ? INT32_MAX : (int)sectors;
}

/* --unmap=LIST: drive names or numbers, comma separated ("(hd1),0xA0"). */
static int unmap(const char *list)
{
    char one[32];
    int n = 0;
    for (const char *p = list; *p;) {
        const char *end = strchr8(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen8(p);
        struct drive *d;
        int rc;
        if (len == 0 || len + 3 > sizeof(one))
            return shell_error(-EINVAL, "map: bad --unmap list '%s'", list);
        if (p[0] == '(')
            snprintf(one, sizeof(one), "%.*s", (int)len, p);
        else
            snprintf(one, sizeof(one), "(%.*s)", (int)len, p);
        rc = dev_find(one, &d);
        if (rc == 0)
            rc = drive_unmap(d);
        if (rc)
            return rc;
        n++;
        p += len;
        if (*p == ',')
            p++;
    }
    return n;
}

static int map_exec(struct cmd_args *a)
{
    struct map_opts o = { 0 };
    struct drive *d;
    int rc;
    if (a->opt[O_STATUS].set)
        return a->opt[O_STATUS].value ? status_of(a->opt[O_STATUS].value) : status();
    if (a->opt[O_UNMAP].set)
        return unmap(a->opt[O_UNMAP].value);
    /* grub4dos menus say `map --hook` after their maps: here a map is live at once */
    if (a->argc == a->first &&
        (a->opt[O_HOOK].set || a->opt[O_UNHOOK].set || a->opt[O_REHOOK].set))
        return 1;
    if (a->argc - a->first != 2)
        return shell_error(-EINVAL, "map: need SOURCE and TARGET (see help map)");
    o.source = a->argv[a->first];
    o.target = a->argv[a->first + 1];
    o.mem = a->opt[O_MEM].set;
    o.top = a->opt[O_TOP].set;
    o.read_only = a->opt[O_RO].set;
    o.fake_write = a->opt[O_FAKE].set;
    o.no_hook = a->opt[O_NOHOOK].set;
    o.no_nfit = a->opt[O_NONFIT].set;
    if (o.mem && a->opt[O_MEM].value) {
        unsigned long long addr;
        if (parse_unum(a->opt[O_MEM].value, &addr) || addr % 4096)
            return shell_error(-EINVAL, "map: bad --mem address '%s' (a page-aligned number)",
                               a->opt[O_MEM].value);
        o.mem_addr = addr;
    }
    rc = drive_map(&o, &d);
    if (rc)
        return rc;
    shell_set_retstr(d->name);
    return 1;
}

COMMAND(map, map_exec,
        "map [--mem[=ADDR]] [--top] [--read-only | --fake-write] [--no-nfit] SOURCE TARGET\n"
        "map --status[=N] | --unmap=DRIVES",
        "Make a drive of SOURCE (an image file, a drive, or a blocklist such as\n"
        "(md)0x800+100). TARGET: (hd) or (cd) or (fd) for the next free number, (hdN),\n"
        "(cdN), (fdN), (0xNN) or (rd); a drive that exists is never replaced.\n"
        "  --mem[=ADDR]   copy the image into reserved RAM (at ADDR when given)\n"
        "  --top          with --mem: at the top of the highest free memory\n"
        "  --read-only    writes fail; nothing changes\n"
        "  --fake-write   writes go to RAM and read back; the source never changes\n"
        "  --status       list the mapped drives, then the firmware's count of BlockIo\n"
        "                 devices and the free memory; --unmap=(hd1),0xA0 removes them\n"
        "  --status=N     is drive number N (3, 0x80) mapped? Its size in sectors is the\n"
        "                 value (0: no), %?% its start (RAM address / 512; 0 in place)\n"
        "  --no-hook      keep the drive mapboot's own instead of showing it to the\n"
        "                 firmware as a BlockIo disk (which is the default)\n"
        "  --no-nfit      do not describe this RAM drive to the booted OS (no NFIT\n"
        "                 range, no SVBus slot)\n"
        "A RAM drive (--mem) is described to the booted OS in the ACPI NFIT, so Linux\n"
        "shows it as /dev/pmemN (with the nfit and nd_pmem modules); the OS column of\n"
        "--status says \"nfit\" for those. A --fake-write drive's OS gets the RAM image,\n"
        "without the overlay's writes.\n"
        "Without --mem the image is read and written in place, however fragmented.\n"
        "Image files may be gzip or lz4 compressed (decoded into RAM: --mem only), VHD\n"
        "(fixed, dynamic, differencing) or VHDX, and combined (.vhd.gz). A VHD or VHDX\n"
        "in place is read-only unless --fake-write; --status names the formats.\n"
        "--hook, --unhook, --rehook, --in-place and grub4dos' BIOS options are accepted and do\n"
        "nothing: a map is live at once.\n"
        "%?% is the new drive's name.",
        map_opts_desc);
