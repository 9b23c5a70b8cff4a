#ifndef XEN_COMMON_XMALLOC_CPU_H
#define XEN_COMMON_XMALLOC_CPU_H

/*
 * The global heap's per-CPU caches of small freed blocks and per-CPU
 * deferred frees of larger ones: what lets most frees and small
 * allocations skip the pool's lock (docs/xmalloc.md).  Internals, like
 * xmalloc_tlsf.h.
 */
#include <xen/smp.h>

#include "xmalloc_tlsf.h"

/*
 * Per-CPU caches (global heap only): small blocks freed on a CPU are kept
 * whole, by exact size, up to QUICK_DEPTH per size, in that CPU's cache,
 * and handed out again by the next allocation of that size on that CPU,
 * without the pool's lock and without touching a neighbour: the lock's
 * barrier and the cache misses of merging are what made small blocks
 * slower than glibc's tcache.  To the pool a cached block is still in
 * use (its header is never written while cached, so the pool, which
 * updates neighbours' headers under its lock, never races with a cache);
 * its payload holds the cache link and a mark that catches double frees.
 * No lock: hypervisor code is not preempted and the heap is not used
 * from interrupt handlers.  A CPU flushes its own cache into the pool
 * before the pool grows, and when it goes down (xmalloc_cpu_dead()).
 */
#define QUICK_CLASSES   (SMALL_LIMIT >> ALIGN_SHIFT)
#define QUICK_DEPTH     32
#define CACHE_MARK      0x7ac4ed0ff1ce5a5aUL

/*
 * Deferred frees (global heap only): a larger block freed on a CPU waits,
 * marked like a cached block, on that CPU's deferred list until the CPU
 * takes the pool's lock (an allocation the caches do not serve or a free
 * that finds the list full merges DEFER_STEP of them; a growing realloc
 * or a flush merges them all).  The free itself reads one header and
 * takes no lock; it starts
 * fetching the neighbours the merge will touch, so by the time of the
 * merge they are in the CPU's cache.  At most DEFER_MAX blocks wait.
 */
#define DEFER_MAX       8
/*
 * An allocation or a free that takes the lock merges at most DEFER_STEP
 * of them (the most recent first), so no single operation pays for all
 * DEFER_MAX merges: at a large live set each is several cache misses,
 * and an operation that merged all of them made most of the slowest
 * 0.1% (docs/xmalloc.md).  A growing realloc and a flush merge them all.
 */
#define DEFER_STEP      2

BUILD_BUG_ON(DEFER_STEP < 1 || 2 * DEFER_STEP > DEFER_MAX);

struct xmem_cpu_cache {
    struct xmem_block *list[QUICK_CLASSES];     /* linked by next_free */
    uint8_t count[QUICK_CLASSES];
    struct xmem_block *deferred;                /* linked by next_free */
    unsigned int nr_deferred;
    /* Written by the owner only; others read them (statistics). */
    unsigned long blocks, bytes;
} __attribute__((aligned(64)));

extern struct xmem_cpu_cache xmem_cpu_caches[NR_CPUS];

/* ---- Per-CPU caches (no lock; the owning CPU only) -------------------- */

static always_inline unsigned long cache_mark_of(const struct xmem_block *b)
{
    return CACHE_MARK ^ (unsigned long)b;
}

/* Whether used block b sits in a CPU's cache (i.e. was freed). */
static always_inline bool block_is_cached(const struct xmem_block *b)
{
    return (unsigned long)b->prev_free == cache_mark_of(b);
}

/* Keep used block b of 'size' bytes in this CPU's cache; false if full. */
static always_inline bool cache_push(struct xmem_block *b, unsigned long size)
{
    struct xmem_cpu_cache *c = &xmem_cpu_caches[smp_processor_id()];
    unsigned int k = size >> ALIGN_SHIFT;

    if ( c->count[k] >= QUICK_DEPTH )
        return false;
    b->next_free = c->list[k];
    b->prev_free = (struct xmem_block *)cache_mark_of(b);
    block_poison_payload(b, size);
    c->list[k] = b;
    c->count[k]++;
    __atomic_store_n(&c->blocks, c->blocks + 1, __ATOMIC_RELAXED);
    __atomic_store_n(&c->bytes, c->bytes + size, __ATOMIC_RELAXED);
    return true;
}

/*
 * The header word of b when it is a used, uncached block, else 0 (the
 * locked paths check and report what is odd).  The header is read without
 * the lock: its size, tag, alignment and FREE bit do not change while the
 * block is in use; only PREV_FREE (and prev_phys) may.  Debug builds first
 * check that b is the pool's (they read no header outside it).
 */
static always_inline unsigned long block_used_word(struct xmem_pool *p,
                                                   const struct xmem_block *b)
{
    unsigned long w, size;

    if ( (unsigned long)b & (MEM_ALIGN - 1) )
        return 0;
#ifndef NDEBUG
    {
        bool owned;

        spin_lock(&p->lock);
        owned = xmem_pool_owns(p, b);
        spin_unlock(&p->lock);
        if ( !owned )
            return 0;
    }
#else
    (void)p;
#endif
    w = __atomic_load_n(&b->word, __ATOMIC_RELAXED);
    size = w & BW_SIZE_MASK;
    if ( (w & (BW_TAG_MASK | BW_FREE)) != BW_TAG || size < BLOCK_MIN ||
         block_is_cached(b) )
        return 0;
    return w;
}

/* Whether a used block with header word w may go to a size-class cache. */
static always_inline bool word_is_cacheable(unsigned long w)
{
    return (w & BW_SIZE_MASK) < SMALL_LIMIT && !(w & BW_ALIGN_MASK);
}

/*
 * Put used block b (header word w) on this CPU's deferred list; false if
 * the list is full.  Starts fetching its physical neighbours' headers.
 */
static always_inline bool cache_defer(struct xmem_block *b, unsigned long w)
{
    struct xmem_cpu_cache *c = &xmem_cpu_caches[smp_processor_id()];
    unsigned long size = w & BW_SIZE_MASK;

    if ( c->nr_deferred >= DEFER_MAX )
        return false;
    __builtin_prefetch((char *)b + size, 1);
    if ( w & BW_PREV_FREE )
        __builtin_prefetch(__atomic_load_n(&b->prev_phys, __ATOMIC_RELAXED),
                           1);
    b->next_free = c->deferred;
    b->prev_free = (struct xmem_block *)cache_mark_of(b);
    block_poison_payload(b, size);
    c->deferred = b;
    c->nr_deferred++;
    __atomic_store_n(&c->blocks, c->blocks + 1, __ATOMIC_RELAXED);
    __atomic_store_n(&c->bytes, c->bytes + size, __ATOMIC_RELAXED);
    return true;
}

/* A cached block of exactly 'size' bytes (< SMALL_LIMIT), or NULL. */
static always_inline struct xmem_block *cache_pop(unsigned long size)
{
    struct xmem_cpu_cache *c = &xmem_cpu_caches[smp_processor_id()];
    unsigned int k = size >> ALIGN_SHIFT;
    struct xmem_block *b = c->list[k];

    if ( unlikely(!b) )
        return NULL;
    c->list[k] = b->next_free;
    c->count[k]--;
    block_unpoison_payload(b, size);
    b->prev_free = NULL;
    __atomic_store_n(&c->blocks, c->blocks - 1, __ATOMIC_RELAXED);
    __atomic_store_n(&c->bytes, c->bytes - size, __ATOMIC_RELAXED);
    return b;
}

/*
 * The free fast path of the global heap: a small block goes to this CPU's
 * cache, a larger (or aligned) one to its deferred list, without the
 * lock.  Returns false when the cache or list is full, or anything is odd
 * about the block (the locked path checks and reports).
 */
static always_inline bool free_to_cache(struct xmem_pool *p,
                                        struct xmem_block *b)
{
    unsigned long w = block_used_word(p, b);

    if ( !w )
        return false;
    return word_is_cacheable(w) ? cache_push(b, w & BW_SIZE_MASK)
                                : cache_defer(b, w);
}

/* ---- Flushes and statistics (xmalloc_cpu.c) --------------------------- */

/*
 * Give CPU cpu's cached and deferred blocks back to pool p (lock held;
 * cpu's own thread, or cpu is down).  Regions left empty and not retained
 * are chained on 'gone' as xmem_block_release_used() does.
 */
void xmem_cache_flush(struct xmem_pool *p, unsigned int cpu,
                      struct list_head *gone);
/* Merge CPU cache c's deferred frees into pool p (lock held); as above. */
void xmem_deferred_release(struct xmem_pool *p, struct xmem_cpu_cache *c,
                           struct list_head *gone);

/* Merge at most DEFER_STEP of c's deferred frees into p (lock held). */
void xmem_deferred_release_some(struct xmem_pool *p,
                                struct xmem_cpu_cache *c,
                                struct list_head *gone);

/* Merge a few of this CPU's deferred frees, if any, into p (lock held). */
static always_inline void xmem_deferred_step(struct xmem_pool *p,
                                             struct list_head *gone)
{
    struct xmem_cpu_cache *c;

    if ( !p->quick_on )
        return;
    c = &xmem_cpu_caches[smp_processor_id()];
    if ( unlikely(c->nr_deferred) )
        xmem_deferred_release_some(p, c, gone);
}

/* Merge this CPU's deferred frees, if any, into p (lock held). */
static always_inline void xmem_deferred_drain(struct xmem_pool *p,
                                              struct list_head *gone)
{
    struct xmem_cpu_cache *c;

    if ( !p->quick_on )
        return;
    c = &xmem_cpu_caches[smp_processor_id()];
    if ( unlikely(c->nr_deferred) )
        xmem_deferred_release(p, c, gone);
}

/* What all CPUs' caches and deferred lists hold (statistics, no lock). */
void xmem_cache_totals(unsigned long *blocks, unsigned long *bytes);

#endif /* XEN_COMMON_XMALLOC_CPU_H */
