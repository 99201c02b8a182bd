# exFAT (fs/exfat.c) over images made here with mkfs.exfat (exfatprogs) and
# filled through mount.exfat-fuse on a loop device: every file's bytes and
# every directory's names against the source tree (deep directories, long,
# Unicode and astral names, an empty file, a one-cluster file, 3000 files in
# one directory), case-insensitive lookups through the up-case table, label
# and serial, a fragmented file, a contiguous (NoFatChain) file, and patched
# in: ValidDataLength short of the size, and a file over 4 GiB (exFAT has no
# holes, so a real one would cost 4 GiB of disk: a 3 MB file's DataLength is
# raised instead). Corrupt images must fail with a message naming the device.
# Without loop devices or FUSE only the checks on the empty volume run and
# the script says SKIP for the rest.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1

# ---- eximg.py: the test's own reading of the format, to find and patch structures ----
cat >eximg.py <<'EOF'
import mmap, struct, sys

class Ex:
    def __init__(self, path):
        self.file = open(path, 'r+b')
        self.b = b = mmap.mmap(self.file.fileno(), 0)
        self.bps = 1 << b[108]
        self.csize = self.bps << b[109]
        self.fat = struct.unpack_from('<I', b, 80)[0] * self.bps
        self.heap = struct.unpack_from('<I', b, 88)[0] * self.bps
        self.count, self.root = struct.unpack_from('<II', b, 92)

    def coff(self, c):
        return self.heap + (c - 2) * self.csize

    def next(self, c):
        return struct.unpack_from('<I', self.b, self.fat + 4 * c)[0]

    def set_next(self, c, v):
        struct.pack_into('<I', self.b, self.fat + 4 * c, v)

    def clusters(self, first, size, nofat):
        n = (size + self.csize - 1) // self.csize
        if nofat:
            return list(range(first, first + n))
        out, c = [], first
        while len(out) < n:
            out.append(c)
            c = self.next(c)
        return out

    def entries(self, first, size, nofat):
        """(offset, set length) of every File entry set of a directory."""
        offs = [self.coff(c) + i for c in self.clusters(first, size, nofat)
                for i in range(0, self.csize, 32)]
        i, out = 0, []
        while i < len(offs):
            t = self.b[offs[i]]
            if t == 0:
                break
            if t == 0x85:
                n = self.b[offs[i] + 1] + 1
                out.append(offs[i:i + n])
                i += n
            else:
                i += 1
        return out

    def stream(self, s):
        o = s[1]
        flags = self.b[o + 1]
        valid, = struct.unpack_from('<Q', self.b, o + 8)
        first, size = struct.unpack_from('<IQ', self.b, o + 20)
        return flags, valid, first, size

    def name(self, s):
        n = self.b[s[1] + 3]
        raw = b''.join(self.b[o + 2:o + 32] for o in s[2:])
        return raw[:2 * n].decode('utf-16-le')

    def find(self, path):
        """The offsets of the entries of path's set."""
        first, size, nofat = self.root, None, False
        s = None
        for comp in path.strip('/').split('/'):
            if size is None:
                # the root: follow its chain to the end
                cl, c = [], self.root
                while 2 <= c <= self.count + 1 and len(cl) < 4096:
                    cl.append(c)
                    c = self.next(c)
                size = len(cl) * self.csize
            for s in self.entries(first, size, nofat):
                if self.name(s) == comp:
                    break
            else:
                raise SystemExit('not found: ' + path)
            flags, valid, first, size = self.stream(s)
            nofat = bool(flags & 2)
        return s

    def fix_checksum(self, s):
        data = b''.join(self.b[o:o + 32] for o in s)
        sum = 0
        for i, x in enumerate(data):
            if i in (2, 3):
                continue
            sum = ((0x8000 if sum & 1 else 0) + (sum >> 1) + x) & 0xFFFF
        struct.pack_into('<H', self.b, s[0] + 2, sum)

    def fix_boot_checksum(self):
        sum = 0
        for i in range(11 * self.bps):
            if i in (106, 107, 112):
                continue
            sum = ((0x80000000 if sum & 1 else 0) + (sum >> 1) + self.b[i]) & 0xFFFFFFFF
        for i in range(0, self.bps, 4):
            struct.pack_into('<I', self.b, 11 * self.bps + i, sum)

def main():
    ex = Ex(sys.argv[1])
    cmd, path = sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else '/'
    if cmd == 'info':        # flags first-cluster size run-count
        s = ex.find(path)
        flags, valid, first, size = ex.stream(s)
        cl = ex.clusters(first, size, flags & 2)
        runs = sum(1 for i, c in enumerate(cl) if i == 0 or cl[i - 1] + 1 != c)
        print(flags & 2 and 'nofat' or 'chain', runs)
    elif cmd == 'loop':      # a cluster half way links back to the first
        flags, valid, first, size = ex.stream(ex.find(path))
        cl = ex.clusters(first, size, False)
        ex.set_next(cl[len(cl) // 2], cl[0])
    elif cmd == 'corrupt-name':
        s = ex.find(path)
        ex.b[s[2] + 2] ^= 0x01
    elif cmd == 'first-cluster':
        s = ex.find(path)
        struct.pack_into('<I', ex.b, s[1] + 20, ex.count + 100)
        ex.fix_checksum(s)
    elif cmd == 'secondary-count':
        s = ex.find(path)
        ex.b[s[0] + 1] = 200
        ex.fix_checksum(s)
    elif cmd == 'valid':     # ValidDataLength = argv[4]
        s = ex.find(path)
        struct.pack_into('<Q', ex.b, s[1] + 8, int(sys.argv[4]))
        ex.fix_checksum(s)
    elif cmd == 'grow':      # make path NoFatChain with DataLength argv[4] (ValidDataLength kept)
        s = ex.find(path)
        ex.b[s[1] + 1] |= 2
        struct.pack_into('<Q', ex.b, s[1] + 24, int(sys.argv[4]))
        ex.fix_checksum(s)
    elif cmd == 'sector-shift':
        ex.b[108] = 13
        ex.fix_boot_checksum()
    elif cmd == 'heap-end':  # byte offset of the end of path's last cluster
        flags, valid, first, size = ex.stream(ex.find(path))
        print(ex.coff(max(ex.clusters(first, size, flags & 2))) + ex.csize)
    ex.b.flush()

main()
EOF

# ---- the source tree ----
src=$WORK/src
mkdir -p "$src/a/b/c/d/e/f/g/h/i/j" "$src/Mixed Case Dir/Sub" "$src/many" "$src/Ünïcödé 日本語"
echo deep >"$src/a/b/c/d/e/f/g/h/i/j/deep.txt"
echo "mixed" >"$src/Mixed Case Dir/Sub/MiXeD.TxT"
echo "grüße" >"$src/Ünïcödé 日本語/Grüße ÄÖÜ.txt"
echo "astral" >"$src/Ünïcödé 日本語/emoji 😀 𝄞.txt"
long=$(printf 'L%.0s' $(seq 1 200))
echo "long name" >"$src/$long.txt"
: >"$src/empty.bin"
head -c 4096 /dev/urandom >"$src/one-cluster.bin"
head -c 3000000 /dev/urandom >"$src/contig.bin"
head -c 5000 /dev/urandom >"$src/a/b/five-k.bin"
i=0
while [ $i -lt 3000 ]; do : >"$src/many/f$i"; i=$((i + 1)); done
echo x >"$src/many/f1234"

img=$WORK/ex.img
truncate -s 64M "$img"
mkfs.exfat -c 4096 -L "MapBoot Ex" "$img" >/dev/null 2>&1
tune.exfat -I 0x1234abcd "$img" >/dev/null 2>&1

# ---- on the empty volume (these need no FUSE): label, serial, type, boot sector ----
corrupt() { cp --sparse=always "$img" "$1"; python3 eximg.py "$1" "$2" "${3:-/}"; }
check "vol" "$(mb --hd "$img" -c 'vol (hd0)')" "MapBoot Ex"
check "uuid" "$(mb --hd "$img" -c 'uuid (hd0)')" "1234-ABCD"
check_grep "ls shows the type" "$(mb --hd "$img" -c 'ls')" '\(hd0\).*exfat'
check "empty root" "$(mb --hd "$img" -c 'ls (hd0)/')" ""
corrupt boot.img sector-shift
check_fails exfat_bad_boot_sector '\(hd0\).*bad exFAT boot sector' \
    timeout 20 "$MAPBOOT" --hd boot.img -c 'ls (hd0)/'
cp --sparse=always "$img" sum.img
printf 'X' | dd of=sum.img bs=1 seek=1000 conv=notrunc 2>/dev/null
check_fails exfat_boot_checksum_bad '\(hd0\).*checksum' \
    timeout 20 "$MAPBOOT" --hd sum.img -c 'ls (hd0)/'

mnt=$WORK/mnt
mkdir -p "$mnt"
loop=
fuse_fill() {
    loop=$(losetup -f --show "$1" 2>/dev/null) || return 1
    if ! mount.exfat-fuse "$loop" "$mnt" >/dev/null 2>&1; then
        losetup -d "$loop"; loop=; return 1
    fi
    return 0
}
fuse_done() {
    sync; umount "$mnt" 2>/dev/null || fusermount -u "$mnt"
    i=0; while [ $i -lt 50 ] && grep -q " $mnt " /proc/mounts; do sleep 0.1; i=$((i + 1)); done
    losetup -d "$loop"; loop=
}
if ! fuse_fill "$img"; then
    echo "SKIP exfat: cannot mount exFAT through FUSE on a loop device here"
    exit 0
fi
cp -r "$src"/. "$mnt"/
# a fragmented file: two files grown in turns
for k in $(seq 1 24); do
    head -c 8192 /dev/urandom >>"$mnt/frag-a.bin"
    head -c 12288 /dev/urandom >>"$mnt/frag-b.bin"
done
cp "$mnt/frag-a.bin" "$src/frag-a.bin"; cp "$mnt/frag-b.bin" "$src/frag-b.bin"
fuse_done

# ---- contents and listings ----
info=$(python3 eximg.py "$img" info frag-a.bin)
check_grep "fragmented file is a chain in many runs" "$info" '^chain ([5-9]|[1-9][0-9]+)$'
info=$(python3 eximg.py "$img" info contig.bin)
check "contiguous file is NoFatChain" "$info" "nofat 1"

bad=
cd "$src"
find . -type f | sed 's|^\./||' | grep -v '^many/' >"$WORK/files"
cd "$WORK"
while IFS= read -r f; do
    want=$(sha256sum "$src/$f" | cut -d' ' -f1)
    q=$(printf '%s' "$f" | sed 's/ /\\ /g')
    got=$(sha_of_cat "(hd0)/$q" --hd "$img" </dev/null)
    [ "$got" = "$want" ] || bad="$bad $f"
done <"$WORK/files"
check "every file's sha256 (cat)" "$bad" ""
check "file in a directory of 3000" "$(mb --hd "$img" -c 'cat (hd0)/many/f1234')" "x"
check "last file in a directory of 3000" \
    "$(mb --hd "$img" -c 'ls (hd0)/many/' | tr ' ' '\n' | grep -c '^f[0-9]')" "3000"

# ls: names each followed by two spaces, directories with '/', blanks escaped
listing() {
    (cd "$1" && for n in *; do
        e=$(printf '%s' "$n" | sed 's/ /\\ /g')
        if [ -d "$n" ]; then printf '%s/  ' "$e"; else printf '%s  ' "$e"; fi
    done) | tr ' ' '\n' | grep -v '^$' | sort | tr '\n' ' '
}
lsof() { mb --hd "$img" -c "ls $1" | tr ' ' '\n' | grep -v '^$' | sort | tr '\n' ' '; }
for d in "" "a/b" "Mixed Case Dir" "Ünïcödé 日本語"; do
    q=$(printf '%s' "$d" | sed 's/ /\\ /g')
    want=$(listing "$src/$d" | sed 's/frag-a.bin //; s/frag-b.bin //')
    got=$(lsof "(hd0)/$q" | sed 's/frag-a.bin //; s/frag-b.bin //')
    check "ls /$d" "$got" "$want"
done

# ---- case-insensitive lookups through the up-case table ----
check "ASCII case folding" "$(mb --hd "$img" -c 'cat (hd0)/mixed\ case\ dir/SUB/mixed.txt')" "mixed"
check "Latin-1 case folding (up-case table)" \
    "$(mb --hd "$img" -c 'cat (hd0)/ÜNÏCÖDÉ\ 日本語/grüße\ äöü.TXT')" "grüße"
check "astral names (surrogate pairs)" \
    "$(mb --hd "$img" -c 'cat (hd0)/Ünïcödé\ 日本語/emoji\ 😀\ 𝄞.txt')" "astral"
check_fails "missing file" "not found|No such|ENOENT|does not exist" \
    mb --hd "$img" -c 'cat (hd0)/nope.txt'


# ---- extents ----
n=$(mb --hd "$img" -c 'blocklist (hd0)/frag-a.bin' | tr ',' '\n' | grep -c '+')
[ "$n" -ge 5 ] && echo "PASS blocklist of the fragmented file ($n runs)" ||
    echo "FAIL blocklist of the fragmented file ($n runs)"
check_grep "blocklist of the contiguous file" "$(mb --hd "$img" -c 'blocklist (hd0)/contig.bin')" \
    '^\(hd0\)[0-9]+\+5860$'
check "4096-byte blocks (4Kn device)" \
    "$(mb --block-size 4096 --hd "$img" -c 'cat (hd0)/contig.bin' | sha256sum | cut -d' ' -f1)" \
    "$(sha256sum "$src/contig.bin" | cut -d' ' -f1)"

# ---- 4096-byte sectors (BytesPerSectorShift 12): mkfs.exfat on a 4Kn loop device ----
s4=$WORK/s4.img
truncate -s 32M "$s4"
if loop=$(losetup -b 4096 -f --show "$s4" 2>/dev/null); then
    mkfs.exfat -L FourK "$loop" >/dev/null 2>&1
    if mount.exfat-fuse "$loop" "$mnt" >/dev/null 2>&1; then
        mkdir -p "$mnt/d"
        cp "$src/contig.bin" "$mnt/d/"
        fuse_done
        shift=$(python3 -c "import sys; print(open(sys.argv[1], 'rb').read(109)[108])" "$s4")
        check "4096-byte sectors: sector shift" "$shift" "12"
        check "4096-byte sectors: file" \
            "$(mb --block-size 4096 --hd "$s4" -c 'cat (hd0)/D/CONTIG.BIN' | sha256sum | cut -d' ' -f1)" \
            "$(sha256sum "$src/contig.bin" | cut -d' ' -f1)"
        check "4096-byte sectors: label" "$(mb --block-size 4096 --hd "$s4" -c 'vol (hd0)')" "FourK"
    else
        losetup -d "$loop"; loop=
    fi
fi
rm -f "$s4"

# ---- ValidDataLength and a file over 4 GiB (patched in: exFAT has no holes) ----
cp --sparse=always "$img" vdl.img
python3 eximg.py vdl.img valid one-cluster.bin 1000
want=$( (head -c 1000 "$src/one-cluster.bin"; head -c 3096 /dev/zero) | sha256sum | cut -d' ' -f1)
check "bytes past ValidDataLength read as zeros" \
    "$(sha_of_cat '(hd0)/one-cluster.bin' --hd vdl.img)" "$want"
big=$WORK/big.img
truncate -s 4400M "$big"
mkfs.exfat -c 4096 "$big" >/dev/null 2>&1
if fuse_fill "$big"; then
    cp "$src/contig.bin" "$mnt/huge.bin"
    fuse_done
    size=$((4 * 1024 * 1024 * 1024 + 12345))
    python3 eximg.py "$big" grow huge.bin $size
    check_grep "file over 4 GiB listed" "$(mb --hd "$big" -c 'ls (hd0)/')" 'huge.bin'
    check "file over 4 GiB: data before ValidDataLength" \
        "$(mb --hd "$big" -c 'cat --length=3000000 (hd0)/huge.bin' | sha256sum | cut -d' ' -f1)" \
        "$(sha256sum "$src/contig.bin" | cut -d' ' -f1)"
    check "file over 4 GiB: zeros past 4 GiB" \
        "$(mb --hd "$big" -c "cat --skip=$((size - 16)) (hd0)/huge.bin" |
            od -An -tx1 | tr -d ' \n')" \
        "00000000000000000000000000000000"
    check_grep "file over 4 GiB: past ValidDataLength is a hole in its extents" \
        "$(mb --hd "$big" -c 'blocklist (hd0)/huge.bin' 2>&1)" 'sparse'
fi
rm -f "$big"

# ---- corrupt images ----
corrupt loop.img loop frag-a.bin
check_fails exfat_chain_loop '\(hd0\).*loops' \
    timeout 20 "$MAPBOOT" --hd loop.img -c 'cat (hd0)/frag-a.bin'
corrupt set.img corrupt-name "Mixed Case Dir"
check_fails exfat_entry_set_checksum_bad '\(hd0\).*checksum' \
    timeout 20 "$MAPBOOT" --hd set.img -c 'ls (hd0)/'
corrupt range.img first-cluster contig.bin
check_fails exfat_cluster_out_of_range '\(hd0\).*out of range' \
    timeout 20 "$MAPBOOT" --hd range.img -c 'cat (hd0)/contig.bin'
corrupt sec.img secondary-count empty.bin
check_fails exfat_secondary_count_overrun '\(hd0\).*secondary' \
    timeout 20 "$MAPBOOT" --hd sec.img -c 'ls (hd0)/'
end=$(python3 eximg.py "$img" heap-end contig.bin)
head -c $((end - 8192)) "$img" >trunc.img
check_fails exfat_truncated_image '\(hd0\).*(truncated|past the end)' \
    timeout 20 "$MAPBOOT" --hd trunc.img -c 'cat (hd0)/contig.bin'
