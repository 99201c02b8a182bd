# Partition maps (disk/part_mbr.c, disk/part_gpt.c) over images made by real
# partitioners: sfdisk (MBR with logicals, GPT), sgdisk (GPT with gaps in
# the numbering), fdisk -b 4096 (4Kn GPT and MBR), mkfs.fat (a superfloppy).
# Each partition gets a marker naming the grub4dos number it must have,
# written at its first byte; `cat (hd0,N)+1` must show it. Then damaged
# copies: the named regressions, each run under `timeout 20` and checked for
# exit code, message and the absence of a sanitizer report.
. "$(dirname "$0")/lib.sh"

img_mbr=$WORK/mbr.img img_gpt=$WORK/gpt.img img_sg=$WORK/sgdisk.img
img_gpt4k=$WORK/gpt4k.img img_mbr4k=$WORK/mbr4k.img img_fat=$WORK/fat.img

# run ARGS...: the shell with a hard time limit; output on stdout, status in $st.
run() { out=$(timeout 20 "$MAPBOOT" "$@" 2>&1); st=$?; }

# fail_report WANTED: the FAIL line and what was seen, for check_ok and check_no.
fail_report() {
    echo "FAIL $name (exit $st)"
    echo "  output: $(printf '%s' "$out" | head -c 2000)"
    echo "  wanted: /$1/"
}

# check_ok NAME REGEX ARGS...: the shell must succeed, without a sanitizer
# report or a timeout, and print something matching REGEX.
check_ok() {
    name=$1 re=$2; shift 2
    run "$@"
    if [ $st -eq 0 ] && ! printf '%s' "$out" | grep -q 'Sanitizer' &&
        printf '%s\n' "$out" | grep -Eq -- "$re"; then echo "PASS $name"
    else fail_report "$re"; fi
}

# check_no NAME REGEX ARGS...: as check_ok, but the output must NOT match REGEX.
check_no() {
    name=$1 re=$2; shift 2
    run "$@"
    if [ $st -eq 0 ] && ! printf '%s' "$out" | grep -q 'Sanitizer' &&
        ! printf '%s\n' "$out" | grep -Eq -- "$re"; then echo "PASS $name"
    else fail_report "not $re"; fi
}

# mark IMG BLOCK_SIZE LBA NAME: a 16-byte marker "NAME" (space padded) at block LBA.
mark() {
    printf '%-16s' "$4" | dd of="$1" bs="$2" seek="$3" conv=notrunc status=none
}

# check_parts NAME 'BS_ARGS' IMG N...: (hd0,N)+1 starts with the marker "NAME-N" for each N.
check_parts() {
    name=$1 bsargs=$2 img=$3; shift 3
    for n in "$@"; do
        # shellcheck disable=SC2086
        check "$name-$n" "$(timeout 20 "$MAPBOOT" $bsargs --hd "$img" \
            -c "cat --length=16 (hd0,$n)+1" 2>&1)" "$(printf '%-16s' "$name-$n")"
    done
}

# starts IMG: the start sectors of its partitions, in sfdisk's order ("N START" lines).
starts() {
    sfdisk -d "$1" | sed -n 's/^.*[^0-9]\([0-9][0-9]*\) : start= *\([0-9]*\),.*$/\1 \2/p'
}

# python3 snippets for damage that needs CRCs recomputed (GPT).
gpt_py() {
    python3 - "$@" <<'EOF'
import struct, sys, zlib
path, bs, what = sys.argv[1], int(sys.argv[2]), sys.argv[3]
f = open(path, 'r+b')
data = bytearray(f.read())
def seal(lba):
    h = lba * bs
    elba, n, esize = struct.unpack_from('<QII', data, h + 72)
    arr = data[elba * bs: elba * bs + n * esize]
    struct.pack_into('<I', data, h + 88, zlib.crc32(arr))
    struct.pack_into('<I', data, h + 16, 0)
    size = struct.unpack_from('<I', data, h + 12)[0]
    struct.pack_into('<I', data, h + 16, zlib.crc32(data[h:h + size]))
if what == 'past-end':
    # entry 1 (the second) ends far past the disk, in both copies, CRCs valid
    blocks = len(data) // bs
    for hdr in (1, blocks - 1):
        elba = struct.unpack_from('<Q', data, hdr * bs + 72)[0]
        struct.pack_into('<Q', data, elba * bs + 128 + 40, blocks * 4)
        seal(hdr)
f.seek(0)
f.write(data)
EOF
}

# ---- MBR: 3 primaries + an extended partition with 3 logicals (sfdisk) ----
truncate -s 64M "$img_mbr"
printf 'label: dos\n,4M,83\n,4M,c\n,4M,7\n,,5\n,8M,83\n,8M,b\n,,83\n' | sfdisk -q "$img_mbr"
starts "$img_mbr" | while read -r node start; do
    case $node in 4) ;; [1-3]) mark "$img_mbr" 512 "$start" "mbr-$((node - 1))" ;;
        *) mark "$img_mbr" 512 "$start" "mbr-$((node - 1))" ;; esac
done
check_parts mbr "" "$img_mbr" 0 1 2 4 5 6
check_fails mbr_no_partition_7 'no such partition: \(hd0,7\)' \
    timeout 20 "$MAPBOOT" --hd "$img_mbr" -c 'cat --length=16 (hd0,7)+1'
# the extended partition is listed in its slot: its first block is the first EBR
check_ok mbr_extended_is_slot_3 '000001F0: .* 55 AA ' \
    --hd "$img_mbr" -c 'cat --hex --length=512 (hd0,3)+1'

# ---- GPT (sfdisk): five partitions in table order ----
truncate -s 64M "$img_gpt"
printf 'label: gpt\n,4M\n,4M,U\n,1M\n,8M\n,\n' | sfdisk -q "$img_gpt"
starts "$img_gpt" | while read -r node start; do
    mark "$img_gpt" 512 "$start" "gpt-$((node - 1))"
done
check_parts gpt "" "$img_gpt" 0 1 2 3 4
check_fails gpt_no_partition_5 'no such partition: \(hd0,5\)' \
    timeout 20 "$MAPBOOT" --hd "$img_gpt" -c 'cat --length=16 (hd0,5)+1'
check_no gpt_clean_no_warning 'Warning' --hd "$img_gpt" -c 'cat --length=16 (hd0,4)+1'

# ---- GPT (sgdisk): entries 1, 3, 5 and 128 used, so (hd0,0), (hd0,2), (hd0,4), (hd0,127) ----
truncate -s 32M "$img_sg"
sgdisk -o -n 1:2048:+4M -n 3:0:+4M -t 3:ef00 -n 5:0:+2M -n 128:0:+1M "$img_sg" >/dev/null
for n in 1 3 5 128; do
    mark "$img_sg" 512 "$(sgdisk -i "$n" "$img_sg" | sed -n 's/^First sector: \([0-9]*\).*/\1/p')" \
        "sg-$((n - 1))"
done
check_parts sg "" "$img_sg" 0 2 4 127
check_fails sgdisk_empty_entry_keeps_its_number 'no such partition: \(hd0,1\)' \
    timeout 20 "$MAPBOOT" --hd "$img_sg" -c 'cat --length=16 (hd0,1)+1'

# ---- 4Kn: GPT and MBR made by fdisk -b 4096; blocklists stay in 512-byte sectors ----
truncate -s 32M "$img_gpt4k"
printf 'g\nn\n\n\n+4M\nn\n\n\n+2M\nn\n\n\n\nw\n' | fdisk -b 4096 "$img_gpt4k" >/dev/null 2>&1
fdisk -b 4096 -l -o Device,Start "$img_gpt4k" | sed -n 's/^.*img\([0-9]*\) *\([0-9]*\)$/\1 \2/p' |
    while read -r node start; do mark "$img_gpt4k" 4096 "$start" "g4k-$((node - 1))"; done
check_parts g4k "--block-size 4096" "$img_gpt4k" 0 1 2
# (hd0,1)8+1 is the partition's second 4 KiB block
start=$(fdisk -b 4096 -l -o Device,Start "$img_gpt4k" | sed -n 's/^.*img2 *\([0-9]*\)$/\1/p')
mark "$img_gpt4k" 4096 $((start + 1)) g4k-1-block-1
check_ok g4k_blocklist_unit_is_512 '^g4k-1-block-1 *$' --block-size 4096 --hd "$img_gpt4k" \
    -c 'cat --length=16 (hd0,1)8+1'
# opened with the wrong block size: no partitions, and a hint
check_fails g4k_as_512_byte_sectors 'both GPT headers are corrupt .*laid out for 4096-byte blocks' \
    timeout 20 "$MAPBOOT" --hd "$img_gpt4k" -c 'cat --length=16 (hd0,0)+1'
truncate -s 64M "$img_mbr4k"
printf 'o\nn\np\n1\n\n+4M\nn\ne\n2\n\n\nn\nl\n\n+4M\nn\nl\n\n+4M\nw\n' |
    fdisk -b 4096 "$img_mbr4k" >/dev/null 2>&1
fdisk -b 4096 -l -o Device,Start "$img_mbr4k" | sed -n 's/^.*img\([0-9]*\) *\([0-9]*\)$/\1 \2/p' |
    while read -r node start; do
        case $node in 1) mark "$img_mbr4k" 4096 "$start" m4k-0 ;; 2) ;;
            *) mark "$img_mbr4k" 4096 "$start" "m4k-$((node - 1))" ;; esac
    done
check_parts m4k "--block-size 4096" "$img_mbr4k" 0 4 5
check_fails m4k_no_partition_6 'no such partition: \(hd0,6\)' \
    timeout 20 "$MAPBOOT" --block-size 4096 --hd "$img_mbr4k" -c 'cat (hd0,6)+1'

# ---- a superfloppy: FAT without a partition table is one volume, not a table ----
mkfs.fat -C "$img_fat" 8192 >/dev/null
check_fails superfloppy_has_no_partition_0 'no such partition: \(hd0,0\)' \
    timeout 20 "$MAPBOOT" --hd "$img_fat" -c 'cat --length=16 (hd0,0)+1'
check_ok superfloppy_whole_disk 'mkfs\.fat' --hd "$img_fat" -c 'cat --hex --length=16 (hd0)+1'
check_no superfloppy_no_warning 'Warning' --hd "$img_fat" -c 'cat --hex --length=16 (hd0)+1'
mkfs.fat -F 32 -C "$WORK/fat32.img" 66000 >/dev/null
check_fails superfloppy_fat32_no_partitions 'no such partition: \(hd0,0\)' \
    timeout 20 "$MAPBOOT" --hd "$WORK/fat32.img" -c 'cat --length=16 (hd0,0)+1'

# ---- named regressions: damaged tables ----
bad=$WORK/bad.img
FLIP="$(dirname "$0")/../flip-byte"

# GPT primary header CRC bad (a flipped disk-GUID byte): the backup is used.
cp "$img_gpt" "$bad"
"$FLIP" "$bad" $((512 + 60))
check_ok gpt_primary_header_crc_bad \
    'Warning: \(hd0\): primary GPT header is corrupt \(bad header CRC\), using the backup' \
    --hd "$bad" -c 'cat --length=16 (hd0,4)+1'
check_ok gpt_primary_header_crc_bad_parts "^gpt-4 *\$" --hd "$bad" -c 'cat --length=16 (hd0,4)+1'
run --hd "$bad" -c 'cat --length=16 (hd0,0)+1
cat --length=16 (hd0,1)+1'
check gpt_primary_header_crc_bad_warns_once "$(printf '%s\n' "$out" | grep -c Warning)" 1

# GPT primary entry array CRC bad (a byte of entry 0's name): the backup is used.
cp "$img_gpt" "$bad"
printf 'X' | dd of="$bad" bs=1 seek=$((1024 + 60)) conv=notrunc status=none
check_ok gpt_primary_entries_crc_bad \
    'primary GPT header is corrupt \(bad entry array CRC\), using the backup' \
    --hd "$bad" -c 'cat --length=16 (hd0,0)+1'
check_ok gpt_primary_entries_crc_bad_parts "gpt-0 *\$" --hd "$bad" -c 'cat --length=16 (hd0,0)+1'

# GPT with both headers bad: an error naming the drive, no partitions.
cp "$img_gpt" "$bad"
"$FLIP" "$bad" $((512 + 60))
"$FLIP" "$bad" $((64 * 1024 * 1024 - 512 + 60))
check_fails gpt_both_headers_bad \
    '\(hd0\): both GPT headers are corrupt \(primary: bad header CRC; backup: bad header CRC\)' \
    timeout 20 "$MAPBOOT" --hd "$bad" -c 'cat --length=16 (hd0,0)+1'
check_fails gpt_both_headers_bad_no_partition 'no such partition: \(hd0,0\)' \
    timeout 20 "$MAPBOOT" --hd "$bad" -c 'cat --length=16 (hd0,0)+1'
check_ok gpt_both_headers_bad_whole_disk_readable 'EFI PART' \
    --hd "$bad" -c 'cat --skip=512 --length=8 (hd0)+2'

# GPT entry past the end (CRCs valid): that entry skipped with a warning, the rest there.
cp "$img_gpt" "$bad"
gpt_py "$bad" 512 past-end
check_ok gpt_entry_past_end \
    'Warning: \(hd0\): GPT entry 1 \(blocks [0-9]+-524288\) lies outside the usable range' \
    --hd "$bad" -c 'cat --length=16 (hd0,2)+1'
check_ok gpt_entry_past_end_others "^gpt-2 *\$" --hd "$bad" -c 'cat --length=16 (hd0,2)+1'
check_fails gpt_entry_past_end_skipped 'no such partition: \(hd0,1\)' \
    timeout 20 "$MAPBOOT" --hd "$bad" -c 'cat --length=16 (hd0,1)+1'

# A truncated GPT image: the primary still counts, the cut partitions are skipped.
cp "$img_gpt" "$bad"
truncate -s 20M "$bad"
check_ok gpt_truncated_image \
    'usable blocks end at [0-9]+, past the end of the disk \(40960 blocks\): a truncated image' \
    --hd "$bad" -c 'cat --length=16 (hd0,1)+1'
check_ok gpt_truncated_image_parts "^gpt-1 *\$" --hd "$bad" -c 'cat --length=16 (hd0,1)+1'
check_fails gpt_truncated_image_cut 'no such partition: \(hd0,4\)' \
    timeout 20 "$MAPBOOT" --hd "$bad" -c 'cat --length=16 (hd0,4)+1'

# MBR EBR chain loop: the first EBR links to itself. Its logical stays; the loop is reported.
ext=$(starts "$img_mbr" | awk '$1 == 4 { print $2 }')
cp "$img_mbr" "$bad"
printf '\0\0\0\0\005\0\0\0\0\0\0\0\020\0\0\0' |
    dd of="$bad" bs=1 seek=$((ext * 512 + 462)) conv=notrunc status=none
check_ok mbr_ebr_loop \
    "Warning: \\(hd0\\): the extended partition's EBR chain loops back to block $ext" \
    --hd "$bad" -c 'cat --length=16 (hd0,4)+1'
check_ok mbr_ebr_loop_first_logical "mbr-4 *\$" --hd "$bad" -c 'cat --length=16 (hd0,4)+1'
check_fails mbr_ebr_loop_no_more 'no such partition: \(hd0,5\)' \
    timeout 20 "$MAPBOOT" --hd "$bad" -c 'cat --length=16 (hd0,5)+1'

# MBR partition past the end (a truncated image): skipped with a warning, the others there.
cp "$img_mbr" "$bad"
truncate -s 40M "$bad"
check_ok mbr_partition_past_end \
    'partition 6 \(blocks [0-9]+\+[0-9]+\) reaches past the end of the disk \(81920 blocks\)' \
    --hd "$bad" -c 'cat --length=16 (hd0,5)+1'
check_ok mbr_partition_past_end_others "^mbr-5 *\$" --hd "$bad" -c 'cat --length=16 (hd0,5)+1'
check_ok mbr_partition_past_end_primaries "^mbr-0 *\$" --hd "$bad" -c 'cat --length=16 (hd0,0)+1'
check_fails mbr_partition_past_end_skipped 'no such partition: \(hd0,6\)' \
    timeout 20 "$MAPBOOT" --hd "$bad" -c 'cat --length=16 (hd0,6)+1'

# MBR logical outside its extended partition (the first logical's size made huge).
cp "$img_mbr" "$bad"
printf '\377\377\377\017' |
    dd of="$bad" bs=1 seek=$((ext * 512 + 446 + 12)) conv=notrunc status=none
check_ok mbr_logical_outside_extended \
    '\(hd0\): logical partition 4 \(blocks [0-9]+\+268435455\) lies outside the extended' \
    --hd "$bad" -c 'cat --length=16 (hd0,5)+1'
check_ok mbr_logical_outside_extended_keeps_numbers "^mbr-5 *\$" \
    --hd "$bad" -c 'cat --length=16 (hd0,5)+1'
check_fails mbr_logical_outside_extended_skipped 'no such partition: \(hd0,4\)' \
    timeout 20 "$MAPBOOT" --hd "$bad" -c 'cat --length=16 (hd0,4)+1'
