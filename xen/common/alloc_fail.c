/* Allocation failure injection shared by every allocator. */
#include <xen/alloc_fail.h>
#include <xen/lib.h>

static unsigned long fail_at;       /* 0: disarmed; else attempt number */
static unsigned long attempts;
static unsigned long injected;

void alloc_fail_nth(unsigned long nth)
{
    unsigned long now = __atomic_load_n(&attempts, __ATOMIC_SEQ_CST);

    __atomic_store_n(&fail_at, nth ? now + nth : 0, __ATOMIC_SEQ_CST);
}

unsigned long alloc_count(void)
{
    return __atomic_load_n(&attempts, __ATOMIC_SEQ_CST);
}

void alloc_count_reset(void)
{
    __atomic_store_n(&attempts, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&injected, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&fail_at, 0, __ATOMIC_SEQ_CST);
}

unsigned long alloc_failures_injected(void)
{
    return __atomic_load_n(&injected, __ATOMIC_SEQ_CST);
}

bool alloc_fail_check(void)
{
    unsigned long n;

    /*
     * Disarmed (always, outside tests): count with a plain load and store
     * instead of a locked add, which would cost every allocation a full
     * barrier.  Concurrent allocations may then lose a count; the counts
     * the tests read are taken while one CPU allocates.
     */
    if ( likely(!__atomic_load_n(&fail_at, __ATOMIC_RELAXED)) )
    {
        n = __atomic_load_n(&attempts, __ATOMIC_RELAXED);
        __atomic_store_n(&attempts, n + 1, __ATOMIC_RELAXED);
        return false;
    }
    n = __atomic_add_fetch(&attempts, 1, __ATOMIC_SEQ_CST);
    if ( n != __atomic_load_n(&fail_at, __ATOMIC_SEQ_CST) )
        return false;
    __atomic_fetch_add(&injected, 1, __ATOMIC_SEQ_CST);
    return true;
}
