#ifndef XEN_ALLOC_FAIL_H
#define XEN_ALLOC_FAIL_H

/*
 * Allocation failure injection, shared by every allocator (xmalloc, the
 * page allocators).  Tests arm it to fail the Nth allocation from now and
 * read how many allocations a sequence made, so that every failure path
 * of that sequence can be exercised in turn.
 */
#include <xen/types.h>

/* Fail the nth allocation from now (1 = the next one); 0 disarms. */
void alloc_fail_nth(unsigned long nth);
/* Allocations attempted since the counter was last reset. */
unsigned long alloc_count(void);
void alloc_count_reset(void);
/* Failures injected since the counter was last reset. */
unsigned long alloc_failures_injected(void);

/* Internals of alloc_fail_check() (alloc_fail.c); not for callers. */
extern unsigned long alloc_fail_at, alloc_fail_attempts;
bool alloc_fail_check_armed(void);

/*
 * Called by an allocator at each attempt: true means "fail this one".
 * Inline, as every allocation pays it.  Disarmed (always, outside tests)
 * it counts with a plain load and store, not a locked add, which would
 * cost every allocation a full barrier: allocations on two CPUs at once
 * may then lose a count; the counts tests read are taken while one CPU
 * allocates.  Armed, counting is atomic.
 */
static inline bool alloc_fail_check(void)
{
    unsigned long n;

    if ( __builtin_expect(!__atomic_load_n(&alloc_fail_at, __ATOMIC_RELAXED),
                          1) )
    {
        n = __atomic_load_n(&alloc_fail_attempts, __ATOMIC_RELAXED);
        __atomic_store_n(&alloc_fail_attempts, n + 1, __ATOMIC_RELAXED);
        return false;
    }
    return alloc_fail_check_armed();
}

#endif /* XEN_ALLOC_FAIL_H */
