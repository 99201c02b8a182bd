#!/bin/sh
# fuzz_img_gzip.sh OUTDIR: gzip seeds made at run time: text, a small disk
# image, two members, zero padding, stored blocks (-1 on noise), and a
# header with a name and comment.
set -eu
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'hello, world\n' | gzip >"$out/seed-gzip-text"
head -c 200000 /dev/zero | gzip -9 >"$out/seed-gzip-zeros"
head -c 3000 /dev/urandom | gzip -1 >"$out/seed-gzip-noise"
{ printf 'one\n' | gzip; printf 'two\n' | gzip; } >"$out/seed-gzip-two-members"
{ printf 'pad\n' | gzip; head -c 100 /dev/zero; } >"$out/seed-gzip-padded"
mkfs.fat -C "$tmp/f.img" 1024 >/dev/null 2>&1 && gzip -c "$tmp/f.img" >"$out/seed-gzip-fat"
printf 'named\n' >"$tmp/name.txt" && gzip -N -c "$tmp/name.txt" >"$out/seed-gzip-named"
