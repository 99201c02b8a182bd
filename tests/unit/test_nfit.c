/*
 * The NFIT hand-off (disk/nfit.c): the table bytes field by field, the
 * SSDT's AML, and nfit_sync over the host's simulated ACPI tables as map
 * and unmap change the drive table: one range per RAM drive, republished
 * idempotently, an existing NFIT extended and given back, --no-nfit, and a
 * firmware without ACPI.
 */
#include "test.h"

#include "../../disk/map.h"
#include "../../disk/nfit.h"
#include "../../src/platform.h"

static uint8_t *disk;

static void setup(void)
{
    host_clear_disks();
    drive_reset();
    host_acpi_reset();
    nfit_forget();
    disk = calloc(1, 1u << 20);
    ok(host_add_mem_disk(disk, 1u << 20, PLAT_DISK_HD, 512) == 0);
    test_reset();
}

static void teardown(void)
{
    host_clear_disks();
    drive_reset();
    host_acpi_reset();
    nfit_forget();
    free(disk);
}

static bool sums_to_zero(const uint8_t *t, size_t len)
{
    uint8_t s = 0;
    for (size_t i = 0; i < len; i++)
        s = (uint8_t)(s + t[i]);
    return s == 0;
}

static const uint8_t vdisk[16] = { 0x5A, 0x53, 0xAB, 0x77, 0xFC, 0x45, 0x4B, 0x62,
                                   0x55, 0x60, 0xF7, 0xB2, 0x81, 0xD1, 0xF9, 0x6E };
static const uint8_t vcd[16] = { 0x30, 0xBD, 0x5A, 0x3D, 0x75, 0x41, 0xCE, 0x87,
                                 0x6D, 0x64, 0xD2, 0xAD, 0xE5, 0x23, 0xC4, 0xBB };

/* The SPA range at structure offset off of t: index, type GUID, base, length. */
static bool spa_is(const uint8_t *t, size_t off, unsigned index, const uint8_t *guid,
                   uint64_t addr, uint64_t size)
{
    const uint8_t *p = t + off;
    return le16(p) == 0 && le16(p + 2) == 56 && le16(p + 4) == index && le16(p + 6) == 0 &&
           le32(p + 12) == 0 && memcmp(p + 16, guid, 16) == 0 && le64(p + 32) == addr &&
           le64(p + 40) == size && le64(p + 48) == 0x8;
}

TEST(nfit_build_one_range_per_drive)
{
    struct nfit_range r[2] = { { 0x140000000ull, 64u << 20, false },
                               { 0x8000000, 1u << 20, true } };
    uint8_t *t;
    size_t len;
    ok(nfit_build(NULL, 0, r, 2, &t, &len) == 0);
    ok(len == 40 + 2 * 56);
    ok(memcmp(t, "NFIT", 4) == 0 && le32(t + 4) == len && t[8] == 1);
    ok(memcmp(t + 10, "MAPBT ", 6) == 0 && memcmp(t + 16, "MAPBOOT ", 8) == 0);
    ok(le32(t + 36) == 0); /* reserved */
    ok(sums_to_zero(t, len));
    ok(spa_is(t, 40, 1, vdisk, 0x140000000ull, 64u << 20));
    ok(spa_is(t, 96, 2, vcd, 0x8000000, 1u << 20));
    mb_free(t);
}

/* A firmware NFIT: a SPA range (index 5) and a region mapping structure. */
static size_t firmware_nfit(uint8_t *t)
{
    size_t len = 40 + 56 + 48;
    memset(t, 0, len);
    memcpy(t, "NFIT", 4);
    put_le32(t + 4, (uint32_t)len);
    t[8] = 1;
    memcpy(t + 10, "BOCHS ", 6);
    put_le16(t + 40, 0);
    put_le16(t + 42, 56);
    put_le16(t + 44, 5);
    put_le64(t + 40 + 32, 0x200000000ull);
    put_le16(t + 96, 1);  /* a memory device to SPA range map */
    put_le16(t + 98, 48);
    t[9] = 0;
    {
        uint8_t s = 0;
        for (size_t i = 0; i < len; i++)
            s = (uint8_t)(s + t[i]);
        t[9] = (uint8_t)-s;
    }
    return len;
}

TEST(nfit_build_extends_the_firmware_table)
{
    uint8_t base[256], *t;
    size_t blen = firmware_nfit(base), len;
    struct nfit_range r = { 0x10000000, 4096, false };
    ok(nfit_build(base, blen, &r, 1, &t, &len) == 0);
    ok(len == blen + 56);
    ok(le32(t + 4) == len && sums_to_zero(t, len));
    ok(memcmp(t + 10, "BOCHS ", 6) == 0);                /* its OEM fields are kept */
    ok(memcmp(t + 40, base + 40, blen - 40) == 0);       /* and its structures, first */
    ok(spa_is(t, blen, 6, vdisk, 0x10000000, 4096));     /* ours after its highest index */
    mb_free(t);
}

TEST(nfit_build_refuses_a_malformed_firmware_table)
{
    uint8_t base[256], *t = NULL;
    size_t blen = firmware_nfit(base), len;
    struct nfit_range r = { 0x10000000, 4096, false };
    /* named corrupt inputs: each is -EBADIMG with a message, never a table */
    base[98] = 0; base[99] = 0; /* a structure of length 0 (would loop for ever) */
    shell.errmsg[0] = 0;
    ok(nfit_build(base, blen, &r, 1, &t, &len) == -EBADIMG && !t);
    ok(strstr(shell.errmsg, "malformed at byte 96") != NULL);
    blen = firmware_nfit(base);
    put_le16(base + 98, 200); /* a structure past the table's end */
    ok(nfit_build(base, blen, &r, 1, &t, &len) == -EBADIMG && !t);
    blen = firmware_nfit(base);
    put_le32(base + 4, 4096); /* a table longer than its bytes */
    ok(nfit_build(base, blen, &r, 1, &t, &len) == -EBADIMG && !t);
    ok(strstr(shell.errmsg, "bad header") != NULL);
    blen = firmware_nfit(base);
    ok(nfit_build(base, 39, &r, 1, &t, &len) == -EBADIMG && !t); /* truncated header */
    memcpy(base, "NFIX", 4);
    ok(nfit_build(base, blen, &r, 1, &t, &len) == -EBADIMG && !t);
    /* a SPA index of 0xFFFF leaves no 16-bit index for ours (found by fuzz_nfit) */
    blen = firmware_nfit(base);
    put_le16(base + 44, 0xFFFF);
    ok(nfit_build(base, blen, &r, 1, &t, &len) == -E2BIG && !t);
    ok(nfit_build(base, blen, &r, 0, &t, &len) == 0 && t && len == blen);
    mb_free(t);
}

TEST(nfit_ssdt_is_the_nvdimm_root_device)
{
    static const uint8_t aml[] = { 0x10, 0x1C, '\\', '_', 'S', 'B', '_', 0x5B, 0x82, 0x14,
                                   'N', 'V', 'D', 'R', 0x08, '_', 'H', 'I', 'D', 0x0D,
                                   'A', 'C', 'P', 'I', '0', '0', '1', '2', 0 };
    size_t len;
    const uint8_t *t = nfit_ssdt(&len);
    ok(len == 36 + sizeof(aml));
    ok(memcmp(t, "SSDT", 4) == 0 && le32(t + 4) == len && t[8] == 2);
    ok(memcmp(t + 36, aml, sizeof(aml)) == 0);
    ok(sums_to_zero(t, len));
    /* the package lengths: Scope counts to the end, Device too */
    ok(t[36 + 1] == len - 36 - 1 && t[36 + 9] == len - 36 - 9);
}

static const struct host_acpi_table *nfit(void)
{
    return host_acpi_get("NFIT");
}

static int count(const char *sig)
{
    int n = 0;
    for (int i = 0; i < host_acpi_count; i++)
        n += memcmp(host_acpi[i].bytes, sig, 4) == 0;
    return n;
}

TEST(nfit_follows_map_and_unmap)
{
    struct drive *a, *b;
    uintptr_t key;
    setup();
    ok(nfit() == NULL);
    run_script("map --mem (hd0) (hd)\nmap --mem (hd0) (cd)");
    a = drive_by_number(0x81);
    b = drive_by_number(0xA0);
    ok(a && b && (a->flags & DRIVE_NFIT) && (b->flags & DRIVE_NFIT));
    ok(nfit() && nfit()->len == 40 + 2 * 56);
    if (a && b && nfit()) {
        ok(spa_is(nfit()->bytes, 40, 1, vdisk, drive_map_ram(a), 1u << 20));
        ok(spa_is(nfit()->bytes, 96, 2, vcd, drive_map_ram(b), 1u << 20));
    }
    ok(count("SSDT") == 1 && count("NFIT") == 1);
    /* again: nothing changes, not even the key */
    key = nfit() ? nfit()->key : 0;
    ok(nfit_sync() == 0 && nfit() && nfit()->key == key);
    ok(strstr(run_script("map --status"), " nfit mem hooked, (hd0)") != NULL);
    /* an unmapped drive is no longer described */
    run_script("map --unmap=(hd1)");
    b = drive_by_number(0xA0);
    ok(nfit() && nfit()->len == 40 + 56);
    if (b && nfit())
        ok(spa_is(nfit()->bytes, 40, 1, vcd, drive_map_ram(b), 1u << 20));
    run_script("map --unmap=(cd0)");
    ok(nfit() == NULL);
    ok(count("SSDT") == 1); /* installed once, and it stays */
    run_script("map --mem (hd0) (hd)");
    ok(count("SSDT") == 1 && count("NFIT") == 1);
    teardown();
}

TEST(nfit_only_ram_drives_and_not_no_nfit)
{
    const char *out;
    setup();
    out = run_script("map --mem --no-nfit (hd0) (hd)\nmap (hd0) (hd)\nmap --status");
    ok(strstr(out, "(hd1)   0x81          2048    512 ") != NULL);
    ok(strstr(out, " off  mem hooked, (hd0)") != NULL);
    ok(strstr(out, " -    in-place hooked, (hd0)") != NULL);
    ok(nfit() == NULL && count("SSDT") == 0);
    teardown();
}

TEST(nfit_extends_and_gives_back_the_firmware_table)
{
    uint8_t base[256];
    size_t blen = firmware_nfit(base);
    struct drive *d;
    setup();
    ok(host_acpi_add(base, blen) == 0);
    run_script("map --mem (hd0) (hd)");
    d = drive_by_number(0x81);
    ok(count("NFIT") == 1 && nfit() && nfit()->len == blen + 56);
    if (d && nfit()) {
        ok(memcmp(nfit()->bytes + 40, base + 40, blen - 40) == 0);
        ok(spa_is(nfit()->bytes, blen, 6, vdisk, drive_map_ram(d), 1u << 20));
    }
    ok(count("SSDT") == 0); /* the firmware has its own ACPI0012 device */
    run_script("map --unmap=(hd1)");
    ok(count("NFIT") == 1 && nfit() && nfit()->len == blen &&
       memcmp(nfit()->bytes, base, blen) == 0);
    teardown();
}

TEST(nfit_without_acpi_warns_and_maps)
{
    const char *out;
    setup();
    host_acpi_mode = 1;
    out = run_script("map --mem (hd0) (hd)\nmap --status");
    ok(strstr(out, "Warning: the firmware has no ACPI table protocol") != NULL);
    ok(strstr(out, " none mem hooked, (hd0)") != NULL);
    ok(drive_by_number(0x81) != NULL);
    /* warned once, not on every map */
    out = run_script("map --mem (hd0) (hd)");
    ok(strstr(out, "Warning") == NULL);
    teardown();
}

TEST(nfit_firmware_table_without_a_key_is_left_alone)
{
    uint8_t base[256];
    size_t blen = firmware_nfit(base);
    const char *out;
    setup();
    ok(host_acpi_add(base, blen) == 0);
    host_acpi_mode = 2; /* no ACPI SDT protocol: found in the XSDT, no key */
    out = run_script("map --mem (hd0) (hd)\nmap --status");
    ok(strstr(out, "cannot be extended") != NULL);
    ok(strstr(out, " none mem hooked") != NULL);
    ok(count("NFIT") == 1 && nfit()->len == blen && memcmp(nfit()->bytes, base, blen) == 0);
    teardown();
}

TEST(nfit_fake_write_drive_warns_once)
{
    const char *out;
    setup();
    out = run_script("map --mem --fake-write (hd0) (hd)");
    ok(strstr(out, "Warning: (hd1) is described to the OS with its RAM image") != NULL);
    out = run_script("map --mem (hd0) (hd)");
    ok(strstr(out, "Warning") == NULL);
    teardown();
}

/* A failed install leaves what was installed, and the flags, as they were. */
TEST(nfit_failed_install_changes_nothing)
{
    struct drive *a, *b;
    const char *out;
    uintptr_t key;
    setup();
    run_script("map --mem (hd0) (hd)");
    a = drive_by_number(0x81);
    key = nfit() ? nfit()->key : 0;
    host_acpi_fail = 1;
    out = run_script("map --mem (hd0) (hd)");
    ok(strstr(out, "Warning: RAM drives are not described to the OS: cannot install the NFIT")
       != NULL);
    b = drive_by_number(0x82);
    ok(a && b && (a->flags & DRIVE_NFIT) && !(b->flags & DRIVE_NFIT));
    ok(count("NFIT") == 1 && nfit()->key == key && nfit()->len == 40 + 56);
    host_acpi_fail = 0;
    ok(nfit_sync() == 0 && b && (b->flags & DRIVE_NFIT) && nfit()->len == 40 + 2 * 56);
    teardown();
}

TEST(nfit_failed_install_keeps_the_firmware_table)
{
    uint8_t base[256];
    size_t blen = firmware_nfit(base);
    setup();
    ok(host_acpi_add(base, blen) == 0);
    host_acpi_fail = 1;
    run_script("map --mem (hd0) (hd)");
    ok(count("NFIT") == 1 && nfit()->len == blen && memcmp(nfit()->bytes, base, blen) == 0);
    host_acpi_fail = 0;
    run_script("map --mem (hd0) (hd)\nmap --unmap=(hd1),(hd2)");
    ok(count("NFIT") == 1 && nfit()->len == blen && memcmp(nfit()->bytes, base, blen) == 0);
    teardown();
}

/* Unmap takes the drive out of the NFIT before its RAM is freed, or keeps the drive. */
TEST(nfit_unmap_keeps_a_drive_the_nfit_still_describes)
{
    struct drive *d;
    const char *out;
    setup();
    run_script("map --mem (hd0) (hd)");
    host_acpi_fail = 2;
    out = run_script("map --unmap=(hd1)");
    ok(strstr(out, "(hd1) stays mapped: the NFIT still describes it") != NULL);
    d = drive_by_number(0x81);
    ok(d && (d->flags & DRIVE_NFIT) && count("NFIT") == 1);
    if (d && nfit())
        ok(spa_is(nfit()->bytes, 40, 1, vdisk, drive_map_ram(d), 1u << 20));
    host_acpi_fail = 0;
    ok(strstr(run_script("map --unmap=(hd1)"), "Error") == NULL);
    ok(drive_by_number(0x81) == NULL && nfit() == NULL);
    teardown();
}
