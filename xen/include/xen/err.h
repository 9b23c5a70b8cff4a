#ifndef XEN_ERR_H
#define XEN_ERR_H

/* Error codes carried in pointers (the top 4095 values of the space). */
#include <xen/compiler.h>
#include <xen/errno.h>
#include <xen/types.h>

#define MAX_ERRNO 4095
#define IS_ERR_VALUE(x) unlikely((unsigned long)(x) >= \
                                 (unsigned long)-MAX_ERRNO)

static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline bool IS_ERR(const void *ptr) { return IS_ERR_VALUE(ptr); }
static inline bool IS_ERR_OR_NULL(const void *ptr)
{
    return !ptr || IS_ERR_VALUE(ptr);
}

#endif /* XEN_ERR_H */
