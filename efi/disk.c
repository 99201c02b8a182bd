/*
 * Firmware disks for the drive table (src/platform.h): the BlockIo handles
 * that are whole media, in the firmware's handle order, with reads and
 * writes through them; which of them the application was loaded from and
 * where on it; and physical memory for (md), as the firmware's memory map
 * describes it.
 *
 * The drive table keeps the handles we give it, and a later drive_init may
 * enumerate again, so a disk's record lives as long as the application and
 * the same EFI handle always gets the same record.
 */
#include "efi.h"

#include "../src/platform.h"

struct efi_disk {
    EFI_HANDLE handle;
    EFI_BLOCK_IO *bio;
    UINT32 media_id;        /* the medium we listed; another one fails with -ENODEV */
    UINT32 block_size;
    UINT32 io_align;        /* 0 or 1: any address */
    EFI_DEVICE_PATH *path;  /* NULL when the handle has none */
    struct efi_disk *next;
};

static struct efi_disk *known;       /* every disk ever listed */
static struct efi_disk **listed;     /* the last listing, in firmware order */
static int nlisted;

/* The largest floppy (2.88 MB); removable media no larger are (fdN). */
#define FLOPPY_MAX_BYTES (2880u * 1024u)
/* Bounds on walks over firmware data, which we do not trust to be well-formed. */
#define PATH_NODES_MAX 256
#define MEMMAP_TRIES 8

static struct efi_disk *disk_record(EFI_HANDLE h)
{
    struct efi_disk *d;
    for (d = known; d; d = d->next)
        if (d->handle == h)
            return d;
    d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->handle = h;
    d->next = known;
    known = d;
    return d;
}

static EFI_DEVICE_PATH *device_path_of(EFI_HANDLE h)
{
    EFI_GUID dp_guid = DEVICE_PATH_PROTOCOL;
    EFI_DEVICE_PATH *dp = NULL;
    if (efi_bs->HandleProtocol(h, &dp_guid, (void **)&dp) != EFI_SUCCESS)
        return NULL;
    return dp;
}

/*
 * The whole-media BlockIo handles with a medium in them, in handle order.
 * Each handle given out is a struct efi_disk that lives as long as we do.
 */
int plat_disk_list(struct plat_disk *out, int max)
{
    EFI_GUID bio_guid = BLOCK_IO_PROTOCOL;
    EFI_HANDLE *handles = NULL;
    UINTN nhandles = 0;
    EFI_STATUS st;
    int n = 0;

    st = efi_bs->LocateHandleBuffer(ByProtocol, &bio_guid, NULL, &nhandles, &handles);
    if (st != EFI_SUCCESS)
        return 0; /* none (EFI_NOT_FOUND), or no listing: either way no disks */
    free(listed);
    nlisted = 0;
    listed = calloc(nhandles ? nhandles : 1, sizeof(*listed));
    if (!listed) {
        efi_bs->FreePool(handles);
        return 0;
    }
    for (UINTN i = 0; i < nhandles; i++) {
        EFI_BLOCK_IO *bio = NULL;
        EFI_BLOCK_IO_MEDIA *m;
        struct efi_disk *d;
        uint64_t blocks, bytes;

        if (efi_bs->HandleProtocol(handles[i], &bio_guid, (void **)&bio) != EFI_SUCCESS ||
            !bio || !bio->Media)
            continue;
        /* drives map made are in the table already, under the names map gave them */
        if (efi_exposed_bio(bio))
            continue;
        m = bio->Media;
        /* partitions are found by drive.c itself; an empty drive is nothing to read */
        if (m->LogicalPartition || !m->MediaPresent)
            continue;
        if (m->BlockSize == 0 || (m->BlockSize & (m->BlockSize - 1)) ||
            m->LastBlock == UINT64_MAX)
            continue;
        d = disk_record(handles[i]);
        if (!d)
            break;
        d->bio = bio;
        d->media_id = m->MediaId;
        d->block_size = m->BlockSize;
        /* a power of two by the specification; round up one that is not */
        d->io_align = m->IoAlign;
        while (d->io_align & (d->io_align - 1))
            d->io_align = (d->io_align | (d->io_align - 1)) + 1;
        d->path = device_path_of(handles[i]);
        listed[nlisted++] = d;

        blocks = m->LastBlock + 1;
        bytes = blocks <= UINT64_MAX / m->BlockSize ? blocks * m->BlockSize : UINT64_MAX;
        if (n < max) {
            struct plat_disk *p = &out[n];
            memset(p, 0, sizeof(*p));
            /* an optical drive is the one kind with 2048-byte blocks */
            if (m->BlockSize == 2048)
                p->kind = PLAT_DISK_CD;
            else if (m->RemovableMedia && bytes <= FLOPPY_MAX_BYTES)
                p->kind = PLAT_DISK_FD;
            else
                p->kind = PLAT_DISK_HD;
            p->block_size = m->BlockSize;
            p->blocks = blocks;
            p->read_only = m->ReadOnly;
            p->removable = m->RemovableMedia;
            p->handle = d;
        }
        n++;
    }
    efi_bs->FreePool(handles);
    return n;
}

/*
 * A buffer aligned for the device, for callers whose buffer is not. One is
 * kept and grown: reads arrive in chunks of at most DRIVE_CHUNK bytes.
 */
static void *bounce_buf(size_t len, UINT32 align)
{
    static void *raw;
    static size_t raw_size;
    size_t need;
    if (align < 16)
        align = 16;
    if (len > SIZE_MAX - align)
        return NULL;
    need = len + align;
    if (need > raw_size) {
        free(raw);
        raw = malloc(need);
        raw_size = raw ? need : 0;
        if (!raw)
            return NULL;
    }
    return (void *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
}

static bool misaligned(const void *buf, UINT32 align)
{
    return align > 1 && ((uintptr_t)buf & (align - 1)) != 0;
}

/*
 * The disk's BlockIo as its handle carries it now. A USB stick pulled out
 * takes its handle and BlockIo with it; calling through the pointer we kept
 * would run freed memory, so every I/O asks first (a lookup in the handle
 * database, cheap next to the I/O). A driver may also replace the interface
 * on the same handle (ReinstallProtocolInterface, a filter driver): that is
 * still the disk, and is used from then on if its blocks are the same size.
 */
static EFI_BLOCK_IO *live_bio(struct efi_disk *d)
{
    EFI_GUID bio_guid = BLOCK_IO_PROTOCOL;
    EFI_BLOCK_IO *bio = NULL;
    if (!d || !d->bio)
        return NULL;
    if (efi_bs->HandleProtocol(d->handle, &bio_guid, (void **)&bio) != EFI_SUCCESS || !bio ||
        !bio->Media || bio->Media->BlockSize != d->block_size) {
        d->bio = NULL; /* gone for good: a disk plugged in again gets a new handle */
        return NULL;
    }
    d->bio = bio;
    return bio;
}

/*
 * The drive has another medium than the one listed (a CD swapped: the
 * driver gave it a new MediaId, or ReadBlocks said EFI_MEDIA_CHANGED). Said
 * once (-EMEDIUM), so that the drive table reads the new one's size and
 * forgets the old one's filesystem; I/O goes to the new medium from then on.
 */
static int media_changed(struct efi_disk *d)
{
    d->media_id = d->bio->Media->MediaId;
    return -EMEDIUM;
}

int plat_disk_media(void *handle, uint64_t *blocks, uint32_t *block_size)
{
    struct efi_disk *d = handle;
    EFI_BLOCK_IO_MEDIA *m;
    if (!live_bio(d))
        return -ENODEV;
    m = d->bio->Media;
    if (!m->MediaPresent || m->LastBlock == UINT64_MAX)
        return -ENODEV;
    d->media_id = m->MediaId;
    *blocks = m->LastBlock + 1;
    *block_size = m->BlockSize;
    return 0;
}

/* Read count blocks at lba from the medium that was listed (-ENODEV once it is gone). */
int plat_disk_read(void *handle, uint64_t lba, uint64_t count, void *buf)
{
    struct efi_disk *d = handle;
    EFI_STATUS st;
    void *io = buf;
    UINTN len;

    if (!live_bio(d))
        return -ENODEV;
    if (count == 0)
        return 0;
    if (count > SIZE_MAX / d->block_size)
        return -EINVAL;
    len = (UINTN)(count * d->block_size);
    if (misaligned(buf, d->io_align)) {
        io = bounce_buf(len, d->io_align);
        if (!io)
            return -ENOMEM;
    }
    if (d->bio->Media->MediaId != d->media_id)
        return media_changed(d);
    st = d->bio->ReadBlocks(d->bio, d->media_id, lba, len, io);
    if (st == EFI_MEDIA_CHANGED)
        return media_changed(d);
    if (st != EFI_SUCCESS)
        return EEFI(st);
    if (io != buf)
        memcpy(buf, io, len);
    return 0;
}

/* Write count blocks at lba, flushed when the drive caches writes. */
int plat_disk_write(void *handle, uint64_t lba, uint64_t count, const void *buf)
{
    struct efi_disk *d = handle;
    EFI_STATUS st;
    void *io = (void *)buf;
    UINTN len;

    if (!live_bio(d))
        return -ENODEV;
    if (count == 0)
        return 0;
    if (d->bio->Media->ReadOnly)
        return -EROFS;
    if (count > SIZE_MAX / d->block_size)
        return -EINVAL;
    len = (UINTN)(count * d->block_size);
    if (misaligned(buf, d->io_align)) {
        io = bounce_buf(len, d->io_align);
        if (!io)
            return -ENOMEM;
        memcpy(io, buf, len);
    }
    if (d->bio->Media->MediaId != d->media_id)
        return media_changed(d);
    st = d->bio->WriteBlocks(d->bio, d->media_id, lba, len, io);
    if (st == EFI_MEDIA_CHANGED)
        return media_changed(d);
    /* a write that sits in the drive's cache has not happened yet if we reboot */
    if (st == EFI_SUCCESS && d->bio->Media->WriteCaching)
        st = d->bio->FlushBlocks(d->bio);
    return EEFI(st);
}

/* A device path node's length in bytes (gnu-efi's macro yields an int). */
static size_t node_len(const EFI_DEVICE_PATH *p)
{
    return (size_t)DevicePathNodeLength(p);
}

/*
 * The media nodes as the specification lays them out, packed: a 4-byte
 * header, a 32-bit partition number (or boot entry), then the 64-bit start
 * and size at offsets 8 and 16. gnu-efi's structs are padded past the 42
 * bytes of a hard drive node, so we read the fields by offset.
 */
#define HD_NODE_LEN 42
#define CD_NODE_LEN 24

static uint64_t node_u64(const EFI_DEVICE_PATH *p, size_t off)
{
    uint64_t v;
    memcpy(&v, (const uint8_t *)p + off, sizeof(v)); /* nodes need not be aligned */
    return v;
}

/* The node count of p up to its end node, or -1 when it is malformed or too long. */
static int path_nodes(const EFI_DEVICE_PATH *p)
{
    for (int n = 0; n < PATH_NODES_MAX; n++) {
        if (IsDevicePathEndType(p))
            return n;
        if (node_len(p) < sizeof(EFI_DEVICE_PATH))
            return -1;
        p = NextDevicePathNode(p);
    }
    return -1;
}

/*
 * When the nodes of disk (up to its end) begin path, the node of path that
 * follows them; NULL otherwise.
 */
static const EFI_DEVICE_PATH *after_prefix(const EFI_DEVICE_PATH *disk,
                                           const EFI_DEVICE_PATH *path)
{
    int n = path_nodes(disk);
    if (n < 0 || path_nodes(path) < n)
        return NULL;
    for (int i = 0; i < n; i++) {
        size_t len = node_len(disk);
        if (node_len(path) != len || memcmp(disk, path, len) != 0)
            return NULL;
        disk = NextDevicePathNode(disk);
        path = NextDevicePathNode(path);
    }
    return path;
}

/*
 * The listed disk the application was loaded from, and the partition on it:
 * the loaded image's device is either that disk or a child whose device
 * path is the disk's followed by a Media HD or CD-ROM node giving the place.
 */
int plat_boot_disk(void **handle, uint64_t *start, uint64_t *blocks)
{
    EFI_GUID lip_guid = LOADED_IMAGE_PROTOCOL;
    EFI_LOADED_IMAGE *li = NULL;
    const EFI_DEVICE_PATH *boot_path, *best_node = NULL;
    struct efi_disk *best = NULL;
    int best_len = -1;

    if (efi_bs->HandleProtocol(efi_image, &lip_guid, (void **)&li) != EFI_SUCCESS || !li ||
        !li->DeviceHandle)
        return -ENODEV;
    for (int i = 0; i < nlisted; i++) {
        if (listed[i]->handle == li->DeviceHandle) {
            struct efi_disk *d = listed[i];
            *handle = d;
            *start = 0;
            *blocks = d->bio->Media->LastBlock + 1;
            return 0;
        }
    }
    boot_path = device_path_of(li->DeviceHandle);
    if (!boot_path)
        return -ENODEV;
    /* the longest disk path that begins the boot path is the disk it is on */
    for (int i = 0; i < nlisted; i++) {
        const EFI_DEVICE_PATH *node;
        int len;
        if (!listed[i]->path)
            continue;
        node = after_prefix(listed[i]->path, boot_path);
        len = path_nodes(listed[i]->path);
        if (node && len > best_len) {
            best = listed[i];
            best_node = node;
            best_len = len;
        }
    }
    if (!best || IsDevicePathEndType(best_node) || DevicePathType(best_node) != MEDIA_DEVICE_PATH)
        return -ENODEV;
    if (DevicePathSubType(best_node) == MEDIA_HARDDRIVE_DP &&
        node_len(best_node) >= HD_NODE_LEN) {
        *start = node_u64(best_node, 8);
        *blocks = node_u64(best_node, 16);
    } else if (DevicePathSubType(best_node) == MEDIA_CDROM_DP &&
               node_len(best_node) >= CD_NODE_LEN) {
        /*
         * The UEFI spec and EDK2's partition driver give the El Torito image's
         * start and size in the medium's own blocks (EDK2 scales the
         * catalog's 2048-byte sectors by 2048 / BlockSize).
         */
        *start = node_u64(best_node, 8);
        *blocks = node_u64(best_node, 16);
    } else {
        return -ENODEV;
    }
    *handle = best;
    return 0;
}

/* ---- physical memory ---- */

struct mem_range {
    uint64_t start, end; /* end exclusive */
    enum plat_mem_type type;
    bool ram;            /* plat_mem_read may copy from it */
};

static enum plat_mem_type mem_type(UINT32 t)
{
    switch (t) {
    case EfiConventionalMemory: return PLAT_MEM_FREE;
    case EfiReservedMemoryType:
    case EfiUnusableMemory: return PLAT_MEM_RESERVED;
    case EfiACPIReclaimMemory:
    case EfiACPIMemoryNVS: return PLAT_MEM_ACPI;
    case EfiLoaderCode:
    case EfiLoaderData: return PLAT_MEM_LOADER;
    case EfiBootServicesCode:
    case EfiBootServicesData: return PLAT_MEM_BOOT;
    case EfiRuntimeServicesCode:
    case EfiRuntimeServicesData: return PLAT_MEM_RUNTIME;
    case EfiMemoryMappedIO:
    case EfiMemoryMappedIOPortSpace: return PLAT_MEM_MMIO;
    default: return PLAT_MEM_OTHER;
    }
}

/*
 * Memory that reads back as memory. Not MMIO (reads have side effects), not
 * unusable RAM (it may raise machine checks), and not types we do not know:
 * unaccepted memory (15) faults in a confidential guest until accepted.
 * Reserved ranges count only when cacheable: firmware also marks device
 * windows reserved (QEMU q35's PCIe configuration space at 0xB0000000).
 */
static bool mem_is_ram(UINT32 t, UINT64 attr)
{
    enum { PERSISTENT_MEMORY = 14 }; /* newer than this gnu-efi's enum */
    switch (t) {
    case EfiReservedMemoryType:
        return (attr & EFI_MEMORY_WB) != 0;
    case EfiLoaderCode:
    case EfiLoaderData:
    case EfiBootServicesCode:
    case EfiBootServicesData:
    case EfiRuntimeServicesCode:
    case EfiRuntimeServicesData:
    case EfiConventionalMemory:
    case EfiACPIReclaimMemory:
    case EfiACPIMemoryNVS:
    case EfiPalCode:
    case PERSISTENT_MEMORY:
        return true;
    default:
        return false;
    }
}

/*
 * The firmware's memory map as ranges sorted by address, with neighbours
 * merged when they have the same type (by_ram false) or are both RAM or
 * both not (by_ram true). *out is the caller's to free.
 */
static int mem_ranges(bool by_ram, struct mem_range **out, int *count)
{
    EFI_MEMORY_DESCRIPTOR *map = NULL;
    UINTN size = 0, key, desc_size = 0;
    UINT32 desc_ver;
    EFI_STATUS st = EFI_BUFFER_TOO_SMALL;
    struct mem_range *r;
    int n = 0, tries;

    for (tries = 0; tries < MEMMAP_TRIES && st == EFI_BUFFER_TOO_SMALL; tries++) {
        free(map);
        map = NULL;
        if (size) {
            /* our own allocation may split a range: ask for room to spare */
            size += 8 * (desc_size ? desc_size : sizeof(EFI_MEMORY_DESCRIPTOR));
            map = malloc(size);
            if (!map)
                return -ENOMEM;
        }
        st = efi_bs->GetMemoryMap(&size, map, &key, &desc_size, &desc_ver);
    }
    if (st != EFI_SUCCESS) {
        free(map);
        return EEFI(st);
    }
    if (desc_size < sizeof(EFI_MEMORY_DESCRIPTOR)) {
        free(map);
        return -EIO;
    }
    r = calloc(size / desc_size + 1, sizeof(*r));
    if (!r) {
        free(map);
        return -ENOMEM;
    }
    for (UINTN off = 0; off + desc_size <= size; off += desc_size) {
        const EFI_MEMORY_DESCRIPTOR *m = (const void *)((const uint8_t *)map + off);
        uint64_t len;
        if (m->NumberOfPages == 0)
            continue;
        len = m->NumberOfPages > (UINT64_MAX - m->PhysicalStart) / 4096
                  ? UINT64_MAX - m->PhysicalStart : m->NumberOfPages * 4096;
        if (len == 0)
            continue;
        r[n].start = m->PhysicalStart;
        r[n].end = m->PhysicalStart + len;
        r[n].type = mem_type(m->Type);
        r[n].ram = mem_is_ram(m->Type, m->Attribute);
        /* insertion sort: a map is a few hundred entries, nearly sorted already */
        for (int i = n; i > 0 && r[i - 1].start > r[i].start; i--) {
            struct mem_range t = r[i];
            r[i] = r[i - 1];
            r[i - 1] = t;
        }
        n++;
    }
    free(map);
    if (n > 1) {
        int w = 0;
        for (int i = 1; i < n; i++) {
            bool same = by_ram ? r[i].ram == r[w].ram : r[i].type == r[w].type;
            if (r[i].start == r[w].end && same)
                r[w].end = r[i].end;
            else
                r[++w] = r[i];
        }
        n = w + 1;
    }
    *out = r;
    *count = n;
    return 0;
}

/* The memory map, sorted and merged by type; a negative error when there is none. */
int plat_memmap(struct plat_mem_range *out, int max)
{
    struct mem_range *r;
    int n, rc = mem_ranges(false, &r, &n);
    if (rc)
        return rc;
    for (int i = 0; i < n && i < max; i++) {
        out[i].start = r[i].start;
        out[i].size = r[i].end - r[i].start;
        out[i].type = r[i].type;
    }
    free(r);
    return n;
}

/*
 * Whether the page tables map addr, and in *next the first address past
 * the mapping (page, 2 MiB or 1 GiB) that decided it. The memory map lists
 * what RAM there is, but firmware may leave pages of it unmapped to catch
 * bugs (NULL detection, heap and stack guards); copying from one would
 * fault. The tables are identity-mapped like everything else.
 */
static bool page_mapped(uint64_t addr, uint64_t *next)
{
#if defined(__x86_64__)
    const uint64_t addr_mask = 0x000FFFFFFFFFF000ull;
    uint64_t cr3, cr4, table;
    int levels;
    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    levels = (cr4 & (1u << 12)) ? 5 : 4; /* CR4.LA57 */
    table = cr3 & addr_mask;
    for (int lvl = levels; lvl >= 1; lvl--) {
        unsigned shift = 12 + 9 * (unsigned)(lvl - 1);
        uint64_t e = ((const volatile uint64_t *)(uintptr_t)table)[(addr >> shift) & 511];
        /* the last address this entry covers, +1 (0 when that wraps) */
        *next = (addr | ((1ull << shift) - 1)) + 1;
        if (!(e & 1))
            return false;
        if (lvl == 1 || ((lvl == 2 || lvl == 3) && (e & 0x80))) /* a 4K, 2M or 1G page */
            return true;
        table = e & addr_mask;
    }
    return false;
#else
    *next = 0;
    return true;
#endif
}

/* Copy [addr, addr+len) when the map lists it all as RAM and it is all mapped. */
int plat_mem_read(uint64_t addr, void *buf, size_t len)
{
    struct mem_range *r;
    uint64_t at = addr, end;
    int n, rc;

    if (len == 0)
        return 0;
    if (len > UINT64_MAX - addr || addr + len > UINTPTR_MAX)
        return -EFAULT;
    end = addr + len;
    rc = mem_ranges(true, &r, &n);
    if (rc)
        return rc;
    /* the ranges are sorted: walk forward while they cover [at, end) without a gap */
    for (int i = 0; i < n && at < end; i++) {
        if (r[i].end <= at)
            continue;
        if (r[i].start > at || !r[i].ram)
            break;
        at = r[i].end;
    }
    free(r);
    if (at < end)
        return -EFAULT;
    for (at = addr; at < end;) {
        uint64_t next;
        if (!page_mapped(at, &next))
            return -EFAULT;
        if (next == 0 || next <= at)
            break; /* the mapping reaches the top of the address space */
        at = next;
    }
    /* UEFI identity-maps memory while boot services run */
    memcpy(buf, (const void *)(uintptr_t)addr, len);
    return 0;
}

EFI_HANDLE efi_disk_handle(void *plat_handle)
{
    struct efi_disk *d = plat_handle;
    return d ? d->handle : NULL;
}
