/*
 * Editing MBR partition tables (disk/part_edit.c), for cmd/partition.c.
 */
#ifndef MB_PART_EDIT_H
#define MB_PART_EDIT_H

#include "drive.h"

#define MBR_TABLE 446 /* the four 16-byte entries start here in block 0 and in an EBR */

/*
 * Change block lba of whole drive disk (block 0 or an EBR): change() edits
 * a copy and returns 0, or a negative error to give up. A copy that is no
 * longer a table is refused; the block is then written, read back and
 * compared (the old one is put back on failure), and disk's partitions are
 * read again. Nothing is written when change() left the block as it was.
 */
int mbr_edit(struct drive *disk, uint64_t lba, int (*change)(uint8_t *blk, void *ctx),
             void *ctx);

/* An MBR type that is an extended partition (a chain of EBRs): 0x05, 0x0F, 0x85. */
static inline bool mbr_is_extended(uint8_t type)
{
    return type == 0x05 || type == 0x0F || type == 0x85;
}

/* The 3-byte CHS address of block lba (255 heads, 63 sectors; 1023/254/63 beyond). */
void mbr_chs(uint8_t out[3], uint64_t lba);

/*
 * GPT entry attributes (disk/part_gpt.c). gpt_set_attr changes the bits in
 * mask of partition idx's attributes to value's, in the primary and backup
 * tables with new CRCs, each block read back; both must be sound first.
 */
int gpt_get_attr(struct drive *d, int idx, uint64_t *attr);
int gpt_set_attr(struct drive *d, int idx, uint64_t mask, uint64_t value);

#endif
