#ifndef XEN_ERRNO_H
#define XEN_ERRNO_H

/* Error numbers, with Linux/Xen values.  Functions return -E... */
#define EPERM        1
#define ENOENT       2
#define EIO          5
#define ENXIO        6
#define E2BIG        7
#define EBADF        9
#define EAGAIN      11
#define ENOMEM      12
#define EACCES      13
#define EFAULT      14
#define EBUSY       16
#define EEXIST      17
#define ENODEV      19
#define EINVAL      22
#define ENOSPC      28
#define ERANGE      34
#define ENOSYS      38
#define ENODATA     61
#define EOVERFLOW   75
#define EILSEQ      84
#define EOPNOTSUPP  95
#define ETIMEDOUT  110

/* A short name for an error code ("EINVAL"), for log messages. */
const char *errno_name(int err);

#endif /* XEN_ERRNO_H */
