/*
 * What a PE/COFF image says about itself, from its headers alone (the
 * bytes are untrusted: every field is bounds-checked; fuzz_pe).
 */
#ifndef MB_PE_H
#define MB_PE_H

#include "libc.h"

/* The optional header's Subsystem values of EFI images. */
#define PE_SUBSYSTEM_APP 10            /* an application: runs and returns */
#define PE_SUBSYSTEM_BOOT_DRIVER 11    /* stays loaded until ExitBootServices */
#define PE_SUBSYSTEM_RUNTIME_DRIVER 12 /* stays loaded for the OS too */

/* The Subsystem of the image in b[0..len), or 0 when it is no PE image. */
unsigned pe_subsystem(const uint8_t *b, size_t len);

#endif
