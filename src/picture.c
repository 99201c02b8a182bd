/*
 * BMP, PNG and JPEG through stb_image (see picture.h). The decoder is
 * third-party code built as zlib and lz4 are; this is all of mapboot that
 * calls it: the size is checked from the header before any pixel is
 * decoded, so a picture's allocation is bounded by PICTURE_MAX_PIXELS.
 */
#include "picture.h"
#include "shell.h"

/*
 * stb_image's entry points, declared here: its header wants the C
 * library's headers, which the core's EFI build has none of.
 */
extern unsigned char *stbi_load_from_memory(const unsigned char *buf, int len, int *x, int *y,
                                            int *channels, int desired);
extern int stbi_info_from_memory(const unsigned char *buf, int len, int *x, int *y, int *comp);
extern void stbi_image_free(void *p);
extern const char *stbi_failure_reason(void);

int picture_decode(const void *buf, size_t len, const char *what, struct picture *out)
{
    int x, y, comp;
    unsigned char *rgb;
    memset(out, 0, sizeof(*out));
    if (len > INT32_MAX)
        return shell_error(-E2BIG, "%s is too big for a picture", what);
    if (!stbi_info_from_memory(buf, (int)len, &x, &y, &comp))
        return shell_error(-EINVAL, "%s is no BMP, PNG or JPEG picture (%s)", what,
                           stbi_failure_reason() ? stbi_failure_reason() : "unknown format");
    if (x <= 0 || y <= 0 || (uint64_t)x * (uint64_t)y > PICTURE_MAX_PIXELS)
        return shell_error(-E2BIG, "%s: %d x %d pixels is more than a splash image may have", what,
                           x, y);
    rgb = stbi_load_from_memory(buf, (int)len, &x, &y, &comp, 3);
    if (!rgb)
        return shell_error(-EINVAL, "%s: %s", what,
                           stbi_failure_reason() ? stbi_failure_reason() : "cannot decode it");
    out->px = malloc((size_t)x * (size_t)y * sizeof(*out->px));
    if (!out->px) {
        stbi_image_free(rgb);
        return shell_error(-ENOMEM, "%s: out of memory for %d x %d pixels", what, x, y);
    }
    for (size_t i = 0; i < (size_t)x * (size_t)y; i++)
        out->px[i] = (uint32_t)rgb[3 * i] << 16 | (uint32_t)rgb[3 * i + 1] << 8 | rgb[3 * i + 2];
    stbi_image_free(rgb);
    out->w = (uint32_t)x;
    out->h = (uint32_t)y;
    return 0;
}

uint32_t *picture_fit(const struct picture *p, uint32_t w, uint32_t h)
{
    uint32_t *px = malloc((size_t)w * h * sizeof(*px));
    if (!px)
        return NULL;
    for (uint32_t y = 0; y < h; y++) {
        const uint32_t *row = p->px + (size_t)((uint64_t)y * p->h / h) * p->w;
        for (uint32_t x = 0; x < w; x++)
            px[(size_t)y * w + x] = row[(uint64_t)x * p->w / w];
    }
    return px;
}

void picture_free(struct picture *p)
{
    free(p->px);
    p->px = NULL;
}
