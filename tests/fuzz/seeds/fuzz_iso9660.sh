#!/bin/sh
# fuzz_iso9660.sh OUTDIR: seeds for fuzz_iso9660, made at run time with
# xorriso: tiny ISOs (Joliet + Rock Ridge, Joliet only, Rock Ridge only,
# plain levels 1 and 3) cut to the harness' layout: the bytes from 32768
# (sector 16) on, at most 64 KiB, which hold the descriptors, path tables,
# directories and small files of a tiny image.
# One seed has a file split into a multi-extent chain by python3.
set -eu
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C.UTF-8
# seed IMG NAME: the harness' part of IMG.
seed() { tail -c +32769 "$1" | head -c 65536 >"$out/$2"; }

src=$tmp/src
mkdir -p "$src/dir/sub/deeper" "$src/Other Dir"
echo hello >"$src/readme.txt"
echo deep >"$src/dir/sub/deeper/file.txt"
printf 'x%.0s' $(seq 1 3000) >"$src/dir/two-sectors.bin"
echo gruss >"$src/Grüße.txt"
: >"$src/empty"
echo spaced >"$src/Other Dir/a b.txt"

mk() { name=$1; shift; xorriso -as mkisofs -input-charset utf-8 "$@" -o "$tmp/$name.iso" "$src" >/dev/null 2>&1; seed "$tmp/$name.iso" "seed-iso-$name"; }
mk joliet-rr -J -R -V JOLIET --modification-date=2024013112000000
mk joliet -J -V JOLIETONLY
mk plain-l1 -V PLAIN
mk plain-l3 -iso-level 3 -V LEVEL3
mk rr -R -V RR

# a multi-extent chain: readme.txt (primary tree of the plain level-3 image)
# becomes two records, 3 bytes then the rest, flagged 0x80 on the first
python3 - "$tmp/plain-l3.iso" "$out/seed-iso-multi-extent" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
pvd = 16 * 2048
root = struct.unpack_from('<I', d, pvd + 158)[0] * 2048
pos = root
while d[pos]:
    n = d[pos + 33:pos + 33 + d[pos + 32]]
    if n.startswith(b'README.TXT'):
        break
    pos += d[pos]
rec = bytes(d[pos:pos + d[pos]])
end = pos
while d[end]:
    end += d[end]
size = struct.unpack_from('<I', rec, 10)[0]
first = bytearray(rec)
struct.pack_into('<I', first, 10, 3)
struct.pack_into('>I', first, 14, 3)
first[25] |= 0x80
second = bytearray(rec)
struct.pack_into('<I', second, 2, struct.unpack_from('<I', rec, 2)[0] + 1)
struct.pack_into('>I', second, 6, struct.unpack_from('<I', rec, 2)[0] + 1)
struct.pack_into('<I', second, 10, size - 3)
struct.pack_into('>I', second, 14, size - 3)
d[pos:end] = bytes(first) + bytes(second) + bytes(d[pos + len(rec):end])
del d[end + len(rec):end + 2 * len(rec)]  # keep the sector's size
open(sys.argv[2], 'wb').write(bytes(d[32768:32768 + 65536]))
PY
