# Shell functions for the QEMU cases' setup scripts (tests/qemu/cases/*/setup):
#   . "$(dirname "$0")/../../lib.sh"
# Images are made with mtools, mkfs.fat, sgdisk and xorriso at test time.
export MTOOLS_SKIP_CHECK=1

# fat_image IMG KIB [mkfs.fat options...]: a fresh FAT filesystem image.
fat_image() {
    img=$1 kib=$2
    shift 2
    rm -f "$img"
    mkfs.fat -C "$@" "$img" "$kib" >/dev/null
}

# put IMG SRC DEST: copy SRC to DEST (an absolute path) in the FAT image IMG,
# making its folders first.
put() {
    img=$1 src=$2 dest=$3 dir= p=
    dir=$(dirname "$dest")
    for p in $(echo "$dir" | tr / ' '); do
        dir_so_far=${dir_so_far:-}/$p
        mmd -D s -i "$img" "::$dir_so_far" </dev/null 2>/dev/null || true
    done
    dir_so_far=
    mcopy -D o -i "$img" "$src" "::$dest" </dev/null
}

# eltorito_iso OUT BOOTIMG ROOTDIR [LABEL]: an ISO 9660 image of ROOTDIR with
# BOOTIMG (a FAT image) as its UEFI El Torito boot image (platform 0xEF).
eltorito_iso() {
    out=$1 boot=$2 root=$3 label=${4:-MAPBOOTTEST}
    cp "$boot" "$root/efiboot.img"
    xorriso -as mkisofs -quiet -J -V "$label" -e efiboot.img -no-emul-boot -o "$out" \
        "$root" 2>/dev/null
}

# gpt_disk OUT PARTIMG [SECTOR]: a GPT disk (512- or 4096-byte sectors) with
# one EFI System partition holding PARTIMG, starting at 1 MiB.
gpt_disk() {
    out=$1 part=$2 sector=${3:-512}
    psize=$(stat -c %s "$part")
    rm -f "$out"
    truncate -s $((psize + 2 * 1048576)) "$out"
    # fdisk takes the sector size as told (sfdisk would take the file's, 512)
    printf 'g\nn\n1\n%s\n+%s\nt\n1\nw\n' $((1048576 / sector)) $((psize / sector - 1)) |
        fdisk -b "$sector" "$out" >/dev/null 2>&1
    dd if="$part" of="$out" bs=1M seek=1 conv=notrunc status=none
}

# payload_fat IMG KIB [mkfs.fat options...]: a FAT image holding the test
# payload (build/payload.efi, tests/payload/payload.c) as the removable-media
# boot loader \EFI\BOOT\BOOTX64.EFI, and \payload.dat, whose CRC-32 the
# payload prints: 1234567 bytes, the same every time, so its CRC-32 is always
# e6ce3b09 (the expect files say so).
payload_fat() {
    img=$1 kib=$2
    shift 2
    fat_image "$img" "$kib" "$@"
    put "$img" "$MAPBOOT_BUILD/payload.efi" /EFI/BOOT/BOOTX64.EFI
    python3 -c 'import sys; sys.stdout.buffer.write(bytes((i * 7 + i // 251) & 255 for i in range(1234567)))' \
        >"${img}.dat"
    put "$img" "${img}.dat" /payload.dat
    rm -f "${img}.dat"
}

# sha256 FILE: the hex digest alone.
sha256() {
    sha256sum "$1" | cut -d' ' -f1
}

# esp_sha256 WORKDIR PATH: the digest of PATH on the case's ESP, as it is now.
esp_sha256() {
    mcopy -i "$1/esp.img" "::$2" - | sha256sum | cut -d' ' -f1
}

# esp_unchanged WORKDIR PATH DIGEST_FILE: fail (exit 1, saying so) unless PATH
# on the case's ESP still has the digest setup wrote to DIGEST_FILE.
esp_unchanged() {
    [ "$(esp_sha256 "$1" "$2")" = "$(cat "$3")" ] || { echo "$2 changed"; exit 1; }
    echo "$2 unchanged"
}

# sb_sign IN OUT: IN signed with the snakeoil test key of a `secureboot` case
# ($MAPBOOT_SB_KEY, $MAPBOOT_SB_CERT, which the runner sets), as OUT.
sb_sign() {
    sbsign --key "$MAPBOOT_SB_KEY" --cert "$MAPBOOT_SB_CERT" --output "$2" "$1" >/dev/null 2>&1 ||
        { echo "sb_sign: sbsign failed on $1" >&2; return 1; }
}
