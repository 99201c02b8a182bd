#!/bin/sh
# fuzz_img_vhd.sh OUTDIR: seeds for fuzz_img_vhd, made at run time. Inputs are
# capped at 64 KiB, so the disks are small: a fixed VHD of 32 KiB and an
# empty dynamic one of 2 MiB from qemu-img (whose blocks are 2 MiB: one
# allocated block would not fit), and from tests/images/mkvhd-diff.py a
# dynamic one of 1 MiB with 4 KiB blocks (some allocated, out of order) and
# a differencing child of it with both parent locators. Each comes three
# times: as made; with bit 0 of its last byte set (the harness then fixes
# the checksums after mutation); with bits 0 and 1 (it is also read as if
# from a compressed stream); the differencing one also with bits 0 and 2
# (the harness gives it a parent).
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
gen="python3 $here/../../images/mkvhd-diff.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# seed IMG NAME [FLAGS...]: IMG as is, and with each FLAGS (default 1 3) in its last byte
seed() {
    img=$1 name=$2
    shift 2
    [ $# -gt 0 ] || set -- 1 3
    cp "$img" "$out/$name"
    for f in "$@"; do
        cp "$img" "$out/$name-flags$f"
        size=$(stat -c %s "$img")
        printf "\\$(printf %o "$f")" | dd of="$out/$name-flags$f" bs=1 seek=$((size - 1)) \
            conv=notrunc status=none
    done
}

# a 1 MiB raw disk with a few sectors of data, far apart
truncate -s 1M "$tmp/raw.img"
for s in 0 9 100 1023 2047; do
    printf 'sector %d of the seed disk' "$s" |
        dd of="$tmp/raw.img" bs=512 seek="$s" conv=notrunc status=none
done

head -c 32768 "$tmp/raw.img" >"$tmp/small.img"
qemu-img convert -f raw -O vpc -o subformat=fixed,force_size=on "$tmp/small.img" "$tmp/fixed.vhd"
seed "$tmp/fixed.vhd" seed-vhd-fixed

truncate -s 2M "$tmp/zero.img"
qemu-img convert -f raw -O vpc -o subformat=dynamic,force_size=on "$tmp/zero.img" "$tmp/empty.vhd"
seed "$tmp/empty.vhd" seed-vhd-dynamic-empty

$gen --dynamic "$tmp/raw.img" "$tmp/dyn.vhd" --block-size 4096 --reverse
seed "$tmp/dyn.vhd" seed-vhd-dynamic-4k

$gen "$tmp/dyn.vhd" "$tmp/child.vhd" --block-size 4096 --sectors 1,9,10,1500 \
    --rel '.\dyn.vhd' --abs 'C:\vms\dyn.vhd'
seed "$tmp/child.vhd" seed-vhd-differencing 1 3 5
ls -l "$out"/seed-vhd-* >/dev/null
