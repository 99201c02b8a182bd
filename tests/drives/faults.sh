# Faults on the host, swept: the Nth allocation, RAM-disk allocation or disk
# read fails (a transient error, which a second try must hide: the output is
# then exactly as without it), or every disk read from the Nth on (a disk
# pulled out) (build/host/mapboot --fail-alloc/-ram/-read/-gone N), for every
# N an operation makes, over each filesystem's mount (ls and cat), a
# map --mem of a gzip image and of a whole disk. Every run must end without
# a sanitizer report (ASan, UBSan, LeakSanitizer at exit) and either print
# exactly what the run without a fault prints, or say why not (an "Error:"
# or "Warning:" line).
# An operation that fails must leave the drive table and free memory as they
# were: the run's last line (map --status) is then what it is without a fault.
# The menu load is swept in tests/unit/test_faults.c.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
export LC_ALL=C.UTF-8
export MTOOLS_SKIP_CHECK=1

# ---- the images: a small tree in each filesystem ----
mkdir -p tree/sub/deeper
echo "hello from the tree" >tree/hello.txt
head -c 300000 /dev/urandom >tree/sub/deeper/blob.bin
truncate -s 16M fat.img && mformat -i fat.img -v FAULTS :: && mcopy -s -i fat.img tree/* ::/
mke2fs -q -t ext4 -L FAULTS -d tree ext4.img 16M
xorriso -as mkisofs -quiet -R -J -V FAULTS -o iso.img tree 2>/dev/null
truncate -s 16M udf.img && mkudffs --label=FAULTS udf.img >/dev/null 2>&1
# exFAT and NTFS are filled through FUSE (as exfat.sh and ntfs.sh do)
fill_fuse() { # fill_fuse IMG MOUNTER...: copy tree/ in; 1 when FUSE is not there
    img=$1; shift
    mkdir -p mnt
    loop=$(losetup -f --show "$img" 2>/dev/null) || return 1
    if ! "$@" "$loop" mnt 2>/dev/null; then losetup -d "$loop"; return 1; fi
    cp -r tree/* mnt/ && sync
    fusermount -u mnt 2>/dev/null || umount mnt
    losetup -d "$loop"
}
truncate -s 16M exfat.img && mkfs.exfat -L FAULTS exfat.img >/dev/null &&
    fill_fuse exfat.img mount.exfat-fuse || echo "FAIL exfat: cannot fill it through FUSE"
truncate -s 16M ntfs.img && mkntfs -F -f -q -L FAULTS ntfs.img >/dev/null 2>&1 &&
    fill_fuse ntfs.img ntfs-3g || echo "FAIL ntfs: cannot fill it through FUSE"
head -c 2097152 /dev/urandom >disk.raw && gzip -n -c disk.raw >disk.raw.gz && mcopy -i fat.img disk.raw.gz ::/

# sweep NAME KIND STRIDE_FROM 'COMMANDS' ARGS...: N = 1, 2, ... until the
# fault is not reached; past STRIDE_FROM every 7th N only (the calls repeat
# themselves there: a decoder's buffers, a cache's blocks). One PASS or FAIL.
sweep() {
    name=$1 kind=$2 stride_from=$3 cmds=$4; shift 4
    ref=$(mb "$@" -c "$cmds" 2>/dev/null </dev/null)
    if printf '%s\n' "$ref" | grep -q 'Error'; then
        echo "FAIL faults: $name: fails without a fault: $ref"; return
    fi
    n=1 runs=0 errors=0 bad=
    while :; do
        out=$(mb "$@" --fail-$kind $n -c "$cmds" 2>err.txt </dev/null); st=$?
        runs=$((runs + 1))
        if grep -q 'Sanitizer\|runtime error' err.txt || [ $st -ge 128 ]; then
            bad="N=$n: exit $st: $(grep -m 3 'ERROR\|runtime error\|SUMMARY' err.txt)"; break
        fi
        grep -q "fault: .* not reached" err.txt && break
        [ $n -lt 100000 ] || { bad="N=$n: the sweep does not end"; break; }
        if [ "$out" != "$ref" ]; then
            if [ "$kind" = read ]; then
                bad="N=$n: a transient read error was not hidden: $(printf '%s' "$out" | head -c 300)"; break
            fi
            if ! printf '%s\n' "$out" | grep -q 'Error\|Warning'; then
                bad="N=$n: other output and no error: $(printf '%s' "$out" | head -c 300)"; break
            fi
            errors=$((errors + 1))
            # when the operation failed (an error before the ":done" line
            # that follows it; for a map, the map alone: a failed unmap
            # rightly leaves its drive), the state after must be as before: the
            # last line (map --status: drives, free memory) as without a fault
            if printf '%s\n' "$out" | sed '/^:done$/,$d' | grep -q 'Error' &&
                printf '%s\n' "$out" | grep -qx ':done' &&
                [ "$(printf '%s\n' "$out" | tail -n 1)" != "$(printf '%s\n' "$ref" | tail -n 1)" ]; then
                bad="N=$n: left something behind: $(printf '%s\n' "$out" | tail -n 4)"; break
            fi
        fi
        if [ $n -ge "$stride_from" ]; then n=$((n + 7)); else n=$((n + 1)); fi
    done
    if [ -n "$bad" ]; then echo "FAIL faults: $name, $kind: $bad"
    else echo "PASS faults: $name, $kind: $runs runs, $errors failed with an error, the rest as without a fault"; fi
}

fs_cmds() { # DEV
    printf 'ls %s/\ncat %s/hello.txt\ncat %s/sub/deeper/blob.bin > nul\necho :done\nmap --status\n' \
        "$1" "$1" "$1"
}
for fs in fat ext4 exfat ntfs; do
    for kind in alloc read gone; do
        sweep "$fs mount, ls, cat" $kind 300 "$(fs_cmds '(hd0)')" --hd $fs.img
    done
done
for kind in alloc read gone; do
    sweep "iso9660 mount, ls, cat" $kind 300 "$(fs_cmds '(cd0)')" --cd iso.img
    sweep "udf mount, ls" $kind 300 'ls (hd0)/
echo :done
map --status' --hd udf.img
done

# map_sweep NAME SOURCE LAST: map --mem of SOURCE, whose last block is LAST
# (no `&& echo`: a failure tested by && is handled, and rightly silent)
map_sweep() {
    cmds="map --mem $2 (hd)
echo :done
cat --hex (hd1)$3+1 > nul
map --unmap=(hd1)
map --status"
    for kind in alloc ram read gone; do
        sweep "$1" $kind 300 "$cmds" --ram 64M --hd fat.img
    done
}
map_sweep "map --mem of a .gz" "(hd0)/disk.raw.gz" 4095
map_sweep "map --mem of a whole disk" "(hd0)" 32767
