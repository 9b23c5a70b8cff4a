#ifndef HOSTED_MMIO_H
#define HOSTED_MMIO_H

/*
 * The MMIO bus of the hosted platform.  Models register physical windows;
 * readl/writel on an ioremap cookie are routed to the window's handlers.
 * An access no window claims, or that a handler refuses, is a bus error:
 * logged, counted, and reads return all ones.
 */
#include <stdbool.h>
#include <stdint.h>

/* Handlers return 0, or -1 for a bus error (bad offset, bad size). */
typedef int (*mmio_read_fn)(void *opaque, uint64_t offset, uint32_t *val);
typedef int (*mmio_write_fn)(void *opaque, uint64_t offset, uint32_t val);

int hosted_mmio_register(uint64_t base, uint64_t size, const char *name,
                         mmio_read_fn read, mmio_write_fn write,
                         void *opaque);
void hosted_mmio_unregister_all(void);

/* Direct physical accesses, as the bus sees them (tests, tools). */
int hosted_mmio_read32(uint64_t pa, uint32_t *val);
int hosted_mmio_write32(uint64_t pa, uint32_t val);

unsigned long hosted_mmio_bus_errors(void);
/*
 * readl()s of the register the same CPU wrote last with writel(), with no
 * dsb() in between (see hosted/mmio.c): polls that real hardware does not
 * order after the write.
 */
unsigned long hosted_mmio_unordered_readbacks(void);
/* Live ioremap windows (for leak checks). */
unsigned int hosted_mmio_live_mappings(void);

#endif /* HOSTED_MMIO_H */
