/* The benchmarked allocators behind one interface (backend.h). */
#include <malloc.h>
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
 * glibc's allocator by its own names, which an LD_PRELOADed allocator does
 * not replace: the baseline measured in the same process as a preloaded
 * jemalloc or mimalloc.
 */
extern void *__libc_malloc(size_t size);
extern void __libc_free(void *p);
extern void *__libc_realloc(void *p, size_t size);

const struct bench_backend backend_glibc_direct = {
    .name = "glibc",
    .setup = libc_setup,
    .alloc = __libc_malloc,
    .release = __libc_free,
    .resize = __libc_realloc,
};
