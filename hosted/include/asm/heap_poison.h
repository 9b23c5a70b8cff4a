#ifndef HOSTED_ASM_HEAP_POISON_H
#define HOSTED_ASM_HEAP_POISON_H

/*
 * Marking heap memory that nobody may touch (free space, cached blocks),
 * for AddressSanitizer builds: the Xen heap lives in simulated RAM, which
 * ASan knows nothing about, so without this an overrun inside the heap or
 * a use after free went unnoticed.  Elsewhere (release builds, arm64)
 * these do nothing.  Ranges are 8-byte aligned.
 */
#include <xen/types.h>

#if defined(__SANITIZE_ADDRESS__)
#define HEAP_POISON_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HEAP_POISON_ASAN 1
#endif
#endif

#ifdef HEAP_POISON_ASAN
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
#else
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

#endif /* HOSTED_ASM_HEAP_POISON_H */
