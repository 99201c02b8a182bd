/*
 * The one error convention: functions return int rc, 0 for success or a
 * negative code below. efi/ converts EFI_STATUS to and from these at the
 * firmware boundary (efi/efi.h: EEFI, EFIRC); nothing else knows EFI codes.
 * The interpreter prints err_str() once and sets errnum to -rc.
 * The numbers are Linux's, so the host platform can return -errno as it is.
 */
#ifndef MB_ERR_H
#define MB_ERR_H

/*
 * A host-side file may have a C library's <errno.h> already (mingw-w64's
 * <stdlib.h> brings it), whose macros would turn the names below into
 * numbers, and on Windows into other numbers: ours win in such a file.
 */
#if defined(MB_HOST_SIDE) && defined(EPERM)
#undef EPERM
#undef ENOENT
#undef EIO
#undef ENXIO
#undef E2BIG
#undef ENOEXEC
#undef EBADF
#undef ENOMEM
#undef EACCES
#undef EFAULT
#undef EBUSY
#undef EEXIST
#undef ENODEV
#undef ENOTDIR
#undef EISDIR
#undef EINVAL
#undef ENOSPC
#undef ESPIPE
#undef EROFS
#undef EPIPE
#undef EDOM
#undef ERANGE
#undef ENAMETOOLONG
#undef ENOSYS
#undef ELOOP
#undef EPROTO
#undef ENOTSUP
#undef ENETDOWN
#undef ECONNRESET
#undef ETIMEDOUT
#undef ECONNREFUSED
#undef EHOSTUNREACH
#undef ECANCELED
#undef ESYNTAX
#undef EUNKNOWN
#undef EBADIMG
#undef EMEDIUM
#endif

enum {
    EPERM = 1,      /* not allowed (locked menu, bad password) */
    ENOENT = 2,     /* no such file, variable, label or command */
    EIO = 5,        /* device error */
    ENXIO = 6,      /* past the end of a device */
    E2BIG = 7,      /* argument list or value too long */
    ENOEXEC = 8,    /* not a batch file / not executable */
    EBADF = 9,
    ENOMEM = 12,
    EACCES = 13,
    EFAULT = 14,
    EBUSY = 16,
    EEXIST = 17,
    ENODEV = 19,    /* no such device */
    ENOTDIR = 20,
    EISDIR = 21,
    EINVAL = 22,    /* bad argument or syntax */
    ENOSPC = 28,
    ESPIPE = 29,
    EROFS = 30,     /* write protected */
    EPIPE = 32,
    EDOM = 33,      /* arithmetic: division by zero */
    ERANGE = 34,    /* number out of range */
    ENAMETOOLONG = 36,
    ENOSYS = 38,    /* not supported on this platform */
    ELOOP = 40,     /* nesting too deep */
    EPROTO = 71,    /* a server broke its protocol (HTTP, TFTP) */
    ENOTSUP = 95,
    ENETDOWN = 100, /* no network interface, or it has no address */
    ECONNRESET = 104,
    ETIMEDOUT = 110,
    ECONNREFUSED = 111,
    EHOSTUNREACH = 113,
    ECANCELED = 125, /* user pressed Ctrl-C / Esc */
    /* mapboot's own, above the POSIX range */
    ESYNTAX = 201,  /* script syntax error */
    EUNKNOWN = 202, /* unknown command */
    EBADIMG = 203,  /* corrupt on-disk structure */
    EMEDIUM = 204,  /* a removable drive's medium was changed (a CD swapped) */
};

/* The message for rc (negative or positive); never NULL. */
const char *err_str(int rc);

#endif
