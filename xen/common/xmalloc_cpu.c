/*
 * The global heap's per-CPU caches and deferred frees: their flushes and
 * merges (lock held), a CPU going down, and their statistics.  The lock-free
 * push and pop are inline in xmalloc_cpu.h.
 */
#include <xen/bitops.h>
#include <xen/lib.h>
#include <xen/list.h>
#include <xen/smp.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>

#include "xmalloc_cpu.h"

struct xmem_cpu_cache xmem_cpu_caches[NR_CPUS];

void xmalloc_cpu_dead(unsigned int cpu)
{
    LIST_HEAD(gone);

    if ( cpu >= NR_CPUS )
        return;
    spin_lock(&xmem_global_pool.lock);
    xmem_cache_flush(&xmem_global_pool, cpu, &gone);
    spin_unlock(&xmem_global_pool.lock);
    xmem_regions_put(&xmem_global_pool, &gone);
}

/* What all CPUs' caches hold; read without their owners (statistics). */
void xmem_cache_totals(unsigned long *blocks, unsigned long *bytes)
{
    unsigned int cpu;

    *blocks = *bytes = 0;
    for ( cpu = 0; cpu < NR_CPUS; cpu++ )
    {
        const struct xmem_cpu_cache *c = &xmem_cpu_caches[cpu];

        *blocks += __atomic_load_n(&c->blocks, __ATOMIC_RELAXED);
        *bytes += __atomic_load_n(&c->bytes, __ATOMIC_RELAXED);
    }
}

unsigned long xmalloc_cached_bytes(void)
{
    unsigned long blocks, bytes;

    xmem_cache_totals(&blocks, &bytes);
    return bytes;
}

/*
 * Fetch the lines a deferred block's merge will write: a free neighbour's
 * free-list neighbours, and the header after it.  The neighbours' headers
 * themselves were fetched when the block was deferred.
 */
static void prefetch_merge(const struct xmem_block *n)
{
#ifdef NDEBUG
    if ( !block_is_free(n) )
        return;
    __builtin_prefetch(n->next_free, 1);
    __builtin_prefetch(n->prev_free, 1);
    __builtin_prefetch(block_next(n), 1);
#else
    (void)n;
#endif
}

/* Release c's deferred blocks; returns how many bytes they held. */
static unsigned long deferred_release(struct xmem_pool *p,
                                      struct xmem_cpu_cache *c,
                                      struct list_head *gone)
{
    struct xmem_block *b;
    unsigned long bytes = 0;

    for ( b = c->deferred; b; b = b->next_free )
    {
        bytes += block_size(b);
        prefetch_merge(block_next(b));
        if ( block_prev_is_free(b) )
            prefetch_merge(b->prev_phys);
    }
    while ( (b = c->deferred) )
    {
        c->deferred = b->next_free;
        b->prev_free = NULL;
        xmem_block_release_used(p, b, gone);
    }
    return bytes;
}

void xmem_deferred_release(struct xmem_pool *p, struct xmem_cpu_cache *c,
                           struct list_head *gone)
{
    unsigned long blocks = c->nr_deferred, bytes;

    bytes = deferred_release(p, c, gone);
    c->nr_deferred = 0;
    __atomic_store_n(&c->blocks, c->blocks - blocks, __ATOMIC_RELAXED);
    __atomic_store_n(&c->bytes, c->bytes - bytes, __ATOMIC_RELAXED);
}

void xmem_deferred_release_some(struct xmem_pool *p,
                                struct xmem_cpu_cache *c,
                                struct list_head *gone)
{
    unsigned int n;

    for ( n = 0; n < DEFER_STEP && c->deferred; n++ )
    {
        struct xmem_block *b = c->deferred;
        unsigned long size = block_size(b);

        c->deferred = b->next_free;
        b->prev_free = NULL;
        xmem_block_release_used(p, b, gone);
        c->nr_deferred--;
        __atomic_store_n(&c->blocks, c->blocks - 1, __ATOMIC_RELAXED);
        __atomic_store_n(&c->bytes, c->bytes - size, __ATOMIC_RELAXED);
    }
}

void xmem_cache_flush(struct xmem_pool *p, unsigned int cpu,
                      struct list_head *gone)
{
    struct xmem_cpu_cache *c = &xmem_cpu_caches[cpu];
    unsigned int k;

    for ( k = 0; k < QUICK_CLASSES; k++ )
        while ( c->list[k] )
        {
            struct xmem_block *b = c->list[k];

            c->list[k] = b->next_free;
            b->prev_free = NULL;
            xmem_block_release_used(p, b, gone);
        }
    memset(c->count, 0, sizeof(c->count));
    deferred_release(p, c, gone);
    c->nr_deferred = 0;
    __atomic_store_n(&c->blocks, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&c->bytes, 0, __ATOMIC_RELAXED);
}
