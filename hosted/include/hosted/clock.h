#ifndef HOSTED_CLOCK_H
#define HOSTED_CLOCK_H

/*
 * The virtual clock behind NOW() and udelay(): time moves only when code
 * waits (udelay) or a test advances it, so timing is deterministic.
 */
#include <stdint.h>

uint64_t hosted_clock_ns(void);
void hosted_clock_advance(uint64_t ns);
void hosted_clock_reset(void);
/* Total virtual time spent in udelay since reset. */
uint64_t hosted_clock_delay_ns(void);

#endif /* HOSTED_CLOCK_H */
