#!/bin/sh
# ISO9660 + Joliet (fs/iso9660.c) over images made by xorriso: file contents
# (sha256), listings, case-insensitive lookup, label and uuid, the same image
# as a CD (2048-byte blocks) and as a hard disk (512 and 4096), a plain
# level-3 image without Joliet, a file over 4 GiB (multi-extent), and named
# corrupt images patched with python3 that must fail cleanly, naming the
# device, within 20 s.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
export LC_ALL=C.UTF-8

# ---- a source tree with the awkward cases ----
src=$WORK/src
deep=a/b/c/d/e/f/g/h/i/j
long="This file name is longer than sixty-four characters, which Joliet allows.txt"
mkdir -p "$src/$deep" "$src/My Documents/Sub Dir" "$src/many" "$src/MixedCase Dir" "$src/sub/inner"
echo "deep file" > "$src/$deep/deep.txt"
head -c 3000000 /dev/urandom > "$src/random.bin"   # several cat chunks, odd size
head -c 2049 /dev/urandom > "$src/sub/odd.bin"      # one byte into the second sector
echo "long name" > "$src/$long"
echo "mixed" > "$src/MixedCase Dir/MiXeD.TxT"
echo "gruesse" > "$src/Grüße.txt"
echo "nihongo" > "$src/日本語のファイル.txt"
echo "spaces" > "$src/My Documents/Sub Dir/a file with spaces.txt"
echo "inner" > "$src/sub/inner/x.txt"
: > "$src/empty.bin"
i=0
while [ $i -lt 200 ]; do echo "file $i" > "$src/many/file_number_$i.txt"; i=$((i + 1)); done

date=2024013112304542 # 2024-01-31 12:30:45.42
xorriso -as mkisofs -input-charset utf-8 -J -joliet-long -R -V "ISO_TEST" \
    --modification-date=$date -o joliet.iso "$src" >xorriso.log 2>&1 || { cat xorriso.log; exit 1; }

# ---- helpers ----
# ls_names OUTPUT: the names an `ls` line printed, unescaped, one a line, sorted.
ls_names() { printf '%s' "$1" | sed 's/  /\n/g' | sed '/^$/d; s/\\\(.\)/\1/g' | sort; }
# src_names DIR: what ls should print for DIR, in the same form.
src_names() {
    (cd "$1" && for f in *; do if [ -d "$f" ]; then echo "$f/"; else echo "$f"; fi; done) | sort
}
sha_file() { sha256sum < "$1" | cut -d' ' -f1; }

# check_tree NAME DEV ARGS...: every file's sha256 through `cat`, one run of the shell.
check_tree() {
    name=$1 dev=$2; shift 2
    files=$(cd "$src" && find . -type f | sed 's|^\./||' | sort)
    script=$(printf '%s\n' "$files" | while IFS= read -r f; do printf 'cat "%s/%s"\n' "$dev" "$f"; done)
    got=$(mb "$@" -c "$script" | sha256sum | cut -d' ' -f1)
    want=$(printf '%s\n' "$files" | while IFS= read -r f; do cat "$src/$f"; done | sha256sum | cut -d' ' -f1)
    check "$name: sha256 of all $(printf '%s\n' "$files" | wc -l) files" "$got" "$want"
}

# ---- the Joliet image as a CD ----
CD="--cd joliet.iso"
check_tree iso_joliet_cd "(cd0)" $CD
for f in random.bin sub/odd.bin "$long" "Grüße.txt" "日本語のファイル.txt" "$deep/deep.txt" \
    "My Documents/Sub Dir/a file with spaces.txt"; do
    check "iso_joliet_cat $f" "$(mb $CD -c "cat \"(cd0)/$f\"" | sha256sum | cut -d' ' -f1)" \
        "$(sha_file "$src/$f")"
done
for d in "" many sub "My Documents" "My Documents/Sub Dir" "$deep"; do
    check "iso_joliet_ls /$d" "$(ls_names "$(mb $CD -c "ls \"(cd0)/$d/\"")")" "$(src_names "$src/$d")"
done
check "iso_joliet_empty_file" "$(mb $CD -c 'ls (cd0)/empty.bin')" "(cd0)/empty.bin  0"
check "iso_joliet_size" "$(mb $CD -c 'ls (cd0)/sub/odd.bin')" "(cd0)/sub/odd.bin  2049"
check "iso_case_insensitive_file" "$(mb $CD -c 'cat "(cd0)/mixedcase dir/mixed.txt"')" "mixed"
check "iso_case_insensitive_dirs" "$(mb $CD -c 'cat (cd0)/A/B/C/D/E/F/G/H/I/J/DEEP.TXT')" "deep file"
check "iso_case_insensitive_ls" "$(ls_names "$(mb $CD -c 'ls (cd0)/SUB/')")" "$(src_names "$src/sub")"
check "iso_dot_dot" "$(mb $CD -c 'cat (cd0)/sub/inner/../../sub/./inner/x.txt')" "inner"
check "iso_label" "$(mb $CD -c 'vol (cd0)')" "ISO_TEST"
check "iso_uuid" "$(mb $CD -c 'uuid (cd0)')" "2024-01-31-12-30-45-42"
check_grep "iso_ls_device" "$(mb $CD -c 'ls')" '^\(cd0\): iso9660, label ISO_TEST, uuid 2024-01-31-12-30-45-42'
check_fails "iso_missing_file" 'cat: .*(no such|No such|not found)' mb $CD -c 'cat (cd0)/nope.txt'
check_fails "iso_file_as_dir" '\(cd0\)' mb $CD -c 'ls (cd0)/empty.bin/x'
# blocklist: the file's one extent, in 512-byte sectors of (cd0)
check_grep "iso_blocklist" "$(mb $CD -c 'blocklist (cd0)/random.bin')" '^\(cd0\)[0-9]+\+5860$'

# ---- the same image as a hard disk: 512-byte blocks, and 4Kn ----
check_tree iso_joliet_hd512 "(hd0)" --hd joliet.iso
check "iso_hd4096_deep" "$(mb --block-size 4096 --hd joliet.iso -c "cat (hd0)/$deep/deep.txt")" "deep file"
check "iso_hd4096_random" "$(mb --block-size 4096 --hd joliet.iso -c 'cat (hd0)/random.bin' | sha256sum | cut -d' ' -f1)" \
    "$(sha_file "$src/random.bin")"
check "iso_hd_uuid" "$(mb --hd joliet.iso -c 'uuid (hd0)')" "2024-01-31-12-30-45-42"

# ---- a long label: Joliet keeps 16 characters, the primary descriptor 32 ----
xorriso -as mkisofs -input-charset utf-8 -J -R -V "A Long Volume Label 2024" -o longlabel.iso \
    "$src/sub" >xorriso.log 2>&1 || cat xorriso.log
check "iso_long_label" "$(mb --cd longlabel.iso -c 'vol (cd0)')" "A Long Volume Label 2024"

# ---- plain ISO9660 level 3, no Joliet, no Rock Ridge; and Rock Ridge without Joliet,
# which lists its POSIX names (iso9660_rr.sh tests Rock Ridge in depth) ----
plain=$WORK/plain
mkdir -p "$plain/docs/more"
echo "readme" > "$plain/readme.txt"
echo "noext" > "$plain/noext"
head -c 100000 /dev/urandom > "$plain/docs/data.bin"
echo "deeper" > "$plain/docs/more/file2.txt"
xorriso -outdev plain.iso -rockridge off -joliet off -compliance iso_9660_level=3 -volid PLAINVOL \
    -volume_date c 2023061509080700 -volume_date m 2022010100000000 -map "$plain" / \
    >xorriso.log 2>&1 || cat xorriso.log
xorriso -as mkisofs -iso-level 3 -R -V RRVOL -o rr.iso "$plain" >xorriso.log 2>&1 || cat xorriso.log
for img in plain rr; do
    want=$(printf 'DOCS/\nNOEXT\nREADME.TXT\n')
    [ $img = rr ] && want=$(printf 'docs/\nnoext\nreadme.txt\n')
    check "iso_${img}_ls" "$(ls_names "$(mb --cd $img.iso -c 'ls (cd0)/')")" "$want"
    check "iso_${img}_case" "$(mb --cd $img.iso -c 'cat (cd0)/readme.txt')" "readme"
    check "iso_${img}_noext" "$(mb --cd $img.iso -c 'cat (cd0)/NoExt')" "noext"
    check "iso_${img}_data" "$(mb --cd $img.iso -c 'cat (cd0)/docs/data.bin' | sha256sum | cut -d' ' -f1)" \
        "$(sha_file "$plain/docs/data.bin")"
    check "iso_${img}_deeper" "$(mb --hd $img.iso -c 'cat (hd0)/DOCS/MORE/FILE2.TXT')" "deeper"
done
check "iso_plain_label" "$(mb --cd plain.iso -c 'vol (cd0)')" "PLAINVOL"
# the creation date, not the modification date (GRUB reads the latter; see fs/iso9660.c)
check "iso_plain_uuid_creation" "$(mb --cd plain.iso -c 'uuid (cd0)')" "2023-06-15-09-08-07-00"

# ---- corrupt images: a clear error naming the device, no hang, no sanitizer report ----
cat > isopatch.py <<'EOF'
# isopatch.py IMG OP ARGS: patch directory records of every tree (primary
# and Joliet) of an ISO image, found by path.
import struct, sys

img = sys.argv[1]
d = bytearray(open(img, 'rb').read())

def le32(o):
    return struct.unpack_from('<I', d, o)[0]

def set32(o, v):  # both-endian
    struct.pack_into('<I', d, o, v)
    struct.pack_into('>I', d, o + 4, v)

def trees():
    for s in range(16, 80):
        o = s * 2048
        if d[o + 1:o + 6] != b'CD001' or d[o] == 255:
            return
        if d[o] == 1:
            yield False, o + 156
        if d[o] == 2 and d[o + 88:o + 90] == b'%/':
            yield True, o + 156

def records(rec, joliet):
    start, size, pos = le32(rec + 2) * 2048, le32(rec + 10), 0
    while pos < size:
        o = start + pos
        if d[o] == 0:
            pos = (pos // 2048 + 1) * 2048
            continue
        raw = bytes(d[o + 33:o + 33 + d[o + 32]])
        name = raw.decode('utf-16-be' if joliet else 'latin-1', 'replace').split(';')[0]
        if not joliet and name.endswith('.'):
            name = name[:-1]
        yield o, name
        pos += d[o]

def find(path):
    out = []
    for joliet, rec in trees():
        for comp in [c for c in path.split('/') if c]:
            rec = next(o for o, n in records(rec, joliet) if n.lower() == comp.lower())
        out.append(rec)
    return out

op, args = sys.argv[2], sys.argv[3:]
if op == 'lba':             # lba PATH N: point PATH's extent at block N
    for rec in find(args[0]):
        set32(rec + 2, int(args[1], 0))
elif op == 'cycle':         # cycle PATH: PATH's extent becomes its parent's
    parent = args[0].rsplit('/', 1)[0] if '/' in args[0] else ''
    for rec, prec in zip(find(args[0]), find(parent)):
        set32(rec + 2, le32(prec + 2))
elif op == 'overrun':       # overrun DIR: the last record of its first sector runs past it
    for rec in find(args[0]):
        start = le32(rec + 2) * 2048
        last = max(o for o, n in records(rec, False) if o < start + 2048)
        d[last] = 255
elif op == 'field':         # field PATH OFFSET VALUE: one byte of PATH's record
    for rec in find(args[0]):
        d[rec + int(args[1])] = int(args[2], 0)
elif op == 'byte':          # byte OFFSET VALUE
    d[int(args[0])] = int(args[1], 0)
open(img, 'wb').write(d)
EOF
mkdir -p small/sub/inner
echo "x" > small/sub/inner/x.txt
echo "y" > small/y.txt
i=0
while [ $i -lt 60 ]; do echo "$i" > "small/sub/name_of_file_$i.txt"; i=$((i + 1)); done
xorriso -as mkisofs -J -R -V SMALL -o small.iso small >xorriso.log 2>&1 || cat xorriso.log
# corrupt NAME PATCH...: a copy of small.iso with one patch applied
corrupt() { n=$1; shift; cp small.iso "$n.iso" && python3 isopatch.py "$n.iso" "$@"; }

head -c $((17 * 2048)) small.iso > iso_truncated.iso
check_fails iso_truncated '\(cd0\).*past the end' timeout 20 "$MAPBOOT" --cd iso_truncated.iso -c 'ls (cd0)/'
check_fails iso_truncated_hd '\(hd0\).*past the end' timeout 20 "$MAPBOOT" --hd iso_truncated.iso -c 'cat (hd0)/y.txt'
corrupt iso_dir_extent_past_end lba sub 0x7fffff00
check_fails iso_dir_extent_past_end '\(cd0\).*sub.*past the end' \
    timeout 20 "$MAPBOOT" --cd iso_dir_extent_past_end.iso -c 'ls (cd0)/sub/'
corrupt iso_file_extent_past_end lba y.txt 0x7fffff00
check_fails iso_file_extent_past_end '\(cd0\).*y\.txt.*past the end' \
    timeout 20 "$MAPBOOT" --cd iso_file_extent_past_end.iso -c 'cat (cd0)/y.txt'
corrupt iso_record_len_overrun overrun sub
check_fails iso_record_len_overrun '\(cd0\).*record.*corrupt' \
    timeout 20 "$MAPBOOT" --cd iso_record_len_overrun.iso -c 'ls (cd0)/sub/'
corrupt iso_record_name_overrun field y.txt 32 200
check_fails iso_record_name_overrun '\(cd0\).*record.*corrupt' \
    timeout 20 "$MAPBOOT" --cd iso_record_name_overrun.iso -c 'cat (cd0)/y.txt'
corrupt iso_record_name_len_zero field y.txt 32 0
check_fails iso_record_name_len_zero '\(cd0\).*record.*corrupt' \
    timeout 20 "$MAPBOOT" --cd iso_record_name_len_zero.iso -c 'cat (cd0)/y.txt'
corrupt iso_dir_cycle cycle sub/inner
check_fails iso_dir_cycle '\(cd0\).*inner.*loop' \
    timeout 20 "$MAPBOOT" --cd iso_dir_cycle.iso -c 'ls (cd0)/sub/inner/'
corrupt iso_root_cycle cycle sub
check_fails iso_root_cycle '\(cd0\).*sub.*loop' \
    timeout 20 "$MAPBOOT" --cd iso_root_cycle.iso -c 'cat (cd0)/sub/sub/sub/y.txt'
corrupt iso_multi_extent_unterminated field y.txt 25 0x80
check_fails iso_multi_extent_unterminated '\(cd0\).*y\.txt.*multi-extent' \
    timeout 20 "$MAPBOOT" --cd iso_multi_extent_unterminated.iso -c 'cat (cd0)/y.txt'
corrupt iso_bad_pvd_block_size byte $((16 * 2048 + 128)) 0xb8 &&
    python3 isopatch.py iso_bad_pvd_block_size.iso byte $((16 * 2048 + 129)) 0x0b
check_fails iso_bad_pvd_block_size '\(cd0\).*block size of 3000' \
    timeout 20 "$MAPBOOT" --cd iso_bad_pvd_block_size.iso -c 'ls (cd0)/'
# a broken Joliet tree is not fatal: the primary tree serves
cp small.iso iso_bad_joliet.iso
python3 isopatch.py iso_bad_joliet.iso byte $((17 * 2048 + 128)) 0xb8
check "iso_bad_joliet_falls_back" "$(mb --cd iso_bad_joliet.iso -c 'cat (cd0)/y.txt')" "y"

# ---- a file over 4 GiB: several extents (xorriso -iso-level 3) ----
big=$WORK/bigsrc
mkdir -p "$big"
size=4404019200 # 4.1 GiB
truncate -s $size "$big/big.bin"
marker() { printf '%s' "$2" | dd of="$big/big.bin" bs=1 seek="$1" conv=notrunc status=none; }
edge=4294965248 # the first extent's end: 2 GiB - 2048 times two
marker 0 START
marker $((edge - 4)) EDGEedge
marker $((4294967296 - 4)) FOURgigs
marker $((size - 3)) END
echo small > "$big/after.txt"
start=$(date +%s)
if xorriso -as mkisofs -iso-level 3 -J -R -o big.iso "$big" >xorriso.log 2>&1; then
    echo "(made a $(stat -c %s big.iso)-byte image in $(($(date +%s) - start)) s)"
    rm -f "$big/big.bin"
    markers() { mb $1 big.iso -c "cat --skip=$2 --length=$3 $4/big.bin"; }
    check "iso_big_size" "$(mb --cd big.iso -c 'ls (cd0)/big.bin')" "(cd0)/big.bin  $size"
    check "iso_big_start" "$(markers --cd 0 5 '(cd0)')" "START"
    check "iso_big_extent_edge" "$(markers --cd $((edge - 4)) 8 '(cd0)')" "EDGEedge"
    check "iso_big_4gib" "$(markers --cd $((4294967296 - 4)) 8 '(cd0)')" "FOURgigs"
    check "iso_big_end" "$(markers --cd $((size - 3)) 3 '(cd0)')" "END"
    check "iso_big_hd_edge" "$(markers --hd $((edge - 4)) 8 '(hd0)')" "EDGEedge"
    check "iso_big_past_end" "$(markers --cd $((size - 1)) 100 '(cd0)')" "D"
    check "iso_big_after" "$(mb --cd big.iso -c 'cat (cd0)/after.txt')" "small"
    # the extents are contiguous, so one run: one blocklist entry
    check_grep "iso_big_blocklist" "$(mb --cd big.iso -c 'blocklist (cd0)/big.bin')" \
        "^\\(cd0\\)[0-9]+\\+$((size / 512))\$"
else
    echo "FAIL iso_big: xorriso failed"; cat xorriso.log
fi
rm -f big.iso "$big/big.bin"
