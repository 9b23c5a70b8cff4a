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
 *   - large requests of the global heap are whole xenheap pages.
 */
#include <xen/alloc_fail.h>
#include <xen/bitops.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/list.h>
#include <xen/mm.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>

/* ---- Size classes ---------------------------------------------------- */

#define ALIGN_SHIFT     4                       /* MEM_ALIGN == 16 */
#define SL_SHIFT        5                       /* 32 lists per class */
#define SL_COUNT        (1U << SL_SHIFT)
#define FL_SHIFT        (SL_SHIFT + ALIGN_SHIFT)
#define SMALL_LIMIT     (1UL << FL_SHIFT)       /* below: linear classes */
#define FL_MAX_SHIFT    38                      /* blocks below 256 GiB */
#define FL_COUNT        (FL_MAX_SHIFT - FL_SHIFT + 1)
#define BLOCK_LIMIT     (1UL << FL_MAX_SHIFT)

BUILD_BUG_ON(MEM_ALIGN != (1 << ALIGN_SHIFT));
BUILD_BUG_ON(FL_COUNT > 32);                    /* fl_bitmap is 32 bits */
BUILD_BUG_ON(SL_COUNT > 32);                    /* sl_bitmap[] entries too */
BUILD_BUG_ON(sizeof(unsigned long) != 8);       /* the header word layout */

/* ---- Block header ---------------------------------------------------- */

struct xmem_block {
    struct xmem_block *prev_phys;   /* valid only while PREV_FREE is set */
    unsigned long word;             /* size | align | tag | flags */
    struct xmem_block *next_free;   /* free blocks only */
    struct xmem_block *prev_free;
};

#define BLOCK_HDR       offsetof(struct xmem_block, next_free)
#define BLOCK_MIN       sizeof(struct xmem_block)

BUILD_BUG_ON(BLOCK_HDR != MEM_ALIGN);
BUILD_BUG_ON(BLOCK_MIN != 2 * MEM_ALIGN);

#define BW_FREE         0x1UL       /* this block is free */
#define BW_PREV_FREE    0x2UL       /* the previous physical block is free */
#define BW_FIRST        0x4UL       /* first block of its region */
#define BW_QUICK        0x8UL       /* freed, parked on a quick list */
#define BW_FLAGS        0xfUL
#define BW_SIZE_MASK    0x0000fffffffffff0UL
#define BW_ALIGN_SHIFT  48          /* log2(alignment) - ALIGN_SHIFT */
#define BW_ALIGN_MASK   (0xfUL << BW_ALIGN_SHIFT)
#define BW_TAG_MASK     (0xfffUL << 52)
#define BW_TAG          (0xb1cUL << 52)

BUILD_BUG_ON((BLOCK_LIMIT - 1) & ~(BW_SIZE_MASK | 0xfUL));
BUILD_BUG_ON(PAGE_SHIFT - ALIGN_SHIFT > 0xf);

static always_inline unsigned long block_size(const struct xmem_block *b)
{
    return b->word & BW_SIZE_MASK;
}

static always_inline void block_set_size(struct xmem_block *b,
                                         unsigned long size)
{
    b->word = (b->word & ~BW_SIZE_MASK) | size;
}

static always_inline bool block_is_free(const struct xmem_block *b)
{
    return b->word & BW_FREE;
}

static always_inline bool block_prev_is_free(const struct xmem_block *b)
{
    return b->word & BW_PREV_FREE;
}

static always_inline bool block_has_tag(const struct xmem_block *b)
{
    return (b->word & BW_TAG_MASK) == BW_TAG;
}

static always_inline unsigned long block_align(const struct xmem_block *b)
{
    return MEM_ALIGN << ((b->word & BW_ALIGN_MASK) >> BW_ALIGN_SHIFT);
}

static always_inline void block_set_align(struct xmem_block *b,
                                          unsigned long align)
{
    unsigned long shift = flsl(align) - 1 - ALIGN_SHIFT;

    b->word = (b->word & ~BW_ALIGN_MASK) | (shift << BW_ALIGN_SHIFT);
}

static always_inline struct xmem_block *block_next(const struct xmem_block *b)
{
    return (struct xmem_block *)((char *)b + block_size(b));
}

static always_inline void *block_payload(const struct xmem_block *b)
{
    return (char *)b + BLOCK_HDR;
}

static always_inline struct xmem_block *block_of(const void *p)
{
    return (struct xmem_block *)((char *)p - BLOCK_HDR);
}

static always_inline unsigned long block_usable(const struct xmem_block *b)
{
    return block_size(b) - BLOCK_HDR;
}

/* Flag b free and tell its physical successor. */
static always_inline void block_mark_free(struct xmem_block *b)
{
    struct xmem_block *next = block_next(b);

    b->word = (b->word & ~BW_ALIGN_MASK) | BW_FREE;
    next->prev_phys = b;
    next->word |= BW_PREV_FREE;
}

static always_inline void block_mark_used(struct xmem_block *b)
{
    b->word &= ~BW_FREE;
    block_next(b)->word &= ~BW_PREV_FREE;
}

/* A block's size for a request: header added, rounded, at least minimal. */
static always_inline unsigned long block_need(unsigned long size)
{
    unsigned long need = ROUNDUP(size + BLOCK_HDR, MEM_ALIGN);

    return need < BLOCK_MIN ? BLOCK_MIN : need;
}

/* ---- Regions and pools ----------------------------------------------- */

struct xmem_region {
    struct list_head link;          /* in the pool's region list */
    unsigned long bytes;            /* whole region, this header included */
    unsigned long pad;
};

#define REGION_HDR      sizeof(struct xmem_region)
/* Region header, one block header, and the closing sentinel header. */
#define REGION_OVERHEAD (REGION_HDR + BLOCK_HDR + BLOCK_HDR)

BUILD_BUG_ON(REGION_HDR % MEM_ALIGN);

/*
 * Quick lists (global heap only): freed small blocks parked whole, by
 * exact size, up to QUICK_DEPTH per size, and handed out again as they
 * are.  A free then touches no neighbour and a malloc of a recently freed
 * size no list but this one: the cache misses of merging are what make
 * small blocks slower than glibc's tcache.  Parked blocks are used blocks
 * to their neighbours (BW_QUICK set, BW_FREE clear); they are merged back
 * (flushed) before the heap grows.
 */
#define QUICK_CLASSES   (SMALL_LIMIT >> ALIGN_SHIFT)
#define QUICK_DEPTH     16

struct xmem_pool {
    spinlock_t lock;                /* guards everything below */
    bool quick_on;
    uint8_t quick_count[QUICK_CLASSES];
    struct xmem_block *quick[QUICK_CLASSES];    /* linked by next_free */
    unsigned long quick_blocks, quick_bytes;
    uint32_t fl_bitmap;             /* bit fl: sl_bitmap[fl] != 0 */
    uint32_t sl_bitmap[FL_COUNT];   /* bit sl: heads[fl][sl] != NULL */
    struct xmem_block *heads[FL_COUNT][SL_COUNT];
    unsigned long used_bytes;       /* blocks in use, headers included */
    unsigned long live_blocks;
    unsigned long total_bytes;      /* regions obtained */
    unsigned long retain_bytes;     /* free space kept on empty regions */
    unsigned long max_size;         /* 0: unbounded */
    unsigned long grow_size;
    xmem_pool_get_memory *get_mem;
    xmem_pool_put_memory *put_mem;
    struct list_head regions;
    char name[32];
};

/* ---- Index helpers --------------------------------------------------- */

/* The list a free block of this size lives on. */
static always_inline void mapping_insert(unsigned long size, unsigned int *fl,
                                         unsigned int *sl)
{
    if ( size < SMALL_LIMIT )
    {
        *fl = 0;
        *sl = size >> ALIGN_SHIFT;
    }
    else
    {
        unsigned int top = flsl(size) - 1;

        *fl = top - FL_SHIFT + 1;
        *sl = (size >> (top - SL_SHIFT)) ^ SL_COUNT;
    }
}

/*
 * The first list whose every block fits 'size': round up to the next
 * second-level step so any block found is large enough (good fit, O(1)).
 */
static always_inline void mapping_search(unsigned long size, unsigned int *fl,
                                         unsigned int *sl)
{
    if ( size >= SMALL_LIMIT )
        size += (1UL << (flsl(size) - 1 - SL_SHIFT)) - 1;
    mapping_insert(size, fl, sl);
}

static always_inline unsigned int lowest_bit(uint32_t map)
{
    return __builtin_ctz(map);
}

/* Bits of 'map' at position 'from' and above. */
static always_inline uint32_t bits_from(uint32_t map, unsigned int from)
{
    return from >= 32 ? 0 : map & (~0U << from);
}

/* ---- Free lists ------------------------------------------------------ */

static always_inline void list_insert(struct xmem_pool *p,
                                      struct xmem_block *b)
{
    unsigned int fl, sl;
    struct xmem_block *head;

    mapping_insert(block_size(b), &fl, &sl);
    head = p->heads[fl][sl];
    b->next_free = head;
    b->prev_free = NULL;
    if ( head )
        head->prev_free = b;
    p->heads[fl][sl] = b;
    p->fl_bitmap |= 1U << fl;
    p->sl_bitmap[fl] |= 1U << sl;
}

static always_inline void list_remove_at(struct xmem_pool *p,
                                         struct xmem_block *b,
                                         unsigned int fl, unsigned int sl)
{
    struct xmem_block *next = b->next_free, *prev = b->prev_free;

    if ( next )
        next->prev_free = prev;
    if ( prev )
        prev->next_free = next;
    else
    {
        p->heads[fl][sl] = next;
        if ( !next )
        {
            p->sl_bitmap[fl] &= ~(1U << sl);
            if ( !p->sl_bitmap[fl] )
                p->fl_bitmap &= ~(1U << fl);
        }
    }
}

static always_inline void list_remove(struct xmem_pool *p,
                                      struct xmem_block *b)
{
    unsigned int fl, sl;

    mapping_insert(block_size(b), &fl, &sl);
    list_remove_at(p, b, fl, sl);
}

/* Take a free block of at least 'need' bytes off its list, or NULL. */
static always_inline struct xmem_block *list_take_fit(struct xmem_pool *p,
                                                     unsigned long need)
{
    unsigned int fl, sl;
    uint32_t map;
    struct xmem_block *b;

    mapping_search(need, &fl, &sl);
    if ( fl >= FL_COUNT )
        return NULL;
    map = bits_from(p->sl_bitmap[fl], sl);
    if ( !map )
    {
        uint32_t fmap = bits_from(p->fl_bitmap, fl + 1);

        if ( !fmap )
            return NULL;
        fl = lowest_bit(fmap);
        map = p->sl_bitmap[fl];
    }
    sl = lowest_bit(map);
    b = p->heads[fl][sl];
    list_remove_at(p, b, fl, sl);
    return b;
}

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

/* Cut a used block down to 'need' bytes; the tail goes back to the pool. */
static void block_trim(struct xmem_pool *p, struct xmem_block *b,
                       unsigned long need)
{
    unsigned long size = block_size(b);
    struct xmem_block *rest;

    if ( size - need < BLOCK_MIN )
        return;
    block_set_size(b, need);
    rest = block_next(b);
    rest->word = BW_TAG | (size - need);
    block_release(p, rest);
    p->used_bytes -= size - need;
}

/* Split 'gap' bytes off the front of free block b; returns the rest. */
static struct xmem_block *block_cut_front(struct xmem_pool *p,
                                          struct xmem_block *b,
                                          unsigned long gap)
{
    unsigned long size = block_size(b);
    struct xmem_block *rest = (struct xmem_block *)((char *)b + gap);

    rest->word = BW_TAG | (size - gap);
    block_set_size(b, gap);
    block_mark_free(b);
    list_insert(p, b);
    return rest;
}

/* ---- Regions --------------------------------------------------------- */

static struct xmem_region *region_of_first(struct xmem_block *b)
{
    return (struct xmem_region *)((char *)b - REGION_HDR);
}

static struct xmem_block *region_first(const struct xmem_region *r)
{
    return (struct xmem_block *)((char *)r + REGION_HDR);
}

/*
 * Lay out fresh memory as one free block plus a sentinel; lock held.
 * Returns the free block (on its list).
 */
static struct xmem_block *region_add(struct xmem_pool *p, void *mem, unsigned long bytes)
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

static bool pool_owns(const struct xmem_pool *p, const void *ptr)
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
    if ( !pool_owns(p, ptr) )
        return "pointer not in any region of the pool";
#else
    (void)p;
#endif
    if ( !block_has_tag(b) || block_size(b) < BLOCK_MIN )
        return "no block header at this address";
    if ( block_is_free(b) || (b->word & BW_QUICK) )
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

/* ---- Quick lists (lock held) ----------------------------------------- */

static always_inline bool quick_push(struct xmem_pool *p, struct xmem_block *b)
{
    unsigned long size = block_size(b);
    unsigned int c = size >> ALIGN_SHIFT;

    if ( !p->quick_on || size >= SMALL_LIMIT ||
         p->quick_count[c] >= QUICK_DEPTH )
        return false;
    b->word = (b->word & ~BW_ALIGN_MASK) | BW_QUICK;
    b->next_free = p->quick[c];
    p->quick[c] = b;
    p->quick_count[c]++;
    p->quick_blocks++;
    p->quick_bytes += size;
    return true;
}

static always_inline struct xmem_block *quick_pop(struct xmem_pool *p,
                                                 unsigned long size)
{
    unsigned int c = size >> ALIGN_SHIFT;
    struct xmem_block *b = p->quick[c];

    p->quick[c] = b->next_free;
    p->quick_count[c]--;
    p->quick_blocks--;
    p->quick_bytes -= size;
    b->word &= ~BW_QUICK;
    p->used_bytes += size;
    p->live_blocks++;
    return b;
}

/* Merge every parked block back into the free lists. */
static void quick_flush(struct xmem_pool *p)
{
    unsigned int c;

    for ( c = 0; c < QUICK_CLASSES; c++ )
        while ( p->quick[c] )
        {
            struct xmem_block *b = p->quick[c];

            p->quick[c] = b->next_free;
            b->word &= ~BW_QUICK;
            block_release(p, b);
        }
    memset(p->quick_count, 0, sizeof(p->quick_count));
    p->quick_blocks = p->quick_bytes = 0;
}

/*
 * Find a free block for 'need' bytes whose payload is 'align'-aligned,
 * carve it and mark it used.  Lock held.
 */
static struct xmem_block *pool_take(struct xmem_pool *p, unsigned long need,
                                    unsigned long align)
{
    struct xmem_block *b;
    unsigned long search = need;

    /* Room to move the payload up to the alignment, leaving a free gap. */
    if ( align > MEM_ALIGN )
        search += align + BLOCK_MIN - MEM_ALIGN;

    if ( need < SMALL_LIMIT && align <= MEM_ALIGN &&
         p->quick[need >> ALIGN_SHIFT] )
        return quick_pop(p, need);

    b = list_take_fit(p, search);
    if ( unlikely(!b) && p->quick_blocks )
    {
        quick_flush(p);
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

    if ( align > MEM_ALIGN )
    {
        unsigned long pay = (unsigned long)block_payload(b);
        unsigned long gap = ROUNDUP(pay, align) - pay;

        if ( gap && gap < BLOCK_MIN )
            gap += align;
        if ( gap )
            b = block_cut_front(p, b, gap);
    }
    block_mark_used(b);
    p->used_bytes += block_size(b);
    p->live_blocks++;
    block_trim(p, b, need);
    if ( align > MEM_ALIGN )
        block_set_align(b, align);
    return b;
}

static void *pool_alloc_locked(struct xmem_pool *p, unsigned long size,
                               unsigned long align)
{
    struct xmem_block *b;

    if ( size >= BLOCK_LIMIT - PAGE_SIZE * 2 )
        return NULL;
    spin_lock(&p->lock);
    b = pool_take(p, block_need(size), align);
    spin_unlock(&p->lock);
    return b ? block_payload(b) : NULL;
}

/*
 * Start fetching the headers a free will merge with while the lock is
 * being taken.  Only a hint: read without the lock, and only in release
 * builds, where a foreign pointer is not checked before its header is
 * read anyway.
 */
static always_inline void block_prefetch_neighbours(const struct xmem_block *b)
{
    unsigned long w = __atomic_load_n(&b->word, __ATOMIC_RELAXED);

    if ( (w & BW_SIZE_MASK) < SMALL_LIMIT )
        return;                     /* likely parked on a quick list */
    __builtin_prefetch((const char *)b + (w & BW_SIZE_MASK), 1);
    if ( w & BW_PREV_FREE )
        __builtin_prefetch(__atomic_load_n(&b->prev_phys, __ATOMIC_RELAXED),
                           1);
}

static void pool_free_block(struct xmem_pool *p, void *ptr)
{
    struct xmem_block *b = block_of(ptr);
    struct xmem_region *gone = NULL;
    const char *why;

#ifdef NDEBUG
    block_prefetch_neighbours(b);
#endif
    spin_lock(&p->lock);
    why = pool_bad_pointer(p, ptr);
    if ( unlikely(why) )
    {
        spin_unlock(&p->lock);
        report_bad_free(p, ptr, why);
        return;
    }
    p->used_bytes -= block_size(b);
    p->live_blocks--;
    if ( quick_push(p, b) )
    {
        spin_unlock(&p->lock);
        return;
    }
    b = block_release(p, b);
    if ( unlikely(region_is_empty(b)) )
        gone = region_maybe_detach(p, b);
    spin_unlock(&p->lock);
    if ( gone )
        p->put_mem(gone);
}

/* What pool_realloc_in_place() managed. */
enum realloc_outcome {
    REALLOC_DONE,           /* resized in place */
    REALLOC_MOVE,           /* must allocate, copy and free */
    REALLOC_FAILED,         /* injected failure: nothing changed */
    REALLOC_BAD_POINTER,    /* reported: not a live block */
};

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
static void *pool_realloc_in_place(struct xmem_pool *p, void *ptr,
                                   unsigned long size, unsigned long *align,
                                   unsigned long *cur, bool *checked,
                                   unsigned long roomy,
                                   enum realloc_outcome *outcome)
{
    struct xmem_block *b = block_of(ptr), *next;
    unsigned long need = size < BLOCK_LIMIT ? block_need(size) : ~0UL;
    unsigned long bsize, nsize;
    const char *why;

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
    if ( need > bsize )
    {
        *checked = true;
        if ( alloc_fail_check() )
        {
            *outcome = REALLOC_FAILED;
            goto out;
        }
        if ( !roomy )
            goto out;
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
            goto out;
        need = min(block_size(b), max(need, roomy));
    }
    block_trim(p, b, need);
    block_set_align(b, *align);
    *outcome = REALLOC_DONE;
 out:
    spin_unlock(&p->lock);
    return *outcome == REALLOC_DONE ? block_payload(b) : NULL;
}

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

static struct xmem_pool xmalloc_pool = {
    .lock = SPIN_LOCK_UNLOCKED,
    .quick_on = true,
    .retain_bytes = 4 * GLOBAL_REGION_BYTES,
    .grow_size = GLOBAL_REGION_BYTES,
    .get_mem = global_get_mem,
    .put_mem = global_put_mem,
    .regions = LIST_HEAD_INIT(xmalloc_pool.regions),
    .name = "xmalloc",
};

static unsigned long page_block_bytes, page_block_count;

static unsigned int order_of_bytes(unsigned long bytes)
{
    unsigned int order = 0;

    while ( (PAGE_SIZE << order) < bytes )
        order++;
    return order;
}

static void *page_block_alloc(unsigned long size, unsigned long align)
{
    unsigned int order;
    struct page_info *pg;
    void *p;

    if ( size > (PAGE_SIZE << PAGE_BLOCK_MAX_ORDER) )
        return NULL;
    order = order_of_bytes(size);
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
        return pool_alloc_locked(&xmalloc_pool, size, align);
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

void *_xmalloc(unsigned long size, unsigned long align)
{
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
    pg = page_block_of(p);
    if ( pg )
        page_block_free(pg, p);
    else
        pool_free_block(&xmalloc_pool, p);
}

/* Move a live allocation to a new one of 'size' bytes; NULL: unchanged. */
static void *realloc_by_moving(void *ptr, unsigned long cur,
                               unsigned long size, unsigned long align)
{
    void *q = xmalloc_nocheck(size, align);

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
        q = realloc_by_moving(ptr, cur, size, align);
        return q ? q : ptr;
    }
    if ( alloc_fail_check() )
        return NULL;
    return realloc_by_moving(ptr, cur, size, align);
}

/*
 * A block grown by realloc is likely to grow again (flex arrays gaining an
 * element at a time): growth leaves it a quarter more, up to 4 KiB, so the
 * next few growths are served in place without a copy.  Shrinks give the
 * tail back.
 */
#define GROWTH_HEADROOM_MAX 4096UL

static unsigned long growth_headroom(unsigned long size)
{
    return size >= BLOCK_LIMIT ? 0 :
           ROUNDUP(min(size / 4, GROWTH_HEADROOM_MAX), MEM_ALIGN);
}

void *_xrealloc(void *ptr, unsigned long size, unsigned long align)
{
    struct page_info *pg;
    enum realloc_outcome outcome;
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
    q = pool_realloc_in_place(&xmalloc_pool, ptr, size, &align, &cur,
                              &checked, roomy, &outcome);
    if ( outcome == REALLOC_DONE )
        return q;
    if ( outcome != REALLOC_MOVE )
        return NULL;
    if ( !checked && alloc_fail_check() )
        return NULL;
    /* A growth that moves takes its headroom along. */
    q = realloc_by_moving(ptr, cur, size > cur ? room : size, align);
    return q;
}

unsigned long xmalloc_used_bytes(void)
{
    return ACCESS_ONCE(xmalloc_pool.used_bytes) +
           __atomic_load_n(&page_block_bytes, __ATOMIC_RELAXED);
}

unsigned long xmalloc_live_blocks(void)
{
    return ACCESS_ONCE(xmalloc_pool.live_blocks) +
           __atomic_load_n(&page_block_count, __ATOMIC_RELAXED);
}

/* ---- Pools ----------------------------------------------------------- */

static struct xmem_pool *pool_or_global(struct xmem_pool *p)
{
    return p ? p : &xmalloc_pool;
}

#define POOL_STRUCT_ORDER order_of_bytes(sizeof(struct xmem_pool))

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
    return pool_alloc_locked(pool, size, MEM_ALIGN);
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
    pool_free_block(pool, ptr);
}

void xmem_pool_destroy(struct xmem_pool *pool)
{
    struct xmem_region *r, *n;

    if ( !pool || pool == &xmalloc_pool )
        return;
    if ( pool->live_blocks )
        printk(XENLOG_WARNING "xmem_pool_destroy(%s): %lu blocks (%lu bytes) "
               "still allocated; their memory is released\n", pool->name,
               pool->live_blocks, pool->used_bytes);
    list_for_each_entry_safe(r, n, &pool->regions, link)
    {
        list_del(&r->link);
        if ( pool->put_mem )
            pool->put_mem(r);
    }
    free_xenheap_pages(pool, POOL_STRUCT_ORDER);
}

unsigned long xmem_pool_get_used_size(struct xmem_pool *pool)
{
    return ACCESS_ONCE(pool_or_global(pool)->used_bytes);
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

/* ---- Consistency checker --------------------------------------------- */

struct check_state {
    const struct xmem_pool *p;
    unsigned long free_blocks, used_blocks, used_bytes, total_bytes;
    unsigned long quick_blocks, quick_bytes;
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
        else if ( b->word & BW_QUICK )
        {
            s->quick_blocks++;
            s->quick_bytes += size;
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
                if ( (unsigned long)b & (MEM_ALIGN - 1) || !pool_owns(p, b) )
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

/* Every parked block is on the quick list of its size, and counted. */
static int check_quick(struct check_state *s)
{
    const struct xmem_pool *p = s->p;
    unsigned long listed = 0;
    unsigned int c, n;

    for ( c = 0; c < QUICK_CLASSES; c++ )
    {
        const struct xmem_block *b = p->quick[c];

        for ( n = 0; b; b = b->next_free, n++ )
        {
            if ( ++listed > s->quick_blocks ||
                 (unsigned long)b & (MEM_ALIGN - 1) || !pool_owns(p, b) )
                return check_fail(p, "quick list points at something "
                                  "not parked in the pool", b);
            if ( !block_has_tag(b) || !(b->word & BW_QUICK) ||
                 block_is_free(b) || (block_size(b) >> ALIGN_SHIFT) != c )
                return check_fail(p, "block on the wrong quick list", b);
        }
        if ( n != p->quick_count[c] )
            return check_fail(p, "quick list length disagrees with its "
                              "count", &p->quick[c]);
    }
    if ( listed != s->quick_blocks || listed != p->quick_blocks ||
         s->quick_bytes != p->quick_bytes )
        return check_fail(p, "parked blocks disagree with the quick "
                          "lists", p);
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
    if ( !rc )
        rc = check_quick(&s);
    if ( !rc && s.total_bytes != p->total_bytes )
        rc = check_fail(p, "region bytes disagree with the pool total", p);
    if ( !rc && (s.used_bytes != p->used_bytes ||
                 s.used_blocks != p->live_blocks) )
        rc = check_fail(p, "used blocks disagree with the pool counters", p);
    spin_unlock(&p->lock);
    return rc;
}
