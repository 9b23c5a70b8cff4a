#ifndef XEN_TYPES_H
#define XEN_TYPES_H

/* Fixed-width types.  The compiler's freestanding headers are allowed. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int8_t   s8;
typedef uint8_t  u8;
typedef int16_t  s16;
typedef uint16_t u16;
typedef int32_t  s32;
typedef uint32_t u32;
typedef int64_t  s64;
typedef uint64_t u64;

typedef uint64_t paddr_t;
typedef unsigned long vaddr_t;
typedef int64_t s_time_t;

#define PRIpaddr "016" PRIx64
#ifndef PRIx64
#define PRIx64 "lx"
#define PRIu64 "lu"
#define PRId64 "ld"
#endif

#define INVALID_PADDR (~0ULL)

/*
 * Bitmaps are arrays of longs.  As in Xen, these three come with the basic
 * types; the operations on bitmaps are in <xen/bitops.h> (bits) and
 * <xen/bitmap.h> (whole maps).
 */
#define BITS_PER_LONG   (__SIZEOF_LONG__ * 8)
#define BITS_TO_LONGS(bits) (((bits) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define DECLARE_BITMAP(name, bits) unsigned long name[BITS_TO_LONGS(bits)]

#endif /* XEN_TYPES_H */
