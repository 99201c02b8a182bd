/*
 * ACPI tables for disk/nfit.c (src/platform.h, plat_acpi_*): installed and
 * uninstalled with EFI_ACPI_TABLE_PROTOCOL, which copies the table into ACPI
 * memory, links it from the XSDT and fixes its checksum, so the OS finds
 * it after ExitBootServices. Existing tables are found with the ACPI SDT
 * protocol, which also gives the key that uninstalls them (how an NFIT the
 * firmware already has gets extended). Without that protocol the XSDT is
 * walked, and what is found there has no key. gnu-efi declares neither
 * protocol, so their layouts (UEFI PI spec, vol. 5) are written out here.
 */
#include "efi.h"

#include "../src/platform.h"

typedef struct ACPI_TABLE_PROTOCOL {
    EFI_STATUS(EFIAPI *InstallAcpiTable)(struct ACPI_TABLE_PROTOCOL *This, VOID *Table,
                                         UINTN Size, UINTN *Key);
    EFI_STATUS(EFIAPI *UninstallAcpiTable)(struct ACPI_TABLE_PROTOCOL *This, UINTN Key);
} ACPI_TABLE_PROTOCOL;

typedef struct {
    UINT32 AcpiVersion;
    /* Index counts from 0; EFI_NOT_FOUND past the last table */
    EFI_STATUS(EFIAPI *GetAcpiTable)(UINTN Index, VOID **Table, UINT32 *Version, UINTN *Key);
    /* RegisterNotify, Open, OpenSdt, Close, GetChild, GetOption, SetOption, FindPath follow */
} ACPI_SDT_PROTOCOL;

static EFI_GUID acpi_table_guid = { 0xffe06bdd, 0x6107, 0x46a6,
                                    { 0x7b, 0xb2, 0x5a, 0x9c, 0x7e, 0xc5, 0x27, 0x5c } };
static EFI_GUID acpi_sdt_guid = { 0xeb97088e, 0xcfdf, 0x49c6,
                                  { 0xbe, 0x4b, 0xd9, 0x06, 0xa5, 0xb2, 0x0e, 0x86 } };

static ACPI_TABLE_PROTOCOL *table_protocol(void)
{
    ACPI_TABLE_PROTOCOL *p = NULL;
    if (efi_bs->LocateProtocol(&acpi_table_guid, NULL, (void **)&p) != EFI_SUCCESS)
        return NULL;
    return p;
}

static size_t table_len(const uint8_t *t)
{
    return le32(t + 4);
}

/* The XSDT's entry for sig, for a firmware without the SDT protocol. */
static const uint8_t *xsdt_find(const char *sig)
{
    EFI_GUID acpi20 = ACPI_20_TABLE_GUID;
    for (UINTN i = 0; i < efi_st->NumberOfTableEntries; i++) {
        EFI_CONFIGURATION_TABLE *c = &efi_st->ConfigurationTable[i];
        const uint8_t *rsdp = c->VendorTable, *xsdt;
        if (memcmp(&c->VendorGuid, &acpi20, sizeof(acpi20)) != 0)
            continue;
        /* RSDP: "RSD PTR ", revision at 15, XSDT address at 24 (ACPI 2.0 and later) */
        if (memcmp(rsdp, "RSD PTR ", 8) != 0 || rsdp[15] < 2)
            return NULL;
        xsdt = (const uint8_t *)(uintptr_t)le64(rsdp + 24);
        if (!xsdt || memcmp(xsdt, "XSDT", 4) != 0)
            return NULL;
        for (size_t off = 36; off + 8 <= table_len(xsdt); off += 8) {
            const uint8_t *t = (const uint8_t *)(uintptr_t)le64(xsdt + off);
            if (t && memcmp(t, sig, 4) == 0)
                return t;
        }
        return NULL;
    }
    return NULL;
}

int plat_acpi_find(const char *sig, const uint8_t **table, size_t *len, uintptr_t *key,
                   bool *keyed)
{
    ACPI_SDT_PROTOCOL *sdt = NULL;
    const uint8_t *t;
    if (!table_protocol())
        return -ENOTSUP;
    if (efi_bs->LocateProtocol(&acpi_sdt_guid, NULL, (void **)&sdt) == EFI_SUCCESS) {
        for (UINTN i = 0;; i++) {
            VOID *p;
            UINT32 version;
            UINTN k;
            if (sdt->GetAcpiTable(i, &p, &version, &k) != EFI_SUCCESS)
                return -ENOENT;
            if (memcmp(p, sig, 4) == 0) {
                *table = p;
                *len = table_len(p);
                *key = k;
                *keyed = true;
                return 0;
            }
        }
    }
    t = xsdt_find(sig);
    if (!t)
        return -ENOENT;
    *table = t;
    *len = table_len(t);
    *key = 0;
    *keyed = false;
    return 0;
}

int plat_acpi_install(const uint8_t *table, size_t len, uintptr_t *key)
{
    ACPI_TABLE_PROTOCOL *p = table_protocol();
    UINTN k = 0;
    EFI_STATUS st;
    if (!p)
        return -ENOTSUP;
    st = p->InstallAcpiTable(p, (VOID *)table, len, &k);
    if (st != EFI_SUCCESS)
        return EEFI(st);
    *key = k;
    return 0;
}

int plat_acpi_uninstall(uintptr_t key)
{
    ACPI_TABLE_PROTOCOL *p = table_protocol();
    if (!p)
        return -ENOTSUP;
    return EEFI(p->UninstallAcpiTable(p, key));
}
