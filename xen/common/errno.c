/* Names of error codes, for log lines that users read. */
#include <xen/errno.h>
#include <xen/lib.h>

static const struct {
    int err;
    const char *name;
} errno_names[] = {
    { EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
    { EINTR, "EINTR" }, { EIO, "EIO" }, { ENXIO, "ENXIO" },
    { E2BIG, "E2BIG" }, { ENOEXEC, "ENOEXEC" }, { EBADF, "EBADF" },
    { ECHILD, "ECHILD" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
    { EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
    { EEXIST, "EEXIST" }, { EXDEV, "EXDEV" }, { ENODEV, "ENODEV" },
    { EINVAL, "EINVAL" }, { ENFILE, "ENFILE" }, { EMFILE, "EMFILE" },
    { ENOSPC, "ENOSPC" }, { EMLINK, "EMLINK" }, { EDOM, "EDOM" },
    { ERANGE, "ERANGE" }, { EDEADLK, "EDEADLK" },
    { ENAMETOOLONG, "ENAMETOOLONG" }, { ENOLCK, "ENOLCK" },
    { ENOSYS, "ENOSYS" }, { EBADRQC, "EBADRQC" }, { EBADSLT, "EBADSLT" },
    { ENODATA, "ENODATA" }, { ETIME, "ETIME" }, { EBADMSG, "EBADMSG" },
    { EOVERFLOW, "EOVERFLOW" }, { EILSEQ, "EILSEQ" },
    { ERESTART, "ERESTART" }, { EUSERS, "EUSERS" }, { ENOTSOCK, "ENOTSOCK" },
    { EOPNOTSUPP, "EOPNOTSUPP" }, { EADDRINUSE, "EADDRINUSE" },
    { EADDRNOTAVAIL, "EADDRNOTAVAIL" }, { ENOBUFS, "ENOBUFS" },
    { EISCONN, "EISCONN" }, { ENOTCONN, "ENOTCONN" },
    { ESHUTDOWN, "ESHUTDOWN" }, { ETOOMANYREFS, "ETOOMANYREFS" },
    { ETIMEDOUT, "ETIMEDOUT" },
};

const char *errno_name(int err)
{
    unsigned int i;

    if ( err < 0 )
        err = -err;
    for ( i = 0; i < ARRAY_SIZE(errno_names); i++ )
        if ( errno_names[i].err == err )
            return errno_names[i].name;
    return "E?";
}
