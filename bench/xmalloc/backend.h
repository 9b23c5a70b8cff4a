#ifndef BENCH_XMALLOC_BACKEND_H
#define BENCH_XMALLOC_BACKEND_H

/*
 * An allocator as the trace replayer sees it.  Another allocator is
 * benchmarked by filling in one of these.
 */
#include <stddef.h>

struct bench_backend {
    const char *name;
    /* Once per process, before any measurement (e.g. "never trim"). */
    void (*setup)(void);
    void *(*alloc)(size_t size);
    void (*release)(void *p);
    void *(*resize)(void *p, size_t size);
};

/* The hypervisor heap: _xmalloc / xfree / _xrealloc, 16-byte aligned. */
extern const struct bench_backend backend_xmalloc;
/* The C library's malloc / free / realloc (glibc, or whatever is
 * preloaded: jemalloc, mimalloc). */
extern const struct bench_backend backend_libc;

/* glibc by its __libc_* names: unaffected by LD_PRELOAD. */
extern const struct bench_backend backend_glibc_direct;

#endif /* BENCH_XMALLOC_BACKEND_H */
