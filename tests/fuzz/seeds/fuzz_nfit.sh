#!/bin/sh
# fuzz_nfit.sh OUTDIR: seed NFITs for fuzz_nfit, written out with printf: a
# header alone, and one with a SPA range (index 5) and a region mapping.
set -eu
out=$1
hdr() { # signature length(4 bytes, LE, as octal escapes)
    printf 'NFIT'; printf "$1"; printf '\001\000BOCHS BXPCNFIT\001\000\000\000BXPC\001\000\000\000\000\000\000\000'
}
hdr '\050\000\000\000' >"$out/seed-nfit-empty"
{
    hdr '\220\000\000\000'
    # SPA range: type 0, length 56, index 5, then zeros and a base of 0x200000000
    printf '\000\000\070\000\005\000'; head -c 26 /dev/zero
    printf '\000\000\000\000\002\000\000\000'; head -c 16 /dev/zero
    # memory device to SPA range map: type 1, length 48
    printf '\001\000\060\000'; head -c 44 /dev/zero
} >"$out/seed-nfit-spa"
