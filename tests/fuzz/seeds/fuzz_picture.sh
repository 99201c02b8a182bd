#!/bin/sh
# fuzz_picture.sh OUTDIR: small PNG (RGB, grey, palette, interlaced) and BMP
# (24 and 8 bits) pictures for fuzz_picture, written by Python's zlib.
set -eu
python3 - "$1" <<'PY'
import struct, sys, zlib
out = sys.argv[1]
def chunk(k, b):
    return struct.pack(">I", len(b)) + k + b + struct.pack(">I", zlib.crc32(k + b))
def png(name, w, h, ctype, bpp, extra=b"", interlace=0):
    raw = b"".join(b"\0" + bytes((x * 7 + y * 3) & 255 for x in range(w * bpp)) for y in range(h))
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, ctype, 0, 0, interlace))
            + extra + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    open("%s/%s" % (out, name), "wb").write(data)
png("seed-rgb.png", 9, 7, 2, 3)
png("seed-grey.png", 5, 5, 0, 1)
png("seed-rgba.png", 4, 3, 6, 4)
png("seed-palette.png", 6, 4, 3, 1, chunk(b"PLTE", bytes(range(3 * 16))))
def bmp(name, w, h, bits):
    rowlen = (w * bits // 8 + 3) & ~3
    rows = bytes((i * 5) & 255 for i in range(rowlen * h))
    pal = bytes(i & 255 for i in range(4 * 256)) if bits == 8 else b""
    off = 54 + len(pal)
    data = (b"BM" + struct.pack("<IHHI", off + len(rows), 0, 0, off) +
            struct.pack("<IiiHHIIiiII", 40, w, h, 1, bits, 0, len(rows), 0, 0, 256 if bits == 8 else 0, 0) + pal + rows)
    open("%s/%s" % (out, name), "wb").write(data)
bmp("seed-24.bmp", 7, 5, 24)
bmp("seed-8.bmp", 6, 4, 8)
PY
