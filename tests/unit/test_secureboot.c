/*
 * Secure Boot as the core sees it (src/boot.c, src/pe.c): what a refusal
 * says under the firmware and under shim, that it is never worked around
 * (errorcheck on stops the script; off goes on, with nothing loaded), the
 * refusal of drivers under shim's loader, and the PE header reader, with
 * named corrupt inputs.
 */
#include "test.h"

#include "../../src/pe.h"
#include "../../src/platform.h"

static const char *const files[] = {
    "vmlinuz", "MZ not really a kernel",
    "drv.efi", "MZ not really a driver",
    NULL,
};

static void setup(int sb, int fail)
{
    test_bootdir(files);
    host_secure_boot = sb;
    host_image_fail = fail;
    host_image[0] = 0;
}

static void teardown(void)
{
    host_secure_boot = SB_OFF;
    host_image_fail = 0;
    boot_clear_loader();
}

TEST(secureboot_refusal_names_the_keys_that_judged)
{
    setup(SB_FIRMWARE, -EACCES);
    ok_str(run_script("chainloader /drv.efi"),
           "Error: chainloader: Secure Boot: /drv.efi is not signed by a key in db\n");
    setup(SB_SHIM, -EACCES);
    ok_str(run_script("kernel /vmlinuz root=/dev/pmem0p1"),
           "Error: kernel: Secure Boot: /vmlinuz is not signed by a key in db or MOK\n");
    ok(!boot_have_loader());
    ok_str(run_script("load /drv.efi"),
           "Error: load: Secure Boot: /drv.efi is not signed by a key in db or MOK\n");
    /* Secure Boot off: the firmware's own denial, not a Secure Boot one */
    setup(SB_OFF, -EACCES);
    ok_str(run_script("chainloader /drv.efi"),
           "Error: chainloader: the firmware refused /drv.efi (access denied)\n");
    teardown();
}

TEST(secureboot_refusal_stops_the_script_unless_errorcheck_off)
{
    setup(SB_SHIM, -EACCES);
    /* errorcheck on (the default): the refusal ends the script there */
    ok_str(run_script("!BAT\nkernel /vmlinuz\necho after\nboot"),
           "test.bat:2: Error: kernel: Secure Boot: /vmlinuz is not signed by a key in db or MOK\n");
    ok_str(host_image, "");
    /* errorcheck off: the script goes on, and there is nothing to boot */
    ok_str(run_script("!BAT\nerrorcheck off\nkernel /vmlinuz\necho after\nboot"),
           "test.bat:3: Error: kernel: Secure Boot: /vmlinuz is not signed by a key in db or MOK\n"
           "after\n"
           "test.bat:5: Error: nothing to boot: no loader was set (chainloader, kernel)\n");
    ok_str(host_image, "");
    /* an earlier, verified loader does not boot instead: the refusal cleared it */
    host_image_fail = 0;
    ok_str(run_script("chainloader /drv.efi"), "");
    host_image_fail = -EACCES;
    ok_str(run_script("errorcheck off\nchainloader /vmlinuz\nboot"),
           "Error: chainloader: Secure Boot: /vmlinuz is not signed by a key in db or MOK\n"
           "Error: nothing to boot: no loader was set (chainloader, kernel)\n");
    teardown();
}

TEST(secureboot_driver_under_shim_loader_is_refused_clearly)
{
    setup(SB_SHIM, -EPERM);
    ok_str(run_script("load /drv.efi"),
           "Error: load: /drv.efi is a driver, and under shim mapboot starts no drivers: "
           "shim's loader frees an image as soon as its entry point returns\n");
    teardown();
}

/* A minimal PE32+ header: MZ, e_lfanew 0x40, "PE\0\0", file header, optional header. */
static size_t pe_image(uint8_t *b, size_t size, unsigned subsystem)
{
    memset(b, 0, size);
    b[0] = 'M';
    b[1] = 'Z';
    b[0x3c] = 0x40;
    memcpy(b + 0x40, "PE\0\0", 4);
    b[0x40 + 24] = 0x0b;
    b[0x40 + 25] = 0x02;
    b[0x40 + 24 + 68] = (uint8_t)subsystem;
    b[0x40 + 24 + 69] = (uint8_t)(subsystem >> 8);
    return 0x40 + 24 + 70;
}

TEST(pe_subsystem_reads_valid_headers)
{
    uint8_t b[512];
    size_t n = pe_image(b, sizeof(b), PE_SUBSYSTEM_APP);
    ok(pe_subsystem(b, n) == PE_SUBSYSTEM_APP);
    ok(pe_subsystem(b, sizeof(b)) == PE_SUBSYSTEM_APP);
    pe_image(b, sizeof(b), PE_SUBSYSTEM_BOOT_DRIVER);
    ok(pe_subsystem(b, n) == PE_SUBSYSTEM_BOOT_DRIVER);
    pe_image(b, sizeof(b), 0x10c);
    ok(pe_subsystem(b, n) == 0x10c); /* both bytes */
    pe_image(b, sizeof(b), PE_SUBSYSTEM_RUNTIME_DRIVER);
    b[0x40 + 25] = 0x01; /* PE32: Subsystem sits at the same place */
    ok(pe_subsystem(b, n) == PE_SUBSYSTEM_RUNTIME_DRIVER);
}

TEST(pe_subsystem_corrupt_inputs)
{
    uint8_t b[512];
    size_t n = pe_image(b, sizeof(b), PE_SUBSYSTEM_APP);
    /* pe-truncated-by-one: Subsystem's last byte is missing */
    ok(pe_subsystem(b, n - 1) == 0);
    /* pe-shorter-than-dos-header */
    ok(pe_subsystem(b, 0x3f) == 0 && pe_subsystem(b, 0) == 0);
    /* pe-header-inside-dos-header (fuzz_pe found it): e_lfanew 0x10, 121 bytes in all */
    pe_image(b, sizeof(b), PE_SUBSYSTEM_APP);
    memmove(b + 0x10, b + 0x40, 24 + 70);
    b[0x3c] = 0x10;
    ok(pe_subsystem(b, 0x10 + 24 + 70) == 0);
    pe_image(b, sizeof(b), PE_SUBSYSTEM_APP);
    /* pe-no-mz */
    b[1] = 'X';
    ok(pe_subsystem(b, n) == 0);
    /* pe-lfanew-past-end, and pe-lfanew-wraps (0xFFFFFFF0 + headers overflows 32 bits) */
    pe_image(b, sizeof(b), PE_SUBSYSTEM_APP);
    b[0x3c] = 0xF0;
    b[0x3d] = 0x01;
    ok(pe_subsystem(b, n) == 0);
    b[0x3c] = 0xF0;
    b[0x3d] = b[0x3e] = b[0x3f] = 0xFF;
    ok(pe_subsystem(b, sizeof(b)) == 0);
    /* pe-bad-signature */
    pe_image(b, sizeof(b), PE_SUBSYSTEM_APP);
    b[0x42] = 'X';
    ok(pe_subsystem(b, n) == 0);
    /* pe-bad-optional-magic (a ROM image, 0x107) */
    pe_image(b, sizeof(b), PE_SUBSYSTEM_APP);
    b[0x40 + 24] = 0x07;
    ok(pe_subsystem(b, n) == 0);
}
