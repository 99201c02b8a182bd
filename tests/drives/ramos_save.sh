# tools/mapboot-save on this machine, with a file standing for /dev/pmem0, a
# small sysfs tree saying where it is, and real volumes on loop devices (as
# the other setups here, root is needed): an ext4 one it mounts itself, an
# NTFS one already mounted (ntfs-3g; the image uses the kernel's ntfs3, which
# this machine lacks), an exFAT one through FUSE. Raw, lz4 and gzip images, a path with a space and
# Chinese in it, --list and --dry-run, and the refusals: every failure leaves
# the image as it was and no temporary file beside it.
. "$(dirname "$0")/lib.sh"
SAVE=$(cd "$(dirname "$0")/../.." && pwd)/tools/mapboot-save
cd "$WORK"

loops=
cleanup() {
    mountpoint -q ntfs.mnt 2>/dev/null && fusermount -u ntfs.mnt
    mountpoint -q exfat.mnt 2>/dev/null && fusermount -u exfat.mnt
    for l in $loops; do losetup -d "$l" 2>/dev/null; done
}
trap cleanup EXIT

# the RAM disk: 3 MiB and a bit, random, at 0x100000000
bytes=$((3 * 1048576 + 4096))
head -c "$bytes" /dev/urandom >ram.bin
mkdir -p dev sys/devices/ndbus0/region0/namespace0.0 sys/block/pmem0
cp ram.bin dev/pmem0
truncate -s 4M dev/pmem0 # the namespace is larger than the image, as alignment makes it
echo 0x100000000 >sys/devices/ndbus0/region0/namespace0.0/resource
echo 8192 >sys/block/pmem0/size
ln -s ../../devices/ndbus0/region0/namespace0.0 sys/block/pmem0/device
export MAPBOOT_SAVE_SYS=$WORK/sys MAPBOOT_SAVE_DEV=$WORK/dev

EXT=0b0e0b0e-1234-4abc-8def-00112233aabb
truncate -s 32M ext.img
mkfs.ext4 -q -F -U $EXT ext.img
ext=$(losetup -f --show ext.img) && loops="$loops $ext"
# debugfs writes the old images without mounting anything
echo old >old.bin
debugfs -w -R 'mkdir /ramos' "$ext" >/dev/null 2>&1
for f in a.img b.img.lz4 c.img.gz small.img; do
    debugfs -w -R "write old.bin /ramos/$f" "$ext" >/dev/null 2>&1
done
ext_cat() { debugfs -R "cat $1" "$ext" 2>/dev/null; }

save() { MAPBOOT_SAVE_CMDLINE="console=ttyS0 $1" "$SAVE" $2; }
ram() { echo "mapboot.ram=0x100000000,$bytes,$1,$2,$3"; }
sha() { sha256sum | cut -c1-64; }
want=$(sha <ram.bin)

# raw, on an ext4 volume that is not mounted: mounted, written, unmounted
out=$(save "$(ram raw $EXT /ramos/a.img)" "" 2>&1)
check_grep ramos_save_raw_says "$out" "saved: /ramos/a.img \(3 MiB\)"
check ramos_save_raw_bytes "$(ext_cat /ramos/a.img | sha)" "$want"
check ramos_save_unmounted_after "$(findmnt -n --source "$ext" | wc -l)" "0"
check ramos_save_no_temporary "$(debugfs -R 'ls -l /ramos' "$ext" 2>/dev/null | grep -c mapboot-save)" "0"
# compressed again in the format it was read from
save "$(ram lz4 $EXT /ramos/b.img.lz4)" "" >/dev/null 2>&1
check ramos_save_lz4 "$(ext_cat /ramos/b.img.lz4 | lz4 -dc | sha)" "$want"
save "$(ram gzip $EXT /ramos/c.img.gz)" "" >/dev/null 2>&1
check ramos_save_gzip "$(ext_cat /ramos/c.img.gz | gzip -dc | sha)" "$want"

# --list and --dry-run
check_grep ramos_save_list "$(save "$(ram lz4 $EXT /ramos/b.img.lz4)" --list)" \
    "^/dev/pmem0  0x100000000  3 MiB  lz4  UUID=$EXT  /ramos/b.img.lz4$"
debugfs -w -R "rm /ramos/small.img" "$ext" >/dev/null 2>&1
debugfs -w -R "write old.bin /ramos/small.img" "$ext" >/dev/null 2>&1
check_grep ramos_save_dry_run "$(save "$(ram raw $EXT /ramos/small.img)" --dry-run)" \
    "would write /dev/pmem0 \(3 MiB\) as raw to /ramos/small.img"
check ramos_save_dry_run_writes_nothing "$(ext_cat /ramos/small.img)" "old"

# refusals: the image stays as it was
check_fails ramos_save_vhd_refused "cannot write.*map a raw, .gz or .lz4" \
    save "$(ram gzip+vhd $EXT /ramos/small.img)" ""
check_fails ramos_save_no_uuid "has no UUID" save "$(ram raw - /ramos/small.img)" ""
check_fails ramos_save_unknown_volume "no volume has the UUID 0000-0000" \
    save "$(ram raw 0000-0000 /ramos/small.img)" ""
check_fails ramos_save_file_gone "not on .* any more" save "$(ram raw $EXT /ramos/gone.img)" ""
check_fails ramos_save_nothing "no RAM disks from mapboot" save "" ""
check_grep ramos_save_nothing_at_shutdown "$(save "" --shutdown)" "nothing to save"
check_fails ramos_save_no_such_pmem "no /dev/pmem disk is at 0x200000000" \
    save "mapboot.ram=0x200000000,$bytes,raw,$EXT,/ramos/small.img" ""
check_fails ramos_save_bad_argument "cannot read 'mapboot.ram=zz'" save "mapboot.ram=zz" ""
# two RAM disks: which one must be said
check_fails ramos_save_which "there are 2 RAM disks" \
    save "$(ram raw $EXT /ramos/small.img) $(ram raw $EXT /ramos/a.img)" ""
# a full volume: the copy fails half way, the image and the free space stay
head -c $((20 * 1048576)) /dev/urandom >filler.bin
debugfs -w -R "write filler.bin /filler" "$ext" >/dev/null 2>&1
check_fails ramos_save_no_room "MiB free; the copy needs 3 MiB" \
    save "$(ram raw $EXT /ramos/small.img)" ""
check_fails ramos_save_full_volume "." save "$(ram gzip $EXT /ramos/small.img)" ""
check ramos_save_full_volume_image_kept "$(ext_cat /ramos/small.img)" "old"
check ramos_save_full_volume_no_temporary \
    "$(debugfs -R 'ls -l /ramos' "$ext" 2>/dev/null | grep -c mapboot-save)" "0"
check ramos_save_full_volume_unmounted "$(findmnt -n --source "$ext" | wc -l)" "0"

# NTFS, already mounted (ntfs-3g here): used where it is; a path that
# mapboot escaped (a space, Chinese, a comma)
NTFS=0123456789ABCDEF
truncate -s 32M ntfs.img
mkntfs -q -F -f -s 512 ntfs.img >/dev/null 2>&1
printf '\357\315\253\211\147\105\043\001' | dd of=ntfs.img bs=1 seek=72 conv=notrunc status=none
nt=$(losetup -f --show ntfs.img) && loops="$loops $nt"
mkdir -p ntfs.mnt
ntfs-3g "$nt" ntfs.mnt
mkdir -p "ntfs.mnt/镜像 1"
echo old >"ntfs.mnt/镜像 1/d,e.img"
out=$(save "$(ram raw $NTFS '/%E9%95%9C%E5%83%8F%201/d%2Ce.img')" "" 2>&1)
check_grep ramos_save_ntfs_escaped_path "$out" "saved: /镜像 1/d,e.img"
check ramos_save_ntfs_bytes "$(sha <"ntfs.mnt/镜像 1/d,e.img")" "$want"
check ramos_save_ntfs_still_mounted "$(findmnt -n -o TARGET --source "$nt" | wc -l)" "1"

# exFAT (a stick's data partition), mounted through FUSE here; a temporary
# file that a save cut short left beside the image is cleared
truncate -s 32M exfat.img
mkfs.exfat exfat.img >/dev/null 2>&1
ex=$(losetup -f --show exfat.img) && loops="$loops $ex"
EXFAT=$(blkid -o value -s UUID "$ex") # mkfs.exfat here cannot be given one
mkdir -p exfat.mnt
mount.exfat-fuse "$ex" exfat.mnt >/dev/null 2>&1
mkdir -p exfat.mnt/ramos
echo old >exfat.mnt/ramos/f.img
echo partial >exfat.mnt/ramos/.f.img.mapboot-save.12345
out=$(save "$(ram raw $EXFAT /ramos/f.img)" "" 2>&1)
check_grep ramos_save_exfat "$out" "saved: /ramos/f.img"
check ramos_save_exfat_bytes "$(sha <exfat.mnt/ramos/f.img)" "$want"
check ramos_save_stale_temporary_cleared "$(ls -a exfat.mnt/ramos | grep -c mapboot-save)" "0"
fusermount -u exfat.mnt
