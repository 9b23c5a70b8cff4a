#ifndef XEN_BITMAP_H
#define XEN_BITMAP_H

/*
 * Operations on whole bitmaps of 'bits' bits (DECLARE_BITMAP in
 * <xen/types.h>).  Bits past 'bits' in the last long are left alone by
 * the writers and ignored by the readers.
 */
#include <xen/bitops.h>
#include <xen/string.h>
#include <xen/types.h>

/* The mask of the valid bits of the last long of a 'bits'-bit map. */
#define BITMAP_LAST_WORD_MASK(bits)                                       \
    (((bits) % BITS_PER_LONG) ? (1UL << ((bits) % BITS_PER_LONG)) - 1     \
                              : ~0UL)

static inline void bitmap_zero(unsigned long *map, unsigned int bits)
{
    memset(map, 0, BITS_TO_LONGS(bits) * sizeof(long));
}

static inline void bitmap_fill(unsigned long *map, unsigned int bits)
{
    unsigned int n = BITS_TO_LONGS(bits);

    if ( !n )
        return;
    memset(map, 0xff, (n - 1) * sizeof(long));
    map[n - 1] = BITMAP_LAST_WORD_MASK(bits);
}

static inline void bitmap_copy(unsigned long *dst, const unsigned long *src,
                               unsigned int bits)
{
    memcpy(dst, src, BITS_TO_LONGS(bits) * sizeof(long));
}

static inline bool bitmap_empty(const unsigned long *map, unsigned int bits)
{
    return find_first_bit(map, bits) >= bits;
}

static inline bool bitmap_full(const unsigned long *map, unsigned int bits)
{
    return find_first_zero_bit(map, bits) >= bits;
}

static inline unsigned int bitmap_weight(const unsigned long *map,
                                         unsigned int bits)
{
    unsigned int i, n = 0;

    for ( i = 0; i < bits / BITS_PER_LONG; i++ )
        n += __builtin_popcountl(map[i]);
    if ( bits % BITS_PER_LONG )
        n += __builtin_popcountl(map[i] & BITMAP_LAST_WORD_MASK(bits));
    return n;
}

#endif /* XEN_BITMAP_H */
