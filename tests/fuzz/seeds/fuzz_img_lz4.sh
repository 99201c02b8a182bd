#!/bin/sh
# fuzz_img_lz4.sh OUTDIR: lz4 frame seeds made at run time: with and without
# content size, block checksums, linked and independent blocks, two
# frames, a skippable frame, zero padding.
set -eu
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'hello, world\n' >"$tmp/t"
head -c 100000 /dev/zero >"$tmp/z"
head -c 3000 /dev/urandom >"$tmp/r"
lz4 -q -c "$tmp/t" >"$out/seed-lz4-text"
lz4 -q -c --content-size -BX "$tmp/z" >"$out/seed-lz4-size-blocksum"
lz4 -q -c -BD -B4 "$tmp/z" >"$out/seed-lz4-linked"
lz4 -q -c --no-frame-crc "$tmp/r" >"$out/seed-lz4-noise"
{ lz4 -q -c "$tmp/t"; lz4 -q -c "$tmp/t"; } >"$out/seed-lz4-two-frames"
{ printf '\120\052\115\030\004\000\000\000skip'; lz4 -q -c "$tmp/t"; } >"$out/seed-lz4-skippable"
{ lz4 -q -c "$tmp/t"; head -c 64 /dev/zero; } >"$out/seed-lz4-padded"
