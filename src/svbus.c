/*
 * The SVBus page (svbus.h): grub4dos drive-map slots for the SVBus driver.
 *
 * A slot, as grub4dos' struct drive_map_slot and SVBus' GRUB4DOS_DRIVE_MAP_SLOT
 * lay it out (24 bytes, little-endian, bit fields from bit 0):
 *
 *   0  from_drive          the BIOS number Windows is to see
 *   1  to_drive            0xFF: the image is in memory
 *   2  max_head            heads - 1
 *   3  max_sector:6, disable_lba:1, read_only:1
 *   4  to_cylinder:13, from_cdrom:1, to_cdrom:1, to_support_lba:1   (16 bits)
 *   6  to_head
 *   7  to_sector:6, fake_write:1, in_situ:1
 *   8  start_sector        64 bits: the physical address / 512 for a memory image
 *  16  sector_count        64 bits: 512-byte sectors, for a cd too
 *
 * SVBus reads from_drive (below 0x80: a floppy), to_drive, from_cdrom,
 * start_sector, sector_count, and max_head + 1 and to_sector for the
 * geometry it reports, dividing by both: to_sector must not be 0. A hard
 * disk is shown one sector short (SVBus takes the last for a VHD footer); a
 * cd has sector_count / 4 blocks of 2048 bytes. The other fields are
 * grub4dos' own (its int 13h emulation); SVBus ignores them.
 */
#include "svbus.h"

#include "../disk/map.h"
#include "shell.h"

#define SLOT_TO_MEMORY 0xFF
#define SLOT_READ_ONLY 0x80      /* byte 3 */
#define SLOT_FROM_CDROM 0x2000   /* the 16 bits at 4 */

static const char sig_int13[16] = "$INT13SFGRUB4DOS";
static const char sig_g4e[8] = "GRUB4EFI";

/*
 * A CHS geometry only for SVBus to divide by (and to report): the standard
 * one of a floppy size, else 255 heads of 63 sectors, as grub4dos for UEFI
 * writes for every drive so that older SVBus builds do not divide by zero.
 */
static void geometry(const struct svbus_disk *d, uint8_t *heads, uint8_t *sectors)
{
    static const struct {
        uint32_t kib;
        uint8_t heads, sectors;
    } floppy[] = {
        { 360, 2, 9 }, { 720, 2, 9 }, { 1200, 2, 15 }, { 1440, 2, 18 }, { 2880, 2, 36 },
    };
    *heads = 255;
    *sectors = 63;
    if (d->cd || d->from_drive >= 0x80)
        return;
    for (size_t i = 0; i < ARRAY_SIZE(floppy); i++)
        if (d->bytes == (uint64_t)floppy[i].kib * 1024) {
            *heads = floppy[i].heads;
            *sectors = floppy[i].sectors;
        }
}

static int check(const struct svbus_disk *d)
{
    if (d->block_size != (d->cd ? 2048u : 512u))
        return -ENOTSUP;
    /* a zero count ends SVBus' list: every slot after it would be lost */
    if (d->bytes == 0 || d->addr % 512 || d->addr + d->bytes < d->addr)
        return -EINVAL;
    return 0;
}

static void put_slot(uint8_t *s, const struct svbus_disk *d)
{
    uint8_t heads, sectors;
    /* whole 2048-byte sectors for a cd, counted in 512-byte ones: SVBus divides by 4 */
    uint64_t count = d->cd ? (d->bytes + 2047) / 2048 * 4 : (d->bytes + 511) / 512;
    geometry(d, &heads, &sectors);
    s[0] = d->from_drive;
    s[1] = SLOT_TO_MEMORY;
    s[2] = (uint8_t)(heads - 1);
    s[3] = (uint8_t)(sectors | (d->read_only ? SLOT_READ_ONLY : 0));
    put_le16(s + 4, d->cd ? SLOT_FROM_CDROM : 0);
    s[6] = (uint8_t)(heads - 1);
    s[7] = sectors;
    put_le64(s + 8, d->addr / 512);
    put_le64(s + 16, count);
}

int svbus_build(uint8_t page[SVBUS_PAGE_SIZE], const struct svbus_disk *d, int n)
{
    int rc;
    /* grub4dos fills a slot per drive whatever their number; a 9th overwrites the signature */
    if (n > SVBUS_MAX_SLOTS)
        return -E2BIG;
    if (n < 0)
        return -EINVAL;
    for (int i = 0; i < n; i++)
        if ((rc = check(&d[i])) != 0)
            return rc;
    memset(page, 0, SVBUS_PAGE_SIZE);
    for (int i = 0; i < n; i++)
        put_slot(page + i * SVBUS_SLOT_SIZE, &d[i]);
    /* grub4dos for UEFI writes "   $INT13SFGRUB4DOS" at 0xE0: the signature lands on 0xE3 */
    memset(page + SVBUS_SIG_OFFSET - 3, ' ', 3);
    memcpy(page + SVBUS_SIG_OFFSET, sig_int13, sizeof(sig_int13));
    /*
     * grub4dos for UEFI keeps its image address at 0x110, which its external
     * programs look up by this name; they give up on the 0 we leave there.
     */
    memcpy(page + SVBUS_G4E_OFFSET, sig_g4e, sizeof(sig_g4e));
    return 0;
}

int svbus_collect(struct svbus_disk *out, int max)
{
    int n = 0;
    for (struct drive *d = drive_first(); d; d = drive_next(d)) {
        /* --no-nfit keeps a drive from the booted OS, by every way we tell it */
        if (!drive_is_mapped(d) || !drive_map_ram(d) || d->number < 0 ||
            (d->flags & DRIVE_NO_NFIT) ||
            (d->kind != DRIVE_HD && d->kind != DRIVE_FD && d->kind != DRIVE_CD))
            continue;
        if (d->block_size != (d->kind == DRIVE_CD ? 2048u : 512u)) {
            shell_warn("%s has %u-byte sectors, which SVBus cannot show: Windows will not "
                       "see it", d->name, (unsigned)d->block_size);
            continue;
        }
        if (drive_map_overlay_blocks(d))
            shell_warn("%s goes to SVBus as its RAM image: what was written to its "
                       "--fake-write overlay stays behind", d->name);
        if (n < max)
            out[n] = (struct svbus_disk){
                .from_drive = (uint8_t)d->number,
                .cd = d->kind == DRIVE_CD,
                .read_only = (d->flags & DRIVE_READ_ONLY) != 0,
                .addr = drive_map_ram(d),
                .bytes = drive_bytes(d),
                .block_size = d->block_size,
            };
        n++;
    }
    return n;
}
