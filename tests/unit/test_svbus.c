/*
 * The SVBus page (src/svbus.c): the bytes of each slot as SVBus reads them,
 * the signatures where SVBus and grub4dos-for-UEFI tools look, the slot
 * limit that grub4dos does not guard, and the drives svbus_collect takes
 * from the table (RAM-backed hd, fd and cd only).
 */
#include "test.h"

#include <unistd.h>

#include "../../disk/map.h"
#include "../../src/platform.h"
#include "../../src/svbus.h"

static const uint8_t zero_slot[SVBUS_SLOT_SIZE];

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v)
            return false;
    return true;
}

/* Everything but the slots: zeros around "   $INT13SFGRUB4DOS" at 0xE0 and "GRUB4EFI" at 0x100. */
static bool frame_ok(const uint8_t *page)
{
    return all_bytes(page + 0xC0, 0x20, 0) && memcmp(page + 0xE0, "   ", 3) == 0 &&
           memcmp(page + 0xE3, "$INT13SFGRUB4DOS", 16) == 0 && all_bytes(page + 0xF3, 0x0D, 0) &&
           memcmp(page + 0x100, "GRUB4EFI", 8) == 0 &&
           all_bytes(page + 0x108, SVBUS_PAGE_SIZE - 0x108, 0);
}

/* Where SVBus' scan of a page takes the slots from: 0xE3 before the first signature. */
static long svbus_slot_base(const uint8_t *page)
{
    for (long k = 0; k < 0xFF0; k++)
        if (memcmp(page + k, "$INT13SFGRUB4DOS", 16) == 0)
            return k - 0xE3;
    return -1;
}

TEST(svbus_empty_page)
{
    uint8_t page[SVBUS_PAGE_SIZE];
    memset(page, 0xAA, sizeof(page));
    ok(svbus_build(page, NULL, 0) == 0);
    ok(frame_ok(page));
    /* SVBus stops at the first slot whose sector count is 0: here the first */
    ok(all_bytes(page, SVBUS_MAX_SLOTS * SVBUS_SLOT_SIZE, 0));
    ok(svbus_slot_base(page) == 0);
}

TEST(svbus_hd_slot_bytes)
{
    uint8_t page[SVBUS_PAGE_SIZE];
    /* 3 MiB and 100 bytes at 0x12345000: 6145 sectors from sector 0x91A28 */
    struct svbus_disk d = { .from_drive = 0x80, .addr = 0x12345000, .bytes = (3u << 20) + 100,
                            .block_size = 512 };
    static const uint8_t want[SVBUS_SLOT_SIZE] = {
        0x80, 0xFF, 0xFE, 0x3F, 0x00, 0x00, 0xFE, 0x3F,
        0x28, 0x1A, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x18, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    };
    ok(svbus_build(page, &d, 1) == 0);
    ok(memcmp(page, want, sizeof(want)) == 0);
    ok(all_bytes(page + SVBUS_SLOT_SIZE, (SVBUS_MAX_SLOTS - 1) * SVBUS_SLOT_SIZE, 0));
    ok(frame_ok(page));
}

TEST(svbus_cd_slot_bytes)
{
    uint8_t page[SVBUS_PAGE_SIZE];
    /*
     * Above 4 GiB, read-only, 10 sectors of 2048 and one byte: 11 sectors,
     * counted as 44 of 512 (SVBus divides by 4); from_cdrom is bit 13 at 4.
     */
    struct svbus_disk d = { .from_drive = 0xA0, .cd = true, .read_only = true,
                            .addr = 0x100000000ull, .bytes = 10 * 2048 + 1, .block_size = 2048 };
    static const uint8_t want[SVBUS_SLOT_SIZE] = {
        0xA0, 0xFF, 0xFE, 0xBF, 0x00, 0x20, 0xFE, 0x3F,
        0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x2C, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    };
    ok(svbus_build(page, &d, 1) == 0);
    ok(memcmp(page, want, sizeof(want)) == 0);
    ok(frame_ok(page));
}

TEST(svbus_floppy_geometry)
{
    uint8_t page[SVBUS_PAGE_SIZE];
    struct svbus_disk d[2] = {
        { .from_drive = 0x00, .addr = 0x200000, .bytes = 1474560, .block_size = 512 },
        { .from_drive = 0x01, .addr = 0x400000, .bytes = 1 << 20, .block_size = 512 },
    };
    ok(svbus_build(page, d, 2) == 0);
    /* 1.44 MB: 2 heads of 18 sectors; an odd size gets 255/63 */
    ok(page[0] == 0x00 && page[2] == 1 && page[3] == 18 && page[6] == 1 && page[7] == 18);
    ok(le64(page + 8) == 0x1000 && le64(page + 16) == 2880);
    ok(page[24] == 0x01 && page[26] == 0xFE && page[27] == 63 && page[31] == 63);
    ok(le64(page + 24 + 16) == 2048);
}

TEST(svbus_eight_slots_in_order)
{
    uint8_t page[SVBUS_PAGE_SIZE];
    struct svbus_disk d[SVBUS_MAX_SLOTS];
    for (int i = 0; i < SVBUS_MAX_SLOTS; i++)
        d[i] = (struct svbus_disk){ .from_drive = (uint8_t)(0x80 + i),
                                    .addr = 0x1000000ull * (i + 1), .bytes = 512u * (i + 2),
                                    .block_size = 512 };
    ok(svbus_build(page, d, SVBUS_MAX_SLOTS) == 0);
    for (int i = 0; i < SVBUS_MAX_SLOTS; i++) {
        const uint8_t *s = page + i * SVBUS_SLOT_SIZE;
        ok(s[0] == 0x80 + i && s[1] == 0xFF);
        ok(le64(s + 8) == 0x8000ull * (i + 1) && le64(s + 16) == (uint64_t)(i + 2));
    }
    ok(frame_ok(page));
}

TEST(svbus_ninth_disk_refused)
{
    uint8_t page[SVBUS_PAGE_SIZE];
    struct svbus_disk d[SVBUS_MAX_SLOTS + 1];
    for (int i = 0; i <= SVBUS_MAX_SLOTS; i++)
        d[i] = (struct svbus_disk){ .from_drive = (uint8_t)(0x80 + i), .addr = 0x100000,
                                    .bytes = 512, .block_size = 512 };
    memset(page, 0xAA, sizeof(page));
    ok(svbus_build(page, d, SVBUS_MAX_SLOTS + 1) == -E2BIG);
    /* not a byte written: a 9th slot would have overwritten the signature at 0xE3 */
    ok(all_bytes(page, sizeof(page), 0xAA));
}

TEST(svbus_bad_disks_refused)
{
    uint8_t page[SVBUS_PAGE_SIZE];
    struct svbus_disk good = { .from_drive = 0x80, .addr = 0x100000, .bytes = 4096,
                               .block_size = 512 };
    struct svbus_disk d[2] = { good, good };
    memset(page, 0xAA, sizeof(page));
    d[1].addr = 0x100100;
    ok(svbus_build(page, d, 2) == -EINVAL);
    d[1] = good;
    d[1].bytes = 0; /* a zero count would end SVBus' list */
    ok(svbus_build(page, d, 2) == -EINVAL);
    d[1] = good;
    d[1].addr = UINT64_MAX - 511;
    ok(svbus_build(page, d, 2) == -EINVAL);
    d[1] = good;
    d[1].block_size = 4096;
    ok(svbus_build(page, d, 2) == -ENOTSUP);
    d[1] = good;
    d[1].cd = true; /* a cd of 512-byte blocks */
    ok(svbus_build(page, d, 2) == -ENOTSUP);
    ok(svbus_build(page, d, -1) == -EINVAL);
    ok(all_bytes(page, sizeof(page), 0xAA));
    d[1] = good;
    ok(svbus_build(page, d, 2) == 0);
    ok(memcmp(page + 2 * SVBUS_SLOT_SIZE, zero_slot, sizeof(zero_slot)) == 0);
}

/* ---- svbus_collect over a drive table ---- */

static char img512[64], img4k[64];

static void make_image(const char *path, size_t size)
{
    FILE *f = fopen(path, "wb");
    for (size_t i = 0; f && i < size; i++)
        fputc((int)(i * 13 + (i >> 9)), f);
    if (f)
        fclose(f);
}

TEST(svbus_collect_ram_drives)
{
    struct svbus_disk out[SVBUS_MAX_SLOTS], one;
    struct drive *hd, *cd, *fd;
    uint8_t page[SVBUS_PAGE_SIZE], block[512];
    int n;

    snprintf(img512, sizeof(img512), "/tmp/mapboot-svbus-%d.512", (int)getpid());
    snprintf(img4k, sizeof(img4k), "/tmp/mapboot-svbus-%d.4k", (int)getpid());
    make_image(img512, 1u << 20);
    make_image(img4k, 1u << 20);
    host_clear_disks();
    drive_reset();
    test_reset();
    ok(host_add_disk(img512, PLAT_DISK_HD, 512) == 0);  /* (hd0) */
    ok(host_add_disk(img4k, PLAT_DISK_HD, 4096) == 0);  /* (hd1) */

    host_output_reset();
    host_capture_output = true; /* map's own warnings are not what this test is about */
    hd = test_map("(hd0)", "(hd)", true, false, false);           /* (hd2): RAM */
    cd = test_map("(hd0)", "(cd)", true, true, false);            /* (cd0): RAM, read-only */
    ok(test_map("(hd1)", "(hd)", true, false, false) != NULL);    /* (hd3): 4 KiB sectors */
    ok(test_map("(hd0)", "(hd)", false, false, false) != NULL);   /* (hd4): in place, no RAM */
    fd = test_map("(hd0)", "(fd0)", true, false, true);           /* (fd0): RAM, fake-write */
    ok(hd && cd && fd);
    memset(block, 0x5A, sizeof(block));
    ok(fd && drive_write(fd, 3, 1, block) == 0);

    host_output_reset();
    n = svbus_collect(out, SVBUS_MAX_SLOTS);
    host_capture_output = false;
    ok(n == 3);
    ok(host_out && strstr(host_out, "(hd3) has 4096-byte sectors"));
    ok(host_out && strstr(host_out, "(fd0) goes to SVBus as its RAM image"));
    if (n == 3 && hd && cd && fd) {
        /* table order: fd, hd, cd */
        ok(out[0].from_drive == 0x00 && !out[0].cd && out[0].block_size == 512);
        ok(out[0].addr == drive_map_ram(fd) && out[0].bytes == 1u << 20);
        ok(out[1].from_drive == 0x82 && !out[1].cd && !out[1].read_only);
        ok(out[1].addr == drive_map_ram(hd) && out[1].bytes == 1u << 20);
        ok(out[2].from_drive == 0xA0 && out[2].cd && out[2].read_only);
        ok(out[2].addr == drive_map_ram(cd) && out[2].block_size == 2048);
        /* and through the page: SVBus reads the image at start_sector * 512 */
        ok(svbus_build(page, out, n) == 0);
        ok(le64(page + SVBUS_SLOT_SIZE + 8) * 512 == drive_map_ram(hd));
        ok(le64(page + 2 * SVBUS_SLOT_SIZE + 16) == 2048);
        ok(le64(page + 3 * SVBUS_SLOT_SIZE + 16) == 0);
    }

    /* more drives than room: the count says so, only max are written */
    memset(&one, 0xEE, sizeof(one));
    host_output_reset();
    host_capture_output = true;
    ok(svbus_collect(&one, 1) == 3);
    ok(svbus_collect(NULL, 0) == 3);
    host_capture_output = false;
    ok(one.from_drive == 0x00 && one.addr == (fd ? drive_map_ram(fd) : 0));

    host_clear_disks();
    drive_reset();
    ok(svbus_collect(out, SVBUS_MAX_SLOTS) == 0);
    unlink(img512);
    unlink(img4k);
}

/* boot leaves the page just before it starts the loader; a ninth RAM drive is left out. */
TEST(svbus_page_written_at_boot)
{
    static const char *const files[] = { "x.efi", "MZ", NULL };
    uint8_t *disk = calloc(1, 64 << 10);
    const char *out;
    test_bootdir(files);
    host_clear_disks();
    drive_reset();
    ok(host_add_mem_disk(disk, 64 << 10, PLAT_DISK_HD, 512) == 0);
    memset(host_lowmem, 0, sizeof(host_lowmem));
    host_lowmem_addr = 0;
    run_script("chainloader /x.efi\nboot");
    ok(host_lowmem_addr == 0); /* no RAM drive, no page */
    for (int i = 0; i < 9; i++)
        run_script("map --mem (hd0) (hd)");
    run_script("map --mem --no-nfit (hd0) (hd)"); /* (hd10): kept from the OS */
    out = run_script("chainloader /x.efi\nboot");
    ok(strstr(out, "SVBus sees only the first 8 of 9 RAM drives") != NULL);
    ok(host_lowmem_addr == 0x9F000);
    ok(memcmp(host_lowmem + 0xE3, "$INT13SFGRUB4DOS", 16) == 0);
    for (int i = 0; i < 8; i++) {
        struct drive *d = drive_by_number(0x81 + i);
        ok(d && host_lowmem[i * SVBUS_SLOT_SIZE] == 0x81 + i &&
           le64(host_lowmem + i * SVBUS_SLOT_SIZE + 8) * 512 == drive_map_ram(d));
    }
    ok(all_bytes(host_lowmem + 8 * SVBUS_SLOT_SIZE, 0xC0 - 8 * SVBUS_SLOT_SIZE, 0));
    /* unmapped drives leave the page at the next boot, the last one too */
    run_script("map --unmap=(hd1),(hd2),(hd3),(hd4),(hd5),(hd6),(hd7),(hd8)");
    run_script("chainloader /x.efi\nboot");
    ok(host_lowmem[0] == 0x89 && all_bytes(host_lowmem + SVBUS_SLOT_SIZE, SVBUS_SLOT_SIZE, 0));
    run_script("map --unmap=(hd9)");
    memset(host_lowmem, 0xAA, SVBUS_SLOT_SIZE);
    run_script("chainloader /x.efi\nboot");
    ok(all_bytes(host_lowmem, SVBUS_MAX_SLOTS * SVBUS_SLOT_SIZE, 0));
    ok(memcmp(host_lowmem + 0xE3, "$INT13SFGRUB4DOS", 16) == 0);
    host_clear_disks();
    drive_reset();
    free(disk);
}
