#!/bin/sh
# ext2/ext3/ext4 (fs/ext.c) over images made by mke2fs -d at test time:
# file contents (sha256), listings, a directory of thousands of files
# (an htree after e2fsck -D, and linear), a 5 GiB sparse file (triple indirect blocks on 1 KiB ext2,
# extents on ext4), symlinks (relative, absolute, a loop), 1 KiB and 4 KiB
# blocks, 64bit and metadata_csum, meta_bg, 64 KiB blocks, bigalloc, inline data,
# uninitialized extents (debugfs fallocate over garbage), a fragmented file made with
# debugfs, the case-insensitive fallback, label, uuid and type; and named
# corrupt images patched with python3 that must fail cleanly, naming the
# device, within 20 s.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
export LC_ALL=C.UTF-8
export E2FSPROGS_FAKE_TIME=1700000000
MKE2FS="mke2fs -q -F -E root_owner=0:0"
UUID=0123abcd-4567-89ef-0123-456789abcdef

# ---- a source tree with the awkward cases ----
src=$WORK/src
deep=a/b/c/d/e/f/g/h/i/j/k/l
long=$(printf 'L%.0s' $(seq 1 250)).txt
mkdir -p "$src/$deep" "$src/My Documents/Sub Dir" "$src/many" "$src/MixedCase Dir" "$src/sub/inner"
echo "deep file" > "$src/$deep/deep.txt"
head -c 3000000 /dev/urandom > "$src/random.bin"
head -c 4096 /dev/urandom > "$src/one_block.bin"
head -c 1025 /dev/urandom > "$src/sub/odd.bin"
echo "long name" > "$src/$long"
echo "mixed" > "$src/MixedCase Dir/MiXeD.TxT"
echo "upper" > "$src/sub/Case.txt"
echo "lower" > "$src/sub/case.txt"
echo "gruesse" > "$src/Grüße.txt"
echo "nihongo" > "$src/日本語のファイル.txt"
echo "spaces" > "$src/My Documents/Sub Dir/a file with spaces.txt"
echo "inner" > "$src/sub/inner/x.txt"
: > "$src/empty.bin"
# 5 GiB, data only at 1 MiB and in the last bytes: the image stays small
truncate -s 5G "$src/sparse.bin"
printf 'middle' | dd of="$src/sparse.bin" bs=1 seek=1048576 conv=notrunc 2>/dev/null
printf 'the end' | dd of="$src/sparse.bin" bs=1 seek=$((5 * 1024 * 1024 * 1024 - 7)) conv=notrunc 2>/dev/null
# many holes: many extents, so ext4 needs an extent index block
python3 - "$src/holes.bin" <<'EOF'
import sys
with open(sys.argv[1], 'wb') as f:
    for i in range(40):
        f.seek(i * 65536)
        f.write(bytes([65 + i % 26]) * 5000)
    f.truncate(40 * 65536)
EOF
i=0
while [ $i -lt 3000 ]; do : > "$src/many/file_with_a_longish_name_$i.txt"; i=$((i + 1)); done
echo "last" > "$src/many/file_with_a_longish_name_2999.txt"
ln -s sub/inner/x.txt "$src/rel_link"
ln -s /sub/inner "$src/abs_link"
ln -s ../../random.bin "$src/sub/inner/up_link"
ln -s "$(printf 'x%.0s' $(seq 1 80))/../sub/odd.bin" "$src/slow_link"   # over 60 bytes: in a block
mkdir -p "$src/$(printf 'x%.0s' $(seq 1 80))"
ln -s loop "$src/loop"

sha_file() { sha256sum < "$1" | cut -d' ' -f1; }
ls_names() { printf '%s' "$1" | sed 's/  /\n/g' | sed '/^$/d; s/\\\(.\)/\1/g' | sort; }
src_names() {
    (cd "$1" && for f in *; do if [ -d "$f" ]; then echo "$f/"; else echo "$f"; fi; done) | sort
}
# check_tree NAME DEV ARGS...: every regular file's sha256 through `cat`, one run of the shell
check_tree() {
    name=$1 dev=$2; shift 2
    files=$( (cd "$src" && find . -type f ! -name sparse.bin ! -path './many/*' | sed 's|^\./||'
        echo many/file_with_a_longish_name_0.txt; echo many/file_with_a_longish_name_2999.txt) | sort)
    script=$(printf '%s\n' "$files" | while IFS= read -r f; do printf 'cat "%s/%s"\n' "$dev" "$f"; done)
    got=$(mb "$@" -c "$script" | sha256sum | cut -d' ' -f1)
    want=$(printf '%s\n' "$files" | while IFS= read -r f; do cat "$src/$f"; done | sha256sum | cut -d' ' -f1)
    check "$name: sha256 of all $(printf '%s\n' "$files" | wc -l) files" "$got" "$want"
}

# mkimg NAME SIZE MKE2FS-ARGS...: an image of the source tree
mkimg() {
    n=$1 s=$2; shift 2
    rm -f "$n.img"; truncate -s "$s" "$n.img"
    $MKE2FS "$@" -d "$src" "$n.img" >"$n.log" 2>&1 || { echo "FAIL mke2fs $n"; cat "$n.log"; }
}
mkimg ext2_1k 64M -t ext2 -b 1024 -L EXT2_LABEL -U $UUID
mkimg ext3_4k 64M -t ext3 -b 4096 -L "ext3 label"
mkimg ext4_4k 64M -t ext4 -b 4096 -L EXT4_LABEL -U $UUID
mkimg ext4_1k_csum 64M -t ext4 -b 1024 -O 64bit,metadata_csum
mkimg ext4_nojournal 64M -t ext4 -O ^has_journal,^64bit,^metadata_csum
# mke2fs -d writes linear directories; e2fsck -D turns the big ones into htrees
for img in ext2_1k ext3_4k ext4_4k ext4_1k_csum; do
    e2fsck -fyD "$img.img" >"$img.fsck" 2>&1
    check_grep "${img}_many_is_htree" "$(debugfs -R 'htree /many' "$img.img" 2>&1)" 'Root node dump'
done

for img in ext2_1k ext3_4k ext4_4k ext4_1k_csum ext4_nojournal; do
    H="--hd $img.img"
    check_tree "${img}_tree" "(hd0)" $H
    check "${img}_ls_root" "$(ls_names "$(mb $H -c 'ls (hd0)/')")" \
        "$( (src_names "$src" | sed 's|^abs_link$|abs_link/|'; echo lost+found/) | sort)"
    for d in many sub "My Documents/Sub Dir" "$deep"; do
        check "${img}_ls /$d" "$(ls_names "$(mb $H -c "ls \"(hd0)/$d/\"")")" "$(src_names "$src/$d")"
    done
    check "${img}_sparse_size" "$(mb $H -c 'ls (hd0)/sparse.bin')" "(hd0)/sparse.bin  5368709120"
    check "${img}_sparse_middle" "$(mb $H -c 'cat --skip=1048576 --length=6 (hd0)/sparse.bin' 2>&1)" "middle"
    check "${img}_sparse_end" "$(mb $H -c 'cat --skip=5368709113 (hd0)/sparse.bin' 2>&1)" "the end"
    check "${img}_sparse_hole" "$(mb $H -c 'cat --skip=4000000000 --length=100000 (hd0)/sparse.bin' | tr -d '\0' | wc -c)" "0"
    check "${img}_rel_link" "$(mb $H -c 'cat (hd0)/rel_link')" "inner"
    check "${img}_abs_link_dir" "$(mb $H -c 'cat (hd0)/abs_link/x.txt')" "inner"
    check "${img}_up_link" "$(mb $H -c 'cat (hd0)/sub/inner/up_link' | sha256sum | cut -d' ' -f1)" "$(sha_file "$src/random.bin")"
    check "${img}_slow_link" "$(mb $H -c 'cat (hd0)/slow_link' | sha256sum | cut -d' ' -f1)" "$(sha_file "$src/sub/odd.bin")"
    check "${img}_empty" "$(mb $H -c 'ls (hd0)/empty.bin')" "(hd0)/empty.bin  0"
    check "${img}_last_of_many" "$(mb $H -c 'cat (hd0)/many/file_with_a_longish_name_2999.txt')" "last"
    check "${img}_case_fallback" "$(mb $H -c 'cat "(hd0)/mixedcase dir/mixed.txt"')" "mixed"
    check "${img}_case_exact_first" "$(mb $H -c 'cat (hd0)/sub/Case.txt
cat (hd0)/sub/case.txt')" "$(printf 'upper\nlower')"
    check_fails "${img}_case_ambiguous" 'cat: ' mb $H -c 'cat (hd0)/sub/CASE.TXT'
    check_fails "${img}_symlink_loop" '\(hd0\).*(symbolic links|loop)' mb $H -c 'cat (hd0)/loop'
    check_fails "${img}_missing" 'cat: ' mb $H -c 'cat (hd0)/nope.txt'
done

# ---- less common layouts: meta_bg, 64 KiB blocks, bigalloc (first_data_block 0 with 1 KiB) ----
mkimg ext4_meta_bg 64M -t ext4 -b 1024 -O meta_bg,^resize_inode
mkimg ext4_64k 256M -t ext4 -b 65536
mkimg ext4_bigalloc_1k 64M -t ext4 -b 1024 -O bigalloc
for img in ext4_meta_bg ext4_64k ext4_bigalloc_1k; do
    H="--hd $img.img"
    check_tree "${img}_tree" "(hd0)" $H
    check "${img}_ls many" "$(ls_names "$(mb $H -c 'ls (hd0)/many/')")" "$(src_names "$src/many")"
    check "${img}_sparse_end" "$(mb $H -c 'cat --skip=5368709113 (hd0)/sparse.bin' 2>&1)" "the end"
done

check "ext2_type" "$(mb --hd ext2_1k.img -c 'ls' | grep '^(hd0)' | cut -d, -f1)" "(hd0): ext2"
check "ext3_type" "$(mb --hd ext3_4k.img -c 'ls' | grep '^(hd0)' | cut -d, -f1)" "(hd0): ext3"
check "ext4_type" "$(mb --hd ext4_4k.img -c 'ls' | grep '^(hd0)' | cut -d, -f1)" "(hd0): ext4"
check "ext4_csum_type" "$(mb --hd ext4_1k_csum.img -c 'ls' | grep '^(hd0)' | cut -d, -f1)" "(hd0): ext4"
check "ext2_label" "$(mb --hd ext2_1k.img -c 'vol (hd0)')" "EXT2_LABEL"
check "ext3_label" "$(mb --hd ext3_4k.img -c 'vol (hd0)')" "ext3 label"
check "ext4_uuid" "$(mb --hd ext4_4k.img -c 'uuid (hd0)')" "$UUID"
check "ext2_uuid" "$(mb --hd ext2_1k.img -c 'uuid (hd0)')" "$UUID"
check_grep "ext4_ls_device" "$(mb --hd ext4_4k.img -c 'ls')" "^\(hd0\): ext4, label EXT4_LABEL, uuid $UUID"
check "ext4_4kn_disk" "$(mb --block-size 4096 --hd ext4_4k.img -c "cat (hd0)/$deep/deep.txt")" "deep file"
# the file with 40 extents has an extent index block
check "ext4_holes_file" "$(mb --hd ext4_4k.img -c 'cat (hd0)/holes.bin' | sha256sum | cut -d' ' -f1)" "$(sha_file "$src/holes.bin")"
check_grep "ext4_holes_blocklist" "$(mb --hd ext4_4k.img -c 'blocklist (hd0)/random.bin')" '^\(hd0\)[0-9]+\+5860$'

# ---- uninitialized extents (debugfs fallocate fills holes.bin's holes): they read as zeros ----
cp ext4_4k.img uninit.img
debugfs -w -R "fallocate /holes.bin 0 639" uninit.img >uninit.log 2>&1
ublocks=$(debugfs -R "stat /holes.bin" uninit.img 2>/dev/null | grep -o '\[u\]):[0-9]*-[0-9]*' | sed 's/.*://')
check_grep "ext4_uninit_made" "$ublocks" '^[0-9]+-[0-9]+'
# garbage where the uninitialized extents point
python3 - uninit.img $ublocks <<'EOF2'
import sys
with open(sys.argv[1], 'r+b') as f:
    for r in sys.argv[2:]:
        a, b = map(int, r.split('-'))
        f.seek(a * 4096)
        f.write(b'\xee' * ((b - a + 1) * 4096))
EOF2
check "ext4_uninit_zeros" "$(mb --hd uninit.img -c 'cat (hd0)/holes.bin' | sha256sum | cut -d' ' -f1)" "$(sha_file "$src/holes.bin")"

# ---- inline data: small files and directories inside their inodes ----
inl=$WORK/inl
mkdir -p "$inl/small dir" "$inl/two"
echo "tiny" > "$inl/tiny.txt"
head -c 100 /dev/urandom > "$inl/hundred.bin"        # past i_block: the rest in system.data
head -c 9000 /dev/urandom > "$inl/big.bin"
echo "in dir" > "$inl/small dir/f"
echo a > "$inl/two/a"; echo b > "$inl/two/b"
: > "$inl/zero"
rm -f inline.img; truncate -s 16M inline.img
$MKE2FS -t ext4 -I 256 -O inline_data -d "$inl" inline.img >inl.log 2>&1 || cat inl.log
for f in tiny.txt hundred.bin big.bin "small dir/f" two/a two/b zero; do
    check "ext4_inline_cat $f" "$(mb --hd inline.img -c "cat \"(hd0)/$f\"" | sha256sum | cut -d' ' -f1)" "$(sha_file "$inl/$f")"
done
check "ext4_inline_ls" "$(ls_names "$(mb --hd inline.img -c 'ls (hd0)/two/')")" "$(printf 'a\nb')"
check "ext4_inline_root" "$(ls_names "$(mb --hd inline.img -c 'ls (hd0)/')")" "$( (src_names "$inl"; echo lost+found/) | sort)"
check "ext4_inline_size" "$(mb --hd inline.img -c 'ls (hd0)/hundred.bin')" "(hd0)/hundred.bin  100"

# ---- a fragmented file: 1 KiB ext2, every other small file deleted, then a big file ----
frag=$WORK/frag
mkdir -p "$frag"
i=0
while [ $i -lt 200 ]; do head -c 3000 /dev/urandom > "$frag/f$i"; i=$((i + 1)); done
rm -f frag.img; truncate -s 2M frag.img
$MKE2FS -t ext2 -b 1024 -d "$frag" frag.img >frag.log 2>&1 || cat frag.log
head -c 250000 /dev/urandom > big.bin
{ i=0; while [ $i -lt 200 ]; do echo "rm f$i"; i=$((i + 2)); done; echo "write big.bin big.bin"; } > frag.cmd
debugfs -w -f frag.cmd frag.img >frag.log 2>&1
check "ext2_fragmented" "$(mb --hd frag.img -c 'cat (hd0)/big.bin' | sha256sum | cut -d' ' -f1)" "$(sha_file big.bin)"
check_grep "ext2_fragmented_runs" "$(mb --hd frag.img -c 'blocklist (hd0)/big.bin')" ',.*,.*,'
check "ext2_fragmented_kept" "$(mb --hd frag.img -c 'cat (hd0)/f1' | sha256sum | cut -d' ' -f1)" "$(sha_file "$frag/f1")"

# ---- corrupt images: a clear error naming the device, no hang, no sanitizer report ----
cat > extinfo.py <<'EOF'
# extinfo.py IMG INO: the byte offset of inode INO in IMG
import struct, sys
d = open(sys.argv[1], 'rb').read()
sb = 1024
bs = 1024 << struct.unpack_from('<I', d, sb + 24)[0]
ipg = struct.unpack_from('<I', d, sb + 40)[0]
isz = struct.unpack_from('<H', d, sb + 88)[0]
inc = struct.unpack_from('<I', d, sb + 96)[0]
dsz = struct.unpack_from('<H', d, sb + 254)[0] if inc & 0x80 else 32
fdb = struct.unpack_from('<I', d, sb + 20)[0]
ino = int(sys.argv[2])
g, i = (ino - 1) // ipg, (ino - 1) % ipg
gd = (fdb + 1) * bs + g * dsz
it = struct.unpack_from('<I', d, gd + 8)[0]
print(it * bs + i * isz, bs)
EOF
ino_of() { debugfs -R "stat \"$2\"" "$1" 2>/dev/null | sed -n 's/^Inode: \([0-9]*\).*/\1/p'; }
patch() { python3 -c "import sys; f=open(sys.argv[1],'r+b'); f.seek(int(sys.argv[2])); f.write(bytes.fromhex(sys.argv[3]))" "$@"; }
le16hex() { python3 -c "import struct,sys; print(struct.pack('<H', int(sys.argv[1])).hex())" "$1"; }
le32hex() { python3 -c "import struct,sys; print(struct.pack('<I', int(sys.argv[1])).hex())" "$1"; }

# extent tree loop: holes.bin has a root index (depth 1); make it depth 2 and
# its leaf an index node whose one entry points back at itself
cp ext4_4k.img loop.img
ino=$(ino_of loop.img /holes.bin)
set -- $(python3 extinfo.py loop.img "$ino"); ioff=$1 bs=$2
leaf=$(python3 -c "import struct,sys; d=open('loop.img','rb').read(); print(struct.unpack_from('<I', d, $ioff + 40 + 12 + 4)[0])")
check "ext_extent_tree_loop: holes.bin has an index" "$(python3 -c "import struct; d=open('loop.img','rb').read(); print(struct.unpack_from('<H', d, $ioff + 40 + 6)[0])")" "1"
patch loop.img $((ioff + 40 + 6)) 0200
patch loop.img $((leaf * bs)) "0af30100540001000000000000000000$(le32hex "$leaf")00000000"
check_fails "ext_extent_tree_loop" '\(hd0\).*loop' timeout 20 "$MAPBOOT" --hd loop.img -c 'cat (hd0)/holes.bin'

# an extent past the end of the volume: random.bin's first extent (in the inode)
cp ext4_4k.img pastend.img
ino=$(ino_of pastend.img /random.bin)
set -- $(python3 extinfo.py pastend.img "$ino"); ioff=$1
patch pastend.img $((ioff + 40 + 12 + 8)) "$(le32hex 4000000000)"
check_fails "ext_extent_past_end" '\(hd0\).*past the end' timeout 20 "$MAPBOOT" --hd pastend.img -c 'cat (hd0)/random.bin'

cp ext4_4k.img badsb.img
patch badsb.img $((1024 + 24)) "$(le32hex 20)"
check_fails "ext_bad_superblock" '\(hd0\).*block size' timeout 20 "$MAPBOOT" --hd badsb.img -c 'ls (hd0)/'
cp ext4_4k.img badsb2.img
patch badsb2.img $((1024 + 96)) "$(le32hex 4098)"   # filetype + dirdata
check_fails "ext_unknown_incompat" '\(hd0\).*dirdata' timeout 20 "$MAPBOOT" --hd badsb2.img -c 'ls (hd0)/'

# rec_len of the first entry of /sub's first block, past its block
cp ext2_1k.img reclen.img
blk=$(debugfs -R 'blocks /sub' reclen.img 2>/dev/null | awk '{print $1}')
patch reclen.img $((blk * 1024 + 4)) "$(le16hex 2000)"
check_fails "ext_dir_rec_len_overrun" '\(hd0\).*rec_len' timeout 20 "$MAPBOOT" --hd reclen.img -c 'ls (hd0)/sub/'

check_fails "ext_symlink_loop" '\(hd0\).*symbolic links' timeout 20 "$MAPBOOT" --hd ext4_4k.img -c 'cat (hd0)/loop'

head -c 20M ext4_4k.img > trunc.img
check_fails "ext_truncated_image" '\(hd0\).*truncated' timeout 20 "$MAPBOOT" --hd trunc.img -c 'ls (hd0)/'
