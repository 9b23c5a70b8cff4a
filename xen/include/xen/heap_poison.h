#ifndef XEN_HEAP_POISON_H
#define XEN_HEAP_POISON_H

/*
 * Marking heap memory that nobody may touch (free space, cached blocks)
 * for a memory checker.  An architecture that has one (the hosted
 * AddressSanitizer build) defines ARCH_HEAP_POISON and the two functions
 * in asm/heap_poison.h; everywhere else they do nothing.  Ranges are
 * 8-byte aligned.
 */
#include <asm/heap_poison.h>

#ifndef ARCH_HEAP_POISON
static inline void heap_poison(const void *p, unsigned long bytes)
{
    (void)p;
    (void)bytes;
}

static inline void heap_unpoison(const void *p, unsigned long bytes)
{
    (void)p;
    (void)bytes;
}
#endif

#endif /* XEN_HEAP_POISON_H */
