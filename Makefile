# mapboot: a grub4dos-style scriptable boot shell for UEFI.
#
#   make            build/BOOTX64.EFI and the host tools in build/host/
#   make run        boot the demo menu (examples/menu.lst) in QEMU+OVMF on this terminal
#   make test       every test: host unit tests (ASan/UBSan), lint, clang build,
#                   fuzzers (short fixed-time run), QEMU+OVMF end-to-end cases
#   make deps       install the Debian packages the above need (as root)
#   make usb-image  build/mapboot-usb.img, to dd onto a USB stick (USB_SIZE=1G)
#   make deb        build/mapboot_VERSION_amd64.deb
#   make win        build/win/mapboot-lint.exe (mingw-w64)
#   make doc        doc/commands.md from the shell's help text
#   make coverage   line coverage of the core by the host tests (clang)
#   make fuzz-long FUZZ_SECONDS=1800   every fuzzer for that long, corpus kept
#   make ramos-debian  build/ramos-debian.*: Debian 12 to boot from RAM (mmdebstrap)
#
# The same core (src/ cmd/ menu/ fs/ disk/) is compiled for UEFI with efi/
# and for the Linux host with tests/host/.

# The release, as the .sbat section (efi/sbat.c) and the packages give it.
VERSION := 0.1.0

CC      ?= gcc
ifeq ($(origin CC),default)
CC      := gcc
endif
LD      := ld
OBJCOPY := objcopy
BUILD   ?= build

CORE_DIRS := src cmd menu fs disk
# The built-in font of the graphics console: made at build time from Debian's
# unifont (tools/mkfont-builtin), into the build directory, part of the core.
UNIFONT_HEX := /usr/share/unifont/unifont.hex
GEN_SRCS := $(BUILD)/gen/builtin_font.c
CORE_SRCS := $(sort $(foreach d,$(CORE_DIRS),$(wildcard $(d)/*.c))) $(GEN_SRCS)
EFI_SRCS  := $(sort $(wildcard efi/*.c))
HOSTPLAT_SRCS := tests/host/platform.c tests/host/net.c
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))

WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes -Wvla

$(BUILD)/gen/builtin_font.c: $(UNIFONT_HEX) tools/mkfont-builtin
	@mkdir -p $(dir $@)
	@echo "  GEN $@"; tools/mkfont-builtin $< >$@.tmp && mv $@.tmp $@

# ---- UEFI ----
GNUEFI_INC := /usr/include/efi
GNUEFI_LIB := /usr/lib
# Everything in the EFI binary: no red zone (timer interrupts use our stack),
# freestanding, position independent, 16-bit wchar, and no libc headers.
EFI_CFLAGS := -std=gnu11 -O2 -g0 $(WARN) -ffreestanding -fno-builtin -fno-stack-protector \
    -fno-stack-check -fpic -fshort-wchar -mno-red-zone -fno-asynchronous-unwind-tables \
    -DGNU_EFI_USE_MS_ABI -DMAPBOOT_VERSION='"$(VERSION)"' -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
    -isystem $(GNUEFI_INC) -isystem $(GNUEFI_INC)/x86_64
EFI_LDFLAGS := -nostdlib -znocombreloc -shared -Bsymbolic --no-undefined \
    -T efi/mapboot.lds $(GNUEFI_LIB)/crt0-efi-x86_64.o

EFI_OBJS := $(patsubst %.c,$(BUILD)/efi/%.o,$(CORE_SRCS) $(EFI_SRCS))

# ---- host ----
HOST_CFLAGS := -std=gnu11 -g $(WARN) -DMB_HOST
HOST_LDFLAGS := -Wl,-T,tests/host/tables.lds
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

HOST_OBJS := $(patsubst %.c,$(BUILD)/host/obj/%.o,$(CORE_SRCS) $(HOSTPLAT_SRCS))
ASAN_OBJS := $(patsubst %.c,$(BUILD)/asan/%.o,$(CORE_SRCS) $(HOSTPLAT_SRCS))

.PHONY: all efi host win payloads deps run test test-unit test-clang test-fuzz test-qemu \
        clean esp fuzz bench sign usb-image deb doc coverage fuzz-long ramos-debian
all: efi host payloads

efi: $(BUILD)/BOOTX64.EFI
host: $(BUILD)/host/mapboot $(BUILD)/host/mapboot-lint

$(BUILD)/efi/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC(efi) $<"; $(CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/efi/mapboot.so: $(EFI_OBJS) efi/mapboot.lds
	@echo "  LD $@"; $(LD) $(EFI_LDFLAGS) $(EFI_OBJS) $(DEPS_EFI_LIB) $(GNUEFI_LIB)/libgnuefi.a -o $@
	@# -shared tolerates undefined symbols; a boot binary must not have any.
	@undef=$$(nm -u $@); if [ -n "$$undef" ]; then \
	    echo "error: undefined symbols in $@:"; echo "$$undef"; rm -f $@; exit 1; fi

$(BUILD)/BOOTX64.EFI: $(BUILD)/efi/mapboot.so
	@# --strip-all: no COFF symbol table after the sections, which signing
	@# tools (sbsign, pesign) would otherwise have to hash as trailing data
	@$(OBJCOPY) -j .text -j .reloc -j .data -j .sbat -j .dynamic -j .rela -j .dynsym -j .dynstr \
	    --strip-all --target efi-app-x86_64 --subsystem=10 $< $@
	@echo "built $@ ($$(stat -c %s $@) bytes)"

# ---- test payloads (tests/payload): EFI programs that mapboot starts in the
# QEMU cases, to look at a mapped drive from the other side. They use gnu-efi's
# libefi (Print, device-path text) as any small EFI program would. payload.efi
# is an application; testdrv.efi a boot-service driver for `load`;
# limitdrv.efi a driver that makes disks fail requests over 1 MiB.
PAYLOADS := $(BUILD)/payload.efi $(BUILD)/testdrv.efi $(BUILD)/limitdrv.efi \
    $(BUILD)/grub-payload.efi
payloads: $(PAYLOADS)

$(BUILD)/payload/%.o: tests/payload/%.c
	@mkdir -p $(dir $@)
	@echo "  CC(efi) $<"; $(CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/payload/%.so: $(BUILD)/payload/%.o efi/mapboot.lds
	@echo "  LD $@"; $(LD) $(EFI_LDFLAGS) $< $(GNUEFI_LIB)/libefi.a $(GNUEFI_LIB)/libgnuefi.a -o $@
	@undef=$$(nm -u $@); if [ -n "$$undef" ]; then \
	    echo "error: undefined symbols in $@:"; echo "$$undef"; rm -f $@; exit 1; fi

$(BUILD)/payload.efi: $(BUILD)/payload/payload.so
	@# --strip-all: no COFF symbol table after the sections, which signing
	@# tools would otherwise have to hash as trailing data (the secureboot cases sign it)
	@$(OBJCOPY) -j .text -j .reloc -j .data -j .dynamic -j .rela -j .dynsym -j .dynstr \
	    --strip-all --target efi-app-x86_64 --subsystem=10 $< $@

$(BUILD)/testdrv.efi: $(BUILD)/payload/testdrv.so
	@$(OBJCOPY) -j .text -j .reloc -j .data -j .dynamic -j .rela -j .dynsym -j .dynstr \
	    --target efi-bsdrv-x86_64 --subsystem=11 $< $@

$(BUILD)/limitdrv.efi: $(BUILD)/payload/limitdrv.so
	@$(OBJCOPY) -j .text -j .reloc -j .data -j .dynamic -j .rela -j .dynsym -j .dynstr \
	    --target efi-bsdrv-x86_64 --subsystem=11 $< $@

# A third-party payload from Debian's packages: GRUB (grub-efi-amd64-bin),
# made standalone with an embedded grub.cfg that prints a line and halts.
$(BUILD)/grub-payload.efi: tests/payload/grub.cfg
	@mkdir -p $(dir $@)
	grub-mkstandalone -O x86_64-efi --locales= --fonts= --themes= \
	    --install-modules="normal echo halt search search_fs_file cat fat iso9660 part_gpt part_msdos" \
	    --modules="normal echo halt search search_fs_file cat fat iso9660 part_gpt part_msdos" \
	    -o $@ "boot/grub/grub.cfg=tests/payload/grub.cfg"

$(BUILD)/host/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC(host) $<"; $(CC) $(HOST_CFLAGS) -O2 -MMD -MP -c $< -o $@

$(BUILD)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC(asan) $<"; $(CC) $(HOST_CFLAGS) -O1 $(SAN) -MMD -MP -c $< -o $@

$(BUILD)/host/mapboot: $(HOST_OBJS) $(BUILD)/host/obj/tests/host/main.o tests/host/tables.lds
	@echo "  LD $@"; $(CC) $(HOST_CFLAGS) $(HOST_OBJS) $(BUILD)/host/obj/tests/host/main.o $(DEPS_HOST_LIB) $(HOST_LDFLAGS) -o $@

# mapboot-lint, the one host tool that ships (make deb): the core with lint/'s
# platform, which has no disks, screen or network (lint runs no command).
# It takes Debian's shared zlib (-lz before our archive, whose zlib is then
# left out): a package must not carry its own copy (lintian), and the red
# zone that rules Debian's libz.a out of the EFI binary is harmless here.
LINT_SRCS := lint/mapboot-lint.c lint/platform.c
LINT_OBJS := $(patsubst %.c,$(BUILD)/host/obj/%.o,$(CORE_SRCS) $(LINT_SRCS))
$(BUILD)/host/mapboot-lint: $(LINT_OBJS) tests/host/tables.lds
	@echo "  LD $@"; $(CC) $(HOST_CFLAGS) $(LINT_OBJS) -lz $(DEPS_HOST_LIB) $(HOST_LDFLAGS) -o $@

# The same for Windows, where most menus are edited: Debian's mingw-w64.
MINGW_CC := x86_64-w64-mingw32-gcc
WIN_CFLAGS := -std=gnu11 -O2 $(WARN) -DMB_HOST
WIN_OBJS := $(patsubst %.c,$(BUILD)/win/obj/%.o,$(CORE_SRCS) $(LINT_SRCS))
win: $(BUILD)/win/mapboot-lint.exe
$(BUILD)/win/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC(win) $<"; $(MINGW_CC) $(WIN_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/win/mapboot-lint.exe: $(WIN_OBJS) lint/tables-pe.lds
	@echo "  LD $@"; $(MINGW_CC) $(WIN_CFLAGS) $(WIN_OBJS) $(DEPS_WIN_LIB) -static -s -municode \
	    -Wl,-T,lint/tables-pe.lds -o $@

# The shell under sanitizers, for the host script tests.
$(BUILD)/asan/mapboot: $(ASAN_OBJS) $(BUILD)/asan/tests/host/main.o tests/host/tables.lds
	@echo "  LD $@"; $(CC) $(HOST_CFLAGS) $(SAN) $(ASAN_OBJS) $(BUILD)/asan/tests/host/main.o $(DEPS_ASAN_LIB) $(HOST_LDFLAGS) -o $@

$(BUILD)/asan/unit: $(ASAN_OBJS) $(patsubst %.c,$(BUILD)/asan/%.o,$(UNIT_SRCS)) tests/host/tables.lds
	@echo "  LD $@"; $(CC) $(HOST_CFLAGS) $(SAN) $(ASAN_OBJS) $(patsubst %.c,$(BUILD)/asan/%.o,$(UNIT_SRCS)) \
	    $(DEPS_ASAN_LIB) $(HOST_LDFLAGS) -o $@

# ---- fuzzers (clang + libFuzzer) ----
FUZZ_CC := clang
FUZZ_CFLAGS := -std=gnu11 -g -O1 $(WARN) -DMB_HOST -DMB_FUZZ -fsanitize=fuzzer-no-link,address,undefined
FUZZ_OBJS := $(patsubst %.c,$(BUILD)/fuzz/%.o,$(CORE_SRCS) $(HOSTPLAT_SRCS))
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
FUZZ_SECONDS ?= 20

# zlib and lz4 from Debian's source packages, built with our flags (deps.mk)
include deps.mk
EFI_CFLAGS += $(DEPS_INC)
HOST_CFLAGS += $(DEPS_INC)
FUZZ_CFLAGS += $(DEPS_INC)
WIN_CFLAGS += $(DEPS_INC)

$(BUILD)/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC(fuzz) $<"; $(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/fuzz/fuzz_%: $(FUZZ_OBJS) $(BUILD)/fuzz/tests/fuzz/fuzz_%.o
	@echo "  LD $@"; $(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $^ $(HOST_LDFLAGS) -o $@

fuzz: $(FUZZ_BINS)

# ---- set-up ----
DEB_PKGS := gcc make binutils gnu-efi qemu-system-x86 ovmf mtools dosfstools clang python3 \
    libclang-rt-14-dev zlib1g-dev fdisk gdisk xorriso genisoimage exfatprogs exfat-fuse fuse3 ntfs-3g \
    e2fsprogs udftools grub-common grub-efi-amd64-bin dpkg-dev debian-archive-keyring lz4 \
    gzip qemu-utils cpio unifont libstb-dev libjpeg-turbo-progs sbsigntool shim-unsigned openssl \
    nginx-light ipxe gcc-mingw-w64-x86-64-posix mingw-w64-x86-64-dev wine64 lintian \
    mmdebstrap fakeroot
deps:
	@missing=$$(for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "mapboot needs these Debian packages; run as root:"; \
	    echo "  apt-get update && apt-get install -y" $$missing; exit 1; \
	  fi; \
	  echo "installing:" $$missing; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

OVMF_CODE := /usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS := /usr/share/OVMF/OVMF_VARS_4M.fd

# The "RAMOS Linux" demo: a disk image holding Debian's cloud kernel, a
# busybox initramfs and a FAT root (tests/linux/mkramos-root), gzipped. The
# kernel and busybox are fetched with apt-get download into the cache.
$(BUILD)/ramos-root.img.gz: tools/fetch-linux tests/linux/mkramos-root tests/linux/mkinitramfs \
        tests/linux/init tests/linux/rootinit
	tools/fetch-linux $(MAPBOOT_CACHE)
	tests/linux/mkramos-root $(MAPBOOT_CACHE)/linux $(BUILD)/ramos-root.img
	gzip -n -f $(BUILD)/ramos-root.img

# RAMOS Debian: Debian 12 with systemd as a disk image to boot from RAM
# (tools/mkramos-debian; README "RAMOS Debian"). The system is made by
# mmdebstrap from Debian's archive once and kept in the cache; mapboot-save is
# put into a copy of it each time. RAMOS_DEBIAN_OPTS: --size 2G, --hostname,
# --packages a,b, --root-password PW (see the script).
RAMOS_DEBIAN := $(BUILD)/ramos-debian
ramos-debian: $(RAMOS_DEBIAN).img.lz4
$(RAMOS_DEBIAN).img.lz4: tools/mkramos-debian tools/mapboot-save tools/mapboot-save.service \
    tools/ramos-initramfs/local-top tools/ramos-initramfs/local-bottom
	MAPBOOT_CACHE=$(MAPBOOT_CACHE) tools/mkramos-debian $(RAMOS_DEBIAN_OPTS) $(RAMOS_DEBIAN)

# An ESP image: the binary at \EFI\BOOT\BOOTX64.EFI, the demo menu at
# \efi\grub\menu.lst, the examples, the RAMOS demo image at \ramos\, and
# Debian's unifont at \efi\grub\unifont.hex for the graphical menu.
$(BUILD)/esp.img: $(BUILD)/BOOTX64.EFI $(shell find examples -type f) $(BUILD)/ramos-root.img.gz \
    $(UNIFONT_HEX)
	MKESP_MIB=64 tests/qemu/mkesp $@ $(BUILD)/BOOTX64.EFI examples/menu.lst examples
	MTOOLS_SKIP_CHECK=1 mmd -i $@ ::/ramos
	MTOOLS_SKIP_CHECK=1 mcopy -i $@ $(BUILD)/ramos-root.img.gz ::/ramos/ramos-root.img.gz
	MTOOLS_SKIP_CHECK=1 mcopy -i $@ $(UNIFONT_HEX) ::/efi/grub/unifont.hex

esp: $(BUILD)/esp.img

# Secure Boot: BOOTX64.EFI signed with your own key (README, "Secure Boot"),
# as $(BUILD)/signed/BOOTX64.EFI. No key is ever kept in this tree.
#   make sign SB_KEY=db.key SB_CERT=db.crt
sign: $(BUILD)/BOOTX64.EFI
	@if [ -z "$(SB_KEY)" ] || [ -z "$(SB_CERT)" ]; then \
	    echo "usage: make sign SB_KEY=KEY.pem SB_CERT=CERT.pem (PEM key and certificate)"; exit 2; fi
	@mkdir -p $(BUILD)/signed
	sbsign --key "$(SB_KEY)" --cert "$(SB_CERT)" --output $(BUILD)/signed/BOOTX64.EFI $<
	sbverify --cert "$(SB_CERT)" $(BUILD)/signed/BOOTX64.EFI

# The serial console on this terminal; RUN_DISPLAY="-display gtk -serial stdio" (or sdl)
# shows the screen too, for the graphical menu.
RUN_DISPLAY ?= -nographic
# With build/ramos-debian.* (make ramos-debian), a second disk holds them
# and the menu gets a "RAMOS Debian" entry; the guest then has 4 GiB.
run: deps
	$(MAKE) all $(BUILD)/esp.img
	cp $(OVMF_VARS) $(BUILD)/run-vars.fd
	@ramos=; if [ -f $(RAMOS_DEBIAN).img.lz4 ]; then \
	    tools/mkramos-disk $(BUILD)/ramos-debian-disk.img $(RAMOS_DEBIAN) examples/ramos-debian.lst && \
	    ramos="-m 4G -drive format=raw,file=$(BUILD)/ramos-debian-disk.img"; \
	fi; \
	set -x; qemu-system-x86_64 -machine q35 -accel tcg -m 512 $(RUN_DISPLAY) -no-reboot -net none \
	    -drive if=pflash,format=raw,readonly=on,file=$(OVMF_CODE) \
	    -drive if=pflash,format=raw,file=$(BUILD)/run-vars.fd \
	    -drive format=raw,file=$(BUILD)/esp.img $$ramos

# ---- getting mapboot onto a stick (README, "Install") ----
# A disk image to dd onto a USB stick: GPT, a FAT32 ESP with mapboot, the
# starter menu (examples/starter.lst: every image in /images is an entry) and
# the font, and an exFAT partition MAPBOOT for the images. USB_SIZE=8G, say.
USB_SIZE ?= 1G
usb-image: $(BUILD)/BOOTX64.EFI examples/starter.lst tools/mkusb-image
	USB_SIZE=$(USB_SIZE) tools/mkusb-image $(BUILD)/mapboot-usb.img $(BUILD)/BOOTX64.EFI \
	    examples/starter.lst $(UNIFONT_HEX)

# The Debian package: the EFI binary, mapboot-install, mapboot-lint, man pages.
deb: $(BUILD)/BOOTX64.EFI $(BUILD)/host/mapboot-lint tools/mkdeb tools/mapboot-install \
    doc/commands.md doc/mapboot-lint.1 doc/mapboot-install.1
	tools/mkdeb $(VERSION) $(BUILD) $(BUILD)/mapboot_$(VERSION)_amd64.deb

# doc/commands.md from the shell's own help text (make test checks it is current).
doc: $(BUILD)/host/mapboot
	tools/mkdoc-commands $(BUILD)/host/mapboot >doc/commands.md.tmp
	mv doc/commands.md.tmp doc/commands.md

# ---- tests ----
test: deps
	$(MAKE) all
	@tests/run-all $(BUILD)

test-unit: $(BUILD)/asan/unit
	$(BUILD)/asan/unit

test-clang:
	$(MAKE) BUILD=$(BUILD)/clang CC=clang all

test-qemu: $(BUILD)/BOOTX64.EFI
	tests/qemu/run $(BUILD) $(QEMU_CASES)

test-fuzz: $(FUZZ_BINS)
	tests/fuzz/run $(BUILD)/fuzz $(FUZZ_SECONDS)

# Long fuzzing (not part of make test): every harness for FUZZ_SECONDS on a
# corpus kept in the cache and minimized after; FUZZ_KEEP=1 copies inputs
# that add coverage into tests/fuzz/corpus/NAME/ (tests/fuzz/long).
fuzz-long: $(FUZZ_BINS)
	tests/fuzz/long $(BUILD)/fuzz $(FUZZ_SECONDS)

# In QEMU (TCG), each against a reference measured in the same run: FAT32 file
# reads against raw BlockIo reads (tests/bench/run); map --mem against a raw
# read, RAM-disk ReadBlocks against memcpy, and the fake-write overlay's cost
# on reads (tests/bench/map); compressed maps against zcat and lz4 -dc
# (tests/bench/images); a 1 GiB read against Debian's GRUB and a 10 GiB map
# (tests/bench/grub); the graphics console (tests/bench/gfx); map --mem over
# HTTP against iPXE (tests/bench/net). Prints MiB/s and ratios, asserts nothing (not part of
# `make test`).
bench: $(BUILD)/BOOTX64.EFI $(BUILD)/payload.efi
	tests/bench/run $(BUILD)
	tests/bench/map $(BUILD)
	tests/bench/images $(BUILD)
	tests/bench/grub $(BUILD)
	tests/bench/gfx $(BUILD)
	tests/bench/net $(BUILD)

# Line coverage of the core by the host tests (clang source-based coverage):
# the unit tests and the host drive tests, run with an instrumented build in
# $(BUILD)/cov; tools/coverage-report prints a line per directory and ends
# with "coverage: N% of lines". Not part of `make test`.
COV_CFLAGS := -std=gnu11 -g -O0 $(WARN) -DMB_HOST $(DEPS_INC) -fprofile-instr-generate -fcoverage-mapping
COV_OBJS := $(patsubst %.c,$(BUILD)/cov/%.o,$(CORE_SRCS) $(HOSTPLAT_SRCS))
$(COV_OBJS) $(patsubst %.c,$(BUILD)/cov/%.o,$(UNIT_SRCS)) $(BUILD)/cov/tests/host/main.o: | $(DEPS_STAMP)
$(BUILD)/cov/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC(cov) $<"; clang $(COV_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/cov/unit: $(COV_OBJS) $(patsubst %.c,$(BUILD)/cov/%.o,$(UNIT_SRCS)) $(DEPS_HOST_LIB)
	@echo "  LD $@"; clang $(COV_CFLAGS) $^ $(HOST_LDFLAGS) -o $@
$(BUILD)/cov/mapboot: $(COV_OBJS) $(BUILD)/cov/tests/host/main.o $(DEPS_HOST_LIB)
	@echo "  LD $@"; clang $(COV_CFLAGS) $^ $(HOST_LDFLAGS) -o $@
coverage: $(BUILD)/cov/unit $(BUILD)/cov/mapboot
	@rm -rf $(BUILD)/cov/prof && mkdir -p $(BUILD)/cov/prof
	LLVM_PROFILE_FILE=$(CURDIR)/$(BUILD)/cov/prof/unit.profraw $(BUILD)/cov/unit | tail -n 1
	@for t in tests/drives/*.sh; do \
	    case $$t in */lib.sh) continue ;; esac; \
	    w=$(BUILD)/cov/drives/$$(basename $$t .sh); rm -rf $$w; mkdir -p $$w; \
	    LLVM_PROFILE_FILE=$(CURDIR)/$(BUILD)/cov/prof/drives-%8m.profraw \
	    MAPBOOT=$(CURDIR)/$(BUILD)/cov/mapboot WORK=$$(cd $$w && pwd) sh $$t >$$w.log 2>&1; \
	    echo "$$t: $$(grep -c '^PASS' $$w.log) passed, $$(grep -c '^FAIL' $$w.log) failed"; \
	done
	llvm-profdata-14 merge -sparse $(BUILD)/cov/prof/*.profraw -o $(BUILD)/cov/all.profdata
	@tools/coverage-report $(BUILD)/cov/all.profdata $(BUILD)/cov/unit $(BUILD)/cov/mapboot

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
