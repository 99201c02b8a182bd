#!/bin/sh
# fuzz_ext.sh OUTDIR: seed images for fuzz_ext, made with mke2fs -d at run
# time: the first 64 KiB of tiny ext2 (block map, with an indirect block),
# ext3, ext4 (extents, 64bit, metadata_csum) and inline_data volumes with 1 KiB
# blocks and few inodes, so that the superblock, group descriptors, inode
# table, directories and the first file blocks all fall in the seed.
set -eu
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out" "$tmp/t/Sub Dir/deeper" "$tmp/t/emptydir"
echo hello >"$tmp/t/hello.txt"
echo "grüße" >"$tmp/t/Grüße.txt"
echo deep >"$tmp/t/Sub Dir/deeper/file.bin"
head -c 14000 /dev/zero | tr '\0' 'x' >"$tmp/t/indirect.txt"   # past 12 direct 1 KiB blocks
printf 'a' | dd of="$tmp/t/sparse" bs=1 seek=300000 2>/dev/null
: >"$tmp/t/empty"
ln -s hello.txt "$tmp/t/link"
ln -s "/Sub Dir/deeper" "$tmp/t/abslink"
ln -s loop "$tmp/t/loop"

# seed NAME SIZE MKE2FS-ARGS...: a volume with the tree; its first 64 KiB is the seed
seed() {
    name=$1 size=$2; shift 2
    rm -f "$tmp/img"; truncate -s "$size" "$tmp/img"
    mke2fs -q -F -b 1024 -N 32 -m 0 -E root_owner=0:0 "$@" -d "$tmp/t" "$tmp/img" >/dev/null 2>&1
    head -c 65536 "$tmp/img" >"$out/seed_$name"
}
seed ext2 1M -t ext2 -O ^resize_inode -L FUZZ2 -U 01234567-89ab-cdef-0123-456789abcdef
seed ext3 4M -t ext3 -O ^resize_inode -J size=1
seed ext4 1M -t ext4 -O ^resize_inode,^has_journal -L FUZZ4
seed ext4_64bit_csum 1M -t ext4 -O ^resize_inode,^has_journal,64bit,metadata_csum
seed ext4_inline 1M -t ext4 -I 256 -O ^resize_inode,^has_journal,inline_data
ls "$out"/seed_* >/dev/null
