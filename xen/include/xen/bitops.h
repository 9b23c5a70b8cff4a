#ifndef XEN_BITOPS_H
#define XEN_BITOPS_H

/*
 * Bit numbers, masks, atomic bit operations on arrays of longs, searches.
 * DECLARE_BITMAP and BITS_TO_LONGS are in <xen/types.h>, operations on
 * whole bitmaps in <xen/bitmap.h>, as in Xen.
 */
#include <xen/lib.h>

#define BITS_PER_BYTE   8
#define BIT(n)          (1UL << (n))
#define BIT_ULL(n)      (1ULL << (n))
#define GENMASK(h, l)   ((~0UL << (l)) & (~0UL >> (BITS_PER_LONG - 1 - (h))))
#define GENMASK_ULL(h, l) ((~0ULL << (l)) & (~0ULL >> (63 - (h))))

#define BIT_WORD(nr)    ((nr) / BITS_PER_LONG)
#define BIT_MASK(nr)    (1UL << ((nr) % BITS_PER_LONG))

static inline void set_bit(unsigned int nr, volatile unsigned long *addr)
{
    __atomic_fetch_or(&addr[BIT_WORD(nr)], BIT_MASK(nr), __ATOMIC_SEQ_CST);
}

static inline void clear_bit(unsigned int nr, volatile unsigned long *addr)
{
    __atomic_fetch_and(&addr[BIT_WORD(nr)], ~BIT_MASK(nr), __ATOMIC_SEQ_CST);
}

static inline bool test_bit(unsigned int nr, const volatile unsigned long *addr)
{
    return __atomic_load_n(&addr[BIT_WORD(nr)], __ATOMIC_RELAXED) &
           BIT_MASK(nr);
}

static inline bool test_and_set_bit(unsigned int nr,
                                    volatile unsigned long *addr)
{
    return __atomic_fetch_or(&addr[BIT_WORD(nr)], BIT_MASK(nr),
                             __ATOMIC_SEQ_CST) & BIT_MASK(nr);
}

static inline bool test_and_clear_bit(unsigned int nr,
                                      volatile unsigned long *addr)
{
    return __atomic_fetch_and(&addr[BIT_WORD(nr)], ~BIT_MASK(nr),
                              __ATOMIC_SEQ_CST) & BIT_MASK(nr);
}

/* Non-atomic variants, for data under a lock. */
static inline void __set_bit(unsigned int nr, unsigned long *addr)
{
    addr[BIT_WORD(nr)] |= BIT_MASK(nr);
}

static inline void __clear_bit(unsigned int nr, unsigned long *addr)
{
    addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}

/* Find-first-set, 1-based (0 when x == 0), and find-last-set. */
#define ffsl(x) __builtin_ffsl((long)(x))
#define ffs(x)  __builtin_ffs((int)(x))
static inline int flsl(unsigned long x)
{
    return x ? (int)BITS_PER_LONG - __builtin_clzl(x) : 0;
}
static inline int fls(unsigned int x)
{
    return x ? 32 - __builtin_clz(x) : 0;
}

/* Index of the first set (or clear) bit at or after 'start'; 'size' if none. */
static inline unsigned int find_next_bit_val(const unsigned long *addr,
                                             unsigned int size,
                                             unsigned int start, bool set)
{
    while ( start < size )
    {
        unsigned long w = addr[BIT_WORD(start)];

        if ( !set )
            w = ~w;
        w &= ~0UL << (start % BITS_PER_LONG);
        if ( w )
        {
            unsigned int i = BIT_WORD(start) * BITS_PER_LONG +
                             __builtin_ctzl(w);

            return i < size ? i : size;
        }
        start = (BIT_WORD(start) + 1) * BITS_PER_LONG;
    }
    return size;
}

#define find_next_bit(a, size, off)      find_next_bit_val(a, size, off, true)
#define find_next_zero_bit(a, size, off) find_next_bit_val(a, size, off, false)
#define find_first_bit(a, size)          find_next_bit_val(a, size, 0, true)
#define find_first_zero_bit(a, size)     find_next_bit_val(a, size, 0, false)

#define for_each_set_bit(b, addr, size)                       \
    for ( (b) = find_first_bit(addr, size); (b) < (size);     \
          (b) = find_next_bit(addr, size, (b) + 1) )

#endif /* XEN_BITOPS_H */
