/*
 * The NFIT hand-off (nfit.h): RAM drives described to the booted OS.
 *
 * Layout (ACPI 6.5 §5.2.26): the 36-byte table header, 4 reserved bytes,
 * then structures, each starting with a 16-bit type and a 16-bit length.
 * A System Physical Address (SPA) Range structure is type 0, 56 bytes:
 *   0 type  2 length  4 range index  6 flags  8 reserved  12 proximity domain
 *  16 range type GUID  32 base  40 length  48 memory mapping attributes
 * Linux (drivers/acpi/nfit) makes a "virtual" range into a region with one
 * namespace, /dev/pmemN, with no label storage and no DIMM behind it.
 *
 * What is installed follows the drive table: nfit_sync() builds the table
 * it should be and replaces the installed one only when the bytes differ,
 * so map and unmap may call it any number of times.
 */
#include "nfit.h"

#include "map.h"

#include "../src/platform.h"
#include "../src/shell.h"

/* Range type GUIDs in their byte order in memory (the first three fields little-endian). */
static const uint8_t guid_vdisk[16] = { /* 77AB535A-45FC-624B-5560-F7B281D1F96E */
                                        0x5A, 0x53, 0xAB, 0x77, 0xFC, 0x45, 0x4B, 0x62,
                                        0x55, 0x60, 0xF7, 0xB2, 0x81, 0xD1, 0xF9, 0x6E };
static const uint8_t guid_vcd[16] = { /* 3D5ABD30-4175-87CE-6D64-D2ADE523C4BB */
                                      0x30, 0xBD, 0x5A, 0x3D, 0x75, 0x41, 0xCE, 0x87,
                                      0x6D, 0x64, 0xD2, 0xAD, 0xE5, 0x23, 0xC4, 0xBB };

#define EFI_MEMORY_WB 0x8ULL /* the RAM is ordinary write-back memory */

static void acpi_header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
    memcpy(t, sig, 4);
    put_le32(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, "MAPBT ", 6);    /* OEM ID */
    memcpy(t + 16, "MAPBOOT ", 8);  /* OEM table ID */
    put_le32(t + 24, 1);            /* OEM revision */
    memcpy(t + 28, "MPBT", 4);      /* creator ID */
    put_le32(t + 32, 1);            /* creator revision */
}

/* The byte at offset 9 makes the whole table sum to zero. */
static void acpi_checksum(uint8_t *t, size_t len)
{
    uint8_t sum = 0;
    t[9] = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + t[i]);
    t[9] = (uint8_t)-sum;
}

int nfit_build(const uint8_t *base, size_t base_len, const struct nfit_range *r, int n,
               uint8_t **out, size_t *len)
{
    size_t body = 0, total;
    unsigned next_index = 1;
    uint8_t *t, *p;
    if (base) {
        /* the firmware's NFIT: walk it so that a bad one is refused, not extended */
        size_t declared = base_len >= 8 ? le32(base + 4) : 0;
        if (base_len < NFIT_HEADER_LEN || memcmp(base, "NFIT", 4) != 0 ||
            declared < NFIT_HEADER_LEN || declared > base_len)
            return shell_error(-EBADIMG, "the firmware's NFIT has a bad header");
        for (size_t off = NFIT_HEADER_LEN; off < declared;) {
            size_t slen = declared - off >= 4 ? le16(base + off + 2) : 0;
            if (slen < 4 || slen > declared - off)
                return shell_error(-EBADIMG, "the firmware's NFIT is malformed at byte %zu",
                                   off);
            if (le16(base + off) == NFIT_SPA_TYPE && slen >= 6 &&
                le16(base + off + 4) >= next_index)
                next_index = le16(base + off + 4) + 1u;
            off += slen;
        }
        body = declared - NFIT_HEADER_LEN;
    }
    /* indices are 16 bits: a firmware index of 0xFFFF leaves none for us */
    if (n < 0 || next_index + (unsigned)n > 0x10000u)
        return shell_error(-E2BIG, "no NFIT range index is left for %d more ranges", n);
    total = NFIT_HEADER_LEN + body + (size_t)n * NFIT_SPA_LEN;
    if (total > UINT32_MAX)
        return shell_error(-E2BIG, "the NFIT would be larger than 4 GiB");
    t = calloc(1, total);
    if (!t)
        return shell_error(-ENOMEM, "no memory for the NFIT");
    if (base)
        memcpy(t, base, NFIT_HEADER_LEN + body); /* keep the firmware's OEM fields */
    else
        acpi_header(t, "NFIT", (uint32_t)total, 1);
    put_le32(t + 4, (uint32_t)total);
    p = t + NFIT_HEADER_LEN + body;
    for (int i = 0; i < n; i++, p += NFIT_SPA_LEN) {
        put_le16(p, NFIT_SPA_TYPE);
        put_le16(p + 2, NFIT_SPA_LEN);
        put_le16(p + 4, (uint16_t)(next_index + (unsigned)i));
        /* flags 0, proximity domain not valid */
        memcpy(p + 16, r[i].cd ? guid_vcd : guid_vdisk, 16);
        put_le64(p + 32, r[i].addr);
        put_le64(p + 40, r[i].size);
        put_le64(p + 48, EFI_MEMORY_WB);
    }
    acpi_checksum(t, total);
    *out = t;
    *len = total;
    return 0;
}

/*
 * DefinitionBlock ("", "SSDT", 2, "MAPBT ", "NVDIMM  ", 1) {
 *     Scope (\_SB) { Device (NVDR) { Name (_HID, "ACPI0012") } }
 * }
 * in AML. Each PkgLength is one byte (the lengths are below 64) and counts
 * itself and what follows it in its package.
 */
static const uint8_t ssdt_aml[] = {
    0x10, 0x1C, '\\', '_', 'S', 'B', '_',              /* ScopeOp, PkgLength 28, \_SB_ */
    0x5B, 0x82, 0x14, 'N', 'V', 'D', 'R',              /* DeviceOp, PkgLength 20, NVDR */
    0x08, '_', 'H', 'I', 'D',                          /* NameOp _HID */
    0x0D, 'A', 'C', 'P', 'I', '0', '0', '1', '2', 0x00 /* StringPrefix "ACPI0012" */
};

const uint8_t *nfit_ssdt(size_t *len)
{
    static uint8_t t[ACPI_HEADER_LEN + sizeof(ssdt_aml)];
    if (!t[0]) {
        acpi_header(t, "SSDT", sizeof(t), 2);
        memcpy(t + 16, "NVDIMM  ", 8);
        memcpy(t + ACPI_HEADER_LEN, ssdt_aml, sizeof(ssdt_aml));
        acpi_checksum(t, sizeof(t));
    }
    *len = sizeof(t);
    return t;
}

/* ---- what is installed ---- */

/*
 * Exactly one NFIT is installed at any time: the firmware's own (base, while
 * base_installed) or ours (cur), which is base's structures plus our ranges.
 * A change installs the new table before it takes the old one away, so a
 * failure anywhere leaves the old one, and the drive flags, as they were.
 */
static struct {
    bool looked;        /* the firmware's own NFIT was looked for */
    bool no_acpi, warned;
    uint8_t *base;      /* a copy of the firmware's NFIT, NULL when it had none */
    size_t base_len;
    bool base_installed, base_keyed; /* still installed; can be uninstalled */
    uintptr_t base_key;
    uint8_t *cur;       /* ours, as installed */
    size_t cur_len;
    uintptr_t cur_key;
    bool ssdt;
    uintptr_t ssdt_key;
} st;

static bool describable(const struct drive *d, const struct drive *gone)
{
    return d != gone && drive_is_mapped(d) && drive_map_ram(d) && !(d->flags & DRIVE_NO_NFIT) &&
           (d->kind == DRIVE_HD || d->kind == DRIVE_FD || d->kind == DRIVE_CD);
}

/* Set DRIVE_NFIT on exactly the drives now described; warn for fake-write ones. */
static void mark(bool described, const struct drive *gone)
{
    for (struct drive *d = drive_first(); d; d = drive_next(d)) {
        bool on = described && describable(d, gone);
        if (on && !(d->flags & DRIVE_NFIT) && (d->flags & DRIVE_FAKE_WRITE))
            shell_warn("%s is described to the OS with its RAM image: what was written to "
                       "its --fake-write overlay stays behind", d->name);
        d->flags = on ? d->flags | DRIVE_NFIT : d->flags & ~DRIVE_NFIT;
    }
}

static int look_for_firmware_nfit(void)
{
    const uint8_t *t;
    size_t len;
    uintptr_t key;
    bool keyed;
    int rc = plat_acpi_find("NFIT", &t, &len, &key, &keyed);
    if (rc == -ENOTSUP) {
        st.no_acpi = true;
    } else if (rc == 0) {
        /* without its copy we would add a second NFIT beside it: better none */
        st.base = malloc(len);
        if (!st.base)
            return shell_error(-ENOMEM, "no memory for a copy of the firmware's NFIT");
        memcpy(st.base, t, len);
        st.base_len = len;
        st.base_key = key;
        st.base_keyed = keyed;
        st.base_installed = true;
    } else if (rc != -ENOENT) {
        return shell_error(rc, "cannot look for the firmware's NFIT: %s", err_str(rc));
    }
    st.looked = true;
    return 0;
}

/* Install t (ours; NULL for none), then take the NFIT installed before away. */
static int replace(uint8_t *t, size_t len)
{
    uintptr_t key = 0;
    int rc;
    if (!st.cur && st.base_installed && !st.base_keyed)
        return shell_error(-ENOTSUP, "the firmware's NFIT cannot be replaced (no ACPI SDT "
                                     "protocol), so it cannot be extended");
    if (t && (rc = plat_acpi_install(t, len, &key)) != 0)
        return shell_error(rc, "cannot install the NFIT: %s", err_str(rc));
    /* two NFITs for a moment, never none: Linux reads only the first it finds */
    if (st.cur || st.base_installed) {
        rc = plat_acpi_uninstall(st.cur ? st.cur_key : st.base_key);
        if (rc) {
            if (t)
                plat_acpi_uninstall(key);
            return shell_error(rc, "cannot remove the NFIT installed before: %s", err_str(rc));
        }
    }
    free(st.cur);
    st.cur = t;
    st.cur_len = len;
    st.cur_key = key;
    st.base_installed = false;
    return 0;
}

/* The SSDT with the ACPI0012 device, once, when the firmware has no NFIT (then none of it). */
static int install_ssdt(void)
{
    size_t slen;
    const uint8_t *s;
    int rc;
    if (st.ssdt || st.base)
        return 0;
    s = nfit_ssdt(&slen);
    rc = plat_acpi_install(s, slen, &st.ssdt_key);
    if (rc)
        return shell_error(rc, "cannot install the SSDT with the NVDIMM root device: %s",
                           err_str(rc));
    st.ssdt = true;
    return 0;
}

int nfit_sync_without(const struct drive *gone)
{
    struct nfit_range *r = NULL;
    uint8_t *t = NULL;
    size_t len = 0;
    int n = 0, max = 0, rc;
    for (struct drive *d = drive_first(); d; d = drive_next(d))
        max += describable(d, gone);
    if (!st.looked && (rc = look_for_firmware_nfit()) != 0)
        return rc;
    if (st.no_acpi) {
        if (max && !st.warned)
            shell_warn("the firmware has no ACPI table protocol: RAM drives are not described "
                       "to the OS (no NFIT)");
        st.warned = st.warned || max;
        mark(false, gone);
        return 0;
    }
    if (!max && !st.cur)
        return 0; /* none of ours, none to add: the firmware's NFIT, if any, stays */
    if (max && !(r = calloc((size_t)max, sizeof(*r))))
        return shell_error(-ENOMEM, "no memory for the NFIT");
    for (struct drive *d = drive_first(); d; d = drive_next(d)) {
        if (!describable(d, gone))
            continue;
        r[n].addr = drive_map_ram(d);
        r[n].size = d->blocks * d->block_size;
        r[n].cd = d->kind == DRIVE_CD;
        n++;
    }
    rc = nfit_build(st.base, st.base_len, r, n, &t, &len);
    free(r);
    if (rc)
        return rc;
    if (!n && st.base) {
        /* none of ours left: the firmware's own table again, as it was */
        free(t);
        t = NULL;
        if ((rc = plat_acpi_install(st.base, st.base_len, &st.base_key)) != 0)
            return shell_error(rc, "cannot give the firmware's NFIT back: %s", err_str(rc));
        if ((rc = plat_acpi_uninstall(st.cur_key)) != 0) {
            plat_acpi_uninstall(st.base_key);
            return shell_error(rc, "cannot remove mapboot's NFIT: %s", err_str(rc));
        }
        free(st.cur);
        st.cur = NULL;
        st.base_installed = st.base_keyed = true;
        mark(false, gone);
        return 0;
    }
    if (st.cur && n && len == st.cur_len && memcmp(t, st.cur, len) == 0) {
        free(t); /* what is installed is right already */
        mark(true, gone);
        return 0;
    }
    /* the OS binds the NFIT through the ACPI0012 device: without it, no table */
    if (n && (rc = install_ssdt()) != 0) {
        free(t);
        return rc;
    }
    rc = replace(n ? t : NULL, len);
    if (rc || !n)
        free(t);
    if (rc)
        return rc;
    mark(n > 0, gone);
    return 0;
}

int nfit_sync(void)
{
    return nfit_sync_without(NULL);
}

void nfit_forget(void)
{
    free(st.base);
    free(st.cur);
    memset(&st, 0, sizeof(st));
}
