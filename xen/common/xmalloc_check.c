/*
 * xmem_pool_check(): walk a pool's regions, block headers, free lists,
 * bitmaps and (global heap) the CPUs' caches; report the first inconsistency in one console
 * line and return an error.  For tests; never aborts.
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

/* ---- Consistency checker --------------------------------------------- */

struct check_state {
    const struct xmem_pool *p;
    unsigned long free_blocks, used_blocks, used_bytes, total_bytes;
};

static int check_fail(const struct xmem_pool *p, const char *what,
                      const void *where)
{
    printk(XENLOG_ERR "xmem_pool_check(%s): %s at %p\n", p->name, what,
           where);
    return -EFAULT;
}

static int check_region(struct check_state *s, const struct xmem_region *r)
{
    const char *end = (const char *)r + r->bytes - BLOCK_HDR;
    const struct xmem_block *b = region_first(r), *prev = NULL;

    if ( r->bytes < REGION_OVERHEAD + BLOCK_MIN ||
         (r->bytes & (MEM_ALIGN - 1)) )
        return check_fail(s->p, "region of impossible size", r);
    s->total_bytes += r->bytes;
    for ( ; ; )
    {
        unsigned long size;
        unsigned int fl, sl;

        if ( (const char *)b > end )
            return check_fail(s->p, "block runs past its region", b);
        if ( !block_has_tag(b) )
            return check_fail(s->p, "block header without its tag", b);
        size = block_size(b);
        if ( !!(b->word & BW_FIRST) != !prev )
            return check_fail(s->p, "FIRST flag on the wrong block", b);
        if ( block_prev_is_free(b) != (prev && block_is_free(prev)) )
            return check_fail(s->p, "PREV_FREE flag disagrees with the "
                              "previous block", b);
        if ( block_prev_is_free(b) && b->prev_phys != prev )
            return check_fail(s->p, "prev_phys does not point at the "
                              "previous block", b);
        if ( (const char *)b == end )
        {
            if ( size != 0 || block_is_free(b) )
                return check_fail(s->p, "region sentinel damaged", b);
            return 0;
        }
        if ( size < BLOCK_MIN || (const char *)b + size > end )
            return check_fail(s->p, "block size out of range", b);
        if ( block_is_free(b) )
        {
            if ( prev && block_is_free(prev) )
                return check_fail(s->p, "two adjacent free blocks "
                                  "(missed merge)", b);
            mapping_insert(size, &fl, &sl);
            if ( !(s->p->sl_bitmap[fl] & (1U << sl)) )
                return check_fail(s->p, "free block on a list the bitmap "
                                  "says is empty", b);
            s->free_blocks++;
        }
        else
        {
            s->used_blocks++;
            s->used_bytes += size;
        }
        prev = b;
        b = block_next(b);
    }
}

/* Every list entry is a free, tagged block of its list's class. */
static int check_lists(struct check_state *s)
{
    const struct xmem_pool *p = s->p;
    unsigned long listed = 0;
    unsigned int fl, sl;

    for ( fl = 0; fl < FL_COUNT; fl++ )
    {
        if ( !!(p->fl_bitmap & (1U << fl)) != !!p->sl_bitmap[fl] )
            return check_fail(p, "first-level bitmap disagrees with the "
                              "second level", &p->sl_bitmap[fl]);
        for ( sl = 0; sl < SL_COUNT; sl++ )
        {
            const struct xmem_block *b = p->heads[fl][sl], *prev = NULL;

            if ( !!(p->sl_bitmap[fl] & (1U << sl)) != !!b )
                return check_fail(p, "second-level bitmap disagrees with "
                                  "its list", &p->heads[fl][sl]);
            for ( ; b; prev = b, b = b->next_free )
            {
                unsigned int bfl, bsl;

                if ( ++listed > s->free_blocks )
                    return check_fail(p, "more blocks on the free lists "
                                      "than free blocks in the regions", b);
                if ( (unsigned long)b & (MEM_ALIGN - 1) || !xmem_pool_owns(p, b) )
                    return check_fail(p, "free list points outside the "
                                      "pool", b);
                if ( !block_has_tag(b) || !block_is_free(b) )
                    return check_fail(p, "used block on a free list", b);
                if ( b->prev_free != prev )
                    return check_fail(p, "broken back link on a free "
                                      "list", b);
                mapping_insert(block_size(b), &bfl, &bsl);
                if ( bfl != fl || bsl != sl )
                    return check_fail(p, "free block on the wrong list", b);
            }
        }
    }
    if ( listed != s->free_blocks )
        return check_fail(p, "free blocks missing from the free lists", p);
    return 0;
}

/*
 * Every cached or deferred block is a used block of the pool, in the cache
 * list of its size (cached) or on its CPU's deferred list, marked, and
 * counted.  The caches are read without their owners'
 * cooperation: check a global heap no other CPU is using.
 */
static int check_caches(struct check_state *s)
{
    const struct xmem_pool *p = s->p;
    unsigned long cached = 0;
    unsigned int cpu, k, n;

    for ( cpu = 0; cpu < NR_CPUS; cpu++ )
    {
        const struct xmem_cpu_cache *c = &xmem_cpu_caches[cpu];
        unsigned long blocks = 0, bytes = 0;
        const struct xmem_block *b;

        for ( k = 0; k < QUICK_CLASSES; k++ )
        {
            for ( b = c->list[k], n = 0; b; b = b->next_free, n++ )
            {
                if ( ++cached > s->used_blocks ||
                     (unsigned long)b & (MEM_ALIGN - 1) ||
                     !xmem_pool_owns(p, b) )
                    return check_fail(p, "CPU cache points at something "
                                      "not in the pool", b);
                if ( !block_has_tag(b) || block_is_free(b) ||
                     !block_is_cached(b) ||
                     (block_size(b) >> ALIGN_SHIFT) != k )
                    return check_fail(p, "block on the wrong CPU cache "
                                      "list", b);
                blocks++;
                bytes += block_size(b);
            }
            if ( n != c->count[k] )
                return check_fail(p, "CPU cache list length disagrees with "
                                  "its count", &c->list[k]);
        }
        for ( b = c->deferred, n = 0; b; b = b->next_free, n++ )
        {
            if ( ++cached > s->used_blocks || n >= DEFER_MAX ||
                 (unsigned long)b & (MEM_ALIGN - 1) ||
                 !xmem_pool_owns(p, b) )
                return check_fail(p, "deferred free list points at "
                                  "something not in the pool", b);
            if ( !block_has_tag(b) || block_is_free(b) ||
                 !block_is_cached(b) )
                return check_fail(p, "unmarked block on a deferred free "
                                  "list", b);
            blocks++;
            bytes += block_size(b);
        }
        if ( n != c->nr_deferred )
            return check_fail(p, "deferred free list length disagrees with "
                              "its count", &c->deferred);
        if ( blocks != c->blocks || bytes != c->bytes )
            return check_fail(p, "CPU cache totals disagree with its "
                              "lists", c);
    }
    return 0;
}

int xmem_pool_check(struct xmem_pool *pool)
{
    struct xmem_pool *p = pool_or_global(pool);
    struct check_state s = { .p = p };
    const struct xmem_region *r;
    int rc = 0;

    spin_lock(&p->lock);
    list_for_each_entry(r, &p->regions, link)
    {
        rc = check_region(&s, r);
        if ( rc )
            break;
    }
    if ( !rc )
        rc = check_lists(&s);
    if ( !rc && p->quick_on )
        rc = check_caches(&s);
    if ( !rc && s.total_bytes != p->total_bytes )
        rc = check_fail(p, "region bytes disagree with the pool total", p);
    if ( !rc && (s.used_bytes != p->used_bytes ||
                 s.used_blocks != p->live_blocks) )
        rc = check_fail(p, "used blocks disagree with the pool counters", p);
    spin_unlock(&p->lock);
    return rc;
}
