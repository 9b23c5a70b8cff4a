#ifndef XEN_COMMON_XMALLOC_TLSF_H
#define XEN_COMMON_XMALLOC_TLSF_H

/*
 * Internals of the TLSF heap shared by xmalloc_tlsf.c (pools, blocks, free
 * lists), xmalloc_heap.c (the global heap: _xmalloc and friends, whole-page
 * blocks) and xmalloc_check.c (the consistency checker).  Not an
 * interface: users include <xen/xmalloc.h>.  docs/xmalloc.md describes the
 * layout.
 */
#include <xen/heap_poison.h>
#include <xen/bitops.h>
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
#define BW_ROOMY        0x8UL       /* used, grown with room for more */
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

/*
 * Heap poisoning (asm/heap_poison.h; AddressSanitizer builds only): the
 * payload of a free or cached block is out of bounds for everyone, except
 * its first 16 bytes, where the heap keeps its links.  Block headers are
 * always addressable; a used block's whole payload is.
 */
static always_inline void block_poison_payload(const struct xmem_block *b,
                                               unsigned long size)
{
    heap_poison((const char *)b + BLOCK_MIN, size - BLOCK_MIN);
}

static always_inline void block_unpoison_payload(const struct xmem_block *b,
                                                 unsigned long size)
{
    heap_unpoison(block_payload(b), size - BLOCK_HDR);
}

/*
 * The successor may be a used block whose owner reads its header without
 * the lock (the cache fast path): single stores, though the lock orders
 * all writers.
 */
static always_inline void block_tell_next(struct xmem_block *next,
                                          struct xmem_block *prev_free)
{
    unsigned long w = next->word;

    w = prev_free ? w | BW_PREV_FREE : w & ~BW_PREV_FREE;
    if ( prev_free )
        __atomic_store_n(&next->prev_phys, prev_free, __ATOMIC_RELAXED);
    __atomic_store_n(&next->word, w, __ATOMIC_RELAXED);
}

/* Flag b free and tell its physical successor. */
static always_inline void block_mark_free(struct xmem_block *b)
{
    b->word = (b->word & ~(BW_ALIGN_MASK | BW_ROOMY)) | BW_FREE;
    block_tell_next(block_next(b), b);
    block_poison_payload(b, block_size(b));
}

/* Flag b used (at its final size) and tell its physical successor. */
static always_inline void block_mark_used(struct xmem_block *b)
{
    b->word &= ~BW_FREE;
    block_tell_next(block_next(b), NULL);
    block_unpoison_payload(b, block_size(b));
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

struct xmem_pool {
    spinlock_t lock;                /* guards everything below */
    bool quick_on;                  /* the global heap: per-CPU caches */
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

/* Whether ptr lies inside one of the pool's regions (lock held). */
bool xmem_pool_owns(const struct xmem_pool *p, const void *ptr);

/* ---- Shared between the xmalloc_*.c files ------------------------------ */

/* The global heap (xmalloc_heap.c). */
extern struct xmem_pool xmem_global_pool;

/* NULL names the global heap in the pool functions. */
static inline struct xmem_pool *pool_or_global(struct xmem_pool *p)
{
    return p ? p : &xmem_global_pool;
}

/* The smallest page order holding bytes. */
static inline unsigned int xmem_order_of_bytes(unsigned long bytes)
{
    unsigned int order = 0;

    while ( (PAGE_SIZE << order) < bytes )
        order++;
    return order;
}

static inline struct xmem_block *region_first(const struct xmem_region *r)
{
    return (struct xmem_block *)((char *)r + REGION_HDR);
}

/*
 * A growth that cannot stay may take its new pool block under the same
 * lock ('ok': the caller's sizes are pool blocks of the natural
 * alignment).  A small step (at most a quarter of the block) takes 'room'
 * bytes, marked ROOMY, as _xrealloc() would allocate them; the payload
 * comes back in 'to' with outcome REALLOC_TAKEN.
 */
struct realloc_move {
    unsigned long room;
    bool ok;
    void *to;
};

/* What xmem_pool_realloc_in_place() managed. */
enum realloc_outcome {
    REALLOC_DONE,           /* resized in place */
    REALLOC_MOVE,           /* must allocate, copy and free */
    REALLOC_FAILED,         /* no memory: nothing changed */
    REALLOC_TAKEN,          /* moving: the new block is taken, copy, free */
    REALLOC_BAD_POINTER,    /* reported: not a live block */
};

/* Pool core (xmalloc_tlsf.c); each takes the pool's lock. */
void *xmem_pool_alloc_aligned(struct xmem_pool *p, unsigned long size,
                              unsigned long align);
/* The same; roomy marks the block as holding growth headroom (BW_ROOMY). */
void *xmem_pool_alloc_room(struct xmem_pool *p, unsigned long size,
                           unsigned long align, bool roomy);
void xmem_pool_free_block(struct xmem_pool *p, void *ptr);
/* The same without trying this CPU's cache and deferred list first. */
void xmem_pool_free_locked(struct xmem_pool *p, void *ptr);
void *xmem_pool_realloc_in_place(struct xmem_pool *p, void *ptr,
                                 unsigned long size, unsigned long *align,
                                 unsigned long *cur, bool *checked,
                                 unsigned long roomy,
                                 struct realloc_move *mv,
                                 enum realloc_outcome *outcome);
/*
 * Release used block b (taken off any cache) into the pool (lock held);
 * a region it leaves empty and not retained is unlinked and chained on
 * 'gone' (NULL: kept) for xmem_regions_put() once the lock is dropped.
 */
void xmem_block_release_used(struct xmem_pool *p, struct xmem_block *b,
                             struct list_head *gone);
/* Give the regions chained by xmem_block_release_used() back (no lock). */
void xmem_regions_put(struct xmem_pool *p, struct list_head *gone);

#endif /* XEN_COMMON_XMALLOC_TLSF_H */
