# The partition-table commands (parttype, hide, unhide, hiddenflag,
# makeactive, partnew, geometry) on disk images made by sfdisk and sgdisk,
# each change checked afterwards by sfdisk/sgdisk reading the image, the
# way another tool on the machine would see it.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
export MTOOLS_SKIP_CHECK=1

# An MBR disk: slot 0 FAT16 (active) holding a 1440 KiB floppy image,
# slot 1 FAT16 (type 6), slot 2 an extended partition with one logical
# (hd0,4), slot 3 free.
mbr_disk() {
    rm -f disk.img p0.img fd.img
    truncate -s 64M disk.img
    printf 'label: dos\nstart=2048, size=40960, type=e, bootable\nstart=43008, size=20480, type=6\nstart=80000, size=40000, type=f\nstart=82048, size=10240, type=83\n' |
        sfdisk -q disk.img >/dev/null
    mkfs.fat -F 16 -i 1234ABCD -n DATA16 -C p0.img 20480 >/dev/null
    mkfs.fat -i 0BADF00D -n FLOPPY -C fd.img 1440 >/dev/null
    mcopy -i p0.img fd.img ::/fd.img
    dd if=p0.img of=disk.img bs=512 seek=2048 conv=notrunc status=none
}
run() { timeout 60 "$MAPBOOT" --hd disk.img -c "$1" 2>&1; }
# the sfdisk line of partition N (1-based, as sfdisk numbers): "start=..., type=..."
sf() { sfdisk -d disk.img 2>/dev/null | grep "^disk.img$1 " | sed 's/^[^:]*: *//; s/  */ /g'; }

mbr_disk
before=$(sfdisk -d disk.img)
check parttype_shows "$(run 'parttype (hd0,0)
echo %@retval%')" "Partition type for (hd0,0) is 0x0E.
14"
check parttype_root_default "$(run 'root (hd0,0) > nul
parttype > nul
echo %@retval%')" "14"
check parttype_sets_primary "$(run 'parttype (hd0,1) 0x0b')$(sf 2)" \
    "Partition type for (hd0,1) set to 0x0B successfully.start= 43008, size= 20480, type=b"
check parttype_sets_logical "$(run 'parttype (hd0,4) 0x82')$(sf 5)" \
    "Partition type for (hd0,4) set to 0x82 successfully.start= 82048, size= 10240, type=82"
check parttype_keeps_extended "$(run 'parttype (hd0,2) 0x83')$(sf 3)" \
    "Error: parttype: (hd0,2): changing a partition to or from an extended one would lose the logical partitionsstart= 80000, size= 40000, type=f"
check parttype_not_a_byte "$(run 'parttype (hd0,0) 0x1234')" \
    "Error: parttype: an MBR type is a byte, not 0x1234"
check parttype_whole_disk "$(run 'parttype (hd0)')" \
    "Error: parttype: (hd0) is not a partition of a disk"

check hide_primary "$(run 'hide (hd0,0)
hiddenflag (hd0,0) > nul && echo hidden
hide (hd0,0)')$(sf 1)" "Partition (hd0,0) successfully set hidden.
hidden
Partition (hd0,0) was already hidden.start= 2048, size= 40960, type=1e, bootable"
check hide_keeps_the_volume "$(run 'ls (hd0,0)/' | tr -d ' ')" "fd.img"
check unhide_primary "$(run 'unhide (hd0,0)
hiddenflag (hd0,0)
echo %@retval%')$(sf 1)" "Partition (hd0,0) successfully set unhidden.
Partition (hd0,0) is not hidden.
0start= 2048, size= 40960, type=e, bootable"
check hiddenflag_logical "$(run 'hiddenflag --set (hd0,4)
hiddenflag --clear (hd0,4)
hiddenflag --set (hd0,4)')$(sf 5)" "Partition (hd0,4) successfully set hidden.
Partition (hd0,4) successfully set unhidden.
Partition (hd0,4) successfully set hidden.start= 82048, size= 10240, type=92"
check hide_extended_refused "$(run 'hide (hd0,2)')" \
    "Error: hide: (hd0,2) is an extended partition"

check makeactive_status "$(run 'makeactive --status (hd0,1)
echo %@retval%
makeactive --status (hd0,0)
echo %@retval%')" "Partition (hd0,1) is not active.
0
Partition (hd0,0) is active.
1"
check makeactive_moves_the_flag "$(run 'makeactive (hd0,1)
makeactive (hd0,1)')$(sf 1)/$(sf 2)" "Partition (hd0,1) successfully set active.
Partition (hd0,1) was already active.start= 2048, size= 40960, type=e/start= 43008, size= 20480, type=b, bootable"
check makeactive_root "$(run 'root (hd0,0) > nul
makeactive')$(sf 1)/$(sf 2)" "Partition (hd0,0) successfully set active.start= 2048, size= 40960, type=e, bootable/start= 43008, size= 20480, type=b"
check makeactive_logical_refused "$(run 'makeactive (hd0,4)')" \
    "Error: makeactive: (hd0,4) is not a primary partition"

check partnew_numbers "$(run 'partnew (hd0,3) 0x07 100000 2048
parttype (hd0,3)')$(sf 4)" "Partition type for (hd0,3) is 0x07.start= 100000, size= 2048, type=7"
check partnew_keeps_independent "$(run 'partnew (hd0,1) 0x83 100 100')$(sf 2)" \
    "Error: partnew: cannot overwrite an independent partition in slot 1 (blocks 43008+20480); --force doesstart= 43008, size= 20480, type=b"
check partnew_empties_with_force "$(run 'partnew --force (hd0,3) 0 0 0
ls (hd0,3)')$(sf 4)" "Error: ls: no such partition: (hd0,3)"
check partnew_past_the_end "$(run 'partnew (hd0,3) 0x07 131000 100')$(sf 4)" \
    "Error: partnew: blocks 131000+100 do not fit in (hd0) (131072 blocks, at most 2^32 in an MBR)"
check partnew_last_block "$(run 'partnew (hd0,3) 0x07 131000 72')$(sf 4)" \
    "start= 131000, size= 72, type=7"
check partnew_logical_slot "$(run 'partnew (hd0,4) 0x07 100 100')" \
    "Error: partnew: (hd0,4): only the primary slots 0 to 3 can be made"
run 'partnew --force (hd0,3) 0 0 0' >/dev/null

# a partition made of a file: the floppy image inside (hd0,0) becomes (hd0,3),
# FAT12 typed 0x0E (0x1E with 0x10), its boot sector's hidden sectors its start
fdstart=$(run 'blocklist (hd0,0)/fd.img' | sed 's/^(hd0,0)\([0-9]*\)+.*/\1/')
fdlba=$((2048 + fdstart))
check partnew_file "$(run 'partnew (hd0,3) 0x10 (hd0,0)/fd.img
vol (hd0,3)')$(sf 4)" "Changing hidden sectors 0x0 to 0x$(printf %X $fdlba)... success.
FLOPPYstart= $fdlba, size= 2880, type=1e"
check partnew_file_hidden_sectors \
    "$(dd if=disk.img bs=1 skip=$((fdlba * 512 + 28)) count=4 status=none | od -An -tu4 | tr -d ' ')" \
    "$fdlba"
check partnew_file_again_is_nested "$(run 'partnew (hd0,3) 0 (hd0,0)/fd.img')$(sf 4)" \
    "start= $fdlba, size= 2880, type=e"
check partnew_file_missing "$(run 'partnew (hd0,3) 0 (hd0,0)/x.img')" \
    "Error: partnew: (hd0,0)/x.img: not found"

check geometry "$(run 'geometry (hd0,4)')" "drive 0x80(LBA): SectorCount/Size=131072 / 512
 Partition num: 0,  Filesystem type is fat16, partition type 0x0E
 Partition num: 1,  Filesystem type unknown, partition type 0x0B
 Partition num: 2,  Filesystem type unknown, partition type 0x0F
 Partition num: 3,  Filesystem type is fat12, partition type 0x0E
 Partition num: 4,  Filesystem type unknown, partition type 0x92"

# a map keeps its --read-only and --fake-write: the image does not change
mbr_disk
sum=$(sha256sum disk.img)
check read_only_map_refuses "$(run 'map --read-only (hd0) (hd1) > nul
parttype (hd1,1) 0x83
makeactive (hd1,1)
parttype (hd1,1)')" "Error: (hd1) is read-only
Error: (hd1) is read-only
Partition type for (hd1,1) is 0x06."
check fake_write_map_keeps_it_in_ram "$(run 'map --fake-write (hd0) (hd1) > nul
parttype (hd1,1) 0x83 > nul
partnew (hd1,3) 0x07 100000 2048 > nul
parttype (hd1,1)
parttype (hd1,3)
parttype (hd0,1)')" "Partition type for (hd1,1) is 0x83.
Partition type for (hd1,3) is 0x07.
Partition type for (hd0,1) is 0x06."
check maps_left_the_image_alone "$(sha256sum disk.img)" "$sum"

# GPT: the type is 0xEE; hide and parttype set attribute bits in both copies
rm -f g.img
truncate -s 16M g.img
sgdisk -n 1:2048:10239 -t 1:0700 -n 2:10240:20000 -t 2:8300 g.img >/dev/null
rung() { timeout 60 "$MAPBOOT" --hd g.img -c "$1" 2>&1; }
check gpt_parttype "$(rung 'parttype (hd0,1)
echo %@retval%')" "Partition type for (hd0,1) is 0xEE.
238"
check gpt_hide "$(rung 'hide (hd0,0)
hiddenflag (hd0,0)
parttype (hd0,1) 0x4')$(sgdisk -A 1:show -A 2:show g.img)" "Partition (hd0,0) successfully set hidden.
Partition (hd0,0) is hidden.
Partition attributes for (hd0,1) set to 0x4 successfully.1:0:1 (system partition)
1:62:1 (hidden)
1:63:1 (do not automount)
2:2:1 (legacy BIOS bootable)"
check gpt_crcs_sound "$(sgdisk -v g.img | grep -o 'No problems found')" "No problems found"
check gpt_unhide "$(rung 'unhide (hd0,0)')$(sgdisk -A 1:show g.img)" \
    "Partition (hd0,0) successfully set unhidden."
rung 'hide (hd0,0)' >/dev/null
dd if=/dev/zero of=g.img bs=512 seek=1 count=1 conv=notrunc status=none
check gpt_backup_changed_too "$(sfdisk -d g.img 2>/dev/null | grep -o 'attrs=.*')" \
    'attrs="RequiredPartition GUID:62,63"
attrs="LegacyBIOSBootable"'
check gpt_corrupt_is_not_changed "$(rung 'hide (hd0,1)')" \
    "$(printf 'Warning: (hd0): primary GPT header is corrupt (no "EFI PART" signature), using the backup\nError: (hd0): the GPT at block 1 is corrupt (no "EFI PART" signature); it is not changed')"
check gpt_partnew_refused "$(rung 'partnew (hd0,3) 7 100 100' | tail -1)" \
    "Error: partnew: (hd0) has a GPT; partnew makes MBR entries only"
check gpt_makeactive_refused "$(rung 'makeactive (hd0,0)' | tail -1)" \
    "Error: makeactive: (hd0,0) is a GPT partition; only MBR primary partitions have an active flag"
