/*
 * Where map --mem puts a RAM disk (disk/map.c ram_alloc, top_address) over
 * firmware memory maps modelled on real machines (host_memmap_set): a
 * desktop with the PCI hole below 4 GiB, a server with RAM above 64 GiB, a
 * fragmented high range; and the errors when memory is short. Addresses are
 * simulated, the bytes real: the first and last block of every copy are
 * read back.
 */
#include "test.h"

#include <stdlib.h>

#include "../../disk/drive.h"
#include "../../disk/map.h"
#include "../../src/platform.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define IMG (8 * MiB)
static uint8_t *image;

static const struct plat_mem_range desktop[] = {
    { 0, 0x9F000, PLAT_MEM_FREE },
    { 0x9F000, 0x61000, PLAT_MEM_RESERVED },
    { 0x100000, 0x7EF00000, PLAT_MEM_FREE },           /* to 2 GiB - 16 MiB */
    { 0x7F000000, 0x1000000, PLAT_MEM_ACPI },
    { 0x80000000, 0x60000000, PLAT_MEM_FREE },         /* 2 GiB to 3.5 GiB */
    { 0xE0000000, 0x10000000, PLAT_MEM_MMIO },         /* PCIe config space */
    { 0xFEC00000, 0x1400000, PLAT_MEM_MMIO },          /* APIC, flash */
    { 0x100000000ull, 28 * GiB, PLAT_MEM_FREE },       /* RAM above 4 GiB */
    { 0x800000000ull, 0x1000000, PLAT_MEM_RESERVED },
    { 0x801000000ull, 2 * GiB - 0x1000000, PLAT_MEM_FREE },
};

static void start(const struct plat_mem_range *map, int n)
{
    image = malloc(IMG);
    for (size_t i = 0; i < IMG; i++)
        image[i] = (uint8_t)(i * 13 + (i >> 9) * 5 + 1);
    host_clear_disks();
    drive_reset();
    host_add_mem_disk(image, IMG, PLAT_DISK_HD, 512);
    host_memmap_set(map, n);
}

static void stop(void)
{
    run_script("map --unmap=(hd1)\nmap --unmap=(hd2)\nmap --unmap=(hd3)");
    host_memmap_set(NULL, 0);
    host_clear_disks();
    drive_reset();
    free(image);
}

/* The RAM address map --status shows for (hdN), or 0. */
static uint64_t ram_of(const char *name)
{
    const char *out = run_script("map --status"), *line = strstr(out, name), *at;
    if (!line || !(at = strstr(line, " 0x")) || !(at = strstr(at + 3, " 0x")))
        return 0;
    return strtoull(at + 1, NULL, 16);
}

/* The first and the last block of drive name hold the image's. */
static bool copy_intact(const char *name)
{
    struct drive *d;
    uint8_t buf[512];
    if (dev_find(name, &d) != 0 || d->blocks != IMG / 512)
        return false;
    if (drive_read(d, 0, 1, buf) != 0 || memcmp(buf, image, 512) != 0)
        return false;
    return drive_read(d, d->blocks - 1, 1, buf) == 0 && memcmp(buf, image + IMG - 512, 512) == 0;
}

TEST(memmap_desktop_top_goes_to_the_top_above_4g)
{
    start(desktop, (int)ARRAY_SIZE(desktop));
    ok_str(run_script("map --top (hd0)+16384 (hd1)"), "");
    /* the top of the highest free range, 2 MiB aligned */
    ok(ram_of("(hd1)") == 0x801000000ull + 2 * GiB - 0x1000000 - IMG);
    ok(copy_intact("(hd1)"));
    /* plain --mem: where the firmware puts it (EDK2: the top of the highest range that fits) */
    ok_str(run_script("map --mem (hd0)+16384 (hd2)"), "");
    ok(ram_of("(hd2)") > 4 * GiB && ram_of("(hd2)") % (2 * MiB) == 0);
    ok(copy_intact("(hd2)"));
    stop();
}

TEST(memmap_server_ram_above_64g)
{
    static const struct plat_mem_range server[] = {
        { 0x100000, 0x7FF00000, PLAT_MEM_FREE },
        { 0xC0000000, 0x40000000, PLAT_MEM_MMIO },
        { 0x100000000ull, 60 * GiB, PLAT_MEM_FREE },
        { 0x1000000000ull, 0x100000, PLAT_MEM_RESERVED },  /* 64 GiB: a firmware table */
        { 0x1000100000ull, 192 * GiB, PLAT_MEM_FREE },
    };
    start(server, (int)ARRAY_SIZE(server));
    ok_str(run_script("map --top (hd0)+16384 (hd1)"), "");
    /* 2 MiB aligned, below the top of RAM at 256 GiB + 1 MiB */
    ok(ram_of("(hd1)") == 0x3FFF800000ull);
    ok(copy_intact("(hd1)"));
    /* a second one goes just below the first; the 1 MiB left above them is no range to
       speak of */
    ok_str(run_script("map --top (hd0)+16384 (hd2)"), "");
    ok(ram_of("(hd2)") == ram_of("(hd1)") - IMG);
    ok(copy_intact("(hd2)"));
    stop();
}

TEST(memmap_top_falls_back_below_a_small_top_range_and_says_so)
{
    /* the highest free range is 4 MiB between reserved pieces (a fragmented high range) */
    static const struct plat_mem_range fragmented[] = {
        { 0x100000, 0x3FF00000, PLAT_MEM_FREE },
        { 0x100000000ull, 64 * MiB, PLAT_MEM_FREE },
        { 0x104000000ull, 2 * MiB, PLAT_MEM_RESERVED },
        { 0x104200000ull, 6 * MiB, PLAT_MEM_FREE },
        { 0x104800000ull, 2 * MiB, PLAT_MEM_RUNTIME },
        { 0x104A00000ull, 4 * MiB, PLAT_MEM_FREE },
    };
    start(fragmented, (int)ARRAY_SIZE(fragmented));
    ok_str(run_script("map --top (hd0)+16384 (hd1)"),
           "map: --top: the highest free range (4 MiB at 0x104A00000) is too small for 8 MiB; "
           "taking 0x103800000\n");
    ok(ram_of("(hd1)") == 0x103800000ull);
    ok(copy_intact("(hd1)"));
    stop();
}

TEST(memmap_refuses_what_no_single_range_holds)
{
    /* 18 MiB free, in pieces of 6 */
    static const struct plat_mem_range pieces[] = {
        { 0x100000, 6 * MiB, PLAT_MEM_FREE },
        { 0x700000, 1 * MiB, PLAT_MEM_RESERVED },
        { 0x800000, 6 * MiB, PLAT_MEM_FREE },
        { 0xE00000, 1 * MiB, PLAT_MEM_BOOT },
        { 0xF00000, 6 * MiB, PLAT_MEM_FREE },
    };
    start(pieces, (int)ARRAY_SIZE(pieces));
    ok_str(run_script("map --mem (hd0)+16384 (hd1)"),
           "Error: map: (hd0)+16384 needs 8 MiB in one piece; the largest free range is 6 MiB "
           "(at 0x100000) of the 18 MiB free\n");
    ok_str(run_script("map --top (hd0)+16384 (hd1)"),
           "Error: map: (hd0)+16384 needs 8 MiB in one piece; the largest free range is 6 MiB "
           "(at 0x100000) of the 18 MiB free\n");
    ok(dev_find("(hd1)", &(struct drive *){ NULL }) != 0);
    stop();
}

TEST(memmap_an_image_exactly_as_large_as_the_largest_range_maps)
{
    /* 8 MiB exactly, starting off 2 MiB alignment: only a page-aligned fit is left */
    static const struct plat_mem_range exact[] = {
        { 0x100000, 4 * MiB, PLAT_MEM_FREE },
        { 0x100001000ull, IMG, PLAT_MEM_FREE },
        { 0x100801000ull, 0x1000, PLAT_MEM_RESERVED },
    };
    start(exact, (int)ARRAY_SIZE(exact));
    ok_str(run_script("map --mem (hd0)+16384 (hd1)"), "");
    ok(ram_of("(hd1)") == 0x100001000ull);
    ok(copy_intact("(hd1)"));
    ok_str(run_script("map --unmap=(hd1)\nmap --top (hd0)+16384 (hd1)"), "");
    ok(ram_of("(hd1)") == 0x100001000ull);
    ok(copy_intact("(hd1)"));
    stop();
}

TEST(memmap_mem_at_an_address_must_be_free)
{
    start(desktop, (int)ARRAY_SIZE(desktop));
    /* PCIe config space is no RAM */
    ok_str(run_script("map --mem=0xE0000000 (hd0)+16384 (hd1)"),
           "Error: map: --mem=0xE0000000: the 8 MiB from there are not all free memory (see "
           "displaymem)\n");
    /* a range that runs into ACPI tables */
    ok_str(run_script("map --mem=0x7EC00000 (hd0)+16384 (hd1)"),
           "Error: map: --mem=0x7EC00000: the 8 MiB from there are not all free memory (see "
           "displaymem)\n");
    ok_str(run_script("map --mem=0x200000000 (hd0)+16384 (hd1)"), "");
    ok(ram_of("(hd1)") == 0x200000000ull && copy_intact("(hd1)"));
    /* where a RAM disk is already */
    ok_str(run_script("map --mem=0x200400000 (hd0)+16384 (hd2)"),
           "Error: map: --mem=0x200400000: the 8 MiB from there are not all free memory (see "
           "displaymem)\n");
    ok(dev_find("(hd2)", &(struct drive *){ NULL }) != 0);
    stop();
}
