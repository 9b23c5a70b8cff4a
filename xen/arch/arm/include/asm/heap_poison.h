#ifndef ASM_ARM_HEAP_POISON_H
#define ASM_ARM_HEAP_POISON_H

/* Heap poisoning is a hosted AddressSanitizer aid: nothing to do here. */

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

#endif /* ASM_ARM_HEAP_POISON_H */
