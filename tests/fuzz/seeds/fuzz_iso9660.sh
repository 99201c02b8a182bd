#!/bin/sh
# fuzz_iso9660.sh OUTDIR: seeds for fuzz_iso9660, made at run time with
# xorriso: tiny ISOs (Joliet + Rock Ridge, Joliet only, Rock Ridge only,
# plain levels 1 and 3; Rock Ridge with symlinks, long names in
# continuation areas and, from genisoimage, relocated deep directories)
# cut to the harness' layout: the bytes from 32768
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

# Rock Ridge: symlinks (relative, absolute, to a directory, a loop), a name
# long enough to need a continuation area, and a tree deep enough that
# genisoimage relocates it (RE/CL, rr_moved)
rr=$tmp/rrsrc
mkdir -p "$rr/a/b/c/d/e/f/g/h/i/j" "$rr/sub"
echo deep >"$rr/a/b/c/d/e/f/g/h/i/j/deep.txt"
echo inner >"$rr/sub/x.txt"
echo long >"$rr/sub/$(printf 'n%.0s' $(seq 1 200))"
echo Case >"$rr/Case.txt"
echo case >"$rr/case.txt"
ln -s sub/x.txt "$rr/rel"
ln -s /sub "$rr/abs_dir"
ln -s ../rel "$rr/sub/up"
ln -s loop2 "$rr/loop1"
ln -s loop1 "$rr/loop2"
xorriso -as mkisofs -R -V RRLINKS -o "$tmp/rrlinks.iso" "$rr" >/dev/null 2>&1
seed "$tmp/rrlinks.iso" seed-iso-rr-links
if command -v genisoimage >/dev/null; then
    genisoimage -R -J -V RRDEEP -o "$tmp/rrdeep.iso" "$rr" >/dev/null 2>&1
    seed "$tmp/rrdeep.iso" seed-iso-rr-deep
fi

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

# Rock Ridge regressions, patched by byte search in the seed (its offset 0 is
# byte 32768 of the image): a continuation area that is its own CE entry, an
# NM longer than its area, an SL component longer than its entry
python3 - "$out/seed-iso-rr-links" "$out" <<'PY'
import struct, sys
src, out = sys.argv[1], sys.argv[2]
base = bytes(open(src, 'rb').read())
def variant(name, fn):
    d = bytearray(base)
    if fn(d):
        open(out + '/' + name, 'wb').write(bytes(d))
def ce_loop(d):
    o = d.rfind(b'CE\x1c\x01')  # a file's, not the root's (where the ER is)
    if o < 0:
        return False
    at = o + 32768
    for f, v in ((4, at // 2048), (12, at % 2048), (20, 28)):
        struct.pack_into('<I', d, o + f, v)
        struct.pack_into('>I', d, o + f + 4, v)
    return True
def nm_overrun(d):
    o = d.find(b'NM', d.find(b'RRIP_1991A'))
    if o < 0:
        return False
    d[o + 2] = 250
    return True
def sl_overrun(d):
    o = d.find(b'SL')
    if o < 0:
        return False
    d[o + 6] = 200
    return True
variant('seed-iso-rr-ce-loop', ce_loop)
variant('seed-iso-rr-nm-overrun', nm_overrun)
variant('seed-iso-rr-sl-overrun', sl_overrun)
PY
