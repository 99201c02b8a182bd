#!/bin/sh
# seeds/fuzz_pe.sh DIR: the headers of real PE images (Debian's shim and
# MokManager, an application each), the same headers marked as a boot
# service driver and as a PE32, and a truncated one.
set -eu
out=$1
for f in /usr/lib/shim/shimx64.efi /usr/lib/shim/mmx64.efi; do
    [ -f "$f" ] && head -c 1024 "$f" >"$out/pe-$(basename "$f").head"
done
python3 - "$out" <<'PY'
import glob, os, struct, sys
out = sys.argv[1]
for p in glob.glob(os.path.join(out, "pe-*.head")):
    b = bytearray(open(p, "rb").read())
    pe = struct.unpack_from("<I", b, 0x3c)[0]
    if pe + 24 + 70 > len(b):
        continue
    d = bytearray(b); d[pe + 24 + 68] = 11
    open(p + ".driver", "wb").write(d)
    e = bytearray(b); e[pe + 24:pe + 26] = b"\x0b\x01"
    open(p + ".pe32", "wb").write(e)
    open(p + ".short", "wb").write(b[:pe + 24 + 69])
PY
