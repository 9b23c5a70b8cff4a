#ifndef HOSTED_ASM_HEAP_POISON_H
#define HOSTED_ASM_HEAP_POISON_H

/*
 * AddressSanitizer builds: the Xen heap lives in simulated RAM, which ASan
 * knows nothing about, so without poisoning an overrun inside the heap or
 * a use after free went unnoticed (xen/heap_poison.h).
 */
#include <xen/types.h>

#if defined(__SANITIZE_ADDRESS__)
#define ARCH_HEAP_POISON 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARCH_HEAP_POISON 1
#endif
#endif

#ifdef ARCH_HEAP_POISON
void __asan_poison_memory_region(void const volatile *addr, size_t size);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);

static inline void heap_poison(const void *p, unsigned long bytes)
{
    __asan_poison_memory_region(p, bytes);
}

static inline void heap_unpoison(const void *p, unsigned long bytes)
{
    __asan_unpoison_memory_region(p, bytes);
}
#endif

#endif /* HOSTED_ASM_HEAP_POISON_H */
