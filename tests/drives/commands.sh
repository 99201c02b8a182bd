# The commands over real images: a GPT disk with a FAT32 and a FAT16
# partition, and an ISO on a CD. find, uuid, vol, ls, root, cat, blocklist
# are checked line by line against what the images were made with.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
export MTOOLS_SKIP_CHECK=1

mkfs.fat -F 32 -i 1234ABCD -n DATA32 -C p0.img 40960 >/dev/null
mkfs.fat -F 16 -i 5678CDEF -n DATA16 -C p1.img 20480 >/dev/null
mkdir -p tree/dir/sub iso/docs
echo "the marker file" > tree/marker
echo "deep" > tree/dir/sub/deep.txt
printf 'x%.0s' $(seq 1 5000) > tree/dir/five.txt
mcopy -s -i p1.img tree/* ::/
mmd -i p0.img ::/boot
echo "on fat32" | mcopy -i p0.img - ::/boot/f32.txt
echo "iso marker" > iso/iso_marker
echo "doc" > iso/docs/readme.txt
xorriso -as mkisofs -quiet -J -V ISOVOL --modification-date=2024013112000000 \
    -o cd.iso iso 2>/dev/null
truncate -s 64M disk.img
printf 'label: gpt\nstart=2048, size=81920, type=uefi\nstart=83968, size=40960, type=linux\n' |
    sfdisk -q disk.img >/dev/null
dd if=p0.img of=disk.img bs=512 seek=2048 conv=notrunc status=none
dd if=p1.img of=disk.img bs=512 seek=83968 conv=notrunc status=none
run() { timeout 60 "$MAPBOOT" --hd disk.img --cd cd.iso -c "$1" 2>&1; }

check ls_devices "$(run 'ls')" "(hd0): 131072 blocks of 512 bytes, 64 MiB
 (hd0,0): fat32, label DATA32, uuid 1234-ABCD, 40 MiB
 (hd0,1): fat16, label DATA16, uuid 5678-CDEF, 20 MiB
(cd0): iso9660, label ISOVOL, uuid 2024-01-31-12-00-00-00, $(($(stat -c %s cd.iso) / 1024)) KiB"
check ls_partitions "$(run 'ls (hd0)')" "(hd0): 131072 blocks of 512 bytes, 64 MiB
 (hd0,0): fat32, label DATA32, uuid 1234-ABCD, 40 MiB
 (hd0,1): fat16, label DATA16, uuid 5678-CDEF, 20 MiB"
check ls_directory "$(run 'ls (hd0,1)/dir/' | tr -s ' ' '\n' | sort | tr '\n' ' ')" "five.txt sub/ "
check ls_cd "$(run 'ls (cd0)/' | tr -s ' ' '\n' | sort | tr '\n' ' ')" "docs/ iso_marker "

check find_file "$(run 'find /marker')" "(hd0,1)"
check find_set_root_then_cat "$(run 'find --set-root /marker
cat /marker
echo %@root%')" "(hd0,1)
the marker file
(hd0,1)"
check find_set_root_dir "$(run 'find --set-root=/dir/sub /dir/sub/deep.txt
echo %@root%')" "(hd0,1)
(hd0,1)/dir/sub"
check find_cd "$(run 'find /iso_marker')" "(cd0)"
check find_devices_order "$(run 'find --devices=ch')" "(cd0)
(hd0,0)
(hd0,1)"
check find_all "$(run 'find')" "(hd0,0)
(hd0,1)
(cd0)"
check find_ignore_cd "$(run 'find --ignore-cd /iso_marker || echo none')" \
    "Error: find: /iso_marker not found
none"
check find_pipe_to_set "$(run 'find /boot/f32.txt | set v=
echo v=%v%')" "v=(hd0,0)"
check find_condition "$(run 'find --set-root vol () DATA16
echo %@root%')" "(hd0,1)
(hd0,1)"
check find_root_first "$(run 'root (hd0,1)
find')" "(hd0,1)
(hd0,0)
(cd0)"

check uuid_dev "$(run 'uuid (hd0,0)
echo %?%')" "1234-ABCD
1234-ABCD"
check uuid_list "$(run 'uuid')" "(hd0,0): fat32 1234-ABCD
(hd0,1): fat16 5678-CDEF
(cd0): iso9660 2024-01-31-12-00-00-00"
check uuid_search_sets_root "$(run 'uuid 5678-cdef
cat /dir/sub/deep.txt')" "(hd0,1)
deep"
check uuid_test "$(run 'uuid (hd0,0) 1234-abcd && echo same
uuid (hd0,0) 5678-CDEF || echo differs')" "same
differs"
check uuid_missing "$(run 'uuid 0000-0000')" "Error: uuid: no volume has the UUID '0000-0000'"
check vol_dev "$(run 'vol (cd0)')" "ISOVOL"
check vol_list "$(run 'vol')" "(hd0,0): fat32 DATA32
(hd0,1): fat16 DATA16
(cd0): iso9660 ISOVOL"
check vol_search "$(run 'vol data32
echo %@root%')" "(hd0,0)
(hd0,0)"

check root_dir_relative "$(run 'root (hd0,1)/dir
cat sub/deep.txt
cat /sub/deep.txt
cat ()/marker
echo %@root%')" "deep
deep
the marker file
(hd0,1)/dir"
check root_missing_dir "$(run 'root (hd0,1)/nodir')" "Error: root: (hd0,1)/nodir: not found"
check root_file_not_dir "$(run 'root (hd0,1)/marker')" "Error: root: (hd0,1)/marker is not a directory"

bl=$(run 'blocklist (hd0,1)/marker')
check_grep blocklist_form "$bl" '^\(hd0,1\)[0-9]+\+1$'
check blocklist_reads_same_bytes "$(run "cat --length=16 ${bl}")" "the marker file"
check blocklist_multi_sector "$(run 'blocklist (hd0,1)/dir/five.txt' | sed 's/[0-9]*+/N+/')" "(hd0,1)N+10"

check cat_skip_length "$(run 'cat --skip=4 --length=6 (hd0,1)/marker')" "marker"
check cat_missing "$(run 'cat (hd0,1)/nope')" "Error: cat: (hd0,1)/nope: not found"
check cat_missing_partition "$(run 'cat (hd0,5)/x')" "Error: cat: no such partition: (hd0,5)"
check cat_directory "$(run 'cat (hd0,1)/dir')" "Error: cat: (hd0,1)/dir is a directory"
