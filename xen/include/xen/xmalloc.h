#ifndef XEN_XMALLOC_H
#define XEN_XMALLOC_H

/*
 * The hypervisor heap: a TLSF (two-level segregated fit) allocator.
 * Blocks are MEM_ALIGN-aligned; alignments up to PAGE_SIZE may be asked.
 * Size 0 gives ZERO_BLOCK_PTR, which xfree() and _xrealloc() accept.
 */
#include <xen/types.h>

#define MEM_ALIGN 16
#define ZERO_BLOCK_PTR ((void *)-1L)

void *_xmalloc(unsigned long size, unsigned long align);
void *_xzalloc(unsigned long size, unsigned long align);
void *_xrealloc(void *ptr, unsigned long size, unsigned long align);
void xfree(void *p);

#define xmalloc(type) ((type *)_xmalloc(sizeof(type), __alignof__(type)))
#define xzalloc(type) ((type *)_xzalloc(sizeof(type), __alignof__(type)))

/* Arrays: the byte count is checked for overflow (NULL if it would). */
static inline void *_xmalloc_array(unsigned long size, unsigned long align,
                                   unsigned long num)
{
    if ( size && num > (~0UL) / size )
        return NULL;
    return _xmalloc(size * num, align);
}

static inline void *_xzalloc_array(unsigned long size, unsigned long align,
                                   unsigned long num)
{
    if ( size && num > (~0UL) / size )
        return NULL;
    return _xzalloc(size * num, align);
}

#define xmalloc_array(type, num) \
    ((type *)_xmalloc_array(sizeof(type), __alignof__(type), num))
#define xzalloc_array(type, num) \
    ((type *)_xzalloc_array(sizeof(type), __alignof__(type), num))
#define xmalloc_bytes(n) _xmalloc(n, MEM_ALIGN)
#define xzalloc_bytes(n) _xzalloc(n, MEM_ALIGN)

/*
 * Structures ending in a flexible array member 'field' of 'nr' elements.
 * The size computation saturates, so an overflowing 'nr' fails cleanly.
 */
#define flex_struct_size(ptr, field, nr)                                  \
    xmalloc_flex_size(sizeof(*(ptr)), sizeof((ptr)->field[0]), (nr))

static inline unsigned long xmalloc_flex_size(unsigned long hdr,
                                              unsigned long elem,
                                              unsigned long nr)
{
    if ( elem && nr > (~0UL - hdr) / elem )
        return ~0UL;
    return hdr + elem * nr;
}

#define xmalloc_flex_struct(type, field, nr)                              \
    ((type *)_xmalloc(xmalloc_flex_size(sizeof(type),                     \
                                        sizeof(((type *)NULL)->field[0]), \
                                        nr), __alignof__(type)))

#define xzalloc_flex_struct(type, field, nr)                              \
    ((type *)_xzalloc(xmalloc_flex_size(sizeof(type),                     \
                                        sizeof(((type *)NULL)->field[0]), \
                                        nr), __alignof__(type)))

#define xrealloc_flex_struct(ptr, field, nr)                              \
    ((__typeof__(ptr))_xrealloc(ptr, flex_struct_size(ptr, field, nr),    \
                                __alignof__(*(ptr))))

/* Pools: independent TLSF heaps growing by whole pages. */
struct xmem_pool;

typedef void *(xmem_pool_get_memory)(unsigned long bytes);
typedef void (xmem_pool_put_memory)(void *ptr);

/*
 * name: for messages; get_mem/put_mem: obtain and release whole regions
 * of 'init_size' (first) and 'grow_size' bytes; max_size: 0 = unbounded.
 */
struct xmem_pool *xmem_pool_create(const char *name,
                                   xmem_pool_get_memory get_mem,
                                   xmem_pool_put_memory put_mem,
                                   unsigned long max_size,
                                   unsigned long grow_size);
void *xmem_pool_alloc(unsigned long size, struct xmem_pool *pool);
int xmem_pool_maxalloc(struct xmem_pool *pool);
void xmem_pool_free(void *ptr, struct xmem_pool *pool);
void xmem_pool_destroy(struct xmem_pool *pool);
unsigned long xmem_pool_get_used_size(struct xmem_pool *pool);
unsigned long xmem_pool_get_total_size(struct xmem_pool *pool);

/*
 * Free space a pool (NULL: the global heap) keeps when a region becomes
 * wholly free; beyond it, wholly free regions go back through put_mem
 * (the global heap: to the page allocator).  ~0UL: never give back.
 * Defaults: one grow_size for pools, 4 MiB for the global heap.
 */
void xmem_pool_set_retain(struct xmem_pool *pool, unsigned long bytes);

/*
 * Consistency check of a pool (NULL: the global xmalloc pool): walks
 * every region, block header, free list and bitmap.  Returns 0, or a
 * negative errno after one console line naming the first problem found.
 * Never aborts.
 */
int xmem_pool_check(struct xmem_pool *pool);

/* Bytes in use in the global heap (small blocks and whole-page blocks). */
unsigned long xmalloc_used_bytes(void);
/* Live allocations in the global heap. */
unsigned long xmalloc_live_blocks(void);
/*
 * Bytes of freed small blocks the CPUs keep in their caches for reuse
 * (counted in neither of the above; exact only while no CPU allocates).
 */
unsigned long xmalloc_cached_bytes(void);

#endif /* XEN_XMALLOC_H */
