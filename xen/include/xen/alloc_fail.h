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

/* Called by an allocator at each attempt: true means "fail this one". */
bool alloc_fail_check(void);

#endif /* XEN_ALLOC_FAIL_H */
