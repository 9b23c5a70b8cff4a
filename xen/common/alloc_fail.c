/* Allocation failure injection shared by every allocator. */
#include <xen/alloc_fail.h>
#include <xen/lib.h>

unsigned long alloc_fail_at;        /* 0: disarmed; else attempt number */
unsigned long alloc_fail_attempts;
static unsigned long injected;

void alloc_fail_nth(unsigned long nth)
{
    unsigned long now = __atomic_load_n(&alloc_fail_attempts,
                                        __ATOMIC_SEQ_CST);

    __atomic_store_n(&alloc_fail_at, nth ? now + nth : 0, __ATOMIC_SEQ_CST);
}

unsigned long alloc_count(void)
{
    return __atomic_load_n(&alloc_fail_attempts, __ATOMIC_SEQ_CST);
}

void alloc_count_reset(void)
{
    __atomic_store_n(&alloc_fail_attempts, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&injected, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&alloc_fail_at, 0, __ATOMIC_SEQ_CST);
}

unsigned long alloc_failures_injected(void)
{
    return __atomic_load_n(&injected, __ATOMIC_SEQ_CST);
}

bool alloc_fail_check_armed(void)
{
    unsigned long n = __atomic_add_fetch(&alloc_fail_attempts, 1,
                                         __ATOMIC_SEQ_CST);

    if ( n != __atomic_load_n(&alloc_fail_at, __ATOMIC_SEQ_CST) )
        return false;
    __atomic_fetch_add(&injected, 1, __ATOMIC_SEQ_CST);
    return true;
}
