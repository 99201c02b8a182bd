/*
 * The .sbat section: shim (https://github.com/rhboot/shim/blob/main/SBAT.md)
 * refuses a second stage without one, and compares each line's generation
 * with the revocation list in its SbatLevel variable. "mapboot,1" is our
 * generation: raise it when a release fixes a Secure Boot bypass, so that
 * the older, signed binaries can be revoked without revoking the key.
 *
 * The section holds the CSV text and nothing else (no NUL), in its own PE
 * section (efi/mapboot.lds, the Makefile's objcopy -j .sbat). The last field
 * is meant for a home page; mapboot has none yet, so it names the README.
 */
#define SBAT_CSV                                                                   \
    "sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md\n" \
    "mapboot,1,mapboot,mapboot," MAPBOOT_VERSION ",README.md\n"

__attribute__((section(".sbat"), used)) static const char sbat[sizeof(SBAT_CSV) - 1] = SBAT_CSV;
