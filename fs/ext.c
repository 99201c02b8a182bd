/*
 * ext2, ext3 and ext4, read-only: Linux root and /boot partitions and the
 * images made of them (mke2fs -d).
 *
 * The superblock at byte 1024 gives the block size (1 KiB to 64 KiB), the
 * inode size and the feature flags; incompatible features this driver does
 * not understand (compression, an external journal device, dirdata, unknown
 * bits) are refused with a message naming them. Group descriptors are 32
 * bytes, or s_desc_size with the 64bit feature, found after the superblock
 * or, with meta_bg, in the first group of each meta group. Checksums
 * (metadata_csum, gdt_csum) are not checked and the journal is not replayed.
 *
 * A file's blocks come from the classic block map (12 direct pointers, then
 * single, double and triple indirect blocks; 0 is a hole) or from an extent
 * tree of at most 5 levels; either way open() turns them into a list of byte
 * runs (holes and uninitialized extents are FS_EXTENT_HOLE and read as
 * zeros), which read() serves with one drive read per run and extents()
 * hands out. Small files and directories may live in the inode itself
 * (inline_data: i_block plus the "system.data" extended attribute).
 *
 * Directories are read as a linear list of entries, block by block: the
 * internal nodes of an htree look like one empty entry that spans a block,
 * so they are skipped like any deleted entry. Lookup is case-sensitive, as
 * ext is; when no name matches exactly, a name that differs only in ASCII
 * case is taken if exactly one entry matches so, because grub4dos users type
 * paths in any case. Paths are walked by fs_walk (fs.c), which follows
 * symbolic links (relative or absolute targets, at most FS_SYMLINKS_MAX of
 * them: -ELOOP).
 *
 * Every on-disk value is checked: block numbers against the volume size and
 * the volume size against the media, rec_len inside its block, extent
 * headers, depths and logical order, and the number of runs and directory
 * bytes a hostile image can make us hold or read.
 */
#include "fs.h"

#include "../src/err.h"
#include "../src/shell.h"

#define EXT_SB_OFF 1024u
#define EXT_MAGIC 0xEF53u
#define EXT_ROOT_INO 2u
#define EXT_NDIR 12u                   /* direct block pointers */
#define EXT_IBLOCK_SIZE 60u            /* i_block: block map, extent root, inline data */
#define EXT_EXTENT_DEPTH_MAX 5
#define EXT_EXTENT_NODES_MAX 65536     /* tree nodes visited per file */
#define EXT_RUNS_MAX (1u << 20)        /* runs per file: 24 MiB of list */
#define EXT_DIR_MAX (64u << 20)        /* directory bytes read per lookup */
#define EXT_DIR_CHUNK (64u << 10)      /* directory bytes read at once */
#define EXT_LINK_MAX FS_LINK_MAX       /* a symlink target */

/* superblock fields */
#define SB_INODES_COUNT 0
#define SB_BLOCKS_LO 4
#define SB_FIRST_DATA_BLOCK 20
#define SB_LOG_BLOCK_SIZE 24
#define SB_BLOCKS_PER_GROUP 32
#define SB_INODES_PER_GROUP 40
#define SB_MAGIC 56
#define SB_REV_LEVEL 76
#define SB_INODE_SIZE 88
#define SB_COMPAT 92
#define SB_INCOMPAT 96
#define SB_RO_COMPAT 100
#define SB_UUID 104
#define SB_VOLUME_NAME 120
#define SB_DESC_SIZE 254
#define SB_FIRST_META_BG 260
#define SB_BLOCKS_HI 336

#define COMPAT_HAS_JOURNAL 0x0004u
#define INCOMPAT_COMPRESSION 0x0001u
#define INCOMPAT_FILETYPE 0x0002u
#define INCOMPAT_RECOVER 0x0004u
#define INCOMPAT_JOURNAL_DEV 0x0008u
#define INCOMPAT_META_BG 0x0010u
#define INCOMPAT_EXTENTS 0x0040u
#define INCOMPAT_64BIT 0x0080u
#define INCOMPAT_MMP 0x0100u
#define INCOMPAT_FLEX_BG 0x0200u
#define INCOMPAT_EA_INODE 0x0400u
#define INCOMPAT_DIRDATA 0x1000u
#define INCOMPAT_CSUM_SEED 0x2000u
#define INCOMPAT_LARGEDIR 0x4000u
#define INCOMPAT_INLINE_DATA 0x8000u
#define INCOMPAT_ENCRYPT 0x10000u
#define INCOMPAT_CASEFOLD 0x20000u
#define INCOMPAT_KNOWN                                                                           \
    (INCOMPAT_FILETYPE | INCOMPAT_RECOVER | INCOMPAT_META_BG | INCOMPAT_EXTENTS |                \
     INCOMPAT_64BIT | INCOMPAT_MMP | INCOMPAT_FLEX_BG | INCOMPAT_EA_INODE | INCOMPAT_CSUM_SEED | \
     INCOMPAT_LARGEDIR | INCOMPAT_INLINE_DATA | INCOMPAT_ENCRYPT | INCOMPAT_CASEFOLD)
/* features only ext4 sets (mkfs.ext4: extent, 64bit, flex_bg, huge_file, dir_nlink, ...) */
#define INCOMPAT_EXT4                                                                           \
    (INCOMPAT_EXTENTS | INCOMPAT_64BIT | INCOMPAT_FLEX_BG | INCOMPAT_MMP | INCOMPAT_CSUM_SEED |  \
     INCOMPAT_LARGEDIR | INCOMPAT_INLINE_DATA | INCOMPAT_EA_INODE | INCOMPAT_ENCRYPT |          \
     INCOMPAT_CASEFOLD)
#define RO_COMPAT_EXT4 (0x0008u | 0x0010u | 0x0020u | 0x0040u | 0x0400u)

/* group descriptor and inode fields */
#define GD_INODE_TABLE_LO 8
#define GD_INODE_TABLE_HI 40
#define IN_MODE 0
#define IN_SIZE_LO 4
#define IN_FLAGS 32
#define IN_BLOCK 40
#define IN_SIZE_HI 108
#define IN_EXTRA_ISIZE 128
#define IN_GOOD_OLD_SIZE 128u

#define S_IFMT 0xF000u
#define S_IFDIR 0x4000u
#define S_IFREG 0x8000u
#define S_IFLNK 0xA000u

#define FL_ENCRYPT 0x800u
#define FL_EXTENTS 0x80000u
#define FL_INLINE_DATA 0x10000000u

#define EH_MAGIC 0xF30Au
#define XATTR_MAGIC 0xEA020000u
#define XATTR_INDEX_SYSTEM 7

struct ext_vol {
    uint32_t block_size;
    uint32_t inode_size;
    uint32_t inodes_per_group, blocks_per_group;
    uint32_t inodes_count, groups;
    uint32_t desc_size;
    uint32_t first_data_block;
    uint32_t first_meta_bg;
    uint32_t incompat;
    bool sparse_super;                 /* superblock backups only in groups 0, 1, 3^n, 5^n, 7^n */
    uint64_t blocks_count;
    char label[16 * 3 + 1];
    uint8_t uuid[16];
    /* one cached block each of group descriptors and of an inode table */
    uint64_t gd_blk, it_blk;
    uint8_t *gd_buf, *it_buf;
};

/* An inode, decoded. */
struct ext_inode {
    uint32_t ino;
    uint16_t mode;
    uint32_t flags;
    uint64_t size;
    uint8_t block[EXT_IBLOCK_SIZE];
    uint8_t *raw;                      /* the whole on-disk inode (inode_size bytes) */
};

struct ext_file {
    struct fs_file f;
    uint32_t ino;
    struct fs_extent *runs;            /* block-mapped data, covering [0, size) */
    size_t nruns, cap;
    uint8_t *inline_data;              /* or the bytes themselves (inline_data) */
    size_t inline_len;
    char *path;                        /* directories opened by path: for symlinks in them */
    /* directories: the readdir cursor and a window of the directory's bytes */
    uint64_t pos;
    uint8_t *chunk;
    uint64_t chunk_off;
    size_t chunk_len;
};

static bool is_pow2(uint32_t v) { return v && !(v & (v - 1)); }

/* 0 when blocks [blk, blk + n) are on the volume, else -EBADIMG naming what. */
static int check_blocks(struct fs_volume *vol, const char *what, uint32_t ino, uint64_t blk,
                        uint64_t n)
{
    struct ext_vol *ev = vol->priv;
    if (blk < ev->blocks_count && n <= ev->blocks_count - blk)
        return 0;
    return shell_error(-EBADIMG, "%s: ext inode %u: %s at block %llu (+%llu) is past the end of "
                       "the volume (%llu blocks)", vol->dev, ino, what, (unsigned long long)blk,
                       (unsigned long long)n, (unsigned long long)ev->blocks_count);
}

/* Read block blk through a one-block cache; *out points into the cache. */
static int cached_block(struct fs_volume *vol, uint64_t *tag, uint8_t *buf, uint64_t blk,
                        const uint8_t **out)
{
    struct ext_vol *ev = vol->priv;
    if (*tag != blk) {
        int rc;
        if (!vol->drive)
            return -ENODEV;
        *tag = UINT64_MAX;
        rc = drive_read_bytes(vol->drive, blk * ev->block_size, buf, ev->block_size);
        if (rc)
            return rc;
        *tag = blk;
    }
    *out = buf;
    return 0;
}

/* Whether group g holds a superblock backup (sparse_super: 0, 1 and powers of 3, 5, 7). */
static bool group_has_super(uint32_t g)
{
    if (g <= 1)
        return true;
    for (uint32_t b = 3; b <= 7; b += 2) {
        uint64_t p = b;
        while (p < g)
            p *= b;
        if (p == g)
            return true;
    }
    return false;
}

/* The first block of group g's inode table. */
static int inode_table(struct fs_volume *vol, uint32_t g, uint64_t *out)
{
    struct ext_vol *ev = vol->priv;
    uint32_t per_block = ev->block_size / ev->desc_size;
    uint64_t blk;
    const uint8_t *buf = NULL, *gd;
    int rc;
    if ((ev->incompat & INCOMPAT_META_BG) && g / per_block >= ev->first_meta_bg) {
        /* meta_bg: a group's descriptor block is the first block of its meta group (after
         * the superblock backup there, which sparse_super may leave out) */
        uint64_t first = (uint64_t)(g / per_block) * per_block;
        blk = ev->first_data_block + first * ev->blocks_per_group +
              (!ev->sparse_super || group_has_super((uint32_t)first));
    } else {
        /* the block after the superblock's (bigalloc with 1 KiB blocks has first_data_block 0) */
        blk = EXT_SB_OFF / ev->block_size + 1 + g / per_block;
    }
    if (blk >= ev->blocks_count)
        return shell_error(-EBADIMG, "%s: ext group descriptor of group %u at block %llu is past "
                           "the end of the volume", vol->dev, g, (unsigned long long)blk);
    rc = cached_block(vol, &ev->gd_blk, ev->gd_buf, blk, &buf);
    if (rc)
        return rc;
    gd = buf + (g % per_block) * ev->desc_size;
    *out = le32(gd + GD_INODE_TABLE_LO);
    if ((ev->incompat & INCOMPAT_64BIT) && ev->desc_size >= 64)
        *out |= (uint64_t)le32(gd + GD_INODE_TABLE_HI) << 32;
    return 0;
}

/* Read inode ino into *in (in->raw must hold inode_size bytes). */
static int read_inode(struct fs_volume *vol, uint32_t ino, struct ext_inode *in)
{
    struct ext_vol *ev = vol->priv;
    uint32_t g, idx, per_block = ev->block_size / ev->inode_size;
    uint64_t table = 0, blk;
    const uint8_t *buf = NULL;
    int rc;
    if (ino == 0 || ino > ev->inodes_count)
        return shell_error(-EBADIMG, "%s: ext inode number %u is out of range (1-%u)", vol->dev,
                           ino, ev->inodes_count);
    g = (ino - 1) / ev->inodes_per_group;
    idx = (ino - 1) % ev->inodes_per_group;
    rc = inode_table(vol, g, &table);
    if (rc)
        return rc;
    blk = table + idx / per_block;
    if (table >= ev->blocks_count || blk >= ev->blocks_count)
        return shell_error(-EBADIMG, "%s: ext inode %u: its inode table block %llu is past the "
                           "end of the volume", vol->dev, ino, (unsigned long long)blk);
    rc = cached_block(vol, &ev->it_blk, ev->it_buf, blk, &buf);
    if (rc)
        return rc;
    memcpy(in->raw, buf + (idx % per_block) * ev->inode_size, ev->inode_size);
    in->ino = ino;
    in->mode = le16(in->raw + IN_MODE);
    in->flags = le32(in->raw + IN_FLAGS);
    in->size = le32(in->raw + IN_SIZE_LO) | (uint64_t)le32(in->raw + IN_SIZE_HI) << 32;
    memcpy(in->block, in->raw + IN_BLOCK, EXT_IBLOCK_SIZE);
    return 0;
}

/* ---- runs: a file's bytes as a list of (file offset, disk offset, length) ---- */

/* Append blocks [lblk, lblk + n) at physical pblk (or a hole: FS_EXTENT_HOLE), merged. */
static int add_run(struct fs_volume *vol, struct ext_file *f, uint64_t pblk, uint64_t n)
{
    struct ext_vol *ev = vol->priv;
    uint64_t bs = ev->block_size, len = n * bs;
    uint64_t disk = pblk == FS_EXTENT_HOLE ? FS_EXTENT_HOLE : pblk * bs;
    struct fs_extent *last = f->nruns ? &f->runs[f->nruns - 1] : NULL;
    uint64_t file_off = last ? last->file_off + last->len : 0;
    if (n == 0)
        return 0;
    if (last && ((disk == FS_EXTENT_HOLE && last->disk_off == FS_EXTENT_HOLE) ||
                 (disk != FS_EXTENT_HOLE && last->disk_off != FS_EXTENT_HOLE &&
                  last->disk_off + last->len == disk))) {
        last->len += len;
        return 0;
    }
    if (f->nruns == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 8;
        struct fs_extent *r;
        if (f->nruns >= EXT_RUNS_MAX)
            return shell_error(-EBADIMG, "%s: ext inode %u has more than %u fragments",
                               vol->dev, f->ino, EXT_RUNS_MAX);
        r = realloc(f->runs, cap * sizeof(*r));
        if (!r)
            return -ENOMEM;
        f->runs = r;
        f->cap = cap;
    }
    f->runs[f->nruns].file_off = file_off;
    f->runs[f->nruns].disk_off = disk;
    f->runs[f->nruns].len = len;
    f->nruns++;
    return 0;
}

/* Bytes covered by the runs so far, in blocks. */
static uint64_t runs_blocks(struct fs_volume *vol, const struct ext_file *f)
{
    struct ext_vol *ev = vol->priv;
    const struct fs_extent *last = f->nruns ? &f->runs[f->nruns - 1] : NULL;
    return last ? (last->file_off + last->len) / ev->block_size : 0;
}

/*
 * One block-map pointer at level (0 = a data block, 1-3 = indirect) covering
 * logical blocks from runs_blocks() on, at most *left of them.
 */
static int map_walk(struct fs_volume *vol, struct ext_file *f, uint32_t ptr, int level,
                    uint64_t *left)
{
    struct ext_vol *ev = vol->priv;
    uint32_t per = ev->block_size / 4;
    uint64_t span = 1;
    uint8_t *buf;
    int rc = 0;
    for (int i = 0; i < level; i++)
        span *= per;
    span = MIN(span, *left);
    if (ptr == 0) {
        *left -= span;
        return add_run(vol, f, FS_EXTENT_HOLE, span);
    }
    rc = check_blocks(vol, level ? "an indirect block" : "a data block", f->ino, ptr, 1);
    if (rc)
        return rc;
    if (level == 0) {
        *left -= 1;
        return add_run(vol, f, ptr, 1);
    }
    buf = malloc(ev->block_size);
    if (!buf)
        return -ENOMEM;
    rc = drive_read_bytes(vol->drive, (uint64_t)ptr * ev->block_size, buf, ev->block_size);
    for (uint32_t i = 0; !rc && i < per && *left; i++)
        rc = map_walk(vol, f, le32(buf + 4 * i), level - 1, left);
    free(buf);
    return rc;
}

/* The runs of a block-mapped inode: nblocks logical blocks. */
static int map_runs(struct fs_volume *vol, struct ext_file *f, const struct ext_inode *in,
                    uint64_t nblocks)
{
    uint64_t left = nblocks;
    int rc = 0;
    for (uint32_t i = 0; !rc && i < EXT_NDIR + 3 && left; i++)
        rc = map_walk(vol, f, le32(in->block + 4 * i), i < EXT_NDIR ? 0 : (int)(i - EXT_NDIR + 1),
                      &left);
    if (!rc && left)
        rc = add_run(vol, f, FS_EXTENT_HOLE, left); /* past what a block map can address */
    return rc;
}

struct extent_walk {
    uint64_t nblocks;                  /* logical blocks of the file */
    uint64_t path[EXT_EXTENT_DEPTH_MAX + 1];
    uint32_t nodes;
};

/* One extent tree node (size bytes at node) of depth `depth`; blk is its block (0: the inode). */
static int extent_node(struct fs_volume *vol, struct ext_file *f, struct extent_walk *w,
                       const uint8_t *node, size_t size, int depth, int level)
{
    struct ext_vol *ev = vol->priv;
    uint16_t entries = le16(node + 2), max = le16(node + 4), d = le16(node + 6);
    int rc = 0;
    if (le16(node) != EH_MAGIC || d != depth || max < entries || 12 + (size_t)entries * 12 > size)
        return shell_error(-EBADIMG, "%s: ext inode %u: extent node at level %d is corrupt "
                           "(magic %04x, %u of %u entries, depth %u, expected %d)", vol->dev,
                           f->ino, level, le16(node), entries, max, d, depth);
    if (++w->nodes > EXT_EXTENT_NODES_MAX)
        return shell_error(-EBADIMG, "%s: ext inode %u: extent tree has more than %u nodes",
                           vol->dev, f->ino, EXT_EXTENT_NODES_MAX);
    for (uint16_t i = 0; i < entries && !rc; i++) {
        const uint8_t *e = node + 12 + 12 * i;
        uint64_t lblk = le32(e), done = runs_blocks(vol, f);
        if (lblk >= w->nblocks)
            break; /* past the end of the file (preallocated): not part of it */
        if (lblk < done)
            return shell_error(-EBADIMG, "%s: ext inode %u: extent for block %llu overlaps the "
                               "one before (out of order or a loop)", vol->dev, f->ino,
                               (unsigned long long)lblk);
        if (depth == 0) {
            uint32_t len = le16(e + 4);
            bool uninit = len > 32768;
            uint64_t start = le32(e + 8) | (uint64_t)le16(e + 6) << 32;
            if (uninit)
                len -= 32768;
            rc = add_run(vol, f, FS_EXTENT_HOLE, lblk - done);
            if (rc)
                break;
            len = (uint32_t)MIN((uint64_t)len, w->nblocks - lblk);
            rc = check_blocks(vol, "an extent", f->ino, start, len);
            if (!rc)
                rc = add_run(vol, f, uninit ? FS_EXTENT_HOLE : start, len);
        } else {
            uint64_t child = le32(e + 4) | (uint64_t)le16(e + 8) << 32;
            uint8_t *buf;
            for (int k = 0; k < level; k++)
                if (w->path[k] == child)
                    return shell_error(-ELOOP, "%s: ext inode %u: extent tree loops (block %llu "
                                       "is its own ancestor)", vol->dev, f->ino,
                                       (unsigned long long)child);
            rc = check_blocks(vol, "an extent index block", f->ino, child, 1);
            if (rc)
                break;
            buf = malloc(ev->block_size);
            if (!buf)
                return -ENOMEM;
            rc = drive_read_bytes(vol->drive, child * ev->block_size, buf, ev->block_size);
            w->path[level] = child;
            if (!rc)
                rc = extent_node(vol, f, w, buf, ev->block_size, depth - 1, level + 1);
            free(buf);
        }
    }
    return rc;
}

static int extent_runs(struct fs_volume *vol, struct ext_file *f, const struct ext_inode *in,
                       uint64_t nblocks)
{
    struct extent_walk w = { .nblocks = nblocks };
    uint16_t depth = le16(in->block + 6);
    int rc;
    if (depth > EXT_EXTENT_DEPTH_MAX)
        return shell_error(-EBADIMG, "%s: ext inode %u: extent tree depth %u is over %d",
                           vol->dev, f->ino, depth, EXT_EXTENT_DEPTH_MAX);
    w.path[0] = 0;
    rc = extent_node(vol, f, &w, in->block, EXT_IBLOCK_SIZE, depth, 0);
    if (!rc)
        rc = add_run(vol, f, FS_EXTENT_HOLE, nblocks - runs_blocks(vol, f));
    return rc;
}

/*
 * The value of the in-inode extended attribute system.data (inline data past
 * i_block): *val points into in->raw, or NULL with *len 0 when there is none.
 */
static int inline_xattr(struct fs_volume *vol, const struct ext_inode *in, const uint8_t **val,
                        size_t *len)
{
    struct ext_vol *ev = vol->priv;
    size_t isz = ev->inode_size, off, base;
    *val = NULL;
    *len = 0;
    if (isz <= IN_GOOD_OLD_SIZE + 4)
        return 0;
    off = IN_GOOD_OLD_SIZE + le16(in->raw + IN_EXTRA_ISIZE);
    if (off + 4 > isz || le32(in->raw + off) != XATTR_MAGIC)
        return 0;
    base = off + 4;
    for (size_t e = base; e + 16 <= isz && le32(in->raw + e);) {
        const uint8_t *p = in->raw + e;
        uint8_t nlen = p[0], index = p[1];
        size_t voff = le16(p + 2), vsize = le32(p + 8);
        if (e + 16 + nlen > isz)
            break;
        if (index == XATTR_INDEX_SYSTEM && nlen == 4 && memcmp(p + 16, "data", 4) == 0) {
            if (le32(p + 4) || base + voff > isz || vsize > isz - base - voff)
                return shell_error(-EBADIMG, "%s: ext inode %u: its inline data attribute is "
                                   "corrupt", vol->dev, in->ino);
            *val = in->raw + base + voff;
            *len = vsize;
            return 0;
        }
        e += (16 + nlen + 3) & ~(size_t)3;
    }
    return 0;
}

/* Set up f's data: inline bytes, or the runs of its blocks. */
static int file_data(struct fs_volume *vol, struct ext_file *f, const struct ext_inode *in)
{
    struct ext_vol *ev = vol->priv;
    uint64_t nblocks = in->size / ev->block_size + (in->size % ev->block_size != 0);
    if (in->flags & FL_ENCRYPT)
        return shell_error(-ENOTSUP, "%s: ext inode %u is encrypted", vol->dev, in->ino);
    /* 2^32 blocks is ext4's limit (and more than a block map reaches) */
    if (nblocks > UINT32_MAX)
        return shell_error(-EBADIMG, "%s: ext inode %u: size %llu is over the limit of %u-byte "
                           "blocks", vol->dev, in->ino, (unsigned long long)in->size,
                           ev->block_size);
    if (in->flags & FL_INLINE_DATA) {
        const uint8_t *x;
        size_t xlen;
        int rc = inline_xattr(vol, in, &x, &xlen);
        if (rc)
            return rc;
        f->inline_data = malloc(EXT_IBLOCK_SIZE + xlen + 1);
        if (!f->inline_data)
            return -ENOMEM;
        memcpy(f->inline_data, in->block, EXT_IBLOCK_SIZE);
        if (xlen)
            memcpy(f->inline_data + EXT_IBLOCK_SIZE, x, xlen);
        f->inline_len = EXT_IBLOCK_SIZE + xlen;
        if (in->size > f->inline_len)
            return shell_error(-EBADIMG, "%s: ext inode %u: inline file of %llu bytes holds only "
                               "%zu", vol->dev, in->ino, (unsigned long long)in->size,
                               f->inline_len);
        return 0;
    }
    if (in->flags & FL_EXTENTS)
        return extent_runs(vol, f, in, nblocks);
    return map_runs(vol, f, in, nblocks);
}

/* ---- directories ---- */

/*
 * A pointer to the directory bytes at f->pos and how many follow up to the
 * end of its block (or inline region): 1, 0 at the end, or an error. Holes
 * are skipped.
 */
static int dir_window(struct fs_volume *vol, struct ext_file *f, const uint8_t **p, size_t *avail)
{
    struct ext_vol *ev = vol->priv;
    uint64_t bs = ev->block_size;
    if (f->inline_data) {
        /* the parent's inode number, then entries to byte 60, then the attribute's */
        size_t end;
        if (f->pos < 4)
            f->pos = 4;
        if (f->pos >= f->inline_len)
            return 0;
        end = f->pos < EXT_IBLOCK_SIZE ? EXT_IBLOCK_SIZE : f->inline_len;
        *p = f->inline_data + f->pos;
        *avail = end - (size_t)f->pos;
        return 1;
    }
    for (;;) {
        uint64_t blk_start = f->pos - f->pos % bs;
        if (f->pos >= f->f.size)
            return 0;
        if (f->pos >= EXT_DIR_MAX)
            return shell_error(-EBADIMG, "%s: ext directory inode %u is over %u MiB",
                               vol->dev, f->ino, EXT_DIR_MAX >> 20);
        if (!f->chunk || blk_start < f->chunk_off || f->pos >= f->chunk_off + f->chunk_len) {
            /* load the run around pos, from its block on, up to EXT_DIR_CHUNK */
            size_t lo = 0, hi = f->nruns;
            const struct fs_extent *r;
            uint64_t in, n;
            int rc;
            while (lo + 1 < hi) {
                size_t mid = (lo + hi) / 2;
                if (f->runs[mid].file_off <= blk_start)
                    lo = mid;
                else
                    hi = mid;
            }
            if (lo >= f->nruns)
                return 0;
            r = &f->runs[lo];
            in = blk_start - r->file_off;
            if (r->disk_off == FS_EXTENT_HOLE) {
                f->pos = r->file_off + r->len;
                continue;
            }
            n = MIN(r->len - in, (uint64_t)MAX(EXT_DIR_CHUNK, ev->block_size));
            if (!f->chunk) {
                f->chunk = malloc(MAX(EXT_DIR_CHUNK, ev->block_size));
                if (!f->chunk)
                    return -ENOMEM;
            }
            if (!vol->drive)
                return -ENODEV;
            f->chunk_len = 0;
            rc = drive_read_bytes(vol->drive, r->disk_off + in, f->chunk, (size_t)n);
            if (rc)
                return rc;
            f->chunk_off = blk_start;
            f->chunk_len = (size_t)n;
        }
        *p = f->chunk + (f->pos - f->chunk_off);
        *avail = (size_t)(MIN(blk_start + bs, f->f.size) - f->pos);
        return 1;
    }
}

/* The next live entry of directory f: 1 with ino, type and name (NUL-terminated), 0, or error. */
static int dir_next(struct fs_volume *vol, struct ext_file *f, uint32_t *ino, uint8_t *type,
                    char name[256])
{
    for (;;) {
        const uint8_t *p = NULL;
        size_t avail = 0;
        uint16_t rec_len;
        int rc = dir_window(vol, f, &p, &avail);
        if (rc <= 0)
            return rc;
        rec_len = avail >= 8 ? le16(p + 4) : 0;
        if (avail < 8 || rec_len < 8 || rec_len % 4 || rec_len > avail || 8u + p[6] > rec_len)
            return shell_error(-EBADIMG, "%s: ext directory inode %u: entry at byte %llu is "
                               "corrupt (rec_len %u, name length %u, %zu bytes left in its "
                               "block)", vol->dev, f->ino, (unsigned long long)f->pos, rec_len,
                               avail >= 8 ? p[6] : 0, avail);
        f->pos += rec_len;
        *ino = le32(p);
        if (*ino == 0 || p[6] == 0)
            continue; /* deleted, an htree node, or a checksum tail */
        *type = p[7];
        /* NUL and '/' could not be looked up or listed: they become '_' (both ways) */
        for (int i = 0; i < p[6]; i++)
            name[i] = p[8 + i] == 0 || p[8 + i] == '/' ? '_' : (char)p[8 + i];
        name[p[6]] = 0;
        return 1;
    }
}

static bool is_dot(const char *name)
{
    return name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2]));
}

/* Open inode ino as a file (data set up); *out to free with ext_close. */
static int open_inode(struct fs_volume *vol, struct ext_inode *in, struct ext_file **out)
{
    struct ext_file *f = calloc(1, sizeof(*f));
    int rc;
    if (!f)
        return -ENOMEM;
    f->ino = in->ino;
    f->f.vol = vol;
    f->f.priv = f;
    f->f.size = in->size;
    f->f.is_dir = (in->mode & S_IFMT) == S_IFDIR;
    rc = file_data(vol, f, in);
    if (rc) {
        free(f->runs);
        free(f->inline_data);
        free(f);
        return rc;
    }
    *out = f;
    return 0;
}

static void ext_close(struct fs_file *file)
{
    struct ext_file *f = file->priv;
    free(f->runs);
    free(f->inline_data);
    free(f->chunk);
    free(f->path);
    free(f);
}

/*
 * Look name up in directory inode dir: an exact match, else the one entry
 * that matches ignoring case. *ino = 0 when nothing (or several) matches.
 */
static int dir_lookup(struct fs_volume *vol, struct ext_inode *dir, const char *name,
                      uint32_t *ino)
{
    struct ext_file *f;
    char ent[256];
    uint32_t e, fold = 0;
    uint8_t type;
    int folds = 0, rc;
    *ino = 0;
    rc = open_inode(vol, dir, &f);
    if (rc)
        return rc;
    while ((rc = dir_next(vol, f, &e, &type, ent)) == 1) {
        if (strcmp8(ent, name) == 0) {
            *ino = e;
            break;
        }
        if (strcasecmp8(ent, name) == 0 && !is_dot(ent)) {
            fold = e;
            folds++;
        }
    }
    ext_close(&f->f);
    if (rc < 0)
        return rc;
    if (!*ino && folds == 1)
        *ino = fold;
    return 0;
}

static int ext_read(struct fs_file *file, uint64_t off, void *buf, size_t len, size_t *got)
{
    struct ext_file *f = file->priv;
    struct drive *drive = file->vol->drive;
    size_t done = 0, lo = 0, hi = f->nruns;
    *got = 0;
    if (off >= file->size)
        return 0;
    len = (size_t)MIN((uint64_t)len, file->size - off);
    if (f->inline_data) {
        memcpy(buf, f->inline_data + off, len); /* open checked size <= inline_len */
        *got = len;
        return 0;
    }
    if (!drive)
        return -ENODEV;
    while (lo + 1 < hi) {
        size_t mid = (lo + hi) / 2;
        if (f->runs[mid].file_off <= off)
            lo = mid;
        else
            hi = mid;
    }
    /* one drive read per run */
    for (size_t i = lo; i < f->nruns && done < len; i++) {
        const struct fs_extent *r = &f->runs[i];
        uint64_t at = off + done, in;
        size_t n;
        if (at >= r->file_off + r->len)
            continue;
        in = at - r->file_off;
        n = (size_t)MIN(r->len - in, (uint64_t)(len - done));
        if (r->disk_off == FS_EXTENT_HOLE) {
            memset((uint8_t *)buf + done, 0, n);
        } else {
            int rc = drive_read_bytes(drive, r->disk_off + in, (uint8_t *)buf + done, n);
            if (rc)
                return rc;
        }
        done += n;
    }
    *got = done;
    return 0;
}

/* A symlink's target into buf (NUL-terminated). */
static int read_link(struct fs_volume *vol, struct ext_inode *in, char *buf, size_t size)
{
    struct ext_file *f;
    size_t len = (size_t)MIN(in->size, (uint64_t)size), got;
    int rc;
    if (in->size == 0 || in->size >= size)
        return shell_error(-EBADIMG, "%s: ext symlink inode %u has a target of %llu bytes",
                           vol->dev, in->ino, (unsigned long long)in->size);
    /*
     * A fast symlink (a target under 60 bytes) keeps it in i_block, even on
     * an extents volume, where the flag may be set but no extent header is.
     */
    if (!(in->flags & FL_INLINE_DATA) && in->size < EXT_IBLOCK_SIZE &&
        (!(in->flags & FL_EXTENTS) || le16(in->block) != EH_MAGIC)) {
        memcpy(buf, in->block, len);
        buf[len] = 0;
        return 0;
    }
    rc = open_inode(vol, in, &f);
    if (rc)
        return rc;
    rc = ext_read(&f->f, 0, buf, len, &got);
    if (!rc && got != len)
        rc = -EBADIMG;
    ext_close(&f->f);
    if (rc)
        return rc;
    buf[len] = 0;
    if (strlen8(buf) != len)
        return shell_error(-EBADIMG, "%s: ext symlink inode %u has a NUL in its target",
                           vol->dev, in->ino);
    return 0;
}

/* ---- paths, by fs_walk ---- */

struct ext_node {
    struct fs_node wn;                 /* first; id: the inode number */
    struct ext_inode in;
};

static void walk_put(struct fs_node *node)
{
    struct ext_node *n = (struct ext_node *)node;
    free(n->in.raw);
    free(n);
}

/* Inode ino as a walk node. */
static int node_read(struct fs_volume *vol, uint32_t ino, struct fs_node **out)
{
    struct ext_vol *ev = vol->priv;
    struct ext_node *n = calloc(1, sizeof(*n));
    int rc;
    if (!n || !(n->in.raw = malloc(ev->inode_size))) {
        free(n);
        return -ENOMEM;
    }
    rc = read_inode(vol, ino, &n->in);
    if (rc) {
        walk_put(&n->wn);
        return rc;
    }
    n->wn.id = ino;
    n->wn.kind = (n->in.mode & S_IFMT) == S_IFDIR   ? FS_NODE_DIR
                 : (n->in.mode & S_IFMT) == S_IFLNK ? FS_NODE_LINK
                                                    : FS_NODE_FILE;
    *out = &n->wn;
    return 0;
}

static int walk_root(struct fs_volume *vol, struct fs_node **out)
{
    return node_read(vol, EXT_ROOT_INO, out);
}

static int walk_lookup(struct fs_volume *vol, struct fs_node *dir, const char *name,
                       const char *where, struct fs_node **out)
{
    uint32_t ino;
    int rc = dir_lookup(vol, &((struct ext_node *)dir)->in, name, &ino);
    (void)where;
    if (rc)
        return rc;
    return ino ? node_read(vol, ino, out) : -ENOENT;
}

static int walk_readlink(struct fs_volume *vol, struct fs_node *node, char *buf, size_t size)
{
    return read_link(vol, &((struct ext_node *)node)->in, buf, size);
}

static const struct fs_walk_ops ext_walk = {
    .root = walk_root,
    .lookup = walk_lookup,
    .readlink = walk_readlink,
    .put = walk_put,
};

static int ext_open(struct fs_volume *vol, const char *path, struct fs_file **out)
{
    struct fs_node *node;
    struct ext_inode *in;
    struct ext_file *f;
    int rc;
    if (!vol->drive)
        return -ENODEV;
    rc = fs_walk(vol, &ext_walk, path, &node);
    if (rc)
        return rc;
    in = &((struct ext_node *)node)->in;
    if ((in->mode & S_IFMT) != S_IFDIR && (in->mode & S_IFMT) != S_IFREG)
        rc = shell_error(-ENOTSUP, "%s: ext %s is not a regular file or directory (mode %06o)",
                         vol->dev, path, in->mode);
    if (!rc)
        rc = open_inode(vol, in, &f);
    walk_put(node);
    if (rc)
        return rc;
    if (f->f.is_dir) {
        size_t n = strlen8(path) + 1;
        f->path = malloc(n);
        if (f->path)
            memcpy(f->path, path, n);
    }
    *out = &f->f;
    return 0;
}

static int ext_readdir(struct fs_file *dir, struct fs_dirent *ent)
{
    struct ext_file *f = dir->priv;
    struct fs_volume *vol = dir->vol;
    struct ext_vol *ev = vol->priv;
    struct ext_inode in;
    char name[256];
    uint32_t ino;
    uint8_t type;
    int rc;
    if (!vol->drive)
        return -ENODEV;
    do {
        rc = dir_next(vol, f, &ino, &type, name);
        if (rc != 1)
            return rc;
    } while (is_dot(name));
    in.raw = malloc(ev->inode_size);
    if (!in.raw)
        return -ENOMEM;
    rc = read_inode(vol, ino, &in);
    /* a symlink lists as what it points to, since open follows it */
    if (!rc && (in.mode & S_IFMT) == S_IFLNK) {
        size_t size = 2 * EXT_LINK_MAX, dl = f->path ? strlen8(f->path) : 0;
        char *path = malloc(size);
        /* a relative target is looked up from this directory's path */
        if (path && dl + 1 < EXT_LINK_MAX && f->path) {
            memcpy(path, f->path, dl);
            path[dl] = '/';
            if (read_link(vol, &in, path + dl + 1, EXT_LINK_MAX) == 0) {
                const char *target = path[dl + 1] == '/' ? path + dl + 1 : path;
                struct fs_node *node;
                if (fs_walk(vol, &ext_walk, target, &node) == 0) {
                    in.mode = ((struct ext_node *)node)->in.mode;
                    in.size = ((struct ext_node *)node)->in.size;
                    walk_put(node);
                } else {
                    in.mode = 0, in.size = 0;
                }
            }
        }
        free(path);
        rc = 0; /* a dangling link still lists, as a file */
    }
    free(in.raw);
    if (rc)
        return rc;
    utf8_copy(ent->name, sizeof(ent->name), name);
    ent->size = in.size;
    ent->is_dir = (in.mode & S_IFMT) == S_IFDIR;
    return 1;
}

static int ext_extents(struct fs_file *file, struct fs_extent **out, size_t *n)
{
    struct ext_file *f = file->priv;
    struct fs_extent *e;
    size_t k = 0;
    if (f->inline_data)
        return -ENOTSUP; /* the bytes live inside an inode, among others */
    e = malloc(MAX(f->nruns, (size_t)1) * sizeof(*e));
    if (!e)
        return -ENOMEM;
    /* the runs cover whole blocks: cut them at the file's size */
    for (size_t i = 0; i < f->nruns && f->runs[i].file_off < file->size; i++) {
        e[k] = f->runs[i];
        e[k].len = MIN(e[k].len, file->size - e[k].file_off);
        k++;
    }
    *out = e;
    *n = k;
    return 0;
}

/* Names of the incompatible features in bits, for the refusal message. */
static void feature_names(uint32_t bits, char *buf, size_t size)
{
    static const struct { uint32_t bit; const char *name; } names[] = {
        { INCOMPAT_COMPRESSION, "compression" },
        { INCOMPAT_JOURNAL_DEV, "journal_dev" },
        { INCOMPAT_DIRDATA, "dirdata" },
    };
    size_t o = 0;
    buf[0] = 0;
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        if (bits & names[i].bit) {
            o += (size_t)snprintf(buf + o, size - o, "%s%s", o ? " " : "", names[i].name);
            bits &= ~names[i].bit;
        }
    if (bits && o < size)
        snprintf(buf + o, size - o, "%sunknown 0x%x", o ? " " : "", bits);
}

static int ext_mount(struct fs_volume *vol)
{
    struct drive *d = vol->drive;
    uint8_t sb[1024];
    struct ext_vol *ev = NULL;
    uint32_t log, incompat, rev;
    uint64_t groups, bytes;
    int rc;

    if (!d || drive_bytes(d) < EXT_SB_OFF + sizeof(sb))
        return -ENODEV;
    if (drive_read_bytes(d, EXT_SB_OFF, sb, sizeof(sb)) || le16(sb + SB_MAGIC) != EXT_MAGIC)
        return -ENODEV;
    log = le32(sb + SB_LOG_BLOCK_SIZE);
    incompat = le32(sb + SB_INCOMPAT);
    rev = le32(sb + SB_REV_LEVEL);
    if (log > 6)
        return shell_error(-EBADIMG, "%s: ext superblock: block size 2^%u KiB is not 1-64 KiB",
                           vol->dev, log);
    if (incompat & ~INCOMPAT_KNOWN) {
        char names[96];
        feature_names(incompat & ~INCOMPAT_KNOWN, names, sizeof(names));
        return shell_error(-ENOTSUP, "%s: ext volume uses features this reader does not "
                           "support: %s", vol->dev, names);
    }
    ev = calloc(1, sizeof(*ev));
    if (!ev)
        return -ENOMEM;
    ev->block_size = 1024u << log;
    ev->incompat = incompat;
    ev->sparse_super = le32(sb + SB_RO_COMPAT) & 1;
    ev->inodes_count = le32(sb + SB_INODES_COUNT);
    ev->inodes_per_group = le32(sb + SB_INODES_PER_GROUP);
    ev->blocks_per_group = le32(sb + SB_BLOCKS_PER_GROUP);
    ev->first_data_block = le32(sb + SB_FIRST_DATA_BLOCK);
    ev->first_meta_bg = le32(sb + SB_FIRST_META_BG);
    ev->blocks_count = le32(sb + SB_BLOCKS_LO);
    if (incompat & INCOMPAT_64BIT)
        ev->blocks_count |= (uint64_t)le32(sb + SB_BLOCKS_HI) << 32;
    ev->inode_size = rev == 0 ? IN_GOOD_OLD_SIZE : le16(sb + SB_INODE_SIZE);
    ev->desc_size = incompat & INCOMPAT_64BIT ? le16(sb + SB_DESC_SIZE) : 32;
    rc = -EBADIMG;
    if (ev->inode_size < IN_GOOD_OLD_SIZE || !is_pow2(ev->inode_size) ||
        ev->inode_size > ev->block_size) {
        shell_error(rc, "%s: ext superblock: inode size %u is invalid", vol->dev, ev->inode_size);
        goto err;
    }
    if (ev->desc_size < 32 || !is_pow2(ev->desc_size) || ev->desc_size > ev->block_size) {
        shell_error(rc, "%s: ext superblock: group descriptor size %u is invalid", vol->dev,
                    ev->desc_size);
        goto err;
    }
    if (ev->inodes_per_group == 0 || ev->blocks_per_group == 0 || ev->blocks_count == 0 ||
        ev->first_data_block >= ev->blocks_count || ev->first_data_block > 1 ||
        ev->inodes_per_group > 8 * ev->block_size) {
        shell_error(rc, "%s: ext superblock is corrupt (%llu blocks, %u blocks and %u inodes "
                    "per group, first data block %u)", vol->dev,
                    (unsigned long long)ev->blocks_count, ev->blocks_per_group,
                    ev->inodes_per_group, ev->first_data_block);
        goto err;
    }
    groups = (ev->blocks_count - ev->first_data_block + ev->blocks_per_group - 1) /
             ev->blocks_per_group;
    if ((uint64_t)ev->inodes_count > groups * ev->inodes_per_group || ev->inodes_count <
        EXT_ROOT_INO) {
        shell_error(rc, "%s: ext superblock: %u inodes do not fit %llu groups of %u", vol->dev,
                    ev->inodes_count, (unsigned long long)groups, ev->inodes_per_group);
        goto err;
    }
    ev->groups = (uint32_t)groups;
    bytes = drive_bytes(d);
    if (ev->blocks_count > bytes / ev->block_size) {
        rc = shell_error(-ENXIO, "%s: ext volume of %llu blocks of %u bytes is larger than the "
                         "device (%llu bytes): truncated image", vol->dev,
                         (unsigned long long)ev->blocks_count, ev->block_size,
                         (unsigned long long)bytes);
        goto err;
    }
    ev->gd_buf = malloc(ev->block_size);
    ev->it_buf = malloc(ev->block_size);
    if (!ev->gd_buf || !ev->it_buf) {
        rc = -ENOMEM;
        goto err;
    }
    ev->gd_blk = ev->it_blk = UINT64_MAX;
    memcpy(ev->uuid, sb + SB_UUID, sizeof(ev->uuid));
    {
        char raw[17];
        memcpy(raw, sb + SB_VOLUME_NAME, 16);
        raw[16] = 0;
        utf8_copy(ev->label, sizeof(ev->label), raw);
    }
    vol->priv = ev;
    if ((incompat & INCOMPAT_EXT4) || (le32(sb + SB_RO_COMPAT) & RO_COMPAT_EXT4))
        vol->type = "ext4";
    else if (le32(sb + SB_COMPAT) & COMPAT_HAS_JOURNAL)
        vol->type = "ext3";
    else
        vol->type = "ext2";
    /* the root must be a directory now, or nothing will work later */
    {
        struct ext_inode in;
        in.raw = malloc(ev->inode_size);
        rc = in.raw ? read_inode(vol, EXT_ROOT_INO, &in) : -ENOMEM;
        if (!rc && (in.mode & S_IFMT) != S_IFDIR)
            rc = shell_error(-EBADIMG, "%s: ext root inode is not a directory", vol->dev);
        free(in.raw);
        if (rc) {
            vol->priv = NULL;
            goto err;
        }
    }
    return 0;
err:
    free(ev->gd_buf);
    free(ev->it_buf);
    free(ev);
    return rc;
}

static void ext_unmount(struct fs_volume *vol)
{
    struct ext_vol *ev = vol->priv;
    if (ev) {
        free(ev->gd_buf);
        free(ev->it_buf);
    }
    free(ev);
    vol->priv = NULL;
}

static int ext_label(struct fs_volume *vol, char *buf, size_t size)
{
    struct ext_vol *ev = vol->priv;
    if (!ev->label[0])
        return -ENOENT;
    strlcpy8(buf, ev->label, size);
    return 0;
}

/* The UUID in the 8-4-4-4-12 lowercase form GRUB and grub4dos print. */
static int ext_uuid(struct fs_volume *vol, char *buf, size_t size)
{
    struct ext_vol *ev = vol->priv;
    static const char hex[] = "0123456789abcdef";
    char s[40];
    size_t o = 0;
    bool set = false;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            s[o++] = '-';
        s[o++] = hex[ev->uuid[i] >> 4];
        s[o++] = hex[ev->uuid[i] & 15];
        set |= ev->uuid[i] != 0;
    }
    s[o] = 0;
    if (!set)
        return -ENOENT;
    strlcpy8(buf, s, size);
    return 0;
}

FILESYSTEM(ext, 13) = {
    .name = "ext2",
    .mount = ext_mount,
    .unmount = ext_unmount,
    .open = ext_open,
    .read = ext_read,
    .readdir = ext_readdir,
    .close = ext_close,
    .label = ext_label,
    .uuid = ext_uuid,
    .extents = ext_extents,
};
