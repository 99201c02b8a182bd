#!/bin/sh
# fuzz_part_gpt.sh OUTDIR: seeds for fuzz_part_gpt, made at run time with
# sgdisk, sfdisk and fdisk -b 4096 on 1 MiB images (the harness's disk
# size, so the headers' block numbers fit it). A seed is the image's first
# N bytes then its last N bytes: the harness puts the first half of an
# input at the start of its disk and the second half at the end. Byte 444
# set to 1 marks a 4Kn seed for the harness; byte 445 set to 1 has it fix
# up the CRCs after mutation.
set -eu
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# seed IMG N NAME: the first and last N bytes of IMG.
seed() { { head -c "$2" "$1"; tail -c "$2" "$1"; } >"$out/$3"; }

# sgdisk: entries 1, 3 and 128 used (primary + array: 34 sectors at each end)
truncate -s 1M "$tmp/sg.img"
sgdisk -a 1 -o -n 1:34:+8 -n 3:0:+8 -n 128:0:+4 -t 3:ef00 "$tmp/sg.img" >/dev/null
seed "$tmp/sg.img" 17408 seed-gpt-sgdisk
cp "$tmp/sg.img" "$tmp/sealed.img"
printf '\001' | dd of="$tmp/sealed.img" bs=1 seek=445 conv=notrunc status=none
seed "$tmp/sealed.img" 17408 seed-gpt-sgdisk-sealed

# the same with a hybrid MBR (0xEE plus a copy of entry 1)
cp "$tmp/sg.img" "$tmp/hybrid.img"
sgdisk -h 1:EE "$tmp/hybrid.img" >/dev/null
seed "$tmp/hybrid.img" 17408 seed-gpt-hybrid

# the primary header damaged: the backup path
cp "$tmp/sg.img" "$tmp/bad.img"
printf '\377' | dd of="$tmp/bad.img" bs=1 seek=572 conv=notrunc status=none
seed "$tmp/bad.img" 17408 seed-gpt-primary-bad

# sfdisk: four partitions in table order
truncate -s 1M "$tmp/sf.img"
printf 'label: gpt\nfirst-lba: 34\nstart=34,size=16\nstart=50,size=16,type=U
start=66,size=100\nstart=200,size=1000\n' |
    sfdisk -q "$tmp/sf.img"
seed "$tmp/sf.img" 17408 seed-gpt-sfdisk

# 4Kn (fdisk -b 4096): primary + array are 6 blocks, backup + array 5
truncate -s 1M "$tmp/g4k.img"
printf 'g\nn\n1\n6\n9\nn\n2\n10\n20\nn\n5\n30\n40\nw\n' |
    fdisk -b 4096 "$tmp/g4k.img" >/dev/null 2>&1
printf '\001' | dd of="$tmp/g4k.img" bs=1 seek=444 conv=notrunc status=none
seed "$tmp/g4k.img" 24576 seed-gpt-4kn
printf '\001' | dd of="$tmp/g4k.img" bs=1 seek=445 conv=notrunc status=none
seed "$tmp/g4k.img" 24576 seed-gpt-4kn-sealed
