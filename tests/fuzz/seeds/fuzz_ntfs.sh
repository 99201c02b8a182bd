#!/bin/sh
# fuzz_ntfs.sh OUTDIR: seed images for fuzz_ntfs, made with mkntfs and filled
# through ntfs-3g (FUSE) at run time: the first 64 KiB of small volumes with
# 512-byte clusters, where the boot sector, the MFT's first records and a
# root directory small enough for its $INDEX_ROOT fit; with a sparse and an
# LZNT1-compressed file. Without FUSE only the empty volumes are made.
set -eu
out=$1
tmp=$(mktemp -d)
trap 'umount "$tmp/m" 2>/dev/null || true; rm -rf "$tmp"' EXIT
mkdir -p "$out" "$tmp/m"

# seed NAME MKNTFS-ARGS...: a 2 MiB volume with a few files
seed() {
    name=$1; shift
    img="$tmp/$name.img"
    truncate -s 2M "$img"
    mkntfs -F -f -q "$@" "$img" >/dev/null 2>&1
    if ntfs-3g "$img" "$tmp/m" 2>/dev/null; then
        echo hello >"$tmp/m/hello.txt"
        mkdir -p "$tmp/m/Sub Dir"
        echo deep >"$tmp/m/Sub Dir/Grüße.txt"
        head -c 3000 /dev/zero | tr '\0' x >"$tmp/m/nonres.bin"
        python3 -c "
import os
f = open('$tmp/m/sparse.bin', 'wb'); f.seek(20000); f.write(b'end'); f.close()
os.mkdir('$tmp/m/z')
os.setxattr('$tmp/m/z', 'system.ntfs_attrib_be', (0x800).to_bytes(4, 'big'))
open('$tmp/m/z/lznt1.txt', 'wb').write(b'compress me ' * 3000 + os.urandom(300))"
        umount "$tmp/m"
    fi
    head -c 65536 "$img" >"$out/seed_$name"
}
seed ntfs512 -c 512 -s 512 -L FUZZ
seed ntfs1k -c 1024 -s 512
seed ntfs512_4ksect -c 4096 -s 4096 -L FOURK
ls "$out"/seed_* >/dev/null
