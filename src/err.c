/* Messages for the error codes of err.h, printed once by the interpreter. */
#include "err.h"

const char *err_str(int rc)
{
    switch (rc < 0 ? -rc : rc) {
    case 0: return "success";
    case EPERM: return "not permitted";
    case ENOENT: return "not found";
    case EIO: return "input/output error";
    case ENXIO: return "past the end of the device";
    case E2BIG: return "too long";
    case ENOEXEC: return "not a batch file";
    case EBADF: return "bad file";
    case ENOMEM: return "out of memory";
    case EACCES: return "access denied";
    case EFAULT: return "bad address";
    case EBUSY: return "busy";
    case EEXIST: return "already exists";
    case ENODEV: return "no such device";
    case ENOTDIR: return "not a directory";
    case EISDIR: return "is a directory";
    case EINVAL: return "invalid argument";
    case ENOSPC: return "no space left";
    case ESPIPE: return "bad seek";
    case EROFS: return "write protected";
    case EPIPE: return "broken pipe";
    case EDOM: return "division by zero";
    case ERANGE: return "number out of range";
    case ENAMETOOLONG: return "name too long";
    case ENOSYS: return "not supported here";
    case ELOOP: return "nested too deeply";
    case EPROTO: return "protocol error";
    case ENOTSUP: return "not supported";
    case ENETDOWN: return "network is down";
    case ECONNRESET: return "connection reset";
    case ETIMEDOUT: return "timed out";
    case ECONNREFUSED: return "connection refused";
    case EHOSTUNREACH: return "host unreachable";
    case ECANCELED: return "cancelled";
    case ESYNTAX: return "syntax error";
    case EUNKNOWN: return "unknown command";
    case EBADIMG: return "corrupt data";
    case EMEDIUM: return "the medium was changed";
    default: return "unknown error";
    }
}
