#!/bin/sh
# UDF (fs/udf.c) over images made at test time: a genisoimage -udf bridge
# image (UDF 1.02 + ISO9660/Joliet; UDF must win the probe) with the
# awkward cases, read as a CD and as 512- and 4096-byte-block disks; empty
# mkudffs volumes (UDF 1.02 and 2.01, logical blocks of 512, 2048 and 4096)
# for label, uuid and an empty root; and UDF 2.50/2.60 images with a
# metadata partition, written by the python3 helper below (mkudffs cannot
# make them): Extended File Entries, embedded files, fragmented files with
# chained Allocation Extent Descriptors, a 5 GiB sparse file. Named corrupt
# images must fail cleanly, naming the device, within 20 s.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
export LC_ALL=C.UTF-8

# ---- mkudf.py: tests/fuzz/seeds/fuzz_udf.sh extracts it from here ----
cat > mkudf.py <<'PY'
# mkudf.py OUT BLOCKSIZE SRCDIR [OPTIONS]: write a UDF 2.50 image of SRCDIR
# with a metadata partition (the metadata file in two separate extents), as
# mkudffs cannot. Directories and File Entries live in the metadata
# partition, file data in the physical one. Files of up to 64 bytes are
# embedded in their entry; other files use long allocation descriptors, and
# files over 20 blocks are split into 3-block extents that alternate with a
# gap, their descriptors chained through Allocation Extent Descriptors.
# Extended File Entries are used for files whose name starts with 'e'.
# Options: label=, volset=, mk=BLOCKS (each metadata half), sparse=NAME:SIZE (unrecorded extents and a
# last block ending in 'END'), rev=0x0250, corrupt=WHAT[:NAME] with WHAT one
# of avdp_checksum (both anchors), avdp256_checksum, main_vds, metadata_main
# (a broken metadata file entry, with a mirror), fe_location,
# fid_overrun (NAME must be the last entry of its directory),
# ad_past_partition, aed_loop (NAME must be fragmented with at least 3
# Allocation Extent Descriptors), truncate (the image ends 3 blocks before
# the end of the file data).
import os, struct, sys

out, B, src = sys.argv[1], int(sys.argv[2]), sys.argv[3]
opts = dict(a.split('=', 1) for a in sys.argv[4:])
rev = int(opts.get('rev', '0x0250'), 0)
bad, bad_name = (opts.get('corrupt', '') + ':').split(':')[:2]

def crc(b):
    c = 0
    for x in b:
        c ^= x << 8
        for _ in range(8):
            c = ((c << 1) ^ 0x1021) if c & 0x8000 else c << 1
            c &= 0xffff
    return c

def tag(ident, body, loc):
    d = bytearray(body)
    struct.pack_into('<HHBBHHHI', d, 0, ident, 3 if rev >= 0x200 else 2, 0, 0, 1,
                     crc(d[16:]), len(d) - 16, loc)
    d[4] = sum(d[0:4] + d[5:16]) & 0xff
    return bytes(d)

def cs0(s):
    try:
        s.encode('latin-1')
        return b'\x08' + s.encode('latin-1')
    except UnicodeEncodeError:
        return b'\x10' + s.encode('utf-16-be')

def dstr(s, n):
    b = cs0(s)[:n - 1] if s else b''
    return b + bytes(n - 1 - len(b)) + bytes([len(b)])

def regid(ident, suffix=b''):
    return (b'\0' + ident.ljust(23, b'\0') + suffix.ljust(8, b'\0'))[:32]

def long_ad(length, lbn, ref, typ=0):
    return struct.pack('<IIH6x', (typ << 30) | length, lbn, ref)

def short_ad(length, lbn, typ=0):
    return struct.pack('<II', (typ << 30) | length, lbn)

META = 1
# layout in sectors: partition from P0; its blocks: metadata file entry at 0,
# metadata extents A and B, then data
P0 = 300
files = []  # (path, isdir)
for root, dirs, fs in os.walk(src):
    dirs.sort()
    for n in sorted(fs):
        files.append(os.path.join(root, n))
total_data = sum((os.path.getsize(f) + B - 1) // B * 2 + 2 for f in files)
nentries = len(files) + sum(len(d) for _, d, _ in os.walk(src)) + 1
dirbytes = sum(40 + 2 * len(n) + 4 for _, d, f in os.walk(src) for n in d + f) + 64 * nentries
MK = int(opts.get('mk', nentries * 2 + dirbytes // B + 64))  # metadata blocks per half
PLEN = 1 + 2 * MK + 8 + total_data + 64
N = P0 + PLEN + 300
img = bytearray(N * B)

def put(sector, data):
    img[sector * B:sector * B + len(data)] = data

# volume recognition sequence
step = max(2048, B)
for i, ident in enumerate([b'BEA01', b'NSR03' if rev >= 0x200 else b'NSR02', b'TEA01']):
    img[32768 + i * step:32768 + i * step + 7] = b'\0' + ident + b'\1'

meta_ext = [(1, MK), (1 + MK + 8, MK)]  # (phys lbn, blocks): a gap between the halves
def meta_phys(lbn):
    for start, cnt in meta_ext:
        if lbn < cnt:
            return start + lbn
        lbn -= cnt
    raise Exception('metadata full')

meta_next = [1]          # metadata lbn 0: the FSD
data_next = [1 + 2 * MK + 8]

def meta_put(lbn, data):
    assert len(data) <= B
    put(P0 + meta_phys(lbn), data)

def data_alloc(nblocks):
    s = data_next[0]
    data_next[0] += nblocks
    return s

def meta_alloc():
    s = meta_next[0]
    meta_next[0] += 1
    return s

uid = [16]
def entry(lbn, ftype, size, ads, adtype, extended, nblocks, ref_meta=True):
    hdr = 216 if extended else 176
    d = bytearray(hdr)
    struct.pack_into('<IHHHBB', d, 16, 0, 4, 0, 1, 0, ftype)
    struct.pack_into('<H', d, 34, adtype)
    struct.pack_into('<IIIH', d, 36, 0xffffffff, 0xffffffff, 0x7fff, 1)
    struct.pack_into('<Q', d, 56, size)
    uid[0] += 1
    if extended:
        struct.pack_into('<QQ', d, 64, size, nblocks)
        struct.pack_into('<Q', d, 200, uid[0])
        struct.pack_into('<II', d, 208, 0, len(ads))
    else:
        struct.pack_into('<Q', d, 64, nblocks)
        struct.pack_into('<Q', d, 160, uid[0])
        struct.pack_into('<II', d, 168, 0, len(ads))
    return tag(266 if extended else 261, bytes(d) + ads, lbn)

def write_file(path, lbn):
    data = open(path, 'rb').read()
    name = os.path.basename(path)
    if name == bad_name and bad == 'fe_location':
        real = meta_put
        def meta_put_bad(l, d):
            d = bytearray(d)
            struct.pack_into('<I', d, 12, l + 1)
            d[4] = sum(d[0:4] + d[5:16]) & 0xff
            real(l, bytes(d))
        globals()['meta_put'] = meta_put_bad
        try:
            write_file_(path, lbn, data, name)
        finally:
            globals()['meta_put'] = real
        return
    write_file_(path, lbn, data, name)

def write_file_(path, lbn, data, name):
    ext = name.startswith('e')
    if len(data) <= 64:
        meta_put(lbn, entry(lbn, 5, len(data), data, 3, ext, 0))
        return
    nb = (len(data) + B - 1) // B
    if nb <= 20:
        s = data_alloc(nb)
        put(P0 + s, data)
        if name == bad_name and bad == 'ad_past_partition':
            s = PLEN + 10
        meta_put(lbn, entry(lbn, 5, len(data), long_ad(len(data), s, 0), 1, ext, nb))
        return
    # fragmented: 3-block pieces with one-block gaps, descriptors chained
    ads = []
    off = 0
    while off < len(data):
        piece = data[off:off + 3 * B]
        s = data_alloc(4)
        put(P0 + s, piece)
        ads.append(long_ad(len(piece), s, 0))
        off += len(piece)
    per = 4  # descriptors per allocation extent descriptor
    chunks = [ads[i:i + per] for i in range(0, len(ads), per)]
    aeds = [meta_alloc() for _ in chunks[1:]]
    for i, ch in enumerate(chunks[1:]):
        body = b''.join(ch)
        if i + 1 < len(aeds):
            loop = name == bad_name and bad == 'aed_loop' and i == 1
            body += long_ad(B, aeds[0] if loop else aeds[i + 1], META, 3)
        d = bytearray(24)
        struct.pack_into('<II', d, 16, 0, len(body))
        meta_put(aeds[i], tag(258, bytes(d) + body, aeds[i]))
    first = b''.join(chunks[0]) + (long_ad(B, aeds[0], META, 3) if aeds else b'')
    meta_put(lbn, entry(lbn, 5, len(data), first, 1, ext, nb))

def write_sparse(lbn, size):
    # unrecorded extents up to the last block, which holds 'END' at its end
    ads, left, maxlen = [], size - B, (1 << 30) - B
    while left > 0:
        n = min(left, maxlen)
        ads.append(long_ad(n, 0, 0, 2))
        left -= n
    s = data_alloc(1)
    put(P0 + s, bytes(B - 3) + b'END')
    ads.append(long_ad(B, s, 0))
    meta_put(lbn, entry(lbn, 5, size, b''.join(ads), 1, True, 1))

def fid(name, lbn, chars, parent_name=None):
    n = cs0(name) if name is not None else b''
    d = bytearray(38)
    struct.pack_into('<HBB', d, 16, 1, chars, len(n))
    d[20:36] = long_ad(B, lbn, META)
    body = bytes(d) + n
    body += bytes((4 - len(body) % 4) % 4)
    return body

def write_dir(path, lbn, parent_lbn):
    names = sorted(os.listdir(path))
    kids = []
    for n in names:
        kids.append((n, meta_alloc()))
    if path == src and 'sparse' in opts:
        sname, ssize = opts['sparse'].split(':')
        kids.append((sname, meta_alloc()))
    blob = tag(257, fid(None, parent_lbn, 8), 0)
    for n, k in kids:
        isdir = os.path.isdir(os.path.join(path, n))
        f = fid(n, k, 2 if isdir else 0)
        if n == bad_name and bad == 'fid_overrun':
            f = f[:19] + b'\xff' + f[20:]
        blob += tag(257, f, 0)
    for n, k in kids:
        p = os.path.join(path, n)
        if path == src and 'sparse' in opts and n == opts['sparse'].split(':')[0]:
            write_sparse(k, int(opts['sparse'].split(':')[1]))
        elif os.path.isdir(p):
            write_dir(p, k, lbn)
        else:
            write_file(p, k)
    if len(blob) <= B - 176 - 16:
        meta_put(lbn, entry(lbn, 4, len(blob), blob, 3, False, 0))
        return
    # the directory's data in metadata blocks (contiguous in the metadata partition)
    nb = (len(blob) + B - 1) // B
    first = meta_next[0]
    meta_next[0] += nb
    for i in range(nb):
        meta_put(first + i, blob[i * B:(i + 1) * B])
    meta_put(lbn, entry(lbn, 4, len(blob), long_ad(len(blob), first, META), 1, False, nb))

root = meta_alloc()
write_dir(src, root, root)

# the file set descriptor at metadata lbn 0
fsd = bytearray(512)
struct.pack_into('<HHII', fsd, 28, 3, 3, 1, 1)
fsd[400:416] = long_ad(B, root, META)
fsd[416:448] = regid(b'*OSTA UDF Compliant', struct.pack('<H', rev))
meta_put(0, tag(256, bytes(fsd[:B]) if B < 512 else bytes(fsd), 0))

# the metadata file (type 250) at physical lbn 0: two short extents
mads = b''.join(short_ad(cnt * B, s) for s, cnt in meta_ext)
put(P0, entry(0, 250, 2 * MK * B, mads, 0, rev >= 0x250, 2 * MK))
mirror = 0xffffffff
if bad == 'metadata_main':  # a mirror file over the same blocks; the main entry broken
    mirror = data_alloc(1)
    put(P0 + mirror, entry(mirror, 251, 2 * MK * B, mads, 0, rev >= 0x250, 2 * MK))
    img[P0 * B + 4] ^= 0x55

# volume descriptors
CS0 = (b'\0OSTA Compressed Unicode').ljust(64, b'\0')
def vds(start):
    pvd = bytearray(512)
    struct.pack_into('<II', pvd, 16, 1, 0)
    pvd[24:56] = dstr(opts.get('label', 'UDFLABEL')[:30], 32)
    struct.pack_into('<HHHHII', pvd, 56, 1, 1, 2, 3, 1, 1)
    pvd[72:200] = dstr(opts.get('volset', '0123456789abcdef volset'), 128)
    pvd[200:264] = CS0
    pvd[264:328] = CS0
    put(start, tag(1, bytes(pvd), start))
    pd = bytearray(512)
    struct.pack_into('<IHH', pd, 16, 2, 1, 0)
    pd[24:56] = regid(b'+NSR03' if rev >= 0x200 else b'+NSR02')
    struct.pack_into('<III', pd, 184, 1, P0, PLEN)
    put(start + 1, tag(5, bytes(pd), start + 1))
    lvd = bytearray(440)
    struct.pack_into('<I', lvd, 16, 3)
    lvd[20:84] = CS0
    lvd[84:212] = dstr(opts.get('label', 'UDFLABEL'), 128)
    struct.pack_into('<I', lvd, 212, B)
    lvd[216:248] = regid(b'*OSTA UDF Compliant', struct.pack('<H', rev))
    lvd[248:264] = long_ad(B, 0, META)
    maps = struct.pack('<BBHH', 1, 6, 1, 0)
    m2 = bytearray(64)
    m2[0], m2[1] = 2, 64
    m2[4:36] = regid(b'*UDF Metadata Partition', struct.pack('<H', rev))
    struct.pack_into('<HHIIIIHB', m2, 36, 1, 0, 0, mirror, 0xffffffff, 32, 1, 0)
    maps += bytes(m2)
    struct.pack_into('<II', lvd, 264, len(maps), 2)
    put(start + 2, tag(6, bytes(lvd) + maps, start + 2))
    put(start + 3, tag(8, bytes(512), start + 3))

vds(257 if B == 2048 else 257 + 16)
vds(N - 40)
avdp = bytearray(512)
struct.pack_into('<IIII', avdp, 16, 16 * B, 257 if B == 2048 else 257 + 16, 16 * B, N - 40)
put(256, tag(2, bytes(avdp[:B]) if B < 512 else bytes(avdp), 256))
put(N - 1, tag(2, bytes(avdp), N - 1))
if bad == 'truncate':  # the last 3 blocks of file data are cut off
    img = img[:(P0 + data_next[0] - 3) * B]
if bad == 'main_vds':  # the main sequence's LVD checksum: the reserve one serves
    img[((257 if B == 2048 else 257 + 16) + 2) * B + 4] ^= 0x55
if bad in ('avdp_checksum', 'avdp256_checksum'):
    img[256 * B + 4] ^= 0x55
if bad == 'avdp_checksum':
    img[(N - 1) * B + 4] ^= 0x55
open(out, 'wb').write(img)
PY
# ---- end of mkudf.py ----

# ---- a source tree with the awkward cases ----
src=$WORK/src
deep=a/b/c/d/e/f/g/h/i/j
long="This file name is much longer than sixty-four characters, which UDF allows up to 255 of them.txt"
mkdir -p "$src/$deep" "$src/My Documents/Sub Dir" "$src/many" "$src/MixedCase Dir" "$src/sub/inner"
echo "deep file" > "$src/$deep/deep.txt"
head -c 3000000 /dev/urandom > "$src/random.bin"
head -c 2048 /dev/urandom > "$src/sub/one_block.bin"
head -c 2049 /dev/urandom > "$src/sub/odd.bin"
echo "long name" > "$src/$long"
echo "mixed" > "$src/MixedCase Dir/MiXeD.TxT"
echo "gruesse" > "$src/Grüße.txt"
echo "nihongo" > "$src/日本語のファイル.txt"
echo "spaces" > "$src/My Documents/Sub Dir/a file with spaces.txt"
echo "inner" > "$src/sub/inner/x.txt"
: > "$src/empty.bin"
i=0
while [ $i -lt 2000 ]; do echo "file $i" > "$src/many/file_number_$i.txt"; i=$((i + 1)); done

genisoimage -quiet -input-charset utf-8 -udf -D -J -joliet-long -V "UDF_BRIDGE" -o bridge.iso "$src" \
    >geniso.log 2>&1 || { cat geniso.log; exit 1; }

# ---- helpers ----
ls_names() { printf '%s' "$1" | sed 's/  /\n/g' | sed '/^$/d; s/\\\(.\)/\1/g' | sort; }
src_names() {
    (cd "$1" && for f in *; do if [ -d "$f" ]; then echo "$f/"; else echo "$f"; fi; done) | sort
}
sha_file() { sha256sum < "$1" | cut -d' ' -f1; }
# check_tree NAME SRC DEV ARGS...: every file's sha256 through `cat`, one run of the shell.
check_tree() {
    name=$1 tree=$2 dev=$3; shift 3
    files=$(cd "$tree" && find . -type f | sed 's|^\./||' | sort)
    script=$(printf '%s\n' "$files" | while IFS= read -r f; do printf 'cat "%s/%s"\n' "$dev" "$f"; done)
    got=$(mb "$@" -c "$script" | sha256sum | cut -d' ' -f1)
    want=$(printf '%s\n' "$files" | while IFS= read -r f; do cat "$tree/$f"; done | sha256sum | cut -d' ' -f1)
    check "$name: sha256 of all $(printf '%s\n' "$files" | wc -l) files" "$got" "$want"
}
# check_ls NAME SRC DEV ARGS...: listings of the tree's directories.
check_ls() {
    name=$1 tree=$2 dev=$3; shift 3
    for d in "" many sub "My Documents" "My Documents/Sub Dir" "$deep"; do
        [ -d "$tree/$d" ] || continue
        check "$name /$d" "$(ls_names "$(mb "$@" -c "ls \"$dev/$d/\"")")" "$(src_names "$tree/$d")"
    done
}

# ---- the bridge image: UDF wins over ISO9660 ----
CD="--cd bridge.iso"
check_grep "udf_bridge_type" "$(mb $CD -c 'ls')" '^\(cd0\): udf, label UDF_BRIDGE'
check_tree udf_bridge_cd "$src" "(cd0)" $CD
check_ls udf_bridge_ls "$src" "(cd0)" $CD
check_tree udf_bridge_hd512 "$src" "(hd0)" --hd bridge.iso
check "udf_bridge_hd4096_deep" "$(mb --block-size 4096 --hd bridge.iso -c "cat (hd0)/$deep/deep.txt")" "deep file"
check "udf_bridge_hd4096_random" "$(mb --block-size 4096 --hd bridge.iso -c 'cat (hd0)/random.bin' | sha256sum | cut -d' ' -f1)" \
    "$(sha_file "$src/random.bin")"
check "udf_long_name" "$(mb $CD -c "cat \"(cd0)/$long\"")" "long name"
check "udf_unicode_name" "$(mb $CD -c 'cat (cd0)/日本語のファイル.txt')" "nihongo"
check "udf_empty_file" "$(mb $CD -c 'ls (cd0)/empty.bin')" "(cd0)/empty.bin  0"
check "udf_one_block" "$(mb $CD -c 'ls (cd0)/sub/one_block.bin')" "(cd0)/sub/one_block.bin  2048"
check "udf_case_insensitive_file" "$(mb $CD -c 'cat "(cd0)/mixedcase dir/mixed.txt"')" "mixed"
check "udf_case_insensitive_dirs" "$(mb $CD -c 'cat (cd0)/A/B/C/D/E/F/G/H/I/J/DEEP.TXT')" "deep file"
check "udf_dot_dot" "$(mb $CD -c 'cat (cd0)/sub/inner/../../sub/./inner/x.txt')" "inner"
check "udf_bridge_label" "$(mb $CD -c 'vol (cd0)')" "UDF_BRIDGE"
check_grep "udf_bridge_uuid" "$(mb $CD -c 'uuid (cd0)')" '^[0-9a-f]{16}$'
check_fails "udf_missing_file" 'cat: .*(no such|No such|not found)' mb $CD -c 'cat (cd0)/nope.txt'
check_fails "udf_file_as_dir" '\(cd0\)' mb $CD -c 'ls (cd0)/empty.bin/x'
check_grep "udf_blocklist" "$(mb $CD -c 'blocklist (cd0)/random.bin')" '^\(cd0\)[0-9]+\+5860$'

# ---- empty mkudffs volumes ----
for rev in 0x0102 0x0201; do
    for bs in 512 2048 4096; do
        img=mk_${rev}_$bs.img
        truncate -s 8M $img
        if ! mkudffs --media-type=hd --blocksize=$bs --udfrev=$rev --label="Lbl $rev" \
            --uuid=0123456789abcdef $img >mkudffs.log 2>&1; then
            echo "FAIL udf_mkudffs_${rev}_$bs: mkudffs failed"; cat mkudffs.log; continue
        fi
        blk=512; [ $bs = 4096 ] && blk=4096
        out=$(mb --block-size $blk --hd $img -c 'vol (hd0)
uuid (hd0)
ls (hd0)/')
        check "udf_mkudffs_${rev}_$bs" "$out" "$(printf 'Lbl %s\n0123456789abcdef\n' $rev)"
        check_grep "udf_mkudffs_${rev}_${bs}_type" "$(mb --block-size $blk --hd $img -c ls)" \
            "^\\(hd0\\): udf, label Lbl $rev, uuid 0123456789abcdef"
    done
done
# mkudffs makes no 2.50 volume for a hard disk here; when it does, it must mount
truncate -s 8M mk250.img
if mkudffs --media-type=hd --udfrev=0x0250 --label=MK250 mk250.img >/dev/null 2>&1; then
    check "udf_mkudffs_0x0250" "$(mb --hd mk250.img -c 'vol (hd0)')" "MK250"
fi

# a virtual (VAT) partition, as mkudffs makes for BD-R, is refused clearly
truncate -s 8M vat.img
if mkudffs --media-type=bdr --udfrev=0x0250 vat.img >/dev/null 2>&1; then
    check_fails "udf_vat_refused" '\(hd0\).*Virtual Partition.*not supported' \
        timeout 20 "$MAPBOOT" --hd vat.img -c 'ls (hd0)/'
fi

# ---- UDF 2.50 / 2.60 with a metadata partition (mkudf.py) ----
msrc=$WORK/msrc
mkdir -p "$msrc/dir/sub" "$msrc/big" "$msrc/many"
echo hi > "$msrc/small.txt"
: > "$msrc/empty"
head -c 5000 /dev/urandom > "$msrc/efile.bin"       # an Extended File Entry
head -c 2048 /dev/urandom > "$msrc/dir/one_block.bin"
head -c 300000 /dev/urandom > "$msrc/big/frag.bin"   # 3-block pieces, chained descriptors
head -c 150000 /dev/urandom > "$msrc/big/efrag.bin"
echo "Grüße" > "$msrc/Grüße.txt"
echo "jp" > "$msrc/日本.txt"
echo "deep" > "$msrc/dir/sub/Deep.TXT"
i=0
while [ $i -lt 500 ]; do echo "m $i" > "$msrc/many/f$i"; i=$((i + 1)); done
five=5368709120
python3 mkudf.py m2048.img 2048 "$msrc" label="Meta Vol" volset="89abcdef01234567 x" \
    sparse=sparse5g.bin:$five || echo "FAIL mkudf.py"
python3 mkudf.py m512.img 512 "$msrc" label=META512 volset=NotHexAtAll rev=0x0260 || echo "FAIL mkudf.py"
python3 mkudf.py mhalf.img 2048 "$msrc" volset=ABCDEF12zzzz || echo "FAIL mkudf.py"
check_tree udf250_2048 "$msrc" "(hd0)" --hd m2048.img
check_tree udf260_512 "$msrc" "(hd0)" --hd m512.img
check_tree udf250_cd "$msrc" "(cd0)" --cd m2048.img
check "udf250_ls_root" "$(ls_names "$(mb --hd m2048.img -c 'ls (hd0)/')")" "$( (src_names "$msrc"; echo sparse5g.bin) | sort)"
check "udf250_ls_many" "$(ls_names "$(mb --hd m2048.img -c 'ls (hd0)/many/')")" "$(src_names "$msrc/many")"
check "udf260_ls_big" "$(ls_names "$(mb --hd m512.img -c 'ls (hd0)/big/')")" "$(src_names "$msrc/big")"
check "udf250_label" "$(mb --hd m2048.img -c 'vol (hd0)')" "Meta Vol"
check "udf250_uuid_hex" "$(mb --hd m2048.img -c 'uuid (hd0)')" "89abcdef01234567"
check "udf260_uuid_nonhex" "$(mb --hd m512.img -c 'uuid (hd0)')" "4e6f744865784174"   # "NotHexAt"
check "udf250_uuid_half" "$(mb --hd mhalf.img -c 'uuid (hd0)')" "abcdef127a7a7a7a"    # 8 hex, then "zzzz"
check_grep "udf250_ls_device" "$(mb --hd m512.img -c 'ls')" '^\(hd0\): udf, label META512, uuid 4e6f744865784174'
check "udf250_case" "$(mb --hd m2048.img -c 'cat (hd0)/DIR/SUB/deep.txt')" "deep"
check "udf250_embedded_size" "$(mb --hd m2048.img -c 'ls (hd0)/small.txt')" "(hd0)/small.txt  3"
check "udf250_sparse_size" "$(mb --hd m2048.img -c 'ls (hd0)/sparse5g.bin')" "(hd0)/sparse5g.bin  $five"
check "udf250_sparse_end" "$(mb --hd m2048.img -c "cat --skip=$((five - 3)) (hd0)/sparse5g.bin")" "END"
check "udf250_sparse_hole" "$(mb --hd m2048.img -c "cat --skip=4294967290 --length=8 (hd0)/sparse5g.bin" | od -An -tx1 | tr -d ' \n')" \
    "0000000000000000"
check_fails "udf250_sparse_blocklist" 'sparse' mb --hd m2048.img -c 'blocklist (hd0)/sparse5g.bin'

# ---- corrupt images: a clear error naming the device, no hang, no sanitizer report ----
csrc=$WORK/csrc
mkdir -p "$csrc/sub" "$csrc/big"
echo y > "$csrc/y.txt"
head -c 10000 /dev/urandom > "$csrc/data.bin"
head -c 100000 /dev/urandom > "$csrc/big/frag.bin"
echo z > "$csrc/sub/z.txt"
bad() { n=$1; shift; python3 mkudf.py "$n.img" 2048 "$csrc" "$@" || echo "FAIL mkudf.py $n"; }
run() { timeout 20 "$MAPBOOT" --hd "$@"; }
bad udf_bad_tag_checksum corrupt=avdp_checksum
check_fails udf_bad_tag_checksum '\(hd0\).*Anchor Volume Descriptor Pointer.*checksum' run udf_bad_tag_checksum.img -c 'ls (hd0)/'
bad udf_anchor_fallback corrupt=avdp256_checksum
check "udf_anchor_fallback" "$(mb --hd udf_anchor_fallback.img -c 'cat (hd0)/y.txt')" "y"
bad udf_reserve_vds corrupt=main_vds
check "udf_reserve_vds" "$(mb --hd udf_reserve_vds.img -c 'cat (hd0)/sub/z.txt')" "z"
bad udf_metadata_mirror corrupt=metadata_main
check "udf_metadata_mirror" "$(mb --hd udf_metadata_mirror.img -c 'cat (hd0)/sub/z.txt')" "z"
bad udf_bad_tag_location corrupt=fe_location:data.bin
check_fails udf_bad_tag_location '\(hd0\).*File Entry.*location' run udf_bad_tag_location.img -c 'cat (hd0)/data.bin'
bad udf_fid_overrun corrupt=fid_overrun:z.txt
check_fails udf_fid_overrun '\(hd0\).*sub.*File Identifier Descriptor.*past the directory' run udf_fid_overrun.img -c 'cat (hd0)/sub/z.txt'
check_fails udf_fid_overrun_ls '\(hd0\).*sub.*File Identifier Descriptor' run udf_fid_overrun.img -c 'ls (hd0)/sub/'
bad udf_ad_past_partition corrupt=ad_past_partition:data.bin
check_fails udf_ad_past_partition '\(hd0\).*data\.bin.*past the end of its partition' run udf_ad_past_partition.img -c 'cat (hd0)/data.bin'
bad udf_ad_extension_loop corrupt=aed_loop:frag.bin
check_fails udf_ad_extension_loop '\(hd0\).*frag\.bin.*loop' run udf_ad_extension_loop.img -c 'cat (hd0)/big/frag.bin'
# cut inside the volume descriptors, and inside the file data
bad udf_truncated
head -c $((258 * 2048)) udf_truncated.img > udf_truncated_cut.img
check_fails udf_truncated_image '\(hd0\).*past the end' run udf_truncated_cut.img -c 'ls (hd0)/'
bad udf_truncated_data corrupt=truncate
check "udf_truncated_data_mounts" "$(mb --hd udf_truncated_data.img -c 'cat (hd0)/y.txt')" "y"
check_fails udf_truncated_image_data '\(hd0\).*data\.bin.*past the end' run udf_truncated_data.img -c 'cat (hd0)/data.bin'
# a bridge disc whose UDF side is broken still mounts through ISO9660
cp bridge.iso bridge_bad.iso
python3 - bridge_bad.iso <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
for o in (256 * 2048, len(d) - 2048):
    if d[o] == 2 and d[o + 1] == 0:
        d[o + 4] ^= 0x55
open(sys.argv[1], 'wb').write(d)
PY
check_grep "udf_bridge_broken_falls_back" "$(mb --cd bridge_bad.iso -c 'ls
cat (cd0)/sub/inner/x.txt')" '^\(cd0\): iso9660'
