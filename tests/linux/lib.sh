# Shell functions for the setup scripts of the [ramos] QEMU cases
# (tests/qemu/cases/ramos_*/setup), which boot Linux from mapboot:
#   . "$(dirname "$0")/../../lib.sh"
#   . "$(dirname "$0")/../../../linux/lib.sh"
# The kernel and busybox are fetched once into the cache (tools/fetch-linux,
# ${MAPBOOT_CACHE:-$HOME/.cache/mapboot}), the initramfs is built once into
# $MAPBOOT_BUILD/linux; each case only makes its own small images.

MB_TOP=$(cd "$(dirname "$0")/../../../.." && pwd)

# linux_prepare: fetch the kernel, build the initramfs; sets LINUX (the
# fetched tree: $LINUX/vmlinuz ...) and INITRD. Progress goes to stderr.
linux_prepare() {
    cache=${MAPBOOT_CACHE:-$HOME/.cache/mapboot}
    "$MB_TOP/tools/fetch-linux" "$cache" >&2
    LINUX=$cache/linux
    INITRD=$MAPBOOT_BUILD/linux/initrd.img
    "$MB_TOP/tests/linux/mkinitramfs" "$LINUX" "$INITRD" nfit >&2
}

# linux_esp WORKDIR: the kernel and initramfs at \vmlinuz and \initrd.img on
# the case's ESP.
linux_esp() {
    put "$1/esp.img" "$LINUX/vmlinuz" /vmlinuz
    put "$1/esp.img" "$INITRD" /initrd.img
}

# ext4_image OUT MIB TEXT: an ext4 file system of MIB MiB (no partition
# table) whose /marker.txt holds the line TEXT.
ext4_image() {
    rm -rf "$1.d" "$1"
    mkdir "$1.d"
    printf '%s\n' "$3" >"$1.d/marker.txt"
    truncate -s "$2M" "$1"
    mkfs.ext4 -q -F -L RAMOS -E root_owner=0:0 -d "$1.d" "$1" >/dev/null
    rm -rf "$1.d"
}

# fat_marker_image OUT MIB TEXT: the same as a FAT file system.
fat_marker_image() {
    printf '%s\n' "$3" >"$1.txt"
    fat_image "$1" $(($2 * 1024)) -n RAMOSFAT
    mcopy -i "$1" "$1.txt" ::/marker.txt
    rm -f "$1.txt"
}

# menu_put WORKDIR: the menu read from stdin becomes \efi\grub\menu.lst (the
# case has no menu.lst of its own: the digests are only known now). A copy
# stays in WORKDIR for the log.
menu_put() {
    cat >"$1/menu.lst"
    put "$1/esp.img" "$1/menu.lst" /efi/grub/menu.lst
}

# same_place WORKDIR DRIVE PMEM: for an `after` script. The RAM address that
# map --status showed for (DRIVE) is where Linux found /dev/PMEM (for a
# partition such as pmem0p1: its disk). Read from WORKDIR/serial.txt, which
# tests/qemu/run writes before it runs `after`.
same_place() {
    mb=$(awk -v d="($2)" '$1 == d && $6 == "nfit" { a = tolower($5) } END { print a }' "$1/serial.txt")
    lx=$(sed -n "s/^MBLINUX: \(root \)\{0,1\}$3:.* start \(0x[0-9a-f]*\) .*/\2/p" "$1/serial.txt" |
        tail -n 1)
    if [ -z "$mb" ] || [ "$mb" != "$lx" ]; then
        echo "($2) is at ${mb:-?} in map --status, but Linux found /dev/$3 at ${lx:-?}"
        exit 1
    fi
    echo "($2) at $mb is /dev/$3"
}
