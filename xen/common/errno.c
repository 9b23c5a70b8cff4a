/* Names of error codes, for log lines that users read. */
#include <xen/errno.h>
#include <xen/lib.h>

static const struct {
    int err;
    const char *name;
} errno_names[] = {
    { EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EIO, "EIO" },
    { ENXIO, "ENXIO" }, { E2BIG, "E2BIG" }, { EBADF, "EBADF" },
    { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" },
    { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" },
    { ENODEV, "ENODEV" }, { EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" },
    { ERANGE, "ERANGE" }, { ENOSYS, "ENOSYS" }, { ENODATA, "ENODATA" },
    { EOVERFLOW, "EOVERFLOW" }, { EILSEQ, "EILSEQ" },
    { EOPNOTSUPP, "EOPNOTSUPP" }, { ETIMEDOUT, "ETIMEDOUT" },
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
