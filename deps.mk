# deps.mk: the third-party decoders mapboot links, zlib (gzip images) and
# lz4 (lz4 frame images), built from Debian bookworm's source packages with
# our own flags, once per build flavour:
#
#   $(BUILD)/deps/efi/libdeps.a    EFI flags: no red zone, freestanding, PIC
#   $(BUILD)/deps/host/libdeps.a   host tools and benchmarks (-O2)
#   $(BUILD)/deps/asan/libdeps.a   host tests under ASan/UBSan
#   $(BUILD)/deps/fuzz/libdeps.a   libFuzzer builds (clang)
#
# so the code the host tests and benchmarks run is the code in BOOTX64.EFI.
# Debian's binary libz.a cannot be used in the EFI binary: its inflate_fast
# keeps locals in the red zone below %rsp, which UEFI timer interrupts
# overwrite (tools/check-redzone shows it, and checks our EFI archive).
#
# The Makefile includes this after its own variables (BUILD CC EFI_CFLAGS
# HOST_CFLAGS SAN FUZZ_CC FUZZ_CFLAGS and the object lists). Nothing fetched
# goes into the tree: tools/fetch-deb-source downloads the pinned packages
# (versions and sha256 are in that script) into $(DEPS_CACHE) once, outside
# the tree and shared by every worktree; after that, builds need no network.

MAPBOOT_CACHE ?= $(if $(HOME),$(HOME)/.cache/mapboot,$(error deps.mk: HOME is not set: \
    set MAPBOOT_CACHE to the directory for fetched sources))
DEPS_CACHE ?= $(MAPBOOT_CACHE)
DEPS_STAMP := $(DEPS_CACHE)/src/deb-source.stamp
# The directories tools/fetch-deb-source unpacks into; change with its pins.
ZLIB_DIR := $(DEPS_CACHE)/src/zlib-1.2.13.dfsg
LZ4_DIR := $(DEPS_CACHE)/src/lz4-1.9.4

# zlib, the inflate side only: inflate.c also parses gzip headers and
# trailers (inflateInit2 with windowBits 15+32 detects zlib or gzip), and
# checks them with crc32.c and adler32.c; zutil.c has zError and the tables
# inflate shares. No deflate, no gz* file API (it needs stdio), no infback.
ZLIB_SRCS := inflate.c inftrees.c inffast.c adler32.c crc32.c zutil.c
# lz4: the frame format (lz4frame.c) over the block decoder (lz4.c), with
# xxhash.c for the frame's checksums. lz4hc.c is only there because
# lz4frame.o also holds the frame compressor, which refers to the HC
# compressor, and our EFI link allows no undefined symbol.
LZ4_SRCS := lz4.c lz4frame.c lz4hc.c xxhash.c

# Defines that change what the headers declare or what the code does; the
# libraries and our code that includes zlib.h/lz4frame.h must agree on them.
#  Z_SOLO       zlib without its C library needs: no <stdlib.h>/<string.h>,
#               no default allocator (inflateInit2 returns Z_STREAM_ERROR
#               unless the caller sets zalloc and zfree: ours always do), and
#               zlib.h stops declaring the gz*/compress functions we do not
#               build.
#  Z_U4, Z_U8   what zlib works out from <limits.h> when not Z_SOLO: its 32-
#               and 64-bit types. Without Z_U8, crc32.c falls back from the
#               8-bytes-at-a-time CRC to a byte at a time, and gzip's CRC
#               runs over every output byte: gzip decoding is 1.5 times as
#               fast with them (EFI build, measured on the host). The
#               compiler's own type macros, so gcc and clang agree and no
#               header is needed.
#  XXH_NAMESPACE=LZ4_
#               lz4's copy of xxhash exports LZ4_XXH32 and so on instead of
#               XXH32, as lz4's own lib/Makefile builds it (and Debian's
#               liblz4): no clash with another xxhash later.
#  LZ4F_STATIC_LINKING_ONLY (our code only; lz4frame.c sets it itself)
#               declares the parts of lz4frame.h that are stable only at one
#               version, which linking statically at a pinned version makes
#               safe: LZ4F_getErrorCode(), to map an error to -EINVAL or
#               -ENOMEM, and LZ4F_createDecompressionContext_advanced() with
#               our own allocator.
DEPS_DEFS := -DZ_SOLO -DZ_U4=__UINT32_TYPE__ -DZ_U8=__UINT64_TYPE__ -DXXH_NAMESPACE=LZ4_
# Only inside the libraries:
#  LZ4_HEAPMODE=1 LZ4F_HEAPMODE=1
#               the compressors would put their state (16 KiB and more) on
#               the stack; UEFI guarantees a 128 KiB stack. We only
#               decompress, which these do not touch, but nothing should
#               find out the hard way.
DEPS_LIB_DEFS := $(DEPS_DEFS) -DLZ4_HEAPMODE=1 -DLZ4F_HEAPMODE=1
# Only inside zlib:
#  HAVE_MEMCPY with <string.h>
#               Z_SOLO also swaps memcpy/memset for zlib's own byte loops
#               (zmemcpy), which a freestanding build keeps as loops; inflate
#               copies every output byte into its window with it. We have
#               memcpy in every flavour (ours in EFI, through the shim's
#               __builtin_memcpy), so take it back: 5% on gzip decoding with
#               4 KiB output pieces. zutil.h uses HAVE_MEMCPY but, being
#               Z_SOLO, does not include <string.h> itself.
DEPS_ZLIB_CFLAGS := -DHAVE_MEMCPY -include string.h

# For our own code that includes zlib.h or lz4frame.h, in every flavour.
# -isystem rather than -I: a warning that a newer compiler finds in their
# headers must not break our -Werror build (with -I they are clean today,
# gcc 12 and clang 14 with our WARN), and we do not edit them.
DEPS_INC := -isystem $(ZLIB_DIR) -isystem $(LZ4_DIR)/lib $(DEPS_DEFS) -DLZ4F_STATIC_LINKING_ONLY

# Third-party code is built with its own code as it is: without our -W and
# -Werror set (a new compiler's warning must not break the build of code we
# do not edit) and with -w. -Wa,/-Wl,/-Wp, options are kept: they are not
# warnings.
comma := ,
deps_nowarn = $(filter-out $(filter-out -Wa$(comma)% -Wl$(comma)% -Wp$(comma)%,$(filter -W%,$(1))),$(1)) -w

# EFI: all of EFI_CFLAGS but warnings (-ffreestanding -fno-builtin
# -fno-stack-protector -fpic -fshort-wchar -mno-red-zone -nostdinc and the
# compiler's own <stddef.h> <stdint.h>), plus the tiny <string.h>
# <stdlib.h> <assert.h> <limits.h> in deps/efi-include, which map to our
# src/libc.c. -I comes before every -isystem, so those are found first.
DEPS_SHIM_DIR := deps/efi-include
DEPS_SHIMS := $(wildcard $(DEPS_SHIM_DIR)/*.h)
DEPS_EFI_CFLAGS := $(call deps_nowarn,$(EFI_CFLAGS)) -I$(DEPS_SHIM_DIR) $(DEPS_LIB_DEFS)
DEPS_HOST_CFLAGS := $(call deps_nowarn,$(HOST_CFLAGS)) -O2 $(DEPS_LIB_DEFS)
DEPS_ASAN_CFLAGS := $(call deps_nowarn,$(HOST_CFLAGS)) -O1 $(SAN) $(DEPS_LIB_DEFS)
DEPS_FUZZ_CFLAGS := $(call deps_nowarn,$(FUZZ_CFLAGS)) $(DEPS_LIB_DEFS)
DEPS_WIN_CFLAGS := $(call deps_nowarn,$(WIN_CFLAGS)) $(DEPS_LIB_DEFS)

# Whatever happens to EFI_CFLAGS, these stay, or the build stops here.
deps_efi_musts := -ffreestanding -fno-builtin -fno-stack-protector -fpic -fshort-wchar \
    -mno-red-zone -nostdinc
ifneq ($(filter-out $(DEPS_EFI_CFLAGS),$(deps_efi_musts)),)
$(error deps.mk: EFI flags for zlib/lz4 lack $(filter-out $(DEPS_EFI_CFLAGS),$(deps_efi_musts)))
endif

# stb_image (Debian's libstb-dev, a header): deps/stb_image.c says what of it
# is built (BMP, PNG, JPEG from memory, for splashimage).
STB_DIR := /usr/include/stb

deps_objs = $(addprefix $(BUILD)/deps/$(1)/zlib/,$(ZLIB_SRCS:.c=.o)) \
    $(addprefix $(BUILD)/deps/$(1)/lz4/,$(LZ4_SRCS:.c=.o)) $(BUILD)/deps/$(1)/stb_image.o
DEPS_EFI_OBJS := $(call deps_objs,efi)
DEPS_HOST_OBJS := $(call deps_objs,host)
DEPS_ASAN_OBJS := $(call deps_objs,asan)
DEPS_FUZZ_OBJS := $(call deps_objs,fuzz)
DEPS_WIN_OBJS := $(call deps_objs,win)

DEPS_EFI_LIB := $(BUILD)/deps/efi/libdeps.a
DEPS_HOST_LIB := $(BUILD)/deps/host/libdeps.a
DEPS_ASAN_LIB := $(BUILD)/deps/asan/libdeps.a
DEPS_FUZZ_LIB := $(BUILD)/deps/fuzz/libdeps.a
DEPS_WIN_LIB := $(BUILD)/deps/win/libdeps.a

.PHONY: deps-fetch deps-libs
deps-fetch: $(DEPS_STAMP)
deps-libs: $(DEPS_EFI_LIB) $(DEPS_HOST_LIB) $(DEPS_ASAN_LIB) $(DEPS_FUZZ_LIB)

# Fetch: a no-op (no network) once the stamp matches the pins; run again
# when the script, and so maybe its pins, changed. It leaves the stamp alone
# when nothing changed, so the objects below are not rebuilt.
$(DEPS_STAMP): tools/fetch-deb-source
	@tools/fetch-deb-source $(DEPS_CACHE)

# Objects depend on the stamp, not on the .c files: the sources change only
# with the pins, and the stamp changes then. No -MMD: their headers come
# with the sources, and ours (the shims) are listed.
# deps_rules FLAVOUR, compiler variable, flags variable, extra prerequisites
define deps_rules
$(BUILD)/deps/$(1)/zlib/%.o: $(DEPS_STAMP) deps.mk $(4)
	@mkdir -p $$(@D)
	@echo "  CC($(1)) zlib/$$*.c"; $$($(2)) $$($(3)) $$(DEPS_ZLIB_CFLAGS) -c $(ZLIB_DIR)/$$*.c -o $$@
$(BUILD)/deps/$(1)/lz4/%.o: $(DEPS_STAMP) deps.mk $(4)
	@mkdir -p $$(@D)
	@echo "  CC($(1)) lz4/lib/$$*.c"; $$($(2)) $$($(3)) -c $(LZ4_DIR)/lib/$$*.c -o $$@
$(BUILD)/deps/$(1)/stb_image.o: deps/stb_image.c $(STB_DIR)/stb_image.h deps.mk $(4)
	@mkdir -p $$(@D)
	@echo "  CC($(1)) stb_image.h"; $$($(2)) $$($(3)) -isystem $(STB_DIR) -c $$< -o $$@
endef
$(eval $(call deps_rules,efi,CC,DEPS_EFI_CFLAGS,$(DEPS_SHIMS)))
$(eval $(call deps_rules,host,CC,DEPS_HOST_CFLAGS))
$(eval $(call deps_rules,asan,CC,DEPS_ASAN_CFLAGS))
$(eval $(call deps_rules,fuzz,FUZZ_CC,DEPS_FUZZ_CFLAGS))
$(eval $(call deps_rules,win,MINGW_CC,DEPS_WIN_CFLAGS))

# The EFI archive is checked before it is put in place: no function in it
# may use the red zone (the flags say -mno-red-zone; this checks the code).
$(DEPS_EFI_LIB): $(DEPS_EFI_OBJS) tools/check-redzone
	@echo "  AR $@"; rm -f $@ $@.tmp; $(AR) rcs $@.tmp $(DEPS_EFI_OBJS)
	@tools/check-redzone $@.tmp || { rm -f $@.tmp; exit 1; }
	@mv $@.tmp $@

$(BUILD)/deps/%/libdeps.a:
	@echo "  AR $@"; rm -f $@; $(AR) rcs $@ $^
$(DEPS_HOST_LIB): $(DEPS_HOST_OBJS)
$(DEPS_ASAN_LIB): $(DEPS_ASAN_OBJS)
$(DEPS_FUZZ_LIB): $(DEPS_FUZZ_OBJS)
$(DEPS_WIN_LIB): $(DEPS_WIN_OBJS)
	@echo "  AR $@"; rm -f $@; x86_64-w64-mingw32-ar rcs $@ $^

# ---- hook-up: the Makefile's targets that use the above ----
# Here rather than in the Makefile's own rules: a rule above the include
# line would see these variables still empty in its prerequisites.

# Our own objects may include zlib.h or lz4frame.h (DEPS_INC): they wait for
# the sources to be there. Order-only, so a fetch does not rebuild them.
$(EFI_OBJS) $(HOST_OBJS) $(ASAN_OBJS) $(FUZZ_OBJS) \
$(patsubst %.c,$(BUILD)/asan/%.o,$(UNIT_SRCS)) \
$(patsubst %.c,$(BUILD)/fuzz/%.o,$(FUZZ_SRCS)) \
$(LINT_OBJS) $(WIN_OBJS) \
$(BUILD)/host/obj/tests/host/main.o $(BUILD)/asan/tests/host/main.o: | $(DEPS_STAMP)

# The links: each recipe names its library after its objects (the fuzz
# link's $^ already ends with it: prerequisites added here come last).
$(BUILD)/efi/mapboot.so: $(DEPS_EFI_LIB)
$(BUILD)/host/mapboot $(BUILD)/host/mapboot-lint: $(DEPS_HOST_LIB)
$(BUILD)/asan/mapboot $(BUILD)/asan/unit: $(DEPS_ASAN_LIB)
$(FUZZ_BINS): $(DEPS_FUZZ_LIB)
$(BUILD)/win/mapboot-lint.exe: $(DEPS_WIN_LIB)
