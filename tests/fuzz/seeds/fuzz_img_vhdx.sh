#!/bin/sh
# fuzz_img_vhdx.sh OUTDIR: seeds for fuzz_img_vhdx, made at run time with qemu-img
# from a 4 MiB raw image with a pattern and a zero hole: dynamic and fixed,
# 1 MiB and default (8 MiB) blocks. A seed is the pieces the harness lays
# into its file, cut from the same offsets (see the table in fuzz_img_vhdx.c):
# a flags byte (bit 0: fix up the CRC-32Cs, each image comes both ways;
# bit 1: the long read and scatter; bit 2: as a stream), a size
# byte (0: the whole 32 MiB), then the headers, region tables, BAT,
# metadata table and items, and the first 16 KiB of the first block.
set -eu
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
python3 - "$tmp/raw.img" <<'PY'
import sys
b = bytearray((i * 31 + (i >> 9) * 7) & 255 for i in range(4 * 1024 * 1024 + 1536))
b[1 << 20:2 << 20] = bytes(1 << 20)
open(sys.argv[1], 'wb').write(b)
PY
# cut IMG FLAGS NAME: the harness's pieces of IMG
cut() {
    {
        printf "\\$(printf %03o "$2")\\000"
        dd if="$1" bs=1 skip=65536 count=256 status=none
        dd if="$1" bs=1 skip=131072 count=256 status=none
        dd if="$1" bs=1 skip=196608 count=512 status=none
        dd if="$1" bs=1 skip=262144 count=512 status=none
        dd if="$1" bs=1024 skip=2048 count=1 status=none
        dd if="$1" bs=512 skip=6144 count=1 status=none
        dd if="$1" bs=256 skip=12544 count=1 status=none
        dd if="$1" bs=16384 skip=512 count=1 status=none
    } >"$out/$3"
}
for opts in dynamic,block_size=1M fixed,block_size=1M dynamic fixed; do
    name=$(echo "$opts" | tr ',=' '--')
    qemu-img convert -f raw -O vhdx -o "subformat=$opts" "$tmp/raw.img" "$tmp/$name.vhdx"
    cut "$tmp/$name.vhdx" 0 "seed-vhdx-$name"
    cut "$tmp/$name.vhdx" 1 "seed-vhdx-$name-sealed"
done
cut "$tmp/dynamic-block_size-1M.vhdx" 3 seed-vhdx-dynamic-block_size-1M-scatter
cut "$tmp/dynamic-block_size-1M.vhdx" 5 seed-vhdx-dynamic-block_size-1M-stream
cut "$tmp/dynamic-block_size-1M.vhdx" 7 seed-vhdx-dynamic-block_size-1M-stream-scatter
