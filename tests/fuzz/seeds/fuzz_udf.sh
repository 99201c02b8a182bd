#!/bin/sh
# fuzz_udf.sh OUTDIR: seeds for fuzz_udf, made at run time: empty mkudffs
# volumes (UDF 1.02 and 2.01, 512-byte blocks) and small UDF 2.50/2.60
# volumes with a metadata partition and files (embedded, extended entries,
# chained allocation extents), written by the mkudf.py helper that
# tests/drives/udf.sh carries. Each is cut to the harness' layout: 6 KiB
# from byte 32768, 8 KiB from 49152, then the bytes from 131072 (sector
# 256), 64 KiB in all.
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C.UTF-8
mkdir -p "$out"
seed() {
    { tail -c +32769 "$1" | head -c 6144; tail -c +49153 "$1" | head -c 8192
      tail -c +131073 "$1" | head -c 51200; } >"$out/$2"
}

for rev in 0x0102 0x0201; do
    truncate -s 1M "$tmp/e.img"
    if mkudffs --media-type=hd --blocksize=512 --udfrev=$rev --label=SEED "$tmp/e.img" >/dev/null 2>&1; then
        seed "$tmp/e.img" "seed-udf-mkudffs-$rev"
    fi
    rm -f "$tmp/e.img"
done

sed -n "/^cat > mkudf.py <<'PY'\$/,/^PY\$/p" "$here/../../drives/udf.sh" | sed '1d;$d' >"$tmp/mkudf.py"
src=$tmp/src
mkdir -p "$src/dir/sub" "$src/big"
echo hello >"$src/readme.txt"
echo deep >"$src/dir/sub/Deep.TXT"
head -c 700 /dev/urandom >"$src/eone.bin"
head -c 13000 /dev/urandom >"$src/big/frag.bin"
echo gruss >"$src/Grüße.txt"
: >"$src/empty"
python3 "$tmp/mkudf.py" "$tmp/m.img" 512 "$src" mk=12 label=SEEDMETA && seed "$tmp/m.img" seed-udf-250
python3 "$tmp/mkudf.py" "$tmp/m.img" 512 "$src" mk=12 rev=0x0260 volset=NotHex \
    sparse=sparse.bin:5000000000 && seed "$tmp/m.img" seed-udf-260-sparse
# the named corrupt cases of tests/drives/udf.sh, as regression seeds
head -c 20000 /dev/urandom >"$src/big/frag.bin" # 14 pieces: 3 chained extents
for c in aed_loop:frag.bin fid_overrun:readme.txt fe_location:eone.bin ad_past_partition:eone.bin \
    avdp256_checksum main_vds; do
    python3 "$tmp/mkudf.py" "$tmp/m.img" 512 "$src" mk=12 corrupt=$c && seed "$tmp/m.img" "seed-udf-bad-${c%%:*}"
done
