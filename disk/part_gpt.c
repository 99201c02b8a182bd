/*
 * GPT partition tables (UEFI spec, "GUID Partition Table Disk Layout").
 *
 * A disk is GPT when block 0 is a protective MBR (an 0xEE entry; a hybrid
 * MBR with other entries too counts). The primary header at LBA 1 and its
 * entry array are checked field by field and by CRC-32; when either is
 * corrupt the backup header is tried (at the primary's AlternateLBA when
 * that header was sane, then at the last block) with one warning. Both bad
 * is an error naming the drive. Partition (hdN,i) is entry i (0-based), so
 * an empty entry keeps its number free, as in grub4dos.
 *
 * Choices where the spec leaves room, each made so that one damaged detail
 * does not hide the rest of a disk:
 * - An entry that ends before it starts, or lies outside the usable range,
 *   is skipped with a warning (as EDK2 does) rather than failing the table.
 * - A primary header whose LastUsableLBA lies past the end of the disk is a
 *   truncated image (a disk image cut after its last used partition, say):
 *   it is accepted with a warning, and the entries past the end are skipped.
 *   Its CRC already shows the header is intact.
 * - AlternateLBA of a valid primary header is not required to be the last
 *   block: an image copied to a larger disk keeps its backup where it was.
 */
#include "drive.h"

#include "../src/crc32.h"
#include "../src/shell.h"

#define GPT_HEADER_MIN 92
#define GPT_ENTRY_MIN 128
#define GPT_MAX_ENTRIES 1024        /* the spec's minimum array is 128; 1024 is generous */
#define GPT_MAX_ARRAY (1u << 20)    /* bytes of entries we are willing to read and hold */
#define GPT_MAX_WARNINGS 8          /* per disk; the rest are counted */

struct gpt_header {
    uint64_t my_lba, alt_lba, first_usable, last_usable, entries_lba;
    uint32_t n_entries, entry_size, entries_crc;
};

/* A checked header with its entry array (malloc'd, n_entries * entry_size bytes). */
struct gpt_table {
    struct gpt_header h;
    uint8_t *entries;
};


/* Block 0 carries the MBR signature and at least one 0xEE (GPT protective) entry. */
static bool protective_mbr(const uint8_t *b)
{
    if (b[510] != 0x55 || b[511] != 0xAA)
        return false;
    for (int i = 0; i < 4; i++)
        if (b[446 + 16 * i + 4] == 0xEE)
            return true;
    return false;
}

/*
 * Check the header in blk, read from block lba, and decode it into *h.
 * Returns NULL when it is sane, else why not (for the message).
 */
static const char *check_header(const struct drive *d, uint8_t *blk, uint64_t lba,
                                struct gpt_header *h, char *why, size_t whylen)
{
    uint32_t size = le32(blk + 12), crc = le32(blk + 16), rev = le32(blk + 8);
    uint64_t array_bytes, array_blocks;
    if (memcmp(blk, "EFI PART", 8) != 0)
        return "no \"EFI PART\" signature";
    if (rev >> 16 != 1) {
        snprintf(why, whylen, "unknown revision 0x%08X", rev);
        return why;
    }
    if (size < GPT_HEADER_MIN || size > d->block_size) {
        snprintf(why, whylen, "bad header size %u", size);
        return why;
    }
    /* the CRC covers the header with its own CRC field taken as zero */
    memset(blk + 16, 0, 4);
    if (crc32_ieee(0, blk, size) != crc)
        return "bad header CRC";
    h->my_lba = le64(blk + 24);
    h->alt_lba = le64(blk + 32);
    h->first_usable = le64(blk + 40);
    h->last_usable = le64(blk + 48);
    h->entries_lba = le64(blk + 72);
    h->n_entries = le32(blk + 80);
    h->entry_size = le32(blk + 84);
    h->entries_crc = le32(blk + 88);
    if (h->my_lba != lba) {
        snprintf(why, whylen, "it says it is at block %llu", (unsigned long long)h->my_lba);
        return why;
    }
    if (h->entry_size < GPT_ENTRY_MIN || h->entry_size % GPT_ENTRY_MIN) {
        snprintf(why, whylen, "bad entry size %u", h->entry_size);
        return why;
    }
    array_bytes = (uint64_t)h->n_entries * h->entry_size;
    if (h->n_entries > GPT_MAX_ENTRIES || array_bytes > GPT_MAX_ARRAY) {
        snprintf(why, whylen, "too many entries (%u of %u bytes)", h->n_entries, h->entry_size);
        return why;
    }
    if (h->first_usable > h->last_usable || h->first_usable == 0 ||
        (lba >= h->first_usable && lba <= h->last_usable)) {
        snprintf(why, whylen, "bad usable range %llu-%llu",
                 (unsigned long long)h->first_usable, (unsigned long long)h->last_usable);
        return why;
    }
    /* a backup sits after its usable range; only a primary may describe a larger disk */
    if (h->last_usable >= d->blocks && lba != 1) {
        snprintf(why, whylen, "usable range ends at %llu, past the disk",
                 (unsigned long long)h->last_usable);
        return why;
    }
    /* the entry array lies on the disk, off block 0, the header and the usable range */
    array_blocks = (array_bytes + d->block_size - 1) / d->block_size;
    if (array_blocks &&
        (h->entries_lba == 0 || h->entries_lba >= d->blocks ||
         array_blocks > d->blocks - h->entries_lba ||
         (lba >= h->entries_lba && lba - h->entries_lba < array_blocks) ||
         (h->entries_lba <= h->last_usable &&
          h->entries_lba + array_blocks > h->first_usable))) {
        snprintf(why, whylen, "entry array at block %llu (%llu blocks) is misplaced",
                 (unsigned long long)h->entries_lba, (unsigned long long)array_blocks);
        return why;
    }
    return NULL;
}

/*
 * Read and check the header at lba and its entry array into *t.
 * Returns 0; -EBADIMG with *why set when either is corrupt (*hdr_ok tells
 * whether the header alone was sane); or a read error (message set).
 */
static int load_table(struct drive *d, uint64_t lba, uint8_t *blk, struct gpt_table *t,
                      bool *hdr_ok, const char **why, char *whybuf, size_t whylen)
{
    uint64_t array_bytes, array_blocks;
    int rc;
    *hdr_ok = false;
    t->entries = NULL;
    if (lba >= d->blocks) {
        *why = "it lies past the end of the disk";
        return -EBADIMG;
    }
    rc = drive_read(d, lba, 1, blk);
    if (rc)
        return rc;
    *why = check_header(d, blk, lba, &t->h, whybuf, whylen);
    if (*why)
        return -EBADIMG;
    *hdr_ok = true;
    array_bytes = (uint64_t)t->h.n_entries * t->h.entry_size;
    array_blocks = (array_bytes + d->block_size - 1) / d->block_size;
    /* at least one byte, so that an empty array still gives a pointer to free */
    t->entries = malloc(array_blocks ? (size_t)(array_blocks * d->block_size) : 1);
    if (!t->entries)
        return shell_error(-ENOMEM, "%s: out of memory for the GPT entries", d->name);
    if (array_blocks) {
        rc = drive_read(d, t->h.entries_lba, array_blocks, t->entries);
        if (rc)
            goto err;
    }
    if (crc32_ieee(0, t->entries, (size_t)array_bytes) != t->h.entries_crc) {
        *why = "bad entry array CRC";
        rc = -EBADIMG;
        goto err;
    }
    return 0;
err:
    free(t->entries);
    t->entries = NULL;
    return rc;
}

static void skip_warn(struct drive *d, int *warned, uint32_t i, const char *fmt,
                      uint64_t a, uint64_t b)
{
    char what[96];
    if (++*warned > GPT_MAX_WARNINGS)
        return;
    snprintf(what, sizeof(what), fmt, (unsigned long long)a, (unsigned long long)b);
    shell_warn("%s: GPT entry %u %s; skipped", d->name, i, what);
}

/* Add a partition for each used entry of t. */
static int add_entries(struct drive *d, const struct gpt_table *t)
{
    static const uint8_t unused[16];
    const struct gpt_header *h = &t->h;
    int warned = 0, rc;
    for (uint32_t i = 0; i < h->n_entries; i++) {
        const uint8_t *e = t->entries + (size_t)i * h->entry_size;
        uint64_t start = le64(e + 32), end = le64(e + 40);
        if (memcmp(e, unused, 16) == 0)
            continue;
        if (end < start) {
            skip_warn(d, &warned, i, "ends (block %llu) before it starts (block %llu)", end,
                      start);
        } else if (start < h->first_usable || end > h->last_usable) {
            skip_warn(d, &warned, i, "(blocks %llu-%llu) lies outside the usable range", start,
                      end);
        } else if (end >= d->blocks) {
            skip_warn(d, &warned, i, "(blocks %llu-%llu) reaches past the end of the disk",
                      start, end);
        } else {
            rc = drive_add_partition(d, (int)i, start, end - start + 1, 0xEE, e);
            if (rc)
                return rc;
        }
    }
    if (warned > GPT_MAX_WARNINGS)
        shell_warn("%s: %d more GPT entries skipped", d->name, warned - GPT_MAX_WARNINGS);
    return 0;
}

/*
 * A hint for when the primary header sits where it would with the other
 * block size: a 4Kn image opened as 512-byte sectors, or the reverse.
 */
static const char *other_block_size(struct drive *d)
{
    uint32_t other = d->block_size == 512 ? 4096 : 512;
    char sig[8];
    if (drive_read_bytes(d, other, sig, sizeof(sig)) != 0 || memcmp(sig, "EFI PART", 8) != 0)
        return "";
    return other == 4096 ? "; it is laid out for 4096-byte blocks"
                         : "; it is laid out for 512-byte blocks";
}

static int gpt_scan(struct drive *d)
{
    struct gpt_table t = { 0 };
    uint64_t backups[2];
    const char *why1, *why2 = NULL;
    char buf1[80], buf2[80];
    bool hdr_ok;
    uint8_t *blk;
    int n = 0, rc;
    /* room for the protective MBR, a header and one entry block at least */
    if (d->blocks < 3 || d->block_size < 512)
        return -ENODEV;
    blk = malloc(d->block_size);
    if (!blk)
        return shell_error(-ENOMEM, "%s: out of memory", d->name);
    rc = drive_read(d, 0, 1, blk);
    if (rc)
        goto out;
    if (!protective_mbr(blk)) {
        rc = -ENODEV;
        goto out;
    }
    rc = load_table(d, 1, blk, &t, &hdr_ok, &why1, buf1, sizeof(buf1));
    if (rc == 0) {
        if (t.h.last_usable >= d->blocks)
            shell_warn("%s: the GPT's usable blocks end at %llu, past the end of the disk "
                       "(%llu blocks): a truncated image?", d->name,
                       (unsigned long long)t.h.last_usable, (unsigned long long)d->blocks);
        goto add;
    }
    if (rc != -EBADIMG)
        goto out;
    /* the backup: where the primary says, when it could be trusted that far, then the last block */
    if (hdr_ok && t.h.alt_lba > 1 && t.h.alt_lba < d->blocks)
        backups[n++] = t.h.alt_lba;
    if (n == 0 || backups[0] != d->blocks - 1)
        backups[n++] = d->blocks - 1;
    for (int i = 0; i < n; i++) {
        rc = load_table(d, backups[i], blk, &t, &hdr_ok, &why2, buf2, sizeof(buf2));
        if (rc == 0) {
            shell_warn("%s: primary GPT header is corrupt (%s), using the backup", d->name, why1);
            goto add;
        }
        if (rc != -EBADIMG)
            goto out;
    }
    rc = shell_error(-EBADIMG, "%s: both GPT headers are corrupt (primary: %s; backup: %s)%s",
                     d->name, why1, why2, other_block_size(d));
    goto out;
add:
    rc = add_entries(d, &t);
out:
    free(t.entries);
    free(blk);
    return rc;
}

PARTMAP(gpt, 10) = { .name = "gpt", .scan = gpt_scan };

/* ---- attributes, for hide and parttype (cmd/partition.c) ---- */

/* The entry of partition idx in the copy of the table whose header is at lba. */
static int load_entry(struct drive *d, uint64_t lba, uint32_t idx, uint8_t *blk,
                      struct gpt_table *t, uint8_t **entry)
{
    const char *why;
    char buf[80];
    bool hdr_ok;
    int rc = load_table(d, lba, blk, t, &hdr_ok, &why, buf, sizeof(buf));
    if (rc == -EBADIMG)
        return shell_error(rc, "%s: the GPT at block %llu is corrupt (%s); it is not changed",
                           d->name, (unsigned long long)lba, why);
    if (rc)
        return rc;
    if (idx >= t->h.n_entries)
        return shell_error(-ENOENT, "%s: the GPT has no entry %u", d->name, idx);
    *entry = t->entries + (size_t)idx * t->h.entry_size;
    return 0;
}

int gpt_get_attr(struct drive *d, int idx, uint64_t *attr)
{
    struct gpt_table t = { 0 };
    uint8_t *blk = malloc(d->block_size), *e;
    int rc = blk ? load_entry(d, 1, (uint32_t)idx, blk, &t, &e) : -ENOMEM;
    if (rc == 0)
        *attr = le64(e + 48);
    free(t.entries);
    free(blk);
    return rc;
}

/*
 * Change the attributes in the copy of the table at lba, with new CRCs:
 * the entry's block first, then the header, each read back and compared.
 * Returns the header's AlternateLBA in *alt.
 */
static int set_attr_copy(struct drive *d, uint64_t lba, uint32_t idx, uint64_t mask,
                         uint64_t value, uint64_t *alt)
{
    struct gpt_table t = { 0 };
    uint32_t bs = d->block_size;
    uint8_t *blk = malloc(2 * (size_t)bs), *e;
    uint64_t off, eblock;
    int rc = blk ? load_entry(d, lba, idx, blk, &t, &e) : -ENOMEM;
    if (rc)
        goto out;
    *alt = t.h.alt_lba;
    put_le64(e + 48, (le64(e + 48) & ~mask) | (value & mask));
    /* the header as read, with its CRC field zeroed by check_header: new CRCs */
    put_le32(blk + 88, crc32_ieee(0, t.entries, (size_t)t.h.n_entries * t.h.entry_size));
    put_le32(blk + 16, crc32_ieee(0, blk, le32(blk + 12)));
    /* an entry never straddles two blocks: entry sizes are multiples of 128 */
    off = (uint64_t)idx * t.h.entry_size;
    eblock = t.h.entries_lba + off / bs;
    rc = drive_write(d, eblock, 1, t.entries + off / bs * bs);
    if (rc == 0)
        rc = drive_read(d, eblock, 1, blk + bs);
    if (rc == 0 && memcmp(blk + bs, t.entries + off / bs * bs, bs) != 0)
        rc = -EIO;
    if (rc == 0)
        rc = drive_write(d, lba, 1, blk);
    if (rc == 0)
        rc = drive_read(d, lba, 1, blk + bs);
    if (rc == 0 && memcmp(blk + bs, blk, bs) != 0)
        rc = -EIO;
    if (rc)
        rc = shell_error(rc, "%s: writing the GPT at block %llu failed: %s", d->name,
                         (unsigned long long)lba, err_str(rc));
out:
    free(t.entries);
    free(blk);
    return rc;
}

int gpt_set_attr(struct drive *d, int idx, uint64_t mask, uint64_t value)
{
    uint64_t alt = 0, alt2;
    /* both copies must be sound before either changes: one changed copy is still a table */
    int rc = set_attr_copy(d, 1, (uint32_t)idx, 0, 0, &alt);
    if (rc == 0 && (alt <= 1 || alt >= d->blocks))
        rc = shell_error(-EBADIMG, "%s: the GPT's backup header is not on the disk (block "
                         "%llu); it is not changed", d->name, (unsigned long long)alt);
    if (rc == 0)
        rc = set_attr_copy(d, alt, (uint32_t)idx, 0, 0, &alt2);
    if (rc == 0)
        rc = set_attr_copy(d, 1, (uint32_t)idx, mask, value, &alt);
    if (rc == 0)
        rc = set_attr_copy(d, alt, (uint32_t)idx, mask, value, &alt2);
    if (rc == 0)
        rc = drive_rescan_partitions(d);
    return rc;
}
