/* The benchmarked allocators behind one interface (backend.h). */
#include <dlfcn.h>
#include <malloc.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>

#include <xen/mm.h>
#include <xen/xmalloc.h>

#include "bench/xmalloc/backend.h"

/*
 * The Xen heap zone of the hosted RAM (HOSTED_HEAP_SIZE, 16 GiB, lazily
 * backed) holds the largest trace (~1 GiB live).
 */
static void xmalloc_setup(void)
{
    /* Like glibc below: freed regions stay with the heap. */
    xmem_pool_set_retain(NULL, ~0UL);
}

static void *xmalloc_alloc(size_t size)
{
    return _xmalloc(size, MEM_ALIGN);
}

static void *xmalloc_resize(void *p, size_t size)
{
    return _xrealloc(p, size, MEM_ALIGN);
}

const struct bench_backend backend_xmalloc = {
    .name = "xmalloc",
    .setup = xmalloc_setup,
    .alloc = xmalloc_alloc,
    .release = xfree,
    .resize = xmalloc_resize,
};

static void libc_setup(void)
{
    /* Never give memory back to the kernel, never use mmap per block. */
    mallopt(M_TRIM_THRESHOLD, INT32_MAX);
    mallopt(M_TOP_PAD, 64 << 20);
    mallopt(M_MMAP_MAX, 0);
}

static void *libc_alloc(size_t size)
{
    return malloc(size);
}

static void libc_release(void *p)
{
    free(p);
}

static void *libc_resize(void *p, size_t size)
{
    return realloc(p, size);
}

const struct bench_backend backend_libc = {
    .name = "glibc",
    .setup = libc_setup,
    .alloc = libc_alloc,
    .release = libc_release,
    .resize = libc_resize,
};

/*
 * glibc's allocator as libc.so.6 itself defines it: the baseline measured
 * in the same process as a preloaded jemalloc or mimalloc.  Looked up in
 * libc.so.6 directly, since a preloaded allocator may take over glibc's
 * aliases too (mimalloc defines __libc_malloc and friends).
 */
static void *(*direct_malloc)(size_t);
static void (*direct_free)(void *);
static void *(*direct_realloc)(void *, size_t);

static void direct_setup(void)
{
    void *libc = dlopen("libc.so.6", RTLD_NOLOAD | RTLD_LAZY);
    int (*direct_mallopt)(int, int);

    if ( !libc )
    {
        fprintf(stderr, "bench: libc.so.6 not found: %s\n", dlerror());
        exit(1);
    }
    direct_malloc = (void *(*)(size_t))dlsym(libc, "malloc");
    direct_free = (void (*)(void *))dlsym(libc, "free");
    direct_realloc = (void *(*)(void *, size_t))dlsym(libc, "realloc");
    direct_mallopt = (int (*)(int, int))dlsym(libc, "mallopt");
    if ( !direct_malloc || !direct_free || !direct_realloc || !direct_mallopt )
    {
        fprintf(stderr, "bench: glibc's malloc not found in libc.so.6\n");
        exit(1);
    }
    direct_mallopt(M_TRIM_THRESHOLD, INT32_MAX);
    direct_mallopt(M_TOP_PAD, 64 << 20);
    direct_mallopt(M_MMAP_MAX, 0);
}

static void *direct_alloc(size_t size)
{
    return direct_malloc(size);
}

static void direct_release(void *p)
{
    direct_free(p);
}

static void *direct_resize(void *p, size_t size)
{
    return direct_realloc(p, size);
}

const struct bench_backend backend_glibc_direct = {
    .name = "glibc",
    .setup = direct_setup,
    .alloc = direct_alloc,
    .release = direct_release,
    .resize = direct_resize,
};
