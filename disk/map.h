/*
 * map: make a drive of an image (disk/map.c). cmd/map.c parses the command
 * line into struct map_opts; everything else happens here, so tests call
 * drive_map() directly.
 */
#ifndef MB_MAP_H
#define MB_MAP_H

#include "drive.h"

struct map_opts {
    const char *source;  /* a file, a drive "(hd0)", or a blocklist "(md)0x800+100" */
    const char *target;  /* "(hd)", "(hd3)", "(cd)", "(0xff)", "(fd0)", "(rd)" */
    bool mem;            /* copy into reserved RAM */
    uint64_t mem_addr;   /* --mem=ADDR, 0 for anywhere */
    bool top;            /* --top: the highest free memory */
    bool read_only;      /* writes fail with -EROFS */
    bool fake_write;     /* writes go to a RAM overlay; the source never changes */
    bool no_hook;        /* keep it mapboot's own: not shown to the firmware */
    bool no_nfit;        /* a RAM drive not described to the OS (disk/nfit.c) */
};

/*
 * Map o->source onto o->target and add the drive to the table. Returns 0 with
 * *out (owned by the table), or an error with a message; nothing is left
 * allocated on failure and earlier maps are untouched.
 */
int drive_map(const struct map_opts *o, struct drive **out);
/*
 * Unmap a drive made by drive_map: -EINVAL for firmware disks, -EBUSY (and
 * the drive stays) when the firmware will not let go of it.
 */
int drive_unmap(struct drive *d);
/* true for drives drive_map made */
bool drive_is_mapped(const struct drive *d);
/* What --status shows of a mapped drive: source, RAM address (0 when none), overlay blocks. */
const char *drive_map_source(const struct drive *d);
uint64_t drive_map_ram(const struct drive *d);
/* The image's formats as disk/image.h names them ("raw", "gzip+vhd"), or "drive". */
const char *drive_map_format(const struct drive *d);
uint64_t drive_map_overlay_blocks(const struct drive *d);
/*
 * What the booted Linux needs to know of the RAM drives it finds as
 * /dev/pmemN (tools/mapboot-save writes one back to its file): for each RAM
 * drive made from a file and described in the NFIT, " mapboot.ram=ADDR,
 * BYTES,FORMAT,UUID,PATH" (no spaces): its physical address and image size,
 * the image's formats ("raw", "lz4", "gzip+vhd"), the UUID of the volume the
 * file is on as blkid shows it ("-" for none), and its path there, bytes
 * other than letters, digits and "/._-+~" as %XX. For each raw image file
 * mapped in place, " mapboot.disk=MODE,UUID,PATH", MODE "rw", "ro" or "fake"
 * (--fake-write): the booted system can loop-mount the same file (its
 * initramfs: tools/mkramos-debian). Into out ("" for none); -E2BIG when it
 * does not fit.
 */
int map_linux_args(char *out, size_t size);
/* Bytes of free memory in the platform's map: what --mem can still take. */
uint64_t map_free_memory(void);

#endif
