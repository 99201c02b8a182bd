#!/bin/sh
# fuzz_part_mbr.sh OUTDIR: seeds for fuzz_part_mbr, made at run time with
# sfdisk, fdisk and mkfs.fat on small images whose partitions and EBRs all
# lie in the first 64 KiB (the harness places the input at the start of a
# zeroed 2 MiB disk). Byte 444 set to 1 marks a 4Kn seed for the harness.
set -eu
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head64() { head -c 65536 "$1" >"$2"; }

# 3 primaries + an extended partition with 3 logicals, 512-byte sectors
truncate -s 2M "$tmp/mbr.img"
printf 'label: dos\nstart=4,size=8,type=83\nstart=12,size=8,type=c,bootable\nstart=20,size=8,type=7
start=28,size=96,type=5\nstart=30,size=8,type=83\nstart=40,size=8,type=83\nstart=50,size=8,type=b
' | sfdisk -q "$tmp/mbr.img"
head64 "$tmp/mbr.img" "$out/seed-mbr-logicals"

# primaries only, with a gap in the slots
truncate -s 2M "$tmp/prim.img"
printf 'label: dos\nstart=8,size=16,type=83\nstart=64,size=4000,type=ef\n' |
    sfdisk -q "$tmp/prim.img"
head -c 4096 "$tmp/prim.img" >"$out/seed-mbr-primaries"

# 4Kn: a primary and an extended partition with two logicals (fdisk -b 4096)
truncate -s 2M "$tmp/mbr4k.img"
printf 'o\nn\np\n1\n2\n3\nn\ne\n2\n4\n15\nn\nl\n6\n7\nn\nl\n9\n10\nw\n' |
    fdisk -b 4096 "$tmp/mbr4k.img" >/dev/null 2>&1
printf '\001' | dd of="$tmp/mbr4k.img" bs=1 seek=444 conv=notrunc status=none
head64 "$tmp/mbr4k.img" "$out/seed-mbr-4kn-logicals"

# superfloppies: FAT12 and FAT32 boot sectors without a partition table
mkfs.fat -C "$tmp/fat12.img" 1440 >/dev/null
head -c 512 "$tmp/fat12.img" >"$out/seed-mbr-superfloppy-fat12"
mkfs.fat -F 32 -C "$tmp/fat32.img" 66000 >/dev/null
head -c 512 "$tmp/fat32.img" >"$out/seed-mbr-superfloppy-fat32"
