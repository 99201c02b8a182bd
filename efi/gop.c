/*
 * The screen as pixels: the firmware's GRAPHICS_OUTPUT protocol (GOP) for
 * src/gfxcon.c. The one on the console's handle is taken (the screen the
 * text was on), else any. Pixels are 0x00RRGGBB words, which is GOP's Blt
 * pixel (blue, green, red, reserved) in memory order, so no conversion.
 */
#include "efi.h"

#include "../src/platform.h"

static EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;

static EFI_GRAPHICS_OUTPUT_PROTOCOL *get_gop(void)
{
    static bool looked;
    EFI_GUID guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
    if (looked)
        return gop;
    looked = true;
    if (efi_bs->HandleProtocol(efi_st->ConsoleOutHandle, &guid, (void **)&gop) != EFI_SUCCESS &&
        efi_bs->LocateProtocol(&guid, NULL, (void **)&gop) != EFI_SUCCESS)
        gop = NULL;
    return gop;
}

int plat_gfx_modes(struct plat_gfx_mode *out, int max)
{
    EFI_GRAPHICS_OUTPUT_PROTOCOL *g = get_gop();
    int n = 0;
    if (!g)
        return 0;
    for (UINT32 i = 0; i < g->Mode->MaxMode; i++) {
        EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info;
        UINTN size;
        if (g->QueryMode(g, i, &size, &info) != EFI_SUCCESS)
            continue;
        if (n < max && info->PixelFormat != PixelBltOnly) {
            out[n].number = (int)i;
            out[n].width = info->HorizontalResolution;
            out[n].height = info->VerticalResolution;
            n++;
        }
        efi_bs->FreePool(info);
    }
    return n;
}

int plat_gfx_current(void)
{
    EFI_GRAPHICS_OUTPUT_PROTOCOL *g = get_gop();
    return g ? (int)g->Mode->Mode : -1;
}

int plat_gfx_set_mode(int n, uint32_t *width, uint32_t *height)
{
    EFI_GRAPHICS_OUTPUT_PROTOCOL *g = get_gop();
    if (!g)
        return -ENODEV;
    if ((UINT32)n != g->Mode->Mode && g->SetMode(g, (UINT32)n) != EFI_SUCCESS)
        return -EIO;
    *width = g->Mode->Info->HorizontalResolution;
    *height = g->Mode->Info->VerticalResolution;
    return 0;
}

int plat_gfx_blt(const uint32_t *px, int x, int y, int w, int h, int stride)
{
    EFI_GRAPHICS_OUTPUT_PROTOCOL *g = get_gop();
    if (!g)
        return -ENODEV;
    if (g->Blt(g, (EFI_GRAPHICS_OUTPUT_BLT_PIXEL *)(uintptr_t)px, EfiBltBufferToVideo, 0, 0,
               (UINTN)x, (UINTN)y, (UINTN)w, (UINTN)h, (UINTN)stride * 4) != EFI_SUCCESS)
        return -EIO;
    return 0;
}
