/*
 * Describing RAM drives to the booted OS (DESIGN.md §3): an ACPI NFIT with
 * one SPA-range structure per `map --mem` drive, typed "virtual disk" or
 * "virtual CD", and an SSDT with an ACPI0012 device, the NVDIMM root that
 * Linux binds its nfit driver to. Linux then shows each range as
 * /dev/pmemN (modules nfit, libnvdimm, nd_pmem).
 *
 * The table bytes are built here, in the core, so the host tests check
 * them; the platform only installs and uninstalls tables (src/platform.h).
 * We never use the firmware's RAM-disk protocol: our BlockIo keeps its
 * semantics (--read-only, --fake-write), and most firmware lacks it.
 */
#ifndef MB_NFIT_H
#define MB_NFIT_H

#include "drive.h"

#define ACPI_HEADER_LEN 36
#define NFIT_HEADER_LEN 40 /* the ACPI header and 4 reserved bytes */
#define NFIT_SPA_TYPE 0
#define NFIT_SPA_LEN 56

struct nfit_range {
    uint64_t addr, size;
    bool cd;
};

/*
 * A whole NFIT: base's structures (the firmware's own NFIT, whole, or NULL)
 * followed by one SPA range for each of r[0..n), indexed after base's
 * highest SPA index. Returns 0 with a malloc'd, checksummed table in *out,
 * or an error with a message: -EBADIMG when base is malformed, -E2BIG when
 * no 16-bit range index is left, -ENOMEM.
 */
int nfit_build(const uint8_t *base, size_t base_len, const struct nfit_range *r, int n,
               uint8_t **out, size_t *len);
/* The SSDT holding Device(\_SB.NVDR) with _HID "ACPI0012", checksummed. */
const uint8_t *nfit_ssdt(size_t *len);

/*
 * Make the installed tables describe exactly the RAM drives of the table
 * (RAM-backed, kind hd/fd/cd, not --no-nfit) and set DRIVE_NFIT on each of
 * them. map and unmap call it; calling it again changes nothing. Without
 * ACPI it warns once and returns 0: a drive is then only mapboot's.
 */
int nfit_sync(void);
/*
 * The same as if gone were not in the table: unmap calls it before it frees
 * the drive's RAM, and keeps the drive when it fails (the OS would be told
 * of freed memory). On any error the installed tables and the DRIVE_NFIT
 * flags stay as they were.
 */
int nfit_sync_without(const struct drive *gone);
/* For tests: forget what was installed (the platform's tables were reset too). */
void nfit_forget(void);

#endif
