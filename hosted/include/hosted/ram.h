#ifndef HOSTED_RAM_H
#define HOSTED_RAM_H

/*
 * The platform's RAM, as the hypervisor's page allocator sees it.  RAM is
 * the simulated physical memory (hw/phys_mem); every page has a frame
 * table entry and at most one owner, so tests can prove where each page
 * is.  Without a declared bank, the first allocation declares a default
 * bank (HOSTED_RAM_DEFAULT_BASE/SIZE), for tests that need no board.
 */
#include <stdint.h>

#define HOSTED_RAM_DEFAULT_BASE 0x40000000ULL
#define HOSTED_RAM_DEFAULT_SIZE 0x80000000ULL

struct domain;
struct phys_mem;

/* The platform's physical memory (created on first use). */
struct phys_mem *hosted_phys_mem(void);
/* Declare a RAM bank: it backs both DMA and the page allocator. */
int hosted_ram_add_bank(uint64_t base, uint64_t size);
/* Forget all RAM and every page's state (between tests and boots). */
void hosted_ram_reset(void);

unsigned long hosted_pages_total(void);
unsigned long hosted_pages_free(void);
unsigned long hosted_pages_xenheap(void);
/* Pages owned by d (NULL: anonymous domain-heap pages). */
unsigned long hosted_pages_owned_by(const struct domain *d);

#endif /* HOSTED_RAM_H */
