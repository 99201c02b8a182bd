/*
 * The test payload: an EFI application that mapboot chainloads in the
 * QEMU+OVMF cases, to report what a booted program sees from the other side
 * of a map. It prints what it was started with (options, its own file and
 * device paths), the BlockIo media of its device, every BlockIo handle in the
 * firmware's order (also as answered through the two boot-services entries
 * mapboot may hook), the CRC-32 of \payload.dat on its own volume, and the
 * result of writing the last block of its device; then it powers QEMU off.
 * With `bench` in its options it instead times ReadBlocks over each of
 * mapboot's mapped drives against a plain memory copy of the same size.
 *
 * Every line starts with "payload: " and ends in CR LF (gnu-efi's Print turns
 * the "\n" of a format into "\r\n"), so harnesses can match lines on the
 * serial console that OVMF mirrors ConOut to. It is deliberately written
 * against gnu-efi's libefi and the raw protocols, as any small EFI program
 * would be, and shares no code with mapboot. Errors are printed and the run
 * goes on to the end: a test payload that hangs only costs a timeout.
 */
#include <efi.h>
#include <efilib.h>

#define MIB              (1024ULL * 1024ULL)
#define BENCH_CHUNK      (4 * MIB)
#define BENCH_ROUNDS     3
#define BENCH_MAX_ROUNDS 100

/* Device-path text is cut to this many characters (plus "...") so that even
 * the longest line, a blockio line with all its numbers, stays under 200. */
#define PATH_CHARS       100
#define OPTIONS_CHARS    150

/* The vendor GUID that mapboot puts in the first node of a mapped drive's
 * device path (efi/expose.c); repeated here because the payload must not
 * depend on mapboot's headers. */
static EFI_GUID mapboot_vendor_guid =
    { 0x6d617062, 0x6f6f, 0x4d42, { 0x8a, 0x1e, 0x52, 0x41, 0x4d, 0x44, 0x49, 0x53 } };

static const CHAR8 write_text[] = "mapboot payload was here ";

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

/* ---- small helpers ---- */

static UINT64 rdtsc(void)
{
    UINT32 lo, hi;

    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((UINT64)hi << 32) | lo;
}

/* Lower-case hex, zero-padded to at least `digits` digits, into out[17].
 * gnu-efi's %x prints A-F, while the tests compare with printf/python "%08x". */
static void hex_text(CHAR16 *out, UINT64 v, UINTN digits)
{
    static const CHAR16 xdigit[] = L"0123456789abcdef";
    CHAR16 rev[16];
    UINTN n = 0, i;

    do {
        rev[n++] = xdigit[v & 0xf];
        v >>= 4;
    } while (v != 0 && n < 16);
    while (n < digits && n < 16)
        rev[n++] = L'0';
    for (i = 0; i < n; i++)
        out[i] = rev[n - 1 - i];
    out[n] = 0;
}

/* The BIOS-style drive number in a mapboot vendor node (the byte after the
 * GUID, efi/expose.c), or -1 when the path does not start with one. */
static INTN mapboot_drive(EFI_DEVICE_PATH *dp)
{
    VENDOR_DEVICE_PATH *v = (VENDOR_DEVICE_PATH *)dp;

    if (!dp || DevicePathType(dp) != HARDWARE_DEVICE_PATH || DevicePathSubType(dp) != HW_VENDOR_DP ||
        (UINTN)DevicePathNodeLength(dp) < sizeof(*v) + 1 ||
        CompareMem(&v->Guid, &mapboot_vendor_guid, sizeof(EFI_GUID)) != 0)
        return -1;
    return ((UINT8 *)dp)[sizeof(*v)];
}

/* The text of a device path, cut to PATH_CHARS, into out[PATH_CHARS + 4].
 * DevicePathToStr's pool string is freed here, so callers own nothing.
 * gnu-efi shows a vendor node as VenHw(GUID) without its data, so a mapboot
 * node is shown as MapBoot(0xNN), its drive number, to tell drives apart. */
static void path_text(EFI_DEVICE_PATH *dp, CHAR16 *out)
{
    CHAR16 *s, *from;
    INTN drive = mapboot_drive(dp);
    UINTN i = 0;

    if (!dp) {
        StrCpy(out, L"(none)");
        return;
    }
    s = DevicePathToStr(dp);
    if (!s) {
        StrCpy(out, L"(no text)");
        return;
    }
    from = s;
    if (drive >= 0) {
        CHAR16 hex[17];

        hex_text(hex, (UINT64)drive, 2);
        StrCpy(out, L"MapBoot(0x");
        StrCat(out, hex);
        StrCat(out, L")");
        i = StrLen(out);
        while (*from && *from != L'/')
            from++;
    }
    for (; i < PATH_CHARS && *from; i++)
        out[i] = *from++;
    if (*from) {
        out[i++] = L'.';
        out[i++] = L'.';
        out[i++] = L'.';
    }
    out[i] = 0;
    FreePool(s);
}

static void handle_path_text(EFI_HANDLE h, CHAR16 *out)
{
    path_text(h ? DevicePathFromHandle(h) : NULL, out);
}

static BOOLEAN is_blank(CHAR16 c)
{
    return c == L' ' || c == L'\t';
}

/* Finds the blank-separated word in opts that equals `word`, or, with
 * prefix set, that starts with it; returns a pointer just past the match
 * inside opts, or NULL. */
static const CHAR16 *find_word(const CHAR16 *opts, const CHAR16 *word, BOOLEAN prefix)
{
    const CHAR16 *p = opts;

    while (*p) {
        const CHAR16 *w = word;
        const CHAR16 *q;

        while (is_blank(*p))
            p++;
        if (!*p)
            break;
        q = p;
        while (*w && *q == *w) {
            q++;
            w++;
        }
        if (!*w && (prefix || !*q || is_blank(*q)))
            return q;
        while (*p && !is_blank(*p))
            p++;
    }
    return NULL;
}

static BOOLEAN has_word(const CHAR16 *opts, const CHAR16 *word)
{
    return find_word(opts, word, FALSE) != NULL;
}

/* Page-allocated buffers: BlockIo wants Media->IoAlign alignment, and pages
 * are 4 KiB aligned, which covers every IoAlign seen in practice. A larger
 * (power of two) IoAlign is honoured by over-allocating and rounding up. */
struct pagebuf {
    EFI_PHYSICAL_ADDRESS base;
    UINTN pages;
    UINT8 *p;
};

static EFI_STATUS pagebuf_alloc(struct pagebuf *b, UINT64 size, UINT32 io_align)
{
    BOOLEAN big_align = io_align > EFI_PAGE_SIZE && (io_align & (io_align - 1)) == 0;
    UINT64 addr;
    EFI_STATUS st;

    b->base = 0;
    b->p = NULL;
    b->pages = EFI_SIZE_TO_PAGES(size + (big_align ? io_align : 0));
    st = gBS->AllocatePages(AllocateAnyPages, EfiLoaderData, b->pages, &b->base);
    if (st != EFI_SUCCESS) {
        b->pages = 0;
        return st;
    }
    addr = b->base;
    if (big_align)
        addr = (addr + io_align - 1) & ~((UINT64)io_align - 1);
    b->p = (UINT8 *)(UINTN)addr;
    return EFI_SUCCESS;
}

static void pagebuf_free(struct pagebuf *b)
{
    if (b->pages)
        gBS->FreePages(b->base, b->pages);
    b->pages = 0;
    b->p = NULL;
}

/* ---- what we were started with ---- */

/* A NUL-terminated copy of LoadOptions, read no further than
 * LoadOptionsSize bytes (the loader need not terminate it). The caller
 * frees it with FreePool; NULL when there is no memory. */
static CHAR16 *copy_options(EFI_LOADED_IMAGE *li)
{
    const CHAR16 *src = NULL;
    UINTN n = 0, i;
    CHAR16 *opts;

    if (li && li->LoadOptions) {
        src = li->LoadOptions;
        n = li->LoadOptionsSize / sizeof(CHAR16);
    }
    opts = AllocatePool((n + 1) * sizeof(CHAR16));
    if (!opts)
        return NULL;
    for (i = 0; i < n && src[i]; i++)
        opts[i] = src[i];
    opts[i] = 0;
    return opts;
}

static void show_options(const CHAR16 *opts)
{
    CHAR16 line[OPTIONS_CHARS + 4];
    UINTN i;

    /* A control character (CR, LF, ESC) would break the one-line format. */
    for (i = 0; i < OPTIONS_CHARS && opts[i]; i++)
        line[i] = opts[i] < L' ' ? L'?' : opts[i];
    if (opts[i]) {
        line[i++] = L'.';
        line[i++] = L'.';
        line[i++] = L'.';
    }
    line[i] = 0;
    Print(L"payload: options: %s\n", line);
}

/* ---- step 5: the media of our own device ---- */

static void show_media(EFI_HANDLE dev)
{
    EFI_BLOCK_IO *bio = NULL;
    EFI_BLOCK_IO_MEDIA *m;
    EFI_STATUS st = EFI_NOT_FOUND;
    CHAR16 rev[17];

    if (dev)
        st = gBS->HandleProtocol(dev, &BlockIoProtocol, (void **)&bio);
    if (st != EFI_SUCCESS || !bio || !bio->Media) {
        Print(L"payload: media: none (%r)\n", st);
        return;
    }
    m = bio->Media;
    hex_text(rev, bio->Revision, 1);
    /* One line from several Prints: the revision 2 and 3 fields only exist
     * in the media structure when the revision says so. */
    Print(L"payload: media: rev=0x%s id=%u removable=%d present=%d logical=%d readonly=%d"
          L" blocksize=%u lastblock=%lu ioalign=%u",
          rev, m->MediaId, (INT32)m->RemovableMedia, (INT32)m->MediaPresent,
          (INT32)m->LogicalPartition, (INT32)m->ReadOnly, m->BlockSize,
          (UINT64)m->LastBlock, m->IoAlign);
    if (bio->Revision >= EFI_BLOCK_IO_PROTOCOL_REVISION2)
        Print(L" lowestaligned=%lu perphysical=%u", (UINT64)m->LowestAlignedLba,
              m->LogicalBlocksPerPhysicalBlock);
    if (bio->Revision >= EFI_BLOCK_IO_PROTOCOL_REVISION3)
        Print(L" granularity=%u", m->OptimalTransferLengthGranularity);
    Print(L"\n");
}

/* ---- steps 6 and 7: all BlockIo handles, and the first one ---- */

static void list_blockio(void)
{
    EFI_HANDLE *handles = NULL;
    UINTN count = 0, i;
    EFI_STATUS st;
    CHAR16 path[PATH_CHARS + 4];

    st = gBS->LocateHandleBuffer(ByProtocol, &BlockIoProtocol, NULL, &count, &handles);
    if (st != EFI_SUCCESS) {
        Print(L"payload: blockio: LocateHandleBuffer: %r\n", st);
        count = 0;
    }
    for (i = 0; i < count; i++) {
        EFI_BLOCK_IO *bio = NULL;

        handle_path_text(handles[i], path);
        st = gBS->HandleProtocol(handles[i], &BlockIoProtocol, (void **)&bio);
        if (st != EFI_SUCCESS || !bio || !bio->Media) {
            Print(L"payload: blockio %d: %s (%r)\n", (INT32)i, path, st);
            continue;
        }
        Print(L"payload: blockio %d: %s blocksize=%u lastblock=%lu readonly=%d removable=%d"
              L" logical=%d\n",
              (INT32)i, path, bio->Media->BlockSize, (UINT64)bio->Media->LastBlock,
              (INT32)bio->Media->ReadOnly, (INT32)bio->Media->RemovableMedia,
              (INT32)bio->Media->LogicalPartition);
    }
    Print(L"payload: blockio count %d\n", (INT32)count);
    if (handles)
        gBS->FreePool(handles);
}

/* Both lookups go through the boot-services table on purpose: mapboot may
 * hook exactly these two entries to put a mapped CD first, and a library
 * wrapper could hide (or cache around) the hook. */
static void first_blockio(void)
{
    EFI_HANDLE *buf = NULL;
    EFI_HANDLE *handles = NULL;
    UINTN size = 0, count = 0;
    EFI_STATUS st;
    CHAR16 path[PATH_CHARS + 4];

    st = gBS->LocateHandle(ByProtocol, &BlockIoProtocol, NULL, &size, NULL);
    if (st == EFI_BUFFER_TOO_SMALL) {
        buf = AllocatePool(size);
        if (!buf)
            st = EFI_OUT_OF_RESOURCES;
        else
            st = gBS->LocateHandle(ByProtocol, &BlockIoProtocol, NULL, &size, buf);
    } else if (st == EFI_SUCCESS) {
        /* success with no buffer would be a firmware bug; report it as such */
        st = EFI_PROTOCOL_ERROR;
    }
    if (st == EFI_SUCCESS && size >= sizeof(EFI_HANDLE)) {
        handle_path_text(buf[0], path);
        Print(L"payload: first blockio (LocateHandle): %s\n", path);
    } else {
        Print(L"payload: first blockio (LocateHandle): none (%r)\n", st);
    }
    if (buf)
        FreePool(buf);

    st = gBS->LocateHandleBuffer(ByProtocol, &BlockIoProtocol, NULL, &count, &handles);
    if (st == EFI_SUCCESS && count > 0) {
        handle_path_text(handles[0], path);
        Print(L"payload: first blockio (LocateHandleBuffer): %s\n", path);
    } else {
        Print(L"payload: first blockio (LocateHandleBuffer): none (%r)\n", st);
    }
    if (handles)
        gBS->FreePool(handles);
}

/* ---- step 8: \payload.dat on our own volume ---- */

/* Reads the whole open file into a new pool buffer; *data is the caller's to
 * FreePool (NULL for an empty file). */
static EFI_STATUS read_whole(EFI_FILE_HANDLE f, UINT8 **data, UINT64 *size)
{
    EFI_FILE_INFO *info;
    UINT8 *buf;
    UINT64 done = 0;
    EFI_STATUS st = EFI_SUCCESS;

    *data = NULL;
    *size = 0;
    info = LibFileInfo(f);
    if (!info)
        return EFI_DEVICE_ERROR;
    *size = info->FileSize;
    FreePool(info);
    if (*size == 0)
        return EFI_SUCCESS;
    buf = AllocatePool(*size);
    if (!buf)
        return EFI_OUT_OF_RESOURCES;
    while (done < *size) {
        UINTN n = *size - done;

        st = f->Read(f, &n, buf + done);
        if (st != EFI_SUCCESS)
            break;
        if (n == 0) {
            /* shorter than its directory entry says: never loop on it */
            st = EFI_END_OF_FILE;
            break;
        }
        done += n;
    }
    if (st != EFI_SUCCESS) {
        FreePool(buf);
        return st;
    }
    *data = buf;
    return EFI_SUCCESS;
}

static void file_test(EFI_HANDLE dev)
{
    EFI_FILE_IO_INTERFACE *fs = NULL;
    EFI_FILE_HANDLE root = NULL, f = NULL;
    UINT8 *data = NULL;
    UINT64 size = 0;
    UINT32 crc = 0;
    CHAR16 crc_hex[17];
    EFI_STATUS st = EFI_NOT_FOUND;

    if (dev)
        st = gBS->HandleProtocol(dev, &FileSystemProtocol, (void **)&fs);
    if (st == EFI_SUCCESS)
        st = fs->OpenVolume(fs, &root);
    if (st == EFI_SUCCESS)
        st = root->Open(root, &f, L"\\payload.dat", EFI_FILE_MODE_READ, 0);
    if (st == EFI_SUCCESS)
        st = read_whole(f, &data, &size);
    /* CalculateCrc32 refuses a zero size; the CRC-32 of nothing is 0 */
    if (st == EFI_SUCCESS && size > 0)
        st = gBS->CalculateCrc32(data, size, &crc);
    if (st == EFI_SUCCESS) {
        hex_text(crc_hex, crc, 8);
        Print(L"payload: file \\payload.dat %lu bytes crc32 %s\n", size, crc_hex);
    } else {
        Print(L"payload: file \\payload.dat: %r\n", st);
    }
    if (data)
        FreePool(data);
    if (f)
        f->Close(f);
    if (root)
        root->Close(root);
}

/* ---- step 9: write the last block of our own device ---- */

static void write_test(EFI_HANDLE dev)
{
    EFI_BLOCK_IO *bio = NULL;
    EFI_BLOCK_IO_MEDIA *m;
    struct pagebuf wbuf = { 0 }, rbuf = { 0 };
    EFI_LBA lba;
    UINTN i, textlen = sizeof(write_text) - 1;
    EFI_STATUS st = EFI_NOT_FOUND;

    if (dev)
        st = gBS->HandleProtocol(dev, &BlockIoProtocol, (void **)&bio);
    if (st != EFI_SUCCESS || !bio || !bio->Media) {
        Print(L"payload: write test: no BlockIo: %r\n", st);
        return;
    }
    m = bio->Media;
    lba = m->LastBlock;
    if (m->BlockSize == 0) {
        Print(L"payload: write test: block size 0\n");
        return;
    }
    st = pagebuf_alloc(&wbuf, m->BlockSize, m->IoAlign);
    if (st == EFI_SUCCESS)
        st = pagebuf_alloc(&rbuf, m->BlockSize, m->IoAlign);
    if (st != EFI_SUCCESS) {
        Print(L"payload: write test: no memory: %r\n", st);
        goto out;
    }

    st = bio->ReadBlocks(bio, m->MediaId, lba, m->BlockSize, rbuf.p);
    if (st != EFI_SUCCESS) {
        /* EDK2's El Torito child claims LastBlock in 512-byte units with
         * 2048-byte blocks, so its last block lies past the CD: use block 0 */
        Print(L"payload: write test: lba %lu unreadable (%r), using lba 0\n", (UINT64)lba, st);
        lba = 0;
        st = bio->ReadBlocks(bio, m->MediaId, lba, m->BlockSize, rbuf.p);
        if (st != EFI_SUCCESS) {
            Print(L"payload: write test: read failed: %r\n", st);
            goto out;
        }
    }

    for (i = 0; i < m->BlockSize; i++)
        wbuf.p[i] = (UINT8)write_text[i % textlen];
    st = bio->WriteBlocks(bio, m->MediaId, lba, m->BlockSize, wbuf.p);
    /* %r is gnu-efi's StatusToString: "Success", "Write Protected", ... */
    Print(L"payload: write lba %lu: %r\n", (UINT64)lba, st);
    if (st != EFI_SUCCESS)
        goto out;

    st = bio->FlushBlocks(bio);
    if (st != EFI_SUCCESS)
        Print(L"payload: write flush: %r\n", st);
    SetMem(rbuf.p, m->BlockSize, 0);
    st = bio->ReadBlocks(bio, m->MediaId, lba, m->BlockSize, rbuf.p);
    if (st != EFI_SUCCESS)
        Print(L"payload: write read-back failed: %r\n", st);
    Print(L"payload: write reads back: %s\n",
          st == EFI_SUCCESS && CompareMem(rbuf.p, wbuf.p, m->BlockSize) == 0 ? L"yes" : L"no");
    /* the block keeps what we wrote: the tests look for it on the host */
out:
    pagebuf_free(&rbuf);
    pagebuf_free(&wbuf);
}

/* ---- bench mode ---- */

/* Whole disks made by mapboot: their device path starts with a hardware
 * vendor node carrying mapboot's GUID. */
static BOOLEAN is_mapped_disk(EFI_HANDLE h, EFI_BLOCK_IO *bio)
{
    return !bio->Media->LogicalPartition && mapboot_drive(DevicePathFromHandle(h)) >= 0;
}

/* One block at the start of every MiB gets a changed pattern (its bytes
 * inverted, so it differs from whatever was there), which gives a
 * copy-on-write overlay one entry per MiB before the timed reads. */
static EFI_STATUS bench_dirty(EFI_BLOCK_IO *bio, UINT8 *buf, UINT64 bytes, UINT64 *written)
{
    UINT32 bs = bio->Media->BlockSize;
    UINT64 off;
    UINTN i;
    EFI_STATUS st;

    *written = 0;
    for (off = 0; off < bytes; off += MIB) {
        EFI_LBA lba = off / bs;

        st = bio->ReadBlocks(bio, bio->Media->MediaId, lba, bs, buf);
        if (st != EFI_SUCCESS)
            return st;
        for (i = 0; i < bs; i++)
            buf[i] = (UINT8)~buf[i];
        st = bio->WriteBlocks(bio, bio->Media->MediaId, lba, bs, buf);
        if (st != EFI_SUCCESS)
            return st;
        *written += 1;
    }
    return bio->FlushBlocks(bio);
}

/* The whole disk through ReadBlocks in 4 MiB requests; ticks of the fastest
 * of `rounds` rounds, or an error with the failing LBA in *bad_lba. */
static EFI_STATUS bench_read(EFI_BLOCK_IO *bio, UINT8 *buf, UINT64 bytes, UINTN rounds,
                             UINT64 *best, EFI_LBA *bad_lba)
{
    UINT32 bs = bio->Media->BlockSize;
    UINT64 chunk = (BENCH_CHUNK / bs) * bs;     /* whole blocks, for odd block sizes */
    UINTN r;

    *best = 0;
    for (r = 0; r < rounds; r++) {
        UINT64 off, t0, t;

        t0 = rdtsc();
        for (off = 0; off < bytes; off += chunk) {
            UINT64 n = bytes - off < chunk ? bytes - off : chunk;
            EFI_STATUS st = bio->ReadBlocks(bio, bio->Media->MediaId, off / bs, n, buf);

            if (st != EFI_SUCCESS) {
                *bad_lba = off / bs;
                return st;
            }
        }
        t = rdtsc() - t0;
        if (r == 0 || t < *best)
            *best = t;
    }
    return EFI_SUCCESS;
}

/* The reference: the same bytes copied 4 MiB at a time from a region as
 * large as the disk (so it is not served from the CPU caches any more than
 * a RAM disk would be) with gBS->CopyMem, the firmware's optimized copy
 * rather than gnu-efi's byte loop. */
static UINT64 bench_copy(UINT8 *dst, UINT8 *src, UINT64 bytes, UINTN rounds)
{
    UINT64 best = 0;
    UINTN r;

    for (r = 0; r < rounds; r++) {
        UINT64 off, t0, t;

        t0 = rdtsc();
        for (off = 0; off < bytes; off += BENCH_CHUNK) {
            UINT64 n = bytes - off < BENCH_CHUNK ? bytes - off : BENCH_CHUNK;

            gBS->CopyMem(dst, src + off, n);
        }
        t = rdtsc() - t0;
        if (r == 0 || t < best)
            best = t;
    }
    return best;
}

static UINT64 mib_per_s(UINT64 bytes, UINT64 ticks, UINT64 tsc_hz)
{
    if (ticks == 0)
        return 0;
    /* in KiB first, so that bytes * tsc_hz cannot overflow 64 bits */
    return (bytes / 1024) * tsc_hz / ticks / 1024;
}

static void bench_disk(EFI_HANDLE h, EFI_BLOCK_IO *bio, const CHAR16 *opts, UINTN rounds,
                       UINT64 tsc_hz)
{
    EFI_BLOCK_IO_MEDIA *m = bio->Media;
    UINT64 bytes = (m->LastBlock + 1) * (UINT64)m->BlockSize;
    struct pagebuf buf = { 0 }, src = { 0 };
    UINT64 read_ticks = 0, copy_ticks = 0, written = 0;
    EFI_LBA bad_lba = 0;
    CHAR16 path[PATH_CHARS + 4];
    EFI_STATUS st;

    handle_path_text(h, path);
    if (m->BlockSize == 0 || m->BlockSize > BENCH_CHUNK) {
        Print(L"payload: bench %s: block size %u not usable\n", path, m->BlockSize);
        return;
    }
    st = pagebuf_alloc(&buf, BENCH_CHUNK, m->IoAlign);
    if (st != EFI_SUCCESS) {
        Print(L"payload: bench %s: no memory for the 4 MiB buffer: %r\n", path, st);
        return;
    }

    if (has_word(opts, L"dirty")) {
        st = bench_dirty(bio, buf.p, bytes, &written);
        Print(L"payload: bench dirty %s: %lu blocks: %r\n", path, written, st);
    }

    st = bench_read(bio, buf.p, bytes, rounds, &read_ticks, &bad_lba);
    if (st != EFI_SUCCESS) {
        Print(L"payload: bench %s: read lba %lu: %r\n", path, (UINT64)bad_lba, st);
        goto out;
    }

    st = pagebuf_alloc(&src, bytes, 1);
    if (st == EFI_SUCCESS) {
        /* touch every page once, outside the timing */
        gBS->SetMem(src.p, bytes, 0xa5);
        copy_ticks = bench_copy(buf.p, src.p, bytes, rounds);
    } else {
        /* still print the bench line; 0 says the reference is missing */
        Print(L"payload: bench %s: no memory for a %lu byte reference: %r\n", path, bytes, st);
    }

    Print(L"payload: bench %s bytes=%lu readblocks_ticks=%lu memcpy_ticks=%lu"
          L" readblocks_mibs=%lu memcpy_mibs=%lu\n",
          path, bytes, read_ticks, copy_ticks, mib_per_s(bytes, read_ticks, tsc_hz),
          mib_per_s(bytes, copy_ticks, tsc_hz));
out:
    pagebuf_free(&src);
    pagebuf_free(&buf);
}

static void bench(const CHAR16 *opts)
{
    EFI_HANDLE *handles = NULL;
    UINTN count = 0, i, rounds = BENCH_ROUNDS, matched = 0;
    const CHAR16 *r;
    UINT64 t0, tsc_hz;
    EFI_STATUS st;

    r = find_word(opts, L"rounds=", TRUE);
    if (r) {
        rounds = 0;
        while (*r >= L'0' && *r <= L'9' && rounds <= BENCH_MAX_ROUNDS)
            rounds = rounds * 10 + (*r++ - L'0');
        if (rounds < 1)
            rounds = 1;
        if (rounds > BENCH_MAX_ROUNDS)
            rounds = BENCH_MAX_ROUNDS;
    }

    /* Only ratios matter, but MiB/s needs the TSC rate: 100 ms of Stall. */
    t0 = rdtsc();
    gBS->Stall(100000);
    tsc_hz = (rdtsc() - t0) * 10;
    Print(L"payload: bench tsc_hz=%lu rounds=%d\n", tsc_hz, (INT32)rounds);

    st = gBS->LocateHandleBuffer(ByProtocol, &BlockIoProtocol, NULL, &count, &handles);
    if (st != EFI_SUCCESS) {
        Print(L"payload: bench: LocateHandleBuffer: %r\n", st);
        count = 0;
    }
    for (i = 0; i < count; i++) {
        EFI_BLOCK_IO *bio = NULL;

        st = gBS->HandleProtocol(handles[i], &BlockIoProtocol, (void **)&bio);
        if (st != EFI_SUCCESS || !bio || !bio->Media || !is_mapped_disk(handles[i], bio))
            continue;
        matched++;
        bench_disk(handles[i], bio, opts, rounds, tsc_hz);
    }
    if (handles)
        gBS->FreePool(handles);
    if (matched == 0)
        Print(L"payload: bench: no mapped drives\n");
    Print(L"payload: bench done\n");
}

/* ---- entry ---- */

/*
 * Whether shim's SHIM_LOCK protocol is still there, which a loader mapboot
 * starts under shim (a distribution's GRUB) needs, and the volatile
 * variable ShimRetainProtocol (in shim's GUID) that asks shim 15.8 on to
 * keep it when its second stage starts an image ("unset" when there is none).
 */
static void show_shim(void)
{
    EFI_GUID guid = { 0x605dab50, 0xe046, 0x4300, { 0xab, 0xb6, 0x3d, 0xd8, 0x10, 0xdd, 0x8b, 0x23 } };
    void *p = NULL;
    UINT8 v = 0;
    UINTN size = sizeof(v);
    Print(L"payload: shim lock: %s\n",
          gBS->LocateProtocol(&guid, NULL, &p) == EFI_SUCCESS ? L"present" : L"absent");
    if (gRT->GetVariable(L"ShimRetainProtocol", &guid, NULL, &size, &v) == EFI_SUCCESS)
        Print(L"payload: ShimRetainProtocol: %d\n", (INT32)v);
    else
        Print(L"payload: ShimRetainProtocol: unset\n");
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
    EFI_LOADED_IMAGE *li = NULL;
    EFI_HANDLE dev = NULL;
    CHAR16 *opts_pool, *opts;
    CHAR16 path[PATH_CHARS + 4];
    BOOLEAN ret;
    EFI_STATUS st;

    InitializeLib(image, systab);
    /* A long bench under TCG must not be cut short by a boot-manager watchdog. */
    gBS->SetWatchdogTimer(0, 0, 0, NULL);
    Print(L"payload: START\n");

    st = gBS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li);
    if (st != EFI_SUCCESS || !li) {
        Print(L"payload: no LoadedImage: %r\n", st);
        li = NULL;
    }
    opts_pool = copy_options(li);
    opts = opts_pool;
    if (!opts) {
        Print(L"payload: no memory for the options\n");
        opts = L"";
    }
    show_options(opts);
    ret = has_word(opts, L"return");

    path_text(li ? li->FilePath : NULL, path);
    Print(L"payload: image: %s\n", path);
    if (li)
        dev = li->DeviceHandle;
    handle_path_text(dev, path);
    Print(L"payload: device: %s\n", path);
    show_shim();

    if (has_word(opts, L"bench")) {
        bench(opts);
    } else {
        show_media(dev);
        list_blockio();
        first_blockio();
        file_test(dev);
        if (has_word(opts, L"nowrite"))
            Print(L"payload: write test skipped\n");
        else
            write_test(dev);
    }

    Print(L"payload: DONE\n");
    if (ret) {
        Print(L"payload: returning\n");
        if (opts_pool)
            FreePool(opts_pool);
        return EFI_SUCCESS;
    }
    gRT->ResetSystem(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
    /* not reached on working firmware; let the loader carry on if it is */
    Print(L"payload: ResetSystem returned\n");
    return EFI_SUCCESS;
}
