/*
 * Pictures for splashimage (src/picture.c): BMP, PNG and JPEG decoded by
 * stb_image (Debian's libstb-dev, built in deps.mk) into 0x00RRGGBB
 * pixels, and fitted to a screen.
 */
#ifndef MB_PICTURE_H
#define MB_PICTURE_H

#include "libc.h"

#define PICTURE_MAX_PIXELS (16u << 20) /* 4096 x 4096: a bad header cannot ask for more */

struct picture {
    uint32_t w, h;
    uint32_t *px; /* w * h, row by row; malloc'd */
};

/* Decode len bytes at buf; -EINVAL (with stb's reason, naming what) when they are no picture. */
int picture_decode(const void *buf, size_t len, const char *what, struct picture *out);
/* The picture scaled to w x h (nearest pixel), malloc'd; NULL when out of memory. */
uint32_t *picture_fit(const struct picture *p, uint32_t w, uint32_t h);
void picture_free(struct picture *p);

#endif
