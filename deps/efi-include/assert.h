/*
 * <assert.h> for third-party code (lz4's xxhash.c) in the EFI build only;
 * see deps.mk. There is nowhere to report a failed assertion from inside a
 * decoder at boot, and their checks are for their own debugging (lz4 turns
 * its asserts on only with LZ4_DEBUG), so assert() is a no-op, as with
 * NDEBUG. The host builds (plain, ASan, fuzz) keep glibc's real assert.
 */
#ifndef MB_DEPS_ASSERT_H
#define MB_DEPS_ASSERT_H

#define assert(cond) ((void)0)

#endif
