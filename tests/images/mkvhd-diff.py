#!/usr/bin/env python3
"""mkvhd-diff.py: write the VHD images that qemu-img cannot, for mapboot's tests
(tests/unit/test_vhd.c) and fuzz seeds (tests/fuzz/seeds/fuzz_img_vhd.sh).

  mkvhd-diff.py PARENT CHILD [--rel PATH] [--abs PATH] [--sectors N,N,...]
                [--block-size BYTES]
      A differencing VHD over PARENT (any VHD: its footer gives the size and
      unique id the child records). Sectors listed get new contents (see
      sector_bytes); the rest of an allocated block is filled with 0xEE and
      its bitmap bit left clear, so a reader that ignores the bitmap shows it.
      --rel writes a W2ru locator (relative, e.g. '.\\parent.vhd'), --abs a W2ku
      one (e.g. 'C:\\dir\\parent.vhd'); by default both, for PARENT's name.

  mkvhd-diff.py --dynamic RAW OUT [--block-size BYTES] [--reverse]
      A dynamic VHD of RAW (its size must be whole sectors) with the given
      block size; all-zero blocks stay unallocated. --reverse lays the blocks
      out in the file in the reverse of their disk order (a reader that
      streams the file must sort them).

Everything is deterministic: the unique id and timestamps derive from the
inputs, so a test can rebuild the same bytes.
"""
import argparse
import hashlib
import struct
import sys

SECTOR = 512


def checksum(buf, skip):
    """Ones' complement of the byte sum, the 4-byte field at skip left out."""
    total = sum(buf[:skip]) + sum(buf[skip + 4:])
    return (~total) & 0xFFFFFFFF


def sector_bytes(sector):
    """The contents the child gives a changed sector (test_vhd.c has the same)."""
    return bytes(((sector * 13 + j * 7 + 0xA5) & 0xFF) for j in range(SECTOR))


def read_footer(path):
    with open(path, 'rb') as f:
        data = f.read()
    for foot in (data[-SECTOR:], data[:SECTOR]):
        if foot[:8] == b'conectix':
            return foot
    sys.exit('%s: no VHD footer' % path)


def footer(disk_type, size, data_offset, uid, timestamp, geometry):
    f = bytearray(SECTOR)
    f[0:8] = b'conectix'
    struct.pack_into('>IIQI4sI4sQQIII', f, 8, 2, 0x00010000, data_offset, timestamp,
                     b'mkvh', 0x00010000, b'Wi2k', size, size, geometry, disk_type, 0)
    f[68:84] = uid
    struct.pack_into('>I', f, 64, checksum(f, 64))
    return bytes(f)


def layout(size, block_size, locators):
    """Offsets: footer copy, header, BAT, locator data, first block."""
    entries = (size + block_size - 1) // block_size
    bat_off = 512 + 1024
    bat_bytes = (entries * 4 + SECTOR - 1) // SECTOR * SECTOR
    loc_off = bat_off + bat_bytes
    data_off = loc_off + SECTOR * len(locators)
    return entries, bat_off, bat_bytes, loc_off, data_off


def header(bat_off, entries, block_size, parent_uid=b'\0' * 16, parent_ts=0, parent_name='',
           locators=(), loc_off=0):
    h = bytearray(1024)
    h[0:8] = b'cxsparse'
    struct.pack_into('>QQIII', h, 8, 0xFFFFFFFFFFFFFFFF, bat_off, 0x00010000, entries,
                     block_size)
    h[40:56] = parent_uid
    struct.pack_into('>I', h, 56, parent_ts)
    name = parent_name.encode('utf-16-be')[:512]
    h[64:64 + len(name)] = name
    for i, (code, _) in enumerate(locators):
        struct.pack_into('>4sIIIQ', h, 576 + 24 * i, code, SECTOR,
                         len(locators[i][1]), 0, loc_off + SECTOR * i)
    struct.pack_into('>I', h, 36, checksum(h, 36))
    return bytes(h)


def bitmap_bytes(block_size):
    return ((block_size // SECTOR + 7) // 8 + SECTOR - 1) // SECTOR * SECTOR


def write_vhd(out, disk_type, size, uid, ts, geometry, hdr, bat_off, bat_bytes, loc_off,
              locators, blocks, entries):
    """blocks: list of (index, bitmap, data) in file order."""
    bat = [0xFFFFFFFF] * entries
    body = bytearray()
    pos = loc_off + SECTOR * len(locators)
    for index, bm, data in blocks:
        bat[index] = (pos + len(body)) // SECTOR
        body += bm + data
    foot = footer(disk_type, size, 512, uid, ts, geometry)
    with open(out, 'wb') as f:
        f.write(foot)
        f.write(hdr)
        table = struct.pack('>%dI' % entries, *bat)
        f.write(table + b'\xff' * (bat_bytes - len(table)))
        for _, data in locators:
            f.write(data + b'\0' * (SECTOR - len(data)))
        f.write(body)
        f.write(foot)


def differencing(args):
    pf = read_footer(args.parent)
    size = struct.unpack_from('>Q', pf, 48)[0]
    geometry = struct.unpack_from('>I', pf, 56)[0]
    parent_uid = pf[68:84]
    parent_ts = struct.unpack_from('>I', pf, 24)[0]
    base = args.parent.replace('\\', '/').rsplit('/', 1)[-1]
    rel = args.rel if args.rel is not None else '.\\' + base
    absolute = args.abs if args.abs is not None else 'C:\\' + base
    locators = []
    if rel:
        locators.append((b'W2ru', rel.encode('utf-16-le')))
    if absolute:
        locators.append((b'W2ku', absolute.encode('utf-16-le')))
    bs = args.block_size
    sectors = sorted({int(x) for x in args.sectors.split(',') if x}) if args.sectors else []
    entries, bat_off, bat_bytes, loc_off, _ = layout(size, bs, locators)
    per_block = {}
    for s in sectors:
        if s * SECTOR >= size:
            sys.exit('sector %d is past the disk (%d bytes)' % (s, size))
        per_block.setdefault(s * SECTOR // bs, []).append(s)
    blocks = []
    for index in sorted(per_block):
        bm = bytearray(bitmap_bytes(bs))
        data = bytearray(b'\xee' * bs)
        for s in per_block[index]:
            k = s - index * bs // SECTOR
            bm[k // 8] |= 0x80 >> (k % 8)
            data[k * SECTOR:(k + 1) * SECTOR] = sector_bytes(s)
        blocks.append((index, bytes(bm), bytes(data)))
    seed = hashlib.md5(parent_uid + args.sectors.encode() + rel.encode() +
                       absolute.encode()).digest()
    name = absolute.rsplit('\\', 1)[-1] if absolute else base
    hdr = header(bat_off, entries, bs, parent_uid, parent_ts, name, locators, loc_off)
    write_vhd(args.child, 4, size, seed, parent_ts + 1, geometry, hdr, bat_off, bat_bytes,
              loc_off, locators, blocks, entries)


def dynamic(args):
    with open(args.parent, 'rb') as f:
        raw = f.read()
    size, bs = len(raw), args.block_size
    if size % SECTOR:
        sys.exit('%s: %d bytes is not whole sectors' % (args.parent, size))
    entries, bat_off, bat_bytes, loc_off, _ = layout(size, bs, [])
    blocks = []
    for index in range(entries):
        data = raw[index * bs:(index + 1) * bs]
        if data.count(0) == len(data):
            continue
        data += b'\0' * (bs - len(data))
        blocks.append((index, b'\xff' * bitmap_bytes(bs), data))
    if args.reverse:
        blocks.reverse()
    uid = hashlib.md5(raw).digest()
    # geometry 0xFFFF10FF (the largest, as qemu-img writes with force_size)
    # makes qemu take the current size too, so qemu-img compare can check these
    write_vhd(args.child, 3, size, uid, 1, 0xFFFF10FF, header(bat_off, entries, bs), bat_off,
              bat_bytes, loc_off, [], blocks, entries)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('parent', help='the parent VHD (or, with --dynamic, the raw image)')
    p.add_argument('child', help='the VHD to write')
    p.add_argument('--rel', help='W2ru locator path ("" for none)')
    p.add_argument('--abs', help='W2ku locator path ("" for none)')
    p.add_argument('--sectors', default='', help='sectors to change, comma-separated')
    p.add_argument('--block-size', type=int, default=2 << 20)
    p.add_argument('--dynamic', action='store_true', help='a dynamic VHD of a raw image')
    p.add_argument('--reverse', action='store_true', help='blocks in reverse disk order')
    args = p.parse_args()
    bs = args.block_size
    if bs < SECTOR or bs & (bs - 1):
        sys.exit('--block-size must be a power of two of at least 512')
    (dynamic if args.dynamic else differencing)(args)


if __name__ == '__main__':
    main()
