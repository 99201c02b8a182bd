#!/bin/sh
# fuzz_exfat.sh OUTDIR: seed images for fuzz_exfat, made with mkfs.exfat at
# run time: the first 64 KiB of small volumes with 512-byte clusters (boot
# region, FAT, bitmap, up-case table, root directory and, where FUSE can
# mount a loop device here, the first files: long and Unicode names,
# subdirectories, an empty file, a fragmented one and a contiguous one).
set -eu
out=$1
tmp=$(mktemp -d)
mnt=$tmp/mnt
loop=
cleanup() {
    if grep -q " $mnt " /proc/mounts 2>/dev/null; then
        umount "$mnt" 2>/dev/null || fusermount -u "$mnt"; fi
    [ -n "$loop" ] && losetup -d "$loop" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$out" "$mnt"

# seed NAME MKFS-ARGS...: a 4 MiB volume, filled through FUSE when it mounts
seed() {
    name=$1; shift
    img="$tmp/$name.img"
    truncate -s 4M "$img"
    mkfs.exfat "$@" "$img" >/dev/null 2>&1
    if loop=$(losetup -f --show "$img" 2>/dev/null) &&
        mount.exfat-fuse "$loop" "$mnt" >/dev/null 2>&1; then
        mkdir -p "$mnt/Sub Dir/deeper"
        echo hello >"$mnt/hello.txt"
        echo "grüße" >"$mnt/Grüße ünïcödé 😀.txt"
        echo deep >"$mnt/Sub Dir/deeper/file.bin"
        : >"$mnt/empty"
        for k in 1 2 3; do
            head -c 700 /dev/zero | tr '\0' a >>"$mnt/frag-a"
            head -c 600 /dev/zero | tr '\0' b >>"$mnt/frag-b"
        done
        head -c 1500 /dev/zero | tr '\0' c >"$mnt/contig"
        sync; umount "$mnt" 2>/dev/null || fusermount -u "$mnt"
    fi
    [ -n "$loop" ] && losetup -d "$loop" 2>/dev/null
    loop=
    head -c 65536 "$img" >"$out/seed_$name"
}
seed exfat512 -c 512 -b 4096 -L FUZZ
seed exfat_nolabel -c 1024 -b 4096
ls "$out"/seed_* >/dev/null
