/*
 * The global heap: _xmalloc, _xzalloc, _xrealloc and xfree over one TLSF
 * pool growing by 1 MiB runs of xenheap pages, with requests above 128 KiB
 * served as whole xenheap pages (docs/xmalloc.md).
 */
#include <xen/alloc_fail.h>
#include <xen/bitops.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/list.h>
#include <xen/mm.h>
#include <xen/smp.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>

#include "xmalloc_cpu.h"

/* ---- The global heap ------------------------------------------------- */

/* The global heap grows by runs of 2^GLOBAL_REGION_ORDER xenheap pages. */
#define GLOBAL_REGION_ORDER 8
#define GLOBAL_REGION_BYTES (PAGE_SIZE << GLOBAL_REGION_ORDER)
/* Requests whose block would exceed this are whole xenheap pages. */
#define PAGE_BLOCK_MIN      (GLOBAL_REGION_BYTES / 8)
/*
 * Marks the head page of a whole-page block (page_info.type_info); the low
 * bits keep log2 of the alignment asked, for a later move to keep it.
 */
#define PAGE_BLOCK_MARK     0x584d4c00U
#define PAGE_BLOCK_MARK_MASK 0xffffff00U
#define PAGE_BLOCK_MAX_ORDER 30

static void *global_get_mem(unsigned long bytes)
{
    (void)bytes;
    return alloc_xenheap_pages(GLOBAL_REGION_ORDER, 0);
}

static void global_put_mem(void *ptr)
{
    free_xenheap_pages(ptr, GLOBAL_REGION_ORDER);
}

struct xmem_pool xmem_global_pool = {
    .lock = SPIN_LOCK_UNLOCKED,
    .quick_on = true,
    .retain_bytes = 4 * GLOBAL_REGION_BYTES,
    .grow_size = GLOBAL_REGION_BYTES,
    .get_mem = global_get_mem,
    .put_mem = global_put_mem,
    .regions = LIST_HEAD_INIT(xmem_global_pool.regions),
    .name = "xmalloc",
};

static unsigned long page_block_bytes, page_block_count;

static void *page_block_alloc(unsigned long size, unsigned long align)
{
    unsigned int order;
    struct page_info *pg;
    void *p;

    if ( size > (PAGE_SIZE << PAGE_BLOCK_MAX_ORDER) )
        return NULL;
    order = xmem_order_of_bytes(size);
    p = alloc_xenheap_pages(order, 0);
    if ( !p )
        return NULL;
    pg = virt_to_page(p);
    pg->type_info = PAGE_BLOCK_MARK | (flsl(align) - 1);
    __atomic_fetch_add(&page_block_bytes, PAGE_SIZE << order,
                       __ATOMIC_RELAXED);
    __atomic_fetch_add(&page_block_count, 1, __ATOMIC_RELAXED);
    return p;
}

/* The head page of the whole-page block at p, or NULL if p is not one. */
static struct page_info *page_block_of(const void *p)
{
    struct page_info *pg;

    if ( (unsigned long)p & (PAGE_SIZE - 1) )
        return NULL;
    pg = virt_to_page(p);
    if ( !pg || (pg->type_info & PAGE_BLOCK_MARK_MASK) != PAGE_BLOCK_MARK ||
         (pg->count_info & (PGC_xen_heap | PGC_head)) !=
         (PGC_xen_heap | PGC_head) )
        return NULL;
    return pg;
}

static void page_block_free(struct page_info *pg, void *p)
{
    unsigned int order = pg->order;

    pg->type_info = 0;
    __atomic_fetch_sub(&page_block_bytes, PAGE_SIZE << order,
                       __ATOMIC_RELAXED);
    __atomic_fetch_sub(&page_block_count, 1, __ATOMIC_RELAXED);
    free_xenheap_pages(p, order);
}

static bool align_is_valid(unsigned long align)
{
    return align && !(align & (align - 1)) && align <= PAGE_SIZE;
}

static unsigned long fix_align(unsigned long align)
{
    return align < MEM_ALIGN ? MEM_ALIGN : align;
}

/* Whether a request is served by the TLSF heap rather than whole pages. */
static bool fits_tlsf(unsigned long size, unsigned long align)
{
    return size <= PAGE_BLOCK_MIN &&
           block_need(size) + (align > MEM_ALIGN ? align + BLOCK_MIN : 0) <=
           PAGE_BLOCK_MIN;
}

/* _xmalloc without the failure-injection check. */
static void *xmalloc_nocheck(unsigned long size, unsigned long align)
{
    if ( fits_tlsf(size, align) )
        return xmem_pool_alloc_aligned(&xmem_global_pool, size, align);
    return page_block_alloc(size, align);
}

static bool bad_align(const char *fn, unsigned long align)
{
    if ( likely(align_is_valid(align)) )
        return false;
    printk(XENLOG_ERR "%s: alignment %#lx is not a power of two up to %#lx\n",
           fn, align, PAGE_SIZE);
    return true;
}

/*
 * Small requests with at most the natural alignment: this CPU's cached
 * blocks are handed out without the lock (most of the heap's traffic).
 */
#define QUICK_SIZE_MAX      (SMALL_LIMIT - BLOCK_HDR - MEM_ALIGN)

static always_inline bool is_quick_request(unsigned long size,
                                           unsigned long align)
{
    return size - 1 < QUICK_SIZE_MAX && align - 1 < MEM_ALIGN &&
           !(align & (align - 1));
}

void *_xmalloc(unsigned long size, unsigned long align)
{
    if ( likely(is_quick_request(size, align)) )
    {
        struct xmem_block *b;

        if ( alloc_fail_check() )
            return NULL;
        b = cache_pop(block_need(size));
        if ( likely(b) )
            return block_payload(b);
        return xmem_pool_alloc_aligned(&xmem_global_pool, size, MEM_ALIGN);
    }
    if ( unlikely(bad_align("_xmalloc", align)) )
        return NULL;
    if ( unlikely(!size) )
        return ZERO_BLOCK_PTR;
    if ( alloc_fail_check() )
        return NULL;
    return xmalloc_nocheck(size, fix_align(align));
}

void *_xzalloc(unsigned long size, unsigned long align)
{
    void *p = _xmalloc(size, align);

    if ( p && p != ZERO_BLOCK_PTR )
        memset(p, 0, size);
    return p;
}

void xfree(void *p)
{
    struct page_info *pg;

    if ( !p || p == ZERO_BLOCK_PTR )
        return;
    /* Whole-page blocks are page-aligned: anything else is the pool's. */
    if ( likely((unsigned long)p & (PAGE_SIZE - 1)) )
    {
        /* The cache or the deferred list, inline: most frees end here. */
        if ( !free_to_cache(&xmem_global_pool, block_of(p)) )
            xmem_pool_free_locked(&xmem_global_pool, p);
        return;
    }
    pg = page_block_of(p);
    if ( pg )
        page_block_free(pg, p);
    else
        xmem_pool_free_block(&xmem_global_pool, p);
}

/*
 * Move a live allocation to a new one of 'size' bytes, 'keep' of which the
 * caller asked for (the rest is growth headroom); NULL: unchanged.
 */
static void *realloc_by_moving(void *ptr, unsigned long cur,
                               unsigned long size, unsigned long align,
                               unsigned long keep)
{
    void *q = fits_tlsf(size, align)
              ? xmem_pool_alloc_room(&xmem_global_pool, size, align,
                                     size > keep)
              : page_block_alloc(size, align);

    if ( !q )
        return NULL;
    memcpy(q, ptr, min(size, cur));
    xfree(ptr);
    return q;
}

/* Whole-page blocks: keep them unless the size drops an order or more. */
static void *page_block_realloc(void *ptr, struct page_info *pg,
                                unsigned long size, unsigned long align)
{
    unsigned long cur = PAGE_SIZE << pg->order;
    unsigned long kept = 1UL << (pg->type_info & ~PAGE_BLOCK_MARK_MASK);
    void *q;

    if ( kept > align )
        align = kept;
    if ( size <= cur )
    {
        if ( size > cur / 2 )
            return ptr;
        /* Shrinking never fails: if the move does, keep the block. */
        q = realloc_by_moving(ptr, cur, size, align, size);
        return q ? q : ptr;
    }
    if ( alloc_fail_check() )
        return NULL;
    return realloc_by_moving(ptr, cur, size, align, size);
}

/*
 * A block grown by a small step (at most a quarter of its size) is likely
 * to grow again the same way (flex arrays gaining an element at a time):
 * such a growth leaves it a quarter more, up to 4 KiB, so the next few
 * are served in place without a copy.  Big jumps get no headroom (they
 * say nothing about the next size); shrinks give the tail back.
 */
#define GROWTH_HEADROOM_MAX 4096UL

static unsigned long growth_headroom(unsigned long size)
{
    return size >= BLOCK_LIMIT ? 0 :
           ROUNDUP(min(size / 4, GROWTH_HEADROOM_MAX), MEM_ALIGN);
}

/*
 * A realloc the block already serves as it is: it holds 'size' bytes and
 * the locked path would write nothing (no tail of a block to cut, no flag
 * or alignment to change, no failure check: a fit is not an allocation).
 * Decided from the header alone, read without the lock as a free reads it
 * (size, flags and alignment do not change while the block is in use),
 * so the common step of a block grown with headroom takes no lock.  Any
 * other case, and anything odd about the block, is the locked path's.
 */
static always_inline bool realloc_fits_as_is(const void *ptr,
                                             unsigned long size,
                                             unsigned long align,
                                             unsigned long roomy)
{
    const struct xmem_block *b = block_of(ptr);
    unsigned long w, bsize, need;

    if ( size >= BLOCK_LIMIT || ((unsigned long)ptr & (align - 1)) )
        return false;
    w = block_used_word(&xmem_global_pool, b);
    if ( !w ||
         ((unsigned long)MEM_ALIGN << ((w & BW_ALIGN_MASK) >>
                                      BW_ALIGN_SHIFT)) < align )
        return false;
    bsize = w & BW_SIZE_MASK;
    need = block_need(size);
    if ( need > bsize )
        return false;
    /* The locked path's two outcomes that leave the header as it is. */
    return (w & BW_ROOMY) ? bsize <= roomy : bsize - need < BLOCK_MIN;
}

void *_xrealloc(void *ptr, unsigned long size, unsigned long align)
{
    struct page_info *pg;
    enum realloc_outcome outcome;
    struct realloc_move mv;
    unsigned long cur = 0, room, roomy;
    bool checked = false;
    void *q;

    if ( !ptr || ptr == ZERO_BLOCK_PTR )
        return _xmalloc(size, align);
    if ( unlikely(bad_align("_xrealloc", align)) )
        return NULL;
    if ( !size )
    {
        xfree(ptr);
        return ZERO_BLOCK_PTR;
    }
    align = fix_align(align);
    pg = page_block_of(ptr);
    if ( pg )
        return page_block_realloc(ptr, pg, size, align);

    room = size + growth_headroom(size);
    if ( fits_tlsf(room, align) )
        roomy = block_need(room);
    else
    {
        room = size;
        roomy = fits_tlsf(size, align) ? block_need(size) : 0;
    }
    if ( realloc_fits_as_is(ptr, size, align, roomy) )
        return ptr;
    mv.room = room;
    mv.ok = align == MEM_ALIGN && fits_tlsf(room, align);
    q = xmem_pool_realloc_in_place(&xmem_global_pool, ptr, size, &align, &cur,
                                   &checked, roomy, &mv, &outcome);
    if ( outcome == REALLOC_DONE )
        return q;
    if ( outcome == REALLOC_TAKEN )
    {
        memcpy(mv.to, ptr, min(size, cur));
        xfree(ptr);
        return mv.to;
    }
    if ( outcome != REALLOC_MOVE )
        return NULL;
    if ( !checked && alloc_fail_check() )
        return NULL;
    /* A small-step growth that moves takes its headroom along. */
    q = realloc_by_moving(ptr, cur,
                          size > cur && size - cur <= cur / 4 ? room : size,
                          align, size);
    return q;
}

/* Cached blocks are in use to the pool, but free to xmalloc's users. */
unsigned long xmalloc_used_bytes(void)
{
    return ACCESS_ONCE(xmem_global_pool.used_bytes) - xmalloc_cached_bytes() +
           __atomic_load_n(&page_block_bytes, __ATOMIC_RELAXED);
}

unsigned long xmalloc_live_blocks(void)
{
    unsigned long blocks, bytes;

    xmem_cache_totals(&blocks, &bytes);
    return ACCESS_ONCE(xmem_global_pool.live_blocks) - blocks +
           __atomic_load_n(&page_block_count, __ATOMIC_RELAXED);
}
