/*
 * A do-nothing boot-service driver for testing mapboot's `load [-n] FILE`.
 * Its entry point says "testdrv: loaded" and installs a driver binding on
 * its own image handle, then stays resident. The binding supports nothing,
 * but its Supported() says "testdrv: Supported called" the first time the
 * firmware asks it about a controller. Plain `load` connects all controllers
 * after starting a driver, so that line shows up; `load -n` does not connect,
 * so it must not. Once is enough: a connect pass asks about every handle,
 * and the test only needs to know whether any pass happened.
 */
#include <efi.h>
#include <efilib.h>

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

static EFI_STATUS EFIAPI testdrv_supported(EFI_DRIVER_BINDING_PROTOCOL *this,
                                           EFI_HANDLE controller, EFI_DEVICE_PATH *remaining)
{
    static BOOLEAN called;

    (void)this;
    (void)controller;
    (void)remaining;
    if (!called) {
        called = TRUE;
        Print(L"testdrv: Supported called\n");
    }
    return EFI_UNSUPPORTED;
}

/* Never reached while Supported() says no; here because the protocol needs them. */
static EFI_STATUS EFIAPI testdrv_start(EFI_DRIVER_BINDING_PROTOCOL *this, EFI_HANDLE controller,
                                       EFI_DEVICE_PATH *remaining)
{
    (void)this;
    (void)controller;
    (void)remaining;
    return EFI_UNSUPPORTED;
}

static EFI_STATUS EFIAPI testdrv_stop(EFI_DRIVER_BINDING_PROTOCOL *this, EFI_HANDLE controller,
                                      UINTN children, EFI_HANDLE *child_handles)
{
    (void)this;
    (void)controller;
    (void)children;
    (void)child_handles;
    return EFI_UNSUPPORTED;
}

/* Static: the firmware keeps pointing at it after the entry point returns. */
static EFI_DRIVER_BINDING_PROTOCOL binding = {
    .Supported = testdrv_supported,
    .Start = testdrv_start,
    .Stop = testdrv_stop,
    .Version = 0x10,
};

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
    EFI_HANDLE handle = image;
    EFI_STATUS st;

    InitializeLib(image, systab);
    Print(L"testdrv: loaded\n");

    binding.ImageHandle = image;
    binding.DriverBindingHandle = image;
    st = gBS->InstallProtocolInterface(&handle, &DriverBindingProtocol, EFI_NATIVE_INTERFACE,
                                       &binding);
    if (st != EFI_SUCCESS) {
        /* an error return unloads us, which is right: there is nothing to keep */
        Print(L"testdrv: InstallProtocolInterface: %r\n", st);
        return st;
    }
    /* success keeps the driver resident, binding and all */
    return EFI_SUCCESS;
}
