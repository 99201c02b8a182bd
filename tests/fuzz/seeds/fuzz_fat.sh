#!/bin/sh
# fuzz_fat.sh OUTDIR: seed images for fuzz_fat, made with mkfs.fat and mtools
# at run time: the first 64 KiB of small FAT12, FAT16 and FAT32 volumes (boot
# sector, FATs, root directory and the first files), with long and short
# names, subdirectories, a deleted file and a fragmented one.
set -eu
out=$1
export MTOOLS_SKIP_CHECK=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out" "$tmp/t/Sub Dir/deeper" "$tmp/t/EMPTYDIR"
echo hello >"$tmp/t/hello.txt"
echo short >"$tmp/t/SHORT.TXT"
echo lower >"$tmp/t/lower.txt"
echo "long name" >"$tmp/t/A Long File Name With Spaces.text"
echo "grüße" >"$tmp/t/Grüße ünïcödé.txt"
echo deep >"$tmp/t/Sub Dir/deeper/file.bin"
head -c 5000 /dev/zero | tr '\0' 'x' >"$tmp/t/Sub Dir/five-k.txt"
: >"$tmp/t/empty"

# seed NAME MKFS-ARGS... KIB: a volume with the tree; its first 64 KiB is the seed
seed() {
    name=$1; shift
    img="$tmp/$name.img"
    mkfs.fat -C "$@" >/dev/null 2>&1
    mv "$tmp/img" "$img"
    mcopy -s -i "$img" "$tmp"/t/* ::/
    # a deleted file and a file split around another one
    echo gone >"$tmp/gone.txt" && mcopy -i "$img" "$tmp/gone.txt" ::/
    head -c 1500 /dev/zero >"$tmp/a" && mcopy -i "$img" "$tmp/a" ::/FRAG.BIN
    mcopy -i "$img" "$tmp/gone.txt" ::/SPACER.TXT
    mdel -i "$img" ::/gone.txt
    head -c 3000 /dev/zero >"$tmp/a" && mcopy -o -i "$img" "$tmp/a" ::/FRAG.BIN
    head -c 65536 "$img" >"$out/seed_$name"
}
seed fat12 -F 12 -s 1 -r 64 -i 1234ABCD -n FUZZ12 "$tmp/img" 512
seed fat12_2fats_big_clusters -F 12 -s 4 -r 32 -i 0 "$tmp/img" 1024
seed fat16 -F 16 -s 1 -r 32 -f 1 -i CAFEF00D -n FUZZ16 "$tmp/img" 3000
seed fat12_4k_sectors -F 12 -S 4096 -s 1 -r 128 "$tmp/img" 1024
# mtools takes a FAT32 this small for FAT16, so the FAT16 volume's files are
# moved into a FAT32 one here: the same clusters, the FAT widened to 32 bits,
# the fixed root directory put in a chain after the last cluster used.
mkfs.fat -C -F 32 -s 1 -f 1 -R 2 -i 32323232 -n FUZZ32 "$tmp/fat32.img" 3000 >/dev/null 2>&1
python3 - "$tmp/fat16.img" "$tmp/fat32.img" <<'PY'
import struct, sys
a = bytearray(open(sys.argv[1], 'rb').read())
b = bytearray(open(sys.argv[2], 'rb').read())
u16 = lambda d, o: struct.unpack_from('<H', d, o)[0]
u32 = lambda d, o: struct.unpack_from('<I', d, o)[0]
bps = u16(a, 11)
a_fat = u16(a, 14) * bps
a_root = a_fat + a[16] * u16(a, 22) * bps
a_data = a_root + u16(a, 17) * 32
b_fat = u16(b, 14) * bps
b_data = b_fat + b[16] * u32(b, 36) * bps
used = [c for c in range(2, (len(a) - a_data) // bps + 2) if u16(a, a_fat + 2 * c)]
root = max(used) + 1
def link(c, v):
    struct.pack_into('<I', b, b_fat + 4 * c, v)
for c in used:
    v = u16(a, a_fat + 2 * c)
    link(c, 0x0FFFFFFF if v >= 0xFFF8 else v)
    b[b_data + (c - 2) * bps:b_data + (c - 1) * bps] = a[a_data + (c - 2) * bps:a_data + (c - 1) * bps]
n = u16(a, 17) * 32 // bps
for i in range(n):
    link(root + i, root + i + 1 if i + 1 < n else 0x0FFFFFFF)
b[b_data + (root - 2) * bps:b_data + (root - 2 + n) * bps] = a[a_root:a_root + n * bps]
struct.pack_into('<I', b, 44, root)
open(sys.argv[2], 'wb').write(b)
PY
head -c 65536 "$tmp/fat32.img" >"$out/seed_fat32"
ls "$out"/seed_* >/dev/null
