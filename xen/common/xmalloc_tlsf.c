/*
 * The hypervisor heap: a TLSF (two-level segregated fit) allocator.
 *
 * Free blocks sit on segregated lists indexed by a first level (power of
 * two) and a second level (SL_COUNT linear steps inside that power of two).
 * Two bitmaps say which lists are non-empty, so malloc finds a fitting list
 * with two find-first-set instructions and free merges with its physical
 * neighbours in constant time.  docs/xmalloc.md has the layout and the
 * decisions; the short version:
 *
 *   - every block starts with a 16-byte header (prev_phys, word); the word
 *     holds the block size (header included), the FREE / PREV_FREE / FIRST
 *     flags, the block's alignment and a tag that catches foreign pointers;
 *   - free blocks also keep their list links right after the header;
 *   - memory comes in regions (pool: grow_size bytes from get_mem; global
 *     heap: 1 MiB runs of xenheap pages), each closed by a zero-size
 *     sentinel so merging never walks off its end;
 *   - large requests of the global heap are whole xenheap pages;
 *   - blocks freed in the global heap wait in per-CPU caches (small ones,
 *     reused by size) or deferred lists (merged at the CPU's next locked
 *     operation): xmalloc_cpu.h and xmalloc_cpu.c.
 *
 * This file: block surgery, regions and the pools.  The global heap
 * (_xmalloc and friends) is xmalloc_heap.c, the checker xmalloc_check.c;
 * xmalloc_tlsf.h has what they share.
 */
#include <xen/alloc_fail.h>
#include <xen/bitops.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/list.h>
#include <xen/mm.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>

#include "xmalloc_cpu.h"

/* ---- Block surgery (pool lock held) ---------------------------------- */

/*
 * Merge a newly free block with free physical neighbours and file it.
 * Returns the merged block.
 */
static struct xmem_block *block_release(struct xmem_pool *p,
                                        struct xmem_block *b)
{
    struct xmem_block *next = block_next(b);

    if ( block_prev_is_free(b) )
    {
        struct xmem_block *prev = b->prev_phys;

        list_remove(p, prev);
        block_set_size(prev, block_size(prev) + block_size(b));
        b = prev;
    }
    if ( block_is_free(next) )
    {
        list_remove(p, next);
        block_set_size(b, block_size(b) + block_size(next));
    }
    block_mark_free(b);
    list_insert(p, b);
    return b;
}

/* Where block_trim() puts the tail it cuts off. */
enum trim_tail {
    TAIL_TO_POOL,           /* merged and filed now */
    TAIL_CACHE_SMALL,       /* a small tail to this CPU's cache */
    TAIL_PARK,              /* any tail to the cache or the deferred list */
};

/*
 * Cut a used block down to 'need' bytes; the tail goes back to the pool,
 * or is parked in this CPU's cache or deferred list like a block freed
 * there, which touches no neighbour now (reallocs of the global heap).
 */
static void block_trim(struct xmem_pool *p, struct xmem_block *b,
                       unsigned long need, enum trim_tail to)
{
    unsigned long size = block_size(b), tail = size - need;
    struct xmem_block *rest;
    bool parked;

    if ( tail < BLOCK_MIN )
        return;
    block_set_size(b, need);
    rest = block_next(b);
    rest->word = BW_TAG | tail;
    if ( to == TAIL_TO_POOL )
        parked = false;
    else if ( word_is_cacheable(rest->word) )
        parked = cache_push(rest, tail);
    else
        parked = to == TAIL_PARK && cache_defer(rest, rest->word);
    if ( parked )
    {
        p->live_blocks++;           /* cached blocks count as used */
        return;
    }
    block_release(p, rest);
    p->used_bytes -= tail;
}

/* Split 'gap' bytes off the front of free block b; returns the rest. */
static struct xmem_block *block_cut_front(struct xmem_pool *p,
                                          struct xmem_block *b,
                                          unsigned long gap)
{
    unsigned long size = block_size(b);
    struct xmem_block *rest = (struct xmem_block *)((char *)b + gap);

    heap_unpoison(rest, BLOCK_HDR);     /* inside b's free payload */
    rest->word = BW_TAG | (size - gap);
    block_set_size(b, gap);
    block_mark_free(b);
    list_insert(p, b);
    return rest;
}

/*
 * Hand out the first 'need' bytes of free block b, just taken off its
 * list; the rest, if big enough, stays free.  b's successor is used and
 * already flagged PREV_FREE (free blocks are always merged), so it only
 * needs its back link, a store: its header is not read, which in a large
 * heap would be a cache miss on every allocation.
 */
static void block_take_front(struct xmem_pool *p, struct xmem_block *b,
                             unsigned long need)
{
    unsigned long size = block_size(b), tail = size - need;
    struct xmem_block *next, *rest;

    if ( tail < BLOCK_MIN )
    {
        block_mark_used(b);
        p->used_bytes += size;
        p->live_blocks++;
        return;
    }
    next = block_next(b);
    block_unpoison_payload(b, size);
    b->word = (b->word & ~(BW_SIZE_MASK | BW_FREE)) | need;
    rest = block_next(b);
    rest->word = BW_TAG | BW_FREE | tail;
    __atomic_store_n(&next->prev_phys, rest, __ATOMIC_RELAXED);
    block_poison_payload(rest, tail);
    list_insert(p, rest);
    p->used_bytes += need;
    p->live_blocks++;
}

/* ---- Regions --------------------------------------------------------- */

static struct xmem_region *region_of_first(struct xmem_block *b)
{
    return (struct xmem_region *)((char *)b - REGION_HDR);
}

/*
 * Lay out fresh memory as one free block plus a sentinel; lock held.
 * Returns the free block (on its list).
 */
static struct xmem_block *region_add(struct xmem_pool *p, void *mem,
                                     unsigned long bytes)
{
    struct xmem_region *r = mem;
    struct xmem_block *b = region_first(r), *end;
    unsigned long size = bytes - REGION_HDR - BLOCK_HDR;

    r->bytes = bytes;
    list_add(&r->link, &p->regions);
    b->word = BW_TAG | BW_FIRST | size;
    end = block_next(b);
    end->word = BW_TAG;             /* size 0, used: stops every merge */
    block_mark_free(b);
    list_insert(p, b);
    p->total_bytes += bytes;
    return b;
}

/* True when the free block b spans its whole region. */
static bool region_is_empty(const struct xmem_block *b)
{
    return (b->word & BW_FIRST) && block_size(block_next(b)) == 0;
}

/*
 * b is free and fills its region: unlink the region when the pool keeps
 * enough free space without it.  Returns the region to give back (after
 * the lock is dropped) or NULL.
 */
static struct xmem_region *region_maybe_detach(struct xmem_pool *p,
                                               struct xmem_block *b)
{
    struct xmem_region *r = region_of_first(b);

    if ( !p->put_mem ||
         p->total_bytes - p->used_bytes - r->bytes < p->retain_bytes ||
         p->total_bytes - p->used_bytes < r->bytes )
        return NULL;
    list_remove(p, b);
    list_del(&r->link);
    p->total_bytes -= r->bytes;
    return r;
}

/* ---- Pool core ------------------------------------------------------- */

bool xmem_pool_owns(const struct xmem_pool *p, const void *ptr)
{
    const struct xmem_region *r;
    const char *c = ptr;

    list_for_each_entry(r, &p->regions, link)
        if ( c > (const char *)r && c < (const char *)r + r->bytes )
            return true;
    return false;
}

/* Reasons a pointer handed to free is not a live block of this pool. */
static const char *pool_bad_pointer(const struct xmem_pool *p,
                                    const void *ptr)
{
    const struct xmem_block *b = block_of(ptr);

    if ( (unsigned long)ptr & (MEM_ALIGN - 1) )
        return "misaligned pointer";
#ifndef NDEBUG
    if ( !xmem_pool_owns(p, ptr) )
        return "pointer not in any region of the pool";
#else
    (void)p;
#endif
    if ( !block_has_tag(b) || block_size(b) < BLOCK_MIN )
        return "no block header at this address";
    if ( block_is_free(b) || block_is_cached(b) )
        return "block already free (double free)";
    return NULL;
}

static void report_bad_free(const struct xmem_pool *p, const void *ptr,
                            const char *why)
{
    printk(XENLOG_ERR "xmalloc: pool %s: bad free of %p: %s\n",
           p->name, ptr, why);
}

/*
 * Grow by one region and return its free block, taken off its list, when
 * it holds 'need' bytes; NULL otherwise.  Called and returns with the
 * lock held.
 */
static struct xmem_block *pool_grow(struct xmem_pool *p, unsigned long need)
{
    unsigned long bytes = p->grow_size;
    struct xmem_block *b;
    void *mem;

    if ( !p->get_mem || need > bytes - REGION_OVERHEAD + BLOCK_HDR ||
         (p->max_size && p->total_bytes + bytes > p->max_size) )
        return NULL;
    spin_unlock(&p->lock);
    mem = p->get_mem(bytes);
    spin_lock(&p->lock);
    if ( !mem )
        return NULL;
    if ( (unsigned long)mem & (MEM_ALIGN - 1) )
    {
        printk(XENLOG_ERR "xmalloc: pool %s: get_mem gave misaligned %p\n",
               p->name, mem);
        spin_unlock(&p->lock);
        if ( p->put_mem )
            p->put_mem(mem);
        spin_lock(&p->lock);
        return NULL;
    }
    b = region_add(p, mem, bytes);
    list_remove(p, b);
    return b;
}

/* ---- Releasing used blocks ------------------------------------------ */

void xmem_block_release_used(struct xmem_pool *p, struct xmem_block *b,
                             struct list_head *gone)
{
    struct xmem_region *r;

    p->used_bytes -= block_size(b);
    p->live_blocks--;
    b = block_release(p, b);
    if ( unlikely(region_is_empty(b)) && gone &&
         (r = region_maybe_detach(p, b)) )
        list_add(&r->link, gone);
}

void xmem_regions_put(struct xmem_pool *p, struct list_head *gone)
{
    struct xmem_region *r, *n;

    list_for_each_entry_safe(r, n, gone, link)
    {
        list_del(&r->link);
        heap_unpoison(r, r->bytes);
        p->put_mem(r);
    }
}

/*
 * Find a free block for 'need' bytes whose payload is 'align'-aligned,
 * carve it and mark it used.  Lock held.
 */
static struct xmem_block *pool_take(struct xmem_pool *p, unsigned long need,
                                    unsigned long align)
{
    struct xmem_block *b;
    unsigned long search = need, pay, gap;

    /* Room to move the payload up to the alignment, leaving a free gap. */
    if ( align > MEM_ALIGN )
        search += align + BLOCK_MIN - MEM_ALIGN;

    b = list_take_fit(p, search);
    if ( unlikely(!b) && p->quick_on &&
         xmem_cpu_caches[smp_processor_id()].blocks )
    {
        xmem_cache_flush(p, smp_processor_id(), NULL);
        b = list_take_fit(p, search);
    }
    if ( unlikely(!b) )
    {
        /*
         * Another CPU may have grown the pool while the lock was dropped;
         * the fresh region serves us either way.
         */
        b = pool_grow(p, search);
        if ( !b )
            return NULL;
    }

    if ( align <= MEM_ALIGN )
    {
        block_take_front(p, b, need);
        return b;
    }

    pay = (unsigned long)block_payload(b);
    gap = ROUNDUP(pay, align) - pay;
    if ( gap && gap < BLOCK_MIN )
        gap += align;
    if ( gap )
        b = block_cut_front(p, b, gap);
    block_mark_used(b);
    p->used_bytes += block_size(b);
    p->live_blocks++;
    block_trim(p, b, need, TAIL_TO_POOL);
    block_set_align(b, align);
    return b;
}

void *xmem_pool_alloc_aligned(struct xmem_pool *p, unsigned long size,
                               unsigned long align)
{
    return xmem_pool_alloc_room(p, size, align, false);
}

void *xmem_pool_alloc_room(struct xmem_pool *p, unsigned long size,
                           unsigned long align, bool roomy)
{
    struct xmem_block *b;
    LIST_HEAD(gone);

    if ( size >= BLOCK_LIMIT - PAGE_SIZE * 2 )
        return NULL;
    spin_lock(&p->lock);
    xmem_deferred_step(p, &gone);
    b = pool_take(p, block_need(size), align);
    if ( b && roomy )
        b->word |= BW_ROOMY;
    spin_unlock(&p->lock);
    if ( unlikely(!list_empty(&gone)) )
        xmem_regions_put(p, &gone);
    return b ? block_payload(b) : NULL;
}

/*
 * Start fetching the headers a free will merge with, before the lock is
 * taken (the lock waits for every older load).  Only a hint, read without
 * the lock, and only in release builds: debug builds check that the
 * pointer is the pool's before reading its header.
 */
static always_inline void block_prefetch_neighbours(const struct xmem_block *b)
{
#ifdef NDEBUG
    unsigned long w = __atomic_load_n(&b->word, __ATOMIC_RELAXED);

    __builtin_prefetch((const char *)b + (w & BW_SIZE_MASK), 1);
    if ( w & BW_PREV_FREE )
        __builtin_prefetch(__atomic_load_n(&b->prev_phys, __ATOMIC_RELAXED),
                           1);
#else
    (void)b;
#endif
}

void xmem_pool_free_block(struct xmem_pool *p, void *ptr)
{
    if ( p->quick_on && free_to_cache(p, block_of(ptr)) )
        return;
    xmem_pool_free_locked(p, ptr);
}

void xmem_pool_free_locked(struct xmem_pool *p, void *ptr)
{
    struct xmem_block *b = block_of(ptr);
    const char *why;
    LIST_HEAD(gone);

    block_prefetch_neighbours(b);
    spin_lock(&p->lock);
    why = pool_bad_pointer(p, ptr);
    if ( unlikely(why) )
    {
        spin_unlock(&p->lock);
        report_bad_free(p, ptr, why);
        return;
    }
    xmem_deferred_step(p, &gone);
    xmem_block_release_used(p, b, &gone);
    spin_unlock(&p->lock);
    if ( unlikely(!list_empty(&gone)) )
        xmem_regions_put(p, &gone);
}

/* Copies under the lock are bounded, to bound the time others wait. */
#define BACKWARD_COPY_MAX   4096

/*
 * Grow used block b (bsize bytes) into its free previous block, and its
 * free next block too if need be: one block starting at the previous one,
 * data moved down.  Returns the new block, or NULL (nothing changed) when
 * that is not enough or would break the alignment.  Lock held.
 */
static struct xmem_block *block_grow_backward(struct xmem_pool *p,
                                              struct xmem_block *b,
                                              unsigned long need,
                                              unsigned long align,
                                              unsigned long keep)
{
    struct xmem_block *prev = b->prev_phys, *next = block_next(b);
    unsigned long bsize = block_size(b), psize = block_size(prev);
    unsigned long nsize = block_is_free(next) ? block_size(next) : 0;

    if ( keep > BACKWARD_COPY_MAX || psize + bsize + nsize < need ||
         ((unsigned long)block_payload(prev) & (align - 1)) )
        return NULL;
    list_remove(p, prev);
    if ( nsize )
        list_remove(p, next);
    block_set_size(prev, psize + bsize + nsize);
    block_mark_used(prev);
    p->used_bytes += psize + nsize;
    memmove(block_payload(prev), block_payload(b), keep);
    return prev;
}

/*
 * Serve a realloc of a TLSF block without a new allocation when possible:
 * a shrink trims the tail; a growth absorbs a free next block, or else a
 * free previous block (data moved down).  Returns the block's payload
 * then, or NULL with *outcome saying why not.  *align comes back as the
 * alignment the block must keep, *cur as its usable size; *checked says
 * whether the failure-injection hook was consulted (once per growth).
 * A growth keeps up to 'roomy' bytes (block size) when they are there;
 * roomy == 0 forbids growing in place.
 */
void *xmem_pool_realloc_in_place(struct xmem_pool *p, void *ptr,
                                   unsigned long size, unsigned long *align,
                                   unsigned long *cur, bool *checked,
                                   unsigned long roomy,
                                   struct realloc_move *mv,
                                   enum realloc_outcome *outcome)
{
    struct xmem_block *b = block_of(ptr), *next;
    unsigned long need = size < BLOCK_LIMIT ? block_need(size) : ~0UL;
    unsigned long bsize, nsize, asked = need;
    enum trim_tail to;
    const char *why;
    LIST_HEAD(gone);

    spin_lock(&p->lock);
    why = pool_bad_pointer(p, ptr);
    if ( unlikely(why) )
    {
        spin_unlock(&p->lock);
        report_bad_free(p, ptr, why);
        *outcome = REALLOC_BAD_POINTER;
        return NULL;
    }
    bsize = block_size(b);
    *cur = bsize - BLOCK_HDR;
    if ( block_align(b) > *align )
        *align = block_align(b);
    *outcome = REALLOC_MOVE;
    if ( (unsigned long)ptr & (*align - 1) )
        goto out;
    /*
     * A shrink parks its tail (merged later, neighbours prefetched); the
     * excess of a growth was free space a moment ago and goes straight
     * back, except a small piece, which the cache takes.
     */
    to = p->quick_on ? TAIL_PARK : TAIL_TO_POOL;
    if ( need > bsize )
    {
        if ( p->quick_on )
            to = TAIL_CACHE_SMALL;
        *checked = true;
        if ( alloc_fail_check() )
        {
            *outcome = REALLOC_FAILED;
            goto out;
        }
        if ( !roomy )
            goto take;
        /* Neighbours this CPU freed a moment ago count. */
        xmem_deferred_drain(p, &gone);
        next = block_next(b);
        nsize = block_size(next);
        if ( block_is_free(next) && bsize + nsize >= need )
        {
            list_remove(p, next);
            block_set_size(b, bsize + nsize);
            block_mark_used(b);
            p->used_bytes += nsize;
        }
        else if ( block_prev_is_free(b) &&
                  (next = block_grow_backward(p, b, need, *align,
                                              min(*cur, size))) )
            b = next;
        else
            goto take;
        /* Headroom only for a small step (see growth_headroom()). */
        if ( need - bsize <= bsize / 4 )
            need = min(block_size(b), max(need, roomy));
    }
    else if ( (b->word & BW_ROOMY) && bsize <= roomy )
    {
        /*
         * The room an earlier growth left, and no more than a growth to
         * this size would leave: kept for the next step instead of being
         * cut off now and missed then.
         */
        block_set_align(b, *align);
        *outcome = REALLOC_DONE;
        goto out;
    }
    block_trim(p, b, need, to);
    block_set_align(b, *align);
    if ( block_size(b) >= asked + BLOCK_MIN )
        b->word |= BW_ROOMY;
    else
        b->word &= ~BW_ROOMY;
    *outcome = REALLOC_DONE;
    goto out;

 take:
    /*
     * The new block under the same lock: one lock round trip, and the
     * same attempts counted as allocating it afterwards would count.
     */
    if ( mv && mv->ok && *align == MEM_ALIGN && size < BLOCK_LIMIT )
    {
        unsigned long move = size > *cur && size - *cur <= *cur / 4
                             ? mv->room : size;
        struct xmem_block *to = pool_take(p, block_need(move), MEM_ALIGN);

        if ( to && move > size )
            to->word |= BW_ROOMY;
        mv->to = to ? block_payload(to) : NULL;
        *outcome = to ? REALLOC_TAKEN : REALLOC_FAILED;
    }
 out:
    spin_unlock(&p->lock);
    if ( unlikely(!list_empty(&gone)) )
        xmem_regions_put(p, &gone);
    return *outcome == REALLOC_DONE ? block_payload(b) : NULL;
}

/* ---- Pools ----------------------------------------------------------- */

#define POOL_STRUCT_ORDER xmem_order_of_bytes(sizeof(struct xmem_pool))

struct xmem_pool *xmem_pool_create(const char *name,
                                   xmem_pool_get_memory get_mem,
                                   xmem_pool_put_memory put_mem,
                                   unsigned long max_size,
                                   unsigned long grow_size)
{
    struct xmem_pool *p;
    unsigned int i;

    if ( !name )
        name = "(anonymous)";
    if ( !get_mem || grow_size < PAGE_SIZE || (grow_size & (PAGE_SIZE - 1)) ||
         grow_size >= BLOCK_LIMIT ||
         (max_size && max_size < grow_size) )
    {
        printk(XENLOG_ERR "xmem_pool_create(%s): bad arguments (get_mem %s, "
               "grow_size %#lx, max_size %#lx): grow_size must be whole "
               "pages, below 256 GiB and not above max_size\n", name,
               get_mem ? "set" : "missing", grow_size, max_size);
        return NULL;
    }
    p = alloc_xenheap_pages(POOL_STRUCT_ORDER, 0);
    if ( !p )
        return NULL;
    memset(p, 0, sizeof(*p));
    spin_lock_init(&p->lock);
    INIT_LIST_HEAD(&p->regions);
    p->get_mem = get_mem;
    p->put_mem = put_mem;
    p->max_size = max_size;
    p->grow_size = grow_size;
    p->retain_bytes = grow_size;
    for ( i = 0; i + 1 < sizeof(p->name) && name[i]; i++ )
        p->name[i] = name[i];
    p->name[i] = '\0';
    return p;
}

void *xmem_pool_alloc(unsigned long size, struct xmem_pool *pool)
{
    if ( alloc_fail_check() )
        return NULL;
    return xmem_pool_alloc_aligned(pool, size, MEM_ALIGN);
}

int xmem_pool_maxalloc(struct xmem_pool *pool)
{
    unsigned long max = pool_or_global(pool)->grow_size - REGION_OVERHEAD;

    return max > 0x7fffffffUL ? 0x7fffffff : (int)max;
}

void xmem_pool_free(void *ptr, struct xmem_pool *pool)
{
    if ( !ptr || ptr == ZERO_BLOCK_PTR )
        return;
    xmem_pool_free_block(pool, ptr);
}

void xmem_pool_destroy(struct xmem_pool *pool)
{
    struct xmem_region *r, *n;

    if ( !pool || pool == &xmem_global_pool )
        return;
    if ( pool->live_blocks )
        printk(XENLOG_WARNING "xmem_pool_destroy(%s): %lu blocks (%lu bytes) "
               "still allocated; their memory is released\n", pool->name,
               pool->live_blocks, pool->used_bytes);
    list_for_each_entry_safe(r, n, &pool->regions, link)
    {
        list_del(&r->link);
        heap_unpoison(r, r->bytes);
        if ( pool->put_mem )
            pool->put_mem(r);
    }
    free_xenheap_pages(pool, POOL_STRUCT_ORDER);
}

unsigned long xmem_pool_get_used_size(struct xmem_pool *pool)
{
    struct xmem_pool *p = pool_or_global(pool);

    return ACCESS_ONCE(p->used_bytes) - (p->quick_on ? xmalloc_cached_bytes()
                                                      : 0);
}

unsigned long xmem_pool_get_total_size(struct xmem_pool *pool)
{
    return ACCESS_ONCE(pool_or_global(pool)->total_bytes);
}

void xmem_pool_set_retain(struct xmem_pool *pool, unsigned long bytes)
{
    struct xmem_pool *p = pool_or_global(pool);

    spin_lock(&p->lock);
    p->retain_bytes = bytes;
    spin_unlock(&p->lock);
}
