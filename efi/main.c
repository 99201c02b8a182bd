/*
 * The UEFI entry point and the simple parts of the platform interface:
 * memory, time, randomness and power. The shell itself starts in
 * src/startup.c; this file only sets the firmware up for it.
 */
#include "efi.h"

#include "../src/platform.h"
#include "../src/shell.h"

EFI_HANDLE efi_image;
EFI_SYSTEM_TABLE *efi_st;
EFI_BOOT_SERVICES *efi_bs;
EFI_RUNTIME_SERVICES *efi_rs;

static uint64_t tsc_at_entry;
static uint64_t tsc_connect; /* ticks the start-up connect took */
static uint64_t tsc_per_ms; /* 0 until calibrated */

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

int efi_to_rc(EFI_STATUS st)
{
    switch (st) {
    case EFI_SUCCESS: return 0;
    case EFI_NOT_FOUND: return -ENOENT;
    case EFI_OUT_OF_RESOURCES: return -ENOMEM;
    case EFI_WRITE_PROTECTED: return -EROFS;
    case EFI_ACCESS_DENIED: return -EACCES;
    case EFI_SECURITY_VIOLATION: return -EACCES;
    case EFI_INVALID_PARAMETER: return -EINVAL;
    case EFI_UNSUPPORTED: return -ENOTSUP;
    case EFI_TIMEOUT: return -ETIMEDOUT;
    case EFI_VOLUME_FULL: return -ENOSPC;
    case EFI_MEDIA_CHANGED:
    case EFI_NO_MEDIA: return -ENODEV;
    case EFI_ABORTED: return -ECANCELED;
    case EFI_BUFFER_TOO_SMALL: return -ERANGE;
    case EFI_VOLUME_CORRUPTED: return -EBADIMG;
    default: return -EIO;
    }
}

EFI_STATUS rc_to_efi(int rc)
{
    switch (-rc) {
    case 0: return EFI_SUCCESS;
    case ENOENT: return EFI_NOT_FOUND;
    case ENOMEM: return EFI_OUT_OF_RESOURCES;
    case EROFS: return EFI_WRITE_PROTECTED;
    case EACCES: return EFI_ACCESS_DENIED;
    case EINVAL: return EFI_INVALID_PARAMETER;
    case ENOTSUP: return EFI_UNSUPPORTED;
    case ETIMEDOUT: return EFI_TIMEOUT;
    case ENOSPC: return EFI_VOLUME_FULL;
    case ENODEV: return EFI_NO_MEDIA;
    case ECANCELED: return EFI_ABORTED;
    case EBADIMG: return EFI_VOLUME_CORRUPTED;
    default: return EFI_DEVICE_ERROR;
    }
}

void *plat_alloc(size_t n)
{
    void *p = NULL;
    if (efi_bs->AllocatePool(EfiLoaderData, n ? n : 1, &p) != EFI_SUCCESS)
        return NULL;
    return p;
}

void plat_free(void *p)
{
    efi_bs->FreePool(p);
}

/*
 * The TSC is calibrated against a firmware timer event the first time a
 * duration is asked for, not at start-up, so booting the menu pays nothing.
 */
static void calibrate_tsc(void)
{
    EFI_EVENT ev;
    UINTN idx;
    uint64_t t0, t1;
    if (tsc_per_ms)
        return;
    if (efi_bs->CreateEvent(EVT_TIMER, 0, NULL, NULL, &ev) == EFI_SUCCESS) {
        efi_bs->SetTimer(ev, TimerRelative, 1); /* align to a timer tick first */
        efi_bs->WaitForEvent(1, &ev, &idx);
        t0 = rdtsc();
        efi_bs->SetTimer(ev, TimerRelative, 200000); /* 20 ms in 100 ns units */
        efi_bs->WaitForEvent(1, &ev, &idx);
        t1 = rdtsc();
        efi_bs->CloseEvent(ev);
        tsc_per_ms = (t1 - t0) / 20;
    }
    if (!tsc_per_ms) {
        t0 = rdtsc();
        efi_bs->Stall(10000);
        tsc_per_ms = (rdtsc() - t0) / 10;
    }
    if (!tsc_per_ms)
        tsc_per_ms = 1;
}

uint64_t plat_uptime_us(void)
{
    uint64_t now = rdtsc(); /* before calibrating, which takes a few timer ticks */
    calibrate_tsc();
    return (now - tsc_at_entry) * 1000 / tsc_per_ms;
}

uint64_t plat_startup_connect_us(void)
{
    calibrate_tsc();
    return tsc_connect * 1000 / tsc_per_ms;
}

int plat_datetime(struct plat_tm *tm)
{
    EFI_TIME t;
    EFI_STATUS st = efi_rs->GetTime(&t, NULL);
    if (st != EFI_SUCCESS)
        return EEFI(st);
    tm->year = t.Year;
    tm->month = t.Month;
    tm->day = t.Day;
    tm->hour = t.Hour;
    tm->min = t.Minute;
    tm->sec = t.Second;
    return 0;
}

uint64_t plat_random(void)
{
    static uint64_t state;
    if (!state)
        state = rdtsc() | 1;
    /* xorshift64*: not for secrets, only for @random in scripts */
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1DULL;
}

void plat_reboot(void)
{
    efi_rs->ResetSystem(EfiResetCold, EFI_SUCCESS, 0, NULL);
}

void plat_halt(void)
{
    efi_rs->ResetSystem(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
}

/* gnu-efi's crt0 calls this with the SysV convention, so it is not EFIAPI. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
    EFI_GUID lip_guid = LOADED_IMAGE_PROTOCOL;
    EFI_LOADED_IMAGE *li = NULL;
    int rc;

    tsc_at_entry = rdtsc();
    efi_image = image;
    efi_st = st;
    efi_bs = st->BootServices;
    efi_rs = st->RuntimeServices;

    /* A boot shell waits on people: the 5-minute watchdog would reset us. */
    efi_bs->SetWatchdogTimer(0, 0, 0, NULL);
    efi_console_init();
    efi_secureboot_init();
    /*
     * Fast-boot firmware connected only its boot device; every disk must be
     * there before the drive table is built. A driver that fails is not
     * fatal here: `debug on` then `connect` names it.
     */
    tsc_connect = rdtsc();
    plat_connect_all(NULL);
    tsc_connect = rdtsc() - tsc_connect;
    if (efi_bs->HandleProtocol(image, &lip_guid, (void **)&li) == EFI_SUCCESS && li) {
        efi_bootfs_init(li->DeviceHandle);
        efi_pxe_init(li->DeviceHandle);
    }

    rc = shell_main();
    return EFIRC(rc);
}
const int plat_is_uefi = 1;
