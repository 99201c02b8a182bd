# FAT12/16/32 (fs/fat.c) over images made here with mkfs.fat and mtools:
# every file's bytes and every directory's names against the source tree,
# case-insensitive and 8.3 lookups, labels and serials, fragmented files,
# 4096-byte logical sectors and 4Kn devices, and corrupt images that must
# fail with a message naming the device.
. "$(dirname "$0")/lib.sh"
export MTOOLS_SKIP_CHECK=1
cd "$WORK" || exit 1

# ---- fatimg.py: the test's own reading of the format, to find and patch structures ----
cat >fatimg.py <<'EOF'
import mmap, struct, sys

EOC = {12: 0xFF8, 16: 0xFFF8, 32: 0x0FFFFFF8}
SLOTS = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30]  # UTF-16 units of a long-name entry

class Fat:
    def __init__(self, path):
        self.file = open(path, 'r+b')
        self.b = b = mmap.mmap(self.file.fileno(), 0)  # patched in place
        self.bps, = struct.unpack_from('<H', b, 11)
        self.spc = b[13]
        self.res, = struct.unpack_from('<H', b, 14)
        self.nfats = b[16]
        self.rootents, = struct.unpack_from('<H', b, 17)
        self.total = struct.unpack_from('<H', b, 19)[0] or struct.unpack_from('<I', b, 32)[0]
        fsz, = struct.unpack_from('<H', b, 22)
        self.fat32 = fsz == 0
        self.fatsz = struct.unpack_from('<I', b, 36)[0] if self.fat32 else fsz
        self.root_off = (self.res + self.nfats * self.fatsz) * self.bps
        self.data = self.root_off + (self.rootents * 32 + self.bps - 1) // self.bps * self.bps
        self.csize = self.bps * self.spc
        self.clusters = (self.total * self.bps - self.data) // self.csize
        self.bits = 32 if self.fat32 else 12 if self.clusters < 4085 else 16
        self.root_cluster = struct.unpack_from('<I', b, 44)[0] if self.fat32 else 0

    def fat_off(self, c, n=0):
        base = (self.res + n * self.fatsz) * self.bps
        return base + (c + c // 2 if self.bits == 12 else c * self.bits // 8)

    def get(self, c):
        o = self.fat_off(c)
        if self.bits == 12:
            v, = struct.unpack_from('<H', self.b, o)
            return v >> 4 if c & 1 else v & 0xFFF
        if self.bits == 16:
            return struct.unpack_from('<H', self.b, o)[0]
        return struct.unpack_from('<I', self.b, o)[0] & 0x0FFFFFFF

    def set(self, c, v):
        for n in range(self.nfats):
            o = self.fat_off(c, n)
            if self.bits == 12:
                old, = struct.unpack_from('<H', self.b, o)
                new = (old & 0xF) | (v << 4) if c & 1 else (old & 0xF000) | v
                struct.pack_into('<H', self.b, o, new)
            else:
                struct.pack_into('<H' if self.bits == 16 else '<I', self.b, o, v)

    def chain(self, c):
        out = []
        while 2 <= c < EOC[self.bits] and len(out) <= self.clusters:
            out.append(c)
            c = self.get(c)
        return out

    def dir_offsets(self, cluster):
        if cluster == 0:
            return [self.root_off + 32 * i for i in range(self.rootents)]
        return [self.data + (c - 2) * self.csize + i
                for c in self.chain(cluster) for i in range(0, self.csize, 32)]

    def entry(self, path):
        """Offset of the entry of an upper-case 8.3 path like DIR1/BIG.BIN."""
        cluster, off = self.root_cluster, None
        for comp in path.strip('/').split('/'):
            base, _, ext = comp.partition('.')
            want = base.ljust(8).encode() + ext.ljust(3).encode()
            for o in self.dir_offsets(cluster):
                if self.b[o] == 0:
                    sys.exit('no entry ' + path)
                if self.b[o:o + 11] == want and (self.b[o + 11] & 0x3F) != 0x0F:
                    off = o
                    break
            else:
                sys.exit('no entry ' + path)
            cluster = self.first(off)
        return off

    def first(self, off):
        lo, = struct.unpack_from('<H', self.b, off + 26)
        return lo | (struct.unpack_from('<H', self.b, off + 20)[0] << 16 if self.fat32 else 0)

    def set_first(self, off, c):
        struct.pack_into('<H', self.b, off + 26, c & 0xFFFF)
        if self.fat32:
            struct.pack_into('<H', self.b, off + 20, c >> 16)

    def surrogates(self, cluster, depth=0):
        """mtools stores U+1F600 as U+F600: put the real surrogate pair in its place."""
        for o in self.dir_offsets(cluster):
            if self.b[o] == 0:
                return
            if self.b[o] == 0xE5:
                continue
            if (self.b[o + 11] & 0x3F) != 0x0F:
                if self.b[o + 11] & 0x10 and self.b[o] != ord('.') and depth < 16:
                    self.surrogates(self.first(o), depth + 1)
                continue
            u = [struct.unpack_from('<H', self.b, o + k)[0] for k in SLOTS]
            if self.b[o] == 0x41 and 0xF600 in u:  # a long name in one entry
                name = u[:u.index(0)] if 0 in u else u
                k = name.index(0xF600)
                name[k:k + 1] = [0xD83D, 0xDE00]
                assert len(name) <= 13
                name = (name + [0] + [0xFFFF] * 13)[:13]
                for k, v in zip(SLOTS, name):
                    struct.pack_into('<H', self.b, o + k, v)

def run(op, img, a):
    f = Fat(img)
    if op == 'info':              # bits bytes-per-sector
        print(f.bits, f.bps)
    elif op == 'nofsinfo':        # FAT32: forget the next-free hint, so mtools allocates first-fit
        if f.fat32:
            fsi, = struct.unpack_from('<H', f.b, 48)
            struct.pack_into('<I', f.b, fsi * f.bps + 492, 0xFFFFFFFF)
    elif op == 'surrogates':
        f.surrogates(f.root_cluster)
    elif op == 'loop':            # PATH N: PATH's Nth cluster links back to its first
        ch = f.chain(f.first(f.entry(a[0])))
        f.set(ch[int(a[1])], ch[0])
    elif op == 'loop-late':       # PATH: near its end, a link two clusters back
        ch = f.chain(f.first(f.entry(a[0])))
        f.set(ch[-2], ch[-4])
    elif op == 'link':            # PATH VALUE: PATH's first cluster links to VALUE
        ch = f.chain(f.first(f.entry(a[0])))
        f.set(ch[0], f.clusters + 10 if a[1] == 'past-end' else int(a[1], 0))
    elif op == 'first':           # PATH CLUSTER: set PATH's first cluster
        f.set_first(f.entry(a[0]), int(a[1], 0))
    elif op == 'first-of':        # PATH OTHER: PATH's first cluster becomes OTHER's
        f.set_first(f.entry(a[0]), f.root_cluster if a[1] == '/' else f.first(f.entry(a[1])))
    elif op == 'size':            # PATH SIZE
        struct.pack_into('<I', f.b, f.entry(a[0]) + 28, int(a[1], 0))
    elif op == 'blank':           # PATH: a name of 11 spaces (no DOS name starts with one)
        o = f.entry(a[0])
        f.b[o:o + 11] = b' ' * 11
    elif op == 'byte':            # OFFSET VALUE
        f.b[int(a[0], 0)] = int(a[1], 0)
    elif op == 'le32':            # OFFSET VALUE
        struct.pack_into('<I', f.b, int(a[0], 0), int(a[1], 0))
    elif op == 'end-of':          # PATH: the byte after PATH's last cluster
        print(max(f.data + (c - 1) * f.csize for c in f.chain(f.first(f.entry(a[0])))))
    else:
        sys.exit('unknown op ' + op)
    f.b.flush()

# fatimg.py OP IMG ARGS..., or fatimg.py - to run such lines from stdin (one start-up)
if sys.argv[1] == '-':
    for line in sys.stdin:
        if line.split():
            w = line.split()
            run(w[0], w[1], w[2:])
else:
    run(sys.argv[1], sys.argv[2], sys.argv[3:])
EOF

# ---- lscheck.py TREE OUT: compare `ls` output after "@@@/dir" markers with TREE ----
# ls prints each name followed by two spaces, directories with '/'; a space
# inside a name may be escaped as '\ '.
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

# ---- the source tree: base/ is shared; each image gets a copy that later steps add to ----
rnd() { head -c "$2" /dev/urandom >"$1"; }
mkdir -p base/Deep/Path/l3/l4/l5/l6/l7/l8/l9 "base/dir with spaces" base/sizes base/DIR1/SUB
echo "the bottom" >base/Deep/Path/l3/l4/l5/l6/l7/l8/l9/Leaf.TXT
echo "level five" >base/Deep/Path/l3/l4/l5/five.txt
echo "long" >"base/Long File Name Example.txt"
echo "longer" >"base/$(printf 'A very long name %.0s' 1 2 3 4 5 6 7 8 9 10)end.txt"
echo mixed >base/MiXeD.Txt
echo lower >base/lower.txt          # 8.3 with NT's lowercase flags, no long name
echo upper >base/UPPER.TXT
echo lowbase >base/lowbase.TXT
echo upext >base/UPEXT.txt
echo "gruesse" >"base/Grüße ünïcödé.txt"
echo "zhongwen" >"base/中文名字.txt"
echo "nihongo" >"base/日本語のファイル名.dat"
echo "smile" >"base/😀 smile.txt"     # outside the BMP: a surrogate pair in the long name
echo "spaces" >"base/name with spaces.txt"
echo "inner" >"base/dir with spaces/inner file.txt"
echo "hidden" >base/hidden.txt
echo "system" >base/system.txt
: >base/empty.bin
for n in 512 1024 2048 4096 8192 16384; do
    rnd base/sizes/c$n.bin $n            # exactly one cluster where clusters are n bytes
    rnd base/sizes/c$n+1.bin $((n + 1))
done
rnd base/DIR1/BIG.BIN 200000
echo sub >base/DIR1/SUB/FILE.TXT
rnd base/DIR1/TWO.BIN 9000

# mkimg IMG KIB MKFS-ARGS...: an image of KIB KiB (sparse) holding base/,
# whose copy tree-IMG/ later steps add to.
mkimg() {
    img=$1 kib=$2; shift 2
    rm -rf "$img" "tree-$img" && cp -a base "tree-$img"
    mkfs.fat -C "$@" "$img" "$kib" >/dev/null 2>&1 || { echo "FAIL mkfs.fat $*"; return 1; }
    mcopy -s -i "$img" base/* ::/ || { echo "FAIL mcopy into $img"; return 1; }
    mattrib -i "$img" +h ::/hidden.txt && mattrib -i "$img" +s ::/system.txt &&
        python3 fatimg.py surrogates "$img"
}

# frag IMG DIR ROUNDS CHUNK FINAL: grow DIR/A.BIN and DIR/B.BIN by CHUNK in
# turns, so that their clusters interleave (each rewrite frees the old chain,
# and first-fit allocation puts the new one into those holes and then past
# the other file); then A.BIN grows to FINAL bytes, its tail in one piece.
frag() {
    img=$1 dir=$2 rounds=$3 chunk=$4 final=$5 t=tree-$1
    mkdir -p "$t/$dir" && mmd -i "$img" "::/$dir"
    : >"$t/$dir/A.BIN"; : >"$t/$dir/B.BIN"
    i=0
    while [ $i -lt "$rounds" ]; do
        for x in A B; do
            rnd more "$chunk" && cat more >>"$t/$dir/$x.BIN"
            python3 fatimg.py nofsinfo "$img"
            mcopy -o -i "$img" "$t/$dir/$x.BIN" "::/$dir/$x.BIN" || echo "FAIL mcopy $x"
        done
        i=$((i + 1))
    done
    rnd more $((final - $(stat -c %s "$t/$dir/A.BIN"))) && cat more >>"$t/$dir/A.BIN"
    python3 fatimg.py nofsinfo "$img"
    mcopy -o -i "$img" "$t/$dir/A.BIN" "::/$dir/A.BIN" || echo "FAIL mcopy A"
}

# holes IMG DIR N: N small files in a row, every other one deleted, then
# HOLEY.BIN written first-fit into the holes (about N/2 fragments).
holes() {
    img=$1 dir=$2 n=$3 t=tree-$1
    mkdir -p "$t/$dir/fill" && mmd -i "$img" "::/$dir" "::/$dir/fill"
    i=100 del=""
    while [ $i -lt $((100 + n)) ]; do
        rnd "$t/$dir/fill/F$i.BIN" 3000
        [ $((i % 2)) = 1 ] && del="$del ::/$dir/fill/F$i.BIN"
        i=$((i + 1))
    done
    mcopy -i "$img" "$t/$dir"/fill/* "::/$dir/fill/"
    mdel -i "$img" $del
    rm -f "$t/$dir"/fill/F*[13579].BIN
    rnd "$t/$dir/HOLEY.BIN" $((n / 2 * 3000))
    python3 fatimg.py nofsinfo "$img"
    mcopy -i "$img" "$t/$dir/HOLEY.BIN" "::/$dir/"
}

# runs_of OUT: the number of runs in blocklist output "(hd0)a+b,c+d"
runs_of() { printf '%s\n' "$1" | tail -1 | tr ',' '\n' | grep -c '+'; }

# check_tree NAME IMG [MAPBOOT OPTIONS]: every directory's listing and
# every file's bytes against tree-IMG/. One shell run lists all the
# directories, one more cats all the files (one per file only to say which
# differ).
check_tree() {
    name=$1 img=$2; shift 2
    t=tree-$img script=""
    (cd "$t" && find . -type d) | sort >dirs.txt
    while IFS= read -r d; do script="$script
echo @@@${d#.}
ls \"(hd0)${d#.}/\""; done <dirs.txt
    mb "$@" --hd "$img" -c "$script" >ls.out 2>&1
    check "${name}_listings ($(wc -l <dirs.txt) directories)" "$(python3 lscheck.py "$t" ls.out)" ""
    (cd "$t" && find . -type f) | sort >files.txt
    script="" bad=""
    while IFS= read -r f; do script="$script
cat \"(hd0)${f#.}\""; done <files.txt
    if [ "$(mb "$@" --hd "$img" -c "$script" | sha256sum)" != \
         "$(while IFS= read -r f; do cat "$t/$f"; done <files.txt | sha256sum)" ]; then
        while IFS= read -r f; do
            [ "$(mb "$@" --hd "$img" -c "cat \"(hd0)${f#.}\"" | sha256sum)" = \
              "$(sha256sum <"$t/$f")" ] || bad="$bad [${f#.}]"
        done <files.txt
        [ -n "$bad" ] || bad="the files differ when read together"
    fi
    check "${name}_file_contents ($(wc -l <files.txt) files)" "$bad" ""
}

# check_lookups NAME IMG [OPTIONS]: case-insensitive and 8.3-alias opens
check_lookups() {
    name=$1 img=$2; shift 2
    check "${name}_case_insensitive_deep" \
        "$(mb "$@" --hd "$img" -c 'cat (hd0)/DEEP/path/L3/l4/L5/l6/L7/l8/L9/leaf.txt')" "the bottom"
    check "${name}_case_insensitive_unicode" \
        "$(mb "$@" --hd "$img" -c 'cat "(hd0)/GRÜßE ÜNÏCÖDÉ.TXT"')" "gruesse"
    check "${name}_surrogate_pair_name" "$(mb "$@" --hd "$img" -c 'cat "(hd0)/😀 SMILE.txt"')" "smile"
    check "${name}_8.3_alias" "$(mb "$@" --hd "$img" -c 'cat (hd0)/longfi~1.txt')" "long"
    check "${name}_lowercase_8.3" "$(mb "$@" --hd "$img" -c 'cat (hd0)/LOWER.TXT')" "lower"
    check_fails "${name}_missing_file" 'not found|No such|no such' \
        mb "$@" --hd "$img" -c 'cat (hd0)/Deep/nothere.txt'
    check_fails "${name}_file_as_directory" '.' mb "$@" --hd "$img" -c 'ls (hd0)/lower.txt/x/'
}

# ---- FAT12: 2 KiB clusters ----
if mkimg fat12.img 8192 -F 12 -i 1234ABCD -n FAT12LBL; then
    check fat12_type "$(python3 fatimg.py info fat12.img)" "12 512"
    check_tree fat12 fat12.img
    check_lookups fat12 fat12.img
    check fat12_uuid "$(mb --hd fat12.img -c 'uuid (hd0)')" "1234-ABCD"
    check fat12_label "$(mb --hd fat12.img -c 'vol (hd0)')" "FAT12LBL"
    check_grep fat12_listed_as_fat12 "$(mb --hd fat12.img -c 'uuid')" '\(hd0\).*fat12'
fi

# ---- FAT16: a file written into 60 holes, two files grown in turns ----
if mkimg fat16.img 65536 -F 16 -i 0000beef -n "MY FAT16"; then
    holes fat16.img holes 120
    frag fat16.img frag16 6 300001 2000000
    check fat16_type "$(python3 fatimg.py info fat16.img)" "16 512"
    check_tree fat16 fat16.img
    check_lookups fat16 fat16.img
    check fat16_uuid "$(mb --hd fat16.img -c 'uuid (hd0)')" "0000-BEEF"
    check fat16_label_with_space "$(mb --hd fat16.img -c 'vol (hd0)')" "MY FAT16"
    check_grep fat16_listed_as_fat16 "$(mb --hd fat16.img -c 'uuid')" '\(hd0\).*fat16'
    out=$(mb --hd fat16.img -c 'blocklist (hd0)/holes/HOLEY.BIN')
    n=$(runs_of "$out")
    check "fat16_holey_file_fragmented ($n runs)" "$([ "$n" -ge 40 ] && echo yes)" yes
    n=$(runs_of "$(mb --hd fat16.img -c 'blocklist (hd0)/frag16/A.BIN')")
    check "fat16_interleaved_file_fragmented ($n runs)" "$([ "$n" -ge 6 ] && echo yes)" yes
    # the extents are right: reading them raw gives the file
    size=$(stat -c %s tree-fat16.img/holes/HOLEY.BIN)
    check fat16_extents_read_raw \
        "$(mb --hd fat16.img -c "cat --length=$size $(printf '%s' "$out" | tail -1)" | sha256sum)" \
        "$(sha256sum <tree-fat16.img/holes/HOLEY.BIN)"
    # a 512-byte-sector FAT on a 4Kn device: little is block aligned
    check_tree fat16_on_4kn fat16.img --block-size 4096
fi

# ---- FAT32: 24 MiB and 4 MiB files grown in turns (16 interleaved runs each) ----
if mkimg fat32.img 163840 -F 32 -i DEADbeef -n ESP; then
    frag fat32.img frag 16 262147 25165831
    check fat32_type "$(python3 fatimg.py info fat32.img)" "32 512"
    check_tree fat32 fat32.img
    check_lookups fat32 fat32.img
    check fat32_uuid "$(mb --hd fat32.img -c 'uuid (hd0)')" "DEAD-BEEF"
    check fat32_label "$(mb --hd fat32.img -c 'vol (hd0)')" "ESP"
    check_grep fat32_listed_as_fat32 "$(mb --hd fat32.img -c 'uuid')" '\(hd0\).*fat32'
    for x in A B; do
        out=$(mb --hd fat32.img -c "blocklist (hd0)/frag/$x.BIN")
        n=$(runs_of "$out")
        check "fat32_interleaved_${x}_fragmented ($n runs)" "$([ "$n" -ge 16 ] && echo yes)" yes
        size=$(stat -c %s "tree-fat32.img/frag/$x.BIN")
        check "fat32_extents_${x}_read_raw" \
            "$(mb --hd fat32.img -c "cat --length=$size $(printf '%s' "$out" | tail -1)" | sha256sum)" \
            "$(sha256sum <"tree-fat32.img/frag/$x.BIN")"
    done
    check_tree fat32_on_4kn fat32.img --block-size 4096
fi

# ---- FAT32 with 4096-byte logical sectors, no label ----
# (mtools, like Microsoft's spec, takes a FAT32 with under 65525 clusters for
# FAT16, so this one is big enough for it: 75000 clusters, a sparse file)
if mkimg fat32s4k.img 300000 -F 32 -S 4096 -s 1 -i 00C0FFEE; then
    check fat32_4k_sectors_type "$(python3 fatimg.py info fat32s4k.img)" "32 4096"
    check_tree fat32_4k_sectors fat32s4k.img
    check_tree fat32_4k_sectors_on_4kn fat32s4k.img --block-size 4096
    check_lookups fat32_4k_sectors fat32s4k.img --block-size 4096
    check fat32_4k_sectors_uuid "$(mb --hd fat32s4k.img -c 'uuid (hd0)')" "00C0-FFEE"
    check_grep fat32_no_label_is_none "$(mb --hd fat32s4k.img -c 'vol (hd0)' 2>&1; echo "exit $?")" \
        '^exit [1-9]'
fi

# ---- FAT16 in an MBR partition: the volume starts 1 MiB into the disk ----
rm -f part.img && truncate -s 40M part.img &&
    printf 'label: dos\nstart=2048, size=30000, type=6\n' | sfdisk -q part.img &&
    mkfs.fat -F 16 --offset 2048 -i ABCD0123 -n PARTFAT part.img 15000 >/dev/null 2>&1 &&
    mcopy -s -i part.img@@1M base/Deep ::/
check fat_in_mbr_partition "$(mb --hd part.img -c 'cat (hd0,0)/deep/path/l3/l4/l5/five.txt
uuid (hd0,0)
vol (hd0,0)')" "level five
ABCD-0123
PARTFAT"

# ---- a small FAT32 (under 65525 clusters): FAT32 by its BPB, as Linux and EDK2 read it ----
rm -f small32.img && mkfs.fat -C -F 32 -i 5555AAAA small32.img 20480 >/dev/null 2>&1
check small_fat32_is_fat32 "$(mb --hd small32.img -c 'uuid')" "(hd0): fat32 5555-AAAA"

# ---- corrupt images: each fails with a message naming the device, never hangs ----
# bad NAME REGEX IMG CMD: CMD on IMG must fail cleanly (under a timeout)
bad() {
    name=$1 re=$2 img=$3 cmd=$4
    check_fails "$name" "$re" timeout 20 "$MAPBOOT" --hd "$img" -c "$cmd"
}
mkimg base16.img 16384 -F 16 -n BASE || exit 1
mkimg base32.img 36864 -F 32 -s 1 -n BASE32 || exit 1
for t in 16 32; do
    for c in loop loop-late dirloop range free dir-out file-out short lie self root blank; do
        cp --sparse=always base$t.img c$t-$c.img
    done
    # the first 1 MiB is enough for BPB tests: nothing gets past the boot sector
    for c in 1 2 3 4 5 6 7; do head -c 1048576 base$t.img >c$t-bpb$c.img; done
    python3 fatimg.py - <<PATCHES
loop c$t-loop.img DIR1/BIG.BIN 2
loop-late c$t-loop-late.img DIR1/BIG.BIN
loop c$t-dirloop.img DIR1 0
link c$t-range.img DIR1/BIG.BIN past-end
link c$t-free.img DIR1/BIG.BIN 0
first c$t-dir-out.img DIR1 0x0FFFFF0
first c$t-file-out.img DIR1/BIG.BIN 0x0FFFFF0
size c$t-short.img DIR1/BIG.BIN 900000
size c$t-lie.img DIR1/SUB/FILE.TXT 0xFFFFFFFF
first-of c$t-self.img DIR1/SUB DIR1
first-of c$t-root.img DIR1/SUB /
blank c$t-blank.img DIR1/TWO.BIN
byte c$t-bpb1.img 13 0
byte c$t-bpb2.img 13 3
byte c$t-bpb3.img 11 0x2c
byte c$t-bpb4.img 16 0
byte c$t-bpb5.img 16 9
byte c$t-bpb6.img 14 0
byte c$t-bpb6.img 15 0
byte c$t-bpb7.img 21 0x12
PATCHES
    bad fat${t}_chain_loop '\(hd0\).*BIG.BIN.*loops' c$t-loop.img 'cat (hd0)/DIR1/BIG.BIN'
    bad fat${t}_chain_loop_near_the_end '\(hd0\).*loops' c$t-loop-late.img 'cat (hd0)/DIR1/BIG.BIN'
    bad fat${t}_dir_chain_loop '\(hd0\).*DIR1.*loops' c$t-dirloop.img 'ls (hd0)/DIR1/'
    bad fat${t}_cluster_out_of_range '\(hd0\).*out of range' c$t-range.img 'cat (hd0)/DIR1/BIG.BIN'
    bad fat${t}_free_cluster_in_chain '\(hd0\).*free cluster' c$t-free.img 'cat (hd0)/DIR1/BIG.BIN'
    bad fat${t}_dir_outside_volume '\(hd0\).*DIR1.*out of range' c$t-dir-out.img 'ls (hd0)/DIR1/'
    bad fat${t}_file_outside_volume '\(hd0\).*out of range' c$t-file-out.img 'cat (hd0)/DIR1/BIG.BIN'
    bad fat${t}_chain_short '\(hd0\).*BIG.BIN.*chain ends early' c$t-short.img 'cat (hd0)/DIR1/BIG.BIN'
    bad fat${t}_size_4gib_lie '\(hd0\).*chain ends early' c$t-lie.img 'cat (hd0)/DIR1/SUB/FILE.TXT'
    bad fat${t}_dir_contains_itself '\(hd0\).*contains itself' c$t-self.img 'ls (hd0)/DIR1/SUB/'
    if [ $t = 32 ]; then
        bad fat32_dir_is_the_root '\(hd0\).*contains itself' c$t-root.img 'ls (hd0)/DIR1/SUB/'
    else
        bad fat16_dir_cluster_zero '\(hd0\).*out of range' c$t-root.img 'ls (hd0)/DIR1/SUB/'
    fi
    # (fuzz_fat found this one listed as an empty name)
    check fat${t}_blank_8.3_name_skipped "$(mb --hd c$t-blank.img -c 'ls (hd0)/DIR1/')" \
        "BIG.BIN  SUB/  "
    for c in 1 2 3 4 5 6 7; do
        bad "fat${t}_bad_bpb_$c" '\(hd0\): no filesystem' c$t-bpb$c.img 'ls (hd0)/'
    done
    # cut short inside BIG.BIN (written after FIRST.TXT): FIRST.TXT still reads
    spc=4 && [ $t = 32 ] && spc=1  # FAT16 can't have 512-byte clusters here; FAT32 must
    rm -f c.img && mkfs.fat -C -F $t -s $spc c.img 36864 >/dev/null 2>&1 &&
        mcopy -i c.img base/lower.txt ::/FIRST.TXT && mcopy -i c.img base/DIR1/BIG.BIN ::/
    end=$(python3 fatimg.py end-of c.img BIG.BIN)
    truncate -s $((end - 4096)) c.img
    bad fat${t}_truncated_image '\(hd0\).*past the end' c.img 'cat (hd0)/BIG.BIN'
    check fat${t}_truncated_image_start_reads "$(mb --hd c.img -c 'cat (hd0)/FIRST.TXT')" lower
    head -c 20480 base$t.img >c.img
    bad fat${t}_truncated_before_data '\(hd0\).*truncated' c.img 'ls (hd0)/'
done
cp --sparse=always base32.img c1.img && cp --sparse=always base32.img c2.img
python3 fatimg.py - <<PATCHES
le32 c1.img 44 1
le32 c2.img 44 0x0FFFFFF0
PATCHES
bad fat32_root_cluster_invalid '\(hd0\).*root directory cluster' c1.img 'ls (hd0)/'
bad fat32_root_cluster_past_the_end '\(hd0\).*root directory cluster' c2.img 'ls (hd0)/'
