/*
 * Console over SIMPLE_TEXT_OUTPUT / SIMPLE_TEXT_INPUT. UTF-8 from the core is
 * converted to UCS-2 in small chunks; "\n" becomes "\r\n" because firmware
 * consoles (and the serial terminal behind them) need both.
 */
#include "efi.h"

#include "../src/platform.h"

/*
 * Where text goes: the firmware's ConOut (every console), or, while mapboot
 * draws on GOP itself, only the serial consoles behind it, so that the
 * firmware's text on the screen does not scribble over the drawing and the
 * serial line (which tests and headless machines read) keeps every line.
 */
static SIMPLE_TEXT_OUTPUT_INTERFACE *serial_out[4];
static int nserial;
static bool serial_only;

static bool is_uart(EFI_DEVICE_PATH *dp)
{
    for (; dp && !IsDevicePathEnd(dp); dp = NextDevicePathNode(dp))
        if (DevicePathType(dp) == MESSAGING_DEVICE_PATH && DevicePathSubType(dp) == MSG_UART_DP)
            return true;
    return false;
}

void plat_con_serial_only(bool on)
{
    static bool looked;
    if (on && !looked) {
        EFI_GUID out_guid = SIMPLE_TEXT_OUTPUT_PROTOCOL, dp_guid = DEVICE_PATH_PROTOCOL;
        EFI_HANDLE *handles = NULL;
        UINTN n = 0;
        looked = true;
        if (efi_bs->LocateHandleBuffer(ByProtocol, &out_guid, NULL, &n, &handles) == EFI_SUCCESS) {
            for (UINTN i = 0; i < n && nserial < 4; i++) {
                EFI_DEVICE_PATH *dp;
                SIMPLE_TEXT_OUTPUT_INTERFACE *o;
                if (efi_bs->HandleProtocol(handles[i], &dp_guid, (void **)&dp) == EFI_SUCCESS &&
                    is_uart(dp) &&
                    efi_bs->HandleProtocol(handles[i], &out_guid, (void **)&o) == EFI_SUCCESS)
                    serial_out[nserial++] = o;
            }
            efi_bs->FreePool(handles);
        }
    }
    /* the firmware's text console on the screen must not draw its cursor over ours */
    if (on)
        efi_st->ConOut->EnableCursor(efi_st->ConOut, FALSE);
    serial_only = on;
}

/* Run call on each console text goes to now. */
#define EACH_OUT(o, call)                                                                     \
    do {                                                                                     \
        if (!serial_only) {                                                                  \
            SIMPLE_TEXT_OUTPUT_INTERFACE *o = efi_st->ConOut;                                \
            call;                                                                            \
        } else {                                                                             \
            for (int i_ = 0; i_ < nserial; i_++) {                                           \
                SIMPLE_TEXT_OUTPUT_INTERFACE *o = serial_out[i_];                            \
                call;                                                                        \
            }                                                                                \
        }                                                                                    \
    } while (0)

void efi_console_init(void)
{
    efi_st->ConOut->EnableCursor(efi_st->ConOut, TRUE);
    /* a key pressed during the firmware stage would otherwise stop the menu countdown */
    efi_st->ConIn->Reset(efi_st->ConIn, FALSE);
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
        } else if (*s == 0) {
            /* OutputString stops at NUL, which would drop the rest of the chunk */
            buf[k++] = ' ';
            s++;
        } else {
            /* callers (cat) pass buffers that are not NUL-terminated */
            cp = utf8_decode_n(s, end, &len);
            s += len;
            buf[k++] = cp > 0xFFFF ? '?' : (CHAR16)cp;
        }
        if (k >= 126 || s >= end) {
            buf[k] = 0;
            EACH_OUT(o, o->OutputString(o, buf));
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

/*
 * Wait for a key or for the timer, whichever comes first. When the firmware
 * cannot give us a timer or cannot wait on events (WaitForEvent fails above
 * TPL_APPLICATION), poll ReadKeyStroke in 10 ms stalls instead, counting
 * them, so a timeout still ends.
 */
int plat_con_getkey(int timeout_ms)
{
    EFI_EVENT events[2];
    EFI_EVENT timer = NULL;
    EFI_INPUT_KEY key;
    EFI_STATUS st;
    UINTN idx;
    bool poll = false;
    int polled_ms = 0;
    int rc;

    for (;;) {
        st = efi_st->ConIn->ReadKeyStroke(efi_st->ConIn, &key);
        if (st == EFI_SUCCESS) {
            rc = translate_key(&key);
            if (rc == 0)
                continue; /* a scan code we do not use */
            break;
        }
        if (timeout_ms == 0) {
            rc = -ETIMEDOUT;
            break;
        }
        if (timeout_ms > 0 && !timer && !poll) {
            if (efi_bs->CreateEvent(EVT_TIMER, 0, NULL, NULL, &timer) != EFI_SUCCESS) {
                timer = NULL;
                poll = true;
            } else if (efi_bs->SetTimer(timer, TimerRelative, (UINT64)timeout_ms * 10000) !=
                       EFI_SUCCESS) {
                /* an unarmed timer never fires: waiting on it would never time out */
                efi_bs->CloseEvent(timer);
                timer = NULL;
                poll = true;
            }
        }
        if (!poll) {
            events[0] = efi_st->ConIn->WaitForKey;
            events[1] = timer;
            st = efi_bs->WaitForEvent(timer ? 2 : 1, events, &idx);
            if (st == EFI_SUCCESS) {
                if (timer && idx == 1) {
                    rc = -ETIMEDOUT;
                    break;
                }
                continue;
            }
            poll = true;
        }
        /* an armed timer keeps counting while we poll, so check it as well */
        if ((timeout_ms > 0 && polled_ms >= timeout_ms) ||
            (timer && efi_bs->CheckEvent(timer) == EFI_SUCCESS)) {
            rc = -ETIMEDOUT;
            break;
        }
        efi_bs->Stall(10000);
        if (timeout_ms > 0)
            polled_ms += 10;
    }
    if (timer)
        efi_bs->CloseEvent(timer);
    return rc;
}

void plat_con_clear(void)
{
    EACH_OUT(o, o->ClearScreen(o));
}

void plat_con_set_attr(uint8_t attr)
{
    /* firmware consoles take 3-bit backgrounds only */
    EACH_OUT(o, o->SetAttribute(o, EFI_TEXT_ATTR(attr & 0x0F, (attr >> 4) & 0x07)));
}

void plat_con_goto(int col, int row)
{
    EACH_OUT(o, o->SetCursorPosition(o, (UINTN)col, (UINTN)row));
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
    EACH_OUT(o, o->EnableCursor(o, visible));
}
