#!/bin/sh
# Rock Ridge on ISO9660 (fs/iso9660.c) over images made by xorriso and
# genisoimage, with and without Joliet (Rock Ridge wins when both are
# there): long POSIX names (up to 255 bytes), names that differ only in
# case, Unicode names, symlinks (relative, absolute, to a directory, up the
# tree, dangling, loops) followed in paths, and a 12-level tree that
# genisoimage relocates (RE/CL, rr_moved hidden). Named corrupt images,
# patched with python3, must fail cleanly naming the device within 20 s.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
export LC_ALL=C.UTF-8

# ---- the source tree ----
src=$WORK/src
deep=d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12
long100=$(printf 'L%.0s' $(seq 1 96)).txt
long255=$(printf 'n%.0s' $(seq 1 251)).bin
uni_long=$(printf 'é%.0s' $(seq 1 120)).txt   # 240 bytes of UTF-8
mkdir -p "$src/$deep" "$src/sub/inner" "$src/many" "$src/Mixed Dir"
echo "deep file" > "$src/$deep/deep.txt"
echo "level eight" > "$src/d1/d2/d3/d4/d5/d6/d7/d8/eight.txt"
echo "long 100" > "$src/$long100"
head -c 5000 /dev/urandom > "$src/$long255"
echo "unicode long" > "$src/$uni_long"
echo "lower" > "$src/case.txt"
echo "upper" > "$src/CASE.TXT"
echo "mixed" > "$src/Case.Txt"
echo "only one" > "$src/Mixed Dir/OnlyOne.TXT"
echo "gruesse" > "$src/Grüße.txt"
echo "nihongo" > "$src/日本語のファイル名.txt"
echo "inner" > "$src/sub/inner/x.txt"
head -c 300000 /dev/urandom > "$src/sub/random.bin"
: > "$src/empty"
i=0
while [ $i -lt 300 ]; do echo "file $i" > "$src/many/A_rather_long_file_name_number_$i.txt"; i=$((i + 1)); done
ln -s sub/inner/x.txt "$src/rel_link"
ln -s /sub/inner/x.txt "$src/abs_link"
ln -s sub "$src/dir_link"
ln -s ../.. "$src/sub/inner/up"
ln -s ../"$long100" "$src/sub/to_long"
ln -s nowhere/at/all "$src/dangling"
ln -s loop_b "$src/loop_a"
ln -s loop_a "$src/loop_b"
ln -s self "$src/self"

date=2024013112304542
xorriso -as mkisofs -input-charset utf-8 -R -V RR_X -o x_r.iso "$src" >mk.log 2>&1 || cat mk.log
xorriso -as mkisofs -input-charset utf-8 -R -J -joliet-long -V RR_XJ -o x_rj.iso "$src" >mk.log 2>&1 ||
    cat mk.log
genisoimage -input-charset utf-8 -R -V RR_G -o g_r.iso "$src" >mk.log 2>&1 || cat mk.log
genisoimage -input-charset utf-8 -R -J -joliet-long -V RR_GJ -o g_rj.iso "$src" >mk.log 2>&1 ||
    cat mk.log

# ---- helpers ----
ls_names() { printf '%s' "$1" | sed 's/  /\n/g' | sed '/^$/d; s/\\\(.\)/\1/g' | sort; }
# what ls should print for DIR: links shown as what they point to (test -d follows them)
src_names() {
    (cd "$1" && for f in *; do if [ -d "$f" ]; then echo "$f/"; else echo "$f"; fi; done) | sort
}
sha() { sha256sum | cut -d' ' -f1; }

for img in x_r x_rj g_r g_rj; do
    CD="--cd $img.iso"
    # every regular file (not through links) by its sha256, in one run of the shell
    files=$(cd "$src" && find . -type f | sed 's|^\./||' | sort)
    script=$(printf '%s\n' "$files" | while IFS= read -r f; do printf 'cat "(cd0)/%s"\n' "$f"; done)
    want=$(printf '%s\n' "$files" | while IFS= read -r f; do cat "$src/$f"; done | sha)
    check "rr_${img}_sha256_all_$(printf '%s\n' "$files" | wc -l)_files" "$(mb $CD -c "$script" | sha)" "$want"
    for d in "" sub sub/inner many "Mixed Dir" d1 d1/d2/d3/d4/d5/d6/d7 d1/d2/d3/d4/d5/d6/d7/d8 "$deep"; do
        check "rr_${img}_ls /$d" "$(ls_names "$(mb $CD -c "ls \"(cd0)/$d/\"")")" "$(src_names "$src/$d")"
    done
    check "rr_${img}_long255" "$(mb $CD -c "cat \"(cd0)/$long255\"" | sha)" "$(sha < "$src/$long255")"
    check "rr_${img}_unicode_long" "$(mb $CD -c "cat \"(cd0)/$uni_long\"")" "unicode long"
    check "rr_${img}_unicode" "$(mb $CD -c 'cat "(cd0)/日本語のファイル名.txt"')" "nihongo"
    check "rr_${img}_deep" "$(mb $CD -c "cat (cd0)/$deep/deep.txt")" "deep file"
    # exact case first; a name that matches only without case is still found
    check "rr_${img}_case_exact" "$(mb $CD -c "$(printf 'cat (cd0)/case.txt\ncat (cd0)/CASE.TXT\ncat (cd0)/Case.Txt')")" \
        "$(printf 'lower\nupper\nmixed')"
    check "rr_${img}_case_fold" "$(mb $CD -c 'cat "(cd0)/mixed dir/onlyone.txt"')" "only one"
    check "rr_${img}_case_fold_deep" "$(mb $CD -c 'cat (cd0)/D1/D2/D3/D4/D5/D6/D7/D8/D9/D10/D11/D12/DEEP.TXT')" \
        "deep file"
    # symlinks
    check "rr_${img}_rel_link" "$(mb $CD -c 'cat (cd0)/rel_link')" "inner"
    check "rr_${img}_abs_link" "$(mb $CD -c 'cat (cd0)/abs_link')" "inner"
    check "rr_${img}_dir_link" "$(mb $CD -c 'cat (cd0)/dir_link/inner/x.txt')" "inner"
    check "rr_${img}_dir_link_ls" "$(ls_names "$(mb $CD -c 'ls (cd0)/dir_link/')")" "$(src_names "$src/sub")"
    check "rr_${img}_up_link" "$(mb $CD -c 'cat (cd0)/sub/inner/up/sub/inner/up/rel_link')" "inner"
    check "rr_${img}_link_to_long" "$(mb $CD -c 'cat (cd0)/dir_link/to_long')" "long 100"
    check "rr_${img}_link_size" "$(mb $CD -c 'ls (cd0)/rel_link')" "(cd0)/rel_link  6"
    check_fails "rr_${img}_dangling" '\(cd0\)' mb $CD -c 'cat (cd0)/dangling'
    check_fails "rr_${img}_loop" '\(cd0\).*loop_[ab].*loop' timeout 20 "$MAPBOOT" $CD -c 'cat (cd0)/loop_a'
    check_fails "rr_${img}_self_loop" '\(cd0\).*self.*loop' timeout 20 "$MAPBOOT" $CD -c 'cat (cd0)/self'
    check "rr_${img}_ls_device" "$(mb $CD -c 'ls' | grep -o '^(cd0): iso9660')" "(cd0): iso9660"
done
# the ISO names under Rock Ridge are what genisoimage shortened them to: not shown
check "rr_g_r_no_iso_names" "$(mb --cd g_r.iso -c 'ls (cd0)/' | grep -c 'RR_MOVED\|rr_moved\|;1')" "0"
# relocation happened (the check above means something): genisoimage wrote rr_moved
check_grep "rr_g_r_relocated" "$(isoinfo -i g_r.iso -l 2>/dev/null | grep -i rr_moved | head -1)" 'RR_MOVED'
# the same image on a hard disk with 512-byte sectors
check "rr_hd512_deep" "$(mb --hd g_rj.iso -c "cat (hd0)/$deep/deep.txt")" "deep file"
check "rr_hd512_link" "$(mb --hd x_rj.iso -c 'cat (hd0)/dir_link/random.bin' | sha)" "$(sha < "$src/sub/random.bin")"

# ---- corrupt images ----
cat > rrpatch.py <<'EOF'
# rrpatch.py IMG OP PATH [ARG]: patch the Rock Ridge entries of the record at
# PATH (Rock Ridge names) in the primary tree of an xorriso image.
import struct, sys

img, op, path = sys.argv[1:4]
d = bytearray(open(img, 'rb').read())

def le32(o):
    return struct.unpack_from('<I', d, o)[0]

def set32(o, v):  # both-endian
    struct.pack_into('<I', d, o, v)
    struct.pack_into('>I', d, o + 4, v)

def sua(rec):
    nl = d[rec + 32]
    return rec + 33 + nl + (1 - nl % 2), rec + d[rec]

def entries(s, e, follow=True):
    for _ in range(4):
        ce, o = None, s
        while o + 4 <= e and d[o + 2] >= 4:
            yield o
            if d[o:o + 2] == b'CE':
                ce = (le32(o + 4) * 2048 + le32(o + 12), le32(o + 20))
            o += d[o + 2]
        if not ce or not follow:
            return
        s, e = ce[0], ce[0] + ce[1]

def rrname(rec):
    return b''.join(bytes(d[o + 5:o + d[o + 2]]) for o in entries(*sua(rec))
                    if d[o:o + 2] == b'NM').decode('utf-8', 'replace')

def records(rec):
    start, size, pos = le32(rec + 2) * 2048, le32(rec + 10), 0
    while pos < size:
        o = start + pos
        if d[o] == 0:
            pos = (pos // 2048 + 1) * 2048
            continue
        if not (d[o + 32] == 1 and d[o + 33] in (0, 1)):
            yield o
        pos += d[o]

rec = 16 * 2048 + 156
for c in [c for c in path.split('/') if c]:
    rec = next(o for o in records(rec) if rrname(o) == c)
s, e = sua(rec)

def entry(sig, follow=False):
    return next(o for o in entries(s, e, follow) if d[o:o + 2] == sig)

if op == 'ce_past_end':     # the record's continuation lies past the media
    set32(entry(b'CE') + 4, 0x7fffff00)
elif op == 'ce_loop':       # the continuation area is the record's own system use area
    o = entry(b'CE')
    set32(o + 4, s // 2048)
    set32(o + 12, s % 2048)
    set32(o + 20, e - s)
elif op == 'nm_overrun':    # the NM entry claims more bytes than the area has
    d[entry(b'NM') + 2] = 250
elif op == 'sl_target':     # the first SL component's text becomes ARG (same length)
    o = entry(b'SL', True) + 5
    new = sys.argv[4].encode()
    assert d[o + 1] == len(new)
    d[o + 2:o + 2 + len(new)] = new
elif op == 'sl_overrun':    # the first SL component claims more bytes than its entry has
    d[entry(b'SL', True) + 6] = 200
open(img, 'wb').write(d)
EOF
small=$WORK/small
mkdir -p "$small/sub"
echo y > "$small/y.txt"
echo longname > "$small/sub/$long255"
ln -s abcde "$small/to_me"
xorriso -as mkisofs -R -V SMALL -o small.iso "$small" >mk.log 2>&1 || cat mk.log
check "rr_small_ok" "$(mb --cd small.iso -c "$(printf 'cat "(cd0)/sub/%s"\ncat (cd0)/y.txt' "$long255")")" "$(printf 'longname\ny')"
corrupt() { n=$1; shift; cp small.iso "$n.iso" && python3 rrpatch.py "$n.iso" "$@"; }
corrupt iso_rr_ce_past_end ce_past_end "sub/$long255"
check_fails iso_rr_ce_past_end '\(cd0\).*past the end' \
    timeout 20 "$MAPBOOT" --cd iso_rr_ce_past_end.iso -c "ls (cd0)/sub/"
corrupt iso_rr_ce_loop ce_loop "sub/$long255"
check_fails iso_rr_ce_loop '\(cd0\).*continuation.*loop' \
    timeout 20 "$MAPBOOT" --cd iso_rr_ce_loop.iso -c "cat (cd0)/sub/x"
corrupt iso_rr_nm_overrun nm_overrun y.txt
check_fails iso_rr_nm_overrun "\\(cd0\\).*'NM'.*runs past" \
    timeout 20 "$MAPBOOT" --cd iso_rr_nm_overrun.iso -c "cat (cd0)/y.txt"
corrupt iso_rr_sl_loop sl_target to_me to_me
check_fails iso_rr_sl_loop '\(cd0\).*to_me.*loop' \
    timeout 20 "$MAPBOOT" --cd iso_rr_sl_loop.iso -c "cat (cd0)/to_me"
corrupt iso_rr_sl_overrun sl_overrun to_me
check_fails iso_rr_sl_overrun '\(cd0\).*symlink.*corrupt' \
    timeout 20 "$MAPBOOT" --cd iso_rr_sl_overrun.iso -c "cat (cd0)/to_me"
