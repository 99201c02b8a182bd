/*
 * Console over SIMPLE_TEXT_OUTPUT / SIMPLE_TEXT_INPUT. UTF-8 from the core is
 * converted to UCS-2 in small chunks; "\n" becomes "\r\n" because firmware
 * consoles (and the serial terminal behind them) need both.
 */
#include "efi.h"

#include "../src/platform.h"

void efi_console_init(void)
{
    efi_st->ConOut->EnableCursor(efi_st->ConOut, TRUE);
}

void plat_con_write(const char *s, size_t n)
{
    CHAR16 buf[130];
    size_t k = 0, len;
    const char *end = s + n;
    while (s < end) {
        uint32_t cp;
        if (*s == '\n') {
            buf[k++] = '\r';
            buf[k++] = '\n';
            s++;
        } else {
            /* utf8_decode may read past n only within a NUL-terminated string */
            cp = utf8_decode(s, &len);
            if (s + len > end)
                len = (size_t)(end - s);
            s += len;
            buf[k++] = cp > 0xFFFF ? '?' : (CHAR16)cp;
        }
        if (k >= 126 || s >= end) {
            buf[k] = 0;
            efi_st->ConOut->OutputString(efi_st->ConOut, buf);
            k = 0;
        }
    }
}

static int translate_key(const EFI_INPUT_KEY *key)
{
    switch (key->ScanCode) {
    case SCAN_UP: return KEY_UP;
    case SCAN_DOWN: return KEY_DOWN;
    case SCAN_LEFT: return KEY_LEFT;
    case SCAN_RIGHT: return KEY_RIGHT;
    case SCAN_HOME: return KEY_HOME;
    case SCAN_END: return KEY_END;
    case SCAN_DELETE: return KEY_DELETE;
    case SCAN_PAGE_UP: return KEY_PGUP;
    case SCAN_PAGE_DOWN: return KEY_PGDN;
    case SCAN_INSERT: return KEY_INSERT;
    case SCAN_F1: return KEY_F1;
    case SCAN_ESC: return KEY_ESC;
    default: break;
    }
    if (key->UnicodeChar == '\n')
        return KEY_ENTER;
    if (key->UnicodeChar == 127)
        return KEY_BACKSPACE;
    return key->UnicodeChar;
}

int plat_con_getkey(int timeout_ms)
{
    EFI_EVENT events[2];
    EFI_EVENT timer = NULL;
    EFI_INPUT_KEY key;
    UINTN idx;
    for (;;) {
        EFI_STATUS st = efi_st->ConIn->ReadKeyStroke(efi_st->ConIn, &key);
        if (st == EFI_SUCCESS) {
            int k = translate_key(&key);
            if (k == 0)
                continue; /* a scan code we do not use */
            if (timer)
                efi_bs->CloseEvent(timer);
            return k;
        }
        if (timeout_ms == 0)
            return -ETIMEDOUT;
        events[0] = efi_st->ConIn->WaitForKey;
        if (timeout_ms > 0 && !timer) {
            if (efi_bs->CreateEvent(EVT_TIMER, 0, NULL, NULL, &timer) != EFI_SUCCESS)
                return -ENOMEM;
            efi_bs->SetTimer(timer, TimerRelative, (UINT64)timeout_ms * 10000);
        }
        events[1] = timer;
        efi_bs->WaitForEvent(timer ? 2 : 1, events, &idx);
        if (timer && idx == 1) {
            efi_bs->CloseEvent(timer);
            return -ETIMEDOUT;
        }
    }
}

void plat_con_clear(void)
{
    efi_st->ConOut->ClearScreen(efi_st->ConOut);
}

void plat_con_set_attr(uint8_t attr)
{
    /* firmware consoles take 3-bit backgrounds only */
    efi_st->ConOut->SetAttribute(efi_st->ConOut, EFI_TEXT_ATTR(attr & 0x0F, (attr >> 4) & 0x07));
}

void plat_con_goto(int col, int row)
{
    efi_st->ConOut->SetCursorPosition(efi_st->ConOut, (UINTN)col, (UINTN)row);
}

void plat_con_size(int *cols, int *rows)
{
    UINTN c = 80, r = 25;
    if (efi_st->ConOut->QueryMode(efi_st->ConOut, (UINTN)efi_st->ConOut->Mode->Mode, &c, &r) !=
        EFI_SUCCESS) {
        c = 80;
        r = 25;
    }
    *cols = (int)c;
    *rows = (int)r;
}

void plat_con_cursor(bool visible)
{
    efi_st->ConOut->EnableCursor(efi_st->ConOut, visible);
}
