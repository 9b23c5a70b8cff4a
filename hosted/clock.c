/* Virtual time: NOW() reads it, udelay() advances it. */
#include <xen/delay.h>
#include <xen/time.h>
#include "hosted/clock.h"

static uint64_t clock_ns;
static uint64_t delay_ns;

uint64_t hosted_clock_ns(void)
{
    return __atomic_load_n(&clock_ns, __ATOMIC_SEQ_CST);
}

void hosted_clock_advance(uint64_t ns)
{
    __atomic_fetch_add(&clock_ns, ns, __ATOMIC_SEQ_CST);
}

void hosted_clock_reset(void)
{
    __atomic_store_n(&clock_ns, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&delay_ns, 0, __ATOMIC_SEQ_CST);
}

uint64_t hosted_clock_delay_ns(void)
{
    return __atomic_load_n(&delay_ns, __ATOMIC_SEQ_CST);
}

s_time_t get_s_time(void)
{
    return (s_time_t)hosted_clock_ns();
}

void udelay(unsigned long usecs)
{
    __atomic_fetch_add(&delay_ns, usecs * 1000ULL, __ATOMIC_SEQ_CST);
    hosted_clock_advance(usecs * 1000ULL);
}
