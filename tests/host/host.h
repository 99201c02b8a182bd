/* Knobs of the host platform (tests/host/platform.c) for the host tools and tests. */
#ifndef MB_HOST_H
#define MB_HOST_H
#include <stdbool.h>
#include <stddef.h>

extern char host_bd_dir[4096];
extern int host_power_action;
extern const int *host_keys;
extern size_t host_nkeys, host_keypos;
extern bool host_capture_output;
extern char *host_out;
extern size_t host_out_len;
void host_output_reset(void);

#endif
