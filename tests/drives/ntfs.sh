# NTFS (fs/ntfs.c) over images made here with mkntfs and filled through
# ntfs-3g (FUSE): every file's bytes and every directory's names against the
# source tree, case-insensitive lookups through $UpCase, label and serial,
# a 5 GiB sparse file, a fragmented file whose runlist spills into
# extension records ($ATTRIBUTE_LIST), a directory of 3000 files, compressed
# files refused, 4Kn devices, and corrupt images that must fail with a
# message naming the device.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1

# ---- ntfsimg.py: the test's own reading of the format, to find and patch structures ----
cat >ntfsimg.py <<'EOF'
import mmap, struct, sys

class Ntfs:
    def __init__(self, path):
        self.file = open(path, 'r+b')
        self.b = b = mmap.mmap(self.file.fileno(), 0)  # patched in place
        self.bps, = struct.unpack_from('<H', b, 11)
        spc = b[13]
        self.cluster = self.bps * (spc if spc <= 0x80 else 1 << (256 - spc))
        cpr = struct.unpack_from('<b', b, 0x40)[0]
        self.rec = cpr * self.cluster if cpr > 0 else 1 << -cpr
        self.mft_lcn, = struct.unpack_from('<Q', b, 0x30)
        self.serial, = struct.unpack_from('<Q', b, 0x48)
        self.mft_runs = self.runs(self.attr(self.read_rec(0, self.mft_lcn * self.cluster), 0x80))

    # records with their fixups undone / redone
    def unfix(self, off, size):
        r = bytearray(self.b[off:off + size])
        uo, uc = struct.unpack_from('<HH', r, 4)
        for i in range(1, uc):
            r[i * 512 - 2:i * 512] = r[uo + 2 * i:uo + 2 * i + 2]
        return r

    def refix(self, off, r):
        uo, uc = struct.unpack_from('<HH', r, 4)
        for i in range(1, uc):
            r[uo + 2 * i:uo + 2 * i + 2] = r[i * 512 - 2:i * 512]
            r[i * 512 - 2:i * 512] = r[uo:uo + 2]
        self.b[off:off + len(r)] = bytes(r)

    def read_rec(self, n, off=None):
        return self.unfix(self.rec_off(n) if off is None else off, self.rec)

    def rec_off(self, n):
        return self.vcn_off(self.mft_runs, n * self.rec)

    def vcn_off(self, runs, byte):
        for vcn, lcn, ln in runs:
            if vcn * self.cluster <= byte < (vcn + ln) * self.cluster:
                return lcn * self.cluster + byte - vcn * self.cluster
        sys.exit('offset %d not mapped' % byte)

    def attrs(self, r):
        p, = struct.unpack_from('<H', r, 0x14)
        while struct.unpack_from('<I', r, p)[0] != 0xFFFFFFFF:
            t, ln = struct.unpack_from('<II', r, p)
            yield p, t
            p += ln

    def attr(self, r, t, name=''):
        for p, at in self.attrs(r):
            nl, no = r[p + 9], struct.unpack_from('<H', r, p + 10)[0]
            if at == t and r[p + no:p + no + 2 * nl].decode('utf-16-le') == name:
                return r[p:p + struct.unpack_from('<I', r, p + 4)[0]]
        return None

    def runs(self, a):
        p, = struct.unpack_from('<H', a, 0x20)
        vcn, = struct.unpack_from('<Q', a, 0x10)
        lcn, out = 0, []
        while a[p]:
            nl, no = a[p] & 15, a[p] >> 4
            ln = int.from_bytes(a[p + 1:p + 1 + nl], 'little')
            if no:
                lcn += int.from_bytes(a[p + 1 + nl:p + 1 + nl + no], 'little', signed=True)
                out.append((vcn, lcn, ln))
            vcn += ln
            p += 1 + nl + no
        return out

    def find(self, name):
        """Record number of the first in-use base record with a $FILE_NAME of name."""
        for n in range(16, 100000):
            try:
                r = self.read_rec(n)
            except SystemExit:
                break
            if r[:4] != b'FILE' or not r[0x16] & 1:
                continue
            for p, t in self.attrs(r):
                if t == 0x30:
                    v = p + struct.unpack_from('<H', r, p + 0x14)[0]
                    if r[v + 0x42:v + 0x42 + 2 * r[v + 0x40]].decode('utf-16-le') == name:
                        base = struct.unpack_from('<Q', r, 0x20)[0] & 0xFFFFFFFFFFFF
                        return base or n  # the name may sit in an extension record
        sys.exit('no record for ' + name)

def run(op, img, a):
    f = Ntfs(img)
    if op == 'serial':                       # the serial as grub4dos prints it
        print('%016X' % f.serial)
    elif op == 'mft-runs':
        print(len(f.mft_runs))
    elif op == 'has-attrlist':               # NAME: does its record have an $ATTRIBUTE_LIST?
        print('yes' if f.attr(f.read_rec(f.find(a[0])), 0x20) is not None else 'no')
    elif op == 'data-segments':              # NAME: $DATA segments its attribute list names
        r = f.read_rec(f.find(a[0]))
        al = f.attr(r, 0x20)
        if al[8] == 0:
            v = al[struct.unpack_from('<H', al, 0x14)[0]:]
        else:                                # non-resident: read its runs
            v = b''.join(f.b[lcn * f.cluster:(lcn + ln) * f.cluster] for _, lcn, ln in f.runs(al))
            v = v[:struct.unpack_from('<Q', al, 0x30)[0]]
        n, p = 0, 0
        while p + 0x1A <= len(v):
            n += struct.unpack_from('<I', v, p)[0] == 0x80
            p += struct.unpack_from('<H', v, p + 4)[0] or len(v)
        print(n)
    elif op == 'flags':                      # NAME: its $DATA's compression flags
        print(f.attr(f.read_rec(f.find(a[0])), 0x80)[0x0C] & 0xFF)
    elif op == 'fixup':                      # NAME: break the USN at the end of sector 1
        off = f.rec_off(f.find(a[0]))
        f.b[off + 1022] ^= 0x55
    elif op == 'run-past':                   # NAME: its first run's LCN as big as it can be
        n = f.find(a[0])
        off, r = f.rec_off(n), f.read_rec(n)
        for p, t in f.attrs(r):
            if t == 0x80 and r[p + 8]:
                m = p + struct.unpack_from('<H', r, p + 0x20)[0]
                nl, no = r[m] & 15, r[m] >> 4
                r[m + 1 + nl:m + 1 + nl + no] = b'\xff' * (no - 1) + b'\x7f'
        f.refix(off, r)
    elif op == 'data-end':                   # NAME: the byte after its last run
        r = f.read_rec(f.find(a[0]))
        print(max((lcn + ln) * f.cluster for _, lcn, ln in f.runs(f.attr(r, 0x80))))
    elif op == 'index-loop':                 # DIR: INDX VCN 0's last entry points at VCN 0
        r = f.read_rec(f.find(a[0]))
        ia = f.runs(f.attr(r, 0xA0, '$I30'))
        ir = f.attr(r, 0x90, '$I30')
        isz, = struct.unpack_from('<I', ir, struct.unpack_from('<H', ir, 0x14)[0] + 8)
        off = f.vcn_off(ia, 0)
        x = f.unfix(off, isz)
        eo, il, al = struct.unpack_from('<III', x, 0x18)
        p, last = 0x18 + eo, None
        while True:
            ln, kl, fl = struct.unpack_from('<HHH', x, p + 8)
            if fl & 2:
                break
            last = x[p + 0x52:p + 0x52 + 2 * x[p + 0x50]].decode('utf-16-le')
            p += ln
        assert ln == 0x10 and il + 8 <= al
        struct.pack_into('<HHHxxQ', x, p + 8, 0x18, 0, 3, 0)
        struct.pack_into('<I', x, 0x1C, il + 8)
        f.refix(off, x)
        print(last)  # a lookup of a name just after it goes down the loop
    elif op == 'split-mft':                  # move the MFT's clusters from 16 on elsewhere
        (_, L, N), = f.mft_runs
        k = 16
        r6 = f.read_rec(6)
        bm = b''.join(f.b[l * f.cluster:(l + n) * f.cluster]
                      for _, l, n in f.runs(f.attr(r6, 0x80)))
        total = struct.unpack_from('<Q', f.b, 0x28)[0] // (f.cluster // f.bps)
        used = lambda c: bm[c // 8] >> (c % 8) & 1
        F = total - 64 - (N - k)        # a free stretch near the volume's end
        assert F > L + N and not any(used(c) for c in range(F, F + N - k))
        src, dst = (L + k) * f.cluster, F * f.cluster
        ln = (N - k) * f.cluster
        f.b[dst:dst + ln] = f.b[src:src + ln]
        f.b[src:src + ln] = bytes(ln)   # the old copy is gone: only the runlist finds it
        def pair(n, d):
            nb = (n.bit_length() + 8) // 8
            db = max(1, (d.bit_length() + 8) // 8) if d >= 0 else ((-d - 1).bit_length() + 8) // 8
            return (bytes([db << 4 | nb]) + n.to_bytes(nb, 'little') +
                    d.to_bytes(db, 'little', signed=True))
        r = f.read_rec(0)
        for p, t in f.attrs(r):
            if t == 0x80:
                break
        alen, = struct.unpack_from('<I', r, p + 4)
        mpo, = struct.unpack_from('<H', r, p + 0x20)
        mp = pair(k, L) + pair(N - k, F - L) + b'\0'
        na = bytearray(r[p:p + mpo] + mp)
        na += bytes(-len(na) % 8)
        struct.pack_into('<I', na, 4, len(na))
        used_b, = struct.unpack_from('<I', r, 0x18)
        body = r[:p] + na + r[p + alen:used_b]
        struct.pack_into('<I', body, 0x18, len(body))
        r[:len(body)] = body
        f.refix(L * f.cluster, r)
    elif op == 'byte':                       # OFFSET VALUE
        f.b[int(a[0], 0)] = int(a[1], 0)
    else:
        sys.exit('unknown op ' + op)
    f.b.flush()

run(sys.argv[1], sys.argv[2], sys.argv[3:])
EOF

# ---- lscheck.py TREE OUT: compare `ls` output after "@@@/dir" markers with TREE ----
cat >lscheck.py <<'EOF'
import os, sys
tree, out = sys.argv[1], open(sys.argv[2], encoding='utf-8', errors='replace').read()
got, cur = {}, None
for line in out.split('\n'):
    if line.startswith('@@@'):
        cur = line[3:] or '/'
        got[cur] = set()
        continue
    if cur is None:
        continue
    line = line.replace('\\\\', '\1').replace('\\ ', '\0')
    got[cur] |= {n.strip(' ').replace('\0', ' ').replace('\1', '\\')
                 for n in line.split('  ') if n.strip(' ')}
for d in got:
    path = os.path.join(tree, d.lstrip('/'))
    want = {n + '/' if os.path.isdir(os.path.join(path, n)) else n for n in os.listdir(path)}
    if got[d] != want:
        print('[%s: extra %s, missing %s]' % (d, sorted(got[d] - want), sorted(want - got[d])))
EOF

# ---- the source tree ----
rnd() { head -c "$2" /dev/urandom >"$1"; }
mkdir -p tree/Deep/Path/l3/l4/l5/l6/l7/l8/l9 "tree/dir with spaces" tree/sizes tree/many \
    tree/DIR1/SUB
echo "the bottom" >tree/Deep/Path/l3/l4/l5/l6/l7/l8/l9/Leaf.TXT
echo "long" >"tree/Long File Name Example.txt"
echo "longer" >"tree/$(printf 'A very long name %.0s' 1 2 3 4 5 6 7 8 9 10 11 12 13)end.txt"
echo mixed >tree/MiXeD.Txt
echo "gruesse" >"tree/Grüße ünïcödé.txt"
echo "zhongwen" >"tree/中文名字.txt"
echo "smile" >"tree/😀 smile.txt"
echo "inner" >"tree/dir with spaces/inner file.txt"
echo "dollar" >"tree/DIR1/\$notmeta.txt"   # '$' names are hidden only in the root
: >tree/empty.bin
for n in 4096 65536; do
    rnd tree/sizes/c$n.bin $n                # exactly one cluster (4 KiB clusters), and 16
    rnd tree/sizes/c$n+1.bin $((n + 1))
done
rnd tree/sizes/resident.bin 300              # small enough to live in the MFT record
rnd tree/DIR1/BIG.BIN 3000000
echo sub >tree/DIR1/SUB/FILE.TXT
i=0
while [ $i -lt 3000 ]; do : >"tree/many/file number $i.txt"; i=$((i + 1)); done
echo "last one" >"tree/many/file number 2999.txt"

# ---- the image: 256 MiB, 4 KiB clusters, filled through ntfs-3g ----
img=ntfs.img
rm -f $img && truncate -s 256M $img
mkntfs -F -f -q -L "NTFS Label" $img >/dev/null 2>&1 || echo "FAIL mkntfs"
mkdir -p mnt
if ! ntfs-3g $img mnt; then
    echo "FAIL ntfs-3g mount (FUSE): no image to test"
    exit 1
fi
cp -r tree/. mnt/
# a file of 1500 4 KiB pieces with holes between them (seek and write): its
# runlist of 3000 runs no longer fits the MFT record, so it continues in
# extension records named by an $ATTRIBUTE_LIST. (ntfs-3g allocates new
# data after the last allocation, not into freed holes, so a file
# fragmented on disk is not easy to make here; this is its runlist's shape.)
mkdir -p tree/frag mnt/frag tree/links mnt/links
python3 - <<'PY'
import os
with open('mnt/frag/striped.bin', 'wb') as f, open('tree/frag/striped.bin', 'wb') as g:
    for i in range(1500):
        b = os.urandom(4096)
        for x in (f, g):
            x.seek(i * 8192)
            x.write(b)
PY
# 30 hard links with long names: their $FILE_NAMEs push the record into an attribute list too
rnd tree/links/linked.bin 100000 && cp tree/links/linked.bin mnt/links/
i=0
while [ $i -lt 30 ]; do
    n="link $i $(printf 'x%.0s' $(seq 1 120))"
    ln mnt/links/linked.bin "mnt/links/$n" && ln tree/links/linked.bin "tree/links/$n"
    i=$((i + 1))
done
# a 5 GiB sparse file with data at its start, past 4 GiB and at its end (not in tree/)
mkdir -p mnt/sparse tree/sparse tree/comp
: >tree/sparse/five.bin   # listed, not read: check_tree leaves sparse/ out
truncate -s 5G mnt/sparse/five.bin
printf 'start' | dd of=mnt/sparse/five.bin conv=notrunc status=none
printf 'past four' | dd of=mnt/sparse/five.bin bs=1 seek=4831838208 conv=notrunc status=none
printf 'the end' | dd of=mnt/sparse/five.bin bs=1 seek=$((5368709120 - 7)) conv=notrunc status=none
# compressed files (LZNT1): the directory's compressed flag makes new files
# compressed; units that compress, that do not (stored), and all zeros (sparse)
mkdir -p mnt/comp
python3 -c "import os; os.setxattr('mnt/comp', 'system.ntfs_attrib_be', (0x800).to_bytes(4, 'big'))"
yes compressible | head -c 200000 >tree/comp/c.txt
python3 - <<'PY'
import os, random
r = random.Random(7)
words = [bytes(r.choice(b'abcdefgh ') for _ in range(r.randint(1, 9))) for _ in range(300)]
text = b' '.join(r.choice(words) for _ in range(60000))[:300000]
open('tree/comp/text.txt', 'wb').write(text)
open('tree/comp/mixed.bin', 'wb').write(os.urandom(70000) + bytes(200000) + text[:50000] +
                                         os.urandom(5000))
PY
cp tree/comp/c.txt tree/comp/text.txt tree/comp/mixed.bin mnt/comp/
umount mnt

# ---- the checks ----
# check_tree NAME IMG [MAPBOOT OPTIONS]: every directory's listing and every file's bytes
check_tree() {
    name=$1 timg=$2; shift 2
    script=""
    (cd tree && find . -type d) | sort >dirs.txt
    while IFS= read -r d; do script="$script
echo @@@${d#.}
ls \"(hd0)${d#.}/\""; done <dirs.txt
    mb "$@" --hd "$timg" -c "$script" >ls.out 2>&1
    check "${name}_listings ($(wc -l <dirs.txt) directories)" "$(python3 lscheck.py tree ls.out)" ""
    (cd tree && find . -type f ! -path './sparse/*') | sort >files.txt
    bad=""
    # a few hundred files per run: one -c argument is at most 128 KiB
    rm -f part.* && split -l 400 files.txt part.
    if [ "$(for p in part.*; do
                script=""
                while IFS= read -r f; do script="$script
cat \"(hd0)${f#.}\""; done <"$p"
                mb "$@" --hd "$timg" -c "$script"
            done | sha256sum)" != \
         "$(while IFS= read -r f; do cat "tree/$f"; done <files.txt | sha256sum)" ]; then
        while IFS= read -r f; do
            [ "$(mb "$@" --hd "$timg" -c "cat \"(hd0)${f#.}\"" | sha256sum)" = \
              "$(sha256sum <"tree/$f")" ] || bad="$bad [${f#.}]"
            [ ${#bad} -lt 300 ] || break
        done <files.txt
        [ -n "$bad" ] || bad="the files differ when read together"
    fi
    check "${name}_file_contents ($(wc -l <files.txt) files)" "$bad" ""
}

check_tree ntfs $img
check_tree ntfs_on_4kn $img --block-size 4096
# the MFT in two runs, its second half moved: records past the first run are found
# (ntfs-3g grows the MFT in place, so the split is made here)
cp --sparse=always $img mft2.img && python3 ntfsimg.py split-mft mft2.img
check ntfs_split_mft_has_two_runs "$(python3 ntfsimg.py mft-runs mft2.img)" 2
check_tree ntfs_split_mft mft2.img
check ntfs_label "$(mb --hd $img -c 'vol (hd0)')" "NTFS Label"
check ntfs_uuid_is_the_serial "$(mb --hd $img -c 'uuid (hd0)')" "$(python3 ntfsimg.py serial $img)"
check_grep ntfs_listed_as_ntfs "$(mb --hd $img -c 'ls')" '\(hd0\): ntfs'
check ntfs_root_hides_metadata "$(mb --hd $img -c 'ls (hd0)/' | grep -c '\$')" 0
check ntfs_metadata_opens_by_name "$(mb --hd $img -c 'cat --length=4 (hd0)/$MFT')" "FILE"
check ntfs_case_insensitive_deep \
    "$(mb --hd $img -c 'cat (hd0)/DEEP/path/L3/l4/L5/l6/L7/l8/L9/leaf.txt')" "the bottom"
check ntfs_case_insensitive_unicode \
    "$(mb --hd $img -c 'cat "(hd0)/GRÜßE ÜNÏCÖDÉ.TXT"')" \
    "gruesse"
check ntfs_surrogate_pair_name "$(mb --hd $img -c 'cat "(hd0)/😀 SMILE.txt"')" "smile"
check ntfs_many_lookup "$(mb --hd $img -c 'cat "(hd0)/MANY/FILE NUMBER 2999.TXT"')" "last one"
check_fails ntfs_missing_file 'not found|No such|no such' \
    mb --hd $img -c 'cat (hd0)/Deep/nothere.txt'
check_fails ntfs_file_as_directory '.' mb --hd $img -c 'ls (hd0)/MiXeD.Txt/x/'

# runlists continued in extension records, and a record spilled by its names
check ntfs_striped_has_attribute_list "$(python3 ntfsimg.py has-attrlist $img striped.bin)" yes
check ntfs_hard_links_have_attribute_list "$(python3 ntfsimg.py has-attrlist $img linked.bin)" yes
n=$(python3 ntfsimg.py data-segments $img striped.bin)
check "ntfs_striped_runlist_in_${n}_segments" "$([ "$n" -ge 2 ] && echo yes)" yes
check ntfs_striped_hole_reads_zeros \
    "$(mb --hd $img -c 'cat --skip=4096 --length=4096 (hd0)/frag/striped.bin' | sha256sum)" \
    "$(head -c 4096 /dev/zero | sha256sum)"

# the sparse file: 64-bit sizes and offsets, holes read as zeros
check ntfs_sparse_5g_start "$(mb --hd $img -c 'cat --length=5 (hd0)/sparse/five.bin')" "start"
check ntfs_sparse_5g_past_4g \
    "$(mb --hd $img -c 'cat --skip=4831838208 --length=9 (hd0)/sparse/five.bin')" "past four"
check ntfs_sparse_5g_end \
    "$(mb --hd $img -c 'cat --skip=5368709113 (hd0)/sparse/five.bin')" "the end"
check ntfs_sparse_5g_hole_is_zeros \
    "$(mb --hd $img -c 'cat --skip=3000000000 --length=1048576 (hd0)/sparse/five.bin' | sha256sum)" \
    "$(head -c 1048576 /dev/zero | sha256sum)"
check_fails ntfs_sparse_5g_blocklist_says_sparse 'sparse' \
    mb --hd $img -c 'blocklist (hd0)/sparse/five.bin'

# compressed files: read above with the tree; they have no extents to map
check ntfs_compressed_is_compressed "$(python3 ntfsimg.py flags $img text.txt)" 1
check_fails ntfs_compressed_no_extents \
    '\(hd0\).*(compressed file has no extents|does not say where)' \
    mb --hd $img -c 'blocklist (hd0)/comp/text.txt'

# ---- an NTFS volume in an MBR partition, 64 KiB clusters ----
rm -f part.img && truncate -s 80M part.img &&
    printf 'label: dos\nstart=2048, size=120000, type=7\n' | sfdisk -q part.img &&
    rm -f p.img && truncate -s $((120000 * 512)) p.img &&
    mkntfs -F -f -q -c 65536 -L PARTNTFS p.img >/dev/null 2>&1 &&
    ntfs-3g p.img mnt && mkdir -p mnt/a && echo "in a partition" >mnt/a/b.txt &&
    rnd big64k.bin 300000 && cp big64k.bin mnt/ && umount mnt &&
    dd if=p.img of=part.img bs=1M seek=1 conv=notrunc,sparse status=none
check ntfs_in_mbr_partition_64k_clusters "$(mb --hd part.img -c 'cat (hd0,0)/A/B.TXT
vol (hd0,0)')" "in a partition
PARTNTFS"
check ntfs_64k_clusters_big_file "$(mb --hd part.img -c 'cat (hd0,0)/big64k.bin' | sha256sum)" \
    "$(sha256sum <big64k.bin)"

# ---- 4096-byte sectors on a 4Kn device ----
rm -f s4k.img && truncate -s 64M s4k.img && mkntfs -F -f -q -s 4096 -L FOURK s4k.img >/dev/null 2>&1 &&
    ntfs-3g s4k.img mnt && cp -r tree/Deep tree/DIR1 mnt/ && umount mnt
check ntfs_4k_sectors_4kn "$(mb --block-size 4096 --hd s4k.img -c 'vol (hd0)
cat (hd0)/deep/path/l3/l4/l5/l6/l7/l8/l9/leaf.txt' ; mb --block-size 4096 --hd s4k.img -c \
    'cat (hd0)/DIR1/BIG.BIN' | cmp - tree/DIR1/BIG.BIN && echo same)" "FOURK
the bottom
same"

# ---- corrupt images: each fails with a message naming the device, never hangs ----
bad() {
    name=$1 re=$2 bimg=$3 cmd=$4
    check_fails "$name" "$re" timeout 20 "$MAPBOOT" --hd "$bimg" -c "$cmd"
}
for c in fixup runpast loop trunc bps spc rec; do cp --sparse=always $img c-$c.img; done
python3 ntfsimg.py fixup c-fixup.img FILE.TXT
bad ntfs_mft_fixup_mismatch '\(hd0\).*MFT fixup mismatch' c-fixup.img 'cat (hd0)/DIR1/SUB/FILE.TXT'
python3 ntfsimg.py run-past c-runpast.img BIG.BIN
bad ntfs_runlist_past_volume '\(hd0\).*BIG.BIN.*past the volume' c-runpast.img \
    'cat (hd0)/DIR1/BIG.BIN'
last=$(python3 ntfsimg.py index-loop c-loop.img many)
bad ntfs_index_loop '\(hd0\).*many.*index loops' c-loop.img 'ls (hd0)/many/'
bad ntfs_index_loop_lookup '\(hd0\).*many.*index loops' c-loop.img "cat \"(hd0)/many/${last}~\""
python3 ntfsimg.py byte c-bps.img 11 0x2c
bad ntfs_bad_boot_sector '\(hd0\).*bad NTFS boot sector' c-bps.img 'ls (hd0)/'
python3 ntfsimg.py byte c-spc.img 13 3
bad ntfs_bad_boot_sector_cluster '\(hd0\).*bad NTFS boot sector' c-spc.img 'ls (hd0)/'
python3 ntfsimg.py byte c-rec.img 0x40 0x7f
bad ntfs_bad_boot_sector_record_size '\(hd0\).*bad NTFS boot sector' c-rec.img 'ls (hd0)/'
end=$(python3 ntfsimg.py data-end c-trunc.img BIG.BIN)
truncate -s $((end - 4096)) c-trunc.img
bad ntfs_truncated_image '\(hd0\).*BIG.BIN.*truncated' c-trunc.img 'cat (hd0)/DIR1/BIG.BIN'
